"""How a load stores its rows: one insert per table for every account, the coverage in one statement, the schema
made in one transaction, a connection that only stores rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

EXAMPLE = Path(__file__).parent / "data" / "cloudsplaining" / "example.json"  # accounts 012345678901, 200611803367


def test_write_rows_stores_each_batch_with_its_snapshot_and_counts_it(tmp_path):
    con = db.connect(tmp_path / "a.duckdb", queries=False)
    first = db.new_snapshot(con, account_id="111111111111", kind="load", sources=[], as_of=None)
    second = db.new_snapshot(con, account_id="222222222222", kind="load", sources=[], as_of=None)
    counts = db.write_rows(
        con,
        "aws_iam_group",
        [
            (first, [{"name": "a"}, {"name": "b"}]),
            (second, []),
            (first + 10, [{"name": "c", "inline_policies": [{"x": 1}]}]),
        ],
    )
    assert counts == [2, 0, 1]
    assert con.execute("select name, snapshot_id, inline_policies from history.aws_iam_group").fetchall() == [
        ("a", first, None),
        ("b", first, None),
        ("c", first + 10, '[{"x": 1}]'),
    ]
    assert con.execute("select count(*) from iamsql_snapshot_table").fetchone() == (0,)  # the caller records it
    db.record_coverage(con, [(first, "aws_iam_group", 2), (second, "aws_iam_group", 0)])
    assert con.execute("select * from iamsql_snapshot_table").fetchall() == [
        (first, "aws_iam_group", 2),
        (second, "aws_iam_group", 0),
    ]
    con.close()


def test_insert_rows_records_the_coverage_even_without_rows(tmp_path):
    con = db.connect(tmp_path / "a.duckdb", queries=False)
    snapshot = db.new_snapshot(con, account_id="111111111111", kind="load", sources=[], as_of=None)
    assert db.insert_rows(con, "aws_iam_role", snapshot, []) == 0
    assert con.execute("select * from iamsql_snapshot_table").fetchall() == [(snapshot, "aws_iam_role", 0)]
    con.close()


def test_load_writes_the_coverage_of_every_account_in_account_then_table_order(tmp_path):
    con = db.connect(tmp_path / "a.duckdb", queries=False)
    summary = load_paths(con, [EXAMPLE])
    coverage = con.execute(
        "select s.account_id, t.table_name, t.row_count from iamsql_snapshot_table t "
        "join iamsql_snapshot s using (snapshot_id)"
    ).fetchall()
    assert coverage == sorted(coverage)
    assert {(s["account_id"], table, rows) for s in summary.snapshots for table, rows in s["tables"].items()} == set(
        coverage
    )
    stored = dict(
        con.execute(
            "select s.account_id || ' ' || t.table_name, count(*) from iamsql_snapshot_table t "
            "join iamsql_snapshot s using (snapshot_id) join history.aws_iam_user u "
            "on u.snapshot_id = t.snapshot_id and t.table_name = 'aws_iam_user' group by all"
        ).fetchall()
    )
    assert stored == {"012345678901 aws_iam_user": 3, "200611803367 aws_iam_user": 41}
    con.close()


@pytest.mark.parametrize(("index", "account", "position"), [(1, "012345678901", 1), (3 + 5, "200611803367", 5)])
def test_a_refused_row_names_the_record_of_its_own_account(tmp_path, monkeypatch, index, account, position):
    """One insert holds every account's rows (3 users, then 41): DuckDB's row number points into the account it
    falls in, at the position the rows were written in."""
    con = db.connect(tmp_path / "stored.duckdb", queries=False)
    load_paths(con, [EXAMPLE])
    arn = con.execute("select arn from history.aws_iam_user where account_id = ? order by rowid", [account]).fetchall()[
        position
    ][0]
    con.close()
    write_rows = db.write_rows

    def refusing(con, table, batches):
        if table == "aws_iam_user":
            raise db.RowsNotStored(table, "too big", index)
        return write_rows(con, table, batches)

    monkeypatch.setattr(db, "write_rows", refusing)
    con = db.connect(tmp_path / "a.duckdb", queries=False)
    with pytest.raises(InputError) as raised:
        load_paths(con, [EXAMPLE])
    message = str(raised.value)
    assert message.startswith(f"{EXAMPLE}: aws_iam_user record {arn} (")
    assert message.endswith("could not be stored: too big; nothing was written")
    assert con.execute("select count(*) from iamsql_snapshot").fetchone() == (0,)
    con.close()


def test_a_connection_for_storing_rows_has_no_query_helpers(tmp_path):
    path = tmp_path / "a.duckdb"
    con = db.connect(path, queries=False)
    load_paths(con, [EXAMPLE])
    assert con.execute("select count(*) from duckdb_views() where view_name = 'iamsql_account'").fetchone() == (0,)
    con.close()
    con = db.connect(path, read_only=True)
    assert con.execute("select count(*) from iamsql_account").fetchone() == (2,)
    con.close()


def test_schema_made_again_over_a_database_without_its_fingerprint(tmp_path):
    """The schema's statements, run in one transaction, keep what a database holds and record the fingerprint."""
    path = tmp_path / "a.duckdb"
    con = db.connect(path, queries=False)
    load_paths(con, [EXAMPLE])
    before = con.execute("select count(*) from aws_iam_role").fetchone()
    con.execute("drop table iamsql_schema")
    con.execute("drop view main.aws_iam_role")
    db.ensure_schema(con)
    assert con.execute("select count(*) from aws_iam_role").fetchone() == before == (78,)
    assert con.execute("select fingerprint from iamsql_schema").fetchall() == [(db.schema_fingerprint(),)]
    con.close()
