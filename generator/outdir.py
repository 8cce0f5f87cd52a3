"""Where ``briefsite build`` and ``briefsite render`` may write, and the build lock.

Both commands replace their output folder as a whole, so a wrong path would destroy what is
there. A folder is accepted when it does not exist yet, is empty, was written by briefsite (or
by its MkDocs plugin) before, or looks like a built MkDocs site or a rendered briefsite tree.
Refused: the project folder or a folder above it, anything inside ``content/``,
``templates/``, ``site_config/``, ``.git`` or the cache folder, anything that is not a folder,
and a folder holding files briefsite did not write.

Which folders briefsite wrote is recorded in the project's cache folder (never inside the
site, which is published). The same folder holds the build lock: builds and renders of one
project run one at a time, and the one holding the lock removes the temporary folders that a
killed build left beside its output.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import BriefsiteError, BuildError

CACHE = ".briefsite-cache"
PROTECTED = ("content", "templates", "site_config", ".git", CACHE)
_RECORD = "outputs.json"
_LOCK = "build.lock"
log = logging.getLogger("mkdocs.plugins.briefsite")


class UsageError(BriefsiteError):
    """An output folder or another argument that briefsite refuses (exit status 2)."""

    status = 2


def resolve(root: Path, given: Path | str) -> Path:
    """``given`` as an absolute path; a relative one is taken from ``root`` (the folder ``-C``
    names, else the current folder), the way ``git -C`` reads paths."""
    return (Path(root) / given).resolve()


def refusal(root: Path, target: Path) -> str | None:
    """Why ``target`` may not be replaced by an output of the project at ``root`` (or None)."""
    root, target = root.resolve(), target.resolve()
    if target == root:
        return "it is the project folder"
    if target in root.parents:
        return "it is a folder above the project"
    for name in PROTECTED:
        if target.is_relative_to(root / name):
            return f"it is inside the project's {name}{'' if name.startswith('.') else '/'}"
    if not os.path.lexists(target):
        return None
    if not target.is_dir():
        return "it exists and is not a folder"
    if any(target.iterdir()) and not _ours(root, target):
        return "it is a folder with files that briefsite did not write"
    return None


def check(root: Path, target: Path, origin: str) -> None:
    """Raise ``UsageError`` if ``target`` (named by ``origin``) may not be replaced."""
    reason = refusal(root, target)
    if reason is not None:
        raise UsageError(f"{origin}: refusing to replace {target}: {reason}; name a new or empty "
                         "folder, or one that briefsite wrote before; nothing was written")


def _ours(root: Path, target: Path) -> bool:
    return str(target) in _recorded(root) or looks_built(target)


def looks_built(folder: Path) -> bool:
    """A site built by MkDocs (any version of briefsite, or plain ``mkdocs build``), or a
    Markdown tree written by ``briefsite render``."""
    page = (folder / "index.html").is_file() or (folder / "404.html").is_file()
    mkdocs = any((folder / name).is_file()
                 for name in ("sitemap.xml", "sitemap.xml.gz", "search/search_index.json"))
    rendered = (folder / "index.md").is_file() and (folder / "briefings.json").is_file()
    return (page and mkdocs) or rendered


def _recorded(root: Path) -> set[str]:
    try:
        data = json.loads((root / CACHE / _RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    return {p for p in data if isinstance(p, str)} if isinstance(data, list) else set()


def remember_or_warn(root: Path, target: Path) -> None:
    """``remember``; a failure only costs the next build's recognition of ``target``."""
    try:
        remember(root, target)
    except OSError as exc:
        log.warning(f"could not record {target} in {root / CACHE}: {exc.strerror or exc}")


def remember(root: Path, target: Path) -> None:
    """Record that briefsite wrote ``target`` (so the next build may replace it)."""
    root = root.resolve()
    known = {p for p in _recorded(root) if os.path.lexists(p)} | {str(target.resolve())}
    (root / CACHE).mkdir(exist_ok=True)
    tmp = root / CACHE / f"{_RECORD}.{os.getpid()}"
    tmp.write_text(json.dumps(sorted(known), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, root / CACHE / _RECORD)


@contextmanager
def lock(root: Path) -> Iterator[None]:
    """Hold the project's build lock; say so and wait while another build holds it."""
    folder = root.resolve() / CACHE
    try:
        folder.mkdir(exist_ok=True)
        handle = open(folder / _LOCK, "a+b")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise BuildError(f"cannot write the build lock in {folder}: {exc.strerror or exc} "
                         "(briefsite needs a writable project folder to build)") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: another briefsite build or render of {root.resolve()} is running",
                  file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary folders a killed build left beside ``target`` (call with the lock
    held: no build of this project is running, so none of them is in use)."""
    names = (f".{target.name}.new-*", f".{target.name}.old-*")
    found = sorted(p for pattern in names for p in target.parent.glob(pattern) if p.is_dir())
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return found
