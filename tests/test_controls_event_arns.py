"""The IAM users, groups and roles that CloudTrail event controls report carry their real ARN, path included, so a
finding is keyed like the same principal in ``aws_iam_user``/``aws_iam_role``/``aws_iam_group`` and in other
controls (diffs, exceptions, joins).

Where the ARN comes from, best first: the event itself (``responseElements`` of CreateUser / CreateRole, the
caller's own ``userIdentity.arn``), the loaded IAM data of the account (matched by name), an ARN the account's
other events show for that name (a CreateUser response, a caller's identity, an AssumeRole resource), and last the
name alone in the partition of the event's account, which the ``arn_source`` dimension and the reason then say.

Account P (111122223333) has IAM data with paths; account N (444455556666) only events; account G
(555566667777, partition aws-cn) a retired key used after it was deleted.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from iamsql import controls
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)
P, N, G = "111122223333", "444455556666", "555566667777"
OUTSIDE = "999988887777"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
CONTROLS = [
    "cloudtrail_event_credential_for_other_principal",
    "cloudtrail_event_mfa_device_removed",
    "cloudtrail_event_role_trust_opened",
    "cloudtrail_event_admin_policy_granted",
    "cloudtrail_event_new_principal_granted_power",
    "cloudtrail_event_retired_key_used",
]

GITBOT = f"arn:aws:iam::{P}:user/ci/build/gitbot"
OPS = f"arn:aws:iam::{P}:user/people/ops"
DEPLOYER = f"arn:aws:iam::{P}:role/service/deployer"
BUILDERS = f"arn:aws:iam::{P}:group/teams/builders"
NEWBIE = f"arn:aws:iam::{P}:user/onboarding/newbie"  # only the CreateUser event gives its path
BACKDOOR = f"arn:aws:iam::{P}:role/break-glass/backdoor"  # only the CreateRole event gives its path
RUNNER = f"arn:aws:iam::{P}:role/ci/runner"  # only an AssumeRole event gives its path


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def trust(principal: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}],
        }
    )


def by_path_user(e: dict, arn: str) -> dict:
    """The event made by the IAM user of ``arn`` (its path in the ARN, its bare name in ``userName``)."""
    e["user_identity"] = {**e["user_identity"], "arn": arn, "userName": arn.rsplit("/", 1)[-1]}
    e["user_identifier"] = arn
    return e


def in_partition(e: dict, partition: str, region: str) -> dict:
    """The same event in another partition: every ARN it holds, its region and its partition column."""
    moved = json.loads(json.dumps(e).replace("arn:aws:", f"arn:{partition}:").replace('"us-east-1"', f'"{region}"'))
    moved["partition"] = partition
    return moved


def iam_row(account: str, arn: str, partition: str = "aws") -> dict:
    middle = arn.split(":", 5)[5].split("/")[1:-1]
    return {
        "name": arn.rsplit("/", 1)[-1],
        "arn": arn,
        "path": "/" + "".join(f"{m}/" for m in middle),
        "account_id": account,
        "partition": partition,
        "region": "global",
    }


P_EVENTS = [
    # the admin creates a key and removes the MFA device of a user with a path, and makes it an administrator
    event(
        P,
        at(0),
        "CreateAccessKey",
        user="admin",
        request={"userName": "gitbot"},
        response={"accessKey": {"userName": "gitbot", "accessKeyId": "AKIAGITBOT0000000001", "status": "Active"}},
    ),
    event(
        P,
        at(1),
        "DeactivateMFADevice",
        user="admin",
        request={"userName": "gitbot", "serialNumber": f"arn:aws:iam::{P}:mfa/gitbot"},
    ),
    event(P, at(2), "AttachUserPolicy", user="admin", request={"userName": "gitbot", "policyArn": ADMIN}),
    event(P, at(3), "AttachGroupPolicy", user="admin", request={"groupName": "builders", "policyArn": ADMIN}),
    # a user with a path removes its own MFA device: no userName in the request, its ARN is the caller's
    by_path_user(
        event(P, at(4), "DeactivateMFADevice", user="ops", request={"serialNumber": f"arn:aws:iam::{P}:mfa/ops"}), OPS
    ),
    # a role with a path opened to an outside account (the request names the role only)
    event(
        P,
        at(5),
        "UpdateAssumeRolePolicy",
        user="admin",
        request={"roleName": "deployer", "policyDocument": trust(f"arn:aws:iam::{OUTSIDE}:root")},
    ),
    # a new user with a path (in the CreateUser response only), made an administrator and given a key
    event(
        P,
        at(10),
        "CreateUser",
        user="admin",
        request={"userName": "newbie", "path": "/onboarding/"},
        response={
            "user": {
                "path": "/onboarding/",
                "userName": "newbie",
                "userId": "AIDANEWBIE",
                "arn": NEWBIE,
                "createDate": "Jun 1, 2024 11:10:00 AM",
            }
        },
    ),
    event(P, at(11), "AttachUserPolicy", user="admin", request={"userName": "newbie", "policyArn": ADMIN}),
    event(P, at(12), "CreateAccessKey", user="admin", request={"userName": "newbie"}),
    # a new role with a path, trusting an outside account and made an administrator
    event(
        P,
        at(20),
        "CreateRole",
        user="admin",
        request={
            "roleName": "backdoor",
            "path": "/break-glass/",
            "assumeRolePolicyDocument": trust(f"arn:aws:iam::{OUTSIDE}:root"),
        },
        response={
            "role": {
                "path": "/break-glass/",
                "roleName": "backdoor",
                "roleId": "AROABACKDOOR",
                "arn": BACKDOOR,
                "createDate": "Jun 1, 2024 11:20:00 AM",
            }
        },
    ),
    event(P, at(21), "AttachRolePolicy", user="admin", request={"roleName": "backdoor", "policyArn": ADMIN}),
    # a role that is not in the IAM data, seen with its path only as the resource of an AssumeRole
    event(
        P,
        at(30),
        "AssumeRole",
        source="sts.amazonaws.com",
        user="admin",
        request={"roleArn": RUNNER, "roleSessionName": "s"},
        additional=None,
    ),
    event(
        P,
        at(31),
        "UpdateAssumeRolePolicy",
        user="admin",
        request={"roleName": "runner", "policyDocument": trust(f"arn:aws:iam::{OUTSIDE}:root")},
    ),
]
P_EVENTS[-2]["resources"] = [{"accountId": P, "type": "AWS::IAM::Role", "ARN": RUNNER}]

N_EVENTS = [
    event(N, at(0), "CreateAccessKey", user="admin", request={"userName": "gitbot"}),
    event(
        N,
        at(1),
        "UpdateAssumeRolePolicy",
        user="admin",
        request={"roleName": "deployer", "policyDocument": trust(f"arn:aws:iam::{OUTSIDE}:root")},
    ),
]

G_EVENTS = [
    in_partition(
        event(
            G,
            at(0),
            "DeleteAccessKey",
            user="admin",
            request={"accessKeyId": "AKIASVCKEY0000000001", "userName": "svc"},
        ),
        "aws-cn",
        "cn-north-1",
    ),
    in_partition(
        event(
            G,
            at(0),
            "DeleteAccessKey",
            user="admin",
            request={"accessKeyId": "AKIAGHOST00000000001", "userName": "ghost"},
        ),
        "aws-cn",
        "cn-north-1",
    ),
]
for key, minutes in (("AKIASVCKEY0000000001", 60), ("AKIAGHOST00000000001", 61)):
    # a call signed by a deleted key fails before IAM knows who signed it: the identity has no ARN
    used = in_partition(
        event(
            G,
            at(minutes),
            "GetCallerIdentity",
            source="sts.amazonaws.com",
            user="x",
            key=key,
            read_only=True,
            error="InvalidClientTokenId",
        ),
        "aws-cn",
        "cn-north-1",
    )
    used["user_identity"] = {"type": "IAMUser", "accountId": G, "accessKeyId": key}
    used["user_type"], used["username"], used["user_identifier"] = "IAMUser", None, None
    G_EVENTS.append(used)

ACCOUNTS = {
    P: {
        "aws_cloudtrail_trail_event": P_EVENTS,
        "aws_iam_user": [iam_row(P, GITBOT), iam_row(P, OPS), iam_row(P, f"arn:aws:iam::{P}:user/admin")],
        "aws_iam_role": [iam_row(P, DEPLOYER)],
        "aws_iam_group": [iam_row(P, BUILDERS)],
    },
    N: {"aws_cloudtrail_trail_event": N_EVENTS},
    G: {
        "aws_cloudtrail_trail_event": G_EVENTS,
        "aws_iam_user": [iam_row(G, f"arn:aws-cn:iam::{G}:user/apps/svc", "aws-cn")],
    },
}


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("event_arns") / "iamsql.duckdb")
    load_accounts(con, ACCOUNTS, AS_OF)
    found = controls.results(con, controls.run_checks(con, controls=CONTROLS))
    con.close()
    assert [r for r in found if r["status"] == "error"] == []
    keys = [(r["control_id"], r["resource"]) for r in found]
    assert len(keys) == len(set(keys))
    return found


def row(rows, control_id, resource):
    found = [r for r in rows if r["control_id"] == control_id and r["resource"] == resource]
    assert len(found) == 1, (resource, sorted(r["resource"] for r in rows if r["control_id"] == control_id))
    return found[0]


@pytest.mark.parametrize(
    ("control_id", "resource", "source"),
    [
        ("cloudtrail_event_credential_for_other_principal", GITBOT, "iam_data"),
        ("cloudtrail_event_mfa_device_removed", GITBOT, "iam_data"),
        ("cloudtrail_event_admin_policy_granted", GITBOT, "iam_data"),
        ("cloudtrail_event_admin_policy_granted", BUILDERS, "iam_data"),
        ("cloudtrail_event_role_trust_opened", DEPLOYER, "iam_data"),
    ],
)
def test_a_principal_named_in_the_request_gets_its_arn_from_the_loaded_iam_data(rows, control_id, resource, source):
    found = row(rows, control_id, resource)
    assert found["status"] == "alarm", found["reason"]
    assert found["dimensions"]["arn_source"] == source
    assert "built from its name" not in found["reason"]


def test_a_caller_acting_on_itself_gets_the_arn_of_the_event(rows):
    found = row(rows, "cloudtrail_event_mfa_device_removed", OPS)
    assert found["dimensions"]["arn_source"] == "event"


@pytest.mark.parametrize(
    ("control_id", "resource"),
    [
        ("cloudtrail_event_new_principal_granted_power", NEWBIE),
        ("cloudtrail_event_new_principal_granted_power", BACKDOOR),
        ("cloudtrail_event_role_trust_opened", BACKDOOR),
    ],
)
def test_a_created_principal_gets_the_arn_of_its_create_event(rows, control_id, resource):
    found = row(rows, control_id, resource)
    assert found["status"] == "alarm", found["reason"]
    assert found["dimensions"]["arn_source"] == "event"


@pytest.mark.parametrize(
    ("control_id", "resource"),
    [
        # the create event is another event of the account: the other controls name the same ARN
        ("cloudtrail_event_credential_for_other_principal", NEWBIE),
        ("cloudtrail_event_admin_policy_granted", NEWBIE),
        ("cloudtrail_event_admin_policy_granted", BACKDOOR),
        # only an AssumeRole resource names the role with its path
        ("cloudtrail_event_role_trust_opened", RUNNER),
    ],
)
def test_an_arn_other_events_of_the_account_show_is_used(rows, control_id, resource):
    found = row(rows, control_id, resource)
    assert found["status"] == "alarm", found["reason"]
    assert found["dimensions"]["arn_source"] == "cloudtrail"


@pytest.mark.parametrize(
    ("control_id", "resource"),
    [
        ("cloudtrail_event_credential_for_other_principal", f"arn:aws:iam::{N}:user/gitbot"),
        ("cloudtrail_event_role_trust_opened", f"arn:aws:iam::{N}:role/deployer"),
    ],
)
def test_without_any_source_the_arn_is_built_from_the_name_and_says_so(rows, control_id, resource):
    found = row(rows, control_id, resource)
    assert found["status"] == "alarm"
    assert found["dimensions"]["arn_source"] == "name"
    assert "built from its name" in found["reason"] and found["reason"].endswith(".")


def test_no_principal_is_reported_under_an_arn_without_its_path(rows):
    bare = {
        f"arn:aws:iam::{P}:user/gitbot",
        f"arn:aws:iam::{P}:user/ops",
        f"arn:aws:iam::{P}:role/deployer",
        f"arn:aws:iam::{P}:group/builders",
        f"arn:aws:iam::{P}:user/newbie",
        f"arn:aws:iam::{P}:role/backdoor",
        f"arn:aws:iam::{P}:role/runner",
    }
    assert {r["resource"] for r in rows} & bare == set()


def test_a_retired_key_of_an_unknown_actor_is_named_in_the_partition_of_its_account(rows):
    """Calls signed by a deleted key carry no ARN: the user is the one its DeleteAccessKey named, with the ARN of
    the loaded IAM data (svc), else built from the name in the account's partition (ghost), never ``arn:aws``."""
    svc = row(rows, "cloudtrail_event_retired_key_used", f"arn:aws-cn:iam::{G}:user/apps/svc#AKIASVCKEY0000000001")
    assert svc["dimensions"]["arn_source"] == "iam_data"
    ghost = row(rows, "cloudtrail_event_retired_key_used", f"arn:aws-cn:iam::{G}:user/ghost#AKIAGHOST00000000001")
    assert ghost["dimensions"]["arn_source"] == "name"
    assert "built from its name" in ghost["reason"]
    assert not [r for r in rows if r["account_id"] == G and r["resource"].startswith("arn:aws:")]


def test_a_key_deactivated_then_deleted_then_used_is_one_row(tmp_path):
    """Both retirements precede the call: one row per key, from the first (the key should be idle since then)."""
    key = "AKIATWICE00000000001"
    events = [
        event(
            P,
            at(0),
            "UpdateAccessKey",
            user="admin",
            request={"accessKeyId": key, "userName": "gitbot", "status": "Inactive"},
        ),
        event(P, at(10), "DeleteAccessKey", user="admin", request={"accessKeyId": key, "userName": "gitbot"}),
        event(P, at(60), "ListUsers", user="gitbot", key=key, read_only=True),
    ]
    events[-1] = by_path_user(events[-1], GITBOT)
    con = db.connect(tmp_path / "iamsql.duckdb")
    load_accounts(con, {P: {"aws_cloudtrail_trail_event": events, "aws_iam_user": [iam_row(P, GITBOT)]}}, AS_OF)
    found = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_retired_key_used"]))
    con.close()
    assert [(r["resource"], r["status"]) for r in found] == [(f"{GITBOT}#{key}", "alarm")]
    assert "was deactivated on" in found[0]["reason"]


def test_the_engine_judges_a_changed_trust_against_the_loaded_role(tmp_path):
    """UpdateAssumeRolePolicy names the role only: ``iam_event_trust_access.role_arn`` is the loaded role's ARN."""
    con = db.connect(tmp_path / "iamsql.duckdb")
    load_accounts(con, {P: ACCOUNTS[P]}, AS_OF)
    controls.create_views(con, names=[], engine_tables=("iam_event_trust_access",))
    arns = dict(con.execute("select role_name, role_arn from iam_event_trust_access").fetchall())
    con.close()
    assert arns == {"deployer": DEPLOYER, "backdoor": BACKDOOR, "runner": f"arn:aws:iam::{P}:role/runner"}


def test_the_principal_arn_view_keeps_the_newest_arn_a_name_was_seen_with(tmp_path):
    """``cloudtrail_principal_arn`` without IAM data: of the ARNs the account's events show for one name, the newest
    (a user moved from /old/ to /new/, seen as the caller of many events; a role assumed under two paths, one of them
    twice), ties by the smaller ARN (two AssumeRole resources at the same time); another account's principals and
    ARNs outside IAM are not the account's."""
    mover_old, mover_new = f"arn:aws:iam::{N}:user/old/mover", f"arn:aws:iam::{N}:user/new/mover"
    flip_a, flip_b = f"arn:aws:iam::{N}:role/a/flip", f"arn:aws:iam::{N}:role/b/flip"
    events = [by_path_user(event(N, at(minute), "ListUsers", user="mover", read_only=True), mover_old)
              for minute in (0, 1, 2, 9)]
    events.append(by_path_user(event(N, at(5), "ListRoles", user="mover", read_only=True), mover_new))
    swap_x, swap_y = f"arn:aws:iam::{N}:role/x/swap", f"arn:aws:iam::{N}:role/y/swap"
    assumed_roles = [(3, flip_b), (3, flip_a), (3, f"arn:aws:iam::{OUTSIDE}:role/far"), (3, f"arn:aws:s3:::{N}-bucket"),
                     (1, swap_x), (6, swap_x), (4, swap_y)]
    for minute, resource in assumed_roles:
        assumed = event(N, at(minute), "AssumeRole", source="sts.amazonaws.com", user="admin", additional=None,
                        request={"roleArn": resource, "roleSessionName": "s"})
        assumed["resources"] = [{"accountId": N, "type": "AWS::IAM::Role", "ARN": resource}]
        events.append(assumed)
    con = db.connect(tmp_path / "iamsql.duckdb")
    load_accounts(con, {N: {"aws_cloudtrail_trail_event": events}}, AS_OF)
    controls.create_views(con, names=["cloudtrail_event_actor", "cloudtrail_principal_arn"])
    found = con.execute("select principal_type, name_key, name, arn, arn_source from cloudtrail_principal_arn "
                        "where account_id = ? order by all", [N]).fetchall()
    con.close()
    assert found == [
        ("role", "flip", "flip", flip_a, "cloudtrail"),
        ("role", "swap", "swap", swap_x, "cloudtrail"),  # assumed at minute 6, after /y/ at minute 4
        ("user", "admin", "admin", f"arn:aws:iam::{N}:user/admin", "cloudtrail"),
        ("user", "mover", "mover", mover_old, "cloudtrail"),  # seen at minute 9, after /new/ at minute 5
    ]


def test_an_administrator_grant_names_its_newest_alarm_and_counts_the_grants_of_that_verdict(tmp_path):
    """Several grants to one principal: the row is the newest alarm (an info grant after it does not hide it), with
    the number of alarm grants; a principal given only harmless policies is info, with the number of those."""
    harmless = json.dumps({"Version": "2012-10-17",
                           "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}})
    events = [event(P, at(minute), "AttachUserPolicy", user="admin", request={"userName": "gitbot", "policyArn": ADMIN})
              for minute in (0, 7, 3)]
    events += [event(P, at(minute), "PutUserPolicy", user="admin",
                     request={"userName": user, "policyName": "read", "policyDocument": harmless})
               for minute, user in ((9, "gitbot"), (1, "ops"), (2, "ops"))]
    con = db.connect(tmp_path / "iamsql.duckdb")
    load_accounts(con, {P: {"aws_cloudtrail_trail_event": events,
                            "aws_iam_user": [iam_row(P, GITBOT), iam_row(P, OPS)]}}, AS_OF)
    found = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_admin_policy_granted"]))
    con.close()
    by_resource = {r["resource"]: r for r in found}
    assert sorted(by_resource) == [GITBOT, OPS]
    gitbot, ops = by_resource[GITBOT], by_resource[OPS]
    assert gitbot["status"] == "alarm"
    assert f"at {at(7):%Y-%m-%d %H:%M:%S} UTC" in gitbot["reason"]
    assert "(3 such grants in all)" in gitbot["reason"]
    assert ops["status"] == "info"
    assert f"at {at(2):%Y-%m-%d %H:%M:%S} UTC" in ops["reason"] and "(2 such grants in all)" in ops["reason"]
