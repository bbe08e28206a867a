"""The controls engine: header validation, parameters, per-account snapshot time, skip and error rows, run
storage, determinism, and the check command's output and exit codes through the real console entry point."""

import json
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.errors import ControlError
from iamsql.store import db

AS_OF_A = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
AS_OF_B = datetime(2021, 6, 15, 8, 30, tzinfo=timezone.utc)
ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"

HEADER = """/*
title: {title}
description: A test control.
severity: {severity}
resource_type: AWS::IAM::User
rationale: Tests need it.
remediation: None.
tables: {tables}
{extra}*/
{sql}
"""


def write_control(
    directory: Path,
    control_id: str,
    sql: str,
    *,
    tables="[aws_iam_user]",
    severity="high",
    extra: str = "",
    title: str = "Test control",
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{control_id}.sql"
    path.write_text(HEADER.format(title=title, severity=severity, tables=tables, extra=extra, sql=sql))
    return path


def add_snapshot(con, account: str, as_of: datetime | None, tables: dict[str, list[dict]]) -> int:
    with db.transaction(con):
        snapshot_id = db.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=as_of)
        for table, rows in tables.items():
            db.insert_rows(con, table, snapshot_id, rows)
    return snapshot_id


def user(account: str, name: str, mfa: bool) -> dict:
    return {
        "name": name,
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "mfa_enabled": mfa,
        "create_date": "2020-01-01T00:00:00Z",
        "partition": "aws",
        "region": "global",
        "account_id": account,
    }


USERS_MFA = """select arn as resource, case when mfa_enabled then 'ok' else 'alarm' end as status,
  name || ' checked at ' || to_char(now(), 'YYYY-MM-DD HH24:MI') as reason, account_id, region, name as user_name
from aws_iam_user"""


@pytest.fixture(scope="module")
def two_accounts(tmp_path_factory):
    """Account A: users and a credential report (as of 2024-03-01); account B: users only (as of 2021-06-15)."""
    path = tmp_path_factory.mktemp("engine") / "engine.duckdb"
    con = db.connect(path)
    add_snapshot(
        con,
        ACCOUNT_A,
        AS_OF_A,
        {
            "aws_iam_user": [user(ACCOUNT_A, "alice", True), user(ACCOUNT_A, "bob", False)],
            "aws_iam_credential_report": [
                {
                    "user_name": "alice",
                    "user_arn": f"arn:aws:iam::{ACCOUNT_A}:user/alice",
                    "account_id": ACCOUNT_A,
                    "region": "global",
                    "partition": "aws",
                }
            ],
        },
    )
    add_snapshot(con, ACCOUNT_B, AS_OF_B, {"aws_iam_user": [user(ACCOUNT_B, "carol", False)]})
    con.close()
    return path


@pytest.fixture
def con(two_accounts, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(two_accounts.read_bytes())
    connection = db.connect(copy)
    yield connection
    connection.close()


def run(con, directory: Path, **kwargs) -> list[dict]:
    run_id = controls.run_checks(con, queries_dir=directory, **kwargs)
    return controls.results(con, run_id, directory)


# ------------------------------------------------------------------------------------------------ headers


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("severity: high", "severity: urgent"), "header key 'severity' must be one of"),
        (lambda t: t.replace("title: Test control\n", ""), "header key 'title' is required"),
        (lambda t: t.replace("rationale:", "owner: me\nrationale:"), "unknown header key 'owner'"),
        (
            lambda t: t.replace("tables: [aws_iam_user]", "tables: [aws_iam_users]"),
            "unknown table or view 'aws_iam_users'",
        ),
        (lambda t: t.replace("tables: [aws_iam_user]", "tables: aws_iam_user"), "'tables' must be a list"),
        (
            lambda t: t.replace("where true", "where x > :limit"),
            "uses :limit but header key 'parameters' does not declare",
        ),
        (
            lambda t: t.replace("tables:", "parameters:\n  days: 3\ntables:"),
            "declares 'days' but the SQL never uses :days",
        ),
        (lambda t: t.replace("title: Test control", "title: [unclosed"), "header is not valid YAML"),
        (lambda t: t.replace("/*", "--", 1).replace("*/", ""), "missing the leading /* ... */ metadata header"),
        (
            lambda t: t.replace("tables: [aws_iam_user]", "tables: [aws_iam_user]\nrequires: [iamsql_account]"),
            "'requires' names 'iamsql_account', which is not a loaded table",
        ),
    ],
)
def test_header_errors_name_file_and_key(tmp_path, change, message):
    path = write_control(tmp_path, "bad_control", "select 1 as x from aws_iam_user where true")
    path.write_text(change(path.read_text()))
    with pytest.raises(ControlError) as info:
        controls.parse_control(path)
    assert "bad_control.sql" in str(info.value)
    assert message in str(info.value)


def test_shipped_controls_validate_and_translate():
    shipped = controls.load_controls()
    assert len(shipped) >= 28
    for control in shipped:
        assert control.id == control.path.stem
        assert controls.to_duckdb(controls.render_sql(control, control.parameters))


def test_no_control_names_a_framework():
    framework_words = re.compile(r"\b(nist|owasp|cis|csf|800-\d+|nhi\d+|pr\.aa|zero trust)\b", re.I)
    for control in controls.load_controls():
        assert not framework_words.search(control.path.read_text()), control.id


# ------------------------------------------------------------------------------------------------ parameters


def test_parameters_become_literals_in_the_syntax_tree(tmp_path):
    path = write_control(
        tmp_path,
        "p",
        "select name from aws_iam_user where length(name) > :n and name <> :who and name <> 'x:n' and path = '/a::b/'",
        extra="parameters:\n  n: 3\n  who: bob\n",
    )
    control = controls.parse_control(path)
    sql = controls.render_sql(control, {"n": 7, "who": "o'brien"})
    assert "> 7" in sql and "'o''brien'" in sql and "'x:n'" in sql and "'/a::b/'" in sql
    assert ":n" not in sql.replace("'x:n'", "")


def test_parameter_overrides_are_typed_and_scoped(tmp_path):
    write_control(tmp_path, "one", "select 1 from aws_iam_user where length(name) > :n", extra="parameters:\n  n: 3\n")
    write_control(tmp_path, "two", "select 1 from aws_iam_user where length(name) > :n", extra="parameters:\n  n: 5\n")
    loaded = controls.load_controls(tmp_path)
    assert controls.effective_parameters(loaded, {"n": "9"}) == {"one": {"n": 9}, "two": {"n": 9}}
    assert controls.effective_parameters(loaded, {"two.n": "1"}) == {"one": {"n": 3}, "two": {"n": 1}}
    with pytest.raises(ControlError, match="must be a number like its default 3, not 'many'"):
        controls.effective_parameters(loaded, {"n": "many"})
    with pytest.raises(ControlError, match="'max_days' is not declared by any selected control"):
        controls.effective_parameters(loaded, {"max_days": "1"})
    # the error says what is declared, so a typo is one step from the right name
    write_control(tmp_path, "three", "select 1 from aws_iam_user where length(name) > :max_age_days",
                  extra="parameters:\n  max_age_days: 90\n")
    write_control(tmp_path, "four", "select 1 from aws_iam_user")
    loaded = controls.load_controls(tmp_path)
    for override, end in (
        ("three.max_age", " (did you mean three.max_age_days?)"),
        ("max_age", " (did you mean max_age_days?)"),
        ("three.window", "; three declares max_age_days"),
        ("window", "; the selected controls declare max_age_days, n"),
        ("four.n", ": four has no parameters"),
        ("five.n", ": five is not among them"),
    ):
        with pytest.raises(ControlError) as raised:
            controls.effective_parameters(loaded, {override: "1"})
        assert str(raised.value) == f"parameter {override!r} is not declared by any selected control{end}"
    with pytest.raises(ControlError, match=r"control: none of them has parameters$"):
        controls.effective_parameters([c for c in loaded if c.id == "four"], {"n": "1"})
    with pytest.raises(ControlError, match="expected name=value"):
        controls.parse_param_options(["max_days"])


def test_parameter_changes_the_result(con, tmp_path):
    write_control(
        tmp_path,
        "long_names",
        "select arn as resource, case when length(name) > :n then 'alarm' else 'ok' end "
        "as status, 'length ' || length(name) as reason, account_id, region from aws_iam_user",
        extra="parameters:\n  n: 10\n",
    )
    assert {r["status"] for r in run(con, tmp_path)} == {"ok"}
    rows = run(con, tmp_path, params={"n": "4"})
    assert {r["resource"].rsplit("/", 1)[1]: r["status"] for r in rows} == {
        "alice": "alarm",
        "bob": "ok",
        "carol": "alarm",
    }
    stored = json.loads(con.execute("select parameters from iamsql_run order by run_id desc limit 1").fetchone()[0])
    assert stored == {"long_names": {"n": 4}}


# ------------------------------------------------------------------------------------------------ running


def test_rows_dimensions_and_per_account_time(con, tmp_path):
    write_control(tmp_path, "users_mfa", USERS_MFA)
    rows = run(con, tmp_path)
    by_user = {r["dimensions"]["user_name"]: r for r in rows}
    assert {u: r["status"] for u, r in by_user.items()} == {"alice": "ok", "bob": "alarm", "carol": "alarm"}
    # now() is each account's own snapshot time, never the wall clock
    assert by_user["alice"]["reason"] == "alice checked at 2024-03-01 12:00"
    assert by_user["carol"]["reason"] == "carol checked at 2021-06-15 08:30"
    assert by_user["carol"]["account_id"] == ACCOUNT_B and by_user["carol"]["region"] == "global"
    assert by_user["bob"]["title"] == "Test control" and by_user["bob"]["severity"] == "high"
    run_row = con.execute("select as_of, accounts, status, control_pack_hash from iamsql_run").fetchone()
    assert run_row[0] == AS_OF_A
    assert {a["account_id"]: a["as_of"] for a in json.loads(run_row[1])} == {
        ACCOUNT_A: AS_OF_A.isoformat(),
        ACCOUNT_B: AS_OF_B.isoformat(),
    }
    assert run_row[2] == "complete"
    assert run_row[3] == controls.control_pack_hash(tmp_path)


def test_the_control_pack_hash_covers_the_engines_questions(tmp_path, monkeypatch):
    """A run records what it ran: the engine-judged controls read queries/access.yaml, so changing a question changes
    the pack's hash as changing a control does."""
    from iamsql.controls import catalog

    write_control(tmp_path, "users_mfa", USERS_MFA)
    questions = tmp_path / "access.yaml"
    questions.write_bytes(catalog.ACCESS_QUESTIONS.read_bytes())
    monkeypatch.setattr(catalog, "ACCESS_QUESTIONS", questions)
    before = controls.control_pack_hash(tmp_path)
    assert controls.control_pack_hash(tmp_path) == before
    questions.write_text(questions.read_text() + "\n# one more line\n")
    assert controls.control_pack_hash(tmp_path) != before


def test_same_data_same_results(con, tmp_path):
    write_control(tmp_path, "users_mfa", USERS_MFA)
    first = run(con, tmp_path)
    second = run(con, tmp_path)
    assert [(r["finding_id"], r["status"], r["reason"]) for r in first] == [
        (r["finding_id"], r["status"], r["reason"]) for r in second
    ]
    assert len({r["finding_id"] for r in first}) == len(first)
    assert first[0]["finding_id"] == controls.finding_id(
        "users_mfa", first[0]["account_id"], "global", first[0]["resource"]
    )


def test_missing_table_data_is_a_skip_per_account(con, tmp_path):
    write_control(
        tmp_path,
        "report_users",
        "select user_arn as resource, 'ok' as status, 'in report' as reason, account_id, region "
        "from aws_iam_credential_report",
        tables="[aws_iam_credential_report]",
    )
    rows = run(con, tmp_path)
    by_account = {r["account_id"]: r for r in rows}
    assert by_account[ACCOUNT_A]["status"] == "ok"
    skipped = by_account[ACCOUNT_B]
    assert skipped["status"] == "skip"
    assert skipped["resource"] == f"arn:aws:::{ACCOUNT_B}"
    assert "No aws_iam_credential_report data is loaded for account 222222222222" in skipped["reason"]


def test_requires_limits_which_tables_must_be_loaded(con, tmp_path):
    write_control(
        tmp_path,
        "optional_report",
        "select u.arn as resource, 'info' as status, 'report rows: ' || count(r.user_arn) as reason, "
        "u.account_id, u.region from aws_iam_user u left join aws_iam_credential_report r on r.user_arn = u.arn "
        "group by all",
        tables="[aws_iam_user, aws_iam_credential_report]",
        extra="requires: [aws_iam_user]\n",
    )
    rows = run(con, tmp_path)
    assert {r["status"] for r in rows} == {"info"} and len(rows) == 3


def test_empty_database_gives_a_skip_per_control(tmp_path):
    write_control(tmp_path / "q", "users_mfa", USERS_MFA)
    connection = db.connect(tmp_path / "empty.duckdb")
    rows = run(connection, tmp_path / "q")
    assert [(r["resource"], r["status"]) for r in rows] == [("control:users_mfa", "skip")]
    assert "No data is loaded" in rows[0]["reason"]


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("select arn as resource, 'ok' as status, account_id, region from aws_iam_user", "missing column(s) reason"),
        (
            "select arn as resource, 'maybe' as status, 'x' as reason, account_id, region from aws_iam_user",
            "status 'maybe' is not one of ok, alarm, info, skip, error",
        ),
        (
            "select arn as resource, 'ok' as status, null as reason, account_id, region from aws_iam_user",
            "a row has an empty reason",
        ),
        (
            "select arn as resource, 'ok' as status, 'x' as reason, account_id, region, [1, 2] as l from aws_iam_user",
            "column 'l' is not a scalar",
        ),
    ],
)
def test_contract_violations_become_error_rows(con, tmp_path, sql, reason):
    write_control(tmp_path, "broken", sql)
    rows = run(con, tmp_path)
    assert {r["status"] for r in rows} == {"error"}
    assert len(rows) == 2  # one per account, nothing dropped
    assert all(reason in r["reason"] for r in rows)


def test_sql_that_does_not_bind_is_one_error_row(con, tmp_path):
    write_control(
        tmp_path,
        "no_such_column",
        "select arn as resource, 'ok' as status, nosuch as reason, account_id, region from aws_iam_user",
    )
    write_control(tmp_path, "fine", USERS_MFA)
    rows = run(con, tmp_path)
    errors = [r for r in rows if r["control_id"] == "no_such_column"]
    assert [(r["resource"], r["status"]) for r in errors] == [("control:no_such_column", "error")]
    assert "nosuch" in errors[0]["reason"]
    assert len([r for r in rows if r["control_id"] == "fine"]) == 3
    assert con.execute("select status from iamsql_run").fetchone()[0] == "error"


def test_runtime_failure_is_an_error_row_for_that_account(con, tmp_path):
    write_control(
        tmp_path,
        "cast_fails",
        "select arn as resource, 'ok' as status, (case when name = 'carol' then 'x' else '1' end)::int::text "
        "as reason, account_id, region from aws_iam_user",
    )
    rows = run(con, tmp_path)
    by_account = {}
    for r in rows:
        by_account.setdefault(r["account_id"], []).append(r["status"])
    assert by_account == {ACCOUNT_A: ["ok", "ok"], ACCOUNT_B: ["error"]}


def test_a_failed_control_says_why_in_postgres_words(con, tmp_path):
    """The error row gave DuckDB's text, with advice no control can follow ("Division by zero in expression
    (1 // 0). Use TRY(...) ... or SET error_on_division_by_zero=false"), and SQL that does not bind DuckDB's
    "Catalog Error: ..."; it says what PostgreSQL and iamsql query say."""
    write_control(tmp_path, "divides", "select arn as resource, 'ok' as status, (1 / (length(name) - length(name)))"
                  "::text as reason, account_id, region from aws_iam_user")
    write_control(tmp_path, "casts", "select arn as resource, 'ok' as status, (case when name = 'carol' then 'x' "
                  "else '1' end)::int::text as reason, account_id, region from aws_iam_user")
    write_control(tmp_path, "misspelt", "select arn as resource, 'ok' as status, 'x' as reason, account_id, region "
                  "from aws_iam_usr")
    rows = run(con, tmp_path)
    reasons = {(r["control_id"], r["account_id"]): r["reason"] for r in rows if r["status"] == "error"}
    assert [r["reason"] for r in rows if r["control_id"] == "misspelt"] == [  # was: Catalog Error: Table with name ...
        "The control's SQL does not bind: unknown table aws_iam_usr (did you mean aws_iam_user?)"]
    assert reasons[("divides", ACCOUNT_A)] == f"The control failed for account {ACCOUNT_A}: division by zero"
    assert reasons[("casts", ACCOUNT_B)] == (f"The control failed for account {ACCOUNT_B}: invalid input syntax for "
                                             'type integer: "x"')


def test_selection_by_id_severity_and_unknowns(con, tmp_path):
    write_control(tmp_path, "high_one", USERS_MFA, severity="high")
    write_control(tmp_path, "low_one", USERS_MFA, severity="low")
    assert {r["control_id"] for r in run(con, tmp_path, severity="medium")} == {"high_one"}
    assert {r["control_id"] for r in run(con, tmp_path, controls=["low_one"])} == {"low_one"}
    with pytest.raises(ControlError, match="unknown control 'nope'"):
        controls.run_checks(con, queries_dir=tmp_path, controls=["nope"])
    with pytest.raises(ControlError, match=r"^unknown control 'low_on' \(did you mean low_one\?\); 'iamsql controls'"):
        controls.run_checks(con, queries_dir=tmp_path, controls=["low_on"])
    with pytest.raises(ControlError, match="unknown framework 'iso-27001'"):
        controls.run_checks(con, queries_dir=tmp_path, frameworks=["iso-27001"])
    with pytest.raises(ControlError, match="unknown severity 'urgent'"):
        controls.run_checks(con, queries_dir=tmp_path, severity="urgent")


def test_helper_views_serve_ad_hoc_queries(two_accounts):
    connection = db.connect(two_accounts, read_only=True)
    controls.create_views(connection)
    assert connection.execute("select count(*) from iam_policy_statement").fetchone()[0] == 0
    assert connection.execute("select account_id, partition, as_of from iamsql_account order by 1").fetchall() == [
        (ACCOUNT_A, "aws", AS_OF_A),
        (ACCOUNT_B, "aws", AS_OF_B),
    ]
    assert connection.execute("select getvariable('iamsql_as_of')").fetchone()[0] == AS_OF_A
    connection.close()


def test_exit_codes():
    rows = [{"status": "alarm", "severity": "medium"}, {"status": "ok", "severity": "critical"}]
    assert controls.exit_code(rows, "info") == 1
    assert controls.exit_code(rows, "medium") == 1
    assert controls.exit_code(rows, "high") == 0
    assert controls.exit_code(rows, "none") == 0
    assert controls.exit_code(rows + [{"status": "error", "severity": "low"}], "none") == 2
    with pytest.raises(ControlError, match="unknown --fail-on"):
        controls.exit_code(rows, "severe")


# ------------------------------------------------------------------------------------------------ the CLI


def iamsql(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from iamsql.cli import main; main()", *args], capture_output=True, text=True
    )


def test_check_command_exit_codes_and_json(two_accounts, tmp_path):
    database = tmp_path / "cli.duckdb"
    database.write_bytes(two_accounts.read_bytes())
    queries = tmp_path / "q"
    write_control(queries, "users_mfa", USERS_MFA, severity="medium")
    common = ["--db", str(database), "--queries", str(queries)]

    failing = iamsql("check", *common, "--fail-on", "medium", "--format", "jsonl")
    assert failing.returncode == 1, failing.stderr
    objects = [json.loads(line) for line in failing.stdout.splitlines()]
    assert {o["status"] for o in objects} == {"ok", "alarm"}
    for key in (
        "control_id",
        "title",
        "severity",
        "status",
        "resource",
        "reason",
        "account_id",
        "region",
        "requirements",
    ):
        assert all(key in o for o in objects)
    assert "all controls" in failing.stderr  # the summary goes to stderr so stdout stays JSON

    passing = iamsql("check", *common, "--fail-on", "high")
    assert passing.returncode == 0, passing.stderr
    assert "bob" in passing.stdout and "alarm" in passing.stdout and "all controls" in passing.stdout
    assert "alice" not in passing.stdout  # the table shows only rows that need attention

    write_control(queries, "broken", "select 1 as resource from aws_iam_user")
    erroring = iamsql("check", *common, "--fail-on", "none", "--format", "csv")
    assert erroring.returncode == 2
    assert "missing column(s) status, reason, account_id, region" in erroring.stdout

    bad = iamsql("check", *common, "--param", "nothing=1")
    assert bad.returncode == 254 and bad.stderr.startswith("error: parameter 'nothing'") and "Traceback" not in bad.stderr
    assert database.exists() and iamsql("check", *common, "--control", "users_mfa", "--format", "md").returncode == 1


THREADS = """select u.arn as resource, 'info' as status, s.value as reason, u.account_id, u.region
from aws_iam_user as u cross join duckdb_settings() as s where s.name = 'threads'"""


def test_duckdb_threads_follow_the_size_of_the_data(con, tmp_path):
    """A run over tables of at most one row group uses one DuckDB thread (none of its scans can be split);
    a larger table keeps the connection's setting; either way the setting is the same after the run."""
    con.execute("set threads = 3")
    write_control(tmp_path, "threads", THREADS)
    assert {r["reason"] for r in run(con, tmp_path)} == {"1"}
    assert con.execute("select current_setting('threads')").fetchone()[0] == 3
    # rows of a snapshot that is nobody's latest: stored, but no control sees them
    con.execute("insert into history.aws_iam_user (snapshot_id, account_id, name) "
                "select 999999, '333333333333', 'u' || i from range(130000) as t(i)")
    rows = run(con, tmp_path)
    assert len(rows) == 3 and {r["reason"] for r in rows} == {"3"}
    assert con.execute("select current_setting('threads')").fetchone()[0] == 3
