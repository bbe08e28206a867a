/*
title: Cross-account role trust is conditioned
description: >-
  A role whose trust policy lets a whole other AWS account assume it (the account id or its root ARN, or "*" under
  a condition that admits every principal of the account, such as aws:PrincipalAccount) admits callers from there
  only under a condition that names them or the third party: sts:ExternalId (for third parties),
  aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:PrincipalArn, with a positive operator and specific values
  (iam_role_trust_access: the policy engine evaluates the whole trust policy for a caller in that account). A
  condition that does not name the caller (aws:SecureTransport, aws:SourceIp, a negated operator) does not count.
  Trusting a specific role or user ARN of another account names the caller. A "*" that admits callers of every
  account without such a condition alarms too: every other account is trusted as a whole (as
  iam_role_trust_no_wildcard_principal also says). Roles that trust no other account pass; a role whose trust the
  engine cannot read, naming another account or "*", is skipped.
severity: high
resource_type: AWS::IAM::Role
rationale: Trusting a whole other account without conditions lets anyone there who can call sts:AssumeRole in; for third-party services, a missing ExternalId opens the confused-deputy problem, where another customer of the vendor can make it act on your account.
remediation: Add an sts:ExternalId condition for third-party vendors, or aws:PrincipalArn / aws:PrincipalOrgID conditions for your own accounts; name specific roles in Principal rather than the account root.
tables: [aws_iam_role, iam_role_trust_access]
*/
with foreign_trust as (
  select role_arn, account_id,
    string_agg(distinct trusted_account, ', ') filter (where trusted_kind = 'account') as accounts,
    string_agg(distinct trusted_account, ', ') filter (where trusted_kind = 'account'
      and decision in ('Allowed', 'AllowedIf') and not names_caller and not requires_external_id) as open_accounts,
    bool_or(trusted_kind = 'anyone' and decision in ('Allowed', 'AllowedIf')) as open_to_anyone,
    bool_and(requires_external_id) filter (where decision in ('Allowed', 'AllowedIf')) as all_external_id,
    string_agg(distinct condition_keys, ', ') filter (where decision = 'AllowedIf') as keys,
    bool_or(decision = 'Unknown') as unknown
  from iam_role_trust_access
  -- "*" whose answer is not known may admit a whole account (iam_role_trust_access gives such an account its row);
  -- "*" admitting a caller of another account under no condition that names it or asks for an ExternalId admits all
  where (trusted_kind = 'account' and external)
    or (trusted_kind = 'anyone' and (decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf')
      and not names_caller and not requires_external_id)))
  group by role_arn, account_id
)
select
  r.arn as resource,
  case when r.assume_role_policy_std is null then 'skip' when f.open_accounts is not null or f.open_to_anyone then 'alarm'
    when f.unknown then 'skip' else 'ok' end as status,
  'Role ' || r.name || case
    when r.assume_role_policy_std is null then
      ' was loaded without its trust policy; load get-account-authorization-details or list-roles to evaluate it.'
    when f.role_arn is null then ' trusts no other AWS account as a whole.'
    when f.open_to_anyone then ' lets any principal of any AWS account assume it (Principal "*"'
      || coalesce('; its conditions, on ' || f.keys || ', do not name the caller', ', without a condition')
      || '); name the trusted accounts with sts:ExternalId or aws:PrincipalArn/aws:PrincipalOrgID conditions.'
    when f.open_accounts is not null then ' lets any principal of account(s) ' || f.open_accounts || ' assume it'
      || coalesce(' (its conditions, on ' || f.keys || ', do not name the caller)', ' without a condition')
      || '; add sts:ExternalId or aws:PrincipalArn/aws:PrincipalOrgID conditions.'
    when f.unknown then ' has a trust policy the engine cannot read.'
    when f.all_external_id then ' trusts account(s) ' || f.accounts || ' with an ExternalId condition.'
    else ' trusts account(s) ' || f.accounts || ' only under conditions that name the caller (' || coalesce(f.keys, 'none') || ').'
  end as reason,
  r.account_id,
  r.region
from aws_iam_role as r
  left join foreign_trust as f on f.role_arn = r.arn and f.account_id = r.account_id
