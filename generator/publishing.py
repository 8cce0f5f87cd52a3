"""Publishing discipline: what a published briefing may not hold, and updates left unrecorded.

``placeholders`` refuses, in a published briefing, what ``briefsite new`` and ``briefsite
extract`` write for the editor to replace (``TODO``, the placeholder summary and source); a
draft may keep them. ``unrecorded_changes`` warns (``briefsite check``) when a published
briefing's files differ from the last commit while its ``last_updated`` and changelog do not:
readers and the feed would not learn of the change. It asks git, in a subprocess with a
timeout, and says nothing where there is no git, no repository, no commit or only a shallow
clone (a CI checkout).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import model as m
from .errors import Problem
from .load import Document, PathKey, load_yaml, parse_yaml
from .paths import real_root

# What `briefsite new` writes for the editor to replace (scaffold.py writes these).
PLACEHOLDER_SUMMARY = "Draft briefing. Replace this with a one-paragraph summary."
PLACEHOLDER_LABEL = "Placeholder (replace with a stored article)"
PLACEHOLDER_NOTES = "Created by briefsite new; replace with the briefing's real sources."
_TODO = re.compile(r"\bTODO\b")
_EXACT = {PLACEHOLDER_SUMMARY: "the placeholder summary of briefsite new",
          PLACEHOLDER_LABEL: "the placeholder source of briefsite new",
          PLACEHOLDER_NOTES: "the placeholder source of briefsite new",
          "unknown-speaker": "the placeholder speaker of briefsite extract"}
GIT_TIMEOUT = 10.0  # seconds for one git command


def placeholders(docs: dict[str, Document], meta: m.BriefingMeta | None) -> list[Problem]:
    """Every placeholder left in a published briefing's files, at its value."""
    if meta is None or meta.status is not m.Status.PUBLISHED:
        return []
    problems = []
    for doc in docs.values():
        dumped = json.dumps(doc.data, ensure_ascii=False)  # one C pass: most files hold none
        if "TODO" not in dumped and not any(text in dumped for text in _EXACT):
            continue
        for path, value in _strings(doc.data, ()):
            what = _EXACT.get(value) or ("TODO" if _TODO.search(value) else None)
            if what is not None:
                problems.append(doc.problem(path, f"a published briefing still holds {what}", (
                    "replace it with what the sources say, or set status: draft until it is "
                    "done")))
    return problems


def _strings(data: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, (*path, i))


def _git(root: Path, *args: str) -> str | None:
    """git's output, or None when git is missing, fails or takes too long."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              timeout=GIT_TIMEOUT, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None


def unrecorded_changes(root: Path, published: list[tuple[str, m.BriefingMeta]]) -> list[Problem]:
    """A warning for each published briefing (slug, metadata) whose files changed since the
    last commit while its ``last_updated`` and changelog stayed as committed."""
    info = _git(root, "rev-parse", "--is-shallow-repository", "--show-toplevel")
    if info is None or info.split("\n")[0].strip() != "false" or not published:
        return []
    top = Path(info.split("\n")[1].strip())
    prefix = Path(os.path.relpath(os.path.realpath(root), os.path.realpath(top))).as_posix()
    content = "content" if prefix == "." else f"{prefix}/content"
    changed = _git(root, "diff", "--name-only", "-z", "HEAD", "--", str(Path(root, "content")))
    if changed is None:
        return []
    slugs = {p[len(content) + 1:].split("/")[0] for p in changed.split("\0")
             if p.startswith(content + "/")}
    problems = []
    for slug, meta in published:
        if slug in slugs:
            problems += _unrecorded(root, f"{content}/{slug}/briefing.yaml", slug, meta)
    return problems


def _unrecorded(root: Path, committed_path: str, slug: str, meta: m.BriefingMeta) -> list[Problem]:
    committed = _git(root, "show", f"HEAD:{committed_path}")
    if committed is None:  # a briefing new since the last commit
        return []
    before, _ = parse_yaml(committed, committed_path)
    if before is None or not isinstance(before.data, dict):
        return []
    now = {"last_updated": str(meta.last_updated),
           "changelog": [{"date": str(c.date), "summary": c.summary} for c in meta.changelog]}
    if before.data.get("last_updated") != now["last_updated"] or \
            (before.data.get("changelog") or []) != now["changelog"]:
        return []
    rel = f"content/{slug}/briefing.yaml"
    doc, _ = load_yaml(root / rel, rel, root=real_root(root))  # confined, as every content read
    at = doc.pos(("last_updated",)) if doc is not None else None
    return [Problem(rel, at.line if at else 0, at.col if at else 0, (
        f"briefing '{slug}' changed since the last commit, but last_updated "
        f"({meta.last_updated}) and the changelog did not"), (
        "set last_updated to the day of the change and add a changelog entry saying what "
        "changed, so readers and the feed learn of it"), warning=True)]
