"""Dates as intervals (order only when one is entirely before another) and revision series."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import KURSK

from generator.dates import FuzzyDate, uncertain
from generator.model import Figure
from generator.pipeline import load_site
from generator.spread import spread

D = dt.date


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2025", D(2025, 1, 1), D(2025, 12, 31)),
    ("late 2024", D(2024, 9, 1), D(2024, 12, 31)),
    ("early 2024", D(2024, 1, 1), D(2024, 4, 30)),
    ("mid 2024-02", D(2024, 2, 11), D(2024, 2, 20)),
    ("late 2024-02", D(2024, 2, 21), D(2024, 2, 29)),
    ("winter 2024", D(2024, 12, 1), D(2025, 2, 28)),  # meteorological: Dec 2024-Feb 2025
    ("late winter 2024", D(2025, 2, 1), D(2025, 2, 28)),
    ("fall 2024", D(2024, 9, 1), D(2024, 11, 30)),
    ("2025-04-28", D(2025, 4, 28), D(2025, 4, 28)),
])
def test_dates_are_intervals(text: str, start: dt.date, end: dt.date) -> None:
    date = FuzzyDate.parse(text)
    assert (date.start, date.end) == (start, end)


def test_bounds_narrow_the_date_strictly() -> None:
    date = FuzzyDate.parse({"in": "2025", "before": "2025-04-28"})
    assert (date.start, date.end) == (D(2025, 1, 1), D(2025, 4, 27))
    assert date.label == "2025, before 28 April"
    assert date.precedes(FuzzyDate.parse("2025-04-28"))
    assert not FuzzyDate.parse("2025").precedes(FuzzyDate.parse("2025-04-28"))
    assert FuzzyDate.parse({"in": "undated", "after": "2024-12-31"}).label == "After 31 December 2024"
    assert FuzzyDate.parse("undated").label == "Undated"


def test_winter_label_names_both_years() -> None:
    assert FuzzyDate.parse("winter 2024").label == "Winter 2024–25"


def test_only_overlapping_wider_dates_are_uncertain() -> None:
    dates = [FuzzyDate.parse(v) for v in ("2025-01", "2025-04-26", "2025-04-28", "2025-04-28",
                                          "undated")] + [
        FuzzyDate.parse({"in": "2025", "before": "2025-04-28"}),
        FuzzyDate.parse({"in": "2025-04", "before": "2025-04-28"})]
    assert uncertain(dates) == [False, False, False, False, True, True, True]


@pytest.fixture(scope="module")
def kursk_briefing():  # type: ignore[no-untyped-def]
    return load_site(KURSK)[0].published[0]


def test_kursk_latest_developments_hold_the_confirmation(kursk_briefing) -> None:  # type: ignore[no-untyped-def]
    latest = [e.id for e in kursk_briefing.latest(5)]
    assert "kcna-statement" in latest
    assert not {"reinforcements-sent", "ukraine-14000-estimate"} & set(latest)


def test_kursk_timeline_never_puts_an_event_after_one_it_precedes(kursk_briefing) -> None:  # type: ignore[no-untyped-def]
    timeline = kursk_briefing.timeline
    for i, later in enumerate(timeline):
        for earlier in timeline[i + 1:]:
            assert not earlier.date.precedes(later.date), (later.id, earlier.id)
    assert timeline.index(next(e for e in timeline if e.id == "reinforcements-sent")) < \
        timeline.index(next(e for e in timeline if e.id == "kcna-statement"))


def _figure(*estimates: tuple[str, int, str, str | None]) -> Figure:
    return Figure.model_validate({"id": "killed", "metric": "Killed", "unit": "soldiers", "estimates": [
        {"id": i, "value": str(v), "qualifier": "about", "estimators": [who],
         "citations": ["art"], **({"as_of": as_of} if as_of else {})}
        for i, v, who, as_of in estimates]})


def test_a_revision_is_not_a_disagreement() -> None:
    # listed out of date order on purpose: the series is in date order
    figure = _figure(("nis-600", 600, "nis", "2025-04"), ("nis-300", 300, "nis", "2025-01"))
    assert not figure.disagrees
    assert [[e.id for e in s] for s in figure.series] == [["nis-300", "nis-600"]]
    assert [e.id for e in figure.by_date] == ["nis-300", "nis-600"]
    assert [e.id for e in figure.current] == ["nis-600"]
    assert spread(figure, str).high is None and spread(figure, str).big == "about 600"


def test_disagreement_uses_the_latest_value() -> None:
    agree = _figure(("nis-300", 300, "nis", "2025-01"), ("nis-600", 600, "nis", "2025-04"),
                    ("us-600", 600, "us", "2025-04"))
    assert not agree.disagrees  # NIS's superseded 300 is not set against the US's 600
    differ = _figure(("nis-300", 300, "nis", "2025-01"), ("nis-600", 600, "nis", "2025-04"),
                     ("us-1200", 1200, "us", None))
    assert differ.disagrees
    assert spread(differ, str).says() == "from about 600 (nis) to about 1,200 (us)"


def test_estimates_that_cannot_be_ordered_all_count() -> None:
    """An estimate dated only 2025 is not superseded by one of April 2025: it may be later."""
    figure = _figure(("a", 300, "nis", "2025"), ("b", 600, "nis", "2025-04"))
    assert [e.id for e in figure.current] == ["a", "b"] and figure.disagrees


def test_two_estimates_for_one_period_disagree() -> None:
    figure = _figure(("a", 300, "nis", "2025-01"), ("b", 600, "nis", "2025-01"))
    assert figure.disagrees


def test_revision_series_is_shown_on_the_numbers_page(tmp_path: Path) -> None:
    from generator.pipeline import run
    pages = run(Path(__file__).parent / "fixtures" / "demo")[1]
    numbers = pages["demo/numbers.md"]
    assert "- United States: about 900 \\(January 2025\\) → about 1,200 \\(April 2025\\)" in numbers
    assert numbers.index("about 900 soldiers") < numbers.index("about 1,200 soldiers")
