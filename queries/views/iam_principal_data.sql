/*
What the loaded data says about each IAM user, group and role, judged by how its row was loaded, so controls
can tell "none" from "not loaded". The loaders keep only what an API returned:
- get-account-authorization-details (GAAD) gives every user, group and role with its attached and inline
  policies, group memberships and, for roles, RoleLastUsed (an empty one means "not used in the last 400 days");
- list-users, list-roles and list-groups give none of these; get-role gives RoleLastUsed but no policies.
A GAAD row is recognised by `policies_loaded` (not Steampipe's; a database an older iamsql loaded has instead an
`attached_policy_arns` list, possibly empty, on such rows). Without it, an empty column means "not loaded", never
"none"; a role's last use is then known only when a date is set.

Columns: arn, principal_type ('user' | 'group' | 'role'), name, account_id, attached_known, inline_known,
groups_known (users only, else NULL), last_used_known (roles only, else NULL).
*/
select arn, 'user' as principal_type, name, account_id,
  coalesce(policies_loaded, attached_policy_arns is not null) as attached_known,
  coalesce(policies_loaded, attached_policy_arns is not null) or inline_policies_std is not null as inline_known,
  groups is not null as groups_known,
  null::boolean as last_used_known
from aws_iam_user
union all
select arn, 'group', name, account_id,
  coalesce(policies_loaded, attached_policy_arns is not null),
  coalesce(policies_loaded, attached_policy_arns is not null) or inline_policies_std is not null,
  null::boolean,
  null::boolean
from aws_iam_group
union all
select arn, 'role', name, account_id,
  coalesce(policies_loaded, attached_policy_arns is not null),
  coalesce(policies_loaded, attached_policy_arns is not null) or inline_policies_std is not null,
  null::boolean,
  coalesce(policies_loaded, attached_policy_arns is not null) or role_last_used_date is not null
from aws_iam_role
