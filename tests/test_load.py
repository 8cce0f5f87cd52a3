"""Unit tests of the strict YAML loader (generator/load.py) and of FuzzyDate (generator/dates.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import load
from generator.dates import FuzzyDate, Precision
from generator.errors import Problem
from generator.load import MAX_DEPTH, Document, Pos, load_yaml, parse_yaml, read_text

# Both parsers the loader may run on: libyaml when PyYAML was built with it, else pure Python.
PARSERS = [pytest.param(yaml.SafeLoader, id="pure-python")]
if getattr(yaml, "CSafeLoader", None) is not None:
    PARSERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Run the test once per parser (the shipped loader picks libyaml when available)."""
    monkeypatch.setattr(load, "_Parser", request.param)
    yield request.param


def data(text: str) -> Any:
    doc, problems = parse_yaml(text, "f.yaml")
    assert problems == [], problems
    assert doc is not None
    return doc.data


def refused(text: str) -> Problem:
    doc, problems = parse_yaml(text, "f.yaml")
    assert doc is None
    assert len(problems) == 1
    return problems[0]


# --- every scalar stays a string -------------------------------------------------------------

@pytest.mark.parametrize("scalar", [
    "NO", "no", "yes", "Yes", "on", "off", "true", "False", "y", "n",  # YAML 1.1 booleans
    "1.10", "012", "0x1F", "0o17", "1e3", "1_000", "12,000", "-0", "+1", ".inf", "-.inf", ".nan",
    "2025-04-28", "2025-04-28T12:00:00Z", "12:30:00", "1:20",  # dates, times, sexagesimal
    "=", "<<", "NULL", "Null", "None", "nil",  # not YAML 1.2 core nulls: text
])
def test_plain_scalars_stay_strings(scalar: str, parser: Any) -> None:
    assert data(f"value: {scalar}\nlist:\n  - {scalar}\n") == {"value": scalar, "list": [scalar]}


def test_keys_stay_strings(parser: Any) -> None:
    assert data("1: a\ntrue: b\n2025-04-28: c\n1.5: d\n") == {"1": "a", "true": "b", "2025-04-28": "c",
                                                            "1.5": "d"}


def test_block_and_quoted_scalars(parser: Any) -> None:
    text = ("literal: |\n  line one\n  line two\nfolded: >-\n  folded\n  text\n"
            "double: \"tab\\there \\u00e9\"\nsingle: 'it''s'\n")
    assert data(text) == {"literal": "line one\nline two\n", "folded": "folded text",
                          "double": "tab\there \u00e9", "single": "it's"}


@pytest.mark.parametrize("quoted", ['"null"', "'null'", '"~"', "'~'", '""', "''"])
def test_quoted_null_words_stay_strings(quoted: str, parser: Any) -> None:
    assert data(f"a: {quoted}\n") == {"a": quoted[1:-1]}


@pytest.mark.parametrize("text,expected", [
    ("a:\n", {"a": None}),
    ("a: \n", {"a": None}),
    ("a: ~\n", {"a": None}),
    ("a: null\n", {"a": None}),
    ("a: []\nb:\n", {"a": [], "b": None}),
    ("a: {x: ~, y: null, z: }\n", {"a": {"x": None, "y": None, "z": None}}),
])
def test_empty_tilde_and_null_mean_no_value(text: str, expected: Any, parser: Any) -> None:
    assert data(text) == expected


def test_null_in_lists(parser: Any) -> None:
    assert data("- ~\n- null\n-\n- 'null'\n") == [None, None, None, "null"]


# --- positions ---------------------------------------------------------------------------------

POSITIONED = (
    "title: Demo\n"                    # 1
    "list:\n"                          # 2
    "  - a\n"                          # 3
    "  - {k: v, \"q\": 'w'}\n"         # 4
    "  -\n"                            # 5
    "    - nested\n"                   # 6
    "text: |\n"                        # 7
    "  block\n"                        # 8
)


def test_positions_of_keys_and_values(parser: Any) -> None:
    doc, problems = parse_yaml(POSITIONED, "f.yaml")
    assert problems == [] and doc is not None
    assert doc.keys == {
        ("title",): Pos(1, 1), ("list",): Pos(2, 1), ("list", 1, "k"): Pos(4, 6),
        ("list", 1, "q"): Pos(4, 12), ("text",): Pos(7, 1),
    }
    assert doc.values == {
        (): Pos(1, 1), ("title",): Pos(1, 8), ("list",): Pos(3, 3), ("list", 0): Pos(3, 5),
        ("list", 1): Pos(4, 5), ("list", 1, "k"): Pos(4, 9), ("list", 1, "q"): Pos(4, 17),
        ("list", 2): Pos(6, 5), ("list", 2, 0): Pos(6, 7), ("text",): Pos(7, 7),
    }


def test_pos_falls_back_to_the_nearest_ancestor() -> None:
    doc, _ = parse_yaml(POSITIONED, "f.yaml")
    assert doc is not None
    assert doc.pos(("list", 1, "missing")) == Pos(4, 5)
    assert doc.pos(("list", 1, "k"), key=True) == Pos(4, 6)
    assert doc.pos(("list", 1, "k")) == Pos(4, 9)
    assert doc.pos(("nothing", 3)) == Pos(1, 1)
    assert doc.problem(("list", 2, 0), "bad", "fix it") == Problem("f.yaml", 6, 7, "bad", "fix it")



def test_positions_count_lines_after_a_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(b"\xef\xbb\xbfa: 1\r\nb:\r\n  c: x\r\n")
    doc, problems = load_yaml(path, "f.yaml")
    assert problems == [] and doc is not None
    assert doc.data == {"a": "1", "b": {"c": "x"}}
    assert doc.values[("b", "c")] == Pos(3, 6)


# --- refusals ------------------------------------------------------------------------------------

def test_duplicate_key_is_refused_at_the_second_key(parser: Any) -> None:
    assert refused("a: 1\nb:\n  c: 1\n  d: 2\n  c: 3\n") == Problem(
        "f.yaml", 5, 3, "duplicate key 'c' (first at line 3)",
        "a repeated key would silently replace the first value; keep one")


def test_same_key_in_different_mappings_is_fine(parser: Any) -> None:
    assert data("- id: a\n- id: b\n") == [{"id": "a"}, {"id": "b"}]


def test_duplicate_key_in_flow_mapping(parser: Any) -> None:
    problem = refused("x: {a: 1, a: 2}\n")
    assert (problem.line, problem.col, problem.message) == (1, 11, "duplicate key 'a' (first at line 1)")


def nested(levels: int) -> str:
    """A block mapping ``levels`` deep (the top-level mapping is level 1)."""
    lines = [f"{'  ' * i}k{i}:" for i in range(levels - 1)]
    return "\n".join(lines) + f"\n{'  ' * (levels - 1)}leaf: x\n"


def test_depth_cap_allows_twenty_levels(parser: Any) -> None:
    assert MAX_DEPTH == 20
    assert data("[" * 20 + "]" * 20) == [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]
    value = data(nested(20))
    for i in range(19):
        value = value[f"k{i}"]
    assert value == {"leaf": "x"}


def test_depth_cap_refuses_twenty_one_levels(parser: Any) -> None:
    assert refused("[" * 21 + "]" * 21) == Problem("f.yaml", 1, 21, "nesting is deeper than 20 levels")
    problem = refused(nested(21))
    assert (problem.line, problem.col, problem.message) == (21, 41, "nesting is deeper than 20 levels")


def test_ten_thousand_open_brackets_are_refused(parser: Any) -> None:
    """Refused on line 1, as a problem. Which check stops it first is not ours to pin: our
    20-level cap, or (PyYAML 6.0.4's libyaml 0.2.6) the scanner's own 1,000-level limit."""
    problem = refused("[" * 10_000)
    assert (problem.path, problem.line) == ("f.yaml", 1)
    assert problem.col <= 1_001


@pytest.mark.parametrize("text,line,col,message", [
    ("a: !!str x\n", 1, 4, "YAML tags are not allowed (found '!!str')"),
    ("a: !!python/object/apply:os.system [ls]\n", 1, 4,
     "YAML tags are not allowed (found '!!python/object/apply:os.system')"),
    ("a: !foo x\n", 1, 4, "YAML tags are not allowed (found '!foo')"),
    ("a: !!map {}\n", 1, 4, "YAML tags are not allowed (found '!!map')"),
    ("a: ! {}\n", 1, 4, "YAML tags are not allowed (found '!')"),
    ("a: &x 1\n", 1, 4, "anchors (&x) are not allowed"),
    ("a: &x 1\nb: *x\n", 1, 4, "anchors (&x) are not allowed"),
    ("a: *x\n", 1, 4, "aliases (*x) are not allowed"),
    ("? [a]\n: b\n", 1, 3, "mapping keys must be plain text"),
    ("!!str a: b\n", 1, 1, "tags and anchors are not allowed on keys"),
    ("&k a: b\n", 1, 1, "tags and anchors are not allowed on keys"),
    ("a: 1\n---\nb: 2\n", 2, 1, "a file must hold one YAML document, found another"),
    ("%TAG !e! tag:e.com,2000:\n---\na: 1\n", 1, 1, "%TAG directives are not allowed"),
    ("", 1, 1, "file is empty"),
    ("# only a comment\n", 1, 1, "file is empty"),
    ("~\n", 1, 1, "file is empty"),
    ("a: b: c\n", 1, 5, "YAML syntax error: mapping values are not allowed"),  # "… here" in pure Python
])
def test_refusals(text: str, line: int, col: int, message: str, parser: Any) -> None:
    problem = refused(text)
    assert (problem.path, problem.line, problem.col) == ("f.yaml", line, col)
    assert problem.message == message or (message.startswith("YAML syntax error: ")
                                          and problem.message.startswith(message))


def test_control_character_is_a_problem_not_an_exception(parser: Any) -> None:
    doc, problems = parse_yaml("a: b\x1f\n", "f.yaml")
    assert doc is None
    assert problems == [Problem("f.yaml", 1, 5, "YAML error: unacceptable character #x001f: control "
                                "and special characters are not allowed",
                                "remove it (most editors do not show it); the value cannot contain it")]


@pytest.mark.parametrize("text,line,col,code", [
    ("a: 1\nb: Art\x00icle\n", 2, 7, 0),
    ("a: \ud55c\uad6d\nb: x\x07\n", 2, 5, 7),  # libyaml counts UTF-8 bytes: reported by character
    ("a: \U0001f600\x01\n", 1, 5, 1),
])
def test_control_character_is_reported_at_its_line_and_column(text: str, line: int, col: int, code: int,
                                                               parser: Any) -> None:
    problem = refused(text)
    assert (problem.line, problem.col) == (line, col)
    assert problem.message.startswith(f"YAML error: unacceptable character #x{code:04x}: ")


def test_non_specific_tag_on_a_scalar_is_plain_text(parser: Any) -> None:
    assert data("a: ! 1.10\n") == {"a": "1.10"}


def test_tab_indentation_has_a_hint(parser: Any) -> None:
    problem = refused("a:\n\t- b\n")
    assert problem.line == 2 and problem.message.startswith("YAML syntax error: ")
    assert problem.hint == "YAML indentation must use spaces, not tabs"


def test_nothing_is_constructed_from_a_python_tag(tmp_path: Path, parser: Any) -> None:
    marker = tmp_path / "pwned"
    refused(f"a: !!python/object/apply:os.system ['touch {marker}']\n")
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly(parser: Any) -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    problem = refused("\n".join(lines) + "\n")
    assert (problem.line, problem.col, problem.message) == (1, 4, "anchors (&a) are not allowed")


# --- reading files -------------------------------------------------------------------------------

def test_read_text_strips_bom_and_normalises_newlines(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"\xef\xbb\xbfone\r\ntwo\rthree\n")
    assert read_text(path, "t.txt") == ("one\ntwo\nthree\n", None)


def test_read_text_reports_non_utf8_at_its_byte(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("ok\nCaf\u00e9\n".encode("latin-1"))
    assert read_text(path, "t.txt") == (None, Problem("t.txt", 2, 4, "file is not valid UTF-8 (byte 0xe9)",
                                                      "save the file as UTF-8"))


def test_read_text_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes(b"x" * 11)
    assert read_text(path, "t.txt", max_bytes=11) == ("x" * 11, None)
    text, problem = read_text(path, "t.txt", max_bytes=10)
    assert text is None and problem == Problem(
        "t.txt", 1, 1, "file is too large (11 bytes; the limit is 10)",
        "split the content across briefings or files")


def test_read_text_missing_file(tmp_path: Path) -> None:
    text, problem = read_text(tmp_path / "nope.txt", "nope.txt")
    assert text is None and problem is not None
    assert (problem.path, problem.line, problem.col) == ("nope.txt", 0, 0)
    assert problem.message.startswith("cannot read file: ")
    assert problem.format() == f"nope.txt: {problem.message}"


def test_load_yaml_refuses_a_file_over_two_megabytes(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("a: " + "x" * (2 * 1024 * 1024) + "\n")
    doc, problems = load_yaml(path, "f.yaml")
    assert doc is None
    assert [p.message for p in problems] == ["file is too large (2,097,156 bytes; the limit is 2,097,152)"]


def test_document_is_not_hashable_and_compares_by_content() -> None:
    a, _ = parse_yaml("a: 1\n", "f.yaml")
    b, _ = parse_yaml("a:   1\n", "f.yaml")
    assert isinstance(a, Document) and isinstance(b, Document)
    assert a.data == b.data and a != b  # same data, different positions
    with pytest.raises(TypeError):
        hash(a)


# --- FuzzyDate -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text,precision,fields,label", [
    ("2025-04-28", Precision.DAY, (2025, 4, 28, None), "Monday 28 April 2025"),
    ("2024-02-29", Precision.DAY, (2024, 2, 29, None), "Thursday 29 February 2024"),
    ("2024-06", Precision.MONTH, (2024, 6, None, None), "June 2024"),
    ("fall 2024", Precision.SEASON, (2024, None, None, "fall"), "Fall 2024"),
    ("autumn 2024", Precision.SEASON, (2024, None, None, "autumn"), "Autumn 2024"),
    ("spring 2025", Precision.SEASON, (2025, None, None, "spring"), "Spring 2025"),
    ("summer 2025", Precision.SEASON, (2025, None, None, "summer"), "Summer 2025"),
    ("winter 2025", Precision.SEASON, (2025, None, None, "winter"), "Winter 2025–26"),
    ("2024", Precision.YEAR, (2024, None, None, None), "2024"),
])
def test_fuzzy_date_precisions_and_labels(text: str, precision: Precision, fields: tuple[Any, ...],
                                          label: str) -> None:
    date = FuzzyDate.parse(text)
    assert date.precision is precision
    assert (date.year, date.month, date.day, date.season) == fields
    assert date.label == label
    assert str(date) == date.text == text
    assert date.iso == (text.split()[-1] if precision is Precision.SEASON else text)


def test_fuzzy_date_strips_surrounding_space() -> None:
    assert FuzzyDate.parse("  2024-06 \n") == FuzzyDate("2024-06", Precision.MONTH, 2024, 6,
                                                          start=dt.date(2024, 6, 1),
                                                          end=dt.date(2024, 6, 30))


def test_fuzzy_date_labels_never_invent_precision() -> None:
    assert "September" not in FuzzyDate.parse("fall 2024").label
    assert FuzzyDate.parse("2024-06").label == "June 2024"
    assert FuzzyDate.parse("2024").label == "2024"


@pytest.mark.parametrize("text,message", [
    ("2025-02-30", "'2025-02-30' is not a day of the calendar (February 2025 has no day 30)"),
    ("2025-02-29", "'2025-02-29' is not a day of the calendar (February 2025 has no day 29)"),
    ("2025-04-31", "'2025-04-31' is not a day of the calendar (April 2025 has no day 31)"),
    ("2025-04-00", "'2025-04-00' is not a day of the calendar (April 2025 has no day 0)"),
    ("2025-13", "'2025-13' has no month 13"),
    ("2025-00-10", "'2025-00-10' has no month 00"),
    ("28 April 2025", "'28 April 2025' is not a date; write 2025-04-28 (day), 2025-04 (month), "
                      "fall 2024 (season), 2025 (year) or late 2024 (early, mid, late)"),
    ("0000", "'0000' has year 0000, which does not exist; write the year in full, e.g. 2025"),
    ("0000-04-28", "'0000-04-28' has year 0000, which does not exist; write the year in full, e.g. 2025"),
    ("fall 0000", "'fall 0000' has year 0000, which does not exist; write the year in full, e.g. 2025"),
])
def test_fuzzy_date_invalid_with_message(text: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        FuzzyDate.parse(text)
    assert str(exc.value) == message


@pytest.mark.parametrize("text", [
    "", " ", "2025-4-28", "2025-04-8", "25-04-28", "20250428", "2025/04/28", "2025-04-28T00:00",
    "april 2025", "fall", "fall 24", "fall  2024", "2024 fall", "20245", "12345-01", "Q3 2024",
    "2025-04-28 ",
])
def test_fuzzy_date_refuses_other_forms(text: str) -> None:
    if text == "2025-04-28 ":  # surrounding space is stripped, so this one is a date
        assert FuzzyDate.parse(text).precision is Precision.DAY
        return
    with pytest.raises(ValueError):
        FuzzyDate.parse(text)


@pytest.mark.parametrize("text", ["\uff12\uff10\uff12\uff15-\uff10\uff14-\uff12\uff18",
                                  "\u0662\u0660\u0662\u0665"], ids=["fullwidth-day", "arabic-indic-year"])
def test_fuzzy_date_refuses_non_ascii_digits(text: str) -> None:
    with pytest.raises(ValueError):
        FuzzyDate.parse(text)


@pytest.mark.parametrize("value", [None, 2025, ["2025"], dt.date(2025, 4, 28)])
def test_fuzzy_date_refuses_non_text(value: Any) -> None:
    with pytest.raises(ValueError, match="expected a date such as 2025-04-28"):
        FuzzyDate.parse(value)


def _sorted(*texts: str) -> list[str]:
    return [d.text for d in sorted((FuzzyDate.parse(t) for t in texts), key=lambda d: d.sort_key)]


def test_fuzzy_date_sort_order() -> None:
    # by the last day a date may fall on: fall 2024 may be in November, after October
    assert FuzzyDate.parse("fall 2024").sort_key > FuzzyDate.parse("2024-10").sort_key
    assert FuzzyDate.parse("2024").sort_key > FuzzyDate.parse("2024-12-31").sort_key
    assert FuzzyDate.parse("2024-06").sort_key > FuzzyDate.parse("2024-06-30").sort_key
    assert FuzzyDate.parse("2024-06").sort_key < FuzzyDate.parse("2024-07-01").sort_key
    assert FuzzyDate.parse("2024").sort_key < FuzzyDate.parse("2025-01-01").sort_key
    assert FuzzyDate.parse("fall 2024").sort_key == FuzzyDate.parse("autumn 2024").sort_key
    assert _sorted("2025", "2024", "fall 2024", "2024-10", "2024-12-31", "2024-09-01", "spring 2024",
                   "2024-06", "2024-06-15", "2023-12-31") == [
        "2023-12-31", "spring 2024", "2024-06-15", "2024-06", "2024-09-01", "2024-10", "fall 2024",
        "2024-12-31", "2024", "2025"]


def test_fuzzy_date_is_frozen_and_comparable() -> None:
    date = FuzzyDate.parse("2025-04-28")
    assert date == FuzzyDate.parse("2025-04-28")
    assert date != FuzzyDate.parse("2025-04")
    assert hash(date) == hash(FuzzyDate.parse("2025-04-28"))
    with pytest.raises(AttributeError):
        date.year = 2026  # type: ignore[misc]


@pytest.mark.parametrize("text,message", [
    ("1234567890123", "'1234567890123' is too large: a count has at most 12 digits"),
    ("12,000", "'12,000' is not a whole number; write digits only, e.g. 12000"),
    ("-5", "'-5' is not a whole number; write digits only, e.g. 12000"),
])
def test_count_refusals_say_what_is_wrong(text: str, message: str) -> None:
    from generator import model
    with pytest.raises(ValueError) as exc:
        model._count(text)
    assert str(exc.value) == message
