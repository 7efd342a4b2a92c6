"""``diplokg load`` proven on real triple stores started on loopback ports.

* Oxigraph server (PyPI ``oxigraph``: ``oxigraph serve``), always (it is a test dependency).
* Virtuoso open source (Debian ``virtuoso-opensource-7-bin``: ``virtuoso-t -f`` with its own database folder and
  a virtuoso.ini written here), when ``virtuoso-t`` is installed (in CI it must be: ``.ci/apt-packages``).

The scenario per store: load; count triples per graph and answer competency questions through the store's own
SPARQL endpoint (queried with SPARQLWrapper, not with the loader); load again (same counts); change one
article's graph and load with ``--only-changed`` (only that graph is PUT: the summary says so, and a marker
planted on the store in another graph survives, while a full load removes it).

Datasets: the hand-written fixture (hand-checked counts) and the real published dataset (``data/published`` if
it is there, else built into a temporary folder), copied to a temporary folder: tests never touch data/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pytest
from SPARQLWrapper import DIGEST, JSON, POST, SPARQLWrapper

from conftest import ARTICLES, PUBLISHED, ROOT, require_tool
from pipeline import load as L
from pipeline.cli import main
from pipeline.errors import StoreError

FIXTURE = Path(__file__).parent / "fixtures" / "load" / "dataset.trig"
QUERIES = ROOT / "queries"
G = "https://w3id.org/diplokg/graph/"
PACT, LI = G + "russia-north-korea-pact-destabilising-australia", G + "li-qiang-visit-australia-2024"
HEADLINE = pyoxigraph.NamedNode("https://schema.org/headline")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60.0) -> None:
    """Wait until ``url`` answers 200 (SPARQL ASK), or fail with the server's log."""
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not ready after {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


@dataclass
class Store:
    """A running store and how to reach it."""

    name: str
    gsp: str
    update: str
    query: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)

    def env(self, mp: pytest.MonkeyPatch) -> None:
        for k in ("DIPLOKG_STORE_USER", "DIPLOKG_STORE_PASSWORD", "DIPLOKG_STORE_TOKEN"):
            mp.delenv(k, raising=False)
        if self.user:
            mp.setenv("DIPLOKG_STORE_USER", self.user)
            mp.setenv("DIPLOKG_STORE_PASSWORD", self.password or "")

    def credentials(self) -> L.Credentials:
        return L.Credentials(user=self.user, password=self.password)

    def select(self, query: str) -> list[dict[str, str]]:
        w = SPARQLWrapper(self.query)
        w.setMethod(POST)
        w.setQuery(query)
        w.setReturnFormat(JSON)
        res = w.queryAndConvert()
        return [{k: v["value"] for k, v in row.items()} for row in res["results"]["bindings"]]  # type: ignore

    def run_update(self, update: str) -> None:
        w = SPARQLWrapper(self.update)
        w.setMethod(POST)
        if self.user:
            w.setHTTPAuth(DIGEST)
            w.setCredentials(self.user, self.password)
        w.setQuery(update)
        w.query()

    def counts(self, graphs: list[str]) -> dict[str, int]:
        return {g: int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")[0]["n"])
                for g in graphs}

    def ask(self, graph: str, triple: pyoxigraph.Triple) -> bool:
        rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ {triple} }} }}")
        return int(rows[0]["n"]) > 0


def _oxigraph_bin() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else require_tool("oxigraph")


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Store]:
    """``oxigraph serve`` on a free loopback port, with the union default graph (queries/ are GRAPH-less)."""
    port = free_port()
    log = tmp_path / "oxigraph.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([_oxigraph_bin(), "serve", "--location", str(tmp_path / "oxigraph"),
                                 "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                                stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/query", proc, log)
        yield Store("oxigraph", base + "/store", base + "/update", base + "/query")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql}
ServerThreads = 4
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {d}
VADInstallDir = {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {d}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@pytest.fixture
def virtuoso(tmp_path: Path) -> Iterator[Store]:
    """``virtuoso-t -f`` (foreground) with its own database folder; dba/dba, digest auth on the -auth endpoints."""
    binary = require_tool("virtuoso-t")
    d = tmp_path / "virtuoso"
    d.mkdir()
    http_port, isql_port = free_port(), free_port()
    (d / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=d, isql=isql_port, http=http_port))
    log = d / "stdout.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([binary, "-f", "-c", str(d / "virtuoso.ini")], cwd=d, stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_http(base + "/sparql", proc, log)
        yield Store("virtuoso", base + "/sparql-graph-crud-auth", base + "/sparql-auth", base + "/sparql",
                    user="dba", password="dba")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue(request.param)


# ------------------------------------------------------------------------------------------------------ datasets


@dataclass
class Dataset:
    nq: Path
    counts: dict[str, int]  # triples per graph, from an independent source (hand count or void.ttl)
    real: bool


@pytest.fixture(scope="session")
def published_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real published dataset: data/published (or $DIPLOKG_TEST_PUBLISHED) when built and consistent, else a
    fresh build in a scratch project."""
    from pipeline.build import build_dataset
    from pipeline.errors import DatasetError

    snapshot = tmp_path_factory.mktemp("published")
    source = Path(os.environ.get("DIPLOKG_TEST_PUBLISHED") or PUBLISHED)  # a prebuilt folder, if wanted
    try:  # a snapshot, so a build running meanwhile cannot change it under the tests
        for name in ("dataset.nq", "void.ttl"):
            shutil.copyfile(source / name, snapshot / name)
        L.read_dataset(snapshot)  # present, non-empty and consistent with its void.ttl
        if _void_counts(snapshot / "void.ttl"):
            return snapshot
    except (OSError, DatasetError):
        pass

    proj = tmp_path_factory.mktemp("proj")
    for d in ("ontology", "shapes"):
        shutil.copytree(ROOT / d, proj / d)
    shutil.copytree(ARTICLES, proj / "data" / "articles")
    shutil.copytree(ROOT / "data" / "wikidata", proj / "data" / "wikidata")
    build_dataset(proj, out=proj / "published", workers=2)
    return proj / "published"


def _void_counts(void: Path) -> dict[str, int]:
    return {t.subject.value: int(t.object.value)
            for t in pyoxigraph.parse(path=str(void), format=pyoxigraph.RdfFormat.TURTLE)
            if t.predicate == L.VOID_TRIPLES and t.subject.value.startswith(G)}


@pytest.fixture(params=["fixture", "published"])
def dataset(request: pytest.FixtureRequest, tmp_path: Path) -> Dataset:
    nq = tmp_path / "data" / "dataset.nq"
    nq.parent.mkdir()
    if request.param == "fixture":
        quads = list(pyoxigraph.parse(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TRIG))
        nq.write_bytes(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS))
        counts = {PACT: 15, LI: 9, G + "modi-moscow-visit-2024": 7}  # hand-counted (fixture header)
        return Dataset(nq, counts, real=False)
    src = request.getfixturevalue("published_dir")
    shutil.copyfile(src / "dataset.nq", nq)  # no void.ttl beside it: the scenario edits the copy
    return Dataset(nq, _void_counts(src / "void.ttl"), real=True)


def change_headline(nq: Path, graph: str) -> tuple[pyoxigraph.Triple, pyoxigraph.Triple]:
    """Rewrite the headline of the article in ``graph``; return (old triple, new triple)."""
    quads = list(pyoxigraph.parse(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS))
    for i, q in enumerate(quads):
        if q.graph_name == pyoxigraph.NamedNode(graph) and q.predicate == HEADLINE:
            new = pyoxigraph.Quad(q.subject, q.predicate, pyoxigraph.Literal(q.object.value + " (corrected)",
                                                                           language="en"), q.graph_name)
            quads[i] = new
            nq.write_bytes(pyoxigraph.serialize(quads, format=pyoxigraph.RdfFormat.N_QUADS))
            return q.triple, new.triple
    raise AssertionError(f"no headline in {graph}")


def any_triple(nq: Path, graph: str) -> pyoxigraph.Triple:
    for q in pyoxigraph.parse(path=str(nq), format=pyoxigraph.RdfFormat.N_QUADS):
        if q.graph_name == pyoxigraph.NamedNode(graph) and q.predicate != HEADLINE:
            return q.triple
    raise AssertionError(graph)


def cli_load(store: Store, ds: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str],
             *extra: str) -> tuple[int, str, str]:
    rc = main(["load", "--store", store.gsp, "--dataset", str(ds.nq), "--state-file", str(tmp_path / "state.json"),
               "--no-progress", *extra])
    out, err = capsys.readouterr()
    return rc, out, err


# ------------------------------------------------------------------------------------------------------ scenario


def test_scenario(store: Store, dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                  monkeypatch: pytest.MonkeyPatch) -> None:
    store.env(monkeypatch)
    graphs = sorted(dataset.counts)
    n = len(graphs)

    # 1. load: every graph put, verified
    rc, out, err = cli_load(store, dataset, tmp_path, capsys)
    assert rc == 0, out + err
    assert f"graphs put: {n} of {n} (0 unchanged, skipped)" in out
    assert f"triples put: {sum(dataset.counts.values())}" in out and "verification: ok" in out

    # 2. counts and competency questions through the store's own SPARQL endpoint
    assert store.counts(graphs) == dataset.counts
    if dataset.real:  # expected answers checked by hand against the seed article's text
        quad = [r["country"] for r in store.select((QUERIES / "cq11-quad-meeting-countries.rq").read_text())]
        assert quad == ["Australia", "India", "Japan", "United States"]
        critics = store.select((QUERIES / "cq01-criticism-of-the-pact.rq").read_text())
        assert ("Penny Wong", "destabilising") in {(r["critic"], r["word"]) for r in critics}
    else:
        rows = store.select("PREFIX dip: <https://w3id.org/diplokg/ontology#> "
                            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                            "SELECT ?who ?word WHERE { GRAPH ?g { ?e a dip:Criticism ; dip:actor/rdfs:label ?who ; "
                            "dip:characterisation ?word } }")
        assert rows == [{"who": "Penny Wong", "word": "destabilising"}]

    # 3. load again: idempotent
    rc, out, err = cli_load(store, dataset, tmp_path, capsys)
    assert rc == 0, out + err
    assert store.counts(graphs) == dataset.counts

    # 4. change one article; plant a count-neutral marker in another graph on the store, then --only-changed
    old, new = change_headline(dataset.nq, LI)
    victim = any_triple(dataset.nq, PACT)
    marker = pyoxigraph.Triple(pyoxigraph.NamedNode("https://example.org/marker"),
                               pyoxigraph.NamedNode("https://example.org/p"), pyoxigraph.Literal("planted"))
    store.run_update(f"DELETE DATA {{ GRAPH <{PACT}> {{ {victim} }} }} ; "
                     f"INSERT DATA {{ GRAPH <{PACT}> {{ {marker} }} }}")
    assert store.ask(PACT, marker) and not store.ask(PACT, victim)
    rc, out, err = cli_load(store, dataset, tmp_path, capsys, "--only-changed")
    assert rc == 0, out + err
    assert f"graphs put: 1 of {n} ({n - 1} unchanged, skipped)" in out
    assert store.ask(LI, new) and not store.ask(LI, old)
    assert store.ask(PACT, marker), "the unchanged pact graph was PUT again"
    assert store.counts(graphs) == dataset.counts

    # 5. a full load does replace every graph: the marker goes (so step 4 could have failed)
    rc, out, err = cli_load(store, dataset, tmp_path, capsys)
    assert rc == 0 and f"graphs put: {n} of {n}" in out
    assert not store.ask(PACT, marker) and store.ask(PACT, victim)


def test_update_endpoint(store: Store, published_dir: Path, tmp_path: Path) -> None:
    """SPARQL Update path (DROP SILENT GRAPH + INSERT DATA, chunked) on the real dataset."""
    shutil.copyfile(published_dir / "dataset.nq", tmp_path / "dataset.nq")
    counts = _void_counts(published_dir / "void.ttl")
    graphs = L.read_dataset(tmp_path / "dataset.nq")
    for _ in range(2):  # the second load replaces: same counts
        s = L.load(graphs, update_endpoint=store.update, query_endpoint=store.query, credentials=store.credentials(),
                   chunk_size=200, state_path=tmp_path / "s.json", progress=False)
        assert s.ok, s.format()
        assert s.requests >= sum(-(-n // 200) for n in counts.values())  # chunked: at least ceil(n/200) each
        assert store.counts(sorted(counts)) == counts


def test_interrupted_load_is_completed_by_the_next_run(oxigraph: Store, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    nq = _fixture_nq(tmp_path)
    state = tmp_path / "state.json"
    sent: list[str] = []

    def interrupted(method: str, url: str, headers: object, body: bytes | None, timeout: float) -> L.Response:
        if len(sent) == 1:
            raise KeyboardInterrupt  # Ctrl-C while the second graph is on its way
        sent.append(url)
        return L.http_transport(method, url, headers, body, timeout)  # type: ignore[arg-type]

    with pytest.raises(KeyboardInterrupt):
        L.load(L.read_dataset(nq), store=oxigraph.gsp, state_path=state, transport=interrupted, progress=False)
    assert len(sent) == 1
    rc = main(["load", "--store", oxigraph.gsp, "--dataset", str(nq), "--state-file", str(state),
               "--only-changed", "--no-progress"])
    out = capsys.readouterr().out
    assert rc == 0 and "graphs put: 2 of 3 (1 unchanged, skipped)" in out and "verification: ok" in out
    assert oxigraph.counts([PACT, LI, G + "modi-moscow-visit-2024"]) == {PACT: 15, LI: 9,
                                                                         G + "modi-moscow-visit-2024": 7}


def test_default_graph_on_oxigraph(oxigraph: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nq = _fixture_nq(tmp_path)
    for _ in range(2):  # the second load replaces the default graph
        rc = main(["load", "--store", oxigraph.gsp, "--dataset", str(nq), "--default-graph",
                   "--state-file", str(tmp_path / "s.json"), "--no-progress"])
        out = capsys.readouterr().out
        assert rc == 0 and "triples put: 27" in out and "verification: ok" in out
    rows = oxigraph.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert int(rows[0]["n"]) == 0  # nothing in named graphs
    rows = oxigraph.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"]) == 27  # 31 minus the 4 entity triples shared by two articles


# ------------------------------------------------------------------------------------------------- real refusals


def test_virtuoso_refuses_without_credentials(virtuoso: Store, tmp_path: Path) -> None:
    graphs = L.read_dataset(_fixture_nq(tmp_path))
    with pytest.raises(StoreError, match="HTTP 401 .*no credentials were given"):
        L.load(graphs, store=virtuoso.gsp, state_path=tmp_path / "s.json", progress=False)
    anonymous = virtuoso.gsp.removesuffix("-auth")  # /sparql-graph-crud: the anonymous user may not write
    with pytest.raises(StoreError, match="HTTP 403"):
        L.load(graphs, store=anonymous, state_path=tmp_path / "s.json", progress=False)


def test_virtuoso_wrong_password(virtuoso: Store, tmp_path: Path) -> None:
    graphs = L.read_dataset(_fixture_nq(tmp_path))
    for scheme in (None, "digest"):  # automatic (basic, then digest on the store's challenge) and explicit
        with pytest.raises(StoreError, match="HTTP 401 .*refused the credentials") as info:
            L.load(graphs, store=virtuoso.gsp, state_path=tmp_path / "s.json", progress=False,
                   credentials=L.Credentials(user="dba", password="not-the-pw-xyz", scheme=scheme))
        assert "not-the-pw-xyz" not in str(info.value)


def _fixture_nq(tmp_path: Path) -> Path:
    nq = tmp_path / "dataset.nq"
    nq.write_bytes(pyoxigraph.serialize(pyoxigraph.parse(path=str(FIXTURE), format=pyoxigraph.RdfFormat.TRIG),
                                        format=pyoxigraph.RdfFormat.N_QUADS))
    return nq
