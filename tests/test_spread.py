"""A figure's estimates summed up by their ends (generator/spread.py): never averaged, equal
numbers grouped, every end named."""

from __future__ import annotations

from typing import Any

from generator.model import Figure
from generator.spread import key_figures, short_name, spread

NAMES = {"us": "United States", "z": "Volodymyr Zelenskyy", "jcs": "Joint Chiefs of Staff (JCS)",
         "sk": "South Korea"}


def figure(*estimates: dict[str, Any], fid: str = "f", key: bool = False) -> Figure:
    return Figure.model_validate({"id": fid, "metric": "Casualties", "unit": "soldiers", "key": key,
                                  "estimates": [{"id": f"e{i}", "qualifier": "about",
                                                 "citations": ["s"], **e}
                                                for i, e in enumerate(estimates)]})


def name(actor: str) -> str:
    return short_name(NAMES[actor])


def test_ends_are_named_and_equal_values_grouped() -> None:
    f = figure({"value": 4000, "estimators": ["z"]}, {"value": 1200, "estimators": ["us"]},
               {"value": 4000, "estimators": ["jcs"]}, {"value": 2500, "estimators": ["sk"]},
               {"value": 4000, "estimators": ["sk", "z"]})
    s = spread(f, name)
    assert s.big == "1,200–4,000"
    assert s.says() == ("from about 1,200 (United States) to about 4,000 "
                        "(Volodymyr Zelenskyy; Joint Chiefs of Staff; South Korea)")


def test_one_number_from_several_estimators_is_one_figure() -> None:
    s = spread(figure({"value": 3000, "estimators": ["sk"]}, {"value": 3000, "estimators": ["us"]}),
               name)
    assert (s.big, s.high, s.says()) == ("about 3,000", None, "South Korea; United States")


def test_a_range_is_an_end_by_its_own_bounds() -> None:
    s = spread(figure({"low": 10000, "high": 12000, "estimators": ["us"]},
                      {"value": 14000, "estimators": ["z"]}), name)
    assert s.big == "10,000–14,000"
    assert s.says() == "from about 10,000–12,000 (United States) to about 14,000 (Volodymyr Zelenskyy)"


def test_short_names_drop_only_a_bracketed_abbreviation() -> None:
    assert short_name("National Intelligence Service (NIS)") == "National Intelligence Service"
    assert short_name("Name ![i](x)") == "Name ![i](x)"
    assert short_name("Workers' Party (of Korea)") == "Workers' Party (of Korea)"


def test_key_figures_are_the_marked_ones_else_the_first_two() -> None:
    plain = [figure({"value": 1, "estimators": ["us"]}, fid=f"f{i}") for i in range(4)]
    assert [f.id for f in key_figures(plain)] == ["f0", "f1"]
    marked = [*plain[:1], figure({"value": 1, "estimators": ["us"]}, fid="k", key=True)]
    assert [f.id for f in key_figures(marked)] == ["k"]
    many = [figure({"value": 1, "estimators": ["us"]}, fid=f"k{i}", key=True) for i in range(5)]
    assert len(key_figures(many)) == 3


def test_open_bounds_are_shown_as_written_never_dropped() -> None:
    """"more than", "at least", "up to" and "fewer than" stay with their numbers: on a single
    value, on a range, and in the spread's big figure."""
    from generator.chart import estimate_text
    f = figure({"value": 10000, "qualifier": "more-than", "estimators": ["sk"]},
               {"low": 11000, "high": 12000, "qualifier": "up-to", "estimators": ["us"]},
               {"value": 2000, "qualifier": "fewer-than", "estimators": ["z"]},
               {"low": 3000, "high": 4000, "qualifier": "at-least", "estimators": ["jcs"]})
    assert [estimate_text(e) for e in f.estimates] == [
        "more than 10,000", "up to 11,000–12,000", "fewer than 2,000", "at least 3,000–4,000"]
    assert [e.bounds for e in f.estimates] == [
        (10000, float("inf")), (0, 12000), (0, 2000), (3000, float("inf"))]
    s = spread(f, name)
    assert s.big == "fewer than 2,000 to up to 11,000–12,000"
    assert s.says() == ("from fewer than 2,000 (Volodymyr Zelenskyy) to up to 11,000–12,000 "
                        "(United States)")
    plain = spread(figure({"value": 1200, "estimators": ["us"]},
                          {"value": 10000, "qualifier": "more-than", "estimators": ["sk"]}), name)
    assert plain.big == "about 1,200 to more than 10,000"
