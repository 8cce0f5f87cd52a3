"""Problems reported to editors, and the exceptions that carry them."""

from __future__ import annotations

from dataclasses import dataclass

from .chars import for_terminal, for_terminal_lines


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located like a compiler error.

    Attributes:
        path: File path relative to the project root, with forward slashes.
        line: 1-based line number (0 when the whole file is meant).
        col: 1-based column number (0 when the whole file is meant).
        message: What was expected and what was found.
        hint: How to fix it, when there is something useful to say.
    """

    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    def format(self) -> str:
        """Render as ``path:line:col: message`` plus an indented hint line.

        Paths, messages and hints quote content (file and folder names, stored texts, YAML
        values): controls, bidi and invisible characters in them are shown escaped (``\\x1b``,
        ``\\u202e``), so printing a problem cannot drive the terminal or forge a line.
        """
        path = for_terminal(self.path)
        where = path if self.line == 0 else f"{path}:{self.line}:{self.col}"
        text = f"{where}: {for_terminal(self.message)}"
        if self.hint:
            text += f"\n    hint: {for_terminal(self.hint)}"
        return text


class Refusal(ValueError):
    """A content value refused by a model validator, with a hint for the editor.

    Raised inside pydantic validators; ``validate.py`` reports the message at the value and
    shows the hint under it.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


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
