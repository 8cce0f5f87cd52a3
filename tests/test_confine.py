"""Nothing from outside the project is read, nothing in content/ is dropped silently.

A committed symbolic link must not publish /etc/passwd or the build's environment; a content
file that is a folder, a FIFO or a broken link is reported, not taken as absent; a stray or
hidden entry in content/ is reported; loops and unreadable folders are problems (exit 1),
never internal errors; a FIFO is never opened.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, build_tree, hang_guard

from generator import cli, paths
from generator.emit import render_to
from generator.errors import BriefsiteError

SECRET = "TOP-SECRET-TOKEN-5f1d"
D = "content/demo"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the project holding secrets in every shape a link could reach."""
    return build_tree(tmp_path / "outside", {
        "art.txt": f"On Monday something happened. {SECRET}\n",
        "secret.txt": f"{SECRET}\n",
        "reactions.yaml": f"reactions: {SECRET}\n",
        "site.yaml": f"title: {SECRET}\ndescription: A test.\n",
        "overview.md.j2": f"# {SECRET}\n",
        "main.html": f"{SECRET}\n",
        "demo/briefing.yaml": str(MINIMAL[f"{D}/briefing.yaml"]).replace("Demo briefing", SECRET),
        "demo/sources.yaml": str(MINIMAL[f"{D}/sources.yaml"]),
        "demo/sources/art.txt": f"On Monday something happened. {SECRET}\n",
        "templates/overview.md.j2": f"# {SECRET}\n",
    })


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return build_tree(tmp_path / "project", {**MINIMAL, "templates/.keep": "",
                                             "site_config/docs/extra.css": "p {}\n"})


def link(root: Path, rel: str, target: Path | str) -> None:
    """Replace whatever is at ``rel`` with a symbolic link to ``target``."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    path.symlink_to(target)


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with hang_guard(30):
        status = cli.main(["-C", str(root), *args])
    out, err = capsys.readouterr()
    return status, out, err


# (link in the project, its target under `outside` or an absolute path, path reported)
LINKS = {
    "sources-folder": (f"{D}/sources", "", f"{D}/sources"),
    "sources-folder-to-etc": (f"{D}/sources", "/etc", f"{D}/sources"),
    "sources-folder-to-proc-self": (f"{D}/sources", "/proc/self", f"{D}/sources"),
    "source-text": (f"{D}/sources/art.txt", "art.txt", f"{D}/sources/art.txt"),
    "yaml-file": (f"{D}/reactions.yaml", "reactions.yaml", f"{D}/reactions.yaml"),
    "briefing-folder": (D, "demo", D),
    "content-folder": ("content", "", "content"),
    "site-yaml": ("site_config/site.yaml", "site.yaml", "site_config/site.yaml"),
    "asset-file": ("site_config/docs/secret.txt", "secret.txt", "site_config/docs/secret.txt"),
    "asset-folder": ("site_config/docs/more", "", "site_config/docs/more"),
    "asset-to-etc-passwd": ("site_config/docs/passwd", "/etc/passwd", "site_config/docs/passwd"),
    "template": ("templates/overview.md.j2", "overview.md.j2", "templates/overview.md.j2"),
    "templates-folder": ("templates", "templates", "templates"),
    "override": ("site_config/overrides/main.html", "main.html", "site_config/overrides/main.html"),
}


@pytest.mark.parametrize("case", sorted(LINKS))
def test_link_outside_the_project_is_refused(case: str, root: Path, outside: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    rel, target, shown = LINKS[case]
    if case == "content-folder":
        shutil.copytree(root / "content", outside / "content")
        target = "content"
    link(root, rel, target if target.startswith("/") else outside / target)
    status, out, err = run(root, capsys, "check")
    assert status == 1, err
    assert f"{shown}: links outside the project" in err
    assert SECRET not in out + err and "Traceback" not in err and "internal error" not in err
    status, out, err = run(root, capsys, "render", "--out", str(tmp_path / "md"))
    assert status == 1 and SECRET not in out + err
    assert not (tmp_path / "md").exists()


def test_link_into_git_folder_is_refused(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """actions/checkout keeps the deploy token in .git/config: inside the project, still refused."""
    build_tree(root, {".git/config": f"[http]\n\textraheader = AUTHORIZATION: {SECRET}\n"})
    link(root, f"{D}/sources/art.txt", "../../../.git/config")
    status, out, err = run(root, capsys, "check")
    assert status == 1
    assert f"{D}/sources/art.txt: links into a hidden file or folder" in err
    assert SECRET not in out + err


def test_links_inside_the_project_are_allowed(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(root, {"shared/art.txt": str(MINIMAL[f"{D}/sources/art.txt"]),
                      "shared/logo.svg": "<svg/>"})
    link(root, f"{D}/sources/art.txt", "../../../shared/art.txt")
    link(root, "site_config/docs/logo.svg", "../../shared/logo.svg")
    status, _, err = run(root, capsys, "check")
    assert (status, err) == (0, "")


def test_render_copies_no_asset_from_outside(root: Path, outside: Path, tmp_path: Path) -> None:
    """render_to's own guard, even if the check were skipped."""
    link(root, "site_config/docs/secret.txt", outside / "secret.txt")
    with pytest.raises(paths.Refused) as refused:
        list(paths.files_under(root / "site_config/docs", paths.real_root(root)))
    assert refused.value.filename == str(root / "site_config/docs/secret.txt")
    with pytest.raises(BriefsiteError):  # a content problem (check) or the guard's BuildError
        render_to(root, tmp_path / "md")
    assert not (tmp_path / "md").exists()


@pytest.mark.site
def test_build_publishes_nothing_from_outside(root: Path, outside: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "site_config/overrides", root / "site_config/overrides")
    link(root, "site_config/docs/more", outside)
    status, out, err = run(root, capsys, "build")
    assert status == 1 and "site_config/docs/more: links outside the project" in err
    assert not (root / "site").exists()
    assert SECRET not in out + err


# --- loops ------------------------------------------------------------------------------------

@pytest.mark.parametrize("rel,target", [
    (f"{D}/reactions.yaml", "reactions.yaml"),
    (f"{D}/sources/art.txt", "art.txt"),
    ("content/loop", "loop"),
    ("site_config/docs/up", "."),
    ("site_config/docs/a/b", ".."),
    ("templates/overview.md.j2", "overview.md.j2"),
])
def test_symlink_loop_is_a_problem(rel: str, target: str, root: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    link(root, rel, target)
    status, _, err = run(root, capsys, "check")
    assert status == 1, err
    assert f"{rel}: symbolic link loop" in err
    assert "internal error" not in err and "Traceback" not in err


# --- silent drops -----------------------------------------------------------------------------

def make_fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    os.mkfifo(path)


@pytest.mark.parametrize("shape", ["folder", "fifo", "broken-link"])
@pytest.mark.parametrize("name", ["reactions.yaml", "briefing.yaml", "sources/art.txt"])
def test_content_file_of_the_wrong_kind_is_reported(shape: str, name: str, root: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = root / D / name
    if path.exists():
        path.unlink()
    if shape == "folder":
        path.mkdir()
    elif shape == "fifo":
        make_fifo(path)
    else:
        path.symlink_to("missing.yaml")
    status, _, err = run(root, capsys, "check")  # a FIFO opened for reading would block here
    assert status == 1, err
    expected = {"folder": "is a folder, not a regular file", "fifo": "is a FIFO",
                "broken-link": "symbolic link to a missing file"}[shape]
    assert f"{D}/{name}: {expected}" in err
    assert "internal error" not in err


@pytest.mark.parametrize("files,reported", [
    ({"content/.x/briefing.yaml": "title: hidden\n"}, "content/.x: hidden folder"),
    ({"content/notes.txt": "notes\n"}, "content/notes.txt: 'notes.txt' is not a briefing folder"),
    ({"content/.env": "TOKEN=1\n"}, "content/.env: hidden file"),
])
def test_stray_entry_in_content_is_reported(files: dict[str, str | bytes], reported: str,
                                            root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(root, files)
    status, _, err = run(root, capsys, "check")
    assert status == 1
    assert reported in err


def test_fifo_and_broken_link_in_content_are_reported(root: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    make_fifo(root / "content/pipe")
    (root / "content/gone").symlink_to("nowhere")
    status, _, err = run(root, capsys, "check")
    assert status == 1
    assert "content/pipe: 'pipe' is not a briefing folder" in err
    assert "content/gone: symbolic link to a missing file" in err


def test_fifo_in_assets_is_reported_not_opened(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_fifo(root / "site_config/docs/pipe")
    status, _, err = run(root, capsys, "check")
    assert status == 1
    assert "site_config/docs/pipe: is a FIFO" in err


def test_tolerated_files_in_content(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_tree(root, {"content/README.md": "# Content\n", "content/.DS_Store": b"\0\0",
                      "content/.gitkeep": ""})
    status, _, err = run(root, capsys, "check")
    assert (status, err) == (0, "")


@pytest.mark.parametrize("folder", [D, "content", f"{D}/sources"])
def test_unreadable_folder_is_a_problem(folder: str, root: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """chmod 000 does not stop root (tests run as root here): the OS refusal is simulated."""
    real_listdir = os.listdir
    denied = os.path.realpath(root / folder)

    def listdir(path: str | os.PathLike[str] = ".") -> list[str]:
        if os.path.realpath(path) == denied:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_listdir(path)

    monkeypatch.setattr(os, "listdir", listdir)
    if folder.endswith("sources"):  # only listed for a hint: make the file missing too
        (root / D / "sources/art.txt").rename(root / D / "sources/other.txt")
    status, _, err = run(root, capsys, "check")
    assert status == 1
    assert "internal error" not in err
    if not folder.endswith("sources"):
        assert f"{folder}: cannot read folder: permission denied" in err


def test_read_bytes_refuses_devices_quickly() -> None:
    with hang_guard(10), pytest.raises(paths.Refused, match="character device"):
        paths.read_bytes(Path("/dev/zero"), 1024)
