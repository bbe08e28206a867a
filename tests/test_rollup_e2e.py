"""Compliance figures on real loads: the bundled sample and a CloudTrail-only load, through ``check``, ``report``
and ``diff``. Requirement statuses and both figures are recomputed here from the stored result rows with the
documented rules (docs/frameworks.md), independently of ``iamsql.frameworks``."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.common.resources import SAMPLE_DIR
from iamsql.frameworks import load_frameworks
from iamsql.history import runs as history
from iamsql.store import db as dbmod

runner = CliRunner()
SEVERITIES = ("critical", "high", "medium", "low", "info")


def cli(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample, loaded and checked once (run 1)."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    cli("load", "--sample", "--db", str(path))
    result = cli("check", "--db", str(path), "--fail-on", "none")
    return path, result.stdout


def outcome(statuses: set[str]) -> str:
    """A control's outcome in one account (no exceptions applied by check)."""
    if statuses & {"alarm", "error"}:
        return "failed"
    return "passed" if "ok" in statuses else "not_assessed"


def expected_statuses(con, run_id: int, framework) -> list[str]:
    """Each requirement's status from the run's rows: per account, then combined over accounts."""
    rows = con.execute("select account_id, control_id, list(distinct status) from iamsql_result where run_id = ? "
                       "group by all", [run_id]).fetchall()
    accounts = sorted({a for a, _, _ in rows if a})
    seen = {(a, c): set(s) for a, c, s in rows}
    statuses = []
    for requirement in framework.requirements:
        if not requirement.controls:
            statuses.append("manual")
            continue
        combined = set()
        for control in requirement.controls:
            per_account = {outcome(seen.get((a, control), set()) | seen.get((None, control), set())) for a in accounts}
            combined.add("failed" if "failed" in per_account else "not_assessed" if per_account == {"not_assessed"}
                         else "passed" if per_account == {"passed"} else "partial")
        statuses.append("failed" if "failed" in combined else "not_assessed" if combined == {"not_assessed"}
                        else "partial" if combined & {"not_assessed", "partial"} else "passed")
    return statuses


def figures(statuses: list[str], informative: bool) -> tuple:
    assessed = sum(statuses.count(s) for s in ("passed", "failed", "partial", "excepted", "attested"))
    compliant = sum(statuses.count(s) for s in ("passed", "excepted", "attested"))
    return (None if informative or not assessed else round(100 * compliant / assessed, 1),
            round(100 * assessed / len(statuses), 1))


def summary_figures(stdout: str, framework_id: str) -> tuple[str, str]:
    """(compliant, coverage) as ``check`` prints them on the framework's summary line (wrapped or not)."""
    joined = stdout.replace("\n  ", " ")
    found = re.search(rf"^{re.escape(framework_id)}: compliant (.+?), coverage (\S+) \(", joined, re.M)
    assert found, joined[-3000:]
    return found.group(1), found.group(2)


def text(value) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


# ---------------------------------------------------------------------------------------------- the sample


def test_report_json_carries_statuses_controls_and_figures(sample, tmp_path):
    path, _ = sample
    out = tmp_path / "report.iamsql.json"
    cli("report", "--db", str(path), "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    con = dbmod.connect(path, read_only=True)
    try:
        for section in data["frameworks"]:
            framework = load_frameworks()[section["id"]]
            statuses = expected_statuses(con, 1, framework)
            assert [r["status"] for r in section["requirements"]] == statuses, section["id"]
            assert (section["compliant_pct"], section["coverage_pct"]) == figures(statuses, framework.informative)
            for requirement in section["requirements"]:
                assert set(requirement) >= {"id", "status", "controls", "title", "note"}
                for control in requirement["controls"]:
                    assert set(control) >= {"id", "outcome", "why", "ok", "alarm", "info", "skip", "error", "excepted"}
            assert {a["account_id"] for a in section["accounts"]} == {a["account_id"] for a in data["accounts"]}
    finally:
        con.close()


def test_check_lists_alarms_by_severity_then_skips_per_account_then_figures(sample, tmp_path):
    path, stdout = sample
    lines = stdout.splitlines()
    # the attention table: errors, then alarms, most severe first
    table = [line.split() for line in lines[2:] if re.match(r"^\w+\s+(critical|high|medium|low|info)\s+(alarm|error)\s", line)]
    assert table, stdout[:2000]
    keys = [({"error": 0, "alarm": 1}[row[2]], SEVERITIES.index(row[1])) for row in table]
    assert keys == sorted(keys)
    assert not any(re.match(r"^\w+\s+\w+\s+skip\s", line) for line in lines)  # skips are not listed one by one
    # one line per account with skipped controls
    skipped = [line for line in lines if re.match(r"^\d{12}: \d+ controls? skipped: ", line)]
    accounts = [line.split(":")[0] for line in skipped]
    assert accounts == sorted(set(accounts)) and len(accounts) >= 2
    con = dbmod.connect(path, read_only=True)
    try:
        for line in skipped:
            account, count = re.match(r"^(\d{12}): (\d+) control", line).groups()
            expected = con.execute("select count(distinct control_id) from iamsql_result where run_id = 1 and "
                                   "status = 'skip' and account_id = ?", [account]).fetchone()[0]
            assert int(count) == expected
        # one summary line per framework, with the same figures as the report
        for framework in load_frameworks().values():
            compliant, coverage = figures(expected_statuses(con, 1, framework), framework.informative)
            assert summary_figures(stdout, framework.id) == (
                "n/a (informative)" if framework.informative else text(compliant), text(coverage))
    finally:
        con.close()
    assert any(line.startswith("all controls: ") for line in lines)


def test_the_documented_summary_is_the_samples(sample):
    """docs/controls.md shows check's summary on the bundled sample: each line shown is a line check prints, so the
    counts there follow new controls and data instead of drifting."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "controls.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```\n(.*?)^```", page, re.M | re.S) if "\nall controls: " in b]
    printed = set(sample[1].replace("\n  ", " ").splitlines())
    shown = block.splitlines()
    assert len(shown) >= 3 and shown[-1].startswith("all controls: ")
    assert [line for line in shown if line not in printed] == []


def test_readme_query_lists_the_users_without_mfa(sample):
    path, _ = sample
    con = dbmod.connect(path, read_only=True)
    try:
        without = {name for (name,) in con.execute("select name from aws_iam_user where not mfa_enabled").fetchall()}
        from_report = {name for (name,) in con.execute(
            "select user_name from aws_iam_credential_report where not mfa_active and user_name <> '<root_account>'"
        ).fetchall()}
        assert without and without == from_report
        used = con.execute("select count(*) from aws_iam_user where password_last_used is not null").fetchone()[0]
        assert used > 0
    finally:
        con.close()


def test_credential_report_fills_the_user_columns_the_listing_lacks(tmp_path):
    path = tmp_path / "users.duckdb"
    con = dbmod.connect(path)
    account = "111111111111"
    with dbmod.transaction(con):
        users = dbmod.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=None)
        dbmod.insert_rows(con, "aws_iam_user", users, [
            {"name": "listed", "arn": f"arn:aws:iam::{account}:user/listed", "account_id": account},
            {"name": "api", "arn": f"arn:aws:iam::{account}:user/api", "account_id": account, "mfa_enabled": False,
             "password_last_used": "2025-01-01T00:00:00+00:00"}])
        report = dbmod.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=None)
        dbmod.insert_rows(con, "aws_iam_credential_report", report, [
            {"user_name": "listed", "user_arn": f"arn:aws:iam::{account}:user/listed", "account_id": account,
             "mfa_active": True, "password_last_used": "2025-02-02T00:00:00+00:00"},
            {"user_name": "api", "user_arn": f"arn:aws:iam::{account}:user/api", "account_id": account,
             "mfa_active": True, "password_last_used": "2025-03-03T00:00:00+00:00"}])
    rows = {name: (mfa, used) for name, mfa, used in con.execute(
        "select name, mfa_enabled, password_last_used from aws_iam_user").fetchall()}
    con.close()
    assert rows["listed"] == (True, datetime(2025, 2, 2, tzinfo=timezone.utc))  # from the report
    assert rows["api"] == (False, datetime(2025, 1, 1, tzinfo=timezone.utc))  # the listing's own facts win


# ------------------------------------------------------------------------------------------ partial loads


def test_cloudtrail_only_is_never_100_percent_compliant(tmp_path):
    path = tmp_path / "events.duckdb"
    cli("load", str(SAMPLE_DIR / "cloudtrail"), "--db", str(path))
    check = cli("check", "--db", str(path), "--fail-on", "none")
    out = tmp_path / "report.iamsql.json"
    cli("report", "--db", str(path), "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    con = dbmod.connect(path, read_only=True)
    try:
        for section in data["frameworks"]:
            framework = load_frameworks()[section["id"]]
            statuses = expected_statuses(con, 1, framework)
            assert [r["status"] for r in section["requirements"]] == statuses
            assert section["compliant_pct"] is None or section["compliant_pct"] < 100, section["id"]
            assert section["coverage_pct"] < 100
            # only a requirement that events alone assess (every control a detection) can pass: DE.AE-02 does
            passed = [r for r in section["requirements"] if r["status"] == "passed"]
            assert section["passed"] == len(passed)
            assert all(c["id"].startswith("cloudtrail_event_") for r in passed for c in r["controls"]), passed
            assert summary_figures(check.stdout, section["id"])[1] == text(section["coverage_pct"])
    finally:
        con.close()


# -------------------------------------------------------------------------------------------------- diff


def test_diff_does_not_compare_controls_one_run_did_not_run(sample, tmp_path):
    path, _ = sample
    db = tmp_path / "diff.duckdb"
    db.write_bytes(path.read_bytes())
    first = cli("check", "--db", str(db), "--fail-on", "none", "--control", "iam_user_no_inline_policies")
    second = cli("check", "--db", str(db), "--fail-on", "none", "--control", "iam_user_no_inline_policies",
                 "--control", "iam_policy_no_full_admin")
    first_id = int(re.search(r"^run (\d+):", first.stdout, re.M).group(1))
    second_id = int(re.search(r"^run (\d+):", second.stdout, re.M).group(1))
    con = dbmod.connect(db, read_only=True)
    try:
        result = history.diff(con, first_id, second_id)
    finally:
        con.close()
    assert result["changes"] == [] and result["new_resources"] == []  # admin policy alarms are not "new"
    assert [(c["control_id"], c["run_id"], c["missing_from"]) for c in result["not_compared"]] == [
        ("iam_policy_no_full_admin", second_id, first_id)]
    assert result["from_run"]["controls"] == ["iam_user_no_inline_policies"]
    assert result["to_run"]["controls"] == ["iam_policy_no_full_admin", "iam_user_no_inline_policies"]
    total = next(r for r in result["summary"] if r["scope"] == "all controls")
    assert (total["new_alarm"], total["not_compared"]) == (0, 1)
    shown = cli("diff", "--db", str(db), "--from", str(first_id), "--to", str(second_id)).stdout
    assert "not_compared" in shown and "iam_policy_no_full_admin" in shown and "1 control run, every framework" in shown

    out = tmp_path / "changes.xlsx"
    cli("report", "--db", str(db), "--out", str(out), "--run", str(second_id))
    rows = [row for row in load_workbook(out, read_only=True)["Changes"].iter_rows(values_only=True)]
    assert any(row[0] == "not_compared" and row[1] == "iam_policy_no_full_admin" for row in rows)
    notes = [str(row[0]) for row in rows if row and row[0]]
    assert f"Scope of run {first_id}: 1 control run, every framework." in notes
    assert f"Scope of run {second_id}: 2 controls run, every framework." in notes
    findings = load_workbook(out, read_only=True)["Findings"]
    head = [c.value for c in next(findings.iter_rows(max_row=1))]
    changes = {row[head.index("Control")]: row[head.index("Change vs previous run")]
               for row in findings.iter_rows(min_row=2, values_only=True)}
    assert changes["iam_policy_no_full_admin"] == "not_compared"
