"""The built site in a real browser: Debian's headless Chromium through Playwright.

Every built page is opened in the light and the dark scheme at desktop width and once at
375 px, in a context that blocks service workers and aborts every non-local request. On each
page: no JavaScript dialog, console error, uncaught error or non-local request; no axe-core
violation of impact serious or critical over the whole page, Material's chrome included; charts
and tables carry text alternatives and headers; at 375 px nothing scrolls the document
sideways. Then the reader's paths: search finds an actor, the navigation walks every section,
the palette toggle switches schemes (and the choice persists). Screenshots of every page type
go to test-artifacts/screenshots/.

Chromium missing is a failure, with the install command; BRIEFSITE_SKIP_BROWSER=1 skips.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import browser
import pytest
from browser import (  # noqa: F401  (fixtures are found by pytest through these imports)
    DESKTOP,
    PHONE,
    SERIOUS,
    Session,
    SiteServer,
    axe_violations,
    built_site,
    chromium,
    describe_violations,
    html_pages,
    open_session,
    page_name,
    require_chromium,
    screenshot,
    session_factory,
    site_server,
)

SCHEMES = {"light": "default", "dark": "slate"}  # emulated prefers-color-scheme -> Material's
SECTIONS = ("Overview", "Who", "Timeline", "Numbers", "Reactions", "Sources")

# Checked on every page in the browser: chart SVGs expose a name and description through
# aria-labelledby -> <title>/<desc>; every table has a header row of <th> cells.
STRUCTURE_JS = """() => {
  const problems = [];
  for (const svg of document.querySelectorAll('article svg')) {
    if (svg.closest('.bs-chart') === null) continue;
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (svg.getAttribute('role') !== 'img') problems.push('chart svg without role=img');
    if (ids.length === 0) problems.push('chart svg without aria-labelledby');
    for (const id of ids) {
      const el = document.getElementById(id);
      if (!el || !svg.contains(el) || !['title', 'desc'].includes(el.localName)
          || !el.textContent.trim())
        problems.push('chart aria-labelledby ' + id + ' is not a non-empty <title>/<desc> of the svg');
    }
    if (!svg.querySelector(':scope > title')) problems.push('chart svg without <title>');
    if (!svg.querySelector(':scope > desc')) problems.push('chart svg without <desc>');
  }
  for (const table of document.querySelectorAll('article table')) {
    const heads = table.querySelectorAll('thead th');
    if (heads.length === 0) { problems.push('table without header cells'); continue; }
    if ([...heads].some(th => !th.textContent.trim()))
      problems.push('table with an empty header cell');
    for (const tr of table.querySelectorAll('tbody tr'))
      if (tr.children.length !== heads.length)
        problems.push('table row with ' + tr.children.length + ' cells under '
                      + heads.length + ' headers');
  }
  return problems;
}"""

# At phone width: the document must not scroll sideways, charts fit the viewport and their
# text lines fit the chart (not cut off), tables sit in Material's own horizontal scroll
# wrapper (which itself fits), chart text stays legible (measured line by line).
# Legible: Material's smallest running text (table cells, .64rem) is 12.8 px; chart text under
# 10 px is unreadable on a phone.
MIN_CHART_TEXT_PX = 10
PHONE_JS = """() => {
  const MIN_TEXT_PX = @MIN_TEXT_PX@;
  const vw = document.documentElement.clientWidth;
  const out = {scrollWidth: document.documentElement.scrollWidth, clientWidth: vw,
               problems: [], text: []};
  for (const svg of document.querySelectorAll('.bs-chart svg')) {
    const r = svg.getBoundingClientRect();
    if (r.width > vw + 0.5 || r.left < -0.5 || r.right > vw + 0.5)
      out.problems.push(`chart ${svg.getAttribute('aria-labelledby')} is ${r.width}px wide `
                        + `(${r.left}..${r.right}) in a ${vw}px viewport`);
    for (const t of svg.querySelectorAll('text')) {
      const lines = t.querySelectorAll(':scope > tspan');
      for (const line of (lines.length ? lines : [t])) {
        const lr = line.getBoundingClientRect();
        if (lr.height < MIN_TEXT_PX)
          out.text.push(`chart ${svg.getAttribute('aria-labelledby')} text `
                        + `"${line.textContent}" is rendered ${lr.height.toFixed(1)}px high`);
        if (lr.left < r.left - 0.5 || lr.right > r.right + 0.5)
          out.problems.push(`chart ${svg.getAttribute('aria-labelledby')} text `
                            + `"${line.textContent}" is cut off: ${lr.left}..${lr.right} `
                            + `in a chart spanning ${r.left}..${r.right}`);
      }
    }
  }
  for (const table of document.querySelectorAll('article table')) {
    const wrap = table.closest('.md-typeset__scrollwrap');
    if (!wrap) { out.problems.push('table outside Material\\'s scroll wrapper'); continue; }
    const r = wrap.getBoundingClientRect();
    if (r.right > vw + 0.5 || r.left < -0.5)
      out.problems.push(`table scroll wrapper spans ${r.left}..${r.right} in ${vw}px`);
    if (getComputedStyle(wrap).overflowX !== 'auto')
      out.problems.push('table scroll wrapper does not scroll');
  }
  if (out.scrollWidth > vw) {
    const wide = [...document.querySelectorAll('body *')].filter(el => {
      const r = el.getBoundingClientRect();
      return r.right > vw + 0.5 && el.closest('.md-typeset__scrollwrap, .md-sidebar, '
                                               + '.md-search') === null;
    }).slice(0, 5).map(el => el.outerHTML.slice(0, 120));
    out.problems.push('the document scrolls sideways: ' + out.scrollWidth + ' > ' + vw
                      + '; too wide: ' + JSON.stringify(wide));
  }
  return out;
}""".replace("@MIN_TEXT_PX@", str(MIN_CHART_TEXT_PX))


# What a reader sees, on every page at both widths: no internal source id in the visible text
# (the whole page, Material's chrome included), the section bar on every briefing page, reference
# markers and section links at least 24x24 px (WCAG 2.2, 2.5.8), nothing wider than the viewport.
READER_JS = """([ids, briefing]) => {
  const out = {title: document.title, ids: [], bar: null, small: [], wide: []};
  const text = document.body.innerText;
  for (const id of ids)
    if (new RegExp('(^|[^\\\\w-])' + id + '($|[^\\\\w-])').test(text)) out.ids.push(id);
  if (briefing) {
    const bar = document.querySelector('article .bs-sections');
    out.bar = bar ? bar.innerText.split('·').map(s => s.trim()) : null;
  }
  for (const a of document.querySelectorAll('article a.footnote-ref, article .bs-sections a')) {
    const r = a.getBoundingClientRect();
    if (r.width < 23.5 || r.height < 23.5)
      out.small.push(`${a.textContent} (${r.width.toFixed(1)}x${r.height.toFixed(1)})`);
  }
  const vw = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll('article *')) {
    if (el.closest('.md-typeset__scrollwrap, .md-typeset__table') !== null) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5))
      out.wide.push(el.outerHTML.slice(0, 80));
  }
  return out;
}"""


def _source_ids(site: Path) -> list[str]:
    """The source ids of the project a site was built from (its briefing.json exports)."""
    return sorted({s["id"] for f in site.glob("*/briefing.json")
                   for s in json.loads(f.read_text(encoding="utf-8"))["sources"]})


@dataclass
class Sweep:
    """One pass over every built page in one browser configuration."""

    pages: list[str]
    problems: list[str] = field(default_factory=list)       # recorder: dialogs, errors, requests
    axe: list[str] = field(default_factory=list)            # serious/critical violations
    structure: list[str] = field(default_factory=list)      # chart/table text alternatives
    layout: list[str] = field(default_factory=list)         # phone-width layout
    chart_text: list[str] = field(default_factory=list)     # phone-width chart text size
    schemes: dict[str, str] = field(default_factory=dict)   # page -> data-md-color-scheme
    reader: dict[str, dict[str, Any]] = field(default_factory=dict)  # page -> READER_JS result


def _sweep(chromium: Any, server: SiteServer, site: Path, *, scheme: str,
           viewport: dict[str, int], label: str) -> Sweep:
    result = Sweep(html_pages(site))
    s = open_session(chromium, server, color_scheme=scheme, viewport=viewport)
    try:
        for rel in result.pages:
            response = s.goto(rel)
            assert response is not None and response.ok, f"{rel}: HTTP {response and response.status}"
            s.settle()
            result.schemes[rel] = s.page.evaluate("document.body.dataset.mdColorScheme")
            serious = [v for v in axe_violations(s.page) if v.get("impact") in SERIOUS]
            result.axe += describe_violations(f"{rel} ({label})", serious)
            result.structure += [f"{rel}: {p}" for p in s.page.evaluate(STRUCTURE_JS)]
            result.reader[rel] = s.page.evaluate(READER_JS, [_source_ids(site), "/" in rel
                                                             and rel != "404.html"])
            if viewport == PHONE:
                info = s.page.evaluate(PHONE_JS)
                result.layout += [f"{rel}: {p}" for p in info["problems"]]
                result.chart_text += [f"{rel}: {p}" for p in info["text"]]
            screenshot(s.page, f"{page_name(rel)}-{label}")
        result.problems = s.recorder.problems()
    finally:
        s.context.close()
    return result


@pytest.fixture(scope="module")
def desktop(chromium: Any, site_server: SiteServer, built_site: Path) -> dict[str, Sweep] | None:
    """Every page at 1280 px, once per colour scheme (prefers-color-scheme emulated)."""
    if chromium is None:
        return None  # each test fails in its body through require_chromium()
    return {scheme: _sweep(chromium, site_server, built_site, scheme=scheme, viewport=DESKTOP,
                           label=f"desktop-{scheme}") for scheme in SCHEMES}


@pytest.fixture(scope="module")
def phone(chromium: Any, site_server: SiteServer, built_site: Path) -> Sweep | None:
    """Every page at 375 px wide, light scheme."""
    if chromium is None:
        return None
    return _sweep(chromium, site_server, built_site, scheme="light", viewport=PHONE,
                  label="phone-light")


def _fail_if(problems: list[str], what: str) -> None:
    if problems:
        pytest.fail(f"{len(problems)} {what}:\n  " + "\n  ".join(problems), pytrace=False)


# --- every page ---------------------------------------------------------------------------

def test_site_has_pages(built_site: Path) -> None:
    pages = html_pages(built_site)
    assert "index.html" in pages and "404.html" in pages
    assert any(p.endswith("/who/index.html") for p in pages), pages


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_pages_open_without_dialogs_errors_or_remote_requests(desktop: dict[str, Sweep],
                                                               scheme: str) -> None:
    require_chromium()
    _fail_if(desktop[scheme].problems, f"problem(s) opening every page ({scheme} scheme)")


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_follows_the_reader_preference(desktop: dict[str, Sweep], scheme: str) -> None:
    require_chromium()
    wrong = {p: s for p, s in desktop[scheme].schemes.items() if s != SCHEMES[scheme]}
    assert not wrong, f"pages not in the {SCHEMES[scheme]} scheme: {wrong}"


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_no_serious_violations(desktop: dict[str, Sweep], scheme: str) -> None:
    """The whole page, every axe rule, both schemes: no serious or critical violation."""
    require_chromium()
    _fail_if(desktop[scheme].axe, f"serious/critical axe violation(s) ({scheme} scheme)")


@pytest.mark.browser
def test_charts_and_tables_have_text_alternatives(desktop: dict[str, Sweep]) -> None:
    require_chromium()
    _fail_if(desktop["light"].structure, "chart/table accessibility problem(s)")


@pytest.mark.browser
def test_phone_width_pages_open_cleanly(phone: Sweep) -> None:
    require_chromium()
    _fail_if(phone.problems, "problem(s) opening every page at 375 px")
    _fail_if(phone.axe, "serious/critical axe violation(s) at 375 px")


@pytest.mark.browser
def test_phone_width_no_sideways_scroll_and_readable_charts_and_tables(phone: Sweep) -> None:
    require_chromium()
    _fail_if(phone.layout, "layout problem(s) at 375 px")


@pytest.mark.browser
def test_phone_width_chart_text_is_legible(phone: Sweep) -> None:
    require_chromium()
    _fail_if(phone.chart_text, f"chart text below {MIN_CHART_TEXT_PX} px at 375 px")


# --- what a reader sees: ids, section bar, titles, tap targets, width --------------------

LEAN_FIXTURE = browser.ROOT / "tests" / "fixtures" / "lean"  # one source, no figures/reactions


@pytest.fixture(scope="module")
def lean(chromium: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A differently shaped briefing, built and swept at 1280 and 375 px (light scheme)."""
    site = browser.build_project(tmp_path_factory, "lean", copy_from=LEAN_FIXTURE)
    server = browser.serve(site)
    try:
        yield {"site": site, **({} if chromium is None else {
            label: _sweep(chromium, server, site, scheme="light", viewport=size,
                          label=f"lean-{label}-light")
            for label, size in (("desktop", DESKTOP), ("phone", PHONE))})}
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def _sweeps(desktop: dict[str, Sweep] | None, phone: Sweep | None,
            lean: dict[str, Any]) -> dict[str, Sweep]:
    require_chromium()
    assert desktop is not None and phone is not None
    return {"shipped 1280": desktop["light"], "shipped 375": phone,
            "lean 1280": lean["desktop"], "lean 375": lean["phone"]}


@pytest.mark.browser
def test_reader_sees_no_internal_ids_and_nothing_too_wide(desktop: dict[str, Sweep], phone: Sweep,
                                                          lean: dict[str, Any]) -> None:
    problems = []
    for where, sweep in _sweeps(desktop, phone, lean).items():
        for rel, seen in sweep.reader.items():
            problems += [f"{where} {rel}: source id {i!r} in the visible text" for i in seen["ids"]]
            problems += [f"{where} {rel}: wider than the viewport: {w}" for w in seen["wide"][:3]]
            problems += [f"{where} {rel}: tap target under 24x24 px: {t}" for t in seen["small"][:3]]
    _fail_if(problems, "reader problem(s)")


@pytest.mark.browser
def test_section_bar_and_unique_titles(desktop: dict[str, Sweep], phone: Sweep,
                                       lean: dict[str, Any], built_site: Path) -> None:
    problems = []
    for where, sweep in _sweeps(desktop, phone, lean).items():
        titles = [seen["title"] for seen in sweep.reader.values()]
        problems += [f"{where}: <title> {t!r} used twice" for t in set(titles)
                     if titles.count(t) > 1]
        for rel, seen in sweep.reader.items():
            if seen["bar"] is None:
                continue
            slug = rel.split("/")[0]
            built = [name for name, path in zip(SECTIONS, ("", "who/", "timeline/", "numbers/",
                                                           "reactions/", "sources/"))
                     if ((lean["site"] if where.startswith("lean") else built_site)
                         / slug / path / "index.html").is_file()]
            if seen["bar"] != built:
                problems.append(f"{where} {rel}: section bar {seen['bar']} != sections {built}")
            if not seen["title"].startswith(tuple(f"{t} – " for t in SECTIONS)):
                problems.append(f"{where} {rel}: <title> {seen['title']!r} does not name the section")
    _fail_if(problems, "section bar / title problem(s)")


@pytest.mark.browser
def test_no_empty_section_pages(lean: dict[str, Any]) -> None:
    require_chromium()
    site: Path = lean["site"]
    assert not (site / "lean/numbers").exists() and not (site / "lean/reactions").exists()
    for rel, seen in lean["phone"].reader.items():
        if seen["bar"] is not None:
            assert seen["bar"] == ["Overview", "Who", "Timeline", "Sources"], (rel, seen["bar"])
    for page in site.rglob("*.html"):
        assert not re.search(r'href="[^"]*(numbers|reactions)/', page.read_text(encoding="utf-8")), page


# --- answer first: the first screen of an overview on a phone -------------------------------

# Where the answer sits on the page: the headline, the lede, the first key number and the first
# key takeaway (each box in CSS px from the top of the page, scrolled to the top), and whether
# anything makes the page wider than the viewport.
FIRST_SCREEN_JS = """() => {
  const box = el => { if (!el) return null; const r = el.getBoundingClientRect();
                      return {top: r.top + scrollY, bottom: r.bottom + scrollY,
                              text: el.innerText.replace(/\\s+/g, ' ').trim()}; };
  const heads = [...document.querySelectorAll('article h2')];
  const takeaways = heads.find(h => h.textContent.trim().startsWith('Key takeaways'));
  const list = takeaways && takeaways.nextElementSibling;
  return {h1: box(document.querySelector('article h1')),
          lede: box(document.querySelector('article p.bs-lede')),
          number: box(document.querySelector('article p.bs-keynum')),
          takeaway: box(list && list.querySelector('li')),
          lineHeight: list ? parseFloat(getComputedStyle(list).lineHeight) : 0,
          wide: document.documentElement.scrollWidth > document.documentElement.clientWidth};
}"""


def _first_screen(chromium: Any, server: SiteServer, root: Path, name: str) -> list[str]:
    """What is missing from the first 812 px of each overview of the site at 375 px."""
    from generator.pipeline import run

    problems = []
    s = open_session(chromium, server, viewport=PHONE)
    try:
        for b in run(root).site.published:
            s.goto(f"{b.slug}/index.html")
            s.settle()
            seen = s.page.evaluate(FIRST_SCREEN_JS)
            browser.screenshot(s.page, f"first-screen-{name}-{b.slug}-phone-light", full_page=False)
            where = f"{name} {b.slug} at 375x812"
            lede = " ".join(b.meta.lede_text.split())
            wanted = {"h1": "the headline", "lede": "the lede", "takeaway": "the first takeaway"}
            if b.figures:
                wanted["number"] = "a key number"
            for key, what in wanted.items():
                got = seen[key]
                bottom = got and (got["top"] + 1.5 * seen["lineHeight"] if key == "takeaway"
                                  else got["bottom"])
                if got is None or bottom > PHONE["height"]:
                    problems.append(f"{where}: {what} is not on the first screen: {got}")
            if seen["lede"] and seen["lede"]["text"] != lede:
                problems.append(f"{where}: lede {seen['lede']['text']!r} != {lede!r}")
            if seen["wide"]:
                problems.append(f"{where}: the page is wider than the viewport")
        problems += s.recorder.problems()
    finally:
        s.context.close()
    return problems


@pytest.mark.browser
def test_the_overview_answers_on_the_first_phone_screen(chromium: Any, site_server: SiteServer,
                                                        built_site: Path,
                                                        tmp_path_factory: pytest.TempPathFactory
                                                        ) -> None:
    """Headline, lede, a key number (where the briefing has figures) and the start of the first
    takeaway within 812 px, on the shipped briefing and on the lean one (no figures)."""
    require_chromium()
    problems = _first_screen(chromium, site_server, browser.ROOT, "shipped")
    lean_site = browser.build_project(tmp_path_factory, "lean", copy_from=LEAN_FIXTURE)
    server = browser.serve(lean_site)
    try:
        problems += _first_screen(chromium, server, LEAN_FIXTURE, "lean")
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
    _fail_if(problems, "first-screen problem(s)")


@pytest.mark.browser
def test_home_shows_each_briefing_as_a_card(chromium: Any, site_server: SiteServer) -> None:
    """Headline, date, lede, key numbers and a link to each section, at 375 px."""
    from generator.listing import key_numbers, sections
    from generator.pipeline import run

    require_chromium()
    s = open_session(chromium, site_server, viewport=PHONE)
    try:
        s.goto("index.html")
        s.settle()
        text = " ".join(s.page.locator("article").inner_text().split())
        links = s.page.locator("article a").evaluate_all("els => els.map(a => a.pathname)")
        browser.screenshot(s.page, "home-card-phone-light", full_page=False)
        for b in run(browser.ROOT).site.published:
            assert " ".join(b.meta.title.split()) in text
            assert b.meta.event_date.label in text and " ".join(b.meta.lede_text.split()) in text
            for _, spread in key_numbers(b):
                assert spread.big in text and " ".join(spread.says().split()) in text
            for name, _, _ in sections(b):
                path = "/" + b.slug + "/" + ("" if name == "index.md" else name[:-3] + "/")
                assert path in links, (path, links)
        assert s.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _fail_if(s.recorder.problems(), "problem(s) on the home page")
    finally:
        s.context.close()


@pytest.mark.browser
def test_estimates_are_stacked_cards_on_a_phone(chromium: Any, site_server: SiteServer) -> None:
    """At 375 px each estimate row fits the screen whole: no row, and no table, scrolls sideways."""
    require_chromium()
    s = open_session(chromium, site_server, viewport=PHONE)
    try:
        s.goto("kursk/numbers/index.html")
        s.settle()
        rows = s.page.evaluate("""() => [...document.querySelectorAll('article table')].map(t => {
            const wrap = t.closest('.md-typeset__scrollwrap') || t;
            return {scrolls: wrap.scrollWidth > wrap.clientWidth + 0.5,
                    rows: [...t.querySelectorAll('tbody tr')].map(r => r.getBoundingClientRect().right)};
        })""")
        assert rows and all(r["rows"] for r in rows)
        wide = [r for r in rows if r["scrolls"] or max(r["rows"]) > PHONE["width"]]
        assert not wide, wide
        _fail_if(s.recorder.problems(), "problem(s) on the Numbers page")
    finally:
        s.context.close()


# --- the reader's paths -------------------------------------------------------------------

def _actor() -> tuple[str, str, str]:
    """(briefing slug, actor id, actor name) to search for: Kim Jong Un when present."""
    from generator.pipeline import run

    site = run(browser.ROOT).site
    for b in site.published:
        if "kim-jong-un" in b.actor:
            return b.slug, "kim-jong-un", b.actor["kim-jong-un"].name
    for b in site.published:
        if b.actors:
            return b.slug, b.actors[0].id, b.actors[0].name
    pytest.fail("no published briefing has an actor to search for")


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_search_finds_an_actor(session_factory: Any, scheme: str) -> None:
    slug, actor_id, name = _actor()
    s: Session = session_factory(color_scheme=scheme)
    s.goto("index.html")
    s.settle()
    box = s.page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(name, delay=20)
    # Material adds ?h=<terms> (search.highlight) before the fragment.
    target = re.compile(rf"/{re.escape(slug)}/who/(\?[^#]*)?#actor-{re.escape(actor_id)}$")
    s.page.locator(".md-search-result__list a").filter(has_text=name).first.wait_for(
        state="visible")
    hits = s.page.locator(".md-search-result__list a").evaluate_all(
        "els => els.map(a => [a.href, a.textContent.replace(/\\s+/g, ' '), a.checkVisibility()])")
    shown = [(href, text) for href, text, visible in hits if visible]
    assert any(target.search(href) and name in text for href, text in shown), (
        f"no visible search result for {name!r} links to the Who page: {shown}")

    # Material's chrome with the search dialog open and results listed: still no serious issue.
    serious = [v for v in axe_violations(s.page) if v.get("impact") in SERIOUS]
    _fail_if(describe_violations(f"search open ({scheme})", serious),
             "serious/critical axe violation(s) with search results open")
    if scheme == "light":
        browser.screenshot(s.page, "search-results-desktop-light", full_page=False)

    # the actor's own entry (other entries may mention the name, e.g. in a source's headline)
    s.page.locator(f".md-search-result__list a[href$='#actor-{actor_id}']").filter(
        has_text=name).filter(visible=True).first.click()
    s.page.wait_for_url(target)
    heading = s.page.locator(f"#actor-{actor_id}")
    assert name in heading.inner_text()
    assert heading.is_visible()
    _fail_if(s.recorder.problems(), "problem(s) while searching")


def _h1(s: Session) -> str:
    """The page's heading text, without the permalink sign Material's toc extension adds."""
    return " ".join(s.page.locator("article h1").first.evaluate(
        "h => [...h.childNodes].filter(n => !(n.classList && n.classList.contains('headerlink')))"
        ".map(n => n.textContent).join('')").split())


def _nav_link(s: Session, title: str) -> Any:
    pattern = re.compile(rf"^\s*{re.escape(title)}\s*$")
    return s.page.locator("nav.md-nav--primary a.md-nav__link").filter(has_text=pattern).filter(
        visible=True).first


@pytest.mark.browser
def test_navigation_walks_every_section(session_factory: Any) -> None:
    from generator.pipeline import run

    site = run(browser.ROOT).site
    assert site.published, "no published briefing"
    b = site.published[0]
    s: Session = session_factory()
    s.goto("index.html")
    s.settle()
    # Home -> the briefing, through the link in the home page's text.
    s.page.locator(f"article a[href='{b.slug}/']").first.click()
    s.page.wait_for_url(f"**/{b.slug}/")
    assert _h1(s) == " ".join(b.meta.title.split())

    paths = {"Overview": "", "Who": "who/", "Timeline": "timeline/", "Numbers": "numbers/",
             "Reactions": "reactions/", "Sources": "sources/"}
    for title in SECTIONS[1:] + SECTIONS[:1]:
        _nav_link(s, title).click()
        s.page.wait_for_url(re.compile(rf"/{re.escape(b.slug)}/{re.escape(paths[title])}$"))
        h1 = _h1(s)
        expected = " ".join(b.meta.title.split())
        assert h1 == (expected if title == "Overview" else title), (title, h1)
        active = s.page.locator("nav.md-nav--primary a.md-nav__link--active").first
        assert active.inner_text().strip() == title
    _fail_if(s.recorder.problems(), "problem(s) while navigating")


@pytest.mark.browser
@pytest.mark.parametrize("scheme", SCHEMES)
def test_phone_drawer_navigation(session_factory: Any, scheme: str) -> None:
    from generator.pipeline import run

    b = run(browser.ROOT).site.published[0]
    s: Session = session_factory(viewport=PHONE, color_scheme=scheme)
    s.goto(f"{b.slug}/index.html")
    s.settle()
    s.page.locator("label.md-header__button[for='__drawer']").click()
    link = _nav_link(s, "Timeline")
    link.wait_for(state="visible")
    serious = [v for v in axe_violations(s.page) if v.get("impact") in SERIOUS]
    _fail_if(describe_violations(f"drawer open (375 px, {scheme})", serious),
             "serious/critical axe violation(s) with the navigation drawer open")
    browser.screenshot(s.page, f"drawer-phone-{scheme}", full_page=False)
    link.click()
    s.page.wait_for_url(f"**/{b.slug}/timeline/")
    assert _h1(s) == "Timeline"
    _fail_if(s.recorder.problems(), "problem(s) while navigating at 375 px")


@pytest.mark.browser
def test_palette_toggle_switches_and_remembers_the_scheme(session_factory: Any) -> None:
    s: Session = session_factory(color_scheme="light")
    s.goto("index.html")
    s.settle()
    scheme = "document.body.getAttribute('data-md-color-scheme')"
    toggle = "form[data-md-component='palette'] label.md-header__button:not([hidden])"
    assert s.page.evaluate(scheme) == "default"

    s.page.locator(toggle).click()
    s.page.wait_for_function(f"{scheme} === 'slate'")
    assert s.page.locator(toggle).get_attribute("title") == "Switch to light mode"

    # The choice survives navigation to another page.
    s.page.locator("article a").first.click()
    s.page.wait_for_load_state("load")
    assert s.page.evaluate(scheme) == "slate"

    s.page.locator(toggle).click()
    s.page.wait_for_function(f"{scheme} === 'default'")
    assert s.page.locator(toggle).get_attribute("title") == "Switch to dark mode"
    _fail_if(s.recorder.problems(), "problem(s) while toggling the palette")


@pytest.mark.browser
def test_injected_script_would_be_caught(session_factory: Any) -> None:
    """The guard works: a page that calls alert() and loads a remote image is reported."""
    s: Session = session_factory()
    s.goto("index.html")
    s.page.evaluate("""() => { const img = new Image(); img.src = 'https://example.org/x.png';
                               document.body.append(img); setTimeout(() => alert('xss'), 0); }""")
    s.page.wait_for_timeout(300)
    problems = s.recorder.problems()
    assert any("example.org/x.png" in p for p in problems), problems
    assert any("dialog" in p and "xss" in p for p in problems), problems
    s.page.evaluate("""() => { const d = document.createElement('div');
        d.innerHTML = '<img src="x.png" onerror="1"><script>1</script><a href="javascript:1">j</a>';
        document.querySelector('article').append(d); }""")
    found = "\n".join(s.page.evaluate(HOSTILE_DOM_JS))
    assert "img[onerror]" in found and "inline script" in found and "script URL" in found, found


# --- hostile content ----------------------------------------------------------------------

def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


# Every free-text field of every file carries markup, script, Markdown link/attribute syntax
# and template syntax. The site must show all of it as text and run none of it.
PAYLOAD = ('<script>alert("script")</script><img src="https://evil.example/i.png" onerror="alert(\'img\')">'
     '<svg onload=alert(\'svg\')></svg> [link](javascript:alert(\'md\')) {: onclick="alert(\'attr\')" } '
     '<iframe src="https://evil.example/"></iframe> {{ 7*7 }} ${7*7} &lt;b&gt; | pipe ` code')
HOSTILE_FILES: dict[str, str | bytes] = {
 "site_config/site.yaml": f"title: {_q('Site '+PAYLOAD)}\ndescription: {_q('Desc '+PAYLOAD)}\nlanguage: en\ncopyright: {_q('Copy '+PAYLOAD)}\npublish_source_texts: true\n",
 "content/evil/sources/art.txt": f"Body {PAYLOAD}\nSecond paragraph says {PAYLOAD}\n"
                                 "About 1,200 were hurt; 4,000 were sent.\n",
 "content/evil/briefing.yaml": f"""title: {_q('Title '+PAYLOAD)}
summary: {_q('Summary '+PAYLOAD)}
event_date: 2025-04-28
last_updated: 2025-05-01
status: published
takeaways:
  - text: {_q('Takeaway '+PAYLOAD)}
    citations:
      - source: art
        excerpt: {_q(PAYLOAD)}
changelog:
  - date: 2025-05-01
    summary: {_q('Change '+PAYLOAD)}
""",
 "content/evil/sources.yaml": f"""sources:
  - id: art
    file: sources/art.txt
    label: {_q('Label '+PAYLOAD)}
    title: {_q('STitle '+PAYLOAD)}
    outlet: {_q('Outlet '+PAYLOAD)}
    author: {_q('Author '+PAYLOAD)}
    url: "https://example.org/a)[x](javascript:alert(1)"
    notes: {_q('Notes '+PAYLOAD)}
""",
 "content/evil/actors.yaml": f"""actors:
  - id: kim
    name: {_q('Name '+PAYLOAD)}
    kind: person
    role: {_q('Role '+PAYLOAD)}
    affiliation: {_q('Aff '+PAYLOAD)}
    country: {_q('Country '+PAYLOAD)}
    side: north-korea
    citations:
      - source: art
        excerpt: {_q(PAYLOAD)}
""",
 "content/evil/timeline.yaml": f"""events:
  - id: e1
    date: 2025-04-28
    summary: {_q('Event '+PAYLOAD)}
    actors: [kim]
    citations:
      - source: art
        excerpt: {_q(PAYLOAD)}
    other_dates:
      - date: 2025-04-27
        note: {_q('Other '+PAYLOAD)}
        citations: [art]
""",
 "content/evil/figures.yaml": f"""figures:
  - id: f1
    metric: {_q('Metric '+PAYLOAD)}
    unit: {_q('Unit '+PAYLOAD)}
    note: {_q('FNote '+PAYLOAD)}
    estimates:
      - id: a
        value: 1200
        qualifier: about
        estimators: [kim]
        citations: [{{source: art, excerpt: "About 1,200 were hurt"}}]
      - id: b
        value: 4000
        qualifier: exact
        estimators: [kim]
        citations: [{{source: art, excerpt: "4,000 were sent"}}]
""",
 "content/evil/quotes.yaml": f"""quotes:
  - id: q1
    speaker: kim
    text: {_q(PAYLOAD)}
    attribution: {_q('Attribution '+PAYLOAD)}
    context: {_q('Context '+PAYLOAD)}
    citations: [art]
""",
 "content/evil/reactions.yaml": f"""reactions:
  - id: r1
    actor: kim
    stance: condemns
    summary: {_q('Reaction '+PAYLOAD)}
    quotes: [q1]
    citations: [art]
""",
}


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    site = browser.build_project(tmp_path_factory, "hostile", files=HOSTILE_FILES)
    server = browser.serve(site)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


HOSTILE_DOM_JS = """() => {
  const problems = [];
  for (const el of document.querySelectorAll('*'))
    for (const a of el.attributes)
      if (a.name.toLowerCase().startsWith('on')) problems.push(`${el.localName}[${a.name}]`);
  for (const el of document.querySelectorAll('a[href], area[href], iframe, embed, object, img'))
    if (/^\\s*(javascript|data|vbscript):/i.test(el.getAttribute('href') || el.getAttribute('src') || ''))
      problems.push(`${el.localName} with a script URL`);
  for (const el of document.querySelectorAll('iframe, object, embed, img, frame, base, meta[http-equiv]'))
    problems.push('unexpected <' + el.localName + '>: ' + el.outerHTML.slice(0, 80));
  // Material's own inline scripts (head setup, palette, content/anchor fix-up, config JSON) and
  // briefsite's search loader (site_config/overrides/main.html).
  const theirs = ['__md_scope=', 'var palette=__md_get(', 'var target=document.getElementById(location.hash'];
  // The overview's JSON-LD is data: allowed when it parses and holds no markup.
  for (const el of document.querySelectorAll('script[type="application/ld+json"]')) {
    try { JSON.parse(el.textContent); } catch (e) { problems.push('JSON-LD does not parse'); }
    if (el.children.length || /[<>]/.test(el.textContent)) problems.push('markup inside JSON-LD');
  }
  for (const el of document.querySelectorAll('script:not([src]):not([type="application/ld+json"])'))
    if (!['__config', 'bs-lazy-search'].includes(el.id) && !theirs.some(t => el.textContent.trimStart().startsWith(t)))
      problems.push('unexpected inline script: ' + el.outerHTML.slice(0, 80));
  for (const el of document.querySelectorAll('script[src]'))
    if (!new URL(el.src).pathname.includes('/assets/javascripts/'))
      problems.push('unexpected script ' + el.src);
  return problems;
}"""


@pytest.mark.browser
def test_hostile_content_is_shown_as_text_and_never_run(chromium: Any,
                                                         hostile_server: SiteServer) -> None:
    require_chromium()
    s = open_session(chromium, hostile_server)
    problems: list[str] = []
    try:
        for rel in html_pages(hostile_server.root):
            s.goto(rel)
            s.settle()
            problems += [f"{rel}: {p}" for p in s.page.evaluate(HOSTILE_DOM_JS)]
            if rel.startswith("evil/"):
                text = s.page.locator("article").inner_text()
                for literal in ('<script>alert("script")</script>', "{{ 7*7 }}", "| pipe",
                                "[link](javascript:alert('md'))"):
                    if literal not in text:
                        problems.append(f"{rel}: {literal!r} is not shown as text")
        # Material renders search results from the index as HTML: search for the payload.
        s.goto("index.html")
        s.settle()
        s.page.locator("input.md-search__input").click()
        s.page.locator("input.md-search__input").press_sequentially("Takeaway Reaction script", delay=10)
        s.page.locator(".md-search-result__list a").first.wait_for(state="visible")
        s.page.wait_for_timeout(300)
        problems += [f"search: {p}" for p in s.page.evaluate(HOSTILE_DOM_JS)]
        browser.screenshot(s.page, "hostile-search-desktop-light", full_page=False)
        s.goto("evil/who/index.html")
        browser.screenshot(s.page, "hostile-who-desktop-light")
        problems += s.recorder.problems()
    finally:
        s.context.close()
    _fail_if(problems, "sign(s) of injected markup or script")

# --- the opt-out --------------------------------------------------------------------------

def test_missing_chromium_fails_unless_skipped_explicitly(monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv(browser.SKIP_BROWSER_ENV, raising=False)
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium fonts-noto-cjk"):
        browser.require_chromium()
    monkeypatch.setenv(browser.SKIP_BROWSER_ENV, "1")
    with pytest.raises(pytest.skip.Exception):
        browser.require_chromium()
