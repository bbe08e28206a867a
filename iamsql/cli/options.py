"""Options that several commands share, each declared once, and the check of a ``--format`` value."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.errors import IamsqlError
from iamsql.sql.output import FORMATS

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="IAMSQL_DB", help="DuckDB database file (default ./iamsql.duckdb)."),
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-o",
        "--output",
        help="Output format: table (cut to the terminal's width), csv, json, jsonl, line or md (full text).",
    ),
]
FrameworksOption = Annotated[
    Optional[list[str]], typer.Option("--framework", help="Only controls mapped to this framework (repeatable).")
]
ResourceOption = Annotated[
    Optional[str],
    typer.Option("--resource", help="Resource ARN (default: a resource of the action's kind that no policy names)."),
]
StepsQuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress line on the terminal.")]
ListOption = Optional[list[str]]


def check_format(fmt: str) -> None:
    """Refuse an output format ``render`` does not know."""
    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
