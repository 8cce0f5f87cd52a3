"""The attribution check: a quote's speaker is named beside its words in a cited source.

For every quote (``quotes.yaml``), at least one cited source must name the speaker (its name
or an alias, as ``claimtext.Names`` finds them) near the quoted words: in the sentence that
holds them, the sentence before or the sentence after, within ``WINDOW`` characters either
side, the words themselves left out (an excerpt holding the words and who said them counts).
A quote whose sources attribute the words some other way ("the statement said") records it
in ``attribution`` and is exempt. A quote whose own words
name its speaker ("Comrade Kim Jong Un decided …" given to Kim) is a warning: people seldom
speak of themselves in the third person, so the words are likely someone else's report.
The rules are documented in docs/content-format.md ("Attribution").
"""

from __future__ import annotations

import re
from typing import Any

from . import claimtext as ct
from .errors import Problem
from .load import Document
from .sourcetext import SourceIndex, normalise
from .walk import Walk

WINDOW = 300  # characters either side of the quoted words
_BOUNDARY = re.compile(r"[.!?][\"')\]]*\s")


def check(docs: dict[str, Document], walks: dict[str, Walk], index: SourceIndex,
          actors: dict[str, Any], names: ct.Names) -> list[Problem]:
    """Every quote's speaker is named near its words in a cited source (or it says how it is
    attributed); a quote naming its own speaker is a warning."""
    quotes = [(name, (*ids.path, i), q) for name, found in walks.items() for ids in found.lists
              if ids.kind == "quote" and ids.parent is None for i, q in enumerate(ids.items)]
    if not quotes:
        return []
    problems = []
    for name, path, quote in quotes:
        if quote.speaker not in actors:
            continue  # reported as an unknown actor
        doc = docs[name]
        own = [shown for shown, ids, _, _ in names.find(quote.text) if quote.speaker in ids]
        if own:
            problems.append(_third_person(doc, path, quote, own[0]))
        if quote.attribution is None and not _named_near(quote, index, names):
            problems.append(_unattributed(doc, path, quote, actors[quote.speaker]))
    return problems


def _named_near(quote: Any, index: SourceIndex, names: ct.Names) -> bool:
    """Some cited source names the speaker near the quoted words (or its excerpt of them);
    also true when the words are found in no cited source (the verbatim check reports that)."""
    located = False
    for cite in quote.citations:
        if cite.source not in index:
            continue  # reported as a missing source
        hay = index.text(cite.source)
        for start, end in index.spans(cite.source, cite.excerpt or quote.text):
            located = True
            for text in window(hay, *_words_in(hay, start, end, quote.text)):
                if any(quote.speaker in ids for _, ids, _, _ in names.find(text, every=True)):
                    return True
    return not located


def _words_in(hay: str, start: int, end: int, words: str) -> tuple[int, int]:
    """Where the quoted words are inside the cited passage ``hay[start:end]`` (an excerpt may
    hold the words and who said them), else the whole passage."""
    at = hay.find(normalise(words), start, end)
    return (at, at + len(normalise(words))) if at >= 0 else (start, end)


def window(hay: str, start: int, end: int) -> tuple[str, str]:
    """The text that may name who said ``hay[start:end]``: before and after it, in its
    sentence and the adjacent one, at most ``WINDOW`` characters either side."""
    return _before(hay, start), _after(hay, end)


def _before(hay: str, start: int) -> str:
    """The text before ``start`` in its sentence and the sentence before it (bounded)."""
    text = hay[max(0, start - WINDOW):start]
    ends = [m.end() for m in _BOUNDARY.finditer(text)]
    return text[ends[-2]:] if len(ends) >= 2 else text


def _after(hay: str, end: int) -> str:
    """The text after ``end`` in its sentence and the sentence after it (bounded)."""
    text = hay[end:end + WINDOW]
    ends = [m.end() for m in _BOUNDARY.finditer(text)]
    return text[:ends[1]] if len(ends) >= 2 else text


def _third_person(doc: Document, path: tuple, quote: Any, shown: str) -> Problem:
    problem = doc.problem((*path, "text"), (
        f"the words of quote '{quote.id}' name its own speaker ('{shown}'): they are likely "
        f"someone else's report of what the speaker said or did"),
        "check who the source says spoke these words; give the quote to that speaker (with "
        "'attribution' if the source names no one beside them)")
    return Problem(problem.path, problem.line, problem.col, problem.message, problem.hint,
                   warning=True)


def _unattributed(doc: Document, path: tuple, quote: Any, speaker: Any) -> Problem:
    cited = ", ".join(f"'{c.source}'" for c in quote.citations[:5])
    return doc.problem((*path, "speaker"), (
        f"no cited source ({cited}) names the speaker '{speaker.name}' near the words of quote "
        f"'{quote.id}' (in their sentence, the one before or the one after)"),
        "give the quote to the speaker the source names beside the words, add the name the "
        "source uses to the actor's aliases, cite a source that names the speaker, or record "
        "how the source attributes the words in 'attribution' (e.g. \"the statement said\")")
