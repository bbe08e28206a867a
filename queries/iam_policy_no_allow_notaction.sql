/*
title: No policy allows everything except a list (Allow with NotAction)
description: No customer-managed or inline policy has an Allow statement with NotAction on every resource. Such a statement allows every action of every service, present and future, except the listed ones.
severity: medium
resource_type: AWS::IAM::Policy
rationale: >-
  "Allow NotAction" is near-administrator access written as an exclusion list; every new AWS service and action is granted automatically. (It is not counted as full admin because the excluded actions, often iam:*, are withheld.)
remediation: Replace the statement with an Allow of the actions needed; if a broad grant is intended, use an AWS job-function policy and a permissions boundary.
tables: [iam_policy_scope, iam_policy_statement]
requires: [aws_iam_policy]
*/
with verdict as (
  select resource, account_id
  from iam_policy_statement
  where statement ->> 'Effect' = 'Allow' and statement -> 'NotAction' is not null
    and (coalesce((statement -> 'Resource') @> '["*"]', false) or statement -> 'NotResource' is not null)
  group by resource, account_id
)
select
  p.resource,
  case when v.resource is not null then 'alarm' when p.unjudged is not null then 'skip' else 'ok' end as status,
  p.label || case
    when v.resource is not null then ' allows every action except a NotAction list on every resource; allow the needed actions instead.'
    else coalesce(p.unjudged, ' has no Allow statement with NotAction on every resource.')
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join verdict as v on v.resource = p.resource and v.account_id = p.account_id
where p.editable
