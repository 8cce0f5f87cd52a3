"""Fast paths against their reference definitions.

* The loader's deferred positions: ``parse_yaml`` walks the events once without recording
  positions and reads them from the text on first use; a refused text is walked again with
  positions. It must give exactly what one positioned walk gives (data, the position of every
  key and value, problems) on real files, the bench/ corpus and thousands of mutated snippets
  (tags, anchors, aliases, duplicate keys, nesting, several documents, control characters,
  syntax errors), with libyaml and pure Python.
* ``sourcetext.normalise`` against its regular-expression definition.
* ``escape.md`` against its character-by-character definition.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import load, sourcetext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

PARSERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if getattr(yaml, "CSafeLoader", None) is not None:
    PARSERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))

SNIPPETS = [
    "", "   \n", "# c\n", "~", "null", "a: 1", "a: ~", "a: null", "a: 'null'", 'a: "~"', "a:",
    "a: &x 1\nb: *x", "a: !!str 1", "a: !foo 1", "a: ! 1", "a: ! ~", "! a: 1", "!!map {a: 1}",
    "a: 1\na: 2", "- a\n- b\n---\n- c", "%TAG !e! tag:example.com,2000:\n---\na: 1",
    "%YAML 1.1\n---\na: 1", "a: [1, 2", "a: b: c", "a:\n\t- b", "{a: 1, a: 2}",
    "[" * 19 + "1" + "]" * 19, "[" * 20 + "1" + "]" * 20, "[" * 30 + "1" + "]" * 30, "? [a]\n: 1",
    "[a]: 1", "a: |\n  x\n  y\n", "- &a x", "*a", "---\na: 1\n...\n", "a: 1\n...\n---\nb: 2",
    "\x07a: 1", "a: b\x00c", "a: \ud55c\x1f", "- - - - a", "'a': 1\n\"a\": 2", "? !!str a\n: 1",
    "- ! []", "x", "NO: yes", "1.10: 012", "2025-04-28: 1:20", "{}", "[]", "a: {}",
    "[" * 5000 + "]" * 5000,
]
OPS = ["&a ", "*a", "!!str ", ": ", "- ", "\n", "  ", "{", "}", "[", "]", '"', "'", "#", "?", "!",
       "~", "null", "---\n", "\t", ",", "\x00", "\x1f"]


def _seeds(tmp: Path) -> list[str]:
    project = corpus.write_project(tmp / "corpus", 2)
    files = sorted(project.rglob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml")) + \
        sorted((ROOT / "content").rglob("*.yaml"))
    return [f.read_text(encoding="utf-8") for f in files] + SNIPPETS


def _mutants(seeds: list[str], count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    pool = [t for t in seeds if t]
    out = []
    for _ in range(count):
        chars = list(rng.choice(pool)[:400])
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(chars) + 1)
            if chars and rng.random() < 0.5:
                del chars[min(i, len(chars) - 1)]
            else:
                chars[i:i] = rng.choice(OPS)
        out.append("".join(chars))
    return out


def _outcome(result: tuple[Any, list[Any]]) -> tuple[Any, ...]:
    doc, problems = result
    if doc is None:
        return (None, problems)
    return (doc.data, dict(doc.values), dict(doc.keys), problems)


@pytest.fixture(scope="module")
def texts(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    seeds = _seeds(tmp_path_factory.mktemp("equivalence"))
    return seeds + _mutants(seeds, 3000)


@pytest.mark.parametrize("parser", PARSERS)
def test_fast_path_equals_positioned_pass(parser: Any, texts: list[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "_Parser", parser)
    differ, accepted = [], 0
    for text in texts:
        fast = _outcome(load.parse_yaml(text, "x.yaml"))
        reference = _outcome(load._parse_positioned(text, "x.yaml"))
        accepted += fast[0] is not None
        if fast != reference:
            differ.append(text)
    assert differ == []
    # The mutants must exercise both outcomes, or the comparison proves little.
    assert 0.2 * len(texts) < accepted < 0.9 * len(texts)


def test_fast_path_defers_positions_until_needed() -> None:
    doc, _ = load.parse_yaml("a:\n  - x\n  - y\n", "x.yaml")
    assert doc is not None and doc._text is not None  # positions not read yet
    assert doc.pos(("a", 1)) == load.Pos(3, 5)
    assert doc._text is None and doc.keys[("a",)] == load.Pos(1, 1)


_SPACE = re.compile(r"\s+")


def _reference_normalise(text: str) -> str:
    return _SPACE.sub(" ", text.translate(sourcetext._TYPOGRAPHIC)).strip()


def test_normalise_equals_its_regex_definition() -> None:
    rng = random.Random(7)
    pool = list("\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033\u2010\u2011\u2012"
                "\u2013\u2014\u2212\u00a0 \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\u3000"
                "\u200bab'\"-é김")
    samples = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(20_000)]
    samples += [f"a{chr(c)}b {chr(c)}" for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert [s for s in samples if sourcetext.normalise(s) != _reference_normalise(s)] == []


def _reference_md(value: object) -> str:
    """escape.md as first written: one character at a time, unicodedata for controls."""
    import unicodedata

    from generator import escape

    text = "" if value is None else str(value)
    # Format characters (zero-width joiners apart; no sample forms a flag), noncharacters.
    text = "".join(ch for ch in text if not ((unicodedata.category(ch) == "Cf" and ch not in "\u200c\u200d")
                                             or 0xFDD0 <= ord(ch) <= 0xFDEF or ord(ch) & 0xFFFE == 0xFFFE))
    text = "".join(ch if unicodedata.category(ch) != "Cc" or ch in "\t\n" else " " for ch in text)
    out = []
    for ch in " ".join(text.split()):
        if ch in escape._ENTITIES:
            out.append(escape._ENTITIES[ch])
        elif ch in escape._MD_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def test_md_escape_equals_its_character_by_character_definition() -> None:
    from generator.escape import md

    rng = random.Random(11)
    pool = list("\\`*_{}[]()#+-.!&<>\"|' \t\nab김\u200b\u202e\ufeff\x00\x07\x1f\x7f\x85\x9f\xa0{{7*7}}"
                "\u061c\u00ad\u200d\ufdd0\uffff\U0001fffe\U000e0041")
    samples = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 40))) for _ in range(20_000)]
    samples += [f"a{chr(c)}b" for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    samples += [None, 12, "<script>alert(1)</script>", "[x](javascript:alert(1))"]
    assert [s for s in samples if md(s) != _reference_md(s)] == []
