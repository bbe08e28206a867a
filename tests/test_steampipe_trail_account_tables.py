"""Queries written as Steampipe's AWS compliance and insights mods write them, over the tables the IAM round did not
audit: the trails (describe-trails, get-trail-status, get-event-selectors, get-insight-selectors, list-tags), their
events (S3 delivery, a log group's filter-log-events output, a CloudWatch Logs subscription's records), the credential
report with every sentinel, the password policy, the account summary, Access Analyzer and Organizations, loaded by
the real loaders from one account's outputs. Each query says what AWS means by its answer; the expected rows follow
from the outputs below."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime, timezone

import pytest

from iamsql.controls.views import create_views
from iamsql.load import load_paths
from iamsql.sql import query
from iamsql.store import db

ACCOUNT = "135792468013"
MEMBER = "246813579024"
ORG = "o-x1y2z3w4v5"
TRAIL = f"arn:aws:cloudtrail:eu-central-1:{ACCOUNT}:trail/"
KEY = f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/5f0c1d2e-0000-4000-8000-00000000aa01"
GROUP = f"aws-cloudtrail-logs-{ACCOUNT}-main"
STREAM = f"{ACCOUNT}_CloudTrail_eu-central-1"

TRAILS = {"trailList": [
    # the organization's trail: every region, advanced selectors (management events except KMS, S3 data writes)
    {"Name": "org-main", "S3BucketName": "org-audit-logs", "S3KeyPrefix": "ct", "IncludeGlobalServiceEvents": True,
     "IsMultiRegionTrail": True, "HomeRegion": "eu-central-1", "TrailARN": TRAIL + "org-main",
     "LogFileValidationEnabled": True, "CloudWatchLogsLogGroupArn":
         f"arn:aws:logs:eu-central-1:{ACCOUNT}:log-group:{GROUP}:*",
     "CloudWatchLogsRoleArn": f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs", "KmsKeyId": KEY,
     "HasCustomEventSelectors": True, "HasInsightSelectors": True, "IsOrganizationTrail": True},
    # basic selectors: management events and every S3 object, read and write
    {"Name": "data-events", "S3BucketName": "data-audit-logs", "IncludeGlobalServiceEvents": False,
     "IsMultiRegionTrail": False, "HomeRegion": "eu-central-1", "TrailARN": TRAIL + "data-events",
     "LogFileValidationEnabled": False, "HasCustomEventSelectors": True, "HasInsightSelectors": False,
     "IsOrganizationTrail": False},
    # stopped by someone, never sent to CloudWatch Logs
    {"Name": "stopped", "S3BucketName": "old-logs", "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": True,
     "HomeRegion": "eu-central-1", "TrailARN": TRAIL + "stopped", "LogFileValidationEnabled": True,
     "HasCustomEventSelectors": False, "HasInsightSelectors": False, "IsOrganizationTrail": False},
]}

ADVANCED = [
    {"Name": "Management events but KMS", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]},
        {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}]},
    {"Name": "S3 object writes", "FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Data"]},
        {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
        {"Field": "readOnly", "Equals": ["false"]}]},
]


def _event(event_id: str, name: str, source: str, identity: dict, when: str, **extra) -> dict:
    return {"eventVersion": "1.09", "userIdentity": identity, "eventTime": when, "eventSource": source,
            "eventName": name, "awsRegion": "eu-central-1", "sourceIPAddress": "198.51.100.7",
            "userAgent": "aws-cli/2.15.0", "requestParameters": None, "responseElements": None,
            "requestID": f"req-{event_id}", "eventID": event_id, "readOnly": name.startswith(("Get", "List", "Describe")),
            "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
            "eventCategory": "Management", **extra}


ALICE = {"type": "IAMUser", "principalId": "AIDAALICEEXAMPLE0001", "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
         "accountId": ACCOUNT, "accessKeyId": "AKIAALICEEXAMPLE0001", "userName": "alice"}
DEPLOYER = {"type": "AssumedRole", "principalId": "AROADEPLOYEREXAMPLE1:ci-run-42",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-run-42", "accountId": ACCOUNT,
            "accessKeyId": "ASIADEPLOYEREXAMPLE1",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROADEPLOYEREXAMPLE1",
                                                 "arn": f"arn:aws:iam::{ACCOUNT}:role/deployer",
                                                 "accountId": ACCOUNT, "userName": "deployer"},
                               "attributes": {"creationDate": "2024-06-03T07:59:00Z", "mfaAuthenticated": "false"}}}
ROOT = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}
SERVICE = {"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}

# A log group's events as `aws logs filter-log-events` prints them: the log event's own time and stream.
LOGGED = [
    (_event("e-logged-1", "CreateAccessKey", "iam.amazonaws.com", ALICE, "2024-06-03T08:00:00Z",
            requestParameters={"userName": "bob"}), 1_717_401_605_000),
    (_event("e-logged-2", "PutBucketPolicy", "s3.amazonaws.com", DEPLOYER, "2024-06-03T08:01:00Z",
            errorCode="AccessDenied", errorMessage="Access Denied"), 1_717_401_667_500),
    (_event("e-logged-3", "ConsoleLogin", "signin.amazonaws.com", ROOT, "2024-06-03T08:02:00Z",
            eventType="AwsConsoleSignIn", readOnly=False, responseElements={"ConsoleLogin": "Success"},
            additionalEventData={"MFAUsed": "No", "LoginTo": "https://console.aws.amazon.com/"}), 1_717_401_722_000),
]
FILTER_LOG_EVENTS = {"events": [
    {"logStreamName": STREAM, "timestamp": ms, "message": json.dumps(event), "ingestionTime": ms + 900,
     "eventId": f"3800000000000000000000000000000000000000000000000{i}"} for i, (event, ms) in enumerate(LOGGED)],
    "searchedLogStreams": []}

DELIVERED = {"Records": [
    _event("e-s3-1", "GetTrailStatus", "cloudtrail.amazonaws.com", SERVICE, "2024-06-03T09:00:00Z"),
    _event("e-s3-2", "ListBuckets", "s3.amazonaws.com", ALICE, "2024-06-03T09:05:00Z"),
]}

# What a subscription filter on another log group sends.
SUBSCRIPTION = {"messageType": "DATA_MESSAGE", "owner": ACCOUNT, "logGroup": "security-copy",
                "logStream": f"{ACCOUNT}_CloudTrail_eu-central-1_2", "subscriptionFilters": ["to-firehose"],
                "logEvents": [{"id": "37000000000000000000000000000000000000000000000001", "timestamp": 1_717_405_200_250,
                               "message": json.dumps(_event("e-sub-1", "StopLogging", "cloudtrail.amazonaws.com",
                                                            DEPLOYER, "2024-06-03T09:00:00Z"))}]}

REPORT = "\n".join([
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated",
    # the root user: a key of its own, password "not_supported" and never used
    f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2018-02-03T04:05:06+00:00,not_supported,no_information,"
    "not_supported,not_supported,false,true,2019-01-01T00:00:00+00:00,2024-04-01T10:00:00+00:00,us-east-1,iam,"
    "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    # a console user without MFA, password used, key used
    f"alice,arn:aws:iam::{ACCOUNT}:user/alice,2020-01-01T00:00:00+00:00,true,2024-06-02T18:00:00+00:00,"
    "2024-03-01T00:00:00+00:00,2024-05-30T00:00:00+00:00,false,true,2024-01-15T00:00:00+00:00,"
    "2024-06-03T09:05:00+00:00,eu-central-1,s3,false,N/A,N/A,N/A,N/A,true,2023-01-01T00:00:00+00:00,false,N/A",
    # a password set and never used (no_information), with MFA
    f"bob,arn:aws:iam::{ACCOUNT}:user/bob,2024-05-01T00:00:00+00:00,true,no_information,2024-05-01T00:00:00+00:00,"
    "2024-07-30T00:00:00+00:00,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    # no password at all (N/A): a machine user with a key never used
    f"ci-bot,arn:aws:iam::{ACCOUNT}:user/ci-bot,2023-06-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,"
    "2023-06-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
]) + "\n"
GENERATED = "2024-06-03T12:00:00+00:00"

OUTPUTS: dict[str, object] = {
    "describe-trails.json": TRAILS,
    "get-trail-status-org-main.json": {
        "TrailARN": TRAIL + "org-main", "IsLogging": True, "LatestDeliveryTime": "2024-06-03T11:55:00+00:00",
        "LatestCloudWatchLogsDeliveryTime": "2024-06-03T11:56:00+00:00",
        "LatestDigestDeliveryTime": "2024-06-03T11:00:00+00:00", "StartLoggingTime": "2021-01-01T00:00:00+00:00",
        "LatestDeliveryAttemptTime": "2024-06-03T11:55:00Z", "TimeLoggingStarted": "2021-01-01T00:00:00Z"},
    "get-trail-status-data-events.json": {
        "TrailARN": TRAIL + "data-events", "IsLogging": True, "LatestDeliveryTime": "2024-06-03T11:50:00+00:00",
        "LatestDeliveryError": "AccessDenied"},
    "get-trail-status-stopped.json": {
        "TrailARN": TRAIL + "stopped", "IsLogging": False, "StopLoggingTime": "2024-06-03T09:00:00+00:00",
        "LatestDeliveryTime": "2024-06-03T08:59:00+00:00"},
    "get-event-selectors-org-main.json": {"TrailARN": TRAIL + "org-main", "AdvancedEventSelectors": ADVANCED},
    "get-event-selectors-data-events.json": {"TrailARN": TRAIL + "data-events", "EventSelectors": [
        {"ReadWriteType": "All", "IncludeManagementEvents": True,
         "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
         "ExcludeManagementEventSources": []}]},
    "get-event-selectors-stopped.json": {"TrailARN": TRAIL + "stopped", "EventSelectors": [
        {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
         "ExcludeManagementEventSources": []}]},
    "get-insight-selectors-org-main.json": {"TrailARN": TRAIL + "org-main", "InsightSelectors": [
        {"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}]},
    "list-tags.json": {"ResourceTagList": [
        {"ResourceId": TRAIL + "org-main", "TagsList": [{"Key": "owner", "Value": "security"}]},
        {"ResourceId": TRAIL + "data-events", "TagsList": []},
        {"ResourceId": TRAIL + "stopped", "TagsList": []}]},
    "filter-log-events.json": FILTER_LOG_EVENTS,
    f"{ACCOUNT}_CloudTrail_eu-central-1_20240603T0905Z_a1b2c3d4e5f6a7b8.json": DELIVERED,
    "get-credential-report.json": {"Content": base64.b64encode(REPORT.encode()).decode(), "ReportFormat": "text/csv",
                                   "GeneratedTime": GENERATED},
    # passwords never expire: AWS leaves MaxPasswordAge, PasswordReusePrevention and HardExpiry out
    "get-account-password-policy.json": {"PasswordPolicy": {
        "MinimumPasswordLength": 8, "RequireSymbols": False, "RequireNumbers": True,
        "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True, "AllowUsersToChangePassword": True,
        "ExpirePasswords": False}},
    "get-account-summary.json": {"SummaryMap": {
        "AccountMFAEnabled": 0, "AccountAccessKeysPresent": 1, "AccountSigningCertificatesPresent": 0,
        "AccountPasswordPresent": 1, "Users": 3, "UsersQuota": 5000, "MFADevices": 1, "MFADevicesInUse": 1,
        "Roles": 7, "Policies": 2, "Providers": 1, "ServerCertificates": 0}},
    "describe-regions.json": {"Regions": [
        {"Endpoint": "ec2.eu-central-1.amazonaws.com", "RegionName": "eu-central-1",
         "OptInStatus": "opt-in-not-required"}]},
    "list-analyzers.json": {"analyzers": [
        {"arn": f"arn:aws:access-analyzer:eu-central-1:{ACCOUNT}:analyzer/org-analyzer", "name": "org-analyzer",
         "type": "ORGANIZATION", "createdAt": "2023-02-01T10:00:00+00:00",
         "lastResourceAnalyzed": "arn:aws:s3:::org-audit-logs", "lastResourceAnalyzedAt": "2024-06-03T10:00:00+00:00",
         "tags": {"team": "security"}, "status": "ACTIVE"},
        {"arn": f"arn:aws:access-analyzer:eu-central-1:{ACCOUNT}:analyzer/unused-access", "name": "unused-access",
         "type": "ACCOUNT_UNUSED_ACCESS", "createdAt": "2024-05-01T10:00:00+00:00", "tags": {},
         "status": "FAILED", "statusReason": {"code": "SERVICE_LINKED_ROLE_CREATION_FAILED"}},
        {"arn": f"arn:aws:access-analyzer:eu-central-1:{ACCOUNT}:analyzer/untagged", "name": "untagged",
         "type": "ACCOUNT_INTERNAL_ACCESS", "createdAt": "2024-05-02T10:00:00+00:00", "status": "CREATING"}]},
    "describe-organization.json": {"Organization": {
        "Id": ORG, "Arn": f"arn:aws:organizations::{ACCOUNT}:organization/{ORG}", "FeatureSet": "ALL",
        "MasterAccountArn": f"arn:aws:organizations::{ACCOUNT}:account/{ORG}/{ACCOUNT}", "MasterAccountId": ACCOUNT,
        "MasterAccountEmail": "root@example.net",
        "AvailablePolicyTypes": [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]}},
    "list-accounts.json": {"Accounts": [
        {"Id": ACCOUNT, "Arn": f"arn:aws:organizations::{ACCOUNT}:account/{ORG}/{ACCOUNT}", "Email": "root@example.net",
         "Name": "management", "Status": "ACTIVE", "JoinedMethod": "INVITED",
         "JoinedTimestamp": "2021-01-01T00:00:00+00:00"},
        {"Id": MEMBER, "Arn": f"arn:aws:organizations::{ACCOUNT}:account/{ORG}/{MEMBER}", "Email": "dev@example.net",
         "Name": "dev", "Status": "SUSPENDED", "JoinedMethod": "CREATED",
         "JoinedTimestamp": "2022-02-02T00:00:00+00:00"}]},
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    for name, document in OUTPUTS.items():
        (folder / name).write_text(json.dumps(document, indent=2))
    (folder / "firehose-object").write_bytes(gzip.compress(json.dumps(SUBSCRIPTION).encode()))
    connection = db.connect(tmp_path_factory.mktemp("db") / "account.duckdb")
    summary = load_paths(connection, [str(folder)], account_id=ACCOUNT)
    assert not summary.warnings, summary.warnings
    create_views(connection)  # aws_account
    yield connection
    connection.close()


def rows(con, sql: str) -> list[tuple]:
    """The rows of a Steampipe query, run as `iamsql query` runs it."""
    return query.run_query(con, sql)[1]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


# ---- trails ---------------------------------------------------------------------------------------------------------


def test_multi_region_trail_logging_management_events(con):
    # CIS "CloudTrail is enabled in all regions": a multi-region trail that is logging and records management events
    # (read and write), from basic or advanced selectors; the account is ok when one trail does it
    assert rows(con, """
        with trails as (
          select t.account_id, t.name from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) e
          where t.is_multi_region_trail and t.is_logging and t.region = t.home_region
            and e ->> 'ReadWriteType' = 'All' and (e ->> 'IncludeManagementEvents')::boolean
          union
          select t.account_id, t.name from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) a,
            jsonb_array_elements(a -> 'FieldSelectors') f
          where t.is_multi_region_trail and t.is_logging and t.region = t.home_region
            and f ->> 'Field' = 'eventCategory' and f -> 'Equals' ? 'Management'
        )
        select a.account_id, case when count(t.name) > 0 then 'ok' else 'alarm' end, string_agg(t.name, ',')
        from aws_account a left join trails t on t.account_id = a.account_id group by a.account_id""") == [
        (ACCOUNT, "ok", "org-main")]


def test_advanced_field_selectors_hold_every_operator(con):
    # Steampipe prints the SDK's AdvancedFieldSelector whole: an operator the selector does not use is JSON null, so
    # `-> 'NotEquals' is null` is false for every field selector and jsonb_typeof tells which ones use it
    assert rows(con, """
        select a ->> 'Name', f ->> 'Field', f -> 'NotEquals' ->> 0
        from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) a,
          jsonb_array_elements(a -> 'FieldSelectors') f
        where jsonb_typeof(f -> 'NotEquals') = 'array'""") == [
        ("Management events but KMS", "eventSource", "kms.amazonaws.com")]
    assert rows(con, """
        select count(*) filter (where f -> 'NotEquals' is null), count(*) filter (where jsonb_typeof(f -> 'StartsWith') = 'null'),
          count(*)
        from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) a,
          jsonb_array_elements(a -> 'FieldSelectors') f""") == [(0, 5, 5)]
    assert rows(con, """
        select name, jsonb_typeof(event_selectors), jsonb_typeof(advanced_event_selectors) from aws_cloudtrail_trail
        order by name""") == [("data-events", "array", None), ("org-main", None, "array"), ("stopped", "array", None)]


def test_s3_object_write_events_recorded(con):
    # CIS "object-level logging for write events is enabled for S3 buckets": a basic selector on every S3 object
    # (arn:aws:s3) writing All or WriteOnly, or an advanced selector on Data events of AWS::S3::Object not limited
    # to reads
    assert rows(con, """
        select distinct t.name from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) e,
          jsonb_array_elements(e -> 'DataResources') d, jsonb_array_elements_text(d -> 'Values') v
        where e ->> 'ReadWriteType' in ('All', 'WriteOnly') and d ->> 'Type' = 'AWS::S3::Object'
          and v in ('arn:aws:s3', 'arn:aws:s3:::')
        union
        select t.name from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) a
        where a -> 'FieldSelectors' @> '[{"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]'
          and not a -> 'FieldSelectors' @> '[{"Field": "readOnly", "Equals": ["true"]}]'
        order by 1""") == [("data-events",), ("org-main",)]
    # the members of a basic selector that AWS returned are as it returned them
    assert rows(con, """
        select e -> 'DataResources' -> 0 ->> 'Type', jsonb_array_length(e -> 'ExcludeManagementEventSources')
        from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) e where t.name = 'data-events'""") == [
        ("AWS::S3::Object", 0)]


def test_log_file_validation_and_kms_encryption(con):
    assert rows(con, """
        select name,
          case when log_file_validation_enabled then 'ok' else 'alarm' end as validation,
          case when kms_key_id is null then 'alarm' else 'ok' end as encryption
        from aws_cloudtrail_trail where region = home_region order by name""") == [
        ("data-events", "alarm", "alarm"), ("org-main", "ok", "ok"), ("stopped", "ok", "alarm")]


def test_cloudwatch_logs_integration_and_delivery(con):
    # CIS "trails are integrated with CloudWatch Logs": a log group and a delivery within a day (of the snapshot)
    assert rows(con, """
        select name, log_group_arn is not null, latest_cloudwatch_logs_delivery_time > timestamptz '2024-06-03 12:00:00+00'
            - interval '1 day', cloudwatch_logs_role_arn
        from aws_cloudtrail_trail order by name""") == [
        ("data-events", False, None, None),
        ("org-main", True, True, f"arn:aws:iam::{ACCOUNT}:role/trail-to-logs"),
        ("stopped", False, None, None)]


def test_trail_status_errors_and_stops(con):
    assert rows(con, """
        select name, is_logging, stop_logging_time, latest_delivery_error, latest_digest_delivery_time
        from aws_cloudtrail_trail where not is_logging or latest_delivery_error is not null order by name""") == [
        ("data-events", True, None, "AccessDenied", None),
        ("stopped", False, utc("2024-06-03T09:00:00+00:00"), None, None)]


def test_insight_selectors_and_tags(con):
    assert rows(con, """
        select t.name, string_agg(i ->> 'InsightType', ',' order by i ->> 'InsightType')
        from aws_cloudtrail_trail t, jsonb_array_elements(t.insight_selectors) i
        where t.has_insight_selectors group by t.name""") == [("org-main", "ApiCallRateInsight,ApiErrorRateInsight")]
    assert rows(con, """
        select name, tags ->> 'owner', tags_src::text, akas ->> 0 = arn, title = name, partition, region, account_id
        from aws_cloudtrail_trail order by name""") == [
        ("data-events", None, "[]", True, True, "aws", "eu-central-1", ACCOUNT),
        ("org-main", "security", '[{"Key": "owner", "Value": "security"}]', True, True, "aws", "eu-central-1", ACCOUNT),
        ("stopped", None, "[]", True, True, "aws", "eu-central-1", ACCOUNT)]


# ---- trail events ---------------------------------------------------------------------------------------------------


def test_username_is_the_identity_user_name_alone(con):
    # Steampipe reads username from userIdentity.userName: a role session has none of its own (the role is the
    # session issuer), the root user and AWS services neither; user_identifier is the identity's ARN. The four are
    # Go strings there: '' where the identity has no such member, never NULL
    assert rows(con, """
        select user_type, username, user_identifier, access_key_id from aws_cloudtrail_trail_event
        where event_id in ('e-logged-1', 'e-logged-2', 'e-logged-3', 'e-s3-1') order by event_id""") == [
        ("IAMUser", "alice", f"arn:aws:iam::{ACCOUNT}:user/alice", "AKIAALICEEXAMPLE0001"),
        ("AssumedRole", "", f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-run-42", "ASIADEPLOYEREXAMPLE1"),
        ("Root", "", f"arn:aws:iam::{ACCOUNT}:root", ""),
        ("AWSService", "", "", "")]
    # an insights-mod style count of calls per user name: the role session counts under no user name
    assert rows(con, """
        select username, count(*) from aws_cloudtrail_trail_event group by username order by username""") == [
        ("", 4), ("alice", 2)]
    assert rows(con, "select count(*) from aws_cloudtrail_trail_event where username is null or user_type is null") == [
        (0,)]


def test_log_event_time_and_stream_from_cloudwatch_logs(con):
    # Steampipe's timestamp is the CloudWatch Logs log event's, event_time the record's eventTime
    got = rows(con, """
        select event_id, timestamp, timestamp_ms, event_time, log_stream_name, log_group_name
        from aws_cloudtrail_trail_event order by event_id""")
    by_id = {r[0]: r[1:] for r in got}
    assert by_id["e-logged-2"] == (datetime(2024, 6, 3, 8, 1, 7, 500000, tzinfo=timezone.utc), 1_717_401_667_500,
                                   utc("2024-06-03T08:01:00+00:00"), STREAM, None)
    assert by_id["e-sub-1"] == (datetime(2024, 6, 3, 9, 0, 0, 250000, tzinfo=timezone.utc), 1_717_405_200_250,
                                utc("2024-06-03T09:00:00+00:00"), f"{ACCOUNT}_CloudTrail_eu-central-1_2", "security-copy")
    # delivered to S3: no log event, so the record's own time and no stream
    assert by_id["e-s3-2"] == (utc("2024-06-03T09:05:00+00:00"), 1_717_405_500_000, utc("2024-06-03T09:05:00+00:00"),
                               None, None)


def test_log_group_name_key_column(con):
    # Steampipe reads one log group per query: a subscription's events belong to theirs, events whose group the
    # outputs do not name answer any group
    assert rows(con, f"""
        select event_id from aws_cloudtrail_trail_event where log_group_name = '{GROUP}' and event_name = 'StopLogging'
        """) == []
    assert rows(con, """
        select event_id, user_identifier from aws_cloudtrail_trail_event
        where log_group_name = 'security-copy' and event_source = 'cloudtrail.amazonaws.com' order by event_id""") == [
        ("e-s3-1", ""), ("e-sub-1", f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-run-42")]


def test_root_console_sign_in_without_mfa(con):
    assert rows(con, f"""
        select event_time, additional_event_data ->> 'MFAUsed', response_elements ->> 'ConsoleLogin', source_ip_address
        from aws_cloudtrail_trail_event
        where log_group_name = '{GROUP}' and user_type = 'Root' and event_name = 'ConsoleLogin'""") == [
        (utc("2024-06-03T08:02:00+00:00"), "No", "Success", "198.51.100.7")]


def test_denied_calls_and_long_term_keys(con):
    assert rows(con, f"""
        select user_identifier, error_code, error_message, read_only from aws_cloudtrail_trail_event
        where log_group_name = '{GROUP}' and error_code is not null""") == [
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci-run-42", "AccessDenied", "Access Denied", False)]
    # calls signed with a long-term key (AKIA...) by user, with the services they reached
    assert rows(con, """
        select username, access_key_id, string_agg(distinct event_source, ',' order by event_source)
        from aws_cloudtrail_trail_event where access_key_id like 'AKIA%' group by username, access_key_id""") == [
        ("alice", "AKIAALICEEXAMPLE0001", "iam.amazonaws.com,s3.amazonaws.com")]


# ---- credential report, password policy, account summary -------------------------------------------------------------


def test_credential_report_sentinels(con):
    # N/A, no_information and not_supported are NULL in Steampipe's time and text columns; password_enabled is true
    # for the root row (not_supported); password_status is derived from password_last_used's sentinel
    assert rows(con, """
        select user_name, password_enabled, password_status, password_last_used, password_last_changed,
          password_next_rotation is null, access_key_1_last_used_region, access_key_2_last_rotated, cert_1_last_rotated
        from aws_iam_credential_report order by user_name""") == [
        ("<root_account>", True, "never_used", None, None, True, "us-east-1", None, None),
        ("alice", True, "used", utc("2024-06-02T18:00:00+00:00"), utc("2024-03-01T00:00:00+00:00"), False,
         "eu-central-1", None, utc("2023-01-01T00:00:00+00:00")),
        ("bob", True, "never_used", None, utc("2024-05-01T00:00:00+00:00"), False, None, None, None),
        ("ci-bot", False, "not_set", None, None, True, None, None, None)]
    assert rows(con, """
        select user_arn, generated_time, user_creation_time, region, account_id, partition
        from aws_iam_credential_report where user_name = '<root_account>'""") == [
        (f"arn:aws:iam::{ACCOUNT}:root", utc(GENERATED), utc("2018-02-03T04:05:06+00:00"), "global", ACCOUNT, "aws")]


def test_root_access_keys_and_mfa(con):
    # CIS "no root user access key exists" and "MFA is enabled for the root user", from the report and the summary
    assert rows(con, """
        select case when access_key_1_active or access_key_2_active then 'alarm' else 'ok' end,
          case when mfa_active then 'ok' else 'alarm' end
        from aws_iam_credential_report where user_name = '<root_account>'""") == [("alarm", "alarm")]
    assert rows(con, """
        select account_mfa_enabled, account_access_keys_present, account_password_present, users, roles, providers,
          groups is null from aws_iam_account_summary""") == [(False, 1, True, 3, 7, 1, True)]


def test_console_users_without_mfa_and_unused_credentials(con):
    assert rows(con, """
        select user_name from aws_iam_credential_report
        where password_enabled and not mfa_active and user_name <> '<root_account>'""") == [("alice",)]
    # credentials unused for 45 days of the report: a password or an active key never used since it was set counts
    # from when it was set
    assert rows(con, """
        select user_name from aws_iam_credential_report
        where user_name <> '<root_account>' and (
          (password_enabled and coalesce(password_last_used, password_last_changed) < generated_time - interval '45 days')
          or (access_key_1_active and coalesce(access_key_1_last_used_date, access_key_1_last_rotated)
              < generated_time - interval '45 days'))
        order by user_name""") == [("ci-bot",)]


def test_password_policy_without_expiry(con):
    # MaxPasswordAge, PasswordReusePrevention and HardExpiry are absent when passwords never expire: NULL, so the
    # mods' `max_password_age <= 90` is not true and the control alarms
    assert rows(con, """
        select expire_passwords, max_password_age, password_reuse_prevention, hard_expiry,
          case when coalesce(max_password_age <= 90, false) then 'ok' else 'alarm' end,
          case when minimum_password_length >= 14 then 'ok' else 'alarm' end, require_symbols, region
        from aws_iam_account_password_policy""") == [(False, None, None, None, "alarm", "alarm", False, "global")]


# ---- Access Analyzer and Organizations ------------------------------------------------------------------------------


def test_access_analyzer_enabled(con):
    assert rows(con, """
        select name, type, status, status_reason, tags::text, created_at, last_resource_analyzed_at, region, title = name
        from aws_accessanalyzer_analyzer order by name""") == [
        ("org-analyzer", "ORGANIZATION", "ACTIVE", None, '{"team": "security"}', utc("2023-02-01T10:00:00+00:00"),
         utc("2024-06-03T10:00:00+00:00"), "eu-central-1", True),
        # no tags member (Steampipe's nil Go map): NULL, not {}
        ("untagged", "ACCOUNT_INTERNAL_ACCESS", "CREATING", None, None, utc("2024-05-02T10:00:00+00:00"), None,
         "eu-central-1", True),
        ("unused-access", "ACCOUNT_UNUSED_ACCESS", "FAILED", "SERVICE_LINKED_ROLE_CREATION_FAILED", "{}",
         utc("2024-05-01T10:00:00+00:00"), None, "eu-central-1", True)]
    # CIS "IAM Access Analyzer is enabled for all regions": an active external-access analyzer in the region
    assert rows(con, """
        select region, count(*) filter (where status = 'ACTIVE' and type in ('ACCOUNT', 'ORGANIZATION'))
        from aws_accessanalyzer_analyzer group by region""") == [("eu-central-1", 1)]


def test_account_and_organization(con):
    assert rows(con, """
        select a.account_id, a.organization_id, a.organization_master_account_id = a.account_id,
          a.organization_feature_set, a.organization_available_policy_types -> 0 ->> 'Type', a.arn, a.title
        from aws_account a""") == [
        (ACCOUNT, ORG, True, "ALL", "SERVICE_CONTROL_POLICY", f"arn:aws:::{ACCOUNT}", ACCOUNT)]
    assert rows(con, """
        select o.id, o.name, o.status, o.joined_method, o.joined_timestamp, o.akas ->> 0 = o.arn, o.region
        from aws_organizations_account o join aws_account a on a.organization_id = split_part(o.arn, '/', 2)
        where o.status <> 'ACTIVE'""") == [
        (MEMBER, "dev", "SUSPENDED", "CREATED", utc("2022-02-02T00:00:00+00:00"), True, "global")]
