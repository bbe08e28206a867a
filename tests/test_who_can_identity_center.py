"""Who may assume the role IAM Identity Center provisions for a permission set: the users and groups the permission
set is assigned to in the role's account, the members of those groups included, for the permission set that role
stands for. AWS names the role ``AWSReservedSSO_<permission set name>_<unique suffix>`` under the path
``/aws-reserved/sso.amazonaws.com/<region>/``, the region of the Identity Center instance (IAM Identity Center User
Guide, "Referencing permission sets in resource policies, Amazon EKS, and AWS KMS").

Account 222222222222's `get-account-authorization-details` and two Identity Center instances' `aws sso-admin` and
`aws identitystore` outputs (one in eu-west-2, one in us-east-1, each with a permission set named Admins assigned
in the account) are loaded by the real loader into a database file."""

import json

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ACCOUNT = "222222222222"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:saml-provider/AWSSSO_5a6b7c8d9e0f1a2b_DO_NOT_DELETE"
ROLE_NAME = "AWSReservedSSO_Admins_0a1b2c3d4e5f6a7b"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-2/{ROLE_NAME}"
# region -> (instance id, identity store, permission set id, assignments (type, principal id))
INSTANCES = {
    "eu-west-2": ("ssoins-7a8b9c0d1e2f3a4b", "d-1111111111", "ps-0f1e2d3c4b5a6978",
                  [("USER", "u-ana"), ("GROUP", "g-ops")]),
    "us-east-1": ("ssoins-1a2b3c4d5e6f7a8b", "d-2222222222", "ps-99887766554433aa", [("USER", "u-zed")]),
}
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Federated": PROVIDER}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
    "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}]}
# identity store -> users, groups, memberships (group, user)
STORES = {
    "d-1111111111": ({"u-ana": "ana", "u-bob": "bob"}, {"g-ops": "platform-ops"},
                     [("g-ops", "u-bob"), ("g-ops", "u-ana")]),
    "d-2222222222": ({"u-zed": "zed"}, {}, []),
}


def sso_role(region: str, name: str) -> dict:
    return gaad_role(ACCOUNT, name, TRUST, attached=[ADMIN_ARN], path=f"/aws-reserved/sso.amazonaws.com/{region}/")


def gaad() -> dict:
    # the role of the us-east-1 instance's Admins, and one of a permission set Admins_Ops (not loaded) whose name
    # starts as Admins' does
    return {"UserDetailList": [], "GroupDetailList": [], "Policies": [], "RoleDetailList": [
        sso_role("eu-west-2", ROLE_NAME), sso_role("us-east-1", "AWSReservedSSO_Admins_99aa88bb77cc66dd"),
        sso_role("eu-west-2", "AWSReservedSSO_Admins_Ops_1122334455667788")]}


def identity_center_outputs() -> dict[str, dict]:
    outputs: dict[str, dict] = {}
    for region, (instance, store, permission_set, assignments) in INSTANCES.items():
        instance_arn = f"arn:aws:sso:::instance/{instance}"
        set_arn = f"arn:aws:sso:::permissionSet/{instance}/{permission_set}"
        users, groups, memberships = STORES[store]
        outputs |= {
            f"{region}-list-instances.json": {"Region": region, "Instances": [
                {"InstanceArn": instance_arn, "IdentityStoreId": store, "OwnerAccountId": ACCOUNT}]},
            f"{region}-list-permission-sets.json": {"Region": region, "InstanceArn": instance_arn,
                                                    "PermissionSets": [set_arn]},
            f"{region}-describe-permission-set.json": {"PermissionSet": {
                "Name": "Admins", "PermissionSetArn": set_arn, "CreatedDate": "2024-03-01T00:00:00Z"}},
            f"{region}-list-account-assignments.json": {"AccountAssignments": [
                {"AccountId": ACCOUNT, "PermissionSetArn": set_arn, "PrincipalType": kind, "PrincipalId": pid}
                for kind, pid in assignments]},
            f"{region}-list-users.json": {"IdentityStoreId": store, "Region": region, "Users": [
                {"UserName": name, "UserId": uid} for uid, name in users.items()]},
            f"{region}-list-groups.json": {"IdentityStoreId": store, "Region": region, "Groups": [
                {"DisplayName": name, "GroupId": gid} for gid, name in groups.items()]},
        }
        for group in groups:
            outputs[f"{region}-list-group-memberships-{group}.json"] = {
                "IdentityStoreId": store, "GroupId": group, "Region": region, "GroupMemberships": [
                    {"IdentityStoreId": store, "MembershipId": f"m-{g}-{u}", "GroupId": g, "MemberId": {"UserId": u}}
                    for g, u in memberships if g == group]}
    return outputs


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("identity_center")
    (folder / ACCOUNT).mkdir()
    (folder / ACCOUNT / "gaad.json").write_text(json.dumps(gaad()))
    for name, output in identity_center_outputs().items():
        (folder / ACCOUNT / name).write_text(json.dumps(output))
    path = folder / "sso.duckdb"
    con = db.connect(str(path))
    load_paths(con, [folder])
    con.close()
    return str(path)


def who_can(path: str) -> dict[str, dict]:
    done = CliRunner().invoke(app, ["who-can", "sts:AssumeRoleWithSAML", "--resource", ROLE, "--db", path,
                                    "-o", "json"])
    assert done.exit_code == 0, done.output
    return {row["principal"]: row for row in json.loads(done.output)}


def test_the_members_of_an_assigned_group_may_assume_the_role(loaded):
    rows = who_can(loaded)
    assert (rows["bob"]["principal_type"], rows["bob"]["path"]) == (
        "identity_center_user", "Identity Center, permission set Admins, through group platform-ops")
    assert json.loads(rows["bob"]["conditions"]) == [
        {"StringEquals": {"SAML:aud": ["https://signin.aws.amazon.com/saml"]}}]
    # ana is assigned directly, and is a member of the group too: one row, direct
    assert rows["ana"]["path"] == "Identity Center, permission set Admins"


def test_the_role_stands_for_the_permission_set_of_its_regions_instance(loaded):
    """The other instance's permission set is also named Admins, and assigned in the account to zed: its role is
    another one (under .../us-east-1/), so zed is not one of those who may assume this one."""
    assert {(p, r["principal_type"]) for p, r in who_can(loaded).items()} == {
        ("ana", "identity_center_user"), ("bob", "identity_center_user"), ("platform-ops", "identity_center_group")}


def test_the_inventory_names_the_holders_of_each_provisioned_role(loaded):
    """iam_nhi_inventory: each role has the holders of its own permission set (its instance's region, the whole name
    before the suffix), the members of an assigned group included."""
    done = CliRunner().invoke(app, ["query", "--db", loaded, "-o", "json",
                                    "select name, use_kind, used_by, detail from iam_nhi_inventory "
                                    "where use_kind like 'identity_center%' order by 1, 2, 3, 4"])
    assert done.exit_code == 0, done.output
    rows = [tuple(row.values()) for row in json.loads(done.output)["rows"]]
    admins = "permission set Admins"
    assert rows == [
        (ROLE_NAME, "identity_center_group", "platform-ops", admins),
        (ROLE_NAME, "identity_center_user", "ana", admins),
        (ROLE_NAME, "identity_center_user", "ana", f"{admins}, through group platform-ops"),
        (ROLE_NAME, "identity_center_user", "bob", f"{admins}, through group platform-ops"),
        ("AWSReservedSSO_Admins_99aa88bb77cc66dd", "identity_center_user", "zed", admins),
    ]
