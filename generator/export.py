"""Machine-readable exports of the published briefings.

* ``<slug>/briefing.json``: every fact with its citations, the sources' metadata and
  corroboration counts (distinct sources per fact); dates as intervals (text, precision,
  first and last possible day, bounds); JSON-LD carries only exact (day) dates;
* ``briefings.json``: an index of the published briefings;
* schema.org JSON-LD for each briefing's overview page (``jsonld``/``script``);
* ``feed.xml``: the Atom feed of briefing updates (built in ``feed.py``).

Output is deterministic: sorted keys, content order for lists, no build time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel

from . import dates
from .briefing import Briefing
from .chart import estimate_text
from .feed import atom, page_url
from .model import Figure
from .project import Site, SiteConfig
from .references import source_labels

_LD_TYPES = {"person": "Person", "organisation": "Organization", "state": "Country"}
# In an HTML <script> element only "</script" (and "<!--") can end or confuse the data; JSON
# allows these escapes anywhere in a string, so the text stays the same JSON value. U+2028 and
# U+2029 are escaped too, for scripts that read the block as JavaScript.
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                   "\u2028": "\\u2028", "\u2029": "\\u2029"}


def dumps(data: Any) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def date_data(value: dates.FuzzyDate | None) -> dict[str, str | None] | None:
    """The date as an interval: ``{"text": "fall 2024", "precision": "season", "qualifier":
    null, "start": "2024-09-01", "end": "2024-11-30", "before": null, "after": null, "label":
    "Fall 2024"}``; ``start``/``end`` are the first and last day it may fall on (null:
    unbounded), ``before``/``after`` the editor's bounds."""
    if value is None:
        return None
    iso = {k: d.isoformat() if d else None for k, d in (
        ("start", value.start), ("end", value.end), ("before", value.before), ("after", value.after))}
    return {"text": value.text, "precision": value.precision.value, "qualifier": value.qualifier,
            "label": value.label, **iso}


def _data(value: Any) -> Any:
    """Plain JSON data of a model value; every cited item gets its corroboration count."""
    if isinstance(value, BaseModel):
        out = {name: _data(getattr(value, name)) for name in type(value).model_fields}
        citations = getattr(value, "citations", None)
        if citations is not None:
            out["corroboration"] = len({c.source for c in citations})
        return out
    if isinstance(value, dates.FuzzyDate):
        return date_data(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_data(v) for v in value]
    return value


def _figure(f: Figure) -> dict[str, Any]:
    """A figure's data; each estimate also as written (``more than 10,000``), its qualifier's
    words never left for a reader of the JSON to rebuild."""
    out = _data(f)
    for data, e in zip(out["estimates"], f.estimates):
        data["as_written"] = estimate_text(e)
    return out


def briefing_data(b: Briefing, config: SiteConfig) -> dict[str, Any]:
    """Everything ``<slug>/briefing.json`` holds."""
    cited_by = {s.id: sum(s.id in f.source_ids for f in b.facts) for s in b.sources}
    return {
        "slug": b.slug,
        "url": page_url(config, f"{b.slug}/"),
        **_data(b.meta),
        "sources": [{**_data(s), "cited_by": cited_by[s.id]} for s in b.sources],
        "actors": _data(b.actors),
        "events": [{**_data(e), "order_uncertain": e.id in b.uncertain} for e in b.timeline],
        "figures": [{**_figure(f), "estimates_disagree": f.disagrees,
                     "current_estimates": [e.id for e in f.current]} for f in b.figures],
        "quotes": _data(b.quotes),
        "reactions": _data(b.reactions),
        "facts": [{"kind": f.kind, "id": f.id, "label": f.label, "sources": f.source_ids,
                   "corroboration": len(f.source_ids), "citations": _data(f.citations)}
                  for f in b.facts],
    }


def index_data(site: Site) -> dict[str, Any]:
    """Everything ``briefings.json`` holds: the published briefings, in display order."""
    config = site.config
    return {
        "title": config.title,
        "description": config.description,
        "url": page_url(config),
        "briefings": [{
            "slug": b.slug,
            "title": b.meta.title,
            "summary": b.meta.summary,
            "status": b.meta.status.value,
            "event_date": date_data(b.meta.event_date),
            "last_updated": date_data(b.meta.last_updated),
            "url": page_url(config, f"{b.slug}/"),
            "data": page_url(config, f"{b.slug}/briefing.json"),
        } for b in site.listing],
    }


def jsonld(b: Briefing, config: SiteConfig) -> dict[str, Any]:
    """schema.org ``Report`` describing the briefing, its event and the articles it cites."""
    first = min((c.date for c in b.meta.changelog), key=lambda d: d.sort_key,
                default=b.meta.last_updated)
    labels = source_labels(b.sources, b.texts)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Report",
        "headline": b.meta.title,
        "description": b.meta.lede_text,  # one sentence: the page carries the summary
        "inLanguage": config.language,
        "datePublished": first.text,
        "dateModified": b.meta.last_updated.text,
        "about": {"@type": "Event", "name": b.meta.title},
        "mentions": [_mention(a) for a in b.actors],
        "citation": [_citation(s, labels[s.id]) for s in b.sources],
        "isPartOf": {"@type": "WebSite", "name": config.title},
    }
    if b.meta.event_date.exact:  # schema.org reads a date as a day: give only exact ones
        data["about"]["startDate"] = b.meta.event_date.iso
    if config.site_url:
        data["url"] = page_url(config, f"{b.slug}/")
        data["isPartOf"]["url"] = page_url(config)
    return data


def _citation(s: Any, label: str) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "NewsArticle" if s.outlet else "CreativeWork",
                           "name": s.title or label}
    if s.url:
        out["url"] = s.url
    if s.author:
        out["author"] = {"@type": "Person", "name": s.author}
    if s.outlet:
        out["publisher"] = {"@type": "Organization", "name": s.outlet}
    if s.published and s.published.exact:
        out["datePublished"] = s.published.iso
    if s.language:
        out["inLanguage"] = s.language
    return out


def _mention(a: Any) -> dict[str, Any]:
    out = {"@type": _LD_TYPES[a.kind.value], "name": a.name}
    if a.name_original:
        out["alternateName"] = {"@language": a.lang, "@value": a.name_original}
    return out


def script(data: Any) -> str:
    """A ``<script type="application/ld+json">`` element no content can break out of."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(char, escape)
    return f'<script type="application/ld+json">{text}</script>'


def jsonld_script(b: Briefing, config: SiteConfig) -> str:
    """Jinja filter ``jsonld``: ``{{ b | jsonld(site) }}`` in the overview template."""
    return script(jsonld(b, config))


def briefing_json(b: Briefing, config: SiteConfig) -> str:
    """The text of ``<slug>/briefing.json``."""
    return dumps(briefing_data(b, config))


def each_file(site: Site, briefing_text: Callable[[Briefing, SiteConfig], str] = briefing_json,
              ) -> Iterator[tuple[str, str]]:
    """Every export as ``(path in the site, text)``, made one at a time; ``briefing_text`` makes
    each briefing's JSON (the serve cache passes one that reuses unchanged briefings')."""
    yield "briefings.json", dumps(index_data(site))
    yield "feed.xml", atom(site)
    for b in site.published:
        yield f"{b.slug}/briefing.json", briefing_text(b, site.config)
    yield from site.exports.items()  # made before their models were let go (a parallel build)


def generated_files(site: Site) -> dict[str, str]:
    """Every export, ``{path in the site: text}``: the JSON files and ``feed.xml``."""
    return dict(each_file(site))
