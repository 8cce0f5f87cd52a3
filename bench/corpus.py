"""Deterministic benchmark corpus: N briefings shaped and sized like the real one.

    .venv/bin/python bench/corpus.py OUT --briefings 30 [--facts 103] [--seed 1]

Each briefing has five stored sources of about 4 KB, and (at the default 103 facts) 6 takeaways,
25 actors, 25 events (every date precision, some with other dates), 6 figures holding 15
estimates (single values and ranges, every qualifier), 20 quotes and 12 reactions. About half the
citations carry an excerpt, and every excerpt and quote is cut from the generated source text
(sometimes with straight quotes where the source has typographic ones), so verification does the
same work as on real content.
About half the takeaways, events and reactions state a number, and every estimate's numbers are
cut from a stored text, each cited with the excerpt that states it: the support check passes, as
on a real briefing, after doing the same work. ``--facts`` scales every list in the same proportions.

Briefing ``i`` depends only on the seed and ``i``: a 30-briefing corpus is the first 30 briefings
of the 300-briefing one. No network, no clock: the same arguments give the same bytes.

The project around the content (mkdocs.yml, templates/, site_config/docs and overrides) is
copied from the repository, so the benchmark builds exactly what ``briefsite build`` builds.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The real briefing (content/kursk): 6 takeaways + 25 actors + 25 events + 15 estimates
# + 20 quotes + 12 reactions = 103 facts, 5 sources of ~4 KB.
SHAPE = {"takeaways": 6, "actors": 25, "events": 25, "estimates": 15, "quotes": 20, "reactions": 12}
DEFAULT_FACTS = sum(SHAPE.values())
SOURCES = 5
SOURCE_BYTES = 4000

_WORDS = ["the", "a", "of", "to", "and", "in", "that", "for", "on", "with", "as", "by", "at", "from", "after", "before", "against", "over", "under", "between", "among", "about", "during", "without", "within", "into", "through", "around", "across", "toward", "despite", "amid", "army", "troops", "soldiers", "forces", "officials", "ministry", "government", "leader", "president", "minister", "spokesman", "agency", "statement", "report", "intelligence", "analysts", "commanders", "battalion", "units", "brigade", "region", "front", "border", "village", "town", "city", "capital", "province", "district", "river", "bridge", "road", "supply", "convoy", "depot", "attack", "assault", "offensive", "defence", "counteroffensive", "strike", "drone", "missile", "artillery", "shelling", "raid", "casualties", "losses", "wounded", "killed", "captured", "prisoners", "refugees", "civilians", "evacuation", "aid", "treaty", "alliance", "partnership", "agreement", "talks", "negotiations", "ceasefire", "sanctions", "embargo", "pact", "confirmed", "denied", "said", "told", "announced", "claimed", "reported", "estimated", "warned", "condemned", "praised", "accused", "demanded", "urged", "rejected", "acknowledged", "insisted", "added", "noted", "stressed", "suggested", "first", "second", "third", "last", "new", "early", "late", "recent", "previous", "official", "unofficial", "public", "secret", "large", "small", "heavy", "light", "major", "minor", "several", "many", "few", "most", "some", "dozens", "hundreds", "thousands", "week", "month", "year", "day", "night", "morning", "evening", "spring", "summer", "autumn", "winter", "season", "military", "political", "economic", "diplomatic", "strategic", "humanitarian", "regional", "international", "satellite", "images", "footage", "documents", "sources", "witnesses", "residents", "observers", "journalists", "state", "media", "news", "briefing", "conference", "interview", "broadcast", "channel", "telegram", "outlet", "according", "unnamed", "senior", "junior", "western", "eastern", "northern", "southern", "foreign", "domestic", "deployment", "withdrawal", "reinforcement", "rotation", "mobilisation", "training", "exercise", "operation"]
_SYLLABLES = ["ka", "ri", "mo", "sun", "jae", "vo", "la", "ne", "ta", "pe", "go", "hu", "ly", "an", "dre", "vik", "tor", "sa", "mi", "ko", "el", "ba", "zu"]
_TYPO_WORDS = ("country’s", "ministry’s", "army’s", "Kremlin’s", "didn’t", "wasn’t", "it’s")
_OUTLETS = ("Wire Service", "Daily Herald", "Evening Post", "Global Desk", "Observer Weekly",
            "Morning Ledger", "Capital Times", "Northern Review")
_KINDS = ("person", "organisation", "state")
_QUALIFIERS_VALUE = ("exact", "about", "up-to", "at-least", "more-than")
_QUALIFIERS_RANGE = ("between", "about", "up-to", "exact")
_STANCES = ("condemns", "concerned", "denies", "praises", "supports", "neutral")
_SEASONS = ("spring", "summer", "fall", "autumn", "winter")
_SIDES = ("north-korea", "russia", "ukraine", "united-states", "south-korea", "european-union",
          "china", "japan")


def counts(facts: int) -> dict[str, int]:
    """How many of each kind for ``facts`` facts per briefing (same proportions as the real one)."""
    scale = facts / DEFAULT_FACTS
    out = {k: max(1, round(v * scale)) for k, v in SHAPE.items()}
    out["actors"] = max(out["actors"], 3)
    return out


@dataclass
class _Source:
    id: str
    file: str
    text: str
    sentences: list[list[str]] = field(default_factory=list)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _name(rng: random.Random, parts: int = 2) -> str:
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
                    for _ in range(parts))


def _slug(text: str) -> str:
    out = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower())
    return "-".join(p for p in out.split("-") if p)


def _sentence(rng: random.Random) -> list[str]:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(9, 22))]
    if rng.random() < 0.35:
        words[rng.randrange(len(words))] = rng.choice(_TYPO_WORDS)
    if rng.random() < 0.3:
        words[rng.randrange(len(words))] = f"{rng.randint(2, 40) * 100:,}"
    words[0] = words[0].capitalize()
    return words


def _source_text(rng: random.Random, size: int) -> tuple[str, list[list[str]]]:
    paragraphs, sentences, total = [], [], 0
    while total < size:
        para = []
        for _ in range(rng.randint(2, 4)):
            words = _sentence(rng)
            sentences.append(words)
            text = " ".join(words) + "."
            if rng.random() < 0.2:  # a typographically quoted sentence
                text = "“" + text[:-1] + ",” an official said."
            para.append(text)
        paragraph = " ".join(para)
        paragraphs.append(paragraph)
        total += len(paragraph.encode("utf-8")) + 2
    return "\n\n".join(paragraphs) + "\n", sentences


def _span(rng: random.Random, src: _Source, lo: int = 4, hi: int = 10) -> str:
    """Consecutive words of one sentence of the source (so the verbatim check succeeds)."""
    words = rng.choice(src.sentences)
    n = min(len(words), rng.randint(lo, hi))
    start = rng.randint(0, len(words) - n)
    text = " ".join(words[start:start + n])
    if rng.random() < 0.5:  # the editor typed straight apostrophes: normalisation must match
        text = text.replace("’", "'")
    return text


def _official_near(text: str, words: str) -> bool:
    """The text says "an official said" near the first place of ``words`` (the attribution check's
    window: ``generator.attribution.window``)."""
    from generator.attribution import window
    from generator.sourcetext import normalise

    hay, needle = normalise(text), normalise(words)
    at = hay.find(needle)
    return at >= 0 and any(re.search(r"\ban official said\b", t) for t in window(hay, at, at + len(needle)))


def _day(rng: random.Random, y0: int = 2023, y1: int = 2025) -> str:
    return f"{rng.randint(y0, y1)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _fuzzy(rng: random.Random) -> str:
    kind = rng.random()
    year = rng.randint(2023, 2025)
    if kind < 0.55:
        return _day(rng)
    if kind < 0.75:
        return f"{year}-{rng.randint(1, 12):02d}"
    if kind < 0.9:
        return f"{rng.choice(_SEASONS)} {year}"
    return str(year)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _citations(w: _Writer, rng: random.Random, sources: list[_Source], indent: str,
               first: _Source | None = None, excerpt_share: float = 0.5,
               supports: Sequence[tuple[_Source, str]] = ()) -> None:
    """Citations of 1-3 sources; ``supports`` (source, excerpt) come first, with their excerpts."""
    chosen = [first] if first else [src for src, _ in supports]
    for s in rng.sample(sources, rng.randint(1, 3)):
        if s not in chosen:
            chosen.append(s)
    if first is None and not supports and rng.random() < 0.15:
        w(f"{indent}citations: [{', '.join(s.id for s in chosen)}]")
        return
    w(f"{indent}citations:")
    given = {src.id: text for src, text in supports}
    for i, s in enumerate(chosen):
        if s.id in given:
            w(f"{indent}  - source: {s.id}")
            w(f"{indent}    excerpt: {_q(given[s.id])}")
        elif (first is None or i > 0) and rng.random() < excerpt_share:
            w(f"{indent}  - source: {s.id}")
            w(f"{indent}    excerpt: {_q(_span(rng, s))}")
        else:
            w(f"{indent}  - {s.id}")


def _number_passage(rng: random.Random, sources: list[_Source],
                    avoid: _Source | None = None) -> tuple[_Source, str, str] | None:
    """A source, an excerpt of it holding a number, and the number as written (e.g. 2,400)."""
    for src in rng.sample(sources, len(sources)):
        numbered = [s for s in src.sentences if any(w[0].isdigit() for w in s)]
        if src is avoid or not numbered:
            continue
        words = rng.choice(numbered)
        k = next(i for i, w in enumerate(words) if w[0].isdigit())
        start, end = max(0, k - rng.randint(2, 5)), min(len(words), k + rng.randint(2, 5))
        return src, " ".join(words[start:end]), words[k]
    return None


def _plain(rng: random.Random) -> list[str]:
    """A sentence's words without numbers (text no passage has to support)."""
    return [w for w in _sentence(rng) if not w[0].isdigit()]


def _claim(rng: random.Random, sources: list[_Source]) -> tuple[str, list[tuple[_Source, str]]]:
    """A claim and the passages that support it: about half state a number, taken with its
    excerpt from a stored text, so the support check does a real briefing's work."""
    words = _plain(rng)
    passage = _number_passage(rng, sources) if rng.random() < 0.5 else None
    if passage is None:
        return " ".join(words) + ".", []
    src, excerpt, number = passage
    words.insert(rng.randint(1, len(words)), number)
    return " ".join(words) + ".", [(src, excerpt)]


def briefing(index: int, facts: int = DEFAULT_FACTS, seed: int = 1) -> dict[str, str]:
    """Files of briefing number ``index`` as {path relative to its folder: text}."""
    rng = random.Random(f"briefsite-bench:{seed}:{index}")
    n = counts(facts)
    files: dict[str, str] = {}

    sources = []
    for i in range(SOURCES):
        sid = f"{rng.getrandbits(32):08x}" if i % 2 == 0 else _slug(rng.choice(_OUTLETS))
        if any(s.id == sid for s in sources):
            sid = f"{sid}-{i}"
        text, sentences = _source_text(rng, rng.randint(SOURCE_BYTES * 3 // 4, SOURCE_BYTES * 5 // 4))
        file = f"sources/{i:03d}_{rng.getrandbits(64):016x}.txt"
        sources.append(_Source(sid, file, text, sentences))
        files[file] = text

    w = _Writer()
    w("# yaml-language-server: $schema=../../schema/sources.schema.json")
    w("sources:")
    for s in sources:
        outlet = rng.choice(_OUTLETS)
        w(f"  - id: {s.id}")
        w(f"    file: {s.file}")
        w(f"    label: {_q(f'{outlet} ({_name(rng)})')}")
        if rng.random() < 0.8:
            w(f"    title: {_q(' '.join(rng.choice(s.sentences)[:10]))}")
        if rng.random() < 0.7:
            w(f"    outlet: {outlet}")
        if rng.random() < 0.6:
            w(f"    author: {_name(rng)}")
        if rng.random() < 0.7:
            w(f"    published: {_day(rng, 2024, 2025)}")
        if rng.random() < 0.5:
            w(f"    url: https://{_slug(outlet)}.example.org/{rng.getrandbits(40):x}")
        if rng.random() < 0.4:
            w(f"    notes: {_q('Dateline ' + _name(rng, 1) + ', ' + _day(rng) + '.')}")
    files["sources.yaml"] = w.text()

    title = " ".join(_sentence(rng)[:9]).rstrip(",")
    w = _Writer()
    w(f"title: {_q(f'{title} (briefing {index})')}")
    w(f"summary: {_q(' '.join(' '.join(_plain(rng)) + '.' for _ in range(3)))}")
    w(f"event_date: {_fuzzy(rng)}")
    w(f"last_updated: {_day(rng, 2025, 2026)}")
    w("status: published")
    w("takeaways:")
    for _ in range(n["takeaways"]):
        text, supports = _claim(rng, sources)
        w(f"  - text: {_q(text)}")
        _citations(w, rng, sources, "    ", supports=supports)
    w("changelog:")
    for _ in range(rng.randint(1, 3)):
        w(f"  - date: {_day(rng, 2025, 2026)}")
        w(f"    summary: {_q(' '.join(_sentence(rng)[:8]) + '.')}")
    files["briefing.yaml"] = w.text()

    actors = []
    w = _Writer()
    w("actors:")
    for i in range(n["actors"]):
        kind = _KINDS[i % 3]
        name = _name(rng, 2 if kind == "person" else rng.randint(1, 3))
        if rng.random() < 0.05:
            name = "김정은 " + name
        aid = f"{_slug(name)}-{i}"
        actors.append(aid)
        w(f"  - id: {aid}")
        w(f"    name: {_q(name)}")
        if i == 0:  # the texts' "“…,” an official said": the speaker of the quotes
            w("    aliases: [an official said]")
        w(f"    kind: {kind}")
        w(f"    role: {_q(' '.join(_plain(rng)[:6]))}")  # a claim: no number its passages lack
        if rng.random() < 0.5:
            w(f"    affiliation: {_q(_name(rng, 2))}")
        if rng.random() < 0.6:
            w(f"    country: {_q(_name(rng, 1))}")
        w(f"    side: {rng.choice(_SIDES)}")
        _citations(w, rng, sources, "    ", excerpt_share=0.3)
    files["actors.yaml"] = w.text()

    w = _Writer()
    w("events:")
    for i in range(n["events"]):
        w(f"  - id: event-{i}")
        w(f"    date: {_fuzzy(rng)}")
        text, supports = _claim(rng, sources)
        w(f"    summary: {_q(text)}")
        if rng.random() < 0.8:
            w(f"    actors: [{', '.join(rng.sample(actors, rng.randint(1, min(3, len(actors)))))}]")
        _citations(w, rng, sources, "    ", supports=supports)
        if rng.random() < 0.2:
            w("    other_dates:")
            w(f"      - date: {_fuzzy(rng)}")
            w(f"        note: {_q('Given as ' + rng.choice(_WORDS) + '.')}")
            _citations(w, rng, sources, "        ")
    files["timeline.yaml"] = w.text()

    w = _Writer()
    w("figures:")
    figures = max(1, round(n["estimates"] / 2.5))
    per = [n["estimates"] // figures + (1 if f < n["estimates"] % figures else 0) for f in range(figures)]
    for f in range(figures):
        w(f"  - id: figure-{f}")
        w(f"    metric: {_q(' '.join(_sentence(rng)[:5]).capitalize())}")
        w(f"    unit: {rng.choice(['soldiers', 'people', 'vehicles', 'shells', 'km²'])}")
        if rng.random() < 0.3:
            w(f"    note: {_q(' '.join(_sentence(rng)) + '.')}")
        w("    estimates:")
        for e in range(per[f]):
            w(f"      - id: estimate-{e}")
            one = _number_passage(rng, sources)
            two = _number_passage(rng, sources, avoid=one[0]) if one and rng.random() < 0.3 else None
            assert one is not None, "a stored text without a number"
            supports = [(one[0], one[1])]
            if two is not None:
                low, high = sorted(int(p[2].replace(",", "")) for p in (one, two))
                supports.append((two[0], two[1]))
                w(f"        low: {low}")
                w(f"        high: {high}")
                w(f"        qualifier: {rng.choice(_QUALIFIERS_RANGE)}")
            else:
                w(f"        value: {one[2].replace(',', '')}")
                w(f"        qualifier: {rng.choice(_QUALIFIERS_VALUE)}")
            w(f"        estimators: [{', '.join(rng.sample(actors, rng.randint(1, 2)))}]")
            if rng.random() < 0.7:
                w(f"        as_of: {_fuzzy(rng)}")
            if rng.random() < 0.1:
                w(f"        note: {_q(' '.join(_sentence(rng)[:6]))}")
            _citations(w, rng, sources, "        ", excerpt_share=0.7, supports=supports)
    files["figures.yaml"] = w.text()

    quotes = []
    w = _Writer()
    w("quotes:")
    for i in range(n["quotes"]):
        src = rng.choice(sources)
        qid = f"quote-{i}"
        quotes.append(qid)
        w(f"  - id: {qid}")
        words = _span(rng, src, 6, 16)
        w(f"    speaker: {actors[0]}")
        w(f"    text: {_q(words)}")
        if not _official_near(src.text, words):  # as an editor would record it
            w("    attribution: the article does not say who")
        w(f"    context: {_q(' '.join(_sentence(rng)[:8]) + '.')}")
        if rng.random() < 0.6:
            w(f"    date: {_fuzzy(rng)}")
        # Other sources must give an excerpt: a bare id would require the quote's exact words.
        _citations(w, rng, sources, "    ", first=src, excerpt_share=1.0)
    files["quotes.yaml"] = w.text()

    w = _Writer()
    w("reactions:")
    for i in range(n["reactions"]):
        w(f"  - id: reaction-{i}")
        w(f"    actor: {rng.choice(actors)}")
        w(f"    stance: {rng.choice(_STANCES)}")
        text, supports = _claim(rng, sources)
        w(f"    summary: {_q(text)}")
        if rng.random() < 0.6:
            w(f"    date: {_fuzzy(rng)}")
        if quotes and rng.random() < 0.4:
            w(f"    quotes: [{', '.join(rng.sample(quotes, min(len(quotes), rng.randint(1, 2))))}]")
        _citations(w, rng, sources, "    ", supports=supports)
    files["reactions.yaml"] = w.text()
    return files


def slug_of(index: int) -> str:
    """Folder name of briefing ``index``."""
    return f"briefing-{index:04d}"


def write_project(out: Path, briefings: int, facts: int = DEFAULT_FACTS, seed: int = 1,
                  *, repo: Path = REPO) -> Path:
    """Write a complete project (content, site_config, mkdocs.yml, templates) to ``out``."""
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "content").mkdir(parents=True)
    for name in ("templates", "site_config/docs", "site_config/overrides"):
        if (repo / name).is_dir():
            shutil.copytree(repo / name, out / name)
    (out / "site_config/overrides").mkdir(parents=True, exist_ok=True)
    shutil.copy2(repo / "mkdocs.yml", out / "mkdocs.yml")
    (out / "site_config/site.yaml").write_text(
        "title: briefsite benchmark\n"
        "description: Generated briefings for timing check, render and build.\n"
        "language: en\n"
        f"briefing_order: [{slug_of(0)}]\n"
        "show_drafts: false\n"
        "copyright: Generated text; no real events.\n", encoding="utf-8")
    for i in range(briefings):
        write_briefing(out / "content", i, facts, seed)
    return out


def write_briefing(content: Path, index: int, facts: int = DEFAULT_FACTS, seed: int = 1) -> Path:
    """Write briefing ``index`` into ``content/`` and return its folder."""
    folder = content / slug_of(index)
    for rel, text in briefing(index, facts, seed).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path, help="project folder to (re)create")
    p.add_argument("--briefings", "-n", type=int, default=10)
    p.add_argument("--facts", "-m", type=int, default=DEFAULT_FACTS, help="facts per briefing")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    write_project(args.out, args.briefings, args.facts, args.seed)
    print(f"wrote {args.briefings} briefing(s) x {args.facts} facts to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
