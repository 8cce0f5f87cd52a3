"""Check that the fast YAML loader and normaliser behave exactly like an earlier version.

    .venv/bin/python bench/equivalence.py [--rev 25f1db2] [--cases 20000]

Extracts ``generator/`` at REV (the version before the performance work) into a temporary
folder and compares, on every YAML file of a generated corpus, the test fixtures and thousands
of mutated snippets (tags, anchors, aliases, duplicate keys, deep nesting, several documents,
syntax errors…): ``parse_yaml`` data, every key and value position, and every problem message;
``verify.normalise`` on random text rich in whitespace and typographic characters. Exit 1 on
any difference.
"""

from __future__ import annotations

import argparse
import importlib
import random
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(REPO))

import corpus  # noqa: E402


def _old(rev: str, tmp: Path):  # type: ignore[no-untyped-def]
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "generator"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    (tmp / "generator").rename(tmp / "old_generator")
    sys.path.insert(0, str(tmp))
    return (importlib.import_module("old_generator.load"),
            importlib.import_module("old_generator.verify"))


def _doc(result):  # type: ignore[no-untyped-def]
    doc, problems = result
    probs = [(p.path, p.line, p.col, p.message, p.hint) for p in problems]
    if doc is None:
        return None, probs
    return (doc.data, {k: (v.line, v.col) for k, v in doc.values.items()},
            {k: (v.line, v.col) for k, v in doc.keys.items()}, probs)


_SNIPPETS = [
    "", "   \n", "# c\n", "~", "null", "a: 1", "a: ~", "a: null", "a: 'null'", 'a: "~"', "a:",
    "a: &x 1\nb: *x", "a: !!str 1", "a: !foo 1", "a: ! 1", "! a: 1", "!!map {a: 1}",
    "a: 1\na: 2", "- a\n- b\n---\n- c", "%TAG !e! tag:example.com,2000:\n---\na: 1",
    "%YAML 1.1\n---\na: 1", "a: [1, 2", "a: b: c", "a:\n\t- b", "{a: 1, a: 2}",
    "[" * 19 + "1" + "]" * 19, "[" * 20 + "1" + "]" * 20, "[" * 30 + "1" + "]" * 30, "? [a]\n: 1",
    "[a]: 1", "a: |\n  x\n  y\n", "- &a x", "*a", "---\na: 1\n...\n", "a: 1\n...\n---\nb: 2",
    "\x07a: 1", "- - - - a", "'a': 1\n\"a\": 2", "? !!str a\n: 1", "- ! []", "x", "NO: yes",
    "1.10: 012", "2025-04-28: 1:20", "{}", "[]", "a: {}", "[" * 100000 + "]" * 100000,
]
_OPS = ["&a ", "*a", "!!str ", ": ", "- ", "\n", "  ", "{", "}", "[", "]", '"', "'", "#", "?", "!",
        "~", "null", "---\n", "\t", ","]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rev", default="25f1db2", help="git revision with the reference generator/")
    p.add_argument("--cases", type=int, default=20000, help="mutated YAML snippets")
    args = p.parse_args()
    from generator import load, verify

    with tempfile.TemporaryDirectory() as tmp:
        old_load, old_verify = _old(args.rev, Path(tmp))
        project = corpus.write_project(Path(tmp) / "corpus", 10)
        texts = [f.read_text(encoding="utf-8") for f in sorted(project.rglob("*.yaml"))]
        texts += [f.read_text(encoding="utf-8") for f in sorted((REPO / "tests").rglob("*.yaml"))]
        texts += _SNIPPETS
        rng = random.Random(5)
        seeds = [t for t in texts if t and len(t) < 300_000]
        for _ in range(args.cases):
            chars = list(rng.choice(seeds)[:400])
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(chars) + 1)
                if chars and rng.random() < 0.5:
                    del chars[min(i, len(chars) - 1)]
                else:
                    chars[i:i] = rng.choice(_OPS)
            texts.append("".join(chars))
        bad = accepted = 0
        for text in texts:
            want, got = _doc(old_load.parse_yaml(text, "x.yaml")), _doc(load.parse_yaml(text, "x.yaml"))
            accepted += got[0] is not None
            if want != got:
                bad += 1
                if bad <= 5:
                    print(f"parse_yaml differs on {text[:120]!r}:\n  old {want[-1]}\n  new {got[-1]}")
        print(f"parse_yaml: {len(texts)} texts ({accepted} accepted), {bad} difference(s)")

        pool = list("\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u201f\u2033\u2010\u2011\u2012"
                    "\u2013\u2014\u2212\u00a0 \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029\u3000"
                    "\u200bab'\"-é김")
        norm_bad = 0
        for _ in range(100_000):
            text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
            norm_bad += old_verify.normalise(text) != verify.normalise(text)
        for code in range(0x110000):
            if not 0xD800 <= code < 0xE000:
                text = f"a{chr(code)}b {chr(code)}"
                norm_bad += old_verify.normalise(text) != verify.normalise(text)
        print(f"normalise: {norm_bad} difference(s)")
    return 1 if bad or norm_bad else 0


if __name__ == "__main__":
    sys.exit(main())
