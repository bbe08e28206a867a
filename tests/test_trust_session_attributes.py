"""The session attributes an AssumeRole call sets on a role (`sts:TagSession`, `sts:SetSourceIdentity`,
`sts:SetContext`) are decided by the role's trust policy with the caller's own policies, on the loaded data as in a
request: `simulate --principal` and `who-can` read the role's trust for them ("The role's trust policy must allow
sts:TagSession", IAM User Guide, "Pass session tags in AWS STS"; S3 Access Grants' trust policies list
`sts:SetSourceIdentity` and `sts:SetContext` beside `sts:AssumeRole`). `sts:SetContext` on the caller's own session
(`arn:aws:sts::ACCOUNT:self`) reads no trust ("you must use an identity-based policy to grant the IAM principal the
sts:SetContext permission for the resource that represents their own console session", IAM User Guide, "Granting
permissions to use identity-enhanced console sessions")."""

import json
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.store import db

ACCOUNT = "111122223333"
SELF = f"arn:aws:sts::{ACCOUNT}:self"


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def inline(action, resource="*"):
    return [{"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": action, "Resource": resource}]}}]


def trust(actions):
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": actions}]}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = tmp_path_factory.mktemp("attributes") / "attributes.duckdb"
    con = db.connect(path)
    base = {"account_id": ACCOUNT, "partition": "aws", "region": "global", "path": "/", "attached_policy_arns": []}
    users = [
        {"name": "tagger", "arn": arn("user", "tagger"), "groups": [], **base,
         "inline_policies": inline(["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"])},
        {"name": "plain", "arn": arn("user", "plain"), "groups": [], **base, "inline_policies": inline("sts:AssumeRole")},
    ]
    roles = [
        {"name": "tagged", "arn": arn("role", "tagged"), "inline_policies": None, **base,
         "assume_role_policy": trust(["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"])},
        {"name": "untagged", "arn": arn("role", "untagged"), "inline_policies": None, **base,
         "assume_role_policy": trust("sts:AssumeRole")},
    ]
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[],
                                   as_of=datetime(2024, 3, 1, tzinfo=timezone.utc))
        db.insert_rows(con, "aws_iam_user", snapshot, users)
        db.insert_rows(con, "aws_iam_role", snapshot, roles)
        db.insert_rows(con, "aws_iam_policy", snapshot, [])
    con.close()
    return str(path)


def simulate(db_path, user, action, resource):
    done = CliRunner().invoke(app, ["simulate", "--db", db_path, "--principal", arn("user", user), "--action", action,
                                    "--resource", resource, "-o", "json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)["decision"]


@pytest.mark.parametrize("action", ["sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"])
def test_the_role_trust_decides_a_session_attribute(loaded, action):
    # the trust names the account for the attribute: the caller's identity policy must allow it too
    assert simulate(loaded, "tagger", action, arn("role", "tagged")) == "Allowed"
    assert simulate(loaded, "plain", action, arn("role", "tagged")) == "ImplicitlyDenied"
    # a trust allowing only sts:AssumeRole refuses the attribute, whatever the caller's policies allow
    assert simulate(loaded, "tagger", action, arn("role", "untagged")) == "ImplicitlyDenied"
    assert simulate(loaded, "tagger", "sts:AssumeRole", arn("role", "untagged")) == "Allowed"


def test_who_can_reads_the_trust_for_a_session_attribute(loaded):
    def names(resource):
        done = CliRunner().invoke(app, ["who-can", "sts:TagSession", "--db", loaded, "--resource", resource, "-o", "json"])
        assert done.exit_code == 0, done.output
        return {row["principal"] for row in json.loads(done.stdout)}

    assert names(arn("role", "tagged")) == {arn("user", "tagger")}
    assert names(arn("role", "untagged")) == set()


def test_set_context_on_the_own_session_reads_no_trust(loaded):
    assert simulate(loaded, "tagger", "sts:SetContext", SELF) == "Allowed"
    assert simulate(loaded, "plain", "sts:SetContext", SELF) == "ImplicitlyDenied"
