"""A row that holds by several requests (the probes of an escalation path, the steps of a role chain, the resources of
one request) holds only when the conditions of every one of them do: its ``conditions`` are alternatives of their
AND, never the conditions of each step listed side by side as alternatives (which would read "any step's condition
is enough"). The same in `iamsql who-can` for a principal that reaches an action through a role.

Account 123456789012 as of 2024-03-01 (tests/iam_rows.py), loaded as rows into a database file."""

import json

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.policy.conditions import steps_conditions
from iamsql.store import db
from tests.fixtures.cli import run_cli
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, managed, role, user

ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
FROM_OFFICE = {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}
WITH_MFA = {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}
BOTH = {**WITH_MFA, **FROM_OFFICE}
LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]

USERS = [
    # may assume any role only with MFA; the one administrator role it may assume is one only from the office
    user("mfa-assumer", allow("sts:AssumeRole", arn("role", "admin-from-office"), Condition=WITH_MFA)),
    # passes roles only with MFA, creates and runs functions only from the office
    user("split-lambda", allow("iam:PassRole", Condition=WITH_MFA), allow(LAMBDA, Condition=FROM_OFFICE)),
    # the same path with one condition on every request
    user("office-lambda", allow(["iam:PassRole", *LAMBDA], Condition=FROM_OFFICE)),
]
ROLES = [
    role("admin-from-office", assume(ROOT), statements=[allow("*", Condition=FROM_OFFICE)]),
    role("admin-lambda", assume({"Service": "lambda.amazonaws.com"}), attached=[ADMIN]),
]
POLICIES = [managed("AdministratorAccess", allow("*"), aws=True)]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("steps") / "iam.duckdb"
    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, USERS)
        db.insert_rows(con, "aws_iam_role", snapshot, ROLES)
        db.insert_rows(con, "aws_iam_policy", snapshot, POLICIES)
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    rows = {(p, q): (d, json.loads(c) if c else None) for p, q, d, c in con.execute(
        "select principal_arn, question, decision, conditions from iam_principal_access").fetchall()}
    con.close()
    return path, rows


def test_a_chain_holds_by_the_conditions_of_every_step(loaded):
    # the user's sts:AssumeRole needs MFA, the role's administrator power the office network: both, in one block
    _, rows = loaded
    decision, conditions = rows[(arn("user", "mfa-assumer"), "assume_admin_role")]
    assert decision == "AllowedIf"
    assert conditions == [BOTH]


def test_an_escalation_path_holds_by_the_conditions_of_every_request(loaded):
    _, rows = loaded
    question = "escalation:PassExistingRoleToNewLambdaThenInvoke"
    decision, conditions = rows[(arn("user", "split-lambda"), question)]
    assert decision == "AllowedIf"
    assert conditions == [BOTH]
    # one condition shared by every request stays one block
    assert rows[(arn("user", "office-lambda"), question)] == ("AllowedIf", [FROM_OFFICE])


def test_who_can_through_a_role_carries_the_roles_own_conditions(loaded):
    path, _ = loaded
    done = run_cli("who-can", "iam:CreateUser", "--db", str(path), "-o", "json")
    assert done.returncode == 0, done.stderr
    found = {row["principal"]: row for row in json.loads(done.stdout)}
    through = found[arn("user", "mfa-assumer")]
    assert through["decision"] == "AllowedIf" and json.loads(through["conditions"]) == [BOTH], through


def test_steps_conditions_ands_steps_and_keeps_either_value_of_a_shared_key():
    # each list ORs its blocks; the lists are ANDed: one block per choice
    assert steps_conditions([WITH_MFA], [], [FROM_OFFICE]) == [BOTH]
    other_office = {"IpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}}
    assert steps_conditions([WITH_MFA, FROM_OFFICE], [other_office]) == [
        {**WITH_MFA, **other_office}, {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"]}}]
    # two requests may come from two networks, tag two resources differently: a shared key keeps the values for
    # which either holds (never "impossible"); a negated operator keeps the values both refuse
    refuse = [{"StringNotEquals": {"aws:ResourceTag/team": ["red", "blue"]}}]
    assert steps_conditions(refuse, [{"StringNotEquals": {"aws:ResourceTag/team": ["blue"]}}]) == [
        {"StringNotEquals": {"aws:ResourceTag/team": ["blue"]}}]
    assert steps_conditions(refuse, [{"StringNotEquals": {"aws:ResourceTag/team": ["green"]}}]) == []
    assert steps_conditions([], []) == []
