/*
The IAM role each workload runs with: one row per workload and role. Workloads: EC2 instances that are not
terminated and have an instance profile (the profile's roles, from aws_iam_instance_profile or the roles'
instance_profile_arns), Lambda functions (execution role), ACTIVE ECS task definitions (task role and execution
role, named by ARN or by role name) and EKS clusters (cluster role).

Columns: account_id, workload_kind ('ec2_instance' | 'lambda_function' | 'ecs_task_role' | 'ecs_execution_role' |
'eks_cluster'), workload_arn, workload_name, region, instance_profile_arn (EC2 only), role_ref (the role as the
workload names it; NULL when the instance profile is not in the loaded IAM data), role_arn (the loaded IAM role
it resolves to; NULL when that role is not loaded), detail.

An instance profile that is loaded and holds no role gives no row: the instance carries no role.
*/
with
profile_role as (
  select p.arn as profile_arn, p.account_id, r ->> 'Arn' as role_arn
  from aws_iam_instance_profile as p, jsonb_array_elements(coalesce(p.roles, '[]'::jsonb)) as r
  union
  select pa, r.account_id, r.arn
  from aws_iam_role as r, jsonb_array_elements_text(coalesce(r.instance_profile_arns, '[]'::jsonb)) as pa
),
known_profile as (
  select profile_arn, account_id from profile_role
  union
  select arn, account_id from aws_iam_instance_profile
),
workload as (
  select i.account_id, 'ec2_instance' as workload_kind, i.arn as workload_arn, i.title as workload_name, i.region,
    i.iam_instance_profile_arn as instance_profile_arn, pr.role_arn as role_ref,
    'instance ' || i.instance_id || ' (' || coalesce(i.instance_state, 'state unknown') || ', IMDS tokens '
      || coalesce(nullif(i.metadata_options ->> 'HttpTokens', ''), 'unknown') || ') through instance profile '
      || i.iam_instance_profile_arn as detail
  from aws_ec2_instance as i
    left join profile_role as pr on pr.profile_arn = i.iam_instance_profile_arn and pr.account_id = i.account_id
  where i.iam_instance_profile_arn is not null and coalesce(i.instance_state, '') <> 'terminated'
    and (pr.role_arn is not null or not exists (
      select 1 from known_profile as k where k.profile_arn = i.iam_instance_profile_arn and k.account_id = i.account_id))
  union all
  select f.account_id, 'lambda_function', f.arn, f.name, f.region, null, f.role,
    'function ' || f.name || coalesce(' (' || f.runtime || ')', '') || ' runs as it'
  from aws_lambda_function as f
  where f.role is not null
  union all
  select t.account_id, 'ecs_task_role', t.task_definition_arn, t.title, t.region, null, t.task_role_arn,
    'the containers of task definition ' || t.title || ' call AWS with it'
  from aws_ecs_task_definition as t
  where t.task_role_arn is not null and coalesce(t.status, 'ACTIVE') = 'ACTIVE'
  union all
  select t.account_id, 'ecs_execution_role', t.task_definition_arn, t.title, t.region, null, t.execution_role_arn,
    'the ECS agent pulls images and writes logs for task definition ' || t.title || ' with it'
  from aws_ecs_task_definition as t
  where t.execution_role_arn is not null and coalesce(t.status, 'ACTIVE') = 'ACTIVE'
  union all
  select c.account_id, 'eks_cluster', c.arn, c.name, c.region, null, c.role_arn,
    'the control plane of cluster ' || c.name || ' manages AWS resources with it'
      || coalesce('; its OIDC issuer is ' || (c.identity -> 'Oidc' ->> 'Issuer'), '')
  from aws_eks_cluster as c
  where c.role_arn is not null
)
select w.account_id, w.workload_kind, w.workload_arn, w.workload_name, w.region, w.instance_profile_arn, w.role_ref,
  r.arn as role_arn, w.detail
from workload as w
  left join aws_iam_role as r on r.account_id = w.account_id
    and (r.arn = w.role_ref or (w.role_ref not like 'arn:%' and r.name = w.role_ref))
