"""``diplokg validate``: SHACL report for the dataset, an article or an RDF file."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.commands._common import add_root
from pipeline.errors import InputError, UsageError

HELP = "SHACL-validate the articles (default), one facts file, or an RDF file"
DESCRIPTION = """Validate against the shapes in shapes/ and print a human-readable report.
PATH may be a facts file (data/articles/<id>.yaml), an RDF file (.ttl, .trig, .nq, .nt) or
omitted (every article). The SHACL report graph is written to --report (Turtle).
Exit code 1 when any violation is found."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_root(p)
    p.add_argument("path", nargs="?", type=Path, help="facts file or RDF file (default: all articles)")
    p.add_argument("--all", action="store_true", help="list every warning instead of grouping them")
    p.add_argument("--report", type=Path, default=Path("validation-report.ttl"),
                   help="where to write the SHACL report graph (Turtle)")


def _rdf_graph(path: Path):
    from rdflib import Dataset, Graph
    fmt = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld",
           ".rdf": "xml", ".owl": "xml"}.get(path.suffix)
    if fmt is None:
        raise UsageError(f"{path}: unknown RDF file type {path.suffix!r}; use .ttl .nt .trig .nq .jsonld .rdf")
    try:
        if fmt in ("trig", "nquads"):
            ds = Dataset()
            ds.parse(path, format=fmt)
            g = Graph()
            for s, p_, o, _ in ds.quads():
                g.add((s, p_, o))
            return g
        return Graph().parse(path, format=fmt)
    except FileNotFoundError:
        raise UsageError(f"{path}: file not found") from None
    except Exception as exc:  # rdflib raises many parser-specific types
        raise InputError(f"not valid {fmt}: {exc}", path) from None


def _report_text(r, detail: bool) -> str:  # ArticleResult -> text
    if detail:
        return r.report_text
    from rdflib import Graph
    from pipeline.validate import report_from_graph
    return report_from_graph(Graph().parse(data=r.report_nt, format="nt"), r.id).text(detail=False)


def run(args: argparse.Namespace) -> int:
    from rdflib import Graph
    from pipeline.build import ArticleInput, discover, process_article
    from pipeline.iris import minter
    from pipeline.publish import atomic_write
    from pipeline.validate import validate

    base = minter().base
    report_graph = Graph()
    failed = False
    if args.path is not None and args.path.suffix not in (".yaml", ".yml"):
        report = validate(_rdf_graph(args.path), label=args.path.stem)
        print(report.text(detail=args.all))
        report_graph += report.to_graph(base)
        failed = not report.conforms
    else:
        if args.path is not None:
            if not args.path.is_file():
                raise UsageError(f"{args.path}: file not found")
            inputs = [ArticleInput(args.path.stem, args.path.with_suffix(".txt"), args.path)]
        else:
            inputs = discover(args.root / "data" / "articles")
        for inp in inputs:
            r = process_article(inp, args.root, base)
            print(r.error or _report_text(r, args.all))
            if r.report_nt:
                report_graph.parse(data=r.report_nt, format="nt")
            failed |= not r.ok
    atomic_write(args.report, report_graph.serialize(format="turtle").encode("utf-8"))
    print(f"report graph written to {args.report}")
    return 1 if failed else 0
