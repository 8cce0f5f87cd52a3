"""Portability: the engine-neutral tree from ``briefsite render`` builds with Zensical.

Zensical reads mkdocs.yml but runs no third-party MkDocs plugins, so this test writes a
minimal mkdocs.yml (``yaml.safe_dump``, never string templating) beside the rendered tree,
with the navigation from ``generator.render.nav``, and runs ``zensical build``. It needs the
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

from generator import cli, export
from generator.escape import attr, html_text
from generator.pipeline import load_site
from generator.render import nav, sections

pytestmark = pytest.mark.site


def zensical_config(root: Path, docs_dir: str) -> dict[str, object]:
    """The smallest mkdocs.yml Zensical needs for a rendered tree of the project at ``root``."""
    site, problems = load_site(root)
    assert site is not None, problems
    # HTML-escaped as the briefsite plugin does: themes print these unescaped.
    extra = {"copyright": html_text(site.config.copyright)} if site.config.copyright else {}
    return {
        "site_name": html_text(site.config.title),
        "site_description": attr(site.config.description),
        **extra,
        "docs_dir": docs_dir,
        "site_dir": "site",
        "use_directory_urls": True,
        "nav": nav(site),
        "theme": {"name": "material", "font": False, "language": site.config.language},
        "extra_css": ["assets/briefsite.css"],
        "markdown_extensions": ["admonition", "attr_list", "footnotes", "tables",
                                {"toc": {"permalink": True}}],
    }


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
