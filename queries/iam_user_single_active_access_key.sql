/*
title: At most one active access key per user
description: No IAM user has both of its access keys active.
severity: medium
resource_type: AWS::IAM::User
rationale: Two active keys are only needed during a rotation; a second key left active doubles the secrets to protect and usually means the old one was never retired.
remediation: Find which key the workload uses (last-used date), deactivate the other, then delete it.
tables: [aws_iam_credential_report]
*/
select
  user_arn as resource,
  case when access_key_1_active and access_key_2_active then 'alarm' else 'ok' end as status,
  user_name || case
    when access_key_1_active and access_key_2_active then ' has two active access keys; retire the one not in use.'
    when access_key_1_active or access_key_2_active then ' has one active access key.'
    else ' has no active access key.'
  end as reason,
  account_id,
  region
from aws_iam_credential_report
where user_name <> '<root_account>'
