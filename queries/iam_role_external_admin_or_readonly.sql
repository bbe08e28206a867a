/*
title: Roles that other accounts may assume do not have AdministratorAccess or ReadOnlyAccess
description: >-
  No role that a principal outside its account (another account, a principal of one, or anyone) may assume, as
  the policy engine judges its trust policy (iam_role_trust_access.external, decision Allowed or AllowedIf), has
  the AWS-managed AdministratorAccess or ReadOnlyAccess policy (arn:<partition>:iam::aws:policy/..., any
  partition) attached. Roles loaded without their attached policies (list-roles) are skipped. The execution role
  that CloudFormation StackSets with service-managed permissions creates in each target member account
  (`stacksets-exec-*`, with AdministratorAccess attached by the service) is info, not alarm, when every outside
  principal its trust admits is the organization's management account or the StackSets service-linked role
  (AWSServiceRoleForCloudFormationStackSetsOrgAdmin) of an account of the role's organization (the management
  account or a delegated administrator), as the loaded organizations list-accounts gives it; a role of that name
  trusting anyone else, or of an account whose organization is not loaded, still alarms. Each role is judged by
  its own trust policy and attachments: an account whose roles are loaded in part is not skipped as a whole.
severity: high
resource_type: AWS::IAM::Role
rationale: >-
  AdministratorAccess hands another account full control; ReadOnlyAccess lets it read every resource, including
  S3 objects, DynamoDB items and secrets' metadata. Third parties rarely need either.
remediation: >-
  Replace the policy with one that lists what the other account needs (SecurityAudit or ViewOnlyAccess for
  auditors), or remove the other account from the trust policy.
tables: [aws_iam_role, iam_role_trust_access, iam_principal_data, iamsql_organization_member]
requires: []
*/
with outside as (
  select role_arn, account_id, string_agg(distinct trusted, ', ') as trusted
  from iam_role_trust_access
  where external and decision in ('Allowed', 'AllowedIf')
  group by role_arn, account_id
), unknown as (
  select distinct role_arn, account_id from iam_role_trust_access where external and decision = 'Unknown'
), member as (
  -- organization members as the loaded list-accounts outputs give them (arn: arn:...:<management>:account/<org>/<id>)
  select distinct id as account_id, split_part(arn, '/', 2) as organization_id,
    split_part(arn, ':', 5) as management_account_id
  from iamsql_organization_member
), stacksets as (
  -- service-managed StackSets' execution role, assumed only by the organization's management account or by the
  -- StackSets service-linked role of an account of the organization
  select t.role_arn, t.account_id
  from iam_role_trust_access as t
    left join member as m on m.account_id = t.account_id
    left join member as tm on tm.account_id = t.trusted_account and tm.organization_id = m.organization_id
  where t.external and t.decision in ('Allowed', 'AllowedIf') and t.role_name like 'stacksets-exec-%'
  group by t.role_arn, t.account_id
  having bool_and(coalesce(
    (t.trusted_kind = 'account' and t.trusted_account = m.management_account_id)
    or (t.trusted_kind = 'principal' and tm.account_id is not null and split_part(t.trusted, ':', 6)
        = 'role/aws-service-role/stacksets.cloudformation.amazonaws.com/AWSServiceRoleForCloudFormationStackSetsOrgAdmin'),
    false))
), broad as (
  select r.arn, string_agg(split_part(p, '/', -1), ' and ' order by p) as policies
  from aws_iam_role as r, jsonb_array_elements_text(r.attached_policy_arns) as p
  where p like 'arn:%:iam::aws:policy/AdministratorAccess' or p like 'arn:%:iam::aws:policy/ReadOnlyAccess'
  group by r.arn
)
select
  r.arn as resource,
  case
    when r.assume_role_policy_std is null then 'skip'
    when o.role_arn is not null and b.policies is not null and s.role_arn is not null and u.role_arn is null then 'info'
    when o.role_arn is not null and b.policies is not null then 'alarm'
    when o.role_arn is not null and not d.attached_known then 'skip'
    when u.role_arn is not null and (b.policies is not null or not d.attached_known) then 'skip'
    else 'ok'
  end as status,
  'Role ' || r.name || case
    when r.assume_role_policy_std is null then
      ' was loaded without its trust policy; load get-account-authorization-details or list-roles to evaluate it.'
    when o.role_arn is not null and b.policies is not null and s.role_arn is not null and u.role_arn is null then
      ' is the execution role CloudFormation StackSets (service-managed permissions) creates with ' || b.policies
      || ' attached; only ' || o.trusted || ' of its organization may assume it.'
    when o.role_arn is not null and b.policies is not null then
      ' has ' || b.policies || ' attached and may be assumed from outside the account by ' || o.trusted
      || '; grant the other party only what it needs.'
    when o.role_arn is not null and not d.attached_known then
      ' may be assumed by ' || o.trusted || ' but was loaded without its attached policies (list-roles); '
      || 'load get-account-authorization-details to evaluate it.'
    when u.role_arn is not null and (b.policies is not null or not d.attached_known) then
      ' has a trust policy the engine cannot read.'
    when o.role_arn is not null then ' may be assumed by ' || o.trusted || ' and has neither AdministratorAccess nor ReadOnlyAccess.'
    else ' may not be assumed from outside its account.'
  end as reason,
  r.account_id,
  'global' as region
from aws_iam_role as r
  join iam_principal_data as d on d.arn = r.arn and d.name = r.name and d.principal_type = 'role' and d.account_id = r.account_id
  left join outside as o on o.role_arn = r.arn and o.account_id = r.account_id
  left join unknown as u on u.role_arn = r.arn and u.account_id = r.account_id
  left join broad as b on b.arn = r.arn
  left join stacksets as s on s.role_arn = r.arn and s.account_id = r.account_id
