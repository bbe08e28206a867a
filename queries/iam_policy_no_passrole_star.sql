/*
title: No policy allows iam:PassRole on every role without conditions
description: >-
  No customer-managed policy or set of inline policies of a principal allows, on its own, iam:PassRole on a role it
  does not name, as the policy engine judges it (iam_policy_access, question pass_any_role: iam:PassRole on a role of
  the account that no statement names). Wildcards in actions (iam:PassRole's prefix with * or ?, NotAction) and in
  resources (arn:aws:*:*:*:*, role/*) count as IAM counts them. An Allow that holds only under a condition passes,
  with the condition keys in the reason; an Allow that only a conditional Deny limits does not.
  A policy whose document the policy engine cannot read is skipped, never passed.
severity: high
resource_type: AWS::IAM::Policy
rationale: >-
  Passing any role to a service (EC2, Lambda, Glue...) lets the holder run code as the most powerful role in the account: a classic privilege-escalation path.
remediation: Restrict Resource to the role ARNs the workload must pass, and add an iam:PassedToService condition.
tables: [iam_policy_scope, iam_policy_access]
requires: [aws_iam_policy]
*/
select
  p.resource,
  case
    when a.decision = 'Allowed' or (a.decision = 'AllowedIf' and a.conditions is null) then 'alarm'
    when a.decision is null or a.decision = 'Unknown' then 'skip'
    else 'ok'
  end as status,
  p.label || case
    when a.decision = 'Allowed' then ' allows iam:PassRole on every role without conditions; restrict it to named roles.'
    when a.decision = 'AllowedIf' and a.conditions is null then ' allows iam:PassRole on every role unless a conditional Deny applies; restrict it to named roles.'
    when a.decision is null or a.decision = 'Unknown' then
      coalesce(p.unjudged, ' could not be judged: the policy engine cannot read its document.')
    when a.decision = 'AllowedIf' then ' allows iam:PassRole on every role only when its conditions hold (' || a.condition_keys || ').'
    else ' does not allow iam:PassRole on every role.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join iam_policy_access as a
    on a.resource = p.resource and a.account_id = p.account_id and a.question = 'pass_any_role'
where p.editable
