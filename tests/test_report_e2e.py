"""Reports end to end and through a real spreadsheet engine: ``iamsql load --sample`` -> ``iamsql check`` ->
``iamsql report`` as separate processes, and LibreOffice opening the workbooks (a file that LibreOffice or
Excel would have to "repair" fails to convert or loses content)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from iamsql.frameworks import load_frameworks
from iamsql.report import write_report
from iamsql.store import db as dbmod
from tests.test_report import HYPERLINK, build_database, crafted_rows


def iamsql(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The bundled sample loaded and checked with every control, then reported as xlsx and csv."""
    folder = tmp_path_factory.mktemp("e2e")
    database = folder / "sample.duckdb"
    for args in (["load", "--sample", "-q"], ["check", "--fail-on", "none", "--format", "csv"]):
        result = iamsql(*args, "--db", str(database))
        assert result.returncode == 0, result.stderr
    paths = []
    for name in ("report.xlsx", "report.findings.csv"):
        result = iamsql("report", "--db", str(database), "--out", str(folder / name))
        assert result.returncode == 0 and result.stdout.strip() == str(folder / name), result.stderr
        paths.append(folder / name)
    return database, *paths


def sheet_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_sample_load_check_report(sample_run):
    database, xlsx, csv_path = sample_run
    con = duckdb.connect(str(database), read_only=True)
    run_id, results = con.execute(
        "select run_id, (select count(*) from iamsql_result r where r.run_id = iamsql_run.run_id) "
        "from iamsql_run order by run_id desc limit 1").fetchone()
    controls = {r[0] for r in con.execute("select distinct control_id from iamsql_result where run_id = ?", [run_id]).fetchall()}
    alarms = con.execute("select count(*) from iamsql_result where run_id = ? and status = 'alarm'", [run_id]).fetchone()[0]
    con.close()
    assert results > 100 and alarms > 0
    wb = load_workbook(xlsx, read_only=True)
    assert wb.sheetnames[0] == "Summary" and {"Findings", "Controls", "Evidence"} <= set(wb.sheetnames)
    findings = list(wb["Findings"].iter_rows(min_row=2, values_only=True))
    assert len(findings) == results
    assert sum(1 for row in findings if row[1] == "alarm") == alarms
    assert {row[0] for row in wb["Controls"].iter_rows(min_row=2, values_only=True) if row} == controls
    for framework in load_frameworks().values():
        ids = [row[0] if row else None for row in wb[framework.id].iter_rows(min_row=2, values_only=True)]
        assert ids[: len(framework.requirements)] == [r.id for r in framework.requirements]
    evidence = [row for row in wb["Evidence"].iter_rows(min_row=2, values_only=True) if row and row[6] == "source"]
    assert evidence and all(len(row[9]) == 64 for row in evidence)  # SHA-256 of every source file
    # how each snapshot's data time was found, per source and per account on the Summary
    as_of = [row for row in wb["Evidence"].iter_rows(min_row=2, values_only=True) if row and row[6] == "as-of"]
    assert as_of and all(row[10] and row[12] for row in as_of)
    summary = list(wb["Summary"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(summary) if row and row[0] == "Account" and row[1] != "Framework")
    accounts = [row for row in summary[header + 1:] if row and row[0]]
    assert summary[header][8] == "Data time found from" and all(row[8] for row in accounts)
    wb.close()
    assert len(sheet_rows(csv_path)) == results + 1


def test_libreoffice_opens_the_sample_workbook(sample_run, libreoffice_convert):
    _, xlsx, _ = sample_run
    out = libreoffice_convert(xlsx, "pdf")
    pdf = out / "report.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 10_000


def test_libreoffice_shows_injected_text_literally(tmp_path, libreoffice_convert):
    database = tmp_path / "crafted.duckdb"
    build_database(database)
    con = dbmod.connect(database, read_only=True)
    xlsx = write_report(con, tmp_path / "crafted.xlsx", run_id=1)
    con.close()
    out = libreoffice_convert(xlsx, "csv")
    findings = sheet_rows(out / "crafted-Findings.csv")
    assert len(findings) == len(crafted_rows()) + 1
    cells = {cell for row in findings for cell in row}
    # Evaluated, these would read "y", "1", "3" and "1"; LibreOffice must show the text as written.
    for text in (HYPERLINK, "@SUM(1)", "+1+2 is not a formula", "-2+3 went wrong", "user_agent=" + HYPERLINK):
        assert text in cells, text
    shown = {row[5] for row in findings[1:]} | {row[6] for row in findings[1:]}  # resource, reason
    assert not {"y", "1", "3"} & shown
    summary = {row[0]: row for row in sheet_rows(out / "crafted-Summary.csv") if row}
    for framework in load_frameworks().values():
        assert summary[framework.id][3] == str(len(framework.requirements))
        requirements = [row[0] for row in sheet_rows(out / f"crafted-{framework.id}.csv")[1:]]
        assert requirements[: len(framework.requirements)] == [r.id for r in framework.requirements]
