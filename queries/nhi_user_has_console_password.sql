/*
title: Non-human IAM users have no console password
description: >-
  No IAM user classified as a non-human identity (iam_principal) has a console password, as the credential report
  says, or the user's get-login-profile where it is loaded (iam_user_sign_in): a password removed since the report
  (NoSuchEntity) is gone, one read now is there, also for a user created after the report.
severity: high
resource_type: AWS::IAM::User
rationale: >-
  A workload never signs in to the console; a password on a service user exists only so that people can use
  it, which removes accountability and usually MFA too.
remediation: Delete the user's login profile (aws iam delete-login-profile --user-name <user>); give people their own identities.
tables: [iam_principal, iam_user_sign_in]
requires: [aws_iam_credential_report]
*/
select
  s.user_arn as resource,
  case when s.password_enabled then 'alarm' else 'ok' end as status,
  case
    when s.password_enabled then
      'The non-human user ' || s.user_name || ' (' || p.nhi_reason || ') has a console password'
        || case when s.password_last_used is not null
             then ', last used on ' || to_char(s.password_last_used, 'YYYY-MM-DD')
             -- a user the report does not list: GetUser/ListUsers leave PasswordLastUsed out when never used, GAAD always
             when s.report_password_enabled is not null then ', never used' else '' end
        || '; delete its login profile.'
    when s.report_password_enabled then 'The non-human user ' || s.user_name
      || ' has no console password (get-login-profile; the older credential report still shows one).'
    else 'The non-human user ' || s.user_name || ' has no console password.'
  end as reason,
  s.account_id,
  'global' as region
from iam_user_sign_in as s
  join iam_principal as p on p.principal_arn = s.user_arn and p.account_id = s.account_id
where p.is_nhi
