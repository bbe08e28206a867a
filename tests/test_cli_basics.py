"""The CLI's own surface: version, help, schema listing, one-line errors."""

import subprocess
import sys

from typer.testing import CliRunner

from iamsql import __version__
from iamsql.cli import app

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
