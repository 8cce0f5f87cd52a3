"""The briefsite command: check, render, build, and that its docs keep up with it."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, add_site_files

from generator import cli, model
from generator.project import SiteConfig

FIXTURE = Path(__file__).parent / "fixtures" / "demo"
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _copy_fixture(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    return add_site_files(tmp_path)


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_check_clean_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["-C", str(FIXTURE), "check"]) == 0
    out = capsys.readouterr().out
    assert re.match(r"ok: 1 briefing\(s\), 16 facts, 16 citations verified in \d+\.\d\ds\n$", out)


def test_check_reports_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _copy_fixture(tmp_path)
    figures = project / "content/demo/figures.yaml"
    figures.write_text(figures.read_text().replace("estimators: [us]", "estimators: [usa]", 1))
    assert cli.main(["-C", str(project), "check"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "content/demo/figures.yaml:10:22: unknown actor 'usa'",
        "    hint: did you mean 'us' or 'ua'? (known: kim, spokesperson, ua, us)",
        "1 problem(s) in 1 file(s)",
    ]


def test_render_writes_markdown_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli.main(["-C", str(_copy_fixture(tmp_path / "p")), "render", "--out", str(out)]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert written == ["demo/index.md", "demo/numbers.md", "demo/reactions.md", "demo/sources.md",
                       "demo/timeline.md", "demo/who.md", "index.md"]
    assert (out / "demo/numbers.md").read_text().lstrip("\n").startswith("Demo: troops")
    assert not list(tmp_path.glob(".out.new-*"))


def test_render_copies_binary_assets_byte_for_byte(tmp_path: Path) -> None:
    project = _copy_fixture(tmp_path / "p")
    logo = bytes(range(256)) * 4  # not UTF-8, like any image
    (project / "site_config/docs/assets").mkdir(parents=True, exist_ok=True)
    (project / "site_config/docs/assets/logo.png").write_bytes(logo)
    out = tmp_path / "out"
    assert cli.main(["-C", str(project), "render", "--out", str(out)]) == 0
    assert (out / "assets/logo.png").read_bytes() == logo


@pytest.mark.site
def test_build_then_failed_build_keeps_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = _copy_fixture(tmp_path)
    assert cli.main(["-C", str(project), "build"]) == 0
    site = project / "site"
    numbers = (site / "demo/numbers/index.html").read_text()
    assert "about 1,200" in numbers and "Estimates disagree" in numbers
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    quotes = project / "content/demo/quotes.yaml"
    quotes.write_text(quotes.read_text().replace("We honour", "We honor"))
    assert cli.main(["-C", str(project), "build"]) == 1
    assert "quote not found verbatim" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []


@pytest.mark.site
def test_plain_mkdocs_build_strict(tmp_path: Path) -> None:
    project = _copy_fixture(tmp_path)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    result = subprocess.run([str(mkdocs), "build", "--strict", "-d", str(tmp_path / "out")],
                            cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (tmp_path / "out/demo/who/index.html").is_file()


def test_no_traceback_for_internal_errors(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    def boom(args: argparse.Namespace) -> int:
        raise RuntimeError("simulated bug")
    monkeypatch.setitem(cli._COMMANDS, "check", boom)
    assert cli.main(["-C", str(FIXTURE), "check"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("internal error: RuntimeError: simulated bug")
    assert "Traceback" not in err
    with pytest.raises(RuntimeError):
        cli.main(["-C", str(FIXTURE), "--debug", "check"])


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_and_option_is_documented(name: str) -> None:
    assert f"briefsite {name}" in DOCS, f"'briefsite {name}' is not documented"
    for action in _subcommands()[name]._actions:
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                assert option in DOCS, f"option {option} of 'briefsite {name}' is not documented"


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_readme_shows_every_command_with_an_example(name: str) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^\| `briefsite {name}\b", readme, re.MULTILINE), f"no table row for {name}"
    assert re.search(rf"^ +\$ briefsite {name}\b", readme, re.MULTILINE), f"no example of {name}"


def _field_names(m: type) -> set[str]:
    names = set()
    for field_name, field in m.model_fields.items():
        names.add(field_name)
        assert field.description, f"{m.__name__}.{field_name} has no description"
        inner = (*getattr(field.annotation, "__args__", ()), field.annotation)
        for arg in inner:
            for sub in (*getattr(arg, "__args__", ()), arg):
                if isinstance(sub, type) and issubclass(sub, model.Model) and sub is not m:
                    names |= _field_names(sub)
    return names


@pytest.mark.parametrize("file_model", [*model.FILES.values(), SiteConfig], ids=lambda m: m.__name__)
def test_every_content_field_is_documented(file_model: type) -> None:
    text = (ROOT / "docs/content-format.md").read_text(encoding="utf-8")
    for name in sorted(_field_names(file_model)):
        assert re.search(rf"\b{name}:", text), f"field '{name}' is not in docs/content-format.md"


def test_text_rules_and_caps_are_documented() -> None:
    text = (ROOT / "docs/content-format.md").read_text(encoding="utf-8")
    for fact in (f"at most {model.MAX_TEXT:,} characters", f"at most {model.MAX_REFS} ids",
                 f"at most {model.MAX_ITEMS:,}", "U+202A–U+202E", "U+2066–U+2069", "U+200B",
                 "U+E0000–U+E007F", "U+200C, U+200D", "U+FEFF"):
        assert fact in text, f"docs/content-format.md does not say {fact!r}"
