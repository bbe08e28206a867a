/*
title: IAM Identity Center permission sets do not grant full administrator access
description: >-
  No permission set of IAM Identity Center gives full administrator access in an account it is assigned in:
  through the AWS managed AdministratorAccess policy, another attached managed policy the policy engine judges full
  administrator access (every action on every resource, iam_policy_access question full_admin), an inline policy the
  engine judges so, or a referenced customer managed policy. A customer managed policy reference (and a permissions
  boundary given as one) names a policy by path and name that IAM Identity Center resolves in each account the set
  is assigned in, so the verdict is per assigned account (resource <permission set ARN>#<account id>; the ARN alone
  for a set with no assignment loaded), judged with that account's policy of the name, and an administrator alarms
  with who holds it there (users and groups, names from the identity store). Each account is checked with its own
  data alone, so a reference or boundary resolved in an account other than the Identity Center account's is not
  judged (skip, saying so). A permission set whose inline policy, AWS managed policy listing or customer managed
  policy references were not loaded, with an attached AWS managed policy whose document the account does not hold
  (get-account-authorization-details lists the AWS managed policies attached in its account), or whose referenced
  policy is not loaded (or cannot be judged) for the account, is skipped, also when what is loaded makes it an
  administrator there (a Deny in the document not loaded would win), naming that document. A permissions boundary (an AWS managed policy or a customer managed policy reference) bounds
  the role the assignment provisions: a boundary the engine judges not to allow full administrator access makes the
  verdict ok whatever the policies grant; policies granting full administrator access alarm only when the set has no
  boundary or its boundary allows it too, and are skipped when the boundary was not loaded or cannot be judged.
severity: high
resource_type: AWS::SSO::PermissionSet
rationale: >-
  A permission set is provisioned as a role in every account it is assigned to: an administrator permission
  set makes each assigned user an administrator of each of those accounts, usually for the whole workforce
  session duration.
remediation: >-
  Keep full administrator access in one break-glass permission set with few, named holders; give everyone
  else permission sets scoped to their job (job-function managed policies or least-privilege inline policies).
tables: [aws_ssoadmin_permission_set, aws_ssoadmin_managed_policy_attachment, aws_ssoadmin_account_assignment,
         aws_identitystore_user, aws_identitystore_group, iam_policy_access, iamsql_listed]
requires: [aws_ssoadmin_permission_set]
*/
with managed_answer as (
  -- An AWS managed policy's document is the same in every account: any loaded account's answer is its answer.
  select resource as managed_policy_arn,
    bool_or(decision in ('Allowed', 'AllowedIf')) as admin,
    bool_and(decision = 'Unknown') as unknown
  from iam_policy_access
  where question = 'full_admin' and policy_kind = 'aws_managed'
  group by resource
), customer_answer as (
  select resource, bool_or(decision in ('Allowed', 'AllowedIf')) as admin,
    bool_and(decision = 'Unknown') as unknown
  from iam_policy_access
  where question = 'full_admin' and policy_kind = 'customer_managed'
  group by resource
), target as (
  -- One verdict per account a permission set is assigned in: the role it provisions there gets the set's AWS managed
  -- and inline policies and that account's own policies of the names and paths it references. A set with no
  -- assignment loaded gets one verdict of its own (target_account_id NULL).
  select distinct p.arn as permission_set_arn, p.account_id, a.target_account_id
  from aws_ssoadmin_permission_set as p
    left join aws_ssoadmin_account_assignment as a on a.permission_set_arn = p.arn and a.account_id = p.account_id
), listed as (
  -- The permission sets whose list-managed-policies-in-permission-set is loaded (one listing none too).
  select account_id, key as permission_set_arn
  from iamsql_listed
  where table_name = 'aws_ssoadmin_managed_policy_attachment'
), managed as (
  select m.permission_set_arn, m.account_id,
    string_agg(m.name, ', ' order by m.name) filter (
      where m.managed_policy_arn like 'arn:%:iam::aws:policy/AdministratorAccess' or a.admin) as admin_policies,
    string_agg(m.name, ', ' order by m.name) filter (
      where not m.managed_policy_arn like 'arn:%:iam::aws:policy/AdministratorAccess'
        and coalesce(a.unknown, true)) as unknown_policies
  from aws_ssoadmin_managed_policy_attachment as m
    left join managed_answer as a on a.managed_policy_arn = m.managed_policy_arn
  group by m.permission_set_arn, m.account_id
), inline as (
  select resource as permission_set_arn, account_id,
    bool_or(decision in ('Allowed', 'AllowedIf')) as admin,
    bool_or(decision = 'Unknown') as unknown
  from iam_policy_access
  where policy_kind = 'permission_set_inline' and question = 'full_admin'
  group by resource, account_id
), customer_reference as (
  -- A reference resolves to the policy of that path and name in the account the verdict is for.
  select g.permission_set_arn, g.account_id, g.target_account_id,
    (r ->> 'path') || (r ->> 'name') || coalesce(' in ' || g.target_account_id, ' (no assignment loaded)') as label,
    q.admin, coalesce(q.unknown, true) as unknown
  from target as g
    join aws_ssoadmin_permission_set as p on p.arn = g.permission_set_arn and p.account_id = g.account_id
    cross join jsonb_array_elements(p.customer_managed_policy_references) as r
    left join customer_answer as q on q.resource = 'arn:' || p.partition || ':iam::' || g.target_account_id || ':policy'
                                                  || (r ->> 'path') || (r ->> 'name')
), customer as (
  select permission_set_arn, account_id, target_account_id,
    string_agg(label, ', ' order by label) filter (where admin) as admin_policies,
    string_agg(label, ', ' order by label) filter (where unknown) as unknown_policies
  from customer_reference
  group by permission_set_arn, account_id, target_account_id
), boundary as (
  -- The permissions boundary: an AWS managed policy (one answer), or a customer managed policy reference resolved
  -- in the account the verdict is for, as the references above.
  select g.permission_set_arn, g.account_id, g.target_account_id,
    coalesce(regexp_replace(p.permissions_boundary ->> 'managed_policy_arn', '^.*/', ''),
             (p.permissions_boundary -> 'customer_managed_policy_reference' ->> 'path')
               || (p.permissions_boundary -> 'customer_managed_policy_reference' ->> 'name')
               || coalesce(' in ' || g.target_account_id, ' (no assignment loaded)')) as label,
    coalesce(m.admin, q.admin, false) as admin, coalesce(m.unknown, q.unknown, true) as unknown
  from target as g
    join aws_ssoadmin_permission_set as p on p.arn = g.permission_set_arn and p.account_id = g.account_id
    left join managed_answer as m on m.managed_policy_arn = p.permissions_boundary ->> 'managed_policy_arn'
    left join customer_answer as q on p.permissions_boundary ->> 'managed_policy_arn' is null
      and q.resource = 'arn:' || p.partition || ':iam::' || g.target_account_id || ':policy'
        || (p.permissions_boundary -> 'customer_managed_policy_reference' ->> 'path')
        || (p.permissions_boundary -> 'customer_managed_policy_reference' ->> 'name')
  where p.permissions_boundary ->> 'managed_policy_arn' is not null
    or p.permissions_boundary -> 'customer_managed_policy_reference' is not null
), holders as (
  select a.permission_set_arn, a.account_id, a.target_account_id,
    string_agg(lower(a.principal_type) || ' ' || coalesce(u.name, g.name, a.principal_id) || ' in ' || a.target_account_id,
               ', ' order by a.target_account_id || ' ' || a.principal_type || ' ' || coalesce(u.name, g.name, a.principal_id))
      as who  -- one ordering key (account ids have 12 digits): Spark's string_agg takes no more
  from aws_ssoadmin_account_assignment as a
    left join aws_identitystore_user as u on a.principal_type = 'USER' and u.id = a.principal_id
    left join aws_identitystore_group as g on a.principal_type = 'GROUP' and g.id = a.principal_id
  group by a.permission_set_arn, a.account_id, a.target_account_id
), judged as (
  select p.arn, g.target_account_id, g.target_account_id <> p.account_id as elsewhere, p.name, p.account_id, p.region, p.inline_policy,
    p.customer_managed_policy_references, p.permissions_boundary, l.permission_set_arn is not null as listed,
    i.unknown as inline_unknown, m.unknown_policies as managed_unknown, c.unknown_policies as customer_unknown,
    b.label as boundary, b.admin as boundary_admin, b.unknown as boundary_unknown, h.who,
    case when m.admin_policies is not null or i.admin or c.admin_policies is not null then
      concat_ws(' and ', 'the managed policy ' || m.admin_policies, case when i.admin then 'its inline policy' end,
                'the customer managed policy ' || c.admin_policies)
    end as grants,
    -- the set's other documents that are not known: a Deny in any of them would take the grant away
    nullif(concat_ws(', ',
      case when p.inline_policy is null then 'its inline policy (not loaded)'
           when i.unknown then 'its inline policy (not readable by the policy engine)' end,
      case when l.permission_set_arn is null then 'its AWS managed policies (not loaded)' end,
      case when p.customer_managed_policy_references is null then 'its customer managed policy references (not loaded)' end,
      'the AWS managed policy ' || m.unknown_policies, 'the customer managed policy ' || c.unknown_policies), '')
      as unknown_documents
  from target as g
    join aws_ssoadmin_permission_set as p on p.arn = g.permission_set_arn and p.account_id = g.account_id
    left join listed as l on l.permission_set_arn = p.arn and l.account_id = p.account_id
    left join managed as m on m.permission_set_arn = p.arn and m.account_id = p.account_id
    left join inline as i on i.permission_set_arn = p.arn and i.account_id = p.account_id
    left join customer as c on c.permission_set_arn = p.arn and c.account_id = p.account_id
      and c.target_account_id is not distinct from g.target_account_id
    left join boundary as b on b.permission_set_arn = p.arn and b.account_id = p.account_id
      and b.target_account_id is not distinct from g.target_account_id
    left join holders as h on h.permission_set_arn = p.arn and h.account_id = p.account_id
      and h.target_account_id = g.target_account_id
)
select
  arn || coalesce('#' || target_account_id, '') as resource,
  case
    when boundary is not null and not boundary_admin and not boundary_unknown then 'ok'
    when grants is not null and permissions_boundary is not null and (boundary is null or boundary_admin)
      and unknown_documents is null then 'alarm'
    when grants is not null or inline_policy is null or not listed or customer_managed_policy_references is null
      or inline_unknown or managed_unknown is not null or customer_unknown is not null then 'skip'
    else 'ok'
  end as status,
  'Permission set ' || coalesce(name, arn) || coalesce(' in account ' || target_account_id, '') || case
    when boundary is not null and not boundary_admin and not boundary_unknown then
      ' is bounded by its permissions boundary ' || boundary || ', which does not allow full administrator access.'
    when grants is not null and permissions_boundary is not null and (boundary is null or boundary_admin)
      and unknown_documents is not null then
      ' grants full administrator access through ' || grants || ', unless a Deny in ' || unknown_documents
        || ' takes it away (an explicit Deny wins); load the permission set''s outputs to evaluate it.'
    when grants is not null and permissions_boundary is not null and (boundary is null or boundary_admin) then
      ' grants full administrator access through ' || grants
        || case when boundary is not null then ', which its permissions boundary ' || boundary || ' allows' else '' end
        || coalesce('; held by ' || who, '; assigned to no one') || '.'
    when grants is not null and permissions_boundary is null then
      ' grants full administrator access through ' || grants || ' unless its permissions boundary limits it, which was'
        || ' not loaded; load get-permissions-boundary-for-permission-set to evaluate it.'
    when grants is not null and elsewhere then
      ' grants full administrator access through ' || grants || ' unless its permissions boundary ' || boundary
        || ' limits it, a policy of account ' || target_account_id
        || ', which the check of the Identity Center account ' || account_id || ' does not read (each account is checked'
        || ' with its own data alone).'
    when grants is not null and target_account_id is null then
      ' grants full administrator access through ' || grants || ' unless its permissions boundary ' || boundary
        || ' limits it, which names a policy of each account the permission set is assigned in; load'
        || ' list-account-assignments to evaluate it.'
    when grants is not null then
      ' grants full administrator access through ' || grants || ' unless its permissions boundary ' || boundary
        || ' limits it, whose document is not loaded for that account (or the policy engine cannot judge it); load'
        || ' get-account-authorization-details of the account.'
    when inline_policy is null then
      ' was loaded without its inline policy; load get-inline-policy-for-permission-set to evaluate it.'
    when not listed then ' was loaded without its AWS managed policies; load'
      || ' list-managed-policies-in-permission-set to evaluate it.'
    when customer_managed_policy_references is null then ' was loaded without its customer managed policy'
      || ' references; load list-customer-managed-policy-references-in-permission-set to evaluate it.'
    when inline_unknown then ' has an inline policy the policy engine cannot judge.'
    when managed_unknown is not null then ' has the AWS managed policy ' || managed_unknown
      || ' attached, whose document no loaded account holds (or the policy engine cannot judge it); run'
      || ' collect --identity, or load get-account-authorization-details of an account where the permission set'
      || ' is provisioned.'
    when customer_unknown is not null and elsewhere then ' references the customer managed policy ' || customer_unknown
      || ', a policy of account ' || target_account_id
        || ', which the check of the Identity Center account ' || account_id || ' does not read (each account is checked'
        || ' with its own data alone).'
    when customer_unknown is not null and target_account_id is null then ' references the customer managed policy '
      || customer_unknown || ', which names a policy of each account the permission set is assigned in; load'
      || ' list-account-assignments to evaluate it.'
    when customer_unknown is not null then ' references the customer managed policy ' || customer_unknown
      || ', whose document is not loaded for that account (or the policy engine cannot judge it); load'
      || ' get-account-authorization-details of the account.'
    else ' does not grant full administrator access.'
  end as reason,
  account_id,
  coalesce(region, 'global') as region,
  who as holders
from judged
