/*
title: Console users have MFA
description: >-
  Every IAM user with a console password has an MFA device. The user's list-mfa-devices, read live, wins over the
  credential report's mfa_active, which IAM regenerates at most every four hours: a device removed or added since
  the report counts as the listing says; the report decides for users whose devices were not listed. So does the
  user's get-login-profile over the report's password_enabled: a password removed since the report (NoSuchEntity)
  leaves no console password to protect.
severity: high
resource_type: AWS::IAM::User
rationale: A phished or reused password alone takes over a console user without MFA.
remediation: Enable MFA for the user (require it with an MFA condition), or remove the console password if the user does not sign in to the console.
tables: [aws_iam_credential_report, aws_iam_user]
requires: [aws_iam_credential_report]
*/
with console_user as (
  select r.user_arn, r.user_name, r.account_id, r.mfa_active as report_mfa,
    -- list-mfa-devices of the user (an empty list included), else the report
    coalesce(jsonb_array_length(u.mfa_devices) > 0, r.mfa_active, false) as mfa,
    -- get-login-profile of the user (NoSuchEntity: no password), else the report
    case when u.login_profile_loaded then u.login_profile is not null else true end as password
  from aws_iam_credential_report as r
    left join aws_iam_user as u on u.account_id = r.account_id and u.name = r.user_name
  where r.user_name <> '<root_account>' and r.password_enabled
)
select
  user_arn as resource,
  case when mfa or not password then 'ok' else 'alarm' end as status,
  user_name || case
    when not password
      then ' has no console password (get-login-profile; the older credential report still shows one).'
    when mfa and report_mfa is distinct from true
      then ' has a console password and MFA (list-mfa-devices; the credential report, generated earlier, does not show it yet).'
    when mfa then ' has a console password and MFA.'
    when report_mfa then ' signs in to the console with a password and has no MFA device (list-mfa-devices; the older '
      || 'credential report still shows one); enable MFA or remove the password.'
    else ' signs in to the console with a password and has no MFA; enable MFA or remove the password.'
  end as reason,
  account_id,
  'global' as region
from console_user
