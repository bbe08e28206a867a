/*
title: Root user has no access keys
description: >-
  Neither of the root user's two access key slots holds an active key (credential report). When
  GetAccountSummary, read live, says the root user has no access key at all (AccountAccessKeysPresent 0), that
  wins over the report, which IAM regenerates at most every four hours and may still show a key deleted since.
severity: critical
resource_type: AWS::IAM::RootUser
rationale: A root access key is a long-lived secret with unrestricted power that no policy can limit; if it leaks, the account is lost.
remediation: Sign in as root, delete the root access keys (after moving any automation to an IAM role), and never create new ones.
tables: [iamsql_account, aws_iam_credential_report, aws_iam_account_summary]
requires: [aws_iam_credential_report]
*/
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case
    when r.user_arn is null then 'skip'
    when s.account_access_keys_present = 0 then 'ok'
    when r.access_key_1_active or r.access_key_2_active then 'alarm'
    else 'ok'
  end as status,
  case
    when r.user_arn is null then 'The credential report has no root user row, so root keys cannot be judged; load a complete report.'
    when s.account_access_keys_present = 0 and (r.access_key_1_active or r.access_key_2_active) then
      'The root user has no access keys (account summary; the older credential report still shows an active key).'
    when s.account_access_keys_present = 0 then 'The root user has no access keys.'
    when r.access_key_1_active and r.access_key_2_active then 'The root user has two active access keys; delete both.'
    when r.access_key_1_active or r.access_key_2_active then 'The root user has an active access key; delete it.'
    when s.account_access_keys_present > 0 then
      'The root user has no active access keys in the credential report; the account summary counts a root key, '
        || 'inactive or created after the report, which should be deleted.'
    else 'The root user has no active access keys.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_credential_report as r on r.account_id = a.account_id and r.user_name = '<root_account>'
  left join aws_iam_account_summary as s on s.account_id = a.account_id
