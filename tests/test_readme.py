"""The README's examples run here, so they show what briefsite really prints."""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
from conftest import KURSK, ROOT

from generator import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _block(after: str) -> list[str]:
    """The indented example block that follows the line ``after``, without its indent."""
    lines = README[README.index(after):].splitlines()[1:]
    start = next(i for i, line in enumerate(lines) if line.startswith("    $ "))
    block = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    return block


def _steps(block: list[str]) -> list[tuple[str, list[str]]]:
    """``(command, expected output lines)`` for each ``$ command`` of a block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def _normal(text: str, home: Path) -> list[str]:
    text = re.sub(r"verified in \d+\.\d\ds", "verified in 0.01s", text)
    text = re.sub(r" in \d+\.\d s → ", " in 0.5 s → ", text)  # a build's summary line
    return text.replace(str(home.resolve()), "/home/you").splitlines()


def _run(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    words = shlex.split(command.split("  #", 1)[0])
    assert words[0] == "briefsite", command
    assert cli.main(words[1:]) in (0, 1), command
    out, err = capsys.readouterr()
    return out + err


def test_start_your_own_site_runs_as_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    steps = _steps(_block("## Start your own site"))
    install, *rest = steps
    assert re.fullmatch(r"python -m pip install briefsite\S*\.whl", install[0])  # tests/test_wheel.py does it
    assert [c.split()[:2] for c, _ in rest] == [["briefsite", "init"], ["cd", "my-site"], ["briefsite", "new"],
                                                  ["briefsite", "check"], ["briefsite", "build"]]
    for command, expected in rest:
        if command.startswith("cd "):
            monkeypatch.chdir(command.split()[1])
            continue
        assert _normal(_run(command, capsys), tmp_path) == expected, command
    assert (tmp_path / "my-site/site/index.html").is_file()
    assert (tmp_path / "my-site/content/nk-drones/briefing.yaml").is_file()


def test_typo_example_shows_the_real_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The README's typo example, made in the briefing it names (a frozen copy of it)."""
    start = README.index("    $ briefsite check            # after a typo")
    block = [line[4:] for line in README[start:].split("\n\n", 1)[0].splitlines()]
    (command, expected), = _steps(block)
    shutil.copytree(KURSK, tmp_path, dirs_exist_ok=True)
    path, line, col = re.match(r"(\S+):(\d+):(\d+):", expected[0]).groups()  # type: ignore[union-attr]
    lines = (tmp_path / path).read_text(encoding="utf-8").splitlines(keepends=True)
    at = int(line) - 1
    assert lines[at][int(col) - 1:].startswith("upi")
    lines[at] = lines[at][:int(col) - 1] + "upl" + lines[at][int(col) + 2:]
    (tmp_path / path).write_text("".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _normal(_run(command, capsys), tmp_path) == expected


def test_license_is_the_mit_text() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n") and "Copyright (c) " in text and "briefsite contributors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND" in text


def test_docs_name_the_editor_extensions_and_what_they_complete() -> None:
    toolkit = (ROOT / "docs/toolkit.md").read_text(encoding="utf-8")
    assert "Red Hat's YAML extension" in toolkit and "yaml-language-server" in toolkit
    schema = json.loads((ROOT / "schema/figures.schema.json").read_text(encoding="utf-8"))
    fields = re.search(r"offers its fields \(([^)]*)\)", toolkit)[1]  # type: ignore[index]
    assert sorted(re.findall(r"`([a-z_]+)`", fields)) == sorted(schema["$defs"]["Estimate"]["properties"])
    offered = re.search(r"`qualifier: ` offers ([^\n]*\n[^\n]*)", toolkit)[1]  # type: ignore[index]
    assert re.findall(r"`([a-z-]+)`", offered) == schema["$defs"]["Qualifier"]["enum"]
