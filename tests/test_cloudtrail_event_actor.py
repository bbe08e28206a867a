"""The ``cloudtrail_event_actor`` helper view's user-agent columns: each event gets the class and tool of its
own user agent (the view classifies distinct user agents and joins them back), events without one included."""

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
    "AWS Internal": ("aws_service", "AWS"),
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
