"""Identity threats of docs/detections.md that no Stratus detonation log shows, on hand-written CloudTrail events
shaped as AWS documents each call (request parameters in CloudTrail's lowerCamelCase, the caller's userIdentity),
each with a near miss that must not alarm.

- An MFA device enabled on another user (ATT&CK T1098.005, device registration): whoever holds the device passes
  that user's MFA; the same call on one's own user is the normal enrolment.
- A permissions boundary deleted from a user or role (DeleteUserPermissionsBoundary, DeleteRolePermissionsBoundary:
  AWS warns it "might increase its permissions"); setting a boundary is not an alarm.
- The account password policy deleted or set below the floors (GuardDuty's Stealth:IAMUser/PasswordPolicyChange);
  UpdateAccountPasswordPolicy replaces the whole policy and an omitted setting takes its default.
- A session token minted by a long-term key (GetSessionToken: no permission needed, valid up to 36 hours whatever
  happens to the key) by the root user, without MFA by a user known to have MFA, or from an address the user had
  not used; a user asking for an MFA session from its usual address is everyday CLI use.
- One user's access key minting fresh sessions of the same role minutes apart (the maheribra attack chain's
  pivot, on its real trail); sessions spread over the hour or minted together at a tool's start-up, a role
  session chaining and a named script do not.
"""

from datetime import datetime, timedelta, timezone
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import console_login, event, findings_by_account, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
# the detections whose alarms and near misses this module tests
CONTROLS = ("cloudtrail_event_permissions_boundary_removed", "cloudtrail_event_password_policy_weakened",
            "cloudtrail_event_identity_center_admin_assigned", "cloudtrail_event_console_sign_in_failures",
            "cloudtrail_event_session_token_issued", "cloudtrail_event_role_assumed_repeatedly",
            "cloudtrail_event_key_checked_from_new_address")
T0 = AS_OF - timedelta(days=1)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(tmp_path, events: dict[str, list[dict]], control_id: str, users: dict[str, list[dict]] | None = None,
        **params) -> dict[str, list[tuple[str, str, str]]]:
    """account -> [(resource, status, reason)] of one control over the accounts' events (and IAM ``users`` rows)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    con = db.connect(tmp_path / "identity.duckdb")
    load_accounts(con, {a: {"aws_cloudtrail_trail_event": e, **({"aws_iam_user": users[a]} if a in (users or {}) else {})}
                        for a, e in events.items()}, AS_OF)
    return findings_by_account(con, control_id, params)


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


# --------------------------------------------------------------------------------------------------------------
# permissions_boundary_removed
# --------------------------------------------------------------------------------------------------------------


def test_a_deleted_permissions_boundary_alarms(tmp_path):
    other, own, denied = "862000000001", "862000000002", "862000000003"
    found = run(tmp_path, {
        other: [event(other, at(0), "DeleteRolePermissionsBoundary", role="builder", request={"roleName": "app-runner"})],
        own: [event(own, at(0), "DeleteUserPermissionsBoundary", user="dev-sam", request={"userName": "dev-sam"})],
        denied: [event(denied, at(0), "DeleteUserPermissionsBoundary", user="intern", error="AccessDenied",
                       request={"userName": "dev-sam"})],
    }, "cloudtrail_event_permissions_boundary_removed")
    [(resource, status, reason)] = found[other]
    assert (resource, status) == (f"arn:aws:iam::{other}:role/app-runner", "alarm")
    assert "assumed-role/builder/session-1 called DeleteRolePermissionsBoundary on role app-runner at" in reason, reason
    assert "(its own boundary)" not in reason and "ARN is built from its name" in reason, reason
    [(resource, status, reason)] = found[own]
    # the caller's own ARN, from its userIdentity, not built from the name
    assert (resource, status) == (f"arn:aws:iam::{own}:user/dev-sam", "alarm")
    assert "on user dev-sam (its own boundary)" in reason and "built from its name" not in reason, reason
    [(resource, status, reason)] = found[denied]
    assert (resource, status) == (f"arn:aws:iam::{denied}:user/dev-sam", "alarm")
    assert "user/intern tried DeleteUserPermissionsBoundary on user dev-sam" in reason, reason
    assert "denied with AccessDenied" in reason, reason


def test_a_role_whose_boundary_is_removed_is_reported_under_its_arn_with_path(tmp_path):
    account = "862000000005"
    role_arn = f"arn:aws:iam::{account}:role/apps/payments/app-runner"
    con = db.connect(tmp_path / "paths.duckdb")
    load_accounts(con, {account: {
        "aws_cloudtrail_trail_event": [event(account, at(0), "DeleteRolePermissionsBoundary", user="ops",
                                             request={"roleName": "app-runner"})],
        "aws_iam_role": [{"name": "app-runner", "arn": role_arn, "path": "/apps/payments/", "account_id": account,
                          "partition": "aws", "region": "global"}]}}, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_permissions_boundary_removed"]))
    con.close()
    [found] = rows
    assert (found["resource"], found["status"]) == (role_arn, "alarm"), found
    assert found["dimensions"]["arn_source"] == "iam_data" and "built from its name" not in found["reason"], found


def test_setting_a_boundary_or_a_failed_or_aws_removal_is_not_an_alarm(tmp_path):
    account = "862000000004"
    by_aws = event(account, at(3), "DeleteRolePermissionsBoundary", role="AWSServiceRoleForSSO",
                   invoked_by="sso.amazonaws.com", request={"roleName": "AWSReservedSSO_Dev_0123456789abcdef"})
    by_aws["user_identity"]["sessionContext"]["sessionIssuer"]["arn"] = (
        f"arn:aws:iam::{account}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO")
    found = run(tmp_path, {account: [
        event(account, at(0), "PutUserPermissionsBoundary", user="admin",
              request={"userName": "dev-sam", "permissionsBoundary": f"arn:aws:iam::{account}:policy/DevBoundary"}),
        event(account, at(1), "DeleteUserPermissionsBoundary", user="admin", error="NoSuchEntityException",
              request={"userName": "gone"}),
        by_aws,
    ]}, "cloudtrail_event_permissions_boundary_removed")
    assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]


# --------------------------------------------------------------------------------------------------------------
# password_policy_weakened
# --------------------------------------------------------------------------------------------------------------

STRONG = {"minimumPasswordLength": 16, "requireSymbols": True, "requireNumbers": True,
          "requireUppercaseCharacters": True, "requireLowercaseCharacters": True, "allowUsersToChangePassword": True,
          "maxPasswordAge": 90, "passwordReusePrevention": 24, "hardExpiry": False}


def test_a_deleted_or_weakened_password_policy_alarms(tmp_path):
    deleted, defaults, short, strong = "863000000001", "863000000002", "863000000003", "863000000004"
    found = run(tmp_path, {
        deleted: [event(deleted, at(0), "DeleteAccountPasswordPolicy", role="OrganizationAccountAccessRole")],
        # only the complexity rules named: the length falls back to 6 and reuse prevention to none
        defaults: [event(defaults, at(0), "UpdateAccountPasswordPolicy", user="admin",
                         request={"requireSymbols": True, "requireNumbers": True})],
        short: [event(short, at(0), "UpdateAccountPasswordPolicy", user="admin",
                      request=STRONG | {"minimumPasswordLength": 8}),
                event(short, at(5), "UpdateAccountPasswordPolicy", user="admin", error="AccessDenied",
                      request=STRONG | {"passwordReusePrevention": 3})],
        strong: [event(strong, at(0), "UpdateAccountPasswordPolicy", user="admin", request=STRONG),
                 event(strong, at(1), "GetAccountPasswordPolicy", user="admin", read_only=True)],
    }, "cloudtrail_event_password_policy_weakened")
    [(resource, status, reason)] = found[deleted]
    assert (resource, status) == (f"arn:aws:::{deleted}", "alarm")
    assert "assumed-role/OrganizationAccountAccessRole/session-1 called DeleteAccountPasswordPolicy" in reason, reason
    [(resource, status, reason)] = found[defaults]
    assert (resource, status) == (f"arn:aws:::{defaults}", "alarm")
    assert "(minimum length 6, under 14; no reuse prevention, under 24)" in reason, reason
    [(resource, status, reason)] = found[short]
    assert (resource, status) == (f"arn:aws:::{short}", "alarm")
    # the newest call is named, the older counted
    assert "user/admin tried UpdateAccountPasswordPolicy (remembers 3 passwords, under 24)" in reason, reason
    assert "denied with AccessDenied; 2 such calls since" in reason, reason
    assert statuses(found[strong]) == [(f"arn:aws:::{strong}", "ok")], found[strong]


def test_the_password_policy_floors_are_parameters(tmp_path):
    account = "863000000005"
    events = {account: [event(account, at(0), "UpdateAccountPasswordPolicy", user="admin",
                              request=STRONG | {"minimumPasswordLength": 12, "passwordReusePrevention": 12})]}
    [(_, status, reason)] = run(tmp_path, events, "cloudtrail_event_password_policy_weakened")[account]
    assert status == "alarm" and "(minimum length 12, under 14; remembers 12 passwords, under 24)" in reason, reason
    found = run(tmp_path / "floors", events, "cloudtrail_event_password_policy_weakened", min_password_length=12,
                min_password_reuse=12)
    assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]


# --------------------------------------------------------------------------------------------------------------
# identity_center_admin_assigned: the sso.amazonaws.com calls of the Identity Center account, in the shapes
# CloudTrail records them (CreatePermissionSet answers the set's ARN and name; CreateAccountAssignment names the
# set, the account and the user or group, and answers IN_PROGRESS)
# --------------------------------------------------------------------------------------------------------------

INSTANCE = "arn:aws:sso:::instance/ssoins-7223000000000001"


def permission_set(set_id: str) -> str:
    return f"arn:aws:sso:::permissionSet/ssoins-7223000000000001/{set_id}"


def sso_call(account: str, minute: float, name: str, request: dict, response: dict | None = None, **caller) -> dict:
    caller = caller or {"role": "AWSReservedSSO_IdentityAdmins_0a1b2c3d4e5f6a7b"}
    return event(account, at(minute), name, source="sso.amazonaws.com", agent="AWS Internal",
                 request={"instanceArn": INSTANCE, **request}, response=response, **caller)


def create_set(account: str, minute: float, set_id: str, name: str) -> dict:
    return sso_call(account, minute, "CreatePermissionSet", {"name": name, "sessionDuration": "PT1H", "tags": []},
                    {"permissionSet": {"name": name, "permissionSetArn": permission_set(set_id),
                                       "createdDate": "Jun 1, 2024 10:00:00 AM", "sessionDuration": "PT1H"}})


def attach(account: str, minute: float, set_id: str, policy: str, **caller) -> dict:
    return sso_call(account, minute, "AttachManagedPolicyToPermissionSet",
                    {"permissionSetArn": permission_set(set_id), "managedPolicyArn": f"arn:aws:iam::aws:policy/{policy}"},
                    **caller)


def assign(account: str, minute: float, set_id: str, target: str, principal_type: str, principal_id: str) -> dict:
    request = {"targetId": target, "targetType": "AWS_ACCOUNT", "permissionSetArn": permission_set(set_id),
               "principalType": principal_type, "principalId": principal_id}
    return sso_call(account, minute, "CreateAccountAssignment", request,
                    {"accountAssignmentCreationStatus": {"status": "IN_PROGRESS", "requestId": "r-1", **request}})


def test_a_permission_set_armed_with_admin_and_assigned_alarms(tmp_path):
    sso, reader = "864000000001", "864000000002"
    found = run(tmp_path, {
        sso: [create_set(sso, 0, "ps-1111aaaa2222bbbb", "Support"),
              attach(sso, 1, "ps-1111aaaa2222bbbb", "AdministratorAccess"),
              assign(sso, 2, "ps-1111aaaa2222bbbb", "864000000099", "USER", "906712-attacker-user-id")],
        # a reader set created, armed with ReadOnlyAccess and assigned: routine
        reader: [create_set(reader, 0, "ps-3333cccc4444dddd", "Auditors"),
                 attach(reader, 1, "ps-3333cccc4444dddd", "ReadOnlyAccess"),
                 assign(reader, 2, "ps-3333cccc4444dddd", "864000000098", "GROUP", "auditors-group-id")],
    }, "cloudtrail_event_identity_center_admin_assigned")
    rows = {resource: (status, reason) for resource, status, reason in found[sso]}
    assert sorted(rows) == [permission_set("ps-1111aaaa2222bbbb"), permission_set("ps-1111aaaa2222bbbb") + "#864000000099"]
    status, reason = rows[permission_set("ps-1111aaaa2222bbbb")]
    assert status == "alarm", reason
    assert ("called AttachManagedPolicyToPermissionSet on permission set Support (ps-1111aaaa2222bbbb), giving it "
            "managed policy AdministratorAccess") in reason, reason
    status, reason = rows[permission_set("ps-1111aaaa2222bbbb") + "#864000000099"]
    assert status == "alarm", reason
    assert ("called CreateAccountAssignment giving user 906712-attacker-user-id permission set Support "
            "(ps-1111aaaa2222bbbb) in account 864000000099 (the set was given managed policy AdministratorAccess)") \
        in reason, reason
    assert statuses(found[reader]) == [(f"arn:aws:::{reader}", "ok")], found[reader]


def test_an_assignment_made_before_the_set_was_armed_or_after_a_denied_arming_is_not_an_alarm(tmp_path):
    account = "864000000003"
    found = run(tmp_path, {account: [
        assign(account, 0, "ps-5555eeee6666ffff", "864000000097", "GROUP", "dev-group-id"),
        attach(account, 1, "ps-5555eeee6666ffff", "PowerUserAccess"),
        attach(account, 2, "ps-7777aaaa8888bbbb", "AdministratorAccess", user="intern", error="AccessDeniedException"),
        assign(account, 3, "ps-7777aaaa8888bbbb", "864000000097", "GROUP", "dev-group-id"),
    ]}, "cloudtrail_event_identity_center_admin_assigned")
    rows = {resource: (status, reason) for resource, status, reason in found[account]}
    # the two arming calls alarm (one was denied); neither assignment does
    assert sorted(rows) == [permission_set("ps-5555eeee6666ffff"), permission_set("ps-7777aaaa8888bbbb")], rows
    status, reason = rows[permission_set("ps-7777aaaa8888bbbb")]
    assert status == "alarm" and "user/intern tried AttachManagedPolicyToPermissionSet" in reason, reason
    assert "denied with AccessDeniedException" in reason, reason


def test_an_inline_permission_set_policy_is_judged_when_the_event_shows_it(tmp_path):
    account = "864000000004"

    def put_inline(minute, set_id, policy):
        return sso_call(account, minute, "PutInlinePolicyToPermissionSet",
                        {"permissionSetArn": permission_set(set_id), "inlinePolicy": policy})

    found = run(tmp_path, {account: [
        put_inline(0, "ps-aaaa000000000001",
                   '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'),
        put_inline(1, "ps-aaaa000000000002",
                   '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*"], "Resource": "*"}]}'),
        put_inline(2, "ps-aaaa000000000003", "HIDDEN_DUE_TO_SECURITY_REASONS"),
    ]}, "cloudtrail_event_identity_center_admin_assigned")
    rows = {resource: (status, reason) for resource, status, reason in found[account]}
    assert sorted((r, s) for r, (s, _) in rows.items()) == [
        (permission_set("ps-aaaa000000000001"), "alarm"), (permission_set("ps-aaaa000000000003"), "skip")], rows
    assert "giving it an inline policy allowing every action" in rows[permission_set("ps-aaaa000000000001")][1]
    assert "whose inline policy the event does not show (HIDDEN_DUE_TO_SECURITY_REASONS)" \
        in rows[permission_set("ps-aaaa000000000003")][1]


# --------------------------------------------------------------------------------------------------------------
# console_sign_in_failures: ConsoleLogin as CloudTrail records a sign-in, {"ConsoleLogin": "Failure"} with the
# errorMessage "Failed authentication"; a user name that is not an IAM user is HIDDEN_DUE_TO_SECURITY_REASONS
# --------------------------------------------------------------------------------------------------------------

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0"


def sign_in(account: str, minute: float, user: str, result: str, ip: str) -> dict:
    e = event(account, at(minute), "ConsoleLogin", source="signin.amazonaws.com", user=user, ip=ip, agent=BROWSER,
              response={"ConsoleLogin": result}, additional={"LoginTo": "https://console.aws.amazon.com/console/home",
                                                             "MobileVersion": "No", "MFAUsed": "No"})
    e["event_type"] = "AwsConsoleSignIn"
    if result == "Failure":
        e["error_message"] = "Failed authentication"
    return e


def test_a_password_spray_from_one_address_alarms_and_names_the_sign_in_that_worked(tmp_path):
    spray, guess = "865000000001", "865000000002"
    spray_events = [sign_in(spray, i * 0.5, user, "Failure", "198.51.100.66")
                    for i, user in enumerate(["alice", "bob", "carol", "dave", "erin", "frank", "grace"])]
    spray_events += [sign_in(spray, 4 + i * 0.5, "HIDDEN_DUE_TO_SECURITY_REASONS", "Failure", "198.51.100.66")
                     for i in range(3)]
    spray_events.append(sign_in(spray, 6, "erin", "Success", "198.51.100.66"))
    # one user's password guessed from one address, nobody got in
    guess_events = [sign_in(guess, i, "ops", "Failure", "203.0.113.80") for i in range(10)]
    found = run(tmp_path, {spray: spray_events, guess: guess_events}, "cloudtrail_event_console_sign_in_failures")
    [(resource, status, reason)] = found[spray]
    assert (resource, status) == (f"arn:aws:::{spray}#198.51.100.66", "alarm")
    assert (f"10 failed console sign-ins from 198.51.100.66 (Mozilla/5.0) within 10 minutes from {at(0):%Y-%m-%d %H:%M:%S} "
            "UTC, for 7 user name(s) (") in reason, reason
    assert "and 3 attempt(s) with a user name that is not an IAM user of the account" in reason, reason
    assert "HIDDEN_DUE_TO_SECURITY_REASONS" not in reason, reason
    assert f"then signed in as erin from the same address at {at(6):%Y-%m-%d %H:%M:%S} UTC" in reason, reason
    [(resource, status, reason)] = found[guess]
    assert (resource, status) == (f"arn:aws:::{guess}#203.0.113.80", "alarm")
    assert "for 1 user name(s) (ops); no successful sign-in from the address followed" in reason, reason


def test_typing_mistakes_and_failures_spread_over_hours_are_not_a_burst(tmp_path):
    typo, slow, office = "865000000003", "865000000004", "865000000005"
    found = run(tmp_path, {
        typo: [sign_in(typo, 0, "alice", "Failure", "203.0.113.5"), sign_in(typo, 0.5, "alice", "Failure", "203.0.113.5"),
               sign_in(typo, 1, "alice", "Success", "203.0.113.5")],
        # ten failures, one every 20 minutes: never ten within 10 minutes
        slow: [sign_in(slow, i * 20, "ops", "Failure", "203.0.113.6") for i in range(10)],
        # nine failures from one address and three from another within minutes: no address reaches ten
        office: [sign_in(office, i * 0.5, f"user{i}", "Failure", "192.0.2.10") for i in range(9)]
                + [sign_in(office, i * 0.5, "ops", "Failure", "192.0.2.11") for i in range(3)],
    }, "cloudtrail_event_console_sign_in_failures")
    for account in (typo, slow, office):
        assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]
    found = run(tmp_path / "lower", {office: [sign_in(office, i * 0.5, f"user{i}", "Failure", "192.0.2.10")
                                              for i in range(9)]},
                "cloudtrail_event_console_sign_in_failures", min_failures=9)
    assert statuses(found[office]) == [(f"arn:aws:::{office}#192.0.2.10", "alarm")], found[office]


# --------------------------------------------------------------------------------------------------------------
# session_token_issued: GetSessionToken by root, without the user's MFA, or from a new address
# --------------------------------------------------------------------------------------------------------------

USUAL, NEW = "198.51.100.7", "192.0.2.66"


def session_token(account: str, minute: float, ip: str = USUAL, mfa: bool = False, error: str | None = None,
                  **caller) -> dict:
    user = caller.get("user")
    request = {"durationSeconds": 129600}
    if mfa:
        request["serialNumber"] = f"arn:aws:iam::{account}:mfa/{user}"
    return event(account, at(minute), "GetSessionToken", source="sts.amazonaws.com", ip=ip, error=error,
                 key="AKIAEXAMPLEKEY000001", request=request, **caller)


def ordinary(account: str, minute: float, ip: str = USUAL, **caller) -> dict:
    return event(account, at(minute), "ListBuckets", source="s3.amazonaws.com", ip=ip, read_only=True, **caller)


def test_session_tokens_by_root_without_the_users_mfa_or_from_a_new_address_alarm(tmp_path):
    root, no_mfa, new, snapshot = "871000000001", "871000000002", "871000000003", "871000000004"
    found = run(tmp_path, {
        root: [ordinary(root, -2000, user="ops"), session_token(root, 0, root=True)],
        # alice signs in with MFA, then her key asks for a token without it, from her usual address
        no_mfa: [console_login(no_mfa, at(-2000), "alice", mfa=True), ordinary(no_mfa, -1990, user="alice"),
                 session_token(no_mfa, 0, user="alice")],
        # carol (no MFA) has used one address for a day; a token is asked from another
        new: [ordinary(new, -2000, user="carol"), session_token(new, 0, ip=NEW, user="carol")],
        # the IAM data says erin has an MFA device
        snapshot: [ordinary(snapshot, -2000, user="erin"), session_token(snapshot, 0, user="erin")],
    }, "cloudtrail_event_session_token_issued", users={snapshot: [
        {"name": "erin", "arn": f"arn:aws:iam::{snapshot}:user/erin", "mfa_enabled": True, "account_id": snapshot,
         "partition": "aws", "region": "global"}]})
    [(resource, status, reason)] = found[root]
    assert (resource, status) == (f"arn:aws:iam::{root}:root", "alarm")
    assert "the root user minted it" in reason and "129600 seconds" in reason, reason
    [(resource, status, reason)] = found[no_mfa]
    assert (resource, status) == (f"arn:aws:iam::{no_mfa}:user/alice", "alarm")
    assert "without MFA" in reason and "the user used MFA at" in reason and "AKIAEXAMPLEKEY000001" in reason, reason
    assert "address" not in reason.split("UTC from", 1)[1].split(": ", 1)[1], reason
    [(resource, status, reason)] = found[new]
    assert (resource, status) == (f"arn:aws:iam::{new}:user/carol", "alarm")
    assert f"from {NEW}" in reason and "had not used before in the window (it had used 1 other)" in reason, reason
    assert "without MFA" not in reason, reason
    [(resource, status, reason)] = found[snapshot]
    assert (resource, status) == (f"arn:aws:iam::{snapshot}:user/erin", "alarm")
    assert "the loaded IAM data lists an MFA device" in reason, reason


def test_an_address_where_only_a_sign_in_failed_is_still_new_to_the_user(tmp_path):
    """Someone tried frank's console password from an address and was refused ({"ConsoleLogin": "Failure"}, no
    errorCode): that does not make the address frank's, so his key's session token asked from there is from a new
    address."""
    account = "872000000004"
    refused = event(account, at(-30), "ConsoleLogin", source="signin.amazonaws.com", user="frank", ip=NEW,
                    agent="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0",
                    response={"ConsoleLogin": "Failure"}, additional={"MFAUsed": "No"})
    found = run(tmp_path, {account: [ordinary(account, -2000, user="frank"), refused,
                                     session_token(account, 0, ip=NEW, user="frank")]},
                "cloudtrail_event_session_token_issued", "cloudtrail_event_role_assumed_repeatedly")
    [(resource, status, reason)] = found[account]
    assert (resource, status) == (f"arn:aws:iam::{account}:user/frank", "alarm"), reason
    assert "had not used before in the window (it had used 1 other)" in reason, reason


def test_an_mfa_session_from_a_usual_address_or_a_new_one_within_the_baseline_is_not_an_alarm(tmp_path):
    usual, young, failed = "872000000001", "872000000002", "872000000003"
    found = run(tmp_path, {
        # bob asks for an MFA session from the address he works from: everyday CLI use
        usual: [console_login(usual, at(-2000), "bob", mfa=True, ip=USUAL), ordinary(usual, -1990, user="bob"),
                session_token(usual, 0, user="bob", mfa=True)],
        # the trail starts an hour before the call: no history to call an address new
        young: [ordinary(young, -60, user="dan"), session_token(young, 0, ip=NEW, user="dan")],
        # a failed call issues no token
        failed: [ordinary(failed, -2000, user="ops"), session_token(failed, 0, root=True, error="AccessDenied")],
    }, "cloudtrail_event_session_token_issued")
    for account in (usual, young, failed):
        assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], found[account]
    assert statuses(run(tmp_path / "late", {young: [ordinary(young, -60, user="dan"),
                                                     session_token(young, 0, ip=NEW, user="dan")]},
                        "cloudtrail_event_session_token_issued", baseline_hours=0)[young]) == [
        (f"arn:aws:iam::{young}:user/dan", "alarm")]


# --------------------------------------------------------------------------------------------------------------
# role_assumed_repeatedly: fresh sessions of one role minted by one user's key minutes apart
# --------------------------------------------------------------------------------------------------------------

MAHERIBRA = Path(__file__).parent / "data" / "maheribra_aws_attack_chain_ir"


def test_the_attack_chains_role_pivot_alarms_on_its_real_trail(tmp_path):
    """The lab attacker's key checked its identity and assumed the vulnerable role four times in six minutes; the
    last session read the confidential object. The administrator's one cross-account session is no burst."""
    con = db.connect(tmp_path / "maheribra.duckdb")
    load_paths(con, [MAHERIBRA])
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_role_assumed_repeatedly"]))
    con.close()
    [alarm] = [r for r in rows if r["status"] == "alarm"]
    assert (alarm["account_id"], alarm["resource"]) == (
        "275023965626", "arn:aws:iam::275023965626:user/aws-attack-chain-lab-attacker")
    for words in ("role arn:aws:iam::275023965626:role/aws-attack-chain-lab-vulnerable-role: 5 sessions",
                  "attack-chain-pacu-test 2026-07-28 11:43:10 UTC from 212.129.81.36 (aws-cli/2.35.24)",
                  "(minted in 4 different minutes within 10 minutes from 2026-07-28 11:43:10 UTC)",
                  "the sessions called GetCallerIdentity, GetObject s3://aws-attack-chain-lab-sensitive-"
                  "a4d694d045bb26b29bc1375294/confidential/simulated-sensitive-data.txt",
                  "checked its own identity (GetCallerIdentity) 4 time(s) from 212.129.74.137, 212.129.81.36"):
        assert words in alarm["reason"], (words, alarm["reason"])
    assert {r["status"] for r in rows if r is not alarm} == {"ok"}


def assume(account: str, minute: float, target: str, n: int, **caller) -> dict:
    return event(account, at(minute), "AssumeRole", source="sts.amazonaws.com", read_only=True,
                 request={"roleArn": f"arn:aws:iam::{account}:role/{target}", "roleSessionName": f"s{n}"},
                 response={"credentials": {"accessKeyId": f"ASIA{account}{n:04d}", "expiration": "x"}}, **caller)


def test_sessions_spread_out_chained_or_of_a_named_script_are_not_repeated_assumptions(tmp_path):
    burst, spread, chained, script, two_roles, start_up = ("862000000001", "862000000002", "862000000003",
                                                           "862000000004", "862000000005", "862000000006")
    events = {
        # three sessions of one role within nine minutes, the last one reading a secret
        burst: [assume(burst, m, "deploy", n, user="ana", key="AKIAANA") for n, m in enumerate((0, 4, 9))]
               + [event(burst, at(10), "GetSecretValue", source="secretsmanager.amazonaws.com", role="deploy",
                        key=f"ASIA{burst}0002", request={"secretId": "db"})],
        # the same three sessions over half an hour: a client refreshing its credentials
        spread: [assume(spread, m, "deploy", n, user="ana") for n, m in enumerate((0, 11, 22))],
        # a role session assuming another role (chaining, as workloads do per invocation)
        chained: [assume(chained, m, "deploy", n, role="pipeline") for n, m in enumerate((0, 1, 2))],
        # a known script, named in allowed_callers
        script: [assume(script, m, "deploy", n, user="Nightly") for n, m in enumerate((0, 1, 2))],
        # three sessions, but of two roles
        two_roles: [assume(two_roles, m, r, n, user="ana") for n, (m, r) in enumerate(((0, "a"), (1, "b"), (2, "a")))],
        # four sessions in one minute: a tool with a client per Region assuming the role as it starts, one round
        start_up: [assume(start_up, 3 + n / 60, "deploy", n, user="ana", agent="Terraform/1.7.0")
                   for n in range(4)],
    }
    found = run(tmp_path, events, "cloudtrail_event_role_assumed_repeatedly", allowed_callers="ops, nightly")
    assert statuses(found[burst]) == [(f"arn:aws:iam::{burst}:user/ana", "alarm")]
    [(_, _, reason)] = found[burst]
    assert "3 sessions" in reason and "(minted in 3 different minutes within 10 minutes from" in reason, reason
    assert "the sessions called GetSecretValue" in reason, reason
    for account in (spread, chained, script, two_roles, start_up):
        assert [status for _, status, _ in found[account]] == ["ok"], (account, found[account])
    # a shorter window splits the burst; a lower floor finds two_roles' two sessions of role a, not the spread ones
    assert [s for _, s, _ in run(tmp_path / "w", events, "cloudtrail_event_role_assumed_repeatedly",
                                 window_minutes=5)[burst]] == ["ok"]
    lowered = run(tmp_path / "m", events, "cloudtrail_event_role_assumed_repeatedly", min_rounds=2)
    assert [s for _, s, _ in lowered[two_roles]] == ["alarm"]
    assert [s for _, s, _ in lowered[spread]] == ["ok"]


# --------------------------------------------------------------------------------------------------------------
# key_checked_by_scanner: a secret scanner verifying a key (Panther's labelled events, each loaded on its own)
# --------------------------------------------------------------------------------------------------------------

PANTHER = Path(__file__).parent / "data" / "panther_analysis" / "cloudtrail_rule_tests_with_meta.jsonl"


def test_a_key_checked_by_trufflehog_alarms_as_panther_labels_it(tmp_path):
    """Panther's four test events of its TruffleHog rule: GetCallerIdentity with TruffleHog's user agent, in either
    spelling, alarms; the CLI's GetCallerIdentity and an AssumeRole with TruffleHog's agent (near misses) do not."""
    import json
    cases = [json.loads(line) for line in PANTHER.read_text().splitlines()
             if '"AWS.STS.GetCallerIdentity.TruffleHog"' in line]
    assert len(cases) == 4
    verdicts = {}
    for n, case in enumerate(cases):
        path = tmp_path / f"event-{n}.json"
        path.write_text(json.dumps({"Records": [case["event"]]}))
        con = db.connect(tmp_path / f"event-{n}.duckdb")
        load_paths(con, [path])
        rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_key_checked_by_scanner"]))
        con.close()
        verdicts[case["_test_name"]] = ([r["status"] for r in rows], case["_expected_result"], rows)
    for name, (found, expected, rows) in verdicts.items():
        assert found == (["alarm"] if expected else ["ok"]), (name, rows)
    [alarm] = verdicts["TruffleHog User Agent Variant"][2]
    assert alarm["resource"] == "arn:aws:iam::123456789012:user/compromised-user#AKIAIOSFODNN7EXAMPLE"
    assert alarm["reason"].startswith(
        "arn:aws:iam::123456789012:user/compromised-user (access key AKIAIOSFODNN7EXAMPLE) was checked by "
        "trufflehog/3.63.0 with GetCallerIdentity 1 time at 2024-01-15 10:30:00 UTC from 198.51.100.42;"), alarm


# --------------------------------------------------------------------------------------------------------------
# key_checked_from_new_address: a long-term key's first call from a new address is GetCallerIdentity
# --------------------------------------------------------------------------------------------------------------

KEY, OTHER_KEY = "AKIAEXAMPLEKEY000002", "AKIAEXAMPLEKEY000003"


def key_use(account: str, minute: float, name: str = "ListBuckets", ip: str = USUAL, key: str = KEY,
            **caller) -> dict:
    """One call of an access key: GetCallerIdentity to STS (it records no request parameters), else an S3 read."""
    source = "sts.amazonaws.com" if name == "GetCallerIdentity" else "s3.amazonaws.com"
    return event(account, at(minute), name, source=source, ip=ip, key=key, read_only=True,
                 **({"user": "alice"} | caller))


def test_a_long_term_key_first_checked_from_a_new_address_alarms(tmp_path):
    moved, dormant = "873000000001", "873000000002"
    found = run(tmp_path, {
        # alice's key works from her address for a day; then someone asks who it is from another, and lists users
        moved: [key_use(moved, -2000), key_use(moved, -1500, "GetCallerIdentity"),
                key_use(moved, 0, "GetCallerIdentity", ip=NEW, agent="Boto3/1.34.0 Python/3.12.0 Linux/6.5"),
                key_use(moved, 1, "ListUsers", ip=NEW) | {"event_source": "iam.amazonaws.com"},
                key_use(moved, 2, "ListUsers", ip=NEW) | {"event_source": "iam.amazonaws.com"}],
        # bob's key made no call in the trail's first day and was not created in it: a dormant key checked
        dormant: [ordinary(dormant, -2000, user="ops"), key_use(dormant, 0, "GetCallerIdentity", ip=NEW, user="bob")],
    }, "cloudtrail_event_key_checked_from_new_address")
    [(resource, status, reason)] = found[moved]
    assert (resource, status) == (f"arn:aws:iam::{moved}:user/alice#{KEY}", "alarm")
    assert reason.startswith(f"arn:aws:iam::{moved}:user/alice (access key {KEY}) called GetCallerIdentity as its "
                             f"first call from {NEW} (Boto3/1.34.0) at 2024-05-31 12:00:00 UTC: the key had been "
                             f"used from 1 other address ({USUAL})"), reason
    assert "it then made 2 other call(s): ListUsers x2" in reason, reason
    [(resource, status, reason)] = found[dormant]
    assert (resource, status) == (f"arn:aws:iam::{dormant}:user/bob#{KEY}", "alarm")
    assert "the key's first call in the window, more than 24 hours after its start" in reason, reason


def test_a_key_checked_from_its_own_address_a_new_key_or_a_young_trail_is_not_an_alarm(tmp_path):
    usual, busy, young, created, session = (f"87400000000{n}" for n in range(1, 6))
    found = run(tmp_path, {
        # GetCallerIdentity from the address the key works from
        usual: [key_use(usual, -2000), key_use(usual, 0, "GetCallerIdentity")],
        # the key's first call from the new address is a read; GetCallerIdentity comes a minute later
        busy: [key_use(busy, -2000), key_use(busy, 0, ip=NEW), key_use(busy, 1, "GetCallerIdentity", ip=NEW)],
        # the key's first call in a trail that starts an hour before: every key's first call there is its first
        young: [ordinary(young, -60, user="ops"), key_use(young, 0, "GetCallerIdentity", ip=NEW)],
        # a key created in the window, checked by its owner right away from the owner's laptop
        created: [event(created, at(-2000), "ListUsers", user="admin"),
                  event(created, at(-5), "CreateAccessKey", user="admin", request={"userName": "alice"},
                        response={"accessKey": {"accessKeyId": OTHER_KEY, "status": "Active", "userName": "alice"}}),
                  key_use(created, 0, "GetCallerIdentity", ip=NEW, key=OTHER_KEY)],
        # a role session's temporary key is new at every session
        session: [ordinary(session, -2000, role="deployer"),
                  key_use(session, 0, "GetCallerIdentity", ip=NEW, key="ASIAEXAMPLESESSION01", role="deployer")],
    }, "cloudtrail_event_key_checked_from_new_address")
    for account in (usual, busy, young, created, session):
        assert statuses(found[account]) == [(f"arn:aws:::{account}", "ok")], (account, found[account])
    # with no baseline the young trail's key is a dormant one; a key seen elsewhere needs no baseline
    late = run(tmp_path / "late", {young: [ordinary(young, -60, user="ops"),
                                           key_use(young, 0, "GetCallerIdentity", ip=NEW)],
                                   busy: [key_use(busy, -60), key_use(busy, 0, "GetCallerIdentity", ip=NEW)]},
               "cloudtrail_event_key_checked_from_new_address", baseline_hours=0)
    assert statuses(late[young]) == [(f"arn:aws:iam::{young}:user/alice#{KEY}", "alarm")]
    assert statuses(late[busy]) == [(f"arn:aws:iam::{busy}:user/alice#{KEY}", "alarm")]


def test_a_key_that_checks_itself_at_every_new_address_is_info(tmp_path):
    """A pipeline's key on runners whose address changes calls GetCallerIdentity first at each new address: from
    habit_addresses new addresses on, info naming the habit; one fewer is still an alarm."""
    pipeline = "875000000001"
    runs = [key_use(pipeline, -2000)] + [key_use(pipeline, -100 * n, "GetCallerIdentity", ip=f"203.0.113.{n}")
                                         for n in range(1, 6)]
    [(resource, status, reason)] = run(tmp_path, {pipeline: runs}, "cloudtrail_event_key_checked_from_new_address")[
        pipeline]
    assert (resource, status) == (f"arn:aws:iam::{pipeline}:user/alice#{KEY}", "info")
    assert "5 new addresses checked this way" in reason and "checks itself first at every new address" in reason, reason
    assert statuses(run(tmp_path / "fewer", {pipeline: runs[:-1]}, "cloudtrail_event_key_checked_from_new_address")[
        pipeline]) == [(f"arn:aws:iam::{pipeline}:user/alice#{KEY}", "alarm")]


def test_the_attack_chains_key_checked_from_a_new_address_alarms_on_its_real_trail(tmp_path):
    """The lab attacker's key, used from 212.129.74.137, asked who it was from 212.129.81.36 and then assumed the
    vulnerable role: the one alarm; the key's first check of the trail (its first call in the data) is not one."""
    con = db.connect(tmp_path / "maheribra.duckdb")
    load_paths(con, [MAHERIBRA])
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_key_checked_from_new_address"]))
    con.close()
    [alarm] = [r for r in rows if r["status"] == "alarm"]
    assert alarm["resource"] == "arn:aws:iam::275023965626:user/aws-attack-chain-lab-attacker#AKIAUACFUVW5KPPHDGME"
    assert ("called GetCallerIdentity as its first call from 212.129.81.36 (aws-cli/2.35.24) at 2026-07-28 11:42:44 "
            "UTC: the key had been used from 1 other address (212.129.74.137)") in alarm["reason"], alarm["reason"]
    assert "then made 6 other call(s): AssumeRole x4, GetCallerIdentity x2" in alarm["reason"], alarm["reason"]
    assert {r["status"] for r in rows if r is not alarm} == {"ok"}
