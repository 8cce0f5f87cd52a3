"""The site languages the theme has translations for, and the check of ``language``.

Material for MkDocs includes ``partials/languages/<language>.html`` for the site's language and
fails the build without file or line when there is none; ``check`` refuses it first. The list
is Material's ``partials/languages/`` folder (``tests/test_fidelity.py`` keeps it equal to the
installed theme's); the core reads no theme files, so ``check`` gives the same answer with or
without the theme installed.
"""

from __future__ import annotations

import difflib
import re

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


# --- the language of a quote, a name or a source text (any language, not only the theme's) ---

# ISO 639-1: the two-letter language codes (BCP 47 takes a language's two-letter code when it
# has one). Three-letter codes (ISO 639-2/3, e.g. yue) are accepted by their shape.
ISO_639_1 = frozenset(("aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az",
    "ba", "be", "bg", "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs",
    "cu", "cv", "cy", "da", "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa",
    "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi",
    "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it",
    "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku",
    "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi",
    "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no",
    "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm",
    "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "sh", "si", "sk", "sl", "sm", "sn",
    "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl",
    "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu"))
# language[-Script][-REGION]: the shape of nearly every tag a newsroom writes (ko, pt-BR, zh-Hant)
TAG_PATTERN = r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
_TAG = re.compile(TAG_PATTERN)
_RETIRED = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
_NAMES = {"english": "en", "korean": "ko", "japanese": "ja", "chinese": "zh", "russian": "ru",
          "ukrainian": "uk", "french": "fr", "german": "de", "spanish": "es", "arabic": "ar",
          "portuguese": "pt", "italian": "it", "polish": "pl", "turkish": "tr", "persian": "fa"}


def check_tag(value: str) -> str:
    """Return ``value`` if it is a BCP 47 language tag (``ko``, ``pt-BR``, ``zh-Hant``) whose
    language is a known two-letter code or a three-letter one; else raise ``Refusal`` with a
    did-you-mean hint (the site's ``language`` is checked by ``check_language`` instead: the
    theme must also translate it)."""
    m = _TAG.fullmatch(value)
    if m and value[:2] not in _RETIRED and (len(m.group().split("-")[0]) == 3
                                            or value[:2] in ISO_639_1):
        return value
    close = closest_tags(value)
    hint = (f"did you mean {' or '.join(repr(c) for c in close)}? " if close else "") + \
        "write a language code (ISO 639-1), optionally with a script and a region: ko, en, pt-BR, zh-Hant"
    raise Refusal(f"{value!r} is not a language tag (BCP 47, in its usual letter case)", hint)


def closest_tags(value: str) -> list[str]:
    """Tags likely meant: a language's English name (``korean`` → ``ko``), a country code
    written for a language (``jp`` → ``ja``; ``KR`` → ``ko``, or ``kr``, Kanuri), a retired
    code's successor (``iw`` → ``he``), the same tag in the usual letter case (``pt_br`` →
    ``pt-BR``)."""
    parts = value.strip().replace("_", "-").split("-")
    folded = parts[0].casefold()
    if folded in _NAMES:
        return [_NAMES[folded]]
    bases = [b for b in (_MISTAKEN.get(folded), _RETIRED.get(folded)) if b]
    if folded in ISO_639_1 and folded not in _RETIRED:
        bases.append(folded)
    rest = [p.title() if len(p) == 4 else p.upper() for p in parts[1:]]
    bases = list(dict.fromkeys(bases))
    tags = ["-".join([base, *rest]) for base in bases]
    return [t for t in tags if _TAG.fullmatch(t) and t != value] or \
        [b for b in bases if b != value]


# Scripts only one language writes: a text in them tagged with another language is a mistake
# (``kr``, Kanuri, written for Korean).
_SCRIPTS = (("Hangul", "ko", re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")),
            ("kana", "ja", re.compile("[\u3040-\u30ff]")))


def check_script(text: str, tag: str, what: str = "text") -> None:
    """Raise ``Refusal`` when ``text`` is written in a script of one language other than
    ``tag``'s (Hangul tagged other than ko, kana other than ja); ``what`` names the text."""
    for script, lang, letters in _SCRIPTS:
        if tag.split("-")[0] != lang and letters.search(text):
            raise Refusal(f"lang {tag!r} does not match the {what}, which is written in "
                          f"{script} (the script of {lang!r})", f"write lang: {lang}")
