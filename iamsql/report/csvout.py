"""CSV: one row per finding, the Findings sheet's columns, UTF-8. Formula-like text gets a leading apostrophe
so that a spreadsheet opening the file shows it instead of evaluating it (the JSON output keeps exact text)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import Any, TextIO

from .model import Column, Report
from .text import csv_text


def field(column: Column, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if column.kind == "list":
        return " ".join(value)
    if column.kind == "json":
        return json.dumps(value, sort_keys=True, ensure_ascii=False) if value else ""
    return csv_text(str(value))


def write_csv(report: Report, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    columns = report.finding_columns
    writer.writerow([c.key for c in columns])
    for finding in report.findings():
        writer.writerow([field(c, finding.get(c.key)) for c in columns])
