"""SCPs name no principal: AWS Organizations does not support ``Principal`` or ``NotPrincipal`` in an SCP (AWS
Organizations User Guide, "SCP syntax"; IAM User Guide, "AWS JSON policy elements: NotPrincipal": "Service control
policies (SCPs) and resource control policies (RCPs) don't support the NotPrincipal element"; IAM Access Analyzer's
policy checks report "SCP syntax error principal"). A document naming either is malformed: an error in a request, an
unknown document in the loaded data (``Unknown`` answers, never an allow nor a deny read from it)."""

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
from tests.test_policy_engine import ADMIN, ALICE, MGMT, A, decide, doc

DENY_IAM = {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
MALFORMED = {
    "deny-principal-star": doc({**DENY_IAM, "Principal": "*"}),
    "deny-principal-aws-star": doc({**DENY_IAM, "Principal": {"AWS": "*"}}),
    "deny-not-principal": doc({**DENY_IAM, "NotPrincipal": {"AWS": ALICE}}),
    "allow-principal-star": doc({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
}


def ask(*scps, management=None) -> dict:
    request = {"action": "iam:CreateUser", "resource": f"arn:aws:iam::{A}:user/new", "principal": ALICE,
               "identity_policies": [ADMIN], "scps": [list(scps)], "management_account_id": management}
    return simulate([request])[0]


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_an_scp_naming_a_principal_is_malformed(name):
    # never Allowed through an Allow that names "*", never ExplicitlyDenied by a Deny whose NotPrincipal exempts alice
    result = ask(ADMIN, MALFORMED[name])
    assert result["decision"] == "Error" and "SCP" in result["reason"], result
    with pytest.raises(PolicyError):
        decide("iam:CreateUser", identity_policies=[ADMIN], scps=[[MALFORMED[name]]])


def test_the_same_scp_without_principal_is_read():
    assert ask(ADMIN, doc(DENY_IAM))["decision"] == "ExplicitlyDenied"
    assert ask(ADMIN)["decision"] == "Allowed"


def test_an_scp_that_does_not_apply_is_not_read():
    # SCPs do not apply to the management account's principals: a document that is never read decides nothing
    assert ask(ADMIN, MALFORMED["deny-principal-star"], management=A)["decision"] == "Allowed"
    assert ask(ADMIN, MALFORMED["deny-principal-star"], management=MGMT)["decision"] == "Error"


# --- loaded data: a malformed SCP (a principal, no Resource) is not readable, its answers Unknown -----------------
ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
MEMBER = "222222222222"
ADMIN_USER = f"arn:aws:iam::{MEMBER}:user/ops"


@pytest.fixture(scope="module", params=["principal", "no-resource"])
def loaded(tmp_path_factory, request) -> str:
    """The organization of tests/data/organizations whose root SCP DenyIAM names Principal "*" (or has no Resource:
    "All policies except role trust policies must include a Resource or NotResource element", IAM User Guide, "IAM
    policy validation check reference"), over a member account with an administrator user."""
    folder = tmp_path_factory.mktemp("scp_syntax")
    shutil.copytree(ORGANIZATIONS, folder / "organizations")
    scp_file = folder / "organizations" / "describe-policy-denyiam.json"
    described = json.loads(scp_file.read_text())
    content = json.loads(described["Policy"]["Content"])
    if request.param == "principal":
        content["Statement"] = [{**statement, "Principal": "*"} for statement in content["Statement"]]
    else:
        content["Statement"] = [{k: v for k, v in statement.items() if k != "Resource"}
                                for statement in content["Statement"]]
    described["Policy"]["Content"] = json.dumps(content)
    scp_file.write_text(json.dumps(described))
    user = {"Path": "/", "UserName": "ops", "UserId": "AIDAOPSXXXXXXXXXXXXXX", "Arn": ADMIN_USER,
            "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "Tags": [], "AttachedManagedPolicies": [],
            "UserPolicyList": [{"PolicyName": "admin", "PolicyDocument": ADMIN}]}
    (folder / MEMBER).mkdir()
    (folder / MEMBER / "gaad.json").write_text(json.dumps(
        {"UserDetailList": [user], "GroupDetailList": [], "Policies": [], "RoleDetailList": []}))
    path = folder / "scp.duckdb"
    con = db.connect(str(path))
    load_paths(con, [folder])
    con.close()
    return str(path)


def test_a_loaded_malformed_scp_is_not_readable(loaded):
    from iamsql.policy.access.organization import guardrails

    con = db.connect(loaded)
    try:
        root_level = guardrails(con)[MEMBER].scps[0]
    finally:
        con.close()
    assert len(root_level) == 2 and sum(policy is None for policy in root_level) == 1, root_level


@pytest.mark.parametrize("action", ["iam:CreateUser", "s3:ListAllMyBuckets"])
def test_simulate_under_an_unreadable_scp_is_unknown(loaded, action):
    # the unreadable SCP could deny any action (its Deny is read nowhere): Unknown, neither Allowed nor denied
    done = CliRunner().invoke(app, ["simulate", "--db", loaded, "--principal", ADMIN_USER, "--action", action,
                                    "-o", "json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert (result["decision"], result["missing"]) == ("Unknown", ["scps[0][1]"]), result
