"""Load reports what it did not keep: identical duplicates merged and counted, conflicting versions of an event
quarantined with file and position, records that are not objects rejected with a reason, unparsable eventTime
kept as text and flagged, GAAD entities without identifiers refused; deep nesting is a one-line error."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iamsql.load import AS_OF_FORMAT, load_paths
from iamsql.store import db
from tests.test_load_paths import ACCOUNT, event

IAMSQL = str(Path(sys.executable).parent / "iamsql")


@pytest.fixture
def con(db_path):
    connection = db.connect(db_path)
    yield connection
    connection.close()


def records(path: Path, items: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"Records": items}), encoding="utf-8")
    return path


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    return subprocess.run([IAMSQL, *args], capture_output=True, text=True, env=env, timeout=120)


def one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> str:
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def test_identical_duplicates_are_merged_and_counted(tmp_path, con):
    records(tmp_path / "in" / "a.json", [event("e1"), event("e2")])
    records(tmp_path / "in" / "b.json", [event("e1"), event("e3")])
    summary = load_paths(con, [tmp_path / "in"])
    assert summary.events["identical_duplicates"] == 1 and summary.events["conflicting_event_ids"] == 0
    assert con.execute("select count(*) from history.aws_cloudtrail_trail_event").fetchone()[0] == 3
    assert con.execute("select count(*) from iamsql_event_conflict").fetchone()[0] == 0
    again = load_paths(con, [tmp_path / "in" / "b.json"])  # stored before: identical again
    assert again.events["identical_duplicates"] == 2 and again.events["inserted"] == 0


def test_conflicting_versions_are_quarantined_with_file_and_position(tmp_path, con):
    odd = event("e1", "CreateUser") | {"sourceIPAddress": "203.0.113.66"}
    first = records(tmp_path / "in" / "a.json", [event("e0"), event("e1", "CreateUser")])
    second = records(tmp_path / "in" / "b.json", [event("e2"), event("e3"), odd])
    summary = load_paths(con, [tmp_path / "in"])
    assert summary.events["conflicting_event_ids"] == 1 and summary.events["conflicting_versions"] == 2
    assert any(
        "1 event id(s) appear with different content" in w and "iamsql_event_conflict" in w for w in summary.warnings
    )
    rows = con.execute(
        "select event_id, source_file, position, kept, event->>'sourceIPAddress' "
        "from iamsql_event_conflict order by source_file"
    ).fetchall()
    assert rows == [("e1", str(first), 2, True, "198.51.100.7"), ("e1", str(second), 3, False, "203.0.113.66")]
    assert con.execute("select snapshot_id is not null and snapshot_id > 0 from iamsql_event_conflict").fetchall() == [
        (True,),
        (True,),
    ]
    # the main table keeps one row per event id: the first by file
    assert con.execute(
        "select source_ip_address from history.aws_cloudtrail_trail_event where event_id = 'e1'"
    ).fetchall() == [("198.51.100.7",)]
    counts = [
        s["load_counts"]
        for (text,) in con.execute("select sources from iamsql_snapshot").fetchall()
        for s in json.loads(text)
        if s["format"] == AS_OF_FORMAT
    ]
    assert (
        counts
        and counts[0]["conflicting_event_ids"] == 1
        and counts[0]["events_read"] == 5
        and counts[0]["events_kept"] == 4
    )


def test_conflict_with_an_event_stored_before(tmp_path, con):
    records(tmp_path / "a.json", [event("e1")])
    load_paths(con, [tmp_path / "a.json"])
    changed = records(tmp_path / "b.json", [event("e1") | {"eventName": "DeleteTrail"}])
    summary = load_paths(con, [changed])
    assert summary.events["conflicting_event_ids"] == 1
    assert con.execute(
        "select source_file, position, kept from iamsql_event_conflict order by kept desc"
    ).fetchall() == [(str(tmp_path / "a.json"), None, True), (str(changed), 1, False)]


def test_loading_a_conflicting_version_again_reports_it_once(tmp_path, con):
    records(tmp_path / "in" / "a.json", [event("e1")])
    records(tmp_path / "in" / "b.json", [event("e1") | {"eventName": "DeleteTrail"}])
    first = load_paths(con, [tmp_path / "in"])
    again = load_paths(con, [tmp_path / "in"])  # every version already quarantined
    assert (first.events["conflicting_event_ids"], again.events["conflicting_event_ids"]) == (1, 1)
    assert again.events["identical_duplicates"] == 1 and again.events["inserted"] == 0
    assert con.execute("select count(*) from iamsql_event_conflict").fetchone()[0] == 2


def test_versions_differing_only_deep_in_a_large_record_are_conflicts(tmp_path, con):
    bulky = event("e1") | {"requestParameters": {"policy": "x" * 300_000, "tail": "a"}}
    first = records(tmp_path / "in" / "a.json", [bulky, event("e2")])
    load_paths(con, [tmp_path / "in"])
    second = records(
        tmp_path / "in" / "b.json", [bulky | {"requestParameters": {"policy": "x" * 300_000, "tail": "b"}}]
    )
    again = load_paths(con, [tmp_path / "in"])
    assert again.events["identical_duplicates"] == 2 and again.events["conflicting_event_ids"] == 1
    assert con.execute(
        "select source_file, position, kept, event->'requestParameters'->>'tail' from iamsql_event_conflict "
        "order by kept desc, position"
    ).fetchall() == [(str(first), None, True, "a"), (str(first), 1, False, "a"), (str(second), 1, False, "b")]


def test_records_that_are_not_objects_are_rejected_with_reason(tmp_path, con):
    path = records(tmp_path / "a.json", [event("e1"), "a string", 42, [1], None, event("e2")])
    summary = load_paths(con, [path])
    stats = summary.events["files"][str(path)]
    assert stats["rejected"] == {
        "not a JSON object (text)": 1,
        "not a JSON object (a number)": 1,
        "not a JSON object (a list)": 1,
        "not a JSON object (null)": 1,
    }
    assert summary.events["rejected"] == 4 and summary.events["inserted"] == 2
    assert f"{path}: 4 record(s) rejected: 1 not a JSON object (a list), 1 not a JSON object (a number), 1 not a " \
        "JSON object (null), 1 not a JSON object (text)" in summary.warnings
    sources = [s for (text,) in con.execute("select sources from iamsql_snapshot").fetchall() for s in json.loads(text)]
    entry = next(s for s in sources if s["path"] == str(path))
    assert entry["records"] == 2 and sum(entry["rejected"].values()) == 4
    assert con.execute("select count(*) from iamsql_snapshot where account_id = 'unknown'").fetchone()[0] == 0


def test_unparsable_event_time_is_kept_as_text_and_flagged(tmp_path, con):
    path = records(
        tmp_path / "a.json",
        [event("e1") | {"eventTime": "1714557600"}, event("e2") | {"eventTime": "01/05/2024 10:00"}, event("e3")],
    )
    summary = load_paths(con, [path])
    assert summary.events["time_unparsed"] == 2
    assert any("2 event(s) with an eventTime that does not parse" in w for w in summary.warnings)
    assert con.execute(
        "select event_id, event_time is null, event_time_raw from history.aws_cloudtrail_trail_event order by event_id"
    ).fetchall() == [("e1", True, "1714557600"), ("e2", True, "01/05/2024 10:00"), ("e3", False, None)]


def test_cli_summary_line_carries_the_counts(tmp_path, db_path):
    records(tmp_path / "in" / "a.json", [event("e1"), event("e1"), 7, event("e2") | {"eventTime": "soon"}])
    result = cli("load", str(tmp_path / "in"), "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert (
        "events: 2 kept, 1 identical duplicate(s) merged, 0 conflicting id(s) quarantined, 1 rejected, "
        "1 unparsed time(s)"
    ) in result.stdout


def gaad(users: list, roles: list) -> dict:
    return {"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": roles, "Policies": []}


USER = {
    "UserName": "alice",
    "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
    "UserId": "AIDA1",
    "Path": "/",
    "CreateDate": "2024-01-01T00:00:00Z",
}
ROLE = {
    "RoleName": "deploy",
    "Arn": f"arn:aws:iam::{ACCOUNT}:role/deploy",
    "RoleId": "AROA1",
    "Path": "/",
    "CreateDate": "2024-01-01T00:00:00Z",
    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
}


@pytest.mark.parametrize(
    "document, where",
    [
        (gaad([USER, {k: v for k, v in USER.items() if k != "UserName"}], []), "UserDetailList[1] has no UserName"),
        (gaad([{k: v for k, v in USER.items() if k != "Arn"}], []), "UserDetailList[0] has no Arn"),
        (
            gaad([USER], [ROLE, ROLE, {k: v for k, v in ROLE.items() if k != "RoleName"}]),
            "RoleDetailList[2] has no RoleName",
        ),
        (gaad([USER], [{k: v for k, v in ROLE.items() if k != "Arn"}]), "RoleDetailList[0] has no Arn"),
        ({"Users": [USER, {"UserName": "", "Arn": "x"}]}, "Users[1] has no UserName"),
    ],
    ids=["user-name", "user-arn", "role-name", "role-arn", "list-users"],
)
def test_entities_without_identifiers_are_rejected_at_load(tmp_path, db_path, document, where):
    path = tmp_path / "gaad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    one_line_error(cli("load", str(path), "--db", str(db_path)), str(path), where)


@pytest.mark.parametrize("shape", ["object", "array", "cloudtrail"])
def test_deep_nesting_is_one_line(tmp_path, db_path, shape):
    depth = 5000
    path = tmp_path / f"deep-{shape}.json"
    if shape == "object":
        path.write_text('{"Users": ' + "[" * depth + "]" * depth + "}")
    elif shape == "array":
        path.write_text("[" * depth + "]" * depth)
    else:  # CloudTrail: read by DuckDB, which takes deep values; the event is kept whole
        deep = '{"a":' * depth + "1" + "}" * depth
        path.write_text('{"Records": [' + json.dumps(event("e1"))[:-1] + ', "requestParameters": ' + deep + "}]}")
        result = cli("load", str(path), "--db", str(db_path))
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        return
    one_line_error(cli("load", str(path), "--db", str(db_path)), str(path), "nested too deeply")


def test_deep_nesting_in_a_folder_names_the_file(tmp_path, db_path):
    records(tmp_path / "in" / "a.json", [event("e1")])
    (tmp_path / "in" / "z.json").write_text("[" * 5000 + "]" * 5000)
    one_line_error(cli("load", str(tmp_path / "in"), "--db", str(db_path)), str(tmp_path / "in" / "z.json"))


def test_database_made_before_event_time_raw_gets_the_column(tmp_path):
    path = tmp_path / "old.duckdb"
    con = db.connect(path)
    con.execute("alter table history.aws_cloudtrail_trail_event drop column event_time_raw")
    con.execute("drop table iamsql_schema")  # an older iamsql recorded no fingerprint of this schema
    con.close()
    con = db.connect(path)  # a write connection adds what is missing
    load_paths(con, [records(tmp_path / "a.json", [event("e1") | {"eventTime": "later"}])], as_of="2024-05-01")
    assert con.execute("select event_time_raw from history.aws_cloudtrail_trail_event").fetchall() == [("later",)]
    con.close()


def test_an_account_id_that_is_not_twelve_digits_is_warned_about(tmp_path, con):
    """AWS account ids are 12 digits: a hand-edited `987654321` loads as written, with a warning naming it."""
    short = {**event("e2"), "recipientAccountId": "987654321"}
    short["userIdentity"] = {**short["userIdentity"], "accountId": "987654321"}
    by_identity = {**event("e3"), "recipientAccountId": ""}  # the account comes from userIdentity.accountId
    by_identity["userIdentity"] = {**by_identity["userIdentity"], "accountId": "redacted"}
    path = records(tmp_path / "a.json", [event("e1"), short, by_identity])
    summary = load_paths(con, [path])
    assert summary.warnings == [f"{path}: account id(s) '987654321', 'redacted' in its events are not AWS account ids "
                                "(12 digits): the events are loaded under them as written"]
    assert {s["account_id"] for s in summary.snapshots} == {ACCOUNT, "987654321", "redacted"}
    assert load_paths(con, [records(tmp_path / "b.json", [event("e4")])]).warnings == []
