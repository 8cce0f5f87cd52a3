"""Fidelity: the terminal and the reader see exactly what the content holds (issue 10, §7).

* Terminal: controls, bidi and invisible characters from stored texts, file and folder names or
  YAML values are printed escaped (``\\x1b``, ``\\u202e``) by the real command, never raw.
* Code spans show a value as it is (no backslash escapes, no entities), checked in the HTML.
* Links: an IPv6 or non-ASCII host reaches the href intact; ``site_url`` cannot carry a query
  or fragment; noncharacters are refused like the other invisible characters.
* One definition of those characters for the model, the filters and the terminal.
* ``language`` is checked at ``site_config/site.yaml:line:col`` against the theme's list.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from conftest import MINIMAL, ROOT, build_tree
from hypothesis import given, settings
from hypothesis import strategies as st
from test_hostile import every_field, markdown_pages, mkdocs_logger, write_project  # noqa: F401

from generator import chars, cli, escape, languages, model
from generator.build import build_site
from generator.errors import BuildError, Problem
from generator.escape import code, url
from generator.urls import check_url

EXTENSIONS = ["admonition", "attr_list", "footnotes", "tables", "toc"]  # as in mkdocs.yml
# Bytes a terminal acts on or reorders by: C0 controls but tab/newline, DEL, C1 controls
# (UTF-8 C2 80–9F), bidi embeddings/overrides (E2 80 AA–AE), isolates (E2 81 A6–A9),
# marks (E2 80 8E/8F) and the Arabic letter mark (D8 9C).
RAW = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|"
                 rb"\xe2\x81[\xa6-\xa9]|\xd8\x9c")
OSC_TITLE = "\x1b]0;pwned\x07"
RED = "\x1b[31m"


def run(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """The real command in its own process, stderr as bytes (what the terminal receives)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator.cli", "-C", str(root), *args],
                          capture_output=True, timeout=120, env=env)


# The same, in characters (for in-process runs): controls, bidi controls, lone surrogates.
RAW_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                      "\ud800-\udfff]")


def check(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """``briefsite check`` in-process, expecting problems: stderr, with nothing raw in it."""
    status = cli.main(["-C", str(root), "check"])
    out, err = capsys.readouterr()
    assert status == 1 and out == "" and "Traceback" not in err, err
    assert RAW_TEXT.search(err) is None, err
    return err


def assert_no_raw(result: subprocess.CompletedProcess[bytes]) -> str:
    """Exit 1 with problems, nothing raw on either stream; returns stderr as text."""
    assert result.returncode == 1, result.stderr
    assert b"Traceback" not in result.stderr
    for stream in (result.stdout, result.stderr):
        assert RAW.search(stream) is None, stream
    return result.stderr.decode("utf-8")


# --- the terminal ---------------------------------------------------------------------------

def test_the_real_command_prints_no_raw_escape_sequence(tmp_path: Path) -> None:
    """A stored text, a stored file's name and a folder's name with escape sequences, one run."""
    text = f"On Monday something {RED}{OSC_TITLE} happened in Kursk.\n"
    build_tree(tmp_path, {**MINIMAL, "content/demo/sources/art.txt": text,
                          "content/demo/briefing.yaml": MINIMAL["content/demo/briefing.yaml"]
                          .replace("excerpt: something happened", "excerpt: something happened in Kursk"),
                          f"content/demo/sources/x{RED}.txt": "text\n",
                          f"content/d{OSC_TITLE}/briefing.yaml": "title: x\n"})
    build_tree(tmp_path, {"content/demo/sources.yaml": MINIMAL["content/demo/sources.yaml"] +
                          "  - id: gone\n    file: sources/gone.txt\n    label: Gone\n"})
    err = assert_no_raw(run(tmp_path, "check")).splitlines()
    assert "content/d\\x1b]0;pwned\\x07: briefing folder name 'd\\x1b]0;pwned\\x07' is not a valid id" in err
    at = next(i for i, line in enumerate(err) if line.startswith("content/demo/briefing.yaml:10:18: "))
    assert "excerpt not found verbatim" in err[at]
    assert "closest passage" in err[at + 1] and re.search(r"\\x(1b|07)", err[at + 1])
    at = err.index("content/demo/sources.yaml:6:11: source file 'sources/gone.txt' does not exist")
    assert err[at + 1] == "    hint: stored texts: art.txt, x\\x1b[31m.txt"


@pytest.mark.parametrize("name", [f"x{RED}.txt", f"{OSC_TITLE}.txt", "a\u202eeulav.txt",
                                  "c1\x9bm.txt", "tab\there.txt", "line\nbreak.txt", "nc\ufdd0.txt",
                                  "zw\u200bsp.txt", "ls\u2028x.txt"])
def test_a_stored_file_name_is_shown_escaped_in_a_hint(name: str, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, "content/demo/sources.yaml": MINIMAL["content/demo/sources.yaml"]
                          .replace("sources/art.txt", "sources/missing.txt"),
                          f"content/demo/sources/{name}": "text\n"})
    err = check(tmp_path, capsys)
    assert err.startswith("content/demo/sources.yaml:3:11: source file 'sources/missing.txt' does not exist")
    assert chars.for_terminal(name) in err and len(err.splitlines()) == 3


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, MINIMAL)
    (tmp_path / "content/demo").joinpath(os.fsdecode(b"notes\x1b\xff.yaml")).write_text("a: b\n")
    assert check(tmp_path, capsys).startswith("content/demo/notes\\x1b\\udcff.yaml: unexpected file")


@pytest.mark.parametrize("folder", [f"demo{RED}", f"x{OSC_TITLE}", "x\u202ey", "x\x85y", "x\u061cy"])
def test_a_folder_name_is_shown_escaped(folder: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, MINIMAL)
    build_tree(tmp_path, {f"content/{folder}/{rel.split('/', 2)[2]}": text
                          for rel, text in MINIMAL.items() if rel.startswith("content/demo/")})
    shown = chars.for_terminal(folder)
    assert f"content/{shown}: briefing folder name '{shown}' is not a valid id" in check(tmp_path, capsys)


def test_a_yaml_file_name_with_an_escape_is_shown_escaped(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, f"content/demo/{RED}quotes.yaml": "quotes: []\n"})
    assert check(tmp_path, capsys).startswith(
        "content/demo/\\x1b[31mquotes.yaml: unexpected file '\\x1b[31mquotes.yaml'")


def test_usage_errors_quoting_an_argument_are_shown_escaped(tmp_path: Path) -> None:
    build_tree(tmp_path, MINIMAL)
    result = run(tmp_path, "new", f"a{OSC_TITLE}")
    assert result.returncode in (1, 2) and RAW.search(result.stderr) is None
    assert b"\\x1b]0;pwned\\x07" in result.stderr


def test_extract_prints_an_articles_escape_sequences_escaped(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(f'He said: "The {OSC_TITLE} war {RED} is \u202e over," on Monday.\n'
                       f"A total of 1,200 troops\tdied.\n", encoding="utf-8")
    for fmt in ("text", "yaml"):
        result = run(tmp_path, "extract", "--format", fmt, str(article))
        assert result.returncode == 0 and RAW.search(result.stdout) is None, result.stdout
        assert b"\\x1b]0;pwned\\x07" in result.stdout


def test_problem_and_error_text_escape_every_hidden_character() -> None:
    problem = Problem(f"content/a{RED}/x.yaml", 3, 4, f"bad {OSC_TITLE}\u202e",
                      "hint\nforged:1:1: line \ufffe\u2028")
    assert problem.format() == ("content/a\\x1b[31m/x.yaml:3:4: bad \\x1b]0;pwned\\x07\\u202e\n"
                                "    hint: hint\\x0aforged:1:1: line \\ufffe\\u2028")
    # A multi-line error keeps its lines, indented: none can pass for a problem line.
    assert str(BuildError(f"template error{RED}\ncontent/x.yaml:1:1: fake")) == \
        "template error\\x1b[31m\n    content/x.yaml:1:1: fake"
    assert chars.for_terminal("Kim 김정은 👩\u200d👩\u200d👧 — “ok”") == "Kim 김정은 👩\u200d👩\u200d👧 — “ok”"


# --- code spans -----------------------------------------------------------------------------

class Codes(HTMLParser):
    """The text of every <code> element, as a browser decodes it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.codes: list[str] = []
        self._in = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code":
            self._in, self.codes = True, [*self.codes, ""]

    def handle_endtag(self, tag: str) -> None:
        self._in = self._in and tag != "code"

    def handle_data(self, data: str) -> None:
        if self._in:
            self.codes[-1] += data


def test_shipped_sources_page_shows_stored_file_paths_literally(project: Path) -> None:
    config = project / "site_config/site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "publish_source_texts: true\n",
                      encoding="utf-8")
    site, pages = markdown_pages(project)
    for b in site.published:
        codes = Codes(pages[f"{b.slug}/sources.md"]).codes
        assert [s.file for s in b.sources] == [c for c in codes if c.startswith("sources/")]
        assert "sources/000_a1723dbfaabebb3e.txt" in codes or b.slug != "kursk"


@pytest.mark.parametrize("file", ["sources/a_b.txt", "sources/`tick`.txt", "sources/a``b|c.txt",
                                  "sources/x & <y>.txt", "sources/&amp;\\*_[a](b){: #x }.txt",
                                  "sources/ends-with-backslash\\", "sources/``"])
def test_a_stored_file_path_is_shown_literally_on_the_sources_page(file: str, tmp_path: Path) -> None:
    files, texts = every_field("Plain words")
    files["content/demo/sources.yaml"]["sources"][0]["file"] = file
    texts = {f"content/demo/{file}": texts["content/demo/sources/art.txt"]}
    write_project(tmp_path, files, texts)
    _, pages = markdown_pages(tmp_path)
    assert file in Codes(pages["demo/sources.md"]).codes


@pytest.mark.site
def test_built_site_shows_the_path_and_links_the_ipv6_host(tmp_path: Path, mkdocs_logger: None) -> None:
    """One real build (theme, language ko): what the reader gets on the Sources page."""
    files, texts = every_field("Plain words")
    files["site_config/site.yaml"]["language"] = "ko"
    source = files["content/demo/sources.yaml"]["sources"][0]
    source["file"], source["url"] = "sources/000_a`b`|c&d.txt", "http://[2001:db8::1]:8080/a_b?c=1&d=2"
    write_project(tmp_path, files, {f"content/demo/{source['file']}": texts["content/demo/sources/art.txt"]},
                  mkdocs=True)
    page = (build_site(tmp_path) / "demo/sources/index.html").read_text(encoding="utf-8")
    assert source["file"] in Codes(page).codes
    assert 'href="http://[2001:db8::1]:8080/a_b?c=1&amp;d=2"' in page
    assert '<html lang="ko"' in page


def _shown_in_code(markdown_text: str) -> list[str]:
    return Codes(markdown.markdown(markdown_text, extensions=EXTENSIONS)).codes


# Python-Markdown's HTML preprocessor reads the whole page with html.parser, which takes
# "&#xa" or "&#10" without its ";" for a character reference and hands it back with one added,
# before any code span is seen: "`&#xa`" shows "&#xa;". No code span can prevent it, so the
# property leaves such values out (an unterminated numeric reference in a file name or id).
_UNTERMINATED_REF = re.compile(r"&#(?:[xX][0-9a-fA-F]+|[0-9]+)(?![0-9a-fA-F;])")


def _codeable(value: str) -> bool:
    return chars.hidden(value) is None and bool(value.strip()) and not _UNTERMINATED_REF.search(value)


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1)
       .filter(_codeable))
def test_code_filter_shows_any_text_exactly(value: str) -> None:
    expected = " ".join(value.split())
    assert _shown_in_code(f"See {code(value)} here.") == [expected]
    assert _shown_in_code(f"| a | b |\n|---|---|\n| {code(value)} | x |\n") == [expected]


@settings(max_examples=1000, deadline=None)
@given(st.text("`\\|*_<>&;#[](){}:!.- ax0", min_size=1).filter(_codeable))
def test_code_filter_shows_markdown_specials_exactly(value: str) -> None:
    test_code_filter_shows_any_text_exactly.hypothesis.inner_test(value)  # type: ignore[attr-defined]


def test_code_filter_drops_hidden_characters_like_the_other_filters() -> None:
    assert code("a\u202eb\ufdd0c\x1bd\u061ce") == "`abc de`"
    assert _shown_in_code("x " + code("a\u202eb\ufdd0c") + " y") == ["abc"]
    assert code("") == "" and code(None) == ""


# --- links and URLs -------------------------------------------------------------------------

def _hrefs(markdown_text: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', markdown.markdown(markdown_text, extensions=EXTENSIONS))


@pytest.mark.parametrize("address, href", [
    ("http://[2001:db8::1]/a", "http://[2001:db8::1]/a"),
    ("https://[2001:db8::1]:8443/a?b=1#c", "https://[2001:db8::1]:8443/a?b=1#c"),
    ("http://[::ffff:192.0.2.1]/", "http://[::ffff:192.0.2.1]/"),
    ("https://bücher.example/straße", "https://bücher.example/stra%C3%9Fe"),
    ("https://例え.テスト/記事", "https://例え.テスト/%E8%A8%98%E4%BA%8B"),
    ("http://192.0.2.1:8080/a(b)", "http://192.0.2.1:8080/a%28b%29"),
    ("https://example.org/a%20b?q=%E2%82%AC&r=[1]", "https://example.org/a%20b?q=%E2%82%AC&amp;r=%5B1%5D"),
])
def test_source_url_reaches_the_href_intact(address: str, href: str) -> None:
    check_url(address)  # a valid source URL
    assert _hrefs(f"[x]({url(address)})") == [href]


def test_a_source_url_with_an_ipv6_host_links_correctly_on_the_sources_page(tmp_path: Path) -> None:
    files, texts = every_field("Plain words")
    files["content/demo/sources.yaml"]["sources"][0]["url"] = "http://[2001:db8::1]/a"
    write_project(tmp_path, files, texts)
    _, pages = markdown_pages(tmp_path)
    assert 'href="http://[2001:db8::1]/a"' in pages["demo/sources.md"]


def test_url_filter_refuses_a_malformed_ipv6_host() -> None:
    with pytest.raises(escape.UnsafeURL):
        url("http://[2001:db8::1/a")


@pytest.mark.parametrize("site_url, words", [
    ("https://example.org/briefs/?utm=1", "?query"),
    ("https://example.org/briefs/#top", "#fragment"),
    ("https://example.org/?", "?query"),
    ("https://example.org#", "#fragment"),
])
def test_site_url_with_a_query_or_fragment_is_refused_at_its_line(
        site_url: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, "site_config/site.yaml": MINIMAL["site_config/site.yaml"]
                          + f"site_url: {site_url}\n"})
    err = check(tmp_path, capsys)
    first, hint = err.splitlines()[:2]
    assert first.startswith("site_config/site.yaml:4:11: site_url") and words in first
    assert hint.startswith("    hint: ") and site_url.split("?")[0].split("#")[0] in hint


def test_site_url_with_a_path_is_accepted(tmp_path: Path) -> None:
    build_tree(tmp_path, {**MINIMAL, "site_config/site.yaml": MINIMAL["site_config/site.yaml"]
                          + "site_url: https://example.org/briefs/\n"})
    assert cli.main(["-C", str(tmp_path), "check"]) == 0


NONCHARACTERS = ["\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", "\U0008ffff"]


@pytest.mark.parametrize("char", NONCHARACTERS)
def test_noncharacters_are_refused_in_every_field_at_file_line_col(
        char: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    located = write_project(tmp_path, *every_field(f"a{char}b"))
    expected = {f"{rel}:{line}" for rel, lines in located.items() for line, value in lines.items()
                if value == f"a{char}b"}
    err = check(tmp_path, capsys)
    problems = [line for line in err.splitlines()[:-1] if not line.startswith("    hint:")]
    assert {re.match(r"([^:]+:\d+):\d+: ", p)[1] for p in problems} == expected  # type: ignore[index]
    assert all(f"contains U+{ord(char):04X} (character 2), a noncharacter" in p for p in problems), problems


def test_noncharacters_and_the_arabic_letter_mark_are_stripped_from_pages() -> None:
    for char in [*NONCHARACTERS, "\u061c"]:
        for kind in ("md", "cell", "html", "attr"):
            assert escape.FILTERS[kind](f"a{char}b") == "ab", (kind, char)


# --- one definition -------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\u061c", "\ufdd0", "\U0001fffe", "\u200b", "\u202e", "\U000e0041",
                                  "\u00ad", "\ud800"])
def test_model_and_filters_agree_on_every_hidden_character(char: str) -> None:
    """What the model refuses, the filters strip, and the terminal shows escaped."""
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X}"):
        model._text(f"a{char}b")
    assert escape.md(f"a{char}b") == "ab"
    assert chars.for_terminal(f"a{char}b") != f"a{char}b"


@pytest.mark.parametrize("text", ["👩\u200d👩\u200d👧 family", "می\u200cخواهم",
                                  "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"])
def test_model_and_filters_agree_on_what_text_keeps(text: str) -> None:
    assert model._text(text) == text and escape.md(text) == text and chars.for_terminal(text) == text


def test_every_character_is_treated_alike_by_model_and_filters() -> None:
    """Over every code point: refused by the model exactly when stripped by the filters
    (controls apart: the model refuses them, the filters make them a space)."""
    differ = []
    for c in range(0x110000):
        ch = chr(c)
        if chars.CONTROL.match(ch) or ch in "\t\n\r":
            continue
        refused = chars.hidden(f"a{ch}b") is not None
        stripped = chars.strip_hidden(f"a{ch}b") == "ab"
        if refused != stripped:
            differ.append(f"U+{c:04X}")
    assert differ == []


# --- language -------------------------------------------------------------------------------

def test_language_list_matches_the_installed_theme() -> None:
    import importlib.util

    spec = importlib.util.find_spec("material")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(next(iter(spec.submodule_search_locations))) / "templates/partials/languages"
    assert sorted(languages.LANGUAGES) == sorted(p.stem for p in folder.glob("*.html"))


@pytest.mark.parametrize("value, meant", [("xx", None), ("EN", "'en'"), ("en-US", "'en'"),
                                          ("pt_br", "'pt-BR'"), ("jp", "'ja'"), ("ku", "'ku-IQ'"),
                                          ("zh-CN", "'zh' or 'zh-Hant' or 'zh-TW'")])
def test_unsupported_language_is_refused_at_its_line_with_a_hint(
        value: str, meant: str | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(tmp_path, {**MINIMAL, "site_config/site.yaml": "title: T\nlanguage: " + value
                          + "\ndescription: D\nbriefing_order: [demo]\n"})
    err = check(tmp_path, capsys)
    first, hint = err.splitlines()[:2]
    assert first.startswith(f"site_config/site.yaml:2:11: language: '{value}' is not a language")
    assert hint.startswith(f"    hint: did you mean {meant}? " if meant else "    hint: supported: af, ")


@pytest.mark.parametrize("value", ["ko", "pt-BR", "zh-Hant", "ku-IQ"])
def test_supported_languages_pass_check(value: str, tmp_path: Path) -> None:
    build_tree(tmp_path, {**MINIMAL, "site_config/site.yaml": MINIMAL["site_config/site.yaml"]
                          + f"language: {value}\n"})
    assert cli.main(["-C", str(tmp_path), "check"]) == 0


def test_the_language_list_is_documented() -> None:
    text = " ".join((ROOT / "docs/content-format.md").read_text(encoding="utf-8").split())
    assert ", ".join(languages.LANGUAGES) in text


def test_an_internal_error_quoting_content_is_shown_escaped(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    def broken(args: object) -> int:
        raise OSError(f"cannot open 'x{RED}\u202e'")

    monkeypatch.setitem(cli._COMMANDS, "check", broken)
    assert cli.main(["check"]) == 3
    err = capsys.readouterr().err
    assert RAW_TEXT.search(err) is None and "x\\x1b[31m\\u202e" in err


def test_hidden_characters_in_a_stored_text_do_not_reach_the_sources_page(tmp_path: Path) -> None:
    """Stored texts are articles as fetched (not refused like YAML values): the page drops them."""
    files, texts = every_field("Plain words")
    hidden = "".join(NONCHARACTERS) + "\u061c\u202e\u200b\x1b"
    texts["content/demo/sources/art.txt"] = (f"Intro.\nPlain words\nMore{hidden} text\n"
                                              "About 1,200 were hurt; 4,000 to 5,000 were sent.\n")
    write_project(tmp_path, files, texts)
    _, pages = markdown_pages(tmp_path)
    assert "<p>More text</p>" in pages["demo/sources.md"]
    assert not set(hidden) & set(pages["demo/sources.md"])
