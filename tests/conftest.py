"""Shared test set-up. Fixtures live in tests/fixtures/*.py, one module per real service (moto server,
PostgreSQL, ...); every module there is registered as a pytest plugin."""

import os
from pathlib import Path

import pytest

pytest_plugins = sorted(
    f"tests.fixtures.{p.stem}" for p in (Path(__file__).parent / "fixtures").glob("*.py") if p.stem != "__init__"
)

REPO = Path(__file__).resolve().parent.parent
# The public data set beside the repository; IAMSQL_SHARED_DATA points elsewhere (a checkout in another folder).
SHARED_DATA = Path(os.environ.get("IAMSQL_SHARED_DATA") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public AWS data set beside the repository (see its PROVENANCE.md)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"public data set not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A fresh DuckDB file path for one test."""
    return tmp_path / "test.duckdb"
