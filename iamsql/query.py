"""Run ad hoc SQL: translate from the Steampipe (Postgres) dialect when asked, execute, and explain failures
in one line."""

from __future__ import annotations

import re

import duckdb

from .errors import IamsqlError

DIALECTS = ("steampipe", "postgres", "duckdb")


class QueryError(IamsqlError):
    """A query that cannot be translated or run."""


def translate(sql: str, dialect: str = "steampipe", *, as_of_variable: bool = False) -> str:
    """The DuckDB SQL for ``sql`` written in ``dialect`` ('steampipe' and 'postgres' are the same input dialect).

    ``as_of_variable``: the current time is the DuckDB variable ``iamsql_as_of`` (controls) instead of the clock.
    """
    from .dialect import to_duckdb

    if dialect not in DIALECTS:
        raise QueryError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")
    if dialect == "duckdb":
        return sql
    return to_duckdb(sql, as_of_variable=as_of_variable)


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, dialect: str = "steampipe", *, as_of_variable: bool = False
) -> tuple[list[str], list[tuple]]:
    """Execute ``sql`` and return (column names, rows); any failure is a one-line QueryError."""
    duck_sql = translate(sql, dialect, as_of_variable=as_of_variable)
    try:
        cursor = con.execute(duck_sql)
        if cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as exc:
        raise QueryError(describe_duckdb_error(exc)) from None


ERROR_PREFIX = re.compile(r"^[A-Za-z ]+ Error: ")


def describe_duckdb_error(exc: duckdb.Error) -> str:
    """One line saying which part of the query failed and why (DuckDB's message, reworded where it helps)."""
    text = str(exc)
    first = ERROR_PREFIX.sub("", text.splitlines()[0]).rstrip("!").strip()
    hint = re.search(r'Did you mean "([^"]+)"', text)
    suggestion = f" (did you mean {hint.group(1)}?)" if hint else ""
    if match := re.match(r"Table with name (\S+) does not exist", first):
        return f"unknown table {match.group(1)}{suggestion}"
    if match := re.match(r"(?:Scalar|Table|Aggregate) Function with name (\S+) does not exist", first):
        return f"unknown function {match.group(1)}(){suggestion}"
    if match := re.match(r'Referenced column "([^"]+)" not found', first):
        candidates = re.search(r'Candidate bindings: "([^"]+)"', text)
        close = f' (did you mean "{candidates.group(1)}"?)' if candidates else ""
        return f'column "{match.group(1)}" not found{close}'
    if match := re.match(r'Referenced table "([^"]+)" not found', first):
        return f'table or alias "{match.group(1)}" not found in FROM'
    if match := re.match(r'Values list "([^"]+)" does not have a column named "([^"]+)"', first):
        return f'column "{match.group(2)}" not found in "{match.group(1)}"'
    if isinstance(exc, duckdb.ParserException):
        return f"syntax error: {first}"
    return f"query failed: {first}"
