"""`iamsql simulate --principal` for sts:AssumeRoleWithSAML and sts:AssumeRoleWithWebIdentity: no IAM user or role
calls them (they take a SAML assertion or a web identity token, not AWS credentials; IAM User Guide, "Compare AWS
STS credentials"), the identity provider the role's trust names in ``Federated`` does, with the provider's keys
(``SAML:aud``, ``<provider>:aud``/``:sub``) as conditions. Account 123456789012 is loaded from a
`get-account-authorization-details` file by the real loader into a database file."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ACCOUNT = "123456789012"
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/corporate-idp"
GITHUB = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
SIGN_IN = "https://signin.aws.amazon.com/saml"


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def role(name: str, trust: dict) -> dict:
    return gaad_role(ACCOUNT, name, trust)


def gaad() -> dict:
    alice = {"Path": "/", "UserName": "alice", "UserId": "AIDAALICEXXXXXXXXXXXX", "GroupList": [], "Tags": [],
             "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "CreateDate": "2024-03-01T00:00:00Z",
             "AttachedManagedPolicies": [], "UserPolicyList": [{"PolicyName": "sts", "PolicyDocument": doc(
                 {"Effect": "Allow", "Action": "sts:*", "Resource": "*"})}]}
    roles = [
        role("corporate-admin", doc({"Effect": "Allow", "Principal": {"Federated": SAML},
                                     "Action": "sts:AssumeRoleWithSAML",
                                     "Condition": {"StringEquals": {"SAML:aud": SIGN_IN}}})),
        role("github-deploy", doc({"Effect": "Allow", "Principal": {"Federated": GITHUB},
                                   "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {
                                       "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                                       "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}}})),
        # sts:* to the account: its IAM principals may call sts:AssumeRole, not the federated actions
        role("any-sts", doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                             "Action": "sts:*"})),
    ]
    return {"UserDetailList": [alice], "GroupDetailList": [], "RoleDetailList": roles, "Policies": []}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("federated")
    (folder / ACCOUNT).mkdir()
    (folder / ACCOUNT / "gaad.json").write_text(json.dumps(gaad()))
    path = folder / "federated.duckdb"
    con = db.connect(str(path))
    load_paths(con, [folder])
    con.close()
    return str(path)


def arguments(path: str, principal: str, action: str, role_name: str | None, *extra: str) -> list[str]:
    resource = ["--resource", f"arn:aws:iam::{ACCOUNT}:role/{role_name}"] if role_name else []
    return ["simulate", "--db", path, "--principal", principal, "--action", action, *resource, "-o", "json", *extra]


def answer(path: str, principal: str, action: str, role_name: str, *extra: str) -> dict:
    done = CliRunner().invoke(app, arguments(path, principal, action, role_name, *extra))
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def refused(path: str, principal: str, action: str, role_name: str | None) -> str:
    """The one-line error of the real CLI (exit code 2), with nothing on standard output."""
    done = subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()",
                           *arguments(path, principal, action, role_name)], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout) == (2, ""), (done.stdout, done.stderr)
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


@pytest.mark.parametrize("action", ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"])
def test_an_iam_principal_is_refused_as_the_caller_of_a_federated_action(loaded, action):
    """alice may call sts:* and the trust allows sts:* to her account, but she does not call these actions."""
    error = refused(loaded, f"arn:aws:iam::{ACCOUNT}:user/alice", action, "any-sts")
    assert "not by an IAM user or role" in error and "identity provider" in error


def test_a_saml_provider_assumes_the_role_its_trust_names(loaded):
    unknown = answer(loaded, SAML, "sts:AssumeRoleWithSAML", "corporate-admin", "--unknown-context")
    assert (unknown["decision"], unknown["principal_type"]) == ("AllowedIf", "saml")
    assert unknown["conditions"] == [{"StringEquals": {"SAML:aud": [SIGN_IN]}}]
    signed_in = answer(loaded, SAML, "sts:AssumeRoleWithSAML", "corporate-admin", "--context", f"SAML:aud={SIGN_IN}")
    assert signed_in["decision"] == "Allowed" and signed_in["granted_by"]
    assert answer(loaded, SAML, "sts:AssumeRoleWithSAML", "corporate-admin")["decision"] == "ImplicitlyDenied"
    # a trust that names the account, not the provider, admits no SAML identity
    assert answer(loaded, SAML, "sts:AssumeRoleWithSAML", "any-sts")["decision"] == "ImplicitlyDenied"


def test_an_oidc_provider_assumes_the_role_for_the_subjects_its_trust_names(loaded):
    unknown = answer(loaded, GITHUB, "sts:AssumeRoleWithWebIdentity", "github-deploy", "--unknown-context")
    assert (unknown["decision"], unknown["principal_type"]) == ("AllowedIf", "oidc")
    assert unknown["conditions"] == [{
        "StringEquals": {"token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"]},
        "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/app:*"]}}]
    aud = "--context", "token.actions.githubusercontent.com:aud=sts.amazonaws.com"
    ours = answer(loaded, GITHUB, "sts:AssumeRoleWithWebIdentity", "github-deploy", *aud,
                  "--context", "token.actions.githubusercontent.com:sub=repo:acme/app:ref:refs/heads/main")
    assert ours["decision"] == "Allowed"
    theirs = answer(loaded, GITHUB, "sts:AssumeRoleWithWebIdentity", "github-deploy", *aud,
                    "--context", "token.actions.githubusercontent.com:sub=repo:other/app:ref:refs/heads/main")
    assert theirs["decision"] == "ImplicitlyDenied"


@pytest.mark.parametrize("principal, action, role_name, message", [
    (SAML, "sts:AssumeRoleWithWebIdentity", "github-deploy", "a SAML provider does not call"),
    (GITHUB, "sts:AssumeRoleWithSAML", "corporate-admin", "is not a SAML provider"),
    (SAML, "sts:AssumeRoleWithSAML", None, "--resource"),
])
def test_a_question_without_sense_is_a_one_line_error(loaded, principal, action, role_name, message):
    assert message in refused(loaded, principal, action, role_name)
