"""pipeline.store (loading, run_query, serializers) and the server's content negotiation, in process."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from serve_harness import FIXTURE_TRIG, make_published

from pipeline.errors import DatasetError, QueryError
from pipeline.server.conneg import GRAPH_TYPES, SELECT_TYPES, negotiate, prefers_html
from pipeline.store import (QueryRefused, QueryTimeout, RDF_FORMATS, RESULT_FORMATS, looks_like_update,
                            open_store, run_query, serialize_outcome, uses_service)

CROSS3 = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 123^3 = 1.86 million rows


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    return open_store(make_published(tmp_path_factory.mktemp("store")))


def test_open_store_keeps_graphs_and_merges_default_graph(store: ox.Store) -> None:
    named = [q for q in store if q.graph_name != ox.DefaultGraph()]
    default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert len(named) == 133 and len(default) == 123  # 10 triples repeated across the two graphs
    assert {q.triple for q in named} == {q.triple for q in default}


def test_open_store_prefers_nquads_and_reads_trig_alone(tmp_path: Path) -> None:
    (tmp_path / "dataset.trig").write_bytes(FIXTURE_TRIG.read_bytes())
    assert len(open_store(tmp_path)) == 133 + 123
    assert len(open_store(tmp_path / "dataset.trig")) == 133 + 123
    with pytest.raises(DatasetError, match="not a dataset file"):
        open_store(Path(__file__))


def test_deadline_stops_a_streaming_query(store: ox.Store) -> None:
    with pytest.raises(QueryTimeout, match="stopped after 0.05 s"):
        run_query(store, CROSS3, timeout=0.05)


def test_max_rows_cuts_and_says_so(store: ox.Store) -> None:
    out = run_query(store, CROSS3, max_rows=7)
    assert out.truncated and out.size == 7 and out.max_rows == 7
    whole = run_query(store, "SELECT * WHERE { ?s a ?t }", max_rows=1000)
    # typed resources, counted by hand: 20 in the first graph, 3 more in the second
    assert not whole.truncated and whole.size == 23
    con = run_query(store, "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=10)
    assert con.kind == "graph" and con.truncated and len(con.triples) == 10


def test_refusals_and_errors(store: ox.Store) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        run_query(store, "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    with pytest.raises(QueryRefused, match="read-only"):
        run_query(store, "PREFIX ex: <http://e/>\nDELETE WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match=r"SPARQL syntax error: error at 1:\d+") as err:
        run_query(store, "SELECT ?x WHERE { ?x }")
    assert len(str(err.value)) < 400
    assert uses_service("select * { ?s ?p ?o . SeRvIcE <http://x/> {} }")
    assert not uses_service('SELECT ?service { ?service <http://e/SERVICE> "a SERVICE b" }')
    assert looks_like_update("PREFIX a: <http://a/> BASE <http://b/> INSERT DATA { }")
    assert not looks_like_update("SELECT * { ?s <http://e/insert> ?o }")


def test_from_never_fetches_even_when_unknown_graphs_are_allowed(store: ox.Store) -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(1.0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/remote.ttl"
    contacted: list[bool] = []

    def watch() -> None:
        try:
            listener.accept()[0].close()
            contacted.append(True)
        except OSError:
            pass

    t = threading.Thread(target=watch)
    t.start()
    q = f"SELECT (COUNT(*) AS ?n) FROM <{url}> WHERE {{ ?s ?p ?o }}"
    with pytest.raises(QueryRefused, match="names no graph of this dataset"):
        run_query(store, q)
    out = run_query(store, q, allow_unknown_graphs=True)
    t.join()
    listener.close()
    assert out.rows[0][0].value == "0" and contacted == []  # an empty local graph; nothing fetched


@pytest.mark.parametrize("media", sorted(RESULT_FORMATS))
def test_select_serializations_parse_back(store: ox.Store, media: str) -> None:
    out = run_query(store, 'SELECT ?s ?l ?missing WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l '
                           'OPTIONAL { ?s <http://e/none> ?missing } } ORDER BY ?s')
    body = serialize_outcome(out, media)
    if media == "text/csv":
        lines = body.decode().split("\r\n")
        assert lines[0] == "s,l,missing" and len(lines) == 15 + 2  # header, 15 rows, final empty
        assert '"Penny Wong, Cho Tae-yul: Meeting",' in body.decode()  # quoted, unbound = empty
        return
    fmt = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
           "application/sparql-results+xml": ox.QueryResultsFormat.XML,
           "text/tab-separated-values": ox.QueryResultsFormat.TSV}[media]
    parsed = [(s["s"], s["l"], s["missing"]) for s in ox.parse_query_results(body, format=fmt)]
    assert parsed == [tuple(r) for r in out.rows]  # terms identical: IRIs, language tags, unbound


@pytest.mark.parametrize("media", sorted(RDF_FORMATS))
def test_graph_serializations_parse_back(store: ox.Store, media: str) -> None:
    out = run_query(store, "CONSTRUCT WHERE { ?s ?p ?o }")
    body = serialize_outcome(out, media)
    assert {q.triple for q in ox.parse(body, format=RDF_FORMATS[media])} == set(out.triples)


def test_ask_serializations(store: ox.Store) -> None:
    out = run_query(store, "ASK { ?s ?p ?o }")
    assert json.loads(serialize_outcome(out, "application/sparql-results+json")) == {"head": {}, "boolean": True}
    assert b"<boolean>true</boolean>" in serialize_outcome(out, "application/sparql-results+xml")
    with pytest.raises(ValueError):
        serialize_outcome(out, "text/csv")


def test_negotiation() -> None:
    assert negotiate(None, SELECT_TYPES) == "application/sparql-results+json"
    assert negotiate("*/*", GRAPH_TYPES) == "text/turtle"
    assert negotiate("application/json", SELECT_TYPES) == "application/sparql-results+json"
    assert negotiate("text/*;q=0.9, text/csv;q=0.1", SELECT_TYPES) == "text/tab-separated-values"
    assert negotiate("application/rdf+xml;q=0.4, application/ld+json;q=0.6", GRAPH_TYPES) == "application/ld+json"
    assert negotiate("text/turtle;q=0", GRAPH_TYPES) is None
    assert negotiate("application/ld+json;q=abc", GRAPH_TYPES) is None  # a malformed q counts as 0
    assert prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not prefers_html("*/*") and not prefers_html("text/turtle, text/html;q=0.5")
