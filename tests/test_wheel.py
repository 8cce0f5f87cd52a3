"""A new user's first minutes, outside this repository: install the wheel, init, build, serve.

The wheel is built from this checkout and installed without its dependencies into a fresh
venv outside the repository; the dependencies come from this project's .venv through a
``.pth`` line (no network). Only the installed wheel's files are used: not the repository's
templates, overrides or CSS.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """``(bin folder of a fresh venv holding only the wheel, environment to run it in)``."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NO_MKDOCS_2_WARNING",
                                                            "VIRTUAL_ENV")}
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                 "-w", tmp / "dist", ROOT, cwd=tmp, env=env)
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("briefsite-*.whl")
    venv = tmp / "venv"
    assert _run(sys.executable, "-m", "venv", venv, cwd=tmp, env=env).returncode == 0
    (site_packages,) = (venv / "lib").glob("python*/site-packages")
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "mkdocs").is_dir())
    (site_packages / "zz-briefsite-test-deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    pip = _run(venv / "bin/python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel,
               cwd=tmp, env=env)
    assert pip.returncode == 0, pip.stderr
    where = _run(venv / "bin/python", "-c", "import generator; print(generator.__file__)", cwd=tmp, env=env)
    assert Path(where.stdout.strip()).is_relative_to(site_packages), where.stdout  # the wheel, not the checkout
    return venv / "bin", env


def test_init_build_from_the_wheel(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    init = _run(bin_dir / "briefsite", "init", "site", "--example", cwd=tmp_path, env=env)
    assert init.returncode == 0, init.stderr
    project = tmp_path / "site"
    build = _run(bin_dir / "briefsite", "build", cwd=project / "content/example", env=env)  # found from inside
    assert build.returncode == 0, build.stderr
    assert build.stderr == ""  # no warning, no end-of-life banner
    site = project / "site"
    for page in ("", "who/", "timeline/", "numbers/", "reactions/", "sources/"):
        assert (site / "example" / page / "index.html").is_file(), page
    assert {"briefings.json", "feed.xml", "index.html"} <= {p.name for p in site.iterdir()}
    assert (site / "assets/briefsite.css").is_file() and (site / "search/search_index.json").is_file()
    numbers = (site / "example/numbers/index.html").read_text(encoding="utf-8")
    assert "{: #" not in numbers and "<svg" in numbers and 'aria-label="Search"' in numbers
    _nothing_third_party(site)


def _nothing_third_party(site: Path) -> None:
    far = r"""(?:https?:)?//(?!127\.0\.0\.1|localhost)"""
    for path in site.rglob("*"):
        if path.suffix not in (".html", ".css", ".js"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            loads = re.findall(rf'src="{far}[^"]*"', text) + re.findall(rf'<link[^>]+href="{far}[^"]*"', text)
        elif path.suffix == ".css":
            loads = re.findall(rf"url\(\s*['\"]?{far}", text) + re.findall(r"@import", text)
        else:
            loads = re.findall(rf"""(?:src|href)\s*=\s*["']{far}""", text)
        assert loads == [], f"{path.relative_to(site)} loads {loads[:3]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_from_the_wheel(installed: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bin_dir, env = installed
    assert _run(bin_dir / "briefsite", "init", "site", "--example", cwd=tmp_path, env=env).returncode == 0
    port = _free_port()
    proc = subprocess.Popen([str(bin_dir / "briefsite"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
                            cwd=tmp_path / "site", env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        page = None
        deadline = time.monotonic() + 120
        while page is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/example/", timeout=5) as resp:
                    page = resp.read().decode("utf-8")
            except OSError:
                time.sleep(0.3)
        assert page is not None and "Riverton" in page, proc.stdout.read() if proc.poll() is not None else ""
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM
