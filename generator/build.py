"""``briefsite build``: MkDocs builds into a temporary folder, swapped in only on success.

The plugin runs the pipeline inside the build; every content problem is found in MkDocs'
``on_config``, before MkDocs writes anything, and the temporary folder beside the target is
swapped in (``emit.swap``) only when the whole build succeeded: a failed or interrupted build
leaves the previous site byte-identical and no temporary folders behind.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import emit, outdir
from .errors import BuildError, user_error

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

KEPT = "the previous site was left as it was"


def mkdocs_config(root: Path, site_dir: Path | None = None, *, strict: bool | None = None,
                  kept: str = KEPT) -> MkDocsConfig:
    """mkdocs.yml of the project, with the briefsite plugin in it (else a ``BuildError``)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"{config_file} not found")
    overrides: dict[str, Any] = {} if site_dir is None else {"site_dir": str(site_dir)}
    if strict is not None:
        overrides["strict"] = strict
    try:
        config = load_config(str(config_file), **overrides)
    except MkDocsException as exc:  # a broken mkdocs.yml is the project's, not briefsite's
        raise BuildError(f"mkdocs.yml: {exc}; {kept}") from None
    if "briefsite" not in config.plugins:
        raise BuildError(f"mkdocs.yml does not enable the briefsite plugin, so no briefing would "
                         f"be built; add '- briefsite' under 'plugins:' in {config_file}; {kept}")
    return config


def build_site(root: Path, *, site_dir: Path | None = None, strict: bool = True) -> Path:
    """Build the site into ``site_dir`` (relative: to ``root``; default: mkdocs.yml's).

    The folder must be one briefsite may replace (see ``outdir``); builds of one project run
    one at a time.
    """
    root = root.resolve()
    probe = mkdocs_config(root)
    target = outdir.resolve(root, site_dir) if site_dir else Path(probe.site_dir).resolve()
    with outdir.lock(root):
        outdir.check(root, target, "--site-dir" if site_dir else "site_dir in mkdocs.yml")
        outdir.remove_leftovers(target)
        _build_into(root, target, strict)
        outdir.remember_or_warn(root, target)
    return target


def _build_into(root: Path, target: Path, strict: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    tmp = None
    try:
        with user_error(root, KEPT):  # a full disk, a broken theme override
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = emit.new_folder(target.parent, f".{target.name}.new-")
            config = mkdocs_config(root, tmp, strict=strict)
            config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
            try:
                config.plugins["briefsite"].driven = True  # type: ignore[attr-defined]  # ContentError raised
                build(config)
            finally:
                config.plugins.on_shutdown()
            emit.swap(tmp, target)
    except MkDocsException as exc:  # also Abort (a SystemExit): a strict failure
        raise BuildError(f"mkdocs build failed: {exc}; {KEPT}") from None
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
