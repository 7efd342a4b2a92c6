"""The ``diplokg serve`` web application: SPARQL 1.1 Protocol endpoint + Linked Data pages.

Design (see also :mod:`pipeline.server.fastpath`, :mod:`pipeline.server.workers`,
:mod:`pipeline.server.processes`, :mod:`pipeline.server.http`):

* **An HTTP process, N query worker processes** (and ``diplokg serve --http-workers`` runs several
  such HTTP processes on one port). The HTTP process (uvicorn, httptools + uvloop) parses
  requests, negotiates, checks limits, answers pages from its own copy of the store, and evaluates
  itself the queries whose work is bounded before they start (one triple pattern; see
  :mod:`pipeline.server.fastpath`): on the event loop when they may match few triples, else in a
  thread. Every other query goes to the worker pool: each worker holds the store, and a worker
  that overruns the time limit is killed and replaced (a runaway query is *stopped*, 503).
* **An optional response cache** (``cache_bytes``, 0 = off, the default). The dataset is
  read-only while the server runs, so the bytes of a successful answer depend only on (query,
  dataset parameters, Accept, format). Answers up to ``cache_entry_bytes`` are kept in an LRU.
  Responses say ``X-Diplokg-Cache: hit|miss`` (``off`` without a cache).
* **The endpoint is raw ASGI** (no routing or middleware on the hot path); the pages are a
  Starlette app behind it.

Protocol decisions: GET, urlencoded POST and direct POST; ``default-graph-uri``/``named-graph-uri``
override ``FROM``; graph IRIs select graphs in the store, nothing is ever fetched (no SSRF through
``FROM``); ``SERVICE`` is refused (403) unless ``allow_service``. Status codes: 400 malformed
request or query, 403 updates (the endpoint is read-only) and ``SERVICE``, 405 other methods and
updates over GET, 406 no acceptable format, 413 body or query too large, 414 URL too long,
415 unsupported POST media type, 503 time limit.
"""

from __future__ import annotations

import asyncio
import codecs
import concurrent.futures
import contextlib
import email.utils
import gc
import gzip
import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urlencode

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from pipeline.iris import DEFAULT_BASE
from pipeline.server import views
from pipeline.server.conneg import GRAPH_TYPES, KIND_TYPES, QUAD_TYPES, negotiate, prefers_html
from pipeline.server.diagram import who_did_what
from pipeline.server.fastpath import (BLOCKING_MAX_ROWS, DEFAULT_COPY_MAX_TRIPLES, INLINE_MAX_ROWS, JSON_RESULTS,
                                      PatternStats, Plan, classify, lookup_json, rust_json)
from pipeline.server.workers import Answer, QueryUnavailable, WorkerPool, evaluate
from pipeline.store import FORMAT_ALIASES, PREFIXES, find_dataset, open_store

HERE = Path(__file__).parent
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

CORS_HEADERS = [
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"X-Diplokg-Truncated, X-Diplokg-Cache, X-Diplokg-Rows"),
]
TEXT_TYPES = ("text/", "application/sparql-results+json", "application/sparql-results+xml",
              "application/ld+json", "application/n-triples", "application/n-quads", "application/trig",
              "application/rdf+xml")
DUMPS = ("dataset.trig", "dataset.nq", "dataset.ttl", "void.ttl")


@dataclass(frozen=True)
class ServerConfig:
    """Everything ``diplokg serve`` can be told.

    Attributes:
        published: the published dataset directory (or a dataset file).
        root: project root: ``ontology/``, ``shapes/`` and ``queries/`` are read from here.
        base: IRI base of the dataset (``<base>id/...`` is served at ``/id/...``).
        timeout: per-query time limit, seconds.
        max_rows: result-size cap (rows or triples); a cut result is reported.
        workers: query worker processes.
        max_query_bytes: longest accepted query text.
        max_body_bytes: largest accepted POST body.
        allow_service: let queries use ``SERVICE`` (outbound HTTP). Off: no SSRF.
        cache_bytes: response cache size (0 = off, the default: every query is evaluated).
        cache_entry_bytes: largest answer kept in the cache.
        worker_memory_mb: memory a query may use in its worker beyond the loaded store (0 = no cap).
        allow_unknown_graphs: let ``FROM`` in queries name graphs the store lacks (read as empty).
        in_process: evaluate bounded queries (:mod:`pipeline.server.fastpath`) in this process
            instead of a worker (off: every query goes to a worker).
        query_threads: threads of this process that evaluate bounded queries that may match more
            than ``fastpath.INLINE_MAX_ROWS`` triples (fewer: on the event loop, which costs less
            than the hand-off; 0 = on the event loop whatever the bound).
    """

    published: Path
    root: Path
    base: str = DEFAULT_BASE
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    max_query_bytes: int = 64 * 1024
    max_body_bytes: int = 1024 * 1024
    allow_service: bool = False
    cache_bytes: int = 0
    cache_entry_bytes: int = 512 * 1024
    worker_memory_mb: int = 2048
    allow_unknown_graphs: bool = False
    in_process: bool = True
    query_threads: int = 2


def config_to_text(config: ServerConfig) -> str:
    """``config`` as JSON text, for HTTP processes started by ``diplokg serve --http-workers N``."""
    fields = dict(config.__dict__)
    fields["published"] = str(config.published)
    fields["root"] = str(config.root)
    return json.dumps(fields)


def config_from_env_text(text: str) -> ServerConfig:
    """The inverse of :func:`config_to_text`."""
    fields = json.loads(text)
    fields["published"] = Path(fields["published"])
    fields["root"] = Path(fields["root"])
    return ServerConfig(**fields)


@dataclass
class Dump:
    """A gzip-compressed published file with its validators."""

    name: str
    data: bytes
    etag: str
    last_modified: str
    mtime: float


@dataclass
class State:
    """What the running server holds."""

    config: ServerConfig
    store: ox.Store
    dataset: Path
    summary: views.Summary
    pool: WorkerPool | None = None
    dumps: dict[str, Dump] = field(default_factory=dict)
    cache: OrderedDict[tuple[Any, ...], Answer] = field(default_factory=OrderedDict)
    cache_used: int = 0
    #: GET fast path: (raw query string, Accept, Host) -> the full response, skipping all parsing
    raw_cache: OrderedDict[tuple[bytes, bytes, bytes], tuple[Answer, list[tuple[bytes, bytes]]]] = field(
        default_factory=OrderedDict)
    raw_cache_used: int = 0
    started: float = field(default_factory=time.time)
    #: a store holding only the default graph (the merge), for bounded queries; None: use ``store``
    default_store: ox.Store | None = None
    #: bounds of one triple pattern's matches (the store is fixed while serving)
    pattern_stats: PatternStats = field(default_factory=lambda: PatternStats(0, 0, 0, {}))
    #: threads evaluating bounded queries (None: on the event loop)
    executor: concurrent.futures.ThreadPoolExecutor | None = None
    #: how many queries were answered in this process (not by a worker), and of those in a thread
    in_process: int = 0
    in_thread: int = 0

    def cache_get(self, key: tuple[Any, ...]) -> Answer | None:
        if self.config.cache_bytes <= 0:
            return None
        hit = self.cache.get(key)
        if hit is not None:
            self.cache.move_to_end(key)
        return hit

    def cache_put(self, key: tuple[Any, ...], answer: Answer) -> None:
        if answer.status != 200 or self.config.cache_bytes <= 0:
            return
        size = len(answer.body) + sum(len(str(k)) for k in key)
        if size > self.config.cache_entry_bytes:
            return
        self.cache[key] = answer
        self.cache_used += size
        while self.cache_used > self.config.cache_bytes and self.cache:
            old_key, old = self.cache.popitem(last=False)
            self.cache_used -= len(old.body) + sum(len(str(k)) for k in old_key)


def load_state(config: ServerConfig) -> State:
    """Load the dataset and precompute what pages need.

    Raises:
        DatasetError: missing or corrupt dataset.
    """
    dataset, _ = find_dataset(config.published)
    store = open_store(config.published)
    summary = views.summarize(store)
    stats = PatternStats.of(store)
    state = State(config, store, dataset, summary, pattern_stats=stats)
    if stats.triples <= DEFAULT_COPY_MAX_TRIPLES:
        # bounded queries read only the default graph: a store holding just it answers them
        # ~10 % faster (measured on the aggregate) for one more copy of the merged triples
        state.default_store = ox.Store()
        state.default_store.bulk_extend(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if config.query_threads > 0:
        state.executor = concurrent.futures.ThreadPoolExecutor(config.query_threads, "diplokg-query")
    pub = config.published if config.published.is_dir() else config.published.parent
    for name in DUMPS:
        path = pub / name
        if path.is_file():
            raw = path.read_bytes()
            st = path.stat()
            state.dumps[name + ".gz"] = Dump(
                name + ".gz", gzip.compress(raw, compresslevel=6, mtime=0),
                '"' + hashlib.sha256(raw).hexdigest()[:32] + '"',
                email.utils.formatdate(st.st_mtime, usegmt=True), st.st_mtime)
    return state


# ---------------------------------------------------------------------------------------------
# Raw ASGI helpers


_CONTENT_TYPES: dict[str, bytes] = {}


async def _respond(send: Send, status: int, body: bytes, media_type: str = "text/plain",
                   headers: list[tuple[bytes, bytes]] | None = None, head: bool = False) -> None:
    ctype = _CONTENT_TYPES.get(media_type)
    if ctype is None:
        text = media_type
        if media_type.startswith(TEXT_TYPES) and "charset" not in media_type:
            text += "; charset=utf-8"
        ctype = text.encode()
        if len(_CONTENT_TYPES) < 64:
            _CONTENT_TYPES[media_type] = ctype
    hdrs = [(b"content-type", ctype), (b"content-length", b"%d" % len(body)), *CORS_HEADERS, *(headers or [])]
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": b"" if head else body})


class BodyTooLarge(Exception):
    pass


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        msg = await receive()
        if msg["type"] == "http.disconnect":
            raise ConnectionError("client went away")
        chunk = msg.get("body", b"")
        total += len(chunk)
        if total > limit:
            raise BodyTooLarge
        chunks.append(chunk)
        if not msg.get("more_body"):
            return b"".join(chunks)


def _media_type(value: str) -> tuple[str, dict[str, str]]:
    parts = value.split(";")
    params = {}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        params[k.strip().lower()] = v.strip().strip('"').lower()
    return parts[0].strip().lower(), params


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


def _unquote_plus(raw: bytes) -> str:
    """``urllib.parse.unquote_plus`` for one form field, in C where possible: ``%XX`` becomes
    ``\\xXX`` for :func:`codecs.escape_decode` (backslashes escaped first); malformed escapes fall
    back to :mod:`urllib.parse` (which keeps them as they are).

    Raises:
        UnicodeDecodeError: the decoded bytes are not UTF-8.
    """
    raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw.decode("utf-8")
    try:
        decoded = codecs.escape_decode(raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]  # type: ignore[attr-defined]
    except ValueError:
        decoded = unquote_to_bytes(raw)
    return decoded.decode("utf-8")


def _decode_params(raw: bytes, what: str) -> list[tuple[str, str]]:
    """``parse_qsl(..., keep_blank_values=True, errors="strict")`` on bytes, faster.

    Raises:
        ProtocolError: 400 when the text, or a field once percent-decoded, is not UTF-8.
    """
    try:
        raw.decode("utf-8")
        out = []
        for field_ in raw.split(b"&"):
            if field_:
                name, _, value = field_.partition(b"=")
                out.append((_unquote_plus(name), _unquote_plus(value)))
        return out
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the {what} is not valid UTF-8 once percent-decoded: {exc}") from exc


# ---------------------------------------------------------------------------------------------
# The SPARQL endpoint (hot path)


class SparqlEndpoint:
    """The SPARQL 1.1 Protocol at ``/sparql`` (and ``/sparql/``), as raw ASGI."""

    def __init__(self, state_ref: Callable[[], State]) -> None:
        self.state_ref = state_ref

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = self.state_ref()
        method = scope["method"]
        head = method == "HEAD"
        raw_key = None
        if method == "GET" and state.config.cache_bytes > 0:
            accept = host = b""
            for k, v in scope["headers"]:
                if k == b"accept":
                    accept = v
                elif k == b"host":
                    host = v
            raw_key = (scope.get("query_string", b""), accept, host)
            hit = state.raw_cache.get(raw_key)
            if hit is not None:
                answer, extra = hit
                await _respond(send, answer.status, answer.body, answer.media_type, extra)
                return
        try:
            await self._handle(state, scope, receive, send, method, head, raw_key)
        except ProtocolError as exc:
            await _respond(send, exc.status, (exc.message + "\n").encode(), "text/plain",
                           [(b"vary", b"Accept"), *exc.headers], head)
        except BodyTooLarge:
            await _respond(send, 413, f"request body larger than {state.config.max_body_bytes} bytes\n".encode())
        except ConnectionError:
            return

    async def _handle(self, state: State, scope: Scope, receive: Receive, send: Send,
                      method: str, head: bool, raw_key: tuple[bytes, bytes, bytes] | None = None) -> None:
        cfg = state.config
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if method == "OPTIONS":
            await _respond(send, 204, b"", "text/plain", [
                (b"access-control-allow-methods", b"GET, POST, OPTIONS"),
                (b"access-control-allow-headers", b"Content-Type, Accept"),
                (b"access-control-max-age", b"86400"), (b"allow", b"GET, HEAD, POST, OPTIONS")])
            return
        if method not in ("GET", "HEAD", "POST"):
            raise ProtocolError(405, f"{method} is not a SPARQL Protocol operation here: use GET or POST",
                                [(b"allow", b"GET, HEAD, POST, OPTIONS")])
        raw_qs: bytes = scope.get("query_string", b"")
        if len(raw_qs) > cfg.max_query_bytes * 3:
            raise ProtocolError(414, f"URL query string longer than {cfg.max_query_bytes * 3} bytes; "
                                     "POST long queries with Content-Type: application/sparql-query")
        params = _decode_params(raw_qs, "URL query string")
        direct: str | None = None
        direct_update = False
        if method == "POST":
            ctype_raw = headers.get("content-type")
            clen = headers.get("content-length")
            if clen and clen.isdigit() and int(clen) > cfg.max_body_bytes:
                raise BodyTooLarge
            body = await _read_body(receive, cfg.max_body_bytes)
            if not ctype_raw:
                raise ProtocolError(400, "POST needs a Content-Type: application/x-www-form-urlencoded "
                                         "(query=...) or application/sparql-query (the query itself)")
            ctype, cparams = _media_type(ctype_raw)
            charset = cparams.get("charset", "utf-8")
            if ctype == "application/x-www-form-urlencoded":
                params += _decode_params(body, "form body")
            elif ctype in ("application/sparql-query", "application/sparql-update"):
                if charset not in ("utf-8", "utf8"):
                    raise ProtocolError(400, f"charset={charset} is not accepted: SPARQL requests must be UTF-8")
                try:
                    direct = body.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ProtocolError(400, f"the request body is not valid UTF-8: {exc}") from exc
                direct_update = ctype == "application/sparql-update"
            else:
                raise ProtocolError(415, f"unsupported Content-Type {ctype}: POST a query as "
                                         "application/x-www-form-urlencoded or application/sparql-query")
        queries = [v for k, v in params if k == "query"]
        updates = [v for k, v in params if k == "update"]
        if direct is not None:
            (updates if direct_update else queries).append(direct)
        if queries and updates:
            raise ProtocolError(400, "a request carries either a query or an update, not both")
        if len(updates) > 1:
            raise ProtocolError(400, f"{len(updates)} update parameters: send exactly one")
        if updates:
            if method != "POST":
                raise ProtocolError(405, "SPARQL Update must use POST (and this endpoint is read-only)",
                                    [(b"allow", b"GET, HEAD, POST, OPTIONS")])
            raise ProtocolError(403, "this endpoint is read-only: SPARQL Update is not accepted")
        if len(queries) > 1:
            raise ProtocolError(400, f"{len(queries)} query parameters: send exactly one")
        accept = headers.get("accept")
        if not queries:
            if method == "POST":
                raise ProtocolError(400, "no query: send query=... or a body of type application/sparql-query")
            if prefers_html(accept):
                await _respond(send, 303, b"", "text/plain", [(b"location", b"/query"), (b"vary", b"Accept")])
                return
            await self._service_description(state, headers, accept, send, head)
            return
        query = queries[0]
        if len(query.encode("utf-8")) > cfg.max_query_bytes:
            raise ProtocolError(413, f"query text longer than {cfg.max_query_bytes} bytes")
        if not query.strip():
            raise ProtocolError(400, "the query is empty")
        default_graphs = [v for k, v in params if k == "default-graph-uri"]
        named_graphs = [v for k, v in params if k == "named-graph-uri"]
        fmt_param = next((v for k, v in params if k == "format"), None)
        forced = None
        if fmt_param:
            forced = FORMAT_ALIASES.get(fmt_param.lower(), fmt_param.lower())
        elif method in ("GET", "HEAD") and prefers_html(accept):
            location = "/query?" + urlencode([("query", query)])
            await _respond(send, 303, b"", "text/plain", [(b"location", location.encode()), (b"vary", b"Accept")])
            return
        base_iri = f"http://{headers.get('host', '127.0.0.1')}/sparql"
        answer, cached = await execute(state, query, default_graphs, named_graphs, accept, forced, base_iri)
        extra = [(b"vary", b"Accept"),
                 (b"x-diplokg-cache", b"hit" if cached else b"miss" if cfg.cache_bytes > 0 else b"off")]
        meta = answer.meta
        if meta.get("truncated"):
            extra.append((b"x-diplokg-truncated", f"true; max-rows={meta.get('max_rows')}".encode()))
            extra.append((b"warning", f'199 - "result cut at {meta.get("max_rows")} rows"'.encode()))
        if "size" in meta:
            extra.append((b"x-diplokg-rows", str(meta["size"]).encode()))
        if fmt_param and answer.status == 200:
            ext = {v: k for k, v in FORMAT_ALIASES.items()}.get(answer.media_type, "txt")
            extra.append((b"content-disposition", f'inline; filename="results.{ext}"'.encode()))
        await _respond(send, answer.status, answer.body, answer.media_type, extra, head)
        if raw_key is not None and answer.status == 200 and len(answer.body) <= cfg.cache_entry_bytes:
            state.raw_cache[raw_key] = (answer, [(b"x-diplokg-cache", b"hit") if k == b"x-diplokg-cache" else (k, v)
                                                 for k, v in extra])
            state.raw_cache_used += len(answer.body) + len(raw_key[0])
            while state.raw_cache_used > cfg.cache_bytes and state.raw_cache:
                (qs, _, _), (old, _) = state.raw_cache.popitem(last=False)
                state.raw_cache_used -= len(old.body) + len(qs)

    async def _service_description(self, state: State, headers: dict[str, str], accept: str | None,
                                   send: Send, head: bool) -> None:
        media = negotiate(accept, GRAPH_TYPES)
        if media is None:
            raise ProtocolError(406, f"no service description format fits Accept: {accept}; "
                                     f"offered: {', '.join(GRAPH_TYPES)}")
        host = headers.get("host", "127.0.0.1")
        body = service_description(state, f"http://{host}/sparql", media)
        await _respond(send, 200, body, media, [(b"vary", b"Accept")], head)


async def execute(state: State, query: str, default_graphs: list[str], named_graphs: list[str],
                  accept: str | None, forced: str | None, base_iri: str | None = None) -> tuple[Answer, bool]:
    """Answer one query: from the cache (when on), in this process (bounded queries, see
    :mod:`pipeline.server.fastpath`) or through the worker pool; (answer, was it cached).

    Relative IRIs in the query resolve against ``base_iri`` (the endpoint's URL, as SPARQL says).
    """
    key = (query, tuple(default_graphs), tuple(named_graphs), accept, forced, base_iri)
    hit = state.cache_get(key)
    if hit is not None:
        return hit, True
    plan = None
    bound = 0
    if state.config.in_process and not default_graphs and not named_graphs:
        plan = classify(query)
        if plan is not None:
            bound = plan.max_matches(state.pattern_stats)
            if plan.blocking and bound > BLOCKING_MAX_ROWS:
                plan = None  # bounded, but its uninterruptible part could be long: a worker's job
    if plan is not None:
        if state.executor is None or bound <= INLINE_MAX_ROWS:
            # on the event loop: at most INLINE_MAX_ROWS matches take a few milliseconds even
            # sorted, and a thread hand-off costs more than a lookup itself (measured: lookups at
            # half the throughput, the aggregate at 0.7x, when handed to a thread)
            answer = _fast_answer(state, plan, bound, query, accept, forced, base_iri)
        else:
            state.in_thread += 1
            answer = await asyncio.get_running_loop().run_in_executor(
                state.executor, _fast_answer, state, plan, bound, query, accept, forced, base_iri)
        state.in_process += 1
    else:
        assert state.pool is not None
        try:
            answer = await state.pool.execute({
                "query": query, "default_graphs": default_graphs, "named_graphs": named_graphs,
                "accept": accept, "format": forced, "base_iri": base_iri,
            })
        except QueryUnavailable as exc:
            return Answer(503, "text/plain", (str(exc) + "\n").encode(), {"timeout": True}), False
    state.cache_put(key, answer)
    return answer, False


def _fast_answer(state: State, plan: Plan, bound: int, query: str, accept: str | None, forced: str | None,
                 base_iri: str | None) -> Answer:
    """Evaluate a bounded query (at most ``bound`` matches) in this process.

    SPARQL JSON for a SELECT is written by pyoxigraph when ``bound`` is small enough for its
    uninterruptible serialization (:data:`~pipeline.server.fastpath.BLOCKING_MAX_ROWS`); anything
    else goes through :func:`~pipeline.server.workers.evaluate`, as in a worker (deadline and row cap
    checked between rows).
    """
    cfg = state.config
    store = state.store if state.default_store is None else state.default_store
    if plan.kind == "select" and bound <= BLOCKING_MAX_ROWS:
        media = forced or negotiate(accept, KIND_TYPES["select"])
        if media == JSON_RESULTS:
            start = time.monotonic()
            meta: dict[str, Any] = {"kind": "select", "truncated": False, "max_rows": cfg.max_rows}
            counted = lookup_json(store, plan.lookup, cfg.max_rows) if plan.lookup is not None else None
            if counted is not None:
                body: bytes | None = counted[0]
                meta["size"] = counted[1]
            else:
                body = rust_json(store, query, base_iri, cfg.max_rows)  # rows not counted
            if body is not None:
                meta["elapsed"] = round(time.monotonic() - start, 6)
                return Answer(200, JSON_RESULTS, body, meta)
    return evaluate(store, {"query": query, "accept": accept, "format": forced, "base_iri": base_iri,
                            "timeout": cfg.timeout},
                    max_rows=cfg.max_rows, allow_service=cfg.allow_service,
                    allow_unknown_graphs=cfg.allow_unknown_graphs)


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"


def service_description(state: State, endpoint: str, media: str) -> bytes:
    """A SPARQL 1.1 Service Description of this endpoint."""
    from pipeline.store import RDF_FORMATS

    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    svc = ox.BlankNode("service")
    ds = ox.BlankNode("dataset")
    dg = ox.BlankNode("defaultGraph")
    t: list[ox.Triple] = [
        ox.Triple(svc, rdf_type, ox.NamedNode(SD + "Service")),
        ox.Triple(svc, ox.NamedNode(SD + "endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(svc, ox.NamedNode(SD + "supportedLanguage"), ox.NamedNode(SD + "SPARQL11Query")),
        ox.Triple(svc, ox.NamedNode(SD + "feature"), ox.NamedNode(SD + "UnionDefaultGraph")),
        ox.Triple(svc, ox.NamedNode(SD + "defaultDataset"), ds),
        ox.Triple(ds, rdf_type, ox.NamedNode(SD + "Dataset")),
        ox.Triple(ds, ox.NamedNode(SD + "defaultGraph"), dg),
        ox.Triple(dg, rdf_type, ox.NamedNode(SD + "Graph")),
        ox.Triple(dg, ox.NamedNode("http://rdfs.org/ns/void#triples"), ox.Literal(str(state.summary.triples),
                  datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                 "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "TriG", "N-Quads"):
        t.append(ox.Triple(svc, ox.NamedNode(SD + "resultFormat"), ox.NamedNode(FORMATS_NS + name)))
    for g in sorted(state.store.named_graphs(), key=lambda n: n.value):
        ng = ox.BlankNode()
        t += [ox.Triple(ds, ox.NamedNode(SD + "namedGraph"), ng),
              ox.Triple(ng, ox.NamedNode(SD + "name"), g)]
    fmt = RDF_FORMATS[media]
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        return _ser([ox.Quad(x.subject, x.predicate, x.object) for x in t], fmt, {"sd": SD})
    return _ser(t, fmt, {"sd": SD})


def _ser(data: Iterable[ox.Triple] | Iterable[ox.Quad], fmt: ox.RdfFormat,
         prefixes: dict[str, str] | None = None) -> bytes:
    """Serialize with prefixes where the format has them."""
    if prefixes and fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        return ox.serialize(data, format=fmt, prefixes=prefixes) or b""
    return ox.serialize(data, format=fmt) or b""


# ---------------------------------------------------------------------------------------------
# Pages


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    return env


class Pages:
    """The Linked Data pages (Starlette handlers)."""

    def __init__(self, state_ref: Callable[[], State]) -> None:
        self.state_ref = state_ref
        self.env = _templates()
        self.env.globals["href"] = self.href
        self.env.globals["compact"] = views.compact
        self.env.globals["quote"] = quote

    @property
    def state(self) -> State:
        return self.state_ref()

    def href(self, iri: str) -> str:
        """Where a link to ``iri`` goes: the local page for dataset IRIs, else the IRI itself."""
        base = self.state.config.base
        if iri.startswith(base):
            return "/" + iri[len(base):]
        return iri

    def render(self, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(config=self.state.config, **ctx)
        return HTMLResponse(html, status_code=status, headers={"vary": "Accept"})

    async def home(self, request: Request) -> Response:
        st = self.state
        examples = views.example_queries(st.config.root / "queries")
        return self.render("home.html", summary=st.summary, examples=examples, dumps=sorted(st.dumps),
                           title="diplokg: diplomacy news as linked data")

    async def query_page(self, request: Request) -> Response:
        st = self.state
        text = request.query_params.get("query", "")
        examples = views.example_queries(st.config.root / "queries")
        ctx: dict[str, Any] = {"query": text, "examples": examples, "result": None, "error": None,
                               "title": "SPARQL query"}
        if not text and "example" in request.query_params:
            chosen = next((e for e in examples if e.name == request.query_params["example"]), None)
            if chosen:
                ctx["query"] = text = chosen.text
        if text:
            ctx["share"] = "/query?" + urlencode([("query", text)])
            answer, _ = await execute(st, text, [], [], None, "application/sparql-results+json")
            if answer.status == 406:  # a CONSTRUCT/DESCRIBE: show its triples
                answer, _ = await execute(st, text, [], [], None, "application/n-triples")
            if answer.status != 200:
                ctx["error"] = answer.body.decode("utf-8", "replace")
                status = answer.status
                return self.render("query.html", status=status, **ctx)
            ctx["result"] = _table(answer)
            ctx["downloads"] = [
                (name, "/sparql?" + urlencode([("query", text), ("format", name)]))
                for name in (("json", "xml", "csv", "tsv") if answer.meta.get("kind") == "select" else
                             ("json", "xml") if answer.meta.get("kind") == "ask" else
                             ("ttl", "nt", "jsonld", "rdfxml", "trig", "nq"))
            ]
        return self.render("query.html", **ctx)

    async def resource(self, request: Request) -> Response:
        st = self.state
        path = request.url.path.lstrip("/")
        iri = st.config.base + path
        accept = request.headers.get("accept")
        fmt = request.query_params.get("format")
        view = await run_in_threadpool(views.describe_entity, st.store, iri)
        if view is None:
            return await self.not_found(request, iri)
        if fmt or not prefers_html(accept):
            media = FORMAT_ALIASES.get(fmt.lower(), fmt) if fmt else negotiate(accept, GRAPH_TYPES)
            if media not in GRAPH_TYPES:
                return PlainTextResponse(f"406 Not Acceptable: {iri} is available as text/html and "
                                         f"{', '.join(GRAPH_TYPES)}\n", 406, headers={"vary": "Accept"})
            body = await run_in_threadpool(_describe_rdf, st.store, iri, media)
            return Response(body, media_type=media, headers={"vary": "Accept", "link":
                            f'<{self.href(iri)}>; rel="alternate"; type="text/html"'})
        svg = who_did_what(view.happenings, self.href, focus=iri)
        return self.render("entity.html", view=view, svg=Markup(svg), title=view.label,
                           formats=[("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"),
                                    ("RDF/XML", "rdfxml"), ("TriG", "trig")])

    async def graph(self, request: Request) -> Response:
        st = self.state
        gname = request.path_params["article"]
        iri = f"{st.config.base}graph/{gname}"
        if not views.graph_exists(st.store, iri):
            return await self.not_found(request, iri)
        accept = request.headers.get("accept")
        fmt = request.query_params.get("format")
        node = ox.NamedNode(iri)
        if fmt or not prefers_html(accept):
            media = FORMAT_ALIASES.get(fmt.lower(), fmt) if fmt else negotiate(accept, QUAD_TYPES)
            if media not in QUAD_TYPES:
                return PlainTextResponse(f"406 Not Acceptable: {iri} is available as text/html and "
                                         f"{', '.join(QUAD_TYPES)}\n", 406, headers={"vary": "Accept"})
            body = await run_in_threadpool(_graph_rdf, st.store, node, media)
            return Response(body, media_type=media, headers={"vary": "Accept"})
        quads = await run_in_threadpool(lambda: sorted(st.store.quads_for_pattern(None, None, None, node),
                                                       key=lambda q: (str(q.subject), str(q.predicate))))
        article = next((a for a in st.summary.articles if a["graph"] == iri), None)
        return self.render("graph.html", iri=iri, quads=quads[:5000], total=len(quads), article=article,
                           title=f"Graph {gname}")

    async def vocabulary(self, request: Request) -> Response:
        """``/ontology``, ``/ontology/<name>``, ``/shapes``, ``/shapes/<name>``: the Turtle sources."""
        st = self.state
        parts = request.url.path.strip("/").split("/")
        folder = st.config.root / parts[0]
        files = sorted(folder.glob("*.ttl")) if folder.is_dir() else []
        if len(parts) > 1:
            name = parts[1].removesuffix(".ttl")
            files = [f for f in files if f.stem == name]
        elif parts[0] == "ontology":
            main = [f for f in files if f.stem in ("diplokg", "ontology")]
            files = main or files
        if not files:
            return await self.not_found(request, st.config.base + "/".join(parts))
        text = "\n".join(f.read_text(encoding="utf-8") for f in files)
        fmt = request.query_params.get("format")
        accept = request.headers.get("accept")
        if not fmt and prefers_html(accept):
            ns = st.config.base + "/".join(parts) + ("#" if parts[0] == "ontology" or len(parts) == 1 else "")
            return self.render("source.html", title=f"{parts[-1].capitalize()}", namespace=ns, text=text,
                               files=[f"{parts[0]}/{f.name}" for f in files])
        media = FORMAT_ALIASES.get(fmt.lower(), fmt) if fmt else negotiate(accept, GRAPH_TYPES)
        if media == "text/turtle":
            return Response(text, media_type="text/turtle", headers={"vary": "Accept"})
        if media not in GRAPH_TYPES:
            return PlainTextResponse(f"406 Not Acceptable; offered: {', '.join(GRAPH_TYPES)}\n", 406)
        try:
            triples: list[ox.Triple] = []
            for f in files:
                triples += [q.triple for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)]
        except SyntaxError as exc:
            return PlainTextResponse(f"cannot convert {parts[0]}: {exc}\n", 500)
        from pipeline.store import RDF_FORMATS
        return Response(ox.serialize(triples, format=RDF_FORMATS[media]), media_type=media,
                        headers={"vary": "Accept"})

    async def void(self, request: Request) -> Response:
        st = self.state
        pub = st.config.published if st.config.published.is_dir() else st.config.published.parent
        path = pub / "void.ttl"
        if path.is_file():
            return Response(path.read_bytes(), media_type="text/turtle")
        base = st.config.base
        text = (f"@prefix void: <http://rdfs.org/ns/void#> .\n@prefix dcterms: <http://purl.org/dc/terms/> .\n"
                f"<{base}dataset> a void:Dataset ;\n  dcterms:title \"diplokg\" ;\n"
                f"  void:sparqlEndpoint <{request.base_url}sparql> ;\n"
                f"  void:dataDump <{request.base_url}dumps/dataset.nq.gz> ;\n"
                f"  void:uriSpace \"{base}id/\" ;\n"
                f"  void:triples {st.summary.triples} ;\n  void:classes {len(st.summary.classes)} .\n")
        return Response(text, media_type="text/turtle")

    async def dump(self, request: Request) -> Response:
        st = self.state
        d = st.dumps.get(request.path_params["name"])
        if d is None:
            return await self.not_found(request, None)
        headers = {"etag": d.etag, "last-modified": d.last_modified, "cache-control": "public, max-age=300",
                   "content-disposition": f'attachment; filename="{d.name}"'}
        inm = request.headers.get("if-none-match")
        ims = request.headers.get("if-modified-since")
        if inm is not None:
            if d.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*":
                return Response(status_code=304, headers=headers)
        elif ims:
            with contextlib.suppress(TypeError, ValueError):
                if int(d.mtime) <= email.utils.parsedate_to_datetime(ims).timestamp():
                    return Response(status_code=304, headers=headers)
        return Response(d.data, media_type="application/gzip", headers=headers)

    async def not_found(self, request: Request, iri: str | None) -> Response:
        st = self.state
        sugg = await run_in_threadpool(views.suggestions, st.store, iri, st.config.base) if iri else []
        accept = request.headers.get("accept")
        if not prefers_html(accept):
            lines = [f"404 Not Found: {iri or request.url.path} is not in this dataset."]
            lines += [f"Did you mean {s}?" for s, _ in sugg]
            lines.append("Browse / or query /sparql.")
            return PlainTextResponse("\n".join(lines) + "\n", 404)
        return self.render("notfound.html", status=404, iri=iri or str(request.url.path), suggestions=sugg,
                           title="Not found")


def _table(answer: Answer) -> dict[str, Any]:
    """A JSON results or N-Triples answer as {columns, rows, boolean, truncated} for the template."""
    meta = answer.meta
    if answer.media_type == "application/n-triples":
        triples = list(ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES))
        trows = [[_cell_term(t.subject), _cell_term(t.predicate), _cell_term(t.object)] for t in triples]
        return {"columns": ["subject", "predicate", "object"], "rows": trows, "boolean": None, **meta}
    doc = json.loads(answer.body)
    if "boolean" in doc:
        return {"columns": [], "rows": [], "boolean": doc["boolean"], **meta}
    cols = doc["head"]["vars"]
    rows: list[list[dict[str, str] | None]] = [[_cell_json(b.get(c)) for c in cols]
                                               for b in doc["results"]["bindings"]]
    return {"columns": cols, "rows": rows, "boolean": None, **meta}


def _cell_json(b: dict[str, Any] | None) -> dict[str, str] | None:
    if b is None:
        return None
    if b["type"] == "uri":
        return {"iri": b["value"], "text": views.compact(b["value"])}
    if b["type"] == "bnode":
        return {"text": "_:" + b["value"]}
    extra = f"@{b['xml:lang']}" if "xml:lang" in b else ""
    if "datatype" in b:
        extra = "^^" + views.compact(b["datatype"])
    return {"text": str(b["value"]), "extra": extra}


def _cell_term(t: Any) -> dict[str, str]:
    if isinstance(t, ox.NamedNode):
        return {"iri": t.value, "text": views.compact(t.value)}
    if isinstance(t, ox.BlankNode):
        return {"text": "_:" + t.value}
    return {"text": getattr(t, "value", str(t))}


def _describe_rdf(store: ox.Store, iri: str, media: str) -> bytes:
    """Outgoing and incoming quads of ``iri`` in ``media`` (graphs kept for TriG/N-Quads)."""
    from pipeline.store import RDF_FORMATS

    node = ox.NamedNode(iri)
    default = ox.DefaultGraph()
    quads = [q for q in store.quads_for_pattern(node, None, None, None) if q.graph_name != default]
    quads += [q for q in store.quads_for_pattern(None, None, node, None) if q.graph_name != default]
    fmt = RDF_FORMATS[media]
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        return _ser(sorted(set(quads), key=str), fmt, PREFIXES)
    return _ser(sorted({q.triple for q in quads}, key=str), fmt, PREFIXES)


def _graph_rdf(store: ox.Store, graph: ox.NamedNode, media: str) -> bytes:
    from pipeline.store import RDF_FORMATS

    quads = list(store.quads_for_pattern(None, None, None, graph))
    fmt = RDF_FORMATS[media]
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        return _ser(quads, fmt, PREFIXES)
    return _ser([q.triple for q in quads], fmt, PREFIXES)


# ---------------------------------------------------------------------------------------------
# Assembly


def create_app(config: ServerConfig, state: State | None = None) -> Callable[..., Awaitable[None]]:
    """The ASGI application. Loads the dataset now (raising DatasetError) unless ``state`` is given;
    the worker pool starts in the ASGI lifespan."""
    st = state or load_state(config)

    def ref() -> State:
        return st

    pages = Pages(ref)

    async def not_found_handler(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return await pages.not_found(request, None)
        return PlainTextResponse(f"{status} {getattr(exc, 'detail', '')}\n", status)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        st.pool = WorkerPool(st.dataset, size=config.workers, timeout=config.timeout,
                             max_rows=config.max_rows, allow_service=config.allow_service,
                             memory_mb=config.worker_memory_mb,
                             allow_unknown_graphs=config.allow_unknown_graphs)
        await st.pool.start()
        # everything loaded so far lives as long as the server: keep it out of the cyclic GC's
        # scans (shorter pauses, better tail latency)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            await st.pool.close()
            if st.executor is not None:
                st.executor.shutdown(wait=False, cancel_futures=True)

    routes = [
        Route("/", pages.home),
        Route("/query", pages.query_page),
        Route("/id/{rest:path}", pages.resource),
        Route("/graph/{article:path}", pages.graph),
        Route("/ontology", pages.vocabulary),
        Route("/ontology/{name}", pages.vocabulary),
        Route("/shapes", pages.vocabulary),
        Route("/shapes/{name}", pages.vocabulary),
        Route("/.well-known/void", pages.void),
        Route("/dumps/{name}", pages.dump),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    site = Starlette(routes=routes, lifespan=lifespan,
                     exception_handlers={HTTPException: not_found_handler})
    endpoint = SparqlEndpoint(ref)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in ("/sparql", "/sparql/"):
            await endpoint(scope, receive, send)
            return
        if scope["type"] == "http":
            # CORS on every page too
            async def send_cors(msg: MutableMapping[str, Any]) -> None:
                if msg["type"] == "http.response.start":
                    msg["headers"] = list(msg.get("headers", [])) + [CORS_HEADERS[0]]
                await send(msg)
            await site(scope, receive, send_cors)
            return
        await site(scope, receive, send)

    app.state = st  # type: ignore[attr-defined]
    return app
