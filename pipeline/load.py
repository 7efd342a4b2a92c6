"""Push the published dataset into an external triple store.

Two protocols, one behaviour:

* **SPARQL 1.1 Graph Store Protocol** (``store``): one ``PUT <store>?graph=<article graph>`` per article graph,
  so a re-run replaces, never duplicates, and an updated article replaces only its own graph. A graph larger
  than ``chunk_size`` triples is sent as a ``PUT`` of the first chunk followed by ``POST``\\ s of the rest.
  With ``default_graph=True`` the union of all article graphs is ``PUT`` into ``?default`` instead (stores
  without quads).
* **SPARQL 1.1 Update** (``update_endpoint``): ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> {...} }`` for
  the first chunk, ``INSERT DATA`` for the rest.

Around that: credentials (HTTP basic, digest or bearer; secrets never appear in an error message), retries on
5xx answers and connection errors (bounded, exponential backoff, injectable ``sleep``), ``413 Payload Too
Large`` answers split the chunk in two and retry (and lower the chunk size for the rest of the load), an
``only_changed`` mode that skips graphs whose content hash is unchanged since the last successful push to the
same store (a small JSON state file), and a final verification that counts the triples of every graph through
the store's SPARQL query endpoint and compares them with the dataset.

Triples that share a blank node always travel in the same request, because a blank node label only means the
same node within one request.

Only the standard library speaks HTTP here (``http.client``): the house rule keeps ``requests`` to the linker and
the ingest stage. The HTTP call itself is a :data:`Transport`, injectable like a session.

Example::

    graphs = read_dataset(Path("data/published/dataset.nq"))
    summary = load(graphs, store="http://127.0.0.1:7878/store", query_endpoint="http://127.0.0.1:7878/query")
    print(summary.format())
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import pyoxigraph
from tqdm import tqdm

from pipeline.errors import DatasetError, StoreError, UsageError

__all__ = [
    "Credentials",
    "GraphData",
    "LoadState",
    "LoadSummary",
    "Mismatch",
    "Response",
    "Transport",
    "default_state_path",
    "check_void",
    "derive_query_endpoint",
    "http_transport",
    "load",
    "read_dataset",
    "union_graph",
]

DEFAULT_CHUNK_SIZE = 50_000
"""Triples per request, unless the store answers 413 (then it is halved for the rest of the load)."""
DEFAULT_RETRIES = 4
"""Retries after the first attempt of a request, on 5xx answers and connection errors."""
DEFAULT_BACKOFF = 0.5
"""First retry delay in seconds; it doubles on every retry, up to :data:`MAX_BACKOFF`."""
MAX_BACKOFF = 30.0
DEFAULT_TIMEOUT = 300.0
VERIFY_BATCH = 200
"""Graphs counted per verification query."""
RDF_CONTENT_TYPE = "application/n-triples"
AuthScheme = Literal["basic", "digest", "bearer"]


# --------------------------------------------------------------------------------------------------- transport


@dataclass(frozen=True)
class Response:
    """An HTTP answer: status code, headers (lower-cased names) and body."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes


Transport = Callable[[str, str, Mapping[str, str], bytes | None, float], Response]
"""``transport(method, url, headers, body, timeout) -> Response``.

Raises ``OSError`` or ``http.client.HTTPException`` when no answer arrives (refused, reset, timeout); those
are retried like 5xx answers.
"""


def http_transport(method: str, url: str, headers: Mapping[str, str], body: bytes | None,
                   timeout: float) -> Response:
    """The default :data:`Transport`: one request over a fresh ``http.client`` connection."""
    parts = urlsplit(url)
    conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = conn_cls(parts.hostname or "localhost", parts.port, timeout=timeout)
    try:
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        conn.request(method, target, body=body, headers=dict(headers))
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.reason, {k.lower(): v for k, v in resp.getheaders()}, data)
    finally:
        conn.close()


@dataclass(frozen=True)
class Credentials:
    """Who the loader is on the store. The repr never shows the secrets.

    Args:
        user: user name (basic or digest).
        password: password (basic or digest).
        token: bearer token.
        scheme: ``basic``, ``digest`` or ``bearer``; ``None`` picks bearer when a token is given, else basic,
            and switches basic to digest when the store answers 401 with only a digest challenge.
    """

    user: str | None = field(default=None)
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    scheme: AuthScheme | None = None

    def __post_init__(self) -> None:
        if self.token and (self.user or self.password):
            raise UsageError("give either a bearer token or a user and password, not both")
        if self.password and not self.user:
            raise UsageError("a password was given without a user name")
        if self.scheme == "bearer" and not self.token:
            raise UsageError("--auth bearer needs a token (--token or DIPLOKG_STORE_TOKEN)")
        if self.scheme in ("basic", "digest") and not self.user:
            raise UsageError(f"--auth {self.scheme} needs a user (--user or DIPLOKG_STORE_USER)")

    @property
    def secrets(self) -> tuple[str, ...]:
        """The strings that must never be shown."""
        return tuple(s for s in (self.password, self.token) if s)

    @property
    def present(self) -> bool:
        return bool(self.user or self.token)


def _strip_userinfo(url: str) -> tuple[str, str | None, str | None]:
    """Split ``http://user:pw@host/path`` into the URL without user info, the user and the password."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc)), parts.username, parts.password


class _Http:
    """HTTP with credentials, bounded retries and secret scrubbing; counts requests and retries."""

    def __init__(self, credentials: Credentials, transport: Transport, retries: int, backoff: float,
                 timeout: float, sleep: Callable[[float], None]) -> None:
        self.credentials = credentials
        self.scheme: AuthScheme | None = credentials.scheme or (
            "bearer" if credentials.token else "basic" if credentials.user else None)
        self.transport = transport
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.requests = 0
        self.retried = 0
        self._digest: dict[str, str] | None = None
        self._nc = 0

    def scrub(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        for s in self.credentials.secrets:
            text = text.replace(s, "***")
            text = text.replace(base64.b64encode(f"{self.credentials.user}:{s}".encode()).decode(), "***")
        return text

    def _auth_header(self, method: str, url: str) -> str | None:
        c = self.credentials
        if self.scheme == "bearer":
            return f"Bearer {c.token}"
        if self.scheme == "basic":
            raw = f"{c.user}:{c.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode()
        if self.scheme == "digest" and self._digest is not None:
            return self._digest_header(method, url, self._digest)
        return None

    def _digest_header(self, method: str, url: str, chal: Mapping[str, str]) -> str:
        """RFC 7616 digest response (MD5 or SHA-256, qop=auth or none)."""
        c = self.credentials
        algo = chal.get("algorithm", "MD5").upper()
        if algo not in ("MD5", "SHA-256"):
            raise StoreError(f"{url}: the store asks for digest algorithm {algo}; supported: MD5, SHA-256")

        def h(s: str) -> str:
            return hashlib.new("md5" if algo == "MD5" else "sha256", s.encode()).hexdigest()

        parts = urlsplit(url)
        uri = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        realm, nonce = chal.get("realm", ""), chal.get("nonce", "")
        ha1 = h(f"{c.user}:{realm}:{c.password or ''}")
        ha2 = h(f"{method}:{uri}")
        fields = [f'username="{c.user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
                  f"algorithm={algo}"]
        qops = [q.strip() for q in chal.get("qop", "").split(",") if q.strip()]
        if "auth" in qops:
            self._nc += 1
            nc, cnonce = f"{self._nc:08x}", secrets.token_hex(8)
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
            digest = h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        else:
            digest = h(f"{ha1}:{nonce}:{ha2}")
        fields.append(f'response="{digest}"')
        if "opaque" in chal:
            fields.append(f'opaque="{chal["opaque"]}"')
        return "Digest " + ", ".join(fields)

    @staticmethod
    def _parse_challenges(header: str) -> dict[str, dict[str, str]]:
        """``WWW-Authenticate`` -> {scheme (lower case): {param: value}} (good enough for Basic and Digest)."""
        out: dict[str, dict[str, str]] = {}
        current: dict[str, str] | None = None
        for m in re.finditer(r'([A-Za-z][\w-]*)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]+))?', header):
            name, value = m.group(1), m.group(2)
            if value is None:
                current = out.setdefault(name.lower(), {})
            elif current is not None:
                current[name.lower()] = value[1:-1] if value.startswith('"') else value
        return out

    def request(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None,
                what: str) -> Response:
        """Send one request; retry 5xx answers and connection errors; return any other answer.

        401 and 403 raise :class:`StoreError` (a digest challenge is answered once first). Other answers,
        including 4xx, are returned to the caller.
        """
        attempt = 0
        auth_rounds = 0
        probe = False
        while True:
            hdrs = dict(headers)
            auth = None if probe else self._auth_header(method, url)
            probe = False
            if auth:
                hdrs["Authorization"] = auth
            self.requests += 1
            try:
                resp = self.transport(method, url, hdrs, body, self.timeout)
            except (OSError, http.client.HTTPException) as exc:
                if attempt >= self.retries:
                    raise StoreError(self.scrub(
                        f"{what}: no answer from {url} after {attempt + 1} attempt(s): "
                        f"{type(exc).__name__}: {exc}")) from None
                self._wait(attempt, None)
                attempt += 1
                continue
            if resp.status == 401 and auth_rounds < 2 and self.credentials.present:
                # Digest needs the server's challenge. With no --auth given, a basic attempt refused without
                # any challenge (Virtuoso does that) is repeated once without credentials to obtain one.
                chal = self._parse_challenges(resp.headers.get("www-authenticate", ""))
                auto = self.credentials.scheme is None and self.scheme in ("basic", "digest")
                auth_rounds += 1
                if "digest" in chal and (self.scheme == "digest" or (auto and "basic" not in chal)):
                    self.scheme = "digest"
                    self._digest = chal["digest"]
                    self._nc = 0
                    continue
                if auto and not chal and self.scheme == "basic" and auth is not None:
                    probe = True
                    continue
            if resp.status in (401, 403):
                if self.credentials.present:
                    hint = "the store refused the credentials given (--user/--password, --token or DIPLOKG_STORE_*)"
                else:
                    hint = ("no credentials were given: pass --user and --password, or --token (or set "
                            "DIPLOKG_STORE_USER/DIPLOKG_STORE_PASSWORD or DIPLOKG_STORE_TOKEN)")
                raise StoreError(self.scrub(f"{what}: {url} answered HTTP {resp.status} {resp.reason}; {hint}"))
            if resp.status >= 500:
                if attempt >= self.retries:
                    raise StoreError(self.scrub(
                        f"{what}: {url} answered HTTP {resp.status} {resp.reason} after {attempt + 1} "
                        f"attempt(s): {_snippet(resp.body)}"))
                self._wait(attempt, resp.headers.get("retry-after"))
                attempt += 1
                continue
            return resp

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        self.retried += 1
        delay = min(self.backoff * (2 ** attempt), MAX_BACKOFF)
        if retry_after and retry_after.strip().isdigit():
            delay = min(max(delay, float(retry_after)), MAX_BACKOFF)
        self.sleep(delay)


def _snippet(body: bytes, limit: int = 300) -> str:
    text = body.decode("utf-8", "replace")
    text = re.sub(r"<[^>]+>", " ", text)  # HTML error pages
    text = " ".join(text.split())
    return (text[:limit] + "…") if len(text) > limit else (text or "(empty body)")


# ------------------------------------------------------------------------------------------------------ dataset


@dataclass(frozen=True)
class GraphData:
    """The distinct triples of one graph, sorted; ``name`` is ``None`` for the default graph.

    ``sha256`` is the hash of the sorted N-Triples text: equal content, equal hash.
    """

    name: str | None
    triples: tuple[pyoxigraph.Triple, ...]
    sha256: str

    @classmethod
    def of(cls, name: str | None, triples: Iterable[pyoxigraph.Triple]) -> GraphData:
        """Build a graph from triples in any order, dropping duplicates."""
        keyed = sorted({str(t): t for t in triples}.items())
        h = hashlib.sha256()
        for key, _ in keyed:
            h.update(key.encode("utf-8"))
            h.update(b" .\n")
        return cls(name, tuple(t for _, t in keyed), h.hexdigest())

    @property
    def label(self) -> str:
        return self.name if self.name is not None else "(default graph)"

    def __len__(self) -> int:
        return len(self.triples)


def read_dataset(path: Path) -> list[GraphData]:
    """Read an N-Quads dataset and group its quads by named graph.

    Args:
        path: ``dataset.nq`` (or the directory holding it).

    Returns:
        One :class:`GraphData` per named graph, sorted by graph IRI.

    Raises:
        DatasetError: the file is missing, not N-Quads (with line and column), has triples in the default
            graph or a blank-node graph name (diplokg publishes one named graph per article), or disagrees
            with the per-graph counts of a ``void.ttl`` beside it (see :func:`check_void`).
    """
    if path.is_dir():
        path = path / "dataset.nq"
    if not path.is_file():
        raise DatasetError(f"{path}: published dataset not found; run `diplokg build` first "
                           f"or pass --dataset PATH to an N-Quads file")
    groups: dict[str, list[pyoxigraph.Triple]] = {}
    in_default = 0
    try:
        for quad in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS):
            g = quad.graph_name
            if isinstance(g, pyoxigraph.NamedNode):
                groups.setdefault(g.value, []).append(quad.triple)
            elif isinstance(g, pyoxigraph.DefaultGraph):
                in_default += 1
            else:
                raise DatasetError(f"{path}: graph name {g} is a blank node; expected the IRI of an article graph")
    except SyntaxError as exc:
        where = f"{path}:{exc.lineno}:{exc.offset}" if exc.lineno else str(path)
        raise DatasetError(f"{where}: not valid N-Quads: {exc.msg}") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if in_default:
        raise DatasetError(f"{path}: {in_default} quad(s) in the default graph; expected every quad in a named "
                           f"article graph (<base>graph/<article-id>)")
    if not groups:
        raise DatasetError(f"{path}: the dataset holds no quads")
    graphs = [GraphData.of(name, triples) for name, triples in sorted(groups.items())]
    void = path.parent / "void.ttl"
    if void.is_file():
        check_void(graphs, void)
    return graphs


VOID_TRIPLES = pyoxigraph.NamedNode("http://rdfs.org/ns/void#triples")


def check_void(graphs: Sequence[GraphData], void: Path) -> None:
    """Check the per-graph ``void:triples`` counts published in ``void.ttl`` against the graphs read.

    Only graphs that ``void.ttl`` describes are checked (a missing count is not an error).

    Raises:
        DatasetError: ``void.ttl`` is not Turtle, or a graph's published count differs from its distinct
            triples in the dataset (the published files are out of step: rebuild).
    """
    try:
        counts = {t.subject.value: t.object.value
                  for t in pyoxigraph.parse(path=str(void), format=pyoxigraph.RdfFormat.TURTLE)
                  if t.predicate == VOID_TRIPLES and isinstance(t.subject, pyoxigraph.NamedNode)}
    except SyntaxError as exc:
        raise DatasetError(f"{void}:{exc.lineno}:{exc.offset}: not valid Turtle: {exc.msg}") from None
    for g in graphs:
        published = counts.get(g.name or "")
        if published is not None and published != str(len(g)):
            raise DatasetError(f"{void}: void:triples of <{g.name}> is {published} but the dataset has {len(g)} "
                               f"distinct triples in that graph; the published files are out of step, "
                               f"run `diplokg build`")


def union_graph(graphs: Iterable[GraphData]) -> GraphData:
    """All triples of ``graphs`` as one default graph (triples repeated across articles appear once)."""
    return GraphData.of(None, (t for g in graphs for t in g.triples))


def _units(triples: Sequence[pyoxigraph.Triple]) -> list[list[pyoxigraph.Triple]]:
    """Group triples so that triples sharing a blank node stay together; other triples are units of one.

    Order is kept (by first triple of each unit).
    """
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    bnodes_of: list[list[str]] = []
    for t in triples:
        bs = [n.value for n in (t.subject, t.object) if isinstance(n, pyoxigraph.BlankNode)]
        bnodes_of.append(bs)
        for b in bs[1:]:
            parent[find(b)] = find(bs[0])
    if not parent:
        return [[t] for t in triples]
    units: list[list[pyoxigraph.Triple]] = []
    index: dict[str, int] = {}
    for t, bs in zip(triples, bnodes_of):
        if not bs:
            units.append([t])
            continue
        root = find(bs[0])
        if root not in index:
            index[root] = len(units)
            units.append([])
        units[index[root]].append(t)
    return units


def _ntriples(units: Sequence[Sequence[pyoxigraph.Triple]]) -> str:
    return "".join(f"{t} .\n" for u in units for t in u)


def _count(units: Sequence[Sequence[pyoxigraph.Triple]]) -> int:
    return sum(len(u) for u in units)


# -------------------------------------------------------------------------------------------------------- state


def default_state_path(target_url: str, default_graph: bool) -> Path:
    """Where ``only_changed`` keeps its hashes for one store: ``$XDG_CACHE_HOME/diplokg/load-state/<key>.json``.

    The key hashes the (credential-free) store URL and the graph mode, so two stores, or the same store loaded
    with and without ``--default-graph``, never share a state.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    key = hashlib.sha256(f"{_strip_userinfo(target_url)[0]}|default={default_graph}".encode()).hexdigest()[:20]
    return cache / "diplokg" / "load-state" / f"{key}.json"


class LoadState:
    """Content hashes of the graphs last pushed to one store, saved atomically (temp file + rename).

    File format: ``{"store": URL, "graphs": {"<graph IRI or ''>": {"sha256": HEX, "triples": N}}}``.
    A graph is recorded only once it is completely on the store; a verification mismatch removes it again.
    """

    def __init__(self, path: Path, store: str) -> None:
        self.path = path
        self.store = store
        self.graphs: dict[str, dict[str, object]] = {}
        self._saved = time.monotonic()
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                graphs = data.get("graphs", {}) if isinstance(data, dict) else {}
                self.graphs = {k: v for k, v in graphs.items() if isinstance(v, dict)}
            except (OSError, ValueError):
                self.graphs = {}  # unreadable state only costs a full push

    @staticmethod
    def key(g: GraphData) -> str:
        return g.name or ""

    def unchanged(self, g: GraphData) -> bool:
        entry = self.graphs.get(self.key(g))
        return bool(entry) and entry.get("sha256") == g.sha256  # type: ignore[union-attr]

    def record(self, g: GraphData) -> None:
        """Note that ``g`` is on the store; the file is written by :meth:`save` (at most every second while
        loading, and when the load ends or is interrupted), so a long load does not rewrite it per graph."""
        self.graphs[self.key(g)] = {"sha256": g.sha256, "triples": len(g)}
        if time.monotonic() - self._saved > 1.0:
            self.save()

    def forget(self, names: Iterable[str | None]) -> None:
        for n in names:
            self.graphs.pop(n or "", None)
        self.save()

    def save(self) -> None:
        """Write the state atomically (temp file + rename)."""
        try:
            self._saved = time.monotonic()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            text = json.dumps({"store": self.store, "graphs": dict(sorted(self.graphs.items()))}, indent=1)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write the load state: {exc.strerror or exc}") from None


# ------------------------------------------------------------------------------------------------------ summary


@dataclass(frozen=True)
class Mismatch:
    """A graph whose triple count on the store differs from the dataset."""

    graph: str
    expected: int
    found: int


@dataclass(frozen=True)
class LoadSummary:
    """What a load did. ``ok`` is false when verification found a mismatch."""

    graphs_total: int
    graphs_put: int
    graphs_skipped: int
    triples_put: int
    requests: int
    retries: int
    splits: int
    seconds: float
    verified: bool
    mismatches: tuple[Mismatch, ...] = ()
    put: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def format(self) -> str:
        """A short human summary (never contains credentials)."""
        lines = [f"graphs put: {self.graphs_put} of {self.graphs_total} "
                 f"({self.graphs_skipped} unchanged, skipped)",
                 f"triples put: {self.triples_put}",
                 f"requests: {self.requests} (retries: {self.retries}, 413 splits: {self.splits})",
                 f"seconds: {self.seconds:.2f}"]
        if not self.verified:
            lines.append("verification: skipped")
        elif self.ok:
            lines.append(f"verification: ok, triple counts of all {self.graphs_total} graph(s) match")
        else:
            lines.append(f"verification: FAILED for {len(self.mismatches)} graph(s)")
            lines += [f"  {m.graph}: expected {m.expected} triples, store has {m.found}" for m in self.mismatches]
        return "\n".join(lines)


# ------------------------------------------------------------------------------------------------------ loading


def derive_query_endpoint(url: str) -> str | None:
    """Guess the SPARQL query endpoint that goes with a GSP or update endpoint, or ``None``.

    ======================  ====================================  =========================
    store                   GSP / update URL                      query endpoint
    ======================  ====================================  =========================
    Oxigraph                ``…/store``, ``…/update``             ``…/query``
    Fuseki                  ``…/<ds>/data``, ``…/<ds>/update``    ``…/<ds>/query``
    GraphDB / RDF4J         ``…/repositories/<r>/rdf-graphs/service``, ``…/repositories/<r>/statements``
                                                                  ``…/repositories/<r>``
    Virtuoso                ``…/sparql-graph-crud[-auth]``, ``…/sparql[-auth]``  ``…/sparql``
    ======================  ====================================  =========================
    """
    parts = urlsplit(_strip_userinfo(url)[0])
    path = parts.path.rstrip("/")
    rules = [
        (r"/sparql-graph-crud(-auth)?$", "/sparql"),
        (r"/sparql(-auth)?$", "/sparql"),
        (r"/rdf-graphs/service$", ""),
        (r"(/repositories/[^/]+)/statements$", r"\1"),
        (r"/(store|data|update)$", "/query"),
    ]
    for pattern, repl in rules:
        if re.search(pattern, path):
            return urlunsplit(parts._replace(path=re.sub(pattern, repl, path), query="", fragment=""))
    return None


def _gsp_url(store: str, graph: str | None) -> str:
    sep = "&" if "?" in store else "?"
    return f"{store}{sep}default" if graph is None else f"{store}{sep}graph={quote(graph, safe='')}"


class _Loader:
    def __init__(self, http_: _Http, store: str | None, update_endpoint: str | None, chunk_size: int) -> None:
        self.http = http_
        self.store = store
        self.update_endpoint = update_endpoint
        self.chunk_limit = chunk_size
        self.splits = 0
        self.triples = 0

    def push(self, g: GraphData) -> None:
        """Replace graph ``g`` on the store: first chunk replaces, later chunks add."""
        units = _units(g.triples)
        if not units:
            self._send(g, [], first=True)
            return
        i, first = 0, True
        while i < len(units):
            chunk: list[list[pyoxigraph.Triple]] = []
            n = 0
            while i < len(units) and (not chunk or n + len(units[i]) <= self.chunk_limit):
                chunk.append(units[i])
                n += len(units[i])
                i += 1
            self._send(g, chunk, first)
            first = False

    def _send(self, g: GraphData, units: list[list[pyoxigraph.Triple]], first: bool) -> None:
        n = _count(units)
        what = f"loading {g.label}"
        if self.store is not None:
            url = _gsp_url(self.store, g.name)
            resp = self.http.request("PUT" if first else "POST", url,
                                     {"Content-Type": RDF_CONTENT_TYPE}, _ntriples(units).encode("utf-8"), what)
        else:
            assert self.update_endpoint is not None
            url = self.update_endpoint
            resp = self.http.request("POST", url, {"Content-Type": "application/x-www-form-urlencoded"},
                                     urlencode({"update": _update_text(g.name, units, first)}).encode(), what)
        if resp.status == 413:
            if len(units) <= 1:
                raise StoreError(f"{what}: {url} answered 413 Payload Too Large even for {n} triple(s) that "
                                 f"must travel together (they share blank nodes); raise the store's request "
                                 f"size limit")
            self.splits += 1
            half = len(units) // 2
            self.chunk_limit = max(1, min(self.chunk_limit, _count(units[:half])))
            self._send(g, units[:half], first)
            self._send(g, units[half:], False)
            return
        if not 200 <= resp.status < 300:
            raise StoreError(self.http.scrub(
                f"{what}: {url} answered HTTP {resp.status} {resp.reason}: {_snippet(resp.body)}"))
        self.triples += n


def _update_text(graph: str | None, units: Sequence[Sequence[pyoxigraph.Triple]], first: bool) -> str:
    data = _ntriples(units)
    if graph is None:
        body = f"INSERT DATA {{\n{data}}}"
        return f"DROP SILENT DEFAULT ;\n{body}" if first else body
    body = f"INSERT DATA {{ GRAPH <{graph}> {{\n{data}}} }}"
    return f"DROP SILENT GRAPH <{graph}> ;\n{body}" if first else body


def _select(http_: _Http, endpoint: str, query: str) -> list[dict[str, dict[str, str]]]:
    resp = http_.request("POST", endpoint, {"Content-Type": "application/x-www-form-urlencoded",
                                            "Accept": "application/sparql-results+json"},
                         urlencode({"query": query}).encode(), "verifying")
    if not 200 <= resp.status < 300:
        raise StoreError(http_.scrub(f"verifying: {endpoint} answered HTTP {resp.status} {resp.reason} to a "
                                     f"count query: {_snippet(resp.body)}"))
    try:
        rows = json.loads(resp.body)["results"]["bindings"]
        assert isinstance(rows, list)
        return rows
    except (ValueError, KeyError, TypeError, AssertionError):
        raise StoreError(f"verifying: {endpoint} did not answer with SPARQL JSON results: "
                         f"{_snippet(resp.body)}") from None


def _count_on_store(http_: _Http, endpoint: str, graphs: Sequence[GraphData]) -> dict[str | None, int]:
    """Triples per graph on the store (graphs absent from the answer count 0)."""
    found: dict[str | None, int] = {g.name: 0 for g in graphs}
    named = [g.name for g in graphs if g.name is not None]
    if len(named) < len(graphs):
        rows = _select(http_, endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        found[None] = int(rows[0]["n"]["value"]) if rows and "n" in rows[0] else 0
    for i in range(0, len(named), VERIFY_BATCH):
        batch = named[i:i + VERIFY_BATCH]
        values = " ".join(f"<{n}>" for n in batch)
        q = (f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} "
             f"GROUP BY ?g")
        for row in _select(http_, endpoint, q):
            try:
                found[row["g"]["value"]] = int(row["n"]["value"])
            except (KeyError, ValueError):
                raise StoreError(f"verifying: {endpoint} answered a count row without ?g or ?n: {row}") from None
    return found


def load(
    graphs: Sequence[GraphData],
    *,
    store: str | None = None,
    update_endpoint: str | None = None,
    query_endpoint: str | None = None,
    default_graph: bool = False,
    only_changed: bool = False,
    state_path: Path | None = None,
    credentials: Credentials | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    timeout: float = DEFAULT_TIMEOUT,
    verify: bool = True,
    progress: bool | None = None,
    transport: Transport = http_transport,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> LoadSummary:
    """Push ``graphs`` into a store and verify the triple counts.

    Args:
        graphs: the dataset, from :func:`read_dataset`.
        store: Graph Store Protocol endpoint (e.g. ``http://127.0.0.1:7878/store``). Exactly one of ``store``
            and ``update_endpoint`` must be given.
        update_endpoint: SPARQL Update endpoint, for stores without GSP.
        query_endpoint: SPARQL query endpoint used by the verification; derived from the store URL when
            ``None`` (see :func:`derive_query_endpoint`).
        default_graph: load the union of all graphs into the default graph instead of one named graph each.
        only_changed: skip graphs whose hash equals the one recorded in the state file for this store.
        state_path: the state file; :func:`default_state_path` when ``None``. It records every graph pushed
            (whether or not ``only_changed`` is set), and is written even when the load stops half-way.
        credentials: basic, digest or bearer credentials.
        chunk_size: most triples per request (bounded below by the largest group of triples sharing blank
            nodes); halved for the rest of the load after a 413 answer.
        retries: retries per request on 5xx answers and connection errors.
        backoff: first retry delay in seconds, doubled on each retry (capped at 30 s).
        timeout: socket timeout per request, in seconds.
        verify: count triples per graph on the store at the end.
        progress: show a tqdm bar (``None``: only on a terminal).
        transport: the HTTP call; :func:`http_transport` by default.
        sleep: the backoff sleep (tests inject a recorder).
        clock: the clock for the ``seconds`` figure.

    Returns:
        A :class:`LoadSummary`; ``summary.ok`` is false when a graph's count on the store differs (those
        graphs are removed from the state, so the next ``only_changed`` run pushes them again).

    Raises:
        UsageError: both or neither of ``store`` and ``update_endpoint``, a bad ``chunk_size``/``retries``, or
            no query endpoint can be derived while ``verify`` is set.
        StoreError: the store is unreachable, refuses the credentials, or rejects a request (after retries).
    """
    if (store is None) == (update_endpoint is None):
        raise UsageError("give exactly one of --store (Graph Store Protocol) and --update-endpoint (SPARQL Update)")
    if chunk_size < 1:
        raise UsageError(f"--chunk-size must be at least 1, got {chunk_size}")
    if retries < 0:
        raise UsageError(f"--retries must be 0 or more, got {retries}")
    target = store if store is not None else update_endpoint
    assert target is not None
    for url in (target, query_endpoint):
        if url is not None and urlsplit(url).scheme not in ("http", "https"):
            raise UsageError(f"not an http(s) URL: {_strip_userinfo(url)[0]}")
    target, url_user, url_password = _strip_userinfo(target)
    credentials = credentials or Credentials()
    if url_user and not credentials.present:
        credentials = Credentials(user=url_user, password=url_password, scheme=credentials.scheme)
    if store is not None:
        store = target
    else:
        update_endpoint = target
    if verify and query_endpoint is None:
        query_endpoint = derive_query_endpoint(target)
        if query_endpoint is None:
            raise UsageError(f"cannot derive the SPARQL query endpoint from {target}: pass --query-endpoint URL "
                             f"(or --no-verify)")
    if query_endpoint is not None:
        query_endpoint = _strip_userinfo(query_endpoint)[0]

    started = clock()
    todo = [union_graph(graphs)] if default_graph else list(graphs)
    state = LoadState(state_path or default_state_path(target, default_graph), target)
    push = [g for g in todo if not (only_changed and state.unchanged(g))]
    http_ = _Http(credentials, transport, retries, backoff, timeout, sleep)
    loader = _Loader(http_, store, update_endpoint, chunk_size)
    bar = tqdm(total=sum(len(g) for g in push), unit="triple", unit_scale=True, desc="loading",
               disable=(None if progress is None else not progress), leave=False)
    try:
        for g in push:
            bar.set_postfix_str(g.label.rsplit("/", 1)[-1][:40], refresh=False)
            loader.push(g)
            state.record(g)
            bar.update(len(g))
    finally:  # also on Ctrl-C or a store failure: what is on the store stays recorded
        bar.close()
        if push:
            state.save()

    mismatches: list[Mismatch] = []
    if verify:
        assert query_endpoint is not None
        found = _count_on_store(http_, query_endpoint, todo)
        mismatches = [Mismatch(g.label, len(g), found.get(g.name, 0)) for g in todo if found.get(g.name) != len(g)]
        if mismatches:
            state.forget(g.name for g in todo if found.get(g.name) != len(g))
    return LoadSummary(
        graphs_total=len(todo), graphs_put=len(push), graphs_skipped=len(todo) - len(push),
        triples_put=loader.triples, requests=http_.requests, retries=http_.retried, splits=loader.splits,
        seconds=clock() - started, verified=verify, mismatches=tuple(mismatches),
        put=tuple(g.label for g in push),
    )
