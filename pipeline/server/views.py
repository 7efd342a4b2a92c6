"""What the Linked Data pages show, computed from the store (pure functions, no HTTP).

Each function takes the read-only :class:`pyoxigraph.Store` from :func:`pipeline.store.open_store`
(whose default graph is the merge of the article graphs) and returns plain values the templates
render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from pipeline.store import PREFIXES

DIP = PREFIXES["dip"]
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_PREFIX_DECL = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())


_UNSAFE_IRI = re.compile(r'[<>"{}|^`\\\x00-\x20]')


def iri_ref(iri: str) -> str:
    """``<iri>`` for pasting into a query; refuses characters an IRI reference cannot hold."""
    if _UNSAFE_IRI.search(iri):
        raise ValueError(f"not a valid IRI: {iri!r}")
    return f"<{iri}>"


def _select(store: ox.Store, query: str) -> list[ox.QuerySolution]:
    result = store.query(query)
    assert isinstance(result, ox.QuerySolutions), "expected a SELECT query"
    return list(result)


def _q(store: ox.Store, query: str, **subst: ox.NamedNode) -> list[ox.QuerySolution]:
    """SELECT over the union graph; ``$name`` in the text is replaced by the IRI ``subst[name]``."""
    for name, node in subst.items():
        query = re.sub(rf"\${name}\b", iri_ref(node.value), query)
    return _select(store, _PREFIX_DECL + query)


def compact(iri: str) -> str:
    """``https://w3id.org/diplokg/ontology#Person`` -> ``dip:Person`` (else the IRI)."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(best) and re.fullmatch(r"[\w.-]*", iri[len(ns):]):
            best = ns
            name = f"{prefix}:{iri[len(ns):]}"
    return name if best else iri


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri.rstrip("/#"))[-1]


# ---------------------------------------------------------------------------------------------
# Home


@dataclass
class Summary:
    """Dataset figures for the home page and the service description."""

    quads: int
    triples: int
    graphs: int
    articles: list[dict[str, str]]
    classes: list[tuple[str, str, int]]  # (class IRI, compact name, instances)
    events: list[tuple[str, str, int]]


def summarize(store: ox.Store) -> Summary:
    """Counts of what the dataset holds."""
    quads = sum(1 for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != ox.DefaultGraph())
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    graphs = sum(1 for _ in store.named_graphs())
    articles = [
        {"iri": r["a"].value, "headline": r["h"].value if r["h"] else local_name(r["a"].value),
         "graph": r["g"].value if r["g"] else "", "date": r["d"].value if r["d"] else ""}
        for r in _select(
            store, _PREFIX_DECL + "SELECT ?a ?g (SAMPLE(?h0) AS ?h) (SAMPLE(?d0) AS ?d) { GRAPH ?g { ?a a dip:Article . "
            "OPTIONAL { ?a schema:headline ?h0 } OPTIONAL { ?a schema:datePublished ?d0 } } } "
            "GROUP BY ?a ?g ORDER BY ?a")
    ]
    classes = [
        (r["c"].value, compact(r["c"].value), int(r["n"].value))
        for r in _q(store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) ?c")
    ]
    events = [
        c for c in classes
        if c[0].startswith(DIP) and c[1] not in ("dip:Article", "dip:TextSpan", "dip:Statement", "dip:Claim")
        and _is_event_class(store, c[0])
    ]
    return Summary(quads, triples, graphs, articles, classes, events)


def _is_event_class(store: ox.Store, cls: str) -> bool:
    """True when instances of ``cls`` carry a CAMEO code (what makes them diplomatic events)."""
    return bool(store.query(_PREFIX_DECL + f"ASK {{ ?e a {iri_ref(cls)} ; dip:cameoCode ?code }}"))


@dataclass(frozen=True)
class ExampleQuery:
    """A query from ``queries/*.rq``: its file stem, title (first comment lines) and text."""

    name: str
    title: str
    text: str


def example_queries(queries_dir: Path) -> list[ExampleQuery]:
    """Every ``*.rq`` in ``queries_dir``, sorted by name; title = leading ``#`` comment lines."""
    out = []
    if queries_dir.is_dir():
        for path in sorted(queries_dir.glob("*.rq")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            title_lines = []
            for line in text.splitlines():
                if line.startswith("#"):
                    title_lines.append(line.lstrip("#").strip())
                elif line.strip():
                    break
            title = " ".join(t for t in title_lines if t) or path.stem
            out.append(ExampleQuery(path.stem, title, text))
    return out


# ---------------------------------------------------------------------------------------------
# Entity pages


@dataclass
class Link:
    """One triple seen from the entity: a predicate and the other end, with the graphs holding it."""

    predicate: str
    predicate_label: str
    other: ox.NamedNode | ox.BlankNode | ox.Literal
    other_label: str
    graphs: list[str]


@dataclass
class Happening:
    """A row of the diagram and timeline: an event (or statement) involving the entity."""

    iri: str
    label: str
    kind: str  # compact class name, e.g. "dip:Criticism"
    date: str
    actors: list[tuple[str, str]] = field(default_factory=list)  # (iri, label)
    targets: list[tuple[str, str]] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    articles: list[tuple[str, str]] = field(default_factory=list)  # (iri, headline)
    quote: str = ""


@dataclass
class EntityView:
    """Everything the entity page shows."""

    iri: str
    label: str
    types: list[tuple[str, str]]
    outgoing: list[Link]
    incoming: list[Link]
    incoming_truncated: bool
    happenings: list[Happening]
    same_as: list[str]


def labels_for(store: ox.Store, iris: set[str]) -> dict[str, str]:
    """rdfs:label (or headline) of each IRI that has one (English preferred)."""
    if not iris:
        return {}
    values = " ".join(iri_ref(i) for i in iris if not _UNSAFE_IRI.search(i))
    if not values:
        return {}
    out: dict[str, str] = {}
    for r in _q(store, f"SELECT ?s ?l {{ VALUES ?s {{ {values} }} {{ ?s rdfs:label ?l }} UNION "
                       "{ ?s schema:headline ?l } } ORDER BY ?s DESC(LANGMATCHES(LANG(?l), 'en'))"):
        out.setdefault(r["s"].value, r["l"].value)
    return out


def describe_entity(store: ox.Store, iri: str, *, max_links: int = 500) -> EntityView | None:
    """The entity page for ``iri``, or ``None`` when the store says nothing about it (or ``iri``
    is not a valid IRI)."""
    if not valid_iri(iri):
        return None
    ref = iri_ref(iri)
    out_rows = _select(store, f"SELECT ?p ?o ?g {{ GRAPH ?g {{ {ref} ?p ?o }} }} ORDER BY ?p ?o ?g")
    in_rows = _select(store, f"SELECT ?s ?p ?g {{ GRAPH ?g {{ ?s ?p {ref} }} }} ORDER BY ?p ?s ?g "
                             f"LIMIT {max_links + 1}")
    if not out_rows and not in_rows:
        return None
    truncated = len(in_rows) > max_links
    in_rows = in_rows[:max_links]
    iris = {r["p"].value for r in out_rows} | {r["o"].value for r in out_rows if isinstance(r["o"], ox.NamedNode)}
    iris |= {r["p"].value for r in in_rows} | {r["s"].value for r in in_rows if isinstance(r["s"], ox.NamedNode)}
    iris.add(iri)
    labels = labels_for(store, iris)

    def group(rows: list[ox.QuerySolution], other_var: str) -> list[Link]:
        links: dict[tuple[str, str], Link] = {}
        for r in rows:
            other = r[other_var]
            key = (r["p"].value, str(other))
            if key not in links:
                other_label = labels.get(other.value, "") if isinstance(other, ox.NamedNode) else ""
                links[key] = Link(r["p"].value, compact(r["p"].value), other, other_label, [])
            links[key].graphs.append(r["g"].value)
        return list(links.values())

    outgoing = group(out_rows, "o")
    incoming = group(in_rows, "s")
    types = [(l.other.value, compact(l.other.value)) for l in outgoing if l.predicate == RDF_TYPE]
    same_as = [l.other.value for l in outgoing if l.predicate == "http://www.w3.org/2002/07/owl#sameAs"]
    label = labels.get(iri) or local_name(iri)
    return EntityView(iri, label, types, outgoing, incoming, truncated, happenings(store, iri), same_as)


def happenings(store: ox.Store, iri: str) -> list[Happening]:
    """Events the entity takes part in (or the event itself), and statements it made, by date."""
    node = ox.NamedNode(iri)
    rows = _q(store, """
        SELECT DISTINCT ?e {
          { ?e dip:actor|dip:target|dip:participant|dip:concernsAgreement|dip:concernsClaim|sem:hasPlace $x }
          UNION { ?e dip:speaker|dip:about $x . ?e a dip:Statement }
          UNION { ?e dip:cameoCode ?code FILTER(?e = $x) }
          UNION { ?e a dip:Statement FILTER(?e = $x) }
        } LIMIT 200""", x=node)
    out: list[Happening] = []
    for r in rows:
        e = r["e"]
        if not isinstance(e, ox.NamedNode):
            continue
        h = Happening(e.value, "", "", "")
        iris: set[str] = {e.value}
        for d in _q(store, """
            SELECT ?p ?o { $e ?p ?o
              FILTER(?p IN (rdf:type, rdfs:label, dip:date, dip:actor, dip:target, dip:participant,
                            dip:speaker, dip:about, dip:quote, prov:wasDerivedFrom, dip:evidence)) }""", e=e):
            p, o = d["p"].value, d["o"]
            if p == RDF_TYPE and o.value.startswith(DIP) and o.value != DIP + "DiplomaticEvent":
                h.kind = h.kind or compact(o.value)
            elif p == RDFS_LABEL:
                h.label = o.value
            elif p == DIP + "date":
                h.date = o.value
            elif p in (DIP + "actor", DIP + "speaker"):
                h.actors.append((o.value, ""))
            elif p in (DIP + "target", DIP + "about"):
                h.targets.append((o.value, ""))
            elif p == DIP + "participant":
                h.actors.append((o.value, ""))
            elif p == DIP + "quote":
                h.quote = o.value
            elif p == "http://www.w3.org/ns/prov#wasDerivedFrom":
                h.articles.append((o.value, ""))
            elif p == DIP + "evidence":
                for s in _q(store, "SELECT ?t { $span oa:exact ?t }", span=o):
                    h.evidence.append(s["t"].value)
            if isinstance(o, ox.NamedNode):
                iris.add(o.value)
        labels = labels_for(store, iris)
        h.actors = sorted({(i, labels.get(i, local_name(i))) for i, _ in h.actors}, key=lambda x: x[1])
        h.targets = sorted({(i, labels.get(i, local_name(i))) for i, _ in h.targets}, key=lambda x: x[1])
        h.articles = sorted({(i, labels.get(i, local_name(i))) for i, _ in h.articles})
        h.evidence = sorted(set(h.evidence))
        if not h.label and h.kind == "dip:Statement" and h.actors:
            h.label = ", ".join(lbl for _, lbl in h.actors) + ": Statement"
        h.label = h.label or labels.get(e.value) or local_name(e.value)
        h.kind = h.kind or "event"
        out.append(h)
    out.sort(key=lambda h: (h.date or "9999", h.label, h.iri))
    return out


def suggestions(store: ox.Store, iri: str, base: str, limit: int = 8) -> list[tuple[str, str]]:
    """Known resources whose IRI or label shares the unknown IRI's last slug (for the 404 page)."""
    slug = local_name(iri).lower()
    words = [w for w in re.split(r"[^a-z0-9]+", slug) if len(w) >= 3][:4]
    if not words:
        return []
    cond = " || ".join(f'CONTAINS(LCASE(STR(?s)), "{w}") || CONTAINS(LCASE(STR(?l)), "{w}")' for w in words)
    rows = _q(store, f"""SELECT DISTINCT ?s ?l {{ ?s rdfs:label ?l FILTER(STRSTARTS(STR(?s), "{base}id/"))
                         FILTER({cond}) }} ORDER BY ?l LIMIT {limit}""")
    return [(r["s"].value, r["l"].value) for r in rows]


def valid_iri(iri: str) -> bool:
    """True when ``iri`` can be a NamedNode and be pasted into a query."""
    if _UNSAFE_IRI.search(iri):
        return False
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True


def graph_exists(store: ox.Store, graph: str) -> bool:
    return valid_iri(graph) and store.contains_named_graph(ox.NamedNode(graph))
