"""The error banner ``briefsite serve`` puts on every page it serves while a build fails.

Only the dev server's responses carry it (it is added to the bytes of each HTML response), so
it never reaches a built site. Its text quotes content (problem messages repeat YAML values),
so every character is HTML-escaped, and control, bidi and invisible characters are shown as
in the terminal (``chars.for_terminal``: ``\\x1b``, ``\\u202e``).
"""

from __future__ import annotations

import html
import re

from .chars import for_terminal_lines

MARKER = "briefsite-serve-error"
_BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
_STYLE = ("position:fixed;top:0;left:0;right:0;z-index:100000;max-height:60vh;overflow:auto;"
          "margin:0;padding:1em 1.5em;background:#fff0f0;color:#5a0000;"
          "border-bottom:4px solid #c00;font:14px/1.5 ui-monospace,monospace;text-align:left")


def _shown(text: str) -> str:
    return html.escape(for_terminal_lines(text), quote=True)  # hidden characters as in the terminal


def banner(message: str) -> str:
    """The banner's HTML for ``message`` (lines such as ``path:line:col: problem``)."""
    return (f'<div id="{MARKER}" role="alert" style="{_STYLE}">'
            "<strong>briefsite serve: the last build failed; showing the last good version."
            "</strong> Fix the problem below and the page reloads."
            f'<pre style="white-space:pre-wrap;margin:.5em 0 0">{_shown(message)}</pre></div>')


def inject(page: bytes, message: str) -> bytes:
    """``page`` with the banner first in its body."""
    tag = _BODY.search(page)
    at = tag.end() if tag else 0
    return page[:at] + banner(message).encode("utf-8") + page[at:]


PLACEHOLDER = (b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
               b"<title>briefsite serve: build failed</title></head><body>"
               b"<p>No build has succeeded yet.</p></body></html>")
"""Served (with the banner) for every page while no build has succeeded yet."""
