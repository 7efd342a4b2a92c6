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
merge sort (sorted runs on disk, merged block by block), so the biggest thing in memory
is one run of :data:`RUN_LINES` lines.
"""

from __future__ import annotations

from bisect import bisect_right
import gc
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from itertools import chain, islice
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
    demand from the build cache (``nquads_path``: the N-Quads file; ``meta_path``: a JSON file
    whose ``report_nt`` holds the report), so a whole corpus need not be in memory.
    """

    article_id: str
    graph: str  # graph IRI
    nquads: str = ""  # sorted N-Quads lines, newline-terminated
    triples: int = 0
    report_nt: str = ""  # warnings, as N-Triples
    nquads_path: Path | str | None = None
    meta_path: Path | str | None = None
    trig_path: Path | str | None = None  # the part's TriG block (see :func:`trig_block`), when cached

    def read_nquads(self) -> bytes:
        if self.nquads_path is not None:
            return _read(self.nquads_path)
        return self.nquads.encode("utf-8")

    def read_trig(self, pre: dict[str, str]) -> bytes:
        if self.trig_path is not None:
            return _read(self.trig_path)
        return trig_block(self.read_nquads(), pre)

    def read_report(self) -> bytes:
        if self.meta_path is not None:
            return json.loads(_read(self.meta_path)).get("report_nt", "").encode("utf-8")
        return self.report_nt.encode("utf-8")


def _read(path: Path | str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


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


def _split_prefix_head(data: bytes) -> tuple[list[bytes], bytes]:
    """(leading ``@prefix`` lines, the rest) of a Turtle/TriG document."""
    head: list[bytes] = []
    pos = 0
    while data.startswith(b"@prefix ", pos):
        end = data.find(b"\n", pos)
        if end < 0:
            head.append(data[pos:])
            return head, b""
        head.append(data[pos:end])
        pos = end + 1
    return head, data[pos:]


def trig_block(nquads: bytes, pre: dict[str, str], lenient: bool = False) -> bytes:
    """One article graph as a TriG block: its TriG serialization without the prefix lines.

    Oxigraph's TriG serializer writes each graph as a self-contained ``<g> { ... }`` block, so
    the TriG of a dataset is its prefix lines followed by the blocks of its graphs in order
    (checked byte for byte by tests/test_scale.py). Workers make the blocks; publishing is a copy.

    ``lenient=True`` skips the parser's syntax checks (twice as fast; the same result for valid
    N-Quads): only for quads that a strict parser has already read.
    """
    data = ox.serialize(ox.parse(nquads, format=ox.RdfFormat.N_QUADS, lenient=lenient),
                        format=ox.RdfFormat.TRIG, prefixes=pre) or b""
    return _split_prefix_head(data)[1]


#: Lines per sorted run of the external sort (N-Triples lines, ~200 bytes each: ~50 MB a run).
RUN_LINES = 250_000
_CHUNK = 50_000


class _ExternalSort:
    """Sort-and-dedup of byte lines with bounded memory: sorted runs on disk, merged lazily.

    Byte order of UTF-8 equals code-point order, so the result is the order of ``sorted()``
    on the decoded strings.
    """

    def __init__(self, tmpdir: Path, name: str, run_lines: int = RUN_LINES) -> None:
        self.tmpdir, self.name, self.run_lines = tmpdir, name, run_lines
        self.buf: list[bytes] = []
        self.runs: list[Path] = []
        #: lines added more than once, with how many times (the others were added once): the
        #: number of articles that hold a triple, which an incremental publish needs
        self.shared: dict[bytes, int] = {}

    def add(self, lines: Iterable[bytes]) -> None:
        self.buf.extend(lines)
        if len(self.buf) >= self.run_lines:
            self._spill()

    def _spill(self) -> None:
        if not self.buf:
            return
        run = self.tmpdir / f"{self.name}.{len(self.runs)}.run"
        lines = sorted(self.buf)  # repeats kept: the merge counts them
        self.buf = []
        with open(run, "wb") as fh:
            for i in range(0, len(lines), _CHUNK):  # no second copy of the run in memory
                fh.write(b"\n".join(lines[i:i + _CHUNK]) + b"\n")
        self.runs.append(run)

    def merged_chunks(self, stack: ExitStack) -> Iterator[list[bytes]]:
        """Every distinct line once, sorted (without the newline), in lists of up to 50k lines."""
        if not self.runs:
            lines = sorted(self.buf)
            self.buf = []
            distinct: list[bytes] = []
            shared = self.shared
            last = None
            for line in lines:
                if line != last:
                    distinct.append(line)
                    last = line
                else:
                    shared[line] = shared.get(line, 1) + 1
            del lines
            for i in range(0, len(distinct), _CHUNK):
                yield distinct[i:i + _CHUNK]
            return
        self._spill()
        yield from _merge_runs([stack.enter_context(open(r, "rb")) for r in self.runs], shared=self.shared)


def _merge_runs(runs: Sequence[IO[bytes]], total: int = _CHUNK,
                shared: dict[bytes, int] | None = None) -> Iterator[list[bytes]]:
    """Merge sorted runs of newline-terminated lines: every distinct line once, sorted,
    without its newline, in lists. ``shared`` receives the lines met more than once, with how
    many times.

    Block by block rather than line by line (what :func:`heapq.merge` does, in Python): each run
    has a buffer of its next lines; every buffered line up to the smallest of the buffers' last
    lines is taken (a run's unbuffered lines are all greater), and the taken lines, a few sorted
    runs, are merged by ``list.sort`` in C. The buffers hold about ``total`` lines together.
    """
    block = max(256, total // max(1, len(runs)))
    its = [iter(r) for r in runs]
    bufs = [list(islice(it, block)) for it in its]
    last = None
    while True:
        active = [i for i, b in enumerate(bufs) if b]
        if not active:
            return
        bound = min(bufs[i][-1] for i in active)
        taken: list[bytes] = []
        for i in active:
            b = bufs[i]
            k = bisect_right(b, bound)
            if k == len(b):
                taken += b
                bufs[i] = list(islice(its[i], block))
            else:
                taken += b[:k]
                rest = b[k:]
                if len(rest) < block // 2:
                    rest += islice(its[i], block - len(rest))
                bufs[i] = rest
        taken.sort()
        out = []
        for line in taken:
            if line != last:
                out.append(line[:-1])
                last = line
            elif shared is not None:
                k = line[:-1]
                shared[k] = shared.get(k, 1) + 1
        yield out


def _nt_chunks(chunks: Iterable[list[bytes]]) -> Iterator[bytes]:
    """``s p o`` line lists -> N-Triples documents."""
    for lines in chunks:
        if lines:
            yield b" .\n".join(lines) + b" .\n"


def _parsed(docs: Iterable[bytes]) -> Iterator[ox.Triple]:
    """N-Triples documents -> triples, chained at C speed."""
    return chain.from_iterable(ox.parse(d, format=ox.RdfFormat.N_TRIPLES) for d in docs)


#: Properties that must have one value per subject across the whole dataset: two articles that
#: disagree on them (a person's name, a treaty's signing date) publish a contradiction.
SINGLE_VALUED = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2002/07/owl#sameAs",
    "{ont}country", "{ont}signedOn", "{ont}officeOf", "{ont}officeTitle",
)


def single_valued(m: Minter) -> set[bytes]:
    """:data:`SINGLE_VALUED` as N-Triples terms for the base of ``m``."""
    return {f"<{p.format(ont=m.ontology)}>".encode("utf-8") for p in SINGLE_VALUED}


def entity_prefix(m: Minter) -> bytes:
    """How the N-Triples term of an entity (an IRI in the base's ``id/`` space) begins."""
    return b"<" + (m.base + "id/").encode("utf-8")


def union_lines(nquads: bytes) -> list[bytes]:
    """A part's N-Quads as the union's lines: ``s p o`` (no graph, no final dot)."""
    return [ln.rsplit(b" <", 1)[0] for ln in nquads.split(b"\n") if ln]


def report_lines(report_nt: bytes) -> list[bytes]:
    """A part's SHACL report (N-Triples) as the report file's lines: ``s p o`` (no final dot)."""
    return [ln[:-2].rstrip() for ln in report_nt.split(b"\n") if ln]


@dataclass(frozen=True)
class Conflict:
    """A subject with two or more values of a single-valued property in the union."""

    subject: str
    predicate: str
    values: tuple[str, ...]  # N-Triples terms

    def line(self) -> str:
        return f"{self.subject} {self.predicate}: {' | '.join(self.values)}"


def _serialize_sorted_prefixes(triples: Iterable[ox.Triple], out: IO[bytes], tmp: Path,
                               fmt: ox.RdfFormat, pre: dict[str, str]) -> None:
    """Stream-serialize to ``out`` with the leading prefix lines in sorted order (as
    :func:`sorted_prefix_lines` does): written to ``tmp`` first, then copied with the head sorted."""
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
        shutil.copyfileobj(fh, out, 1 << 20)
    tmp.unlink()


def publish(parts: Sequence[GraphPart], out: Path, m: Minter,
            progress: Callable[[Iterable, int], Iterable] | None = None,
            run_lines: int = RUN_LINES, conflicts: list[Conflict] | None = None,
            state: dict | None = None, trash: Path | None = None) -> dict[str, int]:
    """Write every published file for ``parts`` (sorted by article id) into ``out``.

    Streams: one part in memory at a time; N-Quads and TriG are concatenations of the parts'
    sorted N-Quads and TriG blocks; the union is deduplicated by an external sort. All five files
    are written to temporary names and renamed at the end, so a failure leaves the previous files
    (and no temporary file) behind.

    Args:
        parts: the article graphs to publish.
        out: output folder.
        m: IRI minter (base for prefixes and VoID).
        progress: wraps the per-part iterator (e.g. tqdm) given (iterable, total).
        run_lines: lines per sorted run of the external sort.
        conflicts: when given, receives every :class:`Conflict` found in the union (values of
            a :data:`SINGLE_VALUED` property that differ between articles).
        trash: a folder on the same file system where the replaced files are deleted in the
            background (see :func:`replace_files`).
        state: when given, receives what :func:`pipeline.incremental.patch` needs to patch these
            files later instead of rewriting them (see :class:`pipeline.incremental.State`).

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
        staged = {name: tmp / name for name in FILES}

        def write_report() -> None:
            report = _ExternalSort(tmp, "report", run_lines)
            for part in parts:
                report.add(report_lines(part.read_report()))
            with ExitStack() as own, open(staged["validation-report.ttl"], "wb") as fh:
                _serialize_sorted_prefixes(_parsed(_nt_chunks(report.merged_chunks(own))), fh,
                                           tmp / "report.raw", ox.RdfFormat.TURTLE, pre)
            if state is not None:
                (tmp / "report.shared").write_bytes(_shared_json(report.shared))

        # the report and the union are independent: a forked child reads and writes the report
        # while this process concatenates the N-Quads and TriG and writes the union
        join_report = _concurrently(write_report)
        try:
            quads = 0
            with open(staged["dataset.nq"], "wb") as nq_fh, open(staged["dataset.trig"], "wb") as trig_fh:
                # the prefix lines Oxigraph writes before the first quad (nothing at all when there is none)
                first = next((q for part in parts
                              for q in ox.parse(part.read_nquads(), format=ox.RdfFormat.N_QUADS)), None)
                head, _ = _split_prefix_head(ox.serialize([first] if first else [], format=ox.RdfFormat.TRIG,
                                                          prefixes=pre) or b"")
                trig_head = b"\n".join(sorted(head)) + b"\n" if head else b""
                trig_fh.write(trig_head)
                sizes: list[list[int]] = []
                for part in wrap(parts, len(parts)):
                    nq = part.read_nquads()
                    nq_fh.write(nq)
                    trig = part.read_trig(pre)
                    trig_fh.write(trig)
                    sizes.append([len(nq), len(trig)])
                    lines = union_lines(nq)
                    quads += len(lines)
                    union.add(lines)

            entities_start = entity_prefix(m)
            stats = {"triples": 0, "subjects": 0, "entities": 0}

            single = single_valued(m)
            last_sp: list[bytes] = [b"", b""]
            values: list[bytes] = []

            def flush() -> None:
                if len(values) > 1 and conflicts is not None:
                    conflicts.append(Conflict(last_sp[0].decode("utf-8"), last_sp[1].decode("utf-8"),
                                              tuple(v.decode("utf-8") for v in values)))
                values.clear()

            def counted(chunks: Iterable[list[bytes]]) -> Iterator[list[bytes]]:
                last_subject = None
                subjects = entities = 0
                for lines in chunks:
                    stats["triples"] += len(lines)
                    for ln in lines:
                        s_, p_, o_ = ln.split(b" ", 2)
                        if s_ != last_subject:  # sorted: a subject's lines are adjacent
                            subjects += 1
                            if s_.startswith(entities_start):
                                entities += 1
                            last_subject = s_
                        if p_ in single:  # sorted and deduplicated: two values of one (s, p) are adjacent
                            if s_ != last_sp[0] or p_ != last_sp[1]:
                                flush()
                                last_sp[:] = [s_, p_]
                            values.append(o_)
                    stats["subjects"], stats["entities"] = subjects, entities
                    yield lines

            with open(staged["dataset.ttl"], "wb") as fh:
                _serialize_sorted_prefixes(_parsed(_nt_chunks(counted(union.merged_chunks(stack)))), fh,
                                           tmp / "ttl.raw", ox.RdfFormat.TURTLE, pre)
            flush()
        finally:  # on an error too: the child writes into the temporary folder
            join_report()
        staged["void.ttl"].write_bytes(void_turtle(parts, m, stats["triples"], stats["entities"],
                                                   stats["subjects"]))
        if state is not None:
            state.update({
                "sizes": sizes, "trig_head": len(trig_head),
                "subjects": stats["subjects"], "entities": stats["entities"],
                "union_shared": json.loads(_shared_json(union.shared)),
                "report_shared": json.loads((tmp / "report.shared").read_bytes()),
            })
        for name in FILES:
            _commit(staged[name], out / name, rename=False)
        replace_files({staged[name]: out / name for name in FILES}, trash)
    return {"graphs": len(parts), "quads": quads, "triples": stats["triples"]}


def _shared_json(shared: dict[bytes, int]) -> bytes:
    """Lines met more than once, with their counts, as a JSON object (sorted keys)."""
    return json.dumps({k.decode("utf-8"): v for k, v in sorted(shared.items())}).encode("utf-8")


def _concurrently(work: Callable[[], None]) -> Callable[[], None]:
    """Start ``work`` in a forked child process; return a function that waits for it.

    Where fork is unavailable the work runs at once, here. The child ends with ``os._exit``
    (multiprocessing's fork start), so it never runs the parent's cleanups.
    """
    import multiprocessing
    if "fork" not in multiprocessing.get_all_start_methods():
        work()
        return lambda: None
    proc = multiprocessing.get_context("fork").Process(target=work, name="diplokg-publish")
    gc.freeze()  # the child's collector leaves the inherited objects alone: their pages stay shared
    try:
        proc.start()
    finally:
        gc.unfreeze()

    def join() -> None:
        proc.join()
        if proc.exitcode != 0:
            raise RuntimeError(f"publishing: a child process failed (exit code {proc.exitcode}); "
                               "its error is printed above")
    return join


def _commit(staged: Path, dest: Path, rename: bool = True) -> None:
    """fsync a staged file and rename it over ``dest`` (``rename=False``: only the fsync)."""
    os.chmod(staged, 0o644)
    with open(staged, "rb") as fh:
        os.fsync(fh.fileno())
    if rename:
        os.replace(staged, dest)


def replace_files(moves: dict[Path, Path], trash: Path | None = None) -> None:
    """Rename each staged file over its destination; with ``trash`` (a folder on the same file
    system, e.g. in the build cache), free the replaced files' disk space in the background.

    Freeing a large file that was written and synced costs the kernel about 0.3 s per GB (ext4),
    which is a good part of what an incremental publish of 10k articles would otherwise wait for.
    The old files are hard-linked into a new folder in ``trash`` first, so that the rename only
    drops a name, and a detached process deletes the folder (and any folder an interrupted
    deletion left there). Where hard links are not possible (another file system), the rename
    frees the old files itself.
    """
    if not moves:
        return
    old = None
    if trash is not None:
        try:
            trash.mkdir(parents=True, exist_ok=True)
            old = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=trash))
            for i, dest in enumerate(moves.values()):
                if dest.exists():
                    os.link(dest, old / f"{i}-{dest.name}")
        except OSError:  # e.g. another file system: the renames free the files
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            old = None
    for staged, dest in moves.items():
        os.replace(staged, dest)
    if old is not None and trash is not None:
        _delete_in_background([p for p in trash.iterdir()])


def _delete_in_background(paths: list[Path]) -> None:
    import subprocess
    import sys
    code = "import shutil, sys\nfor p in sys.argv[1:]: shutil.rmtree(p, ignore_errors=True)"
    try:
        subprocess.Popen([sys.executable, "-c", code, *map(str, paths)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                         close_fds=True)
    except OSError:
        for p in paths:
            shutil.rmtree(p, ignore_errors=True)
