/*
title: At most one active access key per user
description: >-
  No IAM user has both of its access keys active. The keys are the user's as of the data (iam_user_access_key):
  the credential report's active slots, or the active keys of the user's list-access-keys where it is loaded, so a
  key deactivated or deleted after the report does not count and one created since does.
severity: medium
resource_type: AWS::IAM::User
rationale: Two active keys are only needed during a rotation; a second key left active doubles the secrets to protect and usually means the old one was never retired.
remediation: Find which key the workload uses (last-used date), deactivate the other, then delete it.
tables: [aws_iam_credential_report, iam_user_access_key]
requires: [aws_iam_credential_report]
*/
with active as (
  select user_arn, account_id, min(user_name) as user_name, count(*) as keys,
    string_agg(case when key_number is null then access_key_id else 'access key ' || key_number end, ' and '
      order by label) as labels
  from iam_user_access_key
  group by user_arn, account_id
), users as (
  select user_arn, user_name, account_id from aws_iam_credential_report where user_name <> '<root_account>'
  union
  select user_arn, user_name, account_id from active
)
select
  u.user_arn as resource,
  case when a.keys > 1 then 'alarm' else 'ok' end as status,
  u.user_name || case
    when a.keys > 1 then ' has ' || a.keys || ' active access keys (' || a.labels || '); retire the one not in use.'
    when a.keys = 1 then ' has one active access key.'
    else ' has no active access key.'
  end as reason,
  u.account_id,
  'global' as region
from users as u
  left join active as a on a.user_arn = u.user_arn and a.account_id = u.account_id
