"""CloudTrail load: the rows do not depend on how files are grouped into DuckDB statements, and each stored record
is the source record minified, every key in its order."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from benchmarks.cloudtrail_data import generate
from iamsql.load.formats import cloudtrail
from iamsql.store import db

ODD_FILE = "AWSLogs/111122223333/CloudTrail/us-east-1/2025/03/01/111122223333_CloudTrail_us-east-1_odd.json.gz"


@pytest.fixture
def trail(tmp_path) -> list[tuple[Path, str]]:
    """600 generated events in 6 gzip files, plus one file whose Records hold items that are not events."""
    generate(tmp_path / "trail", 600, 6)
    first = json.loads(gzip.decompress(next((tmp_path / "trail").rglob("*.json.gz")).read_bytes()))["Records"][0]
    odd = tmp_path / "trail" / ODD_FILE
    odd.write_bytes(gzip.compress(json.dumps({"Records": [{**first, "eventID": "odd-1"}, None, 7, "x", [1]]}).encode()))
    return [(p, "cloudtrail-records") for p in sorted((tmp_path / "trail").rglob("*.json.gz"))]


def _load(path: Path, files: list[tuple[Path, str]]) -> tuple[list[tuple], dict]:
    con = db.connect(path)
    with db.transaction(con):
        stats = cloudtrail.load_events(
            con, files, lambda account: db.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=None)
        )
    rows = con.execute(
        "select * exclude (cloudtrail_event), cloudtrail_event::varchar from history.aws_cloudtrail_trail_event "
        "order by event_id"
    ).fetchall()
    con.close()
    return rows, stats


def test_one_statement_per_file_stores_the_same_rows_as_one_statement(tmp_path, trail, monkeypatch):
    together, together_stats = _load(tmp_path / "together.duckdb", trail)
    monkeypatch.setattr(cloudtrail, "BATCH_BYTES", 1)
    assert len(cloudtrail._batches(trail)) == len(trail)
    apart, apart_stats = _load(tmp_path / "apart.duckdb", trail)
    assert len(together) == 601
    assert apart == together
    assert apart_stats["rejected"] == together_stats["rejected"] == 4
    assert apart_stats["files"] == together_stats["files"]
    reasons = together_stats["files"][str(tmp_path / "trail" / ODD_FILE)]["rejected"]
    assert reasons == {
        "not a JSON object (null)": 1,
        "not a JSON object (a number)": 1,
        "not a JSON object (text)": 1,
        "not a JSON object (a list)": 1,
    }


def test_stored_records_are_the_source_records_minified(tmp_path, trail):
    rows, _ = _load(tmp_path / "events.duckdb", trail)
    stored = {row[-1] for row in rows}
    source = {
        json.dumps(record, separators=(",", ":"), ensure_ascii=False)
        for path, _ in trail
        for record in json.loads(gzip.decompress(path.read_bytes()))["Records"]
        if isinstance(record, dict)
    }
    assert stored == source
