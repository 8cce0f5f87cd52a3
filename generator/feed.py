"""The Atom feed (``feed.xml``) of briefing updates, from each briefing's ``changelog``.

Built with ``xml.etree.ElementTree``: every text is escaped by the serializer, and characters
XML 1.0 cannot hold are dropped, so the feed is well-formed whatever the content says.

Entry ids are tag URIs (RFC 4151) that never change once published:
``tag:<host>,<update date>:<site path><slug>/<n>``, where n counts the briefing's updates
of that day from the oldest. The host and path come from ``site_url``; without one they are
``briefsite.invalid`` and ``/`` (set ``site_url`` before publishing the feed).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import urlsplit

from . import __version__
from .listing import Listing
from .model import ChangelogEntry
from .project import Site, SiteConfig

ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EPOCH = "1970-01-01T00:00:00Z"  # <updated> of a feed with no entries yet
# Without site_url: the reserved host .invalid (RFC 2606) and a fixed tag date, so the ids are
# stable but visibly not tied to any real address (see docs/toolkit.md).
_NO_HOST, _NO_HOST_DATE = "briefsite.invalid", "2025"
Update = tuple[Listing, ChangelogEntry, int]


def page_url(config: SiteConfig, path: str = "") -> str:
    """``path`` under the site: absolute with ``site_url``, else relative to the site root
    (where ``feed.xml`` and ``briefings.json`` are, so readers resolve it correctly)."""
    return (config.site_url.rstrip("/") + "/" + path) if config.site_url else (path or "./")


def _authority(config: SiteConfig) -> tuple[str, str]:
    """(host, path) naming this site in tag URIs."""
    if not config.site_url:
        return _NO_HOST, "/"
    parts = urlsplit(config.site_url)
    return (parts.hostname or _NO_HOST), (parts.path.rstrip("/") + "/")


def updates(site: Site) -> list[Update]:
    """Every (briefing, changelog entry, n-th update of that day) of the published briefings,
    newest first; equal dates in briefing order, then newest of the day first."""
    found: list[tuple[int, Update]] = []
    for rank, b in enumerate(site.listing):
        per_day: Counter[str] = Counter()
        for entry in reversed(b.meta.changelog):  # written newest first: count from the oldest
            per_day[entry.date.text] += 1
            found.append((rank, (b, entry, per_day[entry.date.text])))
    found.sort(key=lambda f: (f[1][1].date.sort_key, -f[0], f[1][2]), reverse=True)
    return [update for _, update in found]


def entry_id(config: SiteConfig, update: Update) -> str:
    """The entry's tag URI, stable across rebuilds and later updates."""
    b, entry, n = update
    host, path = _authority(config)
    return f"tag:{host},{entry.date.text}:{path}{b.slug}/{n}"


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def atom(site: Site) -> str:
    """The feed document, as text (UTF-8 XML with declaration, trailing newline)."""
    config = site.config
    items = updates(site)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {_XML_LANG: config.language})
    host, path = _authority(config)
    feed_id = page_url(config, "feed.xml") if config.site_url else f"tag:{host},{_NO_HOST_DATE}:{path}feed"
    _add(feed, "id", feed_id)
    _add(feed, "title", config.title, type="text")
    _add(feed, "subtitle", config.description, type="text")
    _add(feed, "updated", _timestamp(items[0][1].date.text) if items else _EPOCH)
    _add(feed, "link", rel="self", type="application/atom+xml", href=page_url(config, "feed.xml"))
    _add(feed, "link", rel="alternate", type="text/html", href=page_url(config, ""))
    _add(_add(feed, "author"), "name", config.title)
    _add(feed, "generator", "briefsite", version=__version__)
    if config.copyright:
        _add(feed, "rights", config.copyright, type="text")
    for update in items:
        b, entry, _ = update
        item = _add(feed, "entry")
        _add(item, "id", entry_id(config, update))
        _add(item, "title", b.meta.title, type="text")
        _add(item, "updated", _timestamp(entry.date.text))
        _add(item, "published", _timestamp(entry.date.text))
        _add(item, "link", rel="alternate", type="text/html", href=page_url(config, f"{b.slug}/"))
        _add(item, "summary", entry.summary, type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True).decode("utf-8") + "\n"
