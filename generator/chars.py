"""Characters that must not reach a reader or a terminal as they are: one definition for all.

The content model refuses them (``model.py``), the escaping filters strip them as a second line
of defence (``escape.py``) and problem messages show them escaped (``errors.py``):

* controls (Unicode category Cc, C0 and C1) cannot be shown, and ESC or BEL drive terminals;
* bidirectional marks, embeddings, overrides and isolates make text display in another order
  than it is stored ("Trojan Source");
* other format characters (category Cf) are invisible: zero-width spaces, word joiners, BOMs,
  soft hyphens, tag characters (which can spell hidden ASCII). Text keeps the zero-width
  (non-)joiners that emoji and several scripts need, and tag characters only as a subdivision
  flag (black flag, 2 to 7 tag letters or digits, cancel tag: England's flag);
* noncharacters (U+FDD0–U+FDEF and the last two code points of every plane) are not meant for
  interchange; lone surrogates cannot even be written as UTF-8.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NONCHARACTER_BMP = "\ufdd0-\ufdef\ufffe\uffff"
_NONCHARACTER_ASTRAL = "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
                               for plane in range(1, 17))
_SURROGATE = "\ud800-\udfff"
# Every format (Cf) character up to Unicode 15 lies in these ranges (tests/test_model_text.py checks
# them against the running Python's unicodedata), so one regex search finds the candidates and
# only those are looked up: checking text stays fast however long and non-ASCII it is.
_FORMAT_BMP = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
               "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb")
_FORMAT_ASTRAL = ("\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
                  "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")

BIDI = re.compile(f"[{_BIDI}]")
# Controls except tab and line breaks, which text may hold (display turns them into spaces).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
NONCHARACTER = re.compile(f"[{_NONCHARACTER_BMP}{_NONCHARACTER_ASTRAL}]")
SURROGATE = re.compile(f"[{_SURROGATE}]")
FORMAT_CANDIDATES = re.compile(f"[{_FORMAT_BMP}{_FORMAT_ASTRAL}]")
JOINERS = "\u200c\u200d"
FLAG = re.compile("\U0001F3F4[\U000E0030-\U000E0039\U000E0061-\U000E007A]{2,7}\U000E007F")
# One search tells most text it holds none of the above. Python's re tests a class of BMP
# characters several times faster than one with astral characters in it, so those are looked
# for only in text that has an astral character at all.
_SUSPECT_BMP = re.compile(f"[{_BIDI}{_NONCHARACTER_BMP}{_SURROGATE}{_FORMAT_BMP}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SUSPECT_ASTRAL = re.compile(f"[{_NONCHARACTER_ASTRAL}{_FORMAT_ASTRAL}]")


def _suspect(value: str) -> bool:
    """False when ``value`` surely holds no bidi, format, noncharacter or surrogate."""
    return not value.isascii() and bool(
        _SUSPECT_BMP.search(value) or (_ASTRAL.search(value) and _SUSPECT_ASTRAL.search(value)))


# What a terminal must never receive raw: every control (tab and newline too: they could
# forge a line of output), line/paragraph separators and everything hidden() finds.
_TERMINAL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def hidden(value: str, *, strict: bool = False) -> int | None:
    """Index of the first character the content must not hold, or None.

    ``strict``: no format character at all (URLs), not even joiners or flags.
    """
    if not _suspect(value):
        control = CONTROL.search(value)
        return control.start() if control else None
    found = [m.start() for m in (BIDI.search(value), CONTROL.search(value),
                                 NONCHARACTER.search(value), SURROGATE.search(value)) if m]
    at = _format_character(value, strict=strict)
    if at is not None:
        found.append(at)
    return min(found) if found else None


def _format_character(value: str, *, strict: bool) -> int | None:
    """Index of the first refused format (Cf) character, or None."""
    return next(_format_characters(value, strict=strict), None)


def _format_characters(value: str, *, strict: bool) -> Iterator[int]:
    """Indexes of the refused format (Cf) characters: all of them when ``strict``, else all
    but zero-width (non-)joiners and the tag characters of a subdivision flag."""
    allowed: set[int] | None = None
    for found in FORMAT_CANDIDATES.finditer(value):
        i, ch = found.start(), found.group()
        if unicodedata.category(ch) != "Cf":
            continue
        if strict:
            yield i
            continue
        if allowed is None:
            allowed = {j for m in FLAG.finditer(value) for j in range(m.start(), m.end())}
        if ch not in JOINERS and i not in allowed:
            yield i


def strip_hidden(value: str) -> str:
    """``value`` without the characters ``hidden`` refuses, controls apart (callers decide
    what a control becomes: escape.py turns them into spaces)."""
    if not _suspect(value):
        return value
    for pattern in (BIDI, NONCHARACTER, SURROGATE):
        value = pattern.sub("", value)
    drop = set(_format_characters(value, strict=False))
    return "".join(ch for i, ch in enumerate(value) if i not in drop) if drop else value


def describe(char: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``; ``U+FFFE`` for a code point without a name."""
    name = unicodedata.name(char, "control character" if CONTROL.match(char) else "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X}"


def why(char: str) -> str:
    """Why the content may not hold ``char`` (see ``hidden``)."""
    if BIDI.match(char):
        return "a bidirectional control that makes text display in a different order than it is stored"
    if 0xE0000 <= ord(char) <= 0xE007F:
        return "an invisible tag character that can carry hidden text"
    if NONCHARACTER.match(char):
        return "a noncharacter, which is not meant to appear in text"
    if SURROGATE.match(char):
        return "half of a UTF-16 surrogate pair, which cannot be written as UTF-8"
    return "an invisible character that cannot be shown"


def for_terminal(text: str) -> str:
    """``text`` with every control, bidi, invisible or noncharacter code point written as a
    Python escape (``\\x1b``, ``\\u202e``), so printing it cannot drive or reorder a terminal.
    Backslashes stay as they are: the result is for reading, not for parsing back."""
    spots = {m.start() for m in _TERMINAL.finditer(text)}
    if _suspect(text):
        spots.update(m.start() for p in (BIDI, NONCHARACTER, SURROGATE) for m in p.finditer(text))
        spots.update(_format_characters(text, strict=False))
    if not spots:
        return text
    return "".join(_escaped(ch) if i in spots else ch for i, ch in enumerate(text))


def _escaped(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def for_terminal_lines(text: str) -> str:
    """``for_terminal`` of each line, keeping line breaks and tabs (for multi-line listings)."""
    return "\n".join("\t".join(for_terminal(part) for part in line.split("\t"))
                     for line in text.split("\n"))
