/*
title: EC2 instances that carry a role require IMDSv2
description: >-
  Every EC2 instance (not terminated) that has an instance profile requires session tokens for the instance
  metadata service (metadata_options HttpTokens = required, IMDSv2 only), or has the metadata endpoint turned
  off (HttpEndpoint = disabled). An instance without an instance profile passes: its metadata service holds no
  role credentials. An instance whose metadata options are not in the loaded data is skipped.
severity: high
resource_type: AWS::EC2::Instance
rationale: >-
  With IMDSv1 allowed, a single GET request that an attacker makes the instance send (server-side request
  forgery, an open proxy) returns the role's temporary credentials, which then work from anywhere; IMDSv2's
  session token, obtained with a PUT and a hop limit, blocks that path to the workload's identity.
remediation: >-
  Run aws ec2 modify-instance-metadata-options --instance-id ID --http-tokens required (after checking that the
  software on the instance uses an SDK version that supports IMDSv2), and set HttpTokens required in launch
  templates and as the account's EC2 default.
tables: [aws_ec2_instance]
*/
select
  arn as resource,
  case
    when iam_instance_profile_arn is null then 'ok'
    when metadata_options is null then 'skip'
    when metadata_options ->> 'HttpEndpoint' = 'disabled' then 'ok'
    when metadata_options ->> 'HttpTokens' = 'required' then 'ok'
    else 'alarm'
  end as status,
  case
    when iam_instance_profile_arn is null then 'Instance ' || title || ' has no instance profile: its metadata service holds no role credentials.'
    when metadata_options is null then 'Instance ' || title || ' has no metadata options in the loaded data.'
    when metadata_options ->> 'HttpEndpoint' = 'disabled' then 'Instance ' || title || ' has its metadata endpoint turned off.'
    when metadata_options ->> 'HttpTokens' = 'required' then
      'Instance ' || title || ' requires IMDSv2 session tokens for the credentials of ' || iam_instance_profile_arn || '.'
    else
      'Instance ' || title || ' allows IMDSv1 (HttpTokens ' || coalesce(nullif(metadata_options ->> 'HttpTokens', ''), 'not set')
        || '): one forged GET request returns the credentials of instance profile ' || iam_instance_profile_arn
        || '; set HttpTokens to required.'
  end as reason,
  account_id,
  region,
  instance_id,
  iam_instance_profile_arn,
  metadata_options ->> 'HttpTokens' as http_tokens
from aws_ec2_instance
where coalesce(instance_state, '') <> 'terminated'
