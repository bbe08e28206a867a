"""Role trusts that admit AWS services only under a condition on a principal key, and the confused-deputy control's
verdict on them. A service principal's own call has no aws:PrincipalTag/<key>, no aws:CalledVia and no role-session
keys (aws:MultiFactorAuthPresent, aws:SourceIdentity), no organization keys, and always has aws:PrincipalAccount,
with a value AWS does not document for it (IAM User Guide, "AWS global condition context keys", each key's
Availability). So a trust requiring one of the absent keys refuses every service (the control passes the role), one
requiring aws:PrincipalAccount to be missing refuses it too, and one requiring a value of aws:PrincipalAccount may
admit it without any source condition (the control alarms: what is not known is never ok). Roles of account
111122223333 loaded from a ``get-account-authorization-details`` file by the real loader into a database file."""


import pytest

from tests.fixtures.gaad import gaad_role, load_and_check, query_rows, write_gaad

ACCOUNT = "111122223333"
DEPUTY = "iam_role_service_trust_confused_deputy"
LAMBDA = {"Service": "lambda.amazonaws.com"}
# role name -> (principal, condition, the trust view's answer for the service, the control's status); the view keeps
# a row for "*" standing for any service only when it may admit one
TRUSTS = {
    "star-principal-tag": ("*", {"StringEquals": {"aws:PrincipalTag/team": "build"}}, None, "ok"),
    "star-called-via": ("*", {"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}},
                        None, "ok"),
    "star-mfa": ("*", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, None, "ok"),
    "star-source-identity": ("*", {"StringLike": {"aws:SourceIdentity": "*"}}, None, "ok"),
    "star-organization": ("*", {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}, None, "ok"),
    "star-account-missing": ("*", {"Null": {"aws:PrincipalAccount": "true"}}, None, "ok"),
    "service-principal-tag": (LAMBDA, {"StringEquals": {"aws:PrincipalTag/team": "build"}}, "ImplicitlyDenied", "ok"),
    "star-account": ("*", {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}, "AllowedIf", "alarm"),
    "star-principal-tag-if-exists": ("*", {"StringEqualsIfExists": {"aws:PrincipalTag/team": "build"}}, "Allowed",
                                     "alarm"),
    "service-source-account": (LAMBDA, {"StringEquals": {"aws:SourceAccount": ACCOUNT}}, "AllowedIf", "ok"),
}


def role(name: str, principal, condition) -> dict:
    return gaad_role(ACCOUNT, name, [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole",
                                      "Condition": condition}], max_session_duration=3600)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(the control's status by role name, the service rows' decisions by role name) of the loaded database."""
    folder = tmp_path_factory.mktemp("trust_service_principal_keys")
    write_gaad(folder, ACCOUNT, roles=[role(name, principal, condition)
                                       for name, (principal, condition, _, _) in TRUSTS.items()])
    path, results = load_and_check(folder, [DEPUTY])
    decisions = {row["role_name"]: row["decision"] for row in query_rows(
        path, "select role_name, decision from iam_role_trust_access where trusted_kind = 'service'")}
    statuses = {r["resource"].rsplit("/", 1)[-1]: r["status"] for r in results if r["control_id"] == DEPUTY}
    return statuses, decisions


@pytest.mark.parametrize("name", TRUSTS)
def test_the_trust_view_answers_for_the_service_as_aws_gives_its_keys(loaded, name):
    _, decisions = loaded
    assert decisions.get(name) == TRUSTS[name][2]


@pytest.mark.parametrize("name", TRUSTS)
def test_the_confused_deputy_control_alarms_only_where_a_service_may_get_in_unguarded(loaded, name):
    statuses, _ = loaded
    assert statuses[name] == TRUSTS[name][3]
