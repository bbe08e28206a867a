"""Steampipe's connection columns, which its plugin SDK adds after every table's own columns: `sp_connection_name`
(text), `sp_ctx` and `_ctx` (jsonb). iamsql's connection is the account: `sp_connection_name` is the account id and
both JSON columns are `{"connection_name": <account id>}`, on rows of IAM exports and of CloudTrail logs alike, on
`aws_account`, and on rows a database stored before the columns existed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from iamsql.load import load_paths
from iamsql.sql import query
from iamsql.store import db
from iamsql.store.schema import DERIVED_TABLES, TABLES

SAMPLE = Path(__file__).parents[1] / "iamsql" / "sample"
GAAD = SAMPLE / "cloudsplaining" / "get-account-authorization-details.json"
TRAIL_LOG = SAMPLE / "cloudtrail" / "invictus_ir" / "218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json"
ACCOUNTS = ["012345678901", "200611803367"]  # the accounts of the export's ARNs
TRAIL_ACCOUNT = "123837392027"  # the recipientAccountId of every event of the log
STEAMPIPE_ORDER = [("sp_connection_name", "VARCHAR"), ("sp_ctx", "JSON"), ("_ctx", "JSON")]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    shutil.copy(GAAD, folder / "gaad.json")
    shutil.copy(TRAIL_LOG, folder / TRAIL_LOG.name)
    connection = db.connect(tmp_path_factory.mktemp("db") / "connection.duckdb")
    load_paths(connection, [str(folder)])
    yield connection
    connection.close()


def rows(con, sql: str) -> list[tuple]:
    return query.run_query(con, sql)[1]


def test_the_connection_columns_come_in_the_sdks_order_before_the_snapshot():
    connection = db.connect(":memory:")
    try:
        for table in TABLES:
            described = [(r[0], r[1]) for r in connection.execute(f"describe {table}").fetchall()]
            assert described[-4:] == [*STEAMPIPE_ORDER, ("snapshot_id", "BIGINT")], table
    finally:
        connection.close()
    assert DERIVED_TABLES["aws_account"][-3:] == STEAMPIPE_ORDER


def test_iam_rows_name_their_account_as_the_connection(con):
    found = rows(con, "select distinct account_id, sp_connection_name, sp_ctx ->> 'connection_name', "
                      "_ctx ->> 'connection_name', sp_ctx = _ctx from aws_iam_role order by 1")
    assert found == [(account, account, account, account, True) for account in ACCOUNTS]
    assert rows(con, "select count(*) from aws_iam_policy where sp_connection_name is null") == [(0,)]
    assert rows(con, "select count(*) from aws_iam_policy") != [(0,)]


def test_cloudtrail_events_name_their_account_as_the_connection(con):
    found = rows(con, "select distinct sp_connection_name, sp_ctx ->> 'connection_name', account_id "
                      "from aws_cloudtrail_trail_event where log_group_name = 'any'")
    assert found == [(TRAIL_ACCOUNT, TRAIL_ACCOUNT, TRAIL_ACCOUNT)]


def test_aws_account_names_the_connection_as_the_tables_do(con):
    found = rows(con, "select a.account_id, a.sp_connection_name, a.sp_ctx ->> 'connection_name', "
                      "jsonb_typeof(a.sp_ctx), count(r.name) from aws_account as a "
                      "join aws_iam_role as r on r.sp_connection_name = a.sp_connection_name group by 1, 2, 3, 4 "
                      "order by 1")
    assert [row[:4] for row in found] == [(account, account, account, "object") for account in ACCOUNTS]
    assert all(row[4] > 0 for row in found)


def test_a_database_stored_before_the_connection_columns_gets_them_from_ctx(tmp_path):
    path = tmp_path / "older.duckdb"
    con = db.connect(path)
    con.execute("insert into history.aws_iam_group (name, _ctx, snapshot_id) "
                "values ('admins', '{\"connection_name\": \"111122223333\"}', 1)")
    con.execute("drop view aws_iam_group")
    con.execute("alter table history.aws_iam_group drop column sp_connection_name")
    con.execute("alter table history.aws_iam_group drop column sp_ctx")
    con.execute("update iamsql_schema set fingerprint = 'older'")
    con.close()
    con = db.connect(path)
    try:
        stored = con.execute("select sp_connection_name, sp_ctx::varchar from history.aws_iam_group").fetchall()
    finally:
        con.close()
    assert [(name, json.loads(ctx)) for name, ctx in stored] == [("111122223333", {"connection_name": "111122223333"})]
