"""Map :class:`~pipeline.model.Facts` to RDF: one named graph per article.

The contract is ``docs/mapping.md``. IRIs come from :mod:`pipeline.iris` only; vocabulary
terms from the generated :mod:`pipeline.vocab` (a typo'd term fails at import/first use).
Output is deterministic: the same facts give the same triples, with no blank nodes.

The mapper writes N-Triples lines directly (:func:`to_ntriples`, the build's hot path: no rdflib
terms, no graph); :func:`to_graph` is the same triples in an rdflib Graph. The term writer
(:func:`nt_iri`, :func:`nt_literal`) produces exactly the bytes of rdflib's ``nt`` serializer.

>>> from pathlib import Path
>>> from pipeline.facts import load_facts
>>> g = to_graph(load_facts(Path("data/articles/russia-north-korea-pact-destabilising-australia.yaml")))
>>> str(g.identifier)
'https://w3id.org/diplokg/graph/russia-north-korea-pact-destabilising-australia'
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from pipeline import codes, vocab
from pipeline.iris import Minter, minter as default_minter, slugify
from pipeline.model import DateValue, Entity, Facts, Span

SCHEMA = vocab.SCHEMA
SEM = vocab.SEM
OA = vocab.OA

# --------------------------------------------------------------------------- N-Triples term writer
# rdflib's nt serializer (rdflib/plugins/serializers/nt.py) writes an IRI as ``<iri>`` after refusing
# the characters of ``rdflib.term._invalid_uri_chars``, and a literal as its lexical form between
# double quotes with exactly four escapes (``\\``, ``\n``, ``\"``, ``\r``, in that order; tabs,
# U+2028 and all other characters are written as they are, UTF-8 encoded), then ``@lang`` or
# ``^^<datatype>``. A literal's lexical form is rdflib's (it normalises typed values:
# ``Literal(True)`` is ``"true"``, an xsd:dateTime ending in ``Z`` gets ``+00:00``), so typed and
# non-string literals go through rdflib once per distinct value and are remembered.

_INVALID_IRI_CHARS = '<>" {}|\\^`'


def nt_iri(iri: str) -> str:
    """An IRI as N-Triples: ``<iri>``, exactly as ``URIRef(iri).n3()``.

    Raises:
        Exception: (rdflib's own) for an IRI with a character rdflib refuses to serialize.
    """
    for c in _INVALID_IRI_CHARS:
        if c in iri:
            raise Exception(f'"{iri}" does not look like a valid URI, I cannot serialize this as N3/Turtle. '
                            "Perhaps you wanted to urlencode it?")
    return f"<{iri}>"


def nt_string(text: str) -> str:
    """A lexical form quoted and escaped as rdflib's nt serializer does it."""
    return '"%s"' % text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"').replace("\r", "\\r")


@lru_cache(maxsize=64)
def _language(lang: str) -> str | None:
    return Literal("", lang=lang).language  # rdflib's check (ValueError for a bad tag) and its form


@lru_cache(maxsize=1 << 16)
def _typed_nt(kind: Any, value: Any, lang: str | None, datatype: str | None) -> str:
    lit = Literal(value, lang=lang, datatype=datatype)
    if lit.language:
        return f"{nt_string(str(lit))}@{lit.language}"
    if lit.datatype:
        return f"{nt_string(str(lit))}^^<{lit.datatype}>"
    return nt_string(str(lit))


def nt_literal(value: Any, lang: str | None = None, datatype: str | None = None) -> str:
    """``Literal(value, lang=lang, datatype=datatype)`` as rdflib's nt serializer writes it.

    A string without a datatype is escaped here; anything else (booleans, numbers, typed lexical
    forms, which rdflib may normalise) is made into an rdflib Literal once per distinct value.
    """
    if datatype is None and type(value) is str:
        if lang is None:
            return nt_string(value)
        tag = _language(lang)
        return f"{nt_string(value)}@{tag}" if tag else nt_string(value)
    return _typed_nt(type(value), value, lang, datatype)  # type: ignore[arg-type]  # (types are hashable)


class _NT:
    """A namespace's terms as N-Triples IRIs: ``_NT(RDF).type == "<...#type>"`` (remembered)."""

    def __init__(self, ns: object) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        value = nt_iri(str(getattr(self._ns, name)))
        setattr(self, name, value)
        return value


_RDF, _RDFS, _OWL, _SKOS, _PROV = _NT(RDF), _NT(RDFS), _NT(OWL), _NT(SKOS), _NT(PROV)
_SCHEMA, _SEM, _OA = _NT(SCHEMA), _NT(SEM), _NT(OA)
_XSD_DECIMAL, _XSD_DATETIME, _XSD_NNI = str(XSD.decimal), str(XSD.dateTime), str(XSD.nonNegativeInteger)
_DATE_TYPES = {"year": str(XSD.gYear), "month": str(XSD.gYearMonth), "day": str(XSD.date)}

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
    """Ontology terms under the configured base, as N-Triples IRIs; names are checked against
    :mod:`pipeline.vocab`. One per base (:func:`_terms`), so each term is made once per process."""

    def __init__(self, m: Minter) -> None:
        self._ns = m.ontology
        self._cameo = m.base + "ontology/cameo#"
        self._plover = m.base + "ontology/plover#"

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        getattr(vocab.DIP, name)  # raises AttributeError for a term the ontology lacks
        value = nt_iri(self._ns + name)
        setattr(self, name, value)
        return value

    @lru_cache(maxsize=512)  # noqa: B019 - the instances live as long as the process (one per base)
    def cameo(self, code: str) -> str:
        return nt_iri(self._cameo + code)

    @lru_cache(maxsize=512)  # noqa: B019
    def plover(self, code: str) -> str:
        return nt_iri(self._plover + code)


@lru_cache(maxsize=8)
def _terms(m: Minter) -> _Terms:
    return _Terms(m)


@lru_cache(maxsize=1 << 16)
def _entity_nt(m: Minter, kind: str, slug: str) -> str:
    """``<m.entity(kind, slug)>``: shared resources recur across articles, so remembered."""
    return nt_iri(m.entity(kind, slug))


def date_literal(d: DateValue) -> Literal:
    """``2024`` -> xsd:gYear, ``2024-06`` -> xsd:gYearMonth, ``2024-06-19`` -> xsd:date."""
    dt = {"year": XSD.gYear, "month": XSD.gYearMonth, "day": XSD.date}[d.precision]
    return Literal(d.value, datatype=dt)


@dataclass(frozen=True)
class NTriples:
    """One article's named graph as N-Triples, without rdflib (what :func:`to_graph` holds).

    Attributes:
        identifier: the graph IRI.
        lines: the distinct triples, one N-Triples line each (ending in ``" .\n"``), sorted.
    """

    identifier: str
    lines: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.lines)

    def text(self) -> str:
        """The lines as one N-Triples document (byte for byte what rdflib serializes, sorted)."""
        return "".join(self.lines)

    def objects(self) -> Iterator[URIRef]:
        """The IRI objects of the triples (literal objects are left out). This is the part of
        ``Graph.objects()`` that :func:`pipeline.validate.validate_article` reads (it looks the
        objects up among the ontology's concepts) when it is given the N-Triples as ``data_nt``."""
        seen: set[str] = set()
        for line in self.lines:
            o = line.split(" ", 2)[2]  # subjects and predicates are IRIs: no space in them
            if o[0] == "<" and o not in seen:
                seen.add(o)
                yield URIRef(o[1:-4])  # "<iri> .\n"

    def graph(self, m: Minter) -> Graph:
        """The triples in an rdflib Graph named :attr:`identifier`, with the published files'
        prefixes under ``m``'s base bound. The lines are read back by :func:`_term` (the inverse
        of this module's writer; rdflib's N-Triples parser gives the same graph, slower)."""
        g = _new_graph(self.identifier, m)
        iris: dict[str, URIRef] = {}
        quads = []
        for line in self.lines:
            s, p, o = line[:-3].split(" ", 2)  # "<s> <p> o .\n": IRIs have no space
            si = iris.get(s) or iris.setdefault(s, URIRef(s[1:-1]))
            pi = iris.get(p) or iris.setdefault(p, URIRef(p[1:-1]))
            quads.append((si, pi, iris.get(o) or _term(o), g))
        g.addN(quads)
        return g


_UNESCAPES = {"\\\\": "\\", "\\n": "\n", '\\"': '"', "\\r": "\r"}
_ESCAPED = re.compile(r'\\[\\n"r]')


def _term(n3: str) -> URIRef | Literal:
    """The rdflib term of one N-Triples term as :func:`nt_iri` or :func:`nt_literal` writes it."""
    if n3[0] == "<":
        return URIRef(n3[1:-1])
    end = n3.rfind('"')  # the closing quote: neither a language tag nor a datatype IRI has one
    lexical = n3[1:end]
    if "\\" in lexical:
        lexical = _ESCAPED.sub(lambda mo: _UNESCAPES[mo.group()], lexical)
    tail = n3[end + 1:]
    if not tail:
        return Literal(lexical)
    if tail[0] == "@":
        return Literal(lexical, lang=tail[1:])
    return Literal(lexical, datatype=URIRef(tail[3:-1]))  # ^^<datatype>


def _new_graph(identifier: str, m: Minter) -> Graph:
    g = Graph(identifier=URIRef(identifier), bind_namespaces="core")
    from pipeline.publish import prefixes  # the published files' prefixes, for readable Turtle
    for prefix, ns in prefixes(m).items():
        g.bind(prefix, ns, replace=True)
    return g


class _Mapper:
    """Writes one article's triples as N-Triples lines (terms are N-Triples strings throughout)."""

    def __init__(self, facts: Facts, m: Minter) -> None:
        self.f = facts
        self.m = m
        self.t = _terms(m)
        self.aid = facts.article.id
        self.lines: list[str] = []
        self.article = _entity_nt(m, "article", self.aid)
        self.kinds: dict[str, str] = {e.id: ENTITY_KINDS[e.type] for e in facts.entities}
        self.kinds.update({a.id: "agreement" for a in facts.agreements})
        self._local: dict[tuple[str, str], str] = {}

    # -- helpers ---------------------------------------------------------------------------
    def add(self, s: str, p: str, o: str | None) -> None:
        if o is not None:
            self.lines.append(f"{s} {p} {o} .\n")

    def ref(self, entity_id: str) -> str:
        return _entity_nt(self.m, self.kinds[entity_id], entity_id)

    def refs(self, s: str, p: str, ids: Iterable[str]) -> None:
        for i in ids:
            self.lines.append(f"{s} {p} {self.ref(i)} .\n")

    def local(self, kind: str, local_id: str) -> str:
        key = (kind, local_id)
        iri = self._local.get(key)
        if iri is None:
            iri = self._local[key] = nt_iri(self.m.local(kind, self.aid, local_id))
        return iri

    def en(self, text: str) -> str:
        return nt_literal(text, lang="en")

    def date(self, s: str, p: str, d: DateValue | None) -> None:
        if d is None:
            return
        self.add(s, p, nt_literal(d.value, datatype=_DATE_TYPES[d.precision]))
        if d.source is not None:
            src = _entity_nt(self.m, "source", hashlib.sha1(d.source.citation.encode()).hexdigest()[:16])
            self.add(s, self.t.dateSource, src)
            self.add(src, _RDF.type, self.t.ExternalSource)
            self.add(src, _RDFS.label, self.en(d.source.citation))
            if d.source.url:
                self.add(src, _SCHEMA.url, nt_iri(d.source.url))

    def provenance(self, s: str, span: Span) -> None:
        t = self.t
        node = nt_iri(self.m.span(self.aid, span.start, span.end))
        self.add(s, _PROV.wasDerivedFrom, self.article)
        self.add(s, t.evidence, node)
        self.add(node, _RDF.type, t.TextSpan)
        self.add(node, _OA.exact, nt_literal(span.exact))
        self.add(node, _OA.start, nt_literal(span.start, datatype=_XSD_NNI))
        self.add(node, _OA.end, nt_literal(span.end, datatype=_XSD_NNI))
        self.add(node, t.inArticle, self.article)

    def modality(self, s: str, modality: str) -> None:
        self.add(s, self.t.modality, getattr(self.t, MODALITY_TERMS[modality]))

    # -- sections --------------------------------------------------------------------------
    def map_article(self) -> None:
        a, t, s = self.f.article, self.t, self.article
        self.add(s, _RDF.type, t.Article)
        self.add(s, _SCHEMA.headline, self.en(a.title))
        self.date(s, _SCHEMA.datePublished, a.published)
        self.add(s, _SCHEMA.publisher, nt_literal(a.publisher) if a.publisher else None)
        for b in a.based_on:
            self.add(s, _SCHEMA.isBasedOn, nt_literal(b))
        for au in a.authors:
            self.add(s, _SCHEMA.author, nt_literal(au))
        self.add(s, _SCHEMA.url, nt_iri(a.url) if a.url else None)
        self.add(s, _SCHEMA.inLanguage, nt_literal(a.language))
        self.add(s, t.isSampleText, nt_literal(a.sample))
        self.add(s, _SCHEMA.text, nt_literal(a.text))
        self.add(s, t.factsOrigin, nt_literal(self.f.origin))

    def map_entity(self, e: Entity) -> None:
        t, s = self.t, self.ref(e.id)
        self.add(s, _RDF.type, getattr(t, e.type))
        self.add(s, _RDFS.label, self.en(e.name))
        for alias in sorted(set(e.aliases)):
            self.add(s, _SKOS.altLabel, self.en(alias))
        if e.country:
            self.add(s, t.country, self.ref(e.country))
        self.add(s, _RDFS.comment, self.en(e.description) if e.description else None)
        if e.wikidata is not None:
            w = e.wikidata
            match = _entity_nt(self.m, "match", f"{self.kinds[e.id]}-{e.id}")
            self.add(s, _OWL.sameAs, nt_iri(self.m.wikidata(w.qid)))
            self.add(s, t.wikidataMatch, match)
            self.add(match, _RDF.type, t.LinkMatch)
            self.add(match, t.matchMethod, nt_literal(w.method))
            self.add(match, t.matchScore, nt_literal(f"{w.score:.3f}", datatype=_XSD_DECIMAL))
            self.add(match, t.cacheFetched, nt_literal(w.fetched, datatype=_XSD_DATETIME) if w.fetched else None)
            self.add(match, _PROV.wasDerivedFrom, _entity_nt(self.m, "source", "wikidata-cache"))
        elif e.review:
            self.add(s, t.needsReview, nt_literal(True))

    def office(self, title: str, country: str | None) -> str:
        t = self.t
        cname = self.f.entity(country).name if country and self.f.entity(country) else None
        o = _entity_nt(self.m, "office", f"{country}-{title}" if country else title)
        self.add(o, _RDF.type, t.Office)
        self.add(o, _RDFS.label, self.en(f"{title} of {cname}" if cname else title))
        self.add(o, t.officeTitle, self.en(title))
        if country:
            self.add(o, t.officeOf, self.ref(country))
        return o

    def map_facts(self) -> list[str]:
        t, f = self.t, self.f
        self.map_article()
        for e in f.entities:
            self.map_entity(e)
        for h in f.holdings:
            s = self.local("holding", h.id)
            self.add(s, _RDF.type, t.OfficeHolding)
            self.add(s, t.holder, self.ref(h.person))
            self.add(s, t.office, self.office(h.office, h.country))
            self.date(s, t.startDate, h.start)
            self.date(s, t.endDate, h.end)
            self.provenance(s, h.evidence)
        for a in f.agreements:
            s = self.ref(a.id)
            self.add(s, _RDF.type, t.Agreement)
            self.add(s, _RDFS.label, self.en(a.name))
            self.refs(s, t.party, a.parties)
            self.refs(s, t.signatory, a.signatories)
            self.date(s, t.signedOn, a.signed)
            if a.place:
                self.add(s, t.signedAt, self.ref(a.place))
            self.add(s, _PROV.wasDerivedFrom, self.article)
            for p in a.provisions:
                ps = self.local("provision", f"{a.id}-{p.id}")
                self.add(s, t.hasProvision, ps)
                self.add(ps, _RDF.type, t.Provision)
                self.add(ps, t.provisionText, self.en(p.text))
                self.modality(ps, p.modality)
                self.add(ps, t.condition, self.en(p.condition) if p.condition else None)
                self.provenance(ps, p.evidence)
        for c in f.claims:
            s = self.local("claim", c.id)
            self.add(s, _RDF.type, t.Claim)
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
            self.add(s, _RDF.type, getattr(t, ev.type))
            who = [self.name(i) for i in (ev.actors or ev.participants)]
            self.add(s, _RDFS.label, self.en(f"{' and '.join(who) or 'unnamed'}: {ev.type}"))
            self.refs(s, t.actor, ev.actors)
            self.refs(s, t.target, ev.targets)
            self.refs(s, t.participant, ev.participants)
            if ev.place:
                self.add(s, _SEM.hasPlace, self.ref(ev.place))
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
                self.add(s, _SEM.subEventOf, self.local("event", ev.part_of))
            self.provenance(s, ev.evidence)
        for st in f.statements:
            s = self.local("statement", st.id)
            self.add(s, _RDF.type, t.Statement)
            self.add(s, t.speaker, self.ref(st.speaker))
            self.add(s, t.quote, nt_literal(st.quote))
            self.add(s, t.isDirectQuote, nt_literal(st.direct))
            self.add(s, t.speechVerb, nt_literal(st.verb) if st.verb else None)
            self.refs(s, t.about, st.about)
            self.date(s, t.date, st.date)
            self.provenance(s, st.evidence)
        return self.lines

    def name(self, entity_id: str) -> str:
        e = self.f.entity(entity_id)
        if e is not None:
            return e.name
        return next((a.name for a in self.f.agreements if a.id == entity_id), entity_id)


def to_ntriples(facts: Facts, m: Minter | None = None) -> NTriples:
    """Map one article's facts to its named graph as N-Triples lines, without rdflib.

    Args:
        facts: curated or extracted facts (evidence resolved).
        m: the IRI minter (default: base from ``DIPLOKG_BASE`` or ``https://w3id.org/diplokg/``).

    Returns:
        The graph IRI and the distinct triples as sorted N-Triples lines, each byte for byte what
        rdflib's ``nt`` serializer writes for :func:`to_graph`'s triple.

    Raises:
        Exception: (rdflib's) for an IRI rdflib would refuse to serialize (e.g. a URL with a space).
    """
    m = m or default_minter()
    lines = _Mapper(facts, m).map_facts()
    return NTriples(m.graph(facts.article.id), tuple(sorted(set(lines))))


def to_graph(facts: Facts, m: Minter | None = None) -> Graph:
    """Map one article's facts to its named graph.

    Args:
        facts: curated or extracted facts (evidence resolved).
        m: the IRI minter (default: base from ``DIPLOKG_BASE`` or ``https://w3id.org/diplokg/``).

    Returns:
        An rdflib Graph whose identifier is the article's graph IRI: the triples of
        :func:`to_ntriples`, with the published files' prefixes bound.
    """
    m = m or default_minter()
    return to_ntriples(facts, m).graph(m)


__all__ = ["to_graph", "to_ntriples", "NTriples", "nt_iri", "nt_literal", "nt_string", "EVENT_CODES",
           "ENTITY_KINDS", "date_literal", "slugify"]
