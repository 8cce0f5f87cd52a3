"""What ``briefsite serve``'s file watcher (MkDocs' polling observer, every
``devserver.POLL_S``) hears, and that the last build after a burst of saves reads the last
saved state. Counted, not timed: each test waits (generously) for a build, never asserts how
long one took.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import devserver


def _until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _save_by_rename(path: Path, text: str) -> None:
    """How many editors save: write a copy, rename it over the file (a new inode each time)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Running:
    """A real ``devserver._Server`` (MkDocs' build loop) whose build records what it read."""

    def __init__(self, root: Path, build_s: float = 0.0) -> None:
        self.root, self.build_s = root, build_s
        self.builds: list[tuple[str, str]] = []
        self.server = devserver._Server(builder=self.build, host="127.0.0.1", port=_free_port(),
                                        root=str(root))
        self.server.watch(str(root / "content"))
        self.thread = threading.Thread(target=self.server.serve, daemon=True)
        self.thread.start()
        _until(lambda: self.server.observer.is_alive(), "the watcher")
        time.sleep(4 * devserver.POLL_S)  # its first look: what is there now is no change

    def build(self) -> None:
        first = (self.root / "content" / "a.yaml").read_text()
        time.sleep(self.build_s)  # a save may land while the build runs
        self.builds.append((first, (self.root / "content" / "b.yaml").read_text()))

    def settled(self, last: tuple[str, str]) -> None:
        """Wait for a build that read ``last``; any build after it reads ``last`` too (one
        more is due when a save landed while a build ran)."""
        _until(lambda: bool(self.builds) and self.builds[-1] == last, f"a build of {last}")
        count = len(self.builds)
        time.sleep(1.0)
        assert self.builds[count - 1:] == [last] * (len(self.builds) - count + 1)

    def stop(self) -> None:
        self.server.shutdown(wait=True)
        self.thread.join(timeout=10)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.yaml").write_text("a0\n")
    (tmp_path / "content" / "b.yaml").write_text("b0\n")
    return tmp_path


@pytest.mark.parametrize("build_s", [0.0, 0.5])
@pytest.mark.parametrize("gap_s", [0.0, 0.3])
def test_the_last_build_reads_the_last_save_of_two_files(
        project: Path, gap_s: float, build_s: float) -> None:
    """An editor saving two files (at once, or a little apart, even while a build runs): a
    build may have read the first file alone, but the last build reads both saves."""
    running = Running(project, build_s)
    try:
        for n in range(1, 3):
            (project / "content" / "a.yaml").write_text(f"a{n}\n")
            time.sleep(gap_s)
            _save_by_rename(project / "content" / "b.yaml", f"b{n}\n")
            running.settled((f"a{n}\n", f"b{n}\n"))
    finally:
        running.stop()


def test_a_symlinked_folder_and_a_folder_replaced_whole_are_still_heard(project: Path) -> None:
    """Edits through a link to a folder outside the watched tree, and after the watched
    folder was replaced whole (restored from a copy), still start builds."""
    outside = project / "outside"
    outside.mkdir()
    (outside / "x.yaml").write_text("x0\n")
    (project / "content" / "linked").symlink_to(outside)
    running = Running(project)
    try:
        edits = [lambda: (outside / "x.yaml").write_text("x1\n"),
                 lambda: (project / "content" / "linked" / "x.yaml").write_text("x2\n")]
        for n, edit in enumerate(edits):
            count = len(running.builds)
            edit()
            _until(lambda count=count: len(running.builds) > count, f"a build after edit {n}")
        shutil.copytree(project / "content", project / "backup", symlinks=True)
        shutil.rmtree(project / "content")
        shutil.copytree(project / "backup", project / "content", symlinks=True)
        running.settled(("a0\n", "b0\n"))
        (project / "content" / "a.yaml").write_text("a9\n")
        running.settled(("a9\n", "b0\n"))
    finally:
        running.stop()
