"""The permission and trust controls on the policy engine, over one account built the way real ones drift: each
adversarial kind of policy or trust (where a pattern match on policy text says ok and IAM lets an attacker in)
next to a clean twin that must pass.

Account 123456789012, as of 2024-03-01; the organization is o-mine123; 444455556666 is a third party."""

import pytest

from tests.iam_rows import ACCOUNT, ADMIN, allow, arn, assume, check_rows, managed, role, user

OTHER = "444455556666"
GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
TERRAFORM = f"arn:aws:iam::{ACCOUNT}:oidc-provider/app.terraform.io"
EKS = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0A1B2C3D4E5F"
CONTROLS = [
    "iam_role_trust_no_wildcard_principal", "iam_role_oidc_trust_has_sub_condition",
    "iam_role_cross_account_trust_has_external_id", "nhi_role_trust_broad", "iam_policy_no_passrole_star",
    "iam_policy_no_full_admin", "iam_principal_privilege_escalation", "nhi_admin_privileges",
    "iam_role_external_admin_or_readonly", "iam_role_long_session_external", "iam_role_trust_deleted_principal",
    "iam_role_service_trust_confused_deputy",
]
# the controls that judge who may assume a role from its trust policy
TRUST_CONTROLS = ["iam_role_trust_no_wildcard_principal", "iam_role_cross_account_trust_has_external_id",
                  "nhi_role_trust_broad", "iam_role_external_admin_or_readonly", "iam_role_long_session_external",
                  "iam_role_trust_deleted_principal", "iam_role_service_trust_confused_deputy"]


def web_identity(condition: dict, provider: str = GITHUB) -> dict:
    return {"Effect": "Allow", "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition}


ROLES = [
    # Principal "*": everyone outside the organization (StringNotEquals) vs only the organization (StringEquals)
    role("org-not-equals", assume("*", Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-mine123"}})),
    role("org-equals", assume("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-mine123"}})),
    role("star-securetransport", assume({"AWS": "*"}, Condition={"Bool": {"aws:SecureTransport": "true"}})),
    # GitHub OIDC: a wildcard owner in sub, a negated sub, a specific sub
    role("gh-wild", web_identity({"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:my-org/app:*", "repo:*"],
                                                 "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})),
    role("gh-not-equals", web_identity({"StringNotEquals": {"token.actions.githubusercontent.com:sub": "repo:evil/x:ref:refs/heads/main"},
                                        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})),
    role("gh-specific", web_identity({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:my-org/app:ref:refs/heads/*"},
                                      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}})),
    # HCP Terraform subjects are organization:<org>:project:...: any organization vs one; EKS subjects are
    # system:serviceaccount:<namespace>:<name>: any namespace (however the wildcard is written) vs one
    role("tfc-any-org", web_identity({"StringLike": {"app.terraform.io:sub": "organization:*:project:*:workspace:*:run_phase:*"},
                                      "StringEquals": {"app.terraform.io:aud": "aws.workload.identity"}}, TERRAFORM)),
    role("tfc-one-org", web_identity({"StringLike": {"app.terraform.io:sub": "organization:acme:project:*:workspace:*:run_phase:*"},
                                      "StringEquals": {"app.terraform.io:aud": "aws.workload.identity"}}, TERRAFORM)),
    role("eks-any-namespace", web_identity({"StringLike": {f"{EKS.split('/', 1)[1]}:sub": "system:serviceaccount:*"}}, EKS)),
    role("eks-system-wildcard", web_identity({"StringLike": {f"{EKS.split('/', 1)[1]}:sub": "system:*"}}, EKS)),
    role("eks-one-namespace", web_identity({"StringLike": {f"{EKS.split('/', 1)[1]}:sub": "system:serviceaccount:payments:*"}},
                                           EKS)),
    # a whole other account: a condition that names nobody vs an ExternalId
    role("xacct-securetransport", assume({"AWS": f"arn:aws:iam::{OTHER}:root"}, Condition={"Bool": {"aws:SecureTransport": "true"}})),
    role("xacct-external-id", assume({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": "k3y-from-vendor"}})),
    # an administrator role that any principal of the account with sts:AssumeRole may assume, and one that trusts
    # one named role only
    role("admin-open", assume({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), attached=[ADMIN], tags={"team": "ops"}),
    role("admin-closed", assume({"AWS": arn("role", "break-glass")}), attached=[ADMIN], tags={"team": "ops"}),
    # a role whose trust policy is not in the data (unreadable, or a source without it)
    {**role("trust-unknown"), "assume_role_policy": None, "assume_role_policy_std": None},
]
POLICIES = [
    managed("AdministratorAccess", allow("*"), aws=True),
    managed("pass-question-mark", allow("iam:Pas?Role")),
    managed("pass-any-arn", allow("iam:PassRole", "arn:aws:*:*:*:*")),
    managed("pass-named", allow("iam:PassRole", arn("role", "app"))),
    managed("admin-conditional", allow("*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
    managed("s3-only", allow("s3:*")),
]
USERS = [
    # can attach any policy to itself: Resource user/${aws:username}, and a Deny NotResource of its own ARN
    user("self-attach", allow("iam:AttachUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
         {"Effect": "Deny", "Action": "iam:*", "NotResource": arn("user", "self-attach")}),
    user("self-attach-denied", allow("iam:AttachUserPolicy", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
         {"Effect": "Deny", "Action": "iam:AttachUserPolicy", "Resource": "*"}),
    # everything but iam:PassRole: an administrator in all but name
    user("notaction", {"Effect": "Allow", "NotAction": ["iam:PassRole"], "Resource": "*"}),
    # AdministratorAccess inside an s3-only boundary vs without one
    user("bounded-admin", attached=[ADMIN], boundary=arn("policy", "s3-only")),
    user("plain-admin", attached=[ADMIN]),
    # reaches an administrator role by sts:AssumeRole vs may assume only the closed one
    user("hopper", allow("sts:AssumeRole", arn("role", "admin-open"))),
    user("hopper-closed", allow("sts:AssumeRole", arn("role", "admin-closed"))),
    # an attached AWS managed policy whose document is not loaded
    user("mystery", attached=["arn:aws:iam::aws:policy/PowerUserAccess"]),
    user("harmless", allow("s3:GetObject", "arn:aws:s3:::bucket/*")),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return check_rows(tmp_path_factory.mktemp("access"), CONTROLS, users=USERS, roles=ROLES, policies=POLICIES)


def status(results, control: str, resource: str) -> str:
    row = results[(control, resource)]
    return row["status"], row["reason"]


@pytest.mark.parametrize("name, expected", [
    ("org-not-equals", "alarm"), ("org-equals", "ok"), ("star-securetransport", "alarm")])
def test_wildcard_trust(results, name, expected):
    got, reason = status(results, "iam_role_trust_no_wildcard_principal", arn("role", name))
    assert got == expected, reason


@pytest.mark.parametrize("name, expected", [
    ("gh-wild", "alarm"), ("gh-not-equals", "alarm"), ("gh-specific", "ok"), ("tfc-any-org", "alarm"),
    ("tfc-one-org", "ok"), ("eks-any-namespace", "alarm"), ("eks-system-wildcard", "alarm"), ("eks-one-namespace", "ok")])
def test_oidc_trust_needs_a_specific_subject(results, name, expected):
    got, reason = status(results, "iam_role_oidc_trust_has_sub_condition", arn("role", name))
    assert got == expected, reason


@pytest.mark.parametrize("control", TRUST_CONTROLS)
def test_a_role_without_its_trust_policy_is_not_judged(results, control):
    got, reason = status(results, control, arn("role", "trust-unknown"))
    assert got == "skip" and "without its trust policy" in reason, reason


@pytest.mark.parametrize("name, expected", [("xacct-securetransport", "alarm"), ("xacct-external-id", "ok")])
def test_cross_account_trust_needs_a_condition_that_names_the_caller(results, name, expected):
    got, reason = status(results, "iam_role_cross_account_trust_has_external_id", arn("role", name))
    assert got == expected, reason
    if expected == "alarm":
        assert OTHER in reason and "aws:securetransport" in reason


@pytest.mark.parametrize("name, expected", [("org-not-equals", "alarm"), ("star-securetransport", "alarm"),
                                            ("org-equals", "ok")])
def test_a_star_trust_open_to_every_account_is_not_a_conditioned_cross_account_trust(results, name, expected):
    """Principal "*" admits callers of every other account: unless a condition names them (the organization), that
    is a whole other account trusted without a condition, never "trusts no other AWS account"."""
    got, reason = status(results, "iam_role_cross_account_trust_has_external_id", arn("role", name))
    assert got == expected, reason
    assert ("any AWS account" in reason) == (expected == "alarm"), reason


@pytest.mark.parametrize("name, expected", [("pass-question-mark", "alarm"), ("pass-any-arn", "alarm"),
                                            ("pass-named", "ok")])
def test_passrole_on_every_role(results, name, expected):
    got, reason = status(results, "iam_policy_no_passrole_star", arn("policy", name))
    assert got == expected, reason


def test_full_admin_policies(results):
    assert status(results, "iam_policy_no_full_admin", ADMIN)[0] == "alarm"
    got, reason = status(results, "iam_policy_no_full_admin", arn("policy", "admin-conditional"))
    assert got == "alarm" and "aws:multifactorauthpresent" in reason, reason
    assert status(results, "iam_policy_no_full_admin", arn("policy", "s3-only"))[0] == "ok"


@pytest.mark.parametrize("name, expected, path", [
    ("self-attach", "alarm", "AttachUserPolicy"),
    ("self-attach-denied", "ok", None),
    ("notaction", "alarm", "AttachUserPolicy"),
    ("bounded-admin", "ok", None),
    ("plain-admin", "alarm", "AttachUserPolicy"),
    ("hopper", "alarm", f"AssumeRole {arn('role', 'admin-open')}"),
    ("hopper-closed", "ok", None),
    ("mystery", "skip", None),
    ("harmless", "ok", None),
])
def test_privilege_escalation(results, name, expected, path):
    row = results[("iam_principal_privilege_escalation", arn("user", name))]
    assert row["status"] == expected, row["reason"]
    names = (row["dimensions"].get("escalation_path_names") or "").split(", ")
    if path:
        assert path in names, row["reason"]
    if expected == "skip":
        assert "PowerUserAccess" in row["reason"]


@pytest.mark.parametrize("name, expected", [
    ("notaction", "alarm"), ("bounded-admin", "ok"), ("plain-admin", "alarm"), ("hopper", "alarm"),
    ("hopper-closed", "ok"), ("mystery", "skip"), ("harmless", "ok")])
def test_non_human_administrators(results, name, expected):
    got, reason = status(results, "nhi_admin_privileges", arn("user", name))
    assert got == expected, reason


def test_workload_role_trusting_its_whole_account(results):
    assert status(results, "nhi_role_trust_broad", arn("role", "xacct-securetransport"))[0] == "alarm"
    assert status(results, "nhi_role_trust_broad", arn("role", "xacct-external-id"))[0] == "ok"
    assert status(results, "nhi_role_trust_broad", arn("role", "gh-specific"))[0] == "ok"
