"""``briefsite extract`` reads like ``check`` (regular files up to 2 MB) and runs in linear time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import hang_guard

from generator import cli, extract


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with hang_guard(20):  # a FIFO opened for reading would block; /dev/zero would never end
        status = cli.main(["extract", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_fifo_is_refused_without_blocking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    status, out, err = run(capsys, str(fifo))
    assert (status, out) == (1, "")
    assert err.startswith(f"{fifo}: is a FIFO")
    assert "internal error" not in err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_device_is_refused(device: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, device)
    assert (status, out) == (1, "")
    assert err.startswith(f"{device}: is a character device")


@pytest.mark.parametrize("shape", ["folder", "loop", "too-large"])
def test_other_unreadable_articles(shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "article.txt"
    if shape == "folder":
        article.mkdir()
    elif shape == "loop":
        article.symlink_to(article)
    else:
        article.write_text("“Quote,” said Kim.\n" * 200_000)
    status, out, err = run(capsys, str(article))
    assert (status, out) == (1, "")
    assert err.startswith(f"{article}:") and "internal error" not in err


def test_quote_dense_line_is_linear() -> None:
    """204 KB of quotes on one line took 4.75 s (every quote rescanned the line)."""
    def line(n: int) -> str:
        return " ".join(f"“Quote number {i} here,” said Kim, in May 2024 about {i} troops."
                        for i in range(n))
    with hang_guard(60):
        small = extract.extract(line(500))
        large = extract.extract(line(24_000))  # 1.7 MB on one line: minutes if quadratic
    assert len(large) == 48 * len(small)
    quotes = [c for c in large if c.kind == "quote"]
    assert len(quotes) == 24_000 and {c.who for c in quotes} == {"Kim"}
