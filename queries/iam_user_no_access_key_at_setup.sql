/*
title: No access keys created at initial setup for console users
description: >-
  No IAM user with a console password has an active access key that was created together with the user (its
  credential-report rotation time within setup_window_seconds seconds of the user's creation time) and never
  used (last used date N/A). This follows the benchmark's audit, which reads password_enabled and the keys'
  last used dates from the credential report; the creation time tells a key made during the console set-up
  wizard from one a user created later when a workload needed it. The keys are the user's as of the data
  (iam_user_access_key): where list-access-keys is loaded, a key deleted or deactivated since the report is not
  counted; so is the console password (iam_user_sign_in): where get-login-profile is loaded, a password removed
  or created since the report counts as it says.
severity: medium
resource_type: AWS::IAM::User
rationale: >-
  Keys created by default during user set-up are rarely needed: they sit unused, unrotated and unnoticed,
  ready to leak. Requiring a separate request makes every key a deliberate, owned credential.
remediation: Delete the unused access key (aws iam delete-access-key); create keys later only when the user needs one.
tables: [aws_iam_credential_report, iam_user_access_key, iam_user_sign_in]
requires: [aws_iam_credential_report]
parameters:
  setup_window_seconds: 10
*/
with setup_key as (
  -- the user's active keys as of the data (iam_user_access_key: list-access-keys where loaded, else the report's
  -- slots), never used, created within the window around the user's creation
  select k.user_arn, k.account_id, k.key_number, k.label
  from iam_user_access_key as k
    join aws_iam_credential_report as r on r.user_arn = k.user_arn and r.account_id = k.account_id
  where k.last_used is null
    and k.created between r.user_creation_time - :setup_window_seconds * interval '1 second'
      and r.user_creation_time + :setup_window_seconds * interval '1 second'
), per_user as (
  select user_arn, account_id, string_agg('access key ' || label, ' and ' order by label) as keys
  from setup_key
  group by user_arn, account_id
)
select
  r.user_arn as resource,
  case when k.keys is not null then 'alarm' else 'ok' end as status,
  r.user_name || case
    when k.keys is not null then ' has a console password and ' || k.keys
      || ' created at the same time as the user and never used; delete it.'
    else ' has a console password and no active, never-used access key created with the user.'
  end as reason,
  r.account_id,
  'global' as region
from iam_user_sign_in as r
  left join per_user as k on k.user_arn = r.user_arn and k.account_id = r.account_id
where r.password_enabled
