"""Rendered Markdown: golden pages for each page type, escaping, determinism, overrides."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import pytest
from conftest import KURSK, ROOT, build_tree, run_with_hash_seed, tree_bytes

from generator import chart
from generator.cache import SiteCache
from generator.errors import ContentError
from generator.listing import PAGES, sections
from generator.model import Figure
from generator.pipeline import run
from generator.render import environment, nav, render_site

FIXTURE = Path(__file__).parent / "fixtures" / "demo"
LEAN = Path(__file__).parent / "fixtures" / "lean"  # one source, no figures, no reactions
EXTENSIONS = ["admonition", "attr_list", "footnotes", "tables", "toc"]


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    return run(FIXTURE)[1]


@pytest.mark.parametrize("name", ["index.md"] + [f"demo/{p}" for p, _, _ in PAGES])
def test_golden_page(pages: dict[str, str], name: str, golden) -> None:
    golden(f"render/{name.replace('/', '__')}", pages[name])


def test_every_page_type_rendered(pages: dict[str, str]) -> None:
    assert sorted(pages) == sorted(["index.md"] + [f"demo/{p}" for p, _, _ in PAGES])


def test_output_is_deterministic(tmp_path: Path) -> None:
    """The same pages and exports, byte for byte, from processes with different hash seeds."""
    for seed in (1, 2):
        run_with_hash_seed(seed, "-C", str(FIXTURE), "render", "--out", str(tmp_path / str(seed)))
    first, second = tree_bytes(tmp_path / "1"), tree_bytes(tmp_path / "2")
    assert "index.md" in first and "briefings.json" in first and "feed.xml" in first
    assert first == second


def test_values_appear_literally_in_html(pages: dict[str, str]) -> None:
    html = markdown.markdown(pages["index.md"], extensions=EXTENSIONS)
    assert "Demo: troops *and* [numbers] &#124; 7*7" in html
    assert "&lt;b&gt;markup&lt;/b&gt;, {{ 7*7 }} and a &#124; pipe." in html
    assert "<b>" not in html and "<em>" not in html


def test_disagreement_note_only_where_estimates_differ(pages: dict[str, str]) -> None:
    numbers = pages["demo/numbers.md"]
    casualties, troops = numbers.split("## Troops")
    assert '!!! warning "Estimates disagree"' in casualties
    assert "They range from about 1,200 \\(United States\\) to 4,000 \\(Ukraine\\)." in casualties
    assert "Estimates disagree" not in troops


def test_timeline_keeps_date_precision(pages: dict[str, str]) -> None:
    timeline = pages["demo/timeline.md"]
    assert "## Fall 2024 <small>season only</small> {: .bs-day }" in timeline  # never a day
    assert "{: #event-deploy .bs-event }" in timeline
    assert timeline.index("Fall 2024") < timeline.index("Monday 28 April 2025")
    assert "Sunday 27 April 2025: Sunday" in timeline


def test_chart_has_title_and_text_alternative(pages: dict[str, str]) -> None:
    numbers = pages["demo/numbers.md"]
    assert numbers.count('role="img"') == 2
    assert '<title id="chart-casualties-title">Casualties: 3 estimates</title>' in numbers
    assert "<desc id=\"chart-casualties-desc\">United States (January 2025): about 900 soldiers; " \
           "United States (April 2025): about 1,200 soldiers; Ukraine: 4,000 soldiers</desc>" in numbers


def _chart_lines(svg: str) -> list[str]:
    """The text lines of a chart's labels, entities decoded, value spans joined in."""
    lines = re.findall(r'<tspan x="0" y="[0-9]+">(.*?)</tspan>(?=<tspan x=|</text>)', svg)
    return [html.unescape(re.sub(r"</?tspan[^>]*>", "", line)) for line in lines]


@pytest.mark.parametrize(("label", "expected"), [
    # who and "as of" longer than a line: wrapped at a space, the date kept whole
    ("United States, South Korea, Ukraine, NATO (fall 2024)",
     ["United States, South Korea, Ukraine,", "NATO (fall 2024): about 12,000"]),
    # a word wider than a line is split, not cut; wide (Hangul) characters count twice
    ("x" * 40 + " (2025)", ["x" * 36, "xxxx (2025): about 12,000"]),
    ("대한민국 합동참모본부 국가정보원 국방부 (2025)",
     ["대한민국 합동참모본부 국가정보원", "국방부 (2025): about 12,000"]),
    # the value on a line of its own when it does not fit after the label
    ("Joint Chiefs of Staff (March 2025)", ["Joint Chiefs of Staff (March 2025):", "about 12,000"]),
])
def test_chart_labels_wrap_and_are_never_cut(label: str, expected: list[str]) -> None:
    figure = Figure.model_validate({"id": "f", "metric": "Troops", "unit": "soldiers", "estimates": [
        {"id": "e", "value": "12000", "qualifier": "about", "estimators": ["a"], "citations": ["s"]}]})
    svg = chart.svg(figure, [label], "chart-f")
    assert _chart_lines(svg) == expected
    assert all(sum(2 if "가" <= ch <= "힣" else 1 for ch in line) <= 36 for line in expected)
    assert f"<desc id=\"chart-f-desc\">{html.escape(label)}: about 12,000 soldiers</desc>" in svg


def test_citations_are_numbered_references(pages: dict[str, str]) -> None:
    who = pages["demo/who.md"]
    assert "    Leader[^ref-1]\n    {: .bs-role }" in who
    assert who.count("\n[^ref-1]: ") == 1 and "[About this source](sources.md#source-art)" in who
    html_text = markdown.markdown(pages["demo/timeline.md"], extensions=EXTENSIONS)
    # one reference per source and passage: a passage cited twice keeps its number
    assert re.findall(r'class="footnote-ref" href="#fn:ref-(\d)">(\d)<', html_text) == [
        ("1", "1"), ("2", "2"), ("3", "3"), ("3", "3"), ("2", "2")]
    html_text = markdown.markdown(pages["demo/numbers.md"], extensions=EXTENSIONS)
    assert "Cited passage: “about 1,200 were hurt”" in html_text
    assert "{: #source-art }" in pages["demo/sources.md"]


def _visible_text(page: str) -> str:
    """What a reader reads of a page: its HTML without tags, attributes and link targets."""
    body = markdown.markdown(page, extensions=EXTENSIONS)
    body = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.mark.parametrize("root", [FIXTURE, LEAN, ROOT], ids=["demo", "lean", "shipped"])
def test_no_source_id_in_visible_text(root: Path) -> None:
    """Ids are for files: no page shows one, not even where a note names a source by id."""
    rendered = run(root)
    ids = {s.id for b in rendered.site.briefings for s in b.sources}
    for name, page in rendered.pages.items():
        text = _visible_text(page)
        shown = {i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)}
        assert not shown, (name, shown)
    assert "Unnamed article" not in "".join(rendered.pages.values())


def test_source_labels_use_only_what_the_text_states() -> None:
    from generator.model import Source
    from generator.references import name_sources, source_label

    base = {"id": "a1723dbf", "file": "sources/a.txt", "label": "Unnamed article (a1723dbf)"}
    assert source_label(Source(**base, outlet="UPI", title="Headline"), "text", 1) == "UPI"
    assert source_label(Source(**base, title="Headline"), "text", 1) == "Headline"
    assert source_label(Source(**base), "  North Korea said. More words", 2) == (
        "“North Korea said.…” (no outlet or headline stated)")
    assert source_label(Source(**base), "", 2) == "Source 2, no outlet or headline stated"
    labels = {"a1723dbf": "UPI", "upi-2": "Politico"}
    assert name_sources("a1723dbf and upi-2 say; xa1723dbf, upi-2x", labels) == (
        "UPI and Politico say; xa1723dbf, upi-2x")


def test_nav_escapes_titles_and_fixes_page_titles() -> None:
    site = run(FIXTURE).site
    entries = nav(site)
    assert entries[0] == {"Home": "index.md"}
    (title, children), = entries[1].items()
    assert title == "Demo: troops *and* [numbers] | 7*7"
    assert [next(iter(c)) for c in children] == [t for _, _, t in PAGES]


def test_project_template_shadows_default(tmp_path: Path) -> None:
    build_tree(tmp_path, {
        "templates/who.md.j2": "# Custom who page for {{ b.meta.title | md }}\n",
        **{str(p.relative_to(FIXTURE)): p.read_bytes() for p in FIXTURE.rglob("*") if p.is_file()},
    })
    pages = run(tmp_path)[1]
    assert pages["demo/who.md"] == "# Custom who page for Demo: troops \\*and\\* \\[numbers\\] &#124; 7\\*7\n"
    assert "\n# Timeline\n" in pages["demo/timeline.md"]


def test_render_refuses_bad_content(tmp_path: Path) -> None:
    build_tree(tmp_path, {str(p.relative_to(FIXTURE)): p.read_bytes()
                          for p in FIXTURE.rglob("*") if p.is_file()})
    quotes = tmp_path / "content/demo/quotes.yaml"
    quotes.write_text(quotes.read_text().replace("We honour them,", "We honor them,"))
    with pytest.raises(ContentError) as exc:
        run(tmp_path)
    assert [p.format().splitlines()[0] for p in exc.value.problems] == [
        "content/demo/quotes.yaml:7:17: quote not found verbatim in source 'art' (sources/art.txt)"]


def test_drafts_hidden_unless_configured(tmp_path: Path) -> None:
    build_tree(tmp_path, {str(p.relative_to(FIXTURE)): p.read_bytes()
                          for p in FIXTURE.rglob("*") if p.is_file()})
    meta = tmp_path / "content/demo/briefing.yaml"
    meta.write_text(meta.read_text().replace("status: published", "status: draft"))
    site = run(tmp_path).site
    assert site.published == ()
    assert "demo/index.md" not in render_site(site, environment(tmp_path))
    config = tmp_path / "site_config/site.yaml"
    config.write_text(config.read_text() + "show_drafts: true\n")
    assert [b.slug for b in run(tmp_path).site.published] == ["demo"]


def test_cache_rerenders_only_changed_briefing(tmp_path: Path) -> None:
    files = {str(p.relative_to(FIXTURE)): p.read_bytes() for p in FIXTURE.rglob("*") if p.is_file()}
    files.update({k.replace("content/demo/", "content/other/"): v for k, v in files.items()
                  if k.startswith("content/demo/")})
    build_tree(tmp_path, files)
    cache = SiteCache(tmp_path)
    run(tmp_path, cache)
    assert sorted(cache.rendered) == ["demo", "other"]
    run(tmp_path, cache)
    assert cache.rendered == []
    meta = tmp_path / "content/other/briefing.yaml"
    meta.write_text(meta.read_text().replace("A demo summary", "An edited summary"))
    _, pages = run(tmp_path, cache)
    assert cache.rendered == ["other"]
    assert "An edited summary" in pages["index.md"]


def test_shipped_templates_are_the_defaults() -> None:
    from generator.render import default_templates
    assert default_templates().resolve() == (ROOT / "templates").resolve()


def _paragraphs(site_root: Path) -> list[str]:
    """Every paragraph of every stored article text of the project at ``site_root``."""
    site = run(site_root).site
    return [p.strip() for b in site.briefings for t in b.texts.values()
            for p in t.split("\n") if p.strip()]


@pytest.mark.parametrize("root", [FIXTURE, KURSK], ids=["demo", "kursk"])
def test_stored_texts_not_published_by_default(root: Path) -> None:
    """Republishing whole third-party articles is opt-in: a stored paragraph appears on a page
    only where a fact cites it (as an excerpt or a quotation) or a source's notes quote it."""
    rendered = run(root)
    cited = [c.excerpt for b in rendered.site.briefings for f in b.facts for c in f.citations
             if c.excerpt] + [q.text for b in rendered.site.briefings for q in b.quotes] \
        + [s.notes for b in rendered.site.briefings for s in b.sources if s.notes]
    uncited = [p for p in _paragraphs(root) if len(p) > 40 and not any(p in c for c in cited)]
    assert len(uncited) >= (1 if root == FIXTURE else 20)
    for name, text in rendered.pages.items():
        html_text = html.unescape(markdown.markdown(text, extensions=EXTENSIONS))
        assert not [p for p in uncited if p in html_text], name
    assert "bs-stored-text" not in "".join(rendered.pages.values())


def test_stored_texts_published_when_configured(tmp_path: Path) -> None:
    build_tree(tmp_path, {str(p.relative_to(FIXTURE)): p.read_bytes()
                          for p in FIXTURE.rglob("*") if p.is_file()})
    config = tmp_path / "site_config/site.yaml"
    config.write_text(config.read_text() + "publish_source_texts: true\n")
    sources = run(tmp_path).pages["demo/sources.md"]
    rendered = html.unescape(markdown.markdown(sources, extensions=EXTENSIONS))
    assert _paragraphs(tmp_path) and all(p in rendered for p in _paragraphs(tmp_path))


def test_empty_sections_get_no_page_and_no_link() -> None:
    rendered = run(LEAN)
    assert sorted(rendered.pages) == ["index.md", "lean/index.md", "lean/sources.md",
                                      "lean/timeline.md", "lean/who.md"]
    (_title, children), = nav(rendered.site)[1].items()
    assert [next(iter(c)) for c in children] == ["Overview", "Who", "Timeline", "Sources"]
    for name, page in rendered.pages.items():
        assert not re.search(r"\]\((lean/)?(numbers|reactions)\.md", page), name
    assert "[Timeline](lean/timeline.md)" in rendered.pages["index.md"]
    assert [p for p, _, _ in sections(run(FIXTURE).site.published[0])] == [p for p, _, _ in PAGES]


@pytest.mark.parametrize("title", ["Update: troops return", "  Kursk: the count", "Plain title"])
def test_a_title_like_key_value_keeps_its_kicker(title: str) -> None:
    """MkDocs reads a page's opening "Key: value" lines as meta-data and drops them: a section
    page opening with such a title would lose its kicker (seen with Zensical's build, which kept
    it). The page then opens with an empty line, which ends meta-data before it starts."""
    from mkdocs.utils.meta import get_data

    from generator.render import no_meta_data

    page = no_meta_data(f"{title}\n{{: .bs-kicker }}\n\n# Who\n")
    body, meta = get_data(page)
    assert meta == {} and body.startswith(title)


def test_a_claims_citations_make_one_reference_listing_each_passage() -> None:
    """Bundled citations: one marker per claim (not one per passage), its note listing every
    source and passage as a paragraph of its own; the same citations again reuse the marker."""
    rendered = run(KURSK)
    b = rendered.site.published[0]
    page = rendered.pages["kursk/index.md"]
    html_page = markdown.markdown(page, extensions=["attr_list", "footnotes", "tables", "admonition"])
    for t in b.meta.takeaways:
        passages = {(c.source, " ".join((c.excerpt or "").split())) for c in t.citations}
        line = next(line for line in page.splitlines() if line.startswith("- ") and
                    html.unescape(re.sub(r"\\\\(.)", r"\1", line)).find(t.text[:40]) >= 0)
        (marker,) = re.findall(r"\[\^(ref-\d+)\]", line)
        note = re.search(rf'<li id="fn:{marker}">(.*?)</li>', html_page, re.S)
        assert note is not None
        assert note.group(1).count("About this source") == len(passages) > 0
        assert note.group(1).count("<p>") == len(passages)
    assert len(set(re.findall(r"^\[\^(ref-\d+)\]:", page, re.M))) == len(
        re.findall(r"^\[\^ref-\d+\]:", page, re.M))  # each reference defined once
