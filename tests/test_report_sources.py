"""Reports name their sources relative to what was loaded, with each file's SHA-256, never by the absolute path
of the analyst's machine (workbook, Markdown and JSON)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from openpyxl import load_workbook

from iamsql.controls.engines.duckdb import run_checks
from iamsql.load import load_paths, source_name
from iamsql.report import write_report
from iamsql.store import db as dbmod

SAMPLE = Path(__file__).resolve().parent.parent / "iamsql" / "sample" / "aws_cli_examples"
CONTROLS = ["iam_user_console_mfa", "iam_root_mfa_enabled"]


def test_source_names_start_at_what_was_named(tmp_path):
    folder = tmp_path / "exports"
    assert source_name(folder / "iam" / "users.json", [folder]) == "exports/iam/users.json"
    assert source_name(folder / "users.json", [folder / "users.json"]) == "users.json"
    assert source_name(folder / "a" / "b.json", [folder, folder / "a"]) == "a/b.json"  # the closest named folder
    assert source_name(Path("b.json"), [Path(".")]) == f"{Path.cwd().name}/b.json"


def test_reports_show_no_absolute_path(tmp_path):
    exports = (tmp_path / "analyst home" / "exports").absolute()
    shutil.copytree(SAMPLE, exports)
    database = tmp_path / "audit.duckdb"
    con = dbmod.connect(database)
    load_paths(con, [str(exports)])
    run_checks(con, controls=CONTROLS)
    written = {fmt: write_report(con, tmp_path / f"report.{fmt}") for fmt in ("xlsx", "md", "iamsql.json")}
    stored = json.loads(con.execute("select sources from iamsql_snapshot").fetchone()[0])
    con.close()
    assert any(s["path"] and s["path"].startswith(str(exports)) for s in stored)  # the database keeps what it opened

    expected = {f"exports/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
                for p in exports.iterdir() if p.suffix == ".json"}
    workbook = load_workbook(written["xlsx"])
    cells = [str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row
             if c is not None]
    assert not [c for c in cells if str(tmp_path) in c or c.startswith("/")]
    evidence = workbook["Evidence"]
    header = [c.value for c in evidence[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in evidence.iter_rows(min_row=2)]
    named = {r["File, region or resource"]: r["SHA-256"] for r in rows if r["Entry"] == "source"}
    assert named and named.items() <= expected.items()
    assert all(r["As of found from"].count("exports/") <= 1 for r in rows if r["Entry"] == "as-of")

    markdown = written["md"].read_text(encoding="utf-8")
    report = json.loads(written["iamsql.json"].read_text(encoding="utf-8"))
    for text in (markdown, json.dumps(report)):
        assert str(tmp_path) not in text and "analyst home" not in text
    assert all(f"`{digest}`" in markdown for digest in named.values()) and all(name in markdown for name in named)
    assert {e["where"]: e["sha256"] for e in report["evidence"] if e["entry"] == "source"} == named
