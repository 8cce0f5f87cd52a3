"""Verbatim matching: whole words in space-separated scripts, any span in CJK."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL, build_tree

from generator import cli
from generator.sourcetext import SourceIndex


@pytest.mark.parametrize("text,words,found", [
    ("The skill of Kim was praised.", "kill of Kim", False),
    ("The skill of Kim was praised.", "skill of Kim", True),
    ("He ate Kimchi.", "Kim", False),
    ("He ate Kimchi with Kim.", "Kim", True),  # a later occurrence is whole
    ("Kim's troops", "Kim", True),
    ("Kim, the leader", "Kim", True),
    ("North-Korean troops", "Korean troops", True),
    ("about 1,200 troops", "200 troops", False),
    ("about 1,200 troops", "about 1", False),
    ("about 1,200 troops", "1,200", True),
    ("about 11,200 troops", "1,200", False),
    ("rose by 2.5 percent", "by 2", False),
    ("Он сказал: Кимчи.", "Ким", False),
    ("Он сказал: Ким.", "Ким", True),
    ("ο αλόγιστος λόγος", "λόγ", False),
    ("un cafe\u0301 noir", "un cafe", False),  # a combining accent continues the word
    ("北朝鲜军队参战", "朝鲜军", True),
    ("北朝鮮軍がクルスクで", "朝鮮軍", True),
    ("김정은은 말했다", "김정은", True),
    ("“We honour them,” Kim said.", "We honour them", True),
    ("“We honour them,” Kim said.", "e honour the", False),
])
def test_whole_words(text: str, words: str, found: bool) -> None:
    assert SourceIndex({"s": text}).find("s", words) is found


def test_mid_word_excerpt_fails_check_with_the_whole_passage_as_hint(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build_tree(tmp_path, {
        **MINIMAL,
        "content/demo/briefing.yaml": str(MINIMAL["content/demo/briefing.yaml"]).replace(
            "excerpt: something happened", "excerpt: omething happene"),
    })
    assert cli.main(["-C", str(root), "check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("content/demo/briefing.yaml:10:18: excerpt not found verbatim")
    assert 'closest passage in the source: "something happened"' in err
