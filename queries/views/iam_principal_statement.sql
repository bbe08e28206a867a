/*
Every identity-policy statement that reaches each IAM user and role, in Steampipe's normal form (`*_std`):
the principal's inline policies, its attached managed policies (customer and AWS), and for users the inline
and attached policies of every group it belongs to. Permissions boundaries are listed too (`policy_kind =
'permissions_boundary'`): they do not grant anything, they cap what the other policies grant.

Columns: principal_arn, principal_type ('user' | 'role'), principal_name, policy_kind ('inline' |
'customer_managed' | 'aws_managed' | 'permissions_boundary'), policy_name (never NULL: a managed
policy listed without its name takes the last part of its ARN), policy_arn (NULL for inline),
via_group (the group's ARN when the statement comes through a group), effect, statement, account_id, partition.
*/
with user_group as (
  select u.arn as user_arn, u.name as user_name, u.account_id, gm ->> 'GroupName' as group_name
  from aws_iam_user as u, jsonb_array_elements(coalesce(u.groups, '[]'::jsonb)) as gm
),
principal_policy_arn as (
  select u.arn as principal_arn, 'user' as principal_type, u.name as principal_name, null as via_group,
    a.value as policy_arn, u.account_id
  from aws_iam_user as u, jsonb_array_elements_text(coalesce(u.attached_policy_arns, '[]'::jsonb)) as a
  union all
  select r.arn, 'role', r.name, null, a.value, r.account_id
  from aws_iam_role as r, jsonb_array_elements_text(coalesce(r.attached_policy_arns, '[]'::jsonb)) as a
  union all
  select m.user_arn, 'user', m.user_name, g.arn, a.value, g.account_id
  from user_group as m
    join aws_iam_group as g on g.name = m.group_name and g.account_id = m.account_id,
    jsonb_array_elements_text(coalesce(g.attached_policy_arns, '[]'::jsonb)) as a
),
managed as (
  select pp.principal_arn, pp.principal_type, pp.principal_name,
    case when p.is_aws_managed then 'aws_managed' else 'customer_managed' end as policy_kind,
    coalesce(p.name, regexp_replace(p.arn, '^.*/', '')) as policy_name, p.arn as policy_arn, pp.via_group, s as statement, pp.account_id, p.partition
  from principal_policy_arn as pp
    join aws_iam_policy as p on p.arn = pp.policy_arn and p.account_id = pp.account_id,
    jsonb_array_elements(p.policy_std -> 'Statement') as s
),
inline as (
  select u.arn as principal_arn, 'user' as principal_type, u.name as principal_name, 'inline' as policy_kind,
    coalesce(i ->> 'PolicyName', '(unnamed)') as policy_name, null as policy_arn, null as via_group, s as statement, u.account_id, u.partition
  from aws_iam_user as u,
    jsonb_array_elements(coalesce(u.inline_policies_std, '[]'::jsonb)) as i,
    jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') as s
  union all
  select r.arn, 'role', r.name, 'inline', coalesce(i ->> 'PolicyName', '(unnamed)'), null, null, s, r.account_id, r.partition
  from aws_iam_role as r,
    jsonb_array_elements(coalesce(r.inline_policies_std, '[]'::jsonb)) as i,
    jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') as s
  union all
  select m.user_arn, 'user', m.user_name, 'inline', coalesce(i ->> 'PolicyName', '(unnamed)'), null, g.arn, s, g.account_id, g.partition
  from user_group as m
    join aws_iam_group as g on g.name = m.group_name and g.account_id = m.account_id,
    jsonb_array_elements(coalesce(g.inline_policies_std, '[]'::jsonb)) as i,
    jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') as s
),
boundary as (
  select b.principal_arn, b.principal_type, b.principal_name, 'permissions_boundary' as policy_kind,
    coalesce(p.name, regexp_replace(p.arn, '^.*/', '')) as policy_name, p.arn as policy_arn, null as via_group, s as statement, b.account_id, p.partition
  from (
    select arn as principal_arn, 'user' as principal_type, name as principal_name, permissions_boundary_arn, account_id
    from aws_iam_user where permissions_boundary_arn is not null
    union all
    select arn, 'role', name, permissions_boundary_arn, account_id
    from aws_iam_role where permissions_boundary_arn is not null
  ) as b
    join aws_iam_policy as p on p.arn = b.permissions_boundary_arn and p.account_id = b.account_id,
    jsonb_array_elements(p.policy_std -> 'Statement') as s
)
select principal_arn, principal_type, principal_name, policy_kind, policy_name, policy_arn, via_group,
  statement ->> 'Effect' as effect, statement, account_id, partition
from (
  select * from managed
  union all
  select * from inline
  union all
  select * from boundary
) as all_statements
