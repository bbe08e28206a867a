/*
title: Console users have MFA
description: Every IAM user with a console password has an MFA device.
severity: high
resource_type: AWS::IAM::User
rationale: A phished or reused password alone takes over a console user without MFA.
remediation: Enable MFA for the user (require it with an MFA condition), or remove the console password if the user does not sign in to the console.
tables: [aws_iam_credential_report]
*/
select
  user_arn as resource,
  case when mfa_active then 'ok' else 'alarm' end as status,
  user_name || case
    when mfa_active then ' has a console password and MFA.'
    else ' signs in to the console with a password and has no MFA; enable MFA or remove the password.'
  end as reason,
  account_id,
  region
from aws_iam_credential_report
where user_name <> '<root_account>' and password_enabled
