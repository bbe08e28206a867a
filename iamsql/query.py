"""Run ad hoc SQL: translate from the Steampipe (Postgres) dialect when asked, execute, and explain failures
in one line."""

from __future__ import annotations

import duckdb

from .errors import IamsqlError

DIALECTS = ("steampipe", "postgres", "duckdb")


class QueryError(IamsqlError):
    """A query that cannot be translated or run."""


def translate(sql: str, dialect: str = "steampipe") -> str:
    """The DuckDB SQL for ``sql`` written in ``dialect``."""
    from .dialect import to_duckdb

    if dialect not in DIALECTS:
        raise QueryError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    if dialect == "duckdb":
        return sql
    return to_duckdb(sql)


def run_query(con: duckdb.DuckDBPyConnection, sql: str, dialect: str = "steampipe") -> tuple[list[str], list[tuple]]:
    """Execute ``sql`` and return (column names, rows)."""
    duck_sql = translate(sql, dialect)
    try:
        cursor = con.execute(duck_sql)
    except duckdb.Error as exc:
        raise QueryError(f"query failed: {str(exc).splitlines()[0]}") from None
    if cursor.description is None:
        return [], []
    return [d[0] for d in cursor.description], cursor.fetchall()
