"""The mapper's direct N-Triples writer against rdflib's own ``nt`` serializer (issue 7).

The build writes each article's triples without rdflib (``pipeline.mapping.to_ntriples``); its
output must stay byte-identical to what rdflib serialized before. These tests put the term writer
next to rdflib on hand-picked and on generated (seeded, so reproducible) tricky values, and map
facts carrying such values both ways.
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns  # (not XSD itself: pytest's collection probes module globals, XSD warns)
from rdflib.namespace import RDFS

from pipeline.facts import load_facts
from pipeline.iris import Minter
from pipeline.mapping import nt_iri, nt_literal, to_graph, to_ntriples
from pipeline.vocab import DIP
from tests.conftest import ARTICLES, SEED_ID

S, P = "https://example.org/s", "https://example.org/p"

#: Characters rdflib escapes, characters it does not (but that other writers might), and non-ASCII.
TRICKY = ['"', "\\", "\n", "\r", "\t", "\u2028", "\u2029", "\u0085", "\x00", "\x0b", "\x0c", "\x7f",
          "é", "ß", "中", "\u200b", "\ufeff", "😀", "\U0001f1e6", "'", "<", ">", "@", "^", " ", "a", "Z", "0"]

HAND_PICKED = ["", " ", "plain", 'say "no"', "back\\slash", "ends with \\", "\\n is not a newline",
               '\\"', "\\\\\"", "line\nbreak", "cr\rlf\r\n", "tab\there", "sep\u2028arator", "para\u2029graph",
               "naïve café — “quoted” ‘single’", "日本語のテキスト", "emoji 😀 and \U0001f1e6\U0001f1fa",
               "\x00nul", '"', "\\", "\n", "\r", "\t", '"@en', '"^^<x>', "trailing space ", "\u00a0nbsp"]


def _generated(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 12))) for _ in range(n)]


def _rdflib_nt(o: URIRef | Literal) -> bytes:
    g = Graph()
    g.add((URIRef(S), URIRef(P), o))
    return g.serialize(format="nt", encoding="utf-8")


def _nt_lines(text: str) -> list[str]:
    """N-Triples lines split at ``\\n`` only (``str.splitlines`` would also split at U+2028...)."""
    return [line + "\n" for line in text.split("\n")[:-1]]


def _ours(o: str) -> bytes:
    return f"{nt_iri(S)} {nt_iri(P)} {o} .\n".encode("utf-8")


@pytest.mark.parametrize("text", HAND_PICKED + _generated(300))
def test_string_literals_are_rdflibs_bytes(text: str) -> None:
    assert _ours(nt_literal(text)) == _rdflib_nt(Literal(text))
    assert _ours(nt_literal(text, lang="en")) == _rdflib_nt(Literal(text, lang="en"))
    assert _ours(nt_literal(text, lang="en-GB")) == _rdflib_nt(Literal(text, lang="en-GB"))
    assert _ours(nt_literal(text, datatype=str(ns.XSD.string))) == _rdflib_nt(Literal(text, datatype=ns.XSD.string))
    dt = "https://example.org/dt#custom"
    assert _ours(nt_literal(text, datatype=dt)) == _rdflib_nt(Literal(text, datatype=URIRef(dt)))


@pytest.mark.parametrize(("value", "datatype"), [
    (True, None), (False, None), (0, None), (7, None), (-3, None), (2.5, None), (Decimal("0.950"), None),
    (0, ns.XSD.nonNegativeInteger), (1234, ns.XSD.nonNegativeInteger),
    ("0.950", ns.XSD.decimal), ("1.000", ns.XSD.decimal),
    ("2024", ns.XSD.gYear), ("2024-06", ns.XSD.gYearMonth), ("2024-06-19", ns.XSD.date),
    ("2024-06-19T10:00:00Z", ns.XSD.dateTime),  # rdflib writes +00:00 for the Z
    ("2024-06-19T10:00:00", ns.XSD.dateTime), ("true", ns.XSD.boolean), ("1", ns.XSD.boolean),
    ("not a date", ns.XSD.date), ("0012", ns.XSD.integer), ('odd "lexical"\n', ns.XSD.date),
])
def test_typed_and_non_string_literals_are_rdflibs_bytes(value: object, datatype: URIRef | None) -> None:
    ours = nt_literal(value, datatype=str(datatype) if datatype else None)
    assert _ours(ours) == _rdflib_nt(Literal(value, datatype=datatype))
    assert nt_literal(value, datatype=str(datatype) if datatype else None) == ours  # remembered: same answer


def test_true_and_one_are_not_confused_by_the_memo() -> None:
    """``True == 1`` in Python: remembered literals must still be told apart by type."""
    assert nt_literal(1) == '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    assert nt_literal(True) == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
    assert nt_literal(1) == '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'


def test_language_tags_follow_rdflib() -> None:
    for tag in ("en", "EN", "en-GB", "zh-Hant-TW"):
        assert _ours(nt_literal("x", lang=tag)) == _rdflib_nt(Literal("x", lang=tag))
    with pytest.raises(ValueError):
        Literal("x", lang="not a tag")
    with pytest.raises(ValueError):
        nt_literal("x", lang="not a tag")


@pytest.mark.parametrize("iri", ["https://w3id.org/diplokg/id/person/penny-wong", "http://www.wikidata.org/entity/Q30",
                                 "https://example.org/é?q=1&r=ü#frag", "urn:x:y", "https://example.org/path%20ok"])
def test_iris_are_rdflibs_bytes(iri: str) -> None:
    assert _ours(nt_iri(iri)) == _rdflib_nt(URIRef(iri))
    assert nt_iri(iri) == URIRef(iri).n3()


@pytest.mark.parametrize("iri", ["https://example.org/a b", "https://example.org/<x>", 'https://example.org/"',
                                 "https://example.org/{x}", "https://example.org/a|b", "https://example.org/a\\b",
                                 "https://example.org/a^b", "https://example.org/a`b"])
def test_iris_rdflib_refuses_are_refused(iri: str) -> None:
    with pytest.raises(Exception, match="does not look like a valid URI") as rdflib_error:
        URIRef(iri).n3()
    with pytest.raises(Exception, match="does not look like a valid URI") as ours:
        nt_iri(iri)
    assert str(ours.value) == str(rdflib_error.value)


def _tricky_facts(texts: list[str]):
    """The seed article's facts with tricky strings in free-text fields (titles, names, aliases,
    quotes, claim and provision texts, topics, the article text and an outside date source)."""
    f = load_facts(ARTICLES / f"{SEED_ID}.yaml")
    it = iter(texts * 50)
    art = replace(f.article, title=next(it), text=next(it), publisher=next(it) or None,
                  authors=(next(it), next(it)), based_on=(next(it),))
    entities = tuple(replace(e, name=next(it), aliases=(next(it), next(it)), description=next(it) or None)
                     for e in f.entities)
    statements = tuple(replace(s, quote=next(it), verb=next(it) or None) for s in f.statements)
    claims = tuple(replace(c, text=next(it), evidence=replace(c.evidence, exact=next(it))) for c in f.claims)
    events = tuple(replace(e, topics=(next(it),), characterisations=(next(it),),
                           date=replace(e.date, source=type(e.date.source)(next(it), None))
                           if e.date is not None and e.date.source is not None else e.date)
                   for e in f.events)
    agreements = tuple(replace(a, name=next(it), provisions=tuple(replace(p, text=next(it), condition=next(it) or None)
                                                                   for p in a.provisions))
                       for a in f.agreements)
    return replace(f, article=art, entities=entities, statements=statements, claims=claims, events=events,
                   agreements=agreements)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mapped_article_with_tricky_text_serializes_like_rdflib(seed: int) -> None:
    """The graph :func:`to_graph` builds from the direct lines serializes (rdflib) to the same
    bytes, rdflib's own N-Triples parser reads the lines into the same graph, and the literals
    carry the tricky values themselves (not some re-escaped form)."""
    texts = HAND_PICKED + _generated(200, seed)
    random.Random(seed).shuffle(texts)
    facts = _tricky_facts(texts)
    m = Minter("https://example.org/kg/")
    direct = to_ntriples(facts, m)
    g = to_graph(facts, m)
    assert str(g.identifier) == direct.identifier == m.graph(facts.article.id)
    assert len(g) == len(direct) == len(set(direct.lines))
    assert sorted(_nt_lines(g.serialize(format="nt", encoding="utf-8").decode("utf-8"))) == list(direct.lines)
    assert set(Graph().parse(data=direct.text(), format="nt")) == set(g)  # rdflib's reader agrees with ours
    labels = {str(o) for o in g.objects(None, RDFS.label)}
    assert {e.name for e in facts.entities} <= labels
    article = URIRef(m.article(facts.article.id))
    assert str(g.value(article, URIRef("https://schema.org/text"))) == facts.article.text
    quotes = {str(o) for o in g.objects(None, URIRef(m.ontology + "quote"))}
    assert quotes == {s.quote for s in facts.statements}


def test_direct_lines_match_the_seed_article_graph() -> None:
    """On the curated seed article: the lines are rdflib's serialization of :func:`to_graph`, and
    the IRI objects the turbo path hands to validation are the graph's."""
    facts = load_facts(ARTICLES / f"{SEED_ID}.yaml")
    direct = to_ntriples(facts)
    g = to_graph(facts)
    assert sorted(_nt_lines(g.serialize(format="nt"))) == list(direct.lines)
    assert set(Graph().parse(data=direct.text(), format="nt")) == set(g)
    iri_objects = {o for o in g.objects() if isinstance(o, URIRef)}
    assert set(direct.objects()) == iri_objects
    assert URIRef(str(DIP) + "Reported") in iri_objects  # a concept validation looks up
    assert all(isinstance(o, URIRef) for o in direct.objects())
