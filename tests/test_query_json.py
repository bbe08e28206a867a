"""`iamsql query -o json` is Steampipe's query JSON (0.24 and later): `{"columns": [{"name", "data_type"}],
"rows": [...]}`, data types named as Postgres names them, one document per statement."""

import json

from tests.fixtures.cli import run_cli


def test_columns_and_rows_as_steampipe_writes_them(sample_db):
    done = run_cli("query", "--db", sample_db, "-o", "json",
                   "select name, mfa_enabled, create_date, attached_policy_arns, 1.50 as price, 2::int as n, "
                   "2::bigint as big, 0.5::float8 as half, interval '1 day' as age, null as nothing "
                   "from aws_iam_user where name = 'Bob'")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert list(document) == ["columns", "rows"]
    assert document["columns"] == [
        {"name": "name", "data_type": "text"}, {"name": "mfa_enabled", "data_type": "bool"},
        {"name": "create_date", "data_type": "timestamptz"}, {"name": "attached_policy_arns", "data_type": "jsonb"},
        {"name": "price", "data_type": "numeric"}, {"name": "n", "data_type": "int4"},
        {"name": "big", "data_type": "int8"}, {"name": "half", "data_type": "float8"},
        {"name": "age", "data_type": "interval"}, {"name": "nothing", "data_type": "text"}]
    [row] = document["rows"]
    assert row["name"] == "Bob" and row["mfa_enabled"] is True and row["price"] == "1.50" and row["n"] == 2
    assert row["create_date"].endswith("Z") and row["age"] == "1 day" and row["nothing"] is None


def test_no_rows_and_repeated_names(sample_db):
    empty = run_cli("query", "--db", sample_db, "-o", "json", "select name from aws_iam_user where false")
    assert json.loads(empty.stdout) == {"columns": [{"name": "name", "data_type": "text"}], "rows": []}
    twice = run_cli("query", "--db", sample_db, "-o", "json", "select 1 as a, 'x' as a")
    assert json.loads(twice.stdout) == {
        "columns": [{"name": "a", "data_type": "int4"}, {"name": "a_2", "data_type": "text", "original_name": "a"}],
        "rows": [{"a": 1, "a_2": "x"}]}


def test_each_statement_is_one_document(sample_db):
    done = run_cli("query", "--db", sample_db, "-o", "json", "select 1 as a; select 'b' as b")
    assert done.returncode == 0, done.stderr
    decoder, text, documents = json.JSONDecoder(), done.stdout, []
    while text.strip():
        document, end = decoder.raw_decode(text.lstrip())
        documents.append(document)
        text = text.lstrip()[end:]
    assert [d["rows"] for d in documents] == [[{"a": 1}], [{"b": "b"}]]


def test_an_array_is_named_by_its_element_type(sample_db):
    """Postgres names an array column by its element type (text[] is `_text`); its rows stay JSON arrays."""
    done = run_cli("query", "--db", sample_db, "-o", "json",
                   "select array_agg(name order by name) as names, array[1, 2] as ns, string_to_array('a,b', ',') "
                   "as parts, array[1.5, 2] as amounts, jsonb_agg(name order by name) as listed from aws_iam_user")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [c["data_type"] for c in document["columns"]] == ["_text", "_int4", "_text", "_numeric", "jsonb"]
    [row] = document["rows"]
    assert row["ns"] == [1, 2] and row["parts"] == ["a", "b"] and row["names"] == row["listed"]


def test_json_and_jsonb_are_told_apart(sample_db):
    """A json function's value (and a member of it) is a Postgres `json`, jsonb's functions give `jsonb`."""
    done = run_cli("query", "--db", sample_db, "-o", "json",
                   "select json_build_object('n', name) as j, json_build_object('n', name) -> 'n' as member, "
                   "jsonb_build_object('n', name) as jb, '[1]'::json as cast_json, json_agg(name) over () as agg "
                   "from aws_iam_user where name = 'Bob'")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [c["data_type"] for c in document["columns"]] == ["json", "json", "jsonb", "json", "json"]
    [row] = document["rows"]
    assert row["j"] == row["jb"] == {"n": "Bob"} and row["member"] == "Bob" and row["cast_json"] == [1]
    assert row["agg"] == ["Bob"]
