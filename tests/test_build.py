"""`diplokg build`: the published dataset is byte-deterministic, parses everywhere with the
same counts, and bad articles are quarantined while the rest publish."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from pipeline.build import build_dataset
from pipeline.publish import FILES
from tests.conftest import PUBLISHED, SEED_ID, require_tool


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of the bundled corpus into a scratch folder (no cache)."""
    import shutil
    from tests.conftest import ROOT
    root = tmp_path_factory.mktemp("rebuild")
    for d in ("ontology", "shapes"):
        shutil.copytree(ROOT / d, root / d)
    shutil.copytree(ROOT / "data" / "articles", root / "data" / "articles")
    shutil.copytree(ROOT / "data" / "wikidata", root / "data" / "wikidata")
    res = build_dataset(root, use_cache=False)
    assert res.ok, res.summary()
    return root / "data" / "published"


@pytest.mark.parametrize("name", FILES)
def test_rebuild_is_byte_identical_to_committed(rebuilt: Path, name: str) -> None:
    committed = (PUBLISHED / name).read_bytes()
    fresh = (rebuilt / name).read_bytes()
    assert fresh == committed, (
        f"data/published/{name} is stale or the build is not deterministic: run `diplokg build` "
        "and commit the result")


def _pyox_count(path: Path, fmt: ox.RdfFormat) -> int:
    return sum(1 for _ in ox.parse(path=str(path), format=fmt))


def _rapper_count(path: Path, syntax: str) -> int:
    rapper = require_tool("rapper")
    proc = subprocess.run([rapper, "-i", syntax, "-c", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"returned (\d+) (?:triples|statements)", proc.stderr)
    assert m, proc.stderr
    return int(m.group(1))


def test_published_files_parse_with_rapper_and_pyoxigraph_and_counts_agree() -> None:
    nq = _pyox_count(PUBLISHED / "dataset.nq", ox.RdfFormat.N_QUADS)
    trig = _pyox_count(PUBLISHED / "dataset.trig", ox.RdfFormat.TRIG)
    ttl = _pyox_count(PUBLISHED / "dataset.ttl", ox.RdfFormat.TURTLE)
    assert nq == trig > 0
    assert _rapper_count(PUBLISHED / "dataset.nq", "nquads") == nq
    assert _rapper_count(PUBLISHED / "dataset.trig", "trig") == trig
    assert _rapper_count(PUBLISHED / "dataset.ttl", "turtle") == ttl
    _rapper_count(PUBLISHED / "void.ttl", "turtle")
    _rapper_count(PUBLISHED / "validation-report.ttl", "turtle")
    # the union has each distinct triple once; VoID states the same counts
    distinct = {(q.subject, q.predicate, q.object) for q in
                ox.parse(path=str(PUBLISHED / "dataset.nq"), format=ox.RdfFormat.N_QUADS)}
    assert ttl == len(distinct)
    void = (PUBLISHED / "void.ttl").read_text("utf-8")
    assert f"void:triples {ttl} ;" in void
    graphs = re.findall(r"^<([^>]+)> a void:Dataset ;\n.*\n    void:triples (\d+) \.", void, re.M)
    per_graph: dict[str, int] = {}
    for q in ox.parse(path=str(PUBLISHED / "dataset.nq"), format=ox.RdfFormat.N_QUADS):
        per_graph[q.graph_name.value] = per_graph.get(q.graph_name.value, 0) + 1
    assert {g: int(n) for g, n in graphs} == per_graph


def test_one_named_graph_per_article() -> None:
    graphs = {q.graph_name.value for q in
              ox.parse(path=str(PUBLISHED / "dataset.nq"), format=ox.RdfFormat.N_QUADS)}
    from tests.conftest import ARTICLES
    ids = {p.stem for p in ARTICLES.glob("*.txt")}
    assert graphs == {f"https://w3id.org/diplokg/graph/{i}" for i in ids}


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True)


def test_bad_facts_file_is_quarantined_and_the_rest_publish(project_copy: Path) -> None:
    y = project_copy / "data" / "articles" / f"{SEED_ID}.yaml"
    y.write_text(y.read_text("utf-8").replace("actors: [cho-tae-yul]", "actors: [nobody-known]"), "utf-8")
    proc = _cli("build", "--root", str(project_copy), "--workers", "1", "-q")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"QUARANTINED {SEED_ID}" in proc.stdout
    assert "unknown entity 'nobody-known'" in proc.stderr and f"{SEED_ID}.yaml:" in proc.stderr
    report = project_copy / "data" / "quarantine" / SEED_ID / "report.txt"
    assert "nobody-known" in report.read_text("utf-8")
    nq = (project_copy / "data" / "published" / "dataset.nq").read_text("utf-8")
    assert f"/graph/{SEED_ID}>" not in nq
    others = [p.stem for p in (project_copy / "data" / "articles").glob("*.txt") if p.stem != SEED_ID]
    for other in others:
        assert f"/graph/{other}>" in nq
    # no temporary files left behind
    assert not list((project_copy / "data" / "published").glob(".*tmp"))


def test_shacl_violation_quarantines_article(project_copy: Path) -> None:
    """A graph that maps but violates the shapes (an agreement signed by nobody and a statement
    by a speaker that is a place) is held back with its SHACL report."""
    y = project_copy / "data" / "articles" / f"{SEED_ID}.yaml"
    text = y.read_text("utf-8").replace("    speaker: cho-tae-yul\n", "    speaker: seoul\n")
    y.write_text(text, "utf-8")
    proc = _cli("build", "--root", str(project_copy), "--workers", "1", "-q")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    qdir = project_copy / "data" / "quarantine" / SEED_ID
    report = (qdir / "report.txt").read_text("utf-8")
    assert "Violation" in report and "cho-aligned" in report
    assert (qdir / "report.nt").stat().st_size > 0
    # fixing the article lets it publish again and empties its quarantine
    y.write_text(text.replace("    speaker: seoul\n", "    speaker: cho-tae-yul\n"), "utf-8")
    proc = _cli("build", "--root", str(project_copy), "--workers", "1", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not qdir.exists()


def test_build_help_shows_defaults() -> None:
    proc = _cli("build", "--help")
    assert proc.returncode == 0 and "--workers" in proc.stdout and "default" in proc.stdout


def test_articles_that_disagree_on_an_entity_fail_the_build(project_copy: Path) -> None:
    """Two articles naming one entity differently would publish two labels: the build says
    which entity and values, still publishes, and exits 1."""
    y = project_copy / "data" / "articles" / f"{SEED_ID}.yaml"
    y.write_text(y.read_text("utf-8").replace("name: Penny Wong,", "name: Penelope Wong,"), "utf-8")
    proc = _cli("build", "--root", str(project_copy), "--workers", "1", "-q")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    conflict = [ln for ln in proc.stdout.splitlines() if ln.startswith("CONFLICT")]
    assert conflict == ['CONFLICT between articles: <https://w3id.org/diplokg/id/person/penny-wong> '
                        '<http://www.w3.org/2000/01/rdf-schema#label>: "Penelope Wong"@en | "Penny Wong"@en']
    nq = (project_copy / "data" / "published" / "dataset.nq").read_text("utf-8")
    assert f"/graph/{SEED_ID}>" in nq
