"""Strict, positioned YAML loading.

YAML is read from its event stream (libyaml when available), so that nothing is guessed and
nothing dangerous is ever constructed:

* every scalar stays a string (``NO``, ``1.10``, ``2025-04-28`` are text until the model
  types them); only an empty plain value, ``~`` and ``null`` mean "no value";
* tags, anchors and aliases are refused before any object is built from them;
* duplicate keys are errors; nesting and file size are capped;
* every key and value keeps its line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

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

    __slots__ = ("rel", "data", "_values", "_keys", "_text")

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

    A first pass builds the data only, refusing exactly what the positioned pass refuses; any
    refusal or error sends the text through the positioned pass, which reports it. Positions of
    a valid document are read on first use (see ``Document``).
    """
    try:
        data = _data_only(text)
    except Exception:  # noqa: BLE001 - every refusal and error is reported by the positioned pass
        data = None
    if data is None:
        return _parse_positioned(text, rel)
    doc = Document(rel, data)
    doc._text = text
    return doc, []


def _parse_positioned(text: str, rel: str) -> tuple[Document | None, list[Problem]]:
    """The reference pass: data, every position, and the problem if the text is refused."""
    doc = Document(rel)
    parser = None
    try:
        parser = _Parser(text)  # the pure-Python reader already checks characters here
        events = _events(parser)
        next(events)  # StreamStart
        first = next(events)
        if isinstance(first, yaml.StreamEndEvent):
            return None, [Problem(rel, 1, 1, "file is empty", "remove the file or add content")]
        _expect_plain_document(first)
        doc.data = _node(next(events), events, (), 1, doc)
        end = next(events)
        if not isinstance(end, yaml.DocumentEndEvent):
            raise _Refused(end.start_mark, "unexpected content after the document")
        extra = next(events)
        if not isinstance(extra, yaml.StreamEndEvent):
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
        return None, [Problem(rel, 1, 1, "file is empty", "remove the file or add content")]
    return doc, []


def _events(parser: Any) -> Iterator[Any]:
    while True:
        event = parser.get_event()
        if event is None:
            return
        yield event


def _expect_plain_document(event: Any) -> None:
    if event.tags:
        raise _Refused(event.start_mark, "%TAG directives are not allowed")


_YAML_TAGS = "tag:yaml.org,2002:"


def _node(event: Any, events: Iterator[Any], path: PathKey, depth: int, doc: Document) -> Any:
    if isinstance(event, yaml.AliasEvent):
        raise _Refused(event.start_mark, f"aliases (*{event.anchor}) are not allowed",
                       "write the value out in full")
    if event.anchor is not None:
        raise _Refused(event.start_mark, f"anchors (&{event.anchor}) are not allowed",
                       "write each value out in full")
    if event.tag is not None and not (isinstance(event, yaml.ScalarEvent) and event.tag == "!"):
        tag = event.tag  # shown as written: the parser expands !!x to tag:yaml.org,2002:x
        tag = "!!" + tag[len(_YAML_TAGS):] if tag.startswith(_YAML_TAGS) else tag
        raise _Refused(event.start_mark, f"YAML tags are not allowed (found '{tag}')",
                       "remove the tag; every value is read as text and typed by the model")
    doc.values[path] = Pos(event.start_mark.line + 1, event.start_mark.column + 1)
    if isinstance(event, yaml.ScalarEvent):
        if not event.style and event.value in _NULLS:
            return None
        return event.value
    if depth > MAX_DEPTH:
        raise _Refused(event.start_mark, f"nesting is deeper than {MAX_DEPTH} levels")
    if isinstance(event, yaml.SequenceStartEvent):
        items: list[Any] = []
        for item in events:
            if isinstance(item, yaml.SequenceEndEvent):
                return items
            items.append(_node(item, events, (*path, len(items)), depth + 1, doc))
    if isinstance(event, yaml.MappingStartEvent):
        return _mapping(events, path, depth, doc)
    raise _Refused(event.start_mark, "unexpected YAML structure")


def _mapping(events: Iterator[Any], path: PathKey, depth: int, doc: Document) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key_event in events:
        if isinstance(key_event, yaml.MappingEndEvent):
            return result
        if not isinstance(key_event, yaml.ScalarEvent):
            raise _Refused(key_event.start_mark, "mapping keys must be plain text")
        if key_event.tag is not None or key_event.anchor is not None:
            raise _Refused(key_event.start_mark, "tags and anchors are not allowed on keys")
        key = key_event.value
        key_pos = Pos(key_event.start_mark.line + 1, key_event.start_mark.column + 1)
        if key in result:
            first = doc.keys[(*path, key)]
            raise _Refused(key_event.start_mark, f"duplicate key '{key}' (first at line {first.line})",
                           "a repeated key would silently replace the first value; keep one")
        doc.keys[(*path, key)] = key_pos
        result[key] = _node(next(events), events, (*path, key), depth + 1, doc)
    raise _Refused(yaml.Mark("", 0, 0, 0, None, None), "unexpected end of file")


class _Fallback(Exception):
    """Raised by the data-only pass wherever the positioned pass would refuse or fail."""


_SCALAR = yaml.ScalarEvent
_SEQ, _SEQ_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
_MAP, _MAP_END = yaml.MappingStartEvent, yaml.MappingEndEvent


def _data_only(text: str) -> Any:
    """The document's data, or ``None`` for anything the positioned pass must look at."""
    parser = _Parser(text)
    try:
        get = parser.get_event
        get()  # StreamStart
        first = get()
        if first.__class__ is not yaml.DocumentStartEvent or first.tags:
            return None
        data = _fast_node(get(), get, 1)
        if get().__class__ is not yaml.DocumentEndEvent or get().__class__ is not yaml.StreamEndEvent:
            return None
        return data
    finally:
        parser.dispose()


def _fast_node(event: Any, get: Any, depth: int) -> Any:
    cls = event.__class__
    if cls is _SCALAR:
        tag = event.tag
        if event.anchor is not None or (tag is not None and tag != "!"):
            raise _Fallback
        value = event.value
        if not event.style and value in _NULLS:
            return None
        return value
    if event.anchor is not None or event.tag is not None or depth > MAX_DEPTH:
        raise _Fallback
    depth += 1
    if cls is _MAP:
        result: dict[str, Any] = {}
        while True:
            key_event = get()
            cls = key_event.__class__
            if cls is _MAP_END:
                return result
            if cls is not _SCALAR or key_event.tag is not None or key_event.anchor is not None:
                raise _Fallback
            key = key_event.value
            if key in result:
                raise _Fallback
            result[key] = _fast_node(get(), get, depth)
    if cls is _SEQ:
        items: list[Any] = []
        append = items.append
        while True:
            item = get()
            if item.__class__ is _SEQ_END:
                return items
            append(_fast_node(item, get, depth))
    raise _Fallback


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
