"""The support check's matching rules (generator/claimtext.py) and its refusal of claims whose
numbers no cited passage states (generator/support.py, through ``briefsite check``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL, build_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import claimtext as ct
from generator.briefing import load_briefing
from generator.dates import FuzzyDate

NAMES = ct.Names([*ct.actor_names("kim", "Kim Jong Un", ["Kim"]),
                  *ct.actor_names("us", "United States", ["US", "U.S."]),
                  *ct.actor_names("nis", "National Intelligence Service (NIS)", []),
                  *ct.actor_names("nato", "NATO", ["Nato"])])
PUB = FuzzyDate.parse("2025-04-28")  # a Monday


def supported(claim: str, passage: str, published: FuzzyDate | None = None) -> bool:
    return not ct.unsupported(ct.extract(claim, NAMES), [ct.facts(passage, NAMES, published)])


@pytest.mark.parametrize("claim, passage", [
    ("10,000 troops", "some 10000 soldiers"),
    ("10000 troops", "about 10 000 soldiers"),
    ("10 000 troops", "about 10,000 soldiers"),
    ("two days later", "2 days after"),
    ("2 days later", "just two days after"),
    ("between 10,000 and 12,000", "about 10,000-12,000 troops"),
    ("10,000–12,000", "approximately 10,000 to 12,000 troops"),
    ("1.5 percent", "rose 1.5 percent"),
])
def test_numbers_in_any_written_form_are_the_same(claim: str, passage: str) -> None:
    assert supported(claim, passage)


@pytest.mark.parametrize("claim, passage", [
    ("1,000 troops", "10,000 troops"),  # whole numbers only: 1000 is not inside 10000
    ("200 troops", "1,200 troops"),
    ("10,000–12,000", "up to 12,000 troops"),  # a range needs both ends
    ("3 killed", "about 300 killed"),
    ("twelve", "twenty"),
])
def test_a_number_not_stated_is_unsupported(claim: str, passage: str) -> None:
    assert not supported(claim, passage)


@pytest.mark.parametrize("claim", ["28 April 2025", "April 28, 2025", "2025-04-28", "April 28",
                                   "April 2025", "Monday"])
def test_dates_in_any_written_form(claim: str) -> None:
    assert supported(f"It happened on {claim}.", "Washington DC (UPI) Apr 28, 2025")
    assert supported(f"It happened on {claim}.", "date 2025-04-28, on Monday 28 April 2025")


@pytest.mark.parametrize("claim, passage", [
    ("on 28 April 2025", "said on Monday"),
    ("on 26 April 2025", "confirmed Saturday for the first time"),
    ("on 27 April 2025", "in a statement on Sunday evening"),
    ("in April 2025", "earlier this month, Zelensky said"),
    ("in 2025", "officials said earlier this year"),
    ("in June 2024", "signed the treaty in June last year"),
    ("in August 2024", "an incursion in August last year"),
    ("in fall 2024", "sent troops last fall"),
    ("in fall 2024", "to fight in Kursk in the fall"),
    ("in March 2025", "In March, South Korea said"),
    ("in October 2024", "the soldiers it had sent to Russia in October"),
])
def test_relative_dates_resolve_against_the_publication_date(claim: str, passage: str) -> None:
    assert supported(claim, passage, PUB)
    assert not supported(claim, passage, None)  # no stated publication date: nothing resolves


def test_a_date_is_supported_only_at_the_precision_the_passage_states() -> None:
    assert supported("in April 2025", "on 28 April 2025")
    assert not supported("on 28 April 2025", "in April 2025")
    assert not supported("on 27 April 2025", "said on Monday", PUB)
    assert supported("in 2024", "the treaty of June 2024")


@pytest.mark.parametrize("claim, passage, ok", [
    ("in fall 2024", "It happened in autumn 2024.", True),
    ("in autumn 2024", "It happened in fall 2024.", True),
    ("in spring 2024", "It happened in fall 2024.", False),  # another season is not stated
    ("in winter 2024", "It happened in autumn 2024.", False),
])
def test_fall_and_autumn_are_one_season_and_no_other(claim: str, passage: str, ok: bool) -> None:
    assert supported(claim, passage) is ok


def test_actors_by_name_alias_and_abbreviation() -> None:
    assert supported("Kim Jong Un spoke", "Kim said")
    assert supported("Kim spoke", "North Korean leader Kim Jong Un said")
    assert supported("the NIS said", "South Korea's National Intelligence Service said")
    assert supported("the US said", "the United States estimated")
    assert supported("NATO equipment", "lessons against Nato machinery")
    assert not supported("the US said", "nobody told us")  # a capitalised alias is matched as written
    assert not supported("Kim spoke", "Officials spoke")


def test_a_passage_states_the_names_inside_a_longer_name() -> None:
    names = ct.Names([("long", "President Volodymyr Zelenskyy"), ("z", "Zelenskyy")])
    facts = ct.facts("Ukrainian President Volodymyr Zelenskyy said", names, None)
    assert facts.actors == {"long", "z"}
    assert [i.key for i in ct.extract("Zelenskyy said", names)] == [frozenset({"z"})]


def test_nothing_checkable_needs_no_support() -> None:
    assert ct.extract("Praised the troops' heroism.", NAMES) == []


# --- through briefsite check ------------------------------------------------------------------

def _check(tmp_path: Path, takeaway: str, excerpt: str, text: str,
           extra: str = "") -> list[tuple[str, int]]:
    briefing = str(MINIMAL["content/demo/briefing.yaml"]).replace(
        "  - text: Something happened.\n", f"  - text: {takeaway}\n{extra}").replace(
        "excerpt: something happened", f"excerpt: {excerpt}")
    root = build_tree(tmp_path, {**MINIMAL, "content/demo/briefing.yaml": briefing,
                                 "content/demo/sources/art.txt": text})
    _, problems = load_briefing(root / "content/demo", root)
    return [(p.path, p.line) for p in problems]


def test_analysis_is_exempt_and_a_reported_fact_is_not(tmp_path: Path) -> None:
    text = "Officials met on Monday. About 1,200 were hurt.\n"
    claim = "'About 3,000 were hurt.'"
    assert _check(tmp_path, claim, "Officials met on Monday", text) == [("content/demo/briefing.yaml", 7)]
    assert _check(tmp_path, claim, "Officials met on Monday", text, "    analysis: true\n") == []
    assert _check(tmp_path, "'About 1,200 were hurt.'", "About 1,200 were hurt", text) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(number=st.integers(min_value=13, max_value=10**9),
       words=st.lists(st.sampled_from(["troops", "were", "sent", "to", "the", "front", "by",
                                                   "officials"]),
                      min_size=1, max_size=8),
       others=st.lists(st.integers(min_value=0, max_value=10**9), max_size=3))
def test_a_claim_citing_passages_without_its_number_is_refused(
        tmp_path_factory: pytest.TempPathFactory, number: int, words: list[str], others: list[int]) -> None:
    """Whatever else the passage states (other numbers, the same words), a number it does not
    state makes the claim refused, at the claim's line."""
    others = [o for o in others if o != number]
    passage = " ".join(words + [f"{o:,}" for o in others]) or "troops"
    claim = f"'{' '.join(words)} {number:,}.'"
    tmp = tmp_path_factory.mktemp("prop")
    assert _check(tmp, claim, f"'{passage}'", f"Intro. {passage}.\n") == [("content/demo/briefing.yaml", 7)]


@pytest.mark.parametrize("lede, refused", [
    ("About 3,000 were hurt.", [("content/demo/briefing.yaml", 2)]),  # no passage states 3,000
    ("About 1,200 were hurt.", []),   # a passage the briefing cites elsewhere states it
    (None, []),                       # no lede: the summary's first sentence, checked as the summary
])
def test_the_lede_is_checked_like_the_summary(tmp_path: Path, lede: str | None,
                                              refused: list[tuple[str, int]]) -> None:
    briefing = str(MINIMAL["content/demo/briefing.yaml"]).replace(
        "summary: A demo.\n", (f"lede: '{lede}'\n" if lede else "") + "summary: A demo.\n").replace(
        "excerpt: something happened", "excerpt: about 1,200 were hurt; something happened")
    root = build_tree(tmp_path, {**MINIMAL, "content/demo/briefing.yaml": briefing,
                                 "content/demo/sources/art.txt": "So about 1,200 were hurt; something happened.\n"})
    found, problems = load_briefing(root / "content/demo", root)
    assert [(p.path, p.line) for p in problems] == refused
    assert all(p.message.startswith("the lede") for p in problems)
    if found is not None:
        assert found.meta.lede_text == (lede or "A demo.")


def test_several_passages_of_one_source_support_a_claim_together(tmp_path: Path) -> None:
    """A source cited again with another excerpt: each excerpt is verified, and the claim's
    numbers may be spread over them (the union of the passages)."""
    text = "About 1,200 were hurt on Monday. Later, officials said 300 had died.\n"
    claim = "'About 1,200 were hurt and 300 died.'"
    second = "      - source: art\n        excerpt: officials said 300 had died\n"
    briefing = str(MINIMAL["content/demo/briefing.yaml"]).replace(
        "  - text: Something happened.\n", f"  - text: {claim}\n").replace(
        "excerpt: something happened\n", f"excerpt: About 1,200 were hurt\n{second}")
    root = build_tree(tmp_path, {**MINIMAL, "content/demo/briefing.yaml": briefing,
                                 "content/demo/sources/art.txt": text})
    assert load_briefing(root / "content/demo", root)[1] == []
    one = briefing.replace(second, "")
    root = build_tree(tmp_path / "one", {**MINIMAL, "content/demo/briefing.yaml": one,
                                         "content/demo/sources/art.txt": text})
    assert [(p.path, p.line) for p in load_briefing(root / "content/demo", root)[1]] == [
        ("content/demo/briefing.yaml", 7)]


def _actors(tmp_path: Path, role: str, citation: str) -> list[tuple[str, int, int]]:
    text = "On Monday something happened. General Park said 1,200 were hurt. Seoul protested.\n"
    actors = ("actors:\n"
              "  - id: park\n    name: General Park\n    kind: person\n"
              f"    role: {role}\n    side: south\n    citations:\n{citation}"
              "  - id: seoul\n    name: Seoul\n    kind: state\n    role: A capital\n"
              "    side: south\n    citations: [art]\n")
    root = build_tree(tmp_path, {**MINIMAL, "content/demo/actors.yaml": actors,
                                 "content/demo/sources/art.txt": text})
    _, problems = load_briefing(root / "content/demo", root)
    return [(p.path, p.line, p.col) for p in problems if not p.warning]


@pytest.mark.parametrize("role, citation, refused", [
    # a number in the role must be in a cited passage; a bare source id supports nothing
    ("Counted 1,200 wounded", "      - art\n", True),
    ("Counted 1,200 wounded", "      - source: art\n        excerpt: General Park said 1,200 were hurt\n", False),
    ("Counted 3,000 wounded", "      - source: art\n        excerpt: General Park said 1,200 were hurt\n", True),
    # another actor named in the role needs a passage naming it; the actor itself does not
    ("Spoke for Seoul", "      - source: art\n        excerpt: General Park said 1,200 were hurt\n", True),
    ("Spoke for Seoul", "      - source: art\n        excerpt: Seoul protested\n", False),
    ("General Park leads the army", "      - art\n", False),
])
def test_an_actors_role_is_a_claim(tmp_path: Path, role: str, citation: str, refused: bool) -> None:
    problems = _actors(tmp_path, role, citation)
    assert problems == ([("content/demo/actors.yaml", 5, 11)] if refused else [])
