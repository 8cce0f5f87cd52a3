"""Render a checked site into Markdown pages through the Jinja templates.

The output is a ``{relative path: markdown}`` mapping, byte-identical for the same input.
It is engine-neutral: standard Python-Markdown extensions only (tables, toc, admonition,
attr_list, footnotes), raw HTML only for the SVG charts and stored texts, built and escaped
here.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.loaders import split_template_path
from markupsafe import Markup

from . import chart, export, layout
from .briefing import Briefing, Fact
from .escape import FILTERS, attr, html_text, md, url
from .listing import figure_spread, key_numbers, listed_key_numbers, listed_sections, sections
from .model import Citation, Figure
from .paths import Refused, confine, real_root
from .project import Site
from .references import References, name_sources, source_labels
from .spread import Spread

HOME_TEMPLATE = "home.md.j2"


def default_templates() -> Path:
    """The shipped templates: inside the wheel, or the repository's templates/ folder."""
    packaged = Path(__file__).parent / "_templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


class ProjectLoader(FileSystemLoader):
    """The project's ``templates/``: a template whose real path is outside the project (a link
    to /etc, a loop) is refused, never read nor skipped for the default of the same name."""

    def __init__(self, root: Path) -> None:
        self.root = real_root(root)
        folder = root / "templates"
        super().__init__([str(folder)] if os.path.lexists(folder) else [])

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            path = Path(folder, *split_template_path(template))
            try:
                confine(Path(folder), self.root)
                if os.path.lexists(path):
                    confine(path, self.root)
            except Refused as exc:
                raise TemplateError(f"{exc.filename}: {exc.strerror}") from None
        return super().get_source(environment, template)


def environment(root: Path) -> Environment:
    """Jinja environment: the project's templates/ shadow the defaults of the same name."""
    loader = ChoiceLoader([ProjectLoader(root), FileSystemLoader(str(default_templates()))])
    env = Environment(loader=loader, undefined=StrictUndefined, autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    env.filters["number"] = chart.number
    env.filters["jsonld"] = export.jsonld_script
    return env


def render_site(site: Site, env: Environment) -> dict[str, str]:
    """Every page of the site: the home page and each published briefing's pages."""
    pages = render_home(site, env)
    for briefing in site.published:
        pages.update(render_briefing(briefing, site, env))
    return pages


def render_home(site: Site, env: Environment) -> dict[str, str]:
    """The home page, ``{"index.md": markdown}``, from the listings of every briefing."""
    return {"index.md": env.get_template(HOME_TEMPLATE).render(
        site=site.config, briefings=site.listing, sections=listed_sections,
        key_numbers=listed_key_numbers)}


def render_briefing(briefing: Briefing, site: Site, env: Environment) -> dict[str, str]:
    """The pages of one briefing, keyed ``slug/page.md``; each ends with its references."""
    labels = source_labels(briefing.sources, briefing.texts)
    pages = {}
    present = sections(briefing)
    for name, template, _ in present:
        helper = Helpers(briefing, labels, "" if name == "sources.md" else "sources.md",
                         language=site.config.language)
        helper.page, helper.sections = name, present
        text = env.get_template(template).render(b=briefing, site=site.config, h=helper,
                                                 pages=present)
        refs = helper.refs.definitions()
        text = text.rstrip("\n") + refs + "\n" if refs else text
        pages[f"{briefing.slug}/{name}"] = no_meta_data(text)
    return pages


# A page's first line read as MultiMarkdown meta-data ("Key: value") by MkDocs, which drops it.
_META_LINE = re.compile(r"[ ]{0,3}[A-Za-z0-9_-]+:")


def no_meta_data(page: str) -> str:
    """The page, opening with an empty line when its first line would be taken for meta-data:
    a section page opens with the story's title, and "Update: …" would vanish from it."""
    return "\n" + page if _META_LINE.match(page) else page


def mkdocs_settings(site: Site) -> dict[str, Any]:
    """What the site settings set in mkdocs.yml's terms, escaped where themes print raw.

    Themes print ``site_name``, ``site_description`` and ``copyright`` unescaped (the copyright
    line is meant to hold HTML). Material also prints ``site_name`` once through ``| e`` (the
    logo's title): as Markup, the escaped name passes that filter unchanged instead of being
    escaped twice.
    """
    settings: dict[str, Any] = {
        "site_name": Markup(html_text(site.config.title)),
        "site_description": attr(site.config.description),
        "language": site.config.language,
        "nav": nav(site),
    }
    if site.config.copyright:
        settings["copyright"] = html_text(site.config.copyright)
    if site.config.site_url:
        settings["site_url"] = site.config.site_url
    return settings


def nav(site: Site) -> list[Any]:
    """MkDocs navigation: Home, then one section per briefing.

    Section titles are HTML-escaped here because themes print navigation titles unescaped.
    Every page gets a fixed title, so no content-derived text reaches a page's ``<title>``
    (Jinja's ``striptags``, used there by themes, unescapes entities).
    """
    return [{"Home": "index.md"}] + [
        {html_text(b.meta.title): [{title: f"{b.slug}/{name}"} for name, _, title in b.sections]}
        for b in site.listing]


class Helpers:
    """Functions templates call for one briefing; every string returned is safe Markdown."""

    def __init__(self, briefing: Briefing, labels: dict[str, str] | None = None,
                 sources_page: str = "sources.md", language: str = "en") -> None:
        self.b = briefing
        self.language = language  # the site's: a translation's
        self.labels = labels if labels is not None else source_labels(briefing.sources,
                                                                      briefing.texts)
        self.refs = References(briefing.source, self.labels, sources_page)
        # in running text a headline reads as one in quotation marks
        self.prose_labels = {s.id: f"“{self.labels[s.id]}”" if s.title and not s.outlet
                             else self.labels[s.id] for s in briefing.sources}
        self.page, self.sections = "index.md", sections(briefing)
        self._cited_by: dict[str, list[tuple[Fact, Citation]]] = defaultdict(list)
        for fact in briefing.facts:
            for citation in fact.citations:
                self._cited_by[citation.source].append((fact, citation))

    def section_bar(self) -> str:
        """``[Overview](index.md) · **Who** · [Timeline](timeline.md) …``: every section of the
        briefing one tap away, the current one in bold (a paragraph of class bs-sections)."""
        items = [f"**{title}**" if name == self.page else f"[{title}]({name})"
                 for name, _, title in self.sections]
        return " · ".join(items) + "\n{: .bs-sections }"

    def cite(self, citations: list[Citation] | tuple[Citation, ...]) -> str:
        """Numbered reference markers (``[^ref-1][^ref-2]``), one per source and passage."""
        return self.refs.markers(citations)

    def label(self, source_id: str) -> str:
        """The source's name for readers (Markdown-escaped): never its id."""
        return md(self.labels[source_id])

    def prose(self, text: object) -> str:
        """An editor's free text, Markdown-escaped, source ids replaced by their labels."""
        return md(name_sources("" if text is None else str(text), self.prose_labels))

    def quote(self, q: Any) -> str:
        """A quote's words as blockquote lines: ``> “…”``; a quote in another language carries
        its ``lang`` (an attr_list line: the tag is validated, never free text), and its
        translation follows, labelled, with the site's language."""
        lines = [f"> “{md(q.text)}”"]
        if q.lang:
            lines.append(f'> {{: lang="{attr(q.lang)}" }}')
        if q.translation:
            lines += [">", f"> *Translation:* “{md(q.translation)}”",
                      f'> {{: lang="{attr(self.language)}" }}']
        return "\n".join(lines)

    def original_name(self, a: Any) -> str:
        """An actor's name in its own language, as a paragraph with its ``lang`` (or "")."""
        if not a.name_original:
            return ""
        return f'{md(a.name_original)}\n{{: lang="{attr(a.lang)}" }}'

    def describe(self, source_id: str) -> str:
        """The source's reference line: label, headline, author, date (safe Markdown)."""
        return self.refs.line(source_id)

    def actor(self, actor_id: str) -> str:
        """Link to an actor on the Who page."""
        return f"[{md(self.b.actor[actor_id].name)}]({url('who.md#actor-' + actor_id)})"

    def actors(self, ids: list[str]) -> str:
        """Comma-separated actor links."""
        return ", ".join(self.actor(a) for a in ids)

    def estimate(self, e: Any) -> str:
        """An estimate in words (Markdown-escaped)."""
        return md(chart.estimate_text(e))

    def estimate_label(self, e: Any) -> str:
        """Who estimated it and when, as plain text (for charts)."""
        who = ", ".join(self.b.actor[a].name for a in e.estimators)
        return f"{who} ({e.as_of.label})" if e.as_of else who

    def revisions(self, figure: Figure) -> list[str]:
        """Each revision series as one line: ``NIS: about 300 (January 2025) → about 600
        (April 2025)`` (Markdown-escaped); ``;`` where two dates cannot be put in order."""
        out = []
        for series in figure.series:
            text = ", ".join(self.b.actor[a].name for a in series[0].estimators) + ": "
            for prev, e in zip([None, *series], series):
                if prev is not None:
                    ordered = prev.as_of and e.as_of and prev.as_of.precedes(e.as_of)
                    text += " → " if ordered else "; "
                text += f"{chart.estimate_text(e)} ({e.as_of.label if e.as_of else 'not stated'})"
            out.append(md(text))
        return out

    def chart(self, figure: Figure) -> str:
        """The figure's inline SVG chart."""
        return chart.svg(figure, [self.estimate_label(e) for e in figure.by_date],
                         f"chart-{figure.id}")

    def spread(self, figure: Figure) -> Spread:
        """The figure's estimates by their ends (plain text: escape with ``md``)."""
        return figure_spread(self.b, figure)

    def key_numbers(self) -> list[tuple[Figure, Spread]]:
        """The key figures with their spreads, for the top of the overview."""
        return key_numbers(self.b)

    def disagreement(self, figure: Figure) -> str:
        """``from about 1,200 (United States) to about 4,000 (Volodymyr Zelenskyy; South Korea)``."""
        return md(self.spread(figure).says())

    def events_with(self, actor_id: str) -> list[Any]:
        """Timeline events the actor took part in, chronologically."""
        return [e for e in self.b.timeline if actor_id in e.actors]

    def reactions_by(self, actor_id: str) -> list[Any]:
        """Reactions by the actor."""
        return [r for r in self.b.reactions if r.actor == actor_id]

    def estimates_by(self, actor_id: str) -> list[tuple[Figure, Any]]:
        """(figure, estimate) pairs the actor made."""
        return [(f, e) for f in self.b.figures for e in f.estimates if actor_id in e.estimators]

    def cited_by(self, source_id: str) -> list[tuple[Fact, Citation]]:
        """Facts citing the source, with the citation (for its excerpt)."""
        return self._cited_by.get(source_id, [])

    def paragraphs(self, source_id: str) -> list[str]:
        """The stored text's paragraphs, HTML-escaped, for the Sources page."""
        text = self.b.texts.get(source_id, "")
        return [html_text(p) for p in text.split("\n") if p.strip()]

    def fact_link(self, fact: Fact) -> str:
        """Where a fact is shown."""
        page = {"takeaway": "index.md", "actor": "who.md", "event": "timeline.md",
                "estimate": "numbers.md", "quote": "who.md", "reaction": "reactions.md"}[fact.kind]
        anchor = {"actor": f"#actor-{fact.id}", "event": f"#event-{fact.id}",
                  "reaction": f"#reaction-{fact.id}"}.get(fact.kind, "")
        if fact.kind == "quote":
            anchor = f"#actor-{self.b.quote[fact.id].speaker}"
        if fact.figure is not None:
            anchor = f"#figure-{fact.figure}"
        return url(page + anchor)

    def fact_links(self, facts: list[Fact]) -> str:
        """``[event](timeline.md#event-x), [quote](who.md#actor-y)``: where each fact is shown."""
        return ", ".join(f"[{f.kind}]({self.fact_link(f)})" for f in facts)

    def said(self, q: Any) -> str:
        """Who said a quote and when, after its words: attribution, context, date, references."""
        how = f"As the source puts it: “{md(q.attribution)}”. " if q.attribution else ""
        when = f" ({md(q.date.label)})" if q.date else ""
        return f"{how}{self.prose(q.context)}{when}{self.cite(q.citations)}"

    def passages(self, source_id: str) -> tuple[list[tuple[str, list[Fact]]], list[Fact]]:
        """What the source contributed: each cited passage once with the facts citing it, and
        the facts citing the source as a whole."""
        passages: dict[str, list[Fact]] = {}
        whole: list[Fact] = []
        for fact, c in self.cited_by(source_id):
            bucket = passages.setdefault(c.excerpt, []) if c.excerpt else whole
            if fact not in bucket:
                bucket.append(fact)
        return list(passages.items()), whole

    def single_sourced(self) -> list[Fact]:
        """Facts resting on one source."""
        return [f for f in self.b.facts if len(f.source_ids) == 1]

    def kicker(self) -> str:
        """The story's title above a section page's heading (a paragraph of class bs-kicker)."""
        return md(self.b.meta.title) + "\n{: .bs-kicker }"

    def who_order(self) -> list[tuple[str, list[Any]]]:
        """Actors by how central they are (``layout.who_order``)."""
        return layout.who_order(self.b)

    def key_quote(self, actor_id: str) -> Any:
        """The actor's key quote for its card, or None."""
        return layout.key_quote(self.b, actor_id)

    def is_short(self, quote: Any) -> bool:
        """A quote too short for a block of its own ("heroism"): shown inline."""
        return layout.words(quote.text) < layout.KEY_QUOTE_WORDS

    def more_quotes(self) -> list[Any]:
        """Quotes shown neither on a card nor on the Reactions page."""
        return layout.more_quotes(self.b)

    def stance(self, stance: Any) -> str:
        """A stance as a word in bold with its colour class (never colour alone)."""
        return f"**{stance.value}**{{: .bs-stance .bs-{stance.value} }}"

    def card_meta(self, actor: Any) -> str:
        """``Workers' Party · North Korea · person · **praises**``: an actor card's line."""
        parts = [md(p) for p in (actor.affiliation, actor.country) if p] + [actor.kind.value]
        return " · ".join(parts + [self.stance(r.stance) for r in self.reactions_by(actor.id)])

    def appears_in(self, actor_id: str) -> str:
        """``[2 timeline events](…) · [1 reaction](…)``: where else the actor appears."""
        found = [("timeline event", "timeline.md#event-", [e.id for e in self.events_with(actor_id)]),
                 ("reaction", "reactions.md#reaction-", [r.id for r in self.reactions_by(actor_id)]),
                 ("estimate", "numbers.md#figure-", [f.id for f, _ in self.estimates_by(actor_id)])]
        return " · ".join(f"[{len(ids)} {what}{'' if len(ids) == 1 else 's'}]({url(page + ids[0])})"
                          for what, page, ids in found if ids)

    def days(self) -> list[tuple[Any, list[Any]]]:
        """Timeline events grouped under their date."""
        return layout.days(self.b.timeline)

    def precision_note(self, date: Any) -> str:
        """``month only`` for a date vaguer than a day, else ``""``."""
        return layout.PRECISION_NOTE.get(date.precision, "")

    def headline(self, summary: str) -> str:
        """An event's summary with its headline in bold (safe Markdown)."""
        head, rest = layout.headline(summary)
        return f"**{self.prose(head)}**" + (f" {self.prose(rest)}" if rest else "")

    def event_headline(self, summary: str) -> str:
        """Only the headline of an event's summary (safe Markdown), for lists of events."""
        return self.prose(layout.headline(summary)[0])

    def is_key(self, event: Any) -> bool:
        """A key event of the timeline (``layout.is_key_event``)."""
        return layout.is_key_event(self.b, event)

    def coverage_table(self) -> str:
        """The coverage matrix as escaped HTML (for a raw ``<details>`` block)."""
        return layout.coverage_table(self.b.facts, self.b.sources, self.labels.__getitem__,
                                     lambda t: name_sources(t, self.prose_labels))
