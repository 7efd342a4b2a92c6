"""The published dataset in an embedded pyoxigraph store, and one way to query it.

Used by ``diplokg serve`` (through its query workers) and ``diplokg query``.

* :func:`open_store` loads ``data/published/dataset.nq`` (or ``dataset.trig``) into an in-memory
  :class:`pyoxigraph.Store`. Named graphs are kept as they are (one per article), and the store's
  default graph is filled with their *merge* (a set: a triple repeated in several article graphs is
  there once). Queries therefore see the union of the article graphs as their default graph unless
  the query (``FROM``) or the protocol (``default-graph-uri``) names a dataset.

  Why not ``use_default_graph_as_union=True``: pyoxigraph's union default graph is a multiset
  (a triple in two graphs matches twice), so ``SELECT ?name { ?p rdfs:label ?name }`` would list a
  person once per article mentioning them and ``COUNT`` would overcount; SPARQL's RDF merge is a set.
  Materializing the merge costs one extra copy of the triples in memory and makes queries faster.
* :func:`run_query` evaluates a query with a deadline, a row cap and a ``SERVICE`` guard, consuming
  the results incrementally, and returns a :class:`QueryOutcome` value.
* :func:`serialize_outcome` writes an outcome in any SPARQL results or RDF format.

How the deadline works (honestly): pyoxigraph cannot cancel a running query. :func:`run_query`
pulls the results one row at a time and checks the deadline between rows, so a query that streams
(joins, cross products, paths without ``ORDER BY``) stops at the next row after its deadline. A
query whose first row needs all the work (``ORDER BY``, ``GROUP BY`` over a huge input) is only
checked once that row arrives; the server therefore runs such queries in worker *processes* that it
kills when a deadline passes (see :mod:`pipeline.server.workers`), and evaluates in its own process
only queries whose work is bounded before they start (:mod:`pipeline.server.fastpath`).

Errors: :class:`~pipeline.errors.DatasetError` for a missing or unreadable dataset,
:class:`~pipeline.errors.QueryError` (and its subclasses below) for bad queries.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from pipeline.errors import DatasetError, QueryError

#: Dataset files :func:`open_store` looks for, in order of preference (N-Quads parses fastest).
DATASET_FILES: tuple[tuple[str, ox.RdfFormat], ...] = (
    ("dataset.nq", ox.RdfFormat.N_QUADS),
    ("dataset.trig", ox.RdfFormat.TRIG),
)

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]


class QueryTimeout(QueryError):
    """The query ran past its deadline and was stopped."""


class QueryRefused(QueryError):
    """The query asks for something this endpoint does not do (``SERVICE``, updates)."""


# ---------------------------------------------------------------------------------------------
# Loading


def find_dataset(published: str | Path) -> tuple[Path, ox.RdfFormat]:
    """The dataset file in ``published`` (a directory, or a ``.nq``/``.trig`` file).

    Raises:
        DatasetError: no dataset file there.
    """
    path = Path(published)
    if path.is_file():
        for name, fmt in DATASET_FILES:
            if path.suffix == Path(name).suffix:
                return path, fmt
        raise DatasetError(f"{path}: not a dataset file; expected a .nq or .trig file")
    for name, fmt in DATASET_FILES:
        candidate = path / name
        if candidate.is_file():
            return candidate, fmt
    names = " or ".join(n for n, _ in DATASET_FILES)
    raise DatasetError(f"{path}: no published dataset ({names} not found); run `diplokg build` first")


def open_store(published: str | Path) -> ox.Store:
    """Load the published dataset into a new in-memory store.

    Args:
        published: ``data/published`` (or a dataset file inside it).

    Returns:
        a :class:`pyoxigraph.Store` holding every quad, named graphs kept.

    Raises:
        DatasetError: the dataset is missing, empty or does not parse (the message names the file,
            line and column reported by the parser).
    """
    path, fmt = find_dataset(published)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except SyntaxError as exc:
        raise DatasetError(f"{path}: corrupt dataset: {_short(str(exc))}") from exc
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: cannot read dataset: {exc}") from exc
    if len(store) == 0:
        raise DatasetError(f"{path}: the dataset is empty (no quads); rebuild it with `diplokg build`")
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, default)
                      for q in store.quads_for_pattern(None, None, None, None) if q.graph_name != default)
    return store


# ---------------------------------------------------------------------------------------------
# Query text analysis (lexical: comments, strings and IRIs removed first)

_LEXICAL_NOISE = re.compile(
    r"""'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""'''
    r"""|'(?:[^'\\\n]|\\.)*'"""
    r'''|"(?:[^"\\\n]|\\.)*"'''
    r"""|<[^<>"{}|^`\\\s]*>"""
    r"""|\#[^\n]*""",
    re.S,
)
_KEYWORD = r"(?<![\w:?$.-]){}(?![\w:-])"
_SERVICE = re.compile(_KEYWORD.format("SERVICE"), re.I)
_FROM = re.compile(_KEYWORD.format("FROM"), re.I)
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*|BASE\s*)+)?(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.I
)


def _code_only(query: str) -> str:
    return _LEXICAL_NOISE.sub(" ", query)


def uses_service(query: str) -> bool:
    """True when the query has a ``SERVICE`` clause (federated query = outbound HTTP).

    >>> uses_service('SELECT * { SERVICE <http://x/> { ?s ?p ?o } }')
    True
    >>> uses_service('SELECT ?service { ?service <p> "SERVICE" } # SERVICE')
    False
    """
    if "service" not in query.lower():  # fast path: the keyword is not there at all
        return False
    return bool(_SERVICE.search(_code_only(query)))


def uses_from(query: str) -> bool:
    """True when the query names its own dataset with ``FROM`` / ``FROM NAMED``."""
    if "from" not in query.lower():
        return False
    return bool(_FROM.search(_code_only(query)))


def dataset_clause_graphs(query: str, base_iri: str | None = None) -> list[str]:
    """IRIs named by the query's ``FROM`` / ``FROM NAMED`` clauses, prefixes and base resolved.

    Parsed with rdflib (only called for queries that contain ``FROM``); a query rdflib cannot
    parse gives ``[]`` and is left to pyoxigraph.

    >>> dataset_clause_graphs('PREFIX g: <http://e/> SELECT * FROM g:a FROM NAMED <b> { ?s ?p ?o }', 'http://e/q')
    ['http://e/a', 'http://e/b']
    """
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        algebra = translateQuery(parseQuery(query), base=base_iri).algebra
    except Exception:  # noqa: BLE001 - any rdflib failure: let pyoxigraph judge the query
        return []
    out = []
    for clause in algebra.get("datasetClause") or []:
        for key in ("default", "named"):
            if key in clause:
                out.append(str(clause[key]))
    return out


def looks_like_update(query: str) -> bool:
    """True when the text starts like a SPARQL Update (``INSERT``, ``DELETE``, ``CLEAR``...)."""
    code = re.sub(r"<[^>]*>", "<>", _code_only(query))
    return bool(_UPDATE.match(code))


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Evaluation


@dataclass
class QueryOutcome:
    """The value of one query.

    Attributes:
        kind: ``"select"``, ``"ask"`` or ``"graph"`` (CONSTRUCT / DESCRIBE).
        variables: SELECT variable names (no ``?``).
        rows: SELECT rows, one term (or ``None`` when unbound) per variable.
        boolean: the ASK answer.
        triples: CONSTRUCT / DESCRIBE triples.
        truncated: True when ``max_rows`` cut the result (the caller must say so).
        max_rows: the cap that applied.
        elapsed: seconds spent evaluating.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    max_rows: int | None = None
    elapsed: float = 0.0

    @property
    def size(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)


def run_query(
    store: ox.Store,
    text: str,
    *,
    default_graphs: Sequence[str] = (),
    named_graphs: Sequence[str] = (),
    timeout: float | None = None,
    max_rows: int | None = None,
    allow_service: bool = False,
    allow_unknown_graphs: bool = False,
    base_iri: str | None = None,
    on_kind: Callable[[str], object] | None = None,
) -> QueryOutcome:
    """Evaluate a SPARQL query over the store.

    The default graph is the store's default graph (for a store from :func:`open_store`: the merge
    of all article graphs) unless ``default_graphs``/``named_graphs``
    (the protocol's ``default-graph-uri``/``named-graph-uri``) or the query's own ``FROM`` clauses
    name the dataset. Graph IRIs only ever select graphs already in the store: nothing is fetched.

    Args:
        store: the store (read only).
        text: the query.
        default_graphs: IRIs of the graphs whose merge is the default graph.
        named_graphs: IRIs of the graphs visible to ``GRAPH``.
        timeout: seconds; checked between result rows (see the module docstring).
        max_rows: keep at most this many rows/triples, and set ``truncated``.
        allow_service: permit ``SERVICE`` (outbound HTTP from pyoxigraph); off by default.
        allow_unknown_graphs: let ``FROM``/``FROM NAMED`` name graphs that are not in the store
            (they read as empty; pyoxigraph never fetches them). Off: such a query is refused, so
            that nobody mistakes this endpoint for one that loads graphs from the web.
        base_iri: base for relative IRIs in the query.
        on_kind: called with ``"select"``, ``"ask"`` or ``"graph"`` once the query is parsed and
            before results are consumed (the server negotiates the response format there; an
            exception it raises propagates).

    Returns:
        the :class:`QueryOutcome`.

    Raises:
        QueryError: syntax or evaluation error (message trimmed to something readable).
        QueryRefused: ``SERVICE`` without ``allow_service``, ``FROM <unknown graph>`` without
            ``allow_unknown_graphs``, or an update.
        QueryTimeout: the deadline passed.

    >>> s = ox.Store(); s.add(ox.Quad(ox.NamedNode('http://e/s'), ox.NamedNode('http://e/p'),
    ...     ox.Literal('x'), ox.NamedNode('http://e/g')))
    >>> run_query(s, 'SELECT ?o { ?s ?p ?o }').rows  # a bare Store: its default graph is empty
    []
    >>> run_query(s, 'SELECT ?o { ?s ?p ?o }', default_graphs=['http://e/g']).rows
    [(<Literal value=x datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>,)]
    """
    start = time.monotonic()
    deadline = start + timeout if timeout else None
    if not allow_service and uses_service(text):
        raise QueryRefused(
            "SERVICE (federated query) is disabled on this endpoint: it would make the server fetch "
            "from other hosts. Start the server with --allow-service to permit it."
        )
    if not allow_unknown_graphs and uses_from(text):
        unknown = [g for g in dataset_clause_graphs(text, base_iri)
                   if not store.contains_named_graph(ox.NamedNode(g))]
        if unknown:
            raise QueryRefused(
                f"FROM <{unknown[0]}> names no graph of this dataset, and this endpoint never fetches "
                "graphs from the web. The graphs it has: SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
    kwargs: dict[str, object] = {}
    if base_iri:
        kwargs["base_iri"] = base_iri
    if default_graphs or named_graphs:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        result = store.query(text, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as exc:
        if looks_like_update(text):
            raise QueryRefused("this endpoint is read-only: SPARQL Update is not accepted") from exc
        raise QueryError(f"SPARQL syntax error: {_short(str(exc))}") from exc
    except (OSError, ValueError) as exc:
        raise QueryError(f"query failed: {_short(str(exc))}") from exc

    def check(n: int) -> None:
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout(f"query stopped after {timeout:g} s (the per-query time limit) and {n} rows")

    if on_kind is not None:
        on_kind("ask" if isinstance(result, ox.QueryBoolean)
                else "select" if isinstance(result, ox.QuerySolutions) else "graph")
    try:
        if isinstance(result, ox.QueryBoolean):
            out = QueryOutcome("ask", boolean=bool(result))
        elif isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            out = QueryOutcome("select", variables=variables, max_rows=max_rows)
            width = range(len(variables))
            rows = out.rows
            for sol in result:
                if max_rows is not None and len(rows) >= max_rows:
                    out.truncated = True
                    break
                rows.append(tuple(sol[i] for i in width))
                check(len(rows))
        else:
            out = QueryOutcome("graph", max_rows=max_rows)
            triples = out.triples
            for triple in result:
                if max_rows is not None and len(triples) >= max_rows:
                    out.truncated = True
                    break
                triples.append(triple)
                check(len(triples))
        check(out.size)
    except OSError as exc:
        text_exc = str(exc)
        if "SERVICE" in text_exc.upper() or "HTTP" in text_exc.upper():
            raise QueryRefused(f"SERVICE call failed: {_short(text_exc)}") from exc
        raise QueryError(f"query evaluation failed: {_short(text_exc)}") from exc
    except ValueError as exc:
        raise QueryError(f"query evaluation failed: {_short(str(exc))}") from exc
    out.elapsed = time.monotonic() - start
    return out


# ---------------------------------------------------------------------------------------------
# Serialization

#: media type -> (format key, which outcome kinds it serves)
RESULT_FORMATS: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
#: short names accepted by ``diplokg query --format`` and the ``format=`` URL parameter.
FORMAT_ALIASES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "nquads": "application/n-quads",
}

PREFIXES: dict[str, str] = {
    "dip": "https://w3id.org/diplokg/ontology#",
    "cameo": "https://w3id.org/diplokg/ontology/cameo#",
    "plover": "https://w3id.org/diplokg/ontology/plover#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "wd": "http://www.wikidata.org/entity/",
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def term_json(term: Term) -> dict[str, object]:
    """A term as a SPARQL 1.1 JSON results binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {  # RDF-star quoted triple
        "type": "triple",
        "value": {"subject": term_json(term.subject), "predicate": term_json(term.predicate),
                  "object": term_json(term.object)},
    }


def _term_xml(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
            f"</predicate><object>{_term_xml(term.object)}</object></triple>")


def _term_csv(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _term_tsv(term: Term | None) -> str:
    if term is None:
        return ""
    return str(term)  # pyoxigraph's str() is the N-Triples / Turtle form TSV asks for


def serialize_outcome(out: QueryOutcome, media_type: str) -> bytes:
    """Serialize an outcome as ``media_type`` (a key of :data:`RESULT_FORMATS` or :data:`RDF_FORMATS`).

    Raises:
        ValueError: the media type does not fit the outcome kind.
    """
    if out.kind == "graph":
        fmt = RDF_FORMATS.get(media_type)
        if fmt is None:
            raise ValueError(f"{media_type} cannot carry an RDF graph")
        data: Iterable[ox.Triple] | Iterable[ox.Quad] = out.triples
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            data = [ox.Quad(t.subject, t.predicate, t.object) for t in out.triples]
        if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
            return ox.serialize(data, format=fmt, prefixes=PREFIXES) or b""
        return ox.serialize(data, format=fmt) or b""
    key = RESULT_FORMATS.get(media_type)
    if key is None:
        raise ValueError(f"{media_type} cannot carry SPARQL results")
    if out.kind == "ask":
        if key == "json":
            return json.dumps({"head": {}, "boolean": bool(out.boolean)}).encode()
        if key == "xml":
            return (
                '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if out.boolean else 'false'}</boolean></sparql>\n"
            ).encode()
        raise ValueError(f"{media_type} cannot carry a boolean result")
    names = out.variables
    if key == "json":
        bindings = [
            {names[i]: term_json(t) for i, t in enumerate(row) if t is not None} for row in out.rows
        ]
        doc: dict[str, object] = {"head": {"vars": names}, "results": {"bindings": bindings}}
        if out.truncated:
            doc["diplokg"] = {"truncated": True, "maxRows": out.max_rows,
                              "message": f"result cut at {out.max_rows} rows (the server's result-size cap)"}
        return json.dumps(doc, ensure_ascii=False).encode()
    if key == "xml":
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f"<variable name={quoteattr(n)}/>" for n in names]
        if out.truncated:
            parts.append('<link href="#truncated"/>')
        parts.append("</head><results>")
        for row in out.rows:
            parts.append("<result>")
            for i, t in enumerate(row):
                if t is not None:
                    parts.append(f"<binding name={quoteattr(names[i])}>{_term_xml(t)}</binding>")
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode()
    if key == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(names)
        for row in out.rows:
            writer.writerow([_term_csv(t) for t in row])
        return buf.getvalue().encode()
    lines = ["\t".join("?" + n for n in names)]
    lines += ["\t".join(_term_tsv(t) for t in row) for row in out.rows]
    return ("\n".join(lines) + "\n").encode()
