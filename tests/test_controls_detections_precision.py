"""Precision of the CloudTrail detections on shapes seen in the public trails of tests/data.

Each case is a verdict a detection got wrong on a real trail (named in the test), rebuilt from hand-written events
in the same shape, with the twin the detection must still alarm on.
"""

import uuid
from datetime import datetime, timedelta, timezone

from iamsql import controls
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(tmp_path, events: dict[str, list[dict]], control_id: str) -> dict[str, list[tuple[str, str, str]]]:
    """account -> [(resource, status, reason)] of one control over the accounts' events."""
    con = db.connect(tmp_path / "precision.duckdb")
    load_accounts(con, {a: {"aws_cloudtrail_trail_event": e} for a, e in events.items()}, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[control_id]))
    con.close()
    assert [r for r in rows if r["status"] == "error"] == []
    found: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        found.setdefault(r["account_id"], []).append((r["resource"], r["status"], r["reason"]))
    return found


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
    assert reason.startswith("1 change(s) (UpdateTrail) to trail management-events"), reason
