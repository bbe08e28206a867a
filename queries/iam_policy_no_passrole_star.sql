/*
title: No policy allows iam:PassRole on every role without conditions
description: No customer-managed or inline policy has an unconditional Allow statement whose actions cover iam:PassRole (iam:PassRole, iam:Pass*, iam:*, *) on every role ("*" or a role/* wildcard).
severity: high
resource_type: AWS::IAM::Policy
rationale: >-
  Passing any role to a service (EC2, Lambda, Glue...) lets the holder run code as the most powerful role in the account: a classic privilege-escalation path.
remediation: Restrict Resource to the role ARNs the workload must pass, and add an iam:PassedToService condition.
tables: [iam_policy_statement]
requires: [aws_iam_policy]
*/
with scope as (
  select resource, policy_kind, account_id, string_agg(distinct policy_name, ', ') as policy_names
  from iam_policy_statement
  where policy_kind <> 'aws_managed'
  group by resource, policy_kind, account_id
), passrole as (
  select s.resource, string_agg(distinct a, ', ') as actions
  from iam_policy_statement as s,
    jsonb_array_elements_text(s.statement -> 'Action') as a,
    jsonb_array_elements_text(s.statement -> 'Resource') as r
  where s.policy_kind <> 'aws_managed'
    and s.statement ->> 'Effect' = 'Allow'
    and s.statement -> 'Condition' is null
    and 'iam:passrole' like replace(a, '*', '%')
    and (r = '*' or r like 'arn:%:iam::%:role/*' or r like 'arn:%:iam::%:*')
  group by s.resource
)
select
  scope.resource,
  case when p.resource is null then 'ok' else 'alarm' end as status,
  case when scope.policy_kind = 'inline' then 'Inline policy ' || scope.policy_names || ' of ' || scope.resource
    else 'Policy ' || scope.policy_names end
  || case
    when p.resource is null then ' does not allow passing every role without conditions.'
    else ' allows iam:PassRole (via ' || p.actions || ') on every role without conditions; restrict it to named roles and services.'
  end as reason,
  scope.account_id,
  'global' as region,
  scope.policy_kind
from scope
  left join passrole as p on p.resource = scope.resource
