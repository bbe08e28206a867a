"""``iamsql query``: read-only SQL over the tables."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from iamsql.cli.options import DbOption, HeaderOption, SeparatorOption, check_separator, header_flag
from iamsql.cli.root import QUERY_FAILED
from iamsql.common.lazy import lazy_import
from iamsql.errors import IamsqlError, first_line
from iamsql.sql.output import FORMATS, SNAPSHOT_FORMATS, STEAMPIPE_NULL, query_json, render

duckdb = lazy_import("duckdb")
control_names = lazy_import("iamsql.controls.names")
control_views = lazy_import("iamsql.controls.views")
dbmod = lazy_import("iamsql.store.db")
sql_query = lazy_import("iamsql.sql.query")


def query(
    sql: Annotated[
        Optional[list[str]],
        typer.Argument(help="The SQL (Steampipe/Postgres flavour by default), or a .sql file to run; several run in "
                       "order, as Steampipe's 'query a.sql b.sql'."),
    ] = None,
    file: Annotated[
        Optional[str], typer.Option("--file", "-f", help="Read the SQL from a file; '-' reads stdin.")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            "--format",
            help="table (Steampipe's, every value whole), csv, json, jsonl, line or md, as Steampipe prints them.",
        ),
    ] = "table",
    dialect: Annotated[
        str,
        typer.Option("--dialect", help="Input dialect: 'steampipe' (Postgres SQL, translated) or 'duckdb' (as is)."),
    ] = "steampipe",
    print_sql: Annotated[
        bool, typer.Option("--print-sql", help="Print the DuckDB SQL that would run, and exit.")
    ] = False,
    allow_files: Annotated[
        bool,
        typer.Option("--allow-files", help="Let SQL read files (read_csv, read_json, glob, ...); writes stay refused."),
    ] = False,
    header: HeaderOption = "true",
    separator: SeparatorOption = ",",
    timing: Annotated[
        bool,
        typer.Option("--timing", help="After each statement, its time and row count on standard error, as "
                     "Steampipe's --timing (Time: 12ms. Rows returned: 2.); also --timing=on, verbose or off."),
    ] = False,
    db: DbOption = None,
) -> None:
    """Run read-only SQL over the tables; several statements (and several files or queries) run in order, their
    results separated by a blank line as Steampipe prints them. SQL that writes, attaches, loads extensions or
    changes settings is refused; reading files needs --allow-files. A statement that fails is one error line and
    the others still run; exit code 41 then, 254 for bad input, as Steampipe's.

    \b
    Examples:
      iamsql query "select name, arn from aws_iam_user where not mfa_enabled"
      iamsql query my_query.sql -o csv
      iamsql query users.sql roles.sql -o line
      cat my_query.sql | iamsql query -o json
      iamsql query "select name from aws_iam_role" -o csv --header=false --separator ':'
    """
    if fmt in SNAPSHOT_FORMATS:
        raise IamsqlError(f"--output {fmt}: {SNAPSHOT_FORMATS[fmt]} snapshot is not written; iamsql query writes "
                          f"{', '.join(FORMATS[:-1])} or {FORMATS[-1]}: -o json gives each result's columns, their "
                          "types and rows, as Steampipe's json")
    if fmt not in FORMATS:
        raise IamsqlError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    sql_query.check_dialect(dialect)  # bad input (254), not a failed statement (41)
    with_header = header_flag(header)
    check_separator(separator)
    queries = read_queries(sql, file)  # every file is read before anything runs
    source = queries[0][0]
    try:
        if print_sql:
            typer.echo(";\n".join(sql_query.translate(s, dialect, numeric_text=True) for _, text in queries
                                   for s in sql_query.split_statements(text, dialect)))
            return
        con = dbmod.connect(db, read_only=True, queries=False)  # macros, functions, views: those the SQL names
        every = " ".join(text for _, text in queries)
        if control_names.names_a_view(every):
            control_views.create_views_named(con, every)
        sql_query.lock_down(con, allow_files=allow_files)
        printed = False
        failed = 0
        for source, text in queries:
            started = time.perf_counter()
            for result in _each_result(con, source, text, dialect):
                took = time.perf_counter() - started
                if isinstance(result, str):  # the statement failed: its line, and on to the next, as Steampipe
                    typer.echo(f"error: {result}", err=True)
                    failed += 1
                    started = time.perf_counter()
                    continue
                columns, types, rows = result
                if columns and printed and (fmt != "csv" or with_header):  # Steampipe's blank line between results
                    typer.echo("")
                if columns and fmt == "json":
                    typer.echo(query_json(columns, rows, types), nl=False)
                elif columns:
                    typer.echo(render(columns, rows, fmt, types, STEAMPIPE_NULL, header=with_header,
                                      separator=separator, boxed=True), nl=False)
                printed = printed or bool(columns)
                if timing:
                    typer.echo("\n" + timing_line(took, len(rows)), err=True)
                started = time.perf_counter()
    except RecursionError:
        raise IamsqlError(f"{source}: SQL nested too deeply to parse") from None
    if failed:
        raise typer.Exit(QUERY_FAILED)


def _each_result(con, source: str, text: str, dialect: str):
    """(columns, types, rows) of each statement of ``text``, or the one-line error of a statement that failed
    (a text that cannot be split is one failure), so that the statements after it still run."""
    try:
        statements = sql_query.statements_of(text, dialect)
    except IamsqlError as exc:
        yield first_line(exc)
        return
    except RecursionError:
        yield f"{source}: SQL nested too deeply to parse"
        return
    for statement in statements:
        try:
            yield sql_query.run_statement(con, statement, dialect)
        except duckdb.InterruptException:
            raise
        except (IamsqlError, duckdb.Error) as exc:
            yield first_line(exc)
        except RecursionError:
            yield f"{source}: SQL nested too deeply to parse"


def read_queries(sql: list[str] | None, file: str | None) -> list[tuple[str, str]]:
    """(where it came from, SQL text) for each argument (SQL, or a .sql file), or ``--file``, or stdin; each names
    no Steampipe query-shell command."""
    if sql and file is not None:
        raise IamsqlError("give the SQL as an argument or with --file, not both")
    queries = []
    for given in sql or [None]:
        source = sql_query.sql_file(given, file)
        if source is None and given and not given.split()[1:] and Path(given.strip()).is_file():
            raise IamsqlError(f"{given.strip()} is a file, not SQL: give it with --file {given.strip()} (an argument "
                              "is read as a file only when its name ends in .sql)")
        queries.append(({None: "the SQL", "-": "standard input"}.get(source, source), sql_query.read_sql(given, file)))
        refuse_meta_command(queries[-1][1])
    return queries


# Steampipe's --timing takes a value after '=' (bare, it is on); verbose adds its plugins' scans, which iamsql has not.
STEAMPIPE_TIMING = {"--timing=on": "--timing", "--timing=verbose": "--timing", "--timing=off": None}


def steampipe_timing(words: list[str]) -> list[str]:
    """The words of a ``query`` command line with Steampipe's ``--timing=on|verbose|off`` as the ``--timing`` flag
    (or without it, for off); another value is bad input (typer would say the flag takes no value)."""
    for word in words:
        if word.startswith("--timing=") and word not in STEAMPIPE_TIMING:
            raise IamsqlError(f"--timing takes on, verbose or off (--timing=on), not {word.partition('=')[2]!r}")
    return [STEAMPIPE_TIMING.get(word, word) for word in words if STEAMPIPE_TIMING.get(word, word) is not None]


def timing_line(seconds: float, rows: int) -> str:
    """Steampipe's timing line: milliseconds under half a second, else seconds with one decimal."""
    took = f"{int(seconds * 1000)}ms" if seconds < 0.5 else f"{seconds:.1f}s"
    return f"Time: {took}. Rows returned: {rows}."


# Steampipe's query-shell meta-commands and the iamsql command that answers the same question
META_COMMANDS = {".inspect": "iamsql schema TABLE (iamsql tables lists them)", ".tables": "iamsql tables"}


def refuse_meta_command(sql: str) -> None:
    """A Steampipe meta-command (``.inspect aws_iam_user``) is not SQL: say which command answers it, instead of
    a syntax error at the dot."""
    words = sql.split()
    if not words or not words[0].startswith("."):
        return
    command = words[0].lower()
    answer = META_COMMANDS.get(command)
    if command == ".inspect" and len(words) > 1:  # a table, or Steampipe's plugin (.inspect aws: its tables)
        table = words[1].rstrip(";")
        close = None if "." in table else sql_query.close_table(table)  # history.aws_iam_user is a table too
        answer = "iamsql tables" if table == "aws" else f"iamsql schema {close or table}"
    raise IamsqlError(f"{words[0]} is a command of Steampipe's query shell, not SQL; "
                      + (f"use '{answer}'" if answer else "iamsql has no query shell: give SQL"))
