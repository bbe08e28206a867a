/*
title: No policy allows all actions of a service
description: No customer-managed or inline policy has an Allow statement with a whole-service wildcard action such as "s3:*" or "iam:*", whatever its resources. AWS-managed policies are out of scope because they cannot be edited.
severity: medium
resource_type: AWS::IAM::Policy
rationale: >-
  "service:*" grants every current and future action of the service, including destructive and permission-changing ones (iam:*, kms:*, cloudtrail:*), far beyond what a job needs.
remediation: List the specific actions the workload calls (IAM Access Analyzer policy generation or last-accessed data helps) and replace the wildcard.
tables: [iam_policy_statement]
requires: [aws_iam_policy]
*/
with scope as (
  select resource, policy_kind, account_id, string_agg(distinct policy_name, ', ') as policy_names
  from iam_policy_statement
  where policy_kind <> 'aws_managed'
  group by resource, policy_kind, account_id
), wildcards as (
  select s.resource, string_agg(distinct a, ', ') as actions
  from iam_policy_statement as s, jsonb_array_elements_text(s.statement -> 'Action') as a
  where s.policy_kind <> 'aws_managed' and s.statement ->> 'Effect' = 'Allow' and a ~ '^[a-z0-9-]+:\*$'
  group by s.resource
)
select
  scope.resource,
  case when w.resource is null then 'ok' else 'alarm' end as status,
  case when scope.policy_kind = 'inline' then 'Inline policy ' || scope.policy_names || ' of ' || scope.resource
    else 'Policy ' || scope.policy_names end
  || case
    when w.resource is null then ' allows no whole-service wildcard action.'
    else ' allows whole services (' || w.actions || '); list the actions that are needed instead.'
  end as reason,
  scope.account_id,
  'global' as region,
  scope.policy_kind
from scope
  left join wildcards as w on w.resource = scope.resource
