"""The engine's higher-level answers when a principal has several ways to a power: the one allowed without a
condition is the answer (a trust of ``"*"`` limited to an organization does not hide a role that trusts everyone or
names the caller), for the ``assume_admin_role`` rows and for ``iamsql who-can``; and attaching a managed policy is
asked with ``iam:PolicyARN`` naming a policy that gives power (Service Authorization Reference: the Attach*Policy
actions take the key), so an Allow limited to ``ReadOnlyAccess`` opens no escalation path. Users and roles of
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


def user(name: str, *statements) -> dict:
    return {"Path": "/", "UserName": name, "UserId": unique_id("AIDA", name), "Arn": arn("user", name),
            "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
            "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": document(*statements)}] if statements else []}


def admin_role(name: str, *statements) -> dict:
    return {"Path": "/", "RoleName": name, "RoleId": unique_id("AROA", name), "Arn": arn("role", name),
            "CreateDate": "2024-03-01T00:00:00Z", "AssumeRolePolicyDocument": document(*statements),
            "MaxSessionDuration": 3600, "InstanceProfileList": [], "RolePolicyList": [], "Tags": [],
            "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}]}


ADMINISTRATOR_ACCESS = {
    "PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK", "Arn": ADMIN_ARN, "Path": "/",
    "DefaultVersionId": "v1", "AttachmentCount": 4, "IsAttachable": True, "CreateDate": "2015-02-06T18:39:46Z",
    "UpdateDate": "2015-02-06T18:39:46Z", "PolicyVersionList": [{
        "Document": document(allow("*")), "VersionId": "v1", "IsDefaultVersion": True,
        "CreateDate": "2015-02-06T18:39:46Z"}]}

ROLES = [
    # sorted first: a principal of another organization is refused, so every caller of the account is AllowedIf
    admin_role("a-organization", trust({"AWS": "*"}, ORGANIZATION)),
    admin_role("b-names-bob", trust({"AWS": arn("user", "bob")})),
    admin_role("c-account", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})),
    admin_role("d-target", trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), trust({"AWS": "*"}, ORGANIZATION)),
]
USERS = [
    user("bob"),  # named by b-names-bob's trust: no identity Allow needed within the account
    user("carol"),  # only a-organization's trust admits her
    user("dave", allow("sts:AssumeRole", arn("role", "c-account"))),
]
# attaching a managed policy to itself, limited by iam:PolicyARN (an account of their own: the trusts of "*" above
# would give every principal a way to power)
ATTACHERS = [
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


def load(folder, users: list[dict], roles: list[dict]) -> tuple[dict, str]:
    """(results of the escalation control by principal name, path of the database file)."""
    (folder / ACCOUNT).mkdir()
    (folder / ACCOUNT / "gaad.json").write_text(json.dumps({
        "UserDetailList": users, "GroupDetailList": [], "RoleDetailList": roles, "Policies": [ADMINISTRATOR_ACCESS]}))
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
    return load(tmp_path_factory.mktemp("attachers"), ATTACHERS, [admin_role("admin", trust({"AWS": arn("user", "x")}))])[0]


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
