"""Shared fixtures: inline file trees and golden files.

Golden files are compared byte for byte; regenerate them with ``pytest --update-goldens``
and read the diff before committing.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite golden files from the current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """``golden(name, actual)``: compare with tests/golden/NAME (or rewrite it)."""
    update = request.config.getoption("--update-goldens")

    def check(name: str, actual: str) -> None:
        path = GOLDEN / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.is_file(), f"missing golden file {path}; run pytest --update-goldens"
        assert actual == path.read_text(encoding="utf-8")

    return check


class Hang(BaseException):
    """Raised by ``hang_guard``; a BaseException so that cli.main cannot turn it into exit 3."""


@contextlib.contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs for longer than ``seconds``."""
    def expired(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds}s: treated as a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def build_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: content}`` under ``root`` and return ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the shipped project's content, config and templates, safe to modify."""
    for name in ("content", "site_config", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """The smallest valid project: one briefing, one source, one takeaway."""
    return build_tree(tmp_path, MINIMAL)


MINIMAL: dict[str, str | bytes] = {
    "site_config/site.yaml": "title: Test site\ndescription: A test.\nbriefing_order: [demo]\n",
    "content/demo/briefing.yaml": (
        "title: Demo briefing\n"
        "summary: A demo.\n"
        "event_date: 2025-04-28\n"
        "last_updated: 2025-05-01\n"
        "status: published\n"
        "takeaways:\n"
        "  - text: Something happened.\n"
        "    citations:\n"
        "      - source: art\n"
        "        excerpt: something happened\n"
    ),
    "content/demo/sources.yaml": (
        "sources:\n"
        "  - id: art\n"
        "    file: sources/art.txt\n"
        "    label: Article\n"
    ),
    "content/demo/sources/art.txt": "On Monday something happened. \u201cWe honour them,\u201d Kim said.\n",
}
