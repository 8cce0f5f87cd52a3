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
import re
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
               reused: Sequence[tuple[Path, list[str]]] = ()) -> list[str] | None:
    """Write the site that ``parts`` make into the new folder ``dest`` (``move``: take the
    parts' files instead of copying them; the parts are temporary). ``reused``: briefing
    folders from the build cache (each put at ``dest/<its name>``, hard-linked) and their
    search entries. Returns the merged search entries as JSON texts (None: no search index)."""
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
                  reused: list[str]) -> list[str] | None:
    """The parts' search entries (and ``reused``, each an entry's JSON text) in the site's
    page order, written as Material writes its index; entries are moved as text, never built
    into objects (at 300 briefings the index holds 20 MB of them)."""
    indexes = [folder / SEARCH_INDEX for folder in folders]
    if not (dest / SEARCH_INDEX).is_file():
        return None  # no search plugin
    order = {url: i for i, url in enumerate(pages)}
    config, docs = read_index((dest / SEARCH_INDEX).read_text(encoding="utf-8"))
    for path in indexes[1:]:
        if path.is_file():
            docs += read_index(path.read_text(encoding="utf-8"))[1]
    docs += reused
    docs.sort(key=lambda doc: order.get(location(doc).split("#", 1)[0], len(order)))
    with (dest / SEARCH_INDEX).open("w", encoding="utf-8", newline="") as out:  # as Material
        out.write(f'{{"config":{config},"docs":[')  # writes it, an entry at a time (no copy of
        for i, doc in enumerate(docs):  # the whole index in memory)
            out.write("," + doc if i else doc)
        out.write("]}")
    return docs


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)  # as Material's search does


_HEAD, _DOCS = '{"config":', ',"docs":['
_LOCATION = re.compile(r'\{"location":("(?:[^"\\]|\\.)*")')


def read_index(text: str) -> tuple[str, list[str]]:
    """Material's search index: its config and each entry, as JSON texts (joined again with
    commas they give back the index byte for byte)."""
    decoder = json.JSONDecoder()
    try:
        if not text.startswith(_HEAD):
            raise ValueError("not in Material's layout")
        _, end = decoder.raw_decode(text, len(_HEAD))
        if not text.startswith(_DOCS, end):
            raise ValueError("not in Material's layout")
        items, after = _items(text, end + len(_DOCS) - 1)
        if text[after:] != "}":  # anything more: read it the slow way
            raise ValueError("not in Material's layout")
        return text[len(_HEAD):end], items
    except ValueError:  # another layout: read it whole, write it as Material does
        data = json.loads(text)
        return _dumps(data["config"]), [_dumps(d) for d in data["docs"]]


def entries(text: str) -> list[str]:
    """The items of the JSON array ``text``, each as its JSON text."""
    items, after = _items(text, 0)
    if text[after:].strip():
        raise ValueError("more than one JSON array")
    return items


def _items(text: str, start: int) -> tuple[list[str], int]:
    """The items of the JSON array at ``text[start]`` as JSON texts, and where it ends."""
    decoder = json.JSONDecoder()
    if text[start:start + 1] != "[":
        raise ValueError("not a JSON array")
    items, i = [], start + 1
    try:
        while text[i] != "]":
            _, end = decoder.raw_decode(text, i)
            items.append(text[i:end])
            i = end + 1 if text[end] == "," else end
    except IndexError:
        raise ValueError("the JSON array is not closed") from None
    return items, i + 1


def location(entry: str) -> str:
    """The ``location`` of a search entry given as JSON text."""
    match = _LOCATION.match(entry)
    return str(json.loads(match.group(1)) if match else json.loads(entry)["location"])


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
    with user_error(root, f"{target} was left as it was"), emit.work_folder(target) as tmp:
        merge_into(folders, tmp)
        emit.swap(tmp, target)
    outdir.remember_or_warn(root, target)
    return target, len(manifests[0]["site_briefings"]), len(manifests[0]["pages"])
