"""Flags Steampipe and Powerpipe users type: `check --dry-run` lists the controls a selection would run and runs
nothing; `query --timing` says each statement's time and rows on standard error."""

import re

import duckdb

from iamsql.controls import load_controls
from iamsql.frameworks import requirements_for_control
from tests.fixtures.cli import run_cli


def test_dry_run_lists_the_selection_and_runs_nothing(sample_db):
    done = run_cli("check", "--db", sample_db, "--framework", "owasp-nhi-2025", "--severity", "critical",
                   "--dry-run", "-o", "csv")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    header, *lines = done.stdout.splitlines()
    assert header == "control_id,title,severity,requirements"
    expected = sorted(c.id for c in load_controls() if c.severity == "critical" and any(
        r.startswith("owasp-nhi-2025:") for r in requirements_for_control(c.id)))
    assert [line.split(",", 1)[0] for line in lines] == expected and expected
    with duckdb.connect(sample_db, read_only=True) as con:
        assert not con.execute("select count(*) from information_schema.tables where table_name = 'iamsql_run'"
                               ).fetchone()[0] or not con.execute("select count(*) from iamsql_run").fetchone()[0]
    none = run_cli("check", "--db", sample_db, "--framework", "owasp-nhi-2025", "--severity", "critical",
                   "--control", "iam_root_mfa_enabled", "--dry-run")
    assert none.returncode == 2 and none.stderr == "error: no control matches the selection\n"


def test_timing_is_one_line_per_statement_on_stderr(sample_db):
    plain = run_cli("query", "--db", sample_db, "-o", "csv", "select name from aws_iam_user order by name; "
                    "select 1 as x")
    timed = run_cli("query", "--db", sample_db, "-o", "csv", "--timing", "select name from aws_iam_user order by "
                    "name; select 1 as x")
    assert timed.returncode == 0 and timed.stdout == plain.stdout
    users = len(plain.stdout.splitlines()) - 4  # less two headers, the blank line between and the second row
    assert timed.stderr.startswith("\nTime: ") and "\n\nTime: " in timed.stderr  # a blank line before each
    lines = [line for line in timed.stderr.splitlines() if line]
    assert len(lines) == 2 and all(re.fullmatch(r"Time: (\d+ms|\d+\.\d+s)\. Rows returned: \d+\.", x) for x in lines)
    assert [int(x.rsplit(" ", 1)[1].rstrip(".")) for x in lines] == [users, 1]


def test_query_shell_commands_name_the_iamsql_command(sample_db):
    for typed, said in ((".inspect aws_iam_user", "use 'iamsql schema aws_iam_user'"),
                        (".tables", "use 'iamsql tables'"),
                        (".timing on", "iamsql has no query shell: give SQL")):
        done = run_cli("query", "--db", sample_db, typed)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr == f"error: {typed.split()[0]} is a command of Steampipe's query shell, not SQL; {said}\n"


def test_check_takes_powerpipes_brief_and_none_outputs(sample_db, tmp_path):
    args = ["check", "--db", sample_db, "--quiet", "--fail-on", "none", "--control", "iam_root_mfa_enabled"]
    table = run_cli(*args, "-o", "table")
    brief = run_cli(*args, "--output", "brief")
    assert brief.returncode == 0 and brief.stdout
    assert re.sub(r"(?m)^run \d+:", "run:", brief.stdout) == re.sub(r"(?m)^run \d+:", "run:", table.stdout)
    export = tmp_path / "run.json"
    none = run_cli(*args, "--output", "none", "--export", str(export))
    assert none.returncode == 0 and none.stdout == "" and export.is_file()
    assert "all controls: 1 control" in none.stderr and f"wrote {export}" in none.stderr
