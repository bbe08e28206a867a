"""The engine's higher-level answers when a principal has several ways to a power: the one allowed without a
condition is the answer (a trust of ``"*"`` limited to an organization does not hide a role that trusts everyone or
names the caller), for the ``assume_admin_role`` rows and for ``iamsql who-can``; and attaching a managed policy is
asked with ``iam:PolicyARN`` naming a policy that gives power (Service Authorization Reference: the Attach*Policy
actions take the key), so an Allow limited to ``ReadOnlyAccess`` opens no escalation path; a new version of a
managed policy is a path through the weak role that holds it when the caller may then act as that role, and setting
another default version needs another version (get-account-authorization-details lists them all). Users and roles of
account 111122223333 loaded from a ``get-account-authorization-details`` file by the real loader into a database
file, no organization loaded."""

import json

import pytest
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.load import load_paths
from iamsql.store import db

ACCOUNT = "111122223333"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
ORGANIZATION = {"StringEquals": {"aws:PrincipalOrgID": "o-abc123defg"}}
ESCALATION = "iam_principal_privilege_escalation"


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def document(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", condition=None) -> dict:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource}
    return {**statement, "Condition": condition} if condition else statement


def trust(principal, condition=None) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    return {**statement, "Condition": condition} if condition else statement


def unique_id(prefix: str, name: str) -> str:
    return f"{prefix}{name.upper().replace('-', ''):X<17}"[:21]


def attachments(arns) -> list[dict]:
    return [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in arns]


def user(name: str, *statements, attached=()) -> dict:
    return {"Path": "/", "UserName": name, "UserId": unique_id("AIDA", name), "Arn": arn("user", name),
            "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": attachments(attached),
            "Tags": [],
            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(*statements)}] if statements else []}


def role(name: str, *statements, attached=(ADMIN_ARN,)) -> dict:
    return {"Path": "/", "RoleName": name, "RoleId": unique_id("AROA", name), "Arn": arn("role", name),
            "CreateDate": "2024-03-01T00:00:00Z", "AssumeRolePolicyDocument": document(*statements),
            "MaxSessionDuration": 3600, "InstanceProfileList": [], "RolePolicyList": [], "Tags": [],
            "AttachedManagedPolicies": attachments(attached)}


def managed(policy_arn: str, *versions: dict) -> dict:
    """A managed policy as get-account-authorization-details lists it: every version, the first the default."""
    return {"PolicyName": policy_arn.rsplit("/", 1)[-1], "PolicyId": unique_id("ANPA", policy_arn.rsplit("/", 1)[-1]),
            "Arn": policy_arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
            "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z", "PolicyVersionList": [
                {"Document": version, "VersionId": f"v{i + 1}", "IsDefaultVersion": i == 0,
                 "CreateDate": "2015-02-06T18:39:46Z"} for i, version in enumerate(versions)]}


ADMINISTRATOR_ACCESS = managed(ADMIN_ARN, document(allow("*")))
READ = document(allow("s3:GetObject"))
POLICIES = [
    managed(arn("policy", "assumable"), READ),
    managed(arn("policy", "ec2-only"), READ),
    managed(arn("policy", "two-versions"), READ, document(allow("*"))),
    managed(arn("policy", "one-version"), READ),
]

ROLES = [
    # sorted first: a principal of another organization is refused, so every caller of the account is AllowedIf
    role("a-organization", trust({"AWS": "*"}, ORGANIZATION)),
    role("b-names-bob", trust({"AWS": arn("user", "bob")})),
    role("c-account", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})),
    role("d-target", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), trust({"AWS": "*"}, ORGANIZATION)),
]
USERS = [
    user("bob"),  # named by b-names-bob's trust: no identity Allow needed within the account
    user("carol"),  # only a-organization's trust admits her
    user("dave", allow("sts:AssumeRole", arn("role", "c-account"))),
]
# attaching a managed policy to itself, limited by iam:PolicyARN (an account of their own: the trusts of "*" above
# would give every principal a way to power)
ATTACHERS = [
    # a new version of the managed policy of a weak role it may assume, or whose trust it may rewrite
    user("version-then-assume", allow("iam:CreatePolicyVersion", arn("policy", "assumable")),
         allow("sts:AssumeRole", arn("role", "weak-assumable"))),
    user("version-only", allow("iam:CreatePolicyVersion", arn("policy", "assumable"))),
    user("version-then-trust", allow("iam:CreatePolicyVersion", arn("policy", "ec2-only")),
         allow("iam:UpdateAssumeRolePolicy", arn("role", "weak-ec2"))),
    user("version-other-role", allow("iam:CreatePolicyVersion", arn("policy", "ec2-only")),
         allow("sts:AssumeRole", arn("role", "weak-assumable"))),
    # setting another default version of its own policy: there must be another version
    user("default-of-two", allow("iam:SetDefaultPolicyVersion", arn("policy", "two-versions")),
         attached=[arn("policy", "two-versions")]),
    user("default-of-one", allow("iam:SetDefaultPolicyVersion", arn("policy", "one-version")),
         attached=[arn("policy", "one-version")]),
    user("attach-any", allow("iam:AttachUserPolicy", arn("user", "attach-any"))),
    user("attach-readonly", allow("iam:AttachUserPolicy", arn("user", "attach-readonly"),
                                  {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}})),
    user("attach-admin", allow("iam:AttachUserPolicy", arn("user", "attach-admin"),
                               {"ArnEquals": {"iam:PolicyARN": ADMIN_ARN}})),
    user("attach-not-admin", allow("iam:AttachUserPolicy", arn("user", "attach-not-admin"),
                                   {"ArnNotEquals": {"iam:PolicyARN": ADMIN_ARN}})),
    user("attach-team", allow("iam:AttachUserPolicy", arn("user", "attach-team"),
                              {"ArnLike": {"iam:PolicyARN": arn("policy", "team-*")}})),
    user("attach-role-readonly", allow("iam:AttachRolePolicy", "*",
                                       {"ArnEquals": {"iam:PolicyARN": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}),
         allow("sts:AssumeRole", arn("role", "iamsql-*"))),
]


def load(folder, users: list[dict], roles: list[dict], policies=()) -> tuple[dict, str]:
    """(results of the escalation control by principal name, path of the database file)."""
    (folder / ACCOUNT).mkdir()
    (folder / ACCOUNT / "gaad.json").write_text(json.dumps({
        "UserDetailList": users, "GroupDetailList": [], "RoleDetailList": roles,
        "Policies": [ADMINISTRATOR_ACCESS, *policies]}))
    path = str(folder / "iam.duckdb")
    con = db.connect(path)
    try:
        load_paths(con, [folder])
        run_id = controls.run_checks(con, controls=[ESCALATION])
        return {r["resource"].rsplit("/", 1)[-1]: r for r in controls.results(con, run_id)}, path
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(results of the escalation control by principal name, assume_admin_role rows by principal name, path)."""
    results, path = load(tmp_path_factory.mktemp("unconditional"), USERS, ROLES)
    done = CliRunner().invoke(app, ["query", "--db", path, "-o", "json",
                                    "select principal_name, decision, detail, conditions from iam_principal_access "
                                    "where question = 'assume_admin_role' order by 1"])
    assert done.exit_code == 0, done.output
    rows = {row.pop("principal_name"): row for row in json.loads(done.output)["rows"]}
    return results, rows, path


@pytest.mark.parametrize("name, decision, role", [
    ("bob", "Allowed", "b-names-bob"),  # named by a trust, besides the organization's "*"
    ("dave", "Allowed", "c-account"),  # its own Allow on a role trusting the account
    ("carol", "AllowedIf", "a-organization"),  # only the organization's "*" admits her
])
def test_the_way_to_an_administrator_role_without_a_condition_is_the_answer(loaded, name, decision, role):
    _, rows, _ = loaded
    row = rows[name]
    assert (row["decision"], row["detail"]) == (decision, arn("role", role))
    assert (row["conditions"] is None) == (decision == "Allowed")


def who_can(path: str, role: str) -> dict[str, dict]:
    done = CliRunner().invoke(app, ["who-can", "--db", path, "sts:AssumeRole", "--resource", arn("role", role),
                                    "-o", "json"])
    assert done.exit_code == 0, done.output
    return {row["principal"]: row for row in json.loads(done.output)}


@pytest.mark.parametrize("name, decision, path", [
    ("bob", "Allowed", f"by assuming {arn('role', 'b-names-bob')}"),  # better than the organization's "*" directly
    ("dave", "Allowed", f"by assuming {arn('role', 'c-account')}"),
    ("carol", "AllowedIf", "direct"),  # every way she has is conditional
])
def test_who_can_gives_the_way_without_a_condition(loaded, name, decision, path):
    _, _, db_path = loaded
    row = who_can(db_path, "d-target")[arn("user", name)]
    assert (row["decision"], row["path"]) == (decision, path)


@pytest.fixture(scope="module")
def attachers(tmp_path_factory):
    roles = [role("weak-assumable", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), attached=[arn("policy", "assumable")]),
             role("weak-ec2", trust({"Service": "ec2.amazonaws.com"}), attached=[arn("policy", "ec2-only")])]
    return load(tmp_path_factory.mktemp("attachers"), ATTACHERS, roles, POLICIES)[0]


@pytest.mark.parametrize("name, status", [
    ("attach-any", "alarm"),
    ("attach-admin", "alarm"),
    ("attach-not-admin", "alarm"),  # IAMFullAccess serves as well
    ("attach-readonly", "ok"),
    ("attach-team", "ok"),  # no loaded policy of that name
    ("attach-role-readonly", "ok"),
])
def test_attaching_a_managed_policy_is_asked_with_a_policy_that_gives_power(attachers, name, status):
    results = attachers
    assert results[name]["status"] == status, results[name]["reason"]


@pytest.mark.parametrize("name, path", [
    ("version-then-assume", f"CreatePolicyVersionThenAssumeRole on {arn('role', 'weak-assumable')}"),
    ("version-then-trust", f"CreatePolicyVersionThenUpdateAssumeRolePolicy on {arn('role', 'weak-ec2')}"),
    ("version-only", None),  # no way to act as the role holding the policy
    ("version-other-role", None),  # the role it may assume does not hold the policy it may rewrite
    ("default-of-two", "SetExistingDefaultPolicyVersion"),
    ("default-of-one", None),  # no other version to set
])
def test_a_new_or_another_policy_version_is_a_path_only_through_a_principal_that_holds_it(attachers, name, path):
    row = attachers[name]
    if path is None:
        assert row["status"] == "ok", row["reason"]
    else:
        assert row["status"] == "alarm" and f": {path}; granted by" in row["reason"], row["reason"]
