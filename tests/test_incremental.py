"""Incremental publishing (pipeline/incremental.py): when a few articles change, the published files
are patched instead of rewritten, and the bytes are exactly those of a fresh, full build.

Each case edits a generated corpus the way a user would (a text edit, a facts edit that changes a
shared entity, a removed event, an article added, an article deleted), rebuilds, checks that the
build patched, and compares every published file, the counts and the conflicts with a fresh build of
the same corpus in another folder (no cache: every article redone, everything published in full).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from benchmarks.corpus import generate
from pipeline.build import BuildResult, build_dataset
from pipeline.incremental import SortedTurtle, _lines_of, nt_term
from pipeline.iris import minter
from pipeline.publish import FILES, prefixes
from tests.conftest import ROOT

N = 30


def _files(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


def _fresh(root: Path, tmp: Path) -> tuple[BuildResult, dict[str, bytes]]:
    fresh = tmp / "fresh"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns(".diplokg-cache", "published", "quarantine"))
    res = build_dataset(fresh, workers=1, shacl_engine="turbo", use_cache=False)
    assert not res.patched
    return res, _files(fresh / "data" / "published")


def _same_as_fresh(root: Path, tmp: Path, patched: bool = True) -> BuildResult:
    res = build_dataset(root, workers=1, shacl_engine="turbo")
    assert res.patched is patched
    ref, files = _fresh(root, tmp)
    got = _files(root / "data" / "published")
    for name in FILES:
        assert got[name] == files[name], f"{name} differs from a full publish"
    assert res.counts == ref.counts
    assert [c.line() for c in res.conflicts] == [c.line() for c in ref.conflicts]
    return res


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    r = tmp_path / "proj"
    generate(N, r, seed=5)
    first = build_dataset(r, workers=1, shacl_engine="turbo")
    assert first.ok and not first.patched
    return r


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _articles(root: Path) -> Path:
    return root / "data" / "articles"


def test_a_text_edit_is_patched_to_the_bytes_of_a_full_build(root: Path, tmp_path: Path) -> None:
    before = _files(root / "data" / "published")
    report = root / "data" / "published" / "validation-report.ttl"
    report_inode = report.stat().st_ino
    t = _articles(root) / "bench-000007.txt"
    t.write_text(t.read_text("utf-8") + "\nA paragraph added later.\n", "utf-8")
    res = _same_as_fresh(root, tmp_path)
    assert res.reused == N - 1
    after = _files(root / "data" / "published")
    assert after["dataset.nq"] != before["dataset.nq"]  # the article's text is in its graph
    # the SHACL results did not change: the report is left as it was, not written again
    assert after["validation-report.ttl"] == before["validation-report.ttl"]
    assert report.stat().st_ino == report_inode
    # the old version's cache entries were pruned: one entry (four files) per current article
    cache = root / ".diplokg-cache" / "articles"
    assert sorted(p.name[:64] for p in cache.glob("*.nq")) == sorted(r.key for r in res.published)
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 4 * N


def test_a_changed_shared_entity_makes_and_then_clears_a_conflict(root: Path, tmp_path: Path) -> None:
    y = _articles(root) / "bench-000003.yaml"
    original = y.read_text("utf-8")
    state = next(line.split(":")[0].strip() for line in original.splitlines()
                 if "{type: State, name:" in line)
    name = original.split(f"{state}: {{type: State, name: \"", 1)[1].split('"', 1)[0]
    _edit(y, f'{state}: {{type: State, name: "{name}"', f'{state}: {{type: State, name: "{name} (renamed)"')
    res = _same_as_fresh(root, tmp_path)
    # another article names this state too, so the union now holds two labels: a conflict
    assert any(c.subject.endswith(f"/state/{state}>") and c.predicate.endswith("#label>")
               for c in res.conflicts), [c.line() for c in res.conflicts]
    assert not res.ok
    y.write_text(original, "utf-8")  # back as it was: the conflict goes, the label is shared again
    res = _same_as_fresh(root, tmp_path)
    assert res.ok and not res.conflicts


def test_removed_event_added_article_and_deleted_article(root: Path, tmp_path: Path) -> None:
    y = _articles(root) / "bench-000011.yaml"
    original = y.read_text("utf-8")
    lines = original.split("\n")
    events = [i for i in range(lines.index("events:") + 1, len(lines))
              if lines[i].startswith("  ") and not lines[i].startswith("   ") and lines[i].endswith(":")]

    def without(i: int) -> str:
        end = i + 1
        while end < len(lines) and lines[end].startswith("    "):
            end += 1
        return "\n".join(lines[:i] + lines[end:])

    # the first event is the visit another event is part of: without it the article is broken,
    # quarantined, and leaves the publication
    y.write_text(without(events[0]), "utf-8")
    res = _same_as_fresh(root, tmp_path)
    assert [r.id for r in res.quarantined] == ["bench-000011"] and len(res.published) == N - 1
    # an event nothing refers to: the article is back, without that event's triples
    name = next(lines[i].strip()[:-1] for i in events[1:] if original.count(lines[i].strip()[:-1]) == 1)
    y.write_text(without(lines.index(f"  {name}:")), "utf-8")
    res = _same_as_fresh(root, tmp_path)
    assert res.ok and len(res.published) == N

    more = tmp_path / "more"
    generate(N + 2, more, seed=5)  # the same articles and two more
    for aid in ("bench-000030", "bench-000031"):
        for ext in (".txt", ".yaml"):
            shutil.copy(_articles(more) / (aid + ext), _articles(root) / (aid + ext))
    res = _same_as_fresh(root, tmp_path)
    assert len(res.published) == N + 2

    for ext in (".txt", ".yaml"):  # a deleted article: its triples leave unless others hold them
        (_articles(root) / f"bench-000002{ext}").unlink()
    res = _same_as_fresh(root, tmp_path)
    assert len(res.published) == N + 1


def test_many_changes_publish_in_full_and_touched_files_are_not_patched(root: Path, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.build as build
    monkeypatch.setattr(build, "PATCH_MIN", 2)
    for i in range(3):  # three changed articles: more than the limit
        t = _articles(root) / f"bench-{i:06d}.txt"
        t.write_text(t.read_text("utf-8") + "\nMore.\n", "utf-8")
    _same_as_fresh(root, tmp_path, patched=False)
    # a published file edited by hand: the record no longer describes it, so publish in full
    ttl = root / "data" / "published" / "dataset.ttl"
    ttl.write_bytes(ttl.read_bytes() + b"# a note\n")
    t = _articles(root) / "bench-000005.txt"
    t.write_text(t.read_text("utf-8") + "\nMore.\n", "utf-8")
    _same_as_fresh(root, tmp_path, patched=False)


def test_without_the_record_or_the_old_parts_the_build_publishes_in_full(root: Path, tmp_path: Path) -> None:
    cache = root / ".diplokg-cache"
    next(cache.glob("published-*.state.json")).unlink()  # e.g. a cache from before this feature
    t = _articles(root) / "bench-000001.txt"
    t.write_text(t.read_text("utf-8") + "\nMore.\n", "utf-8")
    _same_as_fresh(root, tmp_path, patched=False)
    # the old part of the article that changes is gone from the cache (cleaned by hand): its
    # triples cannot be taken out of the union, so everything is published again
    key = json.loads(next(cache.glob("published-*.state.json")).read_bytes())["parts"][4][1]
    for f in (cache / "articles").glob(f"{key}.*"):
        f.unlink()
    t = _articles(root) / "bench-000004.txt"
    t.write_text(t.read_text("utf-8") + "\nMore.\n", "utf-8")
    _same_as_fresh(root, tmp_path, patched=False)


# -- the pieces ------------------------------------------------------------------------------------

def test_block_search_finds_every_subject_of_the_bundled_union() -> None:
    data = (ROOT / "data" / "published" / "dataset.ttl").read_bytes()
    pre = prefixes(minter())
    st = SortedTurtle(data, pre)
    subjects = sorted({ln.split(b" ", 1)[0] for ln in _lines_of(data)})
    assert len(subjects) > 500
    seen_end = st.body
    for s in subjects:
        start, end = st.find(s)
        assert end > start, s
        assert start == seen_end  # the blocks tile the body in subject order
        assert {ln.split(b" ", 1)[0] for ln in _lines_of(st.head + data[start:end])} == {s}
        seen_end = end
    assert seen_end == len(data)
    blocks = st.blocks()  # the same blocks, listed
    assert len(blocks) == len(subjects) and b"".join(blocks) == data[st.body:]
    # a subject that is not there: an empty range where it would go, between its neighbours
    from bisect import bisect_left
    for missing in (subjects[10][:-1] + b"-not-there>", subjects[10][:-1] + b"~>", b"<a:first>", b"<~last>"):
        start, end = st.find(missing)
        i = bisect_left(subjects, missing)
        assert start == end == (st.find(subjects[i])[0] if i < len(subjects) else len(data))


def test_terms_read_back_from_turtle_are_written_as_the_parts_write_them() -> None:
    nq = (ROOT / "data" / "published" / "dataset.nq").read_bytes().decode("utf-8").splitlines()
    for line in nq:
        q = next(iter(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_QUADS)))
        assert f"{nt_term(q.subject)} {nt_term(q.predicate)} {nt_term(q.object)} {nt_term(q.graph_name)} ." \
            == line
    tricky = '<http://e/s> <http://e/p> "tab\there \\"quoted\\" back\\\\slash\\nnew line"@en-gb .'
    t = next(iter(ox.parse(tricky.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)))
    assert f"{nt_term(t.subject)} {nt_term(t.predicate)} {nt_term(t.object)} ." == tricky


def test_an_internal_error_is_not_cached(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.build as build
    real = build.load_article_facts

    def broken(inp):  # e.g. a bug, or a module half-edited while the build ran
        if inp.id == "bench-000006":
            raise RuntimeError("simulated bug")
        return real(inp)

    t = _articles(root) / "bench-000006.txt"
    t.write_text(t.read_text("utf-8") + "\nMore.\n", "utf-8")
    monkeypatch.setattr(build, "load_article_facts", broken)
    res = build_dataset(root, workers=1, shacl_engine="turbo")
    assert [r.id for r in res.quarantined] == ["bench-000006"]
    assert "internal error while reading facts: RuntimeError: simulated bug" in res.quarantined[0].error
    monkeypatch.setattr(build, "load_article_facts", real)
    res = _same_as_fresh(root, tmp_path)  # the article is redone, not read back as a failure
    assert res.ok and res.reused == N - 1


def test_an_edit_that_changes_no_triple_rewrites_no_file(root: Path, tmp_path: Path) -> None:
    out = root / "data" / "published"
    inodes = {name: (out / name).stat().st_ino for name in FILES}
    before = _files(out)
    y = _articles(root) / "bench-000009.yaml"
    y.write_text(y.read_text("utf-8") + "# reviewed by an editor\n", "utf-8")  # a new key, the same graph
    res = _same_as_fresh(root, tmp_path)
    assert res.reused == N - 1
    assert _files(out) == before
    assert {name: (out / name).stat().st_ino for name in FILES} == inodes


def test_file_hashes_see_a_same_size_edit_even_with_the_old_mtime_put_back(tmp_path: Path) -> None:
    from pipeline.build import FileHashes
    f = tmp_path / "a.txt"
    f.write_text("version one", "utf-8")
    old = f.stat().st_mtime_ns
    memo = tmp_path / "hashes.json"
    first = FileHashes(memo)
    first.started += 10_000_000_000  # as if this build started 10 s later: the file is not "just changed"
    h1 = first.digest(f)
    first.save()
    assert json.loads(memo.read_bytes())[str(f)][4] == h1
    f.write_text("version two", "utf-8")  # same size
    os.utime(f, ns=(old, old))  # and the same mtime as before: only the ctime tells
    h2 = FileHashes(memo).digest(f)
    assert h2 != h1 and h2 == hashlib.sha256(b"version two").hexdigest()
    # a file changed just before the build started is not remembered (its next change may share its mtime)
    g = tmp_path / "b.txt"
    g.write_text("fresh", "utf-8")
    recent = FileHashes(memo)
    recent.digest(g)
    assert str(g) not in recent.seen


def test_patching_never_leaves_prefix_lines_where_a_full_publish_writes_nothing() -> None:
    from pipeline.incremental import Unpatchable, _patch_sorted
    pre = prefixes(minter())
    line = b"<https://w3id.org/diplokg/id/state/x> <http://www.w3.org/2000/01/rdf-schema#label> \"X\""
    doc = ox.serialize(ox.parse(line + b" .\n", format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.TURTLE,
                       prefixes=pre)
    st = SortedTurtle(doc, pre)
    with pytest.raises(Unpatchable):  # its only triple goes: the full publish's file is empty
        _patch_sorted(st, {line: -1}, {}, pre, b"<https://w3id.org/diplokg/id/")
    kept = _patch_sorted(st, {line.replace(b'"X"', b'"Y"'): 1}, {}, pre, b"<https://w3id.org/diplokg/id/")
    assert kept.triples == 1 and kept.subjects == 0  # a second label for the same subject
