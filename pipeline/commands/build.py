"""``diplokg build``: all articles -> the published dataset."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.commands._common import add_root, progress

HELP = "build the published dataset (data/published) from data/articles"
DESCRIPTION = """Read every article in data/articles (curated facts from <id>.yaml, else the extractor),
link entities to Wikidata from the shipped cache, map to RDF, validate with SHACL and write
data/published/ (dataset.trig, dataset.nq, dataset.ttl, void.ttl, validation-report.ttl).
Articles that fail are quarantined in data/quarantine/<id>/ with their report; the others still
publish and the exit code is 1.

Per-article work runs in --workers processes (or on a Dask cluster with --dask); results are
cached in ROOT/.diplokg-cache/ by a hash of every input, so a re-run only redoes what changed;
when a few articles changed, the published files are patched (their changed parts spliced in)
instead of rewritten, to the same bytes. Cache entries no build uses any more are deleted.
A worker process that dies is replaced; its article is retried once, then quarantined.
--shacl-engine turbo validates with pyshacl-turbo (same results as pyshacl, ~10x faster)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_root(p)
    p.add_argument("--out", type=Path, default=None, help="output folder (default: ROOT/data/published)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="worker processes")
    p.add_argument("--base", default=None, help="IRI base (default: env DIPLOKG_BASE or https://w3id.org/diplokg/)")
    p.add_argument("--no-cache", action="store_true", help="redo every article, ignoring cached results")
    p.add_argument("--dask", metavar="SCHEDULER-ADDRESS", default=None,
                   help="run the per-article work on this Dask scheduler (e.g. tcp://scheduler:8786); "
                        "its workers must see ROOT at the same path (needs diplokg[dask])")
    p.add_argument("--shacl-engine", choices=("pyshacl", "turbo"), default="pyshacl",
                   help="SHACL engine: pyshacl (the reference) or turbo (pyshacl-turbo, needs diplokg[turbo])")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from pipeline.build import build_dataset
    if args.workers < 1:
        from pipeline.errors import UsageError
        raise UsageError(f"--workers must be at least 1, got {args.workers}")
    res = build_dataset(args.root, out=args.out, workers=args.workers, base=args.base,
                        use_cache=not args.no_cache, progress=progress("build", args.quiet),
                        dask=args.dask, shacl_engine=args.shacl_engine,
                        publish_progress=progress("publish", args.quiet))
    print(res.summary())
    for r in res.quarantined:
        print(f"\n--- {r.id} (report in data/quarantine/{r.id}/) ---\n{(r.error or r.report_text).rstrip()}",
              file=sys.stderr)
    return 0 if res.ok else 1
