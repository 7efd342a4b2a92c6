"""``diplokg load`` against a deliberately misbehaving store on a loopback socket, plus usage and data errors.

The misbehaving store is a real HTTP server (``http.server`` in a thread) that keeps what it is sent in a real
pyoxigraph store and answers SPARQL count queries from it, so the loader's verification is exercised for real.
Each test scripts how it misbehaves: status codes, dropped connections, a request size limit (413), refusing
credentials, or answering 200 while storing nothing. The happy paths against real stores (Oxigraph, Virtuoso)
are in ``test_load_stores.py``.
"""

from __future__ import annotations

import base64
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph
import pytest

from pipeline import load as L
from pipeline.cli import main
from pipeline.errors import DatasetError, StoreError, UsageError

FIXTURE = Path(__file__).parent / "fixtures" / "load" / "dataset.trig"
PACT = "https://w3id.org/diplokg/graph/russia-north-korea-pact-destabilising-australia"
LI = "https://w3id.org/diplokg/graph/li-qiang-visit-australia-2024"
MODI = "https://w3id.org/diplokg/graph/modi-moscow-visit-2024"
COUNTS = {PACT: 15, LI: 9, MODI: 7}  # counted by hand in the fixture's header comment


def write_nq(src: Path, dest: Path) -> Path:
    """Convert a TriG fixture to the N-Quads file the loader reads."""
    quads = list(pyoxigraph.parse(path=str(src), format=pyoxigraph.RdfFormat.TRIG))
    dest.write_bytes(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS))
    return dest


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_nq(FIXTURE, tmp_path / "dataset.nq")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Misbehaving(ThreadingHTTPServer):
    """A Graph Store Protocol + SPARQL store that misbehaves on demand.

    Endpoints: ``/store`` (GSP: PUT/POST with ``?graph=`` or ``?default``), ``/update`` (SPARQL Update, form
    ``update=``), ``/query`` (SPARQL query, form ``query=``, JSON results).

    Attributes tests set:
        script: actions for the next write requests (``/store`` and ``/update``), one per request: an HTTP status
            to answer with (body echoes the request's Authorization header, decoded too), or ``"drop"`` to
            close the connection without answering.
        max_body: write requests with a larger body (bytes) get 413.
        store_nothing: answer writes with 204 but keep nothing.
        required_auth: the exact Authorization header expected on every request, else 401.
        challenge: the WWW-Authenticate header sent with 401.
    Recorded: ``log``: (method, path+query, triples in body) for every write request that was answered 2xx.
    """

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.data = pyoxigraph.Store()
        self.script: list[object] = []
        self.max_body: int | None = None
        self.store_nothing = False
        self.required_auth: str | None = None
        self.challenge = 'Basic realm="diplokg-test"'
        self.log: list[tuple[str, str, int]] = []
        self.writes_seen = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def count(self, graph: str) -> int:
        return len(list(self.data.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(graph))))


class _Handler(BaseHTTPRequestHandler):
    server: Misbehaving

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def _answer(self, status: int, body: bytes = b"", ctype: str = "text/plain",
                headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        srv = self.server
        body = self._body()
        parts = urlsplit(self.path)
        auth = self.headers.get("Authorization")
        if srv.required_auth is not None and auth != srv.required_auth:
            self._answer(401, b"unauthorized", headers={"WWW-Authenticate": srv.challenge})
            return
        if parts.path == "/query":
            query = parse_qs(body.decode())["query"][0]
            res = srv.data.query(query)
            out = res.serialize(format=pyoxigraph.QueryResultsFormat.JSON)
            self._answer(200, out, "application/sparql-results+json")
            return
        with srv.lock:
            srv.writes_seen += 1
            action = srv.script.pop(0) if srv.script else None
        if action == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if isinstance(action, int):
            decoded = ""
            if auth and auth.startswith("Basic "):
                decoded = base64.b64decode(auth[6:]).decode()
            self._answer(action, f"<html><body>error; you sent {auth} ({decoded})</body></html>".encode(),
                         "text/html")
            return
        if srv.max_body is not None and len(body) > srv.max_body:
            self._answer(413, b"payload too large")
            return
        if parts.path == "/store":
            triples = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.N_TRIPLES))
            q = parse_qs(parts.query, keep_blank_values=True)
            graph = pyoxigraph.NamedNode(q["graph"][0]) if "graph" in q else pyoxigraph.DefaultGraph()
            if not srv.store_nothing:
                with srv.lock:
                    if method == "PUT":
                        srv.data.remove_graph(graph) if not isinstance(graph, pyoxigraph.DefaultGraph) else \
                            srv.data.clear_graph(graph)
                    srv.data.extend([pyoxigraph.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
            srv.log.append((method, self.path, len(triples)))
            self._answer(204)
        elif parts.path == "/update":
            update = parse_qs(body.decode())["update"][0]
            if not srv.store_nothing:
                srv.data.update(update)
            srv.log.append((method, self.path, update.count(" .\n")))
            self._answer(204)
        else:
            self._answer(404, b"not found")


@pytest.fixture
def bad_store() -> Iterator[Misbehaving]:
    srv = Misbehaving()
    t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    t.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def run_load(dataset: Path, srv: Misbehaving, tmp_path: Path, **kw: object) -> L.LoadSummary:
    kw.setdefault("store", srv.url + "/store")
    kw.setdefault("state_path", tmp_path / "state.json")
    kw.setdefault("progress", False)
    return L.load(L.read_dataset(dataset), **kw)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------ the happy path


def test_one_put_per_graph_and_counts_verified(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    s = run_load(dataset, bad_store, tmp_path)
    assert s.ok and s.verified
    assert (s.graphs_put, s.graphs_skipped, s.triples_put) == (3, 0, 31)
    assert sorted((m, n) for m, _, n in bad_store.log) == [("PUT", 7), ("PUT", 9), ("PUT", 15)]
    assert {g: bad_store.count(g) for g in COUNTS} == COUNTS
    text = s.format()
    assert "graphs put: 3 of 3" in text and "triples put: 31" in text and "verification: ok" in text


def test_chunking_first_put_then_posts(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    s = run_load(dataset, bad_store, tmp_path, chunk_size=4)
    assert s.ok
    pact = [(m, n) for m, path, n in bad_store.log if "russia-north-korea" in path]
    assert pact == [("PUT", 4), ("POST", 4), ("POST", 4), ("POST", 3)]
    assert bad_store.count(PACT) == 15
    # a re-run replaces: still 15, not 30 (chunks after the first add to what the first PUT replaced)
    run_load(dataset, bad_store, tmp_path, chunk_size=4)
    assert bad_store.count(PACT) == 15


def test_blank_node_groups_travel_together(tmp_path: Path, bad_store: Misbehaving) -> None:
    nq = tmp_path / "bnodes.nq"
    g = "<https://w3id.org/diplokg/graph/b>"
    nq.write_text(
        f'<http://ex/a> <http://ex/p> "1" {g} .\n'
        f"<http://ex/a> <http://ex/sel> _:s {g} .\n"
        f'_:s <http://ex/start> "10" {g} .\n'
        f"_:s <http://ex/next> _:t {g} .\n"
        f'_:t <http://ex/end> "20" {g} .\n'
        f'<http://ex/z> <http://ex/p> "2" {g} .\n', encoding="utf-8")
    s = run_load(nq, bad_store, tmp_path, chunk_size=2)
    assert s.ok
    sizes = [n for _, _, n in bad_store.log]
    assert 4 in sizes and sum(sizes) == 6  # the four triples around _:s and _:t in one request
    bnodes = {q.object for q in bad_store.data if isinstance(q.object, pyoxigraph.BlankNode)}
    assert len(bnodes) == 2  # _:s and _:t, not duplicated across requests


def test_default_graph_gets_the_union(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    s = run_load(dataset, bad_store, tmp_path, default_graph=True)
    assert s.ok and s.graphs_total == 1 and s.triples_put == 27  # 31 minus the 4 shared entity triples
    assert [(m, p) for m, p, _ in bad_store.log] == [("PUT", "/store?default")]
    assert len(list(bad_store.data.quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()))) == 27


def test_update_endpoint_drop_and_insert(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    for _ in range(2):  # the second run must replace, not add
        s = run_load(dataset, bad_store, tmp_path, store=None, update_endpoint=bad_store.url + "/update",
                     chunk_size=10)
        assert s.ok and s.triples_put == 31
    assert {g: bad_store.count(g) for g in COUNTS} == COUNTS


# --------------------------------------------------------------------------------------------------- bad stores


def test_413_splits_and_retries(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.max_body = 700  # bytes: the 15-triple pact graph (~2 kB of N-Triples) does not fit
    s = run_load(dataset, bad_store, tmp_path)
    assert s.ok and s.splits > 0 and s.triples_put == 31
    pact = [m for m, path, _ in bad_store.log if "russia-north-korea" in path]
    assert pact[0] == "PUT" and set(pact[1:]) == {"POST"} and len(pact) > 1
    assert {g: bad_store.count(g) for g in COUNTS} == COUNTS


def test_413_on_a_single_triple_fails(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.max_body = 10
    with pytest.raises(StoreError, match="413 Payload Too Large even for 1 triple"):
        run_load(dataset, bad_store, tmp_path)


def test_5xx_retried_with_backoff(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.script = [503, 500, 502]
    sleeps: list[float] = []
    s = run_load(dataset, bad_store, tmp_path, sleep=sleeps.append)
    assert s.ok and s.retries == 3
    assert sleeps == [0.5, 1.0, 2.0]


def test_5xx_gives_up_after_the_bound(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.script = [500] * 10
    sleeps: list[float] = []
    with pytest.raises(StoreError, match=r"HTTP 500 .* after 3 attempt\(s\)"):
        run_load(dataset, bad_store, tmp_path, retries=2, sleep=sleeps.append)
    assert sleeps == [0.5, 1.0] and bad_store.writes_seen == 3


def test_dropped_connection_is_retried(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.script = ["drop", "drop"]
    sleeps: list[float] = []
    s = run_load(dataset, bad_store, tmp_path, sleep=sleeps.append)
    assert s.ok and s.retries == 2 and sleeps == [0.5, 1.0]
    assert {g: bad_store.count(g) for g in COUNTS} == COUNTS


def test_unreachable_store(dataset: Path, tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    sleeps: list[float] = []
    with pytest.raises(StoreError, match=rf"no answer from http://127.0.0.1:{port}/store.* after 3 attempt"):
        L.load(L.read_dataset(dataset), store=f"http://127.0.0.1:{port}/store", retries=2, progress=False,
               sleep=sleeps.append, state_path=tmp_path / "s.json")
    assert sleeps == [0.5, 1.0]


def test_401_without_credentials(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.required_auth = "Bearer right-token"
    with pytest.raises(StoreError, match="HTTP 401 .*no credentials were given"):
        run_load(dataset, bad_store, tmp_path)


def test_bearer_token(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.required_auth = "Bearer right-token"
    s = run_load(dataset, bad_store, tmp_path, credentials=L.Credentials(token="right-token"))
    assert s.ok and bad_store.count(PACT) == 15


def test_basic_auth_from_environment(dataset: Path, bad_store: Misbehaving, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    bad_store.required_auth = "Basic " + base64.b64encode(b"loader:s3cret-pw").decode()
    monkeypatch.setenv("DIPLOKG_STORE_USER", "loader")
    monkeypatch.setenv("DIPLOKG_STORE_PASSWORD", "s3cret-pw")
    rc = main(["load", "--store", bad_store.url + "/store", "--dataset", str(dataset),
               "--state-file", str(tmp_path / "s.json"), "--no-progress"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "s3cret-pw" not in out + err


def test_wrong_password_403_never_echoed(dataset: Path, bad_store: Misbehaving, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad_store.script = [403]
    monkeypatch.setenv("DIPLOKG_STORE_PASSWORD", "hunter2-secret")
    rc = main(["load", "--store", bad_store.url + "/store", "--dataset", str(dataset), "--user", "loader",
               "--state-file", str(tmp_path / "s.json"), "--progress"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "HTTP 403" in err and "refused the credentials" in err
    assert bad_store.writes_seen == 1  # refused credentials are not retried
    assert "hunter2-secret" not in out + err
    assert base64.b64encode(b"loader:hunter2-secret").decode() not in out + err


def test_store_error_body_is_scrubbed(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.script = [400]  # its body echoes the Authorization header, base64 and decoded
    creds = L.Credentials(user="loader", password="hunter2-secret")
    with pytest.raises(StoreError) as info:
        run_load(dataset, bad_store, tmp_path, credentials=creds)
    msg = str(info.value)
    assert "HTTP 400" in msg and "***" in msg
    assert "hunter2-secret" not in msg and base64.b64encode(b"loader:hunter2-secret").decode() not in msg
    assert "hunter2" not in repr(creds)


def test_200_but_stores_nothing_is_caught(dataset: Path, bad_store: Misbehaving, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    bad_store.store_nothing = True
    state = tmp_path / "s.json"
    rc = main(["load", "--store", bad_store.url + "/store", "--dataset", str(dataset), "--state-file", str(state),
               "--no-progress"])
    out, err = capsys.readouterr()
    assert rc == 1
    assert "verification: FAILED for 3 graph(s)" in out
    assert f"{PACT}: expected 15 triples, store has 0" in out
    # nothing verified stays recorded: the next --only-changed run pushes everything again
    assert json.loads(state.read_text())["graphs"] == {}
    bad_store.store_nothing = False
    s = run_load(dataset, bad_store, tmp_path, state_path=state, only_changed=True)
    assert s.ok and s.graphs_put == 3


def test_only_changed_skips_unchanged_graphs(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    run_load(dataset, bad_store, tmp_path)
    bad_store.log.clear()
    s = run_load(dataset, bad_store, tmp_path, only_changed=True)
    assert (s.graphs_put, s.graphs_skipped, s.triples_put) == (0, 3, 0) and s.ok and bad_store.log == []


# ------------------------------------------------------------------------------------------ usage and bad input


def test_usage_errors_exit_2(dataset: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "--dataset", str(dataset)]) == 2
    assert "give --store URL" in capsys.readouterr().err
    assert main(["load", "--store", "http://127.0.0.1:1/x", "--dataset", str(dataset)]) == 2
    assert "--query-endpoint" in capsys.readouterr().err
    assert main(["load", "--store", "http://127.0.0.1:1/store", "--chunk-size", "0", "--dataset", str(dataset)]) == 2
    assert main(["load", "--store", "http://127.0.0.1:1/store", "--password", "pw", "--dataset", str(dataset)]) == 2
    err = capsys.readouterr().err
    assert "without a user" in err and "pw" not in err.replace("password", "")
    assert main(["load", "--store", "ftp://h/store", "--dataset", str(dataset)]) == 2


def test_missing_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "--store", "http://127.0.0.1:1/store", "--dataset", str(tmp_path)]) == 1
    assert "published dataset not found; run `diplokg build`" in capsys.readouterr().err
    assert main(["load", "--store", "http://127.0.0.1:1/store", "--root", str(tmp_path)]) == 1
    assert f"{tmp_path}/data/published/dataset.nq: published dataset not found" in capsys.readouterr().err


def test_dataset_found_under_root(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    published = tmp_path / "proj" / "data" / "published"
    published.mkdir(parents=True)
    dataset.rename(published / "dataset.nq")
    assert main(["load", "--store", bad_store.url + "/store", "--root", str(tmp_path / "proj"),
                 "--state-file", str(tmp_path / "s.json"), "--no-progress"]) == 0
    assert bad_store.count(PACT) == 15


def test_malformed_dataset_names_line(tmp_path: Path) -> None:
    nq = tmp_path / "bad.nq"
    nq.write_text('<http://a/s> <http://a/p> "x" <http://g/1> .\n<http://a/s> <http://a/p "y" <http://g/1> .\n')
    with pytest.raises(DatasetError, match=r"bad\.nq:2:\d+: not valid N-Quads"):
        L.read_dataset(nq)


def test_default_graph_quads_rejected(tmp_path: Path) -> None:
    nq = tmp_path / "d.nq"
    nq.write_text('<http://a/s> <http://a/p> "x" .\n')
    with pytest.raises(DatasetError, match="1 quad\\(s\\) in the default graph"):
        L.read_dataset(nq)


def test_credentials_rules() -> None:
    with pytest.raises(UsageError):
        L.Credentials(user="u", password="p", token="t")
    with pytest.raises(UsageError):
        L.Credentials(scheme="bearer", user="u")
    assert "p4ss" not in repr(L.Credentials(user="u", password="p4ss"))


@pytest.mark.parametrize("url, query", [
    ("http://h:7878/store", "http://h:7878/query"),
    ("http://h:7878/update", "http://h:7878/query"),
    ("http://h:3030/ds/data", "http://h:3030/ds/query"),
    ("http://h:7200/repositories/kg/rdf-graphs/service", "http://h:7200/repositories/kg"),
    ("http://h:7200/repositories/kg/statements", "http://h:7200/repositories/kg"),
    ("http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql"),
    ("http://u:pw@h:8890/sparql-auth", "http://h:8890/sparql"),
    ("http://h/somewhere", None),
])
def test_derive_query_endpoint(url: str, query: str | None) -> None:
    assert L.derive_query_endpoint(url) == query


def test_userinfo_in_url_becomes_credentials(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.required_auth = "Basic " + base64.b64encode(b"u:pw9").decode()
    s = run_load(dataset, bad_store, tmp_path, store=bad_store.url.replace("://", "://u:pw9@") + "/store")
    assert s.ok


def test_void_counts_cross_checked(dataset: Path) -> None:
    void = dataset.parent / "void.ttl"
    void.write_text(f"<{PACT}> <http://rdfs.org/ns/void#triples> 15 .\n<{LI}> <http://rdfs.org/ns/void#triples> 9 .\n")
    assert [len(g) for g in L.read_dataset(dataset)] == [9, 7, 15]  # sorted by graph IRI: li, modi, pact
    void.write_text(f"<{LI}> <http://rdfs.org/ns/void#triples> 10 .\n")
    with pytest.raises(DatasetError, match=r"void:triples of <.*li-qiang.*> is 10 but the dataset has 9"):
        L.read_dataset(dataset)


def test_query_endpoint_that_does_not_answer_sparql(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"verifying: .*/nowhere answered HTTP 404 .* to a count query"):
        run_load(dataset, bad_store, tmp_path, query_endpoint=bad_store.url + "/nowhere")


def test_failure_half_way_keeps_what_was_put(dataset: Path, bad_store: Misbehaving, tmp_path: Path) -> None:
    bad_store.script = [None, 403]  # the first graph goes in, then the store refuses
    state = tmp_path / "s.json"
    with pytest.raises(StoreError, match="HTTP 403"):
        run_load(dataset, bad_store, tmp_path, state_path=state)
    recorded = json.loads(state.read_text())["graphs"]
    assert list(recorded) == [LI] and recorded[LI]["triples"] == 9  # graphs go in IRI order: li-qiang first
    s = run_load(dataset, bad_store, tmp_path, state_path=state, only_changed=True)
    assert s.ok and s.put == (MODI, PACT)
