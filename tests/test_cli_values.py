"""Option values that are not what they must be are named in one line: a ``--db`` that is a folder (``--db ""``
is the current one) and a ``--resource`` that is not an ARN."""

import os

import pytest

from tests.fixtures.cli import run_cli


@pytest.mark.parametrize("command", [["tables"], ["query", "select 1"], ["check"], ["load", "--sample"],
                                     ["evidence", "run"]])
def test_empty_db_is_named_as_an_empty_value(command, tmp_path):
    done = run_cli(*command, "--db", "", cwd=tmp_path)
    assert done.returncode == (254 if command[0] in ("check", "query", "evidence") else 2) and done.stdout == ""
    assert done.stderr.startswith("error: Invalid value for '--db'") and done.stderr.count("\n") == 1
    assert "empty (or '.'), which is the current folder, not a database file" in done.stderr
    assert "IO Error" not in done.stderr and list(tmp_path.iterdir()) == []


def test_a_folder_as_db_is_named(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    done = run_cli("tables", "--db", str(folder))
    assert done.returncode == 2
    assert f"{folder} is a folder, not a database file; give a file such as {folder / 'iamsql.duckdb'}" in done.stderr
    from_env = run_cli("tables", env={**os.environ, "IAMSQL_DB": str(folder)})
    assert from_env.returncode == 2 and "is a folder, not a database file" in from_env.stderr


def test_resource_that_is_not_an_arn_warns(sample_db):
    for command in (["who-can", "iam:PassRole"], ["simulate", "--principal",
                                                  "arn:aws:iam::012345678901:user/biden", "--action", "iam:PassRole"]):
        plain = run_cli(*command, "--resource", "notarn", "--db", sample_db, "-o", "json")
        assert plain.returncode == 0, plain.stderr
        assert plain.stderr.splitlines() == [
            "warning: --resource 'notarn' is not an ARN (arn:partition:service:region:account-id:resource); only "
            'statements with Resource "*" or a wildcard pattern matching it apply']
        short = run_cli(*command, "--resource", "arn:aws:iam", "--db", sample_db, "-o", "json")
        assert "is not an ARN" in short.stderr
        for resource in ("arn:aws:iam::012345678901:role/MyRole", "*"):
            arn = run_cli(*command, "--resource", resource, "--db", sample_db, "-o", "json")
            assert arn.returncode == 0 and arn.stderr == ""
