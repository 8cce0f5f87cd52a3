"""Hostile content through the real pipeline: shown literally or refused, never executed.

Every payload goes into every kind of text field (site title, description and copyright;
briefing title, lede, summary, takeaway and changelog; source label, title, outlet, author and notes;
actor name, original name, role, affiliation and country; event summary and other-date note;
figure metric, unit and notes; quote text, translation and context; reaction summary; citation
excerpts), written to real YAML files. Then:

* ``briefsite check`` either accepts it (exit 0) or refuses it at file:line:col (exit 1),
  never with a traceback;
* accepted content is rendered through the Jinja templates and Python-Markdown (with the
  extensions mkdocs.yml enables), and every page's HTML is compared with the same project
  holding a harmless marker instead: no tag, attribute or link the marker page lacks, no event
  handler, no javascript:/data:/vbscript: link, and the payload's text shown at least wherever
  the marker is shown;
* one full ``build_site`` of a project holding the whole corpus checks the built HTML of every
  page (theme slots included: <title>, meta description, navigation, footer, search index).

Every case runs under ``signal.alarm`` as a generous hang guard (not a speed assertion).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
from conftest import MINIMAL, ROOT, add_site_files, build_tree, hang_guard

from generator import cli, export
from generator.build import build_site
from generator.pipeline import run
from generator.render import nav

EXTENSIONS = ["admonition", "attr_list", "footnotes", "tables", "toc"]  # as in mkdocs.yml
MARKER = "ZQXMARKER"
HANG_SECONDS = 60

# Payloads that must be shown literally. Text a reader sees: whitespace runs collapse (HTML
# does that anyway); SHOWN_AS gives any payload shown otherwise. Zero-width (non-)joiners and
# a subdivision flag's tag characters are part of what they show, so they stay.
PAYLOADS: dict[str, str] = {
    # XSS, by OWASP filter-evasion class
    "script": "<script>alert(1)</script>",
    "script-upper": "<SCRIPT>alert(1)</SCRIPT>",
    "script-mixed-src": "<ScRiPt SRC=//evil.example/x.js></sCrIpT>",
    "script-broken": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-spaced": "< script >alert(1)</ script >",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-quoted": '<IMG SRC="x" ONERROR="alert(1)"/>',
    "img-js-src": '<img src="javascript:alert(1)">',
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;">',
    "object-data": '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "body-onload": "<body onload=alert(1)>",
    "a-onmouseover": '<a href="#" onmouseover="alert(1)">x</a>',
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "input-autofocus": "<input autofocus onfocus=alert(1)>",
    "style-tag": "<style>*{background:url(javascript:alert(1))}</style>",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="javascript:alert(1)//">',
    "form-action": '<form action="javascript:alert(1)"><button>x</button></form>',
    "md-link-js": "[click](javascript:alert(1))",
    "md-link-js-upper": "[click](JAVASCRIPT:alert(1))",
    "md-link-js-entity": "[click](&#x6A;avascript:alert(1))",
    "md-link-js-tab": "[click](java\tscript:alert(1))",
    "md-link-data": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-link-vbscript": "[click](vbscript:msgbox(1))",
    "md-link-title": '[click](https://x "title" onclick=alert(1))',
    "md-image-js": "![i](javascript:alert(1))",
    "md-image-onerror": '![i](x" onerror="alert(1))',
    "md-ref-link": "[x][1]\n\n[1]: javascript:alert(1)",
    "autolink-js": "<javascript:alert(1)>",
    "autolink-data": "<data:text/html,alert(1)>",
    "autolink-https": "<https://evil.example>",
    "entity-hex": "&#x6A;avascript:alert(1)",
    "entity-decimal": "&#106;&#97;vascript&#58;alert(1)",
    "entity-no-semicolon": "&#106avascript&#58alert(1)",
    "entity-named": "javascript&colon;alert(1) &amp; &copy; &NewLine;",
    "entity-lt": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "close-title": "</title><script>alert(1)</script>",
    "close-attr": '"><script>alert(1)</script>',
    "close-attr-single": "'><img src=x onerror=alert(1)>",
    "close-raw": "</textarea></svg></details></summary></text><script>alert(1)</script>",
    "html-comment": "<!-- x --><script>alert(1)</script>",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "attr-list": "text {: onclick=alert(1) }",
    "attr-list-heading": 'Heading {: #x onclick="alert(1)" }',
    "attr-list-bare": "{: onclick=alert(1) }",
    "attr-list-class": "{: .md-button style=\"position:fixed\" }",
    # Jinja (data is never templated twice)
    "jinja-expr": "{{ 7*7 }}",
    "jinja-raw": "{% raw %}x{% endraw %}",
    "jinja-config": "{{ config }}",
    "jinja-loop": "{% for x in range(3) %}{{ x }}{% endfor %}",
    "jinja-ssti": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "jinja-comment": "{# hidden #}",
    # Markdown breakers
    "md-emphasis": "*em* _em_ **strong** __strong__",
    "md-heading": "# not a heading",
    "md-heading-closed": "## not a heading ##",
    "md-ordered": "1. not a list",
    "md-bullet": "- not a list",
    "md-plus": "+ not a list",
    "md-quote": "> not a quote",
    "md-hr": "---",
    "md-hr-stars": "* * *",
    "md-setext": "Title\n=====",
    "md-pipe": "a | b | c",
    "md-table": "| x | y |\n|---|---|\n| 1 | 2 |",
    "md-backticks": "`code` and ``more``",
    "md-fence": "```\nfenced\n```",
    "md-link": "[x](y)",
    "md-image": "![i](x)",
    "md-autolink": "<https://x>",
    "md-indented": "    indented code",
    "md-backslash": "\\*not em\\* \\\\",
    "md-admonition": '!!! danger "boom"\n    inside',
    "md-toc": "[TOC]",
    "md-html-block": '<div markdown="1">**x**</div>',
    "md-hard-break": "line  \nbreak",
    # whitespace and Unicode
    "newlines": "one\ntwo\n\nthree\r\nfour",
    "tabs": "a\tb",
    "unicode": "김정은 Ким Чен Ын — “quoted” ‘x’ … €",
    "emoji-zwj": "family \U0001F468\u200d\U0001F469\u200d\U0001F467 done",
    "emoji-subdivision-flag": "England \U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
    "zwnj-persian": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "long-line": "word " * 3000,
}
SHOWN_AS: dict[str, str] = {}

# Payloads refused by `briefsite check`, with the words the message must contain.
REFUSED: dict[str, tuple[str, str]] = {
    "bidi-rlo": ("invoice\u202efdp.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "bidi-lro": ("\u202dabc", "U+202D LEFT-TO-RIGHT OVERRIDE"),
    "bidi-rle": ("a\u202bb\u202c", "U+202B RIGHT-TO-LEFT EMBEDDING"),
    "bidi-isolate": ("x \u2066admin\u2069 y", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    "bidi-fsi": ("\u2068x\u2069", "U+2068 FIRST STRONG ISOLATE"),
    "nul": ("a\x00b", "U+0000"),
    "escape": ("\x1b[31mred", "U+001B"),
    "bell": ("ding\x07", "U+0007"),
    "c1-control": ("a\x9bb", "U+009B"),
    # invisible format characters: they hide or smuggle text (tags spell ASCII no one sees)
    "zero-width-space": ("java\u200bscript:alert(1)", "U+200B ZERO WIDTH SPACE"),
    "zero-width-bom": ("a\ufeffb", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    "word-joiner": ("a\u2060b", "U+2060 WORD JOINER"),
    "soft-hyphen": ("soft\u00adhyphen", "U+00AD SOFT HYPHEN"),
    "bidi-mark": ("a\u200fb", "U+200F RIGHT-TO-LEFT MARK"),
    "tag-characters": ("ok\U000E0069\U000E0067\U000E006E\U000E006F\U000E0072\U000E0065",
                       "U+E0069 TAG LATIN SMALL LETTER I"),
    "tag-flag-without-base": ("\U000E0067\U000E0062\U000E007F", "U+E0067 TAG LATIN SMALL LETTER G"),
    "tag-flag-long": ("\U0001F3F4" + "\U000E0061" * 12 + "\U000E007F", "U+E0061 TAG LATIN SMALL LETTER A"),
    "too-long": ("x" * 25_000, "text is too long (25,000 characters; the limit is 20,000)"),
}


# --- writing projects ---------------------------------------------------------------------

def scalar(value: str) -> str:
    """A YAML double-quoted scalar holding exactly ``value`` (every non-ASCII char escaped)."""
    out = ['"']
    for char in value:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out) + '"'


def to_yaml(data: Any, lines: list[str], where: dict[int, Any], indent: int = 0) -> None:
    """Block YAML of ``data`` appended to ``lines``; ``where`` maps line numbers to values."""
    pad = "  " * indent
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, (dict, list)) and value:
                lines.append(f"{pad}{key}:")
                to_yaml(value, lines, where, indent + 1)
            else:
                lines.append(f"{pad}{key}: {'[]' if value == [] else scalar(value)}")
                where[len(lines)] = value
    elif isinstance(data, list):
        for item in data:
            if isinstance(item, dict):
                start = len(lines)
                to_yaml(item, lines, where, indent + 1)
                lines[start] = f"{pad}- " + lines[start][len(pad) + 2:]
            else:
                lines.append(f"{pad}- {scalar(item)}")
                where[len(lines)] = item


def write_project(root: Path, files: dict[str, Any], texts: dict[str, str],
                  mkdocs: bool = False) -> dict[str, dict[int, Any]]:
    """Write YAML files and stored texts; return each file's {line: value}."""
    located = {}
    for rel, data in files.items():
        lines: list[str] = []
        located[rel] = {}
        to_yaml(data, lines, located[rel])
        build_tree(root, {rel: "\n".join(lines) + "\n"})
    build_tree(root, dict(texts))
    if mkdocs:
        add_site_files(root)
    return located


def every_field(value: str) -> tuple[dict[str, Any], dict[str, str]]:
    """A valid one-briefing project with ``value`` in every kind of text field."""
    cited = [{"source": "art", "excerpt": value}]
    files = {
        "site_config/site.yaml": {"title": value, "description": value, "copyright": value,
                                  "briefing_order": ["demo"],
                                  # the stored text reaches the page as raw HTML only then
                                  "publish_source_texts": "true"},
        "content/demo/briefing.yaml": {
            "title": value, "lede": value, "summary": value, "event_date": "2025-04-28",
            "last_updated": "2025-05-01", "status": "published",
            "takeaways": [{"text": value, "citations": cited}],
            "changelog": [{"date": "2025-05-01", "summary": value}]},
        "content/demo/sources.yaml": {"sources": [
            {"id": "art", "file": "sources/art.txt", "label": value, "title": value, "outlet": value,
             "author": value, "url": "https://example.org/article?id=1&p=2", "notes": value}]},
        "content/demo/actors.yaml": {"actors": [
            {"id": "a", "name": value, "kind": "person", "role": value, "affiliation": value,
             "country": value, "side": "side-a", "lang": "ko", "name_original": value,
             "citations": ["art"]},
            {"id": "b", "name": "Plain Actor", "kind": "state", "role": "Estimator",
             "side": "side-b", "citations": ["art"]}]},
        "content/demo/timeline.yaml": {"events": [
            {"id": "e", "date": "2025-04-28", "summary": value, "actors": ["a", "b"],
             "citations": cited,
             "other_dates": [{"date": "2025-04", "note": value, "citations": ["art"]}]}]},
        "content/demo/figures.yaml": {"figures": [
            {"id": "f", "metric": value, "unit": value, "note": value, "estimates": [
                {"id": "x", "value": "1200", "qualifier": "about", "estimators": ["a"],
                 "as_of": "fall 2024", "note": value,
                 "citations": [{"source": "art", "excerpt": "About 1,200 were hurt"}]},
                {"id": "y", "low": "4000", "high": "5000", "qualifier": "between",
                 "estimators": ["b"],
                 "citations": [{"source": "art", "excerpt": "4,000 to 5,000 were sent"}]}]}]},
        "content/demo/quotes.yaml": {"quotes": [
            {"id": "q", "speaker": "a", "text": value, "attribution": value, "context": value,
             "lang": "ko", "translation": value, "citations": ["art"]}]},
        "content/demo/reactions.yaml": {"reactions": [
            {"id": "r", "actor": "a", "stance": "condemns", "summary": value, "quotes": ["q"],
             "citations": ["art"]}]},
    }
    return files, {"content/demo/sources/art.txt":
                   f"Intro.\n{value}\nOutro. About 1,200 were hurt; 4,000 to 5,000 were sent.\n"}


def corpus_project(values: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """One briefing holding every payload: one list item per payload in every list, and the
    single-valued fields (titles, summary, description, copyright) holding them all joined."""
    joined = " ¦ ".join(v for v in values if len(v) < 1000)
    ids = range(len(values))
    files = {
        "site_config/site.yaml": {"title": joined, "description": joined, "copyright": joined,
                                  "briefing_order": ["demo"]},
        "content/demo/briefing.yaml": {
            "title": joined, "summary": joined, "event_date": "2025-04-28",
            "last_updated": "2025-05-01", "status": "published",
            "takeaways": [{"text": v, "citations": [{"source": f"s{i}", "excerpt": v}]}
                          for i, v in zip(ids, values)],
            "changelog": [{"date": "2025-05-01", "summary": v} for v in values]},
        "content/demo/sources.yaml": {"sources": [
            {"id": f"s{i}", "file": f"sources/s{i}.txt", "label": v, "title": v, "outlet": v,
             "author": v, "url": "https://example.org/a?b=1&c=2", "notes": v}
            for i, v in zip(ids, values)]},
        "content/demo/actors.yaml": {"actors": [
            {"id": f"a{i}", "name": v, "kind": "person", "role": v, "affiliation": v, "country": v,
             "side": f"side-{i}", "lang": "ko", "name_original": v, "citations": [f"s{i}"]}
            for i, v in zip(ids, values)]},
        "content/demo/timeline.yaml": {"events": [
            {"id": f"e{i}", "date": "2025-04-28", "summary": v, "actors": [f"a{i}"],
             "citations": [{"source": f"s{i}", "excerpt": v}],
             "other_dates": [{"date": "2025-04", "note": v, "citations": [f"s{i}"]}]}
            for i, v in zip(ids, values)]},
        "content/demo/figures.yaml": {"figures": [
            {"id": f"f{i}", "metric": v, "unit": v, "note": v, "estimates": [
                {"id": "x", "value": "1200", "qualifier": "about", "estimators": [f"a{i}"],
                 "note": v, "citations": [{"source": f"s{i}", "excerpt": "About 1,200 were hurt"}]},
                {"id": "y", "value": "4000", "qualifier": "exact", "estimators": [f"a{i}"],
                 "citations": [{"source": f"s{i}", "excerpt": "4,000 were sent"}]}]}
            for i, v in zip(ids, values)]},
        "content/demo/quotes.yaml": {"quotes": [
            {"id": f"q{i}", "speaker": f"a{i}", "text": v, "attribution": v, "context": v,
             "lang": "ko", "translation": v, "citations": [f"s{i}"]}
            for i, v in zip(ids, values)]},
        "content/demo/reactions.yaml": {"reactions": [
            {"id": f"r{i}", "actor": f"a{i}", "stance": "condemns", "summary": v,
             "quotes": [f"q{i}"], "citations": [f"s{i}"]} for i, v in zip(ids, values)]},
    }
    texts = {f"content/demo/sources/s{i}.txt": f"Intro.\n{v}\nOutro. About 1,200 were hurt; 4,000 were sent.\n"
             for i, v in zip(ids, values)}
    return files, texts


# --- reading HTML -------------------------------------------------------------------------

class Page(HTMLParser):
    """An HTML page as a browser reads it: elements, attributes (decoded) and visible text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self.chunks: list[str] = []
        self._raw: list[str] | None = None  # inside <script>/<style>: raw text, not page text
        self._skip = 0  # inside a chart label: wrapped onto lines, long words split (whole in <desc>)
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag in ("script", "style"):
            self._raw = [self.get_starttag_text() or ""]
        if self._skip or (tag == "text" and "bs-chart-label" in values.get("class", "")):
            self._skip += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if self._raw is not None and tag in ("script", "style"):
            self.scripts.append("".join(self._raw) + f"</{tag}>")
            self._raw = None
        if self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw.append(data)
        elif not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def attributes(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = defaultdict(set)
        for tag, attrs in self.tags:
            found[tag].update(attrs)
        return found

    def links(self) -> set[str]:
        return {attrs[name] for _, attrs in self.tags for name in URL_ATTRIBUTES if name in attrs}


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcdoc",
                  "background", "ping")
# The JSON-LD block of overview pages is data, not script: exactly this element, whose text
# cannot hold "<", ">" or "&" (export.script escapes them), is allowed.
LD_JSON = re.compile(r'<script type="application/ld\+json">([^<>&]*)</script>')
RAW_DANGER = re.compile(r"<\s*(script|iframe|object|embed|frame|base|form|meta|style)\b", re.I)


def browser_scheme(url: str) -> str:
    """The scheme a browser follows (C0/space trimmed, tabs/newlines removed anywhere)."""
    url = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return found.group(1).lower() if found else ""


def dangers(page: Page, raw: str, allowed_scripts: set[str] | None = None) -> list[str]:
    """Anything executable: event handlers, script-capable links, raw dangerous tags."""
    found = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and browser_scheme(value) not in ("", "http", "https"):
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and re.search(r"url\s*\(|expression", value, re.I):
                found.append(f"<{tag} style={value!r}>")
    scripts = [s for s in page.scripts if not LD_JSON.fullmatch(s)
               and (allowed_scripts is None or s not in allowed_scripts)]
    found += [f"script/style element {s[:80]!r}" for s in scripts]
    if allowed_scripts is None:
        found += [f"raw {m.group(0)!r}" for m in RAW_DANGER.finditer(LD_JSON.sub("", raw))]
    return found


def shown(value: str) -> str:
    """What a reader sees of a payload."""
    return " ".join(value.split())


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``briefsite check`` in-process: exit status, stdout, stderr."""
    status = cli.main(["-C", str(root), "check"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert status in (0, 1), err
    return status, out, err


def markdown_pages(root: Path) -> tuple[Any, dict[str, str]]:
    """Check and render like ``briefsite build`` does, then Markdown → HTML per page."""
    site, pages = run(root)
    return site, {name: markdown.markdown(text, extensions=EXTENSIONS) for name, text in pages.items()}


# --- the markdown-level corpus --------------------------------------------------------------

@pytest.fixture(scope="module")
def marker_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Page]:
    """The corpus project with a harmless marker in every field: what markup may look like."""
    root = tmp_path_factory.mktemp("marker")
    write_project(root, *every_field(MARKER))
    _, pages = markdown_pages(root)
    return {name: Page(html) for name, html in pages.items()}


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_payload_in_every_field_is_shown_literally(name: str, tmp_path: Path, marker_site: dict[str, Page],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    payload = PAYLOADS[name]
    expected = shown(SHOWN_AS.get(name, payload))
    write_project(tmp_path, *every_field(payload))
    with hang_guard(HANG_SECONDS):
        status, _, err = check(tmp_path, capsys)
        assert status == 0, err
        site, pages = markdown_pages(tmp_path)
    assert sorted(pages) == sorted(marker_site)
    for page_name, html in pages.items():
        page, marker = Page(html), marker_site[page_name]
        assert not dangers(page, html), (page_name, dangers(page, html))
        for tag, names in page.attributes().items():
            assert names <= marker.attributes().get(tag, set()), (page_name, tag, names)
        assert page.links() <= marker.links(), (page_name, page.links() - marker.links())
        wanted = marker.text.count(MARKER)
        assert page.text.count(expected) >= wanted, (
            f"{page_name}: the payload is shown {page.text.count(expected)} times literally, "
            f"the marker {wanted} times")
    for b in site.published:  # the JSON-LD block holds the content as data, unchanged
        blocks = [LD_JSON.fullmatch(s) for s in Page(pages[f"{b.slug}/index.md"]).scripts]
        assert [json.loads(m[1]) for m in blocks if m] == [export.jsonld(b, site.config)]
    for section in nav(site)[1:]:  # navigation titles are printed unescaped by the theme
        (title,) = section
        assert Page(title).tags == [] and Page(title).text == expected


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_payload_is_refused_at_every_field(name: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    payload, words = REFUSED[name]
    located = write_project(tmp_path, *every_field(payload))
    expected = {f"{rel}:{line}" for rel, lines in located.items()
                for line, value in lines.items() if value == payload}
    assert len(expected) == 31  # every text field holds the payload
    with hang_guard(HANG_SECONDS):
        status, out, err = check(tmp_path, capsys)
    assert status == 1 and out == ""
    problems = [line for line in err.splitlines() if not line.startswith("    hint:")][:-1]
    assert err.splitlines()[-1] == f"{len(problems)} problem(s) in 8 file(s)"
    at = {re.match(r"([^:]+:\d+):\d+: ", p).group(1) for p in problems}  # type: ignore[union-attr]
    assert at == expected, (sorted(expected - at), sorted(at - expected))
    assert len(problems) == len(expected)
    assert all(words in p for p in problems), problems


def test_raw_markdown_breakers_in_block_scalars(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Raw (unescaped) YAML: a literal block of Markdown and HTML stays one literal paragraph."""
    block = ("# heading\n1. item\n- item\n> quote\n---\n| a | b |\n|---|---|\n    code\n"
             "!!! note\n{: onclick=alert(1) }\n<script>alert(1)</script>\n[x]: javascript:alert(1)\n")
    build_tree(tmp_path, {**MINIMAL, "content/demo/briefing.yaml": MINIMAL["content/demo/briefing.yaml"]
                          .replace("summary: A demo.\n", "summary: |\n" + "".join(
                              f"  {line}\n" for line in block.splitlines()))
                          .replace("excerpt: something happened", "excerpt: something happened to 1"),
                          # the summary's number (1) is stated by a cited passage: the support check
                          "content/demo/sources/art.txt": "On Monday something happened to 1 item.\n"})
    with hang_guard(HANG_SECONDS):
        assert check(tmp_path, capsys)[0] == 0
        _, pages = markdown_pages(tmp_path)
    html = pages["demo/index.md"]
    assert not dangers(Page(html), html)
    assert shown(block) in Page(html).text
    body = html.split('<div class="footnote">')[0]  # the references are the page's own list
    assert "<h1" in body and body.count("<h1") == 1 and "<ol" not in body and "<table" not in body


def test_raw_bidi_character_in_yaml_is_refused_at_its_line(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, "content/demo/sources.yaml": MINIMAL["content/demo/sources.yaml"]
                          .replace("label: Article", "label: Art\u202eelcit")})
    status, _, err = check(tmp_path, capsys)
    assert status == 1
    assert err.splitlines()[0] == (
        "content/demo/sources.yaml:4:12: sources[0].label: contains U+202E RIGHT-TO-LEFT OVERRIDE "
        "(character 4), a bidirectional control that makes text display in a different order "
        "than it is stored; remove it")


def test_raw_nul_byte_in_yaml_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, "content/demo/sources.yaml": MINIMAL["content/demo/sources.yaml"]
                          .replace("label: Article", "label: Art\x00icle")})
    status, _, err = check(tmp_path, capsys)
    assert status == 1
    assert err.startswith("content/demo/sources.yaml:") and "#x0000" in err


def test_raw_nul_byte_in_yaml_is_refused_at_its_line(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, "content/demo/sources.yaml": MINIMAL["content/demo/sources.yaml"]
                          .replace("label: Article", "label: Art\x00icle")})
    _, _, err = check(tmp_path, capsys)
    assert err.startswith("content/demo/sources.yaml:4:15: ")


# --- sizes ---------------------------------------------------------------------------------

TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.mark.parametrize("rel,text", [
    ("content/demo/briefing.yaml", MINIMAL["content/demo/briefing.yaml"]
     .replace("summary: A demo.", f"summary: {TEN_MB}")),
    ("site_config/site.yaml", f"title: T\ndescription: {TEN_MB}\n"),
    ("content/demo/sources/art.txt", f"On Monday something happened. {TEN_MB}"),
], ids=["briefing", "site", "stored-text"])
def test_ten_megabyte_string_is_refused_at_line_1(rel: str, text: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, rel: text})
    with hang_guard(HANG_SECONDS):
        status, _, err = check(tmp_path, capsys)
    assert status == 1
    assert err.startswith(f"{rel}:1:1: file is too large (")
    assert "the limit is 2,097,152" in err


N = 100_000
ITEMS = ", ".join(["a"] * N)
REFERENCED = {  # an actor 'a' and a quote 'q' for the lists of references to point at
    "content/demo/actors.yaml":
        "actors:\n  - {id: a, name: Ann, kind: person, role: R, side: s, citations: [art]}\n",
    "content/demo/quotes.yaml":
        "quotes:\n  - {id: q, speaker: a, text: something happened, attribution: A, context: C,"
        " citations: [art]}\n",
}


@pytest.mark.parametrize("rel,text,message", [
    ("content/demo/timeline.yaml",
     f"events:\n  - id: e\n    date: 2025\n    summary: S\n    citations: [art]\n    actors: [{ITEMS}]\n",
     "content/demo/timeline.yaml:6:13: events[0].actors: List should have at most 100 items"),
    ("content/demo/timeline.yaml",
     "events:\n  - id: e\n    date: 2025\n    summary: S\n    citations: [" + ", ".join(["art"] * N) + "]\n",
     "content/demo/timeline.yaml:5:16: events[0].citations: List should have at most 100 items"),
    ("content/demo/figures.yaml",
     "figures:\n  - id: f\n    metric: M\n    unit: U\n    estimates:\n      - id: x\n        value: 1\n"
     f"        qualifier: exact\n        citations: [art]\n        estimators: [{ITEMS}]\n",
     "content/demo/figures.yaml:10:21: figures[0].estimates[0].estimators: List should have at most 100"),
    ("content/demo/reactions.yaml",
     "reactions:\n  - id: r\n    actor: a\n    stance: neutral\n    summary: S\n    citations: [art]\n"
     "    quotes: [" + ", ".join(["q"] * N) + "]\n",
     "content/demo/reactions.yaml:7:13: reactions[0].quotes: List should have at most 100 items"),
    ("content/demo/timeline.yaml", "events: [" + ", ".join(["{}"] * N) + "]\n",
     "content/demo/timeline.yaml:1:9: events: List should have at most 10000 items"),
    ("content/demo/actors.yaml", "actors:\n" + "- x\n" * N,
     "content/demo/actors.yaml:2:1: actors: List should have at most 10000 items"),
    ("content/demo/briefing.yaml", MINIMAL["content/demo/briefing.yaml"].split("takeaways:")[0]
     + "takeaways:\n" + "- {text: t, citations: [art]}\n" * N,
     "content/demo/briefing.yaml:1:1: file is too large"),
], ids=["event-actors", "citations", "estimators", "reaction-quotes", "empty-events", "scalar-actors",
        "takeaways-over-2mb"])
def test_hundred_thousand_items_are_refused_with_one_clear_message(
        rel: str, text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert len(text.encode()) <= 2 * 1024 * 1024 or "too large" in message
    build_tree(tmp_path, {**MINIMAL, **REFERENCED, rel: text})
    with hang_guard(HANG_SECONDS):
        status, _, err = check(tmp_path, capsys)
    assert status == 1
    assert err.startswith(message), err[:300]
    assert err.endswith("1 problem(s) in 1 file(s)\n")


def test_hundred_thousand_briefing_order_entries_are_handled(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, "site_config/site.yaml":
                          "title: T\ndescription: D\nbriefing_order: [" + ", ".join(["demo"] * N) + "]\n"})
    with hang_guard(HANG_SECONDS):
        assert check(tmp_path, capsys)[0] == 0
        _, pages = markdown_pages(tmp_path)
    assert len(pages) == 3  # home, overview, sources: the minimal briefing has no other section


def test_refusals_from_the_real_command_have_no_traceback(tmp_path: Path) -> None:
    """The installed entry point, in its own process, for a refused payload and a 10 MB file."""
    write_project(tmp_path / "bidi", *every_field(REFUSED["bidi-rlo"][0]))
    build_tree(tmp_path / "big", {**MINIMAL, "site_config/site.yaml": f"title: T\ndescription: {TEN_MB}\n"})
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    for project, first in (("bidi", "content/demo/actors.yaml:"), ("big", "site_config/site.yaml:1:1: ")):
        result = subprocess.run([sys.executable, "-m", "generator.cli", "-C", str(tmp_path / project),
                                 "check"], capture_output=True, text=True, timeout=HANG_SECONDS, env=env)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr and result.stdout == ""
        assert result.stderr.startswith(first)


# --- one full build with the whole corpus -----------------------------------------------------

@pytest.fixture
def mkdocs_logger() -> Iterator[None]:
    """build_site attaches a handler to the current stderr once per process: undo it after."""
    logger = logging.getLogger("mkdocs")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


@pytest.mark.site
def test_full_build_of_the_whole_corpus(tmp_path: Path, mkdocs_logger: None) -> None:
    """build_site with every payload at once; then every built page, as the theme printed it."""
    write_project(tmp_path / "plain", *every_field(MARKER), mkdocs=True)
    write_project(tmp_path / "hostile", *corpus_project(list(PAYLOADS.values())), mkdocs=True)
    with hang_guard(4 * HANG_SECONDS):
        plain = build_site(tmp_path / "plain")
        site = build_site(tmp_path / "hostile")
    plain_pages = [Page(path.read_text(encoding="utf-8")) for path in plain.rglob("*.html")]
    theme_scripts = {s for page in plain_pages for s in page.scripts}
    markup: dict[str, set[str]] = defaultdict(set)  # tag → attribute names the theme/templates use
    for page in plain_pages:
        for tag, names in page.attributes().items():
            markup[tag] |= names
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    assert len(pages) == 8
    texts = {}
    joined = shown(" ¦ ".join(SHOWN_AS.get(k, v) for k, v in PAYLOADS.items() if len(v) < 1000))
    for name, html in pages.items():
        page = Page(html)
        assert not dangers(page, html, theme_scripts), (name, dangers(page, html, theme_scripts))
        assert not [s for s in page.scripts if s not in theme_scripts and not LD_JSON.fullmatch(s)]
        assert not re.search(r"<\s*(iframe|object|embed|frame|base)\b", html, re.I)
        for tag, names in page.attributes().items():
            assert names <= markup[tag], (name, tag, names - markup[tag])
        title = html.split("<title>", 1)[1].split("</title>", 1)[0]
        assert Page(title).tags == [] and Page(title).text.endswith(joined), name
        description = [a["content"] for t, a in page.tags if t == "meta" and a.get("name") == "description"]
        assert description == [joined], name
        texts[name] = page.text
        assert joined in page.text  # header, navigation, footer
    for name, payload in PAYLOADS.items():
        expected = shown(SHOWN_AS.get(name, payload))
        found = [page for page, text in texts.items() if expected in text]
        assert len(found) >= 6, (name, found)  # every briefing page shows it at least once
    # The theme inserts search results as HTML: the index may hold only the plain site's markup.
    indexed = {path: [Page(field) for doc in json.loads(
                   (path / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
                      for field in (doc["title"], doc["text"])] for path in (plain, site)}
    allowed = {tag: attrs for page in indexed[plain] for tag, attrs in page.tags}
    for page in indexed[site]:
        assert not page.scripts and not dangers(page, "", set())
        assert all(allowed.get(tag) == attrs for tag, attrs in page.tags), page.tags

