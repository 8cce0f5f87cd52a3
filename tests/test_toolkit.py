"""Editor tools: ``briefsite new``, drafts, ``briefsite extract`` and the publish workflow."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import KURSK, ROOT, build_tree

from generator import cli, extract, model, scaffold
from generator.briefing import load_briefing
from generator.load import Document, parse_yaml
from generator.pipeline import load_site
from generator.render import environment, render_site
from generator.sourcetext import SourceIndex
from generator.validate import validate

ARTICLES = sorted((KURSK / "content/kursk/sources").glob("*.txt"))
UPI = KURSK / "content/kursk/sources/002_b7ed67aba3465e8b.txt"
A1723 = KURSK / "content/kursk/sources/000_a1723dbfaabebb3e.txt"
DEBECC = KURSK / "content/kursk/sources/003_debecc4f8dbd1735.txt"


# --- briefsite new -------------------------------------------------------------------------

def test_new_briefing_passes_check(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["-C", str(minimal), "new", "kursk-2025", "--title", "Kursk: “a” #1 & 김정은"]) == 0
    assert "created" in capsys.readouterr().out
    folder = minimal / "content/kursk-2025"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "briefing.yaml", "sources.yaml", "sources/placeholder.txt"]
    briefing, problems = load_briefing(folder, minimal)
    assert problems == [] and briefing is not None
    assert briefing.meta.title == "Kursk: “a” #1 & 김정은"
    assert briefing.meta.status is model.Status.DRAFT
    assert briefing.meta.event_date.text == briefing.meta.last_updated.text == dt.date.today().isoformat()
    for name in ("briefing.yaml", "sources.yaml"):
        first = (folder / name).read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == f"# yaml-language-server: $schema=../../schema/{name[:-5]}.schema.json"
    assert cli.main(["-C", str(minimal), "check"]) == 0
    assert capsys.readouterr().out.startswith("ok: 2 briefing(s)")


def test_new_uses_the_given_day_and_default_title(tmp_path: Path) -> None:
    folder = scaffold.new_briefing(tmp_path, "north-korea", today=dt.date(2025, 4, 28))
    text = (folder / "briefing.yaml").read_text(encoding="utf-8")
    assert "title: North korea\n" in text and "event_date: 2025-04-28\n" in text
    assert "last_updated: 2025-04-28\n" in text and "status: draft\n" in text


@pytest.mark.parametrize(("slug", "title", "message"), [
    ("Kursk", None, "error: 'Kursk' is not a valid briefing id"),
    ("kursk--2", None, "error: 'kursk--2' is not a valid briefing id"),
    ("../evil", None, "error: '../evil' is not a valid briefing id"),
    ("demo", None, "already exists; choose another slug"),
    ("fresh", "   ", "error: the title must not be blank"),
])
def test_new_refuses(minimal: Path, capsys: pytest.CaptureFixture[str], slug: str,
                     title: str | None, message: str) -> None:
    before = sorted(p for p in minimal.rglob("*"))
    args = ["-C", str(minimal), "new", slug] + (["--title", title] if title is not None else [])
    assert cli.main(args) == 1
    assert message in capsys.readouterr().err
    assert sorted(p for p in minimal.rglob("*")) == before


def test_new_never_templates_yaml() -> None:
    files = scaffold.files("x", 'a: b\n- c: "d" # e\n!!python/object:os.system', dt.date(2025, 1, 2))
    doc, problems = parse_yaml(files["briefing.yaml"], "briefing.yaml")
    assert problems == [] and doc is not None
    assert doc.data["title"] == 'a: b\n- c: "d" # e\n!!python/object:os.system'


def test_drafts_are_hidden_unless_show_drafts(minimal: Path) -> None:
    scaffold.new_briefing(minimal, "later", title="Not ready")
    site, problems = load_site(minimal)
    assert problems == [] and site is not None
    assert [b.slug for b in site.briefings] == ["demo", "later"]
    assert [b.slug for b in site.published] == ["demo"]
    pages = render_site(site, environment(minimal))
    assert not any(p.startswith("later/") for p in pages) and "Not ready" not in pages["index.md"]
    config = minimal / "site_config/site.yaml"
    config.write_text(config.read_text() + "show_drafts: true\n")
    site, _ = load_site(minimal)
    assert site is not None and [b.slug for b in site.published] == ["demo", "later"]
    pages = render_site(site, environment(minimal))
    assert "later/index.md" in pages and "**Draft**" in pages["index.md"]


def test_show_drafts_is_validated(minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = minimal / "site_config/site.yaml"
    lines = config.read_text(encoding="utf-8").count("\n")
    config.write_text(config.read_text(encoding="utf-8") + "show_drafts: maybe\n", encoding="utf-8")
    assert cli.main(["-C", str(minimal), "check"]) == 1
    assert capsys.readouterr().err.startswith(
        f"site_config/site.yaml:{lines + 1}:14: show_drafts: expected true or false, found text 'maybe'")


# --- briefsite extract ---------------------------------------------------------------------

def _found(path: Path, ref: dt.date | None = None) -> list[extract.Candidate]:
    return extract.extract(path.read_text(encoding="utf-8"), ref)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name[:3])
def test_every_excerpt_verifies(path: Path) -> None:
    found = scaffold.items(_found(path, dt.date(2025, 4, 28)), "src")
    index = SourceIndex({"src": path.read_text(encoding="utf-8")})
    assert {c.kind for c, _ in found} == {"quote", "number", "date"}
    for c, item in found:
        assert index.find("src", c.excerpt), c
        cite = (item.get("citations") or item["estimates"][0]["citations"])[0]
        assert cite["source"] == "src"
        assert index.find("src", cite.get("excerpt") or item["text"]), c


def _quotes(path: Path) -> dict[str, str | None]:
    return {c.text: c.who for c in _found(path) if c.kind == "quote"}


def test_quotes_and_speakers() -> None:
    honour = "They who fought for justice are all heroes and representatives of the honour of the motherland"
    assert _quotes(A1723)[honour] == "Kim"                                       # KCNA quoted Kim as saying
    assert _quotes(UPI)[honour.replace("honour", "honor")] == "Kim"             # said Kim
    assert _quotes(DEBECC)[honour] == "Mr Kim"                                  # Mr Kim said
    upi = _quotes(UPI)
    assert upi["victoriously concluded"] is None                                # It said … (pronoun)
    assert upi[next(q for q in upi if q.startswith("Our North Korean friends"))] == "Putin"  # …, Putin said
    assert upi[next(q for q in upi if q.startswith("Our military strongly"))] == \
        "the South Korean National Defense Ministry"
    debecc = _quotes(DEBECC)
    assert debecc["an act against humanity"] == "spokesperson Koo Byoungsam"
    assert debecc[next(q for q in debecc if q.startswith("We continue"))] == \
        "a US State Department spokesperson"
    assert _quotes(ARTICLES[1])[next(q for q in _quotes(ARTICLES[1]) if q.startswith("Under the order"))] \
        == "KCNA"                                                               # KCNA reported, "…"
    assert _quotes(ARTICLES[4])["do not correspond to reality"] == "Kyiv"       # fragment: no full stop


def test_mixed_quotation_marks_pair_up() -> None:
    line = 'North Korea “regards it as an honour to be here." Others said "No way.” today.'
    assert [c.text for c in extract.extract(line) if c.kind == "quote"] == [
        "regards it as an honour to be here", "No way."]  # a fragment loses its full stop


def test_numbers_with_their_phrase() -> None:
    numbers = {c.text: c for c in _found(A1723) if c.kind == "number"}
    assert list(numbers) == ["some 14,000 North Koreans", "3,000 reinforcements",
                             "about 300 North Korean soldiers", "another 2,700", "4,000",
                             "about 1,200 casualties"]
    assert numbers["some 14,000 North Koreans"].number == {
        "value": 14000, "qualifier": "about", "unit": "North Koreans"}
    assert numbers["some 14,000 North Koreans"].who == "Ukrainian officials"
    ranges = {c.text: c.number for f in (DEBECC, ARTICLES[1], ARTICLES[4])
              for c in _found(f) if c.kind == "number" and "low" in c.number}
    assert {t: (e["low"], e["high"], e["qualifier"]) for t, e in ranges.items()} == {
        "about 10,000-12,000 troops": (10000, 12000, "about"),
        "between 10,000 and 12,000 North Korean troops": (10000, 12000, "between"),
        "approximately 10,000 to 12,000 troops": (10000, 12000, "about")}
    assert [c.text for c in _found(UPI) if c.kind == "number"] == ["up to 12,000 troops", "about 4,000"]


def test_bound_words_are_kept_on_values_and_ranges() -> None:
    """"fewer than" is not "up to", and "more than 3,000 to 4,000" keeps its words: extract
    writes what the article says, never a plain range or a different bound."""
    line = "Fewer than 2,000 returned; more than 3,000 to 4,000 were sent, and less than 50 fled."
    found = {c.text: c.number["qualifier"] for c in extract.extract(line) if c.kind == "number"}
    assert found == {"Fewer than 2,000 returned": "fewer-than",
                     "more than 3,000 to 4,000": "more-than", "less than 50 fled": "fewer-than"}


def test_date_expressions() -> None:
    dates = [(c.line, c.text, c.date) for c in _found(UPI, dt.date(2025, 4, 28)) if c.kind == "date"]
    assert dates[:4] == [(1, "2025-04-28", "2025-04-28"), (5, "Apr 28, 2025", "2025-04-28"),
                         (7, "Monday", "2025-04-28"), (9, "in June", "2024-06")]
    assert (29, "in the fall", None) in dates and (37, "Earlier this month", "2025-04") in dates
    a1723 = {c.text: c.date for c in _found(A1723, dt.date(2025, 4, 28)) if c.kind == "date"}
    assert a1723 == {"Monday": "2025-04-28", "June last year": "2024-06", "in October": "2024-10",
                     "earlier this year": "2025", "in January": "2025-01", "Saturday": "2025-04-26",
                     "Sunday evening": "2025-04-27"}
    debecc = {c.text: c.date for c in _found(DEBECC) if c.kind == "date"}
    assert debecc["June 2024"] == "2024-06" and debecc["1953"] == "1953"
    assert debecc["last fall"] is None and debecc["August last year"] is None  # no article date
    assert {c.text: c.date for c in _found(DEBECC, dt.date(2025, 4, 28))}["last fall"] == "fall 2024"
    assert [c.text for c in extract.extract("Troops may march in May 2025, in fall 2024 too.")
            if c.kind == "date"] == ["May 2025", "fall 2024"]


source = {"000": "a1723dbf", "001": "58da7e22", "002": "upi", "003": "debecc4f", "004": "politico"}


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name[:3])
def test_yaml_output_is_one_valid_document(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["extract", str(path), "--format", "yaml", "--date", "2025-04-28"]) == 0
    out = capsys.readouterr().out
    doc, problems = parse_yaml(out, "out.yaml")
    assert problems == [] and doc is not None
    assert list(doc.data) == ["quotes", "figures", "events"]
    assert _problems(model.QuotesFile, {"quotes": doc.data["quotes"]}) == []
    resolved = [e for e in doc.data["events"] if e["date"] != "TODO"]
    assert resolved and _problems(model.TimelineFile, {"events": resolved}) == []
    whole = [f for f in doc.data["figures"]
             if all("TODO" not in (e.get("value"), e.get("low")) for e in f["estimates"])]
    assert _problems(model.FiguresFile, {"figures": whole}) == []
    for section in doc.data.values():
        for item in section:
            cite = (item.get("citations") or item["estimates"][0]["citations"])[0]
            assert cite["source"] == source[path.name[:3]]


def _problems(file_model: type[model.Model], data: object) -> list[str]:
    return [p.format() for p in validate(Document("x.yaml", data), file_model)[1]]


def test_cli_extract_uses_sources_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["extract", str(UPI)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{UPI}: 10 quotes, 2 numbers, 10 dates (source id: upi; "
                          "article date: 2025-04-28)\n")
    assert "\n== 10 quotes (paste into quotes.yaml under quotes:)\n" in out
    assert "line 17: They who fought for justice" in out and "speaker: kim" in out


def test_cli_extract_outside_a_briefing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = build_tree(tmp_path, {"My Article.txt": "“Go,” Kim said on Monday.\n"}) / "My Article.txt"
    assert cli.main(["extract", str(article), "--format", "yaml"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["quotes"][0] | {"context": ""} == {
        "id": "l1-go", "speaker": "kim", "text": "Go", "context": "",
        "citations": [{"source": "my-article"}]}
    assert data["events"][0]["date"] == "TODO"
    assert cli.main(["extract", str(tmp_path / "missing.txt")]) == 1
    assert "cannot read file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["extract", str(article), "--date", "Monday"])


# --- publishing ----------------------------------------------------------------------------

def test_publish_workflow_tests_builds_and_deploys() -> None:
    """Nothing is built unless every test passes; the sharded shape itself: tests/test_workflows.py."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    check, merge, deploy = workflow["jobs"]["check"], workflow["jobs"]["merge"], workflow["jobs"]["deploy"]
    assert "make test" in [s.get("run", "") for s in check["steps"]]
    assert workflow["jobs"]["build"]["needs"] == "check"
    upload = next(s for s in merge["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site/"
    assert deploy["needs"] == "merge" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    assert workflow["permissions"] == {"contents": "read"}  # pages and id-token: deploy only
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert re.search(r"^serve:", (ROOT / "Makefile").read_text(), re.MULTILINE)


def test_item_ids_are_unique_per_kind() -> None:
    found = scaffold.items(extract.extract('"Go," he said. "Go," she said on Monday, 2 troops.'), "s")
    assert [(c.kind, data["id"]) for c, data in found] == [
        ("quote", "l1-go"), ("quote", "l1-go-2"), ("date", "l1-monday"), ("number", "l1-2-troops")]


@pytest.mark.parametrize("text", ['""', '“.”', '" , "', "“unclosed", '"a" "', "””“", "x" * 5000 + ' "y"'])
def test_extract_odd_input(text: str) -> None:
    found = scaffold.items(extract.extract(text + "\n1,000 and 2,000,000 (3.5) 1999-12-31", None), "s")
    index = SourceIndex({"s": text})
    assert all(c.text and (c.line > 1 or index.find("s", c.excerpt)) for c, _ in found)
    assert [c.text for c, _ in found if c.line == 2] == ["1999-12-31", "1,000", "2,000,000", "3.5"]


def test_pasted_snippets_pass_briefsite_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """End to end: the YAML of every article, pasted into a copy of the kursk briefing, passes
    the real ``briefsite check`` once the editor has named the actors (here: added them) and
    said how the quotes whose speaker the source does not name beside them are attributed.

    Quotes and excerpts are verified by the checker itself against the stored texts; the
    attribution check refuses exactly the pasted quotes the editor has not attributed yet."""
    build_tree(tmp_path, {"site_config/site.yaml": (KURSK / "site_config/site.yaml").read_bytes()})
    folder = tmp_path / "content/kursk"
    build_tree(folder, {p.relative_to(KURSK / "content/kursk").as_posix(): p.read_bytes()
                        for p in (KURSK / "content/kursk").rglob("*") if p.is_file()})
    published = (folder / "briefing.yaml").read_text(encoding="utf-8")
    assert "status: published\n" in published
    # Pasted guesses keep their TODOs while the editor works: a draft (a published briefing
    # holding them is refused, checked at the end).
    (folder / "briefing.yaml").write_text(published.replace("status: published\n", "status: draft\n"),
                                          encoding="utf-8")
    sections: dict[str, list[dict[str, object]]] = {"quotes": [], "figures": [], "events": []}
    for path in ARTICLES:
        assert cli.main(["extract", str(folder / "sources" / path.name), "--format", "yaml"]) == 0
        data = yaml.load(capsys.readouterr().out, Loader=yaml.BaseLoader)  # all text, as briefsite reads it
        for key, items in data.items():
            for item in items:
                item["id"] = f"x{path.name[:3]}-{item['id']}"  # unique across articles
                sections[key].append(item)
    events = [e for e in sections["events"] if e["date"] != "TODO"]
    figures = [f for f in sections["figures"]
               if all("TODO" not in (e.get("value"), e.get("low"), e.get("high")) for e in f["estimates"])]
    assert min(len(sections["quotes"]) - 40, len(events) - 10, len(figures) - 10) >= 0, (len(sections["quotes"]), len(events), len(figures))
    speakers = {q["speaker"] for q in sections["quotes"]} | {
        a for f in figures for e in f["estimates"] for a in e["estimators"]}
    existing = _text_yaml(folder / "actors.yaml")["actors"]
    known = {a["id"] for a in existing}
    actors = existing + [{"id": s, "name": s, "kind": "person", "role": "TODO", "side": "other",
                          "citations": ["upi"]} for s in sorted(speakers - known)]
    timeline = _text_yaml(folder / "timeline.yaml")["events"]
    quotes = _text_yaml(folder / "quotes.yaml")["quotes"]
    figs = _text_yaml(folder / "figures.yaml")["figures"]
    for name, key, items in (("actors.yaml", "actors", actors),
                             ("timeline.yaml", "events", timeline + events),
                             ("quotes.yaml", "quotes", quotes + sections["quotes"]),
                             ("figures.yaml", "figures", figs + figures)):
        (folder / name).write_text(scaffold.dump({key: items}), encoding="utf-8")
    assert cli.main(["-C", str(tmp_path), "check"]) == 1
    refused = re.findall(r"near the words of quote '([\w-]+)'", capsys.readouterr().err)
    assert refused and set(refused) <= {q["id"] for q in sections["quotes"] if q["speaker"] not in known}
    for quote in sections["quotes"]:
        if quote["id"] in refused:
            quote["attribution"] = "the article does not name the speaker beside the words"
    (folder / "quotes.yaml").write_text(scaffold.dump({"quotes": quotes + sections["quotes"]}),
                                        encoding="utf-8")
    assert cli.main(["-C", str(tmp_path), "check"]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.startswith("ok: 1 briefing(s)")
    (folder / "briefing.yaml").write_text(published, encoding="utf-8")
    assert cli.main(["-C", str(tmp_path), "check"]) == 1
    todo = re.findall(r"^(content/kursk/[a-z]+\.yaml):\d+:\d+: a published briefing still holds TODO",
                      capsys.readouterr().err, re.M)
    assert {"content/kursk/quotes.yaml", "content/kursk/timeline.yaml",
            "content/kursk/figures.yaml", "content/kursk/actors.yaml"} <= set(todo)


def _text_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
