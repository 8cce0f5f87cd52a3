"""The cost of "closest passage" and "did you mean" hints grows linearly.

Counted work (``SourceIndex.work``, ``KnownIds.work``), not wall time: 4x the problems cost
about 4x, and the same problems on a 4x longer text or among 4x more ids cost about the same.
An end-to-end check of 2,000 failing excerpts on a 2 MB text runs under the hang guard (it
took minutes when every hint scanned the whole text).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import build_tree, hang_guard

from generator import cli
from generator.load import Document
from generator.sourcetext import SourceIndex
from generator.verify import KnownIds, references, verbatim

SYLLABLES = ["ka", "ro", "mi", "sun", "te", "lo", "var", "en", "pri", "dos", "ul", "ny", "ge"]


def vocabulary(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5))) for _ in range(count)]


def text_of(rng: random.Random, chars: int) -> str:
    words = vocabulary(rng, 6_000) + ["the", "of", "and", "in", "said"] * 300
    lines, size = [], 0
    while size < chars:
        line = " ".join(rng.choice(words) for _ in range(40)) + "."
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def tampered(rng: random.Random, text: str, count: int) -> list[str]:
    flat = text.split()
    out = []
    for _ in range(count):
        at = rng.randrange(len(flat) - 10)
        passage = flat[at:at + 8]
        k = max(range(8), key=lambda i: len(passage[i]))
        passage[k] = passage[k][:1] + passage[k][2:]
        out.append(" ".join(passage))
    return out


def hint_work(text: str, excerpts: list[str]) -> tuple[int, int]:
    """(work, hints with a passage) of checking every excerpt against ``text``."""
    index = SourceIndex({"s": text})
    doc = Document("b.yaml", {})
    problems = [p for i, e in enumerate(excerpts)
                for p in verbatim(doc, index, ("x", i), "s", e, "excerpt", {"s": "s.txt"})]
    assert len(problems) == len(excerpts)
    return index.work, sum("closest passage" in p.hint for p in problems)


def test_excerpt_hints_cost_grows_linearly() -> None:
    rng = random.Random(7)
    small, large = text_of(rng, 250_000), text_of(rng, 1_000_000)
    with hang_guard(120):
        few, hinted = hint_work(small, tampered(random.Random(1), small, 100))
        many, _ = hint_work(small, tampered(random.Random(1), small, 400))
        longer, _ = hint_work(large, tampered(random.Random(1), large, 100))
    assert hinted >= 90  # hints stay useful
    assert many <= 4.5 * few, (few, many)  # 4x the problems: about 4x the work
    assert longer <= 1.5 * few, (few, longer)  # a 4x longer text: about the same work per hint


def test_unknown_id_hints_cost_grows_linearly() -> None:
    rng = random.Random(3)
    pool = [f"actor-{w}-{i}" for i, w in enumerate(vocabulary(rng, 40_000))]

    def work(known: list[str], meant: list[str]) -> tuple[int, int]:
        ids = KnownIds(known)
        found = sum(ids.close(value[:-1] + "x")[:1] == [value] for value in meant)
        return ids.work, found

    known = pool[:10_000]
    with hang_guard(120):
        few, found = work(known, known[:100])
        many, _ = work(known, known[:400])
        more_ids, _ = work(pool, known[:100])
    assert found >= 95  # the id meant is still the first suggestion
    assert many <= 4.5 * few, (few, many)
    assert more_ids <= 1.5 * few, (few, more_ids)


def test_one_index_for_every_unknown_id_of_a_list() -> None:
    doc = Document("t.yaml", {})
    known = [f"actor-{i:05d}" for i in range(10_000)]
    problems = references(doc, [(("a", i), f"actor-{i:05d}x") for i in range(50)], "actor", known)
    assert len(problems) == 50
    assert problems[7].hint.startswith("did you mean 'actor-00007'")
    assert problems[7].hint.endswith("(known: actor-00000, actor-00001, actor-00002, actor-00003, "
                                     "actor-00004, actor-00005, actor-00006, actor-00007, …)")


def test_close_id_is_still_suggested_among_many() -> None:
    known = [f"actor-{i:05d}" for i in range(10_000)] + ["kim-jong-un"]
    ids = KnownIds(known)
    assert ids.close("kim-jong-il")[0] == "kim-jong-un"
    assert ids.close("actor-01234x")[0] == "actor-01234"


@pytest.mark.parametrize("count", [2_000])
def test_two_thousand_failing_excerpts_on_a_2mb_text(count: int, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    rng = random.Random(5)
    text = text_of(rng, 2 * 1024 * 1024 - 1_000)
    takeaways = "".join(f"  - text: T{i}.\n    citations:\n      - source: big\n"
                        f"        excerpt: {e}\n" for i, e in enumerate(tampered(rng, text, count)))
    root = build_tree(tmp_path, {
        "site_config/site.yaml": "title: T\ndescription: D.\n",
        "content/demo/sources/big.txt": text,
        "content/demo/sources.yaml": "sources:\n  - id: big\n    file: sources/big.txt\n    label: Big\n",
        "content/demo/briefing.yaml": ("title: T\nsummary: S.\nevent_date: 2025-04-28\n"
                                       "last_updated: 2025-05-01\nstatus: published\n"
                                       f"takeaways:\n{takeaways}"),
    })
    with hang_guard(120):  # ~2 s now; 0.38 s per hint (13 minutes) before
        status = cli.main(["-C", str(root), "check"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.endswith(f"{count} problem(s) in 1 file(s)\n")
    assert err.count("closest passage in the source") >= 0.9 * count
