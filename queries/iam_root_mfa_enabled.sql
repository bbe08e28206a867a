/*
title: Root user has MFA
description: The account's root user has an MFA device, unless it has no password at all (root credentials managed centrally by AWS Organizations).
severity: critical
resource_type: AWS::IAM::RootUser
rationale: The root user can do anything in the account, including closing it; a phished or reused root password without MFA is a full takeover.
remediation: Sign in as root and assign an MFA device (a hardware key or passkey is best), or remove the root password through AWS Organizations centralized root access.
tables: [iamsql_account, aws_iam_credential_report, aws_iam_account_summary]
requires: [aws_iam_credential_report]
*/
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case
    when r.user_arn is null then 'skip'
    when r.mfa_active then 'ok'
    when s.account_password_present = false and not coalesce(r.access_key_1_active or r.access_key_2_active, false) then 'ok'
    else 'alarm'
  end as status,
  case
    when r.user_arn is null then 'The credential report has no root user row, so root MFA cannot be judged; load a complete report.'
    when r.mfa_active then 'The root user has MFA enabled.'
    when s.account_password_present = false and not coalesce(r.access_key_1_active or r.access_key_2_active, false)
      then 'The root user has no password and no access keys, so it cannot sign in; MFA is not needed.'
    else 'The root user has no MFA device: its password alone controls the whole account. Enable MFA now.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_credential_report as r on r.account_id = a.account_id and r.user_name = '<root_account>'
  left join aws_iam_account_summary as s on s.account_id = a.account_id
