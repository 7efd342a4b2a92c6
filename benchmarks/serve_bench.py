#!/usr/bin/env python3
"""Benchmark ``diplokg serve`` against ``oxigraph serve-read-only`` on the same data, in one run.

Both servers get the same published dataset (Oxigraph: the N-Quads plus their merge in the
default graph, which is what ``diplokg serve`` queries by default), run one after the other on
127.0.0.1, and receive the same requests from the same load generator (asyncio, keep-alive
HTTP/1.1 connections, fixed request counts; the client runs in this process on the same machine,
so its CPU cost weighs on both servers alike). Answers are checked to agree before timing.

Workloads:
  lookup     point lookups ``SELECT ?p ?o { <entity> ?p ?o }`` cycling over every labelled entity,
             16 concurrent clients
  aggregate  ``SELECT ?type (COUNT(?s) AS ?n) { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)``, 4 clients
             (500 requests each by default: fewer make a run of a few tens of milliseconds, mostly noise)
  construct  ``CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }`` as N-Triples (the whole union graph), 4 clients

diplokg is measured in several configurations (``--variant ARGS``, repeatable): by default as it
runs by default (no response cache: every request is evaluated) and with ``--cache-mb 64`` (repeated
identical requests are answered from memory; the dataset cannot change while it runs), so the
cache's share of the result is visible. ``--variant "--no-in-process --http-workers 1"`` is the
earlier design (every query sent to a worker process from a single HTTP process).

Besides req/s and latency, each line gives the CPU time the server used per request (all its
processes: HTTP processes and query workers), which depends much less than req/s on what else
the machine is running.

Usage:  .venv/bin/python benchmarks/serve_bench.py [--published data/published] [--requests 300]
        [--rounds 3] [--variant ""] [--variant "--cache-mb 64"] ...
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
AGGREGATE = "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) ?type"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
JSON_TYPE = "application/sparql-results+json"
#: diplokg configurations measured by default: as it runs by default (no response cache), and with
#: the response cache on
DEFAULT_VARIANTS = ["", "--cache-mb 64"]
NT_TYPE = "application/n-triples"
_CL = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.I)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:\s*chunked", re.I)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request_bytes(port: int, query: str, accept: str) -> bytes:
    return (f"GET /sparql?query={quote(query, safe='')} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Accept: {accept}\r\nConnection: keep-alive\r\n\r\n").encode()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    m = _CL.search(head)
    if m:
        return status, await reader.readexactly(int(m.group(1)))
    if _CHUNKED.search(head):
        body = bytearray()
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, bytes(body)
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    return status, b""


async def _client(port: int, requests: list[bytes], lat: list[float], errors: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for req in requests:
            t0 = time.perf_counter()
            writer.write(req)
            status, _ = await _read_response(reader)
            lat.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants still running (Linux /proc)."""
    total = 0.0
    todo = [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


@dataclass
class Result:
    requests: int
    seconds: float
    p50: float
    p99: float
    errors: int
    cpu: float = 0.0  # server CPU seconds (all its processes) during the run

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def run_load(port: int, requests: list[bytes], clients: int, per_client: int, server_pid: int | None = None) -> Result:
    """``clients`` connections, each sending ``per_client`` requests back to back (cycling ``requests``);
    with ``server_pid``, also the CPU time the server's process tree used meanwhile."""
    lat: list[float] = []
    errors: list[int] = []
    plans = [[requests[(c * 7919 + i) % len(requests)] for i in range(per_client)] for c in range(clients)]

    async def main() -> float:
        t0 = time.perf_counter()
        await asyncio.gather(*(_client(port, p, lat, errors) for p in plans))
        return time.perf_counter() - t0

    cpu0 = tree_cpu_seconds(server_pid) if server_pid else 0.0
    seconds = asyncio.run(main())
    cpu = tree_cpu_seconds(server_pid) - cpu0 if server_pid else 0.0
    lat.sort()
    return Result(len(lat), seconds, statistics.median(lat), lat[min(len(lat) - 1, int(len(lat) * 0.99))],
                  len(errors), cpu)


def fetch(port: int, query: str, accept: str) -> bytes:
    async def one() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request_bytes(port, query, accept))
        status, body = await _read_response(reader)
        writer.close()
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
        return body
    return asyncio.run(one())


def wait_port(port: int, proc: subprocess.Popen[bytes], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        try:
            fetch(port, "ASK {}", JSON_TYPE)
            return
        except (OSError, RuntimeError, asyncio.IncompleteReadError):
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def rows_of(body: bytes) -> list[tuple[str, ...]]:
    doc = json.loads(body)
    return sorted(tuple(sorted((k, v["value"]) for k, v in b.items())) for b in doc["results"]["bindings"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--published", type=Path, default=ROOT / "data" / "published")
    ap.add_argument("--requests", type=int, default=300, help="lookup requests per client (16 clients)")
    ap.add_argument("--aggregate-requests", type=int, default=500, help="aggregate requests per client (4 clients)")
    ap.add_argument("--heavy-requests", type=int, default=40, help="construct requests per client (4 clients)")
    ap.add_argument("--variant", action="append", metavar="ARGS",
                    help="extra `diplokg serve` arguments for one diplokg configuration (repeatable; "
                         f"default: {DEFAULT_VARIANTS})")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the median round is reported")
    args = ap.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    nq = args.published / "dataset.nq"
    if not nq.is_file() or not Path(oxigraph).exists():
        print(f"need {nq} (run `diplokg build`) and the `oxigraph` CLI (pip install oxigraph)", file=sys.stderr)
        return 2

    quads = list(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS))
    merged = sorted({q.triple for q in quads}, key=str)
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    entities = sorted({t.subject.value for t in merged if t.predicate == label and isinstance(t.subject, ox.NamedNode)})
    lookups = [f"SELECT ?p ?o WHERE {{ <{e}> ?p ?o }}" for e in entities]
    print(f"dataset: {len(quads)} quads, {len(merged)} distinct triples, {len(entities)} lookup targets; "
          f"{os.cpu_count()} CPUs; python client, keep-alive connections\n")

    tmp = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    rounds: dict[str, dict[str, list[Result]]] = {}
    answers: dict[str, dict[str, object]] = {}
    try:
        union = tmp / "union.nt"
        union.write_bytes(ox.serialize(merged, format=ox.RdfFormat.N_TRIPLES) or b"")
        db = tmp / "oxigraph-db"
        subprocess.run([oxigraph, "load", "--location", str(db), "--file", str(nq)], check=True,
                       capture_output=True)
        subprocess.run([oxigraph, "load", "--location", str(db), "--file", str(union)], check=True,
                       capture_output=True)

        servers: dict[str, Callable[[int], list[str]]] = {
            "oxigraph": lambda port: [oxigraph, "serve-read-only", "--location", str(db), "--bind",
                                      f"127.0.0.1:{port}"],
        }
        for variant in args.variant or DEFAULT_VARIANTS:
            servers[("diplokg " + variant).strip()] = (
                lambda port, extra=shlex.split(variant): [
                    sys.executable, "-m", "pipeline.cli", "serve", "--no-build", "--published", str(args.published),
                    "--port", str(port), "--root", str(ROOT), *extra])
        procs: dict[str, tuple[int, subprocess.Popen[bytes]]] = {}
        try:
            for name, cmd in servers.items():  # all start now; each idles while another is measured
                port = free_port()
                procs[name] = (port, subprocess.Popen(cmd(port), stdout=subprocess.DEVNULL,
                                                      stderr=subprocess.DEVNULL, cwd=ROOT))
            for name, (port, proc) in procs.items():
                wait_port(port, proc, name)
                answers[name] = {
                    "lookup": [rows_of(fetch(port, q, JSON_TYPE)) for q in lookups],  # also warms every lookup
                    "aggregate": rows_of(fetch(port, AGGREGATE, JSON_TYPE)),
                    "construct": {t for t in ox.parse(fetch(port, CONSTRUCT, NT_TYPE), format=ox.RdfFormat.N_TRIPLES)},
                }
            # rounds interleave the servers so that load from other processes on the machine is shared out
            for _ in range(args.rounds):
                for name, (port, proc) in procs.items():
                    look = [request_bytes(port, q, JSON_TYPE) for q in lookups]
                    agg = [request_bytes(port, AGGREGATE, JSON_TYPE)]
                    con = [request_bytes(port, CONSTRUCT, NT_TYPE)]
                    run_load(port, look, 16, 20)  # warm-up
                    rounds.setdefault(name, {}).setdefault("lookup", []).append(
                        run_load(port, look, 16, args.requests, proc.pid))
                    rounds[name].setdefault("aggregate", []).append(run_load(port, agg, 4, args.aggregate_requests, proc.pid))
                    rounds[name].setdefault("construct", []).append(run_load(port, con, 4, args.heavy_requests, proc.pid))
        finally:
            for _port, proc in procs.values():
                stop(proc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    agree = all(answers[n] == answers["oxigraph"] for n in answers)
    print(f"answers agree between servers: {'yes' if agree else 'NO'}\n")
    header = (f"{'workload':<10} {'server':<44} {'requests':>8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'errors':>6} {'vs oxigraph':>12} {'cpu us/req':>11}")
    print(header)
    print("-" * len(header))
    results = {name: {w: sorted(rs, key=lambda r: r.rps)[len(rs) // 2] for w, rs in ws.items()}
               for name, ws in rounds.items()}
    for work in ("lookup", "aggregate", "construct"):
        base = results["oxigraph"][work].rps
        for name in results:
            r = results[name][work]
            print(f"{work:<10} {name:<44} {r.requests:>8} {r.rps:>9.0f} {r.p50 * 1000:>8.2f} {r.p99 * 1000:>8.2f} "
                  f"{r.errors:>6} {r.rps / base:>11.2f}x {1e6 * r.cpu / r.requests:>11.0f}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
