"""Source URLs: well-formed http(s) links to a public host, nothing else.

A source's ``url`` is printed as a link on every page that cites it, so it is checked as a
browser would read it: scheme, host, port, path. Each refusal says what is wrong and how to
write it instead (``Refusal.hint``).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from .errors import Refusal

MAX_URL = 2_000  # characters; longer links are not article addresses
_SCHEME = re.compile(r"^(https?)://", re.IGNORECASE)
_NOT_IN_URL = re.compile(r"[\s<>\"'`\\]")  # besides control characters
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LABEL = re.compile(r"^[^\W_](?:[^\W_]|-)*$")  # letters and digits, hyphens inside
_PORT = re.compile(r"^[0-9]{1,5}$")
_COPY = "copy the article's address from the browser's address bar"


def check_url(value: str) -> None:
    """Raise ``Refusal`` unless ``value`` is a well-formed http(s) URL."""
    scheme = _SCHEME.match(value)
    if scheme is None:
        raise Refusal(f"{value!r} is not an http(s) URL; only http:// and https:// links are allowed",
                      "write the full address, starting with https://")
    if len(value) > MAX_URL:
        raise Refusal(f"URL is too long ({len(value):,} characters; the limit is {MAX_URL:,})",
                      "link to the article's own address, without tracking parameters")
    bad = _NOT_IN_URL.search(value) or next(
        (m for m in re.finditer(".", value, re.DOTALL) if unicodedata.category(m.group())[0] == "C"),
        None)
    if bad is not None:
        char = bad.group()
        what = (f"a space or line break (U+{ord(char):04X})" if char.isspace() else
                f"'{char}'" if char.isprintable() else
                f"U+{ord(char):04X} {unicodedata.name(char, '(not a printable character)')}")
        raise Refusal(f"URL contains {what} at character {bad.start() + 1}, which a URL cannot "
                      "hold", "remove it, or write it percent-encoded (a space is %20); " + _COPY)
    rest = value[scheme.end():]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    _check_authority(value, authority)
    after = rest[len(authority):]
    if after.count("#") > 1:
        raise Refusal(f"'{value}' has more than one '#'", "keep only the first #fragment; " + _COPY)
    escape = _PERCENT.search(after)
    if escape is not None:
        raise Refusal(f"'{value}' has a '%' not followed by two hex digits "
                      f"(character {len(value) - len(after) + escape.start() + 1})",
                      "write a literal % as %25; " + _COPY)


def _check_authority(value: str, authority: str) -> None:
    if "@" in authority:
        raise Refusal(f"'{value}' contains a user name or password (before '@'), which a "
                      "published link must not carry", "remove the 'user:password@' part")
    host, port = authority, None
    if authority.startswith("["):
        host, bracket, tail = authority[1:].partition("]")
        if not bracket or (tail and not tail.startswith(":")):
            raise Refusal(f"'{value}' has a malformed [IPv6] host", _COPY)
        port = tail[1:] if tail else None
        _check_ip(value, host, ipaddress.IPv6Address)
    elif ":" in authority:
        host, _, port = authority.partition(":")
    if port is not None and not (_PORT.match(port) and 1 <= int(port) <= 65535):
        raise Refusal(f"'{value}' has an invalid port '{port}'",
                      "a port is a number from 1 to 65535, e.g. https://example.org:8080/; "
                      "most links have none")
    if not authority.startswith("["):
        _check_host(value, host)


def _check_host(value: str, host: str) -> None:
    if not host:
        raise Refusal(f"'{value}' has no host name", "write it like https://example.org/path")
    labels = host.rstrip(".").split(".")
    if all(label.isascii() and label.isdigit() for label in labels):
        _check_ip(value, host, ipaddress.IPv4Address)
        return
    why = ""
    if len(labels) < 2:
        why = "it has no domain ending such as .org"
    elif any(not _LABEL.match(label) or label.endswith("-") for label in labels):
        why = "each part between dots must be letters, digits and inner hyphens"
    elif any(_ascii_length(label) > 63 for label in labels) or len(host) > 253:
        why = "a part between dots is longer than 63 characters"
    if why:
        raise Refusal(f"'{value}' has an invalid host name '{host}': {why}", _COPY)


def _ascii_length(label: str) -> int:
    """Length of the label as DNS carries it (``xn--`` + punycode for non-ASCII labels)."""
    return len(label) if label.isascii() else 4 + len(label.encode("punycode"))


def _check_ip(value: str, host: str, kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> None:
    try:
        kind(host)
    except ValueError:
        raise Refusal(f"'{value}' has an invalid IP address '{host}'", _COPY) from None
