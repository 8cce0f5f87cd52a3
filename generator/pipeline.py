"""The pipeline: load → validate → verify → render, as two flat functions (the map).

Every adapter calls them: ``briefsite check`` calls ``load_site``; ``briefsite render``, the
MkDocs plugin (and so ``mkdocs build``, ``briefsite build --jobs 1 --no-cache``, ``--shard``
and ``serve``) call ``run`` and emit its pages their own way (a folder of Markdown, or MkDocs'
generated files). ``cache`` is the optional
incremental layer (``Reuse``): serve passes a ``cache.SiteCache`` so that an edit reloads and
re-renders only what changed; ``check`` passes none.

A parallel build (``build.py``) runs the same stages split up: ``site_level`` in the main
process, ``check_share`` in every process for its own group of briefings, then ``assemble`` of
the settings, the briefings held here and every briefing's listing (``listing.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple, Protocol

from jinja2 import Environment

from .briefing import Briefing, load_briefing
from .errors import ContentError, Problem
from .export import briefing_json
from .listing import Listing
from .load import Document
from .project import Site, SiteConfig, assemble, checked_trees, content_folders, load_config
from .render import environment, render_briefing, render_site


class Reuse(Protocol):
    """What an incremental layer provides: ``load_briefing`` and ``render_site`` that may
    reuse earlier results."""

    def load(self, folder: Path, root: Path) -> tuple[Briefing | None, list[Problem]]: ...

    def render(self, site: Site, env: Environment) -> dict[str, str]: ...


class Rendered(NamedTuple):
    """The checked site and its pages, ``{"kursk/who.md": markdown}``."""

    site: Site
    pages: dict[str, str]


def load_site(root: Path, cache: Reuse | None = None,
              progress: Callable[[int, int, int], None] | None = None) -> tuple[Site | None, list[Problem]]:
    """Load, validate and verify the whole project: the site, or ``None`` and every problem.

    ``progress(briefings done, briefings in all, problems so far)`` is called after each briefing.
    """
    config, config_doc, folders, problems = site_level(root)
    briefings, found = _load(folders, root, cache, progress, len(problems))
    problems += found
    site, found = assemble(config, config_doc, folders, briefings)  # settings + order
    problems += found
    if problems or site is None:
        return None, sorted(set(problems))  # a file can fail its tree's check and its load alike
    return site, []


def _load(folders: list[Path], root: Path, cache: Reuse | None = None,
          progress: Callable[[int, int, int], None] | None = None, earlier: int = 0,
          ) -> tuple[list[Briefing], list[Problem]]:
    """Each folder's briefing (load YAML → validate models → verify citations) and problems;
    ``progress`` counts the ``earlier`` problems too."""
    briefings, problems = [], []
    for done, folder in enumerate(folders, 1):
        briefing, found = cache.load(folder, root) if cache else load_briefing(folder, root)
        problems += found
        if briefing is not None:
            briefings.append(briefing)
        if progress:
            progress(done, len(folders), earlier + len(problems))
    return briefings, problems


class SiteLevel(NamedTuple):
    """What is checked once per site: the settings, the briefing folders and the trees."""

    config: SiteConfig | None
    config_doc: Document | None
    folders: list[Path]
    problems: list[Problem]


def site_level(root: Path) -> SiteLevel:
    """site_config/site.yaml, the folders under content/ and the checked trees, with their problems."""
    config, problems, config_doc = load_config(root)  # site_config/site.yaml
    folders, found = content_folders(root)  # one folder per briefing; anything else reported
    problems += found
    problems += checked_trees(root)  # templates/, site_config/: nothing linked from outside
    return SiteLevel(config, config_doc, folders, problems)


class Share(NamedTuple):
    """One process's group of briefings in a parallel build, checked and (without problems)
    rendered: the listings, pages and exports (``slug/briefing.json``) of the published ones.
    The verified models are not kept: nothing after this reads more than their listings."""

    listings: list[Listing]
    pages: dict[str, str]
    exports: dict[str, str]
    problems: list[Problem]


def check_share(root: Path, folders: list[Path], config: SiteConfig | None,
                env: Environment | None = None) -> Share:
    """Load, validate and verify the briefings in ``folders``, then render their pages."""
    briefings, problems = _load(folders, root)
    if problems or config is None:
        return Share([], {}, {}, problems)
    site = Site(config, tuple(briefings))
    env = env or environment(root)
    pages, exports = {}, {}
    for briefing in site.published:
        pages.update(render_briefing(briefing, site, env))
        exports[f"{briefing.slug}/briefing.json"] = briefing_json(briefing, config)
    return Share(list(site.listing), pages, exports, [])


def run(root: Path, cache: Reuse | None = None) -> Rendered:
    """Check everything, then render every page; ``ContentError`` carries every problem."""
    site, problems = load_site(root, cache)
    if site is None:
        raise ContentError(problems)
    env = environment(root)  # templates/ shadow the shipped defaults
    templates = getattr(cache, "templates", None)  # serve keeps compiled templates
    if templates is not None:
        env.bytecode_cache = templates
    pages = cache.render(site, env) if cache else render_site(site, env)
    return Rendered(site, pages)
