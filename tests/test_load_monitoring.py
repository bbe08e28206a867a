"""Monitoring outputs of the AWS CLI (tests/data/monitoring, see its README) load into Steampipe's
aws_cloudwatch_log_metric_filter, aws_cloudwatch_alarm, aws_sns_topic_subscription, aws_s3_bucket and aws_region,
detected by content; JSON filter patterns are read as the events they match."""

import json
import shutil
from pathlib import Path

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.load.formats.filter_pattern import alternatives
from iamsql.store import db

DATA = Path(__file__).parent / "data" / "monitoring"
ACCOUNT = "111122223333"
UNAUTHORIZED = ('{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && '
                '($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }')


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("monitoring")
    shutil.copytree(DATA, folder / "monitoring")
    connection = db.connect(str(folder / "m.duckdb"))
    summary = load_paths(connection, [folder / "monitoring"])
    yield connection, summary
    connection.close()


@pytest.fixture
def con(loaded):
    return loaded[0]


def test_every_output_is_recognised_and_belongs_to_the_account(loaded):
    summary = loaded[1]
    formats = {f.format for f in summary.files}
    assert {"logs:describe-metric-filters", "cloudwatch:describe-alarms", "sns:list-subscriptions", "s3:list-buckets",
            "s3:get-bucket-policy", "s3:get-bucket-policy-status", "s3:get-bucket-logging", "s3:get-bucket-versioning",
            "s3:get-bucket-encryption", "s3:get-bucket-acl", "s3:get-bucket-location", "s3:get-public-access-block",
            "s3:get-public-access-block (NoSuchPublicAccessBlockConfiguration)", "ec2:describe-regions",
            "s3:get-bucket-lifecycle-configuration", "s3:get-bucket-replication", "s3:get-object-lock-configuration",
            "s3:get-bucket-notification-configuration", "sns:get-subscription-attributes",
            "cloudwatch:list-tags-for-resource",
            "s3:get-bucket-lifecycle-configuration (NoSuchLifecycleConfiguration)",
            "s3:get-bucket-replication (ReplicationConfigurationNotFoundError)",
            "s3:get-object-lock-configuration (ObjectLockConfigurationNotFoundError)",
            "s3control:get-public-access-block"} <= formats
    assert [Path(path).name for path, _ in summary.skipped] == ["README.md"]
    assert {s["account_id"] for s in summary.snapshots} == {ACCOUNT}


def test_metric_filters_with_region_time_and_parsed_pattern(con):
    rows = {r[0]: r[1:] for r in con.execute(
        "select name, region, log_group_name, metric_transformation_name, metric_transformation_namespace, "
        "creation_time, filter_pattern_alternatives, akas->>0 from aws_cloudwatch_log_metric_filter").fetchall()}
    assert set(rows) == {"RootAccountUsage", "KmsKeyDisabled", "AppErrors"}
    root = rows["RootAccountUsage"]
    assert root[:4] == ("us-east-1", "aws-cloudtrail-logs-audit", "RootAccountUsageCount", "CISBenchmark")
    assert root[4].isoformat() == "2026-01-01T00:00:00+00:00"  # creationTime is epoch milliseconds
    assert json.loads(root[5]) == [["$.eventType != AwsServiceEvent", "$.userIdentity.invokedBy NOT EXISTS",
                                    "$.userIdentity.type = Root"]]
    assert root[6] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:aws-cloudtrail-logs-audit:metric-filter:RootAccountUsage"
    assert json.loads(rows["KmsKeyDisabled"][5]) == [["$.eventName = DisableKey"], ["$.eventName = ScheduleKeyDeletion"]]
    assert rows["AppErrors"][5] is None  # a term pattern, not a JSON one


def test_alarm_and_subscriptions(con):
    alarm = con.execute("select name, metric_name, namespace, alarm_actions->>0, actions_enabled, threshold, region, "
                        "account_id from aws_cloudwatch_alarm").fetchall()
    assert alarm == [("root-account-usage", "RootAccountUsageCount", "CISBenchmark",
                      f"arn:aws:sns:us-east-1:{ACCOUNT}:security-alerts", True, 1.0, "us-east-1", ACCOUNT)]
    subs = sorted(con.execute("select endpoint, pending_confirmation, topic_arn, region from aws_sns_topic_subscription")
                  .fetchall())
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:security-alerts"
    assert subs == [("oncall@example.com", True, topic, "us-east-1"), ("secops@example.com", False, topic, "us-east-1")]
    # Steampipe's title: what follows the ARN's last ':'; akas: the ARN, [] while the subscription is pending
    named = sorted(con.execute("select endpoint, title, akas::varchar, subscription_arn from aws_sns_topic_subscription")
                   .fetchall())
    assert named[0][:3] == ("oncall@example.com", "PendingConfirmation", "[]")
    assert named[1][0] == "secops@example.com" and named[1][3] == f"{topic}:{named[1][1]}"
    assert named[1][2] == json.dumps([named[1][3]]) and ":" not in named[1][1]


def test_alarm_tags_and_subscription_attributes_fill_steampipes_columns(con):
    """ListTagsForResource gives the alarm's tags; GetSubscriptionAttributes the confirmed subscription's flags
    (text "true"/"false" as booleans) and JSON documents; the pending subscription, which has no ARN to ask with,
    keeps NULL there, and its pending_confirmation from the listing."""
    assert [tuple(map(json.loads, row)) for row in con.execute("select tags, tags_src from aws_cloudwatch_alarm")
            .fetchall()] == [({"owner": "secops"}, [{"Key": "owner", "Value": "secops"}])]
    subs = {row[0]: row[1:] for row in con.execute(
        "select endpoint, pending_confirmation, confirmation_was_authenticated, raw_message_delivery, "
        "filter_policy->'severity'->>1, effective_delivery_policy->'healthyRetryPolicy'->>'numRetries', "
        "delivery_policy, redrive_policy from aws_sns_topic_subscription").fetchall()}
    assert subs == {"secops@example.com": (False, True, False, "critical", "3", None, None),
                    "oncall@example.com": (True, None, None, None, None, None, None)}


def test_an_alarm_without_tags_has_steampipes_empty_list_and_null_map(tmp_path):
    arn = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:root-account-usage"
    shutil.copy(DATA / "us-east-1" / "describe-alarms.json", tmp_path / "describe-alarms.json")
    (tmp_path / "tags.json").write_text(json.dumps({"ResourceARN": arn, "Tags": []}))
    connection = db.connect(str(tmp_path / "a.duckdb"))
    try:
        load_paths(connection, [tmp_path])
        assert connection.execute("select tags, tags_src from aws_cloudwatch_alarm").fetchall() == [(None, "[]")]
    finally:
        connection.close()


def test_alarm_unit_as_describe_alarms_gives_it(tmp_path):
    """The metric's unit, which an alarm names when it was created with one; NULL for an alarm without."""
    doc = json.loads((DATA / "us-east-1" / "describe-alarms.json").read_text())
    counted = {**doc["MetricAlarms"][0], "AlarmName": "counted", "Unit": "Count",
               "AlarmArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:counted"}
    doc["MetricAlarms"].append(counted)
    (tmp_path / "describe-alarms.json").write_text(json.dumps(doc))
    connection = db.connect(str(tmp_path / "a.duckdb"))
    try:
        load_paths(connection, [tmp_path / "describe-alarms.json"])
        assert connection.execute("select name, unit from aws_cloudwatch_alarm order by name").fetchall() == [
            ("counted", "Count"), ("root-account-usage", None)]
    finally:
        connection.close()


def test_buckets_merge_every_per_bucket_output(con):
    rows = {r[0]: r[1:] for r in con.execute(
        "select name, arn, region, bucket_policy_is_public, block_public_acls, restrict_public_buckets, "
        "logging->>'TargetBucket', logging is null, versioning_enabled, versioning_mfa_delete, "
        "server_side_encryption_configuration->'Rules'->0->'ApplyServerSideEncryptionByDefault'->>'SSEAlgorithm', "
        "acl->'Grants'->0->>'Permission', policy_std->'Statement'->0->'Principal'->'AWS'->>0 from aws_s3_bucket").fetchall()}
    trail = rows["audit-trail-logs-111122223333"]
    assert trail[:2] == ("arn:aws:s3:::audit-trail-logs-111122223333", "us-east-1")
    assert trail[2:] == (None, True, True, "access-logs-111122223333", False, True, False, "AES256", "FULL_CONTROL", None)
    web = rows["web.assets.example"]  # a dotted name read from its file names
    assert web[1] == "eu-west-1" and web[2] is True
    assert web[3:5] == (False, False)  # no public access block configuration: nothing blocked
    assert web[5:7] == (None, False)  # logging off is an empty object, not NULL (not loaded)
    assert web[7] is None and web[11] == "*"


def test_lifecycle_replication_object_lock_and_notifications_as_steampipe_shows_them(con):
    rows = {r[0]: r[1:] for r in con.execute(
        "select name, lifecycle_rules->0->>'ID', lifecycle_rules->0->'Transitions'->0->>'StorageClass', "
        "replication->>'Role', replication->'Rules'->0->'Destination'->>'Bucket', "
        "object_lock_configuration->>'ObjectLockEnabled', "
        "object_lock_configuration->'Rule'->'DefaultRetention'->>'Mode', "
        "event_notification_configuration from aws_s3_bucket").fetchall()}
    trail = rows["audit-trail-logs-111122223333"]
    assert trail[:6] == ("archive-trail-logs", "GLACIER", "arn:aws:iam::111122223333:role/s3-replication",
                         "arn:aws:s3:::audit-trail-logs-replica", "Enabled", "GOVERNANCE")
    notifications = json.loads(trail[6])
    assert notifications["TopicConfigurations"][0]["Events"] == ["s3:ObjectCreated:*"]
    assert {k: v for k, v in notifications.items() if k != "TopicConfigurations"} == {
        "EventBridgeConfiguration": None, "LambdaFunctionConfigurations": None, "QueueConfigurations": None}
    # no lifecycle, replication or Object Lock configuration: NULL, as Steampipe shows it (the errors are facts)
    web = rows["web.assets.example"]
    assert web[:6] == (None,) * 6
    assert json.loads(web[6]) == {"EventBridgeConfiguration": {}, "LambdaFunctionConfigurations": None,
                                  "QueueConfigurations": None, "TopicConfigurations": None}


def test_eventbridge_rules_are_not_taken_for_a_bucket_lifecycle(tmp_path):
    """``aws events list-rules`` also answers ``Rules``: its rules have a State, not a Status, and an empty list
    names no bucket, so neither is read as a lifecycle configuration."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "list-rules.json").write_text(json.dumps({"Rules": [
        {"Name": "nightly", "Arn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/nightly", "State": "ENABLED",
         "ScheduleExpression": "rate(1 day)"}]}))
    (folder / "no-rules.json").write_text(json.dumps({"Rules": []}))
    (folder / "list-buckets.json").write_text(json.dumps({"Buckets": [{"Name": "kept",
                                                                       "CreationDate": "2026-01-01T00:00:00Z"}]}))
    con = db.connect(str(tmp_path / "r.duckdb"))
    summary = load_paths(con, [folder], account_id=ACCOUNT)
    assert sorted(Path(path).name for path, _ in summary.skipped) == ["list-rules.json", "no-rules.json"]
    assert con.execute("select name, lifecycle_rules from aws_s3_bucket").fetchall() == [("kept", None)]
    con.close()


def test_the_account_s_block_public_access_and_whose_bucket_policy_is_known(con):
    """s3control get-public-access-block (the account's, by its folder) fills aws_s3_account_settings as Steampipe;
    a bucket's get-bucket-policy answer, or NoSuchBucketPolicy, names the bucket in the snapshot's sources
    (``resource_policy_of``): the trail bucket, whose policy was not loaded, is not named."""
    assert con.execute("select block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets, "
                       "title, akas, region, partition, account_id from aws_s3_account_settings").fetchall() == [
        (True, True, True, False, "S3 Account Level Block Public Access Settings",
         f'["arn:aws:s3::{ACCOUNT}:account"]', "global", "aws", ACCOUNT)]
    assert con.execute("select count(*) from aws_s3_bucket").fetchone()[0] == 2  # not taken for a bucket's block
    known = con.execute("select src ->> 'resource_policy_of' from iamsql_snapshot, "
                        "unnest(json_extract(sources, '$[*]')) as t(src) "
                        "where src ->> 'resource_policy_of' is not null").fetchall()
    assert known == [("web.assets.example",)]


def test_regions_with_opt_in_status(con):
    rows = con.execute("select name, opt_in_status, region, akas->>0 from aws_region order by name").fetchall()
    assert rows[0] == ("af-south-1", "not-opted-in", "af-south-1", f"arn:aws::af-south-1:{ACCOUNT}")
    assert [r[0] for r in rows] == ["af-south-1", "eu-west-1", "us-east-1"]


def test_a_bucket_policy_that_is_not_json_is_a_warning(tmp_path):
    folder = tmp_path / "s3" / "get-bucket-policy"
    folder.mkdir(parents=True)
    (folder / "broken.json").write_text(json.dumps({"Policy": "{not json"}))
    con = db.connect(str(tmp_path / "b.duckdb"))
    summary = load_paths(con, [tmp_path / "s3"], account_id=ACCOUNT, as_of="2026-01-01")
    assert any("policy of bucket broken is not JSON" in w for w in summary.warnings)
    assert con.execute("select name, policy from aws_s3_bucket").fetchall() == [("broken", None)]
    con.close()


def test_a_bucket_policy_with_a_byte_order_mark_is_read(tmp_path):
    folder = tmp_path / "s3" / "get-bucket-policy"
    folder.mkdir(parents=True)
    policy = {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::marked/*",
                             "Condition": {"Bool": {"aws:SecureTransport": False}}}], "Version": "2012-10-17"}
    (folder / "marked.json").write_text(json.dumps({"Policy": "\ufeff" + json.dumps(policy, indent=2) + "\n"}))
    con = db.connect(str(tmp_path / "b.duckdb"))
    summary = load_paths(con, [tmp_path / "s3"], account_id=ACCOUNT, as_of="2026-01-01")
    assert summary.warnings == [  # no word about the policy; one bucket's output is not the account's bucket list
        f"account {ACCOUNT}: only part of aws_s3_bucket is loaded (s3/get-bucket-policy/marked.json: get-bucket-policy "
        "describes one resource, not every one of the account); controls that need the whole table skip"]
    [(stored, effect)] = con.execute("select policy, policy_std->'Statement'->0->>'Effect' from aws_s3_bucket").fetchall()
    assert (json.loads(stored), effect) == (policy, "Deny")
    con.close()


def test_an_unrecognised_file_named_explicitly_is_a_one_line_error(tmp_path):
    path = tmp_path / "get-bucket-versioning.json"
    path.write_text("{}")
    con = db.connect(str(tmp_path / "e.duckdb"))
    with pytest.raises(InputError, match="not a recognised"):
        load_paths(con, [path], account_id=ACCOUNT)
    con.close()


@pytest.mark.parametrize("pattern, expected", [
    (UNAUTHORIZED, [["$.errorCode = *UnauthorizedOperation"],
                    ["$.errorCode = AccessDenied*", "$.eventName != HeadBucket",
                     "$.sourceIPAddress != delivery.logs.amazonaws.com"]]),
    ('{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
     [["$.eventName = DisableKey", "$.eventSource = kms.amazonaws.com"],
      ["$.eventName = ScheduleKeyDeletion", "$.eventSource = kms.amazonaws.com"]]),
    ('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
     [["$.errorMessage = Failed authentication", "$.eventName = ConsoleLogin"]]),
    ('{ ($.eventName = "ConsoleLogin") && ($.errorMessage = Failed authentication) }',
     [["$.errorMessage = Failed authentication", "$.eventName = ConsoleLogin"]]),
    ("ERROR", None),
    ("[ip, user, status=4*]", None),
    ("{ $.eventName = }", None),
    ("{ ($.eventName = CreateTrail }", None),
])
def test_filter_patterns_are_read_by_meaning(pattern, expected):
    assert alternatives(pattern) == expected


def test_a_malformed_output_is_a_one_line_error_and_nothing_is_loaded(tmp_path):
    path = tmp_path / "describe-metric-filters.json"
    path.write_text(json.dumps({"metricFilters": ["not a filter"]}))
    con = db.connect(str(tmp_path / "m.duckdb"))
    with pytest.raises(InputError, match=r"bad logs:describe-metric-filters") as error:
        load_paths(con, [path], account_id=ACCOUNT, as_of="2026-01-01")
    assert "\n" not in str(error.value)
    assert con.execute("select count(*) from iamsql_snapshot").fetchone() == (0,)
    con.close()
