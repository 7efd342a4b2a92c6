"""Automatic extraction: raw article text -> the same :class:`~pipeline.model.Facts` the curated
files give, with ``origin="extracted"`` and every piece of evidence an exact span of the text.

>>> from pipeline.model import Article
>>> text = "Australian Foreign Minister Penny Wong visited Seoul on Wednesday. Wong met South Korean Foreign Minister Cho Tae-yul."
>>> facts = extract(Article(id="demo", text=text, title="Demo"), published="2024-07-26")
>>> [(e.type, e.actors, e.targets, e.date.value if e.date else None) for e in facts.events]
[('Visit', ('penny-wong',), ('south-korea',), '2024-07-24'), ('Meeting', (), (), None)]
>>> [(h.person, h.office, h.country) for h in facts.holdings]
[('penny-wong', 'Foreign Minister', 'australia'), ('cho-tae-yul', 'Foreign Minister', 'south-korea')]

Events whose CAMEO code has no class in the ontology (threats, protests, use of force ...) are kept
in :attr:`Result.coded` and appear in the PLOVER output only; see :func:`extract_coded`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.extract.core import CodedEvent, Extraction, model_type, run_extraction
from pipeline.extract.gazetteer import GazEntry, Gazetteer
from pipeline.extract.text import looks_english
from pipeline.model import (
    Agreement, Article, Claim, DateValue, Entity, Event, Facts, OfficeHolding, Provision, Span, Statement,
    WikidataLink,
)

__all__ = ["extract", "extract_coded", "Result", "default_gazetteer", "Gazetteer", "CodedEvent", "model_type",
           "CLASS_CAMEO"]

#: Class-level CAMEO defaults (docs/mapping.md); an event carries ``cameo`` only when it differs.
CLASS_CAMEO = {
    "Visit": "042", "HostVisit": "043", "Meeting": "040", "Negotiation": "046", "Endorsement": "051",
    "Criticism": "111", "Accusation": "112", "Denial": "016", "AgreementSigning": "057", "Commitment": "030",
    "AidProvision": "070",
}
#: Texts longer than this are cut (at a line end) before extraction; the note says so.
MAX_CHARS = 400_000
_REPO = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Result:
    """What :func:`extract_coded` returns."""

    facts: Facts
    coded: tuple[CodedEvent, ...]  # every coded event, including those without an ontology class
    extraction: Extraction | None
    notes: tuple[str, ...] = ()  # why the result is empty or partial (language, size)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """Built-in vocabulary plus the shipped Wikidata cache (``data/wikidata/``) when present."""
    return Gazetteer.default().add_wikidata_cache(_REPO / "data" / "wikidata")


def extract(article: Article, *, published: str | None = None, gazetteer: Gazetteer | None = None) -> Facts:
    """Extract facts from an article's text.

    Args:
        article: the article (its ``text`` is read, never changed).
        published: ISO date (YYYY, YYYY-MM or YYYY-MM-DD) for resolving "in June", "on Wednesday";
            default: ``article.published``.
        gazetteer: the actor dictionary; default :func:`default_gazetteer`.

    Returns:
        Facts with ``origin="extracted"``; every evidence span satisfies
        ``article.text[span.start:span.end] == span.exact``. Empty for text that is not English.
    """
    return extract_coded(article, published=published, gazetteer=gazetteer).facts


def extract_coded(article: Article, *, published: str | None = None,
                  gazetteer: Gazetteer | None = None) -> Result:
    """Like :func:`extract`, also returning every coded event (for PLOVER output) and notes."""
    gaz = gazetteer or default_gazetteer()
    pub = published or (article.published.value if article.published else None)
    text = article.text
    notes: list[str] = []
    empty = Facts(article, origin="extracted")
    if not text.strip():
        return Result(empty, (), None, ("the article text is empty",))
    if article.language not in ("en", "eng") or not looks_english(text):
        return Result(empty, (), None, (f"the article does not look like English text (language "
                                        f"{article.language!r}); the extractor reads English only",))
    if len(text) > MAX_CHARS:
        cut = text.rfind("\n", 0, MAX_CHARS)
        cut = cut if cut > 0 else MAX_CHARS
        notes.append(f"the article has {len(text):,} characters; only the first {cut:,} were read")
        text_for_run = text[:cut]
    else:
        text_for_run = text
    x = run_extraction(text_for_run, pub, gaz)
    x.text = text
    facts = to_facts(article, x)
    return Result(facts, tuple(x.events), x, tuple(notes))


def _span(text: str, a: int, b: int) -> Span:
    return Span(a, b, text[a:b])


def to_facts(article: Article, x: Extraction) -> Facts:
    """Convert an :class:`Extraction` into model :class:`Facts` (only events the ontology has a class for)."""
    text = article.text
    used: dict[str, GazEntry] = {}

    def ref(e: GazEntry | None) -> str | None:
        if e is None:
            return None
        used[e.id] = e
        if e.country and e.country in x.entities:
            used[e.country] = x.entities[e.country]
        return e.id

    def refs(es: list[GazEntry]) -> tuple[str, ...]:
        out: list[str] = []
        for e in es:
            r = ref(e)
            if r and r not in out:
                out.append(r)
        return tuple(out)

    holdings = []
    seen_h: set[str] = set()
    for h in x.holdings:
        hid = f"{h.person.id}-{_slug(h.office)}"
        if hid in seen_h:
            continue
        seen_h.add(hid)
        holdings.append(OfficeHolding(hid, ref(h.person) or "", h.office, ref(h.country) if h.country and
                                      h.country.type == "State" else None, _span(text, *h.span)))
    agreements = []
    for ag in x.agreements:
        provs = tuple(Provision(f"provision-{i + 1}", ptxt, _span(text, *sp), mod, cond)  # type: ignore[arg-type]
                      for i, (ptxt, sp, mod, cond) in enumerate(ag.provisions))
        agreements.append(Agreement(ag.id, ag.name, _span(text, *ag.span), refs(ag.parties), refs(ag.signatories),
                                    DateValue(ag.signed) if ag.signed else None, None, provs))
    claims = [Claim(c.id, text[c.text[0]:c.text[1]], _span(text, *c.evidence), refs(c.about), refs(c.alleged_by),
                    refs(c.denied_by), refs(c.violates)) for c in x.claims]
    claim_ids = {c.id for c in claims}
    agreement_ids = {a.id for a in agreements}
    events = []
    for ev in x.events:
        if ev.model_type is None:
            continue
        actors, targets, participants = refs(ev.actors), refs(ev.targets), ()
        if ev.model_type in ("Meeting", "Negotiation"):
            participants = tuple(dict.fromkeys(actors + targets))
            actors, targets = (), ()
        if not _conformant(ev, actors, targets, participants, agreement_ids, claim_ids, x):
            continue
        cameo = ev.code if ev.code != CLASS_CAMEO[ev.model_type] else None
        events.append(Event(
            ev.id, ev.model_type, _span(text, *ev.evidence), actors, targets, participants,
            ref(ev.place), DateValue(ev.date) if ev.date else None, ev.modality,  # type: ignore[arg-type]
            tuple(ev.topics), tuple(ev.characterisations),
            ev.agreement if ev.agreement in agreement_ids else None,
            ev.claim if ev.claim in claim_ids else None, cameo, (), None,
            ev.condition if ev.modality == "conditional" else None))
    statements = []
    counts: dict[str, int] = {}
    for st in x.statements:
        sp = ref(st.speaker) or ""
        counts[sp] = counts.get(sp, 0) + 1
        sid = f"{sp}-statement" + (f"-{counts[sp]}" if counts[sp] > 1 else "")
        statements.append(Statement(sid, sp, text[st.quote[0]:st.quote[1]], _span(text, *st.quote), st.direct,
                                    st.verb, refs(st.about)))
    for ent in list(x.entities.values()):
        if ent.type in ("Person", "GovernmentBody", "LegalInstrument"):
            ref(ent)
    entities = []
    for eid in sorted(used):
        e = used[eid]
        aliases = tuple(sorted(a for a in e.aliases if a != e.name and _used_alone(text, a, e.name)))
        link = WikidataLink(e.qid, "cache-label", 1.0) if e.qid else None
        country = e.country if e.country in used else None
        entities.append(Entity(e.id, e.type, e.name, aliases, country, None, link))  # type: ignore[arg-type]
    return Facts(article, tuple(entities), tuple(holdings), tuple(events), tuple(statements), tuple(claims),
                 tuple(agreements), "extracted", None)


def _conformant(ev: CodedEvent, actors: tuple[str, ...], targets: tuple[str, ...], participants: tuple[str, ...],
                agreement_ids: set[str], claim_ids: set[str], x: Extraction) -> bool:
    """Whether an event says enough to be published (the SHACL shapes' minimum): an event the text
    does not fill in that far stays a coded event only (PLOVER output), never a half fact."""
    t = ev.model_type
    if not actors and not participants:
        return False
    if t in ("Visit", "HostVisit") and not actors:
        return False
    if t in ("Meeting", "Negotiation") and len(participants) < 2 and not any(
            x.entities[p].type in ("InternationalOrganization", "Group") for p in participants if p in x.entities):
        return False
    if t == "Criticism" and not targets and ev.agreement not in agreement_ids:
        return False
    if t in ("Denial", "Accusation") and ev.claim not in claim_ids:
        return False
    if t == "AgreementSigning" and ev.agreement not in agreement_ids:
        return False
    return True


def _used_alone(text: str, alias: str, name: str) -> bool:
    """True when ``alias`` occurs in ``text`` other than inside the full ``name``."""
    if alias not in text:  # the common case
        return False
    alone = _count_bounded(text, alias)
    inside = _count_bounded(text, name) if alias in name else 0
    return alone > inside


def _count_bounded(text: str, s: str) -> int:
    """Occurrences of ``s`` in ``text`` not inside a longer word or hyphenated compound."""
    n = 0
    i = text.find(s)
    while i >= 0:
        before = text[i - 1] if i > 0 else " "
        after = text[i + len(s)] if i + len(s) < len(text) else " "
        if not (before.isalnum() or before in "_-") and not (after.isalnum() or after in "_-"):
            n += 1
        i = text.find(s, i + 1)
    return n


def _slug(s: str) -> str:
    from pipeline.iris import slugify
    return slugify(s)
