"""Shared fixtures. Tests that need ../shared skip cleanly when it is absent."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLES = ROOT / "data" / "articles"
PUBLISHED = ROOT / "data" / "published"
SEED_ID = "russia-north-korea-pact-destabilising-australia"
IN_CI = bool(os.environ.get("CI"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite tests/goldens/*.ttl from the current mapping (review the diff!)")


@pytest.fixture(scope="session")
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside the project")
    return SHARED


def require_tool(name: str) -> str:
    """Path of an external tool; in CI its absence is a failure, locally a skip."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed; .ci/apt-packages should install it")
        pytest.skip(f"{name} is not installed")
    return path


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A scratch copy of the project's data, ontology and shapes (tests never touch data/)."""
    dst = tmp_path / "proj"
    for d in ("ontology", "shapes"):
        shutil.copytree(ROOT / d, dst / d)
    shutil.copytree(ARTICLES, dst / "data" / "articles")
    shutil.copytree(ROOT / "data" / "wikidata", dst / "data" / "wikidata")
    return dst
