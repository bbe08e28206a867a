/*
title: Roles in use
description: >-
  Each role was used within max_unused_days days before the data was taken, or was created within that period. AWS records role use only for the trailing 400 days, so "never used" means "not used in the last 400 days", and a role with no recorded use is skipped when max_unused_days is longer than that. Service-linked roles (path /aws-service-role/) are reported as info, not evaluated: the owning AWS service manages them.
severity: medium
resource_type: AWS::IAM::Role
rationale: Roles nobody uses keep their permissions and trust relationships alive for attackers; removing them shrinks the attack surface.
remediation: Confirm with the owner (tags, description), then delete the role or remove its permissions; a role IAM Identity Center provisioned (path /aws-reserved/sso.amazonaws.com/) goes when its permission set is removed from the account. Role last-used data needs get-account-authorization-details (or GetRole); list-roles does not return it, and a role loaded without it is skipped, not judged.
tables: [aws_iam_role, iam_principal_data]
parameters:
  max_unused_days: 90
*/
with roles as (
  select
    r.arn, r.name, r.path, r.account_id, r.region, r.role_last_used_date, r.role_last_used_region, d.last_used_known,
    coalesce(r.path, '/') like '/aws-service-role/%' as service_linked,
    -- IAM Identity Center provisions a role per permission set assigned to the account and protects it: it is
    -- removed by removing the assignment, not in IAM
    case when coalesce(r.path, '/') like '/aws-reserved/sso.amazonaws.com/%'
      then '; IAM Identity Center provisioned it for a permission set assigned to this account: remove the permission '
        || 'set from the account there (IAM cannot delete the role).'
      else '; remove it if it is no longer needed.' end as remedy,
    date_part('day', now() - r.role_last_used_date)::int as days_unused,
    date_part('day', now() - r.create_date)::int as age,
    -- "within max_unused_days days" to the second: use 90 days and 5 hours ago is more than 90 days ago
    r.role_last_used_date >= now() - :max_unused_days * interval '1 day' as used_recently,
    r.create_date >= now() - :max_unused_days * interval '1 day' as new_role
  from aws_iam_role as r
    join iam_principal_data as d on d.arn = r.arn and d.name = r.name and d.principal_type = 'role' and d.account_id = r.account_id
)
select
  arn as resource,
  case
    when service_linked then 'info'
    when used_recently then 'ok'
    when role_last_used_date is null and new_role then 'ok'
    when not last_used_known then 'skip'
    -- AWS reports a role's last use for the trailing 400 days only: no use in them says nothing of a longer period
    when role_last_used_date is null and :max_unused_days > 400 then 'skip'
    else 'alarm'
  end as status,
  'Role ' || name || case
    when service_linked then ' is a service-linked role managed by its AWS service; not evaluated.'
    when used_recently
      then ' was last used ' || days_unused || case when days_unused = 1 then ' day' else ' days' end
        || ' before the data was taken' || coalesce(' in ' || role_last_used_region, '') || '.'
    when role_last_used_date is not null
      then ' was last used '
        || case when days_unused > :max_unused_days then days_unused || case when days_unused = 1 then ' day' else ' days' end
           else 'over ' || :max_unused_days || case when :max_unused_days = 1 then ' day' else ' days' end end
        || ' before the data was taken (more than ' || :max_unused_days || ')' || remedy
    when new_role
      then ' has not been used yet; it was created ' || age || case when age = 1 then ' day' else ' days' end
        || ' before the data was taken, within the ' || :max_unused_days || '-day grace period.'
    when not last_used_known
      then ' was loaded without last-used information (list-roles does not return it); load get-account-authorization-details to evaluate it.'
    when :max_unused_days > 400
      then ' has no recorded use in the 400 days before the data was taken, the longest AWS tracks role use, so'
        || ' whether it was used in the ' || :max_unused_days || ' days before is not known'
        || coalesce('; it was created ' || age || case when age = 1 then ' day' else ' days' end
          || ' before the data was taken', '') || '.'
    -- AWS reports a role's last use for the trailing 400 days only: a younger role has no use since it was created
    when age < 400
      then ' has no recorded use since it was created ' || age || case when age = 1 then ' day' else ' days' end
        || ' before the data was taken' || remedy
    else ' has no recorded use in the 400 days before the data was taken (AWS tracks role use that long)'
      || coalesce(' and was created ' || age || case when age = 1 then ' day' else ' days' end
        || ' before the data was taken', '') || remedy
  end as reason,
  account_id,
  region
from roles
