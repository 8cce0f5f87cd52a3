"""Shared helpers and fixtures for the tests that read the built site.

Import the fixtures you use into the test module (``from browser import built_site, ...``):
pytest then finds them there. The shipped site is built once per test session however many
modules import ``built_site`` (the build is memoised here, not by pytest's fixture scope).

The browser fixtures drive Debian's Chromium (``/usr/lib/chromium/chromium``) through plain
``playwright.sync_api`` -- never ``playwright install``, which downloads a browser. A missing
Chromium is a test failure, not a skip, unless ``BRIEFSITE_SKIP_BROWSER=1`` is set.

Every browser context made here blocks service workers, aborts (and records) every request
that is not to the local test server, records and dismisses JavaScript dialogs (the sign of
injected script), and records console errors and uncaught page errors.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import add_site_files, build_tree

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM = Path(os.environ.get("BRIEFSITE_CHROMIUM", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]
SKIP_BROWSER_ENV = "BRIEFSITE_SKIP_BROWSER"
INSTALL_HINT = ("install it with: apt-get install -y chromium fonts-noto-cjk "
                "(or `make chromium`); never `playwright install`")

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


# --- the built site -------------------------------------------------------------------------

_BUILT: dict[str, Path] = {}
_BUILD_LOCK = threading.Lock()


def build_shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the shipped project (content/, templates/, site_config/) once per session."""
    with _BUILD_LOCK:
        if "site" not in _BUILT:
            os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
            from generator.build import build_site

            out = tmp_path_factory.mktemp("built") / "site"
            build_site(ROOT, site_dir=out)
            _BUILT["site"] = out
        return _BUILT["site"]


def build_project(tmp_path_factory: pytest.TempPathFactory, name: str,
                  files: dict[str, str | bytes] | None = None, copy_from: Path | None = None) -> Path:
    """Build a scratch project (memoised by ``name``): the shipped mkdocs.yml, theme overrides,
    assets and templates, plus the content of ``copy_from`` (a project folder with content/ and
    site_config/site.yaml) and/or ``files``. Returns the built site folder."""
    with _BUILD_LOCK:
        if name not in _BUILT:
            os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
            from generator.build import build_site

            base = tmp_path_factory.mktemp(name)
            root = base / "project"
            if copy_from is not None:
                shutil.copytree(copy_from, root)
            root.mkdir(exist_ok=True)
            build_tree(root, files or {})
            add_site_files(root, templates=True)
            _BUILT[name] = build_site(root, site_dir=base / "site")
        return _BUILT[name]


DEMO_FIXTURE = ROOT / "tests" / "fixtures" / "demo"


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/fixtures/demo built with the shipped theme: Markdown-special characters, Hangul,
    ``<b>`` and ``{{ }}`` in the content, a source URL with parentheses and a query."""
    return build_project(tmp_path_factory, "demo", copy_from=DEMO_FIXTURE)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site, built into a temporary folder (never the project's site/)."""
    return build_shipped(tmp_path_factory)


def html_pages(site: Path) -> list[str]:
    """Every built HTML page, as a POSIX path relative to the site root, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def page_path(rel: str) -> str:
    """``kursk/who/index.html`` -> ``kursk/who/`` (the URL a reader uses)."""
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def page_name(rel: str) -> str:
    """A file-name-safe name for a page: ``home``, ``kursk-who``, ``404``."""
    stem = page_path(rel).strip("/").removesuffix(".html")
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem) or "home"


# --- a local HTTP server --------------------------------------------------------------------

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class SiteServer:
    """The built site served over HTTP on 127.0.0.1 and an ephemeral port."""

    root: Path
    httpd: http.server.ThreadingHTTPServer
    thread: threading.Thread

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def netloc(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{host}:{port}"

    def url(self, rel: str = "") -> str:
        return self.base + page_path(rel)


def serve(root: Path) -> SiteServer:
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    return SiteServer(root, httpd, thread)


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[SiteServer]:
    server = serve(built_site)
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
    server.thread.join(timeout=5)


# --- Chromium ---------------------------------------------------------------------------------

def require_chromium() -> None:
    """Fail (or, with BRIEFSITE_SKIP_BROWSER=1, skip) when Chromium is not installed."""
    if os.access(CHROMIUM, os.X_OK):
        return
    if os.environ.get(SKIP_BROWSER_ENV) == "1":
        pytest.skip(f"{SKIP_BROWSER_ENV}=1 and Chromium is missing at {CHROMIUM}")
    pytest.fail(f"Chromium is missing at {CHROMIUM}: the browser tests need it; {INSTALL_HINT}. "
                f"To skip the browser tests explicitly, set {SKIP_BROWSER_ENV}=1.", pytrace=False)


_SHARED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium, launched once per session.

    When Chromium is missing this yields None (or skips, with BRIEFSITE_SKIP_BROWSER=1), so
    that each browser test *fails* in its own body by calling ``require_chromium()`` first: a
    failing fixture would be reported as a setup error instead.
    """
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get(SKIP_BROWSER_ENV) == "1":
            pytest.skip(f"{SKIP_BROWSER_ENV}=1 and Chromium is missing at {CHROMIUM}")
        yield None
        return
    # Each test module that imports this fixture holds its own session-scoped copy: they share
    # one Playwright and one browser (a second sync Playwright in one process is refused).
    from playwright.sync_api import sync_playwright

    if not _SHARED:
        pw = sync_playwright().start()
        _SHARED.update(pw=pw, users=0, browser=pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS))
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED["browser"].close()
            _SHARED["pw"].stop()
            _SHARED.clear()


@dataclass
class Recorder:
    """What a page did that a static briefing page must never do."""

    netloc: str
    external: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    where: str = "(no page yet)"

    def is_local(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return parts.scheme in ("http", "https") and parts.netloc == self.netloc

    def request(self, url: str) -> None:
        if not self.is_local(url) and f"{self.where}: {url}" not in self.external:
            self.external.append(f"{self.where}: {url}")

    def route(self, route: Any) -> None:
        url = route.request.url
        if self.is_local(url):
            route.continue_()
        else:
            self.request(url)
            route.abort("blockedbyclient")

    def dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{self.where}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    def console(self, message: Any) -> None:
        if message.type == "error":
            loc = message.location or {}
            self.console_errors.append(f"{self.where}: {message.text} "
                                       f"({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    def page_error(self, error: Any) -> None:
        self.page_errors.append(f"{self.where}: {error}")

    def problems(self) -> list[str]:
        return ([f"non-local request {x}" for x in self.external]
                + [f"dialog {x}" for x in self.dialogs]
                + [f"console error {x}" for x in self.console_errors]
                + [f"page error {x}" for x in self.page_errors])

    def attach(self, page: Any) -> Any:
        page.on("dialog", self.dialog)
        page.on("console", self.console)
        page.on("pageerror", self.page_error)
        page.on("request", lambda req: self.request(req.url))
        page.on("framenavigated", lambda frame: setattr(self, "where", frame.url)
                if frame == page.main_frame else None)
        return page


@dataclass
class Session:
    """A guarded browser context, its recorder and a page in it."""

    context: Any
    page: Any
    recorder: Recorder
    server: SiteServer

    def goto(self, rel: str) -> Any:
        self.recorder.where = self.server.url(rel)
        response = self.page.goto(self.server.url(rel), wait_until="load")
        return response

    def settle(self) -> None:
        """Wait until Material's JavaScript has set the page up (tables wrapped, palette)."""
        self.page.wait_for_load_state("load")
        self.page.wait_for_function("() => typeof window.document$ !== 'undefined'")


def open_session(browser: Any, server: SiteServer, *, color_scheme: str = "light",
                 viewport: dict[str, int] | None = None) -> Session:
    """A new context with service workers blocked and every non-local request aborted."""
    context = browser.new_context(service_workers="block", color_scheme=color_scheme,
                                  viewport=viewport or DESKTOP, reduced_motion="reduce")
    recorder = Recorder(server.netloc)
    context.route("**/*", recorder.route)
    context.on("request", lambda req: recorder.request(req.url))
    context.set_default_timeout(15_000)
    page = recorder.attach(context.new_page())
    return Session(context, page, recorder, server)


@pytest.fixture
def session_factory(chromium: Any, site_server: SiteServer
                    ) -> Iterator[Callable[..., Session]]:
    """``session_factory(color_scheme=..., viewport=...)``: guarded sessions, closed after."""
    made: list[Session] = []

    def make(**kwargs: Any) -> Session:
        require_chromium()
        s = open_session(chromium, site_server, **kwargs)
        made.append(s)
        return s

    yield make
    for s in made:
        s.context.close()


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot under test-artifacts/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


# --- axe-core -------------------------------------------------------------------------------

SERIOUS = {"serious", "critical"}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations over the whole page (every rule, no exclusions)."""
    return list(_axe().run(page).response["violations"])


@functools.lru_cache(maxsize=1)
def _axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def describe_violations(where: str, violations: list[dict[str, Any]]) -> list[str]:
    out = []
    for v in violations:
        nodes = v.get("nodes", [])
        first = nodes[0] if nodes else {}
        summary = " ".join((first.get("failureSummary") or "").split())
        out.append(f"{where}: {v['id']} ({v.get('impact')}) on {len(nodes)} node(s), "
                   f"e.g. {first.get('target')} {first.get('html', '')[:160]!r}: {summary[:300]}")
    return out
