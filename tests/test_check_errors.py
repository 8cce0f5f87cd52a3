"""What an editor sees from ``briefsite check`` for each class of bad input.

Every case starts from conftest's MINIMAL project (plus, for the cases that need them, small
actors/quotes/reactions/figures/timeline files that check clean on their own), replaces or adds
one file, and compares stderr byte for byte with ``tests/golden/errors/<case>.txt``.
Regenerate with ``pytest tests/test_check_errors.py --update-goldens`` and read every diff:
each golden must point at the right file:line:col with a message an editor can act on.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, build_tree

from generator import cli
from generator.briefing import Briefing, load_briefing

Files = dict[str, str | bytes | None]  # None removes a file of MINIMAL

B = "content/demo/briefing.yaml"
S = "content/demo/sources.yaml"
SITE = "site_config/site.yaml"
BRIEFING = str(MINIMAL[B])
SOURCES = str(MINIMAL[S])

ACTORS = (
    "actors:\n"
    "  - id: kim-jong-un\n"
    "    name: Kim Jong Un\n"
    "    aliases: [Kim]\n"
    "    kind: person\n"
    "    role: Leader of North Korea\n"
    "    side: north-korea\n"
    "    citations: [art]\n"
)
QUOTES = (
    "quotes:\n"
    "  - id: kim-honour\n"
    "    speaker: kim-jong-un\n"
    "    text: We honour them\n"
    "    context: Said by Kim on Monday.\n"
    "    citations: [art]\n"
)
REACTIONS = (
    "reactions:\n"
    "  - id: kim-praises\n"
    "    actor: kim-jong-un\n"
    "    stance: praises\n"
    "    summary: Praised the troops.\n"
    "    quotes: [kim-honour]\n"
    "    citations: [art]\n"
)
FIGURES = (
    "figures:\n"
    "  - id: casualties\n"
    "    metric: Casualties\n"
    "    unit: soldiers\n"
    "    estimates:\n"
    "      - id: est\n"
    "        value: 1200\n"
    "        qualifier: about\n"
    "        estimators: [kim-jong-un]\n"
    "        citations: [{source: art, excerpt: \"about 1,200 were hurt\"}]\n"
)
TIMELINE = (
    "events:\n"
    "  - id: it-happened\n"
    "    date: 2025-04-28\n"
    "    summary: Something happened.\n"
    "    actors: [kim-jong-un]\n"
    "    citations:\n"
    "      - source: art\n"
    "        excerpt: On Monday something happened\n"
)
# MINIMAL plus one file of every optional kind, all valid and cross-referenced.
RICH: dict[str, str | bytes] = {
    **MINIMAL,
    "content/demo/actors.yaml": ACTORS,
    "content/demo/quotes.yaml": QUOTES,
    "content/demo/reactions.yaml": REACTIONS,
    "content/demo/figures.yaml": FIGURES,
    "content/demo/timeline.yaml": TIMELINE,
    "content/demo/sources/art.txt": str(MINIMAL["content/demo/sources/art.txt"]).replace(
        "Kim said.", "Kim said. Officials said about 1,200 were hurt."),
}


# An invented article in Korean (a fixture: it reports no real event) and its quote, translated.
KOREAN: dict[str, str | bytes] = {
    **MINIMAL,
    S: SOURCES + "  - id: kor\n    file: sources/kor.txt\n    label: Korean fixture\n    language: ko\n",
    "content/demo/sources/kor.txt": "[시험용 가상 기사] 실제 사건이 아니다.\n"
                                    "시험 대변인 “우리는 이 시험을 기억할 것이다”\n",
    "content/demo/actors.yaml": (
        "actors:\n"
        "  - id: speaker\n"
        "    name: Fixture Speaker\n"
        "    lang: ko\n"
        "    name_original: 시험 대변인\n"
        "    kind: person\n"
        "    role: Invented speaker\n"
        "    side: other\n"
        "    citations: [kor]\n"),
    "content/demo/quotes.yaml": (
        "quotes:\n"
        "  - id: remember\n"
        "    speaker: speaker\n"
        "    text: 우리는 이 시험을 기억할 것이다\n"
        "    lang: ko\n"
        "    translation: We will remember this test\n"
        "    context: Invented\n"
        "    citations: [kor]\n"),
}


def korean(name: str, old: str, new: str) -> Files:
    """KOREAN with one exact replacement in one of its files (``S`` or an optional file)."""
    rel = name if name == S else f"content/demo/{name}"
    text = str(KOREAN[rel])
    assert old in text, old
    return {**{k: v for k, v in KOREAN.items() if MINIMAL.get(k) != v}, rel: text.replace(old, new, 1)}


def briefing(old: str, new: str) -> Files:
    """briefing.yaml with one exact replacement (which must apply)."""
    assert old in BRIEFING, old
    return {B: BRIEFING.replace(old, new, 1)}


def sources(old: str, new: str) -> Files:
    assert old in SOURCES, old
    return {S: SOURCES.replace(old, new, 1)}


def rich(name: str, old: str, new: str) -> Files:
    """One of RICH's extra files with one exact replacement, on top of RICH."""
    rel = f"content/demo/{name}"
    text = str(RICH[rel])
    assert old in text, old
    return {**{k: v for k, v in RICH.items() if MINIMAL.get(k) != v}, rel: text.replace(old, new, 1)}


def estimate(lines: str) -> Files:
    """figures.yaml (with actors.yaml) whose single estimate's number lines are ``lines``."""
    return rich("figures.yaml", "        value: 1200\n", lines)


def bounded(lines: str) -> Files:
    """timeline.yaml (with actors.yaml) whose event's date is the mapping ``lines``."""
    return rich("timeline.yaml", "    date: 2025-04-28\n", "    date:\n" + lines)


BILLION_LAUGHS = (
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
    "title: *i\n"
)
TEN_MB = 10 * 1024 * 1024

CASES: dict[str, Files] = {
    # --- YAML syntax and strict loading ---------------------------------------------------
    "yaml-syntax-unclosed-bracket": briefing("takeaways:\n", "takeaways: [\n"),
    "yaml-syntax-colon-in-value": briefing("summary: A demo.", "summary: A demo: the sequel."),
    "yaml-duplicate-key": briefing("status: published\n", "status: published\ntitle: Again\n"),
    "yaml-duplicate-key-nested": sources("    label: Article\n",
                                         "    label: Article\n    file: sources/other.txt\n"),
    "yaml-tag-python-object": briefing("title: Demo briefing",
                                       "title: !!python/object/apply:os.system [\"touch pwned\"]"),
    "yaml-tag-str": briefing("title: Demo briefing", "title: !!str Demo briefing"),
    "yaml-tag-local": briefing("summary: A demo.", "summary: !foo A demo."),
    "yaml-tag-directive": {B: "%TAG !e! tag:example.com,2000:\n---\n" + BRIEFING},
    "yaml-alias-bomb": {B: BILLION_LAUGHS},
    "yaml-anchor-alone": briefing("title: Demo briefing", "title: &t Demo briefing"),
    "yaml-alias-alone": briefing("summary: A demo.", "summary: *t"),
    "yaml-tab-indentation": briefing("  - text: Something happened.\n",
                                     "\t- text: Something happened.\n"),
    "yaml-not-utf8": {B: BRIEFING.replace("A demo.", "A caf\u00e9 demo.").encode("latin-1")},
    "yaml-empty-file": {B: ""},
    "yaml-comment-only-file": {B: "# yaml-language-server: $schema=x.json\n# nothing yet\n"},
    "yaml-deep-nesting": {B: "[" * 25 + "]" * 25},  # 10,000 unclosed: test_load.py
    "yaml-file-too-large": {B: BRIEFING.replace("A demo.", "x" * TEN_MB)},
    "yaml-multiple-documents": {B: BRIEFING + "---\ntitle: Second document\n"},
    "yaml-top-level-list": {B: "- title: Demo briefing\n"},
    # --- fields and types ------------------------------------------------------------------
    "field-unknown-did-you-mean": sources("    label: Article\n", "    label: Article\n    titel: A title\n"),
    "field-unknown-no-close-match": briefing("status: published\n", "status: published\ncolour: blue\n"),
    "field-missing-required": briefing("summary: A demo.\n", ""),
    "field-empty-value": briefing("summary: A demo.", "summary:"),
    "field-blank-text": briefing("summary: A demo.", 'summary: "   "'),
    "type-list-for-text": briefing("title: Demo briefing", "title: [Demo, briefing]"),
    "type-mapping-for-list": briefing(
        "takeaways:\n  - text: Something happened.\n    citations:\n      - source: art\n"
        "        excerpt: something happened\n",
        "takeaways:\n  text: Something happened.\n  citations: [art]\n"),
    "type-text-for-list": briefing(
        "    citations:\n      - source: art\n        excerpt: something happened\n", "    citations: art\n"),
    "status-no": briefing("status: published", "status: NO"),
    "enum-bad-qualifier": rich("figures.yaml", "qualifier: about", "qualifier: roughly"),
    # --- dates ------------------------------------------------------------------------------
    "date-impossible-day": briefing("event_date: 2025-04-28", "event_date: 2025-02-30"),
    "date-month-13": briefing("event_date: 2025-04-28", "event_date: 2025-13"),
    "date-month-where-day-required": briefing("last_updated: 2025-05-01", "last_updated: 2025-05"),
    "date-season-where-day-required": briefing("last_updated: 2025-05-01", "last_updated: fall 2024"),
    "date-bad-text": briefing("event_date: 2025-04-28", "event_date: 28 April 2025"),
    "date-unknown-qualifier": briefing("event_date: 2025-04-28", "event_date: sometime 2024"),
    "date-qualified-day": briefing("event_date: 2025-04-28", "event_date: late 2025-04-28"),
    "date-undated-outside-timeline": briefing("event_date: 2025-04-28", "event_date: undated"),
    "date-bound-outside-date": bounded("      in: 2025\n      before: 2026-02-01\n"),
    "date-bound-after-not-before-before": bounded(
        "      in: 2025\n      after: 2025-04-01\n      before: 2025-03-01\n"),
    "date-bound-not-a-day": bounded("      in: 2025\n      before: 2025-04\n"),
    "date-bound-unknown-key": bounded("      in: 2025\n      until: 2025-04-28\n"),
    "date-bound-on-a-day": bounded("      in: 2025-04-27\n      before: 2025-04-28\n"),
    "date-bound-without-in": bounded("      before: 2025-04-28\n"),
    # --- ids and references -----------------------------------------------------------------
    "id-path-like": rich("timeline.yaml", "id: it-happened", "id: ../../x"),
    "id-trailing-newline": rich("timeline.yaml", "id: it-happened", 'id: "it-happened\\n"'),
    "id-duplicate": sources("    label: Article\n",
                            "    label: Article\n  - id: art\n    file: sources/art.txt\n    label: Again\n"),
    "id-duplicate-estimate": rich("figures.yaml", "        citations: [{source: art, excerpt: \"about 1,200 were hurt\"}]\n",
                                  "        citations: [{source: art, excerpt: \"about 1,200 were hurt\"}]\n"
                                  "      - id: est\n        value: 1200\n"
                                  "        qualifier: exact\n        estimators: [kim-jong-un]\n"
                                  "        citations: [{source: art, excerpt: \"about 1,200 were hurt\"}]\n"),
    # figure a + estimate b-c and figure a-b + estimate c would both be fact 'a-b-c'
    "id-estimate-public-id-collision": rich(
        "figures.yaml", FIGURES,
        FIGURES.replace("id: casualties", "id: a").replace("id: est", "id: b-c")
        + FIGURES.replace("figures:\n", "").replace("id: casualties", "id: a-b").replace("id: est", "id: c")),
    "ref-unknown-source": briefing("      - source: art\n", "      - source: arts\n"),
    "ref-unknown-actor": rich("quotes.yaml", "speaker: kim-jong-un", "speaker: kim-jong-il"),
    "ref-unknown-actor-none-defined": {"content/demo/timeline.yaml": TIMELINE},
    "ref-unknown-quote-in-reaction": rich("reactions.yaml", "quotes: [kim-honour]", "quotes: [kim-honor]"),
    "ref-unknown-briefing-in-order": {SITE: "title: Test site\ndescription: A test.\n"
                                            "briefing_order: [demo, dmeo]\n"},
    "ref-repeated-actor": rich("timeline.yaml", "actors: [kim-jong-un]", "actors: [kim-jong-un, kim-jong-un]"),
    "ref-repeated-estimator": rich("figures.yaml", "estimators: [kim-jong-un]",
                                   "estimators:\n          - kim-jong-un\n          - kim-jong-un"),
    "ref-repeated-quote-in-reaction": rich("reactions.yaml", "quotes: [kim-honour]",
                                           "quotes: [kim-honour, kim-honour]"),
    "ref-repeated-source-in-citations": briefing(
        "        excerpt: something happened\n",
        "        excerpt: something happened\n      - art\n"),
    "ref-repeated-source-same-excerpt": briefing(
        "        excerpt: something happened\n",
        "        excerpt: something happened\n      - source: art\n        excerpt: \"something  happened\"\n"),
    "ref-repeated-source-bare-after-excerpt": briefing(
        "        excerpt: something happened\n",
        "        excerpt: something happened\n      - source: art\n        excerpt: On Monday\n      - art\n"),
    "excerpt-second-passage-tampered": briefing(
        "        excerpt: something happened\n",
        "        excerpt: something happened\n      - source: art\n        excerpt: We honor them\n"),
    "published-holds-todo": briefing("  - text: Something happened.", "  - text: \"TODO: what happened\""),
    "published-holds-new-placeholders": {
        B: BRIEFING.replace("summary: A demo.", "summary: Draft briefing. Replace this with a one-paragraph summary."),
        S: SOURCES.replace("label: Article", "label: Placeholder (replace with a stored article)")},
    "citations-empty": briefing("    citations:\n      - source: art\n        excerpt: something happened\n",
                                "    citations: []\n"),
    # --- sources and verbatim checks --------------------------------------------------------
    "quote-tampered-honor": rich("quotes.yaml", "We honour them", "We honor them"),
    # --- language and translation (an invented Korean fixture) -------------------------------
    "lang-not-a-tag": korean("quotes.yaml", "lang: ko", "lang: korean"),
    "lang-does-not-match-script": korean("quotes.yaml", "lang: ko", "lang: kr"),
    "lang-source-letter-case": korean(S, "language: ko", "language: ko_KR"),
    "translation-without-lang": korean("quotes.yaml", "    lang: ko\n", ""),
    "name-original-without-lang": korean("actors.yaml", "    lang: ko\n", ""),
    "quote-korean-tampered-translation-right": korean("quotes.yaml", "기억할 것이다", "잊을 것이다"),
    "excerpt-tampered": briefing("excerpt: something happened", "excerpt: somthing happened"),
    "excerpt-case-differs": briefing("excerpt: something happened", "excerpt: Something Happened"),
    "source-file-traversal": sources("file: sources/art.txt", "file: ../../etc/passwd"),
    "source-file-absolute": sources("file: sources/art.txt", "file: /etc/passwd"),
    "source-file-missing": sources("file: sources/art.txt", "file: sources/artt.txt"),
    "source-text-not-utf8": {"content/demo/sources/art.txt": "On Monday something happened. Caf\u00e9."
                             .encode("latin-1")},
    "url-javascript": sources("    label: Article\n", "    label: Article\n    url: javascript:alert(1)\n"),
    "url-credentials": sources("    label: Article\n",
                               "    label: Article\n    url: https://user:pw@example.org/a\n"),
    "url-port-out-of-range": sources("    label: Article\n",
                                     "    label: Article\n    url: https://example.org:99999/a\n"),
    "url-port-not-a-number": sources("    label: Article\n",
                                     "    label: Article\n    url: https://example.org:8o/a\n"),
    "url-space": sources("    label: Article\n", '    label: Article\n    url: "https://example.org/a b"\n'),
    "url-no-host": sources("    label: Article\n", "    label: Article\n    url: https:///a\n"),
    "url-bad-host": sources("    label: Article\n", "    label: Article\n    url: https://exa_mple..org/\n"),
    "url-bad-percent-escape": sources("    label: Article\n",
                                      "    label: Article\n    url: https://example.org/%zz\n"),
    # --- estimates --------------------------------------------------------------------------
    "estimate-value-and-range": estimate("        value: 1200\n        low: 1000\n        high: 1500\n"),
    "estimate-low-above-high": estimate("        low: 1500\n        high: 1000\n"),
    "estimate-no-number": estimate(""),
    "estimate-decimal-value": estimate("        value: 1.10\n"),
    "estimate-thousands-separator": estimate("        value: 12,000\n"),
    # --- files and folders ------------------------------------------------------------------
    "file-missing-required": {S: None},
    "file-unexpected-name": {"content/demo/figure.yaml": FIGURES},
    "file-unexpected-name-beside-it": {"content/demo/figure.yaml": FIGURES,
                                       "content/demo/figures.yaml": FIGURES,
                                       "content/demo/sources/art.txt": RICH["content/demo/sources/art.txt"]},
    "folder-bad-name": {"content/Demo_2/briefing.yaml": BRIEFING, "content/Demo_2/sources.yaml": SOURCES,
                        "content/Demo_2/sources/art.txt": MINIMAL["content/demo/sources/art.txt"]},
    "site-config-missing": {SITE: None},
    "site-config-url-credentials": {SITE: "title: Test site\ndescription: A test.\n"
                                          "site_url: https://admin:secret@example.org/briefs/\n"},
    "site-config-unknown-key": {SITE: "title: Test site\ndescription: A test.\nbriefing_ordr: [demo]\n"},
    # --- support: a claim's numbers, dates and actors are stated by a passage it cites --------
    "support-number-not-in-excerpt": {**rich("timeline.yaml", "summary: Something happened.",
                                             "summary: About 1,200 were hurt."),
                                      "content/demo/sources/art.txt": RICH["content/demo/sources/art.txt"]},
    "support-bare-citation": rich("reactions.yaml", "summary: Praised the troops.",
                                  "summary: Praised the 3,000 troops."),
    "support-range-one-end": estimate("        low: 1200\n        high: 1500\n"),
    "support-relative-date-without-published": briefing(
        "  - text: Something happened.", "  - text: Something happened on 28 April 2025."),
    "support-actor-by-alias-hint": rich("timeline.yaml", "summary: Something happened.",
                                        "summary: Kim Jong Un spoke."),  # ACTORS: aliases [Kim]
    # --- attribution: a quote's speaker is named beside its words in a cited source ----------
    "attribution-speaker-not-named": {
        **rich("quotes.yaml", "text: We honour them", "text: We honour them"),
        "content/demo/sources/art.txt": str(RICH["content/demo/sources/art.txt"]).replace(
            "Kim said.", "the statement said.")},
    "analysis-not-true-or-false": briefing("  - text: Something happened.\n",
                                           "  - text: Something happened.\n    analysis: yes\n"),
    # --- several problems at once ------------------------------------------------------------
    "several-problems-several-files": {
        **briefing("event_date: 2025-04-28", "event_date: 2025-02-30"),
        **sources("    label: Article\n", "    label: Article\n    autor: Someone\n"),
        **estimate("        low: 1500\n        high: 1000\n"),
        SITE: "title: Test site\ndescription: A test.\nbriefing_order: [demo, nope]\n",
    },
}


def make_project(root: Path, changes: Files, base: dict[str, str | bytes] = MINIMAL) -> Path:
    files = {rel: content for rel, content in {**base, **changes}.items() if content is not None}
    return build_tree(root, files)  # type: ignore[arg-type]


def run_check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = cli.main([*extra, "-C", str(root), "check"])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_error_golden(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                            golden: Callable[[str, str], None], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(tmp_path / "project", CASES[case])
    monkeypatch.chdir(tmp_path)  # where a constructed !!python/object would "touch pwned"
    status, out, err = run_check(root, capsys)
    assert not (tmp_path / "pwned").exists()
    assert status == 1, err
    assert out == ""
    assert "Traceback" not in err and "internal error" not in err
    assert str(tmp_path) not in err, "paths must be relative to the project"
    lines = err.splitlines()
    assert re.fullmatch(r"\d+ problem\(s\) in \d+ file\(s\)", lines[-1])
    problems = [line for line in lines[:-1] if not line.startswith("    hint: ")]
    assert lines[-1].startswith(f"{len(problems)} problem(s)")
    for line in problems:
        assert re.match(r"[a-z_]+(/[\w.-]+)*(:\d+:\d+)?: \S", line), line
    golden(f"errors/{case}.txt", _dependency_words_masked(err))


def _dependency_words_masked(err: str) -> str:
    """PyYAML's (libyaml's) own description of a syntax error is shown to the editor as it is,
    but it is not ours to pin: a new release may word it differently. The golden keeps where
    the problem is and our own words and hints; PyYAML's words become '…'."""
    return re.sub(r"(: YAML syntax error: )[^\n]*", r"\1…", err)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 25


def test_rich_base_checks_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The files the cases start from are valid: each case's problems are its own."""
    status, out, err = run_check(build_tree(tmp_path, RICH), capsys)
    assert (status, err) == (0, "")
    assert out.startswith("ok: 1 briefing(s), 6 facts, 6 citations verified in ")


def test_minimal_checks_clean(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_check(minimal, capsys)
    assert (status, err) == (0, "")
    assert out.startswith("ok: 1 briefing(s), 1 facts, 1 citations verified in ")


def test_several_problems_are_all_reported_sorted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, CASES["several-problems-several-files"])
    status, _, err = run_check(root, capsys)
    assert status == 1
    located = [line for line in err.splitlines()[:-1] if not line.startswith("    ")]
    keys = []
    for line in located:
        path, line_no, col, _ = line.split(":", 3)
        keys.append((path, int(line_no), int(col)))
    assert keys == sorted(keys)
    assert [k[0] for k in keys] == ["content/demo/briefing.yaml", "content/demo/figures.yaml",
                                    "content/demo/sources.yaml", "site_config/site.yaml"]
    assert err.splitlines()[-1] == "4 problem(s) in 4 file(s)"


@pytest.mark.parametrize("case", sorted(CASES))
def test_debug_is_not_needed(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --debug an internal error would raise; every case is a reported problem instead,
    and the report is the same with and without the flag."""
    root = make_project(tmp_path, CASES[case])
    plain = run_check(root, capsys)
    debug = run_check(root, capsys, "--debug")
    assert plain == debug
    assert "Traceback" not in plain[2]


def test_real_command_prints_no_traceback(tmp_path: Path) -> None:
    """The module run as a process (no capsys, no in-process state) for the hostile cases."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    for case in ("yaml-tag-python-object", "yaml-alias-bomb", "yaml-deep-nesting", "yaml-not-utf8",
                 "source-file-traversal"):
        root = make_project(tmp_path / case, CASES[case])
        result = subprocess.run([sys.executable, "-m", "generator.cli", "-C", str(root), "check"],
                                capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
        assert result.returncode == 1, result.stderr
        assert result.stdout == ""
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("content/demo/")
        assert not (tmp_path / "pwned").exists()


# --- inputs that must be accepted ------------------------------------------------------------

def _load_demo(root: Path) -> Briefing:
    briefing_, problems = load_briefing(root / "content/demo", root)
    assert problems == []
    assert briefing_ is not None
    return briefing_


def test_no_stays_the_string_no_in_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, {**briefing("summary: A demo.", "summary: NO"),
                                   **sources("label: Article", "label: no")})
    status, _, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    demo = _load_demo(root)
    assert demo.meta.summary == "NO"
    assert demo.sources[0].label == "no"


def test_decimal_looking_text_stays_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, {**briefing("title: Demo briefing", "title: 1.10"),
                                   **sources("label: Article", "label: 012")})
    status, _, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    demo = _load_demo(root)
    assert demo.meta.title == "1.10"
    assert demo.sources[0].label == "012"


def test_quoted_null_is_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, briefing("summary: A demo.", 'summary: "null"'))
    status, _, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    assert _load_demo(root).meta.summary == "null"


@pytest.mark.parametrize("value", ["~", "null", ""])
def test_bare_null_means_no_value(value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # An optional field left without a value is simply absent.
    root = make_project(tmp_path, sources(
        "    label: Article\n", f"    label: Article\n    title: {value}\n    published: {value}\n"))
    status, _, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    source = _load_demo(root).sources[0]
    assert source.title is None and source.published is None


def test_bom_and_crlf_are_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    crlf = {rel: b"\xef\xbb\xbf" + str(text).replace("\n", "\r\n").encode("utf-8")
            for rel, text in RICH.items()}
    root = build_tree(tmp_path, crlf)  # type: ignore[arg-type]
    assert (root / B).read_bytes().startswith(b"\xef\xbb\xbftitle: Demo briefing\r\n")
    status, out, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    assert "6 citations verified" in out
    demo = _load_demo(root)
    assert demo.meta.title == "Demo briefing"
    assert demo.texts["art"].startswith("On Monday")
    assert "\r" not in demo.texts["art"]


def test_bom_and_crlf_errors_keep_their_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BRIEFING.replace("event_date: 2025-04-28", "event_date: 2025-02-30")
    root = make_project(tmp_path, {B: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()})
    status, _, err = run_check(root, capsys)
    assert status == 1
    assert err.startswith("content/demo/briefing.yaml:3:13: event_date: '2025-02-30' is not a day")


@pytest.mark.parametrize("excerpt", [
    "On Monday   something\n          happened.",         # runs of whitespace
    "\u201cWe honour them,\u201d Kim said",              # the source's own curly quotes
    '"We honour them," Kim said',                         # straight quotes for curly ones
    "\u2018We honour them,\u2019 Kim said",              # curly single quotes for double...
], ids=["whitespace", "curly-quotes", "straight-quotes", "single-quotes"])
def test_typographic_differences_are_accepted_in_excerpts(excerpt: str, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    # Normalising maps ‘’ to ' and “” to ", so single for double quotes is NOT the same text.
    yaml_excerpt = '"' + excerpt.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    root = make_project(tmp_path, briefing("excerpt: something happened", f"excerpt: {yaml_excerpt}"))
    status, _, err = run_check(root, capsys)
    if excerpt.startswith("\u2018"):
        assert status == 1 and "excerpt not found verbatim in source 'art'" in err
    else:
        assert (status, err) == (0, "")


def test_dashes_and_nbsp_are_accepted_in_excerpts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Troops \u2014 10,000\u201312,000 of them \u2212 went in\u00a0fall 2024.\n"
    root = make_project(tmp_path, {
        "content/demo/sources/art.txt": text,
        **briefing("excerpt: something happened",
                   'excerpt: "Troops - 10,000-12,000 of them - went in fall 2024"'),
    })
    status, _, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    (root / B).write_text(BRIEFING.replace("excerpt: something happened",
                                           'excerpt: "Troops - 10,000 to 12,000 of them"'))
    status, _, err = run_check(root, capsys)
    assert status == 1 and "excerpt not found verbatim" in err


@pytest.mark.parametrize("url", [
    "https://example.org/a_(b)?q=1&r=2#frag",
    "HTTPS://Example.ORG",
    "http://www.example.org:8080/2025/04/28/story.html",
    "https://example.org/caf%C3%A9?x=%20",
    "https://\u4f8b\u3048.jp/\u30d1\u30b9",
    "https://[2001:db8::1]:8443/x",
    "https://192.0.2.1/x",
    "https://ko.wikipedia.org/wiki/\ubd81\ud55c",
])
def test_well_formed_urls_are_accepted(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, sources("    label: Article\n", f"    label: Article\n    url: \"{url}\"\n"))
    status, _, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    assert _load_demo(root).sources[0].url == url


@pytest.mark.parametrize("url", [
    "https://user@example.org/", "https://example.org:0/", "https://example.org:/", "https://example.org:-1/",
    "https://example.org:１２/", "https://example.org\t/", "https://example.org/a\nb", "https://-example.org/",
    "https://example-.org/", "https://example", "https://999.1.1.1/", "https://[::g]/", "https://example.org/%4",
    "https://example.org/#a#b", "https://" + "a" * 64 + ".org/", "https://example.org/" + "a" * 2100,
    "https://exa mple.org/", "https:example.org", "https://example.org\\@evil.org/",
])
def test_malformed_urls_are_refused_at_the_value(url: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    quoted = url.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    root = make_project(tmp_path, sources("    label: Article\n", f"    label: Article\n    url: \"{quoted}\"\n"))
    status, _, err = run_check(root, capsys)
    assert status == 1, err
    assert err.startswith("content/demo/sources.yaml:5:10: sources[0].url: "), err
    assert "\n    hint: " in err
    assert err.endswith("\n1 problem(s) in 1 file(s)\n")


# --- keys named like pydantic's internal location parts -------------------------------------

@pytest.mark.parametrize("key", ["model", "str", "list", "function-after", "a[1]"])
def test_unknown_top_level_key_named_like_pydantic_internals(key: str, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, briefing("status: published\n", f"status: published\n{key}: x\n"))
    status, _, err = run_check(root, capsys)
    assert "internal error" not in err
    assert status == 1
    assert err.startswith(f"content/demo/briefing.yaml:6:1: {key}: unknown field '{key}'\n")


def test_unknown_nested_key_named_like_pydantic_internals(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, sources("    label: Article\n", "    label: Article\n    list: x\n"))
    status, _, err = run_check(root, capsys)
    assert status == 1
    assert err.startswith("content/demo/sources.yaml:5:5: sources[0].list: unknown field 'list'\n")


def test_overlong_source_file_name_is_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, sources("file: sources/art.txt", "file: sources/" + "a" * 300 + ".txt"))
    status, _, err = run_check(root, capsys)
    assert "internal error" not in err
    assert status == 1
    assert err.startswith("content/demo/sources.yaml:3:11: source file 'sources/aaa")


@pytest.mark.parametrize("excerpt,passage", [
    ("somthing happened", "something happened"),
    ("On Mondy something happened", "On Monday something happened"),
])
def test_closest_passage_hint_is_whole_words(excerpt: str, passage: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, briefing("excerpt: something happened", f"excerpt: {excerpt}"))
    status, _, err = run_check(root, capsys)
    assert status == 1
    assert f'    hint: closest passage in the source: "{passage}"\n' in err


# --- the shipped content ---------------------------------------------------------------------

def test_shipped_content_checks_clean(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Without git (as in a shallow clone): uncommitted edits to content/ while working are not
    # what this test is about (tests/test_publishing.py covers that warning).
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "no-git"))
    status, out, err = run_check(ROOT, capsys)
    assert status == 0, err
    assert err == ""
    assert re.match(r"ok: \d+ briefing\(s\), \d+ facts, \d+ citations verified in \d+\.\d\ds\n$", out)
