"""HTTP content negotiation (RFC 9110 ``Accept`` with q-values) for the endpoint and the pages.

>>> negotiate("text/csv;q=0.5, application/sparql-results+xml", SELECT_TYPES)
'application/sparql-results+xml'
>>> negotiate("image/png", SELECT_TYPES) is None
True
>>> negotiate(None, GRAPH_TYPES)
'text/turtle'
"""

from __future__ import annotations

from functools import lru_cache

#: What each kind of answer can be sent as, in the server's order of preference (first = default).
SELECT_TYPES: tuple[str, ...] = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
ASK_TYPES: tuple[str, ...] = ("application/sparql-results+json", "application/sparql-results+xml")
GRAPH_TYPES: tuple[str, ...] = (
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "application/trig",
    "application/n-quads",
)
QUAD_TYPES: tuple[str, ...] = ("application/trig", "application/n-quads", "text/turtle",
                               "application/n-triples", "application/ld+json", "application/rdf+xml")
KIND_TYPES: dict[str, tuple[str, ...]] = {"select": SELECT_TYPES, "ask": ASK_TYPES, "graph": GRAPH_TYPES}

#: Media types clients use for the same formats; answered with the canonical type on the right.
ALIASES: dict[str, str] = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json-ld": "application/ld+json",
    "text/n3": "text/turtle",
    "text/rdf+n3": "text/turtle",
}


@lru_cache(maxsize=512)
def parse_accept(header: str) -> tuple[tuple[str, float], ...]:
    """``Accept`` -> ((media range, q), ...); malformed q-values count as 0."""
    out: list[tuple[str, float]] = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        rng = fields[0].lower()
        if not rng:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        out.append((rng, q))
    return tuple(out)


def _quality(candidate: str, ranges: tuple[tuple[str, float], ...]) -> float:
    """q of the most specific range matching ``candidate`` (-1 when none matches)."""
    major = candidate.split("/", 1)[0]
    best_spec, best_q = -1, -1.0
    for rng, q in ranges:
        target = ALIASES.get(rng, rng)
        if target == candidate or rng == candidate:
            spec = 3
        elif rng == major + "/*":
            spec = 2
        elif rng == "*/*":
            spec = 1
        else:
            continue
        if spec > best_spec or (spec == best_spec and q > best_q):
            best_spec, best_q = spec, q
    return best_q


@lru_cache(maxsize=1024)
def negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    """The offered media type the client prefers, or ``None`` when nothing is acceptable (406).

    Ties go to the server's order in ``offered``. No ``Accept`` header means "anything": the first.
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for candidate in offered:
        q = _quality(candidate, ranges)
        if q > best_q:
            best, best_q = candidate, q
    return best


@lru_cache(maxsize=512)
def prefers_html(accept: str | None) -> bool:
    """True when ``text/html`` is acceptable and at least as preferred as any RDF/results type
    (what browsers send), so a page is the better answer."""
    if not accept:
        return False
    ranges = parse_accept(accept)
    html_q = _quality("text/html", ranges)
    if html_q <= 0:
        return False
    explicit = [q for rng, q in ranges if rng not in ("*/*", "text/html", "application/xhtml+xml", "text/*")
                and not rng.startswith("image/")]
    return all(html_q >= q for q in explicit) and any(rng in ("text/html", "application/xhtml+xml")
                                                       for rng, _ in ranges)
