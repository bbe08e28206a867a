/*
title: Cross-account role trust is conditioned
description: A role whose trust policy lets principals of another AWS account assume it has a condition on that statement, such as sts:ExternalId (for third parties), aws:PrincipalOrgID or aws:PrincipalArn. Roles that trust no other account pass.
severity: high
resource_type: AWS::IAM::Role
rationale: Trusting a whole other account without conditions lets anyone there who can call sts:AssumeRole in; for third-party services, a missing ExternalId opens the confused-deputy problem, where another customer of the vendor can make it act on your account.
remediation: Add an sts:ExternalId condition for third-party vendors, or aws:PrincipalArn / aws:PrincipalOrgID conditions for your own accounts; name specific roles in Principal rather than the account root.
tables: [aws_iam_role]
*/
with principals as (
  select
    r.arn, r.account_id, s -> 'Condition' as condition,
    case when p ~ '^[0-9]{12}$' then p else split_part(p, ':', 5) end as trusted_account
  from aws_iam_role as r,
    jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
  where s ->> 'Effect' = 'Allow' and p <> '*'
), foreign_trust as (
  select
    arn,
    string_agg(distinct trusted_account, ', ') as accounts,
    bool_or(condition is null) as unconditioned,
    bool_and(coalesce(condition::text like '%"sts:externalid"%', false)) as all_external_id
  from principals
  where trusted_account ~ '^[0-9]{12}$' and trusted_account <> account_id
  group by arn
)
select
  r.arn as resource,
  case when coalesce(f.unconditioned, false) then 'alarm' else 'ok' end as status,
  'Role ' || r.name || case
    when f.arn is null then ' trusts no other AWS account.'
    when f.unconditioned then ' trusts account(s) ' || f.accounts || ' without ExternalId or any condition; add sts:ExternalId or aws:PrincipalArn/aws:PrincipalOrgID conditions.'
    when f.all_external_id then ' trusts account(s) ' || f.accounts || ' with an ExternalId condition.'
    else ' trusts account(s) ' || f.accounts || ' with conditions.'
  end as reason,
  r.account_id,
  r.region
from aws_iam_role as r
  left join foreign_trust as f on f.arn = r.arn
