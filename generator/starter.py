"""``briefsite init``: a new project that checks, builds and publishes as it is.

The files come from ``_starter/`` in the package: settings, a minimal ``mkdocs.yml`` (the
plugin adds the rest, see ``mkdocs_defaults``), a publish workflow that installs this exact
briefsite through ``requirements.txt``, the JSON Schemas editors read, and with ``example``
one small briefing built from an invented article. Nothing that exists is overwritten.
"""

from __future__ import annotations

from pathlib import Path

from . import __version__, schema
from .outdir import UsageError

STARTER = Path(__file__).parent / "_starter"
PROJECT_FILES = {  # path in the new project: file in _starter/project
    "mkdocs.yml": "mkdocs.yml",
    "site_config/site.yaml": "site.yaml",
    "site_config/docs/.gitkeep": None,
    "content/README.md": "content-readme.md",
    "requirements.txt": "requirements.txt",
    ".github/workflows/publish.yml": "publish.yml",
    ".gitignore": "gitignore.txt",
    "README.md": "README.md",
}
EXAMPLE_SLUG = "example"
EXAMPLE_NOTE = """
`content/example/` is an invented example briefing (`briefsite init --example`): its article,
town and people do not exist. Read it to see every kind of fact, then delete the folder.
"""


def files(example: bool = False) -> dict[str, str]:
    """The new project's files, ``{relative path: text}``."""
    out = {rel: _text(name, example) if name else "" for rel, name in PROJECT_FILES.items()}
    out.update({f"schema/{name}": text for name, text in schema.rendered().items()})
    if example:
        folder = STARTER / EXAMPLE_SLUG
        out.update({f"content/{EXAMPLE_SLUG}/{p.relative_to(folder).as_posix()}":
                    p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()})
    return out


def _text(name: str, example: bool) -> str:
    text = (STARTER / "project" / name).read_text(encoding="utf-8")
    return text.replace("@VERSION@", __version__).replace("@EXAMPLE@", EXAMPLE_NOTE if example else "")


def init(folder: Path, example: bool = False) -> list[str]:
    """Write a new project into ``folder`` (created if needed); returns the paths written.

    Raises:
        UsageError: A file the project needs is already there (nothing is written), or
            ``folder`` is not a folder.
    """
    tree = files(example)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is not a folder; give a new or existing folder to init")
    taken = [rel for rel in tree if (folder / rel).exists() or (folder / rel).is_symlink()]
    if taken:
        raise UsageError(f"{folder} already has {', '.join(taken[:5])}{' …' if len(taken) > 5 else ''}; "
                         "briefsite init never overwrites: choose an empty folder, or move them away")
    for rel, text in tree.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(tree)
