"""The build cache: each unchanged briefing's listing, built files and search entries, reused.

One entry per briefing and key (``buildkey.briefing_key``), in ``.briefsite-cache/build/<key>/``::

    manifest.json      {"briefsite_cache": FORMAT, "key", "slug", "pages", "files": {path: sha256}}
    listing.pickle     its ``Listing``: what the home page, navigation and feed read of it
                       (the briefing is neither loaded nor verified again)
    search.json        its entries of Material's search index, in the site's order
    site/<slug>/...    its built folder: HTML pages, briefing.json

An entry is used only when its manifest names the key it is looked up by and the briefing's
slug, lists exactly the files the folder holds, and every file has the SHA-256 the manifest
gives; anything else (a corrupt, truncated, foreign or tampered entry) is removed and the
briefing rebuilt. Entries are written whole into a temporary folder and renamed into place,
only after a successful build without MkDocs warnings; then every entry this build did not
use or write is removed, so the cache holds one site's worth. Built files are hard-linked
between the site and the cache where the file system allows (else copied): an edit of a
built file in place changes its hash, so it is caught, never served.

A build asks ``Store.lookup`` for each briefing folder; the briefings without a valid entry
are checked, rendered and built (``build.py``), and ``save`` writes their entries afterwards.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import logging
import os
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .buildkey import FORMAT, briefing_key
from .listing import Listing
from .merge import entries, link_tree, location
from .outdir import CACHE

FOLDER = "build"
MANIFEST = "manifest.json"
PICKLE = "listing.pickle"
SEARCH = "search.json"
log = logging.getLogger("mkdocs.plugins.briefsite")


@dataclass(frozen=True)
class Entry:
    """A checked entry: its folder, listing and search entries."""

    folder: Path
    listing: Listing
    docs: list[str]

    @property
    def site(self) -> Path:
        """Its built folder (``site/<slug>``)."""
        return self.folder / "site" / self.listing.slug


def sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


class Store:
    """The entries of one project's build cache, for one build (``shared``: ``shared_key``)."""

    def __init__(self, root: Path, shared: str) -> None:
        self.root, self.shared = root, shared
        self.dir = root / CACHE / FOLDER
        self.keys: dict[str, str] = {}  # slug → key, of every briefing this build looked up
        self.hits: dict[str, Entry] = {}  # slug → the entry reused

    def lookup(self, folder: Path, root: Path) -> Entry | None:
        """The valid entry of the briefing in ``folder``, if any (its key is remembered for
        ``save`` either way)."""
        key = briefing_key(self.shared, folder, root)
        if key is None:
            return None
        self.keys[folder.name] = key
        entry = self._entry(key, folder.name)
        if entry is not None:
            self.hits[folder.name] = entry
        return entry

    def _entry(self, key: str, slug: str) -> Entry | None:
        folder = self.dir / key
        if not folder.is_dir():
            return None
        try:
            entry = _checked(folder, key, slug)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError,
                ImportError, TypeError, KeyError, IndexError) as exc:
            log.info(f"build cache: entry {folder} of {slug} rejected ({exc}); rebuilding it")
            shutil.rmtree(folder, ignore_errors=True)
            return None
        return entry

    def save(self, site_dir: Path, docs: list[str] | None, built: list[Listing]) -> None:
        """Write an entry for every briefing of ``built`` (published, not reused), from the
        built ``site_dir`` and search ``docs`` (each entry's JSON text)."""
        by_slug: dict[str, list[str]] = {}
        for doc in docs or []:
            by_slug.setdefault(_top(location(doc)), []).append(doc)
        self.dir.mkdir(parents=True, exist_ok=True)
        for listing in built:
            key = self.keys.get(listing.slug)
            if key is not None and listing.slug not in self.hits and (site_dir / listing.slug).is_dir():
                _write(self.dir, key, listing, site_dir / listing.slug, by_slug.get(listing.slug, []))

    def prune(self, published: list[str]) -> None:
        """Remove every entry (and temporary folder) this build neither used nor wrote."""
        kept = {self.keys[slug] for slug in published if slug in self.keys}
        for child in self.dir.iterdir() if self.dir.is_dir() else ():
            if child.name not in kept:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()


class _Unpickler(pickle.Unpickler):
    """Unpickles briefsite's own classes (the models, dates and spreads a listing holds) and
    ``datetime.date``, nothing else: a tampered entry can call no function (``os.system``) but
    those classes while it is read, where any pickle can; it fails with ``UnpicklingError``
    and is rebuilt."""

    MODULES = frozenset({"generator.listing", "generator.model", "generator.dates",
                         "generator.spread"})  # what a Listing is made of

    def find_class(self, module: str, name: str) -> Any:
        if (module == "datetime" and name == "date") or (module in self.MODULES and "." not in name):
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a class an entry may hold")


def _top(location: str) -> str:
    return location.split("/", 1)[0] if "/" in location else ""


def _checked(folder: Path, key: str, slug: str) -> Entry:
    """The entry in ``folder``; ``ValueError`` unless it is whole, untouched and ``key``'s."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if manifest.get("briefsite_cache") != FORMAT or manifest.get("key") != key or \
            manifest.get("slug") != slug:
        raise ValueError("built for another key, briefing or cache format")
    files: dict[str, str] = manifest["files"]
    held = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if not p.is_dir()} - {MANIFEST}
    if held != set(files) or PICKLE not in held or SEARCH not in held:
        raise ValueError(f"holds other files than its manifest lists "
                         f"({len(held ^ set(files))} differ)")
    for rel, digest in files.items():
        if not (folder / rel).is_file() or sha256(folder / rel) != digest:
            raise ValueError(f"{rel}: contents differ from the manifest's hash")
    listing = _Unpickler(io.BytesIO((folder / PICKLE).read_bytes())).load()
    if not isinstance(listing, Listing) or listing.slug != slug:
        raise ValueError("holds another briefing")
    docs = entries((folder / SEARCH).read_text(encoding="utf-8"))
    if not all(_top(location(d)) == slug for d in docs):
        raise ValueError("search entries of another briefing")
    if manifest["pages"] != listing.pages:
        raise ValueError("its pages are not its listing's")
    return Entry(folder, listing, docs)


def _write(store: Path, key: str, listing: Listing, built: Path, docs: list[str]) -> None:
    """One entry, written whole beside its place and renamed into it."""
    tmp = store / f".tmp-{key[:16]}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        (tmp / PICKLE).write_bytes(pickle.dumps(listing, protocol=pickle.HIGHEST_PROTOCOL))
        (tmp / SEARCH).write_text(f"[{','.join(docs)}]", encoding="utf-8")
        link_tree(built, tmp / "site" / listing.slug)
        files = {p.relative_to(tmp).as_posix(): sha256(p) for p in sorted(tmp.rglob("*"))
                 if p.is_file()}
        manifest = {"briefsite_cache": FORMAT, "key": key, "slug": listing.slug,
                    "pages": listing.pages, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        shutil.rmtree(store / key, ignore_errors=True)
        os.rename(tmp, store / key)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
