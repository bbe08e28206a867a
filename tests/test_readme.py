"""The README's examples work as written: its example control runs, its mapping ids exist, its commands exist."""

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from iamsql import frameworks

README = (Path(__file__).parent.parent / "README.md").read_text()


def iamsql(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from iamsql.cli import main; main()", *args], capture_output=True, text=True
    )


def test_example_control_runs_and_judges_each_console_user(tmp_path):
    sql = re.search(r"```sql\n(.*?)```", README, re.S).group(1)
    (tmp_path / "controls").mkdir()
    (tmp_path / "controls" / "my_control.sql").write_text(sql)
    db = str(tmp_path / "readme.duckdb")
    assert iamsql("load", "--sample", "--db", db).returncode == 0
    proc = iamsql(
        "check", "--db", db, "--queries", str(tmp_path / "controls"), "--control", "my_control",
        "--format", "jsonl", "--fail-on", "none",
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    judged = {row["status"] for row in rows if not row["resource"].startswith("arn:aws:::")}
    assert judged and judged <= {"ok", "alarm"}
    expected = iamsql(
        "query", "--db", db, "--format", "json",
        "select count(*) as n from aws_iam_credential_report where password_enabled and user_name <> '<root_account>'",
    )
    assert len(rows) - sum(row["status"] == "skip" for row in rows) == json.loads(expected.stdout)["rows"][0]["n"]


def test_first_query_lists_the_sample_users_without_mfa(tmp_path):
    query = re.search(r'^iamsql query "(select [^"]*where not mfa_enabled)"', README, re.M).group(1)
    db = str(tmp_path / "readme.duckdb")
    assert iamsql("load", "--sample", "--db", db).returncode == 0
    found = iamsql("query", "--db", db, "--format", "json", query)
    assert found.returncode == 0, found.stderr
    expected = iamsql("query", "--db", db, "--format", "json", "select distinct user_name from aws_iam_credential_report "
                      "where not mfa_active and user_name <> '<root_account>'")
    names = {row["name"] for row in json.loads(found.stdout)["rows"]}
    assert names and names == {row["user_name"] for row in json.loads(expected.stdout)["rows"]}


def test_example_mapping_names_current_ids_and_real_controls():
    block = re.search(r"```yaml\n(.*?)```", README, re.S).group(1)
    requirement_id = re.search(r"id: (\S+)", block).group(1)
    by_id = {r.id: r for r in frameworks.get_framework("nist-csf-2.0").requirements}
    assert "iam_user_console_mfa" in by_id[requirement_id].controls
    mapped = yaml.safe_load(block)[0]["controls"]
    assert isinstance(mapped, dict) and all(isinstance(why, str) and why for why in mapped.values())
    assert frameworks.resolve_alias("PR.AC-7")


def test_every_command_in_the_readme_has_help():
    commands = set(re.findall(r"^iamsql ([a-z]+)", README, re.M))
    commands |= set(re.findall(r"\| `([a-z]+)`", README))
    assert {"load", "collect", "query", "check", "report", "evidence", "diff"} <= commands
    for command in sorted(commands):
        proc = iamsql(command, "--help")
        assert proc.returncode == 0, f"iamsql {command} --help: {proc.stderr}"
