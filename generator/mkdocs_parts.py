"""MkDocs-typed parts of the plugin (an MkDocs adapter): page hooks that keep memory flat, the
file type and the log filter of dirty rebuilds.

Memory: MkDocs converts every page to HTML before writing any, and keeps each page's Markdown and
HTML until the build ends: at 300 briefings that is most of the peak memory. Here each page's
Markdown is dropped once converted and its HTML parked zlib-compressed (~8x smaller) until the
page is written; it is put back just before (and before the search plugin reads it), and freed
once written (links are checked from ``page.present_anchor_ids``; search has copied the text).
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page


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


def not_dirty_warning(record: logging.LogRecord) -> bool:
    """Drop MkDocs' "pages may be stale" warning of dirty builds (under strict it would abort
    every rebuild): ``cache.Rebuild`` rebuilds every page that could go stale."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")
