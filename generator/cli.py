"""The ``briefsite`` command: a thin adapter over the core stages.

Over 300 lines on purpose: the argument parser (whose help texts are the command's
documentation, checked by tests/test_cli.py) and one short function per command read best
side by side; each command's work is in its core module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .chars import for_terminal
from .errors import BriefsiteError, ContentError, Problem
from .outdir import UsageError
from .progress import ProgressLine, on_terminal

_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def _command(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    _COMMANDS[func.__name__.removeprefix("cmd_")] = func
    return func


def parser() -> argparse.ArgumentParser:
    """The argument parser (also used by the docs test)."""
    p = argparse.ArgumentParser(
        prog="briefsite",
        description="Check curated briefing facts against their sources and build the static site.",
        epilog="Errors are printed as path:line:col: message. Exit status: 0 ok, 1 content or "
               "build problems, 2 usage error, 3 internal error, 130 interrupted (Ctrl-C), "
               "143 terminated (SIGTERM); an interrupted build leaves the previous site as it was.")
    p.add_argument("--version", action="version", version=f"briefsite {__version__}")
    p.add_argument("-C", "--project", type=Path, default=None, metavar="DIR",
                   help="project root holding content/ and site_config/ (default: the nearest "
                        "folder at or above the current one with a mkdocs.yml that uses the "
                        "briefsite plugin, or a site_config/site.yaml)")
    p.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate every briefing and verify every citation",
                           description="Validate every briefing and verify every quote and excerpt "
                                       "against the stored sources. Prints every problem; exit 1 "
                                       "if any. Warnings are printed as 'warning:' and do not "
                                       "change the exit status unless --strict. On a terminal "
                                       "(not in CI) a long check shows its progress on one line.")
    check.add_argument("--strict", action="store_true",
                       help="exit 1 on warnings too (for CI)")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="print nothing when every check passes (no ok line); problems and "
                            "warnings are still printed")
    render = sub.add_parser("render", help="write the Markdown tree (engine-neutral)",
                            description="Check, then write the rendered Markdown pages to DIR.")
    render.add_argument("--out", type=_out_dir, required=True, metavar="DIR",
                        help="output folder, replaced as a whole on success. " + _OUT_RULES)
    build = sub.add_parser("build", help="check, render and build site/ atomically",
                           description="Check, render and run mkdocs build (or zensical build, "
                                       "--engine zensical) into a temporary folder; replace the "
                                       "site folder only on success.")
    build.add_argument("--site-dir", type=_out_dir, default=None, metavar="DIR",
                       help="where the built site goes (default: site_dir from mkdocs.yml, "
                            "site/). " + _OUT_RULES)
    build.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True,
                       help="fail on MkDocs (or Zensical) warnings (default: on)")
    build.add_argument("--engine", choices=("mkdocs", "zensical"), default="mkdocs",
                       help="mkdocs (default): MkDocs with Material and the briefsite plugin; "
                            "zensical: Zensical 0.0.73 builds the same pages and briefsite "
                            "writes the same exports (needs: pip install 'briefsite[zensical]'; "
                            "exit 2 without it; Zensical builds in its own threads, so --jobs and "
                            "--shard do not apply). Theme overrides Zensical does not honour are listed "
                            "in docs/toolkit.md")
    build.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                       help="build in N processes, each a disjoint group of briefings, and merge "
                            "them into a site byte-identical to a one-process build (default: "
                            "the usable CPUs, at most one per 8 briefings; 1: one process)")
    build.add_argument("--shard", type=_shard, default=None, metavar="I/N",
                       help="build only part I of N (0 <= I < N) into --site-dir, for "
                            "'briefsite merge' (shards may run on separate machines)")
    build.add_argument("--cache", action=argparse.BooleanOptionalAction, default=True,
                       help="reuse the built pages, search entries and listings of "
                            "briefings unchanged since an earlier build, kept in "
                            ".briefsite-cache/build/ (default: on; an entry is used only when "
                            "its hashes match, else rebuilt); --no-cache builds everything and "
                            "neither reads nor writes the cache. --shard and --engine zensical "
                            "build without it")
    build.add_argument("--quiet", "-q", action="store_true",
                       help="print nothing when the build succeeds (no summary line)")
    merge = sub.add_parser("merge", help="combine the parts of a sharded build into one site",
                           description="Combine the folders that 'briefsite build --shard I/N' "
                                       "wrote (all N of them, from the same inputs and "
                                       "briefsite) into one site, replaced as a whole; parts "
                                       "that do not belong together are refused (exit 2).")
    merge.add_argument("parts", nargs="+", type=Path, metavar="PART",
                       help="a folder written by 'briefsite build --shard I/N'")
    merge.add_argument("--site-dir", type=_out_dir, required=True, metavar="DIR",
                       help="where the merged site goes. " + _OUT_RULES)
    merge.add_argument("--quiet", "-q", action="store_true",
                       help="print nothing when the merge succeeds")
    serve = sub.add_parser("serve", help="preview with live reload",
                           description="Serve the site locally and rebuild when content/, "
                                       "templates/ or site_config/ change.")
    serve.add_argument("--dev-addr", type=_dev_addr, default="127.0.0.1:8000", metavar="HOST:PORT",
                       help="address to serve on, port 1-65535 (default: 127.0.0.1:8000)")
    init = sub.add_parser("init", help="start a new project in DIR",
                          description="Create a project that checks, builds and publishes as it "
                                      "is: content/, site_config/site.yaml, mkdocs.yml, "
                                      "requirements.txt (this briefsite, pinned), a GitHub Pages "
                                      "workflow, schema/, .gitignore and a README with next "
                                      "steps. Never overwrites a file (exit 2).")
    init.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                      help="folder for the project, new or existing (default: the current "
                           "folder; a relative DIR is taken from the -C folder)")
    init.add_argument("--example", action="store_true",
                      help="add one small example briefing built from an invented article")
    _toolkit_parsers(sub)
    return p


def _toolkit_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    schema = sub.add_parser("schema", help="write the JSON Schema of every content file",
                            description="Generate schema/<name>.schema.json from the content "
                                        "model (briefing, sources, actors, timeline, figures, "
                                        "quotes, reactions, site) for editor completion.")
    schema.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="folder for the schema files (default: schema/ in the project)")
    schema.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a file is missing or out of date")
    new = sub.add_parser("new", help="start a draft briefing that passes check",
                         description="Create content/SLUG/ with a draft briefing.yaml dated "
                                     "today, sources.yaml and a placeholder stored text.")
    new.add_argument("slug", metavar="SLUG", help="the briefing's id and folder name, e.g. kursk")
    new.add_argument("--title", default=None, help="headline (default: the slug in words)")
    extract = sub.add_parser("extract", help="list quotes, numbers and dates in an article",
                             description="List every direct quotation (with its speaker where "
                                         "the sentence names one), number and date expression "
                                         "in a stored article, each with its line number and a "
                                         "YAML snippet whose excerpt verifies.")
    extract.add_argument("article", type=Path, metavar="ARTICLE", help="stored article (.txt)")
    extract.add_argument("--format", choices=("text", "yaml"), default="text",
                         help="text: readable listing (default); yaml: only the snippets, as "
                              "one YAML document")
    extract.add_argument("--source", default=None, metavar="ID",
                         help="source id for the citations (default: the id sources.yaml gives "
                              "the article, else one made from its file name)")
    extract.add_argument("--date", type=_day, default=None, metavar="YYYY-MM-DD",
                         help="the article's date, to resolve Monday, in January … (default: "
                              "its published date in sources.yaml, if a day)")


_OUT_RULES = ("A relative DIR is taken from the -C folder. Accepted: a new or empty folder, or "
              "one briefsite or MkDocs wrote before; refused: the project folder or any folder "
              "above it, anything inside content/, templates/, site_config/ or .git, an empty "
              "path, a file, and a folder holding other files.")


def _out_dir(value: str) -> Path:
    if not value.strip():
        raise argparse.ArgumentTypeError("an empty path names no folder; give the output folder")
    return Path(value)


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes >= 1, got {value!r}")
    return int(value)


def _shard(value: str) -> tuple[int, int]:
    index, _, count = value.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 0 <= int(index) < int(count):
        raise argparse.ArgumentTypeError(f"expected I/N with 0 <= I < N (e.g. 0/2), got {value!r}")
    return int(index), int(count)


def _dev_addr(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")  # [::1]:8000
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:8000)")
    return host, int(port)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a day; write YYYY-MM-DD") from None


@_command
def cmd_check(args: argparse.Namespace) -> int:
    """Run every check and print every problem."""
    from .pipeline import load_site
    from .publishing import unrecorded_changes

    started = time.perf_counter()
    line = ProgressLine(sys.stderr, enabled=_on_terminal() and not args.quiet)
    try:
        site, problems = load_site(args.project, progress=line.update)
    finally:
        line.clear()  # problems are printed at the end, sorted, on a clean line
    if problems:
        _print_problems(problems)
        return 1
    assert site is not None
    warnings = [w for b in site.briefings for w in b.warnings] + unrecorded_changes(
        args.project, [(b.slug, b.meta) for b in site.briefings if b.meta.status.value == "published"])
    if warnings:
        _print_problems(warnings, "warning(s)")
        if args.strict:
            return 1
    if args.quiet:
        return 0
    if not site.briefings:
        print("note: no briefings yet; start one with: briefsite new SLUG", file=sys.stderr)
    facts = sum(len(b.facts) for b in site.briefings)
    cites = sum(len(f.citations) for b in site.briefings for f in b.facts)
    print(f"ok: {len(site.briefings)} briefing(s), {facts} facts, {cites} citations verified "
          f"in {time.perf_counter() - started:.2f}s")
    return 0


@_command
def cmd_init(args: argparse.Namespace) -> int:
    """Start a new project."""
    from .starter import init

    folder = args.project / args.dir
    init(folder, example=args.example)
    print(f"created a briefsite project in {folder}; next: see {folder / 'README.md'}")
    return 0


@_command
def cmd_render(args: argparse.Namespace) -> int:
    """Write the Markdown tree."""
    from .emit import render_to
    from .outdir import resolve

    count = render_to(args.project, args.out)
    print(f"rendered {count} page(s) to {resolve(args.project, args.out)}")
    return 0


@_command
def cmd_build(args: argparse.Namespace) -> int:
    """Check, render, build and swap in the new site."""
    from .build import build

    if args.engine == "zensical":
        if args.shard is not None or args.jobs is not None:
            raise UsageError("--jobs and --shard build with MkDocs; --engine zensical builds "
                             "the whole site in one run (Zensical uses its own threads)")
        from .zensical_build import build_site
        built = build_site(args.project, site_dir=args.site_dir, strict=args.strict)
    else:
        if args.shard is not None and args.site_dir is None:
            raise UsageError("--shard needs --site-dir: each shard's part goes to its own folder")
        built = build(args.project, site_dir=args.site_dir, strict=args.strict, jobs=args.jobs,
                      shard_of=args.shard, progress=_on_terminal() and not args.quiet,
                      cache=args.cache)
    if not args.quiet:
        what = "" if args.shard is None else f"part {args.shard[0]}/{args.shard[1]}: "
        reuse = ("" if built.reused is None else
                 f" ({built.briefings - built.reused} rebuilt, {built.reused} reused)")
        print(f"built {what}{_n(built.briefings, 'briefing')}{reuse}, {_n(built.pages, 'page')} in "
              f"{built.seconds:.1f} s → {_shown(built.target)}")
    return 0


@_command
def cmd_merge(args: argparse.Namespace) -> int:
    """Combine the parts of a sharded build."""
    from .merge import merge_site

    start = time.monotonic()
    target, briefings, pages = merge_site(args.project, args.parts, args.site_dir)
    if not args.quiet:
        print(f"merged {len(args.parts)} parts: {_n(briefings, 'briefing')}, {_n(pages, 'page')} in "
              f"{time.monotonic() - start:.1f} s → {_shown(target)}")
    return 0


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _on_terminal() -> bool:
    """Progress lines only for a person watching: stderr is a terminal and this is not CI."""
    return on_terminal(sys.stderr)


def _shown(path: Path) -> str:
    """``site/`` if under the current folder, else the absolute path."""
    try:
        return f"{path.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{path}/"


@_command
def cmd_serve(args: argparse.Namespace) -> int:
    """Preview the site."""
    from .devserver import serve

    host, port = args.dev_addr
    serve(args.project, host, port)  # until Ctrl-C (exit 130) or SIGTERM (143)
    return 0


@_command
def cmd_schema(args: argparse.Namespace) -> int:
    """Write or check the JSON Schema files."""
    from . import schema

    out = args.out or args.project / "schema"
    if args.check:
        stale = schema.stale(out)
        for name in stale:
            print(f"{out / name}: out of date", file=sys.stderr)
        if stale:
            print(f"hint: run briefsite schema --out {out}", file=sys.stderr)
            return 1
        print(f"ok: {len(schema.rendered())} schema files in {out} match the model")
        return 0
    changed = schema.write(out)
    print(f"wrote {len(changed)} of {len(schema.rendered())} schema files to {out}")
    return 0


@_command
def cmd_new(args: argparse.Namespace) -> int:
    """Scaffold a draft briefing."""
    from .scaffold import new_briefing

    folder = new_briefing(args.project, args.slug, args.title)
    print(f"created {folder} (status: draft); next: store articles in {folder / 'sources'}, "
          "list them in sources.yaml, then run briefsite check")
    return 0


@_command
def cmd_extract(args: argparse.Namespace) -> int:
    """List candidate facts in a stored article."""
    from . import extract, scaffold
    from .load import read_text

    text, problem = read_text(args.article, str(args.article))
    if problem is not None:
        _print_problems([problem])
        return 1
    assert text is not None
    listed, published = extract.source_for(args.article)
    source = args.source or listed or extract.slugify(args.article.stem, "article")
    ref = args.date or published
    found = scaffold.items(extract.extract(text, ref), source)
    counts = ", ".join(f"{sum(c.kind == k for c, _ in found)} {k}s" for k in ("quote", "number", "date"))
    header = (f"{args.article}: {counts} (source id: {source}; article date: "
              f"{ref.isoformat() if ref else 'unknown, relative dates unresolved'})")
    print(scaffold.as_yaml(found, header) if args.format == "yaml" else scaffold.as_text(found, header),
          end="")
    return 0


def _print_problems(problems: list[Problem], what: str = "problem(s)") -> None:
    for problem in sorted(problems):
        print(problem.format(), file=sys.stderr)
    files = len({p.path for p in problems})
    print(f"{len(problems)} {what} in {files} file(s)", file=sys.stderr)


class Terminated(BaseException):
    """SIGTERM (a CI job cancelled, ``kill``): unwinds like Ctrl-C, so no temp folder is left."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``briefsite`` console script."""
    args = parser().parse_args(argv)
    _find_project(args)
    _configure_logging(args)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    try:
        return _run(args)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _find_project(args: argparse.Namespace) -> None:
    """Without -C: the project the current folder is in (init: the current folder itself).

    Relative output folders stay relative to the current folder, as the docs say."""
    if args.project is not None:
        return
    from .project import find_root

    found = None if args.command == "init" else find_root(Path.cwd())
    args.project = Path(os.path.relpath(found)) if found else Path(".")  # paths print as typed
    for name in ("out", "site_dir", "dir"):
        value = getattr(args, name, None)
        if isinstance(value, Path) and not value.is_absolute() and found is not None:
            setattr(args, name, Path.cwd() / value)
    if getattr(args, "parts", None) and found is not None:
        args.parts = [Path.cwd() / part for part in args.parts]


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a plain StreamHandler keeps the stream
    it was made with: when one process runs several commands, as tests do, output went astray)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _configure_logging(args: argparse.Namespace) -> None:
    """The one place that configures logging: MkDocs' warnings (and, serving, its progress
    lines) on stderr, not its info chatter; no end-of-life banner from Material."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    logger = logging.getLogger("mkdocs")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    serving = args.command == "serve"  # "Serving on …", rebuilds
    logger.setLevel(logging.DEBUG if args.debug else logging.INFO if serving else logging.WARNING)


_KEPT = "the previous site was left as it was"
_LEFT = {"serve": "stopped serving"}  # what an interrupted command leaves, if not _KEPT


def _run(args: argparse.Namespace) -> int:
    try:
        return _COMMANDS[args.command](args)
    except ContentError as exc:
        _print_problems(exc.problems)
        return 1
    except BriefsiteError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return int(getattr(exc, "status", 1))  # 2: a refused argument (outdir.UsageError)
    except Exception as exc:  # a bug in briefsite, not the user's mistake
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {for_terminal(str(exc))}\n"
              "    hint: run again with --debug for a traceback, and report it", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print(f"interrupted; {_LEFT.get(args.command, _KEPT)}", file=sys.stderr)
        return 130
    except Terminated:
        print(f"terminated; {_LEFT.get(args.command, _KEPT)}", file=sys.stderr)
        return 128 + signal.SIGTERM


if __name__ == "__main__":
    sys.exit(main())
