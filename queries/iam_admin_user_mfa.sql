/*
title: Administrators have MFA and no access keys
description: >-
  Every IAM user that the policy engine finds has every action on every resource (iam_principal_access,
  question full_admin, decision Allowed or AllowedIf) signs in with MFA if it has a console password, and has no
  active access key (a key signs requests without MFA), as the credential report says (MFA as the user's
  list-mfa-devices says and the password as its get-login-profile says, where they are loaded: iam_user_sign_in;
  the keys as its list-access-keys says: iam_user_access_key). Users that are not
  administrators pass; users whose policies are not all loaded are skipped (also when the loaded ones make the user
  an administrator: a Deny in one not loaded would win), each on its own (an account whose users are loaded in part
  is not skipped as a whole), as is an administrator created after
  the credential report whose list-mfa-devices (with a console password) or list-access-keys is not loaded.
severity: critical
resource_type: AWS::IAM::User
rationale: >-
  An administrator's password or key alone is a takeover of the account; MFA on every sign-in and no long-lived
  key leave a phished password or leaked key useless.
remediation: >-
  Enable MFA for the user (or remove its console password) and delete its access keys; give administrators
  roles they assume with MFA instead of standing power.
tables: [iam_user_sign_in, iam_user_access_key, iam_principal_access]
requires: [aws_iam_credential_report]
*/
with power as (
  -- admin: allowed by documents that are all known; an allow beside a document not loaded (a managed policy, a
  -- group's policies, a boundary: its Deny would win) is as unknown as an answer that depends on one
  select principal_arn, account_id,
    bool_or(decision in ('Allowed', 'AllowedIf') and missing is null) as admin,
    bool_or(decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null)) as unknown,
    min(granted_by) filter (where decision in ('Allowed', 'AllowedIf') and missing is null) as granted_by,
    min(missing) filter (where decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null))
      as missing,
    min(granted_by) filter (where decision in ('Allowed', 'AllowedIf') and missing is not null) as granted_unless
  from iam_principal_access
  where question = 'full_admin' and principal_type = 'user'
  group by principal_arn, account_id
), active_key as (
  -- the user's active keys as of the data: list-access-keys where loaded, else the credential report's slots
  select user_arn, account_id, string_agg('active access key ' || label, ', ' order by label) as keys
  from iam_user_access_key
  group by user_arn, account_id
), facts as (
  -- the console password and MFA as get-login-profile and list-mfa-devices say, where loaded (iam_user_sign_in)
  select c.user_arn, c.user_name, c.account_id, c.region, c.password_enabled, p.principal_arn, p.admin, p.unknown,
    p.granted_by, p.missing, p.granted_unless, c.password_enabled and c.mfa_active is null as mfa_unknown, c.keys_known,
    concat_ws(', ', case when c.password_enabled and not c.mfa_active then 'a console password without MFA' end,
      k.keys) as gaps
  from iam_user_sign_in as c
    left join power as p on p.principal_arn = c.user_arn and p.account_id = c.account_id
    left join active_key as k on k.user_arn = c.user_arn and k.account_id = c.account_id
)
select
  user_arn as resource,
  case
    when admin and gaps <> '' then 'alarm'
    when admin and (mfa_unknown or not keys_known) then 'skip'
    when admin then 'ok'
    when principal_arn is null or unknown then 'skip'
    else 'ok'
  end as status,
  user_name || case
    when admin and gaps <> '' then ' is a full administrator' || coalesce(' (through ' || granted_by || ')', '')
      || ' with ' || gaps || '; enable MFA and delete the keys.'
    when admin and (mfa_unknown or not keys_known) then ' is a full administrator'
      || case when password_enabled and not mfa_unknown then ' with MFA on its console password'
         when password_enabled then ' with a console password' else ' with no console password' end
      || case when keys_known then ' and no active access key' else '' end
      || '; created after the credential report, its ' || concat_ws(' and ',
        case when mfa_unknown then 'MFA devices (list-mfa-devices)' end,
        case when not keys_known then 'access keys (list-access-keys)' end) || ' are not loaded.'
    when admin and password_enabled then ' is a full administrator with MFA on its console password and no active access key.'
    when admin then ' is a full administrator with no console password and no active access key.'
    when principal_arn is null then ' is not in the loaded IAM data with its policies; load get-account-authorization-details to evaluate it.'
    when unknown then ' cannot be judged: ' || coalesce('its loaded policies make it a full administrator through '
      || granted_unless || ', but a Deny in ' || missing || ' could take that away', 'the answer depends on ' || missing)
      || '.'
    else ' is not a full administrator.'
  end as reason,
  account_id,
  'global' as region
from facts
