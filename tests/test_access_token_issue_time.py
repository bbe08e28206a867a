"""`DateGreaterThan aws:TokenIssueTime` with a start long before the data's time, read per kind of principal.

AWS's rules: ``aws:TokenIssueTime`` "is included in the request context only when the principal uses temporary
credentials" (IAM User Guide, "AWS global condition context keys"), which a role's sessions always are; no temporary
credentials last longer than 36 hours (the longest ``DurationSeconds``, of GetSessionToken and GetFederationToken, AWS
STS API Reference). So at or after the data's time every role session's token was issued after that time less 36
hours, and a start before it is met, while an IAM user may call with long-term keys, which lack the key: for a user
the condition stays a condition. Account 123456789012 as of 2024-03-01T12:00:00Z (tests/iam_rows.py): the oldest
credentials still valid were issued at 2024-02-29T00:00:00Z."""

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.iam_rows import ACCOUNT, AS_OF, allow, arn, managed, role, user

SINCE_2020 = {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}}
# one second before the oldest credentials still valid: every session's token is issued after it
AT_BOUND = {"DateGreaterThanEquals": {"aws:TokenIssueTime": "2024-02-29T00:00:00Z"}}
# within the last 36 hours: a session issued before it may still be valid, so it stays a condition
RECENT = {"DateGreaterThan": {"aws:TokenIssueTime": "2024-03-01T00:00:00Z"}}
ROOT = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
TRUST = {"Effect": "Allow", "Principal": ROOT, "Action": "sts:AssumeRole"}
BOUNDED = managed("since-2020", allow("*", Condition=SINCE_2020))


@pytest.fixture(scope="module")
def decisions(tmp_path_factory) -> dict:
    con = db.connect(tmp_path_factory.mktemp("token") / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [
            user("user-since-2020", allow("*", Condition=SINCE_2020)),
        ])
        db.insert_rows(con, "aws_iam_role", snapshot, [
            role("role-since-2020", TRUST, statements=[allow("*", Condition=SINCE_2020)]),
            role("role-at-bound", TRUST, statements=[allow("*", Condition=AT_BOUND)]),
            role("role-recent", TRUST, statements=[allow("*", Condition=RECENT)]),
            role("role-managed", TRUST, attached=[BOUNDED["arn"]]),
            role("role-boundary", TRUST, statements=[allow("*")], boundary=BOUNDED["arn"]),
        ])
        db.insert_rows(con, "aws_iam_policy", snapshot, [BOUNDED])
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    found = dict(con.execute("select principal_arn, decision from iam_principal_access "
                             "where question = 'full_admin'").fetchall())
    con.close()
    return found


@pytest.mark.parametrize(("principal", "decision"), [
    (arn("role", "role-since-2020"), "Allowed"),
    (arn("role", "role-at-bound"), "Allowed"),
    (arn("role", "role-managed"), "Allowed"),
    (arn("role", "role-boundary"), "Allowed"),
    (arn("role", "role-recent"), "AllowedIf"),
    # a user may call with its long-term keys, which carry no aws:TokenIssueTime
    (arn("user", "user-since-2020"), "AllowedIf"),
])
def test_a_start_of_the_token_before_every_valid_session_is_met_by_roles_only(decisions, principal, decision):
    assert decisions[principal] == decision
