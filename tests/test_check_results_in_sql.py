"""A control's rows turned into results by DuckDB (``RunResults.add_control_rows``: finding ids, dimensions as
``json.dumps`` writes them) are stored exactly as the Python rules (``result_rows``) store them, and rows those
SQL rules cannot write the same way are left to Python."""

import json
from collections import Counter
from datetime import datetime, timezone
from operator import itemgetter

import pytest

from iamsql import controls
from iamsql.controls.catalog import Control
from iamsql.controls.contract import (
    CONTROL_ROWS,
    SEVERITIES,
    STAGED_RESULTS,
    Account,
    RunResults,
    _render_rows,
    _wrapped,
    exit_code,
    render_results,
    result_rows,
    skipped_lines,
    stored_counts,
)
from iamsql.controls.engines import duckdb as duckdb_engine
from iamsql.frameworks import counted_by_account, statuses_by_account
from iamsql.sql.output import render
from iamsql.store import db
from iamsql.store.bookkeeping import RUN_DDL

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


@pytest.mark.parametrize("keeps_rows", [True, False], ids=["rows-kept-in-duckdb", "rows-fetched-small-data"])
def test_a_check_stores_each_control_the_same_either_way(con, tmp_path, monkeypatch, keeps_rows):
    """Through the run loop: with the rows kept in DuckDB (beyond small data) one control is written in SQL and
    one left to Python; with small data both are fetched; the stored run is the same, in the order they ran."""
    monkeypatch.setattr(duckdb_engine, "is_small_data", lambda _con: not keeps_rows)
    offered_to_sql = []
    add_control_rows = RunResults.add_control_rows

    def offered(self, control, *args):
        offered_to_sql.append(control.id)
        return add_control_rows(self, control, *args)

    monkeypatch.setattr(RunResults, "add_control_rows", offered)
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
        f"select count(*) from duckdb_tables() where table_name in ('{STAGED_RESULTS}', '{CONTROL_ROWS}')"
    ).fetchone()[0] == 0
    assert offered_to_sql == (["a_in_sql", "b_in_python"] if keeps_rows else [])


# ---- a stored run's output: the roll-up's counts from DuckDB ------------------------------------


ROLL_UP = [  # (account, control, status) of result rows: the ones without an account count for every account
    ("1", "a", "ok"), ("1", "a", "alarm"), ("2", "a", "alarm"), ("2", "b", "skip"), (None, "c", "error"),
    ("", "b", "info"), ("1", "a", "ok"), ("2", "b", "skip"),
]


def test_counted_by_account_equals_statuses_by_account():
    rows = [{"account_id": a, "control_id": c, "status": s} for a, c, s in ROLL_UP]
    counts = Counter(ROLL_UP)
    assert counted_by_account((*key, n) for key, n in counts.items()) == statuses_by_account(rows)
    assert counted_by_account([(None, "c", "error", 2)]) == statuses_by_account([{"control_id": "c", "status": "error"}])


def test_a_stored_run_renders_as_its_rows_do(con, tmp_path):
    """The counted summary gives what the row roll-up gives for the same rows, and the text formats what
    ``_render_rows`` gives."""
    con.execute(RUN_DDL)
    con.execute("insert into iamsql_run (run_id, started_at) values (7, now())")
    texts = ["=cmd()", "a, b", 'say "hi"', "two\nlines", "plain", "-1", "\u00e9t\u00e9", "cr\rhere"]
    stored = [
        (7, control, f"f{i}", f"arn:{i}" if i % 5 else texts[i % len(texts)], status, texts[(i * 3) % len(texts)],
         account, "global" if i % 2 else None, "high", "{}")
        for i, (account, control, status) in enumerate(
            [(a, c, s) for a, c, s in ROLL_UP] + [("1", "iam_root_mfa_enabled", "alarm"), ("3", "zz_unknown", "ok")]
        )
    ]
    con.executemany("insert into iamsql_result values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", stored)
    rows = controls.results(con, 7)
    counted = stored_counts(con, 7)
    assert sum(c["count"] for c in counted) == len(rows) == len(stored)
    by_account = counted_by_account(itemgetter("account_id", "control_id", "status", "count")(c) for c in counted)
    assert by_account == statuses_by_account(rows)
    assert [exit_code(counted, "high"), exit_code(rows, "high")] == [2, 2]
    no_error = [c for c in counted if c["status"] != "error"]
    assert [exit_code(no_error, "high"), exit_code(no_error, "info")] == [1, 1]
    assert exit_code([c for c in no_error if c["status"] != "alarm"], "info") == 0
    for fmt in ("md", "jsonl"):
        assert render_results(con, 7, counted, fmt)[0] == _render_rows(rows, fmt, True)
    assert "=cmd()" in _render_rows(rows, "md", True)
    assert render_results(con, 7, counted, "table")[0] == attention_text(rows)


def attention_text(rows: list[dict]) -> str:
    """A table as the Python rule orders it: errors, then alarms by severity (critical first, an unknown one
    last), control, account and resource; then the skipped controls' lines."""

    def rank(r: dict) -> tuple:
        severity = SEVERITIES.index(r["severity"]) if r["severity"] in SEVERITIES else len(SEVERITIES)
        return (["error", "alarm"].index(r["status"]), severity, r["control_id"], r["account_id"] or "",
                r["resource"] or "", r["reason"])

    attention = sorted((r for r in rows if r["status"] in ("error", "alarm")), key=rank)
    repeated = len({(r["control_id"], r["resource"]) for r in attention}) < len(attention)
    fields = ("control_id", "severity", "status", *(["account_id"] if repeated else []), "resource", "reason")
    shown = [itemgetter(*fields)(r) for r in attention]
    text = render(list(fields), shown, "table", whole=("control_id",)) if shown else ""
    skipped = skipped_lines(rows)
    return text + ("\n" if text and skipped else "") + "".join(_wrapped(line) for line in skipped)


def test_a_table_shows_what_needs_attention_in_order(con):
    """The table of a stored run (read and sorted by DuckDB) is the Python rule's: every severity, an unknown one,
    accounts with and without an id, text that looks like a formula, several lines, non-ASCII."""
    con.execute(RUN_DDL)
    con.execute("insert into iamsql_run (run_id, started_at) values (3, now())")
    severities = ["low", "critical", "bogus", "info", "high", "medium"]
    texts = ["=cmd()", "b\n  two", "\u00e9t\u00e9", "arn:aws:iam::1:user/z", "arn:aws:iam::1:user/a", "", "@x"]
    stored = [
        (3, f"c{i % 4}", f"f{i}", texts[i % len(texts)], ["error", "alarm", "alarm", "skip", "ok"][i % 5],
         texts[(i * 2) % len(texts)], [None, "1", "2"][i % 3], None, severities[i % len(severities)], "{}")
        for i in range(120)
    ]
    con.executemany("insert into iamsql_result values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", stored)
    rows = controls.results(con, 3)
    text = render_results(con, 3, stored_counts(con, 3), "table")[0]
    assert text == attention_text(rows)
    assert text.index("critical") < text.index("bogus") and "skipped" in text and "'=cmd()" in text


def test_a_table_tells_one_resource_of_several_accounts_apart(con):
    """An AWS managed policy is a resource of every account it is attached in (one row per account, as Steampipe's
    aws_iam_policy gives it): the table then shows each row's account, so the two alarms are not one line twice;
    with no resource of a control twice, it keeps its five columns."""
    con.execute(RUN_DDL)
    con.execute("insert into iamsql_run (run_id, started_at) values (4, now())")
    policy = "arn:aws:iam::aws:policy/AdministratorAccess"
    con.executemany("insert into iamsql_result values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (4, "iam_policy_no_full_admin", f"f{account}", policy, "alarm", "Policy AdministratorAccess allows all.",
         account, "global", "critical", '{"policy_kind": "aws_managed"}')
        for account in ("222222222222", "111111111111")])
    header, _rule, *lines = render_results(con, 4, stored_counts(con, 4), "table")[0].splitlines()
    assert header.split() == ["control_id", "severity", "status", "account_id", "resource", "reason"]
    assert [line.split()[3:5] for line in lines] == [["111111111111", policy], ["222222222222", policy]]
    con.execute("delete from iamsql_result where account_id = '222222222222'")
    header, _rule, *lines = render_results(con, 4, stored_counts(con, 4), "table")[0].splitlines()
    assert header.split() == ["control_id", "severity", "status", "resource", "reason"] and len(lines) == 1
