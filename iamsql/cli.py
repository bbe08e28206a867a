"""The ``iamsql`` command line: a thin typer layer over the library. Each command parses options, calls one
library function and prints; errors become one line on stderr and a non-zero exit code."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer import _click as click
from typer.core import TyperOption

from . import __version__, journal, scratch
from .errors import IamsqlError


def _flag_type(self: TyperOption, ctx) -> str | None:
    """An on/off flag takes no value: --help shows no ``<bool>`` after it."""
    return None if self.is_flag else _option_type(self, ctx)


_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type

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
    str, typer.Option("--format", "-o", "--output", help="Output format: table (cut to the terminal's width), csv, json, "
                      "jsonl, line or md (full text).")
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

    con = dbmod.connect(db, read_only=True, helper_views=False)
    rows = [(name, con.execute(f"select count(*) from {name}").fetchone()[0]) for name in dbmod.table_names(con)]
    typer.echo(render(["table", "rows"], rows, "table"), nl=False)


@app.command()
def schema(
    table: Annotated[str, typer.Argument(help="Table or helper view name, e.g. aws_iam_user or aws_account.")],
    db: DbOption = None,
) -> None:
    """Show a table's (or helper view's, like aws_account, or policy engine table's, like iam_principal_access)
    columns and types; with --db, as that database has them.

    Examples:
      iamsql schema aws_iam_role
      iamsql schema aws_account --db audit.duckdb
    """
    import duckdb as duck

    from . import db as dbmod
    from .controls import create_views, view_names
    from .output import render
    from .schema import ACCESS_TABLES, CATALOG_TABLES, TABLES, columns

    views = view_names()
    fixed = ACCESS_TABLES | CATALOG_TABLES
    if table not in TABLES and table not in views and table not in fixed:
        raise IamsqlError(f"unknown table {table!r}; 'iamsql tables' lists them")
    if table in fixed:
        rows = fixed[table]
    elif table in TABLES and db is None:
        rows = [(name, sqltype) for name, sqltype in columns(table)]
    else:
        if db is not None or dbmod.resolve_db_path(None).exists():
            con = dbmod.connect(db, read_only=True, helper_views=False)
        else:  # no database yet: the schema iamsql would create
            con = duck.connect()
            dbmod.ensure_schema(con)
            dbmod.install_macros(con)
        try:
            if table in views:
                create_views(con)
            rows = [(r[0], r[1]) for r in con.execute(f'describe select * from "{table}"').fetchall()]
        finally:
            con.close()
    typer.echo(render(["column", "type"], rows, "table"), nl=False)


@app.command()
def query(
    sql: Annotated[
        Optional[str], typer.Argument(help="The SQL (Steampipe/Postgres flavour by default), or a .sql file to run.")
    ] = None,
    file: Annotated[Optional[str], typer.Option("--file", "-f", help="Read the SQL from a file; '-' reads stdin.")] = None,
    fmt: Annotated[
        str, typer.Option("--output", "-o", "--format", help="table (cut to the terminal's width), csv, json, jsonl, "
                          "line or md, as Steampipe prints them.")
    ] = "table",
    dialect: Annotated[
        str, typer.Option("--dialect", help="Input dialect: 'steampipe' (Postgres SQL, translated) or 'duckdb' (as is).")
    ] = "steampipe",
    print_sql: Annotated[bool, typer.Option("--print-sql", help="Print the DuckDB SQL that would run, and exit.")] = False,
    allow_files: Annotated[
        bool, typer.Option("--allow-files", help="Let SQL read files (read_csv, read_json, glob, ...); writes stay refused.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Run read-only SQL over the tables; several statements run in order. SQL that writes, attaches, loads
    extensions or changes settings is refused; reading files needs --allow-files.

    Examples:
      iamsql query "select name, arn from aws_iam_user where not mfa_enabled"
      iamsql query my_query.sql -o csv
      cat my_query.sql | iamsql query -o json
    """
    from . import db as dbmod
    from .controls import mentions_helper_view
    from .output import FORMATS, STEAMPIPE_NULL, render
    from .query import lock_down, read_sql, run_statements, split_statements, sql_file, translate

    if fmt not in FORMATS:
        raise IamsqlError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    source = {None: "the SQL", "-": "standard input"}.get(sql_file(sql, file), sql_file(sql, file))
    sql = read_sql(sql, file)
    try:
        if print_sql:
            typer.echo(";\n".join(translate(s, dialect) for s in split_statements(sql, dialect)))
            return
        con = dbmod.connect(db, read_only=True, helper_views=mentions_helper_view(sql))
        lock_down(con, allow_files=allow_files)
        for columns, types, rows in run_statements(con, sql, dialect):
            if columns:
                typer.echo(render(columns, rows, fmt, types, null_text=STEAMPIPE_NULL), nl=False)
    except RecursionError:
        raise IamsqlError(f"{source}: SQL nested too deeply to parse") from None


def _context_options(items: list[str] | None) -> dict:
    """``--context KEY=VALUE`` options as a request context; a key given twice is multi-valued."""
    context: dict = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise IamsqlError(f"--context takes KEY=VALUE, got {item!r}")
        context[key] = [*context[key], value] if isinstance(context.get(key), list) else (
            [context[key], value] if key in context else value)
    return context


@app.command()
def simulate(
    request: Annotated[
        Optional[Path], typer.Option("--request", help="A JSON file with one request object or a list of them "
                                     "(docs/policy-engine.md); '-' reads standard input.")
    ] = None,
    principal: Annotated[Optional[str], typer.Option("--principal", help="ARN of a loaded IAM user or role.")] = None,
    action: Annotated[Optional[str], typer.Option("--action", help="The action, e.g. iam:PassRole.")] = None,
    resource: Annotated[
        Optional[str], typer.Option("--resource", help="Resource ARN (default: a resource of the action's kind that "
                                    "no policy names).")
    ] = None,
    context: Annotated[
        Optional[list[str]], typer.Option("--context", help="Request context KEY=VALUE; repeat a key for several values.")
    ] = None,
    unknown_context: Annotated[
        bool, typer.Option("--unknown-context", help="Context keys not given are unknown: answer AllowedIf with the "
                           "conditions the decision depends on.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-o", "--output", help="Output format: table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Ask the policy engine whether a request is allowed, and why.

    Examples:
      iamsql simulate --principal arn:aws:iam::123456789012:user/alice --action iam:PassRole
      iamsql simulate --request requests.json --format json
    """
    import json

    from .policy import simulate as simulate_requests

    if fmt not in ("table", "json"):
        raise IamsqlError(f"unknown format {fmt!r}; choose table or json")
    if (request is None) == (principal is None):
        raise IamsqlError("give --request FILE, or --principal with --action")
    if request is not None:
        try:
            text = sys.stdin.read() if str(request) == "-" else request.read_text(encoding="utf-8")
            given = json.loads(text)
        except OSError as exc:
            raise IamsqlError(f"cannot read {request}: {exc.strerror}") from None
        except ValueError as exc:
            raise IamsqlError(f"{request} is not JSON: {exc}") from None
        except RecursionError:
            raise IamsqlError(f"{request}: JSON nested too deeply to read") from None
        if not isinstance(given, (dict, list)):
            raise IamsqlError(f"{request} must hold a request object or a list of them")
        results = simulate_requests(given if isinstance(given, list) else [given], unknown_context=unknown_context)
        if fmt == "json":
            typer.echo(json.dumps(results if isinstance(given, list) else results[0], indent=1))
        else:
            for index, result in enumerate(results):
                typer.echo(f"{index}\t{result['decision']}\t{result.get('reason', '')}")
        if any(r["decision"] == "Error" for r in results):
            raise typer.Exit(2)
        return
    from . import db as dbmod
    from .access.who import simulate_principal

    if not action:
        raise IamsqlError("--principal needs --action")
    con = dbmod.connect(db, read_only=True, helper_views=False)
    answer = simulate_principal(con, principal, action, resource, _context_options(context),
                                unknown_context=unknown_context)
    if fmt == "json":
        typer.echo(json.dumps(answer.as_dict(), indent=1))
        return
    typer.echo(f"{answer.decision}: {answer.reason}")
    for label in answer.granted_by:
        typer.echo(f"  granted by {label}")
    for block in answer.conditions:
        typer.echo(f"  if {json.dumps(block)}")
    for label in answer.missing:
        typer.echo(f"  not loaded: {label}")


@app.command("who-can")
def who_can(
    action: Annotated[str, typer.Argument(help="The action, e.g. iam:PassRole or sts:AssumeRole.")],
    resource: Annotated[
        Optional[str], typer.Option("--resource", help="Resource ARN (default: a resource of the action's kind that "
                                    "no policy names).")
    ] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """List every principal in the loaded data that may perform an action, and how (direct, through a group,
    through an AssumeRole chain, as a federated or cross-account principal), with the conditions it depends on.

    Examples:
      iamsql who-can iam:PassRole
      iamsql who-can sts:AssumeRole --resource arn:aws:iam::123456789012:role/deploy
    """
    import json

    from . import db as dbmod
    from .access.who import who_can as find
    from .output import FORMATS, render

    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    con = dbmod.connect(db, read_only=True, helper_views=False)
    answers = find(con, action, resource)
    columns = ["principal", "principal_type", "account_id", "decision", "path", "granted_by", "conditions", "missing"]
    rows = [(a.principal, a.principal_type, a.account_id, a.decision, a.path, ", ".join(a.granted_by),
             json.dumps(a.conditions) if a.conditions else None, ", ".join(a.missing) or None) for a in answers]
    typer.echo(render(columns, rows, fmt), nl=False)


@app.command()
def load(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (walked recursively).")] = None,
    account_id: Annotated[
        Optional[str], typer.Option("--account-id", help="Account for files whose content names none (password policy...).")
    ] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Load the small public sample bundled with iamsql.")] = False,
    as_of: Annotated[
        Optional[str],
        typer.Option("--as-of", help="When the files were exported (ISO date or time, UTC), the time controls use. "
                     "Default: the data's own time (credential report time, collection time, newest date inside)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    skip_unreadable: Annotated[
        bool, typer.Option("--skip-unreadable", help="Load what can be read when a file or folder cannot be (permission "
                           "denied, broken symlink, symlink loop); each is listed as a warning. Default: fail.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Load AWS IAM, credential-report and CloudTrail files (formats detected by content) as one snapshot per
    account, in one transaction.

    Examples:
      iamsql load ./aws-exports/ --db audit.duckdb
      iamsql load gaad.json credential-report.csv --account-id 123456789012
      iamsql load list-users.json --as-of 2026-01-31T09:00:00Z
      iamsql load --sample
    """
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn

    from . import db as dbmod
    from .load import SAMPLE_DIR, load_paths
    from .output import render
    from .progress import terminal_progress

    inputs = list(paths or []) + ([SAMPLE_DIR] if sample else [])
    if not inputs:
        raise IamsqlError("give one or more files or folders to load, or --sample")
    bar = terminal_progress(quiet, TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    task = bar.add_task("load", total=None)
    con = dbmod.connect(db, helper_views=False)
    with bar:
        summary = load_paths(con, inputs, account_id=account_id, as_of=as_of,
                             progress=lambda _path: bar.advance(task),
                             on_total=lambda total: bar.update(task, total=total),
                             skip_unreadable=skip_unreadable)
    con.close()
    if not summary.files:
        example = f", e.g. {summary.skipped[0][0]}: {summary.skipped[0][1]}" if summary.skipped else ""
        raise IamsqlError(f"nothing loaded: no AWS IAM or CloudTrail file in {', '.join(map(str, inputs))} "
                          f"({len(summary.skipped)} other file(s) skipped{example})")
    for path, reason in summary.unreadable:  # shown even with --quiet: data was left out
        typer.echo(f"warning: {path}: not read ({reason})", err=True)
    if quiet:
        return
    rows = [(s["account_id"], s["snapshot_id"], table, count) for s in summary.snapshots for table, count in s["tables"].items()]
    typer.echo(render(["account_id", "snapshot_id", "table", "rows"], rows, "table"), nl=False)
    for s in summary.snapshots:
        typer.echo(f"account {s['account_id']} as of {s['as_of']} ({s['as_of_source']})")
    events = summary.events or {}
    kept = (f"; events: {events.get('inserted', 0)} kept, {events.get('identical_duplicates', 0)} identical "
            f"duplicate(s) merged, {events.get('conflicting_event_ids', 0)} conflicting id(s) quarantined, "
            f"{events.get('rejected', 0)} rejected, {events.get('time_unparsed', 0)} unparsed time(s)") if events else ""
    typer.echo(f"{len(summary.files)} file(s) loaded, {len(summary.skipped)} skipped, "
               f"{len(summary.unreadable)} unreadable, {len(summary.warnings)} warning(s){kept}")
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
        str, typer.Option("--fail-on", help="Exit 1 when an alarm has this severity or higher (default info: any alarm); "
                          "'none' never fails on alarms.")
    ] = "info",
    param: Annotated[
        Optional[list[str]], typer.Option("--param", help="Override a control parameter: name=value or control_id.name=value.")
    ] = None,
    queries: Annotated[
        Optional[Path], typer.Option("--queries", help="A folder of your own controls instead of the shipped ones.")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (the database) or spark (the Parquet lake given by --parquet).")
    ] = "duckdb",
    parquet: Annotated[
        Optional[Path], typer.Option("--parquet", help="With --engine spark: the folder 'iamsql export --parquet' wrote.")
    ] = None,
    master: Annotated[str, typer.Option("--master", help="With --engine spark: the Spark master URL.")] = "local[*]",
    sigma: Annotated[
        Optional[list[Path]], typer.Option("--sigma", help="Also run the Sigma rules (.yml/.yaml, log source aws/cloudtrail) "
                                           "under this folder as controls (repeatable).")
    ] = None,
    sigma_skip_unsupported: Annotated[
        bool, typer.Option("--sigma-skip-unsupported", help="Warn about Sigma rules that cannot be converted and run the "
                           "others (default: name them and exit 2).")
    ] = False,
    export: Annotated[
        Optional[list[Path]], typer.Option("--export", help="Also write the run to this file, the format from its "
                                           "extension: .csv .json .ocsf.json .ocsf.jsonl .md .sarif .xml (JUnit) "
                                           ".html .xlsx (repeatable).")
    ] = None,
    fmt: FormatOption = "table",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress line on the terminal.")] = False,
    db: DbOption = None,
) -> None:
    """Run the controls over the loaded data, store the run, print results and a summary per framework.

    Exit code 0: nothing fails the threshold; 1: an alarm at or above --fail-on; 2: a control errored.

    Examples:
      iamsql check
      iamsql check --framework owasp-nhi-2025 --fail-on high
      iamsql check --control iam_access_key_rotated --param max_age_days=45 --format json
      iamsql check --engine spark --parquet ./lake --master 'local[*]'
      iamsql check --sigma ./sigma-rules --fail-on high
      iamsql check --export findings.ocsf.json --export iamsql.sarif --export results.html
      iamsql check --quiet > results.txt
    """
    from . import db as dbmod
    from .controls import exit_code, parse_param_options, render_results, results, run_checks
    from .progress import Steps
    from .report import check_exports, export_run

    if engine not in ("duckdb", "spark"):
        raise IamsqlError(f"unknown engine {engine!r}; choose duckdb or spark")
    if (engine == "spark") != (parquet is not None):
        raise IamsqlError("--engine spark needs --parquet DIR (and --parquet is only for --engine spark)")
    if sigma and engine == "spark":
        raise IamsqlError("--sigma runs on --engine duckdb only")
    if sigma_skip_unsupported and not sigma:
        raise IamsqlError("--sigma-skip-unsupported needs --sigma DIR")
    check_exports(export or [])
    extra = _sigma_controls(sigma, sigma_skip_unsupported)
    if engine == "duckdb" and not dbmod.resolve_db_path(db).exists():
        raise IamsqlError(f"database {dbmod.resolve_db_path(db)} does not exist: run 'iamsql load' or 'iamsql collect' first")
    con = dbmod.connect(db, helper_views=False)  # a run defines the helper views its controls read
    if engine == "spark":
        from .engines.spark import run_checks as run_on_spark

        run_id = run_on_spark(con, parquet, master=master, controls=control, frameworks=framework,
                              severity=severity, params=parse_param_options(param), queries_dir=queries)
    else:
        with Steps(quiet) as steps:
            run_id = run_checks(con, controls=control, frameworks=framework, severity=severity,
                                params=parse_param_options(param), queries_dir=queries, extra_controls=extra,
                                progress=steps.step, on_total=steps.total)
    rows = results(con, run_id, queries, extra_controls=extra)
    code = exit_code(rows, fail_on)
    written = export_run(con, export or [], run_id=run_id, frameworks=framework, queries_dir=queries,
                         extra_controls=extra)
    con.close()
    text, counts = render_results(rows, fmt, framework)
    typer.echo(text, nl=False)
    typer.echo(f"run {run_id}: {len(rows)} results", err=fmt not in ("table", "md"))
    typer.echo(counts, nl=False, err=fmt not in ("table", "md"))
    for path in written:
        typer.echo(f"wrote {path}", err=True)
    raise typer.Exit(code)


def _sigma_controls(folders: list[Path] | None, skip_unsupported: bool) -> list:
    """The Sigma rules under ``folders`` as controls; rules that cannot be converted are one ``warning:`` line
    each on stderr with ``skip_unsupported``, else the command fails naming each (exit 2)."""
    if not folders:
        return []
    from .sigma import load_sigma

    return load_sigma(folders, skip_unsupported=skip_unsupported,
                      warn=lambda line: typer.echo(f"warning: skipped Sigma rule: {line}", err=True))


@app.command()
def controls(
    framework: Annotated[Optional[str], typer.Option("--framework", help="Only controls mapped to this framework.")] = None,
    fmt: FormatOption = "table",
    print_sql: Annotated[
        bool, typer.Option("--print-sql", help="Print each control's SQL for --dialect (helper views first) instead.")
    ] = False,
    dialect: Annotated[str, typer.Option("--dialect", help="With --print-sql: duckdb, spark, trino or athena.")] = "duckdb",
    control: Annotated[
        Optional[list[str]], typer.Option("--control", help="With --print-sql: only this control id (repeatable).")
    ] = None,
    sigma: Annotated[
        Optional[list[Path]], typer.Option("--sigma", help="Also list the Sigma rules under this folder (repeatable).")
    ] = None,
    sigma_skip_unsupported: Annotated[
        bool, typer.Option("--sigma-skip-unsupported", help="Warn about Sigma rules that cannot be converted.")
    ] = False,
) -> None:
    """List the controls with their severity and the framework requirements they serve, or print their SQL
    for another engine.

    Examples:
      iamsql controls
      iamsql controls --framework nist-csf-2.0 --format csv
      iamsql controls --print-sql --dialect athena --control iam_root_mfa_enabled
      iamsql controls --sigma ./sigma-rules --print-sql
    """
    from .controls import load_controls, requirements_for, select_controls, with_extra
    from .output import FORMATS, render

    extra = _sigma_controls(sigma, sigma_skip_unsupported)
    if print_sql:
        from .engines import render_statements, statements

        typer.echo(render_statements(statements(dialect, control, extra_controls=extra), dialect), nl=False)
        return
    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    selected = select_controls(with_extra(load_controls(), extra), frameworks=[framework] if framework else None)
    rows = [(c.id, c.title, c.severity, " ".join(requirements_for(c.id))) for c in selected]
    typer.echo(render(["control_id", "title", "severity", "requirements"], rows, fmt), nl=False)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The file to write (its extension picks the format); '-' writes "
                                      "a text format (give --format) to standard output.")],
    fmt: Annotated[
        Optional[str], typer.Option("--format", "-o", help="xlsx, csv, json, ocsf, ocsf-jsonl, md, sarif, junit or html "
                                    "(default: from --out, else xlsx).")
    ] = None,
    framework: Annotated[
        Optional[list[str]], typer.Option("--framework", help="Only this framework (repeatable); default: all.")
    ] = None,
    run: Annotated[Optional[int], typer.Option("--run", help="The check run id (default: the latest).")] = None,
    queries: Annotated[
        Optional[Path], typer.Option("--queries", help="The folder of controls the run used, if not the shipped one.")
    ] = None,
    sigma: Annotated[
        Optional[list[Path]], typer.Option("--sigma", help="The Sigma rule folders the run used (repeatable), for their "
                                           "titles and SQL.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress line on the terminal.")] = False,
    db: DbOption = None,
) -> None:
    """Write a check run as an Excel workbook for auditors, CSV, JSON, OCSF (JSON array or lines), Markdown,
    SARIF, JUnit XML or one HTML page; print the path written.

    Examples:
      iamsql report --out audit.xlsx
      iamsql report --out findings.csv --framework owasp-nhi-2025
      iamsql report --out findings.ocsf.json --run 3
      iamsql report --out iamsql.sarif --quiet
    """
    from . import db as dbmod
    from .progress import Steps
    from .report import write_report

    extra = _sigma_controls(sigma, True)
    con = dbmod.connect(db, read_only=True, helper_views=False)
    try:
        with Steps(quiet) as steps:
            path = write_report(con, out, fmt=fmt, frameworks=framework, run_id=run, queries_dir=queries,
                                extra_controls=extra, progress=steps.step, on_total=steps.total)
    finally:
        con.close()
    if str(out) != "-":
        typer.echo(str(path))


@app.command()
def collect(
    profile: Annotated[Optional[str], typer.Option("--profile", help="AWS profile (default: AWS's usual credential chain).")] = None,
    region: Annotated[
        Optional[list[str]], typer.Option("--region", help="Region for CloudTrail (repeatable; default: the profile's region).")
    ] = None,
    role_arn: Annotated[Optional[list[str]], typer.Option("--role-arn", help="Collect this account through this role (repeatable).")] = None,
    org: Annotated[bool, typer.Option("--org", help="Collect every active account of the organization (needs --role-name).")] = False,
    role_name: Annotated[Optional[str], typer.Option("--role-name", help="With --org: the role to assume in each account.")] = None,
    external_id: Annotated[Optional[str], typer.Option("--external-id", help="ExternalId for the roles assumed.")] = None,
    cloudtrail_s3: Annotated[
        Optional[str], typer.Option("--cloudtrail-s3", help="Trail log files: s3://bucket/prefix (the folder holding AWSLogs/).")
    ] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Trail logs from this date (YYYY-MM-DD) or this many days ago (default 7).")] = None,
    until: Annotated[Optional[str], typer.Option("--until", help="Trail logs up to this date or this many days ago (default now).")] = None,
    lookup_events_days: Annotated[
        Optional[int], typer.Option("--lookup-events-days", help="Also read the last N days (1-90) of event history with LookupEvents.")
    ] = None,
    identity: Annotated[
        bool, typer.Option("--identity", help="Also IAM Identity Center, Access Analyzer (every enabled region) and last-accessed data.")
    ] = False,
    max_workers: Annotated[
        int, typer.Option("--max-workers", help="API calls at a time within an account (1: one at a time).")
    ] = 8,
    evidence_dir: Annotated[
        Optional[Path], typer.Option("--evidence-dir", help="New folder for the raw responses (default ./iamsql-evidence/<UTC time>).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars and no summary (gaps still go to stderr).")] = False,
    db: DbOption = None,
) -> None:
    """Collect IAM and CloudTrail data from live AWS accounts: raw responses go to an evidence folder (with a
    manifest of SHA-256 sums), which is then loaded like 'iamsql load' would. Calls that fail are recorded as gaps
    and the snapshot is marked partial; the exit code is non-zero only when nothing could be collected.

    Examples:
      iamsql collect --profile audit --region us-east-1 --region eu-west-1
      iamsql collect --org --role-name SecurityAudit --external-id x123 --lookup-events-days 1
      iamsql collect --cloudtrail-s3 s3://org-trail-logs/ --since 2026-07-01 --until 2026-07-31
      iamsql collect --identity --region us-east-1
    """
    from . import db as dbmod
    from .collect.progress import CollectProgress
    from .collect.run import collect as run_collect
    from .output import render

    con = dbmod.connect(db, helper_views=False)
    try:
        result = run_collect(con, evidence_dir=evidence_dir, profile=profile, regions=region, role_arns=role_arn,
                             org=org, role_name=role_name, external_id=external_id, cloudtrail_s3=cloudtrail_s3,
                             since=since, until=until, lookup_events_days=lookup_events_days,
                             identity=identity, max_workers=max_workers, progress=CollectProgress(quiet))
    except KeyboardInterrupt:
        say_interrupted("the database is unchanged; the evidence folder is marked interrupted")
        raise typer.Exit(130) from None
    con.close()
    for gap in result.gaps:
        typer.echo(f"gap: {gap['api']} in {gap['account_id'] or '-'} ({gap['region'] or '-'}): {gap['error']}: {gap['message']}", err=True)
    if not quiet:
        rows = [(a["account_id"], a.get("account_name") or "", a.get("ou_path") or "", a["files"], a["gaps"])
                for a in result.accounts]
        typer.echo(render(["account_id", "name", "ou_path", "files", "gaps"], rows, "table"), nl=False)
        loaded = sum(result.load.rows.values())
        typer.echo(f"{result.requests} API request(s); {loaded} row(s) loaded; evidence in {result.evidence_dir}")
    if result.partial:
        typer.echo(f"partial: {len(result.gaps)} call(s) could not be collected (recorded in the snapshot's gaps)", err=True)


evidence_app = typer.Typer(
    help="Scheduled evidence runs: collect or load, check, report into a dated, hashed folder; verify folders.",
    no_args_is_help=True,
)
app.add_typer(evidence_app, name="evidence")
ListOption = Optional[list[str]]


@evidence_app.command("run")
def evidence_run(
    config: Annotated[Optional[Path], typer.Option("--config", "-c", envvar="IAMSQL_CONFIG", help="TOML config file.")] = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB database file.")] = None,
    evidence_dir: Annotated[Optional[Path], typer.Option("--evidence-dir", help="Where run folders go.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Folder name for the runs.")] = None,
    source: Annotated[Optional[list[Path]], typer.Option("--source", help="Load these files or folders instead of collecting.")] = None,
    account_id: Annotated[Optional[str], typer.Option("--account-id", help="Account for loaded files that name none.")] = None,
    region: Annotated[ListOption, typer.Option("--region", help="Region to collect trails from (repeatable).")] = None,
    profile: Annotated[Optional[str], typer.Option("--profile", help="AWS profile to collect with.")] = None,
    cloudtrail_s3: Annotated[Optional[str], typer.Option("--cloudtrail-s3", help="Also read trail log files from s3://bucket/prefix.")] = None,
    since: Annotated[Optional[str], typer.Option("--since", help="Start of the trail log window.")] = None,
    lookup_events_days: Annotated[Optional[int], typer.Option("--lookup-events-days", help="Days of CloudTrail event history to read.")] = None,
    role_arn: Annotated[ListOption, typer.Option("--role-arn", help="Collect the account of this role (repeatable).")] = None,
    org: Annotated[Optional[bool], typer.Option("--org/--no-org", help="Collect every account of the organization.")] = None,
    role_name: Annotated[Optional[str], typer.Option("--role-name", help="Role to assume in each organization account.")] = None,
    external_id: Annotated[Optional[str], typer.Option("--external-id", help="External id for role assumptions.")] = None,
    framework: Annotated[ListOption, typer.Option("--framework", help="Only controls mapped to this framework (repeatable).")] = None,
    control: Annotated[ListOption, typer.Option("--control", help="Only this control (repeatable).")] = None,
    param: Annotated[ListOption, typer.Option("--param", help="Control parameter name=value (repeatable).")] = None,
    sigma: Annotated[Optional[list[Path]], typer.Option("--sigma", help="Also run the Sigma rules under this folder (repeatable).")] = None,
    sigma_skip_unsupported: Annotated[Optional[bool], typer.Option(
        "--sigma-skip-unsupported/--no-sigma-skip-unsupported",
        help="Warn about Sigma rules that cannot be converted and run the others.")] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="Exit 1 on a non-excepted alarm of this severity or higher (default info: any alarm).")] = None,
    output: Annotated[ListOption, typer.Option("--output", help="Report file: xlsx, json, ocsf, ocsf-jsonl, csv, md, sarif, junit, html (repeatable).")] = None,
    exceptions: Annotated[Optional[Path], typer.Option("--exceptions", help="Exceptions and attestations YAML file.")] = None,
    keep_runs: Annotated[Optional[int], typer.Option("--keep-runs", help="Keep the newest N run folders.")] = None,
    keep_days: Annotated[Optional[int], typer.Option("--keep-days", help="Remove run folders older than D days.")] = None,
    wait: Annotated[Optional[int], typer.Option("--wait", help="Seconds to wait for another run on the same database or folder.")] = None,
    sign_key: Annotated[Optional[Path], typer.Option("--sign-key", help="Sign manifest.json with this OpenSSH Ed25519 "
                                                     "private key (writes manifest.json.sig).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Collect (or load sources.paths), check, apply exceptions and report into
    <evidence-dir>/<name>/<UTC time>/ with manifest.json; prune old runs. Settings: config file, then IAMSQL_*
    variables, then flags (docs/scheduling.md).

    Exit code 0: no non-excepted alarm at or above fail_on; 1: there is one; 2: an error (nothing visible was
    written) or a control errored.

    Examples:
      iamsql evidence run --config iamsql.toml
      iamsql evidence run --evidence-dir evidence --source ./exports --fail-on high --quiet
      iamsql evidence run --config iamsql.toml --sign-key ~/.ssh/iamsql_evidence
    """
    from . import evidence

    flags = {"db": db, "evidence_dir": evidence_dir, "name": name, "sources.paths": source,
             "sources.account_id": account_id, "sources.regions": region, "sources.profile": profile,
             "sources.cloudtrail_s3": cloudtrail_s3, "sources.since": since,
             "sources.lookup_events_days": lookup_events_days, "role_arns": role_arn, "org": org,
             "role_name": role_name, "external_id": external_id, "frameworks": framework, "controls": control,
             "params": param, "sigma": sigma, "sigma_skip_unsupported": sigma_skip_unsupported, "fail_on": fail_on, "outputs": output, "exceptions": exceptions,
             "retention.keep_runs": keep_runs, "retention.keep_days": keep_days, "wait": wait, "sign_key": sign_key}
    settings = evidence.load_config(config, flags)
    outcome = evidence.run(settings, log=None if quiet else lambda message: typer.echo(message, err=True))
    if not quiet:
        for warning in outcome.warnings:
            typer.echo(f"warning: {warning}", err=True)
        for folder in outcome.pruned:
            typer.echo(f"removed old run folder {folder}", err=True)
        typer.echo(outcome.line())
    raise typer.Exit(outcome.exit_code)


@evidence_app.command("verify")
def evidence_verify(
    folder: Annotated[Path, typer.Argument(help="A run folder, or an evidence folder (every run under it).")],
    db: Annotated[
        Optional[Path], typer.Option("--db", help="Also check every manifest's SHA-256 against this database's run "
                                     "history, and name complete runs whose folder is gone.")
    ] = None,
    public_key: Annotated[
        Optional[Path], typer.Option("--public-key", help="Check every run's manifest.json.sig against this OpenSSH "
                                     "public key (ssh-ed25519 AAAA... line); an unsigned run fails.")
    ] = None,
) -> None:
    """Re-hash a run folder against its manifest.json (and the manifest against manifest.sha256); name every
    file added, removed or changed. Given an evidence folder, also walk each chain of runs: every manifest must
    link to the run before it by that manifest's SHA-256 (missing runs, missing manifests and broken links are
    named). With --public-key, every run must be signed by that key. Exit code 0: intact; 1: a difference or a
    missing or bad signature; 2: not an evidence folder, unreadable, or an unusable key file.

    Examples:
      iamsql evidence verify evidence/ --db audit.duckdb
      iamsql evidence verify evidence/ --public-key iamsql_evidence.pub
    """
    from .evidence import verify

    checked = verify(folder, db=db, public_key=public_key)
    for result in checked:
        for line in result.lines():
            typer.echo(line)
    raise typer.Exit(0 if all(r.ok for r in checked) else 1)


@evidence_app.command("list")
def evidence_list(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """List the check runs that count (evidence runs that never completed are left out), with their data
    time, alarms, excepted alarms and evidence folder.

    Example: iamsql evidence list --db audit.duckdb
    """
    from . import db as dbmod
    from .history import runs
    from .output import FORMATS, render

    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    con = dbmod.connect(db, read_only=True, helper_views=False)
    found = runs(con)
    con.close()
    columns = ["run_id", "as_of", "started_at", "status", "accounts", "alarms", "excepted", "evidence"]
    typer.echo(render(columns, [tuple(r[c] for c in columns) for r in found], fmt), nl=False)


@app.command()
def diff(
    from_run: Annotated[Optional[int], typer.Option("--from", help="The earlier run (default: the one before --to).")] = None,
    to_run: Annotated[Optional[int], typer.Option("--to", help="The later run (default: the latest).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-o", help="table, json or md.")] = "table",
    db: DbOption = None,
) -> None:
    """What changed between two check runs (default: the last two): new alarms, resolved, other status changes,
    new and removed resources, per framework.

    Examples:
      iamsql diff
      iamsql diff --from 12 --to 15 --format md
    """
    from . import db as dbmod
    from .history import diff as run_diff
    from .history import render_diff

    con = dbmod.connect(db, read_only=True, helper_views=False)
    try:
        text = render_diff(run_diff(con, from_run, to_run), fmt)
    finally:
        con.close()
    typer.echo(text, nl=False)


exceptions_app = typer.Typer(help="Exceptions and manual attestations files.", no_args_is_help=True)
app.add_typer(exceptions_app, name="exceptions")


@exceptions_app.command("check")
def exceptions_check(
    file: Annotated[Path, typer.Argument(help="The exceptions YAML file.")],
    run: Annotated[Optional[int], typer.Option("--run", help="Match against this check run (default: the latest).")] = None,
    db: DbOption = None,
    fmt: FormatOption = "table",
) -> None:
    """Validate an exceptions file (errors name the line) and show, for a stored check run, what each entry
    would match and whether it is expired at that run's data time. Nothing is written.

    Example: iamsql exceptions check exceptions.yaml --db audit.duckdb
    """
    from . import db as dbmod
    from .exceptions import read_exceptions, review
    from .output import FORMATS, render

    if fmt not in FORMATS:
        raise IamsqlError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    parsed = read_exceptions(file)
    con = dbmod.connect(db, read_only=True, helper_views=False) if dbmod.resolve_db_path(db).exists() else None
    try:
        columns, rows, note = review(con, parsed, run)
    finally:
        if con is not None:
            con.close()
    typer.echo(render(columns, rows, fmt), nl=False)
    typer.echo(note, err=True)


@app.command()
def export(
    parquet: Annotated[Path, typer.Option("--parquet", help="The lake folder to write (created if missing).")],
    run: Annotated[Optional[int], typer.Option("--run", help="Also export this check run's results.")] = None,
    db: DbOption = None,
) -> None:
    """Export every table as Parquet for Spark, Athena/Glue or Trino (events partitioned by account, region
    and day); a re-export replaces only the partitions it writes.

    Examples:
      iamsql export --parquet ./lake
      iamsql export --parquet ./lake --run 3
    """
    from . import db as dbmod
    from .lake import export as export_lake
    from .output import render

    con = dbmod.connect(db, read_only=True, helper_views=False)
    try:
        summary = export_lake(con, parquet, run_id=run)
    finally:
        con.close()
    rows = [(table, count, summary.partitions.get(table, 0)) for table, count in summary.rows.items()]
    typer.echo(render(["table", "rows", "partitions"], rows, "table"), nl=False)
    typer.echo(f"exported to {summary.directory}")


# What is true after Ctrl-C, by command, when no transaction has ended (else ``journal`` says what was stored or
# rolled back); any other command changes nothing.
INTERRUPTED = {
    "load": "nothing was loaded; the database is as it was",
    "check": "no check run was stored; the database is as it was",
    "collect": "the database is unchanged; the evidence folder is complete: load it with 'iamsql load'",
    "report": "no report was written",
    "export": "the export did not finish; run it again (it replaces the partitions it writes)",
    "evidence run": "the run did not complete: it does not count in history and the next run removes its hidden "
                    ".incomplete-* folder",
}
DUCKDB_INTERRUPTED = "Query interrupted"  # DuckDB's RuntimeError when SIGINT arrives during a query
_interrupt_said = False
_interrupt_requested = False


def say_interrupted(otherwise: str) -> None:
    """Print the one line that says what an interrupted command left (once per process): what it stored or rolled
    back (``journal``), else ``otherwise``. An evidence run stopped before it was marked complete says so."""
    global _interrupt_said
    if not _interrupt_said:
        _interrupt_said = True
        line = journal.interrupted(otherwise)
        if otherwise == INTERRUPTED["evidence run"] and (journal.stored or journal.rolled_back) and \
                not any(s.startswith("evidence run") and " as complete " in s for s in journal.stored):
            line += f"; {otherwise}"
        typer.echo(line, err=True)


def _interrupted_command(args: list[str]) -> str:
    words = [a for a in args if not a.startswith("-")]
    command = " ".join(words[:2]) if words[:1] in (["evidence"], ["exceptions"]) else " ".join(words[:1])
    return INTERRUPTED.get(command, "nothing was changed")


def _on_sigint(signum, frame) -> None:
    """Ctrl-C raises KeyboardInterrupt, as by default, and is remembered: DuckDB may turn it into an error."""
    global _interrupt_requested
    _interrupt_requested = True
    raise KeyboardInterrupt


def _fail(message: str, code: int) -> None:
    """``error: <message>`` and exit ``code``; after Ctrl-C, the interrupt line and 130 instead (DuckDB reports
    some interrupts as errors: "numpy is required", "Interrupted")."""
    if _interrupt_requested:
        say_interrupted(_interrupted_command(sys.argv[1:]))
        sys.exit(130)
    typer.echo(f"error: {message}{journal.after_failure()}", err=True)
    sys.exit(code)


class _NoDatabaseError(Exception):
    """Stands for DuckDB's errors until a command imports DuckDB (``iamsql --help`` never does)."""


def _database_errors() -> type[Exception]:
    """``duckdb.Error`` once a command has imported DuckDB (only then can one be raised)."""
    duckdb = sys.modules.get("duckdb")
    return duckdb.Error if duckdb is not None else _NoDatabaseError


def main() -> None:
    """Console entry point: run the app, turning known failures into one line and an exit code. Ctrl-C exits 130
    with one line saying what is left (typer turns KeyboardInterrupt into a silent exit 130; DuckDB turns it
    into a RuntimeError when it arrives during a query)."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, _on_sigint)
    journal.reset()
    try:
        scratch.use_private_tempdir()
        code = app(prog_name="iamsql", standalone_mode=False)  # click's errors come here, not as its box
    except click.exceptions.NoArgsIsHelpError:  # a bare group (iamsql, iamsql evidence): typer printed its help
        sys.exit(2)
    except click.exceptions.ClickException as exc:  # unknown option, missing argument, bad value: one line
        context = getattr(exc, "ctx", None)
        hint = f" (see '{context.command_path} --help')" if context is not None else ""
        _fail(" ".join(exc.format_message().split()) + hint, 2)
    except typer.Abort:
        _fail("aborted", 1)
    except SystemExit as exc:
        if exc.code == 130:
            say_interrupted(_interrupted_command(sys.argv[1:]))
        raise
    except IamsqlError as exc:
        _fail(str(exc), exc.exit_code)
    except _database_errors() as exc:  # evaluated when an exception arrives
        _fail(str(exc).splitlines()[0], 2)
    except KeyboardInterrupt:
        say_interrupted(_interrupted_command(sys.argv[1:]))
        sys.exit(130)
    except RecursionError:  # a reader that did not name its input (a RuntimeError: before that clause)
        _fail("input nested too deeply to read (deeper than Python's recursion limit)", 2)
    except RuntimeError as exc:
        if str(exc) != DUCKDB_INTERRUPTED:
            raise
        say_interrupted(_interrupted_command(sys.argv[1:]))
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    finally:
        scratch.release()
    if code == 130:  # Ctrl-C that typer turned into its exit code
        say_interrupted(_interrupted_command(sys.argv[1:]))
    sys.exit(code if isinstance(code, int) else 0)
