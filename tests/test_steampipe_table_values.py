"""Queries written as Steampipe's AWS compliance mod writes them (Postgres SQL over the Steampipe tables, testing
NULL, jsonb and canonical-policy values as the plugin gives them) give the AWS-correct answer on one account's CLI
outputs loaded by the real loaders: get-account-authorization-details, the credential report, the password policy,
the account summary, virtual MFA devices, access keys and the trail's describe-trails / get-trail-status /
get-event-selectors. Each query says what AWS means by its answer; the expected rows follow from the outputs below."""

from __future__ import annotations

import base64
import json

import duckdb
import pytest

from iamsql.errors import QueryError
from iamsql.load import load_paths
from iamsql.sql import query
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ACCOUNT = "210987654321"
OTHER = "444455556666"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
APP_READ = f"arn:aws:iam::{ACCOUNT}:policy/app-read"
UNUSED = f"arn:aws:iam::{ACCOUNT}:policy/pass-any-role"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/developer-boundary"


def _arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def _user(name: str, *, groups=(), attached=(), inline=(), tags=(), boundary=None) -> dict:
    """A UserDetailList entry as `aws iam get-account-authorization-details` prints it (documents decoded)."""
    user = {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper()}EXAMPLE", "Arn": _arn("user", name),
            "CreateDate": "2021-03-04T05:06:07+00:00", "GroupList": list(groups),
            "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached],
            "Tags": [{"Key": k, "Value": v} for k, v in tags]}
    if inline:
        user["UserPolicyList"] = [{"PolicyName": n, "PolicyDocument": d} for n, d in inline]
    if boundary:
        user["PermissionsBoundary"] = {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}
    return user


def _role(name: str, trust: dict, *, attached=(), profiles=(), last_used=None) -> dict:
    return {**gaad_role(ACCOUNT, name, trust, attached=attached, created="2022-01-02T03:04:05+00:00"),
            "InstanceProfileList": [{"Path": "/", "InstanceProfileName": p, "InstanceProfileId": f"AIPA{p.upper()}",
                                     "Arn": _arn("instance-profile", p), "CreateDate": "2022-01-02T03:04:05+00:00",
                                     "Roles": []} for p in profiles],
            "RoleLastUsed": last_used or {}}


def _policy(arn: str, document: dict, attachments: int) -> dict:
    return {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyId": "ANPA" + arn.rsplit("/", 1)[-1].upper().replace("-", ""),
            "Arn": arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": attachments,
            "PermissionsBoundaryUsageCount": 1 if arn == BOUNDARY else 0, "IsAttachable": True,
            "CreateDate": "2020-01-01T00:00:00+00:00", "UpdateDate": "2020-01-01T00:00:00+00:00",
            "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True,
                                   "CreateDate": "2020-01-01T00:00:00+00:00"}]}


# The documents as their authors wrote them: a single statement object, actions in mixed case and repeated,
# a boolean condition value, Principal as "*" and as one string.
ADMIN_DOCUMENT = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}
APP_READ_DOCUMENT = {"Version": "2012-10-17", "Statement": [
    {"Sid": "Read", "Effect": "Allow", "Action": ["S3:GetObject", "s3:getobject", "KMS:Decrypt"],
     "Resource": ["arn:aws:s3:::App-Data/*", "arn:aws:kms:eu-west-1:210987654321:key/k1"],
     "Condition": {"Bool": {"aws:SecureTransport": True}}}]}
PASS_ANY_DOCUMENT = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}
BOUNDARY_DOCUMENT = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}
BOB_INLINE = {"Statement": {"Effect": "Allow", "Action": "S3:*", "Resource": "*"}}  # no Version, as authored

GAAD = {
    "UserDetailList": [
        _user("alice", groups=["admins"]),
        _user("bob", attached=[ADMIN], inline=[("bob-s3", BOB_INLINE)], tags=[("owner", "bob@example.com")]),
        _user("carol", boundary=BOUNDARY),
    ],
    "GroupDetailList": [
        {"Path": "/", "GroupName": "admins", "GroupId": "AGPAADMINS", "Arn": _arn("group", "admins"),
         "CreateDate": "2020-05-06T07:08:09+00:00", "GroupPolicyList": [],
         "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN}]},
        {"Path": "/", "GroupName": "nobody", "GroupId": "AGPANOBODY", "Arn": _arn("group", "nobody"),
         "CreateDate": "2020-05-06T07:08:09+00:00", "GroupPolicyList": [], "AttachedManagedPolicies": []},
    ],
    "RoleDetailList": [
        _role("ec2-worker", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            attached=[APP_READ], profiles=["ec2-worker"],
            last_used={"LastUsedDate": "2024-05-30T10:00:00+00:00", "Region": "eu-west-1"}),
        _role("partner-audit", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}, "Action": "sts:AssumeRole",
             "Condition": {"StringEquals": {"sts:ExternalId": "Partner-1234"}}}]}, attached=[ADMIN]),
        _role("open-door", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": ["STS:AssumeRole"]}]}),
    ],
    "Policies": [
        _policy(ADMIN, ADMIN_DOCUMENT, 3),
        _policy(APP_READ, APP_READ_DOCUMENT, 1),
        _policy(UNUSED, PASS_ANY_DOCUMENT, 0),
        _policy(BOUNDARY, BOUNDARY_DOCUMENT, 0),
    ],
}

REPORT_CSV = "\n".join([
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated",
    f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2019-01-01T00:00:00+00:00,not_supported,2024-05-01T08:00:00+00:00,"
    "not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    f"alice,{_arn('user', 'alice')},2021-03-04T05:06:07+00:00,true,2024-05-28T09:00:00+00:00,"
    "2024-01-10T00:00:00+00:00,N/A,false,true,2023-11-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,"
    "false,N/A,false,N/A",
    f"bob,{_arn('user', 'bob')},2021-03-04T05:06:07+00:00,false,N/A,N/A,N/A,false,true,2024-05-01T00:00:00+00:00,"
    "2024-05-31T11:00:00+00:00,eu-west-1,s3,true,2024-05-20T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
    f"carol,{_arn('user', 'carol')},2021-03-04T05:06:07+00:00,true,no_information,2024-02-01T00:00:00+00:00,N/A,"
    "true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
]) + "\n"
GENERATED = "2024-06-01T12:00:00+00:00"

TRAIL = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/"
OUTPUTS = {
    "get-account-authorization-details.json": GAAD,
    "get-credential-report.json": {"Content": base64.b64encode(REPORT_CSV.encode()).decode(), "ReportFormat": "text/csv",
                                   "GeneratedTime": GENERATED},
    "get-account-password-policy.json": {"PasswordPolicy": {
        "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True, "RequireUppercaseCharacters": True,
        "RequireLowercaseCharacters": True, "AllowUsersToChangePassword": True, "ExpirePasswords": True,
        "MaxPasswordAge": 90, "PasswordReusePrevention": 24, "HardExpiry": False}},
    "get-account-summary.json": {"SummaryMap": {
        "AccountMFAEnabled": 1, "AccountAccessKeysPresent": 0, "AccountSigningCertificatesPresent": 0, "Users": 3,
        "Groups": 2, "Roles": 3, "Policies": 3, "MFADevices": 2, "MFADevicesInUse": 2, "UsersQuota": 5000}},
    "list-virtual-mfa-devices.json": {"VirtualMFADevices": [
        {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device", "EnableDate": "2019-01-02T00:00:00+00:00",
         "User": {"Arn": f"arn:aws:iam::{ACCOUNT}:root", "UserId": ACCOUNT, "CreateDate": "2019-01-01T00:00:00+00:00",
                  "PasswordLastUsed": "2024-05-01T08:00:00+00:00"}},
        {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/carol-phone", "EnableDate": "2024-02-01T00:00:00+00:00",
         "User": {"Path": "/", "UserName": "carol", "UserId": "AIDACAROLEXAMPLE", "Arn": _arn("user", "carol"),
                  "CreateDate": "2021-03-04T05:06:07+00:00"}, "Tags": []},
        {"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/spare", "Tags": [{"Key": "owner", "Value": "it"}]}]},
    "list-access-keys-alice.json": {"AccessKeyMetadata": [
        {"UserName": "alice", "AccessKeyId": "AKIAALICE00000000001", "Status": "Active",
         "CreateDate": "2023-11-01T00:00:00+00:00"}]},
    "list-access-keys-bob.json": {"AccessKeyMetadata": [
        {"UserName": "bob", "AccessKeyId": "AKIABOB0000000000001", "Status": "Active", "CreateDate": "2024-05-01T00:00:00+00:00"},
        {"UserName": "bob", "AccessKeyId": "AKIABOB0000000000002", "Status": "Active", "CreateDate": "2024-05-20T00:00:00+00:00"}]},
    "list-access-keys-carol.json": {"UserName": "carol", "AccessKeyMetadata": []},
    "describe-trails.json": {"trailList": [
        {"Name": "main", "S3BucketName": "org-trail-logs", "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": True,
         "HomeRegion": "us-east-1", "TrailARN": TRAIL + "main", "LogFileValidationEnabled": True,
         "CloudWatchLogsLogGroupArn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:trail:*",
         "CloudWatchLogsRoleArn": _arn("role", "trail-to-logs"), "KmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k2",
         "HasCustomEventSelectors": False, "HasInsightSelectors": False, "IsOrganizationTrail": False},
        {"Name": "regional", "S3BucketName": "regional-logs", "IncludeGlobalServiceEvents": True,
         "IsMultiRegionTrail": False, "HomeRegion": "us-east-1", "TrailARN": TRAIL + "regional",
         "LogFileValidationEnabled": False, "HasCustomEventSelectors": True, "HasInsightSelectors": False,
         "IsOrganizationTrail": False}]},
    "get-trail-status-main.json": {"TrailARN": TRAIL + "main", "IsLogging": True,
                                   "LatestDeliveryTime": "2024-06-01T11:55:00+00:00",
                                   "LatestCloudWatchLogsDeliveryTime": "2024-06-01T11:58:00+00:00",
                                   "StartLoggingTime": "2020-01-01T00:00:00+00:00"},
    "get-trail-status-regional.json": {"TrailARN": TRAIL + "regional", "IsLogging": False,
                                       "StopLoggingTime": "2024-03-01T00:00:00+00:00",
                                       "LatestCloudWatchLogsDeliveryError": "", "TimeLoggingStopped": ""},
    "get-event-selectors-main.json": {"TrailARN": TRAIL + "main", "EventSelectors": [
        {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
         "ExcludeManagementEventSources": []}]},
    "get-event-selectors-regional.json": {"TrailARN": TRAIL + "regional", "EventSelectors": [
        {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True, "DataResources": [],
         "ExcludeManagementEventSources": []}]},
}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outputs")
    for name, document in OUTPUTS.items():
        (folder / name).write_text(json.dumps(document, indent=2))
    connection = db.connect(tmp_path_factory.mktemp("db") / "account.duckdb")
    summary = load_paths(connection, [str(folder)], account_id=ACCOUNT)
    assert not summary.warnings, summary.warnings
    yield connection
    connection.close()


def rows(con, sql: str) -> list[tuple]:
    """The rows of a Steampipe query, run as `iamsql query` runs it."""
    return query.run_query(con, sql)[1]


def as_dict(con, sql: str) -> dict:
    return dict(rows(con, sql))


# ---- IAM users, groups and roles ----------------------------------------------------------------------------------


def test_users_without_inline_or_attached_policies(con):
    # CIS "IAM users receive permissions only through groups": Steampipe's attached_policy_arns and inline_policies
    # are NULL for a user with none, so the mod tests them with `is null`.
    assert as_dict(con, """
        select name, case when inline_policies is null and attached_policy_arns is null then 'ok' else 'alarm' end
        from aws_iam_user""") == {"alice": "ok", "bob": "alarm", "carol": "ok"}
    assert as_dict(con, """
        select name, coalesce(jsonb_array_length(inline_policies), 0) || ' inline, '
                     || coalesce(jsonb_array_length(attached_policy_arns), 0) || ' attached'
        from aws_iam_user""") == {"alice": "0 inline, 0 attached", "bob": "1 inline, 1 attached",
                                  "carol": "0 inline, 0 attached"}


def test_group_membership_and_empty_groups(con):
    assert as_dict(con, """
        select u.name, string_agg(g ->> 'GroupName', ',')
        from aws_iam_user as u left join lateral jsonb_array_elements(u.groups) as g on true
        group by u.name""") == {"alice": "admins", "bob": None, "carol": None}
    # a group without members has NULL users (GetGroup's nil list)
    assert as_dict(con, "select name, users is null from aws_iam_group") == {"admins": False, "nobody": True}
    assert rows(con, "select name from aws_iam_group where attached_policy_arns is null") == [("nobody",)]


def test_roles_without_instance_profiles_or_attached_policies(con):
    assert sorted(rows(con, "select name from aws_iam_role where instance_profile_arns is null")) == [
        ("open-door",), ("partner-audit",)]
    assert rows(con, "select name from aws_iam_role where attached_policy_arns is null") == [("open-door",)]
    assert rows(con, """
        select r.name from aws_iam_role as r, jsonb_array_elements_text(r.attached_policy_arns) as a
        where a = 'arn:aws:iam::aws:policy/AdministratorAccess'""") == [("partner-audit",)]


def test_tags_and_boundaries_as_steampipe_gives_them(con):
    # no tags: NULL tags and tags_src; a user without a boundary: '' (Steampipe's Go string), a role: NULL
    assert as_dict(con, "select name, tags ->> 'owner' from aws_iam_user where tags is not null") == {
        "bob": "bob@example.com"}
    assert sorted(rows(con, "select name from aws_iam_user where tags_src is null")) == [("alice",), ("carol",)]
    assert rows(con, "select name, permissions_boundary_type from aws_iam_user where permissions_boundary_arn <> ''") == [
        ("carol", "Policy")]
    assert rows(con, "select count(*) from aws_iam_role where permissions_boundary_arn is null") == [(3,)]


def test_users_mfa_from_the_credential_report_and_devices(con):
    # mfa_enabled: any MFA device; the report says alice and bob have none, carol has her virtual device
    assert as_dict(con, "select name, mfa_enabled from aws_iam_user") == {"alice": False, "bob": False, "carol": True}
    assert as_dict(con, "select user_name, assignment_status from aws_iam_virtual_mfa_device where user_name is not null"
                   ) == {"carol": "Assigned"}
    assert rows(con, "select count(*) from aws_iam_virtual_mfa_device where assignment_status = 'Unassigned'") == [(1,)]
    # ListVirtualMFADevices returns no tags (AWS's API reference says so; Steampipe asks ListMFADeviceTags): a device
    # listed without Tags has them not known (NULL, not an untagged []), one whose output carries them has them, and
    # an output's empty list is Steampipe's [] with tags NULL
    assert rows(con, "select title, tags_src::text, tags::text from aws_iam_virtual_mfa_device order by title") == [
        (f"arn:aws:iam::{ACCOUNT}:mfa/carol-phone", "[]", None),
        (f"arn:aws:iam::{ACCOUNT}:mfa/root-account-mfa-device", None, None),
        (f"arn:aws:iam::{ACCOUNT}:mfa/spare", '[{"Key": "owner", "Value": "it"}]', '{"owner": "it"}')]


# ---- canonical policies (policy_std, assume_role_policy_std, inline_policies_std) -----------------------------------


def test_policies_granting_every_action(con):
    # the mod's "no policy allows *:*": statements unnested from policy_std, Action always a lower-cased list
    assert rows(con, """
        select p.name from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
        where s ->> 'Effect' = 'Allow' and s -> 'Action' ? '*' and s -> 'Resource' ? '*'""") == [("AdministratorAccess",)]


def test_actions_are_lower_cased_and_deduplicated(con):
    assert rows(con, """
        select a from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
          jsonb_array_elements_text(s -> 'Action') as a
        where p.name = 'app-read' order by a""") == [("kms:decrypt",), ("s3:getobject",)]
    assert rows(con, """
        select p.name from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
        where s -> 'Action' @> '["iam:passrole"]'""") == [("pass-any-role",)]


def test_resources_keep_their_case(con):
    assert rows(con, """
        select r from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
          jsonb_array_elements_text(s -> 'Resource') as r where p.name = 'app-read' order by r""") == [
        ("arn:aws:kms:eu-west-1:210987654321:key/k1",), ("arn:aws:s3:::App-Data/*",)]


def test_condition_keys_lower_cased_and_values_text(con):
    assert rows(con, """
        select p.name from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
        where s -> 'Condition' -> 'Bool' -> 'aws:securetransport' ? 'true'""") == [("app-read",)]


def test_not_action_statements(con):
    assert rows(con, """
        select p.name, s -> 'NotAction' from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
        where s ? 'NotAction'""") == [("developer-boundary", '["iam:*"]')]


def test_trust_policies_open_to_anyone(con):
    # Principal "*" is {"AWS": ["*"]} in the canonical form
    assert rows(con, """
        select r.name from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
        where s ->> 'Effect' = 'Allow' and s -> 'Principal' -> 'AWS' ? '*' and s -> 'Condition' is null""") == [
        ("open-door",)]


def test_trust_policies_of_services_and_other_accounts(con):
    assert rows(con, """
        select r.name from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
        where s -> 'Principal' -> 'Service' ? 'ec2.amazonaws.com' and s -> 'Action' ? 'sts:assumerole'""") == [
        ("ec2-worker",)]
    assert rows(con, f"""
        select r.name, s -> 'Condition' -> 'StringEquals' ->> 'sts:externalid'
        from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
          jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
        where p <> '*' and split_part(p, ':', 5) <> '{ACCOUNT}'""") == [("partner-audit", '["Partner-1234"]')]


def test_inline_policies_in_canonical_form(con):
    # a document written without Version has Version '' in Steampipe's canonical form
    assert rows(con, """
        select u.name, i ->> 'PolicyName', i -> 'PolicyDocument' ->> 'Version', a
        from aws_iam_user as u, jsonb_array_elements(u.inline_policies_std) as i,
          jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as a
        """) == [("bob", "bob-s3", "", "s3:*")]
    assert rows(con, """
        select jsonb_typeof(inline_policies -> 0 -> 'PolicyDocument' -> 'Statement') from aws_iam_user
        where name = 'bob'""") == [("object",)]  # the raw column keeps the author's shape


def test_policy_attachments(con):
    assert as_dict(con, "select name, is_attached from aws_iam_policy where not is_aws_managed") == {
        "app-read": True, "pass-any-role": False, "developer-boundary": False}
    assert rows(con, """
        select policy_users -> 0 ->> 'UserName', policy_groups -> 0 ->> 'GroupName', policy_roles -> 0 ->> 'RoleName'
        from aws_iam_policy_attachment where policy_arn = 'arn:aws:iam::aws:policy/AdministratorAccess'""") == [
        ("bob", "admins", "partner-audit")]
    # no entity: [] as Steampipe gives it (ListEntitiesForPolicy's empty lists), not NULL
    assert rows(con, """
        select p.name, a.is_attached, a.policy_users::text, a.policy_groups::text, a.policy_roles::text
        from aws_iam_policy_attachment a join aws_iam_policy p on p.arn = a.policy_arn
        where p.name = 'pass-any-role'""") == [("pass-any-role", False, "[]", "[]", "[]")]


# ---- credential report, password policy, account summary, access keys --------------------------------------------


def test_console_users_without_mfa(con):
    assert rows(con, """
        select user_name from aws_iam_credential_report
        where password_enabled and not mfa_active and user_name <> '<root_account>'""") == [("alice",)]


def test_password_status_and_sentinels(con):
    # no_information -> never used, N/A -> no password; both NULL in password_last_used
    assert as_dict(con, "select user_name, password_status from aws_iam_credential_report") == {
        "<root_account>": "used", "alice": "used", "bob": "not_set", "carol": "never_used"}
    assert as_dict(con, "select user_name, password_last_used is null from aws_iam_credential_report") == {
        "<root_account>": False, "alice": False, "bob": True, "carol": True}
    assert rows(con, """
        select password_enabled, password_last_changed, password_next_rotation from aws_iam_credential_report
        where user_name = '<root_account>'""") == [(True, None, None)]


def test_credentials_unused_for_45_days(con):
    # judged against the report's own time, as the report describes the account at that moment
    assert rows(con, """
        select user_name from aws_iam_credential_report
        where user_name <> '<root_account>' and (
          (password_enabled and coalesce(password_last_used, user_creation_time) < generated_time - interval '45 days')
          or (access_key_1_active and coalesce(access_key_1_last_used_date, access_key_1_last_rotated)
              < generated_time - interval '45 days'))
        order by user_name""") == [("alice",), ("carol",)]


def test_access_keys_rotated_within_90_days(con):
    assert rows(con, """
        select user_name, access_key_1_last_rotated < generated_time - interval '90 days'
        from aws_iam_credential_report where access_key_1_active order by 1""") == [("alice", True), ("bob", False)]
    assert rows(con, """
        select user_name, count(*) from aws_iam_access_key where status = 'Active'
        group by user_name having count(*) > 1""") == [("bob", 2)]
    assert rows(con, "select akas ->> 0 from aws_iam_access_key where access_key_id = 'AKIAALICE00000000001'") == [
        (f"arn:aws:iam::{ACCOUNT}:user/alice/accesskey/AKIAALICE00000000001",)]


def test_root_account_mfa_and_keys(con):
    assert rows(con, """
        select account_mfa_enabled, account_access_keys_present = 0, mfa_devices_in_use
        from aws_iam_account_summary""") == [(True, True, 2)]
    # "root uses a hardware MFA device": its virtual device is found, so it is not hardware
    assert rows(con, """
        select case when s.account_mfa_enabled and d.serial_number is null then 'ok' else 'alarm' end
        from aws_iam_account_summary as s
          left join aws_iam_virtual_mfa_device as d on d.user ->> 'Arn' = 'arn:' || s.partition || ':iam::'
            || s.account_id || ':root'""") == [("alarm",)]


def test_password_policy(con):
    assert rows(con, """
        select minimum_password_length >= 14, password_reuse_prevention >= 24, require_symbols, max_password_age
        from aws_iam_account_password_policy""") == [(True, True, True, 90)]


# ---- CloudTrail trails ----------------------------------------------------------------------------------------------


def test_multi_region_trail_logging_reads_and_writes(con):
    assert rows(con, """
        select t.name from aws_cloudtrail_trail as t, jsonb_array_elements(t.event_selectors) as e
        where t.is_multi_region_trail and t.is_logging and t.region = t.home_region
          and e ->> 'ReadWriteType' = 'All' and (e ->> 'IncludeManagementEvents')::bool""") == [("main",)]


def test_trail_validation_encryption_and_delivery(con):
    assert as_dict(con, """
        select name, case when log_file_validation_enabled and kms_key_id is not null then 'ok' else 'alarm' end
        from aws_cloudtrail_trail""") == {"main": "ok", "regional": "alarm"}
    # CloudWatch Logs delivery within the last day of the trail's own latest delivery
    assert rows(con, """
        select name from aws_cloudtrail_trail
        where log_group_arn is not null and latest_cloudwatch_logs_delivery_time > latest_delivery_time - interval '1 day'
        """) == [("main",)]
    assert rows(con, "select name, stop_logging_time from aws_cloudtrail_trail where not is_logging") == [
        ("regional", rows(con, "select timestamptz '2024-03-01 00:00:00+00'")[0][0])]
    # an error member AWS gave as "" is "" (Steampipe's Go string), one it left out NULL
    assert rows(con, """
        select name, latest_cloudwatch_logs_delivery_error, latest_delivery_error from aws_cloudtrail_trail
        order by name""") == [("main", None, None), ("regional", "", None)]


def test_access_keys_never_used(con):
    # GetAccessKeyLastUsed gives no date and "N/A" service and region for a key never used, and Steampipe shows them
    # so; here the credential report's slot of the key (rotated in the second the key was created) says the same
    assert rows(con, """
        select access_key_id, access_key_last_used_date is null, access_key_last_used_service,
          access_key_last_used_region
        from aws_iam_access_key order by 1""") == [
        ("AKIAALICE00000000001", True, "N/A", "N/A"),
        ("AKIABOB0000000000001", False, "s3", "eu-west-1"),
        ("AKIABOB0000000000002", True, "N/A", "N/A")]


# ---- one resource's CLI outputs ----------------------------------------------------------------------------------

ONE_BOUNDARY = {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": BOUNDARY}
TRUST_EC2 = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
ONE_RESOURCE_OUTPUTS = {
    # `aws iam get-user` / `get-role` as AWS CLI v2 prints them: times with +00:00, the trust policy decoded
    "get-user.json": {"User": {"Path": "/", "UserName": "deployer", "UserId": "AIDAEXAMPLEDEPLOYER1",
                               "Arn": _arn("user", "deployer"), "CreateDate": "2021-05-06T07:08:09+00:00",
                               "PasswordLastUsed": "2024-02-03T04:05:06+00:00", "PermissionsBoundary": ONE_BOUNDARY,
                               "Tags": [{"Key": "team", "Value": "ci"}]}},
    "get-role.json": {"Role": {"Path": "/", "RoleName": "app", "RoleId": "AROAEXAMPLEAPP000001",
                               "Arn": _arn("role", "app"), "CreateDate": "2022-01-02T03:04:05+00:00",
                               "AssumeRolePolicyDocument": TRUST_EC2, "MaxSessionDuration": 3600,
                               "PermissionsBoundary": ONE_BOUNDARY, "Tags": [{"Key": "team", "Value": "app"}],
                               "RoleLastUsed": {"LastUsedDate": "2024-03-04T05:06:07+00:00", "Region": "eu-west-1"}}},
    # the IAM API's own answer (boto3, collect): the trust policy URL-encoded, a role never used
    "get-role-idle.json": {"Role": {"Path": "/", "RoleName": "idle", "RoleId": "AROAEXAMPLEIDLE00001",
                                    "Arn": _arn("role", "idle"), "CreateDate": "2022-01-02T03:04:05Z",
                                    "AssumeRolePolicyDocument": "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement"
                                                                "%22%3A%5B%5D%7D",
                                    "MaxSessionDuration": 3600, "RoleLastUsed": {}}},
}


def test_one_resource_outputs_fill_what_steampipe_reads_from_the_same_call(tmp_path):
    """get-user and get-role are the calls Steampipe hydrates these columns with: the same values, times with their
    zone, the trust policy as the API's URL-encoded text (also when the AWS CLI decoded it), and NULL for a role
    never used and without a boundary."""
    for name, document in ONE_RESOURCE_OUTPUTS.items():
        (tmp_path / name).write_text(json.dumps(document, indent=4))
    fresh = db.connect(tmp_path / "one.duckdb")
    try:
        load_paths(fresh, [str(tmp_path / name) for name in ONE_RESOURCE_OUTPUTS])
        assert rows(fresh, "select create_date::text, password_last_used::text, permissions_boundary_arn, "
                           "permissions_boundary_type, tags ->> 'team', title from aws_iam_user") == [
            ("2021-05-06 07:08:09+00", "2024-02-03 04:05:06+00", BOUNDARY, "PermissionsBoundaryPolicy", "ci",
             "deployer")]
        roles = {r[0]: r[1:] for r in rows(
            fresh, "select name, create_date::text, role_last_used_date::text, role_last_used_region, "
                   "permissions_boundary_arn, assume_role_policy_document, "
                   "assume_role_policy_std -> 'Statement' -> 0 -> 'Action' ->> 0 from aws_iam_role")}
        encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C" \
                  "%22Principal%22%3A%7B%22Service%22%3A%22ec2.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D"
        assert roles["app"] == ("2022-01-02 03:04:05+00", "2024-03-04 05:06:07+00", "eu-west-1", BOUNDARY, encoded,
                                "sts:assumerole")
        assert roles["idle"] == ("2022-01-02 03:04:05+00", None, None, None,
                                 ONE_RESOURCE_OUTPUTS["get-role-idle.json"]["Role"]["AssumeRolePolicyDocument"], None)
    finally:
        fresh.close()


def test_users_from_a_credential_report_alone_have_the_path_their_arn_names(tmp_path):
    """Without a user listing the users come from the report; an IAM user's ARN is user/<path>/<name>, so its path
    is known as ListUsers would give it."""
    lines = REPORT_CSV.splitlines()
    nested = lines[2].replace(_arn("user", "alice"), f"arn:aws:iam::{ACCOUNT}:user/ops/ci/alice")
    (tmp_path / "report.csv").write_text("\n".join([lines[0], lines[1], nested, lines[3]]) + "\n")
    fresh = db.connect(tmp_path / "report.duckdb")
    try:
        load_paths(fresh, [tmp_path / "report.csv"])
        assert rows(fresh, "select name, path from aws_iam_user order by name") == [("alice", "/ops/ci/"), ("bob", "/")]
    finally:
        fresh.close()


def test_an_assigned_virtual_mfa_device_says_its_user_has_mfa(public_data, tmp_path):
    """cloud-custodian's recorded ListVirtualMFADevices assigns devices to the root user and to two IAM users; with
    list-users and neither list-mfa-devices nor a credential report, those two users have MFA (ListMFADevices, which
    Steampipe's mfa_enabled reads, lists the device) and a user without one is not known (a hardware device or passkey
    is not in that listing)."""
    account = "644160558196"
    listing = {"Users": [{"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper().replace('_', '')}",
                          "Arn": f"arn:aws:iam::{account}:user/{name}", "CreateDate": "2020-01-01T00:00:00Z"}
                         for name in ("fake_not_root_user", "test", "no_virtual_device")]}
    (tmp_path / "list-users.json").write_text(json.dumps(listing))
    fresh = db.connect(tmp_path / "mfa.duckdb")
    try:
        load_paths(fresh, [tmp_path / "list-users.json", public_data / "cloud_custodian_placebo" / "api_response_json"
                           / "test_account_virtual_mfa" / "iam.ListVirtualMFADevices_1.json"])
        assert rows(fresh, "select name, mfa_enabled from aws_iam_user order by name") == [
            ("fake_not_root_user", True), ("no_virtual_device", None), ("test", True)]
    finally:
        fresh.close()


def test_roles_listed_without_their_instance_profiles_take_them_from_the_whole_profile_listing(tmp_path):
    """list-roles does not say which instance profiles hold a role; Steampipe asks ListInstanceProfilesForRole. A
    whole list-instance-profiles output says the same: the profiles holding the role, NULL for none (a Go nil
    slice). Cut by IsTruncated it says nothing about the other profiles, so the column stays not known."""
    def role(name: str) -> dict:
        return {"Path": "/", "RoleName": name, "RoleId": f"AROA{name.upper()}", "Arn": _arn("role", name),
                "CreateDate": "2022-01-02T03:04:05Z", "AssumeRolePolicyDocument": TRUST_EC2, "MaxSessionDuration": 3600}
    profiles = {"InstanceProfiles": [
        {"Path": "/", "InstanceProfileName": name, "InstanceProfileId": f"AIPA{name.upper()}",
         "Arn": _arn("instance-profile", name), "CreateDate": "2022-01-02T03:04:05Z", "Roles": [role(holds)]}
        for name, holds in (("app-a", "app"), ("app-b", "app"))]}
    (tmp_path / "list-roles.json").write_text(json.dumps({"Roles": [role("app"), role("idle")]}))
    for name, listing in (("whole", profiles), ("cut", {**profiles, "IsTruncated": True, "Marker": "m"})):
        (tmp_path / "list-instance-profiles.json").write_text(json.dumps(listing))
        fresh = db.connect(tmp_path / f"{name}.duckdb")
        try:
            load_paths(fresh, [tmp_path / "list-roles.json", tmp_path / "list-instance-profiles.json"])
            found = rows(fresh, "select name, instance_profile_arns from aws_iam_role order by name")
        finally:
            fresh.close()
        if name == "whole":
            assert found == [("app", json.dumps([_arn("instance-profile", "app-a"), _arn("instance-profile", "app-b")])),
                             ("idle", None)]
        else:
            assert found == [("app", None), ("idle", None)]


# ---- the library entry point ----------------------------------------------------------------------------------


def test_run_query_creates_the_helper_views_it_names(tmp_path):
    # iamsql.sql.query.run_query on a new connection, which has not created the helper views (aws_account is one)
    (tmp_path / "get-account-summary.json").write_text(json.dumps(OUTPUTS["get-account-summary.json"]))
    fresh = db.connect(tmp_path / "fresh.duckdb")
    try:
        load_paths(fresh, [str(tmp_path / "get-account-summary.json")], account_id=ACCOUNT,
                   as_of="2024-06-01T00:00:00Z")
        fresh.execute("set variable iamsql_as_of = '2020-01-01 00:00:00+00'::timestamptz")  # the caller's time
        assert query.run_query(fresh, "select account_id from aws_account")[1] == [(ACCOUNT,)]
        assert str(fresh.execute("select getvariable('iamsql_as_of')").fetchone()[0]).startswith("2020-01-01")
    finally:
        fresh.close()


def test_run_query_without_data_names_the_missing_view_once():
    bare = duckdb.connect()
    with pytest.raises(QueryError) as failure:
        query.run_query(bare, "select account_id from aws_account")
    assert "did you mean" not in str(failure.value)
    assert str(failure.value).startswith("unknown table aws_account: iamsql creates it")
