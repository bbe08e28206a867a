/*
title: Non-human identities are not administrators
description: >-
  No IAM user or role classified as a non-human identity (iam_principal) holds administrator power, as the
  policy engine judges it (iam_principal_access): every action on every resource (full_admin), every IAM action
  (iam_admin, enough to grant itself the rest), or the right to assume a role that has either. Groups, permissions
  boundaries and Deny statements count as IAM counts them. Each identity is judged on its own: an account whose
  managed policies are loaded in part (get-account-authorization-details --filter User) is not skipped as a
  whole. An identity whose loaded policies make it an administrator while a document it holds is not loaded (a
  managed policy, a group's policies, its boundary: any could hold a Deny), that may assume an administrator role
  whose trust policy is not loaded or cannot be read (or a role whose own power is not known), or whose other
  answers depend on a document that is not loaded, is skipped, naming the document. One that is not an
  administrator is skipped when the account's roles are loaded in part: a role not loaded may be an
  administrator it can assume.
severity: critical
resource_type: AWS::IAM::Principal
rationale: >-
  Workloads are the identities attackers reach most easily (a vulnerable application, a CI job, a leaked
  key); an administrator workload turns any of those into a takeover of the account.
remediation: >-
  Replace the administrator policy with one that lists what the workload calls (CloudTrail and IAM Access
  Analyzer policy generation show it); for deployment pipelines, scope by resource and add a permissions boundary.
tables: [iam_principal, iam_principal_access, iamsql_partial]
requires: []
*/
with answer as (
  -- proven: allowed by documents that are all known; an allow beside a document not loaded holds only if that
  -- document holds no Deny of it, so it is as unknown as the rest
  select principal_arn, account_id, question, decision, detail, granted_by, missing,
    decision in ('Allowed', 'AllowedIf') and missing is null as proven,
    decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null) as unknown
  from iam_principal_access
  where question in ('full_admin', 'iam_admin', 'assume_admin_role')
), power as (
  select principal_arn, account_id,
    bool_or(question = 'full_admin' and proven) as full_admin,
    bool_or(question = 'iam_admin' and proven) as iam_admin,
    string_agg(detail, ', ' order by detail) filter (where question = 'assume_admin_role' and proven) as assumes,
    bool_or(unknown) as unknown,
    min(missing) filter (where unknown) as missing,
    min(granted_by) filter (where question in ('full_admin', 'iam_admin') and proven) as granted_by,
    -- administrator power that the loaded documents give, and the documents not loaded that could deny it
    min(granted_by) filter (where question in ('full_admin', 'iam_admin') and unknown and decision <> 'Unknown')
      as granted_unless,
    min(missing) filter (where question in ('full_admin', 'iam_admin') and unknown and decision <> 'Unknown')
      as deny_unknown
  from answer
  group by principal_arn, account_id
), partial_roles as (
  select account_id, reason from iamsql_partial where table_name = 'aws_iam_role'
)
select
  p.principal_arn as resource,
  case
    when a.full_admin or a.iam_admin or a.assumes is not null then
      case when p.nhi_rule = 'service_linked_role' then 'info' else 'alarm' end
    when a.principal_arn is null or a.unknown or r.account_id is not null then 'skip'
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
      'The non-human ' || p.principal_type || ' ' || p.name || ' cannot be judged: '
        || coalesce('its loaded policies make it an administrator through ' || a.granted_unless || ', but a Deny in '
          || a.deny_unknown || ' could take that away', 'the answer depends on ' || a.missing)
        || case when coalesce(a.deny_unknown, a.missing) like '%(not loaded)%'
          then '; load get-account-authorization-details to evaluate it.' else '.' end
    when r.account_id is not null then
      'The non-human ' || p.principal_type || ' ' || p.name || ' is not an administrator by the loaded data, but only '
        || 'part of the account''s roles is loaded (' || r.reason || '): a role not loaded may be an administrator it '
        || 'can assume; load get-account-authorization-details to evaluate it.'
    else
      'The non-human ' || p.principal_type || ' ' || p.name || ' is not an administrator.'
  end as reason,
  p.account_id,
  'global' as region
from iam_principal as p
  left join power as a on a.principal_arn = p.principal_arn and a.account_id = p.account_id
  left join partial_roles as r on r.account_id = p.account_id
where p.is_nhi and p.principal_type in ('user', 'role')
