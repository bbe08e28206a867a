/*
title: OIDC web-identity trust is limited by subject
description: A role that trusts an OIDC identity provider (GitHub Actions, EKS, GitLab, Terraform Cloud...) has a condition on the provider's "sub" claim in every such statement, and that condition is not a bare wildcard ("*" or "repo:*").
severity: high
resource_type: AWS::IAM::Role
rationale: Without a sub condition, any workload that can get a token from the provider (any GitHub repository in the world, any service account in the cluster) can assume the role.
remediation: Add a StringEquals or StringLike condition on <provider>:sub naming the repository and branch, or the namespace and service account, allowed to assume the role.
tables: [aws_iam_role]
*/
with statements as (
  select
    r.arn, r.name, r.account_id, r.region,
    regexp_replace(federated, '^.*:oidc-provider/', '') as provider,
    coalesce((s -> 'Condition')::text ~ ':sub"', false) as has_sub,
    coalesce((s -> 'Condition')::text ~ ':sub":\s*\[\s*"(\*|repo:\*)"\s*\]', false) as wildcard_sub
  from aws_iam_role as r,
    jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Principal' -> 'Federated') as federated
  where s ->> 'Effect' = 'Allow' and federated like 'arn:%:oidc-provider/%'
)
select
  arn as resource,
  case when bool_and(has_sub and not wildcard_sub) then 'ok' else 'alarm' end as status,
  'Role ' || min(name) || case
    when bool_and(has_sub and not wildcard_sub) then ' limits its OIDC trust (' || string_agg(distinct provider, ', ') || ') by subject.'
    when bool_or(wildcard_sub) then ' trusts ' || string_agg(distinct provider, ', ') || ' with a wildcard sub condition; name the allowed subjects.'
    else ' trusts ' || string_agg(distinct provider, ', ') || ' without a sub condition, so any workload of that provider can assume it; add one.'
  end as reason,
  account_id,
  region
from statements
group by arn, account_id, region
