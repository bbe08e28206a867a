"""Expert cases on loaded data, through `iamsql simulate --principal`, `iamsql who-can` and the engine's tables.

Account 444444444444 (outside any organization) holds administrator roles whose power holds only with MFA (a Deny of
everything without it), reached directly or through another role; member account 222222222222 of the organization
of tests/data/organizations holds roles federated identities assume, under an RCP that here also refuses
sts:AssumeRoleWithWebIdentity from outside one network and every sts:AssumeRoleWithSAML. Both are loaded from
`get-account-authorization-details` files by the real loader into a database file.
"""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ORGANIZATIONS = Path(__file__).parent / "data" / "organizations"
OUTSIDE, MEMBER = "444444444444", "222222222222"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
NETWORK = "203.0.113.0/24"
GITHUB = "token.actions.githubusercontent.com"
OIDC = f"arn:aws:iam::{MEMBER}:oidc-provider/{GITHUB}"
SAML = f"arn:aws:iam::{MEMBER}:saml-provider/corp"
SUBJECT = "repo:acme/app:ref:refs/heads/main"
WITHOUT_MFA = {"Bool": {"aws:MultiFactorAuthPresent": ["false"]}}
OFF_NETWORK = {"NotIpAddress": {"aws:SourceIp": [NETWORK]}}


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*") -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def arn(account: str, kind: str, name: str) -> str:
    return f"arn:aws:iam::{account}:{kind}/{name}"


def role(account: str, name: str, trust: dict, *statements, attached=()) -> dict:
    return gaad_role(account, name, trust, *statements, attached=attached)


def user(account: str, name: str, *statements, boundary=None) -> dict:
    bound = {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": boundary}}
    return {**(bound if boundary else {}), "Path": "/", "UserName": name,
            "UserId": f"AIDA{name.upper().replace('-', ''):X<17}"[:21], "Arn": arn(account, "user", name),
            "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "Tags": [], "AttachedManagedPolicies": [],
            "UserPolicyList": [{"PolicyName": f"{name}-inline", "PolicyDocument": doc(*statements)}] if statements else []}


def managed(name: str, arn_: str, document: dict) -> dict:
    return {"PolicyName": name, "PolicyId": f"ANPA{name.upper():X<17}"[:21], "Arn": arn_, "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True, "CreateDate": "2024-03-01T00:00:00Z",
            "UpdateDate": "2024-03-01T00:00:00Z",
            "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True,
                                   "CreateDate": "2024-03-01T00:00:00Z"}]}


def trusting(principal: dict, action="sts:AssumeRole", **extra) -> dict:
    return doc({"Effect": "Allow", "Principal": principal, "Action": action, **extra})


MFA_DENY = {"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}
S3_BOUNDARY = f"arn:aws:iam::{OUTSIDE}:policy/s3-only"


def outside_account() -> dict:
    root = {"AWS": f"arn:aws:iam::{OUTSIDE}:root"}
    roles = [
        role(OUTSIDE, "mfa-admin", trusting(root), MFA_DENY, attached=[ADMIN_ARN]),
        role(OUTSIDE, "hop", trusting(root), allow("sts:AssumeRole")),
        role(OUTSIDE, "admin-by-hop", trusting({"AWS": arn(OUTSIDE, "role", "hop")}), MFA_DENY, attached=[ADMIN_ARN]),
        role(OUTSIDE, "lambda-admin", trusting({"Service": "lambda.amazonaws.com"}), MFA_DENY, attached=[ADMIN_ARN]),
    ]
    users = [
        user(OUTSIDE, "hopper", allow("sts:AssumeRole", arn(OUTSIDE, "role", "mfa-admin"))),
        user(OUTSIDE, "chainer", allow("sts:AssumeRole", arn(OUTSIDE, "role", "hop"))),
        user(OUTSIDE, "bounded", allow("*"), boundary=S3_BOUNDARY),
        user(OUTSIDE, "lister", {**allow("s3:ListBucket"), "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}}),
        # a PassRole statement naming only S3 resources, and an S3 statement naming only a bucket
        user(OUTSIDE, "pass-s3", allow("iam:PassRole", "arn:aws:s3:::*"), allow("lambda:*")),
        user(OUTSIDE, "bucket-only", allow("s3:*", "arn:aws:s3:::reports")),
        user(OUTSIDE, "decrypter", allow("kms:Decrypt")),
        # paths open only on one principal with administrator power (with MFA only)
        user(OUTSIDE, "passer", allow("iam:PassRole", arn(OUTSIDE, "role", "lambda-admin")),
             allow(["lambda:CreateFunction", "lambda:InvokeFunction"])),
        user(OUTSIDE, "keymaker", allow("iam:CreateAccessKey", arn(OUTSIDE, "user", "mfa-user"))),
        {**user(OUTSIDE, "mfa-user", MFA_DENY), "AttachedManagedPolicies": [
            {"PolicyName": "AdministratorAccess", "PolicyArn": ADMIN_ARN}]},
    ]
    return {"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": roles,
            "Policies": [managed("AdministratorAccess", ADMIN_ARN, doc(allow("*"))),
                         managed("s3-only", S3_BOUNDARY, doc(allow("s3:*")))]}


def member_account() -> dict:
    oidc_trust = trusting({"Federated": OIDC}, "sts:AssumeRoleWithWebIdentity", Condition={
        "StringEquals": {f"{GITHUB}:sub": SUBJECT, f"{GITHUB}:aud": "sts.amazonaws.com"}})
    # the same trust asking for the caller's account, which a web identity caller's request carries with a value AWS
    # does not document, or refusing callers without an organization, which such a caller has not
    by_account = json.loads(json.dumps(oidc_trust))
    by_account["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalAccount"] = MEMBER
    org_guard = doc(*oidc_trust["Statement"], {"Effect": "Deny", "Principal": "*", "Action": "sts:*",
                                               "Condition": {"Null": {"aws:PrincipalOrgID": "true"}}})
    roles = [role(MEMBER, "gh-deploy", oidc_trust),
             role(MEMBER, "saml-ops", trusting({"Federated": SAML}, "sts:AssumeRoleWithSAML")),
             role(MEMBER, "gh-by-account", by_account), role(MEMBER, "gh-org-guard", org_guard)]
    return {"UserDetailList": [], "GroupDetailList": [], "Policies": [], "RoleDetailList": roles}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("expert_loaded")
    shutil.copytree(ORGANIZATIONS, folder / "organizations")
    rcp_file = folder / "organizations" / "describe-policy-rcp.json"
    described = json.loads(rcp_file.read_text())
    content = json.loads(described["Policy"]["Content"])
    content["Statement"] += [
        {"Sid": "WebIdentityFromNetwork", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
         "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": NETWORK}}},
        {"Sid": "NoSaml", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithSAML", "Resource": "*"},
    ]
    described["Policy"]["Content"] = json.dumps(content)
    rcp_file.write_text(json.dumps(described))
    for account, details in ((OUTSIDE, outside_account()), (MEMBER, member_account())):
        (folder / account).mkdir()
        (folder / account / "gaad.json").write_text(json.dumps(details))
    # the bucket the S3 questions name is one of the outside account's (its policy not read): its principals' own
    # policies decide (a bucket not loaded has no known account, so its answers are Unknown)
    (folder / OUTSIDE / "list-buckets.json").write_text(json.dumps(
        {"Buckets": [{"Name": "reports", "CreationDate": "2024-01-01T00:00:00Z"}], "Owner": {"ID": "0" * 64}}))
    path = folder / "expert.duckdb"
    con = db.connect(str(path))
    load_paths(con, [folder])
    con.close()
    return str(path)


def cli(*args) -> list | dict:
    done = CliRunner().invoke(app, [*args, "-o", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def simulate(path: str, principal: str, action: str, *extra) -> dict:
    return cli("simulate", "--db", path, "--principal", principal, "--action", action, *extra)


def assume_row(path: str, name: str) -> dict:
    rows = cli("query", "--db", path, "select decision, detail, deny_conditions from iam_principal_access "
                                      f"where principal_name = '{name}' and question = 'assume_admin_role'")["rows"]
    assert len(rows) == 1, rows
    return rows[0]


# --- assume_admin_role rows carry the answers of every step (the power of the role reached, each assumption) -------
# The role's administrator power holds only with MFA (its own full_admin row is AllowedIf with that Deny's
# condition), so whoever reaches it by sts:AssumeRole holds it on the same condition.
def test_a_direct_assumption_carries_the_roles_own_deny_conditions(loaded):
    row = assume_row(loaded, "hopper")
    assert (row["decision"], row["detail"]) == ("AllowedIf", arn(OUTSIDE, "role", "mfa-admin"))
    assert row["deny_conditions"] == [WITHOUT_MFA]


def test_a_chain_carries_the_last_roles_deny_conditions(loaded):
    row = assume_row(loaded, "chainer")
    assert row["detail"] == f"{arn(OUTSIDE, 'role', 'hop')} -> {arn(OUTSIDE, 'role', 'admin-by-hop')}"
    assert (row["decision"], row["deny_conditions"]) == ("AllowedIf", [WITHOUT_MFA])


def test_a_role_named_by_the_trust_carries_the_deny_conditions(loaded):
    row = assume_row(loaded, "hop")
    assert (row["decision"], row["deny_conditions"]) == ("AllowedIf", [WITHOUT_MFA])


def path_row(path: str, name: str, question: str) -> dict:
    rows = cli("query", "--db", path, "select decision, detail, deny_conditions from iam_principal_access "
                                      f"where principal_name = '{name}' and question = '{question}'")["rows"]
    assert len(rows) == 1, rows
    return rows[0]


def test_passing_an_administrator_role_carries_its_deny_conditions(loaded):
    # the function acts as the role, whose power holds only with MFA
    row = path_row(loaded, "passer", "escalation:PassExistingRoleToNewLambdaThenInvoke")
    assert row["detail"] == f"passing {arn(OUTSIDE, 'role', 'lambda-admin')}"
    assert (row["decision"], row["deny_conditions"]) == ("AllowedIf", [WITHOUT_MFA])


def test_a_key_for_an_administrator_user_carries_its_deny_conditions(loaded):
    rows = cli("query", "--db", loaded, "select question, decision, detail, deny_conditions from iam_principal_access "
                                        "where principal_name = 'keymaker' and detail like 'on %'")["rows"]
    assert rows and all(r["detail"] == f"on {arn(OUTSIDE, 'user', 'mfa-user')}" for r in rows), rows
    assert all((r["decision"], r["deny_conditions"]) == ("AllowedIf", [WITHOUT_MFA]) for r in rows), rows


# --- RCPs apply to federated callers (AWS Organizations User Guide, "Resource control policies") ------------------
def test_the_trust_row_of_an_oidc_role_carries_the_rcps_deny(loaded):
    rows = cli("query", "--db", loaded, "select decision, deny_conditions from iam_role_trust_access "
                                        "where role_name = 'gh-deploy'")["rows"]
    assert [(r["decision"], r["deny_conditions"]) for r in rows] == [("AllowedIf", [OFF_NETWORK])]


def test_the_trust_row_of_a_saml_role_is_denied_by_the_rcp(loaded):
    rows = cli("query", "--db", loaded, "select decision from iam_role_trust_access where role_name = 'saml-ops'")["rows"]
    assert [r["decision"] for r in rows] == ["ExplicitlyDenied"]


@pytest.mark.parametrize("role_name, decision", [("gh-by-account", "AllowedIf"),
                                                 ("gh-org-guard", "ExplicitlyDenied")])
def test_a_web_identity_caller_has_a_principal_account_not_known_and_no_organization(loaded, role_name, decision):
    # aws:PrincipalAccount is "included in the request context for all requests, including anonymous requests" and
    # aws:PrincipalOrgID "only if the principal is a member of an organization" (IAM User Guide, "AWS global condition
    # context keys"): a trust requiring the account may admit a web identity caller, whose account AWS does not
    # document (never Allowed), a Deny of callers without an organization refuses it
    rows = cli("query", "--db", loaded, "select decision from iam_role_trust_access "
                                        f"where role_name = '{role_name}'")["rows"]
    assert [r["decision"] for r in rows] == [decision]


def test_who_can_carries_the_rcps_deny_for_a_web_identity(loaded):
    found = cli("who-can", "sts:AssumeRoleWithWebIdentity", "--resource", arn(MEMBER, "role", "gh-deploy"),
                "--db", loaded)
    assert [(r["principal"], r["decision"]) for r in found] == [(OIDC, "AllowedIf")]
    assert json.loads(found[0]["deny_conditions"]) == [OFF_NETWORK]


def test_simulate_a_web_identity_off_the_network_is_denied_by_the_rcp(loaded):
    result = simulate(loaded, OIDC, "sts:AssumeRoleWithWebIdentity", "--resource", arn(MEMBER, "role", "gh-deploy"),
                      "--context", f"{GITHUB}:sub={SUBJECT}", "--context", f"{GITHUB}:aud=sts.amazonaws.com",
                      "--context", "aws:SourceIp=198.51.100.7")
    assert result["decision"] == "ExplicitlyDenied", result


def test_simulate_a_web_identity_on_the_network_is_allowed(loaded):
    result = simulate(loaded, OIDC, "sts:AssumeRoleWithWebIdentity", "--resource", arn(MEMBER, "role", "gh-deploy"),
                      "--context", f"{GITHUB}:sub={SUBJECT}", "--context", f"{GITHUB}:aud=sts.amazonaws.com",
                      "--context", "aws:SourceIp=203.0.113.9")
    assert result["decision"] == "Allowed", result


def test_simulate_a_saml_identity_is_denied_by_the_rcp(loaded):
    result = simulate(loaded, SAML, "sts:AssumeRoleWithSAML", "--resource", arn(MEMBER, "role", "saml-ops"))
    assert result["decision"] == "ExplicitlyDenied", result


# --- the principal's own documents ---------------------------------------------------------------------------------
def test_simulate_a_boundary_limits_an_administrator_user(loaded):
    # "The permissions boundary ... does not grant permissions on its own": allowed only where both allow
    assert simulate(loaded, arn(OUTSIDE, "user", "bounded"), "iam:CreateUser")["decision"] == "ImplicitlyDenied"
    assert simulate(loaded, arn(OUTSIDE, "user", "bounded"), "s3:GetObject")["decision"] == "Allowed"


@pytest.mark.parametrize("value, expected", [("10", "Allowed"), ("1e1", "Allowed"), ("1_0", "ImplicitlyDenied"),
                                             ("nan", "ImplicitlyDenied"), ("11", "ImplicitlyDenied")])
def test_simulate_numeric_context_values_are_integers_or_decimals(loaded, value, expected):
    # "Numeric condition operators ... restrict access based on comparing a key to an integer or decimal value": a
    # context value that is not one matches nothing
    result = simulate(loaded, arn(OUTSIDE, "user", "lister"), "s3:ListBucket", "--resource", "arn:aws:s3:::reports",
                      "--context", f"s3:max-keys={value}")
    assert result["decision"] == expected, result


# --- each action on the resource type it acts on (Service Authorization Reference: the resource types of an action) --
def test_passrole_on_s3_resources_passes_no_role(loaded):
    rows = cli("query", "--db", loaded, "select question, decision from iam_principal_access "
                                        "where principal_name = 'pass-s3' order by question")["rows"]
    answers = {r["question"]: r["decision"] for r in rows}
    assert answers["pass_any_role"] == "ImplicitlyDenied", answers
    # it may edit existing functions (paths without iam:PassRole), but create none with a role of its choice
    assert answers["escalation:UpdateAndInvokeLambdaFunction"] == "Allowed", answers
    assert not [q for q in answers if q.startswith("escalation:PassExistingRoleToNewLambda")], answers


def test_a_statement_naming_a_bucket_grants_no_object_action(loaded):
    objects = cli("who-can", "s3:GetObject", "--resource", "arn:aws:s3:::reports/2026/q1.csv", "--db", loaded)
    assert arn(OUTSIDE, "user", "bucket-only") not in {r["principal"] for r in objects}
    buckets = cli("who-can", "s3:ListBucket", "--resource", "arn:aws:s3:::reports", "--db", loaded)
    assert arn(OUTSIDE, "user", "bucket-only") in {r["principal"] for r in buckets}


# --- KMS: no key policy is loaded ----------------------------------------------------------------------------------
# "Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key" (AWS KMS
# Developer Guide, "Key policies in AWS KMS"): a named key's policy, not loaded, leaves the answer Unknown; a key no
# one names is asked with AWS's default key policy, which enables IAM policies.
KEY = f"arn:aws:kms:us-east-1:{OUTSIDE}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_a_named_key_whose_policy_is_not_loaded_is_unknown(loaded):
    result = simulate(loaded, arn(OUTSIDE, "user", "decrypter"), "kms:Decrypt", "--resource", KEY)
    assert result["decision"] == "Unknown", result
    assert "KMS key policy" in result["reason"], result
    found = cli("who-can", "kms:Decrypt", "--resource", KEY, "--db", loaded)
    assert {r["principal"]: r["decision"] for r in found}[arn(OUTSIDE, "user", "decrypter")] == "Unknown", found


def test_who_can_on_a_named_key_says_once_that_its_policy_is_not_loaded(loaded):
    # Every answer stays Unknown; listed are those whose own policies allow the action (a key policy enabling IAM
    # policies lets them in), not every principal of the account: the why is said once, on stderr.
    done = CliRunner().invoke(app, ["who-can", "kms:Decrypt", "--resource", KEY, "--db", loaded, "-o", "json"])
    assert done.exit_code == 0, done.output
    notes = done.stderr.splitlines()
    assert len(notes) == 1 and notes[0].startswith(f"note: the key policy of {KEY} is not loaded"), notes
    rows = {r["principal"]: r for r in json.loads(done.stdout)}
    assert {r["decision"] for r in rows.values()} == {"Unknown"}, rows
    decrypter = rows[arn(OUTSIDE, "user", "decrypter")]
    assert decrypter["granted_by"] == "inline policy decrypter-inline of user decrypter", decrypter
    assert "KMS key policy" in decrypter["missing"], decrypter
    # an S3-only permissions boundary, or policies granting no KMS action: no IAM policy lets them use the key
    for name in ("bounded", "lister", "bucket-only", "keymaker"):
        assert arn(OUTSIDE, "user", name) not in rows, name


def test_a_key_no_one_names_is_asked_with_the_default_key_policy(loaded):
    decrypter = arn(OUTSIDE, "user", "decrypter")
    assert simulate(loaded, decrypter, "kms:Decrypt")["decision"] == "Allowed"
    assert simulate(loaded, arn(OUTSIDE, "user", "bounded"), "kms:Decrypt")["decision"] == "ImplicitlyDenied"
    found = cli("who-can", "kms:Decrypt", "--db", loaded)
    assert {r["principal"]: r["decision"] for r in found}.get(decrypter) == "Allowed", found
    rows = cli("query", "--db", loaded, "select question, decision from iam_principal_access "
                                        "where principal_name = 'decrypter' and question like 'kms_%'")["rows"]
    answers = {r["question"]: r["decision"] for r in rows}
    assert answers["kms_decrypt_any_key"] == "Allowed", answers
    assert answers.get("kms_reencrypt_from_any_key", "ImplicitlyDenied") == "ImplicitlyDenied", answers
