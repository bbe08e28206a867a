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


def test_a_database_storing_an_older_column_order_shows_steampipes(tmp_path):
    """A database whose stored aws_iam_policy has policy_versions between policy_std and tags_src (as an older iamsql
    made it) shows Steampipe's order after it is opened again, with the stored values in their columns."""
    path = tmp_path / "older.duckdb"
    con = db.connect(path)
    stored = [(r[0], r[1]) for r in con.execute("describe history.aws_iam_policy").fetchall() if r[0] != "policy_versions"]
    older = [*stored[:stored.index(("tags_src", "JSON"))], ("policy_versions", "JSON"),
             *stored[stored.index(("tags_src", "JSON")):]]
    con.execute("drop view aws_iam_policy")
    con.execute("drop table history.aws_iam_policy")
    con.execute(f"create table history.aws_iam_policy ({', '.join(f'{n} {t}' for n, t in older)})")
    con.execute("insert into history.aws_iam_policy (name, policy_versions, tags_src, snapshot_id) "
                "values ('p', '[]', '[{\"Key\": \"k\", \"Value\": \"v\"}]', 1)")
    con.execute("update iamsql_schema set fingerprint = 'older'")
    con.close()
    con = db.connect(path)
    try:
        expected = reference()["aws_iam_policy"]
        assert [(r[0], r[1]) for r in con.execute("describe aws_iam_policy").fetchall()][:len(expected)] == expected
        assert con.execute("select tags_src::varchar, policy_versions::varchar from history.aws_iam_policy").fetchall() \
            == [('[{"Key": "k", "Value": "v"}]', "[]")]
    finally:
        con.close()
