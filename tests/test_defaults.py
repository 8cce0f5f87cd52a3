"""A project's mkdocs.yml needs only the theme and the plugin: the plugin adds what pages need."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, build_tree

from generator import cli, mkdocs_defaults

pytestmark = pytest.mark.site
FIXTURE = Path(__file__).parent / "fixtures" / "demo"
MINIMAL_MKDOCS = "site_name: x\ndocs_dir: site_config/docs\ntheme:\n  name: material\nplugins:\n  - briefsite\n"


def _project(tmp_path: Path, mkdocs_yml: str = MINIMAL_MKDOCS, **files: str) -> Path:
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    (tmp_path / "site_config" / "docs").mkdir()
    return build_tree(tmp_path, {"mkdocs.yml": mkdocs_yml, **files})


def _build(project: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.main(["-C", str(project), "build"])
    return status, capsys.readouterr().err


def test_minimal_mkdocs_yml_builds_complete_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path)
    assert _build(project, capsys) == (0, "")  # strict: no warning either
    site = project / "site"
    numbers = (site / "demo/numbers/index.html").read_text(encoding="utf-8")
    assert "{: #" not in numbers and 'id="figure-casualties"' in numbers  # attr_list
    assert 'class="headerlink"' in numbers  # toc permalinks
    assert (site / "assets/briefsite.css").read_text(encoding="utf-8") == mkdocs_defaults.css_text()
    assert 'href="../../assets/briefsite.css"' in numbers
    assert (site / "search/search_index.json").is_file()
    assert 'aria-label="Search"' in numbers and 'role="dialog"' in numbers  # shipped override
    assert 'type="application/atom+xml"' in numbers  # shipped main.html
    for path in site.rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        loads = re.findall(r'src="(?:https?:)?//[^"]+"', page) + re.findall(
            r'<link[^>]+href="(?:https?:)?//[^"]+"', page) + re.findall(r"fonts\.g", page)
        assert loads == [], f"{path} loads {loads}"


def test_the_projects_own_settings_win(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mkdocs_yml = MINIMAL_MKDOCS.replace("  name: material\n", "  name: material\n  custom_dir: mine\n") + (
        "markdown_extensions:\n  - toc:\n      permalink: false\n")
    project = _project(tmp_path, mkdocs_yml, **{
        "mine/main.html": '{% extends "base.html" %}{% block extrahead %}<meta name="mine">{% endblock %}',
        "site_config/docs/assets/briefsite.css": "/* the project's own */\n"})
    assert _build(project, capsys) == (0, "")
    page = (project / "site/demo/numbers/index.html").read_text(encoding="utf-8")
    assert '<meta name="mine">' in page and 'type="application/atom+xml"' not in page
    assert 'aria-label="Search"' in page  # the shipped partial still fills in behind the project's
    assert 'class="headerlink"' not in page
    assert (project / "site/assets/briefsite.css").read_text() == "/* the project's own */\n"


def test_another_theme_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _project(tmp_path, MINIMAL_MKDOCS.replace("name: material", "name: readthedocs"))
    status, err = _build(project, capsys)
    assert status == 1 and "'material'" in err and "'readthedocs'" in err and "Traceback" not in err
    assert not (project / "site").exists()


def test_a_removed_extension_is_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = "def on_config(config):\n    config.markdown_extensions.remove('attr_list')\n    return config\n"
    project = _project(tmp_path, MINIMAL_MKDOCS + "hooks:\n  - hooks.py\n", **{"hooks.py": hook})
    status, err = _build(project, capsys)
    assert status == 1 and "'attr_list'" in err and "Traceback" not in err
    assert not (project / "site").exists()


def test_defaults_add_only_what_is_missing() -> None:
    add = mkdocs_defaults.additions(
        theme="material", extensions_used=["toc", "tables", "admonition", "footnotes"],
        settings={"toc": {"permalink": False}}, features=list(mkdocs_defaults.FEATURES),
        font={"text": "Inter"}, custom_dir=None, extra_css=[], plugins=["briefsite", "search"])
    assert add.extensions == ["attr_list"] and add.features == [] and not add.no_font
    assert set(add.extension_settings) == {"toc"} and set(add.extension_settings["toc"]) == {"slugify"}
    assert add.css == mkdocs_defaults.CSS and not add.search and add.overrides is not None


def test_this_repository_uses_the_shipped_defaults() -> None:
    assert mkdocs_defaults.overrides_dir().resolve() == (ROOT / "site_config/overrides").resolve()
    assert mkdocs_defaults.css_file().resolve() == (ROOT / "site_config/docs/assets/briefsite.css").resolve()
