"""Controls and frameworks: ``check`` (run the controls), ``controls`` and ``frameworks`` (list them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.options import (
    DbOption,
    FormatOption,
    FrameworksOption,
    HeaderOption,
    MappingsOption,
    QueriesOption,
    SeparatorOption,
    StepsQuietOption,
    check_format,
    check_separator,
    header_flag,
    new_in_existing_folder,
)
from iamsql.cli.root import end_without_teardown
from iamsql.common.lazy import lazy_import
from iamsql.errors import IamsqlError
from iamsql.sql.output import FORMATS as OUTPUT_FORMATS
from iamsql.sql.output import render

dbmod = lazy_import("iamsql.store.db")
history_runs = lazy_import("iamsql.history.runs")
printing = lazy_import("iamsql.controls.engines.printing")
iamsql_frameworks = lazy_import("iamsql.frameworks")
iamsql_controls = lazy_import("iamsql.controls")
control_filters = lazy_import("iamsql.controls.filters")
progress = lazy_import("iamsql.common.progress")
reports = lazy_import("iamsql.report")
sigma_rules = lazy_import("iamsql.controls.sigma")
spark = lazy_import("iamsql.controls.engines.spark")

def frameworks(
    framework: Annotated[Optional[str], typer.Argument(help="A framework id, e.g. nist-csf-2.0.")] = None,
    search: Annotated[
        Optional[str],
        typer.Option("--search", "-s", help="Find requirements by id or words; withdrawn ids say where they moved."),
    ] = None,
    fmt: FormatOption = "table",
    mappings: MappingsOption = None,
) -> None:
    """List the frameworks, one framework's requirements with the controls that serve them (manual when none),
    or search requirements.

    \b
    Examples:
      iamsql frameworks
      iamsql frameworks owasp-nhi-2025
      iamsql frameworks --search PR.AC-4
    """
    iamsql_frameworks.use_mappings(mappings)
    check_format(fmt)
    columns, rows, note = iamsql_frameworks.listing(framework, search)
    if note:
        typer.echo(f"note: {note}", err=True)
    typer.echo(render(columns, rows, fmt), nl=False)


CheckFormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-o",
        "--output",
        help="Output format: table (cut to the terminal's width, whole in a pipe or file; Powerpipe's brief), csv, json (Powerpipe's), jsonl, "
        "line, md (full text) or none (nothing on standard output, as Powerpipe's).",
    ),
]


def check(
    framework: FrameworksOption = None,
    control: Annotated[
        Optional[list[str]], typer.Option("--control", help="Only this control id (repeatable).")
    ] = None,
    severity: Annotated[
        Optional[str],
        typer.Option(
            "--severity", help="Only controls of this severity or higher (critical, high, medium, low, info)."
        ),
    ] = None,
    tag: Annotated[
        Optional[list[str]],
        typer.Option("--tag", metavar="key=value",
                     help="Only controls with this tag, as Powerpipe's --tag (repeatable: values of one key are "
                     "alternatives, keys all apply); tags: resource_type, service (AWS/IAM)."),
    ] = None,
    where: Annotated[
        Optional[str],
        typer.Option("--where", help="Only controls for which this SQL condition holds, as Powerpipe's --where "
                     "(columns control_id, resource_name (the id again, as Powerpipe names it), title, description, severity, "
                     "resource_type, tags, requirements); "
                     "not with --tag."),
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            help="Exit 1 when an alarm has this severity or higher (default info: any alarm); "
            "'none' never fails on alarms.",
        ),
    ] = "info",
    param: Annotated[
        Optional[list[str]],
        typer.Option("--param", help="Override a control parameter: name=value or control_id.name=value."),
    ] = None,
    queries: QueriesOption = None,
    mappings: MappingsOption = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (the database) or spark (the Parquet lake given by --parquet).")
    ] = "duckdb",
    parquet: Annotated[
        Optional[Path],
        typer.Option("--parquet", help="With --engine spark: the folder 'iamsql export --parquet' wrote."),
    ] = None,
    master: Annotated[str, typer.Option("--master", help="With --engine spark: the Spark master URL.")] = "local[*]",
    sigma: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--sigma",
            help="Also run the Sigma rules (.yml/.yaml, log source aws/cloudtrail) "
            "under this folder as controls (repeatable).",
        ),
    ] = None,
    sigma_skip_unsupported: Annotated[
        bool,
        typer.Option(
            "--sigma-skip-unsupported",
            help="Warn about Sigma rules that cannot be converted and run the others (default: name them and exit 254).",
        ),
    ] = False,
    export: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--export",
            callback=new_in_existing_folder,
            help="Also write the run to this file, the format from its "
            "extension: .csv .json (Powerpipe's) .findings.csv .iamsql.json .ocsf.json .ocsf.jsonl .asff.json (Security Hub) .md "
            ".sarif .xml (JUnit) "
            ".html .xlsx (repeatable); a format name alone (csv, json, ocsf, ...) writes "
            "iamsql-run-<run id>.<extension> here.",
        ),
    ] = None,
    fmt: CheckFormatOption = "table",
    header: HeaderOption = "true",
    separator: SeparatorOption = ",",
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="List the controls the selection would run (as Powerpipe's --dry-run) and "
                     "run nothing."),
    ] = False,
    quiet: StepsQuietOption = False,
    db: DbOption = None,
) -> None:
    """Run the controls over the loaded data, store the run, print results and a summary per framework.

    Exit code 0: nothing fails the threshold; 1: an alarm at or above --fail-on; 2: a control errored; 254: bad
    input (nothing run), as Powerpipe's.

    \b
    Examples:
      iamsql check
      iamsql check --framework owasp-nhi-2025 --fail-on high
      iamsql check --control iam_access_key_rotated --param max_age_days=45 --format json
      iamsql check --engine spark --parquet ./lake --master 'local[*]'
      iamsql check --sigma ./sigma-rules --fail-on high
      iamsql check --export findings.ocsf.json --export iamsql.sarif --export results.html
      iamsql check --quiet > results.txt
      iamsql check --framework cis-aws-foundations-v5.0.0 --severity high --dry-run
      iamsql check --tag service=AWS/S3 --tag service=AWS/CloudTrail
      iamsql check --where "severity in ('critical', 'high') and tags->>'service' = 'AWS/IAM'" --dry-run
    """
    iamsql_frameworks.use_mappings(mappings)
    if engine not in ("duckdb", "spark"):
        raise IamsqlError(f"unknown engine {engine!r}; choose duckdb or spark")
    fmt = {"brief": "table"}.get(fmt, fmt)  # Powerpipe's brief: errors and alarms, then the summary
    if fmt in ("pretty", "plain"):  # Powerpipe's default console output
        raise IamsqlError(f"--output {fmt}: Powerpipe's tree of every control and result is not printed; --format "
                          "table (Powerpipe's brief: errors and alarms, then the controls skipped per account, then the "
                          "summary) or --format line (every result)")
    if fmt not in (*OUTPUT_FORMATS, "none") and (instead := reports.written_instead(fmt)):  # html, nunit3 ...
        raise IamsqlError(f"--output {fmt}: {instead}")
    check_format(fmt, also=("none",))  # Powerpipe's none: nothing on standard output; checked before the run
    with_header = header_flag(header)
    check_separator(separator)
    if fail_on != "none" and fail_on not in iamsql_controls.SEVERITIES:
        raise IamsqlError(f"unknown --fail-on {fail_on!r}; choose one of {', '.join(iamsql_controls.SEVERITIES)} "
                          "or none")
    if (engine == "spark") != (parquet is not None):
        raise IamsqlError("--engine spark needs --parquet DIR (and --parquet is only for --engine spark)")
    if sigma and engine == "spark":
        raise IamsqlError("--sigma runs on --engine duckdb only")
    if sigma_skip_unsupported and not sigma:
        raise IamsqlError("--sigma-skip-unsupported needs --sigma DIR")
    if export:  # the report writers are imported only for a run that writes files
        reports.check_exports(export)
    extra = sigma_controls(sigma, sigma_skip_unsupported)
    for line in iamsql_controls.unknown_mapped_controls(iamsql_controls.load_controls(queries) + extra, framework):
        typer.echo(f"warning: {line}", err=True)
    if tag or where is not None:  # the filtered controls are the run's --control selection
        control = filtered_ids(iamsql_controls.with_extra(iamsql_controls.load_controls(queries), extra), control,
                               tag, where)
    if dry_run:
        selected = iamsql_controls.select_controls(
            iamsql_controls.with_extra(iamsql_controls.load_controls(queries), extra), ids=control,
            frameworks=framework, severity=severity)
        iamsql_controls.effective_parameters(selected, iamsql_controls.parse_param_options(param))  # as a run refuses
        typer.echo(listing(selected, fmt, header=with_header, separator=separator), nl=False)
        return
    if engine == "duckdb" and not dbmod.resolve_db_path(db).exists():
        raise dbmod.missing_database(dbmod.resolve_db_path(db))
    con = dbmod.connect(db, macros=False)  # a run makes the helper views and macros its statements read
    history_runs.ensure_schema(con)  # iamsql_finding_history counts check runs, as diff and the report do
    if engine == "spark":
        run_id = spark.run_checks(
            con,
            parquet,
            master=master,
            controls=control,
            frameworks=framework,
            severity=severity,
            params=iamsql_controls.parse_param_options(param),
            queries_dir=queries,
        )
    else:
        with progress.Steps(quiet) as steps:
            run_id = iamsql_controls.run_checks(
                con,
                controls=control,
                frameworks=framework,
                severity=severity,
                params=iamsql_controls.parse_param_options(param),
                queries_dir=queries,
                extra_controls=extra,
                progress=steps.step,
                on_total=steps.total,
            )
    counted = iamsql_controls.stored_counts(con, run_id)
    code = iamsql_controls.exit_code(counted, fail_on)
    written = (
        reports.export_run(con, [reports.export_path(path, run_id) for path in export], run_id=run_id,
                           frameworks=framework, queries_dir=queries, extra_controls=extra)
        if export
        else []
    )
    text, counts = iamsql_controls.render_results(con, run_id, counted, fmt, framework, queries, extra,
                                                  header=with_header)
    pieces = [text]
    if fmt in ("json", "csv"):  # the run as Powerpipe's benchmark JSON or CSV, what --export json/csv writes
        pieces = reports.report_text(con, fmt, run_id=run_id, frameworks=framework, queries_dir=queries,
                                     extra_controls=extra, header=with_header, separator=separator)
    con.close()  # before the results go out: a reader that stops reading never holds the database
    for piece in pieces:
        typer.echo(piece, nl=False)
    number = sum(c["count"] for c in counted)
    typer.echo(f"run {run_id}: {iamsql_controls.count_of(number, 'result')}", err=fmt not in ("table", "md"))
    typer.echo(counts, nl=False, err=fmt not in ("table", "md"))
    for path in written:
        typer.echo(f"wrote {path}", err=True)
    end_without_teardown()  # the run closed its database and the files it wrote
    raise typer.Exit(code)


def listing(selected: list, fmt: str, **options) -> str:
    """The controls a selection holds, one row each with the requirements they serve (``controls``, ``check
    --dry-run``); a selection without a control is bad input, as for a run."""
    if not selected:
        raise IamsqlError("no control matches the selection")
    rows = [(c.id, c.title, c.severity, " ".join(iamsql_frameworks.requirements_for_control(c.id))) for c in selected]
    return render(["control_id", "title", "severity", "requirements"], rows, fmt, whole=("control_id",), **options)


def filtered_ids(controls: list, ids: list[str] | None, tags: list[str] | None, where: str | None) -> list[str]:
    """The ids of the controls (those of ``--control`` when given) that ``--tag`` or ``--where`` keep."""
    kept = control_filters.filter_controls(iamsql_controls.select_controls(controls, ids=ids), tags=tags, where=where)
    if not kept:
        raise IamsqlError("no control matches the selection")
    return [c.id for c in kept]


def sigma_controls(folders: list[Path] | None, skip_unsupported: bool) -> list:
    """The Sigma rules under ``folders`` as controls; rules that cannot be converted are one ``warning:`` line
    each on stderr with ``skip_unsupported``, else the command fails naming each (exit 2)."""
    if not folders:
        return []
    return sigma_rules.load_sigma(
        folders,
        skip_unsupported=skip_unsupported,
        warn=lambda line: typer.echo(f"warning: skipped Sigma rule: {line}", err=True),
        note=lambda line: typer.echo(f"note: {line}", err=True),
    )


def controls(
    framework: Annotated[
        Optional[str], typer.Option("--framework", help="Only controls mapped to this framework.")
    ] = None,
    fmt: FormatOption = "table",
    print_sql: Annotated[
        bool, typer.Option("--print-sql", help="Print each control's SQL for --dialect (helper views first) instead.")
    ] = False,
    dialect: Annotated[
        str, typer.Option("--dialect", help="With --print-sql: duckdb, spark, trino or athena.")
    ] = "duckdb",
    control: Annotated[
        Optional[list[str]], typer.Option("--control", help="Only this control id (repeatable).")
    ] = None,
    sigma: Annotated[
        Optional[list[Path]], typer.Option("--sigma", help="Also list the Sigma rules under this folder (repeatable).")
    ] = None,
    sigma_skip_unsupported: Annotated[
        bool, typer.Option("--sigma-skip-unsupported", help="Warn about Sigma rules that cannot be converted.")
    ] = False,
    queries: QueriesOption = None,
    mappings: MappingsOption = None,
) -> None:
    """List the controls with their severity and the framework requirements they serve, or print their SQL
    for another engine.

    \b
    Examples:
      iamsql controls
      iamsql controls --framework nist-csf-2.0 --format csv
      iamsql controls --print-sql --dialect athena --control iam_root_mfa_enabled
      iamsql controls --sigma ./sigma-rules --print-sql
    """
    iamsql_frameworks.use_mappings(mappings)
    extra = sigma_controls(sigma, sigma_skip_unsupported)
    if print_sql:
        typer.echo(
            printing.render_statements(printing.statements(dialect, control, queries, extra_controls=extra), dialect), nl=False
        )
        return
    check_format(fmt)
    selected = iamsql_controls.select_controls(
        iamsql_controls.with_extra(iamsql_controls.load_controls(queries), extra),
        ids=control,
        frameworks=[framework] if framework else None,
    )
    typer.echo(listing(selected, fmt), nl=False)
