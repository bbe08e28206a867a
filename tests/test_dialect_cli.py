"""`iamsql query` through the real console script: output formats, --print-sql, --dialect duckdb, -f, and
one-line errors without a traceback."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sql import oracle

IAMSQL = Path(sys.executable).parent / "iamsql"
QUERY = ("select name, jsonb_array_length(mfa_devices) as devices, tags ->> 'team' as team "
         "from aws_iam_user where tags ? 'team' order by name")
EXPECTED = [["alice", 1, "platform"], ["bob", 0, "finance"], ["ci-deploy", 0, "platform"]]


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    tables = oracle.steampipe_rows(json.loads(oracle.DATASET.read_text(encoding="utf-8")))
    con, _ = oracle.load_duckdb(path, tables)
    con.close()
    return path


def iamsql(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(IAMSQL), *args], capture_output=True, text=True, timeout=60)


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_json_and_jsonl(loaded_db):
    rows = json.loads(iamsql("query", "--db", str(loaded_db), "--format", "json", QUERY).stdout)["rows"]
    assert [[r["name"], r["devices"], r["team"]] for r in rows] == EXPECTED
    lines = iamsql("query", "--db", str(loaded_db), "-o", "jsonl", QUERY).stdout.splitlines()
    assert [json.loads(line)["name"] for line in lines] == [r[0] for r in EXPECTED]


def test_csv(loaded_db):
    proc = iamsql("query", "--db", str(loaded_db), "--format", "csv", QUERY)
    assert proc.returncode == 0, proc.stderr
    table = list(csv.reader(io.StringIO(proc.stdout)))
    assert table[0] == ["name", "devices", "team"]
    assert table[1:] == [[str(v) for v in row] for row in EXPECTED]


def test_markdown_and_table(loaded_db):
    md = iamsql("query", "--db", str(loaded_db), "--format", "md", QUERY).stdout.splitlines()
    assert md[0] == "| name | devices | team |"
    assert md[2] == "| alice | 1 | platform |"
    table = iamsql("query", "--db", str(loaded_db), "--format", "table", QUERY).stdout
    assert "ci-deploy" in table and "finance" in table


def test_header_and_separator_as_steampipe(loaded_db):
    """Steampipe's --header=false leaves the column names out of csv and table output; --separator changes csv's
    field separator, and a value holding it is quoted."""
    proc = iamsql("query", "--db", str(loaded_db), "-o", "csv", "--header=false", "--separator", "|",
                  "select name, team || '|x' as team from (" + QUERY + ") as q")
    assert proc.returncode == 0, proc.stderr
    assert list(csv.reader(io.StringIO(proc.stdout), delimiter="|")) == [[r[0], r[2] + "|x"] for r in EXPECTED]
    assert proc.stdout.splitlines()[0] == 'alice|"platform|x"'
    table = iamsql("query", "--db", str(loaded_db), "--header", "false", QUERY).stdout.splitlines()
    assert table == ["+-----------+---+----------+", "| alice     | 1 | platform |", "| bob       | 0 | finance  |",
                     "| ci-deploy | 0 | platform |", "+-----------+---+----------+"]
    with_header = iamsql("query", "--db", str(loaded_db), "--header=true", "-o", "csv", QUERY).stdout.splitlines()
    assert with_header[0] == "name,devices,team" and len(with_header) == len(EXPECTED) + 1


@pytest.mark.parametrize(("option", "fragment"), [
    ("--header=maybe", "--header takes true or false"),
    ("--separator=::", "--separator takes one character"),
    ('--separator="', "--separator takes one character"),
])
def test_header_and_separator_refuse_bad_values(loaded_db, option, fragment):
    assert_one_line_error(iamsql("query", "--db", str(loaded_db), "-o", "csv", option, "select 1"), fragment)


def test_print_sql_shows_duckdb_sql_without_running():
    proc = iamsql("query", "--print-sql", "select jsonb_array_elements_text(s -> 'Action') from t")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("SELECT unnest(pg_jsonb_elements_text(json_extract(s, '$.\"Action\"')))"
                                   " AS \"jsonb_array_elements_text\" FROM t")
    assert proc.stderr == ""


def test_dialect_duckdb_runs_as_is(loaded_db):
    sql = "select list_sort(list(name)) as names from aws_iam_user where mfa_enabled"
    proc = iamsql("query", "--db", str(loaded_db), "--dialect", "duckdb", "-o", "json", sql)
    assert json.loads(proc.stdout)["rows"] == [{"names": ["alice", "émile.dupont"]}]
    assert iamsql("query", "--dialect", "duckdb", "--print-sql", sql).stdout.strip() == sql


def test_query_from_file(loaded_db, tmp_path):
    file = tmp_path / "q.sql"
    file.write_text(QUERY + ";\n", encoding="utf-8")
    rows = json.loads(iamsql("query", "--db", str(loaded_db), "-f", str(file), "-o", "json").stdout)["rows"]
    assert [r["name"] for r in rows] == [r[0] for r in EXPECTED]


def test_broken_query_is_one_line(loaded_db):
    assert_one_line_error(iamsql("query", "--db", str(loaded_db), "select name, from aws_iam_user where"),
                          "syntax error")


def test_empty_in_list_is_a_syntax_error(loaded_db):
    """Postgres refuses ``x in ()``; it is not an always-false test."""
    proc = iamsql("query", "--db", str(loaded_db), "select name from aws_iam_user where name in ()")
    assert proc.returncode == 41 and proc.stdout == ""
    assert proc.stderr.startswith("error: syntax error at line 1") and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("sql", ["select name from aws_iam_user where name in",
                                 "select name from aws_iam_user where name not in"])
def test_in_at_the_end_of_a_query_is_a_syntax_error(loaded_db, sql):
    """A query cut short after ``in`` is refused as Postgres refuses it, not read as an empty list (no rows, or
    every row with ``not in``)."""
    proc = iamsql("query", "--db", str(loaded_db), sql)
    assert proc.returncode == 41 and proc.stdout == ""
    assert proc.stderr == (f"error: syntax error at line 1, column {sql.index(' in') + 3} near \"in\": IN without a "
                           "parenthesized list of values or a subquery\n")


def test_a_comma_with_nothing_after_it_is_a_syntax_error(loaded_db):
    """``select name, from t`` is refused as Postgres refuses it, not run without the missing column."""
    sql = "select name, from aws_iam_user"
    proc = iamsql("query", "--db", str(loaded_db), sql)
    assert proc.returncode == 41 and proc.stdout == ""
    assert proc.stderr == (f"error: syntax error at line 1, column {sql.index('from') + 4} near \"from\": a comma with "
                           "nothing after it\n")


@pytest.mark.parametrize("sql, word", [("selec name from aws_iam_user", "selec"), ("aws_iam_user", "aws_iam_user")])
def test_a_statement_starting_with_no_keyword_is_a_syntax_error_at_that_word(loaded_db, sql, word):
    """PostgreSQL: ``syntax error at or near "selec"``; the error named the first operator sqlglot could not finish,
    or called the word a kind of statement that is not allowed."""
    proc = iamsql("query", "--db", str(loaded_db), sql)
    assert proc.returncode == 41 and proc.stdout == ""
    assert proc.stderr == (f"error: syntax error at line 1, column {len(word)} near \"{word}\": a statement starts with "
                           "a keyword such as SELECT, WITH or VALUES\n")


def test_summarize_says_it_runs_in_the_duckdb_dialect(loaded_db):
    """SUMMARIZE was refused as 'not allowed: iamsql query only reads (..., SUMMARIZE, ...)', the list naming it."""
    proc = iamsql("query", "--db", str(loaded_db), "summarize aws_iam_user")
    assert proc.returncode == 41 and proc.stdout == ""
    assert proc.stderr == "error: SUMMARIZE is DuckDB's statement, not PostgreSQL's: give --dialect duckdb to run it\n"
    duck = iamsql("query", "--db", str(loaded_db), "--dialect", "duckdb", "-o", "csv", "summarize aws_iam_user")
    assert duck.returncode == 0 and duck.stdout.startswith("column_name,column_type,"), duck.stderr


def test_unknown_table_is_one_line(loaded_db):
    assert_one_line_error(iamsql("query", "--db", str(loaded_db), "select * from aws_iam_usr"),
                          "unknown table aws_iam_usr", "did you mean aws_iam_user?")


# A table of a service of Steampipe's AWS plugin iamsql loads no table of
NO_SERVICE = (": iamsql loads no aws_{}_ tables (of Steampipe's AWS plugin, it loads the IAM and CloudTrail tables and "
              "those around them); 'iamsql tables' lists them")


@pytest.mark.parametrize("table, says", [
    ("aws_vpc", "unknown table aws_vpc" + NO_SERVICE.format("vpc")),  # was: (did you mean aws_iam_policy?)
    ("aws_dynamodb_table", "unknown table aws_dynamodb_table" + NO_SERVICE.format("dynamodb")),
    ("aws_rds_db_instance", "unknown table aws_rds_db_instance" + NO_SERVICE.format("rds")),  # was: aws_ssoadmin_instance?
    ("aws_iam_xyzzy", "unknown table aws_iam_xyzzy; 'iamsql tables' lists the tables iamsql loads"),
    ("iam_principle", "unknown table iam_principle (did you mean iam_principal?)"),  # a view built on demand
    ("aws_lamda_function", "unknown table aws_lamda_function (did you mean aws_lambda_function?)"),
])
def test_unknown_table_suggests_only_a_near_name(loaded_db, table, says):
    """A Steampipe table iamsql does not load got DuckDB's nearest name, however far (`aws_vpc` -> `aws_iam_policy`),
    and a misspelt helper view or engine table got none, not being in the catalog before a query names it."""
    proc = iamsql("query", "--db", str(loaded_db), f"select * from {table}")
    assert proc.returncode == 41 and proc.stderr == f"error: {says}\n"


@pytest.mark.parametrize("sql, says", [
    ("select xyzzy from aws_iam_user", 'column "xyzzy" does not exist'),  # was: (did you mean "account_id"?)
    ("select mfa from aws_iam_user", 'column "mfa" does not exist'),  # was: (did you mean "mfa_enabled"?)
    ("select u.nme from aws_iam_user u", 'column u.nme does not exist (did you mean "u.name"?)'),  # was: no hint
    ("select aws_iam_user.passwrd_last_used from aws_iam_user",
     'column aws_iam_user.passwrd_last_used does not exist (did you mean "aws_iam_user.password_last_used"?)'),
    ("select r.mfa_enabled from aws_iam_role r", "column r.mfa_enabled does not exist"),  # a column of another table
    # PostgreSQL's words, the names to write (was: Ambiguous reference to column name "name" (use: 'u."name"' ...))
    ("select name from aws_iam_user u join aws_iam_role r on true",
     'column reference "name" is ambiguous: write u.name or r.name'),
    # a subquery's two columns of one name (DuckDB called the second name_1 and answered)
    ("select name from (select u.name, r.name from aws_iam_user u join aws_iam_role r on true) t",
     'column reference "name" is ambiguous: t has two columns of that name (name them apart in it)'),
    ("select u.name as n, u.arn as n from aws_iam_user u order by n", 'ORDER BY "n" is ambiguous'),
])
def test_unknown_column_suggests_only_a_near_name(loaded_db, sql, says):
    """DuckDB's candidate column is its nearest however far, and a qualified column (u.nme) got no hint: as
    PostgreSQL, a near column of the same table is suggested, none when nothing is near."""
    proc = iamsql("query", "--db", str(loaded_db), sql)
    assert proc.returncode == 41 and proc.stderr == f"error: {says}\n"


@pytest.mark.parametrize("table, says", [
    ("aws_iam_usr", " (did you mean aws_iam_user?)"),
    ("aws_iam_roles", " (did you mean aws_iam_role?)"),
    ("aws_cloudtrail_trail_events", " (did you mean aws_cloudtrail_trail_event?)"),
    ("iam_principle", " (did you mean iam_principal?)"),
    ("aws_vpc", NO_SERVICE.format("vpc")),  # a Steampipe table iamsql does not load: nothing is near
    ("aws_dynamodb_table", NO_SERVICE.format("dynamodb")),
    ("aws_config_rule", NO_SERVICE.format("config")),  # was: (did you mean aws_iam_role?)
    ("aws_rds_db_instance", NO_SERVICE.format("rds")),  # was: (did you mean aws_ssoadmin_instance?)
    ("aws_iam_xyzzy", "; 'iamsql tables' lists the tables iamsql loads"),
])
def test_schema_suggests_the_tables_query_suggests(loaded_db, table, says):
    """``schema`` had its own suggestion (any name difflib found, the shared aws_ prefix counted); it now says what
    ``query`` does."""
    proc = iamsql("schema", "--db", str(loaded_db), table)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == f"error: unknown table {table}{says}\n"


def test_powerpipe_query_parameters_are_named_as_unsupported(loaded_db):
    sql = "select name from aws_iam_user where name = $1 and arn = $2"
    assert_one_line_error(iamsql("query", "--db", str(loaded_db), sql),
                          "query parameters ($1, $2) are not supported", "write the values into the SQL")


def test_unsupported_feature_is_one_line(loaded_db):
    sql = "select n from aws_iam_user, unnest(array[1, 2], array[3, 4]) with ordinality as t(a, b, n)"
    assert_one_line_error(iamsql("query", "--db", str(loaded_db), sql), "unsupported",
                          "unnest() of several arrays WITH ORDINALITY")
