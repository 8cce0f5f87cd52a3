"""The build cache (issue 15): reused briefings give the cold build's bytes, and a stale,
corrupt, foreign or tampered entry is never served.

What was rebuilt is counted from ``Built.reused`` (and the summary line), never from timing.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
import shutil
import sys
from pathlib import Path

import pytest
from conftest import ROOT, tree_bytes

from generator import buildkey
from generator.build import Built, build
from generator.buildcache import FOLDER, MANIFEST, PICKLE
from generator.cli import main
from generator.outdir import CACHE
from generator.render import default_templates

sys.path.insert(0, str(ROOT / "bench"))
import corpus

pytestmark = pytest.mark.slow
FACTS = 20
SLUGS = [f"briefing-{i:04d}" for i in range(4)]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four generated briefings with a site URL (so the sitemap lists every page)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = corpus.write_project(tmp_path / "p", 4, FACTS)
    with (root / "site_config/site.yaml").open("a", encoding="utf-8") as f:
        f.write("site_url: https://example.org/news/\n")
    return root


def _build(root: Path, name: str = "site", **kw: object) -> Built:
    return build(root, site_dir=root.parent / name, jobs=kw.pop("jobs", 1), **kw)  # type: ignore[arg-type]


def _cold(root: Path) -> dict[str, bytes]:
    """The site a one-process build without the cache makes of the project as it is now."""
    out = _build(root, "cold", cache=False).target
    found = tree_bytes(out)
    shutil.rmtree(out)
    return found


def _entries(root: Path) -> dict[str, Path]:
    """slug → its entry folder."""
    found = {}
    for folder in (root / CACHE / FOLDER).iterdir():
        found[json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["slug"]] = folder
    return found


def _edit_event(root: Path, slug: str, marker: str = "Edited") -> None:
    path = root / "content" / slug / "timeline.yaml"
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r'(  - id: event-0\n    date: [^\n]*\n    summary: )"', rf'\1"{marker} ', text,
                    count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


@pytest.mark.parametrize("jobs", [1, 2])
def test_cached_builds_equal_cold_builds(site: Path, jobs: int) -> None:
    cold = _cold(site)
    first = _build(site, jobs=jobs)
    assert (first.reused, first.briefings) == (0, 4)
    assert tree_bytes(first.target) == cold
    again = _build(site, jobs=jobs)
    assert again.reused == 4
    assert tree_bytes(again.target) == cold
    assert not (again.target / CACHE).exists() and not list(again.target.rglob("*.pickle"))


def test_editing_one_briefing_rebuilds_only_it(site: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _build(site)
    _edit_event(site, "briefing-0001")
    edited = _build(site)
    assert edited.reused == 3
    assert tree_bytes(edited.target) == _cold(site)
    path = site / "content/briefing-0002/briefing.yaml"  # a title: its pages and the home page
    path.write_text(re.sub(r'(?m)^title: "', 'title: "Retitled ', path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    home = (edited.target / "index.html").read_bytes()
    assert main(["-C", str(site), "build", "--jobs", "2", "--site-dir", str(edited.target)]) == 0
    line = capsys.readouterr().out
    assert re.match(r"built 4 briefings \(1 rebuilt, 3 reused\), 25 pages in \d+\.\d s → ", line), line
    assert (edited.target / "index.html").read_bytes() != home
    assert tree_bytes(edited.target) == _cold(site)
    assert sorted(_entries(site)) == SLUGS  # the old entries of both were pruned
    assert len(list((site / CACHE / FOLDER).iterdir())) == 4


def _template(root: Path, line: str = "A project's own line.") -> str:
    """Add ``line`` to the project's who.md.j2 (made from the shipped one); its old text."""
    path = root / "templates/who.md.j2"
    old = path.read_text(encoding="utf-8") if path.is_file() else None
    path.parent.mkdir(exist_ok=True)
    path.write_text((old or (default_templates() / "who.md.j2").read_text(encoding="utf-8")) +
                    f"\n{line}\n", encoding="utf-8")
    return old if old is not None else ""


def _append(rel: str, text: str) -> object:
    def change(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as f:
            f.write(text)
    return change


CHANGES = {
    "template": _template,
    "css": _append("site_config/docs/assets/briefsite.css", "\nbody { color: #111; }\n"),
    "override": _append("site_config/overrides/main.html", "\n{# a comment #}\n"),
    "site.yaml": lambda root: (root / "site_config/site.yaml").write_text(
        (root / "site_config/site.yaml").read_text(encoding="utf-8").replace(
            "copyright: Generated", "copyright: Made"), encoding="utf-8"),
    "mkdocs.yml": _append("mkdocs.yml", "\ncopyright: Set in mkdocs\n"),
    "mkdocs.yml plugin list": lambda root: (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text(encoding="utf-8").replace("  - search\n", ""),
        encoding="utf-8"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_shared_input_invalidates_every_entry(site: Path, change: str) -> None:
    _build(site)
    CHANGES[change](site)  # type: ignore[operator]
    after = _build(site)
    assert after.reused == 0
    assert tree_bytes(after.target) == _cold(site)


def test_a_package_version_invalidates_every_entry(site: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _build(site)
    real = buildkey.version
    monkeypatch.setattr(buildkey, "version",
                        lambda name: "99.0" if name == "mkdocs-material" else real(name))
    assert _build(site).reused == 0
    monkeypatch.setattr(buildkey, "version", real)
    assert _build(site).reused == 0  # the entries of 99.0 replaced those of the real version


def test_mkdocs_yml_is_compared_normalised(site: Path) -> None:
    _build(site)
    text = (site / "mkdocs.yml").read_text(encoding="utf-8")
    (site / "mkdocs.yml").write_text("# a comment\n" + text.replace("site_name: briefsite",
                                                                    "site_name:   'briefsite'"),
                                     encoding="utf-8")
    assert _build(site).reused == 4
    (site / "mkdocs.yml").write_text(text.replace("site_dir: site", "site_dir: !ENV [OUT_X, site]"),
                                     encoding="utf-8")
    assert _build(site).reused == 0  # another value; then !ENV's value counts
    os.environ["OUT_X"] = "site"
    try:
        assert _build(site).reused == 0
    finally:
        del os.environ["OUT_X"]


def _flip(entry: Path) -> None:
    page = next((entry / "site").rglob("index.html"))
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 1
    page.unlink()  # a new file: the site's hard link keeps the good bytes
    page.write_bytes(bytes(data))


def _truncate(entry: Path) -> None:
    manifest = entry / MANIFEST
    manifest.write_bytes(manifest.read_bytes()[:40])


def _extra(entry: Path) -> None:
    (next((entry / "site").iterdir()) / "extra.html").write_text("<script>x</script>")


def _pickle(entry: Path) -> None:
    (entry / PICKLE).write_bytes(b"\x80\x05N.")  # None, with the manifest's hash kept


CORRUPTIONS = {"flipped byte in a page": _flip, "truncated manifest": _truncate,
               "file not in the manifest": _extra, "replaced pickle": _pickle}


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_a_corrupt_entry_is_rebuilt_never_served(site: Path, corruption: str) -> None:
    _build(site)
    CORRUPTIONS[corruption](_entries(site)["briefing-0002"])
    after = _build(site)
    assert after.reused == 3
    assert tree_bytes(after.target) == _cold(site)
    assert _build(site).reused == 4  # rewritten whole


def test_swapped_entries_are_rebuilt(site: Path) -> None:
    _build(site)
    entries = _entries(site)
    a, b = entries["briefing-0000"], entries["briefing-0003"]
    a.rename(a.with_name("swap"))
    b.rename(a)
    a.with_name("swap").rename(b)
    after = _build(site)
    assert after.reused == 2
    assert tree_bytes(after.target) == _cold(site)


def test_a_page_edited_in_the_site_is_not_served_from_the_cache(site: Path) -> None:
    out = _build(site).target
    page = out / "briefing-0001/index.html"
    with page.open("r+b") as f:  # in place: the same inode as the entry's file, if linked
        f.write(b"<!-- tampered -->")
    after = _build(site)
    assert after.reused >= 3
    assert tree_bytes(after.target) == _cold(site)


def test_no_cache_reads_and_writes_nothing(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _build(site)
    before = tree_bytes(site / CACHE / FOLDER)
    _edit_event(site, "briefing-0001")
    out = str(site.parent / "site")
    assert main(["-C", str(site), "build", "--jobs", "1", "--no-cache", "--site-dir", out]) == 0
    line = capsys.readouterr().out
    assert re.match(r"built 4 briefings, 25 pages in", line), line
    assert tree_bytes(site / CACHE / FOLDER) == before
    assert tree_bytes(Path(out)) == _cold(site)


def test_a_failed_build_leaves_the_cache_as_it_was(site: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = _build(site).target
    before = tree_bytes(site / CACHE / FOLDER)
    old = _template(site, "[gone](no-such-page.md)")
    assert main(["-C", str(site), "build", "--jobs", "2", "--site-dir", str(out)]) == 1
    assert "no-such-page.md" in capsys.readouterr().err
    assert tree_bytes(site / CACHE / FOLDER) == before  # nothing written, nothing pruned
    assert not [p for p in (site / CACHE / FOLDER).iterdir() if p.name.startswith(".")]
    (site / "templates/who.md.j2").write_text(old, encoding="utf-8")
    assert _build(site).reused == 4


def test_a_build_with_warnings_writes_no_entries(site: Path) -> None:
    _template(site, "[gone](no-such-page.md)")
    assert _build(site, strict=False).reused == 0
    assert not (site / CACHE / FOLDER).exists()
    assert _build(site, strict=False).reused == 0  # the warnings are shown again


def test_the_cache_does_not_depend_on_the_site_folder(site: Path) -> None:
    _build(site, "one")
    assert _build(site, "two").reused == 4
    assert main(["-C", str(site), "build", "--site-dir", str(site / CACHE / "x")]) == 2


class _Exploit:
    def __init__(self, proof: Path) -> None:
        self.proof = proof

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.proof}",)


def test_a_tampered_pickle_with_its_hash_rewritten_runs_nothing(site: Path, tmp_path: Path) -> None:
    """Whoever can write an entry can rewrite its manifest's hashes too: reading the entry
    must still call no function, only build briefsite's own classes."""
    _build(site)
    entry = _entries(site)["briefing-0002"]
    proof = tmp_path / "ran"
    (entry / PICKLE).write_bytes(pickle.dumps(_Exploit(proof)))
    manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][PICKLE] = hashlib.sha256((entry / PICKLE).read_bytes()).hexdigest()
    (entry / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    after = _build(site)
    assert not proof.exists()
    assert after.reused == 3
    assert tree_bytes(after.target) == _cold(site)
