"""``briefsite serve``: live reload of content/, templates/ and site_config/ edits, content errors
reported without stopping the server, and incremental rebuilds that equal a fresh build.

The projects are small generated corpora (bench/corpus.py): briefing-shaped, a few briefings.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import browser
import pytest

from generator.overlay import MARKER

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import corpus  # noqa: E402

BRIEFSITE = Path(sys.executable).parent / "briefsite"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return str(resp.read().decode("utf-8"))
    except (urllib.error.URLError, OSError):
        return None


def _fetch(url: str) -> tuple[int, str] | None:
    """Status and body of any HTTP answer (errors too); None when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return int(resp.status), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class Served:
    """A real ``briefsite serve`` subprocess on a free 127.0.0.1 port; its log in a file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.log_path = root.parent / "serve.log"
        self.port = _free_port()
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(
                [str(BRIEFSITE), "-C", str(root), "serve", "--dev-addr", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}/"
        self.wait_for(lambda: _fetch(self.base) is not None, "the server to start", timeout=120)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.proc.poll() is None, f"briefsite serve exited:\n{self.log()[-3000:]}"
            assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{self.log()[-3000:]}"
            time.sleep(0.1)

    def wait_for_page(self, rel: str, text: str, timeout: float = 60) -> str:
        seen: list[str] = []

        def shows() -> bool:
            page = _get(self.base + rel)
            seen[:] = [page or ""]
            return page is not None and text in page
        self.wait_for(shows, f"{rel} to show {text!r}", timeout)
        return seen[0]

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    server = Served(corpus.write_project(tmp_path / "project", 3))
    try:
        yield server
    finally:
        server.stop()


def test_serve_reloads_edits_and_reports_content_errors_without_stopping(served: Served) -> None:
    root, one, two = served.root, corpus.slug_of(1), corpus.slug_of(2)
    page = served.wait_for_page(f"{one}/timeline/", "<h1")
    assert "livereload" in page  # the script that makes an open page reload itself

    # A fact edited in content/: the page shows it, and only that briefing was re-rendered.
    mark = served.log().count("re-rendered briefings:")
    _edit(root / "content" / one / "timeline.yaml", 'summary: "', 'summary: "First edit zq1. ')
    served.wait_for_page(f"{one}/timeline/", "First edit zq1.")
    served.wait_for(lambda: served.log().count("re-rendered briefings:") > mark, "the rebuild log")
    assert f"re-rendered briefings: {one}; rebuilding the pages of: {one}\n" in served.log()

    # A content error: reported as path:line:col; the server keeps serving the last good site.
    _edit(root / "content" / two / "quotes.yaml", "quotes:\n", "quotes:\nquotes:\n")
    served.wait_for(lambda: f"content/{two}/quotes.yaml:2:1: duplicate key 'quotes'" in served.log(),
                    "the content error")
    served.wait_for(lambda: "still serving the last good version" in served.log(), "the summary")
    assert "First edit zq1." in (_get(served.base + f"{one}/timeline/") or "")
    assert "Traceback" not in served.log()

    # Fixed: the next edit shows up again.
    _edit(root / "content" / two / "quotes.yaml", "quotes:\nquotes:\n", "quotes:\n")
    _edit(root / "content" / two / "timeline.yaml", 'summary: "', 'summary: "Second edit zq2. ')
    served.wait_for_page(f"{two}/timeline/", "Second edit zq2.")

    # templates/ and site_config/ are watched too.
    _edit(root / "templates" / "timeline.md.j2", "# ", "# Edited template zq3 ")
    served.wait_for_page(f"{one}/timeline/", "Edited template zq3")
    _edit(root / "site_config" / "site.yaml", "title: ", "title: Edited site zq4 ")
    served.wait_for_page("", "Edited site zq4")


def _in_own_thread(func: Callable[[], None]) -> None:
    """Run ``func`` in a new thread and re-raise what it raised. Playwright's sync API refuses
    to start in a thread that already runs one (tests/browser.py's session-wide Chromium)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            func()
        except BaseException as exc:
            errors.append(exc)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.mark.browser
def test_open_page_reloads_by_itself(served: Served) -> None:
    browser.require_chromium()
    one = corpus.slug_of(1)

    def check() -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as pw:
            chromium = pw.chromium.launch(executable_path=str(browser.CHROMIUM), headless=True,
                                          args=browser.CHROMIUM_ARGS)
            try:
                page = chromium.new_context(service_workers="block").new_page()
                page.goto(served.base + f"{one}/timeline/")
                page.wait_for_selector("h1")
                assert "Edited in the browser zq5" not in page.content()
                _edit(served.root / "content" / one / "timeline.yaml", 'summary: "',
                      'summary: "Edited in the browser zq5. ')
                # No page.reload(): MkDocs' live-reload script must reload the open page.
                page.wait_for_function(
                    "document.body.innerText.includes('Edited in the browser zq5')", timeout=60_000)
            finally:
                chromium.close()
    _in_own_thread(check)


# --- incremental rebuilds equal a fresh build -------------------------------------------------

def _site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site, byte for byte (sitemaps unzipped: gzip stamps the time)."""
    files: dict[str, bytes] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        files[rel] = gzip.decompress(data) if rel.endswith(".gz") else data
    return files


def _fresh_build(root: Path, out: Path) -> dict[str, bytes]:
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([str(BRIEFSITE), "-C", str(root), "build", "--site-dir", str(out)], check=True,
                   env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True)
    return _site_files(out)


class DirtyServer:
    """What ``briefsite serve`` does on each change, without the HTTP server: a new config,
    the same plugin instances (MkDocs keeps those with on_startup), a dirty build."""

    def __init__(self, root: Path, site: Path) -> None:
        from mkdocs.config import load_config

        self.root, self.site = root, site
        self.config = lambda: load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        first = self.config()
        first.plugins.on_startup(command="serve", dirty=True)
        self.plugins = first.plugins
        self.build(first)

    def build(self, config: object = None) -> None:
        from mkdocs.commands.build import build

        build(config or self.config(), dirty=True)  # type: ignore[arg-type]

    @property
    def plugin(self) -> object:
        return self.plugins["briefsite"]

    def close(self) -> None:
        self.plugins.on_shutdown()


def _redate(folder: Path) -> None:
    """A briefing's last update moved later: the home page and the site's order change."""
    text = (folder / "briefing.yaml").read_text(encoding="utf-8")
    dated = re.sub(r"(?m)^last_updated: .*$", "last_updated: 2026-09-30", text, count=1)
    assert dated != text
    (folder / "briefing.yaml").write_text(dated, encoding="utf-8")


PLANNED = ("title (navigation)", "summary (home page)", "dates (the site's order)",
           "briefing removed", "briefing added")


def test_incremental_rebuilds_equal_a_fresh_build(tmp_path: Path) -> None:
    root = corpus.write_project(tmp_path / "project", 4)
    content = root / "content"
    live = DirtyServer(root, tmp_path / "live")
    s = [corpus.slug_of(i) for i in range(4)]

    def rendered() -> list[str]:
        return list(live.plugin.cache.rendered)  # type: ignore[attr-defined]

    def mtimes() -> dict[str, int]:
        return {p.relative_to(live.site).as_posix(): p.stat().st_mtime_ns
                for p in live.site.rglob("*.html")}

    edits: list[tuple[str, Callable[[], None], list[str] | None]] = [
        # (what, edit, briefings re-rendered; None: not checked)
        ("fact text", lambda: _edit(content / s[1] / "timeline.yaml", 'summary: "', 'summary: "Edited. '),
         [s[1]]),
        ("no visible change", lambda: _edit(content / s[1] / "timeline.yaml", "\n", "\n# a comment\n"),
         [s[1]]),
        ("title (navigation)", lambda: _edit(content / s[2] / "briefing.yaml", 'title: "', 'title: "Re '),
         [s[2]]),
        ("summary (home page)", lambda: _edit(content / s[2] / "briefing.yaml", 'summary: "',
                                              'summary: "Re '), [s[2]]),
        ("dates (the site's order)", lambda: _redate(content / s[1]), [s[1]]),
        ("template", lambda: _edit(root / "templates" / "who.md.j2", "# ", "# Edited "), None),
        ("briefing removed", lambda: shutil.rmtree(content / s[3]), []),
        ("briefing added", lambda: corpus.write_briefing(content, 9), [corpus.slug_of(9)]),
        ("two briefings", lambda: [_edit(content / x / "quotes.yaml", 'context: "', 'context: "E. ')
                                   for x in (s[0], s[1])], [s[0], s[1]]),
        ("mkdocs.yml", lambda: _edit(root / "mkdocs.yml", "    - navigation.top\n", ""), []),
        ("fact again", lambda: _edit(content / s[0] / "reactions.yaml", 'summary: "', 'summary: "Again. '),
         [s[0]]),
    ]
    try:
        for what, edit, expected in edits:
            before = mtimes()
            time.sleep(0.01)
            edit()
            live.build()
            if expected is not None:
                assert sorted(rendered()) == sorted(expected), what
            if what == "fact text":  # only the edited briefing's pages were written again
                after = mtimes()
                rewritten = {rel for rel in after if after[rel] != before.get(rel)}
                assert rewritten and {rel.split("/")[0] for rel in rewritten if "/" in rel} == {s[1]}
            if what in PLANNED:  # that briefing's pages and the home page only
                plan = live.plugin.rebuild  # type: ignore[attr-defined]
                assert plan.touched - plan.removed == {*expected, "index.md"}, what
            got, want = _site_files(live.site), _fresh_build(root, tmp_path / "fresh")
            assert sorted(got) == sorted(want), what
            assert [rel for rel in want if got[rel] != want[rel]] == [], what

        # A content error leaves the last good site as it was; after the fix it is right again.
        _edit(content / s[0] / "quotes.yaml", "quotes:\n", "quotes:\nquotes:\n")
        live.build()
        assert _site_files(live.site) == want
        _edit(content / s[0] / "quotes.yaml", "quotes:\nquotes:\n", "quotes:\n")
        _edit(content / s[0] / "timeline.yaml", 'summary: "', 'summary: "Fixed. ')
        live.build()
        assert rendered() == [s[0]]
        got, want = _site_files(live.site), _fresh_build(root, tmp_path / "fresh")
        assert [rel for rel in want if got.get(rel) != want[rel]] == []
    finally:
        live.close()


def test_a_title_edit_rebuilds_that_briefing_and_the_home_page_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: which briefings are re-rendered, which pages MkDocs converts."""
    from mkdocs.structure.pages import Page

    root = corpus.write_project(tmp_path / "project", 4)
    live = DirtyServer(root, tmp_path / "live")
    converted: list[str] = []
    render = Page.render

    def counting(self: Page, *args: object, **kwargs: object) -> None:
        converted.append(self.file.src_uri)
        render(self, *args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(Page, "render", counting)
    one, pages = corpus.slug_of(1), sorted(p for p in live.plugin.rendered.pages)  # type: ignore[attr-defined]
    try:
        for what, edit in [
            ("title", lambda: _edit(root / "content" / one / "briefing.yaml", 'title: "', 'title: "Re ')),
            ("summary", lambda: _edit(root / "content" / one / "briefing.yaml", 'summary: "', 'summary: "Re ')),
            ("dates", lambda: _redate(root / "content" / one)),
        ]:
            converted.clear()
            edit()
            live.build()
            assert live.plugin.cache.rendered == [one], what  # type: ignore[attr-defined]
            mine = [p for p in pages if p.startswith(f"{one}/")]
            assert len(mine) > 1 and sorted(converted) == sorted([*mine, "index.md"]), what
        converted.clear()  # a body edit: that briefing only, not even the home page
        _edit(root / "content" / one / "timeline.yaml", 'summary: "', 'summary: "Body. ')
        live.build()
        assert sorted(converted) == mine
    finally:
        live.close()


def _close(session: object) -> None:
    session.server.shutdown()  # type: ignore[attr-defined]
    if session.plugins is not None:  # type: ignore[attr-defined]
        session.plugins.on_shutdown()  # type: ignore[attr-defined]
    shutil.rmtree(session.site_dir, ignore_errors=True)  # type: ignore[attr-defined]


def test_served_site_after_edits_and_an_added_override_equals_a_fresh_one(tmp_path: Path) -> None:
    """``briefsite serve``'s own builds (``devserver._Session``, no HTTP): after body edits and
    an override added, the site has the files a fresh ``briefsite build`` has, and its bytes
    equal a new session's."""
    from generator import devserver

    root = corpus.write_project(tmp_path / "project", 2).resolve()
    one, port = corpus.slug_of(1), _free_port()
    live = devserver._Session(root, "127.0.0.1", port)
    extra = root / "site_config" / "overrides" / "assets" / "zq-extra.txt"
    try:
        live.build()
        assert live.server.failure is None
        for what, edit in [
            ("body", lambda: _edit(root / "content" / one / "timeline.yaml", 'summary: "',
                                   'summary: "Body zq6. ')),
            ("override added", lambda: extra.write_text("extra\n", encoding="utf-8")),
            ("body again", lambda: _edit(root / "content" / one / "timeline.yaml", 'summary: "',
                                         'summary: "Again zq7. ')),
        ]:
            edit()
            live.build()
            assert live.server.failure is None, what
            got = _site_files(Path(live.site_dir))
            assert sorted(got) == sorted(_fresh_build(root, tmp_path / "fresh")), what
        assert got["assets/zq-extra.txt"] == b"extra\n"
    finally:
        _close(live)
    fresh = devserver._Session(root, "127.0.0.1", port)  # (one at a time: MkDocs keeps one
    try:                                                 # plugin instance per process)
        fresh.build()
        want = _site_files(Path(fresh.site_dir))
    finally:
        _close(fresh)
    assert sorted(got) == sorted(want) and [rel for rel in want if got[rel] != want[rel]] == []


def test_plain_mkdocs_build_still_fails_on_content_errors(tmp_path: Path) -> None:
    """Keeping the last good site is for a dirty serve only: a build must fail."""
    from mkdocs.exceptions import Abort

    root = corpus.write_project(tmp_path / "project", 1)
    live = DirtyServer(root, tmp_path / "live")
    try:
        live.plugin.dirty = False  # type: ignore[attr-defined]  # as under plain `mkdocs serve`
        _edit(root / "content" / corpus.slug_of(0) / "quotes.yaml", "quotes:\n", "quotes:\nquotes:\n")
        with pytest.raises(Abort):
            live.build()
    finally:
        live.close()


# --- failed builds while serving; ordinary mistakes ----------------------------------------------

HOSTILE = '"<script>alert(1)</script>": x\n'


def _banner_of(page: str) -> str:
    assert MARKER in page
    return page[page.index(f'<div id="{MARKER}"'):page.index("</div>", page.index(MARKER))]


def _shows_error(served: Served, rel: str, expected: str) -> str:
    """Wait for ``rel`` to carry the banner with ``expected``; return the whole page."""
    seen: list[str] = []

    def shows() -> bool:
        got = _fetch(served.base + rel)
        seen[:] = [got[1] if got else ""]
        return MARKER in seen[0] and expected in _banner_of(seen[0])
    served.wait_for(shows, f"the error banner on {rel!r} to show {expected!r}")
    return seen[0]


def _no_error(served: Served, rel: str, text: str) -> str:
    seen: list[str] = []

    def fine() -> bool:
        got = _fetch(served.base + rel)
        seen[:] = [got[1] if got and got[0] == 200 else ""]
        return text in seen[0] and MARKER not in seen[0]
    served.wait_for(fine, f"{rel!r} to show {text!r} without the error banner")
    return seen[0]


def test_serve_shows_every_kind_of_failed_build_in_the_browser(tmp_path: Path) -> None:
    """Starting with a content error, then a template error, a broken mkdocs.yml and an
    unsupported language: every page answers (no hang), carries the escaped error, keeps the last
    good site, and the banner goes with the next good build. A later build has no banner."""
    root = corpus.write_project(tmp_path / "project", 2)
    one = corpus.slug_of(1)
    quotes = root / "content" / one / "quotes.yaml"
    good_quotes = quotes.read_text(encoding="utf-8")
    quotes.write_text(good_quotes + HOSTILE, encoding="utf-8")
    served = Served(root)
    try:
        page = _shows_error(served, "", f"content/{one}/quotes.yaml:")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _banner_of(page)
        assert "<script>alert(1)" not in page
        assert "livereload" in page  # so the page reloads by itself once fixed
        assert _fetch(served.base + "%00") == (400, "400 Bad Request: the path holds a NUL character\n")

        quotes.write_text(good_quotes, encoding="utf-8")
        _no_error(served, f"{one}/timeline/", "<h1")

        faults = [  # (file, good text, broken text, expected in the banner)
            (root / "templates" / "timeline.md.j2", None, "{{ h.nonexistent() }}\n",
             "templates/timeline.md.j2:1"),
            (root / "mkdocs.yml", None, "unknown_option: [\n", ""),
            (root / "site_config" / "site.yaml", None, "language: xx-no-such-language\n", "xx"),
            (quotes, None, good_quotes + HOSTILE, f"content/{one}/quotes.yaml:"),
        ]
        for path, _, broken, expected in faults:
            good = path.read_text(encoding="utf-8")
            if path.name == "site.yaml":
                broken = re.sub(r"(?m)^language: .*\n", broken, good)
                assert broken != good
            elif path.name == "mkdocs.yml":
                broken = good + broken
            path.write_text(broken, encoding="utf-8")
            page = _shows_error(served, f"{one}/timeline/", expected)
            assert "<h1" in page, path  # the last good page, under the banner
            assert "<script>alert(1)" not in page
            path.write_text(good, encoding="utf-8")
            _no_error(served, f"{one}/timeline/", "<h1")
        assert "Traceback" not in served.log()
    finally:
        served.stop()
    site = tmp_path / "built"
    subprocess.run([str(BRIEFSITE), "-C", str(root), "build", "--site-dir", str(site)], check=True,
                   env=dict(os.environ, NO_MKDOCS_2_WARNING="1"), capture_output=True)
    built = [p for p in site.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()]
    assert built == []


def test_ctrl_c_stops_serve_with_status_130(served: Served) -> None:
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=60) == 130, served.log()
    assert "Traceback" not in served.log()
    assert "interrupted; stopped serving" in served.log()


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    root = corpus.write_project(tmp_path / "project", 1)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(BRIEFSITE), "-C", str(root), "serve", "--dev-addr",
                                 f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=120,
                                env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert result.returncode == 1, result.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in result.stderr and "--dev-addr" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize("addr", ["localhost", "not-an-addr", "127.0.0.1:99999", "127.0.0.1:0",
                                  ":8000", "127.0.0.1:", "127.0.0.1:80a", ""])
def test_bad_dev_addr_is_a_usage_error(addr: str, capsys: pytest.CaptureFixture[str]) -> None:
    from generator import cli

    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--dev-addr", addr])
    assert exited.value.code == 2
    assert "HOST:PORT" in capsys.readouterr().err


def test_a_briefing_folder_stamp_follows_links_to_folders_without_looping(tmp_path: Path) -> None:
    """A briefing's ``sources/`` may be a link to a shared folder (the loader follows it): an
    edit there changes the fingerprint serve takes of the folder; a link to a parent folder
    (``sources/up -> ..``) or a link to itself is no loop; a link out of the project (``/``) is
    not walked (the loader refuses it)."""
    from generator.cache import stamp

    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "a.txt").write_text("a\n")
    folder = tmp_path / "content" / "demo"
    folder.mkdir(parents=True)
    (folder / "sources").symlink_to(shared)
    (shared / "up").symlink_to("..")  # the project: it holds content/demo and shared/
    (shared / "loop").symlink_to("loop")  # a link to itself
    (shared / "everything").symlink_to("/")
    before = stamp(folder, tmp_path)
    assert "sources/a.txt" in [rel for rel, _, _ in before]
    assert not [rel for rel, _, _ in before if rel.startswith("sources/everything/")]
    (shared / "a.txt").write_text("a longer text\n")
    assert stamp(folder, tmp_path) != before
