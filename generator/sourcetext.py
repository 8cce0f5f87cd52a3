"""Stored source texts: normalisation and verbatim look-ups, with hints for near misses.

``verify.verbatim`` asks a ``SourceIndex`` whether a quote or excerpt occurs in its source.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

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


class SourceIndex:
    """Normalised stored texts, for verbatim look-ups."""

    ALIGNMENTS = 256  # places in a long text a hint considers, at most
    SCORED = 64  # words of the needle compared at each place

    def __init__(self, texts: dict[str, str]) -> None:
        self._norm = {sid: normalise(text) for sid, text in texts.items()}
        self._words: dict[str, _WordIndex] = {}  # built on a source's first hint
        self.work = 0  # characters and positions examined by hints (tests: linear growth)

    def __contains__(self, source_id: str) -> bool:
        return source_id in self._norm

    def text(self, source_id: str) -> str:
        """The source's normalised text (what an excerpt is matched against)."""
        return self._norm[source_id]

    @property
    def ids(self) -> list[str]:
        """Ids of the stored sources, in order."""
        return list(self._norm)

    def find(self, source_id: str, words: str) -> bool:
        """True when ``words`` occur verbatim (after normalisation) in the source, as whole
        words where the script separates words with spaces (see ``whole_words``)."""
        return bool(self.spans(source_id, words, limit=1))

    def spans(self, source_id: str, words: str, limit: int = 8) -> list[tuple[int, int]]:
        """Where ``words`` occur verbatim in the source's normalised text (``text``): start
        and end offsets of at most ``limit`` whole-word matches, in order."""
        needle = normalise(words)
        if not needle:
            return []
        hay = self._norm[source_id]
        found: list[tuple[int, int]] = []
        at = hay.find(needle)
        while at >= 0 and len(found) < limit:
            if whole_words(hay, at, at + len(needle)):
                found.append((at, at + len(needle)))
            at = hay.find(needle, at + 1)
        return found

    def closest(self, source_id: str, words: str) -> str:
        """The passage of the source that best matches ``words`` (for hints).

        The longest block the needle shares with the text is looked for in a window around
        where the needle's rarest words occur (see ``_window``), not in the whole text: the
        cost of a hint is bounded by the needle's length, whatever the text's size.
        """
        hay, needle = self._norm[source_id], normalise(words)
        lo, hi = self._window(source_id, needle)
        if hi - lo < 8 or (hi - lo) * len(needle) > 50_000_000:  # keep hints cheap
            return ""
        self.work += hi - lo
        matcher = difflib.SequenceMatcher(None, hay[lo:hi], needle, autojunk=False)
        match = matcher.find_longest_match(0, hi - lo, 0, len(needle))
        if match.size < 8:
            return ""
        # Line the needle up on its longest common block, then widen to whole words: a letter
        # missing or added elsewhere in the needle must not cut a word of the passage.
        at = lo + match.a - match.b
        start, end = max(0, at), min(len(hay), at + len(needle))
        while 0 < start < len(hay) and _in_word(hay, start - 1) and _in_word(hay, start):
            start -= 1
        while 0 < end < len(hay) and _in_word(hay, end - 1) and _in_word(hay, end):
            end += 1
        return hay[start:end].strip()

    def _window(self, source_id: str, needle: str) -> tuple[int, int]:
        """Where in the text to look for ``needle``: all of a short text; in a long one, the
        needle's length and a margin around the place most of its words line up on.

        Each word of the text is indexed once per source (on the first hint). The positions of
        the needle's rarest words (at most ``ALIGNMENTS`` of them) each propose where the needle
        would start; each proposal is scored by how many of the needle's first ``SCORED`` words
        the text has at their places there, and the best (earliest on a tie) wins.
        """
        hay = self._norm[source_id]
        margin = len(needle) // 2 + 64
        if len(hay) <= len(needle) + 4 * margin:
            return 0, len(hay)
        index = self._words.get(source_id)
        if index is None:
            index = self._words[source_id] = _WordIndex(hay)
        mine = _needle_words(needle)
        proposed: set[int] = set()
        for count, j, word in sorted((len(index.postings.get(w, ())), j, w) for j, w in mine):
            if count:
                proposed.update(i - j for i in index.postings[word][:self.ALIGNMENTS - len(proposed)])
            if len(proposed) >= self.ALIGNMENTS:
                break
        if not proposed:
            return 0, 0
        scored = mine[:self.SCORED]
        self.work += len(proposed) * len(scored)
        words = index.words
        best = max(sorted(proposed), key=lambda a: sum(
            1 for j, w in scored if 0 <= a + j < len(words) and words[a + j] == w))
        at = index.starts[min(max(best, 0), len(index.starts) - 1)]
        return max(0, at - margin), min(len(hay), at + len(needle) + margin)


_WORD = re.compile(r"\w+")


def _needle_words(needle: str) -> list[tuple[int, str]]:
    return [(j, m.group().casefold()) for j, m in enumerate(_WORD.finditer(needle))]


class _WordIndex:
    """The words of a normalised text: each one's character offset and case-folded form, and
    the word indices of each case-folded word."""

    def __init__(self, hay: str) -> None:
        self.starts: list[int] = []
        self.words: list[str] = []
        self.postings: dict[str, list[int]] = {}
        for i, m in enumerate(_WORD.finditer(hay)):
            word = m.group().casefold()
            self.starts.append(m.start())
            self.words.append(word)
            self.postings.setdefault(word, []).append(i)


def _in_word(text: str, i: int) -> bool:
    """A letter or digit, or ' - , . between two of them (don't, 10,000, U.S)."""
    ch = text[i]
    return ch.isalnum() or (ch in "'-,." and 0 < i < len(text) - 1
                            and text[i - 1].isalnum() and text[i + 1].isalnum())


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
