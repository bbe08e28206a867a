"""A role trust policy whose principal is ``"*"`` or ``{"AWS": "*"}`` names all principals: the two are equivalent and
admit everyone, anonymous callers included (IAM User Guide, "AWS JSON policy elements: Principal", "All principals").
So the trust view gives such a statement a row for every kind of caller the engine admits (AWS principals, AWS
services, SAML and OIDC identities), and the trust controls alarm where a service or an identity provider gets in
unguarded, never "trusts no AWS service principal". Roles of account 111122223333 loaded from a
``get-account-authorization-details`` file by the real loader into a database file."""

import json

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from tests.fixtures.gaad import gaad_role, load_and_check, query_rows, write_gaad

ACCOUNT = "111122223333"
SERVICE, OIDC = "iam_role_service_trust_confused_deputy", "iam_role_oidc_trust_has_sub_condition"
WILDCARD = "iam_role_trust_no_wildcard_principal"
CONTROLS = [SERVICE, OIDC, WILDCARD]
EVERY_ASSUME = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"]
SOURCE = {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
# role name -> (principal, action, condition)
TRUSTS = {
    "star": ("*", "sts:AssumeRole", None),
    "aws-star": ({"AWS": "*"}, "sts:AssumeRole", None),
    "star-every-assume": ("*", EVERY_ASSUME, None),
    "aws-star-every-assume": ({"AWS": ["*"]}, EVERY_ASSUME, None),
    # a source condition guards the services "*" admits; AWS principals of other accounts have no aws:SourceAccount
    "star-source-account": ("*", "sts:AssumeRole", SOURCE),
    # the twin naming the service: the control passes it
    "service-source-account": ({"Service": "ec2.amazonaws.com"}, "sts:AssumeRole", SOURCE),
}


def role(name: str, principal, action, condition) -> dict:
    statement = {"Effect": "Allow", "Principal": principal, "Action": action}
    return gaad_role(ACCOUNT, name, [{**statement, "Condition": condition} if condition else statement],
                     max_session_duration=3600)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(statuses by (control, role name), trust rows by role name, path) of the loaded database file."""
    folder = tmp_path_factory.mktemp("trust_star_every_kind")
    write_gaad(folder, ACCOUNT, roles=[role(name, *trust) for name, trust in TRUSTS.items()])
    path, results = load_and_check(folder, CONTROLS)
    rows: dict[str, dict[str, str]] = {}
    for found in query_rows(path, "select role_name, trusted_kind, decision from iam_role_trust_access"):
        rows.setdefault(found["role_name"], {})[found["trusted_kind"]] = found["decision"]
    statuses = {(r["control_id"], r["resource"].rsplit("/", 1)[-1]): r["status"] for r in results}
    return statuses, rows, path


@pytest.mark.parametrize("name", ["star", "aws-star"])
def test_star_for_assume_role_admits_aws_principals_and_services(loaded, name):
    _, rows, _ = loaded
    assert rows[name] == {"anyone": "Allowed", "service": "Allowed"}


@pytest.mark.parametrize("name", ["star-every-assume", "aws-star-every-assume"])
def test_star_for_every_way_to_assume_admits_every_kind_of_caller(loaded, name):
    _, rows, _ = loaded
    assert rows[name] == dict.fromkeys(["anyone", "service", "saml", "oidc"], "Allowed")


@pytest.mark.parametrize("name", ["star", "aws-star", "star-every-assume", "aws-star-every-assume"])
def test_a_star_trust_alarms_the_service_confused_deputy_control(loaded, name):
    statuses, _, _ = loaded
    assert statuses[(SERVICE, name)] == "alarm"
    assert statuses[(WILDCARD, name)] == "alarm"


@pytest.mark.parametrize("name", ["star-every-assume", "aws-star-every-assume"])
def test_a_star_trust_for_web_identity_alarms_the_oidc_subject_control(loaded, name):
    statuses, _, _ = loaded
    assert statuses[(OIDC, name)] == "alarm"


def test_a_source_condition_guards_the_services_a_star_trust_admits(loaded):
    statuses, rows, _ = loaded
    assert rows["star-source-account"]["service"] == "AllowedIf"
    assert statuses[(SERVICE, "star-source-account")] == statuses[(SERVICE, "service-source-account")] == "ok"


@pytest.mark.parametrize("name", ["star", "aws-star"])
def test_who_can_lists_any_aws_service_for_a_star_trust(loaded, name):
    *_, path = loaded
    done = CliRunner().invoke(app, ["who-can", "sts:AssumeRole", "--resource", f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                    "--db", path, "-o", "json"])
    assert done.exit_code == 0, done.output
    found = {(r["principal"], r["principal_type"], r["decision"]) for r in json.loads(done.output)}
    assert {("*", "anyone", "Allowed"), ("*", "service", "Allowed")} <= found
