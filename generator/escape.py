"""Escaping every YAML value for the Markdown context it lands in.

Templates never print a content value raw: each goes through one of these filters.
Markdown is not HTML, so Jinja's autoescape is off and these do the whole job:

* ``md``: inline text (paragraphs, list items, headings, link text);
* ``cell``: a table cell (also neutralises ``|`` and newlines);
* ``url``: a link target, allow-listed to http(s) and relative paths;
* ``attr`` / ``html``: text inside raw HTML (SVG charts, attributes).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

# Characters Python-Markdown honours a backslash escape for (markdown.Markdown.ESCAPED_CHARS
# plus '|' from the tables extension). Each is backslash-escaped, so it shows literally.
_MD_SPECIAL = set("\\`*_{}[]()#+-.!")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "|": "&#124;"}
# Bidi overrides and isolates could reorder what readers see; zero-width characters hide text.
# Zero-width (non-)joiners (U+200C, U+200D) stay: emoji sequences and several scripts need them.
_INVISIBLE = re.compile("[\u200b\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# An '&' that Python-Markdown would keep as a character reference in an href ("&#x6A;" → "j"):
# written as "&amp;", so the browser follows exactly the URL that was checked.
_ENTITY_AMP = re.compile(r"&(?=#|[0-9A-Za-z]+;)")


class UnsafeURL(ValueError):
    """A URL that is not http(s) or relative was handed to the ``url`` filter."""


# Unicode category Cc (C0 and C1 controls) except tab and newline, which the final split
# turns into spaces anyway: the same characters as unicodedata.category(ch) == "Cc".
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MD_ESCAPES = {**{ch: "\\" + ch for ch in _MD_SPECIAL}, **_ENTITIES}
_MD_CHARS = re.compile("[" + re.escape("".join(sorted(_MD_ESCAPES))) + "]")


def _plain(value: object) -> str:
    text = "" if value is None else str(value)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def md(value: object) -> str:
    """Inline Markdown text that renders exactly as the value reads."""
    return _MD_CHARS.sub(lambda m: _MD_ESCAPES[m.group()], _plain(value))


def cell(value: object) -> str:
    """Text for a Markdown table cell (single line, pipes neutralised)."""
    return md(value)


def url(value: object) -> str:
    """A link target: http(s) absolute, or a relative path/anchor. Anything else raises."""
    text = "" if value is None else str(value).strip()
    if not text:
        raise UnsafeURL("empty URL")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme and scheme not in ("http", "https"):
        raise UnsafeURL(f"refusing URL scheme '{scheme}:'")
    if not scheme and (text.startswith("//") or ":" in text.split("/")[0].split("#")[0]):
        raise UnsafeURL(f"refusing URL '{text[:40]}'")
    if scheme and not parts.netloc:
        raise UnsafeURL(f"URL has no host: '{text[:40]}'")
    return _ENTITY_AMP.sub("&amp;", quote(text, safe="/:#?&=%@+,;~!$*'-._"))


def html_text(value: object) -> str:
    """Text inside raw HTML (SVG ``<text>``, ``<title>``, table cells in HTML)."""
    return html.escape(_plain(value), quote=True)


def attr(value: object) -> str:
    """A value inside a double-quoted HTML attribute."""
    return html.escape(_plain(value), quote=True)


FILTERS = {"md": md, "cell": cell, "url": url, "html": html_text, "attr": attr}
