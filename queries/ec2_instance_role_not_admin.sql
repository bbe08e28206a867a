/*
title: EC2 instances do not run as an administrator
description: >-
  No role in the instance profile of an EC2 instance (not terminated) is an administrator: the policy engine
  (iam_principal_access, question full_admin) does not let it perform every action on every resource. An
  instance without an instance profile, or whose profile holds no role, passes; one whose instance profile or
  role is not in the loaded IAM data, or whose role's answer depends on a policy that is not loaded, is skipped,
  and so is one whose role the loaded policies make an administrator beside a document that is not loaded (a
  managed policy, a boundary: its Deny would win), naming it. Each instance is judged on its own: an account whose
  roles are loaded in part is not skipped as a whole.
severity: critical
resource_type: AWS::EC2::Instance
rationale: >-
  Any process on the instance, and anyone who can make it send a request to the instance metadata service (SSRF),
  gets the role's credentials; an administrator role turns a compromised instance into a compromised account.
remediation: >-
  Attach an instance profile whose role allows only what the instance's software calls; remove
  AdministratorAccess or "*" statements from the role.
tables: [aws_ec2_instance, workload_role, iam_principal_access]
requires: [aws_ec2_instance]
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
),
judged as (
  select w.workload_arn, w.account_id,
    string_agg(w.role_arn, ', ' order by w.role_arn) filter (where a.admin) as admin_roles,
    min(a.granted_by) filter (where a.admin) as granted_by,
    bool_or(w.role_arn is null or a.principal_arn is null or a.unknown) as unknown,
    min(a.missing) filter (where a.unknown) as missing,
    min(a.granted_unless) filter (where a.unknown) as granted_unless,
    string_agg(coalesce(w.role_arn, w.role_ref, w.instance_profile_arn), ', ') as roles
  from workload_role as w
    left join answer as a on a.principal_arn = w.role_arn and a.account_id = w.account_id
  where w.workload_kind = 'ec2_instance'
  group by w.workload_arn, w.account_id
)
select
  i.arn as resource,
  case
    when j.admin_roles is not null then 'alarm'
    when j.unknown then 'skip'
    else 'ok'
  end as status,
  case
    when j.admin_roles is not null then
      'Instance ' || i.title || ' runs as ' || j.admin_roles || ', which has full administrator access'
        || coalesce(' through ' || j.granted_by, '') || '; give its instance profile a role with only what it calls.'
    when j.unknown then
      'Instance ' || i.title || ' runs with ' || j.roles || ' (instance profile ' || i.iam_instance_profile_arn
        || '), which cannot be judged from the loaded IAM data' || coalesce(': its loaded policies make it an '
        || 'administrator through ' || j.granted_unless || ', but a Deny in ' || j.missing || ' could take that away',
        ': its power depends on ' || j.missing, '') || '; load get-account-authorization-details.'
    when j.workload_arn is not null then 'Instance ' || i.title || ' runs as ' || j.roles || ', which is not an administrator.'
    when i.iam_instance_profile_arn is not null then
      'Instance ' || i.title || ' has instance profile ' || i.iam_instance_profile_arn || ', which holds no role.'
    else 'Instance ' || i.title || ' has no instance profile: it carries no role.'
  end as reason,
  i.account_id,
  i.region,
  i.instance_id,
  i.iam_instance_profile_arn
from aws_ec2_instance as i
  left join judged as j on j.workload_arn = i.arn and j.account_id = i.account_id
where coalesce(i.instance_state, '') <> 'terminated'
