"""On the loaded data, the caller's own context keys come from its IAM data: ``aws:PrincipalTag/<key>`` from its
tags, ``aws:userid`` from its unique id (a role's: the id, ``:`` and a session name), ``aws:PrincipalServiceName``
absent. ABAC policies then answer as AWS would, in ``simulate --principal``, ``who-can`` and the access tables.
Users and roles of account 111122223333 loaded from a ``get-account-authorization-details`` file by the real loader
into a database file."""

import json

import pytest
from typer.testing import CliRunner

from iamsql.cli import app
from iamsql.controls.catalog import ACCESS_QUESTIONS
from iamsql.load import load_paths
from iamsql.policy.access.build import create_tables
from iamsql.store import db

ACCOUNT = "111122223333"
ALICE_ID, DEPLOY_ID, TAGGED_ID = "AIDAQ3EXAMPLEALICE01", "AROAQ3EXAMPLEDEPLOY1", "AROAQ3EXAMPLETAGGED1"
INSTANCE = f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0abc"
# action -> condition of the one Allow statement for it (on "*")
CONDITIONS = {
    "ec2:StopInstances": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
    "iam:ListPolicies": {"StringEquals": {"aws:PrincipalTag/team": "red"}},
    "iam:ListGroups": {"Null": {"aws:PrincipalTag/cost-center": "true"}},
    "iam:ListRoles": {"Null": {"aws:PrincipalServiceName": "true"}},
    "iam:ListUsers": {"Null": {"aws:PrincipalServiceNamesList": "true"}},
    "iam:GetUser": {"StringEquals": {"aws:userid": ALICE_ID}},
    "iam:GetRole": {"StringLike": {"aws:userid": f"{DEPLOY_ID}:*"}},
    "iam:GetGroup": {"StringEquals": {"aws:userid": f"{DEPLOY_ID}:nightly"}},
}
HOME = "arn:aws:s3:::home/${aws:userid}/*"
ABAC = {"Version": "2012-10-17", "Statement": [
    *({"Effect": "Allow", "Action": action, "Resource": "*", "Condition": condition}
      for action, condition in CONDITIONS.items()),
    # the caller's own home folder, and everything but it
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": HOME},
    {"Effect": "Allow", "Action": "s3:PutObject", "NotResource": HOME}]}
TEAM_RED = [{"Key": "team", "Value": "red"}]
HELPER_PATH = f"/delegated/{ALICE_ID}/"
EC2_ROLE = f"arn:aws:iam::{ACCOUNT}:role/ec2"
HELPER = f"arn:aws:iam::{ACCOUNT}:user{HELPER_PATH}helper"


def trust(*actions: str) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                                    "Action": list(actions)}]}


def role(name: str, unique_id: str, trust_policy: dict) -> dict:
    return {"Path": "/ops/", "RoleName": name, "RoleId": unique_id, "Arn": f"arn:aws:iam::{ACCOUNT}:role/ops/{name}",
            "CreateDate": "2024-03-01T00:00:00Z", "AssumeRolePolicyDocument": trust_policy, "InstanceProfileList": [],
            "Tags": TEAM_RED, "RolePolicyList": [{"PolicyName": "abac", "PolicyDocument": ABAC}],
            "AttachedManagedPolicies": []}


@pytest.fixture(scope="module")
def path(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("principal_keys")
    (folder / ACCOUNT).mkdir()
    alice = {"Path": "/", "UserName": "alice", "UserId": ALICE_ID, "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
             "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "Tags": TEAM_RED, "AttachedManagedPolicies": [],
             "UserPolicyList": [{"PolicyName": "abac", "PolicyDocument": ABAC}]}
    # alice may create keys for the users under a path named by her unique id; helper, one of them, may attach any
    # policy to itself (an escalation path of its own)
    alice["UserPolicyList"].append({"PolicyName": "delegated", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "iam:CreateAccessKey",
         "Resource": f"arn:aws:iam::{ACCOUNT}:user/delegated/${{aws:userid}}/*"}]}})
    helper = {"Path": HELPER_PATH, "UserName": "helper", "UserId": "AIDAQ3EXAMPLEHELPER1", "Arn": HELPER,
              "CreateDate": "2024-03-01T00:00:00Z", "GroupList": [], "Tags": [], "AttachedManagedPolicies": [],
              "UserPolicyList": [{"PolicyName": "attach", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "*"}]}}]}
    ec2 = {"Path": "/", "RoleName": "ec2", "RoleId": "AROAQ3EXAMPLEEC2ROL1", "Arn": EC2_ROLE,
           "CreateDate": "2024-03-01T00:00:00Z", "InstanceProfileList": [], "Tags": [], "RolePolicyList": [],
           "AttachedManagedPolicies": [], "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
               {"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
                "Action": "sts:AssumeRole", "Condition": {"ForAnyValue:StringEquals": {
                    "aws:PrincipalServiceNamesList": "ec2.amazonaws.com"}}}]}}
    roles = [ec2, role("deploy", DEPLOY_ID, trust("sts:AssumeRole")),
             # sessions of this one may carry session tags, which override its own
             role("tagged", TAGGED_ID, trust("sts:AssumeRole", "sts:TagSession"))]
    (folder / ACCOUNT / "gaad.json").write_text(json.dumps(
        {"UserDetailList": [alice, helper], "GroupDetailList": [], "RoleDetailList": roles, "Policies": []}))
    # the bucket the S3 questions name is the account's own (its policy not read): the principals' policies decide
    # (a bucket not loaded has no known account, so its answers are Unknown)
    (folder / ACCOUNT / "list-buckets.json").write_text(json.dumps(
        {"Buckets": [{"Name": "home", "CreationDate": "2024-01-01T00:00:00Z"}], "Owner": {"ID": "0" * 64}}))
    database = str(folder / "iam.duckdb")
    con = db.connect(database)
    try:
        load_paths(con, [folder])
    finally:
        con.close()
    return database


def simulate(path: str, who: str, action: str, resource: str = "*", *options: str) -> dict:
    done = CliRunner().invoke(app, ["simulate", "--principal", f"arn:aws:iam::{ACCOUNT}:{who}", "--action", action,
                                    "--resource", resource, "--db", path, "-o", "json", *options])
    assert done.exit_code == 0, done.output
    return json.loads(done.output)


def decided(path: str, who: str, action: str, *options: str) -> tuple[str, list]:
    answer = simulate(path, who, action, "*", "--unknown-context", *options)
    return answer["decision"], answer["conditions"]


@pytest.mark.parametrize("who", ["user/alice", "role/ops/deploy"])
def test_a_tag_condition_is_decided_from_the_principals_tags(path, who):
    assert decided(path, who, "iam:ListPolicies") == ("Allowed", [])
    # a tag key the principal does not have is absent, not unknown
    assert decided(path, who, "iam:ListGroups") == ("Allowed", [])


@pytest.mark.parametrize("who", ["user/alice", "role/ops/deploy"])
def test_abac_compares_the_resource_tag_with_the_principals_own(path, who):
    answer = simulate(path, who, "ec2:StopInstances", INSTANCE, "--unknown-context")
    assert (answer["decision"], answer["conditions"]) == (
        "AllowedIf", [{"StringEquals": {"aws:ResourceTag/team": ["red"]}}])
    for team, decision in (("red", "Allowed"), ("blue", "ImplicitlyDenied")):
        answer = simulate(path, who, "ec2:StopInstances", INSTANCE, "--context", f"aws:ResourceTag/team={team}")
        assert answer["decision"] == decision, answer


def test_a_role_whose_sessions_may_carry_session_tags_is_allowed_only_if_they_match(path):
    assert decided(path, "role/ops/tagged", "iam:ListPolicies") == (
        "AllowedIf", [{"StringEquals": {"aws:PrincipalTag/team": ["red"]}}])
    # a request gives the role's own tags, as for a session without session tags; --context gives a session tag
    assert simulate(path, "role/ops/tagged", "iam:ListPolicies")["decision"] == "Allowed"
    overridden = simulate(path, "role/ops/tagged", "iam:ListPolicies", "*", "--context", "aws:PrincipalTag/team=blue")
    assert overridden["decision"] == "ImplicitlyDenied"


@pytest.mark.parametrize("who", ["user/alice", "role/ops/deploy"])
def test_an_iam_principal_has_no_service_name(path, who):
    assert decided(path, who, "iam:ListRoles") == ("Allowed", [])
    assert decided(path, who, "iam:ListUsers") == ("Allowed", [])


def test_a_service_principal_has_its_name_in_its_service_names_list(path):
    """The trust admits a service whose service principal names include ec2.amazonaws.com: EC2 is admitted, with no
    condition left."""
    done = CliRunner().invoke(app, ["who-can", "sts:AssumeRole", "--resource", EC2_ROLE, "--db", path, "-o", "json"])
    assert done.exit_code == 0, done.output
    assert [(row["principal"], row["decision"], row["conditions"]) for row in json.loads(done.output)] == [
        ("ec2.amazonaws.com", "Allowed", None)]


def test_a_users_userid_is_its_unique_id(path):
    assert decided(path, "user/alice", "iam:GetUser") == ("Allowed", [])
    assert decided(path, "user/alice", "iam:GetRole")[0] == "ImplicitlyDenied"
    assert simulate(path, "user/alice", "iam:GetUser")["decision"] == "Allowed"


def test_a_roles_userid_is_its_unique_id_and_a_session_name(path):
    assert decided(path, "role/ops/deploy", "iam:GetRole") == ("Allowed", [])
    assert simulate(path, "role/ops/deploy", "iam:GetRole")["decision"] == "Allowed"
    # the session name is the caller's choice: one session name is a condition
    assert decided(path, "role/ops/deploy", "iam:GetGroup") == (
        "AllowedIf", [{"StringEquals": {"aws:userid": [f"{DEPLOY_ID}:nightly"]}}])
    # another role's id, or a user's, never
    for action in ("iam:GetRole", "iam:GetGroup", "iam:GetUser"):
        assert decided(path, "role/ops/tagged", action)[0] == "ImplicitlyDenied", action
    assert decided(path, "role/ops/deploy", "iam:GetUser")[0] == "ImplicitlyDenied"


def test_a_resource_named_by_a_roles_userid_needs_the_session_name_it_holds(path):
    """A role session's ``aws:userid`` is the role's id, ``:`` and a session name: a ``Resource`` naming
    ``${aws:userid}`` covers the folder of one of its sessions for that session name (a condition), never a folder
    another id names; a ``NotResource`` leaves that session's folder out, for that session name only."""
    nightly, other = f"arn:aws:s3:::home/{DEPLOY_ID}:nightly/k", f"arn:aws:s3:::home/{ALICE_ID}/k"
    session_named = [{"StringEquals": {"aws:userid": [f"{DEPLOY_ID}:nightly"]}}]
    answer = simulate(path, "role/ops/deploy", "s3:GetObject", nightly, "--unknown-context")
    assert (answer["decision"], answer["conditions"]) == ("AllowedIf", session_named)
    assert simulate(path, "role/ops/deploy", "s3:GetObject", other, "--unknown-context")["decision"] == "ImplicitlyDenied"
    answer = simulate(path, "role/ops/deploy", "s3:PutObject", nightly, "--unknown-context")
    assert (answer["decision"], answer["conditions"]) == (
        "AllowedIf", [{"StringNotEquals": {"aws:userid": [f"{DEPLOY_ID}:nightly"]}}])
    assert simulate(path, "role/ops/deploy", "s3:PutObject", other, "--unknown-context")["decision"] == "Allowed"
    # a user's aws:userid is known whole
    assert simulate(path, "user/alice", "s3:GetObject", other, "--unknown-context")["decision"] == "Allowed"
    assert simulate(path, "user/alice", "s3:PutObject", other, "--unknown-context")["decision"] == "ImplicitlyDenied"


def test_who_can_answers_abac_from_each_principals_keys(path):
    done = CliRunner().invoke(app, ["who-can", "iam:GetRole", "--db", path, "-o", "json"])
    assert done.exit_code == 0, done.output
    found = {(row["principal"], row["decision"]) for row in json.loads(done.output)}
    assert found == {(f"arn:aws:iam::{ACCOUNT}:role/ops/deploy", "Allowed")}


def test_the_users_a_statement_names_through_aws_userid_are_found(path):
    """alice's statement names the users under her own id's path: the escalation through helper's keys is open on
    helper, whom the statement names once ``${aws:userid}`` is her unique id."""
    con = db.connect(path, read_only=True)
    try:
        create_tables(con, ACCESS_QUESTIONS, tables=["iam_principal_access"])
        rows = con.execute("select decision, detail from iam_principal_access where principal_arn = ? "
                           "and question = 'escalation:CreateAccessKey'", [f"arn:aws:iam::{ACCOUNT}:user/alice"]).fetchall()
    finally:
        con.close()
    assert rows == [("Allowed", f"on {HELPER}")]
