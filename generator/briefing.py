"""A whole briefing: load its files, validate them, verify every citation.

``load_briefing`` runs the stages for one folder and returns either a cited, frozen
``Briefing`` or the full list of problems found across its files.
"""

from __future__ import annotations

import difflib
import fnmatch
import gc
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import dates
from . import model as m
from .chart import estimate_text
from .errors import Problem
from .load import Document, load_yaml, read_text
from .paths import Refused, confine, list_folder, real_root
from .publishing import placeholders
from .validate import validate
from .verify import cross_check
from .walk import nested_id


@dataclass(frozen=True)
class Fact:
    """Any cited statement of the briefing, for corroboration and coverage.

    Attributes:
        kind: takeaway, actor, event, estimate, quote or reaction.
        id: The fact's id (takeaways are numbered).
        label: Short text naming the fact.
        citations: Its citations.
        figure: For an estimate, the id of its figure (where it is shown); else None.
    """

    kind: str
    id: str
    label: str
    citations: tuple[m.Citation, ...]
    figure: str | None = None

    @property
    def source_ids(self) -> list[str]:
        """Distinct cited sources, in citation order."""
        return list(dict.fromkeys(c.source for c in self.citations))


@dataclass(frozen=True)
class Briefing:
    """A validated, verified briefing: what templates receive.

    Attributes:
        slug: Folder name, the briefing's id.
        meta: briefing.yaml.
        sources: Stored sources.
        actors: People, organisations, states.
        events: Timeline events, in file order.
        figures: Metrics with their estimates.
        quotes: Direct quotations.
        reactions: Reactions.
        texts: Stored text of each source, by source id.
        warnings: What ``check`` warns about (``Problem.warning``); never stops a build.
    """

    slug: str
    meta: m.BriefingMeta
    sources: tuple[m.Source, ...]
    actors: tuple[m.Actor, ...] = ()
    events: tuple[m.Event, ...] = ()
    figures: tuple[m.Figure, ...] = ()
    quotes: tuple[m.Quote, ...] = ()
    reactions: tuple[m.Reaction, ...] = ()
    texts: dict[str, str] = field(default_factory=dict, compare=False)
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    @cached_property
    def actor(self) -> dict[str, m.Actor]:
        """Actors by id."""
        return {a.id: a for a in self.actors}

    @cached_property
    def source(self) -> dict[str, m.Source]:
        """Sources by id."""
        return {s.id: s for s in self.sources}

    @cached_property
    def quote(self) -> dict[str, m.Quote]:
        """Quotes by id."""
        return {q.id: q for q in self.quotes}

    @cached_property
    def facts(self) -> list[Fact]:
        """Every cited fact, in page order."""
        out = [Fact("takeaway", f"takeaway-{i + 1}", t.text, tuple(t.citations))
               for i, t in enumerate(self.meta.takeaways)]
        out += [Fact("actor", a.id, a.name, tuple(a.citations)) for a in self.actors]
        out += [Fact("event", e.id, e.summary, tuple(e.citations)) for e in self.timeline]
        out += [Fact("estimate", nested_id(f.id, e.id), f"{f.metric}: {estimate_text(e)} "
                     f"({', '.join(self.actor[a].name for a in e.estimators if a in self.actor)})",
                     tuple(e.citations), figure=f.id)
                for f in self.figures for e in f.estimates]
        out += [Fact("quote", q.id, q.text, tuple(q.citations)) for q in self.quotes]
        out += [Fact("reaction", r.id, r.summary, tuple(r.citations)) for r in self.reactions]
        return out

    @cached_property
    def timeline(self) -> list[m.Event]:
        """Events in chronological order: by the last day each may fall on, the vaguer after
        the more precise (stable for equal dates). An event entirely before another is always listed first;
        undated events come last. See ``uncertain`` for those that cannot be ordered."""
        return sorted(self.events, key=lambda e: e.date.sort_key)

    @cached_property
    def uncertain(self) -> frozenset[str]:
        """Ids of events that span several days and overlap another event's different date:
        their place in the timeline is not known (shown with a note)."""
        flags = dates.uncertain([e.date for e in self.events])
        return frozenset(e.id for e, flag in zip(self.events, flags) if flag)

    def latest(self, count: int = 5) -> list[m.Event]:
        """The ``count`` events that may be the latest, latest first: the timeline's order
        reversed, except that events of one date stay in file order. Undated events are not
        among them (an event known only to come before a day is)."""
        order = {e.id: i for i, e in enumerate(self.events)}
        dated = [e for e in self.events if e.date.end is not None]
        return sorted(dated, key=lambda e: (tuple(-k for k in e.date.sort_key), order[e.id]))[:count]


def load_briefing(folder: Path, root: Path) -> tuple[Briefing | None, list[Problem]]:
    """Load, validate and verify the briefing in ``folder`` (paths shown relative to ``root``).

    The cyclic garbage collector is paused meanwhile: loading allocates tens of thousands of
    small objects (events, dicts, models) and creates no reference cycles, so collections
    triggered by those allocations only re-walk the heap; pausing them saves 10-20% of a check.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_briefing(folder, root)
    finally:
        _age_young_objects()
        if enabled:
            gc.enable()


def _age_young_objects() -> None:
    """Move every object the collector tracks to its oldest generation, without scanning them.

    With collection paused, the objects a briefing allocated pile up in the youngest
    generation, and the first collection after ``gc.enable()`` walked all of them: at 300
    briefings one such collection took ~20 % of a check. ``freeze`` then ``unfreeze`` splices
    the lists in O(1); the objects are still collected, by the next full collection. Skipped
    when the program froze objects itself (``unfreeze`` would release them).
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _load_briefing(folder: Path, root: Path) -> tuple[Briefing | None, list[Problem]]:
    rel = _rel(folder, root)
    problems: list[Problem] = []
    if not m.is_slug(folder.name):
        problems.append(Problem(rel, 0, 0, f"briefing folder name '{folder.name}' is not a valid id",
                                "rename it to lowercase letters, digits and hyphens"))
    root = real_root(root)
    try:
        names = set(list_folder(confine(folder, root)))
    except Refused as exc:
        return None, [*problems, exc.problem(rel)]
    docs, models = {}, {}
    for name in sorted(n for n in names if fnmatch.fnmatch(n, "*.y*ml")):
        if name not in m.FILES:
            close = difflib.get_close_matches(name, [f for f in m.FILES if f not in names],
                                              n=1, cutoff=0.7)
            hint = (f"did you mean '{close[0]}'? (rename the file)" if close else
                    f"a briefing holds {', '.join(m.FILES)}")
            problems.append(Problem(f"{rel}/{name}", 0, 0, f"unexpected file '{name}'", hint))
    for name, model in m.FILES.items():
        if name not in names:  # a directory, FIFO or broken link by that name is not absent
            if name in m.REQUIRED_FILES:
                problems.append(Problem(f"{rel}/{name}", 0, 0, f"missing required file '{name}'"))
            continue
        doc, found = load_yaml(folder / name, f"{rel}/{name}", root=root)
        problems += found
        if doc is None:
            continue
        docs[name] = doc
        validated, found = validate(doc, model)
        problems += found
        if validated is not None:
            models[name] = validated
    sources = models.get("sources.yaml")
    texts, found = _source_texts(folder, rel, root, docs.get("sources.yaml"),
                                 sources if isinstance(sources, m.SourcesFile) else None)
    problems += found
    unchecked = {name for name in m.FILES if (name in names and name not in models)
                 or (name not in names and name in m.REQUIRED_FILES)}
    problems += cross_check(docs, models, texts, unchecked)
    meta = models.get("briefing.yaml")
    problems += placeholders(docs, meta if isinstance(meta, m.BriefingMeta) else None)
    warnings = tuple(p for p in problems if p.warning)
    if len(warnings) < len(problems) or not isinstance(meta, m.BriefingMeta) or sources is None:
        return None, problems
    get = lambda name, attr: tuple(getattr(models[name], attr)) if name in models else ()  # noqa: E731
    return Briefing(
        slug=folder.name, meta=meta, sources=get("sources.yaml", "sources"),
        actors=get("actors.yaml", "actors"), events=get("timeline.yaml", "events"),
        figures=get("figures.yaml", "figures"), quotes=get("quotes.yaml", "quotes"),
        reactions=get("reactions.yaml", "reactions"), texts=texts, warnings=warnings,
    ), []


def _rel(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` as written (a linked folder is shown by its link's name)."""
    try:
        return Path(os.path.abspath(path)).relative_to(real_root(root)).as_posix()
    except ValueError:
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:
            return path.as_posix()


def _source_texts(folder: Path, rel: str, root: Path, doc: Document | None,
                  sources: m.SourcesFile | None) -> tuple[dict[str, str], list[Problem]]:
    """The stored text of every source; ``root`` is the project's real path."""
    if doc is None or sources is None:
        return {}, []
    try:
        confine(folder / "sources", root)
    except FileNotFoundError:
        pass  # every file is then reported missing
    except Refused as exc:
        return {}, [exc.problem(f"{rel}/sources")]
    base = Path(os.path.abspath(folder / "sources"))
    texts, problems = {}, []
    for i, src in enumerate(sources.sources):
        at = ("sources", i, "file")
        try:  # the path is the editor's: the OS may refuse it (a name over 255 bytes)
            target = Path(os.path.abspath(folder / src.file))  # as written; links: read_text
            outside = Path(src.file).is_absolute() or not target.is_relative_to(base) or target == base
            exists = not outside and os.path.lexists(folder / src.file)
        except OSError as exc:
            problems.append(doc.problem(at, f"source file '{src.file}' cannot be opened: "
                                            f"{(exc.strerror or str(exc)).lower()}",
                                        "write a short path like sources/upi.txt"))
            continue
        if outside:
            problems.append(doc.problem(at, f"source file '{src.file}' is outside the briefing's "
                                            "sources/ folder", "write a path like sources/upi.txt"))
            continue
        if not exists:
            stored = _stored(folder / "sources")
            problems.append(doc.problem(at, f"source file '{src.file}' does not exist",
                                        f"stored texts: {', '.join(stored)}" if stored else
                                        "store the article text under sources/"))
            continue
        text, problem = read_text(folder / src.file, f"{rel}/{src.file}", root=root)
        if problem is not None:
            problems.append(problem)
        elif text is not None:
            texts[src.id] = text
    return texts, problems


def _stored(folder: Path) -> list[str]:
    try:
        return list_folder(folder)
    except Refused:
        return []
