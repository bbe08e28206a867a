/*
title: No role trusts everyone
description: >-
  No role's trust policy has an Allow statement for the principal "*" (or an Allow with NotPrincipal) unless a condition limits it to known principals (aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:SourceOrgID, aws:SourceOrgPaths). An ExternalId alone does not count: it is a shared secret, not an identity check.
severity: critical
resource_type: AWS::IAM::Role
rationale: A role that any AWS principal in any account may assume is a public door into the account; attackers scan for such roles.
remediation: Name the trusted accounts or roles in Principal, or add an aws:PrincipalOrgID condition.
tables: [aws_iam_role]
*/
with statements as (
  select
    r.arn,
    coalesce((s -> 'Principal' -> 'AWS') @> '["*"]', false) or s -> 'NotPrincipal' is not null as anyone,
    coalesce((s -> 'Condition')::text ~ '"aws:(principalorgid|principalorgpaths|principalaccount|principalarn|sourceaccount|sourcearn|sourceowner|sourceorgid|sourceorgpaths)"', false) as restricted
  from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
  where s ->> 'Effect' = 'Allow'
), roles as (
  select arn, bool_or(anyone and not restricted) as open, bool_or(anyone and restricted) as open_restricted
  from statements
  group by arn
)
select
  r.arn as resource,
  case when coalesce(x.open, false) then 'alarm' else 'ok' end as status,
  'Role ' || r.name || case
    when coalesce(x.open, false) then ' can be assumed by any AWS principal (Principal "*"); name the trusted principals or add an aws:PrincipalOrgID condition.'
    when coalesce(x.open_restricted, false) then ' trusts "*" but a condition limits it to known principals.'
    else ' trusts only named principals.'
  end as reason,
  r.account_id,
  r.region
from aws_iam_role as r
  left join roles as x on x.arn = r.arn
