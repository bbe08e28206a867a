"""The one run loop of the controls, whatever executes their SQL: select the controls, translate each once, then per
account let the engine point the Steampipe table names at that account's rows at its snapshot time, evaluate every
control against the result contract, and store the run in one transaction (see docs/controls.md).

An engine (``engines/duckdb.py``: the database itself; ``engines/spark.py``: Spark over the Parquet lake) says how
to translate, set up an account, fetch a control's rows and map over the controls; everything else is here."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import duckdb

from iamsql.common.collector import collector_paused
from iamsql.common.lazy import lazy_import
from iamsql.controls.catalog import (
    Control,
    control_pack_hash,
    effective_parameters,
    load_controls,
    select_controls,
    with_extra,
)
from iamsql.controls.contract import (
    Account,
    RunResults,
    contract_problem,
    result_row,
    result_rows,
    store_run,
)
from iamsql.controls.views import is_interrupt
from iamsql.errors import ControlError, first_line
from iamsql.store.bookkeeping import RUN_DDL

sql_query = lazy_import("iamsql.sql.query")  # sqlglot and the dialect: only to word a failed control's error


Timing = tuple[str, str, float, int]  # (control or step, account id, milliseconds, rows)
Found = list[dict] | int  # a control's result rows, or how many it added to the run's results itself


def failure(exc: BaseException) -> str:
    """Why a control's query failed: DuckDB's error in PostgreSQL's words where ``iamsql query`` words it so
    (``division by zero``, not DuckDB's advice to SET a setting), else its first line."""
    if isinstance(exc, duckdb.Error):
        return sql_query.describe_duckdb_error(exc).removeprefix("query failed: ")
    return first_line(exc)


class NotBound(Exception):
    """A control's SQL that the engine cannot bind (unknown table or column): the same on every account."""


class Engine(Protocol):
    """What executes the controls' SQL for ``run_controls``."""

    name: str  # stored with the run (``iamsql_run.engine``)
    label: str  # how reasons name it ("" for the database itself, "Spark")
    no_data: str  # the reason of the skip rows when no account has data

    def prepare(self, selected: list[Control]) -> None:
        """Once per run, before anything else: what the selected controls need (their helper views)."""

    def accounts(self) -> list[Account]: ...

    def compile(self, control: Control, parameters: dict[str, Any]) -> Any:
        """The control's SQL in the engine's form; raises when it cannot be translated."""

    def enter(self, account: Account, selected: list[Control]) -> list[Timing]:
        """Point the table names at ``account``'s rows at its time; compute what the controls share."""

    def leave(self, account: Account) -> None: ...

    def stage(self, compiled: Any, account: Account) -> list[tuple[str, str]] | None:
        """Compute a control's rows into the TEMP table ``CONTROL_ROWS`` of the run's database and return its
        columns' names and DuckDB types; None: this engine hands its rows to Python (``fetch``). Raises as
        ``fetch``."""

    def fetch(self, compiled: Any, account: Account) -> tuple[list[str], list[tuple]]:
        """A control's column names and rows; raises ``NotBound`` or any error of the query."""

    def map(self, evaluate: Callable[[Control], Found], controls: list[Control]) -> Iterator[Found]: ...

    def snapshot_ids(self) -> list[int] | None:
        """The snapshots the run read (None: this database's latest)."""


@collector_paused()  # the fetched rows and result rows: ~170,000 each on a large account, no cycles among them
def run_controls(
    engine: Engine,
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
    stored_with: Callable[[int], None] | None = None,
) -> int:
    """Run the selected controls (from ``queries_dir``, default the shipped ``queries/``, plus ``extra_controls``
    such as Sigma rules) on ``engine`` over every account it has, store the run in ``con``, return its ``run_id``.
    ``on_total(n)`` is called once with the number of steps (controls times accounts), ``progress(label)`` as each
    step starts (the control's id, with the account when there are several); ``stored_with`` as ``store_run``."""
    started = datetime.now(timezone.utc)
    selected = select_controls(
        with_extra(load_controls(queries_dir), extra_controls), ids=controls, frameworks=frameworks, severity=severity
    )
    if not selected:
        raise ControlError("no control matches the selection")
    parameters = effective_parameters(selected, params)
    con.execute(RUN_DDL)
    engine.prepare(selected)
    compiled: dict[str, Any] = {}
    for control in selected:
        try:
            compiled[control.id] = engine.compile(control, parameters[control.id])
        except Exception as exc:  # noqa: BLE001 - a control that cannot be translated is its error row
            compiled[control.id] = exc
    accounts = engine.accounts()
    found = RunResults(con)
    if not accounts:
        found.extend(result_row(control, None, f"control:{control.id}", "skip", engine.no_data) for control in selected)
    broken: dict[str, str] = {}  # control id -> error that does not depend on the account (translation, binding)
    timings: list[Timing] = []
    if on_total:
        on_total(len(selected) * len(accounts))
    for account in accounts:
        timings.extend(engine.enter(account, selected))
        try:

            def evaluate(control: Control, account: Account = account) -> Found:
                if progress:
                    progress(control.id if len(accounts) == 1 else f"{control.id} ({account.account_id})")
                start = time.perf_counter()
                rows = evaluate_control(engine, control, compiled[control.id], account, broken, found)
                count = rows if isinstance(rows, int) else len(rows)
                timings.append((control.id, account.account_id, (time.perf_counter() - start) * 1000, count))
                return rows

            for rows in engine.map(evaluate, selected):  # in order: each control's rows are added before the next
                if not isinstance(rows, int):
                    found.extend(rows)
        finally:
            engine.leave(account)
    for control_id, message in broken.items():
        control = next(c for c in selected if c.id == control_id)
        found.extend([result_row(control, None, f"control:{control_id}", "error", message)])
    return store_run(
        con,
        started,
        selected,
        parameters,
        frameworks,
        accounts,
        found,
        control_pack_hash(queries_dir, extra_controls or ()),
        engine=engine.name,
        snapshot_ids=engine.snapshot_ids(),
        timings=timings,
        stored_with=stored_with,
    )


def _row_whole(control: Control, account: Account, table: str) -> bool:
    """Whether the one row of ``table`` the control reads (its header's ``rows``) is loaded whole for the account,
    though the table is loaded in part only (one policy's list-entities-for-policy)."""
    key = control.rows.get(table)
    return key is not None and key.replace("{partition}", account.partition) in account.whole.get(table, ())


def evaluate_control(
    engine: Engine, control: Control, compiled: Any, account: Account, broken: dict[str, str], found: RunResults
) -> Found:
    """One control over one account: skip when its data is missing, error when it fails, else its rows; rows an
    engine kept in the run's database (``stage``) are added to ``found`` in SQL when they can be, and counted."""
    if control.id in broken:
        return []
    missing = [t for t in control.requires if t not in account.covered and not _row_whole(control, account, t)]
    partial = [t for t in missing if t in account.partial]
    if missing:
        reason = (
            f"Only part of {partial[0]} is loaded for account {account.account_id} ({account.partial[partial[0]]}); "
            f"load the whole output to evaluate this control."
            if partial
            else f"No {', '.join(missing)} data is loaded for account {account.account_id}; "
            f"load it to evaluate this control."
        )
        return [result_row(control, account, account.resource, "skip", reason)]
    on = f" on {engine.label}" if engine.label else ""
    if isinstance(compiled, Exception):
        where = f" for {engine.label}" if engine.label else ""
        broken[control.id] = f"The control's SQL cannot be translated{where}: {first_line(compiled)}"
        return []
    try:
        columns = engine.stage(compiled, account)
        if columns is None:
            names, fetched = engine.fetch(compiled, account)
    except NotBound as exc:
        broken[control.id] = f"The control's SQL does not bind{on}: {failure(exc.__cause__ or exc)}"
        return []
    except Exception as exc:  # noqa: BLE001 - any failure of the query is this control's error row, never a crash
        if is_interrupt(exc):
            raise
        return [
            result_row(
                control,
                account,
                account.resource,
                "error",
                f"The control failed{on} for account {account.account_id}: {failure(exc)}",
            )
        ]
    if columns is not None:
        added = found.add_control_rows(control, account, columns)
        if added is not None:
            return added
        names, fetched = [name for name, _ in columns], found.control_rows()
    problem = contract_problem(names, fetched)
    if problem:
        return [
            result_row(control, account, account.resource, "error", f"The control broke the result contract: {problem}")
        ]
    return result_rows(control, account, names, fetched)


def in_order(evaluate: Callable[[Control], Found], controls: Iterable[Control]) -> Iterator[Found]:
    """Evaluate the controls one after another, each when the run asks for it (an engine that runs one query at
    a time)."""
    return map(evaluate, controls)
