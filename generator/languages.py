"""The site languages the theme has translations for, and the check of ``language``.

Material for MkDocs includes ``partials/languages/<language>.html`` for the site's language and
fails the build without file or line when there is none; ``check`` refuses it first. The list
is Material's ``partials/languages/`` folder (``tests/test_fidelity.py`` keeps it equal to the
installed theme's); the core reads no theme files, so ``check`` gives the same answer with or
without the theme installed.
"""

from __future__ import annotations

import difflib

from .errors import Refusal

LANGUAGES = (
    "af", "ar", "az", "be", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "eo", "es",
    "et", "eu", "fa", "fi", "fr", "gl", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja",
    "ka", "kn", "ko", "ku-IQ", "lb", "lt", "lv", "mk", "mn", "ms", "my", "nb", "nl", "nn", "pl",
    "pt", "pt-BR", "ro", "ru", "sa", "sh", "si", "sk", "sl", "sq", "sr", "sv", "ta", "te", "th",
    "tl", "tr", "uk", "ur", "uz", "vi", "zh", "zh-Hant", "zh-TW",
)
_FOLDED = {code.casefold(): code for code in LANGUAGES}
# Country codes and retired language codes written for a language (jp for ja, no for nb).
_MISTAKEN = {"jp": "ja", "kr": "ko", "cn": "zh", "tw": "zh-TW", "gr": "el", "dk": "da", "se": "sv",
             "cz": "cs", "ua": "uk", "no": "nb", "iw": "he", "in": "id", "br": "pt-BR", "ee": "et",
             "rs": "sr", "vn": "vi", "ir": "fa", "il": "he"}


def check_language(value: str) -> str:
    """Return ``value`` if the theme supports it; else raise ``Refusal`` with the closest codes."""
    if value in LANGUAGES:
        return value
    close = closest(value)
    hint = (f"did you mean {' or '.join(repr(c) for c in close)}? " if close else "") + \
        f"supported: {', '.join(LANGUAGES)}"
    raise Refusal(f"{value!r} is not a language the theme (Material for MkDocs) has "
                  "translations for", hint)


def closest(value: str) -> list[str]:
    """Likely meant codes: the same code in other letter case, the language without its
    region (``en-US`` → ``en``), else the nearest spellings."""
    folded = value.strip().replace("_", "-").casefold()
    if folded in _FOLDED:
        return [_FOLDED[folded]]
    base = folded.split("-")[0]
    regional = [c for c in LANGUAGES if c.casefold().startswith(base + "-")]
    if base in _FOLDED or regional:
        return ([_FOLDED[base]] if base in _FOLDED else []) + regional
    if base in _MISTAKEN:
        return [_MISTAKEN[base]]
    return [_FOLDED[c] for c in difflib.get_close_matches(folded, list(_FOLDED), n=3, cutoff=0.6)]
