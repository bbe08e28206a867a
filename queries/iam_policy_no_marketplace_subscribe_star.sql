/*
title: No policy allows subscribing to any AWS Marketplace product
description: >-
  No customer-managed policy or set of inline policies of a principal allows, on its own, aws-marketplace:Subscribe
  without a condition that limits the products, as the policy engine judges it (iam_policy_access, question
  marketplace_subscribe_any). The action has no resource-level permissions, so any Allow of it (aws-marketplace:*,
  *, NotAction) is on every product; an Allow under a condition such as aws-marketplace:ProductId passes, with the
  condition keys in the reason; an Allow that only a conditional Deny limits does not.
  A policy whose document the policy engine cannot read is skipped, never passed.
severity: medium
resource_type: AWS::IAM::Policy
rationale: >-
  Subscribing to a Marketplace product (software, data, machine-learning models) commits the account to its charges
  and terms; an identity allowed to subscribe to any product can run up spending or bring unreviewed software and
  models into the account.
remediation: Remove aws-marketplace:Subscribe from policies that do not procure software, or add an aws-marketplace:ProductId condition listing the approved products.
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
    when a.decision = 'Allowed' then ' allows aws-marketplace:Subscribe on every product without conditions; limit it with an aws-marketplace:ProductId condition.'
    when a.decision = 'AllowedIf' and a.conditions is null then ' allows aws-marketplace:Subscribe on every product unless a conditional Deny applies; limit it with an aws-marketplace:ProductId condition.'
    when a.decision is null or a.decision = 'Unknown' then
      coalesce(p.unjudged, ' could not be judged: the policy engine cannot read its document.')
    when a.decision = 'AllowedIf' then ' allows aws-marketplace:Subscribe on every product only when its conditions hold (' || a.condition_keys || ').'
    else ' does not allow aws-marketplace:Subscribe on every product.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join iam_policy_access as a
    on a.resource = p.resource and a.account_id = p.account_id and a.question = 'marketplace_subscribe_any'
where p.editable
