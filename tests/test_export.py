"""Exports in the built site: briefing.json, briefings.json, JSON-LD and the Atom feed."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import KURSK, MINIMAL, add_site_files, build_tree, run_with_hash_seed

from generator import export, feed
from generator.build import build_site
from generator.pipeline import load_site, run
from generator.project import Site
from generator.render import environment, render_briefing

FIXTURE = Path(__file__).parent / "fixtures" / "demo"
A = "{http://www.w3.org/2005/Atom}"
HOSTILE = 'Boom</script><script>alert(1)</script><!-- & ]]> "quoted"'  # U+FFFE: refused by check


DAY_28 = {"text": "2025-04-28", "precision": "day", "qualifier": None, "label": "Monday 28 April 2025", "start": "2025-04-28", "end": "2025-04-28", "before": None, "after": None}


def _site(root: Path) -> Site:
    site, problems = load_site(root)
    assert problems == [] and site is not None
    return site


@pytest.fixture(scope="module")
def kursk() -> Site:
    return _site(KURSK)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _hostile(minimal: Path) -> Site:
    _edit(minimal / "content/demo/briefing.yaml", "title: Demo briefing",
          'title: "' + HOSTILE.replace('"', '\\"') + '"')
    _edit(minimal / "content/demo/briefing.yaml", "takeaways:",
          'changelog:\n  - date: 2025-05-01\n    summary: "Fixed </summary> & <b>x</b>"\ntakeaways:')
    return _site(minimal)


def test_briefing_json_holds_every_fact_with_citations(kursk: Site) -> None:
    b = kursk.published[0]
    data = json.loads(export.dumps(export.briefing_data(b, kursk.config)))
    assert [(f["kind"], f["id"]) for f in data["facts"]] == [(f.kind, f.id) for f in b.facts]
    for fact, exported in zip(b.facts, data["facts"], strict=True):
        assert exported["corroboration"] == len({c.source for c in fact.citations})
        assert exported["citations"] == [{"source": c.source, "excerpt": c.excerpt}
                                         for c in fact.citations]
    assert data["event_date"] == DAY_28
    upi = next(s for s in data["sources"] if s["id"] == "upi")
    assert upi["published"] == DAY_28 and upi["outlet"] == "UPI"
    assert upi["cited_by"] == sum("upi" in f.source_ids for f in b.facts) > 0
    quote = data["quotes"][0]
    assert quote["corroboration"] == len({c["source"] for c in quote["citations"]})
    assert [e["id"] for e in data["events"]] == [e.id for e in b.timeline]
    precisions = {e["date"]["precision"] for e in data["events"]}
    assert "day" in precisions and len(precisions) > 1
    bounded = next(e for e in data["events"] if e["id"] == "reinforcements-sent")
    assert bounded["date"] == {"text": "2025", "precision": "year", "qualifier": None,
                               "label": "2025, before 28 April", "start": "2025-01-01",
                               "end": "2025-04-27", "before": "2025-04-28", "after": None}
    assert bounded["order_uncertain"] is True
    assert all("estimates_disagree" in f for f in data["figures"])
    up_to = [e for f in data["figures"] for e in f["estimates"] if e["qualifier"] == "up-to"]
    assert up_to and all(e["as_written"].startswith("up to ") for e in up_to)


def test_exports_are_deterministic(tmp_path: Path) -> None:
    """Byte-identical from processes with different hash seeds (the fixture project)."""
    for seed in (1, 2):
        run_with_hash_seed(seed, "-C", str(FIXTURE), "render", "--out", str(tmp_path / str(seed)))
    names = ["briefings.json", "feed.xml", "demo/briefing.json"]
    first = {n: (tmp_path / "1" / n).read_bytes() for n in names}
    assert first == {n: (tmp_path / "2" / n).read_bytes() for n in names}
    assert all(text.endswith(b"\n") for text in first.values())


def test_index_lists_published_briefings(minimal: Path) -> None:
    shutil.copytree(minimal / "content/demo", minimal / "content/draft")
    _edit(minimal / "content/draft/briefing.yaml", "status: published", "status: draft")
    _edit(minimal / "site_config/site.yaml", "description: A test.",
          "description: A test.\nsite_url: https://example.org/briefs/")
    data = json.loads(export.generated_files(_site(minimal))["briefings.json"])
    assert data["briefings"] == [{
        "slug": "demo", "title": "Demo briefing", "summary": "A demo.", "status": "published",
        "event_date": DAY_28,
        "last_updated": {**DAY_28, "text": "2025-05-01", "label": "Thursday 1 May 2025",
                         "start": "2025-05-01", "end": "2025-05-01"},
        "url": "https://example.org/briefs/demo/",
        "data": "https://example.org/briefs/demo/briefing.json"}]
    assert "draft/briefing.json" not in export.generated_files(_site(minimal))


def test_jsonld_cannot_close_its_script_element(minimal: Path) -> None:
    site = _hostile(minimal)
    b = site.published[0]
    element = export.jsonld_script(b, site.config)
    inner = element.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert not re.search(r"[<>&]", inner)
    data = json.loads(inner)
    assert data == export.jsonld(b, site.config)
    assert data["headline"] == HOSTILE and data["@type"] == "Report"
    assert data["datePublished"] == "2025-05-01" and data["dateModified"] == "2025-05-01"
    # named as readers see it: no outlet or headline stated, so by its opening words
    assert data["citation"] == [{"@type": "CreativeWork",
                                 "name": "“On Monday something happened.…” (no outlet or headline stated)"}]
    assert data["about"] == {"@type": "Event", "name": HOSTILE, "startDate": "2025-04-28"}


def test_jsonld_of_the_shipped_briefing(kursk: Site) -> None:
    data = export.jsonld(kursk.published[0], kursk.config)
    upi = next(c for c in data["citation"] if c.get("publisher", {}).get("name") == "UPI")
    assert upi == {"@type": "NewsArticle", "name": upi["name"], "datePublished": "2025-04-28",
                   "author": {"@type": "Person", "name": "Paul Godfrey"},
                   "publisher": {"@type": "Organization", "name": "UPI"}}
    assert len(data["citation"]) == len(kursk.published[0].sources)
    assert {"@type": "Person", "name": "Kim Jong Un"} in data["mentions"]


def test_overview_template_embeds_jsonld(minimal: Path) -> None:
    site = _hostile(minimal)
    env = environment(minimal)
    assert "jsonld" in env.filters, (
        "generator/render.py environment() must register the filter: "
        "env.filters['jsonld'] = export.jsonld_script")
    page = render_briefing(site.published[0], site, env)["demo/index.md"]
    assert page.count('<script type="application/ld+json">') == 1
    assert export.jsonld_script(site.published[0], site.config) + "\n" in page


def test_feed_is_well_formed_atom(minimal: Path) -> None:
    site = _hostile(minimal)
    text = feed.atom(site)
    assert text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    root = ET.fromstring(text.encode("utf-8"))
    _check_atom(root, None)
    assert root.tag == f"{A}feed" and root.findtext(f"{A}title") == "Test site"
    assert root.findtext(f"{A}updated") == "2025-05-01T00:00:00Z"
    (entry,) = root.findall(f"{A}entry")
    assert entry.findtext(f"{A}title") == HOSTILE
    assert entry.findtext(f"{A}summary") == "Fixed </summary> & <b>x</b>"
    assert entry.findtext(f"{A}id") == "tag:briefsite.invalid,2025-05-01:/demo/1"
    assert entry.find(f"{A}link").get("href") == "demo/"  # type: ignore[union-attr]


def test_feed_entry_ids_are_stable(minimal: Path) -> None:
    _edit(minimal / "site_config/site.yaml", "description: A test.",
          "description: A test.\nsite_url: https://example.org/briefs")
    briefing = minimal / "content/demo/briefing.yaml"
    _edit(briefing, "takeaways:", "changelog:\n  - date: 2025-05-01\n    summary: First.\ntakeaways:")
    before = ET.fromstring(feed.atom(_site(minimal)))
    _edit(briefing, "changelog:\n", "changelog:\n  - date: 2025-05-03\n    summary: Third.\n"
                                    "  - date: 2025-05-01\n    summary: Second.\n")
    after = ET.fromstring(feed.atom(_site(minimal)))
    ids = [e.findtext(f"{A}id") for e in after.findall(f"{A}entry")]
    assert ids == ["tag:example.org,2025-05-03:/briefs/demo/1", "tag:example.org,2025-05-01:/briefs/demo/2",
                   "tag:example.org,2025-05-01:/briefs/demo/1"]
    assert [e.findtext(f"{A}id") for e in before.findall(f"{A}entry")] == ids[2:]
    assert [e.findtext(f"{A}summary") for e in after.findall(f"{A}entry")] == ["Third.", "Second.", "First."]
    assert after.findtext(f"{A}id") == "https://example.org/briefs/feed.xml"
    assert after.find(f"{A}link[@rel='self']").get("href") == "https://example.org/briefs/feed.xml"  # type: ignore[union-attr]


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def _check_atom(root: ET.Element, site_url: str | None) -> None:
    """RFC 4287 essentials: required elements, absolute ids, RFC 3339 dates, own links only."""
    assert root.tag == f"{A}feed"
    for element in [root, *root.findall(f"{A}entry")]:
        for tag in ("id", "title", "updated"):
            assert len(element.findall(f"{A}{tag}")) == 1, (element.tag, tag)
        assert re.match(r"[a-z][a-z0-9+.-]*:", element.findtext(f"{A}id") or ""), "ids are absolute IRIs"
        for tag in ("updated", "published"):
            for stamp in element.findall(f"{A}{tag}"):
                assert RFC3339.fullmatch(stamp.text or ""), stamp.text
                dt.datetime.fromisoformat((stamp.text or "").replace("Z", "+00:00"))
    hrefs = [link.get("href") or "" for link in root.iter(f"{A}link")]
    assert hrefs and all(h.startswith(site_url) if site_url else not re.match(r"[a-z]+:|//", h)
                         for h in hrefs), hrefs  # the site's own pages only, never a third party


def test_feed_of_the_shipped_site(kursk: Site) -> None:
    root = ET.fromstring(feed.atom(kursk))
    entries = root.findall(f"{A}entry")
    assert len(entries) == sum(len(b.meta.changelog) for b in kursk.published) > 0
    assert len({e.findtext(f"{A}id") for e in entries}) == len(entries)
    assert kursk.config.site_url is None  # so links are relative to feed.xml, at the site root
    _check_atom(root, None)
    assert [e.find(f"{A}link").get("href") for e in entries] == ["kursk/"] * len(entries)  # type: ignore[union-attr]


def test_feed_with_site_url_links_absolutely(minimal: Path) -> None:
    _edit(minimal / "site_config/site.yaml", "description: A test.",
          "description: A test.\nsite_url: https://example.org/briefs/")
    _edit(minimal / "content/demo/briefing.yaml", "takeaways:",
          "changelog:\n  - date: 2025-05-01\n    summary: First.\ntakeaways:")
    root = ET.fromstring(feed.atom(_site(minimal)))
    _check_atom(root, "https://example.org/briefs/")
    assert root.find(f"{A}entry/{A}link").get("href") == "https://example.org/briefs/demo/"  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    add_site_files(root)
    out = build_site(root, site_dir=root / "out")
    return run(root).site, out


@pytest.mark.site
def test_built_site_serves_the_exports(built: tuple[Site, Path]) -> None:
    site, out = built
    expected = export.generated_files(site)
    assert sorted(expected) == ["briefings.json", "demo/briefing.json", "feed.xml"]
    for path, text in expected.items():
        assert (out / path).read_text(encoding="utf-8") == text


@pytest.mark.site
def test_built_overview_carries_jsonld(built: tuple[Site, Path]) -> None:
    site, out = built
    overview = (out / "demo/index.html").read_text(encoding="utf-8")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', overview)
    assert [json.loads(s) for s in scripts] == [export.jsonld(site.published[0], site.config)]
    assert "Demo: troops *and* [numbers] | 7*7" in scripts[0]


@pytest.mark.site
def test_every_built_page_announces_the_feed(built: tuple[Site, Path]) -> None:
    _, out = built
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 7
    for page in pages:
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml" '
                           r'title="Briefing updates \(Atom\)" href="([^"]+)">', html)
        assert len(links) == 1, page
        if page.name == "404.html":  # MkDocs links the 404 page from the root, like its other links
            assert links == ["/feed.xml"]
        else:
            assert (page.parent / links[0]).resolve() == (out / "feed.xml").resolve(), (page, links)


def test_jsonld_gives_only_exact_dates(tmp_path: Path) -> None:
    """A month, season or year is not a schema.org date: it is left out, not turned into a day."""
    root = build_tree(tmp_path, {**MINIMAL, "content/demo/briefing.yaml": str(
        MINIMAL["content/demo/briefing.yaml"]).replace("event_date: 2025-04-28", "event_date: late 2024")})
    site, _ = run(root)
    data = export.jsonld(site.published[0], site.config)
    assert "startDate" not in data["about"]
