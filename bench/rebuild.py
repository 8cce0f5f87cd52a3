"""Benchmark the build cache: a rebuild after an edit vs a cold one-process build.

    .venv/bin/python bench/rebuild.py --size 300             # ~4 minutes here
    .venv/bin/python bench/rebuild.py --size 30 --profile    # + where a warm rebuild spends

Every build is ``briefsite build --jobs 1 --quiet`` in a fresh interpreter (imports included,
as a user waits for them), timed by wall clock and by CPU time (the children's user + system
time: steadier on a shared machine); the 1-minute load average is taken before each. Steps:
cold (``--no-cache``), fill (a cold build that writes the cache), unchanged (nothing edited),
body (one event's summary of the middle briefing), title (that briefing's title).
``--profile`` then runs one more body-edit rebuild under cProfile, in process.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402


def _build(project: Path, *flags: str) -> dict[str, float]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO)}
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator.cli", "-C", str(project), "build", "--jobs",
                    "1", "--quiet", "--site-dir", str(project.parent / "site"), *flags],
                   env=env, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, "load": load}


def _edit(path: Path, pattern: str, marker: str) -> None:
    text = path.read_text(encoding="utf-8")
    edited = re.sub(pattern, rf'\1"{marker} ', text, count=1)
    assert edited != text, path
    path.write_text(edited, encoding="utf-8")


def measure(project: Path) -> dict[str, dict[str, float]]:
    slugs = sorted(p.name for p in (project / "content").iterdir())
    folder = project / "content" / slugs[len(slugs) // 2]
    steps: dict[str, dict[str, float]] = {}
    steps["cold (--no-cache)"] = _build(project, "--no-cache")
    steps["fill (cold, writes the cache)"] = _build(project)
    steps["unchanged"] = _build(project)
    _edit(folder / "timeline.yaml", r'(  - id: event-0\n    date: [^\n]*\n    summary: )"', "Edited")
    steps["body edit (one event)"] = _build(project)
    _edit(folder / "briefing.yaml", r'(?m)^(title: )"', "Retitled")
    steps["title edit"] = _build(project)
    return steps


def profile(project: Path, top: int) -> str:
    import cProfile
    import io
    import pstats

    from generator.build import build

    slugs = sorted(p.name for p in (project / "content").iterdir())
    _edit(project / "content" / slugs[0] / "timeline.yaml",
          r'(  - id: event-0\n    date: [^\n]*\n    summary: )"', "Profiled")
    prof = cProfile.Profile()
    prof.enable()
    build(project, site_dir=project.parent / "site", jobs=1)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--size", type=int, default=300, help="briefings (default 300)")
    p.add_argument("--work", type=Path, default=BENCH / ".work" / "rebuild")
    p.add_argument("--profile", action="store_true", help="profile one warm rebuild after")
    p.add_argument("--top", type=int, default=30, help="profile lines")
    args = p.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    project = corpus.write_project(args.work / "p", args.size, corpus.DEFAULT_FACTS)
    steps = measure(project)
    cold = steps["cold (--no-cache)"]
    print(f"{args.size} briefings, {os.cpu_count()} CPUs\n")
    print("| build | wall s | CPU s | load | wall ÷ cold | CPU ÷ cold |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in steps.items():
        print(f"| {name} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['load']:.1f} | "
              f"{r['wall_s'] / cold['wall_s']:.3f} | {r['cpu_s'] / cold['cpu_s']:.3f} |")
    if args.profile:
        os.environ["NO_MKDOCS_2_WARNING"] = "1"
        print("\n" + profile(project, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
