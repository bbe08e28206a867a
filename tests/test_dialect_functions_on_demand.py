"""The dialect's Python functions (jsonb text, ``@>``, ``?``) are registered on a connection when a statement
calls them, directly or through a macro built on them, so commands whose SQL calls none of them never make DuckDB
import NumPy; connections opened for library use still get every function."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from iamsql.controls import views
from iamsql.load import load_paths
from iamsql.sql import pgfunctions
from iamsql.sql.query import run_statements
from iamsql.store import db

PYTHON_FUNCTION = pgfunctions.PYTHON_FUNCTIONS[0][0]


def registered(con) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "select function_name from duckdb_functions() where function_name like 'pg\\_%' escape '\\'"
        ).fetchall()
    }


EXAMPLE = Path(__file__).parent / "data" / "cloudsplaining" / "example.json"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("on-demand") / "on-demand.duckdb"
    con = db.connect(path)
    load_paths(con, [EXAMPLE])
    con.close()
    return path


def example_roles() -> list[dict]:
    return json.loads(EXAMPLE.read_text())["RoleDetailList"]


def test_a_statement_needs_what_its_macros_call():
    # pg_jsonb_text prints objects and arrays with pg_jsonb_out; pg_jsonb_elements_text uses pg_jsonb_text
    assert {"pg_jsonb_elements_text", "pg_jsonb_text", "pg_jsonb_out"} <= pgfunctions.called(
        "select x from pg_jsonb_elements_text(j) as e(x)"
    )
    assert pgfunctions.called("select pg_jsonb_typeof(j), PG_SUBSTR (s, 2, 3)") == {
        "pg_jsonb_typeof", "pg_substr", "pg_raise"}  # pg_substr fails with Postgres's error through pg_raise
    assert pgfunctions.called("select pg_substr_from_x, substr(s, 2) from pg_jsonb_typeof") == set()
    order = [name for name, _ in pgfunctions.MACRO_ORDER]
    assert order.index("pg_jsonb_text") < order.index("pg_jsonb_elements_text")


OURS = {name for name, _ in pgfunctions.MACRO_ORDER}


def macros(con) -> set[str]:
    """The dialect's macros the connection has."""
    return OURS & {name for (name,) in con.execute(
        "select function_name from duckdb_functions() where function_type like '%macro%'").fetchall()}


def test_statements_create_only_the_macros_they_call(database):
    con = db.connect(database, read_only=True, macros=False)
    try:
        assert macros(con) == set()
        [(_, _, rows)] = run_statements(con, "select count(*) from aws_iam_role where substr(name, length(name) - 1) <> ''")
        assert rows == [(len(example_roles()),)] and macros(con) == {"pg_substr_from"}
        [(_, _, rows)] = run_statements(con, "select max(jsonb_typeof(assume_role_policy)) from aws_iam_role")
        assert rows == [("object",)] and macros(con) == {"pg_substr_from", "pg_jsonb_typeof"}
        assert PYTHON_FUNCTION not in registered(con)
        pgfunctions.install_macros(con)
        assert macros(con) == OURS and PYTHON_FUNCTION in registered(con)
    finally:
        con.close()


def test_a_library_connection_has_every_function(database):
    con = db.connect(database, read_only=True)
    try:
        assert {name for name, *_ in pgfunctions.PYTHON_FUNCTIONS} | {"pg_jsonb_text"} <= registered(con)
        assert con.execute("""select pg_jsonb_text('{"b": 1, "a": [2]}'::json)""").fetchall() == [
            ('{"a": [2], "b": 1}',)
        ]
    finally:
        con.close()


def test_statements_register_the_functions_they_call(database):
    con = db.connect(database, read_only=True, macros=False)
    try:
        assert PYTHON_FUNCTION not in registered(con) and "pg_jsonb_text" not in registered(con)
        [(_, _, rows)] = run_statements(con, "select count(*) from aws_iam_role")
        assert rows == [(len(example_roles()),)] and PYTHON_FUNCTION not in registered(con)
        [(_, _, rows)] = run_statements(
            con,
            """select count(*) filter (where assume_role_policy @> '{"Statement": [{"Effect": "Allow"}]}'),
                           string_agg(distinct assume_role_policy ->> 'Version', ',') from aws_iam_role""",
        )
        allowing = [
            r
            for r in example_roles()
            if any(s.get("Effect") == "Allow" for s in r["AssumeRolePolicyDocument"]["Statement"])
        ]
        versions = {r["AssumeRolePolicyDocument"]["Version"] for r in example_roles()}
        assert rows == [(len(allowing), ",".join(sorted(versions)))]
        assert {name for name, *_ in pgfunctions.PYTHON_FUNCTIONS} | {"pg_jsonb_text"} <= registered(con)
        # registering again is a no-op, not an error
        pgfunctions.install_called(con, "select pg_jsonb_out('{}')")
    finally:
        con.close()


def test_helper_views_register_what_they_call(database):
    con = db.connect(database, read_only=True, macros=False)
    try:
        body = views.view_duckdb(views.view_body("iam_policy_statement"))
        assert PYTHON_FUNCTION in pgfunctions.called(body)
        views.create_views(con, access=False, names=["iam_policy_statement"])
        assert "pg_jsonb_text" in registered(con)
    finally:
        con.close()


def test_a_plain_query_command_never_imports_numpy(database):
    code = (
        "import sys\nfrom iamsql.cli import main\nsys.argv[1:] = ['query', '--db', sys.argv[1], '-o', 'csv', "
        "sys.argv[2]]\ntry:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print('numpy' in sys.modules)"
    )
    plain = subprocess.run(
        [sys.executable, "-c", code, str(database), "select count(*) as n from aws_iam_role"],
        capture_output=True,
        text=True,
    )
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.split() == ["n", str(len(example_roles())), "False"]
    over_json = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(database),
            "select distinct assume_role_policy ->> 'Version' as v from aws_iam_role",
        ],
        capture_output=True,
        text=True,
    )
    assert over_json.returncode == 0, over_json.stderr
    assert over_json.stdout.split() == ["v", "2012-10-17", "True"]


def test_a_connection_without_the_functions_fails_plainly_on_direct_sql():
    con = duckdb.connect()
    pgfunctions.install_called(con, "select pg_jsonb_typeof('{}')")
    assert con.execute("select pg_jsonb_typeof('{}')").fetchall() == [("object",)]
    with pytest.raises(duckdb.CatalogException, match="pg_jsonb_out"):
        con.execute("select pg_jsonb_out('{}')").fetchall()
