"""What every briefsite site needs from MkDocs, as plain data the plugin applies.

A project's ``mkdocs.yml`` needs only ``theme: material`` and ``plugins: [briefsite]``: the
plugin adds the Markdown extensions the pages are written for, the shipped theme overrides
(behind the project's own ``custom_dir``), the shipped CSS, ``navigation.prune``, no Google
Fonts and search. Anything the project sets itself is kept; what the pages cannot do without
(the theme, an extension) is checked again once every plugin and hook has run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pymdownx.slugs import slugify

THEME = "material"
CSS = "assets/briefsite.css"
# navigation.prune: pages carry only their own briefing's navigation; navigation.footer:
# previous/next within the briefing (the shipped footer override); content.footnote.tooltips:
# a reference's preview on hover or tap.
FEATURES = ("navigation.prune", "navigation.footer", "content.footnote.tooltips")
SEARCH = ("search", "material/search")
# Material's default font is loaded from Google Fonts: a third-party request on every page.
THIRD_PARTY_FONT = {"text": "Roboto", "code": "Roboto Mono"}
_HERE = Path(__file__).parent


def extensions() -> dict[str, dict[str, Any]]:
    """The Markdown extensions the pages are written for, with their default settings.

    ``toc`` slugs with ``pymdownx.slugs`` so that headings in any script get stable ids.
    """
    return {"admonition": {}, "attr_list": {}, "footnotes": {}, "tables": {},
            "toc": {"permalink": True, "slugify": slugify(case="lower")}}


def overrides_dir() -> Path:
    """The shipped theme overrides: inside the wheel, or this repository's site_config/overrides."""
    packaged = _HERE / "_overrides"
    return packaged if packaged.is_dir() else _HERE.parent / "site_config" / "overrides"


def css_file() -> Path:
    """The shipped stylesheet (charts, tables, accessibility fixes)."""
    packaged = _HERE / "_assets" / "briefsite.css"
    return packaged if packaged.is_file() else _HERE.parent / "site_config" / "docs" / CSS


def css_text() -> str:
    """The shipped stylesheet as pages load it: comments (its documentation, half its gzipped
    weight) removed and whitespace collapsed, so every page's first load stays in budget."""
    text = re.sub(r"/\*.*?\*/", "", css_file().read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"\s*\n\s*", "\n", text).strip() + "\n"


@dataclass
class Additions:
    """What the plugin adds to a project's MkDocs settings (nothing it already has)."""

    extensions: list[str] = field(default_factory=list)
    extension_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    no_font: bool = False
    overrides: Path | None = None  # inserted right after the project's custom_dir
    css: str | None = None
    search: bool = False


def additions(*, theme: str | None, extensions_used: list[str], settings: dict[str, dict[str, Any]],
              features: list[str], font: Any, custom_dir: str | None, extra_css: list[str],
              plugins: list[str]) -> Additions:
    """What to add to the settings described by the arguments (mkdocs.yml's names).

    Raises:
        ValueError: The theme is not Material for MkDocs (the overrides and pages need it).
    """
    theme_problem = wrong_theme(theme)
    if theme_problem:
        raise ValueError(theme_problem)
    out = Additions()
    for name, defaults in extensions().items():
        if name not in extensions_used:
            out.extensions.append(name)
        missing = {k: v for k, v in defaults.items() if k not in settings.get(name, {})}
        if missing:
            out.extension_settings[name] = missing
    out.features = [f for f in FEATURES if f not in features]
    out.no_font = font == THIRD_PARTY_FONT
    shipped = overrides_dir()
    if custom_dir is None or Path(custom_dir).resolve() != shipped.resolve():
        out.overrides = shipped
    out.css = None if CSS in extra_css else CSS
    out.search = not any(name in plugins for name in SEARCH)
    return out


def wrong_theme(theme: str | None) -> str:
    """Why the theme cannot build briefsite pages, or ``""``."""
    if theme == THEME:
        return ""
    return (f"the briefsite plugin needs the theme '{THEME}' (Material for MkDocs), but mkdocs.yml "
            f"sets '{theme}'; set theme: name: {THEME}")


def still_missing(theme: str | None, extensions_used: list[str]) -> list[str]:
    """What the pages need but the final settings lack (after every plugin and hook ran)."""
    missing = [wrong_theme(theme)] if wrong_theme(theme) else []
    missing += [f"the Markdown extension '{name}' was removed, but briefing pages need it; "
                f"keep '{name}' in markdown_extensions" for name in extensions()
                if name not in extensions_used]
    return missing
