"""A row that holds by several requests (the probes of an escalation path, the steps of a role chain, the resources of
one request) holds only when the conditions of every one of them do: its ``conditions`` are alternatives of their
AND, never the conditions of each step listed side by side as alternatives (which would read "any step's condition
is enough"). The same in `iamsql who-can` for a principal that reaches an action through a role.

Account 123456789012 as of 2024-03-01 (tests/iam_rows.py), loaded as rows into a database file."""

import json

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.policy.conditions import principal_key, session_key, steps_conditions
from iamsql.store import db
from tests.fixtures.cli import run_cli
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, managed, role, user

ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
FROM_OFFICE = {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}
WITH_MFA = {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}
BOTH = {**WITH_MFA, **FROM_OFFICE}
LAMBDA = ["lambda:CreateFunction", "lambda:InvokeFunction"]
WITHOUT_MFA = {"Bool": {"aws:MultiFactorAuthPresent": ["false"]}}
RED_RESOURCE = {"StringEquals": {"aws:ResourceTag/team": ["red"]}}
BLUE_RESOURCE = {"StringEquals": {"aws:ResourceTag/team": ["blue"]}}
INSTANCES = f"arn:aws:ec2:*:{ACCOUNT}:instance/*"
DOCUMENTS = "arn:aws:ssm:*:*:document/*"


def org(*ids: str) -> dict:
    return {"StringEquals": {"aws:PrincipalOrgID": list(ids)}}


USERS = [
    # may assume any role only with MFA; the one administrator role it may assume is one only from the office
    user("mfa-assumer", allow("sts:AssumeRole", arn("role", "admin-from-office"), Condition=WITH_MFA)),
    # passes roles only with MFA, creates and runs functions only from the office
    user("split-lambda", allow("iam:PassRole", Condition=WITH_MFA), allow(LAMBDA, Condition=FROM_OFFICE)),
    # the same path with one condition on every request
    user("office-lambda", allow(["iam:PassRole", *LAMBDA], Condition=FROM_OFFICE)),
    # ssm:SendCommand names the instance and the document in one request (SSM API Reference, SendCommand): its
    # MFA has one value, so the two statements' conditions cannot both hold
    user("split-mfa-ssm", allow("ssm:SendCommand", INSTANCES, Condition=WITH_MFA),
         allow("ssm:SendCommand", DOCUMENTS, Condition=WITHOUT_MFA)),
    # the principal's organization is one, whatever request it makes (here it is not loaded: a condition on it)
    user("split-org-lambda", allow("iam:PassRole", Condition=org("o-aaaaaaaaaa")),
         allow(LAMBDA, Condition=org("o-bbbbbbbbbb"))),
    user("one-org-lambda", allow("iam:PassRole", Condition=org("o-aaaaaaaaaa", "o-bbbbbbbbbb")),
         allow(LAMBDA, Condition=org("o-bbbbbbbbbb"))),
    # the tags of the two resources are two values: both conditions can hold
    user("split-tag-ssm", allow("ssm:SendCommand", INSTANCES, Condition=RED_RESOURCE),
         allow("ssm:SendCommand", DOCUMENTS, Condition=BLUE_RESOURCE)),
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


def test_one_request_needs_one_value_of_the_callers_own_key(loaded):
    # the instance and the document of one ssm:SendCommand request: its MFA cannot be both present and absent
    _, rows = loaded
    assert (arn("user", "split-mfa-ssm"), "escalation:SSMSendCommand") not in rows
    # two resources' tags are two values: the row holds when each resource has its own
    decision, conditions = rows[(arn("user", "split-tag-ssm"), "escalation:SSMSendCommand")]
    assert decision == "AllowedIf"
    assert len(conditions) == 1 and list(conditions[0]) == ["StringEquals"], conditions
    assert sorted(conditions[0]["StringEquals"]["aws:ResourceTag/team"]) == ["blue", "red"], conditions


def test_the_requests_of_a_path_need_one_value_of_the_principals_own_key(loaded):
    _, rows = loaded
    question = "escalation:PassExistingRoleToNewLambdaThenInvoke"
    assert (arn("user", "split-org-lambda"), question) not in rows
    assert rows[(arn("user", "one-org-lambda"), question)] == ("AllowedIf", [org("o-bbbbbbbbbb")])


def test_steps_conditions_ands_the_values_of_a_shared_key():
    by_arn = [{"StringEquals": {"aws:PrincipalArn": [arn("role", "a"), arn("role", "b")]}}]
    only_b = [{"StringEquals": {"aws:PrincipalArn": [arn("role", "b")]}}]
    only_c = [{"StringEquals": {"aws:PrincipalArn": [arn("role", "c")]}}]
    # one principal's requests: its ARN is one value, allowed by both
    assert steps_conditions(by_arn, only_b, shared=principal_key) == only_b
    assert steps_conditions(only_b, only_c, shared=principal_key) is None
    # an alternative that cannot hold is dropped, the other kept
    assert steps_conditions([only_c[0], FROM_OFFICE], only_b, shared=principal_key) == [{**FROM_OFFICE, **only_b[0]}]
    # requests of different principals (the steps of a role chain) keep the values for which either holds
    assert steps_conditions(only_b, only_c) == [{"StringEquals": {"aws:PrincipalArn": [arn("role", "b"), arn("role", "c")]}}]
    # a session's MFA and tags are one value in one request (session_key), not across a principal's sessions
    assert steps_conditions([WITH_MFA], [WITHOUT_MFA], shared=session_key) is None
    assert steps_conditions([WITH_MFA], [WITHOUT_MFA], shared=principal_key) == [
        {"Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]}}]
    red, blue = ({"StringEquals": {"aws:PrincipalTag/team": [team]}} for team in ("red", "blue"))
    assert steps_conditions([red], [blue], shared=session_key) is None
    # keys of the resources stay as they are, whatever is shared
    assert steps_conditions([RED_RESOURCE], [BLUE_RESOURCE], shared=session_key) == [
        {"StringEquals": {"aws:ResourceTag/team": ["red", "blue"]}}]
    # a bound on the caller's own key: the tighter one
    young = [{"NumericLessThan": {"aws:MultiFactorAuthAge": ["3600"]}}]
    younger = [{"NumericLessThan": {"aws:MultiFactorAuthAge": ["600"]}}]
    assert steps_conditions(young, younger, shared=session_key) == younger
