"""MkDocs-typed parts of the plugin (an MkDocs adapter): page hooks that keep memory flat, the
file type and the log filter of dirty rebuilds, and applying ``mkdocs_defaults`` to a config.

Memory: MkDocs converts every page to HTML before writing any, and keeps each page's Markdown and
HTML until the build ends: at 300 briefings that is most of the peak memory. Here each page's
Markdown is dropped once converted and its HTML parked zlib-compressed (~8x smaller) until the
page is written; it is put back just before (and before the search plugin reads it), and freed
once written (links are checked from ``page.present_anchor_ids``; search has copied the text).
"""

from __future__ import annotations

import logging
import zlib
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority, get_plugins
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import mkdocs_defaults
from .cache import merge_search
from .errors import Problem


class PageMemory:
    """Mixed into the plugin: compressed HTML of pages converted but not yet written."""

    _parked: dict[str, bytes]

    @event_priority(-100)  # after any other plugin's on_page_content
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        page.markdown = None
        self._parked[page.file.src_uri] = zlib.compress(html.encode("utf-8"), 1)
        return ""  # the page holds no HTML until on_page_context

    @event_priority(100)  # before any other plugin's on_page_context (search reads the HTML)
    def on_page_context(self, context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
        parked = self._parked.pop(page.file.src_uri, None)
        if parked is not None:
            page.content = zlib.decompress(parked).decode("utf-8")
        return context

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        page.content = None  # written; nothing reads it again
        return output


class Unchanged(File):
    """A page whose Markdown is as in the previous build: a dirty rebuild skips it."""

    def is_modified(self) -> bool:
        return False


def _search(config: MkDocsConfig) -> Any:
    """Material's search plugin, if it runs and keeps its index as we know it (9.x)."""
    search = config.plugins.get("material/search")
    index = getattr(search, "search_index", None)
    return search if isinstance(getattr(index, "entries", None), list) else None


def search_mergeable(config: MkDocsConfig) -> bool:
    """Whether ``merge_search_index`` can merge a dirty build's search index (else none runs)."""
    return _search(config) is not None or not any(
        name == "search" or name.endswith("/search") for name in config.plugins)


def merge_search_index(config: MkDocsConfig, rebuilt: set[str], order: list[str]) -> None:
    """Before Material writes it: the whole site's search index after a dirty build.

    Material merges a dirty build's entries by the first rebuilt page's URL prefix, which
    is right for one briefing only (the home page's prefix, "", would drop every entry).
    """
    search = _search(config)
    previous = getattr(search, "search_index_prev", None)
    if previous is None:
        return
    index = search.search_index
    index.entries = merge_search(previous.entries, index.entries, rebuilt, order)
    search.search_index_prev = None  # so Material writes ours as it is (and keeps it as next prev)


def not_dirty_warning(record: logging.LogRecord) -> bool:
    """Drop MkDocs' "pages may be stale" warning of dirty builds (under strict it would abort
    every rebuild): ``cache.Rebuild`` rebuilds every page that could go stale."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def add_defaults(config: MkDocsConfig, command: str, dirty: bool) -> None:
    """Add what the pages need (``mkdocs_defaults``), unless mkdocs.yml sets it already."""
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
        search.on_startup(command=command, dirty=dirty)
        config.plugins["material/search"] = search


def check_defaults(config: MkDocsConfig) -> None:
    """Stop the build, naming it, when a later plugin or hook removed what the pages need."""
    missing = mkdocs_defaults.still_missing(config.theme.name, config.markdown_extensions)
    if missing:
        raise PluginError("; ".join(missing))


def add_css(files: Files, config: MkDocsConfig) -> None:
    """The shipped stylesheet (without its comments), unless the project has its own file at
    the same path (this repository's docs folder holds the shipped one itself)."""
    own = files.get_file_from_path(mkdocs_defaults.CSS)
    shipped = str(mkdocs_defaults.css_file().resolve())
    if own is not None and own.abs_src_path and str(Path(own.abs_src_path).resolve()) == shipped:
        files.remove(own)
        own = None
    if own is None:
        files.append(File.generated(config, mkdocs_defaults.CSS,
                                    content=mkdocs_defaults.css_text()))


WATCHED = ("content", "templates", "site_config")
_log = logging.getLogger("mkdocs.plugins.briefsite")
_serve_log = logging.getLogger("briefsite.serve")  # not under mkdocs.*: strict would count it


def report(problems: list[Problem], *, serving: bool) -> None:
    """Log content problems; stop the build unless a dev server keeps serving the last good site."""
    for problem in problems:
        (_serve_log if serving else _log).error(problem.format())
    if not serving:
        raise PluginError(f"{len(problems)} problem(s) in the content; nothing was built")
    _serve_log.error("still serving the last good version")


def watch_sources(server: LiveReloadServer, root: Path) -> LiveReloadServer:
    """Rebuild when the content, templates or site settings change (plain ``mkdocs serve``)."""
    for name in WATCHED:
        if (root / name).is_dir():
            server.watch(str(root / name))
    return server
