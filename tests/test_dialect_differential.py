"""Differential tests of the SQL dialect: every query in tests/sql/corpus.sql gives PostgreSQL's exact answer
(column names, rows, each column's type and a numeric's decimals as printed) when translated and run on DuckDB over
the same rows."""

import json

import pytest

from iamsql.errors import QueryError
from iamsql.sql import output
from iamsql.sql.dialect import to_duckdb
from iamsql.sql.pgfunctions import AS_OF_VARIABLE
from iamsql.sql.query import fetch
from tests.sql import oracle

QUERIES = oracle.corpus()


@pytest.fixture(scope="module")
def both_databases(postgres, tmp_path_factory):
    """(PostgreSQL connection, DuckDB connection) holding the same rows."""
    tables = oracle.steampipe_rows(json.loads(oracle.DATASET.read_text(encoding="utf-8")))
    duck, snapshot_ids = oracle.load_duckdb(tmp_path_factory.mktemp("dialect") / "oracle.duckdb", tables)
    oracle.interval_as_text(postgres)
    oracle.network_as_text(postgres)
    oracle.load_postgres(postgres, tables, snapshot_ids)
    yield postgres, duck
    duck.close()


def test_corpus_is_large_and_uses_normalised_policies():
    assert len(QUERIES) >= 60
    assert len({name for name, _ in QUERIES}) == len(QUERIES)
    rows = oracle.steampipe_rows(json.loads(oracle.DATASET.read_text(encoding="utf-8")))
    # A single-statement document written as an object comes out as a one-element, lower-cased array.
    backup = next(r for r in rows["aws_iam_policy"] if r["name"] == "backup-kms")
    assert isinstance(backup["policy_std"]["Statement"], list)
    assert "kms:decrypt" in backup["policy_std"]["Statement"][0]["Action"]


@pytest.mark.parametrize("name,sql", QUERIES, ids=[name for name, _ in QUERIES])
def test_query_matches_postgres(both_databases, name, sql):
    pg, duck = both_databases
    expected, now = oracle.run_postgres(pg, sql)
    assert expected.error is None, f"the corpus query itself fails on PostgreSQL: {expected.error}"
    duck_sql = oracle.translated(sql)
    actual = oracle.run_duckdb(duck, duck_sql, now)
    assert actual.error is None, f"{actual.error}\n{duck_sql}"
    assert actual.columns == expected.columns, duck_sql
    if oracle.is_ordered(sql):
        assert actual.rows == expected.rows, duck_sql
    else:
        assert sorted(map(repr, actual.rows)) == sorted(map(repr, expected.rows)), duck_sql
    printed = oracle.printed_types(duck, sql, now)
    assert printed.types == expected.types, "the printed types (-o json data_type) differ"
    assert printed.scales == expected.scales, "a numeric column is printed with other decimals"


# Queries PostgreSQL answers with an error: iamsql must fail on them too (at translation or when run), never
# return an answer.
REFUSED_BY_POSTGRES = [
    "select '12.5'::int",
    "select name from aws_iam_role fetch first 1 rows with ties",
    "select ' 1e3'::bigint",
    "select (tags ->> 'team')::int from aws_iam_user where tags ? 'team'",
    "select count(*)::float / 0 from aws_iam_user",
    "select 1.0 / (count(*) - count(*)) from aws_iam_role",
    "select * from jsonb_each('[1, 2]'::jsonb)",
    "select k from aws_iam_user, jsonb_object_keys(groups) k",
    "select split_part(name, '-', 0) from aws_iam_user",
    "select regexp_count(name, 'a', length(name) - 20) from aws_iam_user",
    "select regexp_substr(name, 'a', 1, attachment_count - 100) from aws_iam_user, aws_iam_policy",
    "select regexp_instr(name, 'a', 1, 1, length(name)) from aws_iam_user",
    "select substr(name, 1, strpos(name, '~') - 1) from aws_iam_user",
    "select interval 'p1d'",
    "select 'PT1D'::interval",
    "select generate_series(0.5, 2, 0)",
    "select json_object_agg(case when mfa_enabled then name end, 1 order by name) from aws_iam_user",
    "select jsonb_object_agg(case when mfa_enabled then name end, 1 order by name) from aws_iam_user",
    "select ('\"2\"'::jsonb)::int",
    "select (tags -> 'team')::numeric from aws_iam_user",
    "select ('\"true\"'::jsonb)::boolean",
    "select (policy_std -> 'Statement')::float from aws_iam_policy",
    "select min(mfa_enabled) from aws_iam_user",
    "select max(is_aws_managed) from aws_iam_policy",
    "select jsonb_object(array['a', '1', 'b'])",
    "select jsonb_object(array['a', 'b'], array['1'])",
    "select jsonb_object(array[null, 'b'])",
    "select percentile_cont(0.5) within group (order by attachment_count) over () from aws_iam_policy",
    "select mode() within group (order by event_name) over (partition by username) from aws_cloudtrail_trail_event",
    "select make_interval(days => max_session_duration / 86400) from aws_iam_role",
    "select make_interval(hours => attachment_count) from aws_iam_policy",
    "select jsonb_set('\"x\"', '{a}', '1')",
    "select jsonb_insert(tags, '{team}', '\"x\"') from aws_iam_user where tags ? 'team'",
    "select jsonb_set('[1]', '{x}', '2')",
    "select jsonb_set('{\"a\": 1}', array[null], '2')",
    "select '1'::jsonb #- '{a}'",
    "select jsonb_path_match('{\"a\": [true, false]}', '$.a[*]')",
    "select source_ip_address::inet from aws_cloudtrail_trail_event",
    "select 'abc'::inet",
    "select ' 10.0.0.1'::inet",
    "select '10.0.0.1/33'::inet",
    "select '10.1/24'::inet",
    "select 'fe80::1%eth0'::inet",
    "select '1::2::3'::inet",
    "select '10.1.2.3/8'::cidr",
    "select '2001:db8::1/64'::cidr",
    "select host(source_ip_address) from aws_cloudtrail_trail_event",
    "select source_ip_address::inet = source_ip_address from aws_cloudtrail_trail_event where source_ip_address ~ '^1'",
    "select set_masklen('10.1.2.3'::inet, 33)",
    "select string_agg(source_ip_address::inet, ',') from aws_cloudtrail_trail_event",
    "select format('%I', description) from aws_iam_role",
    "select round(date_part('day', now() - create_date) / 7, 1) from aws_iam_user",
    "select trunc(avg(max_session_duration::float), 2) from aws_iam_role",
    "select name, count(distinct account_id) over () from aws_iam_user",
    "select name, row_number() over (partition by account_id order by create_date) as rn from aws_iam_user qualify rn = 1",
    "select name from aws_iam_policy where attachment_count",
    "select count(*) from aws_iam_user having count(*)",
    "select not attachment_count from aws_iam_policy",
    "select name from aws_iam_role where max_session_duration or true",
    "select name from aws_iam_user where mfa_enabled = 1",
    "select sum(mfa_enabled) from aws_iam_user",
    "select avg(is_attached) from aws_iam_policy",
    "select attachment_count || 1 from aws_iam_policy",
    "select string_agg(attachment_count, ',') from aws_iam_policy",
    "select jsonb_array_length(tags) from aws_iam_user",
    "select jsonb_array_length(policy_std -> 'Statement' -> 0 -> 'Effect') from aws_iam_policy",
    "select name from aws_iam_user where name ~ '^[a-z'",
    "select regexp_replace(name, '(a', 'x') from aws_iam_user",
    "select 2147483647::int + 1",
    "select interval '10:60' hour to minute",
    "select interval '1-12' year to month",
    "select ln(attachment_count) from aws_iam_policy",
    "select log(2, attachment_count) from aws_iam_policy",
    "select log(0)",
    "select log(1, 10)",
    "select sqrt(attachment_count - 1) from aws_iam_policy",
    "select power(0, -1)",
    "select (-8) ^ (1.0 / 3)",
    "select distinct on (account_id) account_id, name from aws_iam_user order by name",
    "select distinct on (account_id) account_id, name from aws_iam_user order by name, account_id",
    "select distinct on (1, name) account_id as a, name from aws_iam_user order by a, create_date, name",
    "select distinct on (lower(name)) name from aws_iam_user order by name",
    "select name from aws_iam_user union select attachment_count from aws_iam_policy",
    "select u.tags from aws_iam_user u union all select name from aws_iam_role",
    "select name, mfa_enabled from aws_iam_user except select name, 1 from aws_iam_role",
    "select create_date from aws_iam_user intersect select '2024-01-01'::text",
    "select null union select null union select max_session_duration from aws_iam_role",
    "select 1 union select 2.5 union select arn from aws_iam_role",
    "select chr(0)",
    "select chr(attachment_count - attachment_count) from aws_iam_policy",
    "select 'a' union select 1",
    "select name, '2024-01-0x' union select name, create_date from aws_iam_user",
    "select 'yes please' union all select mfa_enabled from aws_iam_user",
    "select json_build_object(case when mfa_enabled then name end, 1)::text from aws_iam_user",
    "select s.n from (select attachment_count as n from aws_iam_policy) s union select 'x'",
    "with c(a) as (select '5') select a from c union select 7",
    "with recursive r(i) as (select 1 union all select i + 1 from r where i < 3) select i from r "
    "union select u.n from (select create_date as n from aws_iam_user) u",
    "select 'x' union select count(*) from aws_iam_user",
    "select 'maybe' union all select name = 'alice' from aws_iam_user",
    "select name, case when mfa_enabled then 'none' else length(name) end from aws_iam_user",
    "select '5x' union select length(name) from aws_iam_user",
    "select jsonb_path_exists('[\"a\"]', '$[*] ? (@ like_regex \"a\" flag \"z\")')",
    "select ('x' || name)::timestamptz from aws_iam_user",
    "select (response_elements ->> 'ConsoleLogin')::timestamp from aws_cloudtrail_trail_event",
    "select \"user\" from aws_iam_credential_report",
    "select user_name from aws_iam_credential_report where \"user\" = '<root_account>'",
    "select \"current_date\" from aws_iam_user",
    "select name::text[] from aws_iam_group",
    "select ('{' || name || ',{x}}')::text[] from aws_iam_group",
    "select 1 in ()",
    "select string_agg(name, ',') within group (order by name) from aws_iam_user",
    "select array_agg(name) within group (order by name) from aws_iam_user",
    "select max_session_duration::real % 7 from aws_iam_role",
    "select max_session_duration::float % 7 from aws_iam_role",
    "select * from jsonb_to_recordset('[1]') as t(a int)",
    "select * from jsonb_to_recordset('{\"a\": 1}') as t(a int)",
    "select t.a from aws_iam_user, jsonb_to_recordset(tags) as t(a text)",
    "select name from aws_iam_user where name not in ( )",
    "select name from aws_iam_user where name in",
    "select name from aws_iam_user where name not in name",
    "select 1 in unnest(array[1])",
    "select name, from aws_iam_user",
    "select name from aws_iam_user group by name,",
    "select name from aws_iam_user order by name, create_date,",
    "select coalesce(name, ) from aws_iam_user",
    "select name from aws_iam_user where name in ('a', )",
    "select string_agg(name, ',') within group (order by attachment_count) from aws_iam_policy",
    "select make_date(0, 1, 1)",
    "select name, make_date(attachment_count::int - attachment_count::int, 1, 1) from aws_iam_policy",
    "select bool_and(attachment_count) from aws_iam_policy",
    "select bool_or(name) from aws_iam_user",
    "select every(attachment_count::int) from aws_iam_policy",
    "select lag(name, 1, 0) over (order by name) from aws_iam_user",
    "select lead(attachment_count, 2, 'x'::text) over (order by name) from aws_iam_policy",
    "select lead(name, 1, 1.5) over (order by name) from aws_iam_user",
    "select jsonb_path_exists('{\"a\": 1}', '$.a ? (@ == $v)', '{}')",
    "select jsonb_path_query('{\"a\": 1}', '$v', '{\"w\": 1}')",
    "select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == $e)', '[1]') from aws_iam_policy",
    "select make_date(-44, 2, 29)",
    "select make_date(-4714, 11, 23)",
    "select make_date(5874898, 1, 1)",
    "select make_date(2023, 13, 1)",
    "select name, make_date(2023, 2, attachment_count::int + 28) from aws_iam_policy",
    "select jsonb_path_match('{\"a\": 1}', '$.a', '{}', false)",
    "select name, jsonb_path_match(policy_std, '$.Version', silent => is_aws_managed) from aws_iam_policy",
    "select '10.1.2.3'::inet <<= any(array['10.0.0.0/8', '11.0.0.0/8'])",
    "select jsonb_path_exists('{\"a\": 1}', '$.a ? (@ == $x)', '{}', true)",
    "select jsonb_path_query_array('{\"a\": 1}', '$.a', '[1]', true)",
    "select jsonb_path_exists('{}', '$', verbose => true)",
    "select name, count(*) over (order by attachment_count groups between null preceding and current row) "
    "from aws_iam_policy",
    "select name, count(*) over (order by name rows between current row and null following) from aws_iam_user",
    "select nth_value(name, 0) over () from aws_iam_user",
    "select nth_value(name, attachment_count::int) over (order by name) from aws_iam_policy",
    "select name, count(*) over (order by name range between 1 preceding and current row) from aws_iam_user",
    "select name, count(*) over (order by attachment_count groups between -1 preceding and current row) "
    "from aws_iam_policy",
    "select * from jsonb_to_record('[1]') as x(a int)",
    "select * from jsonb_to_record('null') as x(a int)",
    "select u.name, lp.* from aws_iam_user u, jsonb_to_record(u.tags -> 'team') as lp(a text) where u.tags ? 'team'",
    "select * from jsonb_to_record('{\"a\": 1.5}') as x(a int)",
    "select name from aws_iam_user offset",
    "select name from aws_iam_user limit",
    "select 1 as",
    "select name n from aws_iam_user as",
    "select * from (select 1) as",
    "select 1 offset",
    "select name from aws_iam_user order by name fetch",
    "select name from aws_iam_user order by name fetch first 2",
    "select name from aws_iam_user as offset",
    "select u.name from aws_iam_user u order",
    "select create_date day from aws_iam_user",
    "select name from aws_iam_user user",
    "select '44-03-15 BC'::date",
    "select * from jsonb_each_text('[1]')",
    "select key from jsonb_each('\"s\"')",
    "select interval '1 day' / 0",
    "select 'Infinity'::float / 0",
    "select 'Infinity'::numeric / 0",
    "select name as n from aws_iam_user order by length(n)",
    "select to_jsonb(u) as doc from aws_iam_user u order by doc ->> 'name'",
    "with c as (select name from aws_iam_group) select name as x from c order by x || 'a'",
    "select name as doc, path from (select name, path from aws_iam_user) t order by lower(doc), path",
    "select name from (select u.name, g.name from aws_iam_user u, aws_iam_group g) t",
    "select count(*) from (select u.name, r.name from aws_iam_user u, aws_iam_role r) t where t.name like 'a%'",
    "with pairs as (select u.name, g.name from aws_iam_user u join aws_iam_group g using (account_id)) "
    "select count(*) from pairs group by name",
    "select u.name as n, r.arn as n from aws_iam_user u, aws_iam_role r order by n",
    "select s ->> 'Effect' as effect from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s "
    "order by lower(effect)",
    "select k as key_name from aws_iam_role, jsonb_object_keys(assume_role_policy_std) k order by upper(key_name)",
    "select g as n, g * 2 as doubled from generate_series(0, 3) g order by -doubled",
    "select u.name from aws_iam_user u, (select g.name, r.name from aws_iam_group g, aws_iam_role r) x "
    "where exists (select 1 from aws_iam_access_key k where k.user_name = x.name)",
    "select u.name from aws_iam_user u, lateral (select g.name, r.name from aws_iam_group g, aws_iam_role r "
    "where g.account_id = u.account_id) x where exists (select 1 from aws_iam_access_key k where k.user_name = x.name)",
    "select 'x' || array[name] from aws_iam_user",
    "select regexp_count(name, 'a', 1, 'g') from aws_iam_user",
    "select regexp_instr(name, 'a', 1, 1, 0, 'z') from aws_iam_user",
    "select attachment_count is json from aws_iam_policy",
    "select create_date is not json object from aws_iam_user",
]


@pytest.mark.parametrize("sql", REFUSED_BY_POSTGRES)
def test_what_postgres_refuses_fails(both_databases, sql):
    pg, duck = both_databases
    expected, now = oracle.run_postgres(pg, sql)
    assert expected.error, f"PostgreSQL answers it: {expected.rows}"
    try:
        actual = oracle.run_duckdb(duck, oracle.translated(sql), now)
    except QueryError:
        return
    assert actual.error, f"iamsql answers what PostgreSQL refuses ({expected.error}): {actual.rows}"


@pytest.mark.parametrize("sql", [
    "select name from aws_iam_user union select attachment_count from aws_iam_policy",
    "select arn, is_attached from aws_iam_policy intersect select arn, 0 from aws_iam_role",
    "select distinct on (account_id) account_id, name from aws_iam_user order by name",
    "select chr(0)",
    "select 'a' union select 1",
    "select name::text[] from aws_iam_group",
    "select string_agg(name, ',') within group (order by name desc, arn) from aws_iam_user",
    "select string_agg(name, ';') within group (order by attachment_count) from aws_iam_policy",
    "select make_date(0, 12, 31)",
    "select make_date(-44, 2, 29)",
    "select make_date(-4714, 11, 23)",
    "select make_date(2023, 2, 29)",
    "select bool_and(attachment_count) from aws_iam_policy",
    "select lag(name, 1, 0) over (order by name) from aws_iam_user",
    "select jsonb_path_exists('{\"a\": 1}', '$.a ? (@ == $v)', '{}')",
    "select jsonb_path_query_array('{\"a\": 1}', '$.a', '[1]')",
    "select jsonb_path_match('{\"a\": 1}', '$.a', silent => false)",
    "select 2147483647::int + 1",
    "select max_session_duration * 1000000000000000 from aws_iam_role",
    "select ('x' || name)::timestamptz from aws_iam_user",
    "select (response_elements ->> 'ConsoleLogin')::timestamp from aws_cloudtrail_trail_event",
    "select chr(attachment_count - attachment_count) from aws_iam_policy",
    "select name, '2024-01-0x' union select name, create_date from aws_iam_user",
    "select u.nosuch from aws_iam_user u",
    "select nosuch.name from aws_iam_user u",
    "select '3000000000'::int",
    "select ('x' || name)::numeric(10, 2) from aws_iam_user",
    "select ('1' || name)::smallint from aws_iam_user",
    "select 3000000000::bigint::int",
    "select (name || '-01-01')::date from aws_iam_user",
    "select (tags ->> 'team')::double precision from aws_iam_user where tags ? 'team'",
    "select ('{' || name)::jsonb from aws_iam_user",
    "select * from jsonb_to_recordset('{\"a\": 1}') as t(a int)",
    "select t.a from aws_iam_user, jsonb_to_recordset(tags) as t(a text)",
    "select * from jsonb_to_recordset('1') as t(a int)",
    "select '10.1.2.3'::inet <<= any(array['10.0.0.0/8', '11.0.0.0/8'])",
    "select jsonb_path_query_array('{\"a\": 1}', '$.a', '[1]', true)",
    "select name, count(*) over (order by name rows between current row and null following) from aws_iam_user",
    "select nth_value(name, attachment_count::int) over (order by name) from aws_iam_policy",
    "select nth_value(name, 0) over () from aws_iam_user",
    "select * from jsonb_to_record('[1]') as x(a int)",
    "select * from jsonb_to_record('\"s\"') as x(a int)",
    "select name as n from aws_iam_user order by length(n)",
    "select to_jsonb(u) as doc from aws_iam_user u order by doc ->> 'name'",
    "select name from aws_iam_group order by name limit (select -1)",
    "select name from aws_iam_group order by name offset (select count(*) - 100 from aws_iam_user)",
    "select name from aws_iam_group order by name fetch first -1 rows only",
    "select name from aws_iam_group order by name offset 1 rows fetch next (select -2) rows only",
    "select format('%1$*2$s', 'x')",
    "select 'ab' similar to 'a%' escape 'xy'",
    "select parse_ident('a.b.')",
    "select parse_ident('')",
    "select parse_ident('\"a')",
    "select parse_ident('a..b')",
    "select parse_ident('1st.x')",
    "select parse_ident(name || ' x') from aws_iam_user",
    "select parse_ident('s.f(x)')",
])
def test_refused_in_postgres_words(both_databases, sql):
    """Where translation or the run refuses what PostgreSQL refuses, the message is PostgreSQL's."""
    pg, duck = both_databases
    expected, now = oracle.run_postgres(pg, sql)
    try:
        message = oracle.run_duckdb(duck, oracle.translated(sql), now).error
    except QueryError as exc:
        message = str(exc)
    assert expected.error and message and message.endswith(expected.error), (message, expected.error)


@pytest.mark.parametrize("sql", [
    "select make_date(-44, 3, 15)",
    "select make_date(-1, 12, 31)",
    "select make_date(-4714, 11, 24)",
    "select make_date(-45, 2, 29) + 1",
    "select '0044-03-15 BC'::date",
    "select date '0044-03-15 bc' + 1",
    "select '0001-12-31 BC'::date + 1",
    "select '0044-03-15 10:00:00 BC'::timestamp",
    "select make_date(-44, 3, 15)::text",
    "select '0044-03-15 BC'::date::text",
    "select '0044-03-15 10:30:00+00 BC'::timestamptz::text",
])
def test_bc_dates_print_as_postgres_writes_them(both_databases, sql):
    """A negative year is BC in Postgres (no year 0); the printed date is Postgres's text of it."""
    pg, duck = both_databases
    (expected,) = pg.execute(f"select ({sql})::text").fetchone()
    now = pg.execute("select now()").fetchone()[0]
    duck.execute(f"set variable {AS_OF_VARIABLE} = ?::timestamptz", [now])
    _, types, rows = fetch(duck, to_duckdb(sql, as_of_variable=True, numeric_text=True))
    assert output.render(["d"], rows, "csv", types, header=False).strip() == expected


def test_oracle_sees_differences(both_databases):
    """The comparison is not vacuous: plain sqlglot output differs from PostgreSQL on known gaps."""
    pg, duck = both_databases
    sql = "select name, to_char(create_date, 'DD-Mon-YYYY') from aws_iam_user order by name"
    expected, now = oracle.run_postgres(pg, sql)
    plain = oracle.run_duckdb(duck, oracle.plain_sqlglot(sql), now)
    assert not oracle.same(expected, plain, ordered=True)
