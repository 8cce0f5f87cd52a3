"""The keys of the build cache: a hash of everything a briefing's built pages depend on.

A briefing's pages, search entries and ``briefing.json`` depend only on its own folder
(``content/<slug>/**``: its YAML and stored texts) and on what every page shares: the
project's and the shipped templates, theme overrides and CSS, ``site_config/`` (site.yaml),
mkdocs.yml (normalised: comments and layout aside, ``!ENV`` values resolved, ``INHERIT``
followed), the plugins it lists and their versions, hook files, and the versions of Python,
briefsite (and the bytes of its package), MkDocs, Material, Python-Markdown,
pymdown-extensions, Jinja, pydantic and PyYAML. ``shared_key`` hashes the shared part once per
build; ``briefing_key`` adds one briefing's folder. No MkDocs import: ``build.py`` passes what
it read from the loaded config.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from .mkdocs_defaults import css_file, overrides_dir
from .paths import Refused, files_under, real_root
from .render import default_templates

FORMAT = 2  # of the cache's entries and keys; bump to invalidate every entry
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pydantic",
            "pyyaml")
KNOWN = {"generator": "briefsite", "material": "mkdocs-material", "mkdocs": "mkdocs"}  # above
PROJECT_TREES = ("templates", "site_config")
_PACKAGE = Path(__file__).resolve().parent


def version(name: str) -> str:
    """The installed version of the distribution ``name`` (``-`` if it is not installed)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def versions(plugin_modules: Iterable[str] = ()) -> list[str]:
    """Python's, briefsite's and every package's version that the built pages depend on, and
    the distributions of the plugins' modules (a plugin not from a distribution: its module)."""
    found = [f"python {sys.version}", f"briefsite {__version__}"]
    found += [f"{name} {version(name)}" for name in PACKAGES]
    dists: Mapping[str, list[str]] | None = None
    for module in sorted({m.split(".", 1)[0] for m in plugin_modules} - set(KNOWN)):
        if dists is None:  # slow (~0.5 s): only for a plugin of another distribution
            dists = metadata.packages_distributions()
        names = dists.get(module, [])
        found += [f"plugin {module}: {n} {version(n)}" for n in sorted(names)] or [f"plugin {module}"]
    return found


class Hasher:
    """SHA-256 over named, length-prefixed chunks (no two inputs hash alike by concatenation)."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def add(self, name: str, data: bytes) -> None:
        for chunk in (name.encode("utf-8", "surrogateescape"), data):
            self._digest.update(len(chunk).to_bytes(8, "big"))
            self._digest.update(chunk)

    def tree(self, label: str, top: Path, root: Path) -> None:
        """Every regular file under ``top`` (names and bytes); ``Refused`` as ``files_under``."""
        for rel, path in sorted(files_under(top, root)):
            if "__pycache__" not in rel:
                self.add(f"{label}/{rel}", path.read_bytes())

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def normalised_yaml(path: Path, depth: int = 0) -> Any:
    """mkdocs.yml as plain data from its node tree: tags kept, values of ``!ENV`` resolved,
    mapping keys sorted (list order kept: the plugin list's order counts), ``INHERIT``
    followed; comments, quoting and layout do not count."""
    node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    data = _plain(node)
    if depth < 8 and isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "INHERIT" and isinstance(value, yaml.ScalarNode):
                data = [data, normalised_yaml(path.parent / value.value, depth + 1)]
    return data


def _plain(node: yaml.Node | None) -> Any:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        env = ([os.environ.get(name) for name in node.value.split()]
               if node.tag == "!ENV" else None)
        return [node.tag, node.value, env]
    if isinstance(node, yaml.SequenceNode):
        if node.tag == "!ENV":
            return [node.tag, [os.environ.get(n.value) for n in node.value]]
        return [node.tag, [_plain(item) for item in node.value]]
    pairs = [[_plain(k), _plain(v)] for k, v in node.value]
    return [node.tag, sorted(pairs, key=repr)]


def shared_key(root: Path, folders: Iterable[Path] = (), files: Iterable[Path] = (),
               plugin_modules: Iterable[str] = ()) -> str:
    """The hash of what every page shares (see the module's docstring). ``folders``: the
    config's docs_dir and theme custom_dir; ``files``: its hook files (any place in the
    project). Raises ``Refused`` (a link leading outside) or ``OSError`` (unreadable)."""
    h = Hasher()
    h.add("format", str(FORMAT).encode())
    for line in versions(plugin_modules):
        h.add("version", line.encode("utf-8"))
    base = real_root(root)
    h.tree("briefsite", _PACKAGE, _PACKAGE)
    for label, top in (("shipped-templates", default_templates()),
                       ("shipped-overrides", overrides_dir())):
        h.tree(label, top, top.resolve())
    h.add("shipped-css", css_file().read_bytes())
    for name in PROJECT_TREES:
        h.tree(name, root / name, base)
    for folder in sorted({Path(os.path.abspath(f)) for f in folders}):
        h.tree(f"folder {folder}", folder, base)
    for file in sorted({Path(os.path.abspath(f)) for f in files}):
        h.add(f"file {file}", file.read_bytes())
    h.add("mkdocs.yml", repr(normalised_yaml(root / "mkdocs.yml")).encode("utf-8"))
    return h.hexdigest()


def briefing_key(shared: str, folder: Path, root: Path) -> str | None:
    """The key of the briefing in ``folder``: ``shared`` + its name + every file under it
    (names and bytes); None if the folder cannot be hashed (it is then loaded and built
    without the cache, and its problems reported as usual)."""
    h = Hasher()
    h.add("shared", shared.encode())
    h.add("briefing", folder.name.encode("utf-8", "surrogateescape"))
    try:
        h.tree("content", folder, real_root(root))
    except (Refused, OSError):
        return None
    return h.hexdigest()
