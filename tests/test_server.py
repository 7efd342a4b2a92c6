"""``diplokg serve`` over a real loopback socket: protocol, negotiation, limits, safety, Linked Data.

The dataset is tests/fixtures/published/dataset.trig (hand-written, 2 article graphs, 133 quads,
123 distinct triples); expected figures below were counted by hand from that file.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import socket
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox
import pytest

from serve_harness import make_published, make_root, serve

from pipeline.store import open_store, run_query

DIP = "https://w3id.org/diplokg/ontology#"
ID = "https://w3id.org/diplokg/id/"
WONG = ID + "person/penny-wong"
G1 = "https://w3id.org/diplokg/graph/russia-north-korea-pact-destabilising-australia"
G2 = "https://w3id.org/diplokg/graph/sample-second-article"
LABELS = "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?s"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("serve")
    return make_published(base / "published"), make_root(base / "root")


@pytest.fixture(scope="module")
def live(dirs: tuple[Path, Path]):
    published, root = dirs
    with serve(published, root, max_rows=50, max_query_bytes=8192, max_body_bytes=16384) as lv:
        yield lv


@pytest.fixture(scope="module")
def client(live) -> httpx.Client:
    with httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


def sparql(client: httpx.Client, query: str, accept: str | None = None, **kw) -> httpx.Response:
    headers = {"accept": accept} if accept else {}
    return client.get("/sparql", params={"query": query, **kw}, headers=headers)


# --- the three ways to send a query, and agreement with the local engine ---------------------------


def test_get_form_post_and_direct_post_agree_with_local_engine(client: httpx.Client, dirs) -> None:
    local = run_query(open_store(dirs[0]), LABELS)
    expected = [(r[0].value, r[1].value) for r in local.rows]
    assert len(expected) == 15  # counted in the fixture: distinct (subject, label) pairs
    answers = [
        sparql(client, LABELS),
        client.post("/sparql", data={"query": LABELS}),
        client.post("/sparql", content=LABELS.encode(), headers={"content-type": "application/sparql-query"}),
    ]
    for resp in answers:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/sparql-results+json")
        rows = [(b["s"]["value"], b["l"]["value"]) for b in resp.json()["results"]["bindings"]]
        assert rows == expected


def test_default_graph_is_union_and_named_graphs_are_kept(client: httpx.Client) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    # 133 quads, 123 distinct triples: the default graph is the merge (a set), not a multiset
    assert sparql(client, count).json()["results"]["bindings"][0]["n"]["value"] == "123"
    graphs = sparql(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g").json()
    assert [b["g"]["value"] for b in graphs["results"]["bindings"]] == [G1, G2]
    # the protocol's default-graph-uri narrows the default graph to the second article (29 quads)
    one = sparql(client, count, **{"default-graph-uri": G2}).json()
    assert one["results"]["bindings"][0]["n"]["value"] == "29"
    # and FROM in the query does too
    from_q = f"SELECT (COUNT(*) AS ?n) FROM <{G2}> WHERE {{ ?s ?p ?o }}"
    assert sparql(client, from_q).json()["results"]["bindings"][0]["n"]["value"] == "29"


# --- content negotiation ---------------------------------------------------------------------------


@pytest.mark.parametrize("accept, fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
])
def test_select_formats_parse_back_to_the_same_rows(client: httpx.Client, accept: str, fmt) -> None:
    q = f"SELECT ?e ?d WHERE {{ ?e <{DIP}actor> <{WONG}> ; <{DIP}date> ?d }} ORDER BY ?e"
    resp = sparql(client, q, accept)
    assert resp.status_code == 200
    assert resp.headers["content-type"].split(";")[0] == accept
    assert resp.headers["vary"] == "Accept"
    if fmt == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph refuses to parse it, the csv module reads it
        table = list(csv.reader(io.StringIO(resp.text)))
        assert table[0] == ["e", "d"]
        got = [tuple(r) for r in table[1:]]
    else:
        got = [(s["e"].value, s["d"].value) for s in ox.parse_query_results(resp.content, format=fmt)]
    assert got == [
        (ID + "event/russia-north-korea-pact-destabilising-australia/wong-criticises-pact", "2024-07"),
        (ID + "event/russia-north-korea-pact-destabilising-australia/wong-visits-seoul", "2024-07"),
        (ID + "event/sample-second-article/wong-criticises-russia", "2024-08-01"),
    ]
    if fmt != ox.QueryResultsFormat.CSV:  # CSV drops datatypes by design
        assert next(iter(ox.parse_query_results(resp.content, format=fmt)))["d"].datatype.value == XSD + "gYearMonth"


@pytest.mark.parametrize("accept, fmt", [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/trig", ox.RdfFormat.TRIG),
    ("application/n-quads", ox.RdfFormat.N_QUADS),
])
def test_construct_formats_parse_back_to_the_same_triples(client: httpx.Client, accept: str, fmt) -> None:
    q = f"CONSTRUCT {{ <{WONG}> ?p ?o }} WHERE {{ <{WONG}> ?p ?o }}"
    resp = sparql(client, q, accept)
    assert resp.status_code == 200 and resp.headers["content-type"].split(";")[0] == accept
    triples = {q.triple for q in ox.parse(resp.content, format=fmt)}
    assert len(triples) == 5  # type, label, altLabel, country, sameAs
    assert ox.Triple(ox.NamedNode(WONG), ox.NamedNode(DIP + "country"), ox.NamedNode(ID + "state/australia")) in triples


def test_q_values_pick_the_preferred_format(client: httpx.Client) -> None:
    resp = sparql(client, LABELS, "application/sparql-results+xml;q=0.5, text/csv;q=0.9, image/png")
    assert resp.headers["content-type"].startswith("text/csv")
    resp = sparql(client, LABELS, "text/*;q=0.2, application/sparql-results+xml;q=0.8")
    assert resp.headers["content-type"].startswith("application/sparql-results+xml")
    ET.fromstring(resp.content)  # well-formed XML
    ask = sparql(client, "ASK { ?s ?p ?o }", "text/csv, application/sparql-results+xml;q=0.1")
    assert ask.headers["content-type"].startswith("application/sparql-results+xml")  # CSV cannot carry ASK
    assert "<boolean>true</boolean>" in ask.text


def test_unknown_accept_is_406(client: httpx.Client) -> None:
    resp = sparql(client, LABELS, "image/png")
    assert resp.status_code == 406
    assert "image/png" in resp.text and "application/sparql-results+json" in resp.text
    assert sparql(client, "CONSTRUCT WHERE { ?s ?p ?o }", "text/csv").status_code == 406


def test_browser_accept_on_endpoint_redirects_to_query_page(client: httpx.Client) -> None:
    resp = sparql(client, LABELS, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert resp.status_code == 303
    assert resp.headers["location"].startswith("/query?query=SELECT")


def test_service_description_on_bare_get(client: httpx.Client, live) -> None:
    resp = client.get("/sparql")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/turtle")
    store = ox.Store()
    store.load(resp.content, format=ox.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(sd + "endpoint"), None)]
    assert endpoints == [live.url + "/sparql"]
    names = {q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(sd + "name"), None)}
    assert names == {G1, G2}


# --- bad input -------------------------------------------------------------------------------------


def test_syntax_error_is_400_with_position(client: httpx.Client) -> None:
    resp = sparql(client, "SELECT ?s WHERE { ?s ?p }")
    assert resp.status_code == 400
    assert resp.text.startswith("SPARQL syntax error: error at 1:")
    assert "Traceback" not in resp.text and len(resp.text) < 400


@pytest.mark.parametrize("method, kwargs, status, phrase", [
    ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "2 query parameters"),
    ("POST", {"content": b"ASK {}", "headers": {"content-type": "text/plain"}}, 415, "unsupported Content-Type"),
    ("POST", {"content": b"query=ASK%20%7B%7D"}, 400, "POST needs a Content-Type"),
    ("POST", {"content": "ASK {}".encode("utf-16"),
              "headers": {"content-type": "application/sparql-query; charset=UTF-16"}}, 400, "must be UTF-8"),
    ("POST", {"content": b"ASK { \xff }", "headers": {"content-type": "application/sparql-query"}}, 400,
     "not valid UTF-8"),
    ("POST", {"content": b"query=ASK%20%7B%FF%7D", "headers": {"content-type": "application/x-www-form-urlencoded"}},
     400, "not valid UTF-8"),
    ("PUT", {"content": b"ASK {}"}, 405, "use GET or POST"),
    ("POST", {"data": {"update": "CLEAR ALL"}}, 403, "read-only"),
    ("POST", {"content": b"CLEAR ALL", "headers": {"content-type": "application/sparql-update"}}, 403, "read-only"),
    ("GET", {"params": {"update": "CLEAR ALL"}}, 405, "must use POST"),
    ("POST", {"data": {"nothing": "here"}}, 400, "no query"),
])
def test_malformed_requests(client: httpx.Client, method: str, kwargs: dict, status: int, phrase: str) -> None:
    resp = client.request(method, "/sparql", **kwargs)
    assert resp.status_code == status, resp.text
    assert phrase in resp.text


def test_update_as_query_is_refused_read_only(client: httpx.Client) -> None:
    resp = sparql(client, "INSERT DATA { <http://e/s> <http://e/p> 1 }")
    assert resp.status_code == 403 and "read-only" in resp.text
    assert sparql(client, "ASK { <http://e/s> ?p ?o }").json()["boolean"] is False


def test_enormous_query_and_body_are_refused(client: httpx.Client, live) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 9000  # over max_query_bytes=8192
    resp = client.post("/sparql", content=big.encode(), headers={"content-type": "application/sparql-query"})
    assert resp.status_code == 413 and "query text longer than 8192 bytes" in resp.text
    huge = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * 20000  # over max_body_bytes=16384
    resp = client.post("/sparql", content=huge, headers={"content-type": "application/sparql-query"})
    assert resp.status_code == 413
    resp = client.get("/sparql?query=" + "A" * 30000)
    assert resp.status_code == 414


def test_service_is_refused_and_nothing_is_contacted(client: httpx.Client) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(1.5)
    port = listener.getsockname()[1]
    contacted: list[bool] = []

    def watch() -> None:
        try:
            conn, _ = listener.accept()
            contacted.append(True)
            conn.close()
        except OSError:
            pass

    t = threading.Thread(target=watch)
    t.start()
    q = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    resp = sparql(client, q)
    t.join()
    listener.close()
    assert resp.status_code == 403 and "SERVICE" in resp.text and "--allow-service" in resp.text
    assert contacted == []
    # lower case, after a comment and a string holding the word: still found
    assert sparql(client, '# hi\nSELECT * { ?s ?p "SERVICE" . service <http://x/> { ?a ?b ?c } }').status_code == 403


def test_from_unknown_graph_is_refused_and_known_graphs_work(client: httpx.Client) -> None:
    q = "SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/remote.ttl> WHERE { ?s ?p ?o }"
    resp = sparql(client, q)
    assert resp.status_code == 403
    assert "FROM <http://127.0.0.1:9/remote.ttl> names no graph of this dataset" in resp.text
    assert "never fetches" in resp.text
    named = f"PREFIX gr: <https://w3id.org/diplokg/graph/>\nASK FROM NAMED gr:sample-second-article {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert sparql(client, named).json()["boolean"] is True


# --- limits ----------------------------------------------------------------------------------------


def test_result_cap_is_reported_not_silent(client: httpx.Client) -> None:
    resp = sparql(client, "SELECT * WHERE { ?s ?p ?o }")  # 123 rows, cap 50
    assert resp.status_code == 200
    assert resp.headers["x-diplokg-truncated"] == "true; max-rows=50"
    doc = resp.json()
    assert len(doc["results"]["bindings"]) == 50 and doc["diplokg"]["truncated"] is True
    small = sparql(client, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert "x-diplokg-truncated" not in small.headers
    page = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert "Result cut at 50 rows" in page.text


def test_cors(client: httpx.Client) -> None:
    assert sparql(client, "ASK {}").headers["access-control-allow-origin"] == "*"
    pre = client.options("/sparql", headers={"origin": "http://elsewhere.example",
                                              "access-control-request-method": "POST"})
    assert pre.status_code == 204 and "POST" in pre.headers["access-control-allow-methods"]
    assert client.get("/").headers["access-control-allow-origin"] == "*"


def test_cache_serves_repeated_queries(dirs: tuple[Path, Path], client: httpx.Client) -> None:
    q = "SELECT ?s WHERE { ?s a <https://w3id.org/diplokg/ontology#State> } ORDER BY ?s # cache test"
    assert sparql(client, q).headers["x-diplokg-cache"] == "off"  # the default: every query evaluated
    with serve(*dirs, cache_bytes=1 << 20) as cached, httpx.Client(base_url=cached.url, timeout=30) as c:
        first, second = sparql(c, q), sparql(c, q)
        assert first.headers["x-diplokg-cache"] == "miss" and second.headers["x-diplokg-cache"] == "hit"
        assert first.content == second.content


# --- Linked Data -----------------------------------------------------------------------------------


def test_entity_turtle_has_outgoing_and_incoming_links(client: httpx.Client) -> None:
    resp = client.get("/id/person/penny-wong", headers={"accept": "text/turtle"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/turtle")
    triples = {q.triple for q in ox.parse(resp.content, format=ox.RdfFormat.TURTLE)}
    outgoing = {t for t in triples if t.subject == ox.NamedNode(WONG)}
    incoming = {t for t in triples if t.object == ox.NamedNode(WONG)}
    assert len(outgoing) == 5 and len(incoming) == 6 and len(triples) == 11
    assert ox.Triple(ox.NamedNode(ID + "event/sample-second-article/wong-criticises-russia"),
                     ox.NamedNode(DIP + "actor"), ox.NamedNode(WONG)) in incoming


def test_entity_json_ld_and_trig_by_conneg(client: httpx.Client) -> None:
    resp = client.get("/id/person/penny-wong", headers={"accept": "application/ld+json"})
    assert resp.headers["content-type"].startswith("application/ld+json")
    assert len({q.triple for q in ox.parse(resp.content, format=ox.RdfFormat.JSON_LD)}) == 11
    trig = client.get("/id/person/penny-wong", headers={"accept": "application/trig"})
    graphs = {q.graph_name.value for q in ox.parse(trig.content, format=ox.RdfFormat.TRIG)}
    assert graphs == {G1, G2}
    assert client.get("/id/person/penny-wong", headers={"accept": "image/png"}).status_code == 406


def test_entity_html_has_diagram_timeline_and_escapes(client: httpx.Client) -> None:
    resp = client.get("/id/person/penny-wong", headers={"accept": "text/html"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    html = resp.text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="who-did-what"' in html
    assert html.count('class="focus"') == 5  # Wong is on the left of 5 rows (4 events + her statement)
    # timeline with evidence, HTML-escaped (the fixture's evidence holds <, > and &)
    assert "Wong said the pact was &lt;deeply destabilising&gt; &amp; &#34;dangerous&#34;" in html
    assert "<deeply destabilising>" not in html
    assert "A second sample article &lt;b&gt;not bold&lt;/b&gt;" in html  # a source headline
    assert html.index("2024-07-30") < html.index("2024-08-01")  # timeline in date order


def test_unknown_iri_is_404_with_suggestions(client: httpx.Client) -> None:
    page = client.get("/id/person/penny-wang", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert 'href="/id/person/penny-wong"' in page.text
    text = client.get("/id/person/penny-wang")
    assert text.status_code == 404 and f"Did you mean {WONG}?" in text.text
    assert client.get("/no/such/page", headers={"accept": "text/html"}).status_code == 404
    for bad in ("/id/a%3Eb", "/id/a%20b", '/id/a%22b%7D', "/graph/a%3Eb", "/graph/x%20y"):  # not IRIs
        resp = client.get(bad, headers={"accept": "text/html"})
        assert resp.status_code == 404 and "is not in this dataset" in resp.text


def test_graph_endpoint_returns_only_that_article(client: httpx.Client) -> None:
    resp = client.get("/graph/sample-second-article", headers={"accept": "application/n-quads"})
    quads = list(ox.parse(resp.content, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == 29 and {q.graph_name.value for q in quads} == {G2}
    html = client.get("/graph/sample-second-article", headers={"accept": "text/html"})
    assert "29 quads" in html.text
    assert client.get("/graph/nope").status_code == 404


def test_ontology_shapes_and_void(client: httpx.Client) -> None:
    onto = client.get("/ontology")
    assert onto.status_code == 200 and "dip:Person a owl:Class" in onto.text
    nt = client.get("/ontology", headers={"accept": "application/n-triples"})
    assert len(list(ox.parse(nt.content, format=ox.RdfFormat.N_TRIPLES))) == 2
    assert "sh:NodeShape" in client.get("/shapes").text
    page = client.get("/ontology", headers={"accept": "text/html"})  # browsers get the source, escaped
    assert page.headers["content-type"].startswith("text/html")
    assert "&lt;https://w3id.org/diplokg/ontology&gt; a owl:Ontology" in page.text
    void = client.get("/.well-known/void")
    store = ox.Store()
    store.load(void.content, format=ox.RdfFormat.TURTLE)
    vt = list(store.quads_for_pattern(None, ox.NamedNode("http://rdfs.org/ns/void#triples"), None))
    assert [q.object.value for q in vt] == ["123"]


def test_dumps_are_gzip_with_validators(client: httpx.Client, dirs) -> None:
    resp = client.get("/dumps/dataset.nq.gz")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/gzip"
    assert gzip.decompress(resp.content) == (dirs[0] / "dataset.nq").read_bytes()
    etag, modified = resp.headers["etag"], resp.headers["last-modified"]
    assert client.get("/dumps/dataset.nq.gz", headers={"if-none-match": etag}).status_code == 304
    assert client.get("/dumps/dataset.nq.gz", headers={"if-modified-since": modified}).status_code == 304
    assert client.get("/dumps/dataset.nq.gz", headers={"if-none-match": '"other"'}).status_code == 200
    assert client.get("/dumps/dataset.trig.gz").status_code == 200
    assert client.get("/dumps/secrets.gz").status_code == 404


# --- pages -----------------------------------------------------------------------------------------


def test_home_page_counts_and_examples(client: httpx.Client) -> None:
    html = client.get("/").text
    assert '<strong id="count-triples">123</strong>' in html
    assert '<strong id="count-graphs">2</strong>' in html
    assert "Who are the people in the dataset?" in html and "/query?example=cq01-people" in html


def test_query_page_table_downloads_and_share(client: httpx.Client) -> None:
    page = client.get("/query", params={"example": "cq01-people"})
    assert page.status_code == 200
    assert '<span id="row-count">4</span> rows' in page.text  # Cho, Kim, Penny Wong, Putin
    assert 'href="/id/person/penny-wong"' in page.text
    for fmt in ("json", "xml", "csv", "tsv"):
        assert f"format={fmt}" in page.text
    csv_resp = client.get("/sparql", params={"query": open_query(page.text), "format": "csv"})
    rows = list(csv.reader(io.StringIO(csv_resp.text)))
    assert rows[0] == ["person", "name"] and [r[1] for r in rows[1:]] == [
        "Cho Tae-yul", "Kim Jong Un", "Penny Wong", "Vladimir Putin"]
    bad = client.get("/query", params={"query": "SELECT <script>alert(1)</script>"})
    assert bad.status_code == 400 and "<script>" not in bad.text and "&lt;script&gt;" in bad.text


def open_query(html: str) -> str:
    import html as h
    start = html.index('<textarea name="query" id="query"')
    start = html.index(">", start) + 1
    return h.unescape(html[start: html.index("</textarea>", start)])


def test_query_page_construct_shows_triples(client: httpx.Client) -> None:
    q = f"CONSTRUCT {{ <{WONG}> ?p ?o }} WHERE {{ <{WONG}> ?p ?o }}"
    page = client.get("/query", params={"query": q})
    assert page.status_code == 200 and '<span id="row-count">5</span>' in page.text
    assert "format=ttl" in page.text and "format=jsonld" in page.text
