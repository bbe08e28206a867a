"""``collect`` of KMS keys and the account's alternate contacts, against moto's server through real boto3: each key's
description, key policy, tags, aliases and (only where the customer decides it) rotation status, into aws_kms_key;
GetAlternateContact per type into aws_account_alternate_contact, a type the account has not set being an answer,
not a gap; evidence files in the AWS CLI's shape with the key they are about."""

import json

import boto3
import duckdb
import pytest

from iamsql.collect.run import collect
from iamsql.store import db
from tests.fixtures.moto import moto_environment

ACCOUNT = "123456789012"
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kms")
    with moto_environment(moto_server, tmp):
        kms = boto3.client("kms", region_name=REGION)
        rotating = kms.create_key(Description="application data", Tags=[{"TagKey": "team", "TagValue": "data"}])
        rotating = rotating["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=rotating)
        kms.create_alias(AliasName="alias/app-data", TargetKeyId=rotating)
        plain = kms.create_key(Description="exports")["KeyMetadata"]["KeyId"]
        signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        boto3.client("account", region_name="us-east-1").put_alternate_contact(
            AlternateContactType="SECURITY", Name="Security Team", Title="SecOps", EmailAddress="security@example.com",
            PhoneNumber="+1-206-555-0100")
        con = db.connect(tmp / "kms.duckdb")
        result = collect(con, evidence_dir=tmp / "evidence", regions=[REGION])
        con.close()
    con = duckdb.connect(str(tmp / "kms.duckdb"), read_only=True)
    yield {"rotating": rotating, "plain": plain, "signing": signing}, result, con, tmp / "evidence" / ACCOUNT
    con.close()


def test_keys_are_collected_with_policy_tags_aliases_and_rotation(collected):
    keys, result, con, _ = collected
    assert [g for g in result.gaps if g["api"].startswith(("kms:", "account:"))] == []
    rows = con.execute("select id, title, key_manager, customer_master_key_spec, key_rotation_enabled, "
                       "json_array_length(aliases), tags->>'team', policy_std->'Statement'->0->>'Effect', region, "
                       "account_id, akas->>0 from aws_kms_key order by description").fetchall()
    arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/"
    assert sorted(rows, key=lambda r: r[0]) == sorted([
        (keys["rotating"], "alias/app-data", "CUSTOMER", "SYMMETRIC_DEFAULT", True, 1, "data", "Allow", REGION,
         ACCOUNT, arn + keys["rotating"]),
        (keys["plain"], keys["plain"], "CUSTOMER", "SYMMETRIC_DEFAULT", False, 0, None, "Allow", REGION, ACCOUNT,
         arn + keys["plain"]),
        # a signing key cannot rotate automatically: not asked, and NULL (not applicable), not false
        (keys["signing"], keys["signing"], "CUSTOMER", "RSA_2048", None, 0, None, "Allow", REGION, ACCOUNT,
         arn + keys["signing"])], key=lambda r: r[0])


def test_key_evidence_names_the_key_and_rotation_is_asked_only_where_it_applies(collected):
    keys, result, _, evidence = collected
    kms = evidence / REGION / "kms"
    policy = json.loads((kms / "get-key-policy" / f"{keys['rotating']}.json").read_text())
    assert policy["KeyId"].endswith(keys["rotating"]) and json.loads(policy["Policy"])["Statement"]
    assert json.loads((kms / "list-resource-tags" / f"{keys['rotating']}.json").read_text())["Tags"] == [
        {"TagKey": "team", "TagValue": "data"}]
    asked = sorted(p.stem for p in (kms / "get-key-rotation-status").iterdir())
    assert asked == sorted([keys["rotating"], keys["plain"]])
    assert (kms / "list-aliases.json").exists() and (kms / "list-keys.json").exists()


def test_alternate_contacts_not_set_are_answers_and_leave_the_table_whole(collected):
    _, result, con, evidence = collected
    assert con.execute("select contact_type, name, email_address, contact_title, linked_account_id, region, "
                       "account_id from aws_account_alternate_contact").fetchall() == [
        ("SECURITY", "Security Team", "security@example.com", "SecOps", ACCOUNT, "global", ACCOUNT)]
    missing = json.loads((evidence / "global" / "account" / "get-alternate-contact" / "billing.json").read_text())
    assert missing["AlternateContactType"] == "BILLING" and missing["Error"]["Code"] == "ResourceNotFoundException"
    assert con.execute("select count(*) from iamsql_snapshot_table where table_name = 'aws_account_alternate_contact'"
                       ).fetchone()[0] == 1
