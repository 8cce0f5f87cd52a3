"""``briefsite init``: a project that checks and builds as it is, and never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator import __version__, cli, schema
from generator.pipeline import load_site


def test_init_writes_a_complete_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["-C", str(tmp_path), "init", "site"]) == 0
    root = tmp_path / "site"
    for rel in ("mkdocs.yml", "site_config/site.yaml", "content/README.md", "requirements.txt",
                ".github/workflows/publish.yml", ".gitignore", "README.md"):
        assert (root / rel).is_file(), rel
    assert schema.stale(root / "schema") == []
    pins = [line for line in (root / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert pins == [f"briefsite=={__version__}"]
    workflow = yaml.safe_load((root / ".github/workflows/publish.yml").read_text())
    steps = [s.get("run", "") for job in workflow["jobs"].values() for s in job.get("steps", [])]
    assert "python -m pip install -r requirements.txt" in steps and "briefsite check" in steps
    assert any(s.startswith("briefsite build") for s in steps)  # tests/test_workflows.py: the rest
    assert "site/" in (root / ".gitignore").read_text().splitlines()
    assert not (root / "content/example").exists()


def test_an_empty_project_checks_with_a_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["init", str(tmp_path)]) == 0
    capsys.readouterr()
    assert cli.main(["-C", str(tmp_path), "check"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ok: 0 briefing(s)") and "briefsite new" in err


def test_example_is_one_valid_briefing_marked_as_invented(tmp_path: Path) -> None:
    assert cli.main(["init", str(tmp_path), "--example"]) == 0
    site, problems = load_site(tmp_path)
    assert problems == [] and site is not None and [b.slug for b in site.published] == ["example"]
    (briefing,) = site.briefings
    assert all("invented" in text.lower() for text in briefing.texts.values())
    assert briefing.meta.title.startswith("Example")
    assert "content/example/" in (tmp_path / "README.md").read_text()
    for kind in ("actors", "timeline", "figures", "quotes", "reactions"):  # every page has items
        assert getattr(briefing, kind), kind


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mkdocs.yml").write_text("mine\n")
    (tmp_path / "notes.txt").write_text("kept\n")
    assert cli.main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "mkdocs.yml" in err and "Traceback" not in err
    assert (tmp_path / "mkdocs.yml").read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mkdocs.yml", "notes.txt"]


def test_init_into_a_folder_with_other_files(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert cli.main(["init", str(tmp_path)]) == 0  # like `git init` first, then `briefsite init .`


@pytest.mark.site
def test_an_empty_project_builds_a_home_that_says_so(tmp_path: Path) -> None:
    assert cli.main(["init", str(tmp_path)]) == 0
    assert cli.main(["-C", str(tmp_path), "build"]) == 0
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert "No briefings are published yet." in home


@pytest.mark.site
def test_the_example_builds_every_page(tmp_path: Path) -> None:
    assert cli.main(["init", str(tmp_path), "--example"]) == 0
    assert cli.main(["-C", str(tmp_path), "build"]) == 0
    for page in ("", "who/", "timeline/", "numbers/", "reactions/", "sources/"):
        assert (tmp_path / "site/example" / page / "index.html").is_file(), page
