"""The two engines: ``briefsite build`` (MkDocs) and ``briefsite build --engine zensical``.

One fixture project (tests/fixtures/demo, every section filled) is built with both. They must
give the same set of pages, the same main-content text on each (the theme's chrome may differ),
the same exports byte for byte and the same JSON-LD, and neither may load anything from
another host. A failing Zensical build leaves the previous site as it was. ``zensical`` is in
the test extra: these tests are never skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import add_site_files, tree_bytes

import generator.starter
import generator.zensical_build as zb
from generator import cli, export
from generator.errors import BuildError
from generator.pipeline import load_site

DEMO = Path(__file__).resolve().parent / "fixtures" / "demo"


STARTER = Path(generator.starter.__file__).parent / "_starter" / "project" / "mkdocs.yml"


@pytest.fixture(params=["repository", "starter"])
def demo(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The demo project with this repository's mkdocs.yml, overrides and CSS, or with only the
    minimal mkdocs.yml of ``briefsite init`` (everything else from the shipped defaults)."""
    root = tmp_path / "project"
    shutil.copytree(DEMO, root)
    if request.param == "starter":
        shutil.copy(STARTER, root / "mkdocs.yml")
        (root / "site_config" / "docs").mkdir()  # as briefsite init makes it
        return root
    return add_site_files(root)


def build(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(["-C", str(root), "build", *args])
    return status, capsys.readouterr().err


class _Reader(HTMLParser):
    """The text of the page's <article> (scripts and styles left out) and every URL that the
    page loads (src/href of script, link, img, iframe, source, and srcset)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth, self.hidden, self.parts, self.loads = 0, 0, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article" or self.depth:
            self.depth += tag == "article"
        if self.depth and tag in ("script", "style"):
            self.hidden += 1
        if tag in ("script", "link", "img", "iframe", "source", "embed", "object"):
            self.loads += [v for k, v in attrs if k in ("src", "href", "data") and v]
            self.loads += [u.split()[0] for k, v in attrs if k == "srcset" and v for u in v.split(",")]

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag in ("script", "style"):
            self.hidden -= 1
        if self.depth and tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.hidden:
            self.parts.append(data)


def read(page: Path) -> _Reader:
    reader = _Reader()
    reader.feed(page.read_text(encoding="utf-8"))
    return reader


def main_text(page: Path) -> str:
    return " ".join(" ".join(read(page).parts).split())


def third_party(site: Path, own_host: str | None = None) -> list[str]:
    """Every load from another host: src/href of the elements above, @import in CSS."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for value in read(page).loads:
            host = urlsplit(value.strip()).hostname if re.match(r"(?i)\s*(https?:)?//", value) else None
            if host and host != own_host:
                found.append(f"{page.relative_to(site)}: {value}")
    for css in sorted(site.rglob("*.css")):
        text = css.read_text(encoding="utf-8", errors="replace")
        found += [f"{css.relative_to(site)}: {m}" for m in re.findall(r"@import[^;]*//[^;]*", text)]
    return found


def jsonld_blocks(page: Path) -> list[object]:
    html = page.read_text(encoding="utf-8")
    return [json.loads(b) for b in re.findall(r'<script type="application/ld\+json">([^<]*)</script>', html)]


@pytest.mark.site
def test_both_engines_build_the_same_site(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build(demo, capsys, "--site-dir", "mk") == (0, "")
    status, err = build(demo, capsys, "--site-dir", "zen", "--engine", "zensical")
    assert (status, err) == (0, "")
    mk, zen = demo / "mk", demo / "zen"
    pages = {p.relative_to(mk).as_posix() for p in mk.rglob("*.html")}
    assert pages == {p.relative_to(zen).as_posix() for p in zen.rglob("*.html")}
    assert {"index.html", "demo/index.html", "demo/who/index.html", "demo/sources/index.html"} <= pages
    for page in sorted(pages - {"404.html"}):
        text = main_text(mk / page)
        assert text, page  # an <article> with text: the comparison compares something
        assert main_text(zen / page) == text, page
    site, _ = load_site(demo)
    assert site is not None and site.published
    for path, text in export.each_file(site):
        assert (mk / path).read_bytes() == (zen / path).read_bytes() == text.encode("utf-8"), path
    for b in site.published:
        expected = [export.jsonld(b, site.config)]
        assert jsonld_blocks(mk / b.slug / "index.html") == jsonld_blocks(zen / b.slug / "index.html") == expected
    assert third_party(mk) == [] and third_party(zen) == []
    # The shipped override of main.html is honoured: the feed is announced on every page.
    assert 'type="application/atom+xml"' in (zen / "demo" / "who" / "index.html").read_text(encoding="utf-8")


def test_third_party_scan_finds_loads() -> None:
    """The scan above can fail: it finds a CDN script, a Google font and a CSS @import."""
    reader = _Reader()
    reader.feed('<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
                '<script src="//cdn.example/x.js"></script><a href="https://example.org/">ok</a>'
                '<img srcset="https://img.example/a.png 2x">')
    assert reader.loads == ["https://fonts.googleapis.com/css?family=Roboto", "//cdn.example/x.js",
                            "https://img.example/a.png"]


@pytest.mark.site
@pytest.mark.parametrize("fault", ["theme-template", "content"])
def test_failing_zensical_build_keeps_the_previous_site(fault: str, demo: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert build(demo, capsys, "--engine", "zensical")[0] == 0
    before = tree_bytes(demo / "site")
    if fault == "theme-template":  # Zensical itself fails, after briefsite checked and rendered
        (demo / "mine").mkdir()
        (demo / "mine" / "main.html").write_text('{% extends "base.html" %}{% block content %}{% if %}'
                                                 "{% endblock %}\n", encoding="utf-8")
        config = yaml.safe_load((demo / "mkdocs.yml").read_text(encoding="utf-8").split("\nmarkdown_extensions:")[0])
        config["theme"]["custom_dir"] = "mine"
        (demo / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    else:
        path = demo / "content" / "demo" / "briefing.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    status, err = build(demo, capsys, "--engine", "zensical")
    assert status == 1
    assert "Traceback" not in err and "internal error" not in err
    if fault == "content":
        assert re.search(r"content/demo/briefing\.yaml:\d+:\d+: ", err)
    else:
        assert err.startswith("error: zensical build failed") and "main.html:1" in err
    assert tree_bytes(demo / "site") == before
    assert sorted(p.name for p in demo.iterdir() if p.name.startswith(".site.")) == []


def test_zensical_missing_is_a_usage_error(demo: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(zb, "installed", lambda: False)
    status, err = build(demo, capsys, "--engine", "zensical")
    assert status == 2 and "briefsite[zensical]" in err and "Traceback" not in err
    assert not (demo / "site").exists()


def test_unknown_engine_is_a_usage_error(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["-C", str(demo), "build", "--engine", "hugo"])
    assert exc.value.code == 2


@pytest.mark.parametrize("option", [["--jobs", "2"], ["--shard", "0/2", "--site-dir", "part"]])
def test_jobs_and_shards_are_mkdocs_only(demo: Path, option: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["-C", str(demo), "build", "--engine", "zensical", *option])
    assert status == 2
    assert "--engine zensical" in capsys.readouterr().err
    assert not (demo / "site").exists() and not (demo / "part").exists()


def test_config_keeps_the_projects_settings_and_adds_what_pages_need(minimal: Path) -> None:
    site, _ = load_site(minimal)
    assert site is not None
    project = {"theme": {"name": "material", "palette": {"primary": "teal"}, "features": ["toc.follow"],
                         "custom_dir": "elsewhere"},
               "markdown_extensions": ["abbr", {"toc": {"permalink": "#"}}], "plugins": ["briefsite"],
               "extra_css": ["mine.css"], "validation": {"anchors": "warn"}}
    config = zb.zensical_config(site, project, docs_dir="docs", custom_dir="overrides")
    assert config["theme"]["palette"] == {"primary": "teal"}
    assert config["theme"]["font"] is False  # no Google Fonts unless the project asks
    assert config["theme"]["custom_dir"] == "overrides"
    assert config["theme"]["features"][:1] == ["toc.follow"]
    assert {"navigation.prune", "content.footnote.tooltips"} <= set(config["theme"]["features"])
    assert config["extra_css"] == ["mine.css", "assets/briefsite.css"]
    assert config["markdown_extensions"][0] == "abbr"
    assert {"toc": {"permalink": "#", "slugify": zb.SLUGIFY}} in config["markdown_extensions"]
    assert {"admonition", "attr_list", "footnotes", "tables"} <= {e for e in config["markdown_extensions"] if isinstance(e, str)}
    assert "plugins" not in config and "validation" not in config
    assert config["site_name"] == "Test site" and type(config["site_name"]) is str
    yaml.safe_load(zb.dump(config))  # plain data
    chosen = zb.zensical_config(site, {"theme": {"name": "material", "font": {"text": "Inter"}}}, docs_dir="d")
    assert chosen["theme"]["font"] == {"text": "Inter"}  # the project's own choice is kept
    with pytest.raises(BuildError, match="readthedocs"):
        zb.zensical_config(site, {"theme": "readthedocs"}, docs_dir="docs")


def test_project_settings_read_tags_and_report_positions(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFSITE_TEST_URL", "https://example.org/")
    (tmp_path / "mkdocs.yml").write_text(
        "site_url: !ENV [BRIEFSITE_TEST_URL, 'https://fallback/']\nrepo_name: !ENV [NOT_SET_ANYWHERE, x]\n"
        "markdown_extensions:\n  - toc:\n      slugify: !!python/object/apply:pymdownx.slugs.slugify\n"
        "        kwds: {case: lower}\n", encoding="utf-8")
    data = zb.project_settings(tmp_path)
    assert data["site_url"] == "https://example.org/" and data["repo_name"] == "x"
    assert data["markdown_extensions"] == [{"toc": {"slugify": zb.SLUGIFY}}]
    (tmp_path / "mkdocs.yml").write_text("theme:\n  name: material\n  x: !!python/name:os.system\n",
                                         encoding="utf-8")
    with pytest.raises(BuildError, match=r"mkdocs\.yml:3:\d+: "):
        zb.project_settings(tmp_path)


def test_zensical_output_is_relayed_without_traceback() -> None:
    output = ("Build started\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n"
              "    cli()\nRuntimeError: syntax error: unexpected end of block (in main.html:2)\n")
    assert zb.said_by(output) == ["syntax error: unexpected end of block (in main.html:2)"]


def test_zensical_adapter_imports_no_mkdocs() -> None:
    code = ("import sys, generator.zensical_build, generator.emit; "
            "sys.exit(any(m == 'mkdocs' or m.startswith('mkdocs.') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], check=False, timeout=60).returncode == 0
