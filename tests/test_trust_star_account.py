"""A trust of ``"*"`` whose conditions admit every principal of another account (``aws:PrincipalAccount``,
``aws:PrincipalArn`` ``arn:aws:iam::<account>:*``) lets that account in as naming its root does: the trust controls
give both the same verdict. Roles of account 111122223333 (each tagged non-human, with AdministratorAccess and
twelve-hour sessions) loaded from a ``get-account-authorization-details`` file by the real loader into a database
file."""

import json

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from tests.fixtures.gaad import gaad_role, load_and_check, query_rows, write_gaad

ACCOUNT, PARTNER, OTHER, ORGANIZATION = "111122223333", "444455556666", "777788889999", "o-a1b2c3d4e5"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
CROSS, WILDCARD, BROAD = (
    "iam_role_cross_account_trust_has_external_id", "iam_role_trust_no_wildcard_principal", "nhi_role_trust_broad")
EXTERNAL_ADMIN, LONG_SESSION = "iam_role_external_admin_or_readonly", "iam_role_long_session_external"
CONTROLS = [CROSS, WILDCARD, BROAD, EXTERNAL_ADMIN, LONG_SESSION]
STAR, PARTNER_ROOT, OWN_ROOT = "*", f"arn:aws:iam::{PARTNER}:root", f"arn:aws:iam::{ACCOUNT}:root"
DEPLOY = f"arn:aws:iam::{PARTNER}:role/deploy"
STAND_IN = "999999999999"  # the account the engine first asks "*" from, unless the trust mentions it
# role name -> (principal, condition), or a list of them (one statement each)
TRUSTS = {
    "star-account": (STAR, {"StringEquals": {"aws:PrincipalAccount": PARTNER}}),
    "root-account": (PARTNER_ROOT, None),
    "star-account-external-id": (STAR, {"StringEquals": {"aws:PrincipalAccount": PARTNER, "sts:ExternalId": "x7"}}),
    "root-account-external-id": (PARTNER_ROOT, {"StringEquals": {"sts:ExternalId": "x7"}}),
    "star-account-named-arn": (STAR, {"StringEquals": {"aws:PrincipalAccount": PARTNER, "aws:PrincipalArn": DEPLOY}}),
    "star-arn-whole-account": (STAR, {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:*"}}),
    "star-arn-deploy": (STAR, {"ArnLike": {"aws:PrincipalArn": DEPLOY}}),
    "root-account-named-arn": (PARTNER_ROOT, {"ArnEquals": {"aws:PrincipalArn": DEPLOY}}),
    "star-not-account": (STAR, {"StringNotEquals": {"aws:PrincipalAccount": PARTNER}}),
    "star-not-stand-in": (STAR, {"StringNotEquals": {"aws:PrincipalAccount": STAND_IN}}),
    # the account the engine would stand "another account" with, trusted as a whole beside "*" for an organization
    "stand-in-and-organization": [(f"arn:aws:iam::{STAND_IN}:root", None),
                                  (STAR, {"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION}})],
    "star-any-value": (STAR, {"ForAnyValue:StringEquals": {"aws:PrincipalAccount": [PARTNER]}}),
    "star-two-accounts": (STAR, {"StringEquals": {"aws:PrincipalAccount": [PARTNER, OTHER]}}),
    "star-organization": (STAR, {"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION}}),
    "star-organization-path": (STAR, {"ForAnyValue:StringLike": {
        "aws:PrincipalOrgPaths": f"{ORGANIZATION}/r-ab12/ou-ab12-11111111/*"}}),
    "star-account-organization": (STAR, {"StringEquals": {"aws:PrincipalAccount": PARTNER,
                                                          "aws:PrincipalOrgID": ORGANIZATION}}),
    "root-account-organization": (PARTNER_ROOT, {"StringEquals": {"aws:PrincipalOrgID": ORGANIZATION}}),
    "star-own-account": (STAR, {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}),
    "root-own-account": (OWN_ROOT, None),
}


def role(name: str, trust) -> dict:
    statements = []
    for principal, condition in trust if isinstance(trust, list) else [trust]:
        statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
        statements.append({**statement, "Condition": condition} if condition else statement)
    return gaad_role(ACCOUNT, name, statements, attached=[ADMIN_ARN], max_session_duration=43200,
                     tags={"iamsql:identity-type": "nhi"})


def administrator_access(attachments: int) -> dict:
    """AWS's AdministratorAccess as get-account-authorization-details lists it, attached ``attachments`` times."""
    return {"PolicyName": "AdministratorAccess", "PolicyId": "ANPAIWMBCKSKIEE64ZLYK", "Arn": ADMIN_ARN, "Path": "/",
            "DefaultVersionId": "v1", "AttachmentCount": attachments, "IsAttachable": True,
            "CreateDate": "2015-02-06T18:39:46Z", "UpdateDate": "2015-02-06T18:39:46Z",
            "PolicyVersionList": [{"Document": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]}, "VersionId": "v1", "IsDefaultVersion": True,
                "CreateDate": "2015-02-06T18:39:46Z"}]}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(results by (control, role name), trust rows by role name, path) of the loaded database file."""
    folder = tmp_path_factory.mktemp("star_account")
    write_gaad(folder, ACCOUNT, roles=[role(name, trust) for name, trust in TRUSTS.items()],
               policies=[administrator_access(len(TRUSTS))])
    path, found_rows = load_and_check(folder, CONTROLS)
    results = {(r["control_id"], r["resource"].rsplit("/", 1)[-1]): r for r in found_rows}
    columns = "role_name, trusted, trusted_kind, trusted_account, external, decision, names_caller, requires_external_id"
    rows: dict[str, list[dict]] = {}
    for found in query_rows(path, f"select {columns} from iam_role_trust_access order by 1, 2, 3, 4"):
        rows.setdefault(found.pop("role_name"), []).append(found)
    return results, rows, path


def statuses(loaded, name: str) -> dict[str, str]:
    results, _, _ = loaded
    return {control: results[(control, name)]["status"] for control in CONTROLS}


@pytest.mark.parametrize("name, twin", [
    ("star-account", "root-account"),
    ("star-any-value", "root-account"),
    ("star-arn-whole-account", "root-account"),
    ("star-account-external-id", "root-account-external-id"),
    ("star-account-organization", "root-account-organization"),
    ("star-own-account", "root-own-account"),
])
def test_a_star_trust_admitting_a_whole_account_is_judged_as_naming_it(loaded, name, twin):
    results, _, _ = loaded
    assert statuses(loaded, name) == statuses(loaded, twin)
    assert results[(CROSS, name)]["reason"] == results[(CROSS, twin)]["reason"].replace(twin, name)


def test_a_star_trust_limited_to_one_other_account_alarms_without_external_id(loaded):
    results, _, _ = loaded
    assert statuses(loaded, "star-account") == dict.fromkeys(CONTROLS, "alarm") | {WILDCARD: "ok"}
    assert f"any principal of account(s) {PARTNER} assume it" in results[(CROSS, "star-account")]["reason"]
    assert results[(CROSS, "star-account-external-id")]["status"] == "ok"
    assert "with an ExternalId condition" in results[(CROSS, "star-account-external-id")]["reason"]


def test_every_account_one_condition_lists_is_judged(loaded):
    results, rows, _ = loaded
    found = results[(CROSS, "star-two-accounts")]
    assert found["status"] == "alarm" and f"{PARTNER}, {OTHER}" in found["reason"], found["reason"]
    assert {(r["trusted_account"], r["names_caller"]) for r in rows["star-two-accounts"]
            if r["trusted_kind"] == "account"} == {(PARTNER, False), (OTHER, False)}


@pytest.mark.parametrize("name", ["star-account-named-arn", "star-arn-deploy"])
def test_a_named_caller_of_the_account_is_not_the_whole_account(loaded, name):
    results, rows, _ = loaded
    # only the named role's sessions get in: role chaining caps them at one hour, whatever the maximum
    assert statuses(loaded, name) == {CROSS: "ok", WILDCARD: "ok", BROAD: "ok", EXTERNAL_ADMIN: "alarm",
                                      LONG_SESSION: "ok"}
    # one AWS row, for "*": the caller it admits is the named role of the partner account, not a stand-in; "*" names
    # AWS services too, admitted only if a service's request carries the named principal
    assert [(r["trusted_kind"], r["trusted_account"], r["decision"], r["names_caller"]) for r in rows[name]] == [
        ("anyone", PARTNER, "Allowed", True), ("service", None, "AllowedIf", True)]


def test_the_star_row_names_the_account_of_the_caller_it_admits(loaded):
    _, rows, _ = loaded
    star = next(r for r in rows["star-account"] if r["trusted_kind"] == "anyone")
    assert (star["trusted_account"], star["decision"], star["names_caller"]) == (PARTNER, "Allowed", True)
    account = next(r for r in rows["star-account"] if r["trusted_kind"] == "account")
    assert account == {**account, "trusted": PARTNER_ROOT, "trusted_account": PARTNER, "external": True,
                       "decision": "Allowed", "names_caller": False, "requires_external_id": False}


@pytest.mark.parametrize("name", ["star-organization", "star-organization-path"])
def test_a_star_trust_limited_to_an_organization_still_names_the_caller(loaded, name):
    results, rows, _ = loaded
    assert statuses(loaded, name) == {CROSS: "ok", WILDCARD: "ok", BROAD: "ok", EXTERNAL_ADMIN: "alarm",
                                      LONG_SESSION: "alarm"}
    assert [r["trusted_kind"] for r in rows[name]] == ["anyone"]


def test_a_negated_account_condition_admits_everyone_else(loaded):
    _, rows, _ = loaded
    # refusing the very account the engine stands "another account" with does not hide the others it admits
    for name, refused in (("star-not-account", PARTNER), ("star-not-stand-in", STAND_IN)):
        assert statuses(loaded, name) == dict.fromkeys(CONTROLS, "alarm"), name  # every other account, unconditioned
        assert [(r["trusted_kind"], r["names_caller"]) for r in rows[name]] == [("anyone", False),
                                                                                ("service", False)], name
        assert rows[name][0]["trusted_account"] not in (refused, ACCOUNT), name


def test_an_account_the_trust_names_is_not_the_stand_in_for_star(loaded):
    results, rows, _ = loaded
    assert statuses(loaded, "stand-in-and-organization") == dict.fromkeys(CONTROLS, "alarm") | {WILDCARD: "ok"}
    assert "a condition limits it to named principals" in results[(WILDCARD, "stand-in-and-organization")]["reason"]
    star = next(r for r in rows["stand-in-and-organization"] if r["trusted_kind"] == "anyone")
    assert (star["decision"], star["names_caller"]) == ("AllowedIf", True)


def test_an_account_trusted_for_one_named_role_is_judged_as_star_for_that_role(loaded):
    _, rows, _ = loaded
    assert statuses(loaded, "root-account-named-arn") == statuses(loaded, "star-account-named-arn") == {
        CROSS: "ok", WILDCARD: "ok", BROAD: "ok", EXTERNAL_ADMIN: "alarm", LONG_SESSION: "ok"}
    assert [(r["trusted_kind"], r["decision"], r["names_caller"]) for r in rows["root-account-named-arn"]] == [
        ("account", "Allowed", True)]


def test_who_can_lists_the_account_a_star_trust_admits(loaded):
    *_, path = loaded
    done = CliRunner().invoke(app, ["who-can", "sts:AssumeRole", "--resource", f"arn:aws:iam::{ACCOUNT}:role/star-account",
                                    "--db", path, "-o", "json"])
    assert done.exit_code == 0, done.output
    found = {(r["principal"], r["principal_type"], r["account_id"], r["decision"]) for r in json.loads(done.output)}
    # "*" names AWS services too: one is admitted only if its request carries the partner's account
    assert found == {(STAR, "anyone", PARTNER, "Allowed"), (PARTNER_ROOT, "account", PARTNER, "Allowed"),
                     (STAR, "service", "", "AllowedIf")}
