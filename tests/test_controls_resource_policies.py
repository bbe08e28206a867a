"""kms_key_policy_not_public, secretsmanager_secret_policy_not_public and s3_bucket_policy_not_public over the
hand-written KMS, Secrets Manager and S3 outputs (tests/data/kms_keys, tests/data/secrets, tests/data/monitoring), with
key, secret and bucket policies added: the policy engine decides whether a caller of another account and organization
may act on the resource (iam_resource_policy_access)."""

import json
import shutil
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

DATA = Path(__file__).parent / "data"
AS_OF = "2025-03-01T00:00:00Z"
KEY = "arn:aws:kms:eu-west-1:444455556666:key/"
OWNER = {"Sid": "root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "kms:*",
         "Resource": "*"}
SECRET = "arn:aws:secretsmanager:{region}:111122223333:secret:"
KMS, SECRETS, S3 = "kms_key_policy_not_public", "secretsmanager_secret_policy_not_public", "s3_bucket_policy_not_public"


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def run(tmp_path, paths, control, name="data") -> dict:
    con = db.connect(tmp_path / f"{control}-{name}.duckdb")
    load_paths(con, paths, as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[control]))
    con.close()
    return {r["resource"]: (r["status"], r["reason"]) for r in rows}


def key_policy(folder: Path, name: str, key_id: str, *statements) -> None:
    (folder / f"get-key-policy-{name}.json").write_text(json.dumps(
        {"KeyId": KEY + key_id, "PolicyName": "default", "Policy": policy(OWNER, *statements)}))


def test_key_policies_open_to_anyone_alarm_and_those_limited_to_named_callers_pass(tmp_path):
    keys = tmp_path / "keys"
    shutil.copytree(DATA / "kms_keys", keys)
    key_policy(keys, "not-rotating", "2222bbbb-22bb-44dd-66ff-2222222222bb",
               {"Effect": "Allow", "Principal": "*", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"})
    # as AWS writes the policies of its managed keys: everyone, but only of this account and through one service
    key_policy(keys, "signing", "4444dddd-44dd-55ee-88bb-4444444444dd",
               {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*", "Resource": "*", "Condition": {
                   "StringEquals": {"kms:CallerAccount": "444455556666",
                                    "kms:ViaService": "ec2.eu-west-1.amazonaws.com"}}})
    key_policy(keys, "deleting", "5555eeee-55ee-66ff-99cc-5555555555ee",
               {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}})
    found = run(tmp_path, [keys], KMS)
    assert {resource.removeprefix(KEY): status for resource, (status, _) in found.items()} == {
        "1234abcd-12ab-34cd-56ef-1234567890ab": "ok",  # the account's own principals only
        "2222bbbb-22bb-44dd-66ff-2222222222bb": "alarm",
        "3333cccc-33cc-44dd-77aa-3333333333cc": "skip",  # no get-key-policy loaded
        "4444dddd-44dd-55ee-88bb-4444444444dd": "ok",
        "5555eeee-55ee-66ff-99cc-5555555555ee": "ok",
    }
    assert found[KEY + "2222bbbb-22bb-44dd-66ff-2222222222bb"][1] == (
        "Key 2222bbbb-22bb-44dd-66ff-2222222222bb lets any AWS principal outside the account and its organization call "
        "kms:Decrypt, kms:DescribeKey on it through its key policy; name the trusted principals or add a "
        "kms:CallerAccount or aws:PrincipalOrgID condition.")
    assert found[KEY + "5555eeee-55ee-66ff-99cc-5555555555ee"][1] == (
        "Key 5555eeee-55ee-66ff-99cc-5555555555ee names everyone in its key policy, but a condition limits it to named "
        "callers (aws:principalorgid).")
    assert found[KEY + "3333cccc-33cc-44dd-77aa-3333333333cc"][1] == (
        "Key alias/aws/s3 was loaded without its key policy; load get-key-policy to evaluate it.")


def test_a_deny_for_callers_outside_the_organization_closes_a_key_policy_and_an_unreadable_one_is_skipped(tmp_path):
    keys = tmp_path / "keys"
    shutil.copytree(DATA / "kms_keys", keys)
    key_policy(keys, "not-rotating", "2222bbbb-22bb-44dd-66ff-2222222222bb",
               {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
               {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}}})
    # a statement without Principal is not a key policy the engine reads
    key_policy(keys, "signing", "4444dddd-44dd-55ee-88bb-4444444444dd",
               {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    found = run(tmp_path, [keys], KMS)
    assert found[KEY + "2222bbbb-22bb-44dd-66ff-2222222222bb"][0] == "ok"
    assert found[KEY + "4444dddd-44dd-55ee-88bb-4444444444dd"] == (
        "skip", "Key 4444dddd-44dd-55ee-88bb-4444444444dd has a key policy the engine cannot read.")


def test_secret_policies(tmp_path):
    secrets = tmp_path / "secrets"
    shutil.copytree(DATA / "secrets", secrets)
    ops = SECRET.format(region="eu-west-1") + "ops/token-Qw3Er4"
    (secrets / "get-resource-policy" / "ops.json").write_text(json.dumps({"ARN": ops, "Name": "ops/token", "ResourcePolicy": policy(
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}})}))
    found = run(tmp_path, [secrets], SECRETS)
    app, legacy = SECRET.format(region="us-east-1") + "app/db-a1B2c3", SECRET.format(region="us-east-1") + "legacy/api-key-Zx9Yw8"
    assert found[ops] == ("alarm", "Secret ops/token lets any AWS principal outside the account and its organization "
                                   "call secretsmanager:GetSecretValue on it (it depends only on aws:securetransport) "
                                   "through its resource policy; name the trusted principals or add an "
                                   "aws:PrincipalOrgID condition.")
    # a role of another account, named: not anyone
    assert found[app] == ("ok", "Secret app/db has a resource policy that admits only the principals it names.")
    assert found[legacy] == ("ok", "Secret legacy/api-key has no resource policy.")
    listing_only = run(tmp_path, [secrets / "us-east-1"], SECRETS, "listing")
    assert listing_only[app] == ("skip", "Secret app/db was loaded without its resource policy; load "
                                         "get-resource-policy to evaluate it.")


def test_bucket_policies_by_the_engine_block_public_access_and_s3s_own_verdict(tmp_path):
    found = run(tmp_path, [DATA / "monitoring"], S3)
    assert found["arn:aws:s3:::web.assets.example"] == (
        "alarm", "Bucket web.assets.example lets any AWS principal outside the account and its organization call "
                 "s3:GetObject through its bucket policy; name the trusted principals or add an aws:PrincipalOrgID "
                 "condition.")
    assert found["arn:aws:s3:::audit-trail-logs-111122223333"] == (
        "ok", "Bucket audit-trail-logs-111122223333 has a policy that is not loaded, but its Block Public Access "
              "restricts public buckets.")
    # limited to a VPC endpoint: S3 does not count it public, and says so in get-bucket-policy-status
    monitoring = tmp_path / "monitoring"
    shutil.copytree(DATA / "monitoring", monitoring)
    (monitoring / "s3" / "get-bucket-policy" / "web.assets.example.json").write_text(json.dumps({"Policy": policy(
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::web.assets.example/*",
         "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}})}))
    (monitoring / "s3" / "get-bucket-policy-status" / "web.assets.example.json").write_text(
        json.dumps({"PolicyStatus": {"IsPublic": False}}))
    status, reason = run(tmp_path, [monitoring], S3, "endpoint")["arn:aws:s3:::web.assets.example"]
    assert status == "ok" and reason.endswith("S3 does not count the policy public (its conditions fix the callers' "
                                              "network or source).")
    # without S3's verdict, the engine's alone: anyone who reaches the endpoint
    (monitoring / "s3" / "get-bucket-policy-status" / "web.assets.example.json").unlink()
    assert run(tmp_path, [monitoring], S3, "no-verdict")["arn:aws:s3:::web.assets.example"][0] == "alarm"
