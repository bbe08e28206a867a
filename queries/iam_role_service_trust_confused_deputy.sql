/*
title: Service role trusts guard against the confused deputy
description: >-
  A role whose trust policy lets an AWS service principal (Principal.Service) assume it does so only under a
  condition on aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths, with a positive operator
  (not a Not or IfExists operator) and specific values, in every way the policy engine finds the service
  admitted (iam_role_trust_access, trusted_kind 'service'). This applies to every service: no exemption list is
  kept. Service-linked roles (path /aws-service-role/) are info: AWS writes their trust policies and they cannot
  be edited. Roles that trust no service pass; a role loaded without its trust policy is a skip.
severity: medium
resource_type: AWS::IAM::Role
rationale: >-
  A service assumes the role on behalf of whoever configured it; without a source condition, another customer
  of the service can point it at your role (the cross-service confused-deputy problem).
remediation: >-
  Add a StringEquals aws:SourceAccount (or ArnLike aws:SourceArn, aws:SourceOrgID) condition naming your
  account, resource or organization to each trust statement for a service principal.
tables: [aws_iam_role, iam_role_trust_access]
*/
with service_trust as (
  select role_arn, account_id, trusted, decision, conditions
  from iam_role_trust_access
  where trusted_kind = 'service'
), block_guard as (
  -- per alternative set of conditions under which the service is admitted: does it name the source?
  select t.role_arn, t.account_id, t.trusted, block::text as block_text,
    bool_or(lower(k.name) in ('aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths')
      and lower(split_part(op.operator, ':', -1)) !~ '(not|ifexists$|^null$)'
      and not ((op.keyed -> k.name) @> '"*"')  -- a bare wildcard names no source
      and (op.keyed ->> k.name) !~ '^[*?]*$') as names_source
  from service_trust as t
    cross join lateral jsonb_array_elements(t.conditions) as block
    cross join lateral jsonb_each(block) as op(operator, keyed)
    cross join lateral jsonb_object_keys(op.keyed) as k(name)
  group by t.role_arn, t.account_id, t.trusted, block::text
), guard as (
  select role_arn, account_id, trusted, bool_and(names_source) as guarded
  from block_guard
  group by role_arn, account_id, trusted
), per_role as (
  select s.role_arn, s.account_id,
    string_agg(distinct s.trusted, ', ') filter (
      where s.decision = 'Allowed' or (s.decision = 'AllowedIf' and not coalesce(g.guarded, false))) as open_services,
    string_agg(distinct s.trusted, ', ') filter (where s.decision in ('Allowed', 'AllowedIf')) as services,
    bool_or(s.decision = 'Unknown') as unknown
  from service_trust as s
    left join guard as g on g.role_arn = s.role_arn and g.account_id = s.account_id and g.trusted = s.trusted
  group by s.role_arn, s.account_id
)
select
  r.arn as resource,
  case
    when r.assume_role_policy_std is null then 'skip'
    when p.open_services is not null and r.path like '/aws-service-role/%' then 'info'
    when p.open_services is not null then 'alarm'
    when p.unknown then 'skip'
    else 'ok'
  end as status,
  'Role ' || r.name || case
    when r.assume_role_policy_std is null then ' was loaded without its trust policy; load get-account-authorization-details or list-roles to evaluate it.'
    when p.open_services is not null and r.path like '/aws-service-role/%' then
      ' is service-linked; AWS manages its trust of ' || p.open_services || ', which has no source condition.'
    when p.open_services is not null then
      ' lets ' || p.open_services || ' assume it without an aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or '
      || 'aws:SourceOrgPaths condition; add one naming your account or resource.'
    when p.unknown then ' has a trust policy the engine cannot read.'
    when p.services is not null then ' admits ' || p.services || ' only under a source condition.'
    else ' trusts no AWS service principal.'
  end as reason,
  r.account_id,
  'global' as region
from aws_iam_role as r
  left join per_role as p on p.role_arn = r.arn and p.account_id = r.account_id
