"""The in-process path of ``diplokg serve``: which queries it takes, and that it answers exactly
what the worker processes answer (same server code, same fixture, evaluated both ways)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pyoxigraph as ox
import pytest

from serve_harness import free_port, make_published, make_root, serve

from pipeline.server.app import ProtocolError, _decode_params
from pipeline.server.fastpath import Plan, classify

DIP = "https://w3id.org/diplokg/ontology#"


@pytest.mark.parametrize("query, plan", [
    ("SELECT ?p ?o WHERE { <https://w3id.org/diplokg/id/state/russia> ?p ?o }", Plan("select", False)),
    ("PREFIX dip: <https://w3id.org/diplokg/ontology#>\nSELECT * { ?s a dip:State . } LIMIT 5 OFFSET 1",
     Plan("select", False)),
    ("ASK { ?s a <https://w3id.org/diplokg/ontology#Person> }", Plan("ask", False)),
    ("CONSTRUCT { ?s ?p ?o . ?o ?p ?s } WHERE { ?s ?p ?o }", Plan("graph", False)),
    ("CONSTRUCT WHERE { ?s a ?t }", Plan("graph", False)),
    ("SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type",
     Plan("select", True)),
    ("select distinct ?o where { ?s rdfs:label 'Russia'@en } # a comment { ?x ?y ?z }", Plan("select", True)),
    ('SELECT ?s { ?s ?p "1"^^<http://www.w3.org/2001/XMLSchema#integer> } ORDER BY ASC(?s)', Plan("select", True)),
])
def test_bounded_queries_are_recognised(query: str, plan: Plan) -> None:
    got = classify(query)
    assert got is not None and (got.kind, got.blocking) == (plan.kind, plan.blocking)


@pytest.mark.parametrize("query", [
    "SELECT * { ?a ?b ?c . ?d ?e ?f }",  # a join: unbounded work between rows
    "SELECT * { ?s ?p ?o ; ?q ?r }",  # two patterns, written with ';'
    "SELECT * { ?s ?p ?o , ?x }",
    "SELECT * { ?s ?p ?o FILTER(?o > 1) }",
    "SELECT * { ?s <http://e/p>+ ?o }",  # a property path
    "SELECT * { ?s <http://e/p>/<http://e/q> ?o }",
    "SELECT * { OPTIONAL { ?s ?p ?o } }",
    "SELECT * { { ?s ?p ?o } UNION { ?s ?p ?o } }",
    "SELECT * { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * FROM <http://e/g> { ?s ?p ?o }",
    "SELECT * { ?s ?p [] }",  # blank node: another pattern
    "SELECT (STRLEN(?o) AS ?n) { ?s ?p ?o }",  # expressions
    "SELECT * { ?s ?p ?o } ORDER BY STR(?o)",
    "SELECT * { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1)",
    "SELECT * { { SELECT * { ?s ?p ?o } } }",
    "SELECT * { ?s ?p ?o } VALUES ?s { <http://e/x> }",
    "DESCRIBE <http://e/x>",
    "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }",
    "SELECT * { ?s A ?o }",  # 'a' is case-sensitive: this is not rdf:type (and a syntax error)
    "SELECT * { ?s ?p ?o } LIMIT 1.5",
    "",
])
def test_other_queries_go_to_the_workers(query: str) -> None:
    assert classify(query) is None


@pytest.mark.parametrize("raw", [
    b"query=SELECT%20%3Fs%20%7B%7D&format=json",
    b"q=a+b%2Bc&&empty=&novalue",
    b"a=%zz%4&b=%%41",  # malformed escapes are kept as they are
    b"q=back\\slash%5C%5Cn&r=\\x41",  # backslashes are not escapes
    b"q=%C3%A9t%C3%A9&r=%e2%82%ac",
    b"a=1=2&;b=3",
])
def test_query_string_decoding_matches_parse_qsl(raw: bytes) -> None:
    assert _decode_params(raw, "URL") == parse_qsl(raw.decode(), keep_blank_values=True, errors="strict")


def test_query_string_that_is_not_utf8_is_a_400() -> None:
    for raw in (b"q=%E2%82", b"q=\xff"):
        with pytest.raises(ProtocolError) as err:
            _decode_params(raw, "URL query string")
        assert err.value.status == 400 and "not valid UTF-8" in err.value.message


SAME_ANSWERS = [
    ("SELECT ?p ?o WHERE { <https://w3id.org/diplokg/id/state/russia> ?p ?o }", "application/sparql-results+json"),
    ("SELECT ?p ?o WHERE { <https://w3id.org/diplokg/id/state/russia> ?p ?o }", "text/csv"),
    ("SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type",
     "application/sparql-results+json"),
    ("SELECT DISTINCT ?p WHERE { ?s ?p ?o } ORDER BY ?p", "application/sparql-results+xml"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 7 OFFSET 3", "application/sparql-results+json"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o", "application/sparql-results+json"),  # 123 rows: cut at 50
    ("ASK { ?s a <https://w3id.org/diplokg/ontology#Person> }", "application/sparql-results+json"),
    ("CONSTRUCT { ?s a ?t } WHERE { ?s a ?t }", "application/n-triples"),
    ("SELECT ?s WHERE { ?s <https://w3id.org/diplokg/ontology#nope> ?o }", "application/sparql-results+json"),
    ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT * WHERE { ?s rdfs:label ?name }",
     "application/sparql-results+json"),  # labels: literals, language tags
    ("SELECT ?s ?unbound WHERE { ?s a <https://w3id.org/diplokg/ontology#Person> } LIMIT 100",
     "application/sparql-results+json"),
    ("SELECT ?x WHERE { ?x ?p ?x }", "application/sparql-results+json"),  # a repeated variable
    ("SELECT ?o ?p WHERE { <https://w3id.org/diplokg/id/state/russia> ?p ?o } OFFSET 0", "application/json"),
    ("SELECT ?s WHERE { ?s nowhere:p ?o }", "application/sparql-results+json"),  # undefined prefix: same 400
]


def _normal(resp: httpx.Response) -> object:
    ctype = resp.headers["content-type"]
    if "json" in ctype:
        doc = resp.json()
        if "results" in doc:
            doc["results"]["bindings"] = sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])
        return doc
    if "n-triples" in ctype:
        return sorted(str(t) for t in ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES))
    if "csv" in ctype:  # an unordered SELECT: rows may come in another order
        head, *rows = resp.text.split("\r\n")
        return [head, *sorted(rows)]
    return resp.text


@pytest.mark.parametrize("where", ["event loop", "thread"])
def test_in_process_answers_equal_worker_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    if where == "thread":  # as if every pattern could match more than INLINE_MAX_ROWS triples
        monkeypatch.setattr("pipeline.server.app.INLINE_MAX_ROWS", 0)
    published, root = make_published(tmp_path / "pub"), make_root(tmp_path / "root")
    with serve(published, root, max_rows=50, query_threads=1) as fast, serve(published, root, max_rows=50, in_process=False) as slow, \
            httpx.Client(timeout=30) as c:
        for query, accept in SAME_ANSWERS:
            before = fast.state.in_process
            a = c.get(fast.url + "/sparql", params={"query": query}, headers={"accept": accept})
            b = c.get(slow.url + "/sparql", params={"query": query}, headers={"accept": accept})
            assert a.status_code == b.status_code, query
            assert a.headers["content-type"] == b.headers["content-type"], query
            assert a.headers.get("x-diplokg-truncated") == b.headers.get("x-diplokg-truncated"), query
            assert _normal(a) == _normal(b), query
            if "x-diplokg-rows" in a.headers:  # counted on every path but pyoxigraph's own JSON writer
                assert a.headers["x-diplokg-rows"] == b.headers["x-diplokg-rows"], query
            assert fast.state.in_process == before + 1, f"not answered in process: {query}"
        assert slow.state.in_process == 0
        assert (fast.state.in_thread > 0) == (where == "thread")
        # a join is not bounded: the worker answers it, not the HTTP process
        before = fast.state.in_process
        join = c.get(fast.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?c ?d ?e }"})
        assert join.status_code == 200 and fast.state.in_process == before


def test_several_http_processes_serve_and_stop_cleanly(tmp_path: Path) -> None:
    published, root = make_published(tmp_path / "pub"), make_root(tmp_path / "root")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "serve", "--no-build", "--root", str(root), "--published",
         str(published), "--port", str(port), "--http-workers", "2", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 60
        answers: list[httpx.Response] = []
        while time.monotonic() < deadline and len(answers) < 20:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                with httpx.Client(timeout=10) as c:  # a new connection each time
                    answers.append(c.get(f"http://127.0.0.1:{port}/sparql",
                                         params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}))
            except httpx.TransportError:
                time.sleep(0.1)
        assert len(answers) == 20
        assert all(r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "123" for r in answers)
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err


def test_limit_and_offset_on_the_index_path(tmp_path: Path) -> None:
    published, root = make_published(tmp_path / "pub"), make_root(tmp_path / "root")
    labels = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s ?name WHERE { ?s rdfs:label ?name }"
    assert classify(labels + " LIMIT 4 OFFSET 3").lookup is not None  # answered from the index
    with serve(published, root) as live, httpx.Client(base_url=live.url, timeout=30) as c:
        every = c.get("/sparql", params={"query": labels}).json()["results"]["bindings"]
        page = c.get("/sparql", params={"query": labels + " LIMIT 4 OFFSET 3"}).json()["results"]["bindings"]
        rest = c.get("/sparql", params={"query": labels + " OFFSET 3"}).json()["results"]["bindings"]
    assert len(every) == 15 and len(page) == 4 and len(rest) == 12  # 15 labels, counted in the fixture
    assert all(b in every for b in page) and page == rest[:4]


def test_blocking_plans_over_the_bound_go_to_the_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # as on a store where '?s a ?type' could match more than BLOCKING_MAX_ROWS triples: the sort
    # could not be interrupted in process, so a killable worker evaluates it
    monkeypatch.setattr("pipeline.server.app.BLOCKING_MAX_ROWS", 10)
    published, root = make_published(tmp_path / "pub"), make_root(tmp_path / "root")
    aggregate = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type"
    lookup = "SELECT ?p ?o WHERE { <https://w3id.org/diplokg/id/state/russia> ?p ?o }"
    with serve(published, root) as live, httpx.Client(base_url=live.url, timeout=30) as c:
        assert c.get("/sparql", params={"query": aggregate}).status_code == 200
        assert live.state.in_process == 0
        assert c.get("/sparql", params={"query": lookup}).status_code == 200  # streaming: still in process
        assert live.state.in_process == 1


def test_index_path_limits_and_row_cap() -> None:
    from pipeline.server.fastpath import lookup_json

    store = ox.Store()
    x = ox.NamedNode("http://e/x")
    for i in range(10):
        store.add(ox.Quad(x, ox.NamedNode(f"http://e/p{i}"), ox.Literal(str(i))))
    store.add(ox.Quad(x, ox.NamedNode("http://e/self"), x))  # 11 triples about x, one loops back

    def rows(query: str, max_rows: int) -> int | None:
        plan = classify(query)
        assert plan is not None and plan.lookup is not None
        out = lookup_json(store, plan.lookup, max_rows)
        if out is None:
            return None
        body, n = out
        assert len(json.loads(body)["results"]["bindings"]) == n
        return n

    every = "SELECT * { <http://e/x> ?p ?o }"
    assert rows(every, 11) == 11
    assert rows(every, 10) is None  # over the cap: left to the path that cuts and reports
    assert rows(every + " LIMIT 3", 10) == 3
    assert rows(every + " LIMIT 30", 10) is None  # 11 rows, still over the cap
    assert rows(every + " LIMIT 0", 10) == 0
    assert rows(every + " OFFSET 9", 10) == 2
    assert rows("SELECT ?s { ?s ?p ?s }", 10) == 1  # repeated variable: only the loop matches
