"""``iamsql collect`` with one worker and with several, against moto's HTTP server: the same evidence files with
the same content, the same manifest (files, accounts, gaps, in the same order) and the same loaded tables; only
the clock times differ."""

import json
from pathlib import Path

import duckdb
import pytest

from iamsql.collect.run import collect
from iamsql.errors import CollectError
from iamsql.store import db
from tests.fixtures.moto import create_organization, populate_account, populate_workloads

MANAGEMENT = "123456789012"
# The manifest's clock times, and what moto makes anew for each run whatever the workers: the clock in a trail's
# status, the credential report's generation, the random id of each assumed-role session.
TIMES = ("time", "started_at", "finished_at")
SERVER_MADE = ("LatestDeliveryTime", "LatestDeliveryAttemptTime", "GeneratedTime", "Content", "UserId")


def without(value, keys):
    if isinstance(value, dict):
        return {k: without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [without(v, keys) for v in value]
    return value


def evidence_contents(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*.json"))
        if path.name != "manifest.json"
    }


def server_made_only(before: bytes, after: bytes) -> bool:
    """Whether two answers differ only in what moto makes anew on each call."""
    return without(json.loads(before), SERVER_MADE) == without(json.loads(after), SERVER_MADE)


def table_rows(path: Path, table: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select * exclude (snapshot_id) from history.{table} order by all").fetchall()
    finally:
        con.close()


@pytest.fixture
def account(aws_session):
    populate_account(aws_session, MANAGEMENT)
    populate_workloads(aws_session)
    return create_organization(aws_session)


def collect_with(workers: int, folder: Path):
    con = db.connect(folder / "db.duckdb")
    try:
        return collect(
            con,
            evidence_dir=folder / "evidence",
            org=True,
            role_name="SecurityAudit",
            regions=["us-east-1", "eu-west-1"],
            lookup_events_days=1,
            max_workers=workers,
        )
    finally:
        con.close()


def test_evidence_and_manifest_do_not_depend_on_the_number_of_workers(account, tmp_path):
    one, four = tmp_path / "one", tmp_path / "four"
    one.mkdir()
    four.mkdir()
    serial = collect_with(1, one)
    parallel = collect_with(4, four)

    files = [evidence_contents(folder / "evidence") for folder in (one, four)]
    assert sorted(files[0]) == sorted(files[1])
    assert {Path(path).stem for path in files[0]} >= {
        "get-account-authorization-details",
        "describe-trails",
        "describe-instances",
        "list-accounts",
    }
    assert set(account.values()) <= {path.split("/", 1)[0] for path in files[0]}
    differing = {path for path in files[0] if files[0][path] != files[1][path]}
    assert all(server_made_only(files[0][path], files[1][path]) for path in differing), sorted(differing)

    manifests = [json.loads((folder / "evidence" / "manifest.json").read_text()) for folder in (one, four)]
    assert manifests[0]["options"]["regions"] == ["us-east-1", "eu-west-1"]
    for manifest in manifests:
        manifest["files"] = [
            {k: v for k, v in f.items() if k not in ("sha256", "bytes") or f["path"] not in differing}
            for f in manifest["files"]
        ]
    assert without(manifests[0], (*TIMES, "UserId")) == without(manifests[1], (*TIMES, "UserId"))
    assert [g["api"] for g in manifests[0]["gaps"]].count("cloudtrail:LookupEvents") == 6  # 3 accounts x 2 regions
    assert list(manifests[0]["accounts"]) == sorted(manifests[0]["accounts"])
    assert without(serial.gaps, TIMES) == without(parallel.gaps, TIMES)

    for table in ("aws_iam_user", "aws_iam_role", "aws_iam_policy", "aws_ec2_instance", "aws_organizations_account"):
        assert table_rows(one / "db.duckdb", table) == table_rows(four / "db.duckdb", table), table


def test_max_workers_must_be_positive(moto_env, tmp_path):
    con = db.connect(tmp_path / "db.duckdb")
    with pytest.raises(CollectError, match="--max-workers must be at least 1"):
        collect(con, evidence_dir=tmp_path / "ev", max_workers=0)
    con.close()
    assert not (tmp_path / "ev").exists()
