"""Commands that move data in and out of the database and describe it: ``load``, ``tables``, ``schema``,
``export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.options import DbOption, FormatOption, check_format, new_in_existing_folder
from iamsql.cli.root import end_without_teardown
from iamsql.common.lazy import lazy_import
from iamsql.common.resources import SAMPLE_DIR
from iamsql.errors import IamsqlError
from iamsql.sql.output import pg_type_name, render

duckdb = lazy_import("duckdb")
iamsql_controls = lazy_import("iamsql.controls")
dbmod = lazy_import("iamsql.store.db")
lake = lazy_import("iamsql.store.lake")
loading = lazy_import("iamsql.load")
progress = lazy_import("iamsql.common.progress")
schemas = lazy_import("iamsql.store.schema")
sql_query = lazy_import("iamsql.sql.query")


def tables(db: DbOption = None, fmt: FormatOption = "table") -> None:
    """List every table 'query' reads, with its kind: loaded (row counts of the latest snapshot per account, and
    for a table loaded in part, per account, why: iamsql_partial's reason, e.g. a collection's refused read of one
    bucket's logging, and iamsql_unread's, e.g. of one key's policy), derived (Steampipe tables computed from what is loaded, with their row counts), helper view,
    policy engine and catalog (computed when a query names them: no count, some take the policy engine's run).

    Example: iamsql tables --db audit.duckdb
    """
    check_format(fmt)
    con = dbmod.connect(db, read_only=True)
    partial = dict(con.execute("select table_name, string_agg(account_id || ': ' || reason, '; ' order by account_id, "
                               "reason) from (select account_id, table_name, reason from iamsql_partial union all "
                               "select account_id, table_name, reason from iamsql_unread) group by table_name"
                               ).fetchall())
    rows = [(name, con.execute(f"select count(*) from {name}").fetchone()[0], "loaded", partial.get(name))
            for name in dbmod.table_names(con)]
    rows += [(name, sql_query.run_query(con, f"select count(*) from {name}")[1][0][0], "derived", None)
             for name in schemas.DERIVED_TABLES]
    rows += [(name, None, "helper view", None) for name in iamsql_controls.view_names()
             if name not in schemas.DERIVED_TABLES]
    rows += [(name, None, "policy engine", None) for name in schemas.ACCESS_TABLES]
    rows += [(name, None, "catalog", None) for name in schemas.CATALOG_TABLES]
    typer.echo(render(["table", "rows", "kind", "partial"], rows, fmt), nl=False)


def schema(
    table: Annotated[str, typer.Argument(help="Table or helper view name, e.g. aws_iam_user or aws_account.")],
    db: DbOption = None,
    fmt: FormatOption = "table",
    duckdb_types: Annotated[
        bool, typer.Option("--duckdb-types", help="DuckDB's type names (VARCHAR, JSON, TIMESTAMP WITH TIME ZONE) "
                           "instead of PostgreSQL's.")
    ] = False,
) -> None:
    """Show a table's (or helper view's, like aws_account, or policy engine table's, like iam_principal_access)
    columns and types, as Steampipe's .inspect names them (text, jsonb, timestamp with time zone, bigint,
    boolean); with --db, as that database has them.

    \b
    Examples:
      iamsql schema aws_iam_role
      iamsql schema aws_account --db audit.duckdb
      iamsql schema aws_iam_user --duckdb-types
    """
    check_format(fmt)
    views = iamsql_controls.view_names()
    fixed = schemas.ACCESS_TABLES | schemas.CATALOG_TABLES
    if table in fixed:
        rows = fixed[table]
    elif table in schemas.TABLES and db is None:
        rows = [(name, sqltype) for name, sqltype in schemas.columns(table)]
    else:
        if db is not None or dbmod.resolve_db_path(None).exists():
            con = dbmod.connect(db, read_only=True)
        else:  # no database yet: the schema iamsql would create
            con = duckdb.connect()
            dbmod.ensure_schema(con)
            dbmod.install_macros(con)
        try:
            if table in views:
                iamsql_controls.create_views(con)
            elif table not in schemas.TABLES and not _stored(con, table):
                raise IamsqlError(sql_query.unknown_table(table))  # as iamsql query says it
            quoted = ".".join(f'"{part}"' for part in table.split("."))  # history.aws_iam_user: two names
            rows = [(r[0], r[1]) for r in con.execute(f"describe select * from {quoted}").fetchall()]
        finally:
            con.close()
    if not duckdb_types:
        rows = [(name, pg_type_name(sqltype)) for name, sqltype in rows]
    typer.echo(render(["column", "type"], rows, fmt), nl=False)


def _stored(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether ``table`` is one of iamsql's own tables or views (``iamsql_snapshot``, ``iamsql_result``, ...) or
    a ``history.<table>``: the names the docs query beside the AWS tables."""
    schema, _, name = table.rpartition(".")
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ? "
                       "and (table_name like 'iamsql\\_%' escape '\\' or table_schema = 'history')",
                       [schema or "main", name]).fetchone()[0] > 0


def load(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (walked recursively).")] = None,
    account_id: Annotated[
        Optional[str],
        typer.Option("--account-id", help="Account for files whose content names none (password policy...)."),
    ] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Load the small public sample bundled with iamsql.")] = False,
    as_of: Annotated[
        Optional[str],
        typer.Option(
            "--as-of",
            help="When the files were exported (ISO date or time, UTC), the time controls use. "
            "Default: the data's own time (credential report time, collection time, newest date inside).",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary; skipped files and warnings still go to stderr.")] = False,
    skip_unreadable: Annotated[
        bool,
        typer.Option(
            "--skip-unreadable",
            help="Load what can be read when a file or folder cannot be (permission "
            "denied, broken symlink, symlink loop); each is listed as a warning. Default: fail.",
        ),
    ] = False,
    skip_broken: Annotated[
        bool,
        typer.Option(
            "--skip-broken",
            help="Load the other files when a file's content cannot be read (malformed JSON, a truncated gzip, "
            "values of another kind than AWS gives); each is listed as a warning and counted. Default: fail.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Load AWS IAM, credential-report and CloudTrail files (formats detected by content) as one snapshot per
    account, in one transaction.

    \b
    Examples:
      iamsql load ./aws-exports/ --db audit.duckdb
      iamsql load gaad.json credential-report.csv --account-id 123456789012
      iamsql load list-users.json --as-of 2026-01-31T09:00:00Z
      iamsql load --sample
    """
    inputs = list(paths or []) + ([SAMPLE_DIR] if sample else [])
    if not inputs:
        raise IamsqlError("give one or more files or folders to load, or --sample")
    bar = progress.counted(quiet, "loading")
    task = bar.add_task("load", total=None)
    # a load stores rows, it runs no query
    with dbmod.filling(db, lambda: dbmod.connect(db, queries=False)) as con, bar:
        summary = loading.load_paths(
            con,
            inputs,
            account_id=account_id,
            as_of=as_of,
            progress=lambda _path: bar.advance(task),
            on_total=lambda total: bar.update(task, total=total),
            skip_unreadable=skip_unreadable,
            skip_broken=skip_broken,
        )
        if sample:  # the sample's licences and provenance notes ship beside its data: not skipped input worth a line
            summary.skipped = [(path, reason) for path, reason in summary.skipped if not _sample_notice(Path(path))]
        if not summary.files:
            example = f", e.g. {summary.skipped[0][0]}: {summary.skipped[0][1]}" if summary.skipped else ""
            raise IamsqlError(
                f"nothing loaded: no AWS IAM or CloudTrail file in {', '.join(map(str, inputs))} "
                f"({len(summary.skipped)} other file(s) skipped{example})"
            )
    if not quiet:
        _print_load_summary(summary)
    # on stderr, with --quiet too (it hides progress and the summary, as collect's does): data was left out
    for path, reason in summary.skipped:
        typer.echo(f"skipped {path}: {reason}", err=True)
    for warning in summary.warning_lines():
        typer.echo(f"warning: {warning}", err=True)
    end_without_teardown()  # the load closed its database


def _print_load_summary(summary) -> None:
    """The rows loaded per account and table, each account's time and the counts line, on standard output."""
    rows = [
        (s["account_id"], s["snapshot_id"], table, count)
        for s in summary.snapshots
        for table, count in s["tables"].items()
    ]
    typer.echo(render(["account_id", "snapshot_id", "table", "rows"], rows, "table"), nl=False)
    for s in summary.snapshots:
        typer.echo(f"account {s['account_id']} as of {s['as_of']} ({s['as_of_source']})")
    events = summary.events or {}
    kept = (
        (
            f"; events: {events.get('inserted', 0)} kept, {events.get('identical_duplicates', 0)} identical "
            f"duplicate(s) merged, {events.get('conflicting_event_ids', 0)} conflicting id(s) quarantined, "
            f"{events.get('rejected', 0)} rejected, {events.get('time_unparsed', 0)} unparsed time(s)"
        )
        if events
        else ""
    )
    typer.echo(
        f"{len(summary.files)} file(s) loaded, {len(summary.skipped)} skipped, {len(summary.broken)} broken, "
        f"{len(summary.unreadable)} unreadable, {len(summary.warnings)} warning(s){kept}"
    )


def _sample_notice(path: Path) -> bool:
    """A licence or provenance note of the bundled sample (``LICENSE``, ``PROVENANCE.md``), not AWS data."""
    return path.is_relative_to(SAMPLE_DIR) and (path.name == "LICENSE" or path.suffix == ".md")


def export(
    parquet: Annotated[Path, typer.Option("--parquet", callback=new_in_existing_folder, help="The lake folder to write (created if missing, in a folder that exists).")],
    run: Annotated[Optional[int], typer.Option("--run", help="Also export this check run's results.")] = None,
    db: DbOption = None,
) -> None:
    """Export every table as Parquet for Spark, Athena/Glue or Trino (events partitioned by account, region
    and day); a re-export replaces only the partitions it writes.

    \b
    Examples:
      iamsql export --parquet ./lake
      iamsql export --parquet ./lake --run 3
    """
    con = dbmod.connect(db, read_only=True)
    try:
        summary = lake.export(con, parquet, run_id=run)
    finally:
        con.close()
    rows = [(table, count, summary.partitions.get(table, 0)) for table, count in summary.rows.items()]
    typer.echo(render(["table", "rows", "partitions"], rows, "table"), nl=False)
    typer.echo(f"exported to {summary.directory}")
