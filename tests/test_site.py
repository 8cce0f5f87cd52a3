"""End-to-end: build the shipped project and read what the reader gets."""

from __future__ import annotations

import html
import json
import posixpath
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from generator.build import build_site
from generator.chart import estimate_text
from generator.pipeline import run
from generator.project import Site

pytestmark = pytest.mark.site


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(ROOT, site_dir=out)
    return run(ROOT).site, out


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if d.get("id"):
            self.ids.add(d["id"] or "")
        if tag == "a" and d.get("href"):
            self.hrefs.append(d["href"] or "")


def _parse(path: Path) -> _Ids:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def test_every_page_built(shipped: tuple[Site, Path]) -> None:
    site, out = shipped
    assert (out / "index.html").is_file()
    for b in site.published:
        for page in ("", "who/", "timeline/", "numbers/", "reactions/", "sources/"):
            assert (out / b.slug / page / "index.html").is_file(), f"{b.slug}/{page} missing"


def test_home_lists_briefings(shipped: tuple[Site, Path]) -> None:
    site, out = shipped
    text = " ".join(_text(out / "index.html").split())
    for b in site.published:
        assert " ".join(b.meta.title.split()) in text
        assert b.meta.event_date.label in text and b.meta.last_updated.label in text


def test_each_estimate_shown_with_attribution(shipped: tuple[Site, Path]) -> None:
    site, out = shipped
    for b in site.published:
        text = " ".join(_text(out / b.slug / "numbers/index.html").split())
        for figure in b.figures:
            section = text.split(figure.metric, 1)[1]
            for e in figure.estimates:
                assert estimate_text(e) in section, (figure.id, e.id)
                for actor in e.estimators:
                    assert b.actor[actor].name in section


def test_disagreement_note_where_estimates_differ(shipped: tuple[Site, Path]) -> None:
    site, out = shipped
    for b in site.published:
        page = (out / b.slug / "numbers/index.html").read_text(encoding="utf-8")
        parts = re.split(r'<h2 id="figure-', page)[1:]
        assert len(parts) == len(b.figures)
        for figure, part in zip(b.figures, parts):
            assert ("Estimates disagree" in part) == figure.disagrees, figure.id


def test_figures_where_estimates_disagree_show_every_estimate(shipped: tuple[Site, Path]) -> None:
    site, out = shipped
    for b in site.published:
        text = " ".join(_text(out / b.slug / "numbers/index.html").split())
        for figure in (f for f in b.figures if f.disagrees):
            assert "Estimates disagree" in text
            assert all(estimate_text(e) in text for e in figure.estimates), figure.id


def test_every_chart_has_title_and_description(shipped: tuple[Site, Path]) -> None:
    site, out = shipped
    for b in site.published:
        page = (out / b.slug / "numbers/index.html").read_text(encoding="utf-8")
        svgs = re.findall(r"<svg role=\"img\"[^>]*>.*?</svg>", page, re.S)
        assert len(svgs) == len(b.figures)
        for svg in svgs:
            labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
            for ident in labelled:
                assert re.search(rf'id="{ident}">[^<]+<', svg), ident


def test_citation_links_resolve(shipped: tuple[Site, Path]) -> None:
    site, out = shipped
    for b in site.published:
        sources = _parse(out / b.slug / "sources/index.html")
        for src in b.sources:
            assert f"source-{src.id}" in sources.ids
        for page in ("", "who/", "timeline/", "numbers/", "reactions/"):
            for href in _parse(out / b.slug / page / "index.html").hrefs:
                if "sources/#source-" in href:
                    assert href.split("#")[1] in sources.ids, href


def test_nothing_loaded_from_a_third_party(shipped: tuple[Site, Path]) -> None:
    _, out = shipped
    for path in out.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        loads = re.findall(r'src="(https?:)?//[^"]+"', page) + re.findall(
            r'<link[^>]+href="(?:https?:)?//[^"]+"', page) + re.findall(r"@import|fonts\.g", page)
        assert loads == [], f"{path.relative_to(out)} loads {loads}"


class _Chrome(HTMLParser):
    """The theme's site-name spots, as a browser decodes them: <title>, the header's topic
    text, and the logo links' title and aria-label attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.topic = ""
        self.logos: list[dict[str, str | None]] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        d = dict(attrs)
        if tag == "a" and "md-logo" in (d.get("class") or ""):
            self.logos.append(d)
        if tag == "title" or (tag == "span" and d.get("class") == "md-ellipsis" and not self.topic) or self._in:
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[0] == "title":
            self.title += data
        elif self._in:
            self.topic += data


def test_site_title_with_markup_characters_is_shown_literally_everywhere(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    """Material prints site_name raw in <title>, the header and aria-label, but through ``| e``
    in the logo's title attribute: the reader must see the title as written in every one of
    them, never escaped twice (``&amp;amp;``) nor as markup."""
    from browser import DEMO_FIXTURE, build_project

    name = "Kim & Co <b>\"Briefs\"</b>"
    site = build_project(tmp_path_factory, "site-title-markup", copy_from=DEMO_FIXTURE, files={
        "site_config/site.yaml": "title: 'Kim & Co <b>\"Briefs\"</b>'\ndescription: A & B <i>\n"
                                 "language: en\nbriefing_order: [demo]\n"})
    for rel in ("index.html", "demo/who/index.html"):
        raw = (site / rel).read_text(encoding="utf-8")
        assert "&amp;amp;" not in raw and "&amp;lt;" not in raw and "<b>" not in raw, rel
        chrome = _Chrome()
        chrome.feed(raw)
        assert chrome.title.endswith(name), (rel, chrome.title)
        assert chrome.topic.strip() == name, (rel, chrome.topic)
        assert len(chrome.logos) == 2, rel
        for logo in chrome.logos:
            assert (logo["title"], logo["aria-label"]) == (name, name), (rel, logo)


def _titles_and_rels(site: Path) -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Each built page: its <title> text as a browser reads it, and its <link rel=prev/next>."""
    out = {}
    for page in sorted(site.rglob("index.html")):
        raw = page.read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", raw, re.S)
        assert title, page
        rels = re.findall(r'<link rel="(prev|next)" href="([^"]*)"', raw)
        out[page.parent.relative_to(site).as_posix()] = (html.unescape(title.group(1)), rels)
    return out


@pytest.mark.site
def test_titles_are_unique_and_prev_next_stay_in_the_briefing(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Section – story – site in every briefing page's <title>, the story's markup as text."""
    from browser import DEMO_FIXTURE, build_project

    story = 'Kim & Co </title><script>alert(1)</script> &amp; {{ 7*7 }}'
    other = DEMO_FIXTURE / "content/demo"
    files = {f"content/other/{p.relative_to(other)}": p.read_bytes() for p in other.rglob("*")
             if p.is_file()}
    meta = files["content/other/briefing.yaml"].decode()  # type: ignore[union-attr]
    files["content/other/briefing.yaml"] = re.sub(r"(?m)^title: .*$", f"title: {json.dumps(story)}", meta)
    site = build_project(tmp_path_factory, "titles", copy_from=DEMO_FIXTURE, files=files)
    pages = _titles_and_rels(site)
    titles = [t for t, _ in pages.values()]
    assert len(set(titles)) == len(titles), titles
    assert pages["other/who"][0] == f"Who – {story} – Demo site"
    assert pages["demo"][0] == "Overview – Demo: troops *and* [numbers] | 7*7 – Demo site"
    for path, (_, rels) in pages.items():
        slug = path.split("/")[0]
        for _, href in rels:  # relative to the page: never leaves its briefing
            target = posixpath.normpath(posixpath.join(path, href))
            assert target.split("/")[0] == slug and path != "." , (path, href)
    assert pages["demo"][1] == [("next", "who/")]
    assert pages["demo/sources"][1] == [("prev", "../reactions/")]
    footer = (site / "demo/sources/index.html").read_text(encoding="utf-8")
    assert "md-footer__link--prev" in footer and "md-footer__link--next" not in footer
