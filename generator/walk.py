"""The typed walk: what a content file holds, found from its models' own structure.

One pass over a validated model finds every reference (a field marked with ``model.Ref``),
every citation (with the words its source must contain, from ``Model.CITED_VERBATIM``) and
every list of items with ids. ``verify.py`` checks them; no file name decides what is where.
How to walk each model class is worked out once from its field annotations (``_plan``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from types import NoneType, UnionType
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

from .load import PathKey
from .model import Citation, Model, Ref


def nested_id(parent: str, child: str) -> str:
    """The public id of an item in a list held by another item: an estimate's is its figure's
    id, '-', its own (``killed`` + ``us`` → ``killed-us``), in briefing.json and links."""
    return f"{parent}-{child}"


def kind_of(cls: type[BaseModel]) -> str:
    """An item's kind, as references (``Ref.kind``) and messages name it: ``Actor`` → actor."""
    return cls.__name__.lower()


class Reference(NamedTuple):
    """An id written in a reference field.

    Attributes:
        path: Where the id is written.
        ref: The field's mark (the kind it refers to).
        id: The id.
        scope: The list in which the id may appear once (``actors: [a, a]``, two citations
            of one source), or None.
    """

    path: PathKey
    ref: Ref
    id: str
    scope: PathKey | None


class Cited(NamedTuple):
    """A citation and what its source must contain besides its excerpt.

    Attributes:
        path: Where the citation is written.
        citation: The citation.
        words: The citing item's text its source must contain verbatim (a quote's), or None.
        owner: Kind of the citing item.
    """

    path: PathKey
    citation: Citation
    words: str | None
    owner: str


class IdList(NamedTuple):
    """A list of items that have ids.

    Attributes:
        path: Where the list is written.
        kind: Kind of its items.
        items: The items.
        parent: Kind and public id of the item holding the list (a figure for its
            estimates), or None for a list at the top of a file.
    """

    path: PathKey
    kind: str
    items: Sequence[Any]
    parent: tuple[str, str] | None

    def public_id(self, item_id: str) -> str:
        """The id the item has in briefing.json and links."""
        return item_id if self.parent is None else nested_id(self.parent[1], item_id)


@dataclass
class Walk:
    """Everything one walk found, in file order."""

    refs: list[Reference] = field(default_factory=list)
    citations: list[Cited] = field(default_factory=list)
    lists: list[IdList] = field(default_factory=list)


def walk(model: Model) -> Walk:
    """Every reference, citation and id list in ``model`` (a whole file's)."""
    found = Walk()
    _walk(model, (), None, found)
    return found


_REF, _REFS, _MODEL, _MODELS = range(4)
_Step = tuple[str, int, Any]  # field name, how to walk it, its Ref or model class


def _walk(item: BaseModel, path: PathKey, parent: tuple[str, str] | None, found: Walk) -> None:
    for name, how, arg in _plan(type(item)):
        value = getattr(item, name)
        if value is None:
            continue
        at = (*path, name)
        if how == _REF:
            scope = path[:-1] if arg.keyed and path and isinstance(path[-1], int) else None
            found.refs.append(Reference(at, arg, value, scope))
        elif how == _REFS:
            found.refs.extend(Reference((*at, i), arg, v, at) for i, v in enumerate(value))
        elif how == _MODEL:
            _walk(value, at, parent, found)
        else:
            _walk_list(item, value, at, arg, parent, found)


def _walk_list(owner: Any, items: list[Any], at: PathKey, cls: type[BaseModel],
               parent: tuple[str, str] | None, found: Walk) -> None:
    if cls is Citation:
        words = getattr(owner, owner.CITED_VERBATIM) if owner.CITED_VERBATIM else None
        owner_kind = kind_of(type(owner))
        found.citations.extend(Cited((*at, i), c, words, owner_kind) for i, c in enumerate(items))
    if "id" in cls.model_fields:
        ids = IdList(at, kind_of(cls), items, parent)
        found.lists.append(ids)
        if _plan(cls):
            for i, item in enumerate(items):
                _walk(item, (*at, i), (ids.kind, ids.public_id(item.id)), found)
    elif _plan(cls):
        for i, item in enumerate(items):
            _walk(item, (*at, i), parent, found)


@cache
def defines(cls: type[BaseModel]) -> frozenset[str]:
    """Kinds of the items with ids that a model (a file's) can hold, at any depth."""
    kinds: set[str] = set()
    for _, how, arg in _plan(cls):
        if how in (_MODEL, _MODELS):
            kinds |= defines(arg)
            if how == _MODELS and "id" in arg.model_fields:
                kinds.add(kind_of(arg))
    return frozenset(kinds)


@cache
def _plan(cls: type[BaseModel]) -> tuple[_Step, ...]:
    """The fields of ``cls`` that hold references, citations or ids, and how to walk them."""
    steps = []
    for name, info in cls.model_fields.items():
        step = _classify(info.annotation, info.metadata)
        if step is not None:
            steps.append((name, *step))
    return tuple(steps)


def _classify(annotation: Any, metadata: Sequence[Any]) -> tuple[int, Any] | None:
    marks = [m for m in metadata if isinstance(m, Ref)]
    if marks:
        return _REF, marks[0]
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _classify(args[0], annotation.__metadata__)
    if origin in (Union, UnionType) and NoneType in args and len(args) == 2:
        return _classify(next(a for a in args if a is not NoneType), ())
    if origin is list:
        inner = _classify(args[0], ())
        if inner is not None and inner[0] in (_REF, _MODEL):
            return (_REFS if inner[0] == _REF else _MODELS), inner[1]
        if inner is not None:
            raise TypeError(f"walk.py cannot walk {annotation}")  # a list of lists: say how
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return (_MODEL, annotation) if (_plan(annotation) or "id" in annotation.model_fields
                                        or annotation is Citation) else None
    return None
