"""Patch a publication instead of rewriting it, when a few articles changed.

A full :func:`~pipeline.publish.publish` reads every article's part and sorts the union again: at
10k articles that is 1.1 GB of output and 12 s. When only a few articles changed, their new parts
are spliced into the files that are there, and the bytes are exactly those a full publish would
write (tests/test_incremental.py compares them after edits, additions and removals):

* ``dataset.nq`` and ``dataset.trig`` are concatenations of the parts in article order, so the
  changed ranges (known from the parts' sizes, recorded at the last publication) are replaced and
  the rest is copied by the kernel (``os.copy_file_range``);
* ``dataset.ttl`` (the union) and ``validation-report.ttl`` are the sorted, de-duplicated triples,
  serialized by Oxigraph one self-contained block per subject. The changed triples' subjects are
  found by binary search in the file, their blocks re-made from the old block plus the changes, and
  spliced in. A triple leaves the union only when no article holds it any more: the publication
  records, for every triple that more than one article holds, how many do (a triple not listed is
  held by one article at most);
* ``void.ttl`` is written anew (its counts are updated from the changed subjects).

The record of the last publication (:class:`State`, JSON in the build cache) says what the files
hold; the build patches only when the files are untouched since (sizes and modification times) and
the parts of the articles that changed are still in the cache. Anything unexpected (an old triple
missing from the union, a file whose shape is not what the record says) falls back to a full
publish: :class:`Unpatchable`.
"""

from __future__ import annotations

import json
import mmap
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from pipeline.iris import Minter
from pipeline.mapping import nt_string
from pipeline.publish import (FILES, Conflict, GraphPart, _commit, _split_prefix_head, entity_prefix,
                              prefixes, replace_files, report_lines, single_valued, union_lines,
                              void_turtle)

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Unpatchable(Exception):
    """The publication cannot be patched safely: publish it in full."""


@dataclass
class State:
    """What the files of a publication hold, as far as patching them needs.

    ``parts``: per article, in order, ``[id, key, nq bytes, trig bytes]``; ``trig_head``: bytes of
    the TriG prefix lines; ``triples``: the union's distinct triples; ``subjects``/``entities``:
    its distinct subjects (and those in the base's ``id/`` space); ``union_shared``/
    ``report_shared``: the triples (``s p o`` N-Triples, no final dot) held by two or more
    articles, with how many.
    """

    parts: list[list]
    trig_head: int
    triples: int
    subjects: int
    entities: int
    union_shared: dict[str, int]
    report_shared: dict[str, int]

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> "State":
        d = json.loads(data)
        return cls(**{k: d[k] for k in cls.__dataclass_fields__})


# --------------------------------------------------------------------------- terms


def nt_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    """A term in the N-Triples form of the published parts (rdflib's nt serializer: see
    :mod:`pipeline.mapping`), so that triples read back from Turtle compare with the parts' lines."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if term.language:
        return f"{nt_string(term.value)}@{term.language}"
    if term.datatype.value != _XSD_STRING:
        return f"{nt_string(term.value)}^^<{term.datatype.value}>"
    return nt_string(term.value)


def _lines_of(turtle: bytes) -> list[bytes]:
    """A Turtle document's triples as ``s p o`` lines of the parts' N-Triples form."""
    return [f"{nt_term(t.subject)} {nt_term(t.predicate)} {nt_term(t.object)}".encode("utf-8")
            for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)]


# --------------------------------------------------------------------------- a sorted Turtle file


class SortedTurtle:
    """A Turtle file as Oxigraph writes sorted triples: prefix lines, then one block per subject
    (a line that does not start with a tab, and its tab-indented continuation lines), the blocks in
    the byte order of the subjects' N-Triples terms."""

    def __init__(self, data: bytes | mmap.mmap, pre: dict[str, str]) -> None:
        self.data = data
        pos = 0
        while data[pos:pos + 8] == b"@prefix ":
            pos = data.find(b"\n", pos) + 1
            if pos == 0:
                raise Unpatchable("a Turtle file that is nothing but prefix lines")
        self.head, self.body = bytes(data[:pos]), pos
        self.n = len(data)
        self.ns = {k.encode("utf-8"): v.encode("utf-8") for k, v in pre.items()}

    def next_block(self, pos: int) -> int:
        """The first block start at or after ``pos`` (``n`` when none)."""
        data, n = self.data, self.n
        if pos <= self.body:
            return self.body
        if pos >= n:
            return n
        if data[pos - 1] != 0x0A:
            nl = data.find(b"\n", pos)
            if nl < 0:
                return n
            pos = nl + 1
        while pos < n and data[pos] == 0x09:
            nl = data.find(b"\n", pos)
            if nl < 0:
                return n
            pos = nl + 1
        return pos

    def key(self, pos: int) -> bytes:
        """The N-Triples term of the subject of the block starting at ``pos``."""
        end = self.data.find(b" ", pos)
        tok = bytes(self.data[pos:end])
        if tok[:1] == b"<" or tok[:2] == b"_:":
            return tok
        i = tok.find(b":")
        ns = self.ns.get(tok[:i])
        if i < 0 or ns is None:
            raise Unpatchable(f"unexpected subject {tok[:80]!r} in a published Turtle file")
        local = tok[i + 1:]
        if b"\\" in local:  # PN_LOCAL escapes: a backslash before a punctuation character
            out, j = bytearray(), 0
            while j < len(local):
                if local[j] == 0x5C and j + 1 < len(local):
                    j += 1
                out.append(local[j])
                j += 1
            local = bytes(out)
        return b"<" + ns + local + b">"

    def blocks(self) -> list[bytes]:
        """Every block, in order."""
        out, pos = [], self.body
        while pos < self.n:
            end = self.next_block(pos + 1)
            out.append(bytes(self.data[pos:end]))
            pos = end
        return out

    def find(self, subject: bytes) -> tuple[int, int]:
        """The byte range of ``subject``'s block: ``(start, end)``; ``start == end`` (where the
        block would go) when the file has no block for it."""
        lo, hi = self.body, self.n  # both block starts (or the end); the answer is in [lo, hi]
        while lo < hi:
            mid = (lo + hi) // 2
            p = self.next_block(mid)
            if p >= hi:  # no block starts in [mid, hi): step over the block at lo
                if self.key(lo) >= subject:
                    hi = lo
                else:
                    lo = self.next_block(lo + 1)
            elif self.key(p) < subject:
                lo = self.next_block(p + 1)
            else:
                hi = p
        if lo < self.n and self.key(lo) == subject:
            return lo, self.next_block(lo + 1)
        return lo, lo


@dataclass
class _Patched:
    pieces: list  # (start, end) ranges of the old file and bytes, in order
    shared: dict[str, int]
    triples: int  # change in the number of distinct triples
    subjects: int  # change in distinct subjects
    entities: int  # change in distinct subjects in the id/ space
    changed: list[bytes]  # subjects whose block changed, sorted
    lines: dict[bytes, list[bytes]]  # their new lines, sorted


def _patch_sorted(st: SortedTurtle, delta: dict[bytes, int], shared: dict[str, int],
                  pre: dict[str, str], entities_start: bytes) -> _Patched:
    """Apply ``delta`` (line -> articles that now hold it minus articles that held it) to the
    sorted union in ``st``."""
    by_subject: dict[bytes, list[bytes]] = {}
    for line, d in delta.items():
        if d:
            by_subject.setdefault(line.split(b" ", 1)[0], []).append(line)
    shared = dict(shared)
    ranges: list[tuple[int, int]] = []
    new_lines: dict[bytes, list[bytes]] = {}
    d_triples = d_subjects = d_entities = 0
    for s in sorted(by_subject):
        start, end = st.find(s)
        old = set(_lines_of(st.head + st.data[start:end])) if end > start else set()
        if any(ln.split(b" ", 1)[0] != s for ln in old):
            raise Unpatchable(f"the block of {s[:80]!r} holds another subject")
        new = set(old)
        for line in by_subject[s]:
            key = line.decode("utf-8")
            before = shared.get(key) or (1 if line in old else 0)
            after = before + delta[line]
            if after < 0:  # more articles let go of it than held it
                raise Unpatchable(f"a triple of a changed article is not in the union: {key[:120]}")
            if after >= 2:
                shared[key] = after
            else:
                shared.pop(key, None)
            if before and not after:
                new.discard(line)
                d_triples -= 1
            elif after and not before:
                new.add(line)
                d_triples += 1
        if bool(old) != bool(new):
            sign = 1 if new else -1
            d_subjects += sign
            if s.startswith(entities_start):
                d_entities += sign
        ranges.append((start, end))
        new_lines[s] = sorted(new)
    # every new block in one serialization, then cut at the block starts (one block per subject)
    changed = sorted(new_lines)
    doc = b"".join(ln + b" .\n" for s in changed for ln in new_lines[s])
    body = _split_prefix_head(ox.serialize(ox.parse(doc, format=ox.RdfFormat.N_TRIPLES),
                                           format=ox.RdfFormat.TURTLE, prefixes=pre) or b"")[1] if doc else b""
    blocks = SortedTurtle(body, pre).blocks()
    if len(blocks) != sum(1 for s in changed if new_lines[s]):
        raise Unpatchable("re-serialized blocks do not match the changed subjects")
    pieces: list = [(0, st.body)]  # the prefix lines
    pos, k = st.body, 0
    for s, (start, end) in zip(changed, ranges):
        if start > pos:
            pieces.append((pos, start))
        if new_lines[s]:
            # a block that comes out as it was (e.g. the triples changed only in count) stays a range
            pieces.append((start, end) if blocks[k] == st.data[start:end] else blocks[k])
            k += 1
        pos = max(pos, end)
    if st.n > pos:
        pieces.append((pos, st.n))
    if all(isinstance(pc, tuple) and pc[1] - pc[0] == 0 or pc == b"" for pc in pieces[1:]):
        raise Unpatchable("no triple left: a full publish writes an empty file, not prefix lines")
    return _Patched(pieces, shared, d_triples, d_subjects, d_entities, changed, new_lines)


# --------------------------------------------------------------------------- the files


def _write_pieces(dest: Path, src_fd: int, pieces: Iterable) -> None:
    """Write ``pieces`` (byte strings, and ``(start, end)`` ranges of ``src_fd``) to ``dest``."""
    with open(dest, "wb") as fh:
        for piece in pieces:
            if isinstance(piece, tuple):
                fh.flush()
                start, end = piece
                fd = fh.fileno()
                while start < end:
                    try:
                        n = os.copy_file_range(src_fd, fd, end - start, start)
                    except (AttributeError, OSError):  # no copy_file_range here: copy through memory
                        os.lseek(src_fd, start, os.SEEK_SET)
                        n = len(chunk := os.read(src_fd, min(end - start, 1 << 24)))
                        fh.write(chunk)
                        fh.flush()
                    if n <= 0:
                        raise Unpatchable(f"{dest.name}: the published file is shorter than recorded")
                    start += n
                fh.seek(0, os.SEEK_END)
            else:
                fh.write(piece)
        fh.flush()
        os.fsync(fh.fileno())


def _coalesce(pieces: list) -> list:
    out: list = []
    for p in pieces:
        if isinstance(p, tuple) and out and isinstance(out[-1], tuple) and out[-1][1] == p[0]:
            out[-1] = (out[-1][0], p[1])
        elif not (isinstance(p, tuple) and p[0] == p[1]) and p != b"":
            out.append(p)
    return out


def _same_or(new: bytes, fd: int, offsets: list[int], i: int | None) -> bytes | tuple[int, int]:
    """``new``, or the range of the old part ``i`` when it holds exactly these bytes."""
    if i is not None and offsets[i + 1] - offsets[i] == len(new) and os.pread(fd, len(new), offsets[i]) == new:
        return (offsets[i], offsets[i + 1])
    return new


def _count(delta: dict[bytes, int], lines: list[bytes], sign: int) -> None:
    for ln in lines:
        delta[ln] = delta.get(ln, 0) + sign


def patch(parts: Sequence[GraphPart], keys: Sequence[str], out: Path, m: Minter, state: State,
          old_parts: dict[str, GraphPart], old_conflicts: list[Conflict],
          conflicts: list[Conflict] | None = None, trash: Path | None = None) -> tuple[dict[str, int], State]:
    """Rewrite the published files in ``out`` for ``parts`` (sorted by article id, with their cache
    ``keys``) by splicing the parts that differ from ``state`` into the files there.

    Args:
        old_parts: by article id, the parts the files hold now for every article whose part
            changes (or goes): their quads and reports are taken out.
        old_conflicts: the conflicts of the files there now.
        conflicts: receives the conflicts of the result (like :func:`publish`'s).
        trash: see :func:`pipeline.publish.replace_files`.

    Returns:
        The counts (as :func:`publish` returns them) and the new state.

    Raises:
        Unpatchable: publish in full instead; nothing was written.
    """
    pre = prefixes(m)
    old_index = {p[0]: i for i, p in enumerate(state.parts)}
    kept = [old_index.get(p.article_id) is not None and state.parts[old_index[p.article_id]][1] == k
            for p, k in zip(parts, keys)]
    kept_ids = {p.article_id for p, k in zip(parts, kept) if k}
    gone = [p[0] for p in state.parts if p[0] not in kept_ids]
    if not parts or not state.parts or state.trig_head == 0:
        raise Unpatchable("an empty publication")
    if any(a not in old_parts for a in gone):
        raise Unpatchable("the old part of a changed article is not in the cache")
    nq_off, trig_off = [0], [state.trig_head]
    for p in state.parts:
        nq_off.append(nq_off[-1] + p[2])
        trig_off.append(trig_off[-1] + p[3])

    # what goes out of the union and the report, and what comes in
    union_delta: dict[bytes, int] = {}
    report_delta: dict[bytes, int] = {}
    for aid in gone:
        _count(union_delta, union_lines(old_parts[aid].read_nquads()), -1)
        _count(report_delta, report_lines(old_parts[aid].read_report()), -1)
    new_nq: dict[str, bytes] = {}
    new_trig: dict[str, bytes] = {}
    quads = 0
    for p, k in zip(parts, kept):
        if k:
            quads += p.triples  # the same part as before: its quads
            continue
        nq = new_nq[p.article_id] = p.read_nquads()
        new_trig[p.article_id] = p.read_trig(pre)
        lines = union_lines(nq)
        quads += len(lines)
        _count(union_delta, lines, 1)
        _count(report_delta, report_lines(p.read_report()), 1)

    with tempfile.TemporaryDirectory(prefix=".publish-", dir=out) as tmp_name:
        tmp = Path(tmp_name)
        staged = {name: tmp / name for name in FILES}
        fds = {name: os.open(out / name, os.O_RDONLY) for name in FILES if name != "void.ttl"}
        try:
            if any(os.fstat(fd).st_size == 0 for fd in fds.values()):  # nothing to splice into (and no mmap)
                raise Unpatchable("an empty published file")
            maps = {name: mmap.mmap(fd, 0, prot=mmap.PROT_READ) for name, fd in fds.items()
                    if name.endswith(".ttl")}
            try:
                union = _patch_sorted(SortedTurtle(maps["dataset.ttl"], pre), union_delta,
                                      state.union_shared, pre, entity_prefix(m))
                report = _patch_sorted(SortedTurtle(maps["validation-report.ttl"], pre), report_delta,
                                       state.report_shared, pre, entity_prefix(m))
            finally:
                for mm in maps.values():
                    mm.close()
            # N-Quads and TriG: the parts in order, the kept ones copied from the files there
            nq_pieces: list = []
            trig_pieces: list = [(0, state.trig_head)]
            for p, k in zip(parts, kept):
                if k:
                    i = old_index[p.article_id]
                    nq_pieces.append((nq_off[i], nq_off[i + 1]))
                    trig_pieces.append((trig_off[i], trig_off[i + 1]))
                else:
                    i = old_index.get(p.article_id)
                    nq_pieces.append(_same_or(new_nq[p.article_id], fds["dataset.nq"], nq_off, i))
                    trig_pieces.append(_same_or(new_trig[p.article_id], fds["dataset.trig"], trig_off, i))
            if os.fstat(fds["dataset.nq"]).st_size != nq_off[-1] or \
                    os.fstat(fds["dataset.trig"]).st_size != trig_off[-1]:
                raise Unpatchable("the published N-Quads/TriG are not the size the record says")
            jobs = {"dataset.nq": nq_pieces, "dataset.trig": trig_pieces,
                    "dataset.ttl": union.pieces, "validation-report.ttl": report.pieces}
            jobs = {n: c for n, pieces in jobs.items()  # a file that comes out as it is stays
                    if (c := _coalesce(pieces)) != [(0, os.fstat(fds[n]).st_size)]}
            for n in set(FILES) - set(jobs) - {"void.ttl"}:
                del staged[n]
            # the four files at once: the copies run in the kernel (no GIL) and the fsyncs overlap
            with ThreadPoolExecutor(max(1, len(jobs))) as pool:
                for done in [pool.submit(_write_pieces, staged[n], fds[n], jobs[n]) for n in jobs]:
                    done.result()
        finally:
            for fd in fds.values():
                os.close(fd)

        union_triples = state.triples + union.triples
        subjects = state.subjects + union.subjects
        entities = state.entities + union.entities
        void = void_turtle(parts, m, union_triples, entities, subjects)
        if (out / "void.ttl").read_bytes() == void:
            del staged["void.ttl"]
        else:
            staged["void.ttl"].write_bytes(void)

        # conflicts: the changed subjects' are found again, the others stay as they were
        changed = {s.decode("utf-8") for s in union.changed}
        found = [c for c in old_conflicts if c.subject not in changed]
        single = single_valued(m)
        for s in union.changed:
            by_p: dict[bytes, list[bytes]] = {}
            for ln in union.lines[s]:
                _, p_, o_ = ln.split(b" ", 2)
                if p_ in single:
                    by_p.setdefault(p_, []).append(o_)
            for p_, values in by_p.items():
                if len(values) > 1:
                    found.append(Conflict(s.decode("utf-8"), p_.decode("utf-8"),
                                          tuple(v.decode("utf-8") for v in values)))
        found.sort(key=lambda c: (c.subject.encode("utf-8"), c.predicate.encode("utf-8")))
        if conflicts is not None:
            conflicts.extend(found)

        if "void.ttl" in staged:
            _commit(staged["void.ttl"], out / "void.ttl", rename=False)
        for name in staged:
            os.chmod(staged[name], 0o644)
        replace_files({staged[name]: out / name for name in staged}, trash)  # written and synced

    new_state = State(
        parts=[[p.article_id, k,
                *(state.parts[old_index[p.article_id]][2:4] if kk else
                  [len(new_nq[p.article_id]), len(new_trig[p.article_id])])]
               for p, k, kk in zip(parts, keys, kept)],
        trig_head=state.trig_head, triples=union_triples, subjects=subjects, entities=entities,
        union_shared=union.shared, report_shared=report.shared)
    return {"graphs": len(parts), "quads": quads, "triples": union_triples}, new_state
