"""``iamsql exceptions``: check an exceptions and attestations file against a stored check run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.options import DbOption, FormatOption, check_format
from iamsql.common.lazy import lazy_import
from iamsql.sql.output import render

dbmod = lazy_import("iamsql.store.db")
waivers = lazy_import("iamsql.history.waivers")

exceptions_app = typer.Typer(
    help="Exceptions and manual attestations files.\n\n\b\nExample: iamsql exceptions check exceptions.yaml",
    no_args_is_help=True,
)


@exceptions_app.command("check")
def exceptions_check(
    file: Annotated[Path, typer.Argument(help="The exceptions YAML file.")],
    run: Annotated[
        Optional[int], typer.Option("--run", help="Match against this check run (default: the latest).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Validate an exceptions file (errors name the line) and show, for a stored check run, what each entry
    would match and whether it is expired on the day of the data that run checked. Expired entries, exceptions that
    match nothing and attestations dated after the run's data are 'warning:' lines on stderr, as 'evidence run' prints them;
    the exit code stays 0. Nothing is written.

    Example: iamsql exceptions check exceptions.yaml --db audit.duckdb
    """
    check_format(fmt)
    parsed = waivers.read_exceptions(file)
    con = dbmod.connect(db, read_only=True) if dbmod.resolve_db_path(db).exists() else None
    try:
        columns, rows, note, warnings = waivers.review(con, parsed, run)
    finally:
        if con is not None:
            con.close()
    typer.echo(render(columns, rows, fmt), nl=False)
    typer.echo(note, err=True)
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
