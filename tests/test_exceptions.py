"""Exceptions and attestations: the file's validation (errors name the line), pattern matching, expiry judged on
the day of the data the run checked, never the day the run was made (past, same day, future), what is stored per run, counts in
summaries, attested requirements in the framework roll-up, and the ``exceptions check`` command."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from iamsql.common.resources import SAMPLE_DIR
from iamsql.controls.engines.duckdb import run_checks
from iamsql.frameworks import framework_summary, load_frameworks, requirement_status
from iamsql.history import runs as history
from iamsql.history import waivers as exc
from iamsql.load import load_paths
from iamsql.store import db as dbmod

ACCOUNT = "123456789012"
GOOD = """\
exceptions:
  - control: iam_user_in_group
    resource: "arn:aws:iam::*:user/Bob"
    account: "123456789012"
    reason: Bob is the break-glass user
    approver: jane@example.com
    ticket: SEC-1
    expires: 2026-06-30
  - control: "iam_user_*"
    resource: "re:arn:aws:iam::\\\\d+:user/(Adele|Nobody)"
    account: "*"
    reason: Lab user
    approver: jane@example.com
    ticket: SEC-2
    expires: 2026-06-29
  - resource: "arn:aws:iam::*:user/ghost"
    account: "123456789012"
    reason: Gone
    approver: jane@example.com
    ticket: SEC-3
    expires: 2030-01-01
attestations:
  - framework: nist-csf-2.0
    requirement: GV.OC-01
    attested_by: ciso@example.com
    date: 2026-01-15
    evidence: https://wiki.example.com/gv-oc-01
    expires: 2026-12-31
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exceptions.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def manual_requirement() -> str:
    return next(r.id for r in load_frameworks()["nist-csf-2.0"].requirements if not r.controls)


@pytest.mark.parametrize(("text", "line", "message"), [
    (GOOD.replace("    approver: jane@example.com\n    ticket: SEC-1\n", "    ticket: SEC-1\n"), 2,
     "exception 1: 'approver' is required"),
    (GOOD.replace("    ticket: SEC-2\n", "    ticket: SEC-2\n    owner: bob\n"), 15, "exception 2: unknown key 'owner'"),
    (GOOD.replace("expires: 2026-06-29", "expires: next year"), 15, "'expires' must be a date like 2026-12-31"),
    (GOOD.replace('account: "*"', "account: 12345"), 11, "'account' must be a 12-digit account id"),
    (GOOD.replace("(Adele|Nobody)", "(Adele"), 10, "'resource' is not a valid regular expression"),
    (GOOD.replace("  - resource: \"arn:aws:iam::*:user/ghost\"\n", "  - account: \"123456789012\"\n")
     .replace("    account: \"123456789012\"\n    reason: Gone", "    reason: Gone"), 16, "give 'control' or 'resource'"),
    (GOOD.replace("requirement: GV.OC-01", "requirement: PR.AA-01"), 24, "is assessed by controls"),
    (GOOD.replace("framework: nist-csf-2.0", "framework: csf"), 23, "unknown framework 'csf'"),
    (GOOD.replace("    reason: Lab user\n", "    reason: [Lab user\n"), 13, "not valid YAML"),
    (GOOD + GOOD.split("attestations:\n")[1], 29, "already attested on line 23"),
    (GOOD.replace("    expires: 2026-12-31\n", "    expires: 2026-01-14\n"), 28,
     "attestation 1: 'expires' (2026-01-14) is before 'date' (2026-01-15)"),
])
def test_malformed_files_are_rejected_with_the_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(exc.ExceptionsFileError) as info:
        exc.read_exceptions(path)
    assert str(info.value).startswith(f"{path}:{line}:") and message in str(info.value), str(info.value)
    assert "\n" not in str(info.value)


def test_reading_and_matching(tmp_path):
    parsed = exc.read_exceptions(write(tmp_path, GOOD.replace("GV.OC-01", manual_requirement())))
    bob, lab, ghost = parsed.exceptions
    assert (bob.line, lab.line, ghost.line) == (2, 9, 16) and bob.expires == date(2026, 6, 30)
    assert ghost.control == "*" and bob.exception_id.startswith("EXC-")
    assert bob.exception_id == exc.read_exceptions(write(tmp_path, GOOD)).exceptions[0].exception_id  # stable
    assert bob.matches("iam_user_in_group", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/Bob")
    assert not bob.matches("iam_user_in_group", "210987654321", f"arn:aws:iam::{ACCOUNT}:user/Bob")
    assert not bob.matches("iam_user_console_mfa", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/Bob")
    assert not bob.matches("iam_user_in_group", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/Bobby")
    assert lab.matches("iam_user_console_mfa", "210987654321", "arn:aws:iam::210987654321:user/Adele")
    assert not lab.matches("iam_user_console_mfa", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/Adele2")  # full match
    assert not lab.matches("iam_root_mfa_enabled", ACCOUNT, f"arn:aws:iam::{ACCOUNT}:user/Adele")
    assert exc.read_exceptions(write(tmp_path, "")).exceptions == ()


def group_lists(folder: Path) -> Path:
    """The AWS CLI examples' users in no group, as get-account-authorization-details says it (a user listing
    alone does not say, and iam_user_in_group skips such users), with its (empty) list of managed policies: an
    output without ``Policies`` would be a ``--filter`` one, which leaves the policy attachments partial."""
    users = json.loads((SAMPLE_DIR / "aws_cli_examples" / "list-users_1.json").read_text())["Users"]
    path = folder / "get-account-authorization-details.json"
    path.write_text(json.dumps({"UserDetailList": [
        {**u, "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": []} for u in users], "Policies": []}))
    return path


@pytest.fixture(scope="module")
def checked_once(tmp_path_factory) -> tuple[Path, int]:
    """(database file, run id) of the AWS CLI examples account (plus its users' empty group lists, as
    get-account-authorization-details gives them), two controls run, the run's data taken on 2026-06-30 at noon and
    the run made years later; built once per module: ``checked`` gives each test its own copy."""
    folder = tmp_path_factory.mktemp("checked")
    con = dbmod.connect(folder / "x.duckdb")
    try:
        history.ensure_schema(con)
        load_paths(con, [SAMPLE_DIR / "aws_cli_examples", group_lists(folder)])
        run_id = run_checks(con, controls=["iam_user_in_group", "iam_user_console_mfa"])
        on_day(con, run_id, datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    finally:
        con.close()
    return folder / "x.duckdb", run_id


@pytest.fixture
def checked(checked_once, tmp_path):
    """A connection to the test's own copy (``tmp_path / "x.duckdb"``) of ``checked_once``, and the run id."""
    template, run_id = checked_once
    shutil.copy(template, tmp_path / "x.duckdb")
    con = dbmod.connect(tmp_path / "x.duckdb")
    yield con, run_id
    con.close()


def on_day(con, run_id: int, taken: datetime) -> None:
    """Pretend the run checked data taken at ``taken`` and was made in 2030, after every expiry of the files here:
    only the data's time can keep an exception in force."""
    con.execute("update iamsql_run set started_at = '2030-01-01 00:00:00+00', as_of = ? where run_id = ?",
                [taken, run_id])


def test_expiry_is_judged_on_the_data_time_not_the_run_day(checked, tmp_path):
    con, run_id = checked
    alarms = dict(con.execute("select resource, finding_id from iamsql_result where run_id = ? and status = 'alarm' "
                              "and control_id = 'iam_user_in_group'", [run_id]).fetchall())
    bob, adele = alarms[f"arn:aws:iam::{ACCOUNT}:user/Bob"], alarms[f"arn:aws:iam::{ACCOUNT}:user/Adele"]
    parsed = exc.read_exceptions(write(tmp_path, GOOD.replace("GV.OC-01", manual_requirement())))
    applied = exc.apply(con, run_id, parsed)
    # Bob's exception ends on the day the data was taken: it applies. The lab one ended the day before: expired,
    # reported. The run itself was made in 2030.
    assert set(applied.excepted) == {bob}
    states = {e["ticket"]: (e["state"], e["matches"]) for e in exc.stored_exceptions(con, run_id)}
    assert states == {"SEC-1": ("active", 1), "SEC-2": ("expired", 1), "SEC-3": ("unused", 0)}
    assert set(exc.excepted_findings(con, run_id)) == {bob}
    assert exc.excepted_findings(con, run_id)[bob]["reason"] == "Bob is the break-glass user"
    # the result keeps its real status
    assert con.execute("select status from iamsql_result where run_id = ? and finding_id = ?", [run_id, bob]).fetchone()[0] == "alarm"
    warnings = exc.warnings(applied)
    assert any("SEC-2) expired on 2026-06-29" in w for w in warnings) and any("SEC-3) matched no alarm" in w for w in warnings)

    # data taken later: both expired, whatever the day of the run; earlier: both apply. Re-applying replaces the
    # run's rows. The day is the data's in UTC.
    on_day(con, run_id, datetime(2026, 7, 1, tzinfo=timezone.utc))
    assert exc.apply(con, run_id, parsed).excepted == {}
    con.execute("update iamsql_run set started_at = '2026-06-01 00:00:00+00' where run_id = ?", [run_id])
    assert exc.apply(con, run_id, parsed).excepted == {}  # a run made before the expiry does not revive it
    on_day(con, run_id, datetime.fromisoformat("2026-06-30T23:30:00-05:00"))  # 2026-07-01 in UTC
    assert exc.apply(con, run_id, parsed).excepted == {}
    on_day(con, run_id, datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert set(exc.apply(con, run_id, parsed).excepted) == {bob, adele}
    # a run that read no account has no data time: judged on the day it was made
    con.execute("update iamsql_run set started_at = '2026-06-30 12:00:00+00', as_of = null where run_id = ?",
                [run_id])
    assert set(exc.apply(con, run_id, parsed).excepted) == {bob}
    assert con.execute("select count(*) from iamsql_run_exception where run_id = ?", [run_id]).fetchone()[0] == 3


def test_attested_requirements_count_toward_compliance(checked, tmp_path):
    con, run_id = checked
    requirement = manual_requirement()
    exc.apply(con, run_id, exc.read_exceptions(write(tmp_path, GOOD.replace("GV.OC-01", requirement))))
    attested = exc.attested_requirements(con, run_id)
    assert attested == {f"nist-csf-2.0:{requirement}"}
    statuses = requirement_status({"iam_user_in_group": ["ok"]}, ["nist-csf-2.0"], attested=attested)
    assert next(s.status for s in statuses if s.requirement.id == requirement) == "attested"
    summary = framework_summary(statuses)[0]
    before = framework_summary(requirement_status({"iam_user_in_group": ["ok"]}, ["nist-csf-2.0"]))[0]
    assert (summary.attested, summary.manual) == (1, before.manual - 1)
    assert summary.compliant_pct == round(100 * (summary.passed + 1) / (summary.assessed), 1)
    assert summary.assessed == before.assessed + 1 and summary.coverage_pct > before.coverage_pct
    # expired when the data was taken: manual again
    on_day(con, run_id, datetime(2027, 1, 1, tzinfo=timezone.utc))
    exc.apply(con, run_id, exc.read_exceptions(write(tmp_path, GOOD.replace("GV.OC-01", requirement))))
    assert exc.attested_requirements(con, run_id) == set()
    # dated after the data (2026-01-15, data of the 14th): not in force yet, said, manual
    on_day(con, run_id, datetime(2026, 1, 14, 23, 59, tzinfo=timezone.utc))
    applied = exc.apply(con, run_id, exc.read_exceptions(write(tmp_path, GOOD.replace("GV.OC-01", requirement))))
    assert exc.attested_requirements(con, run_id) == set()
    assert [a["state"] for a in exc.stored_attestations(con, run_id)] == ["future"]
    assert [w for w in exc.warnings(applied) if w.startswith("attestation")] == [
        f"attestation of nist-csf-2.0:{requirement} (line 23) is dated 2026-01-15, after the run's data (2026-01-14): "
        "not in force for this run, the requirement stays manual"]
    on_day(con, run_id, datetime(2026, 1, 15, tzinfo=timezone.utc))  # from its date on: in force
    exc.apply(con, run_id, exc.read_exceptions(write(tmp_path, GOOD.replace("GV.OC-01", requirement))))
    assert exc.attested_requirements(con, run_id) == {f"nist-csf-2.0:{requirement}"}


def test_workbook_and_json_count_excepted_alarms(checked, tmp_path):
    import json

    from openpyxl import load_workbook

    from iamsql.report import write_report

    con, run_id = checked
    exc.apply(con, run_id, exc.read_exceptions(write(tmp_path, GOOD.replace("GV.OC-01", manual_requirement()))))
    workbook = write_report(con, tmp_path / "r.xlsx", run_id=run_id)
    data = json.loads(write_report(con, tmp_path / "r.iamsql.json", run_id=run_id).read_text())
    alarms = sum(1 for f in data["findings"] if f["status"] == "alarm")
    excepted = [f for f in data["findings"] if f["excepted"] == "excepted"]
    assert len(excepted) == 1 and excepted[0]["status"] == "alarm" and excepted[0]["exception_ticket"] == "SEC-1"
    assert [e["state"] for e in data["exceptions"]] == ["active", "expired", "unused"]
    wb = load_workbook(workbook, read_only=True)
    facts = {row[0]: row[1] for row in wb["Summary"].iter_rows(values_only=True) if len(row) > 1 and row[0]}
    assert facts["Alarms excepted"] == 1 and facts["Alarms not excepted"] == alarms - 1
    assert facts["Exceptions active / expired / unused"] == "1 / 1 / 1"
    sheet = [row for row in wb["Exceptions"].iter_rows(values_only=True) if row and row[0]]
    assert [row[7] for row in sheet[1:4]] == ["SEC-1", "SEC-2", "SEC-3"]
    assert [row[9] for row in sheet[1:4]] == ["active", "expired", "unused"]
    assert [row[8] for row in sheet[1:4]] == [datetime(2026, 6, 30), datetime(2026, 6, 29), datetime(2030, 1, 1)]
    assert any(row[0] == "nist-csf-2.0" and row[7] == "active" for row in sheet)  # the attestation
    findings = list(wb["Findings"].iter_rows(values_only=True))
    row = next(dict(zip(findings[0], r)) for r in findings[1:] if "SEC-1" in r)
    assert row["Excepted"] == "excepted" and row["Exception expires"] == datetime(2026, 6, 30)  # typed dates


def test_exceptions_check_command(checked, tmp_path, monkeypatch, capsys):
    from iamsql.cli import main

    con, run_id = checked
    con.close()
    path = write(tmp_path, GOOD.replace("GV.OC-01", manual_requirement()))
    monkeypatch.setattr("sys.argv", ["iamsql", "exceptions", "check", str(path), "--db", str(tmp_path / "x.duckdb"),
                                     "--format", "csv"])
    with pytest.raises(SystemExit) as info:
        main()
    out, err = capsys.readouterr()
    assert (info.value.code or 0) == 0 and f"matched against check run {run_id}" in err
    lines = out.splitlines()
    assert lines[0] == "entry,line,scope,expires,state,alarms_matched" and len(lines) == 5
    assert lines[1].endswith(",active,1") and lines[2].endswith(",expired,1") and lines[3].endswith(",unused,0")
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, err  # the expired and the unused exception, as `evidence run` warns about them
    assert warnings[0].startswith("warning: exception ") and "(line 9, SEC-2) expired on 2026-06-29: its 1 alarm(s)" \
        " count again" in warnings[0]
    assert "(line 16, SEC-3) matched no alarm" in warnings[1]
    for database, message in ((tmp_path / "x.duckdb", f"runs: {run_id} ('iamsql evidence list' shows them)"),
                              (tmp_path / "none.duckdb", "this database has no check run yet; run 'iamsql check' first")):
        dbmod.connect(database).close()  # none.duckdb: a database without a run (DuckDB's catalog error named none)
        monkeypatch.setattr("sys.argv", ["iamsql", "exceptions", "check", str(path), "--db", str(database), "--run", "99"])
        with pytest.raises(SystemExit) as info:
            main()
        err = capsys.readouterr().err
        assert info.value.code == 2 and err == f"error: no check run with id 99{';' if 'runs' in message else ':'} {message}\n"
    bad = write(tmp_path, "exceptions:\n  - control: x\n")
    monkeypatch.setattr("sys.argv", ["iamsql", "exceptions", "check", str(bad)])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.startswith(f"error: {bad}:2: exception 1: 'account' is required")


def test_requirement_is_excepted_when_every_alarm_is_covered(checked, tmp_path):
    """CIS 1.14 rests on three user controls: with all of their alarms excepted it is ``excepted`` (counted as
    compliant, still listed); once the exception has expired when the data was taken, ``failed`` again."""
    import json

    from iamsql.report import write_report

    con, _ = checked
    cis = load_frameworks()["cis-aws-foundations-v5.0.0"]
    controls = cis.requirement("1.14").controls
    run_id = run_checks(con, controls=list(controls))
    on_day(con, run_id, datetime(2026, 6, 30, 12, tzinfo=timezone.utc))
    counts = dict(con.execute("select status, count(*) from iamsql_result where run_id = ? group by all", [run_id]).fetchall())
    assert counts.get("alarm", 0) >= 1 and counts.get("ok", 0) >= 1

    def report(expires: str) -> dict:
        text = ("exceptions:\n  - control: 'iam_user_*'\n    resource: '*'\n    account: '*'\n    reason: r\n"
                f"    approver: a@example.com\n    ticket: T-1\n    expires: {expires}\n")
        exc.apply(con, run_id, exc.read_exceptions(write(tmp_path, text)))
        data = json.loads(write_report(con, tmp_path / "r.iamsql.json", run_id=run_id).read_text())
        return next(s for s in data["frameworks"] if s["id"] == cis.id)

    section = report("2026-12-31")
    requirement = next(r for r in section["requirements"] if r["id"] == "1.14")
    assert requirement["status"] == "excepted"
    assert sum(c["excepted"] for c in requirement["controls"]) == requirement["alarm"] == counts["alarm"]
    assert {c["outcome"] for c in requirement["controls"]} <= {"excepted", "passed"}
    statuses = [r["status"] for r in section["requirements"]]
    assessed = sum(statuses.count(s) for s in ("passed", "failed", "partial", "excepted", "attested"))
    assert section["excepted"] == statuses.count("excepted") >= 1
    assert section["compliant_pct"] == round(100 * (statuses.count("passed") + statuses.count("excepted")) / assessed, 1)

    expired = report("2026-01-01")
    assert next(r for r in expired["requirements"] if r["id"] == "1.14")["status"] == "failed"
    assert expired["compliant_pct"] < section["compliant_pct"]


def test_exceptions_check_warns_about_a_control_id_that_names_no_control(checked, tmp_path, monkeypatch, capsys):
    """A typo in `control:` left the exception `unused` forever, with nothing saying why."""
    from iamsql.cli import main

    con, _ = checked
    con.close()
    typo = GOOD.replace("control: iam_user_in_group", "control: iam_user_in_grp")
    path = write(tmp_path, typo.replace("GV.OC-01", manual_requirement()))
    monkeypatch.setattr("sys.argv", ["iamsql", "exceptions", "check", str(path), "--db", str(tmp_path / "x.duckdb")])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert (info.value.code or 0) == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning:") and "no control" in line]
    assert len(warnings) == 1, err  # the glob `iam_user_*` and the entry without a control are not warned about
    assert warnings[0].startswith(f"warning: {path}:2: exception ")
    assert "no control 'iam_user_in_grp' (did you mean iam_user_in_group?)" in warnings[0]
    # the typo is why it matches nothing: not "remove it if the finding is fixed"
    typo_id = warnings[0].split("exception ")[1].split(":")[0]
    assert not [line for line in err.splitlines() if f"exception {typo_id} (" in line], err
    assert exc.unknown_controls(None, exc.read_exceptions(write(tmp_path, GOOD))) == {}


def test_an_expired_exception_that_matches_nothing_says_so_not_zero_alarms_count_again(tmp_path):
    file = exc.read_exceptions(write(tmp_path, GOOD))
    first, second = file.exceptions[:2]
    applied = exc.Applied(1, date(2026, 7, 1), {}, {first.exception_id: 2, second.exception_id: 0},
                          (first, second), ())
    lines = exc.warnings(applied)
    assert lines[0].endswith("expired on 2026-06-30: its 2 alarm(s) count again")
    assert lines[1].endswith("expired on 2026-06-29: it matches no alarm either: remove it")
    assert not any("its 0 alarm" in line for line in lines)


def test_exceptions_check_without_a_run_warns_about_expired_entries_only(tmp_path, monkeypatch, capsys):
    """Without a database there is nothing to match: expiry is judged at today's date, no exception is unused."""
    from iamsql.cli import main

    path = write(tmp_path, GOOD.replace("GV.OC-01", manual_requirement()).replace("2030-01-01", "2999-01-01"))
    monkeypatch.setattr("sys.argv", ["iamsql", "exceptions", "check", str(path), "--db", str(tmp_path / "none.duckdb")])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert (info.value.code or 0) == 0
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert [w.split(" (")[1].split(")")[0] for w in warnings[:2]] == ["line 2, SEC-1", "line 9, SEC-2"], err
    assert warnings[0].endswith("expired on 2026-06-30: it no longer applies")
    assert not any("matched no alarm" in w or "SEC-3" in w for w in warnings), err
