"""The controls on the DuckDB database itself (``iamsql check``): per account, TEMP tables (copies; the CloudTrail
events: a view) named like the Steampipe tables hold that account's rows only and ``iamsql_as_of`` is its snapshot
time, so a control (and any helper view) sees one account at one point in time; the policy engine's tables and the
helper views several controls read are computed once per account into TEMP tables (the views' under their own
names)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from iamsql.controls.catalog import ACCESS_QUESTIONS, Control
from iamsql.controls.contract import CONTROL_ROWS, Account
from iamsql.controls.run import NotBound, Timing, in_order, run_controls
from iamsql.controls.views import (
    EVENT_ROWS,
    control_duckdb,
    create_view,
    create_view_table,
    create_views,
    events_stored,
    needed_views,
    reads_access_tables,
    shared_views,
    temp_tables,
    temp_views,
    views_over_access,
    views_reading,
)
from iamsql.policy import access as access_tables
from iamsql.sql.pgfunctions import install_called
from iamsql.store.db import (
    ACCOUNT_VIEW,
    COMBINED_VIEWS,
    is_small_data,
    newest_as_of,
    one_thread_for_small_data,
    set_as_of,
)
from iamsql.store.schema import ACCESS_TABLES, ACCUMULATING_TABLES, TABLES


class DuckDBEngine:
    """The database the run is stored in also executes the controls."""

    name = "duckdb"
    label = ""
    no_data = "No data is loaded: run 'iamsql load' or 'iamsql collect' first."
    map = staticmethod(in_order)

    def __init__(self, con: duckdb.DuckDBPyConnection, only_accounts: list[str] | None = None) -> None:
        self.con = con
        self.only_accounts = only_accounts  # check these accounts only (None: every account with loaded data)
        self.shared: list[str] = []  # helper views read more than once: computed once per account into a table
        self.per_account: list[str] = []  # needed helper views that read per-account tables: defined per account
        self.defined: dict[str, str] = {}  # those the current account has: name -> 'table' or 'view'
        self.shadowed: list[str] = list(TABLES)  # the Steampipe tables each account gets its own copy or view of
        # a small account's few rows cost less fetched than kept in a table (four statements per control)
        self.keeps_rows = not is_small_data(con)
        self.newest: datetime | None = None  # the time of all accounts together, restored after each account
        self.no_events = False  # no CloudTrail event is stored: the views of EVENT_ROWS are empty for every account
        self.empty_columns: dict[str, str] = {}  # such a view -> its columns, once an account has computed it

    def accounts(self) -> list[Account]:
        accounts = run_accounts(self.con)
        self.newest = newest_as_of(self.con)
        self.no_events = not events_stored(self.con)
        if self.only_accounts is not None:
            accounts = [a for a in accounts if a.account_id in self.only_accounts]
        self.shadowed = shadowed_tables(accounts)
        return accounts

    def prepare(self, selected: list[Control]) -> None:
        """Define the needed helper views that read only the Steampipe tables (and each other) once for the run;
        the others (the shared ones, those over the engine's tables and their readers) are made per account, so
        any view of those names the connection has is dropped: the run leaves them undefined (``create_views``
        defines them for a later reader)."""
        con = self.con
        needed = needed_views(selected)
        self.shared = shared_views(selected)
        per_account = views_reading([*self.shared, *views_over_access()])
        self.per_account = [name for name in needed if name in per_account]
        tables, views = temp_tables(con), temp_views(con)
        _drop_temp(con, {
            **dict.fromkeys(ACCESS_TABLES, "table"),
            **{name: "table" for name in per_account if name in tables},
            **{name: "view" for name in per_account if name in views},
        })
        whole_run = [name for name in needed if name not in per_account]
        if whole_run:
            create_views(con, access=False, names=whole_run)

    def compile(self, control: Control, parameters: dict[str, Any]) -> str:
        return control_duckdb(control, parameters)

    def enter(self, account: Account, selected: list[Control]) -> list[Timing]:
        _shadow_tables(self.con, account, self.shadowed)
        # only what the controls that will query this account read (the others skip: their data is not loaded)
        querying = [c for c in selected if all(table in account.covered for table in c.requires)]
        needed = set(needed_views(querying))
        timings: list[Timing] = []
        if reads_access_tables(querying):
            start = time.perf_counter()
            counts = access_tables.create_tables(self.con, ACCESS_QUESTIONS)
            timings.append(("engine:policy_access", account.account_id, (time.perf_counter() - start) * 1000,
                            sum(counts.values())))
        for name in self.per_account:  # in dependency order, now that the tables they read exist
            if name not in needed:
                continue
            if name not in self.shared:
                create_view(self.con, name)
                self.defined[name] = "view"
                continue
            start = time.perf_counter()
            if name in self.empty_columns:
                count = self._empty_table(name)
            else:
                count = create_view_table(self.con, name)
                if count == 0 and self.no_events and name in EVENT_ROWS:
                    self.empty_columns[name] = _columns(self.con, name)
            self.defined[name] = "view" if count is None else "table"
            if count is not None:
                timings.append((f"view:{name}", account.account_id, (time.perf_counter() - start) * 1000, count))
        return timings

    def _empty_table(self, name: str) -> int:
        """The helper view ``name`` as an empty TEMP table of its columns, without binding its SQL again."""
        self.con.execute(f'create temp table "{name}" ({self.empty_columns[name]})')
        return 0

    def leave(self, account: Account) -> None:
        _drop_shadows(self.con, account, self.shadowed, self.defined, self.newest)
        self.defined = {}

    def stage(self, compiled: str, account: Account) -> list[tuple[str, str]] | None:
        """Beyond small data the control's rows stay in the database: a second check of a large account has
        ~170,000 of them, which cost more as Python objects than the queries that find them."""
        if not self.keeps_rows:
            return None
        try:
            install_called(self.con, compiled)
            self.con.execute(f"create or replace temp table {CONTROL_ROWS} as {compiled}")
        except (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException) as exc:
            raise NotBound(str(exc)) from exc  # run.failure words the cause
        return [(d[0], str(d[1])) for d in self.con.execute(f"select * from {CONTROL_ROWS} limit 0").description]

    def fetch(self, compiled: str, account: Account) -> tuple[list[str], list[tuple]]:
        try:
            install_called(self.con, compiled)
            cursor = self.con.execute(compiled)
        except (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException) as exc:
            raise NotBound(str(exc)) from exc  # run.failure words the cause
        return [d[0] for d in cursor.description], cursor.fetchall()

    def snapshot_ids(self) -> list[int] | None:
        if self.only_accounts is None:
            return None
        return [r[0] for r in self.con.execute("select distinct snapshot_id from iamsql_latest "
                                               "where list_contains(?, account_id) order by 1",
                                               [self.only_accounts]).fetchall()]


def run_checks(
    con: duckdb.DuckDBPyConnection,
    *,
    controls: list[str] | None = None,
    frameworks: list[str] | None = None,
    severity: str | None = None,
    params: dict[str, Any] | None = None,
    queries_dir: Path | None = None,
    extra_controls: list[Control] | None = None,
    progress: Callable[[str], None] | None = None,
    on_total: Callable[[int], None] | None = None,
    accounts: list[str] | None = None,
    stored_with: Callable[[int], None] | None = None,
) -> int:
    """Run the selected controls on the database ``con`` over every loaded account (or only ``accounts``, as
    an evidence run checks the accounts it gathered) and store the run there; its ``run_id`` (see
    ``run.run_controls``)."""
    with one_thread_for_small_data(con):
        return run_controls(
            DuckDBEngine(con, accounts),
            con,
            controls=controls,
            frameworks=frameworks,
            severity=severity,
            params=params,
            queries_dir=queries_dir,
            extra_controls=extra_controls,
            progress=progress,
            on_total=on_total,
            stored_with=stored_with,
        )


def run_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    """Accounts with loaded data, their partition, their time and the tables loaded for them.

    An account's time is the newest ``as_of`` (else load time) among its latest snapshots: the moment the
    account's data describes. Controls compare against it instead of the wall clock."""
    con.execute(f"create or replace temp view iamsql_account as {ACCOUNT_VIEW}")
    found = con.execute(
        """
        select a.account_id, a.partition, a.as_of, list(distinct l.table_name) filter (where p.reason is null),
               map(list(p.table_name) filter (where p.reason is not null), list(p.reason) filter (where p.reason is not null)),
               map(list(p.table_name) filter (where p.reason is not null), list(p.whole) filter (where p.reason is not null))
        from iamsql_account a join iamsql_latest l using (account_id)
        left join iamsql_partial p using (account_id, table_name)
        group by all order by a.account_id
        """
    ).fetchall()
    return [Account(account_id, partition, as_of, set(tables or ()), dict(partial or {}),
                    {table: frozenset(keys or ()) for table, keys in (whole or {}).items()})
            for account_id, partition, as_of, tables, partial, whole in found]


def shadowed_tables(accounts: list[Account]) -> list[str]:
    """The Steampipe tables that need a per-account copy or view: those loaded (whole or in part) for some account,
    the CloudTrail events and the tables whose view adds rows from another table (``aws_iam_user`` from the
    credential report). Any other table's latest-snapshot view is empty for every account, so the controls read it
    as it is (on Cloudsplaining's example 35 of 41 tables: 132 statements fewer per check)."""
    loaded = set().union(*(account.covered | account.partial.keys() for account in accounts))
    return [table for table in TABLES if table in loaded or table in ACCUMULATING_TABLES or table in COMBINED_VIEWS]


def _copied(table: str, account: Account) -> bool:
    """Whether ``table`` is copied into a TEMP table for the account instead of a view over the stored rows: every
    table loaded for the account except the CloudTrail events (too large to copy). DuckDB binds and plans each
    control over a plain table in a fraction of the time it takes over the latest-snapshot views, which is most
    of a control's cost on a small account."""
    return table in account.covered and table not in ACCUMULATING_TABLES


def _shadow_tables(con: duckdb.DuckDBPyConnection, account: Account, shadowed: list[str]) -> None:
    """Point the ``shadowed`` Steampipe table names and ``iamsql_account`` (a TEMP table of its one row) at this
    account's rows; set its time."""
    database = con.execute("select current_database()").fetchone()[0].replace('"', '""')
    for table in shadowed:
        kind = "table" if _copied(table, account) else "view"
        con.execute(
            f'create or replace temp {kind} "{table}" as select * from "{database}".main."{table}" '
            f"where account_id = {_quote(account.account_id)}"
        )
    # its one row as a table: every detection joins it, and binding and planning the view's aggregate over the
    # snapshots again in each of them was a quarter of their time on an account with few events
    con.execute("drop view if exists temp.main.iamsql_account")
    con.execute(
        f"create temp table iamsql_account as {ACCOUNT_VIEW} where account_id = {_quote(account.account_id)}"
    )
    set_as_of(con, account.as_of)


def _columns(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The column list of the TEMP table ``name`` as a ``create table`` statement gives it."""
    return con.execute(
        """select string_agg('"' || replace(column_name, '"', '""') || '" ' || data_type, ', ' order by column_index)
        from duckdb_columns() where database_name = 'temp' and table_name = ?""", [name]).fetchone()[0]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop_shadows(con: duckdb.DuckDBPyConnection, account: Account, shadowed: list[str],
                  defined: dict[str, str], newest: datetime | None) -> None:
    """Back to all accounts: drop the per-account tables and views, the helper views and tables ``defined`` for
    the account (name -> kind) and the policy engine's tables, restore ``iamsql_account`` and the ``newest`` time
    (the organization views are never shadowed per account)."""
    _drop_temp(con, {
        **{table: "table" if _copied(table, account) else "view" for table in shadowed},
        **defined,
        **dict.fromkeys(ACCESS_TABLES, "table"),
        "iamsql_account": "table",
    })
    con.execute(f"create or replace temp view iamsql_account as {ACCOUNT_VIEW}")
    set_as_of(con, newest)


def _drop_temp(con: duckdb.DuckDBPyConnection, kinds: dict[str, str]) -> None:
    """Drop the TEMP tables and views ``kinds`` names (name -> 'table' or 'view'), those that exist."""
    if kinds:  # one script: one call from Python, not one per name
        con.execute(";\n".join(f'drop {kind} if exists temp.main."{name}"' for name, kind in kinds.items()))

