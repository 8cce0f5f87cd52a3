"""Time the hints of failing checks: 2,000 tampered excerpts on a 2 MB stored text, and 2,000
unknown ids among 10,000 actors (issue 10: both used to cost 0.16-0.38 s each).

    .venv/bin/python bench/hints.py [--excerpts 2000] [--mb 2] [--ids 2000] [--actors 10000]

Deterministic (seeded), no network. The excerpts run through ``load_site`` (what ``briefsite
check`` does); the ids through ``verify.references``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.load import Document
from generator.pipeline import load_site
from generator.verify import references


def words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "ro", "mi", "sun", "te", "lo", "var", "en", "pri", "dos", "ul", "ny", "ge"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(count)]


def stored_text(rng: random.Random, megabytes: float) -> str:
    vocabulary = words(rng, 8_000) + ["the", "of", "and", "in", "to", "said", "troops"] * 200
    lines, size = [], 0
    while size < megabytes * 1024 * 1024 - 400:
        line = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(20, 60))) + "."
        lines.append(line.capitalize())
        size += len(line) + 1
    return "\n".join(lines) + "\n"


def tampered(rng: random.Random, text: str, count: int) -> list[str]:
    """Passages of 6-12 words cut from the text, one letter dropped from one word."""
    flat = text.split()
    out = []
    for _ in range(count):
        at = rng.randrange(len(flat) - 12)
        passage = flat[at:at + rng.randint(6, 12)]
        k = max(range(len(passage)), key=lambda i: len(passage[i]))
        passage[k] = passage[k][:1] + passage[k][2:]
        out.append(" ".join(passage).replace('"', ""))
    return out


def project(root: Path, text: str, excerpts: list[str]) -> Path:
    folder = root / "content/demo"
    (folder / "sources").mkdir(parents=True)
    (root / "site_config").mkdir()
    (root / "site_config/site.yaml").write_text("title: Bench\ndescription: Hints.\n")
    (folder / "sources/big.txt").write_text(text)
    (folder / "sources.yaml").write_text("sources:\n  - id: big\n    file: sources/big.txt\n"
                                         "    label: Big\n")
    takeaways = "".join(f"  - text: Takeaway {i}.\n    citations:\n      - source: big\n"
                        f"        excerpt: \"{e}\"\n" for i, e in enumerate(excerpts))
    (folder / "briefing.yaml").write_text(
        "title: Bench\nsummary: Hints.\nevent_date: 2025-04-28\nlast_updated: 2025-05-01\n"
        f"status: published\ntakeaways:\n{takeaways}")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--excerpts", type=int, default=2_000)
    parser.add_argument("--mb", type=float, default=2.0)
    parser.add_argument("--ids", type=int, default=2_000)
    parser.add_argument("--actors", type=int, default=10_000)
    args = parser.parse_args(argv)
    rng = random.Random(1)
    text = stored_text(rng, args.mb)
    excerpts = tampered(rng, text, args.excerpts)
    with tempfile.TemporaryDirectory() as tmp:
        root = project(Path(tmp), text, excerpts)
        started = time.perf_counter()
        _, problems = load_site(root)
        took = time.perf_counter() - started
        if not all("not found verbatim" in p.message for p in problems):
            raise SystemExit("\n".join(p.format() for p in problems[:5]))
    hinted = sum("closest passage" in p.hint for p in problems)
    print(f"{len(problems)} failing excerpts on a {len(text.encode()) / 2**20:.1f} MB text: "
          f"{took:.2f} s ({took / max(len(problems), 1) * 1000:.2f} ms each; {hinted} with a "
          "closest passage)")
    actors = [f"actor-{w}-{i}" for i, w in enumerate(words(rng, args.actors))]
    meant = rng.sample(actors, args.ids)
    unknown = [a[:-1] + "x" for a in meant]
    doc = Document("content/demo/timeline.yaml", {})
    started = time.perf_counter()
    found = references(doc, ((("events", i, "actors", 0), a) for i, a in enumerate(unknown)),
                       "actor", actors)
    took = time.perf_counter() - started
    named = sum(1 for p, a in zip(found, meant) if repr(a) in p.hint.split("(known")[0])
    print(f"{len(found)} unknown ids among {len(actors):,} actors: {took:.2f} s "
          f"({took / max(len(found), 1) * 1000:.2f} ms each; {named} hints name the id meant)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
