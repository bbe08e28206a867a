"""Grants ``cloudtrail_event_admin_policy_granted`` judges beyond attaching or putting a policy: an existing user
added to a group (AddUserToGroup), an older policy version made the default (SetDefaultPolicyVersion), and IAM
Identity Center provisioning a permission set into its own account, which is AWS's work, not a finding.

Events are shaped as the IAM API reference and CloudTrail's userIdentity element document them: AddUserToGroup
requests carry groupName and userName; SetDefaultPolicyVersion policyArn and versionId; CreatePolicyVersion's
response names the new version (policyVersion.versionId); a call a service makes for the caller carries
userIdentity.invokedBy. Account 111122223333 holds a small IAM snapshot, 555566667777 only events.
"""

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

AS_OF = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
ACC = "111122223333"
BARE = "555566667777"
CONTROL = "cloudtrail_event_admin_policy_granted"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READER = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def at(minutes: float) -> datetime:
    return AS_OF - timedelta(days=2) + timedelta(minutes=minutes)


def arn(kind: str, name: str, account: str = ACC) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"


def doc(actions) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}


def managed(policy_arn: str, document: dict, version: str = "v1") -> dict:
    return {
        "PolicyName": policy_arn.rsplit("/", 1)[-1], "PolicyId": "ANPA" + policy_arn.rsplit("/", 1)[-1].upper()[:10],
        "Arn": policy_arn, "Path": "/", "DefaultVersionId": version, "AttachmentCount": 1, "IsAttachable": True,
        "CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2024-01-01T00:00:00Z",
        "PolicyVersionList": [
            {"Document": document, "VersionId": version, "IsDefaultVersion": True, "CreateDate": "2024-01-01T00:00:00Z"}
        ],
    }


def group(name: str, attached=()) -> dict:
    return {
        "GroupName": name, "GroupId": f"AGPA{name.upper()}", "Arn": arn("group", name), "Path": "/",
        "CreateDate": "2024-01-01T00:00:00Z", "GroupPolicyList": [],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached],
    }


def user(name: str) -> dict:
    return {
        "UserName": name, "UserId": f"AIDA{name.upper()}", "Arn": arn("user", name), "Path": "/",
        "CreateDate": "2024-01-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": [], "UserPolicyList": [],
    }


def gaad() -> dict:
    return {
        "UserDetailList": [user("bob"), user("carol")],
        "GroupDetailList": [group("admins", [ADMIN]), group("readers", [READER])],
        "RoleDetailList": [],
        "Policies": [
            managed(ADMIN, doc("*")),
            managed(READER, doc(["s3:Get*", "s3:List*"])),
            # the snapshot's default is v4, an IAM-wide version some call made the default again
            managed(arn("policy", "rollback"), doc("iam:*"), version="v4"),
        ],
    }


def iam_call(name: str, minutes: float, request: dict, *, account: str = ACC, response: dict | None = None, **who):
    who = who or {"user": "alice"}
    return event(account, at(minutes), name, request=request, response=response, **who)


def new_version(policy: str, document: dict, version: str, minutes: float) -> dict:
    return iam_call(
        "CreatePolicyVersion", minutes,
        {"policyArn": arn("policy", policy), "policyDocument": json.dumps(document), "setAsDefault": False},
        response={"policyVersion": {"versionId": version, "isDefaultVersion": False,
                                    "createDate": "Feb 27, 2025 12:00:00 PM"}},
    )


def set_default(policy: str, version: str, minutes: float, account: str = ACC) -> dict:
    return iam_call("SetDefaultPolicyVersion", minutes, {"policyArn": arn("policy", policy, account), "versionId": version},
                    account=account)


def add_to_group(user_name: str, group_name: str, minutes: float, account: str = ACC) -> dict:
    return iam_call("AddUserToGroup", minutes, {"groupName": group_name, "userName": user_name}, account=account)


SSO_ROLE = "AWSReservedSSO_AdministratorAccess_0a1b2c3d4e5f6789"
EVENTS = [
    # existing users added to groups the snapshot holds: an administrator group, and a reader group (near miss)
    add_to_group("bob", "admins", 1),
    add_to_group("carol", "readers", 2),
    # a group armed earlier in the trail (not in the snapshot), then a user added to it
    iam_call("AttachGroupPolicy", 3, {"groupName": "ops-team", "policyArn": ADMIN}),
    add_to_group("dave", "ops-team", 4),
    # added before the group was armed (near miss: its power at that time is unknown), and to an unknown group
    add_to_group("erin", "late-team", 5),
    iam_call("AttachGroupPolicy", 6, {"groupName": "late-team", "policyArn": ADMIN}),
    add_to_group("frank", "mystery", 7),
    # an earlier, powerful version made the default, from the trail; a harmless one (near miss); the snapshot's
    # default version; a version nothing shows
    new_version("deploy", doc("*"), "v2", 10),
    set_default("deploy", "v2", 11),
    new_version("tidy", doc(["s3:ListBucket"]), "v3", 12),
    set_default("tidy", "v3", 13),
    set_default("rollback", "v4", 14),
    set_default("rollback", "v2", 15),
    set_default("ghost", "v5", 16),
    # Identity Center provisioning a permission set into its own account: made by sso.amazonaws.com for root
    iam_call("AttachRolePolicy", 20, {"roleName": SSO_ROLE, "policyArn": ADMIN}, root=True, invoked_by="sso.amazonaws.com"),
    # near misses: the same by hand, and sso.amazonaws.com's name on a role that is not a permission set's
    iam_call("AttachRolePolicy", 21, {"roleName": "AWSReservedSSO_Handmade_0000000000000000", "policyArn": ADMIN},
             root=True),
    iam_call("AttachRolePolicy", 22, {"roleName": "break-glass", "policyArn": ADMIN}, root=True,
             invoked_by="sso.amazonaws.com"),
]
BARE_EVENTS = [add_to_group("gina", "admins", 1, account=BARE)]


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("grants")
    con = db.connect(tmp_path / "iamsql.duckdb")
    path = tmp_path / "get-account-authorization-details.json"
    path.write_text(json.dumps(gaad()))
    load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": EVENTS}, BARE: {"aws_cloudtrail_trail_event": BARE_EVENTS}},
                  AS_OF)
    result = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
    con.close()
    assert [r for r in result if r["status"] == "error"] == []
    return {r["resource"]: r for r in result}


def check(rows, resource, status, *words):
    row = rows.get(resource)
    assert row is not None, (resource, sorted(rows))
    assert row["status"] == status, row["reason"]
    for word in words:
        assert word in row["reason"], (word, row["reason"])


def test_existing_user_added_to_an_administrator_group_of_the_snapshot_alarms(rows):
    check(rows, arn("user", "bob"), "alarm", "AddUserToGroup", "group admins", "loaded IAM data",
          "full administrator")
    check(rows, arn("user", "carol"), "info", "group readers", "grants no administrator power")


def test_group_armed_earlier_in_the_trail_makes_the_membership_alarm(rows):
    check(rows, arn("user", "dave"), "alarm", "group ops-team", "earlier event", "AttachGroupPolicy",
          "AdministratorAccess")
    # armed only after the user joined, or never: the group's power is unknown, so skip, never ok
    check(rows, arn("user", "erin"), "skip", "group late-team", "not known")
    check(rows, arn("user", "frank"), "skip", "group mystery", "not known")


def test_account_with_only_an_unknown_group_membership_is_skip_not_ok(rows):
    check(rows, arn("user", "gina", BARE), "skip", "group admins", "not known")
    assert f"arn:aws:::{BARE}" not in rows


def test_set_default_policy_version_judges_the_version_made_default(rows):
    check(rows, arn("policy", "deploy"), "alarm", "SetDefaultPolicyVersion", "version v2 of deploy",
          "full administrator")
    check(rows, arn("policy", "tidy"), "info", "version v3 of tidy", "grants no administrator power")
    # the snapshot's default (v4) is IAM-wide; a version the snapshot does not hold as default is unknown
    check(rows, arn("policy", "rollback"), "alarm", "version v4 of rollback", "IAM administrator")
    check(rows, arn("policy", "ghost"), "skip", "version v5 of ghost", "not known")


def test_unknown_version_made_default_is_a_skip_even_beside_a_judged_one(tmp_path):
    con = db.connect(tmp_path / "iamsql.duckdb")
    load_accounts(con, {BARE: {"aws_cloudtrail_trail_event": [set_default("ghost", "v5", 1, account=BARE)]}}, AS_OF)
    result = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
    con.close()
    assert [(r["resource"], r["status"]) for r in result] == [(arn("policy", "ghost", BARE), "skip")]


def test_identity_center_provisioning_is_not_a_finding_but_the_same_by_hand_is(rows):
    assert arn("role", SSO_ROLE) not in rows
    check(rows, arn("role", "AWSReservedSSO_Handmade_0000000000000000"), "alarm", "AdministratorAccess")
    check(rows, arn("role", "break-glass"), "alarm", "AdministratorAccess")


NEW_PRINCIPAL = "cloudtrail_event_new_principal_granted_power"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithSAML",
                    "Principal": {"Federated": arn("saml-provider", "AWSSSO_0a1b2c3d_DO_NOT_DELETE")}}]})


def created_and_armed(minutes: float, **who) -> list[dict]:
    """New users given a group and a key, and a permission set's role created and given AdministratorAccess."""
    return [
        iam_call("CreateUser", minutes, {"userName": "hire"}, response={"user": {"arn": arn("user", "hire")}}),
        add_to_group("hire", "admins", minutes + 1),
        iam_call("CreateAccessKey", minutes + 2, {"userName": "hire"}),
        iam_call("CreateUser", minutes, {"userName": "intern"}, response={"user": {"arn": arn("user", "intern")}}),
        add_to_group("intern", "readers", minutes + 1),
        iam_call("CreateAccessKey", minutes + 2, {"userName": "intern"}),
        iam_call("CreateRole", minutes, {"roleName": SSO_ROLE, "path": "/aws-reserved/sso.amazonaws.com/",
                                         "assumeRolePolicyDocument": TRUST}, **who),
        iam_call("AttachRolePolicy", minutes + 1, {"roleName": SSO_ROLE, "policyArn": ADMIN}, **who),
    ]


@pytest.mark.parametrize("by_hand", [False, True])
def test_new_principal_judges_groups_and_leaves_identity_center_provisioning_out(tmp_path, by_hand):
    who = {"root": True} if by_hand else {"root": True, "invoked_by": "sso.amazonaws.com"}
    con = db.connect(tmp_path / "iamsql.duckdb")
    path = tmp_path / "get-account-authorization-details.json"
    path.write_text(json.dumps(gaad()))
    load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": created_and_armed(1, **who)}}, AS_OF)
    result = controls.results(con, controls.run_checks(con, controls=[NEW_PRINCIPAL]))
    con.close()
    found = {r["resource"]: r for r in result}
    check(found, arn("user", "hire"), "alarm", "group admins: full administrator")
    check(found, arn("user", "intern"), "info", "group readers: judged harmless")
    sso_role = f"arn:aws:iam::{ACC}:role/aws-reserved/sso.amazonaws.com/{SSO_ROLE}"
    if by_hand:
        check(found, sso_role, "alarm", "AdministratorAccess")
    else:
        assert sso_role not in found


def grant_rows(tmp_path, events: list[dict], *, snapshot: bool = False) -> dict:
    con = db.connect(tmp_path / "iamsql.duckdb")
    if snapshot:
        path = tmp_path / "get-account-authorization-details.json"
        path.write_text(json.dumps(gaad()))
        load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": events}}, AS_OF)
    result = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
    con.close()
    return {r["resource"]: r for r in result}


def test_a_group_disarmed_before_the_user_joined_does_not_arm_the_membership(tmp_path):
    inline = json.dumps(doc("*"))
    found = grant_rows(tmp_path, [
        # attached, then detached before hal joins
        iam_call("AttachGroupPolicy", 1, {"groupName": "ops", "policyArn": ADMIN}),
        iam_call("DetachGroupPolicy", 2, {"groupName": "ops", "policyArn": ADMIN}),
        add_to_group("hal", "ops", 3),
        # an inline "*" policy deleted, and one replaced under the same name by a harmless document
        iam_call("PutGroupPolicy", 1, {"groupName": "inl", "policyName": "all", "policyDocument": inline}),
        iam_call("DeleteGroupPolicy", 2, {"groupName": "inl", "policyName": "all"}),
        add_to_group("ivy", "inl", 3),
        iam_call("PutGroupPolicy", 1, {"groupName": "swap", "policyName": "all", "policyDocument": inline}),
        iam_call("PutGroupPolicy", 2, {"groupName": "swap", "policyName": "all",
                                       "policyDocument": json.dumps(doc("s3:ListBucket"))}),
        add_to_group("jay", "swap", 3),
        # the group deleted (and made again under its name) before kim joins
        iam_call("AttachGroupPolicy", 1, {"groupName": "gone", "policyArn": ADMIN}),
        iam_call("DeleteGroup", 2, {"groupName": "gone"}),
        add_to_group("kim", "gone", 3),
        # near misses: another policy detached, and the detach after the user joined
        iam_call("AttachGroupPolicy", 1, {"groupName": "keep", "policyArn": ADMIN}),
        iam_call("DetachGroupPolicy", 2, {"groupName": "keep", "policyArn": READER}),
        add_to_group("lee", "keep", 3),
        iam_call("AttachGroupPolicy", 1, {"groupName": "late", "policyArn": ADMIN}),
        add_to_group("max", "late", 2),
        iam_call("DetachGroupPolicy", 3, {"groupName": "late", "policyArn": ADMIN}),
    ])
    for name, group_name in (("hal", "ops"), ("ivy", "inl"), ("jay", "swap"), ("kim", "gone")):
        check(found, arn("user", name), "skip", f"group {group_name}", "not known")
    check(found, arn("user", "lee"), "alarm", "group keep", "earlier event", "AdministratorAccess")
    check(found, arn("user", "max"), "alarm", "group late", "earlier event", "AdministratorAccess")


def test_a_membership_follows_the_trail_over_a_snapshot_taken_after_the_group_was_disarmed(tmp_path):
    # the snapshot's readers group is harmless; the trail shows it held AdministratorAccess while mia joined it
    found = grant_rows(tmp_path, [
        iam_call("AttachGroupPolicy", 1, {"groupName": "readers", "policyArn": ADMIN}),
        add_to_group("mia", "readers", 2),
        iam_call("DetachGroupPolicy", 3, {"groupName": "readers", "policyArn": ADMIN}),
        iam_call("RemoveUserFromGroup", 4, {"groupName": "readers", "userName": "mia"}),
        # near miss: joined after the detach, judged by the snapshot
        add_to_group("ned", "readers", 5),
    ], snapshot=True)
    check(found, arn("user", "mia"), "alarm", "group readers", "earlier event", "AttachGroupPolicy",
          "removed from the group at 2025-02-27 12:04:00 UTC")
    check(found, arn("user", "ned"), "info", "group readers", "grants no administrator power")


def test_a_non_default_version_of_the_snapshot_made_default_is_judged_from_its_document(tmp_path):
    # get-account-authorization-details lists every version; the API gives documents URL-encoded
    layered = managed(arn("policy", "layered"), doc(["s3:ListBucket"]), version="v3")
    layered["PolicyVersionList"] += [
        {"Document": quote(json.dumps(doc("*"))), "VersionId": "v1", "IsDefaultVersion": False,
         "CreateDate": "2023-01-01T00:00:00Z"},
        {"Document": doc(["s3:GetObject"]), "VersionId": "v2", "IsDefaultVersion": False,
         "CreateDate": "2023-06-01T00:00:00Z"},
    ]
    calm = managed(arn("policy", "calm"), doc(["iam:*"]), version="v2")
    calm["PolicyVersionList"].append({"Document": doc(["s3:ListBucket"]), "VersionId": "v1",
                                      "IsDefaultVersion": False, "CreateDate": "2023-01-01T00:00:00Z"})
    con = db.connect(tmp_path / "iamsql.duckdb")
    path = tmp_path / "get-account-authorization-details.json"
    path.write_text(json.dumps({**gaad(), "Policies": [layered, calm]}))
    load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": [set_default("layered", "v1", 1), set_default("calm", "v1", 2)]}},
                  AS_OF)
    stored = con.execute("select policy ->> '$.Statement[0].Action[0]', policy_versions from aws_iam_policy "
                         "where name = 'layered'").fetchone()
    result = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
    con.close()
    # policy stays the default version's document, as Steampipe's; policy_versions keeps them all, decoded
    assert stored[0] == "s3:ListBucket"
    assert [(v["version_id"], v["is_default_version"], v["document"]["Statement"][0]["Action"])
            for v in json.loads(stored[1])] == [("v3", True, ["s3:ListBucket"]), ("v1", False, "*"),
                                                ("v2", False, ["s3:GetObject"])]
    found = {r["resource"]: r for r in result}
    check(found, arn("policy", "layered"), "alarm", "version v1 of layered", "full administrator")
    check(found, arn("policy", "calm"), "info", "version v1 of calm", "grants no administrator power")
