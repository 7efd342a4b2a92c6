"""Query workers: SPARQL queries run in child processes the server can kill.

Every query goes here except those whose work is bounded before they start, which the HTTP process
evaluates itself (:mod:`pipeline.server.fastpath`).

Why processes and not threads: pyoxigraph releases the GIL, so threads would use both cores, but a
pyoxigraph query cannot be cancelled. A query whose first row needs all the work (``ORDER BY`` or
``GROUP BY`` over a huge intermediate result) would keep a thread and a core busy long after its
client got its 503. Here each worker process holds its own copy of the (read-only) store:

* the worker evaluates with :func:`pipeline.store.run_query`, which already stops at the first row
  past the deadline (cooperative stop, no restart needed), negotiates the format and serializes;
* the server waits ``timeout + grace`` seconds; when a worker has not answered by then it is
  killed (SIGKILL) and replaced, and the client gets 503. The runaway is really stopped, and the
  other workers keep serving meanwhile.

Wire format on the socketpair between server and worker: frames of ``>II`` (header length, body
length), a JSON header, then raw body bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_FRAME = struct.Struct(">II")


@dataclass(frozen=True)
class Answer:
    """What a worker answers: HTTP status, media type, body, and facts for headers."""

    status: int
    media_type: str
    body: bytes
    meta: dict[str, Any]


class QueryUnavailable(Exception):
    """No worker answered in time (query timed out and was killed, or the pool is down)."""


# ---------------------------------------------------------------------------------------------
# Worker side


def _read_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _send(sock: socket.socket, header: dict[str, Any], body: bytes = b"") -> None:
    head = json.dumps(header).encode()
    sock.sendall(_FRAME.pack(len(head), len(body)) + head + body)


class NotAcceptable(Exception):
    """No format fits the client's Accept header for this kind of result."""


def evaluate(store: Any, request: dict[str, Any], *, max_rows: int, allow_service: bool,
             allow_unknown_graphs: bool = False) -> Answer:
    """Run one protocol request against the store: evaluate, negotiate, serialize.

    Returns an :class:`Answer`; errors become 4xx/503 answers with a plain-text message.
    """
    from pipeline.errors import QueryError
    from pipeline.server.conneg import KIND_TYPES, negotiate
    from pipeline.store import QueryRefused, QueryTimeout, run_query, serialize_outcome

    chosen: dict[str, str] = {}

    def on_kind(kind: str) -> None:
        offered = KIND_TYPES[kind]
        forced = request.get("format")
        if forced:
            if forced not in offered:
                raise NotAcceptable(f"format {forced} cannot carry a {kind.upper()} result; "
                                    f"use one of: {', '.join(offered)}")
            chosen["type"] = forced
            return
        media = negotiate(request.get("accept"), offered)
        if media is None:
            raise NotAcceptable(f"none of the types in Accept: {request.get('accept')} can carry a "
                                f"{kind.upper()} result; this endpoint offers: {', '.join(offered)}")
        chosen["type"] = media

    try:
        out = run_query(
            store,
            request["query"],
            default_graphs=request.get("default_graphs") or (),
            named_graphs=request.get("named_graphs") or (),
            timeout=request.get("timeout"),
            max_rows=request.get("max_rows") or max_rows,
            allow_service=allow_service,
            allow_unknown_graphs=allow_unknown_graphs,
            base_iri=request.get("base_iri"),
            on_kind=on_kind,
        )
    except NotAcceptable as exc:
        return Answer(406, "text/plain", str(exc).encode(), {})
    except QueryTimeout as exc:
        return Answer(503, "text/plain", str(exc.message).encode(), {"timeout": True})
    except QueryRefused as exc:
        return Answer(403, "text/plain", str(exc.message).encode(), {})
    except QueryError as exc:
        return Answer(400, "text/plain", str(exc.message).encode(), {})
    except MemoryError:
        return Answer(503, "text/plain", b"the query needed more memory than this server allows per query", {})
    try:
        body = serialize_outcome(out, chosen["type"])
    except MemoryError:
        return Answer(503, "text/plain", b"the result needed more memory than this server allows per query", {})
    meta = {"kind": out.kind, "size": out.size, "truncated": out.truncated, "max_rows": out.max_rows,
            "elapsed": round(out.elapsed, 6)}
    return Answer(200, chosen["type"], body, meta)


def worker_main(argv: list[str] | None = None) -> int:
    """Entry point of a worker process: load the store, then answer frames until EOF."""
    parser = argparse.ArgumentParser(prog="diplokg-query-worker")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--max-rows", type=int, required=True)
    parser.add_argument("--allow-service", action="store_true")
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--allow-unknown-graphs", action="store_true")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when workers stop
    sock = socket.socket(fileno=args.fd)
    from pipeline.errors import DatasetError
    from pipeline.store import open_store

    try:
        store = open_store(args.dataset)
    except DatasetError as exc:
        _send(sock, {"ready": False, "error": str(exc)})
        return 1
    if args.memory_mb > 0:
        # address-space cap = what the loaded store uses now + the per-query budget: a query that
        # needs more fails to allocate, the worker dies, and the server answers 503 and replaces it
        import resource

        with open("/proc/self/status", encoding="ascii") as fh:
            vm_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:"))
        cap = (vm_kb + args.memory_mb * 1024) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    _send(sock, {"ready": True, "pid": os.getpid(), "quads": len(store)})
    while True:
        try:
            head_len, body_len = _FRAME.unpack(_read_exact(sock, _FRAME.size))
            request = json.loads(_read_exact(sock, head_len))
            if body_len:
                _read_exact(sock, body_len)
        except (EOFError, ConnectionError):
            return 0
        answer = evaluate(store, request, max_rows=args.max_rows, allow_service=args.allow_service,
                          allow_unknown_graphs=args.allow_unknown_graphs)
        _send(sock, {"status": answer.status, "media_type": answer.media_type, "meta": answer.meta},
              answer.body)


# ---------------------------------------------------------------------------------------------
# Server side


class _FrameReader(asyncio.Protocol):
    """Server end of a worker socket: collects frames and hands each to the waiting request."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.waiter: asyncio.Future[tuple[dict[str, Any], bytes]] | None = None
        self.lost = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._deliver()

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("query worker connection lost"))

    def _deliver(self) -> None:
        if self.waiter is None or self.waiter.done() or len(self.buf) < _FRAME.size:
            return
        head_len, body_len = _FRAME.unpack_from(self.buf)
        end = _FRAME.size + head_len + body_len
        if len(self.buf) < end:
            return
        header = json.loads(self.buf[_FRAME.size:_FRAME.size + head_len])
        body = bytes(self.buf[_FRAME.size + head_len:end])
        del self.buf[:end]
        self.waiter.set_result((header, body))

    def next_frame(self) -> asyncio.Future[tuple[dict[str, Any], bytes]]:
        self.waiter = asyncio.get_running_loop().create_future()
        if self.lost:
            self.waiter.set_exception(ConnectionError("query worker connection lost"))
        else:
            self._deliver()
        return self.waiter


class _Worker:
    def __init__(self, proc: subprocess.Popen[bytes], proto: _FrameReader) -> None:
        self.proc = proc
        self.proto = proto

    async def read_frame(self) -> tuple[dict[str, Any], bytes]:
        return await self.proto.next_frame()

    def write(self, data: bytes) -> None:
        assert self.proto.transport is not None
        self.proto.transport.write(data)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        if self.proto.transport is not None:
            self.proto.transport.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not fail on Linux
            pass


def _expire(fut: asyncio.Future[Any]) -> None:
    if not fut.done():
        fut.set_exception(asyncio.TimeoutError())


class WorkerPool:
    """A fixed number of query worker processes with a queue in front.

    Args:
        dataset: the dataset file the workers load (the same one the server loaded).
        size: number of worker processes.
        timeout: per-query time limit in seconds (cooperative in the worker; enforced here by
            killing the worker ``grace`` seconds later).
        max_rows: result-size cap.
        allow_service: let queries use ``SERVICE``.
        allow_unknown_graphs: let ``FROM`` name graphs that are not in the store (read as empty).
        memory_mb: per-worker memory budget for queries (address-space limit above the loaded
            store; 0 = none). A query that needs more kills its worker: 503, worker replaced.
    """

    def __init__(self, dataset: Path, *, size: int, timeout: float, max_rows: int,
                 allow_service: bool = False, grace: float = 1.0, memory_mb: int = 0,
                 allow_unknown_graphs: bool = False) -> None:
        self.dataset = dataset
        self.size = max(1, size)
        self.timeout = timeout
        self.max_rows = max_rows
        self.allow_service = allow_service
        self.memory_mb = memory_mb
        self.allow_unknown_graphs = allow_unknown_graphs
        self.grace = grace
        self.killed = 0
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._all: set[_Worker] = set()
        self._closing = False

    async def _spawn(self) -> _Worker:
        parent, child = socket.socketpair()
        cmd = [sys.executable, "-m", "pipeline.server.workers", "--fd", str(child.fileno()),
               "--dataset", str(self.dataset), "--max-rows", str(self.max_rows), "--memory-mb", str(self.memory_mb)]
        if self.allow_service:
            cmd.append("--allow-service")
        if self.allow_unknown_graphs:
            cmd.append("--allow-unknown-graphs")
        env = {**os.environ, "RUST_BACKTRACE": "0"}
        proc = subprocess.Popen(cmd, pass_fds=[child.fileno()], stdin=subprocess.DEVNULL, env=env)
        child.close()
        _, proto = await asyncio.get_running_loop().create_connection(_FrameReader, sock=parent)
        worker = _Worker(proc, proto)
        try:
            header, _ = await asyncio.wait_for(worker.read_frame(), 600)
        except (asyncio.TimeoutError, ConnectionError) as exc:
            worker.kill()
            raise RuntimeError(f"query worker exited during start-up (code {proc.poll()})") from exc
        if not header.get("ready"):
            worker.kill()
            raise RuntimeError(f"query worker could not load the dataset: {header.get('error')}")
        self._all.add(worker)
        return worker

    async def start(self) -> None:
        """Start every worker (in parallel) and wait until each has loaded the store."""
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for w in workers:
            self._idle.put_nowait(w)

    async def _replace(self) -> None:
        while not self._closing:
            try:
                self._idle.put_nowait(await self._spawn())
                return
            except RuntimeError:  # pragma: no cover - dataset vanished under us; retry slowly
                await asyncio.sleep(1.0)

    async def execute(self, request: dict[str, Any]) -> Answer:
        """Send one request to an idle worker and wait for its answer.

        Raises:
            QueryUnavailable: the query overran ``timeout + grace`` (its worker was killed and is
                being replaced) or no worker became free within that time.
        """
        timeout = float(request.get("timeout") or self.timeout)
        request = {**request, "timeout": timeout}
        loop = asyncio.get_running_loop()
        # (plain futures and call_later instead of asyncio.wait_for: no Task per request)
        try:
            worker = self._idle.get_nowait()
        except asyncio.QueueEmpty:
            try:
                worker = await asyncio.wait_for(self._idle.get(), timeout + self.grace)
            except asyncio.TimeoutError as exc:
                raise QueryUnavailable(f"all {self.size} query workers stayed busy for {timeout + self.grace:g} s; "
                                       "try again later") from exc
        head = json.dumps(request).encode()
        timer: asyncio.TimerHandle | None = None
        try:
            worker.write(_FRAME.pack(len(head), 0) + head)
            frame = worker.proto.next_frame()
            timer = loop.call_later(timeout + self.grace, _expire, frame)
            header, body = await frame
        except (asyncio.TimeoutError, ConnectionError) as exc:
            self._all.discard(worker)
            worker.kill()
            self.killed += 1
            asyncio.get_running_loop().create_task(self._replace())
            if isinstance(exc, asyncio.TimeoutError):
                raise QueryUnavailable(
                    f"query stopped after {timeout:g} s (the per-query time limit): its worker process "
                    "was killed") from exc
            raise QueryUnavailable(
                "the query worker died while running this query (most likely it needed more than the "
                f"{self.memory_mb} MB memory budget per query); it has been replaced" if self.memory_mb else
                "the query worker crashed while running this query; it has been replaced") from exc
        except asyncio.CancelledError:
            # client went away mid-query: the worker still owes us a frame; drop it to stay in sync
            self._all.discard(worker)
            worker.kill()
            asyncio.get_running_loop().create_task(self._replace())
            raise
        finally:
            if timer is not None:
                timer.cancel()
        self._idle.put_nowait(worker)
        return Answer(header["status"], header["media_type"], body, header.get("meta", {}))

    async def close(self) -> None:
        """Stop every worker."""
        self._closing = True
        for w in list(self._all):
            w.kill()
        self._all.clear()


if __name__ == "__main__":
    sys.exit(worker_main())
