"""``briefsite build --engine zensical``: the same pages and exports, built by Zensical.

Zensical (the successor of Material for MkDocs) reads ``mkdocs.yml`` but runs no MkDocs
plugin, so briefsite does the plugin's work itself: it checks and renders the project
(``pipeline.run``), writes the Markdown tree with the exports and assets (``emit.tree_files``)
into a work folder beside the target, generates the ``mkdocs.yml`` Zensical needs there (the
project's theme and Markdown settings, the briefsite defaults of ``mkdocs_defaults``, the site
settings and navigation of ``render.mkdocs_settings``), runs ``python -m zensical build`` in a
subprocess with a timeout, writes the exports into the built site and swaps it in
(``emit.swap``) only when all of that succeeded. An adapter: it never imports MkDocs.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from . import emit, mkdocs_defaults, outdir
from .build import KEPT, Built
from .chars import for_terminal
from .errors import BuildError, user_error
from .export import each_file
from .paths import MAX_ASSET_BYTES, files_under, read_bytes, real_root
from .pipeline import Rendered, run
from .project import Site
from .render import mkdocs_settings

VERSION = "0.0.73"  # the newest that installs without zensical-ui (not on every index)
INSTALL_HINT = (f"install it with: pip install 'briefsite[zensical]' (Zensical {VERSION}), "
                "or build with the default engine: briefsite build")
TIMEOUT = 900  # seconds for one Zensical build
# What a project's mkdocs.yml may set for Zensical; the rest (plugins, hooks, validation,
# docs_dir, nav) belongs to MkDocs or is set by briefsite.
CARRIED = ("theme", "extra_css", "extra_javascript", "extra", "markdown_extensions", "site_url",
           "site_author", "repo_url", "repo_name", "edit_uri")
# toc's slugify in the form Zensical resolves (mkdocs_defaults has the callable itself).
_ERROR_CLASS = re.compile(r"^(?:[A-Za-z_][\w.]*)?(?:Error|Exception): ")
_PROGRESS = ("Build started", "Build finished", "No issues found")
SLUGIFY = {"object": "pymdownx.slugs.slugify", "kwds": {"case": "lower"}}


def installed() -> bool:
    """Whether the ``zensical`` package can be run by this Python."""
    return importlib.util.find_spec("zensical") is not None


def build_site(root: Path, *, site_dir: Path | None = None, strict: bool = True) -> Built:
    """Build the site with Zensical into ``site_dir`` (relative: to ``root``; default: the
    ``site_dir`` of the project's mkdocs.yml, else ``site``), under the same rules as
    ``build.build_site``: one build at a time, swapped in only on success."""
    if not installed():
        raise outdir.UsageError(f"--engine zensical: the zensical package is not installed; "
                                f"{INSTALL_HINT}")
    start = time.monotonic()
    root = root.resolve()
    project = project_settings(root)
    target = outdir.resolve(root, site_dir or project.get("site_dir") or "site")
    with outdir.lock(root):
        outdir.check(root, target, "--site-dir" if site_dir else "site_dir in mkdocs.yml")
        outdir.remove_leftovers(target)
        rendered = _build_into(root, project, target, strict)
        outdir.remember_or_warn(root, target)
    return Built(target, len(rendered.site.published), len(rendered.pages),
                 time.monotonic() - start)


def _build_into(root: Path, project: dict[str, Any], target: Path, strict: bool) -> Rendered:
    with user_error(root, KEPT):  # a full disk, an unreadable override
        rendered = run(root)  # ContentError: printed as path:line:col, nothing written
        with emit.work_folder(target) as work:
            files = emit.tree_files(root, rendered)
            if mkdocs_defaults.CSS not in files:  # the shipped stylesheet, as the plugin adds it
                files[mkdocs_defaults.CSS] = read_bytes(mkdocs_defaults.css_file(), MAX_ASSET_BYTES)
            emit.write_files(work / "docs", sorted(files.items()))
            custom = _write_overrides(root, project, work / "overrides")
            config = zensical_config(rendered.site, project, docs_dir="docs", custom_dir=custom)
            (work / "mkdocs.yml").write_text(dump(config), encoding="utf-8")
            run_zensical(work, strict)
            emit.write_files(work / "site", each_file(rendered.site))  # as the plugin does
            emit.swap(work / "site", target)
            return rendered


def project_settings(root: Path) -> dict[str, Any]:
    """The project's mkdocs.yml as plain data (``{}`` without one); ``!ENV`` resolved,
    ``!!python/object/apply`` kept as the ``{object, kwds}`` form Zensical resolves."""
    path = root / "mkdocs.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise BuildError(f"{where}: {exc.problem or exc.context}; {KEPT}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise BuildError(f"{path}: cannot be read: {exc}; {KEPT}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BuildError(f"{path}:1:1: mkdocs.yml must hold settings (a mapping); {KEPT}")
    return data


class _Loader(yaml.SafeLoader):
    """Safe loading plus the two tags a mkdocs.yml commonly holds."""


def _python_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    if suffix.startswith("object/apply:") and isinstance(node, yaml.MappingNode):
        kwds = loader.construct_mapping(node, deep=True).get("kwds") or {}
        return {"object": suffix.split(":", 1)[1], "kwds": kwds}
    raise yaml.constructor.ConstructorError(
        None, None, f"Zensical builds cannot carry the tag !!python/{suffix}; remove it or build "
        "with the default engine", node.start_mark)


def _env_tag(loader: _Loader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``, as MkDocs reads them."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)  # type: ignore[arg-type]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    return next((os.environ[n] for n in names if isinstance(n, str) and n in os.environ), default)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _python_tag)
_Loader.add_constructor("!ENV", _env_tag)


def zensical_config(site: Site, project: dict[str, Any], *, docs_dir: str,
                    custom_dir: str | None = None) -> dict[str, Any]:
    """The mkdocs.yml Zensical builds the rendered tree with: ``project``'s own settings (see
    ``CARRIED``), what the pages need (``mkdocs_defaults``) and the site settings, escaped as
    the plugin sets them. Raises ``BuildError`` for a theme other than Material."""
    theme = _theme(project.get("theme"), custom_dir)
    settings = mkdocs_settings(site)
    theme["language"] = settings.pop("language")
    css = list(project.get("extra_css") or [])
    config: dict[str, Any] = {key: project[key] for key in CARRIED if key in project}
    config.update({
        **{key: str(value) if key == "site_name" else value for key, value in settings.items()},
        "docs_dir": docs_dir,
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": theme,
        "extra_css": css + ([] if mkdocs_defaults.CSS in css else [mkdocs_defaults.CSS]),
        "markdown_extensions": _extensions(project.get("markdown_extensions") or []),
    })
    return config


def _theme(given: Any, custom_dir: str | None) -> dict[str, Any]:
    theme = dict(given) if isinstance(given, dict) else {"name": given or mkdocs_defaults.THEME}
    problem = mkdocs_defaults.wrong_theme(theme.get("name"))
    if problem:
        raise BuildError(f"mkdocs.yml: {problem.replace('the briefsite plugin', 'briefsite')}; {KEPT}")
    features = list(theme.get("features") or [])
    theme["features"] = features + [f for f in mkdocs_defaults.FEATURES if f not in features]
    if theme.get("font", mkdocs_defaults.THIRD_PARTY_FONT) == mkdocs_defaults.THIRD_PARTY_FONT:
        theme["font"] = False  # Zensical, like Material, would load the font from Google
    theme.pop("custom_dir", None)
    if custom_dir:
        theme["custom_dir"] = custom_dir
    return theme


def _extensions(given: list[Any]) -> list[Any]:
    """The project's Markdown extensions plus the ones the pages need (and their settings)."""
    named: dict[str, dict[str, Any]] = {}
    for item in given:
        name, value = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        named[str(name)] = dict(value or {})
    for name, defaults in mkdocs_defaults.extensions().items():
        if name == "toc":
            defaults = {**defaults, "slugify": SLUGIFY}
        named[name] = {**defaults, **named.get(name, {})}
    return [{name: value} if value else name for name, value in named.items()]


def _write_overrides(root: Path, project: dict[str, Any], folder: Path) -> str:
    """The shipped theme overrides with the project's ``custom_dir`` over them (as the plugin
    orders them), copied to ``folder``; returns its name for ``custom_dir``."""
    shipped = mkdocs_defaults.overrides_dir()
    files = dict(files_under(shipped, shipped.resolve()))
    theme = project.get("theme")
    own = theme.get("custom_dir") if isinstance(theme, dict) else None
    if own:
        files.update(files_under(root / own, real_root(root)))
    emit.write_files(folder, ((rel, read_bytes(path, MAX_ASSET_BYTES))
                              for rel, path in sorted(files.items())))
    folder.mkdir(exist_ok=True)
    return folder.name


def dump(config: dict[str, Any]) -> str:
    """mkdocs.yml text of ``config`` (``yaml.safe_dump``: never templated from content)."""
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def run_zensical(work: Path, strict: bool) -> None:
    """``python -m zensical build`` in ``work``; a ``BuildError`` with its output on failure."""
    command = [sys.executable, "-m", "zensical", "build", "--clean", "-f", "mkdocs.yml"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        result = subprocess.run(command + (["--strict"] if strict else []), cwd=work, env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                errors="replace", timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise BuildError(f"zensical build did not finish within {TIMEOUT} s; {KEPT}") from None
    except OSError as exc:
        raise BuildError(f"cannot run zensical: {exc.strerror or exc}; {KEPT}") from None
    if result.returncode != 0 or not (work / "site" / "index.html").is_file():
        said = "\n".join(f"    {for_terminal(line)}" for line in said_by(result.stdout + result.stderr))
        raise BuildError(f"zensical build failed (exit {result.returncode}):\n{said or '    (no output)'}\n"
                         f"    hint: {KEPT}; --engine mkdocs (the default) builds the same pages")


def said_by(output: str, limit: int = 20) -> list[str]:
    """What Zensical said, without the frames of a Python traceback (its last line, the
    error itself, is kept without the exception's class name); at most ``limit`` lines."""
    kept: list[str] = []
    in_traceback = False
    for line in output.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
        elif in_traceback and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        elif line.strip() and not line.startswith(_PROGRESS):
            in_traceback = False
            kept.append(_ERROR_CLASS.sub("", line))
    return kept[-limit:]
