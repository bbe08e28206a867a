"""Escalation paths through an existing resource that runs code with a role (a Lambda function, an EC2 instance, a
CodeBuild project, a SageMaker notebook instance, a Glue development endpoint) when a statement allows them on every
resource and the resource's table is loaded: the loaded resources are all there is to act on, so the path opens only
on one whose role has power. Here the functions and instances loaded have weak roles or none, no project or notebook
instance is loaded, and one development endpoint runs as an administrator role. A path that creates the resource
(a new CodeBuild project) does not depend on them.

Account 123456789012, as of 2024-03-01; the scenario machinery of tests/test_escalation_scenarios."""

import pytest

from iamsql import controls
from iamsql.policy.access import create_tables
from iamsql.store import db
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, base, managed, role, user
from tests.test_escalation_paths import CONTROL, Scenario, assert_scenario_row

S = Scenario
REGION = "us-east-1"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
INSTANCE = f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/"
ENDPOINT = f"arn:aws:glue:{REGION}:{ACCOUNT}:devEndpoint/"
UPDATER = arn("role", "endpoint-updater")

SCENARIOS = [
    S("code-any-function", user("code-any-function", allow("lambda:UpdateFunctionCode")),
      "EditExistingLambdaFunctionWithRole", "closed", "ok"),
    S("configure-any-function", user("configure-any-function", allow("lambda:UpdateFunctionConfiguration")),
      "lambda:UpdateFunctionConfiguration", "closed", "ok"),
    S("start-any-project", user("start-any-project", allow("codebuild:StartBuild")), "CodeBuildStartBuild", "closed",
      "ok"),
    S("command-any-instance", user("command-any-instance", allow("ssm:SendCommand")), "SSMSendCommand", "closed", "ok"),
    S("user-data-any-instance", user("user-data-any-instance", allow(
        ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"])),
      "ModifyEC2InstanceUserDataThenRestart", "closed", "ok"),
    S("ssh-key-any-instance", user("ssh-key-any-instance", allow(
        ["ec2-instance-connect:SendSSHPublicKey", "ec2:DescribeInstances"])),
      "EC2InstanceConnectSendSSHPublicKey", "closed", "ok"),
    S("url-any-notebook", user("url-any-notebook", allow("sagemaker:CreatePresignedNotebookInstanceUrl")),
      "CreatePresignedSageMakerNotebookUrl", "closed", "ok"),
    # a path that creates the resource is open whatever the table holds
    S("new-project-then-build", user("new-project-then-build", allow(
        ["codebuild:CreateProject", "codebuild:StartBuild", "iam:PassRole"])),
      "PassExistingRoleToNewCodeBuildProjectThenBuild", "open", "alarm"),
    # the one loaded endpoint runs as an administrator role: a statement on every endpoint opens the path on it
    S("update-any-endpoint", user("update-any-endpoint", allow("glue:UpdateDevEndpoint")),
      f"UpdateExistingGlueDevEndpoint on {ENDPOINT}etl", "open", "alarm"),
    # a policy that is not loaded may allow the path on that endpoint: it cannot be judged, never ok
    S("endpoint-policy-not-loaded", user("endpoint-policy-not-loaded", attached=["arn:aws:iam::aws:policy/NotLoaded"]),
      f"UpdateExistingGlueDevEndpoint on {ENDPOINT}etl", "unknown", "skip"),
    # a role that may take that path is a role with power: whoever may assume it escalates through it
    S("assumes-endpoint-updater", user("assumes-endpoint-updater", allow("sts:AssumeRole", UPDATER)),
      f"AssumeRole {UPDATER}", "open", "alarm"),
]

ROLES = [
    role("weak", assume({"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]}), statements=[allow("logs:*")]),
    role("admin-glue", assume({"Service": "glue.amazonaws.com"}), attached=[ADMIN]),
    role("endpoint-updater", assume({"AWS": arn("user", "assumes-endpoint-updater")}),
         statements=[allow("glue:UpdateDevEndpoint")]),
]


def regional(resource_arn: str) -> dict:
    return {**base(), "region": REGION, "arn": resource_arn}


FUNCTIONS = [{**regional(FUNCTION + "report"), "name": "report", "role": arn("role", "weak")}]
INSTANCES = [{**regional(INSTANCE + "i-bare"), "instance_id": "i-bare", "iam_instance_profile_arn": None}]
ENDPOINTS = [{**regional(ENDPOINT + "etl"), "endpoint_name": "etl", "role_arn": arn("role", "admin-glue")}]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The control's rows by principal and the engine's decisions by (principal, question, detail)."""
    con = db.connect(tmp_path_factory.mktemp("loaded-workloads") / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [s.row for s in SCENARIOS])
        db.insert_rows(con, "aws_iam_role", snapshot, ROLES)
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, [managed("AdministratorAccess", allow("*"), aws=True)])
        db.insert_rows(con, "aws_lambda_function", snapshot, FUNCTIONS)
        db.insert_rows(con, "aws_ec2_instance", snapshot, INSTANCES)
        db.insert_rows(con, "aws_codebuild_project", snapshot, [])
        db.insert_rows(con, "aws_sagemaker_notebook_instance", snapshot, [])
        db.insert_rows(con, "aws_glue_dev_endpoint", snapshot, ENDPOINTS)
    results = {r["resource"]: r for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    decisions = {(principal, question, detail): decision for principal, question, detail, decision in con.execute(
        "select principal_arn, question, detail, decision from iam_principal_access").fetchall()}
    con.close()
    return results, decisions


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(checked, scenario):
    results, decisions = checked
    assert_scenario_row(results, decisions, scenario, not_closed=("Allowed", "AllowedIf", "Unknown"))


def test_a_kept_answer_is_not_served_once_the_table_is_loaded(tmp_path):
    """The answers kept between checks are keyed by which resource tables are loaded: the path open on any project
    while the projects are not loaded is closed once an empty project table is."""
    path = tmp_path / "iam.duckdb"
    starter = user("start-any-project", allow("codebuild:StartBuild"))

    def decision(con) -> str | None:
        create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
        found = con.execute("select decision from iam_principal_access where principal_arn = ? and question = ?",
                            [starter["arn"], "escalation:CodeBuildStartBuild"]).fetchone()
        return found and found[0]

    con = db.connect(path)
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [starter])
        db.insert_rows(con, "aws_iam_role", snapshot, [])
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, [])
    assert decision(con) == "Allowed"
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_codebuild_project", snapshot, [])
    assert decision(con) is None
    con.close()
