"""``diplokg extract FILE``: draft facts from a raw article (text or HTML)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "draft facts from a raw article (text or HTML): facts YAML, RDF (TriG) or PLOVER JSON lines"
DESCRIPTION = """Run the rule-based extractor over FILE and print what it finds.

--format yaml          the curated facts format (review it, then save it as data/articles/<id>.yaml)
--format rdf           the article's named graph in TriG (as `diplokg build` would map it, unlinked)
--format plover-jsonl  one PLOVER-style event per line (every coded event, including types the
                       ontology has no class for), with CAMEO code, actors, recipients, ISO-3 codes,
                       Wikidata ids when known, date and the sentence with its offsets

Offsets index FILE's text exactly (for HTML: the article body text ingest extracts).
Relative dates ("in June", "on Wednesday") are resolved against --published, else the date in
a facts file beside FILE (<id>.yaml), else left out."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, help="article text (.txt) or HTML (.html) file")
    p.add_argument("--published", metavar="DATE", help="publication date YYYY[-MM[-DD]] for relative dates")
    p.add_argument("--format", choices=("yaml", "rdf", "plover-jsonl"), default="yaml", help="output format")
    p.add_argument("-o", "--output", type=Path, help="write to this file (atomically) instead of stdout")


def run(args: argparse.Namespace) -> int:
    import re

    from pipeline.errors import UsageError
    from pipeline.extract import default_gazetteer, extract_coded
    from pipeline.extract.output import facts_to_yaml, plover_jsonl
    from pipeline.ingest import read_source

    if args.published and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", args.published):
        raise UsageError(f"--published {args.published!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    ing = read_source(str(args.file))
    article = ing.article(str(args.file))
    meta_path = args.file.with_suffix(".yaml")
    if meta_path.exists() and args.file.suffix != ".yaml":
        article = _with_metadata(article, meta_path)
    result = extract_coded(article, published=args.published)
    for note in result.notes:
        print(f"diplokg extract: note: {note}", file=sys.stderr)
    if args.format == "yaml":
        out = facts_to_yaml(result.facts)
    elif args.format == "plover-jsonl":
        out = plover_jsonl(result.coded, article.text, default_gazetteer(), article.id)
    else:
        from pipeline.mapping import to_graph
        g = to_graph(result.facts)
        from rdflib import Dataset
        ds = Dataset()
        for prefix, ns in g.namespaces():
            ds.bind(prefix, ns, override=True)
        ng = ds.graph(g.identifier)
        for t in g:
            ng.add(t)
        out = ds.serialize(format="trig")
    if args.output:
        from pipeline.publish import atomic_write
        atomic_write(args.output, out.encode("utf-8"))
    else:
        sys.stdout.write(out)
    return 0


def _with_metadata(article, meta_path: Path):  # (Article, Path) -> Article
    """Title, publication date, publisher from a facts file beside the text (its facts are ignored)."""
    from dataclasses import replace

    from pipeline.facts import article_metadata
    try:
        text = meta_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return article
    a = article_metadata(meta_path, text, check_schema=False)
    if not a:
        return article
    pub = a["published"] or article.published
    return replace(article, id=a.get("id") or article.id, title=a.get("title") or article.title, published=pub,
                   publisher=a.get("publisher"), url=a.get("url"), language=a.get("language", "en"))
