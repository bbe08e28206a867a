"""A Deny whose conditions are not known means "allowed unless they hold": the engine's tables and `iamsql who-can`
carry those conditions (``deny_conditions``) beside the Allow's, for a role trust's own Deny, for an RCP's Deny on
callers outside the account, and for a principal's identity policies.

Account 444444444444 (outside the organization, no guardrails) and member account 222222222222 (under the
organization of tests/data/organizations, whose RCP here also refuses sts:AssumeRole from outside one network) are
loaded from `get-account-authorization-details` files by the real loader into a database file."""

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

from .cloudtrail_events import event, load_accounts

ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
OUTSIDE, MEMBER, SISTER, PARTNER = "444444444444", "222222222222", "333333333333", "555555555555"
ORGANIZATION = "o-a1b2c3d4e5"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
NETWORK = "203.0.113.0/24"
OFF_NETWORK = [{"NotIpAddress": {"aws:SourceIp": [NETWORK]}}]
WITHOUT_EXTERNAL_ID = [{"StringNotEquals": {"sts:ExternalId": ["x7"]}}]
WITHOUT_MFA = [{"Bool": {"aws:MultiFactorAuthPresent": ["false"]}}]


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def role(account: str, name: str, trust: dict, attached=()) -> dict:
    return gaad_role(account, name, trust, attached=attached)


def administrator_access() -> dict:
    return {"PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK", "Arn": ADMIN_ARN, "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
            "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z",
            "PolicyVersionList": [{"Document": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
                                   "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": "2015-02-06T18:39:46Z"}]}


def trusting(account: str, *statements) -> dict:
    allow = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"}, "Action": "sts:AssumeRole"}
    return doc(allow, *statements)


def refusing(condition: dict) -> dict:
    return {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": condition}


def anyone_but(condition: dict) -> dict:
    """A trust of "*" whose Deny refuses the callers for which ``condition`` holds."""
    return doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, refusing(condition))


def outside_account() -> dict:
    # a partner's role: its trust refuses sts:AssumeRole without the partner's external id
    external = role(OUTSIDE, "partner-access", trusting(PARTNER, refusing({"StringNotEquals": {"sts:ExternalId": "x7"}})))
    # "*" limited by a Deny to one organization (a key that names the caller), and to one network (one that does not)
    organization = role(OUTSIDE, "organization-by-deny", anyone_but({"StringNotEquals": {"aws:PrincipalOrgID": ORGANIZATION}}))
    network = role(OUTSIDE, "network-by-deny", anyone_but({"NotIpAddress": {"aws:SourceIp": NETWORK}}))
    # an administrator who may act only with MFA: an Allow without condition under a conditional Deny
    admin = {"Path": "/", "UserName": "mfa-admin", "UserId": "AIDAMFAADMINXXXXXXXXX",
             "Arn": f"arn:aws:iam::{OUTSIDE}:user/mfa-admin", "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [],
             "Tags": [], "AttachedManagedPolicies": [{"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}],
             "UserPolicyList": [{"PolicyName": "mfa", "PolicyDocument": doc({
                 "Effect": "Deny", "Action": "*", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})}]}
    return {"UserDetailList": [admin], "GroupDetailList": [], "RoleDetailList": [external, organization, network],
            "Policies": [administrator_access()]}


def member_account() -> dict:
    return {"UserDetailList": [], "GroupDetailList": [], "Policies": [],
            "RoleDetailList": [role(MEMBER, "sister-access", trusting(SISTER))]}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("deny_conditions")
    shutil.copytree(ORGANIZATIONS, folder / "organizations")
    # the organization's RCP also refuses sts:AssumeRole from outside one network
    rcp_file = folder / "organizations" / "describe-policy-rcp.json"
    described = json.loads(rcp_file.read_text())
    content = json.loads(described["Policy"]["Content"])
    content["Statement"].append({"Sid": "CorporateNetwork", "Effect": "Deny", "Principal": "*",
                                 "Action": "sts:AssumeRole", "Resource": "*",
                                 "Condition": {"NotIpAddress": {"aws:SourceIp": NETWORK}}})
    described["Policy"]["Content"] = json.dumps(content)
    rcp_file.write_text(json.dumps(described))
    for account, details in ((OUTSIDE, outside_account()), (MEMBER, member_account())):
        (folder / account).mkdir()
        (folder / account / "gaad.json").write_text(json.dumps(details))
    path = folder / "deny.duckdb"
    con = db.connect(str(path))
    load_paths(con, [folder])
    con.close()
    return str(path)


def query(path: str, sql: str) -> list[dict]:
    done = CliRunner().invoke(app, ["query", "--db", path, "-o", "json", sql])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)["rows"]


def trust_row(path: str, role_name: str, trusted: str) -> dict:
    rows = query(path, "select decision, conditions, deny_conditions, requires_external_id, names_caller "
                       f"from iam_role_trust_access where role_name = '{role_name}' and trusted = '{trusted}'")
    assert len(rows) == 1, rows
    return rows[0]


def who_can(path: str, role_arn: str) -> dict[str, dict]:
    done = CliRunner().invoke(app, ["who-can", "sts:AssumeRole", "--resource", role_arn, "--db", path, "-o", "json"])
    assert done.exit_code == 0, done.output
    return {row["principal"]: row for row in json.loads(done.output)}


def test_a_trusts_conditional_deny_is_in_its_row(loaded):
    """The partner's account is let in unless the Deny's condition holds: without the external id it is refused,
    so the trust requires it as an Allow conditioned on it would."""
    row = trust_row(loaded, "partner-access", f"arn:aws:iam::{PARTNER}:root")
    assert (row["decision"], row["conditions"]) == ("AllowedIf", None)
    assert row["deny_conditions"] == WITHOUT_EXTERNAL_ID
    assert row["requires_external_id"] is True


def test_an_rcps_conditional_deny_is_in_the_trust_row(loaded):
    row = trust_row(loaded, "sister-access", f"arn:aws:iam::{SISTER}:root")
    assert (row["decision"], row["conditions"]) == ("AllowedIf", None)
    assert row["deny_conditions"] == OFF_NETWORK
    assert row["requires_external_id"] is False and row["names_caller"] is False


def test_who_can_carries_the_deny_conditions_of_outside_principals(loaded):
    partner = who_can(loaded, f"arn:aws:iam::{OUTSIDE}:role/partner-access")[f"arn:aws:iam::{PARTNER}:root"]
    assert partner["decision"] == "AllowedIf" and json.loads(partner["deny_conditions"]) == WITHOUT_EXTERNAL_ID
    sister = who_can(loaded, f"arn:aws:iam::{MEMBER}:role/sister-access")[f"arn:aws:iam::{SISTER}:root"]
    assert sister["decision"] == "AllowedIf" and json.loads(sister["deny_conditions"]) == OFF_NETWORK


def test_a_principals_answer_carries_its_conditional_deny(loaded):
    """AdministratorAccess under a Deny of everything without MFA: administrator unless the Deny's condition holds."""
    rows = query(loaded, "select question, decision, conditions, deny_conditions from iam_principal_access "
                         f"where principal_arn = 'arn:aws:iam::{OUTSIDE}:user/mfa-admin' "
                         "and question in ('full_admin', 'iam_admin') order by question")
    assert [(r["question"], r["decision"], r["conditions"]) for r in rows] == [
        ("full_admin", "AllowedIf", None), ("iam_admin", "AllowedIf", None)]
    assert [r["deny_conditions"] for r in rows] == [WITHOUT_MFA, WITHOUT_MFA]


def test_a_star_trust_a_deny_limits_to_one_organization_names_its_callers(loaded):
    """Refused unless aws:PrincipalOrgID is the organization's: only its principals get in, as with an Allow on
    StringEquals aws:PrincipalOrgID. A Deny outside one network limits how, not who: "*" stays open."""
    con = db.connect(loaded)
    try:
        run_id = controls.run_checks(con, controls=["iam_role_trust_no_wildcard_principal"])
        results = {r["resource"].rsplit("/", 1)[-1]: r for r in controls.results(con, run_id)}
    finally:
        con.close()
    organization = results["organization-by-deny"]
    assert organization["status"] == "ok" and "aws:principalorgid" in organization["reason"], organization
    network = results["network-by-deny"]
    assert network["status"] == "alarm" and "aws:sourceip" in network["reason"], network


def test_a_new_trusts_conditional_deny_is_in_its_event_row(tmp_path):
    as_of = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
    document = trusting(PARTNER, refusing({"StringNotEquals": {"sts:ExternalId": "x7"}}))
    update = event(OUTSIDE, datetime(2024, 6, 1, 11, 0, tzinfo=timezone.utc), "UpdateAssumeRolePolicy", user="admin",
                   request={"roleName": "partner-access", "policyDocument": json.dumps(document)})
    con = db.connect(tmp_path / "events.duckdb")
    try:
        load_accounts(con, {OUTSIDE: {"aws_cloudtrail_trail_event": [update]}}, as_of)
        controls.create_views(con, names=[], engine_tables=("iam_event_trust_access",))
        rows = con.execute("select trusted, decision, conditions, deny_conditions, requires_external_id "
                           "from iam_event_trust_access").fetchall()
    finally:
        con.close()
    assert [(t, d, c, json.loads(deny), e) for t, d, c, deny, e in rows] == [
        (f"arn:aws:iam::{PARTNER}:root", "AllowedIf", None, WITHOUT_EXTERNAL_ID, True)]
