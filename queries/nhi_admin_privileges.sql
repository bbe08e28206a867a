/*
title: Non-human identities are not administrators
description: >-
  No IAM user or role classified as a non-human identity (iam_principal) holds administrator power, as the
  policy engine judges it (iam_principal_access): every action on every resource (full_admin), every IAM action
  (iam_admin, enough to grant itself the rest), or the right to assume a role that has either. Groups, permissions
  boundaries and Deny statements count as IAM counts them. An identity whose policies are not all loaded, or
  that may assume an administrator role whose trust policy is not loaded or cannot be read (or a role whose own
  power is not known), is skipped unless what is loaded already makes it an administrator.
severity: critical
resource_type: AWS::IAM::Principal
rationale: >-
  Workloads are the identities attackers reach most easily (a vulnerable application, a CI job, a leaked
  key); an administrator workload turns any of those into a takeover of the account.
remediation: >-
  Replace the administrator policy with one that lists what the workload calls (CloudTrail and IAM Access
  Analyzer policy generation show it); for deployment pipelines, scope by resource and add a permissions boundary.
tables: [iam_principal, iam_principal_access]
requires: [aws_iam_policy]
*/
with power as (
  select principal_arn, account_id,
    bool_or(question = 'full_admin' and decision in ('Allowed', 'AllowedIf')) as full_admin,
    bool_or(question = 'iam_admin' and decision in ('Allowed', 'AllowedIf')) as iam_admin,
    string_agg(detail, ', ' order by detail) filter (where question = 'assume_admin_role' and decision in ('Allowed', 'AllowedIf')) as assumes,
    bool_or(decision = 'Unknown') as unknown,
    min(missing) filter (where decision = 'Unknown') as missing,
    min(granted_by) filter (where question in ('full_admin', 'iam_admin') and decision in ('Allowed', 'AllowedIf')) as granted_by
  from iam_principal_access
  where question in ('full_admin', 'iam_admin', 'assume_admin_role')
  group by principal_arn, account_id
)
select
  p.principal_arn as resource,
  case
    when a.full_admin or a.iam_admin or a.assumes is not null then
      case when p.nhi_rule = 'service_linked_role' then 'info' else 'alarm' end
    when a.principal_arn is null or a.unknown then 'skip'
    else 'ok'
  end as status,
  case
    when p.nhi_rule = 'service_linked_role' and (a.full_admin or a.iam_admin or a.assumes is not null) then
      'The service-linked role ' || p.name || ' has administrator-level rights set by AWS; only its service can use it.'
    when a.full_admin or a.iam_admin then
      'The non-human ' || p.principal_type || ' ' || p.name || ' (' || p.nhi_reason || ') has '
        || case when a.full_admin then 'full administrator access' else 'all IAM actions' end
        || coalesce(' through ' || a.granted_by, '') || '; grant it only what the workload calls.'
    when a.assumes is not null then
      'The non-human ' || p.principal_type || ' ' || p.name || ' (' || p.nhi_reason || ') can assume the administrator role '
        || a.assumes || '; narrow that role''s trust or this identity''s sts:AssumeRole permission.'
    when a.principal_arn is null then
      'The non-human ' || p.principal_type || ' ' || p.name || ' is not in the loaded IAM data with its policies; '
        || 'load get-account-authorization-details to evaluate it.'
    when a.unknown then
      'The non-human ' || p.principal_type || ' ' || p.name || ' cannot be judged: the answer depends on '
        || a.missing || case when a.missing like '%(not loaded)%'
          then '; load get-account-authorization-details to evaluate it.' else '.' end
    else
      'The non-human ' || p.principal_type || ' ' || p.name || ' is not an administrator.'
  end as reason,
  p.account_id,
  'global' as region
from iam_principal as p
  left join power as a on a.principal_arn = p.principal_arn and a.account_id = p.account_id
where p.is_nhi and p.principal_type in ('user', 'role')
