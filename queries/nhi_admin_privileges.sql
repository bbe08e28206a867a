/*
title: Non-human identities are not administrators
description: >-
  No IAM user or role classified as a non-human identity (iam_principal) holds administrator power: all
  actions on all resources, or all IAM actions (enough to grant itself the rest), through any of its
  policies, groups included (iam_principal_admin). An identity loaded without its policies (from a listing)
  is skipped unless what is loaded already makes it an administrator.
severity: critical
resource_type: AWS::IAM::Principal
rationale: >-
  Workloads are the identities attackers reach most easily (a vulnerable application, a CI job, a leaked
  key); an administrator workload turns any of those into a takeover of the account.
remediation: >-
  Replace the administrator policy with one that lists what the workload calls (CloudTrail and IAM Access
  Analyzer policy generation show it); for deployment pipelines, scope by resource and add a permissions boundary.
tables: [iam_principal, iam_principal_admin, iam_principal_data]
requires: [aws_iam_policy]
*/
select
  p.principal_arn as resource,
  case
    when coalesce(a.full_admin, false) or coalesce(a.iam_admin, false) then
      case when p.nhi_rule = 'service_linked_role' then 'info' else 'alarm' end
    when not (d.attached_known and d.inline_known and coalesce(d.groups_known, true)) then 'skip'
    else 'ok'
  end as status,
  case
    when not (coalesce(a.full_admin, false) or coalesce(a.iam_admin, false))
      and not (d.attached_known and d.inline_known and coalesce(d.groups_known, true)) then
      'The non-human ' || p.principal_type || ' ' || p.name || ' was loaded without its policies or groups (from a '
        || 'listing); load get-account-authorization-details to evaluate it.'
    when not (coalesce(a.full_admin, false) or coalesce(a.iam_admin, false)) then
      'The non-human ' || p.principal_type || ' ' || p.name || ' is not an administrator.'
    when p.nhi_rule = 'service_linked_role' then
      'The service-linked role ' || p.name || ' has administrator-level rights set by AWS; only its service can use it.'
    else
      'The non-human ' || p.principal_type || ' ' || p.name || ' (' || p.nhi_reason || ') has '
        || case when a.full_admin then 'full administrator access' else 'all IAM actions' end
        || ' through ' || a.granted_by || '; grant it only what the workload calls.'
  end as reason,
  p.account_id,
  'global' as region
from iam_principal as p
  join iam_principal_data as d on d.arn = p.principal_arn and d.name = p.name and d.principal_type = p.principal_type and d.account_id = p.account_id
  left join iam_principal_admin as a on a.principal_arn = p.principal_arn and a.account_id = p.account_id
where p.is_nhi and p.principal_type in ('user', 'role')
