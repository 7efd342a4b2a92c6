"""``diplokg link``: resolve the corpus's entities against the Wikidata cache (refresh it with --online)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.commands._common import add_root

HELP = "link entities to Wikidata from data/wikidata (refresh the cache with --online)"
DESCRIPTION = """Resolve every entity of every article in ROOT/data/articles against the shipped
Wikidata cache (ROOT/data/wikidata/cache.json) and print which are linked (with the match
method and score) and which are left unlinked for review. No network is used unless --online
is given; then the Wikidata API is searched for every entity name and alias, the candidates are
fetched, and the cache is rewritten atomically (on any failure it is left exactly as it was).
Going online needs contact details for the User-Agent (--contact or DIPLOKG_CONTACT)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_root(p)
    p.add_argument("--online", action="store_true", help="refresh the cache from the Wikidata API first")
    p.add_argument("--contact", default=os.environ.get("DIPLOKG_CONTACT"),
                   help="email or URL for the User-Agent, required with --online (env DIPLOKG_CONTACT)")
    p.add_argument("--cache-dir", type=Path, default=None, help="cache folder (default: ROOT/data/wikidata)")
    p.add_argument("--review-only", action="store_true", help="list only the entities left for review")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    from pipeline.build import discover, load_article_facts
    from pipeline.errors import DiplokgError
    from pipeline.link import CacheResolver, resolve_facts

    root: Path = args.root
    cache_dir = args.cache_dir or root / "data" / "wikidata"
    client = None
    if args.online:
        from pipeline import wikidata
        contact = wikidata.check_contact(args.contact)  # refuse before any session or request exists
        client = wikidata.WikidataClient(wikidata.make_session(), contact)
    resolver = CacheResolver.from_dir(cache_dir, client=client)

    corpus = []
    failed = 0
    for inp in discover(root / "data" / "articles"):
        try:
            corpus.append(load_article_facts(inp))
        except DiplokgError as exc:
            failed += 1
            print(f"skipped {inp.id}: {exc}", file=sys.stderr)
        except Exception as exc:  # a bug in another stage must not hide the other articles' links
            failed += 1
            print(f"skipped {inp.id}: internal error {exc.__class__.__name__}: {exc}", file=sys.stderr)

    if client is not None:
        seen: dict[str, object] = {}
        for f in corpus:
            for e in f.entities:
                seen.setdefault(e.id, e)
        bar = None
        if not args.quiet:
            from tqdm import tqdm

            def bar(it):  # noqa: E306
                return tqdm(it, desc="wikidata search", unit="name", file=sys.stderr, disable=None)
        counts = resolver.refresh(list(seen.values()), progress=bar)  # type: ignore[arg-type]
        resolver.save()
        print(f"refreshed {resolver.path}: {counts['items']} item(s), {counts['classes']} class(es), "
              f"{counts['redirects']} redirect(s), {counts['skipped']} disambiguation/list page(s) skipped, "
              f"{counts['missing']} missing, from {counts['searches']} search(es) in "
              f"{client.requests_sent} request(s)")

    rows: dict[str, tuple[str, ...]] = {}
    for f in corpus:
        _, decisions = resolve_facts(f, resolver)
        for d in decisions:
            e = d.entity
            if e.id in rows and rows[e.id][3] != "review":
                continue
            status = d.qid or "review"
            rows[e.id] = (e.id, e.type, e.name, status, d.method or "-",
                          f"{d.score:.2f}", d.reason)
    table = sorted(rows.values(), key=lambda r: (r[3] == "review", r[1], r[0]))
    if args.review_only:
        table = [r for r in table if r[3] == "review"]
    head = ("entity", "type", "name", "wikidata", "method", "score", "why")
    widths = [max(len(str(r[i])) for r in [head, *table]) for i in range(6)]
    for r in [head, *table]:
        print("  ".join(str(r[i]).ljust(widths[i]) for i in range(6)) + "  " + r[6])
    linked = sum(1 for r in rows.values() if r[3] != "review")
    print(f"\n{linked} linked, {len(rows) - linked} left for review, {len(rows)} entities in {len(corpus)} article(s)"
          + (f"; {failed} article(s) skipped" if failed else ""))
    return 1 if failed else 0
