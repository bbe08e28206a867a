"""Evidence runs over time, as an auditor and an unattended scheduler see them: five runs of a changing account
(variants of the bundled credential report, each exported later than the one before) on a real DuckDB file;
what `diff` calls fixed, gone and new; exceptions for resources that no longer exist or controls that do not
exist; evidence runs killed (SIGKILL, in a real process) right after the check run was stored, right after the
run folder was renamed into place and while retention removed an old folder; an evidence folder that cannot be
written."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from iamsql import scheduled as evidence
from iamsql.common.resources import SAMPLE_DIR
from iamsql.history import runs as history
from iamsql.store import db as dbmod

ACCOUNT = "644160558196"  # the account of the bundled credential report
CONTROLS = ["iam_user_console_mfa", "iam_user_single_active_access_key", "iam_access_key_rotated"]
CLI = [sys.executable, "-c", "from iamsql.cli import main; main()"]


def user(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def report_rows() -> list[dict[str, str]]:
    text = (SAMPLE_DIR / "cloud_custodian" / "credential-report.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def export(folder: Path, rows: list[dict[str, str]], generated: str) -> Path:
    """The credential report as `aws iam get-credential-report` gives it (boto3 JSON, plain CSV content)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    folder.mkdir(parents=True)
    (folder / "credential-report.json").write_text(
        json.dumps({"Content": out.getvalue(), "ReportFormat": "text/csv", "GeneratedTime": generated}),
        encoding="utf-8")
    return folder


def variants(root: Path) -> list[Path]:
    """Five exports of one account, later each time: in the second, andrew has MFA (fixed), kit is deleted
    (gone), anthony lost his MFA (regressed) and newbie signs in without MFA (new); then only time passes."""
    rows = report_rows()
    first = [dict(r) for r in rows]
    second = [dict(r) for r in rows if r["user"] != "kit"]
    for row in second:
        if row["user"] == "andrew":
            row["mfa_active"] = "true"
        if row["user"] == "anthony":
            row["mfa_active"] = "false"
    newbie = dict(next(r for r in rows if r["user"] == "jeff"), user="newbie", arn=user("newbie"),
                  password_enabled="true", mfa_active="false")
    second.append(newbie)
    times = ["2016-11-25T12:00:00Z", "2016-12-01T12:00:00Z", "2016-12-10T12:00:00Z", "2016-12-20T12:00:00Z",
             "2017-01-05T12:00:00Z"]
    return [export(root / f"export-{n}", first if n == 1 else second, when) for n, when in enumerate(times, 1)]


EXCEPTIONS = f"""\
exceptions:
  - control: iam_user_console_mfa
    resource: "{user('kit')}"
    account: "{ACCOUNT}"
    reason: kit leaves at the end of the month
    approver: security-lead@example.com
    ticket: SEC-1
    expires: 2999-12-31
  - control: iam_user_console_mfaa
    resource: "{user('steven')}"
    account: "{ACCOUNT}"
    reason: a typo in the control id
    approver: security-lead@example.com
    ticket: SEC-2
    expires: 2999-12-31
"""


@pytest.fixture(scope="module")
def five_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("over-time")
    (root / "exceptions.yaml").write_text(EXCEPTIONS, encoding="utf-8")
    outcomes = []
    for source in variants(root):
        settings = evidence.load_config(None, {
            "db": root / "audit.duckdb", "evidence_dir": root / "evidence", "sources.paths": [source],
            "controls": CONTROLS, "outputs": ["json"], "fail_on": "none", "exceptions": root / "exceptions.yaml"},
            env={})
        outcomes.append(evidence.run(settings))
    return root, outcomes


def test_history_keeps_every_run_at_its_data_time(five_runs):
    root, outcomes = five_runs
    con = dbmod.connect(root / "audit.duckdb", read_only=True)
    kept = history.runs(con)
    con.close()
    assert [r["run_id"] for r in kept] == [o.run_id for o in outcomes]
    times = [r["as_of"].isoformat() for r in kept]
    assert times == sorted(times) and times[0].startswith("2016-11-25T12:00:00") and times[-1].startswith("2017-01-05")
    assert [o.summary["previous_run_id"] for o in outcomes] == [None] + [o.run_id for o in outcomes[:-1]]
    assert len(evidence.run_folders(root / "evidence" / ACCOUNT)) == 5


def test_diff_tells_fixed_from_gone_and_regressed_from_new(five_runs):
    root, outcomes = five_runs
    con = dbmod.connect(root / "audit.duckdb", read_only=True)
    result = history.diff(con, outcomes[0].run_id, outcomes[1].run_id)
    later = history.diff(con, outcomes[0].run_id, outcomes[4].run_id)  # any two runs, not only neighbours
    con.close()
    changes = {(c["control_id"], c["resource"]): c for c in result["changes"]}
    mfa = "iam_user_console_mfa"
    fixed = changes[(mfa, user("andrew"))]
    assert (fixed["change"], fixed["from_status"], fixed["to_status"]) == ("resolved", "alarm", "ok")
    deleted = changes[(mfa, user("kit"))]  # an alarm (excepted) whose user was deleted: gone, not fixed
    assert (deleted["change"], deleted["from_status"], deleted["to_status"]) == ("gone", "alarm (excepted)", "absent")
    assert {"account_id": ACCOUNT, "resource": user("kit")} in result["removed_resources"]
    assert not any(c["change"] == "resolved" and "/kit" in c["resource"] for c in result["changes"])
    regressed = changes[(mfa, user("anthony"))]
    assert (regressed["change"], regressed["from_status"], regressed["to_status"]) == ("new_alarm", "ok", "alarm")
    new = changes[(mfa, user("newbie"))]
    assert (new["change"], new["from_status"]) == ("new_alarm", "absent")
    assert {"account_id": ACCOUNT, "resource": user("newbie")} in result["new_resources"]
    total = next(r for r in result["summary"] if r["scope"] == "all controls")
    assert total["gone"] == sum(1 for c in result["changes"] if c["change"] == "gone") >= 1
    assert total["resolved"] == sum(1 for c in result["changes"] if c["change"] == "resolved") >= 1
    assert outcomes[1].summary["gone"] == total["gone"] and outcomes[1].summary["resolved"] == total["resolved"]
    saved = json.loads((outcomes[1].folder / "changes.json").read_text(encoding="utf-8"))
    assert {(c["change"], c["resource"]) for c in saved["changes"]} >= {("gone", user("kit")),
                                                                        ("resolved", user("andrew"))}
    assert ("gone", user("kit")) in {(c["change"], c["resource"]) for c in later["changes"]}
    assert "| gone |" in history.render_diff(result, "md")


def test_exceptions_for_a_deleted_resource_and_an_unknown_control_are_warned(five_runs):
    _root, outcomes = five_runs
    first, second = outcomes[0], outcomes[1]
    assert first.summary["excepted"] == 1 and second.summary["excepted"] == 0
    assert second.summary["exceptions"] == {"active": 0, "expired": 0, "unused": 2}
    assert any("(line 2, SEC-1) matched no alarm" in w for w in second.warnings)
    typo = [w for w in second.warnings if "no control 'iam_user_console_mfaa'" in w]
    assert len(typo) == 1 and "did you mean iam_user_console_mfa?" in typo[0] and "exceptions.yaml:9:" in typo[0]


# ------------------------------------------------------------------------------------------------- killed runs

# Runs the CLI and kills its own process (SIGKILL: nothing of Python runs after it) at one point of the run.
KILLED_AT = """
import os, shutil, signal, sys
import iamsql.scheduled
from iamsql.cli import main
run_module = sys.modules["iamsql.scheduled.run"]
where = sys.argv.pop(1)
def die():
    os.kill(os.getpid(), signal.SIGKILL)
if where == "after-check-run":
    stored = run_module.run_checks
    run_module.run_checks = lambda *args, **kwargs: (stored(*args, **kwargs), die())
elif where == "after-rename":
    rename = os.rename
    def renamed(source, target):
        rename(source, target)
        if os.path.basename(source).startswith(".incomplete-"):
            die()
    os.rename = renamed
elif where == "while-pruning":
    rmtree = shutil.rmtree
    def removing(path, *args, **kwargs):
        if os.path.basename(path).startswith(".pruning-"):
            os.remove(os.path.join(path, "manifest.json"))
            die()
        rmtree(path, *args, **kwargs)
    shutil.rmtree = removing
sys.argv[0] = "iamsql"
main()
"""


def evidence_run(tmp_path: Path, source: Path, *extra: str, killed_at: str | None = None):
    command = [sys.executable, "-c", KILLED_AT, killed_at] if killed_at else CLI
    return subprocess.run(
        [*command, "evidence", "run", "--db", str(tmp_path / "audit.duckdb"), "--evidence-dir",
         str(tmp_path / "evidence"), "--source", str(source), "--fail-on", "none", "--output", "json", "--quiet",
         *[arg for control in CONTROLS for arg in ("--control", control)], *extra],
        capture_output=True, text=True, timeout=300)


def beyond_the_data(stderr: str) -> list[str]:
    """The lines of an evidence run's stderr other than the load's warnings about the bundled data (its credential
    report lists a user twice): what the run says about earlier, interrupted runs."""
    return [line for line in stderr.splitlines() if not line.startswith("warning: credential report ")]


def settled(tmp_path: Path) -> tuple[list[int], list[tuple]]:
    """The runs history counts, and every evidence run row (run id, status)."""
    con = dbmod.connect(tmp_path / "audit.duckdb", read_only=True)
    try:
        return ([r["run_id"] for r in history.runs(con)],
                con.execute("select run_id, status from iamsql_evidence_run order by run_id").fetchall())
    finally:
        con.close()


def verify(tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "evidence", "verify", str(tmp_path / "evidence"), "--db", str(tmp_path / "audit.duckdb")],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> list[Path]:
    return variants(tmp_path_factory.mktemp("exports"))


def test_run_killed_right_after_its_check_run_was_stored_is_not_counted(tmp_path, exports):
    assert evidence_run(tmp_path, exports[0]).returncode == 0
    killed = evidence_run(tmp_path, exports[1], killed_at="after-check-run")
    assert killed.returncode == -9
    counted, rows = settled(tmp_path)
    assert counted == [1] and rows == [(1, "complete"), (2, "running")]  # the check run exists, with its row
    after = evidence_run(tmp_path, exports[2])
    assert after.returncode == 0 and beyond_the_data(after.stderr) == []
    counted, rows = settled(tmp_path)
    assert counted == [1, 3] and rows == [(1, "complete"), (2, "abandoned"), (3, "complete")]
    manifests = [json.loads((f / "manifest.json").read_text()) for f in evidence.run_folders(tmp_path / "evidence" / ACCOUNT)]
    assert [m["run_id"] for m in manifests] == [1, 3] and manifests[1]["previous_run_id"] == 1
    assert verify(tmp_path).returncode == 0


def test_run_killed_right_after_its_folder_was_renamed_is_completed_by_the_next(tmp_path, exports):
    assert evidence_run(tmp_path, exports[0]).returncode == 0
    assert evidence_run(tmp_path, exports[1], killed_at="after-rename").returncode == -9
    folders = evidence.run_folders(tmp_path / "evidence" / ACCOUNT)
    assert len(folders) == 2  # visible and whole: the rename was the last step of the folder
    first_check = verify(tmp_path)
    assert first_check.returncode == 0, first_check.stdout
    after = evidence_run(tmp_path, exports[2])
    assert after.returncode == 0 and beyond_the_data(after.stderr) == []
    counted, rows = settled(tmp_path)
    assert counted == [1, 2, 3] and rows == [(1, "complete"), (2, "complete"), (3, "complete")]
    newest = json.loads((evidence.run_folders(tmp_path / "evidence" / ACCOUNT)[-1] / "manifest.json").read_text())
    assert newest["previous_run_id"] == 2 and newest["chain"]["previous"]["folder"] == folders[-1].name
    checked = verify(tmp_path)
    assert checked.returncode == 0 and sum(line.startswith("ok ") for line in checked.stdout.splitlines()) == 3


def test_run_killed_while_retention_removed_a_folder_leaves_nothing_half_removed(tmp_path, exports):
    assert evidence_run(tmp_path, exports[0], "--keep-runs", "1").returncode == 0
    assert evidence_run(tmp_path, exports[1], "--keep-runs", "1", killed_at="while-pruning").returncode == -9
    parent = tmp_path / "evidence" / ACCOUNT
    assert [p.name.startswith(".pruning-") for p in sorted(parent.iterdir())].count(True) == 1
    checked = verify(tmp_path)  # the half-removed folder is hidden: the one run left verifies, pruning noted
    assert checked.returncode == 0 and "FAILED" not in checked.stdout, checked.stdout
    assert evidence_run(tmp_path, exports[2], "--keep-runs", "1").returncode == 0
    assert [p.name for p in parent.iterdir() if p.name.startswith(".")] == []
    assert len(evidence.run_folders(parent)) == 1 and verify(tmp_path).returncode == 0


def test_an_evidence_folder_that_cannot_be_written_is_one_line(tmp_path, exports):
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / ".iamsql.lock").mkdir()  # refused to every user, root included
    failed = evidence_run(tmp_path, exports[0])
    assert failed.returncode == 254 and failed.stdout == ""
    assert failed.stderr.startswith("error: cannot write ") and ".iamsql.lock" in failed.stderr
    assert failed.stderr.count("\n") == 1
    shutil.rmtree(tmp_path / "evidence")
    if os.geteuid() != 0:  # permissions bind every user but root
        (tmp_path / "evidence").mkdir(mode=0o555)
        failed = evidence_run(tmp_path, exports[0])
        assert failed.returncode == 254 and failed.stderr.count("\n") == 1 and "Permission denied" in failed.stderr


def test_diff_says_when_the_control_pack_changed(tmp_path, exports):
    """The same data checked by a control whose SQL changed: its status change comes from the pack, and the diff
    says the pack changed (by its hash) instead of presenting the change as the data's alone."""
    from iamsql.controls.engines.duckdb import run_checks
    from iamsql.controls.names import QUERIES_DIR
    from iamsql.load import load_paths

    pack = tmp_path / "queries"
    shutil.copytree(QUERIES_DIR, pack)
    control = pack / "iam_user_console_mfa.sql"
    text = control.read_text(encoding="utf-8")
    changed = text.replace("case when mfa or not password then 'ok'", "case when mfa or not password or user_name = 'kit' then 'ok'")
    assert changed != text
    con = dbmod.connect(tmp_path / "audit.duckdb")
    try:
        load_paths(con, [exports[0]])
        before = run_checks(con, controls=["iam_user_console_mfa"], queries_dir=pack)
        again = run_checks(con, controls=["iam_user_console_mfa"], queries_dir=pack)
        control.write_text(changed, encoding="utf-8")
        after = run_checks(con, controls=["iam_user_console_mfa"], queries_dir=pack)
        same, new = history.diff(con, before, again), history.diff(con, again, after)
    finally:
        con.close()
    assert history.pack_changed_text(same) is None and "control pack" not in history.render_diff(same, "table")
    assert new["from_run"]["control_pack_hash"] != new["to_run"]["control_pack_hash"]
    assert [(c["change"], c["resource"]) for c in new["changes"]] == [("resolved", user("kit"))]
    said = history.render_diff(new, "md")
    assert "The control pack changed between the runs" in said and new["to_run"]["control_pack_hash"][:12] in said


def test_verify_with_a_database_shared_by_two_evidence_folders(tmp_path, exports):
    """Two configs write runs of the same name into their own evidence folders and one database: neither folder
    misses the other's runs, and a copy of one (moved elsewhere) still misses its own deleted newest run."""
    def run(folder: str, source: Path):
        return evidence.run(evidence.load_config(None, {
            "db": tmp_path / "audit.duckdb", "evidence_dir": tmp_path / folder, "sources.paths": [source],
            "controls": CONTROLS, "outputs": ["json"], "fail_on": "none"}, env={}))

    run("nightly", exports[0])
    run("weekly", exports[1])
    run("nightly", exports[2])
    for folder in ("nightly", "weekly"):
        checked = evidence.verify(tmp_path / folder, db=tmp_path / "audit.duckdb")
        assert all(r.ok for r in checked), [line for r in checked for line in r.lines()]
    copy = tmp_path / "auditor" / "nightly"
    shutil.copytree(tmp_path / "nightly", copy)
    assert all(r.ok for r in evidence.verify(copy, db=tmp_path / "audit.duckdb"))
    shutil.rmtree(evidence.run_folders(copy / ACCOUNT)[-1])
    checked = evidence.verify(copy, db=tmp_path / "audit.duckdb")
    assert [p for r in checked for p in r.problems] == [
        f"missing run: {evidence.run_folders(tmp_path / 'nightly' / ACCOUNT)[-1].name} (run 3 in the database)"]


def test_a_replaced_database_is_said_by_the_next_run_and_by_verify(tmp_path, exports):
    """The database is lost (a CI cache evicted, a file deleted) while the evidence folder stays: run ids start
    again at 1. The next run warns, and `verify --db` says the earlier runs are not in this database's history
    instead of calling their manifests rewritten."""
    def run(source: Path):
        return evidence.run(evidence.load_config(None, {
            "db": tmp_path / "audit.duckdb", "evidence_dir": tmp_path / "evidence", "sources.paths": [source],
            "controls": CONTROLS, "outputs": ["json"], "fail_on": "none"}, env={}))

    first, second = run(exports[0]), run(exports[1])
    assert not any("not a run of this database" in w for w in first.warnings + second.warnings)
    (tmp_path / "audit.duckdb").unlink()
    again = run(exports[2])
    assert again.run_id == first.run_id == 1
    assert [w for w in again.warnings if "not a run of this database" in w] == [
        f"the previous run folder {ACCOUNT}/{second.folder.name} (run {second.run_id}) is not a run of this database: "
        "was the database replaced? Run ids, diffs and first/last seen start again here, and 'evidence verify --db' "
        "with this database fails the earlier folders"]
    checked = {r.folder.name: r for r in evidence.verify(tmp_path / "evidence", db=tmp_path / "audit.duckdb")}
    assert checked[again.folder.name].ok and not checked[first.folder.name].ok
    assert checked[first.folder.name].problems == [
        f"database: run 1 is not in the run history (the database's run 1 was written to {again.folder.name}: "
        "another or a new database?)"]
    assert not any("rewritten" in p for r in checked.values() for p in r.problems)
    assert all(r.ok for r in evidence.verify(tmp_path / "evidence"))  # the folder itself is intact


# Runs the CLI with the evidence run's clock an hour behind (a restored VM, a clock set by hand).
CLOCK_BEHIND = """
import sys
from datetime import datetime, timedelta
import iamsql.scheduled
from iamsql.cli import main
class Behind(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) - timedelta(hours=1)
sys.modules["iamsql.scheduled.run"].datetime = Behind
sys.argv[0] = "iamsql"
main()
"""


def test_a_clock_behind_the_newest_run_folder_is_refused(tmp_path, exports):
    assert evidence_run(tmp_path, exports[0]).returncode == 0
    behind = subprocess.run(
        [sys.executable, "-c", CLOCK_BEHIND, "evidence", "run", "--db", str(tmp_path / "audit.duckdb"),
         "--evidence-dir", str(tmp_path / "evidence"), "--source", str(exports[1]), "--fail-on", "none",
         "--output", "json", "--control", CONTROLS[0], "--quiet"], capture_output=True, text=True, timeout=300)
    assert behind.returncode == 254 and behind.stderr.count("\n") == 1
    assert behind.stderr.startswith("error: the clock (") and "is behind the newest run folder" in behind.stderr
    assert len(evidence.run_folders(tmp_path / "evidence" / ACCOUNT)) == 1
    assert evidence_run(tmp_path, exports[2]).returncode == 0
    assert verify(tmp_path).returncode == 0 and settled(tmp_path)[0] == [1, 3]
