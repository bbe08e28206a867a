"""Every Steampipe table iamsql ships has Steampipe's columns, in Steampipe's order, with the type the plugin gives
each (text, boolean, bigint, double, timestamptz, jsonb), as the tables a fresh database opens with: the reference
lists are tests/data/reference/steampipe_aws_columns.csv (IAM, CloudTrail, Access Analyzer) and
steampipe_aws_more_columns.csv (the other tables; see tests/data/PROVENANCE.md). Columns that are not Steampipe's,
and Steampipe's that iamsql does not load or types otherwise, are the few listed here, each documented where its
table is."""

import csv
from pathlib import Path

import pytest

from iamsql.store import db
from iamsql.store.schema import CONNECTION_COLUMNS, DERIVED_TABLES, NOT_LOADED, TABLES

REFERENCE = Path(__file__).parent / "data" / "reference" / "steampipe_aws_columns.csv"
MORE_REFERENCE = REFERENCE.with_name("steampipe_aws_more_columns.csv")
# Steampipe's column types (proto.ColumnType_*) as DuckDB describes iamsql's columns (an ltree and an inet are text,
# docs/sql.md).
DUCKDB_TYPES = {"STRING": "VARCHAR", "BOOL": "BOOLEAN", "INT": "BIGINT", "DOUBLE": "DOUBLE",
                "TIMESTAMP": "TIMESTAMP WITH TIME ZONE", "JSON": "JSON", "LTREE": "VARCHAR", "IPADDR": "VARCHAR"}
# iamsql's own columns after Steampipe's: Steampipe's connection columns, the snapshot, and the additions that
# docs/loading.md and docs/sql.md describe.
OWN_COLUMNS = {"sp_connection_name": "VARCHAR", "sp_ctx": "JSON", "_ctx": "JSON", "snapshot_id": "BIGINT"}
ADDED = {
    "aws_iam_user": {"policies_loaded": "BOOLEAN", "login_profile_loaded": "BOOLEAN"},
    "aws_iam_group": {"policies_loaded": "BOOLEAN"},
    "aws_iam_role": {"policies_loaded": "BOOLEAN"},
    "aws_iam_policy": {"policy_versions": "JSON"},
    "aws_cloudtrail_trail_event": {"source_file": "VARCHAR", "event_time_raw": "VARCHAR",
                                   "identity_account_id": "VARCHAR", "identity_invoked_by": "VARCHAR",
                                   "session_issuer_arn": "VARCHAR", "session_mfa_authenticated": "VARCHAR"},
    "aws_cloudwatch_log_metric_filter": {"filter_pattern_alternatives": "JSON"},
    "aws_cognito_identity_pool": {"roles": "JSON", "role_mappings": "JSON"},
    "aws_ssoadmin_instance": {"name": "VARCHAR", "status": "VARCHAR", "created_date": "TIMESTAMP WITH TIME ZONE"},
    "aws_ssoadmin_permission_set": {"inline_policy": "JSON", "inline_policy_std": "JSON",
                                    "customer_managed_policy_references": "JSON", "permissions_boundary": "JSON"},
}
# Columns of newer plugin versions than the one the reference was read from, kept where iamsql has them.
NEWER = {"aws_region": {"steampipe_available"}, "aws_organizations_account": {"parent_id"}}
# Steampipe's columns iamsql types otherwise (docs/sql.md): the plugin version read gives registered_at as text.
RETYPED = {("aws_ecs_task_definition", "registered_at"): "TIMESTAMP WITH TIME ZONE"}
# Steampipe tables of the reference that iamsql does not load (docs/sql.md: what a query naming them gives).
NOT_SHIPPED = {"aws_iam_policy_simulator", "aws_cloudtrail_event_data_store"}


def reference(path: Path = REFERENCE) -> dict[str, list[tuple[str, str]]]:
    tables: dict[str, list[tuple[str, str]]] = {}
    with path.open(newline="") as f:
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
    assert set(tables) - set(TABLES) - set(DERIVED_TABLES) == NOT_SHIPPED


@pytest.mark.parametrize("table", sorted(set(reference()) & set(DERIVED_TABLES)))
def test_derived_tables_declare_steampipes_columns(table):
    """A table iamsql derives (a helper view, e.g. aws_cloudtrail_lookup_event) declares Steampipe's columns, in its
    order, then the connection columns (test_steampipe_queries and the table's own tests check the view against it)."""
    declared = [(name, "TIMESTAMP WITH TIME ZONE" if kind == "TIMESTAMPTZ" else kind)
                for name, kind in DERIVED_TABLES[table]]
    assert declared == reference()[table] + CONNECTION_COLUMNS


@pytest.mark.parametrize("table", sorted(set(reference()) & set(TABLES)))
def test_columns_names_order_and_types_are_steampipes(described, table):
    expected = reference()[table]
    columns = described(table)
    assert columns[:len(expected)] == expected  # Steampipe's columns first, in its order: `select *` lines up
    assert dict(columns[len(expected):]) == {**ADDED.get(table, {}), **OWN_COLUMNS}


def test_the_second_reference_is_read_whole_and_names_only_shipped_tables():
    tables = reference(MORE_REFERENCE)
    assert len(tables) == 33 and sum(map(len, tables.values())) == 637
    assert set(tables) <= set(TABLES) and not set(tables) & set(reference())


@pytest.mark.parametrize("table", sorted(reference(MORE_REFERENCE)))
def test_more_tables_have_steampipes_columns_in_its_order(described, table):
    """Steampipe's columns that iamsql does not load (NOT_LOADED: a query naming one fails saying where Steampipe
    reads it) are left out of the comparison; the rest line up."""
    expected = [(name, RETYPED.get((table, name), sqltype)) for name, sqltype in reference(MORE_REFERENCE)[table]
                if name not in NOT_LOADED.get(table, {})]
    columns = [c for c in described(table) if c[0] not in NEWER.get(table, set())]
    assert columns[:len(expected)] == expected
    assert dict(columns[len(expected):]) == {**ADDED.get(table, {}), **OWN_COLUMNS}


def test_every_column_left_out_is_a_steampipe_column_of_the_reference():
    more = reference(MORE_REFERENCE)
    for table, names in NOT_LOADED.items():
        if table in more:
            assert set(names) <= {name for name, _ in more[table]}, table
    assert all({name for name, _ in more[table]}.isdisjoint(names) for table, names in NEWER.items())
    assert all((name, "VARCHAR") in more[table] for table, name in RETYPED)


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
