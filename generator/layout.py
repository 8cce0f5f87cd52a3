"""How the section pages arrange a briefing for readers: who comes first on the Who page,
the timeline's days, headlines and key events, the reactions grid, the coverage matrix.

Plain functions over the checked model; `render.Helpers` hands them to the templates.
Everything returned is plain text or data (templates escape it), except `coverage_table`,
which returns HTML built and escaped here (it sits inside a raw ``<details>`` block, where
Markdown is not parsed).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from .briefing import Briefing, Fact
from .dates import FuzzyDate, Precision
from .escape import html_text
from .model import Actor, Event, Prominence, Quote

TIERS = (  # (prominence, heading on the Who page)
    (Prominence.PRINCIPAL, "Principals"),
    (Prominence.SUPPORTING, "Also involved"),
    (Prominence.BACKGROUND, "Reporting and background"),
)
KEY_QUOTE_WORDS = 4    # shorter quotes ("heroism") are never set as a block
HEADLINE_WORDS = 16    # a longer first sentence is cut at its first clause break (6+ words in)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'])")
_CLAUSE = re.compile(r"[,;:]\s|\s[—–-]\s")
PRECISION_NOTE = {Precision.MONTH: "month only", Precision.SEASON: "season only",
                  Precision.YEAR: "year only"}


def mentions(b: Briefing) -> Counter[str]:
    """How many events, quotes, reactions and estimates name each actor."""
    count: Counter[str] = Counter()
    for e in b.timeline:
        count.update(set(e.actors))
    count.update(q.speaker for q in b.quotes)
    count.update(r.actor for r in b.reactions)
    for f in b.figures:
        for est in f.estimates:
            count.update(set(est.estimators))
    return count


def prominence(actor: Actor, named: int) -> Prominence:
    """The editor's ``prominence``, else supporting when anything names the actor."""
    if actor.prominence is not None:
        return actor.prominence
    return Prominence.SUPPORTING if named else Prominence.BACKGROUND


def who_order(b: Briefing) -> list[tuple[str, list[Actor]]]:
    """Actors by tier (principals first). Within a tier, those the editor placed come first in
    the file's order, then the others, most named first, then by name."""
    named = mentions(b)
    place = {a.id: i for i, a in enumerate(b.actors) if a.prominence is not None}
    out = []
    for tier, heading in TIERS:
        members = [a for a in b.actors if prominence(a, named[a.id]) is tier]
        members.sort(key=lambda a: (place.get(a.id, len(place)), -named[a.id], a.name.casefold()))
        if members:
            out.append((heading, members))
    return out


def words(text: str) -> int:
    """Words in ``text``."""
    return len(text.split())


def key_quote(b: Briefing, actor_id: str) -> Quote | None:
    """The speaker's longest quote (the first on a tie)."""
    quotes = [q for q in b.quotes if q.speaker == actor_id]
    return max(quotes, key=lambda q: words(q.text), default=None)


def more_quotes(b: Briefing) -> list[Quote]:
    """Quotes neither a card's key quote nor shown on the Reactions page, in file order."""
    shown = {q.id for r in b.reactions for q in (b.quote[i] for i in r.quotes)}
    shown |= {q.id for a in b.actors if (q := key_quote(b, a.id)) is not None}
    return [q for q in b.quotes if q.id not in shown]


def headline(summary: str) -> tuple[str, str]:
    """An event's summary as (bold headline, the rest): its first sentence, cut at the first
    clause break when longer than `HEADLINE_WORDS` words."""
    text = " ".join(summary.split())
    first, rest = [*_SENTENCE.split(text, maxsplit=1), ""][:2]
    if words(first) > HEADLINE_WORDS:
        brk = _CLAUSE.search(first)
        if brk and 6 <= words(first[:brk.start()]) <= HEADLINE_WORDS:
            head, tail = first[:brk.end()].rstrip(), first[brk.end():].strip()
            return head, f"{tail} {rest}".strip()
    return first, rest


def same_day(a: FuzzyDate, b: FuzzyDate) -> bool:
    """Both dates are the same day (a vaguer date is never the same day)."""
    return a.precision is Precision.DAY and b.precision is Precision.DAY and a.text == b.text


def is_key_event(b: Briefing, event: Event) -> bool:
    """On the briefing's event date, or cited by at least half its sources (two or more)."""
    cited = {c.source for c in event.citations}
    return same_day(event.date, b.meta.event_date) or len(cited) >= max(2, len(b.sources) / 2)


def days(events: Sequence[Event]) -> list[tuple[FuzzyDate, list[Event]]]:
    """Events grouped under their date (as written), in the timeline's order."""
    out: list[tuple[FuzzyDate, list[Event]]] = []
    for e in events:
        if out and out[-1][0].label == e.date.label:
            out[-1][1].append(e)
        else:
            out.append((e.date, [e]))
    return out


def coverage_table(facts: Sequence[Fact], sources: Sequence[Any],
                   label: Callable[[str], str], prose: Callable[[str], str]) -> str:
    """The coverage matrix as an HTML table: a fact per row, a ✓ per citing source (columns
    numbered as the source list), the number of sources last. Every text is escaped."""
    head = "".join(f'<th scope="col"><abbr title="{html_text(label(s.id))}">{i}</abbr></th>'
                   for i, s in enumerate(sources, 1))
    rows = []
    for f in facts:
        ids = f.source_ids
        marks = "".join("<td>✓</td>" if s.id in ids else '<td><span class="bs-no">·</span></td>'
                        for s in sources)
        single = ' class="bs-single"' if len(ids) == 1 else ""
        rows.append(f"<tr{single}><td>{html_text(f.kind)}: {html_text(prose(f.label))}</td>{marks}"
                    f"<td>{len(ids)}{' (single)' if len(ids) == 1 else ''}</td></tr>")
    return (f'<table>\n<thead><tr><th scope="col">Fact</th>{head}<th scope="col">Sources</th>'
            f"</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>")
