"""Identity threats of docs/detections.md that no Stratus detonation log shows, on hand-written CloudTrail events
shaped as AWS documents each call (request parameters in CloudTrail's lowerCamelCase, the caller's userIdentity),
each with a near miss that must not alarm.

- An MFA device enabled on another user (ATT&CK T1098.005, device registration): whoever holds the device passes
  that user's MFA; the same call on one's own user is the normal enrolment.
- A permissions boundary deleted from a user or role (DeleteUserPermissionsBoundary, DeleteRolePermissionsBoundary:
  AWS warns it "might increase its permissions"); setting a boundary is not an alarm.
- The account password policy deleted or set below the floors (GuardDuty's Stealth:IAMUser/PasswordPolicyChange);
  UpdateAccountPasswordPolicy replaces the whole policy and an omitted setting takes its default.
"""

from datetime import datetime, timedelta, timezone

from iamsql import controls
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(tmp_path, events: dict[str, list[dict]], control_id: str, **params) -> dict[str, list[tuple[str, str, str]]]:
    """account -> [(resource, status, reason)] of one control over the accounts' events."""
    con = db.connect(tmp_path / "identity.duckdb")
    load_accounts(con, {a: {"aws_cloudtrail_trail_event": e} for a, e in events.items()}, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[control_id], params=params or None))
    con.close()
    assert [r for r in rows if r["status"] == "error"] == []
    found: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        found.setdefault(r["account_id"], []).append((r["resource"], r["status"], r["reason"]))
    return found


def statuses(rows: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    return sorted((resource, status) for resource, status, _ in rows)


# --------------------------------------------------------------------------------------------------------------
# credential_for_other_principal: EnableMFADevice for another user
# --------------------------------------------------------------------------------------------------------------


def mfa_call(account: str, minute: float, name: str, target: str, **caller) -> dict:
    return event(account, at(minute), name, request={"userName": target,
                                                     "serialNumber": f"arn:aws:iam::{account}:mfa/{target}-phone"},
                 **caller)


def test_an_mfa_device_enabled_on_another_user_alarms(tmp_path):
    taken, own, swapped = "861000000001", "861000000002", "861000000003"
    found = run(tmp_path, {
        # an intruder's role session puts its own device on alice
        taken: [mfa_call(taken, 0, "EnableMFADevice", "alice", role="ops-automation")],
        # bob enrols his own device: the normal way MFA is set up
        own: [mfa_call(own, 0, "CreateVirtualMFADevice", "bob", user="bob") | {"request_parameters": {
                  "virtualMFADeviceName": "bob-phone", "path": "/"}},
              mfa_call(own, 1, "EnableMFADevice", "bob", user="bob")],
        # mallory removes carol's device and enables one of hers within a minute: a "replacement" to
        # mfa_device_removed, a takeover here
        swapped: [mfa_call(swapped, 0, "DeactivateMFADevice", "carol", user="mallory"),
                  mfa_call(swapped, 1, "EnableMFADevice", "carol", user="mallory")],
    }, "cloudtrail_event_credential_for_other_principal")
    [(resource, status, reason)] = found[taken]
    assert (resource, status) == (f"arn:aws:iam::{taken}:user/alice", "alarm")
    assert f"assumed-role/ops-automation/session-1 called EnableMFADevice for user alice on {at(0):%Y-%m-%d %H:%M:%S}" \
        in reason, reason
    assert statuses(found[own]) == [(f"arn:aws:::{own}", "ok")], found[own]
    [(resource, status, reason)] = found[swapped]
    assert (resource, status) == (f"arn:aws:iam::{swapped}:user/carol", "alarm")
    assert "user/mallory called EnableMFADevice for user carol" in reason, reason


def test_a_denied_mfa_enrolment_for_another_user_alarms_and_a_failed_one_does_not(tmp_path):
    denied, failed = "861000000004", "861000000005"
    found = run(tmp_path, {
        denied: [mfa_call(denied, 0, "EnableMFADevice", "alice", user="intern", error="AccessDenied")],
        # the codes were wrong: no device was enabled and nobody was refused
        failed: [mfa_call(failed, 0, "EnableMFADevice", "alice", user="admin", error="InvalidAuthenticationCode")],
    }, "cloudtrail_event_credential_for_other_principal")
    [(resource, status, reason)] = found[denied]
    assert (resource, status) == (f"arn:aws:iam::{denied}:user/alice", "alarm")
    assert "user/intern tried EnableMFADevice for user alice" in reason and "denied with AccessDenied" in reason, reason
    assert statuses(found[failed]) == [(f"arn:aws:::{failed}", "ok")], found[failed]
