"""Without -C, every command works on the project the current folder is in."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL, build_tree

from generator import cli
from generator.project import find_root


def test_check_from_inside_a_briefing(minimal: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(minimal / "content/demo/sources")
    assert cli.main(["check"]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 briefing(s)")


def test_new_from_inside_a_briefing_does_not_nest(minimal: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(minimal / "content/demo")
    assert cli.main(["new", "oops"]) == 0
    assert (minimal / "content/oops/briefing.yaml").is_file()
    assert not (minimal / "content/demo/content").exists()
    assert "created ../../content/oops" in capsys.readouterr().out  # as seen from where it ran
    monkeypatch.chdir(minimal)
    assert cli.main(["check"]) == 0


def test_found_by_mkdocs_yml_that_uses_the_plugin(tmp_path: Path) -> None:
    build_tree(tmp_path, {"outer/mkdocs.yml": "site_name: x\nplugins:\n  - search\n  - briefsite\n",
                          "outer/inner/mkdocs.yml": "site_name: other\nplugins:\n  - search\n",
                          "outer/inner/deep/file.txt": ""})
    assert find_root(tmp_path / "outer/inner/deep") == tmp_path / "outer"
    build_tree(tmp_path, {"outer/inner/mkdocs.yml": "site_name: o\nplugins:\n  briefsite: {}\n"})
    assert find_root(tmp_path / "outer/inner/deep") == tmp_path / "outer/inner"


def test_found_by_site_settings(tmp_path: Path) -> None:
    build_tree(tmp_path, {"p/site_config/site.yaml": MINIMAL["site_config/site.yaml"], "p/a/b/c.txt": ""})
    assert find_root(tmp_path / "p/a/b") == tmp_path / "p"


def test_outside_any_project_the_current_folder_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_root(tmp_path) is None or find_root(tmp_path) != tmp_path
    assert cli.main(["check"]) == 1
    assert "briefsite init" in capsys.readouterr().err


def test_relative_output_folders_stay_relative_to_the_current_folder(
        minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (minimal / "work").mkdir()
    monkeypatch.chdir(minimal / "work")
    assert cli.main(["render", "--out", "md"]) == 0
    assert (minimal / "work/md/demo/index.md").is_file() and not (minimal / "md").exists()


def test_init_inside_a_project_starts_where_it_is_asked(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (minimal / "work").mkdir()
    monkeypatch.chdir(minimal / "work")
    assert cli.main(["init", "fresh"]) == 0
    assert (minimal / "work/fresh/mkdocs.yml").is_file() and not (minimal / "fresh").exists()
