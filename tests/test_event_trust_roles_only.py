"""``iam_event_trust_access`` says, as ``iam_role_trust_access`` does, whether every caller a row admits is a role
session (``roles_only``): a new trust of ``"*"`` or an account root limited by ``aws:PrincipalArn``
``arn:aws:iam::<account>:role/*`` admits only the roles of that account, and ``cloudtrail_event_role_trust_opened``
says so. UpdateAssumeRolePolicy events of account 123456789012 as of 2024-06-01 noon, loaded into a database file."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from iamsql import controls
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
ACCOUNT, PARTNER = "123456789012", "444455556666"
PARTNER_ROLES = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{PARTNER}:role/*"}}
# role name -> (principal, condition) of its new trust
TRUSTS = {
    "star-partner-roles": ("*", PARTNER_ROLES),
    "root-partner-roles": (f"arn:aws:iam::{PARTNER}:root", PARTNER_ROLES),
    "partner-role-arn": (f"arn:aws:iam::{PARTNER}:role/deploy", None),
    "star-partner-account": ("*", {"StringEquals": {"aws:PrincipalAccount": PARTNER}}),
    "root-partner": (f"arn:aws:iam::{PARTNER}:root", None),
}


def change(minutes: int, role: str, principal: str, condition: dict | None) -> dict:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    document = {"Version": "2012-10-17", "Statement": [{**statement, "Condition": condition} if condition else statement]}
    return event(ACCOUNT, AS_OF - timedelta(hours=1, minutes=-minutes), "UpdateAssumeRolePolicy", user="admin",
                 request={"roleName": role, "policyDocument": json.dumps(document)})


@pytest.fixture(scope="module")
def judged(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("event_roles_only") / "iamsql.duckdb")
    try:
        changes = [change(minutes, role, *trust) for minutes, (role, trust) in enumerate(TRUSTS.items())]
        load_accounts(con, {ACCOUNT: {"aws_cloudtrail_trail_event": changes}}, AS_OF)
        rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_role_trust_opened"]))
        controls.create_views(con, names=[], engine_tables=("iam_event_trust_access",))
        table = con.execute("select role_name, trusted_kind, trusted_account, decision, roles_only "
                            "from iam_event_trust_access order by 1, 2").fetchall()
    finally:
        con.close()
    reasons = {r["resource"].rsplit("/", 1)[-1]: (r["status"], r["reason"]) for r in rows if "role/" in r["resource"]}
    return table, reasons


def test_event_trust_rows_say_whether_only_role_sessions_get_in(judged):
    table, _ = judged
    assert table == [
        ("partner-role-arn", "principal", PARTNER, "Allowed", True),
        ("root-partner", "account", PARTNER, "Allowed", False),
        ("root-partner-roles", "account", PARTNER, "Allowed", True),
        ("star-partner-account", "account", PARTNER, "Allowed", False),
        ("star-partner-account", "anyone", PARTNER, "Allowed", False),
        # "*" names AWS services too: admitted only if a service's request carries the partner's principals
        ("star-partner-account", "service", None, "AllowedIf", False),
        ("star-partner-roles", "account", PARTNER, "Allowed", True),
        ("star-partner-roles", "anyone", PARTNER, "Allowed", True),
        ("star-partner-roles", "service", None, "AllowedIf", False),
    ]


@pytest.mark.parametrize("role", ["star-partner-roles", "root-partner-roles"])
def test_the_alarm_says_only_the_accounts_role_sessions_are_admitted(judged, role):
    _, reasons = judged
    status, reason = reasons[role]
    assert status == "alarm" and f"role sessions of account {PARTNER}" in reason, reason


@pytest.mark.parametrize("role", ["star-partner-account", "root-partner"])
def test_a_whole_account_is_still_named_as_the_account(judged, role):
    _, reasons = judged
    status, reason = reasons[role]
    assert status == "alarm" and f"admits account {PARTNER}" in reason and "role sessions" not in reason, reason
