/*
title: No policy allows full access to KMS
description: >-
  No customer-managed policy or set of inline policies of a principal allows, on its own, every KMS action on every
  resource, as the policy engine judges it (iam_policy_access, question kms_full_access: an action KMS does not have
  yet on a resource no statement names, which only kms:*, * or a NotAction that leaves KMS out allows on "*", and
  Decrypt, PutKeyPolicy, ScheduleKeyDeletion and DisableKey on a key no statement names, and CreateKey). Deny
  statements of the same policy count. An Allow that holds only under a condition passes, with the condition keys in
  the reason; an Allow that only a conditional Deny limits does not. A key policy that does not defer to IAM still
  limits what such a policy gives on that key.
  A policy whose document the policy engine cannot read is skipped, never passed.
severity: medium
resource_type: AWS::IAM::Policy
rationale: >-
  Full access to KMS lets the holder decrypt with every key whose key policy defers to IAM, rewrite key policies and
  schedule keys for deletion, which destroys the data encrypted under them; key users and key administrators need
  different, named actions.
remediation: >-
  Separate key administration from key use; list the kms actions each needs, name the key ARNs in Resource, or add kms:ViaService or kms:CallerAccount conditions.
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
    when a.decision = 'Allowed' then ' allows every KMS action on every resource without conditions; list the KMS actions and keys it needs.'
    when a.decision = 'AllowedIf' and a.conditions is null then ' allows every KMS action on every resource unless a conditional Deny applies; list the KMS actions and keys it needs.'
    when a.decision is null or a.decision = 'Unknown' then
      coalesce(p.unjudged, ' could not be judged: the policy engine cannot read its document.')
    when a.decision = 'AllowedIf' then ' allows every KMS action on every resource only when its conditions hold (' || a.condition_keys || ').'
    else ' does not allow every KMS action on every resource.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join iam_policy_access as a
    on a.resource = p.resource and a.account_id = p.account_id and a.question = 'kms_full_access'
where p.editable
