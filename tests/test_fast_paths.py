"""The build's fast paths give what the plain paths give (issue 7, speed without changing bytes).

* facts: :func:`pipeline.facts._construct_fast` builds the same data as libyaml's constructor and
  leaves what it does not handle (merge keys, tags) to it; duplicate keys are still reported.
* validate (turbo): the ontology part read with pyoxigraph (:func:`_ontology_nt_parts`) holds the
  same triples as the rdflib-read one, and the concepts found in N-Triples text by a regex are
  the ones :meth:`NTriples.objects` finds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipeline.errors import FactsError
from pipeline.facts import _construct_fast, _FastLoader, parse_yaml
from pipeline.validate import (
    DEFAULT_BASE, ONTOLOGY_DIR, _IRI_OBJECT, _concepts_nt, _hierarchy_nt, _ontology_nt,
    _ontology_nt_for_text, _ontology_nt_parts,
)
from tests.conftest import ARTICLES

needs_libyaml = pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="no libyaml")


def _both(text: str):  # -> (fast result or the exception type, libyaml constructor's result)
    def load(fast: bool):
        loader = _FastLoader(text)
        try:
            node = loader.get_single_node()
            if fast:
                try:
                    return _construct_fast(loader, node)
                except Exception as exc:  # noqa: BLE001 - the caller falls back on any exception
                    return type(exc)
            try:
                return loader.construct_document(node)
            except yaml.YAMLError as exc:
                return type(exc)
        finally:
            loader.dispose()
    return load(True), load(False)


@needs_libyaml
@pytest.mark.parametrize("path", sorted(ARTICLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_fast_construct_equals_libyaml_on_the_bundled_facts(path: Path) -> None:
    (fast, dup), slow = _both(path.read_text("utf-8"))
    assert not dup
    assert fast == slow and repr(fast) == repr(slow)


@needs_libyaml
def test_fast_construct_scalars_and_aliases() -> None:
    text = ("a: 1\nb: 2.5\nc: true\nd: null\ne: '007'\nf: 2024-06-19\ng: [x, ~, -3]\n"
            "h: &anchor {k: v}\ni: *anchor\n1: int key\n")
    (fast, dup), slow = _both(text)
    assert not dup
    assert fast == slow and repr(fast) == repr(slow)
    assert fast["f"] == "2024-06-19"  # dates stay strings
    assert fast["h"] is fast["i"]  # an alias is the same object, as with the loader


@needs_libyaml
@pytest.mark.parametrize("text", ["base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n", "a: !!set {x, y}\n",
                                  "a: !custom 1\n", "? [1, 2]\n: v\n"])
def test_fast_construct_leaves_the_unusual_to_the_loader(text: str) -> None:
    fast, slow = _both(text)
    assert isinstance(fast, type) and issubclass(fast, Exception)  # parse_yaml then uses the loader


def test_merge_keys_still_load_through_parse_yaml(tmp_path: Path) -> None:
    data, _ = parse_yaml("base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n", tmp_path / "f.yaml")
    assert data["derived"] == {"x": 1, "y": 2}


@pytest.mark.parametrize("text,line", [("article:\n  id: a\n  id: b\n", 3), ("a: 1\nb:\n  - c: 1\n    c: 2\n", 4),
                                       ("a: 1\n'1': x\n1: y\n", 3)])
def test_duplicate_keys_still_reported(tmp_path: Path, text: str, line: int) -> None:
    with pytest.raises(FactsError) as err:
        parse_yaml(text, tmp_path / "f.yaml")
    assert "duplicate key" in str(err.value) and err.value.line == line


@pytest.mark.parametrize("base", [DEFAULT_BASE, "http://example.org/kg/"])
def test_ontology_parts_read_with_pyoxigraph_equal_rdflib(base: str) -> None:
    hierarchy, concepts = _ontology_nt_parts(ONTOLOGY_DIR, base)
    assert sorted(hierarchy.splitlines()) == sorted(_hierarchy_nt(ONTOLOGY_DIR, base).splitlines())
    assert len(concepts) > 100
    assert {k: sorted(v.splitlines()) for k, v in concepts.items()} == \
        {f"<{k}>": sorted(v.splitlines()) for k, v in _concepts_nt(ONTOLOGY_DIR, base).items()}


def test_concepts_found_in_text_equal_the_mappers_objects() -> None:
    from pipeline.build import discover, load_article_facts
    from pipeline.iris import minter
    from pipeline.mapping import to_ntriples
    n = 0
    for inp in discover(ARTICLES):
        triples = to_ntriples(load_article_facts(inp), minter())
        text = triples.text()
        assert set(_IRI_OBJECT.findall(text)) == {f"<{o}>" for o in triples.objects()}
        assert sorted(_ontology_nt_for_text(text, ONTOLOGY_DIR).splitlines()) == \
            sorted(_ontology_nt(triples, ONTOLOGY_DIR).splitlines())  # type: ignore[arg-type]
        n += 1
    assert n >= 5


def test_iri_object_regex_skips_literals() -> None:
    text = ('<http://a/s> <http://a/p> <http://a/o> .\n'
            '<http://a/s> <http://a/p> "x <http://a/q> ."^^<http://www.w3.org/2001/XMLSchema#string> .\n'
            '<http://a/s> <http://a/p> "ends with <http://a/r>" .\n'
            '<http://a/s> <http://a/p> "tagged"@en .\n'
            '<http://a/s> <http://a/p> "2024"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n')
    assert _IRI_OBJECT.findall(text) == ["<http://a/o>"]
