"""Cross-checks inside a briefing: ids, references, verbatim quotes and excerpts, and the
support of claims by their passages (``support.py``), quotes' speakers named beside their
words (``attribution.py``).

``cross_check`` runs them over the typed walk of every validated file (``walk.py``).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from . import attribution, support
from . import claimtext as ct
from . import model as m
from .errors import Problem
from .load import Document, PathKey
from .sourcetext import SourceIndex
from .walk import IdList, Reference, Walk, defines, walk


def cross_check(docs: dict[str, Document], models: dict[str, m.Model], texts: dict[str, str],
                unchecked: Collection[str]) -> list[Problem]:
    """Ids, references and verbatim checks over the walk of every validated file.

    Args:
        docs: Loaded files by name.
        models: Validated files by name.
        texts: Stored text of each source, by source id.
        unchecked: Files present but invalid, or required and missing: references to the
            kinds they define are not checked (each would be reported as unknown). An
            optional file that is absent defines its kinds with no ids.
    """
    walks = {name: walk(model) for name, model in models.items()}
    skip = {kind for name in unchecked for kind in defines(m.FILES[name])}
    known: dict[str, list[str]] = {kind: [] for model in m.FILES.values() for kind in defines(model)
                                   if kind not in skip}
    for found in walks.values():
        for ids in found.lists:
            if ids.parent is None and ids.kind in known:  # a nested id is unique only in its parent
                known[ids.kind] += [item.id for item in ids.items]
    index = SourceIndex(texts)
    file_of = {s.id: s.file for found in walks.values() for ids in found.lists
               if ids.kind == "source" for s in ids.items}
    problems: list[Problem] = []
    for name, found in walks.items():
        doc = docs[name]
        problems += unique_ids(doc, found.lists)
        problems += checked_refs(doc, found.refs, known)
        problems += repeated_citations(doc, found)
        problems += _verbatim(doc, found, index, file_of)
    actors = ct.actors_in(walks.values())
    names = ct.names_of(actors.values())  # one index of actors' names for both checks
    problems += support.check(docs, walks, index, names)
    problems += attribution.check(docs, walks, index, actors, names)
    return problems


def _verbatim(doc: Document, found: Walk, index: SourceIndex, file_of: dict[str, str]) -> list[Problem]:
    """Each excerpt, and the words a citing item must contain (a quote's text), are in the
    cited source's stored text."""
    problems = []
    for path, cite, words, owner in found.citations:
        if cite.excerpt is not None:
            problems += verbatim(doc, index, (*path, "excerpt"), cite.source, cite.excerpt,
                                 "excerpt", file_of)
        elif words is not None:
            problems += verbatim(doc, index, path, cite.source, words, owner, file_of)
    return problems


def repeated_citations(doc: Document, found: Walk) -> list[Problem]:
    """A list of citations names a source again only with another excerpt (several passages of
    one source for one fact): a bare id beside any other citation of its source, or the same
    excerpt twice, is a repeat. Excerpts are compared only when a source repeats."""
    earlier: dict[tuple[PathKey, str], list[tuple[PathKey, str | None]]] = {}
    problems = []
    for path, cite, _, _ in found.citations:
        key = (path[:-1], cite.source)
        cited = earlier.get(key)
        excerpt = cite.excerpt
        if cited is None:
            earlier[key] = [(path, excerpt)]
            continue
        words = " ".join(excerpt.split()) if excerpt is not None else None
        seen = next((at for at, other in cited if words is None or other is None
                     or " ".join(other.split()) == words), None)
        cited.append((path, excerpt))
        if seen is None:
            continue
        at = doc.pos((*seen, "source"))
        problems.append(doc.problem((*path, "source"), f"source '{cite.source}' appears twice in "
                                    f"{path[-2]}", f"first at line {at.line}, column {at.col}; cite "
                                    "a source again only with another excerpt (several passages of "
                                    "one source)"))
    return problems


class KnownIds:
    """The known ids of one kind, for "did you mean" hints at a bounded cost per unknown id.

    ``difflib.get_close_matches`` compares an unknown id with every known one (0.16 s among
    10,000 actors). Here each known id is indexed by its character trigrams once, and only the
    ``CANDIDATES`` ids sharing the most of the unknown id's rarest trigrams (at most
    ``POSTINGS`` index entries read) are compared: with few ids, all of them, as before.

    Attributes:
        work: Index entries read and ids compared so far (tests: cost grows linearly).
    """

    CANDIDATES = 64
    POSTINGS = 4_000

    def __init__(self, known: Sequence[str]) -> None:
        self.known = list(known)
        self.work = 0
        self._grams: dict[str, list[int]] | None = None
        self._listed: str | None = None

    @property
    def listed(self) -> str:
        """The first known ids in order, for the hint."""
        if self._listed is None:
            shown = sorted(self.known)[:8]
            self._listed = ", ".join(shown) + (", …" if len(self.known) > 8 else "")
        return self._listed

    def close(self, value: str) -> list[str]:
        """Up to three known ids close to ``value``, closest first."""
        candidates = self.known if len(self.known) <= self.CANDIDATES else self._candidates(value)
        self.work += len(candidates)
        return difflib.get_close_matches(value, candidates, n=3, cutoff=0.5)

    def _candidates(self, value: str) -> list[str]:
        if self._grams is None:
            self._grams = {}
            for i, known in enumerate(self.known):
                for gram in _trigrams(known):
                    self._grams.setdefault(gram, []).append(i)
        grams = self._grams
        shared: Counter[int] = Counter()
        budget = self.POSTINGS
        for gram in sorted(_trigrams(value), key=lambda g: (len(grams.get(g, ())), g)):
            hits = grams.get(gram, [])[:budget]
            shared.update(hits)
            budget -= len(hits)
            self.work += len(hits)
            if budget <= 0:
                break
        return [self.known[i] for i, _ in shared.most_common(self.CANDIDATES)]


def _trigrams(text: str) -> set[str]:
    padded = f"^{text}$"
    return {padded[i:i + 3] for i in range(max(1, len(padded) - 2))}


def unknown_id(doc: Document, path: PathKey, kind: str, value: str,
               ids: KnownIds) -> Problem:
    """A problem for a reference to an id that does not exist, with the closest known ids."""
    close = ids.close(value)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}?" if close else (
        f"known: {ids.listed}" if ids.known else f"no {kind}s are defined")
    if close:
        hint += f" (known: {ids.listed})"
    return doc.problem(path, f"unknown {kind} '{value}'", hint)


def unique_ids(doc: Document, lists: Iterable[IdList]) -> list[Problem]:
    """Every item's id is unique within its list, and its public id (``IdList.public_id``)
    among all items of its kind: figure ``a`` with estimate ``b-c`` and figure ``a-b`` with
    estimate ``c`` would both give ``a-b-c`` in briefing.json and links."""
    problems = []
    public: dict[tuple[str, str], tuple[PathKey, IdList, str]] = {}
    for ids in lists:
        seen: dict[str, int] = {}
        for i, item in enumerate(ids.items):
            path = (*ids.path, i, "id")
            if item.id in seen:
                first = doc.pos((*ids.path, seen[item.id], "id")).line
                problems.append(doc.problem(path, f"duplicate {ids.kind} id '{item.id}'",
                                            f"first defined at line {first}; ids must be unique"))
                continue
            seen[item.id] = i
            key = (ids.kind, ids.public_id(item.id))
            if key in public:
                problems.append(_same_public_id(doc, path, (ids, item.id), public[key]))
            else:
                public[key] = (path, ids, item.id)
    return problems


def _same_public_id(doc: Document, path: PathKey, second: tuple[IdList, str],
                    first: tuple[PathKey, IdList, str]) -> Problem:
    at = doc.pos(first[0])
    ids, item_id = second
    owner = f"the {ids.parent[0]} id and the {ids.kind} id" if ids.parent else "ids"
    return doc.problem(
        path, f"{_named(ids, item_id)} has the same public id '{ids.public_id(item_id)}' as "
              f"{_named(first[1], first[2])}",
        f"first at line {at.line}, column {at.col}; briefing.json and links join {owner} with "
        f"'-': rename one of the two")


def _named(ids: IdList, item_id: str) -> str:
    """``estimate 'c' of figure 'a-b'``."""
    return f"{ids.kind} '{item_id}'" + (f" of {ids.parent[0]} '{ids.parent[1]}'" if ids.parent else "")


def checked_refs(doc: Document, refs: Iterable[Reference],
                 known: dict[str, list[str]]) -> list[Problem]:
    """Each reference names a known id of its kind (a kind missing from ``known`` is not
    checked), and no list names an id twice (``actors: [a, a]``, two citations of one
    source): reported at the repeat."""
    by_kind: dict[str, list[tuple[PathKey, str]]] = {}
    first: dict[tuple[PathKey, str], PathKey] = {}
    problems = []
    for path, mark, value, scope in refs:
        by_kind.setdefault(mark.kind, []).append((path, value))
        if scope is None:
            continue
        if (scope, value) not in first:
            first[scope, value] = path
            continue
        at = doc.pos(first[scope, value])
        problems.append(doc.problem(path, f"{mark.kind} '{value}' appears twice in {scope[-1]}",
                                    f"first at line {at.line}, column {at.col}; name each "
                                    f"{mark.kind} once"))
    for kind, values in by_kind.items():
        if kind in known:
            problems += references(doc, values, kind, known[kind])
    return problems


def references(doc: Document, values: Iterable[tuple[PathKey, str]], kind: str,
               known: Sequence[str]) -> list[Problem]:
    """Each (path, id) must name a known id of ``kind``."""
    known_set = set(known)
    ids: KnownIds | None = None
    problems = []
    for path, value in values:
        if value not in known_set:
            ids = ids or KnownIds(known)  # indexed once, for every unknown id of the list
            problems.append(unknown_id(doc, path, kind, value, ids))
    return problems


def verbatim(doc: Document, index: SourceIndex, path: PathKey, source_id: str, words: str,
             what: str, file_of: dict[str, str]) -> list[Problem]:
    """``words`` must occur in the source's stored text."""
    if source_id not in index or index.find(source_id, words):
        return []
    passage = index.closest(source_id, words)
    hint = f'closest passage in the source: "{passage}"' if passage else (
        "copy the words exactly; only spacing and typographic quotes and dashes may differ")
    return [doc.problem(path, f"{what} not found verbatim in source '{source_id}' "
                              f"({file_of.get(source_id, '?')})", hint)]
