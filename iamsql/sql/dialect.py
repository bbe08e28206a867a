"""Steampipe/Postgres SQL -> DuckDB SQL that returns PostgreSQL's exact answer.

Four parts:
- ``Steampipe``: a sqlglot dialect derived from Postgres whose parser has no lambdas, so the Steampipe idiom
  ``jsonb_array_elements_text(s -> 'Action')`` is JSON access, and which keeps each function's original name
  (Postgres names unaliased result columns after it).
- Rewrites: pure functions of one syntax-tree node, applied in a fixed order, each once over the whole statement
  (``REWRITES``).
- ``DuckDBFromSteampipe``: the sqlglot dialect that writes the tree, DuckDB's generator with the DuckDB-only output
  rules in its ``TRANSFORMS`` (``engine_dialects`` has those of Spark, Trino and Athena).
- Per-connection DuckDB macros and functions with Postgres semantics (``pgfunctions.install_macros``): jsonb text output,
  ``@>`` containment, ``?``/``?|``/``?&``, element and key expansion in Postgres order, text-to-boolean.

``to_duckdb(sql, as_of_variable=True)`` maps ``now()``, ``current_timestamp``, ``current_date`` and
``localtimestamp`` to the DuckDB variable ``iamsql_as_of`` so controls never read the wall clock.
``engine_dialects.transpile_for(sql, dialect)`` writes the same Postgres-side rewrites for other engines.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from typing import NamedTuple

import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError, SqlglotError, TokenError
from sqlglot.expressions import apply_index_offset
from sqlglot.tokens import TokenType
from sqlglot.transforms import preprocess

from iamsql.errors import QueryError, UnsupportedFeature, first_line
from iamsql.sql import intervalformat, jsonpath, numformat, pgfunctions, timeinput
from iamsql.store.schema import ACCESS_TABLES, BOOKKEEPING_COLUMNS, CATALOG_TABLES, DERIVED_TABLES, TABLES

NAME_KEY = "pg_name"
WITHIN_GROUP_KEY = "pg_within_group"  # marks string_agg(...) written with WITHIN GROUP, which Postgres refuses


# Postgres's reserved words: none names a table (in FROM) unless written in double quotes.
POSTGRES_RESERVED_WORDS = frozenset("""
    all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create
    current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc
    distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral
    leading limit localtime localtimestamp not null offset on only or order placing primary references returning
    select session_user some symmetric system_user table then to trailing true union unique user using variadic
    when where window with""".split())
# The words Postgres reads as a column's name only after AS (``select 1 as day``, never ``select 1 day``).
POSTGRES_LABELS_AFTER_AS = frozenset("""
    array char character day except fetch filter for from group having hour intersect into limit minute month
    offset order over precision returning second to union varying where window with within without year""".split())


def _is_keyword(alias: exp.Expr | None, words: frozenset[str]) -> bool:
    """Whether ``alias`` is one of ``words`` written without double quotes."""
    return isinstance(alias, exp.Identifier) and not alias.args.get("quoted") and alias.name.lower() in words


class Steampipe(Postgres):
    """Postgres as Steampipe users write it: ``->`` is always JSON access, never a lambda."""

    ORIGINAL_NAME_META_KEY = NAME_KEY

    # to_timestamp / to_date formats: month and day names, AM/PM and the lower-case forms Postgres also reads
    TIME_MAPPING = {
        **Postgres.TIME_MAPPING,
        **dict.fromkeys(("Month", "MONTH", "month", "FMMonth", "FMMONTH", "FMmonth"), "%B"),
        **dict.fromkeys(("Mon", "MON", "mon"), "%b"),
        **dict.fromkeys(("Day", "DAY", "FMDay", "FMDAY"), "%A"),
        **dict.fromkeys(("Dy", "DY"), "%a"),
        **dict.fromkeys(("AM", "PM", "am", "pm"), "%p"),
        **dict.fromkeys(("HH", "hh", "HH12", "hh12", "FMHH", "FMHH12"), "%I"),
        "hh24": "%H", "FMhh24": "%-H", "fmdd": "%-d", "fmmm": "%-m",
    }

    class Tokenizer(Postgres.Tokenizer):
        # Postgres has no GLOB operator: ``glob`` is Steampipe's function (glob pattern -> LIKE pattern).
        KEYWORDS = {k: v for k, v in Postgres.Tokenizer.KEYWORDS.items() if k != "GLOB"}

    class Parser(Postgres.Parser):
        # ``name => value`` (a named argument, as in ``make_interval(days => 90)``) stays; ``->`` is JSON access.
        LAMBDAS: dict = {k: v for k, v in Postgres.Parser.LAMBDAS.items() if k != TokenType.ARROW}
        # json_agg is parsed as a plain call, like jsonb_agg, so the same rewrite gives Postgres's answer.
        FUNCTION_PARSERS = {
            **{k: v for k, v in Postgres.Parser.FUNCTION_PARSERS.items() if k != "JSON_AGG"},
            "JSON_ARRAY": lambda self: self._parse_sql_json_array(),
        }
        FUNCTIONS = {
            **Postgres.Parser.FUNCTIONS,
            # Kept as plain calls: the rewrites below translate them with Postgres semantics.
            "TO_CHAR": lambda args: exp.Anonymous(this="to_char", expressions=args),
            # DuckDB's glob() lists files: Steampipe's glob() is the macro iamsql_glob.
            "GLOB": lambda args: exp.Anonymous(this="iamsql_glob", expressions=args),
            # ltree's number of labels, over aws_organizations_organizational_unit.path (text here).
            "NLEVEL": lambda args: exp.Anonymous(this="pg_nlevel", expressions=args),
        }

        def _parse_sql_json_array(self) -> exp.JSONArray:
            # PostgreSQL 16's json_array(v, ... [ABSENT | NULL ON NULL] [RETURNING type]), also json_array(query)
            values = self._parse_csv(self._parse_select_or_expression)
            return self.expression(exp.JSONArray(
                expressions=values, null_handling=self._parse_on_handling("NULL", "NULL", "ABSENT"),
                return_type=self._match_text_seq("RETURNING") and self._parse_type()))

        def _negate_range(self, this: exp.Expr | None = None) -> exp.Expr | None:
            # ``x !~ any (...)`` is marked, as ``not (x ~ any (...))`` is not: the quantifier applies after the NOT
            node = super()._negate_range(this)
            if isinstance(node, exp.Not):
                node.meta["pg_negated_operator"] = True
            return node

        def _parse_type(self, parse_interval: bool = True, fallback_to_identifier: bool = False) -> exp.Expr | None:
            # A typed literal is one value before the operators after it: ``date '2025-01-01'::text`` is text and
            # ``jsonb '{"a": 1}' -> 'a'`` reads the jsonb (sqlglot applies them to the string, then the type).
            start = self._index
            node = super()._parse_type(parse_interval=parse_interval, fallback_to_identifier=fallback_to_identifier)
            tokens = self._tokens[start : start + 2]
            typed_literal = (
                len(tokens) == 2 and tokens[0].token_type in self.TYPE_TOKENS - {TokenType.INTERVAL}
                and tokens[1].token_type == TokenType.STRING
            )
            operated = isinstance(node, (exp.Cast, exp.ParseJSON)) and not isinstance(node.this, exp.Literal)
            if not (typed_literal and operated):
                return node
            inner = node.this
            while isinstance(inner.this, exp.Expr) and not isinstance(inner.this, exp.Literal):
                inner = inner.this
            if not (isinstance(inner.this, exp.Literal) and inner.this.is_string):
                return node
            outer = node.this
            typed = node.copy()
            typed.set("this", inner.this.copy())
            inner.set("this", typed)
            return outer

        def _parse_join(self, skip_join_token: bool = False, parse_bracket: bool = False,
                        alias_tokens=None) -> exp.Join | None:
            # ``join b on`` with no condition, or ``using`` / ``using ()`` with no column, is a syntax error in
            # Postgres; sqlglot dropped the empty ON or USING and the statement ran as a cross join
            comma = self._curr is not None and self._curr.token_type == TokenType.COMMA
            join = super()._parse_join(skip_join_token=skip_join_token, parse_bracket=parse_bracket,
                                       alias_tokens=alias_tokens)
            if join is None or join.args.get("on") or join.args.get("using"):
                return join
            if self._prev.token_type == TokenType.ON:
                self.raise_error("ON without a join condition", self._prev)
            if self._prev.token_type == TokenType.USING or "using" in join.args:
                self.raise_error("USING without columns", self._prev)
            if not (comma or join.args.get("method") or join.args.get("kind") == "CROSS"):
                # ``a join b`` with neither: only CROSS and NATURAL joins (and a comma) go without a condition
                self.raise_error("JOIN without ON or USING (CROSS JOIN joins every pair of rows)", self._prev)
            return join

        def _parse_string_agg(self) -> exp.GroupConcat:
            # ``string_agg(x, ',') within group (order by y)``: sqlglot folds the order into the call, as for
            # ``string_agg(x, ',' order by y)``; Postgres refuses it (string_agg is no ordered-set aggregate)
            start = self._index
            node = super()._parse_string_agg()
            if any(t.token_type != TokenType.STRING and t.text.upper() == "WITHIN"
                   for t in self._tokens[start:self._index]):
                node.meta[WITHIN_GROUP_KEY] = True
            return node

        def _parse_csv(self, parse_method, sep: TokenType = TokenType.COMMA) -> list:
            # a comma with nothing after it (``select a, from t``, ``group by a,``, ``f(x,)``) is a syntax error in
            # Postgres; sqlglot skipped the empty item and ran the statement without it
            items = super()._parse_csv(parse_method, sep)
            if sep == TokenType.COMMA and self._prev is not None and self._prev.token_type == TokenType.COMMA:
                self.raise_error("a comma with nothing after it", self._curr or self._prev)
            return items

        def _parse_alias(self, this: exp.Expr | None, explicit: bool = False) -> exp.Expr | None:
            # ``select 1 as`` (AS with no name) and ``select 1 offset`` (a word Postgres reads only after AS, such
            # as offset, limit, order, day) are syntax errors in Postgres; sqlglot dropped the AS or took the word
            # as the column's name
            written_as = self._curr is not None and self._curr.token_type == TokenType.ALIAS
            node = super()._parse_alias(this, explicit=explicit)
            alias = node.args.get("alias") if isinstance(node, exp.Alias) else None
            if written_as and alias is None and not isinstance(node, exp.Aliases):
                self.raise_error("AS without a name", self._prev)
            if not written_as and _is_keyword(alias, POSTGRES_LABELS_AFTER_AS):
                self.raise_error(f'"{alias.name}" names a column only after AS', self._prev)
            return node

        def _parse_table_alias(self, alias_tokens=None) -> exp.TableAlias | None:
            # a table's name after it (with or without AS) cannot be a reserved word of Postgres
            # (``from aws_iam_user offset``, ``from t as order``), nor can AS have no name after it
            written_as = self._curr is not None and self._curr.token_type == TokenType.ALIAS
            node = super()._parse_table_alias(alias_tokens=alias_tokens)
            alias = node.this if node is not None else None
            if written_as and node is None:
                self.raise_error("AS without a name", self._prev)
            if _is_keyword(alias, POSTGRES_RESERVED_WORDS):
                self.raise_error(f'"{alias.name}" is a reserved word (write it in double quotes to name a table)',
                                 self._prev)
            return node

        def _parse_limit(self, this: exp.Expr | None = None, top: bool = False, skip_limit_token: bool = False):
            # Postgres's FETCH is ``fetch first|next [n] row|rows only|with ties``; sqlglot read a bare ``fetch``
            # (or one missing its words) as ``fetch first 1 row only``
            start = self._index
            ahead = self._tokens[start + 2:start + 4]
            if (self._curr and self._curr.token_type == TokenType.FETCH and len(ahead) == 2
                    and ahead[0].token_type in (TokenType.DASH, TokenType.PLUS)
                    and ahead[1].token_type == TokenType.NUMBER):
                # ``fetch first -1 rows only``: Postgres's grammar takes a signed number there (sqlglot does not)
                self._advance(2)
                direction = self._prev.text.upper()
                negative = self._curr.token_type == TokenType.DASH
                self._advance()
                count = self._parse_number()
                node = self.expression(exp.Fetch(direction=direction, count=exp.Neg(this=count) if negative else count,
                                                 limit_options=self._parse_limit_options()))
            else:
                node = super()._parse_limit(this, top=top, skip_limit_token=skip_limit_token)
            if isinstance(node, exp.Fetch):
                words = [t.text.upper() for t in self._tokens[start + 1:self._index]]
                if (words[:1] not in (["FIRST"], ["NEXT"]) or not {"ROW", "ROWS"} & set(words)
                        or words[-1:] not in (["ONLY"], ["TIES"])):
                    self.raise_error("FETCH without FIRST|NEXT ... ROW|ROWS ONLY", self._prev)
            return node

        def _parse_in(self, this: exp.Expr | None, alias: bool = False) -> exp.In:
            # ``x in ()``, and ``x in`` with no parenthesis after it (the end of the statement, a column, an
            # unnest), are syntax errors in Postgres; sqlglot read them as an empty list (false) or a column
            if not self._curr or self._curr.token_type != TokenType.L_PAREN:
                self.raise_error("IN without a parenthesized list of values or a subquery", self._curr or self._prev)
            if self._next and self._next.token_type == TokenType.R_PAREN:
                self.raise_error("IN without values", self._next)
            return super()._parse_in(this, alias=alias)

        def _parse_bitwise(self) -> exp.Expr | None:
            # inet's ``a <<= b`` and ``a >>= b`` (sqlglot reads ``<<`` and ``>>`` only) as Postgres's functions
            # behind them, network_subeq and network_supeq
            this = super()._parse_bitwise()
            while self._match_pair(TokenType.LT, TokenType.LTE) or self._match_pair(TokenType.GT, TokenType.GTE):
                name = "network_subeq" if self._prev.token_type == TokenType.LTE else "network_supeq"
                this = self.expression(exp.Anonymous(this=name, expressions=[this, super()._parse_bitwise()]))
                this.meta["pg_operator"] = True
            return this

        def _parse_cube_or_rollup(self, with_prefix: bool = False) -> exp.Cube | exp.Rollup | None:
            # an element of ``rollup (...)`` and ``cube (...)`` is any expression (``rollup (a > 1)``), as in Postgres
            if with_prefix or not self._curr or self._curr.token_type not in (TokenType.CUBE, TokenType.ROLLUP):
                return super()._parse_cube_or_rollup(with_prefix)
            kind = exp.Cube if self._match(TokenType.CUBE) else exp.Rollup
            self._match(TokenType.ROLLUP)
            return self.expression(kind(expressions=self._parse_wrapped_csv(self._parse_disjunction)))

        def _parse_grouping_set(self) -> exp.Expr | None:
            return self._parse_grouping_sets() or self._parse_cube_or_rollup() or self._parse_disjunction()

        PLACEHOLDER_PARSERS = {
            **Postgres.Parser.PLACEHOLDER_PARSERS,
            TokenType.PARAMETER: lambda self: self._parse_parameter_or_absolute(),
        }

        def _parse_parameter_or_absolute(self) -> exp.Expr | None:
            # ``@ x`` is Postgres's absolute value, a prefix operator below ``+``/``-`` and above comparisons and
            # ``||``: ``@ 1 - 3`` is 2 (sqlglot reads ``@`` as a parameter, which Postgres does not have)
            if self._prev.text != "@":
                return self._parse_parameter()
            operand = self._parse_term()
            if operand is None:
                return None
            node = self.expression(exp.Abs(this=operand))
            node.meta["pg_prefix_operator"] = True
            return node

        def _parse_interval_span(self, this: exp.Expr, parse_function_unit: bool = True) -> exp.Interval:
            # ``interval 'P1M'`` is ISO 8601 (a month): kept whole for rewrite_time (sqlglot reads it as '1' MINUTE)
            # ``interval '- 2 hours'``: kept whole too (sqlglot would drop the sign apart from its number)
            # ``interval '1 day 02:03:04'``: kept whole too (sqlglot would keep its first field alone, '1' DAY)
            if this is not None and this.is_string and (this.name.lstrip()[:1] in ("P", "p") or re.match(
                    r"\s*[-+]\s", this.name) or len(exp.INTERVAL_STRING_RE.findall(this.name)) == 1
                    and not re.fullmatch(exp.INTERVAL_STRING_RE, this.name)):
                interval = self.expression(exp.Interval(this=this))
            else:
                interval = super()._parse_interval_span(this, parse_function_unit=parse_function_unit)
            # ``interval '1 10:30' hour``: sqlglot leaves a text of days and a time without a unit unless ``x TO y``
            # follows; Postgres reads the one field after it as the qualifier
            if interval.args.get("unit") is None and self._curr and self._curr.text.upper() in INTERVAL_FIELDS:
                interval.set("unit", exp.var(self._curr.text.upper()))
                self._advance()
            return interval

        def _parse_date_part(self) -> exp.Expr:
            # Postgres names an unaliased date_part column "date_part", and date_part is a double, extract a numeric.
            node = super()._parse_date_part()
            node.meta[NAME_KEY] = "date_part"
            return node


# ---------------------------------------------------------------------------------------------------------
# What the query refers to: table aliases, set-returning functions in FROM, which columns hold JSON.

SRF_COLUMNS = {
    # function -> (kind, default output columns); "alias" means the column takes the table alias's name.
    "jsonb_array_elements": ("elements", ["value"]),
    "json_array_elements": ("elements", ["value"]),
    "jsonb_array_elements_text": ("elements_text", ["value"]),
    "json_array_elements_text": ("elements_text", ["value"]),
    "jsonb_each": ("each", ["key", "value"]),
    "json_each": ("each", ["key", "value"]),
    "jsonb_each_text": ("each_text", ["key", "value"]),
    "json_each_text": ("each_text", ["key", "value"]),
    "jsonb_object_keys": ("keys", ["alias"]),
    "json_object_keys": ("keys", ["alias"]),
    "jsonb_path_query": ("path", ["alias"]),
}
SRF_COLUMN_TYPES = {
    "elements": ["JSON"],
    "elements_text": ["VARCHAR"],
    "each": ["VARCHAR", "JSON"],
    "each_text": ["VARCHAR", "VARCHAR"],
    "keys": ["VARCHAR"],
    "path": ["JSON"],
}
SRF_LIST_MACRO = {
    "elements": "pg_jsonb_elements",
    "elements_text": "pg_jsonb_elements_text",
    "each": "pg_jsonb_each",
    "each_text": "pg_jsonb_each_text",
    "keys": "pg_jsonb_keys",
    "path": "pg_jsonb_path_query",
}
UNSUPPORTED_FUNCTIONS = {
    "jsonb_path_query_tz",
    "jsonb_path_exists_tz",
    "jsonb_path_match_tz",
    "jsonb_to_recordset",
    "jsonb_to_record",
    "jsonb_populate_record",
    "jsonb_populate_recordset",
    "json_populate_record",
    "json_to_recordset",
    "jsonb_set_lax",
    "crosstab",
    "txid_current",
    "pg_sleep",
    "set_config",
    "current_setting",
    "jsonb_delete_path",
    "sha224",
    "to_number",  # its format ('9G999D9') is not read: a cast (x::numeric) reads plain numbers
    # the inet and cidr functions that iamsql.sql.inet does not have
    "inet_merge",
    "abbrev",
    "inet_client_addr",
    "inet_server_addr",
}
JSON_RESULT_FUNCTIONS = {
    "json_extract",
    "jsonb_object_agg",
    "json_object_agg",
    "json_group_object",
    "pg_jsonb_index",
    "to_json",
    "json_object",
    "pg_jsonb_step",
    "pg_jsonb_get",
    "jsonb_build_object",
    "json_build_object",
    "to_jsonb",
    "jsonb_agg",
    "json_agg",
    "jsonb_array_elements",
    "json_array_elements",
    "jsonb_extract_path",
    "json_extract_path",
    "jsonb_build_array",
    "json_build_array",
    "json_array",
    "pg_json_array_absent",
    "jsonb_strip_nulls",
    "pg_json_object_of",
    "jsonb_object",
    "pg_jsonb_object",
    "pg_jsonb_object_kv",
    "jsonb_path_query",
    "jsonb_path_query_array",
    "jsonb_path_query_first",
    "pg_jsonb_path_query_array",
    "pg_jsonb_path_query_first",
    "jsonb_set",
    "jsonb_insert",
}
# Functions whose arguments become JSON values (a timestamp as Postgres's ISO 8601 text).
JSON_CONSTRUCTORS = {"jsonb_build_object", "json_build_object", "jsonb_build_array", "json_build_array", "to_jsonb",
                     "to_json", "jsonb_agg", "json_agg"}
INT_RESULT_FUNCTIONS = {
    "count",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "bit_length",
    "strlen",
    "strpos",
    "position",
    "jsonb_array_length",
    "json_array_length",
    "array_length",
    "array_upper",
    "array_lower",
    "cardinality",
    "ascii",
    "width_bucket",
    "array_ndims",
    "pg_array_ndims",
    "num_nulls",
    "num_nonnulls",
    "regexp_count",
    "regexp_instr",
    "array_position",
    "scale",
    "min_scale",
}
# Functions of integers whose result has their arguments' type (``gcd(12, 8)`` is an integer, of a bigint a bigint).
INT_ARGUMENT_FUNCTIONS = {"gcd", "lcm"}
WINDOW_INT_FUNCTIONS = {"row_number", "rank", "dense_rank", "ntile"}
# Functions whose value has their argument's type (an integer's ``max``, ``abs``, ``lag``... is an integer).
VALUE_KEEPING = (exp.Max, exp.Min, exp.Abs, exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue, exp.NthValue,
                 exp.BitwiseAndAgg, exp.BitwiseOrAgg, exp.BitwiseXorAgg)
BITWISE_OPERATORS = (exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseLeftShift, exp.BitwiseRightShift)
INT_TYPES = {exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.SMALLINT, exp.DataType.Type.TINYINT}
JSON_TYPES = {exp.DataType.Type.JSON, exp.DataType.Type.JSONB}
TEXT_TYPES = {exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.NVARCHAR}


def _column_types() -> tuple[dict[str, dict[str, str]], set[str], set[str]]:
    by_table = {table: dict(cols + BOOKKEEPING_COLUMNS) for table, cols in TABLES.items()}
    by_table |= {table: dict(cols) for table, cols in (DERIVED_TABLES | ACCESS_TABLES | CATALOG_TABLES).items()}
    json_names = {c for cols in by_table.values() for c, t in cols.items() if t == "JSON"}
    other_names = {c for cols in by_table.values() for c, t in cols.items() if t != "JSON"}
    return by_table, json_names, other_names


TABLE_COLUMNS, ALL_JSON_COLUMNS, ALL_OTHER_COLUMNS = _column_types()


def func_name(node: exp.Expr) -> str | None:
    """The lower-case name a function was called by (``now`` for ``now()``), if ``node`` is a call."""
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Func):
        return str(node.meta.get(NAME_KEY) or SPECIAL_PARSER_NAMES.get(type(node)) or node.sql_name()).lower()
    return None


# Functions sqlglot parses with their own parser, which does not record the name they were called by.
SPECIAL_PARSER_NAMES = {exp.GroupConcat: "string_agg", exp.StrPosition: "strpos",  # position(a in b)
                        exp.JSONObject: "json_object", exp.JSONObjectAgg: "json_objectagg",  # SQL/JSON's forms
                        exp.JSONArray: "json_array"}


def select_sources(select: exp.Select | None) -> list[exp.Expr]:
    """The FROM and JOIN sources of ``select`` (none without one)."""
    if select is None or not select.args.get("from_"):
        return []
    return [select.args["from_"].this, *(join.this for join in select.args.get("joins") or [])]


def values_column(column: exp.Column) -> list[exp.Expr] | None:
    """Every row's value of ``column`` when it names a column of a ``VALUES`` list in FROM (``v(x)``), else None."""
    for source in select_sources(column.find_ancestor(exp.Select)):
        alias = source.args.get("alias")
        if not isinstance(source, exp.Values) or not alias or column.table and column.table != alias.name:
            continue
        names = [c.name for c in alias.columns]
        if column.name in names:
            position = names.index(column.name)
            return [row.expressions[position] for row in source.expressions if position < len(row.expressions)]
    return None


def _defining_select(item: exp.Expr) -> exp.Select:
    """The SELECT whose select list holds ``item``."""
    return item.parent.parent if isinstance(item.parent, exp.Alias) else item.parent


def _branch_of_set_operation(item: exp.Expr) -> bool:
    """Whether the select item ``item`` is in a branch of a ``UNION``, ``INTERSECT`` or ``EXCEPT``."""
    query = _defining_select(item)
    while isinstance(query.parent, (exp.Subquery, exp.Paren)):
        query = query.parent
    return isinstance(query.parent, exp.SetOperation)


def set_items(item: exp.Expr) -> list[exp.Expr] | None:
    """For the select item ``item`` of a branch of a ``UNION``, ``INTERSECT`` or ``EXCEPT``: the items at its position
    in every branch (NULLs left out), which together type the column (``select 1 union select 2.5`` is a numeric;
    only the first branch's for a recursive CTE); None for another item."""
    if not _branch_of_set_operation(item):
        return None
    query: exp.Expr = _defining_select(item)
    while isinstance(query.parent, (exp.SetOperation, exp.Subquery, exp.Paren)) and not (
            isinstance(query.parent, exp.Subquery) and query.parent.args.get("alias")):
        query = query.parent
    branches = _set_operation_branches(query) if isinstance(query, exp.SetOperation) else None
    cte = query.parent
    if branches and isinstance(cte, exp.CTE) and isinstance(cte.parent, exp.With) and cte.parent.args.get("recursive"):
        branches = branches[:1]  # a recursive CTE's columns have the types of its non-recursive branch
    position = next((i for i, e in enumerate(_defining_select(item).expressions) if e.unalias() is item), None)
    if not branches or position is None or any(len(b.expressions) <= position for b in branches):
        return None
    return [value for b in branches if not isinstance(value := b.expressions[position].unalias(), exp.Null)]


def derived_item(column: exp.Column) -> exp.Expr | None:
    """The select item defining ``column`` when it is a column of a subquery (also LATERAL) or CTE in its SELECT's FROM (qualified
    by its name, or the only source): ``n`` of ``from (select count(*) as n ...) s``, ``with c as (...)``."""
    select = column.find_ancestor(exp.Select)
    sources = select_sources(select)
    if column.table:
        sources = [s for s in sources if s.alias_or_name == column.table]
    if len(sources) != 1:
        return None
    source = sources[0]
    if isinstance(source, exp.Subquery):
        query, alias = source.this, source.args.get("alias")
    elif isinstance(source, exp.Lateral) and isinstance(source.this, exp.Subquery):
        query, alias = source.this.this, source.args.get("alias")  # ``lateral (select ...) s``
    elif isinstance(source, exp.Table) and not source.db and isinstance(source.this, exp.Identifier):
        cte = next((c for c in column.root().find_all(exp.CTE) if c.alias == source.name), None)
        if cte is None:
            return None
        query, alias = cte.this, cte.args.get("alias")
    else:
        return None
    while isinstance(query, (exp.SetOperation, exp.Subquery, exp.Paren)):
        query = query.this  # a UNION's first branch names and types its columns
    if not isinstance(query, exp.Select):
        return None
    items = query.expressions
    names = [c.name for c in alias.columns] if alias and alias.columns else [i.alias_or_name for i in items]
    if column.name not in names or names.index(column.name) >= len(items):
        return None
    item = items[names.index(column.name)]
    return None if isinstance(item, exp.Star) or isinstance(item.unalias(), exp.Star) else item.unalias()


class Scope:
    """Table aliases and set-returning function aliases of one statement (gathered once, before rewriting), and
    whether ``now()`` means the DuckDB variable ``iamsql_as_of``."""

    # Not sqlglot's optimizer.scope / annotate_types: Postgres names an unaliased function in FROM after the
    # function (sqlglot's scope names it ''), sqlglot keeps LATERAL function sources apart from the selected
    # sources, and a column's type here is decided over the whole statement (a Steampipe column name has one
    # type in every table), which per-scope resolution would change for queries the corpus checks.

    def __init__(self, tree: exp.Expr, *, as_of_variable: bool = False):
        self.as_of_variable = as_of_variable
        self.deriving: set[int] = set()  # the columns whose defining item is being typed (derived_item)
        self.tables: dict[str, str] = {}
        self.srfs: dict[str, str] = {}
        self.srf_columns: dict[str, dict[str, str]] = {}  # SRF alias -> its columns' names and types
        # Names the statement gives its own columns (``... as sources``): a column of that name is the statement's,
        # whatever type a Steampipe table's column of the same name has.
        self.defined = {alias.alias for alias in tree.find_all(exp.Alias) if alias.alias}
        for table in tree.find_all(exp.Table):
            if isinstance(table.this, exp.Anonymous) and table.this.name.lower() in SRF_COLUMNS:
                kind = SRF_COLUMNS[table.this.name.lower()][0]
                self.srfs[table.alias_or_name or table.this.name.lower()] = kind
                self._srf_columns(table, table.alias_or_name or table.this.name.lower())
            elif table.name in TABLE_COLUMNS:
                self.tables[table.alias_or_name] = table.name
        # generate_series(...) and unnest(...) in FROM: alias -> (column name -> the function whose values it holds)
        self.series: dict[str, dict[str, exp.Expr]] = {}
        for source in tree.find_all(exp.Table, exp.Unnest):
            function = source.this if isinstance(source, exp.Table) else source
            if not (isinstance(function, (exp.GenerateSeries, exp.ExplodingGenerateSeries))
                    or isinstance(source, exp.Unnest) and len(source.expressions) == 1):
                continue
            alias = source.args.get("alias")
            name = alias.name if alias and alias.name else "unnest" if isinstance(source, exp.Unnest) else "generate_series"
            column = alias.columns[0].name if alias and alias.columns else name
            self.series[name] = {column: function}
        self.array_columns = self._array_columns(tree)
        for lateral in tree.find_all(exp.Lateral):
            if isinstance(lateral.this, exp.Anonymous) and lateral.this.name.lower() in SRF_COLUMNS:
                alias = lateral.args.get("alias")
                name = alias.name if alias and alias.name else lateral.this.name.lower()
                self.srfs[name] = SRF_COLUMNS[lateral.this.name.lower()][0]
                self._srf_columns(lateral, name)

    def _srf_columns(self, source: exp.Table | exp.Lateral, alias_name: str) -> None:
        """The columns of a set-returning function in FROM: its column aliases over its own names, and their types
        (``ordinality`` last, a bigint, ``WITH ORDINALITY``)."""
        kind, names = SRF_COLUMNS[source.this.name.lower()]
        names = [alias_name if n == "alias" else n for n in names]
        types = list(SRF_COLUMN_TYPES[kind])
        if source.args.get("ordinality"):
            names, types = [*names, "ordinality"], [*types, "BIGINT"]
        alias = source.args.get("alias")
        aliases = [c.name for c in alias.columns] if alias and alias.columns else []
        names = aliases[: len(names)] + names[len(aliases) :]
        self.srf_columns[alias_name] = dict(zip(names, types, strict=True))

    def column_type(self, column: exp.Column) -> str | None:
        """'JSON', another DuckDB type name, or None when unknown."""
        name, qualifier = column.name, column.table
        if qualifier in self.series or not qualifier and any(name in c for c in self.series.values()):
            owners = [self.series[qualifier]] if qualifier else [c for c in self.series.values() if name in c]
            if name in owners[0] and not any(name in TABLE_COLUMNS[t] for t in self.tables.values()):
                return self._series_type(owners[0][name])
        if qualifier in self.srfs:
            return self.srf_columns[qualifier].get(name)
        if not qualifier and name in self.srfs:
            return "JSON" if self.srfs[name] in ("elements", "each", "path") else "VARCHAR"
        if qualifier in self.tables:
            return TABLE_COLUMNS[self.tables[qualifier]].get(name)
        types = {TABLE_COLUMNS[t].get(name) for t in self.tables.values()} - {None}
        if len(types) == 1:
            return types.pop()
        if not types and (self.srfs and name in ("value",)):
            kinds = set(self.srfs.values())
            return "JSON" if kinds & {"elements", "each", "path"} else "VARCHAR"
        if name in ALL_JSON_COLUMNS and name not in ALL_OTHER_COLUMNS and name not in self.defined:
            return "JSON"
        return None

    def _series_type(self, function: exp.Expr) -> str | None:
        """The type of the values of ``generate_series(...)`` (integers, or timestamps from timestamps or dates) or
        of ``unnest(array[...])`` of integers."""
        if isinstance(function, exp.Unnest):
            values = function.expressions[0]
            if isinstance(values, exp.Array) and values.expressions and all(self.is_int(v) for v in values.expressions):
                return "BIGINT"
            return None
        bounds = [function.args.get(k) for k in ("start", "end", "step") if function.args.get(k) is not None]
        if all(self.is_int(b) for b in bounds):
            return "BIGINT"
        if is_date(bounds[0]) or is_timestamptz(bounds[0], self):
            return "TIMESTAMPTZ"
        return None

    def is_array(self, node: exp.Expr) -> bool:
        """``is_array``, and a column of a CTE or a subquery in FROM that one of its select items defines as an
        array (``with c as (select array[1, 2] as a) select a || 3 from c``)."""
        if is_array(node):
            return True
        if not isinstance(node, exp.Column) or (node.table and node.table in self.tables):
            return False
        if not node.table:
            # an unqualified name: the sources of its own SELECT decide (a CTE's ``path`` is not aws_iam_user's)
            names = [source.alias_or_name for source in select_sources(node.find_ancestor(exp.Select))]
            if any(node.name in TABLE_COLUMNS[self.tables[n]] for n in names if n in self.tables):
                return False
            if any(node.name in self.array_columns.get(n, set()) for n in names):
                return True
        if not node.table and any(node.name in TABLE_COLUMNS[t] for t in self.tables.values()):
            return False
        return node.name in self.array_columns.get(node.table, set()) or (
            not node.table and any(node.name in names for names in self.array_columns.values()))

    def _array_columns(self, tree: exp.Expr) -> dict[str, set[str]]:
        """Source name (also a table alias of a CTE) -> the columns that a CTE's or a FROM subquery's select list
        defines as arrays (and the column of ``regexp_matches`` in FROM); the first branch of a UNION (a recursive
        CTE's start) types the columns, and a column list (``with recursive walk(id, path) as ...``) names them."""
        found: dict[str, set[str]] = {}
        for source in tree.find_all(exp.CTE, exp.Subquery):
            select = source.this
            while isinstance(select, exp.SetOperation):
                select = select.this
            if not isinstance(select, exp.Select) or not source.alias:
                continue
            alias = source.args.get("alias")
            listed = [c.name for c in alias.columns] if alias and alias.columns else []
            names = {listed[i] if i < len(listed) else item.alias_or_name
                     for i, item in enumerate(select.expressions) if is_array(item.unalias())}
            if names:
                found.setdefault(source.alias, set()).update(names)
        for table in tree.find_all(exp.Table):
            if table.name in found and table.alias and table.alias != table.name:
                found.setdefault(table.alias, set()).update(found[table.name])
            if isinstance(table.this, exp.Anonymous) and table.this.name.lower() == "regexp_matches":
                # regexp_matches(...) AS m in FROM: rows of one text[] column, m (or its column alias)
                alias = table.args.get("alias")
                name = alias.name if alias and alias.name else "regexp_matches"
                found.setdefault(name, set()).add(alias.columns[0].name if alias and alias.columns else name)
        return found

    def is_json(self, node: exp.Expr) -> bool:
        """Whether ``node`` is a jsonb value in the Postgres query."""
        if isinstance(node, exp.Paren):
            return self.is_json(node.this)
        if isinstance(node, (exp.JSONExtract, exp.JSONBExtract, exp.JSONBDeleteAtPath)):
            return True
        if isinstance(node, exp.Cast):
            return node.to.this in JSON_TYPES
        if isinstance(node, exp.Coalesce):
            return any(self.is_json(a) for a in [node.this, *node.expressions])
        if isinstance(node, exp.Sub):
            return self.is_json(node.this)  # jsonb - key, jsonb - index, jsonb - keys
        if isinstance(node, exp.DPipe):
            # jsonb || jsonb, jsonb || 'literal': a concatenation of JSON, not text
            # (json, not jsonb, has no ||: json || text is text)
            sides = (node.this, node.expression)
            return any(self.is_json(s) for s in sides) and not any(is_plain_json(s) for s in sides) and all(
                self.is_json(s) or isinstance(s, exp.Literal) and s.is_string for s in sides)
        if isinstance(node, exp.Case):
            results = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
            results = [r for r in results if r is not None and not isinstance(r, exp.Null)]
            return bool(results) and all(self.is_json(r) for r in results)
        if isinstance(node, exp.Column):
            return self.column_type(node) == "JSON"
        name = func_name(node)
        if name == "unnest":
            return func_name(node.expressions[0]) in ("pg_jsonb_elements", "pg_jsonb_path_query") if node.expressions else False
        return name in JSON_RESULT_FUNCTIONS

    def of_derived(self, column: exp.Column, predicate) -> bool | int | None:
        """``predicate(item, self)`` of the select item defining ``column`` (``derived_item``), else None (also while
        that item is being typed: a recursive CTE's column may be defined by itself)."""
        if id(column) in self.deriving or (item := derived_item(column)) is None:
            return None
        self.deriving.add(id(column))
        try:
            return predicate(item, self)
        finally:
            self.deriving.discard(id(column))

    def is_int(self, node: exp.Expr) -> bool:
        """Whether ``node`` is an integer in Postgres (for ``/``, which truncates between integers)."""
        if isinstance(node, exp.Paren):
            return self.is_int(node.this)
        if (item := scalar_item(node)) is not None:
            return self.is_int(item)
        if isinstance(node, exp.Literal):
            return not node.is_string and re.fullmatch(r"\d+", node.this) is not None
        if isinstance(node, exp.Neg):
            return self.is_int(node.this)
        if isinstance(node, exp.Sub) and is_date(node.this) and is_date(node.expression):
            return True  # date - date is a number of days
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, *BITWISE_OPERATORS)):
            return self.is_int(node.this) and self.is_int(node.expression)
        if isinstance(node, exp.BitwiseNot):
            return self.is_int(node.this)
        if isinstance(node, exp.Abs):
            return self.is_int(node.this)
        if branches := _branches(node):
            # coalesce, nullif, greatest, least and case of integers are integers (``x / nullif(count(*), 0)``)
            return all(self.is_int(b) for b in branches)
        if isinstance(node, exp.Cast):
            return node.to.this in INT_TYPES
        if isinstance(node, exp.Column):
            column_type = self.column_type(node)
            if column_type is None and self.is_int4(node):
                return True  # a column of a VALUES list or generate_series of integers
            if column_type is None and (derived := self.of_derived(node, lambda item, scope: all(
                    scope.is_int(i) for i in set_items(item) or [item]))) is not None:
                return derived
            return column_type in ("BIGINT", "INTEGER")
        if isinstance(node, (exp.Window, exp.Filter)):
            return self.is_int(node.this)
        if isinstance(node, (exp.Max, exp.Min)):
            return self.is_int(node.this)
        if isinstance(node, exp.Sum):
            return self.is_int4(node.this)  # sum of an integer is a bigint; of a bigint, a numeric
        if func_name(node) in INT_ARGUMENT_FUNCTIONS:
            return all(self.is_int(a) for a in _math_args(node))
        return func_name(node) in INT_RESULT_FUNCTIONS or func_name(node) in WINDOW_INT_FUNCTIONS

    def is_int4(self, node: exp.Expr) -> bool:
        """Whether ``node`` is a Postgres ``integer`` or ``smallint`` (not a bigint): a small literal, a cast, a
        CASE of them, a length, arithmetic on them."""
        if isinstance(node, (exp.Paren, exp.Neg, exp.BitwiseNot)):
            return self.is_int4(node.this)
        if isinstance(node, exp.Literal):
            return not node.is_string and re.fullmatch(r"\d+", node.this) is not None and int(node.this) < 2**31
        if isinstance(node, exp.Case):
            # a quoted literal among integer results is read as an integer (case ... then '10' else length(x))
            results = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
            untyped = [r is None or isinstance(r, exp.Null) or isinstance(r, exp.Literal) and r.is_string
                       for r in results]
            return all(u or self.is_int4(r) for r, u in zip(results, untyped)) and not all(untyped)
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, *BITWISE_OPERATORS)):
            return self.is_int4(node.this) and self.is_int4(node.expression)
        if isinstance(node, exp.Cast):
            return node.to.this in (exp.DataType.Type.INT, exp.DataType.Type.SMALLINT)
        if isinstance(node, (exp.Window, exp.Filter)) and isinstance(node.this, VALUE_KEEPING):
            return self.is_int4(node.this)  # max(length(x)) over (), lag(length(x)) over (...)
        if isinstance(node, exp.Window):
            return func_name(node.this) == "ntile"
        if isinstance(node, VALUE_KEEPING):
            return self.is_int4(node.this)
        if (picked := picked_value(node)) is not None:
            return self.is_int4(picked)
        if branches := _branches(node):
            return all(self.is_int4(b) for b in branches)  # greatest, least, coalesce, nullif of integers
        if isinstance(node, exp.Column) and (function := self._series_function(node)) is not None:
            # a value of generate_series(...) or unnest(array[...]) of integers (not bigints)
            if isinstance(function, exp.Unnest):
                values = function.expressions[0]
                return isinstance(values, exp.Array) and all(self.is_int4(v) for v in values.expressions)
            bounds = [function.args.get(k) for k in ("start", "end", "step") if function.args.get(k) is not None]
            return all(self.is_int4(b) for b in bounds)
        if isinstance(node, exp.Column) and self.column_type(node) is None and (
                values := values_column(node)) is not None:
            return all(isinstance(v, exp.Null) or self.is_int4(v) for v in values) and not all(
                isinstance(v, exp.Null) for v in values)  # a column of a VALUES list of integers
        if isinstance(node, exp.Column) and self.column_type(node) is None:
            # a column of a subquery or CTE whose item (in every branch of a set operation) is an integer
            return bool(self.of_derived(node, lambda item, scope: all(
                scope.is_int4(i) for i in set_items(item) or [item])))
        if func_name(node) in INT_ARGUMENT_FUNCTIONS:
            return all(self.is_int4(a) for a in _math_args(node))
        return func_name(node) in INT_RESULT_FUNCTIONS - {"count"}

    def _series_function(self, column: exp.Column) -> exp.Expr | None:
        """The ``generate_series(...)`` or ``unnest(...)`` in FROM whose values ``column`` holds, else None."""
        name, qualifier = column.name, column.table
        owners = [self.series[qualifier]] if qualifier in self.series else [
            c for c in self.series.values() if name in c] if not qualifier else []
        if owners and name in owners[0] and not any(name in TABLE_COLUMNS[t] for t in self.tables.values()):
            return owners[0][name]
        return None


def scalar_item(node: exp.Expr) -> exp.Expr | None:
    """The one select item of a scalar subquery (``(select count(*) from t)``), which has its type; else None."""
    if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) and len(node.this.expressions) == 1:
        return node.this.expressions[0].unalias()
    return None


def is_date(node: exp.Expr) -> bool:
    """Whether ``node`` is a Postgres ``date`` (``x::date``, ``date(x)``, ``date '...'``, ``current_date``,
    ``make_date(...)``, a date plus or minus a whole number of days)."""
    if node.meta.get("pg_date"):
        return True  # make_date as bc_make_date wrote it
    if isinstance(node, exp.Paren):
        return is_date(node.this)
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DATE
    if isinstance(node, exp.Column) and (values := values_column(node)):
        return any(is_date(value) for value in values)  # a column of a VALUES list of dates
    if isinstance(node, exp.Date):
        return not node.expressions and not node.args.get("zone")  # date(x): Postgres's cast of one value
    if isinstance(node, (exp.Add, exp.Sub)) and is_date(node.this) and _is_whole_number(node.expression):
        return True  # date + 90, date - 7
    if isinstance(node, exp.Add) and _is_whole_number(node.this) and is_date(node.expression):
        return True
    return isinstance(node, exp.CurrentDate) or func_name(node) == "make_date"


def _is_whole_number(node: exp.Expr) -> bool:
    """Whether ``node`` is an integer literal or a cast to an integer type (what a date adds as days)."""
    if isinstance(node, exp.Cast):
        return node.to.this in (exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.SMALLINT)
    return isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit()


TIMESTAMPTZ_FUNCTIONS = {"now", "transaction_timestamp", "statement_timestamp", "iamsql_as_of", "to_timestamp"}
INTERVAL_FUNCTIONS = {"age", "justify_days", "justify_hours", "justify_interval", "pg_justify_days",
                      "pg_justify_hours", "pg_justify_interval", "make_interval"}


def is_timestamptz(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is known to be a Postgres ``timestamptz`` (a timestamptz column, ``now()``, a cast, date_trunc
    of one, one plus or minus an interval, min/max/coalesce/greatest/least of them)."""
    if isinstance(node, exp.Paren):
        return is_timestamptz(node.this, scope)
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.TIMESTAMPTZ
    if isinstance(node, (exp.CurrentTimestamp, exp.StrToTime)):
        return True
    if isinstance(node, exp.Column) and scope.column_type(node) is None and (values := values_column(node)):
        return any(is_timestamptz(value, scope) for value in values)  # a column of a VALUES list of timestamptz
    if isinstance(node, exp.Column):
        return scope.column_type(node) == "TIMESTAMPTZ"
    if isinstance(node, exp.TimestampTrunc):
        return is_timestamptz(node.this, scope)
    if isinstance(node, (exp.Add, exp.Sub)):
        return (is_timestamptz(node.this, scope) and is_interval(node.expression, scope)) or (
            isinstance(node, exp.Add) and is_interval(node.this, scope) and is_timestamptz(node.expression, scope))
    if isinstance(node, (exp.Max, exp.Min, exp.Lag, exp.Lead, exp.FirstValue, exp.LastValue)):
        return is_timestamptz(node.this, scope)
    if isinstance(node, exp.Window):  # max(t) over (...), lag(t) over (...)
        return is_timestamptz(node.this, scope)
    if isinstance(node, (exp.Coalesce, exp.Greatest, exp.Least)):
        return all(is_timestamptz(a, scope) or isinstance(a, exp.Null) for a in [node.this, *node.expressions])
    return func_name(node) in TIMESTAMPTZ_FUNCTIONS


def is_interval(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is known to be a Postgres ``interval`` (a literal or cast, a difference of two timestamps,
    ``age``, ``justify_*``, interval arithmetic, min/max/sum/avg and date_trunc of intervals)."""
    if node.meta.get("pg_interval"):
        return True
    if isinstance(node, (exp.Paren, exp.Neg)):
        return is_interval(node.this, scope)
    if isinstance(node, exp.Column) and (values := values_column(node)):
        return any(is_interval(value, scope) for value in values)  # a column of a VALUES list of intervals
    if isinstance(node, exp.Column):
        return bool(scope.of_derived(node, is_interval))  # a column of a subquery or CTE whose item is one
    if isinstance(node, exp.Interval):
        return True
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.INTERVAL
    if isinstance(node, exp.Sub) and is_timestamptz(node.this, scope) and is_timestamptz(node.expression, scope):
        return True
    if isinstance(node, (exp.Add, exp.Sub)):
        return is_interval(node.this, scope) and is_interval(node.expression, scope)
    if isinstance(node, exp.Mul):
        return is_interval(node.this, scope) or is_interval(node.expression, scope)
    if isinstance(node, exp.Div):
        return is_interval(node.this, scope)
    if isinstance(node, (exp.Max, exp.Min, exp.Sum, exp.Avg, exp.TimestampTrunc)):
        return is_interval(node.this, scope)
    if isinstance(node, (exp.Coalesce, exp.Greatest, exp.Least)):
        return all(is_interval(a, scope) or isinstance(a, exp.Null) for a in [node.this, *node.expressions])
    return func_name(node) in INTERVAL_FUNCTIONS


def json_value(node: exp.Expr, scope: Scope, in_list: bool = False) -> exp.Expr:
    """An argument of a JSON constructor (``jsonb_build_object``, ``to_jsonb``, ``jsonb_agg``): a timestamptz
    becomes the ISO 8601 text Postgres puts in JSON (``2021-03-04T10:15:00+00:00``), an interval Postgres's text."""
    if isinstance(node, exp.Order):
        replacement = node.copy()
        replacement.set("this", json_value(node.this, scope))
        return replacement
    if is_timestamptz(node, scope):
        return call("pg_timestamptz_json", node)
    if is_interval(node, scope):
        return call("pg_interval_out", node)  # an interval is its text in JSON (``1 year 2 mons``)
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.TIMESTAMP or isinstance(node, exp.Localtimestamp) or (
            isinstance(node, exp.AtTimeZone) and is_timestamptz(node.this, scope)):
        return call("pg_timestamp_json", node)
    if isinstance(node, exp.Array) and node.expressions:
        values = [json_value(e, scope, in_list=True) for e in node.expressions]
        if any(v is not e for v, e in zip(values, node.expressions)):
            return exp.Array(expressions=[v if v is not e else e.copy() for v, e in zip(values, node.expressions)])
        return node
    if isinstance(node, exp.ArrayAgg) and (value := json_value(node.this, scope)) is not node.this:
        replacement = node.copy()
        replacement.set("this", value)
        return replacement
    if in_list:
        return node  # the elements of a list have one type: numbers are left as they are
    if _is_float(node, scope):
        # a double becomes a JSON number written with Postgres's digits (``1704067200``, not ``1704067200.0``)
        return call("pg_float8_json", node)
    numeric = is_numeric(node, scope) or isinstance(node, exp.Cast) and node.to.this in NUMERIC_TYPES  # numeric(p, s)
    if numeric and (scale := numeric_scale(node, scope)) is not None:
        # a numeric keeps its decimals in jsonb (``2.50``); DuckDB keeps them only for a DECIMAL of that scale and
        # of the widest precision (to_json of a DECIMAL(10, 3) goes through a double), so even a cast to numeric(p, s)
        # is cast again (exp.cast would keep it, taking it for the same type)
        return exp.Cast(this=node, to=exp.DataType.build(f"DECIMAL(38, {scale})"))
    if isinstance(node, exp.Column) and not node.table and (items := _row_source_items(node)):
        # a whole row of a subquery or CTE (``to_jsonb(r)``): its timestamps as Postgres writes them in JSON too
        values = [json_value(value, scope) for value in items.values()]
        if all(v is value for v, value in zip(values, items.values())):
            return node
        fields = []
        for (name, value), converted in zip(items.items(), values):
            field: exp.Expr = exp.column(exp.to_identifier(name, quoted=True), table=exp.to_identifier(node.name))
            if isinstance(converted, exp.Cast):
                field = exp.cast(field, converted.to.copy())  # a numeric's decimals
            elif converted is not value:
                field = call(converted.name, field)  # pg_timestamptz_json, pg_timestamp_json, pg_float8_json
            fields.append(exp.PropertyEQ(this=exp.to_identifier(name, quoted=True), expression=field))
        packed = call("struct_pack", *fields)
        packed.meta["pg_holds_json"] = any(scope.is_json(value) for value in items.values())
        packed.meta["pg_unknown_scale"] = any(_unknown_scale(value, scope) for value in items.values())
        return packed
    return node


def _json_numbers(built: exp.Expr, unknown_scale: bool) -> exp.Expr:
    """``built`` (a JSON constructor's translation), marked when an argument is a numeric whose decimals depend on
    its value (``avg(x)``, a division): its text (``json_text``) is then refused, as a numeric's own text is."""
    if unknown_scale:
        built.meta["pg_unknown_scale"] = True
    return built


def _any_unknown_scale(args: list[exp.Expr], scope: Scope) -> bool:
    """Whether an argument of a JSON constructor is (or is a row holding) a numeric whose decimals depend on its
    value; read before the arguments move into the translation (a whole row is found from its place in the query)."""
    values = [a.this if isinstance(a, (exp.Order, exp.Ordered)) else a for a in args]
    values = [v.expressions[0] if isinstance(v, exp.Distinct) and len(v.expressions) == 1 else v for v in values]
    return any(_unknown_scale(v, scope) for v in values)


def _unknown_scale(value: exp.Expr, scope: Scope) -> bool:
    """Whether ``value`` is, or is a row holding, a numeric whose decimals depend on its value."""
    if value.meta.get("pg_unknown_scale"):
        return True
    if isinstance(value, exp.Column) and not value.table and (items := _row_source_items(value)):
        return any(_unknown_scale(v, scope) for v in items.values())
    return is_numeric(value, scope) and numeric_scale(value, scope) is None


def _row_source_items(column: exp.Column) -> dict[str, exp.Expr] | None:
    """The select items (name -> expression) of the subquery or CTE a bare column names as a whole row
    (``to_jsonb(r)`` over ``from (select ...) r``), else None: also when a select item has no name (``*``)."""
    select = column.find_ancestor(exp.Select)
    if select is None:
        return None
    sources = [select.args["from_"].this] if select.args.get("from_") else []
    sources += [join.this for join in (select.args.get("joins") or [])]
    for source in sources:
        if source.alias_or_name != column.name:
            continue
        inner = None
        if isinstance(source, exp.Subquery):
            inner = source.this
        elif isinstance(source, exp.Table) and not source.db:
            scope_node = select
            while scope_node is not None and inner is None:
                with_ = scope_node.args.get("with_")
                for cte in (with_.expressions if with_ else []):
                    if cte.alias == source.name:
                        inner = cte.this
                scope_node = scope_node.parent
        if source.args.get("alias") and source.args["alias"].columns:
            return None
        if inner is None and isinstance(source, exp.Table) and source.name in TABLE_COLUMNS:
            return {name: exp.column(name) for name in TABLE_COLUMNS[source.name]}
        if not isinstance(inner, exp.Select):
            return None
        star = [item for item in inner.expressions if isinstance(item, exp.Star)]
        tables = [inner.args["from_"].this] if inner.args.get("from_") else []
        if star and len(inner.expressions) == 1 and not inner.args.get("joins") and len(tables) == 1 and (
                isinstance(tables[0], exp.Table) and tables[0].name in TABLE_COLUMNS):
            return {name: exp.column(name) for name in TABLE_COLUMNS[tables[0].name]}
        items = {}
        for item in inner.expressions:
            name = item.alias_or_name
            if not name or isinstance(item, exp.Star) or isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
                return None
            items[name] = item.this if isinstance(item, exp.Alias) else item
        return items
    return None


def is_plain_json(node: exp.Expr) -> bool:
    """Whether ``node`` is a json (not jsonb) value built by a json function (``JSON_PLAIN_FUNCTIONS``), before or
    after its translation (a cast to json is not told from one to jsonb here)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if node.meta.get("pg_jsonb"):
        return False
    translated = node.meta.get("pg_json_object_values") is not None or node.meta.get("pg_json_layout")
    return bool(translated) or isinstance(node, exp.JSONArray) or func_name(node) in JSON_PLAIN_FUNCTIONS


JSON_PLAIN_FUNCTIONS = {"json_build_object", "json_build_array", "json_agg", "json_object_agg", "to_json",
                        "row_to_json", "array_to_json"}


# json constructors and casts whose values keep a layout of their own inside json_build_object's text
JSON_OWN_LAYOUT = ("to_json", "row_to_json", "array_to_json", "json_agg", "json_build_array", "json_object_agg")


def json_object_value_kind(value: exp.Expr, scope: Scope) -> str:
    """How json_build_object's text writes ``value`` (a Postgres argument): ``object`` (a json_build_object, its own
    text), ``jsonb`` (jsonb's text), ``scalar`` (its JSON), or ``other`` (a json value with a layout of its own)."""
    while isinstance(value, exp.Paren):
        value = value.this
    name = func_name(value)
    if name == "json_build_object":
        return "object"
    if name in JSON_OWN_LAYOUT or isinstance(value, exp.Cast) and value.to.this == exp.DataType.Type.JSON or _is_row(
            value):
        return "other"
    return "jsonb" if scope.is_json(value) else "scalar"


def compact_json_text(value: exp.Expr) -> exp.Expr:
    """DuckDB's JSON text of ``value`` as it is (compact: ``[1,2]``, ``"a\\"b"``), kept from the rule that gives a
    JSON value's text jsonb's spacing."""
    text = exp.Cast(this=call("to_json", value), to=exp.DataType.build("VARCHAR"))
    text.meta["pg_json_text"] = True
    return text


def json_object_text(built: exp.Expr, kinds: list[str], scope: Scope) -> exp.Expr:
    """The text of ``json_build_object(k1, v1, ...)`` (``built``, its translation) as Postgres's json writes it:
    ``{"k1" : v1, "k2" : v2}`` in the arguments' order, a repeated key kept, a jsonb value with jsonb's text."""
    if "other" in kinds:
        raise UnsupportedFeature(
            "unsupported Postgres feature: the text of json_build_object() holding a json value of its own layout "
            "(json_agg, json_build_array, to_json, a json cast, a row): use jsonb_build_object")
    args = built.expressions
    text = exp.DataType.build("VARCHAR")
    pairs: list[exp.Expr] = []
    for i, kind in enumerate(kinds):
        key, value = args[2 * i], args[2 * i + 1]
        key_text = exp.Case().when(exp.Is(this=key.copy(), expression=exp.Null()),
                                   raise_error("null value not allowed for object key"))
        key_text = key_text.else_(compact_json_text(exp.cast(key.copy(), text)))
        if kind == "object":
            value_text = json_text(value.copy(), scope)
        elif kind == "jsonb":
            value_text = call("pg_jsonb_out", value.copy())
        else:
            value_text = compact_json_text(value.copy())
        pairs.append(exp.DPipe(this=exp.DPipe(this=key_text, expression=string(" : ")),
                               expression=exp.Coalesce(this=value_text, expressions=[string("null")])))
    body = call("concat_ws", string(", "), *pairs) if pairs else string("")
    return exp.DPipe(this=exp.DPipe(this=string("{"), expression=body), expression=string("}"))


# json (not jsonb) values of a whole row or an array: Postgres writes them compactly, in the row's column order
# (``{"a":1,"b":"x"}``, ``[1,2]``), as DuckDB's JSON text is; a jsonb value inside keeps jsonb's own text
JSON_LAYOUT_CALLS = ("to_json", "row_to_json", "array_to_json")


def built_number_member(node: exp.Expr, scope: Scope) -> exp.Expr | None:
    """``jsonb_build_object('k', v, ...) ->> 'k'`` (literal keys, none repeated) where ``v`` is a numeric whose
    decimals depend on its value (a division, ``avg``): ``v``'s text as Postgres writes it (``1.0 / 3`` is
    ``0.33333333333333333333``; DuckDB's JSON would hold a double). None for anything else."""
    built = node.this if isinstance(node, exp.JSONExtractScalar) else None
    if func_name(built) not in ("jsonb_build_object", "json_build_object") or not isinstance(built, exp.Anonymous):
        return None
    steps = node.expression.expressions if isinstance(node.expression, exp.JSONPath) else []
    keys, values = built.expressions[::2], built.expressions[1::2]
    if len(steps) != 2 or not isinstance(steps[1], exp.JSONPathKey) or len(keys) != len(values) or not all(
            isinstance(k, exp.Literal) and k.is_string for k in keys) or len({k.this for k in keys}) < len(keys):
        return None
    value = next((v for k, v in zip(keys, values) if k.this == steps[1].this), None)
    if value is None or not _unknown_scale(value, scope):
        return None
    return numeric_value_text(value, scope)


def built_numbers_text(built: exp.Expr, scope: Scope) -> exp.Expr | None:
    """The text of ``jsonb_build_object('k', v, ...)`` (literal keys), ``to_jsonb(v)`` or ``jsonb_agg(v)``
    (``built``, its translation) holding a numeric whose decimals depend on its value: jsonb's text (keys in jsonb
    order, the last of a repeated key) with each such number written as Postgres writes it. None where that is not
    known."""
    arguments = built.meta.get("pg_built_arguments")
    if arguments is None:
        return None
    name, originals = arguments
    if name == "to_jsonb":
        return numeric_value_text(originals[0], scope) if _is_plain_unknown_scale(originals[0], scope) else None
    if name in ("jsonb_agg", "json_agg"):
        return aggregated_numbers_text(originals, scope)
    keys = originals[::2]
    if len(originals) % 2 or not all(isinstance(k, exp.Literal) and k.is_string for k in keys):
        return None
    members: dict[str, exp.Expr] = {}
    for key, original, translated in zip(keys, originals[1::2], built.expressions[1::2]):
        if _is_plain_unknown_scale(original, scope):
            text = numeric_value_text(original, scope)
            if text is None:
                return None
        elif scope.is_json(original):
            text = json_text(translated, scope)
        else:
            text = call("pg_jsonb_out", call("to_json", translated.copy()))
        members.pop(key.this, None)
        members[key.this] = exp.Coalesce(this=text, expressions=[string("null")])
    pieces: list[exp.Expr] = []
    for key in sorted(members, key=lambda k: (len(k.encode()), k.encode())):
        pieces += [string(", " if pieces else ""), string(json.dumps(key, ensure_ascii=False) + ": "), members[key]]
    return exp.Concat(expressions=[string("{"), *pieces, string("}")], safe=True, coalesce=False)


def aggregated_numbers_text(originals: list[exp.Expr], scope: Scope) -> exp.Expr | None:
    """The text of ``jsonb_agg(v [order by ...])`` or ``json_agg`` (``originals``, its Postgres arguments) of a numeric
    whose decimals depend on its value: ``[0.33333333333333333333, 0.66666666666666666667]``, each number as Postgres
    writes it, in the aggregate's order; NULL over no rows. None where that text is not known."""
    if len(originals) != 1:
        return None
    ordered = originals[0] if isinstance(originals[0], exp.Order) else None
    value = ordered.this if ordered else originals[0]
    if not _is_plain_unknown_scale(value, scope) or (text := numeric_value_text(value, scope)) is None:
        return None
    member = exp.Coalesce(this=text, expressions=[string("null")])
    if ordered:
        member = exp.Order(this=member, expressions=[o.copy() for o in ordered.expressions])
    listed = exp.GroupConcat(this=member, separator=string(", "))
    return exp.DPipe(this=exp.DPipe(this=string("["), expression=listed), expression=string("]"))


def _is_plain_unknown_scale(value: exp.Expr, scope: Scope) -> bool:
    """Whether ``value`` is a numeric (not a row) whose decimals depend on its value."""
    return is_numeric(value, scope) and numeric_scale(value, scope) is None


def json_text(node: exp.Expr, scope: Scope) -> exp.Expr:
    """The text of the jsonb or json value ``node`` as Postgres writes it (``::text``, ``||``, ``concat``)."""
    inner = node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if inner.meta.get("pg_unknown_scale"):
        if (text := built_numbers_text(inner, scope)) is not None:
            return text
        raise UnsupportedFeature(
            "unsupported Postgres feature: the text of jsonb holding a numeric whose number of decimals depends on its "
            "value (avg(), a division): round(x, n) it first")
    if func_name(inner) == "json_build_object" and isinstance(inner, exp.Anonymous) and not inner.meta.get("pg_call"):
        inner = rewrite_functions(inner.copy(), scope)  # the text is read from its translation, not yet made
    if (kinds := inner.meta.get("pg_json_object_values")) is not None:
        return json_object_text(inner, kinds, scope)
    if not inner.meta.get("pg_json_layout"):
        return call("pg_jsonb_out", node)
    holds_json = _holds_jsonb(inner.expressions[0], scope)
    if holds_json is None:
        # a single value: jsonb's text is json's (to_json(jsonb) keeps jsonb's spaces); a scalar has no layout
        return call("pg_jsonb_out", node)
    if holds_json:
        raise UnsupportedFeature(
            f"unsupported Postgres feature: the text of {inner.meta['pg_json_layout']}() of a row or array holding "
            "jsonb values (json writes them with jsonb's own spaces): use to_jsonb")
    return exp.cast(node, exp.DataType.build("VARCHAR"))


def _holds_jsonb(argument: exp.Expr, scope: Scope) -> bool | None:
    """Whether the row or array ``argument`` of a json function (``to_json(r)``, ``json_agg(r)``) holds jsonb
    values, which json writes with jsonb's spaces; None for a single value."""
    holds_json = argument.meta.get("pg_holds_json")
    if holds_json is None and isinstance(argument, exp.Column) and not argument.table:
        items = _row_source_items(argument)
        holds_json = True if items is None else any(scope.is_json(v) for v in items.values())
    if holds_json is None and isinstance(argument, exp.ArrayAgg):
        value = argument.this.this if isinstance(argument.this, exp.Order) else argument.this
        holds_json = scope.is_json(value) or _is_row(value)
    if holds_json is None and isinstance(argument, exp.Array):
        holds_json = any(scope.is_json(e) for e in argument.expressions)
    return holds_json


def member_text_function(source: exp.Expr, scope: Scope) -> str:
    """The macro giving the text of a member of ``source`` (``->>``, ``#>>``): an object or array member of json
    (not jsonb) made by ``json_agg``, ``row_to_json``, ``to_json`` or ``array_to_json`` of rows holding no jsonb (or
    of values that are not jsonb) is the json's own compact text in the row's column order (``{"a":1,"b":"x"}``,
    ``["a","b"]``), as Postgres keeps it
    (``pg_json_text``); else jsonb's text (``pg_jsonb_text``). Read while ``source`` is in the tree."""
    while isinstance(source, exp.Paren):
        source = source.this
    if is_plain_json(source) and func_name(source) == "to_json" and len(source.expressions) == 1:
        argument = source.expressions[0]
        if func_name(argument) == "list" and argument.expressions:
            argument = argument.expressions[0]  # json_agg(r): to_json(list(r)), also list(r order by ...)
            argument = argument.this if isinstance(argument, exp.Order) else argument
        holds_json = _holds_jsonb(argument, scope)
        if holds_json is False or holds_json is None and not scope.is_json(argument):
            return "pg_json_text"
    return "pg_jsonb_text"


# ---------------------------------------------------------------------------------------------------------
# Postgres result column names (FigureColname): every unaliased select item gets the name Postgres gives it.

PG_TYPE_NAMES = {
    "INT": "int4",
    "BIGINT": "int8",
    "SMALLINT": "int2",
    "BOOLEAN": "bool",
    "TEXT": "text",
    "VARCHAR": "varchar",
    "JSON": "json",
    "JSONB": "jsonb",
    "TIMESTAMPTZ": "timestamptz",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
    "INTERVAL": "interval",
    "DOUBLE": "float8",
    "FLOAT": "float4",
    "DECIMAL": "numeric",
    "CHAR": "bpchar",
    "UUID": "uuid",
    "INET": "inet",
    "TIME": "time",
    "TIMETZ": "timetz",
    "BIGDECIMAL": "numeric",
}
NO_PAREN_NAMES = {
    exp.CurrentDate: "current_date",
    exp.CurrentTimestamp: "current_timestamp",
    exp.CurrentTime: "current_time",
    exp.Localtimestamp: "localtimestamp",
    exp.CurrentUser: "current_user",
    exp.Extract: "extract",
    exp.Substring: "substring",
    exp.Trim: "btrim",
    exp.StrPosition: "position",
    exp.Coalesce: "coalesce",
}


def pg_column_name(node: exp.Expr) -> tuple[str, int]:
    """(name, strength) as Postgres's FigureColnameInternal computes them for a select-list expression."""
    if isinstance(node, (exp.Paren, exp.Collate)):
        return pg_column_name(node.this)
    if isinstance(node, exp.Column):
        return (node.name, 2) if not isinstance(node.this, exp.Star) else ("?column?", 0)
    if isinstance(node, exp.Dot):
        return node.name, 2
    if isinstance(node, exp.Cast):
        name, strength = pg_column_name(node.this)
        if strength <= 1:
            target = node.to
            if target.this == exp.DataType.Type.ARRAY and target.expressions:
                target = target.expressions[0]
            return PG_TYPE_NAMES.get(target.this.name, target.sql("postgres").lower()), 1
        return name, strength
    if isinstance(node, exp.Interval):
        return "interval", 1
    if isinstance(node, exp.MatchAgainst) or isinstance(node, (exp.Sqrt, exp.Cbrt)) and NAME_KEY not in node.meta:
        return "?column?", 0  # the operators x @@ 'path', |/ x, ||/ x
    if isinstance(node, exp.AtTimeZone):
        return "timezone", 2  # Postgres reads ``x at time zone z`` as the call timezone(z, x)
    if node.meta.get("pg_prefix_operator") or node.meta.get("pg_operator"):
        return "?column?", 0
    if isinstance(node, exp.Case):
        # the ELSE value's name when it has one (``case ... else max_session_duration end``)
        default = node.args.get("default")
        name, strength = pg_column_name(default) if isinstance(default, exp.Expr) else ("case", 0)
        return (name, strength) if strength > 1 else ("case", 1)
    if isinstance(node, exp.Array):
        return "array", 2  # as a function's name: ``array[1]::text`` is still "array"
    if isinstance(node, exp.Exists):
        return "exists", 2
    if isinstance(node, exp.Overlaps):
        return "overlaps", 2  # Postgres reads it as its function overlaps()
    if isinstance(node, (exp.Filter, exp.Window, exp.WithinGroup, exp.Bracket)):
        return pg_column_name(node.this)  # a subscript keeps its array's name: (array_agg(x))[1] is array_agg
    if isinstance(node, exp.Subquery):
        inner = node.this
        if isinstance(inner, exp.Select) and inner.expressions:
            first = inner.expressions[0]
            return (first.alias, 2) if isinstance(first, exp.Alias) else pg_column_name(first)
        return "?column?", 0
    if isinstance(node, exp.Trim) and NAME_KEY not in node.meta:
        # trim(leading ... from x) is ltrim in Postgres, trim(trailing ...) rtrim, any other trim btrim
        return {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(str(node.args.get("position") or "").upper(), "btrim"), 2
    if isinstance(node, exp.Func) and not isinstance(node, exp.Anonymous) and NAME_KEY not in node.meta:
        for cls, name in NO_PAREN_NAMES.items():
            if isinstance(node, cls):
                return name, 2
    if isinstance(node, exp.Func) and (NAME_KEY in node.meta or not isinstance(node, (exp.Binary, exp.Connector))):
        return func_name(node), 2  # a call by name, also of a function sqlglot reads as an operator (power, corr)
    return "?column?", 0


def name_select_items(tree: exp.Expr, scope: Scope) -> exp.Expr:
    """Alias every unaliased select item with Postgres's column name, so DuckDB reports the same names.

    Plain columns keep their name in DuckDB too and stay unaliased (an alias equal to the column's own name
    would make DuckDB report a misspelt column as "referenced before it is defined").
    """
    for select in tree.find_all(exp.Select):
        items = []
        for item in select.expressions:
            plain_column = isinstance(item, exp.Column) and item.name not in scope.srfs
            if isinstance(item, (exp.Alias, exp.Star)) or plain_column:
                items.append(item)
            else:
                items.append(exp.alias_(item, pg_column_name(item)[0], quoted=True))
        select.set("expressions", items)
    return tree


# ---------------------------------------------------------------------------------------------------------
# Rewrites. Each takes (node, scope) and returns a replacement or the node itself (``REWRITES`` says in which order).


def call(name: str, *args: exp.Expr) -> exp.Anonymous:
    node = exp.Anonymous(this=name, expressions=list(args))
    node.meta["pg_call"] = True  # written by a rule, not the query's own call of that name
    return node


def raise_error(message: str) -> exp.Anonymous:
    """A call failing the statement with ``message`` where it is evaluated (in a CASE branch: for the rows taking
    it); usable in a window's PARTITION BY and ORDER BY (DuckDB's own ``error()`` is volatile, refused there)."""
    return call("pg_raise", string(message))


def string(value: str) -> exp.Literal:
    return exp.Literal.string(value)


def json_key_path(key: str) -> str:
    """A DuckDB JSONPath selecting one object key, quoted so dots, colons and '$' in keys stay literal."""
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _jsonb_marked(translated: exp.Expr, name: str) -> exp.Expr:
    """The translation of the json function ``name``, marked as jsonb when it is a jsonb one (``to_jsonb`` becomes
    DuckDB's ``to_json``, which ``is_plain_json`` would take for Postgres's json)."""
    if name.startswith(("jsonb", "to_jsonb")):
        translated.meta["pg_jsonb"] = True
    return translated


def json_step(target: exp.Expr, step: exp.Expr) -> exp.Expr:
    """``target -> step`` in Postgres: a key of an object, or (integer step) an element of an array."""
    if isinstance(step, exp.JSONPathKey):
        return call("json_extract", target, string(json_key_path(str(step.this))))
    if isinstance(step, exp.JSONPathSubscript):
        return json_index(target, int(step.this))
    if isinstance(step, exp.Literal) and not step.is_string:
        return json_index(target, int(step.this))
    if isinstance(step, exp.Literal):
        return call("json_extract", target, string(json_key_path(step.this)))
    if isinstance(step, exp.Neg) and isinstance(step.this, exp.Literal):
        return json_index(target, -int(step.this.this))
    return call("pg_jsonb_get", target, step)


def json_index(target: exp.Expr, index: int) -> exp.Expr:
    """``target -> index``: an array element (from the end when negative). Postgres stores a scalar as a one-element
    array, so ``-> 0`` and ``-> -1`` of a scalar are the scalar itself (not of a json scalar: ``to_json(x) -> 0`` is
    NULL)."""
    path = string(f"$[{index}]" if index >= 0 else f"$[#{index}]")
    if index in (0, -1) and not is_plain_json(target):
        return call("pg_jsonb_index", target, exp.Literal.number(index), path)
    return call("json_extract", target, path)


def _literal_steps(node: exp.Expr) -> list[str | int] | None:
    """The keys (text) and array positions (integers) of ``->``/``->>``/``#>``/``#>>`` when all are literals."""
    path = node.expression
    if isinstance(node, (exp.JSONBExtract, exp.JSONBExtractScalar)):
        if not (isinstance(path, exp.Literal) and path.is_string):
            return None
        return list(_pg_text_array(path.this))  # an element may be a key or, on an array, a position
    parts = [p for p in path.expressions if not isinstance(p, exp.JSONPathRoot)] if isinstance(
        path, exp.JSONPath) else [path]
    steps: list[str | int] = []
    for part in parts:
        if isinstance(part, exp.JSONPathKey) or isinstance(part, exp.Literal) and part.is_string:
            steps.append(str(part.this))
        elif isinstance(part, exp.JSONPathSubscript) or isinstance(part, exp.Literal):
            steps.append(int(part.this))
        elif isinstance(part, exp.Neg) and isinstance(part.this, exp.Literal) and not part.this.is_string:
            steps.append(-int(part.this.this))
        else:
            return None
    return steps


def folded_json_access(node: exp.Expr) -> exp.Expr | None:
    """``'{"a": 1.50}'::jsonb -> 'a'`` (and ``->>``, ``#>``, ``#>>``) of a jsonb literal by literal steps, taken
    here: the value keeps the literal's text of its numbers (``1.50``), which DuckDB's JSON functions would write as
    a double's (``1.5``). None when the document or a step is not a literal, or the document is not valid JSON."""
    document = node.this
    text = document.meta.get("pg_jsonb_literal") if isinstance(document, exp.Cast) else None
    steps = _literal_steps(node) if text is not None else None
    if steps is None:
        return None
    try:
        value = pgfunctions.load_json(text)
    except ValueError:
        return None
    missing = object()
    for step in steps:
        if isinstance(value, list) and (isinstance(step, int) or re.fullmatch(r"-?\d+", step)):
            index = int(step)
            value = value[index] if -len(value) <= index < len(value) else missing
        elif isinstance(value, dict) and isinstance(step, str):
            value = value.get(step, missing)
        elif not isinstance(value, (dict, list)) and isinstance(step, int) and step in (0, -1):
            continue  # a scalar is a one-element array (json_index)
        else:
            value = missing
        if value is missing:
            break
    scalar_text = isinstance(node, (exp.JSONExtractScalar, exp.JSONBExtractScalar))
    if value is missing or scalar_text and value is None:
        # a NULL of the operator's type (jsonb for ->, text for ->>), as its result column's type
        return exp.cast(exp.Null(), exp.DataType.build("VARCHAR" if scalar_text else "JSON"))
    if scalar_text:
        return string(value if isinstance(value, str) else pgfunctions.jsonb_text(value))
    folded = exp.cast(string(pgfunctions.jsonb_text(value)), exp.DataType.build("JSON"))
    folded.meta["pg_jsonb_literal"] = pgfunctions.jsonb_text(value)
    return folded


def folded_elements(node: exp.Anonymous) -> exp.Expr | None:
    """``jsonb_array_elements[_text]`` of a jsonb array literal (``pg_jsonb_elements[_text]``), and ``jsonb_each[_text]``
    of an object literal (``pg_jsonb_each[_text]``: its keys in jsonb's order), taken here: each value keeps the
    literal's text of its numbers (``1.50``), which DuckDB's JSON functions would write as a double's. None when the
    argument is not such a literal (the elements of an object or the keys of an array fail as before)."""
    document = node.expressions[0] if len(node.expressions) == 1 else None
    if isinstance(document, exp.Cast):
        text = document.meta.get("pg_jsonb_literal")
    else:
        text = document.this if isinstance(document, exp.Literal) and document.is_string else None
    try:
        elements = pgfunctions.load_json(text) if text is not None else None
    except ValueError:
        return None
    if func_name(node) in ("pg_jsonb_each", "pg_jsonb_each_text"):
        if not isinstance(elements, dict):
            return None
        as_text = func_name(node) == "pg_jsonb_each_text"
        pairs = [exp.Struct(expressions=[
            exp.PropertyEQ(this=exp.to_identifier("key"), expression=string(key)),
            exp.PropertyEQ(this=exp.to_identifier("value"), expression=_element_text(value, as_text))])
            for key, value in sorted(elements.items(), key=lambda item: pgfunctions.key_order(item[0]))]
        value_type = "VARCHAR" if as_text else "JSON"
        return exp.cast(exp.Array(expressions=pairs), exp.DataType.build(f"STRUCT(key VARCHAR, value {value_type})[]",
                                                                         dialect="duckdb"))
    if not isinstance(elements, list):
        return None
    if func_name(node) == "pg_jsonb_elements":
        return exp.cast(exp.Array(expressions=[_element_text(e, False) for e in elements]),
                        exp.DataType.build("JSON[]"))
    return exp.cast(exp.Array(expressions=[_element_text(e, True) for e in elements]), exp.DataType.build("VARCHAR[]"))


def _element_text(value, as_text: bool) -> exp.Expr:
    """A jsonb literal's element (loaded by ``pgfunctions.load_json``) as its jsonb text, or as ``->>`` gives it
    when ``as_text`` (a string's own text, NULL for a JSON null)."""
    if not as_text:
        return string(pgfunctions.jsonb_text(value))
    return exp.Null() if value is None else string(value if isinstance(value, str) else pgfunctions.jsonb_text(value))


def rewrite_json_access(node: exp.Expr, scope: Scope) -> exp.Expr:
    if isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar, exp.JSONBExtract, exp.JSONBExtractScalar)) and (
            folded := folded_json_access(node)) is not None:
        return folded
    if isinstance(node, exp.Anonymous) and func_name(node) in (
            "pg_jsonb_elements", "pg_jsonb_elements_text", "pg_jsonb_each", "pg_jsonb_each_text") and (
            folded := folded_elements(node)) is not None:
        return folded
    if isinstance(node, (exp.JSONExtract, exp.JSONExtractScalar)):
        path = node.expression
        target = node.this
        text_function = member_text_function(target, scope)
        if isinstance(path, exp.JSONPath):
            steps = [p for p in path.expressions if not isinstance(p, exp.JSONPathRoot)]
            for step in steps:
                target = json_step(target, step)
        else:
            target = json_step(target, path)
        return call(text_function, target) if isinstance(node, exp.JSONExtractScalar) else target
    if isinstance(node, (exp.JSONBExtract, exp.JSONBExtractScalar)):
        path = node.expression.this if isinstance(node.expression, exp.Cast) else node.expression
        if isinstance(path, exp.Literal) and path.is_string:
            elements = _pg_text_array(path.this)
        elif isinstance(path, exp.Array) and all(isinstance(e, exp.Literal) and e.is_string for e in path.expressions):
            elements = [e.this for e in path.expressions]  # array['a', '0'] (also '{a,0}'::text[], read as one)
        else:
            raise UnsupportedFeature("unsupported Postgres feature: #> / #>> with a path that is not a literal '{a,b}' "
                                     "or array['a', 'b']")
        target = node.this
        text_function = member_text_function(target, scope)
        for element in elements:
            if re.fullmatch(r"-?\d+", element):
                target = call(
                    "pg_jsonb_step",
                    target,
                    string(json_key_path(element)),
                    string(f"$[{element}]" if not element.startswith("-") else f"$[#{element}]"),
                )
            else:
                target = call("json_extract", target, string(json_key_path(element)))
        return call(text_function, target) if isinstance(node, exp.JSONBExtractScalar) else target
    return node


def _pg_text_array(literal: str, nulls: bool = False) -> list[str | None]:
    """The elements of a Postgres text-array literal such as ``{a,"b c",0}`` (``nulls``: an unquoted NULL as None)."""
    try:
        return (pgfunctions.text_array_in if nulls else pgfunctions.text_array_elements)(literal)
    except ValueError as exc:
        raise (UnsupportedFeature if str(exc).startswith("unsupported") else QueryError)(str(exc)) from None


# Steampipe's ltree columns (stored as text here).
LTREE_COLUMNS = {("aws_organizations_organizational_unit", "path")}


def _is_ltree(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is an ltree column of a table the query reads (``<@`` / ``@>`` are ltree's there)."""
    if not isinstance(node, exp.Column):
        return False
    if node.table:
        return (scope.tables.get(node.table), node.name) in LTREE_COLUMNS
    owners = {t for t in scope.tables.values() if node.name in TABLE_COLUMNS.get(t, {})}
    return len(owners) == 1 and (owners.pop(), node.name) in LTREE_COLUMNS


def rewrite_jsonb_operators(node: exp.Expr, scope: Scope) -> exp.Expr:
    if isinstance(node, (exp.ArrayContainsAll, exp.ArrayContainedBy)):
        left, right = node.this, node.expression
        if isinstance(node, exp.ArrayContainedBy):
            left, right = right, left
        if scope.is_array(left) or scope.is_array(right):
            # arrays (ARRAY[...], a cast to an array type, string_to_array, ...); an untyped literal facing one is
            # an array literal ('{a,b}')
            return call("list_has_all", *[array_literal(s.this) if isinstance(s, exp.Literal) and s.is_string else s
                                          for s in (left, right)])
        if _is_ltree(left, scope) or _is_ltree(right, scope):
            # ltree's ancestor-or-self test on an organizational unit's path: labels, not characters
            return call("pg_ltree_contains", left, right)
        return call("pg_jsonb_contains", left, right)
    if isinstance(node, exp.JSONBDeleteAtPath):
        return json_cast(call("pg_jsonb_delete_path", node.this, text_array_argument(node.expression)))
    if isinstance(node, exp.JSONBContainsTopKey):
        return call("pg_jsonb_exists", node.this, node.expression)
    if isinstance(node, exp.JSONBContainsAnyTopKeys):
        return call("pg_jsonb_exists_any", node.this, text_array_argument(node.expression))
    if isinstance(node, exp.JSONBContainsAllTopKeys):
        return call("pg_jsonb_exists_all", node.this, text_array_argument(node.expression))
    if isinstance(node, exp.Sub) and scope.is_json(node.this):
        return jsonb_delete(node.this, node.expression, scope)
    if isinstance(node, exp.DPipe) and (scope.is_array(node.this) or scope.is_array(node.expression)):
        # array || array concatenates, array || element appends, element || array prepends; an untyped literal
        # facing an array is read as an array literal ('{a,b}'; 'x' is Postgres's malformed array literal error)
        sides = [array_literal(s.this) if isinstance(s, exp.Literal) and s.is_string else s
                 for s in (node.this, node.expression)]
        if sides != [node.this, node.expression]:
            result = call("list_concat", *sides)
        elif scope.is_array(node.this) and scope.is_array(node.expression):
            result = call("list_concat", node.this, node.expression)
        elif scope.is_array(node.this):
            result = call("list_append", node.this, node.expression)
        else:
            result = call("list_prepend", node.this, node.expression)
        result.meta["pg_array"] = True
        return result
    if isinstance(node, exp.DPipe):
        if scope.is_json(node):
            # jsonb || jsonb, and jsonb || 'literal' (an untyped literal is read as jsonb there): JSON concatenation
            sides = (node.this, node.expression)
            return json_cast(call("pg_jsonb_concat", *[s if scope.is_json(s) else json_cast(s) for s in sides]))
        sides = [
            json_text(s, scope) if scope.is_json(s) else call("pg_interval_out", s) if is_interval(s, scope)
            else record_text(s, scope) if is_row(s)
            else time_text(s) if is_date(s) or is_timestamptz(s, scope) or _is_timestamp_without_zone(s)
            else number_text(s, scope) or s
            for s in (node.this, node.expression)
        ]
        if sides != [node.this, node.expression]:
            return exp.DPipe(this=sides[0], expression=sides[1])
    comparisons = (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
    if isinstance(node, comparisons) and _jsonb_operands(sides := [node.this, node.expression], scope):
        # compared by value: numbers as numbers ('1.0'::jsonb = '1'::jsonb), keys in jsonb's order; <, > in jsonb's
        # btree order ('10' > '9', an array of fewer elements first), not as DuckDB compares JSON (its text)
        key = "pg_jsonb_eq_key" if isinstance(node, comparisons[:4]) else "pg_jsonb_sort_key"
        keys = [call(key, _as_jsonb(s, scope)) for s in sides]
        return type(node)(this=keys[0], expression=keys[1])
    if isinstance(node, exp.In) and node.expressions and _jsonb_operands([node.this, *node.expressions], scope):
        replacement = node.copy()
        replacement.set("this", call("pg_jsonb_eq_key", _as_jsonb(node.this, scope)))
        replacement.set("expressions", [call("pg_jsonb_eq_key", _as_jsonb(e, scope)) for e in node.expressions])
        return replacement
    if isinstance(node, (exp.Greatest, exp.Least)) and _jsonb_operands([node.this, *node.expressions], scope):
        macro = "pg_jsonb_greatest" if isinstance(node, exp.Greatest) else "pg_jsonb_least"
        return json_cast(call(macro, exp.Array(expressions=[_as_jsonb(a, scope) for a in [node.this, *node.expressions]])))
    if isinstance(node, exp.Div) and scope.is_int(node.this) and scope.is_int(node.expression):
        return exp.IntDiv(this=node.this, expression=node.expression)
    if isinstance(node, (exp.Corr, exp.RegrSlope, exp.Window, exp.Filter)) and not node.meta.get("pg_no_nan") and (
            isinstance(node, (exp.Corr, exp.RegrSlope)) and not isinstance(node.parent, (exp.Window, exp.Filter))
            or isinstance(node, (exp.Window, exp.Filter)) and isinstance(node.this, (exp.Corr, exp.RegrSlope))):
        # NULL in Postgres where a variance is 0 (a constant, one row); NaN in DuckDB
        node.meta["pg_no_nan"] = True
        return exp.Nullif(this=node, expression=exp.cast(string("NaN"), exp.DataType.build("DOUBLE")))
    if isinstance(node, exp.Sum) and _is_real(node) and not node.meta.get("pg_real_sum"):
        # sum(real) is a real in Postgres (DuckDB sums a FLOAT as a DOUBLE)
        node.meta["pg_real_sum"] = True
        return exp.cast(node, exp.DataType.build("FLOAT"))
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)) and _mixes_real(node):
        # Postgres has real arithmetic with reals only: a real with an integer or a numeric is a double precision
        # (DuckDB keeps FLOAT), the real widened first (0.1::real * 2 is 0.20000000298023224)
        return type(node)(**{k: exp.cast(side, exp.DataType.build("DOUBLE")) if _is_real(side) else side
                             for k, side in (("this", node.this), ("expression", node.expression))})
    if isinstance(node, exp.Ordered):
        value, reference = ordered_value(node)
        if scope.is_json(value) or _defined_as_json(value, scope):
            # jsonb sorts by type, size and value in Postgres (DuckDB would sort JSON as text)
            return exp.Ordered(this=call("pg_jsonb_sort_key", reference), desc=node.args.get("desc"),
                               nulls_first=node.args.get("nulls_first"))
    return node


def _is_real(node: exp.Expr) -> bool:
    """Whether ``node`` is a Postgres ``real`` (float4): a cast to it, its negation, absolute value, ``max``, ``min``
    or ``sum``, arithmetic of two reals."""
    while isinstance(node, (exp.Paren, exp.Neg, exp.Abs, exp.Max, exp.Min, exp.Sum, exp.Window, exp.Filter)):
        node = node.this
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.FLOAT
    return isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)) and not _mixes_real(node) and (
        _is_real(node.this) or _is_real(node.expression))


def _mixes_real(node: exp.Expr) -> bool:
    """Whether arithmetic ``node`` has a real on one side and a typed non-real on the other (a quoted literal or
    NULL is read as a real there)."""
    sides = (node.this, node.expression)
    reals = [_is_real(side) for side in sides]
    untyped = [isinstance(side, exp.Null) or isinstance(side, exp.Literal) and side.is_string for side in sides]
    return any(reals) and not all(r or u for r, u in zip(reals, untyped))


def _defined_as_json(node: exp.Expr, scope: Scope, depth: int = 0) -> bool:
    """Whether ``node`` is a column of a CTE or FROM subquery whose select item is jsonb (``with t as (select
    attached_policy_arns as arns ...) ... order by arns``)."""
    if not isinstance(node, exp.Column) or scope.column_type(node) is not None or depth > 8:
        return False
    items = _defining_items(node)
    return bool(items) and all(scope.is_json(i) or _defined_as_json(i, scope, depth + 1) for i in items)


def _jsonb_operands(operands: list[exp.Expr], scope: Scope) -> bool:
    """Whether a comparison of ``operands`` compares jsonb values: one is jsonb, the others jsonb or untyped
    literals (read as jsonb there)."""
    return any(scope.is_json(o) for o in operands) and all(
        scope.is_json(o) or isinstance(o, exp.Null) or (isinstance(o, exp.Literal) and o.is_string) for o in operands)


def _as_jsonb(operand: exp.Expr, scope: Scope) -> exp.Expr:
    return operand if scope.is_json(operand) else exp.cast(operand, exp.DataType.build("JSON"))


def ordered_value(node: exp.Ordered) -> tuple[exp.Expr, exp.Expr]:
    """(what an ORDER BY item sorts by, how to refer to it): its expression, or the select item it names by
    position (``order by 1``, then referred to by its output name) or by alias."""
    select = node.parent.parent if isinstance(node.parent, exp.Order) else None
    while isinstance(select, (exp.Union, exp.Intersect, exp.Except)):
        select = select.this
    target = node.this
    if not isinstance(select, exp.Select):
        return target, target
    if isinstance(target, exp.Literal) and not target.is_string and re.fullmatch(r"\d+", target.this):
        position = int(target.this) - 1
        if 0 <= position < len(select.expressions):
            item = select.expressions[position]
            if isinstance(item, exp.Alias):
                return item.this, exp.column(item.alias, quoted=True)
            return item, item.copy()
    if isinstance(target, exp.Column) and not target.table:
        for item in select.expressions:
            if isinstance(item, exp.Alias) and item.alias == target.name:
                return item.this, target
    return target, target


def json_cast(node: exp.Expr) -> exp.Expr:
    return exp.cast(node, exp.DataType.build("JSON"))


def text_array_argument(node: exp.Expr) -> exp.Expr:
    """A ``text[]`` argument: a literal ``'{a,0}'`` (also cast) as an array of its elements, else as it is."""
    literal = node.this if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.ARRAY else node
    return array_literal(literal.this) if isinstance(literal, exp.Literal) and literal.is_string else node


def jsonb_path_change(name: str, args: list[exp.Expr], scope: Scope) -> exp.Expr:
    """``jsonb_set(target, path, value[, create])``, ``jsonb_insert(target, path, value[, after])``: the Python
    functions of ``pgfunctions`` (PostgreSQL's setPath)."""
    if len(args) not in (3, 4):
        raise QueryError(f"function {name}() takes 3 or 4 arguments, got {len(args)}")
    flag = args[3] if len(args) == 4 else exp.Boolean(this=name == "jsonb_set")
    return json_cast(call(f"pg_{name}", args[0], text_array_argument(args[1]), _as_jsonb(args[2], scope), flag))


def jsonb_delete(value: exp.Expr, operand: exp.Expr, scope: Scope) -> exp.Expr:
    """``jsonb - key``, ``jsonb - integer`` (an array index), ``jsonb - text[]`` (several keys)."""
    if scope.is_int(operand):
        return json_cast(call("pg_jsonb_delete_index", value, operand))
    if is_array(operand):
        if isinstance(operand, exp.Cast) and isinstance(operand.this, exp.Literal) and operand.this.is_string:
            operand = array_literal(operand.this.this)
        return json_cast(call("pg_jsonb_delete_keys", value, operand))
    return json_cast(call("pg_jsonb_delete_key", value, operand))


NUMERIC_TYPES = {exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL}
FLOAT_TYPES = {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT}


# Postgres functions of double precision (``random()``, ``pi()``, ``power(2, 10)``, ``sqrt(x)``, ...); those of
# NUMERIC_OVERLOADS are numeric instead when an argument is a numeric (``sqrt(2.0)``), and ``log(b, x)`` always is.
FLOAT_FUNCTIONS = {"sqrt", "cbrt", "exp", "ln", "log", "log10", "power", "pow", "pi", "random", "rand", "degrees",
                   "radians", "sin", "cos", "tan", "cot", "asin", "acos", "atan", "atan2", "percent_rank", "cume_dist"}
NUMERIC_OVERLOADS = {"sqrt", "exp", "ln", "log", "log10", "power", "pow"}
# Functions whose numeric result has its argument's scale (``abs(-1.50)`` is ``1.50``).
SCALE_KEEPING = (exp.Abs, exp.Sum, exp.Max, exp.Min)
# extract() fields with a fractional part: the scale of Postgres's numeric result (every other field's is 0).
EXTRACT_SCALES = {"epoch": 6, "second": 6, "seconds": 6, "sec": 6, "secs": 6, "millisecond": 3, "milliseconds": 3,
                  "ms": 3, "msec": 3, "msecs": 3, "julian": None}


def _math_args(node: exp.Expr) -> list[exp.Expr]:
    return [a for a in (node.args.get("this"), node.args.get("expression"), *node.expressions) if isinstance(a, exp.Expr)]


def _numeric_math(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is one of Postgres's math functions taken in its numeric version."""
    name = func_name(node)
    if name not in NUMERIC_OVERLOADS:
        return False
    args = _math_args(node)
    if name == "log" and len(args) == 2:
        return True  # log(b, x) has only a numeric version
    # with a double among the arguments, Postgres takes the double version (2::float8 ^ 0.5 is a double)
    return any(is_numeric(a, scope) for a in args) and not any(_is_float(a, scope) for a in args)


def _branches(node: exp.Expr) -> list[exp.Expr] | None:
    """The values ``coalesce``, ``greatest``, ``least``, ``nullif`` or ``case`` can return (NULLs left out), else
    None."""
    if isinstance(node, (exp.Coalesce, exp.Greatest, exp.Least)):
        values = [node.this, *node.expressions]
    elif isinstance(node, exp.Nullif):
        values = [node.this]
    elif isinstance(node, exp.Case):
        values = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
    else:
        return None
    return [v for v in values if isinstance(v, exp.Expr) and not isinstance(v, exp.Null)]


def picked_value(node: exp.Expr) -> exp.Expr | None:
    """The ordered value of ``percentile_disc(fraction)`` or ``mode()`` ``within group (order by value)``, whose result
    is one of those values (of its type and decimals); None for anything else."""
    if not isinstance(node, exp.WithinGroup) or not (isinstance(node.this, exp.Mode) or isinstance(
            node.this, exp.PercentileDisc) and not isinstance(node.this.this, exp.Array)):
        return None
    keys = node.expression.expressions if isinstance(node.expression, exp.Order) else []
    return keys[0].this if len(keys) == 1 and isinstance(keys[0], exp.Ordered) else None


def is_numeric(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is a ``numeric`` in Postgres that DuckDB computes as a double: a ``::numeric`` cast (which
    becomes DOUBLE), ``avg``, ``extract``, math in its numeric version, and arithmetic on them or on a decimal
    literal without a float."""
    if node.meta.get("pg_scale") is not None or func_name(node) in ("trim_scale", "pg_trim_scale") or NUMERIC_TEXT_KEY in node.meta:
        return True
    if isinstance(node, exp.Column):
        return bool(scope.of_derived(node, lambda item, scope: _numeric_set_column(items, scope) if (
            items := set_items(item)) else is_numeric(item, scope)))
    if (item := scalar_item(node)) is not None:
        return is_numeric(item, scope)
    if (picked := picked_value(node)) is not None:
        return is_numeric(picked, scope)
    if isinstance(node, (exp.Paren, exp.Neg)):
        return is_numeric(node.this, scope)
    if isinstance(node, exp.Cast):
        return node.to.this in NUMERIC_TYPES and not node.to.expressions
    if isinstance(node, exp.Literal):
        return not node.is_string and not re.fullmatch(r"\d+", node.this)
    if isinstance(node, exp.Extract):
        return func_name(node) == "extract"
    if isinstance(node, (exp.Avg, exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop)):
        return not _is_float(node.this, scope)  # numerics of integers and numerics, with as many decimals as needed
    if isinstance(node, exp.Sum) and scope.is_int(node.this) and not scope.is_int4(node.this):
        return True  # sum(bigint) is a numeric
    if isinstance(node, (*SCALE_KEEPING, exp.Ceil, exp.Floor, exp.Sign, exp.Window, exp.Filter)):
        return is_numeric(node.this, scope)
    if _numeric_math(node, scope):
        return True
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
        sides = (node.this, node.expression)
        return any(is_numeric(side, scope) for side in sides) and not any(_is_float(side, scope) for side in sides)
    branches = _branches(node)
    if branches:
        # integers and numerics together are numerics in Postgres, with a double they are doubles
        return any(is_numeric(b, scope) for b in branches) and not any(_is_float(b, scope) for b in branches)
    return False


def _is_float(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is a Postgres double precision: a cast, a double column, ``date_part``, ``random()`` and the
    math functions in their double version, arithmetic on one."""
    if node.meta.get("pg_float"):
        return True
    if (item := scalar_item(node)) is not None:
        return _is_float(item, scope)
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _is_float(node.this, scope)
    if isinstance(node, exp.Cast):
        return node.to.this in FLOAT_TYPES and node.meta.get("pg_scale") is None
    if isinstance(node, exp.Extract):
        return func_name(node) == "date_part"
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        return _is_float(node.this, scope) or _is_float(node.expression, scope)
    if _rounded_integer(node, scope):
        return True
    if isinstance(node, (*SCALE_KEEPING, exp.Ceil, exp.Floor, exp.Sign, exp.Round, exp.Trunc, exp.Window, exp.Filter)):
        return _is_float(node.this, scope)
    if isinstance(node, (exp.Avg, exp.Stddev, exp.StddevPop, exp.StddevSamp, exp.Variance, exp.VariancePop)):
        return _is_float(node.this, scope)
    if isinstance(node, exp.WithinGroup):
        return isinstance(node.this, exp.PercentileCont)
    if func_name(node) in FLOAT_FUNCTIONS:
        return not _numeric_math(node, scope)
    if branches := _branches(node):
        return any(_is_float(b, scope) for b in branches)
    if isinstance(node, exp.Column) and scope.column_type(node) is None and (values := values_column(node)):
        return any(_is_float(v, scope) for v in values)  # a column of a VALUES list holding a double
    if isinstance(node, exp.Column):
        return scope.column_type(node) == "DOUBLE" or bool(scope.of_derived(node, lambda item, scope: any(
            _is_float(i, scope) for i in set_items(item) or [item])))
    return False


ROUNDING = (exp.Round, exp.Trunc, exp.Ceil, exp.Floor, exp.Sign)


def _rounded_integer(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is ``round``, ``trunc``, ``ceil``, ``floor`` or ``sign`` of an integer without decimals:
    Postgres has them for numerics and doubles only and reads the integer as a double precision."""
    return isinstance(node, ROUNDING) and node.args.get("decimals") is None and scope.is_int(node.this)


def _literal_scale(text: str) -> int | None:
    """The decimals of the numeric Postgres reads from the number ``text`` (``1.50``: 2, ``1.5e-3``: 4, ``1E+2``:
    0), None when it is not a plain number."""
    digits = re.fullmatch(r"[-+]?\d*\.?(\d*)(?:[eE]([-+]?\d+))?", text)
    return max(len(digits.group(1)) - int(digits.group(2) or 0), 0) if digits and re.search(r"\d", text) else None


def numeric_scale(node: exp.Expr, scope: Scope) -> int | None:
    """The number of decimals Postgres's text of the numeric ``node`` shows, when the query alone decides it: a
    literal's, a cast's, ``extract``'s (6 for epoch and seconds), the larger one of a sum, both together of a
    product; None when it depends on the values (a division, ``avg``, a cast of text)."""
    if node.meta.get("pg_scale") is not None:
        return node.meta["pg_scale"]
    if (item := scalar_item(node)) is not None:
        return numeric_scale(item, scope)
    if (picked := picked_value(node)) is not None:
        return numeric_scale(picked, scope)
    if isinstance(node, (exp.Paren, exp.Neg, exp.Window, exp.Filter, *SCALE_KEEPING)):
        return numeric_scale(node.this, scope)
    if scope.is_int(node):
        return 0
    if isinstance(node, exp.Column):
        # a column of a subquery or CTE has its item's decimals (the items of a set operation, each its own)
        return None if NUMERIC_TEXT_KEY in node.meta else scope.of_derived(
            node, lambda item, scope: None if _branch_of_set_operation(item) else numeric_scale(item, scope))
    if isinstance(node, exp.Literal) and not node.is_string:
        return _literal_scale(node.this)
    if isinstance(node, exp.Cast) and node.to.this in NUMERIC_TYPES:
        params = node.to.expressions
        if len(params) == 2:
            return int(params[1].this.this)
        if len(params) == 1:
            return 0
        if isinstance(node.this, exp.Literal) and node.this.is_string:
            return _literal_scale(node.this.this.strip())  # '3.50'::numeric
        if isinstance(node.this, exp.Sum) and scope.is_int(node.this.this):
            return 0  # sum(bigint)::numeric
        return numeric_scale(node.this, scope) if is_numeric(node.this, scope) or scope.is_int(node.this) else None
    if isinstance(node, exp.Extract):
        field = node.this.name.lower()
        return 0 if is_date(node.expression) else EXTRACT_SCALES.get(field, 0)
    if isinstance(node, (exp.Ceil, exp.Floor, exp.Sign)):
        return 0
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Mod)):
        left, right = numeric_scale(node.this, scope), numeric_scale(node.expression, scope)
        if left is None or right is None:
            return None
        return left + right if isinstance(node, exp.Mul) else max(left, right)
    if branches := _branches(node):
        # the value returned keeps its own scale: known only when every value that can be returned has the same
        scales = {numeric_scale(b, scope) for b in branches}
        return scales.pop() if len(scales) == 1 else None
    return None


VARIANCES = (exp.Stddev, exp.StddevSamp, exp.StddevPop, exp.Variance, exp.VariancePop)


def variance_text(node: exp.Expr, where: exp.Expr | None = None) -> exp.Expr:
    """The text of ``stddev``, ``variance`` and their ``_samp``/``_pop`` forms of integers, with the decimals
    Postgres's numeric gives them (``0.70710678118654752440``): computed from the exact count, sum and sum of
    squares (``pgfunctions.numeric_variance``), each over the rows of ``where`` (the aggregate's FILTER) when given."""
    value = exp.cast(node.this.copy(), exp.DataType.build("HUGEINT"))
    text = exp.DataType.build("VARCHAR")
    sample = not isinstance(node, (exp.StddevPop, exp.VariancePop))

    def filtered(aggregate: exp.Expr) -> exp.Expr:
        return aggregate if where is None else exp.Filter(this=aggregate, expression=where.copy())

    count = filtered(exp.Count(this=node.this.copy()))
    computed = call("pg_numeric_variance", count, exp.cast(filtered(exp.Sum(this=value)), text),
                    exp.cast(filtered(exp.Sum(this=exp.Mul(this=value.copy(), expression=value.copy()))), text),
                    exp.Boolean(this=sample), exp.Boolean(this=isinstance(node, (exp.Stddev, exp.StddevSamp, exp.StddevPop))))
    # NULL for no value (for one, of a sample), as in Postgres
    return exp.Case().when(exp.GT(this=count.copy(), expression=exp.Literal.number(int(sample))), computed)


def _decimals_differ(values: list[exp.Expr], scope: Scope) -> bool:
    """Whether a set operation's column of ``values`` (its NULLs left out) holds numerics (or integers) with
    different or value-dependent numbers of decimals, which the output's one DECIMAL would not keep."""
    if not _numeric_set_column(values, scope):
        return False
    return not (len({0 if scope.is_int(v) else numeric_scale(v, scope) for v in values}) == 1 and None not in {
        numeric_scale(v, scope) for v in values if not scope.is_int(v)})


def _numeric_set_column(values: list[exp.Expr], scope: Scope) -> bool:
    """Whether a set operation's column of ``values`` (its NULLs left out) is a Postgres numeric: a numeric among
    them, no double, the others integers."""
    return any(is_numeric(v, scope) for v in values) and not any(_is_float(v, scope) for v in values) and all(
        scope.is_int(v) or is_numeric(v, scope) for v in values)


def _numeric_operand_text(node: exp.Expr, scope: Scope) -> exp.Expr | None:
    """``node`` as numeric text with the decimals Postgres gives it (``150.0``), when the query decides them: an
    integer's digits, a numeric's known scale, a division's or ``avg``'s text; else None."""
    if isinstance(node, exp.Literal) and node.is_string:  # read as a numeric where it meets one ('0')
        return call("pg_numeric_op", string("+"), node.copy(), string("0"))
    total = node
    while isinstance(total, (exp.Window, exp.Filter)):
        total = total.this
    if scope.is_int(node) or (isinstance(total, exp.Sum) and scope.is_int(total.this)):  # a sum of bigints too
        return exp.cast(node.copy(), exp.DataType.build("VARCHAR"))
    if isinstance(total, exp.Sum) and isinstance(total.this, exp.Distinct) and len(total.this.expressions) == 1:
        # sum(distinct x) (of avg(distinct x)): the sum's digits for integers, x's known decimals for numerics
        value = total.this.expressions[0]
        if scope.is_int(value):
            return exp.cast(node.copy(), exp.DataType.build("VARCHAR"))
        if not is_numeric(value, scope) or _is_float(value, scope) or (scale := numeric_scale(value, scope)) is None:
            return None
        decimal = exp.Cast(this=node.copy(), to=exp.DataType.build(f"DECIMAL(38, {scale})"))
        return exp.cast(decimal, exp.DataType.build("VARCHAR"))
    if not is_numeric(node, scope) or _is_float(node, scope):
        return None
    if (scale := numeric_scale(node, scope)) is None:
        return numeric_value_text(node, scope)  # avg(x) / 60: the quotient as Postgres rounds it
    if isinstance(node, exp.Literal):
        return string(node.this)  # as written: 1e28 is exact, a DECIMAL of the double 1e28 would not be
    decimal = exp.Cast(this=node.copy(), to=exp.DataType.build(f"DECIMAL(38, {scale})"))  # a cast of its own
    return exp.cast(decimal, exp.DataType.build("VARCHAR"))


NUMERIC_OPERATORS = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%"}


def _branch_texts(node: exp.Case | exp.Coalesce, scope: Scope) -> exp.Expr | None:
    """A numeric ``case`` or ``coalesce`` whose values have different decimals (``case when c then '0' else
    extract(epoch from t) end``, ``coalesce(avg(x), 0)``) as the same choice between their texts: each value keeps
    its own decimals in Postgres."""
    if not is_numeric(node, scope) or _is_float(node, scope):
        return None
    choice = node.copy()
    values = ([(i, "true") for i in choice.args.get("ifs") or []] + [(choice, "default")] if isinstance(choice, exp.Case)
              else [(choice, "this")] + [(choice, i) for i in range(len(choice.expressions))])
    for holder, key in values:
        value = holder.expressions[key] if isinstance(key, int) else holder.args.get(key)
        if value is None or isinstance(value, exp.Null):
            continue
        if (text := _numeric_operand_text(value, scope)) is None:
            return None
        value.replace(text)
    return choice


def _extreme_text(node: exp.Greatest | exp.Least, scope: Scope) -> exp.Expr | None:
    """A numeric ``greatest`` or ``least`` whose values have different decimals (``greatest(n, 1.5)``) as the text
    of the value it returns, the first one equal to the result: it keeps its own decimals in Postgres (``2``)."""
    if not is_numeric(node, scope) or _is_float(node, scope):
        return None
    values = _branches(node)
    texts = [_numeric_operand_text(value, scope) for value in values]
    if None in texts:
        return None
    choice = exp.Case()
    for value, text in zip(values, texts):
        choice = choice.when(exp.EQ(this=value.copy(), expression=node.copy()), text)
    return choice


def numeric_value_text(node: exp.Expr, scope: Scope) -> exp.Expr | None:
    """The text of a numeric whose decimals depend on the values, as Postgres writes it: a division or ``avg``
    (also with ``filter`` or ``over``; ``avg`` of 1, 2: ``1.5000000000000000``; 1 / 3.0:
    ``0.33333333333333333333``), arithmetic on one (``a / b * 100``, ``-x``, ``abs(x)``): ``pg_numeric_op`` of the two sides'
    text (of the sum and the count for ``avg``); text or jsonb read as a numeric (``'2.50'::numeric``); ``stddev``
    and ``variance`` of integers (``variance_text``). None for another ``node`` or when a side's text is not
    known."""
    if isinstance(node, exp.Paren):
        return numeric_value_text(node.this, scope)
    if NUMERIC_TEXT_KEY in node.meta:  # a column of a source carrying its text, an unnest of numeric literals
        return node.meta[NUMERIC_TEXT_KEY].copy()
    if isinstance(node, exp.Column):
        return None
    if isinstance(node, (exp.Max, exp.Min)) and (text := numeric_value_text(node.this, scope)) is not None:
        # the text of the row holding the largest (smallest) value
        return call("arg_max" if isinstance(node, exp.Max) else "arg_min", text, node.this.copy())
    if (item := scalar_item(node)) is not None:
        if (text := numeric_value_text(item, scope)) is None:
            return None
        subquery = node.copy()  # (select avg(x) from t): the same subquery selecting the text
        subquery.this.expressions[0].replace(text)
        return subquery
    if isinstance(node, VARIANCES) and scope.is_int(node.this):
        return variance_text(node)
    if isinstance(node, exp.Filter) and isinstance(node.this, VARIANCES) and scope.is_int(node.this.this):
        return variance_text(node.this, node.expression)
    if (total := _sum_of(node)) is not None:
        # the exact sum of each value's text (also with ``filter`` or ``over``: the same around the list of them)
        if (text := _numeric_operand_text(total.this, scope)) is None:
            return None
        listed = node.copy()
        inner = listed if isinstance(listed, exp.Sum) else listed.find(exp.Sum)
        texts = call("list", text)
        listed = texts if inner is listed else (inner.replace(texts) and listed)
        return call("pg_numeric_sum", listed)
    if isinstance(node, exp.Extract) and node.this.name.lower() == "julian" and not is_date(node.expression):
        # the day's number plus the fraction of the day, a numeric division of microseconds
        text = exp.DataType.build("VARCHAR")
        fraction = call("pg_numeric_op", string("/"), exp.cast(call("pg_day_micros", node.expression.copy()), text),
                        string("86400000000"))
        return call("pg_numeric_op", string("+"), exp.cast(call("pg_julian_day", node.expression.copy()), text), fraction)
    if isinstance(node, exp.Case) and (checked := node.args.get("default")) is not None and checked.meta.get(
            "pg_domain_checked"):
        return numeric_value_text(checked, scope)  # sqrt(x) with its domain check: pg_numeric_op checks it too
    if func_name(node) == "trim_scale" and len(_math_args(node)) == 1 and (
            text := _numeric_operand_text(_math_args(node)[0], scope)) is not None:
        return call("pg_trim_scale_text", text)
    if isinstance(node, (exp.Case, exp.Coalesce)):
        return _branch_texts(node, scope)
    if isinstance(node, (exp.Greatest, exp.Least)):
        return _extreme_text(node, scope)
    if isinstance(node, (exp.Neg, exp.Abs)):
        operator, sides = "-" if isinstance(node, exp.Neg) else "abs", [exp.Literal.number(0), node.this]
    elif isinstance(node, exp.Cast) and node.to.this in NUMERIC_TYPES and not node.to.expressions and (
            is_text(node.this, scope) or scope.is_json(node.this)):
        # text or a jsonb number read as a numeric keeps the decimals it is written with ('2.50'::numeric)
        text = exp.cast(node.this.copy(), exp.DataType.build("TEXT"))
        return call("pg_numeric_op", string("+"), text, string("0"))
    elif type(node) in NUMERIC_OPERATORS:
        if not is_numeric(node, scope) or _is_float(node, scope):
            return None
        operator, sides = NUMERIC_OPERATORS[type(node)], [node.this, node.expression]
    elif _numeric_math(node, scope):
        # sqrt(2.0) is 1.414213562373095, power(2.0, 3) 8.0000000000000000: numeric.c's decimals for the value
        operator, sides = func_name(node), _math_args(node)
        if operator in ("log", "log10") and len(sides) == 1:
            operator, sides = "log", [exp.Literal.number(10), *sides]
        elif operator not in ("log", "log10", "power", "pow"):
            sides = [exp.Literal.number(0), *sides]
        operator = {"pow": "power", "log10": "log"}.get(operator, operator)
    else:
        average = node
        while isinstance(average, (exp.Window, exp.Filter)):
            average = average.this
        if not isinstance(average, exp.Avg):
            return None
        operator, sides = "/", []
        for total in (exp.Sum, exp.Count):  # the same filter and window around the sum and the count
            side = node.copy()
            inner = side.find(exp.Avg)
            replaced = total(this=inner.this)
            side = replaced if inner is side else (inner.replace(replaced) and side)
            side.parent = node.parent  # not in the tree, but its columns find their SELECT (a CTE's column: a type)
            sides.append(side)
    texts = [_numeric_operand_text(side, scope) for side in sides]
    if None in texts:
        return None
    return call("pg_numeric_op", string(operator), *texts)


def _sum_of(node: exp.Expr) -> exp.Sum | None:
    """The ``sum(x)`` that ``node`` is, also with ``filter`` or ``over``; None for ``sum(distinct x)``."""
    while isinstance(node, (exp.Window, exp.Filter)):
        node = node.this
    return node if isinstance(node, exp.Sum) and not isinstance(node.this, exp.Distinct) else None


def number_text(node: exp.Expr, scope: Scope) -> exp.Expr | None:
    """``node`` written as Postgres writes a number as text, when DuckDB would write it otherwise: a double as
    its shortest text (``1024``, not ``1024.0``; ``1.5e+15``), a numeric with its scale (``extract(epoch ...)`` as
    ``1362633288.000000``). None when ``node`` needs nothing. A numeric whose scale depends on the values is
    reported: its text has digits a double does not hold."""
    if _is_float(node, scope):
        return call("pg_float8_out", node)
    if not is_numeric(node, scope):
        return None
    scale = numeric_scale(node, scope)
    if scale is None and (quotient := numeric_value_text(node, scope)) is not None:
        return quotient
    if scale is None:
        raise UnsupportedFeature(
            "unsupported Postgres feature: the text of a numeric whose number of decimals depends on its value "
            "(a value of a subquery, CTE or VALUES list whose "
            "type is not known): round(x, n) it first")
    # a cast of its own: exp.cast would keep a cast to numeric as it is, taking it for the same type
    return exp.Cast(this=node, to=exp.DataType.build(f"DECIMAL(38, {scale})"))


def numeric_scale_function(name: str, value: exp.Expr, scope: Scope) -> exp.Expr:
    """``scale(x)`` (the decimals of x's text), ``min_scale(x)`` (the fewest that keep its value) and
    ``trim_scale(x)`` (x without its trailing zeros), where the query decides x's scale (a numeric here is a DOUBLE
    without one); refused where it depends on the values (a division, ``avg()``, a cast of text)."""
    if isinstance(value, exp.Null) or isinstance(value, exp.Cast) and isinstance(value.this, exp.Null):
        return exp.Null()
    scale = 0 if scope.is_int(value) else numeric_scale(value, scope) if is_numeric(value, scope) else None
    if scale is None and name == "trim_scale" and isinstance(value, exp.Literal) and not value.is_string:
        scale = numeric_scale(value, scope)
    if scale is None:
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}() of a number whose decimals are not known from "
                                 "the query (a division, avg(), a cast of text, a float): round(x, n) it first")
    if name == "trim_scale":
        if isinstance(value, exp.Literal):
            text = value.this.rstrip("0").rstrip(".") if "." in value.this else value.this
            decimals = len(text.partition(".")[2])
            return exp.cast(exp.Literal.number(text or "0"), exp.DataType.build(f"DECIMAL(38, {decimals})"))
        # the same value as a double, written with the digits it needs; as text its decimals depend on the value
        # (number_text refuses)
        return call("pg_trim_scale", value)
    decimals = call("length", call("rtrim", call("split_part", exp.cast(exp.cast(
        value, exp.DataType.build(f"DECIMAL(38, {scale})")), exp.DataType.build("VARCHAR")), string("."),
        exp.Literal.number(2)), string("0")))
    result = decimals if name == "min_scale" else exp.Literal.number(scale)
    return exp.Case().when(exp.Is(this=value.copy(), expression=exp.Null()), exp.Null()).else_(
        exp.cast(result, exp.DataType.build("INTEGER")))


def rounded_numeric(node: exp.Round | exp.Trunc | exp.Ceil | exp.Floor, scope: Scope) -> exp.Expr:
    """``round(x, n)`` and ``trunc(x, n)`` are numerics with exactly ``n`` decimals in Postgres (``round(5, 2)``
    is ``5.00``), ``round(x)``, ``trunc(x)``, ``ceil(x)`` and ``floor(x)`` of a numeric have none: a DECIMAL of that
    scale, so DuckDB writes them the same way (a double would print ``5.0``)."""
    decimals = node.args.get("decimals")
    if decimals is None:
        if not is_numeric(node.this, scope) or _is_float(node.this, scope):
            return node
        scale = 0
    elif isinstance(decimals, exp.Literal) and not decimals.is_string and re.fullmatch(r"\d+", decimals.this):
        scale = int(decimals.this)
    elif isinstance(decimals, exp.Neg) and isinstance(decimals.this, exp.Literal) and not decimals.this.is_string:
        scale = 0
    else:
        return node
    if scale > 38:
        return node
    inner = node.this
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Cast) and inner.to.this in NUMERIC_TYPES and not inner.to.expressions and _is_float(
            inner.this, scope):
        # a double cast to numeric is its 15 significant digits in Postgres (1.005, not 1.00499999999999989...):
        # rounded or cut as that decimal (from 1e15 up the digits hold no fraction and the double is the same)
        value = inner.this
        exact, binary = node.copy(), node.copy()
        exact.set("this", call("pg_float8_dec", value.copy()))
        binary.set("this", value.copy())
        exact.meta["pg_rounded"] = binary.meta["pg_rounded"] = True
        small = exp.LT(this=exp.Abs(this=value.copy()), expression=exp.Literal.number("1e15"))
        node = exp.Case().when(small, exact).else_(binary)
    return exp.cast(node, exp.DataType.build(f"DECIMAL(38, {scale})"), copy=False)  # ``node`` inside: rewritten once


ARRAY_FUNCTIONS = {
    "array_agg",
    "trim_array",
    "array_fill",
    "string_to_array",
    "regexp_split_to_array",
    "array_append",
    "array_prepend",
    "array_cat",
    "array_remove",
    "array_replace",
    "array_positions",
}


def is_array(node: exp.Expr) -> bool:
    """Whether ``node`` is known to be a Postgres array (``ARRAY[...]``, ``array_agg``, ``string_to_array``, ...)."""
    if isinstance(node, (exp.Paren, exp.Window, exp.Filter)):
        return is_array(node.this)
    if isinstance(node, (exp.Array, exp.ArrayAgg, exp.StringToArray)) or node.meta.get("pg_array"):
        return True
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.ARRAY
    return func_name(node) in ARRAY_FUNCTIONS


TEXT_FUNCTIONS = (exp.JSONExtractScalar, exp.JSONBExtractScalar, exp.DPipe, exp.Concat, exp.ConcatWs, exp.Substring,
                  exp.SplitPart, exp.Lower, exp.Upper, exp.Trim, exp.Left, exp.Right, exp.RegexpReplace,
                  exp.RegexpExtract, exp.Initcap, exp.Pad, exp.Replace)
PG_INT_NAMES = {exp.DataType.Type.SMALLINT: "smallint", exp.DataType.Type.INT: "integer",
                exp.DataType.Type.BIGINT: "bigint"}


def is_text(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is known to be text in the Postgres query (a string literal, a text column, ``->>``, a
    cast to text, the result of a string function)."""
    if isinstance(node, exp.Paren):
        return is_text(node.this, scope)
    if isinstance(node, exp.Literal):
        return node.is_string
    if isinstance(node, exp.ByteString):
        return True  # an escape string, E'...'
    if isinstance(node, exp.Cast):
        return node.to.this in TEXT_TYPES
    if isinstance(node, exp.Column) and scope.column_type(node) is None and (values := values_column(node)):
        # a column of a VALUES list of text (string literals are text there, as Postgres resolves them)
        return all(is_text(v, scope) or isinstance(v, exp.Null) for v in values) and not all(
            isinstance(v, exp.Null) for v in values)
    if isinstance(node, exp.Column):
        return scope.column_type(node) == "VARCHAR" or bool(scope.of_derived(node, is_text))
    if isinstance(node, exp.Coalesce):
        return all(is_text(a, scope) or isinstance(a, exp.Null) for a in [node.this, *node.expressions])
    return isinstance(node, TEXT_FUNCTIONS) or func_name(node) in (
        "split_part", "btrim", "ltrim", "rtrim", "lpad", "rpad", "replace", "substr", "translate", "pg_lpad", "pg_rpad",
        "quote_ident", "pg_quote_ident", "array_dims", "pg_array_dims", "pg_upper")


BYTEA_TYPES = {exp.DataType.Type.VARBINARY, exp.DataType.Type.BINARY, exp.DataType.Type.BLOB}


def is_bytea(node: exp.Expr) -> bool:
    """Whether ``node`` is a Postgres ``bytea`` (``sha256(...)``, ``decode(...)``, ``convert_to(...)``, a cast)."""
    if isinstance(node, exp.Paren):
        return is_bytea(node.this)
    if isinstance(node, exp.Cast):
        return node.to.this in BYTEA_TYPES
    if node.meta.get("pg_call") and func_name(node) in ("unhex", "from_base64", "encode"):
        return True  # decode(..., 'hex' | 'base64'), convert_to(..., 'UTF8') and a cast to bytea, translated
    return isinstance(node, (exp.SHA2Digest, exp.Decode)) or func_name(node) in ("convert_to", "sha256")


PG_TYPE_OF_CAST = {exp.DataType.Type.SMALLINT: "smallint", exp.DataType.Type.INT: "integer",
                   exp.DataType.Type.BIGINT: "bigint", exp.DataType.Type.DECIMAL: "numeric",
                   exp.DataType.Type.BIGDECIMAL: "numeric", exp.DataType.Type.DOUBLE: "double precision",
                   exp.DataType.Type.FLOAT: "real"}


def jsonb_literal(text: str) -> str:
    """A jsonb literal as Postgres stores it (``pgfunctions.jsonb_out``: a number written with an exponent as its
    numeric, ``1E+2`` as ``100``, which DuckDB would read as the double ``100.0``; the last of repeated keys), or
    as written when it is not JSON (DuckDB then refuses it)."""
    try:
        return pgfunctions.jsonb_out(text)
    except ValueError:
        return text


def rewrite_casts(node: exp.Expr, scope: Scope) -> exp.Expr:
    if is_jsonpath_cast(node):
        return node.this  # the path's text, which the jsonpath functions take
    if not isinstance(node, exp.Cast) or node.meta.get("pg_json_text"):
        return node
    target = node.to.this
    if target in INT_TYPES and is_numeric(node.this, scope):
        # Postgres rounds a numeric half away from zero (2.5 -> 3); DuckDB casts a double half to even (2.5 -> 2).
        # sqlglot's Round, not a bare call: every engine's round() rounds half away from zero too
        return exp.Cast(this=exp.Round(this=node.this), to=node.to)
    if target in PG_INT_NAMES and is_text(node.this, scope) and not func_name(node.this) == "pg_text_to_int":
        # Postgres reads only digits (with a sign and blanks around) as an integer: '12.5' and '1e3' are errors,
        # which DuckDB would round to 13 and read as 1000
        return exp.Cast(this=call("pg_text_to_int", node.this, string(PG_INT_NAMES[target])), to=node.to)
    if target in TEXT_TYPES and not node.to.expressions and scope.is_json(node.this):
        return json_text(node.this, scope)
    if target in TEXT_TYPES and not node.to.expressions and scope.is_array(node.this):
        return array_text(node.this, scope)
    if target in TEXT_TYPES and not node.to.expressions and is_row(node.this):
        return record_text(node.this, scope)
    if target in TEXT_TYPES and not node.to.expressions and is_bytea(node.this):
        # bytea's text is its hex with a leading \x, as Postgres writes it (DuckDB escapes the bytes)
        return call("concat", string("\\x"), call("lower", call("hex", node.this)))
    if target in TEXT_TYPES and not node.to.expressions and is_interval(node.this, scope):
        return call("pg_interval_out", node.this)
    if target in TEXT_TYPES and not node.to.expressions and (number := number_text(node.this, scope)) is not None:
        return exp.Cast(this=number, to=node.to)
    if target in TEXT_TYPES and not node.to.expressions and not node.meta.get("pg_time_text") and (
            is_date(node.this) or is_timestamptz(node.this, scope) or _is_timestamp_without_zone(node.this)):
        return time_text(node.this)
    if target in TEXT_TYPES and node.to.expressions:
        # an explicit cast to varchar(n) cuts the text to n characters in Postgres; DuckDB ignores the length
        length = node.to.expressions[0].this
        return exp.Left(this=exp.cast(node.this, exp.DataType.build("VARCHAR")), expression=length.copy())
    if target in (exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR, exp.DataType.Type.BPCHAR):
        raise UnsupportedFeature("unsupported Postgres feature: a cast to char(n) (blank-padded text)")
    if target in TIME_KINDS and not node.meta.get("pg_time_read") and is_text(node.this, scope) and not isinstance(
            node.this, exp.Literal):
        # Postgres reads other styles too (Java's "Jun 14, 2025 9:00:00 AM", as AWS writes CreateAccessKey's
        # createDate in CloudTrail; "20250615") and rounds a fraction beyond microseconds, where DuckDB's cast cuts
        # it, and reads a zone abbreviation at the end as its own fixed offset (PST is -08 in June, where DuckDB
        # reads Los Angeles's time): a text without such a fraction or a closing word is cast as it is, and where
        # DuckDB's cast cannot read it (or would read it otherwise), through pg_time_in; a text neither reads
        # fails in Postgres's words (NULL stays NULL)
        kind = {exp.DataType.Type.TIMESTAMPTZ: "timestamp with time zone"}.get(target, TIME_KINDS[target])
        cast_reads_it = exp.Not(this=call("regexp_matches", node.this.copy(),
                                          string(r"\.\d{7}|[A-Za-z]{2}([+-]\d\d?(:\d\d)?)?\s*$")))
        attempts = [exp.TryCast(this=node.this.copy(), to=node.to.copy()),
                    exp.TryCast(this=call("pg_time_in", node.this.copy(), string(TIME_KINDS[target])), to=node.to.copy())]
        for attempt in attempts:
            attempt.meta["pg_time_read"] = True
        message = exp.DPipe(this=exp.DPipe(this=string(f'invalid input syntax for type {kind}: "'),
                                           expression=node.this.copy()), expression=string('"'))
        first = exp.Case().when(cast_reads_it, attempts[0])
        return exp.Coalesce(this=first, expressions=[attempts[1], call("pg_raise", message)])
    if target == exp.DataType.Type.TIME and is_timestamptz(node.this, scope):
        # the time of day in the session's time zone (UTC here); DuckDB has no direct timestamptz -> time cast
        return exp.Cast(this=exp.cast(node.this, exp.DataType.build("TIMESTAMP")), to=node.to)
    if (target in INT_TYPES or target in NUMERIC_TYPES or target in FLOAT_TYPES) and scope.is_json(node.this) and (
            func_name(node.this) != "pg_jsonb_number"):
        # only a jsonb number casts to a number in Postgres ('"2"'::jsonb::int is an error; DuckDB reads the text)
        number = call("pg_jsonb_number", node.this, string(PG_TYPE_OF_CAST.get(target, target.value.lower())))
        if target in INT_TYPES:
            # through numeric, which rounds half away from zero as Postgres does ('2.5'::jsonb::int is 3)
            number = exp.cast(number, exp.DataType.build("DECIMAL(38, 10)"))
        return rewrite_casts(exp.Cast(this=number, to=node.to), scope)
    if target == exp.DataType.Type.BOOLEAN and scope.is_json(node.this):
        return exp.cast(call("pg_jsonb_boolean", node.this), exp.DataType.build("BOOLEAN"))
    if target == exp.DataType.Type.BOOLEAN:
        return call("pg_to_bool", node.this)
    bytea = (exp.DataType.Type.VARBINARY, exp.DataType.Type.BINARY, exp.DataType.Type.BLOB)
    if target in bytea and is_text(node.this, scope):
        # text -> bytea is its UTF-8 bytes in Postgres (DuckDB refuses characters outside ASCII); a backslash
        # starts an escape in both, written differently
        escaped = exp.GT(this=call("strpos", node.this.copy(), string("\\")), expression=exp.Literal.number(0))
        refused = raise_error("unsupported Postgres feature: a cast to bytea of text holding a backslash")
        return exp.Case().when(escaped, refused).else_(call("encode", node.this))
    if target == exp.DataType.Type.ARRAY and isinstance(node.this, exp.Literal) and node.this.is_string:
        return exp.Cast(this=array_literal(node.this.this), to=node.to)
    if target == exp.DataType.Type.ARRAY and is_text(node.this, scope):
        return exp.Cast(this=call("pg_text_array_in", node.this), to=node.to)  # ('{' || name || '}')::text[]
    if target == exp.DataType.Type.JSONB:
        if isinstance(node.this, exp.Literal) and node.this.is_string:
            literal = jsonb_literal(node.this.this)
            document = exp.cast(string(literal), exp.DataType.build("JSON"))
            document.meta["pg_jsonb_literal"] = literal  # its steps are taken here (folded_json_access)
            return document
        return exp.cast(node.this, exp.DataType.build("JSON"))
    if target in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL) and len(node.to.expressions) == 2 and (
            _is_float(node.this, scope)):
        # a double to numeric(p, s): its 15 significant digits rounded to s decimals, as in Postgres
        precision, scale = (int(e.this.this) for e in node.to.expressions)
        if scale <= 18 and precision - scale <= 20:
            return exp.Cast(this=call("pg_float8_dec", node.this), to=node.to)
    if target in (exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL) and not node.to.expressions:
        # Postgres numeric has no fixed scale; DuckDB's bare DECIMAL would round to 3 places.
        result = exp.cast(node.this, exp.DataType.build("DOUBLE"))
        if scope.is_int(node.this):
            result.meta["pg_scale"] = 0  # still a numeric, of an integer's digits (its text in ``||``, ``concat``)
        return result
    return node


def array_text(node: exp.Expr, scope: Scope) -> exp.Expr:
    """An array's text as Postgres writes it (``{1.50,2}`` of ``ARRAY[1.50, 2]``: ``numeric_element_texts``)."""
    return call("pg_array_out", numeric_element_texts(node, scope) or node)


def numeric_element_texts(node: exp.Expr, scope: Scope) -> exp.Array | None:
    """``ARRAY[1.50, 2]`` of numerics as the list of its elements' texts, each with its own decimals as Postgres
    writes them (DuckDB's list has one scale for all: ``1.50, 2.00``); None for another array."""
    elements = node.expressions if isinstance(node, exp.Array) else []
    if not any(is_numeric(e, scope) for e in elements) or any(_is_float(e, scope) for e in elements):
        return None
    texts = [number_text(e, scope) for e in elements]
    return exp.Array(expressions=[exp.cast(t if t is not None else e.copy(), exp.DataType.build("VARCHAR"))
                                  for t, e in zip(texts, elements)])


def array_literal(text: str) -> exp.Array:
    """A Postgres array literal such as ``'{a,"b c",NULL}'`` as ``ARRAY[...]`` of its elements (text)."""
    return exp.Array(expressions=[exp.Null() if e is None else string(e) for e in _pg_text_array(text, nulls=True)])


PATTERN_MATCHES = (exp.Like, exp.ILike, exp.RegexpLike, exp.RegexpILike)


def _quantifier(side: exp.Expr) -> tuple[exp.Expr, bool] | None:
    """(the array, whether ANY) of the right-hand side ``any (...)`` / ``all (...)`` of a comparison, else None."""
    if isinstance(side, (exp.Any, exp.All)):
        values, any_of = side.this, isinstance(side, exp.Any)
    elif isinstance(side, exp.Anonymous) and side.name.lower() in ("any", "all") and len(side.expressions) == 1:
        values, any_of = side.expressions[0], side.name.lower() == "any"  # how sqlglot reads ``~ all (...)``
    else:
        return None
    return (values.unnest() if isinstance(values, exp.Paren) else values), any_of


def _quantified(node: exp.Expr) -> tuple[exp.Expr, bool] | None:
    """(the array, whether ANY) of ``x like any (...)``, ``x ~ all (...)`` and the like, else None."""
    return _quantifier(node.expression) if isinstance(node, PATTERN_MATCHES) else None


def rewrite_like_any(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``x like any (array[...])``, ``x ~ any (...)``, ``not like all``, ``!~ any``: an OR / AND chain, each
    pattern matched (or, negated, not matched) by itself; ``x = any (a)`` and other comparisons with ANY / ALL
    of an array that may be NULL are NULL when it is."""
    if isinstance(node, exp.Binary) and not isinstance(node, PATTERN_MATCHES) and not node.meta.get("pg_array_known"):
        values = (_quantifier(node.expression) or (None,))[0]
        if values is not None and not isinstance(values, (exp.Array, exp.Query)):
            # ``x = any (a)`` with a NULL array is NULL in Postgres (DuckDB: false)
            checked = node.copy()
            checked.meta["pg_array_known"] = True
            return exp.Case().when(exp.Is(this=values.copy(), expression=exp.Null()), exp.Null()).else_(checked)
    negate = False
    if isinstance(node, exp.Not) and node.meta.get("pg_negated_operator") and _quantified(node.this):
        node, negate = node.this, True  # ``x !~ any (...)``: some pattern does not match
    found = _quantified(node)
    if found is None:
        return node
    values, any_of = found
    if isinstance(values, exp.Cast) and isinstance(values.this, exp.Literal) and values.this.is_string:
        values = array_literal(values.this.this)  # '{a%,b%}'::text[]
    if not isinstance(values, exp.Array):
        raise UnsupportedFeature("unsupported Postgres feature: LIKE/~ ANY/ALL over something other than ARRAY[...]")
    negate = negate or bool(node.args.get("negate"))
    parts = []
    for pattern in values.expressions:
        part = type(node)(this=node.this.copy(), expression=pattern)
        parts.append(exp.Not(this=part) if negate else part)
    if not parts:
        return exp.false() if any_of else exp.true()
    join = exp.or_ if any_of else exp.and_
    return exp.Paren(this=join(*parts))


def similar_to_regex(pattern: str, escape: str = "\\") -> str:
    """A ``SIMILAR TO`` pattern as the regular expression Postgres matches it with (``similar_to_escape``): the
    whole text, ``%`` any text, ``_`` one character, ``escape`` (a backslash unless ``ESCAPE`` names another
    character; none for ``ESCAPE ''``) escaping the next one, ``.``, ``^``, ``$`` literal."""
    regex, in_class, escaped = "", False, False
    for ch in pattern:
        if escaped:
            if ch == '"':
                raise UnsupportedFeature("unsupported Postgres feature: SIMILAR TO with an escaped '\"'")
            regex += re.escape(ch) if not ch.isalnum() else "\\" + ch
            escaped = False
        elif escape and ch == escape:
            escaped = True
        elif ch == "\\":
            regex += "\\\\"
        elif in_class:
            regex += ch
            in_class = ch != "]"
        elif ch == "[":
            regex, in_class = regex + ch, True
        elif ch == "%":
            regex += ".*"
        elif ch == "_":
            regex += "."
        elif ch == "(":
            regex += "(?:"
        elif ch in ".^$":
            regex += "\\" + ch
        else:
            regex += ch
    return "(?s)^(?:" + regex + ")$"


def rewrite_array_subscripts(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``a[i]``, ``a[lo:hi]`` of an array: a subscript below 1 is NULL and a slice's bounds below 1 are 1 (an upper
    one 0: no element), as in Postgres; DuckDB counts a negative one from the end. Literal bounds of 0 and up are
    left as they are (DuckDB reads them as Postgres does)."""
    if (not isinstance(node, exp.Bracket) or len(node.expressions) != 1 or node.meta.get("pg_subscript")
            or node.args.get("json_access") or scope.is_json(node.this)):
        return node

    def kept(bound: exp.Expr | None) -> bool:
        return bound is None or isinstance(bound, exp.Literal) and not bound.is_string

    def at_least_zero(bound: exp.Expr | None) -> exp.Expr | None:
        if kept(bound):
            return bound
        if isinstance(bound, exp.Neg) and isinstance(bound.this, exp.Literal):
            return exp.Literal.number(0)
        negative = exp.LT(this=bound.copy(), expression=exp.Literal.number(0))
        return exp.case().when(negative, exp.Literal.number(0)).else_(bound.copy())

    index = node.expressions[0]
    slice_ = isinstance(index, exp.Slice)
    if slice_ and kept(index.this) and kept(index.expression) or not slice_ and kept(index):
        return node
    checked = node.copy()
    checked.meta["pg_subscript"] = True
    if slice_:
        checked.set("expressions", [exp.Slice(this=at_least_zero(index.this), expression=at_least_zero(index.expression))])
        return checked
    below_one = exp.LT(this=index.copy(), expression=exp.Literal.number(1))
    return exp.case().when(below_one, exp.null()).else_(checked)


def rewrite_like_escape(node: exp.Expr, scope: Scope) -> exp.Expr:
    r"""``x like 'a\_b'``: a backslash escapes the next character of a LIKE pattern in Postgres (``\_``, ``\%``,
    ``\\``) unless the query names another escape; DuckDB's LIKE has no escape character unless it is given."""
    if not isinstance(node, (exp.Like, exp.ILike)) or isinstance(node.parent, exp.Escape):
        return node
    pattern = node.expression
    if isinstance(pattern, exp.Literal) and pattern.is_string and "\\" not in pattern.this:
        return node
    return exp.Escape(this=node.copy(), expression=string("\\"))


def rewrite_similar_to(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``x similar to 'pattern' [escape 'c']``: a regular expression match of the whole text."""
    escape = "\\"
    if isinstance(node, exp.Escape) and isinstance(node.this, exp.SimilarTo):
        # the parser takes a string literal only after ESCAPE (Postgres also takes an expression)
        if len(node.expression.name) > 1:
            raise QueryError("invalid escape string")
        node, escape = node.this, node.expression.name
    elif not isinstance(node, exp.SimilarTo):
        return node
    pattern = node.expression
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise UnsupportedFeature("unsupported Postgres feature: SIMILAR TO with a pattern that is not a literal")
    return exp.RegexpLike(this=node.this.copy(), expression=string(similar_to_regex(pattern.this, escape)))


# extract()/date_part() fields of a year, which DuckDB counts astronomically before year 1 (Postgres has no year 0)
ERA_FIELDS = {"year": "year", "years": "year", "y": "year", "yr": "year", "yrs": "year", "isoyear": "isoyear",
              "decade": "decade", "decades": "decade"}
# extract()/date_part() fields that DuckDB gives as whole numbers: microseconds divided by this
FRACTIONAL_FIELDS = {"second": 1000000, "seconds": 1000000, "sec": 1000000, "secs": 1000000, "millisecond": 1000,
                     "milliseconds": 1000, "ms": 1000, "msec": 1000, "msecs": 1000}


CENTURY_YEARS = {"CENTURY": 100, "CENTURIES": 100, "MILLENNIUM": 1000, "MILLENNIA": 1000, "MILLENNIUMS": 1000}


ISO_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
ISO_DATE_UNITS = ("Y", "M", "W", "D")
ISO_TIME_UNITS = {"H": 3600_000000, "M": 60_000000, "S": 1_000000}


def _fraction_micros(fraction: float, scale: int) -> int:
    """Postgres's AdjustFractMicroseconds: ``fraction * scale`` microseconds, the part below one rounded to even."""
    value = fraction * scale
    whole = int(value)
    return whole + round(value - whole)


def iso_interval(text: str) -> tuple[int, int, int]:
    """(months, days, microseconds) of an ISO 8601 interval in the format with designators (``P1Y2M3DT4H5M6.5S``,
    ``P2W``), as Postgres's DecodeISO8601Interval reads it: each number may have a sign and a fraction, a fraction
    of a year is whole months, of a month or week whole days and then microseconds."""
    invalid = QueryError(f'invalid input syntax for type interval: "{text}"')
    if not text.startswith("P") or len(text) < 2:
        raise invalid
    months = days = micros = 0
    position, date_part = 1, True
    while position < len(text):
        if text[position] == "T":
            position, date_part = position + 1, False
            continue
        number = ISO_NUMBER.match(text, position)
        if number is None:
            raise invalid
        unit = text[number.end() : number.end() + 1]
        if unit in ("", "-", ":") or (date_part and unit == "T"):
            raise UnsupportedFeature(
                f"unsupported Postgres feature: an ISO 8601 interval in the alternative format ('{text}')")
        value = float(number.group())
        if not abs(value) <= 1e15:
            raise QueryError(f'interval field value out of range: "{text}"')
        whole = int(value)
        fraction = value - whole
        if date_part and unit in ISO_DATE_UNITS:
            if unit == "Y":
                months += whole * 12 + round(fraction * 12)
            elif unit == "D":
                days += whole
                micros += _fraction_micros(fraction, 86400_000000)
            else:
                # a month is 30 days, a week 7: whole days of the fraction first, then the rest in microseconds
                month, week = unit == "M", unit == "W"
                months, days = months + whole * month, days + whole * 7 * week
                fraction_days = fraction * (30 if month else 7)
                days += int(fraction_days)
                micros += _fraction_micros(fraction_days - int(fraction_days), 86400_000000)
        elif not date_part and unit in ISO_TIME_UNITS:
            micros += whole * ISO_TIME_UNITS[unit] + _fraction_micros(fraction, ISO_TIME_UNITS[unit])
        else:
            raise invalid
        position = number.end() + 1
    return months, days, micros


def iso_interval_value(literal: exp.Literal) -> exp.Expr:
    """An ISO 8601 interval literal (``interval 'P1D'``, ``'PT1.5S'::interval``) as the DuckDB interval of the
    same months, days and microseconds (DuckDB cannot read the format)."""
    months, days, micros = iso_interval(literal.this.strip())
    if literal.this != literal.this.strip():
        raise QueryError(f'invalid input syntax for type interval: "{literal.this}"')
    value = call("pg_make_interval", *(exp.Literal.number(n) for n in (months, days, micros)))
    value.meta["pg_interval"] = True
    return value


# A sign before a field of an interval's text that DuckDB cannot read: a '+' (``'-1 days +02:00:00'``, as Postgres
# writes intervals; the field is positive without it too) and a sign apart from its number (``'1 month - 1 day'``).
INTERVAL_SIGN = re.compile(r"(^|\s)(?:\+\s*|(-)\s+)(?=[\d.])")


def interval_text_literal(node: exp.Expr) -> exp.Literal | None:
    """The text literal an interval literal or ``'...'::interval`` reads, else None."""
    if isinstance(node, exp.Interval) and node.unit is None or (
            isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.INTERVAL):
        literal = node.this
        return literal if isinstance(literal, exp.Literal) and literal.is_string else None
    return None


INTERVAL_FIELDS = ("YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND")
INTERVAL_FIELD_MICROS = {"HOUR": 3600_000000, "MINUTE": 60_000000, "SECOND": 1}
YEAR_MONTH_TEXT = re.compile(r"\s*([+-])?(\d+)-(\d+)\s*")
DAY_TIME_TEXT = re.compile(r"\s*(?:([+-]?\d+)\s+)?([+-])?(\d+):(\d+)(?::(\d+(?:\.\d*)?))?\s*")
NUMBER_TEXT = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*")


def qualified_interval(text: str, first: str | None, last: str | None) -> tuple[int, int, int]:
    """(months, days, microseconds) of an interval's text in the SQL-standard forms (``'1-2'`` years-months,
    ``'1 10:30:15'`` days and a time, a bare number) read as Postgres reads them under the qualifier ``first TO
    last`` (``YEAR TO MONTH``, ``HOUR``, ...; None without one): ``'a:b'`` is minutes and seconds under ``MINUTE
    TO SECOND``, a bare number counts the last field, and the fields below the last one are dropped (towards zero)."""
    months = days = micros = 0
    year_month, day_time = YEAR_MONTH_TEXT.fullmatch(text), DAY_TIME_TEXT.fullmatch(text)
    if year_month:
        if int(year_month[3]) > 11:
            raise QueryError(f'interval field value out of range: "{text}"')
        months = (-1 if year_month[1] == "-" else 1) * (int(year_month[2]) * 12 + int(year_month[3]))
    elif day_time:
        days = int(day_time[1] or 0)
        hours, minutes, seconds = int(day_time[3]), int(day_time[4]), float(day_time[5] or 0)
        if day_time[5] is None and (first, last) == ("MINUTE", "SECOND"):
            hours, minutes, seconds = 0, hours, minutes
        if minutes > 59 or seconds > 60:
            raise QueryError(f'interval field value out of range: "{text}"')
        micros = (hours * 3600 + minutes * 60) * 1_000000 + round(seconds * 1_000000)
        micros = -micros if day_time[2] == "-" else micros
    elif last and NUMBER_TEXT.fullmatch(text):
        value = float(text)
        if last == "SECOND":
            micros = round(value * 1_000000)
        else:
            whole = int(value)
            months, days = whole * {"YEAR": 12, "MONTH": 1}.get(last, 0), whole * (last == "DAY")
            micros = whole * INTERVAL_FIELD_MICROS.get(last, 0)
    else:
        qualifier = " to ".join(dict.fromkeys(filter(None, (first, last)))).lower()
        raise UnsupportedFeature(f"unsupported Postgres feature: interval '{text}' {qualifier} (with a qualifier, "
                                 "only the 'Y-M', 'D H:M:S' and bare number forms)")
    if last == "YEAR":
        months, days, micros = int(months / 12) * 12, 0, 0
    elif last == "MONTH":
        days, micros = 0, 0
    elif last == "DAY":
        micros = 0
    elif last in ("HOUR", "MINUTE"):
        micros = int(micros / INTERVAL_FIELD_MICROS[last]) * INTERVAL_FIELD_MICROS[last]
    return months, days, micros


def qualified_interval_value(node: exp.Expr) -> exp.Expr | None:
    """``interval '1-2' year to month``, ``interval '10:30' hour to minute``, ``interval '2.5' day``, and the
    unqualified ``'1-2'`` and ``'1 10:30'`` (which DuckDB cannot read) as the DuckDB interval Postgres gives;
    None for other intervals."""
    literal = node.this if isinstance(node, (exp.Interval, exp.Cast)) else None
    if not (isinstance(literal, exp.Literal) and literal.is_string):
        return None
    unit = node.args.get("unit") if isinstance(node, exp.Interval) else None
    if isinstance(unit, exp.IntervalSpan):
        first, last = unit.this.name.upper(), unit.expression.name.upper()
        if first not in INTERVAL_FIELDS or last not in INTERVAL_FIELDS:
            return None
    elif isinstance(unit, exp.Var) and unit.name.upper() in INTERVAL_FIELDS and not node.args.get("fraction_in_string"):
        first = last = unit.name.upper()
        if re.fullmatch(r"\s*[+-]?\d+\s*", literal.this):
            return None  # a whole number of one field: DuckDB reads it the same
    elif unit is None and (isinstance(node, exp.Interval) or node.to.this == exp.DataType.Type.INTERVAL):
        match = DAY_TIME_TEXT.fullmatch(literal.this)
        if not (YEAR_MONTH_TEXT.fullmatch(literal.this) or match and match[1] is not None):
            return None
        first = last = None
    else:
        return None
    value = call("pg_make_interval", *(exp.Literal.number(n) for n in qualified_interval(literal.this, first, last)))
    value.meta["pg_interval"] = True
    return value


def _is_iso_interval(node: exp.Expr) -> bool:
    text = node.this if isinstance(node, exp.Literal) and node.is_string else ""
    return text.lstrip()[:1] in ("P", "p")


SPECIAL_TIMES = ("now", "today", "yesterday", "tomorrow", "epoch")
TIME_KINDS = {exp.DataType.Type.DATE: "date", exp.DataType.Type.TIMESTAMP: "timestamp",
              exp.DataType.Type.TIMESTAMPTZ: "timestamptz"}


def time_literal(node: exp.Expr, kind: exp.DataType.Type) -> exp.Expr | None:
    """A date or time literal in a style Postgres reads and DuckDB does not (``'Jun 15 2025'``, ``'20250615'``,
    ``'0044-03-15 BC'``, a fraction of more than six digits) in DuckDB's words (``timeinput``); else None."""
    if not (isinstance(node, exp.Literal) and node.is_string):
        return None
    text = timeinput.iso_text(node.this, TIME_KINDS[kind])
    return None if text is None else string(text)


def time_text(node: exp.Expr) -> exp.Expr:
    """``node`` (a date, timestamp or timestamptz) as Postgres's text: a BC one ends in `` BC`` (DuckDB writes
    ``(BC)`` after the date)."""
    text = exp.cast(node, exp.DataType.build("TEXT"))
    text.meta["pg_time_text"] = True
    return exp.RegexpReplace(this=text, expression=string(r" \(BC\)(.*)$"), replacement=string(r"\1 BC"))


def _time_type(node: exp.Expr, scope: Scope) -> exp.DataType.Type | None:
    """The Postgres time type ``node`` is known to have (date, timestamp, timestamptz), else None."""
    if is_date(node):
        return exp.DataType.Type.DATE
    if is_timestamptz(node, scope):
        return exp.DataType.Type.TIMESTAMPTZ
    return exp.DataType.Type.TIMESTAMP if _is_timestamp_without_zone(node) else None


def special_time(node: exp.Expr, kind: exp.DataType.Type) -> exp.Expr | None:
    """The value of Postgres's special time input ``'now'``, ``'today'``, ``'yesterday'``, ``'tomorrow'`` or
    ``'epoch'`` (a string literal read as a timestamptz, timestamp or date), which DuckDB cannot read; else None."""
    text = node.this.strip().lower() if isinstance(node, exp.Literal) and node.is_string else None
    if text not in SPECIAL_TIMES:
        return None
    if text == "epoch":
        value = exp.cast(string("1970-01-01 00:00:00+00"), exp.DataType.build("TIMESTAMPTZ"))
    elif text == "now":
        value = exp.cast(exp.CurrentTimestamp(), exp.DataType.build("TIMESTAMPTZ"))
    else:
        value = exp.cast(exp.CurrentDate(), exp.DataType.build("TIMESTAMPTZ"))
        if text != "today":
            step = exp.Interval(this=string("1"), unit=exp.var("DAY"))
            value = (exp.Sub if text == "yesterday" else exp.Add)(this=value, expression=step)
    if kind in (exp.DataType.Type.DATE, exp.DataType.Type.TIMESTAMP):
        value = exp.cast(exp.paren(value), exp.DataType.build(kind.value))
    return value


def range_frame_intervals(window: exp.Window, scope: Scope) -> exp.Window | None:
    """``range between '1 day' preceding ...`` over a time: Postgres reads a quoted offset as an interval there
    (DuckDB cannot subtract text from a time); ``window`` with its offsets cast, else None."""
    spec, order = window.args.get("spec"), window.args.get("order")
    if spec is None or str(spec.args.get("kind") or "").upper() != "RANGE" or order is None or len(
            order.expressions) != 1:
        return None
    key = order.expressions[0].this
    if not (is_timestamptz(key, scope) or is_date(key) or _is_timestamp_without_zone(key)):
        return None
    bounds = [b for b in ("start", "end") if isinstance(spec.args.get(b), exp.Literal) and spec.args[b].is_string]
    if not bounds:
        return None
    replacement = window.copy()
    for bound in bounds:
        replacement.args["spec"].set(bound, exp.cast(spec.args[bound].copy(), exp.DataType.build("INTERVAL")))
    return replacement


def _at_offset(value: exp.Expr, offset: int) -> exp.AtTimeZone:
    """``value at time zone`` a fixed offset (seconds east of UTC) as DuckDB reads one: ``GMT+08:00``, ``GMT-03:30``
    (marked, so that it is not read again as Postgres's POSIX zone ``GMT+8``, which is 8 hours west)."""
    sign, seconds = ("-", -offset) if offset < 0 else ("+", offset)
    text = f"GMT{sign}{seconds // 3600:02d}:{seconds // 60 % 60:02d}" + (f":{seconds % 60:02d}" if seconds % 60 else "")
    zoned = exp.AtTimeZone(this=value, zone=string(text))
    zoned.meta["pg_zone_offset"] = True
    return zoned


def at_zone_abbreviation(node: exp.AtTimeZone, zone: str, scope: Scope) -> exp.Expr:
    """``x at time zone 'PST'``, ``'UTC+3'``, ``'MSK'``: Postgres reads a zone abbreviation of its Default set before
    a zone name (``PST`` is always -08, ``CET`` +01, where DuckDB reads the zones that use them, with their summer
    time) and a POSIX zone's offset as hours west (``UTC+3`` is -03). An abbreviation defined by a zone (``MSK``,
    ``SGT``) means what the zone gave it at the moment (``timeinput.abbreviation_offset``): a CASE over the moments
    its meaning changes, for a ``timestamptz``. Other zone names are left to DuckDB."""
    word = zone.strip().lower()
    if word in ("utc", "gmt", "z", "zulu", "ut", "uct") or node.meta.get("pg_zone_offset"):
        return node
    offset = timeinput.ZONE_ABBREVIATIONS[word] * 60 if word in timeinput.ZONE_ABBREVIATIONS else (
        timeinput.posix_offset(zone) if timeinput.POSIX_ZONE.fullmatch(zone.strip()) else None)
    if offset is not None:
        return _at_offset(node.this, offset)
    if word not in timeinput.ZONE_ABBREVIATION_ZONES:
        return node
    rules = timeinput.zone_rules(timeinput.ZONE_ABBREVIATION_ZONES[word])
    refused = UnsupportedFeature(f"unsupported Postgres feature: at time zone {zone!r} (an abbreviation PostgreSQL "
                                 "defines by a zone's rules) of a value that is not a timestamptz")
    if not is_timestamptz(node.this, scope):
        raise refused
    used = rules is not None and any(name.lower() == word for _, name in rules.kinds)
    if rules is None or not used and rules.dst_ahead:
        raise UnsupportedFeature(f"unsupported Postgres feature: at time zone {zone!r}: its zone's rules for these "
                                 "times are not known here")
    # the offset from each transition on, and before the first; equal neighbours merged
    pieces = [(None, timeinput.abbreviation_offset(word, rules.times[0] - 1 if rules.times else 0))]
    for start in rules.times:
        offset = timeinput.abbreviation_offset(word, start)
        if offset != pieces[-1][1]:
            pieces.append((start, offset))
    case = exp.Case()
    for (_, offset), (end, _) in zip(pieces, pieces[1:]):
        moment = datetime.fromtimestamp(end, timezone.utc).strftime("%Y-%m-%d %H:%M:%S+00")
        before = exp.LT(this=node.this.copy(), expression=exp.cast(string(moment), exp.DataType.build("TIMESTAMPTZ")))
        case = case.when(before, _at_offset(node.this.copy(), offset))
    last = _at_offset(node.this.copy(), pieces[-1][1])
    return case.else_(last) if len(pieces) > 1 else last


def _period_bounds(period: exp.Tuple, scope: Scope) -> tuple[exp.Expr, exp.Expr]:
    """The two ends of an ``OVERLAPS`` period: ``(start, end)``, or ``(start, interval)`` ending at start + interval."""
    start, other = period.expressions
    if is_interval(other, scope):
        return start, exp.Add(this=start.copy(), expression=other)
    return start, other


def rewrite_time(node: exp.Expr, scope: Scope) -> exp.Expr:
    as_of = scope.as_of_variable
    name = func_name(node)
    now_like = isinstance(node, exp.CurrentTimestamp) or name in ("now", "transaction_timestamp", "statement_timestamp")
    if now_like and (as_of or isinstance(node, exp.Anonymous)):
        return call("iamsql_as_of") if as_of else exp.CurrentTimestamp()
    if as_of and isinstance(node, exp.CurrentDate):
        return exp.cast(call("iamsql_as_of"), exp.DataType.build("DATE"))
    if as_of and isinstance(node, exp.Localtimestamp):
        return exp.cast(call("iamsql_as_of"), exp.DataType.build("TIMESTAMP"))
    if isinstance(node, exp.Window) and (frame_offsets := range_frame_intervals(node, scope)) is not None:
        return frame_offsets
    if isinstance(node, exp.Overlaps) and all(isinstance(p, exp.Tuple) and len(p.expressions) == 2
                                              for p in (node.this, node.expression)):
        return call("pg_overlaps", *(bound for period in (node.this, node.expression)
                                     for bound in _period_bounds(period, scope)))
    if isinstance(node, exp.AtTimeZone) and isinstance(zone := node.args.get("zone"), exp.Literal) and zone.is_string:
        return at_zone_abbreviation(node, zone.this, scope)
    time_types = (exp.DataType.Type.TIMESTAMPTZ, exp.DataType.Type.TIMESTAMP, exp.DataType.Type.DATE)
    if isinstance(node, exp.Cast) and node.to.this in time_types and (
            value := special_time(node.this, node.to.this)) is not None:
        return value
    if isinstance(node, exp.Cast) and node.to.this in time_types and (
            literal := time_literal(node.this, node.to.this)) is not None:
        return exp.Cast(this=literal, to=node.to.copy())
    if isinstance(node, exp.Values):
        # ``values (date '2024-01-01'), ('0044-03-15 BC')``: a literal of a later row is read as the first typed
        # value's type, as Postgres resolves a VALUES column
        replacement = node.copy()
        for values in shared_type_values(replacement):
            kind = next(filter(None, (_time_type(value, scope) for value in values)), None)
            for value in values if kind else []:
                read = special_time(value, kind)
                if read is None and (literal := time_literal(value, kind)) is not None:
                    read = exp.Cast(this=literal, to=exp.DataType.build(kind.value))
                if read is not None:
                    value.replace(read)
        return replacement
    if isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between)):
        # ``event_time > 'yesterday'``: the literal is read as the other side's type
        sides = [node.this, *(node.args.get(k) for k in ("expression", "low", "high") if node.args.get(k))]
        kind = next((exp.DataType.Type.DATE if is_date(side) else exp.DataType.Type.TIMESTAMPTZ for side in sides
                     if is_date(side) or is_timestamptz(side, scope)), None)
        specials = {key: value for key in ("this", "expression", "low", "high") if kind and (
            value := special_time(node.args.get(key), kind) or time_literal(node.args.get(key), kind)) is not None}
        if specials:
            replacement = node.copy()
            for key, value in specials.items():
                replacement.set(key, value)
            return replacement
    if isinstance(node, exp.Interval) and node.unit is None and _is_iso_interval(node.this):
        return iso_interval_value(node.this)
    if isinstance(node, (exp.Interval, exp.Cast)) and (qualified := qualified_interval_value(node)) is not None:
        return qualified
    literal = interval_text_literal(node)
    if literal is not None and INTERVAL_SIGN.search(literal.this):
        replacement = node.copy()
        replacement.set("this", string(INTERVAL_SIGN.sub(r"\1\2", literal.this)))
        return replacement
    if isinstance(node, exp.Interval) and isinstance(node.unit, exp.Var) and node.unit.name.upper() in INTERVAL_UNIT_NAMES:
        # Postgres's abbreviations (interval '5 mins', '1 mon'), which DuckDB reads only in an interval's text
        replacement = node.copy()
        replacement.set("unit", exp.var(INTERVAL_UNIT_NAMES[node.unit.name.upper()]))
        return replacement
    if isinstance(node, (exp.Add, exp.Sub)) and (
            is_date(node.this) and scope.is_int(node.expression) and not isinstance(node.expression, exp.Literal)):
        # date +/- integer: DuckDB adds only an INTEGER (not a BIGINT: a series value, a bigint column) to a date
        replacement = node.copy()
        replacement.set("expression", exp.cast(node.expression.copy(), exp.DataType.build("INTEGER")))
        return replacement
    if isinstance(node, exp.Sub) and is_date(node.this) and is_date(node.expression) and not isinstance(
            node.parent, exp.Cast):
        # date - date is an integer (int4) in Postgres; DuckDB's is a bigint
        return exp.cast(node, exp.DataType.build("INTEGER"), copy=False)
    if isinstance(node, exp.Add) and is_date(node.expression) and scope.is_int(node.this) and not isinstance(
            node.this, exp.Literal):
        replacement = node.copy()
        replacement.set("this", exp.cast(node.this.copy(), exp.DataType.build("INTEGER")))
        return replacement
    if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.INTERVAL and _is_iso_interval(node.this):
        return iso_interval_value(node.this)
    if isinstance(node, (exp.GenerateSeries, exp.ExplodingGenerateSeries)) and (is_date(node.args.get("start"))
                                                                                or is_date(node.args.get("end"))):
        # generate_series(date, date, interval) is the timestamptz version in Postgres
        replacement = node.copy()
        for key in ("start", "end"):
            if is_date(node.args.get(key)):
                replacement.set(key, exp.cast(node.args[key].copy(), exp.DataType.build("TIMESTAMPTZ")))
        return replacement
    if isinstance(node, exp.Extract) and node.this.name.lower() in FRACTIONAL_FIELDS:
        # Postgres's seconds and milliseconds keep the fraction (1.5, 1500.000); DuckDB's are whole numbers
        micros = exp.Extract(this=exp.var("MICROSECONDS"), expression=node.expression)
        result = exp.paren(exp.Div(this=micros, expression=exp.Literal.number(FRACTIONAL_FIELDS[node.this.name.lower()])))
        if func_name(node) == "date_part":
            result.meta["pg_float"] = True
        else:
            result.meta["pg_scale"] = EXTRACT_SCALES[node.this.name.lower()]
        return result
    if isinstance(node, exp.Extract) and node.this.name.lower() in ERA_FIELDS and not node.meta.get(
            "pg_era") and not is_interval(node.expression, scope):
        # DuckDB counts BC years astronomically (44 BC is -43; a timestamptz's year is the year of its era, 44);
        # Postgres has no year 0 (-44), and its decade of a BC year counts down from it (-5)
        field = ERA_FIELDS[node.this.name.lower()]
        value = exp.cast(node.expression, exp.DataType.build("TIMESTAMP")) if is_timestamptz(
            node.expression, scope) else node.expression
        year = exp.Extract(this=exp.var("ISOYEAR" if field == "isoyear" else "YEAR"), expression=value)
        year.meta["pg_era"] = True
        after_christ = exp.GT(this=year.copy(), expression=exp.Literal.number(0))
        if field == "decade":
            ten = exp.Literal.number(10)
            before = exp.Neg(this=exp.paren(exp.IntDiv(this=exp.paren(exp.Sub(
                this=exp.Literal.number(9), expression=year.copy())), expression=ten)))
            result = exp.Case().when(after_christ, exp.IntDiv(this=year.copy(), expression=ten)).else_(before)
        else:
            result = exp.Case().when(after_christ, year.copy()).else_(
                exp.Sub(this=year.copy(), expression=exp.Literal.number(1)))
        result = exp.paren(result)
        if func_name(node) == "date_part":
            result = exp.cast(result, exp.DataType.build("DOUBLE"))
            result.meta["pg_float"] = True
        else:
            result.meta["pg_scale"] = 0
        return result
    if isinstance(node, exp.Extract) and func_name(node) == "date_part" and not isinstance(node.parent, exp.Cast):
        # date_part is a double precision in Postgres; DuckDB's is a bigint for the whole-number fields
        result = exp.cast(node, exp.DataType.build("DOUBLE"), copy=False)
        result.meta.update(node.meta)
        result.meta["pg_float"] = True
        return result
    century = isinstance(node, exp.TimestampTrunc) and node.unit and node.unit.name.upper() in CENTURY_YEARS
    if isinstance(node, exp.TimestampTrunc) and (century or is_date(node.this)):
        # date_trunc of a date truncates the timestamptz of its midnight in Postgres (DuckDB gives a timestamp)
        value = exp.cast(node.this.copy(), exp.DataType.build("TIMESTAMPTZ")) if is_date(node.this) else node.this
        if not century:
            replacement = node.copy()
            replacement.set("this", value)
            return replacement
        # a century starts in year 1 (2001, 1901), a millennium in 2001, 1001; DuckDB starts them at 2000
        years = CENTURY_YEARS[node.unit.name.upper()]
        year = exp.TimestampTrunc(this=value.copy(), unit=exp.var("YEAR"))
        past = exp.Mod(this=exp.paren(exp.Sub(this=call("year", value.copy()), expression=exp.Literal.number(1))),
                       expression=exp.Literal.number(years))
        return exp.paren(exp.Sub(this=year, expression=call("to_years", exp.cast(past, exp.DataType.build("INTEGER")))))
    fmt = node.args.get("format") if isinstance(node, (exp.StrToTime, exp.StrToDate)) else None
    if isinstance(fmt, exp.Literal) and fmt.is_string and '"' in fmt.this:
        # "quoted text" in a to_timestamp/to_date format is literal text (strptime would look for the quotes)
        literal = re.sub(r'"([^"]*)"', lambda m: m.group(1).replace("%", "%%"), fmt.this)
        replacement = node.copy()
        replacement.set("format", string(literal))
        if isinstance(node, exp.StrToTime):
            return exp.cast(replacement, exp.DataType.build("TIMESTAMPTZ"), copy=False)
        return replacement
    if isinstance(node, exp.StrToTime):
        # to_timestamp(text, format) is a timestamptz in Postgres; DuckDB's strptime gives a timestamp.
        return exp.cast(node, exp.DataType.build("TIMESTAMPTZ"), copy=False)
    if isinstance(node, exp.Anonymous) and name == "clock_timestamp":
        raise UnsupportedFeature("unsupported Postgres feature: clock_timestamp()")
    if (
        name == "age"
        and isinstance(node, exp.Func)
        and not node.args.get("expression")
        and not isinstance(node, exp.Anonymous)
    ):
        # age(x) is age(current_date at midnight, x) in Postgres.
        start = exp.cast(exp.CurrentDate(), exp.DataType.build("TIMESTAMPTZ"))
        return exp.Anonymous(this="age", expressions=[start, node.this])
    if isinstance(node, exp.Anonymous) and name == "age" and len(node.expressions) == 1:
        start = exp.cast(exp.CurrentDate(), exp.DataType.build("TIMESTAMPTZ"))
        return exp.Anonymous(this="age", expressions=[start, node.expressions[0]])
    return node


# Postgres's interval unit abbreviations that sqlglot keeps as written and DuckDB cannot read as a unit
INTERVAL_UNIT_NAMES = {"YR": "YEAR", "YRS": "YEAR", "MON": "MONTH", "MONS": "MONTH", "HR": "HOUR", "HRS": "HOUR",
                       "MIN": "MINUTE", "MINS": "MINUTE", "SEC": "SECOND", "SECS": "SECOND", "MSEC": "MILLISECOND",
                       "MSECS": "MILLISECOND", "USEC": "MICROSECOND", "USECS": "MICROSECOND"}


class ToCharYear(NamedTuple):
    """A year pattern of ``to_char``: the last ``digits`` digits (0: ``Y,YYY``; 4: every digit, at least four) of the
    year of the era (44 for 44 BC, as Postgres writes it) that DuckDB's ``function`` (``year``, ``isoyear``) gives
    astronomically (-43)."""

    function: str
    digits: int


class ToCharCentury(NamedTuple):
    """``CC`` of ``to_char``: the century as Postgres counts it (-1 for 44 BC), two digits after its sign."""


class ToCharEra(NamedTuple):
    """An era pattern of ``to_char`` (``BC``, ``a.d.``, ...): what it writes for a year before 1 and for any other."""

    before_christ: str
    anno_domini: str


TO_CHAR_PATTERNS = [
    # (Postgres pattern, DuckDB strftime piece or callable(ts) -> expression)
    ("SSSSS", ("pg_seconds_of_day", 0)),
    ("SSSS", ("pg_seconds_of_day", 0)),
    ("HH24", "%H"),
    ("HH12", "%I"),
    ("HH", "%I"),
    ("MI", "%M"),
    ("SS", "%S"),
    ("MS", "%g"),
    ("US", "%f"),
    ("AM", "%p"),
    ("PM", "%p"),
    ("am", ("%p", "lower", 0)),
    ("pm", ("%p", "lower", 0)),
    ("Y,YYY", ToCharYear("year", 0)),
    ("IYYY", ToCharYear("isoyear", 4)),
    ("YYYY", ToCharYear("year", 4)),
    ("YYY", ToCharYear("year", 3)),
    ("YY", ToCharYear("year", 2)),
    ("Y", ToCharYear("year", 1)),
    ("IYY", ToCharYear("isoyear", 3)),
    ("IY", ToCharYear("isoyear", 2)),
    ("IW", "%V"),
    ("ID", ("isodow", 0)),
    ("I", ToCharYear("isoyear", 1)),
    ("BC", ToCharEra("BC", "AD")),
    ("AD", ToCharEra("BC", "AD")),
    ("bc", ToCharEra("bc", "ad")),
    ("ad", ToCharEra("bc", "ad")),
    ("B.C.", ToCharEra("B.C.", "A.D.")),
    ("A.D.", ToCharEra("B.C.", "A.D.")),
    ("b.c.", ToCharEra("b.c.", "a.d.")),
    ("a.d.", ToCharEra("b.c.", "a.d.")),
    ("WW", ("pg_week_of_year", 2)),
    ("W", ("pg_week_of_month", 0)),
    ("Q", ("quarter", 0)),
    ("J", ("pg_julian_day", 0)),
    ("CC", ToCharCentury()),
    ("MONTH", ("%B", "upper", 9)),
    ("Month", ("%B", None, 9)),
    ("month", ("%B", "lower", 9)),
    ("MON", ("%b", "upper", 0)),
    ("Mon", ("%b", None, 0)),
    ("mon", ("%b", "lower", 0)),
    ("MM", "%m"),
    ("DAY", ("%A", "upper", 9)),
    ("Day", ("%A", None, 9)),
    ("day", ("%A", "lower", 9)),
    ("DY", ("%a", "upper", 0)),
    ("Dy", ("%a", None, 0)),
    ("dy", ("%a", "lower", 0)),
    ("DDD", "%j"),
    ("DD", "%d"),
    ("D", ("pg_day_of_week", 0)),
    # the zone of a timestamptz, always UTC here (a timestamp without time zone has no TZ, and +00 as offset)
    ("TZH", "+00"),
    ("TZM", "00"),
    ("OF", "+00"),
    ("TZ", "UTC"),
    ("tz", "utc"),
]
TO_CHAR_ZONE = ("TZH", "TZM", "OF", "TZ", "tz")


TO_CHAR_REFUSED = ("IDDD",)
# Patterns written in upper case whose lower-case spelling is the same pattern (numbers have no case); the others
# (AM, MONTH, DAY, TZ, ...) have their own entry per spelling.
TO_CHAR_CASED = ("AM", "PM", "MONTH", "MON", "DAY", "DY", "TZ", "BC", "AD", "B.C.", "A.D.")


def _to_char_pattern_at(fmt: str, j: int, pattern: str) -> bool:
    if fmt.startswith(pattern, j):
        return True
    return pattern.isupper() and pattern not in TO_CHAR_CASED and fmt.startswith(pattern.lower(), j)


def _is_timestamp_without_zone(ts: exp.Expr) -> bool:
    """Whether ``ts`` is a ``timestamp`` (without time zone): a cast to it or ``x at time zone z``."""
    while isinstance(ts, exp.Paren):
        ts = ts.this
    if isinstance(ts, exp.Column) and (values := values_column(ts)):
        return any(_is_timestamp_without_zone(value) for value in values)  # a column of a VALUES list of them
    return isinstance(ts, exp.AtTimeZone) or isinstance(ts, exp.Cast) and ts.to.this == exp.DataType.Type.TIMESTAMP


def number_to_char(value: exp.Expr, fmt: str, scope: Scope) -> exp.Expr:
    """``to_char(number, format)``: ``pg_to_char_number`` (``numformat``) of the number's text, Postgres's where the
    query decides it (an integer's digits, a numeric's decimals), else the double DuckDB computes (a double's
    shortest text, which reads back as the same double: ``to_char(float8)`` rounds it as C's printf does)."""
    try:
        numformat.parse(fmt)
    except ValueError as exc:
        raise QueryError(str(exc)) from None
    if isinstance(value, exp.Literal) and value.is_string:
        raise QueryError("function to_char(unknown, unknown) is not unique")
    is_float = _is_float(value, scope)
    text = None if is_float else _numeric_operand_text(value, scope)
    if text is None:
        text = exp.cast(value.copy(), exp.DataType.build("VARCHAR"))
    return call("pg_to_char_number", text, string(fmt), exp.Boolean(this=is_float))


def to_char(ts: exp.Expr, fmt: str, known_time: bool = False) -> exp.Expr:
    """``to_char(timestamp, format)`` as a concatenation of DuckDB ``strftime`` pieces and literal text.
    ``known_time``: ``ts`` is known to be a date or timestamp, so digits in ``fmt`` are literal text (they are
    number patterns when ``to_char`` formats a number)."""
    parts: list[exp.Expr] = []
    literal = ""
    # years counted astronomically (DuckDB's year of a BC timestamptz is the year of its era)
    wall_time = exp.cast(ts.copy(), exp.DataType.build("TIMESTAMP"))

    def flush():
        nonlocal literal
        if literal:
            parts.append(string(literal))
            literal = ""

    i = 0
    while i < len(fmt):
        fill_mode = fmt[i : i + 2] in ("FM", "fm")
        # TM (translation mode): month and day names in the locale's words (C: English) without trailing blanks
        translated = not fill_mode and fmt[i : i + 2] in ("TM", "tm")
        j = i + 2 if fill_mode or translated else i
        if fmt[j : j + 1] == '"':
            end = fmt.find('"', j + 1)
            literal += fmt[j + 1 : end if end >= 0 else len(fmt)]
            i = end + 1 if end >= 0 else len(fmt)
            continue
        if fmt[j : j + 1] == "\\" and j + 1 < len(fmt):
            literal += fmt[j + 1]
            i = j + 2
            continue
        refused = next((r for r in TO_CHAR_REFUSED if _to_char_pattern_at(fmt, j, r)), None)
        if refused:
            # a longer pattern that begins like a supported one: never translated as that one
            raise UnsupportedFeature(f"unsupported Postgres feature: to_char pattern {refused!r}")
        for pattern, spec in TO_CHAR_PATTERNS:
            if _to_char_pattern_at(fmt, j, pattern):
                flush()
                if pattern in TO_CHAR_ZONE:
                    without_zone = pattern.lower() == "tz" and _is_timestamp_without_zone(ts)
                    parts.append(string("" if without_zone else spec))
                elif isinstance(spec, ToCharYear):
                    year = call(spec.function, wall_time.copy())
                    parts.append(call("pg_to_char_year", year, exp.Literal.number(spec.digits),
                                      exp.Boolean(this=fill_mode)))
                elif isinstance(spec, ToCharCentury):
                    century = call("pg_century", wall_time.copy())
                    parts.append(call("pg_to_char_century", century, exp.Boolean(this=fill_mode)))
                elif isinstance(spec, ToCharEra):
                    before = exp.LTE(this=call("year", wall_time.copy()), expression=exp.Literal.number(0))
                    parts.append(exp.Case().when(before, string(spec.before_christ)).else_(string(spec.anno_domini)))
                elif isinstance(spec, tuple) and len(spec) == 2:
                    # a number from a DuckDB function or macro, zero-padded to ``width`` digits unless FM
                    function, width = spec
                    piece = exp.cast(call(function, ts.copy()), exp.DataType.build("VARCHAR"))
                    if width and not fill_mode:
                        piece = call("lpad", piece, exp.Literal.number(width), string("0"))
                    parts.append(piece)
                elif isinstance(spec, str):
                    piece = (
                        spec.replace("%", "%-")
                        if fill_mode and spec in ("%H", "%I", "%M", "%S", "%m", "%d", "%j")
                        else spec
                    )
                    parts.append(call("strftime", ts.copy(), string(piece)))
                else:
                    code, case, width = spec
                    piece: exp.Expr = call("strftime", ts.copy(), string(code))
                    if case:
                        piece = call(case, piece)
                    if width and not (fill_mode or translated):
                        piece = call("rpad", piece, exp.Literal.number(width), string(" "))
                    parts.append(piece)
                i = j + len(pattern)
                suffix = fmt[i : i + 2]
                numbered = isinstance(spec, (str, ToCharYear, ToCharCentury)) or len(spec) == 2 and not isinstance(
                    spec, ToCharEra)
                if suffix in ("th", "TH") and spec != "%p" and numbered and pattern != "Y,YYY":
                    # an ordinal suffix after a number: 1st, 2nd, 3rd, 11th (upper case for TH)
                    number = exp.cast(parts[-1].copy(), exp.DataType.build("INTEGER"))
                    ordinal = call("pg_ordinal_suffix", number)
                    parts.append(call("upper", ordinal) if suffix == "TH" else ordinal)
                    i += 2
                break
        else:
            if fmt[j] in "09" and not known_time:
                raise UnsupportedFeature("unsupported Postgres feature: to_char of a number (pattern '9' or '0')")
            if fmt[j].isalpha() and fmt[j].upper() in "YIQWDJCRSBEAP":
                raise UnsupportedFeature(f"unsupported Postgres feature: to_char pattern near {fmt[j : j + 4]!r}")
            literal += fmt[j]
            i = j + 1
    flush()
    if not parts:
        return string("")
    result = exp.Case().when(exp.Is(this=ts.copy(), expression=exp.Null()), exp.Null())
    return result.else_(call("concat", *parts) if len(parts) > 1 else parts[0])


class CaptureGroup(NamedTuple):
    """A capture group of a regular expression: its own pattern, whether a match can leave it out (it, or a group
    around it, is optional: ``?``, ``*``, ``{0,n}``; or it is in an alternative ``a|b``), and, when what makes it
    optional is a group around it, a witness: (a pattern whose capture group ``number`` takes part in a match
    exactly when this group does, ``number``, that group's own pattern)."""

    pattern: str
    optional: bool
    witness: tuple[str, int, str] | None


def capture_groups(pattern: str) -> list[CaptureGroup]:
    """The capture groups of a regular expression, in order. Parentheses inside ``[...]``, escaped ones and
    ``(?...)`` groups do not capture."""
    units: list[dict] = []  # every group, in the order it opens: paren position, content span, capture number
    captures: list[dict] = []  # the capturing ones, each with what makes it optional (innermost first)
    stack: list[tuple[dict, bool]] = []  # (open group, alternation seen in it)
    alternation, i = False, 0  # alternation: a top-level ``|``
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                if pattern[i] == "\\":
                    i += 1
                elif pattern.startswith("[:", i) and ":]" in pattern[i + 2 :]:
                    i = pattern.index(":]", i + 2) + 1
                i += 1
            i += 1
            continue
        if ch == "(":
            capturing = pattern[i + 1 : i + 2] != "?"
            unit = {"paren": i, "start": i + 1 if capturing else i + 3, "end": None, "captures_before": len(captures),
                    "capture": len(captures) if capturing else None, "cause": None}
            units.append(unit)
            if capturing:
                captures.append(unit)
            stack.append((unit, False))
        elif ch == "|":
            if stack:
                stack[-1] = (stack[-1][0], True)
            else:
                alternation = True
        elif ch == ")" and stack:
            unit, alternated = stack.pop()
            unit["end"] = i
            inside = [c for c in captures if c["paren"] > unit["paren"]]
            if alternated:
                for capture in inside:
                    capture["cause"] = capture["cause"] or "alternative"
            if pattern[i + 1 : i + 2] in ("?", "*") or re.match(r"\{0*,|\{0+\}", pattern[i + 1 :]):
                for capture in inside + ([unit] if unit["capture"] is not None else []):
                    capture["cause"] = capture["cause"] or unit
        i += 1
    groups = []
    for capture in captures:
        cause = capture["cause"] or ("alternative" if alternation else None)
        witness = None
        if isinstance(cause, dict) and cause is not capture and cause["end"] is not None:
            content = pattern[cause["start"] : cause["end"]]
            if cause["capture"] is not None:
                witness = (pattern, cause["capture"] + 1, content)
            elif pattern.startswith("(?:", cause["paren"]):  # the same pattern with that group capturing
                witness = (pattern[: cause["paren"] + 1] + pattern[cause["paren"] + 3 :], cause["captures_before"] + 1,
                           content)
        end = capture["end"] if capture["end"] is not None else len(pattern)
        groups.append(CaptureGroup(pattern[capture["start"] : end], cause is not None, witness))
    return groups


def group_text(subject: exp.Expr, pattern: str, number: int, group: CaptureGroup | None,
               flags: str = "") -> exp.Expr:
    """The text capture group ``number`` of ``pattern`` matched (0: the whole match). A group left out of the
    match is NULL in Postgres, where DuckDB gives '': when the group cannot match '' itself, '' means it was left
    out; when it can, the group around it that makes it optional tells (it took part, so the group matched '');
    without one the two cannot be told apart and the query fails rather than guess. ``flags``: the RE2 flag group
    that ``pattern`` starts with (regexp_match's flags), which the witness needs too."""
    extracted = call("regexp_extract", subject.copy(), string(pattern), exp.Literal.number(number))
    if group is None or not group.optional:
        return extracted
    result = exp.Case().when(exp.NEQ(this=extracted, expression=string("")), extracted.copy()).when(
        exp.Not(this=call("regexp_full_match", string(""), string(group.pattern))), exp.Null())
    if group.witness:
        witness, witness_number, witness_group = group.witness
        took_part = exp.NEQ(this=call("regexp_extract", subject.copy(), string(flags + witness),
                                      exp.Literal.number(witness_number)), expression=string(""))
        result = result.when(exp.Not(this=call("regexp_full_match", string(""), string(witness_group))),
                             exp.Case().when(took_part, string("")))
    unknown = raise_error(f"unsupported Postgres feature: regexp capture group {number} is optional and "
                          "can match an empty string (RE2 cannot tell it from a group left out)")
    return result.else_(exp.cast(unknown, exp.DataType.build("VARCHAR")))


def regexp_match(args: list[exp.Expr]) -> exp.Expr:
    """``regexp_match(text, pattern [, flags])``: the capture groups (or the whole match) as a list, NULL if none."""
    subject, pattern = args[0], args[1]
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise UnsupportedFeature("unsupported Postgres feature: regexp_match with a pattern that is not a literal")
    flag_group, pattern = flagged_pattern(pattern, regex_options(args[2] if len(args) > 2 else None, "regexp_match"),
                                          "regexp_match")
    groups = capture_groups(pattern.this)
    text = flag_group + pattern.this
    items = [group_text(subject, text, n, groups[n - 1], flag_group) for n in range(1, len(groups) + 1)] or [
        group_text(subject, text, 0, None)]
    return exp.Case().when(call("regexp_matches", subject.copy(), string(text)), exp.Array(expressions=items))


def regexp_matches_list(args: list[exp.Expr]) -> exp.Expr:
    """``regexp_matches(text, pattern [, flags])`` (set-returning) as the list of its rows: each match's capture
    groups (or the whole match) as an array, NULL for a group left out; the first match only without the 'g'
    flag."""
    if len(args) not in (2, 3):
        raise QueryError(f"function regexp_matches() takes 2 or 3 arguments, got {len(args)}")
    subject, pattern = args[0], args[1]
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise UnsupportedFeature("unsupported Postgres feature: regexp_matches with a pattern that is not a literal")
    flags = "" if len(args) == 2 else args[2].this if isinstance(args[2], exp.Literal) and args[2].is_string else None
    if flags is None:
        raise UnsupportedFeature("unsupported Postgres feature: regexp_matches() with flags that are not a literal")
    flag_group, pattern = flagged_pattern(pattern, regex_options(string(flags.replace("g", "")), "regexp_matches"),
                                          "regexp_matches")
    text = flag_group + pattern.this
    numbers = range(1, len(capture_groups(pattern.this)) + 1) or [0]
    groups = [call("regexp_extract_all", subject.copy(), string(text), exp.Literal.number(n)) for n in numbers]
    position = exp.column("pg_match")
    row = exp.Array(expressions=[call("list_extract", g, position.copy()) for g in groups])
    count = call("len", groups[0].copy())
    matches = call("list_transform", call("range", exp.Literal.number(1), exp.Add(this=count, expression=exp.Literal.number(1))),
                   exp.Lambda(this=row, expressions=[exp.to_identifier("pg_match")]))
    return matches if "g" in flags else call("list_slice", matches, exp.Literal.number(1), exp.Literal.number(1))


def rewrite_substring(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``substring(s from 'pattern')`` is a POSIX regular expression match in Postgres: the text matching the
    first parenthesized group (or the whole match), NULL without a match. With a number it is positional."""
    start = node.args.get("start") if isinstance(node, exp.Substring) else None
    if not (isinstance(start, exp.Literal) and start.is_string):
        return node
    if node.args.get("length") is not None:
        raise UnsupportedFeature("unsupported Postgres feature: substring(... similar ... escape ...)")
    groups = capture_groups(start.this)
    subject = node.this
    return exp.Case().when(
        call("regexp_matches", subject.copy(), start.copy()),
        group_text(subject, start.this, 1, groups[0]) if groups else group_text(subject, start.this, 0, None),
    )


# Columns of Steampipe's aws_cloudtrail_trail_event that are not data but the API call's parameters (key columns
# filled from the WHERE clause): log_group_name is required there, so every Steampipe query over the table has
# ``log_group_name = '...'``. iamsql keeps events from any source (S3 delivery, LookupEvents, exports), where the
# log group is not known: such an event matches any log group named in the query.
KEY_COLUMN_QUALS = {("aws_cloudtrail_trail_event", "log_group_name")}
UNSUPPORTED_QUALS = {
    ("aws_cloudtrail_trail_event", "filter"): "a CloudWatch Logs filter pattern (filter = '...')",
    # LookupEvents' resource list is not part of the CloudTrail record, so iamsql does not have it.
    ("aws_cloudtrail_lookup_event", "resource_name"): "LookupEvents' resource filter (resource_name)",
    ("aws_cloudtrail_lookup_event", "resource_type"): "LookupEvents' resource filter (resource_type)",
}
# Steampipe's filter-only columns of aws_cloudtrail_lookup_event: a condition on them is the call's StartTime /
# EndTime (events at or after / at or before the time), so it becomes that condition on event_time. Each maps the
# comparison it accepts (the column on the left) to the one on event_time: ``start_time >= x`` and
# ``start_time = x`` (Steampipe's own form, which passes x as StartTime) keep the events at or after x,
# ``start_time > x`` those after it; ``end_time`` the same way towards the past. The other comparisons (``start_time
# < x``) ask for no time window LookupEvents has and are refused.
FILTER_ONLY_QUALS: dict[tuple[str, str], dict[type[exp.Expr], type[exp.Expr]]] = {
    ("aws_cloudtrail_lookup_event", "start_time"): {exp.EQ: exp.GTE, exp.GTE: exp.GTE, exp.GT: exp.GT},
    ("aws_cloudtrail_lookup_event", "end_time"): {exp.EQ: exp.LTE, exp.LTE: exp.LTE, exp.LT: exp.LT},
}
# A comparison read with its operands swapped (``x <= start_time`` is ``start_time >= x``), and its operator.
_MIRRORED = {exp.EQ: exp.EQ, exp.GTE: exp.LTE, exp.LTE: exp.GTE, exp.GT: exp.LT, exp.LT: exp.GT}
_OPERATORS = {exp.EQ: "=", exp.GTE: ">=", exp.LTE: "<=", exp.GT: ">", exp.LT: "<"}


def _qual_column(node: exp.Expr, scope: "Scope") -> tuple[str, str] | None:
    """(table, column) when ``node`` is a column of one of the query's Steampipe tables (by alias or alone)."""
    if not isinstance(node, exp.Column):
        return None
    tables = [scope.tables[node.table]] if node.table in scope.tables else [] if node.table else scope.tables.values()
    owners = {t for t in tables if node.name in TABLE_COLUMNS.get(t, {})}
    return (owners.pop(), node.name) if len(owners) == 1 else None


def rewrite_key_column_quals(node: exp.Expr, scope: Scope) -> exp.Expr:
    """Steampipe's key columns in WHERE: ``log_group_name = '...'`` also keeps events whose log group is not
    known; a filter-only column's condition (``FILTER_ONLY_QUALS``) becomes the one on the data it selects."""
    if isinstance(node, exp.Select):
        return _with_filter_only_values(node, scope)
    if type(node) in _MIRRORED and (filtered := _filter_only_qual(node, scope)) is not None:
        return filtered
    if not isinstance(node, exp.EQ):
        return node
    column, value = node.this, node.expression
    if isinstance(column, exp.Literal):
        column, value = value, column
    owner = _qual_column(column, scope)
    if owner in UNSUPPORTED_QUALS:
        raise UnsupportedFeature(f"unsupported Steampipe feature: {UNSUPPORTED_QUALS[owner]} on {owner[0]}")
    if owner not in KEY_COLUMN_QUALS or not isinstance(value, exp.Literal):
        return node
    return exp.paren(exp.or_(node, exp.Is(this=column.copy(), expression=exp.Null()), copy=False), copy=False)


def _with_filter_only_values(select: exp.Select, scope: Scope) -> exp.Select:
    """The select list's filter-only columns as the value their condition in WHERE gives them (Steampipe fills such
    a column from the qual): ``select start_time ... where start_time >= x`` selects x. A column with no such
    condition stays NULL."""
    where = select.args.get("where")
    values: dict[tuple[str, str], exp.Expr] = {}
    for condition in where.this.flatten() if where is not None and isinstance(where.this, exp.And) else \
            [where.this] if where is not None else []:
        if type(condition) not in _MIRRORED:
            continue
        for column, value in ((condition.this, condition.expression), (condition.expression, condition.this)):
            if (owner := _qual_column(column, scope)) in FILTER_ONLY_QUALS:
                values.setdefault(owner, value)
    if not values:
        return select

    def filled(node: exp.Expr) -> exp.Expr:
        owner = _qual_column(node, scope)
        return exp.cast(values[owner].copy(), exp.DataType.build("TIMESTAMPTZ")) if owner in values else node

    projections = []
    for projection in select.expressions:
        replaced = projection.transform(filled)
        if replaced is not projection and isinstance(projection, exp.Column):
            replaced = exp.alias_(replaced, projection.name)
        projections.append(replaced)
    select.set("expressions", projections)
    return select


def _filter_only_qual(node: exp.Expr, scope: Scope) -> exp.Expr | None:
    """``start_time >= x`` on aws_cloudtrail_lookup_event as ``event_time >= x`` (``FILTER_ONLY_QUALS``); None
    when neither operand is a filter-only column."""
    kind, column, value = type(node), node.this, node.expression
    owner = _qual_column(column, scope)
    if owner not in FILTER_ONLY_QUALS:
        kind, column, value = _MIRRORED[kind], value, column
        owner = _qual_column(column, scope)
        if owner not in FILTER_ONLY_QUALS:
            return None
    if kind not in FILTER_ONLY_QUALS[owner]:
        accepted = ", ".join(f"{owner[1]} {_OPERATORS[operator]} ..." for operator in FILTER_ONLY_QUALS[owner])
        raise UnsupportedFeature(f"unsupported Steampipe feature: {owner[1]} of {owner[0]} is the call's "
                                 f"{'StartTime' if owner[1] == 'start_time' else 'EndTime'} parameter, "
                                 f"compared only as {accepted}")
    event_time = exp.column("event_time", table=column.table or None)
    return FILTER_ONLY_QUALS[owner][kind](this=event_time, expression=value.copy())


def is_boolean(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is known to be a boolean in the Postgres query (a predicate, a cast, a boolean column,
    ``bool_and``/``bool_or``/``every``)."""
    if isinstance(node, exp.Paren):
        return is_boolean(node.this, scope)
    if isinstance(node, (exp.Boolean, exp.Predicate, exp.Not, exp.Connector, exp.LogicalAnd, exp.LogicalOr)):
        return True
    if isinstance(node, (exp.Exists, exp.StartsWith)) or func_name(node) == "every":
        return True
    if isinstance(node, (exp.Filter, exp.Window)):
        return is_boolean(node.this, scope)
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.BOOLEAN
    return isinstance(node, exp.Column) and scope.column_type(node) == "BOOLEAN"


def is_row(node: exp.Expr) -> bool:
    """Whether ``node`` is a row constructor: ``row(a, b)`` or ``(a, b)``."""
    return isinstance(node, exp.Tuple) or func_name(node) == "row" and isinstance(node, exp.Anonymous)


def record_text(node: exp.Expr, scope: Scope) -> exp.Expr:
    """A row's text as Postgres's record_out writes it: ``(alice,t,)``, each field its output text (NULL as
    nothing), in double quotes when empty or holding a quote, a backslash, a parenthesis, a comma or a blank."""
    fields = [call("pg_record_field", exp.cast(output_text(field.copy(), scope), exp.DataType.build("VARCHAR")))
              for field in node.expressions]
    pieces = [string("(")]
    for position, field in enumerate(fields):
        pieces += [string(",")] * bool(position) + [field]
    return exp.Concat(expressions=[*pieces, string(")")], safe=True, coalesce=True)


def output_text(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``node`` as the text Postgres's output function writes, as ``concat``, ``concat_ws`` and ``format`` use it:
    a boolean is ``t`` or ``f`` (unlike ``::text``, which gives ``true``), a jsonb value is jsonb's text, an array
    Postgres's array text, a row its record text, a BC date or time ends in `` BC``."""
    if is_row(node):
        return record_text(node, scope)
    if scope.is_json(node):
        return json_text(node, scope)
    if scope.is_array(node):
        return array_text(node, scope)
    if is_interval(node, scope):
        return call("pg_interval_out", node)
    if is_boolean(node, scope):
        return exp.Case().when(node.copy(), string("t")).when(exp.Not(this=exp.paren(node.copy())), string("f"))
    if is_date(node) or is_timestamptz(node, scope) or _is_timestamp_without_zone(node):
        return time_text(node)
    return number_text(node, scope) or node


FORMAT_SPECIFIER = re.compile(r"%(?:(\d+)\$)?(-)?(\d+|\*(?:(\d+)\$)?)?(.?)", re.S)


def format_text(args: list[exp.Expr], scope: Scope) -> exp.Expr:
    """``format('... %s ...', a, ...)`` as a concatenation: ``%s`` is an argument's text (NULL as empty), ``%L`` it
    as an SQL literal (NULL unquoted), ``%I`` as an identifier (quoted as ``quote_ident`` does; NULL is an error),
    ``%%`` a percent sign; ``%2$s`` names the argument (the next specifier
    takes the one after it), ``%-10s`` / ``%10s`` pad to a width on the right / left; ``%*s`` and ``%*2$s`` take
    the width from an argument (the next one, or the one named, before the value's), a negative width pads on the
    right and a NULL one is 0, as in Postgres."""
    template = args[0] if args else None
    if not (isinstance(template, exp.Literal) and template.is_string):
        raise UnsupportedFeature("unsupported Postgres feature: format() with a format that is not a literal")
    values = args[1:]
    pieces: list[exp.Expr] = []
    text, position, following = template.this, 0, 0

    def argument(index: int) -> exp.Expr:
        if index < 0 or index >= len(values):
            raise QueryError("too few arguments for format()")
        return values[index]

    while position < len(text):
        percent = text.find("%", position)
        if percent < 0:
            pieces.append(string(text[position:]))
            break
        if percent > position:
            pieces.append(string(text[position:percent]))
        match = FORMAT_SPECIFIER.match(text, percent)
        number, left, width, width_number, kind = match.groups()
        position = match.end()
        if kind == "%" and not (number or left or width):
            pieces.append(string("%"))
            continue
        if kind not in ("s", "L", "I"):
            raise UnsupportedFeature(f"unsupported Postgres feature: format() specifier {match.group(0)!r} "
                                     "(only %s, %I, %L and %%)")
        size: exp.Expr | None = None
        if width and width.startswith("*"):
            index = int(width_number) - 1 if width_number else following
            size = exp.Coalesce(this=exp.cast(argument(index).copy(), exp.DataType.build("INT")),
                                expressions=[exp.Literal.number(0)])
            following = index + 1
        elif width:
            size = exp.Literal.number(int(width))
        index = int(number) - 1 if number else following
        following = index + 1
        value = output_text(argument(index).copy(), scope)
        if kind == "L":
            value = call("pg_quote_nullable", exp.cast(value, exp.DataType.build("VARCHAR")))
        elif kind == "I":
            value = exp.Case().when(
                exp.Is(this=value.copy(), expression=exp.Null()),
                raise_error("null values cannot be formatted as an SQL identifier"),
            ).else_(call("pg_quote_ident", exp.cast(value, exp.DataType.build("VARCHAR"))))
        elif size is not None:
            value = exp.Coalesce(this=exp.cast(value, exp.DataType.build("VARCHAR")), expressions=[string("")])
        if size is not None:
            pieces.append(padded(value, size, bool(left)))
        else:
            pieces.append(value)
    return exp.Concat(expressions=pieces or [string("")], safe=True, coalesce=True)


def padded(value: exp.Expr, size: exp.Expr, left: bool) -> exp.Expr:
    """``value`` padded with spaces to ``size`` characters as format()'s width pads it: on the left, or on the right
    for the ``-`` flag or a negative ``size``; a longer value is kept whole."""
    fixed = isinstance(size, exp.Literal)
    width = exp.Literal.number(int(size.this)) if fixed else call("abs", size.copy())

    def pad(function: str) -> exp.Expr:
        return call(function, value.copy(), width.copy(), string(" "))

    result = exp.Case().when(exp.GTE(this=call("length", value.copy()), expression=width.copy()), value.copy())
    if left or fixed:
        return result.else_(pad("rpad" if left else "lpad"))
    return result.when(exp.LT(this=size.copy(), expression=exp.Literal.number(0)), pad("rpad")).else_(pad("lpad"))


def string_to_array(node: exp.StringToArray) -> exp.Expr:
    """``string_to_array(s, d[, n])``: an empty ``s`` gives an empty array, a NULL ``d`` splits into characters and an
    empty ``d`` gives ``s`` whole (DuckDB's split gives ``['']``, ``[s]`` and characters for these)."""
    if node.args.get("null") is not None:
        # string_to_array(s, d, n): the elements equal to n are NULL
        whole = node.copy()
        whole.set("null", None)
        result = call("pg_array_nulls", string_to_array(whole), node.args["null"])
        result.meta["pg_array"] = True
        return result
    text, delimiter = node.this, node.expression
    split = exp.StringToArray(this=text.copy(), expression=delimiter.copy())
    by_character = exp.StringToArray(this=text.copy(), expression=string(""))
    split.meta["pg_split"] = by_character.meta["pg_split"] = True  # the engine's split: not rewritten again
    empty = exp.EQ(this=text.copy(), expression=string(""))
    result = exp.Case().when(exp.Is(this=text.copy(), expression=exp.Null()), exp.Null()).when(empty, exp.Array())
    result.meta["pg_array"] = True
    if isinstance(delimiter, exp.Null):
        return result.else_(by_character)
    if isinstance(delimiter, exp.Literal) and delimiter.is_string:
        return result.else_(exp.Array(expressions=[text.copy()]) if delimiter.this == "" else split)
    result = result.when(exp.Is(this=delimiter.copy(), expression=exp.Null()), by_character)
    result = result.when(exp.EQ(this=delimiter.copy(), expression=string("")), exp.Array(expressions=[text.copy()]))
    return result.else_(split)


MAKE_INTERVAL_PARTS = [("year", "to_years"), ("month", "to_months"), ("week", "to_weeks"), ("day", "to_days"),
                       ("hour", "to_hours"), ("minute", "to_minutes")]


def _is_bigint(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is known to be a Postgres bigint: a bigint column, a bigint cast, arithmetic with one."""
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _is_bigint(node.this, scope)
    if isinstance(node, exp.Column):
        # a value of generate_series(0, 6) is an integer (DuckDB's series is a bigint)
        return scope.column_type(node) == "BIGINT" and not scope.is_int4(node)
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.BIGINT
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.IntDiv, exp.Mod)):
        sides = (node.this, node.expression)
        return any(_is_bigint(side, scope) for side in sides) and all(scope.is_int(side) or _is_bigint(side, scope)
                                                                       for side in sides)
    return False


def refuse_bigint_interval_parts(node: exp.MakeInterval, scope: Scope) -> None:
    """make_interval's parts but the seconds are integers in Postgres, which does not narrow a bigint to one (there
    is no make_interval(days => bigint)); DuckDB would take it."""
    for key, _ in MAKE_INTERVAL_PARTS:
        value = node.args.get(key)
        name = value.this.name if isinstance(value, exp.Kwarg) else key
        value = value.expression if isinstance(value, exp.Kwarg) else value
        if value is not None and _is_bigint(value, scope):
            raise UnsupportedFeature(f"function make_interval({name} => bigint) does not exist in PostgreSQL: cast "
                                     "it, ::int")


def make_interval(node: exp.MakeInterval) -> exp.Expr:
    """``make_interval(years, months, weeks, days, hours, mins, secs)``, positional or named: a sum of DuckDB
    intervals, the seconds rounded to microseconds half to even (Postgres's rint)."""
    def argument(key: str) -> exp.Expr | None:
        value = node.args.get(key)
        return value.expression if isinstance(value, exp.Kwarg) else value

    parts: list[exp.Expr] = [call(function, argument(key)) for key, function in MAKE_INTERVAL_PARTS if argument(key)]
    if argument("second") is not None:
        seconds = exp.cast(exp.paren(argument("second")), exp.DataType.build("DOUBLE"))  # double precision, as in Postgres
        micros = call("round_even", exp.Mul(this=seconds, expression=exp.Literal.number(1000000)),
                      exp.Literal.number(0))
        parts.append(call("to_microseconds", exp.cast(micros, exp.DataType.build("BIGINT"))))
    if not parts:
        return exp.Interval(this=string("0"), unit=exp.var("SECOND"))
    result = parts[0]
    for part in parts[1:]:
        result = exp.Add(this=result, expression=part)
    result = exp.paren(result)
    result.meta["pg_interval"] = True  # written as Postgres writes intervals (``-1 days``)
    return result


# Postgres regular-expression atoms that look at the text before the search's start: ``^`` and ``\A`` (the start of
# the text) and the word boundaries ``\y``, ``\Y``, ``\m``, ``\M``
START_CONTEXT_ATOMS = ("^", "\\A", "\\y", "\\Y", "\\m", "\\M")
# An RE2 atom that matches nothing (``^`` of a search starting past the text's start, outside newline-sensitive mode)
NO_MATCH = "[^\\x00-\\x{10FFFF}]"


class RegexOptions(NamedTuple):
    """What a Postgres flags string asks of a regular expression: ignore case, ``.`` and ``[^...]`` match a newline,
    ``^`` and ``$`` match at every line, expanded syntax (``x``), the pattern is a literal text (``q``)."""
    ignore_case: bool = False
    dot_newline: bool = True
    lines: bool = False
    expanded: bool = False
    literal: bool = False


# Postgres's ARE flag letters -> the options they set (the last one of a kind wins); 'b' and 'e' (BRE and ERE
# syntax) are refused, 'g' is refused by the functions that take no 'global' option
FLAG_OPTIONS = {"i": {"ignore_case": True}, "c": {"ignore_case": False},
                "n": {"dot_newline": False, "lines": True}, "m": {"dot_newline": False, "lines": True},
                "p": {"dot_newline": False, "lines": False}, "w": {"dot_newline": True, "lines": True},
                "s": {"dot_newline": True, "lines": False}, "x": {"expanded": True}, "t": {"expanded": False},
                "q": {"literal": True}}


def regex_options(flags: exp.Expr | None, name: str) -> RegexOptions:
    """The options of a regular-expression function's literal ``flags`` argument, as Postgres reads them."""
    if flags is None:
        return RegexOptions()
    if not (isinstance(flags, exp.Literal) and flags.is_string):
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with flags that are not a literal")
    options = RegexOptions()
    for letter in flags.this:
        if letter == "g":
            raise QueryError(f'{name}() does not support the "global" option')
        if letter in "be":
            raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with the '{letter}' flag (basic or "
                                     "extended regular expression syntax)")
        if letter not in FLAG_OPTIONS:
            raise QueryError(f'invalid regular expression option: "{letter}"')
        options = options._replace(**FLAG_OPTIONS[letter])
    return options


def expanded_syntax(text: str) -> str:
    """A pattern in Postgres's expanded syntax (flag ``x``) in the tight one: white space and ``#`` comments outside
    a bracket expression dropped, an escaped white space kept as that character."""
    out, skipping = [], False
    for _, piece, inside in regex_pieces(text):
        if skipping:
            skipping = piece != "\n"
        elif inside:
            out.append(piece)
        elif piece == "#":
            skipping = True
        elif len(piece) == 2 and piece[1].isspace():
            out.append(f"\\x{{{ord(piece[1]):x}}}")
        elif not piece.isspace():
            out.append(piece)
    return "".join(out)


def flagged_pattern(pattern: exp.Expr, options: RegexOptions, name: str) -> tuple[str, exp.Expr]:
    """(RE2's flag group for the options, the pattern in RE2's tight syntax): the flag group goes first in the
    final pattern (after the ``(?s)`` every pattern gets, ``dot_matches_newline``); ``x`` and ``q`` need a literal
    pattern; with ``.`` not matching a newline a ``[^...]`` is refused (RE2's matches a newline, Postgres's then
    does not)."""
    literal = isinstance(pattern, exp.Literal) and pattern.is_string
    if (options.expanded or options.literal) and not literal:
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with the 'x' or 'q' flag and a pattern "
                                 "that is not a literal")
    if literal and options.literal:
        pattern = string(re.sub(r"([\\.^$|?*+()\[\]{}])", r"\\\1", pattern.this))
    elif literal and options.expanded:
        pattern = string(expanded_syntax(pattern.this))
    if not options.dot_newline and (not literal or any(
            piece == "[^" and not inside for _, piece, inside in regex_pieces(pattern.this))):
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with a newline-sensitive flag and a "
                                 "pattern that is not a literal or has [^...]")
    group = "(?" + "i" * options.ignore_case + "m" * options.lines + ("" if options.dot_newline else "-s") + ")"
    return ("" if group == "(?)" else group), pattern


def with_flag_group(group: str, pattern: exp.Expr) -> exp.Expr:
    if not group:
        return pattern
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return string(group + pattern.this)
    return exp.DPipe(this=string(group), expression=pattern)


def _top_level_group(pattern: str, number: int) -> tuple[int, int] | None:
    """(start, end) of the parentheses of capture group ``number`` when it stands at the top of ``pattern`` (in no
    other group, no ``|`` at the top, no quantifier after it but ``?``), else None."""
    depth, count, opened, top_bar, found = 0, 0, None, False, None
    for start, piece, inside in regex_pieces(pattern):
        if inside:
            continue
        if piece == "(":
            capturing = pattern[start + 1:start + 2] != "?"
            count += capturing
            if capturing and count == number:
                opened = start if depth == 0 else -1
            depth += 1
        elif piece == ")":
            depth -= 1
            if depth == 0 and opened is not None and found is None:
                found = (opened, start)
        elif piece == "|" and depth == 0:
            top_bar = True
    if found is None or found[0] < 0 or top_bar:
        return None
    following = pattern[found[1] + 1:found[1] + 3]
    return None if following[:1] and following[:1] in "*+{" or following == "??" else found


def _listed(text: exp.Expr, pattern: str, group: int, index: exp.Expr) -> exp.Expr:
    """Capture group ``group`` of match ``index`` of ``pattern`` in ``text`` (NULL past the last match)."""
    matches = call("regexp_extract_all", text.copy(), string(pattern), exp.Literal.number(group))
    matches.meta["pg_checked_pattern"] = True  # the query's own pattern was checked, the lazy prefix is ours
    return call("list_extract", matches, index.copy())


def nth_match_position(text: exp.Expr, pattern: str, flag_group: str, occurrence: exp.Expr, group: int | None,
                       end: exp.Expr | None, name: str) -> exp.Expr:
    """``regexp_instr``'s position of the ``occurrence``th match (of its capture group ``group``), after it with
    ``end``, 0 without one: every match listed with the text before it (``(.*?)(pattern)``, so the position is
    the sum of their lengths). A pattern or group that can match an empty text fails where it is evaluated (RE2
    steps past an empty match otherwise than Postgres, and an empty group is not told from one left out); a group
    is found where it stands at the top of the pattern (``(before)(group)after``)."""
    refuse_leftmost_first_differences(pattern)
    body, empty = "(" + pattern + ")", pattern
    if group is not None:
        span = _top_level_group(pattern, group)
        if span is None:
            raise UnsupportedFeature(f"unsupported Postgres feature: {name}() of a subexpression that is inside "
                                     "another group, repeated or in an alternative")
        body, empty = "(" + pattern[:span[0]] + ")" + pattern[span[0]:], pattern[span[0] + 1:span[1]]
    inner = flag_group + "((?s:.*?))" + body
    index = call("pg_regexp_occurrence", occurrence)
    # each match's whole text (the text before it included) up to the one asked for
    every = call("regexp_extract_all", text.copy(), string(inner), exp.Literal.number(0))
    every.meta["pg_checked_pattern"] = True
    lengths = call("list_transform", call("list_slice", every, exp.Literal.number(1),
                                          exp.Sub(this=index.copy(), expression=exp.Literal.number(1))),
                   exp.Lambda(this=call("length", exp.column("pg_m")), expressions=[exp.to_identifier("pg_m")]))
    position = exp.Add(this=call("coalesce", call("list_sum", lengths), exp.Literal.number(0)),
                       expression=exp.Add(this=call("length", _listed(text, inner, 1, index)),
                                          expression=exp.Literal.number(1)))
    taken = _listed(text, inner, 2 if group is None else group + 2, index)  # 1: the text before the match
    if group is not None:
        position = exp.Add(this=position, expression=call("length", _listed(text, inner, 2, index)))
    found = exp.And(this=exp.Not(this=exp.Is(this=taken.copy(), expression=exp.Null())),
                    expression=exp.NEQ(this=taken.copy(), expression=string("")))
    if end is not None:
        position = exp.Add(this=position, expression=exp.Case().when(call("pg_regexp_endoption", end), call(
            "length", taken.copy())).else_(exp.Literal.number(0)))
    unsupported = raise_error(f"unsupported Postgres feature: {name}() of a match other than the first or of a "
                              "subexpression, with a pattern or group that can match an empty text")
    can_be_empty = call("regexp_full_match", string(""), string(flag_group + empty))
    can_be_empty.meta["pg_checked_pattern"] = True
    return exp.Case().when(exp.Is(this=text.copy(), expression=exp.Null()), exp.null()).when(
        can_be_empty, exp.cast(unsupported, exp.DataType.build("INT"))).when(found, position).else_(
        exp.Literal.number(0))


def searched_from_past_start(pattern: exp.Expr, flag_group: str, name: str) -> exp.Expr:
    """The literal ``pattern`` of a search that starts past the text's first character: there the text's start is
    before the search's, so ``^`` and ``\\A`` match nothing; a pattern that is not a literal, or that looks before
    the start otherwise (a word boundary, ``^`` with a newline-sensitive flag), is refused."""
    pieces = list(regex_pieces(pattern.this)) if isinstance(pattern, exp.Literal) and pattern.is_string else None
    looks_back = pieces is not None and [piece for _, piece, inside in pieces
                                         if not inside and piece in START_CONTEXT_ATOMS]
    if pieces is None or looks_back and (set(looks_back) - {"^", "\\A"} or "m" in flag_group):
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with a start position and a pattern "
                                 "that is not a literal or looks before the start (a word boundary, ^ with a "
                                 "newline-sensitive flag)")
    if not looks_back:
        return pattern
    return string("".join(NO_MATCH if not inside and piece in ("^", "\\A") else piece for _, piece, inside in pieces))


def regexp_pg15(node: exp.Expr) -> exp.Expr:
    """``regexp_count(s, p [, start [, flags]])``: the number of matches from ``start``; ``regexp_substr(s, p [, start
    [, n [, flags [, subexpr]]]])``: the ``n``th match (or its group ``subexpr``), NULL without one; ``regexp_instr(s,
    p [, start [, n [, endoption [, flags [, subexpr]]]]])``: the position of the ``n``th match (of its group
    ``subexpr``; after it with ``endoption`` 1), 0 without one. ``start`` and ``n`` below 1 fail as in Postgres;
    ``flags`` are Postgres's letters (``regex_options``). The search from a ``start`` past 1 sees the text from
    there: ``^`` and ``\\A`` cannot match there (outside newline-sensitive mode), a word boundary or a pattern
    that is not a literal are refused."""
    args = node.args
    name = func_name(node)
    flag_group, pattern = flagged_pattern(node.expression, regex_options(args.get("parameters"), name), name)
    text, start, occurrence = node.this, args.get("position"), args.get("occurrence")
    offset = beyond = None
    if start is not None and not (isinstance(start, exp.Literal) and start.this == "1"):
        pattern = searched_from_past_start(pattern, flag_group, name)
        # Postgres searches nothing from past the end of the text (one past it is the empty rest)
        beyond = exp.GT(this=start.copy(), expression=exp.Add(this=call("length", text.copy()),
                                                              expression=exp.Literal.number(1)))
        text = call("pg_regexp_from", text, start)
        offset = exp.Sub(this=exp.paren(start.copy()), expression=exp.Literal.number(1))
    group = args.get("group")
    if group is not None and not (isinstance(group, exp.Literal) and group.is_int):
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with a subexpression that is not a number")
    full = with_flag_group(flag_group, pattern)
    if isinstance(node, exp.RegexpCount):
        count = exp.Length(this=call("regexp_extract_all", text, full))  # an integer, as length() is
        return count if beyond is None else exp.Case().when(beyond, exp.Literal.number(0)).else_(count)
    if isinstance(node, exp.RegexpSubstr):
        index = exp.Literal.number(1) if occurrence is None else call("pg_regexp_occurrence", occurrence)
        match = call("list_extract", call("regexp_extract_all", text, full, group or exp.Literal.number(0)), index)
        return match if beyond is None else exp.Case().when(beyond, exp.null()).else_(match)
    option = args.get("option")
    if option is not None and isinstance(option, exp.Literal) and option.this == "0":
        option = None
    if group is not None and group.this != "0" or occurrence is not None and not (
            isinstance(occurrence, exp.Literal) and occurrence.this == "1"):
        if not (isinstance(pattern, exp.Literal) and pattern.is_string):
            raise UnsupportedFeature(f"unsupported Postgres feature: {name}() of a match other than the first or of "
                                     "a subexpression, with a pattern that is not a literal")
        found = nth_match_position(text, pattern.this, flag_group, occurrence or exp.Literal.number(1),
                                   None if group is None or group.this == "0" else int(group.this), option, name)
        if offset is not None:
            found = exp.Case().when(exp.GT(this=found, expression=exp.Literal.number(0)),
                                    exp.Add(this=found.copy(), expression=offset)).else_(found.copy())
    else:
        matches = call("regexp_matches", text.copy(), full.copy())
        rest = exp.DPipe(this=exp.DPipe(this=string(flag_group + "(?:"), expression=pattern.copy()),
                         expression=string(")(?s:.*)"))
        position = exp.Add(this=call("length", call("regexp_replace", text.copy(), rest, string(""))),
                           expression=exp.Literal.number(1))
        if offset is not None:
            position = exp.Add(this=position, expression=offset)
        if option is not None:
            matched = call("length", call("regexp_extract", text.copy(), full.copy(), exp.Literal.number(0)))
            position = exp.Add(this=position, expression=exp.Case().when(
                call("pg_regexp_endoption", option), matched).else_(exp.Literal.number(0)))
        found = exp.Case().when(matches, position).when(exp.Not(this=matches.copy()), exp.Literal.number(0))  # NULL in, NULL out
    return found if beyond is None else exp.Case().when(beyond, exp.Literal.number(0)).else_(found)


def _replacement_groups_shifted(text: str, shift: int) -> str:
    """A Postgres ``regexp_replace`` replacement whose ``\\1``-``\\9`` and ``\\&`` name groups ``shift`` further on
    (``\\&``, the whole match, is group ``shift``)."""
    def shifted(match: re.Match) -> str:
        escape = match.group(1)
        if escape == "&" or escape.isdigit() and escape != "0":
            number = shift + (0 if escape == "&" else int(escape))
            if number > 9:
                raise UnsupportedFeature("unsupported Postgres feature: regexp_replace() of the Nth match with a "
                                         "pattern of so many groups that its replacement names a group past \\9")
            return "\\" + str(number)
        return match.group(0)
    return re.sub(r"\\(.)", shifted, text)


def regexp_replace_pg(node: exp.RegexpReplace) -> exp.Expr:
    """``regexp_replace(s, p, r [, start [, N]] [, flags])``: Postgres's flag letters as RE2's flag group (``g``,
    every match, stays DuckDB's option); from ``start`` the text before it is kept and ``^``/``\\A`` cannot match
    (a word boundary there, or ``^`` with a newline-sensitive flag, is refused); ``N`` = 0 replaces every match, 1
    the first, more the ``N``th: ``\\A((?:.*?p){N-1}.*?)(p)`` replaced by the text before it and the replacement (a
    pattern that can match an empty text fails where it is evaluated)."""
    name = "regexp_replace"
    flags, occurrence, start = (node.args.get(k) for k in ("modifiers", "occurrence", "position"))
    if flags is not None and not (isinstance(flags, exp.Literal) and flags.is_string):
        raise UnsupportedFeature("unsupported Postgres feature: regexp_replace() flags that are not a literal")
    letters = flags.this if flags is not None else ""
    group, pattern = flagged_pattern(node.expression, regex_options(string(letters.replace("g", "")), name), name)
    every = "g" in letters
    if occurrence is not None:
        if not (isinstance(occurrence, exp.Literal) and occurrence.is_int):
            raise UnsupportedFeature("unsupported Postgres feature: regexp_replace() of an Nth match that is not a "
                                     "number")
        every = occurrence.this == "0"  # N decides, not the flag
    text, kept = node.this, None
    literal = isinstance(pattern, exp.Literal) and pattern.is_string
    if start is not None and not (isinstance(start, exp.Literal) and start.this == "1"):
        pattern = searched_from_past_start(pattern, group, name)
        kept = call("substring", text.copy(), exp.Literal.number(1), exp.Sub(this=exp.paren(start.copy()),
                                                                             expression=exp.Literal.number(1)))
        text = call("pg_regexp_from", text, start)
    replacement = node.args.get("replacement")
    if occurrence is not None and occurrence.this not in ("0", "1"):
        if not literal or not (isinstance(replacement, exp.Literal) and replacement.is_string):
            raise UnsupportedFeature("unsupported Postgres feature: regexp_replace() of the Nth match with a pattern "
                                     "or replacement that is not a literal")
        refuse_leftmost_first_differences(pattern.this)
        groups = len(capture_groups(pattern.this))
        nth = (group + "\\A((?s:(?:.*?(?:" + pattern.this + ")){" + str(int(occurrence.this) - 1) + "}.*?))("
               + pattern.this + ")")
        replacement = string("\\1" + _replacement_groups_shifted(replacement.this, groups + 2))
        result = exp.RegexpReplace(this=text, expression=string(nth), replacement=replacement, single_replace=True)
        unsupported = raise_error("unsupported Postgres feature: regexp_replace() of the Nth match with a pattern "
                                  "that can match an empty text")
        result = exp.Case().when(call("regexp_full_match", string(""), string(group + pattern.this)),
                                 exp.cast(unsupported, exp.DataType.build("VARCHAR"))).else_(result)
    else:
        result = exp.RegexpReplace(this=text, expression=with_flag_group(group, pattern), replacement=replacement,
                                   modifiers=string("g") if every else None, single_replace=not every)
    for replaced in result.find_all(exp.RegexpReplace):
        replaced.meta["pg_replace"] = True
        replaced.meta["pg_checked_pattern"] = occurrence is not None and occurrence.this not in ("0", "1")
    return result if kept is None else exp.DPipe(this=kept, expression=result)


def encode_decode(node: exp.Encode | exp.Decode) -> exp.Expr:
    """``encode(bytea, 'hex' | 'base64')`` is text (base64 in lines of 76 characters, as Postgres writes it);
    ``decode(text, 'hex' | 'base64')`` is bytea."""
    charset = node.args.get("charset")
    kind = charset.this.lower() if isinstance(charset, exp.Literal) and charset.is_string else None
    if kind not in ("hex", "base64"):
        raise UnsupportedFeature(f"unsupported Postgres feature: {func_name(node)}() with a format other than 'hex' or 'base64'")
    if isinstance(node, exp.Encode):
        return call("lower", call("hex", node.this)) if kind == "hex" else call("pg_base64", node.this)
    return call("unhex", node.this) if kind == "hex" else call("from_base64", call("replace", node.this, call("chr", exp.Literal.number(10)), string("")))


def substring_from(node: exp.Substring) -> exp.Expr:
    """``substring(s, start [, count])`` with a start that may be below 1: Postgres counts from the virtual position
    ``start`` (``substr('hello', -1, 3)`` is ``h``); DuckDB counts a negative start from the end."""
    length = node.args.get("length")
    if length is None:
        return call("pg_substr_from", node.this, node.args["start"])
    return call("pg_substr", node.this, node.args["start"], length)


OBJECT_AGGREGATES = (exp.JSONObjectAgg, exp.JSONBObjectAgg)


def _object_agg_arguments(node: exp.Expr) -> tuple[exp.Expr, exp.Expr]:
    """(key, value) of ``json_object_agg`` (sqlglot keeps them as a list) or ``jsonb_object_agg``."""
    if isinstance(node, exp.JSONObjectAgg) and len(node.expressions) == 2:
        return node.expressions[0], node.expressions[1]
    return node.this, node.expression


def _is_ordered_object_agg(node: exp.Expr) -> bool:
    return isinstance(node, OBJECT_AGGREGATES) and isinstance(_object_agg_arguments(node)[1], exp.Order)


def listed_object_agg(node: exp.JSONObjectAgg | exp.JSONBObjectAgg, scope: Scope,
                      condition: exp.Expr | None = None) -> exp.Expr:
    """``json[b]_object_agg(k, v order by ...)``, or with ``filter (where condition)`` (DuckDB's json_group_object is
    a macro, which takes neither): the (key, JSON value) pairs listed (in that order), one object of them where a later
    pair's key wins (as jsonb keeps the last value, and json's ``->`` reads it); a NULL key is an error, as in
    Postgres."""
    name = "jsonb_object_agg" if isinstance(node, exp.JSONBObjectAgg) else "json_object_agg"
    key, value = _object_agg_arguments(node)
    order = value if isinstance(value, exp.Order) else None
    value = order.this if order else value
    clause = "order by" if order else "filter"
    if isinstance(node.parent, exp.Window) or isinstance(node.parent, exp.Filter) and isinstance(
            node.parent.parent, exp.Window):
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}(... {clause} ...) over a window")
    if not (is_text(key, scope) or scope.is_int(key) or is_boolean(key, scope)):
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}(... {clause} ...) with a key that is not text, "
                                 "an integer or a boolean")
    checked_key = exp.Case().when(exp.Is(this=key.copy(), expression=exp.Null()),
                                  raise_error("field name must not be null"))
    checked_key = checked_key.else_(exp.cast(key.copy(), exp.DataType.build("VARCHAR")))
    entry = exp.Struct(expressions=[
        exp.PropertyEQ(this=exp.to_identifier("k"), expression=checked_key),
        exp.PropertyEQ(this=exp.to_identifier("v"), expression=call("to_json", json_value(value.copy(), scope))),
    ])
    listed: exp.Expr = call("list", exp.Order(this=entry, expressions=[o.copy() for o in order.expressions])
                            if order else entry)
    if condition is not None:
        listed = exp.Filter(this=listed, expression=condition.copy())
    return call("pg_json_object_of", listed)


def _zero_literal(step: exp.Expr | None) -> bool:
    """Whether a ``generate_series`` step is a literal zero (``0``, ``0.0``, ``interval '0 days'``)."""
    while isinstance(step, (exp.Paren, exp.Neg)):
        step = step.this
    if isinstance(step, exp.Literal) and not step.is_string:
        return float(step.this) == 0
    if isinstance(step, exp.Interval) and isinstance(step.this, exp.Literal):
        return re.fullmatch(r"[-+]?0*(\.0*)?(\s*[a-z]+)?", step.this.this.strip().lower()) is not None
    return False


def numeric_series(node: exp.GenerateSeries | exp.ExplodingGenerateSeries, scope: Scope) -> exp.Expr | None:
    """``generate_series(start, stop[, step])`` of numerics as the list of its values (DuckDB's takes integers and
    timestamps only), or None when no bound is a numeric. Each value is ``start + i * step`` with the larger scale of
    the two, which is Postgres's text from the second value on: a start with fewer decimals than the step is refused
    (Postgres writes the first value with the start's)."""
    bounds = {k: node.args.get(k) for k in ("start", "end", "step") if node.args.get(k) is not None}
    if not any(is_numeric(b, scope) for b in bounds.values()) or any(_is_float(b, scope) for b in bounds.values()):
        return None
    step = bounds.get("step") or exp.Literal.number(1)
    start_scale, step_scale = numeric_scale(bounds["start"], scope), numeric_scale(step, scope)
    if start_scale is None or step_scale is None or start_scale < step_scale:
        raise UnsupportedFeature("unsupported Postgres feature: generate_series() of numerics where the start has "
                                 "fewer decimals than the step, or decimals the query does not decide")
    return call("pg_numeric_series", bounds["start"], bounds["end"], step)


def rewrite_functions(node: exp.Expr, scope: Scope) -> exp.Expr:
    if (member := built_number_member(node, scope)) is not None:
        return member
    if isinstance(node, (exp.Limit, exp.Offset, exp.Fetch)) and isinstance(node.parent, (exp.Select, exp.SetOperation)):
        return checked_bound(node)
    if isinstance(node, exp.Window) and isinstance(node.this, exp.AggFunc) and isinstance(node.this.this, exp.Distinct):
        raise QueryError("DISTINCT is not implemented for window functions")
    if isinstance(node, exp.Select) and node.args.get("qualify") and not node.args["qualify"].meta.get("pg_with_ties"):
        raise QueryError('syntax error at or near "qualify": Postgres has no QUALIFY (filter a subquery on the window '
                         "function instead)")
    if isinstance(node, exp.Select) and not node.expressions and isinstance(node.parent, (exp.Subquery, exp.Exists)):
        # ``exists (select from ...)``: Postgres takes a select list of no columns, DuckDB needs one
        replacement = node.copy()
        replacement.set("expressions", [exp.Literal.number(1)])
        return replacement
    if isinstance(node, exp.Window) and func_name(node.this) in ("jsonb_agg", "json_agg"):
        # over a window: the list is the window's aggregate, made JSON after it (to_json is no aggregate)
        window = node.copy()
        window.set("this", call("list", *[json_value(a.copy(), scope) for a in node.this.expressions]))
        return _json_numbers(call("to_json", window), _any_unknown_scale(node.this.expressions, scope))
    if isinstance(node, exp.Filter) and func_name(node.this) in ("jsonb_agg", "json_agg"):
        inner = node.this
        listed = call("list", *[json_value(a, scope) for a in inner.expressions])
        return _json_numbers(call("to_json", exp.Filter(this=listed, expression=node.expression)),
                             _any_unknown_scale(inner.expressions, scope))
    if _is_ordered_object_agg(node):
        return listed_object_agg(node, scope)
    if isinstance(node, exp.Filter) and isinstance(node.this, OBJECT_AGGREGATES):
        return listed_object_agg(node.this, scope, node.expression)
    if isinstance(node, OBJECT_AGGREGATES) and not node.meta.get("pg_json_values"):
        # the values as Postgres writes them in JSON (a timestamptz as ``2021-03-04T10:15:00+00:00``)
        key, value = _object_agg_arguments(node)
        replacement = node.copy()
        replacement.meta["pg_json_values"] = True
        converted = json_value(value.copy(), scope)
        if isinstance(node, exp.JSONObjectAgg) and len(node.expressions) == 2:
            replacement.set("expressions", [key.copy(), converted])
        else:
            replacement.set("expression", converted)
        return replacement
    if not node.meta.get("pg_domain_checked") and (checked := domain_errors(node)) is not None:
        return checked
    if isinstance(node, exp.Chr) and len(node.expressions) == 1 and scope.is_int4(code := node.expressions[0]) and not (
            isinstance(code, exp.Cast) and code.to.this == exp.DataType.Type.INT):
        # chr of a Postgres integer (``chr(65 + length(name))``): DuckDB's chr takes no BIGINT, which length gives
        replacement = node.copy()
        replacement.set("expressions", [exp.cast(code.copy(), exp.DataType.build("INT"))])
        return replacement
    if isinstance(node, exp.ArrayToString) and not node.meta.get("pg_joined"):
        # numerics joined with each one's decimals; the elements of a list of NULLs (not of a NULL list) joined are
        # '' in Postgres, where DuckDB gives NULL; with a NULL separator Postgres gives NULL, where DuckDB joins them
        # without one
        joined = node.copy()
        joined.meta["pg_joined"] = True
        if (texts := numeric_element_texts(node.this, scope)) is not None:
            joined.set("this", texts)
        if node.args.get("null") is not None:
            return joined
        empty = exp.Case().when(exp.Not(this=exp.Is(this=node.this.copy(), expression=exp.Null())), string(""))
        text = exp.Coalesce(this=joined, expressions=[empty])
        if isinstance(node.expression, exp.Literal) and node.expression.is_string:
            return text
        return exp.Case().when(exp.Is(this=node.expression.copy(), expression=exp.Null()), exp.Null()).else_(text)
    if isinstance(node, exp.Upper):
        # Postgres keeps ß (it has no one-letter capital in Unicode's simple case mapping); DuckDB gives ẞ
        return call("pg_upper", node.this)
    series = (exp.GenerateSeries, exp.ExplodingGenerateSeries)
    if isinstance(node, series) and _zero_literal(node.args.get("step")):
        raise QueryError("step size cannot equal zero")  # DuckDB's list of such a series is empty
    if isinstance(node, exp.Table) and isinstance(node.this, series) and (values := numeric_series(node.this, scope)):
        # in FROM: a table of one column, named after the alias (else generate_series)
        replacement = node.copy()
        replacement.set("this", call("unnest", values))
        if not node.alias:
            replacement.set("alias", exp.TableAlias(this=exp.to_identifier("generate_series")))
        return replacement
    if isinstance(node, series) and (values := numeric_series(node, scope)) is not None:
        return call("unnest", values)
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.IntDiv):
        # div(x, y): the quotient truncated towards zero, a numeric without decimals (DuckDB's ``//`` of decimals
        # does not truncate; of integers it does, but is an integer)
        if scope.is_int(node.this.this) and scope.is_int(node.this.expression):
            return exp.cast(node.this, exp.DataType.build("DECIMAL(38, 0)"))
        quotient = exp.Div(this=node.this.this, expression=node.this.expression)
        return exp.cast(exp.Trunc(this=quotient), exp.DataType.build("DECIMAL(38, 0)"))
    if isinstance(node, exp.ArrayPosition) and isinstance(node.args.get("zero_based"), exp.Expr) and not isinstance(
            node.args["zero_based"], exp.Boolean):
        # array_position(a, x, start): sqlglot reads the start as a flag and drops it
        return call("pg_array_position_from", node.this, node.expression, node.args["zero_based"])
    if isinstance(node, exp.RegexpReplace) and any(node.args.get(k) is not None for k in (
            "occurrence", "modifiers", "position")) and not node.meta.get("pg_replace"):
        return regexp_replace_pg(node)
    if isinstance(node, exp.RegexpLike) and node.args.get("flag") is not None:
        # regexp_like(s, p, flags): Postgres's flag letters as RE2's flag group (DuckDB's options are others)
        group, pattern = flagged_pattern(node.expression, regex_options(node.args["flag"], "regexp_like"), "regexp_like")
        return exp.RegexpLike(this=node.this, expression=with_flag_group(group, pattern))
    if (isinstance(node, exp.Length) and is_bytea(node.this) or func_name(node) == "octet_length" and isinstance(
            node, exp.Anonymous) and len(node.expressions) == 1 and is_bytea(node.expressions[0])) and not node.meta.get(
            "pg_blob"):
        # a bytea's length is its bytes: DuckDB's octet_length of a blob (of text it is strlen)
        result = call("octet_length", node.this if isinstance(node, exp.Length) else node.expressions[0])
        result.meta["pg_blob"] = True
        return result
    if isinstance(node, (exp.Max, exp.Min)) and not node.expressions and is_boolean(node.this, scope):
        # Postgres has no min/max of booleans (DuckDB orders false before true)
        name = "min" if isinstance(node, exp.Min) else "max"
        raise UnsupportedFeature(f"function {name}(boolean) does not exist in PostgreSQL: use bool_and() or bool_or()")
    if isinstance(node, exp.GroupConcat) and isinstance(node.args.get("separator"), exp.Null):
        # string_agg(x, NULL) joins the values with nothing between them in Postgres (DuckDB: NULL)
        replacement = node.copy()
        replacement.set("separator", string(""))
        return replacement
    if isinstance(node, exp.Pad):
        # an empty fill leaves the text as it is, cut to the length (DuckDB: an error when it would pad); a bigint
        # length is cast (DuckDB's lpad takes an integer)
        fill, length = node.args.get("fill_pattern") or string(" "), node.expression
        if not (isinstance(fill, exp.Literal) and fill.is_string and fill.this and isinstance(length, exp.Literal)):
            return call("pg_lpad" if node.args.get("is_left") else "pg_rpad", node.this, length, fill)
    if isinstance(node, exp.StringToArray) and not node.meta.get("pg_split"):
        return string_to_array(node)
    if isinstance(node, (exp.Concat, exp.ConcatWs)):
        args = node.expressions
        first = 1 if isinstance(node, exp.ConcatWs) else 0
        texts = args[:first] + [output_text(a, scope) for a in args[first:]]
        if any(t is not a for t, a in zip(texts, args)):
            replacement = node.copy()
            replacement.set("expressions", [t.copy() if t is a else t for t, a in zip(texts, args)])
            return replacement
        return node
    if isinstance(node, exp.Format):
        return format_text([node.this, *node.expressions], scope)
    if isinstance(node, exp.MakeInterval):
        refuse_bigint_interval_parts(node, scope)
        return make_interval(node)
    if isinstance(node, exp.Substring) and isinstance(node.args.get("length"), exp.Literal) and node.args[
            "length"].is_string:
        # substring(s from pattern for escape), substring(s, pattern, escape): an SQL regular expression
        raise UnsupportedFeature("unsupported Postgres feature: substring() with an SQL regular expression and an "
                                 "escape (substring(s from pattern for escape))")
    if isinstance(node, exp.Substring) and node.args.get("start") is not None:
        start = node.args["start"]
        literal = isinstance(start, exp.Literal)
        if not (literal and (start.is_string or (re.fullmatch(r"\d+", start.this) and int(start.this) >= 1))):
            return substring_from(node)
        length = node.args.get("length")
        if length is not None and not (isinstance(length, exp.Literal) and re.fullmatch(r"\d+", length.this)):
            return substring_from(node)  # a negative count is an error in Postgres (DuckDB counts backwards)
    part = node.args.get("part_index") if isinstance(node, exp.SplitPart) else None
    if isinstance(node, exp.SplitPart) and not (
        isinstance(node.args.get("delimiter"), exp.Literal) and node.args["delimiter"].this != ""
        and (isinstance(part, exp.Neg) or isinstance(part, exp.Literal) and part.this not in ("0", "-0"))
    ):
        return call("pg_split_part", node.this, node.args["delimiter"], node.args["part_index"])
    justify = {exp.JustifyDays: "pg_justify_days", exp.JustifyHours: "pg_justify_hours",
               exp.JustifyInterval: "pg_justify_interval"}
    if type(node) in justify:
        return call(justify[type(node)], node.this)
    if isinstance(node, (exp.RegexpCount, exp.RegexpSubstr, exp.RegexpInstr)):
        return regexp_pg15(node)
    if isinstance(node, exp.WidthBucket):
        if node.args.get("threshold") is not None:
            return call("pg_width_bucket_thresholds", node.this, node.args["threshold"])
        return call("pg_width_bucket", node.this, node.args["min_value"], node.args["max_value"], node.args["num_buckets"])
    if func_name(node) == "pg_size_pretty" and len(node.expressions) == 1:
        return call("pg_size_pretty_text", node.expressions[0])  # DuckDB's own pg_size_pretty writes 2.0 KiB
    if isinstance(node, exp.Normalize):
        # DuckDB has NFC only (nfc_normalize); the form is a keyword (NFC, NFD, NFKC, NFKD), NFC when left out
        form = node.args.get("form")
        return call("pg_normalize", node.this, string(form.name.upper() if isinstance(form, exp.Expr) else "NFC"))
    if func_name(node) == "unistr" and len(node.expressions) == 1:
        return call("pg_unistr", node.expressions[0])
    if func_name(node) == "array_positions" and len(node.expressions) == 2:
        result = call("pg_array_positions", *node.expressions)
        result.meta["pg_array"] = True
        return result
    if isinstance(node, (exp.Encode, exp.Decode)):
        return encode_decode(node)
    if func_name(node) in ("convert_to", "convert_from") and len(node.expressions) == 2:
        encoding = node.expressions[1]
        if not (isinstance(encoding, exp.Literal) and encoding.this.upper().replace("-", "") == "UTF8"):
            raise UnsupportedFeature(f"unsupported Postgres feature: {func_name(node)}() with an encoding other than UTF8")
        return call("encode" if func_name(node) == "convert_to" else "decode", node.expressions[0])
    if func_name(node) in ("array_replace", "array_remove") and len(node.expressions) in (2, 3) or (
            isinstance(node, exp.ArrayRemove) and node.expression is not None):
        # by IS NOT DISTINCT FROM in Postgres: a NULL element is removed or replaced too
        args = [node.this, node.expression] if isinstance(node, exp.ArrayRemove) else node.expressions
        result = call("pg_array_remove" if len(args) == 2 else "pg_array_replace", *args)
        result.meta["pg_array"] = True
        return result
    if func_name(node) in ("array_upper", "array_lower") and len(node.expressions) == 2:
        # arrays here start at 1: the upper bound is the length (NULL when empty, as array_length)
        return call("pg_array_length" if func_name(node) == "array_upper" else "pg_array_lower", *node.expressions)
    if isinstance(node, exp.ArraySize) and node.expression is not None:
        # array_length(a, 1) is NULL for an empty array in Postgres (DuckDB: 0)
        return call("pg_array_length", node.this, node.expression)
    if isinstance(node, ROUNDING) and node.meta.get("pg_rounded"):
        return node
    if _rounded_integer(node, scope):
        # round(n), sign(n) of an integer are doubles in Postgres (DuckDB keeps the integer type)
        node.meta["pg_rounded"] = True
        result = exp.cast(node, exp.DataType.build("DOUBLE"), copy=False)
        result.meta["pg_float"] = True
        return result
    if isinstance(node, (exp.Round, exp.Trunc)) and node.args.get("decimals") is not None and _is_float(
            node.this, scope):
        # Postgres has round(numeric, int) and trunc(numeric, int), none of a double precision
        name = "round" if isinstance(node, exp.Round) else "trunc"
        raise QueryError(f"function {name}(double precision, integer) does not exist: cast the value to numeric "
                         f"({name}(x::numeric, n))")
    if isinstance(node, (exp.Round, exp.Trunc, exp.Ceil, exp.Floor)) and not _is_float(node.this, scope):
        return rounded_numeric(node, scope)
    if isinstance(node, exp.Round) and node.args.get("decimals") is None and _is_float(node.this, scope):
        # round(double precision) rounds half to even in Postgres (rint); DuckDB's round goes away from zero
        result = call("round_even", node.this, exp.Literal.number(0))
        result.meta["pg_float"] = True
        return result
    if isinstance(node, exp.Hex) and func_name(node) == "to_hex":
        # lower-case digits; an integer (not a bigint) below zero as its 32 bits (DuckDB's hex takes 64)
        value = node.this
        if scope.is_int4(value):
            value = exp.BitwiseAnd(this=exp.cast(value, exp.DataType.build("BIGINT")),
                                   expression=exp.Literal.number(0xFFFFFFFF))
        return call("lower", call("hex", value))
    if func_name(node) == "cardinality" and isinstance(node, exp.Anonymous) and len(node.expressions) == 1:
        # an integer in Postgres; DuckDB's is unsigned (a subscript a[cardinality(a) - 1] would not bind)
        return exp.cast(exp.ArraySize(this=node.expressions[0]), exp.DataType.build("INTEGER"))
    if (path_call := jsonpath_call(node, scope)) is not None:
        return path_call
    if func_name(node) == "pg_regexp_matches_rows" and isinstance(node, exp.Anonymous):
        return regexp_matches_list(node.expressions)
    if func_name(node) in ("jsonb_set", "jsonb_insert") and isinstance(node, exp.Anonymous):
        return jsonb_path_change(func_name(node), node.expressions, scope)
    if func_name(node) in ("num_nulls", "num_nonnulls") and isinstance(node, exp.Anonymous):
        # how many of the arguments are (not) NULL; DuckDB has neither function
        total = None
        for argument in node.expressions:
            test = exp.Is(this=argument, expression=exp.Null())
            if func_name(node) == "num_nonnulls":
                test = exp.not_(test)
            flag = exp.cast(exp.paren(test), exp.DataType.build("INTEGER"))
            total = flag if total is None else exp.Add(this=total, expression=flag)
        return exp.paren(total)
    name = func_name(node)
    if name is None or not isinstance(node, exp.Anonymous):
        return node
    args = node.expressions
    if name in JSON_LAYOUT_CALLS and len(args) == 1 and not node.meta.get("pg_call"):
        # json of a row or an array: timestamps as Postgres writes them in JSON, the text kept compact (json_text)
        argument = args[0]
        if isinstance(argument, exp.ArrayAgg):
            argument = argument.copy()
            argument.set("this", json_value(argument.this, scope))
        unknown_scale = _any_unknown_scale([argument], scope)
        result = _json_numbers(call("to_json", json_value(argument, scope)), unknown_scale)
        result.meta["pg_json_layout"] = name
        return result
    unknown_scale = name in JSON_CONSTRUCTORS and _any_unknown_scale(args, scope)
    if name in JSON_CONSTRUCTORS:
        args = [json_value(a, scope) for a in args]
    if name in SRF_COLUMNS:
        kind = SRF_COLUMNS[name][0]
        if kind in ("each", "each_text"):
            raise UnsupportedFeature(f"unsupported Postgres feature: {name}() in the select list (use it in FROM)")
        return call("unnest", call(SRF_LIST_MACRO[kind], *args))
    simple = {
        "jsonb_array_length": "json_array_length",
        "json_array_length": "json_array_length",
        "jsonb_typeof": "pg_jsonb_typeof",
        "json_typeof": "pg_jsonb_typeof",
        "to_jsonb": "to_json",
        "to_json": "to_json",
        "jsonb_build_object": "json_object",
        "json_build_object": "json_object",
        "jsonb_build_array": "json_array",
        "json_build_array": "json_array",
        "jsonb_pretty": "pg_jsonb_pretty",
        "every": "bool_and",
    }
    if name in ("jsonb_array_length", "json_array_length") and not node.meta.get("pg_length"):
        # an integer in Postgres; DuckDB's is unsigned (generate_series(0, n - 1) would not bind). Of an object or
        # a scalar it is an error in Postgres (DuckDB: 0)
        length = call("pg_jsonb_array_length", *args)
        length.meta["pg_length"] = True
        return exp.cast(length, exp.DataType.build("INTEGER"))
    if name == "jsonb_strip_nulls" and len(args) == 1:
        return json_cast(call("pg_jsonb_strip_nulls", *args))
    if name in ("json_build_object", "jsonb_build_object"):
        # keys are text in Postgres (``jsonb_build_object(1, x)`` has the key "1"); DuckDB's json_object takes text only
        args = [exp.cast(a, exp.DataType.build("VARCHAR")) if i % 2 == 0 and not is_text(node.expressions[i], scope)
                else a for i, a in enumerate(args)]
    if name == "json_build_object" and len(args) % 2 == 0:
        built = _json_numbers(call("json_object", *args), unknown_scale)
        # what its text (json_object_text) makes of each value, told from the Postgres arguments
        built.meta["pg_json_object_values"] = [json_object_value_kind(v, scope) for v in node.expressions[1::2]]
        return built
    if name in simple and name != simple[name]:
        built = _jsonb_marked(_json_numbers(call(simple[name], *args), unknown_scale), name)
        if unknown_scale and name in ("jsonb_build_object", "to_jsonb"):
            built.meta["pg_built_arguments"] = (name, node.expressions)  # its text: built_numbers_text
        return built
    if name in ("to_json", "json_array") and any(a is not b for a, b in zip(args, node.expressions)):
        return _json_numbers(call(name, *args), unknown_scale)
    if name in ("jsonb_agg", "json_agg"):
        listed = call("list", *args)
        if len(args) == 1 and isinstance(args[0], exp.Distinct) and scope.is_json(args[0].expressions[0]):
            listed = call("pg_jsonb_sorted", listed)  # DISTINCT sorts the values, in jsonb's order
        built = _jsonb_marked(_json_numbers(call("to_json", listed), unknown_scale), name)
        if unknown_scale:
            built.meta["pg_built_arguments"] = (name, node.expressions)  # its text: built_numbers_text
        return built
    if name == "jsonb_object" and len(args) in (1, 2):
        # jsonb_object('{k1,v1,k2,v2}') and jsonb_object(keys, values): an object of text values (NULL -> null), the
        # last value of a repeated key
        texts = [exp.cast(a, exp.DataType.build("VARCHAR[]")) for a in args]
        return call("pg_jsonb_object" if len(args) == 1 else "pg_jsonb_object_kv", *texts)
    if name == "parse_ident" and len(args) in (1, 2):
        return call("pg_parse_ident", args[0], args[1] if len(args) == 2 else exp.Boolean(this=True))
    if name in ("scale", "min_scale", "trim_scale") and len(args) == 1:
        return numeric_scale_function(name, args[0], scope)
    if name == "to_char":
        if len(args) != 2 or not (isinstance(args[1], exp.Literal) and args[1].is_string):
            raise UnsupportedFeature("unsupported Postgres feature: to_char with a format that is not a literal")
        value = args[0]
        if scope.is_int(value) or is_numeric(value, scope) or _is_float(value, scope) or isinstance(value, exp.Literal):
            return number_to_char(value, args[1].this, scope)
        if is_interval(value, scope):
            intervalformat.parse(args[1].this)  # PostgreSQL's error, or the refusal, before anything runs
            return call("pg_to_char_interval", call("pg_interval_months", value), call("pg_interval_days", value.copy()),
                        call("pg_interval_micros", value.copy()), args[1])
        known_time = is_timestamptz(value, scope) or is_date(value) or (
            isinstance(value, exp.Cast) and value.to.this == exp.DataType.Type.TIMESTAMP)
        return to_char(value, args[1].this, known_time)
    if name == "regexp_match":
        return regexp_match(args)
    if name == "trim_array" and len(args) == 2:
        result = call("pg_trim_array", *args)
        result.meta["pg_array"] = True
        return result
    if name == "array_fill":
        dims = args[1] if len(args) == 2 else None
        if not (isinstance(dims, exp.Array) and len(dims.expressions) == 1):
            raise UnsupportedFeature("unsupported Postgres feature: array_fill() of several dimensions or with lower "
                                     "bounds")
        result = call("pg_array_fill", args[0], dims.expressions[0])
        result.meta["pg_array"] = True
        return result
    if name == "isfinite" and len(args) == 1 and is_interval(args[0], scope):
        # an interval is always finite in Postgres 16
        return exp.Case().when(exp.Is(this=args[0].copy(), expression=exp.Null()), exp.Null()).else_(exp.true())
    if name == "quote_ident" and len(args) == 1:
        # quoted unless a lower-case identifier that is not one of Postgres's keywords that need quoting
        return call("pg_quote_ident", exp.cast(args[0], exp.DataType.build("VARCHAR")))
    if name in ("array_dims", "array_ndims") and len(args) == 1:
        # arrays here have one dimension, from 1: '[1:n]' and 1 (NULL when empty, as in Postgres)
        return call("pg_" + name, args[0])
    if name in ("quote_literal", "quote_nullable") and len(args) == 1:
        # the value's text (as ``::text`` writes it) as an SQL literal; quote_nullable writes NULL as NULL
        quoted = call("pg_quote_nullable", exp.cast(args[0], exp.DataType.build("VARCHAR")))
        if name == "quote_nullable":
            return quoted
        return exp.Case().when(exp.Is(this=args[0].copy(), expression=exp.Null()), exp.Null()).else_(quoted)
    if name in ("jsonb_extract_path", "json_extract_path", "jsonb_extract_path_text", "json_extract_path_text"):
        # the same as #> / #>> with the path of the other arguments
        if len(args) < 2 or not all(isinstance(a, exp.Literal) and a.is_string for a in args[1:]):
            raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with a path that is not literals")
        path = "{" + ",".join('"' + a.this.replace("\\", "\\\\").replace('"', '\\"') + '"' for a in args[1:]) + "}"
        extract = exp.JSONBExtractScalar if name.endswith("_text") else exp.JSONBExtract
        return extract(this=args[0], expression=string(path))
    return node


# Functions in FROM whose ``WITH ORDINALITY`` DuckDB runs as Postgres does.
ORDINALITY_FUNCTIONS = (exp.GenerateSeries, exp.ExplodingGenerateSeries)


def rewrite_from_functions(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``jsonb_array_elements(x) AS s`` and friends in FROM, comma joins and LATERAL -> a lateral subquery;
    ``WITH ORDINALITY`` adds the column ``ordinality``, each element's position from 1."""
    if isinstance(node, exp.Unnest) and len(node.expressions) > 1 and isinstance(node.parent, (exp.From, exp.Join)):
        return unnest_arrays(node)
    ordinality = isinstance(node, (exp.Table, exp.Lateral)) and node.args.get("ordinality")
    function = node.this if isinstance(node, (exp.Table, exp.Lateral)) else None
    name = function.name.lower() if isinstance(function, exp.Anonymous) else None
    if isinstance(node, (exp.Table, exp.Lateral)) and not ordinality and _scalar_in_from(function):
        return scalar_in_from(node, function)
    if name not in SRF_COLUMNS:
        if ordinality and not isinstance(function, ORDINALITY_FUNCTIONS):
            raise UnsupportedFeature("unsupported Postgres feature: WITH ORDINALITY")
        return node
    kind, columns = SRF_COLUMNS[name]
    alias = node.args.get("alias")
    alias_name = alias.name if alias and alias.name else name
    column_aliases = [c.name for c in alias.columns] if alias and alias.columns else []
    listed = call(SRF_LIST_MACRO[kind], *function.expressions)
    if kind in ("each", "each_text"):
        inner = exp.select(
            exp.Unnest(expressions=[listed, exp.Kwarg(this=exp.var("recursive"), expression=exp.true())])
        )
    else:
        names = [alias_name if c == "alias" else c for c in columns]
        inner = exp.select(exp.alias_(call("unnest", listed), names[0], quoted=True))
    if ordinality:
        position = call("generate_subscripts", listed.copy(), exp.Literal.number(1))
        inner = inner.select(exp.alias_(position, "ordinality", quoted=True))
    table_alias = exp.TableAlias(
        this=exp.to_identifier(alias_name, quoted=True),
        columns=[exp.to_identifier(c, quoted=True) for c in column_aliases],
    )
    subquery = exp.Subquery(this=inner, alias=table_alias)
    subquery.meta["pg_srf"] = kind
    subquery.meta["pg_ordinality"] = bool(ordinality)
    return subquery


# Scalar functions that Steampipe queries call in FROM (``glob(action) as pattern``, ``string_to_array(p, ':') as
# parts``): Postgres makes them a table of one row and one column, both named after the alias.
SCALAR_FROM_FUNCTIONS = (exp.StringToArray, exp.Split, exp.SplitPart, exp.Lower, exp.Upper, exp.Concat, exp.ConcatWs,
                         exp.Trim, exp.Substring, exp.Coalesce, exp.Replace)
SCALAR_FROM_MACROS = ("iamsql_glob", "pg_nlevel", "regexp_match")


def _scalar_in_from(function: exp.Expr | None) -> bool:
    if isinstance(function, exp.Anonymous):
        return function.name.lower() in SCALAR_FROM_MACROS
    return isinstance(function, SCALAR_FROM_FUNCTIONS)


def scalar_in_from(node: exp.Table | exp.Lateral, function: exp.Expr) -> exp.Expr:
    """``f(x) AS a`` in FROM, f a scalar function: ``(SELECT f(x) AS a) AS a``, a one-row table whose column is
    the alias (the function's name without one), as Postgres gives it."""
    alias = node.args.get("alias")
    columns = [c.name for c in alias.columns] if alias and alias.columns else []
    name = alias.name if alias and alias.name else (function.name if isinstance(function, exp.Anonymous)
                                                      else function.sql_name()).lower()
    if name == "iamsql_glob":
        name = "glob"
    inner = exp.select(exp.alias_(function.copy(), columns[0] if columns else name, quoted=True))
    return exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(name, quoted=True)))


def unnest_arrays(node: exp.Unnest) -> exp.Expr:
    """``unnest(a, b, ...) AS t(x, y, ...)`` in FROM: the arrays side by side, the shorter ones padded with NULL
    (DuckDB's unnest in FROM takes one list; several unnests in one select list are zipped the same way)."""
    if node.args.get("offset"):
        raise UnsupportedFeature("unsupported Postgres feature: unnest() of several arrays WITH ORDINALITY")
    alias = node.args.get("alias")
    names = [c.name for c in alias.columns] if alias and alias.columns else []
    names += ["unnest"] * (len(node.expressions) - len(names))
    inner = exp.select(*[exp.alias_(call("unnest", a), n, quoted=True) for a, n in zip(node.expressions, names)])
    table_alias = exp.TableAlias(this=exp.to_identifier(alias.name if alias and alias.name else "unnest", quoted=True))
    return exp.Subquery(this=inner, alias=table_alias)


def source_kind(source: exp.Expr) -> str | None:
    """The set-returning-function kind of a FROM/JOIN source (before or after rewriting), else None."""
    if isinstance(source, (exp.Table, exp.Lateral)) and isinstance(source.this, exp.Anonymous):
        return SRF_COLUMNS.get(source.this.name.lower(), (None,))[0]
    return source.meta.get("pg_srf") if isinstance(source, exp.Subquery) else None


def _element_alias_source(column: exp.Column) -> exp.Expr | None:
    """For a bare column name, the nearest enclosing FROM source with that alias, if it is an SRF."""
    select = column.find_ancestor(exp.Select)
    while select is not None:
        sources = [select.args["from_"].this] if select.args.get("from_") else []
        sources += [join.this for join in select.args.get("joins") or []]
        for source in sources:
            if source.alias_or_name == column.name:
                return source if source_kind(source) else None
        select = select.find_ancestor(exp.Select)
    return None


# the operators whose operand types check_operand_types checks, as Postgres names them (IS [NOT] DISTINCT FROM is =)
OPERATOR_SYMBOLS = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<=",
                    exp.NullSafeEQ: "=", exp.NullSafeNEQ: "=", exp.DPipe: "||"}


def _pg_int_name(node: exp.Expr, scope: Scope) -> str:
    return "integer" if scope.is_int4(node) else "bigint"


def bc_make_date(year: exp.Expr, month: exp.Expr, day: exp.Expr) -> exp.Expr:
    """``make_date(year, month, day)`` as Postgres reads it: a negative year is BC (``-44`` is 44 BC, which DuckDB
    counts as the year -43: it has a year 0), there is no year 0, and a day that is not in the calendar or outside
    4714-11-24 BC .. 5874897-12-31 is Postgres's error, which names the year as DuckDB counts it (as Postgres does)."""
    if any(part.find(exp.AggFunc, exp.Window) for part in (year, month, day)):
        raise UnsupportedFeature("unsupported Postgres feature: make_date() of an aggregate or window value (compute "
                                 "the value in a subquery first)")
    counted = exp.Case(ifs=[exp.If(this=exp.LT(this=year.copy(), expression=exp.Literal.number(0)),
                                   true=exp.Add(this=year.copy(), expression=exp.Literal.number(1)))],
                       default=year.copy())
    date = call("make_date", counted, month.copy(), day.copy())
    parts = [exp.cast(counted.copy(), "text"), string("-"), call("lpad", exp.cast(month.copy(), "text"),
             exp.Literal.number(2), string("0")), string("-"), call("lpad", exp.cast(day.copy(), "text"),
             exp.Literal.number(2), string("0"))]

    def error(message: str) -> exp.Expr:
        return call("pg_raise", exp.DPipe(this=string(message), expression=exp.Concat(expressions=[
            p.copy() for p in parts])))

    known = exp.and_(*[exp.not_(exp.Is(this=part.copy(), expression=exp.Null())) for part in (year, month, day)])
    first, last = call("make_date", *map(exp.Literal.number, (-4713, 11, 24))), call(
        "make_date", *map(exp.Literal.number, (5874897, 12, 31)))
    checked = exp.paren(exp.Case(ifs=[
        exp.If(this=exp.or_(exp.EQ(this=year.copy(), expression=exp.Literal.number(0)), exp.and_(
            known, exp.Is(this=call("try", date.copy()), expression=exp.Null()))),
            true=error("date field value out of range: ")),
        exp.If(this=exp.Not(this=exp.Between(this=date.copy(), low=first, high=last)),
               true=error("date out of range: ")),
    ], default=date))
    checked.meta["pg_date"] = True
    return checked


def domain_errors(node: exp.Expr) -> exp.Expr | None:
    """``ln``, ``log``, ``sqrt`` and ``power`` fail outside their domain in Postgres (DuckDB gives NaN or an
    infinity), and ``chr(0)`` fails (DuckDB gives the null character): ``node`` in a CASE raising Postgres's error
    there, else None."""
    zero = exp.Literal.number(0)
    checks: list[tuple[exp.Expr, exp.Expr]] = []
    if isinstance(node, (exp.Ln, exp.Log)):
        for value in filter(None, (node.this, node.expression)):
            checks += [(exp.EQ(this=value.copy(), expression=zero.copy()),
                        raise_error("cannot take logarithm of zero")),
                       (exp.LT(this=value.copy(), expression=zero.copy()),
                        raise_error("cannot take logarithm of a negative number"))]
        if isinstance(node, exp.Log) and node.expression is not None:
            checks.append((exp.EQ(this=node.this.copy(), expression=exp.Literal.number(1)),
                           raise_error("division by zero")))
    elif isinstance(node, exp.Sqrt):
        checks.append((exp.LT(this=node.this.copy(), expression=zero),
                       raise_error("cannot take square root of a negative number")))
    elif isinstance(node, exp.Chr) and len(node.expressions) == 1:
        checks.append((exp.EQ(this=node.expressions[0].copy(), expression=zero),
                       raise_error("null character not permitted")))
    elif func_name(node) == "make_date" and len(node.expressions) == 3 and not node.meta.get("pg_call"):
        return bc_make_date(*node.expressions)
    elif isinstance(node, exp.NthValue) and node.args.get("offset") is not None:
        # DuckDB gives null for a position below 1; the check goes on the argument (the call sits in its window)
        position = node.args["offset"]
        if isinstance(position, exp.Literal) and not position.is_string and re.fullmatch(r"\d+", position.this):
            if int(position.this) > 0:
                return None
            raise QueryError("argument of nth_value must be greater than zero")
        checked = node.copy()
        checked.meta["pg_domain_checked"] = True
        checked.set("offset", exp.paren(exp.Case().when(
            exp.LTE(this=position.copy(), expression=zero), raise_error("argument of nth_value must be greater than "
                                                                        "zero")).else_(position.copy())))
        return checked
    elif isinstance(node, exp.Pow):
        base, exponent = node.this, node.expression
        checks += [
            (exp.and_(exp.EQ(this=base.copy(), expression=zero.copy()), exp.LT(this=exponent.copy(), expression=zero.copy())),
             raise_error("zero raised to a negative power is undefined")),
            (exp.and_(exp.LT(this=base.copy(), expression=zero.copy()),
                      exp.NEQ(this=exponent.copy(), expression=call("trunc", exponent.copy()))),
             raise_error("a negative number raised to a non-integer power yields a complex result")),
        ]
    else:
        return None
    checked = node.copy()
    checked.meta["pg_domain_checked"] = True
    case = exp.Case()
    for condition, raised in checks:
        case = case.when(condition, raised)
    return exp.paren(case.else_(checked))


def check_operand_types(node: exp.Expr, scope: Scope) -> exp.Expr:
    """Postgres's type errors that DuckDB would answer by casting: an integer where a boolean belongs (``where n``,
    ``not n``, ``n = true``), ``sum``/``avg`` of a boolean, ``||`` between two integers, ``string_agg`` of an
    integer, ``%`` of a real or double precision. ``node`` is returned as it is."""
    clauses = {exp.Where: "WHERE", exp.Having: "HAVING"}
    if type(node) in clauses and scope.is_int(node.this):
        raise QueryError(f"argument of {clauses[type(node)]} must be type boolean, not type "
                         f"{_pg_int_name(node.this, scope)}")
    operands = [node.this] if isinstance(node, exp.Not) else [node.this, node.expression] if isinstance(
        node, exp.Connector) else []
    for operand in operands:
        if scope.is_int(operand):
            word = "NOT" if isinstance(node, exp.Not) else "AND" if isinstance(node, exp.And) else "OR"
            raise QueryError(f"argument of {word} must be type boolean, not type {_pg_int_name(operand, scope)}")
    if type(node) in OPERATOR_SYMBOLS:
        left, right = node.this, node.expression
        quantified = isinstance(left, exp.SubqueryPredicate) or isinstance(right, exp.SubqueryPredicate)
        mixed = not isinstance(node, exp.DPipe) and not quantified and (
            scope.is_int(left) and is_boolean(right, scope) or is_boolean(left, scope) and scope.is_int(right))
        if mixed or isinstance(node, exp.DPipe) and scope.is_int(left) and scope.is_int(right):
            names = ["boolean" if is_boolean(side, scope) else _pg_int_name(side, scope) for side in (left, right)]
            raise QueryError(f"operator does not exist: {names[0]} {OPERATOR_SYMBOLS[type(node)]} {names[1]}")
    if isinstance(node, exp.Mod) and (floats := [_is_real(side) or _is_float(side, scope) for side in (
            node.this, node.expression)]) and any(floats):
        # Postgres has % for integers and numerics only (DuckDB's fmod answers for doubles)
        names = ["real" if _is_real(side) else "double precision" if is_float else "integer" if scope.is_int(
            side) else "numeric" for side, is_float in zip((node.this, node.expression), floats)]
        raise QueryError(f"operator does not exist: {names[0]} % {names[1]}")
    if isinstance(node, (exp.LogicalAnd, exp.LogicalOr)) or func_name(node) == "every" and len(node.expressions) == 1:
        value = node.expressions[0] if isinstance(node, exp.Anonymous) else node.this
        if not is_boolean(value, scope) and (name := static_type_name(value, scope)) is not None:
            function = "every" if isinstance(node, exp.Anonymous) else "bool_and" if isinstance(
                node, exp.LogicalAnd) else "bool_or"
            raise QueryError(f"function {function}({name}) does not exist")
    if isinstance(node, (exp.Lag, exp.Lead)) and node.args.get("default") is not None:
        # the value and the default have one type in Postgres: text and a number have none
        arguments = [node.this, node.args.get("offset") or exp.Literal.number(1), node.args["default"]]
        names = [static_type_name(a, scope) for a in arguments]
        numbers = [name in ("integer", "bigint", "numeric", "double precision") for name in names]
        if "text" in (names[0], names[2]) and (numbers[0] or numbers[2]):
            raise QueryError(f"function {node.key}({', '.join(str(n) for n in names)}) does not exist")
    if isinstance(node, (exp.Sum, exp.Avg)) and is_boolean(node.this, scope):
        raise QueryError(f"function {node.key}(boolean) does not exist")
    if isinstance(node, exp.GroupConcat) and node.meta.get(WITHIN_GROUP_KEY):
        _refuse_string_agg_within_group(node, scope)
    if isinstance(node, exp.GroupConcat) and scope.is_int(node.this.unnest()):
        raise QueryError(f"function string_agg({_pg_int_name(node.this.unnest(), scope)}, unknown) does not exist")
    if isinstance(node, (exp.Extract, exp.TimestampTrunc)):
        check_time_unit(node, scope)
    if isinstance(node, (exp.Case, exp.Coalesce)):
        check_branch_literals(node, scope)
    return node


# The units Postgres recognises in extract, date_part and date_trunc, each cut to its first 10 characters as
# Postgres reads them (``microseconds`` is ``microsecon``); ``now``, ``today`` ... are recognised but unsupported.
PG_TIME_UNITS = frozenset({
    "c", "cent", "centuries", "century", "d", "day", "days", "dec", "decade", "decades", "decs", "h", "hour", "hours",
    "hr", "hrs", "m", "microsecon", "mil", "millennia", "millennium", "millisecon", "mils", "min", "mins", "minute",
    "minutes", "mon", "mons", "month", "months", "ms", "msec", "msecond", "mseconds", "msecs", "qtr", "quarter", "s",
    "sec", "second", "seconds", "secs", "timezone", "timezone_h", "timezone_m", "us", "usec", "usecond", "useconds",
    "usecs", "w", "week", "weeks", "y", "year", "years", "yr", "yrs", "epoch", "dow", "doy", "isodow", "isoyear",
    "julian", "j", "jd"})
PG_RESERVED_TIMES = frozenset({"now", "today", "tomorrow", "yesterday", "infinity", "-infinity", "allballs"})


def check_time_unit(node: exp.Extract | exp.TimestampTrunc, scope: Scope) -> None:
    """Postgres's error for a unit it does not know in ``extract``, ``date_part`` or ``date_trunc`` (DuckDB names
    it in its own words, or knows it: ``weekday``, ``era``), naming the type of the value as Postgres reads it."""
    unit, value = (node.this, node.expression) if isinstance(node, exp.Extract) else (node.args.get("unit"), node.this)
    if not isinstance(unit, (exp.Var, exp.Literal)) or isinstance(unit, exp.Literal) and not unit.is_string:
        return
    name = unit.name.lower()
    if name[:10] in PG_TIME_UNITS or name in PG_RESERVED_TIMES:
        return
    if is_interval(value, scope):
        kind = "interval"
    elif is_date(value):
        # extract has a date version; date_part reads a date as a timestamp, date_trunc as a timestamptz
        kind = "date" if func_name(node) == "extract" else "timestamp without time zone" if isinstance(
            node, exp.Extract) else "timestamp with time zone"
    elif is_timestamptz(value, scope):
        kind = "timestamp with time zone"
    elif _is_timestamp_without_zone(value):
        kind = "timestamp without time zone"
    else:
        return
    raise QueryError(f'unit "{name}" not recognized for type {kind}')


INTEGER_INPUT = re.compile(r"\s*[+-]?\d+\s*")
NUMERIC_INPUT = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*|\s*(?:[+-]?inf(?:inity)?|nan)\s*",
                           re.IGNORECASE)


def check_branch_literals(node: exp.Case | exp.Coalesce, scope: Scope) -> None:
    """``case when c then 1 else 'a' end``, ``coalesce(n, 'none')``: Postgres gives a quoted literal the type of the
    other values, a number here, and fails on text that is not one (DuckDB would answer, the literal never read)."""
    branches = _branches(node) or []
    literals = [b for b in branches if isinstance(b, exp.Literal) and b.is_string]
    typed = [b for b in branches if not (isinstance(b, exp.Literal) and b.is_string)]
    if not literals or not typed:
        return
    numbers = [is_numeric(b, scope) and not _is_float(b, scope) for b in typed]  # sum(bigint) is a numeric
    if any(numbers) and all(number or scope.is_int(b) for number, b in zip(numbers, typed)):
        kind, reads = "numeric", NUMERIC_INPUT
    elif all(scope.is_int(b) for b in typed):
        kind, reads = ("integer" if all(scope.is_int4(b) for b in typed) else "bigint"), INTEGER_INPUT
    else:
        return
    for literal in literals:
        if not reads.fullmatch(literal.this):
            raise QueryError(f'invalid input syntax for type {kind}: "{literal.this}"')


def _refuse_string_agg_within_group(node: exp.GroupConcat, scope: Scope) -> None:
    """``string_agg(x, ',') within group (order by y)``, which sqlglot reads as ``string_agg(x, ',' order by y)``:
    Postgres looks for an ordered-set aggregate ``string_agg(x, ',', y)`` and finds none."""
    value, order = (node.this.this, node.this.expressions) if isinstance(node.this, exp.Order) else (node.this, [])
    arguments = [value, node.args.get("separator"), *(o.this for o in order)]
    names = [static_type_name(a, scope) if a is not None else None for a in arguments]
    if None in names:
        raise QueryError("string_agg is not an ordered-set aggregate, so it cannot have WITHIN GROUP (write the "
                         "order inside the call: string_agg(x, ',' order by y))")
    raise QueryError(f"function string_agg({', '.join(names)}) does not exist")


def rewrite_bare_element_alias(node: exp.Expr, scope: Scope) -> exp.Expr:
    """A bare ``s`` naming ``jsonb_array_elements(...) s`` means its value column."""
    if not (isinstance(node, exp.Column) and not node.table and node.name in scope.srfs):
        return node
    source = _element_alias_source(node)
    if source is None or source_kind(source) not in ("elements", "elements_text"):
        return node
    if source.meta.get("pg_ordinality"):
        raise UnsupportedFeature(f"unsupported Postgres feature: the whole row {node.name} of ... WITH ORDINALITY")
    return exp.column("value", table=node.name, quoted=True)


# DuckDB's regular expression functions (as the rewrites above write them) -> the position of the pattern
REGEX_PATTERN_ARGUMENT = {"regexp_matches": 1, "regexp_full_match": 1, "regexp_replace": 1, "regexp_extract": 1,
                          "regexp_extract_all": 1, "regexp_split_to_array": 1, "regexp_split_to_table": 1,
                          "string_split_regex": 1}
REGEX_NODES = (exp.RegexpLike, exp.RegexpILike, exp.RegexpReplace, exp.RegexpExtract, exp.RegexpExtractAll,
               exp.RegexpSplit)
# Postgres flags that make a regular expression newline-sensitive: '.' then does not match a newline there either
NEWLINE_SENSITIVE_FLAGS = set("npwm")


LOOKAROUND = ("?=", "?!", "?<=", "?<!")


def regex_pieces(text: str):
    """The pieces of a regular expression as (start, piece, inside a bracket expression): an escape (a backslash and
    the character after it), ``[`` or ``[^`` opening a bracket expression, or one character."""
    i, in_class = 0, False
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            yield i, text[i:i + 2], in_class
            i += 2
        elif in_class:
            yield i, char, True
            in_class = char != "]" or text[i - 1] == "[" or text[i - 2:i] == "[^"
            i += 1
        elif char == "[":
            piece = "[^" if text[i + 1:i + 2] == "^" else "["
            yield i, piece, False
            in_class = True
            i += len(piece)
        else:
            yield i, char, False
            i += 1


def refuse_lookaround(pattern: exp.Expr) -> None:
    """RE2 has no lookahead or lookbehind, which Postgres's regular expressions have: a literal pattern with one is
    refused by name (a group opened by ``(`` that is neither escaped nor inside ``[...]``)."""
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return
    text = pattern.this
    for i, piece, inside in regex_pieces(text):
        if piece == "(" and not inside and text[i + 1:].startswith(LOOKAROUND):
            raise UnsupportedFeature("unsupported Postgres feature: a lookahead or lookbehind ((?=...), (?!...), "
                                     "(?<=...), (?<!...)) in a regular expression (RE2 has none)")


# Postgres's \s (and \S): C's isspace, with the vertical tab that RE2's \s leaves out.
SPACE_CLASS = "\\t\\n\\x0B\\f\\r "
# ``\w``: a letter, digit or ``_`` of any script, as Postgres reads it in a UTF-8 database (RE2's ``\w`` is ASCII)
WORD_CLASS = r"\p{L}\p{Nd}_"


def re2_escapes(text: str) -> str:
    r"""Postgres's regular-expression escapes that RE2 reads otherwise, in RE2's syntax: ``\y`` and ``\Y`` (a word
    boundary, and not one) are RE2's ``\b`` and ``\B``, ``\b`` (a backspace in Postgres) is ``\x08``, ``\Z`` (the
    end of the text) is ``\z``, ``\s`` and ``\S`` hold the vertical tab, ``\w`` and ``\W`` any script's letters and
    digits, and ``\m``/``\M`` (the start and end of a word) are ``\b`` where a letter, digit or ``_`` of the pattern
    follows or precedes them. Back-references and other uses of ``\m``/``\M`` are refused."""
    out = []
    for i, piece, inside in regex_pieces(text):
        if len(piece) < 2 or piece[0] != "\\":
            out.append(piece)
            continue
        following = piece[1]
        if following == "b":
            out.append("\\x08")
        elif following == "s":
            out.append(SPACE_CLASS if inside else f"[{SPACE_CLASS}]")
        elif following == "S" and not inside:
            out.append(f"[^{SPACE_CLASS}]")
        elif following == "w":
            out.append(WORD_CLASS if inside else f"[{WORD_CLASS}]")
        elif following == "W" and not inside:
            out.append(f"[^{WORD_CLASS}]")
        elif inside:
            out.append(piece)
        elif following in "yY":
            out.append("\\b" if following == "y" else "\\B")
        elif following == "Z":
            out.append("\\z")
        elif following in "mM":
            if not (_word_char_after(text, i + 2) if following == "m" else _word_char_before(text, i)):
                raise UnsupportedFeature("unsupported Postgres feature: \\m or \\M (the start or end of a word) "
                                         "not next to a letter of the pattern in a regular expression")
            out.append("\\b")
        elif following in "123456789":
            raise UnsupportedFeature("unsupported Postgres feature: a back-reference (\\1) in a regular "
                                     "expression (RE2 has none)")
        else:
            out.append(piece)
    return "".join(out)


LONGEST_MATCH_REFUSAL = (
    "unsupported Postgres feature: a regular expression whose match depends on Postgres's longest-match rule ({}): "
    "RE2 takes the first match that works, not the longest")


def refuse_leftmost_first_differences(text: str) -> None:
    """Postgres's regular expressions match the longest text (or, when the first quantifier is lazy, the shortest)
    at the leftmost position; RE2 takes the first match its alternatives and quantifiers find. The two differ when
    an alternative is a prefix of a later one (``a|ab``, ``user|user/path``), or when lazy and greedy quantifiers
    are mixed (``Y*?([0-9]{1,3})``) and a final ``$`` does not fix the end: such literal patterns are refused where
    the match is extracted or replaced."""
    greedy, i, in_class, groups, alternatives = set(), 0, False, [[""]], []
    while i < len(text):
        char = text[i]
        if char == "\\":
            groups[-1][-1] += text[i:i + 2] if text[i + 1:i + 2] not in (".", "/", "-", ":") else text[i + 1:i + 2]
            i += 2
            continue
        if in_class:
            in_class = char != "]" or text[i - 1] == "[" or text[i - 2:i] == "[^"
            groups[-1][-1] += "\x00"  # not a plain literal
        elif char == "[":
            in_class = True
            groups[-1][-1] += "\x00"
        elif char == "(" and text[i + 1:i + 2] == "?" and text[i + 2:i + 3] != ":":
            end = text.find(")", i)  # (?i) and other embedded options: no group
            i = end + 1 if end >= 0 else len(text)
            continue
        elif char == "(":
            groups.append([""])
            if text[i + 1:i + 3] == "?:":
                i += 2
        elif char == ")":
            if len(groups) > 1:
                alternatives.append(groups.pop())
                groups[-1][-1] += "\x00"
        elif char == "|":
            groups[-1].append("")
        elif char in "*+?{":
            end = text.find("}", i) if char == "{" else i
            end = end if end >= 0 else i
            lazy = text[end + 1:end + 2] == "?"
            greedy.add(not lazy)
            groups[-1][-1] += "\x00"
            i = end + (2 if lazy else 1)
            continue
        else:
            groups[-1][-1] += char if char not in ".^$" else "\x00"
        i += 1
    alternatives += groups
    for options in alternatives:
        plain = [o for o in options if "\x00" not in o and "\\" not in o]
        if len(plain) == len(options) and any(
                later.startswith(earlier) and later != earlier
                for n, earlier in enumerate(options) for later in options[n + 1:]):
            raise UnsupportedFeature(LONGEST_MATCH_REFUSAL.format("an alternative that is a prefix of a later one"))
    ends_fixed = text.endswith("$") and not text.endswith("\\$")
    if len(greedy) == 2 and not ends_fixed:
        raise UnsupportedFeature(LONGEST_MATCH_REFUSAL.format("lazy and greedy quantifiers without a final $"))


def _is_word_atom(atom: str) -> bool:
    return atom in ("\\w", "\\d") or len(atom) == 1 and atom.isascii() and (atom.isalnum() or atom == "_")


def _word_char_after(text: str, i: int) -> bool:
    """Whether the pattern from ``i`` must start with a word character (past opening groups): ``cd``, ``(\\w+)``."""
    while text.startswith("(?:", i) or text[i:i + 1] == "(":
        i += 3 if text.startswith("(?:", i) else 1
    atom = text[i:i + 2] if text[i:i + 1] == "\\" else text[i:i + 1]
    return _is_word_atom(atom) and text[i + len(atom):i + len(atom) + 1] not in ("*", "?", "{")


def _word_char_before(text: str, i: int) -> bool:
    """Whether the pattern before ``i`` must end with a word character (past closing groups and ``+``)."""
    while i > 0 and text[i - 1] in ")+":
        i -= 1
    atom = text[i - 2:i] if i >= 2 and text[i - 2] == "\\" else text[i - 1:i]
    return i > 0 and _is_word_atom(atom)


def dot_matches_newline(pattern: exp.Expr) -> exp.Expr:
    """A Postgres regular expression for RE2: ``.`` matches a newline in Postgres (``^`` and ``$`` match only at the
    ends of the text in both), so the pattern gets RE2's ``(?s)`` flag."""
    if isinstance(pattern, exp.Null):
        return pattern
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return pattern if pattern.this.startswith("(?s)") else string("(?s)" + pattern.this)
    return exp.DPipe(this=string("(?s)"), expression=pattern)


def re2_replacement(text: str) -> str:
    """A ``regexp_replace`` replacement in RE2's syntax: Postgres's ``\\1``-``\\9`` are groups, ``\\&`` the whole match
    (RE2's ``\\0``), ``\\\\`` a backslash, and a backslash before anything else stays a backslash."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            following = text[i + 1]
            out.append("\\" + following if following in "123456789" else "\\0" if following == "&"
                       else "\\\\" if following == "\\" else "\\\\" + following)
            i += 2
        else:
            out.append("\\\\" if text[i] == "\\" else text[i])
            i += 1
    return "".join(out)


def rewrite_regex_newlines(node: exp.Expr, scope: Scope) -> exp.Expr:
    """Every regular expression as Postgres matches it (``dot_matches_newline``), unless a flag of
    ``regexp_replace`` makes it newline-sensitive."""
    if isinstance(node, REGEX_NODES):
        position, pattern = None, node.expression
        flags = node.args.get("modifiers") if isinstance(node, exp.RegexpReplace) else None
    elif isinstance(node, exp.Anonymous) and len(node.expressions) > REGEX_PATTERN_ARGUMENT.get(node.name.lower(), 99):
        position = REGEX_PATTERN_ARGUMENT[node.name.lower()]
        pattern, flags = node.expressions[position], None
    else:
        return node
    refuse_lookaround(pattern)
    boolean = isinstance(node, (exp.RegexpLike, exp.RegexpILike)) or func_name(node) in (
        "regexp_matches", "regexp_full_match")
    if not boolean and isinstance(pattern, exp.Literal) and pattern.is_string and not node.meta.get(
            "pg_checked_pattern"):
        refuse_leftmost_first_differences(pattern.this)
    if isinstance(pattern, exp.Literal) and pattern.is_string and "\\" in pattern.this:
        translated = re2_escapes(pattern.this)
        if translated != pattern.this:
            pattern = string(translated)
    original = node.expression if position is None else node.expressions[position]
    if isinstance(flags, exp.Literal) and NEWLINE_SENSITIVE_FLAGS & set(flags.this):
        return node if pattern is original else _with_pattern(node, position, pattern)
    new_pattern = dot_matches_newline(pattern)
    if new_pattern is original:
        return node
    return _with_pattern(node, position, new_pattern)


def _with_pattern(node: exp.Expr, position: int | None, pattern: exp.Expr) -> exp.Expr:
    """A copy of the regular-expression call ``node`` with ``pattern`` (its ``expression``, or argument ``position``)."""
    result = node.copy()
    if position is None:
        result.set("expression", pattern)
    else:
        result.set("expressions", [pattern if i == position else a.copy() for i, a in enumerate(node.expressions)])
    return result


def jsonb_identity(value: exp.Expr) -> exp.Expr:
    """A jsonb value as the JSON of its Postgres text: equal jsonb values (whatever their key order and spacing)
    give the same text, which is what DuckDB compares JSON by."""
    return json_cast(call("pg_jsonb_out", value))


def _set_operand(select: exp.Select) -> bool:
    parent = select.parent
    while isinstance(parent, (exp.Subquery, exp.Paren)):
        parent = parent.parent
    return isinstance(parent, (exp.Union, exp.Intersect, exp.Except))


def _group_value(key: exp.Expr, select: exp.Select, scope: Scope) -> exp.Expr:
    """What a GROUP BY item groups by: the select item it names by position or by alias, else itself."""
    if isinstance(key, exp.Literal) and not key.is_string and re.fullmatch(r"\d+", key.this):
        position = int(key.this) - 1
        if 0 <= position < len(select.expressions):
            item = select.expressions[position]
            return item.this if isinstance(item, exp.Alias) else item
    if isinstance(key, exp.Column) and not key.table and scope.column_type(key) is None:
        for item in select.expressions:
            if isinstance(item, exp.Alias) and item.alias == key.name:
                return item.this
    return key


def rewrite_jsonb_identity(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``DISTINCT`` (and ``DISTINCT ON``), ``GROUP BY``, ``UNION``/``INTERSECT``/``EXCEPT`` and ``count(distinct ...)``
    compare jsonb values by value in Postgres; DuckDB compares the JSON text, so there the jsonb values compared
    become ``jsonb_identity`` (a GROUP BY key also where the select list, HAVING and ORDER BY repeat it)."""
    if isinstance(node, exp.Count) and isinstance(node.this, exp.Distinct):
        values = node.this.expressions
        if not any(scope.is_json(v) for v in values):
            return node
        result = node.copy()
        result.this.set("expressions", [jsonb_identity(v.copy()) if scope.is_json(v) else v.copy() for v in values])
        return result
    if not isinstance(node, exp.Select):
        return node
    distinct = node.args.get("distinct")
    on = distinct.args.get("on") if distinct else None
    whole_rows = bool(distinct and not on) or _set_operand(node)
    items = [item.this if isinstance(item, exp.Alias) else item for item in node.expressions]
    group = node.args.get("group")
    grouped = [(key, _group_value(key, node, scope)) for key in (group.expressions if group else [])]
    keys = [value for _, value in grouped if scope.is_json(value)]
    on_json = on is not None and any(scope.is_json(e) for e in on.expressions)
    if not keys and not on_json and not (whole_rows and any(scope.is_json(i) for i in items)):
        return node
    def by_value(expression: exp.Expr) -> exp.Expr:
        # the group keys inside an expression (the same jsonb value, so the same answer) as DuckDB groups them
        return expression.transform(lambda n: jsonb_identity(n.copy()) if any(n == k for k in keys) else n)

    result = node.copy()
    new_items = []
    for item, value in zip(result.expressions, items):
        if (whole_rows and scope.is_json(value)) or any(value == k for k in keys):
            name = item.alias if isinstance(item, exp.Alias) else value.name
            item = exp.alias_(jsonb_identity(value.copy()), name, quoted=True)
        elif keys:
            item = by_value(item)
        new_items.append(item)
    result.set("expressions", new_items)
    if keys:
        # an ordinal stays (it names the select item, now compared by value); any other key is compared by value
        group_keys = [key.copy() if isinstance(key, exp.Literal) or not scope.is_json(value) else
                      jsonb_identity(value.copy()) for key, value in grouped]
        result.set("group", exp.Group(expressions=group_keys))
        for clause in ("having", "order"):
            if result.args.get(clause) is not None:
                result.set(clause, by_value(result.args[clause]))
    if on_json:
        result.args["distinct"].set("on", exp.Tuple(
            expressions=[jsonb_identity(e.copy()) if scope.is_json(e) else e.copy() for e in on.expressions]))
    return result


JSONPATH_FUNCTIONS = {"jsonb_path_query": None, "jsonb_path_exists": "pg_jsonb_path_exists",
                      "jsonb_path_match": "pg_jsonb_path_match", "jsonb_path_query_array": "pg_jsonb_path_query_array",
                      "jsonb_path_query_first": "pg_jsonb_path_query_first"}


JSONPATH_PARAMETERS = ("target", "path", "vars", "silent")  # Postgres's names of the jsonb_path_* arguments
JSONPATH_SILENT = "pg_jsonpath_silent"  # meta of a jsonb_path_match call whose errors are NULL (silent => true)


def jsonpath_arguments(tree: exp.Expr) -> exp.Expr:
    """``jsonb_path_*`` calls with their arguments by position (``target``, ``path``, ``vars``), named ones
    (``silent => true``) included, and ``silent`` decided: it only turns ``jsonb_path_match``'s "single boolean result
    is expected" into NULL (the lax paths the evaluator takes raise no other error it suppresses: a missing variable
    and ``vars`` that is not an object stay errors, as in Postgres); a NULL ``silent`` makes the answer NULL (no rows
    from ``jsonb_path_query``), as the functions are strict."""

    def positional(node: exp.Expr) -> exp.Expr:
        name = func_name(node)
        if not isinstance(node, exp.Anonymous) or name not in JSONPATH_FUNCTIONS:
            return node
        given: dict[str, exp.Expr] = {}
        for position, argument in enumerate(node.expressions):
            key = argument.this.name.lower() if isinstance(argument, exp.Kwarg) else (
                JSONPATH_PARAMETERS[position] if position < len(JSONPATH_PARAMETERS) else None)
            if key not in JSONPATH_PARAMETERS or key in given:
                raise QueryError(f"function {name}() does not exist with these arguments (its arguments are "
                                 f"target, path, vars and silent)")
            given[key] = argument.expression if isinstance(argument, exp.Kwarg) else argument
        if "target" not in given or "path" not in given:
            raise QueryError(f"function {name}() does not exist with these arguments (target and path are needed)")
        silent = given.pop("silent", None)
        if silent is None or isinstance(silent, exp.Boolean) and not silent.this:
            return exp.Anonymous(this=node.this, expressions=list(given.values()))
        variables = given.get("vars", string(jsonpath.NO_VARIABLES))
        if isinstance(silent, exp.Null):
            given["vars"] = exp.Null()
        elif not isinstance(silent, exp.Boolean):
            given["vars"] = exp.Case(ifs=[exp.If(this=exp.Is(this=silent.copy(), expression=exp.Null()),
                                                 true=exp.Null())], default=variables)
        result = exp.Anonymous(this=node.this, expressions=list(given.values()))
        if name != "jsonb_path_match" or isinstance(silent, exp.Null):
            return result
        quiet = result.copy()
        quiet.meta[JSONPATH_SILENT] = True
        if isinstance(silent, exp.Boolean):
            return quiet
        return exp.Case(ifs=[exp.If(this=silent.copy(), true=quiet)], default=result)

    return tree.transform(positional)


def is_jsonpath_cast(node: exp.Expr) -> bool:
    kind = node.to.args.get("kind") if isinstance(node, exp.Cast) else None
    return kind is not None and kind.name.lower() == "jsonpath"


def jsonpath_text(node: exp.Expr) -> str | None:
    """The text of a jsonpath literal (``'$.a'``, ``'$.a'::jsonpath``), else None."""
    if is_jsonpath_cast(node):
        node = node.this
    return node.this if isinstance(node, exp.Literal) and node.is_string else None


def check_jsonpath(node: exp.Expr) -> None:
    """Refuse a jsonpath that is not a literal or that uses what ``iamsql.sql.jsonpath`` does not evaluate."""
    text = jsonpath_text(node)
    if text is None:
        raise UnsupportedFeature("unsupported Postgres feature: a jsonpath that is not a literal")
    try:
        jsonpath.parse(text)
    except jsonpath.JsonPathUnsupported as exc:
        raise UnsupportedFeature(f"unsupported Postgres feature: {exc}") from None
    except jsonpath.JsonPathSyntaxError as exc:
        raise QueryError(str(exc)) from None


def jsonpath_call(node: exp.Expr, scope: Scope) -> exp.Expr | None:
    """``x @? 'path'``, ``x @@ 'path'`` (jsonb ``x``) and ``jsonb_path_exists``, ``_match``, ``_query_array``,
    ``_query_first`` as the functions of ``iamsql.sql.jsonpath``, else None (``jsonb_path_query`` is a
    set-returning function: SRF_COLUMNS)."""
    if isinstance(node, exp.JSONBPathExists):
        return call("pg_jsonb_path_exists", node.this, string(jsonpath_text(node.expression)),
                    string(jsonpath.NO_VARIABLES))
    if isinstance(node, exp.MatchAgainst):
        if not scope.is_json(node.expressions[0]):
            raise UnsupportedFeature("unsupported Postgres feature: @@ on a value that is not jsonb (text search)")
        check_jsonpath(node.this)
        return call("pg_jsonb_path_match_silent", node.expressions[0], string(jsonpath_text(node.this)),
                    string(jsonpath.NO_VARIABLES))
    macro = JSONPATH_FUNCTIONS.get(func_name(node) or "") if isinstance(node, exp.Anonymous) else None
    if macro is None:
        return None
    if node.meta.get(JSONPATH_SILENT):
        macro = "pg_jsonb_path_match_silent"
    document, path, *variables = node.expressions
    return call(macro, document, string(jsonpath_text(path)), *variables)


def type_name(node: exp.DataType) -> str:
    """The lower-case name of a type, Postgres's own ones sqlglot does not know included (``cidr``)."""
    kind = node.args.get("kind")
    if node.this == exp.DataType.Type.USERDEFINED and kind:
        return kind.name.lower()
    # a type sqlglot keeps by its name (``oid``) holds a string
    return (node.this.name if isinstance(node.this, exp.DataType.Type) else str(node.this)).lower()


def check_types(tree: exp.Expr, refused: tuple[str, ...]) -> None:
    for node in tree.find_all(exp.DataType):
        if type_name(node) in refused:
            raise UnsupportedFeature(f"unsupported Postgres feature: the {type_name(node)} type")


INET_TEXT_FUNCTIONS = {"host": None, "text": None, "network": "cidr", "broadcast": "inet", "netmask": "inet",
                       "hostmask": "inet"}
INET_FUNCTIONS = {*INET_TEXT_FUNCTIONS, "family", "masklen", "set_masklen", "inet_same_family"}
INET_OPERATORS = {exp.BitwiseLeftShift: "<<", exp.BitwiseRightShift: ">>", exp.ArrayOverlaps: "&&"}
INET_REFUSED = {exp.Add: "+", exp.Sub: "-", exp.BitwiseAnd: "&", exp.BitwiseOr: "|", exp.BitwiseNot: "~",
                exp.Greatest: "greatest()", exp.Least: "least()"}
COMPARISON_SYMBOLS = {"eq": "=", "neq": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
                      "nullsafeeq": "is not distinct from", "nullsafeneq": "is distinct from"}
INET_COMPARISONS = (exp.EQ, exp.NEQ, exp.NullSafeEQ, exp.NullSafeNEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)


def inet_type(node: exp.Expr | None, depth: int = 0) -> str | None:
    """'inet' or 'cidr' when ``node`` is known to be one in the Postgres query: a cast, a function returning one,
    coalesce/case/min/max of them, a column a CTE or a subquery in FROM defines as one."""
    if node is None:
        return None
    if node.meta.get("pg_inet"):
        return node.meta["pg_inet"]
    if isinstance(node, exp.Paren):
        return inet_type(node.this, depth)
    if isinstance(node, exp.Cast):
        return type_name(node.to) if type_name(node.to) in ("inet", "cidr") else None
    name = func_name(node)
    if name in INET_TEXT_FUNCTIONS:
        return INET_TEXT_FUNCTIONS[name]
    if name == "set_masklen" and node.expressions:
        return inet_type(node.expressions[0], depth) or "inet"
    if isinstance(node, (exp.Coalesce, exp.Case, exp.Max, exp.Min)):
        if isinstance(node, exp.Case):
            values = [i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]
        else:
            values = [node.this, *node.expressions]
        types = {inet_type(v, depth) for v in values if v is not None and not isinstance(v, exp.Null) and not (
            isinstance(v, exp.Literal) and v.is_string)}
        return None if not types or None in types else "cidr" if types == {"cidr"} else "inet"
    if isinstance(node, exp.Column) and depth < 8:
        return next(filter(None, (inet_type(item, depth + 1) for item in _defining_items(node))), None)
    return None


def _defining_items(column: exp.Column) -> list[exp.Expr]:
    """The select items of a CTE or a FROM subquery, also a LATERAL one (one per UNION branch) or the first VALUES
    row's value that ``column`` reads."""
    for source in select_sources(column.find_ancestor(exp.Select)):
        if column.table and column.table != source.alias_or_name:
            continue
        if isinstance(source, exp.Values) and source.expressions and source.args.get("alias"):
            names = [c.name for c in source.args["alias"].columns]
            first_row = source.expressions[0].expressions
            return [first_row[names.index(column.name)]] if column.name in names[: len(first_row)] else []
        if isinstance(source, exp.Lateral) and isinstance(source.this, exp.Subquery):
            source = source.this  # ``lateral (select ...) s``: the subquery, named by the LATERAL's alias
        query = source.this if isinstance(source, exp.Subquery) else None
        if isinstance(source, exp.Table) and not source.db:
            ancestor = source.parent
            while ancestor is not None and query is None:
                with_ = ancestor.args.get("with_")
                ctes = with_.expressions if isinstance(with_, exp.With) else []
                query = next((c.this for c in ctes if c.alias == source.name), None)
                ancestor = ancestor.parent
        branches = [query] if isinstance(query, exp.Query) else []
        while branches and isinstance(branches[0], exp.SetOperation):
            branches[:1] = [branches[0].this, branches[0].expression]
        first = branches[0] if branches and isinstance(branches[0], exp.Select) else None
        if first is None:
            return []
        position = next((i for i, item in enumerate(first.expressions) if item.alias_or_name == column.name), None)
        if position is None:
            return []
        return [b.expressions[position].unalias() for b in branches
                if isinstance(b, exp.Select) and position < len(b.expressions)]
    return []


def _inet_operand(node: exp.Expr, scope: Scope, operator: str) -> exp.Expr:
    """An operand of an inet operator or function (``host()``): Postgres reads a string literal as an inet and has
    no such operator or function for text."""
    if isinstance(node, (exp.Any, exp.All)):
        raise UnsupportedFeature(f"unsupported Postgres feature: {operator} with ANY/ALL on inet values (use OR)")
    if inet_type(node) is None and is_text(node, scope) and not (isinstance(node, exp.Literal) and node.is_string):
        wanted = f"function {operator[:-2]}(text)" if operator.endswith("()") else f"operator {operator} on text"
        raise QueryError(f"{wanted} does not exist: cast the text (x::inet)")
    return node


def inet_call(name: str, inet: str | None, *args: exp.Expr) -> exp.Expr:
    result = call(name, *args)
    if inet:
        result.meta["pg_inet"] = inet
    return result


def shared_type_values(node: exp.Expr) -> list[list[exp.Expr]]:
    """The values that share one type: each column of a VALUES or a UNION, the arguments of a coalesce, the
    results of a CASE."""
    if isinstance(node, exp.Coalesce):
        return [[node.this, *node.expressions]]
    if isinstance(node, exp.Case):
        return [[i.args.get("true") for i in node.args.get("ifs") or []] + [node.args.get("default")]]
    if isinstance(node, exp.Values):
        rows = [row.expressions for row in node.expressions if isinstance(row, exp.Tuple)]
    else:
        rows, branches = [], [node]
        while branches:
            branch = branches.pop(0)
            if isinstance(branch, exp.Union):
                branches[:0] = [branch.this, branch.expression]
            elif isinstance(branch, exp.Select):
                rows.append([item.unalias() for item in branch.expressions])
    return [list(column) for column in zip(*rows)]


def rewrite_inet(node: exp.Expr, scope: Scope) -> exp.Expr:
    """inet and cidr as the functions of ``iamsql.sql.inet`` over Postgres's text of the values (``pg_inet_*``):
    casts, functions, operators; comparisons, min/max and ORDER BY through ``pg_inet_sort_key``."""
    if isinstance(node, exp.Cast):
        target, source = type_name(node.to), inet_type(node.this)
        if target == "array" and node.to.expressions and type_name(node.to.expressions[0]) in ("inet", "cidr"):
            raise UnsupportedFeature(f"unsupported Postgres feature: arrays of {type_name(node.to.expressions[0])}")
        if target == "cidr" and source == "inet":
            return inet_call("pg_inet_to_cidr", "cidr", node.this)
        if target in ("inet", "cidr"):
            return inet_call("pg_inet_in", target, node.this, exp.Boolean(this=target == "cidr"))
        if source and node.to.this in TEXT_TYPES:
            return exp.Cast(this=call("pg_inet_text", string("text"), node.this), to=node.to)
        return node
    name = func_name(node)
    if name in INET_FUNCTIONS and node.expressions and (name != "text" or inet_type(node.expressions[0])):
        args = [_inet_operand(a, scope, f"{name}()") for a in node.expressions]
        if name in INET_TEXT_FUNCTIONS:
            return inet_call("pg_inet_text", INET_TEXT_FUNCTIONS[name], string(name), *args)
        if name == "set_masklen":
            cidr = inet_type(args[0]) == "cidr"
            return inet_call("pg_inet_set_masklen", "cidr" if cidr else "inet", *args, exp.Boolean(this=cidr))
        if name == "inet_same_family":
            return call("pg_inet_test", string("same_family"), *args)
        return call("pg_inet_number", string(name), *args)
    if isinstance(node, exp.Host):
        return call("pg_inet_text", string("host"), _inet_operand(node.this, scope, "host()"))
    if func_name(node) in ("network_subeq", "network_supeq") or (
            type(node) in INET_OPERATORS and (inet_type(node.this) or inet_type(node.expression))):
        operator = {"network_subeq": "<<=", "network_supeq": ">>="}.get(name) or INET_OPERATORS[type(node)]
        left, right = node.expressions if isinstance(node, exp.Anonymous) else [node.this, node.expression]
        quantified = _quantifier(right)
        if quantified and isinstance(quantified[0], exp.Array):
            # ``x <<= any (array[...])``: an OR chain of the tests (AND for ALL), NULL where Postgres's is
            values, any_of = quantified
            if values.expressions and not any(inet_type(value) for value in values.expressions):
                raise QueryError(f"operator does not exist: inet {operator} text")  # array['10.0.0.0/8'] is text[]
            tests = [call("pg_inet_test", string(operator), _inet_operand(left.copy(), scope, operator),
                          _inet_operand(value, scope, operator)) for value in values.expressions]
            if not tests:
                return exp.false() if any_of else exp.true()
            return exp.Paren(this=(exp.or_ if any_of else exp.and_)(*tests))
        return call("pg_inet_test", string(operator), *[_inet_operand(s, scope, operator) for s in (left, right)])
    if isinstance(node, (exp.Values, exp.Coalesce, exp.Case, exp.Union)):
        # the literals of a VALUES column, a coalesce, a CASE or a UNION column that holds inets are inets too
        for values in shared_type_values(node):
            inet = next((inet_type(v) for v in values if inet_type(v)), None)
            for value in values:
                if inet and isinstance(value, exp.Literal) and value.is_string:
                    value.replace(inet_call("pg_inet_in", inet, value.copy(), exp.Boolean(this=inet == "cidr")))
        return node
    if isinstance(node, exp.GroupConcat) and inet_type(node.this.unnest()):
        raise QueryError("function string_agg(inet, unknown) does not exist (cast the value: x::text)")
    if type(node) in INET_REFUSED and any(inet_type(a) for a in node.iter_expressions()):
        raise UnsupportedFeature(f"unsupported Postgres feature: {INET_REFUSED[type(node)]} of inet values")
    if isinstance(node, exp.DPipe) and (inet_type(node.this) or inet_type(node.expression)):
        # || takes the text of an inet with its mask length (text(inet)), not its output
        return exp.DPipe(**{k: call("pg_inet_text", string("text"), v) if inet_type(v) else v
                            for k, v in (("this", node.this), ("expression", node.expression))})
    compared = [node.this, node.expression] if isinstance(node, INET_COMPARISONS) else [
        node.this, *node.expressions] if isinstance(node, exp.In) and node.expressions else [
        node.this, node.args["low"], node.args["high"]] if isinstance(node, exp.Between) else []
    if any(inet_type(c) for c in compared):
        # compared in Postgres's order (family, network, mask length, address), inet = cidr by value
        symbol = COMPARISON_SYMBOLS.get(node.key, node.key)
        replacement = node.copy()
        for key in ("this", "expression", "low", "high"):
            if replacement.args.get(key) is not None:
                replacement.set(key, call("pg_inet_sort_key", _inet_operand(replacement.args[key], scope, symbol)))
        if isinstance(node, exp.In):
            replacement.set("expressions", [call("pg_inet_sort_key", _inet_operand(e, scope, symbol))
                                            for e in replacement.expressions])
        return replacement
    if isinstance(node, (exp.Max, exp.Min)) and inet_type(node.this):
        function = "arg_max" if isinstance(node, exp.Max) else "arg_min"
        return inet_call(function, inet_type(node), node.this, call("pg_inet_sort_key", node.this.copy()))
    if isinstance(node, exp.Ordered):
        value, reference = ordered_value(node)
        if inet_type(value):
            return exp.Ordered(this=call("pg_inet_sort_key", reference), desc=node.args.get("desc"),
                               nulls_first=node.args.get("nulls_first"))
    return node


# Names DuckDB reads as its own functions (``"user"`` is ``'duckdb'``, ``"current_date"`` today) where no column of
# the query has them, even quoted; Postgres reads a quoted one as a column only.
DUCKDB_FALLBACK_NAMES = {"user", "current_user", "session_user", "current_role", "current_date", "current_time",
                         "current_timestamp", "current_schema", "current_catalog", "localtime", "localtimestamp"}


def check_quoted_fallback_names(tree: exp.Expr) -> None:
    """``"user"`` (quoted) over Steampipe tables that have no such column is Postgres's error, not DuckDB's
    function of that name (``aws_iam_credential_report``'s column is ``user_name``)."""
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    for column in tree.find_all(exp.Column):
        if column.table or not column.this.args.get("quoted") or column.name not in DUCKDB_FALLBACK_NAMES:
            continue
        sources = select_sources(column.find_ancestor(exp.Select))
        if sources and all(isinstance(s, exp.Table) and isinstance(s.this, exp.Identifier) and s.name in TABLE_COLUMNS
                           and s.name not in ctes and column.name not in TABLE_COLUMNS[s.name] for s in sources):
            raise QueryError(f'column "{column.name}" does not exist')


# What Postgres knows of its own server and session: iamsql has no database user, schema or server version to give.
SERVER_FACTS = {exp.CurrentUser: "current_user", exp.SessionUser: "session_user", exp.CurrentSchema: "current_schema",
                exp.CurrentCatalog: "current_catalog", exp.CurrentDatabase: "current_database()",
                exp.CurrentVersion: "version()"}
# Unquoted, these keywords are Postgres's current_user (a column or alias of that name must be quoted).
USER_KEYWORDS = {"user", "current_role"}


def check_server_facts(tree: exp.Expr) -> None:
    """Refuses ``user``, ``current_user``, ``version()`` and the like: DuckDB would answer with its own (``duckdb``,
    ``main``, its version), never what Postgres and Steampipe give."""
    for node in tree.find_all(exp.Column, *SERVER_FACTS):
        if isinstance(node, exp.Column):
            if node.table or node.this.args.get("quoted") or node.name.lower() not in USER_KEYWORDS:
                continue
            raise UnsupportedFeature(f'unsupported Postgres feature: {node.name.lower()} (unquoted, the Postgres '
                                     f'session\'s user, which iamsql has not got; a column of that name is "{node.name}")')
        raise UnsupportedFeature(f"unsupported Postgres feature: {SERVER_FACTS[type(node)]} (the Postgres server's own "
                                 "user, schema or version; iamsql has none to give)")


def recordset_sources(tree: exp.Expr) -> exp.Expr:
    """``jsonb_to_recordset(x) as t(a text, n int)`` in FROM (also LATERAL) as the LATERAL subquery ``(select e ->>
    'a' as a, (e ->> 'n')::int as n from jsonb_array_elements(x) e) t``: one row per element, each column the
    element's member of its name read as its type (``->`` for jsonb), NULL where the member is missing; an element
    that is not an object is Postgres's error."""
    for function in list(tree.find_all(exp.Anonymous)):
        holder = function.parent
        alias = holder.args.get("alias") if isinstance(holder, (exp.Table, exp.Lateral)) else None
        if func_name(function) not in ("jsonb_to_recordset", "jsonb_to_record") or holder.this is not function or len(
                function.expressions) != 1 or not alias or not alias.columns or not all(
                isinstance(c, exp.ColumnDef) and c.args.get("kind") for c in alias.columns):
            continue
        element = exp.column("pg_recordset_element", quoted=True)
        items = []
        for definition in alias.columns:
            kind, key = definition.args["kind"], string(definition.name)
            if kind.this in JSON_TYPES:
                value: exp.Expr = exp.JSONExtract(this=element.copy(), expression=key)
            else:
                value = exp.JSONExtractScalar(this=element.copy(), expression=key)
                if kind.this not in TEXT_TYPES:
                    value = exp.Cast(this=value, to=kind.copy())
            items.append(exp.alias_(value, definition.this.copy()))
        argument = function.expressions[0]
        argument_type = exp.Anonymous(this="jsonb_typeof", expressions=[argument.copy()])
        elements_alias = exp.TableAlias(this=exp.to_identifier("pg_recordset_elements"),
                                        columns=[exp.to_identifier("pg_recordset_element", quoted=True)])
        if func_name(function) == "jsonb_to_record":
            # one row: the object's members (all NULL for a NULL argument)
            array_type = exp.EQ(this=argument_type.copy(), expression=string("array"))
            object_only = exp.Case().when(array_type, raise_error("cannot call populate_composite on an array")).when(
                exp.NEQ(this=argument_type, expression=string("object")),
                raise_error("cannot call populate_composite on a scalar")).else_(argument.copy())
            query = exp.select(*items).from_(exp.Subquery(this=exp.select(object_only), alias=elements_alias))
        else:
            objects_only = exp.Case().when(
                exp.NEQ(this=exp.Anonymous(this="jsonb_typeof", expressions=[element.copy()]),
                        expression=string("object")),
                raise_error("argument of jsonb_to_recordset must be an array of objects")).else_(exp.true())
            arrays_only = exp.Case().when(exp.NEQ(this=argument_type, expression=string("array")), raise_error(
                "cannot call jsonb_to_recordset on a non-array")).else_(argument.copy())
            elements = exp.Table(this=exp.Anonymous(this="jsonb_array_elements", expressions=[arrays_only]),
                                 alias=elements_alias)
            query = exp.select(*items).from_(elements).where(objects_only)
        holder.replace(exp.Lateral(this=exp.Subquery(this=query), alias=exp.TableAlias(this=alias.this.copy())))
    return tree


def subscript_series(tree: exp.Expr) -> exp.Expr:
    """``generate_subscripts(a, 1)`` as ``generate_series(1, array_length(a, 1))`` (``reverse`` true: from the last
    subscript down), named ``generate_subscripts`` as Postgres names it: an array's subscripts, no row for an empty
    or NULL array or another dimension (iamsql's arrays have one)."""
    for function in list(tree.find_all(exp.Anonymous)):
        if func_name(function) != "generate_subscripts":
            continue
        args = function.expressions
        reverse = args[2] if len(args) == 3 else exp.false()
        if len(args) not in (2, 3) or not isinstance(reverse, exp.Boolean) or not (
                isinstance(args[1], exp.Literal) and args[1].is_int):
            raise UnsupportedFeature("unsupported Postgres feature: generate_subscripts() other than (array, "
                                     "dimension number[, true or false])")
        length = (exp.cast(exp.func("array_length", args[0].copy(), exp.Literal.number(1), dialect=Steampipe), "int")
                  if int(args[1].this) == 1 else exp.Literal.number(0))  # an integer, as Postgres's subscripts
        one, down = exp.Literal.number(1), exp.Literal.number(-1)
        series = exp.func("generate_series", *([length, one, down] if reverse.this else [one, length]), dialect=Steampipe)
        holder = function.parent
        if isinstance(holder, exp.Table) and holder.this is function and not holder.args.get("alias"):
            holder.set("alias", exp.TableAlias(this=exp.to_identifier("generate_subscripts")))
        elif isinstance(holder, exp.Select) and function.arg_key == "expressions":
            series = exp.alias_(series, "generate_subscripts", quoted=True)
        function.replace(series)
    return tree


def each_fields(tree: exp.Expr) -> exp.Expr:
    """``(jsonb_each(x)).key`` as ``jsonb_object_keys(x)`` and ``(jsonb_each(x)).value`` as ``x -> jsonb_object_keys(x)``
    (``->>`` for ``jsonb_each_text``; also the ``json_`` ones): the same rows, in the same key order, named ``key`` and
    ``value`` as Postgres names them. Before the scope is read."""
    for dot in list(tree.find_all(exp.Dot)):
        inner = dot.this.this if isinstance(dot.this, exp.Paren) else None
        name, field = func_name(inner) if inner is not None else None, dot.name.lower()
        if name not in ("jsonb_each", "jsonb_each_text", "json_each", "json_each_text") or field not in (
                "key", "value") or len(inner.expressions) != 1:
            continue
        value = inner.expressions[0]
        keys = exp.Anonymous(this=name.split("_each")[0] + "_object_keys", expressions=[value.copy()])
        if field == "value":
            access = exp.JSONExtractScalar if name.endswith("_text") else exp.JSONExtract
            keys = access(this=value.copy(), expression=keys)
        replacement = exp.alias_(keys, field) if isinstance(dot.parent, exp.Select) else keys
        dot.replace(replacement)
    return tree


def check_row_columns(tree: exp.Expr) -> None:
    """Refuses a row value as a result column (``row(a, b)``, ``(a, b)``): Postgres prints a record, ``(alice,5)``,
    which DuckDB's struct would not."""
    selects = _set_operation_branches(tree) if isinstance(tree, exp.SetOperation) else [tree]
    for select in selects or []:
        for item in select.expressions if isinstance(select, exp.Select) else []:
            value = item.unalias()
            if isinstance(value, exp.Tuple) or func_name(value) == "row":
                raise UnsupportedFeature("unsupported Postgres feature: a row value as a result column (row(...) or "
                                         "(a, b)): select its values as columns of their own")


# The aggregates that take WITHIN GROUP in Postgres: the ordered-set ones and the hypothetical-set ones.
ORDERED_SET_AGGREGATES = (exp.PercentileCont, exp.PercentileDisc, exp.Mode, exp.Rank, exp.DenseRank,
                          exp.PercentRank, exp.CumeDist)


# Functions in FROM and the columns Postgres names their rows by without a column list (their OUT parameters);
# a function of one unnamed column names it after the FROM item's alias (or the function)
FUNCTION_SOURCE_COLUMNS = {"jsonb_array_elements": ["value"], "json_array_elements": ["value"],
                           "jsonb_array_elements_text": ["value"], "json_array_elements_text": ["value"],
                           "jsonb_each": ["key", "value"], "json_each": ["key", "value"],
                           "jsonb_each_text": ["key", "value"], "json_each_text": ["key", "value"]}
SINGLE_COLUMN_FUNCTIONS = {"jsonb_object_keys", "json_object_keys", "generate_series", "string_to_table",
                           "regexp_split_to_table", "jsonb_path_query", "generate_subscripts"}


def _function_source_columns(source: exp.Expr) -> set[str] | None:
    """The lower-case column names of a set-returning function in FROM (``jsonb_array_elements(x) s``: ``value``
    and ``s``), None for another one."""
    function = source.this if isinstance(source, (exp.Table, exp.Lateral)) else None
    name = "generate_series" if isinstance(function, (exp.GenerateSeries, exp.ExplodingGenerateSeries)) else (
        func_name(function) if isinstance(function, exp.Func) else None)
    if name not in FUNCTION_SOURCE_COLUMNS and name not in SINGLE_COLUMN_FUNCTIONS:
        return None
    own = (source.alias_or_name or name).lower()
    columns = set(FUNCTION_SOURCE_COLUMNS.get(name, [own])) | {own}
    return columns | {"ordinality"} if source.args.get("ordinality") else columns


def _source_columns(source: exp.Expr, ctes: dict[str, exp.Expr]) -> set[str] | None:
    """The lower-case column names a FROM item gives its query (with its alias, a whole row's name); None when
    not known here (another function, VALUES or a subquery with ``*`` without a column list)."""
    alias = source.args.get("alias")
    listed = [c.name.lower() for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
    if not listed and (function_columns := _function_source_columns(source)) is not None:
        return function_columns
    body = source.this if isinstance(source, exp.Subquery) else None
    if isinstance(source, exp.Table) and not source.db and not listed:
        body = ctes.get(source.name.lower())
        if body is None:
            known = TABLE_COLUMNS.get(source.name.lower())
            return None if known is None else set(known) | {source.alias_or_name.lower()}
    if listed:
        return set(listed) | {source.alias_or_name.lower()}
    if isinstance(body, exp.Select) and "*" not in body.named_selects:
        return {name.lower() for name in body.named_selects} | {source.alias_or_name.lower()}
    return None


def check_order_by_aliases(tree: exp.Expr) -> None:
    """Postgres takes a select item's alias in ORDER BY only as a bare name (``order by doc``); inside an
    expression (``order by doc ->> 'name'``) a name is an input column, and an alias alone is an error (DuckDB
    would read the alias). Checked for the statement's own SELECT when every FROM item's columns are known."""
    order = tree.args.get("order") if isinstance(tree, exp.Select) else None
    aliases = {e.alias.lower() for e in tree.expressions if e.alias} if order else set()
    if not aliases:
        return
    ctes = {cte.alias.lower(): cte.this for cte in tree.ctes}
    sources = [tree.args["from_"].this] if tree.args.get("from_") else []
    sources += [join.this for join in tree.args.get("joins") or []]
    inputs: set[str] = set()
    for source in sources:
        columns = _source_columns(source, ctes)
        if columns is None:
            return
        inputs |= columns
    for ordered in order.expressions:
        item = ordered.this
        while isinstance(item, exp.Paren):
            item = item.this
        if isinstance(item, (exp.Column, exp.Literal)):
            continue
        for column in item.find_all(exp.Column):
            name = column.name.lower()
            if not column.table and name in aliases and name not in inputs and (
                    column.find_ancestor(exp.Select) is tree):
                raise QueryError(f'column "{column.name}" does not exist')


def check_positions_and_limits(tree: exp.Expr) -> None:
    """Postgres's errors for an ORDER BY or GROUP BY position past the select list, a negative LIMIT or OFFSET
    written as a number, and a subscript right after ``ARRAY[...]`` (which Postgres's grammar has no place for:
    ``(ARRAY[...])[i]``)."""
    for select in tree.find_all(exp.Select):
        items = select.expressions
        known = not any(isinstance(i, exp.Star) or isinstance(i, exp.Column) and isinstance(i.this, exp.Star)
                        for i in items)
        clauses = [("ORDER BY", [o.this for o in select.args["order"].expressions] if select.args.get("order") else []),
                   ("GROUP BY", select.args["group"].expressions if select.args.get("group") else [])]
        for clause, terms in clauses:
            for term in terms:
                if isinstance(term, exp.Literal) and not term.is_string and re.fullmatch(r"\d+", term.this) and (
                        int(term.this) < 1 or known and int(term.this) > len(items)):
                    raise QueryError(f"{clause} position {int(term.this)} is not in select list")
    for query in tree.find_all(exp.Select, exp.SetOperation):
        for key, word in (("offset", "OFFSET"), ("limit", "LIMIT")):
            bound = query.args.get(key)
            count = bound.args.get("count" if isinstance(bound, exp.Fetch) else "expression") if bound else None
            if isinstance(count, exp.Neg) and isinstance(count.this, exp.Literal) and not count.this.is_string and (
                    float(count.this.this) > 0):
                raise QueryError(f"{word} must not be negative")
    for bracket in tree.find_all(exp.Bracket):
        if isinstance(bracket.this, exp.Array):
            raise QueryError('syntax error at or near "["')


def check_unsupported(tree: exp.Expr) -> None:
    check_server_facts(tree)
    check_positions_and_limits(tree)
    check_order_by_aliases(tree)
    check_row_columns(tree)
    for window in tree.find_all(exp.WindowSpec):
        for bound, word in (("start", "starting"), ("end", "ending")):
            if isinstance(window.args.get(bound), exp.Null):
                raise QueryError(f"frame {word} offset must not be null")
    check_types(tree, ("macaddr", "macaddr8"))
    for node in tree.find_all(exp.SHA2Digest, exp.SHA2):
        length = node.args.get("length")
        if length is not None and length.name not in ("256", ""):
            raise UnsupportedFeature(f"unsupported Postgres feature: sha{length.name}() (sha256() and md5() work)")
    for node in tree.find_all(exp.Window):
        if isinstance(node.this, exp.WithinGroup) or isinstance(node.this, exp.Filter) and isinstance(
                node.this.this, exp.WithinGroup):
            # DuckDB takes percentile_cont(...) within group (...) over (...); Postgres does not
            raise UnsupportedFeature("OVER is not supported for ordered-set aggregates (percentile_cont, "
                                     "percentile_disc, mode ... within group) in PostgreSQL")
    for node in tree.find_all(exp.WithinGroup):
        if not isinstance(node.this, ORDERED_SET_AGGREGATES):
            name = func_name(node.this)
            raise QueryError(f"{name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP (write the "
                             f"order inside the call: {name}(x, ',' order by y))")
    for node in tree.find_all(exp.GroupConcat):
        if node.args.get("separator") is None:  # DuckDB's string_agg(x) joins with ','
            raise QueryError("function string_agg(text) does not exist")
    for node in tree.find_all(exp.RecursiveWithSearch):
        clause = "CYCLE" if str(node.args.get("kind")).upper() == "CYCLE" else "SEARCH"
        raise UnsupportedFeature(f"unsupported Postgres feature: the {clause} clause of WITH RECURSIVE")
    for node in tree.find_all(exp.Lock):
        raise UnsupportedFeature("unsupported Postgres feature: FOR UPDATE/SHARE")
    for node in tree.find_all(exp.Func):
        if func_name(node) in UNSUPPORTED_FUNCTIONS:
            raise UnsupportedFeature(f"unsupported Postgres feature: {func_name(node)}()")
    for node in tree.find_all(exp.JSONBPathExists, exp.Anonymous):
        if isinstance(node, exp.JSONBPathExists):
            check_jsonpath(node.expression)
        elif func_name(node) in JSONPATH_FUNCTIONS:
            check_jsonpath(node.expressions[1])
    for node in tree.find_all(exp.Fetch):
        options = node.args.get("limit_options")
        if options is not None and options.args.get("with_ties"):
            if not node.parent.args.get("order"):
                raise QueryError("WITH TIES cannot be specified without ORDER BY clause")
    for node in tree.find_all(exp.Array):
        if any(isinstance(e, exp.Array) for e in node.expressions):
            raise UnsupportedFeature("unsupported Postgres feature: multidimensional arrays (array[[...], [...]])")
    for node in tree.find_all(exp.Cast, exp.DPipe, exp.Concat, exp.ConcatWs, exp.Format):
        if isinstance(node, exp.Cast):
            operands = [node.this] if node.to.this in TEXT_TYPES else []
        else:
            operands = [node.this, node.expression] if isinstance(node, exp.DPipe) else [node.this, *node.expressions]
        for operand in operands:
            # json_build_object's own text is json_object_text's
            if isinstance(operand, exp.Expr) and (name := _json_built(operand)) and name not in (
                    "json_build_object", "json_object"):
                raise UnsupportedFeature(
                    f"unsupported Postgres feature: the text of a json (not jsonb) value from {name}() (json keeps "
                    f"its own layout): use the jsonb function")


class SetColumnType(NamedTuple):
    """A Postgres type as UNION, INTERSECT and EXCEPT resolve it: its name, its category, its rank among the types
    of its category that cast implicitly to the higher ones (None: no such order is kept here)."""

    name: str
    category: str
    rank: int | None


T = exp.DataType.Type
SET_COLUMN_TYPES = {
    T.SMALLINT: SetColumnType("smallint", "N", 1), T.INT: SetColumnType("integer", "N", 2),
    T.BIGINT: SetColumnType("bigint", "N", 3), T.DECIMAL: SetColumnType("numeric", "N", 4),
    T.FLOAT: SetColumnType("real", "N", 5), T.DOUBLE: SetColumnType("double precision", "N", 6),
    T.CHAR: SetColumnType("character", "S", 1), T.BPCHAR: SetColumnType("character", "S", 1),
    T.VARCHAR: SetColumnType("character varying", "S", 2), T.TEXT: SetColumnType("text", "S", 3),
    T.BOOLEAN: SetColumnType("boolean", "B", 1),
    T.DATE: SetColumnType("date", "D", 1), T.TIMESTAMP: SetColumnType("timestamp without time zone", "D", 2),
    T.TIMESTAMPTZ: SetColumnType("timestamp with time zone", "D", 3),
    T.INTERVAL: SetColumnType("interval", "T", 1),
    T.JSONB: SetColumnType("jsonb", "U", None), T.JSON: SetColumnType("json", "U", None),
}
del T
# A Steampipe table column's DuckDB type (iamsql.store.schema) as the Postgres type Steampipe gives it
STEAMPIPE_COLUMN_TYPES = {"VARCHAR": exp.DataType.Type.TEXT, "BIGINT": exp.DataType.Type.BIGINT,
                          "BOOLEAN": exp.DataType.Type.BOOLEAN, "TIMESTAMPTZ": exp.DataType.Type.TIMESTAMPTZ,
                          "JSON": exp.DataType.Type.JSONB, "DOUBLE": exp.DataType.Type.DOUBLE}


class UnknownLiteral(NamedTuple):
    """NULL or string literals: Postgres gives them the other branch's type (text if none), reading each string as
    that type (``select 'a' union select 1`` fails, ``select '1' union select 2`` is integers). ``literals``: the
    string literals of the column (the select items themselves), cast to the type once it is known."""

    literals: tuple


def check_set_operation_types(tree: exp.Expr, scope: Scope) -> None:
    """Postgres's error for UNION, INTERSECT and EXCEPT branches whose columns are of types of different categories
    (``UNION types text and integer cannot be matched``), where DuckDB casts and answers; a string literal meeting
    a column of another type is cast to it, as Postgres reads it. Only types known for certain count: literals,
    casts and the columns of Steampipe tables; anything else is never refused. A string literal meeting a computed
    value whose type ``scope`` tells (``length(name)``, ``count(*) + 1``, ``date_trunc('day', create_date)``) is
    cast to that type too (DuckDB would make the column text)."""
    ctes = {cte.alias: cte for cte in tree.find_all(exp.CTE)}
    for node in tree.find_all(exp.SetOperation):
        _set_column_types(node, ctes, scope)


class InferredType(NamedTuple):
    """A computed value's type as the translator infers it (``Scope``): what a string literal meeting it is read
    as, never a reason to refuse the statement."""

    kind: exp.DataType.Type


def _computed_type(item: exp.Expr, scope: Scope) -> InferredType | None:
    """The inferred type of a computed select item, when the translator tells it."""
    T = exp.DataType.Type
    if scope.is_int(item):
        return InferredType(T.INT if scope.is_int4(item) else T.BIGINT)
    if _is_float(item, scope):
        return InferredType(T.DOUBLE)
    if is_numeric(item, scope):
        return InferredType(T.DECIMAL)
    if is_timestamptz(item, scope):
        return InferredType(T.TIMESTAMPTZ)
    if is_interval(item, scope):
        return InferredType(T.INTERVAL)
    if is_date(item):
        return InferredType(T.DATE)
    return None


def _set_column_types(node: exp.Expr, ctes: dict[str, exp.CTE], scope: Scope) -> list | None:
    """The types of the columns of a set operation's branch (SetColumnType, UnknownLiteral or None when not known),
    resolved pair by pair as Postgres does; None when the columns cannot be told (``*``, VALUES)."""
    while isinstance(node, (exp.Subquery, exp.Paren)):
        node = node.this
    if isinstance(node, exp.Select):
        if any(isinstance(i, exp.Star) or isinstance(i, exp.Column) and isinstance(i.this, exp.Star)
               for i in node.expressions):
            return None
        return [_set_item_type(item.unalias(), node, ctes, scope) for item in node.expressions]
    if not isinstance(node, exp.SetOperation):
        return None
    left, right = _set_column_types(node.this, ctes, scope), _set_column_types(node.expression, ctes, scope)
    if left is None or right is None or len(left) != len(right):
        return None
    word = {exp.Union: "UNION", exp.Intersect: "INTERSECT", exp.Except: "EXCEPT"}[type(node)]
    return [_common_set_type(word, a, b) for a, b in zip(left, right, strict=True)]


def _common_set_type(word: str, left, right):
    if left is None or right is None:
        return None
    if isinstance(left, UnknownLiteral) and isinstance(right, UnknownLiteral):
        return SET_COLUMN_TYPES[exp.DataType.Type.TEXT]
    if isinstance(left, InferredType) or isinstance(right, InferredType):
        inferred, other = (left, right) if isinstance(left, InferredType) else (right, left)
        if isinstance(other, UnknownLiteral):
            for literal in other.literals:
                _cast_set_literal(literal, inferred.kind)
        return None
    if isinstance(left, UnknownLiteral) or isinstance(right, UnknownLiteral):
        unknown, known = (left, right) if isinstance(left, UnknownLiteral) else (right, left)
        if known.category != "S":
            kind = next(k for k, v in SET_COLUMN_TYPES.items() if v == known)
            for literal in unknown.literals:
                _cast_set_literal(literal, kind)
        return known
    if left.category != right.category:
        raise QueryError(f"{word} types {left.name} and {right.name} cannot be matched")
    if left == right:
        return left
    if left.rank is None or right.rank is None:
        return None
    return max(left, right, key=lambda t: t.rank)


def _cast_set_literal(literal: exp.Literal, kind: exp.DataType.Type) -> None:
    """Read the string ``literal`` (a select item) as ``kind``, the item keeping the name Postgres gives it."""
    unaliased = literal.parent is not None and not isinstance(literal.parent, exp.Alias)
    cast = exp.Cast(this=literal.copy(), to=exp.DataType(this=kind))
    literal.replace(exp.alias_(cast, "?column?", quoted=True) if unaliased else cast)


# expressions that are booleans whatever their operands (comparisons, tests, AND/OR/NOT)
BOOLEAN_RESULTS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Like, exp.ILike, exp.Is, exp.In, exp.And,
                   exp.Or, exp.Not, exp.Exists, exp.Between, exp.NullSafeEQ, exp.NullSafeNEQ, exp.LogicalAnd, exp.LogicalOr)


def _set_item_type(item: exp.Expr, select: exp.Select, ctes: dict[str, exp.CTE], scope: Scope):
    """The Postgres type of a select item when it is known for certain, UnknownLiteral, or None."""
    if isinstance(item, exp.Literal) and item.is_string:
        return UnknownLiteral((item,))
    while isinstance(item, exp.Paren):
        item = item.this
    if isinstance(item, exp.Neg) and isinstance(item.this, exp.Literal):
        item = item.this
    if isinstance(item, exp.Null) or isinstance(item, exp.Literal) and item.is_string:
        return UnknownLiteral(())
    if isinstance(item, (exp.Boolean, *BOOLEAN_RESULTS)):
        return SET_COLUMN_TYPES[exp.DataType.Type.BOOLEAN]
    if isinstance(item, exp.Count) and not isinstance(item.parent, exp.Window):
        return SET_COLUMN_TYPES[exp.DataType.Type.BIGINT]
    if isinstance(item, exp.Interval):
        return SET_COLUMN_TYPES[exp.DataType.Type.INTERVAL]
    if isinstance(item, exp.Literal):
        if not item.this.isdigit():
            return SET_COLUMN_TYPES[exp.DataType.Type.DECIMAL]
        kind = exp.DataType.Type.INT if int(item.this) < 2**31 else exp.DataType.Type.BIGINT if int(
            item.this) < 2**63 else exp.DataType.Type.DECIMAL
        return SET_COLUMN_TYPES[kind]
    if isinstance(item, exp.Cast):
        return SET_COLUMN_TYPES.get(item.to.this)
    if isinstance(item, exp.Column):
        duck_type = _steampipe_column_type(item, select, ctes)
        if duck_type in STEAMPIPE_COLUMN_TYPES:
            return SET_COLUMN_TYPES[STEAMPIPE_COLUMN_TYPES[duck_type]]
        return _derived_column_type(item, select, ctes, scope)
    return _computed_type(item, scope)


def _derived_column_type(column: exp.Column, select: exp.Select, ctes: dict[str, exp.CTE], scope: Scope):
    """The type of ``column`` when it is a column of a subquery or CTE in ``select``'s FROM (qualified by its name,
    or the only source) whose select item has a known type; a literal there is text, as Postgres makes it."""
    sources = select_sources(select)
    if column.table:
        sources = [s for s in sources if s.alias_or_name == column.table]
    if len(sources) != 1:
        return None
    source, cte = sources[0], None
    if isinstance(source, exp.Subquery):
        query = source.this
    elif isinstance(source, exp.Table) and not source.db and (cte := ctes.get(source.name)) is not None:
        query = cte.this
    else:
        return None
    alias = source.args.get("alias") if cte is None else cte.args.get("alias")
    names = [c.name for c in alias.columns] if alias and alias.columns else None
    first = query
    while isinstance(first, (exp.SetOperation, exp.Subquery, exp.Paren)):
        first = first.this
    if names is None and isinstance(first, exp.Select):
        names = [i.alias_or_name for i in first.expressions]
    if not names or column.name not in names or (cte is not None and cte.meta.get("pg_typing")):
        return None
    if cte is not None and isinstance(query, exp.Union) and cte.parent is not None and cte.parent.args.get("recursive"):
        query = query.this  # a recursive CTE has the types of its non-recursive part
    if cte is not None:
        cte.meta["pg_typing"] = True  # a CTE reading itself: its own columns stay unknown
    try:
        types = _set_column_types(query, ctes, scope)
    finally:
        if cte is not None:
            cte.meta.pop("pg_typing")
    index = names.index(column.name)
    if types is None or index >= len(types):
        return None
    known = types[index]
    return SET_COLUMN_TYPES[exp.DataType.Type.TEXT] if isinstance(known, UnknownLiteral) else known


def _steampipe_column_type(column: exp.Column, select: exp.Select, ctes: dict[str, exp.CTE]) -> str | None:
    """The DuckDB type of ``column`` when it is certainly a column of a Steampipe table of ``select``'s own FROM:
    qualified by that table's name or alias, or unqualified where every source is such a table and one has it."""
    tables, others = {}, False
    for source in select_sources(select):
        if isinstance(source, exp.Table) and isinstance(source.this, exp.Identifier) and (
                source.name in TABLE_COLUMNS and source.name not in ctes):
            tables[source.alias_or_name] = source.name
        else:
            others = True
    if column.table:
        return TABLE_COLUMNS[tables[column.table]].get(column.name) if column.table in tables else None
    owners = [table for table in tables.values() if column.name in TABLE_COLUMNS[table]]
    return TABLE_COLUMNS[owners[0]][column.name] if len(owners) == 1 and not others else None


def check_distinct_on_order(tree: exp.Expr) -> None:
    """Postgres's rule for ``SELECT DISTINCT ON (...) ... ORDER BY ...``: once an ORDER BY item that is not a DISTINCT
    ON expression comes, every DISTINCT ON expression must have come before it (DuckDB answers either way)."""
    for select in tree.find_all(exp.Select):
        distinct, order = select.args.get("distinct"), select.args.get("order")
        if distinct is None or distinct.args.get("on") is None or order is None:
            continue
        on_keys = {_target_key(e, select) for e in distinct.args["on"].expressions}
        order_keys = [_target_key(ordered.this, select) for ordered in order.expressions]
        if None in on_keys or None in order_keys:
            continue
        other = next((i for i, key in enumerate(order_keys) if key not in on_keys), None)
        if other is not None and not on_keys <= set(order_keys[:other]):
            raise QueryError("SELECT DISTINCT ON expressions must match initial ORDER BY expressions")


def _target_key(node: exp.Expr, select: exp.Select) -> str | None:
    """The select item a DISTINCT ON or ORDER BY expression stands for, as text to compare: a number is the item at
    that position, a bare name an output column's name before an input column's, as Postgres resolves them. Column
    qualifiers and case are dropped, so two spellings of one value compare equal (never a false refusal); None for
    a position in a select list with ``*``, which cannot be told."""
    items = select.expressions
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit() and 1 <= int(node.this) <= len(items):
        if any(isinstance(i, exp.Star) or isinstance(i, exp.Column) and isinstance(i.this, exp.Star) for i in items):
            return None
        node = items[int(node.this) - 1]
    elif isinstance(node, exp.Column) and not node.table:
        node = next((i.this for i in items if isinstance(i, exp.Alias) and i.alias.lower() == node.name.lower()), node)
    bare = node.unalias().copy().transform(
        lambda n: exp.column(n.name) if isinstance(n, exp.Column) and not isinstance(n.this, exp.Star) else n)
    return bare.sql(dialect=Steampipe).lower()


# json (not jsonb) constructors whose text is laid out as json's (``{"a" : 1}``, ``{ "k" : v }``), not jsonb's
JSON_LAYOUT_FUNCTIONS = {"json_build_object", "json_object_agg", "json_object", "json_objectagg"}
# json constructors that write their elements with jsonb's separators, unless an element has json's own layout
JSON_LIST_FUNCTIONS = {"json_agg", "json_build_array", "json_arrayagg"}


def _json_built(node: exp.Expr) -> str | None:
    """The json constructor ``node`` calls (through parentheses, FILTER and OVER) if its text is not jsonb's: an
    object built as json, or a list holding one or a whole row (``json_agg(t)`` puts a line break between rows)."""
    while isinstance(node, (exp.Paren, exp.Filter, exp.Window, exp.Ordered, exp.Order)):
        node = node.this
    name = func_name(node)
    if name in JSON_LAYOUT_FUNCTIONS:
        return name
    if name in JSON_LIST_FUNCTIONS:
        for argument in node.iter_expressions():
            while isinstance(argument, (exp.Ordered, exp.Order, exp.Distinct)):
                argument = argument.this if not isinstance(argument, exp.Distinct) else argument.expressions[0]
            if _json_built(argument) or _is_row(argument):
                return name
    return None


def _is_row(node: exp.Expr) -> bool:
    """Whether ``node`` is a whole row: ``t.*``, or the bare name of a table of the query around it."""
    if isinstance(node, exp.Star) or isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
        return True
    if not (isinstance(node, exp.Column) and not node.table):
        return False
    select = node.find_ancestor(exp.Select)
    sources = [select.args["from_"].this] if select is not None and select.args.get("from_") else []
    sources += [join.this for join in (select.args.get("joins") or [])] if select is not None else []
    return any(source.alias_or_name == node.name for source in sources)


def rewrite_interval_aggregates(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``sum(x)`` and ``avg(x)`` of intervals (also with FILTER and OVER) as Postgres computes them: months, days and
    microseconds summed apart, an average divided as its ``interval / count`` divides (the fraction of a month as
    30 days, of a day as 86400 seconds, rounded to microseconds). DuckDB has no sum of intervals and averages them
    through one number of microseconds (``166.666668`` seconds for Postgres's ``166.666667``)."""
    inner, wrappers = node, []
    while isinstance(inner, (exp.Window, exp.Filter)):
        wrappers.append(inner)
        inner = inner.this
    if isinstance(node.parent, (exp.Window, exp.Filter)):
        return node
    if isinstance(inner, exp.WithinGroup) and isinstance(inner.this, exp.PercentileCont):
        return interval_percentile(inner, wrappers, scope) or node
    if not isinstance(inner, (exp.Avg, exp.Sum)):
        return node
    distinct = inner.this if isinstance(inner.this, exp.Distinct) and len(inner.this.expressions) == 1 else None
    value = distinct.expressions[0] if distinct else inner.this
    if not is_interval(value, scope):
        return node

    def aggregate(function: exp.Expr) -> exp.Expr:
        for wrapper in reversed(wrappers):
            wrapped = wrapper.copy()
            wrapped.set("this", function)
            function = wrapped
        return function

    def part_sum(part: str) -> exp.Expr:
        if distinct is None:
            return aggregate(exp.Sum(this=call(f"pg_interval_{part}", value.copy())))
        # DISTINCT: the parts of each distinct value (equal as Postgres compares intervals: 1 day = 24 hours)
        each = exp.Lambda(this=call(f"pg_interval_{part}", exp.column("pg_interval")),
                          expressions=[exp.to_identifier("pg_interval")])
        return call("list_sum", call("list_transform", aggregate(call("list", distinct.copy())), each))

    parts = [part_sum(part) for part in ("months", "days", "micros")]
    if isinstance(inner, exp.Sum):
        result = call("pg_interval_of", *parts)
    else:
        result = call("pg_interval_avg", *parts, aggregate(exp.Count(this=(distinct or value).copy())))
    result.meta["pg_interval"] = True
    return result


def interval_percentile(node: exp.WithinGroup, wrappers: list[exp.Expr], scope: Scope) -> exp.Expr | None:
    """``percentile_cont(f) within group (order by x)`` of intervals (DuckDB's quantile_cont takes none) as Postgres
    interpolates them: the sorted values' list, then ``lo + (hi - lo) * fraction`` between the two around the
    position ``f * (n - 1)``; None when ``x`` is not an interval."""
    order = node.expression
    keys = order.expressions if isinstance(order, exp.Order) else []
    if len(keys) != 1 or not is_interval(keys[0].this, scope):
        return None
    fraction = node.this.this
    if isinstance(fraction, exp.Array):
        raise UnsupportedFeature("unsupported Postgres feature: percentile_cont of intervals at an array of fractions")
    listed: exp.Expr = exp.ArrayAgg(this=exp.Order(this=keys[0].this.copy(), expressions=[keys[0].copy()]))
    for wrapper in reversed(wrappers):
        wrapped = wrapper.copy()
        wrapped.set("this", listed)
        listed = wrapped
    result = call("pg_interval_percentile", listed, fraction.copy())
    result.meta["pg_interval"] = True
    return result


def rewrite_date_add_subtract(node: exp.Expr, scope: Scope) -> exp.Expr:
    """PostgreSQL 16's ``date_add(t, i [, zone])`` and ``date_subtract(t, i [, zone])``: ``t + i`` and ``t - i``,
    computed in UTC, the session zone iamsql answers in; another zone (where a day can have 23 or 25 hours) is
    refused."""
    name = node.meta.get(NAME_KEY) if isinstance(node, exp.DateAdd) else func_name(node)  # written as a call
    if name not in ("date_add", "date_subtract") or not isinstance(node, (exp.DateAdd, exp.Anonymous)):
        return node
    if isinstance(node, exp.DateAdd):
        time, amount, zone = node.this, node.expression, node.args.get("unit")
        zone = zone.name if zone is not None else None
    else:
        if len(node.expressions) not in (2, 3):
            raise QueryError(f"function {name}() does not exist with these arguments")
        time, amount = node.expressions[:2]
        zone = node.expressions[2] if len(node.expressions) == 3 else None
        if zone is not None:
            zone = zone.this if isinstance(zone, exp.Literal) and zone.is_string else ""
    if zone is not None and zone.upper() not in ("UTC", "ETC/UTC", "GMT", "Z", "ZULU", "UCT"):
        raise UnsupportedFeature(f"unsupported Postgres feature: {name}() in a time zone other than UTC")
    operator = exp.Add if name == "date_add" else exp.Sub
    return exp.paren(operator(this=time.copy(), expression=amount.copy()))


def rewrite_sql_json_constructors(node: exp.Expr, scope: Scope) -> exp.Expr:
    """PostgreSQL 16's SQL/JSON constructors as the json functions they equal with their default NULL handling:
    ``json_object(k: v, ...)`` is ``json_build_object(k, v, ...)`` (NULL ON NULL), ``json_objectagg(k: v)``
    ``json_object_agg(k, v)``, ``json_arrayagg(x [order by ...])`` ``json_agg(...) filter (where x is not null)``
    (ABSENT ON NULL), ``json_array(v, ...)`` ``json_build_array`` without the NULL values (unless NULL ON NULL);
    the text of each is the same. ``x IS JSON ...`` is ``is_json_predicate``. Other clauses are refused."""
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.JSON):
        return is_json_predicate(node.this, node.expression, scope)
    if isinstance(node, exp.JSONArray):
        return sql_json_array(node)
    sql_json_object = isinstance(node, exp.JSONObject) or isinstance(node, exp.JSONObjectAgg) and (
        NAME_KEY not in node.meta)
    if sql_json_object:
        name = SPECIAL_PARSER_NAMES[type(node)]
        clauses = [key for key in ("null_handling", "unique_keys", "return_type", "format_json", "encoding")
                   if node.args.get(key)]
        pairs = node.expressions
        if clauses and clauses != ["null_handling"] or str(node.args.get("null_handling") or "NULL ON NULL").upper() != (
                "NULL ON NULL") or not all(isinstance(pair, exp.JSONKeyValue) for pair in pairs):
            raise UnsupportedFeature(f"unsupported Postgres feature: {name}() with ABSENT ON NULL, WITH UNIQUE KEYS "
                                     "or RETURNING (write json_build_object or json_object_agg)")
        arguments = [part.copy() for pair in pairs for part in (pair.this, pair.expression)]
        if isinstance(node, exp.JSONObject):
            return call("json_build_object", *arguments)
        aggregate = exp.JSONObjectAgg(expressions=arguments)
        aggregate.meta[NAME_KEY] = "json_object_agg"
        return aggregate
    name = func_name(node) if isinstance(node, exp.Anonymous) else None
    if name == "json_arrayagg":
        if len(node.expressions) != 1:
            raise UnsupportedFeature("unsupported Postgres feature: json_arrayagg() with NULL ON NULL or RETURNING")
        argument = node.expressions[0]
        value = argument.this if isinstance(argument, exp.Order) else argument
        return exp.Filter(this=call("json_agg", argument.copy()),
                          expression=exp.Where(this=exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null()))))
    return node


def is_json_predicate(value: exp.Expr, predicate: exp.JSON, scope: Scope) -> exp.Expr:
    """``value IS JSON [VALUE | OBJECT | ARRAY | SCALAR] [WITH UNIQUE KEYS]`` as ``pg_is_json(text, kind, unique)``
    over the value's text. A jsonb value is one document whose keys are unique (jsonb keeps the last of a repeated
    key); a value that is not text, json or jsonb is PostgreSQL's error."""
    kind = str(predicate.this or "value").lower()
    unique = bool(predicate.args.get("with_")) and bool(predicate.args.get("unique"))
    json_cast = isinstance(value, exp.Cast) and value.to.this == exp.DataType.Type.JSON
    jsonb = scope.is_json(value) and not is_plain_json(value) and not json_cast
    if not (jsonb or is_plain_json(value) or scope.is_json(value) or is_text(value, scope)
            or _is_unknown_literal(value)):
        raise QueryError("cannot use a value that is not text, json or jsonb in an IS JSON predicate")
    return call("pg_is_json", value.copy(), exp.Literal.string(kind), exp.Boolean(this=unique and not jsonb))


def sql_json_array(node: exp.JSONArray) -> exp.Expr:
    """``json_array(v, ...)``: ``json_build_array`` of its values, those that are NULL left out
    (``pg_json_array_absent``) unless it says NULL ON NULL; RETURNING and the query form are refused."""
    values = node.expressions
    if node.args.get("return_type") or any(isinstance(v, (exp.Query, exp.Subquery)) for v in values):
        raise UnsupportedFeature("unsupported Postgres feature: json_array() with RETURNING or of a query (write "
                                 "json_build_array, or json_agg over the query)")
    built = call("json_build_array", *(v.copy() for v in values))
    keep_nulls = str(node.args.get("null_handling") or "").upper() == "NULL ON NULL"
    if keep_nulls or all(isinstance(v, exp.Literal) for v in values):
        return built
    absent = exp.Array(expressions=[exp.Is(this=v.copy(), expression=exp.Null()) for v in values])
    return call("pg_json_array_absent", built, absent)


def rewrite_fetch_with_ties(node: exp.Expr, scope: Scope) -> exp.Expr:
    """``order by k [offset m] fetch first n rows with ties`` (DuckDB has no WITH TIES) as ``qualify [row_number()
    over (order by k) > m and] rank() over (order by k) <= m + n``: the n rows after the first m and every row whose
    keys equal the last one's. A ``DISTINCT`` query or a ``UNION``, ``INTERSECT`` or ``EXCEPT`` is ranked from a
    select around it, ordered by its output columns (which Postgres requires its keys to be): their values are named
    apart there (``pg_with_ties_1``, ...) and given back their own names, which two columns may share."""
    fetch = node.args.get("limit") if isinstance(node, (exp.Select, exp.SetOperation)) else None
    options = fetch.args.get("limit_options") if isinstance(fetch, exp.Fetch) else None
    if options is None or not options.args.get("with_ties"):
        return node
    items = [item.unalias() for item in node.selects]
    names = [item.alias if isinstance(item, exp.Alias) else pg_column_name(item)[0] for item in node.selects]
    aliases = {item.alias: item.unalias() for item in node.selects if isinstance(item, exp.Alias)}
    wrapped = not isinstance(node, exp.Select) or bool(node.args.get("distinct"))
    if wrapped and any(isinstance(item, exp.Star) or isinstance(item, exp.Column) and item.is_star for item in items):
        raise UnsupportedFeature("unsupported Postgres feature: FETCH ... WITH TIES of a DISTINCT query or a UNION, "
                                 "INTERSECT or EXCEPT that selects *")
    inner_names = [f"pg_with_ties_{position}" for position in range(1, len(items) + 1)]
    keys = []
    for ordered in node.args["order"].expressions:
        key, value = ordered.copy(), ordered.this
        position = int(value.name) if isinstance(value, exp.Literal) and value.is_int else 0
        named = isinstance(value, exp.Column) and not value.table and value.name in names
        if wrapped:
            # the output column the key is: its position, its name, or the select item it repeats
            if 1 <= position <= len(names):
                name = inner_names[position - 1]
            elif named:
                name = inner_names[names.index(value.name)]
            elif value in items:
                name = inner_names[items.index(value)]
            else:
                raise UnsupportedFeature("unsupported Postgres feature: FETCH ... WITH TIES of a DISTINCT query "
                                         "ordered by a value it does not select")
            key.set("this", exp.column(name, quoted=True))
        elif 1 <= position <= len(items):
            key.set("this", items[position - 1].copy())
        elif isinstance(value, exp.Column) and not value.table and value.name in aliases:
            key.set("this", aliases[value.name].copy())  # an output column's name, as ORDER BY reads it first
        keys.append(key)
    replacement = node.copy()
    offset = replacement.args.get("offset")
    for part in ("limit", "offset"):
        replacement.set(part, None)
    if wrapped:
        replacement.set("order", None)
        replacement = exp.select(*[exp.alias_(exp.column(inner, quoted=True), name, quoted=True)
                                   for inner, name in zip(inner_names, names)]).from_(exp.Subquery(
            this=replacement, alias=exp.TableAlias(this=exp.to_identifier("pg_with_ties"),
                                                   columns=[exp.to_identifier(inner) for inner in inner_names])))
        replacement.set("order", exp.Order(expressions=[key.copy() for key in keys]))

    def over_keys(function: str) -> exp.Window:
        return exp.Window(this=exp.Anonymous(this=function, expressions=[]),
                          order=exp.Order(expressions=[key.copy() for key in keys]))

    count = fetch.args.get("count") or exp.Literal.number(1)
    last = count.copy() if offset is None else exp.Add(this=exp.paren(offset.expression.copy()),
                                                        expression=exp.paren(count.copy()))
    condition: exp.Expr = exp.LTE(this=over_keys("rank"), expression=last)
    if offset is not None:
        skipped = exp.GT(this=over_keys("row_number"), expression=offset.expression.copy())
        condition = exp.And(this=skipped, expression=condition)
    qualify = exp.Qualify(this=condition)
    qualify.meta["pg_with_ties"] = True
    replacement.set("qualify", qualify)
    return replacement


def checked_bound(node: exp.Limit | exp.Offset | exp.Fetch) -> exp.Expr:
    """A LIMIT, FETCH or OFFSET count computed by the query (``limit (select ...)``) with Postgres's error when it
    is negative (DuckDB's is a cast error); a NULL count is no limit in both."""
    key = "count" if isinstance(node, exp.Fetch) else "expression"
    count = node.args.get(key)
    if count is None or isinstance(count, (exp.Literal, exp.Null, exp.Var)) or isinstance(count, exp.Neg) and isinstance(
            count.this, exp.Literal):
        return node  # a number (a negative one is refused before), NULL or ALL: no limit
    word = "OFFSET" if isinstance(node, exp.Offset) else "LIMIT"
    replacement = node.copy()
    replacement.set(key, exp.paren(exp.Case().when(exp.LT(this=exp.paren(count.copy()), expression=exp.Literal.number(0)),
                                                   raise_error(f"{word} must not be negative")).else_(count.copy())))
    return replacement


def guard_case_branch_subqueries(node: exp.Expr, scope: Scope) -> exp.Expr:
    """A set-returning JSON function in a subquery of a CASE branch (``case jsonb_typeof(a) when 'string' then ...
    else (select string_agg(x, ',') from jsonb_array_elements_text(a) x) end``) reads its argument only where the
    branch is taken: ``case when <the branch is taken> then a end``. PostgreSQL runs the subquery for those rows
    alone; DuckDB joins it for every row, and the function's error on another row's value (an object, a string)
    failed the query."""
    if not isinstance(node, exp.Case):
        return node
    operand = node.args.get("this")
    conditions = [exp.EQ(this=operand.copy(), expression=branch.this.copy()) if operand else branch.this.copy()
                  for branch in node.args.get("ifs") or []]
    branches = [branch.args.get("true") for branch in node.args.get("ifs") or []] + [node.args.get("default")]
    for position, value in enumerate(branches):
        calls = [call_node for call_node in (value.find_all(exp.Func) if value else [])
                 if func_name(call_node) in SRF_COLUMNS and call_node.expressions
                 and _in_subquery_below(call_node, value)]
        if not calls:
            continue
        earlier = [exp.Not(this=call("coalesce", exp.paren(c.copy()), exp.false())) for c in conditions[:position]]
        taken = exp.and_(*earlier, *([exp.paren(conditions[position].copy())] if position < len(conditions) else []))
        for call_node in calls:
            argument = call_node.expressions[0]
            argument.replace(exp.Case(ifs=[exp.If(this=taken.copy(), true=argument.copy())]))
    return node


def _in_subquery_below(node: exp.Expr, ancestor: exp.Expr) -> bool:
    """Whether ``node`` is in a SELECT that is itself below ``ancestor``."""
    parent = node.parent
    while parent is not None and parent is not ancestor:
        if isinstance(parent, exp.Select):
            return True
        parent = parent.parent
    return False


REWRITES: list[Callable[[exp.Expr, Scope], exp.Expr]] = [
    # A set-returning function in a subquery of a CASE branch reads its argument where the branch is taken only.
    guard_case_branch_subqueries,
    # PostgreSQL 16's SQL/JSON constructors (``json_object(k: v)``, ``json_arrayagg(x)``) as the json functions
    # they equal.
    rewrite_sql_json_constructors,
    # date_add(t, i) and date_subtract(t, i): t + i and t - i.
    rewrite_date_add_subtract,
    # ``fetch first n rows with ties``: a rank over the ORDER BY keys (before the rules that rewrite those keys).
    rewrite_fetch_with_ties,
    # Steampipe's key column: ``log_group_name = '...'`` also keeps events whose log group is unknown.
    rewrite_key_column_quals,
    # ``jsonb_array_elements(x) s`` and friends in FROM / LATERAL: a subquery over the list of elements or keys,
    # with the column names Postgres gives them.
    rewrite_from_functions,
    # A bare ``s`` naming ``jsonb_array_elements(x) s`` is its value column (needs the sources named above).
    rewrite_bare_element_alias,
    # Postgres's type errors that DuckDB would answer by casting (``where n`` of an integer, ``sum`` of a boolean).
    check_operand_types,
    # sum() and avg() of intervals, their parts summed apart as Postgres does.
    rewrite_interval_aggregates,
    # DISTINCT, GROUP BY, UNION and count(distinct) compare jsonb values by value, not by their text.
    rewrite_jsonb_identity,
    # An array subscript or slice below 1 (``a[-1]``, ``a[-2:3]``): Postgres's NULL and clamped bound, not DuckDB's
    # count from the end.
    rewrite_array_subscripts,
    # Set-returning functions in the select list, jsonb aggregates and constructors, to_char, regexp_match.
    rewrite_functions,
    # ``substring(s from 'pattern')`` is a POSIX regular expression match.
    rewrite_substring,
    # now() and friends (the snapshot time for controls), age(x) from midnight of current_date.
    rewrite_time,
    # ``x like any (array[...])``, ``not like all``: an OR / AND chain.
    rewrite_like_any,
    # ``x similar to 'pattern'``: a whole-text regular expression match.
    rewrite_similar_to,
    # LIKE's default escape character is a backslash in Postgres (DuckDB has none).
    rewrite_like_escape,
    # inet and cidr values as Postgres's text of them, their functions and operators (iamsql.sql.inet).
    rewrite_inet,
    # jsonb text output, text-to-boolean, jsonb as JSON, numeric without a scale as DOUBLE. Before the
    # operators and JSON access below, which change the nodes that say a value is jsonb.
    rewrite_casts,
    # @>, <@, ?, ?|, ?&, jsonb || text, jsonb = jsonb (by value), integer division.
    rewrite_jsonb_operators,
    # ->, ->>, #>, #>>: DuckDB JSON paths, ->> through Postgres's text of a jsonb value. After the rewrites above,
    # which recognise JSON values by these operators.
    rewrite_json_access,
    # '.' matches a newline, as in Postgres; regexp_replace's \& and other escapes in RE2's syntax. Last: it reads
    # the regular expressions the rewrites above write.
    rewrite_regex_newlines,
]


def apply_rewrite(tree: exp.Expr, rewrite: Callable[[exp.Expr, Scope], exp.Expr], scope: Scope) -> exp.Expr:
    """``rewrite`` applied once to every node, top-down, the nodes a replacement brings in included (unlike
    ``Expr.transform``, which skips a replacement's subtree): its output is complete in one pass."""
    rewritten: list[exp.Expr] = []  # nodes already given to ``rewrite`` that a replacement may hold again
    done: set[int] = set()  # their ids (the list keeps them alive, so no id is reused)
    stack = [tree]
    while stack:
        node = stack.pop()
        if id(node) not in done:
            parent, arg_key, index = node.parent, node.arg_key, node.index  # before a rewrite re-parents the node
            replacement = rewrite(node, scope)
            if replacement is not node:
                rewritten += (node, replacement)
                done.update((id(node), id(replacement)))
                if parent is None:
                    tree = replacement
                else:
                    parent.set(arg_key, replacement, index)
                node = replacement
        stack.extend(node.iter_expressions(reverse=True))
    return tree


def apply_rewrites(tree: exp.Expr, scope: Scope) -> exp.Expr:
    """Every rewrite of ``REWRITES``, in order, each once over the whole statement."""
    for rewrite in REWRITES:
        tree = apply_rewrite(tree, rewrite, scope)
    return tree


# ---------------------------------------------------------------------------------------------------------
# Entry points.


def parse(sql: str) -> exp.Expr:
    """One Steampipe/Postgres statement as a sqlglot tree; a syntax error becomes one QueryError line."""
    try:
        statements = [s for s in sqlglot.parse(sql, read=Steampipe) if s is not None]
    except ParseError as exc:
        raise QueryError(describe_parse_error(exc)) from None
    except TokenError as exc:
        near = str(exc).split("'", 1)[-1].rstrip("'").strip()[:60]
        raise QueryError(
            f"syntax error: unterminated string, quoted name or comment (Postgres comments nest: "
            f"'/*' inside a comment opens another one) near {near!r}"
        ) from None
    except SqlglotError as exc:
        raise QueryError(f"syntax error: {first_line(exc)}") from None
    if not statements:
        raise QueryError("empty query")
    if len(statements) > 1:
        raise QueryError(f"one statement at a time, got {len(statements)}")
    return statements[0]


# how sqlglot prints a token inside its messages ("Expected table name but got <Token token_type: ...>"); its
# SENTINEL token is the end of the statement, which Postgres words "end of input"
_TOKEN_REPR = re.compile(
    r"<Token token_type: [\w.]*?(\w+), text: (.*?), line: \d+, col: \d+, start: \d+, end: \d+, comments: \[.*?\]>"
)


# sqlglot's classes of the operators a statement cut short can end on, as the signs the user wrote
OPERATOR_SIGNS = {"ADD": "+", "SUB": "-", "MUL": "*", "DIV": "/", "MOD": "%", "EQ": "=", "NEQ": "<>", "GT": ">",
                  "GTE": ">=", "LT": "<", "LTE": "<=", "DPIPE": "||"}


def describe_parse_error(exc: ParseError) -> str:
    if not exc.errors:
        return f"syntax error: {first_line(exc)}"
    error = exc.errors[0]
    near = (error.get("highlight") or "").strip()
    description = (error.get("description") or "invalid syntax").rstrip(".")
    description = re.sub(r"<class '[\w.]*?(\w+)'>", lambda m: m.group(1).upper(), description)
    description = re.sub(
        r"^Required keyword: '\w+' missing for (\w+)",
        lambda m: (f'the operator "{OPERATOR_SIGNS[m.group(1)]}" has nothing after it' if m.group(1) in OPERATOR_SIGNS
                   else f"incomplete {m.group(1)} clause"),
        description,
    )
    # sqlglot reads a CASE's WHEN ... THEN as an If node; Postgres has no IF
    description = description.replace("incomplete IF clause", "incomplete CASE WHEN clause")
    description = _TOKEN_REPR.sub(
        lambda m: "the end of input" if m.group(1) == "SENTINEL" else f'"{m.group(2)}"', description
    )
    where = f" at line {error.get('line')}, column {error.get('col')}" if error.get("line") else ""
    return f"syntax error{where}" + (f' near "{near}"' if near else "") + f": {description}"


def postgres_tree(sql: str, *, as_of_variable: bool = False) -> exp.Expr:
    """The statement with Postgres column names made explicit and every Postgres idiom rewritten, for an engine
    without the numeric text functions (Spark): no source's column carries Postgres's text of its numerics."""
    return postgres_rewritten(parse(sql), as_of_variable=as_of_variable, derived_texts=False)


def star_over_repeated_names(tree: exp.Expr) -> exp.Expr:
    """``select *`` (or ``t.*``) over a subquery or CTE two of whose columns have one name (``select r.name,
    u.name``): DuckDB names the second ``name_1`` there, Postgres keeps ``name``. The source's later columns of a
    name it already has get names of their own (a column list: ``t(name, pg_star_2)``) and the ``*`` lists them
    under their Postgres names. ``t.*`` whatever the other sources; a bare ``*`` where every source has a name (a
    function in FROM an alias), no join is ``NATURAL`` and at most one join, the only one, has ``USING``."""
    for select in list(tree.find_all(exp.Select)):
        sources = select_sources(select)
        if not any(isinstance(i, exp.Star) or isinstance(i, exp.Column) and i.is_star for i in select.expressions):
            continue
        joins = select.args.get("joins") or []
        # a bare * over one join USING (k): star_with_using made it ``k, * EXCLUDE (k)``, and both sources have k
        one_using = len(joins) == 1 and bool(joins[0].args.get("using")) and not joins[0].args.get("method")
        if any(isinstance(i, exp.Star) for i in select.expressions) and (
                any(not source.alias_or_name for source in sources) or not one_using and any(
                    join.args.get("using") or join.args.get("method") for join in joins)):
            continue
        starred = {i.table for i in select.expressions if isinstance(i, exp.Column) and i.is_star}
        renamed: dict[str, list[tuple[str, str]]] = {}
        for source in sources:
            if not (source.alias_or_name in starred or any(isinstance(i, exp.Star) for i in select.expressions)):
                continue
            derived = _derived_columns(source, select)
            if derived is None or len(set(derived[1])) == len(derived[1]):
                continue
            target, names = derived
            inner = [name if name not in names[:position] else f"pg_star_{position + 1}" for position, name in enumerate(names)]
            target.set("columns", [exp.to_identifier(name, quoted=True) for name in inner])
            renamed[source.alias_or_name] = list(zip(inner, names))
        if not renamed:
            continue
        expanded: list[exp.Expr] = []
        for item in select.expressions:
            if isinstance(item, exp.Star):
                excluded = [column.name for column in item.args.get("except_") or []]
                expanded += [column for source in sources
                             for column in _star_columns(source.alias_or_name, renamed, excluded)]
            elif isinstance(item, exp.Column) and item.is_star and item.table in renamed:
                expanded += _star_columns(item.table, renamed)
            else:
                expanded.append(item)
        select.set("expressions", expanded)
    return tree


def _derived_columns(source: exp.Expr, select: exp.Select) -> tuple[exp.TableAlias, list[str]] | None:
    """(alias, the Postgres names of its columns) of a subquery (also LATERAL) or CTE ``source`` of ``select`` that has no column
    list and whose select list names every column (no ``*``), else None."""
    if not isinstance(source, (exp.Table, exp.Subquery, exp.Lateral)) or not source.alias_or_name:
        return None
    if isinstance(source, exp.Lateral):
        if not isinstance(source.this, exp.Subquery):
            return None
        query, target = source.this.this, source.args.get("alias")
    elif isinstance(source, exp.Subquery):
        query, target = source.this, source.args.get("alias")
    else:
        cte = next((c for c in select.root().find_all(exp.CTE) if c.alias == source.name), None)
        if source.db or cte is None:
            return None
        query, target = cte.this, cte.args.get("alias")
    if target is None or target.columns:
        return None
    while isinstance(query, (exp.SetOperation, exp.Subquery)):
        query = query.this
    if not isinstance(query, exp.Select) or any(
            isinstance(i.unalias(), exp.Star) or isinstance(i, exp.Column) and i.is_star for i in query.expressions):
        return None
    return target, [i.alias if isinstance(i, exp.Alias) else pg_column_name(i)[0] for i in query.expressions]


def _reaches_outer(column: exp.Column, select: exp.Select) -> bool:
    """Whether ``column`` (inside ``select``) names a source of ``select`` itself: it is in no nested ``SELECT``, or
    every ``SELECT`` between them (a correlated subquery) has neither a source of its qualifier's name nor, for an
    unqualified name, a source that has or may have that column."""
    inner = column.find_ancestor(exp.Select)
    while inner is not None and inner is not select:
        for source in select_sources(inner):
            if column.table:
                if source.alias_or_name == column.table:
                    return False
            else:
                names = _source_column_names(source, inner)
                if names is None or column.name in names:
                    return False
        inner = inner.parent.find_ancestor(exp.Select) if inner.parent else None
    return inner is select


def check_ambiguous_names(tree: exp.Expr) -> None:
    """Postgres's errors for a name that means two columns, which DuckDB answers: a column of a subquery or CTE that
    has two columns of that name (``select name from (select u.name, r.name ...) t``: DuckDB calls the second
    ``name_1``), and an ``ORDER BY`` name that two different select items are called (``select a as n, b as n ...
    order by n``)."""
    for select in tree.find_all(exp.Select):
        outputs: dict[str, set[str]] = {}
        for item in select.expressions:
            if not (isinstance(item, exp.Star) or isinstance(item, exp.Column) and item.is_star):
                name = item.alias if isinstance(item, exp.Alias) else pg_column_name(item)[0]
                outputs.setdefault(name, set()).add(item.unalias().sql())
        order = select.args.get("order")
        for key in order.expressions if order else []:
            column = key.this
            if isinstance(column, exp.Column) and not column.table and len(outputs.get(column.name, ())) > 1:
                raise QueryError(f'ORDER BY "{column.name}" is ambiguous')
        repeated: dict[str, set[str]] = {}
        for source in select_sources(select):
            derived = _derived_columns(source, select)
            if derived is not None:
                names = derived[1]
                repeated[source.alias_or_name] = {name for name in names if names.count(name) > 1}
        if not any(repeated.values()):
            continue
        ordered = {id(k.this) for k in order.expressions} if order else set()
        for column in select.find_all(exp.Column):
            if column.is_star or not _reaches_outer(column, select) or (
                    id(column) in ordered and column.name in outputs):
                continue
            for alias, names in repeated.items():
                if column.name in names and column.table in ("", alias):
                    raise QueryError(f'column reference "{column.name}" is ambiguous: {alias} has two columns of that '
                                     "name (name them apart in it)")


def _star_columns(alias: str, renamed: dict[str, list[tuple[str, str]]], excluded: list[str] = ()) -> list[exp.Expr]:
    """What ``alias.*`` lists: each renamed column under its Postgres name, else ``alias.*`` itself; without the
    ``excluded`` columns (those of a join's ``USING``, which every source has)."""
    if alias not in renamed:
        star = exp.Star(except_=[exp.column(name, quoted=True) for name in excluded]) if excluded else exp.Star()
        return [exp.Column(this=star, table=exp.to_identifier(alias))]
    return [exp.alias_(exp.column(inner, table=alias, quoted=True), name, quoted=True)
            for inner, name in renamed[alias] if inner not in excluded]


def _source_column_names(source: exp.Expr, select: exp.Select) -> list[str] | None:
    """The names of the columns of a FROM source, in order: a Steampipe table's, a column list's, a subquery's or
    CTE's select list's; None where they are not known."""
    alias = source.args.get("alias")
    if alias is not None and alias.columns:
        return [c.name for c in alias.columns]
    if isinstance(source, exp.Table) and not source.db and source.name in TABLE_COLUMNS and not any(
            cte.alias == source.name for cte in select.root().find_all(exp.CTE)):
        return list(TABLE_COLUMNS[source.name])
    derived = _derived_columns(source, select)
    return derived[1] if derived is not None else None


def natural_to_using(tree: exp.Expr) -> exp.Expr:
    """``a NATURAL JOIN b`` as ``a JOIN b USING (...)`` of the columns both sides name, in the left side's order, as
    Postgres reads it (the joined columns then come first in a ``*``, ``star_with_using``); where a side's columns
    are not known the join is left to DuckDB, which keeps them where the left side has them."""
    for select in tree.find_all(exp.Select):
        joins = select.args.get("joins") or []
        if not any(join.args.get("method") == "NATURAL" for join in joins):
            continue
        left = _source_column_names(select.args["from_"].this, select)
        for join in joins:
            right = _source_column_names(join.this, select)
            if left is None or right is None:
                break
            if join.args.get("method") == "NATURAL":
                common = [name for name in dict.fromkeys(left) if name in right]
                if not common or any(left.count(n) > 1 or right.count(n) > 1 for n in common):
                    break  # a cross join, or Postgres's error for a repeated common name: DuckDB's own
                join.set("method", None)
                join.set("using", [exp.to_identifier(name, quoted=True) for name in common])
            using = [c.name for c in join.args.get("using") or []]
            left = using + [n for n in left if n not in using] + [n for n in right if n not in using]
    return tree


def _using_join_columns(select: exp.Select) -> list[tuple[str, exp.Expr]] | None:
    """(name, value) of each column a ``*`` over ``select``'s joins lists, in Postgres's order, when every source
    has a name and known columns of distinct names: a join's ``USING`` columns first (the left side's value, the
    right's for a ``RIGHT`` join, the first not NULL for a ``FULL`` one), then the left side's other columns, then
    the right side's; else None."""
    sources = select_sources(select)
    if any(not source.alias_or_name for source in sources):
        return None
    columns: list[list[tuple[str, exp.Expr]]] = []
    for source in sources:
        names = _source_column_names(source, select)
        if names is None or len(set(names)) < len(names):
            return None
        columns.append([(name, exp.column(name, table=source.alias_or_name, quoted=True)) for name in names])
    out = columns[0]
    for join, right in zip(select.args.get("joins") or [], columns[1:]):
        using = [c.name for c in join.args.get("using") or []]
        if join.args.get("method"):
            return None
        merged = []
        for name in using:
            left_value = [value for n, value in out if n == name]
            right_value = [value for n, value in right if n == name]
            if len(left_value) != 1 or len(right_value) != 1:
                return None  # Postgres's error, as DuckDB's
            side = (join.side or "").upper()
            value = right_value[0] if side == "RIGHT" else call("coalesce", left_value[0], right_value[0]) if (
                side == "FULL") else left_value[0]
            merged.append((name, value))
        out = merged + [c for c in out if c[0] not in using] + [c for c in right if c[0] not in using]
    return out


def star_with_using(tree: exp.Expr) -> exp.Expr:
    """``SELECT *`` over ``JOIN ... USING (c)``: Postgres lists the USING columns first (the last join's first),
    then the other columns; DuckDB leaves a USING column where the left side has it. Where every source's columns
    are known, the ``*`` becomes them (``_using_join_columns``: after two joins a column the first merged and the
    second's right side also has is listed twice); else the USING columns and ``* EXCLUDE`` them."""
    for select in tree.find_all(exp.Select):
        using: list[str] = []
        for join in reversed(select.args.get("joins") or []):
            using += [c.name for c in join.args.get("using") or [] if c.name not in using]
        stars = [i for i, e in enumerate(select.expressions) if isinstance(e, exp.Star)]
        if not using or not stars:
            continue
        listed = _using_join_columns(select)
        items = []
        for item in select.expressions:
            if isinstance(item, exp.Star) and listed is not None and not item.args.get("except_"):
                items += [exp.alias_(value.copy(), name, quoted=True) for name, value in listed]
            elif isinstance(item, exp.Star):
                items += [exp.column(name, quoted=True) for name in using]
                items.append(exp.Star(except_=[exp.column(name, quoted=True) for name in using]))
            else:
                items.append(item)
        select.set("expressions", items)
    return tree


def postgres_rewritten(tree: exp.Expr, *, as_of_variable: bool = False, numeric_text: bool = False,
                       derived_texts: bool = True) -> exp.Expr:
    """``postgres_tree`` of a statement already parsed by ``parse`` (``tree``, which it changes). With
    ``numeric_text`` a result column that is a numeric division or ``avg`` carries Postgres's text of it
    (``numeric_text_columns``); with ``derived_texts`` a subquery's, CTE's or ``VALUES`` list's numeric columns carry
    theirs (``derived_numeric_texts``)."""
    tree = jsonpath_arguments(subscript_series(recordset_sources(tree)))
    check_unsupported(tree)
    check_quoted_fallback_names(tree)
    check_ambiguous_names(tree)
    tree = star_over_repeated_names(star_with_using(natural_to_using(tree)))
    check_distinct_on_order(tree)
    tree = numeric_array_elements(tree)
    tree = each_fields(tree)
    scope = Scope(tree, as_of_variable=as_of_variable)
    check_set_operation_types(tree, scope)
    tree = name_select_items(tree, scope)
    tree = string_to_table(tree)
    if derived_texts:
        tree = derived_numeric_texts(tree, scope, printed=numeric_text)
    tree = type_names(tree, scope, numeric_text)
    scales = output_scales(tree, scope)
    integers = output_integers(tree, scope) if numeric_text else []
    type_fields = output_type_fields(tree) if numeric_text else []
    if numeric_text:
        tree = numeric_text_columns(tree, scope, scales)
    tree = with_output_integers(with_output_scales(apply_rewrites(tree, scope), scales), integers)
    return with_output_types(tree, type_fields)


# A result column whose Postgres type DuckDB's own type does not tell (json, not jsonb; varchar, varchar[], inet,
# cidr, not text; regtype; oid, not bigint): a struct of one field named after the type, which ``query.fetch`` prints with that data_type.
JSON_FIELD, VARCHAR_FIELD, REGTYPE_FIELD, OID_FIELD = "pg_json", "pg_varchar", "pg_regtype", "pg_oid"


def _is_varchar_array(datatype: exp.DataType) -> bool:
    return datatype.this == exp.DataType.Type.ARRAY and len(datatype.expressions) == 1 and isinstance(
        element := datatype.expressions[0], exp.DataType) and element.this == exp.DataType.Type.VARCHAR


def _is_unknown_literal(item: exp.Expr) -> bool:
    """A quoted literal or NULL: of Postgres's type ``unknown``, which takes the type of the values beside it."""
    return isinstance(item, exp.Null) or isinstance(item, exp.Literal) and item.is_string


def _is_varchar(item: exp.Expr) -> bool:
    """Whether ``item`` is a Postgres ``varchar`` or ``varchar[]``: a cast to one, an element of a ``varchar[]``, an
    ``array[...]`` whose first element of a known type is a ``varchar`` (Postgres's common type of varchar and text
    is the first one's), an ``array_agg`` of a ``varchar``."""
    if isinstance(item, exp.Cast):
        return item.to.this == exp.DataType.Type.VARCHAR or _is_varchar_array(item.to)
    if isinstance(item, exp.Bracket):
        return isinstance(array := item.this.unnest(), exp.Cast) and _is_varchar_array(array.to)
    if isinstance(item, exp.Array):
        known = next((e for e in item.expressions if not _is_unknown_literal(e)), None)
        return known is not None and _is_varchar(known)
    while isinstance(item, (exp.Window, exp.Filter)):
        item = item.this
    if isinstance(item, exp.ArrayAgg):
        value = item.this.this if isinstance(item.this, exp.Order) else item.this
        if isinstance(value, exp.Distinct) and len(value.expressions) == 1:
            value = value.expressions[0]
        return isinstance(value, exp.Cast) and value.to.this == exp.DataType.Type.VARCHAR
    return False


def _set_operation_varchar_fields(tree: exp.Expr) -> list[tuple[str | None, bool]] | None:
    """Per column of a set operation (or one of its branches): ``VARCHAR_FIELD`` or None, and whether the column is
    still ``unknown`` (a quoted literal or NULL in every branch). Postgres resolves each set operation of two
    branches on its own: an ``unknown`` side takes the other's type, of ``varchar`` and ``text`` the left one is
    kept, and two ``unknown`` sides are ``text``. None when a branch is not a SELECT of its own columns."""
    while isinstance(tree, exp.Subquery) and not tree.args.get("alias"):
        tree = tree.this
    if isinstance(tree, exp.SetOperation):
        left = _set_operation_varchar_fields(tree.this)
        right = _set_operation_varchar_fields(tree.expression)
        if left is None or right is None or len(left) != len(right):
            return None
        return [(None, False) if left_unknown and right_unknown else (right_field, False) if left_unknown
                else (left_field, False)
                for (left_field, left_unknown), (right_field, right_unknown) in zip(left, right)]
    if not isinstance(tree, exp.Select) or any(isinstance(i.unalias(), exp.Star) for i in tree.expressions):
        return None
    return [(VARCHAR_FIELD if _is_varchar(item) else None, _is_unknown_literal(item))
            for item in (i.unalias() for i in tree.expressions)]


def output_type_fields(tree: exp.Expr) -> list[str | None]:
    """Per column of the statement's result, the field naming its type when DuckDB's would not (``JSON_FIELD``...):
    a Postgres ``json`` (a json function's value: ``json_build_object``, ``json_agg``, ``to_json``, ...; a cast to
    json or a member of one: ``->``), a ``varchar`` or ``varchar[]`` (``_is_varchar``), a cast to ``oid``, an
    ``inet`` or ``cidr`` value. Of a set operation, a ``varchar`` column as Postgres resolves it
    (``_set_operation_varchar_fields``). Before the rewrites."""
    if isinstance(tree, exp.SetOperation):
        return [field for field, _ in _set_operation_varchar_fields(tree) or []]
    if not isinstance(tree, exp.Select):
        return []
    fields = []
    for item in (i.unalias() for i in tree.expressions):
        json_item = item
        while isinstance(json_item, (exp.Window, exp.Filter, exp.JSONExtract, exp.Paren)):
            json_item = json_item.this  # a member of json (``->``) is json
        if is_plain_json(json_item) or isinstance(json_item, exp.Cast) and json_item.to.this == exp.DataType.Type.JSON:
            fields.append(JSON_FIELD)
        elif _is_varchar(item):
            fields.append(VARCHAR_FIELD)
        elif isinstance(item, exp.Cast) and type_name(item.to) == "oid":
            fields.append(OID_FIELD)
        else:
            fields.append(f"pg_{network}" if (network := inet_type(item)) else None)
    return fields


def typed_value(value: exp.Expr, field: str) -> exp.Struct:
    """``value`` as a struct of the one field that names its Postgres type (``output_type_fields``)."""
    return exp.Struct(expressions=[exp.PropertyEQ(this=exp.to_identifier(field), expression=value)])


def with_output_types(tree: exp.Expr, type_fields: list[str | None]) -> exp.Expr:
    """The translated statement with those columns as structs of their type's field, so ``-o json`` names their type
    as Postgres does (DuckDB has one JSON type for json and jsonb, one text type)."""
    order = tree.args.get("order")
    selects = (_set_operation_branches(tree) or []) if isinstance(tree, exp.SetOperation) else [tree]
    for position, field in enumerate(type_fields):
        if not field:
            continue
        for select in selects:  # every branch of a set operation
            item = select.expressions[position]
            value = item.this if isinstance(item, exp.Alias) else item
            value.replace(typed_value(value.copy(), field))
        name = selects[0].expressions[position].alias if selects else ""
        for column in list(order.find_all(exp.Column)) if order and name else []:
            if not column.table and column.name == name:
                # ORDER BY the column (by name or position) sorts by its value, not the struct
                column.replace(call("struct_extract", column.copy(), string(field)))
    return tree


def _bigint_of_sums(node: exp.Expr, scope: Scope) -> bool:
    """Whether ``node`` is a Postgres ``bigint`` that DuckDB computes as a HUGEINT: a ``sum`` of integers (also with
    ``filter`` or ``over``), arithmetic on one and integers (``sum(1) over () / 4``, ``count(*) / nullif(sum(n), 0)``)."""
    while isinstance(node, (exp.Window, exp.Filter, exp.Paren, exp.Neg, exp.Nullif, exp.Abs)) or scalar_item(
            node) is not None:
        node = scalar_item(node) if scalar_item(node) is not None else node.this
    if isinstance(node, exp.Coalesce):
        sides = (node.this, *node.expressions)
        return any(_bigint_of_sums(side, scope) for side in sides) and all(scope.is_int(side) for side in sides)
    if isinstance(node, exp.Sum):
        return scope.is_int4(node.this)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)):
        sides = (node.this, node.expression)
        return any(_bigint_of_sums(side, scope) for side in sides) and all(scope.is_int(side) for side in sides)
    return False


def output_integers(tree: exp.Expr, scope: Scope) -> list[str | None]:
    """Per column of the statement's result, ``SMALLINT`` for a cast to ``smallint``, ``INTEGER`` for a Postgres
    ``integer`` that DuckDB computes as a BIGINT (``length``, ``strpos``, ``jsonb_array_length``, ``ntile``, ``grouping``, a series of integers),
    ``BIGINT`` for a ``sum`` of integers and arithmetic on it (a HUGEINT in DuckDB), ``INTEGER[]`` for
    ``percentile_disc`` of several fractions of integers, else None. A set operation's column is ``INTEGER``
    when every branch's is an ``integer`` (or NULL)."""
    if isinstance(tree, exp.SetOperation):
        branches = _set_operation_branches(tree)
        if not branches or len({len(b.expressions) for b in branches}) != 1:
            return []
        columns = zip(*(output_integers(b, scope) for b in branches))
        nulls = zip(*([isinstance(i.unalias(), exp.Null) for i in b.expressions] for b in branches))
        return ["INTEGER" if all(t == "INTEGER" or null for t, null in zip(types, null_flags))
                and not all(null_flags) else None for types, null_flags in zip(columns, nulls)]
    if not isinstance(tree, exp.Select):
        return []
    types = []
    for item in (i.unalias() for i in tree.expressions):
        if isinstance(item, exp.Literal) and not isinstance(tree.parent, exp.SetOperation):
            types.append(None)
        elif isinstance(item, exp.Cast) and item.to.this == exp.DataType.Type.SMALLINT:
            types.append("SMALLINT")
        elif scope.is_int4(item) or isinstance(item, exp.Grouping) or isinstance(
                item, exp.ExplodingGenerateSeries) and scope._series_type(item) == "BIGINT" and all(
                scope.is_int4(item.args[k]) for k in ("start", "end", "step") if item.args.get(k) is not None):
            types.append("INTEGER")
        elif _bigint_of_sums(item, scope):
            types.append("BIGINT")
        elif isinstance(item, exp.WithinGroup) and isinstance(item.this, exp.PercentileDisc) and isinstance(
                item.this.this, exp.Array) and isinstance(item.expression, exp.Order) and len(
                item.expression.expressions) == 1 and scope.is_int4(item.expression.expressions[0].this):
            types.append("INTEGER[]")  # percentile_disc(array[...]) of integers: an integer[]
        else:
            types.append(None)
    return types


def with_output_integers(tree: exp.Expr, integers: list[str | None]) -> exp.Expr:
    """The translated statement with those columns as that type, so ``-o json`` names their type ``int4`` or
    ``int8`` as Postgres does (in every branch of a set operation)."""
    if isinstance(tree, exp.SetOperation):
        for branch in _set_operation_branches(tree) or []:
            with_output_integers(branch, integers)
        return tree
    for item, integer in zip(tree.expressions if integers else [], integers):
        if integer:
            cast = exp.Cast(this=item.unalias().copy(), to=exp.DataType.build(integer))
            item.replace(exp.alias_(cast, item.alias_or_name, quoted=True) if item.alias_or_name else cast)
    return tree


def output_scales(tree: exp.Expr, scope: Scope) -> list[int | None]:
    """The decimals of each column of the statement's result that is a Postgres numeric DuckDB computes as a double
    (``extract(epoch from ...)``, ``x::numeric * 2``) where the query decides them, else None per column."""
    if not isinstance(tree, exp.Select):
        return []
    return [numeric_scale(item, scope) if is_numeric(item, scope) and not _is_float(item, scope) else None
            for item in (i.unalias() for i in tree.expressions)]


# A result column holding a numeric whose text Postgres decides from the values: the value (for ORDER BY, which
# compares a struct by its first field) and the text, which ``query.fetch`` prints as the column's numeric.
NUMERIC_TEXT_FIELDS = ("pg_numeric", "pg_numeric_text")


def numeric_text_columns(tree: exp.Expr, scope: Scope, scales: list[int | None]) -> exp.Expr:
    """The result columns that are a numeric division or ``avg`` (``100.0 * a / b``, ``avg(n)``) as a struct of
    their value and ``numeric_value_text`` (NULL when the value is), so ``iamsql query`` prints Postgres's
    decimals (``33.3333333333333333``), which depend on the values. Before the rewrites, which translate both.
    The numeric columns of a ``union all`` as well (``union_numeric_texts``)."""
    if isinstance(tree, exp.SetOperation) and tree.args.get("distinct"):
        return set_operation_numeric_texts(tree, scope)
    if isinstance(tree, exp.Union):
        return union_numeric_texts(tree, scope)
    for item, scale in zip(tree.expressions if scales else [], scales):
        value = item.this if isinstance(item, exp.Alias) else item
        if scale is not None or not is_numeric(value, scope) or _is_float(value, scope):
            continue
        if (text := numeric_value_text(value, scope)) is not None:
            _with_numeric_text(value, text)
    return tree


# DuckDB's type (``typeof``) -> Postgres's name of the type a Steampipe value of it has (``pg_typeof``)
TYPEOF_NAMES = {
    "BOOLEAN": "boolean", "VARCHAR": "text", "JSON": "jsonb", "SMALLINT": "smallint", "INTEGER": "integer",
    "BIGINT": "bigint", "HUGEINT": "numeric", "DOUBLE": "double precision", "FLOAT": "real", "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone", "TIMESTAMP": "timestamp without time zone",
    "TIME": "time without time zone", "TIME WITH TIME ZONE": "time with time zone", "INTERVAL": "interval",
    "UUID": "uuid", "BLOB": "bytea", '"NULL"': "unknown",
}


def static_type_name(value: exp.Expr, scope: Scope) -> str | None:
    """Postgres's name of value's type where the query decides it (a quoted literal is ``unknown``), else None."""
    return ("unknown" if isinstance(value, exp.Literal) and value.is_string
            else "json" if isinstance(value, exp.Cast) and value.to.this == exp.DataType.Type.JSON
            else "jsonb" if scope.is_json(value)
            else "double precision" if _is_float(value, scope)
            else "numeric" if is_numeric(value, scope)
            else "integer" if scope.is_int4(value)
            else "bigint" if scope.is_int(value)
            else "text" if is_text(value, scope) else None)


def type_names(tree: exp.Expr, scope: Scope, result_types: bool = False) -> exp.Expr:
    """``pg_typeof(x)`` as the name of x's Postgres type: what the query decides (``jsonb``, ``numeric``, which
    DuckDB computes as a double, ``integer`` and ``bigint``, ``text``; a quoted literal is ``unknown``), else DuckDB's
    type of x named as Postgres names it (``timestamp with time zone``, ``boolean``; a list ``text[]``). With
    ``result_types`` a result column of it is a ``REGTYPE_FIELD`` struct. Before the rewrites, which translate x."""
    for node in list(tree.find_all(exp.Anonymous)):
        if func_name(node) != "pg_typeof":
            continue
        if len(node.expressions) != 1:
            raise QueryError(f"function pg_typeof() takes 1 argument, got {len(node.expressions)}")
        value = node.expressions[0]
        if (known := static_type_name(value, scope)) is not None:
            name = string(known)
        else:
            duck_type = call("typeof", value.copy())
            choice = exp.Case(this=duck_type.copy())
            for duck, postgres in TYPEOF_NAMES.items():
                choice = choice.when(string(duck), string(postgres))
                if duck not in ('"NULL"', "HUGEINT"):
                    choice = choice.when(string(f"{duck}[]"), string(f"{postgres}[]"))
            decimal = exp.Like(this=duck_type.copy(), expression=string("DECIMAL(%"))
            name = choice.else_(exp.Case().when(decimal, string("numeric")).else_(call("lower", duck_type)))
        item = node.parent if isinstance(node.parent, exp.Alias) else node
        if result_types and item.parent is tree and isinstance(tree, exp.Select):
            name = typed_value(name, REGTYPE_FIELD)
        node.replace(name)
    return tree


# The meta key of a column of a subquery, CTE or VALUES list holding a numeric whose decimals depend on the values:
# the column of the same source holding Postgres's text of each value (``derived_numeric_texts``).
NUMERIC_TEXT_KEY = "pg_numeric_text"


def derived_numeric_texts(tree: exp.Expr, scope: Scope, printed: bool = False) -> exp.Expr:
    """Every column of a subquery, CTE or ``VALUES`` list in FROM that holds a numeric whose decimals depend on the
    values (``with t as (select 10.0 / 3 as a) ...``, ``from (values (1.5), (2)) v(x)``) gets, where one more column
    of that source leaves the answer as it is (no ``*`` reads it: a ``*`` over such sources alone is expanded first),
    that source's column of Postgres's text of each value (``numeric_value_text`` of the item, the literals' own
    text), which ``numeric_value_text`` of the column gives: ``a::text``, ``a * 2``, ``max(a)`` and the column
    selected as it is print Postgres's digits; grouped by the column, the text is grouped by too. Not inside another
    aggregate. With ``printed`` (the result is printed, ``iamsql query``; the engines without the text functions
    never ask) also inside ``sum`` and ``avg`` (``numeric_value_text`` sums the texts exactly) and out of a source
    with ``distinct`` or a ``UNION ALL``. Before the rewrites, which translate the text's expression with the rest."""
    carried = (exp.Max, exp.Min, exp.Sum, exp.Avg) if printed else (exp.Max, exp.Min)
    added: dict[int, exp.Column] = {}
    for select in list(tree.find_all(exp.Select)):
        _expand_derived_star(select, scope)
    for column in list(tree.find_all(exp.Column)):
        select = column.find_ancestor(exp.Select)
        if select is None or isinstance(column.this, exp.Star):
            continue
        aggregate = column.find_ancestor(exp.AggFunc, exp.Select)
        if isinstance(aggregate, exp.AggFunc) and not aggregate.find_ancestor(exp.Window, exp.Select) and not (
                isinstance(aggregate, carried) and aggregate.this is column):
            continue  # inside another aggregate: the text is not carried
        group = select.args.get("group")
        if group and not isinstance(aggregate, exp.AggFunc) and (
                any(group.args.get(k) for k in ("rollup", "cube", "grouping_sets")) or any(
                isinstance(key, (exp.Rollup, exp.Cube, exp.GroupingSets)) for key in group.expressions)):
            continue  # one more grouping key would change the grouping sets
        if (found := _derived_numeric_text(column, scope, added, printed)) or (
                found := _values_numeric_text(column, added, scope if printed else None)):
            column.meta[NUMERIC_TEXT_KEY] = found
            if group and not isinstance(aggregate, exp.AggFunc) and not any(
                    key.meta.get("pg_text_key") and key == found for key in group.expressions):
                # grouped by the value, the text goes with it (a row's text is decided by its value)
                text_key = found.copy()
                text_key.meta["pg_text_key"] = True
                group.append("expressions", text_key)
    return tree


def _expand_derived_star(select: exp.Select, scope: Scope) -> None:
    """``select *`` over subqueries and CTEs only, one of whose columns is a numeric with decimals that depend on the
    values, as the list of their columns (``s.a, s.b``), so the numeric's text can be carried out of its source."""
    def is_star(item: exp.Expr) -> bool:
        return isinstance(item, exp.Star) or isinstance(item, exp.Column) and isinstance(item.this, exp.Star)

    sources = select_sources(select)
    if not sources or not any(is_star(i) for i in select.expressions) or any(
            join.args.get("using") or join.args.get("method") for join in select.args.get("joins") or []):
        return
    columns: dict[str, list[exp.Column]] = {}
    items = []
    for source in sources:
        alias = source.alias_or_name
        if isinstance(source, exp.Subquery):
            query = source.this
        elif isinstance(source, exp.Table) and not source.db and (cte := next(
                (c for c in select.root().find_all(exp.CTE) if c.alias == source.name), None)) is not None:
            query = cte.this
            holder_alias = cte.args.get("alias")
            if holder_alias is not None and holder_alias.columns:
                return
        else:
            return
        if isinstance(source, exp.Subquery) and source.args.get("alias") and source.args["alias"].columns:
            return
        while isinstance(query, (exp.SetOperation, exp.Subquery)):
            query = query.this
        if not alias or not isinstance(query, exp.Select) or any(
                isinstance(i.unalias(), exp.Star) or not i.alias_or_name for i in query.expressions):
            return
        columns[alias] = [exp.column(i.alias_or_name, table=alias, quoted=True) for i in query.expressions]
        items += [i.unalias() for i in query.expressions]
    if not any(is_numeric(i, scope) and not _is_float(i, scope) and numeric_scale(i, scope) is None for i in items):
        return
    expanded = []
    for item in select.expressions:
        if isinstance(item, exp.Star):
            expanded += [c.copy() for listed in columns.values() for c in listed]
        elif is_star(item):
            if item.table not in columns:
                return
            expanded += [c.copy() for c in columns[item.table]]
        else:
            expanded.append(item)
    select.set("expressions", expanded)


def _star_over(holder: exp.Expr) -> bool:
    """Whether a ``*`` of some SELECT reads the subquery, ``VALUES`` list or CTE ``holder`` (and would show one more
    column of it)."""
    if isinstance(holder, (exp.Subquery, exp.Values)):
        readers = [holder.parent_select] if holder.parent_select else []
    else:
        readers = [select for select in holder.root().find_all(exp.Select)
                   if any(isinstance(s, exp.Table) and s.name == holder.alias for s in select_sources(select))]
    return any(isinstance(item, exp.Star) or isinstance(item, exp.Column) and isinstance(item.this, exp.Star)
               for select in readers for item in select.expressions)


def _values_numeric_text(column: exp.Column, added: dict[int, exp.Column], scope: Scope | None) -> exp.Column | None:
    """For a column of a ``VALUES`` list in FROM of numbers with decimals (``from (values (1.5), (2)) v(x)``): the
    text Postgres gives each number (``2``, where DuckDB's common DECIMAL gives ``2.0``), as one more column of the
    list. With ``scope``, also of computed values whose text is known (``values (n / 3600.0)``). None for other
    values."""
    lists = []
    for source in select_sources(column.find_ancestor(exp.Select)):
        values, alias = source, source.args.get("alias")
        while scope is not None and isinstance(values, (exp.Lateral, exp.Subquery)):
            values = values.this  # lateral (values (...)) t(x)
            alias = alias or values.args.get("alias")
        names = [c.name for c in alias.columns] if alias else []
        if isinstance(values, exp.Values) and alias is not None and (
                alias.name == column.table if column.table else column.name in names):
            lists.append((values, alias, names))
    if len(lists) != 1 or column.name not in lists[0][2]:
        return None
    values, alias, names = lists[0]
    position = names.index(column.name)
    if (id(values), position) in added:
        return added[(id(values), position)].copy()
    numbers = [row.expressions[position] for row in values.expressions
               if isinstance(row, exp.Tuple) and len(row.expressions) == len(names)]
    if len(numbers) != len(values.expressions) or _star_over(values):
        return None
    texts, numeric = [], False
    for number in numbers:
        literal = number.this if isinstance(number, exp.Neg) else number
        if isinstance(number, exp.Null):
            texts.append(exp.Null())
        elif isinstance(literal, exp.Literal) and not literal.is_string and _literal_scale(literal.this) is not None:
            texts.append(string(format(-Decimal(literal.this) if number is not literal else Decimal(literal.this), "f")))
            numeric = numeric or not literal.this.isdigit()
        elif scope is not None and not isinstance(literal, exp.Literal) and (
                scope.is_int(number) or is_numeric(number, scope)) and (
                text := _numeric_operand_text(number, scope)) is not None:
            texts.append(text)
            numeric = numeric or not scope.is_int(number)
        else:
            return None
    if not numeric:
        return None  # integers: DuckDB prints them as Postgres does
    name = f"pg_numeric_text_{len(names) + 1}"
    for row, text in zip(values.expressions, texts):
        row.append("expressions", text)
    alias.append("columns", exp.to_identifier(name, quoted=True))
    added[(id(values), position)] = exp.column(name, table=alias.name, quoted=True)
    return added[(id(values), position)].copy()


def _derived_numeric_text(column: exp.Column, scope: Scope, added: dict, printed: bool) -> exp.Column | None:
    """For a column of a subquery or CTE whose item is a numeric with decimals depending on the values (``with s as
    (select avg(x) as a ...) select a from s``): the text of it, computed there as one more column of that query.
    None where that column could change the answer (a ``*`` reading the source, a set operation other than ``UNION
    ALL`` or ``distinct on`` inside, a CTE's column list), where it is not ``printed`` and the source has any set
    operation or ``distinct``, or where the text is not known."""
    defining = derived_item(column)
    if defining is None:
        return None
    source = column.table or select_sources(column.find_ancestor(exp.Select))[0].alias_or_name
    if id(defining) in added:
        return exp.column(added[id(defining)], table=source, quoted=True)
    query = _defining_select(defining)
    if _branch_of_set_operation(defining):
        return _set_operation_numeric_text(defining, query, source, scope, added) if printed else None
    if not is_numeric(defining, scope) or _is_float(defining, scope) or numeric_scale(defining, scope) is not None:
        return None
    distinct = query.args.get("distinct") if isinstance(query, exp.Select) else None
    if not isinstance(query, exp.Select) or distinct and (distinct.args.get("on") or not printed):
        return None
    holder = query.parent
    if not isinstance(holder, (exp.CTE, exp.Subquery)) or (alias := holder.args.get("alias")) and alias.columns:
        return None
    if _star_over(holder) or (text := numeric_value_text(defining, scope)) is None:
        return None
    if distinct:
        # one text for all the rows DISTINCT makes one (the same values), so the text leaves them as they are
        text = exp.Window(this=exp.Min(this=text), partition_by=[i.unalias().copy() for i in query.expressions])
    name = f"pg_numeric_text_{len(query.expressions)}"
    query.append("expressions", exp.alias_(text, name, quoted=True))
    added[id(defining)] = name
    return exp.column(name, table=source, quoted=True)


def _set_operation_numeric_text(defining: exp.Expr, query: exp.Select, source: str, scope: Scope,
                                added: dict) -> exp.Column | None:
    """``_derived_numeric_text`` of a column of a set operation in a subquery or CTE whose values are numerics with
    different decimals. Under ``UNION ALL`` alone each branch gets one more column, the text of its value (an
    integer's digits, a numeric's known decimals, a division's text). Under ``UNION``, ``INTERSECT`` or ``EXCEPT``,
    where one more column would change which rows are the same, the set operation is read by a SELECT that adds
    the text of the first row equal to each result row (``_first_row_texts``), the one Postgres keeps. None under
    ``distinct`` or where a text is not known."""
    top: exp.Expr = query
    while isinstance(top.parent, exp.SetOperation) or isinstance(top.parent, (exp.Subquery, exp.Paren)) and not (
            top.parent.args.get("alias")):
        top = top.parent
    holder = top.parent
    branches = _set_operation_branches(top)
    if not isinstance(holder, (exp.CTE, exp.Subquery)) or (alias := holder.args.get("alias")) and alias.columns or (
            not branches or _star_over(holder)):
        return None
    if any(b.args.get("distinct") or len(b.expressions) != len(query.expressions) for b in branches):
        return None
    position = next(i for i, item in enumerate(query.expressions) if item.unalias() is defining)
    values = [b.expressions[position].unalias() for b in branches]
    if not _numeric_set_column([v for v in values if not isinstance(v, exp.Null)], scope):
        return None
    if any(not isinstance(o, exp.Union) or o.args.get("distinct") for o in top.find_all(exp.SetOperation)):
        placeholder = exp.Null()
        top.replace(placeholder)
        if (built := _first_row_texts(top, scope, every_numeric=True)) is None:
            placeholder.replace(top)
            return None
        outer, texts = built
        placeholder.replace(outer)
        width = len(outer.expressions)
        for at, text in texts.items():
            outer.append("expressions", exp.alias_(text, f"pg_numeric_text_{width + at + 1}", quoted=True))
            added[id(outer.expressions[at].unalias())] = f"pg_numeric_text_{width + at + 1}"
        name = added.get(id(outer.expressions[position].unalias()))
        return None if name is None else exp.column(name, table=source, quoted=True)
    texts = []
    for value in values:
        text = exp.Null() if isinstance(value, exp.Null) else _numeric_operand_text(value, scope)
        if text is None:
            return None
        texts.append(text)
    name = f"pg_numeric_text_{len(query.expressions)}"
    for branch, text in zip(branches, texts):
        branch.append("expressions", exp.alias_(text, name, quoted=True))
    added[id(defining)] = name
    return exp.column(name, table=source, quoted=True)


def _with_numeric_text(value: exp.Expr, text: exp.Expr) -> None:
    """Replace ``value`` by the struct of it and its ``text`` (NULL when the value is); a column selected as it is
    keeps its name."""
    if isinstance(value, exp.Column) and isinstance(value.parent, exp.Select):
        value = value.replace(exp.alias_(value.copy(), value.name, quoted=True)).this
    fields = [exp.PropertyEQ(this=exp.to_identifier(name), expression=field)
              for name, field in zip(NUMERIC_TEXT_FIELDS, (value.copy(), text))]
    value.replace(exp.Case().when(exp.Not(this=exp.Is(this=value.copy(), expression=exp.Null())),
                                  exp.Struct(expressions=fields)))


def _set_operation_branches(tree: exp.SetOperation) -> list[exp.Select] | None:
    """The SELECTs of a set operation, left to right; None when a branch is something else."""
    if isinstance(tree, exp.SetOperation):
        left, right = _set_operation_branches(tree.this), _set_operation_branches(tree.expression)
        return None if left is None or right is None else left + right
    while isinstance(tree, exp.Subquery) and not tree.args.get("alias"):
        tree = tree.this
    if isinstance(tree, exp.SetOperation) and not any(tree.args.get(k) for k in ("order", "limit", "offset")):
        return _set_operation_branches(tree)  # a parenthesized set operation as a branch
    return [tree] if isinstance(tree, exp.Select) and not any(
        isinstance(i.unalias(), exp.Star) for i in tree.expressions) else None


def set_operation_numeric_texts(tree: exp.SetOperation, scope: Scope) -> exp.Expr:
    """A ``UNION``, ``INTERSECT`` or ``EXCEPT`` (not ``ALL``) whose column is a numeric from values with different
    decimals (``select 1.50 union select 2``): Postgres compares the values (``1.5`` and ``1.50`` are one) and keeps
    the first row's text, in the branches' order (the left one's for ``INTERSECT`` and ``EXCEPT``). The same set
    operation, each such column then paired (``_with_numeric_text``) with that text (``_first_row_texts``)."""
    built = _first_row_texts(tree, scope)
    if built is None:
        return tree
    outer, texts = built
    for position, text in texts.items():
        _with_numeric_text(outer.expressions[position].this, text)
    return outer


def _first_row_texts(tree: exp.SetOperation, scope: Scope,
                     every_numeric: bool = False) -> tuple[exp.Select, dict[int, exp.Expr]] | None:
    """For a ``UNION``, ``INTERSECT`` or ``EXCEPT`` (not ``ALL``) with numeric columns from values with different
    decimals (``every_numeric``: any numeric column): a SELECT of its columns (named as its first branch names them) over ``tree`` itself, and per such
    column the text of the first row of the branches, taken in order, that equals the result's row (a scalar
    subquery). None when no column needs one or a branch's text is not known."""
    branches = _set_operation_branches(tree)
    if not branches or len({len(b.expressions) for b in branches}) != 1:
        return None
    width = len(branches[0].expressions)
    texts: dict[int, list[exp.Expr]] = {}
    for position, column in enumerate(zip(*(b.expressions for b in branches))):
        values = [item.unalias() for item in column]
        real = [v for v in values if not isinstance(v, exp.Null)]
        if not (_numeric_set_column(real, scope) if every_numeric else _decimals_differ(real, scope)):
            continue
        column_texts = [exp.Null() if isinstance(v, exp.Null) else _numeric_operand_text(v, scope) for v in values]
        if None in column_texts:
            continue
        texts[position] = column_texts
    if not texts:
        return None
    names = [f"pg_set_{i + 1}" for i in range(width)]
    text_names = {position: f"pg_set_text_{position + 1}" for position in texts}
    rows = []
    for number, branch in enumerate(branches):
        row = branch.copy()
        row.set("order", None)
        for position, name in text_names.items():
            row.append("expressions", exp.alias_(texts[position][number], name, quoted=True))
        row.append("expressions", exp.alias_(exp.Literal.number(number), "pg_set_branch", quoted=True))
        columns = names + list(text_names.values()) + ["pg_set_branch"]
        rows.append(exp.Subquery(this=row, alias=exp.TableAlias(this=exp.to_identifier(f"pg_set_row_{number}"),
                                                                  columns=[exp.to_identifier(c, quoted=True) for c in columns])))
    every_row = exp.union(*[exp.select("*").from_(r) for r in rows], distinct=False)
    outer_columns = [exp.column(n, table="pg_set", quoted=True) for n in names]
    items, firsts = [], {}
    for position, (name, item) in enumerate(zip(names, branches[0].expressions)):
        items.append(exp.alias_(exp.column(name, table="pg_set", quoted=True), item.alias_or_name, quoted=True))
        if position in texts:
            match = exp.and_(*[exp.NullSafeEQ(this=exp.column(n, table="pg_set_rows", quoted=True), expression=c.copy())
                               for n, c in zip(names, outer_columns)])
            first = exp.select(exp.column(text_names[position], table="pg_set_rows", quoted=True)).from_(
                exp.Subquery(this=every_row.copy(), alias=exp.TableAlias(this=exp.to_identifier("pg_set_rows")))).where(
                match).order_by(exp.column("pg_set_branch", table="pg_set_rows", quoted=True)).limit(1)
            firsts[position] = exp.Subquery(this=first)
    with_, order, limit, offset = (tree.args.get(k) for k in ("with_", "order", "limit", "offset"))
    for key in ("with_", "order", "limit", "offset"):
        tree.set(key, None)
    outer = exp.select(*items).from_(exp.Subquery(this=tree, alias=exp.TableAlias(
        this=exp.to_identifier("pg_set"), columns=[exp.to_identifier(n, quoted=True) for n in names])))
    for key, value in (("with_", with_), ("order", order), ("limit", limit), ("offset", offset)):
        if value is not None:
            outer.set(key, value)
    return outer, firsts


def union_numeric_texts(tree: exp.Union, scope: Scope) -> exp.Union:
    """A ``union all`` whose column is a numeric in Postgres from values with different decimals (``select 1.5
    union all select attachment_count``), each value as the struct of it and its own text (``2``, not DuckDB's
    ``2.0``), when every branch's text is known. Not ``union``, ``intersect`` or ``except``, which compare the
    values (``2`` and ``2.0`` are one)."""
    branches, pending = [], [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, exp.Union) and not node.args.get("distinct") and not isinstance(node, (exp.Intersect,
                                                                                                 exp.Except)):
            pending += [node.expression, node.this]
        elif isinstance(node, exp.Select) and not node.args.get("distinct"):
            branches.append(node)
        else:
            return tree
    if len({len(b.expressions) for b in branches}) != 1:
        return tree
    for column in zip(*(b.expressions for b in branches)):
        values = [item.unalias() for item in column]
        real = [v for v in values if not isinstance(v, exp.Null)]
        if not _decimals_differ(real, scope):
            continue
        texts = [_numeric_operand_text(v, scope) for v in real]
        if None in texts:
            continue
        for value, text in zip(real, texts):
            _with_numeric_text(value, text)
    return tree


def with_output_scales(tree: exp.Expr, scales: list[int | None]) -> exp.Expr:
    """The translated statement with those columns as a DECIMAL of their decimals, so the output writes them as
    Postgres does (``1614852900.000000``, not ``1614852900``); a bare column keeps its name."""
    for item, scale in zip(list(tree.expressions) if scales else [], scales):
        if scale is not None:
            value = item.this if isinstance(item, exp.Alias) else item
            decimal = exp.Cast(this=value.copy(), to=exp.DataType.build(f"DECIMAL(38, {scale})"))
            if isinstance(value, exp.Column) and value is item:
                decimal = exp.alias_(decimal, value.output_name, quoted=True)
            value.replace(decimal)
    return tree


def ordinality_source(source: exp.Expr, name: str) -> exp.Subquery:
    """``f(...) WITH ORDINALITY AS t(x, n)`` in FROM as ``(SELECT * FROM f(...) WITH ORDINALITY AS t(x, n)) AS t(x,
    n)``, its two columns named as Postgres names them (the alias, else ``name``, then ``ordinality``): DuckDB
    cannot expand ``t.*`` of the source itself."""
    alias = source.args.get("alias")
    columns = [c.name for c in alias.columns] if alias else []
    table_name = alias.name if alias and alias.name else name
    columns = [columns[0] if columns else table_name, columns[1] if len(columns) > 1 else "ordinality"]
    table_alias = exp.TableAlias(this=exp.to_identifier(table_name, quoted=True),
                                 columns=[exp.to_identifier(c, quoted=True) for c in columns])
    inner = source.copy()
    if isinstance(inner, exp.Unnest):
        inner.set("alias", exp.TableAlias(this=table_alias.this.copy(), columns=[table_alias.columns[0].copy()]))
        inner.set("offset", table_alias.columns[1].copy())
    else:
        inner.set("alias", table_alias.copy())
    return exp.Subquery(this=exp.select("*").from_(inner), alias=table_alias)


def _int4_literal_bounds(series: exp.Expr) -> bool:
    """Whether ``generate_series(...)``'s bounds and step are integer literals within int4's range."""
    bounds = [series.args.get(k) for k in ("start", "end", "step") if series.args.get(k) is not None]
    literals = [b.this if isinstance(b, exp.Neg) else b for b in bounds]
    return all(isinstance(b, exp.Literal) and not b.is_string and b.this.isdigit() and int(b.this) < 2**31
               for b in literals)


def string_to_table(tree: exp.Expr) -> exp.Expr:
    """``string_to_table(s, d[, n])`` (Postgres 14) is ``unnest(string_to_array(s, d[, n]))``: in FROM and in the
    select list (named before, so the column keeps Postgres's name). ``regexp_split_to_table(s, p[, flags])`` in
    FROM is ``unnest(regexp_split_to_array(...))`` (DuckDB has it only in the select list). With ``WITH
    ORDINALITY`` these and ``generate_series`` become an ``ordinality_source``."""

    def split(function: exp.Anonymous) -> exp.Expr:
        name, args = function.name.lower(), function.expressions
        if len(args) not in (2, 3):
            raise QueryError(f"function {name}() takes 2 or 3 arguments, got {len(args)}")
        if name == "regexp_split_to_table":
            return exp.Anonymous(this="regexp_split_to_array", expressions=[a.copy() for a in args])
        return exp.StringToArray(this=args[0].copy(), expression=args[1].copy(),
                                 null=args[2].copy() if len(args) == 3 else None)

    for node in list(tree.find_all(exp.Anonymous, *ORDINALITY_FUNCTIONS)):
        name = func_name(node)
        table = node.parent
        in_from = isinstance(table, (exp.Table, exp.Lateral)) and table.this is node
        ordinality = in_from and table.args.get("ordinality")
        if isinstance(node, ORDINALITY_FUNCTIONS):
            if ordinality:
                source = ordinality_source(table, "generate_series")
                if _int4_literal_bounds(node):
                    # a series of integers is int4 also where ``t.*`` reads it (DuckDB's is BIGINT)
                    values, position = source.args["alias"].columns
                    source.this.set("expressions", [exp.alias_(exp.cast(exp.column(values.copy()), "INTEGER"),
                                                               values.copy()), exp.column(position.copy())])
                table.replace(source)
            continue
        if name == "regexp_matches":
            # Postgres's set-returning regexp_matches (DuckDB's is a boolean test): rows of a list, as unnest
            rows = exp.Anonymous(this="pg_regexp_matches_rows", expressions=[a.copy() for a in node.expressions])
            if in_from:
                alias = table.args.get("alias")
                unnest = exp.Unnest(expressions=[rows], alias=alias.copy() if alias else None)
                table.replace(ordinality_source(unnest, name) if ordinality else unnest)
            else:
                node.replace(exp.Explode(this=rows))
            continue
        if name not in ("string_to_table", "regexp_split_to_table"):
            continue
        if in_from:
            alias = table.args.get("alias")
            unnest = exp.Unnest(expressions=[split(node)], alias=alias.copy() if alias else None)
            table.replace(ordinality_source(unnest, name) if ordinality else unnest)
        elif name == "string_to_table":
            node.replace(exp.Explode(this=split(node)))
    return tree


def _numeric_literal_texts(array: exp.Expr) -> list[str | None] | None:
    """The text Postgres keeps for each element of ``array[...]`` of number literals with different decimals
    (``array[1.5, 2.25, 3]``: ``1.5``, ``2.25``, ``3``, where DuckDB's one DECIMAL gives ``1.50``, ``2.25``,
    ``3.00``); None for another array."""
    if not isinstance(array, exp.Array):
        return None
    texts: list[str | None] = []
    scales = set()
    for element in array.expressions:
        literal = element.this if isinstance(element, exp.Neg) else element
        if isinstance(element, exp.Null):
            texts.append(None)
            continue
        if not isinstance(literal, exp.Literal) or literal.is_string or (scale := _literal_scale(literal.this)) is None:
            return None
        value = Decimal(literal.this)
        texts.append(format(-value if element is not literal else value, "f"))
        scales.add(scale)
    return texts if len(scales) > 1 else None


def numeric_array_elements(tree: exp.Expr) -> exp.Expr:
    """The elements of ``array[...]`` of number literals with different decimals keep their own text, as in
    Postgres: ``unnest(array[1.5, 2.25]) as t(x)`` in FROM is the ``VALUES`` list of them (whose texts
    ``derived_numeric_texts`` carries), ``unnest(array[...])`` in the select list carries the ``unnest`` of their
    texts (``NUMERIC_TEXT_KEY``), which DuckDB zips with it row by row. Before the scope is read."""
    for node in list(tree.find_all(exp.Unnest, exp.Explode)):
        array = node.this if isinstance(node, exp.Explode) else (
            node.expressions[0] if len(node.expressions) == 1 else None)
        if array is None or (texts := _numeric_literal_texts(array)) is None:
            continue
        if isinstance(node, exp.Explode):
            node.meta[NUMERIC_TEXT_KEY] = exp.Explode(this=exp.Array(
                expressions=[exp.Null() if t is None else string(t) for t in texts]))
        elif isinstance(node.parent, (exp.From, exp.Join)) and not node.args.get("offset"):
            alias = node.args.get("alias")
            name = alias.name if alias and alias.name else "unnest"
            column = alias.columns[0].name if alias and alias.columns else name
            node.replace(exp.Values(
                expressions=[exp.Tuple(expressions=[element.copy()]) for element in array.expressions],
                alias=exp.TableAlias(this=exp.to_identifier(name), columns=[exp.to_identifier(column)])))
    return tree


@contextmanager
def quiet_sqlglot() -> Iterator[None]:
    """Silence sqlglot's generator warnings (they would print on stderr under ``iamsql query``)."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _sorted_distinct(argument: exp.Expr) -> exp.Expr:
    """``DISTINCT x`` as ``DISTINCT x ORDER BY x`` (NULL last, as Postgres sorts it); any other argument as is."""
    if isinstance(argument, exp.Distinct) and len(argument.expressions) == 1:
        value = argument.expressions[0]
        return exp.Order(this=argument, expressions=[exp.Ordered(this=value.copy(), nulls_first=False)])
    return argument


def sort_distinct_aggregate(node: exp.Expr) -> exp.Expr:
    """``string_agg(distinct x, sep)``, ``array_agg(distinct x)`` and ``jsonb_agg(distinct x)`` (``list``) without
    ORDER BY, for DuckDB: Postgres sorts a DISTINCT aggregate's input, so its list comes out sorted by ``x``;
    DuckDB's comes out in hash order. (The Spark engine sorts it itself.)"""
    if isinstance(node, (exp.GroupConcat, exp.ArrayAgg)):
        node.set("this", _sorted_distinct(node.this))
    elif isinstance(node, exp.Anonymous) and node.name.lower() == "list" and len(node.expressions) == 1:
        node.set("expressions", [_sorted_distinct(node.expressions[0])])
    return node


_JSON_KEY_PATH = re.compile(r'\$\."(?:[^"\\]|\\.)+"\Z')  # json_key_path() of a key that is not empty
# where DuckDB evaluates an expression only for some rows, or computes it once per group: not shared
_NOT_SHARED = (
    exp.Query,
    exp.Subquery,
    exp.Case,
    exp.If,
    exp.Connector,
    exp.Coalesce,
    exp.AggFunc,
    exp.Window,
    exp.Lambda,
)


def _key_chain(node: exp.Expr) -> tuple[exp.Column, list[str]] | None:
    """``json_extract(...json_extract(column, p1)..., pn)`` with plain keys: the column and the paths p1..pn."""
    paths = []
    while isinstance(node, exp.Anonymous) and node.name.lower() == "json_extract" and len(node.expressions) == 2:
        path = node.expressions[1]
        if not (isinstance(path, exp.Literal) and path.is_string and _JSON_KEY_PATH.match(path.this)):
            return None
        paths.append(path.this)
        node = node.expressions[0]
    if not paths or not isinstance(node, exp.Column):
        return None
    return node, list(reversed(paths))


def _select_item_chains(item: exp.Expr) -> Iterator[tuple[exp.Expr, exp.Column, str]]:
    """The outermost key chains of a select item that DuckDB computes for every row: (node, column, one path)."""
    stack = [item]
    while stack:
        node = stack.pop()
        found = _key_chain(node)
        if found:
            column, paths = found
            yield node, column, "$" + "".join(path[1:] for path in paths)
            continue
        stack.extend(child for child in node.iter_expressions() if not isinstance(child, _NOT_SHARED))


def _text_of(node: exp.Expr) -> exp.Expr | None:
    """The ``pg_jsonb_text(node)`` call around a chain (``->>``), else None (``->``)."""
    parent = node.parent
    if isinstance(parent, exp.Anonymous) and parent.name.lower() == "pg_jsonb_text" and len(parent.expressions) == 1:
        return parent
    return None


def share_json_extractions(tree: exp.Expr) -> exp.Expr:
    """DuckDB only: the ``->`` / ``->>`` chains of plain keys that one SELECT list reads from one column become
    ``json_extract(column, [path, ...])[i]``, the same list in each, so DuckDB parses the document once per row
    (a common subexpression of the projection) instead of once per chain. When every chain of the column is
    ``->>``, the list is the chains' texts from one ``json_extract_string(column, [path, ...])`` (``_text``),
    without a second parse of each value. Chains inside CASE, AND/OR, COALESCE, aggregates, windows and subqueries stay
    as they are (DuckDB would not share them), and so do the select lists of a GROUP BY (whose items must match
    the grouping keys)."""
    for select in list(tree.find_all(exp.Select)):
        if select.args.get("group"):
            continue
        by_column: dict[str, list[tuple[exp.Expr, exp.Column, str]]] = {}
        for item in select.expressions:
            for node, column, path in _select_item_chains(item):
                by_column.setdefault(column.sql(), []).append((node, column, path))
        for chains in by_column.values():
            paths = list(dict.fromkeys(path for _, _, path in chains))
            if len(paths) < 2:
                continue
            texts = [_text_of(node) for node, _, _ in chains]
            for (node, column, path), text in zip(chains, texts, strict=True):
                if all(texts):
                    text.replace(_text(column, paths, path))
                else:
                    node.replace(_item(_extractions(column, paths), paths.index(path)))
    return tree


def _extractions(column: exp.Column, paths: list[str]) -> exp.Expr:
    """``json_extract(column, [path, ...])``: the JSON value at each path."""
    return call("json_extract", column.copy(), exp.Array(expressions=[string(p) for p in paths]))


def _item(listed: exp.Expr, index: int) -> exp.Expr:
    """``listed[index + 1]``."""
    return exp.Bracket(this=listed, expressions=[exp.Literal.number(index + 1)], offset=1)


def _text(column: exp.Column, paths: list[str], path: str) -> exp.Expr:
    """What ``pg_jsonb_text`` gives for ``path``, from one ``json_extract_string(column, [path, ...])`` shared by
    the chains of the select list: its text of a string, number, boolean or null is Postgres's ``->>``; an object
    or array (its text starts with ``{`` or ``[``, as a string's own text may) is read again through
    ``pg_jsonb_text``, for Postgres's spacing. A CASE per chain, not a lambda over the list: DuckDB computes the
    shared list once per row either way, and a lambda call per value cost ~0.4 CPU-s per million rows of six
    paths."""
    value = _item(call("json_extract_string", column.copy(), exp.Array(expressions=[string(p) for p in paths])),
                  paths.index(path))
    starts = exp.In(this=call("left", value.copy(), exp.Literal.number(1)), expressions=[string("{"), string("[")])
    again = call("pg_jsonb_text", call("json_extract", column.copy(), string(path)))
    return exp.Case(ifs=[exp.If(this=starts, true=again)], default=value)


class DuckDBFromSteampipe(DuckDB):
    """DuckDB, writing a translated Steampipe query: DuckDB's generator with the DuckDB-only output rules."""

    class Generator(DuckDB.Generator):
        TRANSFORMS = {
            **DuckDB.Generator.TRANSFORMS,
            exp.GroupConcat: preprocess([sort_distinct_aggregate], DuckDB.Generator.TRANSFORMS[exp.GroupConcat]),
        }

        def arrayagg_sql(self, expression: exp.ArrayAgg) -> str:
            return super().arrayagg_sql(sort_distinct_aggregate(expression))

        def div_sql(self, expression: exp.Div) -> str:
            # Postgres refuses to divide by zero (numeric and double alike); DuckDB's ``/`` gives Infinity or NaN.
            # A literal divisor other than 0 needs no check. (Integer division is ``//``, which refuses it too.)
            divisor = expression.expression
            if isinstance(divisor, exp.Literal) and not divisor.is_string and float(divisor.this) != 0:
                return super().div_sql(expression)
            return self.sql(call("pg_div", expression.this, divisor))

        def timestamptrunc_sql(self, expression: exp.TimestampTrunc) -> str:
            # date_trunc(unit, x, zone) truncates on the zone's clock for every unit; DuckDB's generator keeps the
            # zone only for a day and longer units, so an hour in a zone half an hour off UTC was cut in UTC
            zone = expression.args.get("zone")
            if zone is None:
                return super().timestamptrunc_sql(expression)
            local = expression.copy()
            local.set("zone", None)
            local.set("this", exp.AtTimeZone(this=expression.this.copy(), zone=zone.copy()))
            return self.sql(exp.AtTimeZone(this=local, zone=zone.copy()))

        def regexpreplace_sql(self, expression: exp.RegexpReplace) -> str:
            # Postgres's replacement text in RE2's syntax (\& is the whole match, other escapes stay literal)
            replacement = expression.args.get("replacement")
            if isinstance(replacement, exp.Literal) and replacement.is_string:
                expression = expression.copy()
                expression.set("replacement", string(re2_replacement(replacement.this)))
            return super().regexpreplace_sql(expression)

        def anonymous_sql(self, expression: exp.Anonymous) -> str:
            if expression.name.lower() == "octet_length" and not expression.meta.get("pg_blob"):
                # DuckDB's takes a blob; strlen counts a text's bytes
                expression = call("strlen", *expression.expressions)
            return super().anonymous_sql(sort_distinct_aggregate(expression))


def to_duckdb(sql: str, *, as_of_variable: bool = False, numeric_text: bool = False) -> str:
    """DuckDB SQL that returns what PostgreSQL returns for the Steampipe query ``sql``.

    With ``as_of_variable`` the current time is the DuckDB variable ``iamsql_as_of`` (controls); without it,
    the wall clock (ad hoc queries). With ``numeric_text`` (``iamsql query``, whose output ``query.fetch``
    writes) a numeric division or ``avg`` column also carries Postgres's text of it (``numeric_text_columns``).
    """
    with quiet_sqlglot():
        tree = parse(sql)
    return tree_to_duckdb(tree, as_of_variable=as_of_variable, numeric_text=numeric_text)


def one_based_subscripts(tree: exp.Expr) -> exp.Expr:
    """Array subscripts as Postgres wrote them, 1-based, for DuckDB (also 1-based). sqlglot's parser stores an
    integer subscript 0-based (``a[n]`` as ``a[n + -1]``) and its generator adds the 1 back only where it can still
    tell the subscript is an integer: after the rewrites (``array_length(a, 1)`` becomes a macro call) it no longer
    can, and ``a[array_length(a, 1)]`` would read the element before the last. So the subscripts are made 1-based
    again on the parsed tree, and marked so (``offset=1``) that the generator leaves them alone."""
    for bracket in tree.find_all(exp.Bracket):
        if bracket.args.get("json_access") or bracket.args.get("offset"):
            continue
        bracket.set("expressions", apply_index_offset(bracket.this, bracket.expressions, 1, dialect=Steampipe))
        bracket.set("offset", 1)
    return tree


def tree_to_duckdb(tree: exp.Expr, *, as_of_variable: bool = False, numeric_text: bool = False) -> str:
    """``to_duckdb`` of a statement already parsed by ``parse`` (``tree``, which it changes): for a caller that
    parsed it to look at it first (``query.check_read_only``), so it is not parsed twice."""
    try:
        with quiet_sqlglot():
            tree = one_based_subscripts(tree)
            tree = share_json_extractions(postgres_rewritten(tree, as_of_variable=as_of_variable,
                                                             numeric_text=numeric_text))
            return tree.sql(dialect=DuckDBFromSteampipe, normalize_functions="lower", copy=False)  # the tree is ours
    except SqlglotError as exc:
        raise QueryError(f"cannot translate the query: {first_line(exc)}") from None
