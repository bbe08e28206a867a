/*
title: No policy allows iam:PassRole on every role without conditions
description: No customer-managed or inline policy has an unconditional Allow statement whose actions cover iam:PassRole (iam:PassRole, iam:Pass*, iam:*, *) on every role ("*" or a role/* wildcard).
severity: high
resource_type: AWS::IAM::Policy
rationale: >-
  Passing any role to a service (EC2, Lambda, Glue...) lets the holder run code as the most powerful role in the account: a classic privilege-escalation path.
remediation: Restrict Resource to the role ARNs the workload must pass, and add an iam:PassedToService condition.
tables: [iam_policy_scope, iam_policy_statement]
requires: [aws_iam_policy]
*/
with verdict as (
  select s.resource, s.account_id, string_agg(distinct a, ', ') as actions
  from iam_policy_statement as s,
    jsonb_array_elements_text(s.statement -> 'Action') as a,
    jsonb_array_elements_text(s.statement -> 'Resource') as r
  where s.statement ->> 'Effect' = 'Allow'
    and s.statement -> 'Condition' is null
    and 'iam:passrole' like replace(a, '*', '%')
    and (r = '*' or r like 'arn:%:iam::%:role/*' or r like 'arn:%:iam::%:*')
  group by s.resource, s.account_id
)
select
  p.resource,
  case when not p.document_known then 'skip' when v.resource is null then 'ok' else 'alarm' end as status,
  p.label || case
    when not p.document_known then ' was loaded without its policy document; load get-account-authorization-details to evaluate it.'
    when v.resource is null then ' does not allow passing every role without conditions.'
    else ' allows iam:PassRole (via ' || v.actions || ') on every role without conditions; restrict it to named roles and services.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join verdict as v on v.resource = p.resource and v.account_id = p.account_id
where p.editable
