/*
title: Password policy requires mixed character types
description: The account's password policy requires uppercase letters, lowercase letters, numbers and symbols. A loaded policy that does not give one of these flags as true or false (AWS always returns them) is unknown unless another is off.
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
      case when not require_uppercase_characters then 'uppercase letters' end,
      case when not require_lowercase_characters then 'lowercase letters' end,
      case when not require_numbers then 'numbers' end,
      case when not require_symbols then 'symbols' end) as missing,
    -- AWS always returns the four flags: one the loaded output leaves out is unknown, not false
    concat_ws(', ',
      case when require_uppercase_characters is null then 'RequireUppercaseCharacters' end,
      case when require_lowercase_characters is null then 'RequireLowercaseCharacters' end,
      case when require_numbers is null then 'RequireNumbers' end,
      case when require_symbols is null then 'RequireSymbols' end) as not_given
  from aws_iam_account_password_policy
)
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case
    when p.account_id is null or p.missing <> '' then 'alarm'
    when p.not_given <> '' then 'skip'
    else 'ok'
  end as status,
  case
    when p.account_id is null then 'Account ' || a.account_id || ' has no password policy; AWS''s default requires only three of'
      || ' uppercase letters, lowercase letters, numbers and symbols, not all four.'
    when p.missing <> '' then 'The password policy does not require ' || p.missing || '.'
    when p.not_given <> '' then 'The loaded password policy does not give ' || p.not_given
      || ' as true or false, so whether it requires all four character types is unknown.'
    else 'The password policy requires uppercase, lowercase, numbers and symbols.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join policy as p on p.account_id = a.account_id
