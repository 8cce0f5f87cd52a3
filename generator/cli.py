"""The ``briefsite`` command: a thin adapter over the core stages."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Callable

from . import __version__
from .errors import BriefsiteError, ContentError, Problem

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
               "build problems, 2 usage error.")
    p.add_argument("--version", action="version", version=f"briefsite {__version__}")
    p.add_argument("-C", "--project", type=Path, default=Path("."), metavar="DIR",
                   help="project root holding content/ and site_config/ (default: current directory)")
    p.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("check", help="validate every briefing and verify every citation",
                   description="Validate every briefing and verify every quote and excerpt "
                               "against the stored sources. Prints every problem; exit 1 if any.")
    render = sub.add_parser("render", help="write the Markdown tree (engine-neutral)",
                            description="Check, then write the rendered Markdown pages to DIR.")
    render.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="output folder (replaced as a whole on success)")
    build = sub.add_parser("build", help="check, render and build site/ atomically",
                           description="Check, render and run mkdocs build into a temporary "
                                       "folder; replace the site folder only on success.")
    build.add_argument("--site-dir", type=Path, default=None, metavar="DIR",
                       help="where the built site goes (default: site_dir from mkdocs.yml, site/)")
    build.add_argument("--strict", action=argparse.BooleanOptionalAction, default=True,
                       help="fail on MkDocs warnings (default: on)")
    serve = sub.add_parser("serve", help="preview with live reload",
                           description="Serve the site locally and rebuild when content/, "
                                       "templates/ or site_config/ change.")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                       help="address to serve on (default: 127.0.0.1:8000)")
    return p


@_command
def cmd_check(args: argparse.Namespace) -> int:
    """Run every check and print every problem."""
    from .project import load_site

    started = time.perf_counter()
    site, problems = load_site(args.project)
    if problems:
        _print_problems(problems)
        return 1
    assert site is not None
    facts = sum(len(b.facts) for b in site.briefings)
    cites = sum(len(f.citations) for b in site.briefings for f in b.facts)
    print(f"ok: {len(site.briefings)} briefing(s), {facts} facts, {cites} citations verified "
          f"in {time.perf_counter() - started:.2f}s")
    return 0


@_command
def cmd_render(args: argparse.Namespace) -> int:
    """Write the Markdown tree."""
    from .build import render_to

    count = render_to(args.project, args.out)
    print(f"rendered {count} page(s) to {args.out}")
    return 0


@_command
def cmd_build(args: argparse.Namespace) -> int:
    """Check, render, build and swap in the new site."""
    from .build import build_site

    site_dir = build_site(args.project, site_dir=args.site_dir, strict=args.strict)
    print(f"built {site_dir}")
    return 0


@_command
def cmd_serve(args: argparse.Namespace) -> int:
    """Preview the site."""
    from .build import serve

    serve(args.project, args.dev_addr)
    return 0


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems):
        print(problem.format(), file=sys.stderr)
    files = len({p.path for p in problems})
    print(f"{len(problems)} problem(s) in {files} file(s)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``briefsite`` console script."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s: %(message)s")
    try:
        return _COMMANDS[args.command](args)
    except ContentError as exc:
        _print_problems(exc.problems)
        return 1
    except BriefsiteError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug in briefsite, not the user's mistake
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc}\n"
              "    hint: run again with --debug for a traceback, and report it", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted; the previous site was left as it was", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
