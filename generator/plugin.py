"""MkDocs plugin: the adapter that lets ``mkdocs build`` and ``mkdocs serve`` run the pipeline.

``on_config`` runs it (nothing is written) and applies the site settings; ``on_files`` hands
the pages to MkDocs as generated files; ``on_post_build`` writes the exports. While serving,
the instance (and its ``SiteCache``) lives across rebuilds and ``cache.Rebuild`` says which
pages a dirty rebuild may skip; ``mkdocs_parts`` holds the MkDocs-typed pieces.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

from . import mkdocs_parts as parts
from . import outdir
from .briefing import Briefing
from .cache import Rebuild, SiteCache
from .emit import write_files
from .errors import ContentError, Problem
from .export import briefing_json, each_file
from .mkdocs_parts import PageMemory
from .pipeline import Rendered, run
from .project import SiteConfig
from .render import mkdocs_settings
from .shard import Part

log = logging.getLogger("mkdocs.plugins.briefsite")


class _Options(base.Config):
    """No options: the settings live in site_config/site.yaml."""


class BriefsitePlugin(PageMemory, BasePlugin[_Options]):
    """Check, render and inject briefing pages into an MkDocs build."""

    supports_multiple_instances = False

    def __init__(self, command: str = "", dirty: bool = False) -> None:
        self.cache: SiteCache | None = None  # kept across the rebuilds of one serve
        self.rebuild, self._parked = Rebuild(), {}
        self.rendered: Rendered | None = None  # the last good result, served while content fails
        self.problems: list[Problem] = []  # content problems of the last build (serve shows them)
        self.dirty, self.command, self.driven = dirty, command, False  # driven: by briefsite build
        self.given: Rendered | None = None  # a parallel build's part: rendered once, by build.py
        self.part: Part | None = None  # build only this part's pages and exports (shard.py)
        self.page_urls: list[str] = []  # the site's pages in MkDocs' order (a part's manifest)
        self._every_page: Sequence[File] = []  # with the other parts' (sitemap.xml)
        self._rebuilt: set[str] = set()  # URLs of the pages this build converts and writes

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # With this hook MkDocs keeps one instance per process: each command starts afresh.
        self.__init__(command, dirty)  # type: ignore[misc]
        if dirty:  # briefsite serve, or mkdocs serve --dirty
            logging.getLogger("mkdocs.commands.build").addFilter(parts.not_dirty_warning)

    def on_shutdown(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(parts.not_dirty_warning)
        self.__init__()  # type: ignore[misc]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        parts.add_defaults(config, self.command, self.dirty)  # what the pages need, unless set
        root = Path(config.config_file_path).resolve().parent
        if self.command == "serve" and (self.cache is None or self.cache.root != root):
            self.cache = SiteCache(root)
        try:
            self.rendered, self.problems = self.given or run(root, self.cache), []
        except ContentError as exc:
            self.problems = exc.problems
            if self.driven:  # briefsite build prints them
                raise
            parts.report(exc.problems, serving=self.dirty and self.rendered is not None)
            self.rebuild.keep_all()  # serving: the last good site stays (see devserver)
        assert self.rendered is not None  # parts.report() raised unless a last good site exists
        site = self.rendered.site
        settings = mkdocs_settings(site)
        if self.cache is not None and not self.problems:
            state = Path(config.config_file_path).stat().st_mtime_ns
            log.info(self.rebuild.plan(self.cache, site, settings["nav"], state, self.dirty,
                                       mergeable=parts.search_mergeable(config)))
        for key, value in settings.items():
            (config.theme if key == "language" else config)[key] = value
        return config

    @event_priority(-100)  # after every other plugin and hook (mkdocs.yml's hooks:)
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        parts.check_defaults(config)

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.rendered is not None
        parts.add_css(files, config)
        # The home page first (the site's order of pages, for the sitemap and search index).
        for path in sorted(self.rendered.pages, key=lambda p: (p != "index.md", p)):
            if self.part is not None and not self.part.owns(path):  # known to links and nav,
                files.append(File.generated(config, path, content="",  # neither read nor written
                                            inclusion=InclusionLevel.EXCLUDED))
                continue
            kind = parts.Unchanged if self.rebuild.unchanged(path) else File
            files.append(kind.generated(config, path, content=self.rendered.pages[path]))
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self._every_page = files.documentation_pages(inclusion=lambda _: True)
        urls = (file.url for file in self._every_page)
        self.page_urls = ["" if url in (".", "./") else url for url in urls]  # as page.url
        self._rebuilt = {url for url, file in zip(self.page_urls, self._every_page)
                         if file.is_modified()}
        return nav

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        if self.cache is not None:  # serving: the theme's templates compiled once, not per rebuild
            env.bytecode_cache = self.cache.theme_templates
        return env

    def on_template_context(self, context: Any, template_name: str, config: MkDocsConfig) -> Any:
        if self.part is not None and template_name == "sitemap.xml":  # every page, as in a
            context["pages"] = [f for f in self._every_page if f.page is not None]  # whole build
        return context

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        if self.command in ("build", "gh-deploy") and not self.driven:  # plain `mkdocs build`
            outdir.remember_or_warn(Path(config.config_file_path).parent, site_dir)
        if self.dirty:  # a dirty build empties nothing and merges the search index
            for slug in self.rebuild.removed:
                shutil.rmtree(site_dir / slug, ignore_errors=True)
            parts.merge_search_index(config, self._rebuilt, self.page_urls)
        if self.rendered is not None:  # not pages: made and written one at a time, only now
            site = self.rendered.site
            part = self.part
            if part is None:
                write_files(site_dir, self.cache.exports(site, site_dir=site_dir if self.dirty else None)
                            if self.cache else each_file(site))
            else:  # another part's briefing's JSON is not even made (--shard: every model held)
                def text(b: Briefing, config: SiteConfig) -> str:
                    return briefing_json(b, config) if part.owns(f"{b.slug}/briefing.json") else ""
                write_files(site_dir, ((rel, t) for rel, t in each_file(site, text)
                                       if part.owns(rel)))

    def on_build_error(self, error: Exception) -> None:
        self.rebuild.forget()  # pages of this build may be unwritten: the next one is full

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        return parts.watch_sources(server, Path(config.config_file_path).parent)

