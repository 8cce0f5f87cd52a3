"""How far a figure's estimates spread, in words a reader takes in at a glance.

A figure's estimates are summed up by their ends, never by an average: the smallest number
stated and who states it, the largest and who states it (``from about 1,200 (United States) to
about 4,000 (Volodymyr Zelenskyy; South Korea)``). Estimates stating the same number are one
end, their estimators listed once each. The numbers between the ends are on the Numbers page.
An estimate its estimators later revised (``Figure.current``) is not an end: the revision is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .chart import estimate_text, number
from .model import ABOVE, BELOW, QUALIFIER_WORDS, Estimate, Figure

BOUND_WORDS = tuple(QUALIFIER_WORDS[q] for q in (*ABOVE, *BELOW))
KEY_FIGURES = 3  # at most this many key numbers on an overview (the first screen of a phone)
DEFAULT_KEY_FIGURES = 2  # without figures marked key, the first ones in figures.yaml


@dataclass(frozen=True)
class End:
    """One end of a spread: the estimate's words (``about 1,200``) and who states it."""

    text: str
    who: tuple[str, ...]


@dataclass(frozen=True)
class Spread:
    """A figure's estimates by their ends; ``high`` is None when every estimate states the
    same number. ``big`` is the figure in large type: ``about 3,000`` or ``1,200–4,000``."""

    low: End
    high: End | None
    big: str

    def says(self) -> str:
        """``South Korea; Ukraine`` (one number) or ``from about 1,200 (United States) to …``."""
        if self.high is None:
            return "; ".join(self.low.who)
        return (f"from {self.low.text} ({'; '.join(self.low.who)}) "
                f"to {self.high.text} ({'; '.join(self.high.who)})")


def _lower(e: Estimate) -> int:
    return e.value if e.value is not None else (e.low or 0)


def _end(estimates: Sequence[Estimate], name: Callable[[str], str]) -> End:
    who = dict.fromkeys(name(a) for e in estimates for a in e.estimators)
    return End(estimate_text(estimates[0]), tuple(who))


def spread(figure: Figure, name: Callable[[str], str]) -> Spread:
    """The figure's spread over its current estimates (a revised estimate counts at its
    latest value); ``name`` gives an actor's name from its id."""
    estimates = figure.current
    if len({estimate_text(e) for e in estimates}) == 1:
        one = _end(estimates, name)
        return Spread(one, None, one.text)
    least = min(_lower(e) for e in estimates)
    most = max(e.upper for e in estimates)
    low = _end([e for e in estimates if _lower(e) == least], name)
    high = _end([e for e in estimates if e.upper == most], name)
    if high == low:  # one range holds both ends
        return Spread(low, None, low.text)
    return Spread(low, high, _big(low, high, least, most))


def _big(low: End, high: End, least: int, most: int) -> str:
    """``1,200–4,000``; ``more than 10,000 to 12,000`` when an end is an open bound, whose words
    a bare span would drop."""
    if any(end.text.startswith(BOUND_WORDS) for end in (low, high)):
        return f"{low.text} to {high.text}"
    return f"{number(least)}–{number(most)}"


def key_figures(figures: Sequence[Figure]) -> list[Figure]:
    """The figures shown as key numbers: those marked ``key``, else the first ones."""
    marked = [f for f in figures if f.key]
    return (marked or list(figures[:DEFAULT_KEY_FIGURES]))[:KEY_FIGURES]


def short_name(name: str) -> str:
    """An actor's name without a trailing abbreviation in brackets (``Joint Chiefs of Staff
    (JCS)`` → ``Joint Chiefs of Staff``): the ends of a spread are already in brackets."""
    return _ABBREVIATED.sub("", name) or name


_ABBREVIATED = re.compile(r"\s+\([A-Z][A-Z.&-]{1,9}\)$")
