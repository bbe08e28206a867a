"""The other ways CloudTrail events reach people, each written here in the shape AWS produces it and loaded by
the real loader into a DuckDB file: a trail delivered to CloudWatch Logs (``filter-log-events``,
``get-log-events``, ``--query events``, an export task's ``000000.gz``), EventBridge envelopes archived by
Firehose, CloudTrail Lake query results (not loaded, said so), an organization trail's S3 tree with the files
that sit beside the logs, and formats that are close but not CloudTrail (GuardDuty, AWS Config, VPC flow logs)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.load.formats.cloudtrail import sniff
from iamsql.store import db
from tests.test_evidence import cli

ACCOUNT = "111122223333"
OTHER = "444455556666"
STREAM = f"{ACCOUNT}_CloudTrail_us-east-1"  # CloudTrail's log stream name: <account>_CloudTrail_<region>
EXPORT_TASK = "4f1b2c3d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


def event(n: int, name: str = "CreateUser", account: str = ACCOUNT, region: str = "us-east-1", **extra) -> dict:
    """A management event as a trail records it."""
    return {
        "eventVersion": "1.09",
        "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLEALICE0001", "arn": f"arn:aws:iam::{account}:user/alice",
                         "accountId": account, "accessKeyId": "AKIAEXAMPLEALICE0001", "userName": "alice"},
        "eventTime": f"2026-03-01T10:{n // 60:02d}:{n % 60:02d}Z",
        "eventSource": "iam.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0 md/command#iam.create-user",
        "requestParameters": {"userName": f"user{n}"},
        "responseElements": None,
        "requestID": f"{n:08d}-1111-2222-3333-444455556666",
        "eventID": f"{n:08d}-aaaa-bbbb-cccc-dddddddddddd",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
        **extra,
    }


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def log_event(n: int, message: dict, stream: str = STREAM) -> dict:
    """One CloudWatch Logs log event as filter-log-events prints it."""
    return {"logStreamName": stream, "timestamp": 1772359200000 + n, "message": compact(message),
            "ingestionTime": 1772359201000 + n, "eventId": f"3786{n:052d}"}


def envelope(detail: dict, detail_type: str = "AWS API Call via CloudTrail", source: str = "aws.iam") -> dict:
    """The EventBridge event of a CloudTrail record."""
    return {"version": "0", "id": f"6f87d04b-9f74-4f04-a780-{int(detail['eventID'][:8]):012d}", "detail-type": detail_type,
            "source": source, "account": detail["recipientAccountId"], "time": detail["eventTime"],
            "region": detail["awsRegion"], "resources": [], "detail": detail}


def console_login(n: int) -> dict:
    return event(n, "ConsoleLogin", eventSource="signin.amazonaws.com", eventType="AwsConsoleSignIn",
                 responseElements={"ConsoleLogin": "Success"},
                 additionalEventData={"LoginTo": "https://console.aws.amazon.com/", "MobileVersion": "No", "MFAUsed": "Yes"})


def stored(path: Path) -> list[tuple]:
    con = db.connect(path)
    try:
        return con.execute("select event_id, event_name, event_source, account_id, region, user_identifier, "
                           "cloudtrail_event->>'eventID' from history.aws_cloudtrail_trail_event order by event_id").fetchall()
    finally:
        con.close()


def load(db_path: Path, *paths: Path):
    con = db.connect(db_path)
    try:
        return load_paths(con, paths)
    finally:
        con.close()


def ids(*numbers: int) -> list[str]:
    return [f"{n:08d}-aaaa-bbbb-cccc-dddddddddddd" for n in numbers]


# ---------------------------------------------------------------------------------------------- CloudWatch Logs


def filter_log_events(path: Path, numbers: list[int]) -> Path:
    path.write_text(json.dumps({"events": [log_event(n, event(n)) for n in numbers],
                               "searchedLogStreams": [{"logStreamName": STREAM, "searchedCompletely": True}]}, indent=4))
    return path


def test_filter_log_events(tmp_path, db_path):
    path = filter_log_events(tmp_path / "filter-log-events.json", [1, 2, 3])
    summary = load(db_path, path)
    assert [f.format for f in summary.files] == ["cloudtrail-cwlogs-events"]
    rows = stored(db_path)
    assert [r[0] for r in rows] == ids(1, 2, 3)
    assert {r[1:6] for r in rows} == {("CreateUser", "iam.amazonaws.com", ACCOUNT, "us-east-1",
                                       f"arn:aws:iam::{ACCOUNT}:user/alice")}
    assert [r[6] for r in rows] == ids(1, 2, 3)  # the whole record is the message's event, not the log event


def test_get_log_events_takes_account_and_region_from_each_event(tmp_path, db_path):
    """get-log-events names no stream per event; every event says its own account and region."""
    path = tmp_path / "get-log-events.json"
    path.write_text(json.dumps({
        "events": [{k: v for k, v in log_event(n, event(n, account=acct, region=region)).items()
                    if k in ("timestamp", "message", "ingestionTime")}
                   for n, acct, region in [(1, ACCOUNT, "us-east-1"), (2, OTHER, "eu-west-1")]],
        "nextForwardToken": "f/37863245730193027318125542452370139826737836318046863360/s",
        "nextBackwardToken": "b/37863245730193027318125542452370139826737836318046863360/s"}, indent=4))
    summary = load(db_path, path)
    assert sorted(s["account_id"] for s in summary.snapshots) == [ACCOUNT, OTHER]
    assert [(r[0], r[3], r[4]) for r in stored(db_path)] == [(ids(1)[0], ACCOUNT, "us-east-1"),
                                                             (ids(2)[0], OTHER, "eu-west-1")]


def test_log_events_of_an_eventbridge_rule_and_as_an_array(tmp_path, db_path):
    """A log group that is an EventBridge rule's target holds envelopes: the event is their ``detail``. ``--query
    events`` prints the log events as a bare array."""
    rule = tmp_path / "rule-log-group.json"
    rule.write_text(json.dumps({"events": [log_event(1, envelope(event(1))),
                                           log_event(2, envelope(console_login(2), "AWS Console Sign In via CloudTrail",
                                                                 "aws.signin"))]}))
    array = tmp_path / "events-query.json"
    array.write_text(json.dumps([log_event(3, event(3))], indent=2))
    summary = load(db_path, rule, array)
    assert {f.path.name: f.format for f in summary.files} == {
        "rule-log-group.json": "cloudtrail-cwlogs-events", "events-query.json": "cloudtrail-cwlogs-array"}
    rows = stored(db_path)
    assert [(r[0], r[1], r[2]) for r in rows] == [(ids(1)[0], "CreateUser", "iam.amazonaws.com"),
                                                  (ids(2)[0], "ConsoleLogin", "signin.amazonaws.com"),
                                                  (ids(3)[0], "CreateUser", "iam.amazonaws.com")]


def test_log_events_key_order_empty_and_long_first_message():
    """Recognised whatever the key order; an empty result only with a key these outputs alone print; a first
    message longer than the head by the keys it opens with. Log events of other log groups are not CloudTrail."""
    later = json.dumps({"nextForwardToken": "f/1", "events": [log_event(1, event(1))], "nextBackwardToken": "b/1"})
    assert sniff(Path("x"), later.encode()) == "cloudtrail-cwlogs-events"
    assert sniff(Path("x"), b'{"events": [], "searchedLogStreams": []}') == "cloudtrail-cwlogs-events"
    assert sniff(Path("x"), b'{"events": []}') is None  # e.g. AWS Health describe-events: nothing says CloudWatch
    big = json.dumps({"events": [log_event(1, event(1, requestParameters={"policyDocument": "x" * 100_000}))]})
    assert sniff(Path("x"), big.encode()[:64 * 1024]) == "cloudtrail-cwlogs-events"
    lambda_log = json.dumps({"events": [{"timestamp": 1, "message": "START RequestId: 1 Version: $LATEST\n",
                                         "ingestionTime": 2, "logStreamName": "2026/03/01/[$LATEST]ab"}]})
    assert sniff(Path("x"), lambda_log.encode()) is None
    json_app_log = json.dumps({"events": [{"timestamp": 1, "message": compact({"level": "info", "msg": "hi"})}]})
    assert sniff(Path("x"), json_app_log.encode()) is None


def export_task(root: Path, numbers: list[int], name: str = "000000.gz") -> Path:
    """A CloudWatch Logs export task's object: <prefix>/<task id>/<stream>/000000.gz, '<time> <message>' lines."""
    folder = root / "exportedlogs" / EXPORT_TASK / STREAM
    folder.mkdir(parents=True, exist_ok=True)
    lines = "".join(f"2026-03-01T10:00:{n:02d}.000Z {compact(event(n))}\n" for n in numbers)
    (folder / name).write_bytes(gzip.compress(lines.encode()))
    # CloudWatch Logs writes this object when it checks that it may write to the bucket.
    (root / "exportedlogs" / EXPORT_TASK / "aws-logs-write-test").write_text("Permission Check Successful")
    return folder / name


def test_export_task_folder(tmp_path, db_path):
    export_task(tmp_path, [1, 2])
    export_task(tmp_path, [3], "000001.gz")
    summary = load(db_path, tmp_path / "exportedlogs")
    assert sorted(f.format for f in summary.files) == ["cloudtrail-cwlogs-export"] * 2
    assert [Path(p).name for p, _ in summary.skipped] == ["aws-logs-write-test"]
    rows = stored(db_path)
    assert [r[0] for r in rows] == ids(1, 2, 3)
    assert {(r[1], r[3], r[4]) for r in rows} == {("CreateUser", ACCOUNT, "us-east-1")}


def test_export_task_line_time_is_the_log_event_time(tmp_path, db_path):
    """Steampipe's timestamp is the CloudWatch Logs log event's time, which an export writes at the start of each line;
    event_time stays the record's eventTime. An export names no stream or group."""
    folder = tmp_path / "exportedlogs" / EXPORT_TASK / STREAM
    folder.mkdir(parents=True)
    (folder / "000000.gz").write_bytes(gzip.compress(f"2026-03-01T10:00:05.250Z {compact(event(1))}\n".encode()))
    load(db_path, folder / "000000.gz")
    con = db.connect(db_path)
    try:
        found = con.execute("select strftime(timestamp, '%H:%M:%S.%g'), timestamp_ms % 60000, "
                            "strftime(event_time, '%H:%M:%S'), log_stream_name, log_group_name "
                            "from history.aws_cloudtrail_trail_event").fetchall()
    finally:
        con.close()
    assert found == [("10:00:05.250", 5250, "10:00:01", None, None)]


def test_export_task_conflict_names_the_line(tmp_path, db_path):
    """The same event id with other content in an export and an S3 log: every version quarantined with its place."""
    path = export_task(tmp_path, [1, 2, 3])
    s3 = tmp_path / "s3.json"
    s3.write_text(json.dumps({"Records": [event(2, "DeleteUser")]}))
    load(db_path, path, s3)
    con = db.connect(db_path)
    try:
        found = con.execute("select source_file, position from iamsql_event_conflict order by all").fetchall()
    finally:
        con.close()
    assert found == sorted([(str(path), 2), (str(s3), 1)])


@pytest.mark.parametrize(("make", "expected"), [
    (lambda p: p.write_bytes(gzip.compress(b"2026-03-01T10:00:00.000Z " + compact(event(1)).encode() + b"\n")[:-12]),
     "truncated or corrupt gzip"),
    (lambda p: p.write_text(json.dumps({"events": [log_event(1, event(1)),
                                                   {**log_event(2, event(2)), "message": '{"eventVersion": "1.09", '}]})),
     "a CloudWatch Logs message is not JSON"),
    (lambda p: p.write_text("2026-03-01T10:00:00.000Z " + compact(event(1)) + "\n2026-03-01T10:00:01.000Z {broken\n"),
     "a CloudWatch Logs message is not JSON"),
])
def test_broken_cloudwatch_files_fail_in_one_line_and_keep_the_database(tmp_path, db_path, monkeypatch, capsys, make,
                                                                       expected):
    good = filter_log_events(tmp_path / "good.json", [7])
    load(db_path, good)
    bad = tmp_path / "bad.out"
    make(bad)
    with pytest.raises(InputError, match=expected):
        load(db_path, bad)
    code, _out, err = cli(monkeypatch, capsys, "load", str(bad), "--db", str(db_path), "--quiet")
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}: ") and expected in err
    assert "Traceback" not in err
    assert [r[0] for r in stored(db_path)] == ids(7)  # what was stored is still there, nothing half-loaded


# ---------------------------------------------------------------------------------------------- EventBridge


def test_firehose_archives_of_eventbridge(tmp_path, db_path):
    """Firehose writes the rule's events one after another with no separator (gzip, no file extension), or one
    per line; console sign-ins come as "AWS Console Sign In via CloudTrail"."""
    folder = tmp_path / "firehose" / "2026" / "03" / "01" / "10"
    folder.mkdir(parents=True)
    joined = [envelope(event(1)), envelope(console_login(2), "AWS Console Sign In via CloudTrail", "aws.signin")]
    (folder / "iam-events-1-2026-03-01-10-00-00-0a1b2c3d").write_bytes(
        gzip.compress("".join(compact(e) for e in joined).encode()))
    (folder / "iam-events-1-2026-03-01-10-05-00-4e5f6a7b").write_text(compact(envelope(event(3))) + "\n"
                                                                       + compact(envelope(event(4))) + "\n")
    summary = load(db_path, tmp_path / "firehose")
    assert {f.format for f in summary.files} == {"cloudtrail-eventbridge"}
    rows = stored(db_path)
    assert [(r[0], r[1], r[3]) for r in rows] == [(i, n, ACCOUNT) for i, n in
                                                  zip(ids(1, 2, 3, 4), ["CreateUser", "ConsoleLogin", "CreateUser", "CreateUser"])]


# ---------------------------------------------------------------------------------------------- CloudTrail Lake


def lake_results(path: Path) -> Path:
    path.write_text(json.dumps({
        "QueryStatus": "FINISHED",
        "QueryStatistics": {"ResultsCount": 1, "TotalResultsCount": 1, "BytesScanned": 52428},
        "QueryResultRows": [[{"eventid": ids(1)[0]}, {"eventname": "CreateUser"}, {"eventtime": "2026-03-01 10:00:01.000"},
                             {"useridentity": "{type=IAMUser, principalid=AIDAEXAMPLEALICE0001, "
                                              f"arn=arn:aws:iam::{ACCOUNT}:user/alice, accountid={ACCOUNT}}}"}]],
    }, indent=4))
    return path


def test_lake_query_results_say_what_to_load_instead(tmp_path, db_path, monkeypatch, capsys):
    (tmp_path / "in").mkdir()
    path = lake_results(tmp_path / "in" / "get-query-results.json")
    code, _out, err = cli(monkeypatch, capsys, "load", str(path), "--db", str(db_path), "--quiet")
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: {path}: CloudTrail Lake get-query-results output")
    assert "lookup-events" in err
    beside = filter_log_events(tmp_path / "in" / "filter-log-events.json", [1])
    summary = load(db_path, tmp_path / "in")
    assert [(Path(p).name, r.split(" (")[0]) for p, r in summary.skipped] == [
        ("get-query-results.json", "CloudTrail Lake get-query-results output")]
    assert [f.path for f in summary.files] == [beside]


# ---------------------------------------------------------------------------------------------- S3 trees


def test_organization_trail_tree_with_config_files_beside(tmp_path, db_path):
    """AWSLogs/<org id>/<account>/CloudTrail/... with an empty hour, an uncompressed log, and the AWS Config files
    that often share the bucket: the logs load, the Config files are skipped saying what they are."""
    org = tmp_path / "bucket" / "AWSLogs" / "o-a1b2c3d4e5" / OTHER / "CloudTrail" / "eu-west-1" / "2026" / "03" / "01"
    org.mkdir(parents=True)
    (org / f"{OTHER}_CloudTrail_eu-west-1_20260301T1000Z_a1.json.gz").write_bytes(
        gzip.compress(compact({"Records": [event(1, account=OTHER, region="eu-west-1")]}).encode()))
    (org / f"{OTHER}_CloudTrail_eu-west-1_20260301T1005Z_a2.json.gz").write_bytes(gzip.compress(b'{"Records":[]}'))
    (org / f"{OTHER}_CloudTrail_eu-west-1_20260301T1010Z_a3.json").write_text(
        json.dumps({"Records": [event(2, account=OTHER, region="eu-west-1")]}))
    config = tmp_path / "bucket" / "AWSLogs" / OTHER / "Config"
    snapshot = config / "eu-west-1" / "2026" / "3" / "1" / "ConfigSnapshot"
    snapshot.mkdir(parents=True)
    (config / "ConfigWritabilityCheckFile").write_text("")
    item = {"configurationItemVersion": "1.3", "configurationItemCaptureTime": "2026-03-01T10:00:00.000Z",
            "configurationStateId": 1772359200000, "awsAccountId": OTHER, "configurationItemStatus": "OK",
            "resourceType": "AWS::IAM::User", "resourceId": "AIDAEXAMPLEALICE0001", "resourceName": "alice",
            "ARN": f"arn:aws:iam::{OTHER}:user/alice", "awsRegion": "global", "availabilityZone": "Not Applicable",
            "tags": {}, "relatedEvents": [], "relationships": [], "configuration": {"path": "/", "userName": "alice"},
            "supplementaryConfiguration": {}}
    (snapshot / f"{OTHER}_Config_eu-west-1_ConfigSnapshot_20260301T100000Z_0a1b.json.gz").write_bytes(gzip.compress(
        compact({"fileVersion": "1.0", "configSnapshotId": "0a1b2c3d", "configurationItems": [item]}).encode()))
    summary = load(db_path, tmp_path / "bucket")
    assert [(r[0], r[3], r[4]) for r in stored(db_path)] == [(i, OTHER, "eu-west-1") for i in ids(1, 2)]
    reasons = {Path(p).name: r for p, r in summary.skipped}
    assert reasons[f"{OTHER}_Config_eu-west-1_ConfigSnapshot_20260301T100000Z_0a1b.json.gz"] == (
        "AWS Config snapshot or history file (configuration items, not CloudTrail events)")
    assert reasons["ConfigWritabilityCheckFile"] == "empty file"


# ---------------------------------------------------------------------------------------------- close but wrong


GUARDDUTY_FINDING = {
    "schemaVersion": "2.0", "accountId": ACCOUNT, "region": "us-east-1", "partition": "aws",
    "id": "f0c1d2e3", "arn": f"arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/d1/finding/f0c1d2e3",
    "type": "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
    "resource": {"resourceType": "AccessKey", "accessKeyDetails": {"userName": "alice", "userType": "IAMUser"}},
    "service": {"serviceName": "guardduty", "detectorId": "d1", "count": 1,
                "action": {"actionType": "AWS_API_CALL", "awsApiCallAction": {"api": "ListUsers",
                                                                             "serviceName": "iam.amazonaws.com"}},
                "eventFirstSeen": "2026-03-01T10:00:00.000Z", "eventLastSeen": "2026-03-01T10:00:00.000Z"},
    "severity": 8, "createdAt": "2026-03-01T10:00:00.000Z", "updatedAt": "2026-03-01T10:00:00.000Z",
    "title": "Credentials used outside AWS", "description": "d",
}


# What a trail with SNS notification delivery publishes for each log file it writes: an SNS message whose Message
# names the files (as an SQS subscriber receives it), or that Message alone (SQS raw message delivery).
SNS_NOTIFICATION = {
    "Type": "Notification", "MessageId": "6a18da96-bcc5-52f2-b5e9-91006caecea2",
    "TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:trail-delivery",
    "Message": compact({"s3Bucket": "amzn-s3-demo-bucket", "s3ObjectKey": [
        f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/03/01/{STREAM}_20260301T1000Z_a1b2c3d4e5f6a7b8.json.gz"]}),
    "Timestamp": "2026-03-01T10:05:15.990Z", "SignatureVersion": "1", "Signature": "c2lnbmF0dXJl",
    "SigningCertURL": "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem",
    "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe",
}
DELIVERY_NOTICE = ("CloudTrail log delivery notification (the S3 keys of log files delivered, no events); "
                   "load those log files from the bucket instead")


def _cli_findings(finding: dict) -> dict:
    """aws guardduty get-findings prints the finding's keys with a capital first letter."""
    return {"Findings": [{k[0].upper() + k[1:]: v for k, v in finding.items()}]}


CLOSE_BUT_WRONG = {
    "guardduty-get-findings.json": (lambda p: p.write_text(json.dumps(_cli_findings(GUARDDUTY_FINDING), indent=4)),
                                    "GuardDuty or Security Hub findings (not CloudTrail events)"),
    "guardduty-finding.json": (lambda p: p.write_text(json.dumps(GUARDDUTY_FINDING)),
                               "GuardDuty finding (not CloudTrail events)"),
    "guardduty-export.jsonl.gz": (lambda p: p.write_bytes(gzip.compress(
        (compact(GUARDDUTY_FINDING) + "\n" + compact({**GUARDDUTY_FINDING, "id": "f2"}) + "\n").encode())),
        "not a recognised AWS IAM or CloudTrail output"),
    "sns-notification.json": (lambda p: p.write_text(json.dumps(SNS_NOTIFICATION, indent=4)), DELIVERY_NOTICE),
    "sqs-raw-message.json": (lambda p: p.write_text(SNS_NOTIFICATION["Message"]), DELIVERY_NOTICE),
    "config-history.json": (lambda p: p.write_text(json.dumps({"fileVersion": "1.0", "configurationItems": []})),
                            "AWS Config snapshot or history file (configuration items, not CloudTrail events)"),
    "vpc-flow.log.gz": (lambda p: p.write_bytes(gzip.compress(
        b"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
        b"log-status\n2 111122223333 eni-0a1b2c3d4e5f67890 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1772359200 "
        b"1772359260 ACCEPT OK\n")), "not JSON or a credential report CSV"),
}


@pytest.mark.parametrize("name", sorted(CLOSE_BUT_WRONG))
def test_close_but_wrong_formats(tmp_path, db_path, monkeypatch, capsys, name):
    make, reason = CLOSE_BUT_WRONG[name]
    folder = tmp_path / "in"
    folder.mkdir()
    make(folder / name)
    filter_log_events(folder / "trail.json", [1])
    summary = load(db_path, folder)
    assert summary.skipped == [(str(folder / name), reason)]
    assert [r[0] for r in stored(db_path)] == ids(1)
    code, _out, err = cli(monkeypatch, capsys, "load", str(folder / name), "--db", str(db_path), "--quiet")
    assert (code, err) == (2, f"error: {folder / name}: {reason}\n")
