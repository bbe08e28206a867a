"""Reports on stored check runs: ``report`` (a workbook or another format) and ``diff`` (between two runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.check import sigma_controls
from iamsql.cli.options import DbOption, StepsQuietOption, existing_folder, new_in_existing_folder
from iamsql.cli.root import end_without_teardown
from iamsql.common.lazy import lazy_import

dbmod = lazy_import("iamsql.store.db")
history_runs = lazy_import("iamsql.history.runs")
progress = lazy_import("iamsql.common.progress")
reports = lazy_import("iamsql.report")
report_model = lazy_import("iamsql.report.model")
iamsql_frameworks = lazy_import("iamsql.frameworks")


def report(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            callback=new_in_existing_folder,
            help="The file to write (its extension picks the format); '-' writes "
            "a text format (give --format) to standard output.",
        ),
    ],
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format",
            "-o",
            help="xlsx, csv and json (Powerpipe's shapes), findings-csv, iamsql-json, ocsf, ocsf-jsonl, asff, md, sarif, junit or html "
            "(default: from --out, else xlsx).",
        ),
    ] = None,
    framework: Annotated[
        Optional[list[str]], typer.Option("--framework", help="Only this framework (repeatable); default: all.")
    ] = None,
    run: Annotated[Optional[int], typer.Option("--run", help="The check run id (default: the latest).")] = None,
    queries: Annotated[
        Optional[Path],
        typer.Option("--queries", callback=existing_folder,
                     help="The folder of controls the run used, if not the shipped one."),
    ] = None,
    mappings: Annotated[
        Optional[Path],
        typer.Option("--mappings", envvar="IAMSQL_MAPPINGS",
                     help="A folder of framework mappings to report with (default: the folder the run used, stored "
                     "with it)."),
    ] = None,
    sigma: Annotated[
        Optional[list[Path]],
        typer.Option("--sigma", help="The Sigma rule folders the run used (repeatable), for their titles and SQL."),
    ] = None,
    quiet: StepsQuietOption = False,
    db: DbOption = None,
) -> None:
    """Write a check run as an Excel workbook for auditors, CSV, JSON, OCSF (JSON array or lines), Markdown,
    SARIF, JUnit XML or one HTML page; print the path written.

    \b
    Examples:
      iamsql report --out audit.xlsx
      iamsql report --out nhi.findings.csv --framework owasp-nhi-2025
      iamsql report --out findings.ocsf.json --run 3
      iamsql report --out iamsql.sarif --quiet
    """
    if fmt in reports.FORMATS and str(out) != "-" and (named := reports.contradicted_format(out, fmt)):
        typer.echo(f"warning: --format {fmt} writes {fmt} to {out}, whose extension says {named}", err=True)
    iamsql_frameworks.use_mappings(mappings)
    extra = sigma_controls(sigma, True)
    con = dbmod.connect(db, read_only=True, macros=False)
    try:
        if mappings is None:
            report_model.use_run_mappings(con, run)
        with progress.Steps(quiet) as steps, dbmod.one_thread_for_small_data(con):
            path = reports.write_report(
                con,
                out,
                fmt=fmt,
                frameworks=framework,
                run_id=run,
                queries_dir=queries,
                extra_controls=extra,
                progress=steps.step,
                on_total=steps.total,
            )
    finally:
        con.close()
    if str(out) != "-":
        typer.echo(str(path))
    end_without_teardown()  # the report closed its database and the file it wrote


def diff(
    from_run: Annotated[
        Optional[int], typer.Option("--from", help="The earlier run (default: the one before --to).")
    ] = None,
    to_run: Annotated[Optional[int], typer.Option("--to", help="The later run (default: the latest).")] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-o",
            "--output",
            help="table or md (summary per framework, changes, resources), json (all of it), or csv, jsonl or line "
            "(one row per change).",
        ),
    ] = "table",
    db: DbOption = None,
) -> None:
    """What changed between two check runs (default: the last two): new alarms, resolved (now ok), gone (no
    result now: deleted, not fixed), other status changes, new and removed resources, per framework.

    \b
    Examples:
      iamsql diff
      iamsql diff --from 12 --to 15 --format md
    """
    con = dbmod.connect(db, read_only=True, macros=False)
    try:
        result = history_runs.diff(con, from_run, to_run)
        text = history_runs.render_diff(result, fmt)
    finally:
        con.close()
    if fmt in history_runs.CHANGE_ROW_FORMATS and (note := history_runs.left_out(result)):
        typer.echo(f"note: {note}", err=True)
    typer.echo(text, nl=False)
