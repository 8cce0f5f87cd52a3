"""Output folders of ``briefsite build --site-dir`` / ``site_dir`` / ``briefsite render --out``:
what may be replaced, how relative paths resolve, the build lock, leftovers of killed builds.

Every refusal is exit 2 with a message, and leaves the folder (and the project) untouched.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, build_tree

import generator.build
import generator.emit
from generator import cli, outdir

BRIEFSITE = Path(sys.executable).parent / "briefsite"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def small_project(root: Path) -> Path:
    """The minimal project with the shipped mkdocs.yml, theme overrides, assets and templates."""
    build_tree(root, MINIMAL)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    for sub in ("overrides", "docs"):
        shutil.copytree(ROOT / "site_config" / sub, root / "site_config" / sub)
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    return small_project(tmp_path / "project")


def tree(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*")) if outdir.CACHE not in p.parts}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        status = cli.main(args)
    except SystemExit as exc:  # argparse's usage errors
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in err
    return status, err


# --- refused -----------------------------------------------------------------------------------

REFUSED = {
    ".": "project folder", "..": "above the project", "/": "above the project",
    "content": "content/", "content/demo": "content/", "content/new": "content/",
    "templates": "templates/", "site_config": "site_config/", "site_config/docs": "site_config/",
    ".git": ".git", ".git/objects": ".git", "mkdocs.yml": "not a folder",
    "/dev/null": "not a folder", "foreign": "did not write", "foreign/../foreign/": "did not write",
    "content/../../project": "project folder",
}


@pytest.mark.parametrize("command", ["render", "build"])
@pytest.mark.parametrize("given", sorted(REFUSED))
def test_refused_output_folders(given: str, command: str, proj: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    (proj / "foreign").mkdir()
    (proj / "foreign" / "notes.txt").write_text("someone's work")
    before = tree(proj)
    option = "--out" if command == "render" else "--site-dir"
    status, err = run(["-C", str(proj), command, option, given], capsys)
    assert status == 2, err
    assert REFUSED[given] in err and "refusing to replace" in err
    assert tree(proj) == before
    assert not list(proj.parent.glob(".*.new-*"))


@pytest.mark.parametrize("given", ["", " "])
def test_empty_path_is_a_usage_error(given: str, proj: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    before = tree(proj)
    for args in (["render", "--out", given], ["build", "--site-dir", given]):
        status, err = run(["-C", str(proj), *args], capsys)
        assert status == 2 and "empty path" in err
    assert tree(proj) == before


def test_a_symlink_into_content_is_refused(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (proj.parent / "link").symlink_to(proj / "content")
    before = tree(proj)
    assert run(["-C", str(proj), "render", "--out", str(proj.parent / "link")], capsys)[0] == 2
    assert tree(proj) == before


def test_site_dir_in_mkdocs_yml_is_checked_too(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = proj / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site\n", "site_dir: content\n"))
    before = tree(proj)
    status, err = run(["-C", str(proj), "build"], capsys)
    assert status == 2 and "site_dir in mkdocs.yml" in err
    assert tree(proj) == before


# --- accepted ----------------------------------------------------------------------------------

def test_second_render_into_the_same_folder_and_nothing_extra_published(
        proj: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "md"
    assert run(["-C", str(proj), "render", "--out", str(out)], capsys)[0] == 0
    first = tree(out)
    (out / "index.md").unlink()  # no longer looks rendered: only the record lets it through
    assert run(["-C", str(proj), "render", "--out", str(out)], capsys)[0] == 0
    assert tree(out) == first  # the record is kept in the cache folder, not in the output
    assert str(out) in (proj / outdir.CACHE / "outputs.json").read_text()


@pytest.mark.parametrize("kind", ["empty", "mkdocs-site", "rendered-tree"])
def test_recognised_folders_are_replaced(kind: str, proj: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if kind == "mkdocs-site":  # e.g. from plain `mkdocs build` or an older briefsite
        build_tree(out, {"index.html": "<html>old</html>", "sitemap.xml": "<urlset/>",
                         "search/search_index.json": "{}", "old.html": "old"})
    elif kind == "rendered-tree":
        build_tree(out, {"index.md": "# old", "briefings.json": "[]", "old.md": "old"})
    assert run(["-C", str(proj), "render", "--out", str(out)], capsys)[0] == 0
    assert (out / "demo" / "sources.md").is_file()
    assert not (out / "old.html").exists() and not (out / "old.md").exists()


def test_relative_paths_resolve_against_the_c_folder(proj: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    status, _ = run(["-C", str(proj), "render", "--out", "md"], capsys)
    assert status == 0 and (proj / "md" / "index.md").is_file()
    assert list(elsewhere.iterdir()) == []
    monkeypatch.chdir(proj)  # without -C: the current folder
    assert run(["render", "--out", "../md2"], capsys)[0] == 0
    assert (tmp_path / "md2" / "index.md").is_file()


@pytest.mark.site
def test_build_honours_site_dir_of_mkdocs_yml_and_site_dir_relative_to_c(
        proj: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = proj / "mkdocs.yml"
    config.write_text(config.read_text().replace("site_dir: site\n", "site_dir: public\n"))
    monkeypatch.chdir(tmp_path)
    assert run(["-C", str(proj), "build"], capsys)[0] == 0
    assert (proj / "public" / "demo" / "sources" / "index.html").is_file()
    assert not (proj / "site").exists()
    assert run(["-C", str(proj), "build", "--site-dir", "out"], capsys)[0] == 0
    assert (proj / "out" / "index.html").is_file() and not (tmp_path / "out").exists()
    assert run(["-C", str(proj), "build"], capsys)[0] == 0  # again into its own folder


@pytest.mark.site
def test_plain_mkdocs_build_output_is_accepted_later(proj: Path) -> None:
    mkdocs = Path(sys.executable).parent / "mkdocs"
    subprocess.run([str(mkdocs), "build"], cwd=proj, env=ENV, check=True, capture_output=True,
                   timeout=300)
    assert str(proj / "site") in (proj / outdir.CACHE / "outputs.json").read_text()
    (proj / "site" / "sitemap.xml").unlink()  # recognised by the plugin's record alone
    (proj / "site" / "sitemap.xml.gz").unlink()
    shutil.rmtree(proj / "site" / "search")
    result = subprocess.run([str(BRIEFSITE), "-C", str(proj), "build"], env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


# --- machine trouble and configuration mistakes --------------------------------------------------

def test_read_only_site_parent_is_not_an_internal_error(proj: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """(Tests run as root here, so a real read-only folder would not stop them.)"""
    def read_only(parent: Path, prefix: str) -> Path:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(parent))
    monkeypatch.setattr(generator.emit, "new_folder", read_only)
    for args in (["build", "--site-dir", str(tmp_path / "ro" / "site")],
                 ["render", "--out", str(tmp_path / "ro" / "md")]):
        status, err = run(["-C", str(proj), *args], capsys)
        assert status == 1 and "Permission denied" in err


def test_read_only_project_root_is_not_an_internal_error(proj: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if self.is_relative_to(proj):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Path, "mkdir", mkdir)
    status, err = run(["-C", str(proj), "render", "--out", str(tmp_path / "md")], capsys)
    assert status == 1 and "Read-only file system" in err


def test_mkdocs_yml_without_the_plugin(proj: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = proj / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - briefsite\n", ""))
    status, err = run(["-C", str(proj), "build"], capsys)
    assert status == 1 and "'- briefsite' under 'plugins:'" in err
    assert not (proj / "site").exists()


# --- lock and leftovers (real processes) --------------------------------------------------------

def _start(proj: Path, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([str(BRIEFSITE), "-C", str(proj), "build"], stdout=out,
                                stderr=subprocess.STDOUT, env=ENV)


@pytest.mark.site
def test_leftovers_are_removed_only_while_holding_the_lock(proj: Path, tmp_path: Path) -> None:
    """A killed build's temporary folders go with the next build, but not while another build
    (here: this test, holding the lock) may be using them."""
    for name in (".site.new-deadbeef/demo", ".site.old-cafef00d/site"):
        (proj / name).mkdir(parents=True)
    (proj / outdir.CACHE).mkdir()
    with open(proj / outdir.CACHE / "build.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        log = tmp_path / "build.log"
        proc = _start(proj, log)
        deadline = time.monotonic() + 120
        while "waiting" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.05)
        assert "waiting: another briefsite build" in log.read_text()
        assert (proj / ".site.new-deadbeef").is_dir() and (proj / ".site.old-cafef00d").is_dir()
    assert proc.wait(timeout=300) == 0, log.read_text()
    assert sorted(p.name for p in proj.iterdir() if p.name.startswith(".site")) == []
    assert (proj / "site" / "index.html").is_file()


@pytest.mark.site
def test_concurrent_builds_all_succeed(proj: Path, tmp_path: Path) -> None:
    procs = [(_start(proj, tmp_path / f"b{i}.log"), tmp_path / f"b{i}.log") for i in range(4)]
    for proc, log in procs:
        assert proc.wait(timeout=600) == 0, log.read_text()
        assert "Directory not empty" not in log.read_text()
    assert sorted(p.name for p in proj.iterdir() if p.name.startswith(".site")) == []
    assert (proj / "site" / "demo" / "sources" / "index.html").is_file()
