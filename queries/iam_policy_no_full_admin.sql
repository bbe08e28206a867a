/*
title: No policy grants full administrator access
description: >-
  No customer-managed policy, attached AWS-managed policy or set of inline policies of a principal allows, on its
  own, every action on every resource, as the policy engine judges it (iam_policy_access, question full_admin:
  an action of a service that does not exist and a set of high-value actions, each on a resource of its kind,
  must all be allowed). Allow, NotAction, NotResource, wildcards and Deny statements count as IAM counts them; a
  condition on the Allow does not make the policy pass (it narrows when, not what).
  A policy whose document the policy engine cannot read is skipped, never passed.
severity: critical
resource_type: AWS::IAM::Policy
rationale: >-
  "*:*" gives whoever holds the policy complete control of the account, including over IAM, logging and billing;
  conditions only narrow when the power applies, not what it covers.
remediation: Replace the statement with the actions and resources the job needs; keep administrator access for a few break-glass roles that require MFA and are monitored.
tables: [iam_policy_scope, iam_policy_access]
requires: [aws_iam_policy]
*/
select
  p.resource,
  case
    when a.decision in ('Allowed', 'AllowedIf') then 'alarm'
    when a.decision is null or a.decision = 'Unknown' then 'skip'
    else 'ok'
  end as status,
  p.label || case
    when a.decision = 'Allowed' then ' allows every action on every resource; replace it with least-privilege permissions.'
    when a.decision = 'AllowedIf' then ' allows every action on every resource when its conditions hold ('
      || coalesce(a.condition_keys, 'a Deny''s conditions') || '); replace it with least-privilege permissions.'
    when a.decision is null or a.decision = 'Unknown' then
      coalesce(p.unjudged, ' could not be judged: the policy engine cannot read its document.')
    else ' does not allow every action on every resource.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join iam_policy_access as a
    on a.resource = p.resource and a.account_id = p.account_id and a.question = 'full_admin'
where p.editable or p.attached
