"""``briefsite build``: MkDocs builds into a temporary folder, swapped in only on success.

The plugin runs the pipeline inside the build; every content problem is found in MkDocs'
``on_config``, before MkDocs writes anything, and the temporary folder beside the target is
swapped in (``emit.swap``) only when the whole build succeeded: a failed or interrupted build
leaves the previous site byte-identical and no temporary folders behind.

With ``--jobs N`` (``_build_parallel``) the briefing folders are split into N groups before
anything is loaded (``shard.groups``); group 0 is this process's, the others go to spawned
workers. Each process checks and renders its own group (``pipeline.check_share``) and keeps
only the listings; the problems of every process are reported at once, or the home page is
rendered here and every process builds its part (a whole MkDocs build in which only its own
pages are written), and ``merge.merge_into`` puts the parts together in the temporary folder
before the same swap. ``--shard I/N`` checks and renders everything and builds one part.

With the build cache (``buildcache``, on unless ``cache=False``) every build goes that way: the
briefings whose entry is valid are neither checked nor rendered nor built again (they are
excluded pages, like another part's; their listings come from the entries), their folders and
search entries are merged in, and entries are written for the briefings built.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from multiprocessing import resource_tracker
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import yaml

from . import buildcache, buildkey, emit, merge, outdir, pipeline, shard
from .errors import BriefsiteError, BuildError, ContentError, Problem, user_error
from .listing import Listing
from .paths import Refused
from .pipeline import Rendered, run
from .project import Site, SiteConfig, content_folders
from .render import render_home

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
        if shard_of is not None:
            briefings, pages = _build_shard(root, target, strict, shard_of)
            reused = None
        elif store is not None or shard.job_count(jobs, len(content_folders(root)[0])) > 1:
            briefings, pages, reused = _build_parallel(root, target, strict, jobs, progress, store)
        else:
            briefings, pages = _counts(_build_into(root, target, strict))
            reused = None
        outdir.remember_or_warn(root, target)
    return Built(target, briefings, pages, time.monotonic() - start, reused)


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
    with user_error(root, KEPT), emit.work_folder(target) as tmp:  # a full disk, a read-only folder
        rendered: Rendered = _mkdocs(root, tmp, strict).rendered  # the plugin ran the pipeline
        emit.swap(tmp, target)
        return rendered


def build_part(root: Path, rendered: Rendered, part: shard.Part, dest: Path, strict: bool,
               inputs: str) -> None:
    """MkDocs into ``dest`` (emptied), writing only ``part``'s pages and exports, + manifest."""
    plugin = _mkdocs(root, dest, strict, given=rendered, part=part)
    with user_error(root, KEPT):
        (dest / shard.MANIFEST).write_text(shard.manifest(part, inputs, plugin.page_urls),
                                           encoding="utf-8")


def _mkdocs(root: Path, dest: Path, strict: bool, **settings: Any) -> _Ran:
    """``mkdocs build`` of the project into ``dest``, the plugin driven by briefsite (a
    ``ContentError`` is raised, not logged) with ``settings`` (a part's ``given``, ``part``);
    returns the plugin, as the build left it."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    try:
        with user_error(root, KEPT):  # a full disk, a broken theme override
            config = mkdocs_config(root, dest, strict=strict)
            config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
            try:
                plugin: Any = config.plugins["briefsite"]
                plugin.driven = True
                for name, value in settings.items():
                    setattr(plugin, name, value)
                build(config)
                return _Ran(plugin.rendered, plugin.page_urls)
            finally:
                config.plugins.on_shutdown()  # resets the plugin: what it made was taken above
    except MkDocsException as exc:  # also Abort (a SystemExit): a strict failure
        raise BuildError(f"mkdocs build failed: {exc}; {KEPT}") from None


class _Ran(NamedTuple):
    """What a driven build's plugin held at its end."""

    rendered: Rendered
    page_urls: list[str]


def _slugs(rendered: Rendered) -> list[str]:
    return [b.slug for b in rendered.site.published]


def _build_shard(root: Path, target: Path, strict: bool,
                 shard_of: tuple[int, int]) -> tuple[int, int]:
    with user_error(root, KEPT):
        rendered = run(root)
    part = shard.plan(rendered.pages, _slugs(rendered), shard_of[1])[shard_of[0]]
    with user_error(root, KEPT), emit.work_folder(target) as tmp:
        build_part(root, rendered, part, tmp, strict, shard.input_hash(root))
        emit.swap(tmp, target)
    return len(part.slugs), sum(part.owns(path) for path in rendered.pages)


def _build_parallel(root: Path, target: Path, strict: bool, jobs: int | None,
                    progress: bool, store: buildcache.Store | None = None,
                    ) -> tuple[int, int, int | None]:
    """Check, render and build the briefings not reused from the cache in groups, one per
    process, and merge; returns the briefings, pages and briefings reused (None: no cache)."""
    with user_error(root, KEPT):
        level = pipeline.site_level(root)
        hits = {f.name: e for f in level.folders
                if store is not None and (e := store.lookup(f, root)) is not None}
    stale = [f for f in level.folders if f.name not in hits]
    groups = shard.groups(stale, shard.job_count(jobs, len(stale)))
    # a read-only folder, a full disk; the work folder goes, the workers ended first
    with user_error(root, KEPT), emit.work_folder(target) as work:
        warned = _Collect()  # MkDocs' warnings, also those the workers send back
        logging.getLogger("mkdocs").addHandler(warned)
        workers: list[_Worker] = []
        try:
            folders = [work / f"part-{i}" for i in range(len(groups))]
            for i, group in enumerate(groups[1:], 1):
                _Worker.start(workers, root, _config(level), group, i, len(groups), folders[i],
                              strict)
            rendered, parts = _check(root, level, groups[0], workers, hits)
            if progress and store is not None:
                print(f"build cache: {len(hits)} of {len(rendered.site.listing)} briefings "
                      "reused", file=sys.stderr, flush=True)
            for worker, part in zip(workers, parts[1:], strict=True):
                worker.go(part, rendered.site.listing)
            _build_here(root, rendered, parts[0], folders[0], strict, progress)
            for worker in workers:
                worker.result(progress)
            site = work / "site"
            site.mkdir()
            reused = [e for e in (hits.get(b.slug) for b in rendered.site.listing) if e is not None]
            docs = merge.merge_into(folders, site, move=True,
                                    reused=[(e.site, e.docs) for e in reused])
            emit.swap(site, target)
        finally:
            logging.getLogger("mkdocs").removeHandler(warned)
            for worker in workers:
                worker.end()
    listing = rendered.site.listing
    if store is not None and not warned.records:  # a warning is shown again by the next build
        _save(store, target, docs, [b for b in listing if b.slug not in hits])
    return len(listing), len(rendered.pages), None if store is None else len(reused)


def _check(root: Path, level: pipeline.SiteLevel, group: list[Path], workers: list[_Worker],
           hits: dict[str, buildcache.Entry]) -> tuple[Rendered, list[shard.Part]]:
    """This process's group checked and rendered, the workers' results gathered: the site
    (every problem found by any process raised at once) and the parts to build."""
    env = pipeline.environment(root)
    try:
        with user_error(root, KEPT):
            own, error = pipeline.check_share(root, group, _config(level), env), None
    except BuildError as exc:  # a template error: raised below, after any content problem
        own, error = pipeline.Share([], {}, {}, []), str(exc)
    shares = [(own.problems, own.listings, error)] + [w.checked() for w in workers]
    problems = level.problems + [p for found, _, _ in shares for p in found]
    listings = [b for _, found, _ in shares for b in found] + [e.listing for e in hits.values()]
    site, found = pipeline.assemble(level.config, level.config_doc, level.folders, [], listings,
                                    own.exports)
    problems += found
    if problems or site is None:
        raise ContentError(sorted(set(problems)))
    for _, _, error in shares:
        if error is not None:
            raise BuildError(error)
    with user_error(root, KEPT):
        pages = _pages(site.listing, {**own.pages, **render_home(site, env)})
    every = frozenset(b.slug for b in site.listing)
    parts = [shard.Part(i, len(shares), every & frozenset(f.name for f in g), every)
             for i, g in enumerate([group, *(w.group for w in workers)])]
    return Rendered(site, pages), parts


def _pages(listing: tuple[Listing, ...], own: dict[str, str]) -> dict[str, str]:
    """Every page of the site: this process's with their Markdown, the others' (another
    part's, a reused briefing's, the home page elsewhere) named with none."""
    pages = dict.fromkeys(["index.md", *(p for b in listing for p in b.pages)], "")
    pages.update(own)
    return pages


def _config(level: pipeline.SiteLevel) -> SiteConfig | None:
    """The settings groups are rendered with: none (check only) when the site has problems
    of its own, which fail the build whatever the briefings hold."""
    return level.config if not level.problems else None


def _build_here(root: Path, rendered: Rendered, part: shard.Part, dest: Path, strict: bool,
                progress: bool) -> None:
    dest.mkdir()
    _note(progress, part.index, part.count, "building here")
    # the parts come from this one run and merge here: no input hash to compare them by
    build_part(root, rendered, part, dest, strict, LOCAL_PARTS)
    _note(progress, part.index, part.count, "done")


def _save(store: buildcache.Store, target: Path, docs: list[str] | None,
          built: list[Listing]) -> None:
    """Entries for the briefings built, then the prune; a failure costs only the next build's
    reuse (the site is built and swapped in already)."""
    try:
        store.save(target, docs, built)
        store.prune([b.slug for b in built] + list(store.hits))
    except OSError as exc:
        logging.getLogger("briefsite.build").warning(
            f"could not write the build cache in {store.dir}: {exc.strerror or exc}")


class _Worker:
    """A spawned process building one group of briefings: it checks and renders them, waits
    for the go (with every briefing's listing), then builds its part; the parent terminates
    it if the build ends first."""

    def __init__(self, process: SpawnProcess, conn: Connection, group: list[Path], index: int,
                 count: int) -> None:
        self.process, self.conn, self.group = process, conn, group
        self.index, self.count = index, count

    @classmethod
    def start(cls, workers: list[_Worker], root: Path, config: SiteConfig | None,
              group: list[Path], index: int, count: int, dest: Path, strict: bool) -> None:
        """Start one, added to ``workers`` (which the caller ends, whatever happens next)."""
        context = multiprocessing.get_context("spawn")  # no fork of a process holding MkDocs' state
        mine, theirs = context.Pipe()
        dest.mkdir()
        process = context.Process(target=_work, args=(root, config, group, index, count, dest,
                                                      strict, theirs),
                                  name=f"briefsite-part-{index}")
        # The resource tracker first: starting it unblocks SIGINT and SIGTERM (``ensure_running``
        # unblocks what it blocked, whatever the caller's mask was), which let a Ctrl-C cut the
        # start data half-sent, and the worker died with a traceback.
        resource_tracker.ensure_running()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)  # delivered after the start:
        try:  # never a half-sent start (the worker would die with a traceback, unseen by us)
            process.start()
            workers.append(cls(process, mine, group, index, count))  # before a signal lands
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            theirs.close()

    def _recv(self) -> Any:
        try:
            return self.conn.recv()
        except EOFError:
            raise self._stopped() from None

    def _stopped(self) -> BuildError:
        self.process.join()
        return BuildError(f"the worker building part {self.index} of {self.count} stopped "
                          f"(exit status {self.process.exitcode}); {KEPT}")

    def checked(self) -> tuple[list[Problem], list[Listing], str | None]:
        """Its group's problems, or the listings of its published briefings; or its error."""
        result: tuple[list[Problem], list[Listing], str | None] = self._recv()
        return result

    def go(self, part: shard.Part, listing: tuple[Listing, ...]) -> None:
        try:
            self.conn.send((part, listing))
        except OSError:  # it died after its check
            raise self._stopped() from None

    def result(self, progress: bool) -> None:
        """Its result; its MkDocs warnings are logged here, as a one-process build would."""
        error, records = self._recv()
        for name, level, message in records:
            logging.getLogger(name).log(level, message)
        if error is not None:
            raise BuildError(error)
        _note(progress, self.index, self.count, "done")

    def end(self) -> None:
        """Stop it unless it has ended (its result is in or the build failed: nothing it would
        still do is wanted)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.conn.close()


def _note(progress: bool, index: int, count: int, what: str) -> None:
    if progress:
        print(f"part {index + 1}/{count}: {what}", file=sys.stderr, flush=True)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _work(root: Path, config: SiteConfig | None, group: list[Path], index: int, count: int,
          dest: Path, strict: bool, conn: Connection) -> None:
    """A spawned process (``_Worker``): check and render ``group``, send (problems, listings,
    error); then, at the go, build the part and send back (error or None, the warnings logged)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which ends us
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # blocked since our start (_Worker.start)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    collect = _Collect()
    logging.basicConfig(handlers=[collect], level=logging.WARNING, force=True)
    share = _failing(lambda: pipeline.check_share(root, group, config), root, index, count)
    if isinstance(share, str):
        _send(conn, ([], [], share))
        return
    if not _send(conn, (share.problems, share.listings, None)):
        return
    try:
        go = conn.recv()
    except (EOFError, OSError):  # the parent has ended (it ends us too)
        return
    part, listing = go  # (the go comes only for a site without problems: ``config`` is set)
    assert config is not None
    site = Site(config, (), listing, share.exports)
    pages = _pages(listing, share.pages)
    error = _failing(lambda: build_part(root, Rendered(site, pages), part, dest, strict,
                                        LOCAL_PARTS), root, index, count)
    _send(conn, (error, collect.records))
    conn.close()


def _send(conn: Connection, message: Any) -> bool:
    """Send to the parent; False if it has ended already (an interrupt): nothing to report."""
    try:
        conn.send(message)
    except OSError:
        return False
    return True


_T = TypeVar("_T")


def _failing(step: Callable[[], _T], root: Path, index: int, count: int) -> _T | str:
    """``step()``, or the error message a worker sends back for its failure."""
    try:
        with user_error(root, KEPT):
            return step()
    except BriefsiteError as exc:
        return str(exc)
    except Exception as exc:  # a bug: reported by the parent as a failed build, not lost
        return f"the worker building part {index} of {count} failed: {type(exc).__name__}: {exc}"
