"""One updating progress line for a person at a terminal (``briefsite check``).

On a terminal, and only there (stderr is a tty and ``CI`` is not set), a long check shows
``checking 12/300 briefings, 3 problems so far`` on one line rewritten in place with a carriage
return, and erases it before anything else is printed. Pipes, files and CI logs never see it,
so their output is the same as without progress. Updates are at most every ``INTERVAL``
seconds, so a check shorter than that shows nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TextIO

INTERVAL = 0.1  # seconds between two updates of the line
ERASE = "\r\x1b[K"  # back to the start of the line, erase to its end


def on_terminal(stream: TextIO) -> bool:
    """Whether a person is probably watching ``stream``: a terminal, outside CI."""
    try:
        return stream.isatty() and not os.environ.get("CI")
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


class ProgressLine:
    """``update(done, total, problems)`` as work goes on; ``clear()`` before printing anything."""

    def __init__(self, stream: TextIO, enabled: bool, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.enabled, self.clock = stream, enabled, clock
        self.interval = INTERVAL
        self.last = clock()
        self.shown = False

    def update(self, done: int, total: int, problems: int) -> None:
        if not self.enabled or self.clock() - self.last < self.interval:
            return
        self.last = self.clock()
        so_far = f", {problems} problem{'' if problems == 1 else 's'} so far" if problems else ""
        self.stream.write(f"{ERASE}checking {done}/{total} briefings{so_far}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write(ERASE)
            self.stream.flush()
            self.shown = False
