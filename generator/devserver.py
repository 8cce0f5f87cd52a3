"""``briefsite serve``: MkDocs' dev server that keeps serving while a build fails.

MkDocs' own ``serve`` holds every request while the last rebuild failed ("The server will
appear stuck") and exits when the first build fails. Here a failed build is reported in the
terminal and on every served page (``overlay``), the last good site stays served (a page of its
own when there is none yet), and the banner goes away with the next good build. The server
binds its address before the first build, so a port in use is reported at once.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import traceback
from pathlib import Path
from typing import Any

import mkdocs.commands.serve as mkdocs_serve  # its `build`, looked up per call (bench wraps it)
from jinja2 import TemplateError
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer, _serve_url

from . import overlay
from .build import mkdocs_config
from .errors import BriefsiteError, BuildError, as_build_error
from .escape import UnsafeURL
from .mkdocs_parts import watch_sources

log = logging.getLogger("briefsite.serve")
_KEPT = "still serving the last good version"
POLL_S = 0.25
"""Seconds between two polls of the watched files: half MkDocs' 0.5 s (an edit waits 0.125 s
on average before its rebuild starts). Polling, as MkDocs does, and not inotify: polling also
hears symlinked folders, network and VM-shared mounts, a watched folder replaced whole, and
never runs out of inotify watches."""


class _Server(LiveReloadServer):
    """Binds early, answers 400 to a path with a NUL, shows the last failure on each page, and
    polls the watched files every ``POLL_S`` (MkDocs: 0.5 s)."""

    failure: str | None = None
    _bound = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs, polling_interval=POLL_S)

    def bind(self) -> None:
        self.server_bind()
        self.server_activate()
        self._bound = True

    def server_bind(self) -> None:
        if not self._bound:
            super().server_bind()

    def server_activate(self) -> None:
        if not self._bound:
            super().server_activate()

    def serve_request(self, environ: dict[str, Any], start_response: Any) -> Any:
        if "\x00" in environ.get("PATH_INFO", ""):  # %00: no file has such a name
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"400 Bad Request: the path holds a NUL character\n"]
        return super().serve_request(environ, start_response)

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        failure = self.failure
        return overlay.inject(content, failure) if failure else content

    def error_page(self, code: int) -> bytes | None:
        page = Path(self.root) / f"{code}.html"
        if code in (404, 500) and page.is_file():
            content = page.read_bytes()
        elif self.failure:
            content = overlay.PLACEHOLDER
        else:
            return None
        return self._inject_js_into_html(content, self._visible_epoch)


class _Capture(logging.Handler):
    """Collects what MkDocs logs at WARNING and above during one build, for the banner."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class _Session:
    def __init__(self, root: Path, host: str, port: int) -> None:
        self.root, self.config_file = root, root / "mkdocs.yml"
        self.site_dir = tempfile.mkdtemp(prefix="briefsite-serve-")
        self.plugins: Any = None
        self.url = _serve_url(host, port, "/")
        self.server = _Server(builder=self.build, host=host, port=port, root=self.site_dir)
        self.server.error_handler = self.server.error_page

    def config(self) -> Any:
        config = mkdocs_config(self.root, Path(self.site_dir), kept=_KEPT)
        if self.plugins is None:  # MkDocs keeps this plugin instance (and its cache) from now on
            config.plugins.on_startup(command="serve", dirty=True)
            self.plugins = config.plugins
        config.site_url = self.url
        return config

    def build(self, config: Any = None) -> Any:
        """One build. A failure is shown in the terminal and on every page, never raised."""
        capture = _Capture()
        if self.plugins is not None:  # not the previous build's problems, if this one fails early
            self.plugins["briefsite"].problems = []
        logging.getLogger("mkdocs").addHandler(capture)
        try:
            config = config or self.config()
            mkdocs_serve.build(config, serve_url=self.url, dirty=True)
            problems = config.plugins["briefsite"].problems
            self.server.failure = "\n".join(p.format() for p in problems) or None
        except (MkDocsException, BriefsiteError, TemplateError, OSError, UnsafeURL) as exc:
            self._failed(exc, capture.lines)
        except Exception as exc:  # a bug in briefsite or a plugin: keep serving, say so
            traceback.print_exc()
            self._failed(exc, [f"internal error: {type(exc).__name__}: {exc} (please report it)"])
        finally:
            logging.getLogger("mkdocs").removeHandler(capture)
        return config

    def _failed(self, exc: BaseException, logged: list[str]) -> None:
        problems = self.plugins["briefsite"].problems if self.plugins is not None else []
        if problems:  # already printed as path:line:col by the plugin
            lines = [p.format() for p in problems]
        elif isinstance(exc, (TemplateError, OSError, UnsafeURL)):
            lines = [str(as_build_error(exc, self.root, _KEPT))]
            log.error(lines[0])
        else:
            lines = [*logged, str(exc)] if str(exc) not in logged else logged
            if str(exc) not in logged:  # MkDocs logged the rest already
                log.error(str(exc))
        self.server.failure = "\n".join(lines)
        log.error(f"the build failed; {_KEPT}" if Path(self.site_dir, "index.html").is_file()
                  else "the build failed; every page shows the error until it is fixed")

    def watch(self, config: Any) -> None:
        self.server.watch(str(self.config_file))
        watch_sources(self.server, self.root)  # also when no config could be loaded yet
        if config is not None and self.plugins is not None:
            self.server = config.plugins.on_serve(self.server, config=config, builder=self.build)
            for item in config.watch:
                self.server.watch(item)


def serve(root: Path, host: str, port: int) -> None:
    """Serve the project at ``root`` on ``host:port`` until interrupted."""
    session = _Session(root.resolve(), host, port)
    try:
        try:
            session.server.bind()
        except OSError as exc:
            raise BuildError(f"cannot serve on {host}:{port}: {exc.strerror or exc}; choose "
                             "another address with --dev-addr HOST:PORT") from None
        config = session.build()
        session.watch(config)
        try:
            session.server.serve()
        finally:
            session.server.shutdown()
    finally:
        if session.plugins is not None:
            session.plugins.on_shutdown()
        shutil.rmtree(session.site_dir, ignore_errors=True)
