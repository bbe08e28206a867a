/*
title: Service role trusts guard against the confused deputy
description: >-
  A role whose trust policy lets an AWS service principal (Principal.Service) assume it does so only under a
  condition on aws:SourceAccount, aws:SourceArn, aws:SourceOrgID or aws:SourceOrgPaths, with a positive operator
  (not a Not or IfExists operator) and specific values, in every way the policy engine finds the service
  admitted (iam_role_trust_access, trusted_kind 'service'), or under a Deny that refuses it unless such a key
  names a listed source: a Deny block whose every condition is StringNotEquals, StringNotLike, ArnNotEquals or
  ArnNotLike (with or without IfExists) on one of these keys, which holds when the key is absent. This applies to every service: no exemption list is
  kept. Service-linked roles (path /aws-service-role/) are info: AWS writes their trust policies and they cannot
  be edited. Roles that trust no service pass; a role loaded without its trust policy is a skip.
severity: medium
resource_type: AWS::IAM::Role
rationale: >-
  A service assumes the role on behalf of whoever configured it; without a source condition, another customer
  of the service can point it at your role (the cross-service confused-deputy problem).
remediation: >-
  Add a StringEquals aws:SourceAccount (or ArnLike aws:SourceArn, aws:SourceOrgID) condition naming your
  account, resource or organization to each trust statement for a service principal, or a Deny of
  sts:AssumeRole with StringNotEquals on the key.
tables: [aws_iam_role, iam_role_trust_access]
*/
with service_trust as (
  select role_arn, account_id, trusted, decision, conditions, deny_conditions
  from iam_role_trust_access
  where trusted_kind = 'service'
), condition_block as (
  -- the Allow's alternative sets of conditions under which the service is admitted, and the Deny's blocks, each
  -- of which refuses it when it holds
  select role_arn, account_id, trusted, false as is_deny, block
  from service_trust cross join lateral jsonb_array_elements(conditions) as block
  union all
  select role_arn, account_id, trusted, true as is_deny, block
  from service_trust cross join lateral jsonb_array_elements(deny_conditions) as block
), block_condition as (
  -- one row per operator and key of a block: does the key name a source, with specific values?
  select b.role_arn, b.account_id, b.trusted, b.is_deny, b.block::text as block_text, lower(op.operator) as operator,
    lower(k.name) in ('aws:sourceaccount', 'aws:sourcearn', 'aws:sourceorgid', 'aws:sourceorgpaths')
      and not ((op.keyed -> k.name) @> '"*"')  -- a bare wildcard names no source
      and (op.keyed ->> k.name) !~ '^[*?]*$' as names_source
  from condition_block as b
    cross join lateral jsonb_each(b.block) as op(operator, keyed)
    cross join lateral jsonb_object_keys(op.keyed) as k(name)
), block_guard as (
  -- an Allow block names the source when one of its conditions does, with a positive operator; a Deny block
  -- requires it when each of its conditions is a negated string or ARN operator on a source key (true when the
  -- key is absent, also with IfExists), so that only a call naming a listed source escapes it
  select role_arn, account_id, trusted, is_deny,
    case when is_deny then bool_and(names_source and operator
        ~ '^(stringnotequals|stringnotequalsignorecase|stringnotlike|arnnotequals|arnnotlike)(ifexists)?$')
      else bool_or(names_source and split_part(operator, ':', -1) !~ '(not|ifexists$|^null$)')
    end as guards
  from block_condition
  group by role_arn, account_id, trusted, is_deny, block_text
), guard as (
  -- guarded: every Allow alternative names the source, or one Deny block requires it
  select role_arn, account_id, trusted,
    coalesce(bool_and(guards) filter (where not is_deny), false)
      or coalesce(bool_or(guards) filter (where is_deny), false) as guarded
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
