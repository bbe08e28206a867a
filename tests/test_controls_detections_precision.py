"""Precision of the CloudTrail detections on shapes seen in the public trails of tests/data.

Each case is a verdict a detection got wrong on a real trail (named in the test), rebuilt from hand-written events
in the same shape, with the twin the detection must still alarm on.
"""

import gzip
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import console_login, event, load_accounts
from .test_controls_detections_identity import AS_OF, run, statuses  # one control over hand-written events

T0 = AS_OF - timedelta(days=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# --------------------------------------------------------------------------------------------------------------
# trail_tampering: a failed call is a "denied attempt" only when it was denied. StopLogging, DeleteTrail and
# UpdateTrail on a trail that does not exist fail with TrailNotFoundException ("Unknown trail: ... for the user"):
# nothing was stopped and nobody was refused (the Invictus IR trail: three StopLogging and one DeleteTrail of
# Stratus runs whose trail was already gone; Plaso's UpdateTrail of myTrail2).
# --------------------------------------------------------------------------------------------------------------


def test_trail_calls_on_a_trail_that_does_not_exist_are_not_tampering(tmp_path):
    gone, denied = "851000000001", "851000000002"

    def trail_call(account, minute, name, error):
        return event(account, at(minute), name, source="cloudtrail.amazonaws.com", user="ops", error=error,
                     request={"name": "old-trail"})

    found = run(tmp_path, {
        gone: [trail_call(gone, 0, "StopLogging", "TrailNotFoundException"),
               trail_call(gone, 1, "DeleteTrail", "TrailNotFoundException"),
               trail_call(gone, 2, "UpdateTrail", "TrailNotFoundException")],
        denied: [trail_call(denied, 0, "StopLogging", "AccessDenied"),
                 trail_call(denied, 1, "DeleteTrail", "TrailNotFoundException")],
    }, "cloudtrail_event_trail_tampering")
    assert [(resource, status) for resource, status, _ in found[gone]] == [(f"arn:aws:::{gone}", "ok")]
    [(resource, status, reason)] = found[denied]
    assert (resource, status) == (f"arn:aws:cloudtrail:us-east-1:{denied}:trail/old-trail", "alarm")
    assert reason.startswith("1 denied attempt(s) (StopLogging) to trail old-trail by ops"), reason


def test_a_trail_changed_by_many_callers_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason is one readable sentence: with more callers than five it named every one of them, in no set order
    (77,587 characters on a benchmark of 1M events); it names the first five in order and counts the others."""
    account = "851000000003"
    callers = [f"ops-{letter}" for letter in "gfedcba"]
    found = run(tmp_path, {account: [
        event(account, at(minute), "StopLogging", source="cloudtrail.amazonaws.com", user=user,
              request={"name": "main-trail"})
        for minute, user in enumerate(callers)]}, "cloudtrail_event_trail_tampering")
    [(resource, status, reason)] = found[account]
    assert (resource, status) == (f"arn:aws:cloudtrail:us-east-1:{account}:trail/main-trail", "alarm")
    assert "trail main-trail by ops-a, ops-b, ops-c, ops-d, ops-e and 2 more, last on" in reason, reason


# --------------------------------------------------------------------------------------------------------------
# identity_provider_added: IAM Identity Center creates, through its service-linked role AWSServiceRoleForSSO, the
# SAML provider AWSSSO_<id>_DO_NOT_DELETE in each account it is enabled for (Panther's "Activity from AWSSSO
# Service Managed Role" event): AWS's own set-up, not a new way in. The same call by a customer's role that
# CloudFormation makes for it (invokedBy cloudformation.amazonaws.com, Panther's "CreateSAMLProvider") is a
# provider the customer added, and still alarms.
# --------------------------------------------------------------------------------------------------------------


def test_identity_center_service_linked_role_adding_its_saml_provider_is_not_an_alarm(tmp_path):
    sso, stack = "852000000001", "852000000002"
    name = "AWSSSO_abdf34fd171b4a7e_DO_NOT_DELETE"
    by_sso = event(sso, at(0), "CreateSAMLProvider", role="AWSServiceRoleForSSO", invoked_by="sso.amazonaws.com",
                   ip="sso.amazonaws.com", agent="sso.amazonaws.com",
                   request={"name": name, "sAMLMetadataDocument": "<xml/>"},
                   response={"sAMLProviderArn": f"arn:aws:iam::{sso}:saml-provider/{name}"})
    # a service-linked role's session ARN has no path; its issuer (the role) has /aws-service-role/<service>/
    by_sso["user_identity"].update({
        "arn": f"arn:aws:sts::{sso}:assumed-role/AWSServiceRoleForSSO/AWS-SSO",
        "sessionContext": {"sessionIssuer": {
            "type": "Role", "userName": "AWSServiceRoleForSSO",
            "arn": f"arn:aws:iam::{sso}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO"}}})
    by_sso["user_identifier"] = by_sso["user_identity"]["arn"]
    by_stack = event(stack, at(0), "CreateSAMLProvider", role="StackRole", invoked_by="cloudformation.amazonaws.com",
                     agent="cloudformation.amazonaws.com", request={"name": "PartnerIdP", "sAMLMetadataDocument": "<x/>"},
                     response={"sAMLProviderArn": f"arn:aws:iam::{stack}:saml-provider/PartnerIdP"})
    found = run(tmp_path, {sso: [by_sso], stack: [by_stack]}, "cloudtrail_event_identity_provider_added")
    assert [(resource, status) for resource, status, _ in found[sso]] == [(f"arn:aws:::{sso}", "ok")], found[sso]
    assert [(resource, status) for resource, status, _ in found[stack]] == [
        (f"arn:aws:iam::{stack}:saml-provider/PartnerIdP", "alarm")]


# --------------------------------------------------------------------------------------------------------------
# nhi_reuse_many_sources: a tool that puts a run id in its user agent is one tool, however many runs. Stratus Red
# Team sends stratus-red-team_<uuid> per detonation: on the Invictus IR trail one key, used from one address by
# Terraform and Stratus, counted as 80 tools. Six different tools on one key still alarm.
# --------------------------------------------------------------------------------------------------------------


def test_a_run_id_in_the_user_agent_is_not_another_tool(tmp_path):
    one_tool, many_tools = "853000000001", "853000000002"
    runs = [event(one_tool, at(i), "ListBuckets", source="s3.amazonaws.com", user="tester", key="AKIAONETOOL000000001",
                  read_only=True, agent=f"stratus-red-team_{uuid.UUID(int=i + 1)}") for i in range(8)]
    runs.append(event(one_tool, at(9), "ListBuckets", source="s3.amazonaws.com", user="tester",
                      key="AKIAONETOOL000000001", read_only=True, agent="[stratus-red-team_{}]".format(uuid.UUID(int=99))))
    agents = ["aws-cli/2.15.0 Python/3.11.6", "Boto3/1.34.0 md/Botocore#1.34.0", "aws-sdk-go/1.50.0 (go1.21)",
              "aws-sdk-java/2.20.0 Linux", "Terraform/1.7.0", "aws-sdk-js/3.500.0"]
    tools = [event(many_tools, at(i), "ListBuckets", source="s3.amazonaws.com", user="shared", read_only=True,
                   key="AKIAMANYTOOLS0000001", agent=agent) for i, agent in enumerate(agents)]
    found = run(tmp_path, {one_tool: runs, many_tools: tools}, "cloudtrail_event_nhi_reuse_many_sources")
    [(resource, status, reason)] = found[one_tool]
    assert (resource, status) == (f"arn:aws:iam::{one_tool}:user/tester#AKIAONETOOL000000001", "ok"), reason
    assert "1 source IP address(es) and 1 tool(s) in 9 call(s)" in reason, reason
    [(resource, status, reason)] = found[many_tools]
    assert (resource, status) == (f"arn:aws:iam::{many_tools}:user/shared#AKIAMANYTOOLS0000001", "alarm"), reason
    assert "6 tool(s)" in reason, reason


# --------------------------------------------------------------------------------------------------------------
# root_activity: a failed sign-in is not a use of the root user. CloudTrail records a failed console sign-in with
# the root identity when the e-mail address is the root user's, answering {"ConsoleLogin": "Failure"} (Panther's
# "Root User Failed Activity" events, a ConsoleLogin and an ExternalIdPDirectoryLogin): nobody got in. The failed
# attempts are named in the reason; a successful root sign-in still alarms.
# --------------------------------------------------------------------------------------------------------------


def test_a_failed_root_sign_in_is_not_root_use(tmp_path):
    failed, signed_in = "854000000001", "854000000002"

    def sign_in(account, minute, name, result):
        return event(account, at(minute), name, source="signin.amazonaws.com", root=True, ip="203.0.113.9",
                     agent="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0",
                     response={name: result}, additional={"MFAUsed": "No"})

    found = run(tmp_path, {
        failed: [sign_in(failed, 0, "ConsoleLogin", "Failure"), sign_in(failed, 1, "ExternalIdPDirectoryLogin", "Failure"),
                 event(failed, at(2), "ListUsers", user="admin", read_only=True)],
        signed_in: [sign_in(signed_in, 0, "ConsoleLogin", "Failure"), sign_in(signed_in, 1, "ConsoleLogin", "Success")],
    }, "cloudtrail_event_root_activity")
    [(resource, status, reason)] = found[failed]
    assert (resource, status) == (f"arn:aws:iam::{failed}:root", "ok"), reason
    assert "(2 failed root sign-in(s), last on 2024-05-31 12:01 UTC: nobody got in)" in reason, reason
    [(resource, status, reason)] = found[signed_in]
    assert (resource, status) == (f"arn:aws:iam::{signed_in}:root", "alarm"), reason
    assert "made 1 call(s)" in reason and "(ConsoleLogin)" in reason and "besides 1 failed root sign-in(s)" in reason


# --------------------------------------------------------------------------------------------------------------
# IAM Identity Center provisions each permission set into an assigned account through its service-linked role
# AWSServiceRoleForSSO (session AWS-SSO, invokedBy sso.amazonaws.com): it creates the account's
# AWSSSO_<id>_DO_NOT_DELETE SAML provider, then per permission set a role AWSReservedSSO_<set>_<suffix> under
# /aws-reserved/sso.amazonaws.com/ trusting that provider, and attaches the set's policies (AdministratorAccess for
# an administrator set). These are AWS's own changes, decided and logged in the Identity Center account
# (CreatePermissionSet, CreateAccountAssignment); the same calls by a customer's role alarm.
# --------------------------------------------------------------------------------------------------------------


def test_identity_center_provisioning_a_permission_set_is_not_a_backdoor(tmp_path):
    import json

    account = "855000000001"
    provider = f"arn:aws:iam::{account}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"
    trust = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": provider}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]})
    slr_arn = f"arn:aws:iam::{account}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO"

    def provision(minute, name, role_name, by_sso, **request):
        caller = "AWSServiceRoleForSSO" if by_sso else "deployer"
        e = event(account, at(minute), name, role=caller, request={"roleName": role_name, **request},
                  **({"invoked_by": "sso.amazonaws.com", "ip": "sso.amazonaws.com", "agent": "sso.amazonaws.com"}
                     if by_sso else {}))
        if by_sso:
            e["user_identity"].update({
                "arn": f"arn:aws:sts::{account}:assumed-role/AWSServiceRoleForSSO/AWS-SSO",
                "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "AWSServiceRoleForSSO", "arn": slr_arn}}})
            e["user_identifier"] = e["user_identity"]["arn"]
        return e

    events = []
    for minute, role_name, by_sso in ((0, "AWSReservedSSO_AdministratorAccess_0123456789abcdef", True),
                                      (10, "break-glass", False)):
        path = "/aws-reserved/sso.amazonaws.com/" if by_sso else "/"
        events += [provision(minute, "CreateRole", role_name, by_sso, path=path, assumeRolePolicyDocument=trust),
                   provision(minute + 1, "AttachRolePolicy", role_name, by_sso,
                             policyArn="arn:aws:iam::aws:policy/AdministratorAccess")]
    limited = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["iam:CreateRole", "iam:AttachRolePolicy"], "Resource": "*"}]}

    def role(name, path):
        return {"name": name, "arn": f"arn:aws:iam::{account}:role{path}{name}", "path": path,
                "attached_policy_arns": [], "inline_policies_std": [{"PolicyName": "p", "PolicyDocument": limited}],
                "account_id": account, "partition": "aws", "region": "global"}

    tables = {"aws_cloudtrail_trail_event": events, "aws_iam_user": [],
              "aws_iam_role": [role("AWSServiceRoleForSSO", "/aws-service-role/sso.amazonaws.com/"), role("deployer", "/")],
              "aws_iam_policy": []}
    con = db.connect(tmp_path / "sso.duckdb")
    load_accounts(con, {account: tables}, AS_OF)
    checked = ["cloudtrail_event_role_trust_opened", "cloudtrail_event_admin_policy_granted",
               "cloudtrail_event_new_principal_granted_power", "cloudtrail_event_iam_change_by_non_admin"]
    rows = controls.results(con, controls.run_checks(con, controls=checked))
    con.close()
    alarms = {(r["control_id"], r["resource"].rsplit("/", 1)[-1]) for r in rows if r["status"] == "alarm"}
    assert alarms == {("cloudtrail_event_role_trust_opened", "break-glass"),
                      ("cloudtrail_event_admin_policy_granted", "break-glass"),
                      ("cloudtrail_event_new_principal_granted_power", "break-glass"),
                      ("cloudtrail_event_iam_change_by_non_admin", "deployer")}, \
        [(r["control_id"], r["resource"], r["status"], r["reason"]) for r in rows]


# --------------------------------------------------------------------------------------------------------------
# Network activity events (eventType AwsVpceEvent, eventCategory NetworkActivity) are the VPC endpoint owner's
# record of a call that passed its endpoint, with the request left out; the call itself is the management event
# of the account where it was made. Counting both reported one UpdateTrail as two changes, one of them to an
# "unnamed" trail (Panther's "CloudTrail API Call Via VPC Endpoint" event is such a record of UpdateTrail).
# --------------------------------------------------------------------------------------------------------------


def test_a_network_activity_record_is_not_a_second_call(tmp_path):
    account = "856000000001"
    call = event(account, at(0), "UpdateTrail", source="cloudtrail.amazonaws.com", user="ops", ip="10.0.0.1",
                 request={"name": "management-events", "isMultiRegionTrail": False})
    call |= {"vpc_endpoint_id": "vpce-0123456789abcdef0", "shared_event_id": "shared-1"}
    copy = {**call, "event_id": call["event_id"] + "-vpce", "event_type": "AwsVpceEvent", "event_category": "NetworkActivity",
            "request_parameters": None}
    found = run(tmp_path, {account: [call, copy]}, "cloudtrail_event_trail_tampering")
    [(resource, status, reason)] = found[account]
    assert (resource, status) == (f"arn:aws:cloudtrail:us-east-1:{account}:trail/management-events", "alarm")
    assert reason.startswith("1 change(s) (UpdateTrail: made a single-Region trail) to trail management-events"), reason


def test_a_network_activity_record_is_not_counted_as_an_event_of_the_window(tmp_path):
    """cross_account_role_use's ok row counts the account's events as every detection does: a call once, not again
    as its endpoint's record; an account whose window holds only such records has no event to judge (skip)."""
    calls, copies_only = "856000000002", "856000000003"
    call = event(calls, at(0), "ListUsers", user="ops") | {"vpc_endpoint_id": "vpce-0123456789abcdef0"}
    copy = event(copies_only, at(0), "ListUsers", user="ops") | {"event_type": "AwsVpceEvent",
                                                                 "event_category": "NetworkActivity"}
    found = run(tmp_path, {calls: [call, {**call, "event_id": call["event_id"] + "-vpce", "event_type": "AwsVpceEvent",
                                          "event_category": "NetworkActivity"}],
                           copies_only: [copy]}, "cloudtrail_event_cross_account_role_use")
    [(_, status, reason)] = found[calls]
    assert status == "ok" and reason.startswith("None of the 1 CloudTrail events"), reason
    assert [status for _, status, _ in found[copies_only]] == ["skip"], found[copies_only]


# --------------------------------------------------------------------------------------------------------------
# security_monitoring_disabled: the S3 bucket and the CloudWatch Logs group a trail delivers to. A one-day
# lifecycle rule on the trail's bucket (Stratus cloudtrail-lifecycle-rule, on the Invictus IR trail: CreateTrail
# naming the bucket, then PutBucketLifecycle "nuke-cloudtrail-logs-after-1-day"), a bucket policy that no longer
# lets CloudTrail write, server access logging turned off, the trail's log group deleted. The same calls on a bucket
# or log group no trail is known to use are not judged; nor are rules that are disabled or keep the logs long.
# --------------------------------------------------------------------------------------------------------------

CLOUDTRAIL_WRITE = [
    {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::{b}"},
    {"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
     "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{b}/*",
     "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}]


def s3_call(account, minute, name, bucket, error=None, **request):
    return event(account, at(minute), name, source="s3.amazonaws.com", user="ops", error=error,
                 agent="[aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 prompt/off command/s3api]",
                 request={"bucketName": bucket, "Host": f"{bucket}.s3.us-east-1.amazonaws.com", **request},
                 additional={"SignatureVersion": "SigV4", "AuthenticationMethod": "AuthHeader"})


def lifecycle(account, minute, bucket, rules, error=None):
    return s3_call(account, minute, "PutBucketLifecycle", bucket, error=error, lifecycle="", LifecycleConfiguration={
        "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Rule": rules})


def bucket_policy(account, minute, bucket, statements):
    import json
    doc = json.loads(json.dumps({"Version": "2012-10-17", "Statement": statements}).replace("{b}", bucket))
    return s3_call(account, minute, "PutBucketPolicy", bucket, policy="", bucketPolicy=doc)


def bucket_logging(account, minute, bucket, target=None):
    status = {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}
    if target:
        status["LoggingEnabled"] = {"TargetBucket": target, "TargetPrefix": f"{bucket}/"}
    return s3_call(account, minute, "PutBucketLogging", bucket, logging="", BucketLoggingStatus=status)


def create_trail(account, minute, name, bucket, log_group=None):
    request = {"name": name, "s3BucketName": bucket, "includeGlobalServiceEvents": True}
    if log_group:
        request["cloudWatchLogsLogGroupArn"] = f"arn:aws:logs:us-east-1:{account}:log-group:{log_group}:*"
    return event(account, at(minute), "CreateTrail", source="cloudtrail.amazonaws.com", user="ops", request=request)


def delete_log_group(account, minute, name):
    return event(account, at(minute), "DeleteLogGroup", source="logs.amazonaws.com", user="ops",
                 request={"logGroupName": name})


def monitoring_alarms(tmp_path, tables: dict[str, dict[str, list[dict]]]) -> dict[str, str]:
    """resource -> reason of every alarm of cloudtrail_event_security_monitoring_disabled."""
    con = db.connect(tmp_path / "monitoring.duckdb")
    load_accounts(con, tables, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_security_monitoring_disabled"]))
    con.close()
    assert [r for r in rows if r["status"] == "error"] == []
    return {r["resource"]: r["reason"] for r in rows if r["status"] == "alarm"}


def test_changes_that_shorten_or_stop_a_trails_logs_alarm_only_on_the_trails_bucket(tmp_path):
    loaded, events_only, policy_only = "857000000001", "857000000002", "857000000003"
    trail = {"name": "main", "arn": f"arn:aws:cloudtrail:us-east-1:{loaded}:trail/main", "home_region": "us-east-1",
             "is_multi_region_trail": True, "s3_bucket_name": "main-trail-logs",
             "log_group_arn": f"arn:aws:logs:us-east-1:{loaded}:log-group:CloudTrail/main:*",
             "account_id": loaded, "region": "us-east-1", "partition": "aws"}
    one_day = {"ID": "nuke-cloudtrail-logs-after-1-day", "Status": "Enabled", "Filter": {"Prefix": "*"},
               "Expiration": {"Days": 1}}
    tables = {
        # the trail is loaded: its bucket and log group are known without any trail event
        loaded: {"aws_cloudtrail_trail": [trail], "aws_cloudtrail_trail_event": [
            lifecycle(loaded, 0, "main-trail-logs", [
                {"ID": "keep-2y", "Status": "Enabled", "Filter": "", "Expiration": {"Days": 730}},
                {"ID": "purge", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"}, "Expiration": {"Days": 3}}]),
            lifecycle(loaded, 1, "app-uploads", one_day),  # not a trail's bucket
            delete_log_group(loaded, 2, "CloudTrail/main"),
            delete_log_group(loaded, 3, "/aws/lambda/app"),  # not a trail's log group
        ]},
        # events only: CreateTrail names the bucket and the log group
        events_only: {"aws_cloudtrail_trail_event": [
            create_trail(events_only, 0, "org", "org-trail-logs"),
            create_trail(events_only, 1, "audit", "audit-trail-logs", log_group="audit-trail"),
            create_trail(events_only, 2, "keep", "keep-trail-logs"),
            bucket_policy(events_only, 10, "org-trail-logs", [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::193672423079:root"}, "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::org-trail-logs/*"}]),
            s3_call(events_only, 11, "DeleteBucketPolicy", "audit-trail-logs", policy=""),
            lifecycle(events_only, 12, "keep-trail-logs", {**one_day, "Status": "Disabled"}),
            lifecycle(events_only, 13, "keep-trail-logs", {**one_day, "Expiration": {"Days": 730}}),
            lifecycle(events_only, 14, "keep-trail-logs", one_day, error="NoSuchBucket"),
            bucket_policy(events_only, 15, "keep-trail-logs", CLOUDTRAIL_WRITE),
            bucket_logging(events_only, 16, "keep-trail-logs", target="access-logs"),
            delete_log_group(events_only, 17, "audit-trail"),
        ]},
        # no trail known: an earlier bucket policy letting CloudTrail write makes it a trail's bucket
        policy_only: {"aws_cloudtrail_trail_event": [
            bucket_policy(policy_only, 0, "central-logs", CLOUDTRAIL_WRITE),
            bucket_logging(policy_only, 1, "central-logs"),
            bucket_logging(policy_only, 2, "critical-data"),  # no trail known to write there
            lifecycle(policy_only, 3, "sample-cloudtrail-bucket-name", one_day, error="AccessDenied"),
        ]},
    }
    alarms = monitoring_alarms(tmp_path, tables)
    assert set(alarms) == {
        "arn:aws:s3:::main-trail-logs", f"arn:aws:logs:us-east-1:{loaded}:log-group:CloudTrail/main",
        "arn:aws:s3:::org-trail-logs", "arn:aws:s3:::audit-trail-logs",
        f"arn:aws:logs:us-east-1:{events_only}:log-group:audit-trail", "arn:aws:s3:::central-logs"}, alarms
    assert ("called PutBucketLifecycle (s3 main-trail-logs, the log bucket of trail main: rule purge expires log files "
            "after 3 day(s)) at 2024-05-31 12:00:00 UTC") in alarms["arn:aws:s3:::main-trail-logs"]
    assert "(logs CloudTrail/main, the log group of trail main)" in alarms[
        f"arn:aws:logs:us-east-1:{loaded}:log-group:CloudTrail/main"]
    assert "the log bucket of trail org: the new policy no longer lets CloudTrail write log files" in alarms[
        "arn:aws:s3:::org-trail-logs"]
    assert "DeleteBucketPolicy (s3 audit-trail-logs, the log bucket of trail audit: without a bucket policy" in alarms[
        "arn:aws:s3:::audit-trail-logs"]
    assert "the log bucket of a bucket policy letting CloudTrail write: server access logging turned off" in alarms[
        "arn:aws:s3:::central-logs"]


def test_a_lifecycle_rule_set_before_the_bucket_was_a_trails_is_not_judged(tmp_path):
    account = "857000000004"
    rule = {"ID": "tmp", "Status": "Enabled", "Expiration": {"Days": 1}}
    alarms = monitoring_alarms(tmp_path, {account: {"aws_cloudtrail_trail_event": [
        lifecycle(account, 0, "reused-bucket", rule),
        create_trail(account, 5, "late", "reused-bucket"),
    ]}})
    assert alarms == {}
    (tmp_path / "after").mkdir()
    alarms = monitoring_alarms(tmp_path / "after", {account: {"aws_cloudtrail_trail_event": [
        create_trail(account, 0, "early", "reused-bucket"),
        lifecycle(account, 5, "reused-bucket", rule, error="AccessDenied"),
    ]}})
    assert list(alarms) == ["arn:aws:s3:::reused-bucket"]
    assert "tried PutBucketLifecycle" in alarms["arn:aws:s3:::reused-bucket"]
    assert "denied with AccessDenied" in alarms["arn:aws:s3:::reused-bucket"]



def test_a_trail_bucket_policy_is_judged_by_what_it_lets_cloudtrail_do(tmp_path):
    """A Deny of s3:PutObject naming CloudTrail shuts it out though the Allow stays; the usual Deny of insecure
    transport to everyone (conditioned) and an Allow listing CloudTrail among other services do not."""
    account = "857000000005"
    deny = CLOUDTRAIL_WRITE + [{"Effect": "Deny", "Principal": {"Service": ["cloudtrail.amazonaws.com"]},
                                "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::{b}/*"}]
    tls_only = CLOUDTRAIL_WRITE + [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                    "Resource": "arn:aws:s3:::{b}/*",
                                    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]
    shared = [{"Effect": "Allow", "Principal": {"Service": ["config.amazonaws.com", "cloudtrail.amazonaws.com"]},
               "Action": ["s3:GetBucketAcl", "s3:PutObject"], "Resource": "*"}]
    alarms = monitoring_alarms(tmp_path, {account: {"aws_cloudtrail_trail_event": [
        create_trail(account, 0, "t1", "denied-logs"), create_trail(account, 0, "t2", "tls-logs"),
        create_trail(account, 0, "t3", "shared-logs"),
        bucket_policy(account, 5, "denied-logs", deny), bucket_policy(account, 5, "tls-logs", tls_only),
        bucket_policy(account, 5, "shared-logs", shared)]}})
    assert list(alarms) == ["arn:aws:s3:::denied-logs"], alarms
    assert "the log bucket of trail t1: the new policy denies CloudTrail s3:PutObject" in alarms["arn:aws:s3:::denied-logs"]

# --------------------------------------------------------------------------------------------------------------
# security_monitoring_disabled: Bedrock model-invocation logging deleted (Panther's "Model Invocation Logging
# Configuration Deleted": DeleteModelInvocationLoggingConfiguration from bedrock.amazonaws.com, no request
# parameters) and GuardDuty UpdateDetector: only enable=false switches the detector off; an UpdateDetector that
# keeps it enabled (changing the publishing frequency) or that failed with a bad request changed no monitoring.
# --------------------------------------------------------------------------------------------------------------


def test_bedrock_invocation_logging_deleted_and_detector_disabled_alarm_their_twins_do_not(tmp_path):
    blinded, benign = "858000000001", "858000000002"

    def bedrock(account, minute, name, error=None):
        return event(account, at(minute), name, source="bedrock.amazonaws.com", role="DevAdmin", error=error,
                     region="us-west-2", agent="Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0.0.0")

    def update_detector(account, minute, enable, error=None):
        return event(account, at(minute), "UpdateDetector", source="guardduty.amazonaws.com", user="ops", error=error,
                     request={"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": enable,
                              "findingPublishingFrequency": "FIFTEEN_MINUTES"})

    alarms = monitoring_alarms(tmp_path, {
        blinded: {"aws_cloudtrail_trail_event": [bedrock(blinded, 0, "DeleteModelInvocationLoggingConfiguration"),
                                                 update_detector(blinded, 1, False)]},
        benign: {"aws_cloudtrail_trail_event": [
            bedrock(benign, 0, "GetModelInvocationLoggingConfiguration"),
            bedrock(benign, 1, "DeleteModelInvocationLoggingConfiguration", error="ValidationException"),
            update_detector(benign, 2, True),
            update_detector(benign, 3, False, error="BadRequestException")]},
    })
    assert set(alarms) == {f"arn:aws:bedrock:us-west-2:{blinded}:model-invocation-logging-configuration",
                           f"arn:aws:guardduty:us-east-1:{blinded}:detector/12abc34d567e8fa901bc2d34e56789f0"}, alarms
    assert ("assumed-role/DevAdmin/session-1 called DeleteModelInvocationLoggingConfiguration (bedrock model invocation "
            "logging) at 2024-05-31 12:00:00 UTC") in alarms[
        f"arn:aws:bedrock:us-west-2:{blinded}:model-invocation-logging-configuration"]


# --------------------------------------------------------------------------------------------------------------
# trail_tampering: PutEventSelectors replaces a trail's selectors; it narrows logging only when the new ones leave
# management events out or drop the data events of the previous full selectors. Panther's "Event Selector Enabled"
# test event (every management event, read and write) is a trail's set-up or its logging restored, and alarmed;
# its "Event Selector Disabled" twin (no management events, Stratus cloudtrail-event-selectors) must alarm.
# --------------------------------------------------------------------------------------------------------------


def panther_events(public_data, rule_id: str) -> dict[str, dict]:
    """Panther's test events of one rule, by test name (tests/data/panther_analysis, see its PROVENANCE.md)."""
    lines = (public_data / "panther_analysis" / "cloudtrail_rule_tests_with_meta.jsonl").read_text().splitlines()
    return {t["_test_name"]: t["event"] for t in map(json.loads, lines) if t["_rule_id"] == rule_id}


def check_loaded(tmp_path, files: list[Path], control_id: str) -> list[tuple[str, str]]:
    """(status, reason) of one control over files loaded as ``iamsql load`` loads them."""
    con = db.connect(tmp_path / "loaded.duckdb")
    load_paths(con, files)
    rows = controls.results(con, controls.run_checks(con, controls=[control_id]))
    con.close()
    return [(r["status"], r["reason"]) for r in rows]


def test_event_selectors_that_record_every_management_event_are_not_tampering(tmp_path, public_data):
    tests = panther_events(public_data, "AWS.CloudTrail.EventSelectorsDisabled")
    found = {}
    for name in ("Event Selector Enabled", "Event Selector Disabled"):
        path = tmp_path / name / "events.jsonl"
        path.parent.mkdir()
        path.write_text(json.dumps(tests[name]) + "\n")
        found[name] = check_loaded(path.parent, [path], "cloudtrail_event_trail_tampering")
    [(status, reason)] = found["Event Selector Enabled"]
    assert status == "ok", reason
    [(status, reason)] = found["Event Selector Disabled"]
    assert status == "alarm"
    assert reason.startswith("1 change(s) (PutEventSelectors: no management events recorded) to trail "
                             "sample-cloudtrail-name by SampleRole"), reason


def test_the_invictus_trail_alarms_on_the_selectors_stratus_narrowed_not_on_their_restoring(tmp_path, public_data):
    # Stratus cloudtrail-event-selectors on a real trail: PutEventSelectors at 12:00:08 (read-only data events, no
    # management events), then its clean-up at 12:07:49 (every management event again)
    trail = public_data / "invictus_ir_aws_dataset" / "CloudTrail"
    files = [trail / f"218007301253_CloudTrail_us-east-1_20230710T{name}.json"
             for name in ("1205Z_UljXNp9xLp8nsAGc", "1210Z_vj0QE0Tf5ZmzMsCo")]
    rows = [(s, r) for s, r in check_loaded(tmp_path, files, "cloudtrail_event_trail_tampering") if "ctes-trail" in r]
    assert [s for s, _ in rows] == ["alarm"]
    assert "1 change(s) (PutEventSelectors: no management events recorded) to trail stratus-red-team-ctes-trail-qyxyekjbtk" in rows[0][1]


def selectors(account, minute, **request):
    return event(account, at(minute), "PutEventSelectors", source="cloudtrail.amazonaws.com", user="ops",
                 request={"trailName": "main", **request})


def test_event_selectors_narrowing_management_or_data_events_alarm(tmp_path):
    full = {"readWriteType": "All", "includeManagementEvents": True, "excludeManagementEventSources": [],
            "dataResources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]}
    management = [{"field": "eventCategory", "equals": ["Management"]}]
    accounts = {
        # set-up with advanced selectors recording every management event and S3 data events
        "853000000001": [selectors("853000000001", 0, advancedEventSelectors=[
            {"name": "management", "fieldSelectors": management},
            {"name": "s3", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                                              {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}])],
        # write events only
        "853000000002": [selectors("853000000002", 0, advancedEventSelectors=[
            {"name": "writes", "fieldSelectors": [*management, {"field": "readOnly", "equals": ["false"]}]}])],
        # KMS left out
        "853000000003": [selectors("853000000003", 0, eventSelectors=[
            {**full, "excludeManagementEventSources": ["kms.amazonaws.com"]}])],
        # the S3 data events of the previous full selectors dropped
        "853000000004": [selectors("853000000004", 0, eventSelectors=[full]),
                         selectors("853000000004", 5, eventSelectors=[{**full, "dataResources": []}])],
        # data events added to a trail that recorded only management events
        "853000000005": [selectors("853000000005", 0, eventSelectors=[{**full, "dataResources": []}]),
                         selectors("853000000005", 5, eventSelectors=[full])],
    }
    found = run(tmp_path, accounts, "cloudtrail_event_trail_tampering")
    ok = {a for a, rows in found.items() if [s for _, s, _ in rows] == ["ok"]}
    assert ok == {"853000000001", "853000000005"}, found
    reasons = {a: rows[0][2] for a, rows in found.items() if a not in ok}
    assert "(PutEventSelectors: read management events no longer recorded)" in reasons["853000000002"]
    assert "(PutEventSelectors: management events of some event sources no longer recorded)" in reasons["853000000003"]
    assert "(PutEventSelectors: the data events of the previous selectors no longer recorded)" in reasons["853000000004"]
    assert reasons["853000000004"].startswith("1 change(s)")



# --------------------------------------------------------------------------------------------------------------
# root_activity: a root access key created on the console's security credentials page is recorded with
# invokedBy signin.amazonaws.com (Panther's "Root Access Key Created" event): the console passing on the root
# user's own action, not an AWS service acting for it; it was left out with the service calls.
# --------------------------------------------------------------------------------------------------------------


def test_a_root_access_key_created_in_the_console_is_root_use(tmp_path, public_data):
    tests = panther_events(public_data, "AWS.CloudTrail.RootAccessKeyCreated")
    found = {}
    for name in ("Root Access Key Created", "Root Created Access Key For User"):
        path = tmp_path / name / "events.jsonl"
        path.parent.mkdir()
        path.write_text(json.dumps(tests[name]) + "\n")
        assert tests[name]["userIdentity"]["invokedBy"] == "signin.amazonaws.com"
        found[name] = check_loaded(path.parent, [path], "cloudtrail_event_root_activity")
    [(status, reason)] = found["Root Access Key Created"]
    assert status == "alarm" and "(CreateAccessKey)" in reason and "created 1 root access key(s)" in reason, reason
    [(status, reason)] = found["Root Created Access Key For User"]
    assert status == "alarm" and "root access key" not in reason, reason


def test_a_service_acting_for_the_root_user_is_still_not_root_use(tmp_path):
    account = "854000000001"
    found = run(tmp_path, {account: [event(account, at(0), "GetAccountSummary", root=True,
                                           invoked_by="support.amazonaws.com")]}, "cloudtrail_event_root_activity")
    assert [s for _, s, _ in found[account]] == ["ok"], found


def test_another_accounts_root_reaching_this_accounts_bucket_is_not_this_accounts_root(tmp_path):
    """CloudTrail records a cross-account call in the resource's account too: recipientAccountId is that account,
    userIdentity.accountId the caller's. Another account's root user reading this account's bucket is not this
    account's root user; this account's own root call still alarms."""
    owner, outsider, used = "854000000001", "854000000002", "854000000003"

    def get_object(caller_account, recipient, **caller):
        row = event(caller_account, at(0), "GetObject", source="s3.amazonaws.com", read_only=True,
                    request={"bucketName": "shared-reports", "key": "q1.csv"}, **caller)
        return row | {"recipient_account_id": recipient, "account_id": recipient}

    found = run(tmp_path, {
        owner: [get_object(outsider, owner, root=True), event(owner, at(1), "ListUsers", user="admin", read_only=True)],
        used: [get_object(used, used, root=True)],
    }, "cloudtrail_event_root_activity")
    [(resource, status, reason)] = found[owner]
    assert (resource, status) == (f"arn:aws:iam::{owner}:root", "ok"), reason
    [(resource, status, reason)] = found[used]
    assert (resource, status) == (f"arn:aws:iam::{used}:root", "alarm") and "(GetObject)" in reason, reason


def test_instance_credentials_match_a_persons_private_address_only_through_the_same_vpc_endpoint(tmp_path):
    """Through a VPC endpoint, sourceIPAddress is a private address of the endpoint's VPC: a user calling from
    10.0.1.23 through one VPC's endpoint and an instance session calling from 10.0.1.23 through another VPC's are two
    machines; through the same endpoint, the instance's credentials were used on the person's machine."""
    elsewhere, same = "855000000001", "855000000002"

    def via(row, endpoint):
        return row | {"source_ip_address": "10.0.1.23", "vpc_endpoint_id": endpoint}

    def calls(account, instance_endpoint):
        person = event(account, at(0), "ListBuckets", source="s3.amazonaws.com", user="dev", read_only=True)
        instance = event(account, at(5), "ListBuckets", source="s3.amazonaws.com", role="app-role", read_only=True)
        # an instance profile's session is named after the instance
        instance["user_identity"]["arn"] = f"arn:aws:sts::{account}:assumed-role/app-role/i-0123456789abcdef0"
        return [via(person, "vpce-0a1b2c3d4e5f60001"), via(instance, instance_endpoint)]

    found = run(tmp_path, {elsewhere: calls(elsewhere, "vpce-0a1b2c3d4e5f60002"),
                           same: calls(same, "vpce-0a1b2c3d4e5f60001")},
                "cloudtrail_event_instance_credentials_used_elsewhere")
    assert [s for _, s, _ in found[elsewhere]] == ["ok"], found[elsewhere]
    [(resource, status, reason)] = found[same]
    assert (resource, status) == (f"arn:aws:sts::{same}:assumed-role/app-role/i-0123456789abcdef0", "alarm"), reason


# --------------------------------------------------------------------------------------------------------------
# IAM does not distinguish user, group and role names by case ("you cannot create resources named both MyResource
# and myresource"): a request's userName in another case than the caller's, or than the CreateUser that made the
# user, names the same user.
# --------------------------------------------------------------------------------------------------------------


def test_a_user_naming_itself_in_another_case_is_not_another_principal(tmp_path):
    own, other = "856000000001", "856000000002"
    found = run(tmp_path, {
        own: [event(own, at(0), "CreateAccessKey", user="alice", request={"userName": "Alice"},
                    response={"accessKey": {"accessKeyId": "AKIAEXAMPLEALICE0001", "userName": "alice"}})],
        other: [event(other, at(0), "CreateAccessKey", user="alice", request={"userName": "Bob"},
                      response={"accessKey": {"accessKeyId": "AKIAEXAMPLEBOB000001", "userName": "Bob"}})],
    }, "cloudtrail_event_credential_for_other_principal")
    assert [s for _, s, _ in found[own]] == ["ok"], found[own]
    [(resource, status, _)] = found[other]
    assert (resource, status) == (f"arn:aws:iam::{other}:user/Bob", "alarm"), found[other]


def test_a_new_user_armed_under_its_name_in_another_case_is_still_armed(tmp_path):
    account = "856000000003"
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    found = run(tmp_path, {account: [
        event(account, at(0), "CreateUser", user="intruder", request={"userName": "Backdoor"},
              response={"user": {"userName": "Backdoor", "arn": f"arn:aws:iam::{account}:user/Backdoor"}}),
        event(account, at(1), "AttachUserPolicy", user="intruder", request={"userName": "backdoor", "policyArn": admin}),
        event(account, at(2), "CreateAccessKey", user="intruder", request={"userName": "BACKDOOR"},
              response={"accessKey": {"accessKeyId": "AKIAEXAMPLEBACKDOOR1", "userName": "Backdoor"}}),
    ]}, "cloudtrail_event_new_principal_granted_power")
    [(resource, status, reason)] = found[account]
    assert (resource, status) == (f"arn:aws:iam::{account}:user/Backdoor", "alarm"), reason
    assert "AttachUserPolicy (AdministratorAccess)" in reason and "CreateAccessKey" in reason, reason


def test_an_mfa_device_replaced_under_the_users_name_in_another_case_is_a_replacement(tmp_path):
    replaced, removed = "856000000004", "856000000005"

    def deactivate(account):
        return event(account, at(0), "DeactivateMFADevice", user="admin",
                     request={"userName": "Bob", "serialNumber": f"arn:aws:iam::{account}:mfa/Bob"})

    found = run(tmp_path, {
        replaced: [deactivate(replaced), event(replaced, at(3), "EnableMFADevice", user="admin", request={
            "userName": "bob", "serialNumber": f"arn:aws:iam::{replaced}:mfa/bob-new"})],
        removed: [deactivate(removed)],
    }, "cloudtrail_event_mfa_device_removed")
    assert [s for _, s, _ in found[replaced]] == ["ok"], found[replaced]
    assert [s for _, s, _ in found[removed]] == ["alarm"], found[removed]


# --------------------------------------------------------------------------------------------------------------
# trail_tampering: UpdateTrail and PutInsightSelectors count only when they narrow logging, as their request
# parameters say (CloudTrail API reference): UpdateTrail changes only the settings it is given; IsMultiRegionTrail,
# IncludeGlobalServiceEvents, IsOrganizationTrail or EnableLogFileValidation false, an empty KmsKeyId or
# CloudWatchLogsLogGroupArn (encryption or delivery removed) and the logs sent to another bucket, prefix or log
# group narrow it; PutInsightSelectors with an empty list turns Insights off. Turning logging on is no alarm.
# --------------------------------------------------------------------------------------------------------------


def test_trail_updates_alarm_only_when_they_narrow_logging(tmp_path):
    adds, narrows, moves, insights, off = (f"857{n:09d}" for n in range(1, 6))

    def call(account, minute, name, request):
        return event(account, at(minute), name, source="cloudtrail.amazonaws.com", user="ops", request=request)

    def log_group(account, name):
        return f"arn:aws:logs:us-east-1:{account}:log-group:{name}:*"

    both = [{"insightType": "ApiCallRateInsight"}, {"insightType": "ApiErrorRateInsight"}]
    found = run(tmp_path, {
        adds: [  # the CIS remediations: every Region, global events, validation, KMS, CloudWatch Logs, Insights
            call(adds, 0, "UpdateTrail", {"name": "main", "isMultiRegionTrail": True, "includeGlobalServiceEvents": True,
                                          "enableLogFileValidation": True,
                                          "kmsKeyId": f"arn:aws:kms:us-east-1:{adds}:key/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
                                          "cloudWatchLogsLogGroupArn": log_group(adds, "CloudTrail/main"),
                                          "cloudWatchLogsRoleArn": f"arn:aws:iam::{adds}:role/CloudTrailToLogs"}),
            call(adds, 1, "PutInsightSelectors", {"trailName": "main", "insightSelectors": both})],
        narrows: [call(narrows, 0, "UpdateTrail", {"name": "main", "isMultiRegionTrail": False,
                                                   "enableLogFileValidation": False, "kmsKeyId": ""})],
        moves: [
            call(moves, 0, "CreateTrail", {"name": "main", "s3BucketName": "org-trail-logs", "isMultiRegionTrail": True}),
            call(moves, 1, "UpdateTrail", {"name": "main", "s3BucketName": "org-trail-logs", "s3KeyPrefix": ""}),
            call(moves, 2, "UpdateTrail", {"name": "main", "cloudWatchLogsLogGroupArn": log_group(moves, "trail"),
                                           "cloudWatchLogsRoleArn": f"arn:aws:iam::{moves}:role/CloudTrailToLogs"}),
            call(moves, 3, "UpdateTrail", {"name": "main", "s3BucketName": "collector-7781"}),
            call(moves, 4, "UpdateTrail", {"name": "main", "cloudWatchLogsLogGroupArn": log_group(moves, "quiet")})],
        insights: [call(insights, 0, "PutInsightSelectors", {"trailName": "main", "insightSelectors": both}),
                   call(insights, 1, "PutInsightSelectors",
                        {"trailName": "main", "insightSelectors": [{"insightType": "ApiCallRateInsight"}]})],
        off: [call(off, 0, "PutInsightSelectors", {"trailName": "main", "insightSelectors": []})],
    }, "cloudtrail_event_trail_tampering")
    trail = "arn:aws:cloudtrail:us-east-1:{}:trail/main".format
    assert [(resource, status) for resource, status, _ in found[adds]] == [(f"arn:aws:::{adds}", "ok")], found[adds]
    [(resource, status, reason)] = found[narrows]
    assert (resource, status) == (trail(narrows), "alarm")
    assert reason.startswith("1 change(s) (UpdateTrail: made a single-Region trail; log file validation turned off; "
                             "KMS encryption removed) to trail main by ops"), reason
    [(resource, status, reason)] = found[moves]
    assert (resource, status) == (trail(moves), "alarm")
    assert reason.startswith("2 change(s) (UpdateTrail: CloudWatch Logs moved from log group trail to quiet, "
                             "UpdateTrail: logs moved from bucket org-trail-logs to collector-7781) to trail main"), reason
    [(_, status, reason)] = found[insights]
    assert status == "alarm" and "(PutInsightSelectors: ApiErrorRateInsight Insights no longer recorded)" in reason
    [(_, status, reason)] = found[off]
    assert status == "alarm" and "(PutInsightSelectors: Insights turned off)" in reason


# --------------------------------------------------------------------------------------------------------------
# trail_tampering: an UpdateTrail naming a bucket with no earlier bucket in the window alarmed ("logs sent to bucket
# X"), though the event does not say where the logs went before and configuration tools (Terraform, CloudFormation)
# name the trail's bucket in every update: it is judged by what its own fields leave. UpdateEventDataStore alarmed
# on any call, a rename or a longer retention too; it counts only when it narrows the store (CloudTrail API
# reference: it changes only the settings given).
# --------------------------------------------------------------------------------------------------------------


def trail_call(account, minute, name, request, response=None):
    return event(account, at(minute), name, source="cloudtrail.amazonaws.com", user="ops", request=request,
                 response=response, agent="APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io)")


def store_arn(account, store_id="EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE"):
    return f"arn:aws:cloudtrail:us-east-1:{account}:eventdatastore/{store_id}"


def create_store(account, minute, retention, selectors):
    request = {"name": "org-lake", "retentionPeriod": retention, "multiRegionEnabled": True,
               "organizationEnabled": True, "terminationProtectionEnabled": True, "advancedEventSelectors": selectors}
    return trail_call(account, minute, "CreateEventDataStore", request,
                      {**request, "eventDataStoreArn": store_arn(account), "status": "CREATED"})


def update_store(account, minute, **request):
    """UpdateEventDataStore naming the store by its id, as the CLI's --event-data-store accepts."""
    return trail_call(account, minute, "UpdateEventDataStore",
                      {"eventDataStore": "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE", **request},
                      {"eventDataStoreArn": store_arn(account), "name": request.get("name", "org-lake")})


def test_an_update_naming_a_bucket_with_no_earlier_one_is_judged_by_what_it_leaves(tmp_path):
    reapplied, narrowed = "858000000001", "858000000002"
    whole = {"name": "main", "s3BucketName": "acme-cloudtrail-logs", "s3KeyPrefix": "", "includeGlobalServiceEvents": True,
             "isMultiRegionTrail": True, "enableLogFileValidation": True}
    found = run(tmp_path, {
        # Terraform re-applies the whole trail, its bucket included: nothing known moved
        reapplied: [trail_call(reapplied, 0, "UpdateTrail", whole)],
        narrowed: [trail_call(narrowed, 0, "UpdateTrail", {**whole, "isMultiRegionTrail": False})],
    }, "cloudtrail_event_trail_tampering")
    assert statuses(found[reapplied]) == [(f"arn:aws:::{reapplied}", "ok")], found[reapplied]
    [(_, status, reason)] = found[narrowed]
    assert status == "alarm" and "(UpdateTrail: made a single-Region trail) to trail main" in reason, reason
    assert "bucket" not in reason, reason


def test_event_data_store_updates_alarm_only_when_they_narrow_the_store(tmp_path):
    quiet, protection, short, shortened, fewer, data_only, widened = (f"859{n:09d}" for n in range(1, 8))
    management = [{"name": "management", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]}]
    writes = [{"name": "writes", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]},
                                                    {"field": "readOnly", "equals": ["false"]}]}]
    s3_data = [{"name": "s3", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]},
                                                 {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]
    found = run(tmp_path, {
        # a rename, a longer retention, termination protection on: nothing narrowed
        quiet: [create_store(quiet, 0, 366, management),
                update_store(quiet, 1, name="org-lake-2024", retentionPeriod=2557, terminationProtectionEnabled=True)],
        protection: [update_store(protection, 0, terminationProtectionEnabled=False)],
        short: [update_store(short, 0, retentionPeriod=7)],
        shortened: [create_store(shortened, 0, 2557, management), update_store(shortened, 1, retentionPeriod=366)],
        fewer: [create_store(fewer, 0, 2557, management), update_store(fewer, 1, advancedEventSelectors=writes)],
        # a store of S3 data events only, with no earlier selectors to compare with: a design, not a change
        data_only: [update_store(data_only, 0, advancedEventSelectors=s3_data)],
        widened: [create_store(widened, 0, 2557, management),
                  update_store(widened, 1, advancedEventSelectors=management + s3_data, multiRegionEnabled=True)],
    }, "cloudtrail_event_trail_tampering")
    ok = {a for a, rows in found.items() if [s for _, s, _ in rows] == ["ok"]}
    assert ok == {quiet, data_only, widened}, found
    reasons = {}
    for account in (protection, short, shortened, fewer):
        [(resource, status, reason)] = found[account]
        assert (resource, status) == (store_arn(account), "alarm"), found[account]
        reasons[account] = reason
    assert ("(UpdateEventDataStore: termination protection turned off) to event data store "
            "EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE by ops") in reasons[protection], reasons[protection]
    assert "(UpdateEventDataStore: retention set to 7 days (under 90))" in reasons[short], reasons[short]
    assert "(UpdateEventDataStore: retention shortened from 2557 to 366 days)" in reasons[shortened]
    assert "(UpdateEventDataStore: read management events no longer recorded)" in reasons[fewer], reasons[fewer]


# --------------------------------------------------------------------------------------------------------------
# enumeration_burst, access_denied_burst: AWS's own calls were left out by their user agent only. On the maheribra
# trail Resource Explorer's service-linked role lists 31 services in 54 calls within five minutes (09:20, user agent
# resource-explorer-2.amazonaws.com), and at 10:44:53 the same role calls ListPolicyStores with an AWS SDK's user
# agent from an AWS address, without invokedBy. Only the service can assume a service-linked role, so its sessions
# are neither reconnaissance nor stolen credentials, whatever their user agent.
# --------------------------------------------------------------------------------------------------------------

MAHERIBRA_DAY = "maheribra_aws_attack_chain_ir/04-investigation/evidence/cloudtrail/eu-west-1/2026/07/28"


def service_role_burst(public_data, denied: bool, customer_role: bool) -> list[dict]:
    """The 09:20 calls of Resource Explorer's service-linked role, as its own 10:44:53 SDK call was made."""
    def records(name):
        path = public_data / MAHERIBRA_DAY / f"275023965626_CloudTrail_eu-west-1_20260728T{name}.json.gz"
        return json.loads(gzip.decompress(path.read_bytes()))["Records"]

    [sdk_call] = [r for r in records("1045Z_dHjFkVEwWNdTqkuk") if r["eventName"] == "ListPolicyStores"]
    burst = []
    for record in records("0920Z_AH5Y0wcSP7x3gWnw"):
        if "aws-service-role" not in json.dumps(record["userIdentity"]):
            continue
        identity = json.loads(json.dumps(sdk_call["userIdentity"]))
        if customer_role:  # the same calls by a role of the customer's own: reconnaissance shape
            identity["arn"] = identity["arn"].replace("AWSServiceRoleForResourceExplorer", "inventory")
            identity["sessionContext"]["sessionIssuer"]["arn"] = "arn:aws:iam::275023965626:role/inventory"
        record = {**record, "userIdentity": identity, "userAgent": sdk_call["userAgent"],
                  "sourceIPAddress": sdk_call["sourceIPAddress"]}
        if denied:
            record |= {"errorCode": "AccessDenied", "errorMessage": "explicit deny in a resource-based policy"}
        burst.append(record)
    return burst


def test_a_service_linked_roles_calls_are_not_enumeration_or_a_denied_burst(tmp_path, public_data):
    found = {}
    for control, denied in (("cloudtrail_event_enumeration_burst", False), ("cloudtrail_event_access_denied_burst", True)):
        for customer_role in (False, True):
            path = tmp_path / f"{control}-{customer_role}" / "events.json"
            path.parent.mkdir()
            path.write_text(json.dumps({"Records": service_role_burst(public_data, denied, customer_role)}))
            found[control, customer_role] = check_loaded(path.parent, [path], control)
    for control in ("cloudtrail_event_enumeration_burst", "cloudtrail_event_access_denied_burst"):
        assert "alarm" not in [status for status, _ in found[control, False]], found[control, False]
        assert "alarm" in [status for status, _ in found[control, True]], found[control, True]
    [reason] = [r for s, r in found["cloudtrail_event_enumeration_burst", True] if s == "alarm"]
    assert "role/inventory made 54 read calls to 31 services within 10 minutes" in reason, reason


# --------------------------------------------------------------------------------------------------------------
# An organization trail delivers every member's events to the management account's bucket
# (AWSLogs/<organization id>/<member>/CloudTrail/<region>/...); each event's account is its recipientAccountId, not
# the bucket's account nor the caller's (userIdentity.accountId: a role session of another account reading a
# member's shared secrets). Rows of the detections say the member's account, and a regional resource's row the
# opt-in Region (ap-east-1, me-south-1) the call was made in; principal rows say global.
# --------------------------------------------------------------------------------------------------------------


def test_detections_on_an_organization_trail_name_each_members_account_and_region(tmp_path):
    member, other = "861000000011", "861000000022"

    def record(recipient, region, name, source, identity, request=None, minute=0):
        return {"eventVersion": "1.09", "userIdentity": identity, "eventTime": f"{at(minute):%Y-%m-%dT%H:%M:%SZ}",
                "eventSource": source, "eventName": name, "awsRegion": region, "sourceIPAddress": "203.0.113.20",
                "userAgent": "aws-cli/2.15.0", "requestParameters": request, "responseElements": None,
                "eventID": str(uuid.uuid4()), "eventType": "AwsApiCall", "recipientAccountId": recipient,
                "managementEvent": True, "readOnly": name.startswith("Get")}

    def session(account, role):
        return {"type": "AssumedRole", "arn": f"arn:aws:sts::{account}:assumed-role/{role}/s", "accountId": account,
                "accessKeyId": "ASIAEXAMPLEKEY000001", "sessionContext": {"sessionIssuer": {
                    "type": "Role", "arn": f"arn:aws:iam::{account}:role/{role}", "accountId": account, "userName": role}}}

    files = {
        (member, "ap-east-1"): [
            record(member, "ap-east-1", "StopLogging", "cloudtrail.amazonaws.com", session(member, "ops"),
                   {"name": "regional"}),
            *(record(member, "ap-east-1", "GetSecretValue", "secretsmanager.amazonaws.com", session(other, "reader"),
                     {"secretId": f"arn:aws:secretsmanager:ap-east-1:{member}:secret:db-{n}"}, minute=n / 2)
              for n in range(10))],
        (other, "me-south-1"): [
            record(other, "me-south-1", "DeleteDetector", "guardduty.amazonaws.com", session(other, "dev"),
                   {"detectorId": "12abc34d567e8fa901bc2d34e56789f0"})],
    }
    for (account, region), records in files.items():
        folder = tmp_path / "AWSLogs" / "o-aa111bb222" / account / "CloudTrail" / region / f"{at(0):%Y/%m/%d}"
        folder.mkdir(parents=True)
        (folder / f"{account}_CloudTrail_{region}_{at(0):%Y%m%dT%H%MZ}_x.json.gz").write_bytes(
            gzip.compress(json.dumps({"Records": records}).encode()))
    con = db.connect(tmp_path / "org.duckdb")
    load_paths(con, [tmp_path / "AWSLogs"])
    rows = controls.results(con, controls.run_checks(con, controls=[
        "cloudtrail_event_trail_tampering", "cloudtrail_event_secret_bulk_read",
        "cloudtrail_event_security_monitoring_disabled"]))
    con.close()
    alarms = sorted((r["control_id"], r["account_id"], r["region"], r["resource"]) for r in rows if r["status"] == "alarm")
    assert alarms == [
        ("cloudtrail_event_secret_bulk_read", member, "global", f"arn:aws:iam::{other}:role/reader"),
        ("cloudtrail_event_security_monitoring_disabled", other, "me-south-1",
         f"arn:aws:guardduty:me-south-1:{other}:detector/12abc34d567e8fa901bc2d34e56789f0"),
        ("cloudtrail_event_trail_tampering", member, "ap-east-1", f"arn:aws:cloudtrail:ap-east-1:{member}:trail/regional"),
    ], alarms


# --------------------------------------------------------------------------------------------------------------
# access_denied_burst: the console home page fills its cards with the user's permissions; on the invictus trail
# bert-jan's browser asked for Cost Explorer's GetCostForecast and GetCostAndUsage at 12:13:21, both denied, among
# a dozen reads in two seconds. A console page's denied reads are what the user may not see, not enumeration.
# --------------------------------------------------------------------------------------------------------------


def test_a_console_pages_denied_reads_are_not_a_denied_burst(tmp_path, public_data):
    trail = public_data / "invictus_ir_aws_dataset" / "CloudTrail"
    denied = [r for name in ("1215Z_P0WZuP2zvLW2RcUo", "1220Z_r7NFD65BgeDMqD23")
              for r in json.loads((trail / f"218007301253_CloudTrail_us-east-1_20230710T{name}.json").read_text())["Records"]
              if r["eventSource"] == "ce.amazonaws.com" and r.get("errorCode") == "AccessDenied"]
    assert len(denied) == 2 and all(r["userAgent"].startswith("Mozilla/5.0") for r in denied)
    found = {}
    for case, records in (("console", denied),
                          ("cli", [{**r, "userAgent": "aws-cli/2.13.0 Python/3.11.4 Linux/6.2 command/ce.get-cost-and-usage"}
                                   for r in denied])):
        path = tmp_path / case / "events.json"
        path.parent.mkdir()
        path.write_text(json.dumps({"Records": records}))
        con = db.connect(path.parent / "loaded.duckdb")
        load_paths(con, [path])
        rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_access_denied_burst"],
                                                         params={"cloudtrail_event_access_denied_burst.max_denied": 2}))
        con.close()
        found[case] = [(r["status"], r["reason"]) for r in rows]
    assert [s for s, _ in found["console"]] == ["ok"], found["console"]
    [(status, reason)] = found["cli"]
    assert status == "alarm" and "bert-jan received 2 access-denied errors within 10 minutes" in reason, reason


def test_a_denied_burst_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every distinct call and address, in no set order; it names the first five of each in order
    and counts the others."""
    account = "857000000001"
    calls = [("ListUsers", "203.0.113.7"), ("ListRoles", "203.0.113.6"), ("ListKeys", "203.0.113.5"),
             ("GetUser", "203.0.113.4"), ("ListGroups", "203.0.113.3"), ("GetRole", "203.0.113.2"),
             ("ListPolicies", "203.0.113.1")] * 2
    found = run(tmp_path, {account: [event(account, at(minute / 2), name, user="scanner", ip=ip, error="AccessDenied",
                                           read_only=True)
                                     for minute, (name, ip) in enumerate(calls)]}, "cloudtrail_event_access_denied_burst")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert ("on GetRole, GetUser, ListGroups, ListKeys, ListPolicies and 2 more, from 203.0.113.1, 203.0.113.2,"
            " 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more);") in reason, reason


# --------------------------------------------------------------------------------------------------------------
# nhi_reuse_many_sources: a service-linked role is a non-human identity (its path), and its sessions call from its
# service's fleet: Resource Explorer's role called ListPolicyStores with an AWS SDK's user agent from 54.74.165.177 on
# the maheribra trail. Its calls from several fleet addresses are AWS's, not a credential shared or leaked.
# --------------------------------------------------------------------------------------------------------------


def test_a_service_linked_roles_fleet_addresses_are_not_credential_reuse(tmp_path, public_data):
    path = public_data / MAHERIBRA_DAY / "275023965626_CloudTrail_eu-west-1_20260728T1045Z_dHjFkVEwWNdTqkuk.json.gz"
    [sdk_call] = [r for r in json.loads(gzip.decompress(path.read_bytes()))["Records"]
                  if r["eventName"] == "ListPolicyStores"]
    found = {}
    for case in ("service_linked", "customer"):
        records = []
        for n in range(7):  # the same call from seven of the service's addresses
            identity = json.loads(json.dumps(sdk_call["userIdentity"]))
            if case == "customer":
                identity["arn"] = identity["arn"].replace("AWSServiceRoleForResourceExplorer", "inventory")
                identity["sessionContext"]["sessionIssuer"]["arn"] = "arn:aws:iam::275023965626:role/inventory"
            records.append({**sdk_call, "userIdentity": identity, "eventID": str(uuid.uuid4()),
                            "sourceIPAddress": f"54.74.165.{177 + n}"})
        folder = tmp_path / case
        folder.mkdir()
        (folder / "events.json").write_text(json.dumps({"Records": records}))
        found[case] = check_loaded(folder, [folder / "events.json"], "cloudtrail_event_nhi_reuse_many_sources")
    assert "alarm" not in [s for s, _ in found["service_linked"]], found["service_linked"]
    [(status, reason)] = [(s, r) for s, r in found["customer"] if s == "alarm"]
    assert "role inventory" in reason and "7 source IP address(es)" in reason, reason


# --------------------------------------------------------------------------------------------------------------
# Callers of other accounts, a denial SNS answers in its own words, and AWS's own calls to the logging and
# organization APIs. A request another account made to this one's resources names the caller only by its account
# (userIdentity type AWSAccount, accountId the caller's, no ARN); SNS refuses with AuthorizationError, not
# AccessDenied; AWS's own calls (type AWSService, or a session of a service-linked role) are left out of the change
# detections, and a call a service made for a caller (invokedBy) is the caller's.
# --------------------------------------------------------------------------------------------------------------

HOME, OUTSIDE_A, OUTSIDE_B = "861000000033", "861000000044", "861000000055"


def trail_record(name: str, source: str, identity: dict, *, minute: float = 0, error: str | None = None,
                 request: dict | None = None) -> dict:
    """One CloudTrail record of the home account, as a trail delivers it."""
    return {"eventVersion": "1.09", "userIdentity": identity, "eventTime": f"{at(minute):%Y-%m-%dT%H:%M:%SZ}",
            "eventSource": source, "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.20",
            "userAgent": "aws-cli/2.15.0", "requestParameters": request, "responseElements": None,
            "eventID": str(uuid.uuid4()), "eventType": "AwsApiCall", "recipientAccountId": HOME,
            "managementEvent": True, "readOnly": name.startswith(("List", "Get", "Describe")),
            **({"errorCode": error, "errorMessage": "not authorized"} if error else {})}


def check_records(folder: Path, records: list[dict], control_ids: list[str]) -> list[dict]:
    folder.mkdir()
    (folder / "events.json").write_text(json.dumps({"Records": records}))
    con = db.connect(folder / "loaded.duckdb")
    load_paths(con, [folder / "events.json"])
    rows = controls.results(con, controls.run_checks(con, controls=control_ids))
    con.close()
    return rows


def test_callers_of_other_accounts_are_each_their_own_account(tmp_path):
    sources = ["s3", "sns", "sqs", "kms", "lambda", "secretsmanager", "ssm", "dynamodb"]
    records = []
    for n in range(32):  # four calls to each of eight services within eight minutes, by each outside account
        for account in (OUTSIDE_A, OUTSIDE_B):
            identity = {"type": "AWSAccount", "principalId": f"AIDAEXAMPLE{account}", "accountId": account}
            records.append(trail_record(f"List{n}", f"{sources[n % 8]}.amazonaws.com", identity, minute=n / 4))
    rows = check_records(tmp_path / "burst", records[::2] + records[1:8:2], ["cloudtrail_event_enumeration_burst"])
    alarms = [(r["resource"], r["reason"]) for r in rows if r["status"] == "alarm"]
    # only OUTSIDE_A made a burst: OUTSIDE_B's four calls are not added to it
    assert [resource for resource, _ in alarms] == [f"arn:aws:iam::{OUTSIDE_A}:root"], alarms
    assert "made 32 read calls to 8 services" in alarms[0][1], alarms


def identity_center_user(user_id: str) -> dict:
    """A call made with an IAM Identity Center user's own credentials: no ARN, the user in ``onBehalfOf``."""
    return {"type": "IdentityCenterUser", "accountId": HOME, "credentialId": f"EXAMPLECREDENTIAL{user_id[:8]}",
            "onBehalfOf": {"userId": user_id,
                           "identityStoreArn": f"arn:aws:identitystore::{HOME}:identitystore/d-9067642ac7"}}


def test_identity_center_users_are_each_their_own_caller(tmp_path):
    """An IAM Identity Center user calling with its own credentials (userIdentity type IdentityCenterUser) has no ARN:
    the event names the user by its identity store id (``onBehalfOf.userId``). Each user is its own caller, under the
    identity store's ARN for a user (``arn:aws:identitystore:::user/<id>``): two users' calls are not added together
    into one caller "IdentityCenterUser"."""
    sources = ["s3", "sns", "sqs", "kms", "lambda", "secretsmanager", "ssm", "dynamodb"]
    first, second = "544894e8-80c1-707f-60e3-3ba6510dfac1", "94482488-3041-7026-18f0-7a8e5ca2c0b4"
    records = []
    for n in range(32):  # four calls to each of eight services within eight minutes, by each user
        for user in (first, second):
            records.append(trail_record(f"List{n}", f"{sources[n % 8]}.amazonaws.com", identity_center_user(user),
                                        minute=n / 4))
    # 16 calls by each user to four of the services (the first the even ones, the second the odd): together they
    # would be 32 calls to the eight
    apart = records[0::4] + records[3::4]
    rows = check_records(tmp_path / "apart", apart, ["cloudtrail_event_enumeration_burst"])
    assert [r["status"] for r in rows] == ["ok"], [(r["resource"], r["reason"]) for r in rows]
    rows = check_records(tmp_path / "burst", records[::2] + records[1:8:2], ["cloudtrail_event_enumeration_burst"])
    alarms = [(r["resource"], r["reason"]) for r in rows if r["status"] == "alarm"]
    assert [resource for resource, _ in alarms] == [f"arn:aws:identitystore:::user/{first}"], alarms
    assert "made 32 read calls to 8 services" in alarms[0][1], alarms


def test_secret_reads_of_other_accounts_are_each_their_own_account(tmp_path):
    """Secrets Manager lets other accounts read a secret whose resource policy allows them; the owner's trail names
    each such caller only by its account (AWSAccount). Six secrets read by each of two outside accounts are two
    callers under the threshold of ten, not one caller "AWSAccount" that read twelve; ten read by one account is
    that account's bulk read."""
    records = []
    for account, secrets in ((OUTSIDE_A, 10), (OUTSIDE_B, 6)):
        identity = {"type": "AWSAccount", "principalId": f"AIDAEXAMPLE{account}", "accountId": account}
        records += [trail_record("GetSecretValue", "secretsmanager.amazonaws.com", identity, minute=n / 2,
                                 request={"secretId": f"arn:aws:secretsmanager:us-east-1:{HOME}:secret:for-{account}-{n}"})
                    for n in range(secrets)]
    rows = check_records(tmp_path / "secrets", records[10:] + records[:4], ["cloudtrail_event_secret_bulk_read"])
    assert [r["status"] for r in rows] == ["ok"], [(r["resource"], r["reason"]) for r in rows]
    rows = check_records(tmp_path / "secrets_one", records, ["cloudtrail_event_secret_bulk_read"])
    alarms = [(r["resource"], r["reason"]) for r in rows if r["status"] == "alarm"]
    assert [resource for resource, _ in alarms] == [f"arn:aws:iam::{OUTSIDE_A}:root"], alarms
    assert alarms[0][1].startswith(f"arn:aws:iam::{OUTSIDE_A}:root asked for 10 distinct secrets"), alarms


def test_sns_authorization_errors_are_access_denied(tmp_path):
    user = {"type": "IAMUser", "arn": f"arn:aws:iam::{HOME}:user/mallory", "accountId": HOME, "userName": "mallory",
            "principalId": "AIDAEXAMPLEMALLORY"}
    records = [trail_record("Subscribe", "sns.amazonaws.com", user, minute=n / 2, error="AuthorizationError",
                            request={"topicArn": f"arn:aws:sns:us-east-1:{HOME}:alerts-{n}"}) for n in range(10)]
    rows = check_records(tmp_path / "sns", records, ["cloudtrail_event_access_denied_burst"])
    [(status, reason)] = [(r["status"], r["reason"]) for r in rows]
    assert status == "alarm" and "mallory received 10 access-denied errors" in reason, reason


def test_aws_own_calls_are_not_logging_or_organization_changes(tmp_path):
    calls = [("StopLogging", "cloudtrail.amazonaws.com", {"name": "main"}),
             ("DeleteDetector", "guardduty.amazonaws.com", {"detectorId": "12abc34d567e8fa901bc2d34e56789f0"}),
             ("DetachPolicy", "organizations.amazonaws.com", {"policyId": "p-examplepolicy", "targetId": HOME})]
    service = {"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"}
    linked = {"type": "AssumedRole", "arn": f"arn:aws:sts::{HOME}:assumed-role/AWSServiceRoleForOrganizations/s",
              "accountId": HOME, "principalId": "AROAEXAMPLELINKED:s", "sessionContext": {"sessionIssuer": {
                  "type": "Role", "arn": f"arn:aws:iam::{HOME}:role/aws-service-role/organizations.amazonaws.com/"
                                        "AWSServiceRoleForOrganizations", "accountId": HOME,
                  "userName": "AWSServiceRoleForOrganizations"}}}
    through_stack = {"type": "AssumedRole", "arn": f"arn:aws:sts::{HOME}:assumed-role/deployer/s", "accountId": HOME,
                     "principalId": "AROAEXAMPLEDEPLOY:s", "invokedBy": "cloudformation.amazonaws.com",
                     "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{HOME}:role/deployer",
                                                          "accountId": HOME, "userName": "deployer"}}}
    control_ids = ["cloudtrail_event_trail_tampering", "cloudtrail_event_security_monitoring_disabled",
                   "cloudtrail_event_organization_change"]
    found = {}
    for case, identity in (("service", service), ("linked", linked), ("through_stack", through_stack)):
        records = [trail_record(name, source, identity, minute=n, request=request)
                   for n, (name, source, request) in enumerate(calls)]
        rows = check_records(tmp_path / case, records, control_ids)
        found[case] = sorted(r["control_id"] for r in rows if r["status"] == "alarm")
    assert found["service"] == [] and found["linked"] == [], found
    assert found["through_stack"] == sorted(control_ids), found


def test_access_denied_bursts_of_callers_without_an_arn(tmp_path):
    """Callers the event names without an ARN are callers too: another account (AWSAccount, named by its account) and
    an IAM Identity Center user (IdentityCenterUser, named by its identity store id) each get their own burst of
    denials, under the principal they count as (cloudtrail_event_actor.caller_arn), not none at all."""
    outside = {"type": "AWSAccount", "principalId": f"AIDAEXAMPLE{OUTSIDE_A}", "accountId": OUTSIDE_A}
    user_id = "544894e8-80c1-707f-60e3-3ba6510dfac1"
    records = [trail_record("GetObject", "s3.amazonaws.com", identity, minute=n / 2, error="AccessDenied",
                            request={"bucketName": "audit-logs", "key": f"k{n}"})
               for identity in (outside, identity_center_user(user_id)) for n in range(10)]
    rows = check_records(tmp_path / "denied", records, ["cloudtrail_event_access_denied_burst"])
    alarms = sorted((r["resource"], r["reason"]) for r in rows if r["status"] == "alarm")
    assert [resource for resource, _ in alarms] == [f"arn:aws:iam::{OUTSIDE_A}:root",
                                                    f"arn:aws:identitystore:::user/{user_id}"], rows
    assert all("received 10 access-denied errors" in reason for _, reason in alarms), alarms
    assert alarms[0][1].startswith(f"arn:aws:iam::{OUTSIDE_A}:root received"), alarms


def test_anonymous_denials_are_one_anonymous_caller_not_an_account(tmp_path):
    """S3 names an unauthenticated caller as an account called ANONYMOUS_PRINCIPAL (type AWSAccount): that is no
    account and has no credentials. Its denials are the one caller ``anonymous``, not
    ``arn:aws:iam::ANONYMOUS_PRINCIPAL:root``, and the alarm does not ask about its credentials."""
    anonymous = {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"}
    records = [trail_record("GetObject", "s3.amazonaws.com", anonymous, minute=n / 2, error="AccessDenied",
                            request={"bucketName": "audit-logs", "key": f"k{n}"}) for n in range(10)]
    rows = check_records(tmp_path / "anonymous", records, ["cloudtrail_event_access_denied_burst"])
    alarms = [r for r in rows if r["status"] == "alarm"]
    assert len(alarms) == 1, rows
    assert "ANONYMOUS_PRINCIPAL" not in alarms[0]["resource"], alarms
    assert alarms[0]["reason"].startswith("anonymous received 10 access-denied errors"), alarms
    assert "credentials" not in alarms[0]["reason"], alarms


def test_bursts_of_callers_outside_iam_name_the_account_and_the_caller(tmp_path):
    """A caller with no ARN at all (S3's unauthenticated caller, a refused SAML or web identity federation named by
    an identity provider that is no IAM ARN: the SAML NameQualifier, accounts.google.com) is named as the account it
    called and the caller, ``arn:aws:::<account>#<caller>`` (the form of the sign-in failure bursts), in both burst
    detections: not an IAM ARN no principal has (``arn:aws:iam::<account>:samluser``)."""
    anonymous = {"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"}
    saml = {"type": "SAMLUser", "principalId": "SampleUkh1i4+ExamplexL/jEvs=:SamlExample", "userName": "SamlExample",
            "identityProvider": "bdGOnTesti4+ExamplexL/jEvs="}
    web = {"type": "WebIdentityUser", "principalId": "accounts.google.com:app:user", "userName": "user",
           "identityProvider": "accounts.google.com"}
    records = [trail_record("GetObject", "s3.amazonaws.com", anonymous, minute=n / 2, error="AccessDenied",
                            request={"bucketName": "audit-logs", "key": f"k{n}"}) for n in range(10)]
    records += [trail_record("AssumeRoleWithSAML", "sts.amazonaws.com", saml, minute=n / 2, error="AccessDenied")
                for n in range(10)]
    sources = ["s3", "sns", "sqs", "kms", "lambda", "secretsmanager", "ssm", "dynamodb"]
    records += [trail_record(f"List{n}", f"{sources[n % 8]}.amazonaws.com", web, minute=n / 4) for n in range(32)]
    rows = check_records(tmp_path / "bursts", records,
                         ["cloudtrail_event_access_denied_burst", "cloudtrail_event_enumeration_burst"])
    alarms = sorted((r["control_id"], r["resource"]) for r in rows if r["status"] == "alarm")
    assert alarms == [("cloudtrail_event_access_denied_burst", f"arn:aws:::{HOME}#anonymous"),
                      ("cloudtrail_event_access_denied_burst", f"arn:aws:::{HOME}#bdGOnTesti4+ExamplexL/jEvs=#SamlExample"),
                      ("cloudtrail_event_enumeration_burst", f"arn:aws:::{HOME}#accounts.google.com#user")], rows


def saml_sign_in(subject: str, minute: float) -> dict:
    """A refused AssumeRoleWithSAML as CloudTrail records it (CloudTrail User Guide, userIdentity of SAMLUser:
    principalId is the NameQualifier and the subject, userName the subject; IAM User Guide's example event: the SAML
    provider the assertion names is requestParameters.principalArn)."""
    identity = {"type": "SAMLUser", "principalId": f"c2FtbGhhc2g=:{subject}", "userName": subject,
                "identityProvider": "c2FtbGhhc2g="}
    request = {"sAMLAssertionID": f"_{uuid.uuid4()}", "roleSessionName": subject, "durationSeconds": 3600,
               "principalArn": f"arn:aws:iam::{HOME}:saml-provider/Okta", "roleArn": f"arn:aws:iam::{HOME}:role/Admin"}
    return trail_record("AssumeRoleWithSAML", "sts.amazonaws.com", identity, minute=minute, error="AccessDenied",
                        request=request)


def web_identity_sign_in(provider: str, subject: str, minute: float) -> dict:
    """A refused AssumeRoleWithWebIdentity: principalId is the issuer, the audience and the subject, userName the
    subject, identityProvider the issuer (an IAM OIDC provider's ARN, or a name such as accounts.google.com)."""
    identity = {"type": "WebIdentityUser", "principalId": f"{provider}:sts.amazonaws.com:{subject}",
                "userName": subject, "identityProvider": provider}
    request = {"roleArn": f"arn:aws:iam::{HOME}:role/deploy", "roleSessionName": "ci", "durationSeconds": 3600}
    return trail_record("AssumeRoleWithWebIdentity", "sts.amazonaws.com", identity, minute=minute,
                        error="AccessDenied", request=request)


def test_refused_federated_sign_ins_count_per_provider_and_subject(tmp_path):
    """Each SAML or web identity caller is its identity provider and subject (what the event says of it): two
    people refused six times each are two callers under the threshold of ten, not one caller refused twelve times;
    one refused ten times is named by the provider's IAM ARN (the SAML provider the request names, the OIDC
    provider) and its subject."""
    github = f"arn:aws:iam::{HOME}:oidc-provider/token.actions.githubusercontent.com"
    records = [saml_sign_in(subject, n / 2) for subject in ("ann@example.com", "bob@example.com") for n in range(6)]
    records += [saml_sign_in("mallory@example.com", n / 2) for n in range(10)]
    records += [web_identity_sign_in(github, f"repo:example/{repo}:ref:refs/heads/main", n / 2)
                for repo in ("app", "site") for n in range(6)]
    records += [web_identity_sign_in(github, "repo:example/tools:environment:prod", n / 2) for n in range(10)]
    rows = check_records(tmp_path / "federated", records, ["cloudtrail_event_access_denied_burst"])
    alarms = {r["resource"]: r["reason"] for r in rows if r["status"] == "alarm"}
    mallory = f"arn:aws:iam::{HOME}:saml-provider/Okta#mallory@example.com"
    tools = f"{github}#repo:example/tools:environment:prod"
    assert sorted(alarms) == sorted([mallory, tools]), rows
    assert alarms[mallory].startswith("saml-provider/Okta#mallory@example.com received 10 access-denied"), alarms
    assert alarms[tools].startswith(
        "oidc-provider/token.actions.githubusercontent.com#repo:example/tools:environment:prod received 10"), alarms
    assert {r["resource"] for r in rows if r["status"] == "ok"} >= {
        f"arn:aws:iam::{HOME}:saml-provider/Okta#ann@example.com", f"{github}#repo:example/app:ref:refs/heads/main"}


def test_aws_own_calls_are_not_trust_credential_or_permission_set_changes(tmp_path):
    """As in the other change detections, a call AWS makes itself (an AWS service, a session of a service-linked
    role: only AWS holds its credentials) is not someone adding a Roles Anywhere trust anchor, arming an IAM
    Identity Center permission set, removing an MFA device or making a credential for another user; the same calls
    a customer's role made through a service (invokedBy CloudFormation) are the role's and alarm."""
    calls = [("CreateTrustAnchor", "rolesanywhere.amazonaws.com", {"name": "partner-ca", "enabled": True}),
             ("AttachManagedPolicyToPermissionSet", "sso.amazonaws.com",
              {"instanceArn": "arn:aws:sso:::instance/ssoins-1111111111111111",
               "permissionSetArn": "arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-2222222222222222",
               "managedPolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
             ("DeactivateMFADevice", "iam.amazonaws.com",
              {"userName": "bob", "serialNumber": f"arn:aws:iam::{HOME}:mfa/bob"}),
             ("CreateAccessKey", "iam.amazonaws.com", {"userName": "bob"})]
    service = {"type": "AWSService", "invokedBy": "sso.amazonaws.com"}
    linked = {"type": "AssumedRole", "arn": f"arn:aws:sts::{HOME}:assumed-role/AWSServiceRoleForSSO/s",
              "accountId": HOME, "principalId": "AROAEXAMPLELINKED:s", "sessionContext": {"sessionIssuer": {
                  "type": "Role", "arn": f"arn:aws:iam::{HOME}:role/aws-service-role/sso.amazonaws.com/"
                                        "AWSServiceRoleForSSO", "accountId": HOME, "userName": "AWSServiceRoleForSSO"}}}
    through_stack = {"type": "AssumedRole", "arn": f"arn:aws:sts::{HOME}:assumed-role/deployer/s", "accountId": HOME,
                     "principalId": "AROAEXAMPLEDEPLOY:s", "invokedBy": "cloudformation.amazonaws.com",
                     "sessionContext": {"sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{HOME}:role/deployer",
                                                          "accountId": HOME, "userName": "deployer"}}}
    # a service's own event (eventType AwsServiceEvent): no identity type, only the account and the service
    service_event = {"accountId": HOME, "invokedBy": "sso.amazonaws.com"}
    control_ids = ["cloudtrail_event_roles_anywhere_trust_added", "cloudtrail_event_identity_center_admin_assigned",
                   "cloudtrail_event_mfa_device_removed", "cloudtrail_event_credential_for_other_principal"]
    found = {}
    for case, identity in (("service", service), ("linked", linked), ("through_stack", through_stack),
                           ("service_event", service_event)):
        records = [trail_record(name, source, identity, minute=n * 90, request=request)
                   for n, (name, source, request) in enumerate(calls)]
        if case == "service_event":
            records = [r | {"eventType": "AwsServiceEvent"} for r in records]
        rows = check_records(tmp_path / case, records, control_ids)
        found[case] = sorted(r["control_id"] for r in rows if r["status"] == "alarm")
    assert found["through_stack"] == sorted(control_ids), found
    assert found["service"] == [] and found["linked"] == [] and found["service_event"] == [], found


def test_the_root_users_access_key_reused_from_many_places_alarms(tmp_path):
    """A long-term key (AKIA...) of the root user is a long-term key as an IAM user's is: used from six addresses it
    alarms, named as the root user's key; its console or temporary credentials (ASIA...) are no long-term key."""
    root = {"type": "Root", "principalId": HOME, "arn": f"arn:aws:iam::{HOME}:root", "accountId": HOME,
            "accessKeyId": "AKIAROOTKEY000000001"}
    records = []
    for n in range(6):
        record = trail_record("ListBuckets", "s3.amazonaws.com", root, minute=n)
        record["sourceIPAddress"] = f"198.51.100.{n + 1}"
        records.append(record)
        session = trail_record("ListUsers", "iam.amazonaws.com", {**root, "accessKeyId": "ASIAROOTSESSION00001"},
                               minute=n)
        session["sourceIPAddress"] = f"192.0.2.{n + 1}"
        records.append(session)
    rows = check_records(tmp_path / "root-key", records, ["cloudtrail_event_nhi_reuse_many_sources"])
    assert [(r["resource"], r["status"]) for r in rows] == [
        (f"arn:aws:iam::{HOME}:root#AKIAROOTKEY000000001", "alarm")], rows
    assert rows[0]["reason"].startswith("The access key AKIAROOTKEY000000001 of the root user was used from 6 source"), rows


# --------------------------------------------------------------------------------------------------------------
# Lists in a reason: sorted, the first five named, then "and N more" (as trail_tampering and access_denied_burst)
# --------------------------------------------------------------------------------------------------------------


def test_a_sign_in_burst_trying_many_users_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every user name tried and every user agent, in no set order; it names the first five of
    each in order and counts the others."""
    account = "858000000001"
    tries = [(user, f"tool-{user}/1.0") for user in ["grace", "frank", "erin", "dave", "carol", "bob", "alice"]] * 2
    events = []
    for minute, (user, agent) in enumerate(tries):
        e = event(account, at(minute / 2), "ConsoleLogin", source="signin.amazonaws.com", user=user,
                  ip="198.51.100.66", agent=agent, response={"ConsoleLogin": "Failure"})
        e["event_type"] = "AwsConsoleSignIn"
        events.append(e)
    found = run(tmp_path, {account: events}, "cloudtrail_event_console_sign_in_failures")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert ("(tool-alice/1.0, tool-bob/1.0, tool-carol/1.0, tool-dave/1.0, tool-erin/1.0 and 2 more) within"
            in reason), reason
    assert "for 7 user name(s) (alice, bob, carol, dave, erin and 2 more);" in reason, reason


def test_an_enumeration_burst_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every service, address and user agent of the burst, in no set order; it names the first
    five of each in order and counts the others."""
    account = "858000000002"
    services = ["sts", "sqs", "sns", "s3", "rds", "lambda", "iam", "ec2"]
    found = run(tmp_path, {account: [
        event(account, at(n / 8), "ListThings", source=f"{services[n % 8]}.amazonaws.com", user="eve",
              ip=f"203.0.113.{7 - n % 7}", agent=f"aws-cli/2.15.{6 - n % 7}", read_only=True)
        for n in range(32)]}, "cloudtrail_event_enumeration_burst")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert ("(ec2, iam, lambda, rds, s3 and 3 more) from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4,"
            " 203.0.113.5 and 2 more (aws-cli/2.15.0, aws-cli/2.15.1, aws-cli/2.15.2, aws-cli/2.15.3, aws-cli/2.15.4"
            " and 2 more);") in reason, reason


def test_a_bulk_secret_read_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every address and user agent of the read, in no set order; it names the first five of each
    in order and counts the others."""
    account = "858000000003"
    found = run(tmp_path, {account: [
        event(account, at(n / 4), "GetSecretValue", source="secretsmanager.amazonaws.com", user="harvester",
              ip=f"203.0.113.{7 - n % 7}", agent=f"aws-cli/2.15.{6 - n % 7}", read_only=True,
              request={"secretId": f"app/secret-{n:02d}"})
        for n in range(14)]}, "cloudtrail_event_secret_bulk_read")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert (") from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more (aws-cli/2.15.0,"
            " aws-cli/2.15.1, aws-cli/2.15.2, aws-cli/2.15.3, aws-cli/2.15.4 and 2 more); confirm") in reason, reason


def test_llm_jacking_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every address of the calls, in no set order; it names the first five in order and counts
    the others."""
    account = "858000000004"
    names = ["ListFoundationModels", "GetFoundationModelAvailability", "PutUseCaseForModelAccess",
             "ListFoundationModelAgreementOffers", "CreateFoundationModelAgreement", "PutFoundationModelEntitlement",
             "InvokeModel"]
    found = run(tmp_path, {account: [
        event(account, at(n), name, source="bedrock.amazonaws.com", region="us-west-2", user="ci-deploy",
              ip=f"203.0.113.{7 - n}")
        for n, name in enumerate(names)]}, "cloudtrail_event_llm_jacking")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert ") in us-west-2 from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more (" \
        in reason, reason


def test_privilege_escalation_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every address of the calls, in no set order; it names the first five in order and counts
    the others."""
    account = "858000000005"
    escalation = [("iam.amazonaws.com", "AttachUserPolicy"), ("iam.amazonaws.com", "PutRolePolicy"),
                  ("iam.amazonaws.com", "CreateAccessKey"), ("iam.amazonaws.com", "UpdateAssumeRolePolicy"),
                  ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"), ("ec2.amazonaws.com", "RunInstances"),
                  ("sts.amazonaws.com", "AssumeRole")]
    found = run(tmp_path, {account: [
        event(account, at(n), name, source=source, user="ops", ip=f"203.0.113.{7 - n}")
        for n, (source, name) in enumerate(escalation)]}, "cloudtrail_event_privilege_escalation_activity")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert ") from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more (" in reason, reason


def test_root_use_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every call, address and user agent of the root user; it names the first five of each in
    order and counts the others."""
    account = "858000000006"
    names = ["ListUsers", "ListRoles", "ListKeys", "GetUser", "ListGroups", "GetRole", "ListPolicies"]
    found = run(tmp_path, {account: [
        event(account, at(n), names[6 - n], root=True, ip=f"203.0.113.{7 - n}", agent=f"aws-cli/2.15.{6 - n}")
        for n in range(7)]}, "cloudtrail_event_root_activity")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert ("(GetRole, GetUser, ListGroups, ListKeys, ListPolicies and 2 more), last on" in reason
            and " UTC from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more (aws-cli/2.15.0,"
            " aws-cli/2.15.1, aws-cli/2.15.2, aws-cli/2.15.3, aws-cli/2.15.4 and 2 more);" in reason), reason


def test_sign_ins_without_mfa_from_many_addresses_name_the_first_five_and_count_the_rest(tmp_path):
    """The reason named every address a person signed in from without MFA, in no set order; it names the first five
    in order and counts the others (an address of a sign-in with MFA is not one of them)."""
    account = "858000000007"
    found = run(tmp_path, {account: [console_login(account, at(n), "alice", mfa=False, ip=f"203.0.113.{7 - n}")
                                     for n in range(7)]
                           + [console_login(account, at(8), "alice", mfa=True, ip="192.0.2.1")]},
                "cloudtrail_event_console_login_without_mfa")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert " UTC from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more; require" in reason, \
        reason


def test_a_retired_key_used_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every address the key was used from after it was deleted, in no set order; it names the
    first five in order and counts the others (an address of a use before the deletion is not one of them)."""
    account, key = "858000000008", "AKIARETIRED000000001"
    found = run(tmp_path, {account: [
        event(account, at(0), "ListUsers", user="bob", key=key, ip="192.0.2.1"),
        event(account, at(1), "DeleteAccessKey", user="admin", request={"userName": "bob", "accessKeyId": key}),
        *[event(account, at(10 + n), "ListUsers", user="bob", key=key, ip=f"203.0.113.{7 - n}") for n in range(7)],
    ]}, "cloudtrail_event_retired_key_used")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert " UTC from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more; find" in reason, \
        reason


def test_a_non_human_identity_used_by_people_from_many_addresses_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every address a person used a non-human identity from, in no set order; it names the first
    five in order and counts the others (an address of its workload's calls is not one of them)."""
    account = "858000000009"
    found = run(tmp_path, {account: [event(account, at(0), "ListBuckets", source="s3.amazonaws.com", user="svc-deploy",
                                           ip="192.0.2.1")]
                           + [console_login(account, at(1 + n), "svc-deploy", mfa=False, ip=f"203.0.113.{7 - n}")
                              for n in range(7)]},
                "cloudtrail_event_nhi_human_use")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert " UTC from 203.0.113.1, 203.0.113.2, 203.0.113.3, 203.0.113.4, 203.0.113.5 and 2 more; give" in reason, \
        reason


def test_a_role_assumed_from_many_accounts_names_the_first_five_and_counts_the_rest(tmp_path):
    """The reason named every account the role was assumed from; it names the first five in order and counts the
    others."""
    owner = "858000000010"
    role = f"arn:aws:iam::{owner}:role/shared-reader"

    def assume(minute, caller):
        row = event(owner, at(minute), "AssumeRole", source="sts.amazonaws.com", user="dev", read_only=True,
                    request={"roleArn": role, "roleSessionName": "s"})
        row["user_identity"] = row["user_identity"] | {"accountId": caller, "arn": f"arn:aws:iam::{caller}:user/dev"}
        return row

    found = run(tmp_path, {owner: [assume(n, f"87000000000{7 - n}") for n in range(7)]},
                "cloudtrail_event_cross_account_role_use")
    [(_, status, reason)] = found[owner]
    assert status == "alarm", reason
    assert reason.startswith("Role shared-reader was assumed from other account(s): 870000000001 (1 call(s), last "), \
        reason
    assert "), 870000000005 (1 call(s), last " in reason and " UTC) and 2 more; confirm" in reason, reason
    assert "870000000006" not in reason, reason


def test_llm_jacking_and_privilege_escalation_with_many_tools_name_the_first_five_and_count_the_rest(tmp_path):
    """The reasons named the first three user agents and then ", ... N tools in all"; they name the first five in
    order and count the others, as the other detections do."""
    llm, privesc = "858000000011", "858000000012"
    names = ["ListFoundationModels", "GetFoundationModelAvailability", "PutUseCaseForModelAccess",
             "ListFoundationModelAgreementOffers", "CreateFoundationModelAgreement", "PutFoundationModelEntitlement",
             "InvokeModel"]
    escalation = [("iam.amazonaws.com", "AttachUserPolicy"), ("iam.amazonaws.com", "PutRolePolicy"),
                  ("iam.amazonaws.com", "CreateAccessKey"), ("iam.amazonaws.com", "UpdateAssumeRolePolicy"),
                  ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"), ("ec2.amazonaws.com", "RunInstances"),
                  ("sts.amazonaws.com", "AssumeRole")]
    tools = ", ".join(f"aws-cli/2.15.{n}" for n in range(5)) + " and 2 more"
    found = run(tmp_path / "llm", {llm: [
        event(llm, at(n), name, source="bedrock.amazonaws.com", region="us-west-2", user="ci-deploy",
              agent=f"aws-cli/2.15.{6 - n}")
        for n, name in enumerate(names)]}, "cloudtrail_event_llm_jacking")
    [(_, status, reason)] = found[llm]
    assert status == "alarm", reason
    assert f" from 198.51.100.7 ({tools}); confirm" in reason, reason
    found = run(tmp_path / "privesc", {privesc: [
        event(privesc, at(n), name, source=source, user="ops", agent=f"aws-cli/2.15.{6 - n}")
        for n, (source, name) in enumerate(escalation)]}, "cloudtrail_event_privilege_escalation_activity")
    [(_, status, reason)] = found[privesc]
    assert status == "alarm", reason
    assert f" from 198.51.100.7 ({tools}); confirm" in reason, reason


def test_a_sign_in_burst_followed_by_many_sign_ins_names_the_first_five_users_and_counts_the_rest(tmp_path):
    """The users signed in as after a burst were every one of them, in no set order; it names the first five in
    order and counts the others, and gives the time of the first sign-in as that: the others came later."""
    account = "858000000013"
    users = ["grace", "frank", "erin", "dave", "carol", "bob", "alice"]
    events = []
    for minute, (user, result) in enumerate([(user, "Failure") for user in users] * 2 + [(user, "Success")
                                                                                          for user in users]):
        e = event(account, at(minute / 2), "ConsoleLogin", source="signin.amazonaws.com", user=user,
                  ip="198.51.100.66", agent="Mozilla/5.0", response={"ConsoleLogin": result})
        e["event_type"] = "AwsConsoleSignIn"
        events.append(e)
    found = run(tmp_path, {account: events}, "cloudtrail_event_console_sign_in_failures")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert (f"; then signed in as alice, bob, carol, dave, erin and 2 more from the same address, first at "
            f"{at(7):%Y-%m-%d %H:%M:%S} UTC: reset") in reason, reason


def test_a_bulk_secret_read_names_the_first_five_secrets_and_counts_the_rest(tmp_path):
    """The reason named five secrets and then ", ..." when more than five distinct secrets were read, and nothing
    when a read by filter made the sixth; it names the first five in order and counts the others."""
    many, by_filter = "858000000014", "858000000015"

    def read(account, n, name, **request):
        return event(account, at(n / 4), name, source="secretsmanager.amazonaws.com", user="harvester",
                     read_only=True, request=request)

    found = run(tmp_path, {
        many: [read(many, n, "GetSecretValue", secretId=f"app/secret-{13 - n:02d}") for n in range(14)],
        by_filter: [read(by_filter, n, "GetSecretValue", secretId=f"app/secret-{n:02d}") for n in range(5)]
        + [read(by_filter, 5, "BatchGetSecretValue", filters=[{"Key": "name", "Values": ["app/"]}])],
    }, "cloudtrail_event_secret_bulk_read")
    [(_, status, reason)] = found[many]
    assert status == "alarm", reason
    assert "(GetSecretValue x14; app/secret-00, app/secret-01, app/secret-02, app/secret-03, app/secret-04 and 9 more)" \
        in reason, reason
    [(_, status, reason)] = found[by_filter]
    assert status == "alarm", reason
    assert ("(BatchGetSecretValue x1, GetSecretValue x5; app/secret-00, app/secret-01, app/secret-02, app/secret-03,"
            " app/secret-04 and 1 more)") in reason, reason


def test_calls_made_in_one_instant_are_at_that_time_not_between_it_and_itself(tmp_path):
    """A reason gave the time its calls span as "between X and X" when the first and the last call were the same
    instant; it says "at X"."""
    llm, privesc, stolen = "858000000016", "858000000017", "858000000018"
    names = ["ListFoundationModels", "GetFoundationModelAvailability", "PutUseCaseForModelAccess",
             "ListFoundationModelAgreementOffers", "CreateFoundationModelAgreement", "PutFoundationModelEntitlement"]
    escalation = [("iam.amazonaws.com", "AttachUserPolicy"), ("iam.amazonaws.com", "PutRolePolicy"),
                  ("iam.amazonaws.com", "CreateAccessKey"), ("iam.amazonaws.com", "UpdateAssumeRolePolicy"),
                  ("lambda.amazonaws.com", "UpdateFunctionCode20150331v2"), ("ec2.amazonaws.com", "RunInstances"),
                  ("sts.amazonaws.com", "AssumeRole")]
    instance = event(stolen, at(5), "ListBuckets", source="s3.amazonaws.com", role="app-role", read_only=True)
    instance["user_identity"]["arn"] = f"arn:aws:sts::{stolen}:assumed-role/app-role/i-0123456789abcdef0"
    found = run(tmp_path, {llm: [event(llm, at(0), name, source="bedrock.amazonaws.com", user="ci-deploy")
                                 for name in names]}, "cloudtrail_event_llm_jacking")
    [(_, status, reason)] = found[llm]
    assert status == "alarm", reason
    assert f" Bedrock model-access actions at {at(0):%Y-%m-%d %H:%M:%S} UTC (" in reason, reason
    found = run(tmp_path / "privesc", {privesc: [event(privesc, at(0), name, source=source, user="ops")
                                                 for source, name in escalation]},
                "cloudtrail_event_privilege_escalation_activity")
    [(_, status, reason)] = found[privesc]
    assert status == "alarm", reason
    assert f" privilege-escalation actions at {at(0):%Y-%m-%d %H:%M:%S} UTC (" in reason, reason
    found = run(tmp_path / "stolen", {stolen: [
        event(stolen, at(0), "ListBuckets", source="s3.amazonaws.com", user="dev", read_only=True), instance]},
                "cloudtrail_event_instance_credentials_used_elsewhere")
    [(_, status, reason)] = found[stolen]
    assert status == "alarm", reason
    assert f") made 1 call(s) from 198.51.100.7 at {at(5):%Y-%m-%d %H:%M:%S} UTC (last ListBuckets" in reason, reason


def test_instance_credentials_used_from_two_peoples_addresses_count_the_calls_of_the_address_named(tmp_path):
    """The reason counted the session's calls from every address people called from but named the last one's
    address and times; it counts the calls of the address it names and the others apart."""
    account = "858000000019"

    def instance_call(minute, ip):
        row = event(account, at(minute), "ListBuckets", source="s3.amazonaws.com", role="app-role", read_only=True,
                    ip=ip)
        row["user_identity"]["arn"] = f"arn:aws:sts::{account}:assumed-role/app-role/i-0123456789abcdef0"
        return row

    found = run(tmp_path, {account: [
        event(account, at(0), "ListUsers", user="dev", read_only=True, ip="198.51.100.7"),
        event(account, at(0), "ListUsers", user="ops", read_only=True, ip="203.0.113.9"),
        instance_call(1, "198.51.100.7"), instance_call(2, "198.51.100.7"), instance_call(3, "203.0.113.9")]},
        "cloudtrail_event_instance_credentials_used_elsewhere")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert (f") made 1 call(s) from 203.0.113.9 at {at(3):%Y-%m-%d %H:%M:%S} UTC (last ListBuckets, aws-cli/2.15.0),"
            f" an address arn:aws:iam::{account}:user/ops also called from; it made 2 more call(s) from 1 other"
            " address(es) IAM callers used: the credentials") in reason, reason


def test_an_identity_armed_after_midnight_gives_the_date_of_its_last_step(tmp_path):
    """The reason gave the time of the last arming step without its date ("created ... at 2024-05-31 23:50:00 UTC
    ... and by 00:10:00 UTC gave it"), which reads as before the creation; a step on another day names its date."""
    account = "858000000020"
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    found = run(tmp_path, {account: [
        event(account, at(710), "CreateUser", user="intruder", request={"userName": "backdoor"},
              response={"user": {"userName": "backdoor", "arn": f"arn:aws:iam::{account}:user/backdoor"}}),
        event(account, at(715), "AttachUserPolicy", user="intruder", request={"userName": "backdoor", "policyArn": admin}),
        event(account, at(730), "CreateAccessKey", user="intruder", request={"userName": "backdoor"},
              response={"accessKey": {"accessKeyId": "AKIAEXAMPLEBACKDOOR2", "userName": "backdoor"}}),
    ]}, "cloudtrail_event_new_principal_granted_power")
    [(_, status, reason)] = found[account]
    assert status == "alarm", reason
    assert f" at {at(710):%Y-%m-%d %H:%M:%S} UTC from " in reason, reason
    assert f") and by {at(730):%Y-%m-%d %H:%M:%S} UTC gave it " in reason, reason
