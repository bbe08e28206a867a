"""``iamsql query`` prints what ``steampipe query`` prints: its boxed table, its line records, NULL as ``<null>``,
booleans and JSON as text, several queries in one call with a blank line between their results."""

import shutil

from tests.fixtures.cli import run_cli

VALUES = ("select 'alice' as name, 12 as n, null as missing, true as ok, "
          "'{\"b\": 1, \"a\": [1, 2]}'::jsonb as doc, timestamptz '2024-01-15 10:30:45.25+00' as at")


def test_table_is_steampipes_boxed_table(sample_db):
    done = run_cli("query", "--db", sample_db, VALUES)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout == (
        "+-------+----+---------+------+-------------------+----------------------+\n"
        "| name  | n  | missing | ok   | doc               | at                   |\n"
        "+-------+----+---------+------+-------------------+----------------------+\n"
        "| alice | 12 | <null>  | true | {\"a\":[1,2],\"b\":1} | 2024-01-15T10:30:45Z |\n"
        "+-------+----+---------+------+-------------------+----------------------+\n")


def test_table_keeps_lines_and_drops_control_characters(sample_db):
    done = run_cli("query", "--db", sample_db, "select 'one' || chr(10) || 'two' || chr(13) as text, "
                   "'a' || chr(9) || 'b' || chr(7) as tabbed, '=1+1' as formula")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "+------+--------+---------+\n"
        "| text | tabbed | formula |\n"
        "+------+--------+---------+\n"
        "| one  | a    b | '=1+1   |\n"
        "| two  |        |         |\n"
        "+------+--------+---------+\n")


def test_empty_result_and_no_header(sample_db, tmp_path):
    empty = run_cli("query", "--db", sample_db, "select 'x' as name where false")
    assert empty.stdout == "+------+\n| name |\n+------+\n+------+\n"
    rows = run_cli("query", "--db", sample_db, "--header=false", "select 'x' as name union all select 'yz'")
    assert rows.stdout == "+----+\n| x  |\n| yz |\n+----+\n"
    nothing = run_cli("query", "--db", sample_db, "--header=false", "select 'x' as name where false")
    assert nothing.returncode == 0 and nothing.stdout == ""
    # Steampipe's --header is a flag: bare, it is on, also before another flag or the SQL (query and check)
    for bare in (["--header", "-o", "csv"], ["-o", "csv", "--header"]):
        done = run_cli("query", "--db", sample_db, *bare, "select 'x' as name")
        assert (done.returncode, done.stdout) == (0, "name\nx\n"), done.stderr
    kept = run_cli("query", "--db", sample_db, "-o", "csv", "--header", "false", "select 'x' as name")
    assert (kept.returncode, kept.stdout) == (0, "x\n"), kept.stderr
    copy = tmp_path / "checked.duckdb"  # check stores its run: not in the module's database
    shutil.copyfile(sample_db, copy)
    checked = run_cli("check", "--db", str(copy), "--control", "iam_root_mfa_enabled", "-o", "csv", "--header")
    assert checked.returncode in (0, 1) and checked.stdout.startswith("group_id,"), checked.stderr


def test_line_records(sample_db):
    done = run_cli("query", "--db", sample_db, "-o", "line", "select 'alice' as name, null as missing, "
                   "'a' || chr(10) || 'bc' as two_lines")
    assert done.stdout == ("-[ RECORD 1  ]" + "-" * 75 + "\n"
                           "name      | alice\n"
                           "missing   | <null>\n"
                           "two_lines | a      +\n"  # lines padded to the record's widest value, as Steampipe
                           "          | bc    \n")


def test_a_failing_statement_is_one_line_and_the_others_still_run(sample_db, tmp_path):
    """``steampipe query`` runs every query of the call, warns about each that fails and exits 41
    (ExitCodeQueryExecutionFailed): a failure between two good statements, in one text and across arguments."""
    done = run_cli("query", "--db", sample_db, "-o", "csv", "select 1 as a; select nope from nowhere; select 2 as b",
                   "select 3 as c", "select bogus(")
    assert done.returncode == 41
    assert done.stdout == "a\n1\n\nb\n2\n\nc\n3\n"
    lines = done.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines), lines
    assert "nowhere" in lines[0]
    clean = run_cli("query", "--db", sample_db, "-o", "csv", "select 1 as a")
    assert clean.returncode == 0 and clean.stderr == ""


def test_several_queries_and_files_in_one_call(sample_db, tmp_path):
    first, second = tmp_path / "first.sql", tmp_path / "second.sql"
    first.write_text("select 1 as a;\nselect 2 as b;\n")
    second.write_text("select 3 as c\n")
    csv = run_cli("query", "--db", sample_db, "-o", "csv", str(first), str(second), "select 4 as d")
    assert csv.returncode == 0 and csv.stdout == "a\n1\n\nb\n2\n\nc\n3\n\nd\n4\n"
    bare = run_cli("query", "--db", sample_db, "-o", "csv", "--header=false", str(first), str(second))
    assert bare.stdout == "1\n2\n3\n"  # Steampipe leaves the blank line out of csv without a header
    table = run_cli("query", "--db", sample_db, str(second), "select 'x' as d")
    assert table.stdout == "+---+\n| c |\n+---+\n| 3 |\n+---+\n\n+---+\n| d |\n+---+\n| x |\n+---+\n"
    missing = run_cli("query", "--db", sample_db, str(first), str(tmp_path / "absent.sql"))
    assert missing.returncode == 254 and missing.stdout == ""  # every file is read before anything runs
    assert missing.stderr == f"error: cannot read {tmp_path / 'absent.sql'}: No such file or directory\n"
    both = run_cli("query", "--db", sample_db, "-f", str(first), str(second))
    assert both.returncode == 254 and both.stderr == "error: give the SQL as an argument or with --file, not both\n"
