"""A fork that replaces content/kursk with its own briefing keeps the suite green.

The tests that read the project's own content (the site build, the schema of every content
file, the links, the exports, the Zensical tree) run on a copy of this repository whose only
briefing is another one: they must hold for any valid content, not for Kursk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

from generator import starter

NOT_PROJECT = (".git", ".venv", ".venv-latest", "site", ".briefsite-cache", "test-artifacts", ".tools",
               "__pycache__", ".pytest_cache", ".hypothesis", "build", "dist", "*.egg-info")
# Every module that reads the project's content/, site_config/ or built site.
ON_SHIPPED_CONTENT = ["tests/test_site.py", "tests/test_schema.py", "tests/test_export.py",
                      "tests/test_toolkit.py", "tests/test_fidelity.py", "tests/test_links.py",
                      "tests/test_portability.py", "tests/test_check_errors.py", "tests/test_render.py"]


def test_a_fork_with_other_content_passes(tmp_path: Path) -> None:
    fork = tmp_path / "fork"
    shutil.copytree(ROOT, fork, ignore=shutil.ignore_patterns(*NOT_PROJECT), symlinks=True)
    shutil.rmtree(fork / "content/kursk")
    shutil.copytree(starter.STARTER / starter.EXAMPLE_SLUG, fork / "content/riverton")
    settings = fork / "site_config/site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("  - kursk\n", "  - riverton\n"),
                        encoding="utf-8")
    assert "kursk" not in settings.read_text(encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(fork), "NO_MKDOCS_2_WARNING": "1",
           "BRIEFSITE_SKIP_VNU": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser",
         *ON_SHIPPED_CONTENT], cwd=fork, env=env, capture_output=True, text=True, timeout=900,
        check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "error" not in result.stdout.splitlines()[-1]
