"""CSV: one row per finding, the Findings sheet's columns, UTF-8. Formula-like text gets a leading apostrophe
so that a spreadsheet opening the file shows it instead of evaluating it, and fields holding CR or LF are quoted
(``iamsql.common.escaping``; the JSON output keeps exact text)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

from iamsql.common.escaping import csv_line
from iamsql.report.model import Column, Report
from iamsql.report.text import csv_text


def field(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if column.kind == "list":
        return csv_text(" ".join(map(str, value)))
    if column.kind == "json":
        return csv_text(json.dumps(value, sort_keys=True, ensure_ascii=False)) if value else ""
    if isinstance(value, bool | int | float):  # numbers are not text: -5 stays -5
        return str(value)
    return csv_text(str(value))


def write_csv(report: Report, out: TextIO) -> None:
    columns = report.finding_columns
    out.write(csv_line([c.key for c in columns]))
    for finding in report.findings():
        out.write(csv_line([field(c, finding.get(c.key)) for c in columns]))
