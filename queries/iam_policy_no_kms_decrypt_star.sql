/*
title: No policy allows KMS decryption with every key
description: >-
  No customer-managed policy or set of inline policies of a principal allows, on its own, kms:Decrypt or
  kms:ReEncryptFrom on a KMS key it does not name, as the policy engine judges it (iam_policy_access, questions
  kms_decrypt_any_key and kms_reencrypt_from_any_key: the action on a key of the account that no statement
  names). Resource "*", key/* and wildcards in actions (kms:*, kms:De*, NotAction) count as IAM counts them. An
  Allow that holds only under a condition (kms:ViaService, kms:EncryptionContext...) passes, with the condition
  keys in the reason.
  A policy whose document the policy engine cannot read is skipped, never passed.
severity: medium
resource_type: AWS::IAM::Policy
rationale: >-
  Decrypting with every key lets the holder read any data encrypted under the account's keys whose key policy
  defers to IAM, including data in services the holder was never meant to read.
remediation: List the key ARNs the workload decrypts with in Resource, or add a kms:ViaService or kms:EncryptionContext condition.
tables: [iam_policy_scope, iam_policy_access]
requires: [aws_iam_policy]
*/
with verdict as (
  select resource, account_id,
    string_agg(case question when 'kms_decrypt_any_key' then 'kms:Decrypt' else 'kms:ReEncryptFrom' end, ' and '
      order by question) filter (where decision = 'Allowed' or (decision = 'AllowedIf' and conditions is null)) as open_actions,
    string_agg(condition_keys, ', ') filter (where decision = 'AllowedIf' and conditions is not null) as keys,
    bool_or(decision = 'Unknown') as unknown
  from iam_policy_access
  where question in ('kms_decrypt_any_key', 'kms_reencrypt_from_any_key')
  group by resource, account_id
)
select
  p.resource,
  case
    when v.open_actions is not null then 'alarm'
    when v.resource is null or v.unknown then 'skip'
    else 'ok'
  end as status,
  p.label || case
    when v.open_actions is not null then ' allows ' || v.open_actions || ' on every KMS key; list the keys it needs.'
    when v.resource is null or v.unknown then
      coalesce(p.unjudged, ' could not be judged: the policy engine cannot read its document.')
    when v.keys is not null then ' allows KMS decryption on every key only when its conditions hold (' || v.keys || ').'
    else ' does not allow kms:Decrypt or kms:ReEncryptFrom on every key.'
  end as reason,
  p.account_id,
  'global' as region,
  p.policy_kind
from iam_policy_scope as p
  left join verdict as v on v.resource = p.resource and v.account_id = p.account_id
where p.editable
