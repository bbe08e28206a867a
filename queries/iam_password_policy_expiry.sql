/*
title: Password policy expires passwords
description: The account's password policy makes passwords expire within max_age_days days (AWS leaves MaxPasswordAge out of a policy that does not expire passwords; one that expires them without giving it as a whole number is unknown, and so is one that gives neither ExpirePasswords nor a readable MaxPasswordAge).
severity: low
resource_type: AWS::::Account
rationale: Some baselines and auditors still require periodic password change. Current password guidance advises against forced periodic changes without evidence of compromise, and newer baselines dropped the requirement, so this control is low severity; record an exception if your policy follows that guidance.
remediation: Set MaxPasswordAge to max_age_days or less, or record an exception that cites your password guidance.
tables: [iamsql_account, aws_iam_account_password_policy]
parameters:
  max_age_days: 90
*/
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case
    -- ExpirePasswords left out and MaxPasswordAge given but not a whole number: whether passwords expire is unknown
    when p.account_id is not null and p.expire_passwords is null and p.max_password_age is null then 'skip'
    when not coalesce(p.expire_passwords, p.max_password_age > 0, false) then 'alarm'
    when p.max_password_age is null then 'skip'
    when p.max_password_age <= :max_age_days then 'ok'
    else 'alarm'
  end as status,
  case
    when p.account_id is null then 'Account ' || a.account_id || ' has no password policy, so passwords never expire.'
    when p.expire_passwords is null and p.max_password_age is null
      then 'The loaded password policy gives neither ExpirePasswords nor MaxPasswordAge as a whole number, so whether '
        || 'passwords expire is unknown.'
    when not coalesce(p.expire_passwords, p.max_password_age > 0, false) then 'The password policy does not expire passwords.'
    when p.max_password_age is null
      then 'The loaded password policy expires passwords but does not give MaxPasswordAge as a whole number, so their '
        || 'age limit is unknown.'
    when p.max_password_age <= :max_age_days then 'Passwords expire after ' || p.max_password_age
      || case when p.max_password_age = 1 then ' day' else ' days' end || '.'
    else 'Passwords expire after ' || p.max_password_age
      || case when p.max_password_age = 1 then ' day' else ' days' end || ', more than ' || :max_age_days || '.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_account_password_policy as p on p.account_id = a.account_id
