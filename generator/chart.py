"""Inline SVG charts of a figure's estimates, with a title and a text alternative.

Every text inside the SVG is HTML-escaped; numbers are formatted here. Bars show single
values, ranges show their span; "up to" and "at least" are drawn open-ended and said in words.
"""

from __future__ import annotations

from .escape import attr, html_text
from .model import Estimate, Figure, Qualifier

_WIDTH, _LABEL, _ROW, _PAD = 640, 230, 34, 10


def number(n: int) -> str:
    """``12000`` → ``12,000``."""
    return f"{n:,}"


def estimate_text(e: Estimate) -> str:
    """The estimate in words, as the source qualifies it: ``about 1,200``, ``10,000–12,000``."""
    if e.value is None:
        span = f"{number(e.low or 0)}–{number(e.high or 0)}"
        return {Qualifier.ABOUT: f"about {span}", Qualifier.UP_TO: f"up to {span}"}.get(e.qualifier, span)
    words = {Qualifier.EXACT: "", Qualifier.ABOUT: "about ", Qualifier.UP_TO: "up to ",
             Qualifier.AT_LEAST: "at least ", Qualifier.MORE_THAN: "more than ",
             Qualifier.BETWEEN: ""}[e.qualifier]
    return f"{words}{number(e.value)}"


def svg(figure: Figure, labels: list[str], chart_id: str) -> str:
    """An accessible horizontal bar chart; ``labels`` name each estimate's row (who, when)."""
    scale_max = max(e.upper for e in figure.estimates) or 1
    plot = _WIDTH - _LABEL - 90
    height = _PAD * 2 + _ROW * len(figure.estimates)
    count = len(figure.estimates)
    title = f"{figure.metric}: {count} estimate{'' if count == 1 else 's'}"
    desc = "; ".join(f"{label}: {estimate_text(e)} {figure.unit}"
                     for label, e in zip(labels, figure.estimates))
    rows = []
    for i, (label, e) in enumerate(zip(labels, figure.estimates)):
        y = _PAD + i * _ROW
        lo = 0 if e.value is not None else (e.low or 0)
        hi = e.upper
        x0 = _LABEL + plot * lo / scale_max
        x1 = _LABEL + plot * hi / scale_max
        kind = "range" if e.value is None else e.qualifier.value
        rows.append(
            f'<text class="bs-chart-label" x="{_LABEL - 8}" y="{y + 21}" text-anchor="end">'
            f"{html_text(_short(label))}</text>"
            f'<rect class="bs-bar bs-bar-{attr(kind)}" x="{x0:.1f}" y="{y + 6}" '
            f'width="{max(x1 - x0, 2):.1f}" height="{_ROW - 12}" rx="2"></rect>'
            f'<text class="bs-chart-value" x="{x1 + 6:.1f}" y="{y + 21}">'
            f"{html_text(estimate_text(e))}</text>")
    return (
        f'<figure class="bs-chart">\n'
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {_WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{html_text(title)}</title>'
        f'<desc id="{chart_id}-desc">{html_text(desc)}</desc>'
        + "".join(rows) +
        "</svg>\n"
        f'<figcaption>{html_text(figure.metric)} ({html_text(figure.unit)}); bars start at zero, '
        "ranges show their span. The table gives every estimate with its source.</figcaption>\n"
        "</figure>"
    )


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
