"""SHACL shapes: cross-checked against the ontology, pinned by pass/fail fixtures per class.

Fixtures live in ``tests/shapes/<Class>/``: ``P<n>.ttl`` must validate with no result at all;
``F<n>.ttl`` must fail, and its ``# expect: <component> <severity> [<path>]`` lines give the exact set of
(constraint component, severity) pairs the report may contain (and, where a path is given, that a result
has that path), so a fixture failing for the wrong reason fails the test. Each fixture says why in an
``rdfs:comment`` on ``<>``. Every fixture is validated merged with ``tests/shapes/_context.ttl``.

Validation mixes the ontology's class/property hierarchy into the data graph, as pipeline/validate.py does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH

from conftest import ROOT, SEED_ID

SHAPES = ROOT / "shapes" / "diplokg-shapes.ttl"
ONTOLOGY = ROOT / "ontology"
FIXTURES = Path(__file__).resolve().parent / "shapes"
DIP_NS = "https://w3id.org/diplokg/ontology#"

PREFIXES = {
    "sh": str(SH), "dip": DIP_NS, "rdfs": str(RDFS), "owl": str(OWL), "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/", "oa": "http://www.w3.org/ns/oa#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
}

#: Reused (non-dip) properties the shapes may constrain: all appear in docs/mapping.md.
REUSED_PATHS = {
    "rdfs:label", "rdfs:comment", "skos:altLabel", "owl:sameAs", "prov:wasDerivedFrom", "schema:headline",
    "schema:datePublished", "schema:publisher", "schema:isBasedOn", "schema:author", "schema:url",
    "schema:inLanguage", "schema:text", "oa:exact", "oa:start", "oa:end", "sem:hasPlace", "sem:subEventOf",
}

#: Classes whose instances never appear in article graphs (they live in ontology/cameo.ttl, plover.ttl).
SCHEME_CLASSES = {"CameoCode", "PloverType"}
#: Abstract classes: shapes target them, but fixtures use their subclasses.
ABSTRACT = {"Actor", "DiplomaticEvent"}

CONSTRAINT_PARAMS = {
    SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minInclusive, SH.maxInclusive,
    SH.minLength, SH.maxLength, SH.pattern, SH.languageIn, SH["in"], SH.hasValue, SH.lessThan, SH.equals,
    SH["or"], SH["and"], SH["not"], SH.xone, SH.node, SH.qualifiedValueShape, SH.sparql, SH.uniqueLang,
}


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def short(iri: object) -> str:
    s = str(iri)
    for p, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if s.startswith(ns):
            return f"{p}:{s[len(ns):]}"
    return s


# -- graphs ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shapes() -> Graph:
    g = Graph()
    g.parse(SHAPES, format="turtle")
    return g


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    g.parse(ONTOLOGY / "diplokg.ttl", format="turtle")
    return g


@pytest.fixture(scope="module")
def hierarchy(ontology: Graph) -> Graph:
    """The rdfs:subClassOf / rdfs:subPropertyOf triples the validator mixes into the data graph."""
    h = Graph()
    for p in (RDFS.subClassOf, RDFS.subPropertyOf):
        for t in ontology.triples((None, p, None)):
            h.add(t)
    return h


@pytest.fixture(scope="module")
def context() -> Graph:
    g = Graph()
    g.parse(FIXTURES / "_context.ttl", format="turtle")
    return g


def run(data: Graph, shapes: Graph, hierarchy: Graph) -> list[tuple[str, str, str | None]]:
    """Validate; return (component, severity, path or None) per result."""
    _, report, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=hierarchy, inference="none",
                                  advanced=True, allow_warnings=True)
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(r, SH.resultPath)
        out.append((short(report.value(r, SH.sourceConstraintComponent)), short(report.value(r, SH.resultSeverity)),
                    short(path) if isinstance(path, URIRef) else None))
    return sorted(out, key=str)


# -- cross-checks ------------------------------------------------------------------------------------

def _declared(ontology: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in ontology.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(DIP_NS)}


def _path_iris(g: Graph, path: object) -> set[URIRef]:
    """Every property IRI in a SHACL path expression."""
    if isinstance(path, URIRef):
        return {path}
    out: set[URIRef] = set()
    if (path, RDF.first, None) in g:
        for item in Collection(g, path):
            out |= _path_iris(g, item)
        return out
    for p in (SH.alternativePath, SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        for o in g.objects(path, p):
            out |= _path_iris(g, o)
    return out


def test_targets_and_classes_are_declared(shapes: Graph, ontology: Graph) -> None:
    classes = _declared(ontology, OWL.Class)
    used = set(shapes.objects(None, SH.targetClass)) | set(shapes.objects(None, SH["class"]))
    assert used and used <= classes, f"undeclared classes in shapes: {sorted(map(short, used - classes))}"


def test_paths_are_declared_properties_or_reused_terms(shapes: Graph, ontology: Graph) -> None:
    props = _declared(ontology, OWL.ObjectProperty) | _declared(ontology, OWL.DatatypeProperty)
    allowed = props | {expand(c) for c in REUSED_PATHS}
    used: set[URIRef] = set()
    for p in shapes.objects(None, SH.path):
        used |= _path_iris(shapes, p)
    assert used - allowed == set(), f"unknown sh:path terms: {sorted(map(short, used - allowed))}"
    assert props - used == set(), f"published properties without any shape: {sorted(map(short, props - used))}"


def test_reused_paths_are_in_the_mapping_contract() -> None:
    doc = (ROOT / "docs" / "mapping.md").read_text(encoding="utf-8")
    missing = {c for c in REUSED_PATHS if f"`{c}`" not in doc and f"`{c} " not in doc and c not in doc}
    assert missing == set()


def test_every_published_class_has_a_shape(shapes: Graph, ontology: Graph) -> None:
    classes = {str(c).removeprefix(DIP_NS) for c in _declared(ontology, OWL.Class)} - SCHEME_CLASSES
    targeted = {str(c).removeprefix(DIP_NS) for c in shapes.objects(None, SH.targetClass)}
    assert classes - targeted == set()


def test_every_constraint_has_a_message(shapes: Graph) -> None:
    bare = []
    for s in set(shapes.subjects()):
        params = {p for p in shapes.predicates(s) if p in CONSTRAINT_PARAMS}
        if not params:
            continue
        if s in set(shapes.objects(None, SH["or"])) or _is_nested(shapes, s):
            continue  # operands of sh:or/sh:not/qualifiedValueShape: the enclosing shape's message applies
        if params == {SH.sparql}:
            continue  # the message is on the SPARQL constraint itself (checked below)
        if not any(isinstance(m, Literal) and m.language == "en" for m in shapes.objects(s, SH.message)):
            bare.append(f"{short(s) if isinstance(s, URIRef) else s} ({', '.join(sorted(map(short, params)))})")
    for c in shapes.objects(None, SH.sparql):
        if not list(shapes.objects(c, SH.message)):
            bare.append("SPARQL constraint")
    assert bare == [], "constraints without sh:message:\n" + "\n".join(bare)


def _is_nested(g: Graph, node: object) -> bool:
    """True when ``node`` is an operand of sh:or / sh:not / sh:qualifiedValueShape (possibly in a list)."""
    if not isinstance(node, BNode):
        return False
    if any(True for _ in g.subjects(SH["not"], node)) or any(True for _ in g.subjects(SH.qualifiedValueShape, node)):
        return True
    for cell in g.subjects(RDF.first, node):
        head = cell
        while True:
            prev = next(iter(g.subjects(RDF.rest, head)), None)
            if prev is None:
                break
            head = prev
        if any(True for _ in g.subjects(SH["or"], head)) or any(True for _ in g.subjects(SH["in"], head)):
            return True
    return False


def test_severities_and_one_sparql_constraint(shapes: Graph) -> None:
    assert set(shapes.objects(None, SH.severity)) <= {SH.Violation, SH.Warning, SH.Info}
    assert len(list(shapes.objects(None, SH.sparql))) == 1


def test_plover_pattern_lists_the_2021_types(shapes: Graph) -> None:
    plover = Graph()
    plover.parse(ONTOLOGY / "plover.ttl", format="turtle")
    current = {str(plover.value(c, URIRef(PREFIXES["skos"] + "notation")))
               for c in plover.subjects(URIRef(PREFIXES["skos"] + "topConceptOf"), None)}
    (pattern,) = [str(shapes.value(ps, SH.pattern)) for ps in shapes.subjects(SH.path, expand("dip:ploverType"))
                  if shapes.value(ps, SH.pattern) is not None]
    m = re.search(r"#\((.*)\)\$$", pattern)
    assert m and set(m.group(1).split("|")) == current and len(current) == 16


# -- fixtures ----------------------------------------------------------------------------------------

FIXTURE_FILES = sorted(FIXTURES.glob("*/*.ttl"))


def test_fixture_layout(ontology: Graph) -> None:
    dirs = {p.parent.name for p in FIXTURE_FILES}
    classes = {str(c).removeprefix(DIP_NS) for c in _declared(ontology, OWL.Class)} - SCHEME_CLASSES - ABSTRACT
    assert dirs == classes
    for d in dirs:
        names = {p.stem for p in FIXTURE_FILES if p.parent.name == d}
        assert "P1" in names and "F1" in names, d
        assert all(re.fullmatch(r"[PF][1-9][0-9]*", n) for n in names), d


def test_context_is_clean(context: Graph, shapes: Graph, hierarchy: Graph) -> None:
    assert run(context, shapes, hierarchy) == []


def _expectations(text: str) -> list[tuple[str, str, str | None]]:
    out = []
    for comp, sev, path in re.findall(r"(?m)^# expect: (sh:\w+) (sh:\w+)(?: (\S+))?\s*$", text):
        out.append((comp, sev, path or None))
    return out


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixture(path: Path, context: Graph, shapes: Graph, hierarchy: Graph) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _expectations(text)
    data = Graph()
    data.parse(data=text, format="turtle", publicID=path.as_uri())
    why = [str(o) for o in data.objects(URIRef(path.as_uri()), RDFS.comment)]
    assert why, f"{path.name}: no rdfs:comment on <> saying what the fixture is about"
    focus = {s for s in data.subjects(RDF.type, None)}
    assert focus, "the fixture adds no typed node"
    results = run(context + data, shapes, hierarchy)
    if path.stem.startswith("P"):
        assert expected == [], "a passing fixture has no expectations"
        assert results == [], f"{path.name} should conform: {why[0]}"
        return
    assert expected, "a failing fixture needs '# expect: <component> <severity> [<path>]' lines"
    assert why[0].startswith("fails:")
    got = {(c, s) for c, s, _ in results}
    assert got == {(c, s) for c, s, _ in expected}, f"{path.name} ({why[0]}) gave {results}"
    for c, s, p in expected:
        if p is not None:
            assert (c, s, p) in results, f"{path.name}: no {c} {s} result on path {p}: {results}"


# -- the real thing ----------------------------------------------------------------------------------

def test_seed_article_graph_conforms(shapes: Graph, hierarchy: Graph) -> None:
    """The mapping's graph of the seed article has no violation (warnings and infos are expected)."""
    from pipeline.facts import load_facts
    from pipeline.mapping import to_graph

    facts = load_facts(ROOT / "data" / "articles" / f"{SEED_ID}.yaml")
    results = run(to_graph(facts), shapes, hierarchy)
    assert [r for r in results if r[1] == "sh:Violation"] == []
    assert {r[1] for r in results} <= {"sh:Warning", "sh:Info"}
