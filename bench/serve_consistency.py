"""Does an incrementally rebuilt ``briefsite serve`` site equal a freshly served one?

    .venv/bin/python bench/serve_consistency.py [--pythonpath DIR] [--briefings 8]

Starts ``briefsite serve`` (the real code, through ``run.py --child serve``) on a generated
project and makes edits of every kind a dev server sees: a fact's text, a briefing's title
(navigation), a template, a briefing removed, a briefing added, two briefings at once. After
each edit it waits for the rebuild, downloads every page and the search index, starts a second
server on a copy of the same files, and compares the two sites page by page (HTML without the
live-reload script; the search index as a set of entries). Prints one line per edit and exits 1
on any difference. Used to check the dirty-rebuild proposal in RESULTS.md, not the speed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402
from run import _free_port, _get  # noqa: E402


class Server:
    def __init__(self, project: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.log = project.parent / f"{project.name}-serve.log"
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                [sys.executable, str(BENCH / "run.py"), "--child", "serve", str(project),
                 "--addr", f"127.0.0.1:{self.port}"],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}/"
        deadline = time.time() + 300
        while _get(self.base, timeout=5) is None:
            if self.proc.poll() is not None or time.time() > deadline:
                raise SystemExit("server did not start:\n" + self.log.read_text()[-2000:])
            time.sleep(0.2)

    def builds(self) -> int:
        return sum(1 for line in self.log.read_text().splitlines() if '"built"' in line)

    def wait_rebuild(self, before: int, timeout: float = 300) -> None:
        deadline = time.time() + timeout
        while self.builds() <= before:
            if time.time() > deadline:
                raise SystemExit("no rebuild:\n" + self.log.read_text()[-2000:])
            time.sleep(0.1)
        time.sleep(0.3)

    def snapshot(self, slugs: list[str]) -> dict[str, object]:
        pages: dict[str, object] = {}
        for url in ["", "404.html", "sitemap.xml"] + [f"{s}/{p}" for s in slugs for p in
                                                      ("", "who/", "timeline/", "numbers/",
                                                       "reactions/", "sources/")]:
            body = _get(self.base + url, timeout=60)
            if body is not None:
                body = re.sub(r"<script>\s*var livereload.*?</script>", "", body, flags=re.S)
                body = body.replace(f":{self.port}/", ":PORT/")
            pages[url] = body
        index = _get(self.base + "search/search_index.json", timeout=60)
        docs = json.loads(index)["docs"] if index else []
        pages["search"] = sorted(json.dumps(d, sort_keys=True) for d in docs)
        return pages

    def stop(self) -> None:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--briefings", type=int, default=8)
    p.add_argument("--pythonpath", default="")
    p.add_argument("--work", type=Path, default=BENCH / ".work" / "consistency")
    args = p.parse_args()
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if args.pythonpath:
        env["PYTHONPATH"] = args.pythonpath
    shutil.rmtree(args.work, ignore_errors=True)
    project = corpus.write_project(args.work / "live", args.briefings)
    content = project / "content"

    def edit_fact() -> None:
        path = content / corpus.slug_of(1) / "timeline.yaml"
        path.write_text(path.read_text().replace('summary: "', 'summary: "Edited fact. ', 1))

    def edit_title() -> None:
        path = content / corpus.slug_of(2) / "briefing.yaml"
        path.write_text(path.read_text().replace('title: "', 'title: "Retitled ', 1))

    def edit_template() -> None:
        path = project / "templates" / "timeline.md.j2"
        path.write_text(path.read_text().replace("Events in date order.", "Events, in date order."))

    def remove_briefing() -> None:
        shutil.rmtree(content / corpus.slug_of(3))

    def add_briefing() -> None:
        for rel, text in corpus.briefing(args.briefings + 7).items():
            path = content / corpus.slug_of(args.briefings + 7) / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    def edit_two() -> None:
        for i in (4, 5):
            path = content / corpus.slug_of(i) / "quotes.yaml"
            path.write_text(path.read_text().replace('context: "', 'context: "Edited. ', 1))

    def edit_again() -> None:
        path = content / corpus.slug_of(1) / "reactions.yaml"
        path.write_text(path.read_text().replace('summary: "', 'summary: "Edited again. ', 1))

    live = Server(project, env)
    failures = 0
    try:
        for name, edit in [("fact text", edit_fact), ("title (nav)", edit_title),
                           ("template", edit_template), ("briefing removed", remove_briefing),
                           ("briefing added", add_briefing), ("two briefings", edit_two),
                           ("fact text again", edit_again)]:
            before = live.builds()
            time.sleep(1.0)
            edit()
            live.wait_rebuild(before)
            slugs = sorted(d.name for d in content.iterdir())
            got = live.snapshot(slugs + [corpus.slug_of(3)])
            fresh_dir = args.work / "fresh"
            shutil.rmtree(fresh_dir, ignore_errors=True)
            shutil.copytree(project, fresh_dir)
            fresh = Server(fresh_dir, env)
            try:
                want = fresh.snapshot(slugs + [corpus.slug_of(3)])
            finally:
                fresh.stop()
            diff = [k for k in want if got.get(k) != want[k]]
            failures += bool(diff)
            events = [json.loads(line[6:]) for line in live.log.read_text().splitlines()
                      if line.startswith("BENCH ")][-2:]
            print(f"{name:18} {'same' if not diff else 'DIFFERENT: ' + ', '.join(diff[:6])}   "
                  f"(rebuild: {events[-1].get('seconds', 0):.2f} s, briefings re-rendered: "
                  f"{events[0].get('rendered')})", flush=True)
    finally:
        live.stop()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
