"""Shared fixtures: inline file trees and golden files.

Golden files are compared byte for byte; regenerate them with ``pytest --update-goldens``
and read the diff before committing.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
# A frozen real-world project (the first briefing this repository shipped): tests of the tool
# read it, never the project's own content/, which a fork replaces (tests/test_fork.py).
KURSK = Path(__file__).resolve().parent / "fixtures" / "kursk"


# The quick loop, `pytest -m "not slow and not browser"`, leaves out what builds whole sites,
# starts servers or external checkers, or runs long property searches.
SLOW_MODULES = {"test_serve.py", "test_html_valid.py", "test_portability.py", "test_check_properties.py",
                "test_fast_paths.py", "test_fork.py", "test_wheel.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow: every test of SLOW_MODULES, every browser test, every site build."""
    for item in items:
        if (item.path.name in SLOW_MODULES or item.get_closest_marker("site")
                or item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.slow)


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


def run_with_hash_seed(seed: int, *args: str) -> None:
    """Run ``briefsite ARGS`` in a new process with ``PYTHONHASHSEED=seed``: set and dict
    ordering that depends on string hashes differs between such processes, never within one."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "NO_MKDOCS_2_WARNING": "1",
           "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "generator.cli", *args], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def add_site_files(root: Path, *, templates: bool = False) -> Path:
    """Make ``root`` a buildable project: this repository's mkdocs.yml, theme overrides and
    static assets (and its templates, if asked), beside whatever content ``root`` holds."""
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for sub in ("overrides", "docs"):
        if (ROOT / "site_config" / sub).is_dir():
            shutil.copytree(ROOT / "site_config" / sub, root / "site_config" / sub, dirs_exist_ok=True)
    if templates:
        shutil.copytree(ROOT / "templates", root / "templates", dirs_exist_ok=True)
    return root


def build_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: content}`` under ``root`` and return ``root``."""
    from generator.emit import write_files

    write_files(root, files.items())
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
