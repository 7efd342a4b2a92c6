"""A real ``diplokg serve`` app on a free loopback port, run by uvicorn in a background thread.

Used by the server, client, conformance and browser tests. The query workers are real child
processes; nothing is mocked.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import uvicorn

from pipeline.server.app import ServerConfig, create_app
from pipeline.server.http import CoalescingHttpToolsProtocol

FIXTURE_TRIG = Path(__file__).parent / "fixtures" / "published" / "dataset.trig"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    url: str
    port: int
    app: Any
    config: ServerConfig

    @property
    def state(self) -> Any:
        return self.app.state


def make_published(folder: Path, trig: Path = FIXTURE_TRIG) -> Path:
    """A published folder from a TriG file: dataset.trig, dataset.nq and dataset.ttl (union)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.trig").write_bytes(trig.read_bytes())
    quads = list(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG))
    (folder / "dataset.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    triples = sorted({q.triple for q in quads}, key=str)
    (folder / "dataset.ttl").write_bytes(ox.serialize(triples, format=ox.RdfFormat.TURTLE) or b"")
    return folder


def make_root(folder: Path) -> Path:
    """A project root with a tiny ontology, shapes file and two example queries."""
    (folder / "ontology").mkdir(parents=True, exist_ok=True)
    (folder / "shapes").mkdir(exist_ok=True)
    (folder / "queries").mkdir(exist_ok=True)
    (folder / "ontology" / "diplokg.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix dip: <https://w3id.org/diplokg/ontology#> .\n"
        "<https://w3id.org/diplokg/ontology> a owl:Ontology .\ndip:Person a owl:Class .\n", encoding="utf-8")
    (folder / "shapes" / "diplokg.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix dip: <https://w3id.org/diplokg/ontology#> .\n"
        "<https://w3id.org/diplokg/shapes#PersonShape> a sh:NodeShape ; sh:targetClass dip:Person .\n",
        encoding="utf-8")
    (folder / "queries" / "cq01-people.rq").write_text(
        "# Who are the people in the dataset?\nPREFIX dip: <https://w3id.org/diplokg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?person ?name WHERE { ?person a dip:Person ; rdfs:label ?name } ORDER BY ?name\n",
        encoding="utf-8")
    (folder / "queries" / "cq02-criticisms.rq").write_text(
        "# Who criticised what, with which word?\nPREFIX dip: <https://w3id.org/diplokg/ontology#>\n"
        "SELECT ?event ?actor ?target ?word WHERE { ?event a dip:Criticism ; dip:actor ?actor ; "
        "dip:target ?target OPTIONAL { ?event dip:characterisation ?word } } ORDER BY ?event\n",
        encoding="utf-8")
    return folder


@contextmanager
def serve(published: Path, root: Path, **overrides: Any) -> Iterator[Live]:
    """Run the app on a free port until the block ends."""
    config = ServerConfig(published=published, root=root, workers=overrides.pop("workers", 2))
    config = replace(config, **overrides)
    app = create_app(config)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           http=CoalescingHttpToolsProtocol,
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", port, app, config)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
