"""``diplokg serve``: the read-only SPARQL 1.1 endpoint and Linked Data pages."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from pipeline.commands._common import add_root
from pipeline.errors import DatasetError, UsageError

HELP = "serve the published dataset: SPARQL 1.1 endpoint + Linked Data pages"
DESCRIPTION = """Serve data/published over HTTP: a read-only SPARQL 1.1 Protocol endpoint at /sparql,
entity pages at /id/..., article graphs at /graph/..., the ontology and shapes, VoID at
/.well-known/void and gzip dumps at /dumps/. Builds the dataset first when it is missing or older
than its inputs (unless --no-build). Listens on 127.0.0.1 only unless --host says otherwise.
Example:  diplokg serve --port 8000 --timeout 5"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_root(p)
    p.add_argument("--published", type=Path, default=None,
                   help="published dataset folder or file; none given: ROOT/data/published")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    p.add_argument("--port", type=int, default=8000, help="TCP port")
    p.add_argument("--timeout", type=float, default=10.0, help="per-query time limit, seconds (503 after)")
    p.add_argument("--max-rows", type=int, default=10_000,
                   help="result-size cap in rows/triples (a cut result is reported in headers and pages)")
    p.add_argument("--workers", type=int, default=2,
                   help="query worker processes per HTTP process, for queries that are not provably "
                        "cheap (each holds a copy of the store; a runaway query is killed with its worker)")
    p.add_argument("--max-query-bytes", type=int, default=64 * 1024, help="longest accepted query")
    p.add_argument("--max-body-bytes", type=int, default=1024 * 1024, help="largest accepted POST body")
    p.add_argument("--allow-service", action="store_true",
                   help="let queries use SERVICE (makes the server fetch from other hosts)")
    p.add_argument("--allow-unknown-graphs", action="store_true",
                   help="let FROM name graphs this dataset lacks (read as empty; never fetched)")
    p.add_argument("--cache-mb", type=int, default=0,
                   help="response cache size in MiB (0 = off: every query is evaluated); answers of "
                        "repeated requests come from memory, the dataset cannot change while serving")
    p.add_argument("--no-cache", action="store_true", help="same as --cache-mb 0 (the default)")
    p.add_argument("--http-workers", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                   help="HTTP server processes sharing the port, each with its own copy of the store "
                        "(1 = one process)")
    p.add_argument("--query-threads", type=int, default=2,
                   help="threads per HTTP process for bounded queries when the store holds over "
                        "50 000 quads (smaller stores: on the event loop, cheaper than a hand-off); "
                        "0 = always on the event loop")
    p.add_argument("--no-in-process", action="store_true",
                   help="send every query to a worker process, even bounded point lookups")
    p.add_argument("--worker-memory-mb", type=int, default=2048,
                   help="memory a query may use beyond the loaded store (0 = no cap); over it: 503")
    p.add_argument("--no-build", action="store_true", help="never build; serve what is published")
    p.add_argument("--base", default=None, help="IRI base of the dataset; none given: $DIPLOKG_BASE or the standard base")
    p.add_argument("--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"],
                   help="server log level (info logs every request)")


def _newest_input(root: Path) -> float:
    newest = 0.0
    for folder in ("data/articles", "ontology", "shapes", "data/wikidata"):
        d = root / folder
        if d.is_dir():
            for f in d.rglob("*"):
                if f.is_file():
                    newest = max(newest, f.stat().st_mtime)
    return newest


def needs_build(root: Path, published: Path) -> str | None:
    """Why the published dataset must be (re)built first, or ``None`` when it is current."""
    from pipeline.store import find_dataset

    try:
        path, _ = find_dataset(published)
    except DatasetError:
        return "no published dataset"
    if _newest_input(root) > path.stat().st_mtime:
        return f"{path.name} is older than its inputs"
    return None


def ensure_built(root: Path, published: Path, quiet: bool = False) -> None:
    """Build the dataset when missing or stale (needs ``pipeline.build``)."""
    reason = needs_build(root, published)
    if reason is None:
        return
    try:
        from pipeline.build import build_dataset
    except ImportError as exc:
        raise DatasetError(f"{published}: {reason}, and the build stage is not available: {exc}") from exc
    from pipeline.commands._common import progress

    print(f"diplokg serve: {reason}; building first…", file=sys.stderr)
    out = published if published.suffix not in (".nq", ".trig") else published.parent
    result = build_dataset(root, out=out, progress=progress("build", quiet))
    print(result.summary(), file=sys.stderr)


def _check_bind(host: str, port: int) -> None:
    """Fail early, with a clear message, when the address cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: cannot resolve it ({exc.strerror})") from exc
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; "
                             "choose another --port or stop the program using it") from exc


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from pipeline.iris import default_base
    from pipeline.server.app import ServerConfig, config_to_text, create_app

    root: Path = args.root.resolve()
    published: Path = (args.published or root / "data" / "published").resolve()
    if not 0 < args.port < 65536:
        raise UsageError(f"--port {args.port}: expected 1..65535")
    if args.timeout <= 0 or args.max_rows <= 0 or args.workers <= 0 or args.http_workers <= 0:
        raise UsageError("--timeout, --max-rows, --workers and --http-workers must be positive")
    if args.cache_mb < 0 or args.query_threads < 0:
        raise UsageError("--cache-mb and --query-threads cannot be negative")
    _check_bind(args.host, args.port)
    if not args.no_build:
        ensure_built(root, published)
    http_workers = args.http_workers
    if http_workers > 1 and not hasattr(socket, "SO_REUSEPORT"):
        print("diplokg serve: this platform has no SO_REUSEPORT; serving from one HTTP process", file=sys.stderr)
        http_workers = 1
    config = ServerConfig(
        published=published, root=root, base=args.base or default_base(), timeout=args.timeout,
        max_rows=args.max_rows, workers=args.workers,
        max_query_bytes=args.max_query_bytes, max_body_bytes=args.max_body_bytes,
        allow_service=args.allow_service,
        cache_bytes=0 if args.no_cache else args.cache_mb * 1024 * 1024, worker_memory_mb=args.worker_memory_mb,
        allow_unknown_graphs=args.allow_unknown_graphs, in_process=not args.no_in_process,
        query_threads=args.query_threads,
    )
    app = create_app(config)  # loads the dataset now: DatasetError -> clear message, exit 1
    state = app.state  # type: ignore[attr-defined]
    print(f"diplokg serve: {state.summary.quads} quads in {state.summary.graphs} graphs from {state.dataset}\n"
          f"  SPARQL endpoint  http://{args.host}:{args.port}/sparql\n"
          f"  pages            http://{args.host}:{args.port}/", file=sys.stderr)
    from pipeline.server.http import CoalescingHttpToolsProtocol

    common_options = {"log_level": args.log_level, "access_log": args.log_level in ("info", "debug"),
                      "server_header": False, "http": CoalescingHttpToolsProtocol,
                      "proxy_headers": False}
    if http_workers == 1:
        uvicorn.run(app, host=args.host, port=args.port, **common_options)
        return 0
    # several HTTP processes, each with its own socket on the port (SO_REUSEPORT) and its own store
    from pipeline.server.processes import serve_processes

    del app, state
    return serve_processes(config_to_text(config), args.host, args.port, http_workers, common_options)
