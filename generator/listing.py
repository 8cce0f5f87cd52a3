"""A briefing's listing: what the site-wide pages and files read of it.

The home page, the navigation, ``briefings.json`` and the feed read of each briefing only its
slug, its metadata (title, summary, dates, status, changelog), which section pages it has and
its key numbers. A ``Listing`` holds just that: a few kilobytes where the verified model holds
a few hundred. A parallel build's processes each load and verify their own briefings and send
the others their listings; the build cache keeps a reused briefing's listing, not its model.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import spread
from .briefing import Briefing
from .model import BriefingMeta, Figure
from .spread import Spread

PAGES = (  # (file, template, navigation title)
    ("index.md", "overview.md.j2", "Overview"),
    ("who.md", "who.md.j2", "Who"),
    ("timeline.md", "timeline.md.j2", "Timeline"),
    ("numbers.md", "numbers.md.j2", "Numbers"),
    ("reactions.md", "reactions.md.j2", "Reactions"),
    ("sources.md", "sources.md.j2", "Sources"),
)


def sections(briefing: Briefing) -> tuple[tuple[str, str, str], ...]:
    """The briefing's pages (entries of ``PAGES``): Overview and Sources always, every other
    section only when it holds something. An empty section gets no page and no link."""
    content = {"who.md": briefing.actors, "timeline.md": briefing.events,
               "numbers.md": briefing.figures, "reactions.md": briefing.reactions}
    return tuple(page for page in PAGES if content.get(page[0], True))


def figure_spread(briefing: Briefing, figure: Figure) -> Spread:
    """The figure's estimates by their ends, estimators by their short names."""
    return spread.spread(figure, lambda a: spread.short_name(briefing.actor[a].name))


def key_numbers(briefing: Briefing) -> list[tuple[Figure, Spread]]:
    """The briefing's key figures (``spread.key_figures``), each with its spread."""
    return [(f, figure_spread(briefing, f)) for f in spread.key_figures(briefing.figures)]


@dataclass(frozen=True)
class Listing:
    """What the home page, navigation, ``briefings.json`` and feed read of one briefing.

    Attributes:
        slug: Folder name, the briefing's id.
        meta: briefing.yaml.
        sections: Its pages, as ``sections`` gives them.
        key_numbers: Its key figures with their spreads, as ``key_numbers`` gives them.
    """

    slug: str
    meta: BriefingMeta
    sections: tuple[tuple[str, str, str], ...]
    key_numbers: tuple[tuple[Figure, Spread], ...]

    @classmethod
    def of(cls, briefing: Briefing) -> Listing:
        return cls(briefing.slug, briefing.meta, sections(briefing), tuple(key_numbers(briefing)))

    @property
    def pages(self) -> list[str]:
        """Its page paths in the site, ``slug/who.md``."""
        return [f"{self.slug}/{name}" for name, _, _ in self.sections]


def listed_sections(listing: Listing) -> tuple[tuple[str, str, str], ...]:
    """``sections`` in the home template, which receives listings."""
    return listing.sections


def listed_key_numbers(listing: Listing) -> tuple[tuple[Figure, Spread], ...]:
    """``key_numbers`` in the home template, which receives listings."""
    return listing.key_numbers
