"""pipeline.validate: the report is a value, tampering is caught span by span, and the
report graph is deterministic."""

from __future__ import annotations

from rdflib import Literal

from pipeline.build import ArticleInput, load_article_facts
from pipeline.mapping import to_graph
from pipeline.validate import validate
from pipeline.vocab import OA
from tests.conftest import ARTICLES, SEED_ID


def _seed_graph():
    inp = ArticleInput(SEED_ID, ARTICLES / f"{SEED_ID}.txt", ARTICLES / f"{SEED_ID}.yaml")
    return to_graph(load_article_facts(inp))


def test_seed_graph_conforms() -> None:
    report = validate(_seed_graph(), label=SEED_ID)
    assert report.conforms, report.text()


def test_each_tampered_span_is_reported() -> None:
    """Tampering two spans must give two violations naming exactly those spans."""
    g = _seed_graph()
    from pipeline.vocab import DIP
    from rdflib.namespace import RDF
    event_spans = {o for s, o in g.subject_objects(DIP.evidence) if (s, RDF.type, DIP.Criticism) in g}
    tampered = sorted(event_spans)[:2]
    assert len(tampered) == 2
    for s in tampered:
        g.set((s, OA.exact, Literal("tampered text")))
    report = validate(g, label=SEED_ID)
    assert not report.conforms
    exact = [r for r in report.violations if r.component == "sh:SPARQLConstraintComponent"]
    # the check runs once per article (its focus node) and names each bad span as the value
    assert {r.focus for r in exact} == {f"https://w3id.org/diplokg/id/article/{SEED_ID}"}
    assert {r.value for r in exact} == {str(s) for s in tampered}


def test_report_graph_is_deterministic_and_readable() -> None:
    g = _seed_graph()
    g.remove((None, OA.start, None))
    r1, r2 = validate(g, label="x"), validate(g, label="x")
    assert r1.to_graph("https://w3id.org/diplokg/").serialize(format="nt") == \
        r2.to_graph("https://w3id.org/diplokg/").serialize(format="nt")
    text = r1.text()
    assert text.startswith("x: ") and "violation(s)" in text
    assert all(line.strip().startswith(("Violation:", "Warning:", "Info:")) for line in text.splitlines()[1:])


def test_non_default_base_is_validated_too() -> None:
    """With --base, shapes and ontology are rewritten to the same base: the graph conforms, and a
    broken graph under that base is caught (not silently skipped for want of targets)."""
    from pipeline.facts import load_facts
    from pipeline.iris import Minter
    from pipeline.validate import validate_article
    from tests.conftest import ROOT
    base = "https://example.org/kg/"
    g = to_graph(load_facts(ARTICLES / f"{SEED_ID}.yaml"), Minter(base))
    ok = validate_article(g, SEED_ID, ROOT / "shapes", ROOT / "ontology", base=base)
    assert ok.conforms and ok.results, ok.text()  # warnings prove the shapes found their targets
    g.remove((None, OA.start, None))
    bad = validate_article(g, SEED_ID, ROOT / "shapes", ROOT / "ontology", base=base)
    assert not bad.conforms
    assert all(r.focus.startswith(base) for r in bad.violations)
