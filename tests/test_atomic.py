"""Fault injection into ``build_site`` and ``render_to``: a failed build never touches the site.

A good build comes first; every file under site/ is snapshotted; then a fault is injected
(a template raising mid-render, MkDocs failing or warning in strict mode, a full disk partway
through writing, a failed swap, an interrupt in-process and a real SIGINT to a real process).
After each: the previous site/ is byte-identical, no ``.site.new-*`` / ``.site.old-*`` folder is
left beside it, the exit status is non-zero and the command printed no traceback.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import mkdocs.commands.build
import mkdocs.utils
import pytest
from conftest import MINIMAL, ROOT
from mkdocs.exceptions import BuildError as MkDocsBuildError

import generator.build
import generator.emit
import generator.escape
from generator import cli
from generator.build import build_site
from generator.emit import render_to
from generator.errors import BriefsiteError

pytestmark = pytest.mark.site
Snapshot = dict[str, bytes | None]


@pytest.fixture(autouse=True)
def isolated_mkdocs_logger() -> Iterator[None]:
    """``briefsite build`` attaches a handler to the current stderr once per process; give each
    test its own (so capsys sees MkDocs' messages) and leave the logger as it was."""
    logger = logging.getLogger("mkdocs")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    logger.handlers.clear()
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


# Something in every section, so every page type is rendered and built (an empty one is not).
EVERY_SECTION = {
    "content/demo/actors.yaml": "actors:\n  - id: kim\n    name: Kim\n    kind: person\n"
                                "    role: Leader\n    side: north-korea\n    citations: [art]\n",
    "content/demo/timeline.yaml": "events:\n  - id: e1\n    date: 2025-04-28\n"
                                  "    summary: Something happened.\n    citations: [art]\n",
    "content/demo/figures.yaml": "figures:\n  - id: f1\n    metric: Troops\n    unit: soldiers\n"
                                 "    estimates:\n      - id: a\n        value: '1'\n"
                                 "        qualifier: exact\n        estimators: [kim]\n"
                                 "        citations: [{source: art, excerpt: 1 unit was sent}]\n",
    "content/demo/sources/art.txt": str(MINIMAL["content/demo/sources/art.txt"]) + "1 unit was sent.\n",
    "content/demo/reactions.yaml": "reactions:\n  - id: r1\n    actor: kim\n    stance: neutral\n"
                                   "    summary: Said something.\n    citations: [art]\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal project with the shipped mkdocs.yml, theme overrides, assets and templates,
    built once; each test gets a copy."""
    from conftest import add_site_files, build_tree

    root = build_tree(tmp_path_factory.mktemp("built") / "project", {**MINIMAL, **EVERY_SECTION})
    add_site_files(root, templates=True)
    logger = logging.getLogger("mkdocs")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    build_site(root)
    logger.handlers[:], logger.level, logger.propagate = saved
    return root


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


def snapshot(folder: Path) -> Snapshot:
    """Every file's bytes and every folder (``None``) under ``folder``."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir()
                  if p.name.startswith(".") and (".new-" in p.name or ".old-" in p.name))


def call_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, err


def fail_on_call(n: int, error: BaseException, real: Callable[..., Any], *,
                 persistent: bool = False) -> Callable[..., Any]:
    """A stand-in for ``real`` that works ``n - 1`` times, then raises ``error`` once (or on
    every later call too, like a disk that stays full)."""
    calls = {"count": 0}

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == n or (persistent and calls["count"] > n):
            raise error
        return real(*args, **kwargs)
    stand_in.calls = calls  # type: ignore[attr-defined]
    return stand_in


def assert_untouched(project: Path, before: Snapshot) -> None:
    assert snapshot(project / "site") == before, "the previous site was changed"
    assert leftovers(project) == [], "temporary folders were left behind"


# --- a successful rebuild ---------------------------------------------------------------------

def test_rebuild_replaces_the_site(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = project / "site"
    (site / "stale.html").write_text("from an older build")
    briefing = project / "content/demo/briefing.yaml"
    briefing.write_text(briefing.read_text().replace("summary: A demo.", "summary: Rebuilt summary."))
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 0, err
    assert "Rebuilt summary." in (site / "demo/index.html").read_text()
    assert not (site / "stale.html").exists()
    assert leftovers(project) == []


def test_new_site_folder_gets_normal_permissions(project: Path) -> None:
    """A web server running as another user must be able to read the swapped-in folder."""
    umask = os.umask(0)
    os.umask(umask)
    shutil.rmtree(project / "site")
    build_site(project)
    assert stat.S_IMODE((project / "site").stat().st_mode) == 0o777 & ~umask
    render_to(project, project / "out")
    assert stat.S_IMODE((project / "out").stat().st_mode) == 0o777 & ~umask


def test_failed_first_build_creates_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(project / "site")
    (project / "templates/sources.md.j2").write_text("{{ h.nonexistent() }}\n")
    status, _ = call_cli(["-C", str(project), "build"], capsys)
    assert status == 1
    assert not (project / "site").exists() and leftovers(project) == []


# --- templates raising ------------------------------------------------------------------------

def test_project_template_raising_mid_render(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")
    (project / "templates/sources.md.j2").write_text("# Who\n\nfine so far\n\n{{ h.nonexistent() }}\n")
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 1
    assert err.startswith("error: template error at templates/sources.md.j2:5: ")
    assert "nonexistent" in err
    assert_untouched(project, before)


def test_project_template_syntax_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")
    (project / "templates/timeline.md.j2").write_text("# Timeline\n{% for e in b.timeline %}\n")
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 1
    assert err.startswith("error: template error at templates/timeline.md.j2:")
    assert_untouched(project, before)


def test_filter_raising_mid_render_is_an_internal_error(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A bug in briefsite's own code (here: the md filter failing on its 5th value)."""
    before = snapshot(project / "site")
    monkeypatch.setitem(generator.escape.FILTERS, "md",
                        fail_on_call(5, RuntimeError("simulated filter bug"), generator.escape.md))
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 3
    assert err.startswith("internal error: RuntimeError: simulated filter bug")
    assert_untouched(project, before)


def test_theme_template_raising_after_pages_were_written(project: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A theme override failing on one page, after MkDocs wrote the assets and other pages."""
    before = snapshot(project / "site")
    (project / "site_config/overrides/main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n'
        "{% if page.file.src_uri == 'demo/sources.md' %}{{ no_such_thing.attribute }}{% endif %}\n"
        "{{ super() }}\n{% endblock %}\n")
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 1
    assert "template error at " in err and "main.html:3" in err
    assert_untouched(project, before)


# --- MkDocs failing -------------------------------------------------------------------------

@pytest.mark.parametrize("error,status", [
    (MkDocsBuildError("simulated MkDocs failure"), 1),
    (RuntimeError("simulated MkDocs crash"), 3),
], ids=["mkdocs-error", "crash"])
def test_mkdocs_build_raising(error: BaseException, status: int, project: Path,
                              monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")

    def broken(config: Any, **kwargs: Any) -> None:
        raise error
    monkeypatch.setattr(mkdocs.commands.build, "build", broken)
    assert call_cli(["-C", str(project), "build"], capsys)[0] == status
    assert_untouched(project, before)


def test_mkdocs_raising_after_writing_pages(project: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")
    monkeypatch.setattr(mkdocs.commands.build, "_build_page",
                        fail_on_call(4, MkDocsBuildError("fourth page failed"),
                                     mkdocs.commands.build._build_page))
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 1 and "the previous site was left as it was" in err
    assert_untouched(project, before)


@pytest.mark.parametrize("broken", ["unknown_option: [\n", "theme: {name: no-such-theme}\n"],
                         ids=["yaml-syntax", "unknown-theme"])
def test_broken_mkdocs_yml(broken: str, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")
    with open(project / "mkdocs.yml", "a", encoding="utf-8") as config:
        config.write(broken)
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 1 and "error: mkdocs.yml: " in err and "internal error" not in err
    assert_untouched(project, before)


def test_strict_warning_from_a_broken_link(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Strict mode fails only after MkDocs wrote every page: the swap must not happen."""
    before = snapshot(project / "site")
    overview = project / "templates/overview.md.j2"
    overview.write_text(overview.read_text() + "\n[a broken link](no-such-page.md)\n")
    status, err = call_cli(["-C", str(project), "build"], capsys)
    assert status == 1
    assert "no-such-page.md" in err
    assert "error: mkdocs build failed: " in err  # MkDocs words the strict abort itself
    assert_untouched(project, before)


# --- writes failing -------------------------------------------------------------------------

DISK_FULL = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("target,n", [
    ("mkdocs.utils.write_file", 3),  # pages and generated files
    ("shutil.copyfile", 10),  # the theme's static assets
    ("os.makedirs", 20),
], ids=["write_file", "copyfile", "makedirs"])
def test_disk_full_partway_through_writing(target: str, n: int, project: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")
    module, name = target.rsplit(".", 1)
    owner = {"mkdocs.utils": mkdocs.utils, "shutil": shutil, "os": os}[module]
    stand_in = fail_on_call(n, DISK_FULL, getattr(owner, name), persistent=True)
    monkeypatch.setattr(owner, name, stand_in)
    status, err = call_cli(["-C", str(project), "build"], capsys)
    monkeypatch.undo()
    assert stand_in.calls["count"] >= n, "the fault was never injected"  # type: ignore[attr-defined]
    assert status == 1
    assert "No space left on device" in err and "the previous site was left as it was" in err
    assert_untouched(project, before)


@pytest.mark.parametrize("n", [1, 2], ids=["moving-old-aside", "moving-new-in"])
@pytest.mark.parametrize("error", [DISK_FULL, KeyboardInterrupt()], ids=["oserror", "interrupt"])
def test_swap_failing(n: int, error: BaseException, project: Path, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")
    monkeypatch.setattr(generator.emit.os, "rename", fail_on_call(n, error, os.rename))
    status, err = call_cli(["-C", str(project), "build"], capsys)
    monkeypatch.undo()
    assert status == (130 if isinstance(error, KeyboardInterrupt) else 1), err
    assert_untouched(project, before)


# --- interrupts -----------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["mkdocs.utils.write_file", "generator.pipeline.render_briefing",
                                   "shutil.copyfile"])
def test_keyboard_interrupt_in_process(where: str, project: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project / "site")
    monkeypatch.setattr(where, fail_on_call(2 if "write" in where else 1, KeyboardInterrupt(),
                                            _resolve(where)))
    status, err = call_cli(["-C", str(project), "build"], capsys)
    monkeypatch.undo()
    assert status == 130
    assert err.rstrip().endswith("interrupted; the previous site was left as it was")
    assert_untouched(project, before)


def _resolve(dotted: str) -> Any:
    import importlib
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise LookupError(dotted)


@pytest.mark.parametrize("sig,status,said", [(signal.SIGINT, 130, "interrupted"),
                                              (signal.SIGTERM, 143, "terminated")])
def test_signal_while_mkdocs_is_writing(sig: signal.Signals, status: int, said: str,
                                        project: Path) -> None:
    """The real command in its own process, interrupted once MkDocs has started writing."""
    before = snapshot(project / "site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "-C", str(project), "build"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    writing = None
    while time.monotonic() < deadline and proc.poll() is None:
        temps = [p for p in project.glob(".site.new-*") if any(p.iterdir())]
        if temps:
            writing = temps[0]
            break
        time.sleep(0.001)
    assert writing is not None, f"never saw MkDocs writing (exit {proc.poll()})"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert "Traceback" not in out + err
    assert err.rstrip().endswith(f"{said}; the previous site was left as it was")
    assert_untouched(project, before)


# --- briefsite render --out --------------------------------------------------------------------

@pytest.fixture
def rendered(project: Path) -> Path:
    out = project / "out"
    render_to(project, out)
    (out / "stale.md").write_text("from an older render")
    return out


def test_render_success_replaces_the_folder(project: Path, rendered: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    status, err = call_cli(["-C", str(project), "render", "--out", str(rendered)], capsys)
    assert status == 0, err
    assert not (rendered / "stale.md").exists() and (rendered / "demo/sources.md").is_file()
    assert leftovers(project) == []


@pytest.mark.parametrize("fault", ["content", "template", "disk-full", "interrupt", "swap"])
def test_render_failing_keeps_the_previous_folder(fault: str, project: Path, rendered: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(rendered)
    if fault == "content":
        (project / "content/demo/sources.yaml").write_text("sources: []\n")
    elif fault == "template":
        (project / "templates/numbers.md.j2").write_text("{{ b.no_such_field }}\n")
    elif fault == "disk-full":
        monkeypatch.setattr(Path, "write_text", fail_on_call(3, DISK_FULL, Path.write_text,
                                                             persistent=True))
    elif fault == "interrupt":
        monkeypatch.setattr(Path, "write_text", fail_on_call(3, KeyboardInterrupt(), Path.write_text))
    else:
        monkeypatch.setattr(generator.emit.os, "rename", fail_on_call(2, DISK_FULL, os.rename))
    status, err = call_cli(["-C", str(project), "render", "--out", str(rendered)], capsys)
    monkeypatch.undo()
    assert status == (130 if fault == "interrupt" else 1), err
    assert snapshot(rendered) == before
    assert leftovers(project) == []


def test_build_errors_are_briefsite_errors(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Python API raises BriefsiteError (not OSError or a Jinja error) for these faults."""
    monkeypatch.setattr(mkdocs.utils, "write_file", fail_on_call(1, DISK_FULL, mkdocs.utils.write_file))
    with pytest.raises(BriefsiteError, match="No space left on device"):
        build_site(project)
    monkeypatch.undo()
    (project / "templates/sources.md.j2").write_text("{{ h.nonexistent() }}\n")
    with pytest.raises(BriefsiteError, match="template error"):
        build_site(project)
