"""``iamsql load`` of AWS Secrets Manager outputs (tests/data/secrets) into Steampipe's aws_secretsmanager_secret:
list-secrets covers the table, describe-secret and get-resource-policy add to one secret's row."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from iamsql.load import load_paths
from iamsql.store import db

DATA = Path(__file__).parent / "data" / "secrets"
ACCOUNT = "111122223333"
DB_SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:app/db-a1B2c3"


def test_secrets_load_in_steampipe_shape(tmp_path):
    """The listing's secrets with their rotation, tags and versions; get-resource-policy's policy as policy and
    Steampipe's canonical policy_std; a secret without a policy keeps NULL; describe-secret's VersionIdsToStages is
    secret_versions_to_stages and its replication status the Go SDK's structs."""
    con = db.connect(str(tmp_path / "s.duckdb"))
    load_paths(con, [DATA])
    rows = con.execute(
        "select name, region, account_id, rotation_enabled, rotation_lambda_arn, rotation_rules::varchar, "
        "kms_key_id is null, tags::varchar, created_date::varchar, last_accessed_date::varchar, "
        "policy_std -> 'Statement' -> 0 ->> 'Action', policy_std -> 'Statement' -> 0 -> 'Principal' ->> 'AWS', title, "
        "akas ->> '$[0]' = arn from aws_secretsmanager_secret order by name").fetchall()
    assert rows == [
        ("app/db", "us-east-1", ACCOUNT, True, f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:rotate-db",
         '{"AutomaticallyAfterDays": 30, "Duration": null, "ScheduleExpression": null}', False,
         '{"team": "payments"}',
         "2023-01-15 09:30:00+00", "2024-06-10 00:00:00+00", '["secretsmanager:getsecretvalue"]',
         '["arn:aws:iam::444455556666:role/reader"]', "app/db", True),
        ("legacy/api-key", "us-east-1", ACCOUNT, None, None, None, True, None, "2022-02-01 12:00:00+00", None, None,
         None, "legacy/api-key", True),
        ("ops/token", "eu-west-1", ACCOUNT, False, None, None, True, None, "2024-04-01 08:00:00+00", None, None, None,
         "ops/token", True)]
    ops = con.execute("select secret_versions_to_stages::varchar, replication_status::varchar from "
                      "aws_secretsmanager_secret where name = 'ops/token'").fetchone()
    assert json.loads(ops[0]) == {"a1b2c3d4-5678-90ab-cdef-EXAMPLE33333": ["AWSCURRENT"]}
    assert json.loads(ops[1]) == [{"KmsKeyId": None, "LastAccessedDate": None, "Region": "eu-central-1",
                                   "Status": "InSync", "StatusMessage": "Replication succeeded"}]
    assert json.loads(con.execute("select policy::varchar from aws_secretsmanager_secret where arn = ?",
                                  [DB_SECRET]).fetchone()[0])["Statement"][0]["Action"] == "secretsmanager:GetSecretValue"
    assert con.execute("select * from iamsql_partial").fetchall() == []
    con.close()


def test_one_secrets_outputs_without_the_listing_are_part_of_the_table(tmp_path):
    """describe-secret and get-resource-policy describe one secret: alone, the table is partial."""
    shutil.copy(DATA / "describe-secret-ops-token.json", tmp_path)
    shutil.copy(DATA / "get-resource-policy" / "app-db.json", tmp_path)
    con = db.connect(str(tmp_path / "p.duckdb"))
    load_paths(con, [tmp_path])
    assert con.execute("select table_name from iamsql_partial").fetchall() == [("aws_secretsmanager_secret",)]
    assert con.execute("select name, policy is not null from aws_secretsmanager_secret order by name").fetchall() == [
        ("app/db", True), ("ops/token", False)]
    con.close()


def test_cloudmappers_secret_listing_loads(public_data, tmp_path):
    """CloudMapper's demo account keeps secretsmanager-list-secrets.json and, in secretsmanager-get-resource-policy/,
    the answer for its secret without a resource policy: the secret loads with its tags, under the account its
    caller identity names (the example's ARNs carry a 13-digit account), with no policy."""
    con = db.connect(str(tmp_path / "c.duckdb"))
    load_paths(con, [public_data / "cloudmapper_demo"])
    assert con.execute("select name, account_id, region, policy, tags ->> 'access-team', last_changed_date::varchar "
                       "from aws_secretsmanager_secret").fetchall() == [
        ("demo-secret", "123456789012", "us-east-1", None, "eng", "2019-10-17 21:47:00.587+00")]
    assert con.execute("select count(*) from iamsql_partial where table_name = 'aws_secretsmanager_secret'"
                       ).fetchone() == (0,)
    con.close()
