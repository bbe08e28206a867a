"""Run history over three evidence runs collected from moto's server, with changes in between: alice's old key
rotated, a user added, alice's MFA removed. Checks the diff (all formats and the command), the workbook's Changes
sheet and first/last-seen columns, and the finding history view."""

from __future__ import annotations

import csv
import io
import json

import boto3
import pytest
from openpyxl import load_workbook

from iamsql import scheduled as evidence
from iamsql.common.resources import SAMPLE_DIR as SAMPLE
from iamsql.history import runs as history
from iamsql.store import db as dbmod
from tests.fixtures.moto import moto_environment, populate_account

ACCOUNT = "123456789012"  # moto's default account
CONTROLS = ["iam_user_console_mfa", "iam_access_key_rotated", "iam_user_in_group"]


def run_time(con, run_id: int):
    """A run's data time (its newest account's), else its start: what a report's first/last seen show."""
    return con.execute("select coalesce(as_of, started_at) from iamsql_run where run_id = ?", [run_id]).fetchone()[0]


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


@pytest.fixture(scope="module")
def three_runs(moto_server, tmp_path_factory):
    """Run 1 on the populated account; then rotate, add, remove MFA; run 2; run 3 without changes."""
    tmp_path = tmp_path_factory.mktemp("history")
    with moto_environment(moto_server, tmp_path):
        yield from _three_runs(boto3.Session(region_name="us-east-1"), tmp_path)


def _three_runs(aws_session, tmp_path):
    facts = populate_account(aws_session, ACCOUNT)
    settings = evidence.load_config(None, {
        "db": tmp_path / "audit.duckdb", "evidence_dir": tmp_path / "evidence", "controls": CONTROLS,
        "outputs": ["xlsx", "json"], "fail_on": "none"}, env={})
    first = evidence.run(settings)

    iam = aws_session.client("iam")
    iam.delete_access_key(UserName="alice", AccessKeyId=facts["alice_key"])  # rotated: old key gone, new one made
    iam.create_access_key(UserName="alice")
    iam.create_user(UserName="dave")
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=facts["mfa_serial"])
    second = evidence.run(settings)
    third = evidence.run(settings)
    yield tmp_path / "audit.duckdb", first, second, third


@pytest.fixture
def con(three_runs):
    """A read-only connection to the runs' database, closed after the test (one open connection at a time)."""
    connection = dbmod.connect(three_runs[0], read_only=True)
    yield connection
    connection.close()


def test_diff_names_new_alarms_resolved_and_new_resources(three_runs, con):
    _, first, second, third = three_runs
    result = history.diff(con)  # default: the last two runs, which did not change
    assert (result["from_run"]["run_id"], result["to_run"]["run_id"]) == (second.run_id, third.run_id)
    assert result["changes"] == [] and result["new_resources"] == [] and result["removed_resources"] == []

    result = history.diff(con, first.run_id, second.run_id)
    changes = {(c["change"], c["control_id"], c["resource"]): c for c in result["changes"]}
    mfa = changes[("new_alarm", "iam_user_console_mfa", user_arn("alice"))]
    assert (mfa["from_status"], mfa["to_status"]) == ("ok", "alarm")
    key = changes[("resolved", "iam_access_key_rotated", user_arn("alice") + "#access_key_1")]
    assert (key["from_status"], key["to_status"]) == ("alarm", "ok")
    # dave is in no group: a new alarm on a new resource
    assert ("new_alarm", "iam_user_in_group", user_arn("dave")) in changes
    assert all(c["from_status"] == "absent" for c in changes.values() if c["resource"] == user_arn("dave"))
    assert {"account_id": ACCOUNT, "resource": user_arn("dave")} in result["new_resources"]
    assert result["removed_resources"] == []
    total = next(r for r in result["summary"] if r["scope"] == "all controls")
    assert total["new_alarm"] == sum(1 for c in result["changes"] if c["change"] == "new_alarm") >= 2
    assert total["resolved"] >= 1 and total["new_resources"] == len(result["new_resources"])
    # per framework: the MFA control serves OWASP NHI / CSF, so their rows count it too
    frameworks = {r["scope"] for r in result["summary"]} - {"all controls"}
    assert frameworks and all(r["new_alarm"] <= total["new_alarm"] for r in result["summary"])

    # the evidence run's own summary and changes.json say the same
    assert second.summary["new_alarms"] == total["new_alarm"] and second.summary["resolved"] == total["resolved"]
    saved = json.loads((second.folder / "changes.json").read_text())
    assert saved["changes"] == json.loads(json.dumps(result["changes"], default=str))


def test_diff_formats_and_command(three_runs, capsys, monkeypatch):
    database, first, second, _third = three_runs
    con = dbmod.connect(database, read_only=True)
    result = history.diff(con, first.run_id, second.run_id)
    con.close()
    md = history.render_diff(result, "md")
    assert f"run {first.run_id}" in md and "| new_alarm | iam_user_console_mfa |" in md
    table = history.render_diff(result, "table")
    assert "new_alarm" in table and user_arn("dave") in table
    with pytest.raises(history.HistoryError, match="unknown format 'xml'; choose one of table, csv, json, jsonl"):
        history.render_diff(result, "xml")

    from iamsql.cli import main

    monkeypatch.setattr("sys.argv", ["iamsql", "diff", "--db", str(database),
                                     "--from", str(first.run_id), "--to", str(second.run_id), "--format", "json"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code in (0, None)
    printed = json.loads(capsys.readouterr().out)
    assert printed["to_run"]["run_id"] == second.run_id and len(printed["changes"]) == len(result["changes"])

    monkeypatch.setattr("sys.argv", ["iamsql", "diff", "--db", str(database), "--from", "99"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and err.startswith("error: no check run with id 99") and err.count("\n") == 1


def test_diff_as_one_row_per_change_in_csv_jsonl_and_line(three_runs, capsys, monkeypatch):
    """diff took only table, json and md: csv, jsonl and line give the change rows, and a note on standard error
    says what else the diff holds."""
    database, first, second, _third = three_runs
    con = dbmod.connect(database, read_only=True)
    result = history.diff(con, first.run_id, second.run_id)
    con.close()
    expected = [{k: str(c[k]) if c[k] is not None else "" for k in history.CHANGE_COLUMNS} for c in result["changes"]]
    assert expected and result["new_resources"]
    from iamsql.cli import main

    def diff(fmt):
        monkeypatch.setattr("sys.argv", ["iamsql", "diff", "--db", str(database), "--from", str(first.run_id),
                                         "--to", str(second.run_id), "-o", fmt])
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code in (0, None)
        return capsys.readouterr()

    printed = diff("csv")
    assert list(csv.DictReader(io.StringIO(printed.out))) == expected
    assert printed.err.startswith(f"note: {len(result['new_resources'])} new resource(s)")
    assert printed.err.endswith("not in these rows (--format table, md or json lists them)\n")
    assert [json.loads(line)["control_id"] for line in diff("jsonl").out.splitlines()] == [
        c["control_id"] for c in result["changes"]]
    assert diff("line").out.count("-[ RECORD") == len(result["changes"])


def test_diff_of_the_first_or_the_latest_run_alone_says_what_is_missing(three_runs, con):
    """--to the first run has no run before it, --from the latest none after it: the error says so (and what to
    give), never that the database lacks two runs."""
    _, first, _second, third = three_runs
    with pytest.raises(history.HistoryError) as raised:
        history.diff(con, to_run=first.run_id)
    assert str(raised.value) == f"no check run before run {first.run_id} to compare it with: give --from RUN"
    with pytest.raises(history.HistoryError) as raised:
        history.diff(con, from_run=third.run_id)
    assert str(raised.value) == f"--from {third.run_id} is the latest check run: give --to RUN"
    with pytest.raises(history.HistoryError, match=f"--from and --to are both run {third.run_id}"):
        history.diff(con, third.run_id, third.run_id)


def test_changes_sheet_and_first_last_seen_columns(three_runs, con):
    _, first, second, third = three_runs
    wb = load_workbook(second.folder / "workbook.xlsx", read_only=True)
    changes = [row for row in wb["Changes"].iter_rows(values_only=True)]
    header = changes[0]
    rows = [dict(zip(header, row)) for row in changes[1:] if row and row[0] in history.CHANGE_KINDS + ("new_resource",)]
    assert {"change": "new_alarm", "control": "iam_user_console_mfa", "resource": user_arn("alice")} in [
        {"change": r["Change"], "control": r["Control"], "resource": r["Resource"]} for r in rows]
    assert any(r["Change"] == "resolved" and r["Resource"] == user_arn("alice") + "#access_key_1" for r in rows)
    assert any(r["Change"] == "new_resource" and r["Resource"] == user_arn("dave") for r in rows)
    assert any(row and f"compared with run {first.run_id}" in str(row[0]) for row in changes)

    findings = list(load_workbook(third.folder / "workbook.xlsx", read_only=True)["Findings"].iter_rows(values_only=True))
    head = findings[0]
    by_key = {(r[head.index("Control")], r[head.index("Resource")]): dict(zip(head, r)) for r in findings[1:]}
    times = {run.run_id: run_time(con, run.run_id).replace(tzinfo=None) for run in (first, second, third)}
    dave = by_key[("iam_user_in_group", user_arn("dave"))]
    assert abs(dave["First seen (UTC)"] - times[second.run_id]).total_seconds() < 1
    alice_mfa = by_key[("iam_user_console_mfa", user_arn("alice"))]
    assert alice_mfa["Status"] == "alarm"
    assert abs(alice_mfa["First seen (UTC)"] - times[first.run_id]).total_seconds() < 1
    assert abs(alice_mfa["Status since (UTC)"] - times[second.run_id]).total_seconds() < 1
    assert abs(alice_mfa["Last seen (UTC)"] - times[third.run_id]).total_seconds() < 1
    assert alice_mfa["Change vs previous run"] in (None, "")  # unchanged between runs 2 and 3


def test_finding_history_view_and_stable_ids(three_runs, con):
    _, first, second, third = three_runs
    ids = [{f for (f,) in con.execute("select finding_id from iamsql_result where run_id = ?", [run.run_id]).fetchall()}
           for run in (first, second, third)]
    # the same resources keep their finding ids; dave's findings are the only new ones
    assert ids[0] < ids[1] == ids[2]
    assert {r for (r,) in con.execute("select distinct resource from iamsql_result where list_contains(?, finding_id)",
                                      [sorted(ids[1] - ids[0])]).fetchall()} == {user_arn("dave")}
    rows = {r[0]: r for r in con.execute(
        "select finding_id, first_seen_run, last_seen_run, status_since_run, runs_seen, last_status "
        "from iamsql_finding_history").fetchall()}
    alice = con.execute("select finding_id from iamsql_result where run_id = ? and control_id = 'iam_user_console_mfa' "
                        "and resource = ?", [third.run_id, user_arn("alice")]).fetchone()[0]
    assert rows[alice][1:] == (first.run_id, third.run_id, second.run_id, 3, "alarm")
    dave = con.execute("select finding_id from iamsql_result where run_id = ? and resource = ? and "
                       "control_id = 'iam_user_in_group'", [third.run_id, user_arn("dave")]).fetchone()[0]
    assert rows[dave][1:3] == (second.run_id, third.run_id) and rows[dave][4] == 2
    # a report's history of run 2 reads the same later: last seen is run 2, not 3; its change is against the
    # baseline given (none: no change column)
    def report_history(baseline):
        return con.execute(f"select first_seen, last_seen, status_since, change from ({history.REPORT_HISTORY}) "
                           "where finding_id = $finding", {"run_id": second.run_id, "control_ids": ["iam_user_console_mfa"],
                                                           "baseline_run": baseline, "finding": alice}).fetchone()
    as_of = {run.run_id: run_time(con, run.run_id) for run in (first, second)}
    first_seen, last_seen, since, change = report_history(first.run_id)
    assert (first_seen, last_seen, since) == (as_of[first.run_id], as_of[second.run_id], as_of[second.run_id])
    assert change == "new_alarm" and report_history(None)[3] == ""


def test_a_database_file_named_history(tmp_path, monkeypatch, capsys):
    """DuckDB names a database after its file; "history.duckdb" must not clash with the history schema."""
    from iamsql.cli import main

    database = str(tmp_path / "history.duckdb")

    def iamsql(*args: str) -> str:
        monkeypatch.setattr("sys.argv", ["iamsql", *args, "--db", database])
        with pytest.raises(SystemExit) as exit_info:
            main()
        out, err = capsys.readouterr()
        assert exit_info.value.code in (0, None), err
        return out

    iamsql("load", "--sample", "-q")
    for _ in range(2):
        iamsql("check", "--control", "iam_user_console_mfa", "--control", "iam_user_in_group", "--fail-on", "none")
    assert iamsql("report", "--out", str(tmp_path / "report.xlsx")).strip() == str(tmp_path / "report.xlsx")
    findings = list(load_workbook(tmp_path / "report.xlsx", read_only=True)["Findings"].iter_rows(values_only=True))
    assert len(findings) > 1 and findings[1][0]
    assert json.loads(iamsql("diff", "--format", "json"))["changes"] == []
    settings = evidence.load_config(None, {"db": database, "evidence_dir": tmp_path / "evidence",
                                           "sources.paths": [str(SAMPLE)], "outputs": ["json"],
                                           "controls": ["iam_user_in_group"], "fail_on": "none"}, env={})
    outcome = evidence.run(settings)
    assert outcome.exit_code == 0 and (outcome.folder / "manifest.json").is_file()
    assert [v for v in evidence.verify(outcome.folder) if not v.ok] == []


def test_finding_history_view_after_check_runs_alone(tmp_path, monkeypatch, capsys):
    """History counts every check run (diff and the report read them), so `iamsql check` alone, as a cron job
    runs it, leaves the iamsql_finding_history view docs/scheduling.md queries: it was made by evidence runs only."""
    from iamsql.cli import main

    database = str(tmp_path / "checks.duckdb")

    def iamsql(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr("sys.argv", ["iamsql", *args, "--db", database])
        with pytest.raises(SystemExit) as exit_info:
            main()
        out, err = capsys.readouterr()
        return exit_info.value.code or 0, out, err

    gaad = SAMPLE / "cloudsplaining" / "get-account-authorization-details.json"
    assert iamsql("load", str(gaad), "-q")[0] == 0
    for _ in range(2):
        code, _, err = iamsql("check", "--control", "iam_user_no_inline_policies", "--fail-on", "none", "-q",
                              "-o", "none")
        assert code == 0, err
    code, out, err = iamsql("query", "--dialect", "duckdb", "-o", "json",
                            "select resource, first_seen_run, last_seen_run, runs_seen, last_status "
                            "from iamsql_finding_history where resource like '%:user/biden'")
    assert code == 0, err
    assert json.loads(out)["rows"] == [{"resource": "arn:aws:iam::012345678901:user/biden", "first_seen_run": 1,
                                         "last_seen_run": 2, "runs_seen": 2, "last_status": "alarm"}]
