/*
title: No access keys created at initial setup for console users
description: >-
  No IAM user with a console password has an active access key that was created together with the user (its
  creation time within setup_window_seconds seconds of the user's creation time) and never used. This follows the
  benchmark's audit, which reads password_enabled and the keys' last used dates from the credential report; the
  creation time tells a key made during the console set-up wizard from one a user created later when a workload
  needed it. The keys are the user's as of the data (iam_user_access_key): where list-access-keys is loaded, a key
  deleted or deactivated since the report is not counted; so is the console password (iam_user_sign_in): where
  get-login-profile is loaded, a password removed or created since the report counts as it says, and a user
  created after the report is judged on its get-login-profile, list-access-keys and the listing's creation time;
  without its list-access-keys its keys are unknown and it is skipped.
  "Never used" must hold up to the data's time: a key the credential report shows unused but that may have been
  used since (an older report, or a key no report holds, without get-access-key-last-used) is skipped, and so is an
  active key whose creation time is unknown (the report's last_rotated N/A, which AWS gives only for a key that is
  not active, and no list-access-keys CreateDate): it is not taken as created with the user. A key created before
  AWS began tracking access key use (2015-04-22) with no recorded use may have been used before then (the report
  says N/A for both), so it is skipped too.
severity: medium
resource_type: AWS::IAM::User
rationale: >-
  Keys created by default during user set-up are rarely needed: they sit unused, unrotated and unnoticed,
  ready to leak. Requiring a separate request makes every key a deliberate, owned credential.
remediation: Delete the unused access key (aws iam delete-access-key); create keys later only when the user needs one.
tables: [iam_user_access_key, iam_user_sign_in]
requires: [aws_iam_credential_report]
parameters:
  setup_window_seconds: 10
*/
with setup_key as (
  -- the console users' active keys as of the data not known to be used, with whether they were
  -- created with the user (NULL when the user's creation time is not loaded) and never used up to the data's time
  select s.user_arn, s.account_id, k.label, k.use_known_until, k.created,
    k.created between s.user_creation_time - :setup_window_seconds * interval '1 second'
      and s.user_creation_time + :setup_window_seconds * interval '1 second' as with_user,
    coalesce(k.use_known_until >= now(), false) as never_used,
    -- no recorded use of a key created before AWS began tracking key use (2015-04-22) may be use before then
    k.created < '2015-04-22 00:00:00+00'::timestamptz as before_tracking
  from iam_user_sign_in as s
    join iam_user_access_key as k on k.account_id = s.account_id and k.user_name = s.user_name
  where s.password_enabled and k.last_used is null
), per_user as (
  select user_arn, account_id,
    string_agg('access key ' || label, ' and ' order by label)
      filter (where with_user and never_used and not before_tracking) as keys,
    string_agg('access key ' || label || case
        when created is null then ' (not used as far as the data shows; its creation time is unknown: the credential'
          || ' report gives no last_rotated (N/A) and list-access-keys is not loaded)'
        when with_user is null then ' (not used as far as the data shows; the user''s creation time is not loaded)'
        when before_tracking then ' (created with the user on ' || to_char(created, 'YYYY-MM-DD') || ', before AWS'
          || ' began tracking access key use on 2015-04-22: no recorded use does not show it was never used)'
        else ' (created with the user; ' || coalesce('unused up to the credential report of '
          || to_char(use_known_until, 'YYYY-MM-DD') || ', which cannot show use since',
          'not in the credential report, and its last use not loaded') || ')'
      end, ' and ' order by label) filter (where with_user is null or (with_user and (not never_used or before_tracking))) as unknown_keys
  from setup_key
  group by user_arn, account_id
)
select
  s.user_arn as resource,
  case when k.keys is not null then 'alarm' when k.unknown_keys is not null or not s.keys_known then 'skip'
    else 'ok' end as status,
  s.user_name || case
    when k.keys is not null then ' has a console password and ' || k.keys
      || ' created at the same time as the user and never used; delete it.'
    when k.unknown_keys is not null then ' has a console password and ' || k.unknown_keys
      || '; the data cannot show whether it is a set-up key never used.'
    when not s.keys_known then ' has a console password and was created after the credential report; its access'
      || ' keys are not loaded (list-access-keys).'
    else ' has a console password and no active, never-used access key created with the user.'
  end as reason,
  s.account_id,
  'global' as region
from iam_user_sign_in as s
  left join per_user as k on k.user_arn = s.user_arn and k.account_id = s.account_id
where s.password_enabled
