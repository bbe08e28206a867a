"""Translation to Spark SQL (no Spark needed) and ``iamsql controls --print-sql``."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from iamsql.controls.engines import printing
from iamsql.controls.engines import spark as spark_engine
from iamsql.errors import QueryError, SparkError
from iamsql.store import db
from iamsql.store.lake import BOOKKEEPING
from iamsql.store.schema import ACCESS_TABLES, TABLES

IAMSQL = str(Path(sys.executable).parent / "iamsql")


def test_json_access_and_lateral_explode():
    sql = spark_engine.to_spark(
        "select p.arn, s ->> 'Effect' as effect, p.tags ->> 'aws:team' as team "
        "from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s where s @> '{\"Effect\": \"Allow\"}'")
    assert "LATERAL EXPLODE(PG_JSONB_ELEMENTS(PG_JSON_EXTRACT(p.policy_std, '$.\"Statement\"'))) AS s(value)" in sql
    assert "GET_JSON_OBJECT(`s`.`value`, '$.Effect')" in sql
    assert "GET_JSON_OBJECT(p.tags, '$[\\'aws:team\\']')" in sql
    assert "PG_JSONB_CONTAINS(" in sql


def test_materialized_cte_without_the_keyword():
    sql = spark_engine.to_spark("with a as materialized (select name from aws_iam_user) select name from a")
    assert sql == "WITH a AS (SELECT name FROM aws_iam_user) SELECT name FROM a"


def test_postgres_semantics_kept():
    sql = spark_engine.to_spark("select string_agg(distinct name, ', '), regexp_replace(path, '/+', '-'), "
                                "concat(name, null) from aws_iam_user")
    assert "ARRAY_SORT(COLLECT_SET(name))" in sql and "IF(SIZE(" in sql  # sorted like Postgres, NULL on nothing
    assert "'^([\\\\s\\\\S]*?)(?:(?s)/+)', '$1-'" in sql  # first match only; '.' matches a newline
    assert "CONCAT(COALESCE(name, ''), COALESCE(NULL, ''))" in sql  # concat() skips NULLs
    with pytest.raises(QueryError, match="jsonb_set_lax"):
        spark_engine.to_spark("select jsonb_set_lax(tags, '{a}', null) from aws_iam_user")


@pytest.mark.parametrize("sql,named", [
    ("select jsonb_path_exists(policy, '$.a') from aws_iam_policy", "unsupported on spark: jsonb_path_exists()"),
    ("select name from aws_iam_policy where policy @? '$.a'", "unsupported on spark: jsonb_path_exists() (or @?)"),
    ("select policy @@ '$.a == 1' from aws_iam_policy", "unsupported on spark: the jsonpath operator @@"),
    ("select jsonb_path_match(policy, '$.a == 1') from aws_iam_policy", "unsupported on spark: jsonb_path_match()"),
    ("select jsonb_path_query_first(policy, '$.a') from aws_iam_policy", "unsupported on spark: jsonb_path_query_first()"),
    ("select host(source_ip_address::inet) from aws_cloudtrail_trail_event", "unsupported on spark: the inet and cidr"),
    ("select pg_typeof(create_date) from aws_iam_user", "unsupported on spark: pg_typeof() of a value whose type"),
    ("select count(*) over (order by create_date groups 1 preceding) from aws_iam_user",
     "unsupported on spark: a window frame with GROUPS or EXCLUDE"),
])
def test_unsupported_names_the_postgres_function(sql, named):
    with pytest.raises(QueryError) as raised:
        spark_engine.to_spark(sql)
    assert str(raised.value).startswith(named) and "pg_" not in str(raised.value).replace("pg_typeof()", "")


def test_distinct_string_agg_ordered_by_its_value():
    ordered = spark_engine.to_spark("select string_agg(distinct name, ', ' order by name desc) from aws_iam_user")
    assert "ARRAY_JOIN(REVERSE(ARRAY_SORT(COLLECT_SET(name))), ', ')" in ordered and "DISTINCT" not in ordered
    with pytest.raises(QueryError, match="ordered by another value"):
        spark_engine.to_spark("select string_agg(distinct name, ', ' order by path) from aws_iam_user")


def test_number_text_keeps_its_scale_as_in_postgres():
    assert spark_engine.SPARK_FUNCTIONS["pg_jsonb_text"][0]("3.50") == "3.50"  # Postgres: '3.50'::jsonb ->> ... = 3.50


@pytest.mark.parametrize("text", ['{"b": [1, "x", {"c": null}], "aa": true}', '"s"', "null", "[]", "7"])
def test_json_functions_match_the_duckdb_macros(text):
    con = duckdb.connect()
    db.install_macros(con)
    functions = spark_engine.SPARK_FUNCTIONS
    assert functions["pg_jsonb_text"][0](text) == con.execute("select pg_jsonb_text(?::json)", [text]).fetchall()[0][0]
    assert functions["pg_jsonb_typeof"][0](text) == con.execute("select pg_jsonb_typeof(?::json)", [text]).fetchall()[0][0]
    got = functions["pg_json_extract"][0](text, '$."b"')
    expected = con.execute("""select json_extract(?::json, '$."b"')""", [text]).fetchall()[0][0]
    assert (got is None and expected is None) or (got is not None and expected is not None
                                                   and functions["pg_jsonb_out"][0](got) == con.execute(
                                                       "select pg_jsonb_out(?)", [expected]).fetchall()[0][0])


def test_print_sql_cli():
    done = subprocess.run([IAMSQL, "controls", "--print-sql", "--dialect", "spark", "--control", "iam_policy_no_allow_notaction"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.index("-- view iam_policy_statement") < done.stdout.index("-- control iam_policy_no_allow_notaction")
    assert "create or replace temp view iam_policy_statement as" in done.stdout
    athena = subprocess.run([IAMSQL, "controls", "--print-sql", "--dialect", "athena", "--control", "iam_root_mfa_enabled"],
                            capture_output=True, text=True, timeout=60)
    assert athena.returncode == 0 and "-- control iam_root_mfa_enabled" in athena.stdout
    bad = subprocess.run([IAMSQL, "controls", "--print-sql", "--dialect", "oracle"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("error: unknown dialect 'oracle'")


def test_every_shipped_control_and_view_translates_to_spark():
    """The Spark engine runs every control: none may stop at a construct its translation refuses (string_agg
    ordered by more than one key is one)."""
    assert [(item.kind, item.name) for item in printing.statements("spark") if item.sql is None] == []


@pytest.mark.parametrize(("engine", "read"), [("athena", "trino"), ("trino", "trino"), ("spark", "spark")])
def test_printed_sql_reads_only_lake_tables_and_views_printed_before_it(engine, read):
    """The script of every shipped control, as docs/scale.md has a scheduler run it over the lake: each relation a
    printed view or control reads is a lake table or a view printed before it (the organization views included),
    and a control or view reading a helper view that cannot be translated says so instead of printing SQL."""
    lake = {*TABLES, *ACCESS_TABLES, *BOOKKEEPING}
    defined, undefined, blocked = set(lake), {}, set()
    for item in printing.statements(engine):
        if item.sql is None:
            blocked.add(item.name)
            continue
        tree = sqlglot.parse_one(item.sql, read=read)
        ctes = {cte.alias_or_name for cte in tree.find_all(exp.CTE)}
        for table in tree.find_all(exp.Table):
            if table.name and table.name not in defined | ctes:
                undefined.setdefault(table.name, item.name)
        if item.kind == "view":
            defined.add(item.name)
    assert undefined == {}
    assert {"iamsql_organization_member", "iamsql_organization_trail"} <= defined
    assert "cloudtrail_multi_region_trail_enabled" in blocked or engine == "spark"


def test_numeric_to_integer_cast_rounds_half_away_from_zero_on_spark():
    """Postgres rounds a numeric cast to an integer half away from zero (2.5 -> 3): Spark's ROUND does the same,
    where its CAST alone would truncate."""
    sql = spark_engine.to_spark("select avg(key_number)::int as n from aws_iam_access_key")
    assert "CAST(ROUND(AVG(key_number)) AS INT) AS n" in sql


def test_substr_from_a_computed_start_counts_from_1_as_in_postgres():
    sql = spark_engine.to_spark("select substr(name, strpos(name, '=') + 1) as a, "
                                "substr(name, strpos(name, '=') - 2, 3) as b from aws_iam_user")
    assert "SUBSTRING(name, GREATEST(LOCATE('=', name) + 1, 1))" in sql
    assert "RAISE_ERROR('negative substring length not allowed')" in sql  # a negative length is an error there too


def test_text_to_integer_cast_refuses_what_postgres_refuses_on_spark():
    """Postgres reads only digits (a sign, blanks around: space, \\t, \\n, \\r, \\v, \\f) as an integer and refuses
    '12.5'; Spark's CAST would give NULL or 12: the text is checked first, as the DuckDB macro does."""
    sql = spark_engine.to_spark("select (name)::int as n from aws_iam_user")
    assert "RLIKE '^[ \\\\t\\\\n\\\\r\\\\x0B\\\\f]*[+-]?[0-9]+[ \\\\t\\\\n\\\\r\\\\x0B\\\\f]*$' THEN TRIM((name))" in sql, sql
    assert "RAISE_ERROR(CONCAT('invalid input syntax for type integer: \"', (name), '\"'))" in sql, sql


def test_shipped_helper_views_translate_for_spark():
    views = Path(__file__).resolve().parent.parent / "queries" / "views"
    failing = set()
    for path in sorted(views.glob("*.sql")):
        try:
            spark_engine.to_spark(path.read_text())
        except QueryError:
            failing.add(path.stem)
    assert failing == {"aws_account"}  # json_object(): no Spark equivalent; the controls reading it report it


def test_without_pyspark_the_error_names_the_package_to_install(monkeypatch):
    """iamsql is not on a package index: the hint installs PySpark itself, never a project named iamsql."""
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(SparkError) as raised:
        spark_engine.session()
    assert str(raised.value).startswith("the spark engine needs PySpark 4: pip install 'pyspark>=4.0' ")
    assert "iamsql[" not in str(raised.value)
