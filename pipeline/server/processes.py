"""Several HTTP server processes on one port (``diplokg serve --http-workers N``).

Each process is a complete server (uvicorn, its own copy of the store, its own query workers), with
its *own* listening socket bound with ``SO_REUSEPORT``: the kernel then spreads incoming
connections over the processes. (uvicorn's own ``--workers`` shares one listening socket, and with
uvloop the process that wakes first accepts nearly every connection: measured, one process took all
16 connections of the benchmark and the other stayed idle.)

The parent only supervises: it starts the processes (``spawn``, so no store is shared by fork),
restarts one that dies, and stops them all on SIGINT/SIGTERM.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
from multiprocessing.connection import wait
from typing import Any


def _bind(host: str, port: int) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _http_process(config_json: str, host: str, port: int, uvicorn_options: dict[str, Any]) -> None:
    """Body of one HTTP process: build the app from the configuration and serve until signalled."""
    import uvicorn

    from pipeline.server.app import config_from_env_text, create_app

    app = create_app(config_from_env_text(config_json))
    sock = _bind(host, port)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, lifespan="on", **uvicorn_options))
    server.run(sockets=[sock])


def serve_processes(config_json: str, host: str, port: int, count: int, uvicorn_options: dict[str, Any]) -> int:
    """Run ``count`` HTTP processes until SIGINT/SIGTERM; returns the exit code.

    A process that exits while the server is meant to run is restarted (a crash, or the OOM
    killer); one that cannot start at all (it exits within its first second twice in a row) stops
    the whole server with exit code 1.
    """
    import time

    ctx = multiprocessing.get_context("spawn")
    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> tuple[multiprocessing.process.BaseProcess, float]:
        proc = ctx.Process(target=_http_process, args=(config_json, host, port, uvicorn_options),
                           name="diplokg-http", daemon=False)
        proc.start()
        return proc, time.monotonic()

    procs = [start() for _ in range(count)]
    fast_failures = 0
    code = 0
    try:
        while not stopping:
            wait([p.sentinel for p, _ in procs], timeout=0.5)
            for i, (proc, started) in enumerate(procs):
                if proc.is_alive() or stopping:
                    continue
                fast_failures = fast_failures + 1 if time.monotonic() - started < 1.0 else 0
                if fast_failures >= 2:
                    print(f"diplokg serve: an HTTP process keeps exiting at start (code {proc.exitcode}); "
                          "stopping", file=sys.stderr)
                    stopping = True
                    code = 1
                    break
                print(f"diplokg serve: HTTP process {proc.pid} exited (code {proc.exitcode}); restarting",
                      file=sys.stderr)
                procs[i] = start()
    finally:
        for proc, _ in procs:
            if proc.is_alive():
                proc.terminate()  # SIGTERM: uvicorn shuts down gracefully, stopping its query workers
        for proc, _ in procs:
            proc.join(15)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code
