"""``collect`` of Secrets Manager secrets, against moto's server through real boto3: ListSecrets per region, then
DescribeSecret (the replicas the listing leaves out) and GetResourcePolicy per secret, into aws_secretsmanager_secret;
the evidence folder loads back to the same rows with the table whole."""

import json

import boto3
import duckdb
import pytest

from iamsql.collect.run import collect
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.moto import moto_environment

ACCOUNT = "123456789012"
REGION = "eu-west-1"
READER = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
    "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}
ROWS_SQL = ("select name, region, account_id, policy_std->'Statement'->0->>'Effect', "
            "policy_std->'Statement'->0->'Principal'->'AWS'->>0, tags->>'team', "
            "replication_status->0->>'Region' from aws_secretsmanager_secret order by name")


@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("secrets")
    with moto_environment(moto_server, tmp):
        secrets = boto3.client("secretsmanager", region_name=REGION)
        shared = secrets.create_secret(Name="prod/db", SecretString="x", Tags=[{"Key": "team", "Value": "data"}],
                                       AddReplicaRegions=[{"Region": "us-east-1"}])
        secrets.put_resource_policy(SecretId=shared["ARN"], ResourcePolicy=json.dumps(READER))
        plain = secrets.create_secret(Name="prod_db", SecretString="y")  # the same file name once '/' is replaced
        boto3.client("secretsmanager", region_name="us-east-1").create_secret(Name="elsewhere", SecretString="z")
        con = db.connect(tmp / "secrets.duckdb")
        result = collect(con, evidence_dir=tmp / "evidence", regions=[REGION])
        con.close()
    con = duckdb.connect(str(tmp / "secrets.duckdb"), read_only=True)
    yield {"shared": shared["ARN"], "plain": plain["ARN"]}, result, con, tmp
    con.close()


def test_secrets_are_collected_with_their_policy_tags_and_replicas(collected):
    _, result, con, _ = collected
    assert [g for g in result.gaps if g["api"].startswith("secretsmanager:")] == []
    assert con.execute(ROWS_SQL).fetchall() == [
        ("prod/db", REGION, ACCOUNT, "Allow", "arn:aws:iam::210987654321:root", "data", "us-east-1"),
        ("prod_db", REGION, ACCOUNT, None, None, None, None)]  # no resource policy: NULL, as Steampipe shows it
    whole = con.execute("select count(*) from iamsql_latest l where table_name = 'aws_secretsmanager_secret' and "
                        "(account_id, table_name) not in (select (account_id, table_name) from iamsql_partial)")
    assert whole.fetchone()[0] == 1


def test_secret_evidence_names_each_secret_and_loads_back_to_the_same_rows(collected, tmp_path):
    arns, _, con, tmp = collected
    folder = tmp / "evidence" / ACCOUNT / REGION / "secretsmanager"
    listed = json.loads((folder / "list-secrets.json").read_text())
    assert {s["ARN"] for s in listed["SecretList"]} == set(arns.values()) and "NextToken" not in listed
    for command in ("describe-secret", "get-resource-policy"):
        saved = {json.loads(p.read_text())["ARN"] for p in (folder / command).iterdir()}
        assert saved == set(arns.values()), command
    again = db.connect(tmp_path / "again.duckdb")
    load_paths(again, [tmp / "evidence"])
    assert again.execute(ROWS_SQL).fetchall() == con.execute(ROWS_SQL).fetchall()
    again.close()
