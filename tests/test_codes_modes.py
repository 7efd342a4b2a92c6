"""PLOVER mode and context per CAMEO code (used by `extract --format plover-jsonl`) come from the
crosswalk through ontology/cameo.ttl and agree with the crosswalk file line by line."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline import codes


def test_mode_context_examples_checked_by_hand() -> None:
    # from CAMEO2PLOVER-2021.txt: "042: CONSULT, visit," / "111: ACCUSE, disapprove," /
    # "1124: ACCUSE, allege, military; legal" / "0311: AGREE,  ,   economic"
    assert codes.cameo_mode_context("042") == ("visit", None)
    assert codes.cameo_mode_context("111") == ("disapprove", None)
    assert codes.cameo_mode_context("1124") == ("allege", "legal; military")
    assert codes.cameo_mode_context("0311") == (None, "economic")
    assert codes.cameo_mode_context("010") == (None, None)  # root 01: no PLOVER type at all


def test_mode_context_agree_with_the_crosswalk(shared_dir: Path) -> None:
    lines = (shared_dir / "benchmarks/plover-gsr/CAMEO2PLOVER-2021.txt").read_text("utf-8").splitlines()
    seen: dict[str, int] = {}
    rows = []
    for line in lines:
        m = re.match(r"^(\d{2,4}):\s*([A-Z]+)\s*(?:,([^,#]*))?(?:,([^#]*))?", line.strip())
        if m:
            seen[m.group(1)] = seen.get(m.group(1), 0) + 1
            rows.append(m.groups())
    checked = 0
    for code, _, mode, ctx in rows:
        if seen[code] > 1 or code not in codes.tables().cameo_labels:
            continue
        contexts = sorted(c.strip() for c in (ctx or "").split(";") if c.strip())
        assert codes.cameo_mode_context(code) == ((mode or "").strip() or None,
                                                  "; ".join(contexts) or None), code
        checked += 1
    assert checked > 200
