"""`iamsql query` only reads: every statement kind that writes, attaches, loads extensions or changes settings is
refused by kind (sqlglot's tree and DuckDB's parse), in both dialects, and DuckDB itself backs it (read-only
database, no file access, locked configuration) with the helper views and macros still working."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iamsql.controls.views import create_views
from iamsql.errors import QueryError
from iamsql.sql.query import fetch, lock_down, read_sql, run_statements, split_statements
from iamsql.store import db as dbmod
from tests.sql import oracle

REFUSED = [
    ("copy (select 1) to '{out}'", "COPY"),
    ("copy aws_iam_user to '{out}' (format csv)", "COPY"),
    ("export database '{dir}'", "EXPORT"),
    ("attach '{dir}/other.duckdb' as other", "ATTACH"),
    ("detach other", "DETACH"),
    ("install httpfs", "INSTALL"),
    ("load httpfs", "LOAD"),
    ("set enable_external_access = true", "SET"),
    ("set threads = 1", "SET"),
    ("reset threads", "RESET"),
    ("set variable x = 1", "SET"),
    ("pragma threads = 1", "PRAGMA"),
    ("pragma enable_profiling", "PRAGMA"),
    ("call pragma_version()", "CALL"),
    ("create table t (a int)", "CREATE"),
    ("create temp view v as select 1", "CREATE"),
    ("create macro m(x) as x", "CREATE"),
    ("insert into aws_iam_user (name) values ('x')", "INSERT"),
    ("update aws_iam_user set name = 'x'", "UPDATE"),
    ("delete from aws_iam_user", "DELETE"),
    ("drop view aws_iam_user", "DROP"),
    ("alter table history.aws_iam_user add column b int", "ALTER"),
    ("truncate history.aws_iam_user", "TRUNCATE"),
    ("select 1 into t2", "SELECT ... INTO"),
    ("with gone as (delete from aws_iam_user returning *) select * from gone", "DELETE"),
    ("checkpoint", "CHECKPOINT"),
    ("vacuum", "VACUUM"),
    ("begin", "BEGIN"),
    ("use memory", "USE"),
    ("explain analyze select 1", "EXPLAIN"),
]
ALLOWED = ["select 1", "with a as (select 1 as x) select x from a", "select 1 union select 2", "values (1)",
           "describe select 1", "pragma table_info('aws_iam_user')"]
ALLOWED_DUCKDB_ONLY = ["show tables", "summarize select 1", "from range(3)"]


@pytest.fixture(scope="module")
def loaded_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ro") / "ro.duckdb"
    tables = oracle.steampipe_rows(json.loads(oracle.DATASET.read_text(encoding="utf-8")))
    con, _ = oracle.load_duckdb(path, tables)
    con.close()
    return path


@pytest.fixture(scope="module")
def locked(loaded_db):
    con = dbmod.connect(loaded_db, read_only=True)
    create_views(con)
    lock_down(con)
    yield con
    con.close()


def run_all(con, sql, dialect):
    return list(run_statements(con, sql, dialect))


@pytest.mark.parametrize("dialect", ["steampipe", "duckdb"])
@pytest.mark.parametrize("template, kind", REFUSED, ids=[r[0].split()[0] + ":" + r[0][:30] for r in REFUSED])
def test_each_statement_kind_is_refused(locked, tmp_path, dialect, template, kind):
    sql = template.format(out=tmp_path / "out.csv", dir=tmp_path)
    with pytest.raises(QueryError) as raised:
        run_all(locked, sql, dialect)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{kind}") and "is not allowed: iamsql query only reads" in message, message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("dialect", ["steampipe", "duckdb"])
@pytest.mark.parametrize("sql", ALLOWED)
def test_reads_run(locked, dialect, sql):
    assert run_all(locked, sql, dialect)[0][2]


@pytest.mark.parametrize("sql", ALLOWED_DUCKDB_ONLY)
def test_duckdb_reads_run(locked, sql):
    assert run_all(locked, sql, "duckdb")[0][2]


def test_a_refused_statement_stops_the_ones_after_it(locked):
    statements = run_statements(locked, "select 1 as a; set threads = 1; select 2 as b", "duckdb")
    assert next(statements)[2] == [(1,)]
    with pytest.raises(QueryError, match="SET is not allowed"):
        next(statements)


@pytest.mark.parametrize("sql", [
    "select * from read_csv('/etc/hostname')", "select * from read_json('/etc/hostname')",
    "select * from read_parquet('/x.parquet')", "select * from glob('/etc/*')", "select * from read_text('/etc/hostname')",
])
def test_file_reading_table_functions_fail_without_allow_files(locked, sql):
    with pytest.raises(QueryError, match="--allow-files"):
        run_all(locked, sql, "duckdb")


def test_duckdb_backs_the_statement_check(locked, tmp_path):
    """Past the statement check (fetch runs SQL as given), DuckDB itself refuses writes, files and settings."""
    for sql in (f"copy (select 1) to '{tmp_path / 'x.csv'}'", "set threads = 1", "set enable_external_access = true",
                f"attach '{tmp_path / 'x.duckdb'}'", "insert into history.aws_iam_user (name) values ('x')"):
        with pytest.raises(QueryError):
            fetch(locked, sql)
    assert list(tmp_path.iterdir()) == []


def test_helper_views_and_macros_work_when_locked(locked):
    assert run_all(locked, "select count(*) from aws_account", "steampipe")[0][2][0][0] >= 1
    rows = run_all(locked, "select name from aws_iam_user where tags ? 'team' and tags ->> 'team' = 'finance'",
                   "steampipe")[0][2]
    assert rows == [("bob",)]


def test_allow_files_reads_but_still_refuses_writes(loaded_db, tmp_path):
    data = tmp_path / "in.csv"
    data.write_text("a\n1\n2\n")
    # A copy: the locked connection above shares its DuckDB instance (and its locked settings) with any
    # other connection to the same file in this process.
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(loaded_db.read_bytes())
    con = dbmod.connect(copy, read_only=True)
    lock_down(con, allow_files=True)
    try:
        assert run_all(con, f"select sum(a) as s from read_csv('{data}')", "duckdb")[0][2] == [(3,)]
        with pytest.raises(QueryError, match="COPY is not allowed"):
            run_all(con, f"copy (select 1) to '{tmp_path / 'out.csv'}'", "duckdb")
        with pytest.raises(QueryError, match="locked"):
            fetch(con, "set enable_external_access = false")
    finally:
        con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.duckdb", "in.csv"]


def test_split_statements_keeps_semicolons_in_strings_and_comments():
    assert split_statements("select ';' as a; select 2 -- ; no\n;;") == ["select ';' as a", "select 2 -- ; no"]
    assert split_statements("select $$;$$", "duckdb") == ["select $$;$$"]


class FakeStdin:
    def __init__(self, text: str, tty: bool = False):
        self.text, self.tty = text, tty

    def read(self):
        return self.text

    def isatty(self):
        return self.tty


def test_where_the_sql_comes_from(tmp_path):
    file = tmp_path / "q.sql"
    file.write_text("select 7")
    assert read_sql("select 1", None, FakeStdin("", tty=True)) == "select 1"
    assert read_sql(str(file), None, FakeStdin("", tty=True)) == "select 7"
    assert read_sql(None, str(file), FakeStdin("", tty=True)) == "select 7"
    assert read_sql(None, "-", FakeStdin("select 8")) == "select 8"
    assert read_sql(None, None, FakeStdin("select 9")) == "select 9"
    for args, message in [((None, None, FakeStdin("", tty=True)), "give the SQL"),
                          ((None, None, FakeStdin("  \n")), "give the SQL"),
                          (("select 1", str(file), FakeStdin("", tty=True)), "not both"),
                          ((str(tmp_path / "missing.sql"), None, FakeStdin("", tty=True)), "cannot read")]:
        with pytest.raises(QueryError, match=message):
            read_sql(*args)


# ---- through the console script ---------------------------------------------------------------------------------


def iamsql(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_cli_copy_is_one_line_exit_41_and_writes_nothing(loaded_db, tmp_path):
    out = tmp_path / "out.csv"
    for dialect in ("steampipe", "duckdb"):
        proc = iamsql("query", "--db", str(loaded_db), "--dialect", dialect, f"copy (select 1) to '{out}'")
        assert proc.returncode == 41 and proc.stdout == ""
        assert proc.stderr.splitlines() == ["error: COPY is not allowed: iamsql query only reads (SELECT, VALUES, "
                                            "DESCRIBE, SHOW, SUMMARIZE, read-only PRAGMAs)"]
    assert not out.exists()


def test_cli_files_need_allow_files(loaded_db, tmp_path):
    data = tmp_path / "in.csv"
    data.write_text("a\n1\n")
    sql = f"select a from read_csv('{data}')"
    refused = iamsql("query", "--db", str(loaded_db), "--dialect", "duckdb", sql)
    assert refused.returncode == 41 and len(refused.stderr.splitlines()) == 1 and "--allow-files" in refused.stderr
    allowed = iamsql("query", "--db", str(loaded_db), "--dialect", "duckdb", "--allow-files", "-o", "csv", sql)
    assert allowed.returncode == 0 and allowed.stdout == "a\n1\n"


def test_cli_sql_from_file_argument_stdin_and_several_statements(loaded_db, tmp_path):
    file = tmp_path / "two.sql"
    file.write_text("select 1 as a;\n-- the second one\nselect 'x' as b;\n")
    assert iamsql("query", "--db", str(loaded_db), "-o", "csv", str(file)).stdout == "a\n1\n\nb\nx\n"
    assert iamsql("query", "--db", str(loaded_db), "-o", "csv", "-f", "-", stdin="select 2 as c").stdout == "c\n2\n"
    assert iamsql("query", "--db", str(loaded_db), "--output", "csv", stdin="select 3 as d").stdout == "d\n3\n"


def test_cli_makes_what_the_sql_names_after_locking(loaded_db):
    """``query`` opens the database bare: the account views, macros and Python functions a statement names are
    made for it (macros and functions after the connection is locked), and only those."""
    loaded = iamsql("query", "--db", str(loaded_db), "-o", "csv", "--dialect", "duckdb",
                    "select distinct account_id from history.aws_iam_user order by 1")
    accounts = loaded.stdout.splitlines()[1:]
    assert accounts
    listed = iamsql("query", "--db", str(loaded_db), "-o", "csv",
                    "select account_id, as_of is not null as dated from iamsql_account order by 1")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["account_id,dated", *(f"{a},true" for a in accounts)]
    made = iamsql("query", "--db", str(loaded_db), "-o", "csv", """
        select count(*) filter (where f.function_type like '%macro%') as macros,
               count(*) filter (where f.function_type not like '%macro%') as functions,
               max(jsonb_typeof('{"a": 1}'::jsonb)) as kind, max(('{"b": [1]}'::jsonb) ->> 'b') as text,
               (select count(*) from duckdb_views() where view_name = 'iamsql_' || 'account') as account_views
        from duckdb_functions() as f where f.function_name in ('pg_jsonb_typeof', 'pg_jsonb_text', 'pg_jsonb_out',
                                                                'pg_substr', 'pg_jsonb_contains')""")
    assert made.returncode == 0, made.stderr
    # pg_jsonb_text prints JSON through pg_jsonb_out, which registers every Python function (pg_jsonb_contains)
    assert made.stdout.splitlines() == ["macros,functions,kind,text,account_views", "2,2,object,[1],0"]
