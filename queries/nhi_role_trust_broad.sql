/*
title: Workload roles cannot be assumed by whole accounts
description: >-
  No role classified as a non-human identity (iam_principal) lets every principal of an entire AWS account (its
  own or another: `arn:...:root`, an account id, or `*` under a condition such as aws:PrincipalAccount that admits
  the whole account), or every principal (`*`), assume it without a condition that names the caller
  (iam_role_trust_access: the policy engine evaluates the whole trust policy for a caller of that account;
  aws:PrincipalArn, aws:PrincipalOrgID, sts:ExternalId... count, aws:SecureTransport does not).
severity: high
resource_type: AWS::IAM::Role
rationale: >-
  Trusting an account lets every user and role there that has sts:AssumeRole become the workload, so people
  (and any compromised identity) can act as the workload: human use and reuse of an NHI with no trace of
  who it really was.
remediation: >-
  Trust only the principals that need the role (specific role ARNs), or add conditions (aws:PrincipalArn,
  aws:PrincipalOrgID, sts:ExternalId, aws:SourceIdentity) to the statement.
tables: [iam_principal, aws_iam_role, iam_role_trust_access]
*/
with broad as (
  select role_arn, account_id, string_agg(distinct trusted, ', ') as trusted
  from iam_role_trust_access
  where trusted_kind in ('account', 'anyone') and decision in ('Allowed', 'AllowedIf')
    and not names_caller and not requires_external_id
  group by role_arn, account_id
), unknown as (
  select distinct role_arn, account_id from iam_role_trust_access
  where trusted_kind in ('account', 'anyone') and decision = 'Unknown'
)
select
  p.principal_arn as resource,
  case when r.assume_role_policy_std is null then 'skip' when b.role_arn is not null then 'alarm'
    when u.role_arn is not null then 'skip' else 'ok' end as status,
  case
    when r.assume_role_policy_std is null then 'The workload role ' || p.name ||
      ' was loaded without its trust policy; load get-account-authorization-details or list-roles to evaluate it.'
    when b.role_arn is null and u.role_arn is not null then 'The workload role ' || p.name || ' has a trust policy the engine cannot read.'
    when b.role_arn is null then 'The workload role ' || p.name || ' trusts no whole account without a condition naming the caller.'
    else 'The workload role ' || p.name || ' (' || p.nhi_reason || ') can be assumed by any principal of '
      || b.trusted || ' without a condition naming the caller; trust specific role ARNs or add conditions.'
  end as reason,
  p.account_id,
  'global' as region
from iam_principal as p
  join aws_iam_role as r on r.arn = p.principal_arn and r.account_id = p.account_id
  left join broad as b on b.role_arn = p.principal_arn and b.account_id = p.account_id
  left join unknown as u on u.role_arn = p.principal_arn and u.account_id = p.account_id
where p.is_nhi and p.principal_type = 'role' and p.nhi_rule <> 'service_linked_role'
