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
from iamsql.controls.views import needed_views, views_read_by
from iamsql.errors import ControlError, IamsqlError, first_line
from iamsql.sql import dialect, engine_dialects
from iamsql.store.lake import organization_views, partial_view

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
    """The organization views and ``iamsql_partial`` over the lake's tables (``organization_views``,
    ``partial_view``) and the helper views the selected controls read (in dependency order), then the controls
    (with ``extra_controls``, such as Sigma rules, among them)."""
    if engine not in PRINT_DIALECTS:
        raise IamsqlError(f"unknown dialect {engine!r}; choose one of {', '.join(PRINT_DIALECTS)}")
    selected = select_controls(with_extra(load_controls(queries_dir), extra_controls), ids=control_ids)
    if not selected:
        raise ControlError("no control matches the selection")
    parameters = effective_parameters(selected, params)
    views = [(name, view_body(name)) for name in needed_views(selected)]
    controls = [(c.id, render_sql(c, parameters[c.id]), needed_views([c])) for c in selected]
    read = " ".join(sql.lower() for _, sql in views) + " ".join(sql.lower() for _, sql, _ in controls)
    lake_views = {**organization_views(), "iamsql_partial": partial_view()}
    out = [_statement("view", name, sql, engine) for name, sql in lake_views.items() if name in read]
    untranslated: set[str] = set()
    for name, sql in views:  # dependency order: a view reading one that cannot be translated cannot be either
        out.append(_statement("view", name, sql, engine, [v for v in views_read_by([name]) if v != name], untranslated))
        if out[-1].sql is None:
            untranslated.add(name)
    out += [_statement("control", name, sql, engine, reads, untranslated) for name, sql, reads in controls]
    return out


def _statement(kind: str, name: str, sql: str, engine: str, reads: list[str] = (),
               untranslated: set[str] = frozenset()) -> Statement:
    """``sql`` for ``engine``, or why there is none: it cannot be translated, or it reads a helper view (among
    ``reads``) that cannot."""
    blocked = [view for view in reads if view in untranslated]
    if blocked:
        return Statement(kind, name, None, f"it reads the helper view {blocked[0]}, which cannot be translated")
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
