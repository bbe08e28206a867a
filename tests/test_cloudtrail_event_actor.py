"""The ``cloudtrail_event_actor`` helper view: each event gets the class and tool of its own user agent (the view
classifies distinct user agents and joins them back), events without one included, and the principal, session
and MFA flag of its own identity for every kind of caller."""

from datetime import datetime, timezone

import pytest

from iamsql.controls import create_views
from iamsql.store import db

from .cloudtrail_events import event, load_accounts

ACCOUNT = "123456789012"
AS_OF = datetime(2025, 3, 10, tzinfo=timezone.utc)
WHEN = datetime(2025, 3, 9, tzinfo=timezone.utc)

# user agent -> (agent_kind, agent)
AGENTS = {
    "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 prompt/off command/iam.list-users": (
        "programmatic",
        "aws-cli/2.15.0",
    ),
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.0": ("programmatic", "Boto3/1.34.69"),
    "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.41.0": (
        "programmatic",
        "Terraform/1.7.5",
    ),
    "[aws-sdk-go/1.51.1 (go1.22; linux; amd64)]": ("other", "aws-sdk-go/1.51.1"),  # no pattern matches the "["
    "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0": ("console", "Mozilla/5.0"),
    "console.amazonaws.com": ("console", "console.amazonaws.com"),
    "lambda.amazonaws.com": ("aws_service", "lambda.amazonaws.com"),
    # AWS's back end calling with a user's own session, no service for it (invokedBy): the console's
    "AWS Internal": ("console", "AWS"),
    "curl/8.5.0": ("other", "curl/8.5.0"),
    None: ("other", None),
}


@pytest.fixture(scope="module")
def actors(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("actor") / "actor.duckdb")
    events = [event(ACCOUNT, WHEN, "GetUser", user=f"user-{i}", agent=agent) for i, agent in enumerate(AGENTS)]
    events += [event(ACCOUNT, WHEN, "ListRoles", user="again", agent="curl/8.5.0")]
    load_accounts(con, {ACCOUNT: {"aws_cloudtrail_trail_event": events}}, AS_OF)
    create_views(con)
    rows = con.execute("select event_id, user_agent, agent_kind, agent from cloudtrail_event_actor").fetchall()
    con.close()
    return rows


def test_every_event_once(actors):
    assert len(actors) == len(AGENTS) + 1
    assert len({event_id for event_id, *_ in actors}) == len(actors)


@pytest.mark.parametrize("user_agent", list(AGENTS))
def test_agent_kind_and_tool(actors, user_agent):
    found = {(kind, agent) for _, ua, kind, agent in actors if ua == user_agent}
    assert found == {AGENTS[user_agent]}


def test_events_sharing_a_user_agent_get_the_same_class(actors):
    assert [(kind, agent) for _, ua, kind, agent in actors if ua == "curl/8.5.0"] == [("other", "curl/8.5.0")] * 2


def test_aws_internal_is_aws_for_a_service_acting_for_the_caller_or_a_service_linked_role(tmp_path):
    """The user agent AWS Internal is the console's back end only for a caller's own call: a call a service made for
    the caller (invokedBy) or a session of a service-linked role stays AWS's."""
    con = db.connect(tmp_path / "actor.duckdb")
    for_user = event(ACCOUNT, WHEN, "Decrypt", source="kms.amazonaws.com", user="alice", agent="AWS Internal",
                     invoked_by="AWS Internal")
    linked = event(ACCOUNT, WHEN, "ListRoles", role="AWSServiceRoleForSupport", agent="AWS Internal")
    linked["user_identity"]["sessionContext"]["sessionIssuer"]["arn"] = (
        f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport")
    load_accounts(con, {ACCOUNT: {"aws_cloudtrail_trail_event": [for_user, linked]}}, AS_OF)
    create_views(con)
    kinds = con.execute("select event_name, agent_kind from cloudtrail_event_actor order by 1").fetchall()
    con.close()
    assert kinds == [("Decrypt", "aws_service"), ("ListRoles", "aws_service")]


ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deploy"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
SESSION_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/build-7"
# user_identity -> (actor_arn, actor_type, session_name, mfa_authenticated)
IDENTITIES = [
    (
        {
            "type": "IAMUser",
            "arn": USER_ARN,
            "userName": "alice",
            "accountId": ACCOUNT,
            "sessionContext": {"attributes": {"mfaAuthenticated": "true"}},
        },
        (USER_ARN, "user", None, True),
    ),
    ({"type": "Root", "arn": f"arn:aws:iam::{ACCOUNT}:root"}, (f"arn:aws:iam::{ACCOUNT}:root", "root", None, False)),
    (
        {
            "type": "AssumedRole",
            "arn": SESSION_ARN,
            "sessionContext": {"sessionIssuer": {"arn": ROLE_ARN}, "attributes": {"mfaAuthenticated": True}},
        },
        (ROLE_ARN, "role", "build-7", True),
    ),
    (
        {"type": "AssumedRole", "arn": SESSION_ARN, "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}},
        (None, "role", "build-7", False),
    ),
    (
        {
            "type": "FederatedUser",
            "arn": f"arn:aws:sts::{ACCOUNT}:federated-user/bob",
            "sessionContext": {"sessionIssuer": {"arn": USER_ARN}, "attributes": {"mfaAuthenticated": "false"}},
        },
        (USER_ARN, "user", None, False),
    ),
    (
        {
            "type": "AWSService",
            "invokedBy": "lambda.amazonaws.com",
            "sessionContext": {"attributes": {"mfaAuthenticated": "true"}},
        },
        (None, None, None, True),
    ),
    ({"type": "AWSAccount", "accountId": "777788889999"}, (None, None, None, False)),
    ({"type": "AWSAccount", "principalId": "", "accountId": "ANONYMOUS_PRINCIPAL"}, (None, None, None, False)),
]


@pytest.fixture(scope="module")
def identities(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("identity") / "identity.duckdb")
    events = []
    for identity, _ in IDENTITIES:
        row = event(ACCOUNT, WHEN, "GetUser", user="alice")
        row |= {"user_type": identity["type"], "user_identity": identity, "user_identifier": identity.get("arn")}
        events.append(row)
    load_accounts(con, {ACCOUNT: {"aws_cloudtrail_trail_event": events}}, AS_OF)
    create_views(con)
    found = dict(
        con.execute(
            "select event_id, [actor_arn, actor_type, session_name, mfa_authenticated::varchar, identity_arn, "
            "identity_user_name, identity_account_id, caller_arn] "
            "from cloudtrail_event_actor"
        ).fetchall()
    )
    con.close()
    return [found[row["event_id"]] for row in events]


@pytest.mark.parametrize("index", range(len(IDENTITIES)), ids=[i["type"] for i, _ in IDENTITIES])
def test_principal_session_and_mfa_of_each_caller(identities, index):
    actor_arn, actor_type, session_name, mfa = IDENTITIES[index][1]
    assert identities[index][:4] == [actor_arn, actor_type, session_name, str(mfa).lower()]


@pytest.mark.parametrize("index", range(len(IDENTITIES)), ids=[i["type"] for i, _ in IDENTITIES])
def test_identity_arn_is_the_callers_own_arn(identities, index):
    """The event's own ``userIdentity.arn`` for every kind of caller (the session's, not the role's), NULL when absent."""
    assert identities[index][4] == IDENTITIES[index][0].get("arn")


@pytest.mark.parametrize("index", range(len(IDENTITIES)), ids=[i["type"] for i, _ in IDENTITIES])
def test_identity_user_name_and_account_are_the_callers_own(identities, index):
    """``userIdentity.userName`` and ``accountId`` as the event gives them (a caller from another account has only
    the account), NULL when absent."""
    identity = IDENTITIES[index][0]
    assert identities[index][5:7] == [identity.get("userName"), identity.get("accountId")]


@pytest.mark.parametrize("index", range(len(IDENTITIES)), ids=[i["type"] for i, _ in IDENTITIES])
def test_caller_arn_is_the_principal_else_the_calling_account(identities, index):
    """The principal behind the call, else for a caller named only by its account (``AWSAccount``) that account as
    a policy names it (``arn:aws:iam::<account>:root``), else NULL (an AWS service is no principal)."""
    identity, (actor_arn, *_) = IDENTITIES[index]
    expected = f"arn:aws:iam::{identity['accountId']}:root" if identity["type"] == "AWSAccount" else actor_arn
    if identity.get("accountId") == "ANONYMOUS_PRINCIPAL":  # S3's unauthenticated caller: no account
        expected = "anonymous"
    assert identities[index][7] == expected


def test_aws_service_events_are_aws_own_calls(tmp_path):
    """A service's own event (eventType AwsServiceEvent, such as Secrets Manager deleting a secret's version when
    its recovery window ends) names no identity type, only the account and the service: it is AWS's own call, as
    one of type AWSService is. A caller's call that a service made for it is not."""
    con = db.connect(tmp_path / "actor.duckdb")
    service_event = event(ACCOUNT, WHEN, "StartSecretVersionDelete", source="secretsmanager.amazonaws.com",
                          agent="secretsmanager.amazonaws.com")
    service_event |= {"event_type": "AwsServiceEvent", "user_type": None, "user_identifier": None,
                      "user_identity": {"accountId": ACCOUNT, "invokedBy": "secretsmanager.amazonaws.com"}}
    for_user = event(ACCOUNT, WHEN, "GetSecretValue", source="secretsmanager.amazonaws.com", user="alice",
                     invoked_by="lambda.amazonaws.com")
    load_accounts(con, {ACCOUNT: {"aws_cloudtrail_trail_event": [service_event, for_user]}}, AS_OF)
    create_views(con)
    found = con.execute("select event_name, aws_caller from cloudtrail_event_actor order by 1").fetchall()
    con.close()
    assert found == [("GetSecretValue", False), ("StartSecretVersionDelete", True)]
