-- Queries written in the style of the Steampipe AWS compliance, insights and perimeter mods and of the
-- Steampipe AWS plugin's table examples: the same tables, columns, functions and idioms, over IAM and
-- CloudTrail data. tests/test_steampipe_queries.py runs each one over the public data sets loaded by the real
-- loaders, and compares every answer with PostgreSQL's over the same rows. Each query starts with "-- name:".

-- name: account_password_policy_strong
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case
    when minimum_password_length >= 14 and password_reuse_prevention >= 24
      and require_lowercase_characters = 'true' and require_uppercase_characters = 'true'
      and require_numbers and require_symbols and max_password_age <= 90 then 'ok'
    else 'alarm'
  end as status,
  case
    when minimum_password_length is null then 'No password policy set.'
    else 'Password policy ' || concat_ws(', ',
      case when minimum_password_length < 14 then ('minimum length ' || minimum_password_length) end,
      case when not (require_lowercase_characters = 'true') then 'no lowercase' end,
      case when not (require_symbols) then 'no symbols' end,
      case when max_password_age > 90 then ('max age ' || max_password_age) end) || '.'
  end as reason,
  a._ctx ->> 'connection_name' as connection_name,
  a.account_id
from aws_account as a
  left join aws_iam_account_password_policy as pol on a.account_id = pol.account_id
order by resource;

-- name: account_password_policy_min_length
select 'arn:' || a.partition || ':::' || a.account_id as resource,
  case when minimum_password_length >= 14 then 'ok' else 'alarm' end as status,
  case when minimum_password_length is null then 'No password policy set.'
    else 'Minimum password length set to ' || minimum_password_length || '.' end as reason
from aws_account a left join aws_iam_account_password_policy pol on a.account_id = pol.account_id;

-- name: account_aliases_and_title
select account_id, title, arn, akas, jsonb_array_length(account_aliases) as aliases, partition, region
from aws_account
order by account_id;

-- name: root_mfa_from_summary
select 'arn:' || partition || ':::' || account_id as resource,
  case when account_mfa_enabled then 'ok' else 'alarm' end as status,
  case when account_mfa_enabled then 'MFA enabled for root account.' else 'MFA not enabled for root account.' end reason,
  account_id
from aws_iam_account_summary;

-- name: root_hardware_mfa
select 'arn:' || s.partition || ':::' || s.account_id as resource,
  case when s.account_mfa_enabled and d.serial_number is null then 'ok' else 'alarm' end status,
  case
    when s.account_mfa_enabled = false then 'MFA not enabled for root account.'
    when d.serial_number is not null then 'Root MFA is a virtual device.'
    else 'Hardware MFA device enabled for root account.'
  end reason
from aws_iam_account_summary as s
  left join aws_iam_virtual_mfa_device as d on (d.user ->> 'Arn') = 'arn:' || s.partition || ':iam::' || s.account_id || ':root';

-- name: root_no_access_keys_summary
select 'arn:' || partition || ':::' || account_id as resource,
  case when account_access_keys_present > 0 then 'alarm' else 'ok' end status,
  users, roles, policies, groups, mfa_devices_in_use
from aws_iam_account_summary;

-- name: root_last_used_report
select user_arn as resource,
  case
    when password_last_used >= (current_date - interval '90' day) then 'alarm'
    when access_key_1_last_used_date <= (current_date - interval '90' day) then 'alarm'
    else 'ok'
  end as status,
  case when password_last_used is null then 'Root never logged in with password.'
    else 'Root password used ' || to_char(password_last_used, 'DD-Mon-YYYY') || ' ('
      || extract(day from current_timestamp - password_last_used) || ' days).' end as reason,
  account_id
from aws_iam_credential_report
where user_name = '<root_account>'
order by account_id;

-- name: credential_report_unused_45
select user_arn as resource,
  case
    when user_name = '<root_account>' then 'info'
    when password_enabled and password_last_used is null and password_last_changed < (current_date - interval '45' day) then 'alarm'
    when password_enabled and password_last_used < (current_date - interval '45' day) then 'alarm'
    when access_key_1_active and access_key_1_last_used_date is null and access_key_1_last_rotated < (current_date - interval '45' day) then 'alarm'
    when access_key_2_active and access_key_2_last_used_date < (current_date - interval '45' day) then 'alarm'
    else 'ok'
  end status,
  user_name ||
    case
      when not password_enabled then ' password not enabled,'
      when password_enabled and password_last_used is null then ' password created ' || to_char(password_last_changed, 'DD-Mon-YYYY') || ' never used,'
      else ' password used ' || to_char(password_last_used, 'DD-Mon-YYYY') || ','
    end ||
    case
      when not access_key_1_active then ' key 1 not enabled.'
      when access_key_1_last_used_date is null then ' key 1 created ' || to_char(access_key_1_last_rotated, 'DD-Mon-YYYY') || ' never used.'
      else ' key 1 used ' || to_char(access_key_1_last_used_date, 'DD-Mon-YYYY') || '.'
    end as reason
from aws_iam_credential_report
order by resource;

-- name: credential_report_console_mfa
select user_arn as resource,
  case when password_enabled and not mfa_active then 'alarm' else 'ok' end as status,
  case
    when not password_enabled then user_name || ' password login disabled.'
    when password_enabled and not mfa_active then user_name || ' password login enabled but no MFA device configured.'
    else user_name || ' password login enabled and MFA device configured.'
  end as reason,
  _ctx ->> 'connection_name' as connection_name
from aws_iam_credential_report;

-- name: credential_report_keys_at_setup
select user_arn as resource,
  case when password_enabled and (extract(epoch from (access_key_1_last_rotated - user_creation_time)) < 10) then 'alarm'
    else 'ok' end as status,
  round(extract(epoch from (access_key_1_last_rotated - user_creation_time))) as seconds_after_creation
from aws_iam_credential_report
where user_name <> '<root_account>';

-- name: credential_report_key_age_days
select user_name,
  date_part('day', now() - access_key_1_last_rotated) as key_1_age_days,
  date_part('day', now() - password_last_changed) as password_age_days,
  password_status, password_next_rotation, cert_1_active, generated_time
from aws_iam_credential_report
order by user_name, key_1_age_days;

-- name: credential_report_generated_age
select account_id, max(generated_time) as generated,
  count(*) filter (where mfa_active) as with_mfa,
  count(*) filter (where not mfa_active and password_enabled) as console_without_mfa,
  count(*) as users
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: user_in_group
select arn as resource,
  case when jsonb_array_length(groups) = 0 then 'alarm' else 'ok' end as status,
  case when jsonb_array_length(groups) = 0 then title || ' not associated with any IAM group.'
    else title || ' associated with IAM group.' end as reason
from aws_iam_user;

-- name: user_no_inline_or_attached
select arn as resource,
  case when inline_policies is null and attached_policy_arns is null then 'ok' else 'alarm' end status,
  name || ' has ' || coalesce(jsonb_array_length(inline_policies), 0) || ' inline and '
    || coalesce(jsonb_array_length(attached_policy_arns), 0) || ' directly attached policies.' as reason
from aws_iam_user;

-- name: group_user_role_no_inline
select arn as resource,
  case when inline_policies is null then 'ok' else 'alarm' end status,
  'User ' || title || ' has ' || coalesce(jsonb_array_length(inline_policies), 0) || ' inline policies.' as reason
from aws_iam_user
union
select arn, case when inline_policies is null then 'ok' else 'alarm' end,
  'Role ' || title || ' has ' || coalesce(jsonb_array_length(inline_policies), 0) || ' inline policies.'
from aws_iam_role
where arn not like '%service-role/%'
union
select arn, case when inline_policies is null then 'ok' else 'alarm' end,
  'Group ' || title || ' has ' || coalesce(jsonb_array_length(inline_policies), 0) || ' inline policies.'
from aws_iam_group;

-- name: user_admin_without_mfa
with admin_users as (
  select user_id, name, attachments
  from aws_iam_user, jsonb_array_elements_text(attached_policy_arns) as attachments
  where split_part(attachments, '/', 2) = 'AdministratorAccess'
)
select u.arn as resource,
  case
    when au.user_id is null then 'skip'
    when au.user_id is not null and u.mfa_enabled then 'ok'
    else 'alarm'
  end as status,
  u.account_id
from aws_iam_user as u
  left join admin_users au on u.user_id = au.user_id
order by u.name;

-- name: user_hardware_mfa
select u.arn as resource,
  case
    when serial_number is null then 'alarm'
    when serial_number like any(array['%mfa%', '%sms-mfa%']) then 'info'
    else 'ok'
  end as status
from aws_iam_virtual_mfa_device as m
  right join aws_iam_user as u on m.user_id = u.user_id;

-- name: user_custom_policy_assume_role_text
with filter_users as (
  select user_id, name, policies
  from aws_iam_user, jsonb_array_elements_text(inline_policies) as policies
  where policies like '%AssumeRole%'
)
select u.arn as resource,
  case when fu.user_id is not null then 'alarm' else 'ok' end as status
from aws_iam_user as u
  left join filter_users as fu on u.user_id = fu.user_id
order by u.name, status;

-- name: user_one_active_key_akas_text
select u.arn as resource,
  case when count(distinct k.access_key_id) > 1 then 'alarm' else 'ok' end as status,
  u.arn || ' has ' || count(distinct k.access_key_id) || ' active access key(s).' as reason
from aws_iam_user as u
  left join aws_iam_access_key as k on k.akas::text like '%' || u.arn || '%'
where k.status = 'Active' or k.status is null
group by u.arn, u.account_id, u.tags, u._ctx;

-- name: user_one_active_key_count_star
select u.arn as resource,
  case when count(k.*) > 1 then 'alarm' else 'ok' end as status,
  u.name || ' has ' || count(k.*) || ' active access key(s).' as reason
from aws_iam_user as u
  left join aws_iam_access_key as k on u.name = k.user_name and u.account_id = k.account_id
where k.status = 'Active' or k.status is null
group by u.arn, u.name, u.account_id, u.tags, u._ctx;

-- name: access_key_age_90
select 'arn:' || partition || ':iam::' || account_id || ':user/' || user_name || '/accesskey/' || access_key_id as resource,
  case
    when status <> 'Active' then 'skip'
    when create_date <= (current_date - interval '90' day) then 'alarm'
    else 'ok'
  end status,
  user_name || ' ' || access_key_id || ' created ' || to_char(create_date, 'DD-Mon-YYYY')
    || ' (' || extract(day from current_timestamp - create_date) || ' days).' as reason
from aws_iam_access_key;

-- name: access_key_last_used
select access_key_id, user_name, status, access_key_last_used_date, access_key_last_used_service,
  access_key_last_used_region, akas ->> 0 as aka
from aws_iam_access_key
order by access_key_id;

-- name: user_login_profile_and_boundary
select name, login_profile ->> 'CreateDate' as console_password_created,
  (login_profile ->> 'PasswordResetRequired')::bool as reset_required,
  permissions_boundary_arn, permissions_boundary_type, password_last_used
from aws_iam_user
order by name;

-- name: user_groups_unnest
select u.name as user_name, g ->> 'GroupName' as group_name, g ->> 'Arn' as group_arn
from aws_iam_user as u
  cross join jsonb_array_elements(u.groups) as g
order by user_name, group_name;

-- name: user_tags_each
select name, t.key, t.value
from aws_iam_user, jsonb_each_text(tags) as t
order by name, t.key;

-- name: user_tags_src_unnest
select name, tag ->> 'Key' as k, tag ->> 'Value' as v
from aws_iam_user, jsonb_array_elements(tags_src) as tag
order by name, k;

-- name: group_not_empty
select arn as resource,
  case when users is null then 'alarm' else 'ok' end as status,
  case when users is null then title || ' not associated with any IAM user.' else title || ' associated with IAM user.' end as reason
from aws_iam_group;

-- name: group_members
select g.name as group_name, u ->> 'UserName' as member, jsonb_array_length(g.attached_policy_arns) as attached
from aws_iam_group as g
  left join lateral jsonb_array_elements(g.users) as u on true
order by group_name, member;

-- name: policy_no_star_star
with bad_policies as (
  select arn, count(*) as num_bad_statements
  from aws_iam_policy,
    jsonb_array_elements(policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Resource') as resource,
    jsonb_array_elements_text(s -> 'Action') as action
  where not is_aws_managed
    and s ->> 'Effect' = 'Allow'
    and resource = '*'
    and ((action = '*' or action = '*:*'))
  group by arn
)
select p.arn as resource,
  case when bad.arn is null then 'ok' else 'alarm' end status,
  p.name || ' contains ' || coalesce(bad.num_bad_statements, 0) || ' statements that allow action "*" on resource "*".' as reason,
  p._ctx ->> 'connection_name' as connection_name, p.account_id
from aws_iam_policy as p
  left join bad_policies as bad on p.arn = bad.arn
where not p.is_aws_managed;

-- name: policy_all_attached_star_star
with star_access_policies as (
  select arn, is_aws_managed, count(*) as num_bad_statements
  from aws_iam_policy,
    jsonb_array_elements(policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Resource') as resource,
    jsonb_array_elements_text(s -> 'Action') as action
  where s ->> 'Effect' = 'Allow' and resource = '*' and (action = '*' or action = '*:*') and is_attached
  group by arn, is_aws_managed
)
select p.arn as resource,
  case
    when s.arn is not null and s.is_aws_managed then 'info'
    when s.arn is null then 'ok'
    else 'alarm'
  end status
from aws_iam_policy as p
  left join star_access_policies as s on p.arn = s.arn
where p.is_attached;

-- name: policy_service_wildcard
with wildcard_action_policies as (
  select arn, count(*) as statements_num
  from aws_iam_policy,
    jsonb_array_elements(policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Resource') as resource,
    jsonb_array_elements_text(s -> 'Action') as action
  where not is_aws_managed and s ->> 'Effect' = 'Allow' and resource = '*'
    and (action like '%:*' or action = '*')
  group by arn
)
select p.arn as resource, case when w.arn is null then 'ok' else 'alarm' end status,
  coalesce(w.statements_num, 0) as statements
from aws_iam_policy as p
  left join wildcard_action_policies as w on p.arn = w.arn
where not p.is_aws_managed;

-- name: policy_blocked_kms_actions
with kms_blocked_actions as (
  select arn, count(*) as statements_num
  from aws_iam_policy,
    jsonb_array_elements(policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Resource') as resource,
    jsonb_array_elements_text(s -> 'Action') as action
  where s ->> 'Effect' = 'Allow'
    and action like any(array['kms:decrypt', 'kms:reencryptfrom', 'kms:*', 'kms:decrypt*'])
  group by arn
)
select p.arn as resource, case when w.arn is null then 'ok' else 'alarm' end status
from aws_iam_policy as p
  left join kms_blocked_actions as w on p.arn = w.arn;

-- name: inline_policy_admin_union
with principals as (
  select arn, inline_policies_std, name, account_id, region, _ctx, 'iam_user' as type from aws_iam_user
  union
  select arn, inline_policies_std, name, account_id, region, _ctx, 'iam_role' as type from aws_iam_role
  union
  select arn, inline_policies_std, name, account_id, region, _ctx, 'iam_group' as type from aws_iam_group
),
bad_policies as (
  select arn, count(*) as statements_num
  from principals,
    jsonb_array_elements(inline_policies_std) as policy_std,
    jsonb_array_elements(policy_std -> 'PolicyDocument' -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Resource') as resource,
    jsonb_array_elements_text(s -> 'Action') as action
  where s ->> 'Effect' = 'Allow' and resource = '*' and (action = '*' or action = '*:*')
  group by arn
)
select p.arn as resource, p.type, case when bad.arn is null then 'ok' else 'alarm' end status,
  p._ctx ->> 'connection_name' as connection_name
from principals as p
  left join bad_policies as bad on p.arn = bad.arn;

-- name: policy_unused
with in_use_policies as (
  select attached_policy_arns from aws_iam_user
  union
  select attached_policy_arns from aws_iam_group where jsonb_array_length(users) > 0
  union
  select attached_policy_arns from aws_iam_role
)
select arn as resource,
  case when arn in (select jsonb_array_elements_text(attached_policy_arns) from in_use_policies) then 'ok' else 'alarm' end as status
from aws_iam_policy;

-- name: managed_policy_attached_to_role
with role_attached_policies as (
  select jsonb_array_elements_text(attached_policy_arns) as policy_arn from aws_iam_role
)
select arn as resource,
  case when arn in (select policy_arn from role_attached_policies) then 'ok' else 'alarm' end as status
from aws_iam_policy
where is_aws_managed;

-- name: cloudshell_full_access_attached
select arn as resource,
  case when attached_policy_arns @> '["arn:aws:iam::aws:policy/AWSCloudShellFullAccess"]' then 'alarm' else 'ok' end status
from aws_iam_user
union
select arn, case when attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]' then 'alarm' else 'ok' end
from aws_iam_role
union
select arn, case when attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]' then 'alarm' else 'ok' end
from aws_iam_group;

-- name: support_role_count
with support_role_count as (
  select 'arn:' || a.partition || ':::' || a.account_id as resource, count(policy_arn), a.account_id, a._ctx
  from aws_account as a
    left join aws_iam_role as r on r.account_id = a.account_id
    left join jsonb_array_elements_text(attached_policy_arns) as policy_arn on true
  where split_part(policy_arn, '/', 2) = 'AWSSupportAccess' or policy_arn is null
  group by a.account_id, a.partition, a._ctx
)
select resource,
  case when count > 0 then 'ok' else 'alarm' end as status,
  case when count = 1 then 'AWSSupportAccess policy attached to 1 role.'
    when count > 1 then 'AWSSupportAccess policy attached to ' || count || ' roles.'
    else 'AWSSupportAccess policy not attached to any role.' end as reason
from support_role_count;

-- name: role_unused_60
select arn as resource,
  case when role_last_used_date <= (current_date - interval '60' day) or role_last_used_date is null then 'alarm' else 'ok' end as status,
  case when role_last_used_date is null then name || ' was never used.'
    else name || ' was last used ' || to_char(role_last_used_date, 'DD-Mon-YYYY') || ' ('
      || extract(day from current_date - role_last_used_date) || ' days ago).' end as reason
from aws_iam_role;

-- name: role_cross_account_read_only
with read_only_access_roles as (
  select * from aws_iam_role, jsonb_array_elements_text(attached_policy_arns) as a
  where a = 'arn:aws:iam::aws:policy/ReadOnlyAccess'
), cross_account as (
  select arn
  from read_only_access_roles,
    jsonb_array_elements(assume_role_policy_std -> 'Statement') as stmt,
    jsonb_array_elements_text(stmt -> 'Principal' -> 'AWS') as p
  where stmt ->> 'Effect' = 'Allow' and (p = '*' or not (p like '%' || account_id || '%'))
)
select r.arn as resource,
  case when ar.arn is null then 'skip' when c.arn is not null then 'alarm' else 'ok' end as status
from aws_iam_role as r
  left join read_only_access_roles as ar on r.arn = ar.arn
  left join cross_account as c on c.arn = r.arn;

-- name: role_trust_principals
select r.name, p.key as principal_type, pv as principal, stmt -> 'Condition' is not null as has_condition
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as stmt,
  jsonb_each(stmt -> 'Principal') as p,
  jsonb_array_elements_text(p.value) as pv
order by r.name, principal_type, principal;

-- name: role_trust_external_account_no_external_id
select distinct r.arn, split_part(pv, ':', 5) as trusted_account
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as stmt,
  jsonb_array_elements_text(stmt -> 'Principal' -> 'AWS') as pv
where stmt ->> 'Effect' = 'Allow'
  and split_part(pv, ':', 5) <> r.account_id
  and not coalesce(stmt -> 'Condition' -> 'StringEquals' ? 'sts:externalid', false)
order by r.arn, trusted_account;

-- name: role_service_principals_like
select name, arn
from aws_iam_role
where assume_role_policy_std::text like '%lambda.amazonaws.com%'
  or assume_role_policy_std -> 'Statement' @> '[{"Principal": {"Service": ["ec2.amazonaws.com"]}}]'
order by name;

-- name: role_admin_attached_order
with admin_roles as (
  select arn, name, attachments
  from aws_iam_role, jsonb_array_elements_text(attached_policy_arns) as attachments
  where split_part(attachments, '/', 2) = 'AdministratorAccess'
)
select r.arn as resource, case when ar.arn is not null then 'alarm' else 'ok' end as status
from aws_iam_role as r left join admin_roles ar on r.arn = ar.arn
order by r.name;

-- name: role_instance_profiles_and_boundary
select name, jsonb_array_length(instance_profile_arns) as profiles, max_session_duration / 3600 as hours,
  permissions_boundary_arn, role_last_used_region, description
from aws_iam_role
where path <> '/aws-service-role/'
order by name;

-- name: role_tags_key_exists
select name, tags ->> 'Name' as tag_name
from aws_iam_role
where tags ? 'Name' or tags ?| array['owner', 'Owner']
order by name;

-- name: role_inline_statement_lateral_value
select r.name, s.value ->> 'Effect' as effect, jsonb_typeof(s.value -> 'Action') as action_type
from aws_iam_role r,
  lateral jsonb_array_elements(r.inline_policies_std) as ip,
  lateral jsonb_array_elements(ip.value -> 'PolicyDocument' -> 'Statement') as s
order by r.name, effect, action_type;

-- name: policy_statement_resource_text_star
with policies as (
  select arn, name, policy_std from aws_iam_policy where not is_aws_managed
),
bad_policies as materialized (
  select p.arn, count(*) as num
  from policies p, lateral jsonb_array_elements(p.policy_std -> 'Statement') as s
  where s.value ->> 'Effect' = 'Allow' and (s.value -> 'Resource')::text = '["*"]'
  group by p.arn
)
select p.arn, coalesce(b.num, 0) as num
from policies p left join bad_policies b on b.arn = p.arn
order by p.arn;

-- name: policy_versions_and_dates
select name, default_version_id, attachment_count, is_attachable,
  to_char(create_date, 'YYYY-MM-DD') as created, date_trunc('month', update_date) as updated_month,
  jsonb_array_length(policy_std -> 'Statement') as statements
from aws_iam_policy
where not is_aws_managed
order by name, arn;

-- name: policy_attachment_counts
select policy_arn, is_attached,
  jsonb_array_length(policy_users) + jsonb_array_length(policy_groups) + jsonb_array_length(policy_roles) as principals
from aws_iam_policy_attachment
where is_attached
order by principals desc, policy_arn
limit 20;

-- name: policy_condition_operators
select p.name, c.key as operator, k.key as condition_key, jsonb_array_length(k.value) as n_values
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') as c,
  jsonb_each(c.value) as k
order by p.name, operator, condition_key, n_values;

-- name: policy_actions_string_agg
select p.name, string_agg(distinct split_part(a, ':', 1), ', ' order by split_part(a, ':', 1)) as services
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Action') a
where not p.is_aws_managed
group by p.name
order by p.name;

-- name: insights_policy_privesc_actions
select distinct p.arn, a as action
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow'
  and a in ('iam:passrole', 'iam:createpolicyversion', 'iam:attachuserpolicy', 'iam:putrolepolicy', 'sts:assumerole')
order by p.arn, action;

-- name: instance_profile_roles
select instance_profile_name, arn, r ->> 'RoleName' as role_name, jsonb_array_length(roles) as n
from aws_iam_instance_profile left join lateral jsonb_array_elements(roles) as r on true
order by instance_profile_name, arn, role_name;

-- name: saml_oidc_providers
select arn, 'saml' as kind, create_date, valid_until from aws_iam_saml_provider
union all
select arn, 'oidc', create_date, null from aws_iam_open_id_connect_provider
order by arn;

-- name: oidc_provider_clients
select url, c as client_id, jsonb_array_length(thumbprint_list) as thumbprints
from aws_iam_open_id_connect_provider, jsonb_array_elements_text(client_id_list) as c
order by url, client_id;

-- name: server_certificate_expiry
select arn as resource,
  case when expiration < (current_date - interval '1' second) then 'alarm' else 'ok' end as status,
  name || ' valid until ' || to_char(expiration, 'DD-Mon-YYYY') || '.' as reason
from aws_iam_server_certificate;

-- name: service_specific_credential_age
select user_name, service_name, status, date_part('day', now() - create_date) as age_days
from aws_iam_service_specific_credential
order by user_name;

-- name: virtual_mfa_unassigned
select serial_number, assignment_status, enable_date, user_name, "user" ->> 'UserName' as user_from_json
from aws_iam_virtual_mfa_device
order by serial_number;

-- name: trail_validation_home_region
select arn as resource,
  case when log_file_validation_enabled then 'ok' else 'alarm' end as status,
  case when log_file_validation_enabled then title || ' log file validation enabled.'
    else title || ' log file validation disabled.' end as reason,
  region, account_id
from aws_cloudtrail_trail
where region = home_region;

-- name: trail_integrated_with_logs
select arn as resource,
  case when log_group_arn != 'null' and ((latest_delivery_time) > current_date - 1) then 'ok' else 'alarm' end as status
from aws_cloudtrail_trail
where region = home_region;

-- name: trail_multi_region_account
with multi_region_trails as (
  select account_id, count(account_id) as num_multregion_trails
  from aws_cloudtrail_trail
  where is_multi_region_trail and region = home_region and is_logging
  group by account_id, is_multi_region_trail
), organization_trails as (
  select is_organization_trail, is_logging, is_multi_region_trail, account_id
  from aws_cloudtrail_trail
  where is_organization_trail
)
select distinct a.arn as resource,
  case
    when coalesce(num_multregion_trails, 0) >= 1 then 'ok'
    when o.is_organization_trail and o.is_logging and o.is_multi_region_trail then 'ok'
    when o.is_organization_trail and o.is_multi_region_trail and o.is_logging is null then 'info'
    else 'alarm'
  end as status,
  case
    when coalesce(num_multregion_trails, 0) >= 1 then a.title || ' has ' || coalesce(num_multregion_trails, 0) || ' multi-region trail(s).'
    else a.title || ' does not have multi-region trail(s).'
  end as reason
from aws_account as a
  left join multi_region_trails as b on a.account_id = b.account_id
  left join organization_trails as o on a.account_id = o.account_id;

-- name: trail_security_best_practices
with trails_enabled as (
  select distinct arn, is_logging, event_selectors,
    coalesce(jsonb_agg(g) filter (where not (g = 'null')), $$[]$$::jsonb) as excludeManagementEventSources
  from aws_cloudtrail_trail
    left join jsonb_array_elements(event_selectors) as e on true
    left join jsonb_array_elements_text(e -> 'ExcludeManagementEventSources') as g on true
  where home_region = region
  group by arn, is_logging, event_selectors
)
select t.arn as resource,
  case
    when not t.is_logging then 'alarm'
    when not t.include_global_service_events then 'alarm'
    when not t.is_multi_region_trail then 'alarm'
    when t.kms_key_id is null then 'alarm'
    when not (jsonb_array_length(t.event_selectors) = 1 and t.event_selectors @> '[{"ReadWriteType":"All"}]') then 'alarm'
    when not (t.event_selectors @> '[{"IncludeManagementEvents":true}]') then 'alarm'
    when jsonb_array_length(b.excludeManagementEventSources) > 0 then 'alarm'
    else 'ok'
  end as status,
  trim(b.excludeManagementEventSources::text, '[]') as excluded
from aws_cloudtrail_trail as t
  left join trails_enabled as b on t.arn = b.arn;

-- name: trail_read_write_selectors
with event_selectors_trail_details as (
  select distinct account_id
  from aws_cloudtrail_trail, jsonb_array_elements(event_selectors) as e
  where (is_logging and is_multi_region_trail and e ->> 'ReadWriteType' = 'All')
), advanced_event_selectors_trail_details as (
  select distinct account_id
  from aws_cloudtrail_trail, jsonb_array_elements_text(advanced_event_selectors) as a
  where (is_logging and is_multi_region_trail and advanced_event_selectors is not null and (not a like '%readOnly%'))
)
select a.title as resource,
  case when d.account_id is null and ad.account_id is null then 'alarm' else 'ok' end as status
from aws_account as a
  left join event_selectors_trail_details as d on d.account_id = a.account_id
  left join advanced_event_selectors_trail_details as ad on ad.account_id = a.account_id;

-- name: trail_s3_data_event_selectors
select name, data_resource ->> 'Type' as type, v as selector, event_selector ->> 'ReadWriteType' as rw
from aws_cloudtrail_trail,
  jsonb_array_elements(event_selectors) as event_selector,
  jsonb_array_elements(event_selector -> 'DataResources') as data_resource,
  jsonb_array_elements_text(data_resource -> 'Values') as v
where data_resource ->> 'Type' = 'AWS::S3::Object'
order by name, selector;

-- name: trail_advanced_selector_fields
select t.name, sel ->> 'Name' as selector_name, f ->> 'Field' as field, f -> 'Equals' as equals
from aws_cloudtrail_trail t,
  jsonb_array_elements(t.advanced_event_selectors) as sel,
  jsonb_array_elements(sel -> 'FieldSelectors') as f
order by t.name, selector_name, field;

-- name: trail_status_and_delivery
select name, is_logging, is_organization_trail, home_region, s3_bucket_name, kms_key_id,
  latest_delivery_time, start_logging_time, has_insight_selectors, insight_selectors,
  coalesce(latest_delivery_error, 'none') as delivery_error
from aws_cloudtrail_trail
order by name;

-- name: events_by_source_and_name
select event_source, event_name, count(*) as events
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
group by event_source, event_name
order by events desc, event_name
limit 15;

-- name: events_errors_by_user
select user_identifier, error_code, count(*) as n, min(event_time) as first_seen, max(event_time) as last_seen
from aws_cloudtrail_trail_event
where error_code is not null
group by user_identifier, error_code
order by n desc, user_identifier, error_code
limit 20;

-- name: events_console_login_mfa
select event_time, user_identity ->> 'arn' as who, additional_event_data ->> 'MFAUsed' as mfa,
  response_elements ->> 'ConsoleLogin' as outcome, source_ip_address
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
order by event_time, who;

-- name: events_root_activity
select event_name, event_source, aws_region, to_char(event_time, 'YYYY-MM-DD HH24:MI') as at
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'Root'
  and user_identity ->> 'invokedBy' is null
  and event_type <> 'AwsServiceEvent'
order by at, event_name;

-- name: events_assume_role_sessions
select user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName' as role_name,
  count(distinct source_ip_address) as source_ips,
  count(*) filter (where read_only) as reads,
  count(*) filter (where not read_only) as writes
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'AssumedRole'
group by 1
order by source_ips desc, role_name
limit 20;

-- name: events_request_parameters_path
select event_name, request_parameters #>> '{userName}' as target_user,
  request_parameters ->> 'policyArn' as policy_arn, cloudtrail_event ->> 'eventVersion' as version
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
  and event_name in ('CreateUser', 'AttachUserPolicy', 'CreateAccessKey', 'PutUserPolicy', 'CreateLoginProfile')
order by event_time, event_name, target_user;

-- name: events_resources_unnest
select e.event_name, r ->> 'type' as resource_type, r ->> 'ARN' as resource_arn
from aws_cloudtrail_trail_event e, jsonb_array_elements(e.resources) as r
where e.event_source = 'sts.amazonaws.com'
order by e.event_time, resource_arn
limit 25;

-- name: events_user_agent_regex
select user_agent ~* 'aws-cli|boto' as scripted, regexp_match(user_agent, '^([A-Za-z-]+)/') as tool, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by count desc, scripted
limit 10;

-- name: events_daily_counts
select date_trunc('day', event_time) as day, recipient_account_id, count(*) as events,
  count(distinct event_name) as distinct_names
from aws_cloudtrail_trail_event
group by 1, 2
order by day, recipient_account_id;

-- name: events_access_key_distinct_on
select distinct on (access_key_id) access_key_id, event_time, event_name, source_ip_address
from aws_cloudtrail_trail_event
where access_key_id like 'AKIA%'
order by access_key_id, event_time desc, event_name;

-- name: events_tls_and_vpce
select tls_details ->> 'tlsVersion' as tls, count(*) as n,
  count(vpc_endpoint_id) as via_vpc_endpoint
from aws_cloudtrail_trail_event
group by 1
order by n desc, tls;

-- name: events_recent_window
select count(*) as n, count(distinct event_source) as sources
from aws_cloudtrail_trail_event
where event_time > now() - '3650 days'::interval;

-- name: events_sensitive_change_like_any
select event_name, count(*) as n
from aws_cloudtrail_trail_event
where event_name like any (array['Delete%', 'Stop%', 'Update%Trail%', 'Put%Policy'])
group by event_name
order by n desc, event_name;

-- name: events_identity_type_ilike
select user_type, username is not null as has_username, count(*) as n
from aws_cloudtrail_trail_event
where user_identity ->> 'arn' ilike '%:user/%' or user_type = 'IAMUser'
group by 1, 2
order by n desc, user_type;

-- name: events_age_since_first
select recipient_account_id,
  age(max(event_time), min(event_time)) as span,
  extract(epoch from max(event_time) - min(event_time))::bigint as seconds
from aws_cloudtrail_trail_event
group by recipient_account_id
order by recipient_account_id;

-- name: perimeter_role_trust_public
select r.arn, stmt ->> 'Effect' as effect, p as principal
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as stmt,
  jsonb_array_elements_text(stmt -> 'Principal' -> 'AWS') as p
where p = '*' or p like 'arn:aws:iam::%:root'
order by r.arn, principal;

-- name: perimeter_trusted_accounts_exists
select r.name,
  exists (
    select 1 from jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s
    where s -> 'Principal' ? 'Federated'
  ) as federated
from aws_iam_role r
order by r.name;

-- name: tags_any_table_title
select title, akas ->> 0 as arn, region, partition
from aws_iam_role
where akas @> to_jsonb(array[arn])
order by title
limit 10;

-- name: docs_events_write_pretty
select event_name, event_source, event_time, user_type, username, user_identifier,
  jsonb_pretty(request_parameters) as request_parameters,
  jsonb_pretty(response_elements) as response_elements
from aws_cloudtrail_trail_event
where not read_only and event_source = 'iam.amazonaws.com'
order by event_time asc, event_id
limit 30;

-- name: docs_role_github_oidc_condition
select iam.arn as resource,
  case
    when pstatement -> 'Condition' -> 'StringLike' -> 'token.actions.githubusercontent.com:sub' is not null
      or pstatement -> 'Condition' -> 'StringEquals' -> 'token.actions.githubusercontent.com:sub' is not null then 'ok'
    else 'alarm'
  end as status
from aws_iam_role as iam,
  jsonb_array_elements(iam.assume_role_policy_std -> 'Statement') as pstatement
where pstatement -> 'Action' ?& array [ 'sts:assumerolewithwebidentity' ]
  and (pstatement -> 'Principal' -> 'Federated') :: text like '%oidc%'
order by status asc, resource;

-- name: docs_role_maintenance_org_pretty
select maintenance.name, jsonb_pretty(maintenance_stmt) as stmt
from aws_account as a,
  aws_iam_role as maintenance,
  jsonb_array_elements(maintenance.assume_role_policy_std -> 'Statement') as maintenance_stmt
where maintenance_stmt -> 'Principal' -> 'AWS' ? '*'
  and maintenance_stmt -> 'Condition' -> 'StringEquals' -> 'aws:principalorgid' ? a.organization_id;

-- name: docs_role_attached_split_part
select name, description, split_part(policy, '/', 3) as attached_policy
from aws_iam_role cross join jsonb_array_elements_text(attached_policy_arns) as policy
order by name, attached_policy;

-- name: access_key_date_minus_date
select access_key_id, user_name,
  date(current_timestamp) - date(create_date) as age_days,
  case when status = 'Active' and (date(current_timestamp) - date(create_date)) >= 90 then 'alarm' else 'ok' end as status
from aws_iam_access_key
order by access_key_id;

-- name: select_star_users
select * from aws_iam_user order by arn;

-- name: select_star_trails
select * from aws_cloudtrail_trail order by arn, region;

-- name: select_star_policies_star_json
select p.*, jsonb_object_keys(p.policy_std) as top_key
from aws_iam_policy p
where not p.is_aws_managed
order by p.arn, top_key;

-- name: credential_report_greatest_last_activity
select user_name,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity,
  least(access_key_1_last_rotated, access_key_2_last_rotated) as oldest_key,
  coalesce(to_char(greatest(password_last_used, access_key_1_last_used_date), 'YYYY-MM-DD"T"HH24:MI:SS'), 'never') as shown
from aws_iam_credential_report
order by user_name, last_activity;

-- name: user_console_password_created_cast
select name, (login_profile ->> 'CreateDate')::timestamptz as console_created,
  now()::date - create_date::date as days_since_created,
  extract(year from create_date) as created_year,
  age(now(), create_date) > interval '90 days' as older_than_90_days
from aws_iam_user
order by name, arn;

-- name: role_array_agg_and_window
select account_id, name, count(*) over (partition by account_id) as roles_in_account,
  row_number() over (partition by account_id order by create_date, name) as nth_created
from aws_iam_role
order by account_id, nth_created;

-- name: policy_array_helpers
select account_id, array_agg(name order by name) as names,
  array_to_string(array_agg(distinct path order by path), ';') as paths
from aws_iam_policy
where not is_aws_managed
group by account_id
order by account_id;

-- name: user_not_exists_key
select u.name, u.arn
from aws_iam_user u
where not exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id)
  and u.path = '/'
order by u.arn;

-- name: events_int_casts_and_substring
select event_name, substring(user_agent from '^[^/ ]+') as agent, left(event_id, 8) as id8,
  position('.' in event_source) as dot, timestamp_ms / 1000 as epoch_seconds,
  to_timestamp(timestamp_ms / 1000) = date_trunc('second', event_time) as same_second
from aws_cloudtrail_trail_event
where event_source = 'sts.amazonaws.com'
order by event_time, event_id
limit 20;

-- name: events_avg_numeric_round
select event_source, round(avg(length(event_name))::numeric, 2) as avg_name_length,
  round(100.0 * count(*) filter (where error_code is not null) / count(*), 1) as error_pct
from aws_cloudtrail_trail_event
group by event_source
having count(*) > 20
order by event_source;

-- name: events_nullif_and_coalesce_tags
select coalesce(nullif(user_identity ->> 'userName', ''), user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName', 'unknown') as who,
  count(*) as n
from aws_cloudtrail_trail_event
group by 1
order by n desc, who
limit 15;

-- name: events_unnest_array_any
select event_name, count(*) as n
from aws_cloudtrail_trail_event
where event_name = any(array['CreateUser', 'CreateAccessKey', 'AttachUserPolicy', 'PutBucketPolicy', 'GetCallerIdentity'])
  and aws_region = any(string_to_array('us-east-1,eu-west-1,us-west-2', ','))
group by event_name
order by event_name;

-- name: events_log_group_qual
select event_name, event_source, event_time, user_type, username, user_identifier
from aws_cloudtrail_trail_event
where log_group_name = 'aws-cloudtrail-logs-123456789012-abcd1234'
  and user_type = 'IAMUser'
order by event_time asc, event_id;

-- name: insights_user_mfa_table
select u.name as "User Name", u.mfa_enabled as "MFA Active", a.title as "Account", a.account_id as "Account ID",
  u.arn as "ARN"
from aws_iam_user as u, aws_account as a
where u.account_id = a.account_id
order by u.name, u.arn;

-- name: insights_card_no_mfa
select count(*) as value, 'MFA Not Enabled' as label,
  case count(*) when 0 then 'ok' else 'alert' end as "type"
from aws_iam_user
where not mfa_enabled;

-- name: insights_user_creation_trend
with users as (
  select title, create_date, to_char(create_date, 'YYYY-MM') as creation_month from aws_iam_user
),
months as (
  select to_char(d, 'YYYY-MM') as month
  from generate_series(date_trunc('month', (select min(create_date) from users)),
    date_trunc('month', (select max(create_date) from users)), interval '1 month') as d
),
users_by_month as (
  select creation_month, count(*) from users group by creation_month
)
select months.month, coalesce(users_by_month.count, 0) as users
from months left join users_by_month on months.month = users_by_month.creation_month
order by months.month;

-- name: insights_access_keys_per_user
with access_keys as (
  select user_name, account_id, string_agg(access_key_id, ',') as access_key_ids, string_agg(status, ',') as status,
    max(create_date) as newest
  from aws_iam_access_key
  group by user_name, account_id
)
select u.name as "User", u.account_id, k.access_key_ids as "Keys", k.status as "Status",
  case when k.newest is null then null else date_part('day', now() - k.newest) end as "Newest key age"
from aws_iam_user u left join access_keys k on k.user_name = u.name and k.account_id = u.account_id
order by u.account_id, u.name;

-- name: insights_role_by_path_and_age
select path, count(*) as roles,
  count(*) filter (where create_date > now() - interval '365 days') as created_last_year,
  count(*) filter (where role_last_used_date is null) as never_used
from aws_iam_role
group by path
order by roles desc, path;

-- name: organizations_accounts_and_parents
select id, name, email, joined_method, joined_timestamp, status, parent_id, account_id as queried_from
from aws_organizations_account
order by id;

-- name: organizations_suspended_accounts
select id, name from aws_organizations_account where status = 'SUSPENDED';

-- name: organizations_ou_tree
select name, id, parent_id, path, title, akas ->> 0 as arn
from aws_organizations_organizational_unit
order by path;

-- name: organizations_root_policy_types
select r.id, t ->> 'Type' as policy_type, t ->> 'Status' as status
from aws_organizations_root as r, jsonb_array_elements(r.policy_types) as t
order by r.id, policy_type;

-- name: organizations_scp_statements
select p.name, p.id, p.aws_managed, p.content ->> 'Version' as version, s ->> 'Effect' as effect,
  s -> 'Action' as action
from aws_organizations_policy as p, jsonb_array_elements(p.content -> 'Statement') as s
where p.type = 'SERVICE_CONTROL_POLICY'
order by p.id, effect;

-- name: organizations_policies_attached_to_an_account
select name, id, arn, type, aws_managed
from aws_organizations_policy_target
where type = 'SERVICE_CONTROL_POLICY' and target_id = '222222222222'
order by id;

-- name: organizations_accounts_under_a_deny_scp
select a.id, a.name, t.name as policy
from aws_organizations_account as a
  join aws_organizations_policy_target as t on t.target_id in (a.id, a.parent_id)
where t.type = 'SERVICE_CONTROL_POLICY' and t.content -> 'Statement' @> '[{"Effect": "Deny"}]'
order by a.id, policy;

-- name: account_organization_columns
select account_id, organization_id, organization_master_account_id, organization_feature_set,
  organization_available_policy_types -> 0 ->> 'Type' as first_policy_type
from aws_account
order by account_id;

-- name: accessanalyzer_enabled_all_regions
select
  'arn:' || r.partition || '::' || r.name || ':' || r.account_id as resource,
  case when aa.arn is null then 'alarm' when aa.status = 'ACTIVE' then 'ok' else 'alarm' end as status,
  r.name || coalesce(' has analyzer ' || aa.name || ' (' || aa.status || ')', ' has no analyzer') || '.' as reason
from aws_region as r
  left join aws_accessanalyzer_analyzer as aa on r.account_id = aa.account_id and r.name = aa.region
where r.opt_in_status is null or r.opt_in_status <> 'not-opted-in'
order by resource;

-- name: accessanalyzer_analyzer_tags_and_age
select name, type, status, tags, date_part('day', now() - created_at) > 30 as older_than_30_days,
  akas ->> 0 as arn
from aws_accessanalyzer_analyzer
order by arn;

-- name: accessanalyzer_active_public_findings
select f.resource, f.resource_type, f.status, f.is_public, f.principal ->> 'AWS' as principal_aws,
  jsonb_array_length(f.action) as actions, a.name as analyzer
from aws_accessanalyzer_finding as f
  join aws_accessanalyzer_analyzer as a on a.arn = f.access_analyzer_arn
where f.status = 'ACTIVE'
order by f.resource, f.id;

-- name: access_advisor_services_not_used_in_90_days
select principal_arn, count(*) as granted,
  count(*) filter (where last_authenticated is null or last_authenticated < now() - interval '90 days') as unused,
  string_agg(service_namespace, ', ' order by service_namespace) filter (where last_authenticated is null) as never
from aws_iam_access_advisor
group by principal_arn
order by principal_arn;

-- name: access_advisor_last_entity_per_service
select service_namespace, max(last_authenticated) as last_used, count(distinct principal_arn) as principals,
  min(last_authenticated_entity) as an_entity
from aws_iam_access_advisor
group by service_namespace
order by service_namespace;

-- name: ssoadmin_permission_sets_with_administrator_access
select i.identity_store_id, p.name, p.session_duration, m.managed_policy_arn
from aws_ssoadmin_instance as i
  join aws_ssoadmin_permission_set as p on p.instance_arn = i.arn
  join aws_ssoadmin_managed_policy_attachment as m on m.permission_set_arn = p.arn
where m.managed_policy_arn like '%/AdministratorAccess'
order by p.name;

-- name: ssoadmin_who_holds_each_permission_set
select p.name as permission_set, a.target_account_id, a.principal_type,
  coalesce(u.name, g.name, a.principal_id) as principal
from aws_ssoadmin_account_assignment as a
  join aws_ssoadmin_permission_set as p on p.arn = a.permission_set_arn
  left join aws_identitystore_user as u on a.principal_type = 'USER' and u.id = a.principal_id
  left join aws_identitystore_group as g on a.principal_type = 'GROUP' and g.id = a.principal_id
order by permission_set, a.target_account_id, principal;

-- name: identitystore_group_members
select g.name as group_name, u.name as user_name, u.emails -> 0 ->> 'Value' as email
from aws_identitystore_group_membership as m
  join aws_identitystore_group as g on g.id = m.group_id and g.identity_store_id = m.identity_store_id
  join aws_identitystore_user as u on u.id = m.member_id and u.identity_store_id = m.identity_store_id
order by group_name, user_name;
-- name: ec2_instances_allowing_imdsv1
select instance_id, region, account_id, iam_instance_profile_arn, metadata_options ->> 'HttpTokens' as http_tokens
from aws_ec2_instance
where metadata_options ->> 'HttpTokens' <> 'required'
order by instance_id;

-- name: ec2_instance_profile_roles
select i.instance_id, i.instance_state, r ->> 'Arn' as role_arn
from aws_ec2_instance as i
  join aws_iam_instance_profile as p on p.arn = i.iam_instance_profile_arn
  cross join lateral jsonb_array_elements(p.roles) as r
order by i.instance_id, role_arn;

-- name: lambda_functions_by_runtime_and_role
select runtime, role, count(*) as functions, min(last_modified) as oldest_change
from aws_lambda_function
group by runtime, role
order by runtime, role;

-- name: lambda_resource_policy_principals
select name, s ->> 'Sid' as sid, s -> 'Principal' -> 'Service' as services, s -> 'Condition' as condition
from aws_lambda_function, jsonb_array_elements(policy_std -> 'Statement') as s
where s ->> 'Effect' = 'Allow'
order by name, sid;

-- name: ecs_task_definition_roles
select family, revision, task_role_arn, execution_role_arn, cpu, memory,
  jsonb_array_length(container_definitions) as containers, tags ->> 'team' as team
from aws_ecs_task_definition
where status = 'ACTIVE'
order by family, revision;

-- name: eks_cluster_identity
select name, version, role_arn, identity -> 'Oidc' ->> 'Issuer' as oidc_issuer,
  access_config ->> 'AuthenticationMode' as authentication_mode,
  (resources_vpc_config ->> 'EndpointPublicAccess')::boolean as public_endpoint
from aws_eks_cluster
-- name: metric_filter_alarm_and_subscribers
select f.name as filter_name, f.log_group_name, f.filter_pattern, a.name as alarm_name, a.state_value,
  s.protocol, s.endpoint, s.pending_confirmation
from aws_cloudwatch_log_metric_filter as f
  join aws_cloudwatch_alarm as a
    on a.metric_name = f.metric_transformation_name and a.namespace = f.metric_transformation_namespace
  join lateral jsonb_array_elements_text(a.alarm_actions) as action on true
  left join aws_sns_topic_subscription as s on s.topic_arn = action
order by filter_name, s.endpoint;

-- name: metric_filters_matching_root_usage_text
select name, region, filter_pattern
from aws_cloudwatch_log_metric_filter
where filter_pattern ~ '\$\.userIdentity\.type\s*=\s*"?Root"?'
order by name;

-- name: alarms_without_actions
select name, region, account_id, actions_enabled, jsonb_array_length(alarm_actions) as actions
from aws_cloudwatch_alarm
where not actions_enabled or alarm_actions is null or jsonb_array_length(alarm_actions) = 0
order by name;

-- name: sns_subscriptions_by_state
select topic_arn, count(*) filter (where pending_confirmation) as pending,
  count(*) filter (where not pending_confirmation) as confirmed
from aws_sns_topic_subscription
group by topic_arn
order by topic_arn;

-- name: s3_bucket_public_access
select name, region, bucket_policy_is_public,
  coalesce(block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets, false) as all_blocked,
  policy_std -> 'Statement' @> '[{"Effect": "Allow", "Principal": {"AWS": ["*"]}}]' as allows_anyone
from aws_s3_bucket
order by name;

-- name: s3_bucket_logging_versioning_encryption
select name, logging ->> 'TargetBucket' as target_bucket, versioning_enabled, versioning_mfa_delete,
  server_side_encryption_configuration -> 'Rules' -> 0 -> 'ApplyServerSideEncryptionByDefault' ->> 'SSEAlgorithm' as sse,
  acl -> 'Grants' -> 0 ->> 'Permission' as first_grant, date_part('day', now() - creation_date) > 30 as older_than_30_days
from aws_s3_bucket
order by name;

-- name: s3_bucket_public_access_with_the_account_s
select b.name, b.region,
  coalesce(a.block_public_policy, false) or coalesce(b.block_public_policy, false) as public_policy_blocked,
  coalesce(a.restrict_public_buckets, false) or coalesce(b.restrict_public_buckets, false) as public_buckets_restricted,
  a.akas ->> 0 as account_settings, a.title
from aws_s3_bucket as b
  left join aws_s3_account_settings as a on a.account_id = b.account_id
order by b.name;

-- name: trail_bucket_logging
select t.name as trail, t.s3_bucket_name, b.name is not null as bucket_loaded, b.logging ->> 'TargetBucket' as target
from aws_cloudtrail_trail as t
  left join aws_s3_bucket as b on b.name = t.s3_bucket_name and b.account_id = t.account_id
where t.region = t.home_region
order by trail;

-- name: regions_enabled
select name, opt_in_status, partition, akas ->> 0 as arn
from aws_region
where opt_in_status <> 'not-opted-in'
order by name;

-- name: numbers_error_rate_rounded_as_text
select event_source,
  round(100.0 * count(*) filter (where error_code is not null) / count(*), 2) || '%' as error_rate,
  round(avg(length(event_name)), 1) as avg_name_length,
  round(avg(length(event_name))) || ' chars' as avg_name_text,
  concat(round(100.0 * count(distinct user_identifier) / count(*), 3), ' callers per 100 events') as callers
from aws_cloudtrail_trail_event
group by event_source
order by event_source;

-- name: numbers_extract_epoch_and_seconds_as_text
select name, 'created ' || extract(epoch from create_date) as epoch_text,
  extract(second from create_date)::text as seconds, extract(day from create_date) || '' as day_text,
  date_part('epoch', create_date)::text as date_part_epoch, extract(epoch from create_date)::bigint as epoch_int
from aws_iam_role
order by name
limit 8;

-- name: numbers_double_precision_as_text
select name, threshold || '' as t, threshold::text as t2, concat('>= ', threshold) as c, format('%s', threshold) as f,
  (threshold / 3)::text as third, (evaluation_periods * period / 60.0)::float8 || ' minutes' as window_minutes
from aws_cloudwatch_alarm
order by name;

-- name: numbers_float_functions_as_text
select name, (max_session_duration::float / 3600)::text as hours, (max_session_duration::float8 / 7) || '' as sevenths,
  power(2, 10)::text as p, sqrt(max_session_duration)::text as root, round(log(max_session_duration::float))::text as lg
from aws_iam_role
where max_session_duration is not null
order by name
limit 8;

-- name: numbers_round_keeps_its_scale
select name, round(max_session_duration / 3600.0, 1) || 'h' as hours, 'x' || 1.50 as literal,
  (max_session_duration * 1.5)::text as product, round(max_session_duration / 3600.0, 2) as hours_2,
  trunc(max_session_duration / 7.0, 3)::text as truncated, ceil(max_session_duration / 7.0)::text as ceiling,
  floor(max_session_duration / 7.0) || '' as floored
from aws_iam_role
where max_session_duration is not null
order by name
limit 8;

-- name: numbers_mfa_percentage_per_account
select account_id, count(*) as users,
  count(*) filter (where mfa_enabled) * 100 / count(*) as pct_int,
  round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) as pct,
  round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) || '% with MFA' as summary,
  count(*) filter (where mfa_enabled)::numeric / nullif(count(*), 0) as ratio
from aws_iam_user
group by account_id
order by account_id;

-- name: numbers_window_share_of_events
select event_source, count(*) as n,
  round(100.0 * count(*) / sum(count(*)) over (), 2) as pct,
  rank() over (order by count(*) desc) as rnk
from aws_cloudtrail_trail_event
group by event_source
order by n desc, event_source
limit 10;

-- name: numbers_width_bucket_session_duration
select width_bucket(max_session_duration, 0, 43200, 4) as bucket, count(*) as roles
from aws_iam_role
group by 1
order by 1 nulls first;

-- name: numbers_division_guarded_with_nullif
select account_id, count(*) filter (where password_last_used is not null)::numeric / nullif(count(*) filter (where mfa_enabled), 0) as logins_per_mfa_user,
  round(count(*) filter (where mfa_enabled)::numeric / nullif(count(*), 0), 3) as mfa_ratio
from aws_iam_user
group by account_id
order by account_id;

-- name: numbers_ec2_hop_limit_and_state
select instance_id, (metadata_options ->> 'HttpPutResponseHopLimit')::int as hops,
  (metadata_options ->> 'HttpPutResponseHopLimit')::int * 2 as doubled, state_code / 16 as state_high,
  'state ' || state_code as state_text
from aws_ec2_instance
order by instance_id;

-- name: casts_varchar_length_cuts
select name::varchar(5) as short, cast(arn as varchar(12)) as arn12, left(name, 3)::varchar as l,
  (tags ->> 'Name')::varchar(4) as tag4
from aws_iam_user
order by name
limit 8;

-- name: casts_time_of_day
select event_time::time as t, date_trunc('hour', event_time)::time as hour, count(*) as n
from aws_cloudtrail_trail_event
group by 1, 2
order by n desc, t
limit 8;

-- name: casts_text_to_integer_from_json_and_split
select event_version, split_part(event_version, '.', 1)::int as major, split_part(event_version, '.', 2)::int as minor,
  count(*) as n
from aws_cloudtrail_trail_event
where event_version is not null
group by 1, 2, 3
order by major, minor;

-- name: casts_policy_version_number
select name, default_version_id, substr(default_version_id, 2)::int as version_number,
  update_date > create_date as updated, age(update_date, create_date) as between_versions
from aws_iam_policy
where not is_aws_managed
order by version_number desc, name
limit 15;

-- name: casts_json_booleans
select name, (login_profile ->> 'PasswordResetRequired')::boolean as reset,
  (login_profile -> 'PasswordResetRequired')::bool as reset_json, login_profile is null as no_console
from aws_iam_user
order by name
limit 12;

-- name: time_seconds_keep_their_fraction
select event_time, extract(second from event_time) as s, date_part('second', event_time) as ds,
  extract(milliseconds from event_time) as ms, extract(minute from event_time) as m
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 5;

-- name: time_to_char_layouts
select name, to_char(create_date, 'Day, DD Month YYYY') as long_form,
  to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as iso, to_char(create_date, 'FMMonth FMDD, YYYY') as fm,
  to_char(create_date, 'HH12:MI AM') as clock, to_char(create_date, 'IYYY-IW') as iso_week
from aws_iam_user
order by create_date, name
limit 10;

-- name: time_to_char_milliseconds
select to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as iso, to_char(event_time, 'HH24:MI:SS.US') as us,
  to_char(event_time, 'Dy') as dy
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 3;

-- name: time_date_arithmetic
select name, current_date - create_date::date as days, create_date::date + 90 as due,
  create_date + interval '90 days' as due_ts, (now() - create_date) > interval '1 year' as old,
  now() - create_date > '400 days' as old_text_interval
from aws_iam_user
order by name
limit 10;

-- name: time_age_parts
select name, age(create_date) as age, extract(year from age(now(), create_date)) as years,
  date_part('month', age(create_date)) as months,
  age(timestamptz '2024-03-01 00:00:00+00', create_date)::text as age_text
from aws_iam_user
order by name
limit 10;

-- name: time_interval_multiplication
select name, create_date + interval '1 day' * 90 as d1, create_date + 90 * interval '1 day' as d2,
  create_date - make_interval(days => 30) as d3, justify_interval(timestamptz '2025-01-01 00:00:00+00' - create_date) as j
from aws_iam_role
order by name
limit 5;

-- name: time_gaps_between_events
with ordered as (
  select event_time, lag(event_time) over (order by event_time, event_id) as prev
  from aws_cloudtrail_trail_event
)
select prev, event_time, event_time - prev as gap, extract(epoch from event_time - prev) / 3600 as hours
from ordered
where event_time - prev > interval '6 hours'
order by gap desc, event_time
limit 10;

-- name: time_credential_report_key_age_text
select user_name, user_arn,
  case when access_key_1_active then 'key 1 ' || date_part('day', now() - access_key_1_last_rotated)::int || ' days old'
    else 'key 1 inactive' end as key_1,
  coalesce(to_char(access_key_1_last_used_date, 'YYYY-MM-DD'), 'N/A') as key_1_used,
  password_enabled and mfa_active as console_ok
from aws_iam_credential_report
order by user_name, user_arn;

-- name: time_role_staleness
select name, role_last_used_date, role_last_used_region,
  case when role_last_used_date is null then 'never'
    when role_last_used_date < now() - interval '90 days' then 'stale (' || (now()::date - role_last_used_date::date) || ' days)'
    else 'recent' end as usage
from aws_iam_role
order by name
limit 20;

-- name: time_server_certificate_expiry_flags
select name, expiration, expiration < now() as expired, expiration - now() < interval '30 days' as expiring_soon,
  to_char(expiration, 'YYYY-MM-DD') as expires_on, upload_date::date as uploaded
from aws_iam_server_certificate
order by expiration, name;

-- name: time_organization_account_age
select id, name, joined_timestamp, date_part('year', age(now(), joined_timestamp)) as years,
  to_char(joined_timestamp, 'Mon YYYY') as joined
from aws_organizations_account
order by joined_timestamp, id;

-- name: time_generate_series_left_join_days
select d::date as day, count(e.event_id) as events
from generate_series(date '2020-09-01', date '2020-09-10', interval '1 day') d
  left join aws_cloudtrail_trail_event e on e.event_time::date = d::date
group by d
order by d;

-- name: series_statement_positions
select p.name, i, p.policy_std -> 'Statement' -> i ->> 'Effect' as effect, i / 2 as pair
from aws_iam_policy p, generate_series(0, jsonb_array_length(p.policy_std -> 'Statement') - 1) as i
where not p.is_aws_managed
order by p.name, i
limit 20;

-- name: arrays_subscript_of_aggregates
select account_id, (array_agg(name order by create_date desc, name))[1] as newest,
  (array_agg(name order by create_date, name))[1:2] as oldest_two,
  (array_agg(name order by name))[2] as second_by_name
from aws_iam_role
group by account_id
order by account_id;

-- name: arrays_last_element_by_length
select name, (string_to_array(arn, '/'))[array_length(string_to_array(arn, '/'), 1)] as last_segment,
  (string_to_array(arn, ':'))[cardinality(string_to_array(arn, ':')) - 1] as account,
  (string_to_array(path, '/'))[2] as first_path_segment
from aws_iam_role
order by name
limit 12;

-- name: arrays_subscripts_name_their_columns
select (array_agg(name order by name))[1], (string_to_array(max(arn), ':'))[5], (regexp_match(max(name), '^([A-Z])'))[1]
from aws_iam_group;

-- name: arrays_split_arn_parts
select name, (string_to_array(arn, ':'))[5] as acct, (string_to_array(arn, '/'))[2] as second,
  array_length(string_to_array(trim(both '/' from path), '/'), 1) as depth,
  cardinality(array_remove(string_to_array(path, '/'), '')) as segments
from aws_iam_role
order by name
limit 10;

-- name: arrays_position_and_overlap
select name, array_position(array['/', '/service-role/', '/aws-service-role/'], path) as known_path,
  string_to_array(path, '/') @> array['service-role'] as service_role,
  string_to_array(path, '/') && array['aws-service-role', 'service-role'] as any_service
from aws_iam_role
order by name
limit 15;

-- name: arrays_attached_policy_overlap
select name
from aws_iam_user
where array(select jsonb_array_elements_text(attached_policy_arns))
  && array['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/PowerUserAccess']
order by name;

-- name: arrays_any_of_a_null_array
select name, name = any(string_to_array(tags ->> 'aliases', ',')) as listed,
  name <> all(string_to_array(tags ->> 'aliases', ',')) as not_listed,
  'x' = any(array_remove(string_to_array(path, '/'), '')) as in_path
from aws_iam_user
order by name
limit 10;

-- name: arrays_aggregate_output
select account_id, array_agg(distinct path) as paths, array_agg(max_session_duration order by max_session_duration, name) as durations,
  array_agg(permissions_boundary_arn order by name)::text as boundaries_text,
  cardinality(array_agg(name)) as n
from aws_iam_role
group by account_id
order by account_id;

-- name: arrays_filtered_aggregates
select account_id, array_agg(name order by name) filter (where mfa_enabled) as mfa_users,
  array_agg(name order by name) filter (where not mfa_enabled) as no_mfa,
  string_agg(name, ', ' order by create_date desc, name) as newest_first
from aws_iam_user
group by account_id
order by account_id;

-- name: arrays_unnest_path_with_ordinality
select r.name, seg, n
from aws_iam_role r, unnest(string_to_array(r.arn, ':')) with ordinality as u(seg, n)
where r.path <> '/'
order by r.name, n
limit 20;

-- name: regex_match_optional_groups
select name, regexp_match(arn, ':(role|user)/(.*/)?([^/]+)$') as parts,
  (regexp_match(arn, '/(.*/)?[^/]+$'))[1] as path_part, regexp_match(arn, ':role/(?:(.*)/)?([^/]+)$') as path_and_name,
  (regexp_match(arn, 'arn:aws:iam::(\d+):role/(.*)'))[1] as account
from aws_iam_role
order by name
limit 12;

-- name: regex_substring_optional_group
select name, path, substring(path from '^/([^/]+)?/') as first_segment, substring(arn from ':(\d{12}):') as account
from aws_iam_role
order by name
limit 12;

-- name: regex_match_any_and_all
select name, name ~ any(array['^AWS', 'Admin$']) as a, name !~ any(array['^AWS', 'Role']) as b,
  not (name ~ any(array['^AWS', 'Role'])) as c, name ~* all(array['aws', 'role']) as d,
  name !~* all(array['x', 'y']) as e, name !~ 'AWS' as f
from aws_iam_role
order by name
limit 30;

-- name: regex_replace_variants
select name, regexp_replace(arn, '^arn:aws:iam::\d{12}:', '') as short, regexp_replace(name, '[aeiou]', '_', 'g') as vowels,
  regexp_replace(name, '([A-Z])', '<\1>', 'g') as caps, regexp_replace(name, 'A', 'a', 'i') as first_a
from aws_iam_role
order by name
limit 10;

-- name: regex_user_agent_family
select case when user_agent ilike 'aws-cli%' then 'cli' when user_agent ilike 'boto%' then 'sdk-python'
    when user_agent like '%console%' then 'console' when user_agent is null then 'none' else 'other' end as family,
  count(*) as n, count(distinct user_identifier) as callers
from aws_cloudtrail_trail_event
group by 1
order by n desc, family;

-- name: regex_distinct_on_ip_first_event
select distinct on (source_ip_address) source_ip_address, event_time, event_name, user_identifier
from aws_cloudtrail_trail_event
where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$'
order by source_ip_address, event_time, event_id
limit 20;

-- name: like_patterns_and_escapes
select name from aws_iam_role
where name like '%\_%' or name ilike 'AWS%' or name like '%!%%' escape '!'
order by name;

-- name: like_any_all_lowercase
select name from aws_iam_role
where lower(name) like any (array['%admin%', '%ops%']) or name ilike all (array['%a%', '%r%'])
order by name;

-- name: similar_to_admin_names
select name, name similar to '%(Admin|admin|ADMIN)%' as admin, name similar to '[A-Z]%' as capital
from aws_iam_role
order by name
limit 20;

-- name: strings_functions_on_role_names
select name, lower(name) as lo, upper(name) as up, initcap(replace(name, '-', ' ')) as ic, length(name) as len,
  char_length(arn) as arn_len, lpad(name, 30, '.') as lp, rpad(left(name, 5), 8, '*') as rp, reverse(name) as rv,
  md5(name) as h, ltrim(path, '/') as lt, rtrim(path, '/') as rt, btrim(path, '/') as bt, trim(leading '/' from path) as tl
from aws_iam_role
order by name
limit 10;

-- name: strings_translate_and_positions
select name, translate(name, 'aeiou', 'AEIOU') as t, repeat('-', length(name)) as r, strpos(arn, ':role/') as sp,
  position('/' in path) as pp, substr(arn, 14, 12) as acct, replace(arn, 'arn:aws:iam::', '') as tail
from aws_iam_role
order by name
limit 10;

-- name: strings_substr_with_a_computed_length
select name, substr(name, 1, strpos(name, '-') - 1) as before_dash, left(name, strpos(name, '-') - 1) as left_part,
  substring(arn from strpos(arn, '/') + 1) as after_slash
from aws_iam_role
where name like '%-%'
order by name;

-- name: strings_split_part_of_arns
select split_part(arn, ':', 5) as account, split_part(split_part(arn, ':', 6), '/', 1) as kind,
  split_part(arn, '/', -1) as last, count(*) as n
from aws_iam_policy
group by 1, 2, 3
order by n desc, last, account
limit 15;

-- name: strings_concat_with_nulls
select name, 'x' || null as a, concat(name, null, '-', 1, true) as b, concat_ws('/', null, path, name) as c,
  name || ' (' || path || ')' || null as d
from aws_iam_group
order by name;

-- name: strings_format_variants
select format('%s (%s) created %s', name, account_id, create_date) as f, format('%-10s|', left(name, 8)) as g,
  format('%L', description) as h, format('%s roles', count(*) over ()) as i
from aws_iam_role
order by name
limit 5;

-- name: strings_escape_and_dollar_quotes
select string_agg(name, E'\n' order by name) as names, E'a\tb' as tab, 'it''s' as q, $$dollar 'quoted'$$ as d
from aws_iam_group;

-- name: strings_padded_report_lines
select rpad(name, 20, '.') || lpad(count(*)::text, 5, ' ') as line
from aws_iam_group g, jsonb_array_elements(g.users) u
group by name
order by name;

-- name: json_whole_value_text
select u.name, t.key, t.value #>> '{}' as v, t.value::text as raw
from aws_iam_user u, jsonb_each(u.tags) t
order by u.name, t.key
limit 20;

-- name: json_elements_in_select_with_operators
select name, jsonb_array_elements(assume_role_policy_std -> 'Statement') ->> 'Effect' as effect,
  jsonb_array_elements(assume_role_policy_std -> 'Statement') -> 'Principal' as principal
from aws_iam_role
order by name, effect
limit 20;

-- name: json_principal_aws_shapes
select name, s -> 'Principal' ->> 'AWS' as aws_text, s -> 'Principal' -> 'AWS' as aws_json,
  jsonb_typeof(s -> 'Principal' -> 'AWS') as t
from aws_iam_role, jsonb_array_elements(assume_role_policy -> 'Statement') s
where s -> 'Principal' ? 'AWS'
order by name, aws_text;

-- name: json_principal_types_and_values
select r.name, p.key as principal_type, pv as principal
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Principal') p,
  jsonb_array_elements_text(p.value) pv
order by r.name, principal_type, principal
limit 30;

-- name: json_trust_condition_keys
select r.name, c.key as operator, k.key as condition_key, k.value as v
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c,
  jsonb_each_text(c.value) k
order by r.name, operator, condition_key;

-- name: json_statement_shapes_raw_policy
select p.name,
  case jsonb_typeof(s -> 'Action') when 'array' then jsonb_array_length(s -> 'Action') when 'string' then 1 else 0 end as n_actions,
  case when jsonb_typeof(s -> 'Resource') = 'string' then jsonb_build_array(s -> 'Resource') else s -> 'Resource' end as resources
from aws_iam_policy p,
  jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement'
    else jsonb_build_array(p.policy -> 'Statement') end) s
where not p.is_aws_managed
order by p.name, n_actions, 3;

-- name: json_tags_tests
select name, tags = '{}'::jsonb as empty, tags is null as missing, coalesce(tags, '{}') as t,
  tags ->> 'Name' is null as no_name, jsonb_typeof(tags) as ty, tags ? 'Name' as has_name,
  tags ?| array['owner', 'Owner'] as owner, tags @> '{"env": "prod"}' as prod, tags -> 'Name' ? 'x' as name_is_x
from aws_iam_user
order by name
limit 20;

-- name: json_tag_keys_counted
select t.key, count(*) as n, string_agg(distinct t.value, ', ') as vals
from aws_iam_role r, jsonb_each_text(r.tags) t
group by t.key
order by n desc, t.key;

-- name: json_tag_count_subquery
select name, (select count(*) from jsonb_object_keys(tags)) as n_tags
from aws_iam_user
order by n_tags desc, name
limit 10;

-- name: json_build_object_output
select name, jsonb_build_object('name', name, 'path', path, 'tags', tags, 'n', max_session_duration,
    'long', max_session_duration > 3600, 'none', null) as obj
from aws_iam_role
order by name
limit 5;

-- name: json_build_array_and_to_jsonb
select jsonb_build_array(name, 1, 2.50, true, null, create_date) as arr, to_jsonb(name) as a, to_jsonb(create_date) as c,
  to_jsonb(array[1, 2]) as e
from aws_iam_group
order by name
limit 3;

-- name: json_numbers_in_objects
select jsonb_build_object('pct', round(100.0 * 1 / 3, 2), 'whole', round(50.0, 2), 'n', count(*),
    'avg', round(avg(max_session_duration), 1)) as j
from aws_iam_role;

-- name: json_agg_of_users_per_account
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled, 'created', create_date) order by name) as users
from aws_iam_user
group by account_id
order by account_id;

-- name: json_agg_filter_coalesce
select g.name, coalesce(jsonb_agg(u ->> 'UserName' order by u ->> 'UserName') filter (where u ->> 'UserName' like 'a%'), '[]'::jsonb) as a_users,
  jsonb_agg(distinct u ->> 'UserName') as all_users
from aws_iam_group g left join jsonb_array_elements(g.users) u on true
group by g.name
order by g.name;

-- name: json_object_agg_durations
select account_id, jsonb_object_agg(name, max_session_duration) as durations, to_jsonb(array_agg(name order by name)) as names
from aws_iam_role
where path = '/'
group by account_id
order by account_id;

-- name: json_array_indexes
select name, attached_policy_arns ->> 0 as first, attached_policy_arns -> -1 as last, attached_policy_arns ->> 99 as none,
  akas[0] as first_aka, tags['Name'] as name_tag
from aws_iam_role
order by name
limit 10;

-- name: json_hash_paths
select name, assume_role_policy #> '{Statement,0,Principal}' as p, assume_role_policy #>> '{Statement,0,Action}' as a,
  assume_role_policy_std #>> '{Statement,0,Principal,Service,0}' as s0, assume_role_policy_std #>> '{Statement,-1,Effect}' as last_effect
from aws_iam_role
order by name
limit 10;

-- name: json_contains_and_exists_in_trust
select name, assume_role_policy_std @> '{"Statement":[{"Principal":{"Service":["lambda.amazonaws.com"]}}]}' as lambda,
  assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' ? 'Service' as svc,
  assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' ?| array['AWS', 'Federated'] as other,
  assume_role_policy_std -> 'Statement' -> 0 ?& array['Effect', 'Action'] as both
from aws_iam_role
order by name
limit 20;

-- name: json_sorted_by_value
select name, tags from aws_iam_user where tags is not null order by tags, name limit 10;

-- name: json_distinct_principals_sorted
select distinct s -> 'Principal' as principal
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
order by 1 desc;

-- name: json_grouped_actions_sorted_by_alias
select s -> 'Action' as actions, count(*) as statements
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
group by 1
order by actions;

-- name: windows_lag_gap_per_caller
select user_identifier, event_time,
  event_time - lag(event_time) over (partition by user_identifier order by event_time, event_id) as gap
from aws_cloudtrail_trail_event
where user_identifier is not null
order by user_identifier, event_time, event_id
limit 30;

-- name: windows_first_last_nth_role
select distinct account_id, first_value(name) over w as first_role, last_value(name) over w as last_role,
  nth_value(name, 2) over w as second_role
from aws_iam_role
window w as (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following)
order by account_id;

-- name: windows_counts_and_ranks_per_account
select name, account_id, count(*) over (partition by account_id) as n, count(*) over () as total,
  round(100.0 * count(*) over (partition by account_id) / count(*) over (), 1) as pct,
  dense_rank() over (partition by account_id order by path) as path_rank,
  lead(name) over (partition by account_id order by name) as next_name
from aws_iam_role
order by account_id, name
limit 20;

-- name: windows_distribution_functions
select name, cume_dist() over (order by create_date) as cd, percent_rank() over (order by create_date) as pr,
  ntile(4) over (order by create_date, name) as quartile
from aws_iam_user
order by create_date, name
limit 10;

-- name: windows_frames_and_filters
select name, create_date, count(*) over (order by create_date, name rows between 1 preceding and 1 following) as neighbours,
  max(create_date) over (partition by account_id) as latest,
  sum(max_session_duration) filter (where max_session_duration > 0) over (partition by account_id) as session_total
from aws_iam_role
order by create_date, name
limit 15;

-- name: windows_rank_callers_with_share
select user_identifier, n, rank() over (order by n desc) as r, dense_rank() over (order by n desc) as dr,
  round(100.0 * n / sum(n) over (), 1) as pct
from (select user_identifier, count(*) as n from aws_cloudtrail_trail_event where user_identifier is not null group by 1) s
order by n desc, user_identifier
limit 10;

-- name: windows_order_desc_puts_nulls_first
select name, password_last_used, row_number() over (order by password_last_used desc, name) as rn,
  first_value(name) over (partition by account_id order by password_last_used desc, name) as most_recent
from aws_iam_user
order by rn
limit 20;

-- name: aggregates_ordered_desc_with_nulls
select account_id, string_agg(name, ',' order by password_last_used desc, name) as s,
  array_agg(name order by password_last_used, name) as a, jsonb_agg(name order by password_last_used desc, name) as j
from aws_iam_user
group by account_id
order by account_id;

-- name: aggregates_percentiles_and_mode
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median,
  percentile_disc(0.9) within group (order by create_date) as p90_created,
  mode() within group (order by path) as common_path
from aws_iam_role
group by account_id
order by account_id;

-- name: aggregates_count_distinct_rows
select account_id, count(distinct (path, name)) as pairs, count(distinct path) as paths
from aws_iam_role
group by account_id
order by account_id;

-- name: grouping_rollup_with_grouping
select coalesce(account_id, 'all') as account, coalesce(path, 'all') as path, grouping(account_id, path) as g, count(*)
from aws_iam_role
group by rollup (account_id, path)
order by account, path;

-- name: grouping_sets_sources_and_regions
select event_source, aws_region, count(*)
from aws_cloudtrail_trail_event
where event_source like 'iam%' or event_source like 'sts%'
group by grouping sets ((event_source), (aws_region), ())
order by event_source nulls first, aws_region nulls first;

-- name: grouping_cube_read_only_and_errors
-- read_only may be NULL in the data too, as in a subtotal row: the count breaks such a tie
select read_only, failed, count(*)
from (select read_only, error_code is not null as failed from aws_cloudtrail_trail_event) e
group by cube (read_only, failed)
order by 1, 2, 3;

-- name: grouping_by_json_value
select tags -> 'Name' as name_tag, count(*) from aws_iam_role group by 1 order by 2 desc, 1 nulls first limit 5;

-- name: sets_intersect_except_accounts
select account_id from aws_iam_user
intersect
select account_id from aws_iam_role
except
select account_id from aws_iam_credential_report
order by 1;

-- name: sets_union_all_principals_newest
select 'user' as kind, name, create_date from aws_iam_user
union all
select 'role', name, create_date from aws_iam_role
union all
select 'group', name, create_date from aws_iam_group
order by create_date desc, name, kind
limit 15;

-- name: subqueries_scalar_per_user
select u.name, (select count(*) from aws_iam_access_key k where k.user_name = u.name) as keys,
  (select max(e.event_time) from aws_cloudtrail_trail_event e where e.username = u.name) as last_event
from aws_iam_user u
order by u.name
limit 15;

-- name: subqueries_exists_over_attachments
select r.name
from aws_iam_role r
where exists (select 1 from aws_iam_policy p, jsonb_array_elements_text(r.attached_policy_arns) a
  where a = p.arn and p.is_aws_managed)
order by r.name
limit 10;

-- name: subqueries_exists_with_empty_select_list
select exists (select from aws_iam_user where mfa_enabled) as any_mfa,
  exists (select from aws_iam_role where max_session_duration > 43200) as too_long;

-- name: subqueries_any_of_elements
select name from aws_iam_policy
where arn = any (select jsonb_array_elements_text(attached_policy_arns) from aws_iam_user)
order by name;

-- name: subqueries_not_any_paths
select name from aws_iam_role where not (path = any(array['/', '/service-role/'])) order by name;

-- name: subqueries_lateral_latest_event
select u.name, last.event_name, last.event_time
from aws_iam_user u
  left join lateral (
    select e.event_name, e.event_time from aws_cloudtrail_trail_event e
    where e.username = u.name order by e.event_time desc, e.event_id limit 1
  ) last on true
order by u.name
limit 20;

-- name: joins_full_outer_counts
select coalesce(u.account_id, r.account_id) as account, u.users, r.roles
from (select account_id, count(*) as users from aws_iam_user group by account_id) u
  full outer join (select account_id, count(*) as roles from aws_iam_role group by account_id) r on u.account_id = r.account_id
order by account;

-- name: joins_unattached_policies
select p.name, p.arn, a.is_attached, a.policy_arn is null as no_attachment_row
from aws_iam_policy p left join aws_iam_policy_attachment a on a.policy_arn = p.arn
where a.policy_arn is null or not a.is_attached
order by p.name, p.arn
limit 10;

-- name: ctes_recursive_ou_path
with recursive tree as (
  select id, name, parent_id, name::text as full_path, 1 as depth
  from aws_organizations_organizational_unit where parent_id like 'r-%'
  union all
  select ou.id, ou.name, ou.parent_id, tree.full_path || ' > ' || ou.name, tree.depth + 1
  from aws_organizations_organizational_unit ou join tree on ou.parent_id = tree.id
)
select * from tree order by full_path;

-- name: ctes_recursive_arn_segments
with recursive parts(arn, rest, part, n) as (
  select arn, split_part(arn, ':', 6) || '/', null::text, 0 from aws_iam_role where path <> '/'
  union all
  select arn, substr(rest, strpos(rest, '/') + 1), split_part(rest, '/', 1), n + 1 from parts where rest <> ''
)
select arn, n, part from parts where n > 0 order by arn, n limit 30;

-- name: ctes_risky_iam_statements
with bad_policies as (
  select arn, count(*) as num
  from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') as s
  where s ->> 'Effect' = 'Allow' and (s -> 'Action') ?| array['iam:*', '*', 'iam:passrole']
  group by arn
)
select p.arn as resource, case when bp.arn is null then 'ok' else 'alarm' end as status,
  p.name || case when bp.arn is null then ' has no risky IAM statements.' else ' has ' || bp.num || ' risky IAM statement(s).' end as reason,
  p.account_id
from aws_iam_policy p left join bad_policies bp on p.arn = bp.arn
where p.arn not like 'arn:aws:iam::aws:policy/%'
order by resource;

-- name: ctes_statement_action_totals
with stmts as (
  select p.arn, s, s ->> 'Effect' as effect from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
), actions as (
  select arn, effect, a from stmts, jsonb_array_elements_text(s -> 'Action') a
)
select effect, count(distinct arn) as policies, count(*) as actions, count(*) filter (where a like '%*%') as wildcards
from actions
group by effect
order by effect;

-- name: ordering_case_expression
select name, path from aws_iam_role order by case when path = '/' then 0 else 1 end, path desc, name limit 15;

-- name: events_console_logins_by_outcome_and_ip
select user_identity ->> 'userName' as user_name, source_ip_address, response_elements ->> 'ConsoleLogin' as outcome,
  count(*) as logins, min(event_time) as first_login, max(event_time) as last_login, max(event_time) - min(event_time) as span
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
group by 1, 2, 3
order by logins desc, user_name nulls last, source_ip_address, outcome;

-- name: events_error_codes_per_source
select event_source, count(*) as total, count(error_code) as errors,
  round(100.0 * count(error_code) / count(*), 2) as error_pct, string_agg(distinct error_code, ', ') as codes
from aws_cloudtrail_trail_event
group by event_source
having count(error_code) > 0
order by error_pct desc, event_source
limit 15;

-- name: events_session_mfa_and_start
select user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa,
  (user_identity -> 'sessionContext' -> 'attributes' ->> 'creationDate')::timestamptz as session_start, count(*) as n
from aws_cloudtrail_trail_event
where user_identity -> 'sessionContext' is not null
group by 1, 2
order by n desc, session_start, mfa
limit 10;

-- name: events_request_parameter_keys
select event_name, k, count(*) as n
from aws_cloudtrail_trail_event, jsonb_object_keys(request_parameters) k
where jsonb_typeof(request_parameters) = 'object'
group by 1, 2
order by n desc, 1, 2
limit 20;

-- name: events_read_write_ratio
select recipient_account_id, count(*) filter (where read_only) as reads, count(*) filter (where not read_only) as writes,
  count(*) filter (where read_only is null) as unknown,
  case when count(*) filter (where not read_only) = 0 then 0
    else round(count(*) filter (where read_only)::numeric / count(*) filter (where not read_only), 2) end as ratio
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: credential_report_root_summary
select account_id,
  bool_or(user_name = '<root_account>' and mfa_active) as root_mfa,
  bool_or(user_name = '<root_account>' and (access_key_1_active or access_key_2_active)) as root_keys,
  count(*) filter (where user_name <> '<root_account>') as users,
  max(password_last_used) filter (where user_name = '<root_account>') as root_last_login
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: credential_report_password_age_buckets
select width_bucket(extract(epoch from now() - password_last_changed) / 86400, 0, 3650, 10) as bucket, count(*) as users
from aws_iam_credential_report
where password_enabled
group by 1
order by 1;

-- name: user_policy_counts
select u.name, count(p) as inline_policies, jsonb_array_length(u.attached_policy_arns) as attached,
  (select count(*) from jsonb_array_elements(u.groups)) as groups
from aws_iam_user u left join jsonb_array_elements(u.inline_policies) p on true
group by u.name, u.arn, u.attached_policy_arns, u.groups
order by inline_policies desc, u.name, u.arn
limit 15;

-- name: user_inline_policy_statement_counts
select u.name, p ->> 'PolicyName' as policy, jsonb_array_length(p -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) p
order by u.name, policy, u.arn;

-- name: group_members_listed
select g.name as group_name, string_agg(u ->> 'UserName', ', ' order by u ->> 'UserName') as members,
  jsonb_array_length(g.users) as n, jsonb_array_length(g.attached_policy_arns) as attached
from aws_iam_group g left join lateral jsonb_array_elements(g.users) u on true
group by g.name, g.arn, g.users, g.attached_policy_arns
order by g.name, g.arn;

-- name: role_trust_conditions_as_text
select r.name, s ->> 'Effect' as effect, s -> 'Condition' as condition, s -> 'Condition' ->> 'StringEquals' as string_equals
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s
where s -> 'Condition' is not null
order by r.name, string_equals;

-- name: role_coalesce_tags_and_regions
select name, coalesce(tags -> 'Owner', tags -> 'owner', '"nobody"') as owner, coalesce(tags ->> 'Owner', tags ->> 'owner', 'nobody') as owner_text,
  coalesce(permissions_boundary_arn, '') = '' as no_boundary, coalesce(role_last_used_date, create_date) as last_seen,
  nullif(path, '/') as custom_path
from aws_iam_role
order by name
limit 15;

-- name: policy_resource_wildcard_counts
select p.name, count(*) filter (where r = '*') as star_resources, count(*) filter (where r like '%*%' and r <> '*') as partial
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(coalesce(s -> 'Resource', '[]'::jsonb)) r
where not p.is_aws_managed
group by p.name, p.arn
order by star_resources desc, p.name, p.arn
limit 15;

-- name: policy_not_action_or_not_resource
select name, s ? 'NotAction' as not_action, s ? 'NotResource' as not_resource, s ->> 'Effect' as effect
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
where s ?| array['NotAction', 'NotResource']
order by name, effect, not_action;

-- name: policy_allow_iam_without_deny
select name from aws_iam_policy p
where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
    where s ->> 'Effect' = 'Allow' and a like 'iam:%')
  and not exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Deny')
order by name
limit 20;

-- name: organizations_accounts_per_ou
select ou.name as ou, ou.path, count(a.id) as accounts, string_agg(a.name, ', ' order by a.name) as names
from aws_organizations_organizational_unit ou left join aws_organizations_account a on a.parent_id = ou.id
group by ou.name, ou.path
order by ou.path;

-- name: organizations_policy_target_kinds
select t.name as policy, t.target_id,
  case when t.target_id like 'r-%' then 'root' when t.target_id like 'ou-%' then 'ou' else 'account' end as target_kind,
  jsonb_array_length(t.content -> 'Statement') as statements
from aws_organizations_policy_target t
order by t.name, t.target_id;

-- name: trail_event_selector_details
select t.name, sel ->> 'ReadWriteType' as rw, (sel ->> 'IncludeManagementEvents')::bool as management,
  dr ->> 'Type' as data_type, v as value
from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) sel
  left join jsonb_array_elements(sel -> 'DataResources') dr on true
  left join jsonb_array_elements_text(dr -> 'Values') v on true
order by t.name, data_type, value, rw;

-- name: trail_hardening_summary
select name, is_multi_region_trail and log_file_validation_enabled and kms_key_id is not null as hardened,
  coalesce(split_part(kms_key_id, '/', 2), '-') as key_id, home_region, region = home_region as is_home
from aws_cloudtrail_trail
order by name, region;

-- name: ec2_instance_metadata_and_groups
select instance_id, instance_type, instance_state, metadata_options ->> 'HttpTokens' as tokens,
  (metadata_options ->> 'HttpPutResponseHopLimit')::int as hops, jsonb_array_length(security_groups) as sgs,
  security_groups -> 0 ->> 'GroupName' as first_sg, tags ->> 'Name' as name_tag
from aws_ec2_instance
order by instance_id;

-- name: ecs_container_definitions
select family, c ->> 'Name' as container, c ->> 'Image' as image, (c ->> 'Privileged')::bool as privileged,
  coalesce(jsonb_array_length(c -> 'Environment'), 0) as env_vars
from aws_ecs_task_definition, jsonb_array_elements(container_definitions) c
order by family, container;

-- name: eks_cluster_log_types
select name, l ->> 'Enabled' as enabled, t as log_type
from aws_eks_cluster, jsonb_array_elements(logging -> 'ClusterLogging') l, jsonb_array_elements_text(l -> 'Types') t
order by name, log_type, enabled;

-- name: s3_bucket_policy_principals
select b.name, s ->> 'Effect' as effect, p as principal,
  s -> 'Condition' -> 'Bool' ->> 'aws:securetransport' as secure_transport
from aws_s3_bucket b, jsonb_array_elements(b.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
order by b.name, principal, effect;

-- name: access_advisor_days_since_use
select principal_arn, service_namespace, last_authenticated,
  coalesce(extract(day from now() - last_authenticated)::text, 'never') as days_ago
from aws_iam_access_advisor
order by principal_arn, service_namespace;

-- name: insights_roles_created_per_month
select to_char(create_date, 'YYYY-MM') as creation_month, count(*) as total
from aws_iam_role
where create_date > now() - '20 years'::interval
group by creation_month
order by creation_month;

-- name: ec2_instances_idle_since
select instance_id, instance_state,
  case when instance_state in ('stopped', 'stopping') and state_transition_time < now() - interval '14 days' then 'alarm'
    when instance_state in ('stopped', 'stopping') then 'info' else 'skip' end as verdict,
  title || ' last changed state on ' || to_char(state_transition_time, 'DD-Mon-YYYY') || ', '
    || date_part('day', now() - state_transition_time) || ' days ago' as reason
from aws_ec2_instance
order by instance_id;

-- name: ec2_instance_hardware_settings
select instance_id, monitoring_state = 'enabled' as detailed_monitoring, coalesce(ebs_optimized, false) as ebs_opt,
  virtualization_type, root_device_type, architecture, cpu_options_core_count * cpu_options_threads_per_core as vcpus,
  placement_tenancy, source_dest_check
from aws_ec2_instance
order by instance_id;

-- name: ec2_instance_root_volumes
select i.instance_id, bdm ->> 'DeviceName' as device, bdm -> 'Ebs' ->> 'VolumeId' as volume,
  (bdm -> 'Ebs' ->> 'DeleteOnTermination')::boolean as deleted_with_instance,
  bdm ->> 'DeviceName' = i.root_device_name as is_root
from aws_ec2_instance i
  cross join lateral jsonb_array_elements(coalesce(i.block_device_mappings, '[]'::jsonb)) as bdm
order by i.instance_id, device;

-- name: lambda_function_resilience
select name,
  case when dead_letter_config_target_arn is null then 'no dead-letter queue'
    else 'failures go to ' || split_part(dead_letter_config_target_arn, ':', 6) end as dead_letters,
  coalesce(tracing_config ->> 'Mode', 'PassThrough') = 'Active' as traced,
  coalesce(jsonb_array_length(vpc_subnet_ids), 0) as subnets, timeout::int * 1000 as timeout_ms, memory_size,
  round(code_size / 1024.0, 1) as code_kib
from aws_lambda_function
order by name;

-- name: region_analyzer_coverage
select r.account_id, r.name, r.opt_in_status,
  case when not r.steampipe_available then 'skip' when count(a.arn) > 0 then 'ok' else 'alarm' end as status,
  count(a.arn) as analyzers
from aws_region r
  left join aws_accessanalyzer_analyzer a on a.account_id = r.account_id and a.region = r.name and a.status = 'ACTIVE'
group by r.account_id, r.name, r.opt_in_status, r.steampipe_available
order by r.account_id, r.name;

-- name: eks_control_plane_logs_and_secrets
select c.name,
  exists (select 1 from jsonb_array_elements(c.logging -> 'ClusterLogging') lg
          where (lg ->> 'Enabled')::boolean and lg -> 'Types' @> '["audit"]') as audit_logged,
  coalesce(c.encryption_config @> '[{"Resources": ["secrets"]}]', false) as secrets_encrypted,
  c.resources_vpc_config -> 'PublicAccessCidrs' ? '0.0.0.0/0' as open_to_internet,
  jsonb_array_length(c.resources_vpc_config -> 'SubnetIds') as subnets
from aws_eks_cluster c
order by c.name;

-- name: ecs_containers_without_logs
select t.family, t.revision, cd ->> 'Name' as container,
  cd -> 'LogConfiguration' ->> 'LogDriver' as log_driver,
  coalesce((cd ->> 'ReadonlyRootFilesystem')::boolean, false) as read_only_root,
  t.tags_src -> 0 ->> 'Key' as first_tag
from aws_ecs_task_definition t, jsonb_array_elements(t.container_definitions) cd
where cd -> 'LogConfiguration' is null
order by t.family, container;

-- name: customer_policies_granting_write_actions_by_glob
select p.name, stmt ->> 'Effect' as effect, act.action, act.access_level
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as stmt,
  jsonb_array_elements_text(stmt -> 'Action') as pattern,
  glob(pattern) as like_pattern
  join aws_iam_action as act on act.action like like_pattern
where not p.is_aws_managed
  and stmt ->> 'Effect' = 'Allow'
  and act.access_level in ('Write', 'Permissions management')
  and act.prefix in ('iam', 'sts')
order by p.name, act.action;

-- name: bucket_policy_principals_outside_the_account
select b.name, principal, parts[5] as principal_account, array_length(parts, 1) as arn_parts
from aws_s3_bucket as b,
  jsonb_array_elements(b.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as principal,
  string_to_array(principal, ':') as parts
where s ->> 'Effect' = 'Allow'
  and (principal = '*' or parts[5] <> b.account_id)
order by b.name, principal;

-- name: user_group_and_login_times_as_text
select u.name, g ->> 'GroupName' as group_name, g ->> 'CreateDate' as group_created,
  u.login_profile ->> 'CreateDate' as password_created,
  jsonb_array_length(u.mfa_devices) as mfa_devices
from aws_iam_user as u
  left join lateral jsonb_array_elements(u.groups) as g on true
order by u.account_id, u.name, group_name;

-- name: group_members_and_profile_roles_as_sdk_structs
select 'group' as kind, g.name, u ->> 'UserName' as member, jsonb_typeof(u -> 'Tags') as tags_type,
  jsonb_typeof(u -> 'PermissionsBoundary') as boundary_type, u ? 'PasswordLastUsed' as has_password_key
from aws_iam_group g, jsonb_array_elements(g.users) u
union all
select 'profile', p.instance_profile_name, r ->> 'RoleName', jsonb_typeof(r -> 'Tags'),
  jsonb_typeof(r -> 'AssumeRolePolicyDocument'), r ? 'Description'
from aws_iam_instance_profile p, jsonb_array_elements(p.roles) r
order by 1, 2, 3;

-- name: idiom_events_top_callers_with_share
select coalesce(user_identifier, user_identity ->> 'invokedBy', '(unknown)') as caller, count(*) as calls,
  round(100.0 * count(*) / sum(count(*)) over (), 2) as pct,
  rank() over (order by count(*) desc) as rank
from aws_cloudtrail_trail_event
group by 1
order by calls desc, caller
limit 15;

-- name: idiom_events_first_and_last_per_source_distinct_on
select distinct on (event_source) event_source, event_name as first_event, event_time,
  to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at_text
from aws_cloudtrail_trail_event
order by event_source, event_time, event_id;

-- name: idiom_events_per_day_series
with bounds as (select date_trunc('day', min(event_time)) as lo, date_trunc('day', max(event_time)) as hi
  from aws_cloudtrail_trail_event where account_id = '123837392027')
select d::date as day, to_char(d, 'Dy') as weekday, count(e.event_id) as events
from bounds, generate_series(bounds.lo, bounds.hi, interval '1 day') d
  left join aws_cloudtrail_trail_event e on e.account_id = '123837392027' and date_trunc('day', e.event_time) = d
group by d order by d;

-- name: idiom_events_error_codes_filter_share
select event_source, count(*) as calls, count(*) filter (where error_code = 'AccessDenied') as denied,
  count(*) filter (where error_code like '%NotFound%') as not_found,
  round(avg(case when error_code is null then 0 else 1 end), 4) as error_ratio
from aws_cloudtrail_trail_event
group by event_source having count(*) filter (where error_code is not null) > 0
order by denied desc, event_source;

-- name: idiom_events_console_logins_mfa
select username, count(*) as logins, count(*) filter (where additional_event_data ->> 'MFAUsed' = 'Yes') as with_mfa,
  string_agg(distinct response_elements ->> 'ConsoleLogin', ',') as outcomes,
  max(event_time) as last_login
from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin'
group by username order by username nulls first;

-- name: idiom_events_gap_between_calls_window
select user_identifier, event_time, event_name,
  extract(epoch from event_time - lag(event_time) over w) as seconds_since_previous,
  row_number() over w as n
from aws_cloudtrail_trail_event
where user_type = 'IAMUser' and account_id = '275023965626'
window w as (partition by user_identifier order by event_time, event_id)
order by user_identifier, n
limit 40;

-- name: idiom_events_read_only_boolean_texts
select read_only, read_only::text as as_text, concat(read_only) as output, count(*) as events
from aws_cloudtrail_trail_event group by read_only order by read_only nulls first;

-- name: idiom_events_source_ip_classes
select case when source_ip_address ~ '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' then 'ipv4'
  when source_ip_address ~* 'amazonaws\.com$' then 'service' when source_ip_address like '%:%' then 'ipv6'
  else 'other' end as kind, count(*) as events, count(distinct source_ip_address) as addresses
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: idiom_events_user_agent_split_part
select split_part(split_part(user_agent, ' ', 1), '/', 1) as agent, count(*) as events
from aws_cloudtrail_trail_event
group by 1 order by events desc, agent nulls last limit 12;

-- name: idiom_events_hourly_histogram_text
select to_char(date_trunc('hour', event_time), 'YYYY-MM-DD HH24:00') as hour, count(*) as events,
  repeat('#', (count(*) / 50)::int) as bar
from aws_cloudtrail_trail_event where account_id = '275023965626'
group by 1 order by 1;

-- name: idiom_events_request_parameter_key_counts
select k, count(*) as events
from aws_cloudtrail_trail_event, jsonb_object_keys(request_parameters) k
where jsonb_typeof(request_parameters) = 'object'
group by k order by events desc, k limit 20;

-- name: idiom_events_session_mfa_from_identity
select user_identity ->> 'type' as type,
  user_identity #>> '{sessionContext,attributes,mfaAuthenticated}' as mfa,
  count(*) as events
from aws_cloudtrail_trail_event group by 1, 2 order by 1 nulls last, 2 nulls last;

-- name: idiom_events_resources_types
select r ->> 'type' as resource_type, count(*) as refs, count(distinct r ->> 'ARN') as arns
from aws_cloudtrail_trail_event, jsonb_array_elements(resources) r
where jsonb_typeof(resources) = 'array'
group by 1 order by refs desc, resource_type;

-- name: idiom_events_cumulative_per_account
select account_id, date_trunc('day', event_time)::date as day, count(*) as events,
  sum(count(*)) over (partition by account_id order by date_trunc('day', event_time)) as running
from aws_cloudtrail_trail_event where event_time is not null
group by account_id, date_trunc('day', event_time) order by account_id, day;

-- name: idiom_events_age_and_epoch
select event_id, age(timestamptz '2026-01-01', event_time) as age, extract(epoch from event_time)::bigint as epoch,
  timestamp_ms, date_part('minute', event_time) as minute
from aws_cloudtrail_trail_event where event_time is not null
order by event_time desc, event_id limit 10;

-- name: idiom_events_regexp_replace_arn_to_role
select regexp_replace(user_identifier, '^arn:aws:sts::[0-9]+:assumed-role/([^/]+)/.*$', '\1') as role, count(*) as calls
from aws_cloudtrail_trail_event where user_type = 'AssumedRole'
group by 1 order by calls desc, role limit 10;

-- name: idiom_roles_trust_services_string_agg
select r.account_id, string_agg(distinct svc, ', ' order by svc) as services, count(distinct r.arn) as roles
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc
group by r.account_id order by r.account_id;

-- name: idiom_roles_cross_account_trust_perimeter
select r.name, p as principal,
  case when p = '*' then 'public' when split_part(p, ':', 5) = r.account_id then 'same account'
    when p ~ '^[0-9]{12}$' then 'account id' else 'other account' end as scope
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
where s ->> 'Effect' = 'Allow'
order by r.name, p;

-- name: idiom_roles_last_used_nulls_and_age
select name, role_last_used_date, coalesce(date_part('day', timestamptz '2026-01-01' - role_last_used_date)::text, 'never') as idle_days,
  row_number() over (order by role_last_used_date desc, arn) as recency
from aws_iam_role order by recency limit 20;

-- name: idiom_roles_names_collation_order
select name from aws_iam_role order by name limit 25;

-- name: idiom_roles_name_lower_upper_order
select name, lower(name) < upper(name) as lower_sorts_after from aws_iam_role order by lower(name) desc limit 15;

-- name: idiom_roles_jsonb_pretty_trust
select name, jsonb_pretty(assume_role_policy_std) as trust from aws_iam_role order by name limit 5;

-- name: idiom_roles_trust_text_key_order
select name, assume_role_policy::text as trust_text from aws_iam_role order by name limit 8;

-- name: idiom_roles_max_session_hours_numeric
select max_session_duration, max_session_duration / 3600 as whole_hours, max_session_duration / 3600.0 as hours,
  round(max_session_duration / 3600.0, 2) as hours_2, count(*) as roles
from aws_iam_role group by max_session_duration order by max_session_duration;

-- name: idiom_policies_admin_via_jsonb_path
select name, is_aws_managed from aws_iam_policy
where jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow") ? (@.Action[*] == "*" && @.Resource[*] == "*")')
order by name;

-- name: idiom_policies_actions_by_service_array_agg
select split_part(a, ':', 1) as service, count(*) as grants, (array_agg(distinct a order by a))[1:3] as sample
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow'
group by 1 order by grants desc, service limit 15;

-- name: idiom_policies_versions_and_update_age
select name, default_version_id, substring(default_version_id from 2)::int as version_number,
  to_char(update_date, 'YYYY-MM') as updated, update_date > create_date as changed
from aws_iam_policy order by version_number desc, name limit 15;

-- name: idiom_users_inline_and_attached_counts
select u.name, jsonb_array_length(coalesce(u.inline_policies_std, '[]')) as inline,
  jsonb_array_length(coalesce(u.attached_policy_arns, '[]')) as attached,
  case when jsonb_array_length(coalesce(u.attached_policy_arns, '[]')) + jsonb_array_length(coalesce(u.inline_policies_std, '[]')) = 0
    then 'ok' else 'alarm' end as status
from aws_iam_user u order by u.account_id, u.name;

-- name: idiom_users_password_age_buckets
select case when password_last_used is null then 'never'
  when password_last_used < timestamptz '2026-01-01' - interval '365 days' then 'over a year'
  else 'recent' end as bucket, count(*) as users, min(name) as example
from aws_iam_user group by 1 order by 1;

-- name: idiom_credential_report_rotation
select user_name, access_key_1_active, access_key_1_last_rotated,
  date_part('day', generated_time - access_key_1_last_rotated) as days_since_rotation,
  case when access_key_1_active and access_key_1_last_rotated < generated_time - interval '90 days' then 'alarm'
    when access_key_1_active then 'ok' else 'skip' end as status
from aws_iam_credential_report order by user_name, user_arn, generated_time;

-- name: idiom_org_accounts_joined_order
select a.name, a.id, a.joined_method, to_char(a.joined_timestamp, 'DD Mon YYYY HH24:MI') as joined,
  coalesce(ou.name, 'root') as parent, row_number() over (order by a.joined_timestamp) as nth
from aws_organizations_account a left join aws_organizations_organizational_unit ou on ou.id = a.parent_id
order by nth;

-- name: idiom_org_scp_deny_statements
select p.name, p.type, s ->> 'Sid' as sid, s ->> 'Effect' as effect, jsonb_typeof(s -> 'Action') as action_type,
  coalesce(s -> 'Condition', '{}'::jsonb) as condition
from aws_organizations_policy p, jsonb_array_elements(case jsonb_typeof(p.content -> 'Statement')
  when 'array' then p.content -> 'Statement' else jsonb_build_array(p.content -> 'Statement') end) s
order by p.name, sid nulls first;

-- name: idiom_org_targets_per_policy
select name, type, count(*) as targets, array_agg(target_id order by target_id) as target_ids,
  count(*) filter (where target_id ~ '^[0-9]{12}$') as accounts
from aws_organizations_policy_target group by name, type order by name, type;

-- name: idiom_sso_permission_sets_session_duration
select ps.name, ps.session_duration, count(a.principal_id) as assignments,
  string_agg(distinct a.principal_type, ',') as principal_types
from aws_ssoadmin_permission_set ps left join aws_ssoadmin_account_assignment a on a.permission_set_arn = ps.arn
group by ps.name, ps.session_duration order by ps.name;

-- name: idiom_identitystore_users_emails
select u.name, e ->> 'Value' as email, coalesce((e ->> 'Primary')::boolean, false) as primary_email
from aws_identitystore_user u left join lateral jsonb_array_elements(u.emails) e on true
order by u.name, email;

-- name: idiom_s3_buckets_public_and_encryption
select name, coalesce(versioning_enabled, false) as versioned,
  server_side_encryption_configuration #>> '{Rules,0,ApplyServerSideEncryptionByDefault,SSEAlgorithm}' as sse,
  policy_std @> '{"Statement": [{"Effect": "Allow", "Principal": {"AWS": ["*"]}}]}' as public_policy,
  logging ->> 'TargetBucket' as log_bucket, to_char(creation_date, 'YYYY-MM-DD') as created
from aws_s3_bucket order by name;

-- name: idiom_s3_acl_grants
select b.name, g -> 'Grantee' ->> 'Type' as grantee_type, g ->> 'Permission' as permission,
  coalesce(g -> 'Grantee' ->> 'URI', g -> 'Grantee' ->> 'DisplayName') as grantee
from aws_s3_bucket b, jsonb_array_elements(b.acl -> 'Grants') g
order by b.name, permission, grantee;

-- name: idiom_s3_bucket_policy_secure_transport
select name, exists (select 1 from jsonb_array_elements(policy_std -> 'Statement') s
  where s ->> 'Effect' = 'Deny' and s -> 'Condition' -> 'Bool' -> 'aws:securetransport' ? 'false') as enforces_tls
from aws_s3_bucket order by name;

-- name: user_attached_policy_counts_insight
-- Written in the style of the mods' IAM, CloudTrail, S3, Lambda, EC2, ECS, EKS, Organizations and Identity Center
-- queries and the plugin's table examples: insights counts, CIS-style checks, perimeter trust and joins between tables.
select u.name, u.account_id, coalesce(jsonb_array_length(u.attached_policy_arns), 0) as attached,
  coalesce(jsonb_array_length(u.inline_policies), 0) as inline,
  case when jsonb_array_length(u.attached_policy_arns) > 0 or jsonb_array_length(u.inline_policies) > 0 then 'alarm' else 'ok' end as status
from aws_iam_user u order by u.account_id, u.name;

-- name: user_groups_string_agg
select u.account_id, u.name, string_agg(g ->> 'GroupName', ', ' order by g ->> 'GroupName') as group_names,
  count(g) as group_count
from aws_iam_user u left join lateral jsonb_array_elements(u.groups) g on true
group by u.account_id, u.name order by u.account_id, u.name;

-- name: role_trust_services_distinct
select distinct r.account_id, svc
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc
where s ->> 'Effect' = 'Allow'
order by r.account_id, svc;

-- name: role_trust_cross_account_principals
with principals as (
  select r.arn, r.account_id, p as principal
  from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
    jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
  where s ->> 'Effect' = 'Allow'
)
select arn, principal, split_part(principal, ':', 5) as principal_account,
  case when principal = '*' then 'public' when split_part(principal, ':', 5) = account_id then 'same account'
    when principal ~ '^[0-9]{12}$' then 'account id' else 'cross account' end as kind
from principals order by arn, principal;

-- name: role_last_used_age_days
select name, role_last_used_date, role_last_used_region,
  date_part('day', now() - role_last_used_date)::int as days_since_use,
  case when role_last_used_date is null then 'never used'
    when role_last_used_date < now() - interval '90 days' then 'stale' else 'recent' end as usage
from aws_iam_role order by account_id, name;

-- name: role_max_session_hours
select max_session_duration / 3600 as hours, count(*) as roles,
  string_agg(name, ',' order by name) filter (where max_session_duration > 3600) as long_session_roles
from aws_iam_role group by max_session_duration / 3600 order by hours;

-- name: policy_versions_default_document
select p.name, v ->> 'VersionId' as version_id, (v ->> 'IsDefaultVersion')::bool as is_default,
  jsonb_typeof(v -> 'Document') as doc_type
from aws_iam_policy p, jsonb_array_elements(p.policy_versions) v
where not p.is_aws_managed
order by p.name, version_id;

-- name: policy_actions_per_service
select split_part(a, ':', 1) as service, count(distinct p.arn) as policies, count(*) as grants
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow' and p.is_attached
group by 1 order by grants desc, service limit 25;

-- name: policy_star_action_any_resource_window
select name, arn, count(*) over (partition by account_id) as per_account,
  row_number() over (partition by account_id order by name, arn) as n
from aws_iam_policy p
where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s
  where s ->> 'Effect' = 'Allow' and s -> 'Action' ?| array['*', 'iam:*'])
order by account_id, n;

-- name: policy_not_resource_statements
select p.name, s -> 'NotResource' as not_resource, s ->> 'Effect' as effect
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
where s ? 'NotResource' order by p.name, (s -> 'NotResource')::text;

-- name: policy_condition_operators_histogram
select op, count(*) as uses, min(p.name) as first_policy
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_object_keys(s -> 'Condition') op
group by op order by uses desc, op;

-- name: policy_update_vs_create_days
select name, create_date, update_date, extract(day from update_date - create_date) as days_between,
  date_trunc('month', update_date) as update_month
from aws_iam_policy where not is_aws_managed order by name, arn;

-- name: access_keys_rotation_status
select k.user_name, k.access_key_id, k.status,
  (now()::date - k.create_date::date) as age_days,
  case when k.create_date <= now() - interval '90 days' then 'alarm' else 'ok' end as rotation,
  to_char(k.create_date, 'YYYY-MM-DD') as created
from aws_iam_access_key k order by k.account_id, k.user_name, k.access_key_id;

-- name: access_key_last_used_service_counts
select coalesce(access_key_last_used_service, 'N/A') as service, count(*) as keys,
  max(access_key_last_used_date) as latest
from aws_iam_access_key group by 1 order by keys desc, service;

-- name: credential_report_unused_credentials_45
select user_name, account_id,
  case when password_enabled and coalesce(password_last_used, user_creation_time) < now() - interval '45 days' then 'password' end as stale_password,
  case when access_key_1_active and coalesce(access_key_1_last_used_date, access_key_1_last_rotated) < now() - interval '45 days' then 'key 1' end as stale_key_1,
  case when access_key_2_active and coalesce(access_key_2_last_used_date, access_key_2_last_rotated) < now() - interval '45 days' then 'key 2' end as stale_key_2
from aws_iam_credential_report where user_name <> '<root_account>' order by account_id, user_name;

-- name: credential_report_root_usage
select account_id, password_last_used, access_key_1_active, access_key_2_active, mfa_active,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_root_activity,
  age(generated_time, user_creation_time) > interval '1 year' as older_than_a_year
from aws_iam_credential_report where user_name = '<root_account>' order by account_id;

-- name: credential_report_password_status_counts
select password_status, count(*) as users, count(*) filter (where mfa_active) as with_mfa,
  round(100.0 * count(*) filter (where mfa_active) / count(*), 1) as pct_mfa
from aws_iam_credential_report group by password_status order by password_status nulls first;

-- name: credential_report_key_rotation_interval
select user_name, access_key_1_last_rotated, now() - access_key_1_last_rotated > interval '90 days' as key_1_old,
  justify_interval(now() - access_key_1_last_rotated) > interval '1 year' as over_a_year
from aws_iam_credential_report where access_key_1_active order by account_id, user_name;

-- name: password_policy_cis_summary
select account_id, concat_ws(' ',
    case when minimum_password_length < 14 then 'short' end,
    case when not coalesce(require_symbols, false) then 'nosym' end,
    case when coalesce(password_reuse_prevention, 0) < 24 then 'reuse' end) as gaps,
  format('%s chars, %s remembered', minimum_password_length, coalesce(password_reuse_prevention, 0)) as summary
from aws_iam_account_password_policy order by account_id;

-- name: account_summary_quota_usage
select account_id, users, users_quota, round(100.0 * users / users_quota, 2) as users_pct,
  roles, roles_quota, policies, account_mfa_enabled, account_access_keys_present
from aws_iam_account_summary order by account_id;

-- name: mfa_virtual_device_unassigned
select serial_number, assignment_status, user_name, "user" ->> 'Arn' as user_arn,
  enable_date is null as never_enabled
from aws_iam_virtual_mfa_device order by serial_number;

-- name: server_certificate_days_left
select name, expiration, expiration < now() as expired,
  date_part('day', expiration - now()) as days_left, to_char(upload_date, 'Mon DD, YYYY') as uploaded
from aws_iam_server_certificate order by name;

-- name: oidc_provider_thumbprints
select url, jsonb_array_length(thumbprint_list) as thumbprints, client_id_list ->> 0 as first_client,
  client_id_list ? 'sts.amazonaws.com' as sts_client, regexp_replace(url, '^https://', '') as host
from aws_iam_open_id_connect_provider order by url;

-- name: saml_provider_valid_until
select arn, split_part(arn, '/', 2) as provider_name, valid_until, valid_until > now() as valid,
  extract(year from valid_until) as valid_year
from aws_iam_saml_provider order by arn;

-- name: instance_profile_roles_names
select ip.instance_profile_name, jsonb_array_length(ip.roles) as role_count,
  array_to_string(array(select r ->> 'RoleName' from jsonb_array_elements(ip.roles) r order by 1), ';') as role_names
from aws_iam_instance_profile ip order by ip.account_id, ip.instance_profile_name;

-- name: group_users_and_policies
select g.name, jsonb_array_length(g.users) as members,
  coalesce(jsonb_array_length(g.attached_policy_arns), 0) as attached,
  (select string_agg(u ->> 'UserName', ',' order by u ->> 'UserName') from jsonb_array_elements(g.users) u) as usernames
from aws_iam_group g order by g.account_id, g.name;

-- name: group_without_users_or_policies
select name, arn, case when jsonb_array_length(users) = 0 then 'no users' else 'has users' end as users_state,
  attached_policy_arns is null or attached_policy_arns = '[]'::jsonb as no_attached
from aws_iam_group order by account_id, name;

-- name: policy_attachment_roles_users_groups
select policy_arn, jsonb_array_length(coalesce(policy_roles, '[]')) as roles,
  jsonb_array_length(coalesce(policy_users, '[]')) as users, jsonb_array_length(coalesce(policy_groups, '[]')) as groups
from aws_iam_policy_attachment where is_attached order by policy_arn limit 40;

-- name: trail_event_selectors_management
select t.name, es ->> 'ReadWriteType' as read_write, (es ->> 'IncludeManagementEvents')::boolean as management,
  jsonb_array_length(es -> 'DataResources') as data_resources
from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) es order by t.name, read_write;

-- name: trail_advanced_selectors_fields
select t.name, sel ->> 'Name' as selector, f ->> 'Field' as field, f -> 'Equals' as equals
from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) sel, jsonb_array_elements(sel -> 'FieldSelectors') f
order by t.name, selector, field;

-- name: trail_delivery_health
select name, is_logging, latest_delivery_time, latest_delivery_error,
  coalesce(latest_cloudwatch_logs_delivery_time > now() - interval '1 day', false) as cw_recent,
  log_group_arn is not null and cloudwatch_logs_role_arn is not null as integrated
from aws_cloudtrail_trail order by name, arn;

-- name: trail_bucket_logging_join
select t.name as trail, t.s3_bucket_name, b.name is not null as bucket_loaded,
  b.logging ->> 'TargetBucket' as access_log_bucket, b.versioning_enabled
from aws_cloudtrail_trail t left join aws_s3_bucket b on b.name = t.s3_bucket_name order by trail, t.arn;

-- name: events_per_day_series
with days as (
  select generate_series(date_trunc('day', min(event_time)), date_trunc('day', max(event_time)), interval '1 day') as day
  from aws_cloudtrail_trail_event where event_time > '2019-01-01'
)
select d.day::date as day, count(e.event_id) as events
from days d left join aws_cloudtrail_trail_event e on date_trunc('day', e.event_time) = d.day
group by d.day order by d.day limit 60;

-- name: events_error_codes_by_source
select event_source, error_code, count(*) as failures, min(event_time) as first_seen
from aws_cloudtrail_trail_event where error_code is not null
group by event_source, error_code order by failures desc, event_source, error_code limit 30;

-- name: events_console_login_result_and_mfa
select username, event_time, response_elements ->> 'ConsoleLogin' as result,
  additional_event_data ->> 'MFAUsed' as mfa_used, source_ip_address
from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' order by event_time, event_id;

-- name: events_user_identity_types
select user_identity ->> 'type' as identity_type, count(*) as events,
  count(distinct user_identity ->> 'arn') as principals,
  count(*) filter (where user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' = 'true') as mfa_sessions
from aws_cloudtrail_trail_event group by 1 order by events desc, identity_type nulls first;

-- name: events_iam_changes_window
select event_name, username, event_time,
  lag(event_time) over (partition by username order by event_time, event_id) as previous_change,
  event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and not read_only
order by username nulls first, event_time, event_id limit 50;

-- name: events_distinct_on_first_per_source_ip
select distinct on (source_ip_address) source_ip_address, event_time, event_name, username
from aws_cloudtrail_trail_event where source_ip_address ~ '^[0-9.]+$'
order by source_ip_address, event_time, event_id limit 40;

-- name: events_user_agent_families
select case when user_agent ilike 'aws-cli/%' then 'cli' when user_agent ilike 'boto3/%' then 'boto3'
    when user_agent ilike '%console%' then 'console' when user_agent like '%.amazonaws.com' then 'service' else 'other' end as family,
  count(*) as events
from aws_cloudtrail_trail_event group by 1 order by events desc, family;

-- name: events_request_parameters_keys
select k, count(*) as uses
from aws_cloudtrail_trail_event e, jsonb_object_keys(e.request_parameters) k
where jsonb_typeof(e.request_parameters) = 'object'
group by k order by uses desc, k limit 30;

-- name: events_resources_arns
select e.event_name, r ->> 'type' as resource_type, r ->> 'ARN' as resource_arn
from aws_cloudtrail_trail_event e, jsonb_array_elements(e.resources) r
order by e.event_time, e.event_id, resource_arn nulls first limit 40;

-- name: events_hourly_rank
select date_trunc('hour', event_time) as hour, count(*) as events,
  rank() over (order by count(*) desc) as busiest,
  sum(count(*)) over (order by date_trunc('hour', event_time)) as running_total
from aws_cloudtrail_trail_event group by 1 order by hour limit 40;

-- name: events_access_denied_principals
select coalesce(username, user_identity ->> 'principalId') as who, event_source, count(*) as denied,
  string_agg(distinct event_name, ', ') as calls
from aws_cloudtrail_trail_event
where error_code in ('AccessDenied', 'Client.UnauthorizedOperation', 'AccessDeniedException')
group by 1, 2 order by denied desc, who, event_source;

-- name: events_region_spread
select recipient_account_id, array_agg(distinct aws_region) as regions, count(distinct aws_region) as region_count
from aws_cloudtrail_trail_event group by recipient_account_id order by recipient_account_id nulls first;

-- name: events_tls_versions
select tls_details ->> 'tlsVersion' as tls, tls_details ->> 'cipherSuite' as cipher, count(*) as events
from aws_cloudtrail_trail_event where tls_details is not null group by 1, 2 order by events desc, tls, cipher;

-- name: events_session_issuer_roles
select user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName' as role_name,
  count(*) as events, min(event_time)::date as first_day, max(event_time)::date as last_day
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'AssumedRole'
group by 1 order by events desc, role_name limit 30;

-- name: events_epoch_and_ms
select event_id, extract(epoch from event_time)::bigint as epoch, timestamp_ms,
  timestamp_ms / 1000 = extract(epoch from event_time)::bigint as consistent
from aws_cloudtrail_trail_event order by event_time, event_id limit 25;

-- name: metric_filter_patterns_cis
select name, log_group_name, metric_transformation_name,
  filter_pattern ~ 'ConsoleLogin' as console_login, filter_pattern ~* 'root' as root_usage,
  length(filter_pattern) as pattern_length
from aws_cloudwatch_log_metric_filter order by name, log_group_name;

-- name: alarm_actions_topics
select a.name, a.metric_name, act as action_arn, split_part(act, ':', 6) as topic_name
from aws_cloudwatch_alarm a, jsonb_array_elements_text(a.alarm_actions) act order by a.name, act;

-- name: metric_filter_alarm_subscription_chain
select f.name as filter_name, a.name as alarm_name, s.protocol, s.endpoint
from aws_cloudwatch_log_metric_filter f
  join aws_cloudwatch_alarm a on a.metric_name = f.metric_transformation_name and a.namespace = f.metric_transformation_namespace
  left join lateral jsonb_array_elements_text(a.alarm_actions) act on true
  left join aws_sns_topic_subscription s on s.topic_arn = act
order by filter_name, alarm_name, s.protocol nulls first, s.endpoint nulls first;

-- name: sns_subscriptions_protocol_counts
select protocol, count(*) as subs, count(*) filter (where pending_confirmation) as pending,
  string_agg(split_part(topic_arn, ':', 6), ',' order by topic_arn, subscription_arn) as topics
from aws_sns_topic_subscription group by protocol order by protocol;

-- name: s3_bucket_public_access_block
select name, block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets as all_blocked,
  num_nonnulls(block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets) as settings_known,
  bucket_policy_is_public
from aws_s3_bucket order by name;

-- name: s3_bucket_policy_statement_principals
select b.name, s ->> 'Effect' as effect, p as principal
from aws_s3_bucket b, jsonb_array_elements(b.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
order by b.name, effect, principal;

-- name: s3_bucket_encryption_kms
select name, r -> 'ApplyServerSideEncryptionByDefault' ->> 'SSEAlgorithm' as algorithm,
  r -> 'ApplyServerSideEncryptionByDefault' ->> 'KMSMasterKeyID' as kms_key,
  coalesce((r ->> 'BucketKeyEnabled')::bool, false) as bucket_key
from aws_s3_bucket, jsonb_array_elements(server_side_encryption_configuration -> 'Rules') r order by name;

-- name: s3_bucket_tags_keys
select name, jsonb_object_keys(tags) as tag_key from aws_s3_bucket where tags is not null and tags <> '{}' order by name, tag_key;

-- name: lambda_runtime_deprecated
select name, runtime, runtime in ('python2.7', 'python3.6', 'python3.7', 'nodejs10.x', 'nodejs12.x', 'ruby2.5') as deprecated,
  substring(runtime from '^[a-z]+') as language, (regexp_match(runtime, '([0-9]+(\.[0-9x]+)?)'))[1] as version
from aws_lambda_function order by name;

-- name: lambda_env_secret_like_keys
select f.name, k as variable
from aws_lambda_function f, jsonb_object_keys(f.environment_variables) k
where k ~* '(secret|password|token|key)' order by f.name, k;

-- name: lambda_memory_timeout_stats
select runtime, count(*) as functions, avg(memory_size)::int as avg_memory, max(timeout) as max_timeout,
  percentile_cont(0.5) within group (order by memory_size) as median_memory
from aws_lambda_function group by runtime order by runtime nulls first;

-- name: lambda_role_join_trust
select f.name as function, r.name as role, r.assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' -> 'Service' as services
from aws_lambda_function f left join aws_iam_role r on r.arn = f.role order by function;

-- name: lambda_policy_public_principal
select f.name, s ->> 'Sid' as sid, s -> 'Principal' as principal, s -> 'Condition' is not null as conditioned
from aws_lambda_function f, jsonb_array_elements(f.policy_std -> 'Statement') s order by f.name, sid;

-- name: ec2_instance_imdsv2
select instance_id, instance_type, metadata_options ->> 'HttpTokens' as http_tokens,
  (metadata_options ->> 'HttpPutResponseHopLimit')::int as hop_limit,
  metadata_options ->> 'HttpTokens' = 'required' as imdsv2_required
from aws_ec2_instance order by instance_id;

-- name: ec2_instance_profile_role_chain
select i.instance_id, i.instance_state, ip.instance_profile_name, r ->> 'RoleName' as role_name
from aws_ec2_instance i
  left join aws_iam_instance_profile ip on ip.arn = i.iam_instance_profile_arn
  left join lateral jsonb_array_elements(ip.roles) r on true
order by i.instance_id, role_name;

-- name: ec2_launch_age_and_security_groups
select instance_id, launch_time, date_part('day', now() - launch_time)::int as age_days,
  jsonb_array_length(security_groups) as sg_count,
  (select string_agg(sg ->> 'GroupName', ',' order by sg ->> 'GroupName') from jsonb_array_elements(security_groups) sg) as sg_names
from aws_ec2_instance order by instance_id;

-- name: ecs_task_definitions_privileged
select td.family, td.revision, cd ->> 'Name' as container, coalesce((cd ->> 'Privileged')::boolean, false) as privileged,
  cd ->> 'User' as run_as
from aws_ecs_task_definition td, jsonb_array_elements(td.container_definitions) cd order by td.family, td.revision, container;

-- name: ecs_task_roles_and_network
select family, network_mode, task_role_arn is not null as has_task_role, split_part(task_role_arn, '/', 2) as task_role,
  requires_compatibilities ? 'FARGATE' as fargate
from aws_ecs_task_definition order by family, revision;

-- name: eks_cluster_logging_types
select c.name, l -> 'Types' as types, (l ->> 'Enabled')::bool as enabled
from aws_eks_cluster c, jsonb_array_elements(c.logging -> 'ClusterLogging') l order by c.name, enabled;

-- name: eks_public_endpoint_cidrs
select name, resources_vpc_config ->> 'EndpointPublicAccess' as public_access,
  resources_vpc_config -> 'PublicAccessCidrs' @> '["0.0.0.0/0"]' as open_to_world, version
from aws_eks_cluster order by name;

-- name: org_accounts_joined_order
select name, id, status, joined_method, joined_timestamp,
  dense_rank() over (order by date_trunc('year', joined_timestamp)) as year_rank,
  email ~ '@' as has_email
from aws_organizations_account order by joined_timestamp, id;

-- name: org_ou_tree_depth
select name, path, array_length(string_to_array(path, '.'), 1) as depth, parent_id, left(id, 3) as prefix
from aws_organizations_organizational_unit order by path;

-- name: org_scp_deny_statements
select p.name, s ->> 'Sid' as sid, s -> 'Action' as action, s ->> 'Effect' as effect
from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s
where p.type = 'SERVICE_CONTROL_POLICY' order by p.name, sid nulls first;

-- name: org_policy_targets_per_policy
select name, type, count(*) as targets, string_agg(target_id, ',' order by target_id) as target_ids
from aws_organizations_policy_target group by name, type order by targets desc, name, type;

-- name: org_root_policy_types_enabled
select r.id, pt ->> 'Type' as policy_type, pt ->> 'Status' as status
from aws_organizations_root r, jsonb_array_elements(r.policy_types) pt order by r.id, policy_type;

-- name: sso_permission_set_inline_actions
select ps.name, a as action
from aws_ssoadmin_permission_set ps, jsonb_array_elements(ps.inline_policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
order by ps.name, a;

-- name: sso_assignments_accounts
select target_account_id, principal_type, count(*) as assignments, count(distinct permission_set_arn) as permission_sets
from aws_ssoadmin_account_assignment group by rollup (target_account_id, principal_type)
order by target_account_id nulls last, principal_type nulls last;

-- name: identitystore_group_member_arrays
select g.name as group_name, count(m.member_id) as members, array_agg(u.name order by u.name) filter (where u.name is not null) as users
from aws_identitystore_group g
  left join aws_identitystore_group_membership m on m.group_id = g.id
  left join aws_identitystore_user u on u.id = m.member_id
group by g.name order by g.name;

-- name: access_analyzer_findings_public
select resource_type, status, count(*) as findings, bool_or(is_public) as any_public,
  max(updated_at) as last_update
from aws_accessanalyzer_finding group by resource_type, status order by resource_type, status;

-- name: access_analyzer_finding_principals
select f.id, f.resource, jsonb_object_keys(f.principal) as principal_kind, f.action ->> 0 as first_action
from aws_accessanalyzer_finding f where f.principal is not null order by f.id, principal_kind;

-- name: access_advisor_unused_services
select principal_arn, service_namespace, last_authenticated,
  coalesce(date_part('day', now() - last_authenticated)::text, 'never') as idle_days
from aws_iam_access_advisor order by principal_arn, service_namespace limit 50;

-- name: regions_opt_in
select name, opt_in_status, steampipe_available, name like 'us-%' as us_region,
  regexp_replace(name, '-[0-9]+$', '') as area
from aws_region order by name;

-- name: account_alias_and_org
select account_id, title, coalesce(account_aliases ->> 0, '(none)') as alias, organization_id is not null as in_org,
  organization_master_account_id = account_id as is_management
from aws_account order by account_id;

-- name: user_tags_owner_missing
select name, tags ->> 'owner' as owner, tags ? 'Owner' as has_capital_owner, coalesce(tags, '{}'::jsonb) = '{}'::jsonb as untagged
from aws_iam_user order by account_id, name;

-- name: user_boundary_and_login_profile
select name, permissions_boundary_arn is not null as has_boundary, permissions_boundary_type,
  login_profile ->> 'CreateDate' as console_since, (login_profile ->> 'PasswordResetRequired')::boolean as reset_required
from aws_iam_user order by account_id, name;

-- name: user_mfa_device_serials
select u.name, m ->> 'SerialNumber' as serial, m ->> 'EnableDate' as enabled,
  split_part(m ->> 'SerialNumber', ':', 6) like 'mfa/%' as virtual_device
from aws_iam_user u, jsonb_array_elements(u.mfa_devices) m order by u.account_id, u.name, serial;

-- name: users_created_per_year_cte
with per_year as (
  select extract(year from create_date)::int as year, count(*) as created from aws_iam_user group by 1
)
select year, created, sum(created) over (order by year) as total_so_far,
  round(created * 100.0 / sum(created) over (), 2) as pct
from per_year order by year;

-- name: role_path_service_linked
select account_id, count(*) filter (where path like '/aws-service-role/%') as service_linked,
  count(*) filter (where path = '/') as root_path, count(*) filter (where path not in ('/') and path not like '/aws-service-role/%') as other_paths
from aws_iam_role group by account_id order by account_id;

-- name: role_inline_policy_statements_count
select r.name, p ->> 'PolicyName' as policy_name, jsonb_array_length(p -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_role r, jsonb_array_elements(r.inline_policies_std) p order by r.account_id, r.name, policy_name;

-- name: roles_attached_admin_policy
select r.name, r.account_id
from aws_iam_role r where r.attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]'
order by r.account_id, r.name;

-- name: users_arn_parts
select name, string_to_array(arn, ':') as parts, (string_to_array(arn, ':'))[5] as account, split_part(arn, '/', -1) as last_segment
from aws_iam_user order by arn limit 30;

-- name: role_trust_document_text_to_jsonb
select name, jsonb_array_length(assume_role_policy_document::jsonb -> 'Statement') as statements,
  assume_role_policy_document::jsonb #>> '{Statement,0,Effect}' as first_effect
from aws_iam_role where assume_role_policy_document like '{%' order by account_id, name limit 40;

-- name: policy_actions_normalized_to_arrays
select p.name, count(*) as actions
from aws_iam_policy p,
  jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement' else jsonb_build_array(p.policy -> 'Statement') end) s,
  jsonb_array_elements_text(case when jsonb_typeof(s -> 'Action') = 'array' then s -> 'Action' else jsonb_build_array(s -> 'Action') end) a
where s ? 'Action'
group by p.name order by actions desc, p.name limit 30;

-- name: events_duration_hours_per_user
select username, round(extract(epoch from (max(event_time) - min(event_time))) / 3600, 2) as active_hours,
  max(event_time) - min(event_time) as span
from aws_cloudtrail_trail_event where username is not null group by username order by username;

-- name: events_timestamp_ms_to_timestamp
select event_id, to_timestamp(timestamp_ms / 1000.0) = event_time as same_instant, timestamp_ms / 1000 as whole_seconds
from aws_cloudtrail_trail_event order by event_time, event_id limit 20;

-- name: events_sum_case_counters
select event_source, sum(case when read_only then 1 else 0 end) as reads, sum(case when not read_only then 1 else 0 end) as writes,
  sum(case when error_code is not null then 1 else 0 end)::float / count(*) as error_rate
from aws_cloudtrail_trail_event group by event_source order by event_source limit 30;

-- name: events_mode_and_percentiles
select recipient_account_id, mode() within group (order by event_name) as commonest_call,
  percentile_disc(0.5) within group (order by event_time) as median_time
from aws_cloudtrail_trail_event group by recipient_account_id order by recipient_account_id nulls first;

-- name: events_user_agent_prefix
select split_part(user_agent, '/', 1) as agent, count(*) as events, max(length(user_agent)) as longest
from aws_cloudtrail_trail_event where user_agent like any (array['aws-cli/%', 'Boto3/%', 'aws-sdk-%'])
group by 1 order by events desc, agent;

-- name: users_tag_count_subquery
select name, (select count(*) from jsonb_object_keys(coalesce(tags, '{}'::jsonb))) as tag_count
from aws_iam_user order by account_id, name limit 40;

-- name: users_tags_left_join_each_text
select u.name, t.key, t.value
from aws_iam_user u left join lateral jsonb_each_text(u.tags) t on true
where u.tags is not null and u.tags <> '{}'::jsonb order by u.account_id, u.name, t.key;

-- name: roles_last_used_greatest_of_times
select name, greatest(create_date, role_last_used_date) as last_activity, least(create_date, role_last_used_date) as first_seen,
  date_trunc('day', now()) - interval '1 day' > create_date as created_before_yesterday
from aws_iam_role order by account_id, name limit 40;

-- name: access_keys_not_in_credential_report
select k.user_name, k.access_key_id from aws_iam_access_key k
where k.user_name not in (select user_name from aws_iam_credential_report where user_name is not null)
order by k.user_name, k.access_key_id;

-- name: policies_statement_exists_deny_star
select name, exists (select 1 from jsonb_array_elements(policy_std -> 'Statement') s
    where s ->> 'Effect' = 'Deny' and s -> 'Action' ? '*') as denies_everything,
  jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Resource[*] == "*")') as allows_any_resource
from aws_iam_policy where not is_aws_managed order by name, arn;

-- name: policies_sha256_of_documents
select name, encode(sha256(policy_std::text::bytea), 'hex') = encode(sha256(policy_std::text::bytea), 'hex') as stable,
  md5(name) as name_md5, length(policy_std::text) as doc_length
from aws_iam_policy where not is_aws_managed order by name, arn;

-- name: credential_report_array_agg_distinct_ordered
select account_id, array_agg(distinct password_status order by password_status) as statuses,
  string_agg(distinct user_name, ',' order by user_name) as users
from aws_iam_credential_report group by account_id order by account_id;

-- name: credential_report_make_interval_thresholds
select user_name, password_last_changed < now() - make_interval(days => 90) as password_old,
  access_key_1_last_rotated < now() - interval '90 days' * 2 as key_very_old
from aws_iam_credential_report order by account_id, user_name;

-- name: users_age_text
select name, age(timestamptz '2025-01-01', create_date)::text as age_text, date_part('year', age(timestamptz '2025-01-01', create_date)) as years
from aws_iam_user order by account_id, name limit 30;

-- name: events_regexp_matches_in_from
select e.event_id, m[1] as service
from aws_cloudtrail_trail_event e, regexp_matches(e.event_source, '^([a-z0-9-]+)\.amazonaws\.com$') m
order by e.event_time, e.event_id limit 30;

-- name: events_bool_or_over_partition
select event_id, username, bool_or(error_code is not null) over (partition by username) as user_had_errors,
  count(*) filter (where read_only) over (partition by username) as user_reads
from aws_cloudtrail_trail_event where username is not null order by event_time, event_id limit 40;

-- name: events_split_to_array_lengths
select event_source, array_length(regexp_split_to_array(event_source, '\.'), 1) as labels,
  (regexp_split_to_array(event_source, '\.'))[1] as first_label
from aws_cloudtrail_trail_event group by event_source order by event_source;

-- name: policy_document_trim_quotes
select name, trim(both '"' from (policy_std -> 'Version')::text) as version_text, policy_std ->> 'Version' as version
from aws_iam_policy order by name, arn limit 30;

-- name: roles_extract_days_since_creation
select name, extract(days from now() - create_date) as days, date_part('days', now() - create_date)::int as days_int,
  now()::date - create_date::date as calendar_days
from aws_iam_role order by account_id, name limit 30;

-- name: buckets_acl_grants_count_per_permission
select g ->> 'Permission' as permission, count(*) as grants, count(distinct b.name) as buckets
from aws_s3_bucket b, jsonb_array_elements(b.acl -> 'Grants') g group by 1 order by permission;

-- name: instances_tags_name_and_state
select instance_id, coalesce(tags ->> 'Name', instance_id) as display_name, instance_state, state_code,
  case instance_state when 'running' then 1 when 'stopped' then 2 else 3 end as state_rank
from aws_ec2_instance order by state_rank, instance_id;

-- name: lambda_layers_and_architectures
select f.name, a as architecture, jsonb_array_length(coalesce(f.layers, '[]')) as layer_count
from aws_lambda_function f, jsonb_array_elements_text(f.architectures) a order by f.name, a;

-- name: alarms_threshold_and_period
select name, threshold, period, evaluation_periods, threshold::int as whole_threshold, period / 60 as minutes,
  comparison_operator like '%GreaterThan%' as greater
from aws_cloudwatch_alarm order by name;

-- name: org_accounts_email_domains
select split_part(email, '@', 2) as domain, count(*) as accounts, min(joined_timestamp)::date as first_joined
from aws_organizations_account group by 1 order by accounts desc, domain;

-- name: trails_bucket_and_prefix_concat
select name, concat_ws('/', 's3:/', s3_bucket_name, s3_key_prefix, 'AWSLogs') as log_path,
  coalesce(s3_key_prefix, '') = '' as no_prefix
from aws_cloudtrail_trail order by name, arn;

-- name: access_advisor_services_recent_counts
select principal_arn, count(*) filter (where last_authenticated > now() - interval '365 days') as used_last_year,
  count(*) filter (where last_authenticated is null) as never_used, count(*) as services
from aws_iam_access_advisor group by principal_arn order by principal_arn;

-- name: code_runner_roles_with_their_role_names
select 'codebuild' as kind, p.name, p.region, split_part(p.service_role, '/', -1) as role_name,
  p.environment ->> 'ComputeType' as compute, p.tags ->> 'team' as team
from aws_codebuild_project p
union all
select 'sagemaker', n.name, n.region, split_part(n.role_arn, '/', -1), n.instance_type, n.root_access
from aws_sagemaker_notebook_instance n
union all
select 'glue', e.endpoint_name, e.region, split_part(e.role_arn, '/', -1), e.worker_type,
  jsonb_array_length(e.public_keys)::text
from aws_glue_dev_endpoint e
order by kind, name;

-- name: identity_pools_guest_access
select identity_pool_name, region, allow_unauthenticated_identities as guests,
  coalesce(allow_classic_flow, false) as classic_flow,
  jsonb_array_length(coalesce(cognito_identity_providers, '[]'::jsonb)) as user_pools,
  supported_login_providers ? 'accounts.google.com' as google, tags ->> 'team' as team
from aws_cognito_identity_pool
order by identity_pool_name;

-- name: stacks_and_state_machines_with_their_roles
select 'stack' as kind, s.name, s.region, split_part(s.role_arn, '/', -1) as role_name, s.status,
  s.tags ->> 'team' as detail, jsonb_array_length(coalesce(s.outputs, '[]'::jsonb)) as outputs
from aws_cloudformation_stack s
union all
select 'state machine', m.name, m.region, split_part(m.role_arn, '/', -1), m.status,
  m.logging_configuration ->> 'Level', 0
from aws_sfn_state_machine m
order by kind, name;

-- name: lambda_function_probe_1
select arn as resource, case when runtime in ('nodejs20.x', 'python3.12', 'java21') then 'ok' else 'alarm' end as status, title || ' uses ' || coalesce(runtime, 'a container image') || '.' as reason, region, account_id from aws_lambda_function order by arn;

-- name: lambda_function_probe_2
select arn, case when vpc_id is null or vpc_id = '' then 'alarm' else 'ok' end as status, jsonb_array_length(coalesce(vpc_subnet_ids, '[]'::jsonb)) as subnets from aws_lambda_function order by arn;

-- name: lambda_function_probe_3
select runtime, count(*) as functions, round(avg(memory_size)) as avg_memory, sum(code_size) as total_code, max(timeout) as max_timeout from aws_lambda_function group by runtime order by runtime nulls first;

-- name: lambda_function_probe_4
select name, memory_size / 1024.0 as gb, timeout::float / 60 as minutes, code_size / 1024 / 1024 as mb, pg_size_pretty(code_size) as pretty from aws_lambda_function order by name;

-- name: lambda_function_probe_5
select name, environment_variables, jsonb_object_keys(environment_variables) as k from aws_lambda_function where environment_variables is not null order by name, k;

-- name: lambda_function_probe_6
select f.name, s ->> 'Sid' as sid, s -> 'Principal' as principal, s ->> 'Effect' as effect from aws_lambda_function f, jsonb_array_elements(f.policy_std -> 'Statement') s where s -> 'Principal' ->> 'AWS' = '*' or s -> 'Principal' @> '{"AWS": ["*"]}' order by 1, 2;

-- name: lambda_function_probe_7
select arn, case when policy_std -> 'Statement' @> '[{"Principal": {"AWS": ["*"]}}]' then 'alarm' else 'ok' end as status from aws_lambda_function order by arn;

-- name: lambda_function_probe_8
select name, tracing_config ->> 'Mode' as tracing, case when tracing_config ->> 'Mode' = 'Active' then 'ok' else 'alarm' end as status, last_modified, date_part('day', now() - last_modified::timestamptz) as age_days from aws_lambda_function order by name;

-- name: lambda_function_probe_9
select name, architectures, architectures ? 'arm64' as graviton, jsonb_array_elements_text(architectures) as arch from aws_lambda_function order by name;

-- name: lambda_function_probe_10
select l ->> 'Arn' as layer, count(*) as used_by from aws_lambda_function, jsonb_array_elements(layers) l group by 1 order by 2 desc, 1;

-- name: ec_probe_11
select instance_id, instance_type, instance_state, case when metadata_options ->> 'HttpTokens' = 'required' then 'ok' else 'alarm' end as imdsv2, metadata_options ->> 'HttpPutResponseHopLimit' as hops from aws_ec2_instance order by instance_id;

-- name: ec_probe_12
select instance_id, public_ip_address, private_ip_address, case when public_ip_address is null then 'ok' else 'alarm' end as status from aws_ec2_instance order by instance_id;

-- name: ec_probe_13
select instance_type, count(*) as n, count(*) filter (where instance_state = 'running') as running, string_agg(instance_id, ', ' order by instance_id) as ids from aws_ec2_instance group by instance_type order by n desc, instance_type;

-- name: ec_probe_14
select instance_id, launch_time, now() - launch_time > interval '90 days' as old, date_trunc('month', launch_time) as month, to_char(launch_time, 'YYYY-MM-DD HH24:MI') as launched from aws_ec2_instance order by launch_time desc nulls last, instance_id;

-- name: ec_probe_15
select i.instance_id, sg ->> 'GroupId' as group_id, sg ->> 'GroupName' as group_name from aws_ec2_instance i cross join lateral jsonb_array_elements(i.security_groups) sg order by 1, 2;

-- name: ec_probe_16
select instance_id, split_part(iam_instance_profile_arn, '/', 2) as profile, iam_instance_profile_arn is not null as has_profile, tags ->> 'Name' as name_tag from aws_ec2_instance order by instance_id;

-- name: ec_probe_17
select i.instance_id, r.name as role from aws_ec2_instance i join aws_iam_instance_profile p on p.arn = i.iam_instance_profile_arn left join aws_iam_role r on r.arn = any(array(select jsonb_array_elements_text(p.roles -> 'Arn'))) order by 1;

-- name: ec_probe_18
select instance_id, ni ->> 'NetworkInterfaceId' as eni, ni -> 'Association' ->> 'PublicIp' as public_ip, jsonb_array_length(ni -> 'PrivateIpAddresses') as private_ips from aws_ec2_instance, jsonb_array_elements(network_interfaces) ni order by 1, 2;

-- name: ec_probe_19
select placement_availability_zone as az, count(*) as n, round(100.0 * count(*) / sum(count(*)) over (), 1) as pct from aws_ec2_instance group by 1 order by 1;

-- name: ec_probe_20
select instance_id, bdm ->> 'DeviceName' as device, bdm -> 'Ebs' ->> 'VolumeId' as volume, (bdm -> 'Ebs' ->> 'DeleteOnTermination')::bool as delete_on_termination from aws_ec2_instance, jsonb_array_elements(block_device_mappings) bdm order by 1, 2;

-- name: cloudtrail_trail_probe_21
select arn, is_multi_region_trail, log_file_validation_enabled, case when kms_key_id is null then 'alarm' else 'ok' end as encrypted, case when log_group_arn is not null and latest_cloudwatch_logs_delivery_time > now() - interval '1 day' then 'ok' else 'alarm' end as cw from aws_cloudtrail_trail order by arn;

-- name: cloudtrail_trail_probe_22
select name, event_selectors, jsonb_array_length(event_selectors) as n, es ->> 'ReadWriteType' as rw, (es ->> 'IncludeManagementEvents')::boolean as mgmt from aws_cloudtrail_trail left join jsonb_array_elements(event_selectors) es on true order by name, rw;

-- name: cloudtrail_trail_probe_23
select name, advanced_event_selectors is not null as advanced, aes ->> 'Name' as selector_name, fs ->> 'Field' as field, fs -> 'Equals' as equals from aws_cloudtrail_trail, jsonb_array_elements(advanced_event_selectors) aes, jsonb_array_elements(aes -> 'FieldSelectors') fs order by 1, 3, 4;

-- name: cloudtrail_trail_probe_24
select count(*) filter (where is_multi_region_trail and is_logging) as multi_region_logging, count(*) as trails, bool_or(is_organization_trail) as any_org, min(start_logging_time) as first_start from aws_cloudtrail_trail;

-- name: account_probe_25
select a.account_id, count(t.arn) as trails, case when count(t.arn) filter (where t.is_multi_region_trail and t.is_logging) > 0 then 'ok' else 'alarm' end as status from aws_account a left join aws_cloudtrail_trail t on t.account_id = a.account_id group by a.account_id order by 1;

-- name: cloudtrail_trail_event_probe_26
select event_name, count(*) as calls, count(distinct source_ip_address) as ips, min(event_time) as first, max(event_time) as last from aws_cloudtrail_trail_event where log_group_name = 'trail' and event_source = 'iam.amazonaws.com' group by event_name order by calls desc, event_name limit 15;

-- name: cloudtrail_trail_event_probe_27
select user_identity ->> 'type' as identity_type, count(*) as n, round(avg(case when error_code is null then 0 else 1 end), 4) as error_rate from aws_cloudtrail_trail_event where log_group_name = 'x' group by 1 order by 2 desc, 1;

-- name: cloudtrail_trail_event_probe_28
select date_trunc('day', event_time) as day, count(*) as events, count(*) filter (where error_code = 'AccessDenied') as denied from aws_cloudtrail_trail_event where log_group_name = 'x' group by 1 order by 1 limit 20;

-- name: cloudtrail_trail_event_probe_29
select username, source_ip_address, user_agent, event_name, event_time from aws_cloudtrail_trail_event where log_group_name = 'x' and event_name in ('ConsoleLogin') and (additional_event_data ->> 'MFAUsed') = 'No' order by event_time, username limit 20;

-- name: cloudtrail_trail_event_probe_30
select event_id, event_name, user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName' as role_name, (user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated')::bool as mfa from aws_cloudtrail_trail_event where log_group_name = 'x' and user_identity ->> 'type' = 'AssumedRole' order by event_time, event_id limit 25;

-- name: cloudtrail_trail_event_probe_31
select event_source, split_part(event_source, '.', 1) as service, count(*) as n, sum(case when read_only then 1 else 0 end) as reads, sum(case when read_only then 0 else 1 end) as writes from aws_cloudtrail_trail_event where log_group_name = 'x' group by 1 order by n desc, 1 limit 20;

-- name: cloudtrail_trail_event_probe_32
select event_name, request_parameters ->> 'userName' as target_user, request_parameters ->> 'policyArn' as policy, recipient_account_id from aws_cloudtrail_trail_event where log_group_name = 'x' and event_name in ('AttachUserPolicy', 'CreateAccessKey', 'CreateUser', 'PutUserPolicy') order by event_time, event_id limit 30;

-- name: cloudtrail_trail_event_probe_33
select source_ip_address, count(*) as n, count(distinct event_name) as distinct_calls, array_agg(distinct aws_region) as regions from aws_cloudtrail_trail_event where log_group_name = 'x' and source_ip_address !~ '^[a-z]' group by 1 having count(*) > 5 order by 2 desc, 1 limit 15;

-- name: cloudtrail_trail_event_probe_34
select extract(hour from event_time) as hour, count(*) as n from aws_cloudtrail_trail_event where log_group_name = 'x' group by 1 order by 1;

-- name: cloudtrail_trail_event_probe_35
select event_time, lag(event_time) over (partition by username order by event_time, event_id) as previous, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap, username from aws_cloudtrail_trail_event where log_group_name = 'x' and username is not null order by username, event_time, event_id limit 30;

-- name: organizations_account_probe_36
select id, name, email, status, joined_method, joined_timestamp, parent_id, tags from aws_organizations_account order by id;

-- name: organizations_account_probe_37
select a.id, a.name, ou.name as ou, ou.path, r.id as root from aws_organizations_account a left join aws_organizations_organizational_unit ou on ou.id = a.parent_id left join aws_organizations_root r on r.id = a.parent_id order by a.id;

-- name: organizations_policy_probe_38
select name, type, aws_managed, content -> 'Statement' as statements, jsonb_array_length(content -> 'Statement') as n, s ->> 'Effect' as effect, s -> 'Action' as action from aws_organizations_policy, jsonb_array_elements(content -> 'Statement') s order by name, effect;

-- name: organizations_policy_target_probe_39
select p.name, p.type, t.target_id from aws_organizations_policy_target t join aws_organizations_policy p on p.id = t.id order by 1, 3;

-- name: organizations_account_probe_40
select status, count(*) as n, min(joined_timestamp) as earliest, age(now(), min(joined_timestamp)) > interval '1 year' as old from aws_organizations_account group by status order by status;

-- name: organizations_root_probe_41
select id, policy_types, pt ->> 'Type' as type, pt ->> 'Status' as status from aws_organizations_root, jsonb_array_elements(policy_types) pt order by 1, 3;

-- name: organizations_policy_target_probe_42
select a.id, a.name, case when exists (select 1 from aws_organizations_policy_target t join aws_organizations_policy p on p.id = t.id where t.target_id = a.id and p.type = 'SERVICE_CONTROL_POLICY' and not p.aws_managed) then 'ok' else 'info' end as scp from aws_organizations_account a order by 1;

-- name: organizations_account_probe_43
select id, email, split_part(email, '@', 2) as domain, lower(email) ~ '^[^@]+@example\.com$' as example from aws_organizations_account order by 1;

-- name: lambda_function_probe_44
select name, runtime, case when runtime like any (array['python2%', 'python3.6', 'python3.7', 'nodejs1%', 'nodejs8%', 'ruby2.5']) then 'alarm' else 'ok' end as status from aws_lambda_function order by name;

-- name: lambda_function_probe_45
select name, (environment_variables ->> 'DB_HOST') as db_host, environment_variables::text ~* '(password|secret|token)' as may_hold_secret from aws_lambda_function order by name;

-- name: lambda_function_probe_46
select name, reserved from (select name, coalesce((select count(*) from jsonb_array_elements(vpc_security_group_ids)), 0) as reserved from aws_lambda_function) s order by name;

-- name: lambda_function_probe_47
select f.name, r.name as role_name, r.arn as role_arn, jsonb_array_length(r.attached_policy_arns) as policies from aws_lambda_function f left join aws_iam_role r on r.arn = f.role order by f.name;

-- name: lambda_function_probe_48
select name, dead_letter_config_target_arn is null as no_dlq, memory_size, memory_size::numeric / 128 as units, ceil(memory_size / 128.0) as c from aws_lambda_function order by name;

-- name: lambda_function_probe_49
select region, account_id, count(*) as n, jsonb_agg(name order by name) as names, json_agg(distinct runtime) as runtimes from aws_lambda_function group by 1, 2 order by 1, 2;

-- name: lambda_function_probe_50
select title, akas, akas ->> 0 as first_aka, tags, tags ? 'env' as has_env from aws_lambda_function order by title;

-- name: ec_probe_51
select instance_id, monitoring_state, ebs_optimized, cpu_options_core_count * cpu_options_threads_per_core as vcpus, root_device_type, virtualization_type from aws_ec2_instance order by instance_id;

-- name: ec_probe_52
select instance_id, state_transition_reason, substring(state_transition_reason from '\((.*)\)') as at, state_transition_time from aws_ec2_instance order by instance_id;

-- name: ec_probe_53
select tag ->> 'Key' as key, tag ->> 'Value' as value, count(*) as n from aws_ec2_instance, jsonb_array_elements(tags_src) tag group by 1, 2 order by 1, 2;

-- name: ec_probe_54
select instance_id, jsonb_object_keys(tags) as tag_key from aws_ec2_instance order by 1, 2;

-- name: ec_probe_55
select instance_id, coalesce(tags ->> 'Name', instance_id) as display, case when tags ?| array['Owner', 'owner'] then 'ok' else 'alarm' end as owner_tag from aws_ec2_instance order by 1;

-- name: ec_probe_56
select image_id, count(*) as n, array_agg(instance_id order by instance_id) as instances, min(launch_time)::date as first_launch from aws_ec2_instance group by image_id order by n desc, image_id;

-- name: ec_probe_57
select instance_id, extract(epoch from (now() - launch_time)) / 86400 > 30 as older_than_30_days, (now() - launch_time) > '30 days'::interval as older from aws_ec2_instance order by 1;

-- name: ec_probe_58
select instance_id, platform_details, coalesce(platform, 'linux') as platform, hypervisor, architecture, key_name is not null as has_key from aws_ec2_instance order by 1;

-- name: cloudtrail_trail_probe_59
select t.name, t.s3_bucket_name, b.name as bucket, t.kms_key_id is not null as sse_kms, t.sns_topic_arn from aws_cloudtrail_trail t left join aws_s3_bucket b on b.name = t.s3_bucket_name order by t.name;

-- name: cloudtrail_trail_probe_60
select name, home_region, region, is_multi_region_trail, case when home_region = region then 'home' else 'shadow' end as copy from aws_cloudtrail_trail order by name, region;

-- name: cloudtrail_trail_probe_61
select name, latest_delivery_time, latest_delivery_error, latest_digest_delivery_time, coalesce(latest_delivery_error, '') = '' as healthy from aws_cloudtrail_trail order by name;

-- name: cloudtrail_trail_probe_62
select name, insight_selectors, has_insight_selectors, jsonb_path_query_array(insight_selectors, '$[*].InsightType') as types from aws_cloudtrail_trail order by name;

-- name: cloudtrail_trail_event_probe_63
select event_name, error_code, error_message, count(*) as n from aws_cloudtrail_trail_event where log_group_name = 'x' and error_code is not null group by 1, 2, 3 order by n desc, 1, 2, 3 limit 20;

-- name: cloudtrail_trail_event_probe_64
select user_agent, count(*) as n, left(user_agent, 20) as ua20, position('aws-cli' in user_agent) > 0 as cli from aws_cloudtrail_trail_event where log_group_name = 'x' group by user_agent order by n desc, user_agent limit 15;

-- name: cloudtrail_trail_event_probe_65
select resources, r ->> 'ARN' as arn, r ->> 'type' as type from aws_cloudtrail_trail_event, jsonb_array_elements(resources) r where log_group_name = 'x' order by event_time, event_id, 2 limit 20;

-- name: cloudtrail_trail_event_probe_66
select event_id, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as t, event_time::date as d, extract(dow from event_time) as dow, date_part('week', event_time) as week from aws_cloudtrail_trail_event where log_group_name = 'x' order by event_time, event_id limit 10;

-- name: cloudtrail_trail_event_probe_67
select username, count(*) as n, count(*) filter (where read_only = false) as writes, round(100.0 * count(*) filter (where error_code is not null) / count(*), 2) as error_pct from aws_cloudtrail_trail_event where log_group_name = 'x' and username is not null group by 1 order by 2 desc, 1 limit 15;

-- name: cloudtrail_trail_event_probe_68
select event_name, jsonb_pretty(request_parameters) as params from aws_cloudtrail_trail_event where log_group_name = 'x' and event_name = 'CreateUser' order by event_time, event_id limit 3;

-- name: cloudtrail_trail_event_probe_69
select event_id, user_identity ->> 'arn' as arn, split_part(user_identity ->> 'arn', ':', 5) as account, regexp_replace(user_identity ->> 'arn', '^.*/', '') as session from aws_cloudtrail_trail_event where log_group_name = 'x' and user_identity ->> 'type' = 'AssumedRole' order by event_time, event_id limit 10;

-- name: cloudtrail_trail_event_probe_70
select tls_details ->> 'tlsVersion' as tls, count(*) as n from aws_cloudtrail_trail_event where log_group_name = 'x' group by 1 order by 2 desc, 1;

-- name: organizations_account_probe_71
select a.name, a.id, string_agg(p.name, ', ' order by p.name) as policies from aws_organizations_account a left join aws_organizations_policy_target t on t.target_id = a.id left join aws_organizations_policy p on p.id = t.id group by a.name, a.id order by a.id;

-- name: organizations_policy_probe_72
select name, content #>> '{Statement,0,Effect}' as first_effect, content -> 'Statement' -> 0 -> 'Condition' as cond, content ->> 'Version' as version from aws_organizations_policy order by name;

-- name: organizations_account_probe_73
select id, name, tags_src, jsonb_array_length(coalesce(tags_src, '[]')) as n from aws_organizations_account order by id;

-- name: organizations_organizational_unit_probe_74
select ou.name, ou.path, array_length(string_to_array(trim(both '/' from ou.path), '/'), 1) as depth from aws_organizations_organizational_unit ou order by ou.path;

-- name: organizations_policy_probe_75
select p.name, s -> 'Action' as actions, jsonb_typeof(s -> 'Action') as kind, case when jsonb_typeof(s -> 'Action') = 'array' then jsonb_array_length(s -> 'Action') else 1 end as n from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s order by 1, 2;

-- name: lambda_function_probe_76
select f.name, f.runtime, count(*) over () as total, count(*) over (partition by f.runtime) as same_runtime, rank() over (order by f.memory_size desc, f.name) as by_memory from aws_lambda_function f order by f.name;

-- name: lambda_function_probe_77
select name, date_part('day', now() - last_modified::timestamptz) as days, case when date_part('day', now() - last_modified::timestamptz) > 90 then 'alarm' else 'ok' end as status from aws_lambda_function order by name;

-- name: lambda_function_probe_78
select name, kms_key_arn, split_part(kms_key_arn, ':', 4) as key_region, coalesce(kms_key_arn, 'aws-managed') as key from aws_lambda_function order by name;

-- name: lambda_function_probe_79
select coalesce(sum(memory_size), 0) as mem, coalesce(sum(code_size) filter (where runtime is null), 0) as image_code, avg(timeout::int) as avg_timeout, stddev_pop(memory_size) as sd from aws_lambda_function;

-- name: lambda_function_probe_80
select name from aws_lambda_function where role in (select arn from aws_iam_role where assume_role_policy_std::text like '%lambda.amazonaws.com%') order by name;

-- name: iam_role_probe_81
select r.name, r.arn from aws_iam_role r where r.assume_role_policy_std -> 'Statement' @> '[{"Principal": {"Service": ["lambda.amazonaws.com"]}}]' and not exists (select 1 from aws_lambda_function f where f.role = r.arn) order by 1;

-- name: lambda_function_probe_82
select name, jsonb_array_length(file_system_configs) as efs, snap_start ->> 'ApplyOn' as snap, package_type, state, last_update_status from aws_lambda_function order by name;

-- name: lambda_function_probe_83
select string_agg(distinct runtime, ',' order by runtime) as runtimes, count(distinct runtime) as n, array_agg(distinct architectures ->> 0) as arches from aws_lambda_function;

-- name: ec_probe_84
select instance_id, tags ->> 'Name' as name, instance_state, launch_time, now() - launch_time as uptime, justify_interval(now() - launch_time) as j from aws_ec2_instance where instance_state = 'running' order by launch_time, instance_id;

-- name: ec_probe_85
select vpc_id, subnet_id, count(*) as n, count(distinct instance_type) as types, max(launch_time) as newest from aws_ec2_instance group by rollup (vpc_id, subnet_id) order by vpc_id nulls last, subnet_id nulls last;

-- name: ec_probe_86
select instance_id, (metadata_options ->> 'HttpPutResponseHopLimit')::int > 1 as hop_over_1, metadata_options ->> 'InstanceMetadataTags' as tags_in_imds, metadata_options ->> 'HttpEndpoint' as endpoint from aws_ec2_instance order by 1;

-- name: ec_probe_87
select i.instance_id, i.iam_instance_profile_arn, p.instance_profile_name as profile_name, jsonb_array_length(p.roles) as roles from aws_ec2_instance i left join aws_iam_instance_profile p on p.arn = i.iam_instance_profile_arn order by 1;

-- name: ec_probe_88
select instance_state, count(*) as n, round(count(*) * 100.0 / (select count(*) from aws_ec2_instance), 2) as pct from aws_ec2_instance group by 1 order by 1;

-- name: ec_probe_89
select instance_id, private_dns_name, public_dns_name, nullif(public_dns_name, '') as public_name, length(private_dns_name) as len from aws_ec2_instance order by 1;

-- name: ec_probe_90
select instance_id, product_codes, licenses, jsonb_array_length(coalesce(elastic_gpu_associations, '[]')) as gpus, enclave_options ->> 'Enabled' as enclave, hibernation_options -> 'Configured' as hib from aws_ec2_instance order by 1;

-- name: ec_probe_91
select instance_id, lower(instance_type) like 't2.%' or lower(instance_type) like 't3.%' as burstable, split_part(instance_type, '.', 1) as family, split_part(instance_type, '.', 2) as size from aws_ec2_instance order by 1;

-- name: cloudtrail_trail_probe_92
select t.name, t.is_logging, t.start_logging_time, t.stop_logging_time, case when not t.is_logging then 'alarm' when t.stop_logging_time > t.start_logging_time then 'alarm' else 'ok' end as status from aws_cloudtrail_trail t order by 1;

-- name: cloudtrail_trail_probe_93
select t.account_id, t.region, t.name, exists (select 1 from aws_cloudtrail_trail x where x.account_id = t.account_id and x.is_multi_region_trail) as covered from aws_cloudtrail_trail t order by 1, 2, 3;

-- name: cloudtrail_trail_probe_94
select name, s3_key_prefix, coalesce(s3_key_prefix, '') || '/AWSLogs/' || account_id || '/' as log_path, tags, tags_src from aws_cloudtrail_trail order by name;

-- name: cloudtrail_trail_probe_95
select name, data_resources ->> 'Type' as type, jsonb_array_elements_text(data_resources -> 'Values') as value from aws_cloudtrail_trail, jsonb_array_elements(event_selectors) es, jsonb_array_elements(es -> 'DataResources') data_resources order by 1, 2, 3;

-- name: cloudtrail_trail_probe_96
select name, latest_cloudwatch_logs_delivery_time, age(now(), latest_cloudwatch_logs_delivery_time) as since, extract(epoch from now() - latest_cloudwatch_logs_delivery_time) / 3600 > 24 as stale from aws_cloudtrail_trail order by 1;

-- name: organizations_account_probe_97
select a.id, a.name, a.joined_timestamp, date_trunc('year', a.joined_timestamp) as year, extract(year from a.joined_timestamp)::int as y, to_char(a.joined_timestamp, 'Mon DD, YYYY') as nice from aws_organizations_account a order by 1;

-- name: organizations_policy_probe_98
select p.type, count(*) as n, count(*) filter (where p.aws_managed) as managed, bool_and(p.content is not null) as all_have_content from aws_organizations_policy p group by 1 order by 1;

-- name: organizations_policy_target_probe_99
select t.target_id, count(*) as policies, string_agg(p.name, ' | ' order by p.name) as names from aws_organizations_policy_target t join aws_organizations_policy p on p.id = t.id group by 1 order by 1;

-- name: organizations_policy_probe_100
select p.name, s ->> 'Effect' as effect, a as action from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s, jsonb_array_elements_text(case jsonb_typeof(s -> 'Action') when 'array' then s -> 'Action' else jsonb_build_array(s -> 'Action') end) a order by 1, 2, 3;

-- name: organizations_policy_probe_101
select p.name, s -> 'Condition' as cond, jsonb_object_keys(s -> 'Condition') as operator from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s where s ? 'Condition' order by 1, 3;

-- name: organizations_account_probe_102
select a.id, ou.name as ou_name, coalesce(ou.name, 'root') as placement, a.status = 'ACTIVE' as active from aws_organizations_account a left join aws_organizations_organizational_unit ou on a.parent_id = ou.id order by a.id;

-- name: lambda_function_probe_103
with fns as (select name, role, runtime from aws_lambda_function), roles as (select arn, name from aws_iam_role) select f.name, r.name as role_name, f.runtime from fns f left join roles r on r.arn = f.role order by 1;

-- name: lambda_function_probe_104
select 'lambda' as kind, arn, region from aws_lambda_function union all select 'ec2', arn, region from aws_ec2_instance order by 1, 2;

-- name: lambda_function_probe_105
select kind, count(*) as n from (select 'lambda' as kind from aws_lambda_function union all select 'ec2' from aws_ec2_instance union all select 'trail' from aws_cloudtrail_trail) s group by kind order by kind;

-- name: ec_probe_106
select i.instance_id, x.key, x.value from aws_ec2_instance i, jsonb_each_text(i.tags) as x(key, value) order by 1, 2;

-- name: ec_probe_107
select i.instance_id, t.ord, t.tag ->> 'Key' as key from aws_ec2_instance i cross join lateral jsonb_array_elements(i.tags_src) with ordinality as t(tag, ord) order by 1, 2;

-- name: ec_probe_108
select account_id, region, count(*) filter (where instance_state = 'running') as running, count(*) filter (where instance_state = 'stopped') as stopped from aws_ec2_instance group by grouping sets ((account_id), (account_id, region)) order by 1, 2 nulls first;

-- name: organizations_account_probe_109
select a.id, a.name, coalesce(jsonb_agg(p.name order by p.name) filter (where p.name is not null), '[]') as policies from aws_organizations_account a left join aws_organizations_policy_target t on t.target_id = a.id left join aws_organizations_policy p on p.id = t.id group by a.id, a.name order by a.id;

-- name: iam_user_probe_110
select distinct on (account_id) account_id, name, create_date from aws_iam_user order by account_id, create_date desc, name;

-- name: cloudtrail_trail_probe_111
select t.name, e.event_name, e.event_time from aws_cloudtrail_trail t join aws_cloudtrail_trail_event e on e.request_parameters ->> 'name' = t.name where e.log_group_name = 'x' order by 1, 3, 2;

-- name: cloudtrail_trail_event_probe_112
select event_name, count(*) as n from aws_cloudtrail_trail_event where log_group_name = 'x' and event_name like any (array['Delete%', 'Stop%', 'Disable%']) group by 1 order by 2 desc, 1;

-- name: cloudtrail_trail_event_probe_113
select event_name, event_time, user_identity ->> 'arn' as who from aws_cloudtrail_trail_event where log_group_name = 'x' and event_source = 'cloudtrail.amazonaws.com' and event_name in ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors') order by event_time, event_id;

-- name: cloudtrail_trail_event_probe_114
select coalesce(user_identity ->> 'userName', user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName', user_identity ->> 'type') as principal, count(*) as n from aws_cloudtrail_trail_event where log_group_name = 'x' group by 1 order by 2 desc, 1 limit 20;

-- name: lambda_function_probe_115
select f.name, jsonb_array_length(r.attached_policy_arns) as n, exists (select 1 from jsonb_array_elements_text(r.attached_policy_arns) a where a like '%AdministratorAccess') as admin from aws_lambda_function f join aws_iam_role r on r.arn = f.role order by 1;

-- name: ec_probe_116
select i.instance_id, count(sg) as groups, string_agg(sg ->> 'GroupName', ',' order by sg ->> 'GroupName') as names from aws_ec2_instance i left join lateral jsonb_array_elements(i.security_groups) sg on true group by 1 order by 1;

-- name: organizations_account_probe_117
select id, name, row_number() over (order by joined_timestamp, id) as n, lag(name) over (order by joined_timestamp, id) as previous from aws_organizations_account order by n;

-- name: policy_statement_effects
select p.arn, s ->> 'Effect' as effect, coalesce(s ->> 'Sid', '(no sid)') as sid
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where p.is_attached
order by p.arn, effect, sid;

-- name: policy_full_admin_cte_chain
with statements as (
  select p.arn, p.account_id, s
  from aws_iam_policy p cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') s
), allows as (
  select arn, account_id, s from statements where s ->> 'Effect' = 'Allow'
), admin as (
  select distinct arn from allows where s -> 'Action' ? '*' and s -> 'Resource' ? '*'
), summary as (
  select p.arn, p.name, p.account_id, a.arn is not null as grants_admin
  from aws_iam_policy p left join admin a on a.arn = p.arn
)
select arn as resource,
  case when grants_admin then 'alarm' else 'ok' end as status,
  name || case when grants_admin then ' grants *:* on *.' else ' grants no full admin.' end as reason,
  account_id
from summary;

-- name: policy_action_wildcard_services
select p.name, string_agg(distinct split_part(a, ':', 1), ', ' order by split_part(a, ':', 1)) as services
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow' and a like '%:*'
group by p.name
order by p.name;

-- name: policy_not_action_allow
select arn, count(*) filter (where s ? 'NotAction') as not_action_statements,
  count(*) filter (where s ? 'NotResource') as not_resource_statements
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
group by arn
having count(*) filter (where s ? 'NotAction' or s ? 'NotResource') > 0;

-- name: policy_condition_keys
select distinct k.key as operator, ck as condition_key
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_each(s -> 'Condition') k,
  jsonb_object_keys(k.value) ck
order by operator, condition_key;

-- name: policy_statement_count_typeof
select name, jsonb_typeof(policy -> 'Statement') as raw_kind,
  jsonb_array_length(policy_std -> 'Statement') as statements
from aws_iam_policy
where policy is not null;

-- name: policy_passrole_star
select p.arn as resource,
  case when bool_or(s -> 'Action' ?| array['iam:passrole', 'iam:*', '*'] and s -> 'Resource' @> '["*"]') then 'alarm' else 'ok' end as status,
  p.account_id
from aws_iam_policy p
  left join lateral jsonb_array_elements(p.policy_std -> 'Statement') s on s ->> 'Effect' = 'Allow'
group by p.arn, p.account_id;

-- name: policy_versions_count
select name, jsonb_array_length(policy_versions) as versions,
  (select count(*) from jsonb_array_elements(policy_versions) v where (v ->> 'IsDefaultVersion')::bool) as defaults
from aws_iam_policy
where policy_versions is not null;

-- name: policy_age_buckets
select case
    when create_date > now() - interval '30 days' then 'last 30 days'
    when create_date > now() - interval '90 days' then '30-90 days'
    when create_date > now() - interval '365 days' then '90-365 days'
    else 'older than 1 year'
  end as age, count(*) as policies
from aws_iam_policy
group by 1
order by 1;

-- name: policy_update_year_month
select to_char(update_date, 'YYYY-MM') as month, count(*)
from aws_iam_policy
where not is_aws_managed
group by month
order by month nulls last;

-- name: policy_regexp_service_prefixes
select distinct (regexp_matches(a, '^([a-z0-9-]+):', 'g'))[1] as service
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
order by service
limit 25;

-- name: policy_resource_account_ids
select distinct p.name, substring(r from 'arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9*-]*:([0-9]{12}|\*):') as target_account
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Resource') r
where r ~ ':([0-9]{12}|\*):'
order by 1, 2;

-- name: policy_statement_ordinality
select p.name, t.n as statement_no, t.s ->> 'Effect' as effect, jsonb_array_length(t.s -> 'Action') as actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as t(s, n)
where p.attachment_count > 0
order by p.name, t.n;

-- name: policy_default_version_number
select name, default_version_id, nullif(regexp_replace(default_version_id, '[^0-9]', '', 'g'), '')::int as version_no
from aws_iam_policy
order by version_no desc nulls last, name
limit 20;

-- name: policy_deny_statements_text
select arn, string_agg(s ->> 'Sid', ',' order by s ->> 'Sid') filter (where s ->> 'Effect' = 'Deny') as deny_sids
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
group by arn
having count(*) filter (where s ->> 'Effect' = 'Deny') > 0;

-- name: policy_kms_decrypt_any_key
select p.arn as resource, 'alarm' as status,
  p.name || ' allows ' || string_agg(distinct a, ', ') || ' on all keys.' as reason
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow' and a in ('kms:decrypt', 'kms:reencryptfrom', 'kms:*', '*') and s -> 'Resource' ? '*'
group by p.arn, p.name;

-- name: policy_path_split
select split_part(path, '/', 2) as first_segment, count(*) as n
from aws_iam_policy
group by 1
order by n desc, first_segment;

-- name: policy_window_rank_by_statements
select name, account_id, jsonb_array_length(policy_std -> 'Statement') as statements,
  rank() over (partition by account_id order by jsonb_array_length(policy_std -> 'Statement') desc) as rank_in_account
from aws_iam_policy
where not is_aws_managed;

-- name: policy_tags_each_text
select p.name, t.key, t.value
from aws_iam_policy p, jsonb_each_text(p.tags) t
order by p.name, t.key;

-- name: policy_condition_values_array
select p.name, c.key as cond_key, jsonb_array_length(c.value) as value_count
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_each(s -> 'Condition') o, jsonb_each(o.value) c
order by p.name, cond_key, value_count;

-- name: role_trust_principal_types
select r.name, pt.key as principal_type, pv as principal
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_each(s -> 'Principal') pt,
  jsonb_array_elements_text(pt.value) pv
where s ->> 'Effect' = 'Allow'
order by r.name, principal_type, principal;

-- name: role_trust_cross_account
with principals as (
  select r.arn, r.account_id, pv
  from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
    jsonb_array_elements_text(s -> 'Principal' -> 'AWS') pv
  where s ->> 'Effect' = 'Allow'
), accounts as (
  select arn, account_id, case when pv = '*' then '*' else split_part(pv, ':', 5) end as trusted
  from principals
)
select arn as resource,
  case when bool_or(trusted = '*') then 'alarm'
       when bool_or(trusted <> account_id) then 'info'
       else 'ok' end as status,
  string_agg(distinct trusted, ', ' order by trusted) filter (where trusted <> account_id) as external
from accounts
group by arn;

-- name: role_trust_service_names
select distinct split_part(svc, '.', 1) as service
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc
order by service;

-- name: role_oidc_federated
select r.name, f as provider, s -> 'Condition' as condition
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Federated') f
order by r.name, provider;

-- name: role_trust_external_id_condition
select r.arn,
  exists (select 1 from jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s
          where s -> 'Condition' -> 'StringEquals' ? 'sts:externalid') as has_external_id,
  r.assume_role_policy_std #>> '{Statement,0,Condition,StringEquals,sts:externalid,0}' as external_id
from aws_iam_role r
order by r.arn;

-- name: role_last_used_age
select name,
  case when role_last_used_date is null then 'never'
       else date_part('day', now() - role_last_used_date)::int || ' days' end as last_used,
  coalesce(role_last_used_region, 'n/a') as region
from aws_iam_role
order by role_last_used_date desc nulls last, name
limit 30;

-- name: role_unused_control
select arn as resource,
  case
    when role_last_used_date is null and create_date < now() - interval '90 days' then 'alarm'
    when role_last_used_date < now() - interval '90 days' then 'alarm'
    when role_last_used_date is null then 'info'
    else 'ok'
  end as status,
  name || ' last used ' || coalesce(to_char(role_last_used_date, 'YYYY-MM-DD'), 'never') || '.' as reason,
  account_id
from aws_iam_role
where path not like '/aws-service-role/%';

-- name: role_session_duration_hours
select name, max_session_duration, max_session_duration / 3600 as hours,
  round(max_session_duration / 3600.0, 2) as hours_exact
from aws_iam_role
where max_session_duration >= 3600
order by max_session_duration desc, name;

-- name: role_attached_managed_counts
select r.name, jsonb_array_length(r.attached_policy_arns) as attached,
  count(a) filter (where a like 'arn:aws:iam::aws:policy/%') as aws_managed
from aws_iam_role r left join lateral jsonb_array_elements_text(r.attached_policy_arns) a on true
group by r.name, r.attached_policy_arns
order by attached desc, r.name
limit 20;

-- name: role_inline_policy_names
select r.name, array_agg(i ->> 'PolicyName' order by i ->> 'PolicyName') as inline_names
from aws_iam_role r, jsonb_array_elements(r.inline_policies_std) i
group by r.name;

-- name: role_instance_profiles_split
select r.name, split_part(ip, '/', 2) as profile
from aws_iam_role r, jsonb_array_elements_text(r.instance_profile_arns) ip
order by 1, 2;

-- name: role_path_regex_service
select path, count(*) filter (where path ~ '^/aws-service-role/') as service_linked, count(*) as total
from aws_iam_role
group by path
order by total desc, path;

-- name: role_description_nullif
select name, coalesce(nullif(trim(description), ''), '<no description>') as description
from aws_iam_role
order by name
limit 40;

-- name: role_tags_contains
select name, tags ->> 'Department' as env
from aws_iam_role
where tags @> '{}'::jsonb and tags ?| array['Department', 'Location', 'Owner']
order by name, env;

-- name: role_created_by_year
select extract(year from create_date) as year, count(*) as roles
from aws_iam_role
group by year
order by year;

-- name: role_boundary_missing
select arn as resource,
  case when permissions_boundary_arn is null then 'info' else 'ok' end as status,
  coalesce(split_part(permissions_boundary_arn, '/', 2), 'none') as boundary
from aws_iam_role;

-- name: role_distinct_on_latest_per_account
select distinct on (account_id) account_id, name, create_date
from aws_iam_role
order by account_id, create_date desc, name;

-- name: role_assume_actions_list
select r.name, string_agg(distinct a, ',' order by a) as actions
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Action') a
group by r.name
order by r.name;

-- name: role_inline_admin_exists
select r.arn as resource,
  case when exists (
    select 1 from jsonb_array_elements(r.inline_policies_std) i,
      jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') s
    where s ->> 'Effect' = 'Allow' and s -> 'Action' @> '["*"]'
  ) then 'alarm' else 'ok' end as status
from aws_iam_role r;

-- name: user_key_age_control
select 'arn:' || k.partition || ':iam::' || k.account_id || ':user/' || k.user_name || '/accesskey/' || k.access_key_id as resource,
  case when k.create_date <= now() - interval '90 days' then 'alarm' else 'ok' end as status,
  k.user_name || ' ' || k.access_key_id || ' created ' || to_char(k.create_date, 'DD-Mon-YYYY') ||
    ' (' || extract(day from now() - k.create_date) || ' days).' as reason
from aws_iam_access_key k
where k.status = 'Active';

-- name: user_keys_per_user
select user_name, account_id, count(*) as keys,
  count(*) filter (where status = 'Active') as active,
  max(create_date) as newest
from aws_iam_access_key
group by user_name, account_id
order by keys desc, user_name, account_id;

-- name: access_key_last_used_service
select access_key_id, coalesce(access_key_last_used_service, 'N/A') as service,
  age(now(), access_key_last_used_date) is not null as used
from aws_iam_access_key
order by access_key_id;

-- name: access_key_id_prefix
select left(access_key_id, 4) as prefix, count(*)
from aws_iam_access_key
group by 1
order by 1;

-- name: user_groups_names
select u.name, string_agg(g ->> 'GroupName', ', ' order by g ->> 'GroupName') as groups
from aws_iam_user u left join lateral jsonb_array_elements(u.groups) g on true
group by u.name, u.account_id
order by u.name, u.account_id;

-- name: user_no_mfa_console
select u.arn as resource,
  case when u.login_profile is null then 'skip'
       when u.mfa_enabled then 'ok'
       else 'alarm' end as status,
  u.name || case when u.login_profile is null then ' has no console password.'
                 when u.mfa_enabled then ' has MFA.' else ' has console access without MFA.' end as reason
from aws_iam_user u;

-- name: user_mfa_devices_serials
select u.name, m ->> 'SerialNumber' as serial, split_part(m ->> 'SerialNumber', ':', 6) as device
from aws_iam_user u, jsonb_array_elements(u.mfa_devices) m
order by 1, 2;

-- name: user_attached_and_inline
select name,
  coalesce(jsonb_array_length(attached_policy_arns), 0) as attached,
  coalesce(jsonb_array_length(inline_policies), 0) as inline,
  coalesce(jsonb_array_length(attached_policy_arns), 0) + coalesce(jsonb_array_length(inline_policies), 0) as total
from aws_iam_user
order by total desc, name
limit 15;

-- name: user_password_last_used_bucket
select name,
  case
    when password_last_used is null then 'never'
    when password_last_used > now() - interval '7 days' then 'this week'
    when age(now(), password_last_used) < interval '1 month' then 'this month'
    else 'older'
  end as last_login
from aws_iam_user;

-- name: user_login_profile_reset
select name, login_profile ->> 'PasswordResetRequired' as reset_required,
  (login_profile ->> 'CreateDate')::timestamptz as password_created
from aws_iam_user
where login_profile is not null
order by name, password_created;

-- name: user_tags_keys
select k, count(*) as users
from aws_iam_user, jsonb_object_keys(tags) k
group by k
order by users desc, k;

-- name: user_tags_src_pairs
select u.name, t ->> 'Key' as tag_key, t ->> 'Value' as tag_value
from aws_iam_user u, jsonb_array_elements(u.tags_src) t
order by 1, 2;

-- name: user_admin_via_group
with admin_groups as (
  select arn from aws_iam_group
  where attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]'
)
select u.name, g ->> 'GroupName' as via_group
from aws_iam_user u, jsonb_array_elements(u.groups) g
where g ->> 'Arn' in (select arn from admin_groups)
order by 1, 2;

-- name: user_created_month_trunc
select date_trunc('month', create_date) as month, count(*) as users
from aws_iam_user
group by 1
order by 1;

-- name: user_row_number_per_account
select * from (
  select name, account_id, create_date,
    row_number() over (partition by account_id order by create_date, name) as n
  from aws_iam_user
) t
where n <= 3
order by account_id, n;

-- name: user_name_regex_classes
select name,
  case when name ~* '^(svc|service)[-_]' then 'service'
       when name ~ '[A-Z]' then 'mixed case'
       when name ~ '^[a-z]+\.[a-z]+$' then 'person'
       else 'other' end as kind
from aws_iam_user
order by name, kind;

-- name: user_regexp_replace_arn
select regexp_replace(arn, '^arn:aws:iam::[0-9]+:', 'arn:aws:iam::<account>:') as masked
from aws_iam_user
order by masked;

-- name: user_boundary_type_counts
select coalesce(permissions_boundary_type, 'none') as boundary, count(*)
from aws_iam_user
group by 1
order by 1;

-- name: user_offset_page
select name, account_id from aws_iam_user order by name, account_id limit 10 offset 5;

-- name: group_members_count
select g.name, jsonb_array_length(g.users) as members,
  case when jsonb_array_length(g.users) = 0 then 'alarm' else 'ok' end as status
from aws_iam_group g
order by g.name, g.account_id;

-- name: group_member_names_agg
select g.name, array_agg(u ->> 'UserName' order by u ->> 'UserName') as members
from aws_iam_group g, jsonb_array_elements(g.users) u
group by g.name, g.arn
order by g.name, g.arn;

-- name: group_inline_statements
select g.name, i ->> 'PolicyName' as policy, s ->> 'Effect' as effect, s -> 'Action' as actions
from aws_iam_group g, jsonb_array_elements(g.inline_policies_std) i,
  jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') s
order by 1, 2, 3, 4::text;

-- name: group_policies_union_all
select arn as resource, 'attached' as kind, jsonb_array_length(attached_policy_arns) as n from aws_iam_group
union all
select arn, 'inline', jsonb_array_length(inline_policies) from aws_iam_group
order by resource, kind;

-- name: credential_report_password_age
select user_name,
  case when password_enabled then date_part('day', now() - password_last_changed) end as password_age_days,
  case when password_enabled and password_last_changed < now() - interval '90 days' then 'alarm'
       when password_enabled then 'ok' else 'skip' end as status
from aws_iam_credential_report
order by user_name, account_id;

-- name: credential_report_keys_rotated
select user_arn as resource,
  case
    when not access_key_1_active and not access_key_2_active then 'skip'
    when access_key_1_active and access_key_1_last_rotated < now() - interval '90 days' then 'alarm'
    when access_key_2_active and access_key_2_last_rotated < now() - interval '90 days' then 'alarm'
    else 'ok'
  end as status,
  greatest(access_key_1_last_rotated, access_key_2_last_rotated) as last_rotated
from aws_iam_credential_report;

-- name: credential_report_unused_credentials
select user_name, account_id,
  count(*) filter (where password_enabled and coalesce(password_last_used, user_creation_time) < now() - interval '45 days') over (partition by account_id) as stale_in_account
from aws_iam_credential_report
order by account_id, user_name;

-- name: credential_report_generated_hours
select account_id, to_char(generated_time, 'YYYY-MM-DD HH24:MI') as generated,
  extract(epoch from now() - generated_time) > 86400 as older_than_a_day
from aws_iam_credential_report
group by account_id, generated_time
order by account_id;

-- name: credential_report_root
select account_id, password_last_used, mfa_active,
  coalesce(to_char(password_last_used, 'Mon DD, YYYY'), 'never') as root_login
from aws_iam_credential_report
where user_name = '<root_account>'
order by account_id;

-- name: credential_report_last_activity
select user_name,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity
from aws_iam_credential_report
order by last_activity desc nulls last, user_name, account_id;

-- name: credential_report_region_services
select access_key_1_last_used_region as region, access_key_1_last_used_service as service, count(*)
from aws_iam_credential_report
where access_key_1_last_used_date is not null
group by 1, 2
order by 3 desc, 1, 2;

-- name: password_policy_ladder
select account_id,
  case
    when minimum_password_length is null then 'alarm'
    when minimum_password_length < 8 then 'alarm'
    when minimum_password_length < 14 then 'info'
    else 'ok'
  end as status,
  concat('length ', coalesce(minimum_password_length::text, 'unset'), ', reuse ', coalesce(password_reuse_prevention, 0)) as reason
from aws_iam_account_password_policy;

-- name: account_summary_ratios
select account_id, users, groups, roles,
  round(100.0 * mfa_devices_in_use / nullif(users, 0), 1) as mfa_pct
from aws_iam_account_summary
order by account_id;

-- name: account_title_alias
select account_id, coalesce(account_aliases ->> 0, account_id) as display, jsonb_array_length(akas) as akas
from aws_account
order by account_id;

-- name: virtual_mfa_unassigned_status
select serial_number, assignment_status, "user" ->> 'UserName' as user_name,
  case when "user" is null then 'alarm' else 'ok' end as status
from aws_iam_virtual_mfa_device
order by serial_number;

-- name: virtual_mfa_enable_age
select split_part(serial_number, '/', 2) as device,
  date_part('year', age(now(), enable_date)) as years_enabled
from aws_iam_virtual_mfa_device
where enable_date is not null
order by 1;

-- name: server_cert_expiry
select name,
  case when expiration < now() then 'alarm'
       when expiration < now() + interval '30 days' then 'info'
       else 'ok' end as status,
  to_char(expiration, 'YYYY-MM-DD') as expires
from aws_iam_server_certificate;

-- name: saml_provider_valid
select arn, valid_until, valid_until > now() as still_valid, split_part(arn, '/', 2) as provider
from aws_iam_saml_provider
order by arn;

-- name: oidc_client_ids
select url, c as client_id, jsonb_array_length(thumbprint_list) as thumbprints
from aws_iam_open_id_connect_provider, jsonb_array_elements_text(client_id_list) c
order by 1, 2;

-- name: instance_profile_role_names
select ip.instance_profile_name, r ->> 'RoleName' as role_name, (r ->> 'CreateDate')::timestamptz as role_created
from aws_iam_instance_profile ip left join lateral jsonb_array_elements(ip.roles) r on true
order by 1, 2, ip.arn;

-- name: event_names_per_source
select event_source, count(distinct event_name) as distinct_events, count(*) as events
from aws_cloudtrail_trail_event
group by event_source
order by events desc, event_source
limit 15;

-- name: event_errors_ladder
select event_name, error_code,
  case when error_code in ('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation') then 'alarm'
       when error_code is not null then 'info' else 'ok' end as status,
  count(*) as n
from aws_cloudtrail_trail_event
group by event_name, error_code
order by n desc, event_name, error_code nulls first
limit 25;

-- name: event_hourly
select date_trunc('hour', event_time) as hour, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by events desc, hour
limit 10;

-- name: event_source_ip_private
select source_ip_address, count(*)
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
  and (source_ip_address::inet <<= '10.0.0.0/8'::inet or source_ip_address::inet <<= '172.16.0.0/12'
       or source_ip_address::inet <<= '192.168.0.0/16')
group by 1
order by 2 desc, 1;

-- name: event_source_ip_public_count
select count(*) filter (where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$') as ipv4,
  count(*) filter (where source_ip_address ~ '\.amazonaws\.com$') as aws_services,
  count(*) as total
from aws_cloudtrail_trail_event;

-- name: event_user_identity_type
select user_identity ->> 'type' as identity_type, user_identity #>> '{sessionContext,sessionIssuer,type}' as issuer_type,
  count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 3 desc, 1, 2;

-- name: event_console_login_failures
select username, source_ip_address, event_time,
  response_elements ->> 'ConsoleLogin' as result,
  additional_event_data ->> 'MFAUsed' as mfa
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
order by event_time, username nulls last, source_ip_address;

-- name: event_user_agent_tool
select case
    when user_agent ~* 'aws-cli' then 'cli'
    when user_agent ~* 'boto' then 'boto'
    when user_agent ~* 'console' then 'console'
    when user_agent like '%.amazonaws.com' then 'service'
    else 'other' end as tool,
  count(*)
from aws_cloudtrail_trail_event
group by 1
order by 2 desc, 1;

-- name: event_user_agent_version
select substring(user_agent from 'aws-cli/([0-9.]+)') as cli_version, count(*)
from aws_cloudtrail_trail_event
where user_agent like 'aws-cli/%'
group by 1
order by 2 desc, 1;

-- name: event_iam_changes
select event_time, event_name, username, request_parameters ->> 'userName' as target_user,
  request_parameters ->> 'policyArn' as policy
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and not read_only
order by event_time desc, event_name, event_id
limit 30;

-- name: event_request_parameter_keys
select event_name, string_agg(distinct k, ',' order by k) as parameters
from aws_cloudtrail_trail_event, jsonb_object_keys(request_parameters) k
where jsonb_typeof(request_parameters) = 'object'
group by event_name
order by event_name
limit 30;

-- name: event_resources_arns
select e.event_name, r ->> 'ARN' as resource_arn, r ->> 'type' as resource_type
from aws_cloudtrail_trail_event e, jsonb_array_elements(e.resources) r
order by 1, 2, 3
limit 40;

-- name: event_assume_role_sessions
select request_parameters ->> 'roleArn' as role_arn,
  count(distinct request_parameters ->> 'roleSessionName') as sessions,
  min(event_time) as first_seen, max(event_time) as last_seen
from aws_cloudtrail_trail_event
where event_name = 'AssumeRole'
group by 1
order by sessions desc, role_arn nulls last
limit 20;

-- name: event_lag_between
select username, event_time,
  event_time - lag(event_time) over (partition by username order by event_time, event_id) as since_previous
from aws_cloudtrail_trail_event
where username is not null and event_name = 'ConsoleLogin'
order by username, event_time, since_previous nulls first;

-- name: event_day_of_week
select extract(dow from event_time) as dow, to_char(event_time, 'Dy') as day, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 1;

-- name: event_access_key_users
select e.access_key_id, e.username, k.status
from (select distinct access_key_id, username from aws_cloudtrail_trail_event where access_key_id is not null) e
  left join aws_iam_access_key k on k.access_key_id = e.access_key_id
order by 1, 2 nulls last
limit 30;

-- name: event_root_activity
select event_time, event_name, source_ip_address
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'Root' and coalesce(user_identity ->> 'invokedBy', '') = ''
order by event_time desc, event_name
limit 20;

-- name: event_regions_errors_pct
select aws_region, count(*) as events,
  round(100.0 * count(*) filter (where error_code is not null) / count(*), 2) as error_pct
from aws_cloudtrail_trail_event
group by aws_region
order by events desc, aws_region;

-- name: event_recipient_account_mismatch
select recipient_account_id, user_identity ->> 'accountId' as caller_account, count(*)
from aws_cloudtrail_trail_event
where recipient_account_id <> user_identity ->> 'accountId'
group by 1, 2
order by 3 desc, 1, 2;

-- name: event_tls_version
select tls_details ->> 'tlsVersion' as tls, count(*)
from aws_cloudtrail_trail_event
where tls_details is not null
group by 1
order by 2 desc, 1;

-- name: event_minute_epoch
select event_name, min(extract(epoch from event_time))::bigint as first_epoch
from aws_cloudtrail_trail_event
group by event_name
order by first_epoch, event_name
limit 10;

-- name: trail_multi_region_logging
select arn as resource,
  case when is_multi_region_trail and is_logging then 'ok'
       when is_logging then 'info' else 'alarm' end as status,
  name || case when log_file_validation_enabled then ' validates log files' else ' does not validate log files' end as reason
from aws_cloudtrail_trail;

-- name: trail_event_selectors
select t.name, es ->> 'ReadWriteType' as rw, (es ->> 'IncludeManagementEvents')::bool as management
from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) es
order by 1, 2;

-- name: trail_cloudwatch_recent
select name,
  case when latest_cloudwatch_logs_delivery_time > now() - interval '1 day' then 'ok' else 'alarm' end as status,
  split_part(log_group_arn, ':', 7) as log_group
from aws_cloudtrail_trail
order by name;

-- name: org_accounts_by_status
select status, joined_method, count(*), min(joined_timestamp) as first_joined
from aws_organizations_account
group by status, joined_method
order by status, joined_method;

-- name: org_account_email_domain
select split_part(email, '@', 2) as domain, string_agg(name, ', ' order by name) as accounts
from aws_organizations_account
group by 1
order by 1;

-- name: org_scp_deny_actions
select p.name, a as denied_action
from aws_organizations_policy p,
  jsonb_array_elements(case jsonb_typeof(p.content -> 'Statement') when 'array' then p.content -> 'Statement'
                            else jsonb_build_array(p.content -> 'Statement') end) s,
  jsonb_array_elements_text(case jsonb_typeof(s -> 'Action') when 'array' then s -> 'Action'
                                 else jsonb_build_array(s -> 'Action') end) a
where s ->> 'Effect' = 'Deny'
order by 1, 2;

-- name: org_ou_depth
select name, path, array_length(string_to_array(path::text, '.'), 1) as depth
from aws_organizations_organizational_unit
order by path;

-- name: lambda_runtime_deprecated_ladder
select arn as resource,
  case when runtime ~ '^(python2|python3\.[0-7]$|nodejs(8|10|12|14)|ruby2)' then 'alarm' else 'ok' end as status,
  runtime
from aws_lambda_function;

-- name: lambda_role_join
select f.name, r.name as role_name, jsonb_array_length(r.attached_policy_arns) as role_policies
from aws_lambda_function f left join aws_iam_role r on r.arn = f.role
order by f.name;

-- name: lambda_env_keys
select f.name, k
from aws_lambda_function f, jsonb_object_keys(f.environment_variables) k
order by 1, 2;

-- name: ec2_instance_profile_role_names
select i.instance_id, i.instance_state, ip.instance_profile_name, r ->> 'RoleName' as role_name
from aws_ec2_instance i
  left join aws_iam_instance_profile ip on ip.arn = i.iam_instance_profile_arn
  left join lateral jsonb_array_elements(ip.roles) r on true
order by 1, 4;

-- name: s3_bucket_public_ladder
select name,
  case when block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets then 'ok'
       when bucket_policy_is_public then 'alarm' else 'info' end as status,
  versioning_enabled
from aws_s3_bucket
order by name;

-- name: s3_policy_principal_star
select b.name, s ->> 'Effect' as effect, s -> 'Principal' as principal
from aws_s3_bucket b, jsonb_array_elements(b.policy_std -> 'Statement') s
where s -> 'Principal' -> 'AWS' ? '*'
order by 1, 2;

-- name: sso_permission_sets_session
select name, session_duration, substring(session_duration from 'PT([0-9]+)H')::int as hours
from aws_ssoadmin_permission_set
order by name;

-- name: access_analyzer_public_findings
select resource_type, count(*) filter (where is_public) as public, count(*) as total,
  string_agg(distinct status, ',' order by status) as statuses
from aws_accessanalyzer_finding
group by 1
order by 1;

-- name: access_advisor_never_used_services
select principal_arn, count(*) filter (where last_authenticated is null) as never_used,
  count(*) as services
from aws_iam_access_advisor
group by principal_arn
order by never_used desc, principal_arn
limit 20;

-- name: principals_union_control_rows
select arn as resource, 'user' as kind, case when mfa_enabled then 'ok' else 'alarm' end as status
from aws_iam_user
union all
select arn, 'role', case when permissions_boundary_arn is not null then 'ok' else 'info' end
from aws_iam_role
union all
select arn, 'group', case when jsonb_array_length(users) > 0 then 'ok' else 'info' end
from aws_iam_group
order by kind, resource;

-- name: principals_without_policies_in
select name, 'user' as kind from aws_iam_user
where arn not in (select u.arn from aws_iam_user u, jsonb_array_elements_text(u.attached_policy_arns) a)
  and coalesce(jsonb_array_length(inline_policies), 0) = 0
order by name;

-- name: policies_attached_to_nobody_exists
select p.arn from aws_iam_policy p
where not p.is_aws_managed
  and not exists (select 1 from aws_iam_role r where r.attached_policy_arns ? p.arn)
  and not exists (select 1 from aws_iam_user u where u.attached_policy_arns ? p.arn)
  and not exists (select 1 from aws_iam_group g where g.attached_policy_arns ? p.arn)
order by p.arn;

-- name: status_rollup
with control as (
  select arn as resource, case when mfa_enabled then 'ok' else 'alarm' end as status from aws_iam_user
  union all
  select arn, case when attachment_count > 0 and not is_aws_managed then 'info' else 'ok' end from aws_iam_policy
)
select status, count(*) as n, round(100.0 * count(*) / sum(count(*)) over (), 2) as pct
from control
group by status
order by status;

-- name: account_users_roles_json
select a.account_id,
  jsonb_build_object('users', (select count(*) from aws_iam_user u where u.account_id = a.account_id),
                     'roles', (select count(*) from aws_iam_role r where r.account_id = a.account_id)) as counts
from aws_account a
order by a.account_id;

-- name: policy_jsonb_agg_actions
select p.name, jsonb_agg(distinct a order by a) as actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where not p.is_aws_managed
group by p.name
order by p.name;

-- name: user_inline_policy_actions_cte
with docs as (
  select u.arn, i ->> 'PolicyName' as policy, i -> 'PolicyDocument' as doc
  from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) i
), stmts as (
  select arn, policy, s from docs, jsonb_array_elements(doc -> 'Statement') s
), acts as (
  select arn, policy, a from stmts, jsonb_array_elements_text(s -> 'Action') a where s ->> 'Effect' = 'Allow'
)
select arn, policy, count(*) as actions, count(*) filter (where a like '%*%') as wildcard_actions
from acts
group by arn, policy
order by arn, policy;

-- name: role_trust_condition_operators
select r.name, string_agg(distinct o, ', ' order by o) as operators
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_object_keys(s -> 'Condition') o
group by r.name
order by r.name;

-- name: policy_statement_jsonb_path_text
select name, policy_std #>> '{Statement,0,Effect}' as first_effect, policy_std #> '{Statement,0,Action}' as first_actions
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: user_age_text
select name, age(date_trunc('day', now()), date_trunc('day', create_date)) > interval '1 year' as over_a_year,
  extract(year from age(now(), create_date)) as years
from aws_iam_user
order by name, years;

-- name: key_rotation_dense_rank
select user_name, access_key_id, create_date,
  dense_rank() over (partition by user_name order by create_date desc) as recency
from aws_iam_access_key
order by user_name, recency, access_key_id;

-- name: cloudtrail_event_count_by_day_window
select day, events, sum(events) over (order by day) as running_total
from (select event_time::date as day, count(*) as events from aws_cloudtrail_trail_event group by 1) d
order by day;

-- name: event_username_coalesce
select coalesce(username, user_identity ->> 'principalId', user_identity ->> 'invokedBy', 'unknown') as who,
  count(*)
from aws_cloudtrail_trail_event
group by 1
order by 2 desc, 1
limit 20;

-- name: event_error_message_trim
select error_code, left(regexp_replace(error_message, '\s+', ' ', 'g'), 60) as message, count(*)
from aws_cloudtrail_trail_event
where error_message is not null
group by 1, 2
order by 3 desc, 1, 2
limit 15;

-- name: user_first_last_window
select distinct account_id,
  first_value(name) over (partition by account_id order by create_date, name) as first_user,
  last_value(name) over (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following) as last_user
from aws_iam_user
order by account_id;

-- name: codebuild_service_role
select p.name, p.service_role, r.name as role_name, r.role_last_used_date is null as role_never_used
from aws_codebuild_project p left join aws_iam_role r on r.arn = p.service_role
order by p.name;

-- name: eks_cluster_logging
select name, version, jsonb_array_length(logging -> 'ClusterLogging') as log_settings,
  resources_vpc_config ->> 'EndpointPublicAccess' as public_endpoint
from aws_eks_cluster
order by name;

-- name: ecs_task_roles
select family, revision, split_part(task_role_arn, '/', 2) as task_role, split_part(execution_role_arn, '/', 2) as exec_role
from aws_ecs_task_definition
order by family, revision;

-- name: cognito_unauth_roles
select identity_pool_name, allow_unauthenticated_identities, roles ->> 'unauthenticated' as unauth_role
from aws_cognito_identity_pool
order by identity_pool_name;

-- name: alarm_metric_filters
select f.name, f.filter_pattern ~ 'ConsoleLogin' as console_login, a.name as alarm
from aws_cloudwatch_log_metric_filter f
  left join aws_cloudwatch_alarm a on a.metric_name = f.metric_transformation_name
order by f.name, alarm nulls last;

-- name: region_opt_in
select opt_in_status, count(*), string_agg(name, ' ' order by name) as regions
from aws_region
group by 1
order by 1;

-- name: shape_age_text
select name, age(now(), create_date)::text as age_text from aws_iam_user order by name, account_id limit 10;

-- name: shape_age_single
select name, age(create_date) as age from aws_iam_role order by name, arn limit 10;

-- name: shape_to_char_variants
select name, to_char(create_date, 'FMMonth DD, YYYY') as a, to_char(create_date, 'HH12:MI AM') as b,
  to_char(create_date, 'IYYY-IW') as c, to_char(create_date, 'Day') as d, to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as e,
  to_char(create_date, 'Q') as q, to_char(create_date, 'DDD') as doy
from aws_iam_user order by name, account_id limit 10;

-- name: shape_regexp_matches_array
select name, regexp_matches(name, '([a-z]+)[-_]([a-z]+)') as parts from aws_iam_role order by name, arn;

-- name: shape_regexp_matches_g_all
select p.name, m from aws_iam_policy p, regexp_matches(p.name, '[A-Z][a-z]+', 'g') m where not is_aws_managed order by 1, 2;

-- name: shape_regexp_match_index
select name, (regexp_match(arn, 'arn:aws:iam::(\d+):role/(.*)'))[2] as path_name from aws_iam_role order by arn limit 20;

-- name: shape_date_trunc_week
select date_trunc('week', event_time) as week, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: shape_extract_fields
select event_id, extract(isodow from event_time) as isodow, extract(quarter from event_time) as q,
  extract(hour from event_time) as h, extract(minute from event_time) as mi, date_part('epoch', event_time) as ep,
  extract(doy from event_time) as doy, extract(week from event_time) as wk
from aws_cloudtrail_trail_event order by event_time, event_id limit 15;

-- name: shape_interval_arith
select name, now() - create_date as since, (now() - create_date) > interval '2 years' as old,
  justify_interval(now() - create_date) as justified
from aws_iam_user order by name, account_id limit 10;

-- name: shape_interval_text_concat
select name, 'created ' || (now()::date - create_date::date) || ' days ago' as msg,
  date_part('day', now() - create_date) as days
from aws_iam_user order by name, account_id limit 10;

-- name: shape_inet_funcs
select source_ip_address, family(source_ip_address::inet) as fam, masklen(source_ip_address::inet) as ml,
  host(source_ip_address::inet) as h, network(set_masklen(source_ip_address::inet, 16)) as net16
from (select distinct source_ip_address from aws_cloudtrail_trail_event where source_ip_address ~ '^[0-9.]+$') s
order by 1 limit 20;

-- name: shape_inet_contains_literal
select source_ip_address from (select distinct source_ip_address from aws_cloudtrail_trail_event) s
where source_ip_address ~ '^[0-9.]+$' and '0.0.0.0/0'::inet >>= source_ip_address::inet
  and not source_ip_address::inet << '10.0.0.0/8' order by 1 limit 10;

-- name: shape_string_agg_distinct_nulls
select account_id, string_agg(distinct permissions_boundary_type, ',') as types, array_agg(distinct path order by path) as paths
from aws_iam_user group by account_id order by account_id;

-- name: shape_array_agg_jsonb
select account_id, array_agg(tags order by name) filter (where tags <> '{}') as tag_sets
from aws_iam_user group by account_id order by account_id;

-- name: shape_array_to_string_unnest
select account_id, array_to_string(array_agg(name order by name), '|') as names, cardinality(array_agg(name)) as n
from aws_iam_group group by account_id order by account_id;

-- name: shape_any_array
select name from aws_iam_user where split_part(arn, ':', 5) = any(array['123456789012', '111122223333']) order by name, arn;

-- name: shape_unnest_string_to_array
select name, unnest(string_to_array(trim(both '/' from path), '/')) as segment
from aws_iam_role where path <> '/' order by name, segment;

-- name: shape_generate_series_days
select d::date as day, count(e.event_id) as events
from generate_series((select min(event_time)::date from aws_cloudtrail_trail_event),
                     (select min(event_time)::date + 6 from aws_cloudtrail_trail_event), interval '1 day') d
  left join aws_cloudtrail_trail_event e on e.event_time::date = d::date
group by 1 order by 1;

-- name: shape_percentile
select percentile_cont(0.5) within group (order by jsonb_array_length(policy_std -> 'Statement')) as median,
  percentile_disc(0.9) within group (order by attachment_count) as p90, mode() within group (order by path) as common_path
from aws_iam_policy;

-- name: shape_jsonb_contains_nested
select name from aws_iam_role
where assume_role_policy_std @> '{"Statement": [{"Principal": {"Service": ["ec2.amazonaws.com"]}}]}' order by name, arn;

-- name: shape_jsonb_contained_by
select name, tags from aws_iam_role
where tags <@ '{"QuickSetupVersion": "1.2", "QuickSetupType": "Config Recording", "QuickSetupID": "1clff", "Owner": "ops"}' and tags <> '{}'
order by name, arn;

-- name: shape_jsonb_exists_all
select name from aws_iam_user where login_profile ?& array['CreateDate', 'UserName'] order by name, arn;

-- name: shape_jsonb_concat_minus
select name, (tags || '{"reviewed": true}'::jsonb) - 'Department' as t from aws_iam_role where tags <> '{}' order by name;

-- name: shape_jsonb_set_path
select name, jsonb_set(coalesce(login_profile, '{}'), '{PasswordResetRequired}', 'true') as lp from aws_iam_user order by name, arn limit 5;

-- name: shape_jsonb_strip_nulls_pretty
select jsonb_pretty(jsonb_build_object('name', name, 'boundary', permissions_boundary_arn)) as p,
  jsonb_strip_nulls(jsonb_build_object('name', name, 'boundary', permissions_boundary_arn)) as s
from aws_iam_user order by name, arn limit 3;

-- name: shape_jsonb_path_query
select name, jsonb_path_query_array(policy_std, '$.Statement[*] ? (@.Effect == "Allow").Action[*]') as allowed
from aws_iam_policy where not is_aws_managed order by name;

-- name: shape_jsonb_path_exists_vars
select name from aws_iam_policy
where jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ starts with $p)', '{"p": "iam:"}') order by name limit 20;

-- name: shape_jsonb_path_silent
select name, jsonb_path_query_first(policy, '$.Statement.Effect', '{}', true) as e from aws_iam_policy order by name limit 10;

-- name: shape_jsonb_each_ordering
select key, value from aws_iam_policy p, jsonb_each(p.policy_std) where p.name = 'AdministratorAccess' order by key;

-- name: shape_jsonb_typeof_value
select distinct jsonb_typeof(v) as t from aws_cloudtrail_trail_event, jsonb_each(request_parameters) as x(k, v) order by t;

-- name: shape_jsonb_numbers
select event_name, (request_parameters ->> 'durationSeconds')::int / 60 as minutes, request_parameters -> 'durationSeconds' as raw
from aws_cloudtrail_trail_event where request_parameters ? 'durationSeconds' order by event_time, event_id limit 10;

-- name: shape_distinct_on_expr
select distinct on (split_part(arn, ':', 5)) split_part(arn, ':', 5) as account, name, create_date
from aws_iam_user order by split_part(arn, ':', 5), create_date desc nulls last, name;

-- name: shape_order_nulls_first_desc
select name, password_last_used from aws_iam_user order by password_last_used desc nulls first, name, arn limit 15;

-- name: shape_count_distinct_filter
select count(distinct username) filter (where error_code is not null) as users_with_errors, count(distinct event_source) as sources
from aws_cloudtrail_trail_event;

-- name: shape_ntile_cume
select name, ntile(4) over (order by create_date, arn) as quartile, round(cume_dist() over (order by create_date)::numeric, 3) as cd
from aws_iam_role order by create_date, arn limit 20;

-- name: shape_format_function
select format('%s (%s) has %s statement(s)', name, account_id, jsonb_array_length(policy_std -> 'Statement')) as line
from aws_iam_policy where not is_aws_managed order by 1;

-- name: shape_lpad_rpad_repeat
select lpad(name, 20, '.') as l, rpad(left(name, 5), 8, '*') as r, repeat('#', jsonb_array_length(groups)) as bars
from aws_iam_user order by name, arn limit 10;

-- name: shape_initcap_translate
select initcap(replace(name, '-', ' ')) as pretty, translate(name, 'aeiou', 'AEIOU') as t, reverse(name) as rv
from aws_iam_group order by name, arn;

-- name: shape_position_overlay
select name, position('-' in name) as dash, strpos(name, '_') as us, overlay(name placing '***' from 1 for 3) as masked
from aws_iam_user order by name, arn limit 10;

-- name: shape_timestamp_casts
select event_time::date as d, event_time::time as t, to_char(event_time at time zone 'America/New_York', 'YYYY-MM-DD HH24:MI') as ny
from aws_cloudtrail_trail_event order by event_time, event_id limit 5;

-- name: shape_to_timestamp_epoch
select to_timestamp(extract(epoch from create_date)) = create_date as same, to_timestamp(0) as epoch0
from aws_iam_user order by name, arn limit 3;

-- name: shape_make_interval
select name, create_date + make_interval(days => 90) as rotate_by from aws_iam_user order by name, arn limit 5;

-- name: shape_case_coalesce_greatest
select user_name, coalesce(greatest(access_key_1_last_used_date, access_key_2_last_used_date, password_last_used)::text, 'never') as last_used
from aws_iam_credential_report order by user_name, account_id;

-- name: shape_in_values_list
select name from aws_iam_role where (split_part(path, '/', 2), account_id) in (select 'aws-service-role', account_id from aws_account) order by name, arn;

-- name: shape_lateral_subquery_limit
select u.name, k.access_key_id, k.create_date
from aws_iam_user u left join lateral (
  select access_key_id, create_date from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id
  order by create_date desc limit 1) k on true
order by u.name, u.account_id;

-- name: shape_exists_correlated_jsonb
select g.name from aws_iam_group g
where exists (select 1 from aws_iam_user u, jsonb_array_elements(u.groups) ug where ug ->> 'GroupName' = g.name and u.mfa_enabled)
order by g.name, g.arn;

-- name: shape_scalar_subquery_ratio
select account_id, count(*) as users,
  round(count(*)::numeric / (select count(*) from aws_iam_user) * 100, 1) as share
from aws_iam_user group by account_id order by account_id;

-- name: shape_bool_and_every
select account_id, bool_and(mfa_enabled) as all_mfa, every(login_profile is null) as no_console
from aws_iam_user group by account_id order by account_id;

-- name: shape_similar_to_ilike
select name from aws_iam_role where name similar to '%(Admin|admin)%' or name ilike 'aws%' order by name, arn;

-- name: shape_split_part_negative
select arn, split_part(arn, '/', -1) as last_part from aws_iam_role order by arn limit 10;

-- name: shape_numeric_avg_text
select account_id, avg(jsonb_array_length(attached_policy_arns)) as avg_attached,
  avg(jsonb_array_length(attached_policy_arns))::numeric(10, 2) as avg2
from aws_iam_role group by account_id order by account_id;

-- name: shape_sum_over_partition
select account_id, name, attachment_count, sum(attachment_count) over (partition by account_id) as total,
  attachment_count * 100 / nullif(sum(attachment_count) over (partition by account_id), 0) as pct
from aws_iam_policy where not is_aws_managed order by account_id, name;

-- name: shape_text_array_literal
select name from aws_iam_user where name = any('{Bob,Alice,alice}'::text[]) order by name, arn;

-- name: shape_jsonb_array_elements_text_any
select name from aws_iam_role where 'sts:assumerole' in (select jsonb_array_elements_text(s -> 'Action') from jsonb_array_elements(assume_role_policy_std -> 'Statement') s) order by name, arn limit 20;

-- name: shape_coalesce_jsonb_default
select name, coalesce(tags, '{}'::jsonb) ->> 'Department' as dept, coalesce(attached_policy_arns, '[]') as ap
from aws_iam_role order by name, arn limit 10;

-- name: shape_trail_event_selectors_dr
select t.name, jsonb_array_length(coalesce(t.event_selectors, '[]'::jsonb)) as n_sel,
  jsonb_array_length(coalesce(t.advanced_event_selectors, '[]'::jsonb)) as n_adv
from aws_cloudtrail_trail t order by t.name, t.arn;

-- name: shape_newest_policy_per_account_array_index
select account_id, (array_agg(name order by create_date desc, name))[1] as newest,
  array_length(array_agg(name), 1) as policies
from aws_iam_policy where not is_aws_managed group by account_id order by account_id;

-- name: shape_user_keys_rollup
select coalesce(account_id, 'all') as account, coalesce(status, 'any') as status, count(*)
from aws_iam_access_key group by rollup (account_id, status) order by account_id nulls last, status nulls last;

-- name: shape_user_grouping_sets
select account_id, mfa_enabled, count(*), grouping(account_id, mfa_enabled) as g
from aws_iam_user group by grouping sets ((account_id), (mfa_enabled), ()) order by g, account_id nulls last, mfa_enabled nulls last;

-- name: shape_values_join_expected_services
select v.service, v.risk, count(a) as grants
from (values ('iam', 'high'), ('s3', 'medium'), ('ec2', 'medium'), ('kms', 'high')) as v(service, risk)
  left join (select a from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s,
                    jsonb_array_elements_text(s -> 'Action') a) x on split_part(x.a, ':', 1) = v.service
group by v.service, v.risk order by v.service;

-- name: shape_materialized_cte
with stmts as materialized (
  select arn, s from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
)
select count(distinct arn) as policies, count(*) filter (where s ->> 'Effect' = 'Deny') as denies from stmts;

-- name: shape_to_jsonb_row
select to_jsonb(u) ->> 'name' as name, jsonb_typeof(to_jsonb(u) -> 'mfa_enabled') as t
from (select name, mfa_enabled from aws_iam_user) u order by 1, 2;

-- name: shape_jsonb_object_agg_tags
select account_id, jsonb_object_agg(name, jsonb_array_length(attached_policy_arns)) as attached
from aws_iam_group group by account_id order by account_id;

-- name: shape_like_any_lower
select name from aws_iam_role where lower(name) like any (array['%admin%', '%poweruser%', 'aws-quicksetup%']) order by name, arn;

-- name: shape_array_position_split
select name, array_position(string_to_array(arn, ':'), 'iam') as iam_at, (string_to_array(arn, ':'))[5] as account
from aws_iam_user order by name, arn limit 10;

-- name: shape_cross_join_lateral_select
select u.name, stats.keys, stats.active
from aws_iam_user u cross join lateral (
  select count(*) as keys, count(*) filter (where k.status = 'Active') as active
  from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id) stats
order by u.name, u.account_id;

-- name: shape_having_duplicates
select path, count(*) as roles from aws_iam_role group by path having count(*) > 1 order by roles desc, path;

-- name: shape_not_exists_jsonb_text
select p.name from aws_iam_policy p
where not exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Allow')
order by p.name;

-- name: shape_account_id_numeric
select split_part(arn, ':', 5)::bigint % 1000 as tail, count(*) from aws_iam_role group by 1 order by 1;

-- name: shape_interval_multiply
select name, create_date + interval '1 day' * 90 as due, interval '1 hour' * max_session_duration / 3600 as max_hours
from aws_iam_role order by name, arn limit 10;

-- name: shape_extract_from_interval
select name, extract(day from now() - create_date) as d, date_part('hour', now() - create_date) as h,
  extract(epoch from (now() - create_date)) / 86400 > 365 as over_year
from aws_iam_user order by name, arn limit 10;

-- name: shape_date_part_age_parts
select name, date_part('year', age(now(), create_date)) * 12 + date_part('month', age(now(), create_date)) as months
from aws_iam_user order by name, arn limit 10;

-- name: shape_same_day_as_now
select count(*) filter (where date_trunc('day', event_time) = date_trunc('day', now())) as today,
  count(*) filter (where event_time::date = (select max(event_time)::date from aws_cloudtrail_trail_event)) as last_day
from aws_cloudtrail_trail_event;

-- name: shape_to_char_month_pad
select to_char(create_date, 'Month') || '|' as m, to_char(create_date, 'FMDay, DD Mon YYYY') as d, to_char(create_date, 'YY-MM') as yy
from aws_iam_role order by create_date, arn limit 8;

-- name: shape_unnest_ordinality_array
select t.n, t.svc from unnest(array['iam', 'sts', 'kms']) with ordinality as t(svc, n) order by t.n;

-- name: shape_generate_series_cross
select g.n, count(u.name) as users_with_n_groups
from generate_series(0, 3) as g(n) left join aws_iam_user u on jsonb_array_length(u.groups) = g.n
group by g.n order by g.n;

-- name: shape_btrim_initcap
select btrim(path, '/') as p, initcap(split_part(btrim(path, '/'), '/', 1)) as first from aws_iam_role where path <> '/' group by path order by path;

-- name: shape_string_agg_distinct_plain
select account_id, string_agg(distinct coalesce(role_last_used_region, '-'), ',') as regions from aws_iam_role group by account_id order by account_id;

-- name: shape_multiple_srf_select
select name, jsonb_array_elements_text(attached_policy_arns) as policy, jsonb_array_length(attached_policy_arns) as n
from aws_iam_group order by name, policy;

-- name: shape_event_ip_network_24
select distinct source_ip_address || '/24' as cidr_text, network((source_ip_address || '/24')::inet) as net,
  masklen((source_ip_address || '/24')::inet) as bits
from aws_cloudtrail_trail_event where source_ip_address ~ '^10\.'
order by 1 limit 10;

-- name: shape_window_count_filter_over
select account_id, name, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_users,
  count(*) over (partition by account_id) as users
from aws_iam_user order by account_id, name;

-- name: shape_percent_rank
select name, round(percent_rank() over (order by create_date)::numeric, 4) as pr from aws_iam_user order by create_date, name limit 10;

-- name: shape_lead_next_key
select user_name, access_key_id, lead(create_date) over (partition by user_name order by create_date) - create_date as until_next
from aws_iam_access_key order by user_name, create_date, access_key_id;

-- name: shape_coalesce_nullif_empty
select name, coalesce(nullif(description, ''), nullif(path, '/'), 'n/a') as what from aws_iam_policy where not is_aws_managed order by name;

-- name: shape_boolean_text
select name, mfa_enabled::text as mfa, (login_profile is not null)::int as console, 'x' || mfa_enabled as t
from aws_iam_user order by name, arn limit 10;

-- name: shape_substring_similar_ops
select name, substring(name from 1 for 4) as prefix, substring(name, 3) as rest, left(name, -2) as cut, right(name, 3) as tail
from aws_iam_group order by name, arn;

-- name: shape_regexp_split
select name, regexp_split_to_array(name, '[-_]') as parts, array_length(regexp_split_to_array(name, '[-_]'), 1) as n
from aws_iam_role order by name, arn limit 10;

-- name: shape_regexp_split_to_table
select r.name, part from aws_iam_role r, regexp_split_to_table(r.name, '-') as part where r.name like 'AWS-%' order by 1, 2 limit 20;

-- name: shape_md5_hash
select name, md5(arn) as h, length(md5(arn)) as l from aws_iam_user order by name, arn limit 5;

-- name: shape_count_distinct_on_two
select count(distinct (account_id, name)) as pairs, count(distinct name) as names from aws_iam_user;

-- name: shape_policy_statement_sid_regex
select p.name, s ->> 'Sid' as sid from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
where s ->> 'Sid' ~* '^(allow|deny)' order by 1, 2;

-- name: shape_event_time_between
select count(*) from aws_cloudtrail_trail_event
where event_time between (select min(event_time) from aws_cloudtrail_trail_event) and (select min(event_time) + interval '7 days' from aws_cloudtrail_trail_event);

-- name: shape_event_json_path_arrow_chain
select user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa, count(*)
from aws_cloudtrail_trail_event group by 1 order by 2 desc, 1 nulls last;

-- name: shape_event_hash_arrow_array
select user_identity #> '{sessionContext,sessionIssuer}' ->> 'userName' as issuer, count(*)
from aws_cloudtrail_trail_event group by 1 order by 2 desc, 1 nulls last limit 10;

-- name: shape_event_in_list_case
select case when event_name in ('CreateUser', 'DeleteUser', 'CreateAccessKey', 'DeleteAccessKey') then 'identity'
            when event_name like 'Put%Policy' or event_name like 'Attach%Policy' then 'permission'
            else 'other' end as kind, count(*)
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: shape_event_first_per_user_distinct_on
select distinct on (username) username, event_name, event_time
from aws_cloudtrail_trail_event where username is not null order by username, event_time, event_id;

-- name: shape_event_ip_masklen_group
select network(set_masklen(source_ip_address::inet, 24)) as subnet, count(*)
from aws_cloudtrail_trail_event where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$'
group by 1 order by 2 desc, 1 limit 10;

-- name: shape_event_inet_text_host
select distinct host(source_ip_address::inet) as h, text(source_ip_address::inet) as t, family(source_ip_address::inet) as a
from aws_cloudtrail_trail_event where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$' order by 1 limit 5;

-- name: shape_trail_bucket_split
select name, s3_bucket_name, coalesce(s3_key_prefix, '') || '/AWSLogs/' as prefix, split_part(kms_key_id, '/', 2) as key
from aws_cloudtrail_trail order by name, arn;

-- name: shape_account_counts_union_summary
select 'users' as kind, count(*) from aws_iam_user
union all select 'roles', count(*) from aws_iam_role
union all select 'groups', count(*) from aws_iam_group
union all select 'policies', count(*) from aws_iam_policy where not is_aws_managed
order by 1;

-- name: shape_user_stats_json_build
select account_id, json_build_object('total', count(*), 'mfa', count(*) filter (where mfa_enabled)) as stats
from aws_iam_user group by account_id order by account_id;

-- name: shape_role_trust_jsonb_agg_principals
select r.name, jsonb_agg(distinct p) as principals
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
group by r.name order by r.name;

-- name: shape_policy_document_size
select name, length(policy_std::text) as chars, octet_length(policy::text) as bytes
from aws_iam_policy where not is_aws_managed order by chars desc, name limit 10;

-- name: shape_policy_text_contains_star
select name, policy_std::text like '%"*"%' as has_star from aws_iam_policy where not is_aws_managed order by name;

-- name: shape_event_error_ratio_float
select event_source, (count(*) filter (where error_code is not null))::float / count(*) as ratio
from aws_cloudtrail_trail_event group by 1 having count(*) > 10 order by 2 desc, 1 limit 10;

-- name: shape_last_login_days_int
select user_name, (now()::date - password_last_used::date) as days_since_login
from aws_iam_credential_report where password_last_used is not null order by days_since_login, user_name, account_id;

-- name: shape_mfa_percent_text
select account_id, round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) || '%' as mfa_coverage,
  count(*) filter (where mfa_enabled)::numeric / count(*) as ratio
from aws_iam_user group by account_id order by account_id;

-- name: shape_sum_case_counts
select account_id, sum(case when status = 'Active' then 1 else 0 end) as active, sum(case when status <> 'Active' then 1 else 0 end) as inactive
from aws_iam_access_key group by account_id order by account_id;

-- name: shape_avg_age_days
select account_id, avg(date_part('day', now() - create_date)) as avg_days, round(avg(extract(epoch from now() - create_date) / 86400)) as avg_days_rounded
from aws_iam_role group by account_id order by account_id;

-- name: shape_max_min_interval
select max(now() - create_date) as oldest, min(now() - create_date) as newest, avg(now() - create_date) as mean
from aws_iam_user;

-- name: shape_to_char_number
select name, to_char(attachment_count, 'FM999') as n, to_char(attachment_count * 1.5, '999.99') as f, to_char(attachment_count, '000') as z
from aws_iam_policy where attachment_count > 0 order by name limit 10;

-- name: shape_format_percent
select format('%s: %s%%', account_id, round(100.0 * count(*) filter (where is_attached) / count(*), 2)) as line
from aws_iam_policy group by account_id order by account_id;

-- name: shape_numeric_cast_scale
select name, attachment_count::numeric(6, 2) as n, (attachment_count / 3.0)::numeric(8, 3) as third
from aws_iam_policy where attachment_count > 0 order by name limit 10;

-- name: shape_width_bucket
select width_bucket(jsonb_array_length(policy_std -> 'Statement'), 0, 20, 4) as bucket, count(*)
from aws_iam_policy group by 1 order by 1;

-- name: shape_stddev_variance
select round(stddev(attachment_count), 3) as sd, round(variance(attachment_count), 3) as var, round(avg(attachment_count), 3) as mean
from aws_iam_policy;

-- name: shape_sum_jsonb_lengths
select account_id, sum(jsonb_array_length(attached_policy_arns)) as total_attached, max(jsonb_array_length(inline_policies)) as max_inline
from aws_iam_role group by account_id order by account_id;

-- name: shape_event_span_hours
select username, round((extract(epoch from max(event_time) - min(event_time)) / 3600)::numeric, 2) as active_hours, count(*)
from aws_cloudtrail_trail_event where username is not null group by username order by active_hours desc, username limit 10;

-- name: shape_json_agg_events
select event_source, json_agg(distinct event_name) as names from aws_cloudtrail_trail_event where event_source like 's%' group by 1 order by 1;

-- name: shape_jsonb_minus_key
select name, tags - 'QuickSetupID' as trimmed, tags #- '{QuickSetupType}' as trimmed2 from aws_iam_role where tags ? 'QuickSetupID' order by name, arn limit 5;

-- name: shape_jsonb_eq_literal
select name from aws_iam_policy p where p.policy_std -> 'Statement' -> 0 -> 'Effect' = '"Deny"' order by name;

-- name: shape_jsonb_contains_build_object
select name from aws_iam_role where tags @> jsonb_build_object('QuickSetupType', 'Config Recording') order by name, arn limit 5;

-- name: shape_jsonb_text_bool_compare
select name, login_profile ->> 'PasswordResetRequired' = 'true' as must_reset from aws_iam_user where login_profile is not null order by name, arn;

-- name: shape_jsonb_number_compare
select event_name, (request_parameters ->> 'maxItems')::numeric as max_items from aws_cloudtrail_trail_event
where (request_parameters ->> 'maxItems')::numeric > 10 order by event_time, event_id limit 10;

-- name: shape_to_char_quarter_label
select to_char(create_date, 'YYYY"-Q"Q') as quarter, count(*) from aws_iam_role group by 1 order by 1;

-- name: shape_date_trunc_quarter
select date_trunc('quarter', create_date)::date as q, count(*) from aws_iam_user group by 1 order by 1;

-- name: shape_at_time_zone
select name, create_date at time zone 'UTC' as utc, timezone('Asia/Tokyo', create_date) as tokyo from aws_iam_user order by name, arn limit 5;

-- name: shape_interval_literals
select count(*) filter (where create_date > now() - '90 days'::interval) as a,
  count(*) filter (where create_date > current_timestamp - interval '3 months') as b,
  count(*) filter (where create_date > now() - interval '90' day) as c,
  count(*) filter (where create_date::date > current_date - 365) as d
from aws_iam_role;

-- name: shape_interval_text_output
select name, now() - create_date > interval '1 year 6 months' as older, justify_days(interval '95 days') as j, interval '36 hours' as h
from aws_iam_user order by name, arn limit 3;

-- name: shape_array_agg_distinct_regions
select account_id, array_agg(distinct aws_region order by aws_region) as regions, count(distinct aws_region) as n
from aws_cloudtrail_trail_event group by account_id order by account_id;

-- name: shape_any_array_agg_subquery
select name from aws_iam_user where name = any(select user_name from aws_iam_access_key where status = 'Active') order by name, arn;

-- name: shape_all_comparison
select name from aws_iam_role where create_date > all(select create_date from aws_iam_user where create_date is not null) order by name, arn limit 10;

-- name: shape_exists_lateral_not_in_null
select count(*) from aws_iam_user where name not in (select user_name from aws_iam_access_key where user_name is not null);

-- name: shape_case_in_order_by
select name, path from aws_iam_role order by case when path = '/' then 0 when path like '/aws-service-role/%' then 2 else 1 end, name, arn limit 15;

-- name: shape_nested_case_reason
select arn as resource,
  case when jsonb_array_length(attached_policy_arns) = 0 and coalesce(jsonb_array_length(inline_policies), 0) = 0 then 'info'
       when attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess' then 'alarm'
       else 'ok' end as status,
  name || ' has ' || jsonb_array_length(attached_policy_arns) || ' attached and ' || coalesce(jsonb_array_length(inline_policies), 0) || ' inline policies.' as reason
from aws_iam_role;

-- name: shape_credential_report_text_dates
select user_name, to_char(user_creation_time, 'DD Mon YYYY HH24:MI:SS') as created, to_char(password_last_changed, 'YYYY/MM/DD') as changed
from aws_iam_credential_report order by user_name, account_id;

-- name: shape_numeric_avg_per_group
select account_id, avg(max_session_duration) as avg_duration, sum(max_session_duration) / count(*) as int_div
from aws_iam_role group by account_id order by account_id;

-- name: shape_greatest_least_dates
select user_name, least(access_key_1_last_rotated, access_key_2_last_rotated) as first_rotated,
  greatest(coalesce(access_key_1_last_used_date, '-infinity'), coalesce(access_key_2_last_used_date, '-infinity'))::text as last_used
from aws_iam_credential_report order by user_name, account_id;

-- name: shape_string_agg_newline
select account_id, string_agg(name, E'\n' order by name) as names from aws_iam_group group by account_id order by account_id;

-- name: shape_concat_ws_nulls
select name, concat_ws(' / ', path, permissions_boundary_arn, description) as summary from aws_iam_role order by name, arn limit 10;

-- name: shape_chained_ctes_five
with u as (select account_id, arn, name, mfa_enabled from aws_iam_user),
k as (select account_id, user_name, count(*) as keys from aws_iam_access_key where status = 'Active' group by 1, 2),
j as (select u.*, coalesce(k.keys, 0) as keys from u left join k on k.account_id = u.account_id and k.user_name = u.name),
c as (select *, case when keys > 1 then 'alarm' when keys = 1 and not mfa_enabled then 'info' else 'ok' end as status from j),
s as (select account_id, status, count(*) as n from c group by 1, 2)
select account_id, jsonb_object_agg(status, n) as by_status, sum(n) as total from s group by account_id order by account_id;

-- name: shape_policy_attachment_entities
select policy_arn, jsonb_array_length(policy_roles) as roles, jsonb_array_length(policy_users) as users, jsonb_array_length(policy_groups) as groups
from aws_iam_policy_attachment order by policy_arn limit 15;

-- name: shape_service_specific_credentials
select user_name, service_name, status, create_date < now() - interval '90 days' as old from aws_iam_service_specific_credential order by user_name, service_name;

-- name: shape_org_policy_targets
select p.name, p.type, count(t.target_id) as targets
from aws_organizations_policy p left join aws_organizations_policy_target t on t.id = p.id
group by p.name, p.type order by p.name;

-- name: shape_org_root_policy_types
select r.name, pt ->> 'Type' as policy_type, pt ->> 'Status' as status
from aws_organizations_root r, jsonb_array_elements(r.policy_types) pt order by 1, 2;

-- name: shape_alarm_actions
select a.name, a.state_value, jsonb_array_length(a.alarm_actions) as actions, split_part(a.alarm_actions ->> 0, ':', 6) as topic
from aws_cloudwatch_alarm a order by a.name;

-- name: shape_sns_subscriptions
select split_part(topic_arn, ':', 6) as topic, protocol, count(*) from aws_sns_topic_subscription group by 1, 2 order by 1, 2;

-- name: shape_cfn_stack_role
select s.name, s.status, s.role_arn is not null as has_role, jsonb_array_length(coalesce(s.capabilities, '[]')) as caps
from aws_cloudformation_stack s order by s.name;

-- name: shape_sfn_role
select name, type, split_part(role_arn, '/', -1) as role from aws_sfn_state_machine order by name;

-- name: shape_glue_sagemaker_roles
select 'glue' as kind, endpoint_name as name, role_arn from aws_glue_dev_endpoint
union all select 'sagemaker', name, role_arn from aws_sagemaker_notebook_instance
order by 1, 2;

-- name: shape_eks_access_config
select name, access_config ->> 'AuthenticationMode' as auth_mode, role_arn from aws_eks_cluster order by name;

-- name: shape_accessanalyzer_analyzers
select name, type, status, created_at < now() as created_before_now from aws_accessanalyzer_analyzer order by name;

-- name: shape_raw_policy_statement_guard
select p.name, s ->> 'Effect' as effect,
  case jsonb_typeof(s -> 'Action') when 'string' then 1 when 'array' then jsonb_array_length(s -> 'Action') end as actions
from aws_iam_policy p,
  jsonb_array_elements(case when jsonb_typeof(p.policy -> 'Statement') = 'array' then p.policy -> 'Statement'
                            else jsonb_build_array(p.policy -> 'Statement') end) s
where not p.is_aws_managed
order by 1, 2, 3;

-- name: shape_raw_policy_actions_either
select distinct a
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(case jsonb_typeof(s -> 'Action') when 'array' then s -> 'Action' else '[]'::jsonb end) a
where p.name like 'Amazon%'
order by a limit 20;

-- name: shape_role_trust_raw_document_text
select name, assume_role_policy -> 'Statement' -> 0 ->> 'Effect' as effect,
  length(assume_role_policy_document) as chars
from aws_iam_role order by name, arn limit 10;

-- name: shape_event_cloudtrail_event_json
select event_id, cloudtrail_event ->> 'eventVersion' as v, jsonb_typeof(cloudtrail_event -> 'requestParameters') as rp,
  cloudtrail_event -> 'userIdentity' ->> 'type' as who
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: shape_event_request_params_nested
select event_name, jsonb_pretty(request_parameters) as params from aws_cloudtrail_trail_event
where event_name = 'PutUserPolicy' or event_name = 'CreateRole' order by event_time, event_id limit 3;

-- name: shape_event_policy_document_in_request
select event_name, (request_parameters ->> 'policyDocument')::jsonb -> 'Statement' as stmts
from aws_cloudtrail_trail_event where request_parameters ? 'policyDocument' order by event_time, event_id limit 5;

-- name: shape_user_groups_contains_name
select name from aws_iam_user where groups @> '[{"GroupName": "Admins"}]' or groups @> '[{"GroupName": "admins"}]' order by name, arn;

-- name: shape_policy_versions_doc
select p.name, v ->> 'VersionId' as version, (v ->> 'IsDefaultVersion')::boolean as is_default,
  jsonb_typeof(v -> 'Document') as doc
from aws_iam_policy p, jsonb_array_elements(p.policy_versions) v
where not p.is_aws_managed order by 1, 2;

-- name: shape_mfa_device_enable_dates
select u.name, (m ->> 'EnableDate')::timestamptz as enabled, date_part('year', (m ->> 'EnableDate')::timestamptz) as year
from aws_iam_user u, jsonb_array_elements(u.mfa_devices) m order by 1, 2;

-- name: shape_group_user_create_dates
select g.name, u ->> 'UserName' as user_name, to_char((u ->> 'CreateDate')::timestamptz, 'YYYY-MM-DD') as created
from aws_iam_group g, jsonb_array_elements(g.users) u order by 1, 2, 3;

-- name: shape_perimeter_trust_public_principal
with trust as (
  select r.arn, r.account_id, s, p
  from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
    jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
  where s ->> 'Effect' = 'Allow'
), public as (
  select arn, bool_or(p = '*' and not (s ? 'Condition')) as open_to_all from trust group by arn
)
select r.arn as resource,
  case when pb.open_to_all then 'alarm' when pb.arn is null then 'ok' else 'info' end as status,
  r.account_id
from aws_iam_role r left join public pb on pb.arn = r.arn;

-- name: shape_perimeter_org_id_condition
select r.name,
  exists (select 1 from jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
          jsonb_each(s -> 'Condition') c where c.value ? 'aws:principalorgid') as org_scoped
from aws_iam_role r order by r.name, r.arn;

-- name: shape_perimeter_trusted_accounts_outside
select r.arn, split_part(p, ':', 5) as trusted_account
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
where p ~ '^arn:aws:iam::[0-9]{12}:' and split_part(p, ':', 5) not in (select account_id from aws_account)
order by 1, 2;

-- name: shape_perimeter_bucket_policy_conditions
select b.name, s ->> 'Effect' as effect, coalesce(s -> 'Condition' -> 'Bool' ->> 'aws:securetransport', 'none') as secure_transport
from aws_s3_bucket b, jsonb_array_elements(b.policy_std -> 'Statement') s order by 1, 2, 3;

-- name: shape_perimeter_lambda_policy_principals
select f.name, s -> 'Principal' as principal, s ->> 'Effect' as effect
from aws_lambda_function f, jsonb_array_elements(f.policy_std -> 'Statement') s order by 1, 3, 2::text;

-- name: shape_insights_user_console_and_keys
select u.name,
  u.login_profile is not null as console,
  (select count(*) from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id) as keys,
  case when u.login_profile is not null and exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id)
       then 'both' when u.login_profile is not null then 'console' else 'programmatic' end as access
from aws_iam_user u order by u.name, u.account_id;

-- name: shape_insights_role_age_buckets_filter
select count(*) filter (where create_date > now() - interval '1 day') as "< 1 day",
  count(*) filter (where create_date <= now() - interval '1 day' and create_date > now() - interval '30 days') as "1-30 days",
  count(*) filter (where create_date <= now() - interval '30 days' and create_date > now() - interval '90 days') as "30-90 days",
  count(*) filter (where create_date <= now() - interval '90 days' and create_date > now() - interval '365 days') as "90-365 days",
  count(*) filter (where create_date <= now() - interval '365 days') as "> 1 year"
from aws_iam_role;

-- name: shape_insights_policy_attached_by_type
select case when arn like 'arn:aws:iam::aws:%' then 'AWS managed' else 'Customer managed' end as "Type", count(*) as "Policies",
  sum(attachment_count) as "Attachments"
from aws_iam_policy group by 1 order by 1;

-- name: shape_insights_user_mfa_card
select count(*) as value, 'Users Without MFA' as label, case when count(*) = 0 then 'ok' else 'alert' end as type
from aws_iam_user where not mfa_enabled;

-- name: shape_tags_missing_required
select arn as resource,
  case when tags ?& array['Department', 'Location'] then 'ok' else 'alarm' end as status,
  -- ordered: EXCEPT's rows come in no defined order (PostgreSQL's hash order is not DuckDB's)
  array_to_string(array(select k from (select unnest(array['Department', 'Location']) as k
    except select jsonb_object_keys(coalesce(tags, '{}'))) as m order by k), ', ') as missing
from aws_iam_role order by arn limit 20;

-- name: shape_tags_value_prohibited
select r.arn, t.key, t.value
from aws_iam_role r, jsonb_each_text(r.tags) t where t.value ~* '(test|tmp|temp)' or t.key ilike 'quick%' order by 1, 2;

-- name: shape_tags_count_limit
select arn, (select count(*) from jsonb_object_keys(tags)) as tag_count,
  case when (select count(*) from jsonb_object_keys(tags)) > 45 then 'alarm' else 'ok' end as status
from aws_iam_role where tags is not null order by tag_count desc, arn limit 10;

-- name: shape_tags_key_case_mismatch
select lower(k) as key, array_agg(distinct k order by k) as spellings
from aws_iam_role, jsonb_object_keys(tags) k group by lower(k) having count(distinct k) >= 1 order by 1;

-- name: shape_cloudtrail_s3_logging_join
select t.name, t.s3_bucket_name, b.name is not null as bucket_loaded, b.versioning_enabled
from aws_cloudtrail_trail t left join aws_s3_bucket b on b.name = t.s3_bucket_name order by t.name, t.arn;

-- name: shape_cloudtrail_metric_filter_chain
with filters as (
  select f.name, f.log_group_name, f.metric_transformation_name as metric, f.filter_pattern
  from aws_cloudwatch_log_metric_filter f
), alarms as (
  select a.name as alarm, a.metric_name, jsonb_array_length(a.alarm_actions) as actions from aws_cloudwatch_alarm a
), subs as (
  select topic_arn, count(*) as subscribers from aws_sns_topic_subscription group by topic_arn
)
select f.name, f.metric, a.alarm, coalesce(a.actions, 0) as actions,
  case when a.alarm is null then 'alarm' else 'ok' end as status
from filters f left join alarms a on a.metric_name = f.metric order by f.name, a.alarm nulls last;

-- name: shape_event_console_no_mfa_ctes
with logins as (
  select event_time, username, source_ip_address, additional_event_data ->> 'MFAUsed' as mfa, response_elements ->> 'ConsoleLogin' as result
  from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin'
), summary as (
  select username, count(*) as logins, count(*) filter (where mfa = 'No') as without_mfa, count(*) filter (where result = 'Failure') as failed
  from logins group by username
)
select coalesce(username, '<unknown>') as username, logins, without_mfa, failed,
  case when failed > 3 then 'alarm' when without_mfa > 0 then 'info' else 'ok' end as status
from summary order by username nulls first;

-- name: shape_event_nth_value
select distinct username, nth_value(event_name, 2) over (partition by username order by event_time, event_id rows between unbounded preceding and unbounded following) as second_event
from aws_cloudtrail_trail_event where username is not null order by username limit 20;

-- name: shape_event_filter_ip_cidr_list
select count(*) from aws_cloudtrail_trail_event
where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$'
  and source_ip_address::inet <<= any(array['10.0.0.0/8'::inet, '192.168.0.0/16'::inet, '172.16.0.0/12'::inet]);

-- name: pol25_allow_statements_by_action_type
select p.arn, jsonb_typeof(s -> 'Action') as action_type, count(*) as statements
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ->> 'Effect' = 'Allow'
group by p.arn, jsonb_typeof(s -> 'Action')
order by p.arn, action_type;

-- name: pol25_raw_statement_shape
select arn, jsonb_typeof(policy -> 'Statement') as statement_type,
  case jsonb_typeof(policy -> 'Statement') when 'array' then jsonb_array_length(policy -> 'Statement') else 1 end as statements
from aws_iam_policy
order by arn, account_id;

-- name: pol25_raw_statements_either_shape
select p.arn, s ->> 'Effect' as effect, jsonb_typeof(s -> 'Action') as action_kind
from aws_iam_policy as p,
  jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement'
    else jsonb_build_array(p.policy -> 'Statement') end) as s
order by 1, 2, 3;

-- name: pol25_action_any_of_admin
select distinct p.name, p.arn
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ->> 'Effect' = 'Allow' and s -> 'Action' ?| array['*', 'iam:*', 's3:*']
order by p.arn;

-- name: pol25_action_all_of_pair
select p.arn
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s -> 'Action' ?& array['s3:getobject', 's3:listbucket']
order by p.arn;

-- name: pol25_resource_star_count
select p.account_id, count(distinct p.arn) filter (where s -> 'Resource' @> '["*"]') as star_resource_policies,
  count(distinct p.arn) as policies
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
group by p.account_id
order by p.account_id;

-- name: pol25_not_action_statements
select p.arn, s ->> 'Effect' as effect, jsonb_array_length(s -> 'NotAction') as not_actions
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ? 'NotAction'
order by p.arn, effect, not_actions;

-- name: pol25_service_prefixes
select split_part(a, ':', 1) as service, count(*) as grants, count(distinct p.arn) as policies
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where s ->> 'Effect' = 'Allow'
group by 1
order by grants desc, service
limit 25;

-- name: pol25_wildcard_verbs
select distinct split_part(a, ':', 2) as verb
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where a like '%:%*%'
order by verb;

-- name: pol25_condition_operators
select op, count(*) as uses
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_object_keys(s -> 'Condition') as op
where jsonb_typeof(s -> 'Condition') = 'object'
group by op
order by uses desc, op;

-- name: pol25_condition_keys_path
select p.arn, c.key as operator, k.key as condition_key, k.value #>> '{0}' as first_value
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') as c, jsonb_each(c.value) as k
order by 1, 2, 3, 4;

-- name: pol25_statement_sids
select p.arn, coalesce(s ->> 'Sid', '(no sid)') as sid, row_number() over (partition by p.arn order by s ->> 'Sid') as n
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
order by p.arn, n;

-- name: pol25_version_default
select policy_std ->> 'Version' as version, is_aws_managed, count(*)
from aws_iam_policy
group by 1, 2
order by 1 nulls first, 2;

-- name: pol25_action_count_bucket
select arn,
  case when n = 0 then 'none' when n < 5 then 'few' when n < 50 then 'some' else 'many' end as bucket, n
from (
  select p.arn, count(a) as n
  from aws_iam_policy as p
    left join lateral jsonb_array_elements(p.policy_std -> 'Statement') as s on true
    left join lateral jsonb_array_elements_text(s -> 'Action') as a on true
  group by p.arn
) as counted
order by n desc, arn;

-- name: pol25_string_agg_services
select p.name, string_agg(distinct split_part(a, ':', 1), ', ') as services
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where not p.is_aws_managed
group by p.name
order by p.name;

-- name: pol25_array_agg_filter_deny
select p.arn,
  array_agg(distinct a order by a) filter (where s ->> 'Effect' = 'Deny') as denied,
  count(*) filter (where s ->> 'Effect' = 'Allow') as allowed_actions
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
group by p.arn
having count(*) filter (where s ->> 'Effect' = 'Deny') > 0
order by p.arn;

-- name: pol25_resource_arn_services
select split_part(r, ':', 3) as service, count(*) as n
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Resource') as r
where r like 'arn:%'
group by 1
order by n desc, service;

-- name: pol25_resource_regexp_account
select distinct p.arn, nullif(regexp_replace(r, '^arn:[^:]*:[^:]*:[^:]*:([^:]*):.*$', '\1'), '') as resource_account
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Resource') as r
where r ~ '^arn:[^:]*:[^:]*:[^:]*:[^:]*:'
order by 1, 2;

-- name: pol25_policy_age_days
select name, date_part('day', now() - create_date) as age_days,
  date_part('day', now() - update_date) as since_update_days
from aws_iam_policy
where not is_aws_managed
order by name, account_id, arn;

-- name: pol25_updated_after_created
select name, update_date - create_date as changed_after, update_date > create_date as changed
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: pol25_versions_count
select arn, jsonb_array_length(policy_versions) as versions,
  (select count(*) from jsonb_array_elements(policy_versions) v where (v ->> 'IsDefaultVersion')::bool) as defaults
from aws_iam_policy
where policy_versions is not null and jsonb_typeof(policy_versions) = 'array'
order by arn;

-- name: pol25_attached_unattached
select is_aws_managed, is_attached, count(*), sum(attachment_count) as attachments
from aws_iam_policy
group by rollup (is_aws_managed, is_attached)
order by 1 nulls last, 2 nulls last;

-- name: pol25_to_char_created_month
select to_char(create_date, 'YYYY-MM') as month, count(*)
from aws_iam_policy
where not is_aws_managed
group by 1
order by 1;

-- name: pol25_path_depth
select path, array_length(string_to_array(trim(both '/' from path), '/'), 1) as depth, count(*)
from aws_iam_policy
group by path
order by path;

-- name: pol25_policy_json_size
select arn, length(policy_std::text) as std_length, octet_length(policy::text) as raw_bytes
from aws_iam_policy
order by std_length desc, arn
limit 20;

-- name: pol25_contains_deny_star
select arn from aws_iam_policy
where policy_std @> '{"Statement": [{"Effect": "Deny"}]}'
order by arn;

-- name: pol25_statement_index
select p.arn, s.ordinality as position, s.value ->> 'Effect' as effect
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s
where not p.is_aws_managed
order by p.arn, position;

-- name: pol25_first_action_path
select arn, policy_std #>> '{Statement,0,Action,0}' as first_action, policy_std #> '{Statement,0,Resource}' as first_resource
from aws_iam_policy
order by arn, account_id;

-- name: pol25_principal_in_policy
select r.arn, jsonb_typeof(s -> 'Principal') as principal_type, (select string_agg(k, ',' order by k) from jsonb_object_keys(s -> 'Principal') k) as kinds
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where s ? 'Principal' or s ? 'NotPrincipal'
order by 1, 2, 3;

-- name: pol25_dense_rank_by_actions
select arn, n, dense_rank() over (order by n desc) as rnk
from (select p.arn, count(*) as n
  from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Action') as a
  group by p.arn) t
order by rnk, arn;

-- name: pol25_cte_admin_policies_attached
with admin as (
  select distinct p.arn
  from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
  where s ->> 'Effect' = 'Allow' and s -> 'Action' @> '["*"]' and s -> 'Resource' @> '["*"]'
)
select u.account_id, u.name, a.arn as policy
from aws_iam_user as u, jsonb_array_elements_text(u.attached_policy_arns) as pa
  join admin as a on a.arn = pa
order by 1, 2, 3;

-- name: pol25_exists_subquery_passrole
select p.arn, p.name
from aws_iam_policy as p
where exists (
  select 1 from jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as a
  where s ->> 'Effect' = 'Allow' and a in ('iam:passrole', 'iam:*', '*'))
order by p.arn;

-- name: pol25_not_resource
select p.arn, s -> 'Condition' is not null as has_condition, s ? 'NotResource' as has_not_resource, count(*)
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
group by 1, 2, 3
order by 1, 2, 3, 4;

-- name: pol25_action_lower_upper
select distinct a, upper(split_part(a, ':', 1)) as service_upper, initcap(split_part(a, ':', 2)) as verb
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where a like 'sts:%' or a like 'kms:%'
order by a;

-- name: pol25_length_buckets_width
select width_bucket(length(policy_std::text), 0, 20000, 4) as bucket, count(*)
from aws_iam_policy
group by 1
order by 1;

-- name: pol25_managed_by_year
select extract(year from create_date) as year, count(*) filter (where is_aws_managed) as aws,
  count(*) filter (where not is_aws_managed) as customer
from aws_iam_policy
group by 1
order by 1;

-- name: pol25_description_split
select name, coalesce(nullif(split_part(description, ' ', 1), ''), '(none)') as first_word
from aws_iam_policy
order by name;

-- name: pol25_tags_keys
select r.arn, k, r.tags ->> k as v
from aws_iam_role as r, jsonb_object_keys(coalesce(r.tags, '{}'::jsonb)) as k
order by 1, 2, 3;

-- name: pol25_generate_series_statement_positions
select p.arn, i, p.policy_std -> 'Statement' -> i ->> 'Effect' as effect
from aws_iam_policy as p, generate_series(0, jsonb_array_length(p.policy_std -> 'Statement') - 1) as i
where not p.is_aws_managed
order by p.arn, i;

-- name: pol25_lag_create
select name, create_date, create_date - lag(create_date) over (order by create_date, arn) as gap
from aws_iam_policy
where not is_aws_managed
order by create_date, arn;

-- name: usr25_console_without_mfa
select u.arn as resource,
  case when r.password_enabled and not r.mfa_active then 'alarm' else 'ok' end as status,
  u.name || case when r.password_enabled then ' has a console password' else ' has no console password' end
    || case when r.mfa_active then ' and MFA.' else ' and no MFA.' end as reason,
  u.account_id
from aws_iam_user as u
  join aws_iam_credential_report as r on r.user_arn = u.arn
order by resource;

-- name: usr25_password_unused_days
select user_name, account_id, password_enabled,
  date_part('day', now() - password_last_used) as days_since_use,
  case when password_last_used is null then 'never' when now() - password_last_used > interval '90 days' then 'stale'
    else 'recent' end as state
from aws_iam_credential_report
order by account_id, user_name;

-- name: usr25_key_rotation_age
select user_name, account_id,
  extract(day from now() - access_key_1_last_rotated) as key1_days,
  extract(day from now() - access_key_2_last_rotated) as key2_days
from aws_iam_credential_report
where access_key_1_active or access_key_2_active
order by account_id, user_name;

-- name: usr25_keys_older_than_90
select k.account_id, k.user_name, k.access_key_id, age(now(), k.create_date) > interval '90 days' as older
from aws_iam_access_key as k
order by 1, 2, 3;

-- name: usr25_keys_per_user_window
select account_id, user_name, access_key_id, status,
  count(*) over (partition by account_id, user_name) as keys,
  row_number() over (partition by account_id, user_name order by create_date desc, access_key_id) as newest_first
from aws_iam_access_key
order by 1, 2, 6;

-- name: usr25_two_active_keys
select account_id, user_name
from aws_iam_access_key
group by account_id, user_name
having count(*) filter (where status = 'Active') >= 1
order by 1, 2;

-- name: usr25_key_last_used_service
select coalesce(access_key_last_used_service, 'N/A') as service, count(*)
from aws_iam_access_key
group by 1
order by 2 desc, 1;

-- name: usr25_user_groups_names
select u.account_id, u.name, string_agg(g ->> 'GroupName', ', ' order by g ->> 'GroupName') as groups
from aws_iam_user as u, jsonb_array_elements(u.groups) as g
group by u.account_id, u.name
order by 1, 2;

-- name: usr25_users_without_groups
select account_id, name
from aws_iam_user
where groups is null or jsonb_array_length(groups) = 0
order by 1, 2;

-- name: usr25_direct_attached_policies
select u.account_id, u.name, split_part(pa, '/', -1) as policy
from aws_iam_user as u, jsonb_array_elements_text(u.attached_policy_arns) as pa
order by 1, 2, 3;

-- name: usr25_inline_policy_names
select u.account_id, u.name, ip ->> 'PolicyName' as policy_name,
  jsonb_array_length(ip -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_user as u, jsonb_array_elements(u.inline_policies_std) as ip
order by 1, 2, 3;

-- name: usr25_inline_admin
select distinct u.account_id, u.name
from aws_iam_user as u, jsonb_array_elements(u.inline_policies_std) as ip,
  jsonb_array_elements(ip -> 'PolicyDocument' -> 'Statement') as s
where s ->> 'Effect' = 'Allow' and exists (select 1 from jsonb_array_elements_text(s -> 'Action') as a where a like '%*')
order by 1, 2;

-- name: usr25_mfa_device_types
select u.account_id, u.name,
  case when d ->> 'SerialNumber' like 'arn:%:mfa/%' then 'virtual' else 'hardware' end as kind,
  d ->> 'SerialNumber' as serial
from aws_iam_user as u, jsonb_array_elements(u.mfa_devices) as d
order by 1, 2, 4;

-- name: usr25_created_by_month
select to_char(date_trunc('month', create_date), 'Mon YYYY') as month, count(*)
from aws_iam_user
group by date_trunc('month', create_date)
order by date_trunc('month', create_date);

-- name: usr25_path_prefix
select split_part(path, '/', 2) as first_segment, count(*)
from aws_iam_user
group by 1
order by 1;

-- name: usr25_name_patterns
select name,
  name ~* '(svc|service|bot|ci|deploy)' as looks_like_service,
  regexp_replace(lower(name), '[^a-z0-9]+', '-', 'g') as slug
from aws_iam_user
order by name, slug;

-- name: usr25_permission_boundary
select account_id, name, coalesce(permissions_boundary_type, 'none') as boundary_type,
  split_part(permissions_boundary_arn, '/', -1) as boundary
from aws_iam_user
order by 1, 2;

-- name: usr25_tags_team
select account_id, name, tags ->> 'team' as team, tags ? 'owner' as has_owner
from aws_iam_user
where tags is not null and tags <> '{}'::jsonb
order by 1, 2;

-- name: usr25_tags_src_each
select u.account_id, u.name, t ->> 'Key' as key, t ->> 'Value' as value
from aws_iam_user as u, jsonb_array_elements(u.tags_src) as t
order by 1, 2, 3;

-- name: usr25_report_generated_gap
select account_id, max(generated_time) as generated, date_part('day', now() - max(generated_time)) as report_age
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: usr25_user_vs_report_creation
select u.account_id, u.name, u.create_date = r.user_creation_time as same_creation
from aws_iam_user as u
  left join aws_iam_credential_report as r on r.account_id = u.account_id and r.user_name = u.name
order by 1, 2;

-- name: usr25_password_next_rotation
select user_name, account_id, password_status, password_next_rotation,
  password_next_rotation < now() as overdue
from aws_iam_credential_report
order by account_id, user_name;

-- name: usr25_root_user_report
select account_id, user_name, mfa_active, access_key_1_active or access_key_2_active as root_keys,
  coalesce(to_char(password_last_used, 'YYYY-MM-DD'), 'never') as password_used
from aws_iam_credential_report
where user_name = '<root_account>'
order by account_id;

-- name: usr25_key_last_used_region_unused
select user_name, account_id,
  coalesce(access_key_1_last_used_region, '-') as region1,
  coalesce(access_key_1_last_used_date::text, 'never') as used1
from aws_iam_credential_report
where access_key_1_active
order by account_id, user_name;

-- name: usr25_inactive_users_cte
with activity as (
  select account_id, user_name,
    greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity
  from aws_iam_credential_report
)
select account_id, user_name, last_activity,
  case when last_activity is null then 'never used' when last_activity < now() - interval '45 days' then 'inactive'
    else 'active' end as state
from activity
order by 1, 2;

-- name: usr25_cert_active
select account_id, count(*) filter (where cert_1_active or cert_2_active) as users_with_certs, count(*) as users
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: usr25_distinct_on_newest_user
select distinct on (account_id) account_id, name, create_date
from aws_iam_user
order by account_id, create_date desc, name;

-- name: usr25_distinct_on_oldest_key
select distinct on (account_id, user_name) account_id, user_name, access_key_id, create_date
from aws_iam_access_key
order by account_id, user_name, create_date, access_key_id;

-- name: usr25_age_years_months
select name, account_id, extract(year from age(now(), create_date)) as years,
  extract(month from age(now(), create_date)) as months
from aws_iam_user
order by account_id, name;

-- name: usr25_justify_interval
select name, account_id, justify_interval(now() - create_date) > interval '1 year' as over_a_year
from aws_iam_user
order by account_id, name;

-- name: usr25_epoch_created
select name, account_id, extract(epoch from create_date)::bigint as created_epoch
from aws_iam_user
order by created_epoch, account_id, name;

-- name: usr25_login_profile_reset
select account_id, name, (login_profile ->> 'PasswordResetRequired')::bool as reset_required,
  (login_profile ->> 'CreateDate')::timestamptz as profile_created
from aws_iam_user
where login_profile is not null
order by 1, 2;

-- name: usr25_group_membership_lateral
select u.account_id, u.name, g.group_name
from aws_iam_user as u
  cross join lateral (select jsonb_array_elements(u.groups) ->> 'GroupName' as group_name) as g
order by 1, 2, 3;

-- name: usr25_keys_join_report
select k.account_id, k.user_name, k.access_key_id, k.status,
  case when k.status = 'Active' and r.access_key_1_active is not true and r.access_key_2_active is not true
    then 'mismatch' else 'consistent' end as check_state
from aws_iam_access_key as k
  left join aws_iam_credential_report as r on r.account_id = k.account_id and r.user_name = k.user_name
order by 1, 2, 3;

-- name: usr25_key_id_prefix
select left(access_key_id, 4) as prefix, count(*), min(length(access_key_id)) as min_len, max(length(access_key_id)) as max_len
from aws_iam_access_key
group by 1
order by 1;

-- name: usr25_users_per_account_pct
select account_id, count(*) as users,
  round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) as mfa_pct
from aws_iam_user
group by account_id
order by account_id;

-- name: usr25_ntile_by_creation
select account_id, name, ntile(4) over (partition by account_id order by create_date, name) as quartile
from aws_iam_user
order by 1, 3, 2;

-- name: usr25_first_value_account
select account_id, name, first_value(name) over (partition by account_id order by create_date, name) as first_user,
  last_value(name) over (partition by account_id order by create_date, name
    rows between unbounded preceding and unbounded following) as last_user
from aws_iam_user
order by 1, 2;

-- name: usr25_report_users_not_listed
select r.account_id, r.user_name
from aws_iam_credential_report as r
where r.user_name <> '<root_account>' and not exists (
  select 1 from aws_iam_user as u where u.account_id = r.account_id and u.name = r.user_name)
order by 1, 2;

-- name: usr25_generate_series_days_since
select d::date as day, count(u.name) as users_created
from generate_series(date '2012-01-01', date '2012-12-01', interval '1 month') as d
  left join aws_iam_user as u on date_trunc('month', u.create_date) = d
group by d
order by d;

-- name: role25_trust_principal_kinds
select r.account_id, r.name, k as principal_kind, count(*) as statements
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_object_keys(s -> 'Principal') as k
group by 1, 2, 3
order by 1, 2, 3;

-- name: role25_trust_service_names
select distinct split_part(svc, '.', 1) as service
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') as svc
order by service;

-- name: role25_cross_account_trust
select r.account_id, r.name, p as trusted,
  split_part(p, ':', 5) as trusted_account, split_part(p, ':', 5) <> r.account_id as external
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
where s ->> 'Effect' = 'Allow' and p like 'arn:%'
order by 1, 2, 3;

-- name: role25_trust_star
select r.account_id, r.name
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where s ->> 'Effect' = 'Allow' and (s -> 'Principal' -> 'AWS' @> '["*"]' or s -> 'Principal' = '"*"')
order by 1, 2;

-- name: role25_trust_external_id_condition
select r.account_id, r.name,
  s -> 'Condition' -> 'StringEquals' ? 'sts:externalid' as external_id,
  coalesce(s #>> '{Condition,Bool,aws:multifactorauthpresent,0}', 'n/a') as mfa
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where s -> 'Principal' ? 'AWS'
order by 1, 2, 3, 4;

-- name: role25_trust_actions
select a as action, count(distinct r.arn) as roles
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
group by a
order by roles desc, a;

-- name: role25_federated_oidc_saml
select r.account_id, r.name, f as provider,
  case when f like '%:saml-provider/%' then 'saml' when f like '%:oidc-provider/%' then 'oidc' else 'other' end as kind
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Federated') as f
order by 1, 2, 3;

-- name: role25_unused_roles
select account_id, name, role_last_used_date,
  case when role_last_used_date is null then 'never used'
    when role_last_used_date < now() - interval '90 days' then 'unused 90 days' else 'used' end as usage
from aws_iam_role
order by 1, 2;

-- name: role25_last_used_days
select account_id, name, date_part('day', now() - role_last_used_date)::int as idle_days, role_last_used_region
from aws_iam_role
where role_last_used_date is not null
order by idle_days desc nulls last, 1, 2;

-- name: role25_service_linked
select account_id, count(*) filter (where path like '/aws-service-role/%') as service_linked,
  count(*) filter (where path = '/') as root_path, count(*) as roles
from aws_iam_role
group by account_id
order by account_id;

-- name: role25_max_session_hours
select max_session_duration / 3600 as hours, max_session_duration % 3600 as rest, count(*)
from aws_iam_role
group by max_session_duration
order by max_session_duration;

-- name: role25_attached_admin
select account_id, name
from aws_iam_role
where attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess'
order by 1, 2;

-- name: role25_attached_policy_names
select r.account_id, r.name, string_agg(split_part(a, '/', -1), ', ' order by a) as policies,
  jsonb_array_length(r.attached_policy_arns) as n
from aws_iam_role as r, jsonb_array_elements_text(r.attached_policy_arns) as a
group by r.account_id, r.name, r.attached_policy_arns
order by 1, 2;

-- name: role25_inline_statement_actions
select r.account_id, r.name, ip ->> 'PolicyName' as policy, count(a) as actions
from aws_iam_role as r, jsonb_array_elements(r.inline_policies_std) as ip,
  jsonb_array_elements(ip -> 'PolicyDocument' -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
group by 1, 2, 3
order by 1, 2, 3;

-- name: role25_instance_profiles
select r.account_id, r.name, split_part(ip, '/', -1) as instance_profile
from aws_iam_role as r, jsonb_array_elements_text(r.instance_profile_arns) as ip
order by 1, 2, 3;

-- name: role25_description_words
select account_id, name, coalesce(description, '') = '' as no_description,
  array_length(regexp_split_to_array(coalesce(description, ''), '\s+'), 1) as words
from aws_iam_role
order by 1, 2;

-- name: role25_created_quarter
select to_char(create_date, 'YYYY "Q"Q') as quarter, count(*)
from aws_iam_role
group by 1
order by 1;

-- name: role25_tags_environment
select account_id, name, coalesce(tags ->> 'Environment', tags ->> 'env', 'untagged') as environment
from aws_iam_role
order by 1, 2;

-- name: role25_assume_role_document_text
select account_id, name, length(assume_role_policy_document) as doc_length,
  assume_role_policy_document like '%sts:AssumeRole%' as mentions_assume
from aws_iam_role
order by 1, 2;

-- name: role25_boundary_usage
select permissions_boundary_type, count(*), min(name) as example
from aws_iam_role
group by 1
order by 1 nulls first;

-- name: role25_rank_by_policies
select account_id, name, jsonb_array_length(attached_policy_arns) as attached,
  rank() over (partition by account_id order by jsonb_array_length(attached_policy_arns) desc) as rnk
from aws_iam_role
order by 1, 4, 2;

-- name: role25_percent_rank_sessions
select account_id, name, round(percent_rank() over (partition by account_id order by max_session_duration)::numeric, 3) as pr
from aws_iam_role
order by 1, 2;

-- name: role25_cte_trusted_services_per_account
with trusted as (
  select r.account_id, svc
  from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
    jsonb_array_elements_text(s -> 'Principal' -> 'Service') as svc
)
select account_id, count(distinct svc) as services, array_agg(distinct svc order by svc) as names
from trusted
group by account_id
order by account_id;

-- name: role25_group_policies
select g.account_id, g.name, split_part(a, '/', -1) as policy
from aws_iam_group as g, jsonb_array_elements_text(g.attached_policy_arns) as a
order by 1, 2, 3;

-- name: role25_group_members
select g.account_id, g.name, count(m) as members, string_agg(m ->> 'UserName', ',' order by m ->> 'UserName') as names
from aws_iam_group as g
  left join lateral jsonb_array_elements(g.users) as m on true
group by g.account_id, g.name
order by 1, 2;

-- name: role25_empty_groups
select account_id, name, create_date
from aws_iam_group
where users is null or users = '[]'::jsonb
order by 1, 2;

-- name: role25_group_inline_policy_count
select account_id, name, jsonb_array_length(coalesce(inline_policies_std, '[]')) as inline_count
from aws_iam_group
order by 1, 2;

-- name: role25_group_admin_access
select g.account_id, g.name,
  bool_or(a = 'arn:aws:iam::aws:policy/AdministratorAccess') as admin
from aws_iam_group as g
  left join lateral jsonb_array_elements_text(g.attached_policy_arns) as a on true
group by 1, 2
order by 1, 2;

-- name: role25_principal_union
select account_id, 'user' as kind, name, create_date from aws_iam_user
union all
select account_id, 'role', name, create_date from aws_iam_role
union all
select account_id, 'group', name, create_date from aws_iam_group
order by 1, 2, 3, 4;

-- name: role25_path_not_root
select account_id, name, path, regexp_replace(path, '^/|/$', '', 'g') as trimmed
from aws_iam_role
where path <> '/'
order by 1, 2;

-- name: role25_akas_first
select account_id, name, akas ->> 0 as aka, jsonb_array_length(akas) as n
from aws_iam_role
order by 1, 2;

-- name: role25_ctx_connection
select _ctx ->> 'connection_name' as connection, count(*)
from aws_iam_role
group by 1
order by 1;

-- name: role25_trust_condition_values_count
select r.account_id, r.name, op.key as operator, sum(jsonb_array_length(kv.value)) as values
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') as op, jsonb_each(op.value) as kv
group by 1, 2, 3
order by 1, 2, 3;

-- name: role25_lead_next_created
select account_id, name, lead(name) over (partition by account_id order by create_date, name) as next_role
from aws_iam_role
order by 1, create_date, 2;

-- name: role25_created_weekday
select to_char(create_date, 'Dy') as weekday, extract(isodow from create_date) as dow, count(*)
from aws_iam_role
group by 1, 2
order by 2;

-- name: role25_arn_parts
select account_id, name, string_to_array(arn, ':') as parts, array_length(string_to_array(arn, ':'), 1) as n
from aws_iam_role
order by 1, 2;

-- name: role25_trust_not_principal
select r.account_id, r.name, s ->> 'Effect' as effect
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where s ? 'Condition'
order by 1, 2;

-- name: role25_roles_with_same_trust
select md5(assume_role_policy_std::text) as trust_hash, count(*) as roles, min(name) as first, max(name) as last
from aws_iam_role
group by 1
having count(*) > 1
order by roles desc, trust_hash;

-- name: ev25_events_per_day
select date_trunc('day', event_time) as day, count(*) as events, count(distinct event_name) as names
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: ev25_top_event_sources
select event_source, count(*) as events, round(100.0 * count(*) / sum(count(*)) over (), 2) as pct
from aws_cloudtrail_trail_event
group by event_source
order by events desc, event_source
limit 20;

-- name: ev25_errors_by_code
select coalesce(error_code, 'success') as outcome, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 2 desc, 1;

-- name: ev25_access_denied_callers
select user_identity ->> 'arn' as caller, count(*) as denied, min(event_time) as first, max(event_time) as last
from aws_cloudtrail_trail_event
where error_code in ('AccessDenied', 'Client.UnauthorizedOperation', 'AccessDeniedException')
group by 1
order by denied desc, caller nulls last;

-- name: ev25_identity_types
select user_identity ->> 'type' as identity_type, user_type, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 3 desc, 1 nulls last, 2 nulls last;

-- name: ev25_root_activity
select event_time, event_name, source_ip_address, user_agent
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'Root'
order by event_time, event_name, event_id;

-- name: ev25_console_logins
select event_time, username, response_elements ->> 'ConsoleLogin' as result,
  additional_event_data ->> 'MFAUsed' as mfa_used
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
order by event_time, event_id;

-- name: ev25_iam_changes
select event_time, event_name, coalesce(request_parameters ->> 'userName', request_parameters ->> 'roleName',
  request_parameters ->> 'policyArn') as target
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and not read_only
order by event_time, event_id;

-- name: ev25_assume_role_sessions
select request_parameters ->> 'roleArn' as role_arn, count(*) as sessions,
  count(distinct source_ip_address) as ips
from aws_cloudtrail_trail_event
where event_name = 'AssumeRole'
group by 1
order by sessions desc, role_arn nulls last;

-- name: ev25_ip_classes
select case
    when source_ip_address ~ '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' then 'ipv4'
    when source_ip_address like '%:%' then 'ipv6'
    when source_ip_address like '%.amazonaws.com' then 'aws service'
    else 'other' end as kind, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: ev25_user_agent_family
select split_part(split_part(user_agent, ' ', 1), '/', 1) as agent, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 2 desc, 1
limit 15;

-- name: ev25_hourly_histogram
select extract(hour from event_time) as hour, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: ev25_events_last_seen_age
select event_name, max(event_time) as last_seen, date_part('day', now() - max(event_time)) as days_ago
from aws_cloudtrail_trail_event
group by event_name
order by last_seen desc, event_name
limit 25;

-- name: ev25_read_only_ratio
select event_source, count(*) filter (where read_only) as reads, count(*) filter (where not read_only) as writes
from aws_cloudtrail_trail_event
group by event_source
having count(*) > 10
order by event_source;

-- name: ev25_session_mfa_flag
select user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1 nulls first;

-- name: ev25_session_issuer
select user_identity #>> '{sessionContext,sessionIssuer,type}' as issuer_type,
  user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer, count(*)
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'AssumedRole'
group by 1, 2
order by 3 desc, 2 nulls last;

-- name: ev25_resources_arns
select e.event_name, r ->> 'type' as resource_type, count(*)
from aws_cloudtrail_trail_event as e, jsonb_array_elements(e.resources) as r
group by 1, 2
order by 3 desc, 1, 2 nulls last;

-- name: ev25_access_key_usage
select access_key_id, left(access_key_id, 4) as kind, count(*) as calls,
  min(event_time)::date as first_day, max(event_time)::date as last_day
from aws_cloudtrail_trail_event
where access_key_id is not null
group by access_key_id
order by calls desc, access_key_id
limit 20;

-- name: ev25_burst_per_minute
select username, date_trunc('minute', event_time) as minute, count(*) as calls
from aws_cloudtrail_trail_event
group by 1, 2
having count(*) >= 20
order by calls desc, minute, username nulls last;

-- name: ev25_gap_between_calls
select username, event_time, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap
from aws_cloudtrail_trail_event
where username is not null and event_name like 'List%'
order by username, event_time, gap nulls first
limit 50;

-- name: ev25_regions_per_caller
select user_identity ->> 'arn' as caller, count(distinct aws_region) as regions,
  string_agg(distinct aws_region, ',') as region_list
from aws_cloudtrail_trail_event
group by 1
having count(distinct aws_region) > 1
order by regions desc, caller nulls last;

-- name: ev25_create_access_key_events
select event_time, request_parameters ->> 'userName' as for_user, response_elements #>> '{accessKey,accessKeyId}' as key_id,
  response_elements #>> '{accessKey,status}' as status
from aws_cloudtrail_trail_event
where event_name = 'CreateAccessKey'
order by event_time, event_id;

-- name: ev25_stop_logging
select event_time, event_name, request_parameters ->> 'name' as trail, username
from aws_cloudtrail_trail_event
where event_name in ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors')
order by event_time, event_id;

-- name: ev25_tls_versions
select tls_details ->> 'tlsVersion' as tls, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1 nulls first;

-- name: ev25_event_types
select event_type, event_category, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 1 nulls first, 2 nulls first;

-- name: ev25_distinct_on_first_call
select distinct on (username) username, event_time, event_name
from aws_cloudtrail_trail_event
where username is not null
order by username, event_time, event_name, event_id;

-- name: ev25_cte_new_ips
with first_seen as (
  select source_ip_address, min(event_time) as first_time
  from aws_cloudtrail_trail_event
  group by source_ip_address
)
select source_ip_address, first_time, to_char(first_time, 'YYYY-MM-DD HH24:MI') as first_text
from first_seen
order by first_time desc, source_ip_address nulls last
limit 30;

-- name: ev25_generate_series_hours
select h as hour_start, count(e.event_id) as events
from generate_series(date_trunc('hour', (select min(event_time) from aws_cloudtrail_trail_event)),
    date_trunc('hour', (select min(event_time) from aws_cloudtrail_trail_event)) + interval '12 hours',
    interval '1 hour') as h
  left join aws_cloudtrail_trail_event as e on e.event_time >= h and e.event_time < h + interval '1 hour'
group by h
order by h;

-- name: ev25_request_parameter_keys
select k, count(*)
from aws_cloudtrail_trail_event as e, jsonb_object_keys(e.request_parameters) as k
where jsonb_typeof(e.request_parameters) = 'object'
group by k
order by 2 desc, 1
limit 30;

-- name: ev25_error_message_trimmed
select error_code, left(regexp_replace(error_message, '[0-9]{12}', '<account>', 'g'), 60) as message, count(*)
from aws_cloudtrail_trail_event
where error_message is not null
group by 1, 2
order by 3 desc, 1, 2
limit 20;

-- name: ev25_recipient_vs_region
select recipient_account_id, aws_region, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 1 nulls first, 2;

-- name: ev25_epoch_ms
select event_id, timestamp_ms, (extract(epoch from event_time) * 1000)::bigint = timestamp_ms as same_ms
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: ev25_week_buckets
select date_trunc('week', event_time)::date as week, count(*), count(distinct username) as users
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: ev25_events_window_running
select day, events, sum(events) over (order by day) as running_total
from (select event_time::date as day, count(*) as events from aws_cloudtrail_trail_event group by 1) as d
order by day;

-- name: ev25_vpc_endpoint_calls
select coalesce(vpc_endpoint_id, '(public)') as endpoint, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 2 desc, 1;

-- name: ev25_get_secret_or_kms
select event_source, event_name, count(*) as calls, count(distinct user_identity ->> 'arn') as callers
from aws_cloudtrail_trail_event
where event_source in ('secretsmanager.amazonaws.com', 'kms.amazonaws.com', 'ssm.amazonaws.com')
group by 1, 2
order by 1, 2;

-- name: ev25_username_split_session
select user_identity ->> 'arn' as arn, split_part(user_identity ->> 'arn', '/', 3) as session_name
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'AssumedRole'
group by 1, 2
order by 1;

-- name: ev25_age_of_events_bucket
select case when age(now(), event_time) < interval '1 year' then 'this year'
    when age(now(), event_time) < interval '3 years' then '1-3 years' else 'older' end as bucket, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: ev25_user_identity_keys
select k, count(*)
from aws_cloudtrail_trail_event as e, jsonb_object_keys(e.user_identity) as k
group by k
order by 2 desc, 1;

-- name: ev25_failed_then_success
select username, count(*) filter (where error_code is not null) as failures,
  count(*) filter (where error_code is null) as successes,
  bool_and(error_code is null) as never_failed
from aws_cloudtrail_trail_event
where username is not null
group by username
order by failures desc, username
limit 25;

-- name: misc25_to_char_long_month
select name, to_char(create_date, 'FMMonth DD, YYYY') as created, to_char(create_date, 'Dy, DD Mon YYYY HH24:MI:SS') as rfc
from aws_iam_user
order by account_id, name;

-- name: misc25_interval_text
select name, (date_trunc('day', now()) - date_trunc('day', create_date))::text as age_text
from aws_iam_group
order by account_id, name;

-- name: misc25_age_text
select name, age(date_trunc('day', now()), date_trunc('day', create_date))::text as age_text
from aws_iam_group
order by account_id, name;

-- name: misc25_interval_multiply
select name, create_date + interval '1 day' * 90 as review_due, create_date + 30 * interval '1 day' as first_check
from aws_iam_role
order by account_id, name;

-- name: misc25_make_interval_days
select name, create_date + make_interval(days => 45) as due
from aws_iam_user
order by account_id, name;

-- name: misc25_jsonb_build_object
select jsonb_build_object('user', name, 'mfa', mfa_enabled, 'created', create_date) as doc
from aws_iam_user
order by account_id, name;

-- name: misc25_jsonb_agg_users
select account_id, jsonb_agg(name order by name) as users, jsonb_agg(jsonb_build_object('n', name, 'mfa', mfa_enabled) order by name) as detail
from aws_iam_user
group by account_id
order by account_id;

-- name: misc25_jsonb_strip_nulls
select name, jsonb_strip_nulls(jsonb_build_object('path', path, 'boundary', permissions_boundary_arn, 'team', tags ->> 'team')) as doc
from aws_iam_user
order by account_id, name;

-- name: misc25_array_to_string
select account_id, array_to_string(array_agg(name order by name), ';') as names, cardinality(array_agg(name)) as n
from aws_iam_group
group by account_id
order by account_id;

-- name: misc25_array_position_service
select distinct a, array_position(array['iam', 's3', 'ec2', 'sts', 'kms'], split_part(a, ':', 1)) as pos
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as a
where not p.is_aws_managed
order by a;

-- name: misc25_unnest_with_ordinality
select r.account_id, r.name, t.part, t.n
from aws_iam_role as r, unnest(string_to_array(r.path, '/')) with ordinality as t(part, n)
where r.path <> '/'
order by 1, 2, 4;

-- name: misc25_regexp_match_account
select distinct (regexp_match(arn, 'arn:aws:iam::([0-9]+):'))[1] as account, account_id
from aws_iam_role
order by 1;

-- name: misc25_substring_regex
select name, substring(arn from ':(role|user)/') as kind, substring(arn from '[^/]+$') as last
from aws_iam_role
order by account_id, name;

-- name: misc25_position_overlay
select name, position('/' in path) as first_slash, overlay(name placing '***' from 1 for 3) as masked
from aws_iam_user
order by account_id, name;

-- name: misc25_translate_replace
select name, translate(name, 'aeiou', '') as consonants, replace(lower(name), '-', '_') as snake
from aws_iam_user
order by account_id, name;

-- name: misc25_lpad_rpad
select lpad(name, 20, '.') as right_aligned, rpad(left(name, 10), 12, '-') as cut
from aws_iam_group
order by account_id, name;

-- name: misc25_date_bin_hour
select date_bin('15 minutes', event_time, timestamptz '2000-01-01') as bucket, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 2 desc, 1
limit 10;

-- name: misc25_extract_week_quarter
select extract(week from create_date) as week, extract(quarter from create_date) as quarter, extract(doy from create_date) as doy, name
from aws_iam_user
order by account_id, name;

-- name: misc25_epoch_difference
select name, (extract(epoch from now()) - extract(epoch from create_date)) / 86400 > 365 as older_than_a_year
from aws_iam_user
order by account_id, name;

-- name: misc25_to_timestamp_epoch
select event_id, to_timestamp(timestamp_ms / 1000) as at
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 10;

-- name: misc25_justify_days
select name, justify_days(date_trunc('day', now()) - date_trunc('day', create_date)) > interval '2 years' as over_two
from aws_iam_user
order by account_id, name;

-- name: misc25_greatest_least_dates
select user_name, greatest(access_key_1_last_rotated, access_key_2_last_rotated) as newest_rotation,
  least(access_key_1_last_rotated, access_key_2_last_rotated) as oldest_rotation
from aws_iam_credential_report
order by account_id, user_name;

-- name: misc25_nullif_coalesce_chain
select user_name, coalesce(nullif(access_key_1_last_used_service, 'N/A'), nullif(access_key_2_last_used_service, 'N/A'), 'none') as service
from aws_iam_credential_report
order by account_id, user_name;

-- name: misc25_case_searched_status
select account_id,
  case when count(*) = 0 then 'info' when bool_and(mfa_enabled) then 'ok' else 'alarm' end as status,
  count(*) filter (where not mfa_enabled) || ' of ' || count(*) || ' users without MFA' as reason
from aws_iam_user
group by account_id
order by account_id;

-- name: misc25_string_agg_nested
select account_id, string_agg(name || '(' || jsonb_array_length(coalesce(attached_policy_arns, '[]')) || ')', ' ' order by name) as summary
from aws_iam_group
group by account_id
order by account_id;

-- name: misc25_jsonb_path_query_actions
select p.name, jsonb_path_query_array(p.policy_std, '$.Statement[*].Effect') as effects
from aws_iam_policy as p
where not p.is_aws_managed
order by p.name, p.account_id, p.arn;

-- name: misc25_jsonb_path_exists_star
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Resource[*] == "*")') as star
from aws_iam_policy
where not is_aws_managed
order by name, account_id, arn;

-- name: misc25_jsonb_each_text_tags
select r.account_id, r.name, t.key, t.value
from aws_iam_role as r, jsonb_each_text(r.tags) as t
order by 1, 2, 3;

-- name: misc25_exists_operator_any_key
select account_id, name, tags ?| array['Owner', 'owner', 'team'] as has_owner_tag, tags ?& array['Name'] as named
from aws_iam_role
where tags is not null
order by 1, 2;

-- name: misc25_contained_by
select account_id, name
from aws_iam_user
where '{"Name": "x"}'::jsonb <@ tags or tags <@ '{}'::jsonb
order by 1, 2;

-- name: misc25_concat_ws_reason
select arn as resource, concat_ws(' ', name, 'created', to_char(create_date, 'YYYY-MM-DD'), case when mfa_enabled then 'with MFA' end) as reason
from aws_iam_user
order by account_id, name;

-- name: misc25_format_reason
select format('%s (%s) has %s attached policies', name, account_id, jsonb_array_length(coalesce(attached_policy_arns, '[]'))) as reason
from aws_iam_role
order by account_id, name;

-- name: misc25_filter_window
select account_id, name, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_users
from aws_iam_user
order by 1, 2;

-- name: misc25_lateral_limit_latest_key
select u.account_id, u.name, k.access_key_id, k.create_date
from aws_iam_user as u
  left join lateral (select access_key_id, create_date from aws_iam_access_key as ak
    where ak.account_id = u.account_id and ak.user_name = u.name order by create_date desc, access_key_id limit 1) as k on true
order by 1, 2;

-- name: misc25_in_subquery_admin_groups
select account_id, name
from aws_iam_user as u
where exists (select 1 from jsonb_array_elements(u.groups) g
  where g ->> 'GroupName' in (select name from aws_iam_group where attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess'))
order by 1, 2;

-- name: misc25_interval_compare_hours
select name, max_session_duration * interval '1 second' as max_session, max_session_duration * interval '1 second' > interval '1 hour' as long_sessions
from aws_iam_role
order by account_id, name;

-- name: misc25_date_part_hours_interval
select name, date_part('hour', max_session_duration * interval '1 second') as hours,
  date_part('epoch', max_session_duration * interval '1 second') / 60 as minutes
from aws_iam_role
order by account_id, name;

-- name: misc25_password_policy_summary
select account_id, minimum_password_length, coalesce(max_password_age::text, 'never') as max_age,
  concat_ws(',', case when require_symbols then 'symbols' end, case when require_numbers then 'numbers' end,
    case when require_uppercase_characters then 'upper' end, case when require_lowercase_characters then 'lower' end) as requires
from aws_iam_account_password_policy
order by account_id;

-- name: misc25_account_summary_quota
select account_id, users, users_quota, round(100.0 * users / nullif(users_quota, 0), 2) as used_pct,
  account_mfa_enabled, account_access_keys_present
from aws_iam_account_summary
order by account_id;

-- name: misc25_trail_settings
select account_id, name, is_multi_region_trail, log_file_validation_enabled, coalesce(kms_key_id, 'none') as kms,
  case when is_logging then 'logging' else 'stopped' end as state
from aws_cloudtrail_trail
where region = home_region
order by 1, 2;

-- name: misc25_trail_delivery_age
select account_id, name, date_part('day', now() - latest_delivery_time) as days_since_delivery,
  latest_cloudwatch_logs_delivery_time is not null as to_cloudwatch
from aws_cloudtrail_trail
where region = home_region
order by 1, 2;

-- name: misc25_trail_event_selectors
select t.account_id, t.name, s ->> 'ReadWriteType' as rw, (s ->> 'IncludeManagementEvents')::boolean as management
from aws_cloudtrail_trail as t, jsonb_array_elements(t.event_selectors) as s
where t.region = t.home_region
order by 1, 2, 3;

-- name: misc25_trail_advanced_selectors
select t.account_id, t.name, a ->> 'Name' as selector, f ->> 'Field' as field, f -> 'Equals' as equals
from aws_cloudtrail_trail as t, jsonb_array_elements(t.advanced_event_selectors) as a,
  jsonb_array_elements(a -> 'FieldSelectors') as f
where t.region = t.home_region
order by 1, 2, 3, 4;

-- name: misc25_account_aliases
select account_id, coalesce(account_aliases ->> 0, account_id) as display, jsonb_array_length(account_aliases) as aliases
from aws_account
order by account_id;

-- name: x25_to_char_iso_week
select name, to_char(create_date, 'IYYY-"W"IW') as iso_week, to_char(create_date, 'HH12:MI AM') as clock, to_char(create_date, 'TMMonth') as tm_month
from aws_iam_user
order by account_id, name;

-- name: x25_negative_interval_text
select name, (date_trunc('day', create_date) - date_trunc('day', now()))::text as until_created
from aws_iam_group
order by account_id, name;

-- name: x25_interval_divide
select name, (interval '1 mon' / 2)::text as half_month, (date_trunc('second', now() - create_date) / 7 > interval '30 days') as weekly
from aws_iam_group
order by account_id, name;

-- name: x25_percentile_mode
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median_session,
  mode() within group (order by max_session_duration) as common_session
from aws_iam_role
group by account_id
order by account_id;

-- name: x25_regexp_split_to_table_path
select r.name, part
from aws_iam_role as r, regexp_split_to_table(trim(both '/' from r.path), '/') as part
where r.path <> '/'
order by r.account_id, r.name, part;

-- name: x25_md5_sha
select name, md5(arn) as h, encode(sha256(arn::bytea), 'hex') as sha
from aws_iam_group
order by account_id, name;

-- name: x25_like_any_lower
select account_id, name
from aws_iam_role
where lower(name) like any (array['%admin%', '%ops%', 'aws%'])
order by 1, 2;

-- name: x25_string_to_table
select g.name, m
from aws_iam_group as g, string_to_table(coalesce((select string_agg(u ->> 'UserName', ',') from jsonb_array_elements(g.users) u), ''), ',') as m
order by g.account_id, g.name, m;

-- name: x25_to_jsonb_row
select to_jsonb(t) as doc
from (select name, path, mfa_enabled from aws_iam_user) as t
order by t.name, t.path, t.mfa_enabled;

-- name: x25_row_to_json
select row_to_json(t)::text as doc
from (select name, max_session_duration from aws_iam_role) as t
order by 1;

-- name: x25_jsonb_object_agg
select account_id, jsonb_object_agg(name, mfa_enabled) as mfa_by_user
from aws_iam_user
group by account_id
order by account_id;

-- name: x25_array_overlap
select account_id, name
from aws_iam_role
where array(select jsonb_array_elements_text(attached_policy_arns)) && array['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/PowerUserAccess']
order by 1, 2;

-- name: x25_array_contains
select account_id, name, array_remove(string_to_array(path, '/'), '') as segments
from aws_iam_user
where string_to_array(path, '/') @> array['']
order by 1, 2;

-- name: x25_any_string_to_array
select account_id, name
from aws_iam_user
where 'admins' = any(string_to_array(lower(coalesce((select string_agg(g ->> 'GroupName', ',') from jsonb_array_elements(groups) g), '')), ','))
order by 1, 2;

-- name: x25_similar_to
select name, name similar to '[a-z]+(-[a-z]+)*' as kebab, name ilike '%TEST%' as test_name
from aws_iam_user
order by account_id, name;

-- name: x25_date_plus_integer
select name, create_date::date + 90 as due_date, (create_date::date + 90) - current_date as days_left
from aws_iam_user
order by account_id, name;

-- name: x25_count_distinct_row
select count(distinct (account_id, user_name)) as users, count(distinct access_key_id) as keys
from aws_iam_access_key;

-- name: x25_grouping_sets
select account_id, status, count(*)
from aws_iam_access_key
group by grouping sets ((account_id, status), (account_id), ())
order by 1 nulls last, 2 nulls last;

-- name: x25_cube_read_only
select event_source, read_only, count(*)
from aws_cloudtrail_trail_event
where event_source in ('iam.amazonaws.com', 'sts.amazonaws.com')
group by cube (event_source, read_only)
order by 1 nulls last, 2 nulls last;

-- name: x25_jsonb_pretty_len
select name, length(jsonb_pretty(assume_role_policy_std)) as pretty_length
from aws_iam_role
order by account_id, name;

-- name: x25_generate_series_timestamps_step
select t, to_char(t, 'YYYY-MM-DD HH24') as label
from generate_series(timestamptz '2025-06-15 00:00+00', timestamptz '2025-06-15 06:00+00', interval '90 minutes') as t
order by t;

-- name: x25_age_months_fields
select name, date_part('year', age(now(), create_date)) * 12 + date_part('month', age(now(), create_date)) as months_old
from aws_iam_user
order by account_id, name;

-- name: x25_numeric_round_pct
select account_id, round(avg(jsonb_array_length(coalesce(attached_policy_arns, '[]'))), 2) as avg_attached,
  round(stddev_pop(max_session_duration)::numeric, 1) as sd
from aws_iam_role
group by account_id
order by account_id;

-- name: x25_coalesce_jsonb_default
select name, coalesce(tags, '{}'::jsonb) ? 'Name' as has_name, coalesce(tags -> 'Name', '"none"') as name_tag
from aws_iam_role
order by account_id, name;

-- name: x25_jsonb_typeof_mix
select jsonb_typeof(value) as t, count(*)
from aws_iam_role as r, jsonb_each(r.assume_role_policy_std) as e
group by 1
order by 1;

-- name: x25_order_by_ordinal_desc_nulls
select name, role_last_used_date
from aws_iam_role
order by 2 desc nulls last, 1, account_id;

-- name: x25_case_in_order_by
select name, path
from aws_iam_role
order by case when path = '/' then 0 else 1 end, name, account_id;

-- name: x25_union_distinct_names
select name from aws_iam_user
union
select name from aws_iam_role
intersect
select name from aws_iam_group
order by 1;

-- name: x25_except_users_without_keys
select account_id, name from aws_iam_user
except
select account_id, user_name from aws_iam_access_key
order by 1, 2;

-- name: x25_timezone_at
select name, create_date at time zone 'America/New_York' as ny, (create_date at time zone 'UTC')::date as utc_day
from aws_iam_group
order by account_id, name;

-- name: x26_lateral_statement_actions_per_policy
select p.arn, s ->> 'Effect' as effect, a as action
from aws_iam_policy as p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') as s
  cross join lateral jsonb_array_elements_text(s -> 'Action') as a
where not p.is_aws_managed;

-- name: x26_left_join_lateral_resources_with_ordinality
select p.name, r.resource, r.n
from aws_iam_policy as p
  left join lateral jsonb_array_elements_text(p.policy_std -> 'Statement' -> 0 -> 'Resource')
    with ordinality as r(resource, n) on true
where p.account_id is not null and not p.is_aws_managed;

-- name: x26_service_prefixes_of_allowed_actions
select distinct split_part(a, ':', 1) as service
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where s ->> 'Effect' = 'Allow';

-- name: x26_count_actions_per_service_desc
select split_part(a, ':', 1) as service, count(*) as actions, count(distinct p.arn) as policies
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
group by 1
order by actions desc, service;

-- name: x26_jsonb_path_query_actions
select p.name, jsonb_path_query(p.policy_std, '$.Statement[*].Action[*]') #>> '{}' as action
from aws_iam_policy as p
where not p.is_aws_managed;

-- name: x26_jsonb_path_query_allow_resources
select p.arn, r #>> '{}' as resource
from aws_iam_policy as p,
  jsonb_path_query(p.policy_std, '$.Statement[*] ? (@.Effect == "Allow").Resource[*]') as r
where p.attachment_count > 0;

-- name: x26_jsonb_path_exists_star
select name, jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ == "*")') as has_star
from aws_iam_policy
where not is_aws_managed;

-- name: x26_jsonb_path_query_first_condition
select name, jsonb_path_query_first(policy_std, '$.Statement[*].Condition') as first_condition
from aws_iam_policy
where policy_std::text like '%Condition%';

-- name: x26_trust_principal_chain
select r.name, s -> 'Principal' ->> 'Service' as service_text,
  s -> 'Principal' -> 'AWS' ->> 0 as first_aws, s #>> '{Condition,StringEquals}' as equals
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s;

-- name: x26_trust_principal_types
select jsonb_typeof(s -> 'Principal') as principal_type, jsonb_typeof(s -> 'Principal' -> 'AWS') as aws_type,
  count(*) as statements
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy -> 'Statement') as s
group by 1, 2;

-- name: x26_raw_policy_statement_shape
select name, jsonb_typeof(policy -> 'Statement') as statement_type,
  case jsonb_typeof(policy -> 'Statement') when 'array' then jsonb_array_length(policy -> 'Statement') else 1 end as n
from aws_iam_policy
where policy is not null;

-- name: x26_action_type_in_raw_policy
select p.name, jsonb_typeof(s -> 'Action') as action_type, jsonb_typeof(s -> 'Resource') as resource_type
from aws_iam_policy as p,
  jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement'
    else jsonb_build_array(p.policy -> 'Statement') end) as s
where not p.is_aws_managed;

-- name: x26_contains_star_action
select arn, policy_std -> 'Statement' @> '[{"Effect": "Allow", "Action": ["*"]}]' as allows_star
from aws_iam_policy
where attachment_count > 0;

-- name: x26_contains_assume_role_service
select name, assume_role_policy_std @> '{"Statement": [{"Principal": {"Service": ["lambda.amazonaws.com"]}}]}' as lambda
from aws_iam_role;

-- name: x26_contained_by_tags
select name, tags <@ '{"Environment": "prod", "Team": "platform"}'::jsonb as only_known_tags
from aws_iam_role
where tags is not null;

-- name: x26_question_key_exists
select name, tags ? 'Name' as has_name, tags ?| array['owner', 'Owner'] as has_owner,
  tags ?& array['Name', 'Environment'] as has_both
from aws_iam_user;

-- name: x26_statement_has_condition
select p.name, s ? 'Condition' as conditional, s ? 'NotAction' as not_action, s ? 'Sid' as has_sid
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed;

-- name: x26_condition_keys_lateral
select r.name, k as operator, ck as condition_key
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_object_keys(s -> 'Condition') as k,
  jsonb_object_keys(s -> 'Condition' -> k) as ck;

-- name: x26_jsonb_each_text_tags
select u.name, t.key, t.value
from aws_iam_user as u, jsonb_each_text(u.tags) as t
where u.tags is not null and u.tags <> '{}';

-- name: x26_tags_src_elements
select r.name, t ->> 'Key' as tag_key, t ->> 'Value' as tag_value
from aws_iam_role as r, jsonb_array_elements(r.tags_src) as t;

-- name: x26_group_members_lateral
select g.name as group_name, u ->> 'UserName' as member, (u ->> 'CreateDate')::timestamptz as member_created
from aws_iam_group as g, jsonb_array_elements(g.users) as u;

-- name: x26_user_groups_array_agg
select u.name, array_agg(g ->> 'GroupName' order by g ->> 'GroupName') as groups
from aws_iam_user as u, jsonb_array_elements(u.groups) as g
group by u.account_id, u.name;

-- name: x26_attached_policy_arns_text
select u.name, split_part(a, '/', -1) as policy_name, a like 'arn:aws:iam::aws:policy/%' as aws_managed
from aws_iam_user as u, jsonb_array_elements_text(u.attached_policy_arns) as a;

-- name: x26_role_attached_admin
select r.arn, r.attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess' as admin,
  jsonb_array_length(coalesce(r.attached_policy_arns, '[]')) as attached
from aws_iam_role as r;

-- name: x26_inline_policy_names
select r.name, i ->> 'PolicyName' as policy_name, jsonb_array_length(i -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_role as r, jsonb_array_elements(r.inline_policies_std) as i;

-- name: x26_event_user_identity_chain
select event_id, user_identity ->> 'type' as identity_type, user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName' as issuer,
  user_identity #>> '{sessionContext,attributes,mfaAuthenticated}' as mfa
from aws_cloudtrail_trail_event;

-- name: x26_event_request_parameter_types
select event_name, jsonb_typeof(request_parameters) as params_type, count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2;

-- name: x26_event_resources_lateral
select e.event_id, r ->> 'ARN' as resource_arn, r ->> 'type' as resource_type
from aws_cloudtrail_trail_event as e, jsonb_array_elements(e.resources) as r
where jsonb_typeof(e.resources) = 'array';

-- name: x26_event_request_keys
select k as parameter, count(*) as events
from aws_cloudtrail_trail_event as e, jsonb_object_keys(e.request_parameters) as k
where jsonb_typeof(e.request_parameters) = 'object'
group by k;

-- name: x26_event_contains_policy_arn
select event_id, event_name
from aws_cloudtrail_trail_event
where request_parameters @> '{"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}';

-- name: x26_event_has_error_key
select event_source, cloudtrail_event ? 'errorCode' as failed, count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2;

-- name: x26_event_path_query_session_name
select event_id, jsonb_path_query_first(user_identity, '$.sessionContext.sessionIssuer.arn') #>> '{}' as issuer_arn
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'AssumedRole';

-- name: x26_mfa_devices_elements
select u.name, d ->> 'SerialNumber' as serial, (d ->> 'EnableDate')::timestamptz as enabled
from aws_iam_user as u, jsonb_array_elements(u.mfa_devices) as d;

-- name: x26_credential_report_jsonb_build
select user_name, jsonb_build_object('mfa', mfa_active, 'password', password_enabled, 'key1', access_key_1_active) as summary
from aws_iam_credential_report;

-- name: x26_jsonb_agg_ordered_roles
select account_id, jsonb_agg(name order by name) as roles
from aws_iam_role
where path <> '/'
group by account_id;

-- name: x26_jsonb_object_agg_tag_counts
select jsonb_object_agg(k, n) as tag_key_counts
from (select key as k, count(*) as n from aws_iam_role, jsonb_each(tags) group by key) as t;

-- name: x26_jsonb_strip_nulls_and_set
select name, jsonb_set(coalesce(tags, '{}'), '{audited}', 'true') as stamped,
  jsonb_strip_nulls(jsonb_build_object('boundary', permissions_boundary_arn, 'path', path)) as facts
from aws_iam_user;

-- name: x26_jsonb_minus_key
select name, tags - 'Name' as other_tags, tags ->> 'Name' as tag_name
from aws_iam_user
where tags <> '{}';

-- name: x26_jsonb_concat_objects
select name, coalesce(tags, '{}') || jsonb_build_object('account', account_id) as labelled
from aws_iam_role;

-- name: x26_not_action_statements
select p.arn, s -> 'NotAction' as not_action
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ? 'NotAction' and s ->> 'Effect' = 'Allow';

-- name: x26_wildcard_resource_any
select p.name, count(*) filter (where r = '*') as star_resources, count(*) as resources
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Resource') as r
group by p.arn, p.name;

-- name: x26_jsonb_array_elements_text_in_where
select name
from aws_iam_role
where 'sts:assumerole' in (
  select jsonb_array_elements_text(s -> 'Action') from jsonb_array_elements(assume_role_policy_std -> 'Statement') as s);

-- name: x26_exists_lateral_star
select p.arn, exists (
  select 1 from jsonb_array_elements(p.policy_std -> 'Statement') as s
  where s ->> 'Effect' = 'Allow' and s -> 'Action' ? '*') as grants_all
from aws_iam_policy as p;

-- name: x26_federated_principals
select r.name, f as provider
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Federated') as f;

-- name: x26_cross_account_principals
select r.name, split_part(p, ':', 5) as trusted_account
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
where split_part(p, ':', 5) <> r.account_id;

-- name: x26_policy_version_documents
select p.name, v ->> 'VersionId' as version, (v ->> 'IsDefaultVersion')::bool as is_default
from aws_iam_policy as p, jsonb_array_elements(p.policy_versions) as v
where jsonb_typeof(p.policy_versions) = 'array';

-- name: x26_array_agg_order_filter_mfa
select account_id, array_agg(name order by name) filter (where not mfa_enabled) as without_mfa,
  array_agg(name order by create_date desc, name) filter (where mfa_enabled) as with_mfa
from aws_iam_user
group by account_id;

-- name: x26_string_agg_ordered_distinct
select account_id, string_agg(distinct path, ', ') as paths, string_agg(name, ';' order by name desc) as names
from aws_iam_role
group by account_id;

-- name: x26_string_agg_filter_services
select e.event_source, string_agg(distinct e.event_name, ',' order by e.event_name) filter (where e.error_code is null) as ok_calls
from aws_cloudtrail_trail_event as e
group by e.event_source;

-- name: x26_count_filter_by_status
select account_id, count(*) filter (where status = 'Active') as active, count(*) filter (where status <> 'Active') as inactive
from aws_iam_access_key
group by account_id;

-- name: x26_array_length_of_agg
select account_id, array_length(array_agg(distinct event_name), 1) as distinct_events
from aws_cloudtrail_trail_event
group by account_id;

-- name: x26_date_part_days_since_created
select name, date_part('day', now() - create_date) as days, extract(year from create_date) as year
from aws_iam_user;

-- name: x26_age_of_access_keys
select access_key_id, age(now(), create_date) > interval '90 days' as stale,
  date_part('year', age(create_date)) as years_old
from aws_iam_access_key;

-- name: x26_now_minus_interval_filter
select name, create_date
from aws_iam_role
where create_date < now() - interval '365 days';

-- name: x26_current_date_minus_integer
select user_name, password_last_used::date as last_day, current_date - password_last_used::date as days_idle
from aws_iam_credential_report
where password_last_used is not null;

-- name: x26_date_trunc_month_counts
select date_trunc('month', event_time) as month, count(*) as events
from aws_cloudtrail_trail_event
group by 1;

-- name: x26_date_trunc_week_and_day
select date_trunc('week', create_date)::date as week, date_trunc('day', create_date) as day, name
from aws_iam_user;

-- name: x26_extract_epoch_difference
select name, extract(epoch from (now() - create_date)) / 86400 > 30 as older_than_30_days,
  floor(extract(epoch from now() - create_date) / 3600)::bigint > 0 as some_hours
from aws_iam_group;

-- name: x26_interval_arithmetic_expiry
select access_key_id, create_date + interval '90 days' as rotate_by,
  (create_date + interval '1 year')::date as expires
from aws_iam_access_key;

-- name: x26_interval_multiplied
select name, max_session_duration * interval '1 second' as session, max_session_duration / 3600 as hours
from aws_iam_role;

-- name: x26_hour_of_day_histogram
select extract(hour from event_time)::int as hour, count(*) as events
from aws_cloudtrail_trail_event
group by 1;

-- name: x26_day_of_week_names
select to_char(event_time, 'Dy') as weekday, extract(isodow from event_time) as dow, count(*)
from aws_cloudtrail_trail_event
group by 1, 2;

-- name: x26_regexp_replace_account_in_arn
select name, regexp_replace(arn, '::[0-9]{12}:', '::<account>:') as masked
from aws_iam_role;

-- name: x26_regexp_replace_global_flag
select name, regexp_replace(name, '[aeiou]', '*', 'g') as no_vowels, regexp_replace(name, '[AEIOU]', '_', 'gi') as ci
from aws_iam_user;

-- name: x26_regexp_matches_flags
select name, regexp_matches(name, '(admin|ops)', 'i') as found
from aws_iam_role;

-- name: x26_regexp_matches_global_rows
select name, m[1] as digits
from aws_iam_user, regexp_matches(name, '([0-9]+)', 'g') as m;

-- name: x26_regexp_match_user_agent
select (regexp_match(user_agent, '^([A-Za-z-]+)/'))[1] as client, count(*) as events
from aws_cloudtrail_trail_event
group by 1;

-- name: x26_split_part_arn_pieces
select arn, split_part(arn, ':', 3) as service, split_part(arn, ':', 5) as account, split_part(split_part(arn, ':', 6), '/', 1) as kind
from aws_iam_policy
where not is_aws_managed;

-- name: x26_split_part_event_source
select split_part(event_source, '.', 1) as service, count(*)
from aws_cloudtrail_trail_event
group by 1;

-- name: x26_tilde_operators
select name, name ~ '^[a-z]' as lower_start, name ~* 'ADMIN' as admin_like, name !~ '[0-9]' as no_digits
from aws_iam_role;

-- name: x26_substring_regex
select event_id, substring(user_agent from '[0-9]+\.[0-9]+') as version
from aws_cloudtrail_trail_event;

-- name: x26_generate_series_days
select d::date as day, count(e.event_id) as events
from generate_series(date '2019-01-01', date '2019-01-10', interval '1 day') as d
  left join aws_cloudtrail_trail_event as e on e.event_time::date = d::date
group by 1;

-- name: x26_generate_series_integers
select n, n * n as square, n % 3 = 0 as fizz
from generate_series(1, 15) as n;

-- name: x26_generate_series_statement_index
select p.name, i, p.policy_std -> 'Statement' -> i ->> 'Effect' as effect
from aws_iam_policy as p, generate_series(0, jsonb_array_length(p.policy_std -> 'Statement') - 1) as i
where not p.is_aws_managed;

-- name: x26_distinct_on_latest_event_per_user
select distinct on (username) username, event_name, event_time
from aws_cloudtrail_trail_event
where username is not null
order by username, event_time desc, event_id;

-- name: x26_distinct_on_newest_key
select distinct on (account_id, user_name) account_id, user_name, access_key_id, create_date
from aws_iam_access_key
order by account_id, user_name, create_date desc, access_key_id;

-- name: x26_row_number_per_account
select account_id, name, row_number() over (partition by account_id order by create_date, name) as n
from aws_iam_role;

-- name: x26_rank_and_dense_rank
select name, attachment_count, rank() over (order by attachment_count desc) as r,
  dense_rank() over (order by attachment_count desc) as dr
from aws_iam_policy
where not is_aws_managed;

-- name: x26_running_count_frame
select event_id, event_time,
  count(*) over (order by event_time, event_id rows between unbounded preceding and current row) as running
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com';

-- name: x26_moving_window_rows
select event_id, count(*) over (partition by event_source order by event_time, event_id rows between 2 preceding and 2 following) as nearby
from aws_cloudtrail_trail_event;

-- name: x26_range_interval_frame
select event_id, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event
where event_source = 'sts.amazonaws.com';

-- name: x26_lag_lead_gaps
select username, event_time, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap,
  lead(event_name) over (partition by username order by event_time, event_id) as next_event
from aws_cloudtrail_trail_event
where username is not null;

-- name: x26_first_last_value_frame
select account_id, name, first_value(name) over w as oldest,
  last_value(name) over (w rows between unbounded preceding and unbounded following) as newest
from aws_iam_user
window w as (partition by account_id order by create_date, name);

-- name: x26_ntile_and_percent_rank
select name, ntile(4) over (order by create_date, name) as quartile,
  round(percent_rank() over (order by create_date, name)::numeric, 4) as pr
from aws_iam_role;

-- name: x26_sum_over_partition_share
select account_id, event_source, count(*) as n,
  round(100.0 * count(*) / sum(count(*)) over (partition by account_id), 2) as pct
from aws_cloudtrail_trail_event
group by account_id, event_source;

-- name: x26_cume_dist
select user_name, create_date, cume_dist() over (order by create_date) as cd
from aws_iam_access_key;

-- name: x26_nullif_credential_sentinels
select user_name, nullif(password_status, 'not_supported') as password_status,
  coalesce(nullif(access_key_1_last_used_region, 'N/A'), 'never') as key1_region
from aws_iam_credential_report;

-- name: x26_coalesce_last_activity
select user_name, coalesce(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date, user_creation_time) as last_seen
from aws_iam_credential_report;

-- name: x26_coalesce_text_defaults
select name, coalesce(description, '') as description, coalesce(role_last_used_region, 'never used') as region,
  coalesce(permissions_boundary_arn, 'none') as boundary
from aws_iam_role;

-- name: x26_nullif_empty_string
select event_id, nullif(error_code, '') is null as succeeded, coalesce(nullif(trim(error_message), ''), '-') as message
from aws_cloudtrail_trail_event;

-- name: x26_cte_chain_admin_users
with admin_policies as (
  select arn from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
  where s ->> 'Effect' = 'Allow' and s -> 'Action' ? '*'
), admin_users as (
  select u.name, u.account_id from aws_iam_user u, jsonb_array_elements_text(u.attached_policy_arns) a
  where a in (select arn from admin_policies)
)
select account_id, count(distinct name) as admins from admin_users group by account_id;

-- name: x26_cte_materialized_counts
with counts as materialized (
  select account_id, count(*) as roles from aws_iam_role group by account_id
)
select a.account_id, coalesce(c.roles, 0) as roles
from aws_account a left join counts c on c.account_id = a.account_id;

-- name: x26_recursive_path_prefixes
with recursive prefixes(name, prefix, rest) as (
  select name, '/', substr(path, 2) from aws_iam_role where path <> '/'
  union all
  select name, prefix || split_part(rest, '/', 1) || '/', substr(rest, length(split_part(rest, '/', 1)) + 2)
  from prefixes where rest <> ''
)
select name, prefix from prefixes;

-- name: x26_recursive_counter_days
with recursive days(d) as (
  select date '2024-01-01'
  union all
  select d + 1 from days where d < date '2024-01-07'
)
select d, to_char(d, 'Day') as weekday from days;

-- name: x26_recursive_role_chain_depth
with recursive trust(child, parent, depth) as (
  select r.arn, p, 1
  from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
    jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
  union
  select t.child, p2, t.depth + 1
  from trust t join aws_iam_role r2 on r2.arn = t.parent,
    jsonb_array_elements(r2.assume_role_policy_std -> 'Statement') s2,
    jsonb_array_elements_text(s2 -> 'Principal' -> 'AWS') p2
  where t.depth < 3
)
select child, parent, depth from trust;

-- name: x26_case_like_ilike
select name,
  case when name ilike '%admin%' then 'admin' when name like 'AWS%' then 'aws' when name like '%\_%' then 'underscore'
    else 'other' end as kind
from aws_iam_role;

-- name: x26_similar_to_names
select name, name similar to '[a-z]+(-[a-z]+)*' as kebab, name similar to '%(Role|role)%' as mentions_role
from aws_iam_role;

-- name: x26_not_like_any_paths
select name, path
from aws_iam_role
where path not like all (array['/aws-service-role/%', '/service-role/%']);

-- name: x26_ilike_any_event_names
select event_name, count(*)
from aws_cloudtrail_trail_event
where event_name ilike any (array['%policy%', '%role%', 'create%'])
group by 1;

-- name: x26_source_ip_inet
select source_ip_address::inet as ip, count(*)
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
group by 1;

-- name: x26_source_ip_private_ranges
select source_ip_address, source_ip_address::inet << '10.0.0.0/8'::cidr or source_ip_address::inet << '172.16.0.0/12'::cidr
  or source_ip_address::inet << '192.168.0.0/16'::cidr as private
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9.]+$';

-- name: x26_inet_host_masklen
select distinct source_ip_address, host(source_ip_address::inet) as host, masklen(source_ip_address::inet) as bits,
  family(source_ip_address::inet) as family
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9.]+$';

-- name: x26_cidr_network_of_ip
select distinct network(set_masklen(source_ip_address::inet, 24))::text as net24
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9.]+$';

-- name: x26_numeric_casts_text
select name, max_session_duration::numeric / 3600 as hours, (max_session_duration::text || 's') as label,
  '3.14159'::numeric(5, 2) as pi
from aws_iam_role;

-- name: x26_text_to_int_cast
select user_name, split_part(user_arn, ':', 5)::bigint as account_number
from aws_iam_credential_report;

-- name: x26_nulls_default_ordering_asc
select name, role_last_used_date
from aws_iam_role
order by role_last_used_date, arn;

-- name: x26_nulls_default_ordering_desc
select name, role_last_used_date
from aws_iam_role
order by role_last_used_date desc, arn;

-- name: x26_nulls_first_last_explicit
select user_name, password_last_used
from aws_iam_credential_report
order by password_last_used nulls first, user_arn desc nulls last;

-- name: x26_order_by_text_nulls
select name, description
from aws_iam_role
order by description desc nulls last, arn;

-- name: x26_integer_division_and_modulo
select name, max_session_duration / 3600 as hours, max_session_duration % 3600 as seconds_left,
  max_session_duration / 7 as sevenths, -max_session_duration / 7 as negative
from aws_iam_role;

-- name: x26_numeric_rounding
select name, round(max_session_duration / 3600.0, 2) as hours, round(max_session_duration::numeric / 7, 3) as r3,
  round(2.5) as r1, round(-2.5) as r2, trunc(max_session_duration / 7.0, 1) as t1
from aws_iam_role;

-- name: x26_avg_rounded
select account_id, round(avg(max_session_duration), 1) as avg_session, avg(max_session_duration)::int as avg_int
from aws_iam_role
group by account_id;

-- name: x26_ceil_floor_percent
select account_id, ceil(100.0 * count(*) filter (where mfa_enabled) / count(*)) as pct_up,
  floor(100.0 * count(*) filter (where mfa_enabled) / count(*)) as pct_down
from aws_iam_user
group by account_id;

-- name: x26_bool_and_or
select account_id, bool_and(mfa_enabled) as all_mfa, bool_or(mfa_enabled) as any_mfa, every(password_last_used is null) as none_used
from aws_iam_user
group by account_id;

-- name: x26_bool_or_event_errors
select event_source, bool_or(error_code is not null) as any_error, bool_and(read_only) as all_read
from aws_cloudtrail_trail_event
group by event_source;

-- name: x26_format_reason
select arn as resource, format('%s has %s attachments (%L)', name, attachment_count, path) as reason,
  format('%I', name) as ident
from aws_iam_policy
where not is_aws_managed;

-- name: x26_format_positional
select name, format('%1$s/%2$s/%1$s', account_id, name) as repeated, format('%-10s|', left(name, 8)) as padded
from aws_iam_group;

-- name: x26_concat_ws_skips_nulls
select user_name, concat_ws(' | ', user_name, nullif(password_status, 'not_supported'), access_key_1_last_used_region) as summary
from aws_iam_credential_report;

-- name: x26_concat_with_numbers
select name, concat(name, ':', max_session_duration, ':', role_last_used_date) as joined
from aws_iam_role;

-- name: x26_greatest_least_dates
select user_name, greatest(access_key_1_last_rotated, access_key_2_last_rotated) as newest_rotation,
  least(user_creation_time, password_last_changed) as earliest
from aws_iam_credential_report;

-- name: x26_case_status_reason_mod_style
select arn as resource,
  case when mfa_enabled then 'ok' when login_profile is null then 'skip' else 'alarm' end as status,
  name || case when mfa_enabled then ' has MFA enabled.' else ' has MFA disabled.' end as reason,
  account_id
from aws_iam_user;

-- name: x26_in_list_and_between
select event_name, event_time
from aws_cloudtrail_trail_event
where event_name in ('ConsoleLogin', 'GetCallerIdentity', 'AssumeRole')
  and event_time between '2015-01-01' and now();

-- name: x26_is_distinct_from
select name, role_last_used_region is distinct from region as elsewhere
from aws_iam_role;

-- name: x26_lower_upper_initcap
select initcap(replace(name, '-', ' ')) as title, upper(left(name, 3)) as prefix, length(name) as len
from aws_iam_group;

-- name: x26_lpad_rpad_repeat
select lpad(name, 20, '.') as right_aligned, rpad(name, 20, '.') as left_aligned, repeat('*', length(name) % 5) as stars
from aws_iam_group;

-- name: x26_string_to_array_path
select name, string_to_array(trim(both '/' from path), '/') as parts, array_length(string_to_array(path, '/'), 1) as n
from aws_iam_role;

-- name: x26_unnest_array_literal
select u.name, wanted
from aws_iam_user u, unnest(array['Name', 'Owner', 'Team']) as wanted
where not coalesce(u.tags ? wanted, false);

-- name: x26_array_position_contains
select name, array_position(array['/', '/service-role/'], path) as pos, array['/'] @> array[path] as root
from aws_iam_role;

-- name: x26_regexp_split_to_table_path
select name, part
from aws_iam_role, regexp_split_to_table(trim(both '/' from path), '/') as part
where path <> '/';

-- name: x26_array_to_string_of_agg
select account_id, array_to_string(array_agg(distinct event_source order by event_source), ', ') as services
from aws_cloudtrail_trail_event
group by account_id;

-- name: x26_percentile_cont_session
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median,
  percentile_disc(0.9) within group (order by max_session_duration) as p90
from aws_iam_role
group by account_id;

-- name: x26_mode_event_source
select account_id, mode() within group (order by event_source) as busiest
from aws_cloudtrail_trail_event
group by account_id;

-- name: x26_width_bucket_ages
select width_bucket(date_part('day', now() - create_date), 0, 3650, 10) as bucket, count(*)
from aws_iam_role
group by 1;

-- name: x26_age_text_output
select name, age(timestamp '2025-01-01', create_date::timestamp) as age_text, justify_days(interval '45 days') as justified
from aws_iam_group;

-- name: x26_make_interval_thresholds
select name, create_date < now() - make_interval(days => 90) as older_90, make_interval(hours => (max_session_duration / 3600)::int) as max_session
from aws_iam_role;

-- name: x26_to_timestamp_epoch
select to_timestamp(1700000000) as ts, to_timestamp(extract(epoch from create_date)) = create_date as round_trip, name
from aws_iam_group;

-- name: x26_strpos_position_overlay
select name, strpos(name, '-') as dash, position('role' in lower(name)) as pos, overlay(name placing '***' from 1 for 3) as masked
from aws_iam_role;

-- name: x26_left_right_negative
select name, left(name, -2) as drop_last2, right(name, -2) as drop_first2, reverse(name) as rev
from aws_iam_user;

-- name: x26_md5_and_encode
select name, md5(arn) as h, encode(convert_to(name, 'UTF8'), 'base64') as b64, encode(sha256(arn::bytea), 'hex') as sha
from aws_iam_group;

-- name: x26_translate_ascii_chr
select name, translate(name, 'aeiou', 'AEIOU') as shouting, ascii(name) as first_code, chr(65 + length(name) % 26) as letter
from aws_iam_group;

-- name: x26_starts_with_and_regexp_count
select name, starts_with(name, 'AWS') as aws, regexp_count(name, '[A-Z]') as capitals
from aws_iam_role;

-- name: x26_jsonb_pretty_small
select name, jsonb_pretty(jsonb_build_object('name', name, 'path', path)) as doc
from aws_iam_group;

-- name: x26_elements_with_ordinality_statement_number
select p.name, s.n, s.stmt ->> 'Effect' as effect
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s(stmt, n)
where not p.is_aws_managed;

-- name: x26_to_jsonb_row
select to_jsonb(k) - 'title' - 'akas' as key_doc
from aws_iam_access_key as k;

-- name: x26_row_to_json_subset
select row_to_json(t) as doc
from (select name, path, create_date from aws_iam_group) as t;

-- name: x26_json_build_array_mixed
select name, jsonb_build_array(name, max_session_duration, role_last_used_date, null) as arr
from aws_iam_role;

-- name: x26_array_slice_cardinality
select name, (string_to_array(arn, ':'))[3:5] as middle, cardinality(string_to_array(arn, ':')) as n
from aws_iam_role;

-- name: x26_array_remove_append_cat
select name, array_remove(string_to_array(path, '/'), '') as parts, array_append(array[name], path) as appended,
  array_cat(array['a'], array[name]) as cat
from aws_iam_role;

-- name: x26_unnest_two_arrays
select * from unnest(array['ok', 'alarm', 'skip'], array[1, 2, 3]) as t(status, rank);

-- name: x26_lateral_subquery_limit
select u.name, k.access_key_id, k.create_date
from aws_iam_user u
  left join lateral (select access_key_id, create_date from aws_iam_access_key a
    where a.user_name = u.name and a.account_id = u.account_id order by create_date desc, access_key_id limit 1) k on true;

-- name: x26_not_exists_keys
select u.name, u.account_id
from aws_iam_user u
where not exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id);

-- name: x26_scalar_subquery_counts
select a.account_id, (select count(*) from aws_iam_user u where u.account_id = a.account_id) as users,
  (select max(create_date) from aws_iam_role r where r.account_id = a.account_id) as newest_role
from aws_account a;

-- name: x26_window_groups_frame
select name, attachment_count, sum(attachment_count) over (order by attachment_count groups between 1 preceding and current row) as s
from aws_iam_policy
where not is_aws_managed;

-- name: x26_window_exclude_current
select name, max_session_duration,
  avg(max_session_duration) over (partition by account_id order by name rows between unbounded preceding and unbounded following exclude current row) as others_avg
from aws_iam_role;

-- name: x26_window_filter_count
select account_id, name, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_users
from aws_iam_user;

-- name: x26_group_by_rollup
select account_id, event_source, count(*)
from aws_cloudtrail_trail_event
group by rollup (account_id, event_source);

-- name: x26_grouping_sets_with_grouping
select account_id, read_only, grouping(account_id, read_only) as g, count(*)
from aws_cloudtrail_trail_event
group by grouping sets ((account_id), (read_only), ());

-- name: x26_having_many_events
select username, count(*) as n
from aws_cloudtrail_trail_event
group by username
having count(*) > 5 and username is not null;

-- name: x26_limit_offset_ordered
select name, arn
from aws_iam_role
order by arn
limit 10 offset 5;

-- name: x26_fetch_first_with_ties
select name, attachment_count
from aws_iam_policy
order by attachment_count desc, arn
fetch first 3 rows only;

-- name: x26_union_all_kinds
select 'user' as kind, name, arn from aws_iam_user
union all
select 'role', name, arn from aws_iam_role
union all
select 'group', name, arn from aws_iam_group;

-- name: x26_values_join_severity
select r.name, v.severity
from aws_iam_role r join (values ('/', 'low'), ('/service-role/', 'medium'), ('/aws-service-role/', 'high')) as v(path, severity)
  on v.path = r.path;

-- name: x26_text_order_c_collation
select name from aws_iam_user order by name, account_id;

-- name: x26_sum_case_counts
select account_id, sum(case when status = 'Active' then 1 else 0 end) as active, sum(1) as total
from aws_iam_access_key
group by account_id;

-- name: x26_avg_boolean_ratio
select account_id, avg(mfa_enabled::int) as mfa_ratio, round(avg(mfa_enabled::int) * 100, 1) as pct
from aws_iam_user
group by account_id;

-- name: x26_count_distinct_pairs
select count(distinct (username, event_name)) as pairs, count(distinct username) as users
from aws_cloudtrail_trail_event;

-- name: x26_min_max_text_and_time
select account_id, min(name) as first_name, max(name) as last_name, min(create_date) as oldest, max(create_date) as newest
from aws_iam_role
group by account_id;

-- name: x26_stddev_variance
select account_id, round(stddev_samp(max_session_duration), 3) as sd, round(var_pop(max_session_duration)::numeric, 1) as vp
from aws_iam_role
group by account_id;

-- name: x26_concat_booleans_and_arrays
select name, concat(name, ':', mfa_enabled) as c, name || ':' || mfa_enabled as piped, format('%s/%s', name, mfa_enabled) as f,
  concat_ws(',', mfa_enabled, login_profile is null) as ws
from aws_iam_user;

-- name: x26_array_agg_text_output
select account_id, array_agg(name order by name)::text as names_text
from aws_iam_group
group by account_id;

-- name: x26_jsonpath_exists_operator
select name, policy_std @? '$.Statement[*] ? (@.Effect == "Deny")' as has_deny,
  policy_std @@ '$.Statement.size() > 1' as many_statements
from aws_iam_policy
where not is_aws_managed;

-- name: x26_jsonb_path_query_array_actions
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ starts with "s3:")') as s3_actions
from aws_iam_policy
where attachment_count > 0;

-- name: x26_jsonb_path_like_regex_flag
select r.name, jsonb_path_exists(r.assume_role_policy_std, '$.Statement[*].Principal.Service[*] ? (@ like_regex "^EC2" flag "i")') as ec2
from aws_iam_role as r;

-- name: x26_jsonb_path_match_effect
select name, jsonb_path_match(policy_std, 'exists($.Statement[*] ? (@.Effect == "Allow"))') as allows
from aws_iam_policy
where not is_aws_managed;

-- name: x26_jsonb_negative_index
select name, attached_policy_arns ->> -1 as last_attached, attached_policy_arns -> 0 as first_attached
from aws_iam_role
where jsonb_array_length(attached_policy_arns) > 0;

-- name: x26_jsonb_equality_to_literal
select p.name, s -> 'Effect' = '"Allow"' as allow, s -> 'Resource' = '["*"]' as all_resources
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
where not p.is_aws_managed;

-- name: x26_jsonb_hash_arrow_paths
select name, assume_role_policy_std #> '{Statement,0,Principal}' as first_principal,
  assume_role_policy_std #>> '{Statement,0,Action,0}' as first_action
from aws_iam_role;

-- name: x26_interval_text_of_age
select name, now() - create_date > interval '30 days' as old, (timestamptz '2025-06-30 12:00:00+00' - create_date) as since
from aws_iam_group;

-- name: x26_age_month_ends
select d, age(timestamp '2024-03-31', d) as a, d + interval '1 month' as next_month
from (values (timestamp '2024-01-31'), (timestamp '2024-02-29'), (timestamp '2023-12-31 23:00')) as v(d);

-- name: x26_interval_times_fraction
select name, interval '1 day' * 1.5 as day_and_half, max_session_duration * interval '1 minute' / 60 as per_hour
from aws_iam_role;

-- name: x26_interval_text_comparison
select name
from aws_iam_role
where now() - create_date > '90 days' and role_last_used_date is null;

-- name: x26_generate_series_months
select m::date as month_start, (m + interval '1 month' - interval '1 day')::date as month_end
from generate_series(timestamp '2024-01-31', timestamp '2024-06-30', interval '1 month') as m;

-- name: x26_date_trunc_quarter_week
select name, date_trunc('quarter', create_date) as q, date_trunc('week', create_date::date) as w,
  extract(week from create_date) as wk, extract(quarter from create_date) as qn
from aws_iam_user;

-- name: x26_time_of_day_and_at_time_zone
select event_id, event_time::time as t, event_time at time zone 'UTC' as utc_wall,
  (event_time at time zone 'Asia/Tokyo')::date as tokyo_day
from aws_cloudtrail_trail_event;

-- name: x26_to_char_iso_z
select event_id, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as iso, to_char(event_time, 'FMMonth FMDDth, YYYY') as spoken
from aws_cloudtrail_trail_event;

-- name: x26_extract_epoch_fraction
select event_id, extract(epoch from event_time) as epoch, extract(milliseconds from event_time) as ms
from aws_cloudtrail_trail_event;

-- name: x26_date_minus_date_days
select user_name, (generated_time::date - user_creation_time::date) as days_old
from aws_iam_credential_report;

-- name: x26_between_symmetric
select name, max_session_duration
from aws_iam_role
where max_session_duration between symmetric 43200 and 3600;

-- name: x26_like_escape_clause
select name, name like '%!_%' escape '!' as has_underscore, name like '%-%' as has_dash
from aws_iam_role;

-- name: x26_string_agg_over_window
select account_id, name, string_agg(name, ',') over (partition by account_id order by name rows between 1 preceding and current row) as pair
from aws_iam_group;

-- name: x26_array_agg_over_running
select name, array_agg(name) over (order by arn rows between 2 preceding and current row) as last3
from aws_iam_group;

-- name: x26_jsonb_agg_filter
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled) order by name) filter (where password_last_used is not null) as console_users
from aws_iam_user
group by account_id;

-- name: x26_jsonb_object_agg_names
select account_id, jsonb_object_agg(name, path) as paths
from aws_iam_group
group by account_id;

-- name: x26_trim_leading_chars
select access_key_id, trim(leading 'A' from access_key_id) as t1, ltrim(access_key_id, 'AKI') as t2, btrim('  x  ') as t3
from aws_iam_access_key;

-- name: x26_count_over_float_division
select account_id, count(*)::float / 3 as thirds, count(*) / 3.0 as numeric_thirds, count(*)::numeric / 7 as sevenths
from aws_iam_user
group by account_id;

-- name: x26_case_type_text_int
select name, case when mfa_enabled then 1 when password_last_used is null then 0 end as score,
  case when mfa_enabled then 'yes' end as yes
from aws_iam_user;

-- name: x26_nullif_jsonb_empty
select name, nullif(tags, '{}'::jsonb) as tags_or_null, nullif(jsonb_array_length(mfa_devices), 0) as devices
from aws_iam_user;

-- name: x26_event_errors_by_code
select error_code, count(*) as n, min(event_time) as first_seen, max(event_time) as last_seen
from aws_cloudtrail_trail_event
where error_code is not null
group by error_code;

-- name: x26_console_logins_mfa
select event_time, user_identity ->> 'arn' as who, additional_event_data ->> 'MFAUsed' as mfa,
  response_elements ->> 'ConsoleLogin' as outcome
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin';

-- name: x26_iam_changes_detection
select event_time, event_name, coalesce(user_identity ->> 'userName', user_identity ->> 'arn') as actor,
  request_parameters ->> 'userName' as target_user, request_parameters ->> 'roleName' as target_role
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and not read_only;

-- name: x26_root_activity
select event_time, event_name, source_ip_address, user_agent
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'Root' and user_identity ->> 'invokedBy' is null;

-- name: x26_assume_role_sessions
select request_parameters ->> 'roleArn' as role_arn, request_parameters ->> 'roleSessionName' as session,
  count(*) as assumes
from aws_cloudtrail_trail_event
where event_name = 'AssumeRole'
group by 1, 2;

-- name: x26_access_denied_events
select event_source, event_name, count(*) as denied
from aws_cloudtrail_trail_event
where error_code in ('AccessDenied', 'Client.UnauthorizedOperation') or error_code like '%AccessDenied%'
group by 1, 2;

-- name: x26_events_per_ip_ranked
select source_ip_address, count(*) as n, rank() over (order by count(*) desc) as r
from aws_cloudtrail_trail_event
group by source_ip_address;

-- name: x26_distinct_user_agents_trimmed
select distinct left(user_agent, 30) as agent_prefix, split_part(user_agent, ' ', 1) as first_word
from aws_cloudtrail_trail_event;

-- name: x26_event_version_numeric
select event_version, event_version::numeric as v, count(*)
from aws_cloudtrail_trail_event
group by 1;

-- name: x26_tls_details_fields
select tls_details ->> 'tlsVersion' as tls, tls_details ->> 'cipherSuite' as cipher, count(*)
from aws_cloudtrail_trail_event
group by 1, 2;

-- name: x26_user_type_counts_filter
select user_type, count(*) filter (where read_only) as reads, count(*) filter (where not read_only) as writes
from aws_cloudtrail_trail_event
group by user_type;

-- name: x27_user_policy_actions_lateral
select u.name, u.account_id, a.action
from aws_iam_user as u,
  jsonb_array_elements(u.inline_policies_std) as p,
  jsonb_array_elements(p -> 'PolicyDocument' -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a(action)
where s ->> 'Effect' = 'Allow';

-- name: x27_role_trust_principals_by_type
select r.name, r.account_id, k as principal_type, jsonb_array_length(v) as principals
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Principal') as p(k, v)
order by r.account_id, r.name, k, principals;

-- name: x27_policy_statement_count_histogram
select jsonb_array_length(policy_std -> 'Statement') as statements, count(*) as policies
from aws_iam_policy
group by 1
order by 1;

-- name: x27_policy_wildcard_resource_statements
select p.name, p.account_id, s ->> 'Sid' as sid
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s
where s -> 'Resource' ? '*' and s ->> 'Effect' = 'Allow';

-- name: x27_policy_path_exists_admin
select name, account_id
from aws_iam_policy
where jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Action[*] == "*")');

-- name: x27_role_path_exists_service_principal
select name, account_id
from aws_iam_role
where jsonb_path_exists(assume_role_policy_std, '$.Statement[*].Principal.Service[*] ? (@ like_regex "lambda")');

-- name: x27_user_age_in_days_by_date_part
select name, account_id, date_part('day', now() - create_date)::int as age_days
from aws_iam_user
where create_date is not null;

-- name: x27_user_created_year_extract
select extract(year from create_date) as year, count(*) as users
from aws_iam_user
where create_date is not null
group by 1
order by 1;

-- name: x27_role_age_interval_text
select name, account_id, age(date_trunc('day', now()), date_trunc('day', create_date)) > interval '365 days' as older_than_a_year
from aws_iam_role;

-- name: x27_credential_report_stale_passwords
select user_name, account_id, password_last_used
from aws_iam_credential_report
where password_enabled and (password_last_used is null or password_last_used < now() - interval '90 days');

-- name: x27_credential_report_key_age_buckets
select user_name, account_id,
  case
    when access_key_1_last_rotated is null then 'none'
    when access_key_1_last_rotated > now() - interval '90 days' then 'fresh'
    when access_key_1_last_rotated > now() - interval '365 days' then 'aging'
    else 'stale'
  end as key_1_age
from aws_iam_credential_report;

-- name: x27_events_by_month_to_char
select to_char(event_time, 'YYYY-MM') as month, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: x27_events_by_weekday_to_char
select to_char(event_time, 'Dy') as weekday, to_char(event_time, 'D') as day_number, count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2
order by 2;

-- name: x27_events_per_hour_extract
select extract(hour from event_time) as hour, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: x27_user_arn_account_regexp_matches
select name, (regexp_matches(arn, 'arn:aws:iam::(\d+):user(/.*/)?'))[1] as account
from aws_iam_user;

-- name: x27_role_name_regexp_replace
select name, regexp_replace(name, '[^A-Za-z0-9]', '_', 'g') as safe_name, account_id
from aws_iam_role;

-- name: x27_policy_names_string_agg_ordered
select account_id, string_agg(name, ', ' order by name) as policies
from aws_iam_policy
group by account_id;

-- name: x27_role_names_string_agg_desc
select account_id, string_agg(name, ';' order by create_date desc, name) as newest_first
from aws_iam_role
group by account_id;

-- name: x27_role_session_duration_percentiles
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median,
  percentile_cont(0.9) within group (order by max_session_duration) as p90,
  percentile_disc(0.5) within group (order by max_session_duration) as median_disc
from aws_iam_role
group by account_id;

-- name: x27_events_grouping_sets
select event_source, read_only, count(*) as events
from aws_cloudtrail_trail_event
group by grouping sets ((event_source), (read_only), ());

-- name: x27_events_rollup_source_name
select event_source, event_name, count(*) as events, grouping(event_source, event_name) as level
from aws_cloudtrail_trail_event
where event_source like 'iam.%'
group by rollup (event_source, event_name);

-- name: x27_users_cube_mfa_account
select account_id, mfa_enabled, count(*) as users
from aws_iam_user
group by cube (account_id, mfa_enabled);

-- name: x27_role_latest_event_lateral
select r.name, r.account_id, e.last_call
from aws_iam_role as r
  left join lateral (
    select max(event_time) as last_call
    from aws_cloudtrail_trail_event as t
    where t.user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'arn' = r.arn
  ) as e on true;

-- name: x27_users_without_keys_not_exists
select u.name, u.account_id
from aws_iam_user as u
where not exists (
  select 1 from aws_iam_access_key as k where k.user_name = u.name and k.account_id = u.account_id
);

-- name: x27_users_with_active_keys_exists
select u.name, u.account_id
from aws_iam_user as u
where exists (
  select from aws_iam_access_key as k where k.user_name = u.name and k.account_id = u.account_id and k.status = 'Active'
);

-- name: x27_roles_order_by_case
select name, account_id, path
from aws_iam_role
order by case when path = '/' then 0 when path like '/service-role/%' then 1 else 2 end, account_id, name;

-- name: x27_policy_actions_unnest_array
select p.name, p.account_id, x.action
from aws_iam_policy as p,
  unnest(array['iam:passrole', 's3:getobject', 'sts:assumerole']) as x(action)
where p.policy_std::text like '%' || x.action || '%';

-- name: x27_user_name_parts_array_length
select name, array_length(string_to_array(name, '.'), 1) as parts, cardinality(string_to_array(name, '-')) as dash_parts
from aws_iam_user;

-- name: x27_role_path_array_position
select name, account_id, array_position(array['/', '/service-role/', '/aws-service-role/'], path) as path_rank
from aws_iam_role;

-- name: x27_policy_any_names
select name, account_id
from aws_iam_policy
where name = any (array['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'IAMFullAccess']);

-- name: x27_role_duration_all
select name, account_id, max_session_duration
from aws_iam_role
where max_session_duration >= all (array[3600, 1800]);

-- name: x27_policy_attachment_integer_division
select name, account_id, attachment_count / 2 as halves, attachment_count % 2 as remainder
from aws_iam_policy
where attachment_count is not null;

-- name: x27_role_duration_hours_numeric
select name, account_id, round(max_session_duration / 3600.0, 2) as hours, max_session_duration / 3600 as whole_hours
from aws_iam_role;

-- name: x27_mfa_share_numeric_scale
select account_id, count(*) as users, round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) as mfa_pct
from aws_iam_user
group by account_id;

-- name: x27_user_empty_vs_null_boundary
select name, account_id,
  case when permissions_boundary_arn is null then 'unknown' when permissions_boundary_arn = '' then 'none' else 'set' end as boundary
from aws_iam_user;

-- name: x27_coalesce_nullif_description
select name, account_id, coalesce(nullif(description, ''), '(no description)') as description
from aws_iam_role;

-- name: x27_events_error_nulls_first
select event_name, error_code, event_id
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
order by error_code nulls first, event_name, event_id;

-- name: x27_events_user_agent_split_part
select split_part(user_agent, '/', 1) as agent, count(*) as events
from aws_cloudtrail_trail_event
group by 1;

-- name: x27_events_source_ip_prefix
select regexp_replace(source_ip_address, '\.\d+$', '.0') as network, count(*) as events
from aws_cloudtrail_trail_event
where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$'
group by 1;

-- name: x27_events_request_parameter_keys
select k as parameter, count(*) as events
from aws_cloudtrail_trail_event,
  jsonb_object_keys(request_parameters) as k
where jsonb_typeof(request_parameters) = 'object'
group by k;

-- name: x27_events_resources_arns
select e.event_name, r ->> 'ARN' as arn, r ->> 'type' as kind
from aws_cloudtrail_trail_event as e,
  jsonb_array_elements(e.resources) as r
where jsonb_typeof(e.resources) = 'array';

-- name: x27_events_session_mfa
select user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa, count(*) as events
from aws_cloudtrail_trail_event
group by 1;

-- name: x27_events_first_last_per_user
select username, min(event_time) as first_seen, max(event_time) as last_seen, max(event_time) - min(event_time) as span
from aws_cloudtrail_trail_event
where username <> ''
group by username;

-- name: x27_events_daily_window_counts
select date_trunc('day', event_time) as day, count(*) as events,
  sum(count(*)) over (order by date_trunc('day', event_time)) as running
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: x27_events_rank_sources
select event_source, count(*) as events, dense_rank() over (order by count(*) desc) as place
from aws_cloudtrail_trail_event
group by event_source;

-- name: x27_group_members_jsonb
select g.name as group_name, g.account_id, u ->> 'UserName' as member
from aws_iam_group as g,
  jsonb_array_elements(g.users) as u;

-- name: x27_user_groups_names_array_agg
select u.name, u.account_id, array_agg(g ->> 'GroupName' order by g ->> 'GroupName') as groups
from aws_iam_user as u,
  jsonb_array_elements(u.groups) as g
group by u.name, u.account_id;

-- name: x27_user_tag_keys_each_text
select u.name, u.account_id, t.key, t.value
from aws_iam_user as u,
  jsonb_each_text(u.tags) as t;

-- name: x27_role_tags_missing_owner
select name, account_id
from aws_iam_role
where tags is null or not tags ? 'owner';

-- name: x27_password_policy_score
select account_id,
  (require_lowercase_characters::int + require_uppercase_characters::int + require_numbers::int + require_symbols::int) as classes,
  minimum_password_length >= 14 as long_enough
from aws_iam_account_password_policy;

-- name: x27_events_epoch_seconds
select event_id, extract(epoch from event_time) as epoch, date_part('epoch', event_time)::bigint as epoch_int
from aws_cloudtrail_trail_event
where event_source = 'sts.amazonaws.com';

-- name: x27_events_minutes_since_previous
select event_id, event_time,
  extract(epoch from event_time - lag(event_time) over (order by event_time, event_id)) / 60 as minutes_since_previous
from aws_cloudtrail_trail_event
where event_source = 'signin.amazonaws.com'
order by event_time, event_id;

-- name: x27_events_next_event_name_lead
select event_id, event_name, lead(event_name) over (partition by username order by event_time, event_id) as next_event
from aws_cloudtrail_trail_event
where username <> '' and event_source = 'iam.amazonaws.com';

-- name: x27_events_ntile_quartiles
select event_id, ntile(4) over (order by event_time, event_id) as quartile
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com';

-- name: x27_events_distinct_on_latest_per_source
select distinct on (event_source) event_source, event_name, event_time, event_id
from aws_cloudtrail_trail_event
order by event_source, event_time desc, event_id;

-- name: x27_events_error_rate_per_source
select event_source, count(*) as events, count(*) filter (where error_code is not null) as errors,
  round(count(*) filter (where error_code is not null)::numeric / count(*), 4) as error_rate
from aws_cloudtrail_trail_event
group by event_source
having count(*) > 5;

-- name: x27_events_bool_aggregates
select event_source, bool_and(read_only) as all_reads, bool_or(error_code is not null) as any_error, every(event_version = '1.08') as all_108
from aws_cloudtrail_trail_event
group by event_source;

-- name: x27_events_count_distinct_users_ips
select recipient_account_id, count(distinct username) as users, count(distinct source_ip_address) as ips
from aws_cloudtrail_trail_event
group by recipient_account_id;

-- name: x27_events_cte_top_callers
with callers as (
  select coalesce(nullif(username, ''), user_identity ->> 'principalId') as caller, count(*) as calls
  from aws_cloudtrail_trail_event
  group by 1
)
select caller, calls, rank() over (order by calls desc) as place
from callers
where calls >= 3;

-- name: x27_recursive_cte_countdown_days
with recursive d(n) as (select 0 union all select n + 1 from d where n < 6)
select n, (date '2025-06-15' - n) as day, to_char(date '2025-06-15' - n, 'FMDay') as weekday
from d
order by n;

-- name: x27_generate_series_days_events
select d::date as day, count(e.event_id) as events
from generate_series(date '2025-06-10', date '2025-06-16', interval '1 day') as d
  left join aws_cloudtrail_trail_event as e on date_trunc('day', e.event_time) = d
group by d
order by d;

-- name: x27_union_principal_names
select name, 'user' as kind, account_id from aws_iam_user
union
select name, 'role', account_id from aws_iam_role
order by account_id, kind, name;

-- name: x27_intersect_user_role_names
select account_id from aws_iam_user
intersect
select account_id from aws_iam_role;

-- name: x27_except_roles_without_events
select arn from aws_iam_role
except
select user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'arn' from aws_cloudtrail_trail_event;

-- name: x27_policy_contains_passrole
select name, account_id
from aws_iam_policy as p
where exists (
  select 1 from jsonb_array_elements(p.policy_std -> 'Statement') as s
  where s -> 'Action' @> '["iam:passrole"]'
);

-- name: x27_policy_condition_keys_exist_any
select p.name, p.account_id, s -> 'Condition' ?| array['stringequals', 'stringlike'] as has_string_condition
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ? 'Condition';

-- name: x27_role_trust_path_text
select name, account_id, assume_role_policy_std #>> '{Statement,0,Effect}' as first_effect,
  assume_role_policy_std #> '{Statement,0,Action}' as first_actions
from aws_iam_role;

-- name: x27_jsonb_build_object_summary
select account_id, jsonb_build_object('users', count(*), 'mfa', count(*) filter (where mfa_enabled)) as summary
from aws_iam_user
group by account_id;

-- name: x27_jsonb_agg_user_names
select account_id, jsonb_agg(name order by name) as users
from aws_iam_user
group by account_id;

-- name: x27_jsonb_strip_nulls_login_profile
select name, account_id, jsonb_strip_nulls(login_profile) as profile
from aws_iam_user
where login_profile is not null;

-- name: x27_format_reason_text
select format('%s (%s) created %s', name, account_id, to_char(create_date, 'YYYY-MM-DD')) as reason
from aws_iam_role;

-- name: x27_lpad_rpad_initcap
select lpad(max_session_duration::text, 6, '0') as padded, rpad(left(name, 8), 10, '.') as short_name, initcap(path) as cased
from aws_iam_role;

-- name: x27_trim_position_substring
select name, position('-' in name) as dash_at, substring(name from 1 for 5) as head, btrim(path, '/') as bare_path
from aws_iam_role;

-- name: x27_substring_regex_account
select name, substring(arn from ':(\d{12}):') as account
from aws_iam_role;

-- name: x27_regexp_split_to_table_paths
select r.name, r.account_id, part
from aws_iam_role as r,
  regexp_split_to_table(trim(both '/' from r.path), '/') as part
where r.path <> '/';

-- name: x27_concat_null_handling
select name, concat(name, '-', null, path) as concatenated, name || null as piped, concat_ws('/', account_id, null, name) as joined
from aws_iam_user;

-- name: x27_text_functions_misc
select name, length(name) as len, octet_length(name) as bytes, upper(left(name, 3)) as prefix, reverse(name) as backwards,
  replace(name, '-', '_') as underscored, translate(name, 'aeiou', 'AEIOU') as vowels
from aws_iam_user;

-- name: x27_md5_and_repeat
select name, md5(arn) as digest, repeat('*', length(name) % 7) as stars
from aws_iam_group;

-- name: x27_greatest_least_dates
select name, account_id, greatest(create_date, password_last_used) as latest_activity, least(create_date, password_last_used) as earliest
from aws_iam_user;

-- name: x27_numeric_math_functions
select name, abs(max_session_duration - 7200) as distance, mod(max_session_duration, 7) as mod7,
  power(2, 3) as eight, sqrt(max_session_duration) as root, ceil(max_session_duration / 7.0) as ceiling, floor(max_session_duration / 7.0) as flr
from aws_iam_role;

-- name: x27_numeric_cast_scale
select name, max_session_duration::numeric(10, 2) as with_cents, (max_session_duration / 7.0)::numeric(12, 3) as sevenths,
  trunc(max_session_duration / 7.0, 2) as truncated, sign(max_session_duration - 3600) as sign
from aws_iam_role;

-- name: x27_int_cast_rounding
select v, v::int as as_int, round(v) as rounded, round(v, 1) as one_place
from (values (2.5), (3.5), (-2.5), (0.45), (1.05)) as t(v);

-- name: x27_avg_minutes_scale
select account_id, avg(max_session_duration) as avg_seconds, avg(max_session_duration) / 60 as avg_minutes
from aws_iam_role
group by account_id;

-- name: x27_sum_bigint_division
select account_id, sum(attachment_count) as attachments, sum(attachment_count) / count(*) as per_policy,
  sum(attachment_count)::numeric / count(*) as exact_per_policy
from aws_iam_policy
where attachment_count is not null
group by account_id;

-- name: x27_interval_arithmetic_justify
select interval '90 days' * 2 as double, interval '1 day' / 4 as quarter, justify_days(interval '45 days') as justified,
  justify_hours(interval '50 hours') as hours, interval '1 hour' * 1.5 as ninety_minutes;

-- name: x27_make_interval_deadline
select user_name, account_id, create_date + make_interval(days => 90) as rotation_due
from aws_iam_access_key;

-- name: x27_access_key_age_days_int
select access_key_id, user_name, (now()::date - create_date::date) as age_days
from aws_iam_access_key;

-- name: x27_access_key_age_extract_days
select access_key_id, extract(day from now() - create_date) as days, date_part('hour', now() - create_date) as hours_part
from aws_iam_access_key;

-- name: x27_timestamp_literal_compare
select name, account_id
from aws_iam_user
where create_date between '2015-01-01' and '2020-12-31 23:59:59';

-- name: x27_is_distinct_from_region
select name, account_id, role_last_used_region
from aws_iam_role
where role_last_used_region is distinct from 'us-east-1';

-- name: x27_ilike_and_not_like
select name, account_id
from aws_iam_role
where name ilike '%admin%' or (name not like 'AWS%' and path like '/service-role/%');

-- name: x27_similar_to_names
select name, account_id
from aws_iam_user
where name similar to '%(admin|dev|test|Admin|Dev|Test)%';

-- name: x27_chr_ascii_first_letter
select name, ascii(name) as code, chr(ascii(upper(name))) as first_upper
from aws_iam_group;

-- name: x27_credential_report_key_usage_union_all
select user_name, account_id, 1 as key, access_key_1_last_used_service as service
from aws_iam_credential_report where access_key_1_active
union all
select user_name, account_id, 2, access_key_2_last_used_service
from aws_iam_credential_report where access_key_2_active;

-- name: x27_credential_report_days_since_change
select user_name, account_id, date_part('day', generated_time - password_last_changed) as days_since_change
from aws_iam_credential_report
where password_last_changed is not null;

-- name: x27_trail_settings_case
select name, account_id,
  case when is_multi_region_trail and log_file_validation_enabled then 'ok' else 'alarm' end as status,
  coalesce(kms_key_id, '') = '' as unencrypted
from aws_cloudtrail_trail
where region = home_region;

-- name: x27_trail_event_selectors_data_resources
select t.name, t.account_id, s ->> 'ReadWriteType' as read_write, (s ->> 'IncludeManagementEvents')::bool as management,
  jsonb_array_length(coalesce(s -> 'DataResources', '[]'::jsonb)) as data_resources
from aws_cloudtrail_trail as t,
  jsonb_array_elements(t.event_selectors) as s;

-- name: x27_events_week_quarter_fields
select extract(isodow from event_time) as isodow, extract(doy from event_time) as doy, extract(week from event_time) as week,
  extract(quarter from event_time) as quarter, count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2, 3, 4;

-- name: x27_events_to_char_iso_week_patterns
select to_char(event_time, 'IYYY-IW') as iso_week, to_char(event_time, 'WW Q DDD J') as numbers, count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2;

-- name: x27_events_to_char_12_hour
select event_id, to_char(event_time, 'HH12:MI AM') as clock, to_char(event_time, 'FMMonth DD, YYYY') as spelled
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com';

-- name: x27_events_date_trunc_week_quarter
select date_trunc('week', event_time) as week, date_trunc('quarter', event_time) as quarter, count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2;

-- name: x27_events_date_and_time_casts
select event_time::date as day, event_time::time as at, count(*) as events
from aws_cloudtrail_trail_event
where event_source = 'signin.amazonaws.com'
group by 1, 2;

-- name: x27_user_age_interval_output
select name, account_id, age(now(), create_date) as age
from aws_iam_user
where create_date is not null;

-- name: x27_month_end_interval_addition
select d, d + interval '1 month' as next_month, d - interval '1 month' as previous_month, (d + 30)::text as plus_30
from (values (date '2024-01-31'), (date '2024-03-31'), (date '2023-02-28')) as v(d);

-- name: x27_key_rotation_months_ago
select access_key_id, user_name, create_date < now() - interval '3 months' as older_than_3_months,
  create_date < now() - interval '1 year 6 months' as older_than_18_months
from aws_iam_access_key;

-- name: x27_numeric_division_scales
select 10::numeric / 4 as a, 1 / 3::numeric as b, 7 / 2 as c, 7 / 2.0 as d, -7 / 2 as e, -7 % 3 as f, 2 ^ 10 as g;

-- name: x27_float_ratio_text
select account_id, count(*)::float / 3 as thirds, (count(*) * 1.0 / 3)::text as numeric_text
from aws_iam_role
group by account_id;

-- name: x27_round_avg_numeric
select account_id, round(avg(length(name))::numeric, 2) as avg_name_length, round(stddev(length(name))::numeric, 3) as sd
from aws_iam_role
group by account_id;

-- name: x27_string_agg_distinct_regions
select event_source, string_agg(distinct aws_region, ',') as regions
from aws_cloudtrail_trail_event
group by event_source;

-- name: x27_array_agg_distinct_to_string
select account_id, array_to_string(array_agg(distinct path), ' | ') as paths
from aws_iam_role
group by account_id;

-- name: x27_array_functions_remove_cat_append
select name, array_remove(string_to_array(path, '/'), '') as segments,
  array_append(array['root'], name) as appended, array_cat(array[1, 2], array[3]) as cat, array_upper(array[1, 2, 3], 1) as upper
from aws_iam_role
where path <> '/';

-- name: x27_unnest_with_ordinality
select r.name, x.segment, x.n
from aws_iam_role as r,
  unnest(string_to_array(trim(both '/' from r.path), '/')) with ordinality as x(segment, n)
where r.path <> '/';

-- name: x27_array_overlap_services
select name, account_id
from aws_iam_role as r
where array(select jsonb_array_elements_text(s -> 'Principal' -> 'Service')
            from jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s) && array['ec2.amazonaws.com', 'lambda.amazonaws.com'];

-- name: x27_text_array_literal_any
select name, account_id
from aws_iam_user
where path = any ('{/,/admins/,/engineering/}'::text[]);

-- name: x27_jsonb_elements_text_ordinality
select p.name, a.action, a.n
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') with ordinality as a(action, n)
where p.account_id is not null;

-- name: x27_jsonb_negative_index
select name, account_id, policy_std -> 'Statement' -> -1 ->> 'Effect' as last_effect
from aws_iam_policy;

-- name: x27_jsonb_path_query_actions
select name, jsonb_path_query(policy_std, '$.Statement[*].Action[*]') as action
from aws_iam_policy
where account_id is not null;

-- name: x27_jsonb_path_query_array_resources
select name, account_id, jsonb_path_query_array(policy_std, '$.Statement[*].Resource[*]') as resources
from aws_iam_policy;

-- name: x27_jsonb_set_and_delete
select name, jsonb_set(coalesce(tags, '{}'::jsonb), '{reviewed}', 'true') as with_review,
  coalesce(tags, '{}'::jsonb) - 'Name' as without_name, coalesce(tags, '{}'::jsonb) || '{"owner": "security"}' as merged
from aws_iam_user
where account_id is not null;

-- name: x27_jsonb_pretty_trust
select name, jsonb_pretty(assume_role_policy_std -> 'Statement' -> 0 -> 'Principal') as principal
from aws_iam_role
where account_id = '123456789012';

-- name: x27_jsonb_typeof_principal_counts
select jsonb_typeof(s -> 'Principal') as principal_type, count(*) as statements
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
group by 1;

-- name: x27_case_in_aggregate
select account_id, count(case when mfa_enabled then 1 end) as with_mfa, sum(case when password_last_used is null then 1 else 0 end) as never_signed_in
from aws_iam_user
group by account_id;

-- name: x27_count_distinct_case
select event_source, count(distinct case when error_code is not null then username end) as failing_users
from aws_cloudtrail_trail_event
group by event_source;

-- name: x27_left_join_using_credential_report
select u.name, u.account_id, r.password_enabled, r.mfa_active
from aws_iam_user as u
  left join aws_iam_credential_report as r on r.user_name = u.name and r.account_id = u.account_id;

-- name: x27_full_outer_join_users_report
select coalesce(u.name, r.user_name) as name, coalesce(u.account_id, r.account_id) as account_id,
  u.name is null as only_in_report, r.user_name is null as only_listed
from aws_iam_user as u
  full outer join aws_iam_credential_report as r on r.user_name = u.name and r.account_id = u.account_id;

-- name: x27_not_in_with_null_subquery
select name, account_id
from aws_iam_role
where role_last_used_region not in (select role_last_used_region from aws_iam_role where name like 'a%');

-- name: x27_in_values_list
select name, account_id
from aws_iam_group
where (account_id, path) in (values ('123456789012', '/'), ('111122223333', '/'));

-- name: x27_empty_string_is_not_null
select count(*) filter (where username = '') as empty_names, count(*) filter (where username is null) as null_names,
  count(*) filter (where nullif(username, '') is null) as either, count(*) filter (where length(username) = 0) as zero_length
from aws_cloudtrail_trail_event;

-- name: x27_order_desc_nulls_last
select name, account_id, password_last_used
from aws_iam_user
order by password_last_used desc nulls last, account_id, name;

-- name: x27_order_by_ordinals_limit_offset
select account_id, name
from aws_iam_role
order by 1 desc, 2
limit 5 offset 3;

-- name: x27_row_number_latest_key_per_user
select user_name, account_id, access_key_id, create_date
from (
  select k.*, row_number() over (partition by account_id, user_name order by create_date desc, access_key_id) as rn
  from aws_iam_access_key as k
) as ranked
where rn = 1;

-- name: x27_percent_rank_cume_dist
select name, account_id, percent_rank() over (order by max_session_duration) as pr,
  cume_dist() over (partition by account_id order by max_session_duration) as cd
from aws_iam_role;

-- name: x27_window_frame_moving_count
select event_id, event_time,
  count(*) over (order by event_time, event_id rows between 2 preceding and current row) as last_three
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
order by event_time, event_id;

-- name: x27_first_last_value_windows
select distinct account_id,
  first_value(name) over (partition by account_id order by create_date, name) as oldest,
  last_value(name) over (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following) as newest
from aws_iam_role;

-- name: x27_count_over_empty_window
select name, account_id, count(*) over () as total, count(*) over (partition by account_id) as in_account
from aws_iam_group;

-- name: x27_scalar_subquery_share
select account_id, count(*) as roles, round(100.0 * count(*) / (select count(*) from aws_iam_role), 2) as share
from aws_iam_role
group by account_id;

-- name: x27_having_order_by_count
select user_agent, count(*) as calls
from aws_cloudtrail_trail_event
group by 1
having count(*) > 10
order by count(*) desc, 1;

-- name: x27_starts_with_and_prefix_operator
select name, starts_with(name, 'AWS') as aws_prefix, name ^@ 'Org' as org_prefix
from aws_iam_role;

-- name: x27_left_right_negative
select name, left(name, -2) as without_last_two, right(name, 3) as last_three, right(name, -1) as without_first
from aws_iam_group;

-- name: x27_split_part_negative
select arn, split_part(arn, ':', -1) as resource, split_part(arn, '/', -1) as last_segment
from aws_iam_role;

-- name: x27_regexp_count_and_like
select name, regexp_count(arn, '/') as slashes, regexp_like(name, '^[A-Z]') as capitalized
from aws_iam_role;

-- name: x27_sha256_hex
select name, encode(sha256(convert_to(arn, 'UTF8')), 'hex') as digest
from aws_iam_group;

-- name: x27_timezone_function_utc
select event_id, timezone('UTC', event_time) as utc_wall, event_time at time zone 'America/New_York' as new_york
from aws_cloudtrail_trail_event
where event_source = 'sts.amazonaws.com';

-- name: x27_bit_length_and_case_insensitive_compare
select name, bit_length(name) as bits, lower(name) = lower(title) as same_title
from aws_iam_policy;

-- name: x27_credential_report_cert_and_key_flags
select account_id, count(*) filter (where cert_1_active or cert_2_active) as certs,
  count(*) filter (where access_key_1_active and access_key_2_active) as two_keys,
  count(*) filter (where not password_enabled and not access_key_1_active and not access_key_2_active) as unused
from aws_iam_credential_report
group by account_id;

-- name: x27_credential_report_last_used_service_rank
select access_key_1_last_used_service as service, count(*) as users, rank() over (order by count(*) desc) as place
from aws_iam_credential_report
where access_key_1_last_used_service is not null
group by 1;

-- name: x27_events_assumed_role_session_names
select split_part(user_identity ->> 'arn', '/', 3) as session_name, count(*) as calls
from aws_cloudtrail_trail_event
where user_type = 'AssumedRole'
group by 1;

-- name: x27_events_console_login_outcome
select response_elements ->> 'ConsoleLogin' as outcome, additional_event_data ->> 'MFAUsed' as mfa, count(*) as logins
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
group by 1, 2;

-- name: x27_events_access_key_prefixes
select left(access_key_id, 4) as prefix, count(*) as calls
from aws_cloudtrail_trail_event
where access_key_id <> ''
group by 1;

-- name: x27_events_tls_version_numeric
select tls_details ->> 'tlsVersion' as tls, replace(tls_details ->> 'tlsVersion', 'TLSv', '')::numeric as version, count(*) as calls
from aws_cloudtrail_trail_event
where tls_details ->> 'tlsVersion' like 'TLSv%'
group by 1, 2;

-- name: x27_events_hourly_percentile_gap
select event_source, percentile_cont(0.5) within group (order by extract(epoch from event_time)) as median_epoch
from aws_cloudtrail_trail_event
group by event_source;

-- name: x27_interval_extract_and_text
select extract(epoch from interval '1 month') as month_seconds, (interval '1 day' - interval '1 hour')::text as day_less_hour,
  justify_interval(interval '1 mon -1 day') as justified, interval '36 hours' > interval '1 day' as longer;

-- name: x27_interval_aggregates
select account_id, max(now() - create_date) as oldest, min(now() - create_date) > interval '0' as positive,
  sum(interval '1 hour') as one_hour_each
from aws_iam_user
where create_date is not null
group by account_id;

-- name: x27_avg_interval_between_events
select event_source, avg(gap) as average_gap
from (
  select event_source, event_time - lag(event_time) over (partition by event_source order by event_time, event_id) as gap
  from aws_cloudtrail_trail_event
) as gaps
where gap is not null
group by event_source;

-- name: x27_negative_round_and_trunc
select round(1234.5678, -2) as hundreds, round(-2.5) as half_away, trunc(-2.5) as toward_zero, round(2.675, 2) as two_places,
  trunc(1234.5678, -1) as tens, '0.10'::numeric + 0.2 as sum_text, 1e3::numeric as thousand;

-- name: x27_width_bucket_durations
select width_bucket(max_session_duration, 0, 43200, 4) as bucket, count(*) as roles
from aws_iam_role
group by 1
order by 1;

-- name: x27_string_agg_filtered_ordered
select account_id, string_agg(name, ',' order by name) filter (where mfa_enabled) as mfa_users,
  string_agg(name, ',' order by name) filter (where not mfa_enabled) as others
from aws_iam_user
group by account_id;

-- name: x27_first_created_array_subscript
select account_id, (array_agg(name order by create_date, name))[1] as first_role, array_length(array_agg(name), 1) as roles
from aws_iam_role
group by account_id;

-- name: x27_jsonb_object_agg_durations
select account_id, jsonb_object_agg(name, max_session_duration) as durations
from aws_iam_role
group by account_id;

-- name: x27_jsonb_agg_distinct_paths
select account_id, jsonb_agg(distinct path) as paths
from aws_iam_role
group by account_id;

-- name: x27_to_jsonb_row_of_subquery
select to_jsonb(u) as doc
from (select name, account_id, mfa_enabled from aws_iam_user) as u;

-- name: x27_regexp_match_digits
select name, regexp_match(name, '(\d+)') as digits, (regexp_match(name, '(\d+)'))[1]::int as number
from aws_iam_user
where name ~ '\d';

-- name: x27_regexp_replace_backreference
select arn, regexp_replace(arn, '^arn:aws:iam::(\d+):role/(.*)$', '\2@\1') as swapped
from aws_iam_role;

-- name: x27_rollup_having
select account_id, path, count(*) as roles
from aws_iam_role
group by rollup (account_id, path)
having count(*) > 1;

-- name: x27_distinct_on_with_nulls
select distinct on (role_last_used_region) role_last_used_region, name, account_id
from aws_iam_role
order by role_last_used_region nulls first, name, account_id;

-- name: x27_lateral_generate_series_per_role
select r.name, r.account_id, h
from aws_iam_role as r,
  lateral generate_series(1, r.max_session_duration / 3600) as h
where r.max_session_duration >= 3600;

-- name: x27_deny_statements_exists
select name, account_id
from aws_iam_policy as p
where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') as s where s ->> 'Effect' = 'Deny');

-- name: x27_text_concat_non_text
select name || 1 as with_number, name || mfa_enabled as with_bool, mfa_enabled::text as bool_text, mfa_enabled::int as bool_int,
  create_date::text as created_text, create_date::date::text as created_day
from aws_iam_user
where create_date is not null;

-- name: x27_boolean_ordering
select name, account_id, mfa_enabled
from aws_iam_user
order by mfa_enabled desc nulls last, account_id, name;

-- name: x27_epoch_of_age
select name, account_id, extract(epoch from age(now(), create_date)) > 86400 as older_than_a_day,
  date_trunc('month', now()) - interval '1 day' < now() as last_month_end_before_now
from aws_iam_user
where create_date is not null;

-- name: x27_to_timestamp_and_to_date
select to_timestamp(1700000000) as from_epoch, to_timestamp('2024-01-15 10:30', 'YYYY-MM-DD HH24:MI') as parsed,
  to_date('15/01/2024', 'DD/MM/YYYY') as day;

-- name: x27_generate_series_modulo
select n, n % 2 = 0 as even, n / 2 as half, n::numeric / 2 as exact_half
from generate_series(1, 5) as n
order by n;

-- name: x27_min_max_text_and_counts
select account_id, min(name) as first_name, max(name) as last_name, count(distinct lower(name)) as names
from aws_iam_user
group by account_id;

-- name: x27_policy_version_documents
select p.name, p.account_id, v ->> 'VersionId' as version, (v ->> 'IsDefaultVersion')::bool as is_default
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_versions) as v
where jsonb_typeof(p.policy_versions) = 'array';

-- name: x27_access_key_last_used_coalesce
select access_key_id, user_name, coalesce(access_key_last_used_service, 'N/A') as service,
  coalesce(to_char(access_key_last_used_date, 'YYYY-MM-DD'), 'never') as last_used
from aws_iam_access_key;

-- name: x27_event_request_role_arn_chain
select event_name, request_parameters ->> 'roleArn' as role_arn, split_part(request_parameters ->> 'roleArn', '/', 2) as role_name,
  response_elements -> 'assumedRoleUser' ->> 'arn' as assumed
from aws_cloudtrail_trail_event
where event_name like 'AssumeRole%';

-- name: x28_policy_action_typeof_counts
select jsonb_typeof(s -> 'Action') as action_kind, jsonb_typeof(s -> 'Resource') as resource_kind, count(*) as statements
from aws_iam_policy as p,
  jsonb_array_elements(p.policy -> 'Statement') as s
where jsonb_typeof(p.policy -> 'Statement') = 'array'
group by 1, 2
order by 1 nulls first, 2 nulls first;

-- name: x28_policy_std_actions_per_service
select split_part(a, ':', 1) as service, count(distinct p.arn) as policies, count(*) as grants
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where s ->> 'Effect' = 'Allow'
group by 1
order by grants desc, service
limit 15;

-- name: x28_policy_std_wildcard_resources_by_effect
select s ->> 'Effect' as effect, count(*) filter (where r = '*') as star_resources,
  count(*) filter (where r like '%*%' and r <> '*') as partial_wildcards, count(*) as resources
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Resource') as r
group by 1
order by 1;

-- name: x28_policy_statement_sid_or_position
select p.name, p.account_id, t.idx, coalesce(nullif(t.stmt ->> 'Sid', ''), 'statement-' || t.idx) as sid
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as t(stmt, idx)
where not p.is_aws_managed
order by p.name, p.account_id, t.idx;

-- name: x28_policy_to_jsonb_summary_object
select jsonb_build_object('name', name, 'account', account_id, 'statements', jsonb_array_length(policy_std -> 'Statement'),
  'attached', is_attached, 'versions', jsonb_array_length(coalesce(policy_versions, '[]'::jsonb))) as summary
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: x28_policy_actions_jsonb_agg_sorted
select p.name, p.account_id, jsonb_agg(distinct a) as actions
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where not p.is_aws_managed
group by p.name, p.account_id
order by p.name, p.account_id;

-- name: x28_policy_condition_keys
select k as condition_operator, count(*) as uses
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_object_keys(s -> 'Condition') as k
where s ? 'Condition'
group by k
order by uses desc, k;

-- name: x28_policy_condition_key_names
select op.key as operator, ck.key as condition_key, count(*) as uses
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') as op,
  jsonb_each(op.value) as ck
where jsonb_typeof(s -> 'Condition') = 'object'
group by 1, 2
order by uses desc, 1, 2;

-- name: x28_policy_not_action_statements
select p.name, p.account_id, s ->> 'Effect' as effect, jsonb_array_length(s -> 'NotAction') as not_actions
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ? 'NotAction'
order by p.name, p.account_id, effect, not_actions;

-- name: x28_policy_jsonb_path_exists_star
select name, account_id, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Action[*] == "*")') as grants_all
from aws_iam_policy
where not is_aws_managed
order by grants_all desc, name, account_id;

-- name: x28_policy_service_wildcards_regexp
select distinct regexp_replace(a, ':\*$', '') as service
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where a ~ '^[a-z0-9-]+:\*$'
order by service;

-- name: x28_policy_action_verbs
select substring(split_part(a, ':', 2) from '^[a-z]+') as verb, count(*) as n
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') as a
where split_part(a, ':', 2) <> '*'
group by 1
order by n desc, verb nulls first
limit 12;

-- name: x28_policy_update_age_buckets
select case when update_date is null then 'unknown'
            when update_date > now() - interval '365 days' then 'this year'
            when update_date > now() - interval '3 years' then 'recent'
            else 'old' end as bucket,
  count(*) as policies, min(update_date) as oldest
from aws_iam_policy
group by 1
order by 1;

-- name: x28_policy_created_by_quarter
select date_trunc('quarter', create_date) as quarter, count(*) as created,
  string_agg(name, ', ' order by name) filter (where not is_aws_managed) as customer_managed
from aws_iam_policy
where create_date is not null
group by 1
order by 1;

-- name: x28_policy_version_count_window
select name, account_id, jsonb_array_length(policy_versions) as versions,
  rank() over (partition by account_id order by jsonb_array_length(policy_versions) desc) as rank_in_account
from aws_iam_policy
where jsonb_typeof(policy_versions) = 'array'
order by account_id, rank_in_account, name;

-- name: x28_policy_default_version_number
select name, account_id, default_version_id, substring(default_version_id from 2)::int as version_number
from aws_iam_policy
where default_version_id ~ '^v[0-9]+$'
order by version_number desc, name, account_id;

-- name: x28_policy_resource_arn_services
select split_part(r, ':', 3) as service, count(*) as resources, count(distinct split_part(r, ':', 5)) as accounts
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Resource') as r
where r like 'arn:%'
group by 1
order by resources desc, service;

-- name: x28_policy_row_to_json_text
select row_to_json(t)::text as doc
from (select name, account_id, is_attached, attachment_count from aws_iam_policy where not is_aws_managed) as t
order by doc;

-- name: x28_policy_statement_count_stats
select count(*) as policies, min(n) as fewest, max(n) as most, round(avg(n), 2) as mean,
  percentile_cont(0.5) within group (order by n) as median, percentile_disc(0.9) within group (order by n) as p90
from (select jsonb_array_length(policy_std -> 'Statement') as n from aws_iam_policy) as counts;

-- name: x28_policy_attachment_ratio_numeric
select account_id, count(*) as policies, count(*) filter (where is_attached) as attached,
  round(100.0 * count(*) filter (where is_attached) / count(*), 1) as pct_attached,
  count(*) filter (where is_attached) / count(*) as int_ratio
from aws_iam_policy
group by account_id
order by account_id;

-- name: x28_trust_principal_kinds
select jsonb_object_keys(s -> 'Principal') as principal_kind, count(*) as statements
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where jsonb_typeof(s -> 'Principal') = 'object'
group by 1
order by 2 desc, 1;

-- name: x28_trust_service_principals_array_agg
select r.name, r.account_id, array_agg(svc order by svc) as services, cardinality(array_agg(svc)) as n
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') as svc
group by r.name, r.account_id
order by n desc, r.name, r.account_id
limit 20;

-- name: x28_trust_cross_account_principals
select r.name, r.account_id, p as principal, split_part(p, ':', 5) as principal_account
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
where split_part(p, ':', 5) <> r.account_id
order by r.name, r.account_id, principal;

-- name: x28_trust_conditions_present
select r.name, r.account_id, bool_or(s ? 'Condition') as has_condition,
  bool_and(s ->> 'Effect' = 'Allow') as only_allow, count(*) as statements
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
group by r.name, r.account_id
order by has_condition, r.name, r.account_id;

-- name: x28_role_session_duration_hours
select name, account_id, max_session_duration, max_session_duration / 3600 as whole_hours,
  round(max_session_duration / 3600.0, 2) as hours, max_session_duration % 3600 as remainder_seconds
from aws_iam_role
where max_session_duration is not null
order by max_session_duration desc, name, account_id;

-- name: x28_role_last_used_days_date_part
select name, account_id, date_part('day', now() - role_last_used_date)::int as days_unused,
  extract(year from role_last_used_date) as year_used
from aws_iam_role
where role_last_used_date is not null
order by days_unused desc, name, account_id;

-- name: x28_role_path_depth
select path, array_length(string_to_array(trim(both '/' from path), '/'), 1) as depth, count(*) as roles
from aws_iam_role
group by path
order by depth nulls first, path;

-- name: x28_role_instance_profiles_lateral
select r.name, r.account_id, ip, split_part(ip, '/', -1) as profile_name
from aws_iam_role as r
  cross join lateral jsonb_array_elements_text(r.instance_profile_arns) as ip
order by r.name, r.account_id, ip;

-- name: x28_role_created_per_week
select date_trunc('week', create_date)::date as week_start, count(*) as roles,
  sum(count(*)) over (order by date_trunc('week', create_date)::date) as running_total
from aws_iam_role
where create_date is not null
group by 1
order by 1;

-- name: x28_role_description_empty_vs_null
select count(*) filter (where description is null) as null_descriptions,
  count(*) filter (where description = '') as empty_descriptions,
  count(*) filter (where coalesce(description, '') <> '') as described,
  count(nullif(description, '')) as nonempty
from aws_iam_role;

-- name: x28_role_tags_jsonb_each_text
select r.name, r.account_id, t.key, t.value
from aws_iam_role as r,
  jsonb_each_text(r.tags) as t
order by r.name, r.account_id, t.key;

-- name: x28_role_aws_service_role_flag
select name, account_id, path like '/aws-service-role/%' as service_linked,
  case when path like '/aws-service-role/%' then split_part(path, '/', 3) end as service
from aws_iam_role
order by service_linked desc, service nulls last, name, account_id;

-- name: x28_role_attached_policy_positions
select r.name, r.account_id, a.arn, a.pos
from aws_iam_role as r,
  jsonb_array_elements_text(r.attached_policy_arns) with ordinality as a(arn, pos)
where a.pos <= 2
order by r.name, r.account_id, a.pos;

-- name: x28_role_without_attached_not_exists
select r.name, r.account_id
from aws_iam_role as r
where not exists (select 1 from jsonb_array_elements_text(r.attached_policy_arns) as a)
  and not exists (select 1 from jsonb_array_elements(r.inline_policies) as i)
order by r.name, r.account_id;

-- name: x28_role_distinct_on_newest_per_account
select distinct on (account_id) account_id, name, create_date
from aws_iam_role
where create_date is not null
order by account_id, create_date desc, name;

-- name: x28_role_max_session_cube
select account_id, max_session_duration, count(*) as roles, grouping(account_id, max_session_duration) as g
from aws_iam_role
group by cube (account_id, max_session_duration)
order by account_id nulls last, max_session_duration nulls last, g;

-- name: x28_role_name_regexp_matches
select name, account_id, (regexp_matches(name, '^([A-Za-z]+)[-_]', ''))[1] as prefix
from aws_iam_role
order by name, account_id;

-- name: x28_role_ntile_by_age
select name, account_id, ntile(4) over (order by create_date, name, account_id) as quartile
from aws_iam_role
where create_date is not null
order by quartile, name, account_id;

-- name: x28_role_arn_regexp_substr
select name, account_id, regexp_substr(arn, 'role/.*') as role_part, length(arn) - length(replace(arn, '/', '')) as slashes
from aws_iam_role
order by slashes desc, name, account_id
limit 15;

-- name: x28_role_lag_creation_gap
select name, account_id, create_date,
  create_date - lag(create_date) over (partition by account_id order by create_date, name) as since_previous
from aws_iam_role
where create_date is not null
order by account_id, create_date, name;

-- name: x28_credreport_key_age_days
select user_name, account_id, access_key_1_active,
  extract(day from now() - access_key_1_last_rotated)::int as key1_age_days,
  to_char(access_key_1_last_rotated, 'YYYY-MM-DD"T"HH24:MI:SS') as rotated
from aws_iam_credential_report
order by user_name, account_id;

-- name: x28_credreport_password_status_rollup
select account_id, password_enabled, count(*) as users
from aws_iam_credential_report
group by rollup (account_id, password_enabled)
order by account_id nulls last, password_enabled nulls last;

-- name: x28_credreport_greatest_last_activity
select user_name, account_id,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity,
  least(user_creation_time, password_last_changed) as earliest_known
from aws_iam_credential_report
order by last_activity desc nulls last, user_name, account_id;

-- name: x28_credreport_age_text
select user_name, account_id, age(date_trunc('day', generated_time), date_trunc('day', user_creation_time))::text as account_age
from aws_iam_credential_report
order by user_name, account_id;

-- name: x28_credreport_justify
select user_name, account_id, justify_interval(date_trunc('hour', generated_time) - date_trunc('hour', user_creation_time))::text as justified,
  justify_days(interval '95 days')::text as jd, justify_hours(interval '50 hours')::text as jh
from aws_iam_credential_report
order by user_name, account_id;

-- name: x28_credreport_to_char_month_names
select user_name, account_id, to_char(user_creation_time, 'FMMonth DD, YYYY') as created, to_char(user_creation_time, 'Dy') as weekday,
  to_char(user_creation_time, 'IYYY-"W"IW') as iso_week, to_char(user_creation_time, 'Q') as quarter
from aws_iam_credential_report
order by user_name, account_id;

-- name: x28_credreport_boolean_counts_to_jsonb
select account_id, jsonb_build_object('mfa', count(*) filter (where mfa_active), 'no_mfa', count(*) filter (where not mfa_active),
  'password', count(*) filter (where password_enabled)) as counts
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: x28_credreport_unused_keys_case_order
select user_name, account_id,
  case when not access_key_1_active then 'inactive' when access_key_1_last_used_date is null then 'never used' else 'used' end as key1
from aws_iam_credential_report
order by case when not access_key_1_active then 3 when access_key_1_last_used_date is null then 1 else 2 end, user_name, account_id;

-- name: x28_credreport_epoch_numeric
select user_name, account_id, extract(epoch from user_creation_time) as created_epoch,
  floor(extract(epoch from generated_time - user_creation_time) / 86400) as whole_days
from aws_iam_credential_report
order by user_name, account_id;

-- name: x28_event_hourly_generate_series
select h as hour, count(e.event_id) as events
from generate_series(0, 23) as h
  left join aws_cloudtrail_trail_event as e on extract(hour from e.event_time) = h
group by h
order by h;

-- name: x28_event_daily_series_left_join
with bounds as (
  select date_trunc('day', min(event_time)) as first_day, date_trunc('day', min(event_time)) + interval '6 days' as last_day
  from aws_cloudtrail_trail_event
)
select d::date as day, count(e.event_id) as events
from bounds, generate_series(bounds.first_day, bounds.last_day, interval '1 day') as d
  left join aws_cloudtrail_trail_event as e on date_trunc('day', e.event_time) = d
group by d
order by d;

-- name: x28_event_error_rate_per_source
select event_source, count(*) as calls, count(error_code) as errors,
  round(count(error_code)::numeric / count(*), 4) as error_rate
from aws_cloudtrail_trail_event
group by event_source
having count(*) >= 20
order by error_rate desc, event_source;

-- name: x28_event_top_callers_window_frame
select username, day, calls, sum(calls) over (partition by username order by day rows between 2 preceding and current row) as last_three_days
from (
  select username, event_time::date as day, count(*) as calls
  from aws_cloudtrail_trail_event
  where username is not null
  group by 1, 2
) as daily
order by username, day;

-- name: x28_event_user_agent_families
select coalesce(substring(user_agent from '^([A-Za-z0-9_.-]+)/'), user_agent) as family, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by events desc, family nulls first
limit 15;

-- name: x28_event_source_ip_private
select source_ip_address, count(*) as events,
  source_ip_address::inet << '10.0.0.0/8'::inet or source_ip_address::inet << '172.16.0.0/12'::inet or source_ip_address::inet << '192.168.0.0/16'::inet as private
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
group by source_ip_address
order by events desc, source_ip_address
limit 20;

-- name: x28_event_ip_network_24
select network(set_masklen(source_ip_address::inet, 24)) as net, count(*) as events
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$'
group by 1
order by events desc, net
limit 10;

-- name: x28_event_error_codes_string_agg_distinct
select event_source, string_agg(distinct error_code, ', ') as error_codes
from aws_cloudtrail_trail_event
where error_code is not null
group by event_source
order by event_source;

-- name: x28_event_user_identity_type_chain
select user_identity ->> 'type' as identity_type, user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'type' as issuer_type,
  count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2
order by events desc, 1 nulls first, 2 nulls first;

-- name: x28_event_mfa_authenticated_text
select user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by 1 nulls first;

-- name: x28_event_minutes_between_first_last
select username, min(event_time) as first_seen, max(event_time) as last_seen,
  round(extract(epoch from max(event_time) - min(event_time)) / 60) as minutes_active
from aws_cloudtrail_trail_event
where username is not null
group by username
order by minutes_active desc, username
limit 15;

-- name: x28_user_to_jsonb_timestamps
select name, account_id, jsonb_build_object('created', create_date, 'last_login', password_last_used, 'mfa', mfa_enabled) as doc
from aws_iam_user
order by name, account_id;

-- name: x28_user_to_jsonb_text_with_time
select name, account_id, jsonb_build_object('created', create_date)::text as doc_text
from aws_iam_user
where create_date is not null
order by name, account_id;

-- name: x28_user_row_to_json_with_time
select row_to_json(u)::text as doc
from (select name, create_date, mfa_enabled from aws_iam_user where account_id = '123456789012') as u
order by doc;

-- name: x28_user_groups_array_slice
select name, account_id, (array_agg(g ->> 'GroupName' order by g ->> 'GroupName'))[1:2] as first_two_groups
from aws_iam_user as u,
  jsonb_array_elements(u.groups) as g
group by name, account_id
order by name, account_id;

-- name: x28_user_array_position_of_group
select name, account_id, array_position(array_agg(g ->> 'GroupName' order by g ->> 'GroupName'), 'Admins') as admin_position
from aws_iam_user as u,
  jsonb_array_elements(u.groups) as g
group by name, account_id
order by name, account_id;

-- name: x28_user_name_string_functions
select name, initcap(lower(name)) as title_case, lpad(name, 12, '.') as padded, reverse(name) as backwards,
  translate(name, 'aeiou', 'AEIOU') as shouting_vowels, left(name, -2) as trimmed_end, right(name, 3) as tail
from aws_iam_user
where account_id = '123456789012'
order by name;

-- name: x28_user_format_identifiers
select format('%s/%s', account_id, name) as qualified, format('%I', name) as ident, format('%L', path) as lit,
  quote_ident(name) as quoted, quote_literal(path) as quoted_path
from aws_iam_user
order by account_id, name;

-- name: x28_integer_division_semantics
select n, n / 4 as int_div, -n / 4 as neg_div, n % 4 as modulo, -n % 4 as neg_mod, div(n, 4) as div_fn, mod(-n, 4) as mod_fn,
  n::numeric / 4 as numeric_div, n / 4.0 as mixed_div
from generate_series(1, 9, 2) as n
order by n;

-- name: x28_numeric_rounding_modes
select x, round(x) as r0, round(x, 1) as r1, trunc(x, 1) as t1, ceil(x) as c, floor(x) as f, sign(x) as s
from (values (2.45), (-2.45), (2.5), (-2.5), (0.05)) as v(x)
order by x;

-- name: x28_numeric_power_and_roots
select power(2, 10) as p, 2 ^ 0.5 as root_two, sqrt(16) as sq, cbrt(27.0) as cb, abs(-3.50) as a, exp(0) as e0, ln(1) as l,
  log(1000) as lg, 10 / 3 as i, 10 / 3.0 as n, 10::float / 4 as f;

-- name: x28_numeric_to_char_formats
select attachment_count, to_char(attachment_count, 'FM999,999') as grouped, to_char(attachment_count * 1.5, 'FM9990.00') as money,
  to_char(attachment_count, '000') as zero_padded
from aws_iam_policy
where attachment_count > 0
order by attachment_count desc, name, account_id
limit 10;

-- name: x28_date_arithmetic_integers
select name, account_id, create_date::date - date '2015-01-01' as days_after_2015, create_date::date + 30 as plus_thirty,
  (create_date + interval '1 month')::date as plus_month
from aws_iam_user
where create_date is not null
order by name, account_id;

-- name: x28_extract_fields_of_creation
select name, account_id, extract(dow from create_date) as dow, extract(isodow from create_date) as isodow,
  extract(doy from create_date) as doy, extract(week from create_date) as week, extract(quarter from create_date) as q,
  extract(century from create_date) as century
from aws_iam_user
where create_date is not null
order by name, account_id;

-- name: x28_make_date_and_timestamptz
select make_date(2024, 2, 29) as leap_day, make_timestamptz(2024, 3, 10, 2, 30, 0, 'UTC') as ts,
  make_interval(days => 10, hours => 3)::text as iv, date '2024-01-31' + interval '1 month' as end_of_feb;

-- name: x28_month_series_end_of_month
select m::date as month_end
from generate_series(timestamptz '2024-01-31 00:00:00+00', timestamptz '2024-06-30 00:00:00+00', interval '1 month') as m
order by m;

-- name: x28_jsonb_operators_on_tags
select name, account_id, tags - 'Name' as without_name, tags || jsonb_build_object('audited', true) as with_flag,
  tags ?& array['Name'] as named, tags @> '{"Environment": "prod"}' as prod
from aws_iam_role
where tags <> '{}'::jsonb
order by name, account_id;

-- name: x28_jsonb_set_and_strip_nulls
select name, account_id, jsonb_set(tags, '{reviewed}', 'false'::jsonb) as marked,
  jsonb_strip_nulls(jsonb_build_object('boundary', permissions_boundary_arn, 'name', name)) as stripped
from aws_iam_role
order by name, account_id
limit 15;

-- name: x28_jsonb_path_query_array_actions
select name, account_id, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*]') as actions
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: x28_jsonb_path_query_first_effect
select name, account_id, jsonb_path_query_first(policy_std, '$.Statement[0].Effect') #>> '{}' as first_effect
from aws_iam_policy
order by name, account_id
limit 25;

-- name: x28_jsonb_object_agg_tags_by_role
select account_id, jsonb_object_agg(name, jsonb_array_length(attached_policy_arns)) as attached_by_role
from aws_iam_role
where account_id = '123456789012'
group by account_id;

-- name: x28_role_percent_rank_cume_dist
select name, account_id, max_session_duration,
  percent_rank() over (order by max_session_duration) as pr, cume_dist() over (order by max_session_duration) as cd
from aws_iam_role
where account_id = '123456789012'
order by max_session_duration, name;

-- name: x28_role_nth_value_full_frame
select name, account_id,
  nth_value(name, 2) over (partition by account_id order by name rows between unbounded preceding and unbounded following) as second_name,
  first_value(name) over (partition by account_id order by name desc) as last_name,
  count(*) over () as all_roles
from aws_iam_role
order by account_id, name;

-- name: x28_event_range_frame_interval
select event_id, event_time,
  count(*) over (order by event_time range between interval '5 minutes' preceding and current row) as last_five_minutes
from aws_cloudtrail_trail_event
where username = 'benjamin'
order by event_time, event_id
limit 30;

-- name: x28_role_groups_frame_exclude
select max_session_duration, name,
  count(*) over (order by max_session_duration groups between 1 preceding and current row) as in_two_groups,
  count(*) over (order by max_session_duration, name rows between 1 preceding and 1 following exclude current row) as neighbours
from aws_iam_role
where account_id = '123456789012'
order by max_session_duration, name;

-- name: x28_role_lead_with_default
select name, account_id, lead(name, 2, '(none)') over (partition by account_id order by name) as two_ahead,
  lag(create_date, 1) over (partition by account_id order by name) is null as first_in_account
from aws_iam_role
order by account_id, name;

-- name: x28_path_hierarchy_recursive
with recursive parts(path, prefix, rest, depth) as (
  select distinct path, '/', substr(path, 2), 0 from aws_iam_role
  union all
  select path, prefix || split_part(rest, '/', 1) || '/', substr(rest, strpos(rest, '/') + 1), depth + 1
  from parts
  where rest <> '' and depth < 5
)
select path, prefix, depth
from parts
order by path, depth;

-- name: x28_policy_mode_and_every
select account_id, mode() within group (order by is_attached) as usual_attached, every(is_attachable) as all_attachable,
  bool_or(attachment_count > 5) as widely_used, bit_or(attachment_count) as bits
from aws_iam_policy
group by account_id
order by account_id;

-- name: x28_policy_percentile_array
select percentile_cont(array[0.25, 0.5, 0.75]) within group (order by attachment_count) as quartiles,
  percentile_disc(array[0.1, 0.9]) within group (order by attachment_count) as deciles
from aws_iam_policy;

-- name: x28_policy_count_distinct_row
select count(distinct (account_id, is_aws_managed)) as kinds, count(distinct account_id) as accounts
from aws_iam_policy;

-- name: x28_event_array_agg_window
select username, event_time, event_name,
  array_agg(event_name) over (partition by username order by event_time, event_id rows between 2 preceding and current row) as recent
from aws_cloudtrail_trail_event
where username like 'aws%' or username like 'stratus%' or username = 'benjamin'
order by username, event_time, event_id
limit 25;

-- name: x28_interval_scaling_text
select (interval '1 day' * 1.5)::text as day_and_half, (interval '1 month' / 3)::text as third_month,
  (interval '10 hours' * 2.25)::text as scaled, extract(epoch from interval '1 month') as month_seconds,
  date_part('epoch', interval '1 day 1 hour') as day_hour_seconds;

-- name: x28_time_zone_conversions
select event_id, event_time at time zone 'America/New_York' as new_york, (event_time at time zone 'Asia/Tokyo')::date as tokyo_day,
  event_time::time as utc_time, date_trunc('day', event_time, 'Europe/Berlin') as berlin_midnight
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 10;

-- name: x28_age_single_argument
select name, account_id, age(date_trunc('day', create_date)) > interval '1 year' as older_than_year,
  extract(year from age(now(), create_date)) as years
from aws_iam_user
where create_date is not null
order by name, account_id;

-- name: x28_string_positions_and_overlay
select name, position('-' in name) as first_dash, strpos(name, '_') as first_underscore,
  overlay(name placing '***' from 2 for 3) as masked, repeat('*', length(name) % 5) as stars, ascii(name) as first_code
from aws_iam_role
where account_id = '123456789012'
order by name;

-- name: x28_regex_operators_mix
select name, account_id, name ~* '^admin' as admin_like, name !~ '[0-9]' as no_digits, name similar to '%(Role|role)%' as role_word,
  regexp_replace(name, '([a-z])([A-Z])', '\1_\2', 'g') as snake
from aws_iam_role
order by name, account_id
limit 25;

-- name: x28_regexp_split_to_array_path
select path, regexp_split_to_array(trim(both '/' from path), '/') as segments, regexp_count(path, '/') as slashes
from aws_iam_role
group by path
order by path;

-- name: x28_ilike_any_names
select name, account_id
from aws_iam_role
where name ilike any (array['%admin%', '%lambda%', '%ec2%'])
order by name, account_id;

-- name: x28_array_overlap_contains
select r.name, r.account_id,
  array(select jsonb_array_elements_text(r.attached_policy_arns)) && array['arn:aws:iam::aws:policy/AdministratorAccess'] as has_admin,
  array['arn:aws:iam::aws:policy/ReadOnlyAccess'] <@ array(select jsonb_array_elements_text(r.attached_policy_arns)) as has_readonly
from aws_iam_role as r
order by has_admin desc, has_readonly desc, r.name, r.account_id
limit 20;

-- name: x28_unnest_two_arrays
select r.name, t.kind, t.n
from aws_iam_role as r,
  unnest(array['inline', 'attached'], array[jsonb_array_length(r.inline_policies), jsonb_array_length(r.attached_policy_arns)]) as t(kind, n)
where r.account_id = '123456789012'
order by r.name, t.kind;

-- name: x28_lateral_top_statement
select p.name, p.account_id, top.action
from aws_iam_policy as p
  left join lateral (
    select a as action
    from jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as a
    order by a
    limit 1
  ) as top on true
where not p.is_aws_managed
order by p.name, p.account_id;

-- name: x28_trust_principal_star_jsonb_equality
select r.name, r.account_id, s -> 'Principal' = '"*"'::jsonb as anyone,
  s -> 'Principal' -> 'AWS' @> '"*"'::jsonb as any_aws, s -> 'Principal' ? 'Federated' as federated
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy -> 'Statement') as s
order by r.name, r.account_id, anyone, any_aws, federated;

-- name: x28_policy_action_array_contains_scalar
select name, account_id, policy_std -> 'Statement' -> 0 -> 'Action' @> '["*"]'::jsonb as first_all_actions,
  policy_std #>> '{Statement,0,Effect}' as first_effect, policy_std -> 'Statement' -> -1 ->> 'Effect' as last_effect
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: x28_policy_string_agg_distinct_ordered
select account_id, string_agg(distinct split_part(name, '-', 1), ',' order by split_part(name, '-', 1)) as prefixes
from aws_iam_policy
where not is_aws_managed
group by account_id
order by account_id;

-- name: x28_policy_array_to_string_distinct
select account_id, array_to_string(array_agg(distinct path), ';') as paths, count(distinct path) as n
from aws_iam_policy
group by account_id
order by account_id;

-- name: x28_policy_jsonb_agg_objects_ordered
select account_id, jsonb_agg(jsonb_build_object('name', name, 'count', attachment_count, 'created', create_date) order by attachment_count desc, name, create_date) as policies
from aws_iam_policy
where not is_aws_managed
group by account_id
order by account_id;

-- name: x28_policy_to_jsonb_whole_row
select to_jsonb(t) as doc
from (select name, account_id, attachment_count, is_attached, tags from aws_iam_policy where not is_aws_managed) as t
order by t.name, t.account_id;

-- name: x28_not_in_with_nulls
select count(*) filter (where name not in (select role_last_used_region from aws_iam_role)) as not_in_regions,
  count(*) filter (where name in (select role_last_used_region from aws_iam_role)) as in_regions,
  count(*) as roles
from aws_iam_role;

-- name: x28_all_and_any_subquery
select name, account_id,
  max_session_duration >= all (select max_session_duration from aws_iam_role as o where o.account_id = r.account_id) as longest,
  coalesce(max_session_duration, 0) >= all (select coalesce(max_session_duration, 0) from aws_iam_role as o where o.account_id = r.account_id) as longest_known,
  3600 = any (select max_session_duration from aws_iam_role as o where o.account_id = r.account_id) as account_has_hour
from aws_iam_role as r
order by name, account_id;

-- name: x28_case_mixed_numeric_types
select name, account_id, case when max_session_duration > 3600 then max_session_duration / 3600.0 else 1 end as hours,
  coalesce(nullif(max_session_duration, 3600), 0.5) as odd_duration
from aws_iam_role
where account_id = '123456789012'
order by name;

-- name: x28_text_to_boolean_casts
select v, v::boolean as b
from (values ('t'), ('yes'), ('on'), ('1'), ('FALSE'), ('off'), ('n')) as t(v)
order by v;

-- name: x28_date_plus_time_and_time_math
select date '2024-03-10' + time '10:30' as ts, time '22:00' + interval '3 hours' as wrapped,
  (date_trunc('month', timestamptz '2024-02-15 12:00:00+00') + interval '1 month - 1 day')::date as month_end,
  interval '1 mon -1 day' as mixed, 'P1DT2H'::interval as iso, interval '1.5 hours' as fractional;

-- name: x28_special_timestamps
select timestamptz 'epoch' as epoch_start, to_timestamp(0.5) as half_second, 'infinity'::timestamptz > now() as inf_future,
  to_timestamp(1700000000.123456) as precise;

-- name: x28_to_char_clock_patterns
select event_id, to_char(event_time, 'HH12:MI AM') as clock, to_char(event_time, 'MS') as ms, to_char(event_time, 'J') as julian,
  to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SSOF') as with_offset, to_char(event_time, 'Mon DDth') as ordinal
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 12;

-- name: x28_s3_bucket_policy_statements
select b.name, s ->> 'Effect' as effect, p as principal, a as action
from aws_s3_bucket as b,
  jsonb_array_elements(b.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p,
  jsonb_array_elements_text(s -> 'Action') as a
order by b.name, effect, principal, action;

-- name: x28_s3_bucket_public_access_summary
select name, region, coalesce(block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets, false) as fully_blocked,
  versioning_enabled, jsonb_typeof(server_side_encryption_configuration) as sse_kind,
  server_side_encryption_configuration -> 'Rules' -> 0 -> 'ApplyServerSideEncryptionByDefault' ->> 'SSEAlgorithm' as algorithm
from aws_s3_bucket
order by name;

-- name: x28_org_scp_statements
select p.name, p.type, s ->> 'Effect' as effect, jsonb_typeof(s -> 'Action') as action_kind,
  coalesce(s -> 'Action', s -> 'NotAction') as actions
from aws_organizations_policy as p,
  jsonb_array_elements(p.content -> 'Statement') as s
order by p.name, effect, coalesce(s -> 'Action', s -> 'NotAction')::text;

-- name: x28_org_accounts_joined_age
select name, id, status, joined_method, date_part('year', age(now(), joined_timestamp)) as years_member,
  to_char(joined_timestamp, 'YYYY-MM') as joined_month, split_part(email, '@', 2) as email_domain
from aws_organizations_account
order by joined_timestamp, id;

-- name: x28_trail_selectors_read_write
select t.name, t.region, sel ->> 'ReadWriteType' as read_write, (sel ->> 'IncludeManagementEvents')::boolean as management,
  jsonb_array_length(coalesce(sel -> 'DataResources', '[]'::jsonb)) as data_resources
from aws_cloudtrail_trail as t,
  jsonb_array_elements(t.event_selectors) as sel
where jsonb_typeof(t.event_selectors) = 'array'
order by t.name, t.region, read_write;

-- name: x28_password_policy_score
select account_id, minimum_password_length,
  (require_lowercase_characters::int + require_uppercase_characters::int + require_numbers::int + require_symbols::int) as classes,
  coalesce(password_reuse_prevention, 0) >= 24 as reuse_ok, coalesce(max_password_age, 0) between 1 and 90 as rotation_ok
from aws_iam_account_password_policy
order by account_id;

-- name: x28_user_not_in_credential_report
select u.name, u.account_id
from aws_iam_user as u
where (u.account_id, u.name) not in (select account_id, user_name from aws_iam_credential_report)
order by u.name, u.account_id;

-- name: x28_role_tags_src_to_recordset
select r.name, r.account_id, t."Key" as tag_key, t."Value" as tag_value
from aws_iam_role as r,
  jsonb_to_recordset(r.tags_src) as t("Key" text, "Value" text)
order by r.name, r.account_id, tag_key;

-- name: x28_role_description_array_text
select account_id, array_agg(description order by name)::text as descriptions
from aws_iam_role
where description is not null
group by account_id
order by account_id;

-- name: x28_user_arn_array_text_quoting
select account_id, (array_agg(path || ' ' || name order by name))::text as labels
from aws_iam_user
group by account_id
order by account_id;

-- name: x28_array_builtins_on_paths
select a, array_length(a, 1) as len, cardinality(a) as card, array_upper(a, 1) as upper_bound,
  array_append(a, 'tail') as appended, array_prepend('head', a) as prepended, array_remove(a, '') as no_empties,
  array_cat(a, array['x']) as concatenated
from (select string_to_array('/a//b/', '/') as a union all select '{}'::text[] union all select array['x', null]) as t
order by cardinality(a), a;

-- name: x28_string_to_array_null_marker
select string_to_array('a,,b,N/A', ',', 'N/A') as with_null, string_to_array('abc', null) as chars,
  array_to_string(array['a', null, 'b'], ',', '*') as starred;

-- name: x28_named_window_clause
select name, account_id, create_date, row_number() over w as n, count(*) over w as running
from aws_iam_user
where create_date is not null
window w as (partition by account_id order by create_date, name)
order by account_id, n;

-- name: x28_grouping_sets_string_agg
select account_id, mfa_enabled, grouping(account_id, mfa_enabled) as g, count(*) as users, string_agg(name, ',' order by name) as names
from aws_iam_user
where account_id in ('123456789012', '012345678901')
group by grouping sets ((account_id), (mfa_enabled), ())
order by g, account_id nulls last, mfa_enabled nulls last;

-- name: x28_limit_by_subquery
select name, account_id
from aws_iam_role
order by name, account_id
limit (select count(*) from aws_iam_group);

-- name: x28_offset_fetch_next
select name, account_id
from aws_iam_policy
order by name, account_id
offset 5 rows fetch next 5 rows only;

-- name: x28_intersect_all_except_all
(select account_id from aws_iam_role intersect all select account_id from aws_iam_user)
except all
select account_id from aws_iam_group
order by 1;

-- name: x28_varchar_length_cast
select name, name::varchar(5) as short, cast(name as varchar(3)) as tiny, substr(name, 2) as rest
from aws_iam_group
order by name, account_id;

-- name: x28_numeric_typmod_cast
select name, account_id, max_session_duration::numeric(10, 2) as exact, (max_session_duration / 7.0)::numeric(8, 3) as sevenths,
  round(max_session_duration::numeric / 7, 2)::text || ' s' as label
from aws_iam_role
where max_session_duration is not null
order by name, account_id;

-- name: x28_null_and_empty_text
select 'a' || null as concat_null, concat('a', null, 'b') as concat_fn, length(null::text) as len_null, coalesce('', 'x') as empty_kept,
  nullif('', '') is null as nullif_empty, concat_ws('-', null, 'a', '', 'b') as ws;

-- name: x28_hashes_and_hex
select name, md5(name) as md5_hex, encode(sha256(name::bytea), 'hex') as sha, to_hex(length(name) * 255) as hex_len,
  lpad(to_hex(length(name)), 4, '0') as padded
from aws_iam_group
order by name, account_id;

-- name: x28_format_widths_and_positions
select format('%-12s|', name) as left_aligned, format('%8s|', left(name, 8)) as right_aligned, format('%2$s:%1$s', name, account_id) as swapped
from aws_iam_group
order by name, account_id;

-- name: x28_width_bucket_sessions
select width_bucket(coalesce(max_session_duration, 0), 0, 43200, 4) as bucket, count(*) as roles
from aws_iam_role
group by 1
order by 1;

-- name: x28_generate_subscripts_of_array
select name, account_id, i, (string_to_array(trim(both '/' from arn), '/'))[i] as part
from aws_iam_role,
  generate_subscripts(string_to_array(trim(both '/' from arn), '/'), 1) as i
where account_id = '123456789012'
order by name, i;

-- name: x28_string_to_table_actions
select a, count(*) as n
from aws_iam_group,
  string_to_table(coalesce(path, ''), '/') as a
group by a
order by a;

-- name: x28_substring_regex_groups
select name, account_id, substring(arn from ':(role|user)/') as kind, (regexp_match(arn, 'arn:([^:]+):iam::(\d+)'))[2] as acct,
  regexp_match(name, '^([a-z]+)') as lower_prefix
from aws_iam_role
order by name, account_id
limit 25;

-- name: x28_jsonb_build_array_and_pretty
select name, account_id, jsonb_build_array(name, max_session_duration, create_date, null) as arr, jsonb_pretty(tags) as pretty_tags
from aws_iam_role
where tags <> '{}'::jsonb
order by name, account_id;

-- name: x28_group_members_lateral_count
select g.name, g.account_id, jsonb_array_length(g.users) as members, m.newest_member
from aws_iam_group as g
  left join lateral (
    select u ->> 'UserName' as newest_member
    from jsonb_array_elements(g.users) as u
    order by u ->> 'CreateDate' desc, u ->> 'UserName'
    limit 1
  ) as m on true
order by g.name, g.account_id;

-- name: x28_group_policy_arns_distinct_on
select distinct on (g.account_id) g.account_id, g.name, jsonb_array_length(g.attached_policy_arns) as attached
from aws_iam_group as g
order by g.account_id, jsonb_array_length(g.attached_policy_arns) desc, g.name;

-- name: x28_user_inline_policy_names_with_ordinality
select u.name, u.account_id, p.ord, p.doc ->> 'PolicyName' as policy_name
from aws_iam_user as u,
  jsonb_array_elements(u.inline_policies) with ordinality as p(doc, ord)
order by u.name, u.account_id, p.ord;

-- name: x28_user_effective_sources_union
select account_id, name, 'attached' as source, count(*) as n
from aws_iam_user as u, jsonb_array_elements_text(u.attached_policy_arns) as a
group by account_id, name
union all
select account_id, name, 'inline', count(*)
from aws_iam_user as u, jsonb_array_elements(u.inline_policies) as i
group by account_id, name
order by account_id, name, source;

-- name: x28_user_mfa_devices_serials
select u.name, u.account_id, d ->> 'SerialNumber' as serial, split_part(d ->> 'SerialNumber', ':', 6) as device,
  (d ->> 'EnableDate')::timestamptz as enabled_at
from aws_iam_user as u,
  jsonb_array_elements(u.mfa_devices) as d
order by u.name, u.account_id, serial;

-- name: x28_user_login_profile_ages
select name, account_id, (login_profile ->> 'CreateDate')::timestamptz as password_created,
  date_part('day', now() - (login_profile ->> 'CreateDate')::timestamptz)::int >= 90 as older_than_90_days
from aws_iam_user
where login_profile is not null
order by name, account_id;

-- name: x28_virtual_mfa_assignment
select serial_number, assignment_status, coalesce(user_name, '(unassigned)') as holder, "user" ->> 'Arn' as user_arn,
  enable_date is not null as enabled
from aws_iam_virtual_mfa_device
order by serial_number;

-- name: x28_server_certificate_expiry
select name, expiration, expiration < now() as expired, (expiration - upload_date)::text as lifetime,
  to_char(expiration, 'YYYY-MM-DD') as expires_on
from aws_iam_server_certificate
order by expiration, name;

-- name: x28_oidc_provider_clients
select o.url, jsonb_array_length(o.client_id_list) as clients, c.client_id, o.thumbprint_list ->> 0 as first_thumbprint,
  replace(o.url, 'https://', '') as issuer
from aws_iam_open_id_connect_provider as o
  left join lateral jsonb_array_elements_text(o.client_id_list) as c(client_id) on true
order by o.url, c.client_id;

-- name: x28_policy_attachment_entities
select pa.policy_arn, pa.account_id, jsonb_array_length(pa.policy_roles) as roles, jsonb_array_length(pa.policy_users) as users,
  jsonb_array_length(pa.policy_groups) as groups
from aws_iam_policy_attachment as pa
where pa.is_attached
order by jsonb_array_length(pa.policy_roles) + jsonb_array_length(pa.policy_users) desc, pa.policy_arn, pa.account_id
limit 15;

-- name: x28_event_names_by_verb_crosstab_filter
select event_source,
  count(*) filter (where event_name like 'Get%' or event_name like 'List%' or event_name like 'Describe%') as reads,
  count(*) filter (where event_name like 'Create%' or event_name like 'Put%') as creates,
  count(*) filter (where event_name like 'Delete%') as deletes
from aws_cloudtrail_trail_event
group by event_source
order by count(*) desc, event_source
limit 12;

-- name: x28_event_request_parameters_keys
select k as parameter, count(*) as events
from aws_cloudtrail_trail_event as e,
  jsonb_object_keys(e.request_parameters) as k
where jsonb_typeof(e.request_parameters) = 'object'
group by k
order by events desc, k
limit 20;

-- name: x28_event_response_typeof
select jsonb_typeof(response_elements) as response_kind, read_only, count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2
order by 1 nulls first, 2 nulls first;

-- name: x28_event_tls_versions
select tls_details ->> 'tlsVersion' as tls, tls_details ->> 'cipherSuite' as cipher, count(*) as events
from aws_cloudtrail_trail_event
where tls_details is not null
group by 1, 2
order by events desc, tls nulls first, cipher nulls first;

-- name: x28_event_week_quarter_buckets
select date_trunc('quarter', event_time)::date as quarter, extract(week from event_time) as week, count(*) as events,
  count(distinct event_source) as sources
from aws_cloudtrail_trail_event
group by 1, 2
order by 1, 2;

-- name: x29_instance_role_via_profile_left_join
select r.name as role_name, p as instance_profile, i.instance_id, i.instance_state
from aws_iam_role as r,
  jsonb_array_elements_text(r.instance_profile_arns) as p
  left join aws_ec2_instance as i on p = i.iam_instance_profile_arn
order by 1, 2, 3 nulls first;

-- name: x29_access_advisor_stale_by_day_threshold
select aa.principal_arn, aa.service_namespace,
  case when aa.last_authenticated is null then 'never' else (now()::date - aa.last_authenticated::date)::text end as days_idle
from aws_iam_access_advisor as aa
where coalesce(aa.last_authenticated, now() - '400 days' :: interval) < now() - ('30' || ' days') :: interval
order by 1, 2;

-- name: x29_notaction_globs_leave_actions
select t.i as statement, count(distinct a.action) as actions_outside
from jsonb_array_elements(('{"Statement": [{"Effect": "Allow", "Resource": "*", "NotAction": ["iam:*", "organizations:*"]}, {"Effect": "Deny", "Resource": "*", "NotAction": ["s3:Get*"]}]}' :: jsonb) -> 'Statement') with ordinality as t(stmt, i),
  jsonb_array_elements_text(t.stmt -> 'NotAction') as action_glob,
  aws_iam_action as a
where a.action not like glob(action_glob) and a.prefix in ('iam', 's3', 'organizations')
group by 1
order by 1;

-- name: x29_trusted_aws_principals_from_text
select r.name, aws as trusted
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text((s -> 'Principal' ->> 'AWS')::jsonb) as aws
order by 1, 2;
-- name: x29_role_trust_contained_by_service_principals
select name, account_id, (assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' -> 'Service') <@ '["ec2.amazonaws.com", "lambda.amazonaws.com", "ecs-tasks.amazonaws.com"]'::jsonb as compute_only
from aws_iam_role
where assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' ? 'Service'
order by name, account_id;

-- name: x29_policy_statement_has_any_condition_operator
select p.name, p.account_id, count(*) filter (where s -> 'Condition' ?| array['stringequals', 'stringlike', 'arnlike']) as string_conditions,
  count(*) filter (where s -> 'Condition' ?& array['bool', 'stringequals']) as bool_and_string
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
group by p.name, p.account_id
order by p.name, p.account_id;

-- name: x29_policy_allow_statement_containment_object
select name, account_id, policy_std -> 'Statement' @> '[{"Effect": "Allow", "Action": ["*"]}]' as allows_all_actions,
  policy_std -> 'Statement' @> '[{"Effect": "Deny"}]' as has_deny
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: x29_role_tags_containment_and_keys
select name, account_id, tags @> '{}'::jsonb as is_object, tags ?| array['Name', 'team', 'Team', 'env'] as has_known_tag,
  (select count(*) from jsonb_object_keys(tags)) as tag_count
from aws_iam_role
where tags is not null
order by name, account_id;

-- name: x29_policy_path_query_allow_actions
select p.name, p.account_id, jsonb_path_query_array(p.policy_std, '$.Statement[*] ? (@.Effect == "Allow").Action[*]') as allowed_actions
from aws_iam_policy as p
where not p.is_aws_managed
order by p.name, p.account_id;

-- name: x29_policy_path_exists_wildcard_resource
select name, account_id, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Resource[*] == "*")') as wildcard_resource,
  jsonb_path_exists(policy_std, '$.Statement[*].Condition') as has_condition
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: x29_role_trust_path_query_principals
select r.name, r.account_id, pr as aws_principal
from aws_iam_role as r,
  jsonb_path_query(r.assume_role_policy_std, '$.Statement[*].Principal.AWS[*]') as pr
order by r.name, r.account_id, pr::text;

-- name: x29_policy_path_query_first_statement_sid
select name, account_id, jsonb_path_query_first(policy, '$.Statement[0].Sid') #>> '{}' as first_sid,
  jsonb_path_query_first(policy_std, '$.Statement.size()') as statements
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: x29_event_request_parameters_each
select e.event_name, kv.key, jsonb_typeof(kv.value) as kind, count(*) as events
from aws_cloudtrail_trail_event as e,
  jsonb_each(e.request_parameters) as kv
where jsonb_typeof(e.request_parameters) = 'object' and e.event_source = 'iam.amazonaws.com'
group by 1, 2, 3
order by events desc, 1, 2, 3
limit 25;

-- name: x29_user_tags_each_text_pivot
select u.name, u.account_id, t.key, t.value, initcap(t.key) as label
from aws_iam_user as u,
  jsonb_each_text(u.tags) as t
order by u.name, u.account_id, t.key;

-- name: x29_event_user_identity_strip_nulls
select event_id, jsonb_strip_nulls(user_identity) - 'sessionContext' - 'accessKeyId' as identity_core
from aws_cloudtrail_trail_event
where user_type = 'AssumedRole'
order by event_time, event_id
limit 15;

-- name: x29_role_trust_jsonb_set_version
select name, account_id, jsonb_set(assume_role_policy_std, '{Version}', '"2012-10-17"') ->> 'Version' as version,
  jsonb_set(tags, '{reviewed}', 'true', true) -> 'reviewed' as reviewed
from aws_iam_role
where tags is not null
order by name, account_id
limit 20;

-- name: x29_policy_minus_keys_and_index
select name, account_id, (policy - 'Id') ? 'Version' as kept_version, jsonb_typeof(policy - 'Statement') as rest_kind,
  jsonb_array_length((policy_std -> 'Statement') - 0) as statements_after_first
from aws_iam_policy
where not is_aws_managed and jsonb_typeof(policy_std -> 'Statement') = 'array'
order by name, account_id;

-- name: x29_event_hash_paths
select event_id, request_parameters #> '{roleName}' as role_name_json, request_parameters #>> '{policyArn}' as policy_arn,
  user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer, user_identity #>> '{sessionContext,attributes,mfaAuthenticated}' as mfa
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
order by event_time, event_id
limit 30;

-- name: x29_user_groups_array_agg_filter_ordered
select account_id, array_agg(name order by name) filter (where mfa_enabled) as with_mfa,
  array_agg(name order by create_date desc, name) filter (where not mfa_enabled) as without_mfa
from aws_iam_user
group by account_id
order by account_id;

-- name: x29_role_paths_string_to_array
select name, account_id, string_to_array(trim(both '/' from path), '/') as path_parts,
  array_to_string(string_to_array(arn, ':'), ' | ') as arn_fields
from aws_iam_role
where path <> '/'
order by name, account_id;

-- name: x29_user_agent_split_to_table
select part, count(*) as events
from aws_cloudtrail_trail_event as e,
  regexp_split_to_table(split_part(e.user_agent, ' ', 1), '/') as part
where e.user_agent is not null
group by part
order by events desc, part
limit 20;

-- name: x29_format_identifiers_and_literals
select name, account_id, format('select * from %I where arn = %L', 'aws_iam_role', arn) as lookup,
  format('%s (%s)', name, coalesce(description, 'no description')) as label, format('%I', name) as quoted_name
from aws_iam_role
order by name, account_id
limit 25;

-- name: x29_user_name_padding
select lpad(name, 20, '.') as right_aligned, rpad(name, 20, '-') as left_aligned, lpad(account_id, 14, '0') as acct,
  rpad(coalesce(path, ''), 3) as short_path
from aws_iam_user
order by name, account_id;

-- name: x29_event_name_initcap_words
select distinct initcap(regexp_replace(event_name, '([a-z])([A-Z])', '\1 \2', 'g')) as words, event_name
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
order by words, event_name;

-- name: x29_event_epoch_and_to_timestamp
select event_id, extract(epoch from event_time)::bigint as epoch, to_timestamp(extract(epoch from event_time)::bigint) = date_trunc('second', event_time) as round_trip,
  to_timestamp(floor(extract(epoch from event_time) / 3600) * 3600) as hour_start
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: x29_event_date_bin_fifteen_minutes
select date_bin('15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as slot, count(*) as events
from aws_cloudtrail_trail_event
group by slot
order by events desc, slot
limit 15;

-- name: x29_user_age_justify_interval
select name, account_id, justify_interval(now() - create_date) > interval '365 days' as older_than_a_year,
  justify_interval(interval '40 days 30 hours') as justified, justify_days(interval '65 days') as months
from aws_iam_user
order by name, account_id;

-- name: x29_role_make_interval_session
select name, account_id, make_interval(secs => max_session_duration::int) as max_session,
  make_interval(hours => 1) < make_interval(secs => max_session_duration::int) as longer_than_an_hour
from aws_iam_role
order by name, account_id;

-- name: x29_key_rotation_overlaps_window
select user_name, account_id, access_key_id, (create_date, interval '90 days') overlaps (timestamptz '2019-01-01 00:00:00+00', timestamptz '2020-01-01 00:00:00+00') as active_in_2019
from aws_iam_access_key
order by user_name, account_id, access_key_id;

-- name: x29_policy_counts_to_char
select to_char(count(*), 'FM999,999') as policies, to_char(avg(attachment_count), 'FM990.00') as avg_attachments,
  to_char(sum(attachment_count), '0000') as total_padded, is_aws_managed
from aws_iam_policy
group by is_aws_managed
order by is_aws_managed;

-- name: x29_user_name_like_escape
select name, account_id, name like '%\_%' escape '\' as has_underscore, name like 'a!%%' escape '!' as starts_a_percent,
  name ilike '%ADMIN%' as admin_like
from aws_iam_user
order by name, account_id;

-- name: x29_role_name_similar_to
select name, account_id, name similar to '(AWS|aws)[A-Za-z]*%' as aws_prefixed, name similar to '%(-|_)%' as separated,
  name not similar to '[A-Za-z0-9+=,.@_-]+' as unusual_chars
from aws_iam_role
order by name, account_id;

-- name: x29_user_boundary_is_distinct_from
select name, account_id, permissions_boundary_arn is distinct from null as has_boundary,
  password_last_used is not distinct from null as never_logged_in, path is distinct from '/' as custom_path
from aws_iam_user
order by name, account_id;

-- name: x29_user_last_login_nulls_first_last
select name, account_id, password_last_used
from aws_iam_user
order by password_last_used desc nulls last, name, account_id;

-- name: x29_event_window_range_interval
select event_id, event_time, username, count(*) over (partition by username order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event
where username is not null
order by username, event_time, event_id
limit 40;

-- name: x29_event_window_groups_frame
select event_time::date as day, event_name, count(*) as n,
  sum(count(*)) over (order by event_time::date groups between 1 preceding and 1 following) as around_day
from aws_cloudtrail_trail_event
group by event_time::date, event_name
order by day, event_name
limit 40;

-- name: x29_policy_window_exclude_current_row
select name, account_id, attachment_count,
  sum(attachment_count) over (partition by account_id order by attachment_count, name rows between unbounded preceding and unbounded following exclude current row) as others
from aws_iam_policy
where not is_aws_managed
order by account_id, attachment_count, name;

-- name: x29_policy_window_exclude_ties_and_group
select name, attachment_count,
  count(*) over (order by attachment_count range between unbounded preceding and current row exclude ties) as upto_without_ties,
  count(*) over (order by attachment_count groups between current row and unbounded following exclude group) as after_group
from aws_iam_policy
where is_aws_managed
order by attachment_count, name;

-- name: x29_role_window_range_numeric_offset
select name, account_id, max_session_duration,
  count(*) over (order by max_session_duration range between 3600 preceding and 3600 following) as within_an_hour
from aws_iam_role
order by max_session_duration, name, account_id;

-- name: x29_role_window_nth_last_value
select name, account_id, create_date,
  first_value(name) over w as oldest, last_value(name) over w as newest, nth_value(name, 2) over w as second
from aws_iam_role
window w as (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following)
order by account_id, create_date, name;

-- name: x29_event_window_lag_gap
select username, event_time, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap
from aws_cloudtrail_trail_event
where user_type = 'IAMUser'
order by username, event_time, event_id
limit 40;

-- name: x29_organizations_ou_tree_recursive
with recursive tree as (
  select id, name, parent_id, 1 as depth, name::text as trail
  from aws_organizations_organizational_unit
  where parent_id like 'r-%'
  union all
  select o.id, o.name, o.parent_id, t.depth + 1, t.trail || ' > ' || o.name
  from aws_organizations_organizational_unit as o
    join tree as t on o.parent_id = t.id
)
select id, name, depth, trail from tree order by trail;

-- name: x29_organizations_account_paths_recursive
with recursive up as (
  select a.id as account_id, a.parent_id as node, 0 as hops
  from aws_organizations_account as a
  union all
  select up.account_id, ou.parent_id, up.hops + 1
  from up
    join aws_organizations_organizational_unit as ou on ou.id = up.node
)
select account_id, max(hops) as depth, string_agg(node, ',' order by hops) as ancestors
from up
group by account_id
order by account_id;

-- name: x29_recursive_arn_segments
with recursive seg(role_name, account_id, n, part, rest) as (
  select name, account_id, 0, ''::text, arn from aws_iam_role where path <> '/'
  union all
  select role_name, account_id, n + 1, split_part(rest, '/', 1), case when strpos(rest, '/') > 0 then substr(rest, strpos(rest, '/') + 1) else '' end
  from seg where rest <> ''
)
select role_name, account_id, n, part from seg where n > 0 order by role_name, account_id, n;

-- name: x29_recursive_series_days_with_events
with recursive days(d) as (
  select min(event_time)::date from aws_cloudtrail_trail_event
  union all
  select d + 1 from days where d < (select max(event_time)::date from aws_cloudtrail_trail_event)
)
select d, (select count(*) from aws_cloudtrail_trail_event e where e.event_time::date = d) as events
from days
order by d
limit 30;

-- name: x29_coalesce_across_types
select name, account_id, coalesce(password_last_used, create_date) as last_seen, coalesce(permissions_boundary_arn, path, '') as boundary_or_path,
  coalesce((tags ->> 'cost')::numeric, 0) as cost, coalesce(jsonb_array_length(mfa_devices), 0) + 1 as devices_plus_one
from aws_iam_user
order by name, account_id;

-- name: x29_coalesce_jsonb_and_text
select name, account_id, coalesce(tags, '{}'::jsonb) as tags_or_empty, coalesce(tags ->> 'Name', tags ->> 'name', name) as display,
  coalesce(description, '') = '' as no_description
from aws_iam_role
order by name, account_id;

-- name: x29_ou_ltree_ancestor_policies
select ou.name, ou.path, p.name as policy_name, p.type
from aws_organizations_organizational_unit as ou
  join aws_organizations_policy_target as p on p.target_id = ou.id
order by ou.path, p.name;

-- name: x29_scp_statements_not_action
select p.name, p.id, s ->> 'Effect' as effect, coalesce(s -> 'Action', s -> 'NotAction') as actions, s ? 'NotAction' as is_not_action
from aws_organizations_policy as p,
  jsonb_array_elements(case jsonb_typeof(p.content -> 'Statement') when 'array' then p.content -> 'Statement' else jsonb_build_array(p.content -> 'Statement') end) as s
where p.type = 'SERVICE_CONTROL_POLICY'
order by p.name, p.id, effect, coalesce(s -> 'Action', s -> 'NotAction')::text;

-- name: x29_scp_targets_array_agg
select p.name, p.type, array_agg(p.target_id order by p.target_id) as targets, count(*) filter (where p.target_id like 'ou-%') as ous,
  bool_or(p.target_id like 'r-%') as on_root
from aws_organizations_policy_target as p
group by p.name, p.type
order by p.name, p.type;

-- name: x29_organization_account_email_domains
select split_part(email, '@', 2) as domain, count(*) as accounts, string_agg(name, ', ' order by name) as names,
  min(joined_timestamp) as first_joined
from aws_organizations_account
group by 1
order by 1;

-- name: x29_organization_account_join_age
select id, name, status, joined_method, date_part('year', age(now(), joined_timestamp))::int as years_in_org,
  to_char(joined_timestamp, 'YYYY-MM') as joined_month
from aws_organizations_account
order by id;

-- name: x29_root_policy_types_each
select r.id, pt ->> 'Type' as policy_type, pt ->> 'Status' as status
from aws_organizations_root as r,
  jsonb_array_elements(r.policy_types) as pt
order by r.id, policy_type;

-- name: x29_s3_bucket_policy_principals_star
select b.name, s ->> 'Effect' as effect, s -> 'Principal' as principal,
  s -> 'Principal' @> '{"AWS": ["*"]}' or s -> 'Principal' = '"*"' as to_everyone
from aws_s3_bucket as b,
  jsonb_array_elements(b.policy_std -> 'Statement') as s
order by b.name, effect, (s -> 'Principal')::text;

-- name: x29_s3_bucket_policy_secure_transport
select b.name, exists (
    select 1 from jsonb_array_elements(b.policy_std -> 'Statement') as s
    where s ->> 'Effect' = 'Deny' and s -> 'Condition' -> 'bool' ->> 'aws:securetransport' is not null
  ) as denies_insecure,
  jsonb_path_exists(b.policy_std, '$.Statement[*].Condition.bool."aws:securetransport"') as has_secure_transport_key
from aws_s3_bucket as b
order by b.name;

-- name: x29_s3_bucket_public_access_flags
select name, region, concat_ws(',', case when block_public_acls then 'acls' end, case when block_public_policy then 'policy' end,
  case when ignore_public_acls then 'ignore' end, case when restrict_public_buckets then 'restrict' end) as blocks,
  coalesce(block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets, false) as fully_blocked
from aws_s3_bucket
order by name;

-- name: x29_s3_bucket_encryption_rules
select b.name, r -> 'ApplyServerSideEncryptionByDefault' ->> 'SSEAlgorithm' as algorithm,
  r -> 'ApplyServerSideEncryptionByDefault' ->> 'KMSMasterKeyID' as key_id, (r ->> 'BucketKeyEnabled')::bool as bucket_key
from aws_s3_bucket as b,
  jsonb_array_elements(b.server_side_encryption_configuration -> 'Rules') as r
order by b.name, algorithm;

-- name: x29_s3_bucket_tags_keys
select b.name, array_agg(k order by k) as tag_keys
from aws_s3_bucket as b
  left join lateral jsonb_object_keys(coalesce(b.tags, '{}')) as k on true
group by b.name
order by b.name;

-- name: x29_sso_permission_set_durations
select name, session_duration, replace(replace(session_duration, 'PT', ''), 'H', ' hours') as readable,
  session_duration::interval > interval '4 hours' as longer_than_4h
from aws_ssoadmin_permission_set
order by name;

-- name: x29_sso_managed_policy_attachments_admin
select permission_set_arn, array_agg(name order by name) as policies,
  bool_or(managed_policy_arn like '%/AdministratorAccess') as admin
from aws_ssoadmin_managed_policy_attachment
group by permission_set_arn
order by permission_set_arn;

-- name: x29_sso_account_assignments_by_type
select principal_type, count(*) as assignments, count(distinct target_account_id) as accounts
from aws_ssoadmin_account_assignment
group by principal_type
order by principal_type;

-- name: x29_event_error_codes_nulls_first
select error_code, count(*) as events, min(event_time) as first_seen
from aws_cloudtrail_trail_event
group by error_code
order by error_code nulls first;

-- name: x29_event_source_ip_sorted_nulls_last
select source_ip_address, count(*) as events
from aws_cloudtrail_trail_event
group by source_ip_address
order by source_ip_address desc nulls last
limit 20;

-- name: x29_access_advisor_services_unused
select principal_arn, service_namespace, last_authenticated, last_authenticated is null as never_used,
  coalesce(to_char(last_authenticated, 'YYYY-MM-DD'), 'never') as last_used_day
from aws_iam_access_advisor
order by principal_arn, service_namespace;

-- name: x29_tags_keys_case_collisions
select account_id, lower(left(k, 10)) as tag_key, array_agg(distinct k) as spellings
from (
  select account_id, jsonb_object_keys(tags) as k from aws_iam_role where tags is not null
  union all
  select account_id, jsonb_object_keys(tags) from aws_iam_user where tags is not null
) as keys
group by account_id, lower(left(k, 10))
having count(distinct k) > 1
order by account_id, tag_key;

-- name: x29_tags_prohibited_keys_any
select 'role' as kind, name, account_id, k as prohibited
from aws_iam_role, jsonb_object_keys(tags) as k
where k ilike any (array['%password%', '%secret%', 'quicksetup%', 'location'])
union all
select 'user', name, account_id, k
from aws_iam_user, jsonb_object_keys(tags) as k
where k ilike any (array['%password%', '%secret%', 'quicksetup%', 'location'])
order by kind, name, account_id, prohibited;

-- name: x29_tags_missing_mandatory
select name, account_id, array(select m from unnest(array['Environment', 'Owner', 'CostCenter']) as m where not coalesce(tags, '{}') ? m order by m) as missing
from aws_iam_role
order by name, account_id
limit 30;

-- name: x29_tags_value_lengths
select r.name, r.account_id, t.key, char_length(t.value) as value_length, octet_length(t.value) as value_bytes, t.value ~ '^\s|\s$' as padded
from aws_iam_role as r,
  jsonb_each_text(r.tags) as t
order by r.name, r.account_id, t.key;

-- name: x29_perimeter_trust_other_accounts
select r.name, r.account_id, p as principal, split_part(p, ':', 5) as principal_account
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
where s ->> 'Effect' = 'Allow' and split_part(p, ':', 5) <> r.account_id
order by r.name, r.account_id, p;

-- name: x29_perimeter_trust_external_id_conditions
select r.name, r.account_id, s -> 'Condition' -> 'stringequals' -> 'sts:externalid' as external_ids,
  s -> 'Condition' ?| array['stringequals', 'stringlike'] as has_string_condition,
  jsonb_path_exists(s, '$.Condition.*."aws:principalorgid"') as org_bound
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where s -> 'Principal' ? 'AWS'
order by r.name, r.account_id, (s -> 'Condition' -> 'stringequals' -> 'sts:externalid')::text;

-- name: x29_perimeter_principal_shapes_regex
select p, p ~ '^arn:aws:iam::\d{12}:root$' as account_root, p ~ '^\d{12}$' as bare_account, p = '*' as anyone,
  substring(p from ':(role|user)/') as principal_kind
from (
  select distinct jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
  from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
) as principals
order by p;

-- name: x29_perimeter_federated_principals
select r.name, r.account_id, f as provider, s -> 'Action' as actions, jsonb_array_length(s -> 'Action') as action_count
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Federated') as f
order by r.name, r.account_id, f;

-- name: x29_insights_users_by_age_bucket
select width_bucket(extract(epoch from now() - create_date) / 86400, 0, 3650, 10) as bucket, count(*) as users,
  min(create_date)::date as oldest, max(create_date)::date as newest
from aws_iam_user
group by bucket
order by bucket;

-- name: x29_insights_roles_created_per_month_series
select m::date as month, count(r.arn) as roles
from generate_series(date_trunc('month', timestamptz '2019-01-01 00:00:00+00'), timestamptz '2019-12-01 00:00:00+00', interval '1 month') as m
  left join aws_iam_role as r on date_trunc('month', r.create_date) = m
group by m
order by m;

-- name: x29_insights_policy_rollup
select coalesce(account_id, 'all') as account, is_attached, count(*) as policies, grouping(account_id, is_attached) as level
from aws_iam_policy
where not is_aws_managed
group by rollup (account_id, is_attached)
order by level, account, is_attached nulls last;

-- name: x29_insights_event_cube
select read_only, event_category, count(*) as events
from aws_cloudtrail_trail_event
group by cube (read_only, event_category)
order by read_only nulls first, event_category nulls first, events;

-- name: x29_insights_grouping_sets_sources
select event_source, aws_region, count(*) as events
from aws_cloudtrail_trail_event
where event_source in ('iam.amazonaws.com', 'sts.amazonaws.com', 's3.amazonaws.com')
group by grouping sets ((event_source), (aws_region), ())
order by event_source nulls last, aws_region nulls last;

-- name: x29_compliance_key_rotation_credential_report
select user_name, account_id, access_key_1_active, access_key_1_last_rotated,
  case when access_key_1_active and access_key_1_last_rotated < now() - interval '90 days' then 'alarm'
       when access_key_1_active then 'ok' else 'skip' end as status,
  coalesce(date_part('day', now() - access_key_1_last_rotated)::int, -1) as age_days
from aws_iam_credential_report
order by user_name, account_id;

-- name: x29_compliance_password_policy_reason
select account_id, concat_ws('; ',
    case when minimum_password_length < 14 then format('minimum length %s < 14', minimum_password_length) end,
    case when not require_symbols then 'no symbols' end,
    case when coalesce(password_reuse_prevention, 0) < 24 then format('reuse prevention %s', coalesce(password_reuse_prevention::text, 'off')) end,
    case when not coalesce(expire_passwords, false) then 'passwords never expire' end) as findings
from aws_iam_account_password_policy
order by account_id;

-- name: x29_compliance_root_credential_report
select account_id, password_enabled, mfa_active, access_key_1_active or access_key_2_active as root_keys,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_root_activity
from aws_iam_credential_report
where user_name = '<root_account>'
order by account_id;

-- name: x29_compliance_summary_counts_case
select account_id, count(*) as users, count(*) filter (where mfa_active) as with_mfa,
  round(100.0 * count(*) filter (where mfa_active) / nullif(count(*), 0), 1) as mfa_percent,
  to_char(100.0 * count(*) filter (where password_enabled) / nullif(count(*), 0), 'FM990.0') as password_percent
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: x29_statement_actions_with_ordinality
select p.name, p.account_id, a.action, a.n
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Action') with ordinality as a(action, n)
where not p.is_aws_managed
order by p.name, p.account_id, a.action, a.n;

-- name: x29_statement_jsonb_agg_ordered
select p.name, p.account_id, jsonb_agg(distinct s ->> 'Effect') as effects,
  jsonb_agg(s -> 'Resource' order by (s -> 'Resource')::text) as resources
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
group by p.name, p.account_id
order by p.name, p.account_id;

-- name: x29_user_jsonb_build_object_nested
select jsonb_build_object('user', name, 'account', account_id, 'security', jsonb_build_object('mfa', mfa_enabled, 'devices', coalesce(jsonb_array_length(mfa_devices), 0)),
  'groups', coalesce((select jsonb_agg(g ->> 'GroupName' order by g ->> 'GroupName') from jsonb_array_elements(groups) as g), '[]')) as doc
from aws_iam_user
order by name, account_id;

-- name: x29_role_tags_object_agg
select account_id, jsonb_object_agg(name, coalesce(tags ->> 'QuickSetupType', '')) as setup_tags
from aws_iam_role
where tags ? 'QuickSetupType'
group by account_id
order by account_id;

-- name: x29_policy_document_concat_and_insert
select name, account_id, (policy_std || '{"Reviewed": true}') ? 'Reviewed' as merged,
  jsonb_array_length(jsonb_insert(policy_std -> 'Statement', '{0}', '{"Sid": "first"}')) as with_inserted,
  jsonb_typeof(policy_std #> '{Statement,0,Action}') as first_action_kind
from aws_iam_policy
where not is_aws_managed and jsonb_typeof(policy_std -> 'Statement') = 'array'
order by name, account_id;

-- name: x29_path_like_regex_actions
select name, account_id, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^iam:(create|put|attach)")') as iam_writes,
  jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ starts with "sts:")') as sts
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: x29_string_functions_on_arns
select name, account_id, strpos(arn, ':role/') as role_at, position('/' in substr(arn, 14)) as slash_after, reverse(split_part(reverse(arn), '/', 1)) as last_part,
  left(role_id, 4) as id_prefix, right(arn, 6) as tail, translate(path, '/', '.') as dotted, btrim(path, '/') as trimmed
from aws_iam_role
order by name, account_id;

-- name: x29_string_quote_functions
select name, account_id, quote_ident(name) as ident, quote_literal(name) as lit, quote_nullable(description) as descr,
  md5(arn) as arn_md5, repeat('*', length(name) % 5) as stars
from aws_iam_role
order by name, account_id
limit 30;

-- name: x29_regexp_start_positions_on_arns
select name, account_id, regexp_count(arn, '/', 14) as slashes_after_account, regexp_substr(arn, '[^/]+', 14, 2) as second_path_part,
  regexp_instr(arn, '/', 14) as first_slash, regexp_instr(arn, '/', 14, 1, 1) as after_first_slash, regexp_count(name, 'a', 1, 'i') as a_count
from aws_iam_role
order by name, account_id;

-- name: x29_regexp_matches_global
select e.event_id, m[1] as word
from aws_cloudtrail_trail_event as e,
  regexp_matches(e.event_name, '[A-Z][a-z]+', 'g') as m
where e.event_source = 'sts.amazonaws.com'
order by e.event_time, e.event_id, word
limit 30;

-- name: x29_array_operators_on_actions
select p.name, p.account_id, array(select jsonb_array_elements_text(s -> 'Action')) && array['s3:getobject', 's3:*', '*'] as touches_s3_read,
  array(select jsonb_array_elements_text(s -> 'Action')) @> array['iam:passrole'] as pass_role,
  cardinality(array(select jsonb_array_elements_text(s -> 'Action'))) as actions
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
order by p.name, p.account_id, actions, touches_s3_read, pass_role;

-- name: x29_array_position_and_remove
select name, account_id, array_position(string_to_array(arn, ':'), account_id) as account_field,
  array_remove(string_to_array(path, '/'), '') as path_parts, array_length(string_to_array(arn, '/'), 1) as slash_fields
from aws_iam_user
order by name, account_id;

-- name: x29_date_parts_dow_iso
select extract(isodow from event_time) as iso_dow, to_char(event_time, 'Dy') as day_name, extract(week from event_time) as week,
  count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2, 3
order by 1, 2, 3;

-- name: x29_event_resources_arns_path_query
select e.event_id, e.event_name, r ->> 'ARN' as resource_arn, r ->> 'type' as resource_type
from aws_cloudtrail_trail_event as e,
  jsonb_array_elements(e.resources) as r
where jsonb_typeof(e.resources) = 'array'
order by e.event_time, e.event_id, resource_arn nulls first, resource_type nulls first
limit 30;

-- name: x29_event_at_question_operators
select event_name, count(*) filter (where request_parameters @? '$.roleName') as with_role_name,
  count(*) filter (where user_identity @@ '$.type == "AssumedRole"') as assumed, count(*) as events
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
group by event_name
order by events desc, event_name
limit 20;

-- name: x29_s3_policy_condition_operators_nested_each
select b.name, op.key as operator, ck.key as condition_key, ck.value as condition_values
from aws_s3_bucket as b,
  jsonb_array_elements(b.policy_std -> 'Statement') as s,
  jsonb_each(coalesce(s -> 'Condition', '{"none": {"key": "value"}}')) as op,
  jsonb_each(op.value) as ck
order by b.name, operator, condition_key, ck.value::text;

-- name: x29_users_without_groups_not_exists
select u.name, u.account_id
from aws_iam_user as u
where not exists (select 1 from aws_iam_group as g, jsonb_array_elements(g.users) as gu where gu ->> 'UserName' = u.name and g.account_id = u.account_id)
order by u.name, u.account_id;

-- name: x29_roles_except_instance_profile_roles
select name, account_id from aws_iam_role
except
select r ->> 'RoleName', ip.account_id from aws_iam_instance_profile as ip, jsonb_array_elements(ip.roles) as r
order by name, account_id;

-- name: x29_policy_arns_intersect_attached
select policy_arn from aws_iam_policy_attachment where is_attached
intersect
select jsonb_array_elements_text(attached_policy_arns) from aws_iam_role
order by policy_arn;

-- name: x29_service_risk_values_join
select a.action_prefix, v.risk, count(*) as statements
from (
  select split_part(act, ':', 1) as action_prefix
  from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as act
  where not p.is_aws_managed
) as a
  join (values ('iam', 'high'), ('sts', 'high'), ('s3', 'medium'), ('ec2', 'medium'), ('logs', 'low')) as v(prefix, risk) on v.prefix = a.action_prefix
group by a.action_prefix, v.risk
order by statements desc, a.action_prefix;

-- name: x29_latest_event_per_user_distinct_on
select distinct on (username) username, event_name, event_time, source_ip_address
from aws_cloudtrail_trail_event
where username is not null
order by username, event_time desc, event_id;

-- name: x29_event_names_string_agg_distinct
select event_source, string_agg(distinct event_name, ', ') as names, count(distinct event_name) as distinct_names
from aws_cloudtrail_trail_event
where event_source like 'iam%' or event_source like 'sts%'
group by event_source
order by event_source;

-- name: x29_policy_attachment_percentiles
select is_aws_managed, percentile_cont(0.5) within group (order by attachment_count) as median,
  percentile_disc(0.9) within group (order by attachment_count) as p90, mode() within group (order by attachment_count) as most_common
from aws_iam_policy
group by is_aws_managed
order by is_aws_managed;

-- name: x29_event_to_char_iso_formats
select event_id, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS') as iso, to_char(event_time, 'FMMonth DD, YYYY') as long_date,
  to_char(event_time, 'FMDay') as weekday, to_char(event_time, 'HH12:MI AM') as clock
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: x29_role_age_interval_math
select name, account_id, age(now(), create_date) > interval '2 years' as over_two_years,
  extract(epoch from age(timestamptz '2024-01-01 00:00:00+00', create_date)) / 86400 > 365 as over_a_year_by_2024,
  (now() - create_date) * 2 > interval '1000 days' as doubled_over_1000_days, justify_hours(interval '50 hours') as two_days
from aws_iam_role
order by name, account_id;

-- name: x29_statement_action_any_array
select p.name, p.account_id, 'iam:*' = any(array(select jsonb_array_elements_text(s -> 'Action'))) as iam_all,
  '*' = all(array(select jsonb_array_elements_text(s -> 'Resource'))) as only_star_resources
from aws_iam_policy as p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
order by p.name, p.account_id, iam_all, only_star_resources;

-- name: x29_window_nulls_first_row_number
select name, account_id, password_last_used,
  row_number() over (partition by account_id order by password_last_used nulls first, name) as rn,
  lead(name, 1, '(last)') over (partition by account_id order by password_last_used nulls first, name) as next_user
from aws_iam_user
order by account_id, rn;

-- name: x29_top_two_roles_per_account
select account_id, name, max_session_duration
from (
  select account_id, name, max_session_duration, rank() over (partition by account_id order by max_session_duration desc, name) as r
  from aws_iam_role
) as ranked
where r <= 2
order by account_id, r;

-- name: x29_percent_rank_cume_dist_ntile
select name, attachment_count, round(percent_rank() over (order by attachment_count)::numeric, 3) as pr,
  round(cume_dist() over (order by attachment_count)::numeric, 3) as cd,
  ntile(4) over (order by attachment_count, name, account_id) as quartile
from aws_iam_policy
where is_aws_managed
order by attachment_count, name, account_id;

-- name: x29_bool_and_every_per_account
select account_id, bool_and(mfa_enabled) as all_mfa, every(path = '/') as all_root_path, bool_or(permissions_boundary_arn is not null) as any_boundary
from aws_iam_user
group by account_id
order by account_id;

-- name: x29_array_to_string_null_replacement
select name, account_id, array_to_string(array[permissions_boundary_arn, path, null], ',', '-') as with_nulls,
  string_to_array(name, null) as chars, string_to_array(coalesce(permissions_boundary_arn, ''), '/') as boundary_parts
from aws_iam_user
order by name, account_id
limit 20;

-- name: x29_split_part_negative_and_trims
select arn, split_part(arn, '/', -1) as last_segment, split_part(arn, ':', -2) as account_or_region, ltrim(path, '/') as no_lead,
  rtrim(path, '/') as no_trail, left(name, -2) as all_but_two
from aws_iam_role
order by arn;

-- name: x29_substring_from_for_variants
select name, substring(name from 2 for 3) as mid, substring(name from 1 for 0) as none, substring(name for 4) as head,
  substring(name from length(name) - 2) as tail3, substring(name from 0 for 3) as from_zero
from aws_iam_group
order by name, account_id;

-- name: x29_to_timestamp_text_format
select event_id, to_timestamp(to_char(event_time, 'YYYY-MM-DD HH24:MI:SS'), 'YYYY-MM-DD HH24:MI:SS') = date_trunc('second', event_time) as same_second,
  to_timestamp(to_char(event_time, 'YYYYMMDD'), 'YYYYMMDD')::date = event_time::date as same_day
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 15;

-- name: x29_date_bin_with_offset_origin
select date_bin('1 day', event_time, timestamptz '2020-01-01 06:00:00+00') as shift_day, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: x29_boolean_is_true_unknown
select name, account_id, mfa_enabled is true as mfa, login_profile_loaded is not false as maybe_loaded,
  (password_last_used > create_date) is unknown as never_used
from aws_iam_user
order by name, account_id;

-- name: x29_greatest_least_timestamps
select user_name, account_id, greatest(access_key_1_last_used_date, access_key_2_last_used_date, password_last_used) as last_activity,
  least(access_key_1_last_rotated, access_key_2_last_rotated) as oldest_rotation, nullif(password_status, 'not_supported') as password_status
from aws_iam_credential_report
order by user_name, account_id;

-- name: x29_jsonb_equality_between_documents
select a.name as role_a, b.name as role_b, a.account_id
from aws_iam_role as a
  join aws_iam_role as b on a.account_id = b.account_id and a.name < b.name and a.assume_role_policy_std = b.assume_role_policy_std
order by a.account_id, role_a, role_b
limit 30;

-- name: x29_jsonb_build_array_elements
select name, account_id, e as element, jsonb_typeof(e) as kind
from aws_iam_user,
  jsonb_array_elements(jsonb_build_array(name, mfa_enabled, jsonb_array_length(groups), tags -> 'none')) as e
where account_id = '123456789012'
order by name, account_id, e::text;

-- name: x29_object_keys_distinct_counts
select k, count(*) as roles, count(distinct account_id) as accounts
from aws_iam_role, jsonb_object_keys(assume_role_policy_std -> 'Statement' -> 0) as k
group by k
order by k;

-- name: x29_role_chain_recursive_sessions
with recursive chain as (
  select distinct session_issuer_arn as arn, 1 as hops
  from aws_cloudtrail_trail_event
  where session_issuer_arn is not null
  union
  select r.arn, c.hops + 1
  from chain as c
    join aws_iam_role as r on r.arn = c.arn
  where c.hops < 2
)
select arn, max(hops) as hops from chain group by arn order by arn;

-- name: x29_user_policy_chain_join
select u.name as user_name, u.account_id, g ->> 'GroupName' as group_name, pa as policy_arn
from aws_iam_user as u,
  jsonb_array_elements(u.groups) as g
  join aws_iam_group as grp on grp.name = g ->> 'GroupName'
  cross join lateral jsonb_array_elements_text(grp.attached_policy_arns) as pa
where grp.account_id = u.account_id
order by user_name, u.account_id, group_name, policy_arn;

-- name: x29_event_hour_histogram_lpad_bar
select extract(hour from event_time)::int as hour, count(*) as events, rpad('', (count(*) * 40 / max(count(*)) over ())::int, '#') as bar
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: x29_service_credentials_and_virtual_mfa
select c.user_name, c.service_name, c.status, v.serial_number, v.assignment_status
from aws_iam_service_specific_credential as c
  full join aws_iam_virtual_mfa_device as v on v.user_name = c.user_name and v.account_id = c.account_id
order by c.user_name nulls last, v.serial_number nulls last;

-- name: x29_role_tags_object_agg_filter
select account_id, jsonb_object_agg(name, coalesce(tags ->> 'QuickSetupType', '')) filter (where tags ? 'QuickSetupType') as setup_tags,
  jsonb_object_agg(name, tags ->> 'Location') filter (where tags is not null) as locations
from aws_iam_role
group by account_id
order by account_id;

-- name: x30_lookup_event_window_by_user
select username, event_name, read_only, count(*) as events, min(start_time) as since
from aws_cloudtrail_lookup_event
where start_time >= timestamptz '2016-01-01 00:00:00+00' and end_time <= now() and event_source like '%.amazonaws.com'
group by 1, 2, 3
order by 4 desc, 1 nulls first, 2, 3 nulls first
limit 20;

-- name: x30_lookup_event_console_logins
select event_id, username, cloud_trail_event -> 'responseElements' ->> 'ConsoleLogin' as outcome, start_time
from aws_cloudtrail_lookup_event
where '2015-01-01T00:00:00Z' = start_time and event_name = 'ConsoleLogin'
order by event_id;

-- name: x31_kms_customer_key_rotation
select k.arn as resource,
  case
    when k.key_manager = 'AWS' then 'skip'
    when k.origin = 'EXTERNAL' or k.customer_master_key_spec <> 'SYMMETRIC_DEFAULT' then 'skip'
    when k.key_state in ('PendingDeletion', 'Disabled') then 'skip'
    when k.key_rotation_enabled then 'ok'
    else 'alarm'
  end as status,
  coalesce(k.aliases -> 0 ->> 'AliasName', k.title) || case when k.key_rotation_enabled then ' rotates.' else ' does not rotate.' end as reason,
  k.region, k.account_id
from aws_kms_key as k
order by k.arn;

-- name: x31_kms_key_policy_principals_and_tags
select k.id, k.title, jsonb_array_length(k.aliases) as aliases, s ->> 'Effect' as effect,
  p as principal, k.tags ->> 'team' as team, k.tags_src -> 0 ->> 'TagValue' as first_tag,
  date_part('year', k.creation_date) as created_year, k.deletion_date is not null as deleting
from aws_kms_key as k
  left join lateral jsonb_array_elements(k.policy_std -> 'Statement') as s on true
  left join lateral jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p on true
order by k.id, p;

-- name: x31_security_contact_registered
select 'arn:' || a.partition || ':::' || a.account_id as resource,
  case when count(c.contact_type) filter (where c.contact_type = 'SECURITY') > 0 then 'ok' else 'alarm' end as status,
  string_agg(c.contact_type || ' ' || c.email_address, ', ' order by c.contact_type) as contacts,
  max(c.linked_account_id) as linked_account
from aws_account as a
  left join aws_account_alternate_contact as c on c.account_id = a.account_id
group by a.partition, a.account_id
order by a.account_id;
-- name: x30_regexp_instr_nth_match_and_subexpression
select name, account_id, regexp_instr(name, '[aeiou]', 1, 2) as second_vowel, regexp_instr(arn, '/', 1, 2) as second_slash,
  regexp_instr(name, '([a-z])([a-z])', 2, 2, 0, 'i', 2) as second_pair_letter, regexp_instr(name, '[aeiou]', 3, 2, 1) as after_vowel,
  regexp_instr(name, '(e)(s)?', 1, 1, 0, 'i', 2) as s_after_e
from aws_iam_user
order by name, account_id;

-- name: x30_regexp_start_past_one_with_anchors
select name, account_id, regexp_instr(name, '^a', 2, 1, 0, 'i') as anchored, regexp_count(name, '\Aa|e', 2, 'i') as anchored_or_e,
  regexp_substr(name, '^.|[A-Z]', 2) as inner_capital, regexp_replace(name, '^(.)', '[\1]', 2) as not_at_start
from aws_iam_user
order by name, account_id;

-- name: x30_regexp_are_flags
select name, regexp_count(name, 'a d # a comment', 1, 'x') as expanded, regexp_count(arn, ':', 1, 'q') as literal_colons,
  regexp_substr(coalesce(description, ''), 'a.c', 1, 1, 'n') as newline_sensitive, regexp_count(coalesce(description, ''), '^a', 1, 'wi') as line_starts,
  regexp_like(name, 'ADMIN', 'ic') as case_sensitive_again, regexp_like(name, 'admin$', 'pi') as partial
from aws_iam_role
order by name, account_id;

-- name: x30_regexp_replace_start_and_nth
select name, account_id, regexp_replace(name, '[a-z]', '#', 2, 3, 'i') as third_letter, regexp_replace(arn, '/', '|', 1, 2) as second_slash,
  regexp_replace(name, '(.)(.)', '<\2\1\&>', 1, 2) as swapped, regexp_replace(name, 'E', '3', 'gi') as every_e, regexp_replace(name, 'e', '3', 1, 0) as all_e
from aws_iam_user
order by name, account_id;

-- name: x30_natural_join_columns_first
select *
from (select account_id, name as user_name, path from aws_iam_user) as u
  natural join (select account_id, path, name as group_name from aws_iam_group) as g
order by account_id, path, user_name, group_name
limit 40;

-- name: x30_natural_join_after_natural_join
select *
from (select account_id, name, path from aws_iam_user) as u
  natural join (select account_id, path, arn from aws_iam_group) as g
  natural left join (select arn, account_id, name as role_name from aws_iam_role) as r
order by 1, 2, 3, 4
limit 40;

-- name: x30_two_using_joins_star
select *
from (select account_id, path, name as user_name from aws_iam_user) as u
  join (select path, account_id, name as group_name from aws_iam_group) as g using (path, account_id)
  join (select account_id, name as role_name, path from aws_iam_role) as r using (account_id)
order by 1, 2, 3, 4, 5
limit 40;

-- name: x30_grouping_sets_account_path
select account_id, path, count(*) as users, grouping(account_id) as g_account, grouping(path) as g_path, grouping(account_id, path) as g_both
from aws_iam_user
group by grouping sets ((account_id, path), (account_id), ())
order by g_both, account_id nulls last, path nulls last;

-- name: x30_rollup_policy_managed_attached
select is_aws_managed, is_attached, count(*) as policies, sum(attachment_count) as attachments, grouping(is_aws_managed, is_attached) as level
from aws_iam_policy
group by rollup (is_aws_managed, is_attached)
order by level, is_aws_managed nulls last, is_attached nulls last;

-- name: x30_cube_event_source_read_only
select split_part(event_source, '.', 1) as service, read_only, count(*) as events,
  case grouping(split_part(event_source, '.', 1), read_only) when 3 then 'total' when 2 then 'by read_only' when 1 then 'by service' else 'detail' end as level
from aws_cloudtrail_trail_event
group by cube (split_part(event_source, '.', 1), read_only)
order by level, service nulls last, read_only nulls last;

-- name: x30_rollup_role_path_with_having
select account_id, path, count(*) as roles, max(max_session_duration) as longest
from aws_iam_role
group by rollup (account_id, path)
having count(*) > 1
order by account_id nulls last, path nulls last;

-- name: x30_grouping_sets_mixed_with_plain_key
select account_id, mfa_enabled, path, count(*) as users
from aws_iam_user
group by account_id, grouping sets ((mfa_enabled), (path))
order by account_id, mfa_enabled nulls last, path nulls last;

-- name: x30_distinct_on_latest_event_per_user
select distinct on (username) username, event_name, event_time, event_id
from aws_cloudtrail_trail_event
where username is not null
order by username, event_time desc, event_id;

-- name: x30_distinct_on_oldest_key_per_account
select distinct on (account_id) account_id, user_name, access_key_id, create_date
from aws_iam_access_key
order by account_id, create_date, access_key_id;

-- name: x30_distinct_on_two_keys_expression
select distinct on (account_id, lower(left(name, 1))) account_id, lower(left(name, 1)) as initial, name
from aws_iam_role
order by account_id, lower(left(name, 1)), name desc;

-- name: x30_lateral_statements_with_ordinality
select p.name, p.account_id, s.n as statement_number, s.stmt ->> 'Effect' as effect, jsonb_array_length(s.stmt -> 'Action') as actions
from aws_iam_policy as p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s(stmt, n)
where not p.is_aws_managed
order by p.name, p.account_id, s.n;

-- name: x30_lateral_actions_ordinality_filter
select p.name, a.action, a.pos
from aws_iam_policy as p,
  lateral jsonb_array_elements(p.policy_std -> 'Statement') as st,
  lateral jsonb_array_elements_text(st -> 'Action') with ordinality as a(action, pos)
where a.pos <= 2 and p.attachment_count > 0
order by p.name, p.account_id, st::text, a.pos
limit 60;

-- name: x30_left_join_lateral_ordinality_groups
select u.name, u.account_id, g.n, g.grp ->> 'GroupName' as group_name
from aws_iam_user as u
  left join lateral jsonb_array_elements(coalesce(u.groups, '[]'::jsonb)) with ordinality as g(grp, n) on true
order by u.name, u.account_id, g.n nulls first;

-- name: x30_filter_on_every_aggregate
select account_id,
  count(*) filter (where mfa_enabled) as with_mfa,
  sum(jsonb_array_length(groups)) filter (where not mfa_enabled) as groups_without_mfa,
  min(create_date) filter (where password_last_used is null) as oldest_unused,
  max(name) filter (where path <> '/') as last_pathed,
  string_agg(name, ',' order by name) filter (where permissions_boundary_arn is not null) as bounded,
  array_agg(name order by name) filter (where name like 'a%') as a_names,
  bool_and(mfa_enabled) filter (where password_last_used is not null) as all_active_have_mfa,
  avg(jsonb_array_length(attached_policy_arns)) filter (where attached_policy_arns is not null) as avg_attached
from aws_iam_user
group by account_id
order by account_id;

-- name: x30_filter_on_jsonb_agg_and_count_distinct
select account_id, jsonb_agg(name order by name) filter (where max_session_duration > 3600) as long_sessions,
  count(distinct path) filter (where path <> '/') as custom_paths, count(role_last_used_date) filter (where role_last_used_region is not null) as used_with_region
from aws_iam_role
group by account_id
order by account_id;

-- name: x30_percentile_cont_disc_mode
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median_session,
  percentile_disc(0.9) within group (order by max_session_duration) as p90_session,
  mode() within group (order by path) as common_path, percentile_cont(0.25) within group (order by extract(epoch from create_date)) as q1_epoch
from aws_iam_role
group by account_id
order by account_id;

-- name: x30_percentile_cont_array_of_fractions
select percentile_cont(array[0.25, 0.5, 0.75]) within group (order by attachment_count) as quartiles,
  percentile_disc(array[0.1, 0.99]) within group (order by attachment_count) as tails
from aws_iam_policy
where is_aws_managed;

-- name: x30_percentile_disc_of_timestamps_and_text
select percentile_disc(0.5) within group (order by event_time) as median_time, percentile_disc(0.5) within group (order by event_name) as median_name,
  mode() within group (order by event_name desc) as most_common
from aws_cloudtrail_trail_event;

-- name: x30_string_agg_distinct_order_by
select account_id, string_agg(distinct path, ', ' order by path) as paths, string_agg(distinct lower(left(name, 1)), '' order by lower(left(name, 1))) as initials
from aws_iam_role
group by account_id
order by account_id;

-- name: x30_string_agg_distinct_event_names_per_source
select event_source, string_agg(distinct event_name, '|' order by event_name) as names, count(distinct event_name) as n
from aws_cloudtrail_trail_event
group by event_source
having count(*) > 5
order by event_source;

-- name: x30_array_agg_distinct_desc
select account_id, array_agg(distinct status order by status desc) as statuses
from aws_iam_access_key
group by account_id
order by account_id;

-- name: x30_bool_and_bool_or_every_over_keys
select user_name, account_id, bool_and(status = 'Active') as all_active, bool_or(status = 'Inactive') as any_inactive,
  every(access_key_last_used_date is not null) as all_used
from aws_iam_access_key
group by user_name, account_id
order by user_name, account_id;

-- name: x30_bool_or_window
select name, account_id, mfa_enabled, bool_or(mfa_enabled) over (partition by account_id) as account_has_mfa,
  every(mfa_enabled) over (partition by account_id order by name rows between unbounded preceding and current row) as all_so_far
from aws_iam_user
order by account_id, name;

-- name: x30_generate_series_days_left_join_events
select d::date as day, count(e.event_id) as events
from generate_series(timestamptz '2020-08-01 00:00:00+00', timestamptz '2020-08-10 00:00:00+00', interval '1 day') as d
  left join aws_cloudtrail_trail_event as e on e.event_time >= d and e.event_time < d + interval '1 day'
group by d
order by d;

-- name: x30_generate_series_hours_step
select h, to_char(h, 'HH24:MI') as label
from generate_series(timestamp '2024-03-09 22:00', timestamp '2024-03-10 04:00', interval '90 minutes') as h
order by h;

-- name: x30_generate_series_months_backwards
select m::date as month_start, extract(month from m) as month_no
from generate_series(timestamptz '2024-06-01 00:00:00+00', timestamptz '2023-12-01 00:00:00+00', interval '-1 month') as m
order by m desc;

-- name: x30_date_trunc_with_time_zone
select event_id, date_trunc('day', event_time, 'America/New_York') as ny_day, date_trunc('hour', event_time, 'Asia/Kolkata') as ist_hour,
  date_trunc('month', event_time, 'UTC') as utc_month
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 25;
-- name: x30_date_trunc_week_quarter_at_time_zone
select date_trunc('week', create_date at time zone 'Europe/Berlin') as berlin_week, date_trunc('quarter', create_date) as quarter, count(*) as roles
from aws_iam_role
group by 1, 2
order by 1, 2;

-- name: x30_age_of_users_and_keys
select name, account_id, age(timestamptz '2025-01-01 00:00:00+00', create_date) as age_at_2025, age(create_date::date) > interval '1 year' as older_than_year,
  extract(year from age(timestamptz '2025-01-01 00:00:00+00', create_date)) as whole_years
from aws_iam_user
order by name, account_id;

-- name: x30_age_two_timestamps_negative
select access_key_id, age(create_date, timestamptz '2020-01-01 00:00:00+00') as since_2020, age(timestamptz '2000-02-29 00:00:00+00', create_date) as before_leap
from aws_iam_access_key
order by access_key_id;

-- name: x30_interval_arithmetic_and_comparisons
select name, account_id, max_session_duration * interval '1 second' as session, max_session_duration * interval '1 second' > interval '1 hour' as over_hour,
  interval '1 day' - max_session_duration * interval '1 second' as rest_of_day, (max_session_duration * interval '1 second') / 4 as quarter,
  interval '1 month' > interval '30 days' as month_gt_30, interval '1 month' = interval '30 days' as month_eq_30
from aws_iam_role
order by name, account_id;

-- name: x30_interval_justify_and_multiply
select name, justify_hours(max_session_duration * interval '1 second' * 10) as ten_sessions, justify_interval(interval '1 month' - interval '45 days') as justified,
  interval '1 year 2 months' * 1.5 as year_and_half, interval '3 days' / 7 as third_of_week
from aws_iam_role
order by name, account_id
limit 10;

-- name: x30_timestamp_plus_interval_month_ends
select name, create_date, create_date + interval '1 month' as plus_month, create_date - interval '1 year 1 day' as minus_year_day,
  (create_date + interval '1 month')::date - create_date::date as days_in_span
from aws_iam_group
order by name, account_id;

-- name: x30_to_char_timestamp_patterns
select event_id, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS') as iso, to_char(event_time, 'Dy, DD Mon YYYY') as rfc, to_char(event_time, 'FMMonth FMDD, YYYY HH12:MI AM') as long_form,
  to_char(event_time, 'IYYY-"W"IW-ID') as iso_week, to_char(event_time, 'Q') as quarter, to_char(event_time, 'DDD') as day_of_year
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: x30_to_char_numbers
select name, to_char(attachment_count, 'FM999,999') as grouped, to_char(attachment_count, '0000') as padded, to_char(attachment_count * 1.5, 'FM9990.00') as with_decimals,
  to_char(-attachment_count, 'S999') as signed
from aws_iam_policy
where is_aws_managed
order by attachment_count desc, name
limit 15;

-- name: x30_round_numeric_halves
select x, round(x) as r0, round(x, 1) as r1, round(x::float8) as r_float, trunc(x) as t0, trunc(x, 1) as t1, ceil(x) as c, floor(x) as f
from (values (0.5), (1.5), (2.5), (-0.5), (-1.5), (2.45), (-2.45), (2.55)) as v(x)
order by x;

-- name: x30_round_negative_places_and_div_mod
select n, round(n, -1) as tens, round(n, -2) as hundreds, div(n, 7) as div7, mod(n, 7) as mod7, n % -7 as rem_neg, div(-n, 7) as div_neg, mod(-n, 7) as mod_neg
from (select attachment_count::numeric + 0.5 as n from aws_iam_policy where is_aws_managed) as t
order by n
limit 20;

-- name: x30_integer_division_negative
select a, b, a / b as quotient, a % b as remainder, -a / b as neg_quotient, (-a) % b as neg_remainder, a::numeric / b as exact
from (values (7, 2), (-7, 2), (7, -2), (1, 3), (-1, 3)) as v(a, b)
order by a, b;

-- name: x30_integer_division_of_counts
select account_id, count(*) / 3 as thirds, count(*) % 3 as leftover, count(*) * 100 / nullif(sum(case when mfa_enabled then 1 else 0 end), 0) as pct_int
from aws_iam_user
group by account_id
order by account_id;

-- name: x30_case_mixed_numeric_types
select name, account_id, case when mfa_enabled then 1 when path = '/' then 2.5 else 0 end as score,
  case when mfa_enabled then jsonb_array_length(groups) else 0.0 end as groups_or_zero
from aws_iam_user
order by name, account_id;

-- name: x30_case_text_and_null_branches
select name, account_id, case when password_last_used is null then null when mfa_enabled then 'mfa' end as state,
  case path when '/' then 'root' else null end as root_path
from aws_iam_user
order by name, account_id;

-- name: x30_nullif_greatest_least_nulls
select name, account_id, nullif(path, '/') as custom_path, greatest(create_date, password_last_used) as latest, least(create_date, password_last_used) as earliest,
  greatest(null::int, null::int) as all_null, coalesce(nullif(jsonb_array_length(groups), 0), -1) as groups_or_minus
from aws_iam_user
order by name, account_id;

-- name: x30_greatest_least_mixed_numbers
select name, greatest(max_session_duration, 3600.5) as at_least, least(max_session_duration / 60, 90) as minutes_capped, greatest(1, null, 3) as ignores_null
from aws_iam_role
order by name, account_id
limit 15;

-- name: x30_array_overlap_and_contains
select name, account_id, array['Admins', 'Developers'] && array(select jsonb_array_elements(groups) ->> 'GroupName') as in_any,
  array(select jsonb_array_elements(groups) ->> 'GroupName') @> array['Admins'] as in_admins
from aws_iam_user
order by name, account_id;

-- name: x30_array_concat_and_position
select name, account_id, array[path] || array[name] as parts, array_position(array['/', '/system/', '/service-role/'], path) as path_rank,
  cardinality(array[path, name, arn]) as n, array_length(array[]::text[] || path, 1) as one
from aws_iam_role
order by name, account_id;

-- name: x30_unnest_several_arrays
select * from unnest(array['a', 'b', 'c'], array[1, 2]) as t(letter, num) order by letter;

-- name: x30_unnest_arrays_from_rows
select u.name, x.part, x.n
from aws_iam_user as u,
  unnest(string_to_array(u.arn, ':'), array[1, 2, 3, 4, 5, 6]) as x(part, n)
where u.account_id = '123456789012'
order by u.name, x.n;

-- name: x30_array_remove_replace_cat
select name, array_remove(string_to_array(arn, '/'), name) as without_name, array_replace(string_to_array(path, '/'), '', '-') as path_parts,
  array_cat(array[account_id], array[name, path]) as catted
from aws_iam_role
order by name, account_id
limit 20;

-- name: x30_array_any_all_comparisons
select name, account_id, path = any(array['/', '/system/']) as common_path, max_session_duration > all(array[1800, 3000]) as long_session,
  name <> all(array['admin', 'root']) as not_reserved
from aws_iam_role
order by name, account_id;

-- name: x30_text_order_mixed_case_punctuation
select name from aws_iam_role order by name;
-- name: x30_text_order_mixed_case_desc_nulls
select distinct username from aws_cloudtrail_trail_event order by username desc nulls last;

-- name: x30_text_compare_operators_collation
select name, account_id, name < 'a' as before_lower_a, name > 'Z' as after_upper_z, name between 'A' and 'm' as mid, lower(name) < upper(name) as lower_lt_upper
from aws_iam_user
order by name, account_id;

-- name: x30_text_min_max_mixed_case
select account_id, min(name) as first_name, max(name) as last_name, min(lower(name)) as first_lower, max(path || name) as last_path_name
from aws_iam_role
group by account_id
order by account_id;

-- name: x30_order_by_punctuated_arns
select arn from aws_iam_policy where not is_aws_managed order by arn;

-- name: x30_order_by_text_with_digits
select access_key_id from aws_iam_access_key order by access_key_id desc;

-- name: x30_cast_text_to_int_error_free_rows
select name, account_id, (regexp_match(name, '[0-9]+'))[1]::int as number_in_name
from aws_iam_user
where name ~ '[0-9]'
order by name, account_id;

-- name: x30_cast_text_to_boolean
select v, v::boolean as b from (values ('true'), ('yes'), ('on'), ('1'), ('f'), ('NO'), ('off'), (' t ')) as t(v) order by v;

-- name: x30_cast_text_to_jsonb_values
select v, v::jsonb as j, jsonb_typeof(v::jsonb) as kind from (values ('1'), ('"x"'), ('[1, 2]'), ('{"b": 1, "a": 2}'), ('null'), ('true')) as t(v) order by v;

-- name: x30_cast_numbers_text_roundtrip
select name, max_session_duration::text::int + 1 as next_second, (max_session_duration / 3600.0)::numeric(5, 2) as hours, '42'::int8 * 2 as answer
from aws_iam_role
order by name, account_id
limit 15;

-- name: x30_grouping_sets_events_by_region_user_type
select aws_region, user_type, count(*) as events, grouping(aws_region) as gr, grouping(user_type) as gu
from aws_cloudtrail_trail_event
group by grouping sets ((aws_region), (user_type))
order by gr, gu, aws_region nulls last, user_type nulls last;

-- name: x30_rollup_credential_report_mfa_password
select mfa_active, password_enabled, count(*) as users, count(*) filter (where access_key_1_active) as with_key1
from aws_iam_credential_report
group by rollup (mfa_active, password_enabled)
order by mfa_active nulls last, password_enabled nulls last;

-- name: x30_cube_keys_status_used
select status, access_key_last_used_date is null as never_used, count(*) as keys
from aws_iam_access_key
group by cube (status, access_key_last_used_date is null)
order by status nulls last, never_used nulls last;

-- name: x30_distinct_on_role_last_used_region
select distinct on (role_last_used_region) role_last_used_region, name, role_last_used_date
from aws_iam_role
where role_last_used_region is not null
order by role_last_used_region, role_last_used_date desc nulls last, name;

-- name: x30_distinct_on_with_limit_offset
select distinct on (event_source) event_source, event_name, event_time
from aws_cloudtrail_trail_event
order by event_source, event_time, event_name, event_id
limit 10 offset 2;

-- name: x30_lateral_subquery_top_policy_per_user
select u.name, u.account_id, top.policy_arn
from aws_iam_user as u
  left join lateral (
    select a as policy_arn from jsonb_array_elements_text(u.attached_policy_arns) as a order by a limit 1
  ) as top on true
order by u.name, u.account_id;

-- name: x30_lateral_each_tags_ordinality
select r.name, t.k, t.v, t.i
from aws_iam_role as r
  cross join lateral jsonb_each_text(r.tags) with ordinality as t(k, v, i)
order by r.name, r.account_id, t.i;

-- name: x30_lateral_object_keys_ordinality
select p.name, k.key_name, k.pos
from aws_iam_policy as p,
  lateral jsonb_object_keys(p.policy_std) with ordinality as k(key_name, pos)
where not p.is_aws_managed
order by p.name, p.account_id, k.pos;

-- name: x30_filter_with_window_aggregate
select name, account_id, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_users,
  sum(jsonb_array_length(groups)) filter (where path = '/') over (partition by account_id order by name) as running_groups
from aws_iam_user
order by account_id, name;

-- name: x30_percentile_with_group_filter
select user_type, percentile_cont(0.5) within group (order by extract(hour from event_time)) filter (where error_code is null) as median_ok_hour, count(*) as events
from aws_cloudtrail_trail_event
group by user_type
order by user_type nulls first;

-- name: x30_mode_of_regions_per_account
select recipient_account_id, mode() within group (order by aws_region) as main_region, count(distinct aws_region) as regions
from aws_cloudtrail_trail_event
group by recipient_account_id
order by recipient_account_id nulls first;

-- name: x30_string_agg_distinct_nulls_and_empty
select account_id, string_agg(distinct permissions_boundary_arn, ';' order by permissions_boundary_arn) as boundaries, string_agg(distinct coalesce(description, ''), '/' order by coalesce(description, '')) as descriptions
from aws_iam_role
group by account_id
order by account_id;

-- name: x30_bool_and_empty_group_and_nulls
select bool_and(mfa_enabled) as all_mfa, bool_or(mfa_enabled) as any_mfa, every(mfa_enabled) as every_mfa
from aws_iam_user
where name = 'no-such-user';

-- name: x30_bool_or_over_jsonb_conditions
select p.account_id, bool_or(s ->> 'Effect' = 'Deny') as has_deny, bool_and(s ? 'Resource') as all_have_resource
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
group by p.account_id
order by p.account_id;

-- name: x30_generate_series_quarter_hours_count
select slot, count(e.event_id) as events
from generate_series(timestamptz '2020-08-03 00:00:00+00', timestamptz '2020-08-03 03:00:00+00', interval '15 minutes') as slot
  left join aws_cloudtrail_trail_event as e on date_bin('15 minutes', e.event_time, timestamptz '2020-01-01 00:00:00+00') = slot
group by slot
order by slot;

-- name: x30_generate_series_dates_with_weekday
select d::date as day, extract(isodow from d) as weekday, to_char(d, 'Day') as name
from generate_series(date '2024-02-26', date '2024-03-03', interval '1 day') as d
order by d;
-- name: x30_interval_extract_and_epoch
select name, extract(epoch from max_session_duration * interval '1 second') as seconds, extract(hour from max_session_duration * interval '1 second') as hours,
  date_part('minute', interval '1 hour 30 minutes') as minutes
from aws_iam_role
order by name, account_id
limit 12;

-- name: x30_interval_between_events
select e.event_id, e.event_time - lag(e.event_time) over (order by e.event_time, e.event_id) as gap,
  e.event_time - lag(e.event_time) over (order by e.event_time, e.event_id) > interval '1 hour' as long_gap
from aws_cloudtrail_trail_event as e
order by e.event_time, e.event_id
limit 30;

-- name: x30_interval_sum_avg_per_user
select username, sum(event_time - timestamptz '2020-01-01 00:00:00+00') as total_since, max(event_time) - min(event_time) as span
from aws_cloudtrail_trail_event
where username is not null
group by username
order by username;

-- name: x30_interval_text_forms
select interval '1 year 2 months 3 days 04:05:06' as a, interval '-1 day +02:00' as b, interval '36 hours' as c, interval '0.5 days' as d, interval '90 minutes'::text as e;

-- name: x30_to_char_age_days
select name, to_char(create_date, 'YYYY') as year, to_char(create_date, 'Mon') as mon, to_char(create_date, 'HH24') as hour,
  date_part('day', timestamptz '2025-01-01 00:00:00+00' - create_date)::int as days_old
from aws_iam_user
order by name, account_id;

-- name: x30_round_avg_and_division
select account_id, round(avg(max_session_duration), 2) as avg_session, round(avg(max_session_duration) / 3600, 3) as avg_hours,
  round(sum(max_session_duration)::numeric / count(*), 1) as mean_again, trunc(avg(max_session_duration) / 60) as minutes
from aws_iam_role
group by account_id
order by account_id;

-- name: x30_numeric_scale_arithmetic
select 1.50 + 2.250 as s, 1.5 * 2.25 as p, 10.0 / 4 as q, 7 / 2.0 as q2, round(2.675, 2) as r, round(-2.675, 2) as rn, 0.1 + 0.2 as tenth;

-- name: x30_mod_div_on_negatives
select a, b, mod(a, b) as m, div(a, b) as d, a % b as pct, abs(a % b) as a_pct
from (values (-7.5, 2), (7.5, -2), (-7, 3), (0, 5)) as v(a, b)
order by a, b;

-- name: x30_power_sqrt_log
select max_session_duration, sqrt(max_session_duration) as root, power(2, 10) as p210, log(10, max_session_duration) as log10, ln(max_session_duration) > 8 as big
from aws_iam_role
group by max_session_duration
order by max_session_duration;

-- name: x30_integer_overflow_safe_bigint
select count(*)::bigint * 2147483647 as big, 2147483647::bigint + 1 as over_int
from aws_iam_user;

-- name: x30_case_returns_jsonb_or_null
select name, account_id, case when tags is null then '{}'::jsonb else tags end as tags_or_empty,
  case when jsonb_array_length(groups) > 0 then groups -> 0 end as first_group
from aws_iam_user
order by name, account_id;

-- name: x30_coalesce_chain_timestamps
select user_name, account_id, coalesce(access_key_1_last_used_date, access_key_2_last_used_date, password_last_used, user_creation_time) as last_seen,
  nullif(coalesce(password_status, ''), '') as status
from aws_iam_credential_report
order by user_name, account_id;

-- name: x30_greatest_of_text_and_dates
select name, greatest(name, path, 'm') as max_text, least(create_date, role_last_used_date, timestamptz '2019-01-01 00:00:00+00') as earliest
from aws_iam_role
order by name, account_id;

-- name: x30_array_agg_and_overlap_between_accounts
with by_account as (
  select account_id, array_agg(name order by name) as names from aws_iam_role group by account_id
)
select a.account_id as a_account, b.account_id as b_account, a.names && b.names as share_names, cardinality(a.names) as a_count
from by_account as a
  join by_account as b on a.account_id < b.account_id
order by 1, 2;

-- name: x30_array_contains_contained_by
select name, account_id, string_to_array(path, '/') @> array['service-role'] as service_role_path,
  array['aws-service-role'] <@ string_to_array(path, '/') as aws_service_path
from aws_iam_role
order by name, account_id;

-- name: x30_unnest_with_ordinality_of_array
select r.name, p.part, p.pos
from aws_iam_role as r,
  unnest(string_to_array(r.arn, '/')) with ordinality as p(part, pos)
where r.account_id = '123456789012'
order by r.name, p.pos;

-- name: x30_array_position_in_list_of_actions
select p.name, array_position(array(select jsonb_array_elements_text(s -> 'Action') order by 1), 's3:getobject') as pos
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
order by p.name, p.account_id, s::text;

-- name: x30_cardinality_and_array_length_empty
select cardinality(array[]::text[]) as empty_card, array_length(array[]::text[], 1) as empty_len, cardinality(array[1, 2, 3]) as three,
  array_upper(array['a', 'b'], 1) as upper_bound, array_to_string(array[1, null, 3], '-', '?') as joined;

-- name: x30_array_concat_element_and_prepend
select name, account_id, '{x,"y z"}' || array[path] as prepended, array[name] || '{NULL}' as with_null, array_append(array[name], path) as appended, array_prepend(account_id, array[name]) as pre
from aws_iam_group
order by name, account_id;

-- name: x30_collation_order_distinct_event_names
select distinct event_name from aws_cloudtrail_trail_event order by event_name;

-- name: x30_collation_group_by_lower
select lower(event_name) as lower_name, count(*) as events, min(event_name) as spelling
from aws_cloudtrail_trail_event
group by lower(event_name)
order by lower_name
limit 40;

-- name: x30_collation_initcap_sort
select initcap(replace(name, '-', ' ')) as title_case, name from aws_iam_role order by title_case, name;

-- name: x30_text_order_with_underscores_and_dots
select name from aws_iam_policy where name ~ '[_.-]' order by name limit 60;

-- name: x30_order_by_collate_c
select name from aws_iam_user order by name collate "C", account_id;

-- name: x30_rollup_monthly_events_per_source
select date_trunc('month', event_time) as month, split_part(event_source, '.', 1) as service, count(*) as events
from aws_cloudtrail_trail_event
group by rollup (date_trunc('month', event_time), split_part(event_source, '.', 1))
order by month nulls last, service nulls last;
-- name: x30_cube_grouping_id_label
select path, mfa_enabled, count(*) as users, grouping(path, mfa_enabled) as gid
from aws_iam_user
group by cube (path, mfa_enabled)
order by gid, path nulls last, mfa_enabled nulls last;

-- name: x30_grouping_sets_empty_only
select count(*) as users, grouping(account_id) as g
from aws_iam_user
group by grouping sets ((account_id), ())
order by g, users;

-- name: x30_distinct_on_jsonb_key
select distinct on (tags ->> 'Location') tags ->> 'Location' as location, name
from aws_iam_role
order by tags ->> 'Location', name;

-- name: x30_lateral_values_columns
select r.name, v.label, v.amount
from aws_iam_role as r
  cross join lateral (values ('session', r.max_session_duration), ('name_length', length(r.name))) as v(label, amount)
where r.account_id = '123456789012'
order by r.name, v.label;

-- name: x30_lateral_aggregate_per_policy
select p.name, p.account_id, st.statements, st.denies
from aws_iam_policy as p,
  lateral (select count(*) as statements, count(*) filter (where s ->> 'Effect' = 'Deny') as denies
           from jsonb_array_elements(p.policy_std -> 'Statement') as s) as st
where not p.is_aws_managed
order by p.name, p.account_id;

-- name: x30_filter_count_distinct_per_source
select event_source, count(distinct username) filter (where error_code is not null) as failing_users, count(distinct source_ip_address) filter (where read_only) as readers
from aws_cloudtrail_trail_event
group by event_source
order by event_source;

-- name: x30_filter_max_min_timestamps
select user_type, max(event_time) filter (where error_code is null) as last_ok, min(event_time) filter (where error_code is not null) as first_error
from aws_cloudtrail_trail_event
group by user_type
order by user_type nulls first;

-- name: x30_string_agg_ordered_desc_with_limit_subquery
select account_id, string_agg(name, ' > ' order by create_date desc, name) as newest_first
from (select account_id, name, create_date from aws_iam_role order by create_date desc, name limit 30) as recent
group by account_id
order by account_id;

-- name: x30_every_over_policy_statements
select p.name, p.account_id, every(s ->> 'Effect' = 'Allow') as only_allow
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where p.attachment_count > 0
group by p.name, p.account_id
order by p.name, p.account_id;

-- name: x30_generate_series_of_numbers_with_step_and_filter
select n, n * 1024 as bytes from generate_series(10, 1, -3) as n order by n;

-- name: x30_generate_series_months_last_day
select (m + interval '1 month' - interval '1 day')::date as month_end
from generate_series(date '2024-01-01', date '2024-06-01', interval '1 month') as m
order by 1;

-- name: x30_date_trunc_timezone_grouping
select date_trunc('day', event_time, 'Australia/Sydney') as sydney_day, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: x30_at_time_zone_round_trip
select event_id, (event_time at time zone 'America/Los_Angeles')::date as la_date, event_time at time zone 'UTC' at time zone 'Asia/Tokyo' as tokyo
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 15;

-- name: x30_age_justified_and_parts
select name, account_id, date_part('year', age(timestamptz '2024-12-31 00:00:00+00', create_date)) as years, date_part('month', age(timestamptz '2024-12-31 00:00:00+00', create_date)) as months
from aws_iam_role
order by name, account_id;

-- name: x30_interval_comparison_with_now
select u.name, u.account_id, now() - k.create_date > interval '365 days' as older_than_year, now() - k.create_date > interval '1 year' as older_than_calendar_year
from aws_iam_access_key as k
  join aws_iam_user as u on u.name = k.user_name and u.account_id = k.account_id
order by u.name, u.account_id, k.access_key_id;

-- name: x30_to_char_timestamp_with_fm_and_th
select name, to_char(create_date, 'FMDDth "of" FMMonth') as day_of_month, to_char(create_date, 'HH12 am') as hour12
from aws_iam_group
order by name, account_id;

-- name: x30_numeric_round_half_even_double
select v, round(v::numeric, 0) as numeric_round, round(v) as double_round
from (values (0.5::float8), (1.5::float8), (2.5::float8), (-2.5::float8)) as t(v)
order by v;

-- name: x30_trunc_and_sign
select n, trunc(n / 7.0, 3) as t, sign(n - 3) as s, abs(n - 3) as a
from generate_series(0, 6) as n
order by n;

-- name: x30_case_in_order_by_and_group
select case when max_session_duration >= 43200 then 'max' when max_session_duration > 3600 then 'extended' else 'default' end as session_class, count(*) as roles
from aws_iam_role
group by 1
order by min(max_session_duration) desc;

-- name: x30_nullif_division_guard
select account_id, count(*) filter (where mfa_enabled)::numeric / nullif(count(*), 0) as mfa_share, 100 * count(*) filter (where path = '/') / nullif(count(*), 0) as root_pct
from aws_iam_user
group by account_id
order by account_id;

-- name: x30_least_greatest_all_nulls_per_row
select user_name, account_id, least(access_key_1_last_rotated, access_key_2_last_rotated) as first_rotation, greatest(cert_1_last_rotated, cert_2_last_rotated) as cert_rotation
from aws_iam_credential_report
order by user_name, account_id;

-- name: x30_array_agg_unnest_roundtrip
select account_id, unnest(array_agg(distinct path order by path)) as path
from aws_iam_role
group by account_id
order by account_id, path;

-- name: x30_array_slice_and_subscripts
select name, (string_to_array(arn, ':'))[5] as account, (string_to_array(arn, ':'))[2:3] as middle, (string_to_array(arn, '/'))[2:] as tail
from aws_iam_role
order by name, account_id
limit 20;

-- name: x30_text_order_lower_vs_raw
select name, lower(name) as lowered from aws_iam_user order by lower(name), name, account_id;

-- name: r31_policy_action_wildcards_exists_any
select p.name, p.account_id, s ->> 'Effect' as effect, s -> 'Action' ?| array['*', 'iam:*', 's3:*'] as broad
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
order by p.name, p.account_id, effect, broad;

-- name: r31_policy_action_all_keys_exist
select p.name, p.account_id, (p.policy_std -> 'Statement' -> 0 -> 'Action') ?& array['iam:passrole', 'ec2:runinstances'] as both
from aws_iam_policy as p
where p.policy_std -> 'Statement' -> 0 -> 'Action' is not null
order by p.name, p.account_id
limit 40;

-- name: r31_trust_contains_service_principal
select name, account_id, assume_role_policy_std -> 'Statement' @> '[{"Principal": {"Service": ["lambda.amazonaws.com"]}}]' as lambda_trusted
from aws_iam_role
order by lambda_trusted desc, name, account_id
limit 30;

-- name: r31_jsonb_path_query_actions
select p.name, p.account_id, jsonb_path_query(p.policy_std, '$.Statement[*].Action[*]') #>> '{}' as action
from aws_iam_policy as p
where not p.is_aws_managed
order by 1, 2, 3
limit 60;

-- name: r31_jsonb_path_query_filter_allow_resources
select p.name, r #>> '{}' as resource
from aws_iam_policy as p,
  jsonb_path_query(p.policy_std, '$.Statement[*] ? (@.Effect == "Allow").Resource[*]') as r
where p.account_id is not null and not p.is_aws_managed
order by 1, 2
limit 50;

-- name: r31_jsonb_path_exists_deny
select name, account_id, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') as has_deny
from aws_iam_policy
where not is_aws_managed
order by has_deny desc, name, account_id;

-- name: r31_jsonb_path_query_array_and_first
select name, account_id, jsonb_path_query_array(assume_role_policy_std, '$.Statement[*].Principal.Service[*]') as services,
  jsonb_path_query_first(assume_role_policy_std, '$.Statement[*].Action[*]') as first_action
from aws_iam_role
order by name, account_id
limit 40;

-- name: r31_hash_arrow_text_path_statement_effect
select name, account_id, policy_std #>> '{Statement,0,Effect}' as first_effect, policy_std #> '{Statement,0,Resource}' as first_resource,
  policy_std #>> '{Statement,-1,Sid}' as last_sid
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: r31_condition_operator_keys_each
select r.name, r.account_id, c.key as operator, k.key as condition_key, k.value as condition_values
from aws_iam_role as r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') as c,
  jsonb_each(c.value) as k
order by 1, 2, 3, 4;

-- name: r31_not_action_or_action_coalesce
select p.name, p.account_id, jsonb_array_length(coalesce(s -> 'Action', s -> 'NotAction')) as actions,
  case when s ? 'NotAction' then 'NotAction' else 'Action' end as kind
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where not p.is_aws_managed
order by 1, 2, 3, 4;

-- name: r31_case_over_jsonb_typeof_principal
select r.name, r.account_id,
  case jsonb_typeof(s -> 'Principal')
    when 'object' then (select string_agg(k, ',' order by k) from jsonb_object_keys(s -> 'Principal') as k)
    when 'string' then s ->> 'Principal'
    else 'none' end as principal_kinds
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy -> 'Statement') as s
order by 1, 2, 3;

-- name: r31_string_agg_distinct_actions_per_policy
select p.name, p.account_id, string_agg(distinct a, ', ') as actions, count(distinct a) as n
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as a
where not p.is_aws_managed
group by p.name, p.account_id
order by n desc, p.name, p.account_id;

-- name: r31_array_agg_order_desc_filter
select p.account_id,
  array_agg(p.name order by p.name desc) filter (where p.attachment_count = 0) as unattached,
  array_agg(p.name order by p.attachment_count desc, p.name) filter (where p.attachment_count > 0) as attached
from aws_iam_policy as p
where not p.is_aws_managed
group by p.account_id
order by p.account_id;

-- name: r31_cte_used_twice_statements
with stmts as (
  select p.arn, p.account_id, s ->> 'Effect' as effect, s -> 'Resource' as resource
  from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
  where not p.is_aws_managed
)
select a.account_id, count(*) filter (where a.effect = 'Allow') as allows,
  (select count(*) from stmts b where b.account_id = a.account_id and b.effect = 'Deny') as denies
from stmts a
group by a.account_id
order by a.account_id;

-- name: r31_trusted_services_text_elements
select distinct svc, count(*) over (partition by svc) as roles
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') as svc
order by roles desc, svc;

-- name: r31_cross_account_principals_split_part
select r.name, r.account_id, p as principal, split_part(p, ':', 5) as trusted_account
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
where split_part(p, ':', 5) <> r.account_id
order by 1, 2, 3;

-- name: r31_external_id_condition_lowercase_keys
select r.name, r.account_id, s -> 'Condition' -> 'StringEquals' -> 'sts:externalid' as external_ids,
  (s -> 'Condition' -> 'StringEquals' -> 'sts:externalid') is null as missing
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where s -> 'Principal' ? 'AWS'
order by 1, 2, 3;

-- name: r31_jsonb_agg_of_built_objects
select account_id, jsonb_agg(jsonb_build_object('name', name, 'max', max_session_duration) order by name) filter (where max_session_duration > 3600) as long_sessions
from aws_iam_role
group by account_id
order by account_id;

-- name: r31_tags_each_text_and_exists
select u.name, u.account_id, t.key, t.value, u.tags ? 'Name' as has_name
from aws_iam_user as u, jsonb_each_text(u.tags) as t
order by 1, 2, 3;

-- name: r31_inline_policies_std_nested_lateral
select r.name, r.account_id, ip ->> 'PolicyName' as policy_name, s ->> 'Effect' as effect, jsonb_array_length(s -> 'Action') as actions
from aws_iam_role as r
  cross join lateral jsonb_array_elements(r.inline_policies_std) as ip
  cross join lateral jsonb_array_elements(ip -> 'PolicyDocument' -> 'Statement') as s
order by 1, 2, 3, 4, 5
limit 60;

-- name: r31_attached_policy_join_text_elements
select r.name as role_name, r.account_id, pa as policy_arn, p.is_aws_managed
from aws_iam_role as r
  cross join lateral jsonb_array_elements_text(r.attached_policy_arns) as pa
  left join aws_iam_policy as p on p.arn = pa and p.account_id = r.account_id
order by 1, 2, 3
limit 60;

-- name: r31_jsonb_concat_and_delete_key
select name, account_id, (tags || '{"reviewed": "yes"}'::jsonb) as tagged, tags - 'Name' as without_name
from aws_iam_user
where tags <> '{}'::jsonb
order by name, account_id;

-- name: r31_jsonb_strip_nulls_and_set
select name, account_id, jsonb_set(login_profile, '{PasswordResetRequired}', 'true'::jsonb) as forced
from aws_iam_user
where login_profile is not null
order by name, account_id;

-- name: r31_events_hourly_to_char
select to_char(event_time, 'YYYY-MM-DD HH24:00') as hour, count(*) as events, count(*) filter (where error_code is not null) as errors
from aws_cloudtrail_trail_event
group by 1
order by 1
limit 40;

-- name: r31_events_error_codes_string_agg
select event_source, string_agg(distinct error_code, ' | ') as errors, count(*) as n
from aws_cloudtrail_trail_event
where error_code is not null
group by event_source
order by n desc, event_source;

-- name: r31_events_session_issuer_path
select user_identity ->> 'type' as identity_type,
  user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer,
  count(*) as events
from aws_cloudtrail_trail_event
group by 1, 2
order by events desc, 1, 2 nulls first
limit 30;

-- name: r31_events_gap_seconds_lag
select username, event_time, extract(epoch from event_time - lag(event_time) over w) as gap_seconds
from aws_cloudtrail_trail_event
where username is not null
window w as (partition by username order by event_time, event_id)
order by username, event_time, event_id
limit 50;

-- name: r31_events_rank_dense_rank_ntile
select event_name, count(*) as n, rank() over (order by count(*) desc) as rnk, dense_rank() over (order by count(*) desc) as drnk,
  ntile(4) over (order by count(*) desc, event_name) as quartile
from aws_cloudtrail_trail_event
group by event_name
order by n desc, event_name
limit 40;

-- name: r31_events_first_last_value_frame
select distinct username,
  first_value(event_name) over (partition by username order by event_time, event_id rows between unbounded preceding and unbounded following) as first_call,
  last_value(event_name) over (partition by username order by event_time, event_id rows between unbounded preceding and unbounded following) as last_call
from aws_cloudtrail_trail_event
where username is not null
order by username;

-- name: r31_events_distinct_on_latest_per_ip
select distinct on (source_ip_address) source_ip_address, event_time, event_name, username
from aws_cloudtrail_trail_event
where source_ip_address is not null
order by source_ip_address, event_time desc, event_id
limit 40;

-- name: r31_events_user_agent_regex_family
select regexp_replace(user_agent, '/.*$', '') as agent_family, substring(user_agent from '^[^/]+/([0-9]+)') as major, count(*) as n
from aws_cloudtrail_trail_event
where user_agent is not null
group by 1, 2
order by n desc, 1, 2 nulls last
limit 30;

-- name: r31_events_regexp_match_cli_version
select (regexp_match(user_agent, 'aws-cli/([0-9]+)\.([0-9]+)'))[1] as major, (regexp_match(user_agent, 'aws-cli/([0-9]+)\.([0-9]+)'))[2] as minor, count(*) as n
from aws_cloudtrail_trail_event
where user_agent ~* 'aws-cli'
group by 1, 2
order by 1, 2;

-- name: r31_events_ipv4_classification
select source_ip_address,
  case when source_ip_address ~ '^\d{1,3}(\.\d{1,3}){3}$' then 'ipv4'
       when source_ip_address ~ ':' then 'ipv6'
       else 'service' end as kind,
  count(*) as n
from aws_cloudtrail_trail_event
group by 1, 2
order by n desc, 1
limit 30;

-- name: r31_events_dow_hour_extract
select extract(dow from event_time) as dow, to_char(event_time, 'Dy') as day, date_part('hour', event_time) as hour, count(*) as n
from aws_cloudtrail_trail_event
group by 1, 2, 3
order by 1, 3
limit 50;

-- name: r31_events_age_between_first_and_last
select username, min(event_time) as first_seen, max(event_time) as last_seen, age(max(event_time), min(event_time)) as active_span
from aws_cloudtrail_trail_event
where username is not null
group by username
order by active_span desc, username
limit 30;

-- name: r31_events_request_parameter_user_name
select event_name, request_parameters ->> 'userName' as target_user, request_parameters ->> 'policyArn' as policy_arn, event_time
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and request_parameters ?| array['userName', 'policyArn']
order by event_time, event_id
limit 40;

-- name: r31_events_resources_arns_lateral
select e.event_name, r ->> 'type' as resource_type, r ->> 'ARN' as resource_arn
from aws_cloudtrail_trail_event as e, jsonb_array_elements(e.resources) as r
order by 1, 2, 3
limit 40;

-- name: r31_events_percentile_cont_gap
select username, percentile_cont(0.5) within group (order by extract(epoch from gap)) as median_gap_seconds, count(*) as gaps
from (
  select username, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap
  from aws_cloudtrail_trail_event
  where username is not null
) as g
where gap is not null
group by username
order by username;

-- name: r31_events_percentile_cont_interval
select username, percentile_cont(0.5) within group (order by gap) as median_gap
from (
  select username, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap
  from aws_cloudtrail_trail_event
  where username is not null
) as g
where gap is not null
group by username
order by username;

-- name: r31_events_percentile_disc_interval
select percentile_disc(0.9) within group (order by event_time - timestamptz '2017-01-01 00:00:00+00') as p90_since_2017
from aws_cloudtrail_trail_event;

-- name: r31_events_to_char_interval
select username, to_char(max(event_time) - min(event_time), 'HH24:MI:SS') as span
from aws_cloudtrail_trail_event
where username is not null
group by username
order by username
limit 30;

-- name: r31_to_char_interval_literals
select to_char(interval '1 day 02:03:04', 'DD "days" HH24:MI:SS') as a, to_char(interval '27 hours 5 minutes', 'HH24h MIm') as b,
  to_char(interval '1 year 2 mons', 'YYYY-MM') as c, to_char(interval '-3 days -04:00:00', 'DD HH24') as d,
  to_char(interval '90 minutes 30.5 seconds', 'MI:SS.MS') as e, to_char(interval '5 hours', 'HH12 AM') as f;

-- name: r31_regexp_match_flags_other
select name, regexp_match(arn, 'ROLE/(.*)$', 'i') as m_i, regexp_match(arn, ':role/(.*)$', 'c') as m_c,
  regexp_match(name, 'A W S', 'x') as m_x, regexp_match(name, '.', 'q') as m_q
from aws_iam_role
order by name, account_id
limit 20;

-- name: r31_regexp_match_newline_flags
select v, regexp_match(v, '^b.*$', 'n') as n_flag, regexp_match(v, 'a.b', 's') as s_flag, regexp_match(v, '^b', 'p') as p_flag, regexp_match(v, 'a$', 'w') as w_flag
from (values (E'a\nb'), (E'x\nbz'), ('ab')) as t(v)
order by v;

-- name: r31_role_age_date_part_and_justify
select name, account_id, date_part('year', age(timestamptz '2025-01-01 00:00:00+00', create_date)) as years,
  justify_days(timestamptz '2025-01-01 00:00:00+00' - create_date) as justified
from aws_iam_role
order by create_date, name
limit 30;

-- name: r31_date_trunc_quarter_counts
select date_trunc('quarter', create_date) as quarter, to_char(create_date, 'YYYY-"Q"Q') as label, count(*) as users
from aws_iam_user
group by 1, 2
order by 1;

-- name: r31_iso_week_to_char
select to_char(create_date, 'IYYY-IW') as iso_week, to_char(create_date, 'WW') as week, extract(isodow from create_date) as isodow, count(*) as n
from aws_iam_role
group by 1, 2, 3
order by 1, 2, 3;

-- name: r31_date_plus_interval_expiry
select name, account_id, create_date + interval '90 days' as rotate_by, (create_date + interval '1 month')::date as month_later,
  create_date - interval '1 year 2 months' as back
from aws_iam_user
order by create_date, name
limit 30;

-- name: r31_make_interval_from_duration
select name, account_id, make_interval(secs => max_session_duration) as session, make_interval(hours => (max_session_duration / 3600)::int) as hours
from aws_iam_role
order by max_session_duration desc, name, account_id
limit 20;

-- name: r31_extract_epoch_of_interval_parts
select name, extract(epoch from make_interval(secs => max_session_duration)) as secs, date_part('hour', make_interval(secs => max_session_duration)) as hours,
  extract(minute from interval '1 hour 90 minutes') as mins
from aws_iam_role
order by name, account_id
limit 15;

-- name: r31_justify_hours_interval
select justify_hours(interval '50 hours') as a, justify_interval(interval '1 mon -1 hour') as b, justify_days(interval '65 days') as c,
  interval '1 day' * 1.5 as d, interval '3 hours' / 4 as e;

-- name: r31_generate_series_days_left_join
select d::date as day, count(e.event_id) as events
from generate_series(timestamptz '2019-01-01 00:00:00+00', timestamptz '2019-01-10 00:00:00+00', interval '1 day') as d
  left join aws_cloudtrail_trail_event as e on e.event_time >= d and e.event_time < d + interval '1 day'
group by d
order by d;

-- name: r31_timestamptz_compare_with_text
select name, account_id, create_date > '2019-06-01' as after_june_2019, create_date::date = '2019-06-27' as on_day
from aws_iam_role
order by create_date, name
limit 25;

-- name: r31_credential_report_days_since_text
select user_name, account_id, (date_part('day', generated_time - password_last_used))::int as idle_days,
  coalesce(to_char(password_last_used, 'YYYY-MM-DD'), 'never') as last_login
from aws_iam_credential_report
order by idle_days desc nulls last, user_name, account_id
limit 40;

-- name: r31_key_age_extract_days_numeric
select user_name, account_id, extract(day from generated_time - access_key_1_last_rotated) as key1_age,
  round(extract(epoch from generated_time - access_key_1_last_rotated) / 86400, 1) as key1_days
from aws_iam_credential_report
where access_key_1_active
order by user_name, account_id;

-- name: r31_exists_correlated_active_key
select u.name, u.account_id,
  exists (select 1 from aws_iam_access_key as k where k.user_name = u.name and k.account_id = u.account_id and k.status = 'Active') as has_active_key
from aws_iam_user as u
order by 1, 2;

-- name: r31_not_exists_unused_policy
select p.name, p.account_id
from aws_iam_policy as p
where not p.is_aws_managed
  and not exists (select 1 from aws_iam_role as r where r.attached_policy_arns ? p.arn)
  and not exists (select 1 from aws_iam_user as u where u.attached_policy_arns ? p.arn)
order by 1, 2;

-- name: r31_group_rollup_paths
select account_id, path, count(*) as roles, grouping(account_id, path) as g
from aws_iam_role
group by rollup (account_id, path)
order by account_id nulls last, path nulls last;

-- name: r31_grouping_sets_users
select account_id, mfa_enabled, count(*) as n
from aws_iam_user
group by grouping sets ((account_id), (mfa_enabled), ())
order by account_id nulls first, mfa_enabled nulls first, n;

-- name: r31_bool_and_or_every
select account_id, bool_and(mfa_enabled) as all_mfa, bool_or(mfa_enabled) as any_mfa, every(path = '/') as all_root_path
from aws_iam_user
group by account_id
order by account_id;

-- name: r31_percent_format_round
select account_id, round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) || '%' as mfa_share,
  to_char(100.0 * count(*) filter (where mfa_enabled) / count(*), 'FM990.00') as mfa_formatted
from aws_iam_user
group by account_id
order by account_id;

-- name: r31_to_char_numbers
select max_session_duration, to_char(max_session_duration, '999,999') as grouped, to_char(max_session_duration, 'FM000000') as padded,
  to_char(max_session_duration / 3600.0, 'FM99.99') as hours, to_char(-max_session_duration, 'S99999') as signed
from aws_iam_role
group by max_session_duration
order by max_session_duration;

-- name: r31_format_and_lpad
select format('%s (%s)', name, account_id) as label, lpad(max_session_duration::text, 6, '0') as padded, format('%-20s|', name) as left_aligned,
  format('%I', name) as ident, format('%L', description) as literal
from aws_iam_role
order by name, account_id
limit 20;

-- name: r31_nulls_ordering_last_used
select name, account_id, role_last_used_date
from aws_iam_role
order by role_last_used_date desc nulls last, name, account_id
limit 30;

-- name: r31_nulls_first_asc_default_desc
select name, account_id, password_last_used
from aws_iam_user
order by password_last_used desc, name, account_id
limit 30;

-- name: r31_casts_between_text_jsonb_int_bool
select '42'::int + 1 as i, 'yes'::bool as b, 1::bool as ib, true::int as bi, '{"a": [1, 2]}'::jsonb -> 'a' as arr,
  ('{"n": 7}'::jsonb -> 'n')::int as n, ('{"f": true}'::jsonb -> 'f')::bool as f, to_jsonb(3)::text as t, '3.50'::jsonb::numeric as num;

-- name: r31_json_number_to_int_from_data
select name, account_id, (jsonb_build_object('d', max_session_duration) -> 'd')::int / 60 as minutes, (to_jsonb(max_session_duration))::text as txt
from aws_iam_role
where max_session_duration is not null
order by name, account_id
limit 20;

-- name: r31_text_collate_c_compare
select name, name < 'M' collate "C" as before_m, lower(name) < 'm' as lower_before_m
from aws_iam_user
order by name collate "C", account_id
limit 30;

-- name: r31_order_by_collate_posix
select path, count(*) as roles from aws_iam_role group by path order by path collate "POSIX";

-- name: r31_text_functions_on_arns
select arn, initcap(split_part(arn, ':', 3)) as service, left(arn, 12) as prefix, right(arn, 6) as suffix, reverse(split_part(arn, '/', -1)) as rev,
  position('/' in arn) as first_slash, length(arn) - length(replace(arn, '/', '')) as slashes
from aws_iam_role
order by arn
limit 20;

-- name: r31_string_to_array_cardinality
select name, cardinality(string_to_array(trim(both '/' from path), '/')) as depth, array_to_string(string_to_array(arn, ':'), ' | ') as parts
from aws_iam_role
order by depth desc, name, account_id
limit 20;

-- name: r31_unnest_with_ordinality_arn_parts
select r.name, p.part, p.n
from aws_iam_role as r, unnest(string_to_array(r.arn, ':')) with ordinality as p(part, n)
where r.name like 'a%'
order by r.name, r.account_id, p.n
limit 40;

-- name: r31_array_position_and_remove
select name, array_position(array['/', '/service-role/', '/aws-service-role/'], path) as path_rank, array_remove(string_to_array(path, '/'), '') as segments
from aws_iam_role
order by path_rank nulls last, name, account_id
limit 30;

-- name: r31_md5_and_encode
select name, md5(arn) as digest, encode(convert_to(name, 'UTF8'), 'base64') as b64, encode(sha256(convert_to(arn, 'UTF8')), 'hex') as sha
from aws_iam_group
order by name, account_id
limit 15;

-- name: r31_overlay_and_translate
select name, overlay(arn placing '************' from 14 for 12) as masked, translate(name, 'aeiou', 'AEIOU') as vowels, btrim(path, '/') as trimmed
from aws_iam_user
order by name, account_id
limit 20;

-- name: r31_starts_with_and_ilike
select name, starts_with(name, 'AWS') as aws_named, name ilike '%admin%' as admin_like, name !~~* '%test%' as not_test
from aws_iam_role
order by name, account_id
limit 30;

-- name: r31_window_running_count_users
select name, account_id, create_date, count(*) over (partition by account_id order by create_date, name) as running,
  row_number() over (partition by account_id order by create_date desc, name) as newest_rank
from aws_iam_user
order by account_id, create_date, name;

-- name: r31_window_percent_rank_cume_dist
select name, max_session_duration, percent_rank() over (order by max_session_duration) as pr, cume_dist() over (order by max_session_duration) as cd
from aws_iam_role
order by max_session_duration, name, account_id
limit 30;

-- name: r31_window_lead_next_role
select name, account_id, create_date, lead(name) over (partition by account_id order by create_date, name) as next_role,
  lead(create_date, 1, create_date) over (partition by account_id order by create_date, name) - create_date as until_next
from aws_iam_role
order by account_id, create_date, name
limit 40;

-- name: r31_window_range_interval_frame
select event_id, event_time, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 40;

-- name: r31_window_sum_filter_over
select account_id, name, sum(max_session_duration) filter (where path = '/') over (partition by account_id) as root_path_total,
  avg(max_session_duration) over (partition by account_id) as avg_duration
from aws_iam_role
order by account_id, name
limit 30;

-- name: r31_nth_value_window
select distinct account_id, nth_value(name, 2) over (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following) as second_role
from aws_iam_role
order by account_id;

-- name: r31_scalar_subquery_in_select_max
select u.name, u.account_id,
  (select max(k.create_date) from aws_iam_access_key as k where k.user_name = u.name and k.account_id = u.account_id) as newest_key
from aws_iam_user as u
order by newest_key desc nulls last, u.name, u.account_id
limit 30;

-- name: r31_in_subquery_groups_members
select g.name, g.account_id, jsonb_array_length(g.users) as members
from aws_iam_group as g
where g.account_id in (select account_id from aws_iam_user group by account_id having count(*) > 1)
order by members desc, g.name, g.account_id;

-- name: r31_user_groups_names_agg
select u.name, u.account_id, string_agg(g ->> 'GroupName', ', ' order by g ->> 'GroupName') as groups
from aws_iam_user as u left join lateral jsonb_array_elements(u.groups) as g on true
group by u.name, u.account_id
order by u.name, u.account_id;

-- name: r31_left_join_lateral_on_condition
select r.name, r.account_id, s ->> 'Effect' as effect
from aws_iam_role as r
  left join lateral jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s on s ->> 'Effect' = 'Deny'
order by 1, 2
limit 30;

-- name: r31_jsonb_array_elements_in_select_with_ordinality_cte
with e as (
  select p.name, s.value as stmt, s.ordinality as n
  from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s
  where not p.is_aws_managed
)
select name, n, stmt ->> 'Effect' as effect, stmt ? 'Condition' as conditional
from e
order by name, n;

-- name: r31_jsonb_each_value_types
select jsonb_typeof(v.value) as kind, count(*) as n
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy -> 'Statement') as s, jsonb_each(s) as v
group by 1
order by 1;

-- name: r31_jsonb_object_keys_statement_keys
select k, count(*) as n
from aws_iam_policy as p,
  jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement' else jsonb_build_array(p.policy -> 'Statement') end) as s,
  jsonb_object_keys(s) as k
where p.policy is not null
group by k
order by n desc, k;

-- name: r31_jsonb_text_cast_like
select name, account_id
from aws_iam_role
where assume_role_policy::text like '%sts:AssumeRoleWithWebIdentity%' or assume_role_policy::text like '%saml%'
order by name, account_id;

-- name: r31_jsonb_contained_by
select name, account_id, tags <@ '{"Environment": "production", "Team": "security"}'::jsonb as subset
from aws_iam_role
where tags is not null
order by subset desc, name, account_id
limit 30;

-- name: r31_jsonb_array_contains_scalar
select p.name, p.account_id
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s -> 'Resource' @> '"*"' and s ->> 'Effect' = 'Allow' and not p.is_aws_managed
group by p.name, p.account_id
order by 1, 2;

-- name: r31_jsonb_equality_of_documents
select a.name, b.name as same_as, a.account_id
from aws_iam_role as a join aws_iam_role as b
  on a.account_id = b.account_id and a.name < b.name and a.assume_role_policy_std = b.assume_role_policy_std
order by 1, 2, 3
limit 30;

-- name: r31_to_jsonb_array_agg_and_jsonb_array_length
select account_id, to_jsonb(array_agg(name order by name)) as names, jsonb_array_length(to_jsonb(array_agg(name))) as n
from aws_iam_group
group by account_id
order by account_id;

-- name: r31_jsonb_build_array_and_pretty
select name, jsonb_build_array(name, max_session_duration, path = '/', null) as tuple
from aws_iam_role
order by name, account_id
limit 10;

-- name: r31_jsonb_object_agg_tags
select account_id, jsonb_object_agg(name, max_session_duration) as durations
from aws_iam_role
where path = '/'
group by account_id
order by account_id;

-- name: r31_cte_materialized_twice_join
with admins as materialized (
  select distinct r.arn, r.account_id
  from aws_iam_role as r, jsonb_array_elements_text(r.attached_policy_arns) as a
  where a like '%AdministratorAccess'
)
select a.account_id, count(*) as admin_roles, (select count(*) from admins) as total
from admins as a
group by a.account_id
order by a.account_id;

-- name: r31_recursive_cte_path_prefixes
with recursive prefixes(path, rest) as (
  select distinct '/'::text, substr(path, 2) from aws_iam_role where path <> '/'
  union
  select prefixes.path || split_part(rest, '/', 1) || '/', substr(rest, length(split_part(rest, '/', 1)) + 2)
  from prefixes where rest <> ''
)
select distinct path from prefixes order by path;

-- name: r31_union_all_principals_kinds
select 'user' as kind, name, account_id, create_date from aws_iam_user
union all
select 'role', name, account_id, create_date from aws_iam_role
union all
select 'group', name, account_id, create_date from aws_iam_group
order by create_date desc, kind, name
limit 40;

-- name: r31_except_and_intersect_accounts
select account_id from aws_iam_role
intersect
select account_id from aws_iam_user
except
select account_id from aws_iam_group
order by 1;

-- name: r31_case_status_reason_plain
select name, account_id,
  case when not mfa_enabled and login_profile is not null then 'alarm' when not mfa_enabled then 'info' else 'ok' end as status,
  name || case when mfa_enabled then ' has MFA.' else ' has no MFA' || coalesce(' (console password since ' || (login_profile ->> 'CreateDate') || ')', '') || '.' end as reason
from aws_iam_user
order by name, account_id;

-- name: r31_coalesce_arrays_and_objects
select name, account_id, coalesce(tags, '{}'::jsonb) as tags, coalesce(groups, '[]'::jsonb) as groups, coalesce(jsonb_array_length(mfa_devices), 0) as mfa
from aws_iam_user
order by name, account_id;

-- name: r31_greatest_least_timestamps
select user_name, account_id, greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity,
  least(user_creation_time, password_last_changed) as first_event
from aws_iam_credential_report
order by last_activity desc nulls last, user_name, account_id;

-- name: r31_numeric_division_and_modulo
select max_session_duration, max_session_duration / 3600 as int_hours, max_session_duration % 3600 as rest, max_session_duration / 3600.0 as exact_hours,
  (max_session_duration::numeric / 7)::numeric(10, 3) as sevenths
from aws_iam_role
group by max_session_duration
order by max_session_duration;

-- name: r31_avg_and_stddev_round
select account_id, round(avg(max_session_duration), 2) as avg_dur, round(stddev_pop(max_session_duration)::numeric, 3) as sd, min(max_session_duration), max(max_session_duration)
from aws_iam_role
group by account_id
order by account_id;

-- name: r31_count_distinct_multiple
select account_id, count(distinct path) as paths, count(distinct permissions_boundary_arn) as boundaries, count(role_last_used_date) as used
from aws_iam_role
group by account_id
order by account_id;

-- name: r31_having_filter_count
select event_source, count(*) as n
from aws_cloudtrail_trail_event
group by event_source
having count(*) filter (where read_only) > count(*) filter (where not read_only)
order by n desc, event_source;

-- name: r31_bool_text_cast_concat
select name, account_id, 'mfa=' || mfa_enabled as mfa_text, mfa_enabled::text as t, (login_profile is not null)::int as console
from aws_iam_user
order by name, account_id;

-- name: r31_int_text_compare_cast
select name, max_session_duration::text as txt, max_session_duration::text < '4000' as text_less, max_session_duration < 4000 as int_less
from aws_iam_role
order by name, account_id
limit 20;

-- name: r31_access_key_age_buckets
select case when create_date > timestamptz '2020-01-01 00:00:00+00' then 'recent' when create_date > timestamptz '2017-01-01 00:00:00+00' then 'old' else 'ancient' end as bucket,
  count(*) as keys, min(create_date) as oldest
from aws_iam_access_key
group by 1
order by oldest;

-- name: r31_access_key_status_pivot
select account_id, count(*) filter (where status = 'Active') as active, count(*) filter (where status = 'Inactive') as inactive,
  max(create_date) filter (where status = 'Active') as newest_active
from aws_iam_access_key
group by account_id
order by account_id;

-- name: r31_trail_bools_and_selectors
select name, account_id, is_multi_region_trail, log_file_validation_enabled,
  coalesce(jsonb_array_length(event_selectors), 0) as selectors, event_selectors -> 0 ->> 'ReadWriteType' as rw
from aws_cloudtrail_trail
order by name, account_id, region;

-- name: r31_regexp_replace_global_flag
select name, regexp_replace(name, '[aeiou]', '*', 'g') as masked_all, regexp_replace(name, '[aeiou]', '*') as masked_first, regexp_replace(name, 'A', 'a', 'gi') as lower_a
from aws_iam_role
order by name, account_id
limit 20;

-- name: r31_regexp_split_to_table_paths
select r.name, seg
from aws_iam_role as r, regexp_split_to_table(trim(both '/' from r.path), '/') as seg
where r.path <> '/'
order by r.name, r.account_id, seg;

-- name: r31_regexp_matches_global_actions
select p.name, m[1] as service
from aws_iam_policy as p, regexp_matches(p.policy::text, '"([a-z0-9-]+):[A-Za-z*]+"', 'g') as m
where not p.is_aws_managed
order by 1, 2
limit 40;

-- name: r31_regexp_count_and_like_escape
select name, regexp_count(arn, '/') as slashes, name like '%\_%' as has_underscore, name like '%!_%' escape '!' as has_underscore_bang
from aws_iam_role
order by name, account_id
limit 25;

-- name: r31_substring_similar_pattern
select name, substring(name from '[0-9]+') as digits, substring(name, 1, 5) as head, name similar to '%(Role|role)%' as role_named
from aws_iam_role
order by name, account_id
limit 25;

-- name: r31_split_part_negative_index
select arn, split_part(arn, '/', -1) as last, split_part(arn, '/', -2) as before_last, split_part(arn, ':', 6) as resource
from aws_iam_policy
where not is_aws_managed
order by arn;

-- name: r31_in_list_and_any_array
select name, account_id, path = any(array['/', '/service-role/']) as common_path, name in ('admin', 'Admin', 'root') as admin_name,
  max_session_duration > all(array[3600, 7200]) as beyond_two_hours
from aws_iam_role
order by name, account_id
limit 30;

-- name: r31_ltrim_rtrim_chars
select distinct path, ltrim(path, '/') as l, rtrim(path, '/') as r, btrim(path, '/-') as b, repeat('-', length(path)) as rule
from aws_iam_role
order by path;

-- name: r31_event_time_between_and_date_cast
select event_time::date as day, count(*) as n, min(event_time)::time as first_time
from aws_cloudtrail_trail_event
where event_time between timestamptz '2000-01-01 00:00:00+00' and timestamptz '2030-01-01 00:00:00+00'
group by 1
order by 1
limit 30;

-- name: r31_timestamptz_at_time_zone
select event_id, event_time, event_time at time zone 'America/New_York' as new_york, (event_time at time zone 'UTC')::date as utc_day
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: r31_to_char_timestamp_variants
select event_id, to_char(event_time, 'Mon DD, YYYY HH12:MI AM') as a, to_char(event_time, 'FMMonth FMDD') as b, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as c,
  to_char(event_time, 'DDD J') as d
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: r31_date_part_epoch_and_julian
select name, date_part('epoch', create_date) as epoch, extract(year from create_date) as y, date_part('doy', create_date) as doy, extract(quarter from create_date) as q
from aws_iam_group
order by name, account_id
limit 20;

-- name: r31_age_single_argument_pinned
select name, account_id, age(timestamp '2025-06-30 00:00:00', create_date::timestamp) as age_ts, date_part('month', age(timestamp '2025-06-30', create_date::timestamp)) as months
from aws_iam_group
order by name, account_id
limit 20;

-- name: r31_interval_comparisons_and_ordering
select name, account_id, timestamptz '2025-01-01 00:00:00+00' - create_date as since, (timestamptz '2025-01-01 00:00:00+00' - create_date) > interval '5 years' as old
from aws_iam_role
order by since desc, name, account_id
limit 25;

-- name: r31_interval_text_and_sum
select account_id, sum(timestamptz '2025-01-01 00:00:00+00' - create_date) as total_age, avg(timestamptz '2025-01-01 00:00:00+00' - create_date) as avg_age,
  (max(create_date) - min(create_date))::text as span
from aws_iam_role
group by account_id
order by account_id;

-- name: r31_date_minus_date_and_integer
select name, account_id, date '2025-01-01' - create_date::date as days, create_date::date + 30 as plus_30
from aws_iam_policy
where not is_aws_managed
order by name, account_id, days;

-- name: r31_events_string_agg_ordered_by_time
select username, string_agg(event_name, ' > ' order by event_time, event_id) as sequence
from aws_cloudtrail_trail_event
where username is not null and event_source = 'iam.amazonaws.com'
group by username
order by username
limit 20;

-- name: r31_events_array_agg_distinct_regions
select username, array_agg(distinct aws_region) as regions, array_length(array_agg(distinct aws_region), 1) as n
from aws_cloudtrail_trail_event
where username is not null
group by username
order by n desc, username
limit 25;

-- name: r31_events_mode_and_count
select event_source, mode() within group (order by event_name) as most_common, count(*) as n
from aws_cloudtrail_trail_event
group by event_source
order by n desc, event_source
limit 20;

-- name: r31_events_tls_details_version
select tls_details ->> 'tlsVersion' as tls, tls_details ->> 'cipherSuite' as cipher, count(*) as n
from aws_cloudtrail_trail_event
group by 1, 2
order by n desc, 1 nulls last, 2 nulls last
limit 20;

-- name: r31_events_assumed_role_arn_parse
select split_part(user_identity ->> 'arn', '/', 2) as role_name, count(*) as n, count(distinct split_part(user_identity ->> 'arn', '/', 3)) as sessions
from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'AssumedRole'
group by 1
order by n desc, 1
limit 20;

-- name: r31_events_mfa_authenticated_cast
select username, (user_identity #>> '{sessionContext,attributes,mfaAuthenticated}')::bool as mfa, count(*) as n
from aws_cloudtrail_trail_event
where user_identity #>> '{sessionContext,attributes,mfaAuthenticated}' is not null
group by 1, 2
order by 1 nulls first, 2;

-- name: r31_events_console_login_additional_data
select event_time, username, response_elements ->> 'ConsoleLogin' as outcome, additional_event_data ->> 'MFAUsed' as mfa_used, additional_event_data -> 'MobileVersion' as mobile
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
order by event_time, event_id;

-- name: r31_events_not_in_with_null_subquery
select distinct event_name
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and event_name not in (select event_name from aws_cloudtrail_trail_event where read_only)
order by event_name
limit 30;

-- name: r31_events_count_per_user_type_share
select user_type, count(*) as n, round(100.0 * count(*) / sum(count(*)) over (), 2) as pct
from aws_cloudtrail_trail_event
group by user_type
order by n desc, user_type nulls last;

-- name: r31_events_timestamp_ms_math
select event_id, timestamp_ms, timestamp_ms / 1000 as secs, to_timestamp(timestamp_ms / 1000.0) as ts
from aws_cloudtrail_trail_event
where timestamp_ms is not null
order by event_time, event_id
limit 15;

-- name: r31_to_timestamp_and_epoch_roundtrip
select name, to_timestamp(extract(epoch from create_date)) = create_date as same, to_timestamp(floor(extract(epoch from create_date)))::date as day
from aws_iam_group
order by name, account_id
limit 15;

-- name: r31_role_boundary_and_description_nullif
select name, account_id, nullif(description, '') as description, coalesce(permissions_boundary_arn, 'none') as boundary, length(coalesce(description, '')) as description_length
from aws_iam_role
order by description_length desc, name, account_id
limit 25;

-- name: r31_instance_profile_arns_count
select name, account_id, jsonb_array_length(instance_profile_arns) as profiles, instance_profile_arns ->> 0 as first_profile
from aws_iam_role
where jsonb_array_length(instance_profile_arns) > 0
order by profiles desc, name, account_id;

-- name: r31_group_attached_policy_arns_exists_any
select g.name, g.account_id
from aws_iam_group as g
where exists (select 1 from jsonb_array_elements_text(g.attached_policy_arns) as a where a ilike '%admin%')
order by 1, 2;

-- name: r31_users_without_groups_anti_join
select u.name, u.account_id
from aws_iam_user as u
  left join lateral jsonb_array_elements(u.groups) as g on true
where g is null
order by 1, 2;

-- name: r31_policy_versions_default_and_count
select name, account_id, default_version_id, jsonb_array_length(policy_versions) as versions,
  (select v ->> 'VersionId' from jsonb_array_elements(policy_versions) as v where (v ->> 'IsDefaultVersion')::bool) as default_from_list
from aws_iam_policy
where not is_aws_managed and policy_versions is not null
order by name, account_id;

-- name: r31_policy_update_lag_days
select name, account_id, update_date - create_date as lifetime, date_part('day', update_date - create_date) as days
from aws_iam_policy
where not is_aws_managed
order by lifetime desc, name, account_id;

-- name: r31_account_password_policy_text
select account_id, minimum_password_length, concat_ws(', ', case when require_symbols then 'symbols' end, case when require_numbers then 'numbers' end, case when require_uppercase_characters then 'upper' end) as requires,
  coalesce(max_password_age::text, 'never') as max_age
from aws_iam_account_password_policy
order by account_id;

-- name: r31_organizations_accounts_status_join
select a.name, a.status, a.joined_method, to_char(a.joined_timestamp, 'YYYY-MM') as joined_month
from aws_organizations_account as a
order by a.joined_timestamp, a.name;

-- name: r31_numeric_literal_arithmetic
select 1.50 * 2 as a, 10 / 4 as b, 10 / 4.0 as c, 10::numeric / 4 as d, round(2.5) as e, round(-2.5) as f, 7 % 3 as g, -7 % 3 as h, 2 ^ 10 as i, |/ 16 as j;

-- name: r31_string_comparisons_with_case
select name, upper(name) = upper('admin') as is_admin, name = 'Admin' as exact
from aws_iam_role
where lower(name) like '%admin%'
order by name, account_id;

-- name: r31_jsonb_exists_on_array_strings
select name, account_id, akas ? arn as aka_is_arn, akas -> 0 as first_aka
from aws_iam_user
order by name, account_id
limit 20;

-- name: r31_jsonb_array_element_negative_and_text
select name, account_id, attached_policy_arns ->> -1 as last_policy, attached_policy_arns -> 1 as second_policy
from aws_iam_role
where jsonb_array_length(attached_policy_arns) > 1
order by name, account_id;

-- name: r31_statement_count_cte_twice_compare
with counts as (
  select arn, account_id, jsonb_array_length(policy_std -> 'Statement') as n from aws_iam_policy where not is_aws_managed
)
select c.arn, c.n, c.n - (select avg(n) from counts as d where d.account_id = c.account_id) as above_avg
from counts as c
order by c.arn;

-- name: r31_jsonb_typeof_counts_of_condition_values
select jsonb_typeof(cv.value) as kind, count(*) as n
from aws_iam_policy as p, jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_each(s -> 'Condition') as c, jsonb_each(c.value) as cv
group by 1
order by 1;

-- name: r31_jsonb_path_with_size
select name, account_id, jsonb_path_query_first(policy_std, '$.Statement.size()') as statements, jsonb_path_query_first(policy_std, '$.Statement[0].Action.type()') as action_type
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: r31_jsonb_path_match_operator
select name, account_id, policy_std @? '$.Statement[*] ? (@.Effect == "Allow" && @.Resource[*] == "*")' as allows_star
from aws_iam_policy
where not is_aws_managed
order by name, account_id;

-- name: r31_to_char_interval_negative_fields
select to_char(interval '-1 year -2 mons -3 days -04:05:06.789', 'YYYY YYY YY Y Y,YYY CC MM DD DDD WW W Q HH HH12 HH24 MI SS MS US SSSS AM pm FF2 Q') as a;

-- name: r31_to_char_interval_carried_fields
select to_char(interval '1 year 14 mons 40 days 27:05:06.5', 'YYYY YYY YY Y Y,YYY CC MM DD DDD WW W Q HH HH12 HH24 MI SS MS US SSSS AM pm FF2 Q DDth HH24TH') as b;

-- name: r31_to_char_interval_suffixes_and_quotes
select to_char(interval '5 days 3 hours', 'HHSP|DDTH|FMDDth|AMth|tmHH|FMx FXDD|"q\"x" \" \\ a.m. P.M.') as c;

-- name: r31_to_char_interval_clock_edges
select to_char(interval '12 hours', 'HH12 AM') as d, to_char(interval '-12 hours', 'HH12 AM') as e, to_char(interval '0', 'HH12 AM FMHH24') as f, to_char(interval '1 day -1 second', 'DD HH24:MI:SS') as g, to_char(interval '3000 years', 'Y,YYY CC') as h, to_char(interval '-25000 years', 'CC YYYY') as i;

-- name: r31_percentile_cont_interval_quartiles_filter
select username, percentile_cont(0.5) within group (order by gap) as median_gap, (percentile_cont(0.25) within group (order by gap))::text as q1, percentile_cont(0.9) within group (order by gap desc) filter (where gap > interval '1 second') as p90
from (select username, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap from aws_cloudtrail_trail_event where username is not null) as g
group by username order by username;

-- name: r31_percentile_cont_interval_values_text
select percentile_cont(0.3) within group (order by v)::text as a, percentile_cont(0.5) within group (order by v)::text as b, percentile_cont(1) within group (order by v)::text as c
from (values (interval '1 mon'), (interval '3 days 04:00'), (null), (interval '-2 hours 30 minutes'), (interval '1 year 2 mons 3 days')) as t(v);

-- name: r31_percentile_cont_interval_no_rows
select percentile_cont(0.5) within group (order by v) as a from (values (interval '1 day')) as t(v) where false;

-- name: r31_regexp_match_newline_sensitive_flags
select v, regexp_match(v, '^b.*$', 'n') as n_flag, regexp_match(v, 'a.b', 's') as s_flag, regexp_match(v, '^b', 'p') as p_flag, regexp_match(v, 'a$', 'w') as w_flag, regexp_match(v, '^(x)\n(b)', 'm') as m_flag
from (values (E'a\nb'), (E'x\nbz'), ('ab')) as t(v) order by v;

-- name: r31_regexp_match_expanded_and_quoted_flags
select name, regexp_match(arn, 'ROLE/(.*)$', 'ic') as m_ic, regexp_match(arn, ':role/(.*)$', 'c') as m_c, regexp_match(name, 'a w s # comment', 'xi') as m_x, regexp_match(arn, '.', 'q') as m_q, regexp_match(arn, 'role/(Ad)?', 'x') as opt
from aws_iam_role order by name, account_id limit 30;

-- name: r31_regexp_matches_global_ignore_case
select m from aws_iam_role as r, regexp_matches(r.arn, ':ROLE/([a-z])', 'gi') as m order by 1 limit 20;

-- name: r31_regexp_matches_global_newline_flag
select v, regexp_matches(v, '^\w+$', 'gn') as m from (values (E'ab\ncd'), ('x y')) as t(v) order by v;

-- name: r31_interval_times_fractions
select interval '1 mon' * 0.5 as a, interval '1 mon 1 day' * 1.5 as b, interval '7 days' / 3 as c, interval '1 year' / 7 as d, interval '1 day 3 hours' * 0.3 as e, interval '-1 mon -5 days' * 0.7 as f, 0.25 * interval '3 days' as g;

-- name: r31_interval_scaled_per_role
select name, make_interval(secs => max_session_duration) * 1.5 as a, (timestamptz '2025-01-01 00:00:00+00' - create_date) / 3 as b, (timestamptz '2025-01-01 00:00:00+00' - create_date) * 0.1 as c from aws_iam_role order by name, account_id limit 20;


-- name: r31_jsonpath_like_regex_and_starts_with
select name, account_id, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^iam:(create|delete)" flag "i")') as iam_writes,
  jsonb_path_exists(policy_std, '$.Statement[*].Resource[*] ? (@ starts with "arn:aws:s3")') as touches_s3
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r31_jsonpath_last_and_size_filter
select name, account_id, jsonb_path_query_first(policy_std, '$.Statement[last].Effect') as last_effect,
  jsonb_path_query_array(policy_std, '$.Statement[*] ? (@.Action.size() > 2).Sid') as big_sids
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r31_jsonpath_vars_argument
select name, account_id, jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ == $act)', jsonb_build_object('act', 'iam:passrole')) as passes_role
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r31_jsonpath_exists_filter_nested
select name, account_id, jsonb_path_exists(assume_role_policy_std, '$.Statement[*] ? (exists (@.Condition))') as conditional
from aws_iam_role order by name, account_id limit 40;

-- name: r31_string_agg_desc_nulls_first
select account_id, string_agg(coalesce(permissions_boundary_arn, '-'), ',' order by role_last_used_date desc nulls first, name) as boundaries
from aws_iam_role group by account_id order by account_id;

-- name: r31_array_agg_distinct_desc
select account_id, array_agg(distinct path order by path desc) as paths from aws_iam_role group by account_id order by account_id;

-- name: r31_count_filter_over_partition
select name, account_id, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_users, count(*) over (partition by account_id) as users
from aws_iam_user order by account_id, name;

-- name: r31_lag_with_default_text
select name, account_id, lag(name, 2, 'none') over (partition by account_id order by create_date, name) as two_before
from aws_iam_role order by account_id, create_date, name limit 40;

-- name: r31_window_groups_exclude_current
select name, max_session_duration, sum(max_session_duration) over (order by max_session_duration groups between 1 preceding and 1 following exclude current row) as neighbours
from aws_iam_role where max_session_duration is not null order by max_session_duration, name, account_id limit 40;

-- name: r31_to_char_tz_and_offset
select event_id, to_char(event_time, 'YYYY-MM-DD HH24:MI:SS TZ') as with_zone, to_char(event_time, 'OF') as offset_text, to_char(event_time, 'TZH:TZM') as tzh
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: r31_extract_week_century_millennium
select name, extract(week from create_date) as week, extract(century from create_date) as century, date_part('millennium', create_date) as millennium,
  extract(epoch from create_date::date) as day_epoch, extract(julian from create_date::date) as julian
from aws_iam_group order by name, account_id limit 20;

-- name: r31_age_of_dates_and_date_plus_time
select name, age(date '2025-01-01', create_date::date) as age_days, create_date::date + time '12:30' as noon_half, create_date::date + interval '1 day' as next_day
from aws_iam_group order by name, account_id limit 20;

-- name: r31_date_trunc_week_and_zone
select name, date_trunc('week', create_date) as week_start, date_trunc('day', create_date, 'America/New_York') as ny_day, date_trunc('month', create_date)::date as month_start
from aws_iam_group order by name, account_id limit 20;

-- name: r31_timestamptz_text_casts
select name, create_date::text as txt, create_date::varchar(10) as day_text, cast(create_date as date)::text as date_text, (create_date at time zone 'UTC')::text as wall
from aws_iam_group order by name, account_id limit 15;

-- name: r31_jsonb_typeof_null_and_is_distinct
select name, account_id, jsonb_typeof(login_profile -> 'PasswordResetRequired') as t, (login_profile ->> 'UserName') is distinct from name as differs
from aws_iam_user where login_profile is not null order by name, account_id;

-- name: r31_collate_c_desc_and_min
select account_id, min(name collate "C") as first_c, max(name) as last_name, string_agg(name, ',' order by name collate "C" desc) as names_desc
from aws_iam_group group by account_id order by account_id;

-- name: r31_case_sensitive_text_comparison
select name, name < 'a' as upper_first, upper(name) collate "C" > 'M' as after_m, 'B' < 'a' as codepoint
from aws_iam_group order by name, account_id limit 20;

-- name: r31_ilike_any_and_not_like_all
select name, account_id, name ilike any (array['%admin%', '%power%']) as privileged, name not like all (array['AWS%', 'aws%']) as not_aws
from aws_iam_role order by name, account_id limit 40;

-- name: r31_numeric_casts_and_formatting
select account_id, cast(avg(max_session_duration) as decimal(10, 2)) as avg_dec, (sum(max_session_duration) / 3600.0)::numeric(8, 1) as hours,
  to_char(avg(max_session_duration), '99990D00') as formatted, round(avg(max_session_duration)::numeric, 2)::text || ' s' as txt
from aws_iam_role group by account_id order by account_id;

-- name: r31_generate_series_index_into_array
select p.name, i, p.policy_std -> 'Statement' -> (i - 1) ->> 'Effect' as effect
from aws_iam_policy as p, generate_series(1, jsonb_array_length(p.policy_std -> 'Statement')) as i
where not p.is_aws_managed order by p.name, p.account_id, i;

-- name: r31_ordinality_max_per_policy
with s as (
  select p.arn, e.ordinality as n from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as e where not p.is_aws_managed
)
select arn, max(n) as statements, count(*) = max(n) as consistent from s group by arn order by arn;

-- name: r31_coalesce_jsonb_agg_filter_empty
select g.name, g.account_id, coalesce(jsonb_agg(u ->> 'UserName') filter (where u ->> 'UserName' like 'a%'), '[]'::jsonb) as a_users
from aws_iam_group as g left join lateral jsonb_array_elements(g.users) as u on true
group by g.name, g.account_id order by g.name, g.account_id;

-- name: r31_exists_over_action_text_elements
select p.name, p.account_id
from aws_iam_policy as p
where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as a where a like 'iam:%' and s ->> 'Effect' = 'Allow')
order by 1, 2;

-- name: r31_cte_in_union_twice
with roles as (select name, account_id, path from aws_iam_role)
select 'service' as kind, count(*) as n from roles where path like '/service-role/%' or path like '/aws-service-role/%'
union all
select 'custom', count(*) from roles where path not like '%service-role/%'
order by kind;

-- name: r31_text_array_overlap_and_contains
select name, account_id, string_to_array(path, '/') && '{service-role,aws-service-role}'::text[] as service_path, '{a}'::text[] <@ string_to_array(name, '-') as has_a
from aws_iam_role order by name, account_id limit 30;

-- name: r31_left_right_negative_substr
select name, left(name, -3) as without_last3, right(name, -3) as without_first3, substr(name, -1, 3) as odd_substr, substr(name, 3) as from3
from aws_iam_group order by name, account_id limit 20;

-- name: r31_concat_mixed_values
select name, concat(name, null, 1.50, true, create_date::date) as c, concat_ws('|', name, null, path, 2) as cw
from aws_iam_group order by name, account_id limit 15;

-- name: r31_to_jsonb_timestamps_in_objects
select name, jsonb_build_object('created', create_date, 'day', create_date::date) as doc, to_jsonb(create_date) as t
from aws_iam_group order by name, account_id limit 15;

-- name: r31_jsonb_set_insert_and_path_delete
select name, jsonb_set(tags_src, '{0,Value}', '"x"', false) as set0, jsonb_insert('{"a": [1, 2]}'::jsonb, '{a,1}', to_jsonb(name)) as ins, tags_src #- '{0}' as dropped
from aws_iam_role where jsonb_array_length(tags_src) > 0 order by name, account_id limit 20;

-- name: r31_jsonb_int_index_on_object_is_null
select name, tags ->> 0 as idx_on_object, akas ->> 0 as idx_on_array, tags -> 'missing' -> 'deeper' as missing
from aws_iam_role order by name, account_id limit 15;

-- name: r31_text_cast_to_jsonb_exists
select name, account_id, assume_role_policy_document::jsonb ? 'Statement' as has_statement, (assume_role_policy_document::jsonb -> 'Version') as version
from aws_iam_role where assume_role_policy_document like '{%' order by name, account_id limit 30;

-- name: r31_epoch_floor_days_int
select name, floor(extract(epoch from timestamptz '2025-01-01 00:00:00+00' - create_date) / 86400)::int as days, extract(epoch from create_date)::bigint as epoch_int,
  date_part('epoch', interval '1 day 2 hours') as interval_epoch
from aws_iam_group order by name, account_id limit 20;

-- name: r31_make_and_to_timestamp_functions
select make_timestamptz(2024, 2, 29, 12, 30, 15.5, 'UTC') as a, make_date(2024, 2, 29) as b, to_date('2024-03-05', 'YYYY-MM-DD') as c,
  to_timestamp('2024-03-05 10:20', 'YYYY-MM-DD HH24:MI') as d, timezone('UTC', timestamptz '2024-03-05 10:20:00+02') as e, make_time(8, 15, 0) as f;

-- name: r31_date_difference_integer_compare
select name, account_id, date '2025-01-01' - create_date::date > 900 as old, (date '2025-01-01' - create_date::date) / 7 as weeks
from aws_iam_role order by name, account_id limit 30;

-- name: r31_row_value_in_subquery
select u.name, u.account_id, (u.name, u.account_id) in (select k.user_name, k.account_id from aws_iam_access_key k where k.status = 'Active') as active_key
from aws_iam_user as u order by 1, 2;

-- name: r31_count_distinct_row_values
select count(distinct (user_name, account_id)) as users_with_keys, count(distinct user_name) as names from aws_iam_access_key;

-- name: r31_between_symmetric
select name, max_session_duration between symmetric 7200 and 3600 as mid_range from aws_iam_role order by name, account_id limit 20;

-- name: r31_bool_or_over_partition
select name, account_id, bool_or(mfa_enabled) over (partition by account_id) as any_mfa, every(mfa_enabled) over (partition by account_id) as all_mfa
from aws_iam_user order by account_id, name;

-- name: r31_string_agg_window_running
select name, account_id, string_agg(name, ',') over (partition by account_id order by create_date, name rows between 2 preceding and current row) as last_three
from aws_iam_group order by account_id, create_date, name;

-- name: r31_lower_equals_any_subquery
select name, account_id from aws_iam_role where lower(name) = any (select lower(user_name) from aws_iam_access_key) order by 1, 2;

-- name: r31_not_exists_except
select account_id from aws_iam_role as r where not exists (select account_id from aws_iam_user except select account_id from aws_iam_group where account_id = r.account_id) group by account_id order by 1;

-- name: r31_offset_fetch_first
select name, account_id from aws_iam_role order by name, account_id offset 5 rows fetch first 10 rows only;

-- name: r31_nullif_jsonb_empty_array
select name, account_id, nullif(attached_policy_arns, '[]'::jsonb) as attached, nullif(tags, '{}') is null as untagged
from aws_iam_role order by name, account_id limit 30;

-- name: r31_jsonb_each_text_regex_values
select r.name, t.key, t.value from aws_iam_role as r, jsonb_each_text(r.tags) as t where t.value ~ '^[0-9]+$' or t.key ~* 'owner' order by 1, 2;

-- name: r31_regexp_replace_backrefs
select name, regexp_replace(arn, '^arn:aws:iam::(\d+):role/(.*)$', '\2@\1') as swapped, regexp_replace(name, '(\w)(\w*)', '\2\1', 'g') as pig
from aws_iam_role order by name, account_id limit 20;

-- name: r31_split_part_int_cast
select arn, split_part(arn, ':', 5)::bigint % 1000 as account_tail from aws_iam_role order by arn limit 20;

-- name: r31_format_positional_and_jsonb
select format('%1$s/%1$s:%2$s', name, path) as twice, format('%s', tags) as tags_text, format('%s', max_session_duration) as dur
from aws_iam_role order by name, account_id limit 15;

-- name: r31_to_char_count_group
select account_id, to_char(count(*), 'FM999G999') as roles, to_char(count(*) * 1000, '9G999G999') as scaled from aws_iam_role group by account_id order by account_id;

-- name: r31_extract_fields_of_intervals
select extract(day from interval '36 hours') as a, extract(hour from interval '36 hours') as b, extract(epoch from interval '1 mon') as c, date_part('day', interval '1 mon 40 days') as d,
  extract(year from interval '27 mons') as e, extract(month from interval '-27 mons') as f;

-- name: r31_interval_justify_text_from_events
select username, justify_hours(max(event_time) - min(event_time)) as span, (max(event_time) - min(event_time))::text as raw
from aws_cloudtrail_trail_event where username is not null group by username order by username limit 20;

-- name: r31_jsonb_array_elements_text_distinct_count
select count(distinct a) as distinct_actions, count(a) as actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a;

-- name: r31_numeric_scale_of_sums
select account_id, sum(max_session_duration / 3600.0) as hours, sum(max_session_duration) / count(*) as int_avg, avg(max_session_duration)::int as rounded_avg
from aws_iam_role group by account_id order by account_id;

-- name: r31_array_containment_both_ways
select name, account_id, string_to_array(path, '/') @> '{service-role}' as service_path, array['a', 'b'] <@ string_to_array(name, '') as ab_letters,
  string_to_array(arn, ':') @> array['iam'] as iam, '{aws,iam}'::text[] <@ string_to_array(arn, ':') as aws_iam
from aws_iam_role order by name, account_id limit 30;

-- name: r31_to_char_iso_millis_z
select event_id, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as iso, to_char(event_time::date, 'Day') as padded_day, to_char(event_time, 'FMDay, FMDD Mon') as words
from aws_cloudtrail_trail_event order by event_time, event_id limit 15;

-- name: r31_date_bin_quarter_hours
select date_bin(interval '15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as slot, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by 1 limit 30;

-- name: r31_extract_epoch_of_age
select name, extract(epoch from age(timestamptz '2025-01-01 00:00:00+00', create_date)) as age_seconds, age(timestamptz '2025-01-01 00:00:00+00', create_date)::text as age_text
from aws_iam_group order by name, account_id limit 20;

-- name: r31_interval_text_literal_comparisons
select name, account_id, timestamptz '2025-01-01 00:00:00+00' - create_date > '900 days'::interval as old, create_date < timestamptz '2025-01-01 00:00:00+00' - '5 years'::interval as older_5y,
  (interval '1 month' - interval '1 day')::text as mixed, justify_interval(timestamptz '2025-01-01 00:00:00+00' - create_date) as justified
from aws_iam_role order by name, account_id limit 25;

-- name: r31_string_agg_distinct_ordered
select account_id, string_agg(distinct path, ',' order by path) as paths, array_to_string(array_agg(name order by create_date, name), ', ') as by_age
from aws_iam_role group by account_id order by account_id;

-- name: r31_unnest_array_agg_with_ordinality_from
select t.account_id, u.name, u.n
from (select account_id, array_agg(name order by name) as names from aws_iam_group group by account_id) as t,
  unnest(t.names) with ordinality as u(name, n)
order by t.account_id, u.n;

-- name: r31_scalar_subquery_string_agg_value
select name, account_id, (select string_agg(value, ',' order by value) from jsonb_array_elements_text(attached_policy_arns)) as policies
from aws_iam_role where jsonb_array_length(attached_policy_arns) > 0 order by name, account_id limit 30;

-- name: r31_elements_text_alias_columns
select r.name, a.arn_text from aws_iam_role as r, jsonb_array_elements_text(r.attached_policy_arns) as a(arn_text) order by 1, 2 limit 30;

-- name: r31_lateral_top_one_per_user
select u.name, u.account_id, k.access_key_id, k.create_date
from aws_iam_user as u
  left join lateral (select access_key_id, create_date from aws_iam_access_key as ak where ak.user_name = u.name and ak.account_id = u.account_id order by create_date desc limit 1) as k on true
order by u.name, u.account_id;

-- name: r31_row_number_filter_first_per_account
select account_id, name, create_date from (
  select account_id, name, create_date, row_number() over (partition by account_id order by create_date, name) as rn from aws_iam_role
) as t where rn <= 2 order by account_id, rn;

-- name: r31_named_window_with_frame
select name, account_id, first_value(name) over w as first_in_account, count(*) over w as so_far
from aws_iam_policy where not is_aws_managed
window w as (partition by account_id order by create_date, name rows between unbounded preceding and current row)
order by account_id, create_date, name;

-- name: r31_regexp_split_to_array_commas
select v, regexp_split_to_array(v, '\s*,\s*') as parts, array_length(regexp_split_to_array(v, '\s*,\s*'), 1) as n
from (values ('a, b,c'), ('x'), ('')) as t(v) order by v;

-- name: r31_initcap_translate_punctuation
select initcap('hello-world foo_bar x.y') as a, initcap(lower(name)) as b, translate(name, '-_', '  ') as c from aws_iam_group order by name, account_id limit 10;

-- name: r31_position_strpos_ascii_chr
select name, position('-' in name) as pos, strpos(name, 'a') as a_pos, ascii(name) as first_code, chr(65 + length(name) % 26) as letter
from aws_iam_group order by name, account_id limit 20;

-- name: r31_lengths_and_to_hex
select name, octet_length(name) as bytes, bit_length(name) as bits, char_length(name) as chars, to_hex(length(name) * 255) as hex
from aws_iam_group order by name, account_id limit 20;

-- name: r31_negative_scale_round_trunc
select max_session_duration, round(max_session_duration, -3) as r, trunc(max_session_duration::numeric, -2) as t, mod(max_session_duration, 7) as m, div(max_session_duration, 7) as d
from aws_iam_role where max_session_duration is not null group by max_session_duration order by 1;

-- name: r31_math_functions_mixed
select power(2, 10) as p, sqrt(16) as s, abs(-7) as a, log(100) as l, ceil(10 / 3.0) as c, floor(-2.5) as f, greatest(1, 2.5) as g, least(3, 2.50, 4) as le;

-- name: r31_float_division_and_real
select account_id, count(*)::float / nullif(sum(max_session_duration), 0) as per_second, cast(count(*) as real) / 3 as thirds, count(*)::double precision as c
from aws_iam_role group by account_id order by account_id;

-- name: r31_case_type_unification
select name, case when path = '/' then 1 else 1.5 end as weight, coalesce(max_session_duration, 0.5) as dur
from aws_iam_role order by name, account_id limit 20;

-- name: r31_scalar_subqueries_ratio
select (select count(*) from aws_iam_user where mfa_enabled) * 100 / nullif((select count(*) from aws_iam_user), 0) as pct_int,
  round((select count(*) from aws_iam_user where mfa_enabled) * 100.0 / nullif((select count(*) from aws_iam_user), 0), 2) as pct;

-- name: r31_jsonb_build_object_of_counts
select account_id, jsonb_build_object('roles', count(*), 'paths', count(distinct path), 'max', max(max_session_duration)) as summary
from aws_iam_role group by account_id order by account_id;

-- name: r31_jsonb_object_agg_filter_and_agg_distinct
select account_id, jsonb_object_agg(name, path) filter (where path <> '/') as non_root, jsonb_agg(distinct path) as paths
from aws_iam_role group by account_id order by account_id;

-- name: r31_array_agg_filter_null_when_empty
select account_id, array_agg(name) filter (where name like 'zzz%') as none, cardinality(array_remove(array_agg(path), '/')) as non_root
from aws_iam_role group by account_id order by account_id;

-- name: r31_jsonb_ordering_of_values
select name, account_id, tags from aws_iam_role order by tags, name, account_id limit 30;

-- name: r31_jsonb_comparison_operators
select name, tags = '{}' as empty_eq, tags < '{"a": 1}'::jsonb as lt, akas -> 0 > '"arn:aws:iam::1"' as gt
from aws_iam_role order by name, account_id limit 20;

-- name: r31_distinct_jsonb_values
select distinct assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' as principal from aws_iam_role order by 1 limit 30;

-- name: r31_ordered_by_json_element
select name, account_id, akas -> 0 as aka from aws_iam_user order by akas -> 0 desc, name limit 20;

-- name: r31_count_string_regex_filter
select event_source, count(*) filter (where user_agent ~* '(boto|botocore)') as sdk, count(*) filter (where user_agent ilike '%console%') as console, count(*) filter (where error_code ~ '^AccessDenied') as denied
from aws_cloudtrail_trail_event group by event_source order by event_source limit 30;

-- name: r31_events_jsonb_request_keys_union
select k, count(*) as n from aws_cloudtrail_trail_event as e, jsonb_object_keys(e.request_parameters) as k
where jsonb_typeof(e.request_parameters) = 'object' group by k order by n desc, k limit 30;

-- name: r31_events_user_identity_each_text
select i.key, count(*) as n, count(distinct i.value) as values_seen
from aws_cloudtrail_trail_event as e, jsonb_each_text(e.user_identity) as i group by i.key order by i.key;

-- name: r31_events_session_created_cast_timestamptz
select event_id, (user_identity #>> '{sessionContext,attributes,creationDate}')::timestamptz as session_start,
  event_time - (user_identity #>> '{sessionContext,attributes,creationDate}')::timestamptz as into_session
from aws_cloudtrail_trail_event where user_identity #>> '{sessionContext,attributes,creationDate}' is not null
order by event_time, event_id limit 25;

-- name: r31_events_first_seen_per_key_not_exists
select e.access_key_id, e.event_time, e.event_name from aws_cloudtrail_trail_event as e
where e.access_key_id is not null and not exists (select 1 from aws_cloudtrail_trail_event as p where p.access_key_id = e.access_key_id and (p.event_time, p.event_id) < (e.event_time, e.event_id))
order by e.event_time, e.access_key_id limit 25;

-- name: r31_events_hour_histogram_generate_series
select h, count(e.event_id) as n from generate_series(0, 23) as h left join aws_cloudtrail_trail_event as e on extract(hour from e.event_time) = h group by h order by h;

-- name: r31_events_width_bucket_hours
select width_bucket(extract(hour from event_time), 0, 24, 4) as quarter_of_day, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: r31_credential_report_password_status_case
select user_name, account_id, password_status, case password_status when 'not_supported' then 'root' when 'false' then 'no password' else 'has password' end as kind,
  coalesce(password_next_rotation::text, 'n/a') as rotation
from aws_iam_credential_report order by user_name, account_id;

-- name: r31_credential_report_key_rotation_days
select user_name, account_id, greatest(access_key_1_last_rotated, access_key_2_last_rotated) as newest_rotation,
  date_part('day', generated_time - least(access_key_1_last_rotated, access_key_2_last_rotated)) as oldest_key_days
from aws_iam_credential_report where access_key_1_active or access_key_2_active order by user_name, account_id;

-- name: r31_user_groups_jsonb_path_names
select name, account_id, jsonb_path_query_array(groups, '$[*].GroupName') as group_names from aws_iam_user order by name, account_id;

-- name: r31_group_users_count_vs_membership
select g.name, g.account_id, jsonb_array_length(g.users) as listed,
  (select count(*) from aws_iam_user u, jsonb_array_elements(u.groups) m where u.account_id = g.account_id and m ->> 'GroupName' = g.name) as memberships
from aws_iam_group g order by g.name, g.account_id;

-- name: r31_timestamptz_text_with_fraction
select event_id, event_time::text as t, (event_time + interval '0.25 seconds')::text as frac, event_time::date::timestamptz as midnight
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: r31_array_text_quoting
select array['a b', 'c', null, '', 'd"e']::text as a, string_to_array('x,y z', ',')::text as b, array[1, 2]::text as c, (array_agg(name order by name))::text as d
from aws_iam_group where account_id = (select min(account_id) from aws_iam_group);

-- name: r31_array_of_jsonb_text
select account_id, array_agg(tags order by name)::text as tags_text from aws_iam_role where tags <> '{}' group by account_id order by account_id;

-- name: r31_to_jsonb_row_subquery
select to_jsonb(t) as doc from (select name, path, create_date, max_session_duration from aws_iam_role order by name, account_id limit 5) as t;

-- name: r31_jsonb_pretty_small
select name, jsonb_pretty(tags) as pretty from aws_iam_role where tags <> '{}' order by name, account_id limit 5;

-- name: r31_quote_literal_and_format_null
select quote_literal(E'O\'Brien') as q, format('%L', null) as n, quote_nullable(null::text) as qn, quote_ident('Select') as qi, E'a\tb' as tab;

-- name: r31_jsonpath_numeric_compare
select name, account_id, jsonb_path_query_array(jsonb_build_object('d', max_session_duration), '$.d ? (@ > 3600)') as long_one,
  jsonb_path_exists(to_jsonb(max_session_duration), '$ ? (@ >= 43200)') as max
from aws_iam_role order by name, account_id limit 20;

-- name: r31_max_timestamp_text_and_json
select account_id, max(create_date)::text as newest, to_jsonb(max(create_date)) as newest_json, jsonb_agg(create_date order by create_date) -> 0 as oldest_json
from aws_iam_user group by account_id order by account_id;

-- name: r31_avg_interval_per_account
select account_id, avg(timestamptz '2025-01-01 00:00:00+00' - create_date) as avg_age, avg(timestamptz '2025-01-01 00:00:00+00' - create_date)::text as txt
from aws_iam_group group by account_id order by account_id;

-- name: r31_sum_numeric_text
select account_id, sum(max_session_duration * 1.5)::text as weighted, sum(0.1) as tenths, sum(0.1)::text as tenths_text
from aws_iam_role group by account_id order by account_id;

-- name: r31_extract_epoch_scale_text
select name, extract(epoch from create_date)::text as e, extract(second from create_date) as s, extract(milliseconds from create_date) as ms
from aws_iam_group order by name, account_id limit 10;

-- name: r31_to_char_numeric_decimals
select v, to_char(v, 'FM9999990.000') as a, to_char(v, '9,999.9') as b, to_char(v, 'S0000') as c, to_char(v, '999PR') as d
from (values (1.5), (-12.345), (0), (1234.56)) as t(v) order by v;

-- name: r31_row_to_json_text
select row_to_json(t)::text as j from (select name, path from aws_iam_group order by name, account_id limit 3) as t;

-- name: r31_json_agg_object_text
select account_id, jsonb_agg(jsonb_build_object('n', name, 'p', path) order by name)::text as doc from aws_iam_group group by account_id order by account_id;

-- name: r31_interval_output_shapes
select interval '1 year 2 mons 3 days 04:05:06.7' as a, interval '-1 day 2 hours' as b, interval '100 hours' as c, interval '0' as d, interval '1.5 months' as e, interval '-0.5 seconds' as f;

-- name: r31_boolean_aggregate_text
select account_id, bool_and(mfa_enabled)::text as all_mfa, (count(*) > 1)::text as several, mfa_enabled from aws_iam_user group by account_id, mfa_enabled order by account_id, mfa_enabled nulls last;

-- name: r31_array_text_of_doubles_intervals_jsonb
select array['a b', 'c', null, '', 'd"e', 'NULL']::text as a, array[1.5::float8, 2, 1e20]::text as b, array[interval '1 mon', interval '-1 day 02:00']::text as c, array[true, false]::text as d, array[date '2020-01-01']::text as e, array[timestamptz '2020-01-01 10:00:00+00']::text as f, array['{"b": 1, "aa": [1, 2]}'::jsonb, 'null'::jsonb, '"x"'::jsonb]::text as g;

-- name: r31_array_agg_jsonb_and_times_text
select account_id, array_agg(tags order by name)::text as tags_text, array_agg(create_date order by name)::text as dates from aws_iam_role where tags <> '{}' group by account_id order by account_id;

-- name: r31_array_subquery_constructor
select name, account_id, array_to_string(array(select jsonb_array_elements_text(attached_policy_arns) order by 1), ', ') as policies,
  cardinality(array(select jsonb_object_keys(tags))) as tag_count
from aws_iam_role order by name, account_id limit 30;

-- name: r31_case_typeof_string_to_array_principal
select r.name, p as principal
from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy -> 'Statement') as s,
  jsonb_array_elements_text(case jsonb_typeof(s -> 'Principal' -> 'AWS') when 'string' then jsonb_build_array(s -> 'Principal' -> 'AWS') when 'array' then s -> 'Principal' -> 'AWS' else '[]'::jsonb end) as p
order by 1, 2;

-- name: r31_to_char_date_trunc_month_label
select to_char(date_trunc('month', create_date), 'YYYY-MM') as month, count(*) as created, sum(count(*)) over (order by to_char(date_trunc('month', create_date), 'YYYY-MM')) as cumulative
from aws_iam_role group by 1 order by 1;

-- name: r31_any_array_subquery
select name, account_id from aws_iam_user where name = any(array(select user_name from aws_iam_access_key where status = 'Active')) order by 1, 2;

-- name: r31_in_subquery_of_elements_text
select p.name, p.account_id from aws_iam_policy as p
where p.arn in (select jsonb_array_elements_text(attached_policy_arns) from aws_iam_role) order by 1, 2;

-- name: r31_values_list_join_actions
select v.action, v.risk, count(p.arn) as policies
from (values ('iam:passrole', 'high'), ('iam:createaccesskey', 'high'), ('s3:getobject', 'low')) as v(action, risk)
  left join (select distinct p.arn, a from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a) as p on p.a = v.action
group by v.action, v.risk order by v.action;

-- name: r31_unnest_two_arrays_zip
select * from unnest(array['a', 'b', 'c'], array[1, 2]) as t(letter, n) order by letter;

-- name: r31_exists_star_elements
select name, account_id, exists(select * from jsonb_array_elements(mfa_devices)) as has_mfa_device from aws_iam_user order by name, account_id;

-- name: r31_cross_join_generate_series_dates
select d::date as day, a.account_id from generate_series(date '2024-01-01', date '2024-01-03', interval '1 day') as d cross join (select distinct account_id from aws_iam_role) as a order by 1, 2;

-- name: r31_policy_actions_service_prefix_counts
select split_part(a, ':', 1) as service, count(*) as grants, count(distinct p.arn) as policies
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow' group by 1 order by grants desc, service limit 25;

-- name: r31_policy_wildcard_resource_and_action_pairs
select p.name, p.account_id, a, r
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a, jsonb_array_elements_text(s -> 'Resource') r
where not p.is_aws_managed and (a like '%*%' or r = '*') order by 1, 2, 3, 4 limit 50;

-- name: r31_role_last_used_buckets_filter
select count(*) filter (where role_last_used_date is null) as never, count(*) filter (where role_last_used_date < timestamptz '2024-01-01 00:00:00+00') as stale, count(*) filter (where role_last_used_date >= timestamptz '2024-01-01 00:00:00+00') as recent
from aws_iam_role;

-- name: r31_user_inline_policy_names_agg
select u.name, u.account_id, string_agg(ip ->> 'PolicyName', ', ' order by ip ->> 'PolicyName') as inline
from aws_iam_user u, jsonb_array_elements(u.inline_policies) ip group by u.name, u.account_id order by 1, 2;

-- name: r31_statement_condition_present_counts
select p.account_id, count(*) filter (where s ? 'Condition') as conditional, count(*) filter (where not s ? 'Condition') as unconditional
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s group by p.account_id order by 1;

-- name: r31_trust_federated_principals
select r.name, r.account_id, f as provider, s -> 'Action' as action
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_array_elements_text(coalesce(s -> 'Principal' -> 'Federated', '[]')) f
order by 1, 2, 3;

-- name: r31_boolean_text_in_concat_format
select name, concat('mfa:', mfa_enabled) as c, format('%s', mfa_enabled) as f, concat_ws(',', mfa_enabled, name) as cw, 'x' || mfa_enabled as p, mfa_enabled::text as t, string_agg(mfa_enabled::text, ',') over (partition by account_id) as agg
from aws_iam_user order by name, account_id limit 20;

-- name: r31_generate_subscripts_statements
select p.name, i, p.policy_std -> 'Statement' -> (i - 1) ->> 'Effect' as effect
from aws_iam_policy p, generate_subscripts(array(select jsonb_array_elements(p.policy_std -> 'Statement')), 1) as i
where not p.is_aws_managed order by 1, 2;

-- name: r31_numeric_text_of_aggregates
select account_id, min(max_session_duration / 3600.0) as min_h, max(max_session_duration / 60.0)::text as max_m, avg(max_session_duration / 3600.0) as avg_h
from aws_iam_role group by account_id order by account_id;

-- name: r31_date_part_text_concat
select name, 'created in ' || date_part('year', create_date) || '/Q' || extract(quarter from create_date) as label, date_part('dow', create_date)::int as dow
from aws_iam_group order by name, account_id limit 15;

-- name: r31_interval_concat_text
select name, 'age: ' || (timestamptz '2025-01-01 00:00:00+00' - create_date) as age_text, concat(make_interval(secs => 5400), '') as dur
from aws_iam_group order by name, account_id limit 10;

-- name: r31_timestamp_concat_text
select name, 'created ' || create_date as ct, concat(create_date::date, ' / ', create_date) as cc, format('%s', create_date) as f
from aws_iam_group order by name, account_id limit 10;

-- name: r31_jsonb_concat_text_operator
select name, tags::text || '' as tt, concat(tags, '') as c from aws_iam_role where tags <> '{}' order by name, account_id limit 10;

-- name: r31_substring_two_argument_regex
select name, substring(arn, ':role/(.*)$') as role_path, substring(arn from 1 for 12) as head from aws_iam_role order by name, account_id limit 20;

-- name: r31_split_part_multichar_and_string_to_table
select name, split_part(arn, ':role/', 2) as after_role, (select count(*) from string_to_table(path, '/') as s where s <> '') as segments
from aws_iam_role order by name, account_id limit 20;

-- name: r31_regexp_like_and_prefix_operator
select name, regexp_like(name, '^aws', 'i') as aws_like, name ^@ 'AWS' as prefix from aws_iam_role order by name, account_id limit 20;

-- name: r31_trim_leading_and_lpad_truncates
select name, trim(leading 'A' from name) as tl, trim(trailing 's' from name) as tt, lpad(name, 3) as short, rpad(name, 12, '.') as dotted
from aws_iam_group order by name, account_id limit 15;

-- name: r31_null_concat_and_coalesce_text
select name, 'x' || null as n, name || coalesce(null, '') as kept, concat(name, null) as c from aws_iam_group order by name, account_id limit 5;

-- name: r31_jsonb_numeric_comparisons
select name, (jsonb_build_object('n', max_session_duration) -> 'n')::numeric > 3600 as longer, jsonb_typeof(to_jsonb(max_session_duration)) as t,
  '1'::jsonb = '1.0'::jsonb as eq, to_jsonb(max_session_duration) = to_jsonb(max_session_duration::numeric / 1.0) as eq2
from aws_iam_role where max_session_duration is not null order by name, account_id limit 20;

-- name: r31_events_policy_document_string_parsed
select e.event_name, e.event_time, s ->> 'Effect' as effect, s -> 'Action' as action
from aws_cloudtrail_trail_event as e,
  jsonb_array_elements(case when jsonb_typeof((e.request_parameters ->> 'policyDocument')::jsonb -> 'Statement') = 'array' then (e.request_parameters ->> 'policyDocument')::jsonb -> 'Statement' else jsonb_build_array((e.request_parameters ->> 'policyDocument')::jsonb -> 'Statement') end) as s
where e.request_parameters ->> 'policyDocument' like '{%'
order by e.event_time, e.event_id, effect limit 30;

-- name: r31_events_request_parameters_nested_paths
select event_name, request_parameters #>> '{roleName}' as role, request_parameters -> 'tags' -> 0 ->> 'key' as first_tag, jsonb_typeof(request_parameters) as t
from aws_cloudtrail_trail_event where event_source = 'iam.amazonaws.com' order by event_time, event_id limit 30;

-- name: r31_jsonb_arrow_then_text_index
select name, akas ->> 0 as first, tags_src -> 0 ->> 'Key' as first_key, tags_src ->> 0 as first_obj_text from aws_iam_role where jsonb_array_length(tags_src) > 0 order by name, account_id limit 20;

-- name: r31_elements_of_null_give_no_rows
select u.name, count(m) as devices from aws_iam_user u left join lateral jsonb_array_elements(u.mfa_devices) m on true group by u.name, u.account_id order by 1, u.account_id;

-- name: r32_order_by_position_in_range
select name, account_id, create_date from aws_iam_group order by 3, 1, 2 limit 12;

-- name: r32_case_int_and_numeric_text_literal
select name, case when max_session_duration > 3600 then 1 else '2' end as tier, coalesce(max_session_duration, '0') as secs
from aws_iam_role order by name, account_id limit 20;

-- name: r32_array_subscript_zero_and_past_end
select name, (array[name, path])[0] as zero, (array[name, path])[3] as past, (array[name, path])[2] as second
from aws_iam_group order by name, account_id limit 10;

-- name: r32_numeric_array_text_keeps_each_scale
select name, array[1.50, 2, max_session_duration]::text as a, array[0.5, 10.25]::text as b
from aws_iam_role where max_session_duration is not null order by name, account_id limit 10;

-- name: r32_statement_actions_lateral_text
select p.name, s ->> 'Effect' as effect, a.action
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  lateral jsonb_array_elements_text(s -> 'Action') as a(action)
where not p.is_aws_managed order by p.name, p.account_id, effect, a.action;

-- name: r32_policy_path_query_actions
select name, jsonb_path_query(policy_std, '$.Statement[*].Action[*]') as action
from aws_iam_policy where not is_aws_managed order by name, account_id, action;

-- name: r32_policy_path_query_array_effects
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Effect') as effects,
  jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') as has_deny
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_path_query_first_resource
select name, jsonb_path_query_first(policy_std, '$.Statement[0].Resource[0]') #>> '{}' as first_resource
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_trust_principals_each
select r.name, k.key as principal_type, jsonb_typeof(k.value) as kind, jsonb_array_length(k.value) as n
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_each(s -> 'Principal') k
order by r.name, r.account_id, principal_type;

-- name: r32_trust_service_principals_text
select r.name, p as service
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') p
order by r.name, r.account_id, p;

-- name: r32_trust_keys_of_statement
select name, jsonb_object_keys(s) as key
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
order by name, account_id, key;

-- name: r32_trust_has_condition_keys
select name, s ? 'Condition' as conditioned, s -> 'Condition' ?| array['stringequals', 'stringlike'] as any_string,
  s -> 'Principal' ?& array['AWS'] as aws
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
order by name, account_id, conditioned, any_string, aws;

-- name: r32_trust_cross_account_principals
select r.name, r.account_id, split_part(p, ':', 5) as trusted_account
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
where split_part(p, ':', 5) <> r.account_id
order by r.name, r.account_id, trusted_account;

-- name: r32_policy_containment_star
select name, policy_std @> '{"Statement": [{"Action": ["*"], "Effect": "Allow"}]}' as full_admin,
  policy_std -> 'Statement' @> '[{"Effect": "Deny"}]' as has_deny
from aws_iam_policy order by name, account_id limit 40;

-- name: r32_policy_path_text_operators
select name, policy_std #> '{Statement,0,Effect}' as eff_json, policy_std #>> '{Statement,0,Action,0}' as first_action,
  policy #>> '{Version}' as version
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_jsonb_typeof_of_policy_parts
select jsonb_typeof(policy -> 'Statement') as statement_kind, count(*) as n
from aws_iam_policy group by 1 order by 1 nulls first;

-- name: r32_strip_nulls_of_built_object
select name, jsonb_strip_nulls(jsonb_build_object('name', name, 'boundary', permissions_boundary_arn, 'last', password_last_used)) as obj
from aws_iam_user order by name, account_id limit 25;

-- name: r32_jsonb_set_tag_value
select name, jsonb_set(coalesce(tags, '{}'::jsonb), '{reviewed}', '"yes"') as tagged,
  jsonb_set(coalesce(tags, '{}'::jsonb), '{owner}', to_jsonb(account_id), false) as not_created
from aws_iam_role order by name, account_id limit 20;

-- name: r32_jsonb_agg_ordered_filtered
select account_id, jsonb_agg(name order by name) filter (where mfa_enabled) as with_mfa,
  jsonb_agg(name order by create_date desc, name) filter (where not mfa_enabled) as without_mfa
from aws_iam_user group by account_id order by account_id;

-- name: r32_jsonb_object_agg_of_tags
select account_id, jsonb_object_agg(name, jsonb_array_length(coalesce(tags_src, '[]'))) as tag_counts
from aws_iam_role group by account_id order by account_id;

-- name: r32_tags_each_text
select r.name, t.key, t.value
from aws_iam_role r, jsonb_each_text(r.tags) t
order by r.name, r.account_id, t.key;

-- name: r32_tags_src_lateral_key_value
select u.name, tag ->> 'Key' as k, tag ->> 'Value' as v
from aws_iam_user u cross join lateral jsonb_array_elements(u.tags_src) as tag
order by u.name, u.account_id, k;

-- name: r32_tags_key_exists_and_concat
select name, tags ? 'Name' as named, tags || jsonb_build_object('account', account_id) as merged
from aws_iam_role where tags is not null order by name, account_id limit 20;

-- name: r32_tags_delete_key
select name, tags - 'Name' as without_name, tags_src - 0 as without_first
from aws_iam_user where jsonb_array_length(tags_src) > 0 order by name, account_id;

-- name: r32_mfa_devices_serials
select u.name, m ->> 'SerialNumber' as serial, (m ->> 'EnableDate')::timestamptz as enabled
from aws_iam_user u, jsonb_array_elements(u.mfa_devices) m
order by u.name, u.account_id, serial;

-- name: r32_groups_of_users_names
select u.name, string_agg(g ->> 'GroupName', ', ' order by g ->> 'GroupName') as groups
from aws_iam_user u, jsonb_array_elements(u.groups) g
group by u.name, u.account_id order by u.name, u.account_id;

-- name: r32_attached_policy_arns_unnest_ordinality
select r.name, a.arn, a.n
from aws_iam_role r, jsonb_array_elements_text(r.attached_policy_arns) with ordinality as a(arn, n)
order by r.name, r.account_id, a.n;

-- name: r32_attached_policy_names_from_arns
select name, array_to_string(array(select split_part(x, '/', -1) from jsonb_array_elements_text(attached_policy_arns) x order by 1), ';') as policies
from aws_iam_role where jsonb_array_length(attached_policy_arns) > 0 order by name, account_id;

-- name: r32_inline_policy_names
select u.name, p ->> 'PolicyName' as policy_name, jsonb_array_length(p -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) p
order by u.name, u.account_id, policy_name;

-- name: r32_inline_policies_of_groups_actions
select g.name, a as action, count(*) as n
from aws_iam_group g, jsonb_array_elements(g.inline_policies_std) p,
  jsonb_array_elements(p -> 'PolicyDocument' -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
group by g.name, g.account_id, a order by g.name, g.account_id, a;

-- name: r32_role_age_days_and_interval
select name, age(timestamptz '2025-06-01 00:00:00+00', create_date) as age,
  date_part('day', timestamptz '2025-06-01 00:00:00+00' - create_date)::int as days
from aws_iam_role order by create_date, name, account_id limit 25;

-- name: r32_role_last_used_age_buckets
select case
    when role_last_used_date is null then 'never'
    when role_last_used_date > now() - interval '90 days' then 'recent'
    when role_last_used_date > now() - interval '1 year' then 'stale'
    else 'ancient' end as bucket, count(*) as n
from aws_iam_role group by 1 order by 1;

-- name: r32_date_trunc_month_in_zone
select date_trunc('month', create_date, 'America/New_York') as month_ny, count(*) as n
from aws_iam_user group by 1 order by 1 nulls first;

-- name: r32_date_trunc_week_and_quarter
select name, date_trunc('week', create_date) as wk, date_trunc('quarter', create_date) as q, date_trunc('hour', create_date) as h
from aws_iam_group order by name, account_id limit 15;

-- name: r32_extract_epoch_differences
select name, extract(epoch from (coalesce(password_last_used, create_date) - create_date)) as secs,
  floor(extract(epoch from create_date) / 86400) as day_number
from aws_iam_user order by name, account_id limit 25;

-- name: r32_extract_fields_of_event_time
select event_id, extract(year from event_time) as y, extract(month from event_time) as m, extract(dow from event_time) as dow,
  extract(hour from event_time) as h, extract(isodow from event_time) as isodow, extract(week from event_time) as wk
from aws_cloudtrail_trail_event order by event_time, event_id limit 25;

-- name: r32_event_time_at_time_zone
select event_id, event_time at time zone 'Asia/Tokyo' as tokyo, (event_time at time zone 'UTC')::date as utc_day
from aws_cloudtrail_trail_event order by event_time, event_id limit 20;

-- name: r32_events_per_day_gaps
select day::date as day, count(e.event_id) as events
from generate_series(date '2019-01-01', date '2019-01-07', interval '1 day') as day
  left join aws_cloudtrail_trail_event e on e.event_time >= day and e.event_time < day + interval '1 day'
group by day order by day;

-- name: r32_key_rotation_age_credential_report
select user_name, access_key_1_active, date_part('day', now() - access_key_1_last_rotated) as days_since_rotation,
  case when access_key_1_last_rotated < now() - interval '90 days' then 'alarm' else 'ok' end as status
from aws_iam_credential_report order by user_name, account_id;

-- name: r32_credential_report_password_age_text
select user_name, password_enabled, to_char(password_last_changed, 'YYYY-MM-DD HH24:MI') as changed,
  to_char(user_creation_time, 'Dy, DD Mon YYYY') as created
from aws_iam_credential_report order by user_name, account_id;

-- name: r32_to_char_patterns_on_events
select event_id, to_char(event_time, 'YYYY"-W"IW') as iso_week, to_char(event_time, 'HH12:MI AM') as clock,
  to_char(event_time, 'FMMonth FMDD, YYYY') as long_date, to_char(event_time, 'DDD') as day_of_year
from aws_cloudtrail_trail_event order by event_time, event_id limit 20;

-- name: r32_to_char_numbers
select name, to_char(max_session_duration, 'FM999,999') as secs, to_char(max_session_duration / 3600.0, 'FM990.00') as hours
from aws_iam_role where max_session_duration is not null order by name, account_id limit 20;

-- name: r32_access_key_age_interval_text
select user_name, access_key_id, (timestamptz '2025-01-01 00:00:00+00' - create_date)::text as age,
  justify_interval(timestamptz '2025-01-01 00:00:00+00' - create_date) as justified
from aws_iam_access_key order by user_name, access_key_id limit 20;

-- name: r32_access_keys_unused_for_90_days
select k.user_name, k.access_key_id, k.status,
  coalesce(k.access_key_last_used_date::text, 'never') as last_used
from aws_iam_access_key k
where k.status = 'Active' and (k.access_key_last_used_date is null or k.access_key_last_used_date < now() - interval '90 days')
order by k.user_name, k.access_key_id;

-- name: r32_split_part_negative_of_arns
select name, split_part(arn, '/', -1) as last, split_part(arn, '/', -2) as before_last, split_part(arn, ':', -3) as account_part
from aws_iam_role order by name, account_id limit 25;

-- name: r32_format_identifiers_and_literals
select name, format('%I.%I', account_id, name) as ident, format('%L', description) as lit, format('%s has %s', name, coalesce(max_session_duration, 0)) as msg
from aws_iam_role order by name, account_id limit 20;

-- name: r32_format_positional_and_width
select name, format('%1$s/%2$s/%1$s', account_id, name) as pos, format('[%10s]', left(name, 8)) as padded, format('[%-10s]', left(name, 8)) as lpadded
from aws_iam_group order by name, account_id limit 15;

-- name: r32_regexp_matches_global_on_arn
select name, m[1] as segment
from aws_iam_role, regexp_matches(arn, '([^:/]+)', 'g') m
where path <> '/' order by name, account_id, segment;

-- name: r32_regexp_match_account_and_rest
select name, (regexp_match(arn, '^arn:aws:iam::(\d{12}):role/(.*)$'))[1] as acct, (regexp_match(arn, ':role(/.*/)?[^/]+$'))[1] as role_path
from aws_iam_role order by name, account_id limit 25;

-- name: r32_regexp_replace_mask_account
select name, regexp_replace(arn, '\d{12}', '************') as masked, regexp_replace(name, '[aeiou]', '', 'g') as consonants
from aws_iam_user order by name, account_id limit 25;

-- name: r32_initcap_and_case_functions
select name, initcap(replace(name, '-', ' ')) as title_case, upper(left(name, 1)) || lower(substr(name, 2)) as cap, initcap('aws iAM role') as fixed
from aws_iam_group order by name, account_id limit 15;

-- name: r32_string_functions_mix
select name, length(name) as len, reverse(name) as rev, repeat('*', least(length(name), 5)) as stars, position('-' in name) as dash,
  translate(name, 'aeiou', 'AEIOU') as vowels
from aws_iam_user order by name, account_id limit 25;

-- name: r32_left_right_negative
select name, left(name, -2) as drop_last_two, right(name, -2) as drop_first_two, left(name, 3) as first3
from aws_iam_group order by name, account_id limit 15;

-- name: r32_starts_with_and_ends_with_like
select name, starts_with(name, 'AWS') as aws, name like '%Role' as ends_role, name ilike 'admin%' as admin
from aws_iam_role order by name, account_id limit 30;

-- name: r32_string_to_array_of_path
select name, string_to_array(trim(both '/' from path), '/') as parts, cardinality(string_to_array(trim(both '/' from path), '/')) as depth
from aws_iam_role order by name, account_id limit 25;

-- name: r32_window_rank_by_create_date
select account_id, name, create_date, rank() over (partition by account_id order by create_date) as rnk,
  dense_rank() over (partition by account_id order by date_trunc('year', create_date)) as year_rank
from aws_iam_user order by account_id, create_date, name;

-- name: r32_window_lag_lead_events
select event_id, event_name, event_time, lag(event_name) over w as prev_event, lead(event_time) over w - event_time as until_next
from aws_cloudtrail_trail_event window w as (order by event_time, event_id)
order by event_time, event_id limit 30;

-- name: r32_window_running_count_by_account
select account_id, name, count(*) over (partition by account_id order by create_date, name rows between unbounded preceding and current row) as running,
  count(*) over (partition by account_id) as total
from aws_iam_role order by account_id, create_date, name;

-- name: r32_window_first_last_value
select account_id, name, first_value(name) over (partition by account_id order by create_date, name) as oldest,
  last_value(name) over (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following) as newest
from aws_iam_group order by account_id, name;

-- name: r32_window_percent_rank_and_ntile
select name, max_session_duration, percent_rank() over (order by max_session_duration) as pr, ntile(4) over (order by max_session_duration, name, account_id) as quartile,
  cume_dist() over (order by max_session_duration) as cd
from aws_iam_role where max_session_duration is not null order by max_session_duration, name, account_id;

-- name: r32_window_row_number_latest_event_per_user
select username, event_name, event_time from (
  select username, event_name, event_time, row_number() over (partition by username order by event_time desc, event_id) as rn
  from aws_cloudtrail_trail_event where username is not null) t
where rn = 1 order by username;

-- name: r32_window_sum_filter_in_frame
select event_id, event_time, count(*) filter (where error_code is not null) over (order by event_time, event_id rows 4 preceding) as errors_in_last5
from aws_cloudtrail_trail_event order by event_time, event_id limit 30;

-- name: r32_grouping_sets_events
select event_source, read_only, count(*) as n, grouping(event_source, read_only) as g
from aws_cloudtrail_trail_event where event_source like 'iam%' or event_source like 'sts%'
group by grouping sets ((event_source, read_only), (event_source), ())
order by event_source nulls last, read_only nulls last;

-- name: r32_rollup_users_by_account_and_mfa
select account_id, mfa_enabled, count(*) as users
from aws_iam_user group by rollup (account_id, mfa_enabled)
order by account_id nulls last, mfa_enabled nulls last;

-- name: r32_cube_roles_by_path_and_boundary
select account_id, path = '/' as root_path, permissions_boundary_arn is not null as bounded, count(*) as n
from aws_iam_role group by cube (account_id, path = '/', permissions_boundary_arn is not null)
order by 1 nulls last, 2 nulls last, 3 nulls last;

-- name: r32_cube_events_grouping_id
select user_type, read_only, count(*) as n, grouping(user_type) as gu, grouping(read_only) as gr
from aws_cloudtrail_trail_event group by cube (user_type, read_only)
order by gu, gr, user_type nulls last, read_only nulls last;

-- name: r32_distinct_on_newest_key_per_user
select distinct on (user_name) user_name, access_key_id, create_date
from aws_iam_access_key order by user_name, create_date desc, access_key_id;

-- name: r32_distinct_on_first_event_per_source
select distinct on (event_source) event_source, event_name, event_time
from aws_cloudtrail_trail_event order by event_source, event_time, event_id;

-- name: r32_recursive_ou_tree
with recursive tree as (
  select id, name, parent_id, 1 as depth, name::text as trail from aws_organizations_organizational_unit where parent_id like 'r-%'
  union all
  select ou.id, ou.name, ou.parent_id, t.depth + 1, t.trail || ' > ' || ou.name
  from aws_organizations_organizational_unit ou join tree t on ou.parent_id = t.id
)
select id, name, depth, trail from tree order by trail;

-- name: r32_recursive_accounts_under_ous
with recursive ous as (
  select id, name from aws_organizations_organizational_unit where parent_id like 'r-%'
  union
  select c.id, c.name from aws_organizations_organizational_unit c join ous p on c.parent_id = p.id
)
select o.name as ou, count(a.id) as accounts from ous o left join aws_organizations_account a on a.parent_id = o.id
group by o.name order by o.name;

-- name: r32_recursive_series_of_dates
with recursive d(day) as (select date '2020-02-27' union all select day + 1 from d where day < date '2020-03-02')
select day, to_char(day, 'Dy') as dow, extract(doy from day) as doy from d order by day;

-- name: r32_lateral_top_two_keys
select u.name, k.access_key_id, k.create_date
from aws_iam_user u
  cross join lateral (select access_key_id, create_date from aws_iam_access_key a
    where a.user_name = u.name and a.account_id = u.account_id order by create_date desc, access_key_id limit 2) k
order by u.name, u.account_id, k.create_date desc, k.access_key_id;

-- name: r32_left_join_lateral_counts
select g.name, m.members
from aws_iam_group g left join lateral (select count(*) as members from jsonb_array_elements(g.users) x) m on true
order by g.name, g.account_id;

-- name: r32_count_filter_status
select account_id, count(*) filter (where status = 'Active') as active, count(*) filter (where status = 'Inactive') as inactive,
  count(distinct user_name) filter (where status = 'Active') as users_with_active
from aws_iam_access_key group by account_id order by account_id;

-- name: r32_bool_and_or_aggregates
select account_id, bool_and(mfa_enabled) as all_mfa, bool_or(mfa_enabled) as any_mfa, every(path = '/') as all_root
from aws_iam_user group by account_id order by account_id;

-- name: r32_array_agg_ordered_distinct
select account_id, array_agg(distinct path order by path) as paths, (array_agg(name order by create_date, name))[1] as oldest
from aws_iam_role group by account_id order by account_id;

-- name: r32_array_agg_nulls_and_to_string
select account_id, array_to_string(array_agg(permissions_boundary_arn order by name), ',', '-') as with_dash,
  array_to_string(array_agg(permissions_boundary_arn order by name), ',') as skipped,
  array_to_string(array_agg(name order by name), null) as no_separator
from aws_iam_user group by account_id order by account_id;

-- name: r32_unnest_with_ordinality_of_array
select name, u.part, u.i
from aws_iam_role, unnest(string_to_array(arn, ':')) with ordinality as u(part, i)
where name like 'a%' order by name, account_id, u.i;

-- name: r32_array_position_and_remove
select name, array_position(string_to_array(arn, ':'), 'iam') as iam_at, array_remove(string_to_array(path, '/'), '') as parts,
  array_length(string_to_array(arn, ':'), 1) as n
from aws_iam_role order by name, account_id limit 20;

-- name: r32_array_cat_append_prepend
select name, array_append(array[account_id], name) as ap, array_prepend('x', array[name]) as pre, array[name] || array[path] as cat
from aws_iam_group order by name, account_id limit 10;

-- name: r32_array_contains_overlap
select name, string_to_array(path, '/') @> array['service-role'] as svc, string_to_array(path, '/') && array['aws-service-role', 'service-role'] as any_svc
from aws_iam_role order by name, account_id limit 30;

-- name: r32_any_all_of_arrays
select name, name = any(array['admin', 'Admin', 'root']) as special, length(name) > all(array[3, 5]) as long_name
from aws_iam_user order by name, account_id limit 30;

-- name: r32_cast_text_numeric_boolean
select name, max_session_duration::text as t, (max_session_duration::text || '0')::bigint as tenfold, ('1' || '.5')::numeric * 2 as three,
  'true'::boolean and mfa_present as b
from (select name, max_session_duration, false as mfa_present from aws_iam_role) r order by name limit 20;

-- name: r32_cast_text_timestamp
select event_id, (event_time::text)::timestamptz = event_time as round_trip, event_time::date::text as d, '2019-01-01 10:00:00+02'::timestamptz as fixed
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: r32_cast_boolean_text
select name, mfa_enabled::text as t, mfa_enabled::int as i, (not mfa_enabled)::text as n, 'yes'::boolean as y, 'off'::boolean as o
from aws_iam_user order by name, account_id limit 20;

-- name: r32_numeric_division_rounding
select account_id, round(100.0 * count(*) filter (where mfa_enabled) / count(*), 2) as pct_mfa, round(avg(length(name)), 3) as avg_len
from aws_iam_user group by account_id order by account_id;

-- name: r32_integer_division_and_modulo
select name, max_session_duration / 3600 as hours, max_session_duration % 3600 as rest, (max_session_duration / 3600)::numeric(5, 1) as h1
from aws_iam_role where max_session_duration is not null order by name, account_id limit 20;

-- name: r32_events_source_ip_classes
select source_ip_address, count(*) as n, min(event_time) as first, max(event_time) as last
from aws_cloudtrail_trail_event where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$'
group by source_ip_address order by n desc, source_ip_address limit 20;

-- name: r32_events_error_codes
select error_code, event_source, count(*) as n
from aws_cloudtrail_trail_event where error_code is not null
group by error_code, event_source order by n desc, error_code, event_source limit 25;

-- name: r32_events_console_logins
select event_time, username, response_elements ->> 'ConsoleLogin' as outcome, additional_event_data ->> 'MFAUsed' as mfa
from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' order by event_time, event_id;

-- name: r32_events_user_identity_fields
select event_id, user_identity ->> 'type' as t, user_identity ->> 'arn' as arn,
  user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer, user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa
from aws_cloudtrail_trail_event order by event_time, event_id limit 30;

-- name: r32_events_assumed_role_sessions
select split_part(user_identity ->> 'arn', '/', 2) as role_name, split_part(user_identity ->> 'arn', '/', -1) as session, count(*) as n
from aws_cloudtrail_trail_event where user_identity ->> 'type' = 'AssumedRole'
group by 1, 2 order by n desc, 1, 2 limit 25;

-- name: r32_events_iam_changes_per_hour
select date_trunc('hour', event_time) as hour, count(*) filter (where not read_only) as writes, count(*) filter (where read_only) as reads
from aws_cloudtrail_trail_event where event_source = 'iam.amazonaws.com'
group by 1 order by 1 limit 30;

-- name: r32_events_request_parameter_keys
select event_name, k, count(*) as n
from aws_cloudtrail_trail_event, jsonb_object_keys(request_parameters) k
where jsonb_typeof(request_parameters) = 'object'
group by event_name, k order by n desc, event_name, k limit 30;

-- name: r32_events_resources_arns
select e.event_id, r ->> 'ARN' as arn, r ->> 'type' as type
from aws_cloudtrail_trail_event e, jsonb_array_elements(e.resources) r
order by e.event_time, e.event_id, arn limit 30;

-- name: r32_events_tls_version
select tls_details ->> 'tlsVersion' as tls, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by n desc, 1 nulls first;

-- name: r32_events_user_agent_families
select case when user_agent like 'aws-cli%' then 'cli' when user_agent like 'Boto3%' then 'boto3'
  when user_agent like '%console%' then 'console' when user_agent is null then 'none' else 'other' end as family, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by n desc, 1;

-- name: r32_events_regions_ranked
select aws_region, count(*) as n, rank() over (order by count(*) desc) as r
from aws_cloudtrail_trail_event group by aws_region order by n desc, aws_region;

-- name: r32_events_recipient_vs_identity_account
select recipient_account_id, user_identity ->> 'accountId' as identity_account,
  (user_identity ->> 'accountId') is distinct from recipient_account_id as cross_account, count(*) as n
from aws_cloudtrail_trail_event group by 1, 2, 3 order by n desc, 1, 2 nulls first;

-- name: r32_events_create_access_key_names
select event_time, request_parameters ->> 'userName' as target_user, response_elements #>> '{accessKey,accessKeyId}' as key_id,
  response_elements #>> '{accessKey,status}' as status
from aws_cloudtrail_trail_event where event_name = 'CreateAccessKey' order by event_time, event_id;

-- name: r32_events_attach_policy_targets
select event_name, coalesce(request_parameters ->> 'roleName', request_parameters ->> 'userName', request_parameters ->> 'groupName') as target,
  split_part(request_parameters ->> 'policyArn', '/', -1) as policy
from aws_cloudtrail_trail_event where event_name like 'Attach%Policy' order by event_time, event_id;

-- name: r32_events_gap_between_same_user
select username, event_time, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap
from aws_cloudtrail_trail_event where username is not null order by username, event_time, event_id limit 40;

-- name: r32_events_first_seen_source_per_user
select username, event_source, min(event_time) as first_seen
from aws_cloudtrail_trail_event where username is not null group by 1, 2 order by 1, 3, 2 limit 40;

-- name: r32_events_distinct_count_per_day
select event_time::date as day, count(distinct event_name) as names, count(distinct source_ip_address) as ips
from aws_cloudtrail_trail_event group by 1 order by 1 limit 30;

-- name: r32_trail_settings_flags
select name, home_region, case when is_multi_region_trail and log_file_validation_enabled then 'ok' else 'alarm' end as status,
  concat_ws(', ', case when not is_multi_region_trail then 'single region' end, case when not log_file_validation_enabled then 'no validation' end,
  case when kms_key_id is null then 'no kms' end) as reason
from aws_cloudtrail_trail order by name, account_id;

-- name: r32_trail_event_selectors_types
select t.name, s ->> 'ReadWriteType' as rw, (s ->> 'IncludeManagementEvents')::bool as mgmt, jsonb_array_length(coalesce(s -> 'DataResources', '[]')) as data_resources
from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) s
order by t.name, t.account_id, rw;

-- name: r32_trail_advanced_selector_fields
select t.name, sel ->> 'Name' as selector, f ->> 'Field' as field, f -> 'Equals' as equals
from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) sel, jsonb_array_elements(sel -> 'FieldSelectors') f
order by t.name, t.account_id, selector, field;

-- name: r32_trail_bucket_and_prefix
select name, s3_bucket_name || coalesce('/' || nullif(s3_key_prefix, ''), '') as destination, coalesce(sns_topic_arn, '') = '' as no_sns
from aws_cloudtrail_trail order by name, account_id;

-- name: r32_org_accounts_joined_years
select name, joined_method, extract(year from joined_timestamp) as joined_year, status,
  age(timestamptz '2025-01-01 00:00:00+00', joined_timestamp) as membership
from aws_organizations_account order by joined_timestamp, id;

-- name: r32_org_accounts_email_domains
select split_part(email, '@', 2) as domain, count(*) as n, string_agg(name, ', ' order by name) as accounts
from aws_organizations_account group by 1 order by 1;

-- name: r32_org_policies_content_statements
select p.name, p.type, s ->> 'Effect' as effect, s -> 'Action' as action
from aws_organizations_policy p, jsonb_array_elements(case jsonb_typeof(p.content -> 'Statement') when 'array' then p.content -> 'Statement' else jsonb_build_array(p.content -> 'Statement') end) s
order by p.name, p.id, effect;

-- name: r32_org_scp_deny_actions
select p.name, a as denied
from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s,
  jsonb_array_elements_text(case jsonb_typeof(s -> 'Action') when 'array' then s -> 'Action' else jsonb_build_array(s -> 'Action') end) a
where p.type = 'SERVICE_CONTROL_POLICY' and s ->> 'Effect' = 'Deny'
order by p.name, a;

-- name: r32_org_root_policy_types
select r.id, pt ->> 'Type' as type, pt ->> 'Status' as status
from aws_organizations_root r, jsonb_array_elements(r.policy_types) pt order by r.id, type;

-- name: r32_org_ou_path_levels
select name, path::text as p, array_length(string_to_array(path::text, '.'), 1) as levels, split_part(path::text, '.', -1) as leaf
from aws_organizations_organizational_unit order by path::text;

-- name: r32_org_accounts_per_parent
select coalesce(ou.name, a.parent_id) as parent, count(*) as accounts, count(*) filter (where a.status = 'ACTIVE') as active
from aws_organizations_account a left join aws_organizations_organizational_unit ou on ou.id = a.parent_id
group by 1 order by 1;

-- name: r32_password_policy_checks_concat
select account_id, minimum_password_length, concat_ws(' ', case when minimum_password_length < 14 then 'short' end,
  case when not require_symbols then 'nosym' end, case when password_reuse_prevention is null then 'noreuse' end) as issues,
  coalesce(max_password_age, 0) > 0 as expires
from aws_iam_account_password_policy order by account_id;

-- name: r32_user_without_console_or_keys
select u.name, u.account_id, u.login_profile is null as no_console,
  not exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id) as no_keys
from aws_iam_user u order by u.name, u.account_id;

-- name: r32_users_in_groups_with_admin
select distinct u.name, u.account_id
from aws_iam_user u, jsonb_array_elements(u.groups) g
  join aws_iam_group grp on grp.name = g ->> 'GroupName'
where grp.account_id = u.account_id and grp.attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess'
order by u.name, u.account_id;

-- name: r32_roles_attached_admin_contains
select name, account_id, attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]' as admin,
  attached_policy_arns ?| array['arn:aws:iam::aws:policy/PowerUserAccess', 'arn:aws:iam::aws:policy/IAMFullAccess'] as powerful
from aws_iam_role order by name, account_id limit 40;

-- name: r32_policy_attachment_counts_rollup
select is_aws_managed, is_attached, count(*) as n, sum(attachment_count) as attachments
from aws_iam_policy group by rollup (is_aws_managed, is_attached) order by 1 nulls last, 2 nulls last;

-- name: r32_policy_versions_default
select p.name, v ->> 'VersionId' as version, (v ->> 'IsDefaultVersion')::boolean as is_default, (v ->> 'CreateDate')::timestamptz as created
from aws_iam_policy p, jsonb_array_elements(p.policy_versions) v
where not p.is_aws_managed order by p.name, p.account_id, version;

-- name: r32_policy_update_lag
select name, update_date - create_date as lag, extract(epoch from update_date - create_date) / 86400 as lag_days
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_policy_statement_count_histogram
select jsonb_array_length(policy_std -> 'Statement') as statements, count(*) as policies
from aws_iam_policy group by 1 order by 1;

-- name: r32_policy_statements_with_not_action
select p.name, s ->> 'Effect' as effect, s -> 'NotAction' as not_action
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
where s ? 'NotAction' order by p.name, p.account_id, effect;

-- name: r32_policy_conditions_operators
select c.key as operator, count(*) as n
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c
group by c.key order by n desc, c.key;

-- name: r32_policy_condition_keys_values
select p.name, c.key as op, k.key as cond_key, k.value as vals
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c, jsonb_each(c.value) k
where not p.is_aws_managed order by p.name, p.account_id, op, cond_key;

-- name: r32_policy_resource_wildcards
select p.name, count(*) filter (where r = '*') as star, count(*) filter (where r like '%*%' and r <> '*') as partial, count(*) as resources
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Resource') r
group by p.name, p.account_id order by star desc, p.name, p.account_id limit 30;

-- name: r32_policy_services_from_actions
select split_part(a, ':', 1) as service, count(distinct p.arn) as policies
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
group by 1 order by policies desc, service limit 30;

-- name: r32_policy_actions_regex_privesc
select distinct p.name, a
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow' and a ~ '^iam:(pass|create|put|attach|update)' order by p.name, a limit 40;

-- name: r32_policy_text_search_ilike
select name, policy::text ilike '%s3:%' as mentions_s3, length(policy::text) > 1000 as long_doc
from aws_iam_policy order by name, account_id limit 40;

-- name: r32_policy_jsonb_pretty_lengths
select name, length(jsonb_pretty(policy_std)) as pretty_len, length(policy_std::text) as compact_len
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_policy_std_arrays_typeof
select jsonb_typeof(s -> 'Action') as action_kind, jsonb_typeof(s -> 'Resource') as resource_kind, count(*) as n
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s group by 1, 2 order by 1 nulls first, 2 nulls first;

-- name: r32_role_description_null_handling
select name, coalesce(nullif(description, ''), '(none)') as descr, description is null as missing, length(description) as len
from aws_iam_role order by name, account_id limit 30;

-- name: r32_role_instance_profiles_count
select name, jsonb_array_length(instance_profile_arns) as profiles, instance_profile_arns ->> 0 as first_profile
from aws_iam_role where jsonb_array_length(instance_profile_arns) > 0 order by name, account_id;

-- name: r32_role_service_linked_paths
select path, count(*) as n, min(name) as first_role, max(create_date) as newest
from aws_iam_role group by path order by n desc, path;

-- name: r32_role_last_used_region_counts
select coalesce(role_last_used_region, 'unused') as region, count(*) as roles, max(role_last_used_date) as latest
from aws_iam_role group by 1 order by roles desc, region;

-- name: r32_role_session_duration_hours_text
select name, (max_session_duration / 3600.0)::text as hours_text, max_session_duration::numeric / 60 as minutes,
  make_interval(secs => max_session_duration) as dur
from aws_iam_role where max_session_duration is not null order by name, account_id limit 20;

-- name: r32_user_password_last_used_window
select name, password_last_used, case when password_last_used is null then null else now() - password_last_used > interval '45 days' end as stale
from aws_iam_user order by name, account_id;

-- name: r32_user_create_date_between
select name, create_date from aws_iam_user
where create_date between timestamptz '2010-01-01 00:00:00+00' and timestamptz '2018-12-31 23:59:59+00'
order by create_date, name, account_id;

-- name: r32_user_ages_in_years_months
select name, extract(year from age(timestamptz '2025-01-01 00:00:00+00', create_date)) as years,
  extract(month from age(timestamptz '2025-01-01 00:00:00+00', create_date)) as months
from aws_iam_user order by name, account_id limit 30;

-- name: r32_users_boundary_type_counts
select coalesce(permissions_boundary_type, 'none') as boundary, count(*) as users, array_agg(name order by name) as names
from aws_iam_user group by 1 order by 1;

-- name: r32_users_login_profile_fields
select name, login_profile ->> 'CreateDate' as created, (login_profile ->> 'PasswordResetRequired')::boolean as reset_required
from aws_iam_user where login_profile is not null order by name, account_id;

-- name: r32_credential_report_never_used_keys
select user_name, account_id, access_key_1_active, access_key_1_last_used_date is null as key1_never_used,
  greatest(access_key_1_last_used_date, access_key_2_last_used_date, password_last_used) as last_activity
from aws_iam_credential_report order by user_name, account_id;

-- name: r32_credential_report_root_row
select user_name, mfa_active, password_enabled, password_status, user_arn like '%:root' as is_root
from aws_iam_credential_report where user_name = '<root_account>' order by account_id;

-- name: r32_credential_report_generated_hour
select account_id, date_trunc('hour', generated_time) as generated, count(*) as users
from aws_iam_credential_report group by 1, 2 order by 1, 2;

-- name: r32_credential_report_least_greatest_times
select user_name, least(access_key_1_last_rotated, access_key_2_last_rotated) as oldest_rotation,
  greatest(access_key_1_last_rotated, access_key_2_last_rotated) as newest_rotation
from aws_iam_credential_report order by user_name, account_id;

-- name: r32_group_users_count_and_names
select name, jsonb_array_length(users) as members, (select string_agg(u ->> 'UserName', ',' order by u ->> 'UserName') from jsonb_array_elements(users) u) as member_names
from aws_iam_group order by name, account_id;

-- name: r32_group_empty_groups
select name, account_id, case when jsonb_array_length(coalesce(users, '[]')) = 0 then 'alarm' else 'ok' end as status
from aws_iam_group order by name, account_id;

-- name: r32_exists_in_subquery_users_with_keys
select name, account_id from aws_iam_user u
where name in (select user_name from aws_iam_access_key where status = 'Active' and account_id = u.account_id)
order by name, account_id;

-- name: r32_not_in_with_nulls_guarded
select name from aws_iam_role where account_id not in (select account_id from aws_iam_account_password_policy where account_id is not null)
order by name, account_id limit 20;

-- name: r32_scalar_subquery_counts
select a.account_id, (select count(*) from aws_iam_user u where u.account_id = a.account_id) as users,
  (select count(*) from aws_iam_role r where r.account_id = a.account_id) as roles
from aws_account a order by a.account_id;

-- name: r32_union_all_principals
select 'user' as kind, name, arn, create_date from aws_iam_user
union all select 'role', name, arn, create_date from aws_iam_role
union all select 'group', name, arn, create_date from aws_iam_group
order by create_date, kind, name, arn limit 40;

-- name: r32_intersect_except_names
select name from aws_iam_user intersect select user_name from aws_iam_access_key
except select user_name from aws_iam_credential_report where mfa_active order by 1;

-- name: r32_cte_chain_policy_actions
with stmts as (
  select p.arn, s from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s where not p.is_aws_managed
), acts as (
  select arn, s ->> 'Effect' as effect, jsonb_array_elements_text(s -> 'Action') as action from stmts
)
select effect, count(distinct arn) as policies, count(*) as actions from acts group by effect order by effect;

-- name: r32_values_join_expected_policies
select v.wanted, exists (select 1 from aws_iam_policy p where p.name = v.wanted) as present
from (values ('AdministratorAccess'), ('ReadOnlyAccess'), ('SecurityAudit'), ('NoSuchPolicy')) v(wanted) order by v.wanted;

-- name: r32_generate_series_ordinality
select n, i, to_char(date '2024-01-01' + (n * interval '1 month'), 'Mon') as month
from generate_series(0, 11, 3) with ordinality as g(n, i) order by i;

-- name: r32_case_in_order_by
select name, path from aws_iam_role order by case when path = '/' then 0 when path like '/aws-service-role/%' then 2 else 1 end, name, account_id limit 30;

-- name: r32_nullif_coalesce_chain
select user_name, coalesce(access_key_1_last_used_service, access_key_2_last_used_service, 'N/A') as service,
  nullif(access_key_1_last_used_region, 'N/A') as region
from aws_iam_credential_report order by user_name, account_id;

-- name: r32_is_distinct_from_booleans
select name, mfa_enabled is distinct from true as not_mfa, mfa_enabled is not distinct from null as unknown_mfa, mfa_enabled is true as yes
from aws_iam_user order by name, account_id limit 30;

-- name: r32_md5_and_encode
select name, md5(arn) as h, encode(convert_to(name, 'UTF8'), 'base64') as b64, left(md5(name || account_id), 8) as short
from aws_iam_group order by name, account_id limit 10;

-- name: r32_json_build_array_and_object_nesting
select name, jsonb_build_array(name, jsonb_build_object('path', path, 'len', length(path)), null) as arr,
  jsonb_build_object('tags', coalesce(tags, '{}'::jsonb)) -> 'tags' as t
from aws_iam_role order by name, account_id limit 15;

-- name: r32_to_jsonb_of_row_values
select name, to_jsonb(create_date) as created, to_jsonb(max_session_duration) as secs, to_jsonb(name) ->> 0 as again, to_jsonb(array[name, path]) as arr
from aws_iam_role order by name, account_id limit 15;

-- name: r32_jsonb_array_elements_of_built_array
select name, e, jsonb_typeof(e) as kind
from aws_iam_user, jsonb_array_elements(jsonb_build_array(name, mfa_enabled, 1.5, null)) e
where name like 'a%' order by name, account_id, kind, e::text;

-- name: r32_jsonb_concat_arrays_and_contained
select name, attached_policy_arns || '["extra"]'::jsonb as more, '["extra"]'::jsonb <@ (attached_policy_arns || '["extra"]'::jsonb) as inside
from aws_iam_group order by name, account_id limit 10;

-- name: r32_jsonb_path_ops_insert_and_delete
select name, tags #- '{Name}' as dropped, jsonb_insert('{"a": [1, 2]}'::jsonb, '{a, 1}', to_jsonb(name)) as inserted
from aws_iam_role order by name, account_id limit 10;

-- name: r32_jsonb_numbers_text
select name, jsonb_build_object('d', round(max_session_duration / 7.0, 4))::text as d, jsonb_build_object('n', 1.50) as n,
  to_jsonb(max_session_duration / 7.0) as q
from aws_iam_role where max_session_duration is not null order by name, account_id limit 10;

-- name: r32_jsonb_equality_and_ordering
select name, tags = '{}'::jsonb as empty, tags_src = '[]'::jsonb as no_src, jsonb_array_length(tags_src) as n
from aws_iam_user order by name, account_id limit 30;

-- name: r32_jsonb_each_of_tags_filtered
select r.name, t.key, t.value
from aws_iam_role r, jsonb_each(r.tags) t where jsonb_typeof(t.value) = 'string' and t.value::text like '%a%'
order by r.name, r.account_id, t.key;

-- name: r32_having_and_order_by_aggregate
select account_id, path, count(*) as n from aws_iam_role group by account_id, path having count(*) > 1 order by count(*) desc, account_id, path;

-- name: r32_percentile_of_durations
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median,
  percentile_disc(0.9) within group (order by max_session_duration) as p90, mode() within group (order by max_session_duration) as common
from aws_iam_role group by account_id order by account_id;

-- name: r32_stddev_and_variance_lengths
select account_id, round(stddev_samp(length(name)), 4) as sd, round(var_pop(length(name)), 4) as vp, min(length(name)) as shortest
from aws_iam_role group by account_id order by account_id;

-- name: r32_string_agg_distinct_sources
select username, string_agg(distinct split_part(event_source, '.', 1), ',' order by split_part(event_source, '.', 1)) as services
from aws_cloudtrail_trail_event where username is not null group by username order by username limit 30;

-- name: r32_like_any_and_not_like_all
select name from aws_iam_role where name like any (array['AWS%', '%Admin%', '%lambda%']) and name not like all (array['%Test%', '%test%'])
order by name, account_id;

-- name: r32_similar_to_and_regex_flags
select name, name similar to '[A-Z]%' as starts_upper, name ~* '^admin' as admin, name !~ '[0-9]' as no_digits
from aws_iam_user order by name, account_id limit 30;

-- name: r32_substring_regex_and_overlay
select name, substring(arn from ':(\d+):') as acct, overlay(name placing '***' from 2 for 3) as masked
from aws_iam_user order by name, account_id limit 20;

-- name: r32_ascii_chr_and_lpad_numbers
select name, ascii(name) as first_code, chr(ascii(name) + 1) as next_char, lpad(length(name)::text, 4, '0') as len4
from aws_iam_group order by name, account_id limit 15;

-- name: r32_timestamps_comparison_with_text
select name, create_date > '2016-01-01' as after_2016, create_date::date = '2016-02-09'::date as that_day, create_date < '2020-01-01T00:00:00Z'::timestamptz as before_2020
from aws_iam_role order by name, account_id limit 30;

-- name: r32_interval_arithmetic_mixed
select name, create_date + interval '1 month' - interval '1 day' as month_end_ish, create_date + 3 * interval '1 hour' as later,
  (create_date + interval '1 year')::date as anniversary
from aws_iam_group order by name, account_id limit 15;

-- name: r32_interval_comparisons_and_extract
select name, extract(day from (timestamptz '2025-01-01 00:00:00+00' - create_date)) as days_part,
  (timestamptz '2025-01-01 00:00:00+00' - create_date) > interval '3 years' as older_than_3y
from aws_iam_user order by name, account_id limit 25;

-- name: r32_date_part_epoch_and_millis
select event_id, date_part('epoch', event_time)::bigint as epoch, timestamp_ms, date_part('milliseconds', event_time) as ms
from aws_cloudtrail_trail_event order by event_time, event_id limit 15;

-- name: r32_to_timestamp_from_epoch
select event_id, to_timestamp(extract(epoch from event_time)) = event_time as same, to_timestamp(0) as epoch0
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: r32_make_timestamptz_and_date
select make_date(2024, 2, 29) as leap, make_timestamptz(2024, 1, 1, 12, 30, 0, 'UTC') as ts, make_interval(days => 10, hours => 2) as iv;

-- name: r32_date_arithmetic_integers
select name, create_date::date + 30 as plus30, current_date - create_date::date > 365 as over_a_year, (date '2025-01-01' - create_date::date) as days
from aws_iam_group order by name, account_id limit 15;

-- name: r32_overlaps_of_periods
select name, (create_date, interval '1 year') overlaps (timestamptz '2017-01-01 00:00:00+00', timestamptz '2018-01-01 00:00:00+00') as overlaps_2017
from aws_iam_role order by name, account_id limit 25;

-- name: r32_isfinite_and_infinity
select name, coalesce(role_last_used_date, '-infinity'::timestamptz) < now() as before_now, isfinite(create_date) as finite
from aws_iam_role order by name, account_id limit 15;

-- name: r32_event_name_prefix_counts
select substring(event_name from '^[A-Z][a-z]+') as verb, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by n desc, verb nulls last limit 20;

-- name: r32_events_errors_ratio_per_source
select event_source, count(*) as total, round(100.0 * count(*) filter (where error_code is not null) / count(*), 1) as error_pct
from aws_cloudtrail_trail_event group by event_source having count(*) >= 5 order by error_pct desc, event_source;

-- name: r32_events_read_only_text_flag
select read_only::text as ro, event_type, count(*) as n from aws_cloudtrail_trail_event group by 1, 2 order by 1 nulls first, 2 nulls first;

-- name: r32_events_access_key_prefixes
select left(access_key_id, 4) as prefix, count(*) as n, count(distinct access_key_id) as keys
from aws_cloudtrail_trail_event where access_key_id is not null group by 1 order by 1;

-- name: r32_events_additional_data_keys
select k as key, count(*) as n from aws_cloudtrail_trail_event, jsonb_object_keys(additional_event_data) k
where jsonb_typeof(additional_event_data) = 'object' group by k order by n desc, k limit 20;

-- name: r32_events_with_mfa_context
select user_identity ->> 'type' as t, user_identity #>> '{sessionContext,attributes,mfaAuthenticated}' as mfa, count(*) as n
from aws_cloudtrail_trail_event group by 1, 2 order by n desc, 1 nulls first, 2 nulls first;

-- name: r32_events_json_path_exists_filter
select event_name, count(*) as n from aws_cloudtrail_trail_event
where jsonb_path_exists(user_identity, '$.sessionContext.sessionIssuer ? (@.type == "Role")')
group by event_name order by n desc, event_name limit 20;

-- name: r32_events_hourly_histogram_of_day
select extract(hour from event_time)::int as hour, count(*) as n, repeat('#', (count(*) / 20)::int) as bar
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: r32_events_first_and_last_per_account
select recipient_account_id, min(event_time) as first_event, max(event_time) as last_event, max(event_time) - min(event_time) as span
from aws_cloudtrail_trail_event group by 1 order by 1 nulls first;

-- name: r32_events_name_in_list
select event_name, count(*) as n from aws_cloudtrail_trail_event
where event_name in ('DeleteTrail', 'StopLogging', 'UpdateTrail', 'PutEventSelectors', 'DeleteUser', 'CreateUser', 'CreateLoginProfile')
group by event_name order by event_name;

-- name: r32_events_ntile_by_time
select event_id, event_time, ntile(5) over (order by event_time, event_id) as bucket
from aws_cloudtrail_trail_event where event_source = 'iam.amazonaws.com' order by event_time, event_id limit 30;

-- name: r32_accounts_summary_joins
select a.account_id, count(distinct u.name) as users, count(distinct g.name) as groups
from aws_account a left join aws_iam_user u on u.account_id = a.account_id left join aws_iam_group g on g.account_id = a.account_id
group by a.account_id order by a.account_id;

-- name: r32_full_outer_join_users_report
select coalesce(u.name, r.user_name) as name, u.name is null as only_report, r.user_name is null as only_listing
from (select name, account_id from aws_iam_user where account_id = '123456789012') u
  full outer join (select user_name, account_id from aws_iam_credential_report where account_id = '123456789012' and user_name <> '<root_account>') r
  on r.user_name = u.name order by 1;

-- name: r32_self_join_same_name_roles_across_accounts
select a.name, a.account_id as first_account, b.account_id as second_account
from aws_iam_role a join aws_iam_role b on a.name = b.name and a.account_id < b.account_id order by a.name, 2, 3;

-- name: r32_natural_join_with_using
select name, account_id, u.path, g.path as group_path
from aws_iam_user u join aws_iam_group g using (name, account_id) order by name, account_id;

-- name: r32_limit_offset_pagination
select name, account_id from aws_iam_role order by name, account_id limit 10 offset 5;

-- name: r32_fetch_first_with_ties
select name, max_session_duration from aws_iam_role where max_session_duration is not null order by max_session_duration desc fetch first 3 rows with ties;

-- name: r32_boolean_aggregates_on_events
select event_source, bool_or(error_code is not null) as any_error, bool_and(read_only) as all_read, count(*) as n
from aws_cloudtrail_trail_event group by event_source order by n desc, event_source limit 20;

-- name: r32_greatest_least_of_texts
select name, greatest(name, path, 'm') as g, least(name, path) as l from aws_iam_group order by name, account_id limit 15;

-- name: r32_numeric_literals_text
select 1.50::text as a, (2.5 * 2)::text as b, 10.0 / 4 as c, 7 / 2 as d, (-7) % 3 as e, 2 ^ 10 as f, abs(-3.25) as g;

-- name: r32_round_trunc_ceil_floor_numerics
select name, round(max_session_duration / 3600.0, 1) as r, trunc(max_session_duration / 7.0, 2) as t, ceil(max_session_duration / 7000.0) as c, floor(max_session_duration / 7000.0) as f
from aws_iam_role where max_session_duration is not null order by name, account_id limit 15;

-- name: r32_format_ident_quoting_needed
select name, format('%I', name) as ident, format('%I', 'Select') as kw, format('%I', path) as p, quote_ident(name) as q
from aws_iam_role order by name, account_id limit 25;

-- name: r32_format_literal_nulls_and_quotes
select name, format('%L', permissions_boundary_arn) as b, format('%L', name || '''s') as quoted, quote_literal(name) as ql, quote_nullable(permissions_boundary_arn) as qn
from aws_iam_user order by name, account_id limit 20;

-- name: r32_format_star_width_and_percent
select name, format('%12s|', left(name, 10)) as w, format('100%% %s', name) as pct, format('%3$s %1$s', name, path, account_id) as reordered
from aws_iam_group order by name, account_id limit 10;

-- name: r32_initcap_punctuation_digits
select name, initcap(name) as ic, initcap(arn) as ia, initcap('hello_world-foo bar9baz') as lit
from aws_iam_role order by name, account_id limit 20;

-- name: r32_split_part_negative_past_range
select name, split_part(path, '/', -5) as far, split_part(arn, ':', -6) as first, split_part('', '/', -1) as empty, split_part(name, '', -1) as no_delim
from aws_iam_role order by name, account_id limit 15;

-- name: r32_regexp_matches_groups_global
select name, m from aws_iam_role, regexp_matches(arn, '(\w+)[:/](\w+)', 'g') as m
where path = '/' order by name, account_id, m limit 40;

-- name: r32_regexp_matches_ordinality
select r.name, m.match[1] as part, m.n from aws_iam_role r, regexp_matches(r.name, '[A-Z][a-z]+', 'g') with ordinality as m(match, n)
order by r.name, r.account_id, m.n limit 40;

-- name: r32_regexp_split_to_array_and_table
select name, regexp_split_to_array(name, '[-_]') as parts, (select count(*) from regexp_split_to_table(arn, '[:/]') x) as pieces
from aws_iam_role order by name, account_id limit 20;

-- name: r32_regexp_count_and_instr
select name, regexp_count(arn, '/') as slashes, regexp_instr(arn, ':role') as at, regexp_substr(arn, '[0-9]{12}') as acct
from aws_iam_role order by name, account_id limit 20;

-- name: r32_to_char_month_names_and_fm
select name, to_char(create_date, 'FMDay, FMDD FMMonth YYYY') as long, to_char(create_date, 'MON DY') as upper, to_char(create_date, 'mon dy') as lower, to_char(create_date, 'Q') as q
from aws_iam_role order by name, account_id limit 20;

-- name: r32_to_char_ordinal_and_week
select name, to_char(create_date, 'DDth') as th, to_char(create_date, 'FMDDth') as fmth, to_char(create_date, 'WW') as ww, to_char(create_date, 'IYYY-IW-ID') as iso
from aws_iam_user order by name, account_id limit 20;

-- name: r32_to_char_times_fraction
select event_id, to_char(event_time, 'HH24:MI:SS.MS') as ms, to_char(event_time, 'HH24:MI:SS.US') as us, to_char(event_time, 'SSSSS') as secs_of_day, to_char(event_time, 'TZ') as tz
from aws_cloudtrail_trail_event order by event_time, event_id limit 15;

-- name: r32_to_char_numbers_signs_padding
select name, to_char(max_session_duration, '999999') as pad, to_char(-max_session_duration, 'S999999') as signed, to_char(max_session_duration, '000000') as zeros,
  to_char(max_session_duration / 3600.0, '99.9') as h
from aws_iam_role where max_session_duration is not null order by name, account_id limit 15;

-- name: r32_age_parts_months_days
select name, age(timestamptz '2025-03-31 00:00:00+00', create_date) as a, extract(day from age(timestamptz '2025-03-31 00:00:00+00', create_date)) as d
from aws_iam_group order by name, account_id limit 15;

-- name: r32_interval_text_output_forms
select name, (timestamptz '2025-01-01 00:00:00+00' - create_date) as diff, justify_days(timestamptz '2025-01-01 00:00:00+00' - create_date) as jd,
  (interval '90 days' - (timestamptz '2025-01-01 00:00:00+00' - create_date)) as remaining
from aws_iam_group order by name, account_id limit 15;

-- name: r32_extract_epoch_of_interval
select name, extract(epoch from age(timestamptz '2025-01-01 00:00:00+00', create_date)) as age_secs, extract(epoch from interval '1 month') as month_secs
from aws_iam_group order by name, account_id limit 10;

-- name: r32_date_trunc_day_zone_dst
select event_id, date_trunc('day', event_time, 'Europe/Berlin') as berlin_day, date_trunc('day', event_time at time zone 'America/Los_Angeles') as la_day
from aws_cloudtrail_trail_event order by event_time, event_id limit 15;

-- name: r32_timezone_function_and_offset
select event_id, timezone('Asia/Kolkata', event_time) as ist, to_char(event_time at time zone 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI') as ist_text
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: r32_interval_multiply_divide
select name, (timestamptz '2025-01-01 00:00:00+00' - create_date) / 2 as half, interval '1 day' * 1.5 as day_and_half, interval '1 hour' * max_session_duration / 3600 as dur
from aws_iam_role where max_session_duration is not null order by name, account_id limit 10;

-- name: r32_date_bin_and_series_hours
select date_bin(interval '15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as slot, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by n desc, 1 limit 15;

-- name: r32_jsonb_set_nested_and_array
select name, jsonb_set(policy_std, '{Statement,0,Effect}', '"Deny"') #>> '{Statement,0,Effect}' as flipped,
  jsonb_set('{"a": [1, 2, 3]}'::jsonb, '{a,-1}', to_jsonb(name)) as last_replaced
from aws_iam_policy where not is_aws_managed order by name, account_id limit 10;

-- name: r32_jsonb_set_missing_path_create
select name, jsonb_set(tags, '{x,y}', '1') as no_parent, jsonb_set('[]'::jsonb, '{0}', to_jsonb(name)) as into_empty, jsonb_set('[1]'::jsonb, '{5}', '2') as appended
from aws_iam_role order by name, account_id limit 5;

-- name: r32_jsonb_path_filters_like_regex
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^iam:")') as iam_actions
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_jsonb_path_starts_with_and_size
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Resource[*] ? (@ starts with "arn:aws:s3")') as s3,
  jsonb_path_query_first(policy_std, '$.Statement.size()') as n
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_jsonb_path_exists_operator
select name, policy_std @? '$.Statement[*] ? (@.Effect == "Allow" && @.Resource[*] == "*")' as allow_star,
  policy_std @@ '$.Statement.size() > 1' as multi
from aws_iam_policy where not is_aws_managed order by name, account_id;

-- name: r32_jsonb_agg_nulls_and_distinct
select account_id, jsonb_agg(permissions_boundary_arn order by name) as boundaries, jsonb_agg(distinct path) as paths
from aws_iam_role group by account_id order by account_id;

-- name: r32_jsonb_agg_of_rows
select account_id, jsonb_agg(jsonb_build_object('name', name, 'created', create_date) order by create_date, name) as users
from aws_iam_group group by account_id order by account_id;

-- name: r32_jsonb_array_elements_text_of_scalars
select v, jsonb_typeof(e) as t from jsonb_array_elements('[1, "a", true, null, 1.50, {"k": 1}, [2]]'::jsonb) e,
  lateral (select e #>> '{}' as v) x order by t, v;

-- name: r32_jsonb_each_text_nested_values
select key, value from jsonb_each_text('{"a": {"b": 1}, "c": [1, 2], "d": null, "e": 1.50, "f": "x"}'::jsonb) order by key;

-- name: r32_jsonb_object_keys_ordering
select name, array(select jsonb_object_keys(s) order by 1) as keys
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s where not is_aws_managed order by name, account_id, keys;

-- name: r32_jsonb_strip_nulls_of_arrays
select jsonb_strip_nulls('{"a": null, "b": [null, {"c": null, "d": 1}], "e": {"f": null}}'::jsonb) as stripped,
  jsonb_strip_nulls(jsonb_build_object('n', name, 'b', permissions_boundary_arn)) as obj
from aws_iam_user order by name, account_id limit 5;

-- name: r32_jsonb_pretty_of_tags
select name, jsonb_pretty(tags) as pretty from aws_iam_role where tags <> '{}'::jsonb order by name, account_id limit 5;

-- name: r32_jsonb_contains_nested_conditions
select name, assume_role_policy_std @> '{"Statement": [{"Condition": {"bool": {"aws:multifactorauthpresent": ["true"]}}}]}' as mfa_required,
  assume_role_policy_std -> 'Statement' -> 0 -> 'Condition' ? 'stringequals' as has_equals
from aws_iam_role order by name, account_id limit 40;

-- name: r32_jsonb_exists_any_all_keys
select name, tags ?| array['Name', 'Owner', 'Environment'] as some_key, tags ?& array['Name', 'Owner'] as both_keys
from aws_iam_role order by name, account_id limit 30;

-- name: r32_jsonb_array_contains_string
select name, akas @> to_jsonb(array[arn]) as self_aka, akas ? arn as aka_key, attached_policy_arns -> -1 as last_policy
from aws_iam_role order by name, account_id limit 20;

-- name: r32_jsonb_numeric_casts
select name, (to_jsonb(max_session_duration) #>> '{}')::int / 60 as minutes, jsonb_array_length(to_jsonb(array[1, 2])) as two,
  ('{"n": "12"}'::jsonb ->> 'n')::numeric + 0.5 as n
from aws_iam_role where max_session_duration is not null order by name, account_id limit 10;

-- name: r32_array_agg_of_arrays_unnest
select account_id, unnest(array_agg(name order by name desc)) as name from aws_iam_group group by account_id order by account_id, name;

-- name: r32_unnest_multiple_arrays
select * from unnest(array['a', 'b', 'c'], array[1, 2]) as t(letter, n) order by letter;

-- name: r32_array_functions_more
select name, array_upper(string_to_array(arn, ':'), 1) as upper, array_lower(string_to_array(arn, ':'), 1) as lower,
  array_dims(string_to_array(arn, ':')) as dims, array_positions(string_to_array(arn, ':'), '') as empties, array_replace(string_to_array(path, '/'), '', '-') as replaced
from aws_iam_role order by name, account_id limit 10;

-- name: r32_array_slices
select name, (string_to_array(arn, ':'))[2:3] as middle, (string_to_array(arn, ':'))[5:] as tail, (string_to_array(arn, ':'))[:2] as head
from aws_iam_role order by name, account_id limit 10;

-- name: r32_array_to_string_numbers_and_nulls
select account_id, array_to_string(array_agg(max_session_duration order by name), ',', '*') as secs, array_to_string(array[1.50, null, 2], '|', 'NULL') as lit
from aws_iam_role group by account_id order by account_id;

-- name: r32_cardinality_of_empty_and_null
select name, cardinality(array_remove(string_to_array(path, '/'), '')) as depth, cardinality('{}'::text[]) as empty, array_length('{}'::text[], 1) as len_null
from aws_iam_role order by name, account_id limit 15;

-- name: r32_array_comparisons
select name, string_to_array(path, '/') = array['', ''] as root, array[name] < array[path] as lt, array[1, 2] @> array[2, 2] as dup
from aws_iam_role order by name, account_id limit 15;

-- name: r32_window_lag_default_and_offset
select name, create_date, lag(name, 2, '(none)') over (order by create_date, name, account_id) as two_back, lead(name, 1) over (partition by account_id order by create_date, name) as next
from aws_iam_user order by create_date, name, account_id limit 30;

-- name: r32_window_range_interval_frame
select event_id, event_time, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event order by event_time, event_id limit 30;

-- name: r32_window_nth_value_and_groups_frame
select name, create_date, nth_value(name, 2) over (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following) as second,
  count(*) over (partition by account_id order by date_trunc('year', create_date) groups between 1 preceding and current row) as two_years
from aws_iam_role order by account_id, create_date, name limit 40;

-- name: r32_window_avg_numeric_text
select account_id, name, round(avg(max_session_duration) over (partition by account_id), 2) as avg_secs, sum(max_session_duration) over (partition by account_id order by name) as running
from aws_iam_role where max_session_duration is not null order by account_id, name;

-- name: r32_window_exclude_current
select name, create_date, count(*) over (partition by account_id order by create_date rows between unbounded preceding and unbounded following exclude current row) as others
from aws_iam_group order by account_id, create_date, name;

-- name: r32_grouping_sets_with_expressions
select date_trunc('year', create_date) as year, path = '/' as root, count(*) as n, grouping(date_trunc('year', create_date), path = '/') as g
from aws_iam_role group by grouping sets ((date_trunc('year', create_date)), (path = '/'), ()) order by g, 1 nulls last, 2 nulls last;

-- name: r32_rollup_with_having
select account_id, event_source, count(*) as n from aws_cloudtrail_trail_event
group by rollup (account_id, event_source) having count(*) > 50 order by 1 nulls last, 2 nulls last;

-- name: r32_cube_with_string_agg
select mfa_enabled, password_last_used is null as never_logged_in, count(*) as n, string_agg(name, ',' order by name) filter (where length(name) < 6) as short_names
from aws_iam_user where account_id = '123456789012' group by cube (mfa_enabled, password_last_used is null) order by 1 nulls last, 2 nulls last;

-- name: r32_distinct_on_with_expressions
select distinct on (split_part(event_source, '.', 1)) split_part(event_source, '.', 1) as service, event_name, event_time
from aws_cloudtrail_trail_event order by split_part(event_source, '.', 1), event_time desc, event_id;

-- name: r32_recursive_path_prefixes
with recursive prefixes(name, account_id, prefix, rest) as (
  select name, account_id, ''::text, trim(leading '/' from path) from aws_iam_role where path <> '/'
  union all
  select name, account_id, prefix || '/' || split_part(rest, '/', 1), substr(rest, length(split_part(rest, '/', 1)) + 2)
  from prefixes where rest <> ''
)
select name, prefix from prefixes where prefix <> '' order by name, account_id, prefix;

-- name: r32_recursive_counter_with_limit
with recursive n(i) as (select 1 union all select i * 2 from n where i < 1000) select i, i::text || 'x' as t, i % 7 as m from n order by i;

-- name: r32_lateral_generate_series_per_row
select name, d::date as day from aws_iam_group, lateral generate_series(create_date, create_date + interval '2 days', interval '1 day') d
order by name, account_id, day limit 30;

-- name: r32_lateral_subquery_with_aggregate_and_order
select p.name, s.stmt_count, s.first_effect from aws_iam_policy p
  cross join lateral (select count(*) as stmt_count, min(x ->> 'Effect') as first_effect from jsonb_array_elements(p.policy_std -> 'Statement') x) s
where not p.is_aws_managed order by p.name, p.account_id;

-- name: r32_cast_numeric_text_forms
select '1e3'::numeric as a, '  42  '::int as b, '-0.50'::numeric as c, '3.14159'::numeric(4, 2) as d, 'NaN'::numeric as e, '1.5'::float8::text as f, 0.1 + 0.2 as g;

-- name: r32_cast_boolean_text_forms
select 't'::boolean as a, 'FALSE'::boolean as b, ' yes '::boolean as c, '0'::boolean as d, true::text as e, (1 = 1)::text || '!' as f, 'on'::bool and 'y'::bool as g;

-- name: r32_cast_timestamp_text_forms
select '2024-02-29 12:00:00+05:30'::timestamptz as a, '2024-02-29'::timestamptz as b, 'epoch'::timestamptz as c, '2024-02-29T12:00:00Z'::timestamptz::text as d,
  '2024-02-29 12:00'::timestamp::text as e, to_timestamp('2024-02-29 12:00', 'YYYY-MM-DD HH24:MI') as f;

-- name: r32_cast_integer_overflow_guarded
select name, max_session_duration::smallint as small, (max_session_duration * 1000000)::bigint as big, max_session_duration::float / 7 as f
from aws_iam_role where max_session_duration is not null order by name, account_id limit 10;

-- name: r32_text_comparison_collation
select name from aws_iam_user where name > 'M' and name < 'n' order by name, account_id;

-- name: r32_order_by_nulls_and_desc
select name, password_last_used from aws_iam_user order by password_last_used desc nulls last, name, account_id limit 20;

-- name: r32_order_by_expression_and_alias_position
select split_part(arn, ':', 5) as acct, count(*) as n from aws_iam_role group by 1 order by 2 desc, 1;

-- name: r32_string_agg_with_newline_and_distinct
select account_id, string_agg(distinct path, E'\n' order by path) as paths from aws_iam_role group by account_id order by account_id;

-- name: r32_concat_with_nulls_and_numbers
select name, concat(name, '-', max_session_duration, '-', permissions_boundary_arn, '-', max_session_duration / 3600.0) as c,
  concat_ws('/', path, null, name) as cw
from aws_iam_role order by name, account_id limit 15;

-- name: r32_length_functions_unicode
select 'héllo' as s, length('héllo') as len, octet_length('héllo') as bytes, bit_length('héllo') as bits, char_length('héllo') as chars, upper('straße') as up;

-- name: r32_position_strpos_substr
select name, strpos(arn, 'role') as sp, position('role' in arn) as pos, substr(arn, strpos(arn, '/') + 1) as after_slash, substring(arn, 14, 12) as acct
from aws_iam_role order by name, account_id limit 15;

-- name: r32_replace_translate_btrim
select name, replace(arn, 'arn:aws:', '') as short, btrim('  ' || name || '  ') as trimmed, ltrim(path, '/') as lt, rtrim(path, '/') as rt
from aws_iam_role order by name, account_id limit 15;

-- name: r32_md5_sha256_hex
select name, encode(sha256(name::bytea), 'hex') as sha, md5('') as empty_md5, to_hex(length(name)) as hex_len
from aws_iam_group order by name, account_id limit 10;

-- name: r32_generate_series_timestamps_month_ends
select d, d + interval '1 month' - interval '1 day' as end_of_month from generate_series(timestamptz '2024-01-31 00:00:00+00', timestamptz '2024-06-30 00:00:00+00', interval '1 month') d order by d;

-- name: r32_events_by_weekday_name
select to_char(event_time, 'FMDay') as weekday, extract(isodow from event_time) as n, count(*) as events
from aws_cloudtrail_trail_event group by 1, 2 order by 2;

-- name: r32_events_between_timestamps_text
select count(*) filter (where event_time >= '2019-01-01' and event_time < '2020-01-01') as y2019, count(*) filter (where event_time::date >= date '2020-01-01') as after_2020
from aws_cloudtrail_trail_event;

-- name: r32_events_json_type_counts
select jsonb_typeof(request_parameters) as rp, jsonb_typeof(response_elements) as re, count(*) as n
from aws_cloudtrail_trail_event group by 1, 2 order by n desc, 1 nulls first, 2 nulls first;

-- name: r32_events_user_identity_each
select k.key, jsonb_typeof(k.value) as t, count(*) as n
from aws_cloudtrail_trail_event e, jsonb_each(e.user_identity) k group by 1, 2 order by n desc, 1, 2 limit 25;

-- name: r33_format_star_width
select format('%*s|', 12, name) as right_aligned, format('%-*s|', 12, name) as left_aligned from aws_iam_group order by name, account_id limit 10;

-- name: r33_format_star_width_negative
select format('[%*s]', -10, name) as neg, format('[%-*s]', -10, name) as negleft from aws_iam_group order by name, account_id limit 5;

-- name: r33_format_repeated_position
select format('%1$s %1$s / %2$s', name, account_id) as twice from aws_iam_group order by name, account_id limit 10;

-- name: r33_format_star_position
select format('%1$*2$s|', name, 15) as w, format('%3$s %1$s %s', name, path, account_id) as mixed from aws_iam_group order by name, account_id limit 5;

-- name: r33_jsonb_build_division_text
select name, jsonb_build_object('ratio', 1.0 / 3, 'keys', attachment_count) ->> 'ratio' as ratio, (jsonb_build_object('r', attachment_count / 7.0))::text as doc
from aws_iam_policy order by name, arn limit 10;

-- name: r33_to_jsonb_division_text
select to_jsonb(round(attachment_count / 3.0, 4)) as rounded, to_jsonb(attachment_count / 3.0)::text as raw from aws_iam_policy order by arn limit 10;

-- name: r33_order_by_position_over_star
select * from aws_iam_group order by 2, 1 limit 5;

-- name: r33_fetch_first_zero_rows
select name from aws_iam_group order by name fetch first 0 rows only;

-- name: r33_offset_rows_fetch_next
select name, account_id from aws_iam_group order by name, account_id offset 2 rows fetch next 3 rows only;

-- name: r33_offset_row_only
select name from aws_iam_group order by name, account_id offset 1 row;

-- name: r33_limit_subquery_count
select name from aws_iam_group order by name, account_id limit (select count(*) from aws_organizations_root) + 1 offset (select 1);

-- name: r33_limit_null_subquery
select name from aws_iam_group order by name, account_id limit (select null::int);

-- name: r33_fetch_first_plus_rows
select name from aws_iam_group order by name, account_id fetch first +2 rows only;

-- name: r33_format_star_null_width
select format('[%*s]', null::int, 'x') as a, format('%*s %s', 3, 'a', 'b') as b, format('%2$*1$s|%s', 4, 'z', 'after') as c;

-- name: r33_jsonb_build_avg_text_grouped
select account_id, jsonb_build_object('avg_duration', avg(max_session_duration), 'roles', count(*), 'name', min(name), 'first', min(create_date), 'none', null)::text as summary
from aws_iam_role group by account_id order by account_id;

-- name: r33_jsonb_build_division_member_concat
select name, 'ratio=' || (jsonb_build_object('ratio', attachment_count / 7.0, 'n', attachment_count) ->> 'ratio') as txt, to_jsonb(avg(attachment_count) over ())::text as overall
from aws_iam_policy order by name, arn limit 10;

-- name: r33_jsonb_build_nested_division_text
select jsonb_build_object('outer', jsonb_build_object('third', 1.0 / 3, 'half', 0.5), 'a', 10 / 4.0)::text as doc, jsonb_build_object('x', 2.0 / 3, 'x', 1)::text as repeated;

-- name: r33_json_agg_record_member_text
select account_id, json_agg(r order by r.name) ->> 0 as first_role, json_agg(r order by r.name desc) #>> '{0}' as last_role, (json_agg(r order by r.name) -> 0) ->> 'name' as first_name
from (select account_id, name, max_session_duration, create_date from aws_iam_role) r group by account_id order by account_id;

-- name: r33_row_to_json_member_text
select row_to_json(g) ->> 'name' as name, to_json(g)::text as doc from (select name, path, account_id from aws_iam_group) g order by 1, 2 limit 10;

-- name: r33_string_agg_distinct_order_desc
select account_id, string_agg(distinct path, ' | ' order by path desc) as paths, count(distinct path) as n
from aws_iam_role group by account_id order by account_id;

-- name: r33_string_agg_order_two_keys
select account_id, string_agg(name || '@' || coalesce(to_char(create_date, 'YYYY-MM-DD'), '?'), ', ' order by create_date desc nulls last, name) as newest_first
from aws_iam_user group by account_id order by account_id;

-- name: r33_string_agg_filter_order
select account_id, string_agg(name, ',' order by name) filter (where not mfa_enabled) as no_mfa, string_agg(name, ',' order by name) filter (where mfa_enabled) as with_mfa
from aws_iam_user group by account_id order by account_id;

-- name: r33_string_agg_event_names_per_source
select event_source, string_agg(distinct event_name, ',' order by event_name) as names
from aws_cloudtrail_trail_event where event_source like 'iam.%' or event_source like 'sts.%' group by event_source order by event_source;

-- name: r33_percentile_cont_policy_attachments
select is_aws_managed, percentile_cont(0.5) within group (order by attachment_count) as median, percentile_cont(0.9) within group (order by attachment_count) as p90, percentile_disc(0.5) within group (order by attachment_count) as disc
from aws_iam_policy group by is_aws_managed order by is_aws_managed;

-- name: r33_percentile_cont_array_fractions
select percentile_cont(array[0.25, 0.5, 0.75]) within group (order by max_session_duration) as quartiles, percentile_disc(array[0.1, 0.9]) within group (order by max_session_duration) as ends
from aws_iam_role;

-- name: r33_mode_event_source_per_region
select aws_region, mode() within group (order by event_source) as common_source, count(*) as n
from aws_cloudtrail_trail_event group by aws_region order by n desc, aws_region limit 10;

-- name: r33_mode_role_path
select account_id, mode() within group (order by path) as common_path, mode() within group (order by max_session_duration desc) as common_duration
from aws_iam_role group by account_id order by account_id;

-- name: r33_percentile_cont_key_age_days
select percentile_cont(0.5) within group (order by extract(epoch from (now() - create_date)) / 86400) > 0 as positive,
  percentile_disc(0.5) within group (order by create_date) as median_created
from aws_iam_access_key;

-- name: r33_generate_series_weeks_events
select w as week_start, count(e.event_id) as events
from generate_series(timestamptz '2019-01-07 00:00:00+00', timestamptz '2019-03-25 00:00:00+00', interval '1 week') w
  left join aws_cloudtrail_trail_event e on e.event_time >= w and e.event_time < w + interval '1 week'
group by w order by w;

-- name: r33_generate_series_hours_text
select to_char(h, 'YYYY-MM-DD HH24:MI') as hour, extract(hour from h) as hh
from generate_series(timestamptz '2024-03-10 00:00:00+00', timestamptz '2024-03-10 05:00:00+00', interval '90 minutes') as h order by h;

-- name: r33_generate_series_days_of_month_end
select d::date as day, to_char(d, 'Dy DD Mon') as label, extract(dow from d) as dow
from generate_series(timestamptz '2024-02-26 00:00:00+00', timestamptz '2024-03-03 00:00:00+00', '1 day'::interval) d order by 1;

-- name: r33_generate_series_backwards
select g::date as day from generate_series(timestamptz '2024-01-10 00:00:00+00', timestamptz '2024-01-01 00:00:00+00', interval '-3 days') g order by g desc;

-- name: r33_justify_interval_key_age
select access_key_id, justify_interval(timestamptz '2025-01-01 00:00:00+00' - create_date) as justified, justify_days(interval '75 days') as jd, justify_hours(interval '50 hours') as jh
from aws_iam_access_key order by access_key_id limit 10;

-- name: r33_justify_negative_mixed
select justify_interval(interval '1 mon -1 day') as a, justify_interval(interval '-1 mon 35 days') as b, justify_hours(interval '-30 hours') as c, justify_days(interval '-40 days') as d;

-- name: r33_to_char_interval_patterns
select to_char(interval '3 days 04:05:06', 'DD "days" HH24:MI:SS') as a, to_char(interval '26 hours 3 minutes', 'HH24:MI') as b, to_char(interval '1 year 2 mons', 'YYYY-MM') as c;

-- name: r33_interval_text_forms
select interval '90 minutes' as a, interval '1.5 hours' as b, interval '36 hours' as c, interval '-1 day 2 hours' as d, interval '1 year -1 month' as e, interval '0.5 days' as f;

-- name: r33_interval_multiply_divide
select interval '1 day' * 1.5 as a, interval '1 month' / 4 as b, interval '3 hours' * 2 / 3 as c, 2 * interval '45 minutes' as d;

-- name: r33_regexp_replace_flags_gi
select name, regexp_replace(name, '[aeiou]', '*', 'gi') as masked, regexp_replace(name, '^(.)(.*)$', '\2\1') as rotated
from aws_iam_user order by name, account_id limit 15;

-- name: r33_regexp_replace_arn_account
select arn, regexp_replace(arn, ':[0-9]{12}:', ':<account>:') as redacted, regexp_replace(arn, '/.*$', '') as prefix
from aws_iam_role order by arn limit 15;

-- name: r33_regexp_replace_user_agent_versions
select regexp_replace(user_agent, '[0-9]+(\.[0-9]+)+', 'N', 'g') as agent_family, count(*) as n
from aws_cloudtrail_trail_event where user_agent is not null group by 1 order by n desc, 1 limit 15;

-- name: r33_jsonb_pretty_tags
select name, jsonb_pretty(tags) as pretty from aws_iam_role where tags is not null and tags <> '{}'::jsonb order by name, account_id limit 5;

-- name: r33_jsonb_pretty_nested_statement
select name, jsonb_pretty(policy_std -> 'Statement' -> 0) as first_statement from aws_iam_policy order by name, arn limit 5;

-- name: r33_jsonb_containment_array_of_objects
select name from aws_iam_policy where policy_std -> 'Statement' @> '[{"Effect": "Allow"}]' and not policy_std -> 'Statement' @> '[{"Effect": "Deny"}]' order by name, arn limit 20;

-- name: r33_jsonb_containment_nested_action
select name from aws_iam_policy where policy_std @> '{"Statement": [{"Action": ["*"]}]}' order by name, arn;

-- name: r33_jsonb_contained_by_literal
select name, tags from aws_iam_user where tags <@ (select jsonb_object_agg(t.key, t.value) from aws_iam_role r2, jsonb_each(r2.tags) t) and tags <> '{}' order by name, account_id;

-- name: r33_row_to_json_group_record
select row_to_json(g) ->> 'name' as name, row_to_json(g) -> 'create_date' as created
from (select name, create_date from aws_iam_group) g order by 1, create_date limit 10;

-- name: r33_json_agg_records_sorted
select account_id, json_agg(r order by r.name) ->> 0 as first_role
from (select account_id, name, max_session_duration from aws_iam_role) r group by account_id order by account_id;

-- name: r33_jsonb_agg_of_records_count
select account_id, jsonb_array_length(jsonb_agg(to_jsonb(u) - 'inline_policies')) as users
from aws_iam_user u group by account_id order by account_id;

-- name: r33_bool_and_or_every_per_account
select account_id, bool_and(mfa_enabled) as all_mfa, bool_or(mfa_enabled) as any_mfa, every(password_last_used is null) as none_signed_in
from aws_iam_user group by account_id order by account_id;

-- name: r33_bool_or_filter_keys
select user_name, bool_or(status = 'Active') as any_active, bool_and(status = 'Active') filter (where create_date < '2020-01-01') as old_all_active
from aws_iam_access_key group by user_name order by user_name limit 20;

-- name: r33_count_filter_many
select account_id,
  count(*) filter (where read_only) as reads,
  count(*) filter (where not read_only) as writes,
  count(*) filter (where error_code is not null) as errors,
  count(distinct event_name) filter (where error_code = 'AccessDenied') as denied_names
from aws_cloudtrail_trail_event group by account_id order by account_id;

-- name: r33_round_half_even_vs_half_up
select round(2.5) as r25, round(3.5) as r35, round(-2.5) as rn25, round(2.5::float8) as f25, round(3.5::float8) as f35, round(0.125, 2) as r0125, round(0.125::float8 * 1) as f0;

-- name: r33_round_negative_digits
select round(12345.678, -2) as a, round(-12345.678, -1) as b, trunc(12345.678, -3) as c, round(attachment_count::numeric, -1) as d
from aws_iam_policy order by arn limit 5;

-- name: r33_make_timestamp_parts
select make_timestamp(2024, 2, 29, 13, 45, 30.5) as ts, make_timestamptz(2024, 12, 31, 23, 59, 59) as tstz, make_date(2024, 1, 31) + 30 as d;

-- name: r33_make_interval_named_args
select make_interval(days => 10) as a, make_interval(hours => 36, mins => 5) as b, make_interval(years => 1, months => 14) as c, make_interval(weeks => 2, secs => 1.5) as d;

-- name: r33_make_interval_from_column
select name, create_date + make_interval(days => (max_session_duration / 3600)::int) as plus
from aws_iam_role order by name, account_id limit 10;

-- name: r33_upper_lower_unicode
select upper('straße') as a, lower('ÉCOLE') as b, initcap('élan vital') as c, upper('ǆ') as d, lower('İ') as e, length(upper('straße')) as n;

-- name: r33_like_escape_underscore
select name from aws_iam_role where name like '%\_%' order by name, account_id limit 15;

-- name: r33_like_custom_escape
select name from aws_iam_role where name like '%!_%' escape '!' and name not like 'AWS#_%' escape '#' order by name, account_id limit 15;

-- name: r33_ilike_escape_percent
select name, name ilike '%service%' as svc, name ilike 'aws\_%' as aws_prefixed from aws_iam_role order by name, account_id limit 20;

-- name: r33_similar_to_alternation
select name from aws_iam_user where name similar to '(admin|dev|test)%' or name similar to '%[0-9]{2}' order by name, account_id;

-- name: r33_similar_to_escape
select name, name similar to '%#_%' escape '#' as has_underscore from aws_iam_role order by name, account_id limit 15;

-- name: r33_is_distinct_from_boundaries
select name, permissions_boundary_arn is distinct from '' as has_boundary_text, permissions_boundary_arn is not distinct from null as unknown
from aws_iam_user order by name, account_id limit 20;

-- name: r33_is_distinct_from_join
select count(*) as pairs from aws_iam_user a join aws_iam_user b on a.account_id = b.account_id and a.name < b.name
where a.password_last_used is not distinct from b.password_last_used;

-- name: r33_nulls_first_last_mixed
select name, password_last_used from aws_iam_user order by password_last_used desc nulls last, name nulls first, account_id limit 20;

-- name: r33_nulls_first_role_last_used
select name, role_last_used_date from aws_iam_role order by role_last_used_date asc nulls first, name, account_id limit 20;

-- name: r33_quoted_identifiers_case
select "name" as "User Name", "Account" from (select name, account_id as "Account" from aws_iam_user) as "U" order by "User Name", "Account" limit 10;

-- name: r33_quoted_identifier_mixed_case_cte
with "Keys" as (select user_name as "userName", count(*) as "Count" from aws_iam_access_key group by user_name)
select "userName", "Count" from "Keys" where "Count" > 1 order by "Count" desc, "userName";

-- name: r33_similar_to_escape_bang_and_empty
select name, name similar to 'AWS!_%' escape '!' as aws_underscore, name similar to '%\%' escape '' as ends_backslash, name not similar to '%[0-9]%' escape '#' as no_digit
from aws_iam_role order by name, account_id limit 20;

-- name: r33_jsonb_arrow_chain_condition
select name, s -> 'Condition' -> 'StringEquals' ->> 'saml:aud' as aud, s -> 'Condition' -> 'StringEquals' -> 'saml:aud' ->> 0 as first_aud
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
where s -> 'Condition' -> 'StringEquals' is not null order by name, account_id;

-- name: r33_jsonb_path_text_hash
select name, policy_std #>> '{Statement,0,Effect}' as effect0, policy_std #> '{Statement,0,Action}' as actions0, policy_std #>> '{Statement,-1,Sid}' as last_sid
from aws_iam_policy order by name, arn limit 15;

-- name: r33_jsonb_exists_any_all_principal
select name, assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' ?| array['AWS', 'Federated'] as any_p, assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' ?& array['Service'] as svc
from aws_iam_role order by name, account_id limit 20;

-- name: r33_jsonb_exists_key_tags
select name from aws_iam_role where tags ? 'Department' or tags ? 'QuickSetupID' order by name, account_id;

-- name: r33_jsonb_path_query_actions
select p.name, jsonb_path_query(p.policy_std, '$.Statement[*].Action[*]') #>> '{}' as action
from aws_iam_policy p where p.name like 'A%' order by 1, 2 limit 30;

-- name: r33_jsonb_path_query_filter_effect
select name, jsonb_path_query_array(policy_std, '$.Statement[*] ? (@.Effect == "Deny").Sid') as deny_sids
from aws_iam_policy where jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') order by name, arn limit 20;

-- name: r33_jsonb_path_query_first_principal
select name, jsonb_path_query_first(assume_role_policy_std, '$.Statement[0].Principal.Service[0]') as first_service
from aws_iam_role order by name, account_id limit 20;

-- name: r33_lateral_elements_text_actions_count
select p.name, count(a) as actions, count(distinct a) as distinct_actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, lateral jsonb_array_elements_text(s -> 'Action') a
group by p.name order by actions desc, p.name limit 15;

-- name: r33_left_join_lateral_resources
select r.name, res
from aws_iam_role r left join lateral jsonb_array_elements(r.inline_policies_std) ip on true
  left join lateral jsonb_array_elements(ip -> 'PolicyDocument' -> 'Statement') s on true
  left join lateral jsonb_array_elements_text(s -> 'Resource') res on true
where r.inline_policies_std is not null order by 1, 2 limit 30;

-- name: r33_jsonb_each_condition_operators
select c.key as operator, count(*) as uses
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c
group by c.key order by uses desc, operator;

-- name: r33_jsonb_each_text_tags
select t.key, t.value, count(*) as roles
from aws_iam_role r, jsonb_each_text(r.tags) t group by t.key, t.value order by roles desc, 1, 2 limit 20;

-- name: r33_jsonb_object_keys_event_parameters
select k, count(*) as n from aws_cloudtrail_trail_event e, jsonb_object_keys(e.request_parameters) k
where jsonb_typeof(e.request_parameters) = 'object' group by k order by n desc, k limit 20;

-- name: r33_jsonb_typeof_statement_fields
select jsonb_typeof(s -> 'Principal') as principal_type, jsonb_typeof(s -> 'Condition') as condition_type, count(*) as n
from aws_iam_role, jsonb_array_elements(assume_role_policy -> 'Statement') s group by 1, 2 order by n desc, 1 nulls first, 2 nulls first;

-- name: r33_jsonb_strip_nulls_identity
select event_id, jsonb_strip_nulls(user_identity -> 'sessionContext') as ctx
from aws_cloudtrail_trail_event where user_identity -> 'sessionContext' is not null and jsonb_typeof(user_identity -> 'sessionContext') = 'object' order by event_id limit 10;

-- name: r33_jsonb_set_replace_effect
select name, jsonb_set(policy_std, '{Statement,0,Effect}', '"Deny"') -> 'Statement' -> 0 ->> 'Effect' as changed, policy_std #>> '{Statement,0,Effect}' as original
from aws_iam_policy order by name, arn limit 10;

-- name: r33_jsonb_set_create_missing
select name, jsonb_set(coalesce(tags, '{}'), '{reviewed}', 'true') as with_flag, jsonb_set(coalesce(tags, '{}'), '{a}', '[1]', true) as created
from aws_iam_role order by name, account_id limit 5;

-- name: r33_jsonb_agg_order_filter_actions
select p.name, jsonb_agg(distinct a order by a) filter (where a like 'iam:%') as iam_actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
group by p.name having count(*) filter (where a like 'iam:%') > 0 order by p.name limit 15;

-- name: r33_jsonb_agg_objects_order_desc
select account_id, jsonb_agg(jsonb_build_object('name', name, 'max', max_session_duration) order by max_session_duration desc, name) -> 0 as longest
from aws_iam_role group by account_id order by account_id;

-- name: r33_jsonb_build_object_nested_arrays
select name, jsonb_build_object('user', name, 'keys', jsonb_build_array(user_id, arn), 'mfa', mfa_enabled, 'none', null) as doc
from aws_iam_user order by name, account_id limit 10;

-- name: r33_jsonb_concat_and_delete
select name, (coalesce(tags, '{}') || jsonb_build_object('owner', 'secops')) - 'Name' as retagged, tags #- '{Environment}' as no_env
from aws_iam_role order by name, account_id limit 10;

-- name: r33_age_access_keys_text
select access_key_id, age(timestamptz '2025-06-01 00:00:00+00', create_date) as key_age, date_part('year', age(timestamptz '2025-06-01 00:00:00+00', create_date)) as years
from aws_iam_access_key order by create_date, access_key_id limit 15;

-- name: r33_age_now_days_buckets
select case when age(create_date) > interval '2 years' then 'old' when age(create_date) > interval '90 days' then 'aging' else 'new' end as bucket, count(*) as n
from aws_iam_user group by 1 order by 1;

-- name: r33_date_trunc_week_zone
select date_trunc('week', event_time, 'America/Los_Angeles') as week, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by 1 limit 15;

-- name: r33_date_trunc_quarter_month
select date_trunc('quarter', create_date) as quarter, date_trunc('month', create_date)::date as month, count(*) as n
from aws_iam_role group by 1, 2 order by 1, 2;

-- name: r33_extract_epoch_difference
select user_name, extract(epoch from (password_last_used - user_creation_time)) / 86400 as days_between
from aws_iam_credential_report where password_last_used is not null and user_creation_time is not null order by user_name, account_id limit 10;

-- name: r33_extract_epoch_integer_cast
select name, extract(epoch from create_date)::bigint as epoch, to_timestamp(extract(epoch from create_date)::bigint) = create_date as roundtrip
from aws_iam_group order by name, account_id limit 10;

-- name: r33_now_minus_interval_count
select count(*) filter (where create_date > now() - interval '365 days') as last_year, count(*) filter (where create_date <= now() - '5 years'::interval) as older
from aws_iam_role;

-- name: r33_split_part_negative_arn
select arn, split_part(arn, '/', -1) as last, split_part(arn, ':', -2) as account_part, split_part(arn, '/', -2) as before_last
from aws_iam_role order by arn limit 20;

-- name: r33_split_part_event_source_service
select split_part(event_source, '.', 1) as service, split_part(event_source, '.', -2) as domain, count(*) as n
from aws_cloudtrail_trail_event group by 1, 2 order by n desc, 1 limit 15;

-- name: r33_format_identifier_literal
select format('select * from %I where name = %L', 'aws_iam_' || 'user', name) as stmt, format('%I.%I', 'Mixed', path) as qualified
from aws_iam_user order by name, account_id limit 10;

-- name: r33_format_width_and_percent
select format('%-20s|%6s|%%', name, attachment_count) as line from aws_iam_policy order by name, arn limit 10;

-- name: r33_regexp_matches_g_ordinality
select name, m[1] as digits, n from aws_iam_role, regexp_matches(name, '([0-9]+)', 'g') with ordinality as t(m, n)
order by name, account_id, n limit 20;

-- name: r33_regexp_matches_g_actions_service
select p.name, m[1] as service from aws_iam_policy p, regexp_matches(p.policy_std::text, '"([a-z0-9-]+):', 'g') m
where p.name like 'Amazon%' order by 1, 2 limit 25;

-- name: r33_initcap_names
select initcap(replace(name, '-', ' ')) as title_case, initcap(lower(event_name)) as ev from (select distinct name, 'GetCallerIdentity' as event_name from aws_iam_group) g order by 1 limit 10;

-- name: r33_to_char_patterns_day_month
select name, to_char(create_date, 'FMMonth DD, YYYY') as long_date, to_char(create_date, 'IYYY-IW') as iso_week, to_char(create_date, 'DDD') as doy, to_char(create_date, 'Q') as q
from aws_iam_group order by name, account_id limit 10;

-- name: r33_to_char_patterns_time
select event_id, to_char(event_time, 'HH12:MI:SS AM') as t12, to_char(event_time, 'YYYY"T"HH24') as compact, to_char(event_time, 'dy') as dy
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: r33_to_char_numbers
select name, to_char(attachment_count, 'FM999,999') as c, to_char(attachment_count * 1.5, '0000.00') as padded, to_char(attachment_count, '9999PR') as pr
from aws_iam_policy order by name, arn limit 10;

-- name: r33_window_running_count_per_account
select account_id, name, create_date, count(*) over (partition by account_id order by create_date, name) as nth_created
from aws_iam_user order by account_id, create_date, name limit 30;

-- name: r33_window_lag_gap_days
select user_name, create_date, create_date - lag(create_date) over (partition by user_name order by create_date, access_key_id) as gap
from aws_iam_access_key order by user_name, create_date, access_key_id limit 30;

-- name: r33_window_lead_next_event
select event_name, event_time, lead(event_name) over (partition by username order by event_time, event_id) as next_event
from aws_cloudtrail_trail_event where user_type = 'IAMUser' order by event_time, event_id limit 20;

-- name: r33_window_first_last_value
select distinct account_id, first_value(name) over w as first_role, last_value(name) over w as last_role
from aws_iam_role window w as (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following)
order by account_id;

-- name: r33_window_dense_rank_policies
select name, attachment_count, dense_rank() over (order by attachment_count desc) as dr, rank() over (order by attachment_count desc) as r
from aws_iam_policy order by attachment_count desc, name, arn limit 20;

-- name: r33_window_ntile_users
select name, ntile(4) over (order by create_date, name, account_id) as quartile from aws_iam_user order by create_date, name, account_id limit 25;

-- name: r33_window_moving_sum_rows
select d, n, sum(n) over (order by d rows between 2 preceding and current row) as moving
from (select date_trunc('day', event_time) as d, count(*) as n from aws_cloudtrail_trail_event group by 1) t order by d limit 30;

-- name: r33_window_percent_rank_cume_dist
select name, round(percent_rank() over (order by max_session_duration, name)::numeric, 4) as pr, round(cume_dist() over (order by max_session_duration)::numeric, 4) as cd
from aws_iam_role order by max_session_duration, name, account_id limit 20;

-- name: r33_window_row_number_latest_key
select user_name, access_key_id, create_date from (
  select *, row_number() over (partition by user_name order by create_date desc, access_key_id) as rn from aws_iam_access_key) k
where rn = 1 order by user_name limit 20;

-- name: r33_grouping_sets_users_mfa_path
select account_id, path, mfa_enabled, count(*) as n, grouping(account_id, path, mfa_enabled) as g
from aws_iam_user group by grouping sets ((account_id, path), (mfa_enabled), ()) order by g, account_id nulls last, path nulls last, mfa_enabled nulls last;

-- name: r33_rollup_events_source_name
select event_source, event_name, count(*) as n from aws_cloudtrail_trail_event where event_source like 'iam.%'
group by rollup (event_source, event_name) order by event_source nulls last, n desc, event_name nulls last limit 20;

-- name: r33_cube_policy_flags
select is_aws_managed, is_attached, count(*) as n, sum(attachment_count) as attachments
from aws_iam_policy group by cube (is_aws_managed, is_attached) order by is_aws_managed nulls last, is_attached nulls last;

-- name: r33_distinct_on_latest_event_per_user
select distinct on (username) username, event_name, event_time from aws_cloudtrail_trail_event where username <> ''
order by username, event_time desc, event_id limit 20;

-- name: r33_distinct_on_oldest_key_per_account
select distinct on (account_id) account_id, user_name, access_key_id, create_date from aws_iam_access_key order by account_id, create_date, access_key_id;

-- name: r33_with_recursive_ou_depth
with recursive tree as (
  select id, name, parent_id, 1 as depth, name::text as trail from aws_organizations_organizational_unit where parent_id like 'r-%'
  union all
  select c.id, c.name, c.parent_id, t.depth + 1, t.trail || ' > ' || c.name from aws_organizations_organizational_unit c join tree t on c.parent_id = t.id)
select name, depth, trail from tree order by trail;

-- name: r33_with_recursive_counter_dates
with recursive d(n, day) as (select 1, date '2024-01-01' union all select n + 1, day + 7 from d where n < 6)
select n, day, to_char(day, 'Dy') as weekday from d order by n;

-- name: r33_with_recursive_split_path
with recursive parts(rest, part, lvl) as (
  select substr(path, 2), null::text, 0 from aws_iam_role where path <> '/'
  union all
  select substr(rest, strpos(rest, '/') + 1), split_part(rest, '/', 1), lvl + 1 from parts where rest <> '')
select part, lvl, count(*) as n from parts where part is not null group by part, lvl order by n desc, part, lvl limit 20;

-- name: r33_unnest_with_ordinality_array
select u.name, g.value ->> 'GroupName' as group_name, g.n
from aws_iam_user u, jsonb_array_elements(u.groups) with ordinality as g(value, n) order by u.name, u.account_id, g.n limit 25;

-- name: r33_unnest_text_array_ordinality
select t.elem, t.i from unnest(string_to_array('arn:aws:iam::123456789012:role/path/name', ':')) with ordinality as t(elem, i) order by t.i;

-- name: r33_array_agg_order_desc_limit
select account_id, (array_agg(name order by create_date desc, name))[1:3] as newest_three from aws_iam_role group by account_id order by account_id;

-- name: r33_array_position_and_remove
select name, array_position(array['/', '/service-role/', '/aws-service-role/'], path) as kind, array_remove(string_to_array(path, '/'), '') as parts
from aws_iam_role order by name, account_id limit 20;

-- name: r33_array_positions_cardinality
select cardinality(string_to_array(arn, '/')) as segments, array_positions(string_to_array(arn, '/'), 'role') as at, count(*) as n
from aws_iam_role group by 1, 2 order by 1, 2;

-- name: r33_array_to_string_nulls_replacement
select array_to_string(array[name, null, path], ',') as dropped, array_to_string(array[name, null, path], ',', '*') as starred
from aws_iam_group order by name, account_id limit 10;

-- name: r33_array_cat_append_distinct
select account_id, array_length(array_agg(distinct path), 1) as paths, array_cat(array['x'], array_agg(distinct path order by path)) as with_x
from aws_iam_role group by account_id order by account_id;

-- name: r33_array_any_all_comparison
select name from aws_iam_role where path like any(array['/service-role/%', '/aws-service-role/%']) and name <> all(array['a', 'b']) order by name, account_id limit 20;

-- name: r33_cast_text_numeric_boolean
select '42'::int + 1 as i, '3.14159'::numeric(6, 3) as n, 'yes'::boolean as y, ' f '::boolean as f, '1e3'::float8 as e, '007'::numeric as lead;

-- name: r33_cast_text_timestamp_forms
select '2024-03-10 12:00:00+05:30'::timestamptz as a, '2024-03-10T12:00:00Z'::timestamptz as b, '20240310'::date as c, 'March 10, 2024'::date as d;

-- name: r33_cast_numeric_text_scales
select 1.50::text as a, (2.5 * 2)::text as b, 10::numeric(5, 2)::text as c, (1.0 / 8)::text as d, 0.1 + 0.2 as e;

-- name: r33_cast_boolean_text_round_trip
select mfa_enabled::text as t, mfa_enabled::text::boolean as back, count(*) as n from aws_iam_user group by 1, 2 order by 1;

-- name: r33_cast_timestamp_text_tz
select name, create_date::text as tz_text, create_date::date::text as d, (create_date at time zone 'Asia/Tokyo')::text as tokyo
from aws_iam_group order by name, account_id limit 10;

-- name: r33_coalesce_nullif_greatest_dates
select name, greatest(create_date, password_last_used) as last_seen, nullif(permissions_boundary_arn, '') as boundary
from aws_iam_user order by name, account_id limit 20;

-- name: r33_case_searched_ranges
select case when max_session_duration >= 43200 then '12h' when max_session_duration > 3600 then 'extended' else 'default' end as d, count(*) as n
from aws_iam_role group by 1 order by 1;

-- name: r33_exists_not_exists_keys
select u.name, exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id and k.status = 'Active') as active_key
from aws_iam_user u where not exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.status = 'Inactive') order by u.name, u.account_id limit 20;

-- name: r33_in_subquery_attached_groups
select name from aws_iam_group g where g.name in (select jsonb_array_elements(u.groups) ->> 'GroupName' from aws_iam_user u where u.account_id = g.account_id) order by name, account_id;

-- name: r33_org_accounts_by_status_method
select status, joined_method, count(*) as n, min(joined_timestamp) as first_joined from aws_organizations_account group by rollup (status, joined_method) order by status nulls last, joined_method nulls last;

-- name: r33_org_account_email_domain
select split_part(email, '@', 2) as domain, string_agg(name, ', ' order by name) as accounts from aws_organizations_account group by 1 order by 1;

-- name: r33_org_policy_content_statements
select name, type, jsonb_array_length(content -> 'Statement') as statements, content #>> '{Statement,0,Effect}' as first_effect
from aws_organizations_policy order by name, id;

-- name: r33_org_policy_deny_actions
select p.name, a from aws_organizations_policy p, jsonb_array_elements(case jsonb_typeof(p.content -> 'Statement') when 'array' then p.content -> 'Statement' else jsonb_build_array(p.content -> 'Statement') end) s,
  jsonb_array_elements_text(case jsonb_typeof(s -> 'Action') when 'array' then s -> 'Action' else jsonb_build_array(s -> 'Action') end) a
where s ->> 'Effect' = 'Deny' order by 1, 2;

-- name: r33_org_targets_per_policy
select name, count(distinct target_id) as targets, string_agg(distinct target_id, ',' order by target_id) as ids from aws_organizations_policy_target group by name order by name;

-- name: r33_org_root_policy_types
select r.id, t ->> 'Type' as type, t ->> 'Status' as status from aws_organizations_root r, jsonb_array_elements(r.policy_types) t order by 1, 2;

-- name: r33_credential_report_key_rotation_age
select user_name, access_key_1_active, date_part('day', timestamptz '2025-01-01 00:00:00+00' - access_key_1_last_rotated) as key1_days, justify_days(date_trunc('day', timestamptz '2025-01-01 00:00:00+00' - access_key_1_last_rotated)) as key1_age
from aws_iam_credential_report where access_key_1_active order by user_name, account_id limit 20;

-- name: r33_credential_report_unused_credentials
select user_name,
  case when password_enabled and coalesce(password_last_used, user_creation_time) < timestamptz '2024-01-01 00:00:00+00' then 'stale password' end as pw,
  case when access_key_1_active and coalesce(access_key_1_last_used_date, access_key_1_last_rotated) < timestamptz '2024-01-01 00:00:00+00' then 'stale key1' end as k1
from aws_iam_credential_report order by user_name, account_id limit 25;

-- name: r33_credential_report_password_status_counts
select password_status, mfa_active, count(*) as n from aws_iam_credential_report group by cube (password_status, mfa_active) order by password_status nulls last, mfa_active nulls last;

-- name: r33_credential_report_root_row
select account_id, user_name, mfa_active, password_last_used is null as never_signed_in, to_char(user_creation_time, 'YYYY-MM-DD') as created
from aws_iam_credential_report where user_name = '<root_account>' order by account_id;

-- name: r33_access_keys_per_user_ratio
select u.account_id, count(distinct u.name) as users, count(k.access_key_id) as keys, round(count(k.access_key_id)::numeric / nullif(count(distinct u.name), 0), 3) as per_user
from aws_iam_user u left join aws_iam_access_key k on k.user_name = u.name and k.account_id = u.account_id group by u.account_id order by u.account_id;

-- name: r33_access_key_last_used_service_regions
select coalesce(access_key_last_used_service, 'N/A') as service, count(*) as keys, max(access_key_last_used_date) as latest
from aws_iam_access_key group by 1 order by keys desc, 1;

-- name: r33_policy_version_from_default
select name, default_version_id, substring(default_version_id from 2)::int as version_number, substring(default_version_id from 2)::int > 1 as updated
from aws_iam_policy order by version_number desc, name, arn limit 15;

-- name: r33_policy_versions_elements
select p.name, v ->> 'VersionId' as version, (v ->> 'IsDefaultVersion')::boolean as is_default
from aws_iam_policy p, jsonb_array_elements(p.policy_versions) v where p.policy_versions is not null order by 1, 2 limit 25;

-- name: r33_policy_wildcard_resource_actions_count
select p.name, count(*) filter (where a = '*' or a like '%:*') as wildcard_actions, count(*) filter (where r = '*') as star_resources
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a, jsonb_array_elements_text(s -> 'Resource') r
where s ->> 'Effect' = 'Allow' group by p.name having count(*) filter (where a = '*' or a like '%:*') > 0 order by wildcard_actions desc, p.name limit 20;

-- name: r33_policy_services_distinct_count
select p.name, count(distinct split_part(a, ':', 1)) as services, array_agg(distinct split_part(a, ':', 1) order by split_part(a, ':', 1)) as list
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
group by p.name order by services desc, p.name limit 10;

-- name: r33_policy_not_action_not_resource
select name, s ? 'NotAction' as has_not_action, s ? 'NotResource' as has_not_resource, s ->> 'Effect' as effect
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s where s ?| array['NotAction', 'NotResource'] order by name, effect limit 20;

-- name: r33_role_trust_services_agg
select r.name, string_agg(svc, ',' order by svc) as services
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc
group by r.name, r.account_id order by r.name, r.account_id limit 20;

-- name: r33_role_cross_account_principals
select r.name, p as principal, split_part(p, ':', 5) as trusted_account, split_part(p, ':', 5) <> r.account_id as cross_account
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
order by r.name, p limit 25;

-- name: r33_role_last_used_region_counts
select coalesce(role_last_used_region, '(never)') as region, count(*) as roles, max(role_last_used_date) as latest
from aws_iam_role group by rollup (1) order by region nulls last;

-- name: r33_role_description_lengths
select name, length(description) as len, left(description, 20) as head, right(description, 10) as tail
from aws_iam_role where description is not null and description <> '' order by len desc, name, account_id limit 15;

-- name: r33_role_instance_profile_counts
select name, jsonb_array_length(coalesce(instance_profile_arns, '[]')) as profiles, instance_profile_arns ->> 0 as first_profile
from aws_iam_role order by profiles desc, name, account_id limit 15;

-- name: r33_user_groups_membership_matrix
select u.name, g ->> 'GroupName' as group_name, to_char((g ->> 'CreateDate')::timestamptz, 'YYYY-MM') as group_created
from aws_iam_user u, jsonb_array_elements(u.groups) g order by 1, 2 limit 25;

-- name: r33_user_mfa_device_serials
select u.name, m ->> 'SerialNumber' as serial, split_part(m ->> 'SerialNumber', '/', -1) as device, (m ->> 'EnableDate')::timestamptz as enabled
from aws_iam_user u, jsonb_array_elements(u.mfa_devices) m order by 1, 2;

-- name: r33_user_inline_policy_names
select u.name, ip ->> 'PolicyName' as policy, jsonb_array_length(ip -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) ip order by 1, 2 limit 20;

-- name: r33_user_attached_policy_arn_parts
select u.name, split_part(a, '/', -1) as policy_name, a like 'arn:aws:iam::aws:policy/%' as aws_managed
from aws_iam_user u, jsonb_array_elements_text(u.attached_policy_arns) a order by 1, 2 limit 25;

-- name: r33_group_users_count_and_names
select g.name, jsonb_array_length(g.users) as members, (select string_agg(m ->> 'UserName', ',' order by m ->> 'UserName') from jsonb_array_elements(g.users) m) as names
from aws_iam_group g order by members desc nulls last, g.name, g.account_id limit 15;

-- name: r33_group_without_users_or_policies
select name, users is null or users = '[]'::jsonb as empty, attached_policy_arns is null as no_managed, inline_policies is null as no_inline
from aws_iam_group order by name, account_id;

-- name: r33_events_error_rate_per_source
select event_source, count(*) as n, round(100.0 * count(*) filter (where error_code is not null) / count(*), 2) as error_pct
from aws_cloudtrail_trail_event group by event_source having count(*) >= 10 order by error_pct desc, event_source limit 15;

-- name: r33_events_source_ip_classes
select case when source_ip_address ~ '^[0-9.]+$' then 'ipv4' when source_ip_address like '%.amazonaws.com' then 'aws service' when source_ip_address like '%:%' then 'ipv6' else 'other' end as kind, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by n desc, 1;

-- name: r33_events_hour_of_day_histogram
select extract(hour from event_time at time zone 'UTC') as hour, count(*) as n, repeat('#', (count(*) / 50)::int) as bar
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: r33_events_console_logins_outcome
select username, response_elements ->> 'ConsoleLogin' as outcome, additional_event_data ->> 'MFAUsed' as mfa, count(*) as n
from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' group by 1, 2, 3 order by n desc, 1, 2, 3;

-- name: r33_events_assume_role_targets
select request_parameters ->> 'roleArn' as role_arn, split_part(request_parameters ->> 'roleArn', '/', -1) as role_name, count(*) as n
from aws_cloudtrail_trail_event where event_name = 'AssumeRole' group by 1, 2 order by n desc, 1 nulls last limit 15;

-- name: r33_events_user_agent_tools
select case when user_agent ilike 'aws-cli%' then 'cli' when user_agent ilike '%boto%' then 'sdk-python' when user_agent ilike '%console%' or user_agent ilike 'signin%' then 'console' else 'other' end as tool, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by n desc, 1;

-- name: r33_events_session_context_mfa
select user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa, user_identity ->> 'type' as type, count(*) as n
from aws_cloudtrail_trail_event group by 1, 2 order by n desc, 1 nulls first, 2 limit 15;

-- name: r33_events_resources_arns
select e.event_name, r ->> 'type' as type, count(*) as n from aws_cloudtrail_trail_event e, jsonb_array_elements(e.resources) r
where jsonb_typeof(e.resources) = 'array' group by 1, 2 order by n desc, 1, 2 limit 15;

-- name: r33_events_tls_versions
select tls_details ->> 'tlsVersion' as tls, tls_details ->> 'cipherSuite' as cipher, count(*) as n
from aws_cloudtrail_trail_event where tls_details is not null group by 1, 2 order by n desc, 1, 2 limit 10;

-- name: r33_events_minutes_between_first_last
select username, min(event_time) as first, max(event_time) as last, extract(epoch from max(event_time) - min(event_time)) / 60 as minutes
from aws_cloudtrail_trail_event where username <> '' group by username having count(*) > 5 order by minutes desc, username limit 15;

-- name: r33_events_per_day_cumulative
select day, n, sum(n) over (order by day) as running_total from (select event_time::date as day, count(*) as n from aws_cloudtrail_trail_event group by 1) d order by day limit 30;

-- name: r33_events_date_bin_fifteen_minutes
select date_bin('15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as slot, count(*) as n
from aws_cloudtrail_trail_event group by 1 order by n desc, slot limit 10;

-- name: r33_events_read_only_ratio_by_user_type
select user_type, round(avg(case when read_only then 1 else 0 end), 4) as read_ratio, count(*) as n
from aws_cloudtrail_trail_event group by user_type order by n desc, user_type;

-- name: r33_events_error_message_prefix
select left(error_message, 40) as msg, count(*) as n from aws_cloudtrail_trail_event where error_message is not null group by 1 order by n desc, 1 limit 10;

-- name: r33_events_event_time_text_forms
select event_id, event_time::text as t, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as iso, extract(epoch from event_time)::bigint % 86400 as seconds_of_day
from aws_cloudtrail_trail_event order by event_time, event_id limit 10;

-- name: r33_date_function_minus_date_function
select access_key_id, date(timestamptz '2025-06-01 00:00:00+00') - date(create_date) as age_days, date(create_date) as created, date(create_date)::text as created_text
from aws_iam_access_key order by access_key_id limit 15;

-- name: r33_date_function_in_json_and_concat
select name, jsonb_build_object('created', date(create_date)) as doc, 'created ' || date(create_date) as label, format('%s', date(create_date)) as f
from aws_iam_group order by name, account_id limit 10;

-- name: r33_date_function_plus_integer_grouped
select date(event_time) + 1 as next_day, count(*) as n from aws_cloudtrail_trail_event group by 1 order by 1 limit 10;

-- name: r33_date_plus_days_minus_current_date
select name, create_date::date + 90 as due, (create_date::date + 90) - date '2025-01-01' as days_left, 7 + create_date::date as week_later, (create_date::date - 1)::text as day_before
from aws_iam_user order by account_id, name limit 20;

-- name: r33_date_plus_days_in_json_and_format
select name, jsonb_build_object('due', create_date::date + 30) as doc, format('%s', create_date::date + 30) as f, to_char(create_date::date + 30, 'Dy DD Mon') as label
from aws_iam_group order by name, account_id limit 10;

-- name: r33_interval_extract_parts
select access_key_id, extract(day from timestamptz '2025-01-01 00:00:00+00' - create_date) as days, extract(epoch from timestamptz '2025-01-01 00:00:00+00' - create_date)::bigint / 86400 as days2, date_part('hour', timestamptz '2025-01-01 00:00:00+00' - create_date) as hours
from aws_iam_access_key order by access_key_id limit 10;

-- name: r33_string_agg_distinct_case_expression
select account_id, string_agg(distinct case when mfa_enabled then 'mfa' else 'no-mfa' end, '/' order by case when mfa_enabled then 'mfa' else 'no-mfa' end) as kinds
from aws_iam_user group by account_id order by account_id;

-- name: r33_array_agg_filter_text_cast
select account_id, (array_agg(name order by name) filter (where path <> '/'))::text as pathed, array_length(array_agg(distinct path), 1) as n
from aws_iam_role group by account_id order by account_id;

-- name: r33_count_distinct_pairs_and_nulls
select count(distinct (account_id, path)) as pairs, count(distinct role_last_used_region) as regions, count(role_last_used_region) as used, count(*) - count(role_last_used_region) as unused
from aws_iam_role;

-- name: r33_numeric_division_text_in_concat
select account_id, count(*) || ' roles, ' || round(100.0 * count(*) filter (where path <> '/') / count(*), 1) || '% with a path' as summary, avg(max_session_duration) / 3600 as avg_hours
from aws_iam_role group by account_id order by account_id;

-- name: r33_regexp_replace_backrefs_and_case
select name, regexp_replace(name, '([A-Z])', '_\1', 'g') as snake, lower(regexp_replace(name, '([a-z])([A-Z])', '\1-\2', 'g')) as kebab
from aws_iam_role order by name, account_id limit 15;

-- name: r33_left_join_lateral_top_key
select u.name, k.access_key_id, k.create_date
from aws_iam_user u left join lateral (select access_key_id, create_date from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id order by create_date desc, access_key_id limit 1) k on true
order by u.account_id, u.name limit 20;

-- name: r33_cte_materialized_reuse
with keys as materialized (select user_name, account_id, count(*) as n from aws_iam_access_key group by 1, 2)
select k1.user_name, k1.n, (select max(n) from keys) as max_n from keys k1 where k1.n = (select max(n) from keys) order by 1, 2;

-- name: r33_union_all_order_limit_labels
(select 'user' as kind, name from aws_iam_user order by name limit 3) union all (select 'role', name from aws_iam_role order by name limit 3) order by kind, name;

-- name: r33_intersect_except_key_users
select name from aws_iam_user intersect select user_name from aws_iam_credential_report except select name from aws_iam_user where mfa_enabled order by 1 limit 20;

-- name: r33_values_join_labels
select v.label, count(r.name) as roles from (values ('/', 'root path'), ('/service-role/', 'service roles'), ('/aws-service-role/', 'linked')) as v(path, label)
left join aws_iam_role r on r.path like v.path || '%' group by v.label order by v.label;

-- name: r33_jsonb_array_elements_text_with_ordinality_filter
select p.name, a.action, a.n from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') with ordinality as a(action, n)
where a.n <= 2 and p.name like 'AWS%' order by p.name, a.n, a.action limit 20;

-- name: r33_to_char_fm_th_ordinals
select name, to_char(create_date, 'FMDDth "of" FMMonth') as day_th, to_char(create_date, 'FMHH12 am') as hour12
from aws_iam_group order by name, account_id limit 10;

-- name: r33_greatest_least_mixed_nulls
select name, greatest(attachment_count, permissions_boundary_usage_count, 0) as g, least(attachment_count, permissions_boundary_usage_count) as l, coalesce(nullif(attachment_count, 0), -1) as c
from aws_iam_policy order by name, arn limit 15;

-- name: r33_boolean_aggregates_over_window
select name, mfa_enabled, bool_or(mfa_enabled) over (partition by account_id) as any_mfa, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_users
from aws_iam_user order by account_id, name limit 20;

-- name: r33_substring_regex_groups
select arn, substring(arn from ':([0-9]{12}):') as account, substring(arn from 'role/(.*)$') as role_path_name, substring(name, 1, 5) as head
from aws_iam_role order by arn limit 15;

-- name: r33_interval_comparisons_and_text
select name, max_session_duration * interval '1 second' as max_session, (max_session_duration * interval '1 second') > interval '1 hour' as extended, make_interval(secs => max_session_duration)::text as t
from aws_iam_role order by name, account_id limit 15;

-- name: r33_round_avg_interval_epoch
select account_id, round(avg(extract(epoch from timestamptz '2025-01-01 00:00:00+00' - create_date)) / 86400, 2) as avg_days, justify_hours(avg(timestamptz '2025-01-01 00:00:00+00' - create_date)) as avg_age
from aws_iam_user group by account_id order by account_id;

-- name: r33_trail_event_selectors_flags
select name, is_multi_region_trail, include_global_service_events, coalesce(jsonb_array_length(event_selectors), 0) as selectors, log_file_validation_enabled
from aws_cloudtrail_trail order by name, arn;

-- name: r33_cross_join_counts_matrix
select u.account_id, count(distinct u.name) as users, count(distinct r.name) as roles
from aws_iam_user u join aws_iam_role r using (account_id) group by u.account_id order by 1;
-- name: r33_format_star_width_identifier_literal
select format('%*I|%-*L|', 20, name, 12, path) as padded from aws_iam_role order by name, account_id limit 10;

-- name: r33_format_star_width_from_column
select format('%*s|', length(name) + 2, name) as exact_plus_two, format('%-*s|', max_session_duration / 3600, 'h') as by_hours from aws_iam_role order by name, account_id limit 10;

-- name: r33_format_numeric_division_and_date
select format('%s of %s (%s%%)', count(*) filter (where mfa_enabled), count(*), round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1)) as mfa, format('%s', avg(length(name))) as avg_len
from aws_iam_user;

-- name: r33_json_agg_nested_array_member
select account_id, json_agg(r order by r.name) -> 0 ->> 'name' as first_name, json_agg(r.paths order by r.name) ->> 0 as first_paths
from (select account_id, name, string_to_array(trim(both '/' from path), '/') as paths from aws_iam_role) r group by account_id order by account_id;

-- name: r33_limit_from_window_count
select name from aws_iam_role order by name, account_id limit (select count(*) / 10 from aws_iam_role);

-- name: r33_similar_to_escape_in_case
select case when name similar to '%$_%' escape '$' then 'underscore' when name similar to '%-%' then 'dash' else 'plain' end as kind, count(*) as n
from aws_iam_role group by 1 order by 1;

-- name: r33_jsonb_build_object_avg_member_where
select account_id from aws_iam_role group by account_id having (jsonb_build_object('avg', avg(length(name))) ->> 'avg')::numeric > 10 order by 1;

-- name: r33_to_jsonb_avg_text_per_account
select account_id, to_jsonb(avg(length(name)))::text as avg_name_length, jsonb_build_object('n', count(*), 'avg', avg(length(name)))::text as doc
from aws_iam_user group by account_id order by account_id;

-- name: r34_jsonb_agg_of_division_per_account
select account_id, jsonb_agg(jsonb_array_length(groups) / 3.0 order by name, arn) as thirds,
  jsonb_agg(jsonb_array_length(groups) / 3.0 order by name, arn)::text as thirds_text
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_json_agg_of_count_over_seven_text
select json_agg(users::numeric / 7 order by account_id)::text as sevenths
from (select account_id, count(*) as users from aws_iam_role group by account_id) as per_account;

-- name: r34_jsonb_agg_of_count_divisions_per_path
select account_id, jsonb_agg(share order by share, path) as shares
from (select account_id, path, count(*)::numeric / 7 as share from aws_iam_user group by account_id, path) as s
group by account_id
order by account_id;

-- name: r34_computed_keys_of_built_objects
select name, account_id, jsonb_build_object(name || '_path', path, lower(name), jsonb_array_length(groups)) as doc
from aws_iam_user
order by name, account_id
limit 20;

-- name: r34_jsonb_object_agg_of_lowered_names
select account_id, jsonb_object_agg(lower(name), path) as paths
from aws_iam_group
group by account_id
order by account_id;

-- name: r34_arrow_with_computed_key
select name, account_id, tags -> (k || '') as tag_value, assume_role_policy ->> ('Vers' || 'ion') as version
from aws_iam_role, (select 'Name' as k) as s
order by name, account_id;

-- name: r34_integer_division_of_counts_and_sums
select account_id, count(*) / 2 as half, sum(jsonb_array_length(groups)) / count(*) as groups_per_user,
  count(*) * 100 / nullif(sum(case when mfa_enabled then 1 else 0 end), 0) as pct_int, -7 / 2 as neg_half
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_cte_chain_unused_keys_status
with keys as (
  select user_name, account_id, access_key_id, status, create_date, access_key_last_used_date
  from aws_iam_access_key
), graded as (
  select *, case when access_key_last_used_date is null then 'never' when access_key_last_used_date < now() - interval '90 days' then 'stale' else 'recent' end as usage
  from keys
)
select 'arn:aws:iam::' || account_id || ':user/' || user_name as resource,
  case when usage = 'recent' or status = 'Inactive' then 'ok' else 'alarm' end as status,
  format('%s key %s is %s (%s).', user_name, access_key_id, usage, lower(status)) as reason,
  account_id
from graded
order by resource, access_key_id;

-- name: r34_cte_chain_admin_policies_concat_reason
with stmts as (
  select p.arn, p.account_id, s
  from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
  where not p.is_aws_managed
), admin as (
  select arn, account_id, count(*) as admin_statements
  from stmts
  where s ->> 'Effect' = 'Allow' and s -> 'Action' ? '*' and s -> 'Resource' ? '*'
  group by arn, account_id
)
select p.arn as resource,
  case when a.arn is null then 'ok' else 'alarm' end as status,
  concat(p.name, ' has ', coalesce(a.admin_statements, 0), ' full-admin statement', case when coalesce(a.admin_statements, 0) = 1 then '' else 's' end, '.') as reason,
  p.account_id
from aws_iam_policy p left join admin a on a.arn = p.arn and a.account_id = p.account_id
where not p.is_aws_managed
order by resource, p.account_id;

-- name: r34_cte_password_policy_format_positions
with pol as (
  select account_id, minimum_password_length as len, password_reuse_prevention as reuse, max_password_age as age
  from aws_iam_account_password_policy
)
select a.account_id,
  case when pol.len >= 14 and coalesce(pol.reuse, 0) >= 24 then 'ok' when pol.account_id is null then 'alarm' else 'info' end as status,
  format('%1$s: length %2$s, reuse %3$s, age %4$s (%1$s)', a.account_id, coalesce(pol.len::text, 'unset'), coalesce(pol.reuse::text, 'unset'), coalesce(pol.age::text, 'unset')) as reason
from aws_account a left join pol on pol.account_id = a.account_id
order by a.account_id;

-- name: r34_jsonb_path_exists_allow_star_filter
select arn, account_id, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Action[*] == "*")') as allows_star
from aws_iam_policy
where not is_aws_managed
order by arn, account_id;

-- name: r34_jsonb_path_exists_with_vars
select arn, account_id, jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ == $act)', jsonb_build_object('act', 's3:getobject')) as has_get_object,
  jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == $e)', '{"e": "Deny"}') as has_deny
from aws_iam_policy
where not is_aws_managed
order by arn, account_id;

-- name: r34_jsonb_path_query_first_action_like
select name, account_id, jsonb_path_query_first(assume_role_policy_std, '$.Statement[*].Principal.Service[*] ? (@ like_regex "^ec2")') as first_ec2,
  jsonb_path_query_first(assume_role_policy_std, '$.Statement[0].Effect') #>> '{}' as first_effect
from aws_iam_role
order by name, account_id;

-- name: r34_jsonb_path_query_first_starts_with
select name, account_id, jsonb_path_query_first(assume_role_policy_std, '$.Statement[*].Principal.AWS[*] ? (@ starts with "arn:aws:iam::")') as first_aws_principal
from aws_iam_role
where jsonb_path_exists(assume_role_policy_std, '$.Statement[*].Principal.AWS')
order by name, account_id;

-- name: r34_at_question_and_at_at_operators
select name, account_id,
  assume_role_policy_std @? '$.Statement[*] ? (@.Condition != null)' as has_condition,
  assume_role_policy_std @@ '$.Statement.size() > 1' as several_statements,
  assume_role_policy_std @@ '$.Statement[0].Effect == "Allow"' as first_allows
from aws_iam_role
order by name, account_id;

-- name: r34_at_at_on_policy_action_count
select arn, account_id, policy_std @@ '$.Statement[*].Action.size() > 5' as wide_statement,
  policy_std @? '$.Statement[*].Resource[*] ? (@ == "*")' as any_star_resource
from aws_iam_policy
where not is_aws_managed
order by arn, account_id;

-- name: r34_jsonb_minus_text_array
select name, account_id, (tags - array['Name', 'Owner']) as other_tags, tags - 'Name'::text as no_name
from aws_iam_role
where tags is not null and tags <> '{}'::jsonb
order by name, account_id;

-- name: r34_jsonb_delete_path
select name, account_id, assume_role_policy #- '{Statement,0,Condition}' as without_first_condition,
  assume_role_policy #- '{Version}' as without_version
from aws_iam_role
where assume_role_policy_std @? '$.Statement[*].Condition'
order by name, account_id;

-- name: r34_jsonb_concat_arrays_and_objects
select name, account_id, (coalesce(attached_policy_arns, '[]'::jsonb) || coalesce(groups, '[]'::jsonb)) as combined_len_src,
  jsonb_build_object('user', name) || jsonb_build_object('mfa', mfa_enabled) as doc,
  '[1]'::jsonb || '{"a": 2}'::jsonb as array_then_object
from aws_iam_user
order by name, account_id
limit 25;

-- name: r34_jsonb_concat_overwrites_key
select name, account_id, coalesce(tags, '{}'::jsonb) || '{"checked": true}'::jsonb || jsonb_build_object('account', account_id) as tagged
from aws_iam_role
order by name, account_id
limit 30;

-- name: r34_to_jsonb_of_timestamps_and_intervals
select name, account_id, to_jsonb(create_date) as created_json, to_jsonb(create_date::timestamp) as local_json,
  to_jsonb(interval '1 day 2 hours') as iv, to_jsonb(create_date::date) as day
from aws_iam_user
order by name, account_id
limit 20;

-- name: r34_jsonb_build_object_with_interval_age
select access_key_id, jsonb_build_object('created', create_date, 'age', date_trunc('day', now() - create_date) - date_trunc('day', now() - create_date)) as doc
from aws_iam_access_key
order by access_key_id;

-- name: r34_regexp_split_to_table_arn
select arn, account_id, part, ordinality
from aws_iam_role, regexp_split_to_table(arn, '[:/]') with ordinality as part
where path <> '/'
order by arn, account_id, ordinality;

-- name: r34_regexp_count_and_like
select name, account_id, regexp_count(name, '[A-Z]') as capitals, regexp_count(arn, '/') as slashes,
  regexp_like(name, '^(admin|Admin)') as admin_like, regexp_like(name, 'ROLE', 'i') as role_ci
from aws_iam_role
order by name, account_id;

-- name: r34_regexp_substr_parts
select arn, account_id, regexp_substr(arn, '[^:]+', 1, 5) as account_part, regexp_substr(arn, '[^/]+$') as last_segment,
  regexp_substr(name, '[0-9]+') as first_digits
from aws_iam_policy
where not is_aws_managed
order by arn, account_id;

-- name: r34_regexp_count_start_and_flags
select name, account_id, regexp_count(name, 'a', 3) as a_after_3, regexp_count(name, 'A', 1, 'i') as a_any_case
from aws_iam_user
order by name, account_id;

-- name: r34_concat_ws_with_nulls
select name, account_id, concat_ws('/', path, null, permissions_boundary_arn, name) as joined,
  concat_ws(null, name, path) as null_sep, concat_ws(',', null, null) as all_null
from aws_iam_user
order by name, account_id;

-- name: r34_left_right_negative_lengths
select name, account_id, left(name, -2) as drop_last_two, right(name, -3) as drop_first_three, left(name, 0) as empty_left,
  right(null::text, 2) as null_right, left(name, -100) as all_dropped
from aws_iam_group
order by name, account_id;

-- name: r34_lpad_rpad_edge_fills
select name, account_id, lpad(name, 12, '') as empty_fill, lpad(name, 3) as cut, rpad(name, 14, '.-') as dotted,
  lpad(null, 4, 'x') as null_pad, lpad(name, -1, 'x') as negative
from aws_iam_group
order by name, account_id;

-- name: r34_string_functions_on_null
select count(*) as n, max(upper(null::text)) as up, max(length(null::text)) as len, max(concat(null, null)) as cc,
  max(replace(null::text, 'a', 'b')) as rep, max(split_part(null::text, ':', 1)) as sp, max(coalesce(reverse(null::text), 'none')) as rev
from aws_iam_group;

-- name: r34_to_char_fm_and_separators
select account_id, count(*) as users, to_char(count(*), 'FM999,999') as fm, to_char(count(*) * 1234.5, '9,999,999.99') as grouped,
  to_char(count(*), '0000') as zero_padded, to_char(-count(*) * 1.5, 'FM9990.00') as negative
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_to_char_decimal_places
select account_id, to_char(avg(length(name)), 'FM990.000') as avg_len, to_char(sum(length(name)) / 7.0, '999D9') as per_week,
  to_char(0.5, 'FM0.0') as half, to_char(1234567.891, 'FM9G999G999D99') as gd
from aws_iam_role
group by account_id
order by account_id;

-- name: r34_round_negative_half_values
select v, round(v) as r0, round(v, 1) as r1, round(v::double precision) as rd, trunc(v) as t0
from (values (-2.5), (-0.5), (-1.45), (2.5), (-3.55)) as t(v)
order by v;

-- name: r34_trunc_round_negative_scale
select account_id, sum(length(arn)) as total, trunc(sum(length(arn)), -2) as hundreds, round(sum(length(arn))::numeric, -1) as tens,
  trunc(-1234.567, -1) as neg_trunc, round(-1250, -2) as neg_round
from aws_iam_policy
group by account_id
order by account_id;

-- name: r34_width_bucket_name_lengths
select name, account_id, length(name) as len, width_bucket(length(name), 0, 40, 4) as bucket,
  width_bucket(length(name)::numeric, 5, 25, 5) as num_bucket
from aws_iam_role
order by name, account_id;

-- name: r34_width_bucket_of_key_ages
select access_key_id, width_bucket(extract(epoch from create_date), 1262304000, 1735689600, 10) as period_bucket
from aws_iam_access_key
order by access_key_id;

-- name: r34_to_timestamp_of_epoch
select access_key_id, to_timestamp(extract(epoch from create_date)) as back, to_timestamp(0) as epoch,
  to_timestamp(1700000000.5) as half_sec, to_timestamp(floor(extract(epoch from create_date) / 86400) * 86400) as day_start
from aws_iam_access_key
order by access_key_id;

-- name: r34_date_part_of_intervals
select name, account_id, date_part('day', interval '40 days 5 hours') as d, date_part('hour', interval '40 days 5 hours') as h,
  date_part('month', interval '14 months') as m, date_part('year', interval '14 months') as y,
  date_part('epoch', interval '1 day') as e, extract(minute from interval '90 minutes') as mins
from aws_iam_group
order by name, account_id
limit 3;

-- name: r34_timestamptz_text_in_session_zone
select access_key_id, create_date::text as created_text, (create_date at time zone 'UTC')::text as utc_local,
  to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SSOF') as with_offset
from aws_iam_access_key
order by access_key_id;

-- name: r34_overlaps_key_lifetimes
select a.access_key_id, b.access_key_id as other_key,
  (a.create_date, coalesce(a.access_key_last_used_date, now())) overlaps (b.create_date, coalesce(b.access_key_last_used_date, now())) as overlapping
from aws_iam_access_key a join aws_iam_access_key b on a.user_name = b.user_name and a.account_id = b.account_id and a.access_key_id < b.access_key_id
order by 1, 2;

-- name: r34_date_bin_events_fifteen_minutes
select date_bin('15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as bucket, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by 1
limit 40;

-- name: r34_date_bin_origin_offset
select date_bin(interval '1 hour', event_time, timestamptz '2001-01-01 00:07:00+00') as bucket, event_source, count(*) as n
from aws_cloudtrail_trail_event
where event_source like 'iam%'
group by 1, 2
order by 1, 2;

-- name: r34_age_of_two_timestamps_with_months
select name, account_id, age(now(), create_date) as since_created, age(timestamptz '2024-03-31 00:00:00+00', create_date) as to_march,
  age(create_date, timestamptz '2010-01-31 12:00:00+00') as from_2010
from aws_iam_group
order by name, account_id;

-- name: r34_age_months_years_extract
select name, account_id, extract(year from age(timestamptz '2025-01-01 00:00:00+00', create_date)) as years,
  extract(month from age(timestamptz '2025-01-01 00:00:00+00', create_date)) as months,
  date_part('day', age(timestamptz '2025-01-01 00:00:00+00', create_date)) as days
from aws_iam_role
order by name, account_id;

-- name: r34_array_agg_distinct_order
select account_id, array_agg(distinct path order by path) as paths, array_agg(distinct mfa_enabled) as mfa_values,
  array_agg(distinct path order by path desc) as paths_desc
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_string_agg_over_elements_text
select name, account_id, string_agg(a, ', ' order by a) as actions, string_agg(distinct split_part(a, ':', 1), '|') as services
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where not is_aws_managed
group by name, account_id
order by name, account_id;

-- name: r34_percentile_disc_of_lengths
select account_id, percentile_disc(0.5) within group (order by length(name)) as median_len,
  percentile_disc(0.9) within group (order by create_date) as p90_created,
  percentile_disc(array[0.25, 0.75]) within group (order by length(name)) as quartiles
from aws_iam_role
group by account_id
order by account_id;

-- name: r34_corr_regr_of_lengths
select account_id, round(corr(length(name), length(arn))::numeric, 6) as c, round(regr_slope(length(arn), length(name))::numeric, 6) as slope,
  round(regr_intercept(length(arn), length(name))::numeric, 6) as intercept, regr_count(length(arn), length(name)) as n,
  round(regr_r2(length(arn), length(name))::numeric, 6) as r2
from aws_iam_role
group by account_id
order by account_id;

-- name: r34_stddev_on_one_row
select account_id, stddev(length(name)) as sd, stddev_pop(length(name)) as sd_pop, variance(length(name)) as var, var_pop(length(name)) as vp, count(*) as n
from aws_iam_group
group by account_id
order by account_id;

-- name: r34_regr_avg_and_sxx
select regr_avgx(length(name), length(path)) as ax, regr_avgy(length(name), length(path)) as ay, regr_sxx(length(name), length(path)) as sxx,
  covar_pop(length(name), length(path)) as cp, covar_samp(length(name), length(path)) as cs
from aws_iam_user;

-- name: r34_union_order_limit_names
select name, 'user' as kind from aws_iam_user where path <> '/'
union
select name, 'role' from aws_iam_role where path <> '/'
order by kind desc, name
limit 15;

-- name: r34_union_all_order_offset
(select name, account_id from aws_iam_group order by name, account_id limit 3)
union all
(select name, account_id from aws_iam_group order by name desc, account_id limit 2)
order by name, account_id
offset 1;

-- name: r34_intersect_except_accounts
select account_id from aws_iam_user
intersect
select account_id from aws_iam_role
except
select account_id from aws_iam_account_password_policy
order by 1;

-- name: r34_except_all_paths
select path from aws_iam_role
except all
select path from aws_iam_user
order by path
limit 10;

-- name: r34_exists_not_exists_keys
select u.name, u.account_id,
  exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id) as has_key,
  not exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id and k.status = 'Active') as no_active_key
from aws_iam_user u
order by u.name, u.account_id;

-- name: r34_in_and_not_in_with_nulls
select name, account_id, permissions_boundary_arn in (select permissions_boundary_arn from aws_iam_role) as boundary_in_roles,
  path not in ('/', null) as not_in_with_null, name in ('Bob', null) as in_with_null
from aws_iam_user
order by name, account_id;

-- name: r34_not_in_subquery_with_null_rows
select count(*) filter (where path not in (select permissions_boundary_arn from aws_iam_user)) as none_match,
  count(*) filter (where path not in (select permissions_boundary_arn from aws_iam_user where permissions_boundary_arn is not null)) as some_match,
  count(*) as total
from aws_iam_role;

-- name: r34_any_all_arrays_with_nulls
select name, account_id, name = any(array['Bob', null]) as any_null, name <> all(array['Bob', null]) as all_null,
  length(name) > all(array[3, 4]) as longer, length(name) < any(array[null::int, 5]) as shorter_or_null
from aws_iam_user
order by name, account_id;

-- name: r34_any_over_jsonb_text_array
select name, account_id
from aws_iam_role
where 'sts:assumerole' = any(array(select jsonb_array_elements_text(s -> 'Action') from jsonb_array_elements(assume_role_policy_std -> 'Statement') s))
order by name, account_id;

-- name: r34_all_empty_array_and_null
select name, account_id, name = all(array[]::text[]) as all_empty, name = any(array[]::text[]) as any_empty,
  null::text = any(array['a']) as null_any
from aws_iam_group
order by name, account_id;

-- name: r34_group_by_ordinal_and_alias
select split_part(arn, ':', 5) as acct, path as p, count(*) as n
from aws_iam_role
group by acct, 2
order by 1, 2;

-- name: r34_group_by_alias_expression_order_by_alias
select date_trunc('year', create_date) as yr, count(*) as created
from aws_iam_user
group by yr
order by yr desc;

-- name: r34_having_without_group_by
select count(*) as users, max(create_date) as newest
from aws_iam_user
having count(*) > 5;

-- name: r34_having_without_group_by_empty
select count(*) as admins
from aws_iam_group
having count(*) > 100000;

-- name: r34_window_rows_exclude_current
select name, account_id, length(name) as len,
  sum(length(name)) over (partition by account_id order by name, arn rows between 1 preceding and 1 following exclude current row) as neighbours
from aws_iam_group
order by account_id, name, arn;

-- name: r34_window_range_exclude_ties
select name, account_id, length(name) as len,
  count(*) over (partition by account_id order by length(name) range between 2 preceding and 2 following exclude ties) as near_len,
  count(*) over (partition by account_id order by length(name) range between current row and unbounded following exclude group) as longer
from aws_iam_role
order by account_id, name, arn;

-- name: r34_window_groups_frame
select name, account_id, length(name) as len,
  string_agg(name, ',') over (partition by account_id order by length(name), name groups between 1 preceding and current row) as last_two_groups,
  max(name) over (partition by account_id order by length(name) groups between unbounded preceding and 1 preceding) as prev_groups_max
from aws_iam_user
order by account_id, len, name, arn;

-- name: r34_window_rows_exclude_group
select event_id, event_name, count(*) over (order by event_time, event_id rows between 2 preceding and 2 following exclude group) as others,
  first_value(event_name) over (order by event_time, event_id rows between 3 preceding and current row exclude current row) as earlier
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
order by event_time, event_id
limit 50;

-- name: r34_lateral_ordinality_nested_arrays
select p.name, p.account_id, s.idx as statement, a.idx as action_no, a.action
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s(stmt, idx),
  lateral jsonb_array_elements_text(s.stmt -> 'Action') with ordinality as a(action, idx)
where not p.is_aws_managed
order by p.name, p.account_id, s.idx, a.idx
limit 200;

-- name: r34_lateral_ordinality_principals
select r.name, r.account_id, st.n, pr.k, pr.pos
from aws_iam_role r
  cross join lateral jsonb_array_elements(r.assume_role_policy_std -> 'Statement') with ordinality as st(s, n)
  cross join lateral jsonb_object_keys(st.s -> 'Principal') with ordinality as pr(k, pos)
order by r.name, r.account_id, st.n, pr.pos;

-- name: r34_left_join_lateral_ordinality_resources
select p.name, p.account_id, r.res, r.ord
from aws_iam_policy p
  left join lateral jsonb_array_elements_text(p.policy_std -> 'Statement' -> 0 -> 'Resource') with ordinality as r(res, ord) on true
where not p.is_aws_managed
order by p.name, p.account_id, r.ord;

-- name: r34_org_accounts_status_rows
with accounts as (
  select id, name, email, status, joined_method, joined_timestamp from aws_organizations_account
)
select id as resource,
  case when status = 'ACTIVE' and joined_method = 'CREATED' then 'ok' when status = 'ACTIVE' then 'info' else 'alarm' end as status,
  format('%s (%s) joined by %s on %s.', name, email, lower(joined_method), to_char(joined_timestamp, 'YYYY-MM-DD')) as reason
from accounts
order by resource;

-- name: r34_org_policy_content_paths
select id, name, type, jsonb_path_query_array(content, '$.Statement[*].Effect') as effects,
  jsonb_path_exists(content, '$.Statement[*] ? (@.Effect == "Deny")') as denies,
  content @? '$.Statement[*].Condition' as conditional
from aws_organizations_policy
order by id;

-- name: r34_org_policy_deny_actions_lateral
select p.id, s.ord, a.action
from aws_organizations_policy p,
  jsonb_array_elements(case jsonb_typeof(p.content -> 'Statement') when 'array' then p.content -> 'Statement' else jsonb_build_array(p.content -> 'Statement') end) with ordinality as s(stmt, ord),
  jsonb_array_elements_text(case jsonb_typeof(s.stmt -> 'Action') when 'array' then s.stmt -> 'Action' when 'string' then jsonb_build_array(s.stmt -> 'Action') else '[]'::jsonb end) as a(action)
order by p.id, s.ord, a.action;

-- name: r34_org_units_and_parents
select ou.id, ou.name, ou.parent_id, coalesce(parent.name, r.name, 'unknown') as parent_name, regexp_count(ou.path, '/') as depth
from aws_organizations_organizational_unit ou
  left join aws_organizations_organizational_unit parent on parent.id = ou.parent_id
  left join aws_organizations_root r on r.id = ou.parent_id
order by ou.id;

-- name: r34_org_root_policy_types
select r.id, t ->> 'Type' as policy_type, t ->> 'Status' as status, jsonb_typeof(r.policy_types) as kind
from aws_organizations_root r, jsonb_array_elements(r.policy_types) t
order by r.id, policy_type;

-- name: r34_accessanalyzer_status_rows
select a.account_id,
  case when count(aa.arn) filter (where aa.status = 'ACTIVE') > 0 then 'ok' else 'alarm' end as status,
  concat_ws(', ', nullif(string_agg(aa.name || ' (' || aa.type || ')', ', ' order by aa.name), ''), 'none active') as analyzers
from aws_account a left join aws_accessanalyzer_analyzer aa on aa.account_id = a.account_id
group by a.account_id
order by a.account_id;

-- name: r34_accessanalyzer_findings_by_type
select a.name, a.type, a.status, count(f.id) as findings, count(f.id) filter (where f.is_public) as public_findings,
  jsonb_agg(f.resource order by f.resource) filter (where f.id is not null) as resources
from aws_accessanalyzer_analyzer a left join aws_accessanalyzer_finding f on f.access_analyzer_arn = a.arn
group by a.name, a.type, a.status
order by a.name;

-- name: r34_trail_event_errors_cte_status
with failures as (
  select coalesce(username, user_identity ->> 'arn', 'unknown') as who, event_source, count(*) as n
  from aws_cloudtrail_trail_event
  where error_code is not null
  group by 1, 2
)
select who, event_source,
  case when n >= 5 then 'alarm' when n > 1 then 'info' else 'ok' end as status,
  format('%s failed %s call%s to %s', who, n, case when n = 1 then '' else 's' end, event_source) as reason
from failures
order by n desc, who, event_source
limit 30;

-- name: r34_trail_events_by_hour_to_char
select to_char(event_time, 'YYYY-MM-DD HH24":00"') as hour, count(*) as events, count(distinct event_source) as services
from aws_cloudtrail_trail_event
group by 1
order by 1
limit 30;

-- name: r34_trail_event_request_params_paths
select event_id, event_name, jsonb_path_query_first(request_parameters, '$.roleArn') #>> '{}' as role_arn,
  request_parameters @? '$.policyDocument' as has_policy_doc
from aws_cloudtrail_trail_event
where event_name in ('AssumeRole', 'PutUserPolicy', 'PutRolePolicy', 'CreatePolicy')
order by event_id
limit 40;

-- name: r34_trail_event_identity_type_windows
select user_type, event_name, count(*) as n,
  rank() over (partition by user_type order by count(*) desc, event_name) as rnk,
  round(100.0 * count(*) / sum(count(*)) over (partition by user_type), 2) as pct
from aws_cloudtrail_trail_event
group by user_type, event_name
order by user_type nulls first, rnk
limit 60;

-- name: r34_trail_multi_region_reasons
select arn, case when is_multi_region_trail and log_file_validation_enabled then 'ok' else 'alarm' end as status,
  concat(name, ': ', concat_ws(', ', case when not is_multi_region_trail then 'single region' end,
    case when not log_file_validation_enabled then 'no log validation' end, case when kms_key_id is null then 'no KMS key' end), '.') as reason
from aws_cloudtrail_trail
order by arn;

-- name: r34_trail_selectors_jsonb_paths
select arn, jsonb_path_query_array(event_selectors, '$[*].ReadWriteType') as rw,
  jsonb_path_exists(event_selectors, '$[*] ? (@.IncludeManagementEvents == true)') as mgmt,
  coalesce(jsonb_array_length(advanced_event_selectors), 0) as advanced
from aws_cloudtrail_trail
order by arn;

-- name: r34_credential_report_cte_chain
with r as (
  select user_name, account_id, password_enabled, mfa_active, access_key_1_active, access_key_2_active, password_last_used, user_creation_time
  from aws_iam_credential_report
), flags as (
  select *, (password_enabled and not mfa_active) as console_no_mfa, (access_key_1_active and access_key_2_active) as two_keys from r
)
select user_name, account_id,
  case when console_no_mfa or two_keys then 'alarm' else 'ok' end as status,
  concat_ws('; ', case when console_no_mfa then 'console without MFA' end, case when two_keys then 'two active keys' end) as reason
from flags
order by user_name, account_id;

-- name: r34_credential_report_ages_width_bucket
select user_name, account_id, width_bucket(date_part('day', now() - user_creation_time), 0, 5000, 5) as age_band,
  age(now()::date, user_creation_time::date) is not null as has_age
from aws_iam_credential_report
order by user_name, account_id;

-- name: r34_access_advisor_service_usage
select principal_arn, service_namespace, last_authenticated is null as never_used,
  coalesce(to_char(last_authenticated, 'YYYY-MM'), 'never') as last_month, total_authenticated_entities
from aws_iam_access_advisor
order by principal_arn, service_namespace;

-- name: r34_instance_profile_roles_ordinality
select ip.instance_profile_name, ip.account_id, r.ord, r.role ->> 'RoleName' as role_name
from aws_iam_instance_profile ip, jsonb_array_elements(ip.roles) with ordinality as r(role, ord)
order by ip.instance_profile_name, ip.account_id, r.ord;

-- name: r34_virtual_mfa_assignment_status
select serial_number, account_id, assignment_status, user_name,
  case when user_name is null then 'unassigned' else 'assigned to ' || user_name end as state
from aws_iam_virtual_mfa_device
order by serial_number, account_id;

-- name: r34_jsonpath_methods_type_size
select name, account_id, jsonb_path_query_first(assume_role_policy_std, '$.Statement.type()') as stmt_type,
  jsonb_path_query_first(assume_role_policy_std, '$.Statement.size()') as stmt_count
from aws_iam_role
order by name, account_id;

-- name: r34_jsonpath_strict_lax_missing
select name, account_id, jsonb_path_exists(assume_role_policy_std, 'lax $.Statement[*].NotPrincipal') as lax_np,
  jsonb_path_query_array(assume_role_policy_std, 'lax $.Statement[*].Sid') as sids,
  jsonb_path_exists(assume_role_policy_std, '$.Statement[*].Condition.*.* ? (@.type() == "array")') as cond_arrays
from aws_iam_role
order by name, account_id;

-- name: r34_jsonpath_like_regex_flag_i
select arn, account_id, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^iam:(create|delete)" flag "i")') as iam_writes
from aws_iam_policy
where not is_aws_managed
order by arn, account_id;

-- name: r34_jsonpath_arithmetic_and_last
select arn, account_id, jsonb_path_query_first(policy_std, '$.Statement.size()') as stmts,
  jsonb_path_query_first(policy_std, '$.Statement[last].Effect') as last_effect,
  jsonb_path_query_array(policy_std, '$.Statement[last - 1].Effect') as before_last
from aws_iam_policy
where not is_aws_managed
order by arn, account_id;

-- name: r34_jsonb_path_match_predicates
select arn, account_id, jsonb_path_match(policy_std, 'exists($.Statement[*] ? (@.Effect == "Deny"))') as has_deny,
  jsonb_path_match(policy_std, '$.Statement.size() >= 2') as multi
from aws_iam_policy
where not is_aws_managed
order by arn, account_id;

-- name: r34_jsonb_path_query_srf_with_vars
select p.arn, p.account_id, x as action
from aws_iam_policy p, jsonb_path_query(p.policy_std, '$.Statement[*] ? (@.Effect == $eff).Action[*]', '{"eff": "Allow"}') as x
where not p.is_aws_managed
order by p.arn, p.account_id, x::text
limit 100;

-- name: r34_jsonb_minus_index_and_array_keys
select name, account_id, groups - 0 as without_first, groups - (-1) as without_last, '["a","b","a"]'::jsonb - 'a' as removed_text,
  '["a","b","c"]'::jsonb - array['a', 'c'] as removed_many
from aws_iam_user
where jsonb_array_length(groups) > 0
order by name, account_id;

-- name: r34_jsonb_delete_path_negative_index
select name, account_id, groups #- '{-1}' as without_last_group, groups #- '{0,GroupName}' as nested_missing, groups #- '{}' as unchanged
from aws_iam_user
where jsonb_array_length(groups) > 0
order by name, account_id;

-- name: r34_jsonb_concat_scalar_and_array
select name, account_id, jsonb_build_array(name) || to_jsonb(path) as name_path, to_jsonb(name) || to_jsonb(account_id) as two_scalars,
  '{}'::jsonb || coalesce(tags, '{}'::jsonb) as same_tags
from aws_iam_role
order by name, account_id
limit 25;

-- name: r34_jsonb_set_and_insert
select name, account_id, jsonb_set(assume_role_policy, '{Version}', '"2099-01-01"') as new_version,
  jsonb_insert(jsonb_build_object('a', jsonb_build_array(1, 2)), '{a,1}', to_jsonb(length(name))) as inserted,
  jsonb_set(jsonb_build_object('x', 1), '{y}', 'null'::jsonb, false) as not_created
from aws_iam_role
order by name, account_id
limit 20;

-- name: r34_to_jsonb_interval_forms
select to_jsonb(interval '1 year 2 months 3 days') as a, to_jsonb(interval '-5 hours') as b, to_jsonb(interval '90 minutes 5.25 seconds') as c,
  jsonb_build_object('gap', interval '36 hours') as d, to_jsonb(timestamptz '2024-02-29 23:59:59.5+00') as e, to_jsonb(date '2024-02-29') as f;

-- name: r34_to_jsonb_timestamp_of_events
select event_id, to_jsonb(event_time) as t, jsonb_build_object('day', event_time::date, 'hour', extract(hour from event_time)) as parts
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 30;

-- name: r34_regexp_split_to_array_and_table_empty
select name, account_id, regexp_split_to_array(path, '/') as path_parts, array_length(regexp_split_to_array(name, ''), 1) as chars
from aws_iam_role
where path <> '/'
order by name, account_id;

-- name: r34_regexp_split_table_flags
select x, n
from regexp_split_to_table('aXbxCxd', 'x', 'i') with ordinality as t(x, n)
order by n;

-- name: r34_regexp_substr_subexpression
select arn, account_id, regexp_substr(arn, 'arn:aws:iam::(\d+):(\w+)/', 1, 1, '', 2) as kind,
  regexp_substr(arn, '(\d)(\d)', 1, 2, '', 1) as second_pair_first_digit, regexp_instr(arn, '/') as first_slash
from aws_iam_role
order by arn, account_id
limit 30;

-- name: r34_regexp_like_flags_and_null
select name, account_id, regexp_like(name, 'test|demo', 'i') as test_like, regexp_like(null, 'x') as null_like,
  regexp_count(name, '') as empty_count
from aws_iam_group
order by name, account_id;

-- name: r34_to_char_roman_ordinal_sign
select n, to_char(-n, 'S999') as signed, to_char(n, 'PL999') as plus
from generate_series(1, 14, 3) as n
order by n;

-- name: r34_to_char_scientific_and_mi
select to_char(-12.5, '999.9MI') as mi, to_char(-12.5, '999.9PR') as pr, to_char(0.05, 'FM0.999') as small,
  to_char(1e6, '9,999,999') as million, to_char(123.456, '999') as rounded, to_char(12345, '99') as overflow;

-- name: r34_round_numeric_vs_double_halves
select v, round(v::numeric, 0) as num_round, round(v::double precision) as dbl_round, round(v::numeric, 1) as num1, trunc(v::numeric, 1) as t1, ceil(v) as c, floor(v) as f
from (values (-0.5), (-1.5), (-2.5), (0.25), (-0.25), (-0.05)) as t(v)
order by v;

-- name: r34_width_bucket_edges_and_reverse
select v, width_bucket(v, 0, 10, 5) as b, width_bucket(v, 10, 0, 5) as reversed, width_bucket(v::double precision, 0, 10, 3) as dbl,
  width_bucket(v, array[1, 3, 7]) as by_array
from (values (-1), (0), (2), (5), (10), (11)) as t(v)
order by v;

-- name: r34_to_timestamp_text_formats
select to_timestamp('2024-03-05 14:07:09', 'YYYY-MM-DD HH24:MI:SS') as a, to_timestamp('05/03/2024', 'DD/MM/YYYY') as b,
  to_date('20240305', 'YYYYMMDD') as c, to_timestamp(1709647629) as d, to_timestamp(-86400) as e;

-- name: r34_date_part_fields_of_events
select event_id, date_part('dow', event_time) as dow, date_part('isodow', event_time) as isodow, date_part('doy', event_time) as doy,
  date_part('quarter', event_time) as q, date_part('week', event_time) as wk, extract(isoyear from event_time) as iy, extract(epoch from event_time)::bigint as ep
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 25;

-- name: r34_interval_parts_and_justify
select iv, date_part('hour', iv) as h, date_part('minute', iv) as m, extract(epoch from iv) as secs, justify_hours(iv) as jh, justify_interval(iv) as ji
from (values (interval '49 hours 30 minutes'), (interval '-3 days 4 hours'), (interval '1 month -1 hour'), (interval '400 days')) as t(iv)
order by secs;

-- name: r34_age_month_end_cases
select a, b, age(a, b) as diff, age(b, a) as back
from (values (timestamptz '2024-03-31 00:00:00+00', timestamptz '2024-02-29 00:00:00+00'),
             (timestamptz '2024-01-31 10:00:00+00', timestamptz '2023-12-31 12:00:00+00'),
             (timestamptz '2025-03-01 00:00:00+00', timestamptz '2024-02-29 00:00:00+00')) as t(a, b)
order by a;

-- name: r34_overlaps_edge_points
select (timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-01-02 00:00:00+00') overlaps (timestamptz '2024-01-02 00:00:00+00', timestamptz '2024-01-03 00:00:00+00') as touching,
  (date '2024-01-05', date '2024-01-05') overlaps (date '2024-01-05', date '2024-01-06') as instant_start,
  (date '2024-01-05', interval '0 days') overlaps (date '2024-01-01', date '2024-01-10') as instant_inside;

-- name: r34_date_bin_stride_days
select date_bin('7 days', create_date, timestamptz '2001-01-01 00:00:00+00') as week_bin, count(*) as roles
from aws_iam_role
group by 1
order by 1;

-- name: r34_initcap_translate_overlay
select name, account_id, initcap(replace(name, '-', ' ')) as titled, translate(name, 'aeiou', '') as no_vowels,
  overlay(name placing '***' from 2 for 3) as masked, position('a' in name) as first_a, strpos(name, 'e') as first_e
from aws_iam_role
order by name, account_id
limit 30;

-- name: r34_btrim_ltrim_chars_and_repeat
select name, account_id, btrim('xx' || name || 'yx', 'xy') as trimmed, ltrim(path, '/') as no_lead, rtrim(path, '/') as no_trail,
  repeat('-', length(name) % 5) as dashes, repeat('ab', -1) as negative_repeat
from aws_iam_group
order by name, account_id;

-- name: r34_format_null_and_literals
select name, account_id, format('%L', permissions_boundary_arn) as lit, format('%I', name) as ident, format('[%s]', null) as null_s,
  format('%3$s-%1$s', name, path, account_id) as positioned
from aws_iam_user
order by name, account_id
limit 20;

-- name: r34_string_agg_null_separator_and_values
select account_id, string_agg(permissions_boundary_arn, ',') as boundaries, string_agg(name, null order by name) as squashed, count(permissions_boundary_arn) as with_boundary
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_jsonb_agg_distinct_and_object_agg_nulls
select account_id, jsonb_agg(distinct path) as paths, jsonb_object_agg(name, permissions_boundary_arn order by name) as boundaries
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_percentile_disc_desc_and_text
select account_id, percentile_disc(0.5) within group (order by name desc) as median_name_desc,
  percentile_disc(0) within group (order by create_date) as first_created, percentile_disc(1) within group (order by length(arn)) as max_arn
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_corr_constant_is_null
select account_id, corr(1, length(name)) as c_const, regr_slope(length(name), 1) as s_const, stddev_samp(1) as sd_const, var_samp(length(name)::float8) filter (where false) as none
from aws_iam_role
group by account_id
order by account_id;

-- name: r34_bit_and_or_bool_aggs
select account_id, bit_and(length(name)) as b_and, bit_or(length(name)) as b_or, bool_and(mfa_enabled) as all_mfa, bool_or(path <> '/') as any_path
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_window_range_interval_over_time
select event_id, event_time, count(*) over (order by event_time range between interval '5 minutes' preceding and current row) as last_5m
from aws_cloudtrail_trail_event
where event_source = 'sts.amazonaws.com'
order by event_time, event_id
limit 60;

-- name: r34_window_nth_value_lag_default
select name, account_id, lag(name, 1, '(first)') over w as prev, nth_value(name, 2) over (w rows between unbounded preceding and unbounded following) as second,
  cume_dist() over w as cd, percent_rank() over w as pr
from aws_iam_group
window w as (partition by account_id order by name, arn)
order by account_id, name, arn;

-- name: r34_union_mixed_numeric_types
select 'users' as kind, count(*)::numeric / 3 as v from aws_iam_user
union all
select 'roles', count(*) from aws_iam_role
union all
select 'half', 0.5
order by kind;

-- name: r34_union_values_and_tables
select name, n from (values ('synthetic', 0)) as v(name, n)
union
select name, length(name) from aws_iam_group
order by n desc, name
limit 8;

-- name: r34_in_list_with_null_not_in
select name, account_id, length(name) in (1, null) as in_null, length(name) not in (1, null) as not_in_null, length(name) not in (1, 2) as not_in_plain
from aws_iam_group
order by name, account_id;

-- name: r34_exists_correlated_policy_actions
select p.arn, p.account_id
from aws_iam_policy p
where not p.is_aws_managed
  and exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Allow' and s -> 'Action' ?| array['iam:*', '*', 'iam:passrole'])
  and not exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ? 'Condition')
order by p.arn, p.account_id;

-- name: r34_thrifty_style_unused_roles_cte
with last_use as (
  select arn, account_id, name, role_last_used_date, create_date,
    coalesce(role_last_used_date, create_date) as last_activity
  from aws_iam_role
  where path not like '/aws-service-role/%'
)
select arn as resource,
  case when role_last_used_date is null and create_date < now() - interval '90 days' then 'alarm'
       when last_activity < now() - interval '90 days' then 'alarm' else 'ok' end as status,
  name || case when role_last_used_date is null then ' has never been used' else ' last used ' || to_char(role_last_used_date, 'YYYY-MM-DD') end || '.' as reason,
  account_id
from last_use
order by resource, account_id;

-- name: r34_insights_user_dashboard_counts
select 'Users' as label, count(*) as value, case when count(*) = 0 then 'alert' else 'info' end as type from aws_iam_user
union all
select 'No MFA', count(*) filter (where not mfa_enabled), case when count(*) filter (where not mfa_enabled) > 0 then 'alert' else 'ok' end from aws_iam_user
union all
select 'Boundaries', count(permissions_boundary_arn), 'info' from aws_iam_user
order by label;

-- name: r34_insights_policy_std_action_counts
select p.name, p.account_id, count(distinct a) as actions, count(distinct a) filter (where a like '%*%') as wildcard_actions,
  round(100.0 * count(distinct a) filter (where a like '%*%') / nullif(count(distinct a), 0), 1) as wildcard_pct
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where not p.is_aws_managed and s ->> 'Effect' = 'Allow'
group by p.name, p.account_id
order by wildcard_pct desc nulls last, p.name, p.account_id;

-- name: r34_role_trust_cross_account_cte
with principals as (
  select r.arn, r.account_id, r.name, p as principal
  from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
    jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
  where s ->> 'Effect' = 'Allow'
), classified as (
  select *, split_part(principal, ':', 5) as principal_account from principals
)
select arn as resource, account_id,
  case when bool_or(principal = '*') then 'alarm' when bool_or(principal_account <> account_id) then 'info' else 'ok' end as status,
  string_agg(distinct principal_account, ', ' order by principal_account) filter (where principal_account <> account_id) as other_accounts
from classified
group by arn, account_id
order by resource, account_id;

-- name: r34_user_groups_lateral_nested_ordinality
select u.name, u.account_id, g.ord, g.grp ->> 'GroupName' as group_name, left(g.grp ->> 'Arn', -1 * length(g.grp ->> 'GroupName')) as arn_prefix
from aws_iam_user u
  cross join lateral jsonb_array_elements(u.groups) with ordinality as g(grp, ord)
order by u.name, u.account_id, g.ord;

-- name: r34_inline_policies_statements_ordinality
select u.name, u.account_id, ip.n as policy_no, ip.pol ->> 'PolicyName' as policy_name, st.m as statement_no, st.s ->> 'Effect' as effect
from aws_iam_user u,
  jsonb_array_elements(u.inline_policies_std) with ordinality as ip(pol, n),
  jsonb_array_elements(ip.pol -> 'PolicyDocument' -> 'Statement') with ordinality as st(s, m)
order by u.name, u.account_id, ip.n, st.m;

-- name: r34_condition_keys_jsonb_each_lateral
select r.name, r.account_id, op.key as operator, ck.key as condition_key, jsonb_array_length(ck.value) as values_count
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_each(s -> 'Condition') op,
  jsonb_each(op.value) ck
order by r.name, r.account_id, operator, condition_key;

-- name: r34_groups_attached_policies_any_all
select name, account_id, jsonb_array_length(attached_policy_arns) as attached,
  'arn:aws:iam::aws:policy/AdministratorAccess' = any(array(select jsonb_array_elements_text(attached_policy_arns))) as has_admin,
  true = all(array(select x like 'arn:aws:iam::aws:%' from jsonb_array_elements_text(attached_policy_arns) x)) as only_aws_managed
from aws_iam_group
order by name, account_id;

-- name: r34_password_policy_numeric_report
select account_id, minimum_password_length, to_char(coalesce(max_password_age, 0), 'FM999') || ' days' as age_text,
  width_bucket(minimum_password_length, 0, 30, 3) as strength_band, round(minimum_password_length / 14.0 * 100) as pct_of_cis
from aws_iam_account_password_policy
order by account_id;

-- name: r34_account_summary_quota_ratios
select account_id, users, users_quota, round(100.0 * users / users_quota, 3) as users_pct, roles * 100 / roles_quota as roles_pct_int,
  trunc(100.0 * policies / policies_quota, 1) as policies_pct
from aws_iam_account_summary
order by account_id;

-- name: r34_events_per_user_agent_regexp
select regexp_substr(user_agent, '^[A-Za-z0-9._-]+') as agent, count(*) as n, min(event_time) as first_seen, max(event_time) as last_seen
from aws_cloudtrail_trail_event
where user_agent is not null
group by 1
order by n desc, agent
limit 25;

-- name: r34_events_source_ip_split
select source_ip_address, regexp_count(source_ip_address, '\.') as dots, split_part(source_ip_address, '.', 1) as first_octet,
  count(*) as events
from aws_cloudtrail_trail_event
where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$'
group by source_ip_address
order by events desc, source_ip_address
limit 30;

-- name: r34_events_daily_window_running
select day, n, sum(n) over (order by day rows between unbounded preceding and current row) as running,
  avg(n) over (order by day rows between 2 preceding and current row) as moving_avg,
  n - lag(n) over (order by day) as change
from (select date_trunc('day', event_time) as day, count(*) as n from aws_cloudtrail_trail_event group by 1) d
order by day;

-- name: r34_events_console_logins_status
select coalesce(user_identity ->> 'arn', 'unknown') as who, event_time,
  case when response_elements ->> 'ConsoleLogin' = 'Success' then 'ok' else 'alarm' end as status,
  concat('Console login ', lower(coalesce(response_elements ->> 'ConsoleLogin', 'unknown')), ' from ', source_ip_address,
    case when additional_event_data ->> 'MFAUsed' = 'No' then ' without MFA' else '' end) as reason
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
order by event_time, who;

-- name: r34_events_error_rate_having
select event_source, count(*) as calls, count(error_code) as errors, round(count(error_code)::numeric / count(*), 4) as error_rate
from aws_cloudtrail_trail_event
group by event_source
having count(error_code) > 0
order by error_rate desc, event_source;

-- name: r34_events_resources_lateral_ordinality
select e.event_id, r.ord, r.res ->> 'ARN' as arn, r.res ->> 'type' as type
from aws_cloudtrail_trail_event e, jsonb_array_elements(e.resources) with ordinality as r(res, ord)
order by e.event_id, r.ord
limit 60;

-- name: r34_events_hour_of_day_percentile
select percentile_disc(0.5) within group (order by extract(hour from event_time)) as median_hour,
  mode() within group (order by event_name) as top_event, count(distinct event_name) as names
from aws_cloudtrail_trail_event;

-- name: r34_events_exists_assume_then_action
select distinct a.user_identity ->> 'arn' as assumer
from aws_cloudtrail_trail_event a
where a.event_name = 'AssumeRole'
  and exists (select 1 from aws_cloudtrail_trail_event b where b.event_time > a.event_time and b.access_key_id = a.response_elements -> 'credentials' ->> 'accessKeyId')
order by 1;

-- name: r34_keys_rotation_to_char_age
select access_key_id, user_name, to_char(create_date, 'FMDD Mon YYYY') as created, date_part('day', now() - create_date)::int / 30 as months_old,
  case when now() - create_date > interval '90 days' then 'alarm' else 'ok' end as status
from aws_iam_access_key
order by access_key_id;

-- name: r34_server_certificates_expiry
select name, account_id, expiration, expiration < now() as expired, age(expiration, upload_date) as validity,
  to_char(expiration, 'YYYY-MM-DD') as expires_on
from aws_iam_server_certificate
order by name, account_id;

-- name: r34_oidc_saml_providers_union
select arn, 'oidc' as kind, create_date from aws_iam_open_id_connect_provider
union all
select arn, 'saml', create_date from aws_iam_saml_provider
order by kind, arn;

-- name: r34_oidc_client_ids_any
select arn, url, jsonb_array_length(client_id_list) as clients, 'sts.amazonaws.com' = any(array(select jsonb_array_elements_text(client_id_list))) as sts_audience,
  jsonb_array_length(thumbprint_list) as thumbprints
from aws_iam_open_id_connect_provider
order by arn;

-- name: r34_policy_versions_ordinality
select p.name, p.account_id, v.ord, v.ver ->> 'VersionId' as version_id, (v.ver ->> 'IsDefaultVersion')::bool as is_default
from aws_iam_policy p, jsonb_array_elements(p.policy_versions) with ordinality as v(ver, ord)
where not p.is_aws_managed
order by p.name, p.account_id, v.ord;

-- name: r34_policy_attachment_counts_groups
select account_id, is_attached, count(*) as policies, sum(attachment_count) as attachments, max(attachment_count) as most, avg(attachment_count) as mean
from aws_iam_policy
where not is_aws_managed
group by account_id, is_attached
order by account_id, is_attached;

-- name: r34_stddev_variance_text_per_account
select account_id, stddev(attachment_count) as sd, variance(attachment_count) as var, stddev_pop(attachment_count) as sdp
from aws_iam_policy
where not is_aws_managed
group by account_id
order by account_id;

-- name: r34_mfa_devices_lateral_enable_dates
select u.name, u.account_id, m ->> 'SerialNumber' as serial, (m ->> 'EnableDate')::timestamptz as enabled,
  date_part('year', (m ->> 'EnableDate')::timestamptz) as enabled_year
from aws_iam_user u, jsonb_array_elements(u.mfa_devices) m
order by u.name, u.account_id, serial;

-- name: r34_service_specific_credentials
select user_name, service_name, status, create_date, date_bin('30 days', create_date, timestamptz '2020-01-01 00:00:00+00') as month_bin
from aws_iam_service_specific_credential
order by user_name, service_name, service_specific_credential_id;

-- name: r34_format_of_many_types
select name, account_id, format('%s|%s|%s|%s', create_date, mfa_enabled, groups, attached_policy_arns) as f1,
  format('%s / %s', length(name) / 3.0, array[path, name]) as f2
from aws_iam_user
order by name, account_id
limit 15;

-- name: r34_concat_of_many_types
select name, account_id, concat(name, ':', mfa_enabled, ':', create_date, ':', jsonb_array_length(groups) / 4.0, ':', array[1, 2]) as c,
  name || ' since ' || create_date || ' mfa=' || mfa_enabled as piped
from aws_iam_user
order by name, account_id
limit 15;

-- name: r34_reason_with_ratio_text
select account_id, count(*) as users,
  case when count(*) filter (where mfa_enabled) = count(*) then 'ok' else 'alarm' end as status,
  count(*) filter (where mfa_enabled) || ' of ' || count(*) || ' users (' || round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) || '%) have MFA; ratio ' || (count(*) filter (where mfa_enabled))::numeric / count(*) as reason
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_avg_and_division_text_in_reason
select account_id, 'avg name length ' || avg(length(name)) || ', per path ' || count(*)::numeric / count(distinct path) as reason
from aws_iam_role
group by account_id
order by account_id;

-- name: r34_array_text_with_special_chars
select name, account_id, array[name, 'a b', 'c,d', '', null, 'e"f']::text as arr_text, array_to_string(array[name, null, 'x'], '-', '*') as joined
from aws_iam_group
order by name, account_id;

-- name: r34_interval_arithmetic_text
select name, account_id, (now() - create_date) > interval '365 days' as old, interval '1 day' * 1.5 as day_and_half, interval '1 hour' * length(name) as hours,
  (interval '90 days' - interval '1 month')::text as diff, interval '1 month' / 3 as third
from aws_iam_group
order by name, account_id;

-- name: r34_to_char_interval_and_dates
select name, account_id, to_char(create_date, 'Day DD Month YYYY') as long_form, to_char(create_date, 'FMDay, FMDD FMMonth') as fm_form,
  to_char(create_date, 'IYYY-IW') as iso_week, to_char(create_date, 'Q') as quarter, to_char(interval '26 hours 5 minutes', 'HH24:MI') as hhmi
from aws_iam_role
order by name, account_id
limit 20;

-- name: r34_date_difference_days_integer
select access_key_id, current_date - create_date::date as days_since, (now()::date - create_date::date) / 30 as months_approx,
  create_date::date - date '2015-01-01' as since_2015
from aws_iam_access_key
order by access_key_id;

-- name: r34_timestamptz_fractional_text
select event_id, event_time::text as t, date_trunc('minute', event_time)::text as m, (event_time + interval '0.5 seconds')::text as half
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: r34_string_agg_of_jsonb_values
select account_id, string_agg(tags::text, ' ; ' order by arn) as tag_texts, string_agg(tags ->> 'Name', ',' order by arn) as names
from aws_iam_role
where tags is not null and tags <> '{}'::jsonb
group by account_id
order by account_id;

-- name: r34_jsonb_array_elements_numbers_text
select x, x::text as t, (x #>> '{}')::numeric * 2 as doubled
from jsonb_array_elements('[1, 1.50, 1e2, -0.0, 12345678901234567890]'::jsonb) x
order by (x #>> '{}')::numeric;

-- name: r34_numeric_arithmetic_text
select 1.10 * 3 as a, 10.0 / 4 as b, 7 / 2.0 as c, 1.0 / 7 as d, round(2 / 3.0, 4) as e, 2.5 * 2.5 as f, -0.0 as g, 100::numeric / 1000 as h, 1e3::numeric as i;

-- name: r34_sum_avg_of_numeric_columns
select account_id, sum(length(name) * 1.5) as s, avg(length(name) * 1.5) as a, max(length(name) / 2.0) as mx, min(length(name)::numeric / 3) as mn
from aws_iam_group
group by account_id
order by account_id;

-- name: r34_coalesce_nullif_greatest_numeric
select name, account_id, coalesce(max_session_duration / 3600.0, 0) as hours, greatest(max_session_duration, 3600) / 60 as minutes,
  nullif(max_session_duration, 3600) as not_default, least(max_session_duration::numeric / 7, 1000) as capped
from aws_iam_role
order by name, account_id
limit 30;

-- name: r34_case_numeric_branch_text
select name, account_id, case when max_session_duration > 3600 then max_session_duration / 3600.0 else 1 end as hours,
  case when path = '/' then 0.5 else 2 end as weight
from aws_iam_role
order by name, account_id
limit 30;

-- name: r34_jsonb_build_object_of_aggregates
select account_id, jsonb_build_object('roles', count(*), 'avg_len', round(avg(length(name)), 2), 'first', min(create_date), 'paths', jsonb_agg(distinct path)) as summary
from aws_iam_role
group by account_id
order by account_id;

-- name: r34_jsonb_agg_avg_and_text
select jsonb_agg(a order by account_id) as avgs, jsonb_agg(a order by account_id)::text as avgs_text
from (select account_id, avg(length(name)) as a from aws_iam_role group by account_id) s;

-- name: r34_row_to_json_and_jsonb_agg_rows
select account_id, jsonb_agg(jsonb_build_object('n', name, 'd', create_date) order by name, arn) -> 0 as first_group
from aws_iam_group
group by account_id
order by account_id;

-- name: r34_delegated_administrators_and_their_services
select a.id, a.name, a.status, s.service_principal, date_part('day', now() - a.delegation_enabled_date) as days
from aws_organizations_delegated_administrator a
left join aws_organizations_delegated_services_for_account s on s.delegated_account_id = a.id
where s.service_principal is null or s.service_principal like 'iam.%'
order by a.id, s.service_principal;


-- name: secrets_rotation_and_resource_policy
select name, region, coalesce(rotation_enabled, false) as rotates,
  (rotation_rules ->> 'AutomaticallyAfterDays')::int as rotation_days,
  date_part('day', now() - coalesce(last_rotated_date, created_date)) > 90 as not_rotated_for_90_days,
  kms_key_id is null as aws_managed_key, policy_std is not null as has_policy, tags ->> 'team' as team
from aws_secretsmanager_secret
order by name;

-- name: secrets_shared_with_other_accounts
select s.name, s.region, p as principal, a as action
from aws_secretsmanager_secret s,
  jsonb_array_elements(s.policy_std -> 'Statement') as st,
  jsonb_array_elements_text(st -> 'Principal' -> 'AWS') as p,
  jsonb_array_elements_text(st -> 'Action') as a
where st ->> 'Effect' = 'Allow' and p <> '*' and split_part(p, ':', 5) <> s.account_id
order by s.name, p, a;

-- name: r35_jsonpath_keyvalue_of_tags
select r.name, kv ->> 'key' as tag_key, kv ->> 'value' as tag_value
from aws_iam_role r, jsonb_path_query(r.tags, '$.keyvalue()') as kv
where r.tags is not null
order by r.name, tag_key;

-- name: r35_jsonpath_arithmetic_on_password_policy
select account_id,
  jsonb_path_query_first(jsonb_build_object('age', coalesce(max_password_age, 0), 'len', coalesce(minimum_password_length, 0)), '$.age / 30 + $.len % 4') as mix,
  jsonb_path_query_array(jsonb_build_object('a', coalesce(minimum_password_length, 0), 'b', 3), '$.* ? (@ > 2)') as over_two,
  jsonb_path_query_array(jsonb_build_object('a', coalesce(minimum_password_length, 0), 'b', 3, 'c', 'x'), '$.* ? (@ * 2 - 1 > 5)') as doubled,
  jsonb_path_query(jsonb_build_object('n', coalesce(password_reuse_prevention, 0)), '-$.n') as negated
from aws_iam_account_password_policy p
order by account_id;

-- name: r35_jsonpath_keyvalue_of_conditions
select p.name, kv ->> 'key' as operator, kv -> 'id' as id, jsonb_typeof(kv -> 'value') as kind
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_path_query(s -> 'Condition', '$.keyvalue()') as kv
where not p.is_aws_managed and s ? 'Condition'
order by p.name, operator, kind;

-- name: r35_jsonpath_arithmetic_in_filters
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Action.size() - 1 > 0)') as multi_action,
  jsonb_path_query_first(policy_std, '$.Statement.size() * 10 % 7') as size_mod
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r35_to_char_roman_scientific_ordinal
select name, to_char(length(name), 'RN') as roman, to_char(length(name) * 1000.5, '9.99EEEE') as sci,
  to_char(length(name), 'FM99th') as ordinal, to_char(create_date, 'DDth Month') as day_th
from aws_iam_group
order by name;

-- name: r35_union_values_int4_text
select * from (values ('user', 1), ('role', 2)) as v(kind, n)
union
select 'policy', count(*)::int from aws_iam_policy
order by kind;

-- name: r35_var_samp_filter_numeric
select account_id, var_samp(length(name)) filter (where path = '/') as vs, var_pop(length(name)) filter (where path <> '/') as vp,
  stddev(length(name)) filter (where length(name) > 5) as sd
from aws_iam_role
group by account_id
order by account_id;

-- name: r35_rollup_users_by_account_and_mfa
select account_id, mfa_enabled, count(*) as users, grouping(account_id, mfa_enabled) as g
from aws_iam_user
group by rollup (account_id, mfa_enabled)
order by account_id nulls last, mfa_enabled nulls last, g;

-- name: r35_cube_roles_path_and_boundary
select coalesce(path, '(all)') as path, (permissions_boundary_arn is not null) as bounded, count(*) as roles,
  grouping(path) as gp, grouping(permissions_boundary_arn is not null) as gb
from aws_iam_role
group by cube (path, permissions_boundary_arn is not null)
order by gp, gb, path, bounded;

-- name: r35_grouping_sets_policies_managed_attached
select is_aws_managed, is_attached, count(*) as n, sum(attachment_count) as attachments
from aws_iam_policy
group by grouping sets ((is_aws_managed), (is_attached), ())
order by is_aws_managed nulls first, is_attached nulls first;

-- name: r35_rollup_events_source_name_label
select case when grouping(event_source) = 1 then 'TOTAL' else event_source end as source,
  case when grouping(event_name) = 1 then '*' else event_name end as name, count(*) as events
from aws_cloudtrail_trail_event
where event_source in ('iam.amazonaws.com', 'sts.amazonaws.com')
group by rollup (event_source, event_name)
order by grouping(event_source), source, grouping(event_name), name;

-- name: r35_string_agg_filter_mfa
select account_id, string_agg(name, ',' order by name) filter (where not mfa_enabled) as without_mfa,
  string_agg(name, ',' order by name desc) filter (where mfa_enabled) as with_mfa
from aws_iam_user
group by account_id
order by account_id;

-- name: r35_array_agg_filter_paths
select account_id, array_agg(distinct path order by path) filter (where path <> '/') as custom_paths,
  array_length(array_agg(name) filter (where path = '/'), 1) as root_path_roles
from aws_iam_role
group by account_id
order by account_id;

-- name: r35_distinct_on_latest_event_per_user
select distinct on (lower(username)) username, event_name, event_time
from aws_cloudtrail_trail_event
where username <> ''
order by lower(username), event_time desc, event_id;

-- name: r35_distinct_on_longest_role_per_path
select distinct on (path) path, name, length(name) as len
from aws_iam_role
order by path, length(name) desc, name;

-- name: r35_recursive_walk_statements
with recursive stmts as (
  select p.arn, 0 as i, jsonb_array_length(p.policy_std -> 'Statement') as n, p.policy_std -> 'Statement' as s
  from aws_iam_policy p
  where not p.is_aws_managed and jsonb_typeof(p.policy_std -> 'Statement') = 'array'
  union all
  select arn, i + 1, n, s from stmts where i + 1 < n
)
select arn, i, s -> i ->> 'Effect' as effect, jsonb_typeof(s -> i -> 'Action') as action_type
from stmts
order by arn, i;

-- name: r35_recursive_ou_depth
with recursive tree as (
  select id, name, parent_id, 1 as depth, name::text as trail
  from aws_organizations_organizational_unit
  where parent_id like 'r-%'
  union all
  select ou.id, ou.name, ou.parent_id, t.depth + 1, t.trail || ' > ' || ou.name
  from aws_organizations_organizational_unit ou join tree t on ou.parent_id = t.id
)
select depth, trail from tree order by trail;

-- name: r35_jsonb_each_with_ordinality_conditions
select p.name, c.ord, c.key as operator, jsonb_typeof(c.value) as kind
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') with ordinality as c(key, value, ord)
where not p.is_aws_managed
order by p.name, c.ord, c.key;

-- name: r35_jsonb_object_keys_lateral_ordinality
select r.name, k.key, k.n
from aws_iam_role r
  cross join lateral jsonb_object_keys(r.assume_role_policy_std -> 'Statement' -> 0) with ordinality as k(key, n)
order by r.name, k.n
limit 60;

-- name: r35_containment_array_of_objects
select name
from aws_iam_policy
where policy_std -> 'Statement' @> '[{"Effect": "allow"}]'
  and not (policy_std -> 'Statement' @> '[{"Effect": "deny"}]')
order by name
limit 40;

-- name: r35_contained_by_statement_keys
select name, (policy_std -> 'Statement' -> 0) <@ jsonb_build_object('Effect', 'allow', 'Action', policy_std -> 'Statement' -> 0 -> 'Action', 'Resource', policy_std -> 'Statement' -> 0 -> 'Resource', 'Sid', policy_std -> 'Statement' -> 0 -> 'Sid') as simple
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r35_any_all_key_operators
select name, (s ?| array['Condition', 'NotAction']) as conditional_or_not, (s ?& array['Action', 'Resource']) as action_resource
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') as s
where not is_aws_managed
order by name, s::text;

-- name: r35_jsonb_typeof_every_type
select t, jsonb_typeof(v) as kind
from (values ('obj', '{"a": 1}'::jsonb), ('arr', '[1]'), ('str', '"x"'), ('num', '1.5'), ('bool', 'false'), ('null', 'null')) as x(t, v)
order by t;

-- name: r35_jsonb_typeof_statement_members
select jsonb_typeof(s -> 'Action') as action_kind, jsonb_typeof(s -> 'Resource') as resource_kind,
  jsonb_typeof(s -> 'Condition') as condition_kind, count(*) as n
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') as s
group by 1, 2, 3
order by 1, 2, 3 nulls first;

-- name: r35_jsonb_strip_nulls_built
select name, jsonb_strip_nulls(jsonb_build_object('name', name, 'boundary', permissions_boundary_arn, 'last', password_last_used, 'tags', tags)) as doc
from aws_iam_user
order by name
limit 25;

-- name: r35_jsonb_set_negative_index
select name, jsonb_set(policy_std -> 'Statement', '{-1,Effect}', '"deny"') -> -1 ->> 'Effect' as last_effect,
  jsonb_array_length(policy_std -> 'Statement') as n
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r35_jsonb_insert_negative_index
select name, jsonb_insert(coalesce(groups, '[]'::jsonb), '{-1}', '"first-before-last"') as g1,
  jsonb_insert(coalesce(groups, '[]'::jsonb), '{-1}', '"after-last"', true) as g2
from aws_iam_user
order by name
limit 20;

-- name: r35_array_slices_omitted_bounds
select name, (string_to_array(arn, ':'))[:3] as head, (string_to_array(arn, ':'))[5:] as tail,
  (string_to_array(arn, ':'))[:] as whole
from aws_iam_role
order by name
limit 20;

-- name: r35_array_position_and_positions
select name, array_position(string_to_array(path, '/'), '') as first_empty,
  array_positions(string_to_array(path || name, '/'), '') as empties
from aws_iam_role
order by name
limit 30;

-- name: r35_unnest_zip_two_arrays
select u.name, t.part, t.pos
from aws_iam_user u,
  unnest(string_to_array(u.arn, ':'), array[1, 2, 3, 4, 5, 6, 7]) as t(part, pos)
where u.path = '/'
order by u.name, t.pos nulls last
limit 60;

-- name: r35_unnest_zip_uneven
select * from unnest(array['a', 'b', 'c'], array[1, 2]) as z(letter, n) order by letter;

-- name: r35_generate_series_hours_over_events
select h as hour_start, count(e.event_id) as events
from generate_series(timestamptz '2020-01-01 00:00:00+00', timestamptz '2020-01-01 05:00:00+00', interval '1 hour') as h
  left join aws_cloudtrail_trail_event e on e.event_time >= h and e.event_time < h + interval '1 hour'
group by h
order by h;

-- name: r35_generate_series_month_ends
select (d + interval '1 month - 1 day')::date as month_end
from generate_series(timestamp '2024-01-01', timestamp '2024-06-01', interval '1 month') as d
order by 1;

-- name: r35_make_interval_text_forms
select make_interval(years => 1, months => 14, days => 3) as a, make_interval(hours => 49, mins => 5) as b,
  make_interval(secs => 90.5) as c, make_interval(weeks => 2, days => -1) as d;

-- name: r35_justify_hours_of_role_sessions
select name, max_session_duration, justify_hours(make_interval(secs => max_session_duration * 30)) as month_of_sessions,
  justify_interval(interval '1 mon -1 hour' * (max_session_duration / 3600)) as mixed
from aws_iam_role
order by name
limit 20;

-- name: r35_interval_arithmetic_text
select interval '1 day' - interval '25 hours' as a, interval '2 mons' / 3 as b, interval '1 hour 30 minutes' * 2.5 as c,
  -interval '1 year 2 days' as d, interval '36 hours' + interval '1 month' as e;

-- name: r35_extract_epoch_from_interval
select name, extract(epoch from (now() - create_date)) > 0 as positive,
  extract(epoch from interval '1 day 2 hours') as day_seconds, extract(epoch from make_interval(months => 1)) as month_seconds
from aws_iam_group
order by name;

-- name: r35_date_trunc_with_zone
select event_id, date_trunc('day', event_time, 'America/New_York') as ny_day, date_trunc('hour', event_time, 'Asia/Kolkata') as ist_hour
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 25;

-- name: r35_timestamptz_against_literal
select count(*) filter (where event_time > timestamp '2020-01-01 00:00:00') as after_2020,
  count(*) filter (where event_time < '2019-06-01T00:00:00Z') as before_mid_2019,
  count(*) filter (where event_time between '2018-01-01' and '2021-12-31 23:59:59+00') as in_range
from aws_cloudtrail_trail_event;

-- name: r35_string_to_array_null_delimiter
select name, string_to_array(name, null) as letters, array_length(string_to_array(name, null), 1) as n
from aws_iam_group
order by name;

-- name: r35_split_part_negative_arn
select name, split_part(arn, '/', -1) as last, split_part(arn, ':', -2) as account, split_part(arn, '/', -3) as third_from_end
from aws_iam_role
order by name
limit 30;

-- name: r35_initcap_translate_names
select name, initcap(replace(name, '-', ' ')) as title_case, translate(name, 'aeiou-', 'AEIOU_') as shouted,
  translate(name, '0123456789', '') as no_digits
from aws_iam_user
order by name
limit 30;

-- name: r35_format_ident_literal_positional
select format('%1$I has %2$s attachments (%1$L)', name, attachment_count) as line,
  format('%2$s/%1$s', name, path) as path_name
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r35_quote_literal_nullable
select name, quote_literal(permissions_boundary_arn) as ql, quote_nullable(permissions_boundary_arn) as qn,
  quote_literal(null::text) is null as null_stays_null, quote_literal(name || '''s') as quoted
from aws_iam_user
order by name
limit 20;

-- name: r35_md5_sha256_encode
select name, md5(arn) as md5_arn, encode(sha256(arn::bytea), 'hex') as sha_arn, encode(sha256(name::bytea), 'base64') as sha_b64
from aws_iam_group
order by name;

-- name: r35_numeric_rounding_huge
select round(123456789012345678901234.5678, 2) as a, round(-99999999999999999999.5) as b,
  trunc(98765432109876543210.987654321, 4) as c, round(1e20::numeric / 3, 3) as d;

-- name: r35_desc_nulls_default
select name, password_last_used
from aws_iam_user
order by password_last_used desc, name
limit 30;

-- name: r35_asc_nulls_first_explicit
select name, password_last_used
from aws_iam_user
order by password_last_used nulls first, name
limit 30;

-- name: r35_mixed_case_order_c_collation
select v from (values ('alpha'), ('Beta'), ('_under'), ('beta'), ('Alpha'), ('zeta'), ('Zeta'), ('10'), ('9')) as t(v)
order by v;

-- name: r35_mixed_case_role_names_order
select name from aws_iam_role order by name limit 40;

-- name: r35_bool_and_every_per_account
select account_id, bool_and(mfa_enabled) as all_mfa, every(path = '/') as all_root, bool_or(password_last_used is null) as some_never
from aws_iam_user
group by account_id
order by account_id;

-- name: r35_count_distinct_row
select count(distinct (account_id, path)) as account_paths, count(distinct (path, max_session_duration)) as path_durations
from aws_iam_role;

-- name: r35_kms_keys_rotation_rollup
select key_manager, key_state, count(*) as keys, bool_and(coalesce(key_rotation_enabled, false)) as all_rotated
from aws_kms_key
group by rollup (key_manager, key_state)
order by key_manager nulls last, key_state nulls last;

-- name: r35_kms_key_policy_principals
select k.id, s ->> 'Sid' as sid, jsonb_typeof(s -> 'Principal') as principal_kind,
  coalesce(s -> 'Principal' -> 'AWS', s -> 'Principal') as principal
from aws_kms_key k, jsonb_array_elements(k.policy_std -> 'Statement') as s
order by k.id, sid nulls first;

-- name: r35_kms_key_aliases_unnest
select k.id, a ->> 'AliasName' as alias_name, split_part(a ->> 'AliasArn', ':', -1) as alias_tail
from aws_kms_key k, jsonb_array_elements(coalesce(k.aliases, '[]'::jsonb)) as a
order by k.id, alias_name;

-- name: r35_kms_creation_age_text
select id, creation_date, age(timestamptz '2025-03-01 00:00:00+00', creation_date) as age_at_load,
  to_char(creation_date, 'YYYY-MM-DD"T"HH24:MI') as created
from aws_kms_key
order by id;

-- name: r35_s3_bucket_public_block_flags
select name, block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets as fully_blocked,
  num_nonnulls(block_public_acls, block_public_policy, ignore_public_acls, restrict_public_buckets) as known_flags
from aws_s3_bucket
order by name;

-- name: r35_s3_bucket_encryption_rules
select b.name, r -> 'ApplyServerSideEncryptionByDefault' ->> 'SSEAlgorithm' as algorithm,
  coalesce((r ->> 'BucketKeyEnabled')::bool, false) as bucket_key
from aws_s3_bucket b,
  jsonb_array_elements(b.server_side_encryption_configuration -> 'Rules') as r
order by b.name, algorithm;

-- name: r35_s3_bucket_policy_secure_transport
select name,
  exists (select 1 from jsonb_array_elements(policy_std -> 'Statement') s
          where s ->> 'Effect' = 'deny' and s -> 'Condition' -> 'bool' ? 'aws:securetransport') as denies_http
from aws_s3_bucket
order by name;

-- name: r35_accessanalyzer_findings_by_status_type
select status, resource_type, count(*) as findings, count(*) filter (where is_public) as public_findings
from aws_accessanalyzer_finding
group by grouping sets ((status), (resource_type), (status, resource_type))
order by status nulls first, resource_type nulls first;

-- name: r35_accessanalyzer_finding_principals
select f.id, f.resource_type, p.key as principal_kind, p.value as principal_value
from aws_accessanalyzer_finding f, jsonb_each_text(f.principal) as p
order by f.id, p.key;

-- name: r35_accessanalyzer_finding_actions_array
select id, jsonb_array_length(action) as actions, action ->> 0 as first_action, action ->> -1 as last_action
from aws_accessanalyzer_finding
where jsonb_typeof(action) = 'array'
order by id;

-- name: r35_accessanalyzer_analyzers_age
select name, type, status, date_trunc('month', created_at) as created_month,
  extract(day from (timestamptz '2025-06-01 00:00:00+00' - created_at)) as days_whole
from aws_accessanalyzer_analyzer
order by name;

-- name: r35_org_accounts_joined_per_year
select extract(year from joined_timestamp) as year, joined_method, count(*) as accounts,
  string_agg(name, ', ' order by name) as names
from aws_organizations_account
group by 1, 2
order by 1, 2;

-- name: r35_org_accounts_status_cube
select status, joined_method, count(*) as n, grouping(status, joined_method) as level
from aws_organizations_account
group by cube (status, joined_method)
order by level, status nulls last, joined_method nulls last;

-- name: r35_org_scp_statements_effects
select p.name, s ->> 'Effect' as effect, coalesce(s -> 'Action', s -> 'NotAction') as actions
from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') as s
where p.type = 'SERVICE_CONTROL_POLICY'
order by p.name, effect, coalesce(s -> 'Action', s -> 'NotAction')::text;

-- name: r35_org_policy_targets_count
select t.name, t.type, count(t.target_id) as targets, array_agg(t.target_id order by t.target_id) as target_ids
from aws_organizations_policy_target t
group by t.name, t.type
order by t.name;

-- name: r35_org_root_policy_types
select r.id, pt ->> 'Type' as policy_type, pt ->> 'Status' as status
from aws_organizations_root r, jsonb_array_elements(r.policy_types) as pt
order by r.id, policy_type;

-- name: r35_delegated_admins_services
select a.name, a.email, count(s.service_principal) as services, string_agg(s.service_principal, ' ' order by s.service_principal) as principals
from aws_organizations_delegated_administrator a
  left join aws_organizations_delegated_services_for_account s on s.delegated_account_id = a.id
group by a.name, a.email
order by a.name;

-- name: r35_trail_event_selectors_read_write
select t.name, sel ->> 'ReadWriteType' as rw, (sel ->> 'IncludeManagementEvents')::boolean as mgmt
from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) as sel
order by t.name, rw;

-- name: r35_trail_flags_summary
select count(*) as trails, count(*) filter (where is_multi_region_trail) as multi_region,
  count(*) filter (where log_file_validation_enabled) as validated, bool_or(is_organization_trail) as any_org,
  string_agg(distinct home_region, ',') as regions
from aws_cloudtrail_trail;

-- name: r35_events_error_codes_ranked
select error_code, count(*) as n, rank() over (order by count(*) desc) as rk, dense_rank() over (order by count(*) desc) as drk
from aws_cloudtrail_trail_event
where error_code is not null and error_code <> ''
group by error_code
order by n desc, error_code;

-- name: r35_events_per_user_type_pct
select user_type, count(*) as n, round(100.0 * count(*) / sum(count(*)) over (), 2) as pct
from aws_cloudtrail_trail_event
group by user_type
order by n desc, user_type;

-- name: r35_events_request_parameters_keys
select k, count(*) as n
from aws_cloudtrail_trail_event e, jsonb_object_keys(e.request_parameters) as k
where jsonb_typeof(e.request_parameters) = 'object'
group by k
order by n desc, k
limit 30;

-- name: r35_events_hourly_histogram_minutes
select extract(hour from event_time) as hour, width_bucket(extract(minute from event_time), 0, 60, 4) as quarter, count(*) as n
from aws_cloudtrail_trail_event
group by 1, 2
order by 1, 2;

-- name: r35_events_source_ip_kinds
select case when source_ip_address ~ '^[0-9.]+$' then 'ipv4' when source_ip_address like '%:%' then 'ipv6' else 'service' end as kind,
  count(*) as n, min(source_ip_address) as first_ip
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: r35_events_mfa_session_flags
select coalesce(user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated', 'n/a') as mfa, count(*) as n
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: r35_events_access_key_prefixes
select left(access_key_id, 4) as prefix, count(distinct access_key_id) as keys, count(*) as events
from aws_cloudtrail_trail_event
where access_key_id <> ''
group by 1
order by 1;

-- name: r35_events_daily_running_total
select date_trunc('day', event_time) as day, count(*) as n,
  sum(count(*)) over (order by date_trunc('day', event_time)) as running
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: r35_events_first_last_per_source
select event_source, min(event_time) as first_seen, max(event_time) as last_seen,
  max(event_time) - min(event_time) as span
from aws_cloudtrail_trail_event
group by event_source
order by event_source;

-- name: r35_events_lag_gap_per_user
select username, event_time, event_time - lag(event_time) over (partition by username order by event_time, event_id) as gap
from aws_cloudtrail_trail_event
where username <> ''
order by username, event_time, event_id
limit 50;

-- name: r35_credential_report_key_ages
select user_name, access_key_1_active,
  date_part('day', generated_time - access_key_1_last_rotated) as key1_days,
  case when access_key_1_last_used_date is null then 'never' else to_char(access_key_1_last_used_date, 'YYYY-MM-DD') end as key1_used
from aws_iam_credential_report
order by user_name, account_id, generated_time;

-- name: r35_credential_report_password_status
select password_enabled, mfa_active, count(*) as users, min(user_creation_time) as oldest
from aws_iam_credential_report
group by rollup (password_enabled, mfa_active)
order by password_enabled nulls last, mfa_active nulls last;

-- name: r35_credential_report_unused_90_days
select user_name,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) < generated_time - interval '90 days' as stale
from aws_iam_credential_report
order by user_name, account_id, generated_time;

-- name: r35_password_policy_score
select account_id,
  (require_lowercase_characters::int + require_uppercase_characters::int + require_numbers::int + require_symbols::int) as classes,
  coalesce(minimum_password_length, 0) >= 14 as long_enough, coalesce(password_reuse_prevention, 0) as reuse
from aws_iam_account_password_policy
order by account_id;

-- name: r35_account_summary_quota_pct
select account_id, users, round(100.0 * users / nullif(users_quota, 0), 3) as users_pct,
  roles, round(roles::numeric / nullif(roles_quota, 0) * 100, 1) as roles_pct
from aws_iam_account_summary
order by account_id;

-- name: r35_policy_attachment_principals
select policy_arn, jsonb_array_length(coalesce(policy_users, '[]')) as users, jsonb_array_length(coalesce(policy_roles, '[]')) as roles,
  jsonb_array_length(coalesce(policy_groups, '[]')) as groups
from aws_iam_policy_attachment
where is_attached
order by policy_arn
limit 30;

-- name: r35_users_groups_membership_count
select u.name, jsonb_array_length(coalesce(u.groups, '[]'::jsonb)) as groups,
  (select string_agg(g ->> 'GroupName', ',' order by g ->> 'GroupName') from jsonb_array_elements(u.groups) g) as group_names
from aws_iam_user u
order by groups desc, u.name
limit 30;

-- name: r35_group_users_lateral
select g.name, m.ordinality as pos, m.value ->> 'UserName' as user_name
from aws_iam_group g
  left join lateral jsonb_array_elements(g.users) with ordinality as m on true
order by g.name, pos nulls first;

-- name: r35_role_trust_services
select r.name, svc
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc
order by r.name, svc
limit 60;

-- name: r35_role_trust_external_id_condition
select r.name, s -> 'Condition' -> 'stringequals' ->> 'sts:externalid' as external_id,
  s -> 'Principal' -> 'AWS' as aws_principals
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s
where s -> 'Principal' ? 'AWS'
order by r.name, external_id nulls last;

-- name: r35_role_last_used_buckets
select case when role_last_used_date is null then 'never'
            when role_last_used_date > timestamptz '2021-01-01 00:00:00+00' then 'recent'
            else 'old' end as bucket,
  count(*) as roles, max(role_last_used_region) as a_region
from aws_iam_role
group by 1
order by 1;

-- name: r35_role_session_duration_hours_text
select max_session_duration / 3600 as hours, count(*) as roles,
  make_interval(secs => max_session_duration)::text as as_interval
from aws_iam_role
group by max_session_duration
order by hours;

-- name: r35_policy_versions_count
select name, jsonb_array_length(policy_versions) as versions,
  (select count(*) from jsonb_array_elements(policy_versions) v where (v ->> 'IsDefaultVersion')::bool) as defaults
from aws_iam_policy
where not is_aws_managed and policy_versions is not null
order by name;

-- name: r35_policy_action_service_prefix_counts
select split_part(a, ':', 1) as service, count(distinct p.arn) as policies
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(case jsonb_typeof(s -> 'Action') when 'array' then s -> 'Action' else '[]'::jsonb end) a
where not p.is_aws_managed
group by 1
order by policies desc, service
limit 25;

-- name: r35_policy_wildcard_resource_statements
select p.name, count(*) filter (where s -> 'Resource' ? '*') as star_resources, count(*) as statements
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
where not p.is_aws_managed
group by p.name
having count(*) filter (where s -> 'Resource' ? '*') > 0
order by p.name;

-- name: r35_inline_policy_names_per_user
select u.name, ip ->> 'PolicyName' as policy_name, jsonb_array_length(ip -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) ip
order by u.name, policy_name;

-- name: r35_attached_policy_arns_unnest_ordinality
select r.name, a.arn, a.n
from aws_iam_role r, jsonb_array_elements_text(r.attached_policy_arns) with ordinality as a(arn, n)
order by r.name, a.n
limit 50;

-- name: r35_tags_each_text_counts
select t.key, count(*) as roles, count(distinct t.value) as values
from aws_iam_role r, jsonb_each_text(r.tags) t
group by t.key
order by roles desc, t.key;

-- name: r35_tags_exists_any_all
select name, tags ?| array['Owner', 'owner', 'team'] as has_owner, tags ?& array['Name', 'Environment'] as named_env
from aws_iam_role
where tags is not null
order by name;

-- name: r35_jsonb_path_query_first_principal
select name, jsonb_path_query_first(assume_role_policy_std, '$.Statement[*].Principal.Service') as first_service
from aws_iam_role
order by name
limit 30;

-- name: r35_jsonb_path_exists_allow_iam_star
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "allow" && @.Action == "iam:*")') as iam_admin
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r35_grouping_sets_string_agg_filter
select account_id, path, count(*) as n,
  string_agg(name, ';' order by name) filter (where max_session_duration > 3600) as long_sessions
from aws_iam_role
group by grouping sets ((account_id, path), (account_id))
order by account_id, path nulls first;

-- name: r35_rollup_grouping_bits_three
select account_id, path, mfa_enabled, grouping(account_id, path, mfa_enabled) as bits, count(*) as n
from aws_iam_user
group by rollup (account_id, path, mfa_enabled)
order by bits, account_id nulls last, path nulls last, mfa_enabled nulls last;

-- name: r35_cube_having_grouping
select is_aws_managed, is_attachable, count(*) as n
from aws_iam_policy
group by cube (is_aws_managed, is_attachable)
having grouping(is_aws_managed) = 0 or count(*) > 1
order by is_aws_managed nulls last, is_attachable nulls last;

-- name: r35_array_agg_filter_order_desc_nulls
select account_id, array_agg(password_last_used order by password_last_used desc nulls last) filter (where path = '/') as last_used
from aws_iam_user
group by account_id
order by account_id;

-- name: r35_jsonb_agg_filter_object
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled) order by name) filter (where not mfa_enabled) as no_mfa
from aws_iam_user
group by account_id
order by account_id;

-- name: r35_distinct_on_expression_order
select distinct on (split_part(event_source, '.', 1)) split_part(event_source, '.', 1) as service, event_name, event_time
from aws_cloudtrail_trail_event
order by split_part(event_source, '.', 1), event_time, event_id;

-- name: r35_distinct_on_two_keys
select distinct on (account_id, path) account_id, path, name, create_date
from aws_iam_role
order by account_id, path, create_date desc, name;

-- name: r35_recursive_split_path_segments
with recursive seg(name, rest, part, depth) as (
  select name, substr(path, 2), null::text, 0 from aws_iam_role where path <> '/'
  union all
  select name, substr(rest, strpos(rest, '/') + 1), split_part(rest, '/', 1), depth + 1
  from seg where rest <> ''
)
select name, depth, part from seg where part is not null order by name, depth;

-- name: r35_recursive_numbers_cast
with recursive n(i) as (select 1 union all select i * 2 from n where i < 1000)
select i, i::text || 'x' as t, to_char(i, 'FM9,999') as formatted from n order by i;

-- name: r35_recursive_policy_nested_values
with recursive walk(arn, k, v, depth) as (
  select p.arn, s.key, s.value, 1
  from aws_iam_policy p, jsonb_each(p.policy_std) s
  where not p.is_aws_managed
  union all
  select w.arn, w.k || '.' || c.key, c.value, w.depth + 1
  from walk w, jsonb_each(case when jsonb_typeof(w.v) = 'object' then w.v else '{}'::jsonb end) c
  where w.depth < 4
)
select arn, k, jsonb_typeof(v) as kind from walk order by arn, k;

-- name: r35_jsonb_each_ordinality_tags_position
select r.name, t.key, t.value, t.ord
from aws_iam_role r
  cross join lateral jsonb_each_text(r.tags) with ordinality as t(key, value, ord)
order by r.name, t.ord;

-- name: r35_jsonb_array_elements_text_ordinality_filter
select p.name, a.action, a.idx
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Action') with ordinality as a(action, idx)
where not p.is_aws_managed and jsonb_typeof(s -> 'Action') = 'array' and a.idx <= 3
order by p.name, a.action, a.idx;

-- name: r35_containment_nested_condition
select name
from aws_iam_role
where assume_role_policy_std @> '{"Statement": [{"Principal": {"Service": ["ec2.amazonaws.com"]}}]}'
order by name;

-- name: r35_contained_scalar_array
select name, '["sts:assumerole"]'::jsonb <@ (assume_role_policy_std -> 'Statement' -> 0 -> 'Action') as only_assume
from aws_iam_role
order by name
limit 40;

-- name: r35_exists_any_on_text_array_literal
select name, '{"Effect": "allow", "Sid": "x"}'::jsonb ?| '{Sid,Condition}' as some_keys, '["a", "b"]'::jsonb ?& '{a,b}' as all_elems
from aws_iam_group
order by name;

-- name: r35_jsonb_strip_nulls_nested
select jsonb_strip_nulls('{"a": null, "b": {"c": null, "d": 1}, "e": [null, {"f": null}]}'::jsonb) as stripped;

-- name: r35_jsonb_set_create_missing
select jsonb_set('{"a": 1}', '{b}', '2') as added, jsonb_set('{"a": 1}', '{b}', '2', false) as not_added,
  jsonb_set('[1, 2, 3]', '{-5}', '0') as before_start, jsonb_set('[1, 2, 3]', '{10}', '4') as past_end;

-- name: r35_jsonb_insert_object_and_array
select jsonb_insert('{"a": [1, 2]}', '{a, 0}', '0') as at_start, jsonb_insert('{"a": [1, 2]}', '{a, -1}', '9', true) as at_end,
  jsonb_insert('{"a": {"b": 1}}', '{a, c}', '"new"') as new_key;

-- name: r35_array_slice_negative_and_empty
select (array[1, 2, 3, 4])[2:] as from2, (array[1, 2, 3, 4])[:2] as to2, (array[1, 2, 3, 4])[3:2] as empty,
  (array[1, 2, 3, 4])[0:1] as zero_lower, (array[1, 2, 3, 4])[-1:2] as neg_lower;

-- name: r35_array_position_start_and_null
select array_position(array['a', 'b', 'a', null], 'a', 2) as second_a, array_position(array['a', null], null) as null_pos,
  array_positions(array[1, 2, 1, 1], 1) as ones, array_positions(array[1, 2], 3) as none;

-- name: r35_unnest_zip_three_with_nulls
select * from unnest(array[1, 2, 3], array['x'], array[true, false]) as z(n, s, b) order by n;

-- name: r35_unnest_of_policy_arrays_zip
select u.name, z.g, z.p
from aws_iam_user u,
  unnest(array(select jsonb_array_elements(u.groups) ->> 'GroupName'), array(select jsonb_array_elements_text(u.attached_policy_arns))) as z(g, p)
order by u.name, z.g nulls last, z.p nulls last;

-- name: r35_generate_series_weeks_backwards
select d, to_char(d, 'IYYY-IW') as iso_week
from generate_series(timestamptz '2024-03-31 00:00:00+00', timestamptz '2024-02-01 00:00:00+00', interval '-1 week') as d
order by d desc;

-- name: r35_generate_series_dates_step_days
select d::date as day, extract(dow from d) as dow, to_char(d, 'Dy') as dy
from generate_series('2024-02-26'::timestamp, '2024-03-03'::timestamp, '1 day') as d
order by d;

-- name: r35_make_interval_from_columns
select name, make_interval(secs => max_session_duration) as duration,
  make_interval(secs => max_session_duration) > interval '1 hour' as over_an_hour
from aws_iam_role
order by name
limit 25;

-- name: r35_justify_days_and_interval
select justify_days(interval '65 days') as a, justify_days(interval '-35 days') as b, justify_interval(interval '1 mon -33 days') as c,
  justify_hours(interval '-27 hours') as d, justify_interval(interval '-1 mon 40 days 30 hours') as e;

-- name: r35_interval_multiply_divide_fractions
select interval '1 month' * 1.5 as a, interval '3 days' / 7 as b, interval '1 year' / 5 as c, interval '10 min' * 0.333 as d;

-- name: r35_extract_epoch_interval_fields
select extract(epoch from interval '1 year') as year_s, extract(epoch from interval '-1 day 1 second') as neg,
  extract(hour from interval '27 hours') as hours, extract(day from interval '1 mon 5 days') as days, extract(month from interval '14 months') as months;

-- name: r35_extract_epoch_between_events
select username, extract(epoch from max(event_time) - min(event_time)) as span_seconds, count(*) as n
from aws_cloudtrail_trail_event
where username <> ''
group by username
order by span_seconds desc, username
limit 20;

-- name: r35_date_trunc_zone_week_month
select date_trunc('week', timestamptz '2024-03-10 03:30:00+00', 'America/Los_Angeles') as la_week,
  date_trunc('month', timestamptz '2024-03-01 02:00:00+00', 'Europe/Berlin') as berlin_month,
  date_trunc('day', timestamptz '2024-11-03 12:00:00+00', 'America/New_York') as ny_dst_day;

-- name: r35_timestamptz_compare_timestamp_literals
select name, create_date > '2019-01-01 00:00:00' as after_2019, create_date <= timestamptz '2017-06-01T12:00:00-05:00' as early
from aws_iam_user
order by name
limit 30;

-- name: r35_timestamp_at_time_zone_text
select event_id, (event_time at time zone 'UTC')::text as utc_text, (event_time at time zone 'Asia/Tokyo')::text as tokyo_text
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 15;

-- name: r35_string_to_array_null_elements
select string_to_array('a,,b,NA', ',', 'NA') as with_null, string_to_array('a b', '') as whole, string_to_array('', ',') as empty,
  array_length(string_to_array('x|y|z', '|'), 1) as n;

-- name: r35_split_part_negative_edges
select split_part('a.b.c', '.', -1) as last, split_part('a.b.c', '.', -3) as first, split_part('a.b.c', '.', -4) as beyond,
  split_part('abc', '', -1) as empty_delim, split_part('', '.', -1) as empty_text;

-- name: r35_initcap_punctuation_digits
select initcap('hello-world foo_bar 3rd o''neil') as a, initcap('ÉCOLE école') as b, initcap('aWS iAM') as c;

-- name: r35_translate_shorter_to
select translate('arn:aws:iam::123', 'a:1', 'A') as a, translate('hello', 'l', 'L') as b, translate(null, 'a', 'b') is null as c;

-- name: r35_format_positional_and_width_mix
select format('%3$s-%1$s-%2$s', 'a', 'b', 'c') as reorder, format('%-8s|', name) as padded, format('%L and %L', null, name) as lits
from aws_iam_group
order by name;

-- name: r35_format_ident_needs_quotes
select format('select * from %I.%I', 'Public', 'my table') as q1, format('%I', 'lower_ok') as q2, format('%I', 'select') as q3;

-- name: r35_quote_functions_mixed
select quote_literal('it''s') as a, quote_literal(42) as b, quote_literal(true) as c, quote_nullable(null::int) as d,
  quote_ident('Name') as e, quote_literal(E'back\\slash') as f;

-- name: r35_md5_sha256_of_concat_hex_upper
select name, upper(md5(account_id || ':' || name)) as h, length(encode(sha256(convert_to(name, 'UTF8')), 'hex')) as hex_len
from aws_iam_user
order by name
limit 15;

-- name: r35_numeric_huge_arithmetic
select 99999999999999999999.99 + 0.01 as a, 12345678901234567890 * 10 as b, round(2.5) as c, round(-2.5) as d,
  round(1234567.891, -3) as e, trunc(-1234.5678, -2) as f;

-- name: r35_numeric_division_scale
select 10::numeric / 4 as a, 1::numeric / 7 as b, 100.00 / 3 as c, 2 / 3.000 as d;

-- name: r35_order_desc_nulls_first_default_text
select name, permissions_boundary_arn
from aws_iam_role
order by permissions_boundary_arn desc, name
limit 20;

-- name: r35_order_nulls_last_desc_explicit
select name, role_last_used_date
from aws_iam_role
order by role_last_used_date desc nulls last, name
limit 20;

-- name: r35_text_order_symbols_digits_case
select v from (values ('a-b'), ('a_b'), ('aB'), ('ab'), ('A-b'), ('a b'), ('a.b'), ('a1'), ('a~')) as t(v) order by v desc;

-- name: r35_min_max_text_case
select min(name) as first_name, max(name) as last_name, min(lower(name)) as first_lower from aws_iam_role;

-- name: r35_bool_and_or_filter
select account_id, bool_and(mfa_enabled) filter (where path = '/') as root_all_mfa,
  every(password_last_used is not null) filter (where mfa_enabled) as mfa_users_logged_in
from aws_iam_user
group by account_id
order by account_id;

-- name: r35_count_distinct_row_with_nulls
select count(distinct (permissions_boundary_arn, path)) as pairs, count(distinct permissions_boundary_arn) as arns,
  count(distinct row(name)) as names
from aws_iam_role;

-- name: r35_count_distinct_tuple_events
select event_source, count(distinct (event_name, username)) as name_user_pairs, count(*) as n
from aws_cloudtrail_trail_event
group by event_source
order by n desc, event_source
limit 15;

-- name: r35_ntile_percent_rank_roles
select name, ntile(4) over (order by create_date, name) as quartile, round(percent_rank() over (order by create_date, name)::numeric, 4) as pr
from aws_iam_role
order by create_date, name
limit 40;

-- name: r35_first_last_value_frames
select name, create_date, first_value(name) over w as first_in_path, last_value(name) over w as last_in_path
from aws_iam_role
window w as (partition by path order by create_date, name rows between unbounded preceding and unbounded following)
order by path, create_date, name
limit 40;

-- name: r35_lateral_top_n_per_account
select a.account_id, top.name, top.create_date
from (select distinct account_id from aws_iam_role) a
  cross join lateral (select name, create_date from aws_iam_role r where r.account_id = a.account_id order by create_date desc, name limit 2) top
order by a.account_id, top.create_date desc, top.name;

-- name: r35_not_exists_unused_groups
select g.name
from aws_iam_group g
where not exists (select 1 from aws_iam_user u, jsonb_array_elements(u.groups) x where x ->> 'GroupName' = g.name and u.account_id = g.account_id)
order by g.name;

-- name: r35_case_status_reason_kms_rotation
select arn as resource,
  case when key_manager = 'AWS' then 'skip' when key_rotation_enabled then 'ok' else 'alarm' end as status,
  format('%s key %s rotation %s.', initcap(lower(key_manager)), id, case when key_rotation_enabled then 'enabled' else 'disabled' end) as reason
from aws_kms_key
order by arn;

-- name: r35_case_status_bucket_versioning
select arn as resource, case when versioning_enabled then 'ok' else 'alarm' end as status,
  name || case when versioning_enabled then ' versioning enabled.' else ' versioning disabled.' end as reason,
  region
from aws_s3_bucket
order by arn;

-- name: r35_accessanalyzer_enabled_per_region
select r.region, count(a.arn) filter (where a.status = 'ACTIVE') as active_analyzers,
  case when count(a.arn) filter (where a.status = 'ACTIVE') > 0 then 'ok' else 'alarm' end as status
from (select distinct region from aws_accessanalyzer_analyzer) r
  left join aws_accessanalyzer_analyzer a on a.region = r.region
group by r.region
order by r.region;

-- name: r35_array_negative_subscripts
select name, (string_to_array(arn, ':'))[-1] as neg, (string_to_array(arn, ':'))[length(name) - 200] as computed_neg,
  (string_to_array(arn, ':'))[length(name) - 200 : 2] as computed_slice, (string_to_array(arn, ':'))[2:-1] as upper_neg
from aws_iam_group
order by name;

-- name: r35_recursive_cte_integer_division_and_text
with recursive n(i, label) as (select 7, 'seven'::text union all select i - 2, label || '-' from n where i > 1)
select i, i / 2 as half, to_char(i, 'FM00') as padded, label from n order by i;

-- name: r36_jsonpath_range_of_statements
select name, jsonb_path_query_array(policy_std, '$.Statement[0 to 1].Effect') as first_two_effects,
  jsonb_path_query_array(policy_std, '$.Statement[last - 1 to last].Sid') as last_two_sids
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_jsonpath_subscript_list_and_last
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Action[0, last]') as first_and_last_action,
  jsonb_path_query_first(policy_std, '$.Statement[last].Effect') as last_effect
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_jsonpath_range_past_the_end
select name, jsonb_path_query_array(policy_std, '$.Statement[1 to 100].Effect') as tail_effects,
  jsonb_path_query_array(policy_std, '$.Statement[5 to 2].Effect') as reversed_range,
  jsonb_path_query_array(policy_std, '$.Statement[-3 to 0].Effect') as negative_start
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_jsonpath_subscript_arithmetic
select name, jsonb_path_query_array(policy_std, '$.Statement[$.Statement.size() - 1].Effect') as via_size,
  jsonb_path_query_array(policy_std, '$.Statement[last / 2].Effect') as middle,
  jsonb_path_query_array(policy_std, '$.Statement[0.9].Effect') as truncated_index
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_jsonpath_range_on_a_scalar
select name, jsonb_path_query_array(assume_role_policy_std, '$.Statement[*].Principal.AWS[0 to last]') as principals,
  jsonb_path_query_array(assume_role_policy_std, '$.Version[0 to 3]') as version_wrapped
from aws_iam_role
order by name, arn
limit 40;

-- name: r36_jsonpath_keyvalue_of_nested_objects
select name, kv ->> 'key' as operator, kv -> 'id' as object_id
from aws_iam_policy p, jsonb_path_query(p.policy_std, '$.Statement[*].Condition.keyvalue()') as kv
where not p.is_aws_managed
order by name, object_id, operator;

-- name: r36_jsonpath_keyvalue_of_trust_conditions
select r.name, kv ->> 'key' as operator, (kv ->> 'id')::bigint as object_id, jsonb_typeof(kv -> 'value') as kind
from aws_iam_role r, jsonb_path_query(r.assume_role_policy_std, '$.Statement.Condition.keyvalue()') as kv
order by r.name, object_id, operator;

-- name: r36_jsonpath_keyvalue_of_statement_principals
select r.name, jsonb_path_query_array(r.assume_role_policy_std, '$.Statement[*].Principal.keyvalue().key') as principal_kinds,
  jsonb_path_query_array(r.assume_role_policy_std, '$.Statement[*].Principal.keyvalue().id') as ids
from aws_iam_role r
order by r.name, r.arn
limit 60;

-- name: r36_jsonpath_keyvalue_of_event_request_parameters
select event_id, kv ->> 'key' as parameter, kv -> 'id' as object_id
from aws_cloudtrail_trail_event e,
  jsonb_path_query(jsonb_build_object('p', e.request_parameters, 'n', 1), '$.p.keyvalue()') as kv
where e.event_source = 'iam.amazonaws.com' and e.request_parameters is not null
order by event_id, parameter
limit 80;

-- name: r36_jsonpath_keyvalue_of_tags_in_an_array
select name, jsonb_path_query_array(jsonb_build_array(tags, tags), '$[*].keyvalue().id') as ids
from aws_iam_role
where tags is not null
order by name;

-- name: r36_jsonpath_keyvalue_with_numbers_before
select account_id,
  jsonb_path_query_array(jsonb_build_object('a', 1.5, 'b', 123456789, 'c', jsonb_build_object('k', minimum_password_length)), '$.c.keyvalue()') as kv_after_numbers,
  jsonb_path_query_array(jsonb_build_object('x', 'text', 'yy', null, 'zzz', jsonb_build_array(true, jsonb_build_object('q', 0))), '$.zzz[*] ? (@.type() == "object").keyvalue().id') as nested_ids
from aws_iam_account_password_policy
order by account_id;

-- name: r36_jsonpath_keyvalue_with_vars
select name, jsonb_path_query_array('{}', '$t.keyvalue()', jsonb_build_object('t', tags)) as from_vars
from aws_iam_role
where tags is not null
order by name;

-- name: r36_jsonpath_double_of_strings
select account_id,
  jsonb_path_query_first(jsonb_build_object('n', minimum_password_length::text), '$.n.double()') as from_text,
  jsonb_path_query_first(jsonb_build_object('n', '0.1'), '$.n.double() * 3') as tenth_times_three,
  jsonb_path_query_first(jsonb_build_object('n', 1.50), '$.n.double()') as numeric_kept,
  jsonb_path_query_first(jsonb_build_object('n', ' 2.5e3 '), '$.n.double()') as exponent_text
from aws_iam_account_password_policy
order by account_id;

-- name: r36_jsonpath_abs_floor_ceiling
select account_id,
  jsonb_path_query_first(jsonb_build_object('n', -minimum_password_length / 4.0), '$.n.abs()') as magnitude,
  jsonb_path_query_first(jsonb_build_object('n', minimum_password_length / 4.0), '$.n.floor()') as floored,
  jsonb_path_query_first(jsonb_build_object('n', -minimum_password_length / 40.0), '$.n.ceiling()') as ceiled,
  jsonb_path_query_array(jsonb_build_object('a', jsonb_build_array(1.2, -3.7)), '$.a.floor()') as floors_of_array
from aws_iam_account_password_policy
where minimum_password_length is not null
order by account_id;

-- name: r36_jsonpath_double_in_filters
select name, jsonb_path_exists(tags, '$.* ? (@.double() > 10)') as numeric_tag_over_ten,
  jsonb_path_query_array(tags, '$.* ? (@.double() >= 0)') as numeric_tags
from aws_iam_role
where tags is not null
order by name;

-- name: r36_jsonpath_size_of_actions
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Action.size()') as action_counts,
  jsonb_path_query_first(policy_std, '$.Statement.size()') as statement_count,
  jsonb_path_query_array(policy_std, '$.Statement[*] ? (@.Action.size() > 2).Sid') as broad_sids
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_jsonpath_like_regex_and_starts_with
select name,
  jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^iam:(create|put|attach)" flag "i")') as writes_iam,
  jsonb_path_query_array(policy_std, '$.Statement[*].Resource[*] ? (@ starts with "arn:aws:s3")') as s3_resources
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_jsonpath_like_regex_on_events
select event_name, count(*) as calls
from aws_cloudtrail_trail_event
where jsonb_path_exists(cloudtrail_event, '$.userAgent ? (@ like_regex "aws-cli|boto" flag "i")')
group by event_name
order by calls desc, event_name
limit 20;

-- name: r36_jsonpath_last_in_filter_path
select name, jsonb_path_query_first(policy_std, '$.Statement[last] ? (@.Effect == "Allow").Action[last]') as last_allowed_action
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_to_char_roman_beside_digits
select name, length(name) as len, to_char(length(name), '999RN') as digits_then_roman,
  to_char(length(name), 'FM99RN') as fill_digits_roman, to_char(length(name), 'RN9,9') as roman_comma
from aws_iam_group
order by name;

-- name: r36_to_char_roman_with_signs
select name, to_char(length(name), 'RNMI') as roman_mi, to_char(length(name), 'PLRN') as pl_roman,
  to_char(-length(name), 'SRN') as s_roman, to_char(length(name), 'FMRNPL') as fill_roman_pl,
  to_char(length(name), 'RN SG x') as roman_sg
from aws_iam_group
order by name;

-- name: r36_to_char_locale_patterns
select name, max_session_duration, to_char(max_session_duration, 'L99999') as currency,
  to_char(max_session_duration / 7.0, '9G999D99') as grouped, to_char(max_session_duration, 'FML9G999') as fill_currency,
  to_char(-max_session_duration / 3600.0, 'L9D9MI') as negative_hours
from aws_iam_role
order by name, arn
limit 40;

-- name: r36_to_char_currency_of_counts
select account_id, count(*) as users, to_char(count(*) * 12.5, 'L999D00') as cost,
  to_char(count(*), 'lFM999') as lower_l
from aws_iam_user
group by account_id
order by account_id;

-- name: r36_to_char_roman_of_key_age_days
select access_key_id, to_char(date_part('day', now() - create_date)::int % 3999 + 1, 'FMRN') as roman_days,
  to_char(date_part('day', now() - create_date)::int % 3999 + 1, '9999 RN') as digits_and_roman
from aws_iam_access_key
order by access_key_id;

-- name: r36_character_length_of_names
select name, character_length(name) as chars, char_length(path) as path_chars, octet_length(arn) as arn_bytes
from aws_iam_user
order by character_length(name) desc, name, arn
limit 25;

-- name: r36_json_array_length_of_statements
select name, json_array_length((policy_std -> 'Statement')::json) as statements,
  json_typeof((policy_std -> 'Statement')::json) as kind
from aws_iam_policy
where not is_aws_managed
order by name;

-- name: r36_json_extract_path_of_trust
select name, json_extract_path(assume_role_policy_std::json, 'Statement') is not null as has_statements,
  json_extract_path_text(assume_role_policy_std::json, 'Version') as version
from aws_iam_role
order by name, arn
limit 40;

-- name: r36_json_strip_nulls_of_built_objects
select name, json_strip_nulls(json_build_object('name', name, 'boundary', permissions_boundary_arn, 'last_used', password_last_used))::text as compact
from aws_iam_user
order by name, arn
limit 30;

-- name: r36_json_array_elements_of_groups
select u.name, g ->> 'GroupName' as group_name
from aws_iam_user u, json_array_elements(u.groups::json) as g
order by u.name, group_name;

-- name: r36_json_each_text_of_tags
select r.name, t.key, t.value
from aws_iam_role r, json_each_text(r.tags::json) as t
where r.tags is not null
order by r.name, t.key;

-- name: r36_json_object_keys_of_request_parameters
select k, count(*) as events
from aws_cloudtrail_trail_event e, json_object_keys(e.request_parameters::json) as k
where e.request_parameters is not null and jsonb_typeof(e.request_parameters) = 'object'
group by k
order by events desc, k
limit 25;

-- name: r36_any_value_per_account
select account_id, count(*) as roles, any_value(account_id) as same_account,
  min(name) as first_role
from aws_iam_role
group by account_id
order by account_id;

-- name: r36_bit_xor_of_session_durations
select account_id, bit_xor(max_session_duration) as xor_duration, bit_and(max_session_duration) as and_duration,
  bit_or(max_session_duration) as or_duration
from aws_iam_role
group by account_id
order by account_id;

-- name: r36_covariance_of_key_ages
select account_id, count(*) as keys,
  round(covar_pop(extract(epoch from now() - create_date) / 86400, length(user_name))::numeric, 6) as covar_pop_days_len,
  round(covar_samp(extract(epoch from now() - create_date) / 86400, length(user_name))::numeric, 6) as covar_samp_days_len
from aws_iam_access_key
group by account_id
order by account_id;

-- name: r36_regression_of_policy_versions
select count(*) as policies,
  regr_count(attachment_count, length(name)) as pairs,
  round(regr_sxx(attachment_count, length(name))::numeric, 6) as sxx,
  round(regr_sxy(attachment_count, length(name))::numeric, 6) as sxy,
  round(regr_syy(attachment_count, length(name))::numeric, 6) as syy,
  round(regr_avgx(attachment_count, length(name))::numeric, 6) as avgx,
  round(regr_avgy(attachment_count, length(name))::numeric, 6) as avgy
from aws_iam_policy
where not is_aws_managed;

-- name: r36_regr_intercept_and_r2
select account_id, round(regr_intercept(length(name), length(arn))::numeric, 6) as intercept,
  round(regr_r2(length(name), length(arn))::numeric, 6) as r2
from aws_iam_role
group by account_id
order by account_id;

-- name: r36_localtimestamp_and_transaction_time
select name, localtimestamp - create_date::timestamp > interval '0' as created_before,
  date_trunc('day', transaction_timestamp()) = date_trunc('day', now()) as same_day
from aws_iam_user
order by name, arn
limit 10;

-- name: r36_date_add_and_subtract
select access_key_id, date_add(create_date, interval '90 days') as rotate_by,
  date_subtract(create_date, interval '1 month') as month_before,
  date_add(create_date, interval '1 day', 'UTC') as next_day_utc
from aws_iam_access_key
order by access_key_id;

-- name: r36_current_time_of_day_text
select count(*) as users, current_date - min(create_date)::date as oldest_days,
  current_timestamp = now() as current_is_now
from aws_iam_user;

-- name: r36_unistr_and_normalize
select name, unistr('\0041' || left(name, 3)) as prefixed, normalize(name) = name as nfc
from aws_iam_group
order by name;

-- name: r36_to_ascii_not_needed_translate
select name, translate(name, 'aeiou', 'AEIOU') as vowels_up, to_hex(length(name)) as hex_len, ascii(name) as first_code,
  chr(ascii(name) + 1) as next_letter
from aws_iam_group
order by name;

-- name: r36_overlay_and_position_of_arns
select name, overlay(arn placing '***' from 14 for 12) as masked_arn, position(':role/' in arn) as role_at,
  strpos(arn, '/') as slash_at
from aws_iam_role
order by name, arn
limit 30;

-- name: r36_quote_nullable_and_literal
select name, quote_nullable(permissions_boundary_arn) as boundary_sql, quote_literal(name) as name_sql,
  quote_ident(name) as name_ident
from aws_iam_user
order by name, arn
limit 30;

-- name: r36_string_to_table_of_paths
select r.name, seg, ord
from aws_iam_role r, string_to_table(trim(both '/' from r.path), '/') with ordinality as s(seg, ord)
where r.path <> '/'
order by r.name, ord;

-- name: r36_regexp_split_to_array_of_user_agents
select event_id, (regexp_split_to_array(user_agent, '[/ ]'))[1] as agent, cardinality(regexp_split_to_array(user_agent, '[/ ]')) as parts
from aws_cloudtrail_trail_event
where user_agent is not null
order by event_id
limit 40;

-- name: r36_starts_with_and_right_of_arns
select name, starts_with(arn, 'arn:aws:iam::') as iam_arn, right(arn, 12) as tail, left(role_id, 4) as prefix
from aws_iam_role
order by name, arn
limit 30;

-- name: r36_lpad_rpad_report
select rpad(name, 30, '.') || lpad(coalesce(max_session_duration::text, '-'), 6) as line
from aws_iam_role
order by name, arn
limit 30;

-- name: r36_repeat_and_reverse
select name, repeat('*', length(name) % 7) as stars, reverse(name) as backwards, initcap(replace(name, '-', ' ')) as title_case
from aws_iam_group
order by name;

-- name: r36_sha256_encode_of_arns
select name, encode(sha256(arn::bytea), 'hex') as arn_hash, md5(arn) as arn_md5, encode(arn::bytea, 'base64') as arn_b64
from aws_iam_group
order by name;

-- name: r36_btrim_ltrim_rtrim_chars
select name, btrim(path, '/') as trimmed, ltrim(name, 'a') as no_leading_a, rtrim(name, '0123456789') as no_trailing_digits
from aws_iam_user
order by name, arn
limit 30;

-- name: r36_bit_length_and_octets
select name, bit_length(name) as bits, octet_length(name) as bytes, length(name) as chars
from aws_iam_group
order by name;

-- name: r36_to_date_and_to_timestamp_of_text
select name, to_date(to_char(create_date, 'YYYYMMDD'), 'YYYYMMDD') as created_day,
  to_timestamp(to_char(create_date at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), 'YYYY-MM-DD HH24:MI:SS') as created_again
from aws_iam_user
order by name, arn
limit 20;

-- name: r36_make_date_and_make_timestamptz
select account_id, make_date(first_year, 1, 1) as first_year_start,
  make_timestamptz(2024, 2, 29, 12, 30, 15.5, 'UTC') as leap_noon,
  make_time(23, 59, 59.5) as last_second
from (select account_id, extract(year from min(create_date))::int as first_year from aws_iam_user group by account_id) t
order by account_id;

-- name: r36_justify_interval_of_key_ages
select access_key_id, justify_interval(now() - create_date) as age_justified, justify_days(interval '45 days') as days45,
  justify_hours(interval '50 hours') as hours50
from aws_iam_access_key
order by access_key_id;

-- name: r36_date_bin_of_events
select date_bin('15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as bucket, count(*) as events
from aws_cloudtrail_trail_event
group by bucket
order by events desc, bucket
limit 15;

-- name: r36_isfinite_and_age_of_passwords
select user_name, isfinite(password_last_changed) as finite_change, age(generated_time, user_creation_time) as report_age
from aws_iam_credential_report
order by user_name, user_arn
limit 30;

-- name: r36_extract_fields_of_event_time
select event_id, extract(isodow from event_time) as isodow, extract(doy from event_time) as doy,
  extract(quarter from event_time) as quarter, extract(week from event_time) as week, extract(julian from event_time) as julian
from aws_cloudtrail_trail_event
order by event_id
limit 30;

-- name: r36_overlaps_key_lifetimes
select a.access_key_id as key_a, b.access_key_id as key_b,
  (a.create_date, coalesce(a.access_key_last_used_date, now())) overlaps (b.create_date, coalesce(b.access_key_last_used_date, now())) as overlap
from aws_iam_access_key a join aws_iam_access_key b on a.user_name = b.user_name and a.account_id = b.account_id and a.access_key_id < b.access_key_id
order by key_a, key_b;

-- name: r36_lateral_ordinality_of_statement_actions
select p.name, s.idx as statement_no, a.ord as action_no, a.action
from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s(stmt, idx)
  cross join lateral jsonb_array_elements_text(s.stmt -> 'Action') with ordinality as a(action, ord)
where not p.is_aws_managed
order by p.name, statement_no, action_no;

-- name: r36_left_join_lateral_ordinality_of_groups
select u.name, g.pos, g.grp ->> 'GroupName' as group_name
from aws_iam_user u
  left join lateral jsonb_array_elements(u.groups) with ordinality as g(grp, pos) on true
order by u.name, g.pos nulls first;

-- name: r36_lateral_top_actions_per_source
select s.event_source, t.event_name, t.calls
from (select distinct event_source from aws_cloudtrail_trail_event) s
  cross join lateral (
    select event_name, count(*) as calls from aws_cloudtrail_trail_event e
    where e.event_source = s.event_source group by event_name order by calls desc, event_name limit 2
  ) t
order by s.event_source, t.calls desc, t.event_name;

-- name: r36_nested_ctes_admin_report
with statements as (
  select p.arn, s as stmt from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
), admin as (
  with star as (select arn from statements where stmt -> 'Action' ? '*' and stmt ->> 'Effect' = 'Allow')
  select distinct arn from star
), attached as (
  select a.arn, count(*) as holders from admin a join aws_iam_role r on r.attached_policy_arns ? a.arn group by a.arn
)
select a.arn, coalesce(t.holders, 0) as role_holders
from admin a left join attached t using (arn)
order by a.arn;

-- name: r36_cte_chain_status_with_reason
with keys as (
  select user_name, account_id, access_key_id, status, create_date from aws_iam_access_key
), aged as (
  select *, date_part('day', now() - create_date) as age_days from keys
), judged as (
  select *, case when status <> 'Active' then 'skip' when age_days > 90 then 'alarm' else 'ok' end as verdict from aged
)
select access_key_id as resource, verdict as status,
  format('%s key %s is %s days old.', user_name, access_key_id, age_days::int) as reason, account_id
from judged
order by resource;

-- name: r36_window_range_frame_of_event_times
select event_id, event_time,
  count(*) over (order by event_time range between interval '5 minutes' preceding and current row) as calls_last_5min
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
order by event_time, event_id
limit 50;

-- name: r36_window_groups_frame_exclude_ties
select name, length(name) as len,
  count(*) over (order by length(name) groups between 1 preceding and 1 following exclude ties) as neighbours,
  sum(length(name)) over (order by length(name) groups between 1 preceding and current row exclude group) as prior_group_sum
from aws_iam_group
order by len, name;

-- name: r36_window_rows_exclude_current_row
select name, max_session_duration,
  avg(max_session_duration) over (partition by account_id order by name rows between 2 preceding and 2 following exclude current row) as neighbour_avg
from aws_iam_role
order by account_id, name
limit 60;

-- name: r36_window_exclude_no_others_and_range_offset
select name, max_session_duration,
  count(*) over (order by max_session_duration range between 3600 preceding and 3600 following exclude no others) as within_hour,
  max(name) over (order by max_session_duration range between unbounded preceding and 1 preceding) as last_shorter
from aws_iam_role
order by max_session_duration, name
limit 60;

-- name: r36_window_first_last_nth_value
select account_id, name, create_date,
  first_value(name) over w as oldest, last_value(name) over w as newest, nth_value(name, 2) over w as second_oldest
from aws_iam_role
window w as (partition by account_id order by create_date, name rows between unbounded preceding and unbounded following)
order by account_id, create_date, name
limit 60;

-- name: r36_window_lag_lead_defaults
select user_name, access_key_id, create_date,
  lag(access_key_id, 1, 'none') over (partition by user_name, account_id order by create_date, access_key_id) as previous_key,
  lead(create_date) over (partition by user_name, account_id order by create_date, access_key_id) - create_date as until_next
from aws_iam_access_key
order by user_name, create_date, access_key_id;

-- name: r36_window_ntile_percent_rank_cume_dist
select name, attachment_count, ntile(4) over (order by attachment_count, name, arn) as quartile,
  round(percent_rank() over (order by attachment_count)::numeric, 4) as pct_rank,
  round(cume_dist() over (order by attachment_count)::numeric, 4) as cume
from aws_iam_policy
where not is_aws_managed
order by attachment_count, name, arn;

-- name: r36_window_dense_rank_of_event_sources
select event_source, calls, rank() over (order by calls desc) as rnk, dense_rank() over (order by calls desc) as dense
from (select event_source, count(*) as calls from aws_cloudtrail_trail_event group by event_source) t
order by calls desc, event_source;

-- name: r36_distinct_on_latest_event_per_user
select distinct on (username) username, event_name, event_time
from aws_cloudtrail_trail_event
where username is not null
order by username, event_time desc, event_id;

-- name: r36_distinct_on_newest_key_per_account
select distinct on (account_id) account_id, access_key_id, user_name, create_date
from aws_iam_access_key
order by account_id, create_date desc nulls last, access_key_id;

-- name: r36_distinct_on_expression_lower
select distinct on (lower(split_part(name, '-', 1))) lower(split_part(name, '-', 1)) as prefix, name
from aws_iam_role
order by lower(split_part(name, '-', 1)), name;

-- name: r36_grouping_sets_of_events
select event_source, read_only, count(*) as calls, grouping(event_source, read_only) as level
from aws_cloudtrail_trail_event
group by grouping sets ((event_source, read_only), (event_source), ())
order by level, event_source nulls last, read_only nulls last;

-- name: r36_rollup_of_key_status
select account_id, status, count(*) as keys, grouping(account_id) as acct_total, grouping(status) as status_total
from aws_iam_access_key
group by rollup (account_id, status)
order by account_id nulls last, status nulls last;

-- name: r36_cube_of_credential_flags
select mfa_active, password_enabled, count(*) as users
from aws_iam_credential_report
group by cube (mfa_active, password_enabled)
order by mfa_active nulls last, password_enabled nulls last;

-- name: r36_filter_on_several_aggregates
select account_id,
  count(*) filter (where mfa_active) as with_mfa,
  count(*) filter (where not mfa_active and password_enabled) as console_without_mfa,
  string_agg(user_name, ', ' order by user_name) filter (where access_key_1_active and access_key_2_active) as two_keys,
  max(password_last_used) filter (where password_enabled) as latest_console_use
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: r36_filter_with_jsonb_agg_and_array_agg
select account_id,
  jsonb_agg(name order by name) filter (where max_session_duration > 3600) as long_sessions,
  array_agg(name order by name) filter (where description is null) as undescribed
from aws_iam_role
group by account_id
order by account_id;

-- name: r36_within_group_percentiles_of_role_age
select account_id,
  percentile_cont(0.5) within group (order by extract(epoch from now() - create_date) / 86400) as median_age_days,
  percentile_disc(0.9) within group (order by create_date) as p90_created,
  mode() within group (order by path) as common_path
from aws_iam_role
group by account_id
order by account_id;

-- name: r36_union_with_order_by_and_limit
(select 'user' as kind, name, create_date from aws_iam_user order by create_date desc, name limit 3)
union all
(select 'role' as kind, name, create_date from aws_iam_role order by create_date desc, name limit 3)
order by kind, create_date desc, name;

-- name: r36_intersect_user_and_group_names
select lower(name) as n from aws_iam_user
intersect
select lower(name) from aws_iam_group
order by n;

-- name: r36_except_all_principal_names
select account_id from aws_iam_role
except all
select account_id from aws_iam_user
order by account_id
limit 5;

-- name: r36_union_distinct_offset
select name from aws_iam_group
union
select split_part(arn, '/', 2) from aws_iam_group
order by name
offset 2 limit 10;

-- name: r36_correlated_subquery_counts
select u.name,
  (select count(*) from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id) as keys,
  (select max(k.create_date) from aws_iam_access_key k where k.user_name = u.name and k.account_id = u.account_id) as newest_key,
  (select string_agg(g ->> 'GroupName', ',' order by g ->> 'GroupName') from jsonb_array_elements(u.groups) g) as group_list
from aws_iam_user u
order by u.name, u.account_id;

-- name: r36_correlated_exists_and_not_exists
select r.name,
  exists (select 1 from aws_iam_instance_profile i where i.roles @> jsonb_build_array(jsonb_build_object('RoleName', r.name))) as in_profile,
  not exists (select 1 from aws_cloudtrail_trail_event e where e.user_identity ->> 'arn' like '%' || r.name || '%') as never_seen
from aws_iam_role r
order by r.name, r.arn
limit 40;

-- name: r36_scalar_subquery_in_case
select name,
  case when create_date = (select min(create_date) from aws_iam_role r2 where r2.account_id = r.account_id) then 'oldest'
       when create_date = (select max(create_date) from aws_iam_role r2 where r2.account_id = r.account_id) then 'newest'
       else 'other' end as position
from aws_iam_role r
order by account_id, create_date, name
limit 60;

-- name: r36_org_accounts_by_status_rollup
select coalesce(parent_id, 'all') as parent, status, count(*) as accounts, grouping(parent_id, status) as lvl
from aws_organizations_account
group by rollup (parent_id, status)
order by lvl, parent nulls last, status nulls last;

-- name: r36_org_recursive_ou_depth_with_ordinality
with recursive tree as (
  select id, name, parent_id, 1 as depth, name::text as trail from aws_organizations_organizational_unit
  where parent_id like 'r-%'
  union all
  select o.id, o.name, o.parent_id, t.depth + 1, t.trail || ' > ' || o.name
  from aws_organizations_organizational_unit o join tree t on o.parent_id = t.id
)
select t.id, t.depth, t.trail, s.part, s.n
from tree t, unnest(string_to_array(t.trail, ' > ')) with ordinality as s(part, n)
order by t.trail, s.n;

-- name: r36_org_accounts_joined_per_year_window
select extract(year from joined_timestamp)::int as year, count(*) as joined,
  sum(count(*)) over (order by extract(year from joined_timestamp)::int) as running_total
from aws_organizations_account
group by 1
order by 1 nulls first;

-- name: r36_org_policy_statements_lateral
select p.name, p.type, s.n, s.stmt ->> 'Effect' as effect, jsonb_typeof(s.stmt -> 'Action') as action_kind
from aws_organizations_policy p
  cross join lateral jsonb_array_elements(
    case jsonb_typeof(p.content -> 'Statement') when 'array' then p.content -> 'Statement' else jsonb_build_array(p.content -> 'Statement') end
  ) with ordinality as s(stmt, n)
order by p.name, s.n;

-- name: r36_org_policy_targets_string_agg
select p.name, p.type, count(t.target_id) as targets,
  string_agg(distinct t.target_id, ', ' order by t.target_id) as target_ids
from aws_organizations_policy p left join aws_organizations_policy_target t on t.id = p.id
group by p.name, p.type
order by p.type, p.name;

-- name: r36_org_account_email_domains
select split_part(email, '@', 2) as domain, count(*) as accounts, array_agg(id order by id) as ids
from aws_organizations_account
group by domain
order by accounts desc, domain;

-- name: r36_org_delegated_admins_by_service
select d.name, d.id, count(s.service_principal) as services,
  string_agg(s.service_principal, ',' order by s.service_principal) as principals
from aws_organizations_delegated_administrator d
  left join aws_organizations_delegated_services_for_account s on s.delegated_account_id = d.id
group by d.name, d.id
order by d.id;

-- name: r36_accessanalyzer_findings_by_type_and_status
select resource_type, status, count(*) as findings, count(*) filter (where is_public) as public_findings,
  min(created_at) as first_seen
from aws_accessanalyzer_finding
group by grouping sets ((resource_type, status), (resource_type))
order by resource_type, status nulls last;

-- name: r36_accessanalyzer_finding_principals
select f.id, f.resource, kv.key as principal_type, kv.value #>> '{}' as principal
from aws_accessanalyzer_finding f, jsonb_each(f.principal) as kv
where f.principal is not null
order by f.id, principal_type;

-- name: r36_accessanalyzer_finding_actions_ordinality
select f.id, a.action, a.n
from aws_accessanalyzer_finding f, jsonb_array_elements_text(f.action) with ordinality as a(action, n)
order by f.id, a.n;

-- name: r36_accessanalyzer_analyzer_age
select name, type, status, date_part('day', now() - created_at) as age_days,
  to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SSOF') as created_text
from aws_accessanalyzer_analyzer
order by name, arn;

-- name: r36_kms_key_rotation_status_reason
select arn as resource,
  case when key_manager = 'AWS' then 'skip' when key_state <> 'Enabled' then 'skip'
       when key_rotation_enabled then 'ok' else 'alarm' end as status,
  concat_ws(' ', title, 'rotation', case when key_rotation_enabled then 'enabled' else 'disabled' end) as reason,
  account_id
from aws_kms_key
order by resource;

-- name: r36_kms_key_policy_principals
select k.id, s ->> 'Sid' as sid, p as principal
from aws_kms_key k, jsonb_array_elements(k.policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
order by k.id, sid nulls first, principal;

-- name: r36_kms_key_aliases_and_days_to_deletion
select id, jsonb_array_length(coalesce(aliases, '[]'::jsonb)) as alias_count,
  aliases -> 0 ->> 'AliasName' as first_alias,
  case when deletion_date is not null then date_part('day', deletion_date - now()) end as days_to_deletion
from aws_kms_key
order by id;

-- name: r36_kms_keys_per_spec_cube
select customer_master_key_spec, key_manager, count(*) as keys
from aws_kms_key
group by cube (customer_master_key_spec, key_manager)
order by customer_master_key_spec nulls last, key_manager nulls last;

-- name: r36_s3_public_access_block_status
select name, arn,
  case when block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets then 'ok' else 'alarm' end as status,
  concat_ws(', ', case when not block_public_acls then 'BlockPublicAcls' end, case when not block_public_policy then 'BlockPublicPolicy' end,
    case when not ignore_public_acls then 'IgnorePublicAcls' end, case when not restrict_public_buckets then 'RestrictPublicBuckets' end) as disabled
from aws_s3_bucket
order by arn;

-- name: r36_s3_bucket_encryption_rules
select b.name, r -> 'ApplyServerSideEncryptionByDefault' ->> 'SSEAlgorithm' as algorithm,
  (r ->> 'BucketKeyEnabled')::bool as bucket_key
from aws_s3_bucket b, jsonb_array_elements(b.server_side_encryption_configuration -> 'Rules') r
order by b.name, algorithm;

-- name: r36_s3_bucket_policy_secure_transport
select b.name, bool_or(s -> 'Condition' -> 'Bool' ->> 'aws:SecureTransport' = 'false' and s ->> 'Effect' = 'Deny') as denies_http
from aws_s3_bucket b left join lateral jsonb_array_elements(b.policy_std -> 'Statement') s on true
group by b.name
order by b.name;

-- name: r36_s3_buckets_by_region_and_year
select region, extract(year from creation_date)::int as year, count(*) as buckets
from aws_s3_bucket
group by grouping sets ((region, year), (region), ())
order by region nulls last, year nulls last;

-- name: r36_s3_bucket_tags_as_text_array
select name, array(select jsonb_object_keys(tags) order by 1) as tag_keys, tags ->> 'Name' as name_tag
from aws_s3_bucket
order by name;

-- name: r36_secrets_rotation_age_status
select arn as resource,
  case when not coalesce(rotation_enabled, false) then 'alarm'
       when last_rotated_date is null or last_rotated_date < now() - interval '90 days' then 'alarm' else 'ok' end as status,
  name || coalesce(' rotated ' || to_char(last_rotated_date, 'YYYY-MM-DD'), ' never rotated') || '.' as reason
from aws_secretsmanager_secret
order by resource;

-- name: r36_secrets_rotation_rules_and_unused_days
select name, (rotation_rules ->> 'AutomaticallyAfterDays')::int as rotate_days,
  date_part('day', now() - last_accessed_date) as days_unused,
  coalesce(date_part('day', now() - last_accessed_date) > 90, true) as stale
from aws_secretsmanager_secret
order by name, arn;

-- name: r36_secrets_version_stages
select s.name, v.key as version_id, st.stage
from aws_secretsmanager_secret s, jsonb_each(s.secret_versions_to_stages) v, jsonb_array_elements_text(v.value) as st(stage)
order by s.name, st.stage, v.key;

-- name: r36_secrets_policy_principals_distinct
select distinct s.name, p
from aws_secretsmanager_secret s, jsonb_array_elements(s.policy_std -> 'Statement') st,
  jsonb_array_elements_text(st -> 'Principal' -> 'AWS') p
order by s.name, p;

-- name: r36_trail_status_with_null_ordering
select name, is_logging, is_multi_region_trail, latest_delivery_time
from aws_cloudtrail_trail
order by latest_delivery_time desc nulls last, name, arn;

-- name: r36_trail_event_selectors_lateral
select t.name, sel ->> 'ReadWriteType' as rw, (sel ->> 'IncludeManagementEvents')::boolean as mgmt, n
from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) with ordinality as x(sel, n)
order by t.name, t.arn, n;

-- name: r36_events_cast_time_text_round_trip
select event_id, event_time::text as time_text, (event_time::text)::timestamptz = event_time as round_trip,
  event_time::date as day, to_char(event_time, 'HH24') as hour
from aws_cloudtrail_trail_event
order by event_id
limit 40;

-- name: r36_events_errors_by_code_null_last
select error_code, count(*) as events, min(event_time) as first_time
from aws_cloudtrail_trail_event
group by error_code
order by error_code nulls first;

-- name: r36_events_request_parameters_text_cast
select event_name, request_parameters::text like '%"userName"%' as names_user,
  length(request_parameters::text) as param_len
from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com'
order by event_id
limit 40;

-- name: r36_events_user_identity_jsonb_text_to_array
select event_id, string_to_array(user_identity ->> 'arn', ':') as arn_parts,
  (string_to_array(user_identity ->> 'arn', ':'))[5] as account
from aws_cloudtrail_trail_event
where user_identity ->> 'arn' is not null
order by event_id
limit 40;

-- name: r36_events_resources_array_to_jsonb
select event_id, to_jsonb(array(select r ->> 'ARN' from jsonb_array_elements(resources) r order by 1)) as resource_arns
from aws_cloudtrail_trail_event
where jsonb_typeof(resources) = 'array' and jsonb_array_length(resources) > 0
order by event_id
limit 40;

-- name: r36_events_per_hour_generate_series
with bounds as (select date_trunc('hour', min(event_time)) as lo, date_trunc('hour', min(event_time)) + interval '5 hours' as hi from aws_cloudtrail_trail_event)
select h as hour, count(e.event_id) as events
from bounds, generate_series(bounds.lo, bounds.hi, interval '1 hour') h
  left join aws_cloudtrail_trail_event e on date_trunc('hour', e.event_time) = h
group by h
order by h;

-- name: r36_events_console_logins_mfa
select username, count(*) as logins,
  count(*) filter (where additional_event_data ->> 'MFAUsed' = 'Yes') as with_mfa,
  bool_and(response_elements ->> 'ConsoleLogin' = 'Success') as all_success
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
group by username
order by username nulls first;

-- name: r36_text_array_casts_of_tags
select name, ('{' || array_to_string(array(select jsonb_object_keys(tags) order by 1), ',') || '}')::text[] as keys_array,
  array_length(array(select jsonb_object_keys(tags)), 1) as key_count
from aws_iam_role
where tags is not null
order by name, arn;

-- name: r36_jsonb_from_text_and_back
select name, (('{"n": ' || length(name) || '}')::jsonb ->> 'n')::int as n, to_jsonb(create_date)::text as created_json,
  (to_jsonb(name) #>> '{}') = name as same
from aws_iam_group
order by name;

-- name: r36_timestamp_text_casts
select name, create_date::timestamp as naive, create_date::date::timestamptz as midnight,
  ('2024-01-01'::date + 30)::text as plus_30
from aws_iam_group
order by name;

-- name: r36_array_text_casts_of_arns
select name, attached_policy_arns::text as arns_text,
  array_to_string(array(select jsonb_array_elements_text(attached_policy_arns) order by 1), ';') as arns_joined
from aws_iam_group
order by name;

-- name: r36_interval_casts_and_text
select access_key_id, (now() - create_date)::text like '%days%' as has_days,
  ((date_part('day', now() - create_date)::int || ' days')::interval) as days_interval
from aws_iam_access_key
order by access_key_id;

-- name: r36_nulls_first_descending_last_used
select name, password_last_used
from aws_iam_user
order by password_last_used desc nulls first, name, arn
limit 30;

-- name: r36_nulls_last_ascending_boundaries
select name, permissions_boundary_arn
from aws_iam_role
order by permissions_boundary_arn asc nulls last, name, arn
limit 30;

-- name: r36_credential_report_key_rotation_reason
select user_name,
  case when not access_key_1_active and not access_key_2_active then 'skip'
       when greatest(access_key_1_last_rotated, access_key_2_last_rotated) < now() - interval '90 days' then 'alarm'
       else 'ok' end as status,
  format('%s: key 1 %s, key 2 %s', user_name, coalesce(to_char(access_key_1_last_rotated, 'YYYY-MM-DD'), 'n/a'),
         coalesce(to_char(access_key_2_last_rotated, 'YYYY-MM-DD'), 'n/a')) as reason
from aws_iam_credential_report
order by user_name, user_arn;

-- name: r36_credential_report_password_status_text
select password_status, count(*) as users, string_agg(user_name, ',' order by user_name) as names
from aws_iam_credential_report
group by password_status
order by password_status nulls last;

-- name: r36_password_policy_as_json_report
select account_id, jsonb_build_object('min', minimum_password_length, 'reuse', password_reuse_prevention,
  'symbols', require_symbols, 'age', max_password_age) as policy,
  jsonb_strip_nulls(jsonb_build_object('age', max_password_age, 'hard', hard_expiry)) as stripped
from aws_iam_account_password_policy
order by account_id;

-- name: r36_users_without_mfa_inactive_days
select name, coalesce(date_part('day', now() - password_last_used)::text, 'never') as idle_days,
  case when mfa_enabled then 'ok' when password_last_used is null then 'info' else 'alarm' end as status
from aws_iam_user
order by status, name, arn;

-- name: r36_groups_member_counts_with_empty
select g.name, jsonb_array_length(coalesce(g.users, '[]')) as members,
  case jsonb_array_length(coalesce(g.users, '[]')) when 0 then 'empty' else 'used' end as state
from aws_iam_group g
order by members desc, g.name;

-- name: r36_roles_cross_account_trust
select r.name, p as trusted, split_part(p, ':', 5) as trusted_account
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
where split_part(p, ':', 5) <> r.account_id and p <> '*'
order by r.name, trusted;

-- name: r36_roles_last_used_buckets
select width_bucket(date_part('day', now() - role_last_used_date), 0, 365, 4) as bucket, count(*) as roles,
  min(role_last_used_date) as oldest
from aws_iam_role
group by bucket
order by bucket nulls last;

-- name: r36_policy_versions_count_and_default
select name, jsonb_array_length(policy_versions) as versions,
  (select v ->> 'VersionId' from jsonb_array_elements(policy_versions) v where (v ->> 'IsDefaultVersion')::bool) as default_version
from aws_iam_policy
where not is_aws_managed and policy_versions is not null
order by name, arn;

-- name: r36_policy_wildcard_resources_count
select name, count(*) filter (where r = '*') as star_resources, count(*) as resources
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Resource') r
where not p.is_aws_managed
group by name, arn
order by name, arn;

-- name: r36_inline_policy_names_of_users
select u.name, ip ->> 'PolicyName' as policy_name, jsonb_array_length(ip -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) ip
order by u.name, policy_name;

-- name: r36_access_advisor_services_not_used
select principal_arn, service_namespace, last_authenticated
from aws_iam_access_advisor
where last_authenticated is null or last_authenticated < now() - interval '180 days'
order by principal_arn, service_namespace
limit 50;

-- name: r36_mfa_devices_enable_dates
select u.name, d ->> 'SerialNumber' as serial, (d ->> 'EnableDate')::timestamptz as enabled_at
from aws_iam_user u, jsonb_array_elements(u.mfa_devices) d
order by u.name, serial;

-- name: r36_event_names_regexp_like_and_count
select event_source, count(*) filter (where regexp_like(event_name, '^(Create|Delete|Put|Attach|Detach)')) as writes,
  regexp_count(string_agg(event_name, ' ' order by event_name), 'List') as list_mentions
from aws_cloudtrail_trail_event
group by event_source
order by event_source;

-- name: r36_sql_json_object_and_array_constructors
select name, json_object('name': name, 'path': path)::text as obj, json_object('n': length(name), 'boundary': null)::text as with_null
from aws_iam_group
order by name;

-- name: r36_sql_json_arrayagg_objectagg
select account_id, json_arrayagg(name order by name) as names, json_objectagg(name : length(name)) as lengths,
  json_arrayagg(case when length(name) > 5 then name end order by name) as long_names
from aws_iam_group
group by account_id
order by account_id;

-- name: r36_array_positions_of_effects
select name, array_positions(effects, 'Allow') as allow_positions, array_position(effects, 'Deny') as first_deny
from (
  select name, arn, array(select s ->> 'Effect' from jsonb_array_elements(policy_std -> 'Statement') s) as effects
  from aws_iam_policy where not is_aws_managed
) p
order by name, arn;

-- name: r36_array_remove_replace_and_cat
select name, array_remove(string_to_array(path, '/'), '') as segments,
  array_replace(string_to_array(arn, ':'), 'aws', 'AWS') as upper_partition,
  array_cat(array[name], string_to_array(trim(both '/' from path), '/')) as name_and_path
from aws_iam_role
where path <> '/'
order by name, arn;

-- name: r36_array_dims_lower_upper_ndims
select name, array_dims(string_to_array(arn, ':')) as dims, array_lower(string_to_array(arn, ':'), 1) as lo,
  array_upper(string_to_array(arn, ':'), 1) as hi, array_ndims(string_to_array(arn, ':')) as nd
from aws_iam_group
order by name;

-- name: r36_array_prepend_append_and_contains
select name, array_prepend('root', array_append(string_to_array(trim(both '/' from path), '/'), name)) as full_path,
  string_to_array(arn, ':') @> array['iam'] as is_iam, string_to_array(arn, ':') && array['s3', 'kms'] as touches_data
from aws_iam_user
order by name, arn
limit 30;

-- name: r36_unnest_two_arrays_side_by_side
select u.name, x.k, x.v
from aws_iam_user u, unnest(array['path', 'arn'], array[u.path, u.arn]) as x(k, v)
order by u.name, u.arn, x.k
limit 40;

-- name: r36_generate_subscripts_of_actions
select p.name, i, (array(select jsonb_array_elements_text(s -> 'Action')))[i] as action
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  generate_subscripts(array(select jsonb_array_elements_text(s -> 'Action')), 1) i
where not p.is_aws_managed
order by p.name, p.arn, s::text, i;

-- name: r36_jsonb_object_agg_of_tags_per_account
select account_id, jsonb_object_agg(name, coalesce(max_session_duration, 0) order by name) as durations
from aws_iam_role
where account_id in (select account_id from aws_iam_role group by account_id having count(*) < 15)
group by account_id
order by account_id;

-- name: r36_jsonb_set_insert_and_delete_path
select name, jsonb_set(coalesce(tags, '{}'), '{reviewed}', 'true') as with_flag,
  jsonb_insert(jsonb_build_object('a', jsonb_build_array(1, 2)), '{a, 1}', to_jsonb(name)) as inserted,
  coalesce(tags, '{}') #- '{Name}' as without_name
from aws_iam_role
order by name, arn
limit 20;

-- name: r36_jsonb_exists_any_all_operators
select name, assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' ?| array['AWS', 'Federated'] as aws_or_federated,
  assume_role_policy_std -> 'Statement' -> 0 ?& array['Effect', 'Principal'] as has_both
from aws_iam_role
order by name, arn
limit 40;

-- name: r36_jsonb_path_ops_on_trust
select name, assume_role_policy_std @? '$.Statement[*] ? (@.Condition.size() > 0)' as conditioned,
  assume_role_policy_std @@ '$.Statement.size() > 1' as several_statements
from aws_iam_role
order by name, arn
limit 40;

-- name: r36_string_agg_distinct_sources_per_user
select username, string_agg(distinct event_source, ',' order by event_source) as sources, count(distinct event_name) as actions
from aws_cloudtrail_trail_event
where username is not null
group by username
order by username;

-- name: r36_every_and_bool_or_per_account
select account_id, every(mfa_enabled) as all_mfa, bool_or(password_last_used is not null) as any_console,
  bool_and(path = '/') as all_root_path
from aws_iam_user
group by account_id
order by account_id;

-- name: r36_stddev_and_variance_of_name_lengths
select account_id, round(stddev_pop(length(name)), 4) as sd_pop, round(stddev_samp(length(name)), 4) as sd_samp,
  round(var_pop(length(name)), 4) as var_pop, round(variance(length(name)), 4) as var_samp
from aws_iam_role
group by account_id
order by account_id;

-- name: r36_count_distinct_tuple_and_min_max_text
select count(distinct (event_source, event_name)) as pairs, min(event_name) as first_name, max(event_name) as last_name
from aws_cloudtrail_trail_event;

-- name: r36_fetch_first_with_ties
select * from (
  select name, max_session_duration
  from aws_iam_role
  order by max_session_duration desc
  fetch first 3 rows with ties
) top
order by max_session_duration desc, name;

-- name: r36_values_join_expected_settings
select v.setting, v.expected, case v.setting
    when 'minimum_password_length' then p.minimum_password_length::text
    when 'password_reuse_prevention' then p.password_reuse_prevention::text
    else p.max_password_age::text end as actual
from aws_iam_account_password_policy p
  cross join (values ('minimum_password_length', '14'), ('password_reuse_prevention', '24'), ('max_password_age', '90')) as v(setting, expected)
order by p.account_id, v.setting;

-- name: r36_natural_full_join_counts
select coalesce(u.account_id, r.account_id) as account_id, u.users, r.roles
from (select account_id, count(*) as users from aws_iam_user group by account_id) u
  full join (select account_id, count(*) as roles from aws_iam_role group by account_id) r using (account_id)
order by 1;

-- name: r37_action_string_or_list_per_statement
select p.name, s.ordinality as statement_no,
  case jsonb_typeof(s.value -> 'Action') when 'string' then 1 when 'array' then jsonb_array_length(s.value -> 'Action') else 0 end as actions,
  jsonb_typeof(s.value -> 'Action') as action_kind
from aws_iam_policy p
  cross join lateral jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement' else jsonb_build_array(p.policy -> 'Statement') end) with ordinality as s(value, ordinality)
order by p.arn, p.account_id, s.ordinality;

-- name: r37_actions_flattened_from_string_or_list
select p.name, a.action
from aws_iam_policy p,
  jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement' else jsonb_build_array(p.policy -> 'Statement') end) as s,
  jsonb_array_elements_text(case when jsonb_typeof(s -> 'Action') = 'string' then jsonb_build_array(s -> 'Action') else s -> 'Action' end) as a(action)
where not p.is_aws_managed
order by p.arn, a.action;

-- name: r37_wildcard_action_counts_per_policy
select p.arn, count(*) filter (where a = '*') as full_wildcards,
  count(*) filter (where a like '%:*') as service_wildcards,
  count(*) as actions
from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') as s
  cross join lateral jsonb_array_elements_text(s -> 'Action') as a
where s ->> 'Effect' = 'Allow'
group by p.arn
order by p.arn;

-- name: r37_services_granted_string_agg_ordered
select p.name, string_agg(distinct split_part(a, ':', 1), ', ' order by split_part(a, ':', 1)) as services
from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') as s
  cross join lateral jsonb_array_elements_text(s -> 'Action') as a
where s ->> 'Effect' = 'Allow' and a <> '*'
group by p.arn, p.name
order by p.arn;

-- name: r37_not_action_statements
select p.name, s ->> 'Effect' as effect, jsonb_array_length(s -> 'NotAction') as not_actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ? 'NotAction'
order by p.arn, 3;

-- name: r37_resource_kinds_case
select p.name,
  case jsonb_typeof(s -> 'Resource') when 'string' then 'one' when 'array' then 'list' else coalesce(jsonb_typeof(s -> 'Resource'), 'none') end as resource_kind,
  count(*) as statements
from aws_iam_policy p,
  jsonb_array_elements(case jsonb_typeof(p.policy -> 'Statement') when 'array' then p.policy -> 'Statement' else jsonb_build_array(p.policy -> 'Statement') end) as s
group by 1, 2
order by 1, 2;

-- name: r37_trust_principals_services_window
select r.name, svc, count(*) over (partition by svc) as roles_trusting_service,
  row_number() over (partition by r.account_id order by r.name, svc) as n
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') as svc
order by r.account_id, n;

-- name: r37_trust_aws_principal_accounts_regexp_matches
select r.name, m[1] as trusted_account
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as principal,
  regexp_matches(principal, 'arn:aws:iam::(\d{12}):', 'g') as m
order by r.arn, principal, 2;

-- name: r37_regexp_matches_case_insensitive_flags
select name, regexp_matches(name, '(admin|ops|dev)', 'gi') as hits
from aws_iam_role
order by arn, 2;

-- name: r37_regexp_matches_global_counts
select r.name, count(*) as digits_runs
from aws_iam_role r, regexp_matches(r.name, '[0-9]+', 'g') as m
group by r.arn, r.name
order by r.arn;

-- name: r37_lateral_top_statement_per_policy
select p.name, top.sid, top.effect
from aws_iam_policy p
  left join lateral (
    select s ->> 'Sid' as sid, s ->> 'Effect' as effect
    from jsonb_array_elements(p.policy_std -> 'Statement') as s
    order by s ->> 'Effect', coalesce(s ->> 'Sid', '')
    limit 1
  ) top on true
order by p.arn, p.account_id;

-- name: r37_lateral_last_event_per_user
select u.name, e.event_name, e.event_time
from aws_iam_user u
  left join lateral (
    select event_name, event_time from aws_cloudtrail_trail_event t
    where t.username = u.name
    order by event_time desc, event_id
    limit 1
  ) e on true
order by u.arn;

-- name: r37_role_last_used_age_buckets
select name,
  case when role_last_used_date is null then 'never'
       when role_last_used_date > now() - interval '90 days' then 'recent'
       when role_last_used_date > now() - interval '1 year' then 'stale'
       else 'dormant' end as usage,
  date_part('day', now() - role_last_used_date)::int as days_unused
from aws_iam_role
order by arn;

-- name: r37_access_key_age_justify
select user_name, access_key_id, justify_interval(now() - create_date) as age,
  justify_days(date_trunc('day', now() - create_date)) as age_days
from aws_iam_access_key
order by account_id, user_name, access_key_id;

-- name: r37_age_of_users_in_years_months
select name, age(now(), create_date) as age, extract(year from age(now(), create_date)) as years,
  date_part('month', age(now(), create_date)) as months
from aws_iam_user
order by arn;

-- name: r37_age_single_argument_date
select name, age(create_date::date::timestamp) is not null as has_age,
  age(date '2025-01-01', create_date::date) as since_creation
from aws_iam_user
order by arn;

-- name: r37_password_last_used_days_floor
select user_name, floor(extract(epoch from now() - password_last_used) / 86400) as days_since_login
from aws_iam_credential_report
where password_last_used is not null
order by account_id, user_name;

-- name: r37_credential_report_key_rotation_days
select user_name, access_key_1_active,
  (now()::date - access_key_1_last_rotated::date) as days_since_rotation_1,
  access_key_1_last_rotated < now() - interval '90 days' as needs_rotation
from aws_iam_credential_report
order by account_id, user_name;

-- name: r37_to_char_creation_patterns
select name, to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SS') as iso,
  to_char(create_date, 'Dy, DD Mon YYYY') as rfc_day,
  to_char(create_date, 'FMMonth FMDDth, YYYY') as long_date,
  to_char(create_date, 'IYYY-"W"IW') as iso_week,
  to_char(create_date, 'Q') as quarter
from aws_iam_user
order by arn;

-- name: r37_to_char_event_hour_histogram
select to_char(event_time, 'HH24') as hour, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: r37_to_char_day_of_week_and_year
select to_char(event_time, 'D') as dow, to_char(event_time, 'DDD') as doy, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 1, 2;

-- name: r37_generate_series_daily_event_counts
select d::date as day, count(e.event_id) as events
from generate_series(date '2020-01-01', date '2020-01-10', interval '1 day') as d
  left join aws_cloudtrail_trail_event e on e.event_time >= d and e.event_time < d + interval '1 day'
group by d
order by d;

-- name: r37_generate_series_months_of_user_creation
select to_char(m, 'YYYY-MM') as month, count(u.arn) as users_created
from generate_series(date_trunc('month', (select min(create_date) from aws_iam_user)),
                     date_trunc('month', (select max(create_date) from aws_iam_user)), interval '1 month') as m
  left join aws_iam_user u on date_trunc('month', u.create_date) = m
group by m
order by m;

-- name: r37_generate_series_weeks_with_activity
select w::date as week, exists (select 1 from aws_cloudtrail_trail_event e where date_trunc('week', e.event_time) = w) as active
from generate_series(date_trunc('week', (select min(event_time) from aws_cloudtrail_trail_event)),
                     date_trunc('week', (select max(event_time) from aws_cloudtrail_trail_event)), interval '1 week') as w
order by w;

-- name: r37_percentile_cont_session_duration
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median_session,
  percentile_cont(0.9) within group (order by max_session_duration) as p90_session,
  percentile_disc(0.5) within group (order by max_session_duration) as median_disc
from aws_iam_role
group by account_id
order by account_id;

-- name: r37_percentile_cont_array_of_fractions
select percentile_cont(array[0.25, 0.5, 0.75]) within group (order by attachment_count) as quartiles
from aws_iam_policy
where not is_aws_managed;

-- name: r37_percentile_cont_interval_of_key_age
select percentile_cont(0.5) within group (order by extract(epoch from now() - create_date)) / 86400 as median_days
from aws_iam_access_key;

-- name: r37_mode_event_source_per_account
select recipient_account_id, mode() within group (order by event_source) as top_source
from aws_cloudtrail_trail_event
group by recipient_account_id
order by recipient_account_id;

-- name: r37_grouping_sets_events_by_source_and_type
select event_source, read_only, count(*) as events, grouping(event_source, read_only) as g
from aws_cloudtrail_trail_event
group by grouping sets ((event_source, read_only), (event_source), ())
order by event_source nulls last, read_only nulls last, g;

-- name: r37_rollup_roles_by_account_path
select account_id, path, count(*) as roles
from aws_iam_role
group by rollup (account_id, path)
order by account_id nulls last, path nulls last;

-- name: r37_cube_users_mfa_console
select mfa_enabled, password_last_used is not null as console, count(*)
from aws_iam_user
group by cube (mfa_enabled, password_last_used is not null)
order by 1 nulls last, 2 nulls last, grouping(mfa_enabled, password_last_used is not null);

-- name: r37_distinct_on_newest_key_per_user
select distinct on (account_id, user_name) account_id, user_name, access_key_id, create_date
from aws_iam_access_key
order by account_id, user_name, create_date desc, access_key_id;

-- name: r37_distinct_on_first_event_per_source
select distinct on (event_source) event_source, event_name, event_time
from aws_cloudtrail_trail_event
order by event_source, event_time, event_id;

-- name: r37_filter_multiple_aggregates_per_account
select account_id,
  count(*) filter (where mfa_enabled) as with_mfa,
  count(*) filter (where not mfa_enabled) as without_mfa,
  array_agg(name order by name) filter (where not mfa_enabled) as no_mfa_names,
  min(create_date) filter (where password_last_used is null) as oldest_unused
from aws_iam_user
group by account_id
order by account_id;

-- name: r37_array_agg_and_array_length
select account_id, array_length(array_agg(distinct path), 1) as paths, cardinality(array_agg(name)) as roles
from aws_iam_role
group by account_id
order by account_id;

-- name: r37_array_functions_on_groups
select name, groups, array_to_string(array(select jsonb_array_elements_text(groups) order by 1), ';') as group_list
from aws_iam_user
where jsonb_array_length(groups) > 0
order by arn;

-- name: r37_array_position_and_remove
select name, array_position(string_to_array(path, '/'), '') as first_empty,
  array_remove(string_to_array(path, '/'), '') as path_parts,
  array_append(array_remove(string_to_array(path, '/'), ''), name) as full_path
from aws_iam_role
order by arn;

-- name: r37_array_cat_and_unnest_distinct
select distinct unnest(array_cat(array['iam', 'sts'], array_agg(distinct split_part(event_source, '.', 1)))) as service
from aws_cloudtrail_trail_event
order by 1;

-- name: r37_string_to_array_slice
select arn, (string_to_array(arn, ':'))[5] as account, (string_to_array(arn, ':'))[6:] as rest
from aws_iam_policy
where not is_aws_managed
order by arn;

-- name: r37_array_contains_overlap_operators
select name, string_to_array(path, '/') && array['service-role', 'aws-service-role'] as service_path,
  array['aws-reserved'] <@ string_to_array(path, '/') as reserved
from aws_iam_role
order by arn;

-- name: r37_kms_keys_rotation_summary
select key_manager, key_state, count(*) as keys, bool_and(key_rotation_enabled) as all_rotated
from aws_kms_key
group by key_manager, key_state
order by key_manager, key_state;

-- name: r37_kms_key_policy_principals
select k.id, s ->> 'Sid' as sid, p as principal
from aws_kms_key k, jsonb_array_elements(k.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
order by k.arn, 2, 3;

-- name: r37_kms_pending_deletion_days
select id, key_state, deletion_date, date_part('day', deletion_date - now()) as days_left
from aws_kms_key
order by arn;

-- name: r37_kms_aliases_lateral
select k.id, a ->> 'AliasName' as alias
from aws_kms_key k
  left join lateral jsonb_array_elements(k.aliases) as a on true
order by k.arn, 2;

-- name: r37_secrets_rotation_status
select name, rotation_enabled, last_rotated_date, last_accessed_date,
  coalesce(rotation_rules ->> 'AutomaticallyAfterDays', 'none') as rotate_after,
  case when last_accessed_date < now() - interval '90 days' then 'unused' else 'used' end as usage
from aws_secretsmanager_secret
order by arn;

-- name: r37_secrets_tags_each
select s.name, t.key, t.value
from aws_secretsmanager_secret s, jsonb_each_text(s.tags) as t
order by s.arn, t.key;

-- name: r37_secrets_versions_stages
select s.name, v.key as version, v.value as stages
from aws_secretsmanager_secret s, jsonb_each(s.secret_versions_to_stages) as v
order by s.arn, v.key;

-- name: r37_s3_buckets_public_block
select name, coalesce(block_public_acls and block_public_policy and ignore_public_acls and restrict_public_buckets, false) as fully_blocked,
  versioning_enabled, bucket_policy_is_public
from aws_s3_bucket
order by name;

-- name: r37_s3_bucket_policy_statements
select b.name, s ->> 'Effect' as effect, s -> 'Principal' as principal
from aws_s3_bucket b, jsonb_array_elements(b.policy_std -> 'Statement') as s
order by b.name, 2, 3::text;

-- name: r37_s3_encryption_algorithms
select b.name, r -> 'ApplyServerSideEncryptionByDefault' ->> 'SSEAlgorithm' as algorithm
from aws_s3_bucket b
  left join lateral jsonb_array_elements(b.server_side_encryption_configuration -> 'Rules') as r on true
order by b.name, 2;

-- name: r37_org_accounts_joined_age
select name, id, status, joined_method, age(now(), joined_timestamp) as member_for,
  to_char(joined_timestamp, 'YYYY-MM') as joined_month
from aws_organizations_account
order by id;

-- name: r37_org_accounts_per_parent_window
select parent_id, name, count(*) over (partition by parent_id) as siblings,
  rank() over (partition by parent_id order by joined_timestamp, id) as join_rank
from aws_organizations_account
order by parent_id, join_rank;

-- name: r37_org_scp_actions_string_or_list
select p.name, s ->> 'Effect' as effect,
  case jsonb_typeof(s -> 'Action') when 'string' then s ->> 'Action' else (select string_agg(x, ',' order by x) from jsonb_array_elements_text(s -> 'Action') as x) end as actions
from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') as s
where p.type = 'SERVICE_CONTROL_POLICY'
order by p.id, 2, 3;

-- name: r37_org_ou_depth_from_path
select name, id, path, array_length(string_to_array(path, '.'), 1) as depth
from aws_organizations_organizational_unit
order by id;

-- name: r37_is_json_kinds_of_policy_documents
select name, assume_role_policy_document is json as doc_is_json,
  assume_role_policy_document is json object as doc_is_object,
  assume_role_policy_std -> 'Statement' is json array as statements_array,
  assume_role_policy_std -> 'Version' is json scalar as version_scalar,
  assume_role_policy_std is not json array as not_array
from aws_iam_role
order by arn;

-- name: r37_is_json_edge_texts
select t, t is json as any_json, t is json value as value, t is json object as object, t is json array as array,
  t is json scalar as scalar, t is json with unique keys as unique_keys, t is json object without unique keys as obj_no_check,
  t is not json as not_json, t is not json scalar as not_scalar
from (values ('{"a": 1}'), ('{"a": 1, "a": 2}'), ('{"a": {"b": 1, "b": 2}}'), ('[{"k": 1, "k": 1}]'), ('[1, 2]'), ('"text"'),
  ('12'), ('-0.5e3'), ('01'), ('1.'), ('.5'), ('true'), ('null'), ('NaN'), ('Infinity'), (''), ('   '), (' {} '),
  (E'\t[]\n'), ('{"a": 1} x'), ('{a: 1}'), ('[1, 2,]'), ('"\u00e9"'), ('"\ud83d\ude00"'), ('"bad \x escape"'),
  (E'"tab\there"'), ('{"": 0}'), ('[[[[]]]]'), (null)) as v(t)
order by t nulls first;

-- name: r37_is_json_on_jsonb_and_json_values
select '{"a": 1, "a": 2}'::jsonb is json with unique keys as jsonb_unique,
  '{"a": 1, "a": 2}'::json is json with unique keys as json_unique,
  '{"a": 1, "a": 2}'::json is json object as json_object,
  '[1, {"b": 2, "b": 3}]'::json is json array with unique keys as nested_json_unique,
  'null'::jsonb is json scalar as null_scalar,
  jsonb_build_object('a', 1) is json object as built_object,
  json_build_array(1, 2) is json array as built_array,
  (null::jsonb) is json as null_jsonb;

-- name: r37_is_json_filters_event_parameters
select event_name, count(*) as events,
  count(*) filter (where request_parameters is json object) as object_params,
  count(*) filter (where request_parameters::text is json with unique keys) as unique_params
from aws_cloudtrail_trail_event
group by event_name
order by event_name;

-- name: r37_is_json_in_case_and_where
select name, case when description is json then 'json description' when description is null then 'none' else 'text' end as kind
from aws_iam_policy
where not is_aws_managed
order by arn;

-- name: r37_json_array_absent_on_null
select name, json_array(name, path, permissions_boundary_arn) as parts,
  json_array(name, permissions_boundary_arn null on null) as with_nulls,
  json_array(name, permissions_boundary_arn absent on null) as without_nulls
from aws_iam_role
order by arn;

-- name: r37_json_array_text_and_types
select json_array(1, 'two', null, true, 2.50)::text as absent_text,
  json_array(1, 'two', null, true, 2.50 null on null)::text as null_text,
  json_array()::text as empty_text,
  json_array(null)::text as only_null,
  json_array(null null on null)::text as only_null_kept,
  json_array('null'::jsonb, '{"b": 1, "a": 2}'::jsonb)::text as jsonb_values,
  json_array(json_array(1, null), json_array())::text as nested;

-- name: r37_json_array_of_columns_as_value
select u.name, json_array(u.name, u.password_last_used, u.mfa_enabled) as summary,
  jsonb_typeof(json_array(u.name)::jsonb) as kind, json_array_length(json_array(u.name, u.permissions_boundary_arn)) as n
from aws_iam_user u
order by u.arn;

-- name: r37_json_array_elements_of_json_array
select r.name, e
from aws_iam_role r, json_array_elements_text(json_array(r.name, r.role_last_used_region, r.path)) as e
order by r.arn, e;

-- name: r37_parse_ident_of_qualified_names
select t, parse_ident(t) as parts, array_length(parse_ident(t), 1) as n, (parse_ident(t))[1] as first_part
from (values ('aws_iam_role'), ('public.Users'), ('"Public"."My Table"'), ('  a . b . c  '), ('"a""b".c'),
  ('_x1$.y'), ('Ünïcode.Tab'), ('"dotted.name".x')) as v(t)
order by t;

-- name: r37_parse_ident_not_strict
select t, parse_ident(t, false) as parts
from (values ('schema.fn(arg)'), ('a.b c'), ('x.y;'), ('plain'), ('"q" rest')) as v(t)
order by t;

-- name: r37_parse_ident_of_policy_names
select name, parse_ident(replace(name, '-', '_')) as ident
from aws_iam_policy
where not is_aws_managed and name ~ '^[A-Za-z_][A-Za-z0-9_-]*$'
order by arn;

-- name: r37_users_without_mfa_console_recent_login
select c.user_name, c.password_last_used, now() - c.password_last_used < interval '30 days' as recent
from aws_iam_credential_report c
where not c.mfa_active and c.password_enabled and c.password_last_used is not null
order by c.account_id, c.user_name;

-- name: r37_users_group_membership_counts_window
select u.name, jsonb_array_length(u.groups) as groups,
  dense_rank() over (order by jsonb_array_length(u.groups) desc) as rank_by_groups,
  ntile(4) over (order by u.create_date, u.arn) as quartile
from aws_iam_user u
order by u.create_date, u.arn;

-- name: r37_users_lag_lead_creation_gap
select name, create_date,
  create_date - lag(create_date) over (partition by account_id order by create_date, arn) as gap_since_previous,
  lead(name) over (partition by account_id order by create_date, arn) as next_user
from aws_iam_user
order by account_id, create_date, arn;

-- name: r37_events_running_total_per_day
select day, events, sum(events) over (order by day) as running_total,
  round(avg(events) over (order by day rows between 2 preceding and current row), 2) as moving_avg
from (select date_trunc('day', event_time) as day, count(*) as events from aws_cloudtrail_trail_event group by 1) d
order by day;

-- name: r37_events_first_value_last_value
select distinct event_source,
  first_value(event_name) over w as first_event,
  last_value(event_name) over (w rows between unbounded preceding and unbounded following) as last_event
from aws_cloudtrail_trail_event
window w as (partition by event_source order by event_time, event_id)
order by event_source;

-- name: r37_events_errors_by_code_percent
select coalesce(error_code, 'none') as code, count(*) as events,
  round(100.0 * count(*) / sum(count(*)) over (), 2) as pct
from aws_cloudtrail_trail_event
group by 1
order by events desc, code;

-- name: r37_events_access_denied_per_principal
select coalesce(user_identity ->> 'arn', username, 'unknown') as principal, count(*) as denied,
  string_agg(distinct event_name, ', ' order by event_name) as actions
from aws_cloudtrail_trail_event
where error_code in ('AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation')
group by 1
order by denied desc, principal;

-- name: r37_events_user_identity_type_breakdown
select user_identity ->> 'type' as identity_type, count(*) as events,
  count(distinct user_identity ->> 'arn') as principals
from aws_cloudtrail_trail_event
group by 1
order by 1 nulls last;

-- name: r37_events_session_mfa_and_source
select session_mfa_authenticated, user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa_attr, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 1 nulls last, 2 nulls last;

-- name: r37_events_console_logins_by_result
select response_elements ->> 'ConsoleLogin' as result, additional_event_data ->> 'MFAUsed' as mfa_used, count(*)
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin'
group by 1, 2
order by 1 nulls last, 2 nulls last;

-- name: r37_events_iam_changes_hourly
select date_trunc('hour', event_time) as hour, count(*) filter (where event_source = 'iam.amazonaws.com' and not read_only) as iam_writes,
  count(*) as events
from aws_cloudtrail_trail_event
group by 1
having count(*) filter (where event_source = 'iam.amazonaws.com' and not read_only) > 0
order by 1;

-- name: r37_events_request_parameter_keys
select event_name, k, count(*)
from aws_cloudtrail_trail_event, jsonb_object_keys(request_parameters) as k
where jsonb_typeof(request_parameters) = 'object' and event_source = 'iam.amazonaws.com'
group by 1, 2
order by 1, 2;

-- name: r37_events_created_users_joined_to_iam
select e.request_parameters ->> 'userName' as created, e.event_time, u.arn is not null as still_exists
from aws_cloudtrail_trail_event e
  left join aws_iam_user u on u.name = e.request_parameters ->> 'userName' and u.account_id = e.recipient_account_id
where e.event_name = 'CreateUser'
order by e.event_time, e.event_id;

-- name: r37_events_policy_attachments
select event_name, request_parameters ->> 'policyArn' as policy, coalesce(request_parameters ->> 'roleName', request_parameters ->> 'userName', request_parameters ->> 'groupName') as target
from aws_cloudtrail_trail_event
where event_name like 'Attach%Policy' or event_name like 'Detach%Policy'
order by event_time, event_id;

-- name: r37_events_source_ip_classes
select case when source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$' then 'ipv4'
            when source_ip_address ~ ':' then 'ipv6'
            when source_ip_address ~* 'amazonaws\.com$' then 'aws service'
            else 'other' end as kind, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: r37_events_user_agent_families
select substring(user_agent from '^([A-Za-z0-9_-]+)') as family, count(*) as events
from aws_cloudtrail_trail_event
group by 1
order by events desc, family nulls last;

-- name: r37_events_regexp_replace_arn_account_mask
select distinct regexp_replace(user_identity ->> 'arn', '::\d{12}:', '::<account>:') as masked
from aws_cloudtrail_trail_event
where user_identity ->> 'arn' is not null
order by 1;

-- name: r37_events_split_part_event_source
select split_part(event_source, '.', 1) as service, count(distinct event_name) as actions,
  min(event_time)::date as first_day, max(event_time)::date as last_day
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: r37_events_extract_dow_isodow
select extract(isodow from event_time) as isodow, extract(dow from event_time) as dow, count(*)
from aws_cloudtrail_trail_event
group by 1, 2
order by 1;

-- name: r37_events_epoch_buckets_of_five_minutes
select to_timestamp(floor(extract(epoch from event_time) / 300) * 300) as bucket, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1
limit 30;

-- name: r37_events_date_bin_fifteen_minutes
select date_bin('15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as bucket, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1
limit 30;

-- name: r37_roles_cross_account_trust
select r.name, principal, split_part(principal, ':', 5) as trusted_account,
  split_part(principal, ':', 5) <> r.account_id as cross_account
from aws_iam_role r,
  jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as principal
where s ->> 'Effect' = 'Allow' and principal like 'arn:aws:iam::%'
order by r.arn, principal;

-- name: r37_roles_trust_without_external_id
select r.name,
  bool_or(s -> 'Condition' -> 'stringequals' ? 'sts:externalid') as has_external_id
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
where s -> 'Principal' ? 'AWS'
group by r.arn, r.name
order by r.arn;

-- name: r37_roles_condition_operators_each
select r.name, c.key as operator, jsonb_object_keys(c.value) as condition_key
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') as c
order by r.arn, 2, 3;

-- name: r37_roles_max_session_hours
select name, max_session_duration / 3600 as hours, max_session_duration % 3600 as rest_seconds,
  make_interval(secs => max_session_duration) as duration
from aws_iam_role
order by arn;

-- name: r37_roles_instance_profiles_unnest
select r.name, ip
from aws_iam_role r, jsonb_array_elements_text(r.instance_profile_arns) as ip
order by r.arn, ip;

-- name: r37_roles_attached_policies_with_names
select r.name, p.name as policy, p.is_aws_managed
from aws_iam_role r
  cross join lateral jsonb_array_elements_text(r.attached_policy_arns) as a(policy_arn)
  join aws_iam_policy p on p.arn = a.policy_arn and p.account_id = r.account_id
order by r.arn, p.name;

-- name: r37_roles_inline_policy_statement_counts
select r.name, ip ->> 'PolicyName' as policy, jsonb_array_length(ip -> 'PolicyDocument' -> 'Statement') as statements
from aws_iam_role r, jsonb_array_elements(r.inline_policies_std) as ip
order by r.arn, 2;

-- name: r37_roles_tags_filter_and_exists
select name, tags ->> 'Environment' as env, tags ? 'Owner' as has_owner, tags ?| array['team', 'Team'] as has_team
from aws_iam_role
where tags is not null and tags <> '{}'::jsonb
order by arn;

-- name: r37_roles_description_length_stats
select account_id, min(length(description)) as shortest, max(length(description)) as longest,
  round(avg(length(description)), 1) as mean, count(description) as described
from aws_iam_role
group by account_id
order by account_id;

-- name: r37_groups_members_and_policies
select g.name, jsonb_array_length(g.users) as members, jsonb_array_length(g.attached_policy_arns) as attached,
  jsonb_array_length(g.inline_policies) as inline
from aws_iam_group g
order by g.arn;

-- name: r37_groups_member_names_lateral
select g.name as group_name, m ->> 'UserName' as member
from aws_iam_group g
  left join lateral jsonb_array_elements(g.users) as m on true
order by g.arn, 2 nulls first;

-- name: r37_groups_without_members_not_exists
select g.name, g.account_id
from aws_iam_group g
where not exists (select 1 from aws_iam_user u, jsonb_array_elements(u.groups) as ug where ug ->> 'GroupName' = g.name and u.account_id = g.account_id)
order by g.arn;

-- name: r37_policies_versions_count
select name, jsonb_array_length(policy_versions) as versions, default_version_id,
  substring(default_version_id from 2)::int as default_number
from aws_iam_policy
where not is_aws_managed
order by arn;

-- name: r37_policies_update_vs_create
select name, update_date - create_date as lived, justify_hours(update_date - create_date) as lived_justified,
  update_date > create_date as changed
from aws_iam_policy
where not is_aws_managed
order by arn;

-- name: r37_policies_attachment_histogram
select width_bucket(attachment_count, 0, 10, 5) as bucket, count(*), min(attachment_count), max(attachment_count)
from aws_iam_policy
group by 1
order by 1;

-- name: r37_policies_admin_like_exists
select p.name, p.account_id
from aws_iam_policy p
where exists (
  select 1 from jsonb_array_elements(p.policy_std -> 'Statement') as s
  where s ->> 'Effect' = 'Allow' and s -> 'Action' ? '*' and s -> 'Resource' ? '*')
order by p.arn, p.account_id;

-- name: r37_policies_iam_passrole_star
select p.name, s -> 'Resource' as resources
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ->> 'Effect' = 'Allow' and (s -> 'Action' ?| array['iam:passrole', 'iam:*', '*'])
  and not p.is_aws_managed
order by p.arn, 2::text;

-- name: r37_policies_condition_keys_distinct
select distinct lower(k) as condition_key
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') as s,
  jsonb_each(s -> 'Condition') as c, jsonb_object_keys(c.value) as k
order by 1;

-- name: r37_policies_statement_sid_patterns
select p.name, s ->> 'Sid' as sid, s ->> 'Sid' ~ '^[A-Z][A-Za-z0-9]*$' as pascal_case,
  regexp_replace(s ->> 'Sid', '([a-z])([A-Z])', '\1_\2', 'g') as snake
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') as s
where s ? 'Sid' and not p.is_aws_managed
order by p.arn, 2;

-- name: r37_policies_json_size_ranking
select name, length(policy::text) as size, rank() over (order by length(policy::text) desc, arn) as size_rank
from aws_iam_policy
where not is_aws_managed
order by size_rank;

-- name: r37_access_keys_active_inactive_pivot
select account_id, count(*) filter (where status = 'Active') as active, count(*) filter (where status = 'Inactive') as inactive,
  max(create_date) filter (where status = 'Active') as newest_active
from aws_iam_access_key
group by account_id
order by account_id;

-- name: r37_access_keys_last_used_services
select access_key_last_used_service as service, count(*), max(access_key_last_used_date) as last_used
from aws_iam_access_key
group by 1
order by 1 nulls last;

-- name: r37_access_keys_per_user_with_an_active_one
select account_id, user_name, count(*) as active_keys, array_agg(access_key_id order by create_date, access_key_id) as keys
from aws_iam_access_key
group by account_id, user_name
having count(*) > 1 or bool_or(status = 'Active')
order by account_id, user_name;

-- name: r37_credential_report_password_age_and_status
select user_name, password_enabled, password_last_changed,
  date_part('day', now() - password_last_changed) as days_since_change,
  case when password_next_rotation is null then 'no rotation' when password_next_rotation < now() then 'overdue' else 'ok' end as rotation
from aws_iam_credential_report
order by account_id, user_name;

-- name: r37_credential_report_unused_credentials
select user_name,
  greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity,
  least(user_creation_time, password_last_changed) as earliest
from aws_iam_credential_report
order by account_id, user_name;

-- name: r37_password_policy_score
select account_id,
  (require_lowercase_characters::int + require_uppercase_characters::int + require_numbers::int + require_symbols::int) as classes,
  minimum_password_length >= 14 as long_enough, coalesce(password_reuse_prevention, 0) >= 24 as reuse_ok
from aws_iam_account_password_policy
order by account_id;

-- name: r37_account_summary_usage_ratios
select account_id, users, users_quota, round(100.0 * users / nullif(users_quota, 0), 3) as users_pct,
  round(100.0 * roles / nullif(roles_quota, 0), 3) as roles_pct
from aws_iam_account_summary
order by account_id;

-- name: r37_kms_keys_by_spec_and_usage_rollup
select customer_master_key_spec, key_usage, count(*)
from aws_kms_key
group by rollup (customer_master_key_spec, key_usage)
order by 1 nulls last, 2 nulls last;

-- name: r37_kms_key_policy_cross_account
select k.id, p as principal, split_part(p, ':', 5) <> k.account_id as external
from aws_kms_key k, jsonb_array_elements(k.policy_std -> 'Statement') as s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as p
where p like 'arn:%'
order by k.arn, p;

-- name: r37_secrets_kms_join
select s.name, s.kms_key_id, k.key_manager, k.key_state
from aws_secretsmanager_secret s
  left join aws_kms_key k on k.arn = s.kms_key_id or k.id = s.kms_key_id
order by s.arn;

-- name: r37_secrets_days_since_change
select name, date_part('day', now() - last_changed_date) as days_since_change,
  to_char(created_date, 'YYYY-MM-DD') as created
from aws_secretsmanager_secret
order by arn;

-- name: r37_regexp_matches_no_g_flag_select_list
select name, regexp_matches(name, '^([a-z]+)[-_]?(.*)$', 'i') as parts
from aws_iam_user
order by arn;

-- name: r37_regexp_count_like_substr_instr
select name, regexp_count(name, '[aeiou]', 1, 'i') as vowels, regexp_like(name, '^admin', 'i') as admin_like,
  regexp_substr(name, '[0-9]+') as first_number, regexp_instr(name, '[-_]') as separator_at
from aws_iam_role
order by arn;

-- name: r37_regexp_split_to_table_of_paths
select r.name, part
from aws_iam_role r, regexp_split_to_table(trim(both '/' from r.path), '/') as part
where r.path <> '/'
order by r.arn, part;

-- name: r37_string_to_table_of_arn
select p.name, t.part, t.n
from aws_iam_policy p, string_to_table(p.arn, ':') with ordinality as t(part, n)
where not p.is_aws_managed
order by p.arn, t.n;

-- name: r37_unnest_with_ordinality_of_array_agg
select account_id, u.name, u.n
from (select account_id, array_agg(name order by create_date, name) as names from aws_iam_user group by account_id) a,
  unnest(a.names) with ordinality as u(name, n)
where u.n <= 3
order by account_id, u.n;

-- name: r37_array_dims_lower_upper_replace
select account_id, array_dims(array_agg(name order by name)) as dims, array_lower(array_agg(name), 1) as lo,
  array_upper(array_agg(name), 1) as hi, array_replace(array_agg(path order by name), '/', 'root') as paths
from aws_iam_group
group by account_id
order by account_id;

-- name: r37_window_range_interval_preceding
select event_id, event_time, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 50;

-- name: r37_window_exclude_current_row_and_nth_value
select name, create_date,
  count(*) over (partition by account_id order by create_date rows between unbounded preceding and unbounded following exclude current row) as others,
  nth_value(name, 2) over (partition by account_id order by create_date, arn rows between unbounded preceding and unbounded following) as second_user
from aws_iam_user
order by account_id, create_date, arn;

-- name: r37_window_filter_in_window_aggregate
select name, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_users_in_account,
  sum(case when password_last_used is null then 1 else 0 end) over (partition by account_id) as never_logged_in
from aws_iam_user
order by arn;

-- name: r37_percent_rank_cume_dist_of_session
select name, max_session_duration, percent_rank() over (order by max_session_duration) as pr,
  cume_dist() over (order by max_session_duration) as cd
from aws_iam_role
order by max_session_duration, arn;

-- name: r37_percentile_cont_of_interval
select percentile_cont(0.5) within group (order by now() - create_date) as median_age,
  percentile_disc(0.25) within group (order by create_date) as first_quartile_date
from aws_iam_user;

-- name: r37_percentile_cont_grouped_with_filter
select account_id, percentile_cont(0.5) within group (order by jsonb_array_length(attached_policy_arns)) filter (where path = '/') as median_attached
from aws_iam_role
group by account_id
order by account_id;

-- name: r37_grouping_sets_with_cube_combination
select account_id, path, mfa_enabled, count(*)
from aws_iam_user
group by grouping sets ((account_id), cube (path, mfa_enabled))
order by account_id nulls last, path nulls last, mfa_enabled nulls last, 4;

-- name: r37_rollup_events_year_month_day
select extract(year from event_time) as y, extract(month from event_time) as m, extract(day from event_time) as d, count(*)
from aws_cloudtrail_trail_event
group by rollup (1, 2, 3)
order by 1 nulls last, 2 nulls last, 3 nulls last;

-- name: r37_distinct_on_expression_key
select distinct on (split_part(event_source, '.', 1)) split_part(event_source, '.', 1) as service, event_name, event_time
from aws_cloudtrail_trail_event
order by split_part(event_source, '.', 1), event_time desc, event_id;

-- name: r37_string_agg_ordered_desc_nulls
select account_id, string_agg(coalesce(permissions_boundary_arn, '-'), ' | ' order by permissions_boundary_arn desc nulls first, name) as boundaries
from aws_iam_role
group by account_id
order by account_id;

-- name: r37_to_char_time_patterns
select to_char(event_time, 'HH12:MI:SS AM') as twelve, to_char(event_time, 'HH24:MI:SS.MS') as millis,
  to_char(event_time, 'YYYY-MM-DD HH24:MI:SS TZ') as with_zone, to_char(event_time, 'J') as julian,
  to_char(event_time, 'WW') as week_of_year, to_char(event_time, 'day') as day_lower
from aws_cloudtrail_trail_event
order by event_time, event_id
limit 20;

-- name: r37_to_char_interval_patterns
select name, to_char(now() - create_date, 'DD "days" HH24 "hours"') as elapsed
from aws_iam_user
order by arn;

-- name: r37_to_char_numbers_patterns
select name, to_char(max_session_duration, '999G999') as grouped, to_char(max_session_duration / 3600.0, 'FM990.00') as hours,
  to_char(max_session_duration, '0000000') as zero_padded, to_char(-max_session_duration, 'S999999') as signed
from aws_iam_role
order by arn;

-- name: r37_justify_interval_negative_and_mixed
select justify_interval(interval '1 month -1 hour') as a, justify_interval(interval '-35 days 25 hours') as b,
  justify_days(interval '65 days') as c, justify_hours(interval '50 hours 30 minutes') as d,
  justify_interval(now() - timestamptz '2024-01-31 12:00:00+00') is not null as e;

-- name: r37_age_across_month_ends
select age(timestamptz '2024-03-31 00:00:00+00', timestamptz '2024-02-29 00:00:00+00') as a,
  age(timestamp '2024-03-01', timestamp '2024-01-31') as b,
  age(date '2025-02-28', date '2024-02-29') as c,
  age(timestamptz '2023-01-01 00:00:00+00', timestamptz '2024-06-15 13:30:00+00') as d;

-- name: r37_date_arithmetic_on_last_used
select name, role_last_used_date::date - create_date::date as days_created_to_used,
  (role_last_used_date + interval '90 days')::date as expires_on,
  role_last_used_date::date + 30 as plus_thirty
from aws_iam_role
where role_last_used_date is not null
order by arn;

-- name: r37_generate_series_timestamptz_hours
select h, (select count(*) from aws_cloudtrail_trail_event e where date_trunc('hour', e.event_time) = h) as events
from generate_series((select date_trunc('hour', min(event_time)) from aws_cloudtrail_trail_event),
                     (select date_trunc('hour', min(event_time)) from aws_cloudtrail_trail_event) + interval '12 hours', interval '1 hour') as h
order by h;

-- name: r37_generate_series_integers_as_days_ago
select n as days_ago, (now() - make_interval(days => n))::date as day
from generate_series(0, 6) as n
order by n;

-- name: r37_jsonb_path_query_actions
select p.name, jsonb_path_query(p.policy_std, '$.Statement[*] ? (@.Effect == "Deny").Action[*]') #>> '{}' as denied_action
from aws_iam_policy p
where not p.is_aws_managed
order by p.arn, 2;

-- name: r37_jsonb_path_exists_and_match
select name, jsonb_path_exists(policy_std, '$.Statement[*].Condition') as conditioned,
  jsonb_path_query_first(policy_std, '$.Statement[0].Effect') as first_effect
from aws_iam_policy
where not is_aws_managed
order by arn;

-- name: r37_jsonb_each_nested_tags_kms
select k.id, t.key, t.value, jsonb_typeof(t.value) as kind
from aws_kms_key k, jsonb_each(k.tags) as t
order by k.arn, t.key;

-- name: r37_jsonb_agg_ordered_and_object_agg
select account_id, jsonb_agg(name order by name) as names, jsonb_object_agg(name, max_session_duration) as durations
from aws_iam_role
where path <> '/'
group by account_id
order by account_id;

-- name: r37_jsonb_set_and_concat_reports
select name, jsonb_set(coalesce(tags, '{}'::jsonb), '{reviewed}', 'true'::jsonb) as tagged,
  coalesce(tags, '{}'::jsonb) || jsonb_build_object('name', name) as merged
from aws_iam_user
order by arn
limit 20;

-- name: r37_jsonb_strip_nulls_of_built
select name, jsonb_strip_nulls(jsonb_build_object('boundary', permissions_boundary_arn, 'last', password_last_used, 'name', name)) as doc
from aws_iam_user
order by arn;

-- name: r37_org_accounts_email_domains
select split_part(email, '@', 2) as domain, count(*), string_agg(name, ', ' order by name) as accounts
from aws_organizations_account
group by 1
order by 1;

-- name: r37_org_recursive_ou_tree
with recursive tree as (
  select id, name, parent_id, 1 as depth, name::text as full_path
  from aws_organizations_organizational_unit
  where parent_id like 'r-%'
  union all
  select c.id, c.name, c.parent_id, t.depth + 1, t.full_path || ' > ' || c.name
  from aws_organizations_organizational_unit c join tree t on c.parent_id = t.id
)
select * from tree
order by full_path, id;

-- name: r37_org_accounts_joined_per_year_generate_series
select y, count(a.id) as joined
from generate_series(2015, 2026) as y
  left join aws_organizations_account a on extract(year from a.joined_timestamp) = y
group by y
order by y;

-- name: r37_org_policies_content_statement_effects
select p.type, s ->> 'Effect' as effect, count(*)
from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') as s
group by rollup (p.type, s ->> 'Effect')
order by 1 nulls last, 2 nulls last;

-- name: r37_s3_lifecycle_rules_enabled
select b.name, r ->> 'ID' as rule_id, r ->> 'Status' as status
from aws_s3_bucket b, jsonb_array_elements(b.lifecycle_rules) as r
order by b.name, 2;

-- name: r37_s3_logging_target
select name, logging ->> 'TargetBucket' as target, logging is null as no_logging, creation_date
from aws_s3_bucket
order by name;

-- name: r37_s3_buckets_age_in_months
select name, (extract(year from age(now(), creation_date)) * 12 + extract(month from age(now(), creation_date)))::int as months_old
from aws_s3_bucket
order by name;
