"""Detections sharpened by the policy engine (docs/detections.md, "With an IAM snapshot").

The same CloudTrail events are run twice: alone, and beside a small get-account-authorization-details snapshot
of the account. The snapshot lets the engine read the documents of attached managed policies and judge the
callers; the documents a request carries (inline policies, new trust policies) are judged either way. Each
powerful grant has a harmless twin (info), and a grant whose document is not known keeps the events-only
judgement by name, saying so.

Account 123456789012 as of 2024-06-01 noon; 444455556666 is a third party; o-mine123 the organization.
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load import load_paths
from iamsql.policy.access import events, tables
from iamsql.policy.access.questions import load_questions
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
ACC = "123456789012"
OTHER = "444455556666"
T0 = AS_OF - timedelta(days=1)
SHARPENED = [
    "cloudtrail_event_admin_policy_granted",
    "cloudtrail_event_new_principal_granted_power",
    "cloudtrail_event_role_trust_opened",
    "cloudtrail_event_credential_for_other_principal",
    "cloudtrail_event_iam_change_by_non_admin",
]


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def iam(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACC}:{kind}/{name}"


def doc(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def assume(principal, **extra) -> dict:
    return {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", **extra}


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READER = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
ESCALATE = iam("policy", "ops-escalate")
TEAM = iam("policy", "team-reader")
POLICIES = {  # the managed policies the snapshot holds, with their default version
    ADMIN: doc(allow("*")),
    READER: doc(allow(["s3:Get*", "s3:List*"])),
    ESCALATE: doc(allow(["iam:CreatePolicyVersion", "iam:ListPolicies"])),
    TEAM: doc(allow(["dynamodb:GetItem", "dynamodb:Query"])),
}


def gaad() -> dict:
    """The account's IAM data as get-account-authorization-details gives it."""

    def policy(arn, document):
        name = arn.rsplit("/", 1)[-1]
        return {
            "PolicyName": name,
            "PolicyId": f"ANPA{name.upper()[:12]}",
            "Arn": arn,
            "Path": "/",
            "DefaultVersionId": "v1",
            "AttachmentCount": 1,
            "IsAttachable": True,
            "CreateDate": "2020-01-01T00:00:00Z",
            "UpdateDate": "2020-01-01T00:00:00Z",
            "PolicyVersionList": [
                {
                    "Document": document,
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "CreateDate": "2020-01-01T00:00:00Z",
                }
            ],
        }

    def user(name, attached=(), inline=None):
        return {
            "UserName": name,
            "UserId": f"AIDA{name.upper()}",
            "Arn": iam("user", name),
            "Path": "/",
            "CreateDate": "2020-01-01T00:00:00Z",
            "GroupList": [],
            "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached],
            "UserPolicyList": [{"PolicyName": f"{name}-inline", "PolicyDocument": inline}] if inline else [],
        }

    return {
        "UserDetailList": [
            user("admin", attached=[ADMIN]),
            user(
                "helpdesk",
                inline=doc(
                    allow(
                        ["iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:ListUsers"], f"arn:aws:iam::{ACC}:user/*"
                    )
                ),
            ),
            user("bob"),
            user("dave"),
            user("contractor", attached=[iam("policy", "not-exported")]),
        ],
        "GroupDetailList": [
            {
                "GroupName": "readers",
                "GroupId": "AGPAREADERS",
                "Arn": iam("group", "readers"),
                "Path": "/",
                "CreateDate": "2020-01-01T00:00:00Z",
                "GroupPolicyList": [],
                "AttachedManagedPolicies": [],
            }
        ],
        "RoleDetailList": [
            {
                "RoleName": "app",
                "RoleId": "AROAAPP",
                "Arn": iam("role", "app"),
                "Path": "/",
                "CreateDate": "2020-01-01T00:00:00Z",
                "AssumeRolePolicyDocument": doc(assume({"Service": "lambda.amazonaws.com"})),
                "RolePolicyList": [],
                "AttachedManagedPolicies": [],
                "InstanceProfileList": [],
            }
        ],
        "Policies": [policy(arn, document) for arn, document in POLICIES.items()],
    }


def attach(kind: str, name: str, policy_arn: str, minutes: float, caller: str = "admin") -> dict:
    verb = {"user": "AttachUserPolicy", "role": "AttachRolePolicy", "group": "AttachGroupPolicy"}[kind]
    return event(ACC, at(minutes), verb, user=caller, request={f"{kind}Name": name, "policyArn": policy_arn})


def put(kind: str, name: str, policy_name: str, document: dict, minutes: float) -> dict:
    verb = {"user": "PutUserPolicy", "role": "PutRolePolicy", "group": "PutGroupPolicy"}[kind]
    return event(
        ACC,
        at(minutes),
        verb,
        user="admin",
        request={f"{kind}Name": name, "policyName": policy_name, "policyDocument": json.dumps(document)},
    )


def trust_change(role: str, document, minutes: float) -> dict:
    return event(
        ACC,
        at(minutes),
        "UpdateAssumeRolePolicy",
        user="admin",
        request={"roleName": role, "policyDocument": document if isinstance(document, str) else json.dumps(document)},
    )


EVENTS = [
    # attached managed policies: judged from the snapshot's document, else by name
    attach("role", "app", ADMIN, 0),  # AdministratorAccess: every action
    attach("user", "bob", ESCALATE, 1),  # a customer policy named harmlessly
    attach("group", "readers", READER, 2),  # harmless twin: an AWS managed reader
    attach("user", "carol", "arn:aws:iam::aws:policy/IAMFullAccess", 3),  # not in the snapshot
    # inline policies: judged from the request with or without the snapshot
    put("user", "dave", "notaction", doc({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}), 4),
    put("user", "dave", "reader", doc(allow("s3:GetObject", "arn:aws:s3:::reports/*")), 5),
    put("role", "worker", "lambda", doc(allow(["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"])), 6),
    # a new user armed with a harmless team policy and a key; a new role armed with the escalating policy
    event(ACC, at(10), "CreateUser", user="admin", request={"userName": "newbie"}),
    attach("user", "newbie", TEAM, 11),
    event(ACC, at(12), "CreateAccessKey", user="admin", request={"userName": "newbie"}),
    event(
        ACC,
        at(13),
        "CreateRole",
        user="admin",
        request={
            "roleName": "backdoor",
            "assumeRolePolicyDocument": json.dumps(doc(assume({"AWS": f"arn:aws:iam::{ACC}:root"}))),
        },
    ),
    attach("role", "backdoor", ESCALATE, 14),
    # trust changes: an outside account, an outside account behind an ExternalId, the organization only, and
    # everyone outside the organization (a condition that mentions the organization key but admits strangers)
    trust_change("partner", doc(assume({"AWS": f"arn:aws:iam::{OTHER}:root"})), 20),
    trust_change("vendor", doc(assume({"AWS": OTHER}, Condition={"StringEquals": {"sts:ExternalId": "v-123"}})), 21),
    trust_change("org-wide", doc(assume("*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-mine123"}})), 22),
    trust_change("not-org", doc(assume("*", Condition={"StringNotEquals": {"aws:PrincipalOrgID": "o-mine123"}})), 23),
    # "*" for every principal of the outside account: the account as a whole, as naming its root
    trust_change("star-partner", doc(assume("*", Condition={"StringEquals": {"aws:PrincipalAccount": OTHER}})), 24),
    trust_change("ip-only", doc(assume("*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})), 25),
    trust_change(
        "named",
        doc(
            assume(
                {"AWS": f"arn:aws:iam::{OTHER}:root"}, Condition={"StringEquals": {"aws:PrincipalOrgID": "o-partner1"}}
            )
        ),
        26,
    ),
    trust_change(
        "garbled",
        json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Principal": "*", "Action": "sts:AssumeRole"}]}
        ),
        24,
    ),
    # credentials for other users: by a narrow helpdesk user, and by an administrator
    event(ACC, at(30), "CreateAccessKey", user="helpdesk", request={"userName": "bob"}),
    event(ACC, at(31), "CreateLoginProfile", user="admin", request={"userName": "dave"}),
    # an IAM change by a user whose managed policy the snapshot does not hold
    event(ACC, at(40), "TagUser", user="contractor", request={"userName": "contractor", "tags": []}),
]


def run(tmp_path, *, snapshot: bool) -> dict[tuple[str, str], dict]:
    con = db.connect(tmp_path / "iamsql.duckdb")
    if snapshot:
        path = tmp_path / "get-account-authorization-details.json"
        path.write_text(json.dumps(gaad()))
        load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": EVENTS}}, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=SHARPENED))
    con.close()
    assert [r for r in rows if r["status"] == "error"] == []
    keys = [(r["control_id"], r["resource"]) for r in rows]
    assert len(keys) == len(set(keys))
    return {(r["control_id"], r["resource"]): r for r in rows}


@pytest.fixture(scope="module")
def events_only(tmp_path_factory):
    return run(tmp_path_factory.mktemp("events_only"), snapshot=False)


@pytest.fixture(scope="module")
def with_snapshot(tmp_path_factory):
    return run(tmp_path_factory.mktemp("with_snapshot"), snapshot=True)


def found(rows, control_id, resource):
    return rows.get((control_id, resource))


def check(row, status, *words):
    assert row is not None
    assert row["status"] == status, row["reason"]
    for word in words:
        assert word in row["reason"], (word, row["reason"])


# ----------------------------------------------------------------------------------- cloudtrail_event_admin_policy_granted


def test_attached_admin_policy_is_judged_by_its_document_with_a_snapshot(events_only, with_snapshot):
    resource = iam("role", "app")
    check(
        found(events_only, "cloudtrail_event_admin_policy_granted", resource),
        "alarm",
        "AdministratorAccess",
        "its document is not loaded, so it is judged by its name",
    )
    check(
        found(with_snapshot, "cloudtrail_event_admin_policy_granted", resource),
        "alarm",
        "AdministratorAccess",
        "its loaded document",
        "grants full administrator access (every action on every resource)",
    )


def test_harmlessly_named_policy_that_escalates_alarms_only_with_a_snapshot(events_only, with_snapshot):
    resource = iam("user", "bob")
    assert found(events_only, "cloudtrail_event_admin_policy_granted", resource) is None
    check(
        found(with_snapshot, "cloudtrail_event_admin_policy_granted", resource),
        "alarm",
        "ops-escalate",
        "enables escalation path CreateNewPolicyVersion",
    )


def test_harmless_attached_policy_is_info_with_a_snapshot(events_only, with_snapshot):
    resource = iam("group", "readers")
    assert found(events_only, "cloudtrail_event_admin_policy_granted", resource) is None
    check(
        found(with_snapshot, "cloudtrail_event_admin_policy_granted", resource),
        "info",
        "AmazonS3ReadOnlyAccess",
        "finds grants no administrator power and opens no escalation path",
    )


@pytest.mark.parametrize("rows", ["events_only", "with_snapshot"])
def test_unknown_document_keeps_the_name_judgement_and_says_so(rows, request):
    """IAMFullAccess is in no snapshot here: judged by its name either way."""
    row = found(request.getfixturevalue(rows), "cloudtrail_event_admin_policy_granted", iam("user", "carol"))
    check(row, "alarm", "managed policy IAMFullAccess (its document is not loaded, so it is judged by its name")


@pytest.mark.parametrize("rows", ["events_only", "with_snapshot"])
def test_inline_policies_are_judged_from_the_request(rows, request):
    rows = request.getfixturevalue(rows)
    # NotAction s3:* allows every IAM action: no "Action" a text match would see
    dave = found(rows, "cloudtrail_event_admin_policy_granted", iam("user", "dave"))
    check(
        dave,
        "alarm",
        "PutUserPolicy",
        "inline policy notaction",
        "grants IAM administrator access (every IAM action that grants anything else)",
    )


def test_passrole_lambda_inline_policy_names_its_escalation_path(tmp_path):
    con = db.connect(tmp_path / "x.duckdb")
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": [EVENTS[5], EVENTS[6]]}}, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_admin_policy_granted"]))
    con.close()
    by_resource = {r["resource"]: r for r in rows}
    check(by_resource[iam("role", "worker")], "alarm", "inline policy lambda", "PassExistingRoleToNewLambdaThenInvoke")
    check(by_resource[iam("user", "dave")], "info", "inline policy reader", "grants no administrator power")
    assert len(rows) == 2  # an alarm: no account-level ok row


# ---------------------------------------------------------------------------- cloudtrail_event_new_principal_granted_power


def test_new_user_armed_with_a_harmless_policy_is_info_with_a_snapshot(events_only, with_snapshot):
    resource = iam("user", "newbie")
    check(
        found(events_only, "cloudtrail_event_new_principal_granted_power", resource),
        "alarm",
        "team-reader",
        "CreateAccessKey",
    )
    check(
        found(with_snapshot, "cloudtrail_event_new_principal_granted_power", resource),
        "info",
        "team-reader: judged harmless",
        "finds none of its policies powerful",
    )


def test_new_role_given_an_escalating_policy_alarms_only_with_a_snapshot(events_only, with_snapshot):
    resource = iam("role", "backdoor")
    assert found(events_only, "cloudtrail_event_new_principal_granted_power", resource) is None
    check(
        found(with_snapshot, "cloudtrail_event_new_principal_granted_power", resource),
        "alarm",
        "ops-escalate: escalation path CreateNewPolicyVersion",
    )


# -------------------------------------------------------------------------------------- cloudtrail_event_role_trust_opened


@pytest.mark.parametrize("rows", ["events_only", "with_snapshot"])
def test_trust_changes_are_judged_by_the_engine(rows, request):
    rows = request.getfixturevalue(rows)
    check(
        found(rows, "cloudtrail_event_role_trust_opened", iam("role", "partner")),
        "alarm",
        f"account {OTHER} with no condition its callers must meet",
    )
    check(
        found(rows, "cloudtrail_event_role_trust_opened", iam("role", "vendor")),
        "alarm",
        f"account {OTHER}",
        "with an ExternalId condition",
    )
    assert found(rows, "cloudtrail_event_role_trust_opened", iam("role", "org-wide")) is None
    check(
        found(rows, "cloudtrail_event_role_trust_opened", iam("role", "star-partner")),
        "alarm",
        f"account {OTHER} with no condition its callers must meet",
    )
    check(
        found(rows, "cloudtrail_event_role_trust_opened", iam("role", "not-org")),
        "alarm",
        "everyone (*) with no condition its callers must meet",
    )
    check(
        found(rows, "cloudtrail_event_role_trust_opened", iam("role", "ip-only")),
        "alarm",
        "everyone (*) when conditions that do not name the caller hold (aws:sourceip)",
    )
    check(
        found(rows, "cloudtrail_event_role_trust_opened", iam("role", "named")),
        "alarm",
        f"account {OTHER} when conditions naming the caller hold (aws:principalorgid)",
    )
    check(
        found(rows, "cloudtrail_event_role_trust_opened", iam("role", "garbled")),
        "skip",
        "cannot read",
        "cannot be judged",
    )
    assert found(rows, "cloudtrail_event_role_trust_opened", iam("role", "backdoor")) is None  # its own account


# ------------------------------------------------------------ cloudtrail_event_credential_for_other_principal and non-admins


def test_credential_caller_verdict_comes_from_the_snapshot(events_only, with_snapshot):
    bob, dave = iam("user", "bob"), iam("user", "dave")
    for resource in (bob, dave):
        check(found(events_only, "cloudtrail_event_credential_for_other_principal", resource), "alarm")
        assert (
            "loaded IAM data"
            not in found(events_only, "cloudtrail_event_credential_for_other_principal", resource)["reason"]
        )
    check(
        found(with_snapshot, "cloudtrail_event_credential_for_other_principal", bob),
        "alarm",
        "does not make the caller an IAM administrator, yet the call succeeded",
    )
    check(
        found(with_snapshot, "cloudtrail_event_credential_for_other_principal", dave),
        "alarm",
        "makes the caller an IAM administrator (through AdministratorAccess)",
    )


def test_iam_changes_by_a_non_admin_need_the_snapshot(events_only, with_snapshot):
    # without IAM data each caller is judged on its own and cannot be: a skip per caller, none for the account
    assert found(events_only, "cloudtrail_event_iam_change_by_non_admin", f"arn:aws:::{ACC}") is None
    for name in ("helpdesk", "admin", "contractor"):
        check(
            found(events_only, "cloudtrail_event_iam_change_by_non_admin", iam("user", name)),
            "skip",
            "is not in the loaded IAM data",
            "no IAM user or role for account",
        )
    check(
        found(with_snapshot, "cloudtrail_event_iam_change_by_non_admin", iam("user", "helpdesk")),
        "alarm",
        "is not an IAM administrator",
        "CreateAccessKey",
    )
    check(
        found(with_snapshot, "cloudtrail_event_iam_change_by_non_admin", iam("user", "admin")),
        "ok",
        "is an IAM administrator (through AdministratorAccess)",
    )
    check(
        found(with_snapshot, "cloudtrail_event_iam_change_by_non_admin", iam("user", "contractor")),
        "skip",
        "cannot be judged",
        "not-exported",
    )


# ------------------------------------------------------------------------------- no events is never a pass

CT_CONTROLS = sorted(c.id for c in controls.load_controls() if c.id.startswith("cloudtrail_event_"))


@pytest.fixture(scope="module")
def no_events(tmp_path_factory):
    """One account with only IAM data, one whose only event is older than every look-back."""
    folder = tmp_path_factory.mktemp("no_events")
    con = db.connect(folder / "iamsql.duckdb")
    path = folder / "get-account-authorization-details.json"
    path.write_text(json.dumps(gaad()))
    load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(
        con,
        {
            OTHER: {
                "aws_cloudtrail_trail_event": [
                    event(OTHER, AS_OF - timedelta(days=400), "CreateAccessKey", user="a", request={"userName": "b"})
                ]
            }
        },
        AS_OF,
    )
    rows = controls.results(con, controls.run_checks(con, controls=CT_CONTROLS))
    con.close()
    return rows


@pytest.mark.parametrize("control_id", CT_CONTROLS)
def test_no_event_data_is_a_skip_never_an_ok(no_events, control_id):
    for account in (ACC, OTHER):
        rows = [r for r in no_events if r["control_id"] == control_id and r["account_id"] == account]
        assert rows and {r["status"] for r in rows} == {"skip"}, (account, [(r["status"], r["reason"]) for r in rows])


# ------------------------------------------------------------------ the organization says who is outside

ORGANIZATION = Path(__file__).parent / "data" / "organizations"  # 111111111111 manages 222222222222, 333333333333


@pytest.mark.parametrize("with_organization", [False, True])
def test_the_loaded_organization_says_who_is_outside(tmp_path, with_organization):
    """Without the organization both trusts open the role to another account. With it, the sibling account is a
    member, and the organization's RCP (deny sts:AssumeRole from outside it) closes the trust of the stranger."""
    member, sibling = "222222222222", "333333333333"
    con = db.connect(tmp_path / "iamsql.duckdb")
    if with_organization:
        load_paths(con, [ORGANIZATION], as_of=AS_OF.isoformat())
    load_accounts(
        con,
        {
            member: {
                "aws_cloudtrail_trail_event": [
                    event(
                        member,
                        at(0),
                        "UpdateAssumeRolePolicy",
                        user="admin",
                        request={
                            "roleName": "deploy",
                            "policyDocument": json.dumps(doc(assume({"AWS": f"arn:aws:iam::{sibling}:root"}))),
                        },
                    ),
                    event(
                        member,
                        at(1),
                        "UpdateAssumeRolePolicy",
                        user="admin",
                        request={
                            "roleName": "partner",
                            "policyDocument": json.dumps(doc(assume({"AWS": f"arn:aws:iam::{OTHER}:root"}))),
                        },
                    ),
                ]
            }
        },
        AS_OF,
    )
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_role_trust_opened"]))
    controls.create_views(con)
    judged = dict(
        con.execute(
            "select trusted_account, (same_organization, decision) from iam_event_trust_access where account_id = ?",
            [member],
        ).fetchall()
    )
    con.close()
    alarms = {r["resource"] for r in rows if r["account_id"] == member and r["status"] == "alarm"}
    if with_organization:
        assert judged == {sibling: (True, "Allowed"), OTHER: (False, "ExplicitlyDenied")}
        assert alarms == set()
    else:
        assert judged == {sibling: (None, "Allowed"), OTHER: (None, "Allowed")}
        assert alarms == {f"arn:aws:iam::{member}:role/partner", f"arn:aws:iam::{member}:role/deploy"}


# ------------------------------------------------------- each granted document is asked once, every event gets it


def test_event_table_asks_each_document_once_and_gives_every_event_its_answers(tmp_path, monkeypatch):
    """Events granting the same document (ops-escalate twice, the same inline document twice) share one set of
    answers, stored once per document; the view ``iam_event_policy_access`` gives each event exactly the answers
    of its document asked on its own."""
    same = doc(allow("iam:PassRole"))
    grants = [*EVENTS, put("user", "dave", "again", same, 50), put("role", "worker", "again", same, 51)]
    con = db.connect(tmp_path / "iamsql.duckdb")
    path = tmp_path / "get-account-authorization-details.json"
    path.write_text(json.dumps(gaad()))
    load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": grants}}, AS_OF)
    asked = []

    def counting(asker, policies, questions, workloads=None):
        asked.append(policies[0].policy)
        return tables.policy_answers(asker, policies, questions, workloads)

    monkeypatch.setattr(events, "policy_answers", counting)
    controls.create_views(
        con, names=["iam_event_policy_access"], engine_tables=("iam_event_policy_grant", "iam_event_policy_answer")
    )
    stored = con.execute("select * from iam_event_policy_access").fetchall()
    documents = con.execute("select count(distinct document_id) from iam_event_policy_answer").fetchone()[0]
    heads = con.execute("select count(*), count(distinct event_id) from iam_event_policy_grant").fetchone()
    con.close()
    assert len(asked) == len({id(policy) for policy in asked}) == documents == 8  # 10 grants with a known document
    by_event = {}
    for row in stored:
        by_event.setdefault(row[1], []).append(row[5:8])
    judged = {e["event_id"] for e in grants if e["event_name"].startswith(("Attach", "Put"))} - {
        grants[3]["event_id"]
    }  # IAMFullAccess: not in the snapshot, no row
    assert set(by_event) == judged
    assert heads == (len(judged), len(judged))  # one row per grant event
    questions = load_questions(controls.ACCESS_QUESTIONS)
    named = {q.id for q in questions if not q.id.startswith("escalation:")}
    for event_id, answers in by_event.items():
        assert {q for q, _, _ in answers if not q.startswith("escalation:")} == named, event_id
        by_event[event_id] = sorted(answers)
    escalate = [e["event_id"] for e in grants if (e["request_parameters"] or {}).get("policyArn") == ESCALATE]
    again = [e["event_id"] for e in grants[-2:]]
    assert by_event[escalate[0]] == by_event[escalate[1]] and by_event[again[0]] == by_event[again[1]]
    assert by_event[escalate[0]] != by_event[again[0]]


# ------------------------------------------------- a control of one's own reads the view over the engine's tables

VIEW_READER = """/*
title: Grants per event, from the view over the engine's tables
description: A test control.
severity: info
resource_type: AWS::IAM::Policy
rationale: Tests need it.
remediation: None.
tables: [iam_event_policy_access]
*/
select 'arn:aws:::' || account_id || ':event/' || event_id as resource, 'info' as status,
  string_agg(question || '=' || decision, ',' order by question) as reason, account_id, 'global' as region
from iam_event_policy_access
group by account_id, event_id
"""


def test_a_run_computes_the_view_over_the_engine_tables_per_account(tmp_path):
    """Two controls of one's own that read ``iam_event_policy_access`` (so the run computes the view once, after
    the account's engine tables) see the same rows as an ad hoc query, and the connection reads the view again
    after the run."""
    queries = tmp_path / "queries"
    queries.mkdir()
    for name in ("grants_a", "grants_b"):
        (queries / f"{name}.sql").write_text(VIEW_READER)
    con = db.connect(tmp_path / "iamsql.duckdb")
    path = tmp_path / "get-account-authorization-details.json"
    path.write_text(json.dumps(gaad()))
    load_paths(con, [path], as_of=AS_OF.isoformat())
    load_accounts(con, {ACC: {"aws_cloudtrail_trail_event": EVENTS}}, AS_OF)
    run_id = controls.run_checks(con, queries_dir=queries)
    rows = controls.results(con, run_id)
    timed = {
        r[0] for r in con.execute("select control_id from iamsql_run_timing where run_id = ?", [run_id]).fetchall()
    }
    controls.create_views(con)
    expected = con.execute(
        "select event_id, string_agg(question || '=' || decision, ',' order by question) from iam_event_policy_access "
        "group by event_id"
    ).fetchall()
    con.close()
    assert "view:iam_event_policy_access" in timed
    assert len(expected) == 8 and any("escalation:CreateNewPolicyVersion=Allowed" in r for _, r in expected)
    for control_id in ("grants_a", "grants_b"):
        got = {(r["resource"].rsplit("/", 1)[-1], r["reason"]) for r in rows if r["control_id"] == control_id}
        assert got == set(expected), control_id
