/*
title: Privileged users use a hardware MFA device
description: >-
  Every IAM user that the policy engine finds is an administrator (iam_principal_access, question full_admin or
  iam_admin, decision Allowed or AllowedIf) has at least one MFA device (list-mfa-devices) that is not a virtual
  one (its serial number is not in list-virtual-mfa-devices): a FIDO security key, passkey or hardware TOTP
  token. Users whose MFA devices were not listed are skipped, unless the credential report says they have no MFA
  at all (then they have no hardware device either); users whose policies are not all loaded are skipped, naming
  the document (also when the loaded ones make the user an administrator: a Deny in one not loaded would win);
  other users pass. Each user is judged on its own: an account whose users are loaded in part is not skipped as a
  whole (its virtual MFA devices must be listed whole, to tell a virtual device from a hardware one). A user that
  only list-mfa-devices or list-user-tags names has no ARN (those outputs give no path, which the ARN holds) and is
  skipped, naming it.
severity: medium
resource_type: AWS::IAM::User
rationale: >-
  A virtual MFA seed lives on a phone or laptop that can be cloned, backed up or phished; a hardware key or
  passkey for the identities that can change everything resists phishing and theft.
remediation: Register a FIDO security key or hardware TOTP token for the user and deactivate the virtual MFA device.
tables: [aws_iam_user, aws_iam_virtual_mfa_device, iam_principal_access, iam_user_without_arn]
requires: [aws_iam_virtual_mfa_device]
*/
with power as (
  -- privileged: allowed by documents that are all known; an allow beside a document not loaded (a managed policy, a
  -- group's policies, a boundary: its Deny would win) is as unknown as an answer that depends on one
  select principal_arn, account_id,
    bool_or(decision in ('Allowed', 'AllowedIf') and missing is null) as privileged,
    bool_or(decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null)) as unknown,
    string_agg(distinct question, ' and ') filter (where decision in ('Allowed', 'AllowedIf') and missing is null)
      as questions,
    min(missing) filter (where decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null))
      as missing,
    string_agg(distinct question, ' and ') filter (where decision in ('Allowed', 'AllowedIf') and missing is not null)
      as questions_unless
  from iam_principal_access
  where question in ('full_admin', 'iam_admin') and principal_type = 'user'
  group by principal_arn, account_id
), device as (
  select u.arn, u.account_id,
    count(*) as devices,
    count(*) filter (where v.serial_number is null) as hardware
  from aws_iam_user as u
    cross join lateral jsonb_array_elements(u.mfa_devices) as d
    left join aws_iam_virtual_mfa_device as v on v.serial_number = d ->> 'SerialNumber' and v.account_id = u.account_id
  group by u.arn, u.account_id
)
select
  u.arn as resource,
  case
    when p.privileged and u.mfa_devices is null and u.mfa_enabled is distinct from false then 'skip'
    when p.privileged and coalesce(d.hardware, 0) = 0 then 'alarm'
    when p.privileged then 'ok'
    when p.principal_arn is null or p.unknown then 'skip'
    else 'ok'
  end as status,
  u.name || case
    when p.privileged and u.mfa_devices is null and u.mfa_enabled is distinct from false then
      ' is privileged (' || p.questions || ') but its MFA devices were not listed; load list-mfa-devices to evaluate it.'
    when p.privileged and coalesce(d.devices, 0) = 0 then ' is privileged (' || p.questions || ') and has no MFA device; register a hardware key.'
    when p.privileged and coalesce(d.hardware, 0) = 0 then
      ' is privileged (' || p.questions || ') and its only MFA device(s) are virtual; register a hardware key or passkey.'
    when p.privileged then ' is privileged (' || p.questions || ') and has a hardware MFA device.'
    when p.principal_arn is null then ' is not in the loaded IAM data with its policies; load get-account-authorization-details to evaluate it.'
    when p.unknown then ' cannot be judged: ' || coalesce('its loaded policies make it privileged ('
      || p.questions_unless || '), but a Deny in ' || p.missing || ' could take that away', 'the answer depends on '
      || p.missing, 'some of its policies are not loaded') || '.'
    else ' is not an administrator.'
  end as reason,
  u.account_id,
  'global' as region
from aws_iam_user as u
  left join power as p on p.principal_arn = u.arn and p.account_id = u.account_id
  left join device as d on d.arn = u.arn and d.account_id = u.account_id
where u.arn is not null
union all
-- a user that only list-mfa-devices or list-user-tags names has no ARN: a skip naming it (iam_user_without_arn)
select w.resource, 'skip', w.name || w.reason, w.account_id, 'global'
from iam_user_without_arn as w
