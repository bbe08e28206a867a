"""The Excel workbook: Summary, one sheet per framework, Findings, Controls, Evidence.

Written in openpyxl's write-only mode (rows stream to disk, so 200,000 findings fit in little memory). Text
never becomes a formula: every string is written as an inline string, and formula-like ones also get Excel's
"quote prefix" style so that editing the cell keeps it text. The Findings rows skip openpyxl's per-cell objects:
``RowStream`` writes the XML openpyxl would write for the same values, and the sheet's part gets them spliced
in when the workbook is saved. The file's timestamps (document properties and zip entries) are the run's time,
so the same run gives the same bytes.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.chart import BarChart, Reference
from openpyxl.compat import safe_string
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from iamsql.common.clock import naive_utc
from iamsql.common.escaping import formula_like
from iamsql.controls.catalog import STATUSES
from iamsql.frameworks import FORMULA, REQUIREMENT_STATUSES
from iamsql.history.runs import pack_changed_text, parameters_text, scope_text
from iamsql.report.model import Column, FrameworkSection, Report
from iamsql.report.nhi import INVENTORY_COLUMNS, inventory
from iamsql.report.text import cell_text

DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
DAY_FORMAT = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="1F3864")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
# Status colours as (fill, font) pairs, applied by conditional formatting so that filters and sorting keep them.
STATUS_COLOURS = {
    "ok": ("C6EFCE", "006100"),
    "passed": ("C6EFCE", "006100"),
    "alarm": ("FFC7CE", "9C0006"),
    "failed": ("FFC7CE", "9C0006"),
    "error": ("F4B183", "833C0B"),
    "partial": ("FCE4D6", "833C0B"),
    "info": ("DDEBF7", "1F4E78"),
    "manual": ("FFEB9C", "9C5700"),
    "skip": ("EDEDED", "595959"),
    "not_assessed": ("EDEDED", "595959"),
    "attested": ("E2EFDA", "375623"),
    "excepted": ("E2EFDA", "375623"),
}
STATUS_HEADERS = {
    "passed": "Passed",
    "failed": "Failed",
    "partial": "Partial",
    "excepted": "Excepted",
    "not_assessed": "Not assessed",
    "manual": "Manual",
    "attested": "Attested",
}
INFORMATIVE = "n/a (informative)"
LEFT = Alignment(horizontal="left")
# Values whose cell ``RowStream`` makes once per distinct value: equal values of these types give equal cells
# (not so for booleans, equal to 1 and 0, and floats, where 0.0 == -0.0; they are rare in rows anyway).
REPEATED_TYPES = frozenset((str, datetime, date, int))
CHUNK_ROWS = 1_000  # rows ``RowStream`` writes to its file at once
RESERVED_SHEETS = ("Summary", "Findings", "Changes", "Exceptions", "Controls", "NHI inventory", "Evidence")


class Sheet:
    """A write-only worksheet with a row counter and helpers that make every value a safe, typed cell."""

    def __init__(self, ws: WriteOnlyWorksheet):
        self.ws = ws
        self.row = 0
        # Printing and PDF export: landscape, all columns on one page width.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True

    def widths(self, widths: Iterable[int]) -> None:
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def append(
        self, values: Iterable[Any], *, font: Font | None = None, fill: PatternFill | None = None, wrap: bool = False
    ) -> int:
        self.ws.append([self.cell(v, font=font, fill=fill, wrap=wrap) for v in values])
        self.row += 1
        return self.row

    def header(self, headers: Iterable[str]) -> int:
        return self.append(headers, font=HEADER_FONT, fill=HEADER_FILL)

    def cell(
        self,
        value: Any,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        wrap: bool = False,
        number_format: str | None = None,
        align: Alignment | None = None,
    ):
        """A value as a cell: text made safe (never a formula), datetimes naive UTC, days (expiry dates) as
        typed dates, and text of several lines (a list's items) wrapped: Excel shows a line break only in a
        wrapped cell, and ran the lines together."""
        if isinstance(value, Cell):
            return value
        if isinstance(value, datetime):
            value = naive_utc(value)
        elif isinstance(value, date):
            number_format = number_format or DAY_FORMAT
        elif isinstance(value, (list, tuple)):
            value = "\n".join(map(str, value))
        elif value is not None and not isinstance(value, (bool, int, float)):
            value = cell_text(str(value))
        wrap = wrap or (isinstance(value, str) and "\n" in value)
        styled = font or fill or wrap or number_format or align or isinstance(value, datetime)
        risky = isinstance(value, str) and formula_like(value)
        if not (styled or risky):
            return value
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl would otherwise make "=..." a formula
            cell.quotePrefix = risky
        if isinstance(value, datetime) or number_format:
            cell.number_format = number_format or DATE_FORMAT
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if wrap or align:
            cell.alignment = align or Alignment(wrap_text=True, vertical="top")
        return cell

    def colour_statuses(self, column: int, first_row: int, last_row: int) -> None:
        if last_row < first_row:
            return
        letter = get_column_letter(column)
        for status, (fill, font) in STATUS_COLOURS.items():
            self.ws.conditional_formatting.add(
                f"{letter}{first_row}:{letter}{last_row}",
                CellIsRule(
                    operator="equal",
                    formula=[f'"{status}"'],
                    fill=PatternFill("solid", bgColor=fill),
                    font=Font(color=font),
                ),
            )

    def table_header(self, headers: list[str]) -> int:
        """A header row that is frozen and filterable (the sheet's main table starts at row 1)."""
        self.ws.freeze_panes = "A2"
        return self.header(headers)

    def autofilter(self, columns: int) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(self.row, 1)}"


class ReportWorkbook(Workbook):
    """A write-only workbook that keeps, per worksheet, the data rows a ``RowStream`` wrote for it."""

    def __init__(self):
        super().__init__(write_only=True)
        self.streamed_rows: dict[WriteOnlyWorksheet, IO[str]] = {}

    def close_streams(self) -> None:
        for rows in self.streamed_rows.values():
            rows.close()


class RowStream:
    """A sheet's last rows written as worksheet XML into a temporary file, byte for byte what ``Sheet.append``
    makes openpyxl write for the same values (typed and made safe by ``Sheet.cell``; styled cells too), mostly
    without its per-cell objects; the file is spliced into the sheet's part when the workbook is saved, so the sheet's own
    rows (its header) come first and no row may be appended through the ``Sheet`` after these."""

    def __init__(self, sheet: Sheet, workbook: ReportWorkbook):
        self.sheet = sheet
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        workbook.streamed_rows[sheet.ws] = self.file
        self._epoch = sheet.ws.parent.epoch
        self._cell_starts: list[str] = []  # '<c r="A', '<c r="B'... per column
        self._styles: dict[type, int] = {}
        # Each distinct value's cell is made once: most finding values repeat (status, control, account,
        # remediation, data times...).
        self._repeated = lru_cache(maxsize=16_384)(self._after_ref)

    def append(self, values: Sequence[Any]) -> None:
        self.extend([values])

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        """Append each row of ``rows``, written to the file ``CHUNK_ROWS`` rows at a time."""
        repeated, after_ref, starts = self._repeated, self._after_ref, self._cell_starts
        parts: list[str] = []
        number = self.sheet.row
        for values in rows:
            number += 1
            row = str(number)
            while len(starts) < len(values):
                starts.append(f'<c r="{get_column_letter(len(starts) + 1)}')
            parts += ('<row r="', row, '">')
            for start, value in zip(starts, values):
                if value is not None:
                    parts += (start, row, repeated(value) if type(value) in REPEATED_TYPES else after_ref(value))
            parts.append("</row>")
            if number % CHUNK_ROWS == 0:
                self.file.write("".join(parts))
                parts.clear()
        self.file.write("".join(parts))
        self.sheet.row = number

    def _after_ref(self, value: Any) -> str:
        """A cell's XML after ``<c r="A1``: the reference's closing quote, the style, the type and the value."""
        if type(value) is str and "\n" not in value:  # most cells; text of several lines is a wrapped cell
            quoted, rest = _text_cell(value)
            return f'" s="{self._style(str)}"{rest}' if quoted else f'"{rest}'
        if isinstance(value, datetime):
            return f'" s="{self._style(datetime)}" t="n">{_excel_time(value, self._epoch)}</c>'
        if isinstance(value, date):
            return f'" s="{self._style(date)}" t="n">{_excel_time(value, self._epoch)}</c>'
        if isinstance(value, bool):
            return f'" t="b">{_number(value)}</c>'
        if isinstance(value, (int, float)):
            return f'" t="n">{_number(value)}</c>'
        if not isinstance(value, Cell):
            value = self.sheet.cell(value)  # lists joined, other values as safe text; a styled one is a cell
            if not isinstance(value, Cell):
                return f'"{_text_cell(value)[1]}'
        # A styled cell (a formula-like text, a font, a number format), typed by openpyxl.
        kind, content = value.data_type, value.value
        written = {"s": "inlineStr", "b": "b"}.get(kind, "n")
        if content is None or content == "":
            body = f' t="{written}" />'
        elif kind == "s":
            body = f' t="inlineStr">{_inline_text(content)}</c>'
        else:
            body = f' t="{written}">{_excel_time(content, self._epoch) if kind == "d" else _number(content)}</c>'
        return f'" s="{value.style_id}"{body}'

    def _style(self, kind: type) -> int:
        """openpyxl's style id for a datetime, a date or a formula-like text, registered on first use (as
        openpyxl registers it) and kept, which saves making a cell per value."""
        if kind not in self._styles:
            sample = {datetime: datetime(2000, 1, 1), date: date(2000, 1, 1), str: "="}[kind]
            self._styles[kind] = self.sheet.cell(sample).style_id
        return self._styles[kind]


def _text_cell(value: str) -> tuple[bool, str]:
    """(formula-like, the rest of the cell after its reference) for a text value, made safe as ``Sheet.cell``
    makes it; openpyxl writes a text that names an Excel error (``#N/A``...) as that error."""
    text = cell_text(value)
    if text in ERROR_CODES:
        return False, f' t="e"><v>{text}</v></c>'
    return formula_like(text), f' t="inlineStr">{_inline_text(text)}</c>' if text else ' t="inlineStr" />'


def _inline_text(text: str) -> str:
    """An inline string's ``<is>`` element as openpyxl writes it (``xml:space`` when edges have spaces)."""
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and text != stripped else ""
    return f"<is><t{space}>{_escaped(text)}</t></is>"


def _escaped(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities, as ``xml.sax.saxutils.escape`` writes them (whose module imports
    ``urllib.request`` and ``ssl``, ~7 ms, for nothing the workbook needs)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def _number(value: float) -> str:
    """A number's ``<v>`` element; openpyxl writes NaN and infinities as an empty one."""
    text = safe_string(value)
    return f"<v>{text}</v>" if text else "<v />"


def _excel_time(value: date, epoch: datetime) -> str:
    """A datetime (in UTC if it has a time zone) or a date as the ``<v>`` element of its Excel serial number."""
    return _number(to_excel(naive_utc(value) if isinstance(value, datetime) else value, epoch))


# ------------------------------------------------------------------------------------------------ sheets


def write_summary(wb: Workbook, report: Report) -> None:
    """Frameworks and their chart first (what an auditor looks for), then the run, then each account's data
    times (what the results are "as of")."""
    sheet = Sheet(wb.create_sheet("Summary"))
    sheet.widths([30, 44, 24, 28, 24, 24, 18, 14, 12, 60])
    run = report.run
    sheet.append([f"iamsql compliance report: check run {run['run_id']}"], font=TITLE_FONT)
    sheet.append([])
    sheet.append(["Frameworks"], font=SECTION_FONT)
    header = sheet.header(
        [
            "Framework",
            "Title",
            "Version",
            "Requirements",
            *(STATUS_HEADERS[s] for s in REQUIREMENT_STATUSES),
            "Assessed",
            "% compliant",
            "% coverage",
        ]
    )
    for section in report.frameworks:
        sheet.append(
            [
                section.id,
                section.title,
                section.version,
                section.total,
                *(getattr(section, s) for s in REQUIREMENT_STATUSES),
                section.assessed,
                *figure_cells(sheet, section.compliant_pct, section.coverage_pct, section.informative),
            ]
        )
    last = sheet.row
    sheet.append([sheet.cell(FORMULA, font=Font(italic=True))])
    if report.frameworks:
        rows = _requirements_chart(sheet, header, last)
        for _ in range(rows):
            sheet.append([])
    if any(section.accounts for section in report.frameworks):
        sheet.append([])
        sheet.append(["Frameworks per account (each account's results only)"], font=SECTION_FONT)
        sheet.header(
            [
                "Account",
                "Framework",
                "Requirements",
                *(STATUS_HEADERS[s] for s in REQUIREMENT_STATUSES),
                "Assessed",
                "% compliant",
                "% coverage",
            ]
        )
        for account in sorted({a["account_id"] for section in report.frameworks for a in section.accounts}):
            for section in report.frameworks:
                for a in section.accounts:
                    if a["account_id"] == account:
                        sheet.append(
                            [
                                account,
                                section.id,
                                a["total"],
                                *(a[s] for s in REQUIREMENT_STATUSES),
                                a["assessed"],
                                *figure_cells(sheet, a["compliant_pct"], a["coverage_pct"], section.informative),
                            ]
                        )

    sheet.append([])
    sheet.append(["Check run"], font=SECTION_FONT)
    facts = [
        ("Run status", run["status"]),
        ("Accounts", len(report.accounts)),
        ("Data as of (newest account, UTC)", run["as_of"]),
        ("Run started (UTC)", run["started_at"]),
        ("Run finished (UTC)", run["finished_at"]),
        ("Run by", run["run_by"] or ""),
        ("Tool version (run / report)", f"{run['tool_version']} / {run['report_tool_version']}"),
        ("Control pack SHA-256", run["control_pack_hash"]),
        ("Engine", run["engine"]),
        ("Findings", report.finding_count),
        *((f"  {status}", report.status_counts[status]) for status in STATUSES),
        ("Collection gaps and errors", sum(1 for e in report.evidence if e["entry"] == "gap")),
        *report.summary_facts,
    ]
    if run["control_pack_hash"] != run["current_pack_hash"]:
        facts.append(("Note", "Controls changed since this run: the Controls sheet shows the current text."))
    for label, value in facts:
        sheet.append([sheet.cell(label, font=Font(bold=True)), sheet.cell(value, align=LEFT)])

    sheet.append([])
    sheet.append(["Accounts and data sources"], font=SECTION_FONT)
    sheet.header(
        [
            "Account",
            "Evaluated as of (UTC)",
            "Loaded / collected (UTC)",
            "Credential report generated",
            "CloudTrail events from",
            "CloudTrail events to",
            "CloudTrail events",
            "How",
            "Data time found from",
        ]
    )
    for a in report.accounts:
        sheet.append(
            [
                a["account_id"],
                a["evaluated_at"],
                a["loaded_at"],
                _credential_report_time(a),
                a["trail_events_from"],
                a["trail_events_to"],
                a["trail_events"],
                ", ".join(a["kinds"]),
                a["as_of_source"],
            ]
        )


def _credential_report_time(account: dict):
    """The credential report's generation time, or why there is none: no report loaded, or a report saved as
    CSV (the CSV holds no generation time)."""
    if account["credential_report_generated"] is not None:
        return account["credential_report_generated"]
    if not account["credential_report_rows"]:
        return "no credential report loaded"
    return "unknown (a CSV report holds no generation time)"


def figure_cells(sheet: Sheet, compliant: float | None, coverage: float | None, informative: bool) -> list:
    """The two figures as percentage cells, side by side; an informative framework has no compliant figure."""

    def cell(value):
        return "n/a" if value is None else sheet.cell(value / 100, number_format="0.0%")

    return [INFORMATIVE if informative else cell(compliant), cell(coverage)]


def _requirements_chart(sheet: Sheet, header_row: int, last_row: int) -> int:
    """A stacked bar per framework (one series per requirement status) below the table; returns the number of
    rows it covers, which the caller leaves empty."""
    frameworks = last_row - header_row
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Requirements per framework"
    chart.y_axis.title = "requirements"
    chart.height = 4 + 1.2 * frameworks  # centimetres
    chart.width = 24
    chart.add_data(
        Reference(sheet.ws, min_col=5, max_col=4 + len(REQUIREMENT_STATUSES), min_row=header_row, max_row=last_row),
        titles_from_data=True,
    )
    chart.set_categories(Reference(sheet.ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    colours = {
        "passed": "70AD47",
        "failed": "C00000",
        "partial": "F4B183",
        "excepted": "A9D08E",
        "not_assessed": "A5A5A5",
        "manual": "FFC000",
        "attested": "548235",
    }
    for series, colour in zip(chart.series, (colours[s] for s in REQUIREMENT_STATUSES)):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = colour
    sheet.ws.add_chart(chart, f"A{last_row + 3}")
    return 2 + math.ceil(chart.height / 0.53)  # a default row is 15 points, 0.53 cm


REQUIREMENT_HEADERS = [
    "Requirement",
    "Group",
    "Title",
    "Status",
    "Controls",
    "Why each control is evidence",
    *STATUSES,
    "Note",
]


def write_framework(wb: ReportWorkbook, section: FrameworkSection, name: str) -> None:
    sheet = Sheet(wb.create_sheet(name))
    sheet.widths([22, 34, 60, 13, 52, 70, 7, 7, 7, 7, 7, 40])
    sheet.table_header(REQUIREMENT_HEADERS)
    rows = RowStream(sheet, wb)  # every row below the header, the figures too: nothing is appended after these
    rows.extend(_requirement_row(r) for r in section.requirements)
    sheet.autofilter(len(REQUIREMENT_HEADERS))
    sheet.colour_statuses(4, 2, sheet.row)
    # Figures and catalog facts go below the table (the table must start at row 1 for its frozen, filtered header).
    rows.append([])
    compliant, coverage = figure_cells(sheet, section.compliant_pct, section.coverage_pct, section.informative)
    counts = ", ".join(f"{getattr(section, s)} {s}" for s in REQUIREMENT_STATUSES)
    for label, value in (
        ("% compliant", compliant),
        ("% coverage", coverage),
        ("Requirements", f"{section.total}: {counts}; {section.assessed} assessed"),
        ("Formula", FORMULA),
        ("Framework", f"{section.title} ({section.id})"),
        ("Version", section.version),
        ("Publisher", section.publisher),
        ("Source", section.source),
        ("Status rules", STATUS_RULES),
    ):
        rows.append([sheet.cell(label, font=Font(bold=True)), value])


def _requirement_row(r: dict) -> list:
    """A framework sheet's row for one requirement."""
    controls = [
        f"{c['id']}: {c['outcome']} (" + ", ".join(f"{c[s]} {s}" for s in (*STATUSES, "excepted") if c[s]) + ")"
        for c in r["controls"]
    ]
    why = [f"{c['id']}: {c['why']}" for c in r["controls"]]
    return [r["id"], r["group"], r["title"], r["status"], controls or "manual", why or None,
            *(r[s] for s in STATUSES), r["note"]]


STATUS_RULES = (
    "A control is assessed when it produced an ok, alarm or error row (skip and info are not); its "
    "outcome is failed (error, or an alarm no exception covers), excepted (alarms, all covered by "
    "exceptions in force), passed (ok) or not_assessed, per account; over several accounts, failed in any, "
    "passed or excepted in all, not_assessed in all, else partial. Requirement: manual (no control mapped), "
    "attested (manual, with an attestation in force), failed (any control failed), not_assessed (no "
    "control assessed), partial (some assessed or partial, none failed, some not assessed), excepted (all assessed, "
    "some excepted), passed (every control passed)."
)


def write_findings(wb: ReportWorkbook, report: Report) -> None:
    sheet = Sheet(wb.create_sheet("Findings"))
    columns: list[Column] = report.finding_columns
    sheet.widths(c.width for c in columns)
    sheet.table_header([c.header for c in columns])
    RowStream(sheet, wb).extend(report.finding_rows())
    sheet.autofilter(len(columns))
    status = next((i for i, c in enumerate(columns, 1) if c.key == "status"), None)
    if status:
        sheet.colour_statuses(status, 2, sheet.row)


CONTROL_HEADERS = [
    "Control",
    "Title",
    "Description",
    "Severity",
    "Resource type",
    "Thresholds used",
    *STATUSES,
    "Requirements",
    "Remediation",
    "SQL",
]


def write_controls(wb: ReportWorkbook, report: Report) -> None:
    sheet = Sheet(wb.create_sheet("Controls"))
    sheet.widths([34, 36, 60, 10, 22, 24, 7, 7, 7, 7, 7, 40, 60, 90])
    sheet.table_header(CONTROL_HEADERS)
    RowStream(sheet, wb).extend(
        [
            c["control_id"],
            c["title"],
            c["description"],
            c["severity"],
            c["resource_type"],
            [f"{k} = {v}" for k, v in c["parameters"].items()],
            *(c[s] for s in STATUSES),
            c["requirements"],
            c["remediation"],
            c["sql"],
        ]
        for c in report.controls
    )
    sheet.autofilter(len(CONTROL_HEADERS))


NHI_HEADERS = [
    "Account",
    "Identity type",
    "Name",
    "ARN",
    "Non-human",
    "Why (classification)",
    "Used as",
    "Used by",
    "Region",
    "Detail",
]


def write_nhi_inventory(wb: ReportWorkbook, report: Report) -> None:
    """Every role and non-human user of the loaded data with the workloads and principals that use it."""
    sheet = Sheet(wb.create_sheet("NHI inventory"))
    sheet.widths([14, 10, 28, 60, 10, 50, 18, 60, 12, 70])
    sheet.table_header(NHI_HEADERS)
    RowStream(sheet, wb).extend([row[column] for column in INVENTORY_COLUMNS] for row in inventory(report._con))
    sheet.autofilter(len(NHI_HEADERS))


EVIDENCE_HEADERS = [
    "Snapshot",
    "Account",
    "How",
    "Loaded (UTC)",
    "Snapshot data as of (UTC)",
    "Partial",
    "Entry",
    "Format or API",
    "File, region or resource",
    "SHA-256",
    "Source as of (UTC)",
    "Error",
    "As of found from",
]


def write_evidence(wb: Workbook, report: Report) -> None:
    sheet = Sheet(wb.create_sheet("Evidence"))
    sheet.widths([10, 14, 9, 20, 20, 8, 8, 36, 70, 66, 20, 50, 60])
    sheet.table_header(EVIDENCE_HEADERS)
    for e in report.evidence:
        sheet.append(
            [
                e["snapshot_id"],
                e["account_id"],
                e["kind"],
                e["loaded_at"],
                e["snapshot_as_of"],
                e["partial"],
                e["entry"],
                e["what"],
                e["where"],
                e["sha256"],
                e["as_of"],
                e["error"],
                e["as_of_source"],
            ]
        )
    sheet.autofilter(len(EVIDENCE_HEADERS))


def write_framework_sheets(wb: ReportWorkbook, report: Report) -> None:
    names = framework_sheet_names([s.id for s in report.frameworks])
    for section in report.frameworks:
        write_framework(wb, section, names[section.id])


def sheet_label(write: Callable[[Workbook, Report], None]) -> str:
    """What a sheet writer writes, for the progress line: ``write_framework_sheets`` -> ``framework sheets``."""
    name = write.__name__.removeprefix("write_").replace("_", " ")
    return name if name.endswith("sheets") else f"{name} sheet"


def framework_sheet_names(framework_ids: list[str]) -> dict[str, str]:
    """A valid, unique sheet name per framework: Excel forbids []:*?/\\ and allows 31 characters."""
    names: dict[str, str] = {}
    taken = {n.casefold() for n in RESERVED_SHEETS}
    for fid in framework_ids:
        base = "".join("_" if ch in "[]:*?/\\" else ch for ch in fid).strip("'")[:31] or "framework"
        name, n = base, 2
        while name.casefold() in taken:
            suffix = f"~{n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        taken.add(name.casefold())
        names[fid] = name
    return names


# ------------------------------------------------------------------------------------------------ saving


class _PinnedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry one fixed time, so the same content gives the same bytes; a
    worksheet with streamed rows gets them inserted at the end of its ``sheetData``."""

    def __init__(self, path: Path, when: datetime, streamed_rows: dict[WriteOnlyWorksheet, IO[str]]):
        super().__init__(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self._when = max(when, datetime(1980, 1, 1)).timetuple()[:6]
        self._streamed_rows = streamed_rows

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info

    def writestr(self, name, data, *args, **kwargs):
        return super().writestr(self._info(name if isinstance(name, str) else name.filename), data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs):
        arcname = arcname or str(filename)
        # Worksheet paths are numbered when the workbook is saved, so they are looked up now.
        rows = next((f for ws, f in self._streamed_rows.items() if ws.path[1:] == arcname), None)
        with open(filename, "rb") as source, self.open(self._info(arcname), "w", force_zip64=True) as target:
            if rows is None:
                shutil.copyfileobj(source, target, 1 << 20)
                return
            head, tail = source.read().split(b"</sheetData>")  # a write-only sheet's part without its rows is small
            target.write(head)
            rows.flush()
            rows.buffer.seek(0)
            shutil.copyfileobj(rows.buffer, target, 1 << 20)
            target.write(b"</sheetData>" + tail)


def write_xlsx(report: Report, path: Path, progress: Callable[[str], None] | None = None) -> None:
    """The workbook: ``SHEETS`` in order, then the file; ``progress(label)`` as each starts."""
    when = report.run["finished_at"] or report.run["started_at"]
    when = naive_utc(when).replace(microsecond=0)
    wb = ReportWorkbook()
    wb.properties.creator = "iamsql"
    wb.properties.title = f"iamsql compliance report, check run {report.run['run_id']}"
    wb.properties.created = wb.properties.modified = when
    try:
        try:
            for write in SHEETS:
                if progress:
                    progress(sheet_label(write))
                write(wb, report)
        except BaseException:
            for ws in wb.worksheets:  # end each sheet's stream now, not when it is garbage-collected after its file
                if not ws.closed:
                    ws.close()
            raise
        if progress:
            progress("saving the workbook")
        with _PinnedTimeZip(path, when, wb.streamed_rows) as archive:
            ExcelWriter(wb, archive).write_data()
    finally:
        wb.close_streams()


EXCEPTION_HEADERS = [
    "Exception",
    "Line",
    "Control pattern",
    "Resource pattern",
    "Account",
    "Reason",
    "Approver",
    "Ticket",
    "Expires",
    "State",
    "Alarms matched",
]


ATTESTATION_HEADERS = ["Framework", "Requirement", "Line", "Attested by", "Attested on", "Evidence", "Expires", "State"]


CHANGE_HEADERS = [
    "Change",
    "Control",
    "Severity",
    "Account",
    "Region",
    "Resource",
    "Before",
    "Now",
    "Reason",
    "Requirements",
    "Finding ID",
]


def write_exceptions(wb, report: Report) -> None:
    """Every exception of the file as it applied to this run (state and matches), then the attestations."""

    sheet = Sheet(wb.create_sheet("Exceptions"))
    sheet.widths([16, 6, 30, 50, 14, 50, 26, 14, 12, 10, 14])
    sheet.table_header(EXCEPTION_HEADERS)
    for e in report.extra.get("exceptions") or []:
        sheet.append(
            [
                e["exception_id"],
                e["line"],
                e["control"],
                e["resource"],
                e["account"],
                e["reason"],
                e["approver"],
                e["ticket"],
                e["expires"],
                e["state"],
                e["matches"],
            ]
        )
    sheet.autofilter(len(EXCEPTION_HEADERS))
    sheet.append([])
    sheet.append(
        [
            sheet.cell(
                "States are judged on the day of the run's data: active (applies), expired (past its "
                "date: no longer applies, its alarms count again), unused (matched no alarm). "
                "Alarms matched by an expired exception are the ones it would have covered. An attestation is "
                "in force from its date to its expiry: future (dated after the run's data) does not count.",
                font=Font(italic=True),
            )
        ]
    )
    sheet.append([])
    sheet.append(["Manual attestations (requirements without an automated control)"], font=SECTION_FONT)
    sheet.header(ATTESTATION_HEADERS)
    for a in report.extra.get("attestations") or []:
        sheet.append(
            [
                a["framework"],
                a["requirement"],
                a["line"],
                a["attested_by"],
                a["attested_on"],
                a["evidence"],
                a["expires"],
                a["state"],
            ]
        )
    if not report.extra.get("exceptions") and not report.extra.get("attestations"):
        sheet.append(["No exceptions file was applied to this run."])


def write_changes(wb, report: Report) -> None:
    """The differences against the previous run: status changes, then new and removed resources."""
    sheet = Sheet(wb.create_sheet("Changes"))
    sheet.widths([18, 34, 10, 14, 11, 60, 18, 18, 70, 40, 18])
    sheet.table_header(CHANGE_HEADERS)
    rows = RowStream(sheet, wb)  # every later row: a status change per finding can be tens of thousands
    changes = report.extra.get("changes")
    if changes is not None:
        for c in changes["changes"]:
            rows.append(
                [
                    c["change"],
                    c["control_id"],
                    c["severity"],
                    c["account_id"],
                    c["region"],
                    c["resource"],
                    c["from_status"],
                    c["to_status"],
                    c["reason"],
                    c["requirements"],
                    c["finding_id"],
                ]
            )
        for key, label in (("new_resources", "new_resource"), ("removed_resources", "removed_resource")):
            for r in changes[key]:
                rows.append([label, None, None, r["account_id"], None, r["resource"]])
        for c in changes.get("not_compared", []):
            rows.append(
                [
                    "not_compared",
                    c["control_id"],
                    None,
                    None,
                    None,
                    None,
                    "ran" if c["run_id"] == changes["from_run"]["run_id"] else "not run",
                    "ran" if c["run_id"] == changes["to_run"]["run_id"] else "not run",
                    f"Run {c['missing_from']} did not run this control: its findings are not compared.",
                    c["requirements"],
                ]
            )
        for c in changes.get("accounts_not_compared", []):
            rows.append(
                [
                    "not_compared",
                    None,
                    None,
                    c["account_id"],
                    None,
                    None,
                    "assessed" if c["run_id"] == changes["from_run"]["run_id"] else "not assessed",
                    "assessed" if c["run_id"] == changes["to_run"]["run_id"] else "not assessed",
                    f"Run {c['missing_from']} did not assess this account: its findings are not compared.",
                ]
            )
        for c in changes.get("parameters_changed", []):
            rows.append(
                [
                    "parameters_changed",
                    c["control_id"],
                    None,
                    None,
                    None,
                    None,
                    parameters_text(c["from"]),
                    parameters_text(c["to"]),
                    "The control ran with other parameters: its status changes may come from the new threshold.",
                ]
            )
    sheet.autofilter(len(CHANGE_HEADERS))
    rows.append([])
    if changes is not None:
        a, b = changes["from_run"], changes["to_run"]
        notes = [
            f"Run {b['run_id']} compared with run {a['run_id']} (data as of {a['as_of']}).",
            f"Scope of run {a['run_id']}: {scope_text(a)}.",
            f"Scope of run {b['run_id']}: {scope_text(b)}.",
            "not_compared: a control that ran, or an account that was assessed, in only one of the two runs; "
            "its findings are neither new alarms nor resolved nor gone.",
            "parameters_changed: a control both runs ran with different parameters (before and after).",
        ]
        if changed_pack := pack_changed_text(changes):
            notes.append(changed_pack)
    else:
        notes = ["No previous run to compare with."]
    for note in notes:
        rows.append([sheet.cell(note, font=Font(italic=True))])
    rows.append(
        [
            sheet.cell(
                "new_alarm: an alarm now, not before; resolved: an alarm before, ok now (fixed); gone: an "
                "alarm before, no result now (its resource was deleted or is no longer reported: not a fix); "
                "changed: any other status change (alarm to error or skip included), and an alarm gaining "
                "or losing its exception.",
                font=Font(italic=True),
            )
        ]
    )


# The workbook's sheets, in order. Later sheets (exceptions, changes between runs) are appended here.
SHEETS: list[Callable[[Workbook, Report], None]] = [
    write_summary,
    write_framework_sheets,
    write_findings,
    write_changes,
    write_exceptions,
    write_controls,
    write_nhi_inventory,
    write_evidence,
]
