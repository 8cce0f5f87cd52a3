"""Render to disk, build atomically, serve. The only module that drives MkDocs.

``build_site`` checks and renders everything in memory, runs ``mkdocs build`` into a
temporary folder beside the target, and swaps it in only when the build succeeded: a failed
or interrupted build leaves the previous site byte-identical and no temporary folders behind.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError

from . import outdir
from .cache import SiteCache
from .errors import BuildError
from .escape import UnsafeURL
from .export import generated_files
from .paths import MAX_ASSET_BYTES, files_under, read_bytes, real_root

log = logging.getLogger("mkdocs.plugins.briefsite")


def write_tree(pages: dict[str, str | bytes], out: Path) -> None:
    """Write ``pages`` as a fresh folder ``out``, replacing it whole only when all are written."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_folder(out.parent, f".{out.name}.new-")
    try:
        for rel, text in sorted(pages.items()):
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(text, encoding="utf-8")
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def render_to(root: Path, out: Path) -> int:
    """``briefsite render``: check, render and write the Markdown tree (plus static assets and
    the exports: JSON files and feed.xml) to ``out`` (relative: to ``root``), if allowed there."""
    root = root.resolve()
    target = outdir.resolve(root, out)
    with outdir.lock(root):
        outdir.check(root, target, "--out")
        outdir.remove_leftovers(target)
        count = _render_to(root, target)
        _remember(root, target)
    return count


def _render_to(root: Path, out: Path) -> int:
    try:
        site, pages = SiteCache(root).render()
        assets = root / "site_config" / "docs"
        files: dict[str, str | bytes] = {**pages, **generated_files(site)}
        for rel, path in files_under(assets, real_root(root)):  # nothing from outside the project
            files[rel] = read_bytes(path, MAX_ASSET_BYTES)  # images too
        write_tree(files, out)
    except (OSError, TemplateError, UnsafeURL) as exc:
        raise _user_error(exc, root, f"{out} was left as it was") from None
    return len(pages)


def _mkdocs_config(root: Path, site_dir: Path | None, strict: bool, kept: str):  # type: ignore[no-untyped-def]
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    config_file = root / "mkdocs.yml"
    if not config_file.is_file():
        raise BuildError(f"{config_file} not found")
    overrides = {} if site_dir is None else {"site_dir": str(site_dir)}
    try:
        config = load_config(str(config_file), strict=strict, **overrides)
    except MkDocsException as exc:  # a broken mkdocs.yml is the project's, not briefsite's
        raise BuildError(f"mkdocs.yml: {exc}; {kept}") from None
    if "briefsite" not in config.plugins:
        raise BuildError(f"mkdocs.yml does not enable the briefsite plugin, so no briefing would "
                         f"be built; add '- briefsite' under 'plugins:' in {config_file}; {kept}")
    return config


def build_site(root: Path, *, site_dir: Path | None = None, strict: bool = True,
               cache: SiteCache | None = None) -> Path:
    """``briefsite build``: check → render → mkdocs build into a temp folder → swap.

    ``site_dir`` (relative: to ``root``) overrides ``site_dir`` of mkdocs.yml; either must be a
    folder briefsite may replace (see ``outdir``). Builds of one project run one at a time.
    """
    root = root.resolve()
    cache = cache or SiteCache(root)
    kept = "the previous site was left as it was"
    probe = _mkdocs_config(root, None, strict, kept)  # site_dir as mkdocs.yml says
    target = outdir.resolve(root, site_dir) if site_dir else Path(probe.site_dir).resolve()
    with outdir.lock(root):
        outdir.check(root, target, "--site-dir" if site_dir else "site_dir in mkdocs.yml")
        outdir.remove_leftovers(target)
        try:
            cache.render()  # every content problem is raised here, before anything is written
        except (OSError, TemplateError, UnsafeURL) as exc:
            raise _user_error(exc, root, kept) from None
        _build_into(root, target, strict, cache, kept)
        _remember(root, target)
    return target


def _build_into(root: Path, target: Path, strict: bool, cache: SiteCache, kept: str) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = _new_folder(target.parent, f".{target.name}.new-")
        config = _mkdocs_config(root, tmp, strict, kept)
        config.plugins["briefsite"].cache = cache
        config.plugins["briefsite"].driven = True  # build_site records the output itself
        _quiet_mkdocs()
        build(config)
        _swap(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, MkDocsException):  # also Abort (a SystemExit): a strict failure
            raise BuildError(f"mkdocs build failed: {exc}; {kept}") from None
        if isinstance(exc, (OSError, TemplateError, UnsafeURL)):  # a full disk, a broken theme
            raise _user_error(exc, root, kept) from None
        raise


def _remember(root: Path, target: Path) -> None:
    try:
        outdir.remember(root, target)
    except OSError as exc:  # the output is written; only the next build's check loses it
        log.warning(f"could not record {target} in {root / outdir.CACHE}: {exc.strerror or exc}")


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty, uniquely named folder with a new folder's usual permissions.

    (``tempfile.mkdtemp`` makes it 0700, and it becomes the site: a web server running as
    another user could not read it.)
    """
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue


def _user_error(exc: BaseException, root: Path, kept: str) -> BuildError:
    """A fault of the project's templates or of the machine, reported as such (exit 1), not as
    an internal error of briefsite."""
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return BuildError(f"{exc.strerror or exc}{where}; {kept}")
    return BuildError(f"template error{_template_line(exc, root)}: {str(exc).rstrip('.')}; {kept}")


def _template_line(exc: BaseException, root: Path) -> str:
    """`` at templates/who.md.j2:5`` for the innermost template frame (Jinja rewrites the
    traceback so that template frames carry the template's file name and line)."""
    filename, line = None, None
    if isinstance(exc, TemplateSyntaxError):
        filename, line = exc.filename, exc.lineno
    else:
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".j2", ".html")) and Path(name).is_file():
                filename, line = name, tb.tb_lineno
            tb = tb.tb_next
    if filename is None:
        return ""
    path = Path(filename).resolve()
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else filename
    return f" at {shown}:{line}"


def _swap(new: Path, target: Path) -> None:
    """Put ``new`` where ``target`` is, keeping the old one until the new one is in place."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    try:
        if old is not None:
            os.rename(target, old / target.name)
        os.rename(new, target)
    except BaseException:
        if old is not None:
            if not target.exists():
                os.rename(old / target.name, target)
            shutil.rmtree(old, ignore_errors=True)  # also when moving the old site aside failed
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a plain StreamHandler keeps the stream
    it was made with: when one process runs several builds, as tests do, output went astray)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _quiet_mkdocs() -> None:
    """Show MkDocs warnings, not its info chatter, when run from the briefsite command."""
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def serve(root: Path, dev_addr: str) -> None:
    """``briefsite serve`` on ``HOST:PORT`` (see ``devserver``; kept for bench/run.py)."""
    from .devserver import serve as dev_serve

    host, _, port = dev_addr.rpartition(":")
    dev_serve(root, host.strip("[]"), int(port))


def allow_dirty_builds() -> None:
    """Silence MkDocs' warning about dirty builds (it would abort every rebuild under strict).

    The plugin marks the pages of unchanged briefings unmodified and makes the rebuild full
    whenever another page could go stale, so the stale navigation it warns about cannot occur.
    """
    build_log = logging.getLogger("mkdocs.commands.build")
    if _not_dirty_warning not in build_log.filters:
        build_log.addFilter(_not_dirty_warning)


def _not_dirty_warning(record: logging.LogRecord) -> bool:
    return not record.getMessage().startswith("A 'dirty' build is being performed")
