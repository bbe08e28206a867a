"""Loading the AWS CLI's outputs about workloads (tests/data/workloads: describe-instances, list-functions,
get-policy, list-task-definitions, describe-task-definition, list-clusters, describe-cluster) into the Steampipe
tables aws_ec2_instance, aws_lambda_function, aws_ecs_task_definition and aws_eks_cluster."""

import json
import shutil
from pathlib import Path

import pytest

from iamsql import load
from iamsql.store import db

DATA = Path(__file__).parent / "data" / "workloads"
ACCOUNT = "444455556666"


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "wl.duckdb")
    yield connection
    connection.close()


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_every_output_is_recognised_by_its_content(con):
    summary = load.load_paths(con, [DATA])
    formats = {f.path.name: f.format for f in summary.files}
    assert formats == {"describe-instances.json": "ec2:describe-instances",
                       "list-functions.json": "lambda:list-functions", "get-policy.json": "lambda:get-policy",
                       "list-task-definitions.json": "ecs:list-task-definitions",
                       "describe-task-definition.json": "ecs:describe-task-definition",
                       "list-clusters.json": "eks:list-clusters", "describe-cluster.json": "eks:describe-cluster"}
    assert [Path(p).name for p, _ in summary.skipped] == ["README.md"] and summary.warnings == []


def test_ec2_instances_with_their_profile_imds_and_steampipe_arn(con):
    load.load_paths(con, [DATA / "describe-instances.json"])
    found = rows(con, "select instance_id, arn, region, account_id, instance_state, iam_instance_profile_arn, "
                      "metadata_options->>'HttpTokens', title, tags->>'Name' from aws_ec2_instance order by 1")
    assert found == [
        ("i-0a1b2c3d4e5f60001", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0a1b2c3d4e5f60001", "eu-west-1", ACCOUNT,
         "running", f"arn:aws:iam::{ACCOUNT}:instance-profile/web-profile", "optional", "web-1", "web-1"),
        ("i-0a1b2c3d4e5f60002", f"arn:aws:ec2:eu-west-1:{ACCOUNT}:instance/i-0a1b2c3d4e5f60002", "eu-west-1", ACCOUNT,
         "stopped", None, "required", "i-0a1b2c3d4e5f60002", None)]


def test_lambda_function_with_its_role_and_resource_policy(con):
    load.load_paths(con, [DATA / "list-functions.json", DATA / "get-policy.json"])
    [(name, role, region, principal, action)] = rows(
        con, "select name, role, region, policy_std->'Statement'->0->'Principal'->'Service'->>0, "
             "policy_std->'Statement'->0->'Action'->>0 from aws_lambda_function")
    assert (name, region) == ("thumbnailer", "eu-west-1")
    assert role == f"arn:aws:iam::{ACCOUNT}:role/service-role/thumbnailer-role"
    assert (principal, action) == ("s3.amazonaws.com", "lambda:invokefunction")


def test_get_policy_is_placed_by_an_added_function_arn_or_not_at_all(con, tmp_path):
    policy = json.loads((DATA / "get-policy.json").read_text())
    text = json.loads(policy["Policy"])
    for statement in text["Statement"]:
        statement["Resource"] = "*"
    other = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:thumbnailer"
    (tmp_path / "named").mkdir()
    (tmp_path / "unnamed").mkdir()
    shutil.copy(DATA / "list-functions.json", tmp_path / "named")
    (tmp_path / "named" / "thumbnailer.json").write_text(json.dumps({"FunctionArn": other, **policy,
                                                                      "Policy": json.dumps(text)}))
    load.load_paths(con, [tmp_path / "named"])
    assert rows(con, "select policy is not null from aws_lambda_function") == [(True,)]
    shutil.copy(DATA / "list-functions.json", tmp_path / "unnamed")
    (tmp_path / "unnamed" / "get-policy.json").write_text(json.dumps({**policy, "Policy": json.dumps(text)}))
    summary = load.load_paths(con, [tmp_path / "unnamed"])
    assert any("names no function" in w for w in summary.warnings)
    assert rows(con, "select policy from aws_lambda_function") == [(None,)]


def test_a_function_without_a_policy_is_a_recognised_answer(con, tmp_path):
    arn = f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:thumbnailer"
    folder = tmp_path / "outputs"
    folder.mkdir()
    shutil.copy(DATA / "list-functions.json", folder)
    (folder / "thumbnailer.json").write_text(json.dumps({"FunctionArn": arn, "Error": {
        "Code": "ResourceNotFoundException", "Message": "The resource you requested does not exist."}}))
    summary = load.load_paths(con, [folder])
    assert summary.skipped == []
    assert rows(con, "select name, policy from aws_lambda_function") == [("thumbnailer", None)]


def test_ecs_task_definition_roles_numbers_and_lower_case_tags(con):
    load.load_paths(con, [DATA / "list-task-definitions.json", DATA / "describe-task-definition.json"])
    assert rows(con, "select family, revision, task_role_arn, execution_role_arn, cpu, memory, tags->>'team', "
                     "region, title from aws_ecs_task_definition") == [
        ("orders", 3, f"arn:aws:iam::{ACCOUNT}:role/orders-task", f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
         256, 512, "orders", "eu-west-1", "orders:3")]


def test_eks_cluster_role_and_oidc_issuer(con):
    load.load_paths(con, [DATA / "list-clusters.json", DATA / "describe-cluster.json"])
    assert rows(con, "select name, role_arn, identity->'oidc'->>'issuer', access_config->>'authenticationMode', "
                     "region from aws_eks_cluster") == [
        ("platform", f"arn:aws:iam::{ACCOUNT}:role/eks-cluster-role",
         "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE0123456789ABCDEF", "API_AND_CONFIG_MAP", "eu-west-1")]


def test_an_empty_listing_covers_its_table(con, tmp_path):
    (tmp_path / "list-functions.json").write_text('{"Functions": []}')
    load.load_paths(con, [tmp_path / "list-functions.json"], account_id=ACCOUNT, as_of="2025-01-01")
    assert rows(con, "select table_name, account_id from iamsql_latest") == [("aws_lambda_function", ACCOUNT)]
