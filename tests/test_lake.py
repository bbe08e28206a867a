"""Parquet export: layout Spark and Athena read (Hive partitions), JSON as text, idempotent and incremental
re-exports that replace only the partitions they write, clean one-line errors."""

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from iamsql import controls
from iamsql.store import db, lake

AS_OF = datetime(2024, 3, 1, 12, 0, tzinfo=timezone.utc)
ACCOUNT = "012345678901"


def event(event_id: str, when: str, region: str = "us-east-1") -> dict:
    return {"event_id": event_id, "event_time": when, "event_name": "ListUsers", "event_source": "iam.amazonaws.com",
            "aws_region": region, "region": region, "account_id": ACCOUNT, "partition": "aws",
            "user_identity": {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/alice"},
            "request_parameters": None}


def load(con, table_rows: dict[str, list[dict]], account: str = ACCOUNT) -> None:
    with db.transaction(con):
        snapshot_id = db.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=AS_OF)
        for table, rows in table_rows.items():
            db.insert_rows(con, table, snapshot_id, rows)


def user(name: str, account: str = ACCOUNT) -> dict:
    return {"name": name, "arn": f"arn:aws:iam::{account}:user/{name}", "account_id": account, "partition": "aws",
            "region": "global", "tags": {"team": "a.b"}, "create_date": "2020-01-01T00:00:00Z"}


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*.parquet")}


def read(root: Path, table: str) -> list[dict]:
    glob = (root / table).as_posix() + "/**/*.parquet"
    cursor = duckdb.sql(f"select * from read_parquet('{glob}', hive_partitioning = true, hive_types_autocast = false)")
    return [dict(zip(cursor.columns, row)) for row in cursor.fetchall()]


@pytest.fixture
def con(db_path):
    connection = db.connect(db_path)
    yield connection
    connection.close()


def test_layout_types_and_manifest(con, tmp_path):
    load(con, {"aws_iam_user": [user("alice")], "aws_cloudtrail_trail_event": [
        event("e1", "2024-02-28T10:00:00Z"), event("e2", "2024-02-29T10:00:00Z", "eu-west-1")]})
    out = tmp_path / "lake"
    summary = lake.export(con, out)
    assert summary.rows["aws_iam_user"] == 1 and summary.rows["aws_cloudtrail_trail_event"] == 2
    assert files(out) >= {
        f"aws_iam_user/account_id={ACCOUNT}/data_0.parquet",
        f"aws_cloudtrail_trail_event/account_id={ACCOUNT}/region=us-east-1/event_date=2024-02-28/data_0.parquet",
        f"aws_cloudtrail_trail_event/account_id={ACCOUNT}/region=eu-west-1/event_date=2024-02-29/data_0.parquet",
        f"iamsql_account/account_id={ACCOUNT}/data_0.parquet",
        f"iamsql_coverage/account_id={ACCOUNT}/data_0.parquet",
    }
    schema = {row[0]: row[1] for row in duckdb.sql(
        f"describe select * from read_parquet('{out}/aws_iam_user/*/*.parquet', hive_partitioning = false)").fetchall()}
    assert schema["tags"] == "VARCHAR" and schema["create_date"] == "TIMESTAMP WITH TIME ZONE"
    assert "account_id" not in schema  # it is the partition folder, as Athena/Glue expect
    tags = duckdb.sql(f"select tags from '{out}/aws_iam_user/*/*.parquet'").fetchall()[0][0]
    assert json.loads(tags) == {"team": "a.b"}
    manifest = lake.read_manifest(out)
    assert manifest["tables"]["aws_cloudtrail_trail_event"]["partitioned_by"] == ["account_id", "region", "event_date"]
    assert "user_identity" in manifest["tables"]["aws_cloudtrail_trail_event"]["json_columns"]
    assert not [p for p in out.iterdir() if p.name.startswith(".export-")]


def test_reexport_is_idempotent_and_replaces_only_written_days(con, tmp_path):
    out = tmp_path / "lake"
    load(con, {"aws_cloudtrail_trail_event": [event("d1", "2024-02-27T10:00:00Z"), event("d2", "2024-02-28T10:00:00Z")]})
    lake.export(con, out)
    first = {p: (out / p).read_bytes() for p in files(out)}
    lake.export(con, out)
    assert {p: (out / p).read_bytes() for p in files(out)} == first

    # A fresh database holding a corrected 2024-02-28 only: that day is replaced, 2024-02-27 is kept.
    other = db.connect(tmp_path / "day.duckdb")
    load(other, {"aws_cloudtrail_trail_event": [event("d2b", "2024-02-28T11:00:00Z"), event("d2c", "2024-02-28T12:00:00Z")]})
    lake.export(other, out)
    other.close()
    ids = sorted((r[0], r[-1]) for r in duckdb.sql(
        f"select event_id, event_date from read_parquet('{out}/aws_cloudtrail_trail_event/**/*.parquet', "
        "hive_partitioning = true, hive_types_autocast = false)").fetchall())
    assert ids == [("d1", "2024-02-27"), ("d2b", "2024-02-28"), ("d2c", "2024-02-28")]


def test_account_partition_replaced_and_emptied(con, tmp_path):
    out = tmp_path / "lake"
    load(con, {"aws_iam_user": [user("alice"), user("bob")]})
    load(con, {"aws_iam_user": [user("zoe", "999999999999")]}, account="999999999999")
    lake.export(con, out)
    assert len(read(out, "aws_iam_user")) == 3
    load(con, {"aws_iam_user": []})  # account 0123... now has no users: a table loaded empty is data
    lake.export(con, out)
    assert [r["name"] for r in read(out, "aws_iam_user")] == ["zoe"]


def test_run_export(con, tmp_path):
    load(con, {"aws_iam_account_password_policy": []})
    run_id = controls.run_checks(con, controls=["iam_password_policy_exists"])
    out = tmp_path / "lake"
    summary = lake.export(con, out, run_id=run_id)
    assert summary.rows["iamsql_result"] == 1
    rows = read(out, "iamsql_result")
    assert rows[0]["control_id"] == "iam_password_policy_exists" and rows[0]["status"] == "alarm"
    assert rows[0]["run_id"] == str(run_id) and read(out, "iamsql_run")[0]["engine"] == "duckdb"
    with pytest.raises(lake.LakeError, match=rf"^no check run with id 999; runs: {run_id} \('iamsql evidence list' shows them\)$"):
        lake.export(con, out, run_id=999)


def test_refuses_a_folder_that_is_not_a_lake(con, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(lake.LakeError, match="not an iamsql lake"):
        lake.export(con, folder)
    with pytest.raises(lake.LakeError, match="not an iamsql Parquet lake"):
        lake.read_manifest(folder)
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_refuses_to_export_over_a_lake_of_another_format(con, tmp_path):
    """Partitions an export does not rewrite keep their old columns: a lake of an older format is not mixed into."""
    load(con, {"aws_cloudtrail_trail_event": [event("e1", "2024-02-01T00:00:00Z")]})
    out = tmp_path / "lake"
    lake.export(con, out)
    manifest = out / lake.MANIFEST
    old = json.loads(manifest.read_text()) | {"format": lake.LAKE_FORMAT - 1}
    manifest.write_text(json.dumps(old))
    before = files(out)
    load(con, {"aws_cloudtrail_trail_event": [event("e2", "2024-02-02T00:00:00Z")]})
    with pytest.raises(lake.LakeError, match=rf"lake format {lake.LAKE_FORMAT - 1} is not supported.*empty folder"):
        lake.export(con, out)
    assert files(out) == before
    assert json.loads(manifest.read_text())["format"] == lake.LAKE_FORMAT - 1
    with pytest.raises(lake.LakeError, match="is not supported"):
        lake.read_manifest(out)


def test_cli_export(tmp_path):
    database, out = tmp_path / "s.duckdb", tmp_path / "lake"
    cli = str(Path(sys.executable).parent / "iamsql")
    run = lambda *args: subprocess.run([cli, *args], capture_output=True, text=True, timeout=120)  # noqa: E731
    assert run("load", "--sample", "--db", str(database), "-q").returncode == 0
    done = run("export", "--parquet", str(out), "--db", str(database))
    assert done.returncode == 0, done.stderr
    assert "aws_cloudtrail_trail_event" in done.stdout and f"exported to {out}" in done.stdout
    assert any("event_date=" in p for p in files(out))
    failed = run("export", "--parquet", str(out), "--db", str(tmp_path / "missing.duckdb"))
    assert failed.returncode == 2 and failed.stderr.startswith("error: ") and "Traceback" not in failed.stderr
