"""iam_principal_privilege_escalation and nhi_admin_privileges on principals whose policies name particular users,
roles and policies, next to twins that must pass: what IAM lets the principal reach decides, not the action list.

- An access key or a console password for a particular user with administrator power is that power (IAM User
  Guide, "Managing access keys for IAM users", "Managing passwords for IAM users"); for a user without it, it is
  not, unless the same principal may also attach or put a policy on that user.
- Rewriting the trust policy of a particular role with administrator power lets the caller assume it: a trust
  policy that names an IAM user or role of the same account is enough for it (IAM User Guide, "Policy evaluation
  logic"). Rewriting the trust of a role without power gives nothing.
- Attaching or putting a policy on a particular role, and assuming that role (its trust policy admits the
  caller), is an escalation; either alone, or assuming a role whose trust does not admit the caller, is not.
- A policy that is not loaded may hold a Deny of a path the loaded ones open on such a principal, and an explicit
  Deny wins (IAM User Guide, "Policy evaluation logic"): the principal is skipped, naming that policy, as it is when
  nothing loaded opens one.
- Negative twins: a Deny that always applies to the caller (a condition on keys IAM sets for every IAM user), a
  Deny NotAction, a permissions boundary, iam:PassRole on a weak role or limited by iam:PassedToService to another
  service, a path split across a user's and its group's policies.

One account (123456789012, as of 2024-03-01)."""

import pytest

from tests.iam_rows import ACCOUNT, ADMIN, allow, arn, assume, check_rows, deny, group, managed, role, user

ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]
CONTROLS = ["iam_principal_privilege_escalation", "nhi_admin_privileges"]


ROLES = [
    role("ci", assume(ROOT), attached=[arn("policy", "ci-policy")]),  # weak, any principal allowed to may assume it
    role("admin-ec2", assume({"Service": "ec2.amazonaws.com"}), attached=[ADMIN]),
    role("admin-lambda", assume({"Service": "lambda.amazonaws.com"},
                                Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}}), attached=[ADMIN]),
    role("weak-lambda", assume({"Service": "lambda.amazonaws.com"}), statements=[allow("logs:*")]),
    role("closed", assume({"AWS": arn("role", "nobody")}), statements=[allow("s3:ListBucket")]),
]
USERS = [
    user("boss", attached=[ADMIN]),
    user("bob", allow("s3:GetObject")),
    # credentials for a particular user
    user("key-for-boss", allow("iam:CreateAccessKey", arn("user", "boss"))),
    user("password-for-boss", allow("iam:CreateLoginProfile", arn("user", "boss"))),
    user("reset-password-of-boss", allow("iam:UpdateLoginProfile", arn("user", "boss"))),
    user("key-for-bob", allow("iam:CreateAccessKey", arn("user", "bob"))),
    user("attach-to-bob", allow("iam:AttachUserPolicy", arn("user", "bob"))),
    user("attach-to-bob-then-key", allow(["iam:AttachUserPolicy", "iam:CreateAccessKey"], arn("user", "bob"))),
    # the loaded policies already take the path; a managed policy that is not loaded may deny it
    user("key-for-boss-unknown", allow("iam:CreateAccessKey", arn("user", "boss")), attached=[arn("policy", "not-loaded")]),
    user("pass-admin-unknown", allow("iam:PassRole", arn("role", "admin-lambda")), allow(LAMBDA),
         attached=[arn("policy", "not-loaded")]),
    user("unknown-only", attached=[arn("policy", "not-loaded")]),
    user("key-for-boss-denied", allow("iam:CreateAccessKey", arn("user", "boss")),
         deny("iam:CreateAccessKey", Condition={"StringEquals": {"aws:PrincipalType": "User"}})),
    # trust policies of particular roles
    user("trust-of-admin", allow("iam:UpdateAssumeRolePolicy", arn("role", "admin-ec2"))),
    user("trust-of-weak", allow("iam:UpdateAssumeRolePolicy", arn("role", "ci")), allow("sts:AssumeRole", arn("role", "ci"))),
    # a policy on a particular role, then assuming it
    user("put-then-assume", allow(["iam:PutRolePolicy", "sts:AssumeRole"], arn("role", "ci"))),
    user("attach-then-assume", allow(["iam:AttachRolePolicy", "sts:AssumeRole"], arn("role", "ci"))),
    user("put-then-assume-any", allow("iam:PutRolePolicy", arn("role", "ci")), allow("sts:AssumeRole")),
    user("self-managed-keys", allow("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")),
    user("put-only", allow("iam:PutRolePolicy", arn("role", "ci"))),
    user("put-then-assume-closed", allow(["iam:PutRolePolicy", "sts:AssumeRole"], arn("role", "closed"))),
    # iam:PassRole
    user("pass-weak", allow("iam:PassRole", arn("role", "weak-lambda")), allow(LAMBDA)),
    user("pass-admin", allow("iam:PassRole", arn("role", "admin-*")), allow(LAMBDA)),
    user("pass-admin-to-ec2-only", allow(LAMBDA), allow("iam:PassRole", Condition={
        "StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}})),
    user("pass-admin-missing-invoke", allow("iam:PassRole"), allow("lambda:CreateFunction")),
    user("pass-split", allow("iam:PassRole"), groups=["lambda-makers"]),
    # Deny statements that always apply to an IAM user, a boundary
    user("deny-always", allow("iam:AttachUserPolicy"), deny("*", Condition={"Bool": {"aws:PrincipalIsAWSService": "false"}})),
    user("deny-notaction", allow("*"), {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}),
    user("bounded", allow("*"), boundary=arn("policy", "s3-only")),
    user("tiny-deny-admin", {"Effect": "Allow", "NotAction": "iam:DeleteAccountPasswordPolicy", "Resource": "*"},
         deny("s3:DeleteBucket")),
    user("admin-by-group", groups=["admins"]),
    user("admin-by-group-inline", groups=["inline-admins"]),
]
GROUPS = [group("lambda-makers", allow(LAMBDA)), group("admins", attached=[ADMIN]), group("inline-admins", allow("*"))]
POLICIES = [managed("AdministratorAccess", allow("*"), aws=True), managed("ci-policy", allow("s3:ListBucket")),
            managed("s3-only", allow("s3:*"))]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return check_rows(tmp_path_factory.mktemp("privesc-targets"), CONTROLS, users=USERS, roles=ROLES, groups=GROUPS,
                      policies=POLICIES)


def paths(results, name: str) -> tuple[str, set[str]]:
    row = results[("iam_principal_privilege_escalation", arn("user", name))]
    names = row["dimensions"].get("escalation_path_names")
    return row["status"], set(names.split(", ")) if names else set()


@pytest.mark.parametrize("name, path", [
    ("key-for-boss", f"CreateAccessKey on {arn('user', 'boss')}"),
    ("password-for-boss", f"CreateLoginProfile on {arn('user', 'boss')}"),
    ("reset-password-of-boss", f"UpdateLoginProfile on {arn('user', 'boss')}"),
    ("attach-to-bob-then-key", f"AttachUserPolicyThenCreateAccessKey on {arn('user', 'bob')}"),
    ("trust-of-admin", f"UpdateRolePolicyToAssumeIt on {arn('role', 'admin-ec2')}"),
    ("put-then-assume", f"AssumeRole+PutRolePolicy on {arn('role', 'ci')}"),
    ("attach-then-assume", f"AssumeRole+AttachRolePolicy on {arn('role', 'ci')}"),
    ("put-then-assume-any", f"AssumeRole+PutRolePolicy on {arn('role', 'ci')}"),
    ("pass-admin", f"PassExistingRoleToNewLambdaThenInvoke passing {arn('role', 'admin-lambda')}"),
    ("pass-split", "PassExistingRoleToNewLambdaThenInvoke"),
])
def test_a_path_on_a_particular_principal_that_reaches_power_is_found(results, name, path):
    status, opened = paths(results, name)
    assert status == "alarm" and path in opened, opened


@pytest.mark.parametrize("name", [
    "key-for-bob", "attach-to-bob", "self-managed-keys", "key-for-boss-denied", "trust-of-weak", "put-only", "put-then-assume-closed",
    "pass-weak", "pass-admin-to-ec2-only", "pass-admin-missing-invoke", "deny-always", "deny-notaction", "bounded",
])
def test_a_path_that_reaches_nothing_more_powerful_is_not(results, name):
    assert paths(results, name) == ("ok", set())


def test_an_unknown_document_that_decides_is_skipped(results):
    assert paths(results, "unknown-only") == ("skip", set())


@pytest.mark.parametrize("name", ["key-for-boss-unknown", "pass-admin-unknown"])
def test_a_path_beside_a_policy_that_is_not_loaded_is_skipped_naming_it(results, name):
    row = results[("iam_principal_privilege_escalation", arn("user", name))]
    assert (row["status"], row["dimensions"].get("escalation_path_names")) == ("skip", None), row["reason"]
    assert "not-loaded (not loaded)" in row["reason"], row["reason"]


@pytest.mark.parametrize("name, expected", [
    ("tiny-deny-admin", "alarm"), ("admin-by-group", "alarm"), ("admin-by-group-inline", "alarm"),
    ("bounded", "ok"), ("deny-notaction", "ok"), ("bob", "ok")])
def test_administrators(results, name, expected):
    row = results[("nhi_admin_privileges", arn("user", name))]
    assert row["status"] == expected, row["reason"]
