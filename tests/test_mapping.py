"""The mapping's code table and entity kinds agree with the ontology (single source check)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from pipeline.mapping import ENTITY_KINDS, EVENT_CODES
from pipeline.model import ENTITY_TYPES, EVENT_TYPES
from pipeline.vocab import DIP
from tests.conftest import ROOT


def _ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "diplokg.ttl")


def test_event_code_table_matches_ontology_defaults() -> None:
    ont = _ontology()
    from_ontology = {}
    for c in ont.subjects(RDFS.subClassOf, DIP.DiplomaticEvent):
        name = str(c).rsplit("#", 1)[1]
        cameo = str(ont.value(c, DIP.defaultCameoCode)).rsplit("#", 1)[1]
        plover = str(ont.value(c, DIP.defaultPloverType)).rsplit("#", 1)[1]
        from_ontology[name] = (cameo, plover)
    assert from_ontology == EVENT_CODES
    assert set(EVENT_TYPES) == set(EVENT_CODES)


def test_every_entity_type_is_an_ontology_class() -> None:
    ont = _ontology()
    assert set(ENTITY_KINDS) == set(ENTITY_TYPES)
    for t in ENTITY_TYPES:
        assert (URIRef(str(DIP) + t), None, None) in ont, t


def test_specific_cameo_code_brings_its_plover_type() -> None:
    """A planned dialogue coded 036 ('express intent to meet or negotiate') is PLOVER AGREE per
    the crosswalk, not the Negotiation class default CONSULT."""
    from pipeline.facts import load_facts
    from pipeline.mapping import to_graph
    from tests.conftest import ARTICLES, SEED_ID
    g = to_graph(load_facts(ARTICLES / f"{SEED_ID}.yaml"))
    ev = next(s for s in g.subjects(DIP.cameoCode, None) if str(s).endswith("/economic-security-dialogue"))
    assert str(g.value(ev, DIP.cameoCode)).endswith("cameo#036")
    assert str(g.value(ev, DIP.ploverType)).endswith("plover#AGREE")
