"""What a claim states, and what a passage states: numbers, dates and actors.

A claim (a takeaway, an event's or a reaction's summary, an estimate's numbers, the briefing's
summary) names numbers, dates and actors. ``extract`` finds them in any text; ``Facts`` holds
what one passage states, with its relative dates ("Monday", "earlier this month") resolved
against its source's publication date. ``unsupported`` lists the claim's items that no cited
passage states. The rules are documented in docs/content-format.md ("Support").

Over 300 lines on purpose: the number, date and actor readers share one tokenisation of the
text, and each rule of the "Support" section is one short function here, side by side.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .dates import MONTHS, FuzzyDate, Precision

WORD_NUMBERS = {w: i for i, w in enumerate(
    ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"],
    start=2)}
WORD_NUMBERS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                     "eighty": 80, "ninety": 90})
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SEASON_MONTHS = {"spring": (3, 4, 5), "summer": (6, 7, 8), "fall": (9, 10, 11),
                 "autumn": (9, 10, 11), "winter": (12, 1, 2)}  # winter YYYY: Dec YYYY-Feb YYYY+1
_MONTH_NO = {m.casefold(): i for i, m in enumerate(MONTHS, start=1)}
_MONTH_NO.update({m[:3].casefold(): i for i, m in enumerate(MONTHS, start=1)})
_MONTH_NO["sept"] = 9
_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
       r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_SEASON = r"(?:spring|summer|fall|autumn|winter)"
_YEAR = r"(?:1[0-9]{3}|2[01][0-9]{2})"
_DAYNUM = r"(?:[12][0-9]|3[01]|0?[1-9])"
_SEP = r"[,\u00a0\u202f ]"
_NUMBER = re.compile(rf"(?<![\w.,])([0-9]{{1,3}}(?:{_SEP}[0-9]{{3}})+|[0-9]+(?:\.[0-9]+)?)(?![\w]|[.,][0-9])")
_WORD_NUMBER = re.compile(r"\b(?=[tfsenTFSEN])(" + "|".join(WORD_NUMBERS) + r")\b", re.IGNORECASE)
# One pattern for every written date, tried left to right; the first that matches a place wins.
_DATE = re.compile(  # the lookahead skips, at C speed, places no alternative can start at
    r"\b(?=[0-9A-Zlntyfsaw])(?:"
    rf"(?P<iso>(?P<iy>{_YEAR})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12][0-9]|3[01]))\b"
    rf"|\b(?P<dmy>(?P<d1>{_DAYNUM})(?:st|nd|rd|th)? (?P<m1>{_MON})(?:,? (?P<y1>{_YEAR}))?)\b"
    rf"|\b(?P<mdy>(?P<m2>{_MON}) (?P<d2>{_DAYNUM})(?:st|nd|rd|th)?(?:, (?P<y2>{_YEAR}))?)(?![\w,.]?[0-9])"
    rf"|\b(?P<my>(?P<m3>{_MON})(?: of)? (?P<y3>{_YEAR}))\b"
    rf"|\b(?P<mly>(?P<m4>{_MON}) last year)\b"
    rf"|\b(?P<sy>(?P<s1>{_SEASON})(?: of)? (?P<y4>{_YEAR}))\b"
    rf"|\b(?P<ls>(?:last|the) (?P<s2>{_SEASON}))\b"
    rf"|\b(?P<rel>(?P<rw>this|last|next) (?P<ru>year|month))\b"
    rf"|\b(?P<wd>{'|'.join(WEEKDAYS)})\b"
    rf"|\b(?P<td>today|yesterday)\b"
    rf"|\b(?P<mo>(?:January|February|March|April|June|July|August|September|October|November|December))\b)")
_TOKEN = re.compile(r"\w+")

Number = int | str  # an integer, or a decimal as written ("1.5")
PartialDate = tuple[int | None, int | None, int | None]  # year, month, day; None: not stated


@dataclass(frozen=True)
class Item:
    """One checkable thing a claim states.

    Attributes:
        kind: ``number``, ``date`` or ``actor``.
        shown: As written in the claim.
        key: A number (``Number``); a date (``PartialDate``, ``("season", name, year)`` or
            ``("weekday", 0-6)``); for an actor, the ids of the actors with that name.
        year: For a number written as four bare digits (2024): also stated by any date in that year.
    """

    kind: str
    shown: str
    key: object
    year: bool = False


@dataclass
class Facts:
    """What one passage states."""

    numbers: set[Number] = field(default_factory=set)
    dates: set[PartialDate] = field(default_factory=set)
    seasons: set[tuple[str, int | None]] = field(default_factory=set)
    weekdays: set[int] = field(default_factory=set)
    actors: set[str] = field(default_factory=set)

    def update(self, other: Facts) -> None:
        """Add what ``other`` states."""
        self.numbers |= other.numbers
        self.dates |= other.dates
        self.seasons |= other.seasons
        self.weekdays |= other.weekdays
        self.actors |= other.actors

    def states(self, item: Item) -> bool:
        """True when this passage states ``item``."""
        if item.kind == "number":
            return item.key in self.numbers or (item.year and any(d[0] == item.key for d in self.dates))
        if item.kind == "actor":
            return not self.actors.isdisjoint(item.key)  # type: ignore[arg-type]
        key = item.key
        assert isinstance(key, tuple)
        if key[0] == "weekday":
            return key[1] in self.weekdays
        if key[0] == "season":
            _, name, year = key
            months = SEASON_MONTHS[name] if name != "winter" else ()
            same = {"fall": "autumn", "autumn": "fall"}.get(name, name)  # two names, one season
            return (name, year) in self.seasons or (same, year) in self.seasons or \
                any(d[0] == year and d[1] in months for d in self.dates)
        return any(_covers(d, key) for d in self.dates)


def _covers(passage: PartialDate, claim: tuple) -> bool:
    """The passage states every part of the date the claim states."""
    return all(c is None or p == c for p, c in zip(passage, claim))


class Names:
    """Actors' names and aliases, for finding them in text as whole words.

    A name's words are compared case-insensitively, except words written in capitals (``US``,
    ``NIS``), which match only in capitals (so ``US`` is not found in "told us").
    """

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        self._first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for actor_id, name in names:
            words = tuple(_fold(w) for w in _TOKEN.findall(name))
            if words:
                self._first.setdefault(words[0], []).append((words, actor_id))
        for entries in self._first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._caps = {w for w in self._first if w != w.casefold()}
        self._folded = set(self._first) - self._caps

    def find(self, text: str, every: bool = False) -> list[tuple[str, set[str], int, int]]:
        """Each name in ``text``: as written, the ids it names, start and end offsets.

        By default the longest name at a place wins and the search goes on after it (a claim's
        "Kim Jong Un" names one actor); ``every``: also the names inside it (a passage's
        "President Volodymyr Zelenskyy" states both an actor named so and one named Zelenskyy).
        """
        if self._folded.isdisjoint(_TOKEN.findall(text.casefold())) and (
                not self._caps or self._caps.isdisjoint(_TOKEN.findall(text))):
            return []  # the common case, at C speed: no word of the text starts a name
        tokens = [(_fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        found, i = [], 0
        while i < len(tokens):
            best: tuple[int, set[str]] | None = None
            for words, actor_id in self._first.get(tokens[i][0], ()):
                n = len(words)
                if tuple(t[0] for t in tokens[i:i + n]) != words:
                    continue
                if every:
                    found.append((text[tokens[i][1]:tokens[i + n - 1][2]], {actor_id}, 0, 0))
                elif best is None or n == best[0]:
                    best = (n, {actor_id} if best is None else best[1] | {actor_id})
            if best is None:
                i += 1
                continue
            start, end = tokens[i][1], tokens[i + best[0] - 1][2]
            found.append((text[start:end], best[1], start, end))
            i += best[0]
        return found


def _fold(word: str) -> str:
    """An all-capitals word (an acronym) is kept as written; any other is case-folded."""
    return word if word.isupper() else word.casefold()


def actors_in(walks: Iterable[Any]) -> dict[str, Any]:
    """The actors of a briefing's walks (``walk.Walk``), by id."""
    return {a.id: a for found in walks for ids in found.lists if ids.kind == "actor" for a in ids.items}


def names_of(actors: Iterable[Any]) -> Names:
    """The index of every name, alias and original name of ``actors`` (built once per briefing)."""
    return Names([n for a in actors for n in actor_names(a.id, a.name, _also(a))])


def _also(actor: Any) -> Sequence[str]:
    """An actor's aliases and, when given, its name in its own language (``name_original``)."""
    original = getattr(actor, "name_original", None)
    return actor.aliases if original is None else [*actor.aliases, original]


def actor_names(actor_id: str, name: str, aliases: Sequence[str]) -> list[tuple[str, str]]:
    """Every name an actor is found by: its name, its aliases, and for a name written
    ``Full Name (ABBR)`` also ``Full Name`` and ``ABBR``."""
    names = [name, *aliases]
    paren = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
    if paren:
        names += [paren.group(1), paren.group(2)]
    return [(actor_id, n) for n in names]


def extract(text: str, names: Names) -> list[Item]:
    """The numbers, dates and actors a claim states, in text order (repeats dropped)."""
    items: list[Item] = []
    spans = []
    for m in _DATE.finditer(text):
        date = _claim_date(m)
        if date is not None:
            items.append(Item("date", m.group().rstrip("."), date))
            spans.append((m.start(), m.end()))
    for shown, ids, start, end in names.find(text):
        items.append(Item("actor", shown, frozenset(ids)))
        spans.append((start, end))
    rest = _blank(text, spans)
    items += [Item("number", m.group(), _number(m.group()), year=_is_year(m.group()))
              for m in _NUMBER.finditer(rest)]
    items += [Item("number", m.group(), WORD_NUMBERS[m.group().lower()])
              for m in _WORD_NUMBER.finditer(rest)]
    return list({(i.kind, i.key): i for i in items}.values())


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the spans (dates, names: already read) blanked, so no number is read in them."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _number(text: str) -> Number:
    digits = re.sub(_SEP, "", text)
    return int(digits) if digits.isdigit() else digits.rstrip("0").rstrip(".")


def _is_year(text: str) -> bool:
    return re.fullmatch(_YEAR, text) is not None


def _month(name: str | None) -> int | None:
    return _MONTH_NO[name.rstrip(".").casefold()] if name else None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _claim_date(m: re.Match[str]) -> object | None:
    """A claim's date as written, nothing resolved (a claim has no publication date)."""
    g = m.groupdict()
    if g["iso"]:
        return (int(g["iy"]), int(g["im"]), int(g["id"]))
    if g["dmy"]:
        return (_int(g["y1"]), _month(g["m1"]), int(g["d1"]))
    if g["mdy"]:
        return (_int(g["y2"]), _month(g["m2"]), int(g["d2"]))
    if g["my"]:
        return (int(g["y3"]), _month(g["m3"]), None)
    if g["sy"]:
        return ("season", g["s1"], int(g["y4"]))
    if g["wd"]:
        return ("weekday", WEEKDAYS.index(g["wd"]))
    if g["mo"]:
        return (None, _month(g["mo"]), None)
    return None  # relative dates in a claim ("last year") are not checked


def facts(text: str, names: Names, published: FuzzyDate | None) -> Facts:
    """What a passage states; relative dates resolve against ``published`` (else only the
    weekday or month named, which supports only a claim naming no more)."""
    out = Facts()
    spans = []
    for m in _DATE.finditer(text):
        _passage_date(m, published, out)
        spans.append(m.span())
    rest = _blank(text, spans)
    for m in _NUMBER.finditer(rest):
        out.numbers.add(_number(m.group()))
        if _is_year(m.group()):
            out.dates.add((int(m.group()), None, None))
    out.numbers |= {WORD_NUMBERS[m.group().lower()] for m in _WORD_NUMBER.finditer(rest)}
    out.actors = {i for _, ids, _, _ in names.find(text, every=True) for i in ids}
    return out


def _passage_date(m: re.Match[str], pub: FuzzyDate | None, out: Facts) -> None:
    g = m.groupdict()
    day = _pub_day(pub)
    if g["iso"]:
        _add(out, int(g["iy"]), int(g["im"]), int(g["id"]))
    elif g["dmy"] or g["mdy"]:
        month, d = (_month(g["m1"]), int(g["d1"])) if g["dmy"] else (_month(g["m2"]), int(g["d2"]))
        year = _int(g["y1"] or g["y2"])
        if year is None and pub is not None and month is not None:
            year = pub.year if (month, d) <= (pub.month or 12, pub.day or 31) else pub.year - 1
        _add(out, year, month, d)
    elif g["my"]:
        out.dates.add((int(g["y3"]), _month(g["m3"]), None))
    elif g["mly"]:
        out.dates.add((pub.year - 1 if pub else None, _month(g["m4"]), None))
    elif g["sy"]:
        out.seasons.add((g["s1"], int(g["y4"])))
    elif g["ls"]:
        name = g["s2"]
        if pub is not None and pub.precision is not Precision.YEAR:
            ended = pub.year if (pub.month or 12) > SEASON_MONTHS[name][-1] else pub.year - 1
            out.seasons.add((name, ended - 1 if name == "winter" else ended))  # see dates.py
    elif g["rel"]:
        _relative(g["rw"], g["ru"], pub, out)
    elif g["wd"]:
        weekday = WEEKDAYS.index(g["wd"])
        out.weekdays.add(weekday)
        if day is not None:
            date = day - dt.timedelta(days=(day.weekday() - weekday) % 7)
            _add_day(out, date)
    elif g["td"]:
        if day is not None:
            _add_day(out, day - dt.timedelta(days=0 if g["td"] == "today" else 1))
    elif g["mo"]:
        month = _month(g["mo"])
        if pub is not None and pub.month is not None and month is not None:
            out.dates.add((pub.year if month <= pub.month else pub.year - 1, month, None))
        else:
            out.dates.add((None, month, None))


def _relative(which: str, unit: str, pub: FuzzyDate | None, out: Facts) -> None:
    """this/last/next year or month."""
    if pub is None:
        return
    step = {"this": 0, "last": -1, "next": 1}[which]
    if unit == "year":
        out.dates.add((pub.year + step, None, None))
    elif pub.month is not None:
        months = pub.year * 12 + pub.month - 1 + step
        out.dates.add((months // 12, months % 12 + 1, None))


def _pub_day(pub: FuzzyDate | None) -> dt.date | None:
    if pub is None or pub.precision is not Precision.DAY or pub.month is None or pub.day is None:
        return None
    return dt.date(pub.year, pub.month, pub.day)


def _add(out: Facts, year: int | None, month: int | None, day: int) -> None:
    """A day, with its weekday when the calendar has it (a passage may name 30 February)."""
    out.dates.add((year, month, day))
    if year is not None and month is not None:
        with contextlib.suppress(ValueError):
            out.weekdays.add(dt.date(year, month, day).weekday())


def _add_day(out: Facts, date: dt.date) -> None:
    out.dates.add((date.year, date.month, date.day))
    out.weekdays.add(date.weekday())


def unsupported(items: Sequence[Item], passages: Sequence[Facts]) -> list[Item]:
    """The items no passage states."""
    return [item for item in items if not any(p.states(item) for p in passages)]
