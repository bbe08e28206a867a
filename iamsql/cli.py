"""The ``iamsql`` command line: a thin typer layer over the library. Each command parses options, calls one
library function and prints; errors become one line on stderr and a non-zero exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import duckdb
import typer

from . import __version__
from .errors import IamsqlError

app = typer.Typer(
    name="iamsql",
    help="Steampipe-style SQL over AWS IAM and CloudTrail, compliance controls mapped to frameworks, "
    "and workbooks an auditor accepts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DbOption = Annotated[
    Optional[Path],
    typer.Option("--db", envvar="IAMSQL_DB", help="DuckDB database file (default ./iamsql.duckdb)."),
]
FormatOption = Annotated[
    str, typer.Option("--format", "-o", help="Output format: table, csv, json, jsonl or md.")
]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"iamsql {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """iamsql: load AWS IAM and CloudTrail data into DuckDB, query it with Steampipe SQL, check it against
    controls mapped to OWASP NHI Top 10, NIST CSF 2.0 and NIST SP 800-207, and report to Excel."""


@app.command()
def tables(db: DbOption = None) -> None:
    """List the tables with their row counts (latest snapshot per account).

    Example: iamsql tables --db audit.duckdb
    """
    from . import db as dbmod
    from .output import render

    con = dbmod.connect(db, read_only=True)
    rows = [(name, con.execute(f"select count(*) from {name}").fetchone()[0]) for name in dbmod.table_names(con)]
    typer.echo(render(["table", "rows"], rows, "table"), nl=False)


@app.command()
def schema(table: Annotated[str, typer.Argument(help="Table name, e.g. aws_iam_user.")]) -> None:
    """Show a table's columns and types.

    Example: iamsql schema aws_iam_role
    """
    from .output import render
    from .schema import TABLES, columns

    if table not in TABLES:
        raise IamsqlError(f"unknown table {table!r}; 'iamsql tables' lists them")
    rows = [(name, sqltype) for name, sqltype in columns(table)]
    typer.echo(render(["column", "type"], rows, "table"), nl=False)


@app.command()
def query(
    sql: Annotated[Optional[str], typer.Argument(help="The SQL text (Steampipe/Postgres flavour by default).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the SQL from a file.")] = None,
    fmt: FormatOption = "table",
    dialect: Annotated[
        str, typer.Option("--dialect", help="Input dialect: 'steampipe' (Postgres SQL, translated) or 'duckdb' (as is).")
    ] = "steampipe",
    print_sql: Annotated[bool, typer.Option("--print-sql", help="Print the DuckDB SQL that would run, and exit.")] = False,
    db: DbOption = None,
) -> None:
    """Run a read-only SQL query over the tables.

    Examples:
      iamsql query "select name, arn from aws_iam_user where not mfa_enabled"
      iamsql query -f my_query.sql --format csv
    """
    from . import db as dbmod
    from .output import FORMATS, render
    from .query import run_query, translate

    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if (sql is None) == (file is None):
        raise IamsqlError("give the SQL either as an argument or with --file, not both")
    if file is not None:
        try:
            sql = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise IamsqlError(f"cannot read {file}: {exc.strerror}") from None
    if print_sql:
        typer.echo(translate(sql, dialect))
        return
    con = dbmod.connect(db, read_only=True)
    columns, rows = run_query(con, sql, dialect)
    typer.echo(render(columns, rows, fmt), nl=False)


@app.command()
def load(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (walked recursively).")] = None,
    account_id: Annotated[
        Optional[str], typer.Option("--account-id", help="Account for files whose content names none (password policy...).")
    ] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Load the small public sample bundled with iamsql.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    db: DbOption = None,
) -> None:
    """Load AWS IAM, credential-report and CloudTrail files (formats detected by content) as one snapshot per
    account, in one transaction.

    Examples:
      iamsql load ./aws-exports/ --db audit.duckdb
      iamsql load gaad.json credential-report.csv --account-id 123456789012
      iamsql load --sample
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import db as dbmod
    from .load import SAMPLE_DIR, load_paths
    from .output import render

    inputs = list(paths or []) + ([SAMPLE_DIR] if sample else [])
    if not inputs:
        raise IamsqlError("give one or more files or folders to load, or --sample")
    console = Console(stderr=True)
    bar = Progress(TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=console, transient=True, disable=quiet or not console.is_terminal)
    task = bar.add_task("load", total=None)
    con = dbmod.connect(db)
    with bar:
        summary = load_paths(con, inputs, account_id=account_id,
                             progress=lambda _path: bar.advance(task),
                             on_total=lambda total: bar.update(task, total=total))
    con.close()
    if quiet:
        return
    rows = [(s["account_id"], s["snapshot_id"], table, count) for s in summary.snapshots for table, count in s["tables"].items()]
    typer.echo(render(["account_id", "snapshot_id", "table", "rows"], rows, "table"), nl=False)
    typer.echo(f"{len(summary.files)} file(s) loaded, {len(summary.skipped)} skipped, {len(summary.warnings)} warning(s)")
    for path, reason in summary.skipped:
        typer.echo(f"skipped {path}: {reason}", err=True)
    for warning in summary.warnings:
        typer.echo(f"warning: {warning}", err=True)


@app.command()
def frameworks(
    framework: Annotated[Optional[str], typer.Argument(help="A framework id, e.g. nist-csf-2.0.")] = None,
    search: Annotated[
        Optional[str], typer.Option("--search", "-s", help="Find requirements by id or words; withdrawn ids say where they moved.")
    ] = None,
    fmt: FormatOption = "table",
) -> None:
    """List the frameworks, one framework's requirements with the controls that serve them (manual when none),
    or search requirements.

    Examples:
      iamsql frameworks
      iamsql frameworks owasp-nhi-2025
      iamsql frameworks --search PR.AC-4
    """
    from .frameworks import listing
    from .output import FORMATS, render

    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    columns, rows, note = listing(framework, search)
    if note:
        typer.echo(f"note: {note}", err=True)
    typer.echo(render(columns, rows, fmt), nl=False)


@app.command()
def check(
    framework: Annotated[
        Optional[list[str]], typer.Option("--framework", help="Only controls mapped to this framework (repeatable).")
    ] = None,
    control: Annotated[Optional[list[str]], typer.Option("--control", help="Only this control id (repeatable).")] = None,
    severity: Annotated[
        Optional[str], typer.Option("--severity", help="Only controls of this severity or higher (critical, high, medium, low, info).")
    ] = None,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help="Exit 1 when an alarm has this severity or higher; 'none' never fails on alarms.")
    ] = "info",
    param: Annotated[
        Optional[list[str]], typer.Option("--param", help="Override a control parameter: name=value or control_id.name=value.")
    ] = None,
    queries: Annotated[
        Optional[Path], typer.Option("--queries", help="A folder of your own controls instead of the shipped ones.")
    ] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Run the controls over the loaded data, store the run, print results and a summary per framework.

    Exit code 0: nothing fails the threshold; 1: an alarm at or above --fail-on; 2: a control errored.

    Examples:
      iamsql check
      iamsql check --framework owasp-nhi-2025 --fail-on high
      iamsql check --control iam_access_key_rotated --param max_age_days=45 --format json
    """
    from . import db as dbmod
    from .controls import exit_code, parse_param_options, render_results, results, run_checks

    con = dbmod.connect(db)
    run_id = run_checks(con, controls=control, frameworks=framework, severity=severity,
                        params=parse_param_options(param), queries_dir=queries)
    rows = results(con, run_id, queries)
    code = exit_code(rows, fail_on)
    con.close()
    text, counts = render_results(rows, fmt, framework)
    typer.echo(text, nl=False)
    typer.echo(f"run {run_id}: {len(rows)} results", err=fmt not in ("table", "md"))
    typer.echo(counts, nl=False, err=fmt not in ("table", "md"))
    raise typer.Exit(code)


@app.command()
def controls(
    framework: Annotated[Optional[str], typer.Option("--framework", help="Only controls mapped to this framework.")] = None,
    fmt: FormatOption = "table",
) -> None:
    """List the controls with their severity and the framework requirements they serve.

    Examples:
      iamsql controls
      iamsql controls --framework nist-csf-2.0 --format csv
    """
    from .controls import load_controls, requirements_for, select_controls
    from .output import FORMATS, render

    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    selected = select_controls(load_controls(), frameworks=[framework] if framework else None)
    rows = [(c.id, c.title, c.severity, " ".join(requirements_for(c.id))) for c in selected]
    typer.echo(render(["control_id", "title", "severity", "requirements"], rows, fmt), nl=False)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The file to write (its extension picks the format).")],
    fmt: Annotated[
        Optional[str], typer.Option("--format", "-o", help="xlsx, csv, json, ocsf or md (default: from --out, else xlsx).")
    ] = None,
    framework: Annotated[
        Optional[list[str]], typer.Option("--framework", help="Only this framework (repeatable); default: all.")
    ] = None,
    run: Annotated[Optional[int], typer.Option("--run", help="The check run id (default: the latest).")] = None,
    queries: Annotated[
        Optional[Path], typer.Option("--queries", help="The folder of controls the run used, if not the shipped one.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Write a check run as an Excel workbook for auditors, CSV, JSON, OCSF JSON lines or a Markdown summary;
    print the path written.

    Examples:
      iamsql report --out audit.xlsx
      iamsql report --out findings.csv --framework owasp-nhi-2025
      iamsql report --out findings.ocsf.jsonl --run 3
    """
    from . import db as dbmod
    from .report import write_report

    con = dbmod.connect(db, read_only=True)
    try:
        path = write_report(con, out, fmt=fmt, frameworks=framework, run_id=run, queries_dir=queries)
    finally:
        con.close()
    typer.echo(str(path))


def main() -> None:
    """Console entry point: run the app, turning known failures into one line and an exit code."""
    try:
        app(prog_name="iamsql")
    except IamsqlError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except duckdb.Error as exc:
        typer.echo(f"error: {str(exc).splitlines()[0]}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing was written", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
