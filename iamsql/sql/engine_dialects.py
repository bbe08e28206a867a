"""Steampipe/Postgres SQL for engines without the DuckDB macros: Spark, Trino and Athena (``transpile_for``).

The same Postgres-side work as the DuckDB translation (``dialect.parse``, ``Scope``, Postgres column names, bare
element aliases), written by sqlglot's dialect of the engine with the rules below in its generator
(``TARGETS``): JSON arrays in FROM unnest to a ``value`` column; what has no portable equivalent is reported.
Kept apart from ``dialect.py`` so that translating to DuckDB (``iamsql query``, ``iamsql check``) does not import
and build these engines' sqlglot dialects.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlglot
from sqlglot import exp
from sqlglot.dialects.athena import Athena
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.spark import Spark
from sqlglot.dialects.trino import Trino
from sqlglot.errors import SqlglotError
from sqlglot.generators.athena import AthenaTrinoGenerator
from sqlglot.transforms import preprocess

from iamsql.errors import QueryError, UnsupportedFeature, first_line
from iamsql.sql.dialect import (
    DuckDBFromSteampipe,
    Scope,
    apply_rewrite,
    check_types,
    check_unsupported,
    func_name,
    name_select_items,
    parse,
    quiet_sqlglot,
    rewrite_bare_element_alias,
    source_kind,
    string,
    to_duckdb,
)

ENGINES = ("duckdb", "spark", "trino", "athena")


def unnest_json_arrays(json_array: Callable[[exp.Expr, str], exp.Expr]) -> Callable[[exp.Expr], exp.Expr]:
    """A transform of a SELECT: its ``jsonb_array_elements[_text](x) AS s`` sources become the engine's unnest of
    ``json_array(x, kind)`` (column ``value``)."""

    def transform(select: exp.Expr) -> exp.Expr:
        if not isinstance(select, exp.Select):
            return select
        sources = [select.args["from_"].this] if select.args.get("from_") else []
        sources += [join.this for join in select.args.get("joins") or []]
        for source in sources:
            kind = source_kind(source)
            if isinstance(source, (exp.Table, exp.Lateral)) and kind in ("elements", "elements_text"):
                source.replace(_unnest(source, json_array(source.this.expressions[0], kind)))
        return select

    return transform


def unsupported_function_source(engine: str, base: Callable) -> Callable:
    """A ``Generator.TRANSFORMS`` entry for FROM sources: ``jsonb_each``, ``jsonb_object_keys`` and friends have no
    portable equivalent."""

    def sql(self, expression: exp.Expr) -> str:
        if source_kind(expression):
            raise UnsupportedFeature(f"unsupported on {engine}: {expression.this.name.lower()}()")
        return base(self, expression)

    return sql


def _unnest(source: exp.Expr, listed: exp.Expr) -> exp.Unnest:
    """``UNNEST(listed) AS s(value)`` for the source ``f(x) AS s`` (its column aliases kept)."""
    alias = source.args.get("alias")
    alias_name = alias.name if alias and alias.name else source.this.name.lower()
    column_names = [c.name for c in alias.columns] if alias and alias.columns else ["value"]
    table_alias = exp.TableAlias(
        this=exp.to_identifier(alias_name), columns=[exp.to_identifier(c) for c in column_names]
    )
    return exp.Unnest(expressions=[listed], alias=table_alias)


def unsupported_jsonb_operator(engine: str, base: Callable) -> Callable:
    """A ``Generator.TRANSFORMS`` entry: ``@>``, ``?``, ``?|``, ``?&`` on jsonb have no portable equivalent (on an
    ``ARRAY[...]`` they are the engine's own)."""

    def sql(self, expression: exp.Expr) -> str:
        if not isinstance(expression.this, exp.Array):
            symbol = JSONB_OPERATOR_SYMBOLS.get(type(expression), expression.key)
            raise UnsupportedFeature(f"unsupported on {engine}: the jsonb operator {symbol}")
        return base(self, expression)

    return sql


def portable_to_char(node: exp.Expr) -> exp.Expr:
    """``to_char(ts, format)`` as sqlglot's own time formatting, which each engine writes in its format language
    (the Steampipe parser keeps ``to_char`` a plain call for the DuckDB translation)."""
    if func_name(node) == "to_char" and len(node.expressions) == 2:
        return sqlglot.parse_one(node.sql(dialect="postgres"), read="postgres")
    return node


# the inline flags that make an engine's regex case-insensitive (Java's ``u``: Unicode case folding, as Postgres's)
CASE_INSENSITIVE_FLAGS = {"spark": "(?iu)", "trino": "(?i)", "athena": "(?i)"}


def case_insensitive_rlike(node: exp.Expr, flags: str) -> exp.Expr:
    """Postgres ``x ~* p`` as ``x RLIKE flags || p`` (a ``RegexpLike``): Spark and Trino have no case-insensitive
    regex operator, their Java-style patterns take the flag instead."""
    if not isinstance(node, exp.RegexpILike):
        return node
    pattern = node.expression
    if isinstance(pattern, exp.Literal):
        flagged: exp.Expr = exp.Literal.string(flags + pattern.this)
    else:
        flagged = exp.Anonymous(this="concat", expressions=[exp.Literal.string(flags), pattern])
    return exp.RegexpLike(this=node.this, expression=flagged)


def generated_after(rewrite: Callable[[exp.Expr], exp.Expr]) -> Callable:
    """A ``Generator.TRANSFORMS`` entry: the node ``rewrite`` returns, generated as the dialect generates it (by the
    node's own ``<key>_sql`` when ``rewrite`` keeps it). ``transforms.preprocess`` cannot hand a function call of
    another type to its generic function writer."""

    def sql(self, expression: exp.Expr) -> str:
        replacement = rewrite(expression)
        if replacement is expression:
            return getattr(self, f"{expression.key}_sql")(expression)
        return self.sql(replacement)

    return sql


def without_materialized(node: exp.Expr) -> exp.Expr:
    """A CTE without Postgres's ``[NOT] MATERIALIZED``, for engines without the keyword (Spark, Trino, Athena),
    whose planners decide on their own; the rows are the same either way."""
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node = node.copy()
        node.set("materialized", None)
    return node


def _generator_of(generator: type, node_type: type[exp.Expr]) -> Callable:
    """How ``generator`` writes a node of ``node_type``: its TRANSFORMS entry, else its ``<key>_sql`` method."""
    return generator.TRANSFORMS.get(node_type) or getattr(generator, f"{node_type.key}_sql")


SOURCES = (exp.Table, exp.Lateral)
# how a query writes them, for the messages (sqlglot's class names mean nothing to its author)
JSONB_OPERATOR_SYMBOLS = {
    exp.ArrayContainsAll: "@>",
    exp.JSONBContainsTopKey: "?",
    exp.JSONBContainsAnyTopKeys: "?|",
    exp.JSONBContainsAllTopKeys: "?&",
}
JSONB_OPERATORS = (
    exp.ArrayContainsAll,
    exp.JSONBContainsTopKey,
    exp.JSONBContainsAnyTopKeys,
    exp.JSONBContainsAllTopKeys,
)


def portable_transforms(engine: str, generator: type, json_array: Callable[[exp.Expr, str], exp.Expr]) -> dict:
    """``generator``'s TRANSFORMS with the Steampipe rules of an engine without the DuckDB macros."""
    return {
        **generator.TRANSFORMS,
        exp.Select: preprocess([unnest_json_arrays(json_array)], generator.TRANSFORMS[exp.Select]),
        **{source: unsupported_function_source(engine, _generator_of(generator, source)) for source in SOURCES},
        exp.Anonymous: generated_after(portable_to_char),
        exp.CTE: generated_after(without_materialized),
        exp.RegexpILike: generated_after(lambda node: case_insensitive_rlike(node, CASE_INSENSITIVE_FLAGS[engine])),
        **{
            operator: unsupported_jsonb_operator(engine, generator.TRANSFORMS[operator]) for operator in JSONB_OPERATORS
        },
    }


def spark_json_array(argument: exp.Expr, kind: str) -> exp.Expr:
    """A JSON array text as Spark's array of strings (the elements' JSON text, or the text of string elements)."""
    return exp.Anonymous(this="from_json", expressions=[argument, string("array<string>")])


def trino_json_array(argument: exp.Expr, kind: str) -> exp.Expr:
    """A JSON array text cast to Trino's array of JSON (``_elements``) or of varchar (``_elements_text``)."""
    target = "ARRAY(JSON)" if kind == "elements" else "ARRAY(VARCHAR)"
    return exp.cast(argument, exp.DataType.build(target, dialect="trino"))


class SparkFromSteampipe(Spark):
    """Spark SQL for a Steampipe query (``transpile_for``; the Spark engine itself uses ``engines.spark.to_spark``)."""

    class Generator(Spark.Generator):
        TRANSFORMS = portable_transforms("spark", Spark.Generator, spark_json_array)


class TrinoFromSteampipe(Trino):
    """Trino SQL for a Steampipe query."""

    class Generator(Trino.Generator):
        TRANSFORMS = portable_transforms("trino", Trino.Generator, trino_json_array)


class AthenaFromSteampipe(Athena):
    """Athena SQL for a Steampipe query: Athena writes queries with a Trino generator of its own (Hive only for
    DDL), so that generator is the one that gets Trino's rules."""

    class Generator(Athena.Generator):
        def __init__(self, **options) -> None:
            super().__init__(**options)
            self._trino_generator = AthenaQueryGenerator(**{**options, "dialect": Trino()})


class AthenaQueryGenerator(AthenaTrinoGenerator):
    TRANSFORMS = portable_transforms("athena", AthenaTrinoGenerator, trino_json_array)


TARGETS: dict[str, type[Dialect]] = {
    "duckdb": DuckDBFromSteampipe,
    "spark": SparkFromSteampipe,
    "trino": TrinoFromSteampipe,
    "athena": AthenaFromSteampipe,
}


# Postgres functions the engines lack and the translation does not write for them: the query names them
POSTGRES_ONLY_FUNCTIONS = {"pg_typeof": "pg_typeof() (the engine names its types its own way)"}


def refuse_postgres_only_functions(tree: exp.Expr, engine: str) -> None:
    for node in tree.find_all(exp.Anonymous):
        if (name := func_name(node)) in POSTGRES_ONLY_FUNCTIONS:
            raise UnsupportedFeature(f"unsupported on {engine}: {POSTGRES_ONLY_FUNCTIONS[name]}")


def refuse_frames_beyond_rows_and_range(tree: exp.Expr, engine: str) -> None:
    """Window frames in ``GROUPS`` mode or with ``EXCLUDE``, which DuckDB runs and these engines do not."""
    for window in tree.find_all(exp.WindowSpec):
        if str(window.args.get("kind") or "").upper() == "GROUPS" or window.args.get("exclude"):
            raise UnsupportedFeature(f"unsupported on {engine}: a window frame with GROUPS or EXCLUDE")


def transpile_for(sql: str, dialect: str) -> str:
    """The Steampipe query written for another engine: 'duckdb', 'spark', 'trino' or 'athena'.

    A first version for engines without the DuckDB macros: JSON access maps to the engine's own JSON functions
    (``get_json_object`` on Spark, ``json_extract``/``json_extract_scalar`` on Trino and Athena) and the rest is
    sqlglot's generator (``TARGETS``). Containment (``@>``), ``?`` and jsonb text output have no portable
    equivalent and are reported as unsupported there.
    """
    if dialect not in ENGINES:
        raise QueryError(f"unknown engine {dialect!r}; choose one of {', '.join(ENGINES)}")
    if dialect == "duckdb":
        return to_duckdb(sql)
    tree = parse(sql)
    check_unsupported(tree)
    refuse_postgres_only_functions(tree, dialect)
    refuse_frames_beyond_rows_and_range(tree, dialect)
    check_types(tree, ("inet", "cidr"))
    scope = Scope(tree)
    tree = name_select_items(tree, scope)
    tree = apply_rewrite(tree, rewrite_bare_element_alias, scope)
    try:
        with quiet_sqlglot():
            return tree.sql(dialect=TARGETS[dialect], copy=False)  # the tree is ours
    except SqlglotError as exc:
        raise QueryError(f"cannot translate the query for {dialect}: {first_line(exc)}") from None
