"""Keep checked briefings and their rendered pages between builds (``serve``, benchmarks).

A briefing is reloaded only when a file in its folder changed (name, size or mtime), and its
pages are re-rendered only when it, the templates or the site settings changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .briefing import Briefing, load_briefing
from .errors import ContentError, Problem
from .export import briefing_json, each_file
from .project import Site, SiteConfig, load_site
from .render import environment, render_briefing, render_site

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
    """Incremental check and render of one project."""

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

    def check(self) -> Site:
        """The checked site, or ``ContentError`` with every problem."""
        site, problems = load_site(self.root, loader=self.load)
        if problems or site is None:
            raise ContentError(problems)
        return site

    def render(self) -> tuple[Site, dict[str, str]]:
        """Check and render; briefings whose inputs did not change reuse their pages."""
        site = self.check()
        env = environment(self.root)
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
        return site, pages

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
