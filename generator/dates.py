"""Dates as intervals: a day, a month, a season or a year, with early/mid/late and bounds.

Every date is the interval of days it may fall on (``start``..``end``, both inclusive), so
two dates are ordered only when one interval ends before the other begins (``before``).

- Seasons are meteorological, northern hemisphere: spring March–May, summer June–August,
  fall (autumn) September–November, and **winter YYYY is December YYYY to February YYYY+1**
  (the winter that begins in the year named: ``winter 2024`` is December 2024–February 2025).
- ``early``/``mid``/``late``: of a year, January–April / May–August / September–December; of
  a month, days 1–10 / 11–20 / 21–end; of a season, its first / second / third month.
- Bounds (a mapping ``{in: 2025, before: 2025-04-28, after: …}``) narrow the date: ``before``
  and ``after`` name days the date falls strictly before or after. They are the editor's
  reading of a relative date ("earlier this year" in an article of 28 April 2025), not text
  the support check looks for.
- ``undated``: an event whose sources give no date (allowed for timeline events only).
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .errors import Refusal

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
# The month each (three-month) season starts in; winter runs into the next year.
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
QUALIFIERS = ("early", "mid", "late")
UNDATED = "undated"
BOUND_KEYS = ("in", "before", "after")
_SEASON_NAMES = "|".join(SEASONS)
_QUALIFIED = rf"(({'|'.join(QUALIFIERS)}) )?([0-9]{{4}}(-[0-9]{{2}})?|({_SEASON_NAMES}) [0-9]{{4}})"
PATTERN = rf"^({_QUALIFIED}|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|{UNDATED})$"
_SEASON_RE = re.compile(rf"^({_SEASON_NAMES}) ([0-9]{{4}})$")
_ISO_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_WORD_RE = re.compile(r"^([A-Za-z]+) (.+)$")
_NOT_QUALIFIERS = {m.lower() for m in MONTHS} | set(SEASONS)
_FORMS = "2025-04-28 (day), 2025-04 (month), fall 2024 (season), 2025 (year) or late 2024 (early, mid, late)"


def _year(value: str, digits: str) -> int:
    """The year of ``value``; there is no year 0000 (1 BC is followed by AD 1)."""
    if int(digits) == 0:
        raise ValueError(f"'{value}' has year 0000, which does not exist; write the year in full, "
                         "e.g. 2025")
    return int(digits)


class Precision(str, Enum):
    """How precisely a date is known."""

    DAY = "day"
    MONTH = "month"
    SEASON = "season"
    YEAR = "year"
    UNDATED = "undated"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + month - 1 + n
    return total // 12, total % 12 + 1


@dataclass(frozen=True)
class FuzzyDate:
    """A date stated only as precisely as the sources state it: an interval of days.

    Attributes:
        text: The date as written (``2025-04-28``, ``2024-06``, ``fall 2024``, ``late 2024``).
        precision: Day, month, season, year or undated.
        year: The year (0 when undated).
        month: The month (1-12) for day and month precision, else ``None``.
        day: The day of the month for day precision, else ``None``.
        season: The season's name for season precision, else ``None``.
        qualifier: ``early``, ``mid`` or ``late``, or ``None``.
        before: The date falls strictly before this day (an editor's bound), or ``None``.
        after: The date falls strictly after this day (an editor's bound), or ``None``.
        start: First day it may fall on (``None``: unbounded, undated).
        end: Last day it may fall on (``None``: unbounded, undated).
    """

    text: str
    precision: Precision
    year: int
    month: int | None = None
    day: int | None = None
    season: str | None = None
    qualifier: str | None = None
    before: dt.date | None = None
    after: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def parse(cls, value: Any) -> FuzzyDate:
        """Parse a date (text) or a bounded date (mapping with ``in``, ``before``, ``after``);
        raise ``ValueError`` with a readable message when it is not one."""
        if isinstance(value, dict):
            return _bounded(value)
        if not isinstance(value, str):
            raise ValueError(f"expected a date such as {_FORMS}")
        text = value.strip()
        if text == UNDATED:
            return cls(text, Precision.UNDATED, 0)
        word = _WORD_RE.match(text)
        if word and word.group(1) in QUALIFIERS:
            return _qualified(cls._plain(value, word.group(2)), word.group(1), text)
        if word and word.group(1).islower() and word.group(1) not in _NOT_QUALIFIERS:
            raise Refusal(f"'{value}': unknown qualifier '{word.group(1)}'",
                          "use early, mid or late (late 2024), or a season (fall 2024)")
        return cls._plain(value, text)

    @classmethod
    def _plain(cls, value: str, text: str) -> FuzzyDate:
        season = _SEASON_RE.match(text)
        if season:
            year, first = _year(value, season.group(2)), SEASONS[season.group(1)]
            last = _add_months(year, first, 2)
            return cls(text, Precision.SEASON, year, season=season.group(1),
                       start=dt.date(year, first, 1), end=_month_end(*last))
        iso = _ISO_RE.match(text)
        if not iso:
            raise ValueError(f"'{value}' is not a date; write {_FORMS}")
        year = _year(value, iso.group(1))
        month, day = (int(g) if g else None for g in iso.groups()[1:])
        if month is None:
            return cls(text, Precision.YEAR, year, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
        if not 1 <= month <= 12:
            raise ValueError(f"'{value}' has no month {month:02d}")
        if day is None:
            return cls(text, Precision.MONTH, year, month,
                       start=dt.date(year, month, 1), end=_month_end(year, month))
        try:
            date = dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"'{value}' is not a day of the calendar "
                             f"({MONTHS[month - 1]} {year} has no day {day})") from None
        return cls(text, Precision.DAY, year, month, day, start=date, end=date)

    @property
    def sort_key(self) -> tuple[int, int]:
        """Chronological key: by the last day the date may fall on, then the vaguer after the
        more precise (2024 after 31 December 2024). When one date is entirely before another,
        it sorts first; undated dates sort last."""
        end = self.end.toordinal() if self.end else dt.date.max.toordinal()
        return end, -self.start.toordinal() if self.start else 0

    def precedes(self, other: FuzzyDate) -> bool:
        """True when this date is entirely before ``other`` (they can be put in order)."""
        return self.end is not None and other.start is not None and self.end < other.start

    @property
    def span(self) -> tuple[dt.date | None, dt.date | None]:
        """``(start, end)``: the interval, for comparing dates."""
        return self.start, self.end

    @property
    def exact(self) -> bool:
        """A single known day (the only dates given to schema.org as dates)."""
        return self.precision is Precision.DAY

    @property
    def label(self) -> str:
        """Human label: ``Monday 28 April 2025``, ``Late 2024``, ``2025, before 28 April``."""
        if self.precision is Precision.UNDATED:
            base = ""
        elif self.precision is Precision.DAY:
            assert self.month and self.day
            weekday = dt.date(self.year, self.month, self.day).strftime("%A")
            base = f"{weekday} {self.day} {MONTHS[self.month - 1]} {self.year}"
        elif self.precision is Precision.MONTH:
            assert self.month
            base = f"{MONTHS[self.month - 1]} {self.year}"
        elif self.precision is Precision.SEASON:
            base = f"{self.season} {self.year}"
            if self.season == "winter":
                base += f"–{(self.year + 1) % 100:02d}"
        else:
            base = str(self.year)
        if self.qualifier:
            base = f"{self.qualifier} {base}"
        bounds = [f"{word} {self._day_label(day)}" for word, day in
                  (("after", self.after), ("before", self.before)) if day is not None]
        text = ", ".join(([base] if base else []) + bounds) or "undated"
        return text[0].upper() + text[1:]

    def _day_label(self, day: dt.date) -> str:
        same_year = self.precision is not Precision.UNDATED and day.year == self.year
        return f"{day.day} {MONTHS[day.month - 1]}" + ("" if same_year else f" {day.year}")

    @property
    def iso(self) -> str:
        """ISO 8601 at the date's precision (2025-04-28, 2025-04, 2025); a season gives its year."""
        return str(self.year) if self.precision is Precision.SEASON else self.text

    def raw(self) -> str | dict[str, str]:
        """The date as written in the YAML: text, or the mapping with its bounds."""
        if self.before is None and self.after is None:
            return self.text
        out = {"in": self.text}
        out.update({k: d.isoformat() for k, d in (("before", self.before), ("after", self.after)) if d})
        return out

    def __str__(self) -> str:
        raw = self.raw()
        return raw if isinstance(raw, str) else ", ".join(f"{k}: {v}" for k, v in raw.items())


def _qualified(plain: FuzzyDate, qualifier: str, text: str) -> FuzzyDate:
    """``plain`` narrowed to its early, mid or late part."""
    part = QUALIFIERS.index(qualifier)
    assert plain.start is not None
    y, m = plain.start.year, plain.start.month
    if plain.precision is Precision.DAY:
        raise Refusal(f"'{text}': a day cannot be {qualifier}", "write the day alone, or the month")
    if plain.precision is Precision.MONTH:
        ends = (10, 20, _month_end(y, m).day)
        start, end = dt.date(y, m, (1, 11, 21)[part]), dt.date(y, m, ends[part])
    else:
        size = 1 if plain.precision is Precision.SEASON else 4
        first = _add_months(y, m, part * size)
        start, end = dt.date(*first, 1), _month_end(*_add_months(*first, size - 1))
    return FuzzyDate(text, plain.precision, plain.year, plain.month, None, plain.season,
                     qualifier, start=start, end=end)


def _bounded(value: dict[Any, Any]) -> FuzzyDate:
    """``{in: 2025, before: 2025-04-28, after: …}``; errors name the key they are about."""
    for key in value:
        if key not in BOUND_KEYS:
            raise Refusal(f"unknown field '{key}' in a bounded date", "allowed: in, before, after",
                          key=key)
    if "in" not in value:
        raise Refusal("a bounded date needs 'in': the date it falls in",
                      "e.g. in: 2025 (or in: undated) beside before: 2025-04-28")
    if "before" not in value and "after" not in value:
        raise Refusal("a mapping date needs 'before' or 'after'", "or write the date alone",
                      key="in")
    base = _at("in", value["in"])
    bound = {k: _day(k, value[k]) for k in ("before", "after") if k in value}
    before, after = bound.get("before"), bound.get("after")
    start = max(base.start, after + dt.timedelta(days=1)) if after and base.start else (
        after + dt.timedelta(days=1) if after else base.start)
    end = min(base.end, before - dt.timedelta(days=1)) if before and base.end else (
        before - dt.timedelta(days=1) if before else base.end)
    _check_bounds(base, before, after, start, end)
    return FuzzyDate(base.text, base.precision, base.year, base.month, base.day, base.season,
                     base.qualifier, before, after, start, end)


def _at(key: str, value: Any) -> FuzzyDate:
    try:
        return FuzzyDate.parse(value) if not isinstance(value, dict) else _nested(key)
    except Refusal as exc:
        raise Refusal(str(exc), exc.hint, key=key) from None
    except ValueError as exc:
        raise Refusal(str(exc), key=key) from None


def _nested(key: str) -> FuzzyDate:
    raise Refusal(f"'{key}' must be a date, not a mapping")


def _day(key: str, value: Any) -> dt.date:
    day = _at(key, value)
    if day.precision is not Precision.DAY or day.start is None:
        raise Refusal(f"'{day.text}' must be a day, e.g. 2025-04-28",
                      f"'{key}' names the day the date falls strictly {key}", key=key)
    return day.start


def _check_bounds(base: FuzzyDate, before: dt.date | None, after: dt.date | None,
                  start: dt.date | None, end: dt.date | None) -> None:
    if before and after and after >= before:
        raise Refusal(f"after ({after.isoformat()}) is not earlier than before ({before.isoformat()})",
                      "'after' must name a day earlier than 'before'", key="after")
    if base.precision is Precision.DAY:
        raise Refusal(f"'{base.text}' is a day: it needs no bounds", "write the day alone", key="in")
    for key, day in (("before", before), ("after", after)):
        if day is None or base.start is None or base.end is None:
            continue
        inside = base.start < day <= base.end if key == "before" else base.start <= day < base.end
        if not inside:
            raise Refusal(f"{key} {day.isoformat()} is outside {base.text} "
                          f"({base.start.isoformat()} to {base.end.isoformat()})",
                          "a bound must narrow the date; fix the date or the bound", key=key)
    if start is not None and end is not None and start > end:
        raise Refusal(f"after {after} and before {before} leave no day", key="after")


def uncertain(items: Sequence[FuzzyDate]) -> list[bool]:
    """For each date, True when it cannot be put in order among ``items``: another date
    overlaps it without containing it (a day inside a month leaves the month uncertain, not
    the day; equal dates are simply equal). O(n log n)."""
    low, high = dt.date.min, dt.date.max
    starts = sorted(d.start or low for d in items)
    ends = sorted(d.end or high for d in items)
    out = []
    for d in items:
        lo, hi = d.start or low, d.end or high
        starting_inside = bisect.bisect_right(starts, hi) - bisect.bisect_right(starts, lo)
        ending_inside = bisect.bisect_left(ends, hi) - bisect.bisect_left(ends, lo)
        out.append(starting_inside + ending_inside > 0)
    return out
