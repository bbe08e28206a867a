"""The DuckDB translation reads the ``->`` / ``->>`` chains of plain keys that one SELECT list takes from one
column in one JSON extraction (``dialect.share_json_extractions``), with the same answers as one chain at a time."""

import duckdb
import pytest

from iamsql.sql.dialect import to_duckdb
from iamsql.sql.pgfunctions import install_macros

DOCUMENTS = [
    '{"a": {"b": {"c": 1}}, "k": "v"}',
    '{"a": [{"b": 1}], "k": ["x", {"y": 2}]}',
    '{"a": null, "k": null}',
    '{"a": "s", "k": 1.50}',
    '{"a": {"b": null}}',
    '{"a": {"b": [1, 2]}, "k": true}',
    '{"a": {"b": {"c": {"d": "x", "e": [3]}}}}',
    '{"a": {"b": 1}, "a": {"b": 2}}',
    '{"a.b": {"c": 3}, "q\\"k": {"b": "quoted"}}',
    '{"\u00e9": {"b": "\\u00e9\\n"}, "a": {"b": {"c": "back\\\\slash"}}}',
    "[1, 2]",
    '"str"',
    "null",
    "7",
    "{}",
    None,
]
CHAINS = [
    "d ->> 'k'",
    "d -> 'k'",
    "d -> 'a' ->> 'b'",
    "d -> 'a' -> 'b' ->> 'c'",
    "d -> 'a' -> 'b' -> 'c'",
    "d -> 'a' -> 'b' -> 'c' ->> 'd'",
    "d -> 'a.b' ->> 'c'",
    "d -> 'q\"k' ->> 'b'",
    "d -> '\u00e9' ->> 'b'",
    "d -> 'a' -> 'b' -> 'c' -> 'e' ->> 0",
]


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    install_macros(connection)
    connection.execute("create table t (n integer, d json)")
    connection.executemany("insert into t values (?, ?)", list(enumerate(DOCUMENTS)))
    yield connection
    connection.close()


def _rows(con, sql: str) -> list[tuple]:
    return con.execute(sql.replace("FROM t", "FROM t ORDER BY n")).fetchall()


def test_several_chains_on_one_column_are_read_in_one_extraction(con):
    sql = to_duckdb(f"select n, {', '.join(CHAINS)} from t")
    lists = {part.split("])[", 1)[0] for part in sql.split("json_extract(d, [")[1:]}
    assert sql.count("json_extract(d, [") == len(CHAINS) and len(lists) == 1
    shared = _rows(con, sql)
    one_at_a_time = [_rows(con, to_duckdb(f"select n, {chain} from t")) for chain in CHAINS]
    assert "json_extract(d, [" not in to_duckdb(f"select n, {CHAINS[3]} from t")
    for index, rows in enumerate(one_at_a_time):
        assert [row[index + 1] for row in shared] == [row[1] for row in rows], CHAINS[index]
    # what PostgreSQL answers for these
    assert shared[0][1:6] == ("v", '"v"', '{"c": 1}', "1", "1")
    assert shared[9][3:6] == ('{"c": "back\\\\slash"}', "back\\slash", '"back\\\\slash"')
    assert (shared[6][6], shared[8][7:9], shared[9][9], shared[6][10]) == ("x", ("3", "quoted"), "\u00e9\n", "3")


@pytest.mark.parametrize(
    "sql",
    [
        "select case when n > 0 then d ->> 'k' end, d -> 'a' ->> 'b' from t",
        "select coalesce(d ->> 'k', 'none'), d -> 'a' ->> 'b' from t",
        "select n > 0 and d ->> 'k' = 'v', d -> 'a' ->> 'b' from t",
        "select max(d ->> 'k'), max(d -> 'a' ->> 'b') from t",
        "select d ->> 'k', d -> 'a' ->> 'b', count(*) from t group by d ->> 'k', d -> 'a' ->> 'b'",
        "select (select d ->> 'k'), d -> 'a' ->> 'b' from t",
    ],
)
def test_chains_duckdb_would_not_share_stay_apart(con, sql):
    translated = to_duckdb(sql)
    assert "json_extract(d, [" not in translated
    con.execute(translated).fetchall()


def test_a_where_clause_is_left_alone():
    translated = to_duckdb("select d ->> 'k', d -> 'a' ->> 'b' from t where d ->> 'k' = 'v' and d ->> 'a' is null")
    select_list, where = translated.split(" WHERE ")
    assert "json_extract_string(d, [" in select_list and "d, [" not in where


TEXT_DOCUMENTS = [
    '{"a": {"b": {"c": 1}}, "k": "v"}',
    '{"a": {"b": [1, {"x": "y"}]}, "k": "{not an object"}',
    '{"a": {"b": "[1,2]"}, "k": ["x", {"y": 2}]}',
    '{"a": {"b": null}, "k": 1.50}',
    '{"a": {"b": true}, "k": "q\\"uote \\u00e9\\n"}',
    '{"a": "s", "k": ""}',
    "[1, 2]",
    '"str"',
    "null",
    None,
]


def test_text_chains_of_one_column_are_read_as_texts_with_postgres_answers(con):
    con.execute("create temp table texts (n integer, d json)")
    con.executemany("insert into texts values (?, ?)", list(enumerate(TEXT_DOCUMENTS)))
    chains = ["d ->> 'k'", "d -> 'a' ->> 'b'", "d ->> 'a'"]
    sql = to_duckdb(f"select n, {', '.join(chains)} from texts")
    # one list of texts, in each chain's test and value, and a CASE (no lambda) per chain
    assert sql.count("json_extract_string(d, [") == 2 * len(chains) and "LAMBDA" not in sql.upper()
    shared = con.execute(sql.replace("FROM texts", "FROM texts ORDER BY n")).fetchall()
    for index, chain in enumerate(chains):
        one = con.execute(to_duckdb(f"select n, {chain} from texts order by n")).fetchall()
        assert [row[index + 1] for row in shared] == [row[1] for row in one], chain
    # what PostgreSQL answers for these: objects and arrays in its spacing, strings that look like JSON as they are
    assert shared[0][1:] == ("v", '{"c": 1}', '{"b": {"c": 1}}')
    assert shared[1][1:3] == ("{not an object", '[1, {"x": "y"}]')
    assert shared[2][1:3] == ('["x", {"y": 2}]', "[1,2]")
    assert shared[3][2] is None and shared[4][1:3] == ('q"uote \u00e9\n', "true")
    assert shared[5][1:] == ("", None, "s") and shared[6][1:] == shared[9][1:] == (None, None, None)


def test_a_column_named_like_a_lambda_variable_is_read_as_text(con):
    # no lambda any more: the texts of a column of any name come from the one shared list
    con.execute("create temp table named (iamsql_text json)")
    con.executemany("insert into named values (?)", [[d] for d in TEXT_DOCUMENTS])
    chains = ["iamsql_text ->> 'k'", "iamsql_text -> 'a' ->> 'b'"]
    translated = to_duckdb(f"select {', '.join(chains)} from named")
    assert "json_extract_string(iamsql_text, [" in translated
    shared = sorted(con.execute(translated).fetchall(), key=repr)
    one = sorted(con.execute(to_duckdb(f"select {', '.join(f'(select {c})' for c in chains)} from named")).fetchall(),
                 key=repr)
    assert shared == one and ("v", '{"c": 1}') in shared
