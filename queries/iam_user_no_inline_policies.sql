/*
title: No inline policies on users
description: IAM users have no inline (embedded) policies. A user that only list-mfa-devices or list-user-tags names (they give no path, so no ARN) is skipped, naming it.
severity: low
resource_type: AWS::IAM::User
rationale: Inline policies live inside one user, are not versioned and cannot be reused or reviewed centrally; permissions should come from managed policies through groups.
remediation: Move the permissions into a customer-managed policy attached to a group the user belongs to, then delete the inline policy.
tables: [aws_iam_user, iam_principal_data, iam_user_without_arn]
*/
with inline as (
  select u.arn, string_agg(i ->> 'PolicyName', ', ' order by i ->> 'PolicyName') as policies, count(*) as n
  from aws_iam_user as u, jsonb_array_elements(u.inline_policies_std) as i
  group by u.arn
)
select
  u.arn as resource,
  case when not d.inline_known then 'skip' when i.n > 0 then 'alarm' else 'ok' end as status,
  u.name || case
    when not d.inline_known then ' was loaded without its inline policies (from a user listing); load get-account-authorization-details to evaluate it.'
    when i.n > 0 then ' has ' || i.n || ' inline polic' || case when i.n = 1 then 'y' else 'ies' end || ' (' || i.policies
      || '); move them to a managed policy on a group.'
    else ' has no inline policy.'
  end as reason,
  u.account_id,
  u.region
from aws_iam_user as u
  join iam_principal_data as d on d.arn = u.arn and d.name = u.name and d.principal_type = 'user' and d.account_id = u.account_id
  left join inline as i on i.arn = u.arn
union all
-- a user that only list-mfa-devices or list-user-tags names has no ARN: a skip naming it (iam_user_without_arn)
select w.resource, 'skip', w.name || w.reason, w.account_id, 'global'
from iam_user_without_arn as w
