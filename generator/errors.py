"""Problems reported to editors, and the exceptions that carry them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateError, TemplateSyntaxError

from .chars import for_terminal, for_terminal_lines
from .escape import UnsafeURL


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located like a compiler error.

    Attributes:
        path: File path relative to the project root, with forward slashes.
        line: 1-based line number (0 when the whole file is meant).
        col: 1-based column number (0 when the whole file is meant).
        message: What was expected and what was found.
        hint: How to fix it, when there is something useful to say.
        warning: Worth a look but not wrong for certain: ``check`` prints it as
            ``path:line:col: warning: message`` and fails on it only with ``--strict``; it never
            stops a render or a build.
    """

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    warning: bool = False

    def format(self) -> str:
        """Render as ``path:line:col: message`` plus an indented hint line.

        Paths, messages and hints quote content (file and folder names, stored texts, YAML
        values): controls, bidi and invisible characters in them are shown escaped (``\\x1b``,
        ``\\u202e``), so printing a problem cannot drive the terminal or forge a line.
        """
        path = for_terminal(self.path)
        where = path if self.line == 0 else f"{path}:{self.line}:{self.col}"
        kind = "warning: " if self.warning else ""
        text = f"{where}: {kind}{for_terminal(self.message)}"
        if self.hint:
            text += f"\n    hint: {for_terminal(self.hint)}"
        return text


class Refusal(ValueError):
    """A content value refused by a model validator, with a hint for the editor.

    Raised inside pydantic validators; ``validate.py`` reports the message at the value and
    shows the hint under it.
    """

    def __init__(self, message: str, hint: str = "", *, key: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint
        self.key = key  # a key inside the refused mapping value the message is about


class BriefsiteError(Exception):
    """Root of every error briefsite reports to a user (never shown as a traceback).

    ``str()`` is what the user is shown: controls, bidi and invisible characters from names or
    content in the message are escaped; a line after the first is indented, so no message can
    pass for a ``path:line:col`` line of its own.
    """

    def __str__(self) -> str:
        return for_terminal_lines(super().__str__()).replace("\n", "\n    ")


class ContentError(BriefsiteError):
    """The content has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the content")


class BuildError(BriefsiteError):
    """Rendering or building the site failed; the previous site was left as it was."""


@contextmanager
def user_error(root: Path, kept: str) -> Iterator[None]:
    """Report a fault of the project's templates or of the machine (a full disk, a read-only
    folder) as a ``BuildError`` (exit 1) that ends with ``kept``, not as an internal error."""
    try:
        yield
    except (OSError, TemplateError, UnsafeURL) as exc:
        raise as_build_error(exc, root, kept) from None


def as_build_error(exc: BaseException, root: Path, kept: str) -> BuildError:
    """The ``BuildError`` that ``user_error`` raises for ``exc``."""
    if isinstance(exc, OSError):
        where = f": {exc.filename}" if exc.filename else ""
        return BuildError(f"{exc.strerror or exc}{where}; {kept}")
    return BuildError(f"template error{_template_line(exc, root)}: {str(exc).rstrip('.')}; {kept}")


def _template_line(exc: BaseException, root: Path) -> str:
    """`` at templates/who.md.j2:5`` for the innermost template frame (Jinja rewrites the
    traceback so that template frames carry the template's file name and line)."""
    filename, line = None, None
    if isinstance(exc, TemplateSyntaxError):
        filename, line = exc.filename, exc.lineno
    else:
        tb = exc.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".j2", ".html")) and Path(name).is_file():
                filename, line = name, tb.tb_lineno
            tb = tb.tb_next
    if filename is None:
        return ""
    path = Path(filename).resolve()
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else filename
    return f" at {shown}:{line}"
