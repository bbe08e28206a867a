"""Loading Amazon Cognito identity pools (tests/data/identity_pools: list-identity-pools, describe-identity-pool,
get-identity-pool-roles) into the Steampipe table aws_cognito_identity_pool, with the pool's roles (not Steampipe's
columns ``roles`` and ``role_mappings``)."""

import json
from pathlib import Path

import pytest

from iamsql import load
from iamsql.store import db

DATA = Path(__file__).parent / "data" / "identity_pools"
ACCOUNT = "444455556666"
GUESTS = "eu-west-1:11111111-2222-3333-4444-555555555555"
MEMBERS = "eu-west-1:66666666-7777-8888-9999-000000000000"
AS_OF = "2025-03-01T00:00:00Z"  # the outputs carry no time of their own


@pytest.fixture
def con(tmp_path):
    connection = db.connect(tmp_path / "pools.duckdb")
    yield connection
    connection.close()


def test_outputs_are_recognised_and_merged_into_one_row_per_pool(con):
    summary = load.load_paths(con, [DATA], account_id=ACCOUNT, as_of=AS_OF)
    assert sorted({f.format for f in summary.files}) == [
        "cognito-identity:describe-identity-pool", "cognito-identity:get-identity-pool-roles",
        "cognito-identity:list-identity-pools"]
    assert summary.warnings == []
    rows = con.execute("select identity_pool_id, identity_pool_name, allow_unauthenticated_identities, region, "
                       "account_id, akas->>0, roles->>'unauthenticated', tags->>'team', "
                       "cognito_identity_providers->0->>'ProviderName' from aws_cognito_identity_pool "
                       "order by identity_pool_name").fetchall()
    assert rows == [
        (MEMBERS, "members_only", False, "eu-west-1", ACCOUNT,
         f"arn:aws:cognito-identity:eu-west-1:{ACCOUNT}:identitypool/{MEMBERS}", None, None,
         "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE1"),
        (GUESTS, "web_guests", True, "eu-west-1", ACCOUNT,
         f"arn:aws:cognito-identity:eu-west-1:{ACCOUNT}:identitypool/{GUESTS}",
         f"arn:aws:iam::{ACCOUNT}:role/web-guests-unauthenticated", "web", None)]


def test_the_roles_output_gives_the_account_of_its_roles(con):
    load.load_paths(con, [DATA / "get-identity-pool-roles-web-guests.json"], as_of=AS_OF)
    assert con.execute("select account_id, roles->>'authenticated', allow_unauthenticated_identities "
                       "from aws_cognito_identity_pool").fetchall() == [
        (ACCOUNT, f"arn:aws:iam::{ACCOUNT}:role/web-guests-authenticated", None)]


def test_a_pool_without_roles_has_an_empty_roles_object(con, tmp_path):
    (tmp_path / "roles.json").write_text(json.dumps({"IdentityPoolId": MEMBERS, "Roles": {}}))
    load.load_paths(con, [DATA / "list-identity-pools.json", tmp_path / "roles.json"], account_id=ACCOUNT, as_of=AS_OF)
    assert con.execute("select identity_pool_name, roles::varchar from aws_cognito_identity_pool "
                       "order by 1").fetchall() == [("members_only", "{}"), ("web_guests", None)]


def test_a_pool_id_without_a_region_is_named_with_its_file(con, tmp_path):
    """The warning said only "an identity pool id without its region ... is not loaded": not which file or pool."""
    listing = tmp_path / "list-identity-pools.json"
    listing.write_text(json.dumps({"IdentityPools": [{"IdentityPoolId": "11111111-2222", "IdentityPoolName": "bare"},
                                                     {"IdentityPoolId": GUESTS, "IdentityPoolName": "web_guests"}]}))
    summary = load.load_paths(con, [listing], account_id=ACCOUNT, as_of=AS_OF)
    assert summary.warnings == [
        f"{listing}: identity pool id '11111111-2222' has no region (<region>:<guid>); not loaded"]
    assert con.execute("select identity_pool_name from aws_cognito_identity_pool").fetchall() == [("web_guests",)]


def test_a_pools_partition_is_its_regions(con, tmp_path):
    """A pool id names only its region: the pool's partition and ARN are that region's partition (aws-iso-e,
    aws-eusc ...), as AWS's partitions define their regions, not aws for every region outside China and GovCloud."""
    pools = {"eu-isoe-west-1": "aws-iso-e", "eusc-de-east-1": "aws-eusc", "us-isof-east-1": "aws-iso-f",
             "cn-north-1": "aws-cn", "us-gov-east-1": "aws-us-gov", "eu-west-1": "aws"}
    listing = tmp_path / "list-identity-pools.json"
    listing.write_text(json.dumps({"IdentityPools": [
        {"IdentityPoolId": f"{region}:11111111-2222-3333-4444-555555555555", "IdentityPoolName": region}
        for region in pools]}))
    load.load_paths(con, [listing], account_id=ACCOUNT, as_of=AS_OF)
    got = con.execute("select region, partition, split_part(akas->>0, ':', 2) from aws_cognito_identity_pool").fetchall()
    assert {region: (partition, arn_partition) for region, partition, arn_partition in got} == {
        region: (partition, partition) for region, partition in pools.items()}
