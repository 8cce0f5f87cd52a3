"""Text refusal of invisible characters: the fast candidate search misses no format character."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from generator import chars, model


def test_every_format_character_is_a_candidate() -> None:
    # If a newer Unicode adds format (Cf) characters outside the ranges, this fails on that Python.
    missing = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" and not chars.FORMAT_CANDIDATES.match(chr(c))]
    assert missing == []


@pytest.mark.parametrize("char", ["\u200b", "\u00ad", "\ufeff", "\u2060", "\U000e0041", "\U0001d173"])
def test_format_characters_are_refused_anywhere_in_long_text(char: str) -> None:
    text = "한국어 문장입니다. " * 500
    at = len(text) // 2
    with pytest.raises(ValueError, match=f"U\\+{ord(char):04X} .*character {at + 1}"):
        model._text(text[:at] + char + text[at:])


@pytest.mark.parametrize("text", [
    "👩\u200d👩\u200d👧 family",          # zero-width joiner in an emoji sequence
    "می\u200cخواهم",                     # zero-width non-joiner in Persian
    "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F England",  # flag
    "Ã§ plain Latin-1 \u00e9",
])
def test_text_keeps_joiners_and_flags(text: str) -> None:
    assert model._text(text) == text


def test_urls_refuse_even_joiners() -> None:
    with pytest.raises(ValueError, match="U\\+200D"):
        model._refuse_hidden("https://example.org/a\u200db", invisible=True)
