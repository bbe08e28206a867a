"""cloudtrail_event_resource_shared_outside on hand-written AWS RAM events shaped as the RAM API reference documents
them (CreateResourceShare's `name`, `resourceArns`, `principals`, `allowExternalPrincipals` and its response's
`resourceShare`; AssociateResourceShare's `resourceShareArn`), each with a near miss that must not alarm: a share
with the organization or an OU, with a member account of the loaded organization, with a trusted account, with a
service, a share RAM keeps inside the organization (allowExternalPrincipals false) and a refused call."""

from datetime import datetime, timedelta, timezone

from .cloudtrail_events import event, events_findings

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)
CONTROL = "cloudtrail_event_resource_shared_outside"
OUTSIDER = "999900001111"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def share_arn(account: str, share: str) -> str:
    return f"arn:aws:ram:us-east-1:{account}:resource-share/{share}"


def create_share(account: str, minute: float, principals: list[str], *, share: str = "rs-1",
                 allow_external: bool | None = None, **caller) -> dict:
    request = {"name": f"share-{share}", "principals": principals,
               "resourceArns": [f"arn:aws:ec2:us-east-1:{account}:subnet/subnet-0a1b2c3d",
                                f"arn:aws:ec2:us-east-1:{account}:subnet/subnet-4e5f6a7b"]}
    if allow_external is not None:
        request["allowExternalPrincipals"] = allow_external
    response = {"resourceShare": {"resourceShareArn": share_arn(account, share), "name": f"share-{share}",
                                  "owningAccountId": account, "allowExternalPrincipals": allow_external is not False,
                                  "status": "ACTIVE"}}
    caller = caller or {"user": "netadmin"}
    return event(account, at(minute), "CreateResourceShare", source="ram.amazonaws.com", request=request,
                 response=response if not caller.get("error") else None, **caller)


def ram_call(account: str, minute: float, name: str, share: str, **request) -> dict:
    return event(account, at(minute), name, source="ram.amazonaws.com", user="netadmin",
                 request={"resourceShareArn": share_arn(account, share), **request})


def run(tmp_path, events: dict[str, list[dict]], *, members: dict[str, str] | None = None,
        **params) -> dict[str, list[tuple[str, str, str]]]:
    return events_findings(tmp_path, CONTROL, events, AS_OF, members=members, **params)


def test_a_share_with_an_outside_account_alarms_and_one_kept_inside_does_not(tmp_path):
    opened, role_arn, internal, org_share, service = ("871000000001", "871000000002", "871000000003",
                                                      "871000000004", "871000000005")
    found = run(tmp_path, {
        opened: [create_share(opened, 0, [OUTSIDER, "arn:aws:organizations::871000000001:ou/o-abc/ou-ab12-cd34"])],
        # an IAM role of another account (RAM shares some resource types with roles and users)
        role_arn: [create_share(role_arn, 0, [f"arn:aws:iam::{OUTSIDER}:role/collector"], role="ops-automation")],
        # RAM refuses any principal outside the organization to this share: the account is a member
        internal: [create_share(internal, 0, [OUTSIDER], allow_external=False)],
        # the organization itself and a service principal: the owner's own organization, AWS's service
        org_share: [create_share(org_share, 0, ["arn:aws:organizations::871000000004:organization/o-abc",
                                                "ec2.amazonaws.com", org_share])],
        service: [create_share(service, 0, [OUTSIDER], user="intern", error="AccessDenied")],
    })
    [(resource, status, reason)] = found[opened]
    assert (resource, status) == (share_arn(opened, "rs-1"), "alarm")
    assert (f"arn:aws:iam::{opened}:user/netadmin shared resource share share-rs-1 with {OUTSIDER} (outside"
            in reason), reason
    assert "ou-ab12-cd34" not in reason, reason
    assert f"CreateResourceShare at {at(0):%Y-%m-%d %H:%M:%S} UTC" in reason, reason
    assert f"resources: arn:aws:ec2:us-east-1:{opened}:subnet/subnet-0a1b2c3d and 1 more" in reason, reason
    assert "no later DisassociateResourceShare or DeleteResourceShare" in reason, reason
    [(resource, status, reason)] = found[role_arn]
    assert (resource, status) == (share_arn(role_arn, "rs-1"), "alarm")
    assert f"with arn:aws:iam::{OUTSIDER}:role/collector" in reason and "assumed-role/ops-automation" in reason, reason
    for account in (internal, org_share, service):
        assert [(r, s) for r, s, _ in found[account]] == [(f"arn:aws:::{account}", "ok")], found[account]


def test_an_account_added_to_an_existing_share_alarms_unless_a_member_or_trusted(tmp_path):
    added, member, trusted, closed = "872000000001", "872000000002", "872000000003", "872000000004"
    found = run(tmp_path, {
        # an older share, created before the window, gets an outside account; the share is deleted later
        added: [ram_call(added, 0, "AssociateResourceShare", "rs-9", principals=[OUTSIDER]),
                ram_call(added, 30, "DeleteResourceShare", "rs-9")],
        member: [ram_call(member, 0, "AssociateResourceShare", "rs-9", principals=["872000000009"])],
        trusted: [ram_call(trusted, 0, "AssociateResourceShare", "rs-9", principals=[OUTSIDER])],
        # created inside-only, then opened to outside principals, then an account added: it alarms; the first
        # association, while the share was closed, was a member's (RAM would have refused anyone else)
        closed: [create_share(closed, 0, [], share="rs-2", allow_external=False),
                 ram_call(closed, 5, "UpdateResourceShare", "rs-2", allowExternalPrincipals=True),
                 ram_call(closed, 10, "AssociateResourceShare", "rs-2", principals=[OUTSIDER],
                          resourceArns=[f"arn:aws:route53resolver:us-east-1:{closed}:resolver-rule/rslvr-rr-1"])],
    }, members={member: "o-abc", "872000000009": "o-abc"})
    [(resource, status, reason)] = found[added]
    assert (resource, status) == (share_arn(added, "rs-9"), "alarm")
    assert f"shared a resource share with {OUTSIDER} (outside" in reason, reason
    assert f"with AssociateResourceShare at {at(0):%Y-%m-%d %H:%M:%S} UTC" in reason, reason
    assert "the call named no resource" in reason, reason
    assert "took principals off it" in reason and f"{at(30):%Y-%m-%d %H:%M:%S}" in reason, reason
    assert [(r, s) for r, s, _ in found[member]] == [(f"arn:aws:::{member}", "ok")], found[member]
    [(resource, status, reason)] = found[closed]
    assert (resource, status) == (share_arn(closed, "rs-2"), "alarm")
    assert "resolver-rule/rslvr-rr-1" in reason, reason
    assert [s for _, s, _ in found[trusted]] == ["alarm"]
    again = run(tmp_path / "trusted", {trusted: [ram_call(trusted, 0, "AssociateResourceShare", "rs-9",
                                                          principals=[OUTSIDER])]},
                trusted_accounts=f"111122223333, {OUTSIDER}")
    assert [(r, s) for r, s, _ in again[trusted]] == [(f"arn:aws:::{trusted}", "ok")], again[trusted]


def test_a_share_made_while_closed_to_outsiders_does_not_alarm(tmp_path):
    account = "873000000001"
    found = run(tmp_path, {account: [
        create_share(account, 0, [], share="rs-3", allow_external=False),
        ram_call(account, 10, "AssociateResourceShare", "rs-3", principals=["873000000002"]),
    ]})
    assert [(r, s) for r, s, _ in found[account]] == [(f"arn:aws:::{account}", "ok")], found[account]


def test_no_event_in_the_window_is_a_skip(tmp_path):
    account = "874000000001"
    old = create_share(account, 0, [OUTSIDER]) | {"event_time": (AS_OF - timedelta(days=200)).isoformat()}
    found = run(tmp_path, {account: [old]})
    assert [s for _, s, _ in found[account]] == ["skip"], found[account]
