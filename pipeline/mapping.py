"""Map :class:`~pipeline.model.Facts` to RDF: one named graph per article.

The contract is ``docs/mapping.md``. IRIs come from :mod:`pipeline.iris` only; vocabulary
terms from the generated :mod:`pipeline.vocab` (a typo'd term fails at import/first use).
Output is deterministic: the same facts give the same triples, with no blank nodes.

>>> from pathlib import Path
>>> from pipeline.facts import load_facts
>>> g = to_graph(load_facts(Path("data/articles/russia-north-korea-pact-destabilising-australia.yaml")))
>>> str(g.identifier)
'https://w3id.org/diplokg/graph/russia-north-korea-pact-destabilising-australia'
"""

from __future__ import annotations

import hashlib
from typing import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from pipeline import codes, vocab
from pipeline.iris import Minter, minter as default_minter, slugify
from pipeline.model import DateValue, Entity, Facts, Span

SCHEMA = vocab.SCHEMA
SEM = vocab.SEM
OA = vocab.OA

#: Event class -> (default CAMEO code, PLOVER type). Cross-checked against the ontology by a test.
EVENT_CODES: dict[str, tuple[str, str]] = {
    "Visit": ("042", "CONSULT"),
    "HostVisit": ("043", "CONSULT"),
    "Meeting": ("040", "CONSULT"),
    "Negotiation": ("046", "CONSULT"),
    "Endorsement": ("051", "SUPPORT"),
    "Criticism": ("111", "ACCUSE"),
    "Accusation": ("112", "ACCUSE"),
    "Denial": ("016", "REJECT"),
    "AgreementSigning": ("057", "SUPPORT"),
    "Commitment": ("030", "AGREE"),
    "AidProvision": ("070", "AID"),
}

#: Entity type -> IRI kind.
ENTITY_KINDS = {
    "Person": "person", "State": "state", "InternationalOrganization": "organization",
    "GovernmentBody": "body", "Organization": "organization", "Place": "place", "Group": "group",
    "LegalInstrument": "instrument",
}

MODALITY_TERMS = {"reported": "Reported", "alleged": "Alleged", "planned": "Planned",
                  "conditional": "Conditional"}


class _Terms:
    """Ontology terms under the configured base; names are checked against :mod:`pipeline.vocab`."""

    def __init__(self, m: Minter) -> None:
        self._ns = m.ontology
        self._cameo = m.base + "ontology/cameo#"
        self._plover = m.base + "ontology/plover#"

    def __getattr__(self, name: str) -> URIRef:
        getattr(vocab.DIP, name)  # raises AttributeError for a term the ontology lacks
        return URIRef(self._ns + name)

    def cameo(self, code: str) -> URIRef:
        return URIRef(self._cameo + code)

    def plover(self, code: str) -> URIRef:
        return URIRef(self._plover + code)


def date_literal(d: DateValue) -> Literal:
    """``2024`` -> xsd:gYear, ``2024-06`` -> xsd:gYearMonth, ``2024-06-19`` -> xsd:date."""
    dt = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}[d.precision]
    return Literal(d.value, datatype=dt)


class _Mapper:
    def __init__(self, facts: Facts, m: Minter) -> None:
        self.f = facts
        self.m = m
        self.t = _Terms(m)
        self.aid = facts.article.id
        self.g = Graph(identifier=URIRef(m.graph(self.aid)), bind_namespaces="core")
        from pipeline.publish import prefixes  # the published files' prefixes, for readable Turtle
        for prefix, ns in prefixes(m).items():
            self.g.bind(prefix, ns, replace=True)
        self.article = URIRef(m.article(self.aid))
        self.kinds: dict[str, str] = {e.id: ENTITY_KINDS[e.type] for e in facts.entities}
        self.kinds.update({a.id: "agreement" for a in facts.agreements})

    # -- helpers ---------------------------------------------------------------------------
    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal | None) -> None:
        if o is not None:
            self.g.add((s, p, o))

    def ref(self, entity_id: str) -> URIRef:
        return URIRef(self.m.entity(self.kinds[entity_id], entity_id))

    def refs(self, s: URIRef, p: URIRef, ids: Iterable[str]) -> None:
        for i in ids:
            self.g.add((s, p, self.ref(i)))

    def local(self, kind: str, local_id: str) -> URIRef:
        return URIRef(self.m.local(kind, self.aid, local_id))

    def en(self, text: str) -> Literal:
        return Literal(text, lang="en")

    def date(self, s: URIRef, p: URIRef, d: DateValue | None) -> None:
        if d is None:
            return
        self.g.add((s, p, date_literal(d)))
        if d.source is not None:
            src = URIRef(self.m.entity("source", hashlib.sha1(d.source.citation.encode()).hexdigest()[:16]))
            self.g.add((s, self.t.dateSource, src))
            self.g.add((src, RDF.type, self.t.ExternalSource))
            self.g.add((src, RDFS.label, self.en(d.source.citation)))
            if d.source.url:
                self.g.add((src, SCHEMA.url, URIRef(d.source.url)))

    def provenance(self, s: URIRef, span: Span) -> None:
        t = self.t
        node = URIRef(self.m.span(self.aid, span.start, span.end))
        self.g.add((s, PROV.wasDerivedFrom, self.article))
        self.g.add((s, t.evidence, node))
        self.g.add((node, RDF.type, t.TextSpan))
        self.g.add((node, OA.exact, Literal(span.exact)))
        self.g.add((node, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)))
        self.g.add((node, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)))
        self.g.add((node, t.inArticle, self.article))

    def modality(self, s: URIRef, modality: str) -> None:
        self.g.add((s, self.t.modality, getattr(self.t, MODALITY_TERMS[modality])))

    # -- sections --------------------------------------------------------------------------
    def map_article(self) -> None:
        a, t, s = self.f.article, self.t, self.article
        self.add(s, RDF.type, t.Article)
        self.add(s, SCHEMA.headline, self.en(a.title))
        self.date(s, SCHEMA.datePublished, a.published)
        self.add(s, SCHEMA.publisher, Literal(a.publisher) if a.publisher else None)
        for b in a.based_on:
            self.add(s, SCHEMA.isBasedOn, Literal(b))
        for au in a.authors:
            self.add(s, SCHEMA.author, Literal(au))
        self.add(s, SCHEMA.url, URIRef(a.url) if a.url else None)
        self.add(s, SCHEMA.inLanguage, Literal(a.language))
        self.add(s, t.isSampleText, Literal(a.sample))
        self.add(s, SCHEMA.text, Literal(a.text))
        self.add(s, t.factsOrigin, Literal(self.f.origin))

    def map_entity(self, e: Entity) -> None:
        t, s = self.t, self.ref(e.id)
        self.add(s, RDF.type, getattr(t, e.type))
        self.add(s, RDFS.label, self.en(e.name))
        for alias in sorted(set(e.aliases)):
            self.add(s, SKOS.altLabel, self.en(alias))
        if e.country:
            self.add(s, t.country, self.ref(e.country))
        self.add(s, RDFS.comment, self.en(e.description) if e.description else None)
        if e.wikidata is not None:
            w = e.wikidata
            match = URIRef(self.m.entity("match", f"{self.kinds[e.id]}-{e.id}"))
            self.add(s, OWL.sameAs, URIRef(self.m.wikidata(w.qid)))
            self.add(s, t.wikidataMatch, match)
            self.add(match, RDF.type, t.LinkMatch)
            self.add(match, t.matchMethod, Literal(w.method))
            self.add(match, t.matchScore, Literal(f"{w.score:.3f}", datatype=XSD.decimal))
            self.add(match, t.cacheFetched, Literal(w.fetched, datatype=XSD.dateTime) if w.fetched else None)
            self.add(match, PROV.wasDerivedFrom, URIRef(self.m.entity("source", "wikidata-cache")))
        elif e.review:
            self.add(s, t.needsReview, Literal(True))

    def office(self, title: str, country: str | None) -> URIRef:
        t = self.t
        cname = self.f.entity(country).name if country and self.f.entity(country) else None
        o = URIRef(self.m.entity("office", f"{country}-{title}" if country else title))
        self.add(o, RDF.type, t.Office)
        self.add(o, RDFS.label, self.en(f"{title} of {cname}" if cname else title))
        self.add(o, t.officeTitle, self.en(title))
        if country:
            self.add(o, t.officeOf, self.ref(country))
        return o

    def map_facts(self) -> Graph:
        t, f = self.t, self.f
        self.map_article()
        for e in f.entities:
            self.map_entity(e)
        for h in f.holdings:
            s = self.local("holding", h.id)
            self.add(s, RDF.type, t.OfficeHolding)
            self.add(s, t.holder, self.ref(h.person))
            self.add(s, t.office, self.office(h.office, h.country))
            self.date(s, t.startDate, h.start)
            self.date(s, t.endDate, h.end)
            self.provenance(s, h.evidence)
        for a in f.agreements:
            s = self.ref(a.id)
            self.add(s, RDF.type, t.Agreement)
            self.add(s, RDFS.label, self.en(a.name))
            self.refs(s, t.party, a.parties)
            self.refs(s, t.signatory, a.signatories)
            self.date(s, t.signedOn, a.signed)
            if a.place:
                self.add(s, t.signedAt, self.ref(a.place))
            self.add(s, PROV.wasDerivedFrom, self.article)
            for p in a.provisions:
                ps = self.local("provision", f"{a.id}-{p.id}")
                self.add(s, t.hasProvision, ps)
                self.add(ps, RDF.type, t.Provision)
                self.add(ps, t.provisionText, self.en(p.text))
                self.modality(ps, p.modality)
                self.add(ps, t.condition, self.en(p.condition) if p.condition else None)
                self.provenance(ps, p.evidence)
        for c in f.claims:
            s = self.local("claim", c.id)
            self.add(s, RDF.type, t.Claim)
            self.add(s, t.claimText, self.en(c.text))
            self.refs(s, t.about, c.about)
            self.refs(s, t.allegedBy, c.alleged_by)
            self.refs(s, t.deniedBy, c.denied_by)
            self.refs(s, t.violates, c.violates)
            self.modality(s, "alleged")
            self.provenance(s, c.evidence)
        for ev in f.events:
            s = self.local("event", ev.id)
            cameo, plover = EVENT_CODES[ev.type]
            if ev.cameo:  # a more specific code: its PLOVER type per the crosswalk, if it has one
                cameo, plover = ev.cameo, codes.cameo_to_plover(ev.cameo) or plover
            self.add(s, RDF.type, getattr(t, ev.type))
            who = [self.name(i) for i in (ev.actors or ev.participants)]
            self.add(s, RDFS.label, self.en(f"{' and '.join(who) or 'unnamed'}: {ev.type}"))
            self.refs(s, t.actor, ev.actors)
            self.refs(s, t.target, ev.targets)
            self.refs(s, t.participant, ev.participants)
            if ev.place:
                self.add(s, SEM.hasPlace, self.ref(ev.place))
            self.date(s, t.date, ev.date)
            self.modality(s, ev.modality)
            self.add(s, t.condition, self.en(ev.condition) if ev.condition else None)
            for topic in ev.topics:
                self.add(s, t.topic, self.en(topic))
            for word in ev.characterisations:
                self.add(s, t.characterisation, self.en(word))
            if ev.agreement:
                self.add(s, t.concernsAgreement, self.ref(ev.agreement))
            if ev.claim:
                prop = {"Accusation": t.makesClaim, "Denial": t.deniesClaim}.get(ev.type, t.concernsClaim)
                self.add(s, prop, self.local("claim", ev.claim))
            self.add(s, t.cameoCode, t.cameo(cameo))
            self.add(s, t.ploverType, t.plover(plover))
            for prev in ev.follows:
                self.add(s, t.follows, self.local("event", prev))
            if ev.part_of:
                self.add(s, SEM.subEventOf, self.local("event", ev.part_of))
            self.provenance(s, ev.evidence)
        for st in f.statements:
            s = self.local("statement", st.id)
            self.add(s, RDF.type, t.Statement)
            self.add(s, t.speaker, self.ref(st.speaker))
            self.add(s, t.quote, Literal(st.quote))
            self.add(s, t.isDirectQuote, Literal(st.direct))
            self.add(s, t.speechVerb, Literal(st.verb) if st.verb else None)
            self.refs(s, t.about, st.about)
            self.date(s, t.date, st.date)
            self.provenance(s, st.evidence)
        return self.g

    def name(self, entity_id: str) -> str:
        e = self.f.entity(entity_id)
        if e is not None:
            return e.name
        return next((a.name for a in self.f.agreements if a.id == entity_id), entity_id)


def to_graph(facts: Facts, m: Minter | None = None) -> Graph:
    """Map one article's facts to its named graph.

    Args:
        facts: curated or extracted facts (evidence resolved).
        m: the IRI minter (default: base from ``DIPLOKG_BASE`` or ``https://w3id.org/diplokg/``).

    Returns:
        An rdflib Graph whose identifier is the article's graph IRI.
    """
    return _Mapper(facts, m or default_minter()).map_facts()


__all__ = ["to_graph", "EVENT_CODES", "ENTITY_KINDS", "date_literal", "slugify"]
