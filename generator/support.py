"""The support check: the numbers, dates and actors a claim states are stated by a passage it cites.

``check`` runs over the claims the typed walk found (``walk.Walk.claims``: items whose model
sets ``CLAIM``). A claim's passages are its citations' excerpts and the words of the quotes it
refers to; a bare source id supports nothing checkable. The briefing's summary, which cites
nothing itself, may be supported by any passage the briefing cites; so may its lede. What "stated" means is in
``claimtext.py`` and docs/content-format.md ("Support").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from . import claimtext as ct
from .dates import FuzzyDate
from .errors import Problem
from .load import Document
from .model import Actor
from .sourcetext import SourceIndex
from .walk import Claim, Walk, kind_of


def check(docs: dict[str, Document], walks: dict[str, Walk], index: SourceIndex,
          names: ct.Names) -> list[Problem]:
    """Every claim's items are stated by at least one of its passages."""
    ctx = _Context(walks, index, names)
    problems = []
    for name, found in walks.items():
        for claim in found.claims:
            problems += ctx.check(docs[name], claim)
    return problems


class _Context:
    """What the check needs from the whole briefing: actors' names, sources' publication dates,
    the words of items cited verbatim (quotes), and what each passage states (computed once)."""

    def __init__(self, walks: dict[str, Walk], index: SourceIndex, names: ct.Names) -> None:
        self.published: dict[str, FuzzyDate | None] = {}
        self.verbatim: dict[tuple[str, str], tuple[str, list[str]]] = {}
        for found in walks.values():
            for ids in found.lists:
                for item in ids.items:
                    if ids.kind == "source":
                        self.published[item.id] = item.published
                    field = getattr(type(item), "CITED_VERBATIM", None)
                    if field and ids.parent is None:
                        self.verbatim[ids.kind, item.id] = (getattr(item, field),
                                                            [c.source for c in item.citations])
        self.names = names
        self.walks = walks
        self.hints = _Hints(index, self)
        self._facts: dict[tuple[str, str], ct.Facts] = {}
        self._pool: ct.Facts | None = None

    def facts(self, text: str, source: str) -> ct.Facts:
        """What ``text``, a passage of ``source``, states."""
        key = (text, source)
        found = self._facts.get(key)
        if found is None:
            found = self._facts[key] = ct.facts(text, self.names, self.published.get(source))
        return found

    def passages(self, item: Any, refs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
        """(text, source id) of every passage ``item`` cites."""
        out = [(c.excerpt, c.source) for c in item.citations if c.excerpt is not None]
        for ref in refs:
            if ref in self.verbatim:
                words, sources = self.verbatim[ref]
                out += [(words, s) for s in sources]
        return out

    def pool(self) -> ct.Facts:
        """Everything any passage of the briefing states (for the briefing's summary)."""
        if self._pool is None:
            self._pool = ct.Facts()
            for found in self.walks.values():
                for _, cite, words, _ in found.citations:
                    for text in (cite.excerpt, words):
                        if text is not None:
                            self._pool.update(self.facts(text, cite.source))
        return self._pool

    def check(self, doc: Document, claim: Claim) -> list[Problem]:
        """A problem for each of the claim's fields (``Model.claims``) its passages do not support."""
        problems = []
        for field, text in claim[1].claims():
            problem = self.check_field(doc, claim, field, text)
            if problem is not None:
                problems.append(problem)
        return problems

    def check_field(self, doc: Document, claim: Claim, field: str, text: str) -> Problem | None:
        path, item, refs = claim
        items = ct.extract(text, self.names)
        if isinstance(item, Actor):  # an actor's role naming the actor itself is its subject
            items = [i for i in items if not (i.kind == "actor" and item.id in i.key)]  # type: ignore[operator]
        if not items:
            return None
        cites = getattr(item, "citations", None)
        if cites is None:
            passages = [self.pool()]
            cited = list(self.published)
        else:
            found = self.passages(item, refs)
            passages = [self.facts(t, s) for t, s in found]
            cited = list(dict.fromkeys(c.source for c in cites))
        missing = ct.unsupported(items, passages)
        if not missing:
            return None
        listed = ", ".join(f"{i.kind} '{i.shown}'" for i in missing)
        what = f"the {field}" if cites is None else f"this {kind_of(type(item))}"
        message = f"{what} states what none of its cited passages states: {listed}"
        if cites is not None and not passages:
            message += " (its citations have no excerpt, and a bare source id supports nothing checkable)"
        hint = self.hints.hint(missing, cited, analysis="analysis" in type(item).model_fields)
        undated = [s for s in cited if self.published.get(s) is None]
        if undated and any(i.kind == "date" for i in missing):
            hint += (f"; a relative date (Monday, earlier this month) states a day only in a source "
                     f"with a published date, which {', '.join(repr(s) for s in undated[:3])} lack(s)")
        return doc.problem((*path, field), message, hint)


class _Hints:
    """The passage of the stored texts that states most of a claim's unsupported items.

    Each stored text is cut into sentences, and what each states is indexed by number, actor,
    year and weekday, once per briefing and only when a hint is needed; a hint then scores at most
    ``CANDIDATES`` sentences found through that index, so its cost does not grow with the texts.
    """

    CANDIDATES = 256
    MAX_SHOWN = 300

    def __init__(self, index: SourceIndex, ctx: _Context) -> None:
        self.index, self.ctx = index, ctx
        self._sentences: list[tuple[str, str, ct.Facts]] | None = None
        self._postings: dict[object, list[int]] = {}

    def _build(self) -> list[tuple[str, str, ct.Facts]]:
        if self._sentences is None:
            self._sentences = []
            for sid in self.index.ids:
                for sentence in map(str.strip, _SENTENCE.split(self.index.text(sid))):
                    if sentence:
                        facts = self.ctx.facts(sentence, sid)
                        for key in _keys_of_facts(facts):
                            self._postings.setdefault(key, []).append(len(self._sentences))
                        self._sentences.append((sid, sentence, facts))
        return self._sentences

    def hint(self, missing: Sequence[ct.Item], cited: Sequence[str], analysis: bool) -> str:
        sentences = self._build()
        candidates: set[int] = set()
        for item in missing:
            for key in _keys_of_item(item):
                candidates.update(self._postings.get(key, ())[:self.CANDIDATES - len(candidates)])
        order = {sid: i for i, sid in enumerate(cited)}
        best = max(sorted(candidates), default=None, key=lambda i: (
            sum(sentences[i][2].states(item) for item in missing),
            sentences[i][0] in order, -order.get(sentences[i][0], 0)))
        mark = " or mark it 'analysis: true' if it is the briefing's own synthesis" if analysis else ""
        if best is None or not any(sentences[best][2].states(item) for item in missing):
            return f"no stored text states it; correct the claim{mark}"
        sid, sentence, facts = sentences[best]
        covered = [i for i in missing if facts.states(i)]
        shown = sentence if len(sentence) <= self.MAX_SHOWN else sentence[:self.MAX_SHOWN].rsplit(" ", 1)[0]
        named = ", ".join(f"'{i.shown}'" for i in covered)
        which = "" if len(covered) == len(missing) else f" ({named})"
        return f"source '{sid}' states it{which}: \"{shown}\"; cite that passage as an excerpt{mark}"


_SENTENCE = re.compile(r"(?<=[.!?])[\"'\u201d]?\s+(?=[\"'\u201c(A-Z0-9])")  # texts are normalised: no newline


def _keys_of_facts(facts: ct.Facts) -> Iterable[object]:
    yield from (("n", n) for n in facts.numbers)
    yield from (("a", a) for a in facts.actors)
    yield from (("y", d[0]) for d in facts.dates if d[0] is not None)
    yield from (("m", d[1]) for d in facts.dates if d[0] is None and d[1] is not None)
    yield from (("y", y) for _, y in facts.seasons)
    yield from (("w", w) for w in facts.weekdays)


def _keys_of_item(item: ct.Item) -> Iterable[object]:
    key: Any = item.key
    if item.kind == "number":
        yield ("n", key)
        if item.year:
            yield ("y", key)
    elif item.kind == "actor":
        yield from (("a", a) for a in key)
    elif key[0] == "weekday":
        yield ("w", key[1])
    elif key[0] == "season":
        yield ("y", key[2])
    elif key[0] is not None:
        yield ("y", key[0])
    else:
        yield ("m", key[1])
