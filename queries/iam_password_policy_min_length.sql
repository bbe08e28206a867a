/*
title: Password policy requires long passwords
description: The account's password policy requires at least min_length characters.
severity: medium
resource_type: AWS::::Account
rationale: Length is what makes a password hard to guess or crack; short passwords fall to online guessing and offline cracking.
remediation: Set MinimumPasswordLength to at least min_length in the account password policy.
tables: [iamsql_account, aws_iam_account_password_policy]
parameters:
  min_length: 14
*/
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case when coalesce(p.minimum_password_length, 0) >= :min_length then 'ok' else 'alarm' end as status,
  case
    when p.account_id is null then 'Account ' || a.account_id || ' has no password policy (the default minimum is 8 characters); require at least ' || :min_length || '.'
    when coalesce(p.minimum_password_length, 0) >= :min_length
      then 'The password policy requires at least ' || p.minimum_password_length || ' characters.'
    else 'The password policy requires only ' || coalesce(p.minimum_password_length, 0) || ' characters; require at least ' || :min_length || '.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_account_password_policy as p on p.account_id = a.account_id
