/*
The non-human identity inventory: every IAM role of every loaded account, and every IAM user classified as
non-human (iam_principal), with what uses it. One row per identity and use; an identity with no known use has
one row with use_kind NULL. docs/nhi.md describes it.

Columns: account_id, principal_arn, principal_type ('role' | 'user'), name, is_nhi, nhi_rule, nhi_reason,
use_kind, used_by, use_region, detail.

use_kind:
- a workload that runs with the role (workload_role): 'ec2_instance', 'lambda_function', 'ecs_task_role',
  'ecs_execution_role', 'eks_cluster'; used_by is the workload's ARN, use_region its region;
- a principal the role's trust policy lets assume it, as the policy engine judges it (iam_role_trust_access,
  decision Allowed or AllowedIf): 'aws_service', 'oidc_federation', 'saml_federation', 'cross_account' (an
  account or principal of another AWS account) or 'anyone'; used_by is the trusted principal, use_region 'global';
- an IAM Identity Center assignment of the permission set the role was provisioned for (the role
  AWSReservedSSO_<permission set>_<suffix> of the assignment's account, under /aws-reserved/sso.amazonaws.com/ and
  the region of the permission set's instance when its path names one): 'identity_center_user' or
  'identity_center_group'; used_by is the identity store user or group name (its id when the identity store is
  not loaded), detail names the permission set. The members of an assigned group are 'identity_center_user' rows
  too, detail 'permission set <name>, through group <group>'.
*/
with
identity as (
  select principal_arn, principal_type, name, is_nhi, nhi_rule, nhi_reason, account_id
  from iam_principal
  where principal_type = 'role' or (principal_type = 'user' and is_nhi)
),
sso_assignment as (
  select a.target_account_id, a.principal_type, a.principal_id, p.name as permission_set,
    coalesce(p.region, i.region) as region
  from aws_ssoadmin_account_assignment as a
    join aws_ssoadmin_permission_set as p on p.arn = a.permission_set_arn
    left join aws_ssoadmin_instance as i on i.arn = p.instance_arn
),
-- each assigned user or group, and each member of an assigned group (via_group: the group's id)
sso_holder as (
  select target_account_id, permission_set, region, principal_type, principal_id, cast(null as varchar) as via_group
  from sso_assignment
  union all
  select a.target_account_id, a.permission_set, a.region, 'USER', m.member_id, a.principal_id
  from sso_assignment as a
    join aws_identitystore_group_membership as m on a.principal_type = 'GROUP' and m.group_id = a.principal_id
),
-- the roles Identity Center provisions, with the permission set name their name carries (before the last '_')
sso_role as (
  select principal_arn, account_id,
    substr(name, 16, length(name) - 15 - instr(reverse(name), '_')) as permission_set
  from identity
  where principal_type = 'role' and name like 'AWSReservedSSO%'
    and principal_arn like '%:role/aws-reserved/sso.amazonaws.com/%'
),
role_use as (
  select role_arn as principal_arn, account_id, workload_kind as use_kind, workload_arn as used_by,
    region as use_region, detail
  from workload_role
  where role_arn is not null
  union all
  select role_arn, account_id,
    case
      when trusted_kind = 'service' then 'aws_service'
      when trusted_kind = 'oidc' then 'oidc_federation'
      when trusted_kind = 'saml' then 'saml_federation'
      when trusted_kind = 'anyone' then 'anyone'
      else 'cross_account'
    end,
    trusted, 'global',
    string_agg(distinct action, ', ') || case when bool_and(decision = 'Allowed') then ' allowed'
      else ' allowed under conditions on ' || coalesce(string_agg(distinct condition_keys, ', '), 'the request') end
  from iam_role_trust_access
  where decision in ('Allowed', 'AllowedIf') and (trusted_kind in ('service', 'oidc', 'saml', 'anyone') or external)
  group by role_arn, account_id, trusted_kind, trusted
  union all
  select r.principal_arn, r.account_id, 'identity_center_' || lower(h.principal_type),
    coalesce(u.name, g.name, h.principal_id), 'global',
    'permission set ' || h.permission_set || coalesce(', through group ' || coalesce(via.name, h.via_group), '')
  from sso_role as r
    join sso_holder as h
      on h.target_account_id = r.account_id and h.permission_set = r.permission_set
      and (h.region is null
        or r.principal_arn like concat('%:role/aws-reserved/sso.amazonaws.com/', h.region, '/%')
        or r.principal_arn like '%:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO%')
    left join aws_identitystore_user as u on h.principal_type = 'USER' and u.id = h.principal_id
    left join aws_identitystore_group as g on h.principal_type = 'GROUP' and g.id = h.principal_id
    left join aws_identitystore_group as via on via.id = h.via_group
)
select i.account_id, i.principal_arn, i.principal_type, i.name, i.is_nhi, i.nhi_rule, i.nhi_reason,
  u.use_kind, u.used_by, u.use_region, u.detail
from identity as i
  left join role_use as u on u.principal_arn = i.principal_arn and u.account_id = i.account_id
