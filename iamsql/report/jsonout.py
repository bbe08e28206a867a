"""JSON: the whole report with untruncated text, one finding per line inside ``findings`` so that big runs
stream (``json.load`` reads it as one document)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from typing import Any, TextIO

from iamsql.report.model import Report

FORMAT_VERSION = 1


def plain(value: Any) -> Any:
    """JSON default: datetimes as ISO-8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    return json.dumps(value, default=plain, ensure_ascii=False, sort_keys=True)


def write_json(report: Report, out: TextIO) -> None:
    head = {
        "format": "iamsql-report",
        "format_version": FORMAT_VERSION,
        "run": report.run,
        "accounts": report.accounts,
        "status_counts": report.status_counts,
        # the fields as they are (dataclasses.asdict deep-copies every requirement: ~25 ms for nothing)
        "frameworks": [{f.name: getattr(section, f.name) for f in dataclasses.fields(section)}
                       for section in report.frameworks],
        "controls": report.controls,
        "evidence": report.evidence,
        "finding_count": report.finding_count,
        **report.extra,
    }
    out.write("{\n")
    for key, value in head.items():
        out.write(f"{json.dumps(key)}: {dumps(value)},\n")
    out.write('"findings": [')
    separator = "\n"
    for finding in report.findings():
        out.write(separator + dumps(finding))
        separator = ",\n"
    out.write("\n]}\n")
