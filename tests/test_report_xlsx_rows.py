"""The workbook's streamed rows (``xlsx.RowStream``): the same bytes as openpyxl writes for the same values
through ``Sheet.append``, for every kind of value a finding can hold, and a file LibreOffice reads."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

import iamsql
from iamsql import controls
from iamsql.load import load_paths
from iamsql.report import build_report, xlsx
from iamsql.report.text import EXCEL_CELL_LIMIT
from iamsql.store import db

WHEN = datetime(2025, 6, 1, 12, 0, 0)
HEADERS = ["Text", "Number", "Time", "Day", "List", "Other"]
ROWS = [
    ["plain", 5, datetime(2025, 6, 1, 8, 30, tzinfo=timezone.utc), date(2026, 1, 1), ["a", "b"], True],
    ["", -3, datetime(2025, 6, 1, 8, 30, 1, 250_000), date(1900, 2, 1), ("=x", "y"), False],
    ["  ", 2.5, datetime(2025, 6, 1, 10, 30, tzinfo=timezone(timedelta(hours=2))), None, [], Decimal("1.5")],
    [" leading and trailing ", float("nan"), None, None, None, {"k": "v"}],
    ["a & <b> \"q\" 'x' ]]>", float("inf"), None, None, None, None],
    ['=HYPERLINK("http://x","y")', 10**17 + 1, None, None, None, None],
    ["+1+2", None, None, None, None, "@SUM(1)"],
    ["-2+3", None, None, None, None, "\tTAB"],
    ["\rCR", None, None, None, None, "#N/A"],
    ["#REF!", None, None, None, None, "control\x01character"],
    ["x" * 40_000, None, None, None, None, "line\nbreak\r\nand CR"],
    [None, None, None, None, None, "only the last"],
    ["ünïcödé ✓ 𝄞", 0, None, None, None, 0.1],
    # Equal values of different types, and values seen before (each distinct value's cell is made once).
    [1, True, -0.0, 0.0, 1.0, datetime(2026, 1, 1)],
    [True, 1, 0.0, -0.0, 1, date(2026, 1, 1)],
    ["plain", 5, datetime(2025, 6, 1, 10, 30, tzinfo=timezone(timedelta(hours=2))), date(2026, 1, 1), "a\nb", "=x"],
]


def styled_row(sheet: xlsx.Sheet) -> list:
    """Cells ``Sheet.cell`` styles: fonts, number formats and alignment on text, numbers, times and nothing."""
    bold = Font(bold=True)
    return [
        sheet.cell("note", font=Font(italic=True)),
        sheet.cell(0.25, number_format="0.0%"),
        sheet.cell(datetime(2025, 1, 2, 3, 4, 5), font=bold),
        sheet.cell(None, font=bold),
        sheet.cell("", align=xlsx.LEFT),
        sheet.cell("=1+1", font=bold),
    ]


def workbook_bytes(path: Path, streamed: bool | str) -> bytes:
    """A one-sheet workbook of ``ROWS`` under a frozen, filtered header, each row streamed or appended through
    the ``Sheet``, or all rows streamed at once (``streamed="extended"``)."""
    wb = xlsx.ReportWorkbook()
    wb.properties.created = wb.properties.modified = WHEN
    sheet = xlsx.Sheet(wb.create_sheet("Findings"))
    sheet.table_header(HEADERS)
    if streamed == "extended":
        xlsx.RowStream(sheet, wb).extend([*ROWS, styled_row(sheet), [True, 7]])
    elif streamed:
        rows = xlsx.RowStream(sheet, wb)
        for row in [*ROWS, styled_row(sheet), [True, 7]]:
            rows.append(row)
    else:
        for row in [*ROWS, styled_row(sheet), [True, 7]]:
            sheet.append(row)
    sheet.autofilter(len(HEADERS))
    sheet.colour_statuses(1, 2, sheet.row)
    try:
        with xlsx._PinnedTimeZip(path, WHEN, wb.streamed_rows) as archive:
            ExcelWriter(wb, archive).write_data()
    finally:
        wb.close_streams()
    return path.read_bytes()


def test_streamed_rows_are_what_openpyxl_writes(tmp_path):
    assert workbook_bytes(tmp_path / "streamed.xlsx", True) == workbook_bytes(tmp_path / "appended.xlsx", False)


def test_rows_streamed_at_once_are_what_openpyxl_writes(tmp_path, monkeypatch):
    """``RowStream.extend``, its rows written to the file a few at a time."""
    monkeypatch.setattr(xlsx, "CHUNK_ROWS", 4)
    expected = workbook_bytes(tmp_path / "appended.xlsx", False)
    assert workbook_bytes(tmp_path / "extended.xlsx", "extended") == expected


def test_streamed_rows_read_back(tmp_path):
    path = tmp_path / "streamed.xlsx"
    workbook_bytes(path, True)
    ws = load_workbook(path)["Findings"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == tuple(HEADERS) and len(rows) == len(ROWS) + 3
    assert rows[-2][:3] == ("note", 0.25, datetime(2025, 1, 2, 3, 4, 5)) and ws.cell(len(ROWS) + 2, 1).font.i
    assert rows[1][:5] == ("plain", 5, datetime(2025, 6, 1, 8, 30), datetime(2026, 1, 1), "a\nb")
    assert rows[3][2] == datetime(2025, 6, 1, 8, 30)  # +02:00 shown in UTC
    assert rows[6][0] == '=HYPERLINK("http://x","y")' and ws["A7"].quotePrefix and ws["A7"].data_type == "s"
    assert rows[10][5] == "control\\x01character"
    assert len(rows[11][0]) == EXCEL_CELL_LIMIT
    assert ws["C2"].number_format == xlsx.DATE_FORMAT and ws["D2"].number_format == xlsx.DAY_FORMAT
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:F{len(ROWS) + 3}"
    # Excel shows the line breaks of a cell only when it wraps: a list's items (and any text of several lines)
    # would run together ("ab"); text of one line is left as it is
    assert ws["E2"].alignment.wrap_text and ws["F12"].alignment.wrap_text and ws["E17"].alignment.wrap_text
    assert ws["E2"].alignment.vertical == "top"
    assert not ws["A2"].alignment.wrap_text and not ws["A12"].alignment.wrap_text


def test_libreoffice_reads_streamed_rows(tmp_path, libreoffice_convert):
    path = tmp_path / "streamed.xlsx"
    workbook_bytes(path, True)
    out = libreoffice_convert(path, "csv")
    text = next(out.glob("*.csv")).read_text(encoding="utf-8")
    assert 'a & <b> ""q"" \'x\' ]]>' in text and '=HYPERLINK(""http://x"",""y"")' in text and "ünïcödé ✓ 𝄞" in text


class AppendedRows:
    """``RowStream``'s interface over ``Sheet.append``: what openpyxl writes for the same rows."""

    def __init__(self, sheet: xlsx.Sheet, workbook: xlsx.ReportWorkbook):
        self.sheet = sheet

    def append(self, values) -> None:
        self.sheet.append(values)

    def extend(self, rows) -> None:
        for values in rows:
            self.sheet.append(values)


def test_workbook_of_a_run_is_what_appending_every_row_writes(tmp_path, monkeypatch):
    """Every sheet whose rows are streamed (findings, framework sheets with their figures, controls, NHI
    inventory) gives the bytes openpyxl writes when each row goes through ``Sheet.append``."""
    con = db.connect(tmp_path / "run.duckdb")
    load_paths(con, [Path(__file__).parent / "data" / "cloudsplaining" / "example.json"])
    controls.run_checks(con)
    report = build_report(con)
    xlsx.write_xlsx(report, tmp_path / "streamed.xlsx")
    monkeypatch.setattr(xlsx, "RowStream", AppendedRows)
    xlsx.write_xlsx(report, tmp_path / "appended.xlsx")
    con.close()
    book = load_workbook(tmp_path / "streamed.xlsx")
    assert {"Findings", "Controls", "NHI inventory"} < set(book.sheetnames) and len(book.sheetnames) > 6
    assert book["NHI inventory"].max_row > 10
    findings = book["Findings"]
    column = [c.value for c in findings[1]].index("Requirements") + 1
    several = [findings.cell(row, column) for row in range(2, findings.max_row + 1)
               if "\n" in (findings.cell(row, column).value or "")]
    assert several and all(cell.alignment.wrap_text for cell in several)  # each requirement on its own line
    assert (tmp_path / "streamed.xlsx").read_bytes() == (tmp_path / "appended.xlsx").read_bytes()


def test_workbook_writer_imports_no_network_modules(tmp_path):
    """Writing a workbook needs no URL, HTTP or TLS module: a fresh process importing the writer has none of them
    (``xml.sax.saxutils`` would bring ``urllib.request``, ``http.client`` and ``ssl``, ~7 ms of each run)."""
    found = subprocess.run(
        [sys.executable, "-c", "import sys, iamsql.report.xlsx; "
         "print(sorted({'urllib.request', 'http.client', 'ssl', 'xml.sax.saxutils'} & set(sys.modules)))"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(iamsql.__file__).parent.parent)},  # the iamsql under test
    ).stdout.strip()
    assert found == "[]"
