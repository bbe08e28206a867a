"""The questions built on the policy engine (administrator, privilege escalation, iam:PassRole, who may assume an
administrator role) where one guard decides: a Deny whose condition reads the principal's tags, a permissions
boundary with a Deny, NotResource, a trust policy condition or Deny, a trust naming the caller directly, and
documents the engine cannot read (which must leave the answer ``skip``, never ``ok``).

Each adversarial principal has a twin that differs in the one guard. Account 123456789012, as of 2024-03-01, no
organization loaded."""

import pytest
import yaml

from iamsql import controls
from tests.iam_rows import ACCOUNT, ADMIN, allow, arn, assume, check_rows, deny, doc, managed, role, user

PRIVESC = "iam_principal_privilege_escalation"
# each escalation path's actions, lower-cased (queries/access.yaml)
ESCALATION = {
    name: [action.lower() for action, _ in requests]
    for name, requests in yaml.safe_load(controls.ACCESS_QUESTIONS.read_text())["escalation"].items()
}
NHI_ADMIN = "nhi_admin_privileges"
PASSROLE = "iam_policy_no_passrole_star"
POLICY_CONTROLS = [
    "iam_policy_no_full_admin",
    PASSROLE,
    "iam_policy_no_assume_role_star",
    "iam_policy_no_kms_decrypt_star",
    "iam_policy_no_full_access_to_cloudtrail",
    "iam_policy_no_full_access_to_kms",
    "iam_policy_no_marketplace_subscribe_star",
]
# the trust controls that read iam_role_trust_access, with the trusts of the unreadable roles they judge
TRUST_CONTROLS = {
    "iam_role_trust_no_wildcard_principal": ["trust-unreadable-star"],
    "nhi_role_trust_broad": ["trust-unreadable-star", "trust-unreadable-account"],
    "iam_role_external_admin_or_readonly": ["trust-unreadable-star", "trust-unreadable-account"],
    "iam_role_long_session_external": ["trust-unreadable-star", "trust-unreadable-account", "trust-unreadable-oidc"],
    # "*" may admit a whole account under conditions the engine cannot read
    "iam_role_cross_account_trust_has_external_id": ["trust-unreadable-star", "trust-unreadable-account"],
    "iam_role_oidc_trust_has_sub_condition": ["trust-unreadable-oidc"],
}
CONTROLS = [PRIVESC, NHI_ADMIN, *POLICY_CONTROLS, *TRUST_CONTROLS]


# An operator IAM does not have: the engine cannot read the document, which is as good as not knowing it.
UNREADABLE = doc(allow("s3:GetObject"), deny("iam:*", Condition={"StringEqualsAnyCase": {"aws:PrincipalTag/x": "y"}}))
# AdministratorAccess, except IAM and assuming roles unless the caller is tagged role=admin.
ADMIN_UNLESS_TAGGED = [
    allow("*"),
    deny(["iam:*", "sts:AssumeRole"], Condition={"StringNotEquals": {"aws:PrincipalTag/role": "admin"}}),
]
PASS_TO_LAMBDA_ONLY = allow("iam:PassRole", Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})

POLICIES = [
    managed("AdministratorAccess", allow("*"), aws=True),
    managed("unreadable", document=UNREADABLE),
    managed("boundary-all-but-iam", allow("*"), deny(["iam:*", "sts:*"])),
    managed("boundary-s3-only", allow("s3:*")),
    managed("boundary-unreadable", document=UNREADABLE),
    managed(
        "pass-all-but-admin-roles",
        {"Effect": "Allow", "Action": "iam:PassRole", "NotResource": arn("role", "admin-*")},
    ),
    managed("pass-to-lambda-only", PASS_TO_LAMBDA_ONLY),
]
USERS = [
    # a Deny whose condition reads a principal tag: it applies to the untagged twin only
    user("tag-admin", *ADMIN_UNLESS_TAGGED, tags={"role": "admin"}),
    user("tag-dev", *ADMIN_UNLESS_TAGGED, tags={"role": "dev"}),
    # AdministratorAccess within a boundary that denies IAM and STS: no IAM path, no administrator role to assume,
    # but other services' paths stay open
    user("bounded-no-iam", attached=[ADMIN], boundary=arn("policy", "boundary-all-but-iam")),
    # documents the engine cannot read: alone they leave the answer unknown; a boundary that cannot be read
    # leaves even AdministratorAccess unknown
    user("unreadable-only", attached=[arn("policy", "unreadable")]),
    user("unreadable-inline", *UNREADABLE["Statement"]),
    user("admin-and-unreadable", allow("*"), more_inline=[UNREADABLE]),
    user("unreadable-boundary-admin", attached=[ADMIN], boundary=arn("policy", "boundary-unreadable")),
    user("unloaded-boundary-admin", attached=[ADMIN], boundary=arn("policy", "not-in-the-data")),
    # iam:PassRole limited to Lambda: the EC2 path is closed, the Lambda path is open
    user(
        "pass-lambda",
        PASS_TO_LAMBDA_ONLY,
        allow(["ec2:RunInstances", "lambda:CreateFunction", "lambda:InvokeFunction"]),
    ),
    # NotResource in an Allow: every role but admin-* may still be passed
    user("pass-notresource", allow("ec2:RunInstances"), attached=[arn("policy", "pass-all-but-admin-roles")]),
    # who may assume an administrator role: the trust's condition and Deny decide
    user("hop-ops", allow("sts:AssumeRole", arn("role", "admin-ops-only")), tags={"team": "ops"}),
    user("hop-dev", allow("sts:AssumeRole", arn("role", "admin-ops-only")), tags={"team": "dev"}),
    user("hop-employee", allow("sts:AssumeRole", arn("role", "admin-no-contractors"))),
    user("contractor-jo", allow("sts:AssumeRole", arn("role", "admin-no-contractors"))),
    # a trust that names the user itself grants within the account without any identity policy
    user("named-in-trust", allow("s3:GetObject", "arn:aws:s3:::bucket/*")),
    user("not-named", allow("s3:GetObject", "arn:aws:s3:::bucket/*")),
]
# trust policies the engine cannot read (an operator IAM does not have): who they admit is not known
UNREADABLE_CONDITION = {"StringEqualsAnyCase": {"aws:PrincipalOrgID": "o-mine123"}}
ROLES = [
    role("trust-unreadable-star", assume("*", Condition=UNREADABLE_CONDITION), attached=[ADMIN]),
    role("trust-unreadable-account", assume({"AWS": "444455556666"}, Condition=UNREADABLE_CONDITION), attached=[ADMIN]),
    role(
        "trust-unreadable-oidc",
        {
            "Effect": "Allow",
            "Principal": {"Federated": arn("oidc-provider", "token.actions.githubusercontent.com")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLikeAnyCase": {"token.actions.githubusercontent.com:sub": "repo:*"}},
        },
        attached=[ADMIN],
    ),
    role(
        "admin-ops-only",
        assume({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Condition={"StringEquals": {"aws:PrincipalTag/team": "ops"}}),
        attached=[ADMIN],
    ),
    role(
        "admin-no-contractors",
        assume({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
        {
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:PrincipalArn": arn("user", "contractor-*")}},
        },
        attached=[ADMIN],
    ),
    role("admin-named", assume({"AWS": arn("user", "named-in-trust")}), attached=[ADMIN]),
    # role chaining: a trust naming a role's ARN does not bypass that role's boundary; naming its session would
    role(
        "admin-from-worker",
        assume({"AWS": [arn("role", "worker-bounded"), arn("role", "worker-free")]}),
        attached=[ADMIN],
    ),
    role(
        "worker-bounded",
        assume({"Service": "ec2.amazonaws.com"}),
        statements=[allow("sts:AssumeRole", arn("role", "admin-from-worker"))],
        boundary=arn("policy", "boundary-s3-only"),
    ),
    role(
        "worker-free",
        assume({"Service": "ec2.amazonaws.com"}),
        statements=[allow("s3:ListBucket", "arn:aws:s3:::bucket")],
    ),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    return check_rows(tmp_path_factory.mktemp("guards"), CONTROLS, users=USERS, roles=ROLES, policies=POLICIES)


def row(results, control: str, resource: str) -> dict:
    return results[(control, resource)]


def paths(found: dict) -> set[str]:
    names = found["dimensions"].get("escalation_path_names")
    return set(names.split(", ")) if names else set()


def test_deny_on_a_principal_tag_decides_by_the_loaded_tags(results):
    admin = row(results, PRIVESC, arn("user", "tag-admin"))
    dev = row(results, PRIVESC, arn("user", "tag-dev"))
    assert admin["status"] == "alarm" and "AttachUserPolicy" in paths(admin), admin["reason"]
    # the Deny applies to role=dev: no IAM path, but it still has every other service
    assert "AttachUserPolicy" not in paths(dev) and "CreateAccessKey" not in paths(dev), dev["reason"]
    assert "EditExistingLambdaFunctionWithRole" in paths(dev), dev["reason"]
    assert row(results, NHI_ADMIN, arn("user", "tag-admin"))["status"] == "alarm"
    assert row(results, NHI_ADMIN, arn("user", "tag-dev"))["status"] == "ok"


def test_boundary_with_a_deny_closes_the_iam_paths_only(results):
    found = row(results, PRIVESC, arn("user", "bounded-no-iam"))
    opened = paths(found)
    assert opened and not any(a.startswith(("iam:", "sts:")) for p in opened for a in ESCALATION.get(p, ["sts:"])), (
        opened
    )
    assert "EditExistingLambdaFunctionWithRole" in opened
    assert row(results, NHI_ADMIN, arn("user", "bounded-no-iam"))["status"] == "ok"


@pytest.mark.parametrize(
    "name", ["unreadable-only", "unreadable-inline", "unreadable-boundary-admin", "unloaded-boundary-admin"]
)
@pytest.mark.parametrize("control", [PRIVESC, NHI_ADMIN])
def test_a_document_the_engine_cannot_read_is_never_ok(results, control, name):
    found = row(results, control, arn("user", name))
    assert found["status"] == "skip", (found["status"], found["reason"])


@pytest.mark.parametrize("control", POLICY_CONTROLS)
@pytest.mark.parametrize("resource", [arn("policy", "unreadable"), arn("user", "unreadable-inline")])
def test_a_policy_the_engine_cannot_read_is_skipped(results, control, resource):
    found = row(results, control, resource)
    assert found["status"] == "skip" and "cannot read" in found["reason"], (found["status"], found["reason"])


@pytest.mark.parametrize("control", POLICY_CONTROLS)
def test_readable_inline_policy_next_to_an_unreadable_one(results, control):
    # the readable one already allows everything: the answer holds whatever the other holds
    found = row(results, control, arn("user", "admin-and-unreadable"))
    assert found["status"] == "alarm", (found["status"], found["reason"])


def test_passrole_limited_to_one_service(results):
    opened = paths(row(results, PRIVESC, arn("user", "pass-lambda")))
    assert "PassExistingRoleToNewLambdaThenInvoke" in opened, opened
    assert "CreateEC2WithExistingIP" not in opened, opened


def test_passrole_with_notresource_still_passes_other_roles(results):
    assert "CreateEC2WithExistingIP" in paths(row(results, PRIVESC, arn("user", "pass-notresource")))
    found = row(results, PASSROLE, arn("policy", "pass-all-but-admin-roles"))
    assert found["status"] == "alarm", found["reason"]


@pytest.mark.parametrize(
    "name, role_name, expected",
    [
        ("hop-ops", "admin-ops-only", True),
        ("hop-dev", "admin-ops-only", False),
        ("hop-employee", "admin-no-contractors", True),
        ("contractor-jo", "admin-no-contractors", False),
        ("named-in-trust", "admin-named", True),
        ("not-named", "admin-named", False),
    ],
)
def test_assuming_an_administrator_role_follows_its_trust(results, name, role_name, expected):
    found = row(results, PRIVESC, arn("user", name))
    assert (f"AssumeRole {arn('role', role_name)}" in paths(found)) is expected, found["reason"]
    # without that path, whether the user may assume trust-unreadable-star (an administrator role whose trust of
    # "*" the engine cannot read) is not known: skipped, not passed
    assert found["status"] == ("alarm" if expected else "skip"), found["reason"]
    assert expected or "the trust policy of role trust-unreadable-star" in found["reason"]
    admin = row(results, NHI_ADMIN, arn("user", name))
    assert admin["status"] == ("alarm" if expected else "skip"), admin["reason"]


@pytest.mark.parametrize("name, expected", [("worker-bounded", False), ("worker-free", True)])
def test_a_trust_naming_a_role_arn_does_not_bypass_its_boundary(results, name, expected):
    found = row(results, PRIVESC, arn("role", name))
    assert (f"AssumeRole {arn('role', 'admin-from-worker')}" in paths(found)) is expected, found["reason"]


@pytest.mark.parametrize(
    "control, name", [(control, name) for control, names in TRUST_CONTROLS.items() for name in names]
)
def test_a_trust_policy_the_engine_cannot_read_is_skipped(results, control, name):
    found = row(results, control, arn("role", name))
    assert found["status"] == "skip" and "cannot read" in found["reason"], (found["status"], found["reason"])
