"""The CLI's own surface: version, help, schema listing, one-line errors."""

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from iamsql import __version__
from iamsql.cli import INTERRUPTED, _interrupted_command, app
from iamsql.load import SAMPLE_DIR

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


def test_schema_lists_steampipe_columns():
    result = runner.invoke(app, ["schema", "aws_iam_role"])
    assert result.exit_code == 0
    for column in ("assume_role_policy_std", "role_last_used_date", "account_id", "snapshot_id"):
        assert column in result.output


def test_unknown_table_is_one_line_error():
    proc = run_cli("schema", "aws_iam_nope")
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0
    assert "unknown table 'aws_iam_nope'" in proc.stderr
    assert "Traceback" not in proc.stderr


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
        return (con.execute("select * from iamsql_snapshot order by snapshot_id").fetchall(),
                con.execute("select count(*), count(distinct snapshot_id) from history.aws_cloudtrail_trail_event").fetchall(),
                con.execute("select count(*) from history.aws_iam_user").fetchall())
    finally:
        con.close()


def reading(pid: int, folder: Path) -> bool:
    """True once the process has a file of ``folder`` open (the load has started)."""
    try:
        return any(os.readlink(fd).startswith(str(folder)) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False


def test_ctrl_c_during_a_large_load_says_so_and_leaves_the_database_as_it_was(tmp_path):
    db_path = tmp_path / "audit.duckdb"
    loaded = run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples"),
                     str(SAMPLE_DIR / "cloudtrail" / "invictus_ir"))
    assert loaded.returncode == 0, loaded.stderr
    before = database_state(db_path)
    trail = many_events(tmp_path / "trail", files=100, per_file=1000)
    process = subprocess.Popen(
        [sys.executable, "-c", "from iamsql.cli import main; main()", "load", "--quiet", "--db", str(db_path), str(trail)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a background job may inherit SIG_IGN
    deadline = time.monotonic() + 60
    while not reading(process.pid, trail) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(1.0)  # past the quick file sniffing, into DuckDB's reading and writing of the events
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.splitlines() == ["interrupted: nothing was loaded; the database is as it was"]
    assert database_state(db_path) == before


def test_ctrl_c_during_a_long_query_exits_130_with_one_line(tmp_path):
    db_path = tmp_path / "audit.duckdb"
    assert run_cli("load", "--quiet", "--db", str(db_path), str(SAMPLE_DIR / "aws_cli_examples")).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-c", "from iamsql.cli import main; main()", "query", "--db", str(db_path), "--dialect", "duckdb",
         "select count(*) from range(100000000000) t(x) where x % 7 = 3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not reading(process.pid, db_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130 and stderr.splitlines() == ["interrupted: nothing was changed"]


def test_interrupted_message_says_what_each_command_leaves():
    assert _interrupted_command(["load", "--db", "x.duckdb", "exports/"]) == INTERRUPTED["load"]
    assert _interrupted_command(["evidence", "run", "--config", "c.toml"]) == INTERRUPTED["evidence run"]
    assert _interrupted_command(["query", "select 1"]) == "nothing was changed"
