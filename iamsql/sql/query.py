"""Run ad hoc SQL: translate from the Steampipe (Postgres) dialect when asked, execute, and explain failures
in one line."""

from __future__ import annotations

import difflib
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

from iamsql.common.lazy import lazy_import
from iamsql.controls.names import view_names
from iamsql.errors import QueryError
from iamsql.sql import cache as sqlcache
from iamsql.sql.output import TEXT_TYPES
from iamsql.sql.pgfunctions import AS_OF_UNSET, RAISED, install_called
from iamsql.store.schema import ACCESS_TABLES, CATALOG_TABLES, NOT_LOADED, TABLES

# sqlglot and the dialect are imported when a statement is first translated: a statement whose translation is
# cached (``sqlcache``) runs without them.
sqlglot = lazy_import("sqlglot")
steampipe = lazy_import("iamsql.sql.dialect")
control_names = lazy_import("iamsql.controls.names")
control_views = lazy_import("iamsql.controls.views")  # imports this module and the engine: only for SQL naming a view

DIALECTS = ("steampipe", "postgres", "duckdb")


def check_dialect(dialect: str) -> None:
    """Refuse an input dialect ``translate`` does not read."""
    if dialect not in DIALECTS:
        raise QueryError(f"unknown dialect {dialect!r}; choose one of {', '.join(DIALECTS)}")


def translate(sql: str, dialect: str = "steampipe", *, as_of_variable: bool = False,
              tree: sqlglot.exp.Expr | None = None, numeric_text: bool = False) -> str:
    """The DuckDB SQL for ``sql`` written in ``dialect`` ('steampipe' and 'postgres' are the same input dialect).

    ``as_of_variable``: the current time is the DuckDB variable ``iamsql_as_of`` (controls) instead of the clock.
    ``tree``: ``sql`` as ``check_read_only`` parsed it, if it did: translated (and changed) instead of parsing
    ``sql`` again. ``numeric_text``: for ``fetch``, a numeric division or ``avg`` column carries Postgres's text.
    """

    check_dialect(dialect)
    if dialect == "duckdb":
        return sql
    if tree is not None:
        return steampipe.tree_to_duckdb(tree, as_of_variable=as_of_variable, numeric_text=numeric_text)
    return steampipe.to_duckdb(sql, as_of_variable=as_of_variable, numeric_text=numeric_text)


def run_query(
    con: duckdb.DuckDBPyConnection, sql: str, dialect: str = "steampipe", *, as_of_variable: bool = False
) -> tuple[list[str], list[tuple]]:
    """Execute ``sql`` and return (column names, rows); any failure is a one-line QueryError. The helper views,
    engine tables and account views ``sql`` names are created first when the connection lacks them."""
    duck_sql = translate(sql, dialect, as_of_variable=as_of_variable)
    try:
        if control_names.names_a_view(sql):
            control_views.create_views_named(con, sql)
        install_called(con, duck_sql)
        cursor = con.execute(duck_sql)
        if cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as exc:
        raise QueryError(describe_duckdb_error(exc, sql)) from None


ERROR_PREFIX = re.compile(r"^[A-Za-z ]+ Error: ")
PYTHON_FUNCTION_ERROR = re.compile(r"^Python exception occurred while executing the UDF: (?:ValueError|TypeError): ")
# Postgres's error raised by a translated query (pgfunctions' pg_raise macro): the text it could not cast
RAISED_ERROR = re.compile(rf"^Could not convert string '{re.escape(RAISED)}(.*)' to UUID$", re.S)


# RE2's reasons for refusing a regular expression (DuckDB's message is "<reason>: <pattern>") as PostgreSQL's
RE2_ERRORS = {"missing ]": "brackets [] not balanced", "missing )": "parentheses () not balanced",
              "unexpected )": "parentheses () not balanced", "invalid repetition size": "invalid repetition count(s)",
              "bad repetition operator": "quantifier operand invalid",
              "missing argument to repetition operator": "quantifier operand invalid",
              "invalid nested repetition operator": "quantifier operand invalid",
              "invalid escape sequence": "invalid escape \\ sequence", "trailing \\": "invalid escape \\ sequence",
              "invalid character class range": "invalid character range",
              "invalid character class": "invalid character class"}
RE2_ERROR = re.compile("(" + "|".join(re.escape(reason) for reason in RE2_ERRORS) + ")(?:: |$)")


def describe_duckdb_error(exc: duckdb.Error, sql: str = "") -> str:
    """One line saying which part of the query failed and why (DuckDB's message, reworded where it helps); ``sql``,
    the statement, tells which tables a missing column may belong to."""
    text = str(exc)
    first = ERROR_PREFIX.sub("", text.splitlines()[0]).rstrip("!").strip()
    # a Postgres function written in Python (iamsql.sql.pgfunctions) raises Postgres's own message
    first = PYTHON_FUNCTION_ERROR.sub("", first)
    if match := RAISED_ERROR.match(first):
        return f"query failed: {match.group(1)}"
    if said := postgres_words(first):
        return f"query failed: {said}"
    hint = re.search(r'Did you mean "([^"]+)"', text)
    suggestion = f" (did you mean {hint.group(1)}?)" if hint else ""
    if match := re.match(r"Table with name (\S+) does not exist", first):
        if close_table(match.group(1)) == match.group(1).lower():  # a helper view or engine table not yet created
            return (f"unknown table {match.group(1)}: iamsql creates it on a connection to a database with loaded "
                    "data (iamsql.controls.views.create_views)")
        return unknown_table(match.group(1), hint.group(1) if hint else None)
    if match := re.match(r"(?:Scalar|Table|Aggregate) Function with name (\S+) does not exist", first):
        return f"unknown function {match.group(1)}(){suggestion}"
    # A missing column named like an alias of the select list: DuckDB says the alias cannot be used yet
    if match := (re.match(r'Referenced column "([^"]+)" (?:was )?not found', first)
                 or re.match(r'Column "([^"]+)" referenced that exists in the SELECT clause', first)):
        if unloaded := _not_loaded(match.group(1), sql):
            return f'column "{match.group(1)}" does not exist: {unloaded}'
        candidates = re.search(r"Candidate bindings: (.*)", text)
        close = _close_column(match.group(1), re.findall(r'"([^"]+)"', candidates.group(1)) if candidates else [])
        return f'column "{match.group(1)}" does not exist' + (f' (did you mean "{close}"?)' if close else "")
    if match := re.match(r'Ambiguous reference to column name "([^"]+)" \(use: (.*)\)$', first):
        named = " or ".join(f"{table}.{match.group(1)}" for table in re.findall(r"'([^'.]+)\.", match.group(2)))
        return f'column reference "{match.group(1)}" is ambiguous' + (f": write {named}" if named else "")
    if match := re.match(r'Referenced table "([^"]+)" not found', first):
        return f'missing FROM-clause entry for table "{match.group(1)}"'
    if match := re.match(r'Values list "([^"]+)" does not have a column named "([^"]+)"', first):
        if unloaded := _not_loaded(match.group(2), sql):  # a qualified column: b.lifecycle_rules
            return f'column "{match.group(1)}.{match.group(2)}" does not exist: {unloaded}'
        close = _close_column(match.group(2), _columns_of(match.group(1), sql))
        return (f'column {match.group(1)}.{match.group(2)} does not exist'
                + (f' (did you mean "{match.group(1)}.{close}"?)' if close else ""))
    if match := re.match(r'Cannot access (?:file|directory) "([^"]*)" - file system operations are disabled', first):
        return f"reading or writing files is not allowed in iamsql query ({match.group(1)}); --allow-files lets SQL read them"
    if match := re.match(r"Values were not provided for the following parameters: (.+)", first):
        numbers = ", ".join(f"${n.strip()}" for n in match.group(1).split(","))
        return (f"query parameters ({numbers}) are not supported: iamsql query takes no parameter values; "
                "write the values into the SQL")
    if isinstance(exc, duckdb.InvalidInputException) and (match := RE2_ERROR.match(first)):
        return f"query failed: invalid regular expression: {RE2_ERRORS[match.group(1)]}"
    if f'"{AS_OF_UNSET}"' in first:  # iamsql_as_of() without the variable (iamsql.sql.pgfunctions)
        return f"query failed: {AS_OF_UNSET}"
    if first.startswith("Division by zero"):  # DuckDB's hint (TRY, SET ...) is no use in a read-only query
        return "query failed: division by zero"
    if isinstance(exc, duckdb.ParserException):  # DuckDB's own words often start "syntax error at or near"
        return first if first.startswith("syntax error") else f"syntax error: {first}"
    return f"query failed: {first}"


# DuckDB's names of types in its errors -> Postgres's (as its errors name them)
PG_TYPE_NAMES = {"INT16": "smallint", "SMALLINT": "smallint", "INT32": "integer", "INTEGER": "integer",
                 "INTEGER_LITERAL": "integer", "INT64": "bigint", "BIGINT": "bigint", "HUGEINT": "numeric",
                 "DOUBLE": "double precision", "FLOAT": "real", "UUID": "uuid", "INTERVAL": "interval", "DATE": "date",
                 "VARCHAR": "text", "STRING_LITERAL": "unknown", "BOOLEAN": "boolean", "JSON": "jsonb", "BLOB": "bytea",
                 "TIMESTAMP WITH TIME ZONE": "timestamp with time zone", "TIMESTAMP": "timestamp without time zone",
                 "TIME": "time without time zone", "DECIMAL_LITERAL": "numeric"}
INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")
DUCKDB_VALUE_ERRORS = [
    (re.compile(r"Overflow in (?:addition|subtraction|multiplication) of (INT16|INT32|INT64) \(.*\)"),
     lambda m: f"{PG_TYPE_NAMES[m[1]]} out of range"),
    (re.compile(r"Type \S+ with value \S+ can't be cast because the value is out of range for the destination type "
                r"(INT16|INT32|INT64)"), lambda m: f"{PG_TYPE_NAMES[m[1]]} out of range"),
    (re.compile(r"Failed to cast decimal value \S+ to type (INT16|INT32|INT64)"),
     lambda m: f"{PG_TYPE_NAMES[m[1]]} out of range"),
    (re.compile(r"Could not convert string (?:'(.*)'|\"(.*)\") to (INT16|INT32|INT64|DOUBLE|FLOAT|UUID|INTERVAL|DECIMAL)"
                r"(?:\(\d+,\d+\))?", re.S),
     lambda m: f'value "{m[1]}" is out of range for type {PG_TYPE_NAMES[m[3]]}' if m[1] is not None and m[
         3].startswith("INT") and INTEGER_TEXT.fullmatch(m[1]) else
     f'invalid input syntax for type {PG_TYPE_NAMES.get(m[3], "numeric")}: "{m[1] if m[1] is not None else m[2]}"'),
    (re.compile(r"Malformed JSON at byte \d+ of input"), lambda m: "invalid input syntax for type json"),
    (re.compile(r'invalid date field format: "(.*)", expected format is', re.S),
     lambda m: f'invalid input syntax for type date: "{m[1]}"'),
    (re.compile(r'time field value out of range: "(.*)", expected format is', re.S),
     lambda m: f'invalid input syntax for type time: "{m[1]}"'),
    (re.compile(r'(?:date|timestamp) field value out of range: "(.*)"$', re.S),
     lambda m: f'date/time field value out of range: "{m[1]}"'),
    (re.compile(r"interval cannot be 0"), lambda m: "step size cannot equal zero"),  # generate_series in FROM
    (re.compile(r"Argument for ntile must be greater than zero"), lambda m: "argument of ntile must be greater than zero"),
    (re.compile(r"json_object\(\) requires an even number of arguments"),
     lambda m: "argument list must have even number of elements"),
    (re.compile(r'column "(.+)" must appear in the GROUP BY clause or must be part of an aggregate function\.?$'),
     lambda m: f'column "{m[1]}" must appear in the GROUP BY clause or be used in an aggregate function'),
    (re.compile(r"Cannot mix values of type (\w+) and (\w+) in (COALESCE|CASE) (?:operator|expression)"),
     lambda m: f"{m[3]} types {PG_TYPE_NAMES.get(m[1], m[1].lower())} and {PG_TYPE_NAMES.get(m[2], m[2].lower())} "
               "cannot be matched"),
    (re.compile(r"No function matches the given name and argument types '([-+*/%<>=!~&|^#@]+)\((.*)\)'"),
     lambda m: "operator does not exist: {} {} {}".format(
         *(PG_TYPE_NAMES.get(t.strip(), t.strip().lower()) for t in m[2].split(",")[:1]), m[1],
         *(PG_TYPE_NAMES.get(t.strip(), t.strip().lower()) for t in m[2].split(",")[1:2])) if m[2].count(",") == 1
     else None),
    (re.compile(r"No function matches the given name and argument types '(\w+)\((.*)\)'"),
     lambda m: None if m[1].startswith("pg_") else "function {}({}) does not exist".format(
         m[1], ", ".join(PG_TYPE_NAMES.get(t.strip(), t.strip().lower()) for t in m[2].split(",") if t.strip()))),
]


def postgres_words(first: str) -> str | None:
    """PostgreSQL's message for one of DuckDB's errors about a value or a call that Postgres refuses too (an integer
    overflow, text that is not of the type it is cast to, a function of other types), else None."""
    for pattern, words in DUCKDB_VALUE_ERRORS:
        if match := pattern.match(first):
            return words(match)
    return None


def close_table(given: str, duckdb_hint: str | None = None) -> str | None:
    """The table or view name ``given`` was most likely meant to be (``query`` and ``schema`` suggest it): among iamsql's tables, helper views and engine
    tables (built only when a query names them, so DuckDB's catalog may not hold them yet) and DuckDB's own hint."""
    names = [*TABLES, *view_names(), *ACCESS_TABLES, *CATALOG_TABLES, *([duckdb_hint] if duckdb_hint else [])]
    close = [n for n in difflib.get_close_matches(given.lower(), names, n=3) if _alike(given, n)]
    return close[0] if close else None


def unknown_table(given: str, duckdb_hint: str | None = None) -> str:
    """The line for a table iamsql does not have (``query`` and ``schema`` say it): the near name it was most
    likely meant to be, else, for ``aws_<service>_...`` of a service iamsql loads no table of (Steampipe's
    ``aws_rds_db_instance``), that it loads none, else where its tables are listed."""
    if close := close_table(given, duckdb_hint):
        return f"unknown table {given} (did you mean {close}?)"
    service = _service(given)
    if service and service not in {_service(name) for name in TABLES}:
        return (f"unknown table {given}: iamsql loads no aws_{service}_ tables (of Steampipe's AWS plugin, it loads "
                "the IAM and CloudTrail tables and those around them); 'iamsql tables' lists them")
    return f"unknown table {given}; 'iamsql tables' lists the tables iamsql loads"


def _service(table: str) -> str | None:
    """The service an AWS table name names (``rds`` of ``aws_rds_db_instance``); None for another name."""
    prefix, _, rest = table.lower().partition("_")
    return rest.split("_")[0] if prefix == "aws" and rest else None


def _close_column(given: str, candidates: list[str]) -> str | None:
    """The first of ``candidates`` (DuckDB's, nearest first, some qualified: ``r.name``) that is a plausible
    correction of the column ``given``; None when none is (DuckDB names its nearest column however far)."""
    return next((c for c in candidates if _alike(given, c.rsplit(".", 1)[-1])), None)


def _columns_of(qualifier: str, sql: str) -> list[str]:
    """The columns of the iamsql table that ``qualifier`` (an alias or a table name) stands for in ``sql``."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except sqlglot.errors.ParseError:
        return []
    tables = [t.name for t in tree.find_all(sqlglot.exp.Table) if t.alias_or_name == qualifier and t.name in TABLES]
    return [name for name, _ in TABLES[tables[0]]] if tables else []


def _alike(given: str, known: str) -> bool:
    """Whether ``known`` is a plausible correction of ``given``, judged without the ``aws_`` both table names share
    (which alone makes DuckDB suggest ``aws_iam_policy`` for Steampipe's ``aws_vpc``), and for two AWS tables only
    when the services are near too (a shared ``_instance`` made ``aws_ssoadmin_instance`` near ``aws_rds_db_instance``)."""
    given, known = given.lower(), known.lower()
    services = _service(given), _service(known)
    if None not in services:
        given, known = given.removeprefix("aws_"), known.removeprefix("aws_")
        near_service = given.startswith(services[1]) or difflib.SequenceMatcher(None, *services).ratio() >= 0.75
        if not near_service:
            return False
    return difflib.SequenceMatcher(None, given, known).ratio() >= 0.6


def _not_loaded(column: str, sql: str) -> str | None:
    """Why a Steampipe column of a table ``sql`` names is missing, when iamsql does not load it."""
    for table, columns in NOT_LOADED.items():
        if column in columns and re.search(rf"\b{table}\b", sql, re.IGNORECASE):
            return f"iamsql does not load it into {table} (Steampipe reads it with {columns[column]})"
    return None


# ---- read-only statements -----------------------------------------------------------------------------------------

# What `iamsql query` runs: reads. Anything else is refused before it runs (by the statement's kind in sqlglot's
# tree and in DuckDB's own parse of the SQL that would run), and the connection backs it: the database is opened
# read-only, and file access and configuration changes are switched off in DuckDB (``lock_down``).
READ_ONLY_PRAGMAS = frozenset({"table_info", "show_tables", "show_tables_expanded", "database_list", "database_size",
                               "version", "platform", "show", "storage_info", "functions", "collations",
                               "user_agent", "metadata_info"})
DUCKDB_READ_KINDS = frozenset({"SELECT", "PRAGMA"})
WRITE_NODES = ("Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "Copy", "Set", "Command",
               "Attach", "Detach", "Install", "Use", "Transaction", "Commit", "Rollback", "Into", "TruncateTable",
               "LoadData", "Export")
ALLOWED = "SELECT, VALUES, DESCRIBE, SHOW, SUMMARIZE, read-only PRAGMAs"


def refused(kind: str) -> QueryError:
    return QueryError(f"{kind} is not allowed: iamsql query only reads ({ALLOWED})")


def split_statements(sql: str, dialect: str = "steampipe") -> list[str]:
    """The statements of ``sql`` in order, split at semicolons outside strings, names and comments (empty ones
    dropped)."""
    failure = sqlglot.errors.SqlglotError  # imports sqlglot before the try: see ``check_read_only``
    read = "duckdb" if dialect == "duckdb" else steampipe.Steampipe
    try:
        tokens = sqlglot_dialect(read).tokenize(sql)
    except failure:
        return [sql] if sql.strip().strip(";").strip() else []
    pieces, start = [], 0
    for token in tokens:
        if token.token_type == sqlglot.tokens.TokenType.SEMICOLON:
            pieces.append(sql[start:token.start])
            start = token.end + 1
    pieces.append(sql[start:])
    return [p.strip() for p in pieces if p.strip()]


def sqlglot_dialect(read):
    return sqlglot.dialects.dialect.Dialect.get_or_raise(read)


def _kind_of(node) -> str:
    """A statement kind as SQL spells it (COPY, CREATE, SET, ...)."""

    if isinstance(node, sqlglot.exp.Command):
        return " ".join(str(node.this).upper().split()[:1]) or "this statement"
    if isinstance(node, sqlglot.exp.Into):
        return "SELECT ... INTO"
    if isinstance(node, sqlglot.exp.Copy):
        return "COPY"
    if isinstance(node, sqlglot.exp.Pragma):
        return "PRAGMA " + node.sql().split(None, 1)[-1][:40]
    name = type(node).__name__
    return {"TruncateTable": "TRUNCATE", "Transaction": "BEGIN", "LoadData": "LOAD"}.get(name, name.upper())


def check_read_only(sql: str, dialect: str, con: duckdb.DuckDBPyConnection | None = None) -> sqlglot.exp.Expr | None:
    """Refuse ``sql`` (one statement, before translation) unless it only reads: its kind in sqlglot's tree
    (``dialect``'s parser) and in DuckDB's parse of it. One-line QueryError naming the kind. The translated SQL
    goes through ``check_duckdb_kind`` again before it runs. Returns that tree (None when the parser does not
    read ``sql`` as one statement), for ``translate``."""
    # sqlglot is imported here, outside the try: a Ctrl-C during its import must not leave the except clause
    # below to read a class from a half-imported module.
    failure = sqlglot.errors.SqlglotError
    if dialect != "duckdb":
        _check_first_word(sql, con)
    read = "duckdb" if dialect == "duckdb" else steampipe.Steampipe
    tree = None
    try:
        with steampipe.quiet_sqlglot():
            parsed = [t for t in sqlglot.parse(sql, read=read) if t is not None]
        tree = parsed[0] if len(parsed) == 1 else None
    except failure:
        pass
    if tree is not None:
        root_ok = isinstance(tree, sqlglot.exp.Query | sqlglot.exp.Values | sqlglot.exp.Describe | sqlglot.exp.Show | sqlglot.exp.Subquery) or (
            isinstance(tree, sqlglot.exp.Command) and str(tree.this).upper() in ("SHOW", "SUMMARIZE")) or (
            isinstance(tree, sqlglot.exp.Pragma) and _read_only_pragma(tree)) or type(tree).__name__ == "Summarize"
        if not root_ok:
            statement_like = isinstance(tree, sqlglot.exp.Into | sqlglot.exp.Pragma | sqlglot.exp.Copy) or (
                type(tree).__name__ in WRITE_NODES and not isinstance(tree, sqlglot.exp.Command))
            kind = _kind_of(tree) if statement_like else _first_words(sql)
            if kind == "SUMMARIZE":  # read by the duckdb dialect's parser only: not refused as a write
                raise QueryError("SUMMARIZE is DuckDB's statement, not PostgreSQL's: give --dialect duckdb to run it")
            raise refused(kind)
        for node in tree.walk():
            if type(node).__name__ in WRITE_NODES and node is not tree:
                raise refused(_kind_of(node))
    check_duckdb_kind(sql, con)
    return tree


# The words a PostgreSQL statement starts with (PostgreSQL documentation, "SQL Commands"): one of them that sqlglot
# does not know (LISTEN, DISCARD...) is a statement the read-only check refuses by name, not a syntax error.
PG_STATEMENTS = frozenset(
    "abort alter analyze begin call checkpoint close cluster comment commit copy create deallocate declare delete "
    "discard do drop end execute explain fetch grant import insert listen load lock merge move notify prepare "
    "reassign refresh reindex release reset revoke rollback savepoint security select set show start table truncate "
    "unlisten update vacuum values with".split()
)


def _check_first_word(sql: str, con: duckdb.DuckDBPyConnection | None) -> None:
    """PostgreSQL's syntax error for a statement that starts with a name no statement starts with (``selec * from
    t``): sqlglot reads the name as a column, so the error would name the first operator it cannot finish, or the
    refusal the name as a kind of statement. DuckDB's own statements (ATTACH, CHECKPOINT, SUMMARIZE) are left to
    the checks after this one."""
    try:
        tokens = steampipe.Steampipe().tokenize(sql)
    except sqlglot.errors.TokenError:
        return  # the translation says what is unterminated
    if not tokens or tokens[0].token_type != sqlglot.tokens.TokenType.VAR or tokens[0].text.lower() in PG_STATEMENTS:
        return
    probe = con or duckdb.connect()
    try:
        probe.extract_statements(sql)
        return
    except duckdb.Error:
        pass
    finally:
        if con is None:
            probe.close()
    first = tokens[0]  # placed as the parser's errors place a token: the column of its last character
    raise QueryError(f'syntax error at line {first.line}, column {first.col} near "{first.text}": a statement starts '
                     "with a keyword such as SELECT, WITH or VALUES")


def check_duckdb_kind(duck_sql: str, con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Refuse SQL whose statements DuckDB's parser classes as anything but SELECT or a read-only PRAGMA."""
    probe = con or duckdb.connect()
    try:
        statements = probe.extract_statements(duck_sql)
    except duckdb.Error:
        return  # DuckDB cannot parse it either: running it fails with DuckDB's own message
    finally:
        if con is None:
            probe.close()
    for statement in statements:
        if statement.type.name not in DUCKDB_READ_KINDS:
            raise refused(_first_words(statement.query))
        if statement.type.name == "PRAGMA" and not _read_only_pragma_text(statement.query):
            raise refused("PRAGMA " + statement.query.split(None, 1)[-1][:40])


def _first_words(sql: str) -> str:
    """The statement's leading keyword(s) as SQL spells them: ``EXPORT DATABASE``, ``CHECKPOINT``, ``DETACH``."""
    words = re.sub(r"--[^\n]*|/\*.*?\*/", " ", sql, flags=re.S).split()
    if not words:
        return "this statement"
    first = words[0].upper()
    return f"{first} DATABASE" if first == "EXPORT" and len(words) > 1 and words[1].upper() == "DATABASE" else first


def _read_only_pragma(node) -> bool:
    return _read_only_pragma_text(node.sql())


def _read_only_pragma_text(text: str) -> bool:
    match = re.match(r"\s*pragma\s+(\w+)\s*(\(|$|;)", text, re.IGNORECASE)
    return bool(match) and match.group(1).lower() in READ_ONLY_PRAGMAS


def lock_down(con: duckdb.DuckDBPyConnection, *, allow_files: bool = False) -> None:
    """After iamsql's macros and views are installed: no file access from SQL (``read_csv``, ``glob``, ``COPY``,
    ``ATTACH``, extensions) unless ``allow_files``, and no configuration change from then on."""
    if not allow_files:
        con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


# ---- typed results ------------------------------------------------------------------------------------------------

NESTED_TYPE = re.compile(r"(\[\d*\]$)|^(STRUCT|MAP)\(")
# A numeric column with Postgres's text of each value (``dialect.numeric_text_columns``): printed as that numeric.
NUMERIC_TEXT_TYPE = re.compile(r"^STRUCT\(pg_numeric [A-Z0-9(), ]+, pg_numeric_text VARCHAR\)$")
# A column whose Postgres type DuckDB's does not tell (``dialect.output_type_fields``: json, varchar, varchar[], oid, inet, cidr;
# ``pg_typeof(...)``'s regtype): a struct of one field named after the type, printed as ``PG_<TYPE>``.
TYPED_VALUE_TYPE = re.compile(r"^STRUCT\((pg_(?:json|varchar|inet|cidr|regtype|oid)) (?:JSON|VARCHAR|BIGINT)(\[\])?\)$")


def fetch(con: duckdb.DuckDBPyConnection, duck_sql: str) -> tuple[list[str], list[str], list[tuple]]:
    """Run one DuckDB statement: (column names, DuckDB type of each column, rows). Intervals, dates, times and
    timestamps come back as DuckDB's text (a Python value would lose an interval's months, ``infinity``, BC and
    years past 9999); lists, structs and maps as JSON (a union as its member's value) (type ``JSON``), a numeric
    with Postgres's text as a ``Decimal`` of those decimals (type ``DECIMAL``). ``output.render`` turns them into
    Steampipe's text."""

    try:
        install_called(con, duck_sql)
        relation = con.sql(duck_sql)
        if relation is None:
            return [], [], []
        names, types = list(relation.columns), [str(t) for t in relation.types]
        exprs, shown = [], []
        for i, sqltype in enumerate(types, 1):
            if sqltype in TEXT_TYPES:
                exprs.append(f"cast(#{i} as varchar)")
                shown.append(sqltype)
            elif NUMERIC_TEXT_TYPE.match(sqltype):
                exprs.append(f"struct_extract(#{i}, 'pg_numeric_text')")
                shown.append("DECIMAL")
            elif typed := TYPED_VALUE_TYPE.match(sqltype):
                value = f"struct_extract(#{i}, '{typed.group(1)}')"
                exprs.append(f"to_json({value})" if typed.group(2) else value)  # a list (varchar[]) as JSON
                shown.append(typed.group(1).upper() + (typed.group(2) or ""))
            elif NESTED_TYPE.search(sqltype):
                exprs.append(f"to_json(#{i})")
                shown.append(sqltype if sqltype.endswith("[]") else "JSON")  # a list keeps its type (its data_type)
            else:
                exprs.append(f"#{i}")
                shown.append(sqltype)
        if any(expr != f"#{i}" for i, expr in enumerate(exprs, 1)):
            relation = relation.project(", ".join(exprs))
        rows = relation.fetchall()
        numeric_text = [i for i, sqltype in enumerate(types) if NUMERIC_TEXT_TYPE.match(sqltype)]
        if numeric_text:
            rows = [tuple(Decimal(v) if i in numeric_text and v is not None else v for i, v in enumerate(row))
                    for row in rows]
        return names, shown, rows
    except duckdb.Error as exc:
        raise QueryError(describe_duckdb_error(exc, duck_sql)) from None


def run_statements(con: duckdb.DuckDBPyConnection, sql: str, dialect: str = "steampipe"):
    """Each statement of ``sql`` in order, checked read-only, translated and run: yields (columns, types, rows)."""
    for statement in statements_of(sql, dialect):
        yield run_statement(con, statement, dialect)


def statements_of(sql: str, dialect: str = "steampipe") -> list[str]:
    """The statements of ``sql`` (the split is cached); none is an error."""
    statements = json.loads(sqlcache.translated([sql], f"split:{dialect}",
                                                lambda: json.dumps(split_statements(sql, dialect))))
    if not statements:
        raise QueryError("empty query: no SQL statement given")
    return statements


def run_statement(con: duckdb.DuckDBPyConnection, statement: str, dialect: str = "steampipe") -> tuple:
    """One statement checked read-only, translated and run: (columns, types, rows)."""
    duck_sql = checked_translation(statement, dialect, con)
    check_duckdb_kind(duck_sql, con)
    return fetch(con, duck_sql)


def checked_translation(statement: str, dialect: str, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """``check_read_only`` then ``translate`` of the tree the check parsed (one parse). Their sqlglot part is kept
    in the translation cache (``sqlcache``: only statements that passed are kept), so a statement run before skips
    sqlglot and is checked by DuckDB's parser alone, as every statement is again after translation."""
    def check_and_translate() -> str:
        return translate(statement, dialect, tree=check_read_only(statement, dialect, con), numeric_text=True)

    duck_sql = sqlcache.translated([statement], f"query:{dialect}", check_and_translate)
    check_duckdb_kind(statement, con)
    return duck_sql


# ---- where the SQL comes from -------------------------------------------------------------------------------------

NO_SQL = "give the SQL as an argument, a .sql file path, --file FILE, or on stdin (-f -)"


def sql_file(sql: str | None, file: str | None) -> str | None:
    """The file the SQL is read from: ``--file`` (``-`` is stdin), or an argument that is a ``.sql`` path."""
    if file is None and sql is not None and sql.strip().lower().endswith(".sql") and "\n" not in sql.strip():
        return sql.strip()
    return file


def read_sql(sql: str | None, file: str | None, stdin=None) -> str:
    """The SQL text, as Steampipe takes it: the argument (a path ending in ``.sql`` is read as a file), ``--file
    FILE`` (``-`` is stdin), or stdin when it is piped and nothing else is given."""

    stdin = stdin or sys.stdin
    if sql is not None and file is not None:
        raise QueryError("give the SQL as an argument or with --file, not both")
    file = sql_file(sql, file)
    if file == "-" or (file is None and sql is None and stdin is not None and not stdin.isatty()):
        text = stdin.read()
        if not text.strip():
            raise QueryError(NO_SQL if file is None else "no SQL on stdin")
        return text
    if file is not None:
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None
    if sql is None or not sql.strip():
        raise QueryError(NO_SQL)
    return sql
