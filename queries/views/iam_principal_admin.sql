/*
IAM users and roles that hold administrator power through any of their policies (iam_principal_statement):
- full_admin: an Allow of every action (`*` or `*:*`) on every resource;
- iam_admin: an Allow of every IAM action (`*`, `*:*`, `iam:*`, or a NotAction that leaves IAM out) on every
  resource, enough to grant itself anything else.
An unconditional Deny of the same scope cancels it; conditions on the Allow do not (they narrow when, not
what). Permissions boundaries are not applied here. Columns: principal_arn, account_id, full_admin,
iam_admin, granted_by (the policies that grant it).
*/
with statement as (
  select principal_arn, account_id, policy_kind, coalesce(policy_name, policy_arn) as policy_name, effect, statement,
    statement -> 'Resource' ? '*' or statement ? 'NotResource' as every_resource,
    statement -> 'Action' ? '*' or statement -> 'Action' ? '*:*' as all_actions,
    statement -> 'Action' ? '*' or statement -> 'Action' ? '*:*' or statement -> 'Action' ? 'iam:*' as all_iam,
    statement ? 'NotAction' and not exists (
      select 1 from jsonb_array_elements_text(statement -> 'NotAction') as n where n = '*' or n like 'iam:%'
    ) as not_action_keeps_iam,
    statement ? 'Condition' as conditional
  from iam_principal_statement
  where policy_kind <> 'permissions_boundary'
),
verdict as (
  select principal_arn, account_id,
    bool_or(effect = 'Allow' and every_resource and all_actions) as allows_all,
    bool_or(effect = 'Allow' and every_resource and (all_iam or not_action_keeps_iam)) as allows_iam,
    bool_or(effect = 'Deny' and not conditional and every_resource and all_actions) as denies_all,
    bool_or(effect = 'Deny' and not conditional and every_resource and all_iam) as denies_iam,
    string_agg(distinct policy_name, ', ') filter (
      where effect = 'Allow' and every_resource and (all_iam or not_action_keeps_iam)) as granted_by
  from statement
  group by principal_arn, account_id
)
select principal_arn, account_id,
  coalesce(allows_all and not denies_all, false) as full_admin,
  coalesce(allows_iam and not denies_all and not denies_iam, false) as iam_admin,
  granted_by
from verdict
