"""The controls on the DuckDB database itself (``iamsql check``): per account, TEMP tables (copies; the CloudTrail
events: a view) named like the Steampipe tables hold that account's rows only and ``iamsql_as_of`` is its snapshot
time, so a control (and any helper view) sees one account at one point in time; the policy engine's tables and the
helper views several controls read are computed once per account into TEMP tables."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from iamsql.controls.catalog import ACCESS_QUESTIONS, Control
from iamsql.controls.contract import Account
from iamsql.controls.run import NotBound, Timing, in_order, run_controls
from iamsql.controls.views import (
    MATERIALIZED_PREFIX,
    control_duckdb,
    create_view,
    create_views,
    needed_views,
    reads_access_tables,
    shared_views,
    views_over_access,
)
from iamsql.policy import access as access_tables
from iamsql.sql.pgfunctions import install_functions
from iamsql.store.db import ACCOUNT_VIEW, COMBINED_VIEWS, create_account_view, set_as_of
from iamsql.store.schema import ACCESS_TABLES, ACCUMULATING_TABLES, TABLES


class DuckDBEngine:
    """The database the run is stored in also executes the controls."""

    name = "duckdb"
    label = ""
    no_data = "No data is loaded: run 'iamsql load' or 'iamsql collect' first."
    map = staticmethod(in_order)

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.shared: list[str] = []  # helper views read more than once: computed once per account
        self.materialized: list[str] = []  # those of them the current account's controls read
        self.over_access: list[str] = []  # helper views over the engine's tables: defined once those exist
        self.shadowed: list[str] = list(TABLES)  # the Steampipe tables each account gets its own copy or view of

    def accounts(self) -> list[Account]:
        accounts = run_accounts(self.con)
        self.shadowed = shadowed_tables(accounts)
        return accounts

    def prepare(self, selected: list[Control]) -> None:
        con = self.con
        for name in ACCESS_TABLES:  # computed per account in enter(), from that account's data
            con.execute(f'drop table if exists temp.main."{name}"')
        for name in views_over_access():  # they would read the dropped tables; create_views makes them again
            con.execute(f'drop view if exists temp.main."{name}"')
        create_views(con, access=False, names=needed_views(selected))  # the connection may have been opened without
        self.shared = shared_views(selected)
        self.over_access = [name for name in needed_views(selected) if name in views_over_access()]

    def compile(self, control: Control, parameters: dict[str, Any]) -> str:
        return control_duckdb(control, parameters)

    def enter(self, account: Account, selected: list[Control]) -> list[Timing]:
        _shadow_tables(self.con, account, self.shadowed)
        # only what the controls that will query this account read (the others skip: their data is not loaded)
        querying = [c for c in selected if all(table in account.covered for table in c.requires)]
        needed = set(needed_views(querying))
        self.materialized = [name for name in self.shared if name in needed]
        timings: list[Timing] = []
        if reads_access_tables(querying):
            start = time.perf_counter()
            counts = access_tables.create_tables(self.con, ACCESS_QUESTIONS)
            timings.append(("engine:policy_access", account.account_id, (time.perf_counter() - start) * 1000,
                            sum(counts.values())))
            for name in self.over_access:  # in dependency order, now that the tables they read exist
                create_view(self.con, name)
        for name in self.materialized:
            start = time.perf_counter()
            count = materialize_view(self.con, name)
            if count is not None:
                timings.append((f"view:{name}", account.account_id, (time.perf_counter() - start) * 1000, count))
        return timings

    def leave(self, account: Account) -> None:
        _drop_shadows(self.con, account, self.shadowed, self.materialized, self.over_access)

    def fetch(self, compiled: str, account: Account) -> tuple[list[str], list[tuple]]:
        try:
            install_functions(self.con, compiled)
            cursor = self.con.execute(compiled)
        except (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException) as exc:
            raise NotBound(str(exc)) from None
        return [d[0] for d in cursor.description], cursor.fetchall()

    def snapshot_ids(self) -> None:
        return None


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
) -> int:
    """Run the selected controls on the database ``con`` over every loaded account and store the run there;
    its ``run_id`` (see ``run.run_controls``)."""
    return run_controls(
        DuckDBEngine(con),
        con,
        controls=controls,
        frameworks=frameworks,
        severity=severity,
        params=params,
        queries_dir=queries_dir,
        extra_controls=extra_controls,
        progress=progress,
        on_total=on_total,
    )


def run_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    """Accounts with loaded data, their partition, their time and the tables loaded for them.

    An account's time is the newest ``as_of`` (else load time) among its latest snapshots: the moment the
    account's data describes. Controls compare against it instead of the wall clock."""
    con.execute(f"create or replace temp view iamsql_account as {ACCOUNT_VIEW}")
    found = con.execute(
        """
        select a.account_id, a.partition, a.as_of, list(distinct l.table_name)
        from iamsql_account a join iamsql_latest l using (account_id)
        group by all order by a.account_id
        """
    ).fetchall()
    return [Account(account_id, partition, as_of, set(tables)) for account_id, partition, as_of, tables in found]


def shadowed_tables(accounts: list[Account]) -> list[str]:
    """The Steampipe tables that need a per-account copy or view: those loaded for some account, the CloudTrail
    events and the tables whose view adds rows from another table (``aws_iam_user`` from the credential report).
    Any other table's latest-snapshot view is empty for every account, so the controls read it as it is (on
    Cloudsplaining's example 35 of 41 tables: 132 statements fewer per check)."""
    loaded = set().union(*(account.covered for account in accounts))
    return [table for table in TABLES if table in loaded or table in ACCUMULATING_TABLES or table in COMBINED_VIEWS]


def _copied(table: str, account: Account) -> bool:
    """Whether ``table`` is copied into a TEMP table for the account instead of a view over the stored rows: every
    table loaded for the account except the CloudTrail events (too large to copy). DuckDB binds and plans each
    control over a plain table in a fraction of the time it takes over the latest-snapshot views, which is most
    of a control's cost on a small account."""
    return table in account.covered and table not in ACCUMULATING_TABLES


def _shadow_tables(con: duckdb.DuckDBPyConnection, account: Account, shadowed: list[str]) -> None:
    """Point the ``shadowed`` Steampipe table names and ``iamsql_account`` at this account's rows; set its time."""
    database = con.execute("select current_database()").fetchone()[0].replace('"', '""')
    for table in shadowed:
        kind = "table" if _copied(table, account) else "view"
        con.execute(
            f'create or replace temp {kind} "{table}" as select * from "{database}".main."{table}" '
            f"where account_id = {_quote(account.account_id)}"
        )
    con.execute(
        f"create or replace temp view iamsql_account as {ACCOUNT_VIEW} where account_id = {_quote(account.account_id)}"
    )
    set_as_of(con, account.as_of)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop_shadows(con: duckdb.DuckDBPyConnection, account: Account, shadowed: list[str], materialized: list[str],
                  over_access: list[str]) -> None:
    """Back to all accounts: drop the per-account tables and views, the policy engine tables and the helper views
    ``over_access`` that read those tables, restore ``iamsql_account`` and the newest time, point the other
    ``materialized`` helper views at their SQL again and drop their tables."""
    for table in shadowed:
        kind = "table" if _copied(table, account) else "view"
        con.execute(f'drop {kind} if exists temp.main."{table}"')
    for name in over_access:
        con.execute(f'drop view if exists temp.main."{name}"')
    for name in ACCESS_TABLES:
        con.execute(f'drop table if exists temp.main."{name}"')
    create_account_view(con)
    for name in materialized:
        if name not in over_access:
            create_view(con, name)
        con.execute(f'drop table if exists temp.main."{MATERIALIZED_PREFIX}{name}"')


def materialize_view(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """Compute a helper view once into a TEMP table and point the view at it; its row count. When the view
    fails, it is left as it was (None): the controls that read it report the error themselves."""
    table = f"{MATERIALIZED_PREFIX}{name}"
    try:
        con.execute(f'create or replace temp table "{table}" as select * from "{name}"')
    except duckdb.Error:
        return None
    con.execute(f'create or replace temp view "{name}" as select * from "{table}"')
    return con.execute(f'select count(*) from "{table}"').fetchone()[0]
