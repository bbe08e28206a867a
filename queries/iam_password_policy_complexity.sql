/*
title: Password policy requires mixed character types
description: The account's password policy requires uppercase letters, lowercase letters, numbers and symbols.
severity: low
resource_type: AWS::::Account
rationale: Many audit baselines ask for character classes. Current password guidance prefers length and breached-password screening over composition rules, so this control is low severity; the length control matters more.
remediation: Set RequireUppercaseCharacters, RequireLowercaseCharacters, RequireNumbers and RequireSymbols in the password policy, or record an exception that points to your length-based policy.
tables: [iamsql_account, aws_iam_account_password_policy]
*/
with policy as (
  select
    account_id,
    concat_ws(', ',
      case when not coalesce(require_uppercase_characters, false) then 'uppercase letters' end,
      case when not coalesce(require_lowercase_characters, false) then 'lowercase letters' end,
      case when not coalesce(require_numbers, false) then 'numbers' end,
      case when not coalesce(require_symbols, false) then 'symbols' end) as missing
  from aws_iam_account_password_policy
)
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case when p.account_id is not null and p.missing = '' then 'ok' else 'alarm' end as status,
  case
    when p.account_id is null then 'Account ' || a.account_id || ' has no password policy; AWS''s default requires only three of'
      || ' uppercase letters, lowercase letters, numbers and symbols, not all four.'
    when p.missing = '' then 'The password policy requires uppercase, lowercase, numbers and symbols.'
    else 'The password policy does not require ' || p.missing || '.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join policy as p on p.account_id = a.account_id
