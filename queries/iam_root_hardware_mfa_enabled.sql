/*
title: Root user uses a hardware MFA device
description: >-
  The root user has MFA, and no virtual (authenticator app) MFA device is assigned to it, so its MFA is a hardware
  token or passkey. A root user with no password (GetAccountSummary AccountPasswordPresent 0, e.g. credentials
  removed through AWS Organizations centralized root access) and no active access key cannot sign in and passes,
  as in iam_root_mfa_enabled, whatever MFA device is left assigned to it. Whether root has MFA at all is read as in iam_root_mfa_enabled: GetAccountSummary's
  AccountMFAEnabled when loaded, else the credential report's mfa_active; a member account's root user without MFA
  and without a summary saying whether it has a password alarms, as in iam_root_mfa_enabled.
severity: high
resource_type: AWS::IAM::RootUser
rationale: A virtual MFA seed lives on a phone or laptop that can be cloned or lost; a hardware key or passkey for the most powerful identity resists phishing and theft.
remediation: Register a FIDO security key or hardware TOTP token for the root user and deactivate the virtual MFA device.
tables: [iamsql_account, aws_iam_credential_report, aws_iam_virtual_mfa_device, aws_iam_account_summary, iamsql_organization_member]
requires: [aws_iam_credential_report, aws_iam_virtual_mfa_device]
*/
with member as (
  -- the organization's member accounts (its management account's list-accounts): the management account
  -- (the one in the ARN) is not one
  select distinct m.id as account_id, split_part(m.arn, '/', 2) as organization_id
  from iamsql_organization_member as m
  where split_part(m.arn, ':', 5) <> m.id
), virtual_root as (
  select account_id, count(*) as devices
  from aws_iam_virtual_mfa_device
  -- assigned to the root user; a device left unassigned (deactivated, not deleted) protects nobody
  where ("user" ->> 'Arn') like 'arn:%:iam::%:root'
    or (serial_number like '%:mfa/root-account-mfa-device' and coalesce(assignment_status, '') <> 'Unassigned')
  group by account_id
)
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case
    when r.user_arn is null then 'skip'
    when s.account_password_present = false
      and (s.account_access_keys_present = 0 or not coalesce(r.access_key_1_active or r.access_key_2_active, false)) then 'ok'
    when not coalesce(s.account_mfa_enabled, r.mfa_active) and s.account_password_present is null
      and o.account_id is not null then 'alarm'
    when not coalesce(s.account_mfa_enabled, r.mfa_active) then 'alarm'
    when coalesce(v.devices, 0) > 0 then 'alarm'
    else 'ok'
  end as status,
  case
    when r.user_arn is null then 'The credential report has no root user row, so root MFA cannot be judged; load a complete report.'
    -- no password and no key: nothing signs in with the MFA device, whatever its kind (centralized root access
    -- deletes the password and keys; MFA devices are removed separately and may be left)
    when s.account_password_present = false
      and (s.account_access_keys_present = 0 or not coalesce(r.access_key_1_active or r.access_key_2_active, false))
      then 'The root user has no password and no access keys, so it cannot sign in; '
        || case when not coalesce(s.account_mfa_enabled, r.mfa_active) then 'no MFA device is needed.'
           when coalesce(v.devices, 0) > 0 then 'its virtual MFA device protects no sign-in (delete it when convenient).'
           else 'its MFA device is not needed.' end
    when not coalesce(s.account_mfa_enabled, r.mfa_active) and s.account_password_present is null
      and o.account_id is not null
      then 'The root user has no MFA device; account ' || a.account_id || ' is a member of organization '
        || o.organization_id || ', whose root user keeps its password unless centralized root access removed it (load '
        || 'get-account-summary, AccountPasswordPresent, to show that). Enable MFA or remove the root password.'
    when not coalesce(s.account_mfa_enabled, r.mfa_active) then 'The root user has no MFA device at all'
      || case when r.mfa_active then ' according to the account summary (the older credential report still shows one)'
         else '' end || '; assign a hardware key or passkey.'
    when coalesce(v.devices, 0) > 0 then 'The root user''s MFA is a virtual (app) device; replace it with a hardware key or passkey.'
    else 'The root user has MFA and no virtual MFA device, so it uses a hardware key or passkey.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_credential_report as r on r.account_id = a.account_id and r.user_name = '<root_account>'
  left join virtual_root as v on v.account_id = a.account_id
  left join aws_iam_account_summary as s on s.account_id = a.account_id
  left join member as o on o.account_id = a.account_id
