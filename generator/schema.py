"""JSON Schema of every content file, generated from the pydantic models.

Editors use the schema (through the ``# yaml-language-server: $schema=…`` line that starts
each YAML file) for completion and inline errors. The schema describes a file two ways at
once, and accepts both:

* as the strict loader reads it (``load.py``): every scalar is a string, so ``value: 1200``
  is ``"1200"`` and ``show_drafts: false`` is ``"false"``;
* as an editor's YAML 1.2 parser reads it: ``1200`` and ``2024`` are integers and ``false``
  is a boolean.

The model stays the authority (``briefsite check``); the schema cannot express cross-file
references, verbatim excerpts or "value, or low and high".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from . import dates
from . import model as m
from .export import dumps
from .project import SiteConfig

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The words pydantic accepts for a boolean; the strict loader hands them over as strings.
# (JSON Schema regexes have no case-insensitive flag: lower, Capitalised and UPPER are listed.)
BOOL_WORDS = ("0", "1", "f", "false", "n", "no", "off", "on", "t", "true", "y", "yes")


def schema_models() -> dict[str, type[m.Model]]:
    """Every schema's name (``briefing`` …, ``site``) and the model it is generated from."""
    models: dict[str, type[m.Model]] = {name.removesuffix(".yaml"): model
                                        for name, model in m.FILES.items()}
    models["site"] = SiteConfig
    return models


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, widened to what the strict loader and YAML 1.2 editors produce."""

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        words = sorted({v for w in BOOL_WORDS for v in (w, w.capitalize(), w.upper())})
        return {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": words}]}

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        value = super().model_schema(schema)
        if schema["cls"] is m.Citation:  # Citation._from_id: a bare id means {source: id}
            return {"anyOf": [{"type": "string", "pattern": m.SLUG_PATTERN,
                               "description": "Id of a source in sources.yaml."}, value],
                    "description": value.pop("description", ""), "title": value.pop("title", "")}
        return value


def _widen_dates(node: Any) -> None:
    """A year-only date (``2024``) is an integer to YAML 1.2 editors: accept it as one."""
    if isinstance(node, dict):
        if node.get("pattern") == dates.PATTERN and node.get("type") == "string":
            node["type"] = ["integer", "string"]
            node["minimum"], node["maximum"] = 1000, 9999
        for value in node.values():
            _widen_dates(value)
    elif isinstance(node, list):
        for value in node:
            _widen_dates(value)


def schema_of(name: str, model: type[m.Model]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file model."""
    schema = model.model_json_schema(schema_generator=_Generator, mode="validation")
    _widen_dates(schema)
    filename = "site_config/site.yaml" if name == "site" else f"content/<slug>/{name}.yaml"
    schema["$schema"] = DIALECT
    schema["$id"] = f"{name}.schema.json"
    schema["title"] = f"briefsite {filename}"
    return schema


def rendered() -> dict[str, str]:
    """``{file name: text}`` of every schema file, e.g. ``briefing.schema.json``."""
    return {f"{name}.schema.json": dumps(schema_of(name, model))
            for name, model in sorted(schema_models().items())}


def write(out: Path) -> list[str]:
    """Write every schema file into ``out``; returns the names of the files that changed."""
    files = rendered()
    changed = stale(out, files)
    out.mkdir(parents=True, exist_ok=True)
    for name in changed:
        (out / name).write_text(files[name], encoding="utf-8")
    return changed


def stale(out: Path, files: dict[str, str] | None = None) -> list[str]:
    """Names of the schema files in ``out`` that are missing or differ from the models
    (``files``: what ``rendered()`` returns, if already made)."""
    return [name for name, text in (files or rendered()).items()
            if not (out / name).is_file() or (out / name).read_text(encoding="utf-8") != text]
