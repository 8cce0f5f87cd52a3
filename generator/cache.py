"""The incremental layer of the pipeline (``serve``, benchmarks): reuse what did not change.

``SiteCache`` reloads a briefing only when a file in its folder changed (name, size or mtime)
and re-renders its pages only when it, the templates or the site settings changed; it says
whose pages differ from the previous render. ``Rebuild`` turns that into what a dirty MkDocs
rebuild must redo, and ``merge_search`` puts the search entries of the rebuilt pages together
with the previous build's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

from .briefing import Briefing, load_briefing
from .errors import Problem
from .export import briefing_json, each_file
from .project import Site, SiteConfig
from .render import render_briefing, render_home

Stamp = tuple[tuple[str, int, int], ...]


def stamp(folder: Path, root: Path) -> Stamp:
    """A cheap fingerprint of every file under ``folder`` (in the project ``root``): its path,
    size and mtime."""
    if not folder.is_dir():
        return ()
    entries: list[tuple[str, int, int]] = []
    _scan(os.fspath(folder), "", entries, (), os.path.realpath(root))
    return tuple(sorted(entries))


def _scan(folder: str, prefix: str, entries: list[tuple[str, int, int]],
          above: tuple[str, ...], inside: str) -> None:
    """``os.scandir``, not ``Path.rglob``: a serve rebuild stamps every briefing's folder
    (at 100 briefings 17 ms with pathlib, a quarter of that so). Links to folders are
    followed, as the loader follows them (a shared ``sources/``), but never into a folder
    that contains them nor out of the project (the loader refuses both); an unreadable folder
    is skipped (the loader reports what it needs of it)."""
    real = os.path.realpath(folder)
    if real in above or not (real == inside or real.startswith(inside + os.sep)):
        return
    try:
        with os.scandir(folder) as found:
            children = list(found)
    except OSError:  # unreadable, or removed while stamped: the loader reports what it needs
        return
    for entry in children:
        try:
            if entry.is_dir():
                _scan(entry.path, f"{prefix}{entry.name}/", entries, (*above, real), inside)
            elif entry.is_file():
                st = entry.stat()
                entries.append((prefix + entry.name, st.st_size, st.st_mtime_ns))
        except OSError:  # a link that loops or goes nowhere: the loader reports it
            continue


class Compiled(BytecodeCache):
    """Compiled Jinja templates kept in memory across rebuilds: each rebuild makes a new
    Environment, which would otherwise compile every template again (0.3-0.7 s per serve
    rebuild). Jinja recompiles a template whose source changed (its checksum is in the key)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class SiteCache:
    """Checked briefings and rendered pages of one project, kept between builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._briefings: dict[str, tuple[Stamp, Briefing | None, list[Problem]]] = {}
        self._pages: dict[str, tuple[tuple[Stamp, Stamp, Stamp], dict[str, str]]] = {}
        self.rendered: list[str] = []  # slugs re-rendered by the last call, for tests/benchmarks
        # Slugs whose pages differ from the previous render() (None: everything may differ, on
        # the first render or when templates/ or site_config/ changed). Lets a dev server
        # rebuild only those briefings' pages.
        self.changed: set[str] | None = None
        self.home_changed = True  # whether the home page differs from the previous render()
        self._shared: tuple[Stamp, Stamp] | None = None
        self._home: str | None = None
        self._exports: dict[str, tuple[tuple[Stamp, Stamp, Stamp], str]] = {}
        self._written: dict[str, str] = {}  # export path: the text last written there
        self.templates = Compiled()  # for templates/*.md.j2
        self.theme_templates = Compiled()  # for the theme's (MkDocs' environment)

    def load(self, folder: Path, root: Path) -> tuple[Briefing | None, list[Problem]]:
        """``load_briefing`` with a per-folder cache."""
        now = stamp(folder, self.root)
        cached = self._briefings.get(folder.name)
        if cached is not None and cached[0] == now:
            return cached[1], cached[2]
        briefing, problems = load_briefing(folder, root)
        self._briefings[folder.name] = (now, briefing, problems)
        return briefing, problems

    def render(self, site: Site, env: Environment) -> dict[str, str]:
        """``render.render_site``, reusing the pages of briefings whose inputs did not change."""
        shared = (stamp(self.root / "templates", self.root),
                  stamp(self.root / "site_config", self.root))
        pages = render_home(site, env)
        everything = self._shared != shared
        self.home_changed = self._home != pages["index.md"]
        self._shared, self._home = shared, pages["index.md"]
        self.rendered = []
        changed = set()
        for b in site.published:
            key = (self._briefings[b.slug][0], *shared)
            cached = self._pages.get(b.slug)
            if cached is None or cached[0] != key:
                fresh = (key, render_briefing(b, site, env))
                if cached is None or cached[1] != fresh[1]:
                    changed.add(b.slug)
                cached = fresh
                self._pages[b.slug] = cached
                self.rendered.append(b.slug)
            pages.update(cached[1])
        published = {b.slug for b in site.published}
        for slug in set(self._pages) - published:  # removed or unpublished: its pages are gone
            del self._pages[slug]
            changed.add(slug)
        self.changed = None if everything else changed
        return pages

    def exports(self, site: Site, *, site_dir: Path | None = None) -> Iterator[tuple[str, str]]:
        """``export.each_file`` after ``render``, one ``(path, text)`` at a time; each
        briefing's JSON is remembered and reused while the briefing is unchanged.
        ``site_dir``: leave out the files that hold there what this cache last gave for them.
        """
        files = self._exports_of(site)
        if site_dir is None:
            return files
        return self._unwritten(files, site_dir)

    def _unwritten(self, files: Iterator[tuple[str, str]], site_dir: Path,
                   ) -> Iterator[tuple[str, str]]:
        for rel, text in files:
            if self._written.get(rel) == text and (site_dir / rel).is_file():
                continue  # (a briefing's reused JSON is the same object: no text is compared)
            yield rel, text
            self._written[rel] = text  # once written (the caller asks for the next one)

    def _exports_of(self, site: Site) -> Iterator[tuple[str, str]]:
        def briefing_text(b: Briefing, config: SiteConfig) -> str:
            key = self._pages[b.slug][0]
            cached = self._exports.get(b.slug)
            if cached is None or cached[0] != key:
                cached = self._exports[b.slug] = (key, briefing_json(b, config))
            return cached[1]

        return each_file(site, briefing_text)


HOME = "index.md"


def nav_owners(nav: Sequence[Any]) -> dict[str, Any]:
    """The entries of ``render.nav`` by what they belong to: ``HOME`` or a briefing's slug."""
    owners = {}
    for entry in nav:
        (value,) = entry.values()
        owners[value if isinstance(value, str) else _top(next(iter(value[0].values())))] = entry
    return owners


def _top(path: str) -> str:
    """``slug`` for ``slug/page.md``; ``index.md`` (the home page) stays itself."""
    return path.split("/", 1)[0]


class Rebuild:
    """Which pages a dirty rebuild must rebuild (by briefing, and the home page), which removed.

    A briefing's pages depend only on that briefing, the templates, the theme and the site
    settings (``partials/nav.html`` keeps Home and the page's own briefing; prev/next links stay
    within the briefing; ``tests/test_shard.py``). So an edit rebuilds the pages of the
    briefings whose pages or navigation entry changed, and the home page when it or the
    navigation changed. The search index is merged by ``merge_search``; with a search plugin
    that cannot be merged (``mergeable`` false), more than one briefing rebuilds every page.
    Every page is rebuilt after a failed build, on the first build, and when ``templates/``,
    ``site_config/`` or mkdocs.yml (``state``) changed.
    """

    def __init__(self) -> None:
        self._previous: object = None  # the state the last good build depended on
        self._nav: dict[str, Any] = {}  # the last good build's navigation, by owner
        self._slugs: set[str] = set()  # briefings published by the last good build
        self.touched: set[str] | None = None  # slugs and HOME to rebuild; None: every page
        self.removed: set[str] = set()  # briefings whose pages must be deleted

    def plan(self, cache: SiteCache, site: Site, nav: Sequence[Any], state: object, dirty: bool,
             *, mergeable: bool = True) -> str:
        """Decide after a good render; returns a line for the log."""
        owners = nav_owners(nav)
        changed = cache.changed
        touched = None
        if dirty and changed is not None and state == self._previous:
            moved = {k for k in owners.keys() | self._nav.keys() if owners.get(k) != self._nav.get(k)}
            touched = changed | moved
            if moved or cache.home_changed:
                touched.add(HOME)
            if not mergeable and len(touched) > 1:
                touched = None
        self.touched = touched
        slugs = {b.slug for b in site.published}
        self.removed, self._slugs, self._previous, self._nav = (
            self._slugs - slugs, slugs, state, owners)
        scope = "every page" if touched is None else (
            f"the pages of: {', '.join(sorted(touched - {HOME})) or 'none'}"
            + (" and the home page" if HOME in touched else ""))
        return f"re-rendered briefings: {', '.join(cache.rendered) or 'none'}; rebuilding {scope}"

    def keep_all(self) -> None:
        """A failed render: rebuild nothing now (the last good pages stay)."""
        self.touched, self.removed = set(), set()

    def forget(self) -> None:
        """After a failed or finished build: the next one is full."""
        self._previous = None

    def unchanged(self, path: str) -> bool:
        """Whether the page at ``path`` (``slug/page.md``, ``index.md``) may be skipped."""
        return self.touched is not None and _top(path) not in self.touched


def merge_search(previous: list[dict[str, Any]], fresh: list[dict[str, Any]],
                 rebuilt: set[str], order: Sequence[str]) -> list[dict[str, Any]]:
    """The search entries of a whole build, from a dirty build's and the previous build's.

    ``fresh``: the entries of the pages at the URLs ``rebuilt``; ``previous``: the last
    build's (those of rebuilt pages and of pages gone are dropped); ``order``: every page's URL in the site's
    order. The result is in the order a fresh build gives (page by page, each page's entries
    in their own order), so the index is byte-identical to a fresh build's.
    """
    def page(entry: dict[str, Any]) -> str:
        return str(entry["location"]).split("#", 1)[0]

    rank = {url: i for i, url in enumerate(order)}
    entries = [e for e in previous if page(e) in rank and page(e) not in rebuilt] + fresh
    return sorted(entries, key=lambda e: rank.get(page(e), len(rank)))
