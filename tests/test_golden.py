"""Golden graph per article (house style 7): facts -> link -> map, compared as RDF with the
reviewed golden in tests/goldens/<id>.nt, with a readable diff of what is only on each side.

Regenerate after a deliberate change with ``pytest tests/test_golden.py --update-goldens`` and
review the diff in git before committing."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from pipeline.build import ArticleInput, _resolver, load_article_facts
from pipeline.link import link
from pipeline.mapping import to_graph
from pipeline.iris import Minter, DEFAULT_BASE
from tests.conftest import ARTICLES, ROOT

GOLDENS = Path(__file__).parent / "goldens"
CURATED = sorted(p.stem for p in ARTICLES.glob("*.yaml"))


def _graph(article_id: str) -> Graph:
    inp = ArticleInput(article_id, ARTICLES / f"{article_id}.txt", ARTICLES / f"{article_id}.yaml")
    facts = link(load_article_facts(inp), _resolver(ROOT / "data" / "wikidata"))
    return to_graph(facts, Minter(DEFAULT_BASE))


def _nt(g: Graph) -> str:
    return "".join(sorted(ln + "\n" for ln in g.serialize(format="nt").splitlines() if ln))


@pytest.mark.parametrize("article_id", CURATED)
def test_golden(article_id: str, update_goldens: bool) -> None:
    golden_path = GOLDENS / f"{article_id}.nt"
    g = _graph(article_id)
    if update_goldens:
        golden_path.write_text(_nt(g), "utf-8")
        pytest.skip("golden rewritten: review the diff")
    assert golden_path.exists(), f"no golden for {article_id}: run with --update-goldens and review it"
    golden = Graph().parse(golden_path, format="nt")
    if to_isomorphic(g) != to_isomorphic(golden):
        _, only_new, only_golden = graph_diff(to_isomorphic(g), to_isomorphic(golden))
        lines = ["graph differs from its golden", "only in the new graph:"]
        lines += ["  + " + ln for ln in sorted(_nt(only_new).splitlines())[:40]]
        lines += ["only in the golden:"]
        lines += ["  - " + ln for ln in sorted(_nt(only_golden).splitlines())[:40]]
        pytest.fail("\n".join(lines))


def test_mapping_is_deterministic() -> None:
    assert _nt(_graph(CURATED[0])) == _nt(_graph(CURATED[0]))


def test_base_iri_is_configurable() -> None:
    from pipeline.facts import load_facts
    facts = load_facts(ARTICLES / f"{CURATED[0]}.yaml")
    g = to_graph(facts, Minter("https://example.org/kg/"))
    iris = {str(t) for tr in g for t in tr if t.__class__.__name__ == "URIRef"}
    assert not any(i.startswith(DEFAULT_BASE) for i in iris)
    assert any(i.startswith("https://example.org/kg/ontology#") for i in iris)
    assert str(g.identifier) == f"https://example.org/kg/graph/{CURATED[0]}"
