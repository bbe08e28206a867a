"""``collect`` of the workloads that carry roles, against moto's server through real boto3: EC2 instances with
their instance profile and IMDS settings, Lambda functions with and without a resource policy, ACTIVE ECS task
definitions with their roles and tags, EKS clusters with their role; evidence files in the AWS CLI's shape."""

import io
import json
import zipfile

import boto3
import duckdb
import pytest

from iamsql import db
from iamsql.collect.run import collect
from tests.fixtures.moto import moto_environment

ACCOUNT = "123456789012"
TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {
    "Service": ["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "eks.amazonaws.com"]}}]}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def build_workloads(session: boto3.Session) -> dict:
    """One role used by every workload kind in us-east-1, and what each call made."""
    iam = session.client("iam")
    role = iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]["Arn"]
    profile = iam.create_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app")
    ec2 = session.client("ec2", region_name="us-east-1")
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    with_profile = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, IamInstanceProfile={"Arn": profile["Arn"]},
                                     MetadataOptions={"HttpTokens": "optional"})["Instances"][0]["InstanceId"]
    plain = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1,
                              MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    lam = session.client("lambda", region_name="us-east-1")
    for name in ("resizer", "private"):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.handler",
                            Code={"ZipFile": _zip()})
    lam.add_permission(FunctionName="resizer", StatementId="s3", Action="lambda:InvokeFunction",
                       Principal="s3.amazonaws.com", SourceAccount=ACCOUNT)
    ecs = session.client("ecs", region_name="us-east-1")
    task = ecs.register_task_definition(family="orders", taskRoleArn=role, executionRoleArn=role,
                                        containerDefinitions=[{"name": "orders", "image": "orders:1", "memory": 128}],
                                        tags=[{"key": "team", "value": "orders"}])["taskDefinition"]["taskDefinitionArn"]
    eks = session.client("eks", region_name="us-east-1")
    cluster = eks.create_cluster(name="platform", roleArn=role, resourcesVpcConfig={"subnetIds": []})["cluster"]["arn"]
    return {"role": role, "profile": profile["Arn"], "with_profile": with_profile, "plain": plain, "task": task,
            "cluster": cluster}


@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workloads")
    with moto_environment(moto_server, tmp):
        made = build_workloads(boto3.Session(region_name="us-east-1"))
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
            "ecs:DescribeTaskDefinition", "eks:ListClusters", "eks:DescribeCluster"} <= apis
