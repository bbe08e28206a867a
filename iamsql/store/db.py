"""Open the DuckDB database and keep its schema: snapshot bookkeeping, history tables and latest-snapshot views.

Layout:
- ``history.<table>`` holds every row ever loaded, each tagged with its ``snapshot_id``.
- ``main.<table>`` is a view with the rows of the latest snapshot per account that covered that table, so
  Steampipe queries see one current state; CloudTrail events accumulate and the view shows them all.
- ``iamsql_snapshot`` records each load: account, when, the data's own "as of" time, sources with SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path, PurePath

import duckdb

from iamsql import __version__
from iamsql.common.paths import duckdb_literal
from iamsql.errors import DatabaseError, RowsNotStored, first_line
from iamsql.sql import cache as sqlcache
from iamsql.sql.pgfunctions import install_macros as install_dialect_macros
from iamsql.sql.pgfunctions import opened
from iamsql.store import journal
from iamsql.store.bookkeeping import BOOKKEEPING_DDL
from iamsql.store.schema import ACCUMULATING_TABLES, COMPRESSION, ORGANIZATION_TRAIL_SELECT, TABLES, columns

DEFAULT_DB = "iamsql.duckdb"



# The views' common table "report": each row of the account's latest credential report (the root's too).
_LATEST_REPORT = """report as (
    select * from history.aws_iam_credential_report
    where snapshot_id in (select snapshot_id from iamsql_latest where table_name = 'aws_iam_credential_report')
    qualify row_number() over (partition by account_id, user_name order by snapshot_id desc) = 1
)"""


# aws_iam_user with the MFA and password facts of the account's latest credential report, as Steampipe's columns
# come from the API: where the user listing did not carry them, mfa_enabled = the report's mfa_active (any MFA
# device, virtual or hardware, as Steampipe's column), mfa_devices = [] (ListMFADevices' empty list) where the report
# says the user has none, and password_last_used = the report's; without either, a virtual MFA device that
# list-virtual-mfa-devices shows assigned to the user makes mfa_enabled true (ListMFADevices lists it; a user without
# one may still have a hardware device or passkey, so its absence leaves NULL). An account with a
# credential report and no user listing gets its users from the report (name, arn, the path its ARN names,
# create_date, the two facts; other columns NULL); controls that need the user listing still skip it, as
# iamsql_latest has no aws_iam_user.
USER_VIEW = f"""
create or replace view main.aws_iam_user as
with {_LATEST_REPORT},
assigned_virtual_mfa as (
    select distinct account_id, user_name from history.aws_iam_virtual_mfa_device
    where snapshot_id in (select snapshot_id from iamsql_latest where table_name = 'aws_iam_virtual_mfa_device')
      and user ->> 'Arn' like '%:user/%'
)
select u.* replace (coalesce(u.mfa_enabled, r.mfa_active, v.user_name is not null or null) as mfa_enabled,
                    coalesce(u.password_last_used, r.password_last_used) as password_last_used,
                    coalesce(u.mfa_devices, case when not r.mfa_active then '[]'::json end) as mfa_devices)
from history.aws_iam_user u
left join report r on r.account_id = u.account_id and r.user_name = u.name
left join assigned_virtual_mfa v on v.account_id = u.account_id and v.user_name = u.name
where u.snapshot_id in (select snapshot_id from iamsql_latest where table_name = 'aws_iam_user')
union all by name
select r.user_name as name, r.user_arn as arn,
       regexp_extract(r.user_arn, ':user(/(?:.*/)?)[^/]*$', 1) as path,  -- user/a/b/name: /a/b/; user/name: /
       r.user_creation_time as create_date,
       r.password_last_used, r.mfa_active as mfa_enabled, case when not r.mfa_active then '[]'::json end as mfa_devices,
       r.user_name as title, to_json([r.user_arn]) as akas,
       r.partition, 'global' as region, r.account_id, r.sp_connection_name, r.sp_ctx, r._ctx, r.snapshot_id
from report r
where r.user_name <> '<root_account>'
  and r.account_id not in (select account_id from iamsql_latest where table_name = 'aws_iam_user')
"""


# aws_iam_access_key (IAM users' keys, as Steampipe's: never the root user's) with each key's last use from the account's
# latest credential report where no GetAccessKeyLastUsed output was loaded for it (collect asks that call only for
# keys the report has no slot for): a key is the report's slot 1 or 2 when it was created in the second the slot was
# last rotated (a slot time that two keys share matches neither). Service and region are "N/A" where the slot says
# N/A, as GetAccessKeyLastUsed (and so Steampipe) gives them; NULL where the key's last use is not known.
ACCESS_KEY_VIEW = f"""
create or replace view main.aws_iam_access_key as
with {_LATEST_REPORT},
slot_rows as (
    select account_id, user_name, date_trunc('second', access_key_1_last_rotated) as created,
           access_key_1_last_used_date as used_date, access_key_1_last_used_service as used_service,
           access_key_1_last_used_region as used_region
    from report where access_key_1_last_rotated is not null
    union all
    select account_id, user_name, date_trunc('second', access_key_2_last_rotated),
           access_key_2_last_used_date, access_key_2_last_used_service, access_key_2_last_used_region
    from report where access_key_2_last_rotated is not null
),
slots as (
    select * from slot_rows qualify count(*) over (partition by account_id, user_name, created) = 1
)
select k.* replace (
           coalesce(k.access_key_last_used_date, s.used_date) as access_key_last_used_date,
           coalesce(k.access_key_last_used_service, s.used_service,
                    case when s.created is not null then 'N/A' end) as access_key_last_used_service,
           coalesce(k.access_key_last_used_region, s.used_region,
                    case when s.created is not null then 'N/A' end) as access_key_last_used_region)
from history.aws_iam_access_key k
left join slots s on s.account_id = k.account_id and s.user_name = k.user_name
                 and s.created = date_trunc('second', k.create_date)
where k.snapshot_id in (select snapshot_id from iamsql_latest where table_name = 'aws_iam_access_key')
"""

# Tables whose view adds facts from another table (the rest show their latest snapshot as stored).
COMBINED_VIEWS = {"aws_iam_user": USER_VIEW, "aws_iam_access_key": ACCESS_KEY_VIEW}


def resolve_db_path(db: str | os.PathLike | None) -> Path:
    """The database path: the argument, else ``$IAMSQL_DB``, else ``./iamsql.duckdb``."""
    return Path(db or os.environ.get("IAMSQL_DB") or DEFAULT_DB)


def connect(db: str | os.PathLike | None = None, *, read_only: bool = False,
            macros: bool = True, queries: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the database (creating it and its schema unless read-only) with iamsql's SQL macros installed,
    ``iamsql_account`` and ``iamsql_as_of``. The ``queries/views`` helper views are not created (translating them
    costs 0.5-3 s): ``controls.create_views(con)`` adds them for a caller that reads them. Without ``macros``, the
    dialect's macros and Python functions are left for ``iamsql.sql.query``, the helper views and the control
    engines to install when a statement calls them (``pgfunctions.install_called``): creating them all costs ~30 ms
    and DuckDB imports NumPy (~0.1 s) for the first Python function. Without ``queries``, none of that is installed
    (no macros, ``iamsql_account`` or ``iamsql_as_of``): for a caller that only stores rows, as ``load`` does, or
    that creates what its SQL names, as ``query`` does."""
    path = resolve_db_path(db)
    if read_only and not path.exists():
        raise missing_database(path)
    if not read_only and not path.parent.is_dir():
        raise DatabaseError(f"cannot create database {path}: folder {path.parent} does not exist; create it first, "
                            f"or give --db a file in an existing folder")
    copied = not read_only and not path.exists() and _copy_empty_database(path)
    try:
        con = _open_explained(path, read_only)
    except DatabaseError as exc:
        if not copied or "(locked)" in str(exc):  # locked: another process opened the copy first, as it may
            raise
        path.unlink(missing_ok=True)  # a copy that does not open (a damaged kept database): made as before
        con = _open_explained(path, read_only)
    if read_only and has_table(con, "iamsql_snapshot") and not schema_is_current(con) and not newer_schema_parts(con):
        con.close()  # made by an older iamsql: add what it lacks, as a writing command would, then read
        try:
            with closing(_open(path, read_only=False)) as writing:
                ensure_schema(writing, path)
        except duckdb.Error:
            pass  # another process has it open, or the file is read-only: read what the older schema has
        con = _open_explained(path, read_only)
        if not schema_is_current(con):
            _derive_missing_columns(con)
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")  # DuckDB would draw it on stdout, into piped output
    if not read_only:
        try:
            ensure_schema(con, path)
        except BaseException:
            con.close()
            raise
    opened(con)  # nothing installed yet: no need to ask DuckDB's catalog whether it has the functions
    if not queries:
        return con
    if macros:
        install_dialect_macros(con)
    create_account_view(con)  # TEMP views
    return con


def _derive_missing_columns(con: duckdb.DuckDBPyConnection) -> None:
    """A database an older iamsql made, read as it is (it could not be brought up to date): a TEMP view over each
    Steampipe table whose stored rows lack columns that the upgrade fills from each row (``FROM_CTX``, ``FROM_ROW``)
    adds them, computed as the upgrade computes them, so that the views and controls that read them answer."""
    present = _history_columns(con)
    database = con.execute("select current_database()").fetchone()[0].replace('"', '""')
    for table in TABLES:
        if table not in present or table in COMBINED_VIEWS:
            continue
        derived = [f'{value} as "{name}"' for name, _ in columns(table) if name not in present[table]
                   if (value := FROM_CTX.get(name) or FROM_ROW.get(table, {}).get(name))]
        if derived:
            con.execute(f"create or replace temp view {table} as select *, {', '.join(derived)} "
                        f'from "{database}".main.{table}')


def _copy_empty_database(path: Path) -> bool:
    """Put at ``path`` (which does not exist) a copy of an empty database with this schema (``_empty_database``):
    creating the schema's tables and views costs ~50 ms of CPU, copying the file under 1 ms. The copy is written
    beside ``path`` and linked into place, so the file appears whole or not at all and never replaces one another
    process made meanwhile; whether it was placed (else the caller creates the database as before)."""
    empty = _empty_database()
    if empty is None:
        return False
    temporary = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        with empty.open("rb") as source, open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666),
                                              "wb") as target:
            target.write(source.read())
        os.link(temporary, path)
    except OSError:
        return False
    finally:
        try:
            os.unlink(temporary)
        except OSError:
            pass
    return True


def _empty_database() -> Path | None:
    """An empty database with this schema, made once and kept beside the translation cache (``schema/``), named by
    the schema's fingerprint and iamsql's and DuckDB's versions; None when it cannot be made there."""
    key = hashlib.sha256(f"{__version__}|{duckdb.__version__}|{schema_fingerprint()}".encode()).hexdigest()
    path = sqlcache.cache_dir() / "schema" / f"{key}.duckdb"
    if path.is_file() and _has_duckdb_header(path):  # else made again
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".schema-", suffix=".duckdb")
        os.close(handle)
        os.unlink(name)  # DuckDB makes the file itself
    except OSError:
        return None
    temporary = Path(name)
    try:
        with closing(duckdb.connect(name)) as con:
            con.execute("set TimeZone = 'UTC'")
            ensure_schema(con)
        os.replace(temporary, path)
    except (OSError, duckdb.Error):
        return None
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return path


def missing_database(path: Path) -> DatabaseError:
    """The error of a command that reads a database that is not there (often: another --db was meant)."""
    return DatabaseError(f"database {path} does not exist: run 'iamsql load' or 'iamsql collect' first, or point "
                         f"--db (or IAMSQL_DB) at the database they wrote")


@contextmanager
def filling(db: str | os.PathLike | None,
            open_database: Callable[[], duckdb.DuckDBPyConnection] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The connection (``connect(db)`` unless ``open_database`` is given) of a command that fills the database
    (load, collect, evidence run), closed at the end. When the command fails, a database it created is removed
    again: an empty file left behind would make the next command read it as loaded instead of saying nothing is."""
    path = resolve_db_path(db)
    new = not path.exists()
    con = open_database() if open_database else connect(db)
    try:
        yield con
    except BaseException:
        empty = new and _holds_nothing(con)
        con.close()
        if empty:
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        raise
    con.close()


def _holds_nothing(con: duckdb.DuckDBPyConnection) -> bool:
    """No snapshot and no check run stored (unsure counts as holding something)."""
    try:
        con.execute("rollback")
    except duckdb.Error:
        pass  # no transaction open
    try:
        return not any(has_table(con, table) and con.execute(f"select count(*) from {table}").fetchone()[0]
                       for table in ("iamsql_snapshot", "iamsql_run"))
    except duckdb.Error:
        return False


def _open_explained(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """``_open``, its failure as one ``DatabaseError`` line (locked by another process, not a database...)."""
    if path.is_file() and path.stat().st_size == 0:  # DuckDB's words for it depend on the mode, read-only's are wrong
        raise DatabaseError(f"cannot open database {path}: the file is empty, not a DuckDB database")
    if path.is_file() and not _has_duckdb_header(path):
        # DuckDB opens an existing .json, .csv or .parquet file as an in-memory database over it: a load into it
        # would be lost and a check would read nothing
        raise DatabaseError(f"cannot open database {path}: not a DuckDB database (a file to load is an argument "
                            f"of 'iamsql load', not its --db)")
    try:
        return _open(path, read_only)
    except duckdb.IOException as exc:
        message = first_line(exc)
        if "lock" in message.lower():
            raise DatabaseError(
                f"database {path} is in use by {_lock_holder(message)} (locked); try again when it finishes"
            ) from None
        raise DatabaseError(f"cannot open database {path}: {message if read_only else with_write_hint(message)}") from None
    except duckdb.Error as exc:
        raise DatabaseError(f"cannot open database {path}: {first_line(exc)}") from None


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file, after its header's checksum


def _has_duckdb_header(path: Path) -> bool:
    """Whether the file starts as a DuckDB database does (unsure, an unreadable file, counts as yes: DuckDB says why)."""
    try:
        with path.open("rb") as handle:
            return handle.read(12)[8:] == DUCKDB_MAGIC
    except OSError:
        return True


def with_write_hint(message: str) -> str:
    """DuckDB's message, with what to check when the database file or its folder (its .wal) cannot be written."""
    if re.search(r"permission denied|operation not permitted|read-only file system", message, re.I):
        return f"{message}; loading and checking write to the database: check the permissions of the file and its folder"
    return message


def _lock_holder(message: str) -> str:
    """Who holds a database's lock, from DuckDB's message ("Conflicting lock is held in /usr/bin/python3 (PID 42)"):
    any program may hold it, not only iamsql."""
    found = re.search(r"held in (.+?) \(PID (\d+)\)", message)
    return f"another process, {PurePath(found[1]).name} PID {found[2]}" if found else "another process"


# DuckDB names a database after its file ("history.duckdb" -> catalog "history"), which would make every
# "history.<table>" ambiguous with the history schema; such a file is attached under this name instead.
CATALOG_ALIAS = "iamsql"


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    if path.name.split(".")[0].casefold() != "history":
        return duckdb.connect(str(path), read_only=read_only)
    con = duckdb.connect()
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"attach '{quoted}' as {CATALOG_ALIAS}" + (" (read_only)" if read_only else ""))
        con.execute(f"use {CATALOG_ALIAS}")
        con.execute(f"set temp_directory = '{quoted}.tmp'")  # where DuckDB spills, as for any other file
    except BaseException:
        con.close()
        raise
    return con


# Steampipe's connection columns that a database made before them gets from each stored row's _ctx.
FROM_CTX = {"sp_connection_name": "_ctx ->> 'connection_name'", "sp_ctx": "_ctx"}
# Columns of one table that a database made before them gets from each stored row: the events' identity columns from
# their user_identity, the texts the actor view read from it before the loader wrote them.
FROM_ROW = {
    "aws_cloudtrail_trail_event": {
        "identity_account_id": "nullif(user_identity ->> '$.accountId', '')",
        "identity_invoked_by": "nullif(user_identity ->> '$.invokedBy', '')",
        "session_issuer_arn": "user_identity ->> '$.sessionContext.sessionIssuer.arn'",
        "session_mfa_authenticated": "user_identity ->> '$.sessionContext.attributes.mfaAuthenticated'",
    },
}

SCHEMA_TABLE = "iamsql_schema"  # one row: the fingerprint of the DDL that made the database's schema


@lru_cache(maxsize=1)
def schema_fingerprint() -> str:
    """SHA-256 of every statement ``ensure_schema`` runs (bookkeeping DDL, history tables, their compression and
    the latest-snapshot views): equal fingerprints mean an equal schema."""
    parts = [BOOKKEEPING_DDL, json.dumps([TABLES, COMPRESSION, sorted(ACCUMULATING_TABLES), COMBINED_VIEWS])]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database records that this very schema made it (one query)."""
    return has_table(con, SCHEMA_TABLE) and con.execute(f"select fingerprint from {SCHEMA_TABLE}").fetchall() == [
        (schema_fingerprint(),)
    ]


def _history_columns(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    present: dict[str, set[str]] = {}
    for table, column in con.execute("select table_name, column_name from duckdb_columns() where schema_name = "
                                     "'history' and database_name = current_database()").fetchall():
        present.setdefault(table, set()).add(column)
    return present


def newer_schema_parts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The history tables and columns of the database that this iamsql does not know: history tables and columns
    are only ever added, so a database that has them was made by a newer iamsql."""
    unknown = []
    for table, names in sorted(_history_columns(con).items()):
        if table in TABLES:
            unknown += [f"history.{table}.{name}" for name in sorted(names - {name for name, _ in columns(table)})]
        else:
            unknown.append(f"history.{table}")
    return unknown


def ensure_schema(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> None:
    """Create bookkeeping tables, history tables and latest-snapshot views that do not exist yet; nothing to do
    (one query) when the database records that this very schema made it. A database a newer iamsql made (at
    ``path``, for the message) is refused, never given this iamsql's older views."""
    if schema_is_current(con):
        return
    if newer := newer_schema_parts(con):
        raise DatabaseError(f"database {path or 'file'} was written by a newer iamsql: its {newer[0]} is unknown to "
                            "this one; use that iamsql version or a newer one")
    with transaction(con):  # one commit for the whole schema instead of one per statement
        con.execute(BOOKKEEPING_DDL + "create schema if not exists history;\n" + "".join(
            f"create table if not exists history.{table} ({_column_ddl(table)});\n" for table in TABLES))
        present = _history_columns(con)
        for table in TABLES:  # columns added since the database was made (e.g. event_time_raw): appended
            filled = []
            for name, sqltype in columns(table):
                if name not in present.get(table, {name}):
                    con.execute(f'alter table history.{table} add column "{name}" {sqltype}')
                    # rows stored before the column: the connection columns from _ctx, FROM_ROW's from the row
                    if value := FROM_CTX.get(name) or FROM_ROW.get(table, {}).get(name):
                        filled.append(f'"{name}" = {value}')
            if filled:  # one pass over the stored rows
                con.execute(f"update history.{table} set {', '.join(filled)}")
        # views after every table: aws_iam_user's reads the credential report's
        con.execute("".join(_view_ddl(table).strip() + ";\n" for table in TABLES))
        con.execute(f"create or replace table {SCHEMA_TABLE} as select ?::varchar as fingerprint", [schema_fingerprint()])


def _column_ddl(table: str) -> str:
    """The column list of ``history.<table>`` with each column's compression."""
    storage = COMPRESSION.get(table, {})
    return ", ".join(
        f'"{name}" {sqltype}' + (f" using compression {storage[name]}" if name in storage else "")
        for name, sqltype in columns(table)
    )


def _view_ddl(table: str) -> str:
    """The statement that creates the latest-snapshot view ``main.<table>``: its columns in ``TABLES``' order
    (Steampipe's), whatever order a database made by an older iamsql stores them in."""
    if table in COMBINED_VIEWS:
        return COMBINED_VIEWS[table]
    listed = ", ".join(f'"{name}"' for name, _ in columns(table))
    view = f"create or replace view main.{table} as select {listed} from history.{table}"
    if table in ACCUMULATING_TABLES:
        return view
    return f"{view} where snapshot_id in (select snapshot_id from iamsql_latest where table_name = '{table}')"


ROW_GROUP_ROWS = 122_880  # DuckDB's rows per row group: the unit a scan is split into between threads


def is_small_data(con: duckdb.DuckDBPyConnection) -> bool:
    """No stored table holds more than one row group (DuckDB's estimate)."""
    largest = con.execute(
        "select coalesce(max(estimated_size), 0) from duckdb_tables() "
        "where schema_name = 'history' and database_name = current_database()"
    ).fetchone()[0]
    return largest <= ROW_GROUP_ROWS


@contextmanager
def one_thread_for_small_data(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One DuckDB thread while no stored table holds more than one row group: no scan can then be split, and the
    other threads only add their scheduling (on Cloudsplaining's example, 0.84-1.00 CPU-s for the check with one
    thread against 0.98-1.36 with two). The connection's setting is restored afterwards."""
    if not is_small_data(con):
        yield
        return
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    con.execute("set threads = 1")
    try:
        yield
    finally:
        con.execute(f"set threads = {int(threads)}")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Install the SQL macros and Python functions that Steampipe-dialect queries and controls rely on (temporary,
    per connection)."""
    install_dialect_macros(con)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection, what: Callable[[], str | None] | None = None):
    """All-or-nothing: commit on success, roll back on any exception (including Ctrl-C). ``what()`` says what
    the transaction stores (e.g. "check run 4", ``None`` for nothing worth saying); it goes to ``journal`` as
    stored or rolled back."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        if what is not None and (said := what()):
            journal.record(said, committed=False)
        raise
    else:
        con.execute("commit")
        if what is not None and (said := what()):
            journal.record(said, committed=True)


def new_snapshot(
    con: duckdb.DuckDBPyConnection,
    *,
    account_id: str,
    kind: str,
    sources: list[dict],
    as_of: datetime | None,
    partial: bool = False,
    gaps: list[dict] | None = None,
) -> int:
    """Record a snapshot row and return its id. Call inside the load's transaction."""
    snapshot_id = con.execute("select nextval('iamsql_snapshot_seq')").fetchone()[0]
    con.execute(
        "insert into iamsql_snapshot values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            snapshot_id,
            account_id,
            kind,
            datetime.now(timezone.utc),
            as_of,
            __version__,
            json.dumps(sources, default=str),
            partial,
            json.dumps(gaps or [], default=str),
        ],
    )
    return snapshot_id


def discard_snapshot(con: duckdb.DuckDBPyConnection, snapshot_id: int) -> None:
    """Remove a snapshot ``new_snapshot`` made in this transaction that nothing was stored under."""
    con.execute("delete from iamsql_snapshot where snapshot_id = ?", [snapshot_id])


def move_source_folder(con: duckdb.DuckDBPyConnection, old: Path, new: Path) -> None:
    """Name the files loaded from folder ``old`` by their place under ``new``, where the folder is about to be
    moved: each snapshot's ``sources`` paths and each event's ``source_file`` (an evidence run loads from a
    hidden folder that it then renames). Call inside the transaction that records the move."""
    old_prefix, new_prefix = f"{old}{os.sep}", f"{new}{os.sep}"
    for snapshot_id, text in con.execute(
        "select snapshot_id, sources::varchar from iamsql_snapshot where contains(sources::varchar, ?)", [old.name]
    ).fetchall():
        sources = json.loads(text)
        for entry in sources:
            if str(entry.get("path") or "").startswith(old_prefix):
                entry["path"] = new_prefix + entry["path"][len(old_prefix):]
        con.execute("update iamsql_snapshot set sources = ? where snapshot_id = ?",
                    [json.dumps(sources, default=str), snapshot_id])
    for table in ("history.aws_cloudtrail_trail_event", "iamsql_event_conflict"):
        con.execute(f"update {table} set source_file = ? || substr(source_file, length(?) + 1)"
                    " where starts_with(source_file, ?)", [new_prefix, old_prefix, old_prefix])


_MIN_OBJECT_BYTES = 16 << 20  # DuckDB's default maximum_object_size
_ROW_ENCODER = json.JSONEncoder(default=str)  # json.dumps(value, default=str) without a new encoder per call


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, snapshot_id: int, rows: Iterable[dict]) -> int:
    """Insert dict rows (keys are Steampipe column names) into ``history.<table>`` and record the snapshot as
    covering the table (even with zero rows); returns the row count."""
    (count,) = write_rows(con, table, [(snapshot_id, rows)])
    record_coverage(con, [(snapshot_id, table, count)])
    return count


def record_coverage(con: duckdb.DuckDBPyConnection, covered: list[tuple[int, str, int]]) -> None:
    """Record ``(snapshot_id, table_name, row_count)`` entries in ``iamsql_snapshot_table``, in one statement."""
    if covered:
        con.execute("insert into iamsql_snapshot_table values " + ", ".join(["(?, ?, ?)"] * len(covered)),
                    [value for entry in covered for value in entry])


def write_rows(con: duckdb.DuckDBPyConnection, table: str, batches: Iterable[tuple[int, Iterable[dict]]]) -> list[int]:
    """Insert the dict rows of one or more snapshots, ``(snapshot_id, rows)`` each (keys are Steampipe column
    names), into ``history.<table>`` in one statement; returns each batch's row count.

    Rows go through a temporary NDJSON file read with an explicit column list, which is much faster than
    row-by-row inserts and turns JSON values and ISO-8601 timestamps into DuckDB types in one pass.
    Missing keys become NULL; no rows, no statement. A DuckDB error raises ``RowsNotStored`` (``index`` counts
    the rows of every batch in order), which never names the temporary file.
    """
    cols = columns(table)
    counts: list[int] = []
    count = longest = longest_index = 0
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False, encoding="utf-8") as tmp:
        for snapshot_id, rows in batches:
            counts.append(0)
            for row in rows:
                record = {name: row.get(name) for name, _ in cols}
                record["snapshot_id"] = snapshot_id
                # JSON columns are written as JSON text so that read_json keeps any shape (object, array, scalar).
                for name, sqltype in cols:
                    if sqltype == "JSON" and record[name] is not None:
                        record[name] = _ROW_ENCODER.encode(record[name])
                line = _ROW_ENCODER.encode(record)
                tmp.write(line)
                tmp.write("\n")
                if len(line) > longest:
                    longest, longest_index = len(line), count
                count += 1
                counts[-1] += 1
    try:
        if count:
            spec = ", ".join(f"'{name}': '{'VARCHAR' if t == 'JSON' else t}'" for name, t in cols)
            select = ", ".join(
                f'"{name}"::JSON' if t == "JSON" else f'"{name}"' for name, t in cols
            )
            con.execute(
                f"insert into history.{table} ({', '.join(repr_name(n) for n, _ in cols)}) select {select} "
                f"from read_json(?, format='newline_delimited', columns={{{spec}}}, timestampformat='auto', "
                f"maximum_object_size={max(_MIN_OBJECT_BYTES, longest + 1024)})",  # json.dumps writes ASCII
                [duckdb_literal(tmp.name)],  # a temporary folder whose name holds [ * ? is read literally
            )
    except duckdb.Error as exc:
        message = str(exc).strip().splitlines()[0]
        reason = message.replace(f'"{tmp.name}"', "the rows").replace(tmp.name, "the rows")
        line = re.search(r"\bline (\d+)", message)
        index = int(line.group(1)) - 1 if line and 0 < int(line.group(1)) <= count else \
            longest_index if isinstance(exc, duckdb.OutOfMemoryException) or "maximum_object_size" in message else None
        raise RowsNotStored(table, reason, index) from None
    finally:
        os.unlink(tmp.name)
    return counts


def repr_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The Steampipe-shaped tables (views over the latest snapshots), in schema order."""
    return list(TABLES)


# Engine-provided view (DuckDB SQL, it reads the snapshot bookkeeping): one row per loaded account with its
# partition and "as of" time, so account-level controls (password policy, support role) have a row to start
# from even when the table they look at is empty for the account.
ACCOUNT_VIEW = """
    with loaded as (
        select l.account_id, max(coalesce(s.as_of, s.loaded_at)) as as_of
        from iamsql_latest l join iamsql_snapshot s using (snapshot_id)
        group by l.account_id
    ), partitions as (
        select account_id, min(partition) as partition
        from (select account_id, partition from aws_iam_user union all select account_id, partition from aws_iam_role)
        where partition is not null group by account_id
    )
    select loaded.account_id, coalesce(partitions.partition, 'aws') as partition, loaded.as_of
    from loaded left join partitions using (account_id)
"""


def create_account_view(con: duckdb.DuckDBPyConnection) -> None:
    """Create the TEMP views ``iamsql_account``, ``iamsql_organization_member``, ``iamsql_organization_trail``,
    ``iamsql_organization_analyzer`` and ``iamsql_listed`` and set ``iamsql_as_of`` to the newest snapshot time
    (cheap: one catalog lookup, one aggregate over the bookkeeping tables)."""
    database, has_snapshots, has_organizations, has_analyzers = con.execute(
        "select current_database(), count(*) filter (schema_name = 'main' and table_name = 'iamsql_snapshot') > 0, "
        "count(*) filter (schema_name = 'history' and table_name = 'aws_organizations_account') > 0, "
        "count(*) filter (schema_name = 'history' and table_name = 'aws_accessanalyzer_analyzer') > 0 "
        "from duckdb_tables() where database_name = current_database()").fetchone()
    if has_snapshots:
        con.execute(f"create or replace temp view iamsql_account as {ACCOUNT_VIEW}")
        set_as_of(con, newest_as_of(con))
        _create_organization_members(con, database, has_organizations)
        _create_organization_trails(con, database)
        _create_organization_analyzers(con, database, has_analyzers)
        _create_listed(con)


def newest_as_of(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """The newest of ``iamsql_account``'s times (the time of all accounts together), without its partition lookup."""
    return con.execute(
        "select max(coalesce(s.as_of, s.loaded_at)) from iamsql_latest l join iamsql_snapshot s using (snapshot_id)"
    ).fetchone()[0]


def _create_organization_members(con: duckdb.DuckDBPyConnection, database: str, exists: bool) -> None:
    """TEMP view ``iamsql_organization_member(id, arn, snapshot_id)``: the latest ``aws_organizations_account`` rows
    of every account, never shadowed per account (``aws_account`` reads it: the management account's snapshot
    says which organization each member belongs to); empty in a database made before the table existed."""
    quoted = database.replace('"', '""')
    body = (f'select m.id, m.arn, m.snapshot_id from "{quoted}".history.aws_organizations_account as m '
            "join iamsql_latest as l on l.snapshot_id = m.snapshot_id and l.table_name = 'aws_organizations_account'"
            if exists else "select null::varchar as id, null::varchar as arn, null::bigint as snapshot_id where false")
    con.execute(f"create or replace temp view iamsql_organization_member as {body}")


def _create_organization_trails(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """TEMP view ``iamsql_organization_trail(arn, name, account_id, partition, home_region, region,
    is_multi_region_trail, is_organization_trail, is_logging, has_custom_event_selectors, event_selectors,
    advanced_event_selectors)``: the latest organization trails of the accounts that manage them (their home-region
    rows), never shadowed per account: a member account, which lists the trail too, leaves judging its
    configuration to the management account's data when that is loaded, and reads there what its own data lacks of
    what the trail records (its status and event selectors); a member that does not list it is credited with it."""
    quoted = database.replace('"', '""')
    latest = (f'(select t.* from "{quoted}".history.aws_cloudtrail_trail as t join iamsql_latest as l '
              "on l.snapshot_id = t.snapshot_id and l.table_name = 'aws_cloudtrail_trail')")
    con.execute("create or replace temp view iamsql_organization_trail as "
                + ORGANIZATION_TRAIL_SELECT.format(trails=latest))


def _create_organization_analyzers(con: duckdb.DuckDBPyConnection, database: str, exists: bool) -> None:
    """TEMP view ``iamsql_organization_analyzer(arn, name, account_id, region, status)``: the latest external-access
    analyzers with the organization as zone of trust (type ``ORGANIZATION``) of every account, never shadowed per
    account: such an analyzer, in the management or delegated administrator account, analyzes the resources of
    every member account in its region, while a member's own list-analyzers does not show it; empty in a database
    made before the table existed."""
    quoted = database.replace('"', '""')
    body = ("select a.arn, a.name, a.account_id, a.region, a.status "
            f'from "{quoted}".history.aws_accessanalyzer_analyzer as a join iamsql_latest as l '
            "on l.snapshot_id = a.snapshot_id and l.table_name = 'aws_accessanalyzer_analyzer' "
            "where a.type = 'ORGANIZATION'" if exists else
            "select null::varchar as arn, null::varchar as name, null::varchar as account_id, null::varchar as region, "
            "null::varchar as status where false")
    con.execute(f"create or replace temp view iamsql_organization_analyzer as {body}")


def _create_listed(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP view ``iamsql_listed(account_id, table_name, key)``: the keys whose rows of a table the account's latest
    snapshot of it lists whole, from its files' ``listed`` entries: the users whose ``list-access-keys`` is loaded,
    an empty one too (a user listed with no key has no row in ``aws_iam_access_key``). Only the files' ``listed``
    objects are unnested: unnesting every file's entry would copy the snapshot's whole ``sources`` text to each of
    its files' rows (a second per snapshot of 2,000 CloudTrail files)."""
    con.execute("create or replace temp view iamsql_listed as select distinct l.account_id, l.table_name, k.key "
                "from iamsql_latest as l join (select snapshot_id, account_id, "
                "unnest(json_extract(sources, '$[*].listed')) as tables from iamsql_snapshot) as s "
                "on s.snapshot_id = l.snapshot_id and s.account_id = l.account_id, "
                "unnest(json_extract_string(s.tables -> l.table_name, '$[*]')) as k(key)")


def set_as_of(con: duckdb.DuckDBPyConnection, as_of: datetime | None) -> None:
    if as_of is None:
        con.execute("set variable iamsql_as_of = null::timestamptz")
    else:
        con.execute(f"set variable iamsql_as_of = '{as_of.isoformat()}'::timestamptz")


def has_table(con: duckdb.DuckDBPyConnection, name: str, schema: str = "main") -> bool:
    """Whether the database has the table ``name`` in ``schema`` (``main``: bookkeeping; ``history``: data). One
    catalog lookup of the qualified name (~0.15 ms), not a scan of ``duckdb_tables()``, which writes out every
    table's definition (~0.8 ms); a view of that name is not a table."""
    database = con.execute("select current_database()").fetchone()[0]
    qualified = ".".join('"' + part.replace('"', '""') + '"' for part in (database, schema, name))
    try:
        return con.table(qualified).type == "TABLE_RELATION"
    except duckdb.CatalogException:
        return False
