"""Citations as readers see them: source labels and numbered references per page.

A reader never sees a source id. A source is named by its outlet, or its headline where no
outlet is stated; where its text states neither, by its opening words (only what the text
itself says, never an invented name). Citations become Python-Markdown footnotes
(``[^ref-…]``): numbered markers in the text, a numbered reference list at the end of the
page and, with Material's ``content.footnote.tooltips``, a preview on hover or tap. Each
reference gives the label, headline, author and date where stated, the cited passage, and a
link to the source on the Sources page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .escape import md, url
from .model import Citation, Source

OPENING_WORDS = 8
NO_OUTLET = "no outlet or headline stated"


def opening_words(text: str, count: int = OPENING_WORDS) -> str:
    """The first words of a stored text (at most ``count``, within its first sentence), with
    an ellipsis when the text goes on."""
    words = text.split()
    first = words[:count]
    for i, word in enumerate(first):
        if word.endswith((".", "?", "!")) and i + 1 < len(words):
            first = first[:i + 1]
            break
    return " ".join(first) + ("…" if len(first) < len(words) else "")


def source_label(source: Source, text: str, number: int) -> str:
    """The name a reader sees for ``source`` (plain text, not escaped).

    Args:
        source: The source.
        text: Its stored text (for the opening words when nothing else is stated).
        number: Its position in sources.yaml, from 1 (when even the text is empty).
    """
    if source.outlet:
        return source.outlet
    if source.title:
        return source.title
    opening = opening_words(text)
    if opening:
        return f"“{opening}” ({NO_OUTLET})"
    return f"Source {number}, {NO_OUTLET}"


def source_labels(sources: Iterable[Source], texts: Mapping[str, str]) -> dict[str, str]:
    """Every source's reader label, by id."""
    return {s.id: source_label(s, texts.get(s.id, ""), i + 1) for i, s in enumerate(sources)}


def name_sources(text: str, labels: Mapping[str, str]) -> str:
    """``text`` with every source id written as a whole word replaced by the source's label.

    Editors' notes may name sources by id ("a1723dbf gives 4,000"); readers see the label.
    """
    if not labels:
        return text
    ids = sorted(labels, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    return pattern.sub(lambda m: labels[m.group(1)], text)


class References:
    """The numbered references of one page, in the order they are first cited.

    A claim's citations make one reference (one marker, one note listing each source and
    passage, as Wikipedia bundles citations): a takeaway resting on five passages carries one
    marker, not five, and its preview shows all five. The same citations cited again reuse it.

    Args:
        sources: The briefing's sources by id.
        labels: Reader labels by source id.
        sources_page: Link to the Sources page from this page (``sources.md`` or ``""``).
    """

    def __init__(self, sources: Mapping[str, Source], labels: Mapping[str, str],
                 sources_page: str = "sources.md") -> None:
        self.sources, self.labels, self.sources_page = sources, labels, sources_page
        self._keys: dict[tuple[tuple[str, str], ...], str] = {}

    def markers(self, citations: Iterable[Citation]) -> str:
        """The one marker for these citations ('' for none): each distinct source and passage
        once, in order."""
        key = tuple(dict.fromkeys((c.source, " ".join((c.excerpt or "").split()))
                                  for c in citations))
        if not key:
            return ""
        if key not in self._keys:
            self._keys[key] = f"ref-{len(self._keys) + 1}"
        return f"[^{self._keys[key]}]"

    def definitions(self) -> str:
        """The footnote definitions of every reference cited on the page ('' when none), under
        a heading search leaves out (the list repeats headlines: it would outrank the page).
        A reference of several passages gives each its own paragraph of the note."""
        lines = [f"[^{name}]: " + "\n\n    ".join(self.describe(source, excerpt)
                                                  for source, excerpt in key)
                 for key, name in self._keys.items()]
        if not lines:
            return ""
        return "\n\n## References {: #references data-search-exclude }\n\n" + "\n\n".join(lines)

    def line(self, source_id: str) -> str:
        """The source as safe Markdown: label, headline, author, date."""
        s = self.sources[source_id]
        parts = [f"**{md(self.labels[source_id])}**"]
        if s.title and s.title != self.labels[source_id]:
            parts.append(f"“{md(s.title)}”")
        if s.author:
            parts.append(md(s.author))
        if s.published:
            parts.append(md(s.published.label))
        return ", ".join(parts) + "."

    def describe(self, source_id: str, excerpt: str = "") -> str:
        """One reference as safe Markdown: ``line``, the cited passage, a link to the source."""
        text = self.line(source_id)
        if excerpt:
            text += f" Cited passage: “{md(excerpt)}”"
        return f"{text} [About this source]({url(self.sources_page + '#source-' + source_id)})"
