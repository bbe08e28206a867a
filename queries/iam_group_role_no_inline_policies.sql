/*
title: No inline policies on groups and roles
description: >-
  IAM groups and roles (other than service-linked roles, which AWS manages) carry their permissions in managed
  policies, not inline policies. A role IAM Identity Center provisioned for a permission set (path
  /aws-reserved/sso.amazonaws.com/) carries the set's inline policy and cannot be changed in IAM: it is info.
severity: low
resource_type: AWS::IAM::Group, AWS::IAM::Role
rationale: Inline policies are not versioned, cannot be reused and are easy to miss in reviews; managed policies can be reviewed, versioned and rolled back in one place.
remediation: Recreate the inline policy as a customer-managed policy, attach it, then delete the inline policy.
tables: [aws_iam_group, aws_iam_role, iam_principal_data]
*/
with principals as (
  select arn, name, 'Group' as kind, inline_policies_std, account_id, region from aws_iam_group
  union all
  select arn, name, 'Role', inline_policies_std, account_id, region from aws_iam_role
  where coalesce(path, '/') not like '/aws-service-role/%'
), identity_center as (
  -- roles IAM Identity Center provisions from a permission set and protects: their inline policy is the set's
  select arn from aws_iam_role where path like '/aws-reserved/sso.amazonaws.com/%'
), inline as (
  select p.arn, string_agg(i ->> 'PolicyName', ', ' order by i ->> 'PolicyName') as policies, count(*) as n
  from principals as p, jsonb_array_elements(p.inline_policies_std) as i
  group by p.arn
)
select
  p.arn as resource,
  case when not d.inline_known then 'skip' when i.n > 0 and c.arn is not null then 'info' when i.n > 0 then 'alarm'
    else 'ok' end as status,
  p.kind || ' ' || p.name || case
    when not d.inline_known then ' was loaded without its inline policies (from a listing); load get-account-authorization-details to evaluate it.'
    when i.n > 0 and c.arn is not null then ' has the inline policy of the IAM Identity Center permission set it was '
      || 'provisioned for (' || i.policies || '); IAM Identity Center manages the role, so change the permission set '
      || 'there (a customer managed policy reference instead of the inline policy).'
    when i.n > 0 then ' has ' || i.n || ' inline polic' || case when i.n = 1 then 'y' else 'ies' end || ' (' || i.policies
      || '); replace with customer-managed policies.'
    else ' has no inline policy.'
  end as reason,
  p.account_id,
  p.region,
  p.kind as principal_type
from principals as p
  join iam_principal_data as d on d.arn = p.arn and d.name = p.name and d.principal_type = lower(p.kind) and d.account_id = p.account_id
  left join inline as i on i.arn = p.arn
  left join identity_center as c on c.arn = p.arn
