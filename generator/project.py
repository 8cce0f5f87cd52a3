"""The project: site-wide settings plus every briefing under ``content/``."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import Field

from .briefing import Briefing
from .errors import Problem
from .listing import Listing
from .load import Document, load_yaml
from .model import BriefingMeta, Language, Model, SiteUrl, Slug, Text
from .paths import Refused, check_tree, confine, list_folder, real_root
from .validate import validate
from .verify import references

CONFIG_FILE = "site_config/site.yaml"
# mkdocs.yml names the plugin as "- briefsite" (or "briefsite:" with options). mkdocs.yml may
# hold Python tags, so it is searched as text, never loaded here.
_USES_PLUGIN = re.compile(r"^\s*(?:-\s*)?briefsite\s*(?::|#|$)", re.MULTILINE)


def find_root(start: Path) -> Path | None:
    """The project ``start`` is in: the nearest folder at or above it that holds a
    ``mkdocs.yml`` using the briefsite plugin, or ``site_config/site.yaml``; else ``None``."""
    start = Path(os.path.abspath(start))
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or _uses_plugin(folder / "mkdocs.yml"):
            return folder
    return None


def _uses_plugin(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return bool(_USES_PLUGIN.search(text))
    except OSError:
        return False


class SiteConfig(Model):
    """site_config/site.yaml: site-wide settings."""

    title: Text = Field(description="Site title, shown in the header and the browser tab.")
    description: Text = Field(description="One-line description of the site.")
    language: Language = Field("en", description="Language of the site (BCP 47 tag, e.g. en, ko), "
                                                 "one the theme has translations for.")
    briefing_order: list[Slug] = Field(
        default_factory=list,
        description="Briefing slugs in the order the home page and navigation list them; "
                    "briefings not named follow, newest event first.")
    show_drafts: bool = Field(False, description="Publish draft briefings too (true/false).")
    publish_source_texts: bool = Field(
        False, description="Publish the full stored article texts on each Sources page "
                           "(true/false). Off by default: republishing third-party articles "
                           "whole may not be allowed. The texts stay in the repository and every "
                           "check verifies against them either way; the cited passages are shown.")
    copyright: Text | None = Field(None, description="Footer copyright line.")
    site_url: SiteUrl | None = Field(None, description="Public URL of the site (for the feed and JSON-LD).")


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs: the settings and the briefings, in order.

    Attributes:
        config: site_config/site.yaml.
        briefings: Every valid briefing loaded here, in display order (drafts included).
        listed: Every published briefing's listing, in display order, when this site holds
            only some of them (a part of a parallel build, or briefings reused from the build
            cache); None: the listings of ``published``.
        exports: Exports already made (``slug/briefing.json``) of briefings listed but not
            held: a parallel build's process makes them before it lets the models go.
    """

    config: SiteConfig
    briefings: tuple[Briefing, ...]
    listed: tuple[Listing, ...] | None = None
    exports: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def published(self) -> tuple[Briefing, ...]:
        """The briefings held here that readers see (drafts only when ``show_drafts`` is set)."""
        return tuple(b for b in self.briefings
                     if self.config.show_drafts or b.meta.status.value == "published")

    @cached_property
    def listing(self) -> tuple[Listing, ...]:
        """Every published briefing's listing, in display order: what the home page, the
        navigation, ``briefings.json`` and the feed read."""
        if self.listed is not None:
            return self.listed
        return tuple(Listing.of(b) for b in self.published)



# Files content/ may hold beside the briefing folders: notes for editors and the files that
# operating systems and git leave behind. Anything else is reported, never skipped silently.
TOLERATED = frozenset({"README", "README.md", "README.txt", ".gitignore", ".gitkeep", ".DS_Store",
                       "Thumbs.db", "desktop.ini"})
CHECKED_TREES = ("templates", "site_config")  # read or copied by every build


def content_folders(root: Path) -> tuple[list[Path], list[Problem]]:
    """The briefing folders under ``content/``, and a problem for every other entry there.

    A hidden folder, a stray file, a broken link, a link leading outside the project or a
    folder that cannot be listed is reported; the files in ``TOLERATED`` are ignored.
    """
    real = real_root(root)
    content = root / "content"
    try:
        names = list_folder(confine(content, real)) if os.path.lexists(content) else []
    except Refused as exc:
        return [], [exc.problem("content")]
    folders, problems = [], []
    for name in names:
        path, rel = content / name, f"content/{name}"
        try:
            if name in TOLERATED and stat.S_ISREG(os.lstat(path).st_mode):
                continue
            is_dir = os.path.isdir(confine(path, real))
        except Refused as exc:
            problems.append(exc.problem(rel))
            continue
        if name.startswith("."):
            problems.append(Problem(rel, 0, 0, f"hidden {'folder' if is_dir else 'file'} '{name}' "
                                    "in content/ is not read", "a briefing folder's name is a "
                                    "lowercase id; move other files out of content/"))
        elif is_dir:
            folders.append(path)
        else:
            problems.append(Problem(rel, 0, 0, f"'{name}' is not a briefing folder",
                                    "content/ holds one folder per briefing (and README.md); "
                                    "move other files out of it"))
    return folders, problems  # none at all is a new project: its home page says so


def load_config(root: Path) -> tuple[SiteConfig | None, list[Problem], Document | None]:
    """Load and validate ``site_config/site.yaml``; returns the config, problems and document."""
    path = root / CONFIG_FILE
    if not os.path.lexists(path):
        return None, [Problem(CONFIG_FILE, 0, 0, "missing site settings file",
                              "create it with at least title: and description: (or start a new "
                              "project with: briefsite init)")], None
    doc, problems = load_yaml(path, CONFIG_FILE, root=real_root(root))
    if doc is None:
        return None, problems, None
    config, problems = validate(doc, SiteConfig)
    return config, problems, doc


def checked_trees(root: Path) -> list[Problem]:
    """templates/ and site_config/, which every build reads or copies: nothing links outside."""
    return [p for name in CHECKED_TREES for p in check_tree(root / name, real_root(root), name)]


def assemble(config: SiteConfig | None, doc: Document | None, folders: list[Path],
             briefings: list[Briefing], listings: list[Listing] | None = None,
             exports: Mapping[str, str] | None = None) -> tuple[Site | None, list[Problem]]:
    """The site from its settings and checked briefings, in the order the settings give.
    ``listings``: every published briefing's listing, when ``briefings`` are only some of
    them; ``exports``: those made already of briefings not held (``Site.exports``)."""
    if config is None or doc is None:
        return None, []
    known = [f.name for f in folders]
    problems = references(doc, ((("briefing_order", i), s) for i, s in enumerate(config.briefing_order)),
                           "briefing", known)
    order = config.briefing_order
    listed = None if listings is None else tuple(ordered(listings, order))
    return Site(config, tuple(ordered(briefings, order)), listed, exports or {}), problems


class _Orderable(Protocol):
    @property
    def slug(self) -> str: ...

    @property
    def meta(self) -> BriefingMeta: ...


_B = TypeVar("_B", bound=_Orderable)


def ordered(briefings: Sequence[_B], order: list[str]) -> list[_B]:
    """Briefings (or listings) in display order: those ``order`` names in its order, then the
    rest, newest event first."""
    rank = {slug: i for i, slug in enumerate(order)}
    named = sorted((b for b in briefings if b.slug in rank), key=lambda b: rank[b.slug])
    rest = sorted((b for b in briefings if b.slug not in rank),
                  key=lambda b: (b.meta.event_date.sort_key, b.slug), reverse=True)
    return named + rest
