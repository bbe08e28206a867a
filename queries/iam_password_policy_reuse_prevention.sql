/*
title: Password policy prevents password reuse
description: The account's password policy remembers at least min_remembered previous passwords so users cannot reuse them.
severity: medium
resource_type: AWS::::Account
rationale: When users may go back to an earlier password, a password that leaked once stays valid after a forced change.
remediation: Set PasswordReusePrevention to at least min_remembered (the maximum, 24, is common).
tables: [iamsql_account, aws_iam_account_password_policy]
parameters:
  min_remembered: 24
*/
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case when coalesce(p.password_reuse_prevention, 0) >= :min_remembered then 'ok' else 'alarm' end as status,
  case
    when p.account_id is null then 'Account ' || a.account_id || ' has no password policy, so passwords may be reused; remember at least ' || :min_remembered || '.'
    when p.password_reuse_prevention is null then 'The password policy does not prevent password reuse; remember at least ' || :min_remembered || '.'
    when p.password_reuse_prevention >= :min_remembered
      then 'The password policy remembers the last ' || p.password_reuse_prevention || ' passwords.'
    else 'The password policy remembers only ' || p.password_reuse_prevention || ' passwords; remember at least ' || :min_remembered || '.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_account_password_policy as p on p.account_id = a.account_id
