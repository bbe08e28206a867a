"""cloudtrail_event_retired_key_used on session credentials a long-term key minted before it was revoked: the
calls of a GetFederationToken, GetSessionToken or AssumeRole session signed by the key count as the key's, since
deactivating or deleting the key does not revoke them (Stratus sts-federation-token's own log, with the key's
deactivation added). Near misses: the session used only before the revocation, another key's session, and the
key reactivated before the session's call."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import event, findings_by_account, load_accounts

CONTROL = "cloudtrail_event_retired_key_used"
STRATUS = (Path(__file__).parent / "data" / "stratus_red_team_detonation_logs" / "docs" / "detonation-logs"
           / "aws.persistence.sts-federation-token.json")
AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def mint(account: str, minute: float, name: str, key: str, session_key: str, user: str = "build") -> dict:
    request = {"roleArn": f"arn:aws:iam::{account}:role/deployer", "roleSessionName": "s"} if name == "AssumeRole" \
        else {"name": "fed", "durationSeconds": 129600} if name == "GetFederationToken" else {"durationSeconds": 129600}
    return event(account, at(minute), name, source="sts.amazonaws.com", user=user, key=key, request=request,
                 response={"credentials": {"accessKeyId": session_key, "expiration": "Jun 2, 2024, 12:00:00 AM",
                                           "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE"}})


def federated_call(account: str, minute: float, session_key: str, ip: str = "203.0.113.50") -> dict:
    """A call of the federated user `fed` that user build's token made."""
    call = event(account, at(minute), "ListBuckets", source="s3.amazonaws.com", user="build", key=session_key, ip=ip,
                 read_only=True)
    call["user_identity"] = {"type": "FederatedUser", "arn": f"arn:aws:sts::{account}:federated-user/fed",
                             "principalId": f"{account}:fed", "accountId": account, "accessKeyId": session_key,
                             "sessionContext": {"sessionIssuer": {"type": "IAMUser", "userName": "build",
                                                                  "arn": f"arn:aws:iam::{account}:user/build"}}}
    call["user_type"], call["user_identifier"] = "FederatedUser", call["user_identity"]["arn"]
    return call


def retire(account: str, minute: float, key: str, name: str = "UpdateAccessKey", status: str = "Inactive") -> dict:
    request = {"userName": "build", "accessKeyId": key, **({"status": status} if name == "UpdateAccessKey" else {})}
    return event(account, at(minute), name, user="admin", request=request)


def test_sessions_a_revoked_key_minted_keep_its_alarm_and_earlier_use_does_not(tmp_path):
    fed, role, before, other, back = "891000000001", "891000000002", "891000000003", "891000000004", "891000000005"
    role_call = event(role, at(30), "GetObject", source="s3.amazonaws.com", role="deployer", key="ASIAROLE0000000002",
                      ip="203.0.113.60", read_only=True)
    found = run(tmp_path, {
        # a federation token minted, the key deactivated, the token still used 20 minutes later
        fed: [mint(fed, 0, "GetFederationToken", "AKIABUILD000000001", "ASIAFED00000000001"),
              retire(fed, 10, "AKIABUILD000000001"), federated_call(fed, 30, "ASIAFED00000000001")],
        # a role session the key minted, used after the key was deleted
        role: [mint(role, 0, "AssumeRole", "AKIABUILD000000002", "ASIAROLE0000000002"),
               retire(role, 10, "AKIABUILD000000002", "DeleteAccessKey"), role_call],
        # used only before the key was deactivated
        before: [mint(before, 0, "GetFederationToken", "AKIABUILD000000003", "ASIAFED00000000003"),
                 federated_call(before, 5, "ASIAFED00000000003"), retire(before, 10, "AKIABUILD000000003")],
        # the session of another key of the user, which stays active
        other: [mint(other, 0, "GetFederationToken", "AKIABUILD000000044", "ASIAFED00000000004"),
                retire(other, 10, "AKIABUILD000000004"), federated_call(other, 30, "ASIAFED00000000004")],
        # the key made active again before the session's call
        back: [mint(back, 0, "GetSessionToken", "AKIABUILD000000005", "ASIASESS0000000005"),
               retire(back, 10, "AKIABUILD000000005"), retire(back, 15, "AKIABUILD000000005", status="Active"),
               event(back, at(30), "ListBuckets", source="s3.amazonaws.com", user="build", key="ASIASESS0000000005")],
    })
    [(resource, status, reason)] = found[fed]
    assert (resource, status) == (f"arn:aws:iam::{fed}:user/build#AKIABUILD000000001", "alarm")
    assert reason.startswith("Access key AKIABUILD000000001 of build was deactivated on 2024-05-31 12:10 UTC but "
                             "signed 1 call(s) after that (1 with session credentials it had minted by "
                             "GetFederationToken, which outlive the key), last on 2024-05-31 12:30 UTC from "
                             "203.0.113.50; find who still holds it and deny the sessions"), reason
    [(resource, status, reason)] = found[role]
    assert (resource, status) == (f"arn:aws:iam::{role}:user/build#AKIABUILD000000002", "alarm")
    assert "was deleted on 2024-05-31 12:10 UTC" in reason and "minted by AssumeRole" in reason
    for account in (before, other, back):
        assert [s for _, s, _ in found[account]] == ["ok"], found[account]


def run(tmp_path, events: dict[str, list[dict]]) -> dict[str, list[tuple[str, str, str]]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    con = db.connect(tmp_path / "sessions.duckdb")
    load_accounts(con, {a: {"aws_cloudtrail_trail_event": e} for a, e in events.items()}, AS_OF)
    return findings_by_account(con, CONTROL, {})


def test_stratus_federation_token_used_after_its_key_was_deactivated(tmp_path):
    """Stratus's log: the user's key AKIA6V1GNZTT65XQH36M mints a federation token at 08:43:17 and the federated
    user calls GetCallerIdentity a second later. Alone it holds no revocation (ok); with the key deactivated between
    the two calls (grace 0) the federated call alarms as the key's."""
    records = json.loads(STRATUS.read_text())
    [minted] = [r for r in records if r["eventName"] == "GetFederationToken"]
    deactivated = {**minted, "eventID": "deactivate-1", "eventName": "UpdateAccessKey", "eventSource": "iam.amazonaws.com",
                   "eventTime": "2024-11-30T08:43:17Z", "requestParameters": {"accessKeyId": "AKIA6V1GNZTT65XQH36M",
                                                                              "status": "Inactive"},
                   "responseElements": None}
    verdicts = {}
    for name, extra in (("alone", []), ("deactivated", [deactivated])):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"Records": records + extra}))
        con = db.connect(tmp_path / f"{name}.duckdb")
        load_paths(con, [path])
        rows = controls.results(con, controls.run_checks(con, controls=[CONTROL], params={"grace_minutes": 0}))
        con.close()
        verdicts[name] = [(r["status"], r["resource"], r["reason"]) for r in rows]
    assert [s for s, _, _ in verdicts["alone"]] == ["ok"], verdicts["alone"]
    [(status, resource, reason)] = verdicts["deactivated"]
    assert status == "alarm" and resource.endswith("#AKIA6V1GNZTT65XQH36M"), verdicts["deactivated"]
    assert "1 with session credentials it had minted by GetFederationToken" in reason
