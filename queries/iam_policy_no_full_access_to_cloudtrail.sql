/*
title: No policy allows full access to CloudTrail
description: >-
  No customer-managed policy or set of inline policies of a principal allows, on its own, every CloudTrail action on
  every resource, as the policy engine judges it (iam_policy_access, question cloudtrail_full_access: an action
  CloudTrail does not have yet on a resource no statement names, which only cloudtrail:*, * or a NotAction that
  leaves CloudTrail out allows on "*", and StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors and
  LookupEvents). Deny statements of the same policy count. An Allow that holds only under a condition passes, with
  the condition keys in the reason; an Allow that only a conditional Deny limits does not.
  A policy whose document the policy engine cannot read is skipped, never passed.
severity: high
resource_type: AWS::IAM::Policy
rationale: >-
  Full access to CloudTrail includes stopping, deleting and reconfiguring the trails that record what every identity
  does, so its holder can act unseen; the people and workloads that manage trails need a few named actions on named
  trails.
remediation: Replace cloudtrail:* with the actions needed (read-only work needs cloudtrail:LookupEvents, Describe*, Get* and List*) and name the trails in Resource.
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
    when a.decision = 'Allowed' then ' allows every CloudTrail action on every resource without conditions; list the CloudTrail actions and trails it needs.'
    when a.decision = 'AllowedIf' and a.conditions is null then ' allows every CloudTrail action on every resource unless a conditional Deny applies; list the CloudTrail actions and trails it needs.'
    when a.decision is null or a.decision = 'Unknown' then
      coalesce(p.unjudged, ' could not be judged: the policy engine cannot read its document.')
    when a.decision = 'AllowedIf' then ' allows every CloudTrail action on every resource only when its conditions hold (' || a.condition_keys || ').'
    else ' does not allow every CloudTrail action on every resource.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join iam_policy_access as a
    on a.resource = p.resource and a.account_id = p.account_id and a.question = 'cloudtrail_full_access'
where p.editable
