"""Escalation paths through an existing CodeBuild project, SageMaker notebook instance or Glue development endpoint
whose table is loaded (aws_codebuild_project, aws_sagemaker_notebook_instance, aws_glue_dev_endpoint): the path
opens on a resource the caller's statements name when the resource's role has administrator power or an escalation
path of its own, and on no other; without the table the same statements are a skip (tests/test_escalation_scenarios).

Also how a path that passes two roles to two services (EMR: the cluster instances' role and its service role) is
read from queries/access.yaml.

Account 123456789012, as of 2024-03-01; the scenario machinery of tests/test_escalation_scenarios."""

import pytest

from iamsql import controls
from iamsql.errors import IamsqlError
from iamsql.policy.access import create_tables
from iamsql.policy.access.questions import load_questions
from iamsql.store import db
from tests.iam_rows import ACCOUNT, ADMIN, AS_OF, allow, arn, assume, base, deny, managed, role, user
from tests.test_escalation_paths import CONTROL, Scenario, assert_scenario_row

S = Scenario
REGION = "us-east-1"
PROJECT = f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/"
NOTEBOOK = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/"
ENDPOINT = f"arn:aws:glue:{REGION}:{ACCOUNT}:devEndpoint/"
S3_ONLY = arn("policy", "s3-only")

SCENARIOS = [
    # CodeBuild: a build of a named project (a buildspec override) runs as its service role
    S("start-admin-project", user("start-admin-project", allow("codebuild:StartBuild", PROJECT + "release")),
      f"CodeBuildStartBuild on {PROJECT}release", "open", "alarm"),
    S("start-weak-project", user("start-weak-project", allow("codebuild:StartBuild", PROJECT + "lint")),
      "CodeBuildStartBuild", "closed", "ok"),
    S("start-missing-project", user("start-missing-project", allow("codebuild:StartBuild", PROJECT + "gone")),
      "CodeBuildStartBuild", "closed", "ok"),
    S("start-projects-by-prefix", user("start-projects-by-prefix", allow("codebuild:StartBuildBatch", PROJECT + "rel*")),
      f"CodeBuildStartBuildBatch on {PROJECT}release", "open", "alarm"),
    S("start-admin-project-denied", user("start-admin-project-denied", allow(
        "codebuild:StartBuild", [PROJECT + "release", PROJECT + "lint"]), deny("codebuild:StartBuild", PROJECT + "rel*")),
      "CodeBuildStartBuild", "closed", "ok"),
    S("start-escalating-project", user("start-escalating-project", allow("codebuild:StartBuild", PROJECT + "keys")),
      f"CodeBuildStartBuild on {PROJECT}keys", "open", "alarm"),
    # SageMaker: a presigned URL opens the notebook's Jupyter, which runs as the notebook's role
    S("url-admin-notebook", user("url-admin-notebook", allow("sagemaker:CreatePresignedNotebookInstanceUrl",
                                                             NOTEBOOK + "research")),
      f"CreatePresignedSageMakerNotebookUrl on {NOTEBOOK}research", "open", "alarm"),
    S("url-weak-notebook", user("url-weak-notebook", allow("sagemaker:CreatePresignedNotebookInstanceUrl",
                                                           NOTEBOOK + "sandbox")),
      "CreatePresignedSageMakerNotebookUrl", "closed", "ok"),
    S("url-admin-notebook-bounded", user("url-admin-notebook-bounded", allow(
        "sagemaker:CreatePresignedNotebookInstanceUrl", NOTEBOOK + "research"), boundary=S3_ONLY),
      "CreatePresignedSageMakerNotebookUrl", "closed", "ok"),
    # Glue: a new SSH key on a named development endpoint gives a shell with its role
    S("update-admin-endpoint", user("update-admin-endpoint", allow("glue:UpdateDevEndpoint", ENDPOINT + "etl")),
      f"UpdateExistingGlueDevEndpoint on {ENDPOINT}etl", "open", "alarm"),
    S("update-weak-endpoint", user("update-weak-endpoint", allow("glue:UpdateDevEndpoint", ENDPOINT + "scratch")),
      "UpdateExistingGlueDevEndpoint", "closed", "ok"),
    S("update-admin-endpoint-mfa", user("update-admin-endpoint-mfa", allow(
        "glue:UpdateDevEndpoint", ENDPOINT + "etl", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
      f"UpdateExistingGlueDevEndpoint on {ENDPOINT}etl", "open-if", "alarm"),
]

ROLES = [
    role("admin-codebuild", assume({"Service": "codebuild.amazonaws.com"}), attached=[ADMIN]),
    role("keys-codebuild", assume({"Service": "codebuild.amazonaws.com"}), statements=[allow("iam:CreateAccessKey")]),
    role("admin-sagemaker", assume({"Service": "sagemaker.amazonaws.com"}), attached=[ADMIN]),
    role("admin-glue", assume({"Service": "glue.amazonaws.com"}), attached=[ADMIN]),
    role("weak", assume({"Service": ["codebuild.amazonaws.com", "sagemaker.amazonaws.com", "glue.amazonaws.com"]}),
         statements=[allow("logs:*")]),
]
POLICIES = [managed("AdministratorAccess", allow("*"), aws=True), managed("s3-only", allow("s3:*"))]


def regional(name: str, resource_arn: str) -> dict:
    return {**base(), "region": REGION, "arn": resource_arn, "title": name}


PROJECTS = [{**regional(name, PROJECT + name), "name": name, "service_role": arn("role", role_name)}
            for name, role_name in (("release", "admin-codebuild"), ("lint", "weak"), ("keys", "keys-codebuild"))]
NOTEBOOKS = [{**regional(name, NOTEBOOK + name), "name": name, "role_arn": arn("role", role_name)}
             for name, role_name in (("research", "admin-sagemaker"), ("sandbox", "weak"))]
ENDPOINTS = [{**regional(name, ENDPOINT + name), "endpoint_name": name, "role_arn": arn("role", role_name)}
             for name, role_name in (("etl", "admin-glue"), ("scratch", "weak"))]


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The control's rows by principal and the engine's decisions by (principal, question, detail)."""
    con = db.connect(tmp_path_factory.mktemp("workload-tables") / "iam.duckdb")
    with db.transaction(con):
        snapshot = db.new_snapshot(con, account_id=ACCOUNT, kind="load", sources=[], as_of=AS_OF)
        db.insert_rows(con, "aws_iam_user", snapshot, [s.row for s in SCENARIOS])
        db.insert_rows(con, "aws_iam_role", snapshot, ROLES)
        db.insert_rows(con, "aws_iam_group", snapshot, [])
        db.insert_rows(con, "aws_iam_policy", snapshot, POLICIES)
        db.insert_rows(con, "aws_codebuild_project", snapshot, PROJECTS)
        db.insert_rows(con, "aws_sagemaker_notebook_instance", snapshot, NOTEBOOKS)
        db.insert_rows(con, "aws_glue_dev_endpoint", snapshot, ENDPOINTS)
    results = {r["resource"]: r for r in controls.results(con, controls.run_checks(con, controls=[CONTROL]))}
    create_tables(con, controls.ACCESS_QUESTIONS, tables=["iam_principal_access"])
    decisions = {(principal, question, detail): (decision, missing)
                 for principal, question, detail, decision, missing in con.execute(
                     "select principal_arn, question, detail, decision, missing from iam_principal_access").fetchall()}
    con.close()
    return results, decisions


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario(checked, scenario):
    results, answers = checked
    decisions = {key: decision for key, (decision, _) in answers.items()}
    assert_scenario_row(results, decisions, scenario, not_closed=("Allowed", "AllowedIf", "Unknown"))


def test_no_row_says_a_loaded_table_is_missing(checked):
    _, answers = checked
    missing = [m for (_, question, _), (_, m) in answers.items() if question.startswith("escalation:") and m]
    assert not any("is not loaded" in m for m in missing), missing


# ---- a path that passes two roles to two services (queries/access.yaml, passed_to_service per target) ------------


def test_emr_asks_one_passrole_per_service():
    [emr] = [q for q in load_questions(controls.ACCESS_QUESTIONS) if q.id == "escalation:PassRole+EMRRunJobFlow"]
    passes = {p.targets: dict(p.context) for p in emr.probes if p.action == "iam:PassRole"}
    assert passes == {("role",): {"iam:PassedToService": "ec2.amazonaws.com"},
                      ("service_role",): {"iam:PassedToService": "elasticmapreduce.amazonaws.com"}}


def test_a_service_for_an_unknown_target_is_a_one_line_error(tmp_path):
    questions = tmp_path / "access.yaml"
    questions.write_text("escalation:\n  P: [[x:Run, catalog], [iam:PassRole, role]]\n"
                         "passed_to_service:\n  P: {role: ec2.amazonaws.com, engine: x.amazonaws.com}\n")
    with pytest.raises(IamsqlError, match=r"^queries/access.yaml: passed_to_service: P: a service, or a service per"):
        load_questions(questions)


@pytest.mark.parametrize("text", ["- full_admin\n- escalation\n", "just a line\n", "", "{}\n",
                                  "questions: [full_admin]\n", "questions:\n  full_admin: [[iam:PassRole, role]]\n",
                                  "escalation: [[iam:PassRole, role]]\n"])
def test_a_questions_file_of_another_shape_is_a_one_line_error(tmp_path, text):
    """A file that is not a mapping of questions and escalation paths (a list, a string, nothing at all) is named in
    one line: no question is silently left unasked."""
    questions = tmp_path / "access.yaml"
    questions.write_text(text)
    with pytest.raises(IamsqlError, match=r"^queries/access.yaml: ") as error:
        load_questions(questions)
    assert "\n" not in str(error.value)
