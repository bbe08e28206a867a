/*
title: No policy allows all actions of a service
description: No customer-managed or inline policy has an Allow statement with a whole-service wildcard action such as "s3:*" or "iam:*", whatever its resources. AWS-managed policies are out of scope because they cannot be edited.
severity: medium
resource_type: AWS::IAM::Policy
rationale: >-
  "service:*" grants every current and future action of the service, including destructive and permission-changing ones (iam:*, kms:*, cloudtrail:*), far beyond what a job needs.
remediation: List the specific actions the workload calls (IAM Access Analyzer policy generation or last-accessed data helps) and replace the wildcard.
tables: [iam_policy_scope, iam_policy_statement]
requires: [aws_iam_policy]
*/
with verdict as (
  select s.resource, s.account_id, string_agg(distinct a, ', ') as actions
  from iam_policy_statement as s, jsonb_array_elements_text(s.statement -> 'Action') as a
  where s.statement ->> 'Effect' = 'Allow' and a ~ '^[a-z0-9-]+:\*$'
  group by s.resource, s.account_id
)
select
  p.resource,
  case when v.resource is not null then 'alarm' when p.unjudged is not null then 'skip' else 'ok' end as status,
  p.label || case
    when v.resource is not null then ' allows whole services (' || v.actions || '); list the actions that are needed instead.'
    else coalesce(p.unjudged, ' allows no whole-service wildcard action.')
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join verdict as v on v.resource = p.resource and v.account_id = p.account_id
where p.editable
