"""Escaping every YAML value for the Markdown context it lands in.

Templates never print a content value raw: each goes through one of these filters.
Markdown is not HTML, so Jinja's autoescape is off and these do the whole job:

* ``md``: inline text (paragraphs, list items, headings, link text);
* ``cell``: a table cell (also neutralises ``|`` and newlines);
* ``code``: a whole inline code span, fences included (file paths, ids);
* ``url``: a link target, allow-listed to http(s) and relative paths;
* ``attr`` / ``html``: text inside raw HTML (SVG charts, attributes).
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from . import chars

# Characters Python-Markdown honours a backslash escape for (markdown.Markdown.ESCAPED_CHARS
# plus '|' from the tables extension). Each is backslash-escaped, so it shows literally.
_MD_SPECIAL = set("\\`*_{}[]()#+-.!")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "|": "&#124;"}
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
    text = chars.strip_hidden(text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


def md(value: object) -> str:
    """Inline Markdown text that renders exactly as the value reads."""
    return _MD_CHARS.sub(lambda m: _MD_ESCAPES[m.group()], _plain(value))


def cell(value: object) -> str:
    """Text for a Markdown table cell (single line, pipes neutralised)."""
    return md(value)


_BACKTICKS = re.compile("`+")


def code(value: object) -> str:
    """An inline code span showing the value exactly, fences included: ``{{ s.file | code }}``.

    Inside a code span Markdown processes no backslash escape and escapes ``& < >`` itself, so
    the text goes in as it is (invisible characters removed, whitespace collapsed to one line).
    The fence is one backtick longer than any run of backticks in the value, and a value that
    starts or ends with a backtick is padded with a space (Python-Markdown strips it again).
    A ``|`` inside a code span does not split a table cell.
    """
    text = _plain(value)
    if not text:
        return ""
    fence = "`" * (1 + max((len(run) for run in _BACKTICKS.findall(text)), default=0))
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def url(value: object) -> str:
    """A link target: http(s) absolute, or a relative path/anchor. Anything else raises.

    The host is kept as written (an ``[IPv6]`` literal keeps its brackets, a non-ASCII host its
    letters, which browsers convert themselves); the rest is percent-encoded where a character
    could end the Markdown link or does not belong in a URL.
    """
    text = "" if value is None else str(value).strip()
    if not text:
        raise UnsafeURL("empty URL")
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1" (an unclosed IPv6 bracket)
        raise UnsafeURL(f"malformed URL '{text[:40]}'") from None
    scheme = parts.scheme.lower()
    if scheme and scheme not in ("http", "https"):
        raise UnsafeURL(f"refusing URL scheme '{scheme}:'")
    if not scheme and (text.startswith("//") or ":" in text.split("/")[0].split("#")[0]):
        raise UnsafeURL(f"refusing URL '{text[:40]}'")
    if scheme and not parts.netloc:
        raise UnsafeURL(f"URL has no host: '{text[:40]}'")
    head = ""
    if scheme:
        head = text[:text.index("//") + 2 + len(parts.netloc)]
        text = text[len(head):]
        head = "".join(ch if ch.isalnum() or ch in ":/.-[]" else quote(ch, safe="") for ch in head)
    return _ENTITY_AMP.sub("&amp;", head + quote(text, safe="/:#?&=%@+,;~!$*'-._"))


def html_text(value: object) -> str:
    """Text inside raw HTML (SVG ``<text>``, ``<title>``, table cells in HTML)."""
    return html.escape(_plain(value), quote=True)


def attr(value: object) -> str:
    """A value inside a double-quoted HTML attribute."""
    return html.escape(_plain(value), quote=True)


FILTERS = {"md": md, "cell": cell, "code": code, "url": url, "html": html_text, "attr": attr}
