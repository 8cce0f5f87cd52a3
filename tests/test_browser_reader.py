"""The section pages as a reader meets them (issue 13, items 2, 5-8 and 10), in Chromium.

On the shipped briefing and the lean fixture, at 375 and 1280 px, light and dark: the story is a
kicker above the section's name; the Who page is one card per actor, principals first; the
timeline has its rail, its dates and key events; the reactions grid opens the Reactions page;
the coverage table is collapsed under "N of M facts rest on a single source" and its fact column
takes at least 40% of it; no text under 4.5:1 (axe color-contrast). At 375 px with a cold cache,
every response of a page load and the 2 s after it, each gzipped at level 6, stays within budget
(overview 70 KB, other pages 90 KB), and neither the search worker nor the index is fetched.
Screenshots of every page go to test-artifacts/screenshots/reader-*.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from typing import Any

import browser
import pytest
from browser import (  # noqa: F401  (fixtures are found by pytest through these imports)
    DESKTOP,
    PHONE,
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
    site_server,
)

pytestmark = pytest.mark.browser
LEAN = browser.ROOT / "tests" / "fixtures" / "lean"
BUDGET_KB = {"overview": 70, "other": 90}
SEARCH = ("search/search_index.json", "/workers/search.")

PAGE_JS = """() => {
  const q = s => [...document.querySelectorAll('article ' + s)];
  const h1 = document.querySelector('article h1');
  const kicker = h1 && h1.previousElementSibling;
  const cards = q('.admonition.bs-card h3').map(h => h.id);
  const events = q('.bs-event:not(.bs-other-date)');
  const rail = events.length ? getComputedStyle(events[0]).borderLeftStyle : null;
  const cov = document.querySelector('article details.bs-coverage');
  let factShare = null;
  if (cov) { const was = cov.open; cov.open = true;
    const t = cov.querySelector('table'), th = t && t.querySelector('th');
    factShare = th ? th.getBoundingClientRect().width / t.getBoundingClientRect().width : 0;
    cov.open = was; }
  const firstTable = document.querySelector('article table');
  return {
    h1: h1 ? h1.firstChild.textContent.trim() : null,
    kicker: kicker && kicker.classList.contains('bs-kicker') ? kicker.innerText.trim() : null,
    cards, days: q('h2.bs-day').length, events: events.length, rail,
    keys: q('.bs-event.bs-key').length, keyBadges: q('.bs-key-badge').length,
    grid: firstTable ? [...firstTable.querySelectorAll('thead th')].map(th => th.innerText.trim()) : [],
    stances: q('table .bs-stance').map(s => s.innerText.trim()),
    coverageOpen: cov ? cov.open : null, factShare,
    text: document.querySelector('article').innerText,
  };
}"""


def _sites(chromium: Any, site_server: SiteServer, built_site: Any,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, SiteServer]]:
    yield "shipped", built_site, site_server
    lean = browser.build_project(tmp_path_factory, "lean-reader", copy_from=LEAN)
    server = browser.serve(lean)
    try:
        yield "lean", lean, server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


@pytest.fixture(scope="module")
def seen(chromium: Any, site_server: SiteServer, built_site: Any,
         tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every briefing page of both sites at both widths in both schemes: PAGE_JS, contrast."""
    if chromium is None:
        return {}
    out: dict[str, Any] = {}
    for name, site, server in _sites(chromium, site_server, built_site, tmp_path_factory):
        out[name] = {"site": site, "pages": {}, "contrast": [], "weight": {}}
        for width, size in (("phone", PHONE), ("desktop", DESKTOP)):
            for scheme in ("light", "dark"):
                s = open_session(chromium, server, color_scheme=scheme, viewport=size)
                try:
                    for rel in html_pages(site):
                        s.goto(rel)
                        s.settle()
                        out[name]["pages"][(rel, width, scheme)] = s.page.evaluate(PAGE_JS)
                        bad = [v for v in axe_violations(s.page) if v["id"] == "color-contrast"]
                        out[name]["contrast"] += describe_violations(
                            f"{name} {rel} {width} {scheme}", bad)
                        screenshot(s.page, f"reader-{name}-{page_name(rel)}-{width}-{scheme}")
                finally:
                    s.context.close()
        out[name]["weight"] = {rel: _weigh(chromium, server, rel) for rel in html_pages(site)}
    return out


def _weigh(chromium: Any, server: SiteServer, rel: str) -> tuple[int, list[str]]:
    """Bytes of every response of a cold load at 375 px and the 2 s after, each gzipped at 6."""
    s = open_session(chromium, server, viewport=PHONE)
    responses: list[Any] = []
    s.context.on("response", lambda r: responses.append(r))
    try:
        s.goto(rel)
        s.page.wait_for_timeout(2000)
        total = sum(len(gzip.compress(r.body(), 6)) for r in responses)
        return total, [r.url for r in responses]
    finally:
        s.context.close()


def _briefing_pages(seen: dict[str, Any], site: str) -> dict[tuple[str, str, str], Any]:
    return {k: v for k, v in seen[site]["pages"].items() if "/" in k[0] and k[0] != "404.html"}


def _section(rel: str) -> str:
    parts = rel.split("/")
    return "overview" if len(parts) == 2 else parts[1]


@pytest.mark.parametrize("site", ["shipped", "lean"])
def test_section_pages_name_the_section_under_a_story_kicker(seen: dict[str, Any], site: str) -> None:
    require_chromium()
    for (rel, width, scheme), p in _briefing_pages(seen, site).items():
        if _section(rel) == "overview":
            assert p["kicker"] is None, rel
            continue
        assert p["h1"] == _section(rel).capitalize(), (rel, width, scheme, p["h1"])
        assert p["kicker"], (rel, width, "no story kicker above the heading")


@pytest.mark.parametrize("site", ["shipped", "lean"])
def test_who_is_one_card_per_actor_principals_first(seen: dict[str, Any], site: str) -> None:
    from generator import layout
    from generator.pipeline import run

    require_chromium()
    b = run(browser.ROOT if site == "shipped" else LEAN).site.published[0]
    order = [f"actor-{a.id}" for _, actors in layout.who_order(b) for a in actors]
    for (rel, width, scheme), p in _briefing_pages(seen, site).items():
        if _section(rel) != "who":
            continue
        assert p["cards"] == order, (rel, width, scheme)
        assert len(set(p["cards"])) == len(p["cards"]) == len(b.actors), "an actor twice"
    if site == "shipped":
        principals = {a.id for a in b.actors if a.prominence and a.prominence.value == "principal"}
        assert principals and {c[6:] for c in order[:len(principals)]} == principals
        assert order[-1] in {"actor-kcna", "actor-yonhap", "actor-tass"}  # news agencies last


@pytest.mark.parametrize("site", ["shipped", "lean"])
def test_timeline_has_a_rail_dates_and_key_events(seen: dict[str, Any], site: str) -> None:
    require_chromium()
    for (rel, width, _scheme), p in _briefing_pages(seen, site).items():
        if _section(rel) != "timeline":
            continue
        assert p["rail"] == "solid" and p["events"] >= p["days"] > 0, (rel, width, p)
        assert p["keys"] == p["keyBadges"], "a key event marked by colour alone"
        if site == "shipped":
            assert p["keys"] > 0 and p["days"] < p["events"]  # several events share a date
        else:
            assert "year only" in p["text"]  # the lean fixture's dates are years


def test_reactions_open_with_a_grid(seen: dict[str, Any]) -> None:
    from generator.pipeline import run

    require_chromium()
    b = run(browser.ROOT).site.published[0]
    for (rel, width, _scheme), p in _briefing_pages(seen, "shipped").items():
        if _section(rel) == "reactions":
            assert p["grid"] == ["Who", "Stance", "In a line", "When"], (rel, width)
            assert p["stances"] == [r.stance.value for r in b.reactions]  # the word, not a colour


@pytest.mark.parametrize("site", ["shipped", "lean"])
def test_coverage_is_collapsed_under_its_headline_figure(seen: dict[str, Any], site: str) -> None:
    from generator.pipeline import run

    require_chromium()
    b = run(browser.ROOT if site == "shipped" else LEAN).site.published[0]
    single = sum(1 for f in b.facts if len(f.source_ids) == 1)
    for (rel, width, _scheme), p in _briefing_pages(seen, site).items():
        if _section(rel) != "sources":
            continue
        assert f"{single} of {len(b.facts)} facts rest on a single source" in p["text"]
        assert p["coverageOpen"] is False, (rel, width)
        assert p["factShare"] >= 0.4, (rel, width, p["factShare"])


@pytest.mark.parametrize("site", ["shipped", "lean"])
def test_all_text_has_enough_contrast_in_both_schemes(seen: dict[str, Any], site: str) -> None:
    require_chromium()
    assert not seen[site]["contrast"], "\n".join(seen[site]["contrast"])


@pytest.mark.parametrize("site", ["shipped", "lean"])
def test_page_weight_within_budget_and_search_loads_later(seen: dict[str, Any], site: str) -> None:
    require_chromium()
    problems = []
    for rel, (total, urls) in seen[site]["weight"].items():
        if rel == "404.html":
            continue
        budget = BUDGET_KB["overview" if rel.endswith("/index.html") and rel.count("/") == 1
                           else "other"] * 1024
        if total > budget:
            problems.append(f"{rel}: {total / 1024:.1f} KB > {budget // 1024} KB")
        problems += [f"{rel}: fetched {u} before any search" for u in urls
                     if any(s in u for s in SEARCH)]
    assert not problems, "\n".join(problems)
