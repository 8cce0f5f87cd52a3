"""The search index is merged as text (issue 15): split into entries and joined again, it is
the index Material wrote, byte for byte, and an entry's location is read without parsing it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.merge import entries, location, read_index


def _material(config: object, docs: list[dict[str, object]]) -> str:
    return json.dumps({"config": config, "docs": docs}, separators=(",", ":"), default=str)


_text = st.text(st.characters(blacklist_categories=("Cs",)))
_doc = st.fixed_dictionaries({"location": _text, "title": _text, "text": _text},
                             optional={"tags": st.lists(_text, max_size=2)})


@settings(max_examples=200, deadline=None)
@given(st.lists(_doc, max_size=6))
def test_split_and_joined_again_is_the_same_index(docs: list[dict[str, object]]) -> None:
    config = {"lang": ["en"], "separator": "[\\s\\-]+", "fields": {"title": {"boost": 1000.0}}}
    text = _material(config, docs)
    head, items = read_index(text)
    assert f'{{"config":{head},"docs":[{",".join(items)}]}}' == text
    assert [json.loads(item) for item in items] == docs
    assert [location(item) for item in items] == [d["location"] for d in docs]


def test_another_layout_is_read_whole_and_written_as_material_does() -> None:
    text = json.dumps({"docs": [{"title": "T", "location": "a/#x"}], "config": {"lang": ["en"]}},
                      indent=1)
    head, items = read_index(text)
    assert json.loads(head) == {"lang": ["en"]}
    assert items == ['{"title":"T","location":"a/#x"}'] and location(items[0]) == "a/#x"


def test_entries_reads_a_cached_list() -> None:
    assert entries('[{"location":"a\\"b/"},{"location":""}]') == ['{"location":"a\\"b/"}', '{"location":""}']
    assert entries("[]") == []
    with pytest.raises(ValueError):
        entries('{"location":""}')


@pytest.mark.parametrize("text", ['[{"location":"a/"}', "[", '[{"location":"a/"}] []', "{}"])
def test_a_broken_cached_list_is_a_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        entries(text)
