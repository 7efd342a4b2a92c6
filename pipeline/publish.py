"""Write the published dataset, byte-deterministically and atomically.

Files in ``data/published/``:

* ``dataset.nq``   N-Quads, one named graph per article, lines sorted (article order, then line)
* ``dataset.trig`` the same quads as TriG with fixed prefixes
* ``dataset.ttl``  the union of all graphs as Turtle (for loaders without quads)
* ``void.ttl``     VoID description: counts, one partition per article graph
* ``validation-report.ttl`` the SHACL results (warnings) of the published articles

Every file is written to a temporary name and renamed, so a reader never sees half a file.

Memory stays flat as the corpus grows: parts are read one at a time (from the build cache when
they carry a path), N-Quads and TriG are streamed, and the union's sort-and-dedup is an external
merge sort (sorted runs on disk, merged with :func:`heapq.merge`), so the biggest thing in memory
is one run of :data:`RUN_LINES` lines.
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
        "organization": m.base + "id/organization/",
        "event": m.base + "id/event/",
        "statement": m.base + "id/statement/",
        "claim": m.base + "id/claim/",
        "span": m.base + "id/span/",
        "article": m.base + "id/article/",
    })
    return p


@dataclass(frozen=True)
class GraphPart:
    """One article's published graph.

    The quads and the report are either given inline (``nquads``, ``report_nt``) or read on
    demand from the build cache (``nquads_path``: the N-Quads file; ``meta_path``: the JSON
    entry whose ``report_nt`` holds the report), so a whole corpus need not be in memory.
    """

    article_id: str
    graph: str  # graph IRI
    nquads: str = ""  # sorted N-Quads lines, newline-terminated
    triples: int = 0
    report_nt: str = ""  # warnings, as N-Triples
    nquads_path: Path | None = None
    meta_path: Path | None = None

    def read_nquads(self) -> bytes:
        if self.nquads_path is not None:
            return self.nquads_path.read_bytes()
        return self.nquads.encode("utf-8")

    def read_report(self) -> bytes:
        if self.meta_path is not None:
            return json.loads(self.meta_path.read_bytes()).get("report_nt", "").encode("utf-8")
        return self.report_nt.encode("utf-8")


def atomic_write(path: Path, data: bytes, sync: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    ``sync=False`` skips the fsync (for cache entries: a rename is still atomic for readers,
    and a cache entry lost in a power cut is recomputed).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if sync:
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


#: Lines per sorted run of the external sort (a run of N-Triples lines is ~150 bytes a line).
RUN_LINES = 400_000


class _ExternalSort:
    """Sort-and-dedup of byte lines with bounded memory: sorted runs on disk, merged lazily.

    Byte order of UTF-8 equals code-point order, so the result is the order of ``sorted()``
    on the decoded strings.
    """

    def __init__(self, tmpdir: Path, name: str, run_lines: int = RUN_LINES) -> None:
        self.tmpdir, self.name, self.run_lines = tmpdir, name, run_lines
        self.buf: list[bytes] = []
        self.runs: list[Path] = []

    def add(self, lines: Iterable[bytes]) -> None:
        self.buf.extend(lines)
        if len(self.buf) >= self.run_lines:
            self._spill()

    def _spill(self) -> None:
        if not self.buf:
            return
        run = self.tmpdir / f"{self.name}.{len(self.runs)}.run"
        with open(run, "wb") as fh:
            fh.write(b"".join(ln + b"\n" for ln in sorted(set(self.buf))))
        self.runs.append(run)
        self.buf = []

    def merged(self, stack: ExitStack) -> Iterator[bytes]:
        """Every distinct line once, sorted (without the newline)."""
        if not self.runs:
            yield from sorted(set(self.buf))
            return
        self._spill()
        files = [stack.enter_context(open(r, "rb")) for r in self.runs]
        last = None
        for line in heapq.merge(*files):
            if line != last:
                yield line[:-1]
                last = line


def _chunks(lines: Iterable[bytes], size: int = 20_000) -> Iterator[bytes]:
    buf: list[bytes] = []
    for ln in lines:
        buf.append(ln)
        if len(buf) >= size:
            yield b"".join(buf)
            buf = []
    if buf:
        yield b"".join(buf)


def _parse_nt_lines(lines: Iterable[bytes]) -> Iterator[ox.Triple]:
    """``s p o`` lines (no final dot) -> triples, parsed in chunks by Oxigraph."""
    for chunk in _chunks(ln + b" .\n" for ln in lines):
        yield from ox.parse(chunk, format=ox.RdfFormat.N_TRIPLES)


def _serialize_sorted_prefixes(triples: Iterable[ox.Triple] | Iterable[ox.Quad], out: IO[bytes],
                               tmp: Path, fmt: ox.RdfFormat, pre: dict[str, str]) -> None:
    """Stream-serialize to ``out`` with the leading prefix lines in sorted order (see
    :func:`sorted_prefix_lines`): written to ``tmp`` first, then copied with the head sorted."""
    with open(tmp, "wb") as fh:
        ox.serialize(triples, fh, format=fmt, prefixes=pre)
    with open(tmp, "rb") as fh:
        head: list[bytes] = []
        line = fh.readline()
        while line.startswith(b"@prefix "):
            head.append(line)
            line = fh.readline()
        if head:
            ended = head[-1].endswith(b"\n")  # False only when the file is nothing but prefixes
            out.write(b"\n".join(sorted(h[:-1] if h.endswith(b"\n") else h for h in head)))
            if ended:
                out.write(b"\n")
        out.write(line)
        while chunk := fh.read(1 << 20):
            out.write(chunk)
    tmp.unlink()


def publish(parts: Sequence[GraphPart], out: Path, m: Minter,
            progress: Callable[[Iterable, int], Iterable] | None = None,
            run_lines: int = RUN_LINES) -> dict[str, int]:
    """Write every published file for ``parts`` (sorted by article id) into ``out``.

    Streams: one part in memory at a time; the union is deduplicated by an external sort.
    All five files are written to temporary names and renamed at the end, so a failure
    leaves the previous files (and no temporary file) behind.

    Args:
        parts: the article graphs to publish.
        out: output folder.
        m: IRI minter (base for prefixes and VoID).
        progress: wraps the per-part iterator (e.g. tqdm) given (iterable, total).
        run_lines: lines per sorted run of the external sort.

    Returns:
        Counts: ``graphs``, ``quads``, ``triples`` (union).
    """
    parts = sorted(parts, key=lambda p: p.article_id)
    pre = prefixes(m)
    out.mkdir(parents=True, exist_ok=True)
    wrap = progress or (lambda it, total: it)
    with tempfile.TemporaryDirectory(prefix=".publish-", dir=out) as tmp_name, ExitStack() as stack:
        tmp = Path(tmp_name)
        union = _ExternalSort(tmp, "union", run_lines)
        report = _ExternalSort(tmp, "report", run_lines)
        staged = {name: tmp / name for name in FILES}
        counts = {"quads": 0}
        nq_fh = stack.enter_context(open(staged["dataset.nq"], "wb"))

        def quads() -> Iterator[ox.Quad]:
            for part in wrap(parts, len(parts)):
                nq = part.read_nquads()
                nq_fh.write(nq)
                lines = nq.split(b"\n")
                if lines and lines[-1] == b"":
                    lines.pop()
                counts["quads"] += len(lines)
                union.add(ln.rsplit(b" <", 1)[0] for ln in lines)
                report.add(ln for ln in part.read_report().split(b"\n") if ln)
                yield from ox.parse(nq, format=ox.RdfFormat.N_QUADS)

        with open(staged["dataset.trig"], "wb") as fh:
            _serialize_sorted_prefixes(quads(), fh, tmp / "trig.raw", ox.RdfFormat.TRIG, pre)
        nq_fh.close()

        entity_prefix = b"<" + (m.base + "id/").encode("utf-8")
        stats = {"triples": 0, "subjects": 0, "entities": 0}

        def union_lines() -> Iterator[bytes]:
            last_subject = None
            for ln in union.merged(stack):
                stats["triples"] += 1
                subject = ln.split(b" ", 1)[0]
                if subject != last_subject:
                    stats["subjects"] += 1
                    if subject.startswith(entity_prefix):
                        stats["entities"] += 1
                    last_subject = subject
                yield ln

        with open(staged["dataset.ttl"], "wb") as fh:
            _serialize_sorted_prefixes(_parse_nt_lines(union_lines()), fh, tmp / "ttl.raw",
                                       ox.RdfFormat.TURTLE, pre)
        with open(staged["validation-report.ttl"], "wb") as fh:
            _serialize_sorted_prefixes(_parse_nt_lines(ln[:-2].rstrip() for ln in report.merged(stack)),
                                       fh, tmp / "report.raw", ox.RdfFormat.TURTLE, pre)
        staged["void.ttl"].write_bytes(void_turtle(parts, m, stats["triples"], stats["entities"],
                                                   stats["subjects"]))
        for name in FILES:
            _commit(staged[name], out / name)
    return {"graphs": len(parts), "quads": counts["quads"], "triples": stats["triples"]}


def _commit(staged: Path, dest: Path) -> None:
    """fsync a staged file and rename it over ``dest``."""
    os.chmod(staged, 0o644)
    with open(staged, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(staged, dest)
