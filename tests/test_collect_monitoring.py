"""``iamsql collect`` of what watches an account, against moto's HTTP server through boto3: regions, metric
filters on the trail's log group, the alarm on the filter's metric, the SNS subscription behind the alarm and the
trail bucket's configuration land in Steampipe's tables; a denied call is a gap and leaves its table unloaded."""

import json

import boto3

from iamsql.collect.run import collect
from iamsql.store import db
from tests.fixtures.moto import populate_account

ACCOUNT = "123456789012"
ROOT_PATTERN = '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
LOG_GROUP = "trail-events"


def watch_account(session: boto3.Session) -> dict:
    """The account of ``populate_account`` with its multi-region trail delivering to a log group that has a
    root-usage metric filter, an alarm on it that notifies an SNS topic with an email subscriber, and a trail
    bucket with access logging, versioning, a public access block and a bucket policy."""
    facts = populate_account(session, ACCOUNT)
    logs = session.client("logs")
    logs.create_log_group(logGroupName=LOG_GROUP)
    group_arn = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{LOG_GROUP}:*"
    iam = session.client("iam")
    role = iam.create_role(RoleName="trail-to-logs", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    session.client("cloudtrail").update_trail(Name="main", CloudWatchLogsLogGroupArn=group_arn,
                                              CloudWatchLogsRoleArn=role)
    logs.put_metric_filter(logGroupName=LOG_GROUP, filterName="root-usage", filterPattern=ROOT_PATTERN,
                           metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "Security",
                                                   "metricValue": "1"}])
    sns = session.client("sns")
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="secops@example.com",
                  Attributes={"FilterPolicy": json.dumps({"severity": ["high"]})})
    session.client("cloudwatch").put_metric_alarm(
        AlarmName="root-usage", MetricName="RootUsage", Namespace="Security", Statistic="Sum", Period=300,
        EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic],
        Tags=[{"Key": "owner", "Value": "secops"}])
    s3 = session.client("s3")
    bucket = f"trail-logs-{ACCOUNT}"
    s3.create_bucket(Bucket="access-logs", ACL="log-delivery-write")
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {
        "TargetBucket": "access-logs", "TargetPrefix": "trail/"}})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*"}]}))
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "expire-old-logs", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"}, "Expiration": {"Days": 400}}]})
    s3.put_bucket_versioning(Bucket="access-logs", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={
        "Role": role, "Rules": [{"ID": "copy", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                                 "DeleteMarkerReplication": {"Status": "Disabled"},
                                 "Destination": {"Bucket": "arn:aws:s3:::access-logs"}}]})
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"TopicConfigurations": [
        {"Id": "delivered", "TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "purpose", "Value": "audit"}]})
    return {**facts, "topic": topic, "bucket": bucket, "role": role}


def test_monitoring_of_the_trail_is_collected_and_loaded(aws_session, tmp_path):
    facts = watch_account(aws_session)
    con = db.connect(tmp_path / "m.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    assert not [g for g in result.gaps if g["api"].split(":")[0] in ("logs", "cloudwatch", "sns", "s3", "ec2")]

    filters = con.execute("select name, log_group_name, region, metric_transformation_name, filter_pattern_alternatives "
                          "from aws_cloudwatch_log_metric_filter").fetchall()
    assert [f[:4] for f in filters] == [("root-usage", LOG_GROUP, "us-east-1", "RootUsage")]
    assert json.loads(filters[0][4]) == [["$.eventType != AwsServiceEvent", "$.userIdentity.invokedBy NOT EXISTS",
                                          "$.userIdentity.type = Root"]]
    alarms = con.execute("select name, metric_name, namespace, alarm_actions->>0, account_id from aws_cloudwatch_alarm")
    assert alarms.fetchall() == [("root-usage", "RootUsage", "Security", facts["topic"], ACCOUNT)]
    subscriptions = con.execute("select topic_arn, protocol, endpoint from aws_sns_topic_subscription").fetchall()
    assert subscriptions == [(facts["topic"], "email", "secops@example.com")]
    # Steampipe's columns of ListTagsForResource and GetSubscriptionAttributes: one call per alarm and subscription
    assert con.execute("select tags->>'owner', tags_src->0->>'Key' from aws_cloudwatch_alarm").fetchall() == [
        ("secops", "owner")]
    attributes = con.execute("select subscription_arn, pending_confirmation, confirmation_was_authenticated, "
                             "raw_message_delivery, filter_policy->'severity'->>0 from aws_sns_topic_subscription").fetchone()
    answered = json.loads(next((tmp_path / "evidence" / ACCOUNT / "us-east-1" / "sns" / "get-subscription-attributes")
                               .glob("*.json")).read_text())["Attributes"]
    assert answered["SubscriptionArn"] == attributes[0]
    assert attributes[1:] == (answered["PendingConfirmation"] == "true", answered["ConfirmationWasAuthenticated"] == "true",
                              answered["RawMessageDelivery"] == "true", "high")
    bucket = con.execute("select region, logging->>'TargetBucket', versioning_enabled, block_public_policy, "
                         "restrict_public_buckets, policy_std->'Statement'->0->>'Sid', arn from aws_s3_bucket "
                         "where name = ?", [facts["bucket"]]).fetchone()
    assert bucket == ("us-east-1", "access-logs", True, True, True, "CloudTrailWrite", f"arn:aws:s3:::{facts['bucket']}")
    configured = con.execute(
        "select lifecycle_rules->0->>'ID', replication->>'Role', replication->'Rules'->0->'Destination'->>'Bucket', "
        "object_lock_configuration->>'ObjectLockEnabled', "
        "event_notification_configuration->'TopicConfigurations'->0->>'TopicArn', tags->>'purpose' "
        "from aws_s3_bucket where name = ?", [facts["bucket"]]).fetchone()
    assert configured == ("expire-old-logs", facts["role"], "arn:aws:s3:::access-logs", "Enabled", facts["topic"],
                          "audit")
    # only the trail bucket's whole configuration is asked for; of the other bucket, its access alone (policy and
    # Block Public Access)
    assert con.execute("select logging, versioning_enabled, block_public_acls, bucket_policy_is_public from "
                       "aws_s3_bucket where name = 'access-logs'").fetchone() == (None, None, False, False)
    regions = dict(con.execute("select name, opt_in_status from aws_region").fetchall())
    assert "us-east-1" in regions and len(regions) > 10
    evidence = tmp_path / "evidence" / ACCOUNT
    assert json.loads((evidence / "us-east-1" / "logs" / "describe-metric-filters.json").read_text())["Region"] == "us-east-1"
    assert (evidence / "us-east-1" / "s3" / "get-bucket-logging" / f"{facts['bucket']}.json").is_file()  # its region
    con.close()


def test_a_bucket_without_logging_or_public_access_block_is_recorded_as_such(aws_session, tmp_path):
    populate_account(aws_session, ACCOUNT)
    con = db.connect(tmp_path / "plain.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    assert not [g for g in result.gaps if g["api"].startswith("s3:")]
    row = con.execute("select logging, block_public_acls, bucket_policy_is_public, versioning_enabled "
                      f"from aws_s3_bucket where name = 'trail-logs-{ACCOUNT}'").fetchone()
    assert (json.loads(row[0]), *row[1:]) == ({}, False, False, False)
    # no lifecycle, replication, Object Lock or notification configuration, no tags: what Steampipe shows
    row = con.execute("select lifecycle_rules, replication, object_lock_configuration, "
                      "event_notification_configuration, tags from aws_s3_bucket where name = ?",
                      [f"trail-logs-{ACCOUNT}"]).fetchone()
    assert row[:3] == (None, None, None)
    assert json.loads(row[3]) == dict.fromkeys(("EventBridgeConfiguration", "LambdaFunctionConfigurations",
                                                "QueueConfigurations", "TopicConfigurations"))
    assert json.loads(row[4]) == {}
    errors = {path.parent.name: json.loads(path.read_text())["Error"]["Code"]
              for path in (tmp_path / "evidence" / ACCOUNT / "us-east-1" / "s3").glob("*/*.json")
              if "Error" in json.loads(path.read_text())}
    assert errors == {"get-bucket-policy": "NoSuchBucketPolicy", "get-bucket-policy-status": "NoSuchBucketPolicy",
                      "get-bucket-encryption": "ServerSideEncryptionConfigurationNotFoundError",
                      "get-public-access-block": "NoSuchPublicAccessBlockConfiguration",
                      "get-bucket-tagging": "NoSuchTagSet",
                      "get-bucket-lifecycle-configuration": "NoSuchLifecycleConfiguration",
                      "get-bucket-replication": "ReplicationConfigurationNotFoundError",
                      "get-object-lock-configuration": "ObjectLockConfigurationNotFoundError"}
    s3_files = [f for f in json.loads((tmp_path / "evidence" / "manifest.json").read_text())["files"]
                if f["api"].startswith("s3:Get")]
    assert len(s3_files) == 13  # one call per configuration of the one trail bucket
    con.close()


def test_a_denied_metric_filter_call_is_a_gap_and_leaves_the_table_unloaded(aws_session, proxy_factory, tmp_path, monkeypatch):
    watch_account(aws_session)
    server = proxy_factory(deny=("DescribeMetricFilters",))
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    con = db.connect(tmp_path / "denied.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    gaps = [(g["api"], g["region"], g["error"]) for g in result.gaps if g["api"].startswith("logs:")]
    assert gaps == [("logs:DescribeMetricFilters", "us-east-1", "AccessDenied")]
    covered = {r[0] for r in con.execute("select table_name from iamsql_latest where account_id = ?", [ACCOUNT]).fetchall()}
    assert "aws_cloudwatch_alarm" in covered and "aws_cloudwatch_log_metric_filter" not in covered
    assert con.execute("select partial from iamsql_snapshot where account_id = ?", [ACCOUNT]).fetchone() == (True,)
    con.close()
