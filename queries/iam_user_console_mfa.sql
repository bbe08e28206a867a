/*
title: Console users have MFA
description: >-
  Every IAM user with a console password has an MFA device. The user's list-mfa-devices, read live, wins over the
  credential report's mfa_active, which IAM regenerates at most every four hours: a device removed or added since
  the report counts as the listing says; the report decides for users whose devices were not listed. So does the
  user's get-login-profile over the report's password_enabled (iam_user_sign_in): a password removed since the
  report (NoSuchEntity) leaves no console password to protect, and one created since it is judged, also that of a
  user created after the report (its get-login-profile and list-mfa-devices alone; its MFA not listed: skip). A user
  without a console password passes, as in Prowler's and Steampipe's checks: it has no console sign-in to protect,
  so an account whose users all work without one meets the requirement instead of showing it unassessed.
severity: high
resource_type: AWS::IAM::User
rationale: A phished or reused password alone takes over a console user without MFA.
remediation: Enable MFA for the user (require it with an MFA condition), or remove the console password if the user does not sign in to the console.
tables: [iam_user_sign_in]
requires: [aws_iam_credential_report]
*/
with console_user as (
  select user_arn, user_name, account_id, mfa_active as mfa, report_mfa_active as report_mfa,
    password_enabled as password, report_password_enabled as report_password
  from iam_user_sign_in
  where password_enabled is not null
)
select
  user_arn as resource,
  case when mfa or not password then 'ok' when mfa is null then 'skip' else 'alarm' end as status,
  user_name || case
    when not password and report_password
      then ' has no console password (get-login-profile; the older credential report still shows one).'
    when not password then ' has no console password, so no console sign-in to protect with MFA.'
    when report_password is null and mfa is null then ' signs in to the console with a password (get-login-profile) '
      || 'and was created after the credential report; its MFA devices are not loaded (list-mfa-devices).'
    when report_password is null and mfa then ' has a console password and MFA (get-login-profile and '
      || 'list-mfa-devices; created after the credential report).'
    when report_password is null then ' signs in to the console with a password (get-login-profile; created after '
      || 'the credential report) and has no MFA device (list-mfa-devices); enable MFA or remove the password.'
    when mfa and report_mfa is distinct from true
      then ' has a console password and MFA (list-mfa-devices; the credential report, generated earlier, does not show it yet).'
    when mfa then ' has a console password and MFA.'
    when not report_password then ' signs in to the console with a password (get-login-profile; the older credential '
      || 'report does not show it yet) and has no MFA; enable MFA or remove the password.'
    when report_mfa then ' signs in to the console with a password and has no MFA device (list-mfa-devices; the older '
      || 'credential report still shows one); enable MFA or remove the password.'
    else ' signs in to the console with a password and has no MFA; enable MFA or remove the password.'
  end as reason,
  account_id,
  'global' as region
from console_user
