"""Write the published dataset, byte-deterministically and atomically.

Files in ``data/published/``:

* ``dataset.nq``   N-Quads, one named graph per article, lines sorted (article order, then line)
* ``dataset.trig`` the same quads as TriG with fixed prefixes
* ``dataset.ttl``  the union of all graphs as Turtle (for loaders without quads)
* ``void.ttl``     VoID description: counts, one partition per article graph
* ``validation-report.ttl`` the SHACL results (warnings) of the published articles

Every file is written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from pipeline.iris import Minter

STANDARD_PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sem": "http://semanticweb.cs.vu.nl/2009/11/sem/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

FILES = ("dataset.nq", "dataset.trig", "dataset.ttl", "void.ttl", "validation-report.ttl")


def prefixes(m: Minter) -> dict[str, str]:
    """The prefixes bound in every published file (fixed: output must not depend on input)."""
    p = dict(STANDARD_PREFIXES)
    p.update({
        "dip": m.ontology,
        "cameo": m.base + "ontology/cameo#",
        "plover": m.base + "ontology/plover#",
        "graph": m.base + "graph/",
        "person": m.base + "id/person/",
        "state": m.base + "id/state/",
        "place": m.base + "id/place/",
        "org": m.base + "id/organization/",
        "event": m.base + "id/event/",
        "statement": m.base + "id/statement/",
        "claim": m.base + "id/claim/",
        "span": m.base + "id/span/",
        "article": m.base + "id/article/",
    })
    return p


@dataclass(frozen=True)
class GraphPart:
    """One article's published graph."""

    article_id: str
    graph: str  # graph IRI
    nquads: str  # sorted N-Quads lines, newline-terminated
    triples: int
    report_nt: str = ""  # warnings, as N-Triples


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def sorted_prefix_lines(data: bytes) -> bytes:
    """Put the leading ``@prefix`` lines of a Turtle/TriG document in a fixed (sorted) order.

    pyoxigraph writes prefixes in hash order, which differs between processes.
    """
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + lines[n:])


def _quads(parts: Sequence[GraphPart]) -> Iterable[ox.Quad]:
    for part in parts:
        yield from ox.parse(part.nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS)


def void_turtle(parts: Sequence[GraphPart], m: Minter, union_triples: int,
                entities: int, distinct_subjects: int) -> bytes:
    """VoID description of the dataset with a partition per article graph."""
    ds = f"<{m.base}dataset>"
    lines = [
        f"@prefix void: <{STANDARD_PREFIXES['void']}> .",
        f"@prefix dcterms: <{STANDARD_PREFIXES['dcterms']}> .",
        f"@prefix xsd: <{STANDARD_PREFIXES['xsd']}> .",
        "",
        f"{ds} a void:Dataset ;",
        '    dcterms:title "diplokg: diplomacy news knowledge graph"@en ;',
        "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;",
        f"    void:vocabulary <{m.ontology}> ;",
        f"    void:uriSpace \"{m.base}id/\" ;",
        f"    void:dataDump <{m.base}dumps/dataset.nq.gz> ;",
        f"    void:triples {union_triples} ;",
        f"    void:distinctSubjects {distinct_subjects} ;",
        f"    void:entities {entities} ;",
        f"    void:documents {len(parts)} ;",
    ]
    for i, part in enumerate(parts):
        sep = " ;" if i < len(parts) - 1 else " ."
        lines.append(f"    void:subset <{part.graph}>{sep}")
    if not parts:
        lines[-1] = lines[-1].rstrip(" ;") + " ."
    for part in parts:
        lines += ["", f"<{part.graph}> a void:Dataset ;",
                  f"    dcterms:source <{m.article(part.article_id)}> ;",
                  f"    void:triples {part.triples} ."]
    return ("\n".join(lines) + "\n").encode("utf-8")


def publish(parts: Sequence[GraphPart], out: Path, m: Minter) -> dict[str, int]:
    """Write every published file for ``parts`` (sorted by article id) into ``out``.

    Returns:
        Counts: ``graphs``, ``quads``, ``triples`` (union).
    """
    parts = sorted(parts, key=lambda p: p.article_id)
    pre = prefixes(m)
    nq = "".join(p.nquads for p in parts).encode("utf-8")
    trig = sorted_prefix_lines(ox.serialize(_quads(parts), format=ox.RdfFormat.TRIG, prefixes=pre) or b"")
    union = sorted({line.rsplit(" <", 1)[0] for p in parts for line in p.nquads.splitlines()})
    union_nt = "".join(f"{t} .\n" for t in union).encode("utf-8")
    triples = list(ox.parse(union_nt, format=ox.RdfFormat.N_TRIPLES))
    ttl = sorted_prefix_lines(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=pre) or b"")
    subjects = {t.subject for t in triples}
    entity_prefix = m.base + "id/"
    entities = {s for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(entity_prefix)}
    void = void_turtle(parts, m, len(triples), len(entities), len(subjects))
    report_nt = "".join(sorted({ln + "\n" for p in parts for ln in p.report_nt.splitlines() if ln}))
    report = sorted_prefix_lines(ox.serialize(
        ox.parse(report_nt.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES),
        format=ox.RdfFormat.TURTLE, prefixes=pre) or b"")
    for name, data in (("dataset.nq", nq), ("dataset.trig", trig), ("dataset.ttl", ttl),
                       ("void.ttl", void), ("validation-report.ttl", report)):
        atomic_write(out / name, data)
    return {"graphs": len(parts), "quads": nq.count(b"\n"), "triples": len(triples)}
