"""Every Steampipe table iamsql ships has Steampipe's columns, in Steampipe's order, with the type the plugin gives
each (text, boolean, bigint, double, timestamptz, jsonb), as the tables a fresh database opens with: the reference
list is tests/data/reference/steampipe_aws_columns.csv (see tests/data/PROVENANCE.md). Columns that are not
Steampipe's are the few listed here, each documented where its table is."""

import csv
from pathlib import Path

import pytest

from iamsql.store import db
from iamsql.store.schema import TABLES

REFERENCE = Path(__file__).parent / "data" / "reference" / "steampipe_aws_columns.csv"
# Steampipe's column types (proto.ColumnType_*) as DuckDB describes iamsql's columns.
DUCKDB_TYPES = {"STRING": "VARCHAR", "BOOL": "BOOLEAN", "INT": "BIGINT", "DOUBLE": "DOUBLE",
                "TIMESTAMP": "TIMESTAMP WITH TIME ZONE", "JSON": "JSON"}
# iamsql's own columns after Steampipe's: Steampipe's connection column, the snapshot, and the additions that
# docs/loading.md and docs/sql.md describe.
OWN_COLUMNS = {"_ctx": "JSON", "snapshot_id": "BIGINT"}
ADDED = {
    "aws_iam_user": {"policies_loaded": "BOOLEAN"},
    "aws_iam_group": {"policies_loaded": "BOOLEAN"},
    "aws_iam_role": {"policies_loaded": "BOOLEAN"},
    "aws_iam_policy": {"policy_versions": "JSON"},
    "aws_cloudtrail_trail_event": {"source_file": "VARCHAR", "event_time_raw": "VARCHAR"},
}
# Steampipe tables of the reference that iamsql does not load (docs/sql.md: what a query naming them gives).
NOT_SHIPPED = {"aws_iam_policy_simulator", "aws_cloudtrail_lookup_event", "aws_cloudtrail_event_data_store"}


def reference() -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    with REFERENCE.open(newline="") as f:
        for row in csv.DictReader(f):
            tables.setdefault(row["table"], []).append((row["column"], DUCKDB_TYPES[row["type"]]))
    return tables


@pytest.fixture(scope="module")
def described():
    con = db.connect(":memory:")
    yield lambda table: [(r[0], r[1]) for r in con.execute(f"describe {table}").fetchall()]
    con.close()


def test_the_reference_is_read_whole():
    tables = reference()
    assert len(tables) == 23 and sum(map(len, tables.values())) == 414
    assert set(tables) - set(TABLES) == NOT_SHIPPED


@pytest.mark.parametrize("table", sorted(set(reference()) - NOT_SHIPPED))
def test_columns_names_order_and_types_are_steampipes(described, table):
    expected = reference()[table]
    columns = described(table)
    assert columns[:len(expected)] == expected  # Steampipe's columns first, in its order: `select *` lines up
    assert dict(columns[len(expected):]) == {**ADDED.get(table, {}), **OWN_COLUMNS}
