"""The file watcher of ``briefsite serve``: inotify where the system has it, polling elsewhere.

MkDocs' dev server polls every watched tree every 0.5 s (watchdog's ``PollingObserver``): an
edit waits 0.25 s on average, 0.5 s at worst, before its rebuild starts, and every poll stats
every watched file. inotify tells of a write at once and costs nothing while nothing changes.

What the server hears is what a rebuild needs, and nothing else:

- file writes, creations, removals, renames and attribute changes (``touch``); not the opening,
  reading and closing of files that every build does (inotify reports those too);
- a folder created, removed or renamed (MkDocs' callback ignores folder events, and inotify
  reports a briefing folder moved out of ``content/`` as one folder event and nothing else).

A watched file (``mkdocs.yml``) is heard at every save, also a save that writes a copy and
renames it over the file (watchdog watches its folder; ``tests/test_watcher.py``).

A burst of events (an editor saving several files) still gives one build after 0.1 s without
events (MkDocs' ``build_delay``), and an event during a build gives one more build after it, so
the last build always reads the last saved state.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("briefsite.serve")

POLL_S = 0.25
"""Seconds between two polls when polling (no inotify): half MkDocs' 0.5 s."""

CHANGES: tuple[type[FileSystemEvent], ...] = (
    FileCreatedEvent, FileModifiedEvent, FileAttribEvent, FileDeletedEvent, FileMovedEvent,
    FileClosedEvent, DirCreatedEvent, DirDeletedEvent, DirMovedEvent)
"""The events that can change a build (not: opened, closed unwritten, folder modified)."""


class Relay(FileSystemEventHandler):
    """Hands MkDocs' handler the events in ``CHANGES``; a folder event as a file event, which
    MkDocs' callback does not ignore."""

    def __init__(self, handler: FileSystemEventHandler) -> None:
        self.handler = handler

    def dispatch(self, event: FileSystemEvent) -> None:
        if not isinstance(event, CHANGES):
            return
        if event.is_directory:
            event = FileModifiedEvent(event.src_path)
        self.handler.dispatch(event)


class _StartOnce(BaseObserver):
    """An observer that ``start`` leaves running when it runs already: ``devserver`` starts it
    early (to fall back to polling if it fails), then MkDocs' ``serve`` starts it again."""

    def start(self) -> None:
        if not self.is_alive():
            super().start()


class Polling(_StartOnce, PollingObserver):
    """MkDocs' own watcher, polling every ``POLL_S``; what passes as with inotify."""

    def __init__(self) -> None:
        super().__init__(timeout=POLL_S)

    def schedule(self, event_handler: FileSystemEventHandler, path: Any, *,
                 recursive: bool = False, **kwargs: Any) -> Any:
        return super().schedule(Relay(event_handler), path, recursive=recursive, **kwargs)


class _Changes(BaseObserver):
    """Mixed into inotify's observer: ``CHANGES`` only (inotify is not even asked for the
    rest: a build opens and reads every watched file)."""

    def schedule(self, event_handler: FileSystemEventHandler, path: Any, *,
                 recursive: bool = False, **kwargs: Any) -> Any:
        kwargs["event_filter"] = list(CHANGES)
        return super().schedule(Relay(event_handler), path, recursive=recursive, **kwargs)


def _inotify() -> Any:
    """watchdog's inotify observer class; None where it has none or cannot filter events."""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except Exception:  # not Linux (watchdog raises its own error types for a missing libc call)
        return None
    if "event_filter" not in inspect.signature(BaseObserver.schedule).parameters:
        return None  # watchdog < 4: no filter, and every read of a file would be an event
    return InotifyObserver


def _native() -> BaseObserver | None:
    """An inotify observer of ``CHANGES``; None where the system has none or refuses one."""
    base = _inotify()
    if base is None:
        return None
    try:
        native: BaseObserver = type("Native", (_StartOnce, _Changes, base), {})()
    except OSError as exc:  # e.g. fs.inotify.max_user_instances reached
        log.info(f"inotify is not available ({exc}); watching by polling")
        return None
    return native


def observer() -> BaseObserver:
    """The watcher for a new server: inotify if it works here, else polling every ``POLL_S``."""
    return _native() or Polling()
