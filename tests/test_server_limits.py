"""``diplokg serve`` limits and start-up: runaway queries, missing/corrupt datasets, build-first."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from serve_harness import free_port, make_published, make_root, serve

from pipeline.commands.serve import ensure_built, needs_build

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 123^4 rows: ~a minute


def test_runaway_query_is_stopped_with_503_and_others_are_served(tmp_path: Path) -> None:
    published, root = make_published(tmp_path / "pub"), make_root(tmp_path / "root")
    with serve(published, root, timeout=2.0, workers=2) as live, httpx.Client(base_url=live.url, timeout=60) as c:
        order: list[str] = []
        runaway: list[httpx.Response] = []

        def run_away() -> None:
            runaway.append(c.get("/sparql", params={"query": RUNAWAY}))
            order.append("runaway")

        t = threading.Thread(target=run_away)
        t.start()
        while not live.state.pool._idle.qsize() < 2:  # wait until a worker has taken the runaway
            threading.Event().wait(0.01)
        lookup = c.get("/sparql", params={"query": "ASK { ?s a <https://w3id.org/diplokg/ontology#Person> }"})
        order.append("lookup")
        t.join()
        assert lookup.status_code == 200 and lookup.json()["boolean"] is True
        assert order == ["lookup", "runaway"]  # the lookup did not wait for the runaway
        assert runaway[0].status_code == 503
        assert "per-query time limit" in runaway[0].text
        assert live.state.pool.killed == 1  # really stopped: its worker process was killed
        # the pool recovers: queries keep working on both workers
        for n in range(3):
            r = c.get("/sparql", params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {n}"})
            assert r.status_code == 200 and r.json()["results"]["bindings"][0]["n"]["value"] == "123"


def test_memory_hungry_query_is_stopped_with_503(tmp_path: Path) -> None:
    published, root = make_published(tmp_path / "pub"), make_root(tmp_path / "root")
    sort_all = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?l ?a"  # sorts 229M rows
    with serve(published, root, timeout=60.0, workers=1, worker_memory_mb=150) as live, \
            httpx.Client(base_url=live.url, timeout=120) as c:
        resp = c.get("/sparql", params={"query": sort_all})
        assert resp.status_code == 503 and "150 MB memory budget" in resp.text
        assert live.state.pool.killed == 1
        after = c.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})  # served by the replacement worker
        assert after.status_code == 200 and after.json()["boolean"] is True


def _serve_cli(published: Path, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "serve", "--no-build", "--root", str(root),
         "--published", str(published), "--port", str(free_port())],
        capture_output=True, text=True, timeout=60,
    )


def test_missing_dataset_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = _serve_cli(tmp_path / "empty", tmp_path)
    assert proc.returncode == 1
    assert "no published dataset" in proc.stderr and "diplokg build" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_corrupt_dataset_is_a_clear_error(tmp_path: Path) -> None:
    pub = tmp_path / "pub"
    pub.mkdir()
    (pub / "dataset.trig").write_text("<https://e/g> {\n  <https://e/s> <https://e/p> \"unterminated .\n}\n")
    proc = _serve_cli(pub, tmp_path)
    assert proc.returncode == 1
    assert "corrupt dataset" in proc.stderr and str(pub / "dataset.trig") in proc.stderr
    assert "Traceback" not in proc.stderr
    (pub / "dataset.trig").write_text("# nothing here\n")
    proc = _serve_cli(pub, tmp_path)
    assert proc.returncode == 1 and "the dataset is empty" in proc.stderr


def test_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    published = make_published(tmp_path / "pub")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "serve", "--no-build", "--published",
                               str(published), "--port", str(port)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr


def test_needs_build_when_missing_or_stale(tmp_path: Path) -> None:
    root = tmp_path
    (root / "data" / "articles").mkdir(parents=True)
    art = root / "data" / "articles" / "a.txt"
    art.write_text("text")
    pub = root / "data" / "published"
    assert needs_build(root, pub) == "no published dataset"
    make_published(pub)
    os.utime(art, (1_000_000, 1_000_000))
    assert needs_build(root, pub) is None
    os.utime(art, None)
    os.utime(pub / "dataset.nq", (1_000_000, 1_000_000))
    assert needs_build(root, pub) == "dataset.nq is older than its inputs"


@pytest.mark.slow
def test_serve_builds_the_dataset_first_when_missing(project_copy: Path) -> None:
    published = project_copy / "data" / "published"
    assert not published.exists()
    ensure_built(project_copy, published, quiet=True)
    assert (published / "dataset.nq").is_file() and (published / "dataset.trig").is_file()
    assert needs_build(project_copy, published) is None
