"""Reports from a crafted check run: every sheet read back with openpyxl, requirement coverage against the
catalogs, formula injection and oversized or XML-illegal text, byte-stable output, the CSV, JSON, OCSF and
Markdown writers, and the command line's errors."""

from __future__ import annotations

import csv
import json
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from openpyxl import load_workbook

from iamsql.cli import main
from iamsql.controls.catalog import control_pack_hash, load_controls
from iamsql.controls.contract import finding_id
from iamsql.frameworks import load_frameworks, requirements_for_control
from iamsql.report import write_report
from iamsql.report.model import FINDING_COLUMNS
from iamsql.report.text import EXCEL_CELL_LIMIT
from iamsql.store import db as dbmod
from iamsql.store.bookkeeping import RUN_DDL

STARTED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=timezone.utc)
FINISHED = datetime(2025, 3, 4, 5, 6, 9, tzinfo=timezone.utc)
ACCOUNT_A, ACCOUNT_B = "111111111111", "222222222222"
HYPERLINK = '=HYPERLINK("http://x","y")'
LONG_REASON = "long " * 9_000  # 45,000 characters
# Control id -> rows (status, resource, reason, account, dimensions). Ids are real controls of the pack.
CRAFTED = {
    "iam_user_console_mfa": [
        ("alarm", HYPERLINK, "@SUM(1)", ACCOUNT_A, {}),
        ("alarm", "arn:aws:iam::111111111111:user/bob", "+1+2 is not a formula", ACCOUNT_A, {}),
        ("ok", "arn:aws:iam::222222222222:user/zoë", "Zoë has MFA.", ACCOUNT_B, {"user_agent": HYPERLINK}),
    ],
    "iam_access_key_rotated": [
        ("error", "arn:aws:::111111111111", "-2+3 went wrong", ACCOUNT_A, {}),
        ("skip", "arn:aws:::222222222222", "\tstarts with a tab", ACCOUNT_B, {}),
    ],
    "iam_root_mfa_enabled": [
        ("ok", "arn:aws:iam::111111111111:root", LONG_REASON, ACCOUNT_A, {}),
        ("info", "arn:aws:iam::222222222222:root", "bell\x07 and escape\x1b inside", ACCOUNT_B, {}),
    ],
}
SOURCES = [{"path": "/home/analyst/exports/gaad.json", "name": "exports/gaad.json", "sha256": "ab" * 32, "format": "iam:get-account-authorization-details",
            "as_of": "2025-03-01T00:00:00+00:00"}]
GAPS = [{"api": "iam:GetCredentialReport", "account_id": ACCOUNT_B, "region": "us-east-1", "error": "AccessDenied"},
        {"api": "iam:list-access-keys", "account_id": ACCOUNT_B, "region": None, "error": "list-access-keys.json: "
         "list-access-keys lists the keys of bob only"}]


def crafted_rows() -> list[tuple]:
    return [(cid, *row) for cid, rows in CRAFTED.items() for row in rows]


def build_database(path: Path) -> None:
    """Two accounts with a credential report and CloudTrail events, then two stored runs (1: the crafted rows,
    2: one row)."""
    con = dbmod.connect(path)
    with dbmod.transaction(con):
        a = dbmod.new_snapshot(con, account_id=ACCOUNT_A, kind="load", sources=SOURCES,
                               as_of=datetime(2025, 3, 1, tzinfo=timezone.utc))
        dbmod.insert_rows(con, "aws_iam_credential_report", a, [
            {"user_name": "<root_account>", "user_arn": "arn:aws:iam::111111111111:root", "account_id": ACCOUNT_A,
             "generated_time": "2025-03-01T00:00:00+00:00"}])
        b = dbmod.new_snapshot(con, account_id=ACCOUNT_B, kind="collect", sources=[], as_of=None, partial=True,
                               gaps=GAPS)
        dbmod.insert_rows(con, "aws_cloudtrail_trail_event", b, [
            {"event_id": f"e{n}", "event_name": "ListUsers", "account_id": ACCOUNT_B,
             "event_time": f"2025-02-0{n}T10:00:00+00:00"} for n in (1, 5, 3)])
    con.execute(RUN_DDL)
    accounts = json.dumps([{"account_id": ACCOUNT_A, "as_of": "2025-03-01T00:00:00+00:00"},
                           {"account_id": ACCOUNT_B, "as_of": "2025-02-05T10:00:00+00:00"}])
    for run_id, rows in ((1, crafted_rows()), (2, crafted_rows()[:1])):
        con.execute("insert into iamsql_run values (?, ?, ?, ?, '0.1.0', ?, 'duckdb', 'auditor', ?, ?, ?, '[]', ?, null)",
                    [run_id, STARTED, FINISHED, datetime(2025, 3, 1, tzinfo=timezone.utc), control_pack_hash(),
                     accounts, json.dumps([a, b]), json.dumps({"iam_access_key_rotated": {"max_age_days": 45}}),
                     "error"])
        con.executemany("insert into iamsql_result values (?, ?, ?, ?, ?, ?, ?, 'global', ?, ?)", [
            [run_id, cid, finding_id(cid, account, "global", resource), resource, status, reason, account,
             "medium", json.dumps(dims)] for cid, status, resource, reason, account, dims in rows])
    con.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "crafted.duckdb"
    build_database(path)
    return path


@pytest.fixture(scope="module")
def outputs(database, tmp_path_factory) -> dict[str, Path]:
    """Run 1 written in every format."""
    folder = tmp_path_factory.mktemp("outputs")
    con = dbmod.connect(database, read_only=True)
    written = {fmt: write_report(con, folder / f"run1.{ext}", run_id=1)
               for fmt, ext in (("xlsx", "xlsx"), ("findings-csv", "findings.csv"), ("iamsql-json", "iamsql.json"), ("ocsf", "ocsf.json"),
                                ("md", "md"))}
    con.close()
    return written


@pytest.fixture(scope="module")
def workbook(outputs):
    return load_workbook(outputs["xlsx"])


def table(ws) -> list[tuple]:
    """The sheet's main table: the rows from row 2 down to the first empty row."""
    rows = []
    for values in ws.iter_rows(min_row=2, values_only=True):
        if all(v is None for v in values):
            break
        rows.append(values)
    return rows


def expected_outcome(cid: str, account: str) -> str:
    """A control's outcome in one account, by the documented rules, computed here from the crafted rows."""
    statuses = {row[0] for row in CRAFTED.get(cid, []) if row[3] == account}
    if statuses & {"alarm", "error"}:
        return "failed"
    return "passed" if "ok" in statuses else "not_assessed"  # skip and info are not assessed


def expected_control(cid: str) -> str:
    """Over both accounts: failed anywhere -> failed; nowhere assessed -> not_assessed; passed everywhere ->
    passed; otherwise partial."""
    per_account = {expected_outcome(cid, account) for account in (ACCOUNT_A, ACCOUNT_B)}
    if "failed" in per_account:
        return "failed"
    if per_account == {"not_assessed"}:
        return "not_assessed"
    return "passed" if per_account == {"passed"} else "partial"


def expected_status(controls: tuple[str, ...]) -> str:
    if not controls:
        return "manual"
    outcomes = {expected_control(cid) for cid in controls}
    if "failed" in outcomes:
        return "failed"
    if outcomes == {"not_assessed"}:
        return "not_assessed"
    return "partial" if outcomes & {"not_assessed", "partial"} else "passed"


def expected_figures(statuses: list[str], informative: bool) -> tuple:
    assessed = sum(statuses.count(s) for s in ("passed", "failed", "partial", "excepted", "attested"))
    compliant = sum(statuses.count(s) for s in ("passed", "excepted", "attested"))
    return (None if informative or not assessed else round(100 * compliant / assessed, 1),
            round(100 * assessed / len(statuses), 1))


# ------------------------------------------------------------------------------------------ the workbook


def test_crafted_controls_exist_in_the_pack():
    assert set(CRAFTED) <= {c.id for c in load_controls()}


def test_sheets_in_order(workbook):
    names = workbook.sheetnames
    frameworks = list(load_frameworks())
    assert names[: 1 + len(frameworks)] == ["Summary", *frameworks]
    assert names.index("Findings") < names.index("Controls") < names.index("Evidence") == len(names) - 1


def test_findings_sheet(workbook):
    ws = workbook["Findings"]
    headers = [c.value for c in ws[1]]
    assert headers[: len(FINDING_COLUMNS)] == [c.header for c in FINDING_COLUMNS]  # later columns: history
    rows = table(ws)
    assert len(rows) == len(crafted_rows())
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(headers)).column_letter}{len(rows) + 1}"
    rules = {rule.formula[0] for cf in ws.conditional_formatting for rule in cf.rules}
    assert {'"alarm"', '"ok"', '"error"', '"skip"', '"info"'} <= rules
    header = [c.header for c in FINDING_COLUMNS]
    by_id = {row[0]: dict(zip(header, row)) for row in rows}
    alice = by_id[finding_id("iam_user_console_mfa", ACCOUNT_A, "global", HYPERLINK)]
    assert alice["Status"] == "alarm" and alice["Account"] == ACCOUNT_A and alice["Region"] == "global"
    assert "owasp-nhi-2025:" in alice["Requirements"] and alice["Remediation"]
    assert alice["Data as of (UTC)"] == datetime(2025, 3, 1)  # a typed date, naive UTC
    # Deterministic order: control id, then status (error, alarm, skip, info, ok), then account, resource.
    order = ["error", "alarm", "skip", "info", "ok"]
    keys = [(r[3], order.index(r[1]), r[7], r[5]) for r in rows]
    assert keys == sorted(keys)


def test_formula_like_text_stays_text(workbook, outputs):
    ws = workbook["Findings"]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    for text in (HYPERLINK, "@SUM(1)", "+1+2 is not a formula", "-2+3 went wrong", "\tstarts with a tab"):
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text
    assert "user_agent=" + HYPERLINK in cells
    with zipfile.ZipFile(outputs["xlsx"]) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)


def test_illegal_characters_and_long_text(workbook, outputs):
    reasons = [row[6] for row in table(workbook["Findings"])]
    assert "bell\\x07 and escape\\x1b inside" in reasons
    long = next(r for r in reasons if r.startswith("long long"))
    assert len(long) == EXCEL_CELL_LIMIT and long.endswith("the JSON report has the full text]")
    findings = json.loads(outputs["iamsql-json"].read_text(encoding="utf-8"))["findings"]
    assert LONG_REASON in [f["reason"] for f in findings]
    assert "bell\x07 and escape\x1b inside" in [f["reason"] for f in findings]


def test_every_requirement_of_every_framework(workbook):
    for framework in load_frameworks().values():
        rows = table(workbook[framework.id])
        assert [r[0] for r in rows] == [r.id for r in framework.requirements], framework.id
        for requirement, row in zip(framework.requirements, rows):
            assert row[3] == expected_status(requirement.controls), (framework.id, requirement.id)
            for cid in requirement.controls:
                assert cid in row[4]
                assert f"{cid}: {requirement.justification(cid)}" in row[5]  # why each control is evidence
            if not requirement.controls:
                assert row[4] == "manual" and row[5] is None
            counts = [sum(1 for cid in requirement.controls for r in CRAFTED.get(cid, []) if r[0] == s)
                      for s in ("ok", "alarm", "info", "skip", "error")]
            assert list(row[6:11]) == counts
        facts = {row[0]: row[1] for row in workbook[framework.id].iter_rows(values_only=True) if row[0]}
        compliant, coverage = expected_figures([expected_status(r.controls) for r in framework.requirements],
                                               framework.informative)
        assert facts["% compliant"] == ("n/a (informative)" if framework.informative
                                        else "n/a" if compliant is None else pytest.approx(compliant / 100))
        assert facts["% coverage"] == pytest.approx(coverage / 100)
        assert facts["Formula"].startswith("compliant % = (passed + excepted + attested) / assessed")


def test_summary(workbook):
    ws = workbook["Summary"]
    values = [v for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    assert "iamsql compliance report: check run 1" in values
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if row[0] is not None}
    for framework in load_frameworks().values():
        statuses = [expected_status(r.controls) for r in framework.requirements]
        row = rows[framework.id]
        assert row[3:12] == (len(statuses), *(statuses.count(s) for s in ("passed", "failed", "partial", "excepted",
                                                                          "not_assessed", "manual", "attested")),
                             len(statuses) - statuses.count("manual") - statuses.count("not_assessed"))
        compliant, coverage = expected_figures(statuses, framework.informative)
        assert row[12] == ("n/a (informative)" if framework.informative
                           else "n/a" if compliant is None else pytest.approx(compliant / 100))
        assert row[13] == pytest.approx(coverage / 100)
    assert any(row[:2] == ("Account", "Framework") for row in ws.iter_rows(values_only=True))  # per account
    per_account = [row for row in ws.iter_rows(values_only=True) if row[0] in (ACCOUNT_A, ACCOUNT_B) and
                   row[1] in load_frameworks()]
    assert len(per_account) == 2 * len(load_frameworks())
    assert rows["Run by"][1] == "auditor" and rows["Run finished (UTC)"][1] == datetime(2025, 3, 4, 5, 6, 9)
    assert rows["Control pack SHA-256"][1] == control_pack_hash()
    assert rows["Collection gaps and errors"][1] == 2
    # Data times per account: credential report generation time, CloudTrail event window.
    assert rows[ACCOUNT_A][3] == datetime(2025, 3, 1)
    assert rows[ACCOUNT_B][3] == "no credential report loaded"  # not a blank an auditor reads as "unknown"
    assert rows[ACCOUNT_B][4:7] == (datetime(2025, 2, 1, 10), datetime(2025, 2, 5, 10), 3)
    [chart] = ws._charts
    assert chart.tagname == "barChart" and chart.grouping == "stacked" and len(chart.series) == 7  # one per requirement status


def test_controls_and_evidence(workbook):
    controls = {row[0]: row for row in table(workbook["Controls"])}
    assert set(controls) == set(CRAFTED)
    pack = {c.id: c for c in load_controls()}
    for cid, row in controls.items():
        assert row[1:5] == (pack[cid].title, pack[cid].description, pack[cid].severity, pack[cid].resource_type)
        assert row[-1] == pack[cid].sql and row[-2] == pack[cid].remediation
    assert controls["iam_access_key_rotated"][5] == "max_age_days = 45"
    evidence = table(workbook["Evidence"])
    assert [(r[1], r[6], r[7], r[8], r[9]) for r in evidence] == [
        (ACCOUNT_A, "source", SOURCES[0]["format"], SOURCES[0]["name"], SOURCES[0]["sha256"]),
        (ACCOUNT_B, "gap", "iam:GetCredentialReport", "us-east-1", None),
        # a gap of a global API: "global", as findings name its region (it showed the row's own account id)
        (ACCOUNT_B, "gap", "iam:list-access-keys", "global", None),
    ]
    assert evidence[1][5] is True and evidence[1][11] == "AccessDenied"


def test_a_database_error_while_writing_is_one_report_error(database, tmp_path, monkeypatch):
    """DuckDB failing halfway through the findings: a ReportError, no file, no half-written sheets left over."""
    import iamsql.report as report_package
    from iamsql.errors import ReportError
    from iamsql.report.model import FindingJoin, build_report

    def broken(con, **options):
        report = build_report(con, **options)
        report.finding_joins.append(FindingJoin("select finding_id, no_such_column from iamsql_result"))
        return report

    monkeypatch.setattr(report_package, "build_report", broken)
    con = dbmod.connect(database, read_only=True)
    with pytest.raises(ReportError, match="^cannot read the check run from the database: Binder Error"):
        report_package.write_report(con, tmp_path / "broken.xlsx", run_id=1)
    con.close()
    assert list(tmp_path.iterdir()) == []


def test_same_run_same_bytes(database, outputs, tmp_path):
    con = dbmod.connect(database, read_only=True)
    again = write_report(con, tmp_path / "again.xlsx", run_id=1)
    con.close()
    assert again.read_bytes() == outputs["xlsx"].read_bytes()
    with zipfile.ZipFile(again) as archive:
        # zip times have two-second resolution
        assert {info.date_time for info in archive.infolist()} == {(2025, 3, 4, 5, 6, 8)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2025-03-04T05:06:09Z") == 2  # created and modified


# ------------------------------------------------------------------------------------------ other formats


def test_csv(outputs):
    with outputs["findings-csv"].open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[: len(FINDING_COLUMNS)] == [c.key for c in FINDING_COLUMNS]
    assert len(rows) == len(crafted_rows())
    resources = {r["resource"] for r in rows}
    reasons = {r["reason"] for r in rows}
    assert "'" + HYPERLINK in resources and "arn:aws:iam::222222222222:user/zoë" in resources
    assert {"'@SUM(1)", "'+1+2 is not a formula", "'-2+3 went wrong", "'\tstarts with a tab", LONG_REASON} <= reasons
    zoe = next(r for r in rows if r["resource"].endswith("zoë"))
    assert json.loads(zoe["dimensions"]) == {"user_agent": HYPERLINK}
    assert zoe["evaluated_at"] == "2025-02-05T10:00:00+00:00"


def test_json(outputs):
    data = json.loads(outputs["iamsql-json"].read_text(encoding="utf-8"))
    assert data["format"] == "iamsql-report" and data["run"]["run_id"] == 1
    assert data["finding_count"] == len(data["findings"]) == len(crafted_rows())
    assert {f["resource"] for f in data["findings"]} >= {HYPERLINK}
    assert [f["id"] for f in data["frameworks"]] == list(load_frameworks())
    for section in data["frameworks"]:
        framework = load_frameworks()[section["id"]]
        assert len(section["requirements"]) == len(framework.requirements)
        statuses = [r["status"] for r in section["requirements"]]
        assert statuses == [expected_status(r.controls) for r in framework.requirements]
        assert (section["compliant_pct"], section["coverage_pct"]) == expected_figures(statuses, framework.informative)
        assert section["formula"].startswith("compliant % =")
        for requirement, item in zip(framework.requirements, section["requirements"]):
            assert item["id"] == requirement.id
            assert [c["id"] for c in item["controls"]] == list(requirement.controls)
            for c in item["controls"]:
                assert c["outcome"] == expected_control(c["id"]) and c["why"] == requirement.justification(c["id"])
                assert {s: c[s] for s in ("ok", "alarm", "info", "skip", "error")} == {
                    s: sum(1 for r in CRAFTED.get(c["id"], []) if r[0] == s) for s in ("ok", "alarm", "info", "skip", "error")}
        assert [a["account_id"] for a in section["accounts"]] == [ACCOUNT_A, ACCOUNT_B]
        for account in section["accounts"]:
            statuses = []
            for r in framework.requirements:
                outcomes = {expected_outcome(c, account["account_id"]) for c in r.controls}
                statuses.append("manual" if not r.controls else "failed" if "failed" in outcomes
                                else "not_assessed" if outcomes == {"not_assessed"}
                                else "partial" if "not_assessed" in outcomes else "passed")
            assert (account["compliant_pct"], account["coverage_pct"]) == expected_figures(statuses, framework.informative)
            assert account["passed"] == statuses.count("passed") and account["partial"] == statuses.count("partial")
    assert data["status_counts"] == {"ok": 2, "alarm": 2, "info": 1, "skip": 1, "error": 1}


def test_ocsf(outputs):
    """A JSON array of Compliance Findings; statuses and severity as Prowler maps them; the resource is the row's."""
    events = json.loads(outputs["ocsf"].read_text(encoding="utf-8"))
    assert isinstance(events, list) and len(events) == len(crafted_rows())
    status_code = {"ok": "PASS", "alarm": "FAIL", "error": "MANUAL", "skip": "MANUAL", "info": "MANUAL"}
    compliance_status = {"ok": 1, "alarm": 3, "error": 2, "skip": 2, "info": 99}
    rows = {(cid, resource): (status, reason, account) for cid, status, resource, reason, account, _ in crafted_rows()}
    for event in events:
        assert (event["class_uid"], event["category_uid"], event["activity_id"], event["type_uid"]) == (2003, 2, 1, 200301)
        assert event["severity_id"] == 3 and event["severity"] == "Medium"
        assert event["status_id"] == 1 and event["status"] == "New"
        assert event["time"] == int(FINISHED.timestamp() * 1000)
        assert event["metadata"]["version"] == "1.5.0" and event["metadata"]["event_code"] == event["compliance"]["control"]
        assert event["metadata"]["product"] == {"uid": "iamsql", "name": "iamsql", "vendor_name": "iamsql",
                                                "version": "0.1.0"}
        compliance = event["compliance"]
        resource = event["resources"][0]
        status, reason, account = rows[(compliance["control"], resource["uid"])]
        assert event["unmapped"]["iamsql_status"] == status
        assert event["status_code"] == status_code[status] and compliance["status_id"] == compliance_status[status]
        assert event["status_detail"] == reason == event["message"]
        assert compliance["requirements"] == requirements_for_control(compliance["control"])
        assert compliance["standards"] == list(dict.fromkeys(r.split(":")[0] for r in compliance["requirements"]))
        assert resource["region"] == "global" and event["cloud"]["account"]["uid"] == account
        assert event["finding_info"]["uid"] and event["finding_info"]["title"]
    types = {e["resources"][0]["uid"]: e["resources"][0].get("type") for e in events}
    assert types["arn:aws:iam::111111111111:user/bob"] == "AWS::IAM::User"
    assert types["arn:aws:::111111111111"] == "AWS::::Account"
    assert types[HYPERLINK] == "AWS::IAM::User"  # not an ARN: the control's resource_type
    assert LONG_REASON in {e["message"] for e in events}


def test_markdown(outputs):
    text = outputs["md"].read_text(encoding="utf-8")
    assert text.startswith("# iamsql compliance report: check run 1\n")
    for framework in load_frameworks().values():
        assert f"(`{framework.id}`)" in text
        for requirement in framework.requirements:
            if expected_status(requirement.controls) == "failed":
                assert f"| {framework.id}:{requirement.id} |" in text
    assert "`iam_user_console_mfa`" in text and "`iam_root_mfa_enabled`" not in text  # only alarms or errors


# ------------------------------------------------------------------------------------------ selection


def test_latest_run_and_framework_filter(database, tmp_path):
    con = dbmod.connect(database, read_only=True)
    latest = write_report(con, tmp_path / "latest.iamsql.json")
    owasp = write_report(con, tmp_path / "owasp.xlsx", run_id=1, frameworks=["owasp-nhi-2025"])
    con.close()
    data = json.loads(latest.read_text(encoding="utf-8"))
    assert data["run"]["run_id"] == 2 and len(data["findings"]) == 1
    wb = load_workbook(owasp)
    assert wb.sheetnames[:3] == ["Summary", "owasp-nhi-2025", "Findings"] and wb.sheetnames[-1] == "Evidence"
    owasp_controls = {c for r in load_frameworks()["owasp-nhi-2025"].requirements for c in r.controls}
    findings = table(wb["Findings"])
    assert findings and {row[3] for row in findings} <= owasp_controls
    assert all(set(row[9].split("\n")) and all(r.startswith("owasp-nhi-2025:") for r in row[9].split("\n"))
               for row in findings)


@pytest.fixture
def iamsql(capsys, monkeypatch):
    """Run the command line in this process: ``iamsql(*args) -> (exit code, stdout, stderr)``."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["iamsql", *args])
        with pytest.raises(SystemExit) as exit_:
            main()
        out, err = capsys.readouterr()
        return exit_.value.code, out, err

    return run


@pytest.mark.parametrize("args, message", [
    (["--run", "7"], "no check run with id 7; runs: 1, 2 ('iamsql evidence list' shows them)"),
    (["--framework", "PR.AC-4"], "unknown framework 'PR.AC-4'"),
    (["--format", "pdf"], "unknown report format 'pdf'"),
])
def test_cli_errors_are_one_line(iamsql, database, tmp_path, args, message):
    code, _, err = iamsql("report", "--db", str(database), "--out", str(tmp_path / "r.xlsx"), *args)
    assert code == 2
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_cli_errors_for_files_and_runs(iamsql, database, tmp_path):
    code, _, err = iamsql("report", "--db", str(database), "--out", str(tmp_path / "r.txt"))
    assert code == 2 and "cannot tell the format from 'r.txt'" in err
    code, _, err = iamsql("report", "--db", str(database), "--out", str(tmp_path / "missing" / "r.xlsx"))
    assert code == 2 and "does not exist" in err
    empty = tmp_path / "empty.duckdb"
    dbmod.connect(empty).close()
    code, _, err = iamsql("report", "--db", str(empty), "--out", str(tmp_path / "r.xlsx"))
    assert code == 2 and "no check run yet: run 'iamsql check' first" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.duckdb"]


def test_cli_prints_the_path(iamsql, database, tmp_path):
    out = tmp_path / "r.md"
    code, stdout, _ = iamsql("report", "--db", str(database), "--out", str(out), "--run", "1")
    assert code == 0 and stdout.strip() == str(out) and out.read_text(encoding="utf-8")


def test_summary_says_a_csv_credential_report_has_no_generation_time(iamsql, tmp_path):
    """A credential report saved as CSV (the API's Content) holds no generation time: the Summary says so instead
    of a blank cell, which reads the same as no report at all."""
    db = str(tmp_path / "csv.duckdb")
    csv_report = Path(__file__).parent / "data" / "real_shapes" / "credential-report.csv"
    assert iamsql("load", "--db", db, str(csv_report))[0] == 0
    assert iamsql("check", "--db", db, "--control", "iam_root_mfa_enabled", "--quiet", "--fail-on", "none")[0] == 0
    assert iamsql("report", "--db", db, "--out", str(tmp_path / "r.xlsx"), "--quiet")[0] == 0
    ws = load_workbook(tmp_path / "r.xlsx")["Summary"]
    header = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Account" and row[1] != "Framework")
    [account] = [row for row in ws.iter_rows(min_row=ws.max_row, values_only=True)]
    assert dict(zip(header, account))["Credential report generated"] == (
        "unknown (a CSV report holds no generation time)")
