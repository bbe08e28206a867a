/*
title: No policy allows everything except a list (Allow with NotAction)
description: No customer-managed or inline policy has an Allow statement with NotAction on every resource. Such a statement allows every action of every service, present and future, except the listed ones.
severity: medium
resource_type: AWS::IAM::Policy
rationale: >-
  "Allow NotAction" is near-administrator access written as an exclusion list; every new AWS service and action is granted automatically. (It is not counted as full admin because the excluded actions, often iam:*, are withheld.)
remediation: Replace the statement with an Allow of the actions needed; if a broad grant is intended, use an AWS job-function policy and a permissions boundary.
tables: [iam_policy_statement]
requires: [aws_iam_policy]
*/
with policies as (
  select
    resource, policy_kind, account_id, string_agg(distinct policy_name, ', ') as policy_names,
    bool_or(
      statement ->> 'Effect' = 'Allow' and statement -> 'NotAction' is not null
      and (coalesce((statement -> 'Resource') @> '["*"]', false) or statement -> 'NotResource' is not null)
    ) as allows_notaction
  from iam_policy_statement
  where policy_kind <> 'aws_managed'
  group by resource, policy_kind, account_id
)
select
  resource,
  case when allows_notaction then 'alarm' else 'ok' end as status,
  case when policy_kind = 'inline' then 'Inline policy ' || policy_names || ' of ' || resource else 'Policy ' || policy_names end
  || case
    when allows_notaction then ' allows every action except a NotAction list on every resource; allow the needed actions instead.'
    else ' has no Allow statement with NotAction on every resource.'
  end as reason,
  account_id,
  'global' as region,
  policy_kind
from policies
