"""The text `iamsql query` prints for intervals, numbers, booleans, dates, times and UUIDs is PostgreSQL's own
text for the same Steampipe SQL (PostgreSQL is the oracle, as in the dialect's differential tests)."""

import json

import duckdb
import pytest

from iamsql.sql.output import query_json, render
from iamsql.sql.query import fetch, translate
from iamsql.store.db import install_macros

EXPRESSIONS = [
    "interval '1 year 2 months 3 days 04:05:06'",
    "interval '1 month'",
    "interval '-1 day' + interval '1.5 seconds'",
    "interval '-1 year 2 months'",
    "interval '100 hours'",
    "interval '0 seconds'",
    "interval '1 day' * 3 - interval '2 hours 30 minutes'",
    "age(timestamptz '2026-03-01 12:00:00+00', timestamptz '2024-01-15 10:30:45+00')",
    "timestamptz '2026-03-01 00:00:00+00' - timestamptz '2025-12-30 06:00:00+00'",
    "0.1::float8", "1e15::float8", "123456789012345::float8", "1.5e-7::float8", "100::float8", "-2.5::float8",
    "'nan'::float8", "'infinity'::float8", "'-infinity'::float8", "0.1::real", "1e6::real",
    "1.50::numeric(5,2)", "123.456::numeric(10,3)", "1.5",
    "true", "false", "1 < 2",
    "42", "9223372036854775807::bigint", "(-32768)::smallint",
    "date '2024-02-29'", "'infinity'::date",
    "time '15:30:45'", "time '15:30:45.25'",
    "'5b1d5cb6-0ad0-4a6b-ae77-6b6a1b1b1f61'::uuid",
    "'héllo'::text",
]


@pytest.fixture(scope="module")
def duck():
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    install_macros(con)
    yield con
    con.close()


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_text_matches_postgres(postgres, duck, expression):
    expected = postgres.execute(f"select ({expression})::text").fetchone()[0]
    columns, types, rows = fetch(duck, translate(f"select {expression} as v"))
    assert render(columns, rows, "csv", types).splitlines()[1] == expected


# Numerics whose decimals Postgres decides from the values (select_div_scale for a division and avg), each query's
# one column ``v`` printed by `iamsql query`.
NUMERIC_QUERIES = [
    "select avg(i) as v from generate_series(1, 4) i",
    "select avg(i) as v from generate_series(1, 3) i",
    "select avg(i) as v from generate_series(1, 2) i",
    "select avg(i) filter (where i > 2) as v from generate_series(1, 4) i",
    "select avg(i) as v from generate_series(1, 4) i where i > 9",
    "select i, avg(i) over (order by i) as v from generate_series(1, 4) i order by v desc",
    "select sum(i)::numeric / count(*) as v from generate_series(1, 3) i",
    "select 100.0 * count(*) filter (where i % 3 = 0) / count(*) as v from generate_series(1, 10) i",
    "select avg(i) / 60 as v from generate_series(100, 211) i",
    "select count(*)::numeric / 7 * 100 as v from generate_series(1, 3) i",
    "select avg(i) + 1 as v from generate_series(1, 6) i",
    "select -(1.0 / 3) as v",
    "select abs(-7.0 / 3) as v",
    "select 1e3 / 7 as v",
    "select 2 / 3.00 as v",
    "select 123456789 / 7.0 as v",
    "select 0.001 / 3 as v",
    "select 9999 / 1.0 as v",
    "select '3.50'::numeric * 2 as v",
    "select stddev(i) as v from generate_series(1, 5) i",
    "select avg(i)::text || '%' as v from generate_series(1, 6) i",
    "select greatest(i, 1.5) as v from generate_series(1, 3) i",
    "select least(i, null, 2.50) as v from generate_series(1, 3) i",
    "select greatest(i / 3.0, 1) as v from generate_series(2, 4) i",
    "select 1.5 as v union all select i from generate_series(1, 2) i",
    "select null as v union all select 2.50 union all select i / 4.0 from generate_series(1, 2) i order by 1",
    "with t as (select i::numeric / 3 as v from generate_series(1, 3) i) select v from t",
    "select s.v from (select i % 2 as k, avg(i) as v from generate_series(1, 5) i group by 1) s order by s.v desc",
    "select t.v from (values (1.5, 'a'), (-2, 'b'), (null, 'c'), (1e3, 'd'), (0.50, 'e')) t(v, n) order by t.n",
    "with t as (select 10.0 / 3 as a) select a * 2 as v from t",
    "select 2458909 + (i - 1)::numeric / 86400000000 as v from generate_series(1, 2) i",
    "select * from (select i::numeric / 3 as v from generate_series(1, 3) i) s order by 1",
    "with q as (select i::numeric / 3 as r from generate_series(1, 4) i) select max(r) + 0 as m, min(r) as v from q",
    "with q as (select i % 2 * 1.0 / 3 as r from generate_series(1, 4) i) select r as v from q group by r order by 1",
    "with q as (select i % 2 / 3.0 as r from generate_series(1, 4) i) select distinct r as v from q order by 1",
    "select 1.50 as v union select i from generate_series(1, 3) i union select 3.125 order by 1",
    "select 1.5 as v union select 1.50 union select i / 4.0 from generate_series(5, 6) i order by 1",
    "select 1.50 as v intersect select 1.5",
    "select i * 1.0 as v from generate_series(1, 3) i except select 2 order by 1 desc",
    "with c as (select i from generate_series(1, 2) i) select i * 0.5 as v from c union select 7 order by v limit 2",

    "select s.a + 1 as v from (select i::numeric / 7 as a from generate_series(1, 3) i) s order by v",
    "select x + 1 as v from (values (1.5), (2), (null)) v(x)",
    "select n, x * x as v from (values (1, 0.5), (2, 2), (3, -1.25)) v(n, x) order by n",
    "with s as (select avg(i) as a from generate_series(1, 2) i) select a / 3 as v from s",
    "with t as (select i::numeric / 3 as a from generate_series(1, 3) i) select sum(a) as v from t",
    "with t as (select i::numeric / 3 as a from generate_series(1, 3) i) select avg(a) as v from t",
    "select sum(a) filter (where a > 0.5) as v from (select i / 3.0 as a from generate_series(1, 5) i) s",
    "select i % 2 as k, sum(i / 3.0) as v from generate_series(1, 5) i group by rollup (i % 2) order by 1",
    "select i % 2 as k, avg(i) as v from generate_series(1, 5) i group by cube (i % 2) order by 1",
    "select i % 2 as k, max(i / 7.0) as v from generate_series(1, 5) i group by grouping sets ((i % 2), ()) order by 1",
    "select min(a) as v from (select i / 3.0 as a from generate_series(1, 5) i) s group by rollup (a) order by 1",
    "select count(*), sum(a) as v from (select distinct i % 3 / 4.0 as a, i % 3 as b from generate_series(1, 9) i) s",
    "with t as (select distinct i % 2 / 3.0 as r from generate_series(1, 4) i) select count(*), avg(r) as v from t",
    "select k, sum(a) over (partition by k order by a) as v from (select i % 2 as k, i / 3.0 as a "
    "from generate_series(1, 5) i) s order by k, v",
    "select n, sum(x) over (order by n) as v from (values (1, 1), (2, 2.250), (3, 0.5)) t(n, x) order by n",
    "select n, avg(x) over (order by n) as v from (values (1, 1), (2, 2.250), (3, 0.5)) t(n, x) order by n",
    "with t as (select i / 4.0 as a from generate_series(1, 3) i union all select 2 union all select null) "
    "select sum(a) as v from t",
    "select max(a) as v from (select i / 7.0 as a, 'x' as b from generate_series(1, 3) i union all select 1.25, 'y') s",
    "with per as (select i % 3 as k, count(*) as n from generate_series(1, 5) i group by 1) select avg(n) as v from per",
    "select k, avg(n) over (order by k) as v from (select i % 3 as k, count(*) as n from generate_series(1, 5) i "
    "group by 1) s order by k",
    "select i, x + 1 as v from generate_series(1, 3) i, lateral (values (i / 4.0), (i)) t(x) order by i, v",
    "select sum(x) as v from generate_series(1, 3) i, lateral (values (i / 7.0)) t(x)",
    "select b, a * 2 as v from (select i / 7.0 as a, 'x' as b from generate_series(1, 2) i union all "
    "select 1.25, 'y') s order by 1, 2",
    "select avg(x) as v from (select 1.5 as x union select 2.25 union select 3) s",
    "select min(x) as v from (select 1.50 as x union select 2) s",
    "select max(x) as v from (select 1.50 as x intersect select 1.5) s",
    "with u as (select i / 4.0 as r from generate_series(1, 3) i union select 0.5) select sum(r) as v from u",
    "select sum(x) as v from (select i * 1.0 as x from generate_series(1, 3) i except select 2) s",
    "select avg(x) as v from (select 1.5 as x union all select 2.5) s",
    "select k, sum(x) as v from (select 'a' as k, 1.5 as x union select 'a', 1.50 union select 'b', 2) q "
    "group by k order by k",
    "select s.x as v from (select 1.5 as x, 'a' as y union select 2, 'b' order by 1 desc limit 1) s",
    "select x * 2 as v from (select 1.5 as x union select 2) s order by 1",
    "select sum(x) as v from (select 1 as x union select 2.5 union select null) s",
    "select max(y) as v from (select 1.5 as x, 2 as y union select 2, 3.25) s",
    "with t as (select 1 as x union select 2.5) select x / 2 as v from t order by 1",
    "select x as v from (select 1 as x union select 2.5) s order by 1",
    "select avg(x) over (order by x) as v from (select 1.5 as x union select 2 union select 3) s order by 1",
    "with u as (select i / 4.0 as h from generate_series(1, 4) i union select 1) select h * 60 as v from u order by h",
    "select unnest(array[1.5, 2.25]) * 2 as v",
    "select unnest(array[1, 2.5, null]) as v",
    "select x as v from unnest(array[1.5, 2.25, 3]) x order by x",
    "select avg(x) as v from unnest(array[1.5, 2.25, 3]) as t(x)",
    "select avg(distinct i % 3) as v from generate_series(1, 5) i",
    "select avg(distinct i % 4 * 1.5) filter (where i > 1) as v from generate_series(1, 9) i",
    # the numeric versions of the math functions, each with the decimals numeric.c gives it
    "select sqrt(i * 0.731) as v from generate_series(1, 60) i",
    "select sqrt(i * 1234567.891) as v from generate_series(1, 30) i",
    "select ln(i * 0.0173) as v from generate_series(1, 60) i",
    "select log(i * 3.3) as v from generate_series(1, 30) i",
    "select log10(i * 0.25) as v from generate_series(1, 30) i",
    "select log(i * 0.5 + 0.01, 7.25) as v from generate_series(1, 30) i",
    "select exp(i / 37.0) as v from generate_series(1, 60) i",
    "select exp(-i * 1.7) as v from generate_series(1, 30) i",
    "select power(i * 0.37, i / 13.0) as v from generate_series(1, 60) i",
    "select power(1.0 + i / 1000.0, i) as v from generate_series(1, 60) i",
    "select (i * 0.99) ^ -3 as v from generate_series(1, 30) i",
    "select power(99999999.5, 0.5) as v",
    "select power(1.5, 0.00000012 / 1e28) as v",
    "with t as (select sqrt(i * 1.0) as s from generate_series(1, 5) i) select s * 2 as v from t",
    "select max(ln(i + 0.5)) as v from generate_series(1, 5) i",
    "select sum(sqrt(i + 0.0)) as v from generate_series(1, 5) i",
]


@pytest.mark.parametrize("sql", NUMERIC_QUERIES)
def test_numeric_text_matches_postgres(postgres, duck, sql):
    from psycopg.types.string import TextLoader

    cursor = postgres.cursor()
    cursor.adapters.register_loader("numeric", TextLoader)
    expected = [row[-1] for row in cursor.execute(sql).fetchall()]
    columns, types, rows = fetch(duck, translate(sql, numeric_text=True))
    shown = [None if v is None else str(v) if isinstance(v, str) else render([columns[-1]], [(v,)], "csv",
                                                                                 types[-1:]).splitlines()[1]
             for *_, v in rows]
    assert shown == expected
    document = json.loads(query_json(columns, rows, types))
    assert [row["v"] for row in document["rows"]] == expected
    if not sql.startswith("select avg(i)::text"):
        assert document["columns"][-1]["data_type"] == "numeric"
    table = render(columns, rows, "table", types)
    assert all(text in table.split() for text in expected if text is not None)


# Date and time functions whose column type `--output json` reports as Postgres's (date_part is a double
# precision, extract a numeric, date - date an integer).
TYPED_QUERIES = [
    "select date_part('day', interval '3 days 4 hours') as v",
    "select date_part('year', timestamptz '2024-05-06 07:08:09+00') as v",
    "select date_part('dow', date '2024-05-06') as v",
    "select date_part('epoch', timestamptz '2024-05-06 07:08:09+00') as v",
    "select date_part('hour', timestamptz '2024-05-06 07:08:09+00') + 1 as v",
    "select extract(day from interval '3 days 4 hours') as v",
    "select date '2024-03-01' - date '2024-01-01' as v",
    "select (date '2024-03-01' - date '2024-01-01') / 7 as v",
    "select age(timestamptz '2026-03-01 00:00:00+00', timestamptz '2024-01-15 10:30:45+00') as v",
    "select date_trunc('day', timestamptz '2024-05-06 07:08:09+00') as v",
    "select to_timestamp(1700000000) as v",
    "select extract(julian from timestamptz '2024-05-06 07:08:09+00') as v",
    "select extract(julian from timestamp '1960-05-06 18:00:00') as v",
    "select extract(julian from date '2024-05-06') as v",
    "select length('abc') as v",
    "select strpos('abc', 'c') as v",
    "select jsonb_array_length('[1, 2]') as v",
    "select ntile(2) over () as v",
    "select i as v from generate_series(1, 2) i",
    "select row_number() over () as v",
    "select grouping(i) as v from generate_series(1, 2) i group by rollup (i) order by 1 limit 1",
    "select sum(i) as v from generate_series(1, 3) i",
    "select generate_series(1, 2) as v limit 1",
    "select length('ab') as v union select 5 order by 1",
    "select null as v union select strpos('abc', 'c') except select null",
    "select jsonb_array_length('[1]') as v union select length('abc')::bigint order by 1",
    "select round(i) as v from generate_series(7, 7) i",
    "select sign(count(*)) as v from generate_series(1, 3) i",
    "select trunc(i) / 2 as v from generate_series(7, 7) i",
    "select length('abcdefg') / 2 as v",
    "select x / 4 as v from (select length(name) as x from (values ('abcdefgh')) t(name)) s",
    "select x as v from (select strpos('abc', 'c') as x union select 10) s order by 1 limit 1",
    "select array_upper(array[1, 2, 3], 1) as v",
    "select div(-7, 2) as v",
    "select bit_length('abc') as v",
    "select '-3'::smallint as v",
    "select pg_typeof(1.5) as v",
    "select pg_typeof(now() - interval '1 day') as v",
    "select pg_typeof(array['a', 'b']) as v",
    "select '10.0.0.1'::inet as v",
    "select '10.0.0.0/8'::cidr as v",
    "select network('10.1.2.3/8'::inet) as v",
    "select set_masklen('10.1.2.3'::inet, 16) as v",
    "select 'abc'::varchar as v",
    "select 'abcdef'::varchar(3) as v",
    "select regexp_count('banana', 'a') as v",
    "select gcd(12, 8) as v",
    "select lcm(4, 6) as v",
    "select gcd(12::bigint, 8) as v",
    "select sum(1) over () / 4 as v from generate_series(1, 9) i",
    "select -sum(i) * 2 as v from generate_series(1, 3) i",
    "select '{\"a\": 1}'::jsonb -> 0 as v",
    "select '[1]'::jsonb ->> 'a' as v",
    "select max(length(name)) over () as v from (values ('abc')) t(name)",
    "select lag(length(name), 0) over (order by name) as v from (values ('abc')) t(name)",
    "select abs(length('abc') - 10) as v",
    "select greatest(length('abc'), 3) as v",
    "select nullif(length('abc'), 5) as v",
    "select coalesce(length('abc'), 0) as v",
    "select min(strpos('abc', 'b')) as v",
]


@pytest.mark.parametrize("sql", TYPED_QUERIES)
def test_json_data_type_matches_postgres(postgres, duck, sql):
    cursor = postgres.execute(sql)
    expected_type = postgres.execute("select typname from pg_type where oid = %s",
                                     [cursor.description[0].type_code]).fetchone()[0]
    # inet's output text (``10.0.0.1``) is not its ::text (``10.0.0.1/32``); format('%s') writes the output text
    shown = "format('%s', v)" if expected_type in ("inet", "cidr") else "v::text"
    expected_text = postgres.execute(f"select {shown} from ({sql}) s").fetchone()[0]
    columns, types, rows = fetch(duck, translate(sql, numeric_text=True))
    document = json.loads(query_json(columns, rows, types))
    assert document["columns"][0]["data_type"] == expected_type
    if expected_text is None:
        assert document["rows"] == [{"v": None}]
    elif expected_type != "timestamptz":  # printed in Steampipe's own layout
        assert render(columns, rows, "csv", types).splitlines()[1] == expected_text
