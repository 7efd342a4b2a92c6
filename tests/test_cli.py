"""The CLI as a user meets it: each kind of bad input gives one clear error naming the file and
line, exit 1, and the other articles still publish; usage errors exit 2; `diplokg query` prints
tables, CSV and JSON."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ARTICLES, PUBLISHED, ROOT, SEED_ID

OTHER = "li-qiang-visit-australia-2024"


def diplokg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """The seed and one other article, with the real ontology, shapes and Wikidata cache."""
    root = tmp_path / "proj"
    for d in ("ontology", "shapes"):
        shutil.copytree(ROOT / d, root / d)
    shutil.copytree(ROOT / "data" / "wikidata", root / "data" / "wikidata")
    (root / "data" / "articles").mkdir(parents=True)
    for aid in (SEED_ID, OTHER):
        for ext in (".txt", ".yaml"):
            shutil.copy(ARTICLES / f"{aid}{ext}", root / "data" / "articles" / f"{aid}{ext}")
    return root


def _edit_yaml(root: Path, old: str, new: str) -> int:
    p = root / "data" / "articles" / f"{SEED_ID}.yaml"
    text = p.read_text("utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    p.write_text(text, "utf-8")
    marker = new.strip().splitlines()[-1]  # the line that carries the error
    return text[: text.index(marker)].count("\n") + 1


BAD_YAML = [
    ("yaml-syntax", "    office: Foreign Minister\n", "    office: [Foreign Minister\n", "YAML syntax error"),
    ("unknown-field", "    office: Foreign Minister\n", "    office: Foreign Minister\n    since: 2022\n",
     "unknown field 'since'"),
    ("unknown-entity", "actors: [cho-tae-yul]", "actors: [cho-tae-yool]", "unknown entity 'cho-tae-yool'"),
    ("evidence-not-in-text", "evidence: Both Pyongyang and Moscow deny these allegations.",
     "evidence: Both Pyongyang and Moscow reject these allegations.", "evidence not found verbatim"),
    ("impossible-date", "value: 2024-07-29", "value: 2024-02-30", "impossible date '2024-02-30'"),
]


@pytest.mark.parametrize("case,old,new,message", BAD_YAML, ids=[c[0] for c in BAD_YAML])
def test_bad_facts_file(small_project: Path, case: str, old: str, new: str, message: str) -> None:
    line = _edit_yaml(small_project, old, new)
    proc = diplokg("build", "--root", str(small_project), "-q", "--workers", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert message in proc.stderr
    assert f"{SEED_ID}.yaml:" in proc.stderr
    reported = int(proc.stderr.split(f"{SEED_ID}.yaml:")[1].split(":")[0])
    if case == "yaml-syntax":
        assert reported >= line  # the parser notices the unclosed bracket where it fails
    else:
        assert reported == line
    assert "Traceback" not in proc.stderr
    nq = (small_project / "data" / "published" / "dataset.nq").read_text("utf-8")
    assert f"/graph/{OTHER}>" in nq and f"/graph/{SEED_ID}>" not in nq


@pytest.mark.parametrize("case,content,message", [
    ("empty", b"\n  \n", "article text is empty"),
    ("not-utf8", "Paju".encode() + b" \xff\xfe broken\n", "not UTF-8"),
    ("binary-nul", b"\x00\x01\x02PK\x03\x04" * 20, "binary file"),
    ("binary-png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not UTF-8"),
])
def test_bad_article_text(small_project: Path, case: str, content: bytes, message: str) -> None:
    (small_project / "data" / "articles" / f"{SEED_ID}.txt").write_bytes(content)
    proc = diplokg("build", "--root", str(small_project), "-q", "--workers", "1")
    assert proc.returncode == 1
    assert message in proc.stderr and f"{SEED_ID}.txt:1" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    nq = (small_project / "data" / "published" / "dataset.nq").read_text("utf-8")
    assert f"/graph/{OTHER}>" in nq


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert diplokg("build", "--workers", "many").returncode == 2
    assert diplokg("build", "--root", str(tmp_path / "nowhere")).returncode == 2
    proc = diplokg("query", str(tmp_path / "missing.rq"))
    assert proc.returncode == 2 and "query file not found" in proc.stderr
    assert diplokg().returncode == 2


def test_every_command_has_help() -> None:
    from pipeline.cli import COMMANDS
    for cmd in COMMANDS:
        proc = diplokg(cmd, "--help")
        assert proc.returncode == 0, (cmd, proc.stderr)
        assert proc.stdout.startswith("usage: diplokg " + cmd)


def test_query_table_csv_json() -> None:
    q = str(ROOT / "queries" / "cq11-quad-meeting-countries.rq")
    table = diplokg("query", q, "--published", str(PUBLISHED))
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines() == ["country", "-------------", "Australia", "India", "Japan",
                                         "United States", "(4 rows)"]
    csv = diplokg("query", q, "--published", str(PUBLISHED), "--format", "csv")
    assert csv.stdout.replace("\r\n", "\n") == "country\nAustralia\nIndia\nJapan\nUnited States\n"
    js = json.loads(diplokg("query", q, "--published", str(PUBLISHED), "--format", "json").stdout)
    assert [b["country"]["value"] for b in js["results"]["bindings"]] == \
        ["Australia", "India", "Japan", "United States"]


def test_malformed_query_names_the_problem() -> None:
    proc = diplokg("query", "SELECT ?x WHERE { ?x ?y }", "--published", str(PUBLISHED))
    assert proc.returncode == 1
    assert "error" in proc.stderr.lower() and "Traceback" not in proc.stderr
