/*
title: No managed policies attached directly to users
description: IAM users get managed policies through groups, not by direct attachment. A user that only list-mfa-devices or list-user-tags names (they give no path, so no ARN) is skipped, naming it.
severity: low
resource_type: AWS::IAM::User
rationale: Permissions attached user by user drift apart and are hard to review; granting them through groups (or roles) keeps access consistent and auditable.
remediation: Put the user in a group that carries the policy and detach the policy from the user.
tables: [aws_iam_user, iam_principal_data, iam_user_without_arn]
*/
with attached as (
  select u.arn, string_agg(regexp_replace(p, '^.*/', ''), ', ' order by p) as policies, count(*) as n
  from aws_iam_user as u, jsonb_array_elements_text(u.attached_policy_arns) as p
  group by u.arn
)
select
  u.arn as resource,
  case when not d.attached_known then 'skip' when a.n > 0 then 'alarm' else 'ok' end as status,
  u.name || case
    when not d.attached_known then ' was loaded without its attached policies (from a user listing); load get-account-authorization-details to evaluate it.'
    when a.n > 0 then ' has ' || a.n || ' managed polic' || case when a.n = 1 then 'y' else 'ies' end
      || ' attached directly (' || a.policies || '); grant them through a group.'
    else ' has no managed policy attached directly.'
  end as reason,
  u.account_id,
  u.region
from aws_iam_user as u
  join iam_principal_data as d on d.arn = u.arn and d.name = u.name and d.principal_type = 'user' and d.account_id = u.account_id
  left join attached as a on a.arn = u.arn
union all
-- a user that only list-mfa-devices or list-user-tags names has no ARN: a skip naming it (iam_user_without_arn)
select w.resource, 'skip', w.name || w.reason, w.account_id, 'global'
from iam_user_without_arn as w
