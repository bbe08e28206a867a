/*
title: KMS key policies do not let anyone use the key
description: >-
  No KMS key's key policy lets principals of any account act on the key (resource_policy_open): for each action on a
  key that an Allow statement of the policy applies to, the policy engine evaluates the whole key policy for a caller
  in another account and another organization, as it does a role trust naming "*", and the key passes only when the
  caller is refused or what the answer depends on names the caller (a positive condition with specific values on
  kms:CallerAccount, aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount ...).
  kms:ViaService, aws:SecureTransport or other keys the caller's request sets do not count. A key whose policy is not
  loaded (get-key-policy), or that the engine cannot read, is skipped.
severity: critical
resource_type: AWS::KMS::Key
rationale: >-
  A key policy open to everyone lets any AWS account decrypt what the key protects (or use, manage or schedule the
  deletion of the key itself), whatever the key owner's IAM policies say; attackers scan for such keys.
remediation: >-
  Name the accounts or roles that need the key in the statement's Principal, or add a kms:CallerAccount,
  aws:PrincipalOrgID or aws:PrincipalArn condition (aws kms put-key-policy --key-id <key> --policy-name default).
tables: [aws_kms_key, resource_policy_open]
*/
select
  k.arn as resource,
  case when v.open then 'alarm' when v.policy_state is distinct from 'loaded' or v.unknown then 'skip' else 'ok' end
    as status,
  'Key ' || coalesce(k.title, k.id) || case
    when v.open then ' lets any AWS principal outside the account and its organization call '
      || case when v.actions > 3 then v.actions || ' actions on it (' || v.open_actions || ' ...)'
        else v.open_actions || ' on it' end
      || coalesce(' (it depends only on ' || v.condition_keys || ')', '') || ' through its key policy; name the '
      || 'trusted principals or add a kms:CallerAccount or aws:PrincipalOrgID condition.'
    when v.policy_state = 'unreadable' or v.unknown then ' has a key policy the engine cannot read.'
    when v.policy_state is distinct from 'loaded' then
      ' was loaded without its key policy; load get-key-policy to evaluate it.'
    when v.restricted then ' names everyone in its key policy, but a condition limits it to named callers'
      || coalesce(' (' || v.condition_keys || ')', '') || '.'
    else ' has a key policy that admits only the principals it names.'
  end as reason,
  k.account_id,
  k.region
from aws_kms_key as k
  left join resource_policy_open as v on v.resource_arn = k.arn and v.account_id = k.account_id
