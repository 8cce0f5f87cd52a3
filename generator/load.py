"""Strict, positioned YAML loading.

YAML is read from its event stream (libyaml when available), so that nothing is guessed and
nothing dangerous is ever constructed:

* every scalar stays a string (``NO``, ``1.10``, ``2025-04-28`` are text until the model
  types them); only an empty plain value, ``~`` and ``null`` mean "no value";
* tags, anchors and aliases are refused before any object is built from them;
* duplicate keys are errors; nesting and file size are capped;
* every key and value keeps its line and column.

Over 300 lines on purpose: the walk and the mapping of every PyYAML/libyaml error to a line
and column live together, so what is refused and where it is reported cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem
from .paths import Refused, TooLarge, confine, read_bytes

MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20
_NULLS = {"", "~", "null"}  # as plain scalars only: style None (pure Python) or "" (libyaml)
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PathKey = tuple[int | str, ...]


@dataclass(frozen=True)
class Pos:
    """A 1-based line and column."""

    line: int
    col: int


class Document:
    """A loaded YAML file: plain data plus the position of every key and value.

    Attributes:
        rel: Path relative to the project root, as shown in problems.
        data: Nested dicts, lists, strings and ``None``.
        values: Position of the value at each path, e.g. ``("figures", 2, "id")``.
        keys: Position of the mapping key at each path.

    Positions are only needed to report problems, and most files have none: a document
    loaded by ``parse_yaml`` keeps its text and walks it again for positions the first time
    ``values``, ``keys``, ``pos`` or ``problem`` is used (same parser, same positions).
    """

    __slots__ = ("_keys", "_text", "_values", "data", "rel")

    def __init__(self, rel: str, data: Any = None, values: dict[PathKey, Pos] | None = None,
                 keys: dict[PathKey, Pos] | None = None) -> None:
        self.rel = rel
        self.data = data
        self._values = {} if values is None else values
        self._keys = {} if keys is None else keys
        self._text: str | None = None  # set when positions are still to be read from the text

    @property
    def values(self) -> dict[PathKey, Pos]:
        if self._text is not None:
            self._locate()
        return self._values

    @property
    def keys(self) -> dict[PathKey, Pos]:
        if self._text is not None:
            self._locate()
        return self._keys

    def _locate(self) -> None:
        text, self._text = self._text, None
        assert text is not None
        located, problems = _parse_positioned(text, self.rel)
        assert located is not None and not problems, "a loaded document must parse again"
        self._values, self._keys = located._values, located._keys

    def __repr__(self) -> str:
        return (f"Document(rel={self.rel!r}, data={self.data!r}, values={self.values!r}, "
                f"keys={self.keys!r})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return (self.rel, self.data, self.values, self.keys) == (other.rel, other.data, other.values,
                                                                 other.keys)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def pos(self, path: PathKey, *, key: bool = False) -> Pos:
        """Position of ``path``, or of its nearest existing ancestor."""
        path = tuple(path)
        keys, values = self.keys, self.values
        while True:
            if key and path in keys:
                return keys[path]
            if path in values:
                return values[path]
            if not path:
                return Pos(1, 1)
            path = path[:-1]

    def problem(self, path: PathKey, message: str, hint: str = "", *, key: bool = False) -> Problem:
        """A problem located at ``path`` in this file."""
        at = self.pos(path, key=key)
        return Problem(self.rel, at.line, at.col, message, hint)


class _Refused(Exception):
    def __init__(self, mark: Any, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.pos = Pos(mark.line + 1, mark.column + 1)
        self.message = message
        self.hint = hint


def read_text(path: Path, rel: str, *, max_bytes: int = MAX_BYTES,
              root: Path | None = None) -> tuple[str | None, Problem | None]:
    """Read a UTF-8 text file (BOM and CRLF accepted), or explain why it cannot be read.

    Only a regular file is read (never a FIFO or a device: see ``paths.read_bytes``); with
    ``root`` (a real path), only one whose real path lies inside the project.
    """
    try:
        if root is not None:
            path = confine(path, root)
        raw = read_bytes(path, max_bytes)
    except Refused as exc:
        line = 1 if isinstance(exc, TooLarge) else 0
        return None, Problem(rel, line, line, str(exc.strerror), exc.hint)
    except OSError as exc:
        return None, Problem(rel, 0, 0, f"cannot read file: {exc.strerror or exc}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(
            rel, line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            "save the file as UTF-8",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def load_yaml(path: Path, rel: str, *, root: Path | None = None) -> tuple[Document | None, list[Problem]]:
    """Load one YAML file strictly. Returns the document, or ``None`` and its problems.

    With ``root`` (a real path), a file whose real path is outside the project is refused.
    """
    text, problem = read_text(path, rel, root=root)
    if problem is not None:
        return None, [problem]
    assert text is not None
    return parse_yaml(text, rel)


def parse_yaml(text: str, rel: str) -> tuple[Document | None, list[Problem]]:
    """Parse YAML text strictly (see the module docstring).

    The walk records no positions on the way: most files have no problem, and positions are
    read on first use (see ``Document``). A refused text is walked again with positions, so
    that its problem can say where an earlier key was.
    """
    doc, problems = _walk(text, rel, positions=False)
    if problems:
        return _walk(text, rel, positions=True)
    assert doc is not None
    doc._text = text
    return doc, []


def _parse_positioned(text: str, rel: str) -> tuple[Document | None, list[Problem]]:
    """Data, every position, and the problem if the text is refused."""
    return _walk(text, rel, positions=True)


_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_SEQ, _SEQ_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MAP, _MAP_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_YAML_TAGS = "tag:yaml.org,2002:"
_EMPTY = "file is empty", "remove the file or add content"


class _Positions:
    """Where the walk records positions: ``None`` in place of it walks without recording."""

    __slots__ = ("keys", "values")

    def __init__(self, doc: Document) -> None:
        self.values, self.keys = doc._values, doc._keys


def _walk(text: str, rel: str, *, positions: bool) -> tuple[Document | None, list[Problem]]:
    """The one walk over libyaml's (or PyYAML's) event stream, refusing what is not plain data."""
    doc = Document(rel)
    parser = None
    try:
        parser = _Parser(text)  # the pure-Python reader already checks characters here
        get = parser.get_event
        get()  # StreamStart
        first = get()
        if first.__class__ is yaml.StreamEndEvent:
            return None, [Problem(rel, 1, 1, *_EMPTY)]
        if first.tags:
            raise _Refused(first.start_mark, "%TAG directives are not allowed")
        doc.data = _node(get(), get, (), 1, _Positions(doc) if positions else None)
        end = get()
        if end.__class__ is not yaml.DocumentEndEvent:
            raise _Refused(end.start_mark, "unexpected content after the document")
        extra = get()
        if extra.__class__ is not yaml.StreamEndEvent:
            raise _Refused(extra.start_mark, "a file must hold one YAML document, found another",
                           "remove the '---' line and what follows, or merge the documents")
    except _Refused as exc:
        return None, [Problem(rel, exc.pos.line, exc.pos.col, exc.message, exc.hint)]
    except yaml.MarkedYAMLError as exc:
        return None, [_syntax_problem(exc, rel, text)]
    except yaml.reader.ReaderError as exc:  # a control character: no mark, an offset
        return None, [_reader_problem(exc, rel, text)]
    except yaml.YAMLError as exc:
        return None, [Problem(rel, 1, 1, f"YAML error: {exc}")]
    finally:
        if parser is not None:
            parser.dispose()
    if doc.data is None:
        return None, [Problem(rel, 1, 1, *_EMPTY)]
    return doc, []


def _node(event: Any, get: Any, path: PathKey, depth: int, at: _Positions | None) -> Any:
    """One value: a string, ``None``, a list or a dict. ``path`` is kept only when recording."""
    cls = event.__class__
    if cls is _SCALAR:
        if event.anchor is not None or (event.tag is not None and event.tag != "!"):
            _refuse_decoration(event)
        if at is not None:
            at.values[path] = _pos(event)
        value = event.value
        return None if not event.style and value in _NULLS else value
    if event is None:
        raise _Refused(yaml.Mark("", 0, 0, 0, "", 0), "unexpected end of file")
    if cls is _ALIAS or event.anchor is not None or event.tag is not None:
        _refuse_decoration(event)
    if at is not None:
        at.values[path] = _pos(event)
    if depth > MAX_DEPTH:
        raise _Refused(event.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
    depth += 1
    if cls is _MAP:
        result: dict[str, Any] = {}
        while True:
            key_event = get()
            cls = key_event.__class__
            if cls is _MAP_END:
                return result
            if cls is not _SCALAR:
                raise _Refused(key_event.start_mark, "mapping keys must be plain text")
            if key_event.tag is not None or key_event.anchor is not None:
                raise _Refused(key_event.start_mark, "tags and anchors are not allowed on keys")
            key = key_event.value
            child = path
            if at is not None:
                child = (*path, key)
                if key not in result:
                    at.keys[child] = _pos(key_event)
            if key in result:
                first = f" (first at line {at.keys[child].line})" if at is not None else ""
                raise _Refused(key_event.start_mark, f"duplicate key '{key}'{first}",
                               "a repeated key would silently replace the first value; keep one")
            result[key] = _node(get(), get, child, depth, at)
    if cls is _SEQ:
        items: list[Any] = []
        append = items.append
        while True:
            item = get()
            if item.__class__ is _SEQ_END:
                return items
            append(_node(item, get, (*path, len(items)) if at is not None else path, depth, at))
    raise _Refused(event.start_mark, "unexpected YAML structure")


def _pos(event: Any) -> Pos:
    mark = event.start_mark
    return Pos(mark.line + 1, mark.column + 1)


def _refuse_decoration(event: Any) -> None:
    """Refuse an alias, an anchor or a tag, naming it as written."""
    if event.__class__ is _ALIAS:
        raise _Refused(event.start_mark, f"aliases (*{event.anchor}) are not allowed",
                       "write the value out in full")
    if event.anchor is not None:
        raise _Refused(event.start_mark, f"anchors (&{event.anchor}) are not allowed",
                       "write each value out in full")
    tag = event.tag  # shown as written: the parser expands !!x to tag:yaml.org,2002:x
    tag = "!!" + tag[len(_YAML_TAGS):] if tag.startswith(_YAML_TAGS) else tag
    raise _Refused(event.start_mark, f"YAML tags are not allowed (found '{tag}')",
                   "remove the tag; every value is read as text and typed by the model")


def _reader_problem(exc: yaml.reader.ReaderError, rel: str, text: str) -> Problem:
    """The character YAML refuses, at its line and column.

    Its offset counts characters in pure-Python PyYAML but UTF-8 bytes in libyaml; any
    occurrence of a refused character is refused, so its first occurrence is the one reported.
    """
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    at = text.find(char)
    if at < 0:
        at = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    code = ord(char[0]) if char else 0
    return Problem(rel, line, col,
                   f"YAML error: unacceptable character #x{code:04x}: "
                   "control and special characters are not allowed",
                   "remove it (most editors do not show it); the value cannot contain it")


def _syntax_problem(exc: yaml.MarkedYAMLError, rel: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.problem:
        message = f"YAML syntax error: {exc.problem} ({exc.context})"
    hint = ""
    lines = text.split("\n")
    bad = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in bad[: max(col, 1)] or "'\\t'" in str(exc.problem):
        hint = "YAML indentation must use spaces, not tabs"
    elif "mapping values are not allowed" in str(exc.problem):
        hint = "quote the value if it contains ': ' (for example summary: \"a: b\")"
    elif "could not find expected ':'" in str(exc.problem):
        hint = "check the indentation of this line and the one before"
    return Problem(rel, line, col, message, hint)
