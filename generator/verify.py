"""Cross-checks inside a briefing: ids, references, and verbatim quotes and excerpts."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import Problem
from .load import Document, PathKey

_TYPOGRAPHIC = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ",
})
_SPACE = re.compile(r"\s+")
_REPLACE = tuple((chr(k), v) for k, v in _TYPOGRAPHIC.items())


def normalise(text: str) -> str:
    """Normalise only whitespace and typographic quotes, apostrophes and dashes.

    Same result as ``_SPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()``: ``str.split()``
    splits on exactly the characters ``\\s`` matches, and one ``replace`` per character is
    ~20x faster than ``translate`` with a dict on non-ASCII text (ASCII text has none of them).
    """
    if not text.isascii():
        for old, new in _REPLACE:
            if old in text:
                text = text.replace(old, new)
    return " ".join(text.split())


def unknown_id(doc: Document, path: PathKey, kind: str, value: str, known: Sequence[str]) -> Problem:
    """A problem for a reference to an id that does not exist, with the closest known ids."""
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    listed = ", ".join(sorted(known)[:8]) + (", …" if len(known) > 8 else "")
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else (
        f"known: {listed}" if known else f"no {kind}s are defined")
    if close:
        hint += f" (known: {listed})"
    return doc.problem(path, f"unknown {kind} '{value}'", hint)


def unique_ids(doc: Document, items: Iterable[Any], base: PathKey, kind: str) -> list[Problem]:
    """Every item's ``id`` must be unique within its list."""
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item.id in seen:
            first = doc.pos((*base, seen[item.id], "id")).line
            problems.append(doc.problem((*base, i, "id"), f"duplicate {kind} id '{item.id}'",
                                        f"first defined at line {first}; ids must be unique"))
        else:
            seen[item.id] = i
    return problems


def references(doc: Document, values: Iterable[tuple[PathKey, str]], kind: str,
               known: Sequence[str]) -> list[Problem]:
    """Each (path, id) must name a known id of ``kind``."""
    known_set = set(known)
    return [unknown_id(doc, path, kind, value, known) for path, value in values
            if value not in known_set]


class SourceIndex:
    """Normalised stored texts, for verbatim look-ups."""

    def __init__(self, texts: dict[str, str]) -> None:
        self._norm = {sid: normalise(text) for sid, text in texts.items()}

    def __contains__(self, source_id: str) -> bool:
        return source_id in self._norm

    def find(self, source_id: str, words: str) -> bool:
        """True when ``words`` occur verbatim (after normalisation) in the source, as whole
        words where the script separates words with spaces (see ``whole_words``)."""
        needle = normalise(words)
        if not needle:
            return False
        hay = self._norm[source_id]
        at = hay.find(needle)
        while at >= 0:
            if whole_words(hay, at, at + len(needle)):
                return True
            at = hay.find(needle, at + 1)
        return False

    def closest(self, source_id: str, words: str) -> str:
        """The passage of the source that best matches ``words`` (for hints)."""
        hay, needle = self._norm[source_id], normalise(words)
        if len(hay) * len(needle) > 50_000_000:  # keep hints cheap on huge inputs
            return ""
        matcher = difflib.SequenceMatcher(None, hay, needle, autojunk=False)
        match = matcher.find_longest_match(0, len(hay), 0, len(needle))
        if match.size < 8:
            return ""
        # Line the needle up on its longest common block, then widen to whole words: a letter
        # missing or added elsewhere in the needle must not cut a word of the passage.
        start = max(0, match.a - match.b)
        end = min(len(hay), match.a - match.b + len(needle))
        while 0 < start < len(hay) and _in_word(hay, start - 1) and _in_word(hay, start):
            start -= 1
        while 0 < end < len(hay) and _in_word(hay, end - 1) and _in_word(hay, end):
            end += 1
        return hay[start:end].strip()


# Scripts that do not separate words with spaces (Han, kana, Thai, Lao, Khmer, Myanmar,
# Tibetan) or attach particles to words (Hangul): a match there may start or end anywhere.
_UNSPACED = ((0x0E00, 0x0FFF), (0x1000, 0x109F), (0x1100, 0x11FF), (0x1780, 0x17FF),
             (0x2E80, 0x2FDF), (0x3040, 0x318F), (0x31A0, 0x9FFF), (0xA960, 0xA97F),
             (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFF66, 0xFFDC), (0x20000, 0x3FFFF))


def _spaced_word_char(ch: str) -> bool:
    """A letter, digit or combining mark of a script that separates words with spaces."""
    if ch.isascii():
        return ch.isalnum()
    if unicodedata.category(ch)[0] not in "LMN":
        return False
    code = ord(ch)
    return not any(lo <= code <= hi for lo, hi in _UNSPACED)


def whole_words(hay: str, start: int, end: int) -> bool:
    """``hay[start:end]`` neither starts nor ends inside a word of a space-separated script.

    "kill of Kim" is not in "skill of Kim" nor "Kim" in "Kimchi", and "200" is not in
    "1,200"; in Chinese, Japanese or Korean (particles attach to the word) any span counts.
    """
    if start > 0 and _spaced_word_char(hay[start]):
        before = hay[start - 1]
        if _spaced_word_char(before) or (before in ",." and hay[start].isdigit()
                                         and start > 1 and hay[start - 2].isdigit()):
            return False
    if end < len(hay) and _spaced_word_char(hay[end - 1]):
        after = hay[end]
        if _spaced_word_char(after) or (after in ",." and hay[end - 1].isdigit()
                                        and end + 1 < len(hay) and hay[end + 1].isdigit()):
            return False
    return True


def _in_word(text: str, i: int) -> bool:
    """A letter or digit, or ' - , . between two of them (don't, 10,000, U.S)."""
    ch = text[i]
    return ch.isalnum() or (ch in "'-,." and 0 < i < len(text) - 1
                            and text[i - 1].isalnum() and text[i + 1].isalnum())


def verbatim(doc: Document, index: SourceIndex, path: PathKey, source_id: str, words: str,
             what: str, file_of: dict[str, str]) -> list[Problem]:
    """``words`` must occur in the source's stored text."""
    if source_id not in index or index.find(source_id, words):
        return []
    passage = index.closest(source_id, words)
    hint = f'closest passage in the source: "{passage}"' if passage else (
        "copy the words exactly; only spacing and typographic quotes and dashes may differ")
    return [doc.problem(path, f"{what} not found verbatim in source '{source_id}' "
                              f"({file_of.get(source_id, '?')})", hint)]
