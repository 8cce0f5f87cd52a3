"""The incremental layer of the pipeline (``serve``, benchmarks): reuse what did not change.

``SiteCache`` reloads a briefing only when a file in its folder changed (name, size or mtime)
and re-renders its pages only when it, the templates or the site settings changed; it says
whose pages differ from the previous render. ``Rebuild`` turns that into what a dirty MkDocs
rebuild must redo.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from jinja2 import Environment

from .briefing import Briefing, load_briefing
from .errors import Problem
from .export import briefing_json, each_file
from .project import Site, SiteConfig
from .render import render_briefing, render_site

Stamp = tuple[tuple[str, int, int], ...]


def stamp(folder: Path) -> Stamp:
    """A cheap fingerprint of every file under ``folder``."""
    if not folder.is_dir():
        return ()
    entries = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            st = path.stat()
            entries.append((path.relative_to(folder).as_posix(), st.st_size, st.st_mtime_ns))
    return tuple(entries)


class SiteCache:
    """Checked briefings and rendered pages of one project, kept between builds."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._briefings: dict[str, tuple[Stamp, Briefing | None, list[Problem]]] = {}
        self._pages: dict[str, tuple[tuple[Stamp, Stamp, Stamp], dict[str, str]]] = {}
        self.rendered: list[str] = []  # slugs re-rendered by the last call, for tests/benchmarks
        # Slugs whose pages differ from the previous render() (None: everything may differ, on
        # the first render or when the home page, templates/ or site_config/ changed). Lets a
        # dev server rebuild only those briefings' pages.
        self.changed: set[str] | None = None
        self._shared: tuple[Stamp, Stamp] | None = None
        self._home: str | None = None
        self._exports: dict[str, tuple[tuple[Stamp, Stamp, Stamp], str]] = {}

    def load(self, folder: Path, root: Path) -> tuple[Briefing | None, list[Problem]]:
        """``load_briefing`` with a per-folder cache."""
        now = stamp(folder)
        cached = self._briefings.get(folder.name)
        if cached is not None and cached[0] == now:
            return cached[1], cached[2]
        briefing, problems = load_briefing(folder, root)
        self._briefings[folder.name] = (now, briefing, problems)
        return briefing, problems

    def render(self, site: Site, env: Environment) -> dict[str, str]:
        """``render_site``, reusing the pages of briefings whose inputs did not change."""
        shared = (stamp(self.root / "templates"), stamp(self.root / "site_config"))
        pages = render_site(site, env, only=set())
        everything = self._shared != shared or self._home != pages["index.md"]
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

    def exports(self, site: Site, *, keep: bool = True) -> Iterator[tuple[str, str]]:
        """``export.each_file`` after ``render``, one ``(path, text)`` at a time.

        ``keep``: remember each briefing's JSON and reuse it while the briefing is unchanged
        (serving); a one-shot build passes False so no export outlives its writing.
        """
        def briefing_text(b: Briefing, config: SiteConfig) -> str:
            key = self._pages[b.slug][0]
            cached = self._exports.get(b.slug)
            if cached is None or cached[0] != key:
                cached = (key, briefing_json(b, config))
                if keep:
                    self._exports[b.slug] = cached
            return cached[1]

        return each_file(site, briefing_text)


class Rebuild:
    """Which briefings a dirty rebuild must rebuild, and which were removed.

    Material's search index merges a dirty rebuild by the first rebuilt page's path, so one
    briefing (all under ``slug/``) can be merged; more, or the home page, cannot: then every
    page is rebuilt. So is every page after a failed build, or when the navigation or
    mkdocs.yml (``state``) changed.
    """

    def __init__(self) -> None:
        self._previous: object = None  # the state the last good build depended on
        self._slugs: set[str] = set()  # briefings published by the last good build
        self.touched: set[str] | None = None  # briefings to rebuild; None: every page
        self.removed: set[str] = set()  # briefings whose pages must be deleted

    def plan(self, cache: SiteCache, site: Site, state: object, dirty: bool) -> str:
        """Decide after a good render; returns a line for the log."""
        changed = cache.changed
        full = not dirty or changed is None or state != self._previous or len(changed) > 1
        self.touched = None if full else changed
        slugs = {b.slug for b in site.published}
        self.removed, self._slugs, self._previous = self._slugs - slugs, slugs, state
        scope = "every page" if self.touched is None else (
            f"the pages of: {', '.join(sorted(self.touched)) or 'none'}")
        return f"re-rendered briefings: {', '.join(cache.rendered) or 'none'}; rebuilding {scope}"

    def keep_all(self) -> None:
        """A failed render: rebuild nothing now (the last good pages stay)."""
        self.touched, self.removed = set(), set()

    def forget(self) -> None:
        """After a failed or finished build: the next one is full."""
        self._previous = None

    def unchanged(self, path: str) -> bool:
        """Whether the page at ``path`` (``slug/page.md``) may be skipped by this rebuild."""
        return self.touched is not None and path.split("/", 1)[0] not in self.touched
