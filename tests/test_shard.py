"""Parallel and sharded builds give the one-process site, byte for byte (issue 15).

* a briefing's pages depend only on that briefing (and templates, theme, settings): adding a
  briefing and re-dating another, which changes the site's order, leaves them unchanged;
* ``build --jobs N`` and ``build --shard i/n`` + ``merge`` equal ``build --jobs 1``;
* ``merge`` refuses parts that do not make one site; a worker's failure fails the build and
  leaves the previous site as it was; every build ends with a summary line (``--quiet``: none).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, hang_guard, tree_bytes

from generator import shard
from generator.build import build_site
from generator.cli import main
from generator.pipeline import run

sys.path.insert(0, str(ROOT / "bench"))
import corpus

pytestmark = pytest.mark.slow
FACTS = 20


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four generated briefings with a site URL (so the sitemap lists every page)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # one build date, even at midnight
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = corpus.write_project(tmp_path / "p", 4, FACTS)
    with (root / "site_config/site.yaml").open("a", encoding="utf-8") as f:
        f.write("site_url: https://example.org/news/\n")
    return root


def _redate(root: Path, slug: str, date: str) -> None:
    path = root / "content" / slug / "briefing.yaml"
    text = re.sub(r"(?m)^event_date: .*$", f"event_date: {date}", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


def test_a_briefings_pages_do_not_change_when_other_briefings_do(site: Path) -> None:
    out = build_site(site, site_dir=site.parent / "one", cache=False)
    before = tree_bytes(out / "briefing-0001")
    home = (out / "index.html").read_bytes()
    corpus.write_briefing(site / "content", 4, FACTS)  # a new briefing
    _redate(site, "briefing-0002", "2030-01-02")  # now first after the named one: order changes
    build_site(site, site_dir=out, cache=False)  # the cache would reuse it: built here
    assert (out / "briefing-0004/index.html").is_file()
    assert (out / "index.html").read_bytes() != home  # the home page did change
    assert tree_bytes(out / "briefing-0001") == before


def test_parallel_build_is_byte_identical(site: Path) -> None:
    one = build_site(site, site_dir=site.parent / "one", jobs=1, cache=False)
    three = build_site(site, site_dir=site.parent / "three", jobs=3, cache=False)
    assert (one / "sitemap.xml").read_text(encoding="utf-8").count("<url>") == 25
    assert tree_bytes(three) == tree_bytes(one)
    assert not list(site.parent.glob(".three.*"))  # the workers' folders are gone


def test_plan_is_disjoint_complete_and_deterministic(site: Path) -> None:
    rendered = run(site)
    slugs = [b.slug for b in rendered.site.published]
    parts = shard.plan(rendered.pages, slugs, 3)
    assert parts == shard.plan(dict(reversed(rendered.pages.items())), slugs[::-1], 3)
    assert sorted(s for p in parts for s in p.slugs) == sorted(slugs)
    assert [sum(p.owns(path) for p in parts) for path in rendered.pages] == [1] * len(rendered.pages)
    assert parts[0].owns("index.md") and not parts[1].owns("index.md")


def _cli(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "generator.cli", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _shards(site: Path, n: int) -> list[Path]:
    parts = [site.parent / f"part{i}" for i in range(n)]
    runs = [_cli("-C", str(site), "build", "--shard", f"{i}/{n}", "--site-dir", str(part))
            for i, part in enumerate(parts)]
    for proc in runs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    return parts


def test_shards_built_apart_and_merged_equal_one_build(site: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    one = build_site(site, site_dir=site.parent / "one", jobs=1)
    parts = _shards(site, 2)
    assert main(["-C", str(site), "merge", str(parts[1]), str(parts[0]),
                 "--site-dir", str(site.parent / "merged")]) == 0
    assert "merged 2 parts: 4 briefings, 25 pages" in capsys.readouterr().out
    assert tree_bytes(site.parent / "merged") == tree_bytes(one)
    _refusals(site, parts, capsys)


def _refusals(site: Path, parts: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    """Parts that do not belong together: exit 2, a message naming why, nothing written."""
    out = site.parent / "refused"
    foreign = site.parent / "foreign"
    foreign.mkdir()
    (foreign / "index.html").write_text("x", encoding="utf-8")
    other = site.parent / "other"
    shutil.copytree(parts[1], other)
    cases = {"missing": [parts[0]], "given twice": [parts[0], parts[0]],
             "not a part": [parts[0], foreign], "different inputs": [parts[0], other]}
    for expected, given in cases.items():
        if expected == "different inputs":
            manifest = json.loads((other / shard.MANIFEST).read_text(encoding="utf-8"))
            (other / shard.MANIFEST).write_text(json.dumps({**manifest, "inputs": "0" * 64}))
        assert main(["-C", str(site), "merge", *map(str, given), "--site-dir", str(out)]) == 2
        err = capsys.readouterr().err
        assert expected in err and "Traceback" not in err, err
        assert not out.exists()
    manifest = json.loads((other / shard.MANIFEST).read_text(encoding="utf-8"))
    (other / shard.MANIFEST).write_text(json.dumps({**manifest, "of": 3}))
    assert main(["-C", str(site), "merge", str(parts[0]), str(other), "--site-dir", str(out)]) == 2
    assert "different number of shards" in capsys.readouterr().err


def _worker_and_main_briefings(site: Path) -> tuple[str, str]:
    groups = shard.groups(sorted((site / "content").iterdir()), 2)
    assert groups[0] and groups[1]
    return groups[1][0].name, groups[0][0].name


def _failed_build(site: Path, capsys: pytest.CaptureFixture[str], template_tail: str = "",
                  redate: tuple[str, ...] = ()) -> str:
    """What ``build --jobs 2`` printed after a good build, ``template_tail`` added to the Who
    template and the briefings ``redate`` given a broken date: it failed, the site was kept."""
    out = build_site(site, site_dir=site.parent / "site", jobs=1)
    kept = tree_bytes(out)
    capsys.readouterr()
    template = site / "templates/who.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + template_tail, encoding="utf-8")
    for slug in redate:
        _redate(site, slug, "the day after")
    assert main(["-C", str(site), "build", "--jobs", "2", "--no-cache", "--site-dir", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert tree_bytes(out) == kept
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site.")]
    return err


def test_a_failing_worker_fails_the_build_and_keeps_the_site(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim, _ = _worker_and_main_briefings(site)  # built by the spawned worker, not here
    err = _failed_build(site, capsys, f'{{% if b.slug == "{victim}" %}}\n[gone](no-such-page.md)\n'
                                      '{% endif %}\n')
    assert f"{victim}/who.md" in err and "no-such-page.md" in err, err  # the worker's warning


def test_every_process_s_problems_are_reported_at_once(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = _worker_and_main_briefings(site)  # one checked in the worker, one here
    err = _failed_build(site, capsys, redate=broken)
    assert main(["-C", str(site), "check"]) == 1
    checked = [line for line in capsys.readouterr().err.splitlines() if line.startswith("content/")]
    assert len(checked) == 2 and all(f"content/{slug}/briefing.yaml:" in err for slug in broken), err
    assert [line for line in err.splitlines() if line.startswith("content/")] == checked


def test_a_template_error_in_a_worker_fails_the_build_and_keeps_the_site(
        site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    victim, _ = _worker_and_main_briefings(site)
    err = _failed_build(site, capsys, f'{{% if b.slug == "{victim}" %}}{{{{ b.no_such_field }}}}'
                                      '{% endif %}\n')
    assert "templates/who.md.j2:" in err and "no_such_field" in err, err


def test_summary_line_and_quiet(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(site.parent / "site")
    assert main(["-C", str(site), "build", "--jobs", "1", "--site-dir", out]) == 0
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(r"built 4 briefings \(4 rebuilt, 0 reused\), 25 pages in \d+\.\d s → .*site/",
                        line), line
    assert main(["-C", str(site), "build", "--jobs", "1", "--quiet", "--site-dir", out]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("args", [["--shard", "2/2", "--site-dir", "x"], ["--shard", "1"],
                                  ["--jobs", "0"], ["--shard", "0/2"]])
def test_bad_jobs_and_shard_arguments_are_usage_errors(
        site: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        assert main(["-C", str(site), "build", *args]) == 2
        raise SystemExit(2)
    assert exit_info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="utf-8")
    except OSError:
        return set()
    return {int(word) for word in text.split()}


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_ctrl_c_ends_the_workers_and_keeps_the_site(site: Path) -> None:
    out = build_site(site, site_dir=site.parent / "site", jobs=1)
    kept = tree_bytes(out)
    proc = _cli("-C", str(site), "build", "--jobs", "2", "--no-cache", "--site-dir", str(out))
    seen: set[int] = set()
    with hang_guard(120):  # multiprocessing's resource tracker, then the worker
        while len(seen) < 2 and proc.poll() is None:
            seen |= _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert len(seen) == 2
    deadline = time.monotonic() + 20  # the tracker exits once it sees its parent gone
    while any(Path(f"/proc/{pid}").exists() for pid in seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(Path(f"/proc/{pid}").exists() for pid in seen)  # no orphan left
    assert tree_bytes(out) == kept
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site.")]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")
def test_ctrl_c_prints_no_traceback(site: Path) -> None:
    proc = _cli("-C", str(site), "build", "--jobs", "2", "--no-cache", "--site-dir",
                str(site.parent / "s"))
    seen: set[int] = set()
    with hang_guard(120):
        while len(seen) < 2 and proc.poll() is None:
            seen |= _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err


def test_content_problems_outrank_a_template_error(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One process renders only a site without problems: a template error found in one group
    must not hide another group's content problem (as it never does in one process)."""
    victim, _ = _worker_and_main_briefings(site)
    err = _failed_build(site, capsys, "{{ no_such_name }}\n", redate=(victim,))
    assert main(["-C", str(site), "check"]) == 1
    checked = [line for line in capsys.readouterr().err.splitlines() if line.startswith("content/")]
    assert [line for line in err.splitlines() if line.startswith("content/")] == checked, err
    assert "template error" not in err
    (site / "content" / ".notes").write_text("a site-wide problem: a hidden file in content/\n")
    _redate(site, victim, "2025-01-01")
    assert main(["-C", str(site), "build", "--jobs", "1", "--site-dir", str(site.parent / "c")]) == 1
    err = capsys.readouterr().err  # cached builds go the parallel way too
    assert ".notes" in err and "template error" not in err, err


def test_a_worker_that_dies_before_the_go_fails_the_build_cleanly(
        site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from generator import build as build_module

    go = build_module._Worker.go

    def killed_first(self: Any, *args: Any) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.join()
        go(self, *args)

    monkeypatch.setattr(build_module._Worker, "go", killed_first)
    out = site.parent / "site"
    assert main(["-C", str(site), "build", "--jobs", "2", "--no-cache", "--site-dir", str(out)]) == 1
    err = capsys.readouterr().err
    assert "stopped" in err and "Traceback" not in err and "internal error" not in err, err
    assert not out.exists() and not [p for p in site.parent.iterdir() if p.name.startswith(".site.")]


def test_a_stop_during_a_worker_s_start_leaves_no_worker_running(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from multiprocessing.context import SpawnProcess

    started: list[SpawnProcess] = []
    start = SpawnProcess.start

    def interrupted(self: SpawnProcess) -> None:
        start(self)
        started.append(self)
        os.kill(os.getpid(), signal.SIGINT)  # blocked now: delivered once the start is done

    monkeypatch.setattr(SpawnProcess, "start", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build_site(site, site_dir=site.parent / "site", jobs=2, cache=False)
    assert started and not any(p.is_alive() for p in started)
    assert not [p for p in site.parent.iterdir() if p.name.startswith(".site.")]
