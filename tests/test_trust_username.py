"""A trust that admits callers only by ``aws:username``, present in the request context only for IAM users (IAM
User Guide, "AWS global condition context keys"), still lets those users in: the engine asks the account (or
``"*"``) with an IAM user of it as well as a role, so the trust controls do not pass the role as trusting no one.
Roles of account 111122223333 (each tagged non-human, with AdministratorAccess and twelve-hour sessions) loaded
from a ``get-account-authorization-details`` file by the real loader into a database file."""

import json

import pytest
from typer.testing import CliRunner

from iamsql import controls
from iamsql.cli import app
from iamsql.load import load_paths
from iamsql.store import db
from tests.test_trust_star_account import administrator_access, role

ACCOUNT, PARTNER = "111122223333", "444455556666"
CROSS, WILDCARD, BROAD = (
    "iam_role_cross_account_trust_has_external_id", "iam_role_trust_no_wildcard_principal", "nhi_role_trust_broad")
EXTERNAL_ADMIN, LONG_SESSION = "iam_role_external_admin_or_readonly", "iam_role_long_session_external"
CONTROLS = [CROSS, WILDCARD, BROAD, EXTERNAL_ADMIN, LONG_SESSION]
PARTNER_ROOT, OWN_ROOT = f"arn:aws:iam::{PARTNER}:root", f"arn:aws:iam::{ACCOUNT}:root"
ALICE = {"StringEquals": {"aws:username": "alice"}}
# role name -> (principal, condition)
TRUSTS = {
    "root-username": (PARTNER_ROOT, ALICE),
    "root-username-like": (PARTNER_ROOT, {"StringLike": {"aws:username": "ops-*"}}),
    "root-users-only": (PARTNER_ROOT, {"StringEquals": {"aws:PrincipalType": "User"}}),
    "star-username": ("*", ALICE),
    "star-account-username": ("*", {"StringEquals": {"aws:username": "alice", "aws:PrincipalAccount": PARTNER}}),
    "own-username": (OWN_ROOT, ALICE),
    "star-own-username": ("*", {"StringEquals": {"aws:username": "alice", "aws:PrincipalAccount": ACCOUNT}}),
}


def alice() -> dict:
    """The account's own user alice, allowed to assume any role of the account."""
    return {"Path": "/", "UserName": "alice", "UserId": "AIDAALICEXXXXXXXXXXXX",
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [],
            "AttachedManagedPolicies": [], "Tags": [], "UserPolicyList": [{"PolicyName": "assume", "PolicyDocument": {
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Resource": f"arn:aws:iam::{ACCOUNT}:role/*"}]}}]}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(results by (control, role name), trust rows by role name, path) of the loaded database file."""
    folder = tmp_path_factory.mktemp("trust_username")
    (folder / ACCOUNT).mkdir()
    (folder / ACCOUNT / "gaad.json").write_text(json.dumps({
        "UserDetailList": [alice()], "GroupDetailList": [], "Policies": [administrator_access(len(TRUSTS))],
        "RoleDetailList": [role(name, trust) for name, trust in TRUSTS.items()]}))
    path = str(folder / "iam.duckdb")
    con = db.connect(path)
    try:
        load_paths(con, [folder])
        run_id = controls.run_checks(con, controls=CONTROLS)
        results = {(r["control_id"], r["resource"].rsplit("/", 1)[-1]): r for r in controls.results(con, run_id)}
    finally:
        con.close()
    columns = "role_name, trusted_kind, trusted_account, external, decision, names_caller, roles_only"
    done = CliRunner().invoke(app, ["query", "--db", path, "-o", "json",
                                    f"select {columns} from iam_role_trust_access order by 1, 2, 3"])
    assert done.exit_code == 0, done.output
    rows: dict[str, list[dict]] = {}
    for found in json.loads(done.output)["rows"]:
        rows.setdefault(found.pop("role_name"), []).append(found)
    return results, rows, path


def statuses(loaded, name: str) -> dict[str, str]:
    results, _, _ = loaded
    return {control: results[(control, name)]["status"] for control in CONTROLS}


def trust_rows(loaded, name: str) -> list[tuple]:
    _, rows, _ = loaded
    return [(r["trusted_kind"], r["trusted_account"], r["external"], r["decision"], r["names_caller"],
             r["roles_only"]) for r in rows[name]]


@pytest.mark.parametrize("name", ["root-username", "root-username-like"])
def test_an_account_trusted_for_named_users_admits_them(loaded, name):
    # the users named are callers from outside: they may take the administrator role for twelve hours, but the
    # condition names them, so the account is not trusted as a whole
    assert trust_rows(loaded, name) == [("account", PARTNER, True, "Allowed", True, False)]
    assert statuses(loaded, name) == {CROSS: "ok", WILDCARD: "ok", BROAD: "ok", EXTERNAL_ADMIN: "alarm",
                                      LONG_SESSION: "alarm"}
    results, _, _ = loaded
    assert "may be assumed" in results[(EXTERNAL_ADMIN, name)]["reason"], results[(EXTERNAL_ADMIN, name)]["reason"]


def test_an_account_trusted_for_every_user_is_trusted_as_a_whole(loaded):
    # aws:PrincipalType User refuses role sessions but names no one: every user of the account gets in
    assert trust_rows(loaded, "root-users-only") == [("account", PARTNER, True, "Allowed", False, False)]
    assert statuses(loaded, "root-users-only") == dict.fromkeys(CONTROLS, "alarm") | {WILDCARD: "ok"}


def test_star_for_a_user_name_admits_anyone_who_creates_that_user(loaded):
    # any account may create a user named alice: the condition names no one
    assert trust_rows(loaded, "star-username") == [("anyone", "999999999999", True, "Allowed", False, False)]
    assert statuses(loaded, "star-username") == dict.fromkeys(CONTROLS, "alarm")  # a user of any account may be alice


def test_star_for_a_user_name_of_one_account_names_the_caller(loaded):
    # and the account's row, as root-username has: its user alice gets in
    assert trust_rows(loaded, "star-account-username") == [("account", PARTNER, True, "Allowed", True, False),
                                                           ("anyone", PARTNER, True, "Allowed", True, False)]
    assert statuses(loaded, "star-account-username") == {CROSS: "ok", WILDCARD: "ok", BROAD: "ok",
                                                         EXTERNAL_ADMIN: "alarm", LONG_SESSION: "alarm"}


def test_the_own_account_trusted_for_a_named_user_admits_it(loaded):
    assert trust_rows(loaded, "own-username") == [("account", ACCOUNT, False, "Allowed", True, False)]
    assert statuses(loaded, "own-username") == dict.fromkeys(CONTROLS, "ok")


def test_star_for_a_named_user_of_the_own_account_admits_it_as_naming_the_account_does(loaded):
    # the account's user alice may assume the role: the account's row, as for own-username; "*" from elsewhere is
    # refused
    assert trust_rows(loaded, "star-own-username") == [("account", ACCOUNT, False, "Allowed", True, False),
                                                       ("anyone", "999999999999", True, "ImplicitlyDenied", True, False)]
    assert statuses(loaded, "star-own-username") == dict.fromkeys(CONTROLS, "ok")


def who_can(path: str, name: str) -> set[tuple]:
    done = CliRunner().invoke(app, ["who-can", "sts:AssumeRole", "--resource", f"arn:aws:iam::{ACCOUNT}:role/{name}",
                                    "--db", path, "-o", "json"])
    assert done.exit_code == 0, done.output
    return {(r["principal"], r["principal_type"], r["account_id"], r["decision"]) for r in json.loads(done.output)}


def test_who_can_lists_the_users_a_trust_admits_by_name(loaded):
    *_, path = loaded
    assert who_can(path, "root-username") == {(PARTNER_ROOT, "account", PARTNER, "Allowed")}
    assert who_can(path, "star-account-username") == {("*", "anyone", PARTNER, "Allowed"),
                                                       (PARTNER_ROOT, "account", PARTNER, "Allowed")}
    assert who_can(path, "own-username") == {(f"arn:aws:iam::{ACCOUNT}:user/alice", "user", ACCOUNT, "Allowed")}
    assert who_can(path, "star-own-username") == who_can(path, "own-username")
