"""Render result sets (column names + rows) as table, csv, json, jsonl or markdown."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMATS = ("table", "csv", "json", "jsonl", "md")


def _plain(value: Any) -> Any:
    """A JSON-safe form of a DuckDB value: timestamps as ISO-8601, decimals as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    """The whole rendered text of a result set in one of ``FORMATS``."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, map(_plain, row))) for row in rows], indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(dict(zip(columns, map(_plain, row)))) + "\n" for row in rows)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)
        return buf.getvalue()
    if fmt == "md":
        def esc(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(esc(c) for c in columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(esc(_cell(v)) for v in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    if fmt == "table":
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns, show_lines=False)
        for row in rows:
            table.add_row(*(_cell(v) for v in row))
        buf = io.StringIO()
        Console(file=buf, width=max(80, min(240, 20 * len(columns))), force_terminal=False).print(table)
        return buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
