"""A snapshot's ``as_of`` (the "now" of the controls) comes from the data or from ``--as-of``, never from the clock:
the same files give the same time and the same check results whenever they are loaded."""

import csv
import json
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from iamsql.common.resources import SAMPLE_DIR
from iamsql.controls.contract import results
from iamsql.controls.engines.duckdb import run_checks
from iamsql.errors import InputError
from iamsql.load import AS_OF_FORMAT, load_paths
from iamsql.store import db

IAMSQL = str(Path(sys.executable).parent / "iamsql")
ACCOUNT = "111122223333"
# Controls whose answers depend on "now": with the load time as "now", they would change from day to day.
TIME_CONTROLS = ["iam_user_unused_password", "iam_user_unused_access_key", "iam_access_key_rotated"]
# Credential report columns that are times in the past (password_next_rotation looks ahead).
REPORT_TIMES = ("user_creation_time", "password_last_used", "password_last_changed", "access_key_1_last_rotated",
                "access_key_1_last_used_date", "access_key_2_last_rotated", "access_key_2_last_used_date",
                "cert_1_last_rotated", "cert_2_last_rotated")


def snapshot(con, account: str | None = None) -> tuple[datetime, dict]:
    """(as_of, the iamsql:as-of sources entry) of the latest snapshot (of ``account``)."""
    as_of, sources = con.execute(
        "select as_of, sources from iamsql_snapshot where account_id = coalesce(?, account_id) "
        "order by snapshot_id desc limit 1", [account]).fetchone()
    entries = [e for e in json.loads(sources) if e["format"] == AS_OF_FORMAT]
    assert len(entries) == 1
    return as_of, entries[0]


def newest_report_time(path: Path) -> datetime:
    with path.open(newline="") as handle:
        values = [row[c] for row in csv.DictReader(handle) for c in REPORT_TIMES if row.get(c, "").startswith(("19", "20"))]
    return max(datetime.fromisoformat(v.replace("Z", "+00:00")) for v in values)


def write_users(path: Path, users: list[dict]) -> Path:
    path.write_text(json.dumps({"Users": users}))
    return path


def user(name: str, created: str, used: str | None = None) -> dict:
    entry = {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper():0<17}"[:21],
             "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "CreateDate": created}
    if used:
        entry["PasswordLastUsed"] = used
    return entry


def test_list_users_alone_is_as_of_its_newest_time(tmp_path):
    users = [user("alice", "2019-01-02T03:04:05Z", "2021-06-07T08:09:10Z"), user("bob", "2020-05-05T00:00:00Z"),
             user("carol", "2021-06-01T00:00:00Z", "2021-06-02T00:00:00Z")]
    path = write_users(tmp_path / "users.json", users)
    con = db.connect(tmp_path / "a.duckdb")
    summary = load_paths(con, [path])
    as_of, entry = snapshot(con)
    newest = max(datetime.fromisoformat(t.replace("Z", "+00:00")) for u in users
                 for t in (u["CreateDate"], u.get("PasswordLastUsed")) if t)
    assert as_of == newest
    # named relative to what was loaded (here the file itself), not by the absolute path
    assert entry["as_of_source"] == "newest password_last_used in the file: users.json"
    assert summary.snapshots[0]["as_of"] == newest.isoformat()
    file_entry = next(e for e in json.loads(con.execute("select sources from iamsql_snapshot").fetchone()[0])
                      if e["path"] == str(path))
    assert file_entry["as_of"] == newest.isoformat() and file_entry["as_of_source"] == "newest password_last_used in the file"


def test_same_files_loaded_at_different_times_give_the_same_as_of_and_results(tmp_path):
    """A raw credential report CSV has no GeneratedTime: its time is the newest time in it, so two loads a while
    apart evaluate the time-dependent controls at the same moment."""
    report = SAMPLE_DIR / "cloud_custodian" / "credential-report.csv"
    outcomes = []
    for name in ("monday", "tuesday"):
        con = db.connect(tmp_path / f"{name}.duckdb")
        load_paths(con, [report])
        run_id = run_checks(con, controls=TIME_CONTROLS)
        found = sorted((r["control_id"], r["resource"], r["status"], r["reason"]) for r in results(con, run_id))
        run_as_of = con.execute("select as_of from iamsql_run where run_id = ?", [run_id]).fetchone()[0]
        loaded_at = con.execute("select loaded_at from iamsql_snapshot").fetchone()[0]
        outcomes.append((snapshot(con)[0], run_as_of, found, loaded_at))
        con.close()
        time.sleep(1.1)
    (first_as_of, first_run, first_found, first_loaded), (second_as_of, second_run, second_found, second_loaded) = outcomes
    assert second_loaded > first_loaded  # the loads really happened at different times
    assert first_as_of == second_as_of == first_run == second_run == newest_report_time(report)
    assert {status for _, _, status, _ in first_found} >= {"alarm"}
    assert first_found == second_found


def test_generated_time_beats_times_inside_the_report(tmp_path):
    text = (SAMPLE_DIR / "cloud_custodian" / "credential-report.csv").read_text()
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"Content": text, "ReportFormat": "text/csv", "GeneratedTime": "2017-01-01T00:00:00Z"}))
    con = db.connect(tmp_path / "a.duckdb")
    load_paths(con, [path])
    as_of, entry = snapshot(con)
    assert as_of.isoformat() == "2017-01-01T00:00:00+00:00"
    assert entry["as_of_source"].startswith("credential report GeneratedTime")


def test_look_ahead_times_do_not_count(tmp_path):
    """A SAML provider's ValidUntil is in the future of the export: the snapshot is as of its CreateDate."""
    path = tmp_path / "saml.json"
    path.write_text(json.dumps({"SAMLProviderList": [{
        "Arn": f"arn:aws:iam::{ACCOUNT}:saml-provider/corp", "ValidUntil": "2099-01-01T00:00:00Z",
        "CreateDate": "2020-02-02T00:00:00Z"}]}))
    con = db.connect(tmp_path / "a.duckdb")
    load_paths(con, [path])
    assert snapshot(con)[0].isoformat() == "2020-02-02T00:00:00+00:00"


def test_as_of_option_wins_and_warns_when_before_the_data(tmp_path):
    path = write_users(tmp_path / "users.json", [user("alice", "2021-06-01T00:00:00Z")])
    con = db.connect(tmp_path / "a.duckdb")
    summary = load_paths(con, [path], as_of="2022-03-04")
    as_of, entry = snapshot(con)
    assert as_of.isoformat() == "2022-03-04T00:00:00+00:00" and entry["as_of_source"] == "--as-of option"
    assert summary.warnings == []
    summary = load_paths(con, [path], as_of="2020-01-01T12:00:00+02:00")
    assert snapshot(con)[0].isoformat() == "2020-01-01T10:00:00+00:00"
    assert any("before the data's own time" in w for w in summary.warnings)
    with pytest.raises(InputError, match="not an ISO-8601 date"):
        load_paths(con, [path], as_of="last tuesday")


def test_as_of_option_after_the_load_warns(tmp_path):
    """`--as-of 2999-01-01` (a typo for a year) loaded silently: every key would be 970 years old."""
    path = write_users(tmp_path / "users.json", [user("alice", "2021-06-01T00:00:00Z")])
    con = db.connect(tmp_path / "a.duckdb")
    summary = load_paths(con, [path], as_of="2999-01-01")
    assert snapshot(con)[0].isoformat() == "2999-01-01T00:00:00+00:00"
    assert [w.split(" (", 1)[0] for w in summary.warnings] == ["--as-of 2999-01-01T00:00:00+00:00 is after the time of this load"]
    assert summary.warnings[0].endswith("): controls measure every age up to a time still to come")


def test_data_time_after_the_load_warns(tmp_path):
    """A file whose newest date is years ahead (a hand-edited 2099) set the snapshot's time silently: every age was
    measured up to it. It still does (the data's own time), with a warning asking for --as-of; a time within a day
    of the load (another clock's skew) does not warn."""
    path = write_users(tmp_path / "users.json", [user("alice", "2099-06-01T00:00:00Z"), user("bob", "2021-06-01T00:00:00Z")])
    con = db.connect(tmp_path / "a.duckdb")
    summary = load_paths(con, [path])
    assert snapshot(con)[0].isoformat() == "2099-06-01T00:00:00+00:00"
    assert len(summary.warnings) == 1 and summary.warnings[0].startswith(
        f"account {ACCOUNT}: the data's time 2099-06-01T00:00:00+00:00 (newest create_date in the file: users.json) is "
        "after the time of this load (")
    assert summary.warnings[0].endswith("; pass --as-of with the time they were exported")
    assert load_paths(con, [path], as_of="2024-01-01").warnings == [
        f"account {ACCOUNT}: --as-of 2024-01-01T00:00:00+00:00 is before the data's own time 2099-06-01T00:00:00+00:00 "
        "(newest create_date in the file: users.json)"]
    soon = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = write_users(tmp_path / "soon.json", [user("carol", soon)])
    assert load_paths(con, [path]).warnings == []


def test_timeless_file_takes_the_accounts_previous_time_or_asks_for_as_of(tmp_path):
    policy = tmp_path / "policy" / "get-account-password-policy.json"
    policy.parent.mkdir()
    policy.write_text(json.dumps({"PasswordPolicy": {"MinimumPasswordLength": 14, "RequireSymbols": True}}))
    con = db.connect(tmp_path / "a.duckdb")
    with pytest.raises(InputError, match="give no time of their own.*--as-of"):
        load_paths(con, [policy], account_id=ACCOUNT)
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 0
    load_paths(con, [write_users(tmp_path / "users.json", [user("alice", "2021-06-01T00:00:00Z")])])
    first = con.execute("select max(snapshot_id) from iamsql_snapshot").fetchone()[0]
    load_paths(con, [policy], account_id=ACCOUNT)
    as_of, entry = snapshot(con, ACCOUNT)
    assert as_of.isoformat() == "2021-06-01T00:00:00+00:00"
    assert entry["as_of_source"] == f"no time in the data; as of the account's previous snapshot {first}"


def test_cli_as_of_option(tmp_path):
    path = write_users(tmp_path / "users.json", [user("alice", "2021-06-01T00:00:00Z")])
    target = tmp_path / "cli.duckdb"
    result = subprocess.run([IAMSQL, "load", str(path), "--as-of", "2022-01-31T09:00:00Z", "--db", str(target)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"account {ACCOUNT} as of 2022-01-31T09:00:00+00:00 (--as-of option)" in result.stdout
    bad = subprocess.run([IAMSQL, "load", str(path), "--as-of", "yesterday", "--db", str(target)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("error: --as-of 'yesterday' is not an ISO-8601")
    assert "Traceback" not in bad.stderr
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 1
