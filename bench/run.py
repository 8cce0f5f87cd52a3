"""Benchmark check, render, build and serve on generated corpora; write bench/RESULTS.md.

    make bench                                   # full run: 10, 30, 90, 300 briefings, 3 runs each
    .venv/bin/python bench/run.py --quick        # 10 and 30 briefings, 1 run, no serve (~1 min)
    .venv/bin/python bench/run.py --sizes 30,90 --repeat 5 --stages check,build
    .venv/bin/python bench/run.py --stages serve --serve-size 100

Every measurement runs in a fresh child interpreter (``run.py --child STAGE PROJECT``) so that
its peak memory (``ru_maxrss``) is its own and no cache survives between runs. The child times
only the stage, after its imports; the median of ``--repeat`` runs is reported, with the 1-minute
load average before each run (the machine is shared: compare runs made at low load).

Stages:
  check   load + validate + verify every briefing (what ``briefsite check`` does)
  render  Jinja → Markdown for every page, on an already checked site
  build   ``generator.build.build_site`` (check + render + mkdocs build + swap), split into
          content (check + render), MkDocs reading pages (Markdown → HTML), MkDocs writing pages
          (theme templates), and the rest
  mkdocs  the baseline: plain ``mkdocs build`` of the same rendered pages with the same theme,
          overrides and extensions, no briefsite plugin (rendering is untimed setup)
  serve   a real ``generator.devserver.serve`` subprocess on 127.0.0.1: a briefing of a
          ``--serve-size`` site is edited (its body, then its title, ``--serve-edits`` times
          each) and its page is polled over HTTP until it shows the edit; the server's CPU
          seconds and the load average are recorded with each edit

Results go between the markers in bench/RESULTS.md (the analysis around them is kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
STAGES = ("check", "render", "build", "mkdocs", "serve")


# --------------------------------------------------------------------------- child side

def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(stage: str, project: Path, opts: dict) -> dict:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    started = time.perf_counter()
    try:
        from generator.pipeline import load_site
    except ImportError:  # a checkout from before pipeline.py (compare mode)
        from generator.project import load_site  # type: ignore[attr-defined,no-redef]
    from generator.render import environment, render_site

    if stage == "build":
        import material  # noqa: F401
        import mkdocs.commands.build  # noqa: F401

        import generator.build  # noqa: F401  (mkdocs is imported lazily by build_site)
    imports = time.perf_counter() - started
    out: dict = {"imports_s": imports, "rss_after_imports_mb": _rss_mb()}

    cpu0 = time.process_time()
    if stage == "check":
        t0 = time.perf_counter()
        site, problems = load_site(project)
        out["seconds"] = time.perf_counter() - t0
        if problems or site is None:
            raise SystemExit(f"corpus has problems: {problems[:3]}")
        out["facts"] = sum(len(b.facts) for b in site.briefings)
        out["citations"] = sum(len(f.citations) for b in site.briefings for f in b.facts)
    elif stage == "render":
        site, problems = load_site(project)
        if problems or site is None:
            raise SystemExit(f"corpus has problems: {problems[:3]}")
        env = environment(project)
        t0, cpu0 = time.perf_counter(), time.process_time()
        pages = render_site(site, env)
        out["seconds"] = time.perf_counter() - t0
        out["pages"] = len(pages)
        out["markdown_mb"] = sum(len(p.encode("utf-8")) for p in pages.values()) / 1e6
    elif stage == "build":
        out.update(_timed_build(project, opts))
    elif stage == "mkdocs":
        out.update(_plain_mkdocs(project))
    # CPU time of the stage (steadier than wall time); a stage with untimed setup gives its own
    out["cpu_s"] = out.pop("cpu_s_stage", time.process_time() - cpu0)
    out["peak_rss_mb"] = _rss_mb()                # when other work shares the cores
    # the largest of the processes it started (--jobs N: the build's workers), 0 without any
    out["workers_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return out


def _timed_build(project: Path, opts: dict) -> dict:
    """build_site with a split of where the time goes (wrappers only; nothing else changes)."""
    import mkdocs.commands.build as mb

    from generator import build as gb
    from generator import plugin

    spent = {"content_s": 0.0, "mkdocs_read_s": 0.0, "mkdocs_write_s": 0.0}

    def timed(func, key):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            t = time.perf_counter()
            try:
                return func(*a, **k)
            finally:
                spent[key] += time.perf_counter() - t
        return wrapper

    if hasattr(plugin, "run"):  # the pipeline, as the plugin calls it
        plugin.run = timed(plugin.run, "content_s")
    else:  # a checkout from before pipeline.py (compare mode)
        from generator.cache import SiteCache
        SiteCache.render = timed(SiteCache.render, "content_s")  # type: ignore[method-assign]
    mb._populate_page = timed(mb._populate_page, "mkdocs_read_s")
    mb._build_page = timed(mb._build_page, "mkdocs_write_s")
    site_dir = Path(opts.get("site_dir") or tempfile.mkdtemp(prefix="bench-site-")) / "site"
    t0 = time.perf_counter()
    import inspect
    cold = {"cache": False} if "cache" in inspect.signature(gb.build_site).parameters else {}
    if "jobs" in inspect.signature(gb.build_site).parameters:  # bench/run.py --jobs
        cold["jobs"] = int(os.environ.get("BENCH_JOBS", "1"))
    gb.build_site(project, site_dir=site_dir, **cold)  # a cold build, whatever a cache holds
    total = time.perf_counter() - t0
    pages = list(site_dir.rglob("*.html"))
    out = {"seconds": total, **spent,
           "other_s": total - sum(spent.values()),
           "html_pages": len(pages),
           "html_mb": sum(p.stat().st_size for p in pages) / 1e6,
           "site_mb": sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file()) / 1e6}
    shutil.rmtree(site_dir.parent, ignore_errors=True)
    return out


def _plain_mkdocs(project: Path) -> dict:
    """The baseline: plain ``mkdocs build`` of the same pages, without the briefsite plugin.

    Untimed setup: ``briefsite render`` writes the Markdown tree (pages, CSS, exports), and the
    project's mkdocs.yml is loaded with that tree as docs_dir, the navigation and site settings
    the plugin would set, and ``search`` as the only plugin: the same theme, overrides,
    extensions and pages. Timed: ``mkdocs build`` (``on_startup`` … ``on_shutdown``, as its
    command line runs it).
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.emit import render_to
    from generator.pipeline import load_site
    from generator.render import mkdocs_settings

    work = Path(tempfile.mkdtemp(prefix="bench-plain-"))
    try:
        render_to(project, work / "docs")
        site, _ = load_site(project)
        assert site is not None
        settings = {k: (str(v) if k == "site_name" else v) for k, v in mkdocs_settings(site).items()}
        language = settings.pop("language")
        config = load_config(str(project / "mkdocs.yml"), docs_dir=str(work / "docs"),
                             site_dir=str(work / "site"), plugins=["search"], **settings)
        config.theme["language"] = language
        t0, cpu0 = time.perf_counter(), time.process_time()
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
        pages = list((work / "site").rglob("*.html"))
        return {"seconds": time.perf_counter() - t0, "cpu_s_stage": time.process_time() - cpu0,
                "html_pages": len(pages)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _serve_child(project: Path, addr: str) -> None:
    """Run the real ``briefsite serve`` code with a log line per rebuild (which slugs rendered)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import mkdocs.commands.serve as ms

    from generator import devserver
    from generator.cache import SiteCache

    def log(**event) -> None:  # type: ignore[no-untyped-def]
        print("BENCH " + json.dumps({"t": time.time(), **event}), file=sys.stderr, flush=True)

    original_render = SiteCache.render

    def render(self, site, env):  # type: ignore[no-untyped-def]
        result = original_render(self, site, env)
        log(event="render", rendered=len(self.rendered), slugs=self.rendered[:5])
        return result

    SiteCache.render = render  # type: ignore[method-assign]
    original_build = ms.build

    def build(config, **kw):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        original_build(config, **kw)
        log(event="built", seconds=time.perf_counter() - t, dirty=bool(kw.get("dirty")))

    ms.build = build
    host, _, port = addr.rpartition(":")
    devserver.serve(project, host, int(port))


def child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--child", choices=STAGES, required=True)
    p.add_argument("project", type=Path)
    p.add_argument("--addr", default="127.0.0.1:8765")
    args = p.parse_args(argv)
    if args.child == "serve":
        _serve_child(args.project.resolve(), args.addr)
        return 0
    print(json.dumps(_child(args.child, args.project.resolve(), {})))
    return 0


# --------------------------------------------------------------------------- parent side

def apply_overlay(project: Path, overlay: Path) -> None:
    """Copy a variant's files over a generated project.

    ``NAME.replace`` holds ``[[old, new], …]`` applied to the project's ``NAME`` (so a variant
    of mkdocs.yml or a template stays a small edit of the current file, not a stale copy).
    """
    for path in sorted(overlay.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(overlay)
        if rel.suffix == ".replace":
            target = project / rel.with_suffix("")
            text = target.read_text(encoding="utf-8")
            for old, new in json.loads(path.read_text(encoding="utf-8")):
                if old not in text:
                    raise SystemExit(f"{path}: {old!r} not found in {target}")
                text = text.replace(old, new)
            target.write_text(text, encoding="utf-8")
        else:
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, project / rel)


def _load() -> float:
    return os.getloadavg()[0]


def compare(args: argparse.Namespace, stages: list[str], sizes: list[int], base_env: dict[str, str]) -> str:
    """Interleaved A/B runs: on a shared machine only runs made side by side are comparable."""
    variants = []
    for spec in args.variant:
        label, _, rest = spec.partition("=")
        pythonpath, _, overlays = rest.partition("+")
        env = dict(base_env)
        if pythonpath:
            env["PYTHONPATH"] = pythonpath
        variants.append((label, env, [Path(o) for o in overlays.split("+") if o]))
    rows = ["| briefings | stage | " + " | ".join(f"{v[0]} s" for v in variants) + " | "
            + " | ".join(f"{v[0]} CPU s" for v in variants) + " | "
            + " | ".join(f"{v[0]} MB" for v in variants) + " | "
            + " | ".join(f"{v[0]}/{variants[0][0]} (CPU)" for v in variants[1:]) + " | load |",
            "|---:|---|" + "---:|" * (4 * len(variants) - 1) + "---|"]
    raw: dict = {}
    for n in sizes:
        projects = []
        for label, _, overlays in variants:
            project = corpus.write_project(args.work / f"cmp-{label}-n{n}", n, args.facts)
            for overlay in overlays:
                apply_overlay(project, overlay)
            projects.append(project)
        for stage in stages:
            runs: dict[str, list[dict]] = {v[0]: [] for v in variants}
            for _ in range(args.repeat):
                for (label, env, _), project in zip(variants, projects):
                    runs[label].append(_run_child(stage, project, env, timeout=3600))
            med = {k: _median(v, "seconds") for k, v in runs.items()}
            cpu = {k: _median(v, "cpu_s") for k, v in runs.items()}
            mem = {k: _median(v, "peak_rss_mb") for k, v in runs.items()}
            loads = [r["load_before"] for v in runs.values() for r in v]
            first = variants[0][0]
            row = (f"| {n} | {stage} | " + " | ".join(f"{med[v[0]]:.3f}" for v in variants) + " | "
                   + " | ".join(f"{cpu[v[0]]:.3f}" for v in variants) + " | "
                   + " | ".join(f"{mem[v[0]]:.0f}" for v in variants) + " | "
                   + " | ".join(f"{cpu[v[0]] / cpu[first]:.2f}" for v in variants[1:])
                   + f" | {min(loads):.2f}–{max(loads):.2f} |")
            rows.append(row)
            raw[f"{n}/{stage}"] = runs
            print(row, flush=True)
        for project in projects:
            shutil.rmtree(project, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    legend = "; ".join(f"`{label}` = generator from {env.get('PYTHONPATH') or 'the working tree'}"
                       + (f" + {', '.join(str(o) for o in overlays)}" if overlays else "")
                       for label, env, overlays in variants)
    return "\n".join([f"Interleaved runs, median of {args.repeat}: {legend}.", "", *rows])


def _run_child(stage: str, project: Path, env: dict[str, str], timeout: float) -> dict:
    load = _load()
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, str(BENCH / "run.py"), "--child", stage, str(project)],
                          capture_output=True, text=True, env=env, timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{stage} failed on {project}:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result.update(load_before=load, load_after=_load(), process_s=wall)
    return result


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs if key in r)


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for dist in ("mkdocs", "mkdocs-material", "PyYAML", "pydantic", "Jinja2", "Markdown"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "absent"
    import yaml
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})",
        "cpu": cpu, "memory": mem,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "libyaml": "yes" if getattr(yaml, "__with_libyaml__", False) else "no",
        **versions,
        "platform": platform.platform(),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 30) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# (kind, file of the briefing, the edit as (pattern, replacement with {m}), page polled)
SERVE_EDITS = (
    ("body", "timeline.yaml", (r'(  - id: event-0\n    date: [^\n]*\n    summary: )"', r'\1"{m} '),
     "timeline/"),
    ("title", "briefing.yaml", (r'(?m)^title: "', 'title: "{m} '), ""),
)


def measure_serve(project: Path, env: dict[str, str], *, edits: int, limit: float) -> dict:
    """Edit one briefing of a running server (its body, then its title, ``edits`` times each);
    time until the briefing's page shows the edit, and the server's CPU seconds meanwhile."""
    port = _free_port()
    log_path = project.parent / f"serve-{port}.log"
    cmd = [sys.executable, str(BENCH / "run.py"), "--child", "serve", str(project),
           "--addr", f"127.0.0.1:{port}"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    briefings = sorted(p.name for p in (project / "content").iterdir())
    target = briefings[len(briefings) // 2]
    base = f"http://127.0.0.1:{port}/"
    result: dict = {"briefings": len(briefings), "edited": target, "edits": []}
    try:
        t0 = time.perf_counter()
        while _get(base + f"{target}/timeline/", timeout=5) is None:
            if proc.poll() is not None or time.perf_counter() - t0 > limit * 20:
                raise SystemExit("serve did not come up:\n" + log_path.read_text()[-3000:])
            time.sleep(0.2)
        result["first_build_s"] = time.perf_counter() - t0
        result["idle_cpu_pct"] = _idle_cpu_pct(proc.pid, IDLE_S)
        jitter = random.Random(1)
        for k in range(edits):
            for kind, name, (pattern, replacement), page in SERVE_EDITS:
                # let the watcher settle; a varied pause, so that edits do not all fall at the
                # same moment of a polling watcher's cycle (a fixed 1.5 s is 3 polls of 0.5 s)
                time.sleep(1.5 + jitter.random())
                # no digits: the support check refuses numbers that no cited passage states
                marker = f"Benchmark {kind} edit " + _letters(f"{k}{time.time_ns()}")
                edit = _serve_edit(project / "content" / target / name, pattern,
                                   replacement.replace("{m}", marker))
                result["edits"].append({"kind": kind, **_time_edit(
                    edit, base + f"{target}/{page}", marker, log_path, proc.pid, limit)})
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return result


IDLE_S = 10.0  # seconds of an idle server (no edit) whose CPU time is measured


def _idle_cpu_pct(pid: int, seconds: float) -> float:
    """CPU the server uses while nothing changes (its file watcher), in % of one core."""
    time.sleep(2.0)  # the first build's last writes and log lines
    cpu0, t0 = _cpu_s(pid), time.perf_counter()
    time.sleep(seconds)
    return round(100 * (_cpu_s(pid) - cpu0) / (time.perf_counter() - t0), 2)


def _letters(digits: str) -> str:
    return "".join(chr(ord("a") + int(d)) for d in digits)


def _serve_edit(path: Path, pattern: str, replacement: str):  # type: ignore[no-untyped-def]
    original = path.read_text(encoding="utf-8")
    edited = re.sub(pattern, replacement, original, count=1)
    assert edited != original, path
    return lambda: path.write_text(edited, encoding="utf-8")


def _time_edit(edit, url: str, marker: str, log_path: Path, pid: int,  # type: ignore[no-untyped-def]
               limit: float) -> dict:
    lines_before = len(log_path.read_text().splitlines())
    load, cpu0 = _load(), _cpu_s(pid)
    t_edit = time.perf_counter()
    edit()
    seen = None
    while time.perf_counter() - t_edit < limit:
        page = _get(url, timeout=limit)
        if page and marker in page:
            seen = time.perf_counter() - t_edit
            break
        time.sleep(0.05)
    cpu = _cpu_s(pid) - cpu0
    time.sleep(0.5)
    events = [json.loads(line[6:]) for line in log_path.read_text().splitlines()[lines_before:]
              if line.startswith("BENCH ")]
    renders = [e for e in events if e["event"] == "render"]
    builds = [e for e in events if e["event"] == "built"]
    return {"served_s": seen, "load": load, "server_cpu_s": round(cpu, 2),
            "rebuilds": len(builds), "build_s": [round(b["seconds"], 2) for b in builds],
            "dirty": any(b.get("dirty") for b in builds),
            "briefings_rendered": [r["rendered"] for r in renders],
            "rendered_slugs": renders[-1]["slugs"] if renders else []}


# --------------------------------------------------------------------------- report

def _serve_row(s: dict, kind: str, bound: float, runs: list[dict]) -> tuple[str, str]:
    ok = [e for e in runs if e["served_s"] is not None]
    served = (f"median {statistics.median(e['served_s'] for e in ok):.2f} s "
              f"(runs: {', '.join(_fmt(e['served_s']) for e in ok)})" if ok else "never")
    rendered = sorted({n for e in runs for n in e["briefings_rendered"]})
    dirty = " (dirty rebuilds)" if any(e["dirty"] for e in runs) else ""
    loads = ", ".join(f"{e['load']:.1f}" for e in runs)
    return (f"serve @{s['briefings']}{dirty}, {kind} edit: served ≤ {bound} s, only the edited "
            "briefing re-rendered",
            f"{served}; server CPU {', '.join(str(e.get('server_cpu_s')) for e in runs)} s; load "
            f"{loads}; first build {s['first_build_s']:.1f} s; "
            f"idle server CPU {s.get('idle_cpu_pct', '?')} % of a core; "
            f"briefings re-rendered per rebuild: {rendered}; MkDocs rebuild "
            f"{', '.join(str(b) for e in runs for b in e['build_s'])} s")


def _fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def report(results: dict) -> str:
    m = results["machine"]
    lines = [BEGIN, "",
             f"Measured {m['date']} by `{results['command']}`"
             + (f" (generator from `{results['variant']['pythonpath']}`)" if results['variant']['pythonpath'] else "")
             + (f" (variants: {', '.join(results['variant']['overlays'])})" if results['variant']['overlays'] else "")
             + ".", "",
             "| machine | |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in m.items()]
    lines += ["", f"Corpus: `bench/corpus.py`, {results['facts']} facts per briefing (6 takeaways, "
              "25 actors, 25 events, 15 estimates in 6 figures, 20 quotes, 12 reactions), 5 sources "
              "of ~4 KB, seed 1. Median of "
              f"{results['repeat']} run(s), each in a fresh process; load = 1-minute load average "
              "before the runs (min–max).", ""]
    rows = results["sizes"]
    if rows:
        lines += ["| briefings | facts | check s | facts/s | check MB | render s | build s | "
                  "render/build | plain mkdocs s | build/plain | content s | mkdocs read s | mkdocs write s | other s | "
                  "build MB | pages | site MB | load |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for r in rows:
            c, rd, b, pm = r.get("check"), r.get("render"), r.get("build"), r.get("mkdocs")
            loads = [x for st in ("check", "render", "build", "mkdocs")
                     for x in r.get(st + "_loads", [])]
            cells = [str(r["briefings"]), str(c["facts"]) if c else "–",
                     _fmt(c["seconds"], 3) if c else "–",
                     f"{c['facts'] / c['seconds']:,.0f}" if c else "–",
                     _fmt(c["peak_rss_mb"], 0) if c else "–",
                     _fmt(rd["seconds"], 3) if rd else "–",
                     _fmt(b["seconds"]) if b else "–",
                     f"{rd['seconds'] / b['seconds']:.1%}" if rd and b else "–",
                     _fmt(pm["seconds"]) if pm else "–",
                     f"{b['seconds'] / pm['seconds']:.2f}" if b and pm else "–"]
            cells += ([_fmt(b[k]) for k in ("content_s", "mkdocs_read_s", "mkdocs_write_s", "other_s")]
                      + [_fmt(b["peak_rss_mb"], 0)
                         + (f" (workers {_fmt(b['workers_peak_rss_mb'], 0)})"
                            if b.get("workers_peak_rss_mb") else ""),
                         str(b["html_pages"]), _fmt(b["site_mb"], 0)]
                      if b else ["–"] * 7)
            cells.append(f"{min(loads):.2f}–{max(loads):.2f}" if loads else "–")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    targets = []
    if rows:
        by = {r["briefings"]: r for r in rows}
        big = max(by)
        if by[big].get("check"):
            c = by[big]["check"]
            targets.append(("check ≥ 10,000 facts/s", f"{c['facts'] / c['seconds']:,.0f} facts/s "
                            f"at {big} briefings"))
        shares = [(n, r["render"]["seconds"] / r["build"]["seconds"]) for n, r in sorted(by.items())
                  if r.get("render") and r.get("build")]
        if shares:
            targets.append(("render ≤ 10% of build", ", ".join(f"{s:.1%} @{n}" for n, s in shares)))
        if by.get(30, {}).get("build") and by.get(90, {}).get("build"):
            ratio = by[90]["build"]["seconds"] / by[30]["build"]["seconds"]
            targets.append(("build(90)/build(30) ≤ 3.3", f"{ratio:.2f}"))
        if by.get(300, {}).get("build"):
            targets.append(("peak memory ≤ 500 MB @300", f"build {by[300]['build']['peak_rss_mb']:.0f} MB"
                            + (f", check {by[300]['check']['peak_rss_mb']:.0f} MB"
                               if by[300].get("check") else "")))
    for s in results.get("serve", []):
        for kind, bound in (("body", 1), ("title", 2)):
            runs = [e for e in s["edits"] if e.get("kind", "body") == kind]
            if runs:
                targets.append(_serve_row(s, kind, bound, runs))
    if targets:
        lines += ["| target | measured |", "|---|---|"] + [f"| {t} | {v} |" for t, v in targets]
    lines += ["", END]
    return "\n".join(lines)


def write_results(text: str, path: Path) -> None:
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + text + old[old.index(END) + len(END):]
    else:
        new = "# Benchmark results\n\n" + text + "\n" + old
    path.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--child" in argv:
        return child_main(argv)
    p = argparse.ArgumentParser(description="Benchmark briefsite (see bench/README.md).")
    p.add_argument("--sizes", default="10,30,90,300", help="briefing counts (default 10,30,90,300)")
    p.add_argument("--facts", type=int, default=corpus.DEFAULT_FACTS, help="facts per briefing")
    p.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    p.add_argument("--stages", default="check,render,build,mkdocs,serve",
                   help="comma-separated: check, render, build, mkdocs (plain MkDocs, the "
                        "baseline), serve")
    p.add_argument("--jobs", type=int, default=1,
                   help="processes of the build stage (briefsite build --jobs N; default 1)")
    p.add_argument("--serve-size", type=int, default=100, help="briefings in the served site")
    p.add_argument("--serve-edits", type=int, default=3, help="edits timed while serving")
    p.add_argument("--quick", action="store_true", help="sizes 10,30, one run, no serve")
    p.add_argument("--work", type=Path, default=BENCH / ".work", help="where corpora are written")
    p.add_argument("--pythonpath", default="",
                   help="put this folder first on PYTHONPATH (e.g. a checkout of an older generator/)")
    p.add_argument("--overlay", type=Path, action="append", default=[],
                   help="copy a variant folder over each generated project (bench/variants/*)")
    p.add_argument("--variant", action="append", default=[], metavar="LABEL=[PYTHONPATH][+OVERLAY…]",
                   help="compare mode: two or more variants run interleaved, e.g. "
                        "--variant before=/tmp/old --variant after= (prints a table; RESULTS.md untouched)")
    p.add_argument("--out", type=Path, default=BENCH / "RESULTS.md")
    p.add_argument("--json", type=Path, default=None, help="also write raw results as JSON")
    p.add_argument("--no-write", action="store_true", help="print the table, do not touch RESULTS.md")
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.repeat = "10,30", 1
        args.stages = ",".join(s for s in args.stages.split(",") if s != "serve")
    stages = [s for s in args.stages.split(",") if s]
    unknown = set(stages) - set(STAGES)
    if unknown:
        p.error(f"unknown stage(s): {', '.join(sorted(unknown))}")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONHASHSEED="0", BENCH_JOBS=str(args.jobs))
    if args.pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [args.pythonpath, env.get("PYTHONPATH")]))

    if args.variant:
        args.work.mkdir(parents=True, exist_ok=True)
        print(compare(args, [s for s in stages if s != "serve"], sizes, env))
        return 0
    results: dict = {"command": "bench/run.py " + " ".join(argv) if argv else "make bench",
                     "variant": {"pythonpath": args.pythonpath,
                                 "overlays": [str(o) for o in args.overlay]},
                     "machine": machine(), "facts": args.facts, "repeat": args.repeat,
                     "sizes": [], "serve": []}
    args.work.mkdir(parents=True, exist_ok=True)
    for n in sizes:
        if not {"check", "render", "build", "mkdocs"} & set(stages):
            break
        project = corpus.write_project(args.work / f"n{n}", n, args.facts)
        for overlay in args.overlay:
            apply_overlay(project, overlay)
        row: dict = {"briefings": n}
        for stage in ("check", "render", "build", "mkdocs"):
            if stage not in stages:
                continue
            runs = [_run_child(stage, project, env, timeout=3600) for _ in range(args.repeat)]
            summary = {k: _median(runs, k) for k in runs[0] if isinstance(runs[0][k], (int, float))}
            row[stage] = summary
            row[stage + "_runs"] = runs
            row[stage + "_loads"] = [r["load_before"] for r in runs]
            print(f"{n:>4} briefings  {stage:6} {summary['seconds']:8.3f} s  "
                  f"peak {summary['peak_rss_mb']:5.0f} MB  load {_load():.2f}", flush=True)
        results["sizes"].append(row)
        shutil.rmtree(project, ignore_errors=True)
    if "serve" in stages:
        project = corpus.write_project(args.work / f"serve{args.serve_size}", args.serve_size, args.facts)
        for overlay in args.overlay:
            apply_overlay(project, overlay)
        s = measure_serve(project, env, edits=args.serve_edits, limit=120)
        results["serve"].append(s)
        print(f"serve {args.serve_size}: " + json.dumps(s["edits"]), flush=True)
        shutil.rmtree(project, ignore_errors=True)
    text = report(results)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.no_write:
        write_results(text, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
