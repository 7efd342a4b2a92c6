"""Serialise extracted facts: the curated facts format (YAML, loadable by :func:`pipeline.facts.load_facts`)
and PLOVER-style JSON lines.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from pipeline.extract.core import CodedEvent
from pipeline.extract.gazetteer import Gazetteer
from pipeline.model import DateValue, Facts, Span


def _evidence(text: str, span: Span) -> Any:
    """Evidence as the facts format writes it: the exact text, with ``occurrence`` when it repeats earlier."""
    occurrence = text.count(span.exact, 0, span.start + len(span.exact) - 1) if span.exact else 1
    # count occurrences that start before span.start, +1
    n, pos = 0, -1
    while True:
        pos = text.find(span.exact, pos + 1)
        if pos < 0 or pos > span.start:
            break
        n += 1
    occurrence = max(1, n)
    return span.exact if occurrence == 1 else {"text": span.exact, "occurrence": occurrence}


def _date(d: DateValue | None) -> Any:
    if d is None:
        return None
    if d.source is None:
        return d.value
    src: dict[str, Any] = {"citation": d.source.citation}
    if d.source.url:
        src["url"] = d.source.url
    return {"value": d.value, "source": src}


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, (), [], "") and not (k == "modality" and v == "reported")
            and not (k == "direct" and v is True)}


def facts_to_dict(facts: Facts) -> dict[str, Any]:
    """The facts file structure (see ``pipeline/facts.schema.json``)."""
    a = facts.article
    text = a.text
    art: dict[str, Any] = {"id": a.id, "title": a.title, "publisher": a.publisher, "url": a.url,
                           "published": _date(a.published), "language": a.language,
                           "authors": list(a.authors), "based_on": list(a.based_on)}
    if a.sample:
        art["sample"] = True
    out: dict[str, Any] = {"article": _clean(art)}
    out["entities"] = {e.id: _clean({"type": e.type, "name": e.name, "aliases": list(e.aliases), "country": e.country,
                                     "description": e.description,
                                     "wikidata": e.wikidata.qid if e.wikidata else None})
                       for e in facts.entities}
    out["holdings"] = {h.id: _clean({"person": h.person, "office": h.office, "country": h.country,
                                     "evidence": _evidence(text, h.evidence), "start": _date(h.start),
                                     "end": _date(h.end)}) for h in facts.holdings}
    out["agreements"] = {
        g.id: _clean({"name": g.name, "evidence": _evidence(text, g.evidence), "parties": list(g.parties),
                      "signatories": list(g.signatories), "signed": _date(g.signed), "place": g.place,
                      "provisions": {p.id: _clean({"text": p.text, "evidence": _evidence(text, p.evidence),
                                                   "modality": p.modality, "condition": p.condition})
                                     for p in g.provisions}})
        for g in facts.agreements}
    out["claims"] = {c.id: _clean({"text": c.text, "evidence": _evidence(text, c.evidence), "about": list(c.about),
                                   "alleged_by": list(c.alleged_by), "denied_by": list(c.denied_by),
                                   "violates": list(c.violates)}) for c in facts.claims}
    out["events"] = {
        e.id: _clean({"type": e.type, "evidence": _evidence(text, e.evidence), "actors": list(e.actors),
                      "targets": list(e.targets), "participants": list(e.participants), "place": e.place,
                      "date": _date(e.date), "modality": e.modality, "condition": e.condition,
                      "topics": list(e.topics), "characterisations": list(e.characterisations),
                      "agreement": e.agreement, "claim": e.claim, "cameo": e.cameo, "follows": list(e.follows),
                      "part_of": e.part_of})
        for e in facts.events}
    out["statements"] = {s.id: _clean({"speaker": s.speaker, "quote": _evidence(text, s.evidence),
                                       "direct": s.direct, "verb": s.verb, "about": list(s.about),
                                       "date": _date(s.date)}) for s in facts.statements}
    return {k: v for k, v in out.items() if v}


def facts_to_yaml(facts: Facts) -> str:
    """The facts as a facts file (YAML), with a header saying they were extracted, not curated."""
    head = ("# diplokg facts file, drafted by the automatic extractor (`diplokg extract`): review before committing.\n"
            "# format: docs/facts-format.md, schema: pipeline/facts.schema.json\n")
    body = yaml.safe_dump(facts_to_dict(facts), sort_keys=False, allow_unicode=True, width=100)
    return head + body


def _plover_type(code: str) -> str | None:
    try:
        from pipeline.codes import cameo_to_plover
        return cameo_to_plover(code)
    except Exception:  # noqa: BLE001 - the code tables are optional for this output
        return None


def _plover_mode_context(code: str) -> tuple[str | None, str | None]:
    try:
        from pipeline import codes
        fn = getattr(codes, "cameo_mode_context", None)
        if fn is not None:
            return fn(code)  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001
        pass
    return None, None


def coded_to_plover(ev: CodedEvent, text: str, gaz: Gazetteer, article_id: str) -> dict[str, Any]:
    """One PLOVER-style record for a coded event."""
    def actors(es: list, spans: list) -> list[dict[str, Any]]:
        out = []
        for i, e in enumerate(es):
            sp = spans[i] if i < len(spans) else None
            out.append({"text": text[sp[0]:sp[1]] if sp else e.name, "name": e.name, "code": gaz.iso_of(e),
                        "wikidata": e.qid, "entity": e.id})
        return out
    mode, context = _plover_mode_context(ev.code)
    actor_rows = actors(ev.actors, ev.actor_spans)
    if ev.context_state is not None:
        # an actor the text gives no state (or no actor at all): the state of the act's context, marked
        cst, how = ev.context_state
        code = gaz.iso_of(cst)
        for k in ev.context_actors:
            if k < len(actor_rows):
                actor_rows[k].update({"code": code, "from_context": how})
        if not ev.actors and code:
            actor_rows = [{"text": ev.place.name if ev.place is not None else cst.name, "name": cst.name,
                           "code": code, "wikidata": cst.qid, "entity": cst.id, "from_context": how}]
    recipients = actors(ev.targets, ev.target_spans)
    location = None
    if ev.place is not None:
        location = {"name": ev.place.name, "code": gaz.iso_of(ev.place), "entity": ev.place.id}
        if not recipients and ev.code[:3] not in ("042", "043") and location["code"]:
            # no explicit recipient: the state where the act happens ("a curfew in Algiers"), marked as such
            st = ev.place if ev.place.type == "State" else gaz.by_iso(location["code"])
            if st is not None:
                recipients = [{"text": ev.place.name, "name": st.name, "code": location["code"], "wikidata": st.qid,
                               "entity": st.id, "from_location": True}]
    return {
        "id": f"{article_id}/{ev.id}",
        "event": _plover_type(ev.code),
        "mode": mode or "",
        "context": context or "",
        "cameo": ev.code,
        "type": ev.model_type,
        "modality": ev.modality,
        "actor": actor_rows,
        "recipient": recipients,
        "location": location,
        "date": ev.date,
        "sentence": {"text": text[ev.sentence[0]:ev.sentence[1]], "start": ev.sentence[0], "end": ev.sentence[1]},
        "trigger": {"text": text[ev.trigger[0]:ev.trigger[1]], "start": ev.trigger[0], "end": ev.trigger[1]},
    }


def plover_jsonl(events: tuple[CodedEvent, ...] | list[CodedEvent], text: str, gaz: Gazetteer, article_id: str) -> str:
    """PLOVER-style JSON lines, one event per line."""
    return "".join(json.dumps(coded_to_plover(e, text, gaz, article_id), ensure_ascii=False) + "\n" for e in events)
