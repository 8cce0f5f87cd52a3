"""Inline SVG charts of a figure's estimates, with a title and a text alternative.

Every text inside the SVG is HTML-escaped; numbers are formatted here. Bars show single
values, ranges show their span; "up to" and "at least" are drawn open-ended and said in words.
"""

from __future__ import annotations

import unicodedata

from .escape import attr, html_text
from .model import QUALIFIER_WORDS, Estimate, Figure

# Sizes in CSS px. 36 characters of 14 px text fit the 288 px column of a 320 px phone.
_FONT, _LINE, _BAR, _BAR_GAP, _ROW_GAP, _CHARS = 14, 18, 14, 4, 14, 36
_PLOT = 99.0  # percent of the width the longest bar spans (the group is moved 1 px right)


def number(n: int) -> str:
    """``12000`` → ``12,000``."""
    return f"{n:,}"


def estimate_text(e: Estimate) -> str:
    """The estimate in words, as the source qualifies it: ``about 1,200``, ``10,000–12,000``,
    ``more than 10,000``: every qualifier's words are shown, on a range too."""
    span = number(e.value) if e.value is not None else f"{number(e.low or 0)}–{number(e.high or 0)}"
    return f"{QUALIFIER_WORDS[e.qualifier]}{span}"


def svg(figure: Figure, labels: list[str], chart_id: str) -> str:
    """An accessible horizontal bar chart; ``labels`` name each estimate's row (who, when),
    estimates in date order (``figure.by_date``).

    Each row is its label and value, wrapped onto as many lines as needed (never cut), above
    its bar. The SVG has no viewBox: text keeps its 14 px size at every width, while bars are
    drawn in percent of the chart's width, so the chart fits a phone and fills a desktop column.
    """
    estimates = figure.by_date  # the order of ``labels``
    scale_max = max(e.upper for e in estimates) or 1
    count = len(figure.estimates)
    title = f"{figure.metric}: {count} estimate{'' if count == 1 else 's'}"
    desc = "; ".join(f"{label}: {estimate_text(e)} {figure.unit}"
                     for label, e in zip(labels, estimates))
    rows, y = [], 0
    for label, e in zip(labels, estimates):
        value = estimate_text(e)
        lines = _wrap(f"{label}:", value)
        tspans = [f'<tspan x="0" y="{y + _FONT + i * _LINE}">{html_text(line)}</tspan>'
                  for i, line in enumerate(lines)]
        bold = f'<tspan class="bs-chart-value">{html_text(value)}</tspan>'
        if lines[-1] == "":  # the value has a line of its own
            tspans[-1] = tspans[-1].replace("</tspan>", bold + "</tspan>")
        else:
            tspans[-1] = tspans[-1].replace("</tspan>", " " + bold + "</tspan>")
        y_bar = y + len(lines) * _LINE + _BAR_GAP
        lo = 0 if e.value is not None else (e.low or 0)
        x0, x1 = _PLOT * lo / scale_max, _PLOT * e.upper / scale_max
        kind = "range" if e.value is None else e.qualifier.value
        rows.append(
            f'<text class="bs-chart-label">{"".join(tspans)}</text>'
            f'<rect class="bs-track" x="0" y="{y_bar}" width="{_PLOT}%" height="{_BAR}" rx="2">'
            "</rect>"
            f'<rect class="bs-bar bs-bar-{attr(kind)}" x="{x0:.2f}%" y="{y_bar}" '
            f'width="{max(x1 - x0, 0.5):.2f}%" height="{_BAR}" rx="2"></rect>')
        y = y_bar + _BAR + _ROW_GAP
    return (
        f'<figure class="bs-chart">\n'
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'width="100%" height="{y - _ROW_GAP + 2}" font-size="{_FONT}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{html_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{html_text(desc)}</desc>'
        f'<g transform="translate(1 0)">' + "".join(rows) + "</g>"
        "</svg>\n"
        f'<figcaption>{html_text(figure.metric)} ({html_text(figure.unit)}); bars start at zero, '
        "ranges show their span. The table gives every estimate with its source.</figcaption>\n"
        "</figure>"
    )


def _wrap(label: str, value: str, limit: int = _CHARS) -> list[str]:
    """``label`` broken at spaces into lines of at most ``limit`` character widths (East Asian
    wide characters count two; a longer word is split, never cut). ``value`` goes at the end of
    the last line: that line is returned without it, and is "" when the value needs its own."""
    lines: list[str] = []
    line = ""
    for word in label.split():
        *whole, word = _pieces(word, limit)
        if whole:
            lines += [line, *whole] if line else whole
            line = ""
        if line and _width(line) + 1 + _width(word) > limit:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    fits = line and _width(line) + 1 + _width(value) <= limit
    return [*lines, line] if fits else [*lines, line, ""] if line else [*lines, ""]


def _pieces(word: str, limit: int) -> list[str]:
    """``word`` split into pieces at most ``limit`` wide (one piece when it fits)."""
    pieces, piece, width = [], "", 0
    for ch in word:
        w = _width(ch)
        if width + w > limit:
            pieces.append(piece)
            piece, width = "", 0
        piece, width = piece + ch, width + w
    return [*pieces, piece]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
