"""The ontology, the CAMEO/PLOVER concept schemes, the generated vocabulary module and pipeline.codes.

Cross-checks: every term is labelled and defined; the terms equal the ones docs/mapping.md publishes;
event classes map to existing CAMEO and PLOVER concepts; the schemes equal what the shared codebook and
crosswalk give (skipped when ../shared is absent); pipeline/vocab.py equals a fresh generation; every
Turtle file parses with rdflib, pyoxigraph and rapper with the same triple count.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from conftest import ROOT, require_tool
from pipeline import codes, vocabgen
from pipeline.vocab import CAMEO, DIP, PLOVER, VANN

ONTOLOGY = ROOT / "ontology"
DIP_NS = "https://w3id.org/diplokg/ontology#"
ONT_IRI = URIRef("https://w3id.org/diplokg/ontology")
CAMEO_SCHEME = URIRef("https://w3id.org/diplokg/ontology/cameo")
PLOVER_SCHEME = URIRef("https://w3id.org/diplokg/ontology/plover")
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)

PLOVER_2021 = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
               "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
PLOVER_05 = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "FIGHT": "ASSAULT", "INVESTIGATE": "ACCUSE"}

#: From docs/mapping.md ("Event class -> CAMEO / PLOVER"), copied by hand.
EVENT_DEFAULTS = {
    "Visit": ("042", "CONSULT"), "HostVisit": ("043", "CONSULT"), "Meeting": ("040", "CONSULT"),
    "Negotiation": ("046", "CONSULT"), "Endorsement": ("051", "SUPPORT"), "Criticism": ("111", "ACCUSE"),
    "Accusation": ("112", "ACCUSE"), "Denial": ("016", "REJECT"), "AgreementSigning": ("057", "SUPPORT"),
    "Commitment": ("030", "AGREE"), "AidProvision": ("070", "AID"),
}


def _load(name: str) -> Graph:
    g = Graph()
    g.parse(ONTOLOGY / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def ont() -> Graph:
    return _load("diplokg.ttl")


@pytest.fixture(scope="module")
def cameo() -> Graph:
    return _load("cameo.ttl")


@pytest.fixture(scope="module")
def plover() -> Graph:
    return _load("plover.ttl")


def _terms(g: Graph) -> dict[URIRef, set[URIRef]]:
    out: dict[URIRef, set[URIRef]] = {}
    for kind in TERM_KINDS:
        for s in g.subjects(RDF.type, kind):
            if isinstance(s, URIRef) and str(s).startswith(DIP_NS):
                out.setdefault(s, set()).add(kind)
    return out


def _en(g: Graph, s: URIRef, p: URIRef) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en" and str(o).strip()]


# -- ontology ---------------------------------------------------------------------------------------

def test_ontology_header(ont: Graph) -> None:
    assert (ONT_IRI, RDF.type, OWL.Ontology) in ont
    assert ont.value(ONT_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ont.value(ONT_IRI, OWL.versionIRI) == URIRef("https://w3id.org/diplokg/ontology/0.1.0")
    assert ont.value(ONT_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    for p in (DCTERMS.title, DCTERMS.description):
        assert _en(ont, ONT_IRI, p), f"ontology header lacks {p}@en"
    assert ont.value(ONT_IRI, DCTERMS.creator) is not None
    assert str(ont.value(ONT_IRI, VANN.preferredNamespacePrefix)) == "dip"
    assert str(ont.value(ONT_IRI, VANN.preferredNamespaceUri)) == DIP_NS


def test_every_term_has_label_and_definition(ont: Graph) -> None:
    terms = _terms(ont)
    assert len(terms) > 80
    missing = [f"{t.removeprefix(DIP_NS)}: {what}" for t in sorted(terms)
               for what, p in (("rdfs:label@en", RDFS.label), ("skos:definition@en", SKOS.definition))
               if len(_en(ont, t, p)) != 1]
    assert not missing, "terms without exactly one English label/definition:\n" + "\n".join(missing)


def test_every_dip_iri_used_is_declared(ont: Graph) -> None:
    """A typo such as ``rdfs:subClassOf dip:Actr`` would use an undeclared term."""
    terms = _terms(ont)
    used = {n for t in ont for n in t if isinstance(n, URIRef) and str(n).startswith(DIP_NS)}
    assert used - set(terms) == set()


def test_each_term_has_one_kind(ont: Graph) -> None:
    """OWL 2 DL: no IRI is both a class and a property (or individual): no punning."""
    both = {t: k for t, k in _terms(ont).items() if len(k - {OWL.NamedIndividual}) > 1
            or (OWL.NamedIndividual in k and OWL.Class in k)}
    assert both == {}


def test_terms_equal_the_mapping_contract(ont: Graph) -> None:
    """docs/mapping.md names exactly the ontology's terms (modulo the scheme individuals)."""
    doc = (ROOT / "docs" / "mapping.md").read_text(encoding="utf-8")
    named = set(re.findall(r"dip:([A-Za-z][A-Za-z0-9]*)", doc))
    declared = {str(t).removeprefix(DIP_NS) for t in _terms(ont)}
    assert named - declared == set(), "docs/mapping.md uses terms the ontology lacks"
    assert declared - named == set(), "the ontology declares terms docs/mapping.md does not publish"


def test_alignments(ont: Graph) -> None:
    sem = "http://semanticweb.cs.vu.nl/2009/11/sem/"
    wd = "http://www.wikidata.org/entity/"
    assert (DIP.DiplomaticEvent, RDFS.subClassOf, URIRef(sem + "Event")) in ont
    assert (DIP.Actor, RDFS.subClassOf, URIRef(sem + "Actor")) in ont
    assert (DIP.Article, RDFS.subClassOf, URIRef("https://schema.org/NewsArticle")) in ont
    assert (DIP.TextSpan, RDFS.subClassOf, URIRef("http://www.w3.org/ns/oa#TextPositionSelector")) in ont
    assert (DIP.actor, RDFS.subPropertyOf, URIRef(sem + "hasActor")) in ont
    assert (DIP.makesClaim, RDFS.subPropertyOf, DIP.concernsClaim) in ont
    assert (DIP.deniesClaim, RDFS.subPropertyOf, DIP.concernsClaim) in ont
    for term, qid in ((DIP.Person, "Q5"), (DIP.Agreement, "Q131569"), (DIP.office, "P39"),
                      (DIP.signatory, "P1891"), (DIP.InternationalOrganization, "Q484652")):
        assert (term, SKOS.closeMatch, URIRef(wd + qid)) in ont


def test_modality_scheme(ont: Graph) -> None:
    concepts = set(ont.subjects(SKOS.inScheme, DIP.ModalityScheme))
    assert concepts == {DIP.Reported, DIP.Alleged, DIP.Planned, DIP.Conditional}
    assert (DIP.ModalityScheme, RDF.type, SKOS.ConceptScheme) in ont
    for c in concepts:
        assert (c, RDF.type, SKOS.Concept) in ont


def _event_classes(ont: Graph) -> set[URIRef]:
    return {c for c in ont.subjects(RDFS.subClassOf, DIP.DiplomaticEvent) if isinstance(c, URIRef)}


def test_event_classes_have_defaults_in_the_schemes(ont: Graph, cameo: Graph, plover: Graph) -> None:
    classes = _event_classes(ont)
    assert {str(c).removeprefix(DIP_NS) for c in classes} == set(EVENT_DEFAULTS)
    for c in sorted(classes):
        name = str(c).removeprefix(DIP_NS)
        cam = list(ont.objects(c, DIP.defaultCameoCode))
        plo = list(ont.objects(c, DIP.defaultPloverType))
        assert len(cam) == 1 and len(plo) == 1, name
        code, ptype = EVENT_DEFAULTS[name]
        assert cam[0] == CAMEO[code], name
        assert plo[0] == PLOVER[ptype], name
        assert (cam[0], RDF.type, DIP.CameoCode) in cameo, f"{name}: {cam[0]} not in the CAMEO scheme"
        assert (plo[0], RDF.type, DIP.PloverType) in plover, f"{name}: {plo[0]} not in the PLOVER scheme"
        assert (plo[0], OWL.deprecated, Literal(True)) not in plover


def test_event_defaults_follow_the_crosswalk(ont: Graph) -> None:
    """Where the crosswalk maps the default CAMEO code, the default PLOVER type is its type."""
    for c in _event_classes(ont):
        code = str(ont.value(c, DIP.defaultCameoCode)).rsplit("#", 1)[1]
        ptype = str(ont.value(c, DIP.defaultPloverType)).rsplit("#", 1)[1]
        mapped = codes.cameo_to_plover(code)
        if mapped is None:  # Denial: 016 is in root 01, which PLOVER dropped
            assert codes.cameo_root(code) in ("01", "02"), c
        else:
            assert mapped == ptype, c


# -- concept schemes ---------------------------------------------------------------------------------

def test_cameo_roots(cameo: Graph) -> None:
    roots = {str(o).rsplit("#", 1)[1] for o in cameo.objects(CAMEO_SCHEME, SKOS.hasTopConcept)}
    assert roots == {f"{i:02d}" for i in range(1, 21)}
    for r in roots:
        assert (CAMEO[r], SKOS.topConceptOf, CAMEO_SCHEME) in cameo
        assert cameo.value(CAMEO[r], SKOS.broader) is None


def test_cameo_hierarchy(cameo: Graph) -> None:
    assert cameo.value(CAMEO["040"], SKOS.broader) == CAMEO["04"]
    assert cameo.value(CAMEO["0311"], SKOS.broader) == CAMEO["031"]
    for c in cameo.subjects(RDF.type, DIP.CameoCode):
        code = str(cameo.value(c, SKOS.notation))
        assert c == CAMEO[code]
        assert (c, SKOS.inScheme, CAMEO_SCHEME) in cameo
        assert _en(cameo, c, SKOS.prefLabel), code
        if len(code) > 2:
            assert cameo.value(c, SKOS.broader) == CAMEO[code[:-1]], code


def test_roots_without_plover_type_say_so(cameo: Graph) -> None:
    for r in ("01", "02"):
        assert not list(cameo.objects(CAMEO[r], SKOS.closeMatch))
        notes = _en(cameo, CAMEO[r], SKOS.scopeNote)
        assert notes and "PLOVER" in notes[0]
    assert set(cameo.objects(CAMEO["08"], SKOS.relatedMatch)) == {PLOVER.CONCEDE, PLOVER.RETREAT}


def test_quad_classes(cameo: Graph) -> None:
    members = {str(cameo.value(q, SKOS.notation)): {str(m).rsplit("#", 1)[1] for m in cameo.objects(q, SKOS.member)}
               for q in cameo.subjects(RDF.type, SKOS.Collection)}
    assert members == {"1": {"01", "02", "03", "04", "05"}, "2": {"06", "07", "08"},
                       "3": {"09", "10", "11", "12", "13"}, "4": {f"{i}" for i in range(14, 21)}}


def test_plover_types(plover: Graph) -> None:
    current = {str(plover.value(c, SKOS.notation)) for c in plover.subjects(SKOS.topConceptOf, PLOVER_SCHEME)}
    assert current == PLOVER_2021
    for t in PLOVER_2021:
        assert _en(plover, PLOVER[t], SKOS.definition), t
        assert (PLOVER[t], OWL.deprecated, None) not in plover
    for old, new in PLOVER_05.items():
        c = PLOVER[old]
        assert (c, OWL.deprecated, Literal(True)) in plover
        assert plover.value(c, DCTERMS.isReplacedBy) == PLOVER[new]
        assert _en(plover, c, SKOS.historyNote), old
        assert (c, SKOS.topConceptOf, PLOVER_SCHEME) not in plover


def _read_tsv(shared: Path) -> dict[str, str]:
    rows = (shared / "vocabularies" / "cameo-eventcodes.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return dict(r.split("\t") for r in rows if r.strip())


def test_cameo_scheme_publishes_the_codebook(shared_dir: Path, cameo: Graph) -> None:
    tsv = _read_tsv(shared_dir)
    published = {str(cameo.value(c, SKOS.notation)): str(cameo.value(c, SKOS.prefLabel))
                 for c in cameo.subjects(RDF.type, DIP.CameoCode)}
    quads = {str(cameo.value(q, SKOS.notation)): str(cameo.value(q, SKOS.prefLabel))
             for q in cameo.subjects(RDF.type, SKOS.Collection)}
    assert {**published, **quads} == tsv


def test_crosswalk_matches_the_shared_file(shared_dir: Path, cameo: Graph) -> None:
    """Independent reading of CAMEO2PLOVER-2021.txt: ``CODE: TYPE, ...`` lines."""
    expected: dict[str, set[str]] = {}
    text = (shared_dir / "benchmarks" / "plover-gsr" / "CAMEO2PLOVER-2021.txt").read_text(encoding="utf-8")
    for code, ptype in re.findall(r"(?m)^(\d+):\s*([A-Z]+)", text):
        expected.setdefault(code, set()).add(ptype)
    known = set(_read_tsv(shared_dir))
    expected = {c: t for c, t in expected.items() if c in known}
    found: dict[str, set[str]] = {}
    for p in (SKOS.closeMatch, SKOS.relatedMatch):
        for s, o in cameo.subject_objects(p):
            found.setdefault(str(s).rsplit("#", 1)[1], set()).add(str(o).rsplit("#", 1)[1])
    assert found == expected
    assert len(found) > 250


def test_generated_schemes_are_up_to_date(shared_dir: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_code_schemes", ROOT / "scripts" / "gen_code_schemes.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for name, text in gen.generate(shared_dir).items():
        assert (ONTOLOGY / name).read_text(encoding="utf-8") == text, f"{name}: run scripts/gen_code_schemes.py"


def test_gen_code_schemes_reports_bad_input(tmp_path: Path) -> None:
    (tmp_path / "vocabularies").mkdir()
    (tmp_path / "vocabularies" / "cameo-eventcodes.tsv").write_text("code\tlabel\n01\tOK\n0x2 broken\n")
    (tmp_path / "benchmarks" / "plover-gsr").mkdir(parents=True)
    (tmp_path / "benchmarks" / "plover-gsr" / "CAMEO2PLOVER-2021.txt").write_text("01: AGREE\n")
    out = tmp_path / "out"
    out.mkdir()
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_code_schemes.py"), "--shared", str(tmp_path),
                        "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "cameo-eventcodes.tsv:3:" in r.stderr and "Traceback" not in r.stderr
    assert list(out.iterdir()) == []


# -- vocabulary module -------------------------------------------------------------------------------

def test_vocab_module_in_sync() -> None:
    assert vocabgen.render() == (ROOT / "pipeline" / "vocab.py").read_text(encoding="utf-8"), \
        "pipeline/vocab.py is stale: run python -m pipeline.vocabgen"


def test_vocab_has_every_term_and_fails_on_typos(ont: Graph) -> None:
    for t in _terms(ont):
        assert getattr(DIP, str(t).removeprefix(DIP_NS)) == t
    with pytest.raises(AttributeError):
        DIP.Vist  # noqa: B018  (typo)


def test_vocabgen_check_mode(tmp_path: Path) -> None:
    stale = tmp_path / "vocab.py"
    stale.write_text("# old\n")
    assert vocabgen.main(["--out", str(stale), "--check"]) == 1
    assert vocabgen.main(["--out", str(stale)]) == 0
    assert vocabgen.main(["--out", str(stale), "--check"]) == 0


def test_vocabgen_reports_unlabelled_term(tmp_path: Path) -> None:
    bad = tmp_path / "o.ttl"
    bad.write_text("<https://w3id.org/diplokg/ontology#Thing> a <http://www.w3.org/2002/07/owl#Class> .\n")
    with pytest.raises(vocabgen.InputError, match="no rdfs:label@en"):
        vocabgen.render(bad)


# -- pipeline.codes ----------------------------------------------------------------------------------

def test_codes_lookups() -> None:
    assert codes.cameo_label("057") == "Sign formal agreement"
    assert codes.cameo_label("04") == "CONSULT"
    assert codes.cameo_to_plover("042") == "CONSULT"
    assert codes.cameo_to_plover("036") == "AGREE"
    assert codes.cameo_to_plover("163") == "COERCE"  # listed under root 16 but COERCE in the 2021 table
    assert codes.cameo_to_plover("016") is None
    assert codes.cameo_to_plover("02") is None
    assert codes.cameo_to_plover("08") is None
    assert codes.cameo_to_plover_all("08") == ("CONCEDE", "RETREAT")
    assert codes.cameo_root("0311") == "03"
    assert len(codes.plover_types()) == 16
    assert set(codes.plover_types(include_deprecated=True)) == PLOVER_2021 | set(PLOVER_05)
    assert "quad1" not in codes.cameo_codes() and "0311" in codes.cameo_codes()
    with pytest.raises(KeyError, match="unknown CAMEO code '999'"):
        codes.cameo_label("999")
    with pytest.raises(KeyError):
        codes.plover_label("FIGHTING")


# -- parsers agree -----------------------------------------------------------------------------------

TTL_FILES = sorted([*ONTOLOGY.glob("*.ttl"), *(ROOT / "shapes").glob("*.ttl")])


@pytest.mark.parametrize("path", TTL_FILES, ids=lambda p: p.name)
def test_turtle_parses_everywhere(path: Path) -> None:
    g = Graph()
    g.parse(path, format="turtle")
    n_ox = sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert n_ox == len(g) > 0
    rapper = require_tool("rapper")
    r = subprocess.run([rapper, "-i", "turtle", "-c", str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    m = re.search(r"returned (\d+) triples", r.stderr)
    assert m, r.stderr
    assert int(m.group(1)) == n_ox


def test_docstring_examples() -> None:
    import doctest

    from pipeline import vocab
    for mod in (codes, vocabgen, vocab):
        result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, mod.__name__


def test_queries_use_declared_terms(ont: Graph) -> None:
    """The competency queries (queries/*.rq) use only terms the ontology declares."""
    declared = {str(t).removeprefix(DIP_NS) for t in _terms(ont)}
    files = sorted((ROOT / "queries").glob("*.rq"))
    if not files:
        pytest.skip("no queries yet")
    unknown = {f"{f.name}: dip:{n}" for f in files
               for n in re.findall(r"\bdip:([A-Za-z][A-Za-z0-9]*)", f.read_text(encoding="utf-8")) if n not in declared}
    assert unknown == set()
