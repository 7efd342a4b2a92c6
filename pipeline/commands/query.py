"""``diplokg query``: run SPARQL over the published dataset and print a table, CSV or JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.commands._common import add_root
from pipeline.errors import UsageError

HELP = "run a SPARQL query (text or .rq file) over the published dataset"
DESCRIPTION = """Run a SPARQL query over data/published (the default graph is the union of the
article graphs). QUERY is a file (e.g. queries/cq01-criticism-of-the-pact.rq) or the query text.
Example:  diplokg query queries/cq08-offices.rq --format csv"""

FORMATS = {"table": None, "csv": "text/csv", "tsv": "text/tab-separated-values",
           "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
           "turtle": "text/turtle", "ntriples": "application/n-triples"}


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_root(p)
    p.add_argument("query", help="a .rq file or SPARQL text")
    p.add_argument("--format", choices=sorted(FORMATS), default="table", help="output format")
    p.add_argument("--published", type=Path, default=None,
                   help="published dataset folder (default: ROOT/data/published)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds before the query is stopped")


def read_query(arg: str) -> tuple[str, str]:
    """(query text, label) from a file path or literal text."""
    p = Path(arg)
    if arg.endswith(".rq") or (len(arg) < 4096 and "\n" not in arg and p.is_file()):
        try:
            return p.read_text("utf-8"), str(p)
        except FileNotFoundError:
            raise UsageError(f"query file not found: {p}") from None
        except UnicodeDecodeError:
            raise UsageError(f"query file is not UTF-8: {p}") from None
    return arg, "<query>"


def table(variables: list[str], rows: list[list[str]]) -> str:
    """Plain-text table, columns padded to their widest cell."""
    widths = [max([len(v)] + [len(r[i]) for r in rows]) for i, v in enumerate(variables)]
    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(variables), "-+-".join("-" * w for w in widths)] + [line(r) for r in rows]
    return "\n".join(out)


def _cell(term: object) -> str:
    import pyoxigraph as ox
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def run(args: argparse.Namespace) -> int:
    from pipeline.errors import QueryError
    from pipeline.store import open_store, run_query, serialize_outcome

    text, label = read_query(args.query)
    published = args.published or args.root / "data" / "published"
    store = open_store(published)
    try:
        out = run_query(store, text, timeout=args.timeout)
    except QueryError as exc:
        if exc.path is None:
            exc.path = label
        raise
    if args.format == "table":
        if out.kind == "select":
            rows = [[_cell(t) for t in row] for row in out.rows]
            print(table(out.variables, rows))
            print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
        elif out.kind == "ask":
            print("true" if out.boolean else "false")
        else:
            sys.stdout.write(serialize_outcome(out, "text/turtle").decode("utf-8"))
        return 0
    media = FORMATS[args.format]
    if out.kind == "graph" and media not in ("text/turtle", "application/n-triples"):
        raise UsageError(f"--format {args.format} is for SELECT/ASK; use turtle or ntriples for CONSTRUCT/DESCRIBE")
    if out.kind != "graph" and media in ("text/turtle", "application/n-triples"):
        raise UsageError(f"--format {args.format} is for CONSTRUCT/DESCRIBE; use table, csv, tsv, json or xml")
    sys.stdout.buffer.write(serialize_outcome(out, media))
    return 0
