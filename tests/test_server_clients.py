"""Real SPARQL clients against a live ``diplokg serve``: SPARQLWrapper, curl and rasqal's roqet.

Every answer is compared with the local pyoxigraph engine over the same dataset.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest
from SPARQLWrapper import GET, JSON, POST, TURTLE, XML, SPARQLWrapper

from conftest import require_tool
from serve_harness import make_published, make_root, serve

from pipeline.store import QueryOutcome, open_store, run_query

QUERY = """PREFIX dip: <https://w3id.org/diplokg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?label ?date WHERE {
  ?event dip:actor <https://w3id.org/diplokg/id/person/penny-wong> ; rdfs:label ?label ; dip:date ?date
} ORDER BY ?event"""
CONSTRUCT = """CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?s = <https://w3id.org/diplokg/id/state/australia>) }"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("clients")
    published = make_published(tmp / "published")
    with serve(published, make_root(tmp / "root"), workers=1) as live:
        yield live, open_store(published)


def local_rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    out: QueryOutcome = run_query(store, query)
    return [tuple(str(t) for t in row) for row in out.rows]


def test_sparqlwrapper_select_json_xml_get_and_post(env) -> None:
    live, store = env
    expected = local_rows(store, QUERY)
    assert len(expected) == 3
    for method in (GET, POST):
        sw = SPARQLWrapper(live.url + "/sparql")
        sw.setMethod(method)
        sw.setQuery(QUERY)
        sw.setReturnFormat(JSON)
        doc = sw.query().convert()
        got = [(b["event"]["value"], b["label"]["value"], b["date"]["value"]) for b in doc["results"]["bindings"]]
        assert got == [(r[0][1:-1], "Penny Wong: Criticism" if "criticises" in r[0] else "Penny Wong: Visit",
                        r[2].split('"')[1]) for r in expected]
        assert doc["results"]["bindings"][0]["label"]["xml:lang"] == "en"
        sw.setReturnFormat(XML)
        xml_doc = sw.query().convert()  # a minidom Document
        assert len(xml_doc.getElementsByTagName("result")) == 3


def test_sparqlwrapper_construct_and_ask(env) -> None:
    live, store = env
    sw = SPARQLWrapper(live.url + "/sparql")
    sw.setQuery(CONSTRUCT)
    sw.setReturnFormat(TURTLE)
    data = sw.query().convert()
    triples = {t.triple for t in ox.parse(data, format=ox.RdfFormat.TURTLE)}
    local = {t for t in store.query(CONSTRUCT)}
    assert triples == local and len(local) == 3  # type, label, sameAs
    sw.setQuery("ASK { <https://w3id.org/diplokg/id/state/australia> ?p ?o }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True


def test_curl_get_post_and_conneg(env) -> None:
    live, store = env
    curl = require_tool("curl")
    out = subprocess.run([curl, "-sS", "-G", "-H", "Accept: text/tab-separated-values", "--data-urlencode",
                          f"query={QUERY}", live.url + "/sparql"], capture_output=True, text=True, timeout=30, check=True)
    lines = out.stdout.rstrip("\n").split("\n")
    assert lines[0] == "?event\t?label\t?date"
    assert [tuple(line.split("\t")) for line in lines[1:]] == local_rows(store, QUERY)
    post = subprocess.run([curl, "-sS", "-H", "Content-Type: application/sparql-query", "-H",
                           "Accept: application/sparql-results+json", "--data-binary", "@-", live.url + "/sparql"],
                          input=QUERY, capture_output=True, text=True, timeout=30, check=True)
    assert len(json.loads(post.stdout)["results"]["bindings"]) == 3
    status = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code} %{content_type}", "-H",
                             "Accept: application/ld+json", live.url + "/id/state/australia"],
                            capture_output=True, text=True, timeout=30, check=True)
    assert status.stdout == "200 application/ld+json"
    bad = subprocess.run([curl, "-s", "-w", "\n%{http_code}", "--data-urlencode", "query=SELECT ?x {", live.url + "/sparql"],
                         capture_output=True, text=True, timeout=30)
    assert bad.stdout.rstrip().endswith("400") and "SPARQL syntax error" in bad.stdout


def test_roqet_over_the_protocol_agrees_with_local_engine(env, tmp_path: Path) -> None:
    live, store = env
    roqet = require_tool("roqet")
    out = subprocess.run([roqet, "-q", "-p", live.url + "/sparql", "-e", QUERY, "-r", "xml"],
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    parsed = ox.parse_query_results(out.stdout, format=ox.QueryResultsFormat.XML)
    got = [tuple(str(s[v]) for v in ("event", "label", "date")) for s in parsed]
    assert got == local_rows(store, QUERY)  # IRIs, language tags and datatypes all agree
