"""Identity techniques of docs/detections.md decided from the events alone, on hand-written CloudTrail events
shaped as AWS documents each call (and, for Systems Manager, the Stratus Red Team detonation logs), each with near
misses that must not alarm:

- A principal granting permissions to itself (the iam:Attach*/Put*Policy and iam:AddUserToGroup escalation paths
  on oneself): decided by comparing the caller's userIdentity with the request's userName, roleName or groupName.
- One caller refused sts:AssumeRole on many distinct roles in minutes (role enumeration): a refused call records no
  request parameters, so the role is the one its error message names.
- One caller sending commands to, or opening sessions on, many instances through Systems Manager in minutes.
- An S3 bucket policy or ACL opened to everyone or another account, the policy read statement by statement.
"""

from datetime import datetime, timedelta, timezone

from iamsql.store import db

from .cloudtrail_events import event, findings_by_account, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)
# the detections whose alarms and near misses this module tests
CONTROLS = ("cloudtrail_event_self_permission_granted", "cloudtrail_event_role_enumeration",
            "cloudtrail_event_ssm_commands_many_instances", "cloudtrail_event_bucket_opened")


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(tmp_path, accounts: dict[str, dict[str, list[dict]]], control_id: str, **params):
    """account -> [(resource, status, reason)] of one control over the accounts' tables."""
    con = db.connect(tmp_path / "escalation.duckdb")
    load_accounts(con, accounts, AS_OF)
    return findings_by_account(con, control_id, params)


def statuses(rows):
    return sorted((resource, status) for resource, status, _ in rows)


# --------------------------------------------------------------------------------------------------------------
# self_permission_granted
# --------------------------------------------------------------------------------------------------------------

ALLOW_ALL = '{"Version":"2012-10-17","Statement":[{"Effect": "Allow","Action":"*","Resource":"*"}]}'
DENY_ALL = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'


def test_a_user_or_role_granting_itself_permissions_alarms(tmp_path):
    user, role, group, denied = "871000000001", "871000000002", "871000000003", "871000000004"
    found = run(tmp_path, {
        # the user's request names itself, in another case: IAM names are not case-sensitive
        user: {"aws_cloudtrail_trail_event": [
            event(user, at(0), "AttachUserPolicy", user="dev-sam",
                  request={"userName": "Dev-Sam", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})]},
        role: {"aws_cloudtrail_trail_event": [
            event(role, at(0), "PutRolePolicy", role="ci-runner",
                  request={"roleName": "ci-runner", "policyName": "more", "policyDocument": ALLOW_ALL})]},
        # a group the loaded IAM data lists the user in
        group: {"aws_cloudtrail_trail_event": [
                    event(group, at(0), "PutGroupPolicy", user="ops-ann",
                          request={"groupName": "operators", "policyName": "all", "policyDocument": ALLOW_ALL})],
                "aws_iam_user": [{"name": "ops-ann", "arn": f"arn:aws:iam::{group}:user/ops-ann", "account_id": group,
                                  "partition": "aws", "region": "global", "groups": [{"GroupName": "Operators"}]}]},
        denied: {"aws_cloudtrail_trail_event": [
            event(denied, at(0), "AddUserToGroup", user="intern", error="AccessDenied",
                  request={"userName": "intern", "groupName": "admins"})]},
    }, "cloudtrail_event_self_permission_granted")
    [(resource, status, reason)] = found[user]
    assert (resource, status) == (f"arn:aws:iam::{user}:user/dev-sam", "alarm")
    assert "user/dev-sam granted itself permissions: AttachUserPolicy on its own user" in reason, reason
    assert "arn:aws:iam::aws:policy/AdministratorAccess" in reason, reason
    [(resource, status, reason)] = found[role]
    assert (resource, status) == (f"arn:aws:iam::{role}:role/ci-runner", "alarm")
    assert "assumed-role/ci-runner/session-1 granted itself permissions: PutRolePolicy on its own role (more)" in reason
    [(resource, status, reason)] = found[group]
    assert (resource, status) == (f"arn:aws:iam::{group}:user/ops-ann", "alarm")
    assert "PutGroupPolicy on group operators, which it is in (the loaded IAM data)" in reason, reason
    [(resource, status, reason)] = found[denied]
    assert (resource, status) == (f"arn:aws:iam::{denied}:user/intern", "alarm")
    assert "AddUserToGroup on its own user into group admins" in reason and "every attempt was denied" in reason, reason


def test_a_group_joined_earlier_in_the_trail_is_the_callers(tmp_path):
    account = "871000000005"
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": [
        event(account, at(0), "AddUserToGroup", user="admin", request={"userName": "bob", "groupName": "builders"}),
        event(account, at(5), "AttachGroupPolicy", user="bob",
              request={"groupName": "builders", "policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"}),
    ]}}, "cloudtrail_event_self_permission_granted")
    [(resource, status, reason)] = found[account]
    assert (resource, status) == (f"arn:aws:iam::{account}:user/bob", "alarm")
    assert f"group builders, which it is in (AddUserToGroup at {at(0):%Y-%m-%d %H:%M:%S} UTC)" in reason, reason


def test_granting_others_restricting_oneself_or_failing_is_not_an_alarm(tmp_path):
    account = "871000000006"
    by_aws = event(account, at(6), "AttachRolePolicy", role="AWSServiceRoleForSSO",
                   request={"roleName": "AWSServiceRoleForSSO", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
    by_aws["user_identity"]["sessionContext"]["sessionIssuer"]["arn"] = (
        f"arn:aws:iam::{account}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO")
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": [
        # an administrator granting another user, another role, a group it is not in
        event(account, at(0), "AttachUserPolicy", user="admin",
              request={"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        event(account, at(1), "PutRolePolicy", role="deployer",
              request={"roleName": "app", "policyName": "p", "policyDocument": ALLOW_ALL}),
        event(account, at(2), "PutGroupPolicy", user="admin",
              request={"groupName": "operators", "policyName": "p", "policyDocument": ALLOW_ALL}),
        # AWS's quarantine of a leaked key, recorded as the user's own call, and a deny-only inline policy
        event(account, at(3), "AttachUserPolicy", user="leaky",
              request={"userName": "leaky", "policyArn": "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"}),
        event(account, at(4), "PutUserPolicy", user="careful",
              request={"userName": "careful", "policyName": "deny", "policyDocument": DENY_ALL}),
        # a user whose name is a role's name, and a failure that changed nothing
        event(account, at(5), "AttachRolePolicy", user="app",
              request={"roleName": "app", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
        event(account, at(5), "AttachUserPolicy", user="bob", error="NoSuchEntity",
              request={"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/Nope"}),
        by_aws,
        # CloudFormation running a stack as its service role applies the stack operator's template to that role
        event(account, at(7), "PutRolePolicy", role="stack-deployer", invoked_by="cloudformation.amazonaws.com",
              ip="cloudformation.amazonaws.com", agent="cloudformation.amazonaws.com",
              request={"roleName": "stack-deployer", "policyName": "more", "policyDocument": ALLOW_ALL}),
    ]}}, "cloudtrail_event_self_permission_granted")
    assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]


def test_a_user_granting_itself_through_a_stack_without_a_service_role_alarms(tmp_path):
    """A stack without a service role runs on its operator's own credentials: the user chose the grant."""
    account = "871000000007"
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": [
        event(account, at(0), "AttachUserPolicy", user="builder", invoked_by="cloudformation.amazonaws.com",
              ip="cloudformation.amazonaws.com", agent="cloudformation.amazonaws.com",
              request={"userName": "builder", "policyArn": "arn:aws:iam::aws:policy/IAMFullAccess"})]}},
        "cloudtrail_event_self_permission_granted")
    assert statuses(found[account]) == [(f"arn:aws:iam::{account}:user/builder", "alarm")], found[account]


# --------------------------------------------------------------------------------------------------------------
# role_enumeration
# --------------------------------------------------------------------------------------------------------------


def assume(account: str, minute: float, role_arn: str, *, refused: bool, user: str = "scout", **caller) -> dict:
    """An AssumeRole call as CloudTrail records it: a refused one has no request parameters, its role only in the
    error message."""
    who = caller or {"user": user}
    if refused:
        principal = f"arn:aws:iam::{account}:user/{user}"
        row = event(account, at(minute), "AssumeRole", source="sts.amazonaws.com", error="AccessDenied", **who)
        return row | {"error_message": f"User: {principal} is not authorized to perform: sts:AssumeRole on resource: "
                                       f"{role_arn}"}
    return event(account, at(minute), "AssumeRole", source="sts.amazonaws.com",
                 request={"roleArn": role_arn, "roleSessionName": "s"}, **who)


def test_refusals_on_many_roles_alarm(tmp_path):
    account, other = "872000000001", "872999999999"
    guesses = ["admin", "Administrator", "OrganizationAccountAccessRole", "deploy", "readonly.auditor"]
    rows = [assume(account, i, f"arn:aws:iam::{other}:role/{name}", refused=True) for i, name in enumerate(guesses)]
    rows.append(assume(account, 6, f"arn:aws:iam::{other}:role/ci/jenkins", refused=False))
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": rows}}, "cloudtrail_event_role_enumeration")
    [(resource, status, reason)] = found[account]
    assert (resource, status) == (f"arn:aws:iam::{account}:user/scout", "alarm")
    assert "was refused sts:AssumeRole on 5 roles in 1 account within 10 minutes" in reason, reason
    # the role name with a period is read whole from the message
    assert f"arn:aws:iam::{other}:role/readonly.auditor" in reason, reason
    assert f"it did assume arn:aws:iam::{other}:role/ci/jenkins" in reason, reason


def test_propagation_waits_spread_refusals_and_services_are_not_enumeration(tmp_path):
    waits, spread, few = "872000000002", "872000000003", "872000000004"
    found = run(tmp_path, {
        # five new roles, each refused until IAM spreads its trust, then assumed (Stratus's set-up on invictus)
        waits: {"aws_cloudtrail_trail_event": [
            row for i in range(5) for row in (
                assume(waits, 2 * i, f"arn:aws:iam::{waits}:role/new-{i}", refused=True),
                assume(waits, 2 * i + 0.1, f"arn:aws:iam::{waits}:role/new-{i}", refused=False))]},
        # five roles refused, but an hour apart
        spread: {"aws_cloudtrail_trail_event": [
            assume(spread, 60 * i, f"arn:aws:iam::{spread}:role/r{i}", refused=True) for i in range(5)]},
        # four roles refused, and the same one again and again
        few: {"aws_cloudtrail_trail_event": [
            assume(few, i, f"arn:aws:iam::{few}:role/r{i % 4}", refused=True) for i in range(9)]},
    }, "cloudtrail_event_role_enumeration")
    for account in (waits, spread, few):
        assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]


def test_allowed_callers_are_not_counted(tmp_path):
    account = "872000000005"
    rows = [assume(account, i, f"arn:aws:iam::87200000000{i}:role/Audit", refused=True, user="org-scanner")
            for i in range(5)]
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": rows}}, "cloudtrail_event_role_enumeration",
                allowed_callers="deployer, org-scanner")
    assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]


# --------------------------------------------------------------------------------------------------------------
# ssm_commands_many_instances (the Stratus detonations are in tests/test_controls_detections.py)
# --------------------------------------------------------------------------------------------------------------


def send(account: str, minute: float, *, ids=None, targets=None, error=None, **caller) -> dict:
    request = {"documentName": "AWS-RunShellScript", "parameters": "HIDDEN_DUE_TO_SECURITY_REASONS"}
    request |= {"instanceIds": ids} if ids is not None else {}
    request |= {"targets": targets} if targets is not None else {}
    return event(account, at(minute), "SendCommand", source="ssm.amazonaws.com", request=request, error=error,
                 **(caller or {"user": "ops"}))


def test_commands_to_many_instances_alarm(tmp_path):
    account, denied = "873000000001", "873000000002"
    found = run(tmp_path, {
        # an instance by SendCommand, one by a target list, one by a session: three nodes in three minutes
        account: {"aws_cloudtrail_trail_event": [
            send(account, 0, ids=["i-0aaa"], role="web-app"),
            send(account, 1, targets=[{"key": "InstanceIds", "values": ["i-0bbb"]},
                                      {"key": "tag:Env", "values": ["prod"]}], role="web-app"),
            event(account, at(2), "StartSession", source="ssm.amazonaws.com", role="web-app",
                  request={"target": "i-0ccc"})]},
        denied: {"aws_cloudtrail_trail_event": [
            send(denied, 0, ids=["i-1", "i-2", "i-3", "i-4"], error="AccessDenied")]},
    }, "cloudtrail_event_ssm_commands_many_instances")
    [(resource, status, reason)] = found[account]
    assert (resource, status) == (f"arn:aws:iam::{account}:role/web-app", "alarm")
    assert "sent commands to or opened sessions on 3 instances within 10 minutes" in reason, reason
    assert "SendCommand x2, StartSession x1" in reason and "i-0aaa, i-0bbb, i-0ccc" in reason, reason
    assert "1 SendCommand calls also chose nodes by tag or resource group" in reason, reason
    [(resource, status, reason)] = found[denied]
    assert (resource, status) == (f"arn:aws:iam::{denied}:user/ops", "alarm")
    assert "on 4 instances" in reason and "1 of the 1 calls were denied" in reason, reason


def test_few_instances_tags_services_and_failures_are_not_counted(tmp_path):
    account = "873000000003"
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": [
        # two instances, then a third half an hour later
        send(account, 0, ids=["i-1", "i-2"]),
        send(account, 30, ids=["i-3"]),
        # a fleet chosen by tag: the event names no instance
        send(account, 31, targets=[{"key": "tag:Patch", "values": ["yes"]}]),
        # State Manager running a document for the caller, a failed call, an allowed pipeline
        send(account, 40, ids=["i-4", "i-5", "i-6"], invoked_by="ssm.amazonaws.com"),
        send(account, 41, ids=["i-7", "i-8", "i-9"], error="InvalidInstanceId"),
        send(account, 42, ids=["i-a", "i-b", "i-c"], user="patcher"),
    ]}}, "cloudtrail_event_ssm_commands_many_instances", allowed_callers="patcher")
    assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]


# --------------------------------------------------------------------------------------------------------------
# bucket_opened
# --------------------------------------------------------------------------------------------------------------


def put_policy(account: str, minute: float, bucket: str, *statements: dict, error: str | None = None) -> dict:
    """A PutBucketPolicy as CloudTrail records it: the policy an object under ``bucketPolicy``."""
    return event(account, at(minute), "PutBucketPolicy", source="s3.amazonaws.com", user="admin", error=error,
                 request={"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com", "policy": "",
                          "bucketPolicy": {"Version": "2012-10-17", "Statement": list(statements)}})


def allow(principal, condition: dict | None = None, action="s3:GetObject") -> dict:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "arn:aws:s3:::b/*"} | (
        {"Condition": condition} if condition else {})


def test_a_bucket_opened_to_everyone_or_another_account_alarms(tmp_path):
    public, outside, acl = "874000000001", "874000000002", "874000000003"
    found = run(tmp_path, {
        public: {"aws_cloudtrail_trail_event": [
            # a condition on the transport fixes nobody: still everyone
            put_policy(public, 0, "site", allow({"AWS": ["*"]}, {"Bool": {"aws:SecureTransport": "true"}}))]},
        outside: {"aws_cloudtrail_trail_event": [
            put_policy(outside, 0, "data", allow({"Service": "cloudtrail.amazonaws.com"}, action="s3:PutObject"),
                       allow({"AWS": f"arn:aws:iam::{outside}:role/reader"}),
                       allow({"AWS": ["arn:aws:iam::193672423079:root", "444455556666"]},
                             action=["s3:GetObject", "s3:ListBucket"]))]},
        acl: {"aws_cloudtrail_trail_event": [
            event(acl, at(0), "PutBucketAcl", source="s3.amazonaws.com", user="admin",
                  request={"bucketName": "logs", "x-amz-grant-read": ["uri=http://acs.amazonaws.com/groups/global/AllUsers"]}),
            event(acl, at(1), "PutBucketAcl", source="s3.amazonaws.com", user="admin",
                  request={"bucketName": "shared", "x-amz-acl": ["authenticated-read"]})]},
    }, "cloudtrail_event_bucket_opened", trusted_accounts="444455556666")
    [(resource, status, reason)] = found[public]
    assert (resource, status) == ("arn:aws:s3:::site", "alarm")
    assert 'opened bucket site to everyone (*) ("s3:GetObject") with PutBucketPolicy' in reason, reason
    [(resource, status, reason)] = found[outside]
    assert (resource, status) == ("arn:aws:s3:::data", "alarm")
    # the other account alone: the service, the bucket's own role and the trusted account are not judged
    assert 'to account 193672423079 (["s3:GetObject", "s3:ListBucket"])' in reason, reason
    assert "444455556666" not in reason and "cloudtrail" not in reason, reason
    assert statuses(found[acl]) == [("arn:aws:s3:::logs", "alarm"), ("arn:aws:s3:::shared", "alarm")], found[acl]
    reasons = {r: text for r, _, text in found[acl]}
    assert "to everyone (AllUsers) (the bucket ACL) with PutBucketAcl" in reasons["arn:aws:s3:::logs"]
    assert "to every AWS account (AuthenticatedUsers)" in reasons["arn:aws:s3:::shared"]


def test_fixed_callers_services_log_delivery_and_refusals_do_not_open_a_bucket(tmp_path):
    account = "874000000004"
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": [
        # everyone, but only from the organization, a VPC endpoint or a source ARN
        put_policy(account, 0, "a", allow("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}})),
        put_policy(account, 1, "b", allow({"AWS": "*"}, {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}})),
        put_policy(account, 2, "c", allow("*", {"ArnLike": {"AWS:SourceArn": "arn:aws:cloudfront::1:distribution/X"}})),
        # a service, a CloudFront origin access identity, Elastic Load Balancing's log account of us-east-1
        put_policy(account, 3, "d", allow({"Service": "logging.s3.amazonaws.com"}, action="s3:PutObject"),
                   allow({"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE"}),
                   allow({"AWS": "arn:aws:iam::127311923021:root"}, action="s3:PutObject")),
        # a Deny for everyone, a refused public policy (Block Public Access), a private canned ACL
        put_policy(account, 4, "e", {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}),
        put_policy(account, 5, "f", allow("*"), error="AccessDenied"),
        event(account, at(6), "PutBucketAcl", source="s3.amazonaws.com", user="admin",
              request={"bucketName": "g", "x-amz-acl": ["private"]}),
    ]}}, "cloudtrail_event_bucket_opened")
    assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]
