"""YAML written for editors to fill in: new briefings and candidate facts.

* ``briefsite new``: a briefing folder that already passes ``briefsite check`` (a draft dated
  today, with one placeholder source whose stored text says what to put in the folder);
  the result is checked before anything is written.
* ``briefsite extract``: the candidates ``extract.py`` finds, as items ready to paste into
  quotes.yaml, figures.yaml and timeline.yaml.

Values are always written by the YAML emitter (a title or a quotation is user input: it is
never pasted into YAML text).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from .briefing import load_briefing
from .chars import for_terminal_lines
from .errors import BriefsiteError
from .extract import Candidate, slugify
from .model import is_slug
from .publishing import PLACEHOLDER_LABEL, PLACEHOLDER_NOTES, PLACEHOLDER_SUMMARY

PLACEHOLDER = "sources/placeholder.txt"
PLACEHOLDER_TEXT = """\
Placeholder source of a new briefing.

Store each article this briefing is built from as a UTF-8 plain-text file in this folder, for
example sources/upi.txt, and list it in sources.yaml with an id and a label. Then delete this
file and its entry in sources.yaml.

Every quote and excerpt in the briefing must be found word for word in these stored texts.
`briefsite extract sources/upi.txt` lists the quotations, numbers and dates of an article,
with YAML ready to paste.
"""
_EXAMPLES = {
    "briefing.yaml": """
# event_date and last_updated are today's date as placeholders: set event_date to the day
# (or month, season, year) the sources give for the event.
# Key takeaways, each citing the sources that support it, for example:
# takeaways:
#   - text: One sentence that a source states.
#     citations:
#       - source: placeholder
#         excerpt: Placeholder source of a new briefing
# Set status: published when the briefing is ready (drafts are hidden unless
# site_config/site.yaml says show_drafts: true).
""",
    "sources.yaml": """
# Add one entry per stored article:
#   - id: upi
#     file: sources/upi.txt
#     label: UPI (Paul Godfrey)
#     outlet: UPI                 # only when the text states it
#     published: 2025-04-28       # only when the text states it
""",
}


def _schema_line(name: str) -> str:
    return f"# yaml-language-server: $schema=../../schema/{name.removesuffix('.yaml')}.schema.json\n"


class _Dumper(yaml.SafeDumper):
    """Safe YAML in the style of the docs: indented lists, dates unquoted (they are text to
    briefsite's loader, and to YAML 1.2 editors, either way)."""

    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
        key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()}

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def dump(data: object) -> str:
    """YAML text of plain data (dicts, lists, strings, integers), safely quoted."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def files(slug: str, title: str, today: dt.date) -> dict[str, str]:
    """The new briefing's files, ``{path relative to its folder: text}``."""
    day = today.isoformat()
    briefing = {
        "title": title,
        "summary": PLACEHOLDER_SUMMARY,
        "event_date": day,
        "last_updated": day,
        "status": "draft",
        "changelog": [{"date": day, "summary": "Draft started."}],
    }
    sources = {"sources": [{
        "id": "placeholder",
        "file": PLACEHOLDER,
        "label": PLACEHOLDER_LABEL,
        "notes": PLACEHOLDER_NOTES,
    }]}
    return {
        "briefing.yaml": _schema_line("briefing.yaml") + dump(briefing) + _EXAMPLES["briefing.yaml"],
        "sources.yaml": _schema_line("sources.yaml") + dump(sources) + _EXAMPLES["sources.yaml"],
        PLACEHOLDER: PLACEHOLDER_TEXT,
    }


def new_briefing(root: Path, slug: str, title: str | None = None,
                 today: dt.date | None = None) -> Path:
    """Create ``content/SLUG/`` under ``root`` and return it.

    Args:
        root: Project root (holding ``content/``).
        slug: The briefing's id and folder name.
        title: Headline; defaults to the slug in words.
        today: Date for ``event_date``, ``last_updated`` and the changelog (default: today).

    Raises:
        BriefsiteError: The slug is invalid, the folder exists, or the title is unusable.
    """
    if not is_slug(slug):
        raise BriefsiteError(f"'{slug}' is not a valid briefing id: use lowercase letters, digits "
                             "and single hyphens, e.g. kursk-2025")
    folder = root / "content" / slug
    if folder.exists():
        raise BriefsiteError(f"{folder} already exists; choose another slug or edit that briefing")
    title = " ".join((title if title is not None else slug.replace("-", " ").capitalize()).split())
    if not title:
        raise BriefsiteError("the title must not be blank")
    tree = files(slug, title, today or dt.date.today())
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{slug}.new-", dir=folder.parent))
    try:
        staged = tmp / slug
        for rel, text in tree.items():
            path = staged / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        briefing, problems = load_briefing(staged, tmp)
        if briefing is None:
            raise BriefsiteError("cannot create the briefing: " + "; ".join(
                p.format().replace("\n", " ") for p in problems))
        staged.rename(folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


SECTIONS = (("quote", "quotes", "quotes.yaml"), ("number", "figures", "figures.yaml"),
            ("date", "events", "timeline.yaml"))


def item(c: Candidate, uid: str, source: str) -> dict[str, Any]:
    """The YAML item for one candidate, citing ``source``; guesses and ``TODO`` to replace."""
    if c.kind == "quote":  # a quote's text is verified itself: no excerpt needed
        return {"id": uid, "speaker": slugify(c.who or "", "unknown-speaker"), "text": c.text,
                "context": "TODO: who said it, when and where", "citations": [{"source": source}]}
    cite = {"source": source, "excerpt": c.excerpt}
    if c.kind == "date":
        return {"id": uid, "date": c.date or "TODO", "summary": "TODO: what happened",
                "citations": [cite]}
    values = {k: "TODO" if c.number[k] is None else c.number[k]
              for k in ("value", "low", "high") if k in c.number}
    return {"id": uid, "metric": "TODO: what is counted", "unit": c.number["unit"] or "TODO",
            "estimates": [{"id": f"l{c.line}", **values, "qualifier": c.number["qualifier"],
                           "estimators": [slugify(c.who or "", "unknown")], "citations": [cite]}]}


def items(candidates: list[Candidate], source: str) -> list[tuple[Candidate, dict[str, Any]]]:
    """Each candidate with its item; ids (``l<line>-<first words>``) are unique per kind."""
    out, seen = [], set()
    for c in candidates:
        base = f"l{c.line}-" + slugify(" ".join(c.text.split()[:5]))
        uid, n = base, 1
        while (c.kind, uid) in seen:
            n += 1
            uid = f"{base}-{n}"
        seen.add((c.kind, uid))
        out.append((c, item(c, uid, source)))
    return out


def _note(c: Candidate) -> str:
    extra = {"quote": f"speaker: {c.who or 'not named'}", "number": f"source: {c.who or 'not named'}",
             "date": f"date: {c.date or 'unresolved'}"}[c.kind]
    return " ".join(f"line {c.line}: {c.text[:70]} ({extra})".split())


def _indented(data: dict[str, Any], indent: str) -> str:
    return "".join(f"{indent}{line}\n" for line in dump([data]).splitlines())


def as_yaml(found: list[tuple[Candidate, dict[str, Any]]], header: str) -> str:
    """One YAML document, ``quotes:``, ``figures:`` and ``events:``, each item commented."""
    out = [f"# {' '.join(header.split())}\n",
           "# Guesses: replace every TODO, check every id, speaker and date.\n"]
    for kind, key, _ in SECTIONS:
        chosen = [(c, data) for c, data in found if c.kind == kind]
        out.append(f"{key}:{'' if chosen else ' []'}\n")
        out += [f"  # {_note(c)}\n" + _indented(data, "  ") for c, data in chosen]
    return for_terminal_lines("".join(out))  # an article's ESC or bidi control stays escaped


def as_text(found: list[tuple[Candidate, dict[str, Any]]], header: str) -> str:
    """Readable listing: each candidate with its line, excerpt and item."""
    out = [header + "\n"]
    for kind, key, file in SECTIONS:
        chosen = [(c, data) for c, data in found if c.kind == kind]
        out.append(f"\n== {len(chosen)} {key} (paste into {file} under {key}:)\n")
        for c, data in chosen:
            excerpt = "" if kind == "quote" else f"    excerpt: {c.excerpt}\n"
            out.append(f"\n{_note(c)}\n{excerpt}" + _indented(data, "    "))
    return for_terminal_lines("".join(out))
