"""Export the database as a Parquet lake that Spark, Athena/Glue and Trino read directly.

Layout (every directory is one table, Hive-style ``key=value`` partitions, files ``data_<n>.parquet``)::

    DIR/_iamsql_lake.json                    format version, tables, their columns and which ones hold JSON
    DIR/<steampipe table>/account_id=<a>/    the latest-snapshot rows (what ``main.<table>`` shows)
    DIR/aws_cloudtrail_trail_event/account_id=<a>/region=<r>/event_date=<yyyy-mm-dd>/
    DIR/iamsql_account/account_id=<a>/       partition and "as of" time of each account
    DIR/iamsql_coverage/account_id=<a>/      which tables each account's latest snapshots covered (``partial``: why
                                             one holds only part of its table, else NULL; ``whole``: the keys
                                             whose rows such a table holds whole)
    DIR/iamsql_snapshot/account_id=<a>/      the snapshots behind the data (sources with SHA-256)
    DIR/iam_principal_access/account_id=<a>/ the policy engine's answers (every ``schema.ACCESS_TABLES`` table),
                                             computed at export so Spark runs the same controls on them
    DIR/iamsql_run/run_id=<n>/, DIR/iamsql_result/run_id=<n>/   a check run, when asked

Parquet has no JSON type: JSON columns are written as JSON text (strings); readers parse them
(``get_json_object``/``from_json`` on Spark, ``json_extract`` on Athena/Trino). Timestamps are UTC instants.
A NULL partition value is written as ``__HIVE_DEFAULT_PARTITION__`` (events without a time or region).

Incremental and idempotent: each export replaces only the partitions it writes. Account partitions of the
snapshot tables are replaced for every account in the database (an empty table removes the old rows: a
table loaded with zero rows is data); event partitions are replaced per (account, region, day) present in
the database, so exporting a database that holds one day's events replaces that day and keeps the others.
Files are written to a temporary folder inside DIR first, then each partition directory is swapped in.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from iamsql import __version__
from iamsql.common.safe_write import in_existing_folder
from iamsql.controls.catalog import ACCESS_QUESTIONS
from iamsql.errors import LakeError, first_line
from iamsql.history.runs import no_such_run
from iamsql.policy.access import create_tables as create_access_tables
from iamsql.store.db import has_table
from iamsql.store.schema import ACCESS_TABLES, ACCUMULATING_TABLES, ORGANIZATION_TRAIL_SELECT, TABLES, columns

# 2: the event table has the identity columns written at load time (identity_account_id and the others).
LAKE_FORMAT = 2
ACCESS_PREFIX = "iamsql_export_"
MANIFEST = "_iamsql_lake.json"
EVENTS = "aws_cloudtrail_trail_event"
EVENT_PARTITIONS = ("account_id", "region", "event_date")

# Bookkeeping exported beside the tables: name -> (DuckDB select over the database, partition columns).
BOOKKEEPING = {
    "iamsql_account": ("select account_id, partition, as_of from iamsql_account", ("account_id",)),
    "iamsql_coverage": ("select l.account_id, l.table_name, l.snapshot_id, p.reason as partial, p.whole "
                        "from iamsql_latest l left join iamsql_partial p using (account_id, table_name)",
                        ("account_id",)),
    "iamsql_listed": ("select account_id, table_name, key from iamsql_listed", ("account_id",)),
    "iamsql_snapshot": (
        "select snapshot_id, account_id, kind, loaded_at, as_of, tool_version, sources::varchar as sources, "
        "partial, gaps::varchar as gaps from iamsql_snapshot "
        "where snapshot_id in (select snapshot_id from iamsql_latest)",
        ("account_id",),
    ),
}
RUN_TABLES = {
    "iamsql_run": "select * exclude (accounts, snapshot_ids, parameters, frameworks), accounts::varchar as accounts, "
                  "snapshot_ids::varchar as snapshot_ids, parameters::varchar as parameters, "
                  "frameworks::varchar as frameworks from iamsql_run where run_id = {run_id}",
    "iamsql_result": "select * exclude (dimensions), dimensions::varchar as dimensions from iamsql_result "
                     "where run_id = {run_id}",
}


@dataclass
class ExportSummary:
    """What one export wrote: rows per table and the partition directories it replaced."""

    directory: Path
    rows: dict[str, int] = field(default_factory=dict)
    partitions: dict[str, int] = field(default_factory=dict)


def organization_views(prefix: str = "") -> dict[str, str]:
    """The account views that every account's controls read whole (never one account's rows), as SQL that DuckDB,
    Spark, Trino and Athena all run, over the lake's tables named ``prefix`` + the Steampipe table:
    ``iamsql_organization_member`` (the organization accounts each management account listed),
    ``iamsql_organization_trail`` (organization trails, the home-region row of the account that manages each) and
    ``iamsql_organization_analyzer`` (external-access analyzers whose zone of trust is the organization)."""
    return {
        "iamsql_organization_member": f"select id, arn, snapshot_id from {prefix}aws_organizations_account",
        "iamsql_organization_trail": ORGANIZATION_TRAIL_SELECT.format(trails=f"{prefix}aws_cloudtrail_trail"),
        "iamsql_organization_analyzer": (
            f"select arn, name, account_id, region, status from {prefix}aws_accessanalyzer_analyzer "
            "where type = 'ORGANIZATION'"),
    }


def partial_view(prefix: str = "") -> str:
    """``iamsql_partial`` (each account's tables its latest snapshots load in part, and why) over the lake's
    ``iamsql_coverage`` named ``prefix`` + ``iamsql_coverage``."""
    return f"select account_id, table_name, partial as reason, whole from {prefix}iamsql_coverage where partial is not null"


def select_sql(table: str) -> str:
    """The DuckDB select that exports one Steampipe table: JSON columns as text, plus ``event_date`` for events."""
    items = [f'"{name}"::varchar as "{name}"' if sqltype == "JSON" else f'"{name}"' for name, sqltype in columns(table)]
    if table == EVENTS:
        items.append("strftime(event_time, '%Y-%m-%d') as event_date")
        return f"select {', '.join(items)} from main.{table} order by account_id, region, event_time"
    return f"select {', '.join(items)} from main.{table}"


def json_columns(table: str) -> list[str]:
    return [name for name, sqltype in columns(table) if sqltype == "JSON"]


def export(con: duckdb.DuckDBPyConnection, directory: Path, *, run_id: int | None = None) -> ExportSummary:
    """Write every table (and the run ``run_id`` if given) under ``directory``; see the module docstring."""
    directory = in_existing_folder(directory)
    try:
        directory.mkdir(exist_ok=True)
    except OSError as exc:
        raise LakeError(f"cannot create {directory}: {exc.strerror}") from None
    manifest = directory / MANIFEST
    if any(directory.iterdir()) and not manifest.exists():
        raise LakeError(f"{directory} is not empty and is not an iamsql lake (no {MANIFEST}); choose an empty folder")
    if manifest.exists():
        # The partitions an export does not rewrite stay as they were: a lake of another format would mix layouts.
        try:
            read_manifest(directory)
        except LakeError as exc:
            raise LakeError(f"{exc}; export into an empty folder") from None
    if run_id is not None and (not has_table(con, "iamsql_run") or not con.execute(
            "select count(*) from iamsql_run where run_id = ?", [run_id]).fetchone()[0]):
        raise LakeError(no_such_run(con, run_id))
    accounts = [r[0] for r in con.execute("select account_id from iamsql_account order by 1").fetchall()]
    staging = directory / f".export-{uuid.uuid4().hex}"
    summary = ExportSummary(directory)
    try:
        staging.mkdir()
        for table in TABLES:
            partitions = EVENT_PARTITIONS if table in ACCUMULATING_TABLES else ("account_id",)
            replace = None if table in ACCUMULATING_TABLES else [f"account_id={a}" for a in accounts]
            _export_table(con, select_sql(table), table, partitions, directory, staging, summary, replace)
        for table, (sql, partitions) in BOOKKEEPING.items():
            _export_table(con, sql, table, partitions, directory, staging, summary, [f"account_id={a}" for a in accounts])
        create_access_tables(con, ACCESS_QUESTIONS, prefix=ACCESS_PREFIX)
        for table, table_columns in ACCESS_TABLES.items():
            items = [f'"{n}"::varchar as "{n}"' if t == "JSON" else f'"{n}"' for n, t in table_columns]
            _export_table(con, f"select {', '.join(items)} from temp.main.{ACCESS_PREFIX}{table}", table,
                          ("account_id",), directory, staging, summary, [f"account_id={a}" for a in accounts])
            con.execute(f"drop table temp.main.{ACCESS_PREFIX}{table}")
        if run_id is not None:
            for table, sql in RUN_TABLES.items():
                _export_table(con, f"select * from ({sql.format(run_id=int(run_id))}) order by all", table,
                              ("run_id",), directory, staging, summary, [f"run_id={int(run_id)}"])
        _write_manifest(manifest)
    except duckdb.Error as exc:
        raise LakeError(f"export to {directory} failed: {first_line(exc)}") from None
    except OSError as exc:
        raise LakeError(f"export to {directory} failed: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return summary


def _export_table(con, sql: str, table: str, partitions: tuple[str, ...], directory: Path, staging: Path,
                  summary: ExportSummary, replace: list[str] | None) -> None:
    """COPY the rows into ``staging/<table>``, then swap each written partition into ``directory/<table>``.

    ``replace``: partition paths to clear even if nothing new is written there (accounts whose table is now
    empty); None means only the written partitions are replaced (events)."""
    written = staging / "new" / table
    count = con.execute(f"select count(*) from ({sql})").fetchone()[0]
    summary.rows[table] = count
    if count:
        written.parent.mkdir(parents=True, exist_ok=True)
        keys = ", ".join(partitions)
        con.execute(f"copy ({sql}) to '{_sql_path(written)}' (format parquet, partition_by ({keys}), "
                    f"compression zstd, row_group_size 122880)")
    new_leaves = {p.parent.relative_to(written).as_posix() for p in written.rglob("*.parquet")} if count else set()
    target_root = directory / table
    retired = staging / "old" / table
    replaced = 0
    for leaf in sorted(new_leaves | set(replace or [])):
        target, fresh = target_root / leaf, written / leaf
        if target.exists():
            (retired / leaf).parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, retired / leaf)
        if fresh.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(fresh, target)
        replaced += 1
    summary.partitions[table] = replaced


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _write_manifest(path: Path) -> None:
    tables = {
        table: {
            "columns": [[name, "VARCHAR" if t == "JSON" else t] for name, t in columns(table)]
            + ([["event_date", "VARCHAR"]] if table == EVENTS else []),
            "json_columns": json_columns(table),
            "partitioned_by": list(EVENT_PARTITIONS if table in ACCUMULATING_TABLES else ("account_id",)),
        }
        for table in TABLES
    }
    text = json.dumps({"format": LAKE_FORMAT, "tool_version": __version__, "tables": tables}, indent=1)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_manifest(directory: Path) -> dict:
    """The lake's manifest; a folder that is not an iamsql lake raises LakeError."""
    path = Path(directory) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LakeError(f"{directory} is not an iamsql Parquet lake (no {MANIFEST}); run 'iamsql export --parquet' first") from None
    except (OSError, ValueError) as exc:
        raise LakeError(f"cannot read {path}: {exc}") from None
    if manifest.get("format") != LAKE_FORMAT:
        raise LakeError(f"{path}: lake format {manifest.get('format')!r} is not supported (expected {LAKE_FORMAT})")
    return manifest
