"""``collect`` of the workloads that carry roles, against moto's server through real boto3: EC2 instances with
their instance profile and IMDS settings, Lambda functions with and without a resource policy, ACTIVE ECS task
definitions with their roles and tags, EKS clusters, CodeBuild projects, SageMaker notebook instances, Glue
development endpoints, CloudFormation stacks and Step Functions state machines with their role; evidence files in the AWS CLI's shape."""

import json

import boto3
import duckdb
import pytest

from iamsql.collect.run import collect
from iamsql.store import db
from tests.fixtures.moto import moto_environment, populate_workloads

ACCOUNT = "123456789012"
@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workloads")
    with moto_environment(moto_server, tmp):
        made = populate_workloads(boto3.Session(region_name="us-east-1"))
        con = db.connect(tmp / "wl.duckdb")
        result = collect(con, evidence_dir=tmp / "evidence", regions=["us-east-1"])
        con.close()
    con = duckdb.connect(str(tmp / "wl.duckdb"), read_only=True)
    yield made, result, con, tmp / "evidence"
    con.close()


def test_workloads_are_collected_with_their_roles(collected):
    made, result, con, _ = collected
    assert [g for g in result.gaps if not g["api"].startswith("cloudtrail:")] == []
    instances = dict(con.execute("select instance_id, iam_instance_profile_arn from aws_ec2_instance").fetchall())
    assert instances == {made["with_profile"]: made["profile"], made["plain"]: None}
    tokens = dict(con.execute("select instance_id, metadata_options->>'HttpTokens' from aws_ec2_instance").fetchall())
    assert tokens == {made["with_profile"]: "optional", made["plain"]: "required"}
    functions = con.execute("select name, role, region, policy_std->'Statement'->0->'Principal'->'Service'->>0 "
                            "from aws_lambda_function order by name").fetchall()
    assert functions == [("private", made["role"], "us-east-1", None),
                         ("resizer", made["role"], "us-east-1", "s3.amazonaws.com")]
    assert con.execute("select task_definition_arn, task_role_arn, execution_role_arn, tags->>'team' "
                       "from aws_ecs_task_definition").fetchall() == [(made["task"], made["role"], made["role"], "orders")]
    assert con.execute("select arn, name, role_arn from aws_eks_cluster").fetchall() == [
        (made["cluster"], "platform", made["role"])]
    assert con.execute("select arn, name, service_role, region from aws_codebuild_project").fetchall() == [
        (made["project"], "release", made["role"], "us-east-1")]
    assert con.execute("select arn, name, role_arn from aws_sagemaker_notebook_instance").fetchall() == [
        (made["notebook"], "research", made["role"])]
    assert con.execute("select arn, endpoint_name, role_arn, region from aws_glue_dev_endpoint").fetchall() == [
        (f"arn:aws:glue:us-east-1:{ACCOUNT}:devEndpoint/etl", "etl", made["role"], "us-east-1")]
    assert con.execute("select id, name, role_arn, region, account_id, tags->>'team' "
                       "from aws_cloudformation_stack").fetchall() == [
        (made["stack"], "events", made["role"], "us-east-1", ACCOUNT, "orders")]
    assert con.execute("select arn, name, role_arn, region, definition::json->>'StartAt' "
                       "from aws_sfn_state_machine").fetchall() == [
        (made["machine"], "orders", made["role"], "us-east-1", "Done")]


def test_workload_evidence_is_cli_shaped_and_in_the_manifest(collected):
    _, _, _, evidence = collected
    region = evidence / ACCOUNT / "us-east-1"
    listing = json.loads((region / "ec2" / "describe-instances.json").read_text())
    assert "ResponseMetadata" not in listing and isinstance(listing["Reservations"][0]["Instances"][0]["LaunchTime"], str)
    no_policy = json.loads((region / "lambda" / "get-policy" / "private.json").read_text())
    assert no_policy["Error"]["Code"] == "ResourceNotFoundException" and no_policy["FunctionArn"].endswith(":private")
    manifest = json.loads((evidence / "manifest.json").read_text())
    apis = {f["api"] for f in manifest["files"] if f["region"] == "us-east-1"}
    assert {"ec2:DescribeInstances", "lambda:ListFunctions", "lambda:GetPolicy", "ecs:ListTaskDefinitions",
            "ecs:DescribeTaskDefinition", "eks:ListClusters", "eks:DescribeCluster", "codebuild:ListProjects",
            "codebuild:BatchGetProjects", "sagemaker:ListNotebookInstances", "sagemaker:DescribeNotebookInstance",
            "glue:GetDevEndpoints", "cloudformation:DescribeStacks", "stepfunctions:ListStateMachines",
            "stepfunctions:DescribeStateMachine"} <= apis
    endpoints = json.loads((region / "glue" / "get-dev-endpoints.json").read_text())
    assert endpoints["Region"] == "us-east-1" and endpoints["DevEndpoints"][0]["EndpointName"] == "etl"


def test_identity_pools_are_collected_with_their_unauthenticated_access(moto_server, tmp_path):
    """moto answers ListIdentityPools and DescribeIdentityPool but not GetIdentityPoolRoles: that call is a gap, and
    the pool is loaded without its roles (NULL, not an empty object)."""
    with moto_environment(moto_server, tmp_path):
        pool = boto3.client("cognito-identity", region_name="us-east-1").create_identity_pool(
            IdentityPoolName="web_guests", AllowUnauthenticatedIdentities=True)["IdentityPoolId"]
        con = db.connect(tmp_path / "pools.duckdb")
        result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
        rows = con.execute("select identity_pool_id, identity_pool_name, allow_unauthenticated_identities, roles, "
                           "akas->>0 from aws_cognito_identity_pool").fetchall()
        con.close()
    assert rows == [(pool, "web_guests", True, None,
                     f"arn:aws:cognito-identity:us-east-1:{ACCOUNT}:identitypool/{pool}")]
    assert [g["api"] for g in result.gaps if g["api"].startswith("cognito-identity:")] == [
        "cognito-identity:GetIdentityPoolRoles"]
    described = tmp_path / "evidence" / ACCOUNT / "us-east-1" / "cognito-identity" / "describe-identity-pool"
    assert json.loads((described / f"{pool.replace(':', '_')}.json").read_text())["AllowUnauthenticatedIdentities"]
