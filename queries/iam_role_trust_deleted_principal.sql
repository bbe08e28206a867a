/*
title: Role trusts do not name deleted principals
description: >-
  No role's trust policy names a principal by a unique id (AROA... for a role, AIDA... for a user) instead of an
  ARN (iam_role_trust_access, trusted_kind 'principal'). IAM writes a principal's ARN into a policy; it shows the
  unique id only after that user or role was deleted. A role loaded without its trust policy is a skip.
severity: low
resource_type: AWS::IAM::Role
rationale: >-
  A trust entry for a deleted principal grants nothing today, but it marks a trust nobody reviewed after the
  principal went away; recreating a principal of the same name does not restore it, which breaks access in
  surprising ways.
remediation: Remove the unique id from the trust policy's Principal, or replace it with the ARN of the principal that should be trusted now.
tables: [aws_iam_role, iam_role_trust_access]
*/
with deleted as (
  select role_arn, account_id, string_agg(distinct trusted, ', ') as ids
  from iam_role_trust_access
  where trusted_kind = 'principal' and trusted ~ '^(AROA|AIDA)[A-Z0-9]{12,}$'
  group by role_arn, account_id
)
select
  r.arn as resource,
  case when r.assume_role_policy_std is null then 'skip' when d.ids is not null then 'alarm' else 'ok' end as status,
  'Role ' || r.name || case
    when r.assume_role_policy_std is null then ' was loaded without its trust policy; load get-account-authorization-details or list-roles to evaluate it.'
    when d.ids is not null then ' trusts ' || d.ids || ', the unique id of a deleted principal; remove it or name the principal by ARN.'
    else ' names no deleted principal in its trust policy.'
  end as reason,
  r.account_id,
  'global' as region
from aws_iam_role as r
  left join deleted as d on d.role_arn = r.arn and d.account_id = r.account_id
