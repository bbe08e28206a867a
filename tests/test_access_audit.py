"""The access questions against what AWS allows, on accounts written as get-account-authorization-details output
and loaded through the real loader into a DuckDB file: each case is a principal whose verdict once differed from
IAM's, next to a twin that must keep the other verdict.

Account 111122223333, exported 2024-06-01."""

import json

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.policy.access.build import compute
from iamsql.store import db

ACCOUNT = "111122223333"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ESCALATION = "iam_principal_privilege_escalation"
LAMBDA_PATH = "escalation:PassExistingRoleToNewLambdaThenInvoke"
EC2_PATH = "escalation:CreateEC2WithExistingIP"


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def attached(arns) -> list[dict]:
    return [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in arns]


def user(name: str, *statements, policies=(), groups=(), boundary=None, tags=None) -> dict:
    bound = {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}}
    tagged = [{"Key": k, "Value": v} for k, v in (tags or {}).items()]
    return {**(bound if boundary else {}),
        "Path": "/", "UserName": name, "UserId": "AIDA" + name.upper().replace("-", "")[:17].ljust(17, "0"), "Arn": arn("user", name),
        "CreateDate": "2024-01-01T00:00:00Z", "GroupList": list(groups), "AttachedManagedPolicies": attached(policies),
        "UserPolicyList": [{"PolicyName": f"{name}-inline", "PolicyDocument": doc(*statements)}] if statements else [],
        "Tags": tagged,
    }


def role(name: str, trusted: str, *statements, policies=()) -> dict:
    kind = "Service" if trusted.endswith(".amazonaws.com") else "AWS"
    trust = doc({"Effect": "Allow", "Principal": {kind: trusted}, "Action": "sts:AssumeRole"})
    return {
        "Path": "/", "RoleName": name, "RoleId": "AROA" + name.upper().replace("-", "")[:17].ljust(17, "0"), "Arn": arn("role", name),
        "CreateDate": "2024-01-01T00:00:00Z", "AssumeRolePolicyDocument": trust,
        # EC2 takes an instance profile, not a role: an EC2 role is in one of its name
        "InstanceProfileList": [{"Path": "/", "InstanceProfileName": name, "Arn": arn("instance-profile", name),
                                 "InstanceProfileId": "AIPA" + name.upper().replace("-", "")[:17].ljust(17, "0"),
                                 "CreateDate": "2024-01-01T00:00:00Z", "Roles": []}] if trusted == "ec2.amazonaws.com" else [],
        "RolePolicyList": [{"PolicyName": f"{name}-inline", "PolicyDocument": doc(*statements)}] if statements else [],
        "AttachedManagedPolicies": attached(policies), "Tags": [], "RoleLastUsed": {},
    }


def aws_policy(name: str, *statements) -> dict:
    return {
        "PolicyName": name, "PolicyId": "ANPA" + name.upper()[:17].ljust(17, "0"), "Arn": f"arn:aws:iam::aws:policy/{name}",
        "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 2, "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True, "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z",
        "PolicyVersionList": [{"Document": doc(*statements), "VersionId": "v1", "IsDefaultVersion": True,
                               "CreateDate": "2015-02-06T18:39:46Z"}],
    }


def customer_policy(policy_arn: str) -> dict:
    name = policy_arn.rsplit("/", 1)[-1]
    return {**aws_policy(name, allow("s3:ListAllMyBuckets")), "Arn": policy_arn, "AttachmentCount": 1}


CREATE_AND_INVOKE = allow(["lambda:CreateFunction", "lambda:InvokeFunction"])
ONLY_TO = {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}

USERS = [
    # iam:PassRole limited to EC2 by iam:PassedToService: passing a role to Lambda is denied, to EC2 allowed
    user("pass-to-ec2", CREATE_AND_INVOKE, allow("iam:PassRole", Condition=ONLY_TO)),
    user("pass-to-ec2-runs", allow("ec2:RunInstances"), allow("iam:PassRole", Condition=ONLY_TO)),
    # iam:PassRole on one role: the administrator role Lambda may assume, or a harmless one
    user("pass-admin", CREATE_AND_INVOKE, allow("iam:PassRole", arn("role", "admin-lambda"))),
    user("pass-harmless", CREATE_AND_INVOKE, allow("iam:PassRole", arn("role", "harmless"))),
    # a role Lambda may assume that may attach any policy to itself: code running as it can make it an administrator
    user("pass-self-attacher", CREATE_AND_INVOKE, allow("iam:PassRole", arn("role", "lambda-self-attacher"))),
    # the administrator role only EC2 may assume cannot be handed to Lambda
    user("pass-admin-ec2", CREATE_AND_INVOKE, allow("iam:PassRole", arn("role", "admin-ec2"))),
]
# documents that are not loaded: a boundary known only by its ARN, a group not in the export, a managed policy
# known only by its ARN
UNLOADED = arn("policy", "not-exported")
USERS += [
    user("boundary-unknown", allow("*"), boundary=arn("policy", "boundary-not-exported")),
    user("group-unknown", groups=["not-exported"]),
    user("policy-unknown", policies=[UNLOADED]),
    user("fully-known", allow("sts:AssumeRole")),
    # a member of a group that has no policies at all (loaded, empty): nothing is unknown about it
    user("empty-group-member", allow("s3:GetObject"), groups=["no-policies"]),
]
# rights scoped to the principal's own group or own customer-managed policy, next to the same rights on others
MINE, THEIRS = arn("policy", "mine"), arn("policy", "theirs")
USERS += [
    user("version-own", allow("iam:CreatePolicyVersion", MINE), policies=[MINE]),
    user("version-other", allow("iam:CreatePolicyVersion", THEIRS), policies=[MINE]),
    user("put-own-group", allow("iam:PutGroupPolicy", arn("group", "no-policies")), groups=["no-policies"]),
    user("put-other-group", allow("iam:PutGroupPolicy", arn("group", "elsewhere")), groups=["no-policies"]),
]
# a role that may attach policies to itself, and a user that may assume it (its trust defers to the account)
USERS += [
    user("hopper", allow("sts:AssumeRole", arn("role", "self-attacher"))),
    user("hopper-elsewhere", allow("sts:AssumeRole", arn("role", "harmless-for-account"))),
]
# iam:AddUserToGroup on one group: an administrators' group (with no member yet), or a group without policies
USERS += [
    user("joiner", allow("iam:AddUserToGroup", arn("group", "administrators"))),
    user("joiner-elsewhere", allow("iam:AddUserToGroup", arn("group", "no-policies"))),
]
GROUPS = [{"Path": "/", "GroupName": "no-policies", "GroupId": "AGPANOPOLICIES0000000", "Arn": arn("group", "no-policies"),
           "CreateDate": "2024-01-01T00:00:00Z", "GroupPolicyList": [], "AttachedManagedPolicies": []},
          {"Path": "/", "GroupName": "administrators", "GroupId": "AGPAADMINISTRATORS000",
           "Arn": arn("group", "administrators"), "CreateDate": "2024-01-01T00:00:00Z", "GroupPolicyList": [],
           "AttachedManagedPolicies": attached([ADMIN])}]
# a trust that names the account and admits only callers tagged team=ops (attribute-based access)
USERS += [
    user("tagged-ops", allow("sts:AssumeRole", arn("role", "admin-for-ops")), tags={"team": "ops"}),
    user("tagged-dev", allow("sts:AssumeRole", arn("role", "admin-for-ops")), tags={"team": "dev"}),
]
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/release"
SESSION_USERID = "AROADEPLOYER000000000:release"  # deployer's RoleId (``role`` above), ":", the session name
ROLES = [
    # a trust naming one session of the role deployer (an assumed-role ARN): that session may assume it
    role("admin-for-session", SESSION, policies=[ADMIN]),
    {**role("admin-for-ops", f"arn:aws:iam::{ACCOUNT}:root", policies=[ADMIN]), "AssumeRolePolicyDocument": doc({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "ops"}}})},
    role("self-attacher", f"arn:aws:iam::{ACCOUNT}:root", allow("iam:AttachRolePolicy", arn("role", "self-attacher"))),
    role("harmless-for-account", f"arn:aws:iam::{ACCOUNT}:root", allow("s3:GetObject")),
    role("deployer", "ec2.amazonaws.com", allow("sts:AssumeRole", arn("role", "admin-for-session"))),
    role("bystander", "ec2.amazonaws.com", allow("sts:AssumeRole", arn("role", "admin-for-session"))),
    # names only the user "someone": no other principal of the account may assume it, whatever its policies
    role("admin-for-someone", arn("user", "someone"), policies=[ADMIN]),
    role("admin-lambda", "lambda.amazonaws.com", policies=[ADMIN]),
    role("admin-ec2", "ec2.amazonaws.com", policies=[ADMIN]),
    role("harmless", "lambda.amazonaws.com", allow("logs:PutLogEvents")),
    role("lambda-self-attacher", "lambda.amazonaws.com", allow("iam:AttachRolePolicy", arn("role", "lambda-self-attacher"))),
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("audit")
    export = folder / "gaad.json"
    export.write_text(json.dumps({
        "UserDetailList": USERS, "GroupDetailList": GROUPS, "RoleDetailList": ROLES,
        "Policies": [aws_policy("AdministratorAccess", allow("*")), customer_policy(MINE), customer_policy(THEIRS)],
    }))
    path = folder / "audit.duckdb"
    con = db.connect(path)
    load_paths(con, [export], as_of="2024-06-01T00:00:00Z")
    con.close()
    return path


@pytest.fixture(scope="module")
def answers(loaded):
    con = db.connect(loaded, read_only=True)
    rows = compute(con, controls.ACCESS_QUESTIONS, ["iam_principal_access"])["iam_principal_access"]
    con.close()
    return {(row[1].rsplit("/", 1)[-1], row[5]): row for row in rows}


@pytest.fixture(scope="module")
def escalation(loaded):
    con = db.connect(loaded)  # writable: the answers are kept in the file, as a check run does
    rows = controls.results(con, controls.run_checks(con, controls=[ESCALATION]))
    con.close()
    return {row["resource"].rsplit("/", 1)[-1]: row for row in rows}


def test_passed_to_service_is_the_service_of_the_path(answers, escalation):
    # IAM authorizes iam:PassRole with iam:PassedToService naming the service the role goes to: a grant limited
    # to EC2 does not let the user hand a role to a Lambda function
    assert ("pass-to-ec2", LAMBDA_PATH) not in answers
    assert escalation["pass-to-ec2"]["status"] == "ok", escalation["pass-to-ec2"]
    # on a path that passes the role to EC2 the condition holds: allowed outright, not only under conditions
    assert answers["pass-to-ec2-runs", EC2_PATH][7] == "Allowed"
    assert escalation["pass-to-ec2-runs"]["status"] == "alarm"
    # the question of passing any role names no service: the condition stays open
    assert answers["pass-to-ec2", "pass_any_role"][7] == "AllowedIf"


def test_passrole_on_one_administrator_role_opens_the_path(answers, escalation):
    # PassRole scoped to an administrator role's ARN still hands that role to a new function
    row = answers["pass-admin", LAMBDA_PATH]
    assert row[7] == "Allowed"
    assert row[11] == f"passing {arn('role', 'admin-lambda')}"
    assert escalation["pass-admin"]["status"] == "alarm"
    assert "admin-lambda" in escalation["pass-admin"]["reason"]
    # a harmless role gives nothing more, and an administrator role Lambda cannot assume cannot run a function
    assert escalation["pass-harmless"]["status"] == "ok", escalation["pass-harmless"]
    # a role with an escalation path of its own is as good as an administrator role to pass
    row = answers["pass-self-attacher", LAMBDA_PATH]
    assert row[7] == "Allowed" and row[11] == f"passing {arn('role', 'lambda-self-attacher')}"
    assert escalation["pass-admin-ec2"]["status"] == "ok", escalation["pass-admin-ec2"]


def test_kept_answers_give_the_same_verdicts(loaded, escalation):
    # a second check reads the answers kept in the file: the same rows, the per-role ones included
    con = db.connect(loaded)
    again = controls.results(con, controls.run_checks(con, controls=[ESCALATION]))
    con.close()
    assert {row["resource"].rsplit("/", 1)[-1]: row["status"] for row in again} == {
        name: row["status"] for name, row in escalation.items()
    }


def test_a_boundary_that_is_not_loaded_leaves_the_answer_unknown(answers, escalation):
    # a permissions boundary caps what the identity policies allow: one known only by its ARN may allow nothing,
    # so the answer is unknown (the control skips the user), not the identity policies' own
    for question in ("full_admin", "iam_admin", "escalation:AttachUserPolicy"):
        assert answers["boundary-unknown", question][7] == "Unknown", question
        assert "boundary-not-exported" in answers["boundary-unknown", question][10]
    assert escalation["boundary-unknown"]["status"] == "skip", escalation["boundary-unknown"]


def test_who_can_assume_a_role_whose_trust_names_someone_else(loaded):
    # a role's trust policy must admit the caller: documents that are not loaded cannot add that
    from iamsql.policy.access.who import who_can

    con = db.connect(loaded, read_only=True)
    found = {a.principal.rsplit("/", 1)[-1]: a.decision for a in who_can(con, "sts:AssumeRole", arn("role", "admin-for-someone"))}
    con.close()
    assert not {"group-unknown", "policy-unknown", "boundary-unknown", "fully-known"} & set(found), found
    # a role the trust does not name, with a document that is not loaded, is still unknown for another action
    con = db.connect(loaded, read_only=True)
    other = {a.principal.rsplit("/", 1)[-1]: a.decision for a in who_can(con, "s3:GetObject")}
    con.close()
    assert other["group-unknown"] == other["policy-unknown"] == "Unknown"


def test_a_trust_naming_a_role_session_admits_that_role(answers, loaded):
    # a session of the role deployer named "release" may assume the administrator role: deployer has a way to it,
    # only under that session name (the session's aws:userid ends in it), which whoever assumes deployer picks
    row = answers["deployer", "assume_admin_role"]
    assert row[7] == "AllowedIf" and row[11] == arn("role", "admin-for-session")
    assert ':release"' in str(row[9]) and "aws:userid" in str(row[9]), row[9]
    # another role, even one whose own policy names the administrator role, is not the session the trust names
    assert ("bystander", "assume_admin_role") not in answers
    from iamsql.policy.access.who import who_can

    con = db.connect(loaded, read_only=True)
    found = {a.principal: a for a in who_can(con, "sts:AssumeRole", arn("role", "admin-for-session"))}
    con.close()
    assert set(found) == {arn("role", "deployer")}, sorted(found)
    answer = found[arn("role", "deployer")]
    assert answer.decision == "AllowedIf" and [
        value for block in answer.conditions for value in block["StringEquals"]["aws:userid"]] == [
        SESSION_USERID], answer


def test_principal_tags_decide_conditions_on_them(answers, escalation, loaded):
    # the caller's tags are request context (aws:PrincipalTag/<key>): the trust admits team=ops outright and
    # refuses team=dev, instead of both "if the tag matches"
    assert answers["tagged-ops", "assume_admin_role"][7] == "Allowed"
    assert ("tagged-dev", "assume_admin_role") not in answers
    assert escalation["tagged-ops"]["status"] == "alarm"
    assert escalation["tagged-dev"]["status"] == "ok", escalation["tagged-dev"]
    from iamsql.policy.access.who import who_can

    con = db.connect(loaded, read_only=True)
    found = {a.principal.rsplit("/", 1)[-1]: a.decision for a in who_can(con, "sts:AssumeRole", arn("role", "admin-for-ops"))}
    con.close()
    assert found.get("tagged-ops") == "Allowed" and "tagged-dev" not in found, found


def test_a_group_without_policies_is_known_to_add_none(answers, escalation):
    # get-account-authorization-details lists the group with empty policy lists: its members are judged
    for question in ("full_admin", "iam_admin", "pass_any_role"):
        assert answers["empty-group-member", question][7] == "ImplicitlyDenied", question
        assert answers["empty-group-member", question][10] is None
    assert escalation["empty-group-member"]["status"] == "ok", escalation["empty-group-member"]


def test_rights_on_the_principals_own_group_or_policy_are_escalation(answers, escalation):
    # a new default version of a policy attached to the user rewrites the user's own permissions
    assert answers["version-own", "escalation:CreateNewPolicyVersion"][7] == "Allowed"
    assert escalation["version-own"]["status"] == "alarm"
    assert escalation["version-other"]["status"] == "ok", escalation["version-other"]
    # an inline policy put on a group the user belongs to (one without policies too) applies to the user
    assert answers["put-own-group", "escalation:PutGroupPolicy"][7] == "Allowed"
    assert escalation["put-own-group"]["status"] == "alarm"
    assert escalation["put-other-group"]["status"] == "ok", escalation["put-other-group"]


def test_assuming_a_role_that_can_escalate_is_escalation(answers, escalation):
    # the user becomes the role, which may attach any policy to itself: the user may end up with anything
    row = answers["hopper", "assume_escalating_role"]
    assert row[7] == "Allowed" and row[11] == arn("role", "self-attacher")
    assert escalation["hopper"]["status"] == "alarm"
    assert "self-attacher" in escalation["hopper"]["reason"]
    assert escalation["hopper-elsewhere"]["status"] == "ok", escalation["hopper-elsewhere"]


def test_joining_one_administrators_group_is_escalation(answers, escalation):
    # AddUserToGroup scoped to a group whose policies make its members administrators still escalates
    row = answers["joiner", "escalation:AddUserToGroup"]
    assert row[7] == "Allowed" and row[11] == f"joining {arn('group', 'administrators')}"
    assert escalation["joiner"]["status"] == "alarm"
    assert escalation["joiner-elsewhere"]["status"] == "ok", escalation["joiner-elsewhere"]


def test_who_can_lists_principals_of_another_loaded_account(tmp_path):
    # a role of this account trusts the account 444455556666, whose IAM data is loaded too: its user allowed
    # sts:AssumeRole on the role is named (trust and identity policy both allow it), the one without is not
    other = "444455556666"
    trusting = role("admin-for-partner", f"arn:aws:iam::{other}:root", policies=[ADMIN])
    partner_users = []
    for name, statements in (("partner-deployer", [allow("sts:AssumeRole", arn("role", "admin-for-partner"))]),
                             ("partner-reader", [allow("s3:GetObject")])):
        found = user(name, *statements)
        found["Arn"] = f"arn:aws:iam::{other}:user/{name}"
        partner_users.append(found)
    (tmp_path / "mine.json").write_text(json.dumps({
        "UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [trusting],
        "Policies": [aws_policy("AdministratorAccess", allow("*"))]}))
    (tmp_path / "partner.json").write_text(json.dumps({
        "UserDetailList": partner_users, "GroupDetailList": [], "RoleDetailList": [], "Policies": []}))
    con = db.connect(tmp_path / "two.duckdb")
    load_paths(con, [tmp_path / "mine.json", tmp_path / "partner.json"], as_of="2024-06-01T00:00:00Z")
    from iamsql.policy.access.who import who_can

    found = {a.principal: a for a in who_can(con, "sts:AssumeRole", arn("role", "admin-for-partner"))}
    con.close()
    deployer = f"arn:aws:iam::{other}:user/partner-deployer"
    assert found[deployer].decision == "Allowed" and found[deployer].account_id == other
    assert f"arn:aws:iam::{other}:user/partner-reader" not in found
    assert f"arn:aws:iam::{other}:root" in found  # the account as a whole stays listed
