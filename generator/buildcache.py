"""The build cache: each unchanged briefing's verified model and built files, reused.

One entry per briefing and key (``buildkey.briefing_key``), in ``.briefsite-cache/build/<key>/``::

    manifest.json      {"briefsite_cache": FORMAT, "key", "slug", "pages", "files": {path: sha256}}
    briefing.pickle    the loaded, validated and verified ``Briefing`` (check is not redone)
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

``Store`` plays the part of ``cache.SiteCache`` in ``pipeline.run`` (``load``, ``render``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment

from .briefing import Briefing, load_briefing
from .buildkey import FORMAT, briefing_key
from .errors import Problem
from .merge import link_tree
from .outdir import CACHE
from .project import Site

FOLDER = "build"
MANIFEST = "manifest.json"
PICKLE = "briefing.pickle"
SEARCH = "search.json"
log = logging.getLogger("mkdocs.plugins.briefsite")


@dataclass(frozen=True)
class Entry:
    """A checked entry: its folder, briefing, page paths (``slug/who.md``) and search entries."""

    folder: Path
    briefing: Briefing
    pages: tuple[str, ...]
    docs: list[Any]

    @property
    def site(self) -> Path:
        """Its built folder (``site/<slug>``)."""
        return self.folder / "site" / self.briefing.slug


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

    def load(self, folder: Path, root: Path) -> tuple[Briefing | None, list[Problem]]:
        """The briefing from its entry (nothing re-read or re-verified), else ``load_briefing``."""
        key = briefing_key(self.shared, folder, root)
        if key is not None:
            self.keys[folder.name] = key
            entry = self._entry(key, folder.name)
            if entry is not None:
                self.hits[folder.name] = entry
                return entry.briefing, []
        return load_briefing(folder, root)

    def render(self, site: Site, env: Environment) -> dict[str, str]:
        """The home page and the stale briefings' pages; a reused briefing's pages are named
        with no text (they are not built: their files come from the entry)."""
        from . import pipeline  # its render stage: one name to wrap (tests, benchmarks)

        reused = {b.slug for b in site.published if b.slug in self.hits}
        pages = pipeline.render_site(site, env, only={b.slug for b in site.published} - reused)
        for slug in sorted(reused):
            pages.update(dict.fromkeys(self.hits[slug].pages, ""))
        return pages

    def reused(self, site: Site) -> list[Entry]:
        """The entries of the published briefings this build reuses, in the site's order."""
        return [self.hits[b.slug] for b in site.published if b.slug in self.hits]

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

    def save(self, site_dir: Path, docs: list[Any] | None, pages: Iterable[str],
             site: Site) -> None:
        """Write an entry for every published briefing built (not reused) by this build, from
        the built ``site_dir`` and search ``docs``."""
        by_slug: dict[str, list[Any]] = {}
        for doc in docs or []:
            by_slug.setdefault(_top(doc["location"]), []).append(doc)
        paths: dict[str, list[str]] = {}
        for path in pages:
            paths.setdefault(path.split("/", 1)[0], []).append(path)
        self.dir.mkdir(parents=True, exist_ok=True)
        for b in site.published:
            key = self.keys.get(b.slug)
            if key is not None and b.slug not in self.hits and (site_dir / b.slug).is_dir():
                _write(self.dir, key, b, site_dir / b.slug, by_slug.get(b.slug, []),
                       sorted(paths.get(b.slug, [])))

    def prune(self, site: Site) -> None:
        """Remove every entry (and temporary folder) this build neither used nor wrote."""
        kept = {self.keys[b.slug] for b in site.published if b.slug in self.keys}
        for child in self.dir.iterdir() if self.dir.is_dir() else ():
            if child.name not in kept:
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()


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
    briefing = pickle.loads((folder / PICKLE).read_bytes())
    if not isinstance(briefing, Briefing) or briefing.slug != slug:
        raise ValueError("holds another briefing")
    docs = json.loads((folder / SEARCH).read_text(encoding="utf-8"))
    pages = tuple(manifest["pages"])
    if not isinstance(docs, list) or not all(p.startswith(f"{slug}/") for p in pages):
        raise ValueError("search entries or pages of another briefing")
    return Entry(folder, briefing, pages, docs)


def _write(store: Path, key: str, briefing: Briefing, built: Path, docs: list[Any],
           pages: list[str]) -> None:
    """One entry, written whole beside its place and renamed into it."""
    tmp = store / f".tmp-{key[:16]}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir()
        (tmp / PICKLE).write_bytes(pickle.dumps(briefing, protocol=pickle.HIGHEST_PROTOCOL))
        (tmp / SEARCH).write_text(json.dumps(docs, separators=(",", ":")), encoding="utf-8")
        link_tree(built, tmp / "site" / briefing.slug)
        files = {p.relative_to(tmp).as_posix(): sha256(p) for p in sorted(tmp.rglob("*"))
                 if p.is_file()}
        manifest = {"briefsite_cache": FORMAT, "key": key, "slug": briefing.slug,
                    "pages": pages, "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        shutil.rmtree(store / key, ignore_errors=True)
        os.rename(tmp, store / key)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
