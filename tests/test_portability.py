"""Portability: the engine-neutral tree from ``briefsite render`` builds with Zensical.

Zensical reads mkdocs.yml but runs no third-party MkDocs plugins, so this test writes a
minimal mkdocs.yml (``zensical_build.zensical_config``, written with ``yaml.safe_dump``, never
string templating) beside the rendered tree, and runs ``zensical build``; ``test_engines.py``
compares ``briefsite build --engine zensical`` with the MkDocs build. It needs the
``zensical`` package (in the test extra); it is never skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from generator import cli, export, zensical_build
from generator.escape import html_text
from generator.listing import sections
from generator.pipeline import load_site

pytestmark = pytest.mark.site


def zensical_config(root: Path, docs_dir: str) -> dict[str, object]:
    """The mkdocs.yml Zensical needs for a rendered tree of the project at ``root``: the one
    ``briefsite build --engine zensical`` generates (without the theme overrides)."""
    site, problems = load_site(root)
    assert site is not None, problems
    return zensical_build.zensical_config(site, {}, docs_dir=docs_dir)


def test_rendered_tree_builds_with_zensical(tmp_path: Path) -> None:
    assert importlib.util.find_spec("zensical") is not None, (
        "zensical is not installed: pip install zensical (it belongs in the test extra)")
    assert cli.main(["-C", str(ROOT), "render", "--out", str(tmp_path / "docs")]) == 0
    config = tmp_path / "mkdocs.yml"
    config.write_text(yaml.safe_dump(zensical_config(ROOT, "docs"), sort_keys=False,
                                     allow_unicode=True), encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "zensical", "build", "--strict", "--clean"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "site"
    site_model, _ = load_site(ROOT)
    assert site_model is not None
    for b in site_model.published:
        for name, _, title in sections(b):
            page = site / b.slug / ("" if name == "index.md" else name[:-3]) / "index.html"
            html = page.read_text(encoding="utf-8")
            assert f"<title>{title} - " in html, page
        numbers = (site / b.slug / "numbers/index.html").read_text(encoding="utf-8")
        assert {f'id="figure-{f.id}"' for f in b.figures} <= set(re.findall(r'id="figure-[^"]+"', numbers))
        assert numbers.count("<svg role=\"img\"") == len(b.figures)
        timeline = (site / b.slug / "timeline/index.html").read_text(encoding="utf-8")
        assert all(f'id="event-{e.id}"' in timeline for e in b.events)
        sources = (site / b.slug / "sources/index.html").read_text(encoding="utf-8")
        assert all(f'id="source-{s.id}"' in sources for s in b.sources)
        overview = (site / b.slug / "index.html").read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">([^<]*)</script>', overview)
        assert [json.loads(block) for block in blocks] == [export.jsonld(b, site_model.config)]
    # The exports are in the rendered tree, so Zensical publishes them unchanged.
    for path, text in export.generated_files(site_model).items():
        assert (site / path).read_text(encoding="utf-8") == text, path
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home
    assert site_model.config.copyright and html_text(site_model.config.copyright) in home
    assert re.search(r'href="(\./)?assets/briefsite\.css"', home)
