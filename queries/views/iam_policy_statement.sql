/*
One row per statement of every identity policy, in Steampipe's normal form (`*_std`): customer- and
AWS-managed policies (`resource` = the policy ARN) and the inline policies of users, groups and roles
(`resource` = the principal's ARN, `principal_arn` set). Controls on policy content read this view, and
`iam_policy_scope` for the policies they judge. `policy_name` is never NULL: a managed policy listed without
its name (moto's get-account-authorization-details) takes the last part of its ARN.
*/
select
  p.arn as resource,
  coalesce(p.name, regexp_replace(p.arn, '^.*/', '')) as policy_name,
  case when p.is_aws_managed then 'aws_managed' else 'customer_managed' end as policy_kind,
  null as principal_arn,
  coalesce(p.is_attached, p.attachment_count > 0, false) as attached,
  s as statement,
  p.account_id,
  p.partition
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
union all
select u.arn, coalesce(i ->> 'PolicyName', '(unnamed)'), 'inline', u.arn, true, s, u.account_id, u.partition
from aws_iam_user as u,
  jsonb_array_elements(u.inline_policies_std) as i,
  jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') as s
union all
select g.arn, coalesce(i ->> 'PolicyName', '(unnamed)'), 'inline', g.arn, true, s, g.account_id, g.partition
from aws_iam_group as g,
  jsonb_array_elements(g.inline_policies_std) as i,
  jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') as s
union all
select r.arn, coalesce(i ->> 'PolicyName', '(unnamed)'), 'inline', r.arn, true, s, r.account_id, r.partition
from aws_iam_role as r,
  jsonb_array_elements(r.inline_policies_std) as i,
  jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') as s
