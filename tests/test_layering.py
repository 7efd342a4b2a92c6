"""Layering (house style 2): stage modules never import the CLI; only the linker and ingest
import `requests`; only `validate` imports `pyshacl`. Checked on the import statements."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "pipeline"

REQUESTS_ALLOWED = {"pipeline/link.py", "pipeline/wikidata.py", "pipeline/ingest.py"}
PYSHACL_ALLOWED = {"pipeline/validate.py"}
CLI_LAYER = ("pipeline/cli.py", "pipeline/commands/", "pipeline/server/")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


MODULES = sorted(p for p in PKG.rglob("*.py"))


def _rel(p: Path) -> str:
    return str(p.relative_to(PKG.parent))


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_layering(path: Path) -> None:
    rel = _rel(path)
    imports = _imports(path)
    top = {i.split(".")[0] for i in imports}
    if "requests" in top:
        assert rel in REQUESTS_ALLOWED, f"{rel} imports requests; only {sorted(REQUESTS_ALLOWED)} may"
    if "pyshacl" in top:
        assert rel in PYSHACL_ALLOWED, f"{rel} imports pyshacl; only pipeline/validate.py may"
    if not rel.startswith(CLI_LAYER):
        bad = {i for i in imports if i == "pipeline.cli" or i.startswith(("pipeline.commands", "pipeline.server"))}
        assert not bad, f"stage module {rel} imports the CLI layer: {sorted(bad)}"


def test_checker_sees_imports(tmp_path: Path) -> None:
    """The checker itself is not blind: it finds both import forms."""
    p = tmp_path / "m.py"
    p.write_text("import requests\nfrom pyshacl import validate\nfrom pipeline.commands import build\n")
    assert _imports(p) == {"requests", "pyshacl", "pipeline.commands"}
