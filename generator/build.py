"""``briefsite build``: MkDocs builds into a temporary folder, swapped in only on success.

The plugin runs the pipeline inside the build; every content problem is found in MkDocs'
``on_config``, before MkDocs writes anything, and the temporary folder beside the target is
swapped in (``emit.swap``) only when the whole build succeeded: a failed or interrupted build
leaves the previous site byte-identical and no temporary folders behind.

With ``--jobs N`` the pipeline runs once here, ``shard.plan`` splits the briefings into N
parts, part 0 is built in this process and the others in spawned workers (each a whole MkDocs
build in which only its own pages are written), and ``merge.merge_into`` puts them together
in the temporary folder before the same swap. ``--shard I/N`` builds one part into its folder.

With the build cache (``buildcache``, on unless ``cache=False``) every build goes that way: the
briefings whose entry is valid are neither checked nor rendered nor built again (they are
excluded pages, like another part's), their folders and search entries are merged in, and
entries are written for the briefings built.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import sys
import time
from dataclasses import replace
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from . import buildcache, buildkey, emit, merge, outdir, shard
from .errors import BriefsiteError, BuildError, user_error
from .paths import Refused
from .pipeline import Rendered, run
from .project import content_folders

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess

    from mkdocs.config.defaults import MkDocsConfig


_STOPS = {signal.SIGINT, signal.SIGTERM}


class Built(NamedTuple):
    """What a build made: where, how many briefings and pages (for the summary line), and
    how many briefings came from the build cache (None: the cache was not used)."""

    target: Path
    briefings: int
    pages: int
    seconds: float
    reused: int | None = None

KEPT = "the previous site was left as it was"
LOCAL_PARTS = "parts of one local build"  # their manifests' inputs: ``shard.input_hash`` is for --shard


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


def build_site(root: Path, *, site_dir: Path | None = None, strict: bool = True,
               jobs: int | None = 1, shard_of: tuple[int, int] | None = None,
               cache: bool = True) -> Path:
    """Build the site into ``site_dir`` (relative: to ``root``; default: mkdocs.yml's).

    The folder must be one briefsite may replace (see ``outdir``); builds of one project run
    one at a time. ``jobs``: processes (None: ``shard.job_count``'s default); ``shard_of``:
    ``(i, n)`` builds only part ``i`` of ``n`` (a folder for ``briefsite merge``); ``cache``:
    use the build cache (``buildcache``).
    """
    return build(root, site_dir=site_dir, strict=strict, jobs=jobs, shard_of=shard_of,
                 cache=cache).target


def build(root: Path, *, site_dir: Path | None = None, strict: bool = True,
          jobs: int | None = None, shard_of: tuple[int, int] | None = None,
          progress: bool = False, cache: bool = True) -> Built:
    """``build_site``, saying what was built. ``cache``: reuse and write the build cache
    (``--shard`` builds without it); False reads and writes nothing of it."""
    start = time.monotonic()
    root = root.resolve()
    probe = mkdocs_config(root)
    target = outdir.resolve(root, site_dir) if site_dir else Path(probe.site_dir).resolve()
    with outdir.lock(root):
        outdir.check(root, target, "--site-dir" if site_dir else "site_dir in mkdocs.yml")
        outdir.remove_leftovers(target)
        store = _store(root, probe) if cache and shard_of is None else None
        reused = None
        if shard_of is not None:
            counts = _build_shard(root, target, strict, shard_of)
        elif store is not None or shard.job_count(jobs, len(content_folders(root)[0])) > 1:
            rendered = _build_parallel(root, target, strict, jobs, progress, store)
            counts = _counts(rendered)
            reused = None if store is None else len(store.reused(rendered.site))
        else:
            counts = _counts(_build_into(root, target, strict))
        outdir.remember_or_warn(root, target)
    return Built(target, *counts, time.monotonic() - start, reused)


def _store(root: Path, config: MkDocsConfig) -> buildcache.Store | None:
    """The build cache for this build's inputs (None, with a warning, if they cannot be read)."""
    hooks = [Path(module.__file__) for module in config["hooks"].values()
             if getattr(module, "__file__", None)]
    folders = [Path(config.docs_dir)] + ([Path(config.theme.custom_dir)]
                                         if config.theme.custom_dir else [])
    modules = [type(plugin).__module__ for plugin in config.plugins.values()]
    try:
        return buildcache.Store(root, buildkey.shared_key(root, folders, hooks, modules))
    except (Refused, OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        logging.getLogger("briefsite.build").warning(
            f"building without the build cache: cannot hash the inputs ({exc})")
        return None


def _counts(rendered: Rendered) -> tuple[int, int]:
    return len(rendered.site.published), len(rendered.pages)


def _build_into(root: Path, target: Path, strict: bool) -> Rendered:
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
                rendered: Rendered = config.plugins["briefsite"].rendered  # type: ignore[attr-defined]
            finally:
                config.plugins.on_shutdown()
            emit.swap(tmp, target)
            return rendered
    except MkDocsException as exc:  # also Abort (a SystemExit): a strict failure
        raise BuildError(f"mkdocs build failed: {exc}; {KEPT}") from None
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def build_part(root: Path, rendered: Rendered, part: shard.Part, dest: Path, strict: bool,
               inputs: str) -> None:
    """MkDocs into ``dest`` (emptied), writing only ``part``'s pages and exports, + manifest."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    try:
        with user_error(root, KEPT):
            config = mkdocs_config(root, dest, strict=strict)
            config.plugins.on_startup(command="build", dirty=False)
            try:
                plugin: Any = config.plugins["briefsite"]
                plugin.driven, plugin.given, plugin.part = True, rendered, part
                build(config)
                urls = plugin.page_urls
            finally:
                config.plugins.on_shutdown()
            (dest / shard.MANIFEST).write_text(shard.manifest(part, inputs, urls), encoding="utf-8")
    except MkDocsException as exc:
        raise BuildError(f"mkdocs build failed: {exc}; {KEPT}") from None


def _slugs(rendered: Rendered) -> list[str]:
    return [b.slug for b in rendered.site.published]


def _build_shard(root: Path, target: Path, strict: bool,
                 shard_of: tuple[int, int]) -> tuple[int, int]:
    with user_error(root, KEPT):
        rendered = run(root)
    part = shard.plan(rendered.pages, _slugs(rendered), shard_of[1])[shard_of[0]]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = emit.new_folder(target.parent, f".{target.name}.new-")
    try:
        build_part(root, rendered, part, tmp, strict, shard.input_hash(root))
        emit.swap(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return len(part.slugs), sum(part.owns(path) for path in rendered.pages)


def _build_parallel(root: Path, target: Path, strict: bool, jobs: int | None,
                    progress: bool, store: buildcache.Store | None = None) -> Rendered:
    with user_error(root, KEPT):
        rendered = run(root, store)  # check once, render once (what the cache lacks)
    reused = store.reused(rendered.site) if store is not None else []
    parts = _plan(rendered, {e.briefing.slug for e in reused}, jobs)
    if progress and store is not None:
        print(f"build cache: {len(reused)} of {len(_slugs(rendered))} briefings reused",
              file=sys.stderr, flush=True)
    with user_error(root, KEPT):  # a read-only folder, a full disk
        target.parent.mkdir(parents=True, exist_ok=True)
        work = emit.new_folder(target.parent, f".{target.name}.new-")  # a leftover if killed
    warned = _Collect()  # MkDocs' warnings, also those the workers send back
    logging.getLogger("mkdocs").addHandler(warned)
    try:
        # the parts come from this one run and merge here: no input hash to compare them by
        folders = _build_parts(root, rendered, parts, work, strict, progress, LOCAL_PARTS)
        with user_error(root, KEPT):
            site = work / "site"
            site.mkdir()
            docs = merge.merge_into(folders, site, move=True,
                                    reused=[(e.site, e.docs) for e in reused])
            emit.swap(site, target)
    finally:
        logging.getLogger("mkdocs").removeHandler(warned)
        shutil.rmtree(work, ignore_errors=True)
    if store is not None and not warned.records:  # a warning is shown again by the next build
        _save(store, target, docs, rendered)
    return rendered


def _build_parts(root: Path, rendered: Rendered, parts: list[shard.Part], work: Path,
                 strict: bool, progress: bool, inputs: str) -> list[Path]:
    """Each part into its folder under ``work``: part 0 here, the others in workers."""
    workers: list[tuple[SpawnProcess, Connection]] = []
    try:
        folders = [work / f"part-{p.index}" for p in parts]
        for folder in folders:
            folder.mkdir()
        for part, folder in zip(parts[1:], folders[1:], strict=True):
            _start(workers, root, rendered, part, folder, strict, inputs)
        _note(progress, parts[0], "building here")
        build_part(root, rendered, parts[0], folders[0], strict, inputs)
        _note(progress, parts[0], "done")
        for part, (process, conn) in zip(parts[1:], workers, strict=True):
            _wait(part, process, conn, progress)
        return folders
    finally:
        for process, _ in workers:
            if process.is_alive():
                process.terminate()
            process.join()


def _plan(rendered: Rendered, reused: set[str], jobs: int | None) -> list[shard.Part]:
    """The parts that build the briefings not reused (and, in part 0, the site-wide files);
    every part knows every published briefing (the reused ones are excluded pages)."""
    stale = [slug for slug in _slugs(rendered) if slug not in reused]
    pages = {p: t for p, t in rendered.pages.items() if p.split("/", 1)[0] not in reused}
    every = frozenset(_slugs(rendered))
    return [replace(p, briefings=every)
            for p in shard.plan(pages, stale, shard.job_count(jobs, len(stale)))]


def _save(store: buildcache.Store, target: Path, docs: list[Any] | None,
          rendered: Rendered) -> None:
    """Entries for the briefings built, then the prune; a failure costs only the next build's
    reuse (the site is built and swapped in already)."""
    try:
        store.save(target, docs, rendered.pages, rendered.site)
        store.prune(rendered.site)
    except OSError as exc:
        logging.getLogger("briefsite.build").warning(
            f"could not write the build cache in {store.dir}: {exc.strerror or exc}")


def _start(workers: list[tuple[SpawnProcess, Connection]], root: Path, rendered: Rendered,
           part: shard.Part, dest: Path, strict: bool, inputs: str) -> None:
    context = multiprocessing.get_context("spawn")  # no fork of a process holding MkDocs' state
    mine, theirs = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(root, rendered, part, dest, strict, inputs,
                                                    theirs), name=f"briefsite-part-{part.index}")
    # The resource tracker first: starting it unblocks SIGINT and SIGTERM (``ensure_running``
    # unblocks what it blocked, whatever the caller's mask was), which let a Ctrl-C cut the
    # start data half-sent, and the worker died with a traceback.
    resource_tracker.ensure_running()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # delivered after the start:
    try:  # never a half-sent start (the worker would die with a traceback, unseen by us)
        process.start()
        workers.append((process, mine))  # ended by the caller, whatever happens next
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        theirs.close()


def _wait(part: shard.Part, process: SpawnProcess, conn: Connection, progress: bool) -> None:
    """The worker's result; its MkDocs warnings are logged here, as a one-process build would."""
    try:
        error, records = conn.recv()
    except EOFError:
        process.join()
        raise BuildError(f"the worker building part {part.index} of {part.count} stopped "
                         f"(exit status {process.exitcode}); {KEPT}") from None
    for name, level, message in records:
        logging.getLogger(name).log(level, message)
    if error is not None:
        raise BuildError(error)
    _note(progress, part, "done")


def _note(progress: bool, part: shard.Part, what: str) -> None:
    if progress:
        print(f"part {part.index + 1}/{part.count} ({len(part.slugs)} briefings): {what}",
              file=sys.stderr, flush=True)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _worker(root: Path, rendered: Rendered, part: shard.Part, dest: Path, strict: bool,
            inputs: str, conn: Connection) -> None:
    """A spawned process: build one part; send back (error or None, the warnings logged)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which ends us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked since our start (see _start)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    collect = _Collect()
    logging.basicConfig(handlers=[collect], level=logging.WARNING, force=True)
    error: str | None = None
    try:
        build_part(root, rendered, part, dest, strict, inputs)
    except BriefsiteError as exc:
        error = str(exc)
    except Exception as exc:  # a bug: reported by the parent as a failed build, not lost
        error = f"the worker building part {part.index} failed: {type(exc).__name__}: {exc}"
    conn.send((error, collect.records))
    conn.close()
