"""Turn loaded YAML into models, mapping pydantic's error locations back to file positions."""

from __future__ import annotations

import difflib
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Problem
from .load import Document, PathKey

M = TypeVar("M", bound=BaseModel)
# Pydantic error-location parts that are not YAML keys (union and validator branches).
_NOT_KEYS = {"function-after", "function-before", "function-plain", "str", "int", "list", "dict",
             "model", "tagged-union", "json-or-python", "lax-or-strict"}


def validate(doc: Document, model: type[M]) -> tuple[M | None, list[Problem]]:
    """Validate ``doc.data`` as ``model``; every error becomes a positioned problem."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems = [_problem(doc, model, err) for err in exc.errors(include_url=False)]
        return None, sorted(set(problems))


def _problem(doc: Document, model: type[BaseModel], err: Any) -> Problem:
    path: PathKey = ()
    for part in err["loc"]:  # drop pydantic's branch names, keep every real YAML key
        if (*path, part) in doc.values or (*path, part) in doc.keys or not (
                part in _NOT_KEYS or _is_branch(part)):
            path = (*path, part)
    kind = err["type"]
    where = dotted(path)
    if kind == "missing":
        field = path[-1]
        return doc.problem(path[:-1], f"{dotted(path[:-1]) or 'file'}: missing required field '{field}'",
                           key=True)
    if kind == "extra_forbidden":
        known = _fields_at(model, path[:-1])
        close = difflib.get_close_matches(str(path[-1]), known, n=1, cutoff=0.7)
        hint = f"did you mean '{close[0]}'?" if close else (
            f"allowed fields: {', '.join(known)}" if known else "")
        return doc.problem(path, f"{where}: unknown field '{path[-1]}'", hint, key=True)
    message = str(err["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        message = f"expected a mapping of fields, found {_describe(err.get('input'))}"
    elif kind == "list_type":
        message = f"expected a list, found {_describe(err.get('input'))}"
    elif kind == "string_type":
        message = f"expected text, found {_describe(err.get('input'))}"
    elif kind == "enum":
        message = f"expected {_choices(model, path)}, found '{err.get('input')}'"
    elif kind in ("bool_type", "bool_parsing"):
        message = f"expected true or false, found {_describe(err.get('input'))}"
    elif kind == "too_short" and isinstance(err.get("input"), list):
        message = "must not be empty"
    elif kind == "string_too_long":
        message = f"text is too long ({len(err.get('input') or '')} characters)"
    refusal = (err.get("ctx") or {}).get("error")
    hint = getattr(refusal, "hint", "")  # from errors.Refusal
    key = getattr(refusal, "key", None)  # a key inside a mapping value (a bounded date)
    if key is not None and (*path, key) in doc.values:
        path = (*path, key)
        where = dotted(path)
    return doc.problem(path, f"{where or 'file'}: {message}", hint)


def _choices(model: type[BaseModel], path: PathKey) -> str:
    """The allowed values of the enum field at ``path``, in our words, not pydantic's."""
    values = [str(m.value) for m in _enum_at(model, path) or ()]
    if not values:
        return "one of the allowed values"
    quoted = [f"'{v}'" for v in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _enum_at(model: type[BaseModel], path: PathKey) -> type[Enum] | None:
    found = _field_at(model, path)
    return None if found is None else _inner(found[0], Enum)


def _field_at(model: type[BaseModel], path: PathKey) -> tuple[Any, Any] | None:
    """The annotation of the field at ``path`` inside ``model`` and the model it holds (None
    where the path leaves the models)."""
    current: Any = model
    annotation: Any = None
    for part in path:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return None
        annotation = field.annotation
        current = _inner_model(annotation)
    return annotation, current


def _inner(annotation: Any, base: type) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, base):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner(arg, base)
        if found is not None:
            return found
    return None


def _is_branch(part: Any) -> bool:
    return isinstance(part, str) and ("[" in part or part.startswith("function-"))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return f"text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def dotted(path: PathKey) -> str:
    """``("figures", 2, "id")`` → ``figures[2].id``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fields_at(model: type[BaseModel], path: PathKey) -> list[str]:
    """Names of the fields of the model found at ``path`` inside ``model``."""
    found = _field_at(model, path)
    return [] if found is None else list(getattr(found[1], "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    return _inner(annotation, BaseModel)
