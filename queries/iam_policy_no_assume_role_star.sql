/*
title: No policy allows sts:AssumeRole on every role without conditions
description: No customer-managed or inline policy has an unconditional Allow statement whose actions cover sts:AssumeRole (sts:AssumeRole, sts:Assume*, sts:*, *) on every role ("*" or a role/* wildcard).
severity: high
resource_type: AWS::IAM::Policy
rationale: Permission to assume any role means the holder gets the union of every role whose trust policy lets it in, in this and other accounts; it hides lateral-movement paths from reviews.
remediation: List the role ARNs the workload must assume, or add conditions such as aws:ResourceAccount or aws:ResourceOrgID.
tables: [iam_policy_statement]
requires: [aws_iam_policy]
*/
with scope as (
  select resource, policy_kind, account_id, string_agg(distinct policy_name, ', ') as policy_names
  from iam_policy_statement
  where policy_kind <> 'aws_managed'
  group by resource, policy_kind, account_id
), assume as (
  select s.resource, string_agg(distinct a, ', ') as actions
  from iam_policy_statement as s,
    jsonb_array_elements_text(s.statement -> 'Action') as a,
    jsonb_array_elements_text(s.statement -> 'Resource') as r
  where s.policy_kind <> 'aws_managed'
    and s.statement ->> 'Effect' = 'Allow'
    and s.statement -> 'Condition' is null
    and 'sts:assumerole' like replace(a, '*', '%')
    and (r = '*' or r like 'arn:%:iam::%:role/*' or r like 'arn:%:iam::%:*')
  group by s.resource
)
select
  scope.resource,
  case when x.resource is null then 'ok' else 'alarm' end as status,
  case when scope.policy_kind = 'inline' then 'Inline policy ' || scope.policy_names || ' of ' || scope.resource
    else 'Policy ' || scope.policy_names end
  || case
    when x.resource is null then ' does not allow assuming every role without conditions.'
    else ' allows sts:AssumeRole (via ' || x.actions || ') on every role without conditions; list the roles instead.'
  end as reason,
  scope.account_id,
  'global' as region,
  scope.policy_kind
from scope
  left join assume as x on x.resource = scope.resource
