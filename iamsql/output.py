"""Render result sets (column names + rows) as table, csv, json, jsonl or markdown."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, datetime
from decimal import Decimal
from typing import Any

FORMATS = ("table", "csv", "json", "jsonl", "md")
FALLBACK_WIDTH = 120  # table width when neither COLUMNS nor a terminal says
MIN_COLUMN_WIDTH = 12  # a table column is not cut below this (or its own width)


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


def fit_widths(widths: list[int], available: int, floor: int = MIN_COLUMN_WIDTH) -> list[int]:
    """Column widths whose sum fits ``available``: the widest columns give way first (long reasons before short
    ids), none below ``floor`` or its own width; the sum may stay above ``available`` when every column is down
    to that."""
    widths = list(widths)
    while sum(widths) > available:
        widest = max(widths)
        if widest <= floor:
            break
        count = widths.count(widest)
        next_widest = max((w for w in widths if w < widest), default=0)
        shrink_to = widest - -(-(sum(widths) - available) // count)  # ceil: spread the excess over the widest
        target = max(floor, next_widest, shrink_to)
        widths = [target if w == widest else w for w in widths]
    return widths


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis: at the end, or at the start for an ARN, whose end
    (``user/alice``) is the part that tells resources apart."""
    if len(text) <= width:
        return text
    return "\u2026" + text[len(text) - width + 1:] if text.startswith("arn:") else text[:width - 1] + "\u2026"


def _table(columns: list[str], rows: list[list[str]]) -> str:
    """A table as wide as the terminal (``COLUMNS``, else the terminal, else ``FALLBACK_WIDTH``): one line per
    row, long cells clipped (csv, json and md keep the full text). Drawn by hand: a check over a large account
    shows tens of thousands of rows, which a table library takes seconds to lay out."""
    width = shutil.get_terminal_size((FALLBACK_WIDTH, 24)).columns
    natural = [max([len(c), *(len(row[i]) for row in rows)]) for i, c in enumerate(columns)]
    widths = fit_widths(natural, width - 2 * len(columns))  # two spaces between columns

    def line(cells: list[str]) -> str:
        return "  ".join(clip(cell, w).ljust(w) for cell, w in zip(cells, widths))

    lines = [line(columns), "\u2500" * (sum(widths) + 2 * (len(widths) - 1))]
    lines += [line(row) for row in rows]
    return "\n".join(lines) + "\n"


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
        return _table(columns, [[" ".join(_cell(v).split()) for v in row] for row in rows])
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
