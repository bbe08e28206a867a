"""CloudTrail events loader: format sniffing, counts against every public CloudTrail file, column mapping against a
Python reading of the same events, deduplication, lossless storage, malformed input, and the CLI's all-or-nothing."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from benchmarks.cloudtrail_data import generate, make_event
from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.load.formats.cloudtrail import FORMATS, UNKNOWN_ACCOUNT, load_events, sniff
from iamsql.load.formats.pages import json_values
from iamsql.store import db

HEAD = 64 * 1024
# The CloudTrail event data of PROVENANCE.md section A, plus the AWS CLI's lookup-events example.
EVENT_DIRS = [
    "invictus_ir_aws_dataset",
    "maheribra_aws_attack_chain_ir",
    "stratus_red_team_detonation_logs",
    "panther_analysis",
    "otrf_security_datasets",
    "plaso_test_data",
    "aws_cloudtrail_processing_library",
    "cloud_custodian_placebo/cwe_cloudtrail_events",
    "cado_cloudgrep_tests",
    "aws_cli_examples/json/cloudtrail",
]
MALFORMED = {
    "cado_cloudgrep_tests/bad_cloudtrail.json",
    "aws_cloudtrail_processing_library/src/test/resources/SerializerTestFileBadJsonFormat.json",
}


def _text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8")


def _head(path: Path) -> bytes:
    data = path.read_bytes()
    return (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data)[:HEAD]


def python_events(path: Path, fmt: str) -> list[dict]:
    """The events of a file as plain Python reads them: the reference the loader is checked against."""
    layout, payload = FORMATS[fmt]
    values = json_values(_text(path).lstrip("\ufeff"))
    if layout == "records":
        items = [item for value in values for item in value["Records"]]
    elif layout == "events":
        items = [item for value in values for item in value["Events"]]
    elif layout == "array":
        items = [item for value in values for item in value]
    else:
        items = values
    if payload == "lookup":
        items = [json.loads(item["CloudTrailEvent"]) for item in items]
    elif payload == "eventbridge":
        items = [item.get("detail") for item in items if str(item.get("detail-type")).endswith(" via CloudTrail")]
    return [item for item in items if isinstance(item, dict)]


def identity_key(event: dict) -> str:
    """What deduplication compares: the eventID, else the whole record."""
    if event.get("eventID") is not None:
        return str(event["eventID"])
    return "record:" + json.dumps(event, separators=(",", ":"), ensure_ascii=False)


def snapshots_of(con):
    return lambda account: db.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=None)


def load(con, files, progress=None) -> dict:
    with db.transaction(con):
        return load_events(con, files, snapshots_of(con), progress)


@pytest.fixture(scope="module")
def shared_event_files(public_data) -> list[tuple[Path, str]]:
    """(path, format) of every readable CloudTrail file in the public data."""
    found = []
    for folder in EVENT_DIRS:
        for path in sorted(p for p in (public_data / folder).rglob("*") if p.is_file()):
            fmt = sniff(path, _head(path))
            if fmt and str(path.relative_to(public_data)) not in MALFORMED:
                found.append((path, fmt))
    return found


@pytest.fixture(scope="module")
def shared_loaded(shared_event_files, tmp_path_factory):
    """The public CloudTrail files loaded once, in one load, with the stats and the stored rows."""
    con = db.connect(tmp_path_factory.mktemp("shared") / "events.duckdb")
    progressed: list[Path] = []
    stats = load(con, shared_event_files, progressed.append)
    yield con, stats, progressed
    con.close()


# ---- recognising files -----------------------------------------------------------------------------------------


def test_every_public_cloudtrail_source_is_recognised(public_data, shared_event_files):
    recognised = {str(p.relative_to(public_data)) for p, _ in shared_event_files}
    formats = {fmt for _, fmt in shared_event_files}
    # each documented source, in each of its formats, is picked up
    assert {"cloudtrail-records", "cloudtrail-array", "cloudtrail-lines", "cloudtrail-lookup-events",
            "cloudtrail-lookup-lines", "cloudtrail-eventbridge"} <= formats
    for folder in EVENT_DIRS:
        assert any(name.startswith(folder + "/") for name in recognised), folder
    gz = [p for p, fmt in shared_event_files if p.name.endswith(".json.gz")]
    assert gz and all(fmt == "cloudtrail-records" for p, fmt in shared_event_files if p in gz)
    # the malformed fixtures look like CloudTrail (their error comes from loading, not from being skipped)
    for name in MALFORMED:
        assert sniff(public_data / name, _head(public_data / name)) == "cloudtrail-records"


def test_non_cloudtrail_files_are_not_claimed(public_data):
    """IAM exports, describe-trails, SNS/SQS notifications, licences, CSV and Panther's test wrapper are not events."""
    others = [p for folder in ["cloudsplaining", "cloudmapper_demo", "cloud_custodian_placebo/api_response_json",
                               "cloud_custodian_placebo/raw_placebo", "cloud_custodian_placebo/credential_reports_csv",
                               "aws_cli_examples/json/iam", "aws_cli_examples/json/sts"]
              for p in (public_data / folder).rglob("*") if p.is_file()]
    others += [p for p in (public_data / "aws_cli_examples/json/cloudtrail").iterdir() if "lookup-events" not in p.name]
    others += sorted((public_data / "aws_cloudtrail_processing_library/src/test/resources").glob("SQSMessageBody*"))
    others += [public_data / "panther_analysis/cloudtrail_rule_tests_with_meta.jsonl",
               public_data / "otrf_security_datasets/AWS_S3_HoneyBucketLogs.csv",
               public_data / "invictus_ir_aws_dataset/LICENSE"]
    assert len(others) > 500
    claimed = [p for p in others if sniff(p, _head(p))]
    assert claimed == []


@pytest.mark.parametrize(
    "head, expected",
    [
        (b'{"Records":[{"eventVersion":"1.08","eventSource":"iam.amazonaws.com"', "cloudtrail-records"),  # cut short
        (b'\n{\n  "Records" : [ ]\n}', "cloudtrail-records"),
        (b'{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","s3":{}}]}', None),  # S3 event notification
        (b'{"Records":[{"EventSource":"aws:sns","Sns":{}}]}', None),
        (b'{"awsAccountId":"111122223333","digestStartTime":"2025-01-01T00:00:00Z","logFiles":[]}', None),
        (b'{"trailList":[{"Name":"t"}]}', None),
        (b'[{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","eventTime":"2025-01-01T00:00:00Z"}]',
         "cloudtrail-array"),
        (b'{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1"}\n{"eventSo',
         "cloudtrail-lines"),
        (b'{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"us-east-1","requestPar',
         "cloudtrail-lines"),  # the first event is longer than the head
        (b'{"Events":[{"EventId":"1","CloudTrailEvent":"{}"}]}', "cloudtrail-lookup-events"),
        (b'{"Events":[{"EventId":"1","Message":"rds event"}]}', None),  # e.g. rds describe-events
        (b'{\n    "Events": []\n}\n', "cloudtrail-lookup-events"),  # lookup-events of a window without events
        (b'[{"EventId":"1","CloudTrailEvent":"{}"}]', "cloudtrail-lookup-array"),
        (b'[{"eventVersion":"1.08","eventSource":"iam.amazonaws.com","eventName":"PutRolePolicy","requestPar',
         "cloudtrail-array"),  # the first event is longer than the head
        (b'[{"EventId":"1","CloudTrailEvent":"{\\"eventVersion\\":\\"1.08\\",\\"requestPar', "cloudtrail-lookup-array"),
        (b'[{"UserDetailList":[{"UserName":"alice","Arn":"arn:aws:iam::111122223333:user/alice","UserPol', None),
        (b'{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"x"}}', "cloudtrail-eventbridge"),
        (b'[{"detail-type":"AWS API Call via CloudTrail","detail":{}}]', "cloudtrail-eventbridge-array"),
        (b'{"detail-type":"EC2 Instance State-change Notification","detail":{}}', None),
        (b"", None),
        (b"[]", None),
        (b"user,arn,user_creation_time\n", None),
    ],
)
def test_sniff(head, expected):
    assert sniff(Path("x.json"), head) == expected


# ---- the public data ---------------------------------------------------------------------------------------------


def test_public_files_load_with_the_counts_python_reads(shared_loaded, shared_event_files):
    con, stats, progressed = shared_loaded
    expected_files = {str(p): len(python_events(p, fmt)) for p, fmt in shared_event_files}
    assert {path: f["events"] for path, f in stats["files"].items()} == expected_files
    stored_per_file = dict(con.execute(
        "select source_file, count(*) from aws_cloudtrail_trail_event group by all").fetchall())
    distinct = {identity_key(e) for p, fmt in shared_event_files for e in python_events(p, fmt)}
    assert stats["events"] == sum(expected_files.values())
    assert stats["inserted"] == len(distinct) == sum(stored_per_file.values())
    assert stats["duplicates"] == stats["events"] - len(distinct)
    assert con.execute("select count(distinct event_id) from aws_cloudtrail_trail_event").fetchone()[0] == len(distinct)
    assert sorted(progressed) == sorted(p for p, _ in shared_event_files)
    # the S3-delivered trails load whole: their event ids are real and unique
    for folder in ["invictus_ir_aws_dataset", "maheribra_aws_attack_chain_ir"]:
        files = [(p, f) for p, f in shared_event_files if folder in str(p)]
        ids = {e["eventID"] for p, f in files for e in python_events(p, f)}
        stored = con.execute("select count(*) from aws_cloudtrail_trail_event where source_file like ?",
                             [f"%/{folder}/%"]).fetchone()[0]
        assert stored == len(ids) == sum(len(python_events(p, f)) for p, f in files)


def _iso_utc(value) -> datetime | None:
    if isinstance(value, str):
        for layout in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ"):
            try:
                return datetime.strptime(value, layout).replace(tzinfo=timezone.utc)
            except ValueError:
                pass
    return None


def _text_or_none(value):
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value)


def test_columns_match_a_python_reading_of_each_event(shared_loaded):
    """Every stored row's columns agree with what its own cloudtrail_event says, read in Python."""
    con, _, _ = shared_loaded
    rows = con.execute(
        "select event_id, event_name, event_source, aws_region, region, account_id, recipient_account_id, user_type,"
        " username, user_identifier, access_key_id, read_only, error_code, source_ip_address, event_time,"
        " timestamp_ms, partition, request_parameters, user_identity, resources, cloudtrail_event, _ctx"
        " from aws_cloudtrail_trail_event").fetchall()
    assert len(rows) > 3000
    iso_checked = 0
    for (event_id, name, source, aws_region, region, account, recipient, user_type, username, identifier, key,
         read_only, error_code, ip, event_time, ts_ms, partition, params, identity_json, resources, raw, ctx) in rows:
        e = json.loads(raw)
        ui = e.get("userIdentity") if isinstance(e.get("userIdentity"), dict) else {}
        issuer = (ui.get("sessionContext") or {}).get("sessionIssuer") or {}
        assert event_id == (_text_or_none(e.get("eventID")) or event_id)
        if e.get("eventID") is None:
            assert event_id.startswith("iamsql-")
        assert (name, source, error_code, ip) == tuple(
            _text_or_none(e.get(k)) for k in ("eventName", "eventSource", "errorCode", "sourceIPAddress"))
        assert aws_region == region == _text_or_none(e.get("awsRegion"))
        assert recipient == _text_or_none(e.get("recipientAccountId"))
        assert account == (recipient or _text_or_none(ui.get("accountId")))
        assert json.loads(ctx) == {"connection_name": account}
        # Steampipe's Go strings: '' for a member the identity lacks; username never the session issuer's, the
        # identifier the identity's own arn
        assert user_type == (_text_or_none(ui.get("type")) or "")
        assert username == (_text_or_none(ui.get("userName")) or "")
        assert identifier == (_text_or_none(ui.get("arn")) or "")
        assert key == (_text_or_none(ui.get("accessKeyId")) or "")
        ro = e.get("readOnly")
        assert read_only == ({"true": True, "false": False}.get(str(ro).lower()) if ro is not None else None)
        arn = ui.get("arn") or issuer.get("arn")
        if isinstance(arn, str) and arn.startswith("arn:"):
            assert partition == arn.split(":")[1]
        else:
            assert partition in ("aws", "aws-cn", "aws-us-gov")
        assert (json.loads(params) if params is not None else None) == e.get("requestParameters")
        assert (json.loads(resources) if resources is not None else None) == e.get("resources")
        # user_identity is Steampipe's Go struct: eight strings ('' when absent), the two objects as written
        assert json.loads(identity_json) == {
            **{k: _text_or_none(ui.get(k)) or "" for k in ("type", "userName", "principalId", "arn", "accountId",
                                                         "accessKeyId", "identityProvider", "invokedBy")},
            "sessionContext": ui.get("sessionContext"), "webIdFederationData": ui.get("webIdFederationData")}
        # Logstash's cloudtrail codec moved eventTime to @timestamp (OTRF's export)
        written = e.get("eventTime") if "eventTime" in e or "@version" not in e else e.get("@timestamp")
        expected_time = _iso_utc(written)
        if expected_time is not None:
            assert event_time == expected_time and ts_ms == int(expected_time.timestamp() * 1000)
            iso_checked += 1
        elif written in (None, "redacted", "..."):
            assert event_time is None and ts_ms is None
    assert iso_checked > 3000


def test_odd_public_events(shared_loaded, public_data):
    con, stats, _ = shared_loaded
    # OTRF's Logstash export has no eventTime: Logstash's cloudtrail codec moved it to @timestamp
    otrf = con.execute("select count(*), count(*) filter (where event_time = (cloudtrail_event->>'@timestamp')::timestamptz)"
                       " from aws_cloudtrail_trail_event where cloudtrail_event->>'@timestamp' is not null").fetchone()
    assert otrf[0] == otrf[1] > 0
    # the all-null fixture's events load (a derived id for the one without eventID), naming no account
    assert UNKNOWN_ACCOUNT in stats["snapshots"]
    unknown = con.execute("select count(*) from aws_cloudtrail_trail_event where account_id is null").fetchone()[0]
    covered = con.execute("select row_count from iamsql_snapshot_table where snapshot_id = ? and table_name = "
                          "'aws_cloudtrail_trail_event'", [stats["snapshots"][UNKNOWN_ACCOUNT]]).fetchone()[0]
    assert unknown == covered > 0
    # lookup-events: CloudTrailEvent strings are parsed into whole records
    lookup = public_data / "plaso_test_data/aws_cloudtrail_lookup_events.jsonl"
    item = json.loads(lookup.read_text().splitlines()[0])
    stored = con.execute("select cloudtrail_event, read_only from aws_cloudtrail_trail_event where event_id = ?",
                         [item["EventId"]]).fetchone()
    assert json.loads(stored[0]) == json.loads(item["CloudTrailEvent"])
    # snapshots cover the table with the rows they added
    coverage = dict(con.execute("select snapshot_id, row_count from iamsql_snapshot_table "
                                "where table_name = 'aws_cloudtrail_trail_event'").fetchall())
    counted = dict(con.execute("select snapshot_id, count(*) from history.aws_cloudtrail_trail_event group by all")
                   .fetchall())
    assert set(coverage) == set(stats["snapshots"].values()) >= set(counted)
    assert coverage == {sid: counted.get(sid, 0) for sid in coverage}


def test_logstash_export_takes_the_event_time_from_at_timestamp(tmp_path, public_data, monkeypatch, capsys):
    """Logstash's cloudtrail codec moves each record's eventTime to @timestamp: an export of its events (OTRF's)
    loads with those times and gives the account its time, with no --as-of. Where a record still has eventTime
    (a pipeline without that codec, whose @timestamp is when Logstash read it), eventTime is the time."""
    from tests.test_evidence import cli

    export = public_data / "otrf_security_datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json"
    records = [json.loads(line) for line in export.read_text().splitlines() if line.strip()]
    newest = max(_iso_utc(r["@timestamp"]) for r in records)
    ingested = tmp_path / "ingested.jsonl"
    ingested.write_text(json.dumps({**records[0], "eventID": "0e6f2c3d-0000-4000-8000-000000000001",
                                    "eventTime": "2020-09-13T23:59:58Z", "@timestamp": "2020-09-14T01:30:00.123Z"}))
    database = tmp_path / "otrf.duckdb"
    code, _out, err = cli(monkeypatch, capsys, "load", str(export), str(ingested), "--db", str(database), "--quiet")
    assert (code, err) == (0, "")
    con = db.connect(database, read_only=True)
    try:
        times = dict(con.execute("select event_id, event_time from aws_cloudtrail_trail_event").fetchall())
        as_of = con.execute("select as_of from iamsql_snapshot where account_id = '123456789123'").fetchone()[0]
    finally:
        con.close()
    assert {r["eventID"]: times[r["eventID"]] for r in records} == {
        r["eventID"]: _iso_utc(r["@timestamp"]) for r in records}
    assert times["0e6f2c3d-0000-4000-8000-000000000001"] == datetime(2020, 9, 13, 23, 59, 58, tzinfo=timezone.utc)
    assert as_of == newest


# ---- generated data ----------------------------------------------------------------------------------------------


@pytest.fixture
def trail(tmp_path) -> list[tuple[Path, str]]:
    """A small S3-layout trail: 600 events in 6 gzip files across 3 accounts."""
    generate(tmp_path / "trail", 600, 6)
    return [(p, "cloudtrail-records") for p in sorted((tmp_path / "trail").rglob("*.json.gz"))]


def test_second_load_of_the_same_files_adds_nothing(db_path, trail, tmp_path):
    con = db.connect(db_path)
    first = load(con, trail[:4])
    second = load(con, trail)
    total = sum(len(python_events(p, f)) for p, f in trail)
    assert first["duplicates"] == 0
    assert second["events"] == total and second["inserted"] == total - first["inserted"]
    assert second["duplicates"] == first["inserted"]
    third = load(con, trail)
    assert third["inserted"] == 0 and third["duplicates"] == total
    assert con.execute("select count(*), count(distinct event_id) from aws_cloudtrail_trail_event").fetchone() == (
        total, total)
    # every snapshot of the re-loads covers the table, with zero rows when it added none
    rows = con.execute("select t.row_count from iamsql_snapshot_table t join iamsql_snapshot s using (snapshot_id) "
                       "where table_name = 'aws_cloudtrail_trail_event' order by snapshot_id").fetchall()
    first_accounts = len({path.name[:12] for path, _ in trail[:4]})
    assert len(rows) == first_accounts + 3 + 3 and sum(r[0] for r in rows) == total
    assert [r[0] for r in rows[-3:]] == [0, 0, 0]


def test_the_same_event_in_two_formats_in_one_load_is_stored_once(db_path, trail, tmp_path):
    """An S3 file and a lookup-events export of the same events: one row each, the first file in path order wins."""
    events = python_events(*trail[0])
    lookup = tmp_path / "z_lookup.jsonl"
    lookup.write_text("".join(json.dumps({"EventId": e["eventID"], "CloudTrailEvent": json.dumps(e)}) + "\n"
                              for e in events))
    assert sniff(lookup, _head(lookup)) == "cloudtrail-lookup-lines"
    con = db.connect(db_path)
    stats = load(con, [trail[0], (lookup, "cloudtrail-lookup-lines")])
    assert stats["inserted"] == len(events) and stats["duplicates"] == len(events)
    assert con.execute("select distinct source_file from aws_cloudtrail_trail_event").fetchall() == [(str(trail[0][0]),)]


def test_gzip_is_known_by_content_and_names_are_not_patterns(db_path, trail, tmp_path):
    """A gzip file named .json, and file names with glob characters, load like any other."""
    odd = tmp_path / "odd [1]"
    odd.mkdir()
    copies = [odd / "events*?.json", odd / "plain [a].json"]
    copies[0].write_bytes(trail[0][0].read_bytes())
    copies[1].write_text(gzip.decompress(trail[1][0].read_bytes()).decode())
    files = [(p, sniff(p, _head(p))) for p in copies]
    con = db.connect(db_path)
    stats = load(con, files)
    expected = [len(python_events(p, f)) for p, f in trail[:2]]
    assert [stats["files"][str(p)]["events"] for p in copies] == expected
    assert stats["inserted"] == sum(expected)


def test_eventbridge_envelopes_of_other_sources_are_not_events(db_path, tmp_path):
    rng = random.Random(5)
    event = make_event(rng, "777788889999", "us-west-2", datetime(2025, 3, 1, tzinfo=timezone.utc))
    envelopes = [{"detail-type": "AWS API Call via CloudTrail", "source": "aws.iam", "detail": event},
                 {"detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
                  "detail": {"instance-id": "i-1", "state": "running"}}]
    path = tmp_path / "bus.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in envelopes))
    assert sniff(path, _head(path)) == "cloudtrail-eventbridge"
    con = db.connect(db_path)
    stats = load(con, [(path, "cloudtrail-eventbridge")])
    assert stats["events"] == stats["inserted"] == 1
    stored = con.execute("select event_id, cloudtrail_event from aws_cloudtrail_trail_event").fetchone()
    assert stored[0] == event["eventID"] and json.loads(stored[1]) == event


def test_events_without_id_get_a_stable_derived_id(db_path, tmp_path):
    """Same record, pretty in one file and compact in another: one derived id, so one row."""
    rng = random.Random(7)
    event = make_event(rng, "111122223333", "us-east-1", datetime(2025, 1, 1, tzinfo=timezone.utc))
    del event["eventID"]
    (tmp_path / "a.json").write_text(json.dumps([event], indent=2))
    (tmp_path / "b.jsonl").write_text(json.dumps(event) + "\n")
    con = db.connect(db_path)
    stats = load(con, [(tmp_path / "a.json", "cloudtrail-array"), (tmp_path / "b.jsonl", "cloudtrail-lines")])
    assert (stats["events"], stats["inserted"]) == (2, 1)
    event_id = con.execute("select event_id from aws_cloudtrail_trail_event").fetchone()[0]
    again = load(con, [(tmp_path / "b.jsonl", "cloudtrail-lines")])
    assert again["inserted"] == 0 and event_id.startswith("iamsql-")


def test_every_key_survives_in_cloudtrail_event(db_path, tmp_path):
    """A key that only one event has (and odd values: big numbers, nested nulls, unicode) is stored as given."""
    rng = random.Random(3)
    when = datetime(2025, 2, 1, tzinfo=timezone.utc)
    events = [make_event(rng, "444455556666", "eu-west-1", when) for _ in range(50)]
    events[37]["onlyHere"] = {"nested": [1, 2.5, "x", None, True, {"deep": "ü €"}], "big": 123456789012345678901234567890}
    events[12]["readOnly"] = "true"  # some producers write it as a string
    path = tmp_path / "AWSLogs/444455556666/CloudTrail/eu-west-1/2025/02/01/444455556666_CloudTrail_eu-west-1_x.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"Records": events}, indent=1, ensure_ascii=False), encoding="utf-8")
    con = db.connect(db_path)
    load(con, [(path, sniff(path, _head(path)))])
    stored = {r[0]: (json.loads(r[1]), r[2]) for r in con.execute(
        "select event_id, cloudtrail_event, read_only from aws_cloudtrail_trail_event").fetchall()}
    assert len(stored) == 50
    for event in events:
        assert stored[event["eventID"]][0] == event
    assert stored[events[12]["eventID"]][1] is True
    assert con.execute("select count(*) from aws_cloudtrail_trail_event where (cloudtrail_event->'onlyHere') is not null"
                       ).fetchone()[0] == 1



def test_odd_user_identities_give_steampipe_identity_columns(db_path, tmp_path):
    """userIdentity of every shape (absent, not an object, members of other types, a session issuer that is no
    object, escapes and characters outside the BMP) gives Steampipe's Go struct in user_identity, its eight strings
    in that order, and the partition of the identity's or else its session issuer's ARN."""
    base = {"eventVersion": "1.08", "eventTime": "2025-03-01T00:00:00Z", "eventSource": "iam.amazonaws.com",
            "eventName": "ListUsers", "awsRegion": "us-east-1", "recipientAccountId": "111122223333"}
    identities = [
        "a string", [1, 2], None,
        {"type": 5, "arn": {"a": 1}, "userName": True, "sessionContext": None},
        {"type": "IAMUser", "userName": "\u00e9 \U0001F600 \"q\" \\ / \u2028 \t\u0001",
         "arn": "arn:aws-cn:iam::111122223333:user/x"},
        {"type": "AssumedRole", "webIdFederationData": {"federatedProvider": "p", "attributes": {}},
         "sessionContext": {"sessionIssuer": {"arn": "arn:aws-us-gov:iam::111122223333:role/r"}, "attributes": {}}},
        {"type": "AssumedRole", "sessionContext": {"sessionIssuer": "not an object"}},
        {"type": "Root", "accountId": "", "principalId": 1.5, "onBehalfOf": {"userId": "u"}},
    ]
    events = [dict(base, eventID=f"id-{n}", userIdentity=identity) for n, identity in enumerate(identities)]
    events.append(dict(base, eventID="none"))  # no userIdentity at all
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"Records": events}), encoding="utf-8")
    con = db.connect(db_path)
    load(con, [(path, "cloudtrail-records")])
    stored = {event_id: (identity, partition) for event_id, identity, partition in con.execute(
        "select event_id, user_identity, partition from aws_cloudtrail_trail_event").fetchall()}
    strings = ("type", "userName", "principalId", "arn", "accountId", "accessKeyId", "identityProvider", "invokedBy")
    for event in events:
        ui = event.get("userIdentity") if isinstance(event.get("userIdentity"), dict) else {}
        identity, partition = stored[event["eventID"]]
        assert list(json.loads(identity).items()) == [
            *[(k, ui.get(k) if isinstance(ui.get(k), str) else json.dumps(ui[k], separators=(",", ":"))
               if ui.get(k) is not None else "") for k in strings],
            ("sessionContext", ui.get("sessionContext")), ("webIdFederationData", ui.get("webIdFederationData"))]
        issuer = (ui.get("sessionContext") or {}).get("sessionIssuer")
        arn = ui.get("arn") if isinstance(ui.get("arn"), str) else (issuer or {}).get("arn") if isinstance(
            issuer, dict) else None
        assert partition == (arn.split(":")[1] if arn else "aws"), event["eventID"]

def test_events_without_an_arn_take_their_regions_partition(db_path, tmp_path):
    """An event whose identity has no ARN (an AWS service's call) is in the partition of its region as AWS's
    partitions define their regions (us-isob-* is aws-iso-b, eusc-de-* aws-eusc ...), not aws for every region
    outside China and GovCloud."""
    partitions = {"us-isob-east-1": "aws-iso-b", "eu-isoe-west-1": "aws-iso-e", "us-isof-south-1": "aws-iso-f",
                  "us-iso-east-1": "aws-iso", "eusc-de-east-1": "aws-eusc", "cn-northwest-1": "aws-cn",
                  "us-gov-east-1": "aws-us-gov", "mx-central-1": "aws"}
    events = [{"eventVersion": "1.08", "eventTime": "2025-03-01T00:00:00Z", "eventSource": "kms.amazonaws.com",
               "eventName": "Decrypt", "awsRegion": region, "recipientAccountId": "111122223333",
               "eventID": f"id-{region}", "userIdentity": {"type": "AWSService", "invokedBy": "s3.amazonaws.com"}}
              for region in partitions]
    path = tmp_path / "regions.json"
    path.write_text(json.dumps({"Records": events}), encoding="utf-8")
    con = db.connect(db_path)
    load(con, [(path, "cloudtrail-records")])
    assert dict(con.execute("select region, partition from aws_cloudtrail_trail_event").fetchall()) == partitions


# ---- bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_public_fixture_names_the_file(db_path, public_data, trail, name):
    bad = public_data / name
    con = db.connect(db_path)
    with pytest.raises(InputError) as caught:
        load(con, [*trail, (bad, "cloudtrail-records")])
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{bad}: ") and "JSON" in message
    assert con.execute("select count(*) from history.aws_cloudtrail_trail_event").fetchone()[0] == 0
    assert con.execute("select count(*) from iamsql_snapshot").fetchone()[0] == 0


def _truncated(trail, tmp_path) -> Path:
    cut = tmp_path / "cut" / trail[2][0].name
    cut.parent.mkdir()
    data = trail[2][0].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    return cut


def test_truncated_gzip_names_the_file(db_path, trail, tmp_path):
    cut = _truncated(trail, tmp_path)
    con = db.connect(db_path)
    load(con, trail[:1])
    before = con.execute("select count(*) from aws_cloudtrail_trail_event").fetchone()[0]
    with pytest.raises(InputError) as caught:
        load(con, [*trail, (cut, "cloudtrail-records")])
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{cut}: ") and "gzip" in message
    assert con.execute("select count(*) from aws_cloudtrail_trail_event").fetchone()[0] == before
    # the connection is usable again after the rollback, with its settings restored
    assert load(con, trail)["inserted"] == sum(len(python_events(p, f)) for p, f in trail) - before


def test_cli_load_of_a_trail_with_a_truncated_file_writes_nothing(tmp_path, trail):
    cut = _truncated(trail, tmp_path)
    database = tmp_path / "cli.duckdb"
    iamsql = [str(Path(sys.executable).parent / "iamsql")]
    ok = subprocess.run([*iamsql, "load", "--db", str(database), str(trail[0][0].parents[6])],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    counted = subprocess.run([*iamsql, "query", "--db", str(database), "--format", "csv",
                              "select count(*) as n from aws_cloudtrail_trail_event"], capture_output=True, text=True)
    assert counted.stdout.split() == ["n", str(sum(len(python_events(p, f)) for p, f in trail))]
    bad = subprocess.run([*iamsql, "load", "--db", str(database), str(cut.parent), str(trail[0][0])],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert bad.stderr.strip().count("\n") == 0 and str(cut) in bad.stderr and "Traceback" not in bad.stderr
    again = subprocess.run([*iamsql, "query", "--db", str(database), "--format", "csv",
                            "select count(*) as n from iamsql_snapshot"], capture_output=True, text=True)
    assert again.stdout.split() == ["n", "3"]


def test_delivery_files_named_after_an_account_their_events_are_not_of_make_no_snapshot_for_it(public_data, tmp_path):
    """Invictus IR's trail files are named after account 218007301253 while their events are of 123837392027 (the
    ids were anonymised apart): the events go to 123837392027's snapshot, and 218007301253, of which nothing was
    read, gets none (it got an empty one, which check filled with skips); a warning says why."""
    files = sorted((public_data / "invictus_ir_aws_dataset/CloudTrail").glob("218007301253_CloudTrail_*.json"))[:2]
    con = db.connect(tmp_path / "t.duckdb")
    try:
        summary = load_paths(con, files)
        assert {s["account_id"]: s["tables"].get("aws_cloudtrail_trail_event") for s in summary.snapshots} == {
            "123837392027": summary.events["inserted"]}
        assert con.execute("select account_id from iamsql_snapshot").fetchall() == [("123837392027",)]
        assert [w for w in summary.warnings if w.startswith("account 218007301253")] == [
            f"account 218007301253: the name of 2 CloudTrail delivery file(s) (e.g. {files[0].name}) says their "
            "events are its, but they are of 123837392027; they are loaded under that account"]
    finally:
        con.close()


def test_misnamed_delivery_files_beside_the_named_accounts_own_data_record_no_trail_coverage_for_it(public_data, tmp_path):
    """With IAM data of 218007301253 in the same load its snapshot stays, but it does not cover the trail events
    table: none of its events was read, so the event controls skip it instead of finding nothing to alarm on."""
    files = sorted((public_data / "invictus_ir_aws_dataset/CloudTrail").glob("218007301253_CloudTrail_*.json"))[:1]
    users = tmp_path / "list-users.json"
    users.write_text(json.dumps({"Users": [{
        "Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001",
        "Arn": "arn:aws:iam::218007301253:user/alice", "CreateDate": "2023-07-01T10:00:00Z"}]}))
    con = db.connect(tmp_path / "t.duckdb")
    try:
        load_paths(con, [users, *files])
        covered = con.execute(
            "select s.account_id, t.table_name from iamsql_snapshot_table t join iamsql_snapshot s using (snapshot_id) "
            "order by all").fetchall()
        assert covered == [("123837392027", "aws_cloudtrail_trail_event"), ("218007301253", "aws_iam_user")]
    finally:
        con.close()


def test_an_empty_delivery_file_keeps_its_accounts_snapshot_beside_misnamed_ones(public_data, tmp_path):
    """An empty delivery file named after 218007301253 is its trail delivering nothing: the account keeps its
    snapshot, covering the trail events table with no event, even though its other files' events are of another."""
    files = sorted((public_data / "invictus_ir_aws_dataset/CloudTrail").glob("218007301253_CloudTrail_*.json"))[:1]
    empty = tmp_path / "218007301253_CloudTrail_us-east-1_20230710T1300Z_0000000000000000.json"
    empty.write_text('{"Records": []}')
    con = db.connect(tmp_path / "t.duckdb")
    try:
        summary = load_paths(con, [*files, empty])
        assert sorted(s["account_id"] for s in summary.snapshots) == ["123837392027", "218007301253"]
        assert not [w for w in summary.warnings if w.startswith("account 218007301253")]
    finally:
        con.close()
