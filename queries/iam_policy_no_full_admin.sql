/*
title: No policy grants full administrator access
description: No customer-managed policy, attached AWS-managed policy or inline policy has an Allow statement for every action ("*" or "*:*") on every resource ("*", or NotResource). A condition on such a statement does not make it pass; an unconditional Deny of every action on every resource in the same policy (or the same principal's inline policies) does.
severity: critical
resource_type: AWS::IAM::Policy
rationale: >-
  "*:*" gives whoever holds the policy complete control of the account, including over IAM, logging and billing; conditions only narrow when the power applies, not what it covers.
remediation: Replace the statement with the actions and resources the job needs; keep administrator access for a few break-glass roles that require MFA and are monitored.
tables: [iam_policy_scope, iam_policy_statement]
requires: [aws_iam_policy]
*/
with statements as (
  select
    resource, account_id, statement ->> 'Effect' as effect,
    coalesce((statement -> 'Action') @> '["*"]' or (statement -> 'Action') @> '["*:*"]', false) as all_actions,
    coalesce((statement -> 'Resource') @> '["*"]', false) or statement -> 'NotResource' is not null as all_resources,
    statement -> 'Condition' is null as unconditional
  from iam_policy_statement
), verdict as (
  select
    resource, account_id,
    bool_or(effect = 'Allow' and all_actions and all_resources) as grants_admin,
    bool_or(effect = 'Allow' and all_actions and all_resources and unconditional) as grants_admin_always,
    bool_or(effect = 'Deny' and all_actions and all_resources and unconditional) as denies_all
  from statements
  group by resource, account_id
)
select
  p.resource,
  case
    when not p.document_known then 'skip'
    when v.grants_admin and not v.denies_all then 'alarm'
    else 'ok'
  end as status,
  p.label || case
    when not p.document_known then ' was loaded without its policy document; load get-account-authorization-details to evaluate it.'
    when not coalesce(v.grants_admin, false) then ' does not allow every action on every resource.'
    when v.denies_all then ' allows *:* but an unconditional Deny of every action cancels it.'
    when v.grants_admin_always then ' allows every action on every resource (*:*); replace it with least-privilege permissions.'
    else ' allows every action on every resource when its conditions hold (*:*); replace it with least-privilege permissions.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join verdict as v on v.resource = p.resource and v.account_id = p.account_id
where p.editable or p.attached
