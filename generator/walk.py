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


# A reference (plain tuples: a check walks tens of thousands, a NamedTuple is 6x slower to make):
# where the id is written, the field's mark (the kind it refers to), the id, and the list in
# which the id may appear once (``actors: [a, a]``, two citations of one source) or None.
Reference = tuple[PathKey, Ref, str, PathKey | None]
# A citation: where it is written, the citation, the citing item's text its source must
# contain verbatim (a quote's) or None, and the citing item's kind.
Cited = tuple[PathKey, Citation, str | None, str]
# A claim (``Model.CLAIM``): where the item is written, the item, and the ids it refers to
# (a reaction's quotes, whose words are passages of the claim too).
Claim = tuple[PathKey, Model, tuple[tuple[str, str], ...]]


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
    claims: list[Claim] = field(default_factory=list)


def walk(model: Model) -> Walk:
    """Every reference, citation and id list in ``model`` (a whole file's)."""
    found = Walk()
    _fields(model, (), None, None, found)
    return found


_REF, _REFS, _MODEL, _MODELS = range(4)
_Step = tuple[str, int, Any]  # field name, how to walk it, its Ref or model class


def _fields(item: BaseModel, path: PathKey, parent: tuple[str, str] | None,
            scope: PathKey | None, found: Walk) -> None:
    """Walk one item; ``scope`` is the list holding it (where a keyed reference is unique)."""
    if isinstance(item, Model) and item.CLAIM is not None:
        found.claims.append((path, item, _referred(item)))
    for name, how, arg in _plan(type(item)):
        value = getattr(item, name)
        if value is None:
            continue
        at = (*path, name)
        if how == _REF:
            found.refs.append((at, arg, value, scope if arg.keyed else None))
        elif how == _REFS:
            found.refs += [((*at, i), arg, v, at) for i, v in enumerate(value)]
        elif how == _MODEL:
            _fields(value, at, parent, None, found)
        else:
            _items(item, value, at, arg, parent, found)


def _items(owner: BaseModel, items: list[Any], at: PathKey, cls: type[BaseModel],
           parent: tuple[str, str] | None, found: Walk) -> None:
    """Walk the list ``at`` of ``cls`` items held by ``owner``."""
    if cls is Citation:
        field = type(owner).CITED_VERBATIM if isinstance(owner, Model) else None
        words = getattr(owner, field) if field else None
        owner_kind = kind_of(type(owner))
        found.citations += [((*at, i), c, words, owner_kind) for i, c in enumerate(items)]
    plan = _plan(cls)
    if "id" in cls.model_fields:
        ids = IdList(at, kind_of(cls), items, parent)
        found.lists.append(ids)
        for i, item in enumerate(items) if plan else ():
            _fields(item, (*at, i), (ids.kind, ids.public_id(item.id)), at, found)
    elif len(plan) == 1 and plan[0][1] == _REF:  # one reference per item (citations): inline
        name, _, ref = plan[0]
        scope = at if ref.keyed else None
        found.refs += [((*at, i, name), ref, value, scope)
                       for i, item in enumerate(items) if (value := getattr(item, name)) is not None]
    else:
        for i, item in enumerate(items) if plan else ():
            _fields(item, (*at, i), parent, at, found)


def _referred(item: BaseModel) -> tuple[tuple[str, str], ...]:
    """Kind and id of what ``item``'s own reference fields name (not its citations')."""
    ids: list[tuple[str, str]] = []
    for name, how, arg in _plan(type(item)):
        value = getattr(item, name)
        if how == _REF and value is not None:
            ids.append((arg.kind, value))
        elif how == _REFS:
            ids += [(arg.kind, v) for v in value]
    return tuple(ids)


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
