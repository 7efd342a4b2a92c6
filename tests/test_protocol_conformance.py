"""Replays the W3C SPARQL 1.1 Protocol manifest (../shared/conformance/sparql11-protocol/manifest.ttl)
against a live ``diplokg serve``.

The manifest is read, not re-typed: each ``mf:ProtocolTest`` gives HTTP requests (method, path,
headers, body and its character encoding) and expected responses (status class, result format,
boolean). The test data (``ut:graphData``) is loaded into named graphs called by their labels.

The endpoint is read-only, so an update case whose manifest expects 2xx gets the read-only answer
instead (403 with a message saying so); the follow-up requests of such a case check the update's
effect and are not sent. Update cases that expect 4xx must get 4xx like every other negative case.
Skips cleanly when ../shared is absent.
"""

from __future__ import annotations

import http.client
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest

from serve_harness import make_root, serve

MANIFEST_DIR = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "sparql11-protocol"
MANIFEST = MANIFEST_DIR / "manifest.ttl"
pytestmark = pytest.mark.skipif(not MANIFEST.is_file(), reason="../shared/conformance is not present")

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
UT = "http://www.w3.org/2009/sparql/tests/test-update#"
HTS = "http://www.w3.org/2011/http-statusCodes#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD,
             "application/trig": ox.RdfFormat.TRIG, "application/n-quads": ox.RdfFormat.N_QUADS}


@dataclass
class Req:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # "2xx", "3xx", "4xx"...
    fmt: str | None
    boolean: bool | None


@dataclass
class Case:
    name: str
    title: str
    requests: list[Req]
    data: dict[str, Path] = field(default_factory=dict)  # graph IRI -> file

    @property
    def is_update(self) -> bool:
        first = self.requests[0]
        body = (first.body or b"").decode("latin-1")
        return "update" in self.name or "application/sparql-update" in first.headers.get("content-type", "") \
            or "update=" in first.path or body.startswith("update=")


def _list(store: ox.Store, head: ox.NamedNode | ox.BlankNode) -> list[ox.NamedNode | ox.BlankNode]:
    out = []
    first, rest, nil = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
    while head != nil:
        out.append(next(store.quads_for_pattern(head, first, None)).object)
        head = next(store.quads_for_pattern(head, rest, None)).object
    return out


def _one(store: ox.Store, s: object, p: str) -> object | None:
    return next((q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)), None)


def _all(store: ox.Store, s: object, p: str) -> list[object]:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]


def load_cases() -> list[Case]:
    if not MANIFEST.is_file():
        return []
    store = ox.Store()
    base = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest"
    store.load(path=str(MANIFEST), format=ox.RdfFormat.TURTLE, base_iri=base)
    manifest = next(store.quads_for_pattern(None, ox.NamedNode(MF + "entries"), None))
    cases = []
    for entry in _list(store, manifest.object):
        case = Case(entry.value.split("#")[-1], str(_one(store, entry, MF + "name").value), [])
        for gd in _all(store, entry, UT + "graphData"):
            graph_file = _one(store, gd, UT + "graph").value.rsplit("/", 1)[-1]
            case.data[_one(store, gd, RDFS + "label").value] = MANIFEST_DIR / graph_file
        action = _one(store, entry, MF + "action")
        for r in _list(store, _one(store, action, HT + "requests")):
            headers = {}
            hlist = _one(store, r, HT + "headers")
            for h in _list(store, hlist) if hlist is not None else []:
                headers[_one(store, h, HT + "fieldName").value.lower()] = _one(store, h, HT + "fieldValue").value
            body_node = _one(store, r, HT + "body")
            body = None
            if body_node is not None:
                enc = _one(store, body_node, CNT + "characterEncoding")
                body = _one(store, body_node, CNT + "chars").value.encode(enc.value if enc else "utf-8")
            resp = _one(store, r, HT + "resp")
            statuses = {s.value.rsplit("StatusCode", 1)[-1] for s in _all(store, resp, MF + "expectedStatus")}
            fmt = _one(store, resp, MF + "expectedFormat")
            boolean = _one(store, resp, MF + "expectedBoolean")
            case.requests.append(Req(
                _one(store, r, HT + "methodName").value, _one(store, r, HT + "absolutePath").value, headers, body,
                statuses, fmt.value if fmt else None, (boolean.value == "true") if boolean is not None else None))
        cases.append(case)
    return cases


CASES = load_cases()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("conformance")
    quads: list[ox.Quad] = []
    data = {g: f for c in CASES for g, f in c.data.items()}
    for graph, path in sorted(data.items()):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            quads.append(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)))
    pub = tmp / "published"
    pub.mkdir()
    (pub / "dataset.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    with serve(pub, make_root(tmp / "root"), workers=1) as live:
        yield live


def send(port: int, req: Req) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(req.method, req.path, skip_accept_encoding=True)
        for k, v in req.headers.items():
            conn.putheader(k, v)
        if req.body is not None:
            conn.putheader("content-length", str(len(req.body)))
        conn.endheaders(req.body)
        resp = conn.getresponse()
        return resp.status, resp.getheader("content-type", ""), resp.read()
    finally:
        conn.close()


def check_body(req: Req, ctype: str, body: bytes) -> None:
    media = ctype.split(";")[0].strip()
    if req.fmt == "boolean" or req.boolean is not None:
        if media == "application/sparql-results+json":
            value = json.loads(body)["boolean"]
        else:
            assert media == "application/sparql-results+xml", ctype
            el = ET.fromstring(body).find("{http://www.w3.org/2005/sparql-results#}boolean")
            value = el is not None and el.text == "true"
        if req.boolean is not None:
            assert value is req.boolean
    elif req.fmt == "tabular":
        assert media in RESULT_TYPES, ctype
        if media == "application/sparql-results+json":
            assert "results" in json.loads(body)
    elif req.fmt == "RDF":
        assert media in RDF_TYPES, ctype
        list(ox.parse(body, format=RDF_TYPES[media]))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_protocol_case(endpoint, case: Case) -> None:
    for n, req in enumerate(case.requests):
        status, ctype, body = send(endpoint.port, req)
        klass = f"{status // 100}xx"
        if case.is_update and klass not in req.statuses:
            # a well-formed update to a read-only endpoint: the read-only answer, and stop here
            assert n == 0 and status == 403, (status, body)
            assert b"read-only" in body
            return
        assert klass in req.statuses, f"{case.name} request {n}: got {status}, expected {req.statuses}: {body[:300]!r}"
        if klass == "2xx":
            check_body(req, ctype, body)
