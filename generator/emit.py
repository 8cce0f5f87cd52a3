"""The last stage: write what the pipeline produced, never half of it.

``write_tree`` writes a folder beside its target and swaps it in whole; ``swap`` is the same
swap for a site that MkDocs built; ``render_to`` is ``briefsite render``: the pipeline's pages
plus the exports and static assets, as a folder of Markdown any engine can build.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import outdir
from .errors import user_error
from .export import generated_files
from .paths import MAX_ASSET_BYTES, files_under, read_bytes, real_root
from .pipeline import Rendered, run


def render_to(root: Path, out: Path) -> int:
    """``briefsite render``: check, render and write the Markdown tree (plus static assets and
    the exports: JSON files and feed.xml) to ``out`` (relative: to ``root``), if allowed there."""
    root = root.resolve()
    target = outdir.resolve(root, out)
    with outdir.lock(root):
        outdir.check(root, target, "--out")
        outdir.remove_leftovers(target)
        with user_error(root, f"{target} was left as it was"):
            rendered = run(root)
            write_tree(tree_files(root, rendered), target)
        outdir.remember_or_warn(root, target)
    return len(rendered.pages)


def tree_files(root: Path, rendered: Rendered) -> dict[str, str | bytes]:
    """The Markdown tree of ``rendered``: its pages, the exports (JSON files and feed.xml) and
    the static assets of ``site_config/docs``, ``{relative path: text or bytes}``."""
    files: dict[str, str | bytes] = {**rendered.pages, **generated_files(rendered.site)}
    for rel, path in files_under(root / "site_config" / "docs", real_root(root)):
        files[rel] = read_bytes(path, MAX_ASSET_BYTES)  # images too; nothing from outside
    return files


def write_tree(files: dict[str, str | bytes], out: Path) -> None:
    """Write ``files`` as a fresh folder ``out``, replacing it whole only when all are written."""
    out = out.resolve()
    with work_folder(out) as tmp:
        write_files(tmp, sorted(files.items()))
        swap(tmp, out)


@contextmanager
def work_folder(target: Path) -> Iterator[Path]:
    """A new empty folder beside ``target`` (``.<name>.new-*``: one file system, so ``swap``
    is a rename), removed when the block ends, however it ends; whatever the block swapped in
    for ``target`` stays."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = new_folder(target.parent, f".{target.name}.new-")
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_files(folder: Path, files: Iterable[tuple[str, str | bytes]]) -> None:
    """Write each ``(relative path, text or bytes)`` under ``folder``."""
    for rel, content in files:
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty, uniquely named folder with a new folder's usual permissions.

    (``tempfile.mkdtemp`` makes it 0700, and it becomes the site: a web server running as
    another user could not read it.)
    """
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def swap(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is, keeping the old one until the new one is in place."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    try:
        if old is not None:
            os.rename(target, old / target.name)
        os.rename(new, target)
    except BaseException:
        if old is not None:
            if not target.exists():
                os.rename(old / target.name, target)
            shutil.rmtree(old, ignore_errors=True)  # also when moving the old site aside failed
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
