"""``diplokg ingest URL-or-FILE``: bring an article into data/articles/."""

from __future__ import annotations

import argparse

from pipeline.commands._common import add_root

HELP = "fetch or read an article (URL, HTML or text) into data/articles/<id>.txt + metadata stub"
DESCRIPTION = """Read SOURCE (an http(s) URL, an HTML file or a UTF-8 text file), reduce HTML to the article
body, and write data/articles/<id>.txt (the raw text every evidence offset will index; never
rewritten afterwards) and data/articles/<id>.yaml (metadata only, no facts: `diplokg build`
drafts the facts with the extractor until someone curates them). Existing files are kept
unless --force."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_root(p)
    p.add_argument("source", help="URL, HTML file or text file")
    p.add_argument("--id", dest="article_id", help="article id (default: from the title)")
    p.add_argument("--published", metavar="DATE", help="publication date YYYY[-MM[-DD]] when the page has none")
    p.add_argument("--force", action="store_true", help="overwrite an existing article with the same id")


def run(args: argparse.Namespace) -> int:
    import re
    from dataclasses import replace

    from pipeline.errors import UsageError
    from pipeline.ingest import metadata_yaml, read_source
    from pipeline.iris import slugify
    from pipeline.publish import atomic_write

    if args.published and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", args.published):
        raise UsageError(f"--published {args.published!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    ing = read_source(args.source)
    if args.article_id:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", args.article_id):
            raise UsageError(f"--id {args.article_id!r}: use lower-case letters, digits and hyphens "
                             f"(e.g. {slugify(args.article_id)!r})")
        ing = replace(ing, id=args.article_id)
    if args.published:
        ing = replace(ing, published=args.published)
    folder = args.root / "data" / "articles"
    txt, meta = folder / f"{ing.id}.txt", folder / f"{ing.id}.yaml"
    if (txt.exists() or meta.exists()) and not args.force:
        raise UsageError(f"{txt} already exists; use --id to choose another id or --force to overwrite")
    atomic_write(txt, ing.text.encode("utf-8"))
    atomic_write(meta, metadata_yaml(ing).encode("utf-8"))
    print(f"wrote {txt} ({len(ing.text):,} characters) and {meta}")
    return 0
