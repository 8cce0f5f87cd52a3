"""What briefsite may read: files inside the project, regular files only, of bounded size.

Every file briefsite reads from a project (YAML, stored texts, templates, theme overrides,
static assets) must have its real path inside the project root. A symbolic link is allowed
when its target stays inside the project and outside its hidden folders and files (``.git``,
``.env``, ``.venv``): a link to ``/etc``, to ``/proc/self`` or to ``.git/config`` is refused,
with the path. Symbolic link loops, broken links, folders that cannot be listed and anything
that is not a regular file (a folder where a file is expected, a FIFO, a device) are refused
too, and a FIFO or a device is never opened (it could block or never end).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import Problem

MAX_ASSET_BYTES = 64 * 1024 * 1024  # one static asset of site_config/docs (an image, a PDF)
LINK_HINT = ("briefsite reads only files inside the project: copy the file into the project "
             "instead of linking to it")


class Refused(OSError):
    """A path briefsite will not read; ``strerror`` says why, ``filename`` names it.

    An ``OSError``, so that code reporting the machine's errors (``build.py``) reports it too.
    """

    def __init__(self, message: str, path: Path | str, hint: str = "") -> None:
        super().__init__(errno.EPERM, message, str(path))
        self.hint = hint

    def problem(self, rel: str) -> Problem:
        """The refusal as a problem at ``rel`` (the path as shown to the editor)."""
        return Problem(rel, 0, 0, str(self.strerror), self.hint)


class TooLarge(Refused):
    """A file over the size limit (reported at line 1: an editor's file, just too long)."""


def real_root(root: Path) -> Path:
    """The project root with every symbolic link resolved (the base every path is checked against)."""
    return Path(os.path.realpath(root))


def confine(path: Path, root: Path) -> Path:
    """The real path of ``path``, which exists and lies inside ``root`` (a real path).

    Raises:
        FileNotFoundError: Nothing at all is at ``path`` (not even a broken link).
        Refused: A symbolic link loop, a broken link, a path outside the project or into one of
            its hidden folders, or an error of the operating system (permission denied).
    """
    if not os.path.lexists(path):
        raise FileNotFoundError(errno.ENOENT, "no such file or folder", str(path))
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("symbolic link loop", path, "replace the link with the file or folder "
                                                      "it should point to") from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise Refused(f"symbolic link to a missing file ({os.readlink(path)})", path,
                          "fix or remove the link") from None
        raise Refused(f"cannot be read: {(exc.strerror or str(exc)).lower()}", path) from None
    lexical = Path(os.path.abspath(path))
    if not real.is_relative_to(root):
        raise Refused(f"links outside the project (to {real})", path, LINK_HINT)
    if real != lexical and any(part.startswith(".") for part in real.relative_to(root).parts):
        raise Refused(f"links into a hidden file or folder of the project ({real})", path, LINK_HINT)
    return real


def kind(mode: int) -> str:
    """``a folder``, ``a FIFO`` … for a file mode."""
    kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISREG, "a regular file"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, refused beyond ``max_bytes``.

    ``stat`` first and ``O_NONBLOCK``, so a FIFO or a device is never read (nor waited on);
    the read is bounded, so a file whose size the system does not know (``/proc``) cannot grow
    without end.

    Raises:
        Refused: Not a regular file, or too large.
        OSError: The system refused to read it.
    """
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise Refused(f"is {kind(mode)}, not a regular file", path,
                      "replace it with a regular file (or remove it)")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode  # it may have been replaced since the stat
        if not stat.S_ISREG(mode):
            raise Refused(f"is {kind(mode)}, not a regular file", path)
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        size = max(os.stat(path).st_size, len(data))
        raise TooLarge(f"file is too large ({size:,} bytes; the limit is {max_bytes:,})", path,
                      "split the content across briefings or files")
    return data


def list_folder(path: Path) -> list[str]:
    """The sorted names in a folder.

    Raises:
        Refused: It cannot be listed (permission denied, not a folder).
    """
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        raise Refused(f"cannot read folder: {(exc.strerror or str(exc)).lower()}", path,
                      "check the folder's permissions") from None


def check_tree(top: Path, root: Path, rel: str) -> list[Problem]:
    """Problems with anything under ``top`` that a build would read or copy.

    Every entry must be a regular file or a folder inside the project (links followed; a link
    to a folder that contains it is a loop: MkDocs would walk it without end).
    """
    return [Problem(shown, 0, 0, str(exc.strerror), exc.hint)
            for shown, _, exc in _walk(top, root, rel) if exc is not None]


def files_under(top: Path, root: Path) -> Iterator[tuple[str, Path]]:
    """``(relative path, path)`` of every regular file under ``top``, confined to ``root``.

    Raises:
        Refused: At the first entry ``check_tree`` would report.
    """
    for shown, path, exc in _walk(top, root, ""):
        if exc is not None:
            raise exc
        yield shown.lstrip("/"), path


def _walk(top: Path, root: Path, rel: str) -> Iterator[tuple[str, Path, Refused | None]]:
    """Every regular file under ``top`` as ``(shown, path, None)``, every refused entry as
    ``(shown, path, refusal)``; sorted, links followed."""
    if not os.path.lexists(top):
        return
    stack: list[tuple[Path, str, tuple[Path, ...]]] = [(top, rel, ())]
    while stack:
        path, shown, above = stack.pop()
        try:
            real = confine(path, root)
            mode = os.stat(real).st_mode
            if stat.S_ISDIR(mode):
                if real in above:
                    raise Refused("symbolic link loop (a link to a folder that contains it)", path,
                                  "replace the link with the folder's files")
                stack += [(path / name, f"{shown}/{name}", (*above, real))
                          for name in reversed(list_folder(path))]
            elif stat.S_ISREG(mode):
                yield shown, path, None
            else:
                raise Refused(f"is {kind(mode)}, not a regular file", path,
                              "replace it with a regular file (or remove it)")
        except Refused as exc:
            yield shown, path, exc
        except OSError as exc:
            yield shown, path, Refused(f"cannot be read: {(exc.strerror or str(exc)).lower()}", path)
