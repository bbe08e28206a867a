"""What users see of the policy engine, end to end: `iamsql who-can`, `iamsql simulate --principal` and the controls
on the engine's tables, over `get-account-authorization-details` files and the Organizations outputs of
tests/data/organizations loaded by the real loader into a database file.

Account 444444444444 is outside the organization (no guardrails); 222222222222 is a member in Workloads, under the
root's DenyIAM SCP and OrgOnlyAssumeRole RCP (tests/data/organizations/README.md)."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.errors import IamsqlError
from iamsql.load import load_paths
from iamsql.policy.access.model import AccountModel, Principal
from iamsql.policy.access.who import resolve_arn
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
OUTSIDE, MEMBER, ORGANIZATION = "444444444444", "222222222222", "o-a1b2c3d4e5"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
SSO_ROLE, SSO_PATH = "AWSReservedSSO_Admins_0a1b2c3d4e5f6a7b", "/aws-reserved/sso.amazonaws.com/"
SSO_PROVIDER = "AWSSSO_5a6b7c8d9e0f1a2b_DO_NOT_DELETE"
PERMISSION_SET = "arn:aws:sso:::permissionSet/ssoins-1a2b3c4d5e6f7a8b/ps-0f1e2d3c4b5a6978"
STORE = "d-1a2b3c4d5e"


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def trust(principal, action="sts:AssumeRole", condition=None) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    return doc({**statement, "Condition": condition} if condition else statement)


VPC_READER = doc({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                 {"Effect": "Deny", "Action": "s3:*", "Resource": "*",
                  "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1a2b3c4d"}}})
ASSUME_ANY = doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})


def arn(account: str, kind: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account}:{kind}{path}{name}"


def user(account, name, inline=(), attached=(), groups=()) -> dict:
    return {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper():X<17}"[:21], "Arn": arn(account, "user", name),
            "CreateDate": "2024-03-01T00:00:00Z", "GroupList": list(groups), "Tags": [],
            "UserPolicyList": [{"PolicyName": f"inline{i}", "PolicyDocument": d} for i, d in enumerate(inline)],
            "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached]}


def role(account, name, trust_policy, inline=(), attached=(), path="/") -> dict:
    """The role with one inline policy holding the statements of the documents ``inline``."""
    statements = [statement for document in inline for statement in document["Statement"]]
    return gaad_role(account, name, trust_policy, *statements, attached=attached, path=path)


def administrator_access() -> dict:
    return {"PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK", "Arn": ADMIN_ARN, "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
            "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z",
            "PolicyVersionList": [{"Document": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                                   "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46Z"}]}


def gaad(account: str) -> dict:
    root = {"AWS": arn(account, "", "root", "")}
    other = MEMBER if account == OUTSIDE else OUTSIDE
    not_mine = {"StringNotEquals": {"aws:PrincipalAccount": account}}
    users = [
        user(account, "alice", inline=[ASSUME_ANY]),  # may assume what trusts the account
        user(account, "bob"),  # no policy of its own: only a trust naming him lets him in
        user(account, "grouped", groups=["admins"]),
        # each may assume one role only: an administrator whose trust cannot be read, a role whose power depends on
        # a managed policy missing from the export, a role known to have none
        *(user(account, name, inline=[doc({"Effect": "Allow", "Action": "sts:AssumeRole",
                                           "Resource": arn(account, "role", target)})])
          for name, target in (("carol", "unreadable-admin"), ("dave", "unknown-power"), ("erin", "names-bob"))),
        # may read objects, but not from outside one VPC
        user(account, "frank", inline=[VPC_READER]),
    ]
    roles = [
        role(account, "MyRole", trust(root), path="/service-role/"),
        role(account, "any-sts", trust(root, action="sts:*")),
        role(account, "vpc-reader", trust({"AWS": arn(account, "user", "bob")}), inline=[VPC_READER]),
        role(account, "names-bob", trust({"AWS": arn(account, "user", "bob")})),
        role(account, "chained", trust({"AWS": arn(account, "role", "names-bob")})),  # names the role, not the account
        # "*" limited to one organization, "*" limited to one other account, "*" alone; all administrators, and
        # none for the principals of their own account
        role(account, "org-only", trust({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION},
                                                                 **not_mine}), attached=[ADMIN_ARN]),
        role(account, "partner-only",
             trust({"AWS": "*"}, condition={"StringEquals": {"aws:PrincipalAccount": "555555555555"}}),
             attached=[ADMIN_ARN]),
        role(account, "public", trust({"AWS": "*"}, condition=not_mine), attached=[ADMIN_ARN]),
        # "*" limited to roles named deploy: of one other account, of any account (anyone may name a role so)
        role(account, "partner-deploy", trust({"AWS": "*"}, condition={
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::555555555555:role/deploy"}}), attached=[ADMIN_ARN]),
        role(account, "any-deploy", trust({"AWS": "*"}, condition={
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deploy"}}), attached=[ADMIN_ARN]),
        # the other loaded account, as a whole and its user bob (who has no policy)
        role(account, "cross", trust({"AWS": arn(other, "", "root", "")})),
        role(account, "names-other-bob", trust({"AWS": arn(other, "user", "bob")})),
        # a trust the engine cannot read (an operator IAM does not have), naming only another account
        role(account, "unreadable-trust",
             trust({"AWS": arn(other, "", "root", "")}, condition={"StringEqualsFancy": {"aws:PrincipalTag/x": "y"}})),
        role(account, "unreadable-admin", trust(root, condition={"StringEqualsFancy": {"aws:PrincipalTag/x": "y"}}),
             attached=[ADMIN_ARN]),
        role(account, "unknown-power", trust(root), attached=[arn(account, "policy", "not-in-the-export")]),
        # the role IAM Identity Center provisions for permission set Admins, assumed through its SAML provider
        role(account, SSO_ROLE, trust({"Federated": arn(account, "saml-provider", SSO_PROVIDER)},
                                      action=["sts:AssumeRoleWithSAML", "sts:TagSession"],
                                      condition={"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}),
             attached=[ADMIN_ARN], path=SSO_PATH),
        # SCPs do not apply to service-linked roles
        role(account, "AWSServiceRoleForSupport", trust({"Service": "support.amazonaws.com"}), attached=[ADMIN_ARN],
             path="/aws-service-role/support.amazonaws.com/"),
    ]
    groups = [{"Path": "/", "GroupName": "admins", "GroupId": "AGPAADMINSXXXXXXXXXX", "GroupPolicyList": [],
               "Arn": arn(account, "group", "admins"), "CreateDate": "2024-03-01T00:00:00Z",
               "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}]}]
    return {"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
            "Policies": [administrator_access()]}


def identity_center() -> dict[str, dict]:
    return {
        "describe-permission-set.json": {"PermissionSet": {"Name": "Admins", "PermissionSetArn": PERMISSION_SET,
                                                           "CreatedDate": "2024-03-01T00:00:00Z"}},
        "list-account-assignments.json": {"AccountAssignments": [
            {"AccountId": MEMBER, "PermissionSetArn": PERMISSION_SET, "PrincipalType": kind, "PrincipalId": pid}
            for kind, pid in (("USER", "9067a1b2c3-ana"), ("GROUP", "9067a1b2c3-ops"))]},
        "list-users.json": {"IdentityStoreId": STORE, "Users": [{"UserName": "ana", "UserId": "9067a1b2c3-ana"}]},
        "list-groups.json": {"IdentityStoreId": STORE, "Groups": [{"DisplayName": "platform-ops",
                                                                   "GroupId": "9067a1b2c3-ops"}]},
    }


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("consumers")
    shutil.copytree(ORGANIZATIONS, folder / "organizations")
    for account in (OUTSIDE, MEMBER):
        (folder / account).mkdir()
        (folder / account / "gaad.json").write_text(json.dumps(gaad(account)))
    # the bucket frank and bob read is one of their own account's (its policy not read): their own policies decide
    (folder / OUTSIDE / "list-buckets.json").write_text(json.dumps(
        {"Buckets": [{"Name": "bucket", "CreationDate": "2024-01-01T00:00:00Z"}], "Owner": {"ID": "0" * 64}}))
    # Identity Center (managed from the member account): permission set Admins is assigned in the member account only,
    # to a user and a group of its identity store
    for name, output in identity_center().items():
        (folder / MEMBER / name).write_text(json.dumps(output))
    path = folder / "consumers.duckdb"
    con = db.connect(str(path))
    load_paths(con, [folder])
    con.close()
    return str(path)


@pytest.fixture(scope="module")
def results(loaded) -> dict:
    con = db.connect(loaded)
    try:
        run_id = controls.run_checks(con, controls=["iam_role_external_admin_or_readonly",
                                                    "iam_role_trust_no_wildcard_principal",
                                                    "iam_principal_privilege_escalation"])
        return {(r["control_id"], r["resource"]): r for r in controls.results(con, run_id)}
    finally:
        con.close()


def cli(*args: str) -> list[dict]:
    done = CliRunner().invoke(app, [*args, "-o", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def who_can(db_path: str, action: str, resource: str) -> dict[str, dict]:
    return {row["principal"]: row for row in cli("who-can", action, "--resource", resource, "--db", db_path)}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300)


# ---- a user or role ARN without its IAM path --------------------------------------------------------------------


def test_who_can_takes_a_role_arn_without_its_path(loaded):
    with_path = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "MyRole", "/service-role/"))
    without = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "MyRole"))
    assert without == with_path
    # the trust names the account: alice's own policy lets her in, bob has none
    assert without[arn(OUTSIDE, "user", "alice")]["decision"] == "Allowed"
    assert arn(OUTSIDE, "user", "bob") not in without


def test_simulate_takes_user_and_role_arns_without_their_paths(loaded):
    done = CliRunner().invoke(app, ["simulate", "--principal", arn(OUTSIDE, "user", "alice"), "--action",
                                    "sts:AssumeRole", "--resource", arn(OUTSIDE, "role", "MyRole"), "--db", loaded,
                                    "-o", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["decision"] == "Allowed"
    done = CliRunner().invoke(app, ["simulate", "--principal", arn(OUTSIDE, "role", "MyRole"), "--action",
                                    "s3:GetObject", "--db", loaded, "-o", "json"])
    assert done.exit_code == 0, done.output
    answer = json.loads(done.output)
    assert answer["principal"] == arn(OUTSIDE, "role", "MyRole", "/service-role/")
    assert answer["decision"] == "ImplicitlyDenied"


def test_a_role_arn_with_another_path_is_still_one_line_error(loaded):
    done = run("who-can", "sts:AssumeRole", "--resource", arn(OUTSIDE, "role", "MyRole", "/other/"), "--db", loaded)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1
    assert "role/other/MyRole is not in the loaded data" in done.stderr


def test_two_loaded_roles_of_one_name_are_ambiguous():
    def named(path):
        return Principal(arn(OUTSIDE, "role", "twin", path), "role", "twin", path, OUTSIDE, "aws")

    account = AccountModel(OUTSIDE, "aws", [named("/a/"), named("/b/")], {})
    with pytest.raises(IamsqlError, match=r"names 2 loaded roles .*role/a/twin.*role/b/twin.*give the ARN with its path"):
        resolve_arn([account], arn(OUTSIDE, "role", "twin"))
    assert resolve_arn([account], arn(OUTSIDE, "role", "twin", "/b/")) == arn(OUTSIDE, "role", "twin", "/b/")
    assert resolve_arn([account], arn(MEMBER, "role", "twin")) == arn(MEMBER, "role", "twin")  # another account


# ---- conditions of a Deny ------------------------------------------------------------------------------------------

OUTSIDE_VPC = [{"StringNotEquals": {"aws:SourceVpc": ["vpc-1a2b3c4d"]}}]


def test_who_can_names_the_conditions_a_deny_depends_on(loaded):
    """frank's Allow has no condition; his Deny applies outside one VPC: he may read objects only if the Deny's
    condition does not hold, which the row says."""
    row = who_can(loaded, "s3:GetObject", "arn:aws:s3:::bucket/key")[arn(OUTSIDE, "user", "frank")]
    assert row["decision"] == "AllowedIf"
    assert row["conditions"] is None
    assert json.loads(row["deny_conditions"]) == OUTSIDE_VPC
    # bob reads objects by assuming a role under the same Deny: its conditions are his
    row = who_can(loaded, "s3:GetObject", "arn:aws:s3:::bucket/key")[arn(OUTSIDE, "user", "bob")]
    assert (row["decision"], row["path"]) == ("AllowedIf", f"by assuming {arn(OUTSIDE, 'role', 'vpc-reader')}")
    assert json.loads(row["deny_conditions"]) == OUTSIDE_VPC


def test_simulate_names_the_conditions_a_deny_depends_on(loaded):
    args = ["simulate", "--principal", arn(OUTSIDE, "user", "frank"), "--action", "s3:GetObject", "--resource",
            "arn:aws:s3:::bucket/key", "--unknown-context", "--db", loaded]
    answer = json.loads(CliRunner().invoke(app, [*args, "-o", "json"]).output)
    assert (answer["decision"], answer["conditions"], answer["deny_conditions"]) == ("AllowedIf", [], OUTSIDE_VPC)
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert f"  unless {json.dumps(OUTSIDE_VPC[0])}" in done.output.splitlines()


# ---- IAM Identity Center --------------------------------------------------------------------------------------------


def test_who_can_names_the_identity_center_assignments_of_a_permission_sets_role(loaded):
    """Identity Center users and groups assigned the permission set in the account assume its role through the SAML
    provider: they are who may, not the provider, and no IAM principal."""
    rows = who_can(loaded, "sts:AssumeRoleWithSAML", arn(MEMBER, "role", SSO_ROLE, SSO_PATH))
    assert {(p, r["principal_type"], r["path"]) for p, r in rows.items()} == {
        ("ana", "identity_center_user", "Identity Center, permission set Admins"),
        ("platform-ops", "identity_center_group", "Identity Center, permission set Admins")}
    assert json.loads(rows["ana"]["conditions"]) == [
        {"StringEquals": {"SAML:aud": ["https://signin.aws.amazon.com/saml"]}}]
    # no assignment in the other account is loaded: the SAML provider is named
    rows = who_can(loaded, "sts:AssumeRoleWithSAML", arn(OUTSIDE, "role", SSO_ROLE, SSO_PATH))
    assert {(p, r["principal_type"]) for p, r in rows.items()} == {
        (arn(OUTSIDE, "saml-provider", SSO_PROVIDER), "saml")}


def test_a_role_only_saml_identities_may_assume_admits_nobody_to_assume_role(loaded):
    """The trust allows sts:AssumeRoleWithSAML to the SAML provider only: no one may call sts:AssumeRole on it (alice
    may call it on any role, but the trust does not name her)."""
    for account in (OUTSIDE, MEMBER):
        assert who_can(loaded, "sts:AssumeRole", arn(account, "role", SSO_ROLE, SSO_PATH)) == {}


def test_no_iam_principal_calls_assume_role_with_saml(loaded):
    """sts:AssumeRoleWithSAML is called with a SAML assertion, not AWS credentials: a trust allowing sts:* to the
    account admits its IAM principals to sts:AssumeRole, and nobody to sts:AssumeRoleWithSAML."""
    role_arn = arn(OUTSIDE, "role", "any-sts")
    assert arn(OUTSIDE, "user", "grouped") in who_can(loaded, "sts:AssumeRole", role_arn)
    assert who_can(loaded, "sts:AssumeRoleWithSAML", role_arn) == {}


# ---- who may assume a role ---------------------------------------------------------------------------------------


def test_a_trust_naming_a_user_lets_it_in_without_an_identity_policy(loaded):
    rows = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "names-bob"))
    assert rows[arn(OUTSIDE, "user", "bob")]["decision"] == "Allowed"
    assert arn(OUTSIDE, "user", "alice") not in rows  # the trust names neither her nor the account


def test_role_chaining_through_a_trust_that_names_a_role(loaded):
    """A same-account trust naming a role's ARN lets that role in without a policy of its own; bob, whom that role
    trusts, reaches the second role through it."""
    rows = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "chained"))
    assert rows[arn(OUTSIDE, "role", "names-bob")]["path"] == "direct"
    assert rows[arn(OUTSIDE, "user", "bob")]["path"] == f"by assuming {arn(OUTSIDE, 'role', 'names-bob')}"
    assert arn(OUTSIDE, "user", "alice") not in rows  # her own policy is not enough: the trust names neither
    # what let each in is the trust policy of the role it assumes, named so (it was "the resource policy")
    assert rows[arn(OUTSIDE, "role", "names-bob")]["granted_by"] == "the trust policy of role chained (statement 0)"
    assert rows[arn(OUTSIDE, "user", "bob")]["granted_by"] == "the trust policy of role names-bob (statement 0)"


def test_the_roles_own_account_is_not_listed_as_an_outside_principal(loaded):
    rows = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "MyRole"))
    assert arn(OUTSIDE, "", "root", "") not in rows
    assert rows[arn(OUTSIDE, "user", "grouped")]["path"] == "through group admins"
    assert rows[arn(OUTSIDE, "user", "alice")]["path"] == "direct"


def test_who_can_lists_the_organization_a_star_trust_admits(loaded):
    rows = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "org-only"))
    assert rows["*"]["decision"] == "AllowedIf"
    assert json.loads(rows["*"]["conditions"])[0]["StringEquals"] == {"aws:PrincipalOrgID": [ORGANIZATION]}


@pytest.mark.parametrize("account, name", [(OUTSIDE, "org-only"), (OUTSIDE, "partner-only"), (MEMBER, "org-only"),
                                           (MEMBER, "public"), (OUTSIDE, "partner-deploy"), (OUTSIDE, "any-deploy")])
def test_an_administrator_role_other_accounts_may_assume_is_an_alarm(results, account, name):
    """Other accounts of an organization, or the one account a condition names, are outside the role's account;
    in the member account the RCP keeps out callers of other organizations, not those of its own."""
    found = results[("iam_role_external_admin_or_readonly", arn(account, "role", name))]
    assert found["status"] == "alarm", found["reason"]
    assert "AdministratorAccess" in found["reason"]


@pytest.mark.parametrize("account, name, status", [(OUTSIDE, "org-only", "ok"), (OUTSIDE, "partner-only", "ok"),
                                                   (OUTSIDE, "public", "alarm"), (MEMBER, "org-only", "ok"),
                                                   (MEMBER, "public", "ok"), (OUTSIDE, "partner-deploy", "ok"),
                                                   (OUTSIDE, "any-deploy", "alarm")])
def test_a_star_trust_limited_to_named_callers_is_not_open(results, account, name, status):
    found = results[("iam_role_trust_no_wildcard_principal", arn(account, "role", name))]
    assert found["status"] == status, found["reason"]
    assert found["reason"]


def test_a_loaded_principal_of_another_account_needs_its_own_policies_too(loaded):
    """Cross-account, the trust naming the caller is half of it: its own identity policies must allow the call."""
    rows = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "cross"))
    assert rows[arn(MEMBER, "user", "alice")]["path"] == "cross-account, from another loaded account"
    assert rows[arn(MEMBER, "user", "alice")]["decision"] == "Allowed"
    assert arn(MEMBER, "user", "bob") not in rows
    rows = who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "names-other-bob"))
    assert arn(MEMBER, "user", "bob") not in rows  # named by the trust, but nothing of his own allows it
    assert rows == {}


def test_the_rcp_keeps_out_loaded_principals_of_accounts_outside_the_organization(loaded):
    """The member account's RCP refuses sts:AssumeRole to callers outside the organization; 444444444444 is not in
    it (list-accounts), so its alice, allowed by her own policy and named by the trust, is refused."""
    assert arn(OUTSIDE, "user", "alice") not in who_can(loaded, "sts:AssumeRole", arn(MEMBER, "role", "cross"))
    assert who_can(loaded, "sts:AssumeRole", arn(OUTSIDE, "role", "cross"))  # the other way round: no RCP


def test_who_can_refuses_to_answer_for_a_trust_it_cannot_read(loaded):
    """The trust names only the other account, so alice (allowed sts:AssumeRole on "*") cannot assume it; not being
    able to read it, the answer is unknown, not a list of everyone its identity policies let in."""
    done = run("who-can", "sts:AssumeRole", "--resource", arn(OUTSIDE, "role", "unreadable-trust"), "--db", loaded)
    assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1
    assert done.stderr.endswith("is unknown: it depends on the trust policy of role unreadable-trust (loaded, but not "
                                "readable by the policy engine)\n")


def simulate(db_path: str, principal: str, action: str, resource: str) -> dict:
    done = CliRunner().invoke(app, ["simulate", "--principal", principal, "--action", action, "--resource", resource,
                                    "--db", db_path, "-o", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def test_simulate_with_a_trust_it_cannot_read_is_unknown(loaded):
    answer = simulate(loaded, arn(OUTSIDE, "user", "alice"), "sts:AssumeRole", arn(OUTSIDE, "role", "unreadable-trust"))
    assert answer["decision"] == "Unknown"
    assert answer["missing"] == ["the trust policy of role unreadable-trust (loaded, but not readable by the policy "
                                 "engine)"]


def test_simulate_assumes_a_role_of_another_loaded_account(loaded):
    """The role's trust (in its own account) and the caller's policies both decide; the member account's RCP
    refuses a caller outside the organization."""
    answer = simulate(loaded, arn(MEMBER, "user", "alice"), "sts:AssumeRole", arn(OUTSIDE, "role", "cross"))
    assert answer["decision"] == "Allowed"
    assert simulate(loaded, arn(MEMBER, "user", "bob"), "sts:AssumeRole",
                    arn(OUTSIDE, "role", "cross"))["decision"] == "ImplicitlyDenied"
    assert simulate(loaded, arn(OUTSIDE, "user", "alice"), "sts:AssumeRole",
                    arn(MEMBER, "role", "cross"))["decision"] == "ExplicitlyDenied"


@pytest.mark.parametrize("name, status, depends_on", [
    ("carol", "skip", "the trust policy of role unreadable-admin (loaded, but not readable by the policy engine)."),
    ("dave", "skip", "not-in-the-export (not loaded) (of role unknown-power, which it may assume); load "
                     "get-account-authorization-details"),
    ("erin", "ok", None),
])
def test_reaching_a_role_through_an_unknown_document_is_not_ok(results, name, status, depends_on):
    """Whether carol reaches administrator power depends on a trust the engine cannot read, dave's on a policy
    missing from the export: both are skipped, never passed; erin's one role is known to have no power."""
    found = results[("iam_principal_privilege_escalation", arn(OUTSIDE, "user", name))]
    assert found["status"] == status, found["reason"]
    assert depends_on is None or depends_on in found["reason"]


def test_who_can_on_a_resource_of_one_account_lists_none_of_another(loaded):
    """IAM users have no resource-based policy: only principals of the user's own account may act on it."""
    rows = who_can(loaded, "iam:CreateUser", arn(OUTSIDE, "user", "newcomer"))
    assert arn(OUTSIDE, "user", "grouped") in rows
    assert {row["account_id"] for row in rows.values()} == {OUTSIDE}
    # the same action on a resource of the member account: its SCP denies IAM to all of them but the service-linked
    # role, which SCPs do not affect
    assert list(who_can(loaded, "iam:CreateUser", arn(MEMBER, "user", "newcomer"))) == [
        arn(MEMBER, "role", "AWSServiceRoleForSupport", "/aws-service-role/support.amazonaws.com/")]
