"""cloudtrail_event_identity_center_user_granted_access on hand-written IAM Identity Center events shaped as the
Identity Store and SSO Admin API references document them (CreateUser's response `userId`, CreateGroupMembership's
`memberId.userId`, CreateAccountAssignment's `principalType`/`principalId`; SCIM calls under
identitystore-scim.amazonaws.com), each with a near miss that must not alarm: a user given access hours later or by
another caller, a group assignment, a user created by the identity provider, a refused assignment."""

from datetime import datetime, timedelta, timezone

from iamsql.store import db

from .cloudtrail_events import event, findings_by_account, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)
CONTROL = "cloudtrail_event_identity_center_user_granted_access"
STORE = "d-9067000001"
ADMIN_SET = "arn:aws:sso:::permissionSet/ssoins-7223000000000001/ps-0123456789abcdef"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def create_user(account: str, minute: float, user_id: str, name: str = "HIDDEN_DUE_TO_SECURITY_REASONS",
                **caller) -> dict:
    return event(account, at(minute), "CreateUser", source="identitystore.amazonaws.com",
                 request={"identityStoreId": STORE, "userName": name, "displayName": "HIDDEN_DUE_TO_SECURITY_REASONS"},
                 response={"userId": user_id, "identityStoreId": STORE}, **(caller or {"user": "it-admin"}))


def assign(account: str, minute: float, principal_id: str, principal_type: str = "USER", **caller) -> dict:
    return event(account, at(minute), "CreateAccountAssignment", source="sso.amazonaws.com",
                 request={"instanceArn": "arn:aws:sso:::instance/ssoins-7223000000000001", "targetId": "210000000009",
                          "targetType": "AWS_ACCOUNT", "permissionSetArn": ADMIN_SET,
                          "principalType": principal_type, "principalId": principal_id},
                 **(caller or {"user": "it-admin"}))


def join_group(account: str, minute: float, user_id: str, **caller) -> dict:
    return event(account, at(minute), "CreateGroupMembership", source="identitystore.amazonaws.com",
                 request={"identityStoreId": STORE, "groupId": "g-admins-01", "memberId": {"userId": user_id}},
                 response={"membershipId": "m-1", "identityStoreId": STORE}, **(caller or {"user": "it-admin"}))


def scim_call(account: str, minute: float) -> dict:
    row = event(account, at(minute), "CreateUser", source="identitystore-scim.amazonaws.com",
                agent="Go-http-client/2.0", request={"httpBody": {"userName": "HIDDEN_DUE_TO_SECURITY_REASONS"}},
                response={"httpBody": {"id": "90670000-scim-user"}})
    return row | {"user_type": "WebIdentityUser", "username": None, "user_identifier": None,
                  "user_identity": {"type": "WebIdentityUser", "accountId": account, "accessKeyId": "xxxx"}}


def run(tmp_path, events: dict[str, list[dict]], **params) -> dict[str, list[tuple[str, str, str]]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    con = db.connect(tmp_path / "identity_center.duckdb")
    load_accounts(con, {a: {"aws_cloudtrail_trail_event": e} for a, e in events.items()}, AS_OF)
    return findings_by_account(con, CONTROL, params)


def test_a_user_made_by_hand_beside_scim_and_given_access_at_once_alarms(tmp_path):
    provisioned, own_directory = "881000000001", "881000000002"
    found = run(tmp_path, {
        provisioned: [scim_call(provisioned, -600), create_user(provisioned, 0, "90670000-0001", "helpdesk2"),
                      join_group(provisioned, 4, "90670000-0001"), assign(provisioned, 5, "90670000-0001")],
        own_directory: [create_user(own_directory, 0, "90670000-0002"), assign(own_directory, 10, "90670000-0002")],
    })
    [(resource, status, reason)] = found[provisioned]
    assert (resource, status) == ("arn:aws:identitystore:::user/90670000-0001", "alarm")
    assert (f"arn:aws:iam::{provisioned}:user/it-admin created IAM Identity Center user helpdesk2 (90670000-0001) at "
            f"{at(0):%Y-%m-%d %H:%M:%S} UTC") in reason, reason
    assert (f"membership of group g-admins-01 at {at(4):%Y-%m-%d %H:%M:%S} UTC; permission set ps-0123456789abcdef "
            "in account 210000000009") in reason, reason
    assert "1 SCIM call(s) in the window" in reason, reason
    [(resource, status, reason)] = found[own_directory]
    # Identity Center's own directory: people are onboarded by hand; the hidden name is not shown
    assert (resource, status) == ("arn:aws:identitystore:::user/90670000-0002", "info")
    assert "created IAM Identity Center user 90670000-0002 at" in reason and "HIDDEN" not in reason, reason
    assert "no SCIM provisioning in the window" in reason, reason


def test_access_given_later_by_another_caller_to_a_group_or_refused_does_not_alarm(tmp_path):
    later, other, group, refused = "882000000001", "882000000002", "882000000003", "882000000004"
    found = run(tmp_path, {
        later: [scim_call(later, -600), create_user(later, 0, "u-1"), assign(later, 61, "u-1")],
        other: [scim_call(other, -600), create_user(other, 0, "u-2"), assign(other, 5, "u-2", role="sso-operator")],
        group: [scim_call(group, -600), create_user(group, 0, "u-3"), assign(group, 5, "u-3", principal_type="GROUP")],
        refused: [scim_call(refused, -600), create_user(refused, 0, "u-4"),
                  assign(refused, 5, "u-4", user="it-admin", error="AccessDeniedException")],
    })
    for account in (later, other, group, refused):
        assert [(r, s) for r, s, _ in found[account]] == [(f"arn:aws:::{account}", "ok")], found[account]
    # a longer window takes in the assignment an hour later
    wider = run(tmp_path / "wider", {later: [scim_call(later, -600), create_user(later, 0, "u-1"),
                                             assign(later, 61, "u-1")]}, window_minutes=90)
    assert [s for _, s, _ in wider[later]] == ["alarm"], wider[later]


def test_no_event_in_the_window_is_a_skip(tmp_path):
    account = "883000000001"
    old = create_user(account, 0, "u-9") | {"event_time": (AS_OF - timedelta(days=200)).isoformat()}
    found = run(tmp_path, {account: [old]})
    assert [s for _, s, _ in found[account]] == ["skip"], found[account]
