"""Publishing discipline (generator/publishing.py): placeholders of ``new`` and ``extract`` in a
published briefing are refused (goldens: published-holds-*), and a published briefing changed
since the last commit without a new ``last_updated`` or changelog entry is a warning, said only
where git history is there to compare with."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import MINIMAL, build_tree

from generator import cli
from generator.publishing import unrecorded_changes

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
B = "content/demo/briefing.yaml"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, timeout=30)


def committed(root: Path) -> Path:
    build_tree(root, MINIMAL)
    git(root, "init", "-q")
    git(root, "config", "user.name", "Test")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    return root


def edit(root: Path, old: str, new: str, name: str = B) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(root: Path, capsys: pytest.CaptureFixture[str], *flags: str) -> tuple[int, str]:
    status = cli.main(["-C", str(root), "check", *flags])
    return status, capsys.readouterr().err


def test_a_change_without_last_updated_is_a_warning(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = committed(tmp_path / "p")
    assert check(root, capsys) == (0, "")  # unchanged since the commit
    edit(root, "summary: A demo.", "summary: A demo, revised.")
    status, err = check(root, capsys)
    assert status == 0
    assert err.startswith("content/demo/briefing.yaml:4:15: warning: briefing 'demo' changed")
    assert check(root, capsys, "--strict")[0] == 1
    edit(root, "last_updated: 2025-05-01", "last_updated: 2025-05-02")
    assert check(root, capsys, "--strict") == (0, "")


def test_a_changed_source_text_or_file_counts_and_a_changelog_entry_records_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = committed(tmp_path / "p")
    edit(root, "Kim said.", "Kim said. More later.", "content/demo/sources/art.txt")
    assert "warning: briefing 'demo' changed" in check(root, capsys)[1]
    edit(root, "status: published\n", "status: published\nchangelog:\n  - date: 2025-05-01\n"
                                      "    summary: Source text updated.\n")
    assert check(root, capsys, "--strict") == (0, "")


def test_silent_without_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No repository, no commit yet, a new briefing, a draft, a shallow clone: nothing to say."""
    plain = build_tree(tmp_path / "plain", MINIMAL)
    edit(plain, "summary: A demo.", "summary: Changed.")
    assert check(plain, capsys, "--strict") == (0, "")
    fresh = build_tree(tmp_path / "fresh", MINIMAL)
    git(fresh, "init", "-q")
    edit(fresh, "summary: A demo.", "summary: Changed.")
    assert check(fresh, capsys, "--strict") == (0, "")
    root = committed(tmp_path / "p")
    edit(root, "status: published", "status: draft")
    assert check(root, capsys, "--strict") == (0, "")
    git(root, "checkout", "-q", "--", ".")
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{root}", str(tmp_path / "ci")],
                   check=True, capture_output=True, timeout=30)
    edit(tmp_path / "ci", "summary: A demo.", "summary: Changed.")
    assert check(tmp_path / "ci", capsys, "--strict") == (0, "")


def test_silent_when_git_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = committed(tmp_path / "p")
    edit(root, "summary: A demo.", "summary: Changed.")
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))
    from generator.pipeline import load_site
    site, _ = load_site(root)
    assert site is not None
    assert unrecorded_changes(root, [(b.slug, b.meta) for b in site.briefings]) == []


def test_a_project_inside_a_larger_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    build_tree(repo / "site", MINIMAL)
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.invalid")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first")
    edit(repo / "site", "summary: A demo.", "summary: Changed.")
    assert "warning: briefing 'demo' changed" in check(repo / "site", capsys)[1]


def test_a_draft_keeps_its_placeholders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = build_tree(tmp_path / "p", MINIMAL)
    edit(root, "  - text: Something happened.", '  - text: "TODO: what happened"')
    assert check(root, capsys)[0] == 1
    edit(root, "status: published", "status: draft")
    assert check(root, capsys, "--strict")[0] == 0
