"""The DuckDB run of the controls: per account, temporary tables shadow the Steampipe tables with that account's rows
and ``iamsql_as_of`` is set to its snapshot time; shared helper views are computed once; every row is checked
against the result contract and the run is stored in one transaction (see docs/controls.md)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from iamsql.controls.catalog import (
    ACCESS_QUESTIONS,
    RESULT_COLUMNS,
    Control,
    effective_parameters,
    load_controls,
    select_controls,
    sqlglot,
    with_extra,
)
from iamsql.controls.results import RUN_DDL, Account, contract_problem, plain_value, result_row, store_run
from iamsql.controls.views import (
    MATERIALIZED_PREFIX,
    control_duckdb,
    control_pack_hash,
    create_view,
    create_views,
    needed_views,
    reads_access_tables,
    shared_views,
    views_over_access,
)
from iamsql.errors import ControlError, IamsqlError
from iamsql.policy import access as access_tables
from iamsql.store.db import ACCOUNT_VIEW, create_account_view, set_as_of
from iamsql.store.schema import ACCESS_TABLES, TABLES


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
    """Run the selected controls (from ``queries_dir``, default the shipped ``queries/``, plus ``extra_controls``
    such as Sigma rules) over every loaded account, store the run, return its ``run_id``. ``on_total(n)`` is
    called once with the number of steps (controls times accounts), ``progress(label)`` as each step starts
    (the control's id, with the account when there are several)."""
    started = datetime.now(timezone.utc)
    selected = select_controls(with_extra(load_controls(queries_dir), extra_controls), ids=controls,
                               frameworks=frameworks, severity=severity)
    if not selected:
        raise ControlError("no control matches the selection")
    parameters = effective_parameters(selected, params)
    con.execute(RUN_DDL)
    for name in ACCESS_TABLES:  # computed per account below, from that account's data
        con.execute(f'drop table if exists temp.main."{name}"')
    for name in views_over_access():  # they would read the dropped tables; create_views makes them again later
        con.execute(f'drop view if exists temp.main."{name}"')
    needed = needed_views(selected)
    create_views(con, access=False, names=needed)  # the connection may have been opened without them
    access = reads_access_tables(selected)
    accounts = run_accounts(con)
    rows: list[dict] = []
    rendered: dict[str, str | Exception] = {}
    for control in selected:
        try:
            rendered[control.id] = control_duckdb(control, parameters[control.id])
        except (IamsqlError, sqlglot.errors.SqlglotError) as exc:
            rendered[control.id] = exc
    if not accounts:
        for control in selected:
            rows.append(result_row(control, None, f"control:{control.id}", "skip",
                             "No data is loaded: run 'iamsql load' or 'iamsql collect' first."))
    broken: dict[str, str] = {}  # control id -> error that does not depend on the account (binding, parsing)
    timings: list[tuple[str, str, float, int]] = []  # (control id, account id, milliseconds, result rows)
    shared = shared_views(selected)
    if on_total:
        on_total(len(selected) * len(accounts))
    for account in accounts:
        _shadow_tables(con, account)
        try:
            if access:
                start = time.perf_counter()
                counts = access_tables.create_tables(con, ACCESS_QUESTIONS)
                timings.append(("engine:policy_access", account.account_id, (time.perf_counter() - start) * 1000,
                                sum(counts.values())))
            for name in shared:
                start = time.perf_counter()
                count = materialize_view(con, name)
                if count is not None:
                    timings.append((f"view:{name}", account.account_id, (time.perf_counter() - start) * 1000, count))
            for control in selected:
                if progress:
                    progress(control.id if len(accounts) == 1 else f"{control.id} ({account.account_id})")
                start = time.perf_counter()
                evaluated = evaluate_control(con, control, rendered[control.id], account, broken)
                timings.append((control.id, account.account_id, (time.perf_counter() - start) * 1000, len(evaluated)))
                rows.extend(evaluated)
        finally:
            _drop_shadows(con, shared)
    for control_id, message in broken.items():
        control = next(c for c in selected if c.id == control_id)
        rows.append(result_row(control, None, f"control:{control_id}", "error", message))
    return store_run(con, started, selected, parameters, frameworks, accounts, rows,
                  control_pack_hash(queries_dir, extra_controls or ()), timings=timings)


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


def _shadow_tables(con: duckdb.DuckDBPyConnection, account: Account) -> None:
    """Point every Steampipe table name and ``iamsql_account`` at this account's rows; set its time."""
    database = con.execute("select current_database()").fetchone()[0].replace('"', '""')
    for table in TABLES:
        con.execute(
            f'create or replace temp view "{table}" as select * from "{database}".main."{table}" '
            f"where account_id = {_quote(account.account_id)}"
        )
    con.execute(
        f"create or replace temp view iamsql_account as {ACCOUNT_VIEW} where account_id = {_quote(account.account_id)}"
    )
    set_as_of(con, account.as_of)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _drop_shadows(con: duckdb.DuckDBPyConnection, materialized: list[str]) -> None:
    """Back to all accounts: drop the per-account views and policy engine tables, restore ``iamsql_account`` and
    the newest time, point the ``materialized`` helper views at their SQL again and drop their tables."""
    for table in TABLES:
        con.execute(f'drop view if exists temp.main."{table}"')
    for name in ACCESS_TABLES:
        con.execute(f'drop table if exists temp.main."{name}"')
    create_account_view(con)
    for name in materialized:
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


def evaluate_control(
    con: duckdb.DuckDBPyConnection, control: Control, sql: str | Exception, account: Account, broken: dict[str, str]
) -> list[dict]:
    """One control over one account: skip when its data is missing, error when it fails, else its rows."""
    if control.id in broken:
        return []
    missing = [t for t in control.requires if t not in account.covered]
    if missing:
        return [result_row(control, account, account.resource, "skip",
                     f"No {', '.join(missing)} data is loaded for account {account.account_id}; "
                     f"load it to evaluate this control.")]
    if isinstance(sql, Exception):
        broken[control.id] = f"The control's SQL cannot be translated: {str(sql).splitlines()[0]}"
        return []
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        fetched = cursor.fetchall()
    except (duckdb.BinderException, duckdb.CatalogException, duckdb.ParserException) as exc:
        broken[control.id] = f"The control's SQL does not bind: {str(exc).splitlines()[0]}"
        return []
    except duckdb.Error as exc:
        return [result_row(control, account, account.resource, "error",
                     f"The control failed on account {account.account_id}: {str(exc).splitlines()[0]}")]
    problem = contract_problem(names, fetched)
    if problem:
        return [result_row(control, account, account.resource, "error", f"The control broke the result contract: {problem}")]
    rows = []
    for values in fetched:
        record = dict(zip(names, values))
        dims = {k: plain_value(v) for k, v in record.items() if k not in RESULT_COLUMNS}
        rows.append(result_row(control, account, record["resource"], record["status"], record["reason"],
                         region=record["region"], account_id=record["account_id"], dimensions=dims))
    return rows
