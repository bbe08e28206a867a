"""``iamsql load`` on files as people save what AWS gives them: CloudTrail events written by Windows PowerShell
(UTF-16 or UTF-8 with a BOM), ``--query`` lists that may be filtered, ``list-entities-for-policy`` outputs, and
credential reports saved again by a spreadsheet. Inputs are derived from the hand-written AWS shapes in
tests/data/real_shapes (see its README.md) and from small outputs written here in the shapes the AWS CLI
documents; each variant must load the rows its original loads, or be refused with one line that changes
nothing."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

SHAPES = Path(__file__).parent / "data" / "real_shapes"
ACCOUNT = "111122223333"
RECORDS = json.loads((SHAPES / "cloudtrail" / "records.json").read_text())["Records"]


def load(tmp_path: Path, *paths, name: str = "exports.duckdb", **options):
    """A fresh database with ``paths`` loaded; returns (connection, load summary)."""
    con = db.connect(tmp_path / name)
    return con, load_paths(con, [str(p) for p in paths], **options)


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def state(con) -> list:
    """Everything a refused load must leave as it was: snapshots and the rows of every history table."""
    counts = [rows(con, f"select count(*) from history.{t}")[0][0] for (t,) in rows(
        con, "select table_name from information_schema.tables where table_schema = 'history' order by 1")]
    return [rows(con, "select snapshot_id, account_id from iamsql_snapshot order by 1"), counts]


# ---- CloudTrail events saved by Windows PowerShell -----------------------------------------------------------------

LOOKUP = (SHAPES / "cloudtrail" / "lookup-events.json").read_text()
EVENT_FILES = {
    # Windows PowerShell 5.1: `aws cloudtrail lookup-events > events.json` and Out-File write UTF-16LE with a BOM,
    # CRLF line ends; Out-File -Encoding BigEndianUnicode writes UTF-16BE; -Encoding utf8 UTF-8 with a BOM.
    "lookup-events, UTF-16LE": (LOOKUP, "utf-16-le", codecs.BOM_UTF16_LE),
    "lookup-events, UTF-16BE": (LOOKUP, "utf-16-be", codecs.BOM_UTF16_BE),
    "lookup-events, UTF-8 BOM": (LOOKUP, "utf-8", codecs.BOM_UTF8),
    "S3 log file, UTF-16LE": (json.dumps({"Records": RECORDS}, indent=2, ensure_ascii=False), "utf-16-le",
                              codecs.BOM_UTF16_LE),
    "one event per line, UTF-16LE": ("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), "utf-16-le",
                                     codecs.BOM_UTF16_LE),
}


@pytest.mark.parametrize("variant", EVENT_FILES)
def test_cloudtrail_events_saved_by_powershell_load_as_their_utf8_original(tmp_path, variant):
    text, encoding, bom = EVENT_FILES[variant]
    original, saved = tmp_path / "utf8" / "events.json", tmp_path / "saved" / "events.json"
    original.parent.mkdir()
    saved.parent.mkdir()
    original.write_text(text, encoding="utf-8")
    saved.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    query = "select * exclude (snapshot_id, source_file) from aws_cloudtrail_trail_event order by event_id"
    want_con, _ = load(tmp_path, original, name="utf8.duckdb")
    con, summary = load(tmp_path, saved)
    assert rows(con, query) == rows(want_con, query) != []
    assert rows(con, "select distinct source_file from aws_cloudtrail_trail_event") == [(str(saved),)]
    assert summary.events["files"][str(saved)]["events"] == len(rows(con, query))


@pytest.mark.parametrize("tail, reason", [
    (b"\x00\xd8\x7d\x00", "illegal UTF-16 surrogate"),  # a lone high surrogate before "}"
    (b"\x7d", "truncated data"),  # an odd number of bytes
])
def test_broken_utf16_event_file_is_one_line_and_changes_nothing(tmp_path, tail, reason):
    con = db.connect(tmp_path / "exports.duckdb")
    load_paths(con, [str(SHAPES / "cloudtrail" / "lookup-events.json")])
    before = state(con)
    path = tmp_path / "events.json"
    path.write_bytes(codecs.BOM_UTF16_LE + json.dumps({"Records": RECORDS[:1]})[:-1].encode("utf-16-le") + tail)
    with pytest.raises(InputError) as caught:
        load_paths(con, [str(path)])
    assert str(caught.value) == f"{path}: not UTF-16 text after its byte order mark ({reason})"
    assert state(con) == before
