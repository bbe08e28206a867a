"""What a control becomes on each engine, for ``iamsql controls --print-sql``.

``engines.spark`` also runs the controls (``iamsql check --engine spark``). Trino and Athena get printed SQL
only, from ``engine_dialects.transpile_for``, for teams that schedule the controls in their own jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iamsql.controls.catalog import (
    effective_parameters,
    load_controls,
    render_sql,
    select_controls,
    view_body,
    with_extra,
)
from iamsql.controls.engines.spark import to_spark
from iamsql.controls.views import needed_views
from iamsql.errors import ControlError, IamsqlError, first_line
from iamsql.sql import dialect, engine_dialects

PRINT_DIALECTS = ("duckdb", "spark", "trino", "athena")


@dataclass(frozen=True)
class Statement:
    """One printed statement: a helper view or a control, its SQL for the engine or why there is none."""

    kind: str  # 'view' or 'control'
    name: str
    sql: str | None
    problem: str | None = None


def translate(sql: str, engine: str) -> str:
    """The Steampipe query ``sql`` for ``engine``; ``now()`` is the clock (DuckDB: the ``iamsql_as_of`` variable)."""

    if engine == "duckdb":
        return dialect.to_duckdb(sql, as_of_variable=True)
    if engine == "spark":
        return to_spark(sql)
    return engine_dialects.transpile_for(sql, engine)


def statements(engine: str, control_ids: list[str] | None = None, queries_dir: Path | None = None,
               params: dict | None = None, extra_controls: list | None = None) -> list[Statement]:
    """The helper views the selected controls read (in dependency order), then the controls (with
    ``extra_controls``, such as Sigma rules, among them)."""
    if engine not in PRINT_DIALECTS:
        raise IamsqlError(f"unknown dialect {engine!r}; choose one of {', '.join(PRINT_DIALECTS)}")
    selected = select_controls(with_extra(load_controls(queries_dir), extra_controls), ids=control_ids)
    if not selected:
        raise ControlError("no control matches the selection")
    parameters = effective_parameters(selected, params)
    out = [_statement("view", name, view_body(name), engine) for name in needed_views(selected)]
    out += [_statement("control", c.id, render_sql(c, parameters[c.id]), engine) for c in selected]
    return out


def _statement(kind: str, name: str, sql: str, engine: str) -> Statement:
    try:
        return Statement(kind, name, translate(sql, engine))
    except IamsqlError as exc:
        return Statement(kind, name, None, first_line(exc))


def render_statements(items: list[Statement], engine: str) -> str:
    """A script: helper views as CREATE VIEW statements, then each control's query, one per control."""
    view_ddl = "create or replace view" if engine in ("trino", "athena") else "create or replace temp view"
    lines = []
    for item in items:
        lines.append(f"-- {item.kind} {item.name}")
        if item.sql is None:
            lines.append(f"-- cannot be translated for {engine}: {item.problem}")
        elif item.kind == "view":
            lines.append(f"{view_ddl} {item.name} as\n{item.sql};")
        else:
            lines.append(f"{item.sql};")
        lines.append("")
    return "\n".join(lines)
