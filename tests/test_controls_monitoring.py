"""Monitoring controls over crafted AWS CLI outputs (written per account, loaded as ``iamsql load`` does), all as
of 2026-03-01:

- 100000000001 (every chain complete): a multi-region trail, logging to log group ``trail-events``, with one
  metric filter per monitored pattern written differently from the benchmark's text (other quoting, spacing and
  order, the event source distributed over the alternatives), one alarm per filter notifying a topic with a
  confirmed subscription; its trail bucket is private and logs its access.
- 100000000002 (chains broken at each step): the root-usage filter's alarm notifies nobody, the IAM policy filter's
  topic has only a pending subscription, the CloudTrail filter has no alarm, the unauthorized-calls filter is
  narrower than the pattern (AccessDenied only), the KMS filter is broader (any DisableKey/ScheduleKeyDeletion,
  any source) and complete; the trail bucket is public through its policy and has no access logging.
- 100000000003: only a single-region trail, so nothing reaches CloudWatch Logs.
- 100000000004: a complete chain for root usage, but the trail is stopped.
- 100000000005: trails loaded, metric filters, alarms and subscriptions not: every monitoring control skips.
- 100000000006: a complete chain for root usage, but the trail records only write management events.
- 100000000007: a complete chain for root usage, but the trail has custom event selectors that were not collected.
- 100000000008: complete chains whose filters also require the event source of the events (CloudTrail, sign-in,
  EC2): the same events, since only that service emits those event names; its trail bucket is public through its
  policy and its ACL, but the account's Block Public Access restricts public buckets and ignores public ACLs.
- 100000000009: a complete chain for CloudTrail changes whose filter requires another event source: it matches
  nothing; its trail bucket's ACL grants all users, and the account's Block Public Access is all off.
- 100000000010: a complete chain for unauthorized API calls whose filter applies the benchmark's two exclusions
  (the log delivery service, HeadBucket) to both error codes, as the benchmark means them; 100000000011: the same
  with one more exclusion, narrower than either reading.
"""

import json
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

AS_OF = "2026-03-01T00:00:00Z"
(COMPLETE, BROKEN, NO_CWL, STOPPED, NOT_LOADED, WRITE_ONLY, SELECTORS_UNKNOWN, SOURCE_QUALIFIED,
 WRONG_SOURCE, GROUPED, GROUPED_NARROWER) = (f"1{i:011d}" for i in range(1, 12))
REGION = "us-east-1"
LOG_GROUP = "trail-events"

IAM = ["DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy", "PutUserPolicy",
       "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy",
       "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy"]
ORGANIZATIONS = ["AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
                 "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy", "DetachPolicy",
                 "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization",
                 "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy", "UpdateOrganizationalUnit"]
TRAIL_CHANGES = ["CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"]
SECURITY_GROUP = ["AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                  "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"]
NACL = ["CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry",
        "ReplaceNetworkAclAssociation"]
GATEWAY = ["CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway", "CreateInternetGateway",
           "DeleteInternetGateway", "DetachInternetGateway"]
VPC = ["CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection", "CreateVpcPeeringConnection",
       "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection", "AttachClassicLinkVpc", "DetachClassicLinkVpc",
       "DisableVpcClassicLink", "EnableVpcClassicLink"]


def any_of(names: list[str], source: str | None = None) -> str:
    """A JSON filter pattern for any of the event names, newest first, the source repeated in each alternative."""
    parts = [f'($.eventName="{n}"' + (f' && $.eventSource="{source}")' if source else ")") for n in reversed(names)]
    return "{" + "||".join(parts) + "}"


# Filter patterns as a customer might have written them: same events as the benchmark's, other text.
EQUIVALENT = {
    "unauthorized_api_calls": '{($.errorCode = "AccessDenied*" && $.eventName != "HeadBucket" && '
                              '$.sourceIPAddress != "delivery.logs.amazonaws.com") || $.errorCode = "*UnauthorizedOperation"}',
    "console_signin_without_mfa": '{$.additionalEventData.MFAUsed != "Yes" && $.eventName = "ConsoleLogin"}',
    "root_usage": '{ ($.eventType != AwsServiceEvent) && ($.userIdentity.type = Root) && '
                  '($.userIdentity.invokedBy NOT EXISTS) }',
    "iam_policy_changes": any_of(IAM),
    "cloudtrail_changes": any_of(TRAIL_CHANGES),
    "console_authentication_failures": '{$.errorMessage="Failed authentication"&&$.eventName="ConsoleLogin"}',
    "kms_key_disable_or_deletion": any_of(["DisableKey", "ScheduleKeyDeletion"], "kms.amazonaws.com"),
    "s3_bucket_policy_changes": any_of(["PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
                                        "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors",
                                        "DeleteBucketLifecycle", "DeleteBucketReplication"], "s3.amazonaws.com"),
    "config_changes": any_of(["StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                              "PutConfigurationRecorder"], "config.amazonaws.com"),
    "security_group_changes": any_of(SECURITY_GROUP),
    "nacl_changes": any_of(NACL),
    "network_gateway_changes": any_of(GATEWAY),
    "route_table_changes": any_of(["CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                                   "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable"], "ec2.amazonaws.com"),
    "vpc_changes": any_of(VPC),
    "organizations_changes": any_of(ORGANIZATIONS, "organizations.amazonaws.com"),
}
MONITORING = [f"cloudwatch_{pattern}_monitored" for pattern in EQUIVALENT]
# The same patterns also requiring the event source: every event of these names comes from that one service
# (CloudTrail's eventSource is the service's endpoint; console sign-in events are signin.amazonaws.com's).
SOURCE_QUALIFIED_PATTERNS = {
    "cloudtrail_changes": any_of(TRAIL_CHANGES, "cloudtrail.amazonaws.com"),
    "console_authentication_failures": '{ ($.eventSource = signin.amazonaws.com) && ($.eventName = ConsoleLogin) && '
                                       '($.errorMessage = "Failed authentication") }',
    "console_signin_without_mfa": '{ $.eventSource = "signin.amazonaws.com" && $.eventName = "ConsoleLogin" && '
                                  '$.additionalEventData.MFAUsed != "Yes" && $.userIdentity.type = "IAMUser" && '
                                  '$.responseElements.ConsoleLogin = "Success" }',
    "security_group_changes": any_of(SECURITY_GROUP, "ec2.amazonaws.com"),
    "nacl_changes": "{ ($.eventSource = ec2.amazonaws.com) && (" + any_of(NACL)[1:-1] + ") }",
    "network_gateway_changes": any_of(GATEWAY, "ec2.amazonaws.com"),
    "vpc_changes": any_of(VPC, "ec2.amazonaws.com"),
}
# The benchmark's unauthorized-calls pattern with its exclusions grouped over both error codes (CIS's intent; Prowler
# and Steampipe pass it), and a filter narrower than that.
UNAUTHORIZED_GROUPED = ('{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
                        '($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }')
UNAUTHORIZED_NARROWER = UNAUTHORIZED_GROUPED[:-1] + '&& ($.userIdentity.type != "AssumedRole") }'
BUCKET_CONTROLS = ["cloudtrail_bucket_not_public", "cloudtrail_bucket_access_logging"]


def write(folder: Path, name: str, document: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(document, indent=1))


def write_trail(folder: Path, account: str, *, multi_region=True, logging=True, log_group=True,
                custom_selectors=None) -> str:
    """A trail; ``custom_selectors``: its get-event-selectors output's EventSelectors (``[]``: custom selectors,
    output not collected; None: the default selectors)."""
    arn = f"arn:aws:cloudtrail:{REGION}:{account}:trail/main"
    bucket = f"trail-logs-{account}"
    trail = {"Name": "main", "TrailARN": arn, "HomeRegion": REGION, "IsMultiRegionTrail": multi_region,
             "S3BucketName": bucket, "IncludeGlobalServiceEvents": True,
             "HasCustomEventSelectors": custom_selectors is not None}
    if custom_selectors:
        write(folder, "get-event-selectors", {"TrailARN": arn, "EventSelectors": custom_selectors})
    if log_group:
        trail["CloudWatchLogsLogGroupArn"] = f"arn:aws:logs:{REGION}:{account}:log-group:{LOG_GROUP}:*"
        trail["CloudWatchLogsRoleArn"] = f"arn:aws:iam::{account}:role/trail-to-logs"
    write(folder, "describe-trails", {"trailList": [trail]})
    write(folder, "get-trail-status", {"TrailARN": arn, "IsLogging": logging})
    return bucket


def write_monitoring(folder: Path, account: str, chains: list[dict]) -> None:
    """Metric filters, their alarms and the topics' subscriptions. A chain: name, pattern, and optionally
    alarm=False (no alarm), topic=False (alarm without action), subscription="confirmed" | "pending" | "deleted"
    (list-subscriptions gives PendingConfirmation or Deleted in place of the ARN)."""
    filters, alarms, subscriptions = [], [], []
    for chain in chains:
        name = chain["name"]
        filters.append({"filterName": name, "filterPattern": chain["pattern"], "logGroupName": LOG_GROUP,
                        "creationTime": 1767225600000,
                        "metricTransformations": [{"metricName": name, "metricNamespace": "Security", "metricValue": "1"}]})
        if chain.get("alarm") is False:
            continue
        topic = f"arn:aws:sns:{REGION}:{account}:{name}-alerts"
        alarms.append({"AlarmName": name, "AlarmArn": f"arn:aws:cloudwatch:{REGION}:{account}:alarm:{name}",
                       "ActionsEnabled": True, "AlarmActions": [] if chain.get("topic") is False else [topic],
                       "MetricName": name, "Namespace": "Security", "Statistic": "Sum", "Period": 300,
                       "EvaluationPeriods": 1, "Threshold": 1.0, "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                       "StateValue": "OK"})
        state = chain.get("subscription", "confirmed")
        arn = {"pending": "PendingConfirmation", "deleted": "Deleted"}.get(
            state, f"{topic}:3f1c2b0e-0000-4000-8000-{name[:12]:0>12}")
        subscriptions.append({"SubscriptionArn": arn,
                              "Owner": account, "Protocol": "email", "Endpoint": "secops@example.com", "TopicArn": topic})
    write(folder, "describe-metric-filters", {"Region": REGION, "metricFilters": filters})
    write(folder, "describe-alarms", {"MetricAlarms": alarms, "CompositeAlarms": []})
    write(folder, "list-subscriptions", {"Subscriptions": subscriptions})


def write_bucket(folder: Path, bucket: str, *, public: bool, logging: bool, public_acl: bool = False,
                 account_block: bool | None = None) -> None:
    """A trail bucket whose own Block Public Access is none; ``account_block``: the account's (s3control
    get-public-access-block) with RestrictPublicBuckets and IgnorePublicAcls both that value (None: not loaded)."""
    write(folder, "list-buckets", {"Buckets": [{"Name": bucket, "CreationDate": "2025-06-01T00:00:00+00:00"}],
                                   "Owner": {"ID": "0" * 64}})
    write(folder, "get-bucket-policy-status", {"Bucket": bucket, "PolicyStatus": {"IsPublic": public}})
    everyone = [{"Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AllUsers", "Type": "Group"},
                 "Permission": "READ"}] if public_acl else []
    write(folder, "get-bucket-acl", {"Bucket": bucket, "Owner": {"ID": "0" * 64}, "Grants": [
        {"Grantee": {"ID": "0" * 64, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}, *everyone]})
    if account_block is not None:
        write(folder, "s3control-get-public-access-block", {"PublicAccessBlockConfiguration": {
            "BlockPublicAcls": False, "IgnorePublicAcls": account_block, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": account_block}})
    write(folder, "get-public-access-block", {"Bucket": bucket, "Error": {
        "Code": "NoSuchPublicAccessBlockConfiguration", "Message": "The public access block configuration was not found"}})
    write(folder, "get-bucket-logging", {"Bucket": bucket, "LoggingEnabled": {
        "TargetBucket": "access-logs", "TargetPrefix": f"{bucket}/"} if logging else None})


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("monitoring")
    bucket = write_trail(root / COMPLETE, COMPLETE)
    write_monitoring(root / COMPLETE, COMPLETE, [{"name": p, "pattern": text} for p, text in EQUIVALENT.items()])
    write_bucket(root / COMPLETE, bucket, public=False, logging=True)

    bucket = write_trail(root / BROKEN, BROKEN)
    write_monitoring(root / BROKEN, BROKEN, [
        {"name": "root", "pattern": EQUIVALENT["root_usage"], "topic": False},
        {"name": "iam", "pattern": EQUIVALENT["iam_policy_changes"], "subscription": "pending"},
        {"name": "trail", "pattern": EQUIVALENT["cloudtrail_changes"], "alarm": False},
        {"name": "denied", "pattern": '{ $.errorCode = "AccessDenied*" }'},
        {"name": "kms", "pattern": "{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }"},
        {"name": "nacl", "pattern": EQUIVALENT["nacl_changes"], "subscription": "deleted"},
    ])
    write_bucket(root / BROKEN, bucket, public=True, logging=False)

    write_trail(root / NO_CWL, NO_CWL, multi_region=False, log_group=False)
    write_monitoring(root / NO_CWL, NO_CWL, [])

    write_trail(root / STOPPED, STOPPED, logging=False)
    write_monitoring(root / STOPPED, STOPPED, [{"name": "root", "pattern": EQUIVALENT["root_usage"]}])

    write_trail(root / NOT_LOADED, NOT_LOADED)

    write_trail(root / WRITE_ONLY, WRITE_ONLY,
                custom_selectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": []}])
    write_monitoring(root / WRITE_ONLY, WRITE_ONLY, [{"name": "root", "pattern": EQUIVALENT["root_usage"]}])

    write_trail(root / SELECTORS_UNKNOWN, SELECTORS_UNKNOWN, custom_selectors=[])
    write_monitoring(root / SELECTORS_UNKNOWN, SELECTORS_UNKNOWN, [{"name": "root", "pattern": EQUIVALENT["root_usage"]}])

    bucket = write_trail(root / SOURCE_QUALIFIED, SOURCE_QUALIFIED)
    write_bucket(root / SOURCE_QUALIFIED, bucket, public=True, public_acl=True, logging=True, account_block=True)
    write_monitoring(root / SOURCE_QUALIFIED, SOURCE_QUALIFIED,
                     [{"name": p, "pattern": text} for p, text in SOURCE_QUALIFIED_PATTERNS.items()])

    bucket = write_trail(root / WRONG_SOURCE, WRONG_SOURCE)
    write_bucket(root / WRONG_SOURCE, bucket, public=False, public_acl=True, logging=True, account_block=False)
    write_monitoring(root / WRONG_SOURCE, WRONG_SOURCE,
                     [{"name": "trail", "pattern": any_of(TRAIL_CHANGES, "ec2.amazonaws.com")}])

    for account, pattern in ((GROUPED, UNAUTHORIZED_GROUPED), (GROUPED_NARROWER, UNAUTHORIZED_NARROWER)):
        write_trail(root / account, account)
        write_monitoring(root / account, account, [{"name": "denied", "pattern": pattern}])

    con = db.connect(root / "m.duckdb")
    load_paths(con, [root / a for a in (COMPLETE, BROKEN, NO_CWL, STOPPED, NOT_LOADED, WRITE_ONLY, SELECTORS_UNKNOWN,
                                        SOURCE_QUALIFIED, WRONG_SOURCE, GROUPED, GROUPED_NARROWER)], as_of=AS_OF)
    run_id = controls.run_checks(con, controls=MONITORING + BUCKET_CONTROLS)
    rows = controls.results(con, run_id)
    con.close()
    return {(r["control_id"], r["account_id"]): r for r in rows}


@pytest.mark.parametrize("control", MONITORING)
def test_a_complete_chain_with_an_equivalent_pattern_is_ok(results, control):
    row = results[(control, COMPLETE)]
    assert row["status"] == "ok", row["reason"]
    assert row["resource"] == f"arn:aws:::{COMPLETE}" and row["region"] == "global"
    assert row["dimensions"]["trail"] == "main" and row["dimensions"]["topic"].endswith("-alerts")


@pytest.mark.parametrize("pattern", SOURCE_QUALIFIED_PATTERNS)
def test_a_filter_also_requiring_the_only_event_source_of_the_events_is_ok(results, pattern):
    row = results[(f"cloudwatch_{pattern}_monitored", SOURCE_QUALIFIED)]
    assert row["status"] == "ok", row["reason"]
    assert row["dimensions"]["metric_filter"] == pattern


def test_a_filter_requiring_another_event_source_matches_nothing(results):
    row = results[("cloudwatch_cloudtrail_changes_monitored", WRONG_SOURCE)]
    assert row["status"] == "alarm" and "No metric filter" in row["reason"], row["reason"]


def test_the_unauthorized_calls_exclusions_grouped_over_both_error_codes_are_the_benchmark_s_pattern(results):
    # CIS writes `A || B && C && D` and means its noise filters (C, D) for both error codes: `(A || B) && C && D`
    row = results[("cloudwatch_unauthorized_api_calls_monitored", GROUPED)]
    assert row["status"] == "ok", row["reason"]
    assert row["dimensions"]["metric_filter"] == "denied"
    row = results[("cloudwatch_unauthorized_api_calls_monitored", GROUPED_NARROWER)]
    assert row["status"] == "alarm" and "No metric filter" in row["reason"], row["reason"]


@pytest.mark.parametrize("control", MONITORING)
def test_no_multi_region_trail_to_cloudwatch_logs_alarms(results, control):
    row = results[(control, NO_CWL)]
    assert row["status"] == "alarm" and "No multi-region trail" in row["reason"]


@pytest.mark.parametrize("control", MONITORING)
def test_not_loaded_metric_filters_and_alarms_skip(results, control):
    assert results[(control, NOT_LOADED)]["status"] == "skip"


@pytest.mark.parametrize("control, status, words", [
    ("cloudwatch_root_usage_monitored", "alarm", "notifies no SNS topic"),
    ("cloudwatch_iam_policy_changes_monitored", "alarm", "no confirmed subscription"),
    ("cloudwatch_nacl_changes_monitored", "alarm", "no confirmed subscription"),
    ("cloudwatch_cloudtrail_changes_monitored", "alarm", "no CloudWatch alarm watches"),
    ("cloudwatch_unauthorized_api_calls_monitored", "alarm", "No metric filter on log group trail-events"),
    ("cloudwatch_console_signin_without_mfa_monitored", "alarm", "No metric filter"),
    ("cloudwatch_kms_key_disable_or_deletion_monitored", "ok", "Metric filter kms"),
])
def test_each_broken_step_is_named(results, control, status, words):
    row = results[(control, BROKEN)]
    assert row["status"] == status and words in row["reason"], row["reason"]


def test_a_stopped_trail_alarms_even_with_a_complete_chain(results):
    row = results[("cloudwatch_root_usage_monitored", STOPPED)]
    assert row["status"] == "alarm" and "not logging" in row["reason"]


def test_trail_bucket_private_and_logged_is_ok(results):
    for control in BUCKET_CONTROLS:
        row = results[(control, COMPLETE)]
        assert row["status"] == "ok", row["reason"]
        assert row["resource"] == f"arn:aws:s3:::trail-logs-{COMPLETE}" and row["dimensions"]["trails"] == "main"


def test_trail_bucket_public_and_unlogged_alarms(results):
    public = results[("cloudtrail_bucket_not_public", BROKEN)]
    assert public["status"] == "alarm" and "public through its bucket policy" in public["reason"]
    # the account's setting may restrict it (S3 applies the most restrictive of the bucket's and the account's)
    assert public["reason"].endswith("The account's Block Public Access is not loaded (s3control "
                                     "get-public-access-block): it may block that."), public["reason"]
    logging = results[("cloudtrail_bucket_access_logging", BROKEN)]
    assert logging["status"] == "alarm" and "no server access logging" in logging["reason"]


def test_the_account_s_block_public_access_covers_the_trail_bucket(results):
    """Amazon S3 User Guide, "Blocking public access to your Amazon S3 storage": S3 applies the most restrictive
    combination of the bucket's and the account's settings, so the account's RestrictPublicBuckets and
    IgnorePublicAcls close a bucket whose own block is none; the account's set to false leave its public ACL open."""
    closed = results[("cloudtrail_bucket_not_public", SOURCE_QUALIFIED)]
    assert closed["status"] == "ok", closed["reason"]
    open_acl = results[("cloudtrail_bucket_not_public", WRONG_SOURCE)]
    assert (open_acl["status"], open_acl["reason"]) == ("alarm", f"Bucket trail-logs-{WRONG_SOURCE} of trail main "
                                                                 "grants access to all users or all AWS users in its ACL.")


def test_trail_bucket_not_in_the_data_skips(results):
    for control in BUCKET_CONTROLS:
        assert results[(control, NO_CWL)]["status"] == "skip"


def test_a_chain_needs_a_trail_recording_every_management_event(results):
    # A metric filter sees only the events the trail delivers: a trail without read management events never sends
    # a root user's Describe/List/Get calls to the log group.
    row = results[("cloudwatch_root_usage_monitored", WRITE_ONLY)]
    assert row["status"] == "alarm" and "does not record every management event" in row["reason"], row["reason"]
    row = results[("cloudwatch_root_usage_monitored", SELECTORS_UNKNOWN)]
    assert row["status"] == "skip" and "get-event-selectors" in row["reason"], row["reason"]
