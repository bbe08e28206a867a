"""Queries written as Steampipe's AWS compliance and insights mods write them over the workload tables
(aws_ec2_instance, aws_lambda_function, aws_codebuild_project, aws_sagemaker_notebook_instance, aws_glue_dev_endpoint,
aws_cognito_identity_pool), on the bundled CLI outputs of one account (tests/data/workloads, code_resources,
identity_pools: account 444455556666, eu-west-1), loaded by the real loaders. Each query says what AWS means by its
answer; the expected rows follow from those files."""

from __future__ import annotations

from pathlib import Path

import pytest

from iamsql.load import load_paths
from iamsql.sql import query
from iamsql.store import db

DATA = Path(__file__).parent / "data"
ACCOUNT = "444455556666"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    connection = db.connect(tmp_path_factory.mktemp("db") / "workloads.duckdb")
    load_paths(connection, [DATA / "workloads", DATA / "code_resources"])
    load_paths(connection, [DATA / "identity_pools"], account_id=ACCOUNT, as_of="2025-03-01T00:00:00Z")
    yield connection
    connection.close()


def rows(con, sql: str) -> list[tuple]:
    """The rows of a Steampipe query, run as `iamsql query` runs it."""
    return query.run_query(con, sql)[1]


def test_ec2_instances_requiring_imdsv2(con):
    # "EC2 instances should use IMDSv2": HttpTokens required, or the metadata endpoint disabled
    assert rows(con, """
        select instance_id,
          case when metadata_options ->> 'HttpTokens' = 'required' or metadata_options ->> 'HttpEndpoint' = 'disabled'
            then 'ok' else 'alarm' end,
          title, region, account_id
        from aws_ec2_instance order by instance_id""") == [
        ("i-0a1b2c3d4e5f60001", "alarm", "web-1", "eu-west-1", ACCOUNT),
        ("i-0a1b2c3d4e5f60002", "ok", "i-0a1b2c3d4e5f60002", "eu-west-1", ACCOUNT)]


def test_ec2_instances_with_an_instance_profile_and_no_public_address(con):
    assert rows(con, """
        select instance_id, split_part(iam_instance_profile_arn, '/', 2), public_ip_address is null, instance_state
        from aws_ec2_instance where iam_instance_profile_arn is not null""") == [
        ("i-0a1b2c3d4e5f60001", "web-profile", True, "running")]


def test_lambda_functions_restricting_public_access(con):
    # "Lambda functions should restrict public access": no Allow statement whose principal is everyone; a service
    # principal confined to the account (aws:SourceAccount) is not public
    assert rows(con, """
        select name,
          case when exists (
            select 1 from jsonb_array_elements(policy_std -> 'Statement') s
            where s ->> 'Effect' = 'Allow' and (s -> 'Principal' -> 'AWS') ? '*') then 'alarm' else 'ok' end,
          (select string_agg(p, ',') from jsonb_array_elements(policy_std -> 'Statement') s,
             jsonb_array_elements_text(s -> 'Principal' -> 'Service') p)
        from aws_lambda_function""") == [("thumbnailer", "ok", "s3.amazonaws.com")]


def test_lambda_functions_in_a_vpc_with_a_dead_letter_queue(con):
    assert rows(con, """
        select name, case when vpc_id is null or vpc_id = '' then 'alarm' else 'ok' end,
          jsonb_array_length(vpc_subnet_ids), dead_letter_config_target_arn is not null, timeout::int, memory_size,
          environment_variables ? 'BUCKET', regexp_replace(role, '^.*/', '')
        from aws_lambda_function""") == [("thumbnailer", "ok", 2, True, 30, 256, True, "thumbnailer-role")]


def test_codebuild_projects_privileged_mode_logging_and_encryption(con):
    # "CodeBuild project environments should not have privileged mode enabled", "should have logging enabled",
    # and whether artifacts are encrypted with the AWS managed key (an alias/aws/s3 key)
    assert rows(con, """
        select name,
          case when (environment ->> 'PrivilegedMode')::bool then 'alarm' else 'ok' end,
          case when logs_config -> 'CloudWatchLogs' ->> 'Status' = 'ENABLED'
                 or logs_config -> 'S3Logs' ->> 'Status' = 'ENABLED' then 'ok' else 'alarm' end,
          encryption_key like '%:alias/aws/s3', source ->> 'Type', tags ->> 'team', akas ->> 0 = arn
        from aws_codebuild_project""") == [("release", "ok", "ok", True, "CODECOMMIT", "platform", True)]


def test_sagemaker_notebook_instances_internet_root_and_encryption(con):
    # "SageMaker notebook instances should not have direct internet access", "root access should be disabled",
    # "should be encrypted with a KMS key"
    assert rows(con, """
        select name,
          case when direct_internet_access = 'Enabled' then 'alarm' else 'ok' end,
          case when root_access = 'Disabled' then 'ok' else 'alarm' end,
          case when kms_key_id is null then 'alarm' else 'ok' end,
          subnet_id is not null, jsonb_array_length(security_groups), notebook_instance_status
        from aws_sagemaker_notebook_instance""") == [("research", "ok", "alarm", "alarm", True, 1, "InService")]


def test_glue_dev_endpoints_outside_a_vpc_without_a_security_configuration(con):
    assert rows(con, """
        select endpoint_name,
          case when vpc_id is null and public_address is not null then 'alarm' else 'ok' end,
          case when security_configuration is null then 'alarm' else 'ok' end,
          availability_zone, split_part(role_arn, '/', 2), arn
        from aws_glue_dev_endpoint""") == [
        ("etl", "alarm", "alarm", "eu-west-1b", "AWSGlueServiceRole-etl",
         f"arn:aws:glue:eu-west-1:{ACCOUNT}:devEndpoint/etl")]


def test_cognito_identity_pools_admitting_guests(con):
    # "Cognito identity pools should not allow unauthenticated identities"; the classic (basic) flow off
    assert rows(con, """
        select identity_pool_name,
          case when allow_unauthenticated_identities then 'alarm' else 'ok' end,
          allow_classic_flow, supported_login_providers ? 'accounts.google.com', tags ->> 'team',
          akas ->> 0 = 'arn:aws:cognito-identity:' || region || ':' || account_id || ':identitypool/' || identity_pool_id
        from aws_cognito_identity_pool order by identity_pool_name""") == [
        ("members_only", "ok", False, None, None, True),
        ("web_guests", "alarm", False, True, "web", True)]
