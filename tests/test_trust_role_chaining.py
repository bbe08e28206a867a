"""Role chaining (a role session assuming another role) limits the new session to one hour, whatever the role's
MaxSessionDuration (IAM User Guide, "Role chaining"): ``iam_role_long_session_external`` passes a role whose outside
callers can only be role sessions (``iam_role_trust_access.roles_only``) and judges any other caller (an IAM user, a
whole account, a federated identity) by the maximum. Roles of account 111122223333 with twelve-hour sessions, loaded
from a ``get-account-authorization-details`` file by the real loader into a database file."""


import pytest

from tests.fixtures.gaad import gaad_role, load_and_check, query_rows, write_gaad

ACCOUNT, PARTNER = "111122223333", "444455556666"
CONTROL = "iam_role_long_session_external"
ROOT = f"arn:aws:iam::{PARTNER}:root"
DEPLOY, ALICE = f"arn:aws:iam::{PARTNER}:role/deploy", f"arn:aws:iam::{PARTNER}:user/alice"
SAML = f"arn:aws:iam::{ACCOUNT}:saml-provider/corp"
# role name -> (principal, condition, action, expected status, expected roles_only of every admitted row)
TRUSTS = {
    "principal-role": ({"AWS": DEPLOY}, None, "sts:AssumeRole", "ok", True),
    "principal-user": ({"AWS": ALICE}, None, "sts:AssumeRole", "alarm", False),
    "root-arn-role": ({"AWS": ROOT}, {"ArnEquals": {"aws:PrincipalArn": DEPLOY}}, "sts:AssumeRole", "ok", True),
    "star-arn-role": ({"AWS": "*"}, {"ArnEquals": {"aws:PrincipalArn": DEPLOY}}, "sts:AssumeRole", "ok", True),
    "star-arn-user": ({"AWS": "*"}, {"ArnEquals": {"aws:PrincipalArn": ALICE}}, "sts:AssumeRole", "alarm", False),
    "star-arn-role-or-user": ({"AWS": "*"}, {"ArnEquals": {"aws:PrincipalArn": [DEPLOY, ALICE]}}, "sts:AssumeRole",
                              "alarm", False),
    "root-arn-role-or-user": ({"AWS": ROOT}, {"ArnEquals": {"aws:PrincipalArn": [DEPLOY, ALICE]}}, "sts:AssumeRole",
                              "alarm", False),
    "root-alone": ({"AWS": ROOT}, None, "sts:AssumeRole", "alarm", False),
    "root-arn-like-roles": ({"AWS": ROOT}, {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:role/*"}},
                            "sts:AssumeRole", "ok", True),
    "star-arn-like-roles": ({"AWS": "*"}, {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:role/*"}},
                            "sts:AssumeRole", "ok", True),
    "star-arn-like-account": ({"AWS": "*"}, {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:*"}},
                              "sts:AssumeRole", "alarm", False),
    "star-arn-like-any-deploy": ({"AWS": "*"}, {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/deploy"}},
                                 "sts:AssumeRole", "ok", True),
    "root-assumed-role-type": ({"AWS": ROOT}, {"StringEquals": {"aws:PrincipalType": "AssumedRole"}},
                               "sts:AssumeRole", "ok", True),
    # one statement for the role deploy, another for the user alice by name (one statement per condition)
    "root-arn-role-or-username": ({"AWS": ROOT}, [{"ArnEquals": {"aws:PrincipalArn": DEPLOY}},
                                                  {"StringEquals": {"aws:username": "alice"}}], "sts:AssumeRole",
                                  "alarm", False),
    "saml": ({"Federated": SAML}, {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
             "sts:AssumeRoleWithSAML", "alarm", False),
    "service": ({"Service": "ec2.amazonaws.com"}, None, "sts:AssumeRole", "ok", False),
}


def role(name: str, principal: dict, condition, action: str) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    statements = [{**statement, "Condition": c} for c in (condition if isinstance(condition, list) else [condition])
                  if c] or [statement]
    return gaad_role(ACCOUNT, name, statements, max_session_duration=43200)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(results by role name, admitted trust rows by role name) of the loaded database file."""
    folder = tmp_path_factory.mktemp("role_chaining")
    write_gaad(folder, ACCOUNT, roles=[role(name, *trust[:3]) for name, trust in TRUSTS.items()])
    path, found_rows = load_and_check(folder, [CONTROL])
    results = {r["resource"].rsplit("/", 1)[-1]: r for r in found_rows}
    rows: dict[str, list[dict]] = {}
    for found in query_rows(path, "select role_name, trusted_kind, external, decision, roles_only "
                                  "from iam_role_trust_access order by 1, 2, 3, 4"):
        rows.setdefault(found.pop("role_name"), []).append(found)
    return results, rows


@pytest.mark.parametrize("name", TRUSTS)
def test_long_sessions_are_judged_by_who_may_be_admitted(loaded, name):
    results, _ = loaded
    expected = TRUSTS[name][3]
    found = results[name]
    assert found["status"] == expected, (name, found["reason"])
    if expected == "alarm":
        assert "gives sessions of up to 43200 seconds" in found["reason"], found["reason"]


@pytest.mark.parametrize("name", [name for name, trust in TRUSTS.items() if trust[4]])
def test_callers_that_can_only_be_role_sessions_are_capped_by_role_chaining(loaded, name):
    results, _ = loaded
    reason = results[name]["reason"]
    assert "only by role sessions" in reason and "role chaining caps their sessions at one hour" in reason, reason


@pytest.mark.parametrize("name", TRUSTS)
def test_trust_rows_say_whether_every_admitted_caller_is_a_role_session(loaded, name):
    _, rows = loaded
    # the callers admitted but the AWS services "*" also names (role chaining is about AWS principals)
    star = TRUSTS[name][0] == {"AWS": "*"}
    admitted = [r for r in rows[name] if r["decision"] in ("Allowed", "AllowedIf")
                and not (star and r["trusted_kind"] == "service")]
    assert admitted, rows[name]
    assert {r["roles_only"] for r in admitted} == {TRUSTS[name][4]}, admitted


def test_a_federated_row_is_not_role_chaining(loaded):
    _, rows = loaded
    assert rows["saml"] == [{"trusted_kind": "saml", "external": False, "decision": "AllowedIf", "roles_only": False}]
