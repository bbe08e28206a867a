"""Every value type DuckDB can return, rendered as Steampipe renders it in each output format (docs/sql.md,
"Output formats"): PostgreSQL's text for intervals, timestamps and numbers, true/false, nested jsonb, NULL."""

import csv
import io
import json
import math

import duckdb
import pytest

from iamsql.common.escaping import md_escape
from iamsql.sql.output import (
    FORMATS,
    STEAMPIPE_NULL,
    interval_from_duckdb,
    interval_from_timedelta,
    pg_float,
    pg_interval,
    render,
)
from iamsql.sql.query import fetch

# (DuckDB expression, text in csv/table/line/md, value in json/jsonl)
TYPES = [
    ("null::varchar", None, None),
    ("true", "true", True),
    ("false", "false", False),
    ("42::tinyint", "42", 42),
    ("-42::smallint", "-42", -42),
    ("2147483647::integer", "2147483647", 2147483647),
    ("9223372036854775807::bigint", "9223372036854775807", 9223372036854775807),
    ("170141183460469231731687303715884105727::hugeint", "170141183460469231731687303715884105727",
     170141183460469231731687303715884105727),
    ("255::utinyint", "255", 255),
    ("18446744073709551615::ubigint", "18446744073709551615", 18446744073709551615),
    ("340282366920938463463374607431768211455::uhugeint", "340282366920938463463374607431768211455",
     340282366920938463463374607431768211455),
    ("1.50::decimal(5,2)", "1.50", "1.50"),
    ("1.5", "1.5", "1.5"),
    ("123456789012345678.123::decimal(38,3)", "123456789012345678.123", "123456789012345678.123"),
    ("0.1::double", "0.1", 0.1),
    ("1e15::double", "1e+15", 1e15),
    ("123456789012345::double", "123456789012345", 123456789012345.0),
    ("1.5e-7::double", "1.5e-07", 1.5e-7),
    ("100::double", "100", 100.0),
    ("'nan'::double", "NaN", "NaN"),
    ("'inf'::double", "Infinity", "Infinity"),
    ("'-inf'::double", "-Infinity", "-Infinity"),
    ("0.1::float", "0.1", 0.1),
    ("1e6::float", "1e+06", 1e6),
    ("'héllo \"x\"'::varchar", "héllo \"x\"", "héllo \"x\""),
    ("'b'::enum_t", "b", "b"),
    ("'5b1d5cb6-0ad0-4a6b-ae77-6b6a1b1b1f61'::uuid", "5b1d5cb6-0ad0-4a6b-ae77-6b6a1b1b1f61",
     "5b1d5cb6-0ad0-4a6b-ae77-6b6a1b1b1f61"),
    ("'\\xDE\\xAD\\xBE\\xEF'::blob", "\\xdeadbeef", "\\xdeadbeef"),
    ("'101'::bit", "101", "101"),
    ("date '2024-02-29'", "2024-02-29", "2024-02-29"),
    ("'infinity'::date", "infinity", "infinity"),
    ("'0044-03-15 (BC)'::date", "0044-03-15 BC", "0044-03-15 BC"),
    ("'12000-01-01'::date", "12000-01-01", "12000-01-01"),
    ("time '15:30:45'", "15:30:45", "15:30:45"),
    ("time '15:30:45.25'", "15:30:45.25", "15:30:45.25"),
    ("'15:30:45+02'::timetz", "15:30:45+02", "15:30:45+02"),
    ("timestamp '2024-01-15 10:30:45.123'", "2024-01-15 10:30:45", "2024-01-15 10:30:45"),
    ("'2024-01-15 10:30:45.123456789'::timestamp_ns", "2024-01-15 10:30:45", "2024-01-15 10:30:45"),
    ("'2024-01-15 10:30:45'::timestamp_s", "2024-01-15 10:30:45", "2024-01-15 10:30:45"),
    ("'2024-01-15 10:30:45.5'::timestamp_ms", "2024-01-15 10:30:45", "2024-01-15 10:30:45"),
    ("timestamptz '2024-01-15 12:30:45.5+02'", "2024-01-15T10:30:45Z", "2024-01-15T10:30:45Z"),
    ("'infinity'::timestamptz", "infinity", "infinity"),
    ("'-infinity'::timestamp", "-infinity", "-infinity"),
    ("interval '1 year 2 months 3 days 04:05:06'", "1 year 2 mons 3 days 04:05:06", "1 year 2 mons 3 days 04:05:06"),
    ("interval '1 month'", "1 mon", "1 mon"),
    ("interval '-1 day 00:00:01.5'", "-1 days +00:00:01.5", "-1 days +00:00:01.5"),
    ("interval '100 hours'", "100:00:00", "100:00:00"),
    ("interval '0 seconds'", "00:00:00", "00:00:00"),
    ("'{\"b\": 1, \"a\": [1, {\"c\": null}]}'::json", '{"a":[1,{"c":null}],"b":1}', {"a": [1, {"c": None}], "b": 1}),
    ("'\"text\"'::json", '"text"', "text"),
    ("'null'::json", "null", None),
    ("[1, 2, null]", "[1,2,null]", [1, 2, None]),
    ("['a', 'b']::varchar[2]", '["a","b"]', ["a", "b"]),
    ("[interval '1 day']", '["1 day"]', ["1 day"]),
    ("{'k': 1, 'when': date '2024-01-01'}", '{"k":1,"when":"2024-01-01"}', {"k": 1, "when": "2024-01-01"}),
    ("map([1, 2], ['x', 'y'])", '{"1":"x","2":"y"}', {"1": "x", "2": "y"}),
    ("union_value(n := 7)::union(n integer, s varchar)", "7", 7),
]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute("create type enum_t as enum ('a', 'b')")
    yield connection
    connection.close()


def rendered(con, expression: str, fmt: str, null_text: str = STEAMPIPE_NULL) -> str:
    columns, types, rows = fetch(con, f"select {expression} as v")
    return render(columns, rows, fmt, types, null_text=null_text)



@pytest.mark.parametrize("expression, text, json_value", TYPES, ids=[t[0] for t in TYPES])
def test_each_type_in_each_format(con, expression, text, json_value):
    assert json.loads(rendered(con, expression, "json")) == [{"v": json_value}]
    assert json.loads(rendered(con, expression, "jsonl")) == {"v": json_value}
    assert list(csv.reader(io.StringIO(rendered(con, expression, "csv")))) == [["v"], [text or ""]]
    # md: the same text, Markdown-escaped (a JSON list's brackets could otherwise open a link)
    assert rendered(con, expression, "md").splitlines()[2] == f"| {md_escape(text or '')} |".replace("| |", "|  |")
    assert rendered(con, expression, "table").splitlines()[2].rstrip() == (text or STEAMPIPE_NULL)
    assert rendered(con, expression, "line").splitlines()[1] == f"v | {text or STEAMPIPE_NULL}"


def test_a_whole_double_is_written_as_go_writes_it_in_json(con):
    """Steampipe's JSON comes from Go's encoding/json: a whole double has no ".0" and no exponent below 1e21."""
    for fmt in ("json", "jsonl"):
        text = rendered(con, "3.0::double as a, 2.5::double as b, 1e20::double as c, 1e21::double as d, "
                             "3::float as e, null::double", fmt)
        assert '"a": 3,' in text and '"b": 2.5,' in text and '"c": 100000000000000000000,' in text
        assert '"d": 1e+21,' in text and '"e": 3,' in text


def test_negative_zero_small_doubles_and_json_numbers_as_go_writes_them(con):
    """-0 stays -0, 1e-05 is 0.00001 and 1e-07 is 1e-7 (Go's encoding/json); a whole double inside a JSON value
    has no ".0" in json output and in a cell (Steampipe decodes jsonb into Go values)."""
    for fmt in ("json", "jsonl"):
        text = rendered(con, "-0.0::double as z, 1e-5::double as s, 1e-7::double as t, "
                             "json_array(2.0::double, -0.0::double, 1.5)", fmt)
        assert '"z": -0,' in text and '"s": 0.00001,' in text and '"t": 1e-7,' in text
        assert "[2, -0, 1.5]" in " ".join(text.split()).replace("[ ", "[").replace(" ]", "]")
    assert rendered(con, "json_array(2.0::double, 1.5, -0.0::double)", "csv").splitlines()[1] == '"[2,1.5,-0]"'


def test_every_duckdb_type_has_a_rendering(con):
    """Every type DuckDB lists (nested ones through a list of it) renders in every format without an error."""
    names = [r[0] for r in con.execute(
        "select distinct type_name from duckdb_types() where database_name = 'system' and logical_type not in "
        "('INVALID', 'UNKNOWN', 'ANY', 'USER', 'LAMBDA', 'POINTER', 'TABLE', 'VALIDITY', 'AGGREGATE_STATE', "
        "'STRING_LITERAL', 'INTEGER_LITERAL', 'SQLNULL', 'TYPE', 'TEMPLATE')").fetchall()]
    rendered_types = 0
    for name in names:
        try:
            con.execute(f"select null::{name}").fetchall()
        except duckdb.Error:
            continue  # a type that needs parameters (DECIMAL(p,s), ENUM(...), STRUCT(...)) is covered above
        for expression in (f"null::{name}", f"[null::{name}]"):
            for fmt in FORMATS:
                rendered(con, expression, fmt)
        rendered_types += 1
    assert rendered_types >= 25


def test_null_per_format(con):
    assert json.loads(rendered(con, "null", "json")) == [{"v": None}]
    columns, types, rows = fetch(con, "select null as v, 1 as w")
    assert render(columns, rows, "csv", types) == "v,w\n,1\n"
    assert rendered(con, "null", "table").splitlines()[2].strip() == "<null>"
    assert rendered(con, "null", "line").splitlines()[1] == "v | <null>"
    assert rendered(con, "null", "table", null_text="").splitlines()[2].strip() == ""  # iamsql's own listings


def test_line_format_is_steampipes(con):
    columns, types, rows = fetch(con, "select * from (values (1, 'a\nbc'), (2, 'x')) t(id, long_name) order by id")
    assert render(columns, rows, "line", types, STEAMPIPE_NULL).splitlines() == [
        "-[ RECORD 1  ]" + "-" * 75,
        "id        | 1",
        "long_name | a  +",
        "          | bc",
        "-[ RECORD 2  ]" + "-" * 75,
        "id        | 2",
        "long_name | x",
    ]


def test_order_and_duplicate_names_survive_the_typed_projection(con):
    columns, types, rows = fetch(con, "select x as a, interval (x) day as a from range(3) t(x) order by x desc")
    assert columns == ["a", "a"] and [r[0] for r in rows] == [2, 1, 0]
    assert render(columns, rows, "csv", types).splitlines()[1:] == ["2,2 days", "1,1 day", "0,00:00:00"]


@pytest.mark.parametrize("parts, text", [
    ((1, 2, 3, (4 * 3600 + 5 * 60 + 6) * 10**6), "1 year 2 mons 3 days 04:05:06"),
    ((0, 0, -1, 1_500_000), "-1 days +00:00:01.5"),
    ((0, 1, 0, -10**6), "1 mon -00:00:01"),
    ((0, -14), "-1 years -2 mons"),
    ((0, 0, 1), "1 day"),
    ((), "00:00:00"),
])
def test_postgres_interval_text(parts, text):
    assert pg_interval(*parts) == text


def test_interval_from_duckdb_and_timedelta():
    assert interval_from_duckdb("1 year 2 months 3 days 04:05:06") == "1 year 2 mons 3 days 04:05:06"
    assert interval_from_duckdb("-10 months") == "-10 mons"
    from datetime import timedelta

    assert interval_from_timedelta(timedelta(days=423)) == "423 days"
    assert interval_from_timedelta(timedelta(seconds=-1)) == "-00:00:01"


def test_postgres_float_text():
    assert [pg_float(x) for x in (0.1, 1e15, 1e14, 1.5e-7, 0.0001, 1.0, -2.5, -0.0)] == [
        "0.1", "1e+15", "100000000000000", "1.5e-07", "0.0001", "1", "-2.5", "-0"]
    assert pg_float(math.nan) == "NaN" and pg_float(-math.inf) == "-Infinity"
    assert pg_float(3.14159274, single=True) == "3.1415927"


def test_plain_python_values_from_other_commands():
    from datetime import datetime, timedelta, timezone
    from decimal import Decimal
    from uuid import UUID

    row = (True, timedelta(days=2), Decimal("1.50"), b"\x01", UUID(int=1), {"a": [1]},
           datetime(2024, 1, 1, tzinfo=timezone.utc))
    columns = list("abcdefg")
    assert render(columns, [row], "csv").splitlines()[1] == (
        'true,2 days,1.50,\\x01,00000000-0000-0000-0000-000000000001,"{""a"":[1]}",2024-01-01T00:00:00+00:00')
    assert json.loads(render(columns, [row], "json"))[0] == {
        "a": True, "b": "2 days", "c": "1.50", "d": "\\x01", "e": "00000000-0000-0000-0000-000000000001",
        "f": {"a": [1]}, "g": "2024-01-01T00:00:00+00:00"}


def test_jsonb_keys_are_sorted_in_json_and_text_as_steampipe_writes_them(con):
    expression = "'{\"b\": 1, \"a\": {\"d\": 1, \"c\": 2}}'::json"
    assert rendered(con, expression, "json").replace(" ", "").replace("\n", "") == \
        '[{"v":{"a":{"c":2,"d":1},"b":1}}]'
    assert rendered(con, expression, "csv") == 'v\n"{""a"":{""c"":2,""d"":1},""b"":1}"\n'
