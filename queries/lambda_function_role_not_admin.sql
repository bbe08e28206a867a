/*
title: Lambda functions do not run as an administrator
description: >-
  Each Lambda function's execution role is not an administrator: the policy engine (iam_principal_access,
  question full_admin) does not let it perform every action on every resource, counting its identity policies,
  permissions boundary and the organization's SCPs. A function whose role is not in the loaded IAM data, or whose
  role's answer depends on a policy that is not loaded, is skipped, and so is one whose role the loaded policies
  make an administrator beside a document that is not loaded (a managed policy, a boundary: its Deny would win),
  naming it. Each function is judged on its own: an account whose roles are loaded in part is not skipped as a
  whole.
severity: critical
resource_type: AWS::Lambda::Function
rationale: >-
  A function's code gets its execution role's credentials in its environment; a bug, a vulnerable dependency or
  an injected event that makes the code misbehave then acts with every permission of the account.
remediation: >-
  Give the function a role of its own with only the actions and resources it calls (IAM Access Analyzer policy
  generation from CloudTrail shows them) and remove AdministratorAccess or "*" statements from it.
tables: [aws_lambda_function, workload_role, iam_principal_access]
requires: [aws_lambda_function]
*/
with answer as (
  -- admin: allowed by documents that are all known; an allow beside a document not loaded (a managed policy, a
  -- boundary: its Deny would win) is as unknown as an answer that depends on one
  select principal_arn, account_id,
    bool_or(decision in ('Allowed', 'AllowedIf') and missing is null) as admin,
    bool_or(decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null)) as unknown,
    min(granted_by) filter (where decision in ('Allowed', 'AllowedIf') and missing is null) as granted_by,
    min(missing) filter (where decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null))
      as missing,
    min(granted_by) filter (where decision in ('Allowed', 'AllowedIf') and missing is not null) as granted_unless
  from iam_principal_access
  where question = 'full_admin'
  group by principal_arn, account_id
)
select
  f.arn as resource,
  case
    when f.role is null then 'skip'
    when w.role_arn is null or a.principal_arn is null then 'skip'
    when a.admin then 'alarm'
    when a.unknown then 'skip'
    else 'ok'
  end as status,
  case
    when f.role is null then 'Lambda function ' || f.name || ' has no execution role in the loaded data.'
    when w.role_arn is null or a.principal_arn is null then
      'Lambda function ' || f.name || ' runs as ' || f.role || ', which is not in the loaded IAM data; '
        || 'load get-account-authorization-details to judge it.'
    when a.admin then
      'Lambda function ' || f.name || ' runs as ' || w.role_arn || ', which has full administrator access'
        || coalesce(' through ' || a.granted_by, '') || '; give it a role with only what the function calls.'
    when a.unknown then
      'Lambda function ' || f.name || ' runs as ' || w.role_arn || coalesce(', whose loaded policies make it an '
        || 'administrator through ' || a.granted_unless || ', but a Deny in ' || a.missing || ' could take that away',
        ', whose power depends on ' || a.missing) || '; load get-account-authorization-details to judge it.'
    else 'Lambda function ' || f.name || ' runs as ' || w.role_arn || ', which is not an administrator.'
  end as reason,
  f.account_id,
  f.region,
  f.role as role,
  f.runtime
from aws_lambda_function as f
  left join workload_role as w on w.workload_kind = 'lambda_function' and w.workload_arn = f.arn
    and w.account_id = f.account_id
  left join answer as a on a.principal_arn = w.role_arn and a.account_id = f.account_id
