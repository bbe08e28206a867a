"""A control's rows turned into results by DuckDB (``RunResults.add_control_rows``: finding ids, dimensions as
``json.dumps`` writes them) are stored exactly as the Python rules (``result_rows``) store them, and rows those
SQL rules cannot write the same way are left to Python."""

import json
from datetime import datetime, timezone

import pytest

from iamsql import controls
from iamsql.controls.catalog import Control
from iamsql.controls.contract import CONTROL_ROWS, STAGED_RESULTS, Account, RunResults, result_rows
from iamsql.store import db

CONTROL = Control("iam_test", "A test", "", "medium", "AWS::IAM::User", "", "", ("aws_iam_user",), ("aws_iam_user",))
ACCOUNT = Account("111111111111", "aws", datetime(2024, 3, 1, tzinfo=timezone.utc), {"aws_iam_user"})
RESULT = "'arn:aws:iam::111111111111:user/a' as resource, 'alarm' as status, 'why, \"so\"' as reason"

# Rows whose every column the SQL rules write: text with JSON's and SQL's special characters, integers of
# several widths, booleans, NULLs typed and untyped, an empty account id (the account's own), a NULL region.
WRITTEN_IN_SQL = [
    f"select {RESULT}, '' as account_id, 'global' as region",
    f"""select {RESULT}, null as account_id, null as region, 'say "hi" \\ it''s =1+2' as note,
        -5 as small, 12345678901234::bigint as big, 7::hugeint as huge, true as yes, false as no,
        null::boolean as maybe, null as nothing, null::varchar as empty, '' as blank""",
    f"""select {RESULT}, '222222222222' as account_id, 'us-east-1' as region, 'a' as "odd ""key"" \\ name" """,
    """select 'r' || i as resource, case when i % 2 = 0 then 'ok' else 'skip' end as status, 'n=' || i as reason,
        case when i % 3 = 0 then '' else '333333333333' end as account_id,
        case when i % 4 = 0 then null else 'eu-west-1' end as region, i as i, i % 5 = 0 as fifth
        from range(50) t(i)""",
    f"select {RESULT}, 'x' as account_id, 'y' as region where false",
]

# Rows left to the Python rules: text outside printable ASCII, floats, decimals, times, lists, a broken contract.
LEFT_TO_PYTHON = [
    f"select {RESULT}, null as account_id, null as region, 'caf\u00e9' as note",
    f"select {RESULT}, null as account_id, null as region, 'tab\there' as note",
    f"select {RESULT}, null as account_id, null as region, 0.1::double as ratio",
    f"select {RESULT}, null as account_id, null as region, 1.50 as amount",
    f"select {RESULT}, null as account_id, null as region, timestamptz '2024-01-02 03:04:05+00' as seen",
    f"select {RESULT}, null as account_id, null as region, [1, 2] as list",
    f"select {RESULT}, 1 as account_id, null as region",
    "select 42 as resource, 'ok' as status, 'x' as reason, null as account_id, null as region",
    "select 'r' as resource, 'maybe' as status, 'x' as reason, null as account_id, null as region",
    "select 'r' as resource, 'ok' as status, '' as reason, null as account_id, null as region",
    "select 'r' as resource, 'ok' as status, 'x' as reason, null as account_id",
]


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "results.duckdb")
    yield connection
    connection.close()


def control_rows(con, sql: str) -> list[tuple[str, str]]:
    con.execute(f"create or replace temp table {CONTROL_ROWS} as {sql}")
    return [(d[0], str(d[1])) for d in con.execute(f"select * from {CONTROL_ROWS} limit 0").description]


def staged(found: RunResults) -> list[tuple]:
    found.flush()
    return found.con.execute(f"select * from {STAGED_RESULTS}").fetchall()


@pytest.mark.parametrize("sql", WRITTEN_IN_SQL)
def test_rows_written_in_sql_equal_the_python_rules(con, sql):
    columns = control_rows(con, sql)
    in_sql = RunResults(con)
    assert in_sql.add_control_rows(CONTROL, ACCOUNT, columns) == con.execute(
        f"select count(*) from {CONTROL_ROWS}"
    ).fetchone()[0]
    by_sql = staged(in_sql)
    in_python = RunResults(con)
    names = [name for name, _ in columns]
    in_python.extend(result_rows(CONTROL, ACCOUNT, names, con.execute(f"select * from {CONTROL_ROWS}").fetchall()))
    assert by_sql == staged(in_python)


def test_dimension_texts_and_finding_ids(con):
    columns = control_rows(con, WRITTEN_IN_SQL[1])
    found = RunResults(con)
    found.add_control_rows(CONTROL, ACCOUNT, columns)
    (row,) = staged(found)
    assert row[1] == controls.finding_id(CONTROL.id, ACCOUNT.account_id, None, "arn:aws:iam::111111111111:user/a")
    assert row[5:7] == (ACCOUNT.account_id, None)
    assert row[8] == (
        '{"note": "say \\"hi\\" \\\\ it\'s =1+2", "small": -5, "big": 12345678901234, "huge": 7, "yes": true, '
        '"no": false, "maybe": null, "nothing": null, "empty": null, "blank": ""}'
    )
    assert json.loads(row[8])["note"] == 'say "hi" \\ it\'s =1+2'


@pytest.mark.parametrize("sql", LEFT_TO_PYTHON)
def test_rows_the_sql_rules_cannot_write_are_left_to_python(con, sql):
    columns = control_rows(con, sql)
    found = RunResults(con)
    assert found.add_control_rows(CONTROL, ACCOUNT, columns) is None
    assert staged(found) == []


def test_a_check_stores_each_control_the_same_either_way(con, tmp_path):
    """Through the run loop: one control written in SQL, one left to Python, in the order they ran."""
    queries = tmp_path / "queries"
    queries.mkdir()
    header = (
        "/*\ntitle: {0}\ndescription: A test.\nseverity: low\nresource_type: AWS::IAM::User\nrationale: Tests.\n"
        "remediation: None.\ntables: [aws_iam_user]\n*/\n"
    )
    (queries / "a_in_sql.sql").write_text(
        header.format("In SQL") + "select arn as resource, 'ok' as status, 'fine' as reason, account_id, region, "
        "name as user_name, 3 as n from aws_iam_user"
    )
    (queries / "b_in_python.sql").write_text(
        header.format("In Python") + "select arn as resource, 'alarm' as status, 'caf\u00e9' as reason, account_id, "
        "region, 'na\u00efve' as user_name, 0.5::double as share from aws_iam_user"
    )
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id="111111111111", kind="load", sources=[], as_of=ACCOUNT.as_of)
        db.insert_rows(con, "aws_iam_user", snapshot, [
            {"name": "a", "arn": "arn:aws:iam::111111111111:user/a", "account_id": "111111111111",
             "region": "global", "partition": "aws", "create_date": "2020-01-01T00:00:00Z"},
        ])
    run_id = controls.run_checks(con, queries_dir=queries)
    stored = con.execute(
        "select control_id, finding_id, status, reason, dimensions from iamsql_result where run_id = ?", [run_id]
    ).fetchall()
    arn = "arn:aws:iam::111111111111:user/a"
    assert stored == [
        ("a_in_sql", controls.finding_id("a_in_sql", "111111111111", "global", arn), "ok", "fine",
         '{"user_name": "a", "n": 3}'),
        ("b_in_python", controls.finding_id("b_in_python", "111111111111", "global", arn), "alarm", "caf\u00e9",
         '{"user_name": "na\\u00efve", "share": 0.5}'),
    ]
    assert con.execute(
        f"select count(*) from duckdb_tables() where table_name in ('{STAGED_RESULTS}')"
    ).fetchone()[0] == 0
