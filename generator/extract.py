"""``briefsite extract``: candidate facts in a stored article, with YAML ready to paste.

Best-effort heuristics, meant to save typing, never to decide anything: every direct
quotation (with its speaker where the sentence names one), every number with the words it
counts, and every date expression. Each candidate keeps its line number and an excerpt
copied from the article, so the pasted citation verifies; speakers, ids, metrics and
summaries are guesses or ``TODO`` for the editor to replace.

Over 300 lines on purpose: the quote, number and date finders share one index of each line's
sentences and quotation spans (which keeps the whole scan linear).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .dates import MONTHS, SEASONS
from .load import load_yaml
from .model import SourcesFile
from .validate import validate

_SAY = re.compile(
    r"\b(?:said|says|say|added|adds|stated|states|told|wrote|writes|declared|insisted|warned|"
    r"claimed|claims|noted|emphasi[sz]ed|reported|reports|continued|asked|pledged|promised|"
    r"vowed|urged|hailed|praised|thanked|denied|condemned|announced|confirmed|countered|estimated|"
    r"assessed|offered|put)\b")
_QUOTED_AS = re.compile(r"\b(?:quoted|cited)\s+(?P<who>[^,.;“”\"]{1,60}?)\s+as\s+(?:saying|stating)\b")
_SAID_WHO = re.compile(r"^[\s,]*(?:said|says|added|stated|declared|wrote)\s+(?P<who>[^,.;“”\"]{1,60}?)"
                       r"(?=[,.;]|\s+(?:in|on|at|as|while|during|adding|promising|before|after)\b|$)")
_BOUNDARY = re.compile(r"[,;:–—“”\"]")
_PRONOUNS = {"it", "he", "she", "they", "we", "i", "you", "this", "that", "who", "which"}
_LEAD = {"and", "but", "while", "which", "who", "as", "then", "also", "so"}
_TRAIL = {"has", "had", "have", "also", "later", "previously", "then", "was", "is", "would",
          "will", "again", "further", "earlier", "once", "officially", "quickly", "not"}
_CLAUSE = {"and", "that", "which", "who", "was", "were", "is", "are", "to", "had", "has", "have",
           "be", "been", "it", "when", "if", "because", "he", "she", "they"}
_TITLES = {"the", "a", "an", "mr", "mrs", "ms", "dr"}
_NEAR = 300  # characters either side of a quote or number searched for its speaker

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?<![\w.,/-])(?:(?P<between>between)\s+(?P<blow>{_NUM})\s+and\s+(?P<bhigh>{_NUM})|"
    r"(?:(?P<qual>about|around|approximately|roughly|some|nearly|almost|up to|at least|more than|"
    rf"over|fewer than|less than|an estimated|an additional|another)\s+)?(?P<low>{_NUM})"
    rf"(?:\s*(?:-|–|—|to)\s*(?P<high>{_NUM}))?)"
    r"(?P<mult>\s+(?:million|billion|thousand))?(?![\w-]|,\d|\.\d)", re.IGNORECASE)
_QUALIFIERS = {"about": "about", "around": "about", "approximately": "about", "roughly": "about",
               "some": "about", "nearly": "about", "almost": "about", "an estimated": "about",
               "up to": "up-to", "fewer than": "fewer-than", "less than": "fewer-than",
               "at least": "at-least", "more than": "more-than", "over": "more-than"}
_MULT = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_STOP = {"was", "were", "is", "are", "had", "has", "have", "been", "be", "to", "in", "into", "on",
         "at", "for", "from", "by", "with", "and", "or", "but", "that", "which", "who", "of",
         "since", "after", "before", "while", "as", "would", "will", "could", "also", "the", "a"}

_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_COUNT_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several)"
_DATES = [re.compile(p, re.IGNORECASE) for p in (
    r"\b(?P<iso>\d{4}-\d{2}-\d{2})\b",
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b",
    rf"\b(?P<day>\d{{1,2}})\s+{_MONTH}\s+(?P<year>\d{{4}})\b",
    rf"\b{_MONTH}\s+(?:of\s+)?(?P<year>\d{{4}})\b",
    rf"\b{_MONTH}\s+(?P<rel>last|this|next)\s+year\b",
    rf"\b(?:in|since|by|until|from|early|late|mid-?)\s+{_MONTH}\b",
    r"\b(?P<season>spring|summer|fall|autumn|winter)\s+(?:of\s+)?(?P<year>\d{4})\b",
    r"\b(?:(?P<rel>last|this|next)|in the)\s+(?P<season>spring|summer|fall|autumn|winter)\b",
    (r"\b(?:(?P<rel>last|this|next)\s+)?(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|"
     r"Saturday|Sunday)(?:\s+(?:morning|afternoon|evening|night))?\b"),
    r"\b(?:(?:earlier|later)\s+)?(?P<rel>last|this|next)\s+(?P<unit>year|month|week)\b",
    r"\bat the weekend\b",
    rf"\b{_COUNT_WORD}\s+(?:days?|weeks?|months?|years?|decades?)\s+(?:ago|earlier|later|after|before)\b",
    r"(?<![\d,.-])(?P<year>(?:18|19|20)\d{2})(?![\d-]|,\d)",
)]


@dataclass(frozen=True)
class Candidate:
    """One candidate fact found in an article.

    Attributes:
        kind: ``quote``, ``number`` or ``date``.
        line: 1-based line number in the article.
        text: The quotation, the number with the words it counts, or the date expression.
        excerpt: Words copied from the article (the quotation itself, or its sentence).
        who: Speaker of a quote or source of a number, where the sentence names one.
        date: A date in briefsite form (``2025-04-28``, ``2024-06``, ``fall 2024``) when known.
        number: For numbers: ``value`` or ``low`` and ``high`` (``None`` when not whole),
            ``qualifier`` and ``unit`` (the words counted).
    """

    kind: str
    line: int
    text: str
    excerpt: str
    who: str | None = None
    date: str | None = None
    number: dict[str, Any] = field(default_factory=dict)


def slugify(text: str, fallback: str = "item") -> str:
    """ASCII slug of ``text`` without articles and titles: ``Mr Kim`` → ``kim``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_text) if w and w not in _TITLES]
    return "-".join(words)[:48].strip("-") or fallback


def _spans(line: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of double quotation marks; straight and curly marks mix."""
    spans, start = [], None
    for i, ch in enumerate(line):
        if ch == "“" or (ch == '"' and start is None):
            start = i
        elif ch in "”\"" and start is not None:
            spans.append((start, i))
            start = None
    return spans


def _sentences(line: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans of a line; a full stop inside a quotation does not end its sentence."""
    bounds, start = [], 0
    opens = [a for a, _ in quotes]  # spans are in order and do not overlap: bisect, not scan
    for m in re.finditer(r"[.!?]+[”\"’)]*(?=\s+[“\"‘A-Z0-9])", line):
        k = bisect.bisect_left(opens, m.start()) - 1
        if k < 0 or not m.start() < quotes[k][1]:
            bounds.append((start, m.end()))
            start = m.end()
    bounds.append((start, len(line)))
    return [(a + len(line[a:b]) - len(line[a:b].lstrip()), b) for a, b in bounds]


def _sentence_at(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The sentence holding ``pos`` (sentences are in order; bisect, not scan)."""
    k = bisect.bisect_right(sentences, (pos, len(sentences) and sentences[-1][1] + 1)) - 1
    for a, b in sentences[max(k, 0):k + 2]:
        if a <= pos < b:
            return a, b
    return sentences[-1]


def _clean_who(who: str) -> str | None:
    words = who.split()
    while words and words[0].lower() in _LEAD:
        words.pop(0)
    while words and words[-1].lower() in _TRAIL:
        words.pop()
    if not words or len(words) > 7 or any(w.lower() in _CLAUSE for w in words[1:]):
        return None
    if " ".join(words).lower() in _PRONOUNS or words[0].lower() in _PRONOUNS:
        return None
    return " ".join(words)


def _who_before_verbs(text: str, *, last: bool) -> str | None:
    """The phrase right before a saying verb, back to the clause boundary."""
    verbs = list(_SAY.finditer(text))
    for verb in reversed(verbs) if last else verbs:
        head = text[:verb.start()]
        cut = max((m.end() for m in _BOUNDARY.finditer(head)), default=0)
        who = _clean_who(head[cut:])
        if who:
            return who
    return None


def attribution(before: str, after: str, *, before_first: bool = False) -> str | None:
    """Who says it: ``said Kim``, ``Kim said``, ``KCNA quoted Kim as saying``, ``…, Putin said``.

    Args:
        before: The sentence up to the quotation or number.
        after: The sentence after it.
        before_first: Look for ``X said that …`` before ``…, X said`` (numbers).
    """
    quoted = _QUOTED_AS.search(before + " " + after)
    if quoted and _clean_who(quoted["who"]):
        return _clean_who(quoted["who"])
    said = _SAID_WHO.match(after)
    if said and _clean_who(said["who"]):
        return _clean_who(said["who"])
    if before_first:
        return _who_before_verbs(before, last=True) or _who_before_verbs(after, last=False)
    return _who_before_verbs(after, last=False) or _who_before_verbs(before, last=True)


def _excerpt(line: str, sentence: tuple[int, int], start: int, end: int, limit: int = 240) -> str:
    """The sentence around a match, or a window of about 100 characters either side of it."""
    a, b = sentence
    if b - a > limit:
        lo, hi = max(a, start - 100), min(b, end + 100)
        a = lo if lo == a else min(line.find(" ", lo) + 1 or lo, start)
        b = hi if hi == b else max(line.rfind(" ", end, hi), end)
    return line[a:b].strip()


def _quotes(no: int, line: str, spans: list[tuple[int, int]],
            sentences: list[tuple[int, int]]) -> list[Candidate]:
    found = []
    for k, (start, end) in enumerate(spans):
        text = line[start + 1:end].strip().rstrip(",;: ").strip()
        if text.endswith(".") and not text[:1].isupper():  # a fragment: “heroism.”
            text = text.rstrip(".").rstrip()
        if not text:
            continue
        sa, _ = _sentence_at(sentences, start)
        _, sb = _sentence_at(sentences, end)
        next_open = spans[k + 1][0] if k + 1 < len(spans) else sb
        who = attribution(line[max(sa, start - _NEAR):start],
                          line[end + 1:min(sb, next_open, end + 1 + _NEAR)])
        found.append(Candidate("quote", no, text, text, who))
    return found


def _count(number: str, mult: str | None) -> int | None:
    value = Decimal(number.replace(",", "")) * _MULT.get((mult or "").strip().lower(), 1)
    return int(value) if value == value.to_integral_value() else None


def _numbers(no: int, line: str, taken: list[tuple[int, int]],
             sentences: list[tuple[int, int]]) -> list[Candidate]:
    found = []
    for m in _NUMBER.finditer(line):
        if _overlaps(taken, m.start("low" if m["low"] else "blow"), None):
            continue
        tail = re.match(r"(?: [^\s,.;:!?()“”\"]+){0,4}", line[m.end():])[0].split()  # type: ignore[index]
        words = list(itertools.takewhile(lambda w: w.lower() not in _STOP, tail))
        phrase = (m[0] + (" " + " ".join(words) if words else "")).strip()
        low, high = (m["blow"], m["bhigh"]) if m["between"] else (m["low"], m["high"])
        qualifier = _QUALIFIERS.get((m["qual"] or "").lower(), "exact")
        if high and qualifier == "exact":  # "10,000 to 12,000"; "more than 10,000 to 12,000" keeps its words
            qualifier = "between"
        values = {"low": _count(low, m["mult"]), "high": _count(high, m["mult"])} if high else \
            {"value": _count(low, m["mult"])}
        sa, sb = _sentence_at(sentences, m.start())
        who = attribution(line[max(sa, m.start() - _NEAR):m.start()],
                          line[m.end():min(sb, m.end() + _NEAR)], before_first=True)
        found.append(Candidate("number", no, phrase, _excerpt(line, (sa, sb), m.start(), m.end()),
                               who, number={"unit": " ".join(words), "qualifier": qualifier, **values}))
    return found


def resolve(m: re.Match[str], ref: dt.date | None) -> str | None:
    """The date a match names, in briefsite form; relative dates need the article's date."""
    g = {k: v for k, v in m.groupdict().items() if v}
    month = next((i + 1 for i, name in enumerate(MONTHS) if g.get("month", "-").lower().startswith(
        name[:3].lower())), None)
    if "iso" in g:
        return g["iso"]
    if "year" in g:
        if "day" in g and month:
            return f"{g['year']}-{month:02d}-{int(g['day']):02d}"
        return f"{g['year']}-{month:02d}" if month else (
            f"{g['season'].lower()} {g['year']}" if "season" in g else g["year"])
    if ref is None:
        return None
    rel = {"last": -1, "this": 0, "next": 1}.get(g.get("rel", "").lower())
    if "weekday" in g and rel is None:
        back = (ref.weekday() - _DAYS.index(g["weekday"].lower())) % 7
        return (ref - dt.timedelta(days=back)).isoformat()
    if month and rel is not None:
        return f"{ref.year + rel}-{month:02d}"
    if month:
        return f"{ref.year if month <= ref.month else ref.year - 1}-{month:02d}"
    if "season" in g and rel == -1:
        start = SEASONS[g["season"].lower()]  # winter starts in December (dates.py)
        year = ref.year if start + 3 <= ref.month else ref.year - 1
        return f"{g['season'].lower()} {year - 1 if start == 12 and ref.month < 3 else year}"
    if g.get("unit", "").lower() == "year" and rel is not None:
        return str(ref.year + rel)
    if g.get("unit", "").lower() == "month" and rel is not None:
        first = (ref.replace(day=1) - dt.timedelta(days=1)) if rel == -1 else ref
        return first.strftime("%Y-%m") if rel <= 0 else None
    return None


def _dates(no: int, line: str, sentences: list[tuple[int, int]],
           ref: dt.date | None) -> tuple[list[Candidate], list[tuple[int, int]]]:
    matches = sorted((m for p in _DATES for m in p.finditer(line)),  # longest first
                     key=lambda m: (-len(m[0]), m.start()))
    found: list[tuple[int, Candidate]] = []
    taken: list[tuple[int, int]] = []
    for m in matches:
        names = [m.groupdict().get(k) for k in ("month", "weekday")]
        if _overlaps(taken, m.start(), m.end()) or \
                any(n and not n[0].isupper() for n in names):  # "may", "march" are not dates
            continue
        bisect.insort(taken, m.span())
        excerpt = _excerpt(line, _sentence_at(sentences, m.start()), m.start(), m.end())
        found.append((m.start(), Candidate("date", no, m[0], excerpt, date=resolve(m, ref))))
    return [c for _, c in sorted(found, key=lambda f: f[0])], taken


def _overlaps(taken: list[tuple[int, int]], start: int, end: int | None) -> bool:
    """Whether ``[start, end)`` (or the position ``start`` when ``end`` is None) meets a span of
    ``taken``: sorted, non-overlapping spans, so only the last one starting before it can."""
    k = bisect.bisect_left(taken, ((start + 1) if end is None else end, -1)) - 1
    return k >= 0 and start < taken[k][1]


def source_for(article: Path) -> tuple[str | None, dt.date | None]:
    """The source id and day-precision publication date that sources.yaml gives ``article``.

    Only when the article is stored in a briefing's ``sources/`` folder and listed there;
    otherwise ``(None, None)``.
    """
    folder = article.resolve().parent.parent
    doc, _ = load_yaml(folder / "sources.yaml", "sources.yaml") if \
        (folder / "sources.yaml").is_file() else (None, [])
    listed, _ = validate(doc, SourcesFile) if doc is not None else (None, [])
    for src in listed.sources if listed is not None else []:
        if (folder / src.file).resolve() == article.resolve():
            day = src.published if src.published and src.published.day else None
            return src.id, dt.date(day.year, day.month or 1, day.day or 1) if day else None
    return None, None


def extract(text: str, ref: dt.date | None = None) -> list[Candidate]:
    """Every candidate in ``text``, in reading order (quotes, dates, numbers per line).

    Args:
        text: The stored article.
        ref: The article's date, to turn ``Monday`` or ``June last year`` into dates.
    """
    found: list[Candidate] = []
    for no, line in enumerate(text.split("\n"), start=1):
        quotes = _spans(line)
        sentences = _sentences(line, quotes)
        dates, taken = _dates(no, line, sentences, ref)
        found += _quotes(no, line, quotes, sentences) + dates + _numbers(no, line, taken, sentences)
    return found
