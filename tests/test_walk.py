"""The typed walk (generator/walk.py) and the cross-checks it feeds (generator/verify.py).

What a file holds is found from the models' annotations (``model.Ref``,
``Model.CITED_VERBATIM``), so these tests pin the annotations to the content model's meaning
and check the walk against a brute-force scan of real content. The estimate id collision
(figure ``a`` + estimate ``b-c`` and figure ``a-b`` + estimate ``c`` were both fact
``a-b-c``) has its golden in test_check_errors.py (``id-estimate-public-id-collision``).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import markdown
from conftest import MINIMAL, build_tree
from pydantic import BaseModel

from generator import model as m
from generator.briefing import load_briefing
from generator.load import load_yaml
from generator.pipeline import load_site
from generator.render import Helpers, environment, render_site
from generator.validate import validate
from generator.walk import _plan, defines, walk

FIXTURE = Path(__file__).parent / "fixtures" / "demo"

ACTORS = ("actors:\n  - id: kim\n    name: Kim\n    kind: person\n    role: Leader\n"
          "    side: north-korea\n    citations: [art]\n")


ART = {"content/demo/sources/art.txt": "On Monday something happened. Officials said 1 was hurt.\n"}


def _figure(fid: str, eid: str) -> str:
    return (f"  - id: {fid}\n    metric: M {fid}\n    unit: soldiers\n    estimates:\n"
            f"      - id: {eid}\n        value: 1\n        qualifier: exact\n"
            f"        estimators: [kim]\n"
            f"        citations: [{{source: art, excerpt: Officials said 1 was hurt}}]\n")


def _briefing(tmp_path: Path, *figures: tuple[str, str]) -> tuple[Any, list[Any]]:
    root = build_tree(tmp_path, {**MINIMAL, **ART, "content/demo/actors.yaml": ACTORS,
                                 "content/demo/figures.yaml": "figures:\n" + "".join(
                                     _figure(f, e) for f, e in figures)})
    return load_briefing(root / "content/demo", root)


def test_colliding_estimate_fact_ids_are_refused_at_the_second(tmp_path: Path) -> None:
    briefing, problems = _briefing(tmp_path, ("a", "b-c"), ("a-b", "c"))
    assert briefing is None
    assert [(p.path, p.line, p.col) for p in problems] == [("content/demo/figures.yaml", 15, 13)]
    assert "'a-b-c'" in problems[0].message and "line 6, column 13" in problems[0].hint


def test_estimate_facts_carry_their_figure_and_link_to_it(tmp_path: Path) -> None:
    briefing, problems = _briefing(tmp_path, ("a", "b"), ("a-b", "c"), ("x", "b"))
    assert problems == []
    estimates = [f for f in briefing.facts if f.kind == "estimate"]
    assert [(f.id, f.figure) for f in estimates] == [("a-b", "a"), ("a-b-c", "a-b"), ("x-b", "x")]
    links = [Helpers(briefing).fact_link(f) for f in estimates]
    assert links == ["numbers.md#figure-a", "numbers.md#figure-a-b", "numbers.md#figure-x"]


def test_reference_fields_are_the_ones_the_content_model_means() -> None:
    found = {(cls.__name__, name, arg.kind, arg.keyed)
             for cls in _classes() for name, _, arg in _plan(cls) if isinstance(arg, m.Ref)}
    assert found == {
        ("Citation", "source", "source", False),  # again with another excerpt: verify.repeated_citations
        ("Event", "actors", "actor", False),
        ("Estimate", "estimators", "actor", False),
        ("Quote", "speaker", "actor", False),
        ("Reaction", "actor", "actor", False),
        ("Reaction", "quotes", "quote", False),
    }
    kinds = {kind for cls in m.FILES.values() for kind in defines(cls)}
    assert kinds == {"source", "actor", "event", "figure", "estimate", "quote", "reaction"}
    assert {ref for _, _, ref, _ in found} <= kinds


def test_walk_finds_every_citation_and_reference_in_real_content() -> None:
    for name, cls in m.FILES.items():
        path = FIXTURE / "content/demo" / name
        doc, problems = load_yaml(path, name, root=FIXTURE)
        assert problems == [] and doc is not None
        model, problems = validate(doc, cls)
        assert problems == [] and model is not None
        found = walk(model)
        brute = list(_scan(model, ()))
        cites = [p for p, v in brute if isinstance(v, m.Citation)]
        assert [path for path, *_ in found.citations] == cites
        for path, _, words, _ in found.citations:  # only a quote's citations must hold its text
            item = _at(model, path[:-2])
            assert words == (item.text if isinstance(item, m.Quote) else None)
        assert {path: value for path, _, value, _ in found.refs} == {
            p: v for p, v in brute if isinstance(v, str) and _is_ref(p)}
        assert {ids.path for ids in found.lists} == {
            p for p, v in brute if isinstance(v, list) and v and hasattr(v[0], "id")}


def test_explicit_anchors_are_unique_on_every_page(tmp_path: Path) -> None:
    """Headings get ``{: #kind-id }`` anchors, one kind per page, plus chart ids; a side whose
    label reads like an anchor (side actor-us beside actor us) must not take it over."""
    for folder in ("content", "site_config"):
        shutil.copytree(FIXTURE / folder, tmp_path / folder)
    actors = tmp_path / "content/demo/actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace("side: united-states",
                                                                 "side: actor-us"), encoding="utf-8")
    site, problems = load_site(tmp_path)
    assert problems == [] and site is not None
    pages = render_site(site, environment(tmp_path))
    for path, text in pages.items():
        html = markdown.markdown(text, extensions=["admonition", "attr_list", "footnotes", "tables", "toc"])
        ids = Counter(re.findall(r'\bid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == [], path
        for anchor in re.findall(r"\{: #([a-z0-9-]+) \}", text):
            assert re.search(rf'<h\d id="{anchor}">', html), (path, anchor)


def _classes() -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = list(m.FILES.values())
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.add(cls)
            todo += [f.annotation for f in cls.model_fields.values()
                     if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)]
            todo += [a for f in cls.model_fields.values() for a in getattr(f.annotation, "__args__", ())
                     if isinstance(a, type) and issubclass(a, BaseModel)]
    return seen


_REF_PATHS = [("citations", "*", "source"), ("events", "*", "actors", "*"),
              ("estimates", "*", "estimators", "*"), ("quotes", "*", "speaker"),
              ("reactions", "*", "actor"), ("reactions", "*", "quotes", "*")]


def _is_ref(path: tuple[Any, ...]) -> bool:
    shape = tuple("*" if isinstance(p, int) else p for p in path)
    return any(shape[-len(ref):] == ref for ref in _REF_PATHS)


def _scan(value: Any, path: tuple[Any, ...]) -> Any:
    """Every value in a model, by instance (no annotations consulted)."""
    yield path, value
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _scan(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _scan(item, (*path, i))


def _at(model: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        model = model[part] if isinstance(part, int) else getattr(model, part)
    return model


def test_a_kind_whose_file_failed_is_not_checked_against(tmp_path: Path) -> None:
    """A broken actors.yaml gives its own problem, not one "unknown actor" per reference;
    a broken sources.yaml no longer hides the actor references' problems."""
    broken = ACTORS.replace("kind: person", "kind: alien")
    root = build_tree(tmp_path, {**MINIMAL, **ART, "content/demo/actors.yaml": broken,
                                 "content/demo/figures.yaml": "figures:\n" + _figure("a", "b")})
    _, problems = load_briefing(root / "content/demo", root)
    assert [p.path for p in problems] == ["content/demo/actors.yaml"]
    sources = str(MINIMAL["content/demo/sources.yaml"]).replace("label:", "labell:")
    build_tree(root, {"content/demo/sources.yaml": sources, "content/demo/actors.yaml": ACTORS,
                      "content/demo/figures.yaml": "figures:\n" + _figure("a", "b").replace("[kim]", "[kin]")})
    _, problems = load_briefing(root / "content/demo", root)
    assert sorted({p.path for p in problems}) == ["content/demo/figures.yaml", "content/demo/sources.yaml"]
