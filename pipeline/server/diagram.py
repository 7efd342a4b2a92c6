"""Server-side SVG: who did what to whom (no JavaScript, no CDN).

One row per event: the actors in a box on the left, an arrow labelled with the event type and date,
the targets in a box on the right. Every text is XML-escaped; boxes link to the entity pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from pipeline.server.views import Happening

ROW_H = 46
BOX_W = 230
GAP = 200
PAD = 10


def _clip(text: str, n: int = 34) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def who_did_what(rows: Sequence[Happening], href: Callable[[str], str], focus: str = "") -> str:
    """An inline ``<svg>`` for ``rows`` (empty string when there is nothing to draw).

    Args:
        rows: the happenings (events/statements) to draw, one per row.
        href: maps an IRI to the link target (local page for dataset IRIs).
        focus: the IRI of the page's entity, drawn highlighted.
    """
    rows = [h for h in rows if h.actors or h.targets]
    if not rows:
        return ""
    width = PAD * 2 + BOX_W * 2 + GAP
    height = PAD * 2 + ROW_H * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="who-did-what" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="who did what to whom">',
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
        "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/>"
        "</marker></defs>",
    ]

    def box(x: int, y: int, ends: list[tuple[str, str]]) -> None:
        if not ends:
            parts.append(f'<text x="{x + BOX_W // 2}" y="{y + 24}" text-anchor="middle" class="none">—</text>')
            return
        label = ", ".join(lbl for _, lbl in ends)
        hl = any(i == focus for i, _ in ends)
        first = ends[0][0]
        parts.append(f'<a href={quoteattr(href(first))}><title>{escape(label)}</title>')
        parts.append(f'<rect x="{x}" y="{y + 5}" width="{BOX_W}" height="{ROW_H - 12}" rx="6" '
                     f'class="{"focus" if hl else "node"}"/>')
        parts.append(f'<text x="{x + BOX_W // 2}" y="{y + 27}" text-anchor="middle">{escape(_clip(label))}</text></a>')

    for n, h in enumerate(rows):
        y = PAD + n * ROW_H
        box(PAD, y, h.actors)
        box(PAD + BOX_W + GAP, y, h.targets)
        x1, x2 = PAD + BOX_W + 4, PAD + BOX_W + GAP - 4
        parts.append(f'<line x1="{x1}" y1="{y + 22}" x2="{x2}" y2="{y + 22}" stroke="#555" '
                     'stroke-width="1.5" marker-end="url(#arrow)"/>')
        verb = h.kind.split(":")[-1]
        parts.append(f'<a href={quoteattr(href(h.iri))}><text x="{(x1 + x2) // 2}" y="{y + 16}" '
                     f'text-anchor="middle" class="verb">{escape(_clip(verb, 26))}</text>'
                     f'<text x="{(x1 + x2) // 2}" y="{y + 38}" text-anchor="middle" class="date">'
                     f'{escape(h.date)}</text></a>')
    parts.append("</svg>")
    return "".join(parts)
