/*
title: Non-human identities do not sign in with long-term access keys
description: >-
  No IAM user classified as a non-human identity (iam_principal) has an active access key that was used within
  lookback_days days before the data was taken (credential report): a workload running on long-term keys where
  a role (instance profile, task role, IAM Roles Anywhere) or OIDC federation would give it short-lived
  credentials. The reason names the key ids (when list-access-keys is loaded) and the service each key last
  called. Non-human users without a recently used active key pass; a credential report generated before the
  period began cannot show use within it and is skipped.
severity: medium
resource_type: AWS::IAM::User
rationale: >-
  A long-term key does not expire: once copied out of a pipeline, image or configuration file it works until
  someone notices. Temporary credentials from a role expire within hours.
remediation: >-
  Give the workload a role: an instance profile or task role on AWS, OIDC federation for CI systems, IAM Roles
  Anywhere elsewhere; then deactivate and delete the user's keys.
tables: [iam_principal, aws_iam_credential_report, aws_iam_access_key]
requires: [aws_iam_credential_report]
parameters:
  lookback_days: 90
*/
with report_key as (
  select user_arn, user_name, account_id, 1 as slot, access_key_1_last_rotated as created,
    access_key_1_last_used_date as used, access_key_1_last_used_service as service
  from aws_iam_credential_report where access_key_1_active and user_name <> '<root_account>'
  union all
  select user_arn, user_name, account_id, 2, access_key_2_last_rotated,
    access_key_2_last_used_date, access_key_2_last_used_service
  from aws_iam_credential_report where access_key_2_active and user_name <> '<root_account>'
), recent as (
  select k.user_arn, k.account_id,
    string_agg(coalesce(a.access_key_id, 'access key ' || k.slot) || ' (last used '
      || to_char(k.used, 'YYYY-MM-DD') || coalesce(' on ' || k.service, '') || ')', ', ' order by k.slot) as keys
  from report_key as k
    left join aws_iam_access_key as a
      on a.user_name = k.user_name and a.account_id = k.account_id
        and date_trunc('second', a.create_date) = date_trunc('second', k.created)
  where k.used > now() - :lookback_days * interval '1 day' and k.used <= now()
  group by k.user_arn, k.account_id
)
select
  p.principal_arn as resource,
  case
    when r.keys is not null then 'alarm'
    -- a report generated before the period began cannot show use within it
    when c.generated_time < now() - :lookback_days * interval '1 day' then 'skip'
    else 'ok'
  end as status,
  'The non-human user ' || p.name || case
    when r.keys is not null then ' (' || p.nhi_reason || ') works with long-term access key(s) ' || r.keys
      || '; give the workload a role or OIDC federation instead.'
    when c.generated_time < now() - :lookback_days * interval '1 day' then
      ': the credential report was generated on ' || to_char(c.generated_time, 'YYYY-MM-DD') || ', more than '
        || :lookback_days || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so it cannot show key use in that period; load a current report.'
    else ' used no active access key in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end || ' before the data was taken.'
  end as reason,
  p.account_id,
  'global' as region
from iam_principal as p
  join aws_iam_credential_report as c on c.user_arn = p.principal_arn and c.account_id = p.account_id
  left join recent as r on r.user_arn = p.principal_arn and r.account_id = p.account_id
where p.is_nhi and p.principal_type = 'user'
