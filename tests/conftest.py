"""Shared test set-up. Fixtures live in tests/fixtures/*.py, one module per real service (moto server,
PostgreSQL, ...); every module there is registered as a pytest plugin. Every file a test reads is in the
repository: the public AWS data sets are in tests/data (see tests/data/PROVENANCE.md)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from iamsql.load import load_paths
from iamsql.store import db

pytest_plugins = sorted(
    f"tests.fixtures.{p.stem}" for p in (Path(__file__).parent / "fixtures").glob("*.py") if p.stem != "__init__"
)

REPO = Path(__file__).resolve().parent.parent
TEST_DATA = REPO / "tests" / "data"
# The public AWS data sets copied into tests/data (tests/data/PROVENANCE.md). Tests that walk "every public data
# set" walk these, so other folders of tests/data (real_shapes/, reference/, ...) are never mistaken for one.
PUBLIC_DATA_SETS = (
    "aws_cli_examples",
    "aws_cloudtrail_processing_library",
    "cado_cloudgrep_tests",
    "cloud_custodian_placebo",
    "cloudmapper_demo",
    "cloudsplaining",
    "invictus_ir_aws_dataset",
    "maheribra_aws_attack_chain_ir",
    "otrf_security_datasets",
    "panther_analysis",
    "plaso_test_data",
    "stratus_red_team_detonation_logs",
)
# Tests that use these fixtures need a system tool (tests/fixtures/tools.py) and get its marker.
TOOL_MARKERS = {"postgres": "postgres", "spark": "spark", "soffice": "libreoffice", "libreoffice_convert": "libreoffice"}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, marker in TOOL_MARKERS.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.fixture(scope="session")
def public_data() -> Path:
    """The folder holding the public AWS data sets (``tests/data/<data set>``, see its PROVENANCE.md)."""
    missing = [name for name in PUBLIC_DATA_SETS if not (TEST_DATA / name).is_dir()]
    if missing:
        pytest.fail(f"public data sets missing from {TEST_DATA}: {', '.join(missing)}")
    return TEST_DATA


@pytest.fixture(scope="session")
def public_data_sets(public_data) -> list[Path]:
    """Each public data set's folder, sorted by name."""
    return [public_data / name for name in PUBLIC_DATA_SETS]


def pytest_configure(config) -> None:
    """Translated SQL and the parsed controls and mappings are kept in a folder of the test session
    (``IAMSQL_CACHE_DIR``, inherited by the commands tests start), never in the user's cache; set before collection,
    which reads the controls and mappings already (parametrized tests)."""
    os.environ["IAMSQL_CACHE_DIR"] = tempfile.mkdtemp(prefix="iamsql-test-cache-")


def pytest_unconfigure(config) -> None:
    shutil.rmtree(os.environ.pop("IAMSQL_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A fresh DuckDB file path for one test."""
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def cloudsplaining_loaded(tmp_path_factory) -> Path:
    """A database with Cloudsplaining's example account file loaded (two accounts), loaded once per session: copy
    it (``cloudsplaining_db``) before writing to it."""
    path = tmp_path_factory.mktemp("cloudsplaining") / "loaded.duckdb"
    con = db.connect(str(path))
    load_paths(con, [TEST_DATA / "cloudsplaining" / "example.json"])
    con.close()
    return path


@pytest.fixture
def cloudsplaining_db(cloudsplaining_loaded, tmp_path) -> Path:
    """A test's own copy of ``cloudsplaining_loaded``."""
    path = tmp_path / "iamsql.duckdb"
    shutil.copy(cloudsplaining_loaded, path)
    return path
