"""A role trust policy with ``NotPrincipal`` is one the engine cannot read: "You cannot use the NotPrincipal element in
an IAM identity-based policy nor in an IAM role trust policy", and with ``"Effect": "Allow"`` it "is not supported"
at all (IAM User Guide, "AWS JSON policy elements: NotPrincipal"). An ``Allow`` with ``NotPrincipal`` would stand for
every caller but those listed: AWS principals, AWS services and SAML and OIDC identities alike, so each trust control
skips the role (``Unknown`` rows of every kind) instead of passing it as trusting no service or no identity provider.
A ``Deny`` with ``NotPrincipal`` only takes callers away: the ``Allow`` statements name who the rows are about.
Roles of account 111122223333 loaded from a ``get-account-authorization-details`` file by the real loader into a
database file."""


import pytest

from iamsql.errors import IamsqlError
from iamsql.policy.access import who
from iamsql.store import db
from tests.fixtures.gaad import gaad_role, load_and_check, query_rows, write_gaad

ACCOUNT, PARTNER = "111122223333", "444455556666"
BOB, PARTNER_ROOT = f"arn:aws:iam::{PARTNER}:user/bob", f"arn:aws:iam::{PARTNER}:root"
SERVICE, OIDC = "iam_role_service_trust_confused_deputy", "iam_role_oidc_trust_has_sub_condition"
WILDCARD, CROSS = "iam_role_trust_no_wildcard_principal", "iam_role_cross_account_trust_has_external_id"
CONTROLS = [SERVICE, OIDC, WILDCARD, CROSS]
ALLOW_PARTNER = {"Effect": "Allow", "Principal": {"AWS": PARTNER_ROOT}, "Action": "sts:AssumeRole"}
TRUSTS = {
    "allow-not-principal": [{"Effect": "Allow", "NotPrincipal": {"AWS": BOB},
                             "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}],
    "deny-not-principal": [ALLOW_PARTNER, {"Effect": "Deny", "NotPrincipal": {"AWS": [BOB, PARTNER_ROOT]},
                                           "Action": "sts:AssumeRole"}],
    "partner": [ALLOW_PARTNER],
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(statuses by (control, role name), trust rows by role name, path) of the loaded database file."""
    folder = tmp_path_factory.mktemp("trust_not_principal")
    write_gaad(folder, ACCOUNT, roles=[gaad_role(ACCOUNT, name, statements, max_session_duration=3600)
                                       for name, statements in TRUSTS.items()])
    path, results = load_and_check(folder, CONTROLS)
    rows: dict[str, set[tuple]] = {}
    for found in query_rows(path, "select role_name, trusted, trusted_kind, decision from iam_role_trust_access"):
        rows.setdefault(found["role_name"], set()).add((found["trusted"], found["trusted_kind"], found["decision"]))
    statuses = {(r["control_id"], r["resource"].rsplit("/", 1)[-1]): r["status"] for r in results}
    return statuses, rows, path


def test_an_allow_with_not_principal_stands_for_every_kind_of_caller(loaded):
    _, rows, _ = loaded
    assert {kind for _, kind, _ in rows["allow-not-principal"]} == {"anyone", "service", "oidc", "saml"}
    assert {decision for *_, decision in rows["allow-not-principal"]} == {"Unknown"}


def test_every_trust_control_skips_a_role_whose_trust_allows_with_not_principal(loaded):
    statuses, _, _ = loaded
    assert {control: statuses.get((control, "allow-not-principal")) for control in CONTROLS} == dict.fromkeys(
        CONTROLS, "skip")


def test_a_deny_with_not_principal_leaves_the_callers_the_allow_names_unknown(loaded):
    statuses, rows, _ = loaded
    assert rows["deny-not-principal"] == {(PARTNER_ROOT, "account", "Unknown")}
    assert rows["partner"] == {(PARTNER_ROOT, "account", "Allowed")}
    assert statuses[(CROSS, "deny-not-principal")] == "skip"
    assert statuses[(CROSS, "partner")] == "alarm"


@pytest.mark.parametrize("name", ["allow-not-principal", "deny-not-principal"])
def test_who_can_says_who_may_assume_the_role_is_unknown(loaded, name):
    *_, path = loaded
    con = db.connect(path)
    try:
        with pytest.raises(IamsqlError, match=f"who may assume arn:aws:iam::{ACCOUNT}:role/{name} is unknown"):
            who.who_can(con, "sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/{name}")
    finally:
        con.close()
