"""Unit tests of every escaping filter (generator/escape.py) against the real Markdown engine.

Each filter's output is rendered by Python-Markdown with the extensions mkdocs.yml enables
(admonition, attr_list, footnotes, tables, toc) and the assertions are made on the resulting HTML, parsed
back the way a browser reads it: the text must read exactly like the value, and no tag,
attribute or link may come from the value.
"""

from __future__ import annotations

import html
import re
import string
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.chars import NONCHARACTER
from generator.escape import FILTERS, UnsafeURL, attr, cell, html_text, md, url

EXTENSIONS = ["admonition", "attr_list", "footnotes", "tables", "toc"]  # as in mkdocs.yml


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


class Parsed(HTMLParser):
    """Tags (with attributes) and text of an HTML fragment, as a browser would decode them."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    @property
    def names(self) -> list[str]:
        return [t for t, _ in self.tags]


def shown(value: str) -> str:
    """What a reader must see: the value with runs of whitespace collapsed, as HTML does."""
    return " ".join(value.split())


def browser_scheme(href: str) -> str:
    """The scheme a browser follows for an href (already entity-decoded, as ``Parsed`` gives it).

    Browsers drop leading and trailing C0 controls and spaces, and tabs and newlines anywhere.
    """
    decoded = href.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
                                        "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                        "\x1b\x1c\x1d\x1e\x1f ")
    decoded = re.sub(r"[\t\n\r]", "", decoded)
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", decoded)
    return found.group(1).lower() if found else ""


# Every ASCII punctuation character, alone, at the start of a line and inside words, plus the
# Markdown constructs that would turn into markup if any of them slipped through.
CONSTRUCTS = [
    *string.punctuation,
    *(f"{c}{c} word {c}{c}" for c in string.punctuation),
    *(f"{c} at line start" for c in string.punctuation),
    "*emphasis*", "_emphasis_", "**strong**", "__strong__", "***both***", "a*b*c", "snake_case_name",
    "# heading", "###### heading", "## closed ##", "#hashtag",
    "1. ordered", "1) ordered", "2025. A year", "- bullet", "+ bullet", "* bullet",
    "> quote", ">> nested", "---", "***", "___", "- - -", "* * *", "=====",
    "a | b", "| a | b |", "|---|---|", "`code`", "``co`de``", "```fence```", "~~~",
    "[x](y)", "[x](javascript:alert(1))", "[x][ref]", "[ref]: http://evil.example", "[x]",
    "![i](x)", "![i](javascript:alert(1))", "<https://x>", "<javascript:alert(1)>",
    "<mailto:a@b.example>", "<a@b.example>", "http://auto.example", "www.example.com",
    "<b>bold</b>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
    "<!-- comment -->", "<![CDATA[x]]>", "<?php ?>", "</p><p>",
    "&amp;", "&lt;script&gt;", "&#x6A;avascript:", "&#106;", "&copy", "& alone",
    "{: onclick=alert(1) }", "text {: #id .cls onclick=alert(1) }", "{#id}", "{.cls}",
    "!!! note", '!!! danger "Title"', "??? note", "[TOC]", "\\", "\\*not em\\*", "a\\\\b",
    "{{ 7*7 }}", "{% raw %}", "{# c #}", "${7*7}", "<%= 7*7 %>",
    "trailing two spaces  ", "    indented code", "\tindented by tab",
    "Ünïcödé 김정은 “quotes” ‘x’ — – … €", "emoji \U0001F468\u200d\U0001F469\u200d\U0001F467",
]
# Newlines must never start a new block, whatever follows them.
CONSTRUCTS += [f"first line\n{c}" for c in ("# h", "1. x", "- x", "> q", "---", "===", "| a |",
                                             "    code", "!!! note", "[x]: http://e", "{: #x }",
                                             "", "\n")]


@pytest.mark.parametrize("value", CONSTRUCTS, ids=repr)
def test_md_shows_every_construct_literally(value: str) -> None:
    page = Parsed(render(md(value)))
    assert page.names == ["p"], f"markup from {value!r}: {render(md(value))}"
    assert page.text == shown(value)


@pytest.mark.parametrize("value", CONSTRUCTS, ids=repr)
@pytest.mark.parametrize("context", [
    "{} trailing", "## {} {{: #anchor }}", "### {}", "- {}", "1. {}", "> {}", "**{}**",
    "[{}](other.md)", '!!! note "Note"\n    {}', "- **2025:** {} [Timeline](t.md)",
    "> “{}”\n>\n> — {}",
], ids=["para", "heading-attr", "heading", "bullet", "ordered", "quote", "strong", "link-text",
        "admonition", "list-with-link", "blockquote-two-lines"])
def test_md_in_every_template_context(value: str, context: str) -> None:
    """Where the templates put ``| md`` (line start, headings with attr_list, lists, quotes …)."""
    source = context.replace("{}", md(value)).replace("{{", "{").replace("}}", "}")
    out = render(source)
    page = Parsed(out)
    assert shown(value) in page.text, out
    skeleton = Parsed(render(context.replace("{}", "x").replace("{{", "{").replace("}}", "}")))
    assert markup(page) == markup(skeleton), f"{value!r} changed the markup: {out}"


def markup(page: Parsed) -> list[tuple[str, dict[str, str | None]]]:
    """Tags and attributes; the toc extension's id derived from a heading's text is a placeholder."""
    return [(tag, {k: "(slug)" if k == "id" and tag[0] == "h" and not v.startswith("anchor") else v
                   for k, v in attrs.items()}) for tag, attrs in page.tags]


printable = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
                    min_size=1, max_size=40).filter(
    lambda s: s.strip() and not NONCHARACTER.search(s))  # noncharacters are stripped, not shown


@settings(max_examples=300, deadline=None)
@given(printable)
def test_md_property_text_roundtrips(value: str) -> None:
    """Any printable text, in a paragraph and in a heading with an id, reads back unchanged."""
    page = Parsed(render(md(value)))
    assert page.names == ["p"] and page.text == shown(value)
    heading = Parsed(render(f"## {md(value)} {{: #fixed }}"))
    assert heading.tags == [("h2", {"id": "fixed"})] and heading.text == shown(value)


@settings(max_examples=300, deadline=None)
@given(printable)
def test_cell_property_one_cell(value: str) -> None:
    out = render(f"| A | B |\n|---|---|\n| {cell(value)} | end |\n")
    page = Parsed(out)
    assert page.names.count("td") == 2 and page.names.count("tr") == 2, out
    assert page.text == shown(f"A B {value} end")


@pytest.mark.parametrize("value", [
    "a | b", "|", "||", "| leading", "trailing |", "a \\| b", "`a | b`", "a\nb", "a\n| x | y |",
    "a\n\nb", "x\r\ny", "1\n---\n2", "a\n|---|---|\n| c | d |",
])
def test_cell_keeps_one_cell_per_value(value: str) -> None:
    """A pipe does not split the cell; a newline does not start a (shifted) row."""
    out = render(f"| Field | Value | Other |\n|---|---|---|\n| key | {cell(value)} | z |\n")
    page = Parsed(out)
    assert page.names.count("tr") == 2, f"a newline started a row: {out}"
    assert page.names.count("td") == 3, f"a pipe split the cell: {out}"
    cells = re.findall(r"<td>(.*?)</td>", out, re.S)
    assert Parsed(cells[1]).text == shown(value) and Parsed(cells[2]).text == "z"


def test_cell_is_single_line() -> None:
    assert "\n" not in cell("a\nb\r\nc\u2028d\x85e") and "|" not in cell("a|b")


@pytest.mark.parametrize("value,expected_href", [
    ("http://example.org/a", "http://example.org/a"),
    ("https://example.org/a?x=1&y=2#f", "https://example.org/a?x=1&y=2#f"),
    ("HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/"),
    ("https://example.org/a(b)", "https://example.org/a%28b%29"),
    ("https://example.org/a b<c>\"d'", "https://example.org/a%20b%3Cc%3E%22d'"),
    ("https://example.org/a\\b", "https://example.org/a%5Cb"),
    ("https://example.org/김", "https://example.org/%EA%B9%80"),
    ("https://example.org/?q=&#x6A;", "https://example.org/?q=&#x6A;"),
    ("sources.md#source-upi", "sources.md#source-upi"),
    ("#actor-kim", "#actor-kim"),
    ("../kursk/index.md", "../kursk/index.md"),
    ("who.md", "who.md"),
    ("./javascript:alert(1)", "./javascript:alert%281%29"),
    ("/\\evil.example", "/%5Cevil.example"),
    ("&#x6A;avascript:alert(1)", "&#x6A;avascript:alert%281%29"),
    ("javascript&colon;alert(1)", "javascript&colon;alert%281%29"),
])
def test_url_allows_http_and_relative(value: str, expected_href: str) -> None:
    """Allowed targets reach the href exactly, as the browser decodes it (entities included)."""
    out = render(f"[link]({url(value)})")
    (tag, attrs), = Parsed(out).tags[1:]
    assert tag == "a" and attrs["href"] == expected_href, out
    assert browser_scheme(attrs["href"] or "") in ("", "http", "https")


@pytest.mark.parametrize("value", [
    "javascript:alert(1)", "JAVASCRIPT:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "java\rscript:alert(1)", " javascript:alert(1)", "\x00javascript:x",
    "java\x00script:alert(1)", "\u200bjavascript:alert(1)", "javascript\u200b:alert(1)",
    "data:text/html,<script>alert(1)</script>", "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)", "VBScript:msgbox(1)", "//evil.com", "//evil.com/path", " //evil.com",
    "file:///etc/passwd", "FILE:///c:/x", "mailto:a@example.org", "ftp://example.org",
    "x:y", "c:\\windows", "http:evil.example", "https:///path", "http://", "%6A%61vascript:x",
    "", "   ", None,
])
def test_url_refuses_everything_else(value: str | None) -> None:
    with pytest.raises(UnsafeURL):
        url(value)


def test_unsafe_url_is_a_value_error() -> None:
    assert issubclass(UnsafeURL, ValueError)


ATTR_VALUES = ['"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>",
               '" onmouseover="alert(1)', "' onmouseover='alert(1)", "a&amp;b", "&#x22;",
               "x\ny", "<svg onload=alert(1)>", "`backtick` {{ 7*7 }}", "김정은"]


@pytest.mark.parametrize("value", ATTR_VALUES, ids=repr)
@pytest.mark.parametrize("quote", ['"', "'"])
def test_attr_stays_inside_the_attribute(value: str, quote: str) -> None:
    page = Parsed(f"<a title={quote}{attr(value)}{quote} class={quote}c{quote}>t</a>")
    assert page.tags == [("a", {"title": shown(value), "class": "c"})]


@pytest.mark.parametrize("value", [*ATTR_VALUES, "</text></svg><script>alert(1)</script>",
                                   "</details><script>x</script>", "</title><script>x</script>",
                                   "a\n\nb\n\n<script>x</script>"], ids=repr)
def test_html_stays_text_in_raw_html(value: str) -> None:
    """Inside raw HTML (SVG text, the stored-text <details>), even through Markdown."""
    svg = Parsed(f'<svg><title>{html_text(value)}</title><text x="1">{html_text(value)}</text></svg>')
    assert svg.names == ["svg", "title", "text"] and svg.text == f"{shown(value)} {shown(value)}"
    block = (f"<details>\n<summary>Stored text of {html_text(value)}</summary>\n"
             f"<p>{html_text(value)}</p>\n</details>\n")
    out = render(block)
    page = Parsed(out)
    assert page.names == ["details", "summary", "p"], out
    assert page.text == shown(f"Stored text of {value} {value}")


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filters_show_none_as_nothing_or_refuse(name: str) -> None:
    if name == "url":
        with pytest.raises(UnsafeURL):
            FILTERS[name](None)
    else:
        assert FILTERS[name](None) == ""


@pytest.mark.parametrize("name", ["md", "cell", "html", "attr"])
@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\u200e",
                                  "\u2060", "\ufeff"])
def test_text_filters_drop_bidi_controls_and_zero_width(name: str, char: str) -> None:
    """Defence in depth: check refuses bidi controls in content; the filters drop them anyway."""
    assert FILTERS[name](f"abc{char}def") == "abcdef"


@pytest.mark.parametrize("name", ["md", "cell", "html", "attr"])
def test_text_filters_keep_joiners(name: str) -> None:
    """ZWJ/ZWNJ are part of emoji sequences and of several scripts (Persian, Indic)."""
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert FILTERS[name](family) == family and FILTERS[name]("می\u200cخواهم") == "می\u200cخواهم"


@pytest.mark.parametrize("name", ["md", "cell", "html", "attr"])
def test_text_filters_blank_control_characters(name: str) -> None:
    assert FILTERS[name]("a\x00b\x07c\x1bd\x7fe\x85f") == "a b c d e f"


def test_md_escapes_what_the_engine_honours() -> None:
    """Every character Python-Markdown treats specially is escaped (or replaced by an entity)."""
    engine = markdown.Markdown(extensions=EXTENSIONS)
    for char in engine.ESCAPED_CHARS:
        out = md(char)
        assert out in (f"\\{char}", html.escape(char)) or out.startswith("&"), (char, out)
