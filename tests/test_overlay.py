"""The serve error banner: escapes everything it shows, sits first in the body."""

from __future__ import annotations

import pytest

from generator import overlay

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&lt;already&gt;",
           "</pre></div><script>x</script>", "\x1b[31mred\x1b[0m", "a\x00b", "\u202egnp.exe"]


@pytest.mark.parametrize("text", HOSTILE)
def test_banner_escapes_what_it_shows(text: str) -> None:
    html = overlay.banner(f"content/x/quotes.yaml:3:1: unknown field '{text}'")
    shown = html[html.index("<pre"):]
    assert "<script" not in shown and "<img" not in shown and "\x1b" not in shown
    assert "\x00" not in html and "\u202e" not in html and shown.count("</pre>") == 1 and html.count("</div>") == 1


def test_banner_goes_first_in_the_body() -> None:
    page = b'<html><head></head><body class="x" data-y="1"><h1>Hi</h1></body></html>'
    out = overlay.inject(page, "problem")
    assert out.startswith(b'<html><head></head><body class="x" data-y="1"><div id="')
    assert out.endswith(b"<h1>Hi</h1></body></html>") and overlay.MARKER.encode() in out
    assert overlay.MARKER.encode() in overlay.inject(b"no body tag", "problem")
