"""Dates with an explicit precision: a day, a month, a season or a year."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
# The month each season starts in (northern hemisphere), for sorting only.
SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 1}
_SEASON_NAMES = "|".join(SEASONS)
PATTERN = rf"^([0-9]{{4}}(-[0-9]{{2}}(-[0-9]{{2}})?)?|({_SEASON_NAMES}) [0-9]{{4}})$"
_SEASON_RE = re.compile(rf"^({_SEASON_NAMES}) ([0-9]{{4}})$")
_ISO_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


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


@dataclass(frozen=True)
class FuzzyDate:
    """A date stated only as precisely as the sources state it.

    Attributes:
        text: The date as written in the YAML (``2025-04-28``, ``2024-06``, ``fall 2024``, ``2024``).
        precision: Day, month, season or year.
        year: The year.
        month: The month (1-12) for day and month precision, else ``None``.
        day: The day of the month for day precision, else ``None``.
        season: The season's name for season precision, else ``None``.
    """

    text: str
    precision: Precision
    year: int
    month: int | None = None
    day: int | None = None
    season: str | None = None

    @classmethod
    def parse(cls, value: str) -> FuzzyDate:
        """Parse ``value``; raise ``ValueError`` with a readable message when it is not a date."""
        if not isinstance(value, str):
            raise ValueError("expected a date such as 2025-04-28, 2025-04, fall 2024 or 2025")
        text = value.strip()
        season = _SEASON_RE.match(text)
        if season:
            return cls(text, Precision.SEASON, _year(value, season.group(2)), season=season.group(1))
        iso = _ISO_RE.match(text)
        if not iso:
            raise ValueError(
                f"'{value}' is not a date; write 2025-04-28 (day), 2025-04 (month), "
                "fall 2024 (season) or 2025 (year)")
        year = _year(value, iso.group(1))
        month, day = (int(g) if g else None for g in iso.groups()[1:])
        if month is None:
            return cls(text, Precision.YEAR, year)
        if not 1 <= month <= 12:
            raise ValueError(f"'{value}' has no month {month:02d}")
        if day is None:
            return cls(text, Precision.MONTH, year, month)
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"'{value}' is not a day of the calendar "
                             f"({MONTHS[month - 1]} {year} has no day {day})") from None
        return cls(text, Precision.DAY, year, month, day)

    @property
    def sort_key(self) -> tuple[int, int, int, int]:
        """Chronological key; a vaguer date sorts after the precise dates it may cover."""
        if self.precision is Precision.SEASON:
            return (self.year, SEASONS[self.season or "winter"], 32, 1)
        rank = {Precision.DAY: 0, Precision.MONTH: 2, Precision.YEAR: 3}[self.precision]
        return (self.year, self.month or 13, self.day or 32, rank)

    @property
    def label(self) -> str:
        """Human label at the date's own precision: ``Monday 28 April 2025``, ``fall 2024``."""
        if self.precision is Precision.DAY:
            assert self.month and self.day
            weekday = dt.date(self.year, self.month, self.day).strftime("%A")
            return f"{weekday} {self.day} {MONTHS[self.month - 1]} {self.year}"
        if self.precision is Precision.MONTH:
            assert self.month
            return f"{MONTHS[self.month - 1]} {self.year}"
        if self.precision is Precision.SEASON:
            return f"{(self.season or '').capitalize()} {self.year}"
        return str(self.year)

    @property
    def iso(self) -> str:
        """ISO 8601 at the date's precision (2025-04-28, 2025-04, 2025); a season gives its year."""
        return str(self.year) if self.precision is Precision.SEASON else self.text

    def __str__(self) -> str:
        return self.text
