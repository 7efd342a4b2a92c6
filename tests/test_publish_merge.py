"""The external sort's merge of sorted runs (pipeline.publish._merge_runs) against sorted(set())."""

from __future__ import annotations

import io
import random

import pytest

from pipeline.publish import _ExternalSort, _merge_runs


def _runs(rng: random.Random, n_runs: int, per_run: int, alphabet: str) -> list[list[bytes]]:
    out = []
    for _ in range(n_runs):
        lines = {"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))).encode() + b"\n"
                 for _ in range(rng.randint(0, per_run))}
        out.append(sorted(lines))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_merge_runs_equals_sorted_set(seed: int) -> None:
    rng = random.Random(seed)
    runs = _runs(rng, rng.randint(1, 12), rng.choice([0, 3, 50, 700]), rng.choice(["ab", "abc", "abcdé"]))
    total = rng.choice([1, 7, 300, 50_000])  # small totals: many refills, buffers of the 256-line minimum
    got = [line for chunk in _merge_runs([io.BytesIO(b"".join(r)) for r in runs], total) for line in chunk]
    want = sorted({line[:-1] for r in runs for line in r})
    assert got == want


def test_external_sort_with_many_runs(tmp_path) -> None:
    """Through _ExternalSort: spilled runs of 50 lines each, duplicates across runs."""
    from contextlib import ExitStack
    rng = random.Random(7)
    lines = [f"<s{rng.randint(0, 900)}> <p> \"{rng.randint(0, 30)}\"".encode() for _ in range(5_000)]
    sorter = _ExternalSort(tmp_path, "t", run_lines=50)
    for i in range(0, len(lines), 37):
        sorter.add(lines[i:i + 37])
    with ExitStack() as stack:
        got = [line for chunk in sorter.merged_chunks(stack) for line in chunk]
    assert len(sorter.runs) > 50
    assert got == sorted(set(lines))
