"""A trust of ``"*"`` limited by a condition on the caller's organization admits a principal of an account in no
organization when the condition holds without the key: ``ForAllValues`` is true when the key is absent (IAM User
Guide, "Multivalued context keys"), and a principal outside any organization has no ``aws:PrincipalOrgID`` or
``aws:PrincipalOrgPaths`` (IAM User Guide, "AWS global condition context keys"), so anyone who opens an account
may assume the role. ``StringEquals`` and ``ForAnyValue`` are false without the key and do limit the trust. Roles
of the dev account 222222222222 loaded from a ``get-account-authorization-details`` file by the real loader into a
database file: alone, beside the organization of tests/data/organizations without its resource control policy,
and beside it whole (its RCP refuses ``sts:AssumeRole`` from outside the organization, absent key included)."""

import json
import shutil
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
DEV, ORGANIZATION = "222222222222", "o-a1b2c3d4e5"
CONTROL = "iam_role_trust_no_wildcard_principal"
# role name -> condition of its "*" trust, and its status with no RCP refusing outsiders
TRUSTS = {
    "all-paths": ({"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": [f"{ORGANIZATION}/*"]}}, "alarm"),
    "all-ids": ({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": [ORGANIZATION]}}, "alarm"),
    "any-path": ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{ORGANIZATION}/*"]}}, "ok"),
    "org-id": ({"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION}}, "ok"),
}


def role(name: str, condition: dict) -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": condition}
    return gaad_role(DEV, name, [statement], max_session_duration=3600)


def statuses(folder: Path, organization: str | None) -> dict[str, str]:
    """The control's status by role name, the roles loaded alone (``organization`` None), beside the organization
    without its RCP (``"no-rcp"``) or beside it whole (``"rcp"``)."""
    (folder / DEV).mkdir(parents=True)
    (folder / DEV / "gaad.json").write_text(json.dumps({
        "UserDetailList": [], "GroupDetailList": [], "Policies": [],
        "RoleDetailList": [role(name, condition) for name, (condition, _) in TRUSTS.items()]}))
    if organization:
        shutil.copytree(ORGANIZATIONS, folder / "organizations")
        if organization == "no-rcp":  # the attachment of OrgOnlyAssumeRole to the root
            (folder / "organizations" / "list-policies-for-target.json").unlink()  # OrgOnlyAssumeRole attached nowhere
            (folder / "organizations" / "list-targets-for-policy" / "p-rcporgonly.json").write_text('{"Targets": []}')
    con = db.connect(str(folder / "iam.duckdb"))
    try:
        load_paths(con, [folder])
        results = controls.results(con, controls.run_checks(con, controls=[CONTROL]))
    finally:
        con.close()
    return {r["resource"].rsplit("/", 1)[-1]: r["status"] for r in results if ":role/" in r["resource"]}


@pytest.fixture(scope="module", params=[None, "no-rcp"])
def without_rcp(request, tmp_path_factory):
    return statuses(tmp_path_factory.mktemp("no_org"), request.param)


@pytest.mark.parametrize("name", TRUSTS)
def test_a_condition_true_without_the_organization_keys_admits_anyone(without_rcp, name):
    assert without_rcp[name] == TRUSTS[name][1]


def test_a_resource_control_policy_refusing_outsiders_closes_every_such_trust(tmp_path):
    assert statuses(tmp_path, "rcp") == dict.fromkeys(TRUSTS, "ok")
