/*
title: OIDC web-identity trust is limited by subject
description: >-
  A role that trusts an OIDC identity provider (GitHub Actions, EKS, GitLab, Terraform Cloud, Cognito identity
  pools...) admits only the workloads it names: the policy engine evaluates the whole trust policy for
  sts:AssumeRoleWithWebIdentity from that provider (iam_role_trust_access), and every way in must depend on a
  positive condition on the provider's "sub" claim (or, for Cognito, the identity pool "aud") whose every value
  spells out the owner (repo:ORG/...; not "*", "repo:*", or a wildcard owner). StringNotEquals or StringNotLike on
  "sub", or an "aud" condition alone, leaves the role open.
severity: high
resource_type: AWS::IAM::Role
rationale: Without a sub condition, any workload that can get a token from the provider (any GitHub repository in the world, any service account in the cluster) can assume the role.
remediation: Add a StringEquals or StringLike condition on <provider>:sub naming the repository and branch, or the namespace and service account, allowed to assume the role.
tables: [iam_role_trust_access]
requires: [aws_iam_role]
*/
select
  role_arn as resource,
  case when bool_or(decision in ('Allowed', 'AllowedIf') and not names_caller) then 'alarm'
       when bool_or(decision = 'Unknown') then 'skip' else 'ok' end as status,
  'Role ' || min(role_name) || case
    when bool_or(decision in ('Allowed', 'AllowedIf') and not names_caller) then
      ' lets any workload of ' || string_agg(distinct regexp_replace(trusted, '^.*:oidc-provider/', ''), ', ')
      || ' assume it' || coalesce(' (it depends only on ' || string_agg(distinct condition_keys, ', ') || ')', ' without a condition')
      || '; add a sub condition naming the allowed repositories or service accounts.'
    when bool_or(decision = 'Unknown') then ' has a trust policy the engine cannot read.'
    else ' limits its OIDC trust (' || string_agg(distinct regexp_replace(trusted, '^.*:oidc-provider/', ''), ', ') || ') by subject.'
  end as reason,
  account_id,
  'global' as region
from iam_role_trust_access
where trusted_kind = 'oidc'
group by role_arn, account_id
