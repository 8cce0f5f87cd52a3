"""Quotes and names in another language: ``lang``, translations, a source's ``language``.

The Korean texts are fixtures: invented articles that report no real event (the demo
fixture's ``sources/kor.txt`` and ``test_check_errors.KOREAN``). The original is what is
verified and what the attribution and support checks read; a translation is shown, labelled,
and exported, never checked against the sources and never counted as support.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
from conftest import build_tree
from test_check_errors import KOREAN, S, korean, make_project, run_check

from generator import export, languages
from generator.errors import Refusal
from generator.pipeline import load_site, run

FIXTURE = Path(__file__).parent / "fixtures" / "demo"
EXTENSIONS = ["admonition", "attr_list", "footnotes", "tables", "toc"]  # as in mkdocs.yml
Q = "content/demo/quotes.yaml"


def _problems(err: str) -> list[str]:
    return [line for line in err.splitlines()[:-1] if not line.startswith("    hint: ")]


@pytest.mark.parametrize("tag", ["ko", "en", "pt-BR", "zh-Hant", "zh-Hant-TW", "ko-KR", "yue",
                                 "es-419", "sh"])
def test_well_formed_tags_pass(tag: str) -> None:
    assert languages.check_tag(tag) == tag


@pytest.mark.parametrize(("tag", "meant"), [
    ("korean", "'ko'"), ("KO", "'ko'"), ("jp", "'ja'"), ("KR", "'ko'"), ("pt_br", "'pt-BR'"),
    ("en-us", "'en-US'"), ("iw", "'he'"), ("xx", None), ("ko KR", None), ("", None),
    ("ko-", "'ko'"), ("ko\n", "'ko'")])
def test_malformed_tags_are_refused_with_a_hint(tag: str, meant: str | None) -> None:
    with pytest.raises(Refusal) as refused:
        languages.check_tag(tag)
    assert "ISO 639-1" in refused.value.hint
    assert (f"did you mean {meant}" in refused.value.hint) if meant else \
        "did you mean" not in refused.value.hint


def test_the_korean_fixture_checks_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The demo fixture's quote and the error cases' base: verified word for word in Korean,
    attributed by the speaker's Korean name (``name_original``) before the words."""
    assert run_check(FIXTURE, capsys)[0] == 0
    status, _, err = run_check(make_project(tmp_path, dict(KOREAN)), capsys)
    assert status == 0, err


def test_an_excerpt_may_end_inside_a_korean_word(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Particles attach to Korean words (시험 + 을): an excerpt ending before the particle
    verifies, where an English excerpt ending inside a word would not."""
    files = korean("actors.yaml", "    citations: [kor]\n",
                   "    citations:\n      - source: kor\n        excerpt: 우리는 이 시험\n")
    assert run_check(make_project(tmp_path, files), capsys)[0] == 0


def test_a_tampered_original_is_refused_whatever_the_translation(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i, translation in enumerate(["We will remember this test", "We will forget this test"]):
        files = korean("quotes.yaml", "기억할 것이다", "잊을 것이다")
        files[Q] = str(files[Q]).replace("We will remember this test", translation)
        status, out, err = run_check(make_project(tmp_path / str(i), files), capsys)
        assert status == 1 and out == "" and "Traceback" not in err
        assert [p.split(": ")[0] for p in _problems(err)] == [f"{Q}:8:17"]


def test_the_attribution_check_reads_the_original(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """A translation naming the speaker does not attribute the words: the source must name
    them, here by the Korean name, which (as name_original) counts like an alias."""
    files = korean("quotes.yaml", "We will remember this test",
                   "Fixture Speaker said we will remember this test")
    files["content/demo/actors.yaml"] = str(KOREAN["content/demo/actors.yaml"]).replace(
        "    lang: ko\n    name_original: 시험 대변인\n", "")
    status, _, err = run_check(make_project(tmp_path / "a", files), capsys)
    problems = _problems(err)
    assert status == 1 and len(problems) == 1, err
    assert problems[0].startswith(f"{Q}:") and "'Fixture Speaker'" in problems[0], err
    files["content/demo/actors.yaml"] = KOREAN["content/demo/actors.yaml"]
    assert run_check(make_project(tmp_path / "b", files), capsys)[0] == 0


def test_a_translation_adds_no_support(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A takeaway's number stated only in a quote's translation is unsupported: the support
    check reads the cited passages of the stored texts, never a translation."""
    files = korean("quotes.yaml", "We will remember this test", "We will remember these 3 tests")
    files["content/demo/briefing.yaml"] = str(KOREAN["content/demo/briefing.yaml"]).replace(
        "  - text: Something happened.\n",
        "  - text: The speaker will remember 3 tests.\n    citations:\n      - source: kor\n"
        "        excerpt: 우리는 이 시험을 기억할 것이다\n  - text: Something happened.\n")
    status, _, err = run_check(make_project(tmp_path, files), capsys)
    problems = _problems(err)
    assert status == 1 and len(problems) == 1, err
    assert problems[0].startswith("content/demo/briefing.yaml:7:") and "3" in problems[0]


@pytest.fixture(scope="module")
def who_html() -> str:
    return markdown.markdown(run(FIXTURE).pages["demo/who.md"], extensions=EXTENSIONS)


def test_the_original_carries_its_lang_and_the_translation_is_labelled(who_html: str) -> None:
    assert '<p lang="ko">“우리는 이 시험을 기억할 것이다”</p>' in who_html
    assert '<p lang="en"><em>Translation:</em> “We will remember this test”</p>' in who_html
    assert who_html.count('lang="ko"') == 2  # the quote and the speaker's name, once each
    assert re.search(r'id="actor-spokesperson">Fixture Spokesperson</h3>\s*<p lang="ko">시험 대변인</p>',
                     who_html)


def test_the_translation_is_in_the_sites_language(tmp_path: Path) -> None:
    files = {**KOREAN, "site_config/site.yaml": str(KOREAN["site_config/site.yaml"]) + "language: de\n"}
    pages = run(build_tree(tmp_path, files)).pages  # type: ignore[arg-type]
    html = markdown.markdown(pages["demo/who.md"], extensions=EXTENSIONS)
    assert '<p lang="de"><em>Translation:</em> “We will remember this test”</p>' in html


def test_quotes_without_lang_render_as_before(tmp_path: Path) -> None:
    lines = run(FIXTURE).pages["demo/who.md"].splitlines()
    at = next(i for i, line in enumerate(lines) if "“We honour them,”" in line)
    assert "lang" not in lines[at] and "lang" not in lines[at + 1]


def test_the_export_carries_the_languages() -> None:
    site, problems = load_site(FIXTURE)
    assert problems == [] and site is not None
    (b,) = site.published
    data = json.loads(export.briefing_json(b, site.config))
    quote = next(q for q in data["quotes"] if q["id"] == "remember")
    assert (quote["lang"], quote["translation"]) == ("ko", "We will remember this test")
    assert next(q for q in data["quotes"] if q["id"] == "honour")["lang"] is None
    assert [s["language"] for s in data["sources"]] == [None, "ko"]
    actor = next(a for a in data["actors"] if a["id"] == "spokesperson")
    assert (actor["lang"], actor["name_original"]) == ("ko", "시험 대변인")
    ld = export.jsonld(b, site.config)
    assert [c.get("inLanguage") for c in ld["citation"]] == [None, "ko"]
    assert {"@language": "ko", "@value": "시험 대변인"} in [m.get("alternateName") for m in ld["mentions"]]


def test_a_source_language_is_checked_like_a_quote_lang(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run_check(make_project(tmp_path, korean(S, "language: ko", "language: KR")), capsys)
    assert status == 1 and _problems(err)[0].startswith(f"{S}:8:15: ") and "'ko'" in err
