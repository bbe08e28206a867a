/*
title: Root user has no access keys
description: >-
  The root user has no access key, active or inactive. GetAccountSummary, read live, counts the root user's keys
  (AccountAccessKeysPresent) and decides first: 0 passes even if the credential report, which IAM regenerates at
  most every four hours, still shows a key deleted since, and a count above 0 fails even if the report shows no
  active key (the key is inactive, which the report shows as N/A, or was created after it). A loaded credential
  report without the root user's row (every report AWS writes has one) is not whole: the control skips. Without a
  summary, an active key in either of the report's two slots fails. With neither the control skips: the root
  user's keys are not IAM users' keys, which aws_iam_access_key holds (as Steampipe's), so no key listing shows them.
severity: critical
resource_type: AWS::IAM::RootUser
rationale: A root access key is a long-lived secret with unrestricted power that no policy can limit; if it leaks, the account is lost. An inactive key can be reactivated by whoever gets the root password.
remediation: Sign in as root, delete the root access keys (after moving any automation to an IAM role), and never create new ones.
tables: [iamsql_account, aws_iam_credential_report, aws_iam_account_summary]
requires: []
*/
with report as (
  select distinct account_id from aws_iam_credential_report
)
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case
    when rp.account_id is not null and r.user_arn is null then 'skip'
    when s.account_access_keys_present = 0 then 'ok'
    when s.account_access_keys_present > 0 then 'alarm'
    when r.user_arn is null then 'skip'
    when r.access_key_1_active or r.access_key_2_active then 'alarm'
    else 'ok'
  end as status,
  case
    when rp.account_id is not null and r.user_arn is null then
      'The credential report has no root user row, so root keys cannot be judged; load a complete report.'
    when s.account_access_keys_present = 0 and (r.access_key_1_active or r.access_key_2_active) then
      'The root user has no access keys (account summary; the older credential report still shows an active key).'
    when s.account_access_keys_present = 0 then 'The root user has no access keys (account summary).'
    when s.account_access_keys_present > 0 and (r.access_key_1_active or r.access_key_2_active) then
      'The account summary counts ' || s.account_access_keys_present || ' root access key(s) and the credential '
        || 'report shows an active one; delete them.'
    when s.account_access_keys_present > 0 then
      'The account summary counts ' || s.account_access_keys_present || ' root access key(s) that no loaded '
        || 'credential report shows active: inactive, or created after the report; delete them.'
    when r.user_arn is null then
      'No credential report with the root user''s row or account summary (get-account-summary) is loaded, so '
        || 'root keys cannot be judged: IAM users'' key listings never hold the root user''s keys; load one of the two.'
    when r.access_key_1_active and r.access_key_2_active then 'The root user has two active access keys; delete both.'
    when r.access_key_1_active or r.access_key_2_active then 'The root user has an active access key; delete it.'
    else 'The root user has no active access keys in the credential report (no account summary was loaded to count '
      || 'inactive ones).'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_credential_report as r on r.account_id = a.account_id and r.user_name = '<root_account>'
  left join aws_iam_account_summary as s on s.account_id = a.account_id
  left join report as rp on rp.account_id = a.account_id
