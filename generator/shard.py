"""The plan of a parallel or sharded build: which briefings each part builds, and its manifest.

A site splits into parts along briefings: every page of a briefing (and its exports) depends
only on that briefing, the templates, the theme and the site settings, so disjoint groups of
briefings can be built apart and their folders put side by side (``merge.py``). Part 0 also
builds what belongs to the whole site: the home page, any other page outside a briefing's
folder, ``briefings.json`` and ``feed.xml``. ``plan`` (``--shard``) depends only on the
rendered pages, so every shard of a CI matrix computes the same one; ``groups`` (``--jobs``)
splits the folders by their bytes before anything is loaded.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .buildkey import Hasher
from .paths import real_root

MANIFEST = "briefsite-part.json"
FORMAT = 1
MIN_BRIEFINGS_PER_JOB = 8  # below this a worker process costs more than it saves
INPUTS = ("content", "templates", "site_config")


@dataclass(frozen=True)
class Part:
    """What one part builds: shard ``index`` of ``count``, the briefings ``slugs`` (and, in
    part 0, the site-wide files); ``briefings`` names every published briefing."""

    index: int
    count: int
    slugs: frozenset[str]
    briefings: frozenset[str]

    @property
    def home(self) -> bool:
        return self.index == 0

    def owns(self, path: str) -> bool:
        """Whether this part writes ``path`` (a page's source path or an output file's path)."""
        top = path.split("/", 1)[0] if "/" in path else None
        if top in self.briefings:
            return top in self.slugs
        return self.home


def plan(pages: Mapping[str, str], briefings: Iterable[str], count: int) -> list[Part]:
    """Split ``briefings`` into ``count`` parts balanced by the size of their pages (the
    site-wide pages weigh on part 0); the same on every machine for the same pages."""
    names = frozenset(briefings)
    weight = dict.fromkeys(names, 0)
    site_wide = 0
    for path, text in pages.items():
        top = path.split("/", 1)[0] if "/" in path else None
        if top in weight:
            weight[top] += len(text) + 1
        else:
            site_wide += len(text) + 1
    groups = balance(weight, count, site_wide)
    return [Part(i, count, frozenset(g), names) for i, g in enumerate(groups)]


def balance(weight: Mapping[str, int], count: int, first: int = 0) -> list[list[str]]:
    """``count`` groups of the names of ``weight``, balanced: largest first, each to the
    lightest group so far (group 0 starts at ``first``); ties go by name and lowest index."""
    loads = [first] + [0] * (count - 1)
    groups: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(weight, key=lambda s: (-weight[s], s)):
        lightest = min(range(count), key=lambda i: (loads[i], i))
        groups[lightest].append(name)
        loads[lightest] += weight[name]
    return [sorted(g) for g in groups]


def groups(folders: list[Path], count: int) -> list[list[Path]]:
    """The briefing folders in ``count`` groups for a local parallel build, balanced by the
    bytes under each folder (roughly what checking, rendering and building it costs). The
    main process's group 0 is not made lighter: what it does besides (site-wide checks, the
    home page, the merge) measured about what a worker's start costs it (bench/RESULTS.md)."""
    weight = {f.name: _bytes(f) for f in folders}
    by_name = {f.name: f for f in folders}
    return [[by_name[n] for n in g] for g in balance(weight, count)]


def _bytes(folder: Path) -> int:
    """The size of the files under ``folder`` (0 where it cannot be read: the check says why)."""
    total = 0
    for top, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(top, name)).st_size
    return total


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask, where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def job_count(jobs: int | None, briefings: int) -> int:
    """Processes to use: ``jobs`` (default: the usable CPUs, but no more than one per
    ``MIN_BRIEFINGS_PER_JOB`` briefings), never more than there are briefings."""
    if jobs is None:
        jobs = min(usable_cpus(), max(1, briefings // MIN_BRIEFINGS_PER_JOB))
    return max(1, min(jobs, briefings))


def input_hash(root: Path) -> str:
    """SHA-256 of everything a build reads from the project: content/, templates/,
    site_config/ and mkdocs.yml (names and bytes), so parts of different inputs never merge."""
    hasher = Hasher()
    base = real_root(root)
    for name in INPUTS:
        if (root / name).is_dir():
            hasher.tree(name, root / name, base)
    if (root / "mkdocs.yml").is_file():
        hasher.add("mkdocs.yml", (root / "mkdocs.yml").read_bytes())
    return hasher.hexdigest()


def manifest(part: Part, inputs: str, page_urls: list[str]) -> str:
    """The manifest a part's folder carries: what it is and the site's order of page URLs
    (the search index is merged in that order)."""
    return json.dumps({
        "briefsite_part": FORMAT, "version": __version__, "shard": part.index,
        "of": part.count, "inputs": inputs, "briefings": sorted(part.slugs),
        "site_briefings": sorted(part.briefings), "pages": page_urls,
    }, indent=1) + "\n"
