"""``briefsite merge``: put the parts of a sharded build side by side as one site.

Each part (``briefsite build --shard i/n``, or a worker of ``--jobs``) is a whole MkDocs site
folder in which only its own briefings' pages were written, plus a manifest (``shard.MANIFEST``).
Part 0 holds everything site-wide: the theme's assets, the home and 404 pages, the sitemap
(every part lists every page in it: MkDocs knows them all, it only skips writing the other
parts' pages), ``briefings.json`` and ``feed.xml``. The other parts give their briefings'
folders. The one file that needs merging is Material's search index: its entries are put back
in the site's page order (the manifest's) and written as Material writes it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import emit, outdir
from .errors import user_error
from .outdir import UsageError
from .shard import FORMAT, MANIFEST

SEARCH_INDEX = "search/search_index.json"


def read_manifests(parts: Sequence[Path]) -> list[dict[str, Any]]:
    """The parts' manifests in shard order; ``UsageError`` unless they make one whole site."""
    found = [_manifest(part) for part in parts]
    first = found[0]
    for part, data in zip(parts, found, strict=True):
        for key, what in (("of", "a different number of shards"), ("inputs", "different inputs"),
                          ("version", "a different briefsite version")):
            if data[key] != first[key]:
                raise UsageError(f"{part}: built from {what} than {parts[0]} ({key}: "
                                 f"{data[key]} vs {first[key]}); build every shard from the same "
                                 "project with the same briefsite; nothing was written")
    shards = sorted(d["shard"] for d in found)
    if shards != list(range(first["of"])):
        missing = sorted(set(range(first["of"])) - set(shards))
        dup = sorted({s for s in shards if shards.count(s) > 1})
        raise UsageError(f"the parts do not make one site of {first['of']} shards (missing: "
                         f"{missing or 'none'}, given twice: {dup or 'none'}); give each shard's "
                         "part once; nothing was written")
    return sorted(found, key=lambda d: d["shard"])


def _manifest(part: Path) -> dict[str, Any]:
    try:
        data = json.loads((part / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = None
    keys = ("version", "shard", "of", "inputs", "briefings", "site_briefings", "pages")
    if not isinstance(data, dict) or data.get("briefsite_part") != FORMAT or \
            any(k not in data for k in keys):
        raise UsageError(f"{part}: not a part built by 'briefsite build --shard I/N' (no readable "
                         f"{MANIFEST}); nothing was written")
    data["folder"] = str(part)
    return data


def merge_into(parts: Sequence[Path], dest: Path, *, move: bool = False,
               reused: Sequence[tuple[Path, list[Any]]] = ()) -> list[Any] | None:
    """Write the site that ``parts`` make into the new folder ``dest`` (``move``: take the
    parts' files instead of copying them; the parts are temporary). ``reused``: briefing
    folders from the build cache (each put at ``dest/<its name>``, hard-linked) and their
    search entries. Returns the merged search entries (None: no search index)."""
    manifests = read_manifests(parts)
    folders = [Path(m["folder"]) for m in manifests]
    take = os.replace if move else _copy  # moved within one temporary folder: one file system
    for entry in sorted(os.listdir(folders[0])):
        if entry != MANIFEST:
            take(str(folders[0] / entry), str(dest / entry))
    for folder, data in zip(folders[1:], manifests[1:], strict=True):
        for slug in data["briefings"]:
            if (folder / slug).exists():
                if (dest / slug).exists():
                    shutil.rmtree(dest / slug)
                take(str(folder / slug), str(dest / slug))
    for folder, _ in reused:
        if (dest / folder.name).exists():
            shutil.rmtree(dest / folder.name)
        link_tree(folder, dest / folder.name)
    return _merge_search(folders, manifests[0]["pages"], dest, [d for _, docs in reused for d in docs])


def link_tree(src: Path, dst: Path) -> None:
    """``dst`` as a copy of ``src`` made of hard links (copies where links are refused)."""
    def link(a: str, b: str) -> None:
        try:
            os.link(a, b)
        except OSError:
            shutil.copy2(a, b)

    shutil.copytree(src, dst, copy_function=link)


def _copy(src: str, dst: str) -> None:
    if os.path.isdir(src):
        shutil.copytree(src, dst)
    else:
        shutil.copy2(src, dst)


def _merge_search(folders: list[Path], pages: list[str], dest: Path,
                  reused: list[Any]) -> list[Any] | None:
    indexes = [folder / SEARCH_INDEX for folder in folders]
    if not (dest / SEARCH_INDEX).is_file():
        return None  # no search plugin
    order = {url: i for i, url in enumerate(pages)}
    first = json.loads((dest / SEARCH_INDEX).read_text(encoding="utf-8"))
    docs = list(first["docs"])
    for path in indexes[1:]:
        if path.is_file():
            docs += json.loads(path.read_text(encoding="utf-8"))["docs"]
    docs += reused
    docs.sort(key=lambda doc: order.get(doc["location"].split("#", 1)[0], len(order)))
    data = {"config": first["config"], "docs": docs}
    text = json.dumps(data, separators=(",", ":"), default=str)  # as Material's search writes it
    (dest / SEARCH_INDEX).write_bytes(text.encode("utf-8"))
    return docs


def merge_site(root: Path, parts: Sequence[Path], site_dir: Path) -> tuple[Path, int, int]:
    """``briefsite merge``: the parts into ``site_dir`` (relative: to ``root``), replaced whole
    only once merged. Returns the site folder, its number of briefings and of pages."""
    target = outdir.resolve(root, site_dir)
    folders = [outdir.resolve(root, part) for part in parts]
    if target in folders:
        raise UsageError(f"--site-dir: {target} is one of the parts; name another folder; "
                         "nothing was written")
    manifests = read_manifests(folders)
    outdir.check(root, target, "--site-dir")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = emit.new_folder(target.parent, f".{target.name}.new-")
    try:
        with user_error(root, f"{target} was left as it was"):
            merge_into(folders, tmp)
            emit.swap(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    outdir.remember_or_warn(root, target)
    return target, len(manifests[0]["site_briefings"]), len(manifests[0]["pages"])
