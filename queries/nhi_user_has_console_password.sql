/*
title: Non-human IAM users have no console password
description: No IAM user classified as a non-human identity (iam_principal) has a console password.
severity: high
resource_type: AWS::IAM::User
rationale: >-
  A workload never signs in to the console; a password on a service user exists only so that people can use
  it, which removes accountability and usually MFA too.
remediation: Delete the user's login profile (aws iam delete-login-profile --user-name <user>); give people their own identities.
tables: [iam_principal, aws_iam_credential_report]
*/
select
  r.user_arn as resource,
  case when r.password_enabled then 'alarm' else 'ok' end as status,
  case
    when r.password_enabled then
      'The non-human user ' || r.user_name || ' (' || p.nhi_reason || ') has a console password'
        || case when r.password_last_used is not null
             then ', last used on ' || to_char(r.password_last_used, 'YYYY-MM-DD') else ', never used' end
        || '; delete its login profile.'
    else 'The non-human user ' || r.user_name || ' has no console password.'
  end as reason,
  r.account_id,
  'global' as region
from aws_iam_credential_report as r
  join iam_principal as p on p.principal_arn = r.user_arn and p.account_id = r.account_id
where p.is_nhi and r.user_name <> '<root_account>'
