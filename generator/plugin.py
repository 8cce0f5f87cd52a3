"""MkDocs plugin: a thin adapter so plain ``mkdocs build`` / ``mkdocs serve`` work.

On each build it checks the content, renders the pages and hands them to MkDocs as
generated files (nothing is written into docs_dir), with the exports beside them (each
briefing's ``briefing.json``, ``briefings.json``, ``feed.xml``). Problems are logged under
``mkdocs.plugins.briefsite`` and abort the build.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config import base
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .cache import SiteCache
from .errors import ContentError
from .escape import attr, html_text
from .export import generated_files
from .render import nav

log = logging.getLogger("mkdocs.plugins.briefsite")
WATCHED = ("content", "templates", "site_config")


class BriefsiteConfig(base.Config):
    """Plugin options (none yet: settings live in site_config/site.yaml)."""


class BriefsitePlugin(BasePlugin[BriefsiteConfig]):
    """Check, render and inject briefing pages into an MkDocs build."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.cache: SiteCache | None = None
        self.pages: dict[str, str] = {}
        self.exports: dict[str, str] = {}
        self.root = Path(".")

    def on_config(self, config: Any) -> Any:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        if self.cache is None or self.cache.root != self.root:
            self.cache = SiteCache(self.root)
        try:
            site, self.pages = self.cache.render()
        except ContentError as exc:
            for problem in exc.problems:
                log.error(problem.format())
            raise PluginError(f"{len(exc.problems)} problem(s) in the content; "
                              "nothing was built") from None
        self.exports = generated_files(site)
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

    def on_files(self, files: Files, config: Any) -> Files:
        for path, text in sorted({**self.pages, **self.exports}.items()):
            files.append(File.generated(config, path, content=text))
        return files

    def on_serve(self, server: Any, config: Any, builder: Any) -> Any:
        for name in WATCHED:
            if (self.root / name).is_dir():
                server.watch(str(self.root / name))
        return server
