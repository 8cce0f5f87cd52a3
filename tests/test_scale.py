"""What keeps builds linear in the number of briefings: each page's navigation holds Home and
its own briefing only (site_config/overrides/partials/nav.html), never every briefing."""

from __future__ import annotations

import os
import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

PAGES = ["", "who/", "timeline/", "numbers/", "reactions/", "sources/"]


def _nav_targets(html: str, url: str) -> set[str]:
    """Site paths the primary navigation links to (anchors within the page left out)."""
    start = html.index('<nav class="md-nav md-nav--primary"')
    depth, end = 0, len(html)
    for tag in re.finditer(r"<nav\b|</nav>", html[start:]):
        depth += 1 if tag.group() == "<nav" else -1
        if depth == 0:
            end = start + tag.end()
            break
    hrefs = re.findall(r'href="([^"#][^"]*)"', html[start:end])
    return {posixpath.normpath(posixpath.join("/" + url, h)).rstrip("/") + "/" for h in hrefs}


def test_each_page_navigates_its_own_briefing_only(tmp_path: Path) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from generator.build import build_site

    root = corpus.write_project(tmp_path / "project", 3)
    site = build_site(root, site_dir=tmp_path / "site")
    slugs = [corpus.slug_of(i) for i in range(3)]
    for slug in slugs:
        for page in ("", "who/", "sources/"):
            url = f"{slug}/{page}"
            targets = _nav_targets((site / url / "index.html").read_text(encoding="utf-8"), url)
            assert targets == {"/"} | {f"/{slug}/{p}" for p in PAGES}, (url, targets)
    home = (site / "index.html").read_text(encoding="utf-8")
    assert _nav_targets(home, "") == {"/"}
    assert all(f'href="{slug}/"' in home for slug in slugs)  # the home page lists them all


def _load_demo() -> None:
    from generator.briefing import load_briefing
    demo = Path(__file__).resolve().parent / "fixtures" / "demo"
    briefing, problems = load_briefing(demo / "content" / "demo", demo)
    assert briefing is not None, problems


def test_loading_leaves_no_pile_of_young_objects_for_the_collector() -> None:
    """A briefing's objects move to the oldest generation when its load ends, unscanned: the
    first collection after loading would otherwise walk them all (~20 % of a 300-briefing
    check). The collector's state is restored, and objects the program froze stay frozen."""
    import gc

    gc.collect()
    _load_demo()
    assert len(gc.get_objects(generation=0)) + len(gc.get_objects(generation=1)) < 1000
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        _load_demo()
        assert not gc.isenabled()
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        _load_demo()
        assert gc.get_freeze_count() == frozen  # the program's frozen objects are left alone
    finally:
        gc.unfreeze()
