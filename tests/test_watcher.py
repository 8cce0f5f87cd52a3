"""The file watcher of ``briefsite serve`` (generator/watcher.py): what it hears, its fallback to
polling, and that the last build after a burst of saves reads the last saved state.

Counted, not timed: each test waits (generously) for an event or a build, never asserts how
long one took.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from watchdog.events import FileSystemEvent, FileSystemEventHandler

from generator import devserver, watcher


def _until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


class Heard(FileSystemEventHandler):
    def __init__(self) -> None:
        self.events: list[FileSystemEvent] = []

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.events.append(event)


@pytest.fixture
def inotify(tmp_path: Path) -> Iterator[tuple[Path, Heard, Heard]]:
    """A native observer of ``tree/`` (recursive) and of the file ``mkdocs.yml``."""
    observer = watcher._native()
    if observer is None:
        pytest.skip("no inotify here")
    (tmp_path / "tree").mkdir()
    (tmp_path / "mkdocs.yml").write_text("a\n")
    tree, config = Heard(), Heard()
    observer.schedule(tree, str(tmp_path / "tree"), recursive=True)
    observer.schedule(config, str(tmp_path / "mkdocs.yml"))
    observer.start()
    observer.start()  # MkDocs' serve starts it again: no error
    try:
        yield tmp_path, tree, config
    finally:
        observer.stop()
        observer.join()


def _save_by_rename(path: Path, text: str) -> None:
    """How many editors save: write a copy, rename it over the file (a new inode each time)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def test_reads_are_not_heard_and_writes_are(inotify: tuple[Path, Heard, Heard]) -> None:
    root, tree, _ = inotify
    (root / "tree" / "a.yaml").write_text("one\n")
    _until(lambda: bool(tree.events), "the write")
    time.sleep(0.3)
    tree.events.clear()
    for _ in range(3):  # what every build does to every file
        (root / "tree" / "a.yaml").read_text()
        os.stat(root / "tree" / "a.yaml")
    (root / "tree" / "b.yaml").write_text("marker\n")  # then a write, to know the reads are in
    _until(lambda: any(e.src_path.endswith("b.yaml") for e in tree.events), "the second write")
    assert {e.src_path for e in tree.events} == {str(root / "tree" / "b.yaml")}


def test_a_watched_file_is_heard_at_every_save_by_rename(
        inotify: tuple[Path, Heard, Heard]) -> None:
    root, _, config = inotify
    for n in range(3):  # a watch on the file itself would follow the first, replaced inode
        config.events.clear()
        _save_by_rename(root / "mkdocs.yml", f"save {n}\n")
        _until(lambda: bool(config.events), f"save {n}")
    config.events.clear()
    (root / "other.txt").write_text("not watched\n")  # the folder's other files are not heard
    _save_by_rename(root / "mkdocs.yml", "last\n")
    _until(lambda: bool(config.events), "the last save")
    assert all("other.txt" not in (e.src_path + e.dest_path) for e in config.events)


def test_folders_created_and_moved_away_are_heard(inotify: tuple[Path, Heard, Heard]) -> None:
    root, tree, _ = inotify
    (root / "tree" / "briefing").mkdir()
    _until(lambda: bool(tree.events), "a new folder")
    (root / "tree" / "briefing" / "briefing.yaml").write_text("title: x\n")
    time.sleep(0.3)
    tree.events.clear()
    shutil.move(root / "tree" / "briefing", root / "gone")  # inotify: one folder event only
    _until(lambda: bool(tree.events), "the folder moved out")
    assert not any(e.is_directory for e in tree.events)  # MkDocs' callback drops those


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
        self.server.start_watching()
        self.thread = threading.Thread(target=self.server.serve, daemon=True)
        self.thread.start()

    def build(self) -> None:
        first = (self.root / "content" / "a.yaml").read_text()
        time.sleep(self.build_s)  # a save may land while the build runs
        self.builds.append((first, (self.root / "content" / "b.yaml").read_text()))

    def settled(self, last: tuple[str, str]) -> None:
        """Wait for a build that read ``last``; any build after it reads ``last`` too (one
        more is due when a save landed while a build ran)."""
        _until(lambda: bool(self.builds) and self.builds[-1] == last, f"a build of {last}")
        count = len(self.builds)
        time.sleep(1.5)
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
@pytest.mark.parametrize("gap_s", [0.0, 0.05, 0.3])
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


def test_polls_when_inotify_refuses(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    native = watcher._native()
    if native is not None:  # inotify here: make it refuse, as at its watch limit
        def refuse() -> None:
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(native, "start", refuse)
    monkeypatch.setattr(watcher, "observer", lambda: native or watcher.Polling())
    running = Running(project)
    try:
        assert isinstance(running.server.observer, watcher.Polling)
        assert running.server._watched_paths == {str(project / "content"): 1}
        (project / "content" / "a.yaml").write_text("a1\n")
        running.settled(("a1\n", "b0\n"))
    finally:
        running.stop()
