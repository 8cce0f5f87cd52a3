"""Every link in the built site resolves, and every outside address is a well-formed http(s) URL.

Each built HTML file is parsed with ``html.parser``. Every ``href``/``src`` is resolved against
the page's own URL; an internal one must name a file of the built site (a directory URL means
its ``index.html``) and its ``#fragment`` must be an ``id`` in that file. An outside one must be
a well-formed http(s) URL, and must be either a source's address from the content (compared
after percent-decoding: the ``url`` filter encodes parentheses) or the theme's own "Made with
Material for MkDocs" link: generated pages never link anywhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from browser import DEMO_FIXTURE, ROOT, built_site, demo_site, html_pages  # noqa: F401  (fixtures)
from conftest import MINIMAL, add_site_files, build_tree

pytestmark = pytest.mark.site

SITE = "http://site.invalid/"  # a base URL for resolving; never fetched
# The footer's "Made with Material for MkDocs" link, printed by the theme on every page.
THEME_LINKS = {"https://squidfunk.github.io/mkdocs-material/"}
URL_ATTRS = {("a", "href"), ("area", "href"), ("link", "href"), ("script", "src"),
             ("img", "src"), ("source", "src"), ("iframe", "src"), ("use", "href"),
             ("form", "action"), ("object", "data"), ("embed", "src"), ("video", "src"),
             ("audio", "src"), ("image", "href")}
HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^localhost$")


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, attr, value)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.page.ids.add(value)
            if (tag, name) in URL_ATTRS or (tag == "use" and name == "xlink:href"):
                self.page.links.append((tag, name, value))

    handle_startendtag = handle_starttag


def parse(path: Path) -> Page:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def well_formed_http(url: str) -> str | None:
    """Why ``url`` is not a well-formed absolute http(s) URL, or None when it is."""
    if url != url.strip() or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "contains whitespace or control characters"
    if any(c in url for c in '<>"\\^`{|}'):
        return "contains characters that must be percent-encoded"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"cannot be parsed ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http(s)"
    if parts.username is not None or parts.password is not None:
        return "contains user information"
    # RFC 3986 allows a percent-encoded UTF-8 host (the url filter writes IDN hosts that way).
    host = unquote(parts.hostname or "").rstrip(".")
    try:
        ascii_host = host.encode("idna").decode("ascii") if host else ""
    except UnicodeError:
        return f"host {host!r} is not a valid domain name"
    if not HOST.match(ascii_host) and not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", ascii_host):
        return f"host {host!r} is not a valid domain name"
    if port is not None and not 0 < port < 65536:
        return f"port {port} is out of range"
    return None


def resolve(site: Path, rel: str, value: str) -> tuple[Path | None, str, str]:
    """(target file or None for outside, fragment, absolute URL) for a link on page ``rel``."""
    absolute = urljoin(SITE + rel, value)
    parts = urlsplit(absolute)
    if f"{parts.scheme}://{parts.netloc}/" != SITE:
        return None, parts.fragment, absolute
    path = unquote(parts.path).lstrip("/")
    target = site / path
    if path == "" or path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment), absolute


def check_site(site: Path, allowed_outside: set[str]) -> list[str]:
    problems: list[str] = []
    pages = {rel: parse(site / rel) for rel in html_pages(site)}
    for rel, page in pages.items():
        for tag, attr, value in page.links:
            where = f"{rel}: <{tag} {attr}={value!r}>"
            scheme = urlsplit(value.strip()).scheme.lower()
            if scheme in ("javascript", "data", "vbscript", "file"):
                problems.append(f"{where}: {scheme}: URL")
                continue
            if scheme in ("mailto", "tel"):
                continue
            target, fragment, absolute = resolve(site, rel, value)
            if target is None:
                why = well_formed_http(absolute)
                if why:
                    problems.append(f"{where}: outside address {why}")
                elif unquote(absolute) not in {unquote(u) for u in allowed_outside}:
                    problems.append(f"{where}: outside address is neither a source's URL nor "
                                    "the theme's link")
                continue
            if not target.is_file():
                problems.append(f"{where}: {target.relative_to(site)} does not exist")
                continue
            if fragment and target.suffix == ".html":
                key = target.relative_to(site).as_posix()
                ids = pages[key].ids if key in pages else parse(target).ids
                if fragment not in ids:
                    problems.append(f"{where}: no id {fragment!r} in {key}")
    return problems


def source_urls(root: Path) -> dict[str, str]:
    """{source url: "briefing/source-id"} over the published briefings."""
    from generator.pipeline import run

    site = run(root).site
    return {s.url: f"{b.slug}/{s.id}" for b in site.published for s in b.sources if s.url}


def test_every_internal_link_and_anchor_resolves(built_site: Path) -> None:
    problems = check_site(built_site, THEME_LINKS | set(source_urls(ROOT)))
    assert not problems, f"{len(problems)} broken link(s):\n  " + "\n  ".join(problems)


def test_demo_fixture_links_resolve(demo_site: Path) -> None:
    """Hangul headings, Markdown-special titles and a URL with parentheses, all resolving."""
    urls = source_urls(DEMO_FIXTURE)
    assert urls, "the demo fixture is expected to have a source URL"
    problems = check_site(demo_site, THEME_LINKS | set(urls))
    assert not problems, f"{len(problems)} broken link(s):\n  " + "\n  ".join(problems)


def test_source_urls_are_well_formed_http(built_site: Path) -> None:
    urls = source_urls(ROOT)
    bad = [f"{where}: {url!r} {why}" for url, where in urls.items()
           if (why := well_formed_http(url))]
    assert not bad, "\n".join(bad)
    # Each is printed on its briefing's Sources page, unchanged, as a link.
    for url, where in urls.items():
        slug = where.split("/")[0]
        hrefs = {unquote(v) for t, a, v in
                 parse(built_site / slug / "sources" / "index.html").links if t == "a"}
        assert unquote(url) in hrefs, f"{where}: {url} is not linked on the Sources page"


def test_link_checker_catches_broken_links(tmp_path: Path) -> None:
    """The checker itself: a missing page, a missing anchor and a javascript: URL are reported."""
    site = build_tree(tmp_path, {
        "index.html": '<a id="top" href="a/">a</a><a href="a/#nope">x</a><a href="#top">t</a>'
                      '<a href="missing/">m</a><a href="javascript:alert(1)">j</a>'
                      '<a href="https://example.org/x">e</a><a href="https://exa mple.org/">s</a>',
        "a/index.html": '<h2 id="here">h</h2><a href="../#top">up</a><a href="../index.html">i</a>',
    })
    problems = "\n".join(check_site(site, {"https://example.org/x"}))
    assert "no id 'nope' in a/index.html" in problems
    assert "missing/index.html does not exist" in problems
    assert "javascript: URL" in problems
    assert "https://exa mple.org/" in problems
    assert len(problems.splitlines()) == 4, problems


@pytest.mark.parametrize("url,ok", [
    ("https://example.org/news/2025/04/28/story.html", True),
    ("http://www.upi.com/Top_News/World-News/2025/04/28/a/123/?x=1&y=2#p", True),
    ("https://example.org/wiki/Kursk_(oblast)", True),
    ("https://例え.jp/記事", True),
    ("http://%E4%BE%8B%E3%81%88.jp/%E8%A8%98%E4%BA%8B", True),
    ("ftp://example.org/a", False),
    ("javascript:alert(1)", False),
    ("https://", False),
    ("https://exa mple.org/", False),
    ("https://example.org/a b", False),
    ("https://user:pw@example.org/", False),
    ("https://example.org:99999/", False),
    ("https://example.org/\"onmouseover=alert(1)", False),
    ("https://-bad-.org/", False),
])
def test_well_formed_http(url: str, ok: bool) -> None:
    assert (well_formed_http(url) is None) == ok, well_formed_http(url)


TRICKY_URL = "https://example.org/news/Kursk_(2025)/story?id=1&lang=en#part-2"


def test_tricky_source_url_reaches_the_page_intact(tmp_path: Path) -> None:
    """A source address with parentheses, underscores, & and # is linked exactly as written."""
    files = dict(MINIMAL)
    files["content/demo/sources.yaml"] = files["content/demo/sources.yaml"].replace(
        "    label: Article\n", f"    label: Article\n    url: \"{TRICKY_URL}\"\n")
    root = build_tree(tmp_path / "project", files)
    add_site_files(root)
    from generator.build import build_site

    site = build_site(root, site_dir=tmp_path / "site")
    assert source_urls(root) == {TRICKY_URL: "demo/art"}
    problems = check_site(site, THEME_LINKS | {TRICKY_URL})
    assert not problems, problems
    links = [v for t, a, v in parse(site / "demo" / "sources" / "index.html").links if t == "a"]
    # The url filter percent-encodes ( and ) so the Markdown link target cannot end early;
    # the address is otherwise byte for byte the source's.
    assert TRICKY_URL.replace("(", "%28").replace(")", "%29") in links, [
        v for v in links if "example.org" in v]
