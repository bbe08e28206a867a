/*
title: Password policy requires long passwords
description: >-
  The account's password policy requires at least min_length characters. An account without a password policy
  uses AWS's default minimum of 8 characters; a loaded policy that does not give MinimumPasswordLength as a whole number
  (AWS always returns one) is unknown.
severity: medium
resource_type: AWS::::Account
rationale: Length is what makes a password hard to guess or crack; short passwords fall to online guessing and offline cracking.
remediation: Set MinimumPasswordLength to at least min_length in the account password policy.
tables: [iamsql_account, aws_iam_account_password_policy]
parameters:
  min_length: 14
*/
with policy as (
  -- no password policy: AWS's default policy applies, with a minimum length of 8 characters
  select a.account_id, a.partition, p.account_id is not null as present,
    case when p.account_id is null then 8 else p.minimum_password_length end as min_length
  from iamsql_account as a
    left join aws_iam_account_password_policy as p on p.account_id = a.account_id
)
select
  'arn:' || partition || ':::' || account_id as resource,
  case when min_length is null then 'skip' when min_length >= :min_length then 'ok' else 'alarm' end as status,
  case
    when not present and min_length >= :min_length
      then 'Account ' || account_id || ' has no password policy; AWS''s default applies and requires at least 8 characters (minimum ' || :min_length || ').'
    when not present
      then 'Account ' || account_id || ' has no password policy (the default minimum is 8 characters); require at least ' || :min_length || '.'
    when min_length is null
      then 'The loaded password policy does not give MinimumPasswordLength as a whole number, so its minimum length is unknown.'
    when min_length >= :min_length
      then 'The password policy requires at least ' || min_length || ' characters.'
    else 'The password policy requires only ' || min_length || ' characters; require at least ' || :min_length || '.'
  end as reason,
  account_id,
  'global' as region
from policy
