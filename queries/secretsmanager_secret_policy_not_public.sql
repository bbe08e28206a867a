/*
title: Secrets Manager secret policies do not let anyone read the secret
description: >-
  No Secrets Manager secret's resource-based policy lets principals of any account act on the secret
  (resource_policy_open): for each action on a secret that an Allow statement of the policy applies to, the policy
  engine evaluates the whole policy for a caller in another account and another organization, as it does a role trust
  naming "*", and the secret passes only when the caller is refused or what the answer depends on names the caller (a
  positive condition with specific values on aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn,
  aws:SourceAccount ...). A secret whose get-resource-policy answered without a policy has none and passes; one whose
  policy is not loaded (get-resource-policy), or that the engine cannot read, is skipped.
severity: critical
resource_type: AWS::SecretsManager::Secret
rationale: >-
  A secret policy open to everyone lets any AWS account read the credential it holds (or change or delete it);
  Secrets Manager's BlockPublicPolicy refuses such policies only when the caller asks for it.
remediation: >-
  Name the accounts or roles that need the secret in Principal, or add an aws:PrincipalOrgID or aws:PrincipalArn
  condition, and put policies with --block-public-policy (aws secretsmanager put-resource-policy).
tables: [aws_secretsmanager_secret, resource_policy_open]
*/
select
  s.arn as resource,
  case when v.open then 'alarm' when v.policy_state = 'none' then 'ok'
    when v.policy_state is distinct from 'loaded' or v.unknown then 'skip' else 'ok' end as status,
  'Secret ' || s.name || case
    when v.open then ' lets any AWS principal outside the account and its organization call '
      || case when v.actions > 3 then v.actions || ' actions on it (' || v.open_actions || ' ...)'
        else v.open_actions || ' on it' end
      || coalesce(' (it depends only on ' || v.condition_keys || ')', '') || ' through its resource policy; name the '
      || 'trusted principals or add an aws:PrincipalOrgID condition.'
    when v.policy_state = 'none' then ' has no resource policy.'
    when v.policy_state = 'unreadable' or v.unknown then ' has a resource policy the engine cannot read.'
    when v.policy_state is distinct from 'loaded' then
      ' was loaded without its resource policy; load get-resource-policy to evaluate it.'
    when v.restricted then ' names everyone in its resource policy, but a condition limits it to named callers'
      || coalesce(' (' || v.condition_keys || ')', '') || '.'
    else ' has a resource policy that admits only the principals it names.'
  end as reason,
  s.account_id,
  s.region
from aws_secretsmanager_secret as s
  left join resource_policy_open as v on v.resource_arn = s.arn and v.account_id = s.account_id
