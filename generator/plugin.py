"""MkDocs plugin: the adapter that lets ``mkdocs build`` and ``mkdocs serve`` run the pipeline.

``on_config`` runs it (nothing is written) and applies the site settings; ``on_files`` hands
the pages to MkDocs as generated files; ``on_post_build`` writes the exports. While serving,
the instance (and its ``SiteCache``) lives across rebuilds and ``cache.Rebuild`` says which
pages a dirty rebuild may skip; ``mkdocs_parts`` holds the MkDocs-typed pieces.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugins
from mkdocs.structure.files import File, Files

from . import mkdocs_defaults, outdir
from .cache import Rebuild, SiteCache
from .emit import write_files
from .errors import ContentError, Problem
from .export import each_file
from .mkdocs_parts import PageMemory, Unchanged, not_dirty_warning
from .pipeline import Rendered, run
from .render import mkdocs_settings

log = logging.getLogger("mkdocs.plugins.briefsite")
serve_log = logging.getLogger("briefsite.serve")
WATCHED = ("content", "templates", "site_config")


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

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # With this hook MkDocs keeps one instance per process: each command starts afresh.
        self.__init__(command, dirty)  # type: ignore[misc]
        if dirty:  # briefsite serve, or mkdocs serve --dirty
            logging.getLogger("mkdocs.commands.build").addFilter(not_dirty_warning)

    def on_shutdown(self) -> None:
        logging.getLogger("mkdocs.commands.build").removeFilter(not_dirty_warning)
        self.__init__()  # type: ignore[misc]

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self._add_defaults(config)
        root = Path(config.config_file_path).resolve().parent
        if self.command == "serve" and (self.cache is None or self.cache.root != root):
            self.cache = SiteCache(root)
        try:
            self.rendered, self.problems = run(root, self.cache), []
        except ContentError as exc:
            self.problems = exc.problems
            if self.driven:  # build_site reports them
                raise
            if not self.dirty or self.rendered is None:
                for problem in exc.problems:
                    log.error(problem.format())
                raise PluginError(f"{len(exc.problems)} problem(s) in the content; nothing was built")
            for line in [p.format() for p in exc.problems] + ["still serving the last good version"]:
                serve_log.error(line)  # not under mkdocs.*: under strict that would fail the build
            self.rebuild.keep_all()  # serving: the last good site stays (see devserver)
        settings = mkdocs_settings(self.rendered.site)
        if self.cache is not None and not self.problems:
            state = (settings["nav"], Path(config.config_file_path).stat().st_mtime_ns)
            log.info(self.rebuild.plan(self.cache, self.rendered.site, state, self.dirty))
        for key, value in settings.items():
            (config.theme if key == "language" else config)[key] = value
        return config

    def _add_defaults(self, config: MkDocsConfig) -> None:
        """What the pages need (``mkdocs_defaults``), unless mkdocs.yml sets it already."""
        theme = config.theme
        try:
            add = mkdocs_defaults.additions(
                theme=theme.name, extensions_used=config.markdown_extensions,
                settings=config.mdx_configs, features=theme.get("features", []),
                font=theme.get("font"), custom_dir=theme.custom_dir,
                extra_css=[str(css) for css in config.extra_css], plugins=list(config.plugins))
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        config.markdown_extensions += add.extensions
        for name, settings in add.extension_settings.items():
            config.mdx_configs.setdefault(name, {}).update(settings)
        theme["features"] = [*theme.get("features", []), *add.features]
        if add.no_font:
            theme["font"] = False
        if add.overrides is not None:
            theme.dirs.insert(1 if theme.custom_dir else 0, str(add.overrides))
        if add.css is not None:
            config.extra_css.append(add.css)
        if add.search:  # as if listed: MkDocs runs its on_config right after this one
            search = get_plugins()["material/search"].load()()
            search.load_config({}, config.config_file_path)
            search.on_startup(command=self.command, dirty=self.dirty)
            config.plugins["material/search"] = search

    @event_priority(-100)  # after every other plugin and hook (mkdocs.yml's hooks:)
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        missing = mkdocs_defaults.still_missing(config.theme.name, config.markdown_extensions)
        if missing:
            raise PluginError("; ".join(missing))

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.rendered is not None
        if files.get_file_from_path(mkdocs_defaults.CSS) is None:  # the project has no own copy
            files.append(File.generated(config, mkdocs_defaults.CSS,
                                        abs_src_path=str(mkdocs_defaults.css_file())))
        # The home page first: on a full dirty rebuild Material's search index then replaces
        # every previous entry (it drops those under the first page's path, here "").
        for path in sorted(self.rendered.pages, key=lambda p: (p != "index.md", p)):
            kind = Unchanged if self.rebuild.unchanged(path) else File
            files.append(kind.generated(config, path, content=self.rendered.pages[path]))
        return files

    def on_post_build(self, config: MkDocsConfig) -> None:
        site_dir = Path(config.site_dir)
        if self.command in ("build", "gh-deploy") and not self.driven:  # plain `mkdocs build`
            outdir.remember_or_warn(Path(config.config_file_path).parent, site_dir)
        for slug in self.rebuild.removed if self.dirty else ():  # a dirty build empties nothing
            shutil.rmtree(site_dir / slug, ignore_errors=True)
        if self.rendered is not None:  # not pages: made and written one at a time, only now
            site = self.rendered.site
            write_files(site_dir, self.cache.exports(site) if self.cache else each_file(site))

    def on_build_error(self, error: Exception) -> None:
        self.rebuild.forget()  # pages of this build may be unwritten: the next one is full

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        root = Path(config.config_file_path).parent
        for name in WATCHED:
            if (root / name).is_dir():
                server.watch(str(root / name))
        return server

