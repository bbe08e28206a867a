/*
title: Root user has no access keys
description: >-
  The root user has no access key, active or inactive. GetAccountSummary, read live, counts the root user's keys
  (AccountAccessKeysPresent) and decides first: 0 passes even if the credential report, which IAM regenerates at
  most every four hours, still shows a key deleted since, and a count above 0 fails even if the report shows no
  active key (the key is inactive or was created after it). A loaded credential report without the root user's
  row (every report AWS writes has one) is not whole: the control skips. Without a summary, a key in either of the
  report's two slots fails, active or inactive (an inactive key keeps its last_rotated date; a slot with neither
  is empty). The reason names each slot the report shows and its state. With neither the control skips: the root
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
),
root_key as (
  -- the root user's row of the report and its key slots: active, or inactive with the key's creation or rotation
  -- date (an empty slot is inactive with no date)
  select account_id, user_arn,
    access_key_1_active or access_key_1_last_rotated is not null
      or access_key_2_active or access_key_2_last_rotated is not null as has_key,
    access_key_1_active or access_key_2_active as has_active_key,
    concat_ws(' and ',
      case when access_key_1_active then 'key 1 active' when access_key_1_last_rotated is not null then 'key 1 inactive' end
        || coalesce(' (created or rotated ' || to_char(access_key_1_last_rotated, 'YYYY-MM-DD') || ')', ''),
      case when access_key_2_active then 'key 2 active' when access_key_2_last_rotated is not null then 'key 2 inactive' end
        || coalesce(' (created or rotated ' || to_char(access_key_2_last_rotated, 'YYYY-MM-DD') || ')', '')) as slots
  from aws_iam_credential_report
  where user_name = '<root_account>'
)
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case
    when rp.account_id is not null and r.user_arn is null then 'skip'
    when s.account_access_keys_present = 0 then 'ok'
    when s.account_access_keys_present > 0 then 'alarm'
    when r.user_arn is null then 'skip'
    when r.has_key then 'alarm'
    else 'ok'
  end as status,
  case
    when rp.account_id is not null and r.user_arn is null then
      'The credential report has no root user row, so root keys cannot be judged; load a complete report.'
    when s.account_access_keys_present = 0 and r.has_key then
      'The root user has no access keys (account summary; the older credential report still shows ' || r.slots || ').'
    when s.account_access_keys_present = 0 then 'The root user has no access keys (account summary).'
    when s.account_access_keys_present > 0 and r.has_key then
      'The account summary counts ' || s.account_access_keys_present || ' root access key(s) and the credential '
        || 'report shows ' || r.slots || '; delete them.'
    when s.account_access_keys_present > 0 then
      'The account summary counts ' || s.account_access_keys_present || ' root access key(s) that the credential '
        || 'report does not show (created since it was generated, or inactive without a date); delete them.'
    when r.user_arn is null then
      'No credential report with the root user''s row or account summary (get-account-summary) is loaded, so '
        || 'root keys cannot be judged: IAM users'' key listings never hold the root user''s keys; load one of the two.'
    when r.has_active_key then 'The credential report shows root access ' || r.slots || '; delete '
      || case when r.slots like '% and %' then 'both' else 'it' end || '.'
    when r.has_key then 'The credential report shows root access ' || r.slots
      || ': an inactive key still exists and can be made active again; delete '
      || case when r.slots like '% and %' then 'both' else 'it' end || '.'
    else 'The root user has no access keys in the credential report (both key slots empty; no account summary was '
      || 'loaded to count keys created since).'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join root_key as r on r.account_id = a.account_id
  left join aws_iam_account_summary as s on s.account_id = a.account_id
  left join report as rp on rp.account_id = a.account_id
