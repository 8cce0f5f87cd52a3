"""The attribution check (generator/attribution.py): a quote's speaker is named near its words in
a cited source, or the quote records how the source attributes them; a quote naming its own
speaker is a warning, which ``check`` prints and fails on only with ``--strict``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import build_tree
from test_check_errors import RICH, run_check

from generator.pipeline import run

ART = "content/demo/sources/art.txt"
Q = "content/demo/quotes.yaml"


def _project(tmp_path: Path, text: str, quote_text: str = "We honour them", extra: str = "") -> Path:
    quotes = str(RICH[Q]).replace("text: We honour them", f"text: {quote_text}{extra}")
    return build_tree(tmp_path, {**RICH, ART: text, Q: quotes})


def _status(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, **kw: str) -> tuple[int, str]:
    status, _, err = run_check(_project(tmp_path, text, **kw), capsys)
    return status, err


@pytest.mark.parametrize("text", [
    "On Monday something happened. “We honour them,” Kim said. Officials said about 1,200 were hurt.",
    "On Monday something happened. Kim said: “We honour them.” Officials said about 1,200 were hurt.",
    "On Monday something happened, Kim Jong Un said on TV. “We honour them,” he added. "
    "Officials said about 1,200 were hurt.",  # the sentence before
    "On Monday something happened. “We honour them.” That was Kim, speaking on TV. "
    "Officials said about 1,200 were hurt.",  # the sentence after
])
def test_speaker_named_beside_the_words_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                    text: str) -> None:
    assert _status(tmp_path, capsys, text) == (0, "")


@pytest.mark.parametrize("text", [
    "Kim Jong Un spoke on TV. On Monday something happened. “We honour them,” the statement said. "
    "Officials said about 1,200 were hurt.",  # two sentences away
    "On Monday something happened. “We honour them,” the statement said, " + "and so on " * 40
    + "as Kim did. Officials said about 1,200 were hurt.",  # same sentence, beyond the window
    "On Monday something happened. “We honour them,” the statement said. Officials said about "
    "1,200 were hurt.",
])
def test_speaker_not_named_near_the_words_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     text: str) -> None:
    status, err = _status(tmp_path, capsys, text)
    assert status == 1
    assert err.startswith("content/demo/quotes.yaml:3:14: ")  # the quote's speaker
    assert "kim-honour" in err and "Traceback" not in err


def test_the_name_inside_the_quoted_words_does_not_attribute_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ("On Monday something happened. “We honour them, said Kim,” the statement said. "
            "Officials said about 1,200 were hurt.")
    status, err = _status(tmp_path, capsys, text, quote_text="We honour them, said Kim")
    assert status == 1
    assert "content/demo/quotes.yaml:3:14: " in err  # refused: not attributed
    assert "content/demo/quotes.yaml:4:11: warning: " in err  # and its words name its speaker


def test_an_excerpt_holding_the_words_and_the_speaker_attributes_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "On Monday something happened. Kim said “We honour them” to the crowd. Officials said about 1,200 were hurt."
    quotes = str(RICH[Q]).replace("citations: [art]", "citations:\n      - source: art\n"
                                  "        excerpt: Kim said “We honour them” to the crowd")
    status, _, err = run_check(build_tree(tmp_path, {**RICH, ART: text, Q: quotes}), capsys)
    assert (status, err) == (0, "")


def test_a_recorded_attribution_is_accepted_and_shown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "On Monday something happened. “We honour them,” the statement said. Officials said about 1,200 were hurt."
    root = _project(tmp_path, text, extra="\n    attribution: the statement said")
    status, _, err = run_check(root, capsys)
    assert (status, err) == (0, "")
    page = run(root).pages["demo/reactions.md"]
    # the reaction's heading names the speaker; the quote's line gives only how it is attributed
    assert "### Kim Jong Un" in page and "— As the source puts it: “the statement said”." in page


def test_a_quote_naming_its_own_speaker_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     golden: Callable[[str, str], None]) -> None:
    text = ("On Monday something happened. “Kim Jong Un will honour them,” Kim said. "
            "Officials said about 1,200 were hurt.")
    root = _project(tmp_path, text, quote_text="Kim Jong Un will honour them")
    status, out, err = run_check(root, capsys)
    assert status == 0 and out.startswith("ok: 1 briefing(s)")
    assert err.startswith("content/demo/quotes.yaml:4:11: warning: ")
    golden("errors/attribution-third-person-warning.txt", err)
    status, out, err = _strict(root, capsys)
    assert status == 1 and "warning:" in err and "Traceback" not in err
    assert "demo/who.md" in run(root).pages  # a warning never stops a render


def _strict(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from generator import cli
    status = cli.main(["-C", str(root), "check", "--strict"])
    out, err = capsys.readouterr()
    return status, out, err
