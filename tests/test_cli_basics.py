"""The CLI's own surface: version, help, schema listing, one-line errors."""

import csv
import gzip
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import duckdb
import pytest
import typer.main as typer_main
from typer.testing import CliRunner

from iamsql import __version__, cli
from iamsql.cli import INTERRUPTED, app
from iamsql.cli.root import EXIT_CODES, _interrupted_command
from iamsql.common.resources import SAMPLE_DIR
from iamsql.frameworks import requirements_for_control
from iamsql.sql.output import MIN_COLUMN_WIDTH, fit_widths, render
from iamsql.store import db as dbmod
from iamsql.store.db import with_write_hint
from tests.test_evidence import cli as cli_in_process

runner = CliRunner()


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real console entry point in a subprocess (so exit codes and stderr are the user's)."""
    return subprocess.run(
        [sys.executable, "-c", "from iamsql.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
    )


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"iamsql {__version__}"


def test_the_version_is_the_one_in_pyproject():
    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert __version__ == pyproject["project"]["version"]


def test_schema_lists_steampipe_columns():
    result = runner.invoke(app, ["schema", "aws_iam_role"])
    assert result.exit_code == 0
    for column in ("assume_role_policy_std", "role_last_used_date", "account_id", "snapshot_id"):
        assert column in result.output


def test_unknown_table_is_one_line_error():
    proc = run_cli("schema", "aws_iam_nope")
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0
    assert "unknown table aws_iam_nope" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("schema", "aws_iam_rol")  # a near miss is named, as iamsql query names it
    assert proc.returncode == 2 and "unknown table aws_iam_rol (did you mean aws_iam_role?)" in proc.stderr


def test_query_on_missing_database_is_one_line_error(tmp_path):
    proc = run_cli("query", "select 1", "--db", str(tmp_path / "missing.duckdb"))
    assert proc.returncode != 0
    assert "does not exist" in proc.stderr
    assert "Traceback" not in proc.stderr


# ---- Ctrl-C ------------------------------------------------------------------------------------------------------------


def many_events(folder: Path, files: int, per_file: int) -> Path:
    """``files`` S3-delivery-shaped CloudTrail files of ``per_file`` real sample events each (fresh event ids)."""
    sample = next((SAMPLE_DIR / "cloudtrail" / "maheribra").glob("*.json.gz"))
    records = json.loads(gzip.decompress(sample.read_bytes()))["Records"]
    batch = [{**records[i % len(records)], "eventID": f"00000000-0000-0000-0000-{i:012d}"} for i in range(per_file)]
    data = gzip.compress(json.dumps({"Records": batch}).encode(), compresslevel=1)
    folder.mkdir(parents=True)
    for n in range(files):
        (folder / f"275023965626_CloudTrail_eu-west-1_20260728T0920Z_{n:05d}.json.gz").write_bytes(data)
    return folder


def database_state(db_path: Path) -> tuple:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return (
            con.execute("select * from iamsql_snapshot order by snapshot_id").fetchall(),
            con.execute(
                "select count(*), count(distinct snapshot_id) from history.aws_cloudtrail_trail_event"
            ).fetchall(),
            con.execute("select count(*) from history.aws_iam_user").fetchall(),
        )
    finally:
        con.close()


def reading(pid: int, folder: Path) -> bool:
    """True once the process has a file of ``folder`` open (the load has started)."""
    try:
        return any(os.readlink(fd).startswith(str(folder)) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def interrupt(args: list[str], reading_path, settle: float) -> tuple[int, str]:
    """Run the CLI, send SIGINT once it has opened ``reading_path`` and ``settle`` more seconds have passed;
    (exit code, stderr). The child gets SIGINT's default handler: a background job may inherit SIG_IGN."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from iamsql.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 60
        while not reading(process.pid, reading_path) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(settle)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, stderr


def test_ctrl_c_during_a_large_load_says_so_and_leaves_the_database_as_it_was(tmp_path):
    db_path = tmp_path / "audit.duckdb"
    loaded = run_cli(
        "load",
        "--quiet",
        "--db",
        str(db_path),
        str(SAMPLE_DIR / "aws_cli_examples"),
        str(SAMPLE_DIR / "cloudtrail" / "invictus_ir"),
    )
    assert loaded.returncode == 0, loaded.stderr
    before = database_state(db_path)
    trail = many_events(tmp_path / "trail", files=100, per_file=1000)
    # 1 s: past the quick file sniffing, into DuckDB's reading and writing of the events
    returncode, stderr = interrupt(["load", "--quiet", "--db", str(db_path), str(trail)], trail, settle=1.0)
    assert returncode == 130, stderr
    # before the load's transaction began, or inside it (then it names the snapshot it rolled back)
    [line] = stderr.splitlines()
    assert line == "interrupted: nothing was loaded; the database is as it was" or re.fullmatch(
        r"interrupted: load of snapshot \d+ rolled back, nothing stored", line
    ), line
    assert database_state(db_path) == before


def test_ctrl_c_during_a_long_query_exits_130_with_one_line(tmp_path):
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    # DuckDB sometimes notices the interrupt only when the query ends: the query is finite.
    returncode, stderr = interrupt(
        [
            "query",
            "--db",
            str(db_path),
            "--dialect",
            "duckdb",
            "select count(*) from range(1000000000) t(x) where x % 7 = 3",
        ],
        db_path,
        settle=0.5,
    )
    assert (returncode, stderr.splitlines()) == (130, ["interrupted: nothing was changed"])


def test_interrupted_message_says_what_each_command_leaves():
    assert _interrupted_command(["load", "--db", "x.duckdb", "exports/"]) == INTERRUPTED["load"]
    assert _interrupted_command(["evidence", "run", "--config", "c.toml"]) == INTERRUPTED["evidence run"]
    assert _interrupted_command(["query", "select 1"]) == "nothing was changed"


# ---- table output ------------------------------------------------------------------------------------------------------


def test_check_table_fits_the_terminal_with_one_line_per_result(tmp_path):
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--sample", "--db", str(db_path)).returncode == 0
    controls = [
        arg
        for c in ("cloudtrail_cloudwatch_delivery", "iam_user_console_mfa", "iam_role_unused")
        for arg in ("--control", c)
    ]
    for width in (80, 100):
        result = run_cli(
            "check", "--db", str(db_path), "--fail-on", "none", *controls, env={**os.environ, "COLUMNS": str(width)}
        )
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        lines = lines[next(i for i, line in enumerate(lines) if line.startswith("control_id")) :]
        assert max(len(line) for line in lines) <= width
        run_line = next(i for i, line in enumerate(lines) if line.startswith("run "))
        run_id = int(lines[run_line].split()[1].rstrip(":"))
        con = duckdb.connect(str(db_path), read_only=True)
        shown = con.execute(
            "select status, reason from iamsql_result where run_id = ? and status in ('alarm', 'error')", [run_id]
        ).fetchall()
        skipping = con.execute(
            "select count(distinct account_id) from iamsql_result where run_id = ? and status = 'skip'", [run_id]
        ).fetchone()[0]
        con.close()
        end = lines.index("") if "" in lines[:run_line] else run_line
        body = lines[2:end]  # after the header and its rule: one line per alarm or error
        assert len(body) == len(shown) > 0
        assert sum(" alarm " in line for line in body) == sum(status == "alarm" for status, _ in shown)
        assert any(len(reason) > width for _, reason in shown) and any(line.endswith("\u2026") for line in body)
        # then one entry per account with skipped controls (wrapped to the width), then the summary
        skipped = [line for line in lines[end:run_line] if re.match(r"^\d{12}: \d+ controls? skipped: ", line)]
        assert len(skipped) == skipping > 0


def test_check_table_in_a_pipe_keeps_every_value_whole(tmp_path):
    """Standard output that is no terminal (a pipe, a file) and no COLUMNS: nothing is cut, as Steampipe cuts nothing
    there (the table was cut to 120 columns), and no line ends in the last column's padding; the skipped controls'
    lines are not wrapped either."""
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--sample", "--db", str(db_path)).returncode == 0
    env = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")}
    result = run_cli("check", "--db", str(db_path), "--fail-on", "none", "--control", "iam_user_console_mfa",
                     "--control", "iam_role_service_trust_confused_deputy", env=env)
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(db_path), read_only=True) as con:
        shown = con.execute("select resource, reason from iamsql_result where status in ('alarm', 'error')").fetchall()
    assert any(len(reason) > 120 for _, reason in shown), shown
    assert all(resource in result.stdout and reason in result.stdout for resource, reason in shown), result.stdout
    assert "\u2026" not in result.stdout
    assert not any(line.endswith(" ") for line in result.stdout.splitlines())  # no padding after the last column
    skipped = [line for line in result.stdout.splitlines() if re.match(r"^\d{12}: \d+ controls? skipped: ", line)]
    assert skipped and not any(line.startswith("  ") for line in result.stdout.splitlines()), result.stdout


def test_table_clips_long_cells_and_other_formats_keep_them(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    arn = "arn:aws:iam::123456789012:role/service-role/a-rather-long-role-name-for-a-lambda"
    reason = "This role can be assumed by anyone in the partner account without an ExternalId condition. " * 2
    columns, rows = ["control_id", "resource", "reason"], [("iam_role_trust", arn, reason)]
    table = render(columns, rows, "table").splitlines()
    assert len(table) == 3 and max(len(line) for line in table) <= 60
    assert "iam_role_trust" in table[2] and "for-a-lambda" in table[2] and "\u2026" in table[2]
    assert reason not in table[2]
    assert json.loads(render(columns, rows, "json"))[0]["reason"] == reason
    assert reason.strip() in render(columns, rows, "csv") and reason.strip() in render(columns, rows, "md")
    monkeypatch.setenv("COLUMNS", "400")
    wide = render(columns, rows, "table").splitlines()
    assert arn in wide[2] and reason.strip() in wide[2]


def test_fit_widths_cuts_the_widest_columns_first():
    assert fit_widths([10, 8, 200], 100) == [10, 8, 82]
    assert fit_widths([40, 6, 80, 200], 100) == [31, 6, 31, 31]  # 94 characters shared by the three wide columns
    assert fit_widths([5, 5], 100) == [5, 5]
    assert fit_widths([50, 50, 50], 10) == [MIN_COLUMN_WIDTH] * 3


def test_load_of_nothing_recognisable_is_a_one_line_error(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.txt").write_text("not AWS output\n")
    result = run_cli("load", "--db", str(tmp_path / "a.duckdb"), str(folder))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: nothing loaded: no AWS IAM or CloudTrail file in {folder} "
        f"(1 other file(s) skipped, e.g. {folder / 'notes.txt'}: not JSON or a "
        "credential report CSV)"
    ]


def test_query_without_sql_says_what_to_give(tmp_path):
    result = run_cli("query", "--db", str(tmp_path / "a.duckdb"))
    assert result.returncode == 254 and result.stderr == (
        "error: give the SQL as an argument, a .sql file path, --file FILE, or on stdin (-f -)\n"
    )


def test_query_starting_with_a_comment_says_how_to_give_it(tmp_path):
    """SQL pasted with its comment line first is taken for an option by the parser; the error says how to give it
    (it said "No such option: -- users\\x0aselect ...")."""
    sql = "-- users without MFA\nselect 1 as a"
    db = tmp_path / "a.duckdb"
    dbmod.connect(db).close()
    result = run_cli("query", "--db", str(db), sql)
    assert result.returncode == 254 and result.stderr == (
        "error: SQL that starts with a '--' comment is read as an option: put -- before it (iamsql query -- "
        "\"-- ...\"), or give it as a .sql file, --file FILE or on stdin\n")
    given = run_cli("query", "--db", str(db), "-o", "csv", "--", sql)
    assert given.returncode == 0 and given.stdout == "a\n1\n", given.stderr


def test_check_without_a_database_says_to_load_first(tmp_path):
    proc = run_cli("check", "--db", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 254  # Powerpipe's ExitCodeInsufficientOrWrongInputs: 2 is a control error
    assert "run 'iamsql load' or 'iamsql collect' first" in proc.stderr
    assert not (tmp_path / "none.duckdb").exists()
    assert "or point --db (or IAMSQL_DB) at the database they wrote" in proc.stderr


def test_a_failed_first_load_leaves_no_database(tmp_path):
    """A load that fails into a new --db removes the file it created, so the next command says nothing is loaded
    (instead of reading an empty database); an existing database keeps what it holds."""
    bad = tmp_path / "users.json"
    bad.write_text('{"Users": [{"UserName": "x",')
    new = tmp_path / "new.duckdb"
    failed = run_cli("load", str(bad), "--db", str(new))
    assert failed.returncode == 2 and failed.stderr.startswith("error: ") and failed.stderr.count("\n") == 1
    assert not new.exists() and not (tmp_path / "new.duckdb.wal").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("load", str(empty), "--db", str(new)).returncode == 2 and not new.exists()
    assert "does not exist" in run_cli("tables", "--db", str(new)).stderr

    assert run_cli("load", "--quiet", "--db", str(new), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    assert run_cli("load", str(bad), "--db", str(new)).returncode == 2
    kept = run_cli("query", "--db", str(new), "-o", "csv", "--header=false", "select count(*) from aws_iam_user")
    assert kept.returncode == 0 and int(kept.stdout) > 0


def test_a_failed_first_collection_leaves_no_database(tmp_path):
    """collect against an endpoint nothing listens on: one error line, and the new --db is not left behind."""
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_MAX_ATTEMPTS": "1"}
    new = tmp_path / "new.duckdb"
    proc = run_cli("collect", "--quiet", "--evidence-dir", str(tmp_path / "evidence"), "--db", str(new), env=env)
    assert proc.returncode == 2 and proc.stderr.startswith("error: cannot connect to AWS") and proc.stderr.count("\n") == 1
    assert not new.exists()


def test_a_failed_first_evidence_run_leaves_no_database(tmp_path):
    (tmp_path / "empty").mkdir()
    new = tmp_path / "new.duckdb"
    proc = run_cli("evidence", "run", "--quiet", "--source", str(tmp_path / "empty"), "--evidence-dir",
                   str(tmp_path / "evidence"), "--db", str(new))
    assert proc.returncode == 254 and "no recognised AWS file" in proc.stderr and not new.exists()


def test_db_in_a_missing_folder_says_which_folder(tmp_path):
    proc = run_cli("load", "--sample", "--quiet", "--db", str(tmp_path / "nope" / "a.duckdb"))
    assert proc.returncode == 2 and proc.stderr == (
        f"error: cannot create database {tmp_path / 'nope' / 'a.duckdb'}: folder {tmp_path / 'nope'} does not "
        "exist; create it first, or give --db a file in an existing folder\n"
    )
    assert not (tmp_path / "nope").exists()


def test_a_database_that_cannot_be_written_says_what_to_check(tmp_path):
    """DuckDB's words for a file or folder the process may not write (EACCES, EPERM, EROFS) get the hint; others not."""
    for message in ('IO Error: Cannot open file "/x/a.duckdb": Permission denied',
                    'TransactionContext Error: Failed to commit: Cannot open file "/x/a.duckdb.wal": Operation not permitted',
                    'IO Error: Cannot open file "/x/a.duckdb": Read-only file system'):
        assert with_write_hint(message) == (f"{message}; loading and checking write to the database: check the "
                                               "permissions of the file and its folder")
    assert with_write_hint("IO Error: The file is not a valid DuckDB database file") == (
        "IO Error: The file is not a valid DuckDB database file")
    if os.geteuid() != 0:  # root may write anyway
        (tmp_path / "ro").mkdir()
        assert run_cli("load", "--sample", "--quiet", "--db", str(tmp_path / "ro" / "a.duckdb")).returncode == 0
        (tmp_path / "ro" / "a.duckdb").chmod(0o444)
        proc = run_cli("load", "--sample", "--quiet", "--db", str(tmp_path / "ro" / "a.duckdb"))
        assert proc.returncode == 2 and proc.stderr.endswith("check the permissions of the file and its folder\n")


def test_python_m_iamsql_is_the_command():
    proc = subprocess.run([sys.executable, "-m", "iamsql", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == f"iamsql {__version__}\n"


# ---- usage errors and help -------------------------------------------------------------------------------------------


def test_usage_errors_are_one_line_and_exit_2_or_254_for_check_and_query(tmp_path):
    db = str(tmp_path / "a.duckdb")
    cases = [
        (["query", "--bogus", "select 1"], "error: No such option: --bogus (see 'iamsql query --help')"),
        (["schema"], "error: Missing argument 'table'. (see 'iamsql schema --help')"),
        (["report", "--out", "x.csv", "--run", "abc", "--db", db], "error: Invalid value for '--run'"),
        (["nosuchcommand"], "error: No such command 'nosuchcommand'."),
        (["query", "-o", "xml", "select 1", "--db", db], "error: unknown output format 'xml'"),
        (["query", "--dialect", "mysql", "select 1", "--db", db], "error: unknown dialect 'mysql'"),
        (["evidence", "run", "--keep-runs"], "error: Option '--keep-runs' requires an argument."),
    ]
    for args, start in cases:
        proc = run_cli(*args)
        assert proc.returncode == (254 if args[0] == "query" or args[:2] == ["evidence", "run"] else 2), (args, proc.stderr)
        assert len(proc.stderr.splitlines()) == 1 and proc.stderr.startswith(start), (args, proc.stderr)
        assert "Usage:" not in proc.stderr and "\u256d" not in proc.stderr and proc.stdout == ""


def test_query_snapshot_outputs_say_what_iamsql_writes_instead(tmp_path):
    """`query -o snapshot` (Steampipe's) and `-o pps`/`sps` (the snapshot files) were an unknown format with the
    list of formats only: they say whose snapshot it is and which output carries the same rows."""
    for typed, whose in (("snapshot", "Steampipe's"), ("sps", "Steampipe's"), ("pps", "Powerpipe's")):
        proc = run_cli("query", "-o", typed, "select 1", "--db", str(tmp_path / "a.duckdb"))
        assert proc.returncode == 254 and proc.stdout == ""
        assert proc.stderr == (f"error: --output {typed}: {whose} snapshot is not written; iamsql query writes table, "
                               "csv, json, jsonl, line or md: -o json gives each result's columns, their types and "
                               "rows, as Steampipe's json\n")


def test_a_bare_group_prints_its_help_and_exits_0_as_steampipe():
    for args, commands in (([], ("query", "check", "who-can", "evidence")), (["evidence"], ("run", "verify"))):
        proc = run_cli(*args)
        assert proc.returncode == 0, args
        assert proc.stderr == "", proc.stderr
        assert proc.stdout.startswith(f"Usage: iamsql {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND"), proc.stdout
        listed = proc.stdout.split("Commands:")[1]
        assert all(f"\n  {command} " in listed for command in commands), (args, listed)


def test_a_command_line_that_names_a_command_builds_only_that_one(monkeypatch):
    built: list[list[str]] = []
    monkeypatch.setattr(
        cli,
        "run",
        lambda app, **_: built.append([c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]),
    )
    for argv, expected in (
        (["query", "select 1"], ["query"]),
        (["evidence", "run"], ["evidence"]),
        (["--help"], list(cli.COMMANDS)),
        (["qurey"], list(cli.COMMANDS)),
    ):
        monkeypatch.setattr(sys, "argv", ["iamsql", *argv])
        cli.main()
        assert sorted(built.pop()) == sorted(expected), argv
    assert [c.name for c in cli.app.registered_commands] + [g.name for g in cli.app.registered_groups] == list(
        cli.COMMANDS
    )


def test_help_shows_no_bool_after_flags():
    for command in (["query"], ["check"], ["load"], ["evidence", "run"]):
        proc = run_cli(*command, "--help", env={**os.environ, "COLUMNS": "200"})
        assert proc.returncode == 0 and "--help" in proc.stdout
        assert "<bool>" not in proc.stdout, command
    assert (
        "<path>" in run_cli("query", "--help", env={**os.environ, "COLUMNS": "200"}).stdout
    )  # valued options keep theirs


def test_schema_knows_aws_account_and_takes_db(tmp_path):
    proc = run_cli("schema", "aws_account")
    assert proc.returncode == 0, proc.stderr
    assert {"account_id", "account_aliases", "arn", "title", "akas", "partition", "region"} <= {
        line.split()[0] for line in proc.stdout.splitlines()[2:]
    }
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    with_db = run_cli("schema", "aws_iam_user", "--db", str(db_path))
    assert with_db.returncode == 0 and "mfa_enabled" in with_db.stdout and "boolean" in with_db.stdout
    missing = run_cli("schema", "aws_iam_user", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_schema_names_types_as_steampipe_inspect_does(tmp_path):
    """Steampipe's ``.inspect`` shows PostgreSQL's type names (text, jsonb, timestamp with time zone, bigint,
    boolean), with or without a database; ``--duckdb-types`` shows DuckDB's."""
    expected = {"name": "text", "attached_policy_arns": "jsonb", "create_date": "timestamp with time zone",
                "mfa_enabled": "boolean"}
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    for where in ([], ["--db", str(db_path)]):
        described = run_cli("schema", "aws_iam_user", *where, "--output", "json")
        assert described.returncode == 0, described.stderr
        types = {row["column"]: row["type"] for row in json.loads(described.stdout)}
        assert {column: types[column] for column in expected} == expected, where
        duckdb_types = run_cli("schema", "aws_iam_user", *where, "--duckdb-types", "--output", "json")
        types = {row["column"]: row["type"] for row in json.loads(duckdb_types.stdout)}
        assert types["name"] == "VARCHAR" and types["attached_policy_arns"] == "JSON", where
    described = run_cli("schema", "aws_iam_account_summary", "--output", "json")
    assert {row["type"] for row in json.loads(described.stdout)} >= {"bigint", "text"}


def test_schema_describes_the_bookkeeping_tables_the_docs_query(tmp_path):
    """iamsql_snapshot, iamsql_partial, iamsql_latest and history.<table> are queried in the docs: schema said
    'unknown table' for each."""
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    for table, column in (("iamsql_snapshot", "as_of"), ("iamsql_partial", "whole"), ("iamsql_latest", "table_name"),
                          ("history.aws_iam_user", "snapshot_id")):
        described = run_cli("schema", table, "--db", str(db_path), "--output", "csv")
        assert described.returncode == 0, described.stderr
        assert column in {line.split(",")[0] for line in described.stdout.splitlines()[1:]}, table
    for unknown in ("iamsql_nothing", "history.nothing", 'aws"user'):
        refused = run_cli("schema", unknown, "--db", str(db_path))
        assert refused.returncode == 2 and refused.stderr.startswith(f"error: unknown table {unknown}")


def test_one_fail_on_default_for_check_and_evidence_run(tmp_path):
    from iamsql import scheduled as evidence
    from iamsql.controls.contract import DEFAULT_FAIL_ON

    check_default = next(p.default for p in typer_main.get_command(app).commands["check"].params if p.name == "fail_on")
    assert check_default == DEFAULT_FAIL_ON == "info"
    assert evidence.load_config(None, {"evidence_dir": str(tmp_path)})["fail_on"] == DEFAULT_FAIL_ON


def test_check_refuses_a_bad_fail_on_or_format_before_running(tmp_path):
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    for option, message in (("--fail-on", "unknown --fail-on 'bogus'"), ("--format", "unknown format 'bogus'")):
        proc = run_cli("check", "--db", str(db_path), "--control", "iam_root_mfa_enabled", option, "bogus")
        assert proc.returncode == 254 and proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
        assert proc.stderr.startswith(f"error: {message}") and "stored" not in proc.stderr
    # Powerpipe's console format, refused with the formats that stand for it
    proc = run_cli("check", "--db", str(db_path), "--control", "iam_root_mfa_enabled", "--output", "pretty")
    assert proc.returncode == 254 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("error: --output pretty: ") and "--format table" in proc.stderr, proc.stderr
    con = duckdb.connect(str(db_path), read_only=True)
    runs = con.execute("select count(*) from information_schema.tables where table_name = 'iamsql_run'").fetchone()[0]
    assert not runs or con.execute("select count(*) from iamsql_run").fetchone()[0] == 0  # nothing was run
    con.close()


def test_query_json_of_intervals_uuids_and_bytea_has_no_traceback(tmp_path):
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    proc = run_cli(
        "query",
        "--db",
        str(db_path),
        "-o",
        "json",
        "select name, age(timestamptz '2026-01-01', create_date) as age, coalesce(tags, '{}') as tags, "
        "md5(name)::uuid as u, name is not null as has_name from aws_iam_user order by name limit 1",
    )
    blob = run_cli("query", "--db", str(db_path), "-o", "json", "--dialect", "duckdb", "select '\\xDE\\xAD'::blob as b")
    assert blob.returncode == 0 and json.loads(blob.stdout)["rows"] == [{"b": "\\xdead"}], blob.stderr
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)["rows"][0]
    assert row["age"].endswith(("mons", "mon", "days", "day")) or ":" in row["age"]
    assert "days," not in row["age"] and isinstance(row["tags"], dict) and row["has_name"] is True
    assert len(row["u"]) == 36


def test_report_to_a_closed_pipe_exits_0_like_query(cloudsplaining_db):
    """``iamsql report --out - --format csv | head -1``: the reader leaving early is not a failure (typer exits 1
    on a broken pipe, which reads as an alarm or an error to a script)."""
    ran = runner.invoke(app, ["check", "--db", str(cloudsplaining_db), "--fail-on", "none", "--format", "csv"])
    assert ran.exit_code == 0, ran.output
    for fmt in ("csv", "json"):
        process = subprocess.Popen(
            [sys.executable, "-c", "from iamsql.cli import main; main()",
             "report", "--db", str(cloudsplaining_db), "--out", "-", "--format", fmt],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert process.stdout.read(1)
        process.stdout.close()  # as head does after its line
        stderr = process.stderr.read().decode()
        assert process.wait() == 0, stderr
        assert "Traceback" not in stderr


def test_check_csv_takes_header_and_separator_as_powerpipe(cloudsplaining_db):
    """``powerpipe benchmark run --output csv --header=false --separator ';'``: a script reading check's csv rows
    gives the same two options."""
    args = ["check", "--db", str(cloudsplaining_db), "--fail-on", "none", "--quiet", "--control",
            "iam_policy_no_full_admin", "-o", "csv"]
    with_header = runner.invoke(app, args)
    assert with_header.exit_code == 0, with_header.output
    header, *rows = csv.reader(io.StringIO(with_header.stdout))
    assert header[0] == "group_id" and rows
    bare = runner.invoke(app, [*args, "--header=false", "--separator", ";"])
    assert bare.exit_code == 0, bare.output
    assert ";" in bare.stdout.splitlines()[0]
    assert list(csv.reader(io.StringIO(bare.stdout), delimiter=";")) == rows
    refused = run_cli(*args, "--header=maybe")
    assert refused.returncode == 254 and refused.stderr == "error: --header takes true or false, not 'maybe'\n"


def test_check_csv_on_the_console_is_powerpipes_benchmark_csv(cloudsplaining_db, tmp_path):
    """``powerpipe benchmark run --output csv`` prints the CSV ``--export csv`` writes: Powerpipe's columns
    (group_id, title, description, control_id, control_title, control_description, reason, resource, status,
    severity, then dimensions and tags), a row per result under each requirement holding the control."""
    export = tmp_path / "run.csv"
    ran = runner.invoke(app, ["check", "--db", str(cloudsplaining_db), "--fail-on", "none", "--quiet", "--control",
                              "iam_policy_no_full_admin", "-o", "csv", "--export", str(export)])
    assert ran.exit_code == 0, ran.output
    assert ran.stdout == export.read_text(encoding="utf-8")
    header, *rows = csv.reader(io.StringIO(ran.stdout))
    assert header[:10] == ["group_id", "title", "description", "control_id", "control_title", "control_description",
                           "reason", "resource", "status", "severity"]
    assert "account_id" in header and "resource_type" in header  # a dimension and a tag
    requirements = requirements_for_control("iam_policy_no_full_admin")
    assert {r[0] for r in rows} == set(requirements) and {r[3] for r in rows} == {"iam_policy_no_full_admin"}
    assert {r[8] for r in rows} <= {"ok", "alarm", "info", "skip", "error"}
    assert len(rows) % len(requirements) == 0
    assert "all controls:" in ran.stderr  # the summary stays off stdout


def test_check_export_takes_a_bare_format_name_as_powerpipe(cloudsplaining_db, tmp_path, monkeypatch):
    """``powerpipe benchmark run ... --export csv``: a format name alone writes a file named after the run in the
    current folder."""
    monkeypatch.chdir(tmp_path)
    ran = runner.invoke(app, ["check", "--db", str(cloudsplaining_db), "--fail-on", "none", "--quiet", "--control",
                              "iam_policy_no_full_admin", "--export", "csv", "--export", "ocsf", "-o", "jsonl"])
    assert ran.exit_code == 0, ran.output
    assert ran.stderr.splitlines()[-2:] == ["wrote iamsql-run-1.csv", "wrote iamsql-run-1.ocsf.json"]
    header, *rows = csv.reader(io.StringIO((tmp_path / "iamsql-run-1.csv").read_text(encoding="utf-8")))
    requirements = requirements_for_control("iam_policy_no_full_admin")  # Powerpipe's CSV: a row under each
    assert header[:4] == ["group_id", "title", "description", "control_id"] and requirements
    assert len(rows) == len(ran.stdout.splitlines()) * len(requirements) and {r[0] for r in rows} == set(requirements)
    assert json.loads((tmp_path / "iamsql-run-1.ocsf.json").read_text(encoding="utf-8"))


def test_controls_table_shows_every_control_id_whole():
    """`iamsql controls` is where --control ids are picked: at 120 columns 38 of them were cut (`accessanalyzer_no_
    active_external…`); titles and requirements give way instead."""
    shipped = sorted(path.stem for path in (Path(__file__).resolve().parent.parent / "queries").glob("*.sql"))
    for width in (80, 120):
        result = run_cli("controls", env={**os.environ, "COLUMNS": str(width)})
        assert result.returncode == 0, result.stderr
        ids = [line.split("  ", 1)[0].strip() for line in result.stdout.splitlines()[2:]]
        assert ids == shipped
    assert render(["control_id", "title"], [("a_long_control_identifier", "t" * 80)], "table",
                  whole=("control_id",)).splitlines()[2].startswith("a_long_control_identifier  ")


def test_controls_lists_only_the_controls_named_by_control():
    """`iamsql controls --control ID` listed every control (the option was read only with --print-sql), and an
    unknown id exited 0."""
    listed = run_cli("controls", "--control", "iam_root_mfa_enabled", "--control", "nhi_unused", "-o", "csv")
    assert listed.returncode == 0, listed.stderr
    assert [line.split(",", 1)[0] for line in listed.stdout.splitlines()] == [
        "control_id", "iam_root_mfa_enabled", "nhi_unused"]
    unknown = run_cli("controls", "--control", "iam_root_mfa")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr.splitlines() == [
        "error: unknown control 'iam_root_mfa' (did you mean iam_root_mfa_enabled?); 'iamsql controls' lists them"]


def test_tables_schema_and_diff_take_output_like_the_other_listings(tmp_path):
    """`iamsql tables -o json` and `iamsql diff --output md` were "No such option" errors."""
    db_path = str(tmp_path / "x.duckdb")
    assert run_cli("load", "--quiet", "--sample", "--db", db_path).returncode == 0
    listed = run_cli("tables", "--db", db_path, "-o", "json")
    assert listed.returncode == 0, listed.stderr
    assert {"table": "aws_iam_user", "rows": 65, "kind": "loaded", "partial": None} in json.loads(listed.stdout)
    partial = {row["table"]: row["partial"] for row in json.loads(listed.stdout)}
    assert partial["aws_iam_access_key"].startswith("123456789012: ")  # iamsql_partial's reason, per account
    assert "list-access-keys lists the keys of Bob only" in partial["aws_iam_access_key"]
    described = run_cli("schema", "aws_iam_role", "--output", "csv")
    assert described.returncode == 0 and described.stdout.splitlines()[:2] == ["column,type", "name,text"]
    bad = run_cli("schema", "aws_iam_role", "--format", "yaml")
    assert bad.returncode == 2 and bad.stderr.startswith("error: unknown format 'yaml'") and bad.stdout == ""
    for _ in range(2):
        assert runner.invoke(app, ["check", "--db", db_path, "--control", "iam_root_mfa_enabled", "--fail-on", "none",
                                   "--format", "json"]).exit_code == 0
    changed = run_cli("diff", "--db", db_path, "--output", "md")
    assert changed.returncode == 0 and changed.stdout.startswith("## run 1 ")


def test_tables_lists_every_table_query_reads_with_its_kind(tmp_path):
    """`iamsql tables` listed the loaded tables only: the Steampipe tables iamsql derives (aws_account,
    aws_cloudtrail_lookup_event), the helper views and the policy engine's tables, which `query` reads, were missing."""
    db_path = str(tmp_path / "x.duckdb")
    assert run_cli("load", "--quiet", "--sample", "--db", db_path).returncode == 0
    listed = run_cli("tables", "--db", db_path, "-o", "json")
    assert listed.returncode == 0, listed.stderr
    kinds = {row["table"]: row["kind"] for row in json.loads(listed.stdout)}
    assert (kinds["aws_cloudtrail_lookup_event"], kinds["aws_account"]) == ("derived", "derived")
    assert (kinds["iam_nhi_inventory"], kinds["iam_principal_access"], kinds["aws_iam_action"]) == (
        "helper view", "policy engine", "catalog")
    rows = {row["table"]: row["rows"] for row in json.loads(listed.stdout)}
    counted = run_cli("query", "--db", db_path, "-o", "csv", "--header=false",
                      "select (select count(*) from aws_cloudtrail_lookup_event), (select count(*) from aws_account)")
    assert counted.stdout.strip() == f"{rows['aws_cloudtrail_lookup_event']},{rows['aws_account']}"
    assert rows["aws_cloudtrail_lookup_event"] > 0 and rows["iam_nhi_inventory"] is None
    read = run_cli("query", "--db", db_path, "-o", "csv", "; ".join(f"select * from {name} limit 0" for name in kinds))
    assert read.returncode == 0 and read.stderr == "", read.stderr  # query reads every table listed


def test_load_sample_lists_no_skipped_licence_files(tmp_path):
    """The sample's LICENSE and PROVENANCE.md files are not input the user gave: no `skipped` line for them, while
    the same kind of file in a folder the user names is still listed."""
    sample = run_cli("load", "--sample", "--db", str(tmp_path / "s.duckdb"))
    assert sample.returncode == 0, sample.stderr
    assert "skipped" not in sample.stderr and ", 0 skipped," in sample.stdout
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "LICENSE").write_text("MIT\n")
    shutil.copy(SAMPLE_DIR / "aws_cli_examples" / "list-users_1.json", folder / "users.json")
    own = run_cli("load", str(folder), "--db", str(tmp_path / "o.duckdb"))
    assert own.returncode == 0 and f"skipped {folder / 'LICENSE'}: not JSON" in own.stderr


# --------------------------------------------------------------------------------------------------------------
# Exit codes (docs/cli.md, "Exit codes"): bad input is 254 for the commands that answer for Powerpipe's benchmark
# run and Steampipe's query (check, query, evidence run), 2 for every other command; always one error line.
# --------------------------------------------------------------------------------------------------------------

POWERPIPE_COMMANDS = {("check",), ("query",), ("evidence", "run")}


def leaf_commands(group=None, path=()):
    group = group or typer_main.get_command(app)
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name)


def bad_input_code(command: tuple[str, ...]) -> int:
    return 254 if command in POWERPIPE_COMMANDS else 2


def one_error_line(code: int, out: str, err: str) -> bool:
    return err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in out + err


@pytest.mark.parametrize("command", list(leaf_commands()), ids=" ".join)
def test_every_command_exits_as_documented_on_an_unknown_option(command, monkeypatch, capsys):
    code, out, err = cli_in_process(monkeypatch, capsys, *command, "--no-such-option")
    assert code == bad_input_code(command), (code, err)
    assert one_error_line(code, out, err) and "--no-such-option" in err, err


def test_bad_input_of_each_command_exits_as_documented(tmp_path, monkeypatch, capsys):
    missing = str(tmp_path / "missing")
    cases = {
        ("load",): ["load", missing, "--db", str(tmp_path / "a.duckdb")],
        ("collect",): ["collect", "--region", "nowhere-1", "--db", str(tmp_path / "b.duckdb")],
        ("report",): ["report", "--db", missing, "--out", str(tmp_path / "r.xlsx")],
        ("diff",): ["diff", "--db", missing],
        ("export",): ["export", "--db", missing, "--parquet", str(tmp_path / "lake")],
        ("evidence", "verify"): ["evidence", "verify", missing],
        ("evidence", "list"): ["evidence", "list", "--db", missing],
        ("exceptions", "check"): ["exceptions", "check", missing],
        ("check",): ["check", "--db", missing],
        ("query",): ["query", "select 1", "--db", missing],
        ("evidence", "run"): ["evidence", "run", "--config", missing],
    }
    for command, args in cases.items():
        code, out, err = cli_in_process(monkeypatch, capsys, *args)
        assert code == bad_input_code(command), (command, code, err)
        assert one_error_line(code, out, err), (command, err)


def test_the_documented_exit_codes_name_the_powerpipe_commands():
    rows = {code: commands for commands, code, _meaning in EXIT_CODES}
    assert set(re.findall(r"`([^`]+)`", rows["254"])) == {" ".join(c) for c in POWERPIPE_COMMANDS}
    assert "| `query` | 41 |" in (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text()


def test_an_empty_database_file_is_named_as_such(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "audit.duckdb"
    empty.write_bytes(b"")
    for command in (["tables"], ["report", "--out", str(tmp_path / "r.xlsx")], ["check"]):
        code, out, err = cli_in_process(monkeypatch, capsys, *command, "--db", str(empty))
        assert code == bad_input_code((command[0],)), (command, err)
        assert err == f"error: cannot open database {empty}: the file is empty, not a DuckDB database\n", err
    assert empty.read_bytes() == b""


def test_a_data_file_given_as_the_database_is_refused_and_left_as_it_was(tmp_path, monkeypatch, capsys):
    # DuckDB opens an existing .json or .csv as an in-memory database over the file: a load into it was lost
    # (exit code 0) and a check read nothing
    report = tmp_path / "credential-report.csv"
    report.write_text("user,arn\n")
    users = tmp_path / "users.json"
    users.write_text('{"Users": []}')
    for database in (users, report):
        before = database.read_bytes()
        for command in (["load", str(report)], ["tables"], ["check"]):
            code, out, err = cli_in_process(monkeypatch, capsys, *command, "--db", str(database))
            assert code == bad_input_code((command[0],)), (command, err)
            assert err == (f"error: cannot open database {database}: not a DuckDB database (a file to load is an "
                           f"argument of 'iamsql load', not its --db)\n"), err
        assert database.read_bytes() == before
