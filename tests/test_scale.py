"""Scale (issue 7): parallel, incremental, distributed builds give the same bytes; bad articles and
dying workers are contained; the fast SHACL engine agrees with pyshacl; the corpus generator is
deterministic. Small generated corpora only (speed is measured by benchmarks/build_bench.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from benchmarks.corpus import generate, make_article
from pipeline.build import WORKER_DIED, build_dataset, discover
from pipeline.iris import minter
from pipeline.publish import FILES, GraphPart, publish
from tests.conftest import ARTICLES, ROOT

N = 24  # articles in the generated corpus


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


def _copy(src: Path, dst: Path, cache: bool = False) -> Path:
    shutil.copytree(src, dst, ignore=None if cache else shutil.ignore_patterns(".diplokg-cache", "published",
                                                                             "quarantine"))
    return dst


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(N, root, seed=3)
    return root


@pytest.fixture(scope="module")
def serial(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The reference: a serial, uncached build with pyshacl."""
    root = _copy(corpus, tmp_path_factory.mktemp("serial") / "proj")
    res = build_dataset(root, workers=1, use_cache=False)
    assert res.ok, res.summary()  # every generated article is valid against the shapes
    assert len(res.published) == N and res.reused == 0
    return _files(root / "data" / "published")


# -- the corpus generator ----------------------------------------------------------------------------

def test_corpus_is_deterministic_and_prefix_stable(tmp_path: Path) -> None:
    a, b = generate(5, tmp_path / "a", seed=9), generate(3, tmp_path / "b", seed=9)
    assert a[:3] == b
    for aid in b:
        for ext in (".txt", ".yaml"):
            assert (tmp_path / "a/data/articles" / (aid + ext)).read_bytes() == \
                   (tmp_path / "b/data/articles" / (aid + ext)).read_bytes()
    assert make_article(1, seed=9) != make_article(1, seed=10)


def test_corpus_mixes_every_event_type_and_recurring_actors(corpus: Path) -> None:
    from pipeline.facts import load_facts
    from pipeline.model import EVENT_TYPES
    types: set[str] = set()
    seen: dict[str, int] = {}
    quotes = claims = 0
    for y in sorted((corpus / "data" / "articles").glob("*.yaml")):
        f = load_facts(y)
        types |= {e.type for e in f.events}
        quotes += len(f.statements)
        claims += len(f.claims)
        for e in f.entities:
            seen[e.id] = seen.get(e.id, 0) + 1
    assert types == set(EVENT_TYPES)
    assert quotes >= N and claims >= 1
    assert max(seen.values()) >= 3  # some actors recur across articles


# -- parallel, incremental, distributed ---------------------------------------------------------------

def test_parallel_build_is_byte_identical_to_serial(corpus: Path, serial: dict[str, bytes], tmp_path: Path) -> None:
    root = _copy(corpus, tmp_path / "proj")
    res = build_dataset(root, workers=2, use_cache=False)
    assert res.ok and len(res.published) == N
    assert _files(root / "data" / "published") == serial


def test_incremental_rebuild_redoes_only_the_touched_article(corpus: Path, tmp_path: Path) -> None:
    root = _copy(corpus, tmp_path / "proj")
    first = build_dataset(root, workers=1, shacl_engine="turbo")
    assert first.reused == 0
    before = _files(root / "data" / "published")
    again = build_dataset(root, workers=1, shacl_engine="turbo")
    assert again.reused == N and _files(root / "data" / "published") == before

    touched = root / "data" / "articles" / "bench-000004.txt"
    touched.write_text(touched.read_text("utf-8") + "\nThis paragraph was added later.\n", "utf-8")
    inc = build_dataset(root, workers=2, shacl_engine="turbo")
    assert inc.ok and inc.reused == N - 1
    assert [r.id for r in inc.published if not r.cached] == ["bench-000004"]
    after = _files(root / "data" / "published")
    assert after != before
    # the incremental output is what a fresh build of the changed corpus writes
    fresh = _copy(root, tmp_path / "fresh")
    build_dataset(fresh, workers=1, shacl_engine="turbo", use_cache=False)
    assert _files(fresh / "data" / "published") == after


def test_extractor_changes_redo_only_extracted_articles(corpus: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.build as build
    root = _copy(corpus, tmp_path / "proj")
    shutil.copy(ARTICLES / "modi-moscow-visit-2024.txt", root / "data" / "articles" / "plain-text-article.txt")
    first = build_dataset(root, workers=1, shacl_engine="turbo")
    assert first.reused == 0 and len(first.published) + len(first.quarantined) == N + 1
    assert build_dataset(root, workers=1, shacl_engine="turbo").reused == N + 1
    monkeypatch.setattr(build, "extractor_key", lambda: "another version of the extractor")
    again = build_dataset(root, workers=1, shacl_engine="turbo")
    assert again.reused == N
    assert [r.id for r in [*again.published, *again.quarantined] if not r.cached] == ["plain-text-article"]


def test_external_sort_publish_matches_in_memory(corpus: Path, tmp_path: Path) -> None:
    root = _copy(corpus, tmp_path / "proj")
    res = build_dataset(root, workers=1, shacl_engine="turbo")
    cache = root / ".diplokg-cache" / "articles"
    parts = [GraphPart(r.id, r.graph, triples=r.triples, nquads_path=cache / f"{r.key}.nq",
                       meta_path=cache / f"{r.key}.report") for r in res.published]
    counts = publish(parts, tmp_path / "small-runs", minter(), run_lines=50)  # ~200 sorted runs
    assert counts == res.counts
    assert _files(tmp_path / "small-runs") == _files(root / "data" / "published")


def test_turbo_engine_build_is_byte_identical_to_pyshacl(corpus: Path, serial: dict[str, bytes],
                                                          tmp_path: Path) -> None:
    pytest.importorskip("pyshacl_turbo")
    root = _copy(corpus, tmp_path / "proj")
    assert build_dataset(root, workers=1, use_cache=False, shacl_engine="turbo").ok
    assert _files(root / "data" / "published") == serial


def test_fast_schema_check_agrees_with_jsonschema(corpus: Path) -> None:
    """The facts loader's fastjsonschema pre-check accepts exactly what jsonschema accepts."""
    import copy
    import random

    import fastjsonschema
    import jsonschema
    from pipeline.facts import _fast_schema_check, parse_yaml, schema
    fast, ref = _fast_schema_check(), jsonschema.Draft202012Validator(schema())
    rng = random.Random(5)
    mutations = [
        lambda d, k: d[k].update(bogus=1), lambda d, k: d[k].update(type="Nope"),
        lambda d, k: d[k].update(evidence=""), lambda d, k: d[k].update(evidence={"text": "x", "occurrence": 0}),
        lambda d, k: d[k].update(date={"value": "2024"}), lambda d, k: d[k].update(date="2024-1"),
        lambda d, k: d[k].update(actors=["a", "a"]), lambda d, k: d[k].update(actors=["Not An Id"]),
        lambda d, k: d[k].pop("type"), lambda d, k: d[k].update(modality="maybe"),
        lambda d, k: d[k].update(topics=[""]), lambda d, k: d[k].update(cameo="1"),
    ]
    checked = rejected = 0
    for y in sorted((corpus / "data" / "articles").glob("*.yaml"))[:10]:
        data, _ = parse_yaml(y.read_text("utf-8"), y)
        for mutate in [lambda d, k: None, *mutations]:
            d = copy.deepcopy(data)
            mutate(d["events"], rng.choice(sorted(d["events"])))
            ok_ref = not list(ref.iter_errors(d))
            try:
                fast(d)
                ok_fast = True
            except fastjsonschema.JsonSchemaException:
                ok_fast = False
            assert ok_fast == ok_ref, d
            checked += 1
            rejected += not ok_ref
    assert checked == 130 and rejected == 120


def test_trig_is_the_prefixes_then_the_article_blocks(corpus: Path, serial: dict[str, bytes]) -> None:
    """The TriG that publish assembles from per-article blocks is what serializing every quad
    at once writes (with its prefix lines sorted, as the published files have them)."""
    import pyoxigraph as ox
    from pipeline.publish import prefixes, sorted_prefix_lines
    quads = ox.parse(serial["dataset.nq"], format=ox.RdfFormat.N_QUADS)
    whole = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes(minter()))
    assert sorted_prefix_lines(whole) == serial["dataset.trig"]


def test_dask_local_cluster_build_is_identical(corpus: Path, serial: dict[str, bytes], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    root = _copy(corpus, tmp_path / "proj")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as cluster:
        res = build_dataset(root, dask=cluster.scheduler_address, use_cache=False)
    assert res.ok and len(res.published) == N
    assert _files(root / "data" / "published") == serial


# -- bad input -----------------------------------------------------------------------------------------

def test_one_broken_article_is_quarantined_and_the_rest_publish(corpus: Path, tmp_path: Path) -> None:
    root = _copy(corpus, tmp_path / "proj")
    y = root / "data" / "articles" / "bench-000011.yaml"
    text = y.read_text("utf-8")
    y.write_text(text.replace("    evidence: ", "    evidence: NOT IN THE TEXT ", 1), "utf-8")
    proc = _cli("build", "--root", str(root), "--workers", "2", "--shacl-engine", "turbo", "-q")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "QUARANTINED bench-000011" in proc.stdout
    report = (root / "data" / "quarantine" / "bench-000011" / "report.txt").read_text("utf-8")
    assert "bench-000011.yaml:" in report and "evidence not found verbatim" in report
    nq = (root / "data" / "published" / "dataset.nq").read_text("utf-8")
    assert "/graph/bench-000011>" not in nq
    assert all(f"/graph/{a.id}>" in nq for a in discover(root / "data" / "articles") if a.id != "bench-000011")
    assert list((root / "data" / "quarantine").iterdir()) == [root / "data" / "quarantine" / "bench-000011"]


def test_dying_worker_is_retried_once_then_reported_without_partial_files(corpus: Path, tmp_path: Path) -> None:
    root = _copy(corpus, tmp_path / "proj")
    victim = "bench-000006"
    proc = _cli("build", "--root", str(root), "--workers", "2", "--shacl-engine", "turbo", "-q",
                env={"DIPLOKG_TEST_WORKER_EXIT": victim})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"QUARANTINED {victim}" in proc.stdout and WORKER_DIED in proc.stdout
    assert "retried once" in proc.stdout and "exit code 70" in proc.stdout
    out = root / "data" / "published"
    nq = (out / "dataset.nq").read_text("utf-8")
    assert f"/graph/{victim}>" not in nq
    assert nq.count("/graph/bench-") > 0 and all(
        f"/graph/bench-{i:06d}>" in nq for i in range(N) if f"bench-{i:06d}" != victim)
    # no partial files anywhere: no temporaries, no worker markers, no cache entry for the victim
    cache = root / ".diplokg-cache"
    leftovers = [p for p in [*out.iterdir(), *cache.rglob("*")] if p.name.startswith(".") or "running" in p.name]
    assert leftovers == []
    assert not any(victim in p.read_text("utf-8") for p in (cache / "articles").glob("*.json"))
    # the failure is not cached: without the crash the article builds and publishes
    proc = _cli("build", "--root", str(root), "--workers", "2", "--shacl-engine", "turbo", "-q")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"/graph/{victim}>" in (out / "dataset.nq").read_text("utf-8")
    assert not (root / "data" / "quarantine" / victim).exists()


def test_unknown_engine_and_bad_workers_are_usage_errors(corpus: Path) -> None:
    proc = _cli("build", "--root", str(corpus), "--workers", "0", "-q")
    assert proc.returncode == 2 and "--workers must be at least 1" in proc.stderr
    proc = _cli("build", "--root", str(corpus), "--shacl-engine", "fast")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


# -- the turbo SHACL engine agrees with pyshacl --------------------------------------------------------

def _results(report) -> list[tuple]:  # Report -> comparable rows
    return sorted((r.severity, r.focus, r.path or "", r.component, r.message, r.value or "", r.shape or "")
                  for r in report.results)


def _fixture_graphs() -> list[tuple[str, Graph]]:
    fixtures = ROOT / "tests" / "shapes"
    out = []
    if (fixtures / "_context.ttl").exists():
        for f in sorted(fixtures.glob("*/*.ttl")):
            g = Graph()
            g.parse(fixtures / "_context.ttl", format="turtle")
            g.parse(f, format="turtle")
            out.append((f"{f.parent.name}/{f.name}", g))
    return out


def test_turbo_engine_gives_the_same_results_as_pyshacl(corpus: Path) -> None:
    pytest.importorskip("pyshacl_turbo")
    from pipeline.build import _resolver, load_article_facts
    from pipeline.link import link
    from pipeline.mapping import to_graph
    from pipeline.validate import ontology_graph, shapes_graph, validate
    cases = _fixture_graphs()
    inputs = discover(ARTICLES) + discover(corpus / "data" / "articles")[:3]
    for inp in inputs:
        try:
            facts = link(load_article_facts(inp), _resolver(ROOT / "data" / "wikidata"))
        except Exception:  # a bundled article still being written: not this test's business
            continue
        cases.append((inp.id, to_graph(facts)))
    assert len(cases) > 8
    shapes = shapes_graph()
    failing = 0
    for name, g in cases:
        ref = validate(g, name, shapes=shapes, ontology=ontology_graph(g), engine="pyshacl")
        fast = validate(g, name, shapes=shapes, ontology=ontology_graph(g), engine="turbo")
        assert fast.conforms == ref.conforms, name
        assert _results(fast) == _results(ref), name
        # the build's graph-free N-Triples of a report are rdflib's lines
        base = "https://w3id.org/diplokg/"
        assert sorted(ref.to_nt(base).splitlines()) == sorted(ref.to_graph(base).serialize(format="nt").splitlines())
        failing += not ref.conforms
    if _fixture_graphs():
        assert failing > 0  # the fixtures' failing cases were compared too, not only clean graphs
