/*
title: Root user has no access keys
description: Neither of the root user's two access key slots holds an active key.
severity: critical
resource_type: AWS::IAM::RootUser
rationale: A root access key is a long-lived secret with unrestricted power that no policy can limit; if it leaks, the account is lost.
remediation: Sign in as root, delete the root access keys (after moving any automation to an IAM role), and never create new ones.
tables: [iamsql_account, aws_iam_credential_report]
*/
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case
    when r.user_arn is null then 'skip'
    when r.access_key_1_active or r.access_key_2_active then 'alarm'
    else 'ok'
  end as status,
  case
    when r.user_arn is null then 'The credential report has no root user row, so root keys cannot be judged; load a complete report.'
    when r.access_key_1_active and r.access_key_2_active then 'The root user has two active access keys; delete both.'
    when r.access_key_1_active or r.access_key_2_active then 'The root user has an active access key; delete it.'
    else 'The root user has no active access keys.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_credential_report as r on r.account_id = a.account_id and r.user_name = '<root_account>'
