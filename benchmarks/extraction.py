#!/usr/bin/env python
"""Measure the extractor (a script, not a test): prints figures, asserts nothing.

1. Bundled corpus: every data/articles/<id>.yaml with curated facts is the gold standard for the
   extractor run on <id>.txt (built-in vocabulary + the shipped Wikidata cache; the article's own
   curated entities are NOT given to the extractor).
   Matching rules:
   - events: same ontology type and overlapping evidence spans; one-to-one pairs chosen to give the
     most pairs (augmenting paths, larger overlap tried first). ``--greedy`` gives the old rule (first
     unused extracted event in text order) for comparison.
   - entities: same id, name or alias; else a body/organisation/group of the same type and country
     whose name has the same head noun.
   - actors/targets on matched events: entity-set agreement (participants count as actors); "actor
     states" compares the states the actors stand for (a person or body counts as its country).
   - quotations: span overlap; attribution correct when the speaker is the same entity, reported over
     the matched statements and over all curated statements.
2. PLOVER gold-standard records (../shared/benchmarks/plover-gsr/, read at run time, never copied):
   event type through the CAMEO -> PLOVER crosswalk (PLOVER 0.5 names in the records are renamed to
   the 2021 names the crosswalk uses: DISAPPROVE/INVESTIGATE -> ACCUSE, DEMAND -> REQUEST,
   FIGHT -> ASSAULT), source and target country accuracy on the coded event of the gold type (else the
   first coded event): a hit when one of its actor (recipient) codes is among the gold codes. Gold codes
   are ISO-3 except the CAMEO country codes JAP, ITL, VTN, UK, YUG (mapped to JPN, ITA, VNM, GBR, SRB)
   and the non-state codes IGO, NGO, IMG, ISM (compared as they are: an extracted "NGO" never matches a
   gold "IGO"). Source accuracy is also printed without the actor states inferred from the sentence's
   context ("from_context"), target accuracy without the recipients taken from the event's location
   ("from_location"). ``--misses`` lists every record whose source country is missed.
3. Speed: articles per second over the corpus on one process and on ``--processes`` (default 2) worker
   processes, sentences per second over the PLOVER records.

Usage: .venv/bin/python benchmarks/extraction.py [--root .] [--gsr ../shared/benchmarks/plover-gsr] [--details]
       [--misses] [--no-speed] [--processes N] [--greedy]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.extract import default_gazetteer, extract_coded  # noqa: E402
from pipeline.facts import load_facts  # noqa: E402
from pipeline.model import Article, DateValue, Facts  # noqa: E402

RENAME_05 = {"DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "DEMAND": "REQUEST", "FIGHT": "ASSAULT"}
#: CAMEO actor codes that differ from ISO 3166-1 alpha-3.
CAMEO_COUNTRY = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "UK": "GBR", "SRB": "SRB", "YUG": "SRB"}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def overlap(a, b) -> bool:  # Span, Span
    return a.start < b.end and b.start < a.end


def entity_map(gold: Facts, pred: Facts) -> dict[str, str]:
    """Extracted entity id -> curated entity id, by id or shared name/alias."""
    names: dict[str, str] = {}
    for e in gold.entities:
        for n in (e.name, *e.aliases):
            names.setdefault(n.lower(), e.id)
        names.setdefault(e.id, e.id)
    out = {}
    for e in pred.entities:
        if e.id in {g.id for g in gold.entities}:
            out[e.id] = e.id
            continue
        for n in (e.name, *e.aliases):
            if n.lower() in names:
                out[e.id] = names[n.lower()]
                break
        else:
            out[e.id] = e.id
            # the same kind of body of the same state, named differently ("North Korea’s mission" /
            # "North Korean mission to the United Nations"): same type, same country, same head noun
            head = e.name.replace("’", "'").split()[-1].lower() if e.name.split() else ""
            if e.type in ("GovernmentBody", "Organization", "Group") and e.country:
                same = [g for g in gold.entities if g.type == e.type and g.country == e.country
                        and head in g.name.replace("’", "'").lower().split()]
                if len(same) == 1:
                    out[e.id] = same[0].id
    return out


def state_of(f: Facts) -> dict[str, str | None]:
    """Entity id -> the state it stands for: a state itself, else its ``country`` (None if unknown)."""
    out: dict[str, str | None] = {}
    for e in f.entities:
        out[e.id] = e.id if e.type == "State" else e.country
    return out


def match_events(gold: tuple, pred: tuple) -> dict[int, object]:
    """One-to-one pairing of gold and extracted events with the most pairs (augmenting paths).

    A pair needs the same event type and overlapping evidence spans; among the candidates of one gold
    event, those with the larger overlap are tried first. Returns gold index -> extracted event.
    """
    cands: list[list[int]] = []
    for ge in gold:
        c = [j for j, pe in enumerate(pred) if pe.type == ge.type and overlap(pe.evidence, ge.evidence)]
        c.sort(key=lambda j: -(min(pred[j].evidence.end, ge.evidence.end) - max(pred[j].evidence.start,
                                                                                 ge.evidence.start)))
        cands.append(c)
    owner: dict[int, int] = {}  # pred index -> gold index

    def augment(gi: int, seen: set[int]) -> bool:
        for j in cands[gi]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = gi
                return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    return {gi: pred[j] for j, gi in owner.items()}


def corpus(root: Path, details: bool, greedy: bool = False) -> None:
    arts = []
    for y in sorted((root / "data" / "articles").glob("*.yaml")):
        try:
            f = load_facts(y)
        except Exception as exc:  # noqa: BLE001 - a broken gold file is reported, not fatal
            print(f"  skipped {y.name}: {exc}")
            continue
        if f.events or f.statements:
            arts.append(f)
    if not arts:
        print("no curated facts files found")
        return
    per_type = defaultdict(lambda: [0, 0, 0])
    role = {"actors": [0, 0, 0], "targets": [0, 0, 0], "actor states": [0, 0, 0]}
    quotes = [0, 0, 0]
    attributed = [0, 0]
    for gold in arts:
        a = gold.article
        pred = extract_coded(Article(a.id, a.text, a.title, a.published, language=a.language)).facts
        emap = entity_map(gold, pred)
        used_g: set[str] = set()
        gstate = state_of(gold)
        pstate = state_of(pred)
        pairing = match_events(gold.events, pred.events)
        used: set[str] = {pe.id for pe in pairing.values()}
        for gi, ge in enumerate(gold.events):
            match = pairing.get(gi) if not greedy else None
            if greedy:
                match = next((pe for pe in pred.events if pe.id not in used_g and pe.type == ge.type
                              and overlap(pe.evidence, ge.evidence)), None)
                if match is not None:
                    used_g.add(match.id)
            if match is None:
                per_type[ge.type][2] += 1
                if details:
                    print(f"  MISS {a.id} {ge.type}: {ge.evidence.exact[:90]!r}")
                continue
            per_type[ge.type][0] += 1
            g_states = {gstate.get(x) for x in (*ge.actors, *ge.participants)} - {None}
            p_states = {emap.get(y, y) for y in (pstate.get(x) for x in (*match.actors, *match.participants)) if y}
            role["actor states"][0] += len(g_states & p_states)
            role["actor states"][1] += len(p_states - g_states)
            role["actor states"][2] += len(g_states - p_states)
            for name, g_set, p_set in (
                    ("actors", set(ge.actors) | set(ge.participants),
                     {emap.get(x, x) for x in (*match.actors, *match.participants)}),
                    ("targets", set(ge.targets), {emap.get(x, x) for x in match.targets})):
                role[name][0] += len(g_set & p_set)
                role[name][1] += len(p_set - g_set)
                role[name][2] += len(g_set - p_set)
                if details and g_set != p_set:
                    print(f"  ROLE {a.id} {ge.type} {name}: gold {sorted(g_set)} got {sorted(p_set)}")
        if greedy:
            used = used_g
        for pe in pred.events:
            if pe.id not in used:
                per_type[pe.type][1] += 1
                if details:
                    print(f"  EXTRA {a.id} {pe.type}: {pe.evidence.exact[:90]!r}")
        used_q: set[str] = set()
        for gs in gold.statements:
            m = next((ps for ps in pred.statements if ps.id not in used_q and overlap(ps.evidence, gs.evidence)), None)
            if m is None:
                quotes[2] += 1
                if details:
                    print(f"  QMISS {a.id}: {gs.quote[:80]!r}")
                continue
            used_q.add(m.id)
            quotes[0] += 1
            attributed[1] += 1
            if emap.get(m.speaker, m.speaker) == gs.speaker:
                attributed[0] += 1
            elif details:
                print(f"  QSPEAKER {a.id}: {gs.quote[:60]!r} gold {gs.speaker} got {m.speaker}")
        quotes[1] += sum(1 for ps in pred.statements if ps.id not in used_q)
    print(f"Corpus: {len(arts)} articles with curated facts")
    print(f"  {'event type':<18} {'gold':>5} {'found':>5} {'P':>6} {'R':>6} {'F1':>6}")
    tot = [0, 0, 0]
    for t in sorted(per_type):
        tp, fp, fn = per_type[t]
        tot = [tot[0] + tp, tot[1] + fp, tot[2] + fn]
        p, r, f = prf(tp, fp, fn)
        print(f"  {t:<18} {tp + fn:>5} {tp + fp:>5} {p:6.2f} {r:6.2f} {f:6.2f}")
    p, r, f = prf(*tot)
    print(f"  {'ALL (micro)':<18} {tot[0] + tot[2]:>5} {tot[0] + tot[1]:>5} {p:6.2f} {r:6.2f} {f:6.2f}")
    for name in ("actors", "targets", "actor states"):
        p, r, f = prf(*role[name])
        print(f"  {name} on matched events: P {p:.2f} R {r:.2f} F1 {f:.2f}")
    p, r, f = prf(*quotes)
    acc = attributed[0] / attributed[1] if attributed[1] else 0.0
    n_gold = quotes[0] + quotes[2]
    print(f"  quotations: P {p:.2f} R {r:.2f} F1 {f:.2f}; attributed correctly {attributed[0]}/{attributed[1]} found "
          f"({acc:.2f}), {attributed[0]}/{n_gold} of all curated statements ({attributed[0] / max(1, n_gold):.2f})")


def codes_of(actors: list[dict]) -> set[str]:
    return {a["code"] for a in actors if a.get("code")}


def gold_codes(v) -> set[str]:
    if not isinstance(v, list):
        return set()
    return {CAMEO_COUNTRY.get(x.get("code", ""), x.get("code", "")) for x in v if x.get("code")}


def _who(actors: list[dict]) -> str:
    return ", ".join(f"{a.get('text')}={a.get('code') or '-'}" for a in actors) or "-"


def plover(gsr: Path, details: bool, misses: bool = False) -> None:
    path = gsr / "PLOVER_GSR_CAMEO.json"
    if not path.exists():
        print(f"PLOVER records not found at {path}; skipped")
        return
    from pipeline.extract.output import coded_to_plover
    gaz = default_gazetteer()
    recs = [r for r in json.loads(path.read_text("utf-8")) if r.get("text") and r.get("event") != "DOCUMENT"]
    n = len(recs)
    top1 = anym = 0
    src_ok = src_named = src_n = tgt_ok = tgt_n = tgt_explicit = 0
    confusion: Counter[tuple[str, str]] = Counter()
    cache: dict[str, list[dict]] = {}
    for r in recs:
        text = r["text"]
        if text not in cache:
            res = extract_coded(Article("gsr", text, "gsr", DateValue(r["date"]) if r.get("date") else None))
            cache[text] = [coded_to_plover(e, text, gaz, "gsr") for e in res.coded]
        evs = [e for e in cache[text] if e["event"]]
        gold = RENAME_05.get(r["event"], r["event"])
        pred = evs[0]["event"] if evs else "NONE"
        top1 += pred == gold
        same = [e for e in evs if e["event"] == gold]
        anym += bool(same)
        confusion[(gold, pred)] += 1
        chosen = same[0] if same else (evs[0] if evs else None)
        g_src, g_tgt = gold_codes(r.get("source")), gold_codes(r.get("target"))
        if g_src:
            src_n += 1
            ok = chosen is not None and bool(codes_of(chosen["actor"]) & g_src)
            src_ok += ok
            src_named += chosen is not None and bool(
                codes_of([x for x in chosen["actor"] if not x.get("from_context")]) & g_src)
            if misses and not ok:
                g = ", ".join(f"{x.get('actorText')}={x.get('code')}" for x in r["source"] if x.get("code"))
                got = (f"{chosen['event']} actor [{_who(chosen['actor'])}] recipient [{_who(chosen['recipient'])}]"
                       if chosen else "no event")
                print(f"  SOURCE {r['id']} gold [{g}] got {got}\n         {text[:200]!r}")
        if g_tgt:
            tgt_n += 1
            tgt_ok += chosen is not None and bool(codes_of(chosen["recipient"]) & g_tgt)
            tgt_explicit += chosen is not None and bool(
                codes_of([x for x in chosen["recipient"] if not x.get("from_location")]) & g_tgt)
        if details and pred != gold:
            print(f"  TYPE gold {gold} got {pred}: {text[:110]!r}")
    print(f"PLOVER gold-standard records: {n}")
    print(f"  event type accuracy (first coded event): {top1}/{n} = {top1 / n:.2f}")
    print(f"  event type among the coded events:       {anym}/{n} = {anym / n:.2f}")
    print(f"  source country accuracy: {src_ok}/{src_n} = {src_ok / src_n:.2f}  (an actor's ISO-3/IGO/NGO code among the "
          f"gold source codes; without the states inferred from the sentence's context: {src_named}/{src_n} = "
          f"{src_named / src_n:.2f})")
    print(f"  target country accuracy: {tgt_ok}/{tgt_n} = {tgt_ok / tgt_n:.2f}  (explicit recipients only: "
          f"{tgt_explicit}/{tgt_n} = {tgt_explicit / tgt_n:.2f}; the rest is the state where the act happens, "
          f"for events without a recipient)")
    if details:
        print("  most frequent confusions:", confusion.most_common(12))


def _extract_many(texts: list[str]) -> int:
    """Extract every text (a worker's share of the speed run); returns how many were done."""
    for i, t in enumerate(texts):
        extract_coded(Article(f"a{i}", t, "t", DateValue("2024-07")))
    return len(texts)


def speed(root: Path, gsr: Path, processes: int = 2) -> None:
    """Articles per second on one process (after a warm-up pass that compiles the patterns), then with
    ``processes`` worker processes sharing the same articles (each warmed up before the clock starts)."""
    texts = [p.read_text("utf-8") for p in sorted((root / "data" / "articles").glob("*.txt"))]
    if texts:
        rounds = max(1, 400 // len(texts))
        _extract_many(texts)  # warm-up: gazetteer, compiled patterns
        work = texts * rounds
        t0 = time.perf_counter()
        _extract_many(work)
        dt = time.perf_counter() - t0
        print(f"Speed: {len(work)} article extractions in {dt:.2f} s = {len(work) / dt:.0f} articles/s "
              f"(one process; mean article {sum(map(len, texts)) // len(texts):,} characters)")
        if processes > 1:
            import multiprocessing as mp
            with mp.get_context("fork").Pool(processes) as pool:
                pool.map(_extract_many, [texts] * processes)  # warm-up in every worker
                shares = [work[k::processes] for k in range(processes)]
                t0 = time.perf_counter()
                done = sum(pool.map(_extract_many, shares))
                dt = time.perf_counter() - t0
            print(f"       {done} article extractions in {dt:.2f} s = {done / dt:.0f} articles/s "
                  f"({processes} processes)")
    path = gsr / "PLOVER_GSR_CAMEO.json"
    if path.exists():
        sents = list({r["text"] for r in json.loads(path.read_text("utf-8")) if r.get("text")})
        t0 = time.perf_counter()
        for s in sents:
            extract_coded(Article("s", s, "s"))
        dt = time.perf_counter() - t0
        print(f"       {len(sents)} PLOVER sentences in {dt:.2f} s = {len(sents) / dt:.0f} sentences/s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--gsr", type=Path, default=ROOT.parent / "shared" / "benchmarks" / "plover-gsr")
    ap.add_argument("--details", action="store_true", help="list misses, extras and confusions")
    ap.add_argument("--misses", action="store_true",
                    help="list the PLOVER records whose source country is missed (gold actors, extracted event)")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--processes", type=int, default=2, help="worker processes for the parallel speed figure")
    ap.add_argument("--greedy", action="store_true",
                    help="the old event matching (first unused extracted event, in order) for comparison")
    args = ap.parse_args()
    corpus(args.root, args.details, args.greedy)
    plover(args.gsr, args.details, args.misses)
    if not args.no_speed:
        speed(args.root, args.gsr, args.processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
