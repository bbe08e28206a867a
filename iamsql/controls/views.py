"""The helper views of ``queries/views`` and their dependency graph: which views a selection of controls needs, in
which order, which to compute once for all; the ``aws_account`` view and the engine's tables they read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import duckdb

from iamsql import policy
from iamsql.controls.catalog import (
    _WORD,
    ACCESS_QUESTIONS,
    CACHED_DIALECT,
    Control,
    render_sql,
    to_duckdb,
    view_body,
    view_references,
)
from iamsql.controls.names import (
    VIEWS_DIR,
    mentions_account_view,
    names_a_view,
    view_names,
)
from iamsql.errors import DUCKDB_INTERRUPTED, ControlError, IamsqlError, first_line
from iamsql.policy import access as access_tables
from iamsql.sql import cache as sqlcache
from iamsql.sql.pgfunctions import AS_OF_VARIABLE, install_called
from iamsql.store.db import create_account_view, has_table, set_as_of
from iamsql.store.schema import ACCESS_TABLES, CATALOG_TABLES


def steampipe_access_level(level: str) -> str:
    """The catalog's access level as Steampipe and AWS's Service Authorization Reference give it: one of List, Read,
    Write, Permissions management, Tagging (the catalog says ``Permissions management, Write`` and ``Tagging,
    Write`` for actions that are both)."""
    specific = [part.strip() for part in level.split(",") if part.strip() not in ("", "Write")]
    return specific[0] if specific else level


def create_action_table(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP table ``aws_iam_action``: every action of the pinned action catalog, in Steampipe's shape."""
    columns = CATALOG_TABLES["aws_iam_action"]
    con.execute(f"create or replace temp table aws_iam_action ({', '.join(f'{c} {t}' for c, t in columns)})")
    catalog = policy.catalog()
    actions = [a for service in catalog.services() for a in catalog.actions(service).values()]
    rows = [
        [a.full_name.lower() for a in actions],
        [a.service for a in actions],
        [a.name for a in actions],
        [steampipe_access_level(a.access_level) for a in actions],
        [a.description for a in actions],
    ]
    con.execute(
        "insert into aws_iam_action select " + ", ".join(f"unnest(${i + 1}::varchar[])" for i in range(5)), rows
    )


def create_views(
    con: duckdb.DuckDBPyConnection,
    *,
    access: bool = True,
    names: Iterable[str] | None = None,
    engine_tables: Iterable[str] = ACCESS_TABLES,
) -> None:
    """Create the helper views (``iamsql_account`` and ``queries/views/*.sql``, or only ``names`` of them) as TEMP
    views on this connection, in dependency order, and set ``iamsql_as_of`` to the newest snapshot time, so ad hoc
    queries see the same views and time as controls. With ``access``, also the policy engine's tables
    (``engine_tables``, default every one of ``ACCESS_TABLES``) over every account, those this connection lacks."""
    create_account_view(con)
    temp = temp_tables(con)
    if names is None and "aws_iam_action" not in temp:  # ad hoc queries; no control reads it
        create_action_table(con)
    missing = [name for name in engine_tables if name not in temp]
    if access and missing and has_table(con, "aws_iam_role", "history"):
        access_tables.create_tables(con, ACCESS_QUESTIONS, tables=missing)
        temp = temp_tables(con)
    # Views over the engine's tables wait until the connection has them (a run creates them per account).
    waiting = views_over_access(frozenset(name for name in ACCESS_TABLES if name not in temp))
    for name in waiting:
        con.execute(f'drop view if exists temp.main."{name}"')
    wanted = set(view_names() if names is None else names) - waiting
    for name in _dependency_order():
        if name in wanted:
            create_view(con, name)


def create_views_named(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Create what ``sql`` names and this connection lacks, as ``iamsql query`` does: the helper views and engine
    tables (``create_views``), else the account views (``create_account_view``). Only over an iamsql database: a
    connection without snapshots keeps its own tables, and a missing one stays an unknown table. An ``iamsql_as_of``
    the caller set is kept."""
    if not names_a_view(sql) or not has_table(con, "iamsql_snapshot"):
        return  # the plain text tests first: most statements name none
    text = sql.lower()
    present = {name for (name,) in con.execute(
        "select table_name from duckdb_tables() union all select view_name from duckdb_views()").fetchall()}
    missing_view = any(name in text and name not in present
                       for name in [*view_names(), *ACCESS_TABLES, *CATALOG_TABLES])
    if not missing_view and not (mentions_account_view(sql) and "iamsql_account" not in present):
        return
    as_of = con.execute(f"select getvariable('{AS_OF_VARIABLE}')").fetchone()[0]
    if missing_view:
        create_views(con)
    else:
        create_account_view(con)
    if as_of is not None:
        set_as_of(con, as_of)


def create_view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """(Re)define one helper view as a TEMP view (defining computes nothing: DuckDB runs it when it is read)."""
    sql = installed_view_sql(con, name)
    try:
        con.execute(f'create or replace temp view "{name}" as {sql}')
    except duckdb.Error as exc:
        raise _not_created(name, exc) from None


def create_view_table(con: duckdb.DuckDBPyConnection, name: str) -> int | None:
    """Compute one helper view straight into a TEMP table of its name, which its readers then read as they would
    the view (DuckDB binds the view's SQL once, as it does to define the view); the table's row count. When the
    query fails, the view is defined from its SQL instead (None): the controls that read it report the error."""
    sql = installed_view_sql(con, name)
    try:
        return con.execute(f'create temp table "{name}" as {sql}').fetchone()[0]
    except duckdb.Error as exc:
        if is_interrupt(exc):
            raise
        create_view(con, name)
        return None


def is_interrupt(exc: BaseException) -> bool:
    """Whether a query failed because Ctrl-C or SIGTERM arrived during it: that stops the run, never an error row."""
    return isinstance(exc, duckdb.InterruptException) or str(exc) == DUCKDB_INTERRUPTED


def installed_view_sql(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """A helper view's DuckDB SQL, with the functions it calls installed on the connection."""
    try:
        sql = view_duckdb(view_body(name))
        install_called(con, sql)
    except (duckdb.Error, IamsqlError) as exc:
        raise _not_created(name, exc) from None
    return sql


def _not_created(name: str, exc: Exception) -> ControlError:
    return ControlError(f"helper view queries/views/{name}.sql cannot be created: {first_line(exc)}")


@lru_cache(maxsize=64)
def view_duckdb(body: str) -> str:
    """A helper view's DuckDB SQL: from the translation cache, translated once per process when it is not there
    (views are re-created per account and connection)."""
    return sqlcache.translated([body], CACHED_DIALECT, lambda: to_duckdb(body))


# helper views each of whose rows is a stored CloudTrail event's: empty for every account when no event is stored
EVENT_ROWS = ("cloudtrail_event_actor",)


def events_stored(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database stores any CloudTrail event (its own table, whatever TEMP views shadow it)."""
    database = con.execute("select current_database()").fetchone()[0].replace('"', '""')
    return con.execute(f'select exists (from "{database}".main.aws_cloudtrail_trail_event)').fetchone()[0]


def temp_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the connection's TEMP tables (one catalog lookup)."""
    return {
        name
        for (name,) in con.execute("select table_name from duckdb_tables() where database_name = 'temp'").fetchall()
    }


def temp_views(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the connection's TEMP views (one catalog lookup)."""
    return {
        name for (name,) in con.execute("select view_name from duckdb_views() where database_name = 'temp'").fetchall()
    }


def reads_access_tables(selected: list[Control]) -> bool:
    """Whether any selected control reads the policy engine's tables, directly or through helper views."""
    uses = _view_uses()
    for control in selected:
        pending, seen = list(control.tables), set()
        while pending:
            name = pending.pop()
            if name in ACCESS_TABLES or name in _view_access():
                return True
            if name in uses and name not in seen:
                seen.add(name)
                pending.extend(uses[name])
    return False


@lru_cache(maxsize=8)
def _view_access(tables: frozenset[str] = frozenset(ACCESS_TABLES)) -> frozenset[str]:
    """Helper views whose SQL names one of the policy engine's ``tables``."""
    words = _view_file_words()
    return frozenset(name for name in view_names() if not words[name].isdisjoint(tables))


@lru_cache(maxsize=1)
def _view_file_words() -> dict[str, frozenset[str]]:
    """The whole words of each helper view's file, read once (table names are words: naming one is being one of
    them), instead of a search per view and table for each set of tables asked about."""
    return {
        name: frozenset(_WORD.findall((VIEWS_DIR / f"{name}.sql").read_text(encoding="utf-8")))
        for name in view_names()
    }


@lru_cache(maxsize=8)
def views_over_access(tables: frozenset[str] = frozenset(ACCESS_TABLES)) -> frozenset[str]:
    """Helper views that read one of the policy engine's ``tables``, directly or through other helper views."""
    return views_reading(_view_access(tables))


def views_reading(names: Iterable[str]) -> frozenset[str]:
    """The helper views ``names`` and those that read one of them, directly or through other helper views."""
    uses = _view_uses()
    found = set(names)
    while True:
        more = {name for name, used in uses.items() if used & found} - found
        if not more:
            return frozenset(found)
        found |= more


def _control_references(control: Control) -> dict[str, int]:
    """The helper views a control reads: those its SQL names (counted when it was parsed), and those its
    ``tables`` header lists."""
    # a copy: the kept counts stay as they are
    counts = dict(control.views if control.views is not None else view_references(control.sql))
    for name in control.tables:
        if name in _view_uses():
            counts.setdefault(name, 1)
    return counts


def needed_views(selected: list[Control]) -> list[str]:
    """The helper views the selected controls read, directly or through other helper views, in dependency
    order: the only ones a run defines."""
    return views_read_by([name for control in selected for name in _control_references(control)])


def views_read_by(names: Iterable[str]) -> list[str]:
    """The helper views ``names`` and those they read, transitively, in dependency order."""
    uses = _view_uses()
    reached: set[str] = set()
    pending = list(names)
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            pending.extend(uses[name])
    return [name for name in _dependency_order() if name in reached]


def shared_views(selected: list[Control]) -> list[str]:
    """The needed helper views that are read more than once: by two controls, by a control and another view, or
    twice in one SQL text (in dependency order). A run computes each of them once per account into a TEMP
    table; a view read once is left to DuckDB, which computes it once inside its one reader."""
    return _read_more_than_once(needed_views(selected), [_control_references(control) for control in selected])


def views_read_twice(names: Iterable[str]) -> list[str]:
    """The helper views that the helper views ``names`` and those they read name more than once in all (in
    dependency order)."""
    return _read_more_than_once(views_read_by(names), [])


def _read_more_than_once(needed: list[str], texts: list[dict[str, int]]) -> list[str]:
    """Of the ``needed`` views, those named more than once by ``texts`` (counts of names) and their own SQL."""
    readers: dict[str, int] = {}
    for counts in [*texts, *(view_references(view_body(name)) for name in needed)]:
        for name, count in counts.items():
            if name in needed:
                readers[name] = readers.get(name, 0) + count
    return [name for name in needed if readers.get(name, 0) >= 2]


@lru_cache(maxsize=1)
def _dependency_order() -> tuple[str, ...]:
    """Every helper view after the helper views it reads."""
    uses = _view_uses()
    order: list[str] = []

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        for used in sorted(uses[name]):
            if used not in path:
                visit(used, path + (name,))
        if name not in order:
            order.append(name)

    for name in sorted(uses):
        visit(name)
    return tuple(order)


@lru_cache(maxsize=1)
def _view_uses() -> dict[str, frozenset[str]]:
    """For each helper view, the other helper views its SQL names."""
    return {name: frozenset(other for other in view_references(view_body(name)) if other != name) for name in view_names()}


def control_duckdb(control: Control, params: dict[str, Any]) -> str:
    """The control's DuckDB SQL with ``params`` filled in, translated once and then read from the translation
    cache (``sqlcache``), keyed by the control's SQL, its parameters and the text of every helper view it reads."""
    views = [view_body(name) for name in needed_views([control])]
    parts = [control.sql, json.dumps(params, sort_keys=True), *views]
    return sqlcache.translated(parts, CACHED_DIALECT, lambda: to_duckdb(render_sql(control, params)))
