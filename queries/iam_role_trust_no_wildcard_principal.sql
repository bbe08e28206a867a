/*
title: No role trusts everyone
description: >-
  No role's trust policy lets any AWS principal of any account assume it (iam_role_trust_access): for a trust
  that names "*", the policy engine evaluates the whole trust policy for a caller in
  another account and another organization, and the role passes only when the caller is refused (and the
  principal ARNs the conditions name, such as arn:aws:iam::*:role/deploy, are refused or name a particular
  account) or what the answer depends on names the caller (a positive condition with specific values on
  aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount,
  aws:SourceArn, ...).
  StringNotEquals aws:PrincipalOrgID admits everyone outside the organization; aws:SecureTransport, an
  ExternalId alone (a shared secret, not an identity) or other keys the caller sets do not count. A trust that
  allows with NotPrincipal, which IAM does not accept in a trust policy, is one the engine cannot read: skip.
severity: critical
resource_type: AWS::IAM::Role
rationale: A role that any AWS principal in any account may assume is a public door into the account; attackers scan for such roles.
remediation: Name the trusted accounts or roles in Principal, or add an aws:PrincipalOrgID condition.
tables: [aws_iam_role, iam_role_trust_access]
*/
with verdict as (
  select role_arn, account_id,
    bool_or(decision in ('Allowed', 'AllowedIf') and not names_caller) as open,
    bool_or(decision in ('Allowed', 'AllowedIf') and names_caller) as open_restricted,
    bool_or(decision = 'Unknown') as unknown,
    string_agg(distinct condition_keys, ', ') filter (where decision = 'AllowedIf') as keys
  from iam_role_trust_access
  where trusted_kind = 'anyone'
  group by role_arn, account_id
)
select
  r.arn as resource,
  case when v.open then 'alarm' when r.assume_role_policy_std is null or v.unknown then 'skip' else 'ok' end as status,
  'Role ' || r.name || case
    when v.open then ' can be assumed by any AWS principal outside the account and its organization (Principal "*"'
      || coalesce('; it depends only on ' || v.keys, '') || '); name the trusted principals or add an aws:PrincipalOrgID condition.'
    when r.assume_role_policy_std is null then ' was loaded without its trust policy; load get-account-authorization-details or list-roles to evaluate it.'
    when v.unknown then ' has a trust policy the engine cannot read.'
    when v.open_restricted and v.keys is not null then
      ' trusts "*" but a condition limits it to named principals (' || v.keys || ').'
    when v.open_restricted then ' trusts "*" but admits only particular callers from outside the account (its trust '
      || 'policy, or the organization''s RCPs, name them).'
    when v.role_arn is not null then ' trusts "*" but its trust policy refuses callers outside the account and organization.'
    else ' trusts only named principals.'
  end as reason,
  r.account_id,
  r.region
from aws_iam_role as r
  left join verdict as v on v.role_arn = r.arn and v.account_id = r.account_id
