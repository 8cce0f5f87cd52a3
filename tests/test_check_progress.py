"""``briefsite check`` progress (issue 15): one updating line on a terminal, never elsewhere.

The line (``checking 2/3 briefings, 1 problem so far``) is written only when stderr is a
terminal and ``CI`` is not set, and erased before the problems are printed, so what remains on
screen, and everything a pipe or a CI log gets, is the output of a check without progress:
the problems sorted by file and line, then the count. ``--quiet`` drops the ok line.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import add_site_files

from generator import cli, progress
from generator.progress import ERASE, ProgressLine, on_terminal

FIXTURE = Path(__file__).parent / "fixtures" / "demo"


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Three briefings (copies of the demo fixture); the second one has a wrong actor id."""
    for slug in ("a-one", "b-two", "demo"):  # site.yaml names demo
        shutil.copytree(FIXTURE / "content/demo", tmp_path / "content" / slug)
    shutil.copytree(FIXTURE / "site_config", tmp_path / "site_config", dirs_exist_ok=True)
    figures = tmp_path / "content/b-two/figures.yaml"
    figures.write_text(figures.read_text().replace("estimators: [us]", "estimators: [usa]", 1))
    return add_site_files(tmp_path)


def _check(project: Path, stderr: io.StringIO, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    monkeypatch.setattr(progress, "INTERVAL", 0.0)  # every briefing updates the line
    with contextlib.redirect_stderr(stderr):
        code = cli.main(["-C", str(project), "check", *extra])
    return code, capsys.readouterr().out, stderr.getvalue()


def _screen(written: str) -> str:
    """What a terminal shows once the line is erased: the text after each erase."""
    return "\n".join(line.rsplit(ERASE, 1)[-1] for line in written.split("\n"))


def test_on_a_terminal_the_line_counts_and_is_erased_before_the_problems(
        project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CI", raising=False)
    code, _, tty = _check(project, Terminal(), monkeypatch, capsys)
    piped_code, _, piped = _check(project, io.StringIO(), monkeypatch, capsys)
    assert code == piped_code == 1
    shown = re.findall(r"\r\x1b\[K(checking [^\r\n]*)", tty)
    assert shown == ["checking 1/3 briefings", "checking 2/3 briefings, 1 problem so far",
                     "checking 3/3 briefings, 1 problem so far"]
    assert tty.index(shown[-1]) < tty.index("content/b-two/figures.yaml:10:22: unknown actor 'usa'")
    assert _screen(tty) == piped  # same problems, same order, nothing of the line left


@pytest.mark.parametrize("stream, ci", [(io.StringIO(), None), (Terminal(), "true")],
                         ids=["pipe", "terminal-in-CI"])
def test_no_progress_in_pipes_or_in_ci(stream: io.StringIO, ci: str | None, project: Path,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CI", raising=False)
    if ci:
        monkeypatch.setenv("CI", ci)
    code, _, err = _check(project, stream, monkeypatch, capsys)
    assert code == 1 and "\r" not in err and "checking" not in err
    assert err.splitlines()[-1] == "1 problem(s) in 1 file(s)", err


def test_quiet_drops_the_ok_line_but_not_the_problems(
        project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("CI", raising=False)
    code, out, err = _check(project, Terminal(), monkeypatch, capsys, "--quiet")
    assert (code, out, "\r" in err) == (1, "", False)  # quiet: no progress line either
    assert "unknown actor 'usa'" in err
    figures = project / "content/b-two/figures.yaml"
    figures.write_text(figures.read_text().replace("estimators: [usa]", "estimators: [us]", 1))
    assert _check(project, io.StringIO(), monkeypatch, capsys, "--quiet") == (0, "", "")
    code, out, _ = _check(project, io.StringIO(), monkeypatch, capsys)
    assert code == 0 and out.startswith("ok: 3 briefing(s)")


def test_the_line_waits_for_its_interval() -> None:
    now = [0.0]
    stream = Terminal()
    line = ProgressLine(stream, enabled=True, clock=lambda: now[0])
    line.update(1, 9, 0)
    now[0] = 0.05
    line.update(2, 9, 0)
    line.clear()
    assert stream.getvalue() == ""  # a check shorter than the interval shows nothing
    now[0] = 0.2
    line.update(3, 9, 2)
    line.clear()
    assert stream.getvalue() == f"{ERASE}checking 3/9 briefings, 2 problems so far{ERASE}"


def test_on_terminal_needs_a_tty_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert on_terminal(Terminal()) and not on_terminal(io.StringIO())
    monkeypatch.setenv("CI", "1")
    assert not on_terminal(Terminal())
    monkeypatch.delenv("CI")
    closed = io.StringIO()
    closed.close()
    assert not on_terminal(closed)  # isatty() raises on a closed stream
