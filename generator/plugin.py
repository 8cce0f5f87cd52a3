"""MkDocs plugin: a thin adapter so plain ``mkdocs build`` / ``mkdocs serve`` work.

On each build it checks the content, renders the pages and hands them to MkDocs as
generated files (nothing is written into docs_dir); after the pages, it writes the exports
into site_dir (each briefing's ``briefing.json``, ``briefings.json``, ``feed.xml``). Problems
are logged under ``mkdocs.plugins.briefsite`` and abort the build.

Serving: MkDocs keeps a plugin instance that has ``on_startup`` across rebuilds, so its
``SiteCache`` survives and an edit re-checks and re-renders only the briefing that changed.
Under ``briefsite serve`` (a dirty build) the pages of unchanged briefings are handed to MkDocs
as unmodified, so MkDocs converts and writes only the changed briefing's pages; anything that
could leave another page stale (navigation, home page, templates/, site_config/, mkdocs.yml,
several briefings, a failed build) makes the rebuild full.
"""

from __future__ import annotations

import logging
import shutil
import zlib
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import base
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from .build import allow_dirty_builds
from .cache import SiteCache
from . import outdir
from .errors import ContentError, Problem
from .escape import attr, html_text
from .project import Site
from .render import nav

log = logging.getLogger("mkdocs.plugins.briefsite")
serve_log = logging.getLogger("briefsite.serve")
WATCHED = ("content", "templates", "site_config")


class _Unchanged(File):
    """A generated page whose Markdown is the same as in the previous build: dirty builds skip it."""

    def is_modified(self) -> bool:
        return False


class BriefsiteConfig(base.Config):
    """Plugin options (none yet: settings live in site_config/site.yaml)."""


class BriefsitePlugin(BasePlugin[BriefsiteConfig]):
    """Check, render and inject briefing pages into an MkDocs build."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.cache: SiteCache | None = None
        self.pages: dict[str, str] = {}
        self.root = Path(".")
        self.dirty = False  # set by on_startup: a dirty serve rebuilds only modified pages
        self._touched: set[str] | None = None  # briefings to rebuild; None: every page
        self._previous: tuple[Any, ...] | None = None  # what the last good build depended on
        self._slugs: set[str] = set()  # briefings published by the last build
        self._removed: set[str] = set()
        self._site: Site | None = None  # the last good site, served while content has errors
        self._parked: dict[str, bytes] = {}  # compressed HTML of pages read but not yet written
        self.problems: list[Problem] = []  # content problems of the last build (serve shows them)
        self.driven = False  # set by build_site, which records its output folder itself
        self._command: str | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Having this hook makes MkDocs keep this instance (and its cache) across rebuilds."""
        self.dirty, self._command = dirty, command
        self._previous = None
        if dirty:  # briefsite serve, or mkdocs serve --dirty
            allow_dirty_builds()

    def on_shutdown(self) -> None:
        self.dirty, self._previous, self._slugs, self._site = False, None, set(), None

    def on_config(self, config: Any) -> Any:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        if self.cache is None or self.cache.root != self.root:
            self.cache = SiteCache(self.root)
        self.problems = []
        try:
            site, self.pages = self.cache.render()
        except ContentError as exc:
            self.problems = exc.problems
            if not self.dirty or self._site is None:
                for problem in exc.problems:
                    log.error(problem.format())
                raise PluginError(f"{len(exc.problems)} problem(s) in the content; "
                                  "nothing was built") from None
            # While serving, keep the last good site: MkDocs' dev server would hold every
            # request until the error is fixed. The problems go to the console, not to the
            # mkdocs logger (under strict, that would fail the build all the same).
            for problem in exc.problems:
                serve_log.error(problem.format())
            serve_log.error(f"{len(exc.problems)} problem(s) in the content; still serving the "
                            "last good version")
            self._touched, self._removed = set(), set()
            return self._configure(config, self._site)
        self._configure(config, site)
        self._plan(site, config)
        self._site = site
        return config

    @staticmethod
    def _configure(config: Any, site: Site) -> Any:
        # Themes print these unescaped (the copyright line is meant to hold HTML). Material
        # also prints site_name once through `| e` (the logo's title): as Markup, the escaped
        # name passes that filter unchanged instead of being escaped twice.
        config.site_name = Markup(html_text(site.config.title))
        config.site_description = attr(site.config.description)
        config.theme["language"] = site.config.language
        if site.config.copyright:
            config.copyright = html_text(site.config.copyright)
        if site.config.site_url:
            config.site_url = site.config.site_url
        config.nav = nav(site)
        return config

    def _plan(self, site: Site, config: Any) -> None:
        """Decide which briefings a dirty rebuild must rebuild (``None``: every page)."""
        assert self.cache is not None
        config_file = Path(config.config_file_path or "mkdocs.yml")
        state = (config.nav, config_file.stat().st_mtime_ns if config_file.is_file() else 0)
        changed = self.cache.changed
        # Material's search index merges a dirty rebuild by the first rebuilt page's path, so
        # one briefing (all under slug/) can be merged; more, or the home page, cannot.
        full = not self.dirty or changed is None or state != self._previous or len(changed) > 1
        self._touched = None if full else changed
        if self.dirty:
            rendered = ", ".join(self.cache.rendered) or "none"
            scope = "every page" if full else f"the pages of: {', '.join(sorted(changed)) or 'none'}"
            log.info(f"re-rendered briefings: {rendered}; rebuilding {scope}")
        slugs = {b.slug for b in site.published}
        self._removed, self._slugs = self._slugs - slugs, slugs
        self._previous = state

    def on_files(self, files: Files, config: Any) -> Files:
        # The home page first: on a full dirty rebuild Material's search index then replaces
        # every previous entry (it drops those under the first page's path, here "").
        pages = sorted(self.pages.items(), key=lambda kv: (kv[0] != "index.md", kv[0]))
        for path, text in pages:
            keep = (self._touched is not None and path in self.pages
                    and path.split("/", 1)[0] not in self._touched)
            files.append((_Unchanged if keep else File).generated(config, path, content=text))
        return files

    def on_post_build(self, config: Any) -> None:
        site_dir = Path(config.site_dir)
        if self._command in ("build", "gh-deploy") and not self.driven:
            try:  # plain `mkdocs build`: a later `briefsite build` may replace this folder
                outdir.remember(self.root, site_dir)
            except OSError:
                log.debug(f"could not record {site_dir} in {self.root / outdir.CACHE}")
        if self.dirty:  # a dirty build does not empty site_dir: drop removed briefings' pages
            for slug in self._removed:
                shutil.rmtree(site_dir / slug, ignore_errors=True)
        # The exports (JSON, feed) are not pages: made and written only now, once every page
        # is written and freed, so they never add to the build's peak memory.
        if self._site is not None and self.cache is not None:
            for path, text in self.cache.exports(self._site, keep=self.dirty):
                target = site_dir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")

    def on_build_error(self, error: Exception) -> None:
        self._previous = None  # pages of this build may be unwritten: the next one is full

    @event_priority(-100)  # after any other plugin's on_page_content
    def on_page_content(self, html: str, page: Any, config: Any, files: Any) -> str:
        # MkDocs converts every page to HTML before writing any, and keeps each page's
        # Markdown (a copy) and HTML until the build ends: at 300 briefings that is most of the
        # peak memory. The Markdown is not read again; the HTML is parked compressed (~8x
        # smaller) until the page is written (on_page_context runs before the search plugin's).
        page.markdown = None
        self._parked[page.file.src_uri] = zlib.compress(html.encode("utf-8"), 1)
        return ""

    @event_priority(100)  # before any other plugin's on_page_context (search reads the HTML)
    def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        parked = self._parked.pop(page.file.src_uri, None)
        if parked is not None:
            page.content = zlib.decompress(parked).decode("utf-8")
        return context

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        # The page is written and nothing reads its HTML again (links are checked from
        # page.present_anchor_ids, the search plugin copied its text): free it.
        page.content = None
        return output

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        for name in WATCHED:
            if (self.root / name).is_dir():
                server.watch(str(self.root / name))
        return server
