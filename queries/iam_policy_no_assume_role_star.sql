/*
title: No policy allows sts:AssumeRole on every role without conditions
description: No customer-managed or inline policy has an unconditional Allow statement whose actions cover sts:AssumeRole (sts:AssumeRole, sts:Assume*, sts:*, *) on every role ("*" or a role/* wildcard).
severity: high
resource_type: AWS::IAM::Policy
rationale: Permission to assume any role means the holder gets the union of every role whose trust policy lets it in, in this and other accounts; it hides lateral-movement paths from reviews.
remediation: List the role ARNs the workload must assume, or add conditions such as aws:ResourceAccount or aws:ResourceOrgID.
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
    and 'sts:assumerole' like replace(a, '*', '%')
    and (r = '*' or r like 'arn:%:iam::%:role/*' or r like 'arn:%:iam::%:*')
  group by s.resource, s.account_id
)
select
  p.resource,
  case when not p.document_known then 'skip' when v.resource is null then 'ok' else 'alarm' end as status,
  p.label || case
    when not p.document_known then ' was loaded without its policy document; load get-account-authorization-details to evaluate it.'
    when v.resource is null then ' does not allow assuming every role without conditions.'
    else ' allows sts:AssumeRole (via ' || v.actions || ') on every role without conditions; list the roles instead.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join verdict as v on v.resource = p.resource and v.account_id = p.account_id
where p.editable
