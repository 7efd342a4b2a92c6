"""``diplokg load``: push the published dataset into a triple store (Graph Store Protocol or SPARQL Update)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline import load as loadlib
from pipeline.commands._common import add_root
from pipeline.errors import UsageError

HELP = "push the published dataset into a triple store over the Graph Store Protocol"
DESCRIPTION = """\
Push ROOT/data/published/dataset.nq into a triple store: one PUT per article graph over the SPARQL 1.1 Graph Store
Protocol (a re-run replaces, never duplicates), or DROP + INSERT DATA through a SPARQL Update endpoint. Then count
the triples of every graph through the store's SPARQL query endpoint and compare with the dataset.

Store URLs:  Oxigraph  http://HOST:7878/store            (query: /query, derived)
             Fuseki    http://HOST:3030/DATASET/data     (query: /DATASET/query, derived)
             GraphDB   http://HOST:7200/repositories/REPO/rdf-graphs/service (query: /repositories/REPO)
             Virtuoso  http://HOST:8890/sparql-graph-crud-auth  --auth digest (query: /sparql)

Credentials come from --user/--password/--token or the environment (DIPLOKG_STORE_USER, DIPLOKG_STORE_PASSWORD,
DIPLOKG_STORE_TOKEN; prefer the environment: options show up in the process list). They are never printed.

--only-changed skips graphs whose content hash is unchanged since the last load into the same store; the hashes
live in a state file (default: $XDG_CACHE_HOME/diplokg/load-state/<hash of store URL>.json, i.e. under
~/.cache). It records each graph once it is on the store and is written even when a load stops half-way, so
the next --only-changed run completes an interrupted load.

Exit codes: 0 loaded and verified; 1 store or data failure (unreachable, refused, count mismatch); 2 usage.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_argument_group("target")
    target.add_argument("--store", metavar="URL", help="Graph Store Protocol endpoint")
    target.add_argument("--update-endpoint", metavar="URL",
                        help="SPARQL Update endpoint, for stores without GSP (instead of --store)")
    target.add_argument("--query-endpoint", metavar="URL",
                        help="SPARQL query endpoint for the final count check (default: derived from the store URL)")
    target.add_argument("--default-graph", action="store_true",
                        help="load the union of all article graphs into the default graph (stores without quads)")
    add_root(parser)
    parser.add_argument("--dataset", type=Path, default=None, metavar="PATH",
                        help="the published N-Quads dataset, or its folder (default: ROOT/data/published/dataset.nq)")
    parser.add_argument("--only-changed", action="store_true",
                        help="push only graphs whose content changed since the last load into this store")
    parser.add_argument("--state-file", type=Path, metavar="PATH",
                        help="state file for --only-changed (default: under $XDG_CACHE_HOME or ~/.cache, "
                             "keyed by store URL)")
    auth = parser.add_argument_group("authentication")
    auth.add_argument("--user", metavar="NAME", help="user name (env DIPLOKG_STORE_USER)")
    auth.add_argument("--password", metavar="SECRET", help="password (env DIPLOKG_STORE_PASSWORD; preferred)")
    auth.add_argument("--token", metavar="SECRET", help="bearer token (env DIPLOKG_STORE_TOKEN; preferred)")
    auth.add_argument("--auth", choices=("basic", "digest", "bearer"),
                      help="authentication scheme (default: bearer with a token, else basic, switching to "
                           "digest when the store asks for it)")
    tuning = parser.add_argument_group("tuning")
    tuning.add_argument("--chunk-size", type=int, default=loadlib.DEFAULT_CHUNK_SIZE, metavar="TRIPLES",
                        help="most triples per request (halved for the rest of the load after a 413 answer)")
    tuning.add_argument("--retries", type=int, default=loadlib.DEFAULT_RETRIES, metavar="N",
                        help="retries per request on 5xx answers and connection errors (exponential backoff)")
    tuning.add_argument("--timeout", type=float, default=loadlib.DEFAULT_TIMEOUT, metavar="SECONDS",
                        help="socket timeout per request")
    parser.add_argument("--no-verify", action="store_true", help="skip the final triple count check")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar (default: only on a terminal)")


def _credentials(args: argparse.Namespace) -> loadlib.Credentials:
    """Credentials from the options, else the environment; options of one kind silence the other kind's env."""
    env = os.environ
    if args.token:
        user, password, token = args.user, args.password, args.token
    elif args.user or args.password:
        user, password, token = args.user, args.password or env.get("DIPLOKG_STORE_PASSWORD"), None
    else:
        user = env.get("DIPLOKG_STORE_USER") or None
        password = env.get("DIPLOKG_STORE_PASSWORD") or None
        token = env.get("DIPLOKG_STORE_TOKEN") or None
    return loadlib.Credentials(user=user, password=password, token=token, scheme=args.auth)


def run(args: argparse.Namespace) -> int:
    if args.store is None and args.update_endpoint is None:
        raise UsageError("give --store URL (Graph Store Protocol) or --update-endpoint URL (SPARQL Update)")
    credentials = _credentials(args)
    dataset = args.dataset or args.root / "data" / "published" / "dataset.nq"
    graphs = loadlib.read_dataset(dataset)
    summary = loadlib.load(
        graphs,
        store=args.store,
        update_endpoint=args.update_endpoint,
        query_endpoint=args.query_endpoint,
        default_graph=args.default_graph,
        only_changed=args.only_changed,
        state_path=args.state_file,
        credentials=credentials,
        chunk_size=args.chunk_size,
        retries=args.retries,
        timeout=args.timeout,
        verify=not args.no_verify,
        progress=args.progress,
    )
    print(summary.format())
    if not summary.ok:
        print("diplokg load: error: triple counts on the store differ from the dataset; the graphs listed above "
              "will be pushed again by the next run", file=sys.stderr)
        return 1
    return 0
