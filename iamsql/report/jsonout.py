"""JSON: the whole report with untruncated text, one finding per line inside ``findings`` so that big runs
stream (``json.load`` reads it as one document)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from datetime import date, datetime
from itertools import islice
from typing import Any, TextIO

from iamsql.report.model import Report

FORMAT_VERSION = 1


def plain(value: Any) -> Any:
    """JSON default: datetimes as ISO-8601."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


# json.dumps with these options would make a new encoder per call; a report is a tree (members shared by many
# findings, never a cycle), so the encoder need not track the containers it is inside (~10 % of its time)
dumps = json.JSONEncoder(default=plain, ensure_ascii=False, sort_keys=True, check_circular=False).encode
LINES_PER_WRITE = 1_000


def write_lines(out: TextIO, lines: Iterable[str], separator: str, first: str = "") -> bool:
    """Write ``lines`` with ``separator`` between them, ``first`` before the first one (nothing when there is
    none), ``LINES_PER_WRITE`` lines per write; whether there was a line."""
    lines = iter(lines)
    chunk = list(islice(lines, LINES_PER_WRITE))
    if not chunk:
        return False
    out.write(first)
    while chunk:
        out.write(separator.join(chunk))
        chunk = list(islice(lines, LINES_PER_WRITE))
        if chunk:
            out.write(separator)
    return True


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
    write_lines(out, map(dumps, report.findings()), ",\n", "\n")
    out.write("\n]}\n")
