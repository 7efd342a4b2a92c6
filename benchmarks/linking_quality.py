"""Linking quality on the bundled corpus: precision and recall against hand-checked expectations.

Run from the project folder::

    python benchmarks/linking_quality.py            # uses data/wikidata and data/wikidata/expected-links.yaml

Expectations (``data/wikidata/expected-links.yaml``), one per entity id:

* ``{qid: Q…}``       the item is certain (hand-checked); the linker should find exactly it;
* ``{exists: true}``  an item surely exists but its id was not confirmed offline: the right
                      outcome today is "unlinked, for review"; it counts in recall's denominator;
* ``{exists: false}`` no single Wikidata item corresponds (an ad-hoc group, a paraphrase);
* ``{exists: unknown}`` not checked whether an item exists: left out of recall.

Precision = correct links / links made. A link to an entity whose expected id is not known
(``exists: true``/``false`` or no expectation at all) cannot be verified and counts as wrong:
hand-check it and record its ``qid`` first. Recall = correct links / entities for which an item
exists. Exit status 1 when precision is below 1.0 (a wrong link is worse than none).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("--root", type=Path, default=ROOT, help="project folder")
    ap.add_argument("--expected", type=Path, default=None,
                    help="expectations (default: ROOT/data/wikidata/expected-links.yaml)")
    args = ap.parse_args(argv)

    from pipeline.build import discover, load_article_facts
    from pipeline.errors import DiplokgError
    from pipeline.link import CacheResolver, Decision, resolve_facts

    expected_path = args.expected or args.root / "data" / "wikidata" / "expected-links.yaml"
    expected = (yaml.safe_load(expected_path.read_text("utf-8")) or {}).get("entities") or {}
    resolver = CacheResolver.from_dir(args.root / "data" / "wikidata")

    decisions: dict[str, Decision] = {}
    per_article: dict[str, list[Decision]] = {}
    for inp in discover(args.root / "data" / "articles"):
        try:
            facts = load_article_facts(inp)
        except DiplokgError as exc:
            print(f"skipped {inp.id}: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # a bug elsewhere must not hide the figures of the other articles
            print(f"skipped {inp.id}: internal error {exc.__class__.__name__}: {exc}", file=sys.stderr)
            continue
        per_article[inp.id] = resolve_facts(facts, resolver)[1]
        for d in per_article[inp.id]:
            prev = decisions.get(d.entity.id)
            if prev is None or (not prev.linked and d.linked):
                decisions[d.entity.id] = d

    made = correct = exists = 0
    wrong: list[str] = []
    missed: list[str] = []
    unchecked: list[str] = []
    for eid, d in sorted(decisions.items()):
        exp = expected.get(eid)
        if exp is None:
            unchecked.append(eid)
        want = exp.get("qid") if exp else None
        item_exists = bool(want) or bool(exp and exp.get("exists") is True)
        exists += item_exists
        if d.linked:
            made += 1
            if want and d.qid == want:
                correct += 1
            else:
                wrong.append(f"{eid}: linked {d.qid}, expected {want or 'no verified id'}")
        elif item_exists:
            missed.append(f"{eid}: {'expected ' + want if want else 'item exists, id unconfirmed'} ({d.reason})")

    precision = correct / made if made else 1.0
    recall = correct / exists if exists else 1.0
    print(f"entities: {len(decisions)}  linked: {made}  correct: {correct}  "
          f"with a Wikidata item: {exists}  unlinked for review: {len(decisions) - made}")
    print(f"precision: {precision:.3f}  ({correct}/{made})")
    print(f"recall:    {recall:.3f}  ({correct}/{exists})")
    print("\nper article (precision, recall):")
    for aid, ds in per_article.items():
        made_a = [d for d in ds if d.linked]
        ok_a = [d for d in made_a if (expected.get(d.entity.id) or {}).get("qid") == d.qid]
        ex_a = [d for d in ds if (expected.get(d.entity.id) or {}).get("qid")
                or (expected.get(d.entity.id) or {}).get("exists") is True]
        p_a = f"{len(ok_a) / len(made_a):.3f}" if made_a else "n/a"
        r_a = f"{len(ok_a) / len(ex_a):.3f}" if ex_a else "n/a"
        print(f"  {aid}: {p_a} ({len(ok_a)}/{len(made_a)}), {r_a} ({len(ok_a)}/{len(ex_a)})")
    for title, rows in (("WRONG or unverifiable links", wrong), ("not linked although an item exists", missed),
                        ("no hand-checked expectation", unchecked)):
        if rows:
            print(f"\n{title} ({len(rows)}):")
            for r in rows:
                print(f"  {r}")
    return 0 if precision == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
