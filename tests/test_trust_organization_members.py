"""A trust limited to the role's organization (``aws:PrincipalOrgID``, ``aws:PrincipalOrgPaths``) refuses a named
account the loaded organization does not list: its principals carry another organization's id and paths, or none,
and neither matches (IAM User Guide, "AWS global condition context keys"). Only when the member list is not loaded
does the answer depend on the condition (``AllowedIf``). And a principal ARN of another partition names no caller
of the role's partition (IAM User Guide, "IAM identifiers"; credentials of one partition cannot reach resources of
another). Roles of the dev account 222222222222 loaded from a ``get-account-authorization-details`` file by the
real loader into a database file, beside the organization of tests/data/organizations without its resource control
policy (which alone would refuse outsiders), and alone; beside them, account 444455556666 (outside the organization)
with a user allowed everything, asked of with ``iamsql simulate --principal``."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.load import load_paths
from iamsql.policy import parse_policy
from iamsql.policy.access import trust
from iamsql.policy.access.model import AccountModel, AttachedPolicy, Principal
from iamsql.policy.access.organization import Guardrails
from iamsql.policy.access.tables import Asker
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
DEV, PROD, OUTSIDER, ORGANIZATION = "222222222222", "333333333333", "444455556666", "o-a1b2c3d4e5"
DEV_OU, PROD_OU = "ou-a1b2-wkld0001", "ou-a1b2-prod0001"  # dev sits in Workloads, prod in Workloads/Prod
NAMED = [f"arn:aws:iam::{PROD}:root", f"arn:aws:iam::{OUTSIDER}:root"]
# role name -> (principals, condition)
TRUSTS = {
    "org-id": (NAMED, {"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION}}),
    "org-paths": (NAMED, {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORGANIZATION}/*"]}}),
    "prod-ou-path": (NAMED, {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORGANIZATION}/*/{PROD_OU}/*"]}}),
    "dev-ou-path": (NAMED, {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORGANIZATION}/*/{DEV_OU}/"]}}),
    "org-id-if-exists": (NAMED, {"StringEqualsIfExists": {"aws:PrincipalOrgID": ORGANIZATION}}),
    "org-paths-all-values": (NAMED, {"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": [f"{ORGANIZATION}/*"]}}),
    "star-prod-ou": ("*", {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORGANIZATION}/*/{PROD_OU}/*"]}}),
    "china-root": ([f"arn:aws-cn:iam::{PROD}:root"], None),
    "china-role": ([f"arn:aws-cn:iam::{OUTSIDER}:role/deploy"], None),
}


def role(name: str, principals: list[str], condition: dict | None) -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": principals}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return gaad_role(DEV, name, [statement], max_session_duration=3600)


BOB = f"arn:aws:iam::{OUTSIDER}:user/bob"


def user_bob() -> dict:
    return {"Path": "/", "UserName": "bob", "UserId": "AIDAEXAMPLEBOB000001", "Arn": BOB,
            "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "AttachedManagedPolicies": [], "Tags": [],
            "UserPolicyList": [{"PolicyName": "all", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}


def trust_rows(folder: Path, with_organization: bool, prod_placed: bool = True) -> dict[tuple[str, str], tuple]:
    """(role name, trusted) -> (trusted_kind, trusted_account, external, decision) of iam_role_trust_access;
    ``prod_placed=False`` leaves out the listing that places prod in its OU."""
    (folder / DEV).mkdir(parents=True)
    (folder / DEV / "gaad.json").write_text(json.dumps({
        "UserDetailList": [], "GroupDetailList": [], "Policies": [],
        "RoleDetailList": [role(name, *trust) for name, trust in TRUSTS.items()]}))
    (folder / OUTSIDER).mkdir()
    (folder / OUTSIDER / "gaad.json").write_text(json.dumps({
        "UserDetailList": [user_bob()], "GroupDetailList": [], "Policies": [], "RoleDetailList": []}))
    if with_organization:
        shutil.copytree(ORGANIZATIONS, folder / "organizations")
        (folder / "organizations" / "list-policies-for-target.json").unlink()  # OrgOnlyAssumeRole attached nowhere
        (folder / "organizations" / "list-targets-for-policy" / "p-rcporgonly.json").write_text('{"Targets": []}')
        if not prod_placed:
            (folder / "organizations" / "list-children" / f"{PROD_OU}.json").unlink()
    con = db.connect(str(folder / "iam.duckdb"))
    try:
        load_paths(con, [folder])
    finally:
        con.close()
    done = CliRunner().invoke(app, ["query", "--db", str(folder / "iam.duckdb"), "-o", "json",
                                    "select role_name, trusted, trusted_kind, trusted_account, external, decision "
                                    "from iam_role_trust_access"])
    assert done.exit_code == 0, done.output
    return {(row.pop("role_name"), row.pop("trusted")): tuple(row.values()) for row in json.loads(done.output)["rows"]}


@pytest.fixture(scope="module")
def members_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("members")
    return folder, trust_rows(folder, True)


@pytest.fixture(scope="module")
def in_organization(members_folder):
    return members_folder[1]


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    return trust_rows(tmp_path_factory.mktemp("alone"), False)


@pytest.mark.parametrize("name", ["org-id", "org-paths", "prod-ou-path"])
def test_an_account_outside_the_loaded_organization_is_refused(in_organization, name):
    assert in_organization[(name, NAMED[1])] == ("account", OUTSIDER, True, "ImplicitlyDenied")


def test_a_member_account_is_admitted_by_its_organization_id(in_organization):
    assert in_organization[("org-id", NAMED[0])] == ("account", PROD, True, "Allowed")


@pytest.fixture(scope="module")
def prod_not_placed(tmp_path_factory):
    return trust_rows(tmp_path_factory.mktemp("unplaced"), True, prod_placed=False)


@pytest.mark.parametrize("name", ["org-paths", "prod-ou-path"])
def test_a_member_account_is_admitted_by_its_path_in_the_loaded_tree(in_organization, name):
    """aws:PrincipalOrgPaths of a member account is its path from the loaded tree: o-.../r-.../Workloads/Prod/."""
    assert in_organization[(name, NAMED[0])] == ("account", PROD, True, "Allowed")


def test_a_member_account_under_another_ou_is_refused_by_path(in_organization):
    assert in_organization[("dev-ou-path", NAMED[0])] == ("account", PROD, True, "ImplicitlyDenied")


@pytest.mark.parametrize("name", ["org-paths", "prod-ou-path", "dev-ou-path"])
def test_a_member_account_path_not_loaded_stays_a_condition(prod_not_placed, name):
    assert prod_not_placed[(name, NAMED[0])][3] == "AllowedIf"


def test_anyone_in_an_ou_is_answered_by_a_member_placed_there(in_organization, prod_not_placed):
    """"*" limited to the Prod OU's path admits the principals of prod, the member placed there; with prod not
    placed, whether a member's path matches is what it depends on."""
    assert in_organization[("star-prod-ou", "*")] == ("anyone", PROD, True, "Allowed")
    assert prod_not_placed[("star-prod-ou", "*")][3] == "AllowedIf"


@pytest.mark.parametrize("name", ["org-id-if-exists", "org-paths-all-values"])
def test_an_account_outside_the_loaded_organization_may_be_in_none(in_organization, name):
    """An account the organization does not list may be in no organization, whose principals carry neither key:
    StringEqualsIfExists and ForAllValues then hold, so the answer depends on the keys (not a refusal)."""
    assert in_organization[(name, NAMED[1])] == ("account", OUTSIDER, True, "AllowedIf")


@pytest.mark.parametrize("name", ["org-id-if-exists", "org-paths-all-values"])
def test_a_member_account_is_admitted_by_conditions_absent_keys_also_meet(in_organization, name):
    assert in_organization[(name, NAMED[0])] == ("account", PROD, True, "Allowed")


@pytest.mark.parametrize("name", ["org-id", "org-paths"])
def test_without_the_member_list_the_organization_is_what_it_depends_on(alone, name):
    assert alone[(name, NAMED[1])] == ("account", OUTSIDER, True, "AllowedIf")


@pytest.mark.parametrize("name", ["china-root", "china-role"])
def test_a_principal_of_another_partition_is_no_account_here(in_organization, name):
    (trusted,), _ = TRUSTS[name]
    assert in_organization[(name, trusted)] == ("principal", None, False, "ImplicitlyDenied")


def test_an_organization_using_no_resource_control_policy_still_fixes_membership():
    """The member list decides even when no RCP is in use (the answer must not hang on RCPs being loaded)."""
    rails = Guardrails(DEV, ORGANIZATION, "111111111111", scps=[], rcps=[], members=frozenset({DEV, PROD}))
    document = role("org-id", *TRUSTS["org-id"])["AssumeRolePolicyDocument"]
    answers = {entry.account: trust.ask(f"arn:aws:iam::{DEV}:role/org-id", DEV, parse_policy(document), entry, rails)
               for entry in trust.entries(document, "aws", DEV)}
    assert {account: answer.decision for account, answer in answers.items()} == {
        PROD: "Allowed", OUTSIDER: "ImplicitlyDenied"}


@pytest.mark.parametrize("name", ["org-id", "org-paths"])
def test_a_loaded_user_outside_the_organization_is_refused_by_simulate(members_folder, name):
    done = CliRunner().invoke(app, ["simulate", "--db", str(members_folder[0] / "iam.duckdb"), "--principal", BOB,
                                    "--action", "sts:AssumeRole", "--resource", f"arn:aws:iam::{DEV}:role/{name}",
                                    "--unknown-context", "-o", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["decision"] == "ImplicitlyDenied"


@pytest.mark.parametrize("static, expected", [(True, "AllowedIf"), (False, "Unknown")])
def test_simulate_keeps_open_whether_a_loaded_user_outside_is_in_an_organization(members_folder, static, expected):
    """bob's account is not in the loaded organization and nothing says it is in another: StringEqualsIfExists on
    aws:PrincipalOrgID admits it if it is in none, so the answer depends on the key (static) or is not known."""
    done = CliRunner().invoke(app, ["simulate", "--db", str(members_folder[0] / "iam.duckdb"), "--principal", BOB,
                                    "--action", "sts:AssumeRole", "--resource", f"arn:aws:iam::{DEV}:role/org-id-if-exists",
                                    *(["--unknown-context"] if static else []), "-o", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["decision"] == expected


def test_who_can_leaves_out_a_loaded_user_outside_the_organization(members_folder):
    done = CliRunner().invoke(app, ["who-can", "--db", str(members_folder[0] / "iam.duckdb"), "sts:AssumeRole",
                                    "--resource", f"arn:aws:iam::{DEV}:role/org-paths", "-o", "json"])
    assert done.exit_code == 0, done.output
    principals = {row["principal"] for row in json.loads(done.output)}
    assert f"arn:aws:iam::{PROD}:root" in principals and BOB not in principals


def test_a_principal_outside_asking_across_accounts_may_be_in_no_organization():
    """The access tables ask a principal of an account with no loaded organization data about a role of a member
    account as who-can does: StringEqualsIfExists on aws:PrincipalOrgID holds if its account is in no organization,
    fails if it is in another, so the answer depends on the key."""
    rails = Guardrails(DEV, ORGANIZATION, "111111111111", scps=[], rcps=[], members=frozenset({DEV, PROD}))
    document = role("org-id-if-exists", *TRUSTS["org-id-if-exists"])["AssumeRolePolicyDocument"]
    target = Principal(f"arn:aws:iam::{DEV}:role/org-id-if-exists", "role", "org-id-if-exists", "/", DEV, "aws",
                       trust=AttachedPolicy("trust", parse_policy(document), document))
    everything = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    bob = Principal(BOB, "user", "bob", "/", OUTSIDER, "aws", [AttachedPolicy("all", parse_policy(everything), everything)])
    result = Asker(AccountModel(OUTSIDER, "aws", [bob], {})).assume_across(bob, target, DEV, rails)
    assert result.decision == "AllowedIf", result.reason
