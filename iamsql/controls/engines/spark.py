"""Run the controls on Apache Spark over the Parquet lake that ``iamsql export --parquet`` writes.

Translation (``to_spark``): the control's Steampipe SQL goes through the same Postgres-semantics rewrites as for
DuckDB (``dialect.postgres_tree``: column names, LIKE ANY, casts, to_char, time), then the DuckDB-specific
pieces become Spark SQL:
- JSON columns are JSON text (Parquet has no JSON type). ``x ->> 'a' ->> ...`` chains of literal keys become
  Spark's native ``get_json_object``; other JSON operations (``->``, ``@>``, ``?``, jsonb text output, element
  and key expansion) call Python functions registered on the session that reuse the Postgres semantics of
  ``iamsql.sql.dialect`` (``SPARK_FUNCTIONS``).
- ``jsonb_array_elements(x) s`` and friends in FROM become ``LATERAL explode(...) AS s(value)``.
- ``now()``/``current_date`` become the account's snapshot time (a literal), or ``current_timestamp()`` when
  the SQL is printed for a scheduler.
- ``string_agg`` keeps Postgres's ordering: DISTINCT sorts, ``ORDER BY`` inside the call is honoured;
  ``regexp_replace`` without the 'g' flag replaces the first match only, as in Postgres.

Execution (``run_checks``): each lake table becomes a temporary view, each account is evaluated at its own
time through per-account views named like the Steampipe tables (as ``controls.run_checks`` does on DuckDB),
and the run is stored in the DuckDB database with ``engine = 'spark'``.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlglot import exp
from sqlglot.errors import SqlglotError

from iamsql.controls.catalog import (
    Control,
    render_sql,
    view_body,
)
from iamsql.controls.contract import Account
from iamsql.controls.run import Found, NotBound, run_controls
from iamsql.controls.views import needed_views
from iamsql.errors import IamsqlError, QueryError, SparkError, first_line
from iamsql.sql import dialect, jsonpath, pgfunctions
from iamsql.sql.engine_dialects import (
    CASE_INSENSITIVE_FLAGS,
    case_insensitive_rlike,
    refuse_frames_beyond_rows_and_range,
    without_materialized,
)
from iamsql.store.lake import EVENTS, organization_views, partial_view, read_manifest
from iamsql.store.schema import ACCESS_TABLES, TABLES, columns

AS_OF_CALL = "iamsql_as_of"
CONCURRENT_QUERIES = 4


# --------------------------------------------------------------------------------------------- translation

STRFTIME_TO_JAVA = {
    "%Y": "yyyy", "%y": "yy", "%m": "MM", "%-m": "M", "%d": "dd", "%-d": "d", "%H": "HH", "%-H": "H",
    "%I": "hh", "%-I": "h", "%M": "mm", "%-M": "m", "%S": "ss", "%-S": "s", "%g": "SSS", "%f": "SSSSSS",
    "%p": "a", "%B": "MMMM", "%b": "MMM", "%A": "EEEE", "%a": "EEE", "%j": "DDD", "%-j": "D",
}
# Spark built-ins that the translated tree may call by the same name and meaning as in DuckDB.
SPARK_BUILTINS = {"json_array_length", "rpad", "upper", "lower", "regexp_extract", "explode", "inline",
                  "get_json_object", "concat_ws", "date_format", "array_join", "array_sort", "collect_list",
                  "collect_set", "transform", "named_struct", "size", "array_except", "reverse", "year"}


def to_spark(sql: str, *, as_of: datetime | None = None) -> str:
    """Spark SQL for the Steampipe query ``sql``. ``as_of``: the time ``now()`` means (default: the clock)."""
    return render(spark_tree(sql), as_of)


def spark_tree(sql: str) -> exp.Expr:
    """The translated syntax tree, with ``iamsql_as_of()`` standing for the snapshot time (see ``render``)."""
    try:
        with dialect.quiet_sqlglot():
            tree = dialect.postgres_tree(sql, as_of_variable=True)
            refuse_frames_beyond_rows_and_range(tree, "spark")
            for node in reversed(list(tree.walk(bfs=False))):  # children before parents
                replacement = _spark_node(node)
                if replacement is not node:
                    if node is tree:
                        tree = replacement
                    else:
                        node.replace(replacement)
    except SqlglotError as exc:
        raise QueryError(f"cannot translate the query for spark: {first_line(exc)}") from None
    return tree


def render(tree: exp.Expr, as_of: datetime | None) -> str:
    """Spark SQL text of a translated tree, with the snapshot time as a literal (or the clock when None)."""
    if as_of is None:
        moment: exp.Expr = exp.CurrentTimestamp()
    else:
        text = as_of.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
        moment = exp.Anonymous(this="to_timestamp", expressions=[exp.Literal.string(text)])

    def bind(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Anonymous) and node.name.lower() == AS_OF_CALL:
            return moment.copy()
        return node

    with dialect.quiet_sqlglot():
        try:
            return tree.transform(bind).sql(dialect="spark")
        except SqlglotError as exc:
            raise QueryError(f"cannot translate the query for spark: {first_line(exc)}") from None


def _call(name: str, *args: exp.Expr) -> exp.Anonymous:
    return exp.Anonymous(this=name, expressions=list(args))


def _spark_node(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Subquery) and node.meta.get("pg_srf"):
        return _lateral(node)
    if isinstance(node, exp.Anonymous):
        return _function(node)
    if isinstance(node, exp.Cast):
        return _cast(node)
    if isinstance(node, exp.GroupConcat):
        return _string_agg(node)
    if isinstance(node, exp.RegexpReplace):
        return _regexp_replace(node)
    if isinstance(node, exp.RegexpILike):
        return case_insensitive_rlike(node, CASE_INSENSITIVE_FLAGS["spark"])
    if isinstance(node, exp.Filter) and isinstance(node.this, exp.If) and node.this.meta.get("string_agg"):
        return _filtered_string_agg(node)
    if isinstance(node, exp.Mul):
        return _fold_interval(node)
    if isinstance(node, exp.CTE):
        return without_materialized(node)
    return node


SRF_UDF = {"elements": "pg_jsonb_elements", "elements_text": "pg_jsonb_elements_text", "keys": "pg_jsonb_keys",
           "each": "pg_jsonb_each", "each_text": "pg_jsonb_each_text", "path": "pg_jsonb_path_query"}


def _lateral(node: exp.Subquery) -> exp.Expr:
    """``(select unnest(pg_jsonb_elements(x)) as value) as s`` -> ``LATERAL explode(pg_jsonb_elements(x)) AS s(value)``."""
    kind = node.meta["pg_srf"]
    listed = next(a for a in node.find_all(exp.Anonymous) if a.name.lower() in SRF_UDF.values())
    function = _call(SRF_UDF[kind], *[a.copy() for a in listed.expressions])
    alias = node.args["alias"]
    names = [c.name for c in alias.columns] or (
        ["key", "value"] if kind in ("each", "each_text") else [alias.name] if kind in ("keys", "path") else ["value"])
    generator = _call("inline" if kind in ("each", "each_text") else "explode", function)
    table_alias = exp.TableAlias(this=exp.to_identifier(alias.name), columns=[exp.to_identifier(n) for n in names])
    if isinstance(node.parent, exp.From):
        return exp.Table(this=generator, alias=table_alias)
    return exp.Lateral(this=generator, alias=table_alias)


# what the query wrote, for the DuckDB macros that stand for a Postgres function or operator
POSTGRES_NAMES = {macro: f"{function}()" for function, macro in dialect.JSONPATH_FUNCTIONS.items() if macro} | {
    "pg_jsonb_path_exists": "jsonb_path_exists() (or @?)", "pg_jsonb_path_match_silent": "the jsonpath operator @@",
    # pg_typeof() of a value whose type the query does not decide asks DuckDB's typeof()
    "typeof": "pg_typeof() of a value whose type the query does not decide"} | {
    name: "the inet and cidr types" for name, *_ in pgfunctions.PYTHON_FUNCTIONS if name.startswith("pg_inet_")}


def _function(node: exp.Anonymous) -> exp.Expr:
    name = node.name.lower()
    args = node.expressions
    if name in (AS_OF_CALL, *SPARK_FUNCTIONS):
        if name == "pg_jsonb_text":
            return _text_chain(args[0]) or node
        return node
    if name == "json_extract":
        return _call("pg_json_extract", *args)
    if name == "unnest":
        return _call("explode", *args)
    if name == "json_array" and len(args) == 1:  # jsonb_build_array(x) of one JSON value
        return _call("pg_json_array", *args)
    if name == "strftime":
        fmt = args[1]
        if not (isinstance(fmt, exp.Literal) and fmt.this in STRFTIME_TO_JAVA):
            raise dialect.UnsupportedFeature(f"unsupported on spark: strftime format {fmt.sql()}")
        return _call("date_format", args[0], exp.Literal.string(STRFTIME_TO_JAVA[fmt.this]))
    if name == "pg_raise":  # Postgres's error for a value it cannot take
        return _call("raise_error", *args)
    if name == "regexp_matches" and len(args) == 2:
        return exp.RegexpLike(this=args[0], expression=args[1])
    if name == "concat":  # Postgres/DuckDB concat() skips NULLs, Spark's does not
        return _call("concat_ws", exp.Literal.string(""), *args)
    if name in ("pg_substr_from", "pg_substr"):  # PostgreSQL's substr: a start below 1 still counts from 1
        start = exp.Greatest(this=args[1], expressions=[exp.Literal.number(1)])
        if name == "pg_substr_from":
            return exp.Substring(this=args[0], start=start)
        length = exp.Greatest(this=exp.Sub(this=exp.Add(this=args[1], expression=args[2]), expression=start.copy()),
                              expressions=[exp.Literal.number(0)])
        return exp.Case(ifs=[exp.If(this=exp.LT(this=args[2].copy(), expression=exp.Literal.number(0)),
                                    true=_call("raise_error", exp.Literal.string("negative substring length not allowed")))],
                        default=exp.Substring(this=args[0], start=start, length=length))
    if name == "pg_text_to_int":  # Postgres reads only digits, a sign and blanks around as an integer (pgfunctions)
        text, type_name = args
        syntax = exp.Literal.string("^[ \\t\\n\\r\\x0B\\f]*[+-]?[0-9]+[ \\t\\n\\r\\x0B\\f]*$")
        message = _call("concat", exp.Literal.string(f"invalid input syntax for type {type_name.name}: \""),
                        text.copy(), exp.Literal.string('"'))
        return exp.Case(ifs=[exp.If(this=exp.Or(this=exp.Is(this=text.copy(), expression=exp.Null()),
                                                expression=exp.RegexpLike(this=text.copy(), expression=syntax)),
                                    true=_call("trim", text.copy()))],
                        default=_call("raise_error", message))
    if name in ("pg_to_char_year", "pg_century", "pg_to_char_century"):
        return _to_char_year_or_century(name, args)
    if name == "pg_upper":  # Spark's own upper(), as before: Java maps ß to SS
        return exp.Upper(this=args[0])
    if name == "pg_jsonb_array_length":  # Spark's own, as before: NULL for an object or a scalar
        return _call("json_array_length", *args)
    if name == "list_has_all":
        return exp.EQ(this=_call("size", _call("array_except", args[1], args[0])), expression=exp.Literal.number(0))
    if name in SPARK_BUILTINS:
        return node
    raise dialect.UnsupportedFeature(f"unsupported on spark: {POSTGRES_NAMES.get(name, name + '()')}")


def _to_char_year_or_century(name: str, args: list[exp.Expr]) -> exp.Expr:
    """The DuckDB macros of ``to_char``'s year and century patterns (``pgfunctions``) in Spark's built-ins: years are
    astronomical in both (-43 for 44 BC), Postgres writes the year of the era and counts centuries without a year 0."""
    zero, one = exp.Literal.number(0), exp.Literal.number(1)
    if name == "pg_century":  # of a time
        year = _call("year", args[0])
        after = exp.IntDiv(this=exp.paren(exp.Add(this=year, expression=exp.Literal.number(99))),
                           expression=exp.Literal.number(100))
        before = exp.Neg(this=exp.paren(exp.IntDiv(
            this=exp.paren(exp.Sub(this=exp.Literal.number(100), expression=year.copy())), expression=exp.Literal.number(100))))
        return exp.Case(ifs=[exp.If(this=exp.GT(this=year.copy(), expression=zero), true=after)], default=before)
    fill = args[-1].this is True
    if name == "pg_to_char_century":
        century = args[0]
        padded = exp.Case(ifs=[exp.If(this=exp.LT(this=century, expression=zero), true=exp.Literal.string("%03d"))],
                          default=exp.Literal.string("%02d"))
        return _call("format_string", exp.Literal.string("%d") if fill else padded, century.copy())
    year, digits = args[0], int(args[1].this)
    era = exp.Case(ifs=[exp.If(this=exp.GT(this=year, expression=zero), true=year.copy())],
                   default=exp.Sub(this=one, expression=year.copy()))
    if digits == 0:  # Y,YYY
        return _call("format_string", exp.Literal.string("%d,%03d"),
                     exp.IntDiv(this=exp.paren(era), expression=exp.Literal.number(1000)),
                     exp.Mod(this=exp.paren(era.copy()), expression=exp.Literal.number(1000)))
    if digits != 4:
        era = exp.Mod(this=exp.paren(era), expression=exp.Literal.number(10**digits))
    return _call("format_string", exp.Literal.string("%d" if fill else f"%0{digits}d"), era)


_KEY_PATH = re.compile(r'\$\."((?:[^"\\]|\\.)*)"\Z')
_INDEX_PATH = re.compile(r"\$\[(\d+)\]\Z")


def _text_chain(node: exp.Expr) -> exp.Expr | None:
    """``pg_jsonb_text(pg_json_extract(...(col, p1)..., pn))`` with plain keys and indexes -> ``get_json_object``.

    Spark returns strings unquoted, numbers and booleans as text and NULL for JSON null, as ``->>`` does;
    an object or array comes back as compact JSON instead of Postgres's spaced text."""
    steps = []
    while isinstance(node, exp.Anonymous) and node.name.lower() == "pg_json_extract":
        path = node.expressions[1]
        if not (isinstance(path, exp.Literal) and path.is_string):
            return None
        key, index = _KEY_PATH.match(path.this), _INDEX_PATH.match(path.this)
        if key:
            name = re.sub(r"\\(.)", r"\1", key.group(1))
            if re.search(r"['\]\[\\*]", name):
                return None
            steps.append(f".{name}" if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else f"['{name}']")
        elif index:
            steps.append(f"[{index.group(1)}]")
        else:
            return None
        node = node.expressions[0]
    if not steps:
        return None
    return _call("get_json_object", node, exp.Literal.string("$" + "".join(reversed(steps))))


def _cast(node: exp.Cast) -> exp.Expr:
    target = node.to.this
    if target in dialect.JSON_TYPES:  # JSON is text on Spark
        if isinstance(node.this, exp.Literal) and node.this.is_string:
            return node.this
        return _call("pg_to_json", node.this)
    if target == exp.DataType.Type.TIMESTAMPTZ:  # a TRY_CAST stays one
        return type(node)(this=node.this, to=exp.DataType.build("TIMESTAMP"))
    return node


def _string_agg(node: exp.GroupConcat) -> exp.Expr:
    """``string_agg`` as an array join: DISTINCT sorts (as Postgres does), ORDER BY inside the call is kept."""
    separator = node.args.get("separator") or exp.Literal.string(",")
    value = node.this
    if isinstance(value, exp.Order) and isinstance(value.this, exp.Distinct):
        # Postgres orders a DISTINCT aggregate only by its argument: a sorted set, reversed for DESC.
        (key,) = value.expressions
        (item,) = value.this.expressions
        if key.this != item:
            raise dialect.UnsupportedFeature("unsupported on spark: string_agg(DISTINCT ...) ordered by another value")
        listed = _call("array_sort", _call("collect_set", item))
        if key.args.get("desc"):
            listed = _call("reverse", listed)
    elif isinstance(value, exp.Distinct):
        (item,) = value.expressions
        listed = _call("array_sort", _call("collect_set", item))
    elif isinstance(value, exp.Order):
        keys = value.expressions
        if len(keys) != 1:
            raise dialect.UnsupportedFeature("unsupported on spark: string_agg ordered by more than one key")
        pair = _call("named_struct", exp.Literal.string("k"), keys[0].this, exp.Literal.string("v"), value.this)
        pairs = _call("array_sort", _call("collect_list", pair))
        item = exp.Lambda(this=exp.Dot(this=exp.column("s"), expression=exp.to_identifier("v")),
                          expressions=[exp.to_identifier("s")])
        listed = _call("transform", pairs, item)
        if keys[0].args.get("desc"):
            listed = _call("reverse", listed)
    else:
        listed = _call("collect_list", value)
    # string_agg over no (non-NULL) value is NULL, not ''.
    joined = exp.If(this=exp.EQ(this=_call("size", listed.copy()), expression=exp.Literal.number(0)),
                    true=exp.Null(), false=_call("array_join", listed, separator))
    joined.meta["string_agg"] = True
    return joined


def _filtered_string_agg(node: exp.Filter) -> exp.Expr:
    """``string_agg(...) FILTER (WHERE c)``: the filter moves onto the aggregates inside the array join."""
    joined = node.this
    for aggregate in [a for a in joined.find_all(exp.Anonymous) if a.name in ("collect_list", "collect_set")]:
        aggregate.replace(exp.Filter(this=aggregate.copy(), expression=node.expression.copy()))
    return joined


def _fold_interval(node: exp.Mul) -> exp.Expr:
    """``10 * interval '1 minute'`` -> ``INTERVAL '10' MINUTE`` (Spark's window frames need a literal bound)."""
    number, interval = node.this, node.expression
    if isinstance(number, exp.Interval):
        number, interval = interval, number
    if (isinstance(number, exp.Literal) and not number.is_string and isinstance(interval, exp.Interval)
            and isinstance(interval.this, exp.Literal) and re.fullmatch(r"\d+", number.this)
            and re.fullmatch(r"\d+", interval.this.this)):
        return exp.Interval(this=exp.Literal.string(str(int(number.this) * int(interval.this.this))),
                            unit=interval.args.get("unit"))
    return node


def _regexp_replace(node: exp.RegexpReplace) -> exp.Expr:
    """Postgres ``regexp_replace``: first match only unless flag 'g'; ``\\1`` back-references; Java's ``$1``."""
    modifiers = node.args.get("modifiers")
    flags = modifiers.this if isinstance(modifiers, exp.Literal) else ""
    if modifiers is not None and not isinstance(modifiers, exp.Literal) or set(flags) - {"g", "i"}:
        raise dialect.UnsupportedFeature("unsupported on spark: regexp_replace flags other than g and i")
    pattern, replacement = node.expression, node.args.get("replacement")
    if not (isinstance(pattern, exp.Literal) and isinstance(replacement, exp.Literal)):
        raise dialect.UnsupportedFeature("unsupported on spark: regexp_replace with a computed pattern")
    first_only = "g" not in flags and node.args.get("single_replace", True)
    shift = 1 if first_only else 0
    java = re.sub(r"\\(\d)|\\(.)|(\$)",
                  lambda m: f"${int(m.group(1)) + shift}" if m.group(1) else m.group(2) if m.group(2) else r"\$",
                  replacement.this)
    regex = pattern.this
    if first_only:
        regex, java = r"^([\s\S]*?)(?:" + regex + ")", "$1" + java
    if "i" in flags:
        regex = "(?i)" + regex
    return exp.RegexpReplace(this=node.this, expression=exp.Literal.string(regex),
                             replacement=exp.Literal.string(java))


# --------------------------------------------------------------------------------------------- JSON functions


def _parse(text: str | None):
    return None if text is None else json.loads(text)


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _text(text: str | None) -> str | None:
    """``->>``-style text of a JSON value: strings unquoted, JSON null as NULL, the rest as Postgres prints it."""
    value = _parse(text)
    if value is None:
        return None
    return value if isinstance(value, str) else pgfunctions.jsonb_out(text)


def _extract(text: str | None, path: str) -> str | None:
    """DuckDB's ``json_extract`` for the paths the dialect writes: ``$."key"``, ``$[n]``, ``$[#-n]``."""
    value = _parse(text)
    key, index = _KEY_PATH.match(path), re.fullmatch(r"\$\[(#-)?(\d+)\]", path)
    if key:
        name = re.sub(r"\\(.)", r"\1", key.group(1))
        found = value.get(name) if isinstance(value, dict) else None
        return None if found is None and not (isinstance(value, dict) and name in value) else _dump(found)
    if index and isinstance(value, list):
        position = -int(index.group(2)) if index.group(1) else int(index.group(2))
        return _dump(value[position]) if -len(value) <= position < len(value) else None
    if index:
        return None
    raise ValueError(f"unsupported JSON path {path!r}")


def _index(text: str | None, index: int | None, path: str) -> str | None:
    """``-> 0`` and ``-> -1`` (the DuckDB macro ``pg_jsonb_index``): Postgres stores a scalar as a one-element array,
    so they give a scalar itself; anything else as ``_extract``."""
    value = _parse(text)
    if value is not None and not isinstance(value, (list, dict)) and index in (0, -1):
        return text
    return _extract(text, path)


def _get(text: str | None, key: str | None) -> str | None:
    value = _parse(text)
    return _dump(value[key]) if isinstance(value, dict) and key in value else None


def _elements(text: str | None) -> list[str] | None:
    value = _parse(text)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ValueError(f"cannot extract elements from {'an object' if isinstance(value, dict) else 'a scalar'}")
    return [_dump(v) for v in value]


def _keys(text: str | None) -> list[str] | None:
    value = _parse(text)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("cannot call jsonb_object_keys on " + ("an array" if isinstance(value, list) else "a scalar"))
    return sorted(value, key=lambda k: (len(k.encode()), k.encode()))


def _each(text: str | None, as_text: bool) -> list[tuple[str, str | None]] | None:
    value = _parse(text)
    if value is None:
        return None
    keys = _keys(text)
    return [(k, _text(_dump(value[k])) if as_text else _dump(value[k])) for k in keys]


def _typeof(text: str | None) -> str | None:
    if text is None:
        return None
    value = _parse(text)
    kinds = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return kinds.get(type(value), "number")


TRUE_WORDS = {"t", "tr", "tru", "true", "y", "ye", "yes", "on", "1"}
FALSE_WORDS = {"f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0"}


def _to_bool(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip(" \t\n\r").lower()
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise ValueError(f'invalid input syntax for type boolean: "{value}"')
    return bool(value)


def _to_json(value) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) and _is_json(value) else _dump(value)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _none_safe(function: Callable) -> Callable:
    def call(*args):
        return None if any(a is None for a in args) else function(*args)

    return call


# name -> (Python function, Spark return type). Same names and meaning as the DuckDB macros of iamsql.sql.pgfunctions.
SPARK_FUNCTIONS: dict[str, tuple[Callable, str]] = {
    "pg_json_extract": (_extract, "string"),
    "pg_jsonb_index": (_index, "string"),
    "pg_jsonb_get": (_get, "string"),
    "pg_jsonb_text": (_text, "string"),
    "pg_jsonb_out": (_none_safe(pgfunctions.jsonb_out), "string"),
    "pg_jsonb_typeof": (_typeof, "string"),
    "pg_time_in": (_none_safe(pgfunctions.time_in), "string"),
    "pg_jsonb_contains": (_none_safe(pgfunctions.jsonb_contains), "boolean"),
    "pg_jsonb_exists": (_none_safe(pgfunctions.jsonb_exists), "boolean"),
    "pg_jsonb_exists_any": (_none_safe(pgfunctions.jsonb_exists_any), "boolean"),
    "pg_jsonb_exists_all": (_none_safe(pgfunctions.jsonb_exists_all), "boolean"),
    "pg_jsonb_elements": (_elements, "array<string>"),
    "pg_jsonb_elements_text": (lambda t: None if (e := _elements(t)) is None else [_text(v) for v in e], "array<string>"),
    "pg_jsonb_keys": (_keys, "array<string>"),
    "pg_jsonb_path_query": (_none_safe(jsonpath.path_query), "array<string>"),
    "pg_jsonb_each": (lambda t: _each(t, False), "array<struct<key:string,value:string>>"),
    "pg_jsonb_each_text": (lambda t: _each(t, True), "array<struct<key:string,value:string>>"),
    "pg_text_to_bool": (_to_bool, "boolean"),
    "pg_to_bool": (_to_bool, "boolean"),
    "pg_to_json": (_to_json, "string"),
    "pg_json_array": (lambda text: "[" + ("null" if text is None else text) + "]", "string"),
}


# --------------------------------------------------------------------------------------------- session

SPARK_TYPES = {"VARCHAR": "string", "JSON": "string", "TIMESTAMPTZ": "timestamp", "BIGINT": "bigint",
               "INTEGER": "int", "BOOLEAN": "boolean", "DOUBLE": "double", "DATE": "date"}
BOOKKEEPING_SCHEMAS = {
    "iamsql_account": "partition string, as_of timestamp, account_id string",
    "iamsql_coverage": "table_name string, snapshot_id bigint, partial string, whole array<string>, account_id string",
    "iamsql_listed": "table_name string, key string, account_id string",
}


def session(master: str = "local[*]", *, app_name: str = "iamsql", config: dict[str, str] | None = None):
    """A Spark session set up for iamsql: UTC, no UI, partition values kept as text (account ids keep their
    leading zeros), small shuffles for local runs. Reuses the active session if there is one."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SparkError("the spark engine needs PySpark 4: pip install 'pyspark>=4.0' in iamsql's environment "
                         "(and Java 17 or newer)") from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise SparkError("the spark engine needs Java 17 or newer: install a JDK/JRE or set JAVA_HOME")
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.autoBroadcastJoinThreshold": "-1",  # IAM joins misestimate badly; sort-merge joins stay bounded
        "spark.log.structuredLogging.enabled": "false",
        # Spark 4.x fails with "key not found" in this rule on unions of lateral explodes (helper views).
        "spark.sql.optimizer.excludedRules": "org.apache.spark.sql.catalyst.optimizer.PushProjectionThroughUnion",
        **(config or {}),
    }
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter (iamsql installed)
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: Java missing or too old, bad master URL
        raise SparkError(f"cannot start Spark ({master}): {_first_line(exc)}") from None
    spark.sparkContext.setLogLevel("OFF")
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)  # failures become error rows instead
    register_functions(spark)
    return spark


def register_functions(spark) -> None:
    """Register the JSON functions that translated controls call (``SPARK_FUNCTIONS``) on a Spark session;
    call it in your own Spark job before running SQL printed by ``iamsql controls --print-sql --dialect spark``."""
    for name, (function, return_type) in SPARK_FUNCTIONS.items():
        spark.udf.register(name, function, return_type)


def spark_schema(table: str) -> str:
    names = [(n, SPARK_TYPES[t]) for n, t in columns(table)]
    if table == EVENTS:
        names.append(("event_date", "string"))
    return ", ".join(f"`{n}` {t}" for n, t in names)


def register_lake(spark, directory: Path) -> None:
    """Each lake table as a temporary view ``iamsql_lake_<table>`` (bookkeeping as ``iamsql_lake_<name>``)."""
    read_manifest(directory)
    schemas = {table: spark_schema(table) for table in TABLES} | BOOKKEEPING_SCHEMAS | {
        table: ", ".join(f"`{n}` {SPARK_TYPES[t]}" for n, t in table_columns)
        for table, table_columns in ACCESS_TABLES.items()}
    for table, schema in schemas.items():
        path = Path(directory) / table
        if any(path.rglob("*.parquet")):
            frame = spark.read.schema(schema).option("basePath", str(path)).parquet(str(path))
        else:
            frame = spark.createDataFrame([], schema)
        frame.createOrReplaceTempView(f"iamsql_lake_{table}")


def _first_line(exc: BaseException) -> str:
    """Spark's own message (``desc``) when it has one, else the Java exception's innermost cause (Py4J's own first
    line only names the call that failed), at most 400 characters."""
    java = getattr(exc, "java_exception", None)
    if java is not None:
        try:
            while java.getCause() is not None:
                java = java.getCause()
            text = str(java.toString()).strip()
        except Exception:  # noqa: BLE001 - the JVM is gone: Py4J's own message is all there is
            text = ""
        if text:  # a Python worker's error carries its traceback: its last line names the error
            return (text.splitlines()[-1] if "Traceback" in text else first_line(text))[:400]
    return first_line(getattr(exc, "desc", None) or exc)[:400]


# --------------------------------------------------------------------------------------------- running


def lake_accounts(spark) -> list[Account]:
    """Accounts of the lake with their partition, time, covered tables and tables loaded in part only (with the keys
    whose rows they hold whole)."""
    rows = spark.sql(
        "select a.account_id, a.partition, a.as_of, collect_set(case when c.partial is null then c.table_name end) "
        "as tables, map_from_entries(collect_list(case when c.partial is not null then struct(c.table_name, c.partial) "
        "end)) as partial, map_from_entries(collect_list(case when c.partial is not null then "
        "struct(c.table_name, coalesce(c.whole, array())) end)) as whole "
        "from iamsql_lake_iamsql_account a join iamsql_lake_iamsql_coverage c using (account_id) "
        "group by a.account_id, a.partition, a.as_of order by a.account_id"
    ).collect()
    return [Account(r.account_id, r.partition or "aws", _utc(r.as_of), set(r.tables), dict(r.partial or {}),
                    {table: frozenset(keys) for table, keys in (r.whole or {}).items()})
            for r in rows]


def _utc(value: datetime | None) -> datetime | None:
    """PySpark hands timestamps back as naive local times; make them aware UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.astimezone(timezone.utc)


def snapshot_ids(spark) -> list[int]:
    rows = spark.sql("select distinct snapshot_id from iamsql_lake_iamsql_coverage order by 1").collect()
    return [r.snapshot_id for r in rows]


def _translate_all(items: dict[str, str]) -> dict[str, exp.Expr | Exception]:
    out: dict[str, exp.Expr | Exception] = {}
    for key, sql in items.items():
        try:
            out[key] = spark_tree(sql)
        except (IamsqlError, SqlglotError) as exc:
            out[key] = exc
    return out


def _shadow(spark, account: Account, views: dict[str, exp.Expr | Exception]) -> None:
    """Per-account views named like the Steampipe tables and ``iamsql_account``, and the helper views cached
    in memory: Spark would otherwise recompute a helper view (and its JSON functions) for every control that
    reads it. The tables themselves are not cached: caching the events would copy every JSON column of every
    event into memory, while a control reads two or three columns of them, pruned from the Parquet files."""
    spark.catalog.clearCache()
    quoted = "'" + account.account_id.replace("'", "''") + "'"
    shadows = {table: f"select * from iamsql_lake_{table} where account_id = {quoted}"
               for table in [*TABLES, *ACCESS_TABLES]}
    shadows["iamsql_account"] = f"select account_id, partition, as_of from iamsql_lake_iamsql_account where account_id = {quoted}"
    # organization members, trails and analyzers of every account, as in DuckDB (create_account_view): not shadowed
    shadows |= organization_views("iamsql_lake_")
    shadows["iamsql_listed"] = f"select account_id, table_name, key from iamsql_lake_iamsql_listed where account_id = {quoted}"
    shadows["iamsql_partial"] = f"{partial_view('iamsql_lake_')} and account_id = {quoted}"
    shadows_of_tables = set(shadows)
    shadows |= {name: render(tree, account.as_of) for name, tree in views.items() if not isinstance(tree, Exception)}
    for name, sql in shadows.items():  # helper views come in dependency order (see views.needed_views)
        spark.catalog.dropTempView(name)
        statement = "create temporary view" if name in shadows_of_tables else "cache lazy table"
        try:
            spark.sql(f"{statement} `{name}` as {sql}")
        except Exception:  # noqa: BLE001 - a view Spark rejects: the controls reading it report the error
            continue


class SparkEngine:
    """Spark over the Parquet lake that ``iamsql export --parquet`` writes; the run is stored in DuckDB."""

    name = "spark"
    label = "Spark"
    no_data = "No data is in the lake: run 'iamsql export --parquet' first."

    def __init__(self, spark, directory: Path) -> None:
        read_manifest(directory)
        register_lake(spark, directory)
        self.spark = spark
        self.views: dict[str, exp.Expr | Exception] = {}
        self.has_accounts = False

    def prepare(self, selected: list[Control]) -> None:
        self.views = _translate_all({name: view_body(name) for name in needed_views(selected)})

    def accounts(self) -> list[Account]:
        found = lake_accounts(self.spark)
        self.has_accounts = bool(found)
        return found

    def compile(self, control: Control, parameters: dict[str, Any]) -> exp.Expr:
        return spark_tree(render_sql(control, parameters))

    def enter(self, account: Account, selected: list[Control]) -> list:
        _shadow(self.spark, account, self.views)
        return []

    def leave(self, account: Account) -> None:
        self.spark.catalog.clearCache()

    def stage(self, compiled: exp.Expr, account: Account) -> None:
        """Spark's rows come to Python (``fetch``)."""
        return None

    def fetch(self, compiled: exp.Expr, account: Account) -> tuple[list[str], list[tuple]]:
        from pyspark.errors import AnalysisException, ParseException

        try:
            frame = self.spark.sql(render(compiled, account.as_of))
            return frame.columns, [tuple(_utc(v) if isinstance(v, datetime) else v for v in row)
                                   for row in frame.collect()]
        except (AnalysisException, ParseException) as exc:
            raise NotBound(_first_line(exc)) from None
        except Exception as exc:  # noqa: BLE001 - any Spark failure is this control's error row, never a crash
            raise SparkQueryFailed(_first_line(exc)) from None
        finally:
            # Py4J's Java objects sit in reference cycles: only Python's cycle collector lets the JVM drop the
            # query's Dataset, which holds its plans (tens of MB for a detection). Left to Python's own pace, a run
            # of every control filled a 2 GB driver heap.
            gc.collect()

    def map(self, evaluate: Callable[[Control], Found], controls: list[Control]) -> Iterator[Found]:
        """The controls of one account run as concurrent Spark jobs: each is small, so planning dominates."""
        with ThreadPoolExecutor(max_workers=CONCURRENT_QUERIES) as pool:
            return iter(list(pool.map(evaluate, controls)))

    def snapshot_ids(self) -> list[int]:
        return snapshot_ids(self.spark) if self.has_accounts else []


class SparkQueryFailed(Exception):
    """A control's query that Spark could not run (the message is Spark's first line)."""


def run_checks(con, directory: Path, *, master: str = "local[*]", spark=None, controls: list[str] | None = None,
               frameworks: list[str] | None = None, severity: str | None = None,
               params: dict[str, Any] | None = None, queries_dir: Path | None = None) -> int:
    """Run the selected controls on Spark over the lake in ``directory``; store the run in ``con`` (DuckDB)
    with ``engine = 'spark'`` and return its id. A control that cannot be translated or fails on Spark gives
    an ``error`` row with the reason."""
    engine = SparkEngine(spark or session(master), directory)
    return run_controls(engine, con, controls=controls, frameworks=frameworks, severity=severity, params=params,
                        queries_dir=queries_dir)
