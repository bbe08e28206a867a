"""RCPs are read only in the form AWS Organizations accepts (AWS Organizations User Guide, "RCP syntax"): "Each
statement must contain the Principal element. You can only specify "*" in the Principal element of an RCP", "Each
statement must contain the Resource or NotResource element", "NotPrincipal" and "NotAction" "are not supported in
RCPs", "Every RCP must include a Version element with the value "2012-10-17"", and "The effect of Allow is only
supported for the RCPFullAWSAccess policy"; a Deny's actions must be of services RCPs support. Another shape is a
malformed document: an error in a request, an unknown document in the loaded data (``Unknown`` answers, never an
allow)."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.errors import PolicyError
from iamsql.load import load_paths
from iamsql.policy import simulate
from iamsql.store import db
from tests.test_policy_engine import ADMIN, BOB_B, OBJECT, RCP_FULL, A, decide, doc

BUCKET_FOR_B = doc({"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:GetObject",
                    "Resource": OBJECT})
DENY_GET = {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}


def ask(*rcps, context=None) -> dict:
    """The answer for BOB_B reading an object of account A that the bucket policy grants him, under ``rcps`` (one
    level), through ``simulate``."""
    request = {"action": "s3:GetObject", "resource": OBJECT, "resource_account": A, "principal": BOB_B,
               "identity_policies": [ADMIN], "resource_policy": BUCKET_FOR_B, "rcps": [list(rcps)],
               "context": context or {}}
    return simulate([request])[0]


def without(statement: dict, key: str) -> dict:
    return {k: v for k, v in statement.items() if k != key}


MALFORMED = {
    "no-principal": doc(without(DENY_GET, "Principal")),
    "principal-names-an-account": doc({**DENY_GET, "Principal": {"AWS": "444455556666"}}),
    "principal-names-a-service": doc({**DENY_GET, "Principal": {"Service": "s3.amazonaws.com"}}),
    "principal-lists-star-and-an-account": doc({**DENY_GET, "Principal": {"AWS": ["*", "444455556666"]}}),
    "not-principal": doc({**without(DENY_GET, "Principal"), "NotPrincipal": {"AWS": "111122223333"}}),
    "not-action": doc({**without(DENY_GET, "Action"), "NotAction": "s3:PutObject"}),
    "no-resource": doc(without(DENY_GET, "Resource")),
    "no-version": {"Statement": [DENY_GET]},
    "old-version": doc(DENY_GET, version="2008-10-17"),
    "allow-of-one-action": doc({**DENY_GET, "Effect": "Allow"}),
    "allow-with-a-condition": doc({**RCP_FULL["Statement"][0],
                                   "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}),
    # "RCPs only support specifying select service prefixes in the Action element" (IAM User Guide, "IAM policy
    # validation check reference", RCP syntax error action): a Deny of "*" or of a service RCPs do not cover
    "deny-of-every-action": doc({**DENY_GET, "Action": "*"}),
    "deny-of-a-service-rcps-do-not-cover": doc({**DENY_GET, "Action": "ec2:*"}),
    "deny-listing-one-service-rcps-do-not-cover": doc({**DENY_GET, "Action": ["s3:GetObject", "ec2:RunInstances"]}),
    "deny-of-a-wildcard-service": doc({**DENY_GET, "Action": "s*:GetObject"}),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_an_rcp_of_another_form_is_malformed(name):
    result = ask(RCP_FULL, MALFORMED[name])
    assert result["decision"] == "Error" and "RCP" in result["reason"], result
    with pytest.raises(PolicyError):
        decide("s3:GetObject", OBJECT, principal=BOB_B, resource_account=A, identity_policies=[ADMIN],
               resource_policy=BUCKET_FOR_B, rcps=[[RCP_FULL, MALFORMED[name]]])


def test_an_rcp_without_resource_says_so_with_the_shared_check():
    # the check every policy kind but a trust policy shares ("All policies except role trust policies must include a
    # Resource or NotResource element"), its message naming the RCP and the statement
    result = ask(RCP_FULL, MALFORMED["no-resource"])
    assert result["decision"] == "Error"
    assert "statement 0: an RCP statement needs Resource or NotResource" in result["reason"], result


def test_an_rcp_without_principal_no_longer_applies_to_everyone_silently():
    # the same Deny with Principal "*" refuses the caller; without Principal it is no RCP AWS accepts
    assert ask(RCP_FULL, doc(DENY_GET))["decision"] == "ExplicitlyDenied"
    assert ask(RCP_FULL, MALFORMED["no-principal"])["decision"] == "Error"


@pytest.mark.parametrize("rcp", [
    doc({"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["*"], "Resource": ["*"]}),  # Steampipe's _std form
    doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*", "Resource": "*"}),
])
def test_the_full_access_rcp_in_its_other_written_forms_is_read(rcp):
    assert ask(rcp)["decision"] == "Allowed"
    assert ask(rcp, doc({**DENY_GET, "Principal": {"AWS": ["*"]}}))["decision"] == "ExplicitlyDenied"


def test_a_deny_of_services_rcps_cover_is_read():
    deny = doc({**DENY_GET, "Action": ["sts:*", "S3:Get*", "kms:Decrypt"]})  # action names are case-insensitive
    assert ask(RCP_FULL, deny)["decision"] == "ExplicitlyDenied"


def test_a_deny_with_not_resource_and_conditions_is_read():
    perimeter = doc({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": "arn:aws:s3:::public/*",
                     "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}})
    assert ask(RCP_FULL, perimeter)["decision"] == "ExplicitlyDenied"
    assert ask(RCP_FULL, perimeter, context={"aws:PrincipalOrgID": "o-a1b2c3d4e5"})["decision"] == "Allowed"


def test_an_rcp_that_does_not_apply_is_not_read():
    # RCPs do not apply to the management account's resources (AWS Organizations User Guide, "Resource control
    # policies"): a document that is never read decides nothing
    request = {"action": "s3:GetObject", "resource": OBJECT, "resource_account": A, "principal": BOB_B,
               "identity_policies": [ADMIN], "resource_policy": BUCKET_FOR_B, "management_account_id": A,
               "rcps": [[RCP_FULL, MALFORMED["no-principal"]]]}
    assert simulate([request])[0]["decision"] == "Allowed"


# --- loaded data: an RCP not in AWS's form is not readable, so the answers it could change are Unknown -------------
ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
MEMBER = "222222222222"
SAML = f"arn:aws:iam::{MEMBER}:saml-provider/corp"
SAML_ROLE = f"arn:aws:iam::{MEMBER}:role/saml-ops"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> str:
    """The organization of tests/data/organizations whose root RCP's Deny names no Principal, over a member account
    with a role SAML users assume."""
    folder = tmp_path_factory.mktemp("rcp_syntax")
    shutil.copytree(ORGANIZATIONS, folder / "organizations")
    rcp_file = folder / "organizations" / "describe-policy-rcp.json"
    described = json.loads(rcp_file.read_text())
    content = json.loads(described["Policy"]["Content"])
    content["Statement"] = [without(statement, "Principal") for statement in content["Statement"]]
    described["Policy"]["Content"] = json.dumps(content)
    rcp_file.write_text(json.dumps(described))
    trust = doc({"Effect": "Allow", "Principal": {"Federated": SAML}, "Action": "sts:AssumeRoleWithSAML"})
    role = {"Path": "/", "RoleName": "saml-ops", "RoleId": "AROASAMLOPSXXXXXXXXXX", "Arn": SAML_ROLE,
            "CreateDate": "2024-03-01T00:00:00Z", "AssumeRolePolicyDocument": trust, "InstanceProfileList": [],
            "Tags": [], "RolePolicyList": [], "AttachedManagedPolicies": []}
    (folder / MEMBER).mkdir()
    (folder / MEMBER / "gaad.json").write_text(json.dumps(
        {"UserDetailList": [], "GroupDetailList": [], "Policies": [], "RoleDetailList": [role]}))
    path = folder / "rcp.duckdb"
    con = db.connect(str(path))
    load_paths(con, [folder])
    con.close()
    return str(path)


def test_a_loaded_rcp_without_principal_is_not_readable(loaded):
    from iamsql.policy.access.organization import guardrails

    con = db.connect(loaded)
    try:
        rails = guardrails(con)[MEMBER]
    finally:
        con.close()
    root_level = rails.rcps[0]
    assert len(root_level) == 2 and sum(policy is None for policy in root_level) == 1, root_level


def test_simulate_under_an_unreadable_rcp_is_unknown(loaded):
    done = CliRunner().invoke(app, ["simulate", "--db", loaded, "--principal", SAML, "--action",
                                    "sts:AssumeRoleWithSAML", "--resource", SAML_ROLE, "-o", "json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert (result["decision"], result["missing"]) == ("Unknown", ["rcps[0][1]"]), result
