"""JSON Schema of the content files: in sync with the model, and true to the shipped content."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT, run_with_hash_seed, tree_bytes

from generator import cli, schema
from generator.load import load_yaml, parse_yaml

FIXTURE = Path(__file__).parent / "fixtures" / "demo"
SCHEMA_DIR = ROOT / "schema"
NAMES = ["actors", "briefing", "figures", "quotes", "reactions", "site", "sources", "timeline"]


def _content_files() -> list[Path]:
    return [*sorted((ROOT / "content").glob("*/*.yaml")), ROOT / "site_config/site.yaml"]


def _schema_name(path: Path) -> str:
    return "site" if path.name == "site.yaml" else path.stem


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8")))


def _errors(name: str, data: Any) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in _validator(name).iter_errors(data))


class _Yaml12Loader(yaml.SafeLoader):
    """What an editor's YAML 1.2 core schema sees: ints, floats, true/false, null; no dates."""


_Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    _Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


def test_committed_schema_files_match_the_model() -> None:
    assert sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json")) == \
        [f"{n}.schema.json" for n in NAMES]
    assert schema.stale(SCHEMA_DIR) == [], "run: briefsite schema"


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    document = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == schema.DIALECT
    assert document["additionalProperties"] is False


def test_schema_output_is_deterministic(tmp_path: Path) -> None:
    """Byte-identical from processes with different hash seeds."""
    for seed, out in ((1, "a"), (2, "b")):
        run_with_hash_seed(seed, "-C", str(tmp_path), "schema", "--out", str(tmp_path / out))
    assert tree_bytes(tmp_path / "a") == tree_bytes(tmp_path / "b")
    for name in NAMES:
        text = (tmp_path / "a" / f"{name}.schema.json").read_bytes()
        assert text.endswith(b"}\n")
        keys = list(json.loads(text))
        assert keys == sorted(keys)


@pytest.mark.parametrize("path", _content_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_content_validates_as_the_loader_reads_it(path: Path) -> None:
    doc, problems = load_yaml(path, path.name)
    assert doc is not None, problems
    assert _errors(_schema_name(path), doc.data) == []


@pytest.mark.parametrize("path", _content_files() + sorted(FIXTURE.glob("content/*/*.yaml")),
                         ids=lambda p: p.name if "fixtures" in p.parts else p.relative_to(ROOT).as_posix())
def test_shipped_content_validates_as_an_editor_reads_it(path: Path) -> None:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Yaml12Loader)
    assert _errors(_schema_name(path), data) == []


def _every_yaml_file() -> list[Path]:
    """Shipped content, its settings and the demo fixture: every YAML file editors open."""
    return _content_files() + sorted(FIXTURE.glob("content/*/*.yaml")) + [FIXTURE / "site_config/site.yaml"]


@pytest.mark.parametrize("path", _every_yaml_file(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_content_file_names_its_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\.\./)+schema/([a-z]+)\.schema\.json", first)
    assert match, f"{path}:1: first line must name the schema by a relative path, got {first!r}"
    assert match[2] == _schema_name(path)
    # The relative path resolves from the file's own folder, as editors resolve it.
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target == (SCHEMA_DIR / f"{_schema_name(path)}.schema.json").resolve()
    assert target.is_file()


def _loaded(text: str) -> Any:
    doc, problems = parse_yaml(text, "x.yaml")
    assert doc is not None, problems
    return doc.data


def test_loader_strings_are_accepted() -> None:
    figures = _loaded(
        "figures:\n  - id: f\n    metric: m\n    unit: u\n    estimates:\n"
        "      - id: e\n        value: 1200\n        qualifier: about\n        estimators: [us]\n"
        "        as_of: 2024\n        citations: [upi, {source: upi, excerpt: \"around 1,200\"}]\n")
    assert figures["figures"][0]["estimates"][0]["value"] == "1200"
    assert _errors("figures", figures) == []
    assert _errors("site", _loaded("title: t\ndescription: d\nshow_drafts: false\n")) == []
    assert _errors("site", {"title": "t", "description": "d", "show_drafts": False}) == []
    assert _errors("timeline", {"events": [{"id": "e", "date": 2024, "summary": "s",
                                            "citations": ["upi"]}]}) == []


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("briefing", ("title: t\nsummary: s\nevent_date: 2025-04-28\nlast_updated: 2025-04-28\n"
                  "status: done\n"), "status:"),
    ("sources", "sources:\n  - id: UPI\n    file: f\n    label: l\n", "sources/0/id:"),
    ("sources", "sources:\n  - id: upi\n    file: f\n    label: l\n    lable: x\n",
     "sources/0:"),
    ("figures", ("figures:\n  - id: f\n    metric: m\n    unit: u\n    estimates:\n      - id: e\n"
                 "        value: 1.5\n        qualifier: exact\n        estimators: [a]\n"
                 "        citations: [a]\n"),
     "figures/0/estimates/0/value:"),
    ("timeline", "events:\n  - id: e\n    date: 28 April 2025\n    summary: s\n    citations: [a]\n",
     "events/0/date:"),
    ("actors", ("actors:\n  - id: a\n    name: n\n    kind: person\n    role: r\n    side: s\n"
                "    citations: []\n"), "actors/0/citations:"),
    ("site", "title: t\ndescription: d\nshow_drafts: maybe\n", "show_drafts:"),
])
def test_schema_rejects(name: str, text: str, expected: str) -> None:
    """Refused at the right place (jsonschema's own wording is not ours to assert)."""
    errors = _errors(name, _loaded(text))
    assert errors and errors[0].startswith(expected), errors


def test_cli_schema_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "schema"
    assert cli.main(["schema", "--out", str(out), "--check"]) == 1
    assert "briefing.schema.json: out of date" in capsys.readouterr().err
    assert cli.main(["schema", "--out", str(out)]) == 0
    assert "wrote 8 of 8 schema files" in capsys.readouterr().out
    assert cli.main(["schema", "--out", str(out), "--check"]) == 0
    path = out / "quotes.schema.json"
    path.write_text(path.read_text().replace('"quotes"', '"quotez"'))
    assert cli.main(["schema", "--out", str(out), "--check"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == f"{path}: out of date"
    assert cli.main(["-C", str(tmp_path), "schema"]) == 0
    assert (tmp_path / "schema/quotes.schema.json").read_text() == schema.rendered()["quotes.schema.json"]
