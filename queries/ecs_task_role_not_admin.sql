/*
title: ECS task roles are not administrators
description: >-
  The task role of each ACTIVE ECS task definition (the role its containers call AWS with) is not an
  administrator: the policy engine (iam_principal_access, question full_admin) does not let it perform every
  action on every resource. A task definition without a task role passes; one whose role is not in the loaded
  IAM data, or whose role's answer depends on a policy that is not loaded, is skipped, and so is one whose role
  the loaded policies make an administrator beside a document that is not loaded (its Deny would win), naming it;
  an account whose roles are loaded in part is not skipped as a whole. The execution role (used
  by the ECS agent, not by the application) is not judged here.
severity: critical
resource_type: AWS::ECS::TaskDefinition
rationale: >-
  Every container of the task can read the task role's credentials from the container credentials endpoint; a
  compromised container image or application then holds administrator power over the account.
remediation: >-
  Give each task definition a task role with only the actions and resources its containers call, and register a
  new revision that uses it.
tables: [aws_ecs_task_definition, workload_role, iam_principal_access]
requires: [aws_ecs_task_definition]
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
  t.task_definition_arn as resource,
  case
    when t.task_role_arn is null then 'ok'
    when w.role_arn is null or a.principal_arn is null then 'skip'
    when a.admin then 'alarm'
    when a.unknown then 'skip'
    else 'ok'
  end as status,
  case
    when t.task_role_arn is null then 'Task definition ' || t.title || ' has no task role: its containers get no AWS credentials.'
    when w.role_arn is null or a.principal_arn is null then
      'Task definition ' || t.title || ' uses the task role ' || t.task_role_arn || ', which is not in the loaded '
        || 'IAM data; load get-account-authorization-details to judge it.'
    when a.admin then
      'Task definition ' || t.title || ' gives its containers the task role ' || w.role_arn
        || ', which has full administrator access' || coalesce(' through ' || a.granted_by, '')
        || '; give it a role with only what the containers call.'
    when a.unknown then
      'Task definition ' || t.title || ' uses the task role ' || w.role_arn || coalesce(', whose loaded policies make it '
        || 'an administrator through ' || a.granted_unless || ', but a Deny in ' || a.missing || ' could take that away',
        ', whose power depends on ' || a.missing) || '; load get-account-authorization-details to judge it.'
    else 'Task definition ' || t.title || ' uses the task role ' || w.role_arn || ', which is not an administrator.'
  end as reason,
  t.account_id,
  t.region,
  t.task_role_arn as role
from aws_ecs_task_definition as t
  left join workload_role as w on w.workload_kind = 'ecs_task_role' and w.workload_arn = t.task_definition_arn
    and w.account_id = t.account_id
  left join answer as a on a.principal_arn = w.role_arn and a.account_id = t.account_id
where coalesce(t.status, 'ACTIVE') = 'ACTIVE'
