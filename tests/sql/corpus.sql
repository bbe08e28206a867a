-- Steampipe-style queries for the differential tests: each runs on PostgreSQL (the oracle) and, translated,
-- on DuckDB; both answers must be identical. Each query starts with a "-- name:" line.

-- name: policy_admin_star
select p.arn as resource,
  case when count(s) > 0 then 'alarm' else 'ok' end as status,
  p.name || ' has ' || count(s) || ' statements granting *:*' as reason
from aws_iam_policy p
  left join jsonb_array_elements(p.policy_std -> 'Statement') as s
    on s ->> 'Effect' = 'Allow' and s -> 'Action' @> '["*"]' and s -> 'Resource' @> '["*"]'
group by p.arn, p.name
order by p.arn;

-- name: policy_statement_unnest_actions
select p.name, s ->> 'Effect' as effect, a as action
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') as s, jsonb_array_elements_text(s -> 'Action') as a
order by p.name, effect, action;

-- name: policy_passrole_star_resource
select distinct p.arn
from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') s
  cross join lateral jsonb_array_elements_text(s -> 'Action') action
  cross join lateral jsonb_array_elements_text(s -> 'Resource') resource
where s ->> 'Effect' = 'Allow' and action in ('iam:passrole', 'iam:*', '*') and resource = '*';

-- name: policy_not_action_allow
select name, jsonb_array_length(s -> 'NotAction') as not_actions
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
where s ? 'NotAction' and s ->> 'Effect' = 'Allow';

-- name: policy_condition_keys
select name, op, k, jsonb_array_length(v) as n_values
from aws_iam_policy,
  jsonb_array_elements(policy_std -> 'Statement') s,
  jsonb_each(s -> 'Condition') as c(op, cond),
  jsonb_each(cond) as kv(k, v)
order by name, op, k;

-- name: policy_condition_source_ip
select name, jsonb_array_elements_text(s -> 'Condition' -> 'IpAddress' -> 'aws:sourceip') as cidr
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s;

-- name: policy_kms_decrypt_wildcard
select arn, count(*) filter (where s -> 'Action' ?| array['kms:decrypt', 'kms:*']) as decrypt_statements
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
group by arn;

-- name: policy_secure_transport_contains
select name from aws_iam_policy
where policy_std @> '{"Statement": [{"Condition": {"Bool": {"aws:securetransport": ["true"]}}}]}';

-- name: policy_unattached_customer
select name, is_attached, attachment_count, coalesce(description, '(none)') as description
from aws_iam_policy where not is_aws_managed and (not is_attached or attachment_count = 0);

-- name: policy_std_vs_raw_statement_type
select name, jsonb_typeof(policy -> 'Statement') as raw_type, jsonb_typeof(policy_std -> 'Statement') as std_type
from aws_iam_policy order by name;

-- name: policy_version_literal
select name, policy_std ->> 'Version' as version, policy_std #>> '{Statement,0,Effect}' as first_effect
from aws_iam_policy order by name;

-- name: policy_resource_arns_like
select distinct r from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Resource') r
where r like any (array['arn:aws:s3:::%', 'arn:aws:lambda:%']) order by r;

-- name: policy_statement_count_per_effect
select s ->> 'Effect' as effect, count(*), count(distinct p.arn) as policies
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
group by 1 order by 1;

-- name: policy_principal_in_identity_policy
select name, s -> 'Principal' as principal
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s where s ? 'Principal';

-- name: trust_service_principals
select r.name, svc
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc
order by r.name, svc;

-- name: trust_public_principal
select arn, case when exists (
    select 1 from jsonb_array_elements(assume_role_policy_std -> 'Statement') s
    where s -> 'Principal' -> 'AWS' ? '*' and s ->> 'Effect' = 'Allow'
  ) then 'alarm' else 'ok' end as status
from aws_iam_role order by arn;

-- name: trust_cross_account_without_external_id
select r.name, principal
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') principal
where split_part(principal, ':', 5) <> r.account_id and principal <> '*'
  and not coalesce(s -> 'Condition' -> 'StringEquals' ? 'sts:externalid', false);

-- name: trust_external_id_values
select name, s -> 'Condition' -> 'StringEquals' -> 'sts:externalid' ->> 0 as external_id,
  (s -> 'Condition' -> 'Bool' -> 'aws:multifactorauthpresent' ->> 0)::bool as needs_mfa
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
where s -> 'Condition' is not null;

-- name: trust_oidc_subjects
select name, sub from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s #> '{Condition,StringLike,token.actions.githubusercontent.com:sub}') sub
where s -> 'Principal' ? 'Federated';

-- name: trust_principal_types
select distinct jsonb_object_keys(s -> 'Principal') as principal_type
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s;

-- name: trust_actions_array_contains_scalar
select name, s -> 'Action' @> '"sts:assumerole"' as plain_assume
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s order by name;

-- name: role_unused_90_days
select name, role_last_used_date,
  case when role_last_used_date is null or role_last_used_date < now() - interval '90 days' then 'alarm' else 'ok' end as status
from aws_iam_role order by name;

-- name: role_max_session
select name, max_session_duration / 3600 as hours, max_session_duration / 7200.0 as half_hours
from aws_iam_role where max_session_duration > 3600;

-- name: role_description_empty_or_null
select name, description is null as no_description, description = '' as empty_description, length(description)
from aws_iam_role order by name;

-- name: role_service_linked_path
select name from aws_iam_role where path ~ '^/aws-service-role/' or name ~* '^awsservicerole';

-- name: role_instance_profiles
select name, jsonb_array_length(instance_profile_arns) as profiles from aws_iam_role order by name;

-- name: role_inline_policy_actions
select r.name, i ->> 'PolicyName' as policy, a
from aws_iam_role r, jsonb_array_elements(r.inline_policies_std) i,
  jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a;

-- name: user_mfa_console
select u.name, u.mfa_enabled, u.login_profile is not null as console,
  case when u.login_profile is not null and not u.mfa_enabled then 'alarm' else 'ok' end as status
from aws_iam_user u order by u.name;

-- name: user_mfa_device_count
select name, jsonb_array_length(mfa_devices) as devices, mfa_devices -> 0 ->> 'SerialNumber' as first_serial,
  mfa_devices -> -1 ->> 'SerialNumber' as last_serial
from aws_iam_user order by name;

-- name: user_hardware_mfa
select name, d ->> 'SerialNumber' as serial
from aws_iam_user, jsonb_array_elements(mfa_devices) d
where d ->> 'SerialNumber' ~ ':(u2f|mfa)/';

-- name: user_groups
select u.name, g ->> 'GroupName' as group_name
from aws_iam_user u left join lateral jsonb_array_elements(u.groups) g on true order by u.name, group_name;

-- name: user_inline_admin
select u.name, p ->> 'PolicyName' as policy
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) p, jsonb_array_elements(p -> 'PolicyDocument' -> 'Statement') s
where s ->> 'Effect' = 'Allow' and s -> 'Action' ? '*';

-- name: user_inline_policy_count
select name, coalesce(jsonb_array_length(inline_policies), 0) as inline_count from aws_iam_user order by name;

-- name: user_attached_admin
select name from aws_iam_user where attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]';

-- name: user_attached_any
select name, attached_policy_arns ?| array['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AdministratorAccess'] as broad
from aws_iam_user order by name;

-- name: user_tags_keys
select name, jsonb_object_keys(tags) as tag_key from aws_iam_user;

-- name: user_tag_with_dots_and_colons
select name, tags ->> 'aws:cloudformation:stack-name' as stack, tags ->> 'cost.center' as cost, tags ->> 'a:b.c' as odd
from aws_iam_user order by name;

-- name: user_tags_each_text
select u.name, t.key, t.value from aws_iam_user u, jsonb_each_text(u.tags) t order by u.name, t.key;

-- name: user_tags_exist_all
select name, tags ?& array['team', 'nhi'] as both, tags ? 'team' as has_team from aws_iam_user order by name;

-- name: user_tag_bool_cast
select name, (tags ->> 'nhi')::bool as nhi, (tags ->> 'rotation')::boolean as rotation
from aws_iam_user where tags ? 'nhi';

-- name: user_age_days
select name, date_part('day', now() - create_date) as age_days, extract(year from create_date) as year
from aws_iam_user order by create_date;

-- name: user_create_date_formatted
select name, to_char(create_date, 'DD-Mon-YYYY HH24:MI:SS') as created, to_char(create_date, 'Dy, FMDD Month YYYY') as long_form
from aws_iam_user order by name;

-- name: user_path_split
select name, split_part(arn, ':', 6) as resource, split_part(arn, '/', 2) as second
from aws_iam_user order by name;

-- name: user_unicode
select name, upper(name), length(name) from aws_iam_user where name like 'é%' or tags ? 'équipe';

-- name: user_title_akas
select title, akas ->> 0 as arn, akas from aws_iam_user order by title;

-- name: user_ctx_connection
select _ctx ->> 'connection_name' as connection, count(*) from aws_iam_user group by _ctx ->> 'connection_name' order by connection;

-- name: user_ctx_group_by_json
select _ctx, count(*) from aws_iam_user group by _ctx;

-- name: user_no_activity
select name from aws_iam_user where password_last_used is null or password_last_used < current_date - interval '365 days';

-- name: user_distinct_on_latest_key
select distinct on (user_name) user_name, access_key_id, create_date
from aws_iam_access_key order by user_name, create_date desc;

-- name: access_key_rotation
select access_key_id, user_name,
  case when create_date <= now() - interval '90 days' then 'alarm' else 'ok' end as status,
  user_name || ' key is ' || date_part('day', now() - create_date) || ' days old.' as reason
from aws_iam_access_key where status = 'Active' order by access_key_id;

-- name: access_key_unused
select access_key_id, coalesce(access_key_last_used_service, 'never') as service
from aws_iam_access_key where access_key_last_used_date is null or access_key_last_used_service = 'N/A';

-- name: access_key_per_user
select user_name, count(*) filter (where status = 'Active') as active, count(*) as total
from aws_iam_access_key group by user_name having count(*) > 0 order by user_name;

-- name: cred_report_root_mfa
select user_name, mfa_active, password_status from aws_iam_credential_report where user_name = '<root_account>';

-- name: cred_report_key_age
select user_name,
  case when access_key_1_active and access_key_1_last_rotated < now() - interval '90 days' then 'alarm'
       when access_key_1_active then 'ok' else 'info' end as status,
  age(access_key_1_last_rotated) is not null as has_age
from aws_iam_credential_report order by user_name;

-- name: cred_report_password_unused_45
select user_name, password_last_used,
  password_enabled and (password_last_used is null or password_last_used < now() - interval '45 day') as stale
from aws_iam_credential_report order by user_name;

-- name: cred_report_age_interval
select user_name, age('2025-06-15T00:00:00Z'::timestamptz, user_creation_time) as account_age
from aws_iam_credential_report order by user_name;

-- name: cred_report_rotation_days
select user_name, (generated_time::date - access_key_1_last_rotated::date) as days_since_rotation
from aws_iam_credential_report where access_key_1_active;

-- name: cred_report_certs
select user_name from aws_iam_credential_report where cert_1_active or cert_2_active;

-- name: cred_report_string_agg
select account_id, string_agg(user_name, ', ' order by user_name) as users
from aws_iam_credential_report where not mfa_active group by account_id order by account_id;

-- name: cred_report_string_agg_distinct
-- Postgres sorts a DISTINCT aggregate's input, so the list comes out sorted without ORDER BY.
select account_id, string_agg(distinct split_part(user_name, '-', 1), ', ') as prefixes,
  string_agg(distinct password_status, ';') filter (where user_name <> '<root_account>') as statuses
from aws_iam_credential_report group by account_id order by account_id;

-- name: cred_report_root_used_recently
select user_name, password_last_used > current_timestamp - interval '30 days' as used_last_30_days,
  to_char(password_last_used, 'YYYY-MM-DD') as day
from aws_iam_credential_report where user_name = '<root_account>';

-- name: password_policy_strength
select account_id, minimum_password_length >= 14 as long_enough, coalesce(password_reuse_prevention, 0) >= 24 as reuse,
  require_symbols and require_numbers and require_uppercase_characters and require_lowercase_characters as complex
from aws_iam_account_password_policy order by account_id;

-- name: group_users
select g.name, jsonb_array_length(g.users) as members, u ->> 'UserName' as member
from aws_iam_group g left join jsonb_array_elements(g.users) u on true order by g.name, member;

-- name: group_inline_policies
select name, inline_policies_std -> 0 ->> 'PolicyName' as first_policy from aws_iam_group order by name;

-- name: trail_multi_region_logging
select name, case when is_multi_region_trail and is_logging then 'ok' else 'alarm' end as status,
  name || case when is_logging then ' is logging' else ' is not logging' end as reason
from aws_cloudtrail_trail order by name;

-- name: trail_validation_kms
select name, log_file_validation_enabled, kms_key_id is null as unencrypted from aws_cloudtrail_trail order by name;

-- name: trail_management_events
select t.name, e ->> 'ReadWriteType' as rw, (e ->> 'IncludeManagementEvents')::bool as mgmt
from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) e order by t.name;

-- name: trail_advanced_selectors
select t.name, sel ->> 'Name' as selector, fs ->> 'Field' as field, fs -> 'Equals' as equals
from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) sel, jsonb_array_elements(sel -> 'FieldSelectors') fs
order by t.name, selector, field;

-- name: trail_s3_data_events
select name from aws_cloudtrail_trail
where event_selectors @> '[{"DataResources": [{"Type": "AWS::S3::Object"}]}]'
   or advanced_event_selectors @> '[{"FieldSelectors": [{"Field": "resources.type", "Equals": ["AWS::S3::Object"]}]}]';

-- name: trail_insights
select name, jsonb_array_length(insight_selectors) as insights, insight_selectors is null as no_insights
from aws_cloudtrail_trail order by name;

-- name: trail_cloudwatch_recent
select name, latest_cloudwatch_logs_delivery_time > now() - interval '1 day' as delivering
from aws_cloudtrail_trail where log_group_arn is not null;

-- name: trail_delivery_error
select name, latest_delivery_error, stop_logging_time from aws_cloudtrail_trail where latest_delivery_error is not null;

-- name: trail_tags_coalesce
select name, coalesce(tags, '{}'::jsonb) as tags, coalesce(tags ->> 'env', 'none') as env from aws_cloudtrail_trail order by name;

-- name: event_console_login_without_mfa
select event_time, username, additional_event_data ->> 'MFAUsed' as mfa
from aws_cloudtrail_trail_event
where event_name = 'ConsoleLogin' and additional_event_data ->> 'MFAUsed' = 'No';

-- name: event_root_activity
select event_name, user_identity ->> 'type' as identity_type, source_ip_address
from aws_cloudtrail_trail_event where user_identity ->> 'type' = 'Root';

-- name: event_iam_changes
select event_name, count(*) from aws_cloudtrail_trail_event
where event_source = 'iam.amazonaws.com' and not read_only group by event_name order by event_name;

-- name: event_access_denied
select event_name, error_code, username from aws_cloudtrail_trail_event where error_code ~* 'denied|notfound';

-- name: event_request_parameters
select event_name, request_parameters ->> 'userName' as target_user, request_parameters ->> 'policyName' as policy,
  (request_parameters ->> 'policyDocument')::jsonb -> 'Statement' -> 0 ->> 'Action' as injected_action
from aws_cloudtrail_trail_event where event_name in ('CreateAccessKey', 'PutUserPolicy');

-- name: event_session_context
select event_id, user_identity #>> '{sessionContext,attributes,mfaAuthenticated}' as mfa,
  user_identity #> '{sessionContext,sessionIssuer}' as issuer
from aws_cloudtrail_trail_event where user_identity ? 'sessionContext' order by event_id;

-- name: event_assumed_role_arn_regex
select event_id, (regexp_match(user_identity ->> 'arn', 'assumed-role/([^/]+)/(.*)'))[1] as role_name,
  regexp_match(user_identity ->> 'arn', 'assumed-role/([^/]+)/(.*)') as parts
from aws_cloudtrail_trail_event where user_identity ->> 'arn' like '%assumed-role%';

-- name: event_resources
select e.event_id, r ->> 'type' as resource_type, r ->> 'ARN' as resource_arn
from aws_cloudtrail_trail_event e, jsonb_array_elements(e.resources) r order by e.event_id, resource_arn;

-- name: event_by_day
select date_trunc('day', event_time) as day, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: event_per_account_hour
select account_id, to_char(event_time, 'YYYY-MM-DD HH24') as hour, count(*) from aws_cloudtrail_trail_event group by 1, 2 order by 1, 2;

-- name: event_recent_window
select event_id from aws_cloudtrail_trail_event where event_time between '2025-06-14'::date and '2025-06-15'::date order by event_id;

-- name: event_duration_number
select event_id, (request_parameters ->> 'durationSeconds')::int / 60 as minutes, request_parameters -> 'durationSeconds' as raw
from aws_cloudtrail_trail_event where request_parameters ? 'durationSeconds';

-- name: event_jsonb_agg_names
select user_type, jsonb_agg(event_name order by event_name) as events from aws_cloudtrail_trail_event group by user_type order by user_type;

-- name: event_build_object
select jsonb_build_object('id', event_id, 'name', event_name, 'error', error_code, 'ro', read_only) as summary
from aws_cloudtrail_trail_event order by event_id;

-- name: event_bytes_out
select event_id, (additional_event_data ->> 'bytesTransferredOut')::numeric as bytes from aws_cloudtrail_trail_event where additional_event_data ? 'bytesTransferredOut';

-- name: event_user_agent_not_like
select event_id from aws_cloudtrail_trail_event where user_agent not like all (array['aws-cli%', 'Mozilla%']) order by event_id;

-- name: event_window_rank
select event_id, username, row_number() over (partition by account_id order by event_time) as n from aws_cloudtrail_trail_event order by event_id;

-- name: nhi_keys_joined_to_users
select u.name, k.access_key_id, u.tags ->> 'team' as team
from aws_iam_user u join aws_iam_access_key k on k.user_name = u.name and k.account_id = u.account_id
where u.login_profile is null order by k.access_key_id;

-- name: cte_counts
with stmts as (
  select p.arn, s from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
)
select count(*), max(jsonb_array_length(s -> 'Action')) from stmts;

-- name: subquery_column_name
select (select count(*) from aws_iam_user), (select max(name) from aws_iam_role);

-- name: unaliased_names
select count(*), max(create_date), min(name), now() is not null, current_date is not null, name::text, 1 + 1, 'x'::text, mfa_enabled::text
from aws_iam_user group by name, mfa_enabled order by name limit 2;

-- name: union_sources
select arn from aws_iam_user where mfa_enabled union select arn from aws_iam_role where max_session_duration > 3600 order by arn;

-- name: edge_missing_key_is_null
select name, tags -> 'missing' is null as missing_null, tags ->> 'missing' is null as missing_text_null from aws_iam_user order by name;

-- name: edge_json_null_value
select '{"a": null}'::jsonb -> 'a' is null as arrow_null, '{"a": null}'::jsonb ->> 'a' is null as text_null,
  jsonb_typeof('{"a": null}'::jsonb -> 'a') as t, '{"a": null}'::jsonb -> 'a' as v;

-- name: edge_empty_arrays
select jsonb_array_length('[]'::jsonb), (select count(*) from jsonb_array_elements('[]'::jsonb)),
  (select count(*) from jsonb_array_elements_text('[]'::jsonb)), '[]'::jsonb @> '[]'::jsonb;

-- name: edge_null_json_rows
select p.name, count(s) from aws_iam_policy p left join lateral jsonb_array_elements(p.policy_std -> 'Statement') s on true group by p.name order by p.name;

-- name: edge_select_list_srf_zip
select jsonb_array_elements('[1, 2]'::jsonb) as a, jsonb_array_elements_text('["x", "y", "z"]'::jsonb) as b;

-- name: edge_srf_rows_multiply
select name, jsonb_array_elements_text(akas) from aws_iam_role;

-- name: edge_elements_text_of_objects
select jsonb_array_elements_text('[{"b": 1, "a": [1, 2.5]}, "s", 3, null, true]'::jsonb) as v;

-- name: edge_text_of_json
select ('{"bb": 1, "a": {"z": [], "c": "é"}}'::jsonb)::text, '"plain"'::jsonb::text, '{"k": {"x": 1}}'::jsonb ->> 'k';

-- name: edge_containment_nested
select '{"a": {"b": 1}}'::jsonb @> '{"b": 1}' as deep_search,
  '{"a": {"b": 1, "c": 2}}'::jsonb @> '{"a": {"b": 1}}' as nested_object,
  '{"a": [1, 2, 3]}'::jsonb @> '{"a": [3, 1]}' as nested_array,
  '{"a": [1, 2]}'::jsonb @> '{"a": 1}' as nested_scalar_vs_array,
  '["a", "b"]'::jsonb @> '"a"' as top_array_contains_scalar,
  '"a"'::jsonb @> '["a"]' as scalar_contains_array,
  '[1, [2, 3]]'::jsonb @> '[[3]]' as array_of_arrays,
  '[{"a": 1, "b": 2}]'::jsonb @> '[{"a": 1}]' as array_of_objects,
  '{"a": 1}'::jsonb @> '{}' as empty_object,
  '[1]'::jsonb @> '{}' as array_vs_object,
  '{"x": 1.0}'::jsonb @> '{"x": 1}' as numeric_equal,
  '{"x": true}'::jsonb @> '{"x": "true"}' as bool_vs_string;

-- name: edge_contained_by
select '["s3:getobject"]'::jsonb <@ '["s3:getobject", "s3:putobject"]'::jsonb as inside;

-- name: edge_exists_operators
select '["a", "b"]'::jsonb ? 'a' as array_string, '[1]'::jsonb ? '1' as array_number, '"a"'::jsonb ? 'a' as scalar,
  '{"a": 1}'::jsonb ?| array['x', 'a'] as any_key, '{"a": 1}'::jsonb ?& array['a', 'x'] as all_keys,
  '{"a": 1}'::jsonb ?& array[]::text[] as all_empty, '{"a": 1}'::jsonb ?| array[]::text[] as any_empty;

-- name: edge_array_index
select '[10, 20, 30]'::jsonb -> 1 as second, '[10, 20, 30]'::jsonb ->> -1 as last, '[10, 20]'::jsonb -> 5 as beyond,
  '{"0": "zero"}'::jsonb -> 0 as int_on_object, '{"0": "zero"}'::jsonb ->> '0' as text_key, '[1]'::jsonb -> 'a' as key_on_array;

-- name: edge_path_operators
select '{"a": [{"b": "x"}], "c.d": {"e": 1}}'::jsonb #> '{a,0}' as p1, '{"a": [{"b": "x"}]}'::jsonb #>> '{a,0,b}' as p2,
  '{"c.d": {"e:f": 1}}'::jsonb #>> '{c.d,e:f}' as p3, '{"a": {"0": "k"}}'::jsonb #>> '{a,0}' as p4, '{"a": 1}'::jsonb #> '{x,y}' as p5;

-- name: edge_typeof_all
select jsonb_typeof(v) as t, count(*) from jsonb_array_elements('[1, 1.5, "s", true, null, [], {}]'::jsonb) v group by 1 order by 1;

-- name: edge_object_keys_order
select string_agg(k, ',') as keys from jsonb_object_keys('{"bbb": 1, "a": 2, "cc": 3, "aa": 4}'::jsonb) k;

-- name: edge_each_values
select key, value, jsonb_typeof(value) from jsonb_each('{"n": 1, "s": "x", "o": {"k": null}, "z": null}'::jsonb) order by key;

-- name: edge_bool_casts
select 't'::bool, 'true'::bool, ' yes '::bool, 'off'::bool, '0'::bool, ('{"f": "f"}'::jsonb ->> 'f')::bool, ('{"b": true}'::jsonb -> 'b')::bool;

-- name: edge_like_any_none
select name from aws_iam_user where name ilike any (array['ALICE', 'B%']) order by name;

-- name: edge_integer_division
select 7 / 2 as a, -7 / 2 as b, 7 / 2.0 as c, count(*) / 4 as d, 10 % 3 as e from aws_iam_user;

-- name: edge_regexp_no_match
select regexp_match('abc', 'x(y)') is null as none, regexp_match('abc', 'b') as whole, regexp_match('ABC', 'b', 'i') as ci;

-- name: edge_to_char_names
select to_char('2024-02-05 14:07:09+00'::timestamptz, 'Day DD Month YYYY') as a, to_char('2024-02-05 14:07:09+00'::timestamptz, 'FMDay, Mon DD') as b,
  to_char('2024-02-05 14:07:09+00'::timestamptz, 'DY MON dy mon HH12 AM "literal" YY') as c;

-- name: edge_intervals
select interval '1 day' + interval '2 hours' as a, '2025-01-31'::date + interval '1 month' as b, now() - now() as zero,
  date_part('epoch', interval '2 days') as epoch, extract(epoch from '2025-01-01T00:00:00Z'::timestamptz) as ts_epoch;

-- name: edge_coalesce_jsonb
select name, coalesce(inline_policies_std, '[]'::jsonb) as policies, jsonb_array_length(coalesce(inline_policies_std, '[]')) as n
from aws_iam_user order by name;

-- name: edge_json_equality
select name from aws_iam_role where assume_role_policy_std -> 'Statement' -> 0 -> 'Principal' = '{"Service": ["ec2.amazonaws.com"]}';

-- name: edge_to_jsonb
select to_jsonb('text'::text) as a, to_jsonb(42) as b, to_jsonb(true) as c, to_jsonb(array['x', 'y']) as d;

-- name: edge_keys_with_quotes_unicode
select tags ->> 'a:b.c' as quoted, tags ->> 'équipe' as team, tags -> 'empty' as empty from aws_iam_user where tags ? 'équipe';

-- name: edge_concat_json
select name || ' trusts ' || (assume_role_policy_std -> 'Statement' -> 0 -> 'Principal') as reason from aws_iam_role order by name;

-- name: edge_in_any_array
select name from aws_iam_role where name = any (array['ec2-app', 'github-oidc']) order by name;

-- name: jsonb_pretty_policies
select name, jsonb_pretty(policy_std) as doc, jsonb_pretty(policy_std -> 'Statement' -> 0 -> 'Action')
from aws_iam_policy
order by name;

-- name: jsonb_pretty_edge_cases
select jsonb_pretty('{}'::jsonb) as empty_object, jsonb_pretty('[]'::jsonb) as empty_array,
  jsonb_pretty('{"bb": [{}, [], "x", 1.5, null, true, {"a": {"c": []}}], "a": "é\n"}'::jsonb) as nested,
  jsonb_pretty('"text"'::jsonb) as scalar, jsonb_pretty(null::jsonb) as nothing;

-- name: substring_regex_groups
select user_name,
  substring(user_arn from ':user/(.*)$') as from_group,
  substring(user_name from '^[a-z]+') as whole_match,
  substring(user_name from 'no-such-text') as no_match,
  substring(user_name from 2 for 3) as positional
from aws_iam_credential_report
order by user_arn;

-- name: unaliased_aggregate_names
-- Postgres names unaliased aggregates after the function: string_agg, json_agg, jsonb_agg.
select account_id, string_agg(user_name, ',' order by user_name), json_agg(user_name order by user_name),
  jsonb_agg(user_name order by user_name) filter (where user_name <> '<root_account>')
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: json_agg_of_objects_with_filter
select account_id,
  json_agg(json_build_object('user', user_name, 'mfa', mfa_active) order by user_name) filter (where password_enabled) as console_users
from aws_iam_credential_report
group by account_id
order by account_id;

-- name: distinct_aggregates_sorted
-- Postgres sorts the input of a DISTINCT aggregate (NULL last); DuckDB keeps hash order.
select account_id, array_agg(distinct status) as statuses, array_agg(distinct access_key_last_used_service) as services,
  jsonb_agg(distinct user_name) as users, array_agg(distinct user_name order by user_name desc) as users_desc
from aws_iam_access_key
group by account_id
order by account_id;

-- name: string_to_array_edges
-- An empty string is an empty array, an empty delimiter keeps the string whole, a NULL one splits characters.
select name, unnest(string_to_array(trim(both '/' from path), '/')) as path_segment
from aws_iam_role
union all
select name, array_to_string(string_to_array(path, ''), '+') from aws_iam_role
order by 1, 2;

-- name: string_to_array_literals
select string_to_array('', ',') as empty_text, string_to_array('a,,b', ',') as empty_element,
  string_to_array('abc', '') as no_delimiter, string_to_array('abc', null) as characters,
  string_to_array(null, '') as null_text, cardinality(string_to_array('', '/')) as none;

-- name: concat_and_format_output_text
-- concat, concat_ws and format's %s write a boolean as t/f (its output function), jsonb as jsonb text, NULL as ''.
select name, concat(name, ' mfa=', mfa_enabled, ' tags=', tags) as summary,
  concat_ws(' | ', name, mfa_enabled, password_last_used, tags -> 'team') as fields,
  format('%s (%s) mfa=%s, 100%%', name, account_id, mfa_enabled) as label,
  format('last login %s', password_last_used) as last_login,
  name || ' ' || mfa_enabled as piped, concat('groups: ', string_to_array(arn, '/')) as arn_parts
from aws_iam_user
order by name;

-- name: format_of_boolean_aggregates
select account_id, format('%s users, all with MFA: %s, any: %s', count(*), bool_and(mfa_enabled), bool_or(mfa_enabled)) as summary,
  concat('every: ', every(password_last_used is not null), ', exists: ', exists (select 1 from aws_iam_group)) as more
from aws_iam_user
group by account_id
order by account_id;

-- name: similar_to_patterns
select name, name similar to '(ec2|github)-%' as app_or_ci, name not similar to '[a-e]%' as not_a_to_e,
  arn similar to 'arn:aws:iam::[0-9]{12}:role/%' as role_arn, name similar to 'ec2.app' as dot_is_literal,
  name similar to '%(-|_)%' as has_separator
from aws_iam_role
order by name;

-- name: array_literal_casts
select name, octet_length(name) as bytes, char_length(name) as chars
from aws_iam_user
where name = any('{alice,bob,"émile.dupont"}'::text[]) or name like any('{ci-%,svc%}'::text[])
order by name;

-- name: numeric_to_integer_rounding
-- Postgres rounds a numeric half away from zero when casting it to an integer (avg and extract are numeric).
select avg(attachment_count)::int as avg_attachments, (avg(attachment_count) + 1)::int as avg_plus_one,
  round(avg(attachment_count), 2) as exact,
  extract(epoch from interval '2.5 seconds')::int as epoch_seconds, '2.5'::numeric::int as half_up,
  (-2.5)::numeric::int as half_down, (5 / 2.0)::bigint as quotient, 2.5::float8::int as float_half_even
from aws_iam_policy
where attachment_count in (1, 2);

-- name: array_text_output
-- An array as text is Postgres's array literal: braces, elements quoted when empty, NULL-like, or holding
-- blanks, commas, quotes, braces or backslashes.
select account_id, array_agg(name order by name)::text as names,
  string_to_array(max(arn), ':')::text as arn_parts,
  array['a b', '', 'NULL', null, 'x"y', 'c\d', '{', 'plain']::text as quoting,
  array[1, 2]::text as numbers, string_to_array('', ',')::text as empty
from aws_iam_role
group by account_id
order by account_id;

-- name: date_difference_integer_division
-- date - date is an integer number of days in Postgres, so dividing it by an integer truncates.
select name, (now()::date - create_date::date) / 7 as weeks, (current_date - create_date::date) / 30 as months,
  (date '2025-06-15' - create_date::date) % 7 as weekday_offset
from aws_iam_user
order by name;

-- name: to_timestamp_with_format
-- to_timestamp(text, format) is a timestamptz.
select event_id, to_timestamp(event_time_raw, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as parsed,
  to_timestamp('2024-03-05 10:11:12', 'YYYY-MM-DD HH24:MI:SS') as literal
from aws_cloudtrail_trail_event
order by event_id;

-- name: date_part_name_and_type
-- An unaliased date_part(...) is named date_part; it is a double (an integer cast rounds half to even), while
-- extract(...) is a numeric (half away from zero).
select name, date_part('day', now() - create_date), extract(day from now() - create_date),
  date_part('epoch', interval '2.5 seconds')::int as double_half_even,
  extract(epoch from interval '2.5 seconds')::int as numeric_half_away
from aws_iam_user
order by name;

-- name: every_aggregate
-- every() is the SQL-standard name of bool_and().
select account_id, every(mfa_enabled), every(password_last_used is not null) as all_used,
  array_agg(name order by name) filter (where not mfa_enabled) as without_mfa
from aws_iam_user
group by account_id
order by account_id;

-- name: elements_with_ordinality
-- WITH ORDINALITY numbers a set-returning function's rows from 1, in the array's order.
select p.name, s.idx, s.stmt ->> 'Effect' as effect, a.action, a.n, e.ordinality as resource_number
from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s(stmt, idx)
  left join lateral jsonb_array_elements_text(s.stmt -> 'Action') with ordinality a(action, n) on true
  left join lateral jsonb_array_elements_text(s.stmt -> 'Resource') with ordinality e on true
where e.ordinality = 1 or e.ordinality is null
order by p.name, s.idx, a.n;

-- name: object_keys_with_ordinality
select u.name, k, ordinality from aws_iam_user u cross join lateral jsonb_object_keys(u.tags) with ordinality as k
order by 1, 3;

-- name: srf_column_aliases_keep_types
-- A column alias of jsonb_array_elements / jsonb_each keeps the column's type (jsonb text output, jsonb
-- equality), and WITH ORDINALITY's column is a bigint (integer division).
select p.name, x.stmt::text as statement_text, x.idx / 2 as pair, c.op, c.cond::text as condition_text,
  c.cond = '{"aws:securetransport": ["true"]}' as secure_transport_only
from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as x(stmt, idx)
  left join lateral jsonb_each(x.stmt -> 'Condition') as c(op, cond) on true
order by p.name, x.idx, c.op;

-- name: window_rank_keys_by_age
select user_name, access_key_id, create_date,
  rank() over (partition by account_id order by create_date) as rnk,
  dense_rank() over (order by user_name) as user_rank,
  row_number() over (partition by user_name order by create_date desc) as newest_first
from aws_iam_access_key
order by account_id, create_date;

-- name: window_lag_lead_events
select event_id, event_name, event_time,
  lag(event_name) over (order by event_time, event_id) as previous_event,
  lead(event_time, 2) over (order by event_time, event_id) as two_ahead,
  lag(event_name, 1, 'none') over (partition by aws_region order by event_time) as previous_in_region
from aws_cloudtrail_trail_event
order by event_time, event_id;

-- name: window_ntile_and_percent
select name, create_date, ntile(3) over (order by create_date) as bucket,
  percent_rank() over (order by create_date) as pct, cume_dist() over (order by create_date) as cume
from aws_iam_user
order by create_date;

-- name: window_first_last_value_frames
select event_id, event_time,
  first_value(event_name) over w as first_name,
  last_value(event_name) over w as last_default_frame,
  last_value(event_name) over (order by event_time rows between unbounded preceding and unbounded following) as last_all,
  nth_value(event_name, 2) over (order by event_time rows between unbounded preceding and unbounded following) as second_name
from aws_cloudtrail_trail_event
window w as (order by event_time)
order by event_time;

-- name: window_running_count_rows_frame
select event_id, event_time, count(*) over (order by event_time rows between 1 preceding and current row) as pair,
  sum(case when error_code is null then 0 else 1 end) over (order by event_time) as running_errors
from aws_cloudtrail_trail_event
order by event_time;

-- name: window_aggregate_partition_no_order
select name, account_id, count(*) over (partition by account_id) as users_in_account,
  max(create_date) over (partition by account_id) as newest_in_account,
  string_agg(name, ',') over (partition by account_id order by name) as names_so_far
from aws_iam_user
order by account_id, name;

-- name: aggregate_filter_clauses
select account_id,
  count(*) filter (where status = 'Active') as active,
  count(*) filter (where status = 'Inactive') as inactive,
  max(create_date) filter (where status = 'Active') as newest_active,
  array_agg(access_key_id order by access_key_id) filter (where access_key_last_used_date is null) as never_used,
  sum(1) filter (where false) as none
from aws_iam_access_key
group by account_id
order by account_id;

-- name: distinct_on_newest_key_per_user
select distinct on (user_name) user_name, access_key_id, create_date, status
from aws_iam_access_key
order by user_name, create_date desc;

-- name: distinct_on_first_event_per_region
select distinct on (aws_region) aws_region, event_name, event_time
from aws_cloudtrail_trail_event
order by aws_region, event_time, event_id;

-- name: group_by_rollup_events
select aws_region, event_source, count(*) as n, grouping(aws_region, event_source) as g
from aws_cloudtrail_trail_event
group by rollup (aws_region, event_source)
order by aws_region nulls last, event_source nulls last;

-- name: group_by_cube_keys
select account_id, status, count(*)
from aws_iam_access_key
group by cube (account_id, status)
order by account_id, status;

-- name: group_by_grouping_sets_users
select account_id, mfa_enabled, count(*) as n, grouping(mfa_enabled) as by_account
from aws_iam_user
group by grouping sets ((account_id), (mfa_enabled), ())
order by account_id nulls first, mfa_enabled nulls first;

-- name: generate_series_days_of_events
select d::date as day, count(e.event_id) as events
from generate_series('2025-06-10'::timestamptz, '2025-06-14'::timestamptz, interval '1 day') as d
  left join aws_cloudtrail_trail_event e on date_trunc('day', e.event_time) = d
group by d
order by d;

-- name: generate_series_hours
select h, extract(hour from h) as hour
from generate_series(timestamptz '2025-06-14 08:00:00+00', timestamptz '2025-06-14 11:00:00+00', interval '30 minutes') h
order by h;

-- name: generate_series_integers
select n, n * 2 as doubled from generate_series(1, 5) as n where n % 2 = 1 order by n desc;

-- name: date_trunc_units
select name, date_trunc('month', create_date) as month, date_trunc('year', create_date) as year,
  date_trunc('week', create_date) as week, date_trunc('quarter', create_date) as quarter,
  date_trunc('hour', create_date) as hour
from aws_iam_user
order by name;

-- name: extract_fields
select name, extract(year from create_date) as y, extract(month from create_date) as m, extract(dow from create_date) as dow,
  extract(isodow from create_date) as isodow, extract(doy from create_date) as doy, extract(week from create_date) as week,
  extract(quarter from create_date) as q, date_part('minute', create_date) as minute
from aws_iam_user
order by name;

-- name: age_and_justify
select name, age(timestamptz '2025-06-15 00:00:00+00', create_date) as account_age,
  justify_days(interval '45 days') as jd, justify_hours(interval '50 hours') as jh,
  justify_interval(interval '1 month -1 hour') as ji, justify_interval(interval '-70 days 30 hours')::text as jt
from aws_iam_user
order by name;

-- name: interval_arithmetic_text
select (interval '1 day 2 hours')::text as a, (interval '90 days')::text as b, (now() - (now() - interval '3 hours'))::text as c,
  (interval '1 hour' * 2.5)::text as d, (interval '1 year' / 5)::text as e, (- interval '1 day')::text as f,
  'age: ' || age(timestamptz '2025-06-15 00:00:00+00', timestamptz '2024-01-01 12:00:00+00') as g,
  concat('took ', interval '36 hours') as h;

-- name: timestamptz_vs_now
select name, create_date < now() - interval '5 years' as older_than_5y,
  password_last_used > now() - interval '365 days' as used_this_year,
  coalesce(password_last_used, create_date) >= current_date - 1000 as recentish
from aws_iam_user
order by name;

-- name: to_char_more_formats
select name, to_char(create_date, 'YYYY-MM-DD HH24:MI:SS') as iso, to_char(create_date, 'YYYY/MM') as ym,
  to_char(create_date, 'Q') as quarter, to_char(create_date, 'HH12:MI AM') as clock,
  to_char(create_date, 'D ID IW IYYY WW W J CC') as weeks, to_char(create_date, 'FMWW-FMCC') as fm
from aws_iam_user
order by name;

-- name: jsonb_each_text_tags
select u.name, t.key, t.value
from aws_iam_user u, jsonb_each_text(u.tags) t
order by u.name, t.key;

-- name: jsonb_object_keys_request_parameters
select event_name, jsonb_object_keys(request_parameters) as param
from aws_cloudtrail_trail_event
where request_parameters is not null
order by event_name, param;

-- name: jsonb_typeof_user_identity_fields
select e.event_id, k.key, jsonb_typeof(k.value) as t
from aws_cloudtrail_trail_event e, jsonb_each(e.user_identity) k
order by e.event_id, k.key;

-- name: jsonb_build_object_nested
select name, jsonb_build_object('name', name, 'mfa', mfa_enabled, 'created', create_date, 'groups', groups, 'n', 1.50) as doc,
  to_jsonb(password_last_used) as last_used, jsonb_build_array(create_date, date_trunc('day', create_date)) as arr
from aws_iam_user
order by name;

-- name: jsonb_agg_ordering
select account_id, jsonb_agg(name order by create_date desc) as newest_first, jsonb_agg(mfa_enabled order by name) as mfa
from aws_iam_user
group by account_id
order by account_id;

-- name: jsonb_negative_indexes
select name, akas ->> -1 as last_aka, akas -> -1 as last_aka_json, attached_policy_arns ->> -2 as second_last,
  attached_policy_arns -> 0 as first, mfa_devices -> -1 ->> 'SerialNumber' as last_device
from aws_iam_user
order by name;

-- name: jsonb_path_hash_operators
select event_id, user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer,
  user_identity #> '{sessionContext,attributes}' as attrs, request_parameters #>> '{roleArn}' as role_arn
from aws_cloudtrail_trail_event
order by event_id;

-- name: jsonb_exists_any_all_tags
select name, tags ?| array['team', 'owner'] as any_owner, tags ?& array['team', 'env'] as all_team_env, tags ? 'team' as has_team
from aws_iam_user
order by name;

-- name: jsonb_contains_nested_identity
select event_id from aws_cloudtrail_trail_event
where user_identity @> '{"type": "IAMUser"}' or user_identity @> '{"sessionContext": {"attributes": {"mfaAuthenticated": "true"}}}'
order by event_id;

-- name: array_agg_ordered_nulls
select account_id, array_agg(access_key_last_used_service order by access_key_last_used_service) as services,
  array_agg(access_key_last_used_service order by access_key_last_used_service desc) as services_desc,
  array_agg(access_key_last_used_date order by access_key_last_used_date nulls first) as dates
from aws_iam_access_key
group by account_id
order by account_id;

-- name: unnest_two_arrays
select * from unnest(array['a', 'b', 'c'], array[1, 2]) as t(letter, num);

-- name: array_functions
select array_length(array[1, 2, 3], 1) as len, cardinality(array['x']) as card, array_position(array['a', 'b', 'c'], 'b') as pos,
  array_position(array['a'], 'z') as missing, array_length(array[]::text[], 1) as empty_len, cardinality(array[]::int[]) as empty_card,
  array_to_string(array['a', null, 'c'], ',') as joined, array_to_string(array['a', null, 'c'], ',', '*') as joined_null,
  array_length(array[1], 2) as dim2;

-- name: any_all_with_nulls
select name, name = any(array['alice', null]) as eq_any, name <> all(array['alice', 'bob']) as ne_all,
  name <> all(array['alice', null]) as ne_all_null, 'x' = any(array[]::text[]) as any_empty
from aws_iam_user
order by name;

-- name: string_agg_ordering
select account_id, string_agg(name, ', ' order by name desc) as names, string_agg(distinct path, ';') as paths
from aws_iam_user
group by account_id
order by account_id;

-- name: regexp_replace_flags
select name, regexp_replace(arn, '[0-9]', '#') as first_digit, regexp_replace(arn, '[0-9]', '#', 'g') as all_digits,
  regexp_replace(name, 'A', 'x', 'gi') as ci, regexp_replace(arn, '^arn:aws:iam::(\d+):(.*)$', '\2 @ \1') as backref
from aws_iam_user
order by name;

-- name: regex_operators
select name, name ~ '^[a-c]' as starts_abc, name ~* '^A' as ci, name !~ '-' as no_dash, name !~* 'LEGACY' as not_legacy
from aws_iam_user
order by name;

-- name: split_part_negative
select name, split_part(arn, ':', 5) as account, split_part(arn, '/', -1) as last, split_part(arn, '/', -2) as before_last,
  split_part(arn, ':', 20) as beyond
from aws_iam_user
order by name;

-- name: left_right_negative
select name, left(name, 3) as l3, right(name, 3) as r3, left(name, -2) as lneg, right(name, -2) as rneg, left(name, 0) as l0
from aws_iam_user
order by name;

-- name: pad_initcap_position
select name, lpad(name, 8, '*') as lp, rpad(name, 8) as rp, lpad(name, 3) as truncated, initcap(replace(name, '-', ' ')) as title_case,
  position('-' in name) as dash, strpos(name, 'e') as e_pos, upper(name) as up, reverse(name) as rev
from aws_iam_user
order by name;

-- name: integer_division_negatives
select -7 / 2 as a, 7 / -2 as b, -7 % 3 as c, 7 % -3 as d, -7.0 / 2 as e, div(-7, 2) as f, mod(-7, 3) as g,
  (-7)::numeric % 3 as h;

-- name: round_halves
select round(2.5) as a, round(-2.5) as b, round(2.5::float8) as c, round(3.5::float8) as d, round(1.005, 2) as e,
  round(-0.5) as f, trunc(-2.7) as g, ceil(-2.5) as h, floor(-2.5) as i, round(123.456, -1) as j,
  round(date_part('epoch', interval '4.5 seconds')) as k, round(extract(epoch from interval '4.5 seconds')) as l;

-- name: nulls_ordering_defaults
select name, password_last_used from aws_iam_user order by password_last_used desc, name;

-- name: nulls_ordering_asc
select user_name, access_key_last_used_date from aws_iam_access_key order by access_key_last_used_date, user_name;

-- name: coalesce_nullif_greatest_least
select name, coalesce(password_last_used, create_date) as last_seen, nullif(path, '/') as custom_path,
  greatest(create_date, password_last_used) as g, least(create_date, password_last_used) as l,
  greatest(1, null, 3) as gn, least(null::int, null) as ln
from aws_iam_user
order by name;

-- name: boolean_text_output
select name, mfa_enabled::text as t, (not mfa_enabled)::text as n, mfa_enabled || '' as piped, cast(mfa_enabled as varchar) as v,
  array[mfa_enabled, null]::text as arr, array_agg(mfa_enabled) over (order by name)::text as running
from aws_iam_user
order by name;

-- name: case_mixed_types
select name, case when mfa_enabled then 1 else 2.5 end as num, case when mfa_enabled then 'yes' end as maybe,
  case path when '/' then 'root' when '/service/' then 'svc' else path end as kind
from aws_iam_user
order by name;

-- name: set_operations_order_limit
(select name from aws_iam_user where mfa_enabled union all select name from aws_iam_role) order by name desc limit 3;

-- name: except_intersect
select account_id from aws_iam_user except select account_id from aws_iam_role
union
select account_id from aws_iam_user intersect select account_id from aws_iam_access_key
order by 1;

-- name: lateral_subquery_latest_event
select u.name, last.event_name, last.event_time
from aws_iam_user u
  left join lateral (select event_name, event_time from aws_cloudtrail_trail_event e where e.username = u.name order by event_time desc limit 1) last on true
order by u.name;

-- name: cte_materialized
with keys as materialized (select user_name, count(*) as n from aws_iam_access_key group by user_name),
  users as not materialized (select name from aws_iam_user)
select u.name, coalesce(k.n, 0) as keys from users u left join keys k on k.user_name = u.name order by u.name;

-- name: recursive_cte_path_segments
with recursive seg(n, part, rest) as (
  select 0, '', trim(both '/' from path) || '/' from aws_iam_role where name = 'ec2-app'
  union all
  select n + 1, split_part(rest, '/', 1), substr(rest, strpos(rest, '/') + 1) from seg where rest <> ''
)
select n, part from seg order by n;

-- name: recursive_cte_numbers
with recursive r(i, f) as (select 1, 1::bigint union all select i + 1, f * (i + 1) from r where i < 10) select i, f from r order by i;

-- name: exists_in_with_nulls
select name, name in ('alice', null) as in_null, name not in ('alice', null) as not_in_null,
  exists (select 1 from aws_iam_access_key k where k.user_name = u.name) as has_key,
  name not in (select user_name from aws_iam_access_key) as no_key
from aws_iam_user u
order by name;

-- name: count_distinct_jsonb
select count(distinct user_identity -> 'type') as identity_types, count(distinct request_parameters) as distinct_params,
  count(distinct user_identity ->> 'accountId') as accounts
from aws_cloudtrail_trail_event;

-- name: text_casts_to_time_types
select '2025-06-14T08:00:00Z'::timestamptz as a, '2025-06-14'::date as b, '2025-06-14 10:00:00+02'::timestamptz as c,
  ('2025-06-14'::date + 1) as d, '2025-06-14'::timestamptz as e, 'yes'::boolean as f;

-- name: jsonb_text_casts
select event_id, request_parameters::text as params, resources::text as res, (user_identity -> 'type')::text as t
from aws_cloudtrail_trail_event
order by event_id;

-- name: timestamp_text_casts
select name, create_date::text as created, create_date::date::text as day, (create_date + interval '1 month')::text as plus_month,
  array[create_date]::text as arr
from aws_iam_user
order by name;

-- name: jsonb_agg_of_timestamps
select account_id, jsonb_agg(create_date order by create_date) as created, json_agg(create_date) filter (where mfa_enabled) as mfa_created
from aws_iam_user
group by account_id
order by account_id;

-- name: unnest_two_arrays_lateral
select u.name, t.k, t.v from aws_iam_user u, unnest(array['path', 'id'], array[u.path, u.user_id]) as t(k, v) order by 1, 2;

-- name: percent_with_int4_sum
select account_id, sum(case when mfa_enabled then 1 else 0 end) * 100 / count(*) as pct_mfa,
  sum(case when password_last_used is null then 1 else 0 end) / 2 as halves,
  100 * count(*) filter (where mfa_enabled) / count(*) as pct_filter,
  round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) as pct_exact
from aws_iam_user
group by account_id
order by account_id;

-- name: sum_of_bigint_column_divides_exactly
select sum(max_session_duration) / 7 as a, sum(max_session_duration) / count(*) as b, max(max_session_duration) / 7 as c,
  min(max_session_duration) / 7 as d, sum(1) over () / 4 as e
from aws_iam_role
group by ()
;

-- name: window_running_int_division
select name, count(*) over (order by name) / 2 as pairs, sum(1) over (order by name) / 2 as half, row_number() over (order by name) % 2 as odd
from aws_iam_user
order by name;

-- name: window_range_interval_frame
select event_id, event_time, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event
order by event_time;

-- name: window_filter_aggregate
select event_id, count(*) filter (where error_code is not null) over (partition by username order by event_time) as errors_so_far
from aws_cloudtrail_trail_event
order by event_id;

-- name: window_string_agg_lag_default
select name, string_agg(name, '>') over (order by create_date rows between 1 preceding and current row) as pair,
  lag(create_date, 1, '1970-01-01'::timestamptz) over (order by create_date) as previous_created
from aws_iam_user
order by create_date;

-- name: interval_comparisons
select interval '1 month' = interval '30 days' as month_days, interval '1 day' = interval '24 hours' as day_hours,
  interval '1 year' > interval '360 days' as year_gt, interval '25 hours' > interval '1 day' as hours_gt,
  age(timestamptz '2025-06-15 00:00:00+00', timestamptz '2025-03-01 00:00:00+00') > interval '90 days' as age_gt;

-- name: age_filter_users
select name, age(now(), create_date) > interval '4 years' as old, now() - create_date > '1000 days'::interval as very_old,
  extract(days from now() - create_date)::int / 365 as years_approx
from aws_iam_user
order by name;

-- name: at_time_zone
select name, create_date at time zone 'UTC' as utc_local, create_date at time zone 'America/New_York' as new_york,
  to_char(create_date at time zone 'Asia/Kolkata', 'YYYY-MM-DD HH24:MI') as kolkata, timezone('Europe/Paris', create_date) as paris
from aws_iam_user
order by name;

-- name: timestamp_casts_and_date_math
select name, create_date::timestamp as ts, create_date::date as d, create_date::date + 1 as next_day,
  create_date::date - interval '1 day' as day_before, (create_date::date + interval '1 month')::text as month_later_text,
  date '2025-01-31' + interval '1 month' as jan_plus_month
from aws_iam_user
order by name;

-- name: generate_series_dates
select d, to_char(d, 'Dy') as dow from generate_series('2025-06-01'::date, '2025-06-07'::date, interval '1 day') d order by d;

-- name: generate_series_backwards
select g from generate_series(10, 1, -3) g order by g desc;

-- name: make_interval_named
select name, now() - create_date > make_interval(days => 1500) as older, make_interval(0, 1, 2, 3) as parts
from aws_iam_user
order by name;

-- name: array_subscripts_and_slices
select name, (string_to_array(arn, ':'))[5] as account, (string_to_array(arn, ':'))[2:3] as middle,
  (array_agg(name) over (order by name))[1] as first_name, (string_to_array(arn, '/'))[10] as beyond
from aws_iam_user
order by name;

-- name: array_concat_append
select array_append(array['a'], 'b') as appended, array_prepend('z', array['a']) as prepended, array_cat(array[1], array[2, 3]) as cat,
  array['x'] || array['y'] as piped, array['x'] || 'y'::text as element, array_remove(array['a', 'b', 'a'], 'a') as removed,
  array_replace(array[1, 2, 1], 1, 9) as replaced;

-- name: array_upper_lower_dims
select array_upper(array['a', 'b'], 1) as upper, array_lower(array['a', 'b'], 1) as lower, array_upper(array[]::text[], 1) as empty_upper,
  array_lower(array[]::text[], 1) as empty_lower;

-- name: values_list_join
select v.kind, count(u.name) as n
from (values ('mfa', true), ('no mfa', false)) as v(kind, flag)
  left join aws_iam_user u on u.mfa_enabled = v.flag
group by v.kind
order by v.kind;

-- name: join_using_star
select * from aws_iam_access_key k join (select name as user_name, mfa_enabled from aws_iam_user) u using (user_name)
order by access_key_id;

-- name: not_in_subquery_with_null
select name from aws_iam_user where name not in (select access_key_last_used_service from aws_iam_access_key) order by name;

-- name: in_subquery_and_exists
select name, name in (select user_name from aws_iam_access_key where status = 'Active') as active_key,
  not exists (select 1 from aws_cloudtrail_trail_event e where e.username = u.name) as silent
from aws_iam_user u
order by name;

-- name: limit_offset_fetch
select name from aws_iam_user order by name offset 2 fetch first 2 rows only;

-- name: union_type_coercion
select 1 as n union select 2.5 union select null order by n nulls first;

-- name: substr_negative_start
select substr('hello', -1, 3) as a, substr('hello', 0, 2) as b, substring('hello' from -1 for 3) as c, substr('hello', 2) as d,
  substring('hello', 3) as e, substr('hello', 10) as f;

-- name: trim_functions
select btrim('xxhixx', 'x') as a, ltrim('  hi  ') as b, rtrim('hi//', '/') as c, trim(leading '/' from '/a/b/') as d,
  trim(trailing '/' from '/a/b/') as e, trim(both from '  x  ') as f, translate('arn:aws', ':', '/') as g, repeat('ab', 3) as h;

-- name: split_part_edge_delimiters
select split_part('a,b', '', 1) as empty_delim, split_part('a,b', ',', 0 + 1) as first, split_part('', ',', 1) as empty_text,
  split_part('a,,b', ',', 2) as empty_field;

-- name: md5_and_encoding
select name, md5(name) as hash, length(md5(arn)) as len, encode(convert_to(name, 'UTF8'), 'hex') as hex,
  encode(convert_to(repeat(arn, 3), 'UTF8'), 'base64') as b64, convert_from(decode(encode(convert_to(name, 'UTF8'), 'base64'), 'base64'), 'UTF8') as roundtrip
from aws_iam_user
order by name;

-- name: unicode_case_functions
select name, upper(name) as up, initcap(name) as cap, length(name) as len, octet_length(name) as bytes from aws_iam_user order by name;

-- name: format_specifiers
select format('%s is %s old', name, age(timestamptz '2025-06-15 00:00:00+00', create_date)) as a,
  format('%1$s/%1$s', name) as b, format('%-10s|%6s|', name, mfa_enabled) as c, format('%2$s %1$s', name, path) as d,
  format('%L = %L', name, password_last_used) as e, format('%3$L', 1, 2, null) as f
from aws_iam_user
order by name;

-- name: jsonb_nested_key_exists
select name, s -> 'Condition' ? 'StringEquals' as string_equals, s ? 'Sid' as has_sid, s -> 'Action' ? 's3:getobject' as get_object
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
order by name, s::text;

-- name: jsonb_int_from_text
select event_id, (request_parameters ->> 'durationSeconds')::int / 60 as minutes, (request_parameters -> 'durationSeconds')::int as secs,
  request_parameters -> 'durationSeconds' = '3600' as eq_json
from aws_cloudtrail_trail_event
where request_parameters ? 'durationSeconds';

-- name: jsonb_coalesce_paths
select event_id, coalesce(user_identity ->> 'userName', user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName', user_identity ->> 'invokedBy', 'unknown') as actor,
  jsonb_typeof(user_identity -> 'missing') as missing_type
from aws_cloudtrail_trail_event
order by event_id;

-- name: jsonb_array_contains_akas
select name from aws_iam_role where akas @> to_jsonb(array[arn]) and akas <@ ('["' || arn || '", "x"]')::jsonb order by name;

-- name: jsonb_scalar_arrow_on_string
select '"x"'::jsonb -> 0 as idx_on_string, '"x"'::jsonb ->> 'k' as key_on_string, '[[1, 2], [3]]'::jsonb -> 0 -> -1 as nested_neg,
  '{"a": [1, 2]}'::jsonb #> '{a,-1}' as path_neg, '[1,2,3]'::jsonb ->> -4 as too_negative;

-- name: event_hourly_buckets
select to_char(date_trunc('hour', event_time), 'YYYY-MM-DD HH24:00') as hour, count(*), array_agg(event_name order by event_time) as names
from aws_cloudtrail_trail_event
where event_time > now() - interval '100 years'
group by 1
order by 1;

-- name: extract_epoch_bigint
select event_id, extract(epoch from event_time)::bigint as epoch, to_timestamp(extract(epoch from event_time)) = event_time as roundtrip,
  date_part('epoch', event_time)::bigint as dp
from aws_cloudtrail_trail_event
order by event_id;

-- name: timestamptz_text_output
select event_id, event_time::text as t, (event_time + interval '0.5 seconds')::text as frac, event_time::date::text as d,
  '2025-06-14 10:00:00+02'::timestamptz::text as shifted
from aws_cloudtrail_trail_event
order by event_id;

-- name: date_bin_buckets
select date_bin('15 minutes', event_time, timestamptz '2000-01-01 00:00:00+00') as bucket, count(*)
from aws_cloudtrail_trail_event
group by 1
order by 1;

-- name: case_in_aggregate_and_order
select case when user_type = 'Root' then 'root' when user_type like 'Assumed%' then 'role' else lower(user_type) end as actor_kind,
  count(*), min(event_time) as first_seen
from aws_cloudtrail_trail_event
group by 1
order by count(*) desc, 1;

-- name: greatest_least_text_and_nulls
select name, greatest(name, path) as g, least(name, 'm') as l, greatest(password_last_used, create_date, null) as gt,
  coalesce(nullif(path, '/'), '(root)') as p
from aws_iam_user
order by name;

-- name: cte_used_twice_and_recursive_tree
with recursive nums(n) as (select 1 union all select n * 2 from nums where n < 64),
  users as (select name, mfa_enabled from aws_iam_user)
select n, (select count(*) from users where length(name) <= n) as short_names, (select count(*) from users where mfa_enabled) as mfa
from nums
order by n;

-- name: interval_aggregates
select account_id, max(now() - create_date) > interval '1 day' as any_old, min(now() - create_date) as newest_age_positive_check,
  avg(age(timestamptz '2025-06-15 00:00:00+00', create_date)) > interval '1 year' as avg_old,
  sum(interval '1 hour') as hours
from aws_iam_user
group by account_id
order by account_id;

-- name: interval_avg_text
select account_id, avg(age(timestamptz '2025-06-15 00:00:00+00', create_date))::text as avg_age,
  sum(age(timestamptz '2025-06-15 00:00:00+00', create_date))::text as total, avg(interval '1 month' * length(name))::text as avg_months
from aws_iam_user
group by account_id
order by account_id;

-- name: raw_policy_statement_object_or_array
select name, s ->> 'Effect' as effect
from aws_iam_policy,
  jsonb_array_elements(case when jsonb_typeof(policy -> 'Statement') = 'array' then policy -> 'Statement' else jsonb_build_array(policy -> 'Statement') end) s
order by name, effect;

-- name: principal_aws_scalar_or_list
select r.name, s -> 'Principal' -> 'AWS' ->> 0 as first_aws, jsonb_typeof(s -> 'Principal' -> 'AWS') as shape,
  '{"AWS": "arn:aws:iam::111122223333:root"}'::jsonb -> 'AWS' ->> 0 as scalar_first, '{"AWS": "x"}'::jsonb -> 'AWS' -> -1 as scalar_last,
  '{"AWS": "x"}'::jsonb -> 'AWS' -> 1 as scalar_second, 'null'::jsonb -> 0 as null_first, '{"a": 1}'::jsonb -> 0 as object_first
from aws_iam_role r,
  jsonb_array_elements(case when jsonb_typeof(r.assume_role_policy -> 'Statement') = 'array' then r.assume_role_policy -> 'Statement'
                            else jsonb_build_array(r.assume_role_policy -> 'Statement') end) s
where s -> 'Principal' ? 'AWS'
order by r.name, first_aws;

-- name: tags_src_elements_chain
select name, jsonb_array_elements(tags_src) ->> 'Key' as tag_key from aws_iam_user where tags_src is not null order by name, tag_key;

-- name: tags_src_contains_key
select name from aws_iam_user where tags_src @> '[{"Key": "team"}]' order by name;

-- name: jsonb_object_agg_tags
select u.name, jsonb_object_agg(t.key, t.value) as rebuilt, jsonb_object_agg(t.key, t.value) = u.tags as same
from aws_iam_user u, jsonb_each(u.tags) t
group by u.name, u.tags
order by u.name;

-- name: text_column_cast_to_jsonb
select name, (assume_role_policy_document::jsonb -> 'Statement' -> 0 ->> 'Effect') as effect,
  jsonb_typeof(assume_role_policy_document::jsonb) as t
from aws_iam_role
order by name;

-- name: exists_over_elements
select name from aws_iam_policy p
where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where a like 'iam:%')
order by name;

-- name: empty_aggregates
select count(*) as n, sum(max_session_duration) as s, max(name) as m, array_agg(name) as arr, string_agg(name, ',') as str,
  jsonb_agg(name) as j, bool_and(true) as b, avg(max_session_duration) as a, json_agg(name) as ja
from aws_iam_role where false;

-- name: empty_group_status
select case when count(*) = 0 then 'ok' else 'alarm' end as status, count(*) || ' roles' as reason
from aws_iam_role where name = 'nobody';

-- name: row_comparisons
select name, (account_id, name) > ('111122223333', 'bob') as after_bob, (account_id, name) in (select account_id, user_name from aws_iam_access_key) as has_key
from aws_iam_user
order by name;

-- name: distinct_from_and_between
select name, password_last_used is distinct from null as used, path is not distinct from '/' as root_path,
  create_date between timestamptz '2019-01-01 00:00:00+00' and timestamptz '2022-01-01 00:00:00+00' as between_plain,
  length(name) between symmetric 10 and 3 as between_sym
from aws_iam_user
order by name;

-- name: like_escape_underscore
select name, name like 'svc\_%' as svc_underscore, name like 'svc_%' as svc_any, name ilike '%DUPONT' as dupont, name ~~ 'a%' as tilde_like,
  name not ilike 'A%' as not_a, name like '%!_%' escape '!' as bang_escape
from aws_iam_user
order by name;

-- name: text_to_number_casts
select ' 42 '::int as spaced, '1e3'::numeric as sci, '-0.50'::numeric as neg, true::int as t, 1::boolean as one, '7'::bigint / 2 as half,
  '  t '::boolean as padded_bool;

-- name: special_time_values
select 'epoch'::timestamptz as epoch, 'infinity'::timestamptz > now() as inf, '-infinity'::timestamptz < now() as neg_inf,
  date 'epoch' as epoch_date;

-- name: regexp_split_functions
select name, regexp_split_to_array(arn, '[:/]') as parts, array_length(regexp_split_to_array(arn, ':'), 1) as n
from aws_iam_user
order by name;

-- name: regexp_split_to_table_rows
select name, regexp_split_to_table(path, '/') as seg from aws_iam_role order by name, seg;

-- name: regexp_pg15_functions
select name, regexp_count(arn, ':') as colons, regexp_like(name, '^[a-c]') as abc, regexp_substr(arn, '[0-9]+') as digits,
  regexp_instr(arn, 'user') as at, regexp_instr(name, 'zzz') as none, regexp_substr(name, 'zzz') as no_sub, regexp_instr(arn, 'e|:u') as alt
from aws_iam_user
order by name;

-- name: starts_with_operator
select name, starts_with(arn, 'arn:aws:iam::1111') as prod, arn ^@ 'arn:aws:iam::4444' as dev from aws_iam_user order by name;

-- name: chr_ascii_repeat
select name, ascii(name) as first_code, chr(65) as a, repeat('-', length(name)) as underline, length(repeat('é', 3)) as e3
from aws_iam_user
order by name;

-- name: date_trunc_vs_current_date
select event_id, date_trunc('day', event_time) = current_date as today, event_time::date = current_date - 1 as yesterday,
  event_time >= date_trunc('month', now()) as this_month, date_trunc('day', event_time)::date as day
from aws_cloudtrail_trail_event
order by event_id;

-- name: epoch_hours_since
select name, extract(epoch from (now() - create_date)) / 3600 > 24 as older_than_day, floor(extract(epoch from now() - create_date) / 86400) as days,
  date_part('year', age(now(), create_date)) as years
from aws_iam_user
order by name;

-- name: interval_times_fraction
select interval '1 day' * 1.5 as a, interval '1 month' * 0.5 as b, interval '1 hour' / 3 as c, 2 * interval '45 minutes' as d,
  (interval '1 month' * 0.5)::text as b_text, (interval '1 hour' / 7)::text as c_text;

-- name: now_at_time_zone
select (now() at time zone 'utc') = now()::timestamp as same_utc, current_timestamp - interval '1' day < now() as earlier,
  to_char(now(), 'YYYY') = extract(year from now())::text as year_text;

-- name: aggregate_distinct_filter
select account_id, array_agg(distinct status) filter (where access_key_last_used_date is not null) as used_statuses,
  count(distinct user_name) filter (where status = 'Active') as active_users, json_agg(distinct user_name) as users
from aws_iam_access_key
group by account_id
order by account_id;

-- name: count_over_with_limit
select name, count(*) over () as total from aws_iam_role order by name limit 2;

-- name: select_distinct_order_expression
select distinct lower(user_type) as t from aws_cloudtrail_trail_event order by t;

-- name: nullif_division_ratio
select account_id, round(count(*) filter (where mfa_enabled) * 1.0 / nullif(count(*), 0), 3) as ratio,
  count(*) filter (where mfa_enabled)::float / count(*) as float_ratio
from aws_iam_user
group by account_id
order by account_id;

-- name: jsonb_array_length_of_coalesce_and_case
select name, jsonb_array_length(coalesce(mfa_devices, '[]')) as devices,
  case jsonb_array_length(mfa_devices) when 0 then 'none' when 1 then 'one' else 'many' end as how_many
from aws_iam_user
order by name;

-- name: string_agg_distinct_ordered
select account_id, string_agg(distinct access_key_last_used_region, ', ' order by access_key_last_used_region) as regions
from aws_iam_access_key
group by account_id
order by account_id;

-- name: to_jsonb_of_row
select to_jsonb(r) ->> 'name' as name, row_to_json(r) ->> 'status' as status
from (select user_name as name, status from aws_iam_access_key) r
order by 1, 2;

-- name: jsonb_concat_with_literal
select name, tags || '{"reviewed": true}' as merged from aws_iam_user order by name;

-- name: jsonb_concat_shapes
select '{"a": 1, "b": 2}'::jsonb || '{"b": 3}'::jsonb as objects, '[1, 2]'::jsonb || '[3]'::jsonb as arrays,
  '[1]'::jsonb || '"x"'::jsonb as array_scalar, '"x"'::jsonb || '[1]'::jsonb as scalar_array, '{"a": 1}'::jsonb || '[1]'::jsonb as object_array,
  '1'::jsonb || '2'::jsonb as scalars, '{"a": 1}'::jsonb || '2'::jsonb as object_scalar, '[]'::jsonb || '{}'::jsonb as empty;

-- name: jsonb_delete_operators
select '{"a": 1, "b": 2}'::jsonb - 'a' as key, '["a", "b", "a", 1]'::jsonb - 'a' as array_string, '[1, 2, 3]'::jsonb - 1 as index,
  '[1, 2, 3]'::jsonb - -1 as last, '{"a": 1, "b": 2, "c": 3}'::jsonb - array['a', 'c'] as keys, '[1, 2]'::jsonb - 5 as beyond;

-- name: jsonb_delete_tag
select name, tags - 'team' as without_team from aws_iam_user order by name;

-- name: jsonb_strip_nulls_values
select jsonb_strip_nulls('{"a": null, "b": {"c": null, "d": 1}, "e": [null, {"f": null}]}'::jsonb) as stripped,
  jsonb_strip_nulls('null'::jsonb) as top_null, jsonb_strip_nulls('[null]'::jsonb) as array_null;

-- name: json_index_by_integer_column
select u.name, i, u.mfa_devices -> i ->> 'SerialNumber' as serial, u.attached_policy_arns ->> i as arn
from aws_iam_user u, generate_series(0, jsonb_array_length(u.attached_policy_arns) - 1) i
order by u.name, i;

-- name: array_constructor_subquery
select array(select name from aws_iam_user where mfa_enabled order by name) as mfa_users,
  array(select 1 where false) as empty, cardinality(array(select event_id from aws_cloudtrail_trail_event)) as events;

-- name: jsonb_text_like_search
select name from aws_iam_policy where policy::text like '%"*"%' order by name;

-- name: jsonb_text_position
select name, position('kms' in policy_std::text) > 0 as mentions_kms, length(policy_std::text) > 10 as long_doc from aws_iam_policy order by name;

-- name: having_and_any_of_agg
select user_name, count(*) from aws_iam_access_key group by user_name having count(*) > 1 or 'Inactive' = any(array_agg(status)) order by user_name;

-- name: timestamp_from_json_text
select event_id, (user_identity -> 'sessionContext' -> 'attributes' ->> 'creationDate')::timestamptz as session_start,
  extract(epoch from event_time - (user_identity -> 'sessionContext' -> 'attributes' ->> 'creationDate')::timestamptz) / 60 as minutes_in
from aws_cloudtrail_trail_event
where user_identity -> 'sessionContext' -> 'attributes' ? 'creationDate'
order by event_id;

-- name: filter_with_json_bool
select count(*) filter (where (user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated')::bool) as with_mfa,
  bool_or(read_only) as any_read, bool_and(error_code is null) as all_ok
from aws_cloudtrail_trail_event;

-- name: in_elements_subquery
select name from aws_iam_role where arn in (select jsonb_array_elements_text(akas) from aws_iam_role) order by name;

-- name: deny_statements_bool_or
select p.name, bool_or(s ->> 'Effect' = 'Deny') as has_deny, count(*) filter (where s ->> 'Effect' = 'Allow') as allows
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
group by p.name
order by p.name;

-- name: string_agg_filter
select account_id, string_agg(name, ', ' order by name) filter (where not mfa_enabled) as without_mfa from aws_iam_user group by account_id order by account_id;

-- name: date_minus_date_compare
select name, now()::date - create_date::date > 1000 as old_days, current_date - password_last_used::date as days_since_login
from aws_iam_user
order by name;

-- name: lateral_jsonb_each_where_value
select u.name, t.key from aws_iam_user u cross join lateral jsonb_each_text(u.tags) t where t.value in ('platform', 'finance') order by 1, 2;

-- name: json_build_object_with_aggregates
select jsonb_build_object('users', count(*), 'mfa', count(*) filter (where mfa_enabled), 'newest', max(create_date), 'names', jsonb_agg(name order by name)) as summary
from aws_iam_user;

-- name: coalesce_nullif_empty_strings
select name, coalesce(nullif(description, ''), 'n/a') as description, length(coalesce(description, '')) as len from aws_iam_role order by name;

-- name: nested_case_with_json
select event_id, case jsonb_typeof(resources) when 'array' then jsonb_array_length(resources)::text when 'null' then 'json null' else coalesce(jsonb_typeof(resources), 'missing') end as resources
from aws_cloudtrail_trail_event
order by event_id;

-- name: series_integers_divide_as_integers
select i, i * i as square, i / 2 as half, i % 3 as m, i::float / 4 as quarter, g.j / 2 as half_j
from generate_series(1, 6) as i, generate_series(10, 11) as g(j)
order by i, g.j;

-- name: series_unnest_integers
select n, n / 2 as half, n * 10 as tens from unnest(array[5, 7, 9]) as t(n) order by n;

-- name: arrays_helpers_on_literals
select array_append(array['a'], 'b') as a, array_prepend('z', array['a']) as b, array_cat(array[1, 2], array[3]) as c,
  array_remove(array['a', 'b', 'a'], 'a') as d, array_replace(array[1, 2, 1], 1, 9) as e,
  array_position(array['x', 'y'], 'y') as f, array_positions(array['a', 'b', 'a'], 'a') as g,
  array_positions(array['a', 'b', 'a'], 'a')::text as g_text;

-- name: ctes_recursive_week_days
with recursive days(d) as (
  select date '2024-01-01' union all select (d + 1)::date from days where d < date '2024-01-07'
)
select d, to_char(d, 'Dy') as dow, extract(isodow from d) as iso from days order by d;
-- name: float_text_like_postgres
select x, x::float8::text as t, x::float8 || '' as c, concat(x::float8, '') as cc, (x::float8 * 2)::text as twice
from (values ('1024'), ('0.30000000000000004'), ('1.5e15'), ('1e15'), ('123456789012345.6'), ('1e16'), ('1.5e-7'),
  ('0.0001'), ('-2.5e15'), ('NaN'), ('Infinity'), ('-Infinity'), ('-0'), ('9999999999999998')) v(x)
order by x;

-- name: numeric_text_keeps_scale
select round(5, 2)::text as a, round(1234.5, -2)::text as b, trunc(2.789, 1)::text as c, ceil(2.1)::text as d,
  floor(-2.5)::text as e, (1.50 * 2)::text as f, (1.5 + 2)::text as g, (1.5 * 1.25)::text as h,
  (2.5::numeric(10, 3))::text as i, abs(-1.50)::text as j, round(2.675, 2) || '' as k, round(-0.5) || '' as l;

-- name: extract_fractions_and_scales
select extract(epoch from timestamptz '2020-01-01 10:00:01.5+00')::text as a,
  extract(second from timestamptz '2020-01-01 10:00:01.5+00')::text as b,
  extract(milliseconds from timestamptz '2020-01-01 10:00:01.5+00')::text as c,
  extract(microseconds from timestamptz '2020-01-01 10:00:01.5+00')::text as d,
  extract(day from interval '3 days 4 hours')::text as e, extract(epoch from interval '3 days 4.5 seconds')::text as f,
  extract(second from interval '3 days 4.5 seconds') as g, date_part('second', timestamptz '2020-01-01 10:00:01.25+00') as h,
  extract(epoch from date '2020-01-01')::text as i;

-- name: text_to_integer_casts
select '  42 '::int as a, '0012'::int as b, '+7'::bigint as c, '-3'::smallint as d, '3.7'::numeric::int as e,
  '-2.5'::numeric::int as f, '1e3'::float::int as g, 2.5::float8::int as h, 3.5::float8::int as i;

-- name: regexp_optional_groups_are_null
select regexp_match('abc', '(a)(x)?') as a, regexp_match('axb', 'a(x*)?b') as b,
  regexp_match('arn:aws:iam::123456789012:role/Name', ':(role|user)/(.*/)?([^/]+)$') as c,
  regexp_match('x[1]', '[[(]([0-9]+)[])]') as d, regexp_match('ab', '(a)|(b)') as e, substring('abc' from 'a(x)?') as f,
  regexp_match('role//Name', 'role/(?:(.*)/)?([^/]+)$') as g, regexp_match('ROLE/x', 'role/(?:(.*)/)?x', 'i') as h,
  substring('a/b' from '^(?:(.*)/)?b') as i, substring('b' from '^(?:(.*)/)?b') as j;

-- name: jsonb_values_sort_like_postgres
select v
from (values ('[]'::jsonb), ('null'), ('"b"'), ('"a"'), ('"ab"'), ('1'), ('-2.5'), ('10'), ('true'), ('false'), ('[1]'),
  ('[1,2]'), ('[0,5]'), ('{}'), ('{"a":1}'), ('{"b":0}'), ('{"aa":1}'), ('{"a":1,"b":2}'), ('[null]'), ('["x"]'),
  ('[{"a":1}]'), ('[[]]'), ('0.5'), ('-10'), ('"é"'), ('"B"')) t(v)
order by v::jsonb, v::text;

-- name: width_bucket_edges
select x, width_bucket(x, 0, 10, 3) as up, width_bucket(x, 10, 0, 3) as down, width_bucket(x::numeric, 0, 10, 5) as n
from generate_series(-1, 11) x
order by x;

-- name: quantified_comparisons_with_null_arrays
select 'a' = any(null::text[]) as a, 'a' = any(string_to_array(null, ',')) as b, 'a' <> all(array['b', null]) as c,
  'a' = any(array['b', null]) as d, 'a' = any(array[]::text[]) as e, 'a' <> all(array[]::text[]) as f,
  null = any(array['a']) as g, 'a' <> all(string_to_array(null, ',')) as h, 'a' = any(select 'a') as i;

-- name: division_of_numbers_by_nullif
select 1.0 / nullif(0, 0) as a, 7.0 / 2 as b, 7 / 2 as c, -7 / 2 as d, 1 / 3::float as e, 10 / 4.0 * 2 as f;

-- name: extract_path_funcs
select name, jsonb_extract_path(policy_std, 'Statement', '0', 'Effect') as eff, jsonb_extract_path_text(policy_std, 'Statement', '0', 'Action', '0') as act,
  jsonb_extract_path_text(policy, 'Version') as ver
from aws_iam_policy order by name;

-- name: json_cast_arrow
select event_id, user_identity::json ->> 'type' as t, json_extract_path_text(user_identity::json, 'sessionContext', 'attributes', 'mfaAuthenticated') as mfa
from aws_cloudtrail_trail_event order by event_id;

-- name: json_array_elements_text
select name, a from aws_iam_user, json_array_elements_text(attached_policy_arns::json) a order by name, a;

-- name: json_each_text
select name, k, v from aws_iam_user, json_each_text(tags::json) as t(k, v) order by name, k;

-- name: json_object_keys_select
select name, json_object_keys(tags::json) as k from aws_iam_user order by name, k;

-- name: to_jsonb_timestamp
select name, to_jsonb(create_date) as j, to_jsonb(create_date)::text as t, jsonb_build_object('created', create_date)::text as o
from aws_iam_user order by name;

-- name: jsonb_agg_timestamps_text
select account_id, jsonb_agg(create_date order by create_date)::text as dates from aws_iam_user group by account_id order by account_id;

-- name: jsonb_build_array_mixed
select name, jsonb_build_array(name, mfa_enabled, null, 1, 2.5)::text as arr from aws_iam_user order by name;

-- name: jsonb_object_agg_text
select account_id, jsonb_object_agg(name, mfa_enabled)::text as m from aws_iam_user group by account_id order by account_id;

-- name: arrow_on_string_index
select name, s -> 'Resource' ->> 0 as r0, s -> 'Resource' -> -1 as rlast, jsonb_typeof(s -> 'Resource') as rt
from aws_iam_policy, jsonb_array_elements(policy -> 'Statement') s where jsonb_typeof(policy -> 'Statement') = 'array' order by name, r0;

-- name: contains_and_not_exists
select p.name, count(*) as n from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
where s @> '{"Effect":"Allow"}' and not s ? 'Condition' group by p.name order by p.name;

-- name: tags_missing_key_not
select name, not (tags ? 'owner') as no_owner, tags ?| array['owner', 'team'] as any_k from aws_iam_role order by name;

-- name: jsonb_minus_array
select name, (tags - array['team', 'owner'])::text as rest, (tags - 'team')::text as r2 from aws_iam_user order by name;

-- name: principal_aws_text_like
select name, s -> 'Principal' ->> 'AWS' as aws_text, (s -> 'Principal' ->> 'AWS') like '%999988887777%' as ext
from aws_iam_role, jsonb_array_elements(assume_role_policy -> 'Statement') s where jsonb_typeof(assume_role_policy -> 'Statement') = 'array'
order by name;

-- name: value_column_of_elements
select e.value ->> 'Key' as k, e.value ->> 'Value' as v from aws_iam_user u, jsonb_array_elements(u.tags_src) e order by k, v;

-- name: each_text_dot_columns
select u.name, t.key, t.value from aws_iam_user u, jsonb_each_text(u.tags) t where t.value <> '' order by u.name, t.key;

-- name: regexp_replace_backref
select name, regexp_replace(arn, '^arn:aws:iam::(\d+):(\w+)/.*$', '\2@\1') as r, regexp_replace(arn, '[0-9]', '#', 'g') as masked
from aws_iam_user order by name;

-- name: regexp_replace_whole_match
select name, regexp_replace(name, '[aeiou]', '<\&>', 'g') as marked from aws_iam_user order by name;

-- name: substring_positions
select name, substring(name, 0, 3) as a, substring(name from 0 for 3) as b, substr(name, 0) as c, substring(name for 2) as d,
  substring(name from 3) as e, substr(name, -1, 3) as f
from aws_iam_user order by name;

-- name: overlay
select name, overlay(name placing 'XX' from 2 for 1) as o, overlay(name placing '' from 1 for 2) as o2 from aws_iam_user order by name;

-- name: reverse_split
select name, reverse(split_part(reverse(arn), '/', 1)) as tail, split_part(path, '/', 2) as first_seg from aws_iam_user order by name;

-- name: lpad_rpad_edges
select name, lpad(name, 0) as z, rpad(name, 3, 'xy') as t, lpad('', 3, 'ab') as e, rpad(name, 12, '.-') as dots
from aws_iam_user order by name;

-- name: initcap_punct
select initcap('hello-world o''neil_x 3rd aBC') as a, initcap(description) as d from aws_iam_role order by d;

-- name: translate_quote
select name, translate(name, 'ae-', 'AE') as t, quote_literal(name) as ql, quote_nullable(description) as qn
from aws_iam_role order by name;

-- name: to_hex_lengths
select to_hex(255) as a, to_hex(-1) as b, to_hex(max_session_duration) as c, bit_length(name) as bl, octet_length(name) as ol, char_length(name) as cl
from aws_iam_role order by name;

-- name: btrim_chars
select name, btrim(path, '/') as p, rtrim(arn, 'abcdefghijklmnopqrstuvwxyz') as r, ltrim(name, 'a') as l, trim(both '/' from path) as t, trim(leading '/' from path) as lt
from aws_iam_role order by name;

-- name: regex_dot_newline
select E'a\nc' ~ 'a.c' as dot_nl, E'a\nc' ~ '^c' as caret, E'ab\ncd' ~ 'b$' as dollar, E'x\ny' like 'x_y' as like_nl, E'x\ny' similar to 'x.y' as sim;

-- name: regex_classes
select name, name ~ '^[[:alpha:]-]+$' as alpha, name ~ '[[:digit:]]' as has_digit, name ~ '\d' as d, name ~ '\s' as s, name ~* '[[:upper:]]' as up
from aws_iam_user order by name;

-- name: regexp_replace_groups_alt
select name, regexp_replace(name, '(a)|(e)', '[\1\2]', 'g') as r from aws_iam_user order by name;

-- name: format_widths
select format('%5s|%-5s|', 'ab', 'cd') as a, format('[%s]', null) as b, format('%s', array['a', 'b']) as c, format('%s', 1.50) as d,
  format('%10s|', name) as e from aws_iam_user order by name;

-- name: concat_nulls
select concat(null) as a, concat('a', null, 'b') as b, 'x' || null::text as c, concat_ws(',', null, 'a', null) as d, concat_ws(null, 'a', 'b') as e;

-- name: text_compare_c
select name from aws_iam_role where name < 'a' order by name;

-- name: ascii_empty
select ascii('') as a, chr(65) as b, ascii('é') as c, chr(233) as d, repeat('ab', 0) as e, repeat('ab', -1) as f;

-- name: power_ops
select 2 ^ 10 as a, 2 ^ 0.5 as b, |/ 16 as c, ||/ 27 as d, (2 ^ 10)::text as at, power(2, 3)::text as pt, 10 ^ 20 as big;

-- name: sign_abs_ceil
select sign(-3) as a, sign(2.5) as b, abs(-2.5) as c, ceil(2.1) as d, ceiling(-2.1) as e, floor(2.9::float8) as f, trunc(2.99, 1) as g;

-- name: numeric_text_ops
select (0.1 + 0.2)::text as a, (0.1 + 0.2 = 0.3) as b, (0.1::float8 + 0.2::float8 = 0.3::float8) as c, (1.50 * 2)::text as d, (2.5 - 0.50)::text as e;

-- name: greatest_mixed_numeric
select greatest(1, 2.5) as a, greatest(2.50, 1.25)::text as b, least(1, 2)::text as c, greatest(max_session_duration, 7200) as d
from aws_iam_role order by name;

-- name: sum_bigint_text
select account_id, sum(max_session_duration)::text as s, count(*) * 2147483647 as big, sum(max_session_duration) / count(*) as q
from aws_iam_role group by account_id order by account_id;

-- name: series_int_steps
select (select count(*) from generate_series(0, 10, 3)) as a, (select string_agg(i::text, ',') from generate_series(10, 0, -3) i) as b,
  (select count(*) from generate_series(1, 0)) as c;

-- name: date_trunc_units_more
select name, date_trunc('week', create_date) as w, date_trunc('quarter', create_date) as q, date_trunc('decade', create_date) as d,
  date_trunc('century', create_date) as c, date_trunc('millennium', create_date) as m
from aws_iam_user order by name;

-- name: extract_more
select name, extract(isoyear from create_date) as iy, extract(decade from create_date) as dec, extract(century from create_date) as cent,
  extract(millennium from create_date) as mil, extract(julian from create_date) as jul, extract(timezone from create_date) as tz,
  extract(epoch from create_date::date) as ed
from aws_iam_user order by name;

-- name: date_plus_int
select name, create_date::date + 30 as plus, create_date::date - 30 as minus, current_date - create_date::date as days_since,
  (create_date::date + 1)::text as t
from aws_iam_user order by name;

-- name: month_end_arith
select (timestamptz '2020-01-31 00:00:00+00' + interval '1 month')::text as a, (date '2024-02-29' + interval '1 year')::text as b,
  (date '2024-03-31' - interval '1 month')::text as c, (timestamptz '2024-01-31 12:00:00+00' + interval '1 month 1 day')::text as d;

-- name: interval_text_mixed
select (interval '1 month' - interval '1 day')::text as a, (interval '36 hours')::text as b, (interval '-1 day 2 hours')::text as c,
  (interval '1 year 13 months')::text as d, (interval '0.5 days')::text as e, (interval '1.5 months')::text as f, (interval '100 minutes')::text as g;

-- name: interval_compare_months
select interval '90 days' > interval '3 months' as a, interval '30 days' = interval '1 month' as b, interval '24 hours' = interval '1 day' as c,
  interval '1 year' = interval '360 days' as d, interval '1 year' > interval '364 days' as e;

-- name: age_month_ends
select age(timestamptz '2025-03-31 00:00:00+00', timestamptz '2025-02-28 00:00:00+00')::text as a,
  age(timestamptz '2024-02-29 00:00:00+00', timestamptz '2023-02-28 00:00:00+00')::text as b,
  age(timestamptz '2025-01-01 00:00:00+00', timestamptz '2025-06-15 12:00:00+00')::text as c,
  age(timestamptz '2025-03-01 00:00:00+00', timestamptz '2025-01-31 00:00:00+00')::text as d,
  age(date '2025-06-15', date '2020-02-29')::text as e;

-- name: age_users_text
select name, age(timestamptz '2025-06-15 06:00:00+00', create_date)::text as a, date_part('year', age(timestamptz '2025-06-15 06:00:00+00', create_date)) as y
from aws_iam_user order by name;

-- name: epoch_of_intervals
select extract(epoch from interval '1 month') as a, extract(epoch from interval '1 year') as b, date_part('epoch', interval '1 day 1 hour') as c,
  extract(day from interval '45 days') as d, extract(month from interval '45 days') as e, extract(hour from interval '50 hours') as f,
  extract(epoch from interval '1 year 2 months')::bigint as g;

-- name: extract_days_plural
select name, extract(days from timestamptz '2025-06-15 00:00:00+00' - create_date) as d, date_part('days', timestamptz '2025-06-15 00:00:00+00' - create_date) as d2,
  date_part('hours', timestamptz '2025-06-15 00:00:00+00' - create_date) as h
from aws_iam_user order by name;

-- name: to_char_more_patterns
select name, to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as iso, to_char(create_date, 'Q') as q, to_char(create_date, 'D') as d,
  to_char(create_date, 'WW') as ww, to_char(create_date, 'IW') as iw, to_char(create_date, 'J') as j
from aws_iam_user order by name;

-- name: timestamp_texts
select name, create_date::text as a, create_date::timestamp::text as b, create_date::time::text as c, create_date::date::text as d,
  (create_date at time zone 'America/New_York')::text as e
from aws_iam_user order by name;

-- name: timestamptz_literal_offset
select (timestamptz '2025-01-01 10:00:00+02')::text as a, timestamptz '2025-01-01 10:00:00-05:30' as b, ('2025-01-01'::date)::timestamptz::text as c,
  (date '2025-01-01' + time '10:30')::text as d, (timestamp '2025-01-01 10:00' at time zone 'UTC')::text as e;

-- name: between_now
select name from aws_iam_user where create_date between now() - interval '5 years' and now() order by name;

-- name: month_start_minus_day
select (date_trunc('month', timestamptz '2025-03-15 10:00:00+00') - interval '1 day')::text as a,
  date_trunc('month', now()) <= now() as b, date_trunc('day', now())::text = current_date::text || ' 00:00:00+00' as c;

-- name: make_date_funcs
select make_date(2025, 1, 31) as a, make_timestamp(2025, 1, 31, 10, 5, 30.5) as b, make_timestamptz(2025, 1, 31, 10, 5, 30)::text as c,
  make_date(2025, 2, 28)::text as d, make_time(10, 5, 30)::text as e;

-- name: to_timestamp_epoch
select to_timestamp(1700000000) as a, to_timestamp(1700000000)::text as b, to_timestamp(0)::date as c, to_timestamp(1700000000.5)::text as d;

-- name: infinity_ts
select 'infinity'::timestamptz > now() as a, '-infinity'::timestamptz < now() as b, isfinite(now()) as c, isfinite('infinity'::timestamptz) as d;

-- name: date_part_at_tz
select name, date_part('hour', create_date at time zone 'America/New_York') as ny_hour, extract(hour from create_date at time zone 'Asia/Kolkata') as in_hour
from aws_iam_user order by name;

-- name: percentile_cont
select percentile_cont(0.5) within group (order by max_session_duration) as med, percentile_disc(0.5) within group (order by name) as mid_name,
  percentile_cont(array[0.25, 0.75]) within group (order by max_session_duration) as qs
from aws_iam_role;

-- name: mode_within_group
select mode() within group (order by user_type) as m, mode() within group (order by aws_region) as r from aws_cloudtrail_trail_event;

-- name: array_agg_distinct_desc
select account_id, array_agg(distinct event_source order by event_source desc) as srcs, string_agg(distinct event_name, ',' order by event_name desc) as names
from aws_cloudtrail_trail_event group by account_id order by account_id;

-- name: bool_or_filter
select account_id, bool_or(mfa_enabled) filter (where path = '/') as root_mfa, bool_and(mfa_enabled) as all_mfa, count(*) filter (where not mfa_enabled) as no_mfa
from aws_iam_user group by account_id order by account_id;

-- name: window_rows_frame
select event_id, aws_region, count(*) over (partition by aws_region order by event_time rows between 1 preceding and current row) as c2,
  sum(case when read_only then 1 else 0 end) over (partition by aws_region order by event_time) as ro_running
from aws_cloudtrail_trail_event order by event_id;

-- name: window_last_value_default
select event_id, last_value(event_name) over (partition by account_id order by event_time) as lv,
  last_value(event_name) over (partition by account_id order by event_time rows between unbounded preceding and unbounded following) as lv_all,
  nth_value(event_name, 2) over (partition by account_id order by event_time) as second
from aws_cloudtrail_trail_event order by event_id;

-- name: named_window
select event_id, lag(event_name) over w as prev, lead(event_name, 2, '-') over w as next2, row_number() over w as rn
from aws_cloudtrail_trail_event window w as (partition by account_id order by event_time) order by event_id;

-- name: cume_dist_percent_rank
select name, cume_dist() over (order by max_session_duration) as cd, percent_rank() over (order by max_session_duration) as pr,
  dense_rank() over (order by max_session_duration desc) as dr
from aws_iam_role order by name;

-- name: rank_over_group
select event_source, count(*) as n, rank() over (order by count(*) desc, event_source) as r from aws_cloudtrail_trail_event group by event_source order by r;

-- name: avg_over_empty
select name, max_session_duration, avg(max_session_duration) over () as a, max_session_duration - avg(max_session_duration) over () as diff
from aws_iam_role order by name;

-- name: array_agg_running
select event_id, array_agg(event_name) over (partition by account_id order by event_time) as so_far,
  string_agg(event_name, '>') over (partition by account_id order by event_time) as chain
from aws_cloudtrail_trail_event order by event_id;

-- name: first_value_desc_nulls
select name, first_value(name) over (order by password_last_used desc nulls last) as latest, first_value(password_last_used) over (order by password_last_used desc) as f
from aws_iam_user order by name;

-- name: max_filter_ts
select account_id, max(event_time) filter (where error_code is not null) as last_err, min(event_time) filter (where read_only) as first_ro
from aws_cloudtrail_trail_event group by account_id order by account_id;

-- name: count_jsonb_null
select count(login_profile) as lp, count(inline_policies) as ip, count(*) filter (where login_profile = 'null'::jsonb) as json_null,
  count(description) as d from aws_iam_user, (select null::text as description) x;

-- name: max_text_c
select max(name) as mx, min(name) as mn, max(path) as mp from aws_iam_role;

-- name: bit_or_and
select bit_or(max_session_duration) as o, bit_and(max_session_duration) as a, bit_xor(max_session_duration) as x from aws_iam_role;

-- name: group_by_expr_order
select split_part(event_source, '.', 1) as svc, count(*) as n from aws_cloudtrail_trail_event group by split_part(event_source, '.', 1) order by n desc, svc;

-- name: having_bool_or
select user_name from aws_iam_access_key group by user_name having bool_or(status = 'Inactive') or count(*) > 1 order by user_name;

-- name: grouping_function
select account_id, read_only, grouping(account_id, read_only) as g, count(*) from aws_cloudtrail_trail_event group by rollup (account_id, read_only)
order by account_id nulls first, read_only nulls first;

-- name: union_mixed_types
select max_session_duration as v from aws_iam_role union select 1 union select 3600 order by v desc limit 3;

-- name: except_all_intersect_all
select * from ((select account_id from aws_iam_user) except all (select account_id from aws_iam_role)) x order by 1;

-- name: intersect_all
select account_id from aws_iam_user intersect all select account_id from aws_iam_access_key order by account_id;

-- name: not_in_nulls
select name from aws_iam_user where 'x' not in (select description from aws_iam_role) order by name;

-- name: all_subquery_nulls
select name from aws_iam_role where max_session_duration >= all (select max_session_duration from aws_iam_role) order by name;

-- name: gt_all_with_null
select name, create_date > all (select role_last_used_date from aws_iam_role) as after_all, create_date < any (select role_last_used_date from aws_iam_role) as before_any
from aws_iam_user order by name;

-- name: correlated_scalar
select u.name, (select k.access_key_id from aws_iam_access_key k where k.user_name = u.name order by k.create_date desc limit 1) as newest_key,
  (select count(*) from aws_iam_access_key k where k.user_name = u.name) as keys
from aws_iam_user u order by u.name;

-- name: lateral_limit
select u.name, k.access_key_id, k.status from aws_iam_user u
  left join lateral (select * from aws_iam_access_key k where k.user_name = u.name and k.status = 'Active' order by create_date limit 1) k on true
order by u.name;

-- name: values_aliases
select v.n, v.s, u.name from (values (1, 'alice'), (2, 'bob'), (3, null)) as v(n, s) left join aws_iam_user u on u.name = v.s order by v.n;

-- name: full_join
select coalesce(u.name, k.user_name) as who, u.name is null as no_user, k.access_key_id
from aws_iam_user u full outer join aws_iam_access_key k on k.user_name = u.name order by who, k.access_key_id nulls first;

-- name: row_in_subquery
select name from aws_iam_user where (account_id, name) in (select account_id, user_name from aws_iam_access_key where status = 'Active') order by name;

-- name: is_true_unknown
select name, mfa_enabled is true as t, (password_last_used > now()) is unknown as u, (password_last_used > create_date) is not false as nf
from aws_iam_user order by name;

-- name: case_simple_null
select name, case role_last_used_region when null then 'null!' when 'us-east-1' then 'use1' else coalesce(role_last_used_region, '?') end as r
from aws_iam_role order by name;

-- name: coalesce_int_text
select name, coalesce(max_session_duration::text, 'n/a') as s, nullif(max_session_duration, 3600) as n, coalesce(nullif(description, ''), name) as d
from aws_iam_role order by name;

-- name: bool_casts_int
select name, mfa_enabled::int as i, mfa_enabled::text as t, mfa_enabled || '' as c, mfa_enabled = 't' as eq_t, mfa_enabled = 'yes' as eq_yes, 1::boolean as one
from aws_iam_user order by name;

-- name: count_text_concat
select count(*)::text || ' users' as a, count(*) || '' as b, max_session_duration / 3600 || 'h' as c from aws_iam_role group by max_session_duration order by c;

-- name: float_div
select name, max_session_duration::float / 3600 as h, (max_session_duration / 60.0)::numeric(10, 2) as m, round(max_session_duration / 7.0, 3) as r,
  (max_session_duration::float8 / 7)::text as ft
from aws_iam_role order by name;

-- name: array_empty_ops
select array_length(array[]::text[], 1) as a, cardinality(array[]::text[]) as b, array_upper(array[]::int[], 1) as c, array_lower(array[5, 6], 1) as d;

-- name: array_agg_filter_empty
select account_id, array_agg(name) filter (where false) as none, coalesce(array_length(array_agg(name) filter (where mfa_enabled), 1), 0) as n_mfa
from aws_iam_user group by account_id order by account_id;

-- name: array_ops
select array_remove(array['a', 'b', 'a'], 'a') as a, array_replace(array[1, 2, 1], 1, 9) as b, array_prepend(0, array[1, 2]) as c,
  array[1, 2] && array[2, 3] as d, array[1] <@ array[1, 2] as e, array[1, 2] @> array[3] as f, array_cat(array['x'], null) as g;

-- name: unnest_ordinality
select u.n, u.v from unnest(array['c', 'a', 'b']) with ordinality as u(v, n) order by u.v;

-- name: array_text_eq
select '{}'::text[] = array[]::text[] as a, array['a', 'b']::text as b, array[1, 2] = array[1, 2] as c, array[1, 2] < array[1, 3] as d, array[null]::text[] as e;

-- name: string_to_array_index
select name, (string_to_array(arn, ':'))[5] as acct, (string_to_array(arn, ':'))::text as parts, array_length(string_to_array(path, '/'), 1) as n
from aws_iam_user order by name;

-- name: any_of_array_agg
select u.name from aws_iam_user u where u.name = any (select unnest(array_agg(k.user_name)) from aws_iam_access_key k) order by u.name;

-- name: column_names_casts
select name::text, (tags ->> 'team')::int4 is null, create_date::date, max_session_duration::float8, '1'::int, true, null, interval '1 day',
  date '2025-01-01', 'x'::varchar(3), 1.5::real, 2::smallint, trim(' a '), trim(leading ' ' from ' a'), overlay('abc' placing 'x' from 1)
from aws_iam_role order by 1;

-- name: column_names_exprs
select current_date = current_date, current_timestamp is not null, localtimestamp is not null, position('a' in 'cat'), substring('abc' from 2),
  x between 1 and 2, x in (1, 2), -x, exists (select 1), array(select 1), coalesce(null, 1), nullif(1, 2), greatest(1, 2), least(1, 2)
from (values (1)) as t(x);

-- name: column_names_more
select (select name from aws_iam_user order by name limit 1), row(1, 2) is not null, extract(year from date '2025-01-01'),
  cast('5' as integer), 'a'::text::varchar, (tags -> 'team'), (tags ->> 'team'), tags -> 'team' ->> 'x', akas -> 0
from aws_iam_user order by 1 limit 1;

-- name: limit_all_offset
select name from aws_iam_user order by name limit all offset 4;

-- name: limit_subquery
select name from aws_iam_user order by name limit (select count(*) from aws_iam_group);

-- name: offset_only
select name from aws_iam_user order by name offset 2;

-- name: case_numeric_text
select name, (case when mfa_enabled then 1.5 else 2.5 end)::text as t, coalesce(null, 1.50)::text as c from aws_iam_user order by name;

-- name: substring_two_arg_pattern
select name, substring(arn, 'arn:aws:iam::(\d+):') as acct, substring(arn, '[^/]+$') as tail from aws_iam_user order by name;

-- name: array_to_json
select account_id, array_to_json(array_agg(name order by name))::text as j from aws_iam_user group by account_id order by account_id;

-- name: float_to_int_half_even
select (2.5::float8)::int as a, (3.5::float8)::int as b, (-2.5::float8)::int as c, (date_part('epoch', interval '2.5 seconds'))::int as d,
  (0.5::float8)::bigint as e, cast(1.5::real as int) as f;

-- name: date_part_days_int
select name, date_part('day', timestamptz '2025-06-15 12:00:00+00' - create_date)::int as days,
  (date_part('epoch', timestamptz '2025-06-15 12:00:00+00' - create_date) / 86400)::int as days2
from aws_iam_user order by name;

-- name: interval_literals
select '1 day 2 hours'::interval as b, ('3 months'::interval)::text as c, ('-1 week'::interval)::text as d,
  ('1:30'::interval)::text as e, ('2 weeks'::interval)::text as f, ('1 mon'::interval)::text as g;

-- name: ts_string_compare
select name from aws_iam_user where create_date > '2020-01-01' and create_date::date <> '2021-03-04' order by name;

-- name: date_function
select event_id, date(event_time) as d, date(event_time)::text as t from aws_cloudtrail_trail_event order by event_id;

-- name: to_timestamp_ms
select event_id, to_timestamp(extract(epoch from event_time)::bigint) = event_time as same from aws_cloudtrail_trail_event order by event_id;

-- name: generate_series_select
select generate_series(1, 3) as n, 'x' as c;

-- name: recursive_path_array
with recursive chain(name, path, depth) as (
  select name, array[name], 1 from aws_iam_user where name = 'alice'
  union all
  select u.name, array_append(c.path, u.name), c.depth + 1 from chain c join aws_iam_user u on u.account_id = '111122223333' and not u.name = any(c.path)
  where c.depth < 3
)
select depth, count(*) as n, max(array_to_string(path, '>')) as longest from chain group by depth order by depth;

-- name: cte_self_join
with k as (select user_name, create_date from aws_iam_access_key)
select a.user_name, count(b.user_name) as older from k a left join k b on a.user_name = b.user_name and b.create_date < a.create_date
group by a.user_name order by a.user_name;

-- name: jsonb_in_list
select name from aws_iam_user where tags -> 'team' in ('"platform"', '"finance"') order by name;

-- name: srf_arrow_in_select
select name, jsonb_array_elements(tags_src) ->> 'Key' as k from aws_iam_user order by name, k;

-- name: distinct_elements_text
select distinct jsonb_array_elements_text(s -> 'Action') as action from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s order by action;

-- name: bool_agg_string
select account_id, string_agg(mfa_enabled::text, ',' order by name) as flags, string_agg(name || ':' || mfa_enabled, ' ' order by name) as pairs
from aws_iam_user group by account_id order by account_id;

-- name: md5_sha
select name, md5(name) as m, encode(sha256(name::bytea), 'hex') as s from aws_iam_user order by name;

-- name: at_time_zone_lower
select name, (create_date at time zone 'utc')::text as u, timezone('UTC', create_date)::text as t from aws_iam_user order by name;

-- name: string_agg_newline
select account_id, string_agg(name, E'\n' order by name) as names from aws_iam_user group by account_id order by account_id;

-- name: not_eq_any
select name from aws_iam_user where not name = any(array['alice', 'bob']) and lower(name) <> all(array['svc-backup']) order by name;

-- name: in_is_not_true
select name, (password_last_used > timestamptz '2024-01-01 00:00:00+00') is not true as stale from aws_iam_user order by name;

-- name: coalesce_bool
select name, coalesce(role_last_used_date > timestamptz '2025-01-01 00:00:00+00', false) as recent from aws_iam_role order by name;

-- name: sum_case_ratio
select account_id, round(sum(case when mfa_enabled then 1 else 0 end)::numeric / count(*) * 100, 1) as pct,
  sum(case when mfa_enabled then 1 else 0 end)::float / count(*) as ratio
from aws_iam_user group by account_id order by account_id;

-- name: avg_numeric_cast
select account_id, avg(max_session_duration)::numeric(10, 2) as a, avg(max_session_duration)::int as ai from aws_iam_role group by account_id order by account_id;

-- name: interval_times_count
select account_id, interval '1 day' * count(*) as d, (interval '1 hour' * count(*))::text as t from aws_iam_user group by account_id order by account_id;

-- name: left_join_json_cond
select r.name, p.name as policy from aws_iam_role r left join aws_iam_policy p on r.attached_policy_arns ? p.arn and p.policy_std -> 'Statement' @> '[{"Effect":"Allow"}]'
order by r.name, policy;

-- name: limit_zero
select name from aws_iam_user limit 0;

-- name: having_filter
select account_id from aws_iam_user group by account_id having count(*) filter (where mfa_enabled) > 0 order by account_id;

-- name: array_agg_distinct_filter
select account_id, array_agg(distinct user_type) filter (where user_type is not null) as types from aws_cloudtrail_trail_event group by account_id order by account_id;

-- name: unnest_string_to_array_select
select name, unnest(string_to_array(trim(both '/' from path), '/')) as seg from aws_iam_role order by name, seg;

-- name: event_age_buckets
select event_id, case when event_time > now() - interval '1 day' then 'day' when event_time > now() - interval '7 days' then 'week' else 'older' end as bucket,
  floor(extract(epoch from timestamptz '2025-06-15 00:00:00+00' - event_time) / 3600) as hours
from aws_cloudtrail_trail_event order by event_id;

-- name: extract_day_int
select name, extract(day from timestamptz '2025-06-15 00:00:00+00' - create_date)::int as d, (timestamptz '2025-06-15 00:00:00+00'::date - create_date::date) / 365 as years
from aws_iam_user order by name;

-- name: jsonb_each_value_text
select name, e.key, e.value::text as v, jsonb_typeof(e.value) as t from aws_iam_user, jsonb_each(login_profile) e where login_profile is not null order by name, e.key;

-- name: arn_parts_regexp
select name, (regexp_match(arn, '^arn:([^:]+):iam::(\d{12}):(user|role)/(.*)$'))[2] as acct, (regexp_match(arn, ':(user|role)/(.*)$'))[2] as rest
from aws_iam_role order by name;

-- name: regexp_replace_backslash_other
select regexp_replace('a.b', '\.', '\x') as a, regexp_replace('a.b', '\.', '\\') as b, regexp_replace('a.b', '(\.)', '\0') as c;

-- name: quote_funcs
select name, quote_literal(name) as ql, quote_nullable(description) as qn, quote_literal(max_session_duration) as qi from aws_iam_role order by name;

-- name: greatest_ts_null
select name, greatest(password_last_used, create_date) as g, least(password_last_used, create_date) as l from aws_iam_user order by name;

-- name: to_hex_values
select to_hex(255) as a, to_hex(-1) as b, to_hex(max_session_duration) as c, to_hex(-max_session_duration) as d from aws_iam_role order by name;

-- name: century_trunc
select name, date_trunc('century', create_date) as c, date_trunc('millennium', create_date) as m, extract(century from date '2000-12-31') as c2 from aws_iam_user order by name;

-- name: trim_names
select trim(leading '/' from path), trim(trailing '/' from path), trim(both '/' from path), ltrim(path, '/'), trim(path) from aws_iam_role order by 1;

-- name: jsonb_union_compares_by_value
select jsonb_build_object('user', name, 'path', path) as who from aws_iam_user
union
select jsonb_build_object('path', path, 'user', name) from aws_iam_user
order by who;

-- name: jsonb_union_all_then_grouped_by_value
select who, count(*) as n from (
  select jsonb_build_object('user', name, 'path', path) as who from aws_iam_user
  union all
  select jsonb_build_object('path', path, 'user', name) from aws_iam_user
  union all
  select policy_std -> 'Statement' -> 0 from aws_iam_policy
) as u group by who order by who;

-- name: jsonb_union_all_text_distinct_and_elements
select distinct w::text as t, jsonb_array_length(w -> 'Statement') as statements from (
  select policy_std as w from aws_iam_policy
  union all
  select policy_std from aws_iam_policy where is_aws_managed
) as x order by t;

-- name: jsonb_group_by_value_not_key_order
select case when mfa_enabled then jsonb_build_object('acct', account_id, 'kind', 'user') else jsonb_build_object('kind', 'user', 'acct', account_id) end as k,
  count(*) as n
from aws_iam_user group by 1 order by 1;

-- name: jsonb_group_by_expression_repeated
select jsonb_build_object('acct', account_id) as acct, count(*) as n from aws_iam_role
group by jsonb_build_object('acct', account_id) having count(*) > 1 order by jsonb_build_object('acct', account_id);

-- name: jsonb_distinct_and_count_distinct_by_value
select count(distinct case when mfa_enabled then jsonb_build_object('a', account_id, 'b', 1) else jsonb_build_object('b', 1, 'a', account_id) end) as accounts,
  count(distinct tags) as tag_sets
from aws_iam_user;

-- name: jsonb_select_distinct_principals
select distinct s -> 'Principal' as principal, s ->> 'Effect' as effect
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
order by principal, effect;

-- name: jsonb_distinct_on_value
select distinct on (case when name < 'c' then jsonb_build_object('x', 1, 'y', 2) else jsonb_build_object('y', 2, 'x', 1) end) name
from aws_iam_user order by case when name < 'c' then jsonb_build_object('x', 1, 'y', 2) else jsonb_build_object('y', 2, 'x', 1) end, name;

-- name: jsonb_group_by_column_with_count
select tags, count(*) as n from aws_iam_role group by tags order by n desc, tags;

-- name: jsonb_intersect_except_by_value
select jsonb_build_object('n', name, 'a', account_id) as v from aws_iam_user
intersect
select jsonb_build_object('a', account_id, 'n', name) from aws_iam_user where mfa_enabled
order by v;

-- name: typed_literals_before_operators
select date '2025-01-01'::text as a, jsonb '{"a": {"b": 1}}' -> 'a' ->> 'b' as b, timestamp '2025-01-01 10:00'::date as c,
  (timestamptz '2025-06-15 00:00:00+00'::date - date '2025-01-01') / 7 as weeks, jsonb '[1, 2]' @> '[2]' as d;

-- name: regex_across_newlines
select E'line1\nline2' ~ 'line1.line2' as a, regexp_replace(E'a\nb', '.', 'x', 'g') as b, substring(E'k=1\nv' from 'k=(.*)') as c,
  (regexp_match(E'x\ny', '^(.*)$'))[1] as d, regexp_split_to_array(E'a\nb', '.') as e, E'a\nb' ~ '^a$' as f, E'a\nb' ~* 'A[^z]B' as g;

-- name: extract_path_on_raw_statements
select name, jsonb_extract_path_text(policy, 'Statement', '0', 'Effect') as first_effect, jsonb_extract_path(policy, 'Statement', 'Effect') as obj_effect
from aws_iam_policy order by name;

-- name: quote_literal_escapes
select quote_literal(E'it''s \\ here') as a, quote_literal(true) as b, quote_nullable(null::text) as c, quote_literal(2.50) as d,
  quote_literal(create_date) as e
from aws_iam_user where name = 'alice';

-- name: century_of_dates
select date_trunc('century', date '2000-06-01') as a, date_trunc('millennium', date '2001-01-01') as b, date_trunc('century', date '2001-01-01') as c,
  date_trunc('decade', date '2001-01-01') as d;

-- name: event_error_messages_with_newline_regex
select event_id, regexp_replace(coalesce(error_message, ''), '^User: (\S+) is not authorized.*$', 'denied \1') as msg
from aws_cloudtrail_trail_event order by event_id;

-- name: group_by_trust_principal_value
select s -> 'Principal' as principal, count(*) as roles from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
group by s -> 'Principal' order by roles desc, principal;

-- name: distinct_condition_blocks
select count(distinct s -> 'Condition') as condition_sets, count(distinct s) as statements
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s;

-- name: greatest_numeric_same_scale_text
select greatest(1.50, 2.25)::text as a, least(3, 4)::text as b, coalesce(null::numeric(6, 2), 1.25)::text as c,
  (case when true then 1.5 else 2.5 end)::text as d;

-- name: to_hex_of_ints
select to_hex(-max_session_duration::int) as a, to_hex(3600) as b, to_hex(0) as c from aws_iam_role order by name;

-- name: json_agg_text_of_scalars
select account_id, json_agg(name order by name desc)::text as j, jsonb_agg(jsonb_build_object('n', name, 'm', mfa_enabled) order by name)::text as jb
from aws_iam_user group by account_id order by account_id;

-- name: json_agg_and_build_array_text
select account_id, json_agg(name order by name)::text as j, json_build_array(account_id, count(*))::text as a
from aws_iam_user group by account_id order by account_id;

-- name: quote_ident_of_names_and_keywords
select name, quote_ident(name) as q, quote_ident(path) as p, quote_ident(upper(name)) as u,
  quote_ident('user') as a, quote_ident('name') as b, quote_ident('int') as c, quote_ident('say "hi"') as d, quote_ident('_x1$') as e,
  quote_ident('') as f, quote_ident('abc_9') as g, quote_ident('9abc') as h, quote_ident('system_user') as i, quote_ident(null) as j
from aws_iam_user order by name;

-- name: lpad_rpad_empty_fill_and_truncation
select name, lpad(name, 8, '') as a, rpad(name, 4, '') as b, lpad(name, 3) as c, rpad(name, 5, 'xy') as d,
  lpad(name, length(name) - 2, '*') as e, rpad(name, length(name) + 3, '.') || '|' as f, lpad(name, -1, '') as g, rpad(name, 0) as h,
  lpad('', 3, '') as i
from aws_iam_user order by name;

-- name: absolute_value_prefix_operator
select name, @ (max_session_duration - 7200) as a, @ -max_session_duration / 60 as b, @ 1 - 3 as c, @ -2 * 3 as d,
  @ -2.50 as e, (@ -2.50)::text as f, @ -2 < 1 as g, @ -2 || 'x' as h, @ -5
from aws_iam_role order by name;

-- name: generate_series_of_numerics
select g, g::text as t, g * 2 as d from generate_series(0.00, 1.0, 0.25) g order by g;

-- name: generate_series_of_numerics_shapes
select (select count(*) from generate_series(1.5, 3)) as a, (select sum(x) from generate_series(3.0, 1, -0.5) as t(x)) as b,
  (select string_agg(generate_series::text, ',') from generate_series(0.0, 0.3, 0.1)) as c,
  (select count(*) from generate_series(1.0, null, 0.5)) as d, (select count(*) from generate_series(2.0, 1.0, 0.5)) as e;

-- name: generate_series_of_numerics_in_select_list
select generate_series(1.5, 3.5), name from aws_iam_group order by name, 1;

-- name: array_dims_and_ndims
select name, array_dims(string_to_array(path, '/')) as a, array_ndims(string_to_array(path, '/')) as b,
  array_dims(array[name]) as c, array_ndims(array[]::text[]) as d, array_dims(null::text[]) as e, array_ndims(array[1, 2]) / 2 as f
from aws_iam_user order by name;

-- name: iso_8601_interval_literals
select interval 'P1D' as a, 'P1Y2M3DT4H5M6S'::interval as b, interval 'P1M' as c, interval 'PT1M' as d, cast('P2W' as interval) as e,
  (interval 'PT1.5S')::text as f, interval 'P1Y2M3DT4H5M6S' || '' as g, date '2025-01-31' + interval 'P1M' as h,
  interval 'P-1Y-2M3DT-4H5M-6.5S'::text as i, interval 'PT36H'::text as j, interval 'PT'::text as k;

-- name: iso_8601_interval_fractions
select interval 'P1.5Y'::text as a, interval 'P0.5M'::text as b, interval 'P1.5W'::text as c, interval 'P1.5D'::text as d,
  interval 'PT1.5H'::text as e, interval 'PT-1.5M'::text as f, interval 'P0.05Y'::text as g, interval 'P0.04Y'::text as h,
  interval 'P0.333D'::text as i, interval 'P1.0000001D'::text as j, interval 'PT0.0000005S'::text as k, interval 'PT0.0000015S'::text as l,
  interval 'P1e2D'::text as m, interval 'P.5D'::text as n, interval 'P1Y1Y'::text as o, interval 'P-1.5M'::text as p;

-- name: iso_8601_interval_in_time_filter
select name from aws_iam_user where create_date > timestamptz '2025-06-01 00:00:00+00' - interval 'P4Y6M' order by name;

-- name: jsonb_object_agg_ordered
select account_id, jsonb_object_agg(name, mfa_enabled order by name) as j, json_object_agg(name, create_date order by name desc) as jc,
  jsonb_object_agg(path, name order by name desc) ->> '/' as last_at_root, json_object_agg(path, name order by name) ->> '/' as json_last
from aws_iam_user group by account_id order by account_id;

-- name: jsonb_object_agg_ordered_filter_and_text
select jsonb_object_agg(name, password_last_used order by name) filter (where not mfa_enabled) as a,
  jsonb_object_agg(mfa_enabled, name order by name)::text as b, jsonb_object_agg(length(name), name order by name desc) as c
from aws_iam_user;

-- name: jsonb_object_agg_ordered_over_roles
select jsonb_object_agg(name, tags order by name desc)::text as j, jsonb_object_agg(max_session_duration, name order by name) as by_duration
from aws_iam_role;

-- name: string_to_array_with_null_string
select name, string_to_array(name, '-', 'ci') as a, string_to_array(name, '', 'bob') as b, string_to_array(name, null, 'e') as c,
  string_to_array(name, '-', null)::text as d, array_length(string_to_array(name, '-', 'dev'), 1) as e, string_to_array('a,,b', ',', '') as f
from aws_iam_user order by name;

-- name: to_jsonb_of_rows_with_timestamps
select to_jsonb(r)::text as j, row_to_json(r)::text as rj, to_jsonb(r) ->> 'create_date' as created
from (select name, create_date, mfa_enabled from aws_iam_user) r
order by 1;

-- name: jsonb_agg_of_rows_with_timestamps_and_local_times
select (select jsonb_agg(r order by r.name)::text
    from (select name, password_last_used, create_date at time zone 'UTC' as local from aws_iam_user) r) as j,
  (select to_json(x)::text from (select max(event_time) as latest, count(*) as n from aws_cloudtrail_trail_event) x) as jx;

-- name: to_jsonb_of_table_rows_and_cte_rows
with keys as (select access_key_id, create_date from aws_iam_access_key)
select k.access_key_id, to_jsonb(a) ->> 'create_date' as a, to_jsonb(k)::text as k
from keys k join aws_iam_access_key a using (access_key_id)
order by 1;

-- name: json_text_of_arrays_is_compact
select to_json(array[1, 2])::text as a, array_to_json(array['a', 'b c'])::text as b, to_json('x'::text)::text as c,
  array_to_json(array_agg(create_date order by create_date))::text as d, to_json(tags)::text as e
from aws_iam_user
where name = 'alice'
group by tags;

-- name: div_of_numerics_truncates
select name, div(max_session_duration, 7200.0) as a, div(-7.5, 2)::text as b, div(9, 3.0)::text as c, div(-7, 2) as d,
  div(max_session_duration, 7000) as e
from aws_iam_role
order by name;

-- name: to_char_ordinal_suffixes
select name, to_char(create_date, 'DDth Month') as a, to_char(create_date, 'FMDDth') as b,
  to_char(create_date, 'FMDDTH "of" FMMonth, YYYYth') as c, to_char(create_date, 'MMth HH24th DDDth') as d
from aws_iam_user
order by name;

-- name: to_char_ordinal_suffixes_of_every_day
select to_char(d, 'FMDDth') as a, to_char(d, 'FMMMth') as b
from (select date '2024-01-01' + n as d from generate_series(0, 40) n) x
order by d;

-- name: interval_unit_abbreviations
select (interval '3 mon')::text as a, (interval '2 mons')::text as b, (interval '5 min')::text as c,
  (interval '90 mins')::text as d, (interval '2 hrs')::text as e, (interval '1 hr')::text as f,
  (interval '30 secs')::text as g, (interval '1 yr')::text as h, (interval '2 yrs')::text as i,
  (interval '5 msec')::text as j, (interval '7 usecs')::text as k, interval '1 sec' as l
where now() - interval '15 mins' < now();

-- name: date_plus_integer_series_and_columns
select (current_date - g.i) = (current_date - g.i::int) as same, (date '2024-02-27' + g.i)::text as d,
  (g.i + date '2024-02-27')::text as e
from generate_series(1, 3) as g(i)
order by d;

-- name: stddev_variance_types
select round(stddev(max_session_duration), 2)::text as a, round(variance(max_session_duration)::numeric, 1)::text as b,
  stddev_pop(max_session_duration::float8)::text as c, avg(max_session_duration::float8)::text as d,
  'sd ' || stddev_samp(max_session_duration::float8) as e, var_samp(max_session_duration) > 0 as f
from aws_iam_role;

-- name: jsonb_delete_path_of_keys
select p.name, (p.policy_std #- '{Version}')::text as p, p.policy_std #- '{Statement}' = '{"Version": "2012-10-17"}'::jsonb as q,
  '{"a": {"b": 1, "c": 2}}'::jsonb #- '{a,b}' as nested, '{"a": 1}'::jsonb #- '{x,y}' as missing,
  ('{"k.z": 2, "a": 1}'::jsonb #- '{k.z}')::text as dotted,
  (select jsonb_agg(u.tags #- '{team}' order by u.name) from aws_iam_user u where u.account_id = p.account_id) as t
from aws_iam_policy p
order by p.name;

-- name: jsonb_numbers_keep_postgres_digits
select jsonb_build_object('pct', round(100.0 * 1 / 3, 2), 'e', extract(epoch from timestamptz '2024-01-01 00:00:00+00'))::text as a,
  jsonb_build_array(1.0, 2.50, -0.0)::text as b, to_jsonb(date_part('epoch', timestamptz '2024-01-01 00:00:00+00'))::text as c,
  jsonb_build_object('f', 0.1::float8 + 0.2::float8, 'n', count(*))::text as d,
  jsonb_agg(date_part('hour', create_date) order by name)::text as e, jsonb_agg(1.50 order by name)::text as f,
  jsonb_build_object('y', date_part('year', max(create_date))) ->> 'y' as g
from aws_iam_user;

-- name: jsonb_of_arrays_and_rows_with_numbers_and_timestamps
select to_jsonb(array[1.5, 2.25])::text as a, to_jsonb(array[create_date])::text as b,
  (select to_jsonb(array_agg(u.create_date order by u.name))::text from aws_iam_user u) as c
from aws_iam_user
where name = 'bob';

-- name: row_to_json_with_numbers
select to_jsonb(r)::text as a, row_to_json(r)::text as b
from (select name, 2.50 as price, date_part('year', create_date) as y, extract(epoch from create_date) as e,
  round(max_session_duration / 3600.0, 1) as h from aws_iam_role) r
order by 1;

-- name: math_of_a_double_and_a_numeric_is_a_double
select 'z' || (2::float8 ^ 0.5) as a, (2::float8 ^ 2.0)::text as b, power(2.5::float8, 2)::text as c,
  sqrt(max_session_duration::float8 + 0.5)::text as d, exp(1.0::float8)::text as e, ln(max_session_duration * 1.0) > 0 as f
from aws_iam_role
order by name;

-- name: string_to_table_in_from_and_select_list
select u.name, p, string_to_table('a,b,,c', ',', '') as parts
from aws_iam_user u, string_to_table(trim(both '/' from u.path), '/') as p
order by 1, 2, 3;

-- name: string_to_table_with_ordinality
select x, n from string_to_table('x|y|z', '|') with ordinality as s(x, n) order by n desc;

-- name: bytea_text_is_hex
select name, sha256(name::bytea)::text as a, decode('DEADbeef', 'hex')::text as b, convert_to('hé', 'UTF8')::text as c,
  'abc'::bytea::text as d, decode('aGk=', 'base64')::text as e,
  sha256(convert_to(arn, 'UTF8'))::text = '\x' || encode(sha256(arn::bytea), 'hex') as same
from aws_iam_user
order by name;

-- name: sum_of_series_integers_divides_as_integers
select sum(n)::text as a, (sum(n) / count(*))::text as b, sum(n) / 4 as c,
  (select sum(x) / count(*) from unnest(array[1, 2, 4]) as t(x)) as d,
  (select sum(m) / 4 from generate_series(1, 3000000000, 1000000000) m) as e
from generate_series(1, 10) n;

-- name: to_timestamp_format_with_quoted_text
select to_date('20240115', 'YYYYMMDD')::text as a,
  to_timestamp('2024-01-15T10:30:00Z', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')::text as b,
  to_timestamp('at 10h', '"at" HH24"h"')::time::text as c,
  to_date('15 of 01, 2024', 'DD "of" MM, YYYY')::text as d;

-- name: array_position_from_a_start
select array_position(array['a', 'b', 'a'], 'a', 2) as a, array_position(array['a', 'b', 'a'], 'a', 4) as b,
  array_position(array['a', 'b', 'a'], 'a', -3) as c, array_position(array[1, null, 3, null], null, 3) as d,
  array_position(array['x'], 'y', 1) as e,
  (select array_position(array_agg(name order by name), 'bob', 2) from aws_iam_user) as f;

-- name: string_agg_with_a_null_delimiter
select account_id, string_agg(name, null order by name) as a, string_agg(name, '' order by name desc) as b
from aws_iam_user
group by 1
order by 1;

-- name: regexp_replace_start_and_occurrence
select name, regexp_replace(name, '[aeiou]', '*', 1, 0) as a, regexp_replace(name, '-', ' ', 1, 1) as b,
  regexp_replace('aAa', 'a', 'b', 1, 0, 'i') as c, regexp_replace('aaa', 'a', 'b', 2, 1) as d,
  regexp_replace('aaa', 'a', 'b', 1, 1, 'g') as e, regexp_replace('aaa', 'a', 'b', 2) as f
from aws_iam_user
order by name;

-- name: double_to_numeric_uses_fifteen_digits
select round(1.005::float8::numeric, 2) as a, round(2.675::float8::numeric, 2)::text as b,
  trunc(0.29::float8::numeric, 2)::text as c, floor((0.1::float8 * 3)::numeric * 10) as d,
  round(-2.5::float8::numeric) as e, ceil(2.0000000000000004::float8::numeric) as f,
  2.345::float8::numeric(4,2)::text as g, 1.005::float8::numeric(6,2)::text as h, round(1e20::float8::numeric, 2)::text as i;

-- name: double_to_numeric_over_rows
select name, round(date_part('epoch', create_date)::numeric / 86400, 2) as a,
  round((date_part('day', timestamptz '2025-06-15 00:00:00+00' - create_date) / 7)::numeric, 1)::text as b,
  trunc((max_session_duration / 7.0::float8)::numeric, 3)::text as c
from aws_iam_role
order by name;

-- name: reason_texts_with_day_counts
select name, name || ' created ' || extract(day from now() - create_date) || ' days ago.' as reason,
  name || ' ' || date_part('day', now() - create_date) || ' days' as r2,
  round(extract(epoch from now() - create_date) / 86400) || ' days' as r3,
  (now()::date - create_date::date) || ' days old' as r4
from aws_iam_user
order by name;

-- name: window_frames_offsets_and_percentiles_desc
select x, sum(x) over (order by x range between 1 preceding and 1 following) as a,
  sum(x) over (order by x rows between 2 preceding and 1 preceding) as b,
  array_agg(x) over (order by x rows between 1 preceding and 1 following) as c,
  string_agg(x::text, ',') over (order by x desc) as d,
  (select percentile_cont(0.25) within group (order by max_session_duration desc) from aws_iam_role) as e,
  (select percentile_disc(0.9) within group (order by name desc) from aws_iam_role) as f
from (values (1), (2), (4), (5)) v(x)
order by x;

-- name: statements_with_ordinality_in_lateral_joins
select p.name, s.ordinality, a.action
from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') with ordinality s(stmt, ordinality)
  cross join lateral jsonb_array_elements_text(s.stmt -> 'Action') a(action)
order by 1, 2, 3;

-- name: interval_scaling_and_negative_justify
select (interval '1 hour' * 1.5)::text as a, (interval '1 month' / 3)::text as b, (interval '1 month' * 0.5)::text as c,
  (interval '1 day' / 7)::text as d, justify_hours(interval '-50 hours')::text as e,
  justify_days(interval '-35 days')::text as f, justify_interval(interval '1 mon -1 day')::text as g,
  age(timestamptz '2024-01-01 00:00:00+00', timestamptz '2024-03-15 12:00:00+00')::text as h;

-- name: time_zone_functions_and_three_argument_date_trunc
select make_timestamptz(2024, 1, 15, 10, 30, 0, 'America/New_York')::text as a,
  date_trunc('day', timestamptz '2024-01-15 23:30:00+00', 'Asia/Tokyo')::text as b,
  date_trunc('month', timestamptz '2024-01-31 23:30:00+00', 'America/Los_Angeles')::text as c,
  timezone('America/New_York', timestamptz '2024-01-15 12:00:00+00')::text as d,
  extract(timezone_hour from timestamptz '2024-01-15 10:30:00+00') as e,
  to_char(date '2024-01-15', 'FMDay, FMMonth DD') as f;

-- name: trim_array_array_fill_isfinite_bytea_length
select trim_array(array[1, 2, 3], 1) as a, trim_array(array['a'], 1) as b, array_fill(7, array[3]) as c,
  array_fill('x'::text, array[2])::text as d, array_fill(0, array[0]) as e, isfinite(interval '1 day') as f,
  isfinite(null::interval) as g, length('abc'::bytea) as h, length(convert_to('é', 'UTF8')) as i,
  octet_length(decode('aabb', 'hex')) as j, octet_length('é') as k,
  (select bool_and(isfinite(timestamptz '2025-06-15 00:00:00+00' - create_date)) from aws_iam_user) as l;

-- name: like_backslash_is_the_default_escape
select name, name like '%\-%' as dash, name not like '%\_%' as no_underscore, name ilike any (array['%\-%', 'B%']) as any_,
  'a%b' like 'a\%b' as a, 'axb' like 'a\%b' as b, 'a_b' like 'a\_b' as c, 'a\b' like 'a\\b' as d, 'AbC' ilike 'a\_c' as e,
  name like '%' || '\-' || '%' as computed, name ~~ '%\.%' as tilde
from aws_iam_user
order by name;

-- name: regex_word_boundaries_and_backspace
select name, name ~ '\mdev' as a, regexp_replace(name, 'y\M', 'Y!') as b, name ~ '\ybackup\y' as c, name ~ 'a\Y' as d,
  'ab cd' ~ '\bcd' as backspace, 'ab' ~ '\Aab\Z' as ends, substring('ab cd' from '\m(\w+)\M$') as last_word,
  regexp_match('foo bar', '\y(b\w+)') as m, regexp_replace('ab cd', '\ycd', 'X', 'n') as flags_n
from aws_iam_user
order by name;

-- name: regex_patterns_where_first_match_is_longest
select arn, substring(arn from ':(user|role|group)/') as a, regexp_replace(arn, '(^|:)\s*', '|', 'g') as b,
  substring(arn from '[0-9]+') as c, regexp_replace(arn, '[-_:]+', ' ', 'g') as d, substring(arn from '(?i)USER/(.+)$') as e,
  substring(arn from '(?:user|group)/([^/]+)') as f, regexp_replace(arn, '^.*?/', '') as g, substring(arn from ':(.*?):') as h,
  regexp_match(arn, '^(.*?):(.*)$') as i, substring('abab' from '(ab)+') as j, substring('aab' from 'a*?b') as k,
  substring(arn from 'ab|a') as l
from aws_iam_user
order by arn;

-- name: jsonb_object_of_text_arrays
select name, jsonb_object(array['name', name, 'path', path, 'boundary', permissions_boundary_arn]) as a,
  jsonb_object(array['team', 'env'], array[tags ->> 'team', tags ->> 'env']) ->> 'team' as b,
  jsonb_object('{k,v,k,w}'::text[]) as c, jsonb_object('{}'::text[]) as d,
  jsonb_object(array['n'], array[null]) as e
from aws_iam_user
order by name;

-- name: numeric_scale_functions
select name, scale(1.50) as a, scale(attachment_count) as b, min_scale(8.4100) as c, min_scale(2.50 * attachment_count) as d,
  trim_scale(1.500) as e, trim_scale(2.50 * attachment_count) = 2.5 * attachment_count as f, trim_scale(10.0) as g,
  trim_scale(2.50 * attachment_count) as f2, trim_scale(attachment_count * 1.0) as g2,
  scale(null::numeric) as h, scale(extract(epoch from create_date)) as i
from aws_iam_policy
order by name;

-- name: jsonb_array_elements_of_null
select (select count(*) from jsonb_array_elements(null::jsonb)) as a, (select count(*) from jsonb_array_elements_text(null)) as b,
  (select count(*) from aws_iam_user, jsonb_array_elements(null::jsonb)) as c;

-- name: array_append_to_cte_column
with named as (select name, array[name, path] as parts, array[1, 2] as nums from aws_iam_user)
select name, parts || 'end'::text as a, nums || 3 as b, 0 || nums as c, n.nums || n.nums as d
from named n
order by name;

-- name: jsonb_numbers_equal_by_value
select u.name, u.tags = '{"team": "platform"}' as a, '1.0'::jsonb = '1'::jsonb as b, '[1.50, 2]'::jsonb = '[1.5, 2.0]'::jsonb as c,
  '{"n": 1e2}'::jsonb <> '{"n": 100}'::jsonb as d, '"1.0"'::jsonb = '"1"'::jsonb as e, '-0.0'::jsonb = '0'::jsonb as f,
  policy_std -> 'Version' = '"2012-10-17"' as g
from aws_iam_user u left join aws_iam_policy p on false
order by u.name;

-- name: jsonb_number_casts
select ('2.5'::jsonb)::int as a, ('-2.5'::jsonb)::bigint as b, ('2'::jsonb)::numeric as c, ('2.5'::jsonb)::float as d,
  ('true'::jsonb)::boolean as e, (null::jsonb)::int as f, ('{"n": 7}'::jsonb -> 'n')::smallint as g,
  jsonb_array_length(policy_std -> 'Statement')::int as h
from aws_iam_policy
order by name;

-- name: to_char_lower_case_meridian
select name, to_char(create_date, 'am HH:MI:SS') as a, to_char(create_date, 'HH12:MIpm') as b,
  to_char(create_date, 'FMHH12 AM') as c, to_char(create_date, 'FMMonth FMDD, YYYY') as d
from aws_iam_role
order by name;

-- name: make_interval_of_integer_parts
select name, make_interval(secs => max_session_duration) as a, make_interval(days => (max_session_duration / 86400)::int) as b,
  make_interval(0, 0, 0, 1) as c, make_interval(days => jsonb_array_length(attached_policy_arns)) as d
from aws_iam_role
order by name;

-- name: cloudtrail_event_gaps_and_neighbours
select username, event_name, event_time - lag(event_time) over (order by event_time, event_id) as gap,
  lead(event_time) over (partition by username order by event_time, event_id) - event_time as until_next,
  lag(event_name, 2, 'none') over (order by event_time, event_id) as two_before,
  sum(case when error_code is null then 0 else 1 end) over (order by event_time, event_id rows between 1 preceding and 1 following) as errors_near
from aws_cloudtrail_trail_event
order by event_time, event_id;

-- name: policy_actions_any_of_a_built_array
select p.name, s ->> 'Effect' as effect,
  s -> 'Action' ?| array(select 'iam:' || x from unnest(array['*', 'passrole']) x) as iam_risky,
  s -> 'Action' ?| array['s3:*', 's3:getobject'] as s3
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
order by 1, 2, 3, 4;

-- name: jsonb_order_comparisons_in_and_distinct
select name, tags -> 'cost' > '5' as pricey, '10'::jsonb > '9'::jsonb as a, '[1, 2]'::jsonb > '[3]'::jsonb as b,
  '{"a": 1}'::jsonb >= '[1, 2, 3]'::jsonb as c, 'true'::jsonb > '100'::jsonb as d, '1.0'::jsonb <= '1'::jsonb as e,
  '1.0'::jsonb in ('1'::jsonb, '2'::jsonb) as f, '1.0'::jsonb is distinct from '1'::jsonb as g,
  tags -> 'team' is not distinct from '"platform"' as h, tags -> 'team' in ('"platform"', '"security"') as i
from aws_iam_user
order by name;

-- name: jsonb_greatest_least
select name, greatest(tags -> 'cost', '2'::jsonb) as a, least('3'::jsonb, null, '10'::jsonb) as b,
  greatest(null::jsonb, null::jsonb) as c, least('[1]'::jsonb, '[0, 5]'::jsonb) as d
from aws_iam_user
order by name;

-- name: interval_text_with_plus_signs
select interval '-1 day +2 hours' as a, interval '+3 days' as b, '+1 day -02:00:00'::interval as c,
  '1 year +2 mons +3 days +04:05:06'::interval as d, ('-1 days +02:00:00'::interval)::text as e,
  interval '-1 day +2 hours' + interval '1 day' as f;

-- name: key_age_truncated_to_days_as_text
select user_name, now()::date - create_date::date as "Age in Days",
  date_trunc('day', age(now(), create_date))::text as age, date_trunc('hour', now() - create_date) || '' as hours
from aws_iam_access_key
order by create_date, access_key_id;

-- name: user_created_at_time_zone
select name, create_date at time zone 'America/New_York', (create_date at time zone 'UTC')::date,
  timezone('UTC', create_date)
from aws_iam_user
order by name;

-- name: user_creation_rank_as_text
select name, (percent_rank() over (order by create_date))::text as pr, cume_dist() over (order by name) || '' as cd
from aws_iam_user
order by name;

-- name: user_missing_activity_fields
select name, num_nonnulls(password_last_used, permissions_boundary_arn, login_profile) as present,
  num_nulls(password_last_used, permissions_boundary_arn) as missing, num_nulls(name) + 1 as one
from aws_iam_user
where num_nonnulls(password_last_used, login_profile) >= 0
order by name;

-- name: to_char_lower_case_patterns
select name, to_char(create_date, 'dd/mm/yy hh24:mi:ss ms us iyyy-iw id ww w q j cc ddd d hh12 hh') as a,
  to_char(create_date, 'FMdd fmmm FMDD') as b, to_char(create_date, 'DY dd/mm/yyyy') as c,
  to_char(create_date, 'yyyy-mm-dd"T"hh24:mi:ss') as d
from aws_iam_user
order by name;

-- name: functions_sqlglot_reads_as_operators_keep_their_names
select array_position(array['a', 'b', 'a'], 'a'), power(2, 3), pow(2, 0.5), corr(attachment_count, attachment_count),
  2 ^ 3
from aws_iam_policy
order by 1, 2, 3, 4, 5;

-- name: recursive_walk_accumulates_a_path_array
with recursive chain(name, path, depth) as (
  select name, array[name], 1 from aws_iam_user where name = 'alice'
  union all
  select u.name, c.path || u.name, c.depth + 1 from chain c join aws_iam_user u on u.name > c.name where c.depth < 3
)
select name, path, depth, array_to_string(path, ' > ') as trail from chain
order by depth, path
limit 12;

-- name: recursive_path_named_like_a_table_column_as_text
with recursive walk as (
  select name, array[name] as path from aws_iam_user where name = 'alice'
  union all
  select u.name, w.path || u.name from walk w join aws_iam_user u on u.name > w.name and cardinality(w.path) < 3
)
select name, path::text as p, path[1], array_length(path, 1), 'x' || path::text as x from walk
order by walk.path;

-- name: cte_array_column_in_concat_and_format
with t as (select array['a', 'b c'] as arr)
select arr::text, arr || 'd'::text as appended, concat(arr, '!'), format('%s', arr) from t;

-- name: user_path_parts_from_regexp_split_in_from
select u.name, s.part from aws_iam_user u, regexp_split_to_table(u.path, '/') s(part)
where s.part <> ''
order by 1, 2;

-- name: arn_fields_from_regexp_split_bare_alias
select p, count(*) from aws_iam_user, regexp_split_to_table(arn, ':') as p where p <> '' group by p order by 2 desc, 1;

-- name: words_of_names_split_in_a_lateral_join
select u.name, s.part from aws_iam_user u cross join lateral regexp_split_to_table(u.name, '[-.]') as s(part)
order by 1, 2;

-- name: count_of_regexp_split_rows
select count(*) from regexp_split_to_table('a b  c', '\s+');

-- name: path_parts_with_ordinality
select u.name, s.part, s.n from aws_iam_user u, regexp_split_to_table(u.path, '/') with ordinality s(part, n)
order by 1, 3;

-- name: path_parts_with_ordinality_left_lateral
select u.name, s.part, s.n
from aws_iam_user u left join lateral regexp_split_to_table(u.path, '/') with ordinality s(part, n) on s.part <> ''
order by 1, 3;

-- name: policy_name_words_numbered
select p.name, w.word, w.ordinality
from aws_iam_policy p cross join lateral regexp_split_to_table(p.name, '-') with ordinality w(word)
order by 1, 3;

-- name: series_with_ordinality
select g.*, g.n * 2 as twice from generate_series(10, 1, -3) with ordinality as g(v, n) order by n;

-- name: series_with_ordinality_default_names
select x, ordinality, x / 2 as half from generate_series(1, 5) with ordinality as x order by ordinality;

-- name: numeric_and_time_series_with_ordinality
select a.x, a.n, b.d::date, b.i
from generate_series(1.0, 3) with ordinality a(x, n)
  join generate_series(now() - interval '2 days', now(), interval '1 day') with ordinality b(d, i) on b.i = a.n
order by a.n;

-- name: split_tables_with_ordinality_unnamed
select t.*, s.* from string_to_table('a,b', ',') with ordinality as t(x, n),
  regexp_split_to_table('c;d', ';') with ordinality as s
order by t.n, s.ordinality;

-- name: path_parts_from_string_to_table_lateral_ordinality
select u.name, x, n from aws_iam_user u cross join lateral string_to_table(u.path, '/') with ordinality as s(x, n)
order by u.name, n;

-- name: jsonb_minus_chained
select to_jsonb(u) - 'tags' - 'tags_src' - 'inline_policies' ->> 'name' as name from aws_iam_user u order by 1;

-- name: jsonb_minus_and_concat_chains_as_jsonb
select name, tags - 'team' - 'owner' as rest, (tags - 'team') ? 'owner' as has_owner,
  tags || '{"a": 1}' || '{"b": 2}' as more, (tags || '{"z": 0}') -> 'z' as z, jsonb_typeof(tags - 'x') as t
from aws_iam_user
order by 1;

-- name: jsonpath_statement_effects_and_denies
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Effect') as effects,
  jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "deny")') as denies
from aws_iam_policy
order by 1;

-- name: jsonpath_query_actions_in_select_list
select name, jsonb_path_query(policy_std, '$.Statement[*].Action[*]') as action from aws_iam_policy order by 1, 2;

-- name: jsonpath_allowed_resources_in_from
select p.name, a
from aws_iam_policy p, jsonb_path_query(p.policy_std, '$.Statement ? (@.Effect == "Allow").Resource') a
order by 1, 2;

-- name: jsonpath_exists_operator_admin_statement
select name from aws_iam_policy where policy_std @? '$.Statement[*] ? (@.Action == "*" && @.Resource == "*")'
order by 1;

-- name: jsonpath_match_operator_and_function
select name, policy_std @@ '$.Statement[*].Effect == "Deny"',
  jsonb_path_match(policy_std, 'exists($.Statement[*].Condition)') as conditioned
from aws_iam_policy
order by 1;

-- name: jsonpath_first_last_size_type
select name, jsonb_path_query_first(policy_std, '$.Statement[last].Effect') as last_effect,
  jsonb_path_query_first(policy_std, '$.Statement.size()') as statements,
  jsonb_path_query_first(policy_std, '$.Statement[0].Action.type()') as action_type
from aws_iam_policy
order by 1;

-- name: jsonpath_tag_values_in_key_order
select name, jsonb_path_query_array(tags, '$.*') as tag_values,
  jsonb_path_query_array(tags, '$.team ? (@ starts with "plat")') as platform
from aws_iam_user
order by 1;

-- name: jsonpath_trust_principals
select r.name, count(*) from aws_iam_role r, jsonb_path_query(r.assume_role_policy_std, '$.Statement[*].Principal.*[*]') p
group by 1
order by 1;

-- name: jsonpath_lax_mode_unwrapping_and_comparisons
select jsonb_path_query_array('{"a": [[{"b": 1}], {"b": 2}]}', '$.a.b') as a,
  jsonb_path_query_array('[{"a": 1}, 2]', '$ ? (@.a == 1)') as b,
  jsonb_path_query_array('{"a": [1, "1", {"x": 1}, [1]]}', '$.a[*] ? (@ == 1)') as c,
  jsonb_path_query_array('{"a": 1.0}', '$ ? (@.a == 1)') as d,
  jsonb_path_query_array('{"a": {"b": 2}}', '$.a[0]') as e,
  jsonb_path_query_array('{"a": [1, "x", null, true, {}, []]}', '$.a[*].type()') as f,
  jsonb_path_query_array('["b", "a", "é", "B", "ab"]', '$[*] ? (@ > "a")') as g,
  jsonb_path_query_array('{"a": ["x", 2]}', '$.a ? (!(@ > 1))') as h,
  jsonb_path_query_array('{"a": [1, 2, 3]}', '$.a[last - 5]') as i;

-- name: jsonpath_predicates_as_values
select jsonb_path_query('{"a": 1}', '$.a == 1') as a, jsonb_path_query('{"a": "x"}', '$.a > 1') as b,
  jsonb_path_query('{"a": [1, "x"]}', '$.a[*] > 0') as c, jsonb_path_query('{}', '$.a == 1') as d,
  jsonb_path_query('{"a": "x"}', '($.a > 5) is unknown') as e, jsonb_path_query('{"a": null}', '$.a != 1') as f;

-- name: jsonpath_results_as_jsonb
select jsonb_path_query_first('{"a": [{"b": 1}]}', '$.a') -> 0 ->> 'b' as b,
  jsonb_path_query_array('{"a": [1]}', '$.a') @> '[[1]]' as contains,
  jsonb_path_query_first('{"a": "x"}', '$.a')::text as t,
  '{"a": 1}'::jsonb @@ '$.a' as not_boolean, jsonb_path_exists(null, '$.a') as on_null,
  jsonb_path_query_array('{"aws:SourceIp": "1.2.3.4", "a b": {"c": 1}}', '$."a b".c') as quoted_key;

-- name: jsonpath_query_with_ordinality
select t.v, t.n from jsonb_path_query('{"a": [1, 2]}', '$.a[*]') with ordinality as t(v, n) order by t.n;

-- name: jsonpath_silent_argument
select name, jsonb_path_match(policy_std, '$.Statement[*].Effect', '{}', true) as several_results,
  jsonb_path_match(policy_std, '$.Version', silent => true) as a_string,
  jsonb_path_match(policy_std, 'exists($.Statement[*] ? (@.Effect == "Deny"))', silent => true) as denies,
  jsonb_path_exists(target => policy_std, path => '$.Statement[*].Condition', silent => false) as conditioned,
  jsonb_path_query_first(policy_std, '$.Statement[0].Effect', '{}', true) as first_effect,
  jsonb_path_query_array(policy_std, '$.Statement.size()', silent => null) as on_null,
  jsonb_path_match(policy_std, '$.Version == "2012-10-17"', silent => is_aws_managed) as by_column
from aws_iam_policy
order by name;

-- name: jsonpath_silent_query_rows
select p.name, a from aws_iam_policy p,
  jsonb_path_query(p.policy_std, '$.Statement[*].Action[*] ? (@ starts with "iam:")', '{}', true) a
union all
select 'none', a from jsonb_path_query('{"a": [1, 2]}', '$.a[*]', silent => null) a
order by 1, 2;

-- name: make_date_of_negative_years_is_bc
select make_date(-1, 12, 31) + 1 as first_day_ad, make_date(1, 1, 1) - make_date(-1, 12, 31) as days_across,
  extract(epoch from make_date(-44, 3, 15)) as ides_epoch, make_date(-45, 2, 29) < make_date(-44, 1, 1) as leap_bc,
  make_date(-4714, 11, 24) - make_date(1, 1, 1) as from_first_day, make_date(-attachment_count::int, 1, 1) + 366 * attachment_count::int as shifted
from aws_iam_policy
where attachment_count between 1 and 3
order by name;

-- name: inet_contained_in_any_of_an_array
select source_ip_address, source_ip_address::inet <<= any(array['10.0.0.0/8'::inet, '192.168.0.0/16', null]) as private_or_unknown,
  source_ip_address::inet << all(array['0.0.0.0/0'::cidr, '10.0.0.0/8'::cidr]) as in_ten,
  source_ip_address::inet && any(array['172.16.0.0/12'::cidr, null]) as overlaps,
  '10.0.0.0/8'::cidr >>= any(array[source_ip_address::inet]) as covers
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9.]+$'
order by event_time, event_id;

-- name: interval_text_with_signs_apart_from_numbers
select (timestamp '2024-01-01' + interval '1 month - 1 day')::text as month_end, interval '- 2 hours' as a,
  '1 year - 2 mons + 3 days'::interval as b, interval '+ 1 day' as c,
  name, create_date + interval '- 1 day' as day_before
from aws_iam_user
order by name;

-- name: make_interval_as_text
select make_interval(0, 0, 0, 3)::text as a, make_interval(mins => 90)::text as b,
  make_interval(secs => 3661.5)::text as c, make_interval(years => 1, days => -1)::text as d,
  'x' || make_interval(hours => -25) as e;

-- name: jsonb_set_on_tags
select name, jsonb_set(tags, '{team}', '"x"') as renamed, jsonb_set(tags, '{new}', '1') as added,
  jsonb_set(tags, '{new}', '1', false) as not_added, jsonb_set(tags, '{a,b}', '1') as deep_missing
from aws_iam_user
order by 1;

-- name: jsonb_set_array_positions
select jsonb_set('[1, 2, 3]', '{1}', '"x"') as a, jsonb_set('[1, 2, 3]', '{-1}', '"x"') as b,
  jsonb_set('[1, 2, 3]', '{9}', '"x"') as c, jsonb_set('[1, 2, 3]', '{-9}', '"x"') as d, jsonb_set('[]', '{5}', '1') as e,
  jsonb_set('[1]', '{9}', '1', false) as f, jsonb_set('{"a": [1, {"b": 2}]}', '{a,1,b}', '3') as g,
  jsonb_set('{"a": [1, {"b": 2}]}', '{a,0,b}', '3') as h, jsonb_set('{"a": 1}', '{}', '2') as i,
  jsonb_set('{"a": 1}', array['a'], 'null') as j, jsonb_set('{"a": "x"}', '{a,b}', '1') as k;

-- name: jsonb_insert_before_and_after
select jsonb_insert('[1, 2, 3]', '{1}', '"x"') as a, jsonb_insert('[1, 2, 3]', '{1}', '"x"', true) as b,
  jsonb_insert('[1, 2, 3]', '{-1}', '"x"') as c, jsonb_insert('[1, 2]', '{9}', '"x"') as d,
  jsonb_insert('[1, 2]', '{-9}', '"x"') as e, jsonb_insert('{"a": {"b": [1]}}', '{a,b,0}', '0') as f,
  jsonb_insert('{"a": 1}', '{b}', '2') as g, jsonb_insert('{"a": [1]}', '{a,-1}', '2', true) as h;

-- name: jsonb_delete_path_with_indexes
select '{"a": [1, 2, {"b": 3}]}'::jsonb #- '{a,0}' as a, '{"a": [1, 2, {"b": 3}]}'::jsonb #- '{a,-1,b}' as b,
  '[1, 2, 3]'::jsonb #- '{-1}' as c, '[1, 2, 3]'::jsonb #- '{9}' as d, '{"a": 1}'::jsonb #- '{}' as e,
  '{"a": {"b": 1}}'::jsonb #- '{a,b}' as f;

-- name: policy_statement_edits
select name, policy_std #- '{Statement,0}' as without_first,
  jsonb_set(policy_std, '{Statement,0,Effect}', '"Deny"') -> 'Statement' -> 0 ->> 'Effect' as first_effect,
  jsonb_set(policy_std, '{Version}', to_jsonb(name)) ->> 'Version' as version
from aws_iam_policy
order by 1;

-- name: regexp_matches_first_match_in_select_list
select name, regexp_matches(arn, ':(user|role)/(.*)$') as parts, regexp_matches('foo', 'bar') as none
from aws_iam_user
order by 1;

-- name: regexp_matches_every_vowel
select name, regexp_matches(name, '[aeiou]', 'g') as v from aws_iam_user order by 1, 2;

-- name: regexp_matches_in_from_with_subscripts
select name, m[1] as account, m[2] as user_path from aws_iam_user, regexp_matches(arn, '::(\d+):user/(.*)') as m
order by 1;

-- name: regexp_matches_empty_and_optional_groups
select (select count(*) from regexp_matches('abc', 'x*', 'g')) as empty_matches,
  (select array_agg(m::text order by m::text) from regexp_matches('a1b22c', '([a-z])(\d+)?', 'g') m) as optional,
  (select array_agg(m[1]) from regexp_matches('ABab', 'a', 'gi') m) as insensitive;

-- name: regexp_matches_lateral_with_ordinality
select u.name, m.ord, m.x
from aws_iam_user u cross join lateral regexp_matches(u.name, '(.)', 'g') with ordinality as m(x, ord)
where m.ord <= 2
order by 1, 2;

-- name: regexp_matches_counted_per_row
select name, (select count(*) from regexp_matches(name, '-', 'g')) as dashes,
  (select string_agg(m[1], ',' order by m[1]) from regexp_matches(name, '([a-z]+)', 'g') m) as words
from aws_iam_policy
order by 1;

-- name: root_operators_named_as_operators
select |/ 16, ||/ 27, sqrt(16), cbrt(27.0), |/ attachment_count from aws_iam_policy order by 5;

-- name: inet_event_source_in_private_range
select event_name, source_ip_address
from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9.]+$' and source_ip_address::inet <<= '10.0.0.0/8'
order by event_name;

-- name: inet_event_source_public_or_private
select source_ip_address,
  source_ip_address::inet << '10.0.0.0/8' or source_ip_address::inet << '172.16.0.0/12'
    or source_ip_address::inet << '192.168.0.0/16' as private
from aws_cloudtrail_trail_event
where source_ip_address !~ '[a-z]'
order by source_ip_address::inet;

-- name: inet_event_source_ordered_desc
select source_ip_address::inet as ip, count(*) as events
from aws_cloudtrail_trail_event
where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$'
group by 1
order by ip desc;

-- name: inet_event_allowed_by_policy_source_ip
select p.name, e.event_name, e.source_ip_address, c as allowed_range
from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Condition' -> 'IpAddress' -> 'aws:sourceip') c,
  aws_cloudtrail_trail_event e
where e.source_ip_address ~ '^[0-9.]+$' and e.source_ip_address::inet <<= c::cidr
order by p.name, e.event_name;

-- name: inet_policy_source_ip_network_parts
select c::cidr as range, network(c::cidr), broadcast(c::cidr), netmask(c::cidr), hostmask(c::cidr),
  masklen(c::cidr), family(c::cidr), host(c::cidr), text(c::cidr), c::cidr::inet as as_inet
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Condition' -> 'IpAddress' -> 'aws:sourceip') c
order by 1;

-- name: inet_output_text_forms
select '10.0.0.1'::inet as plain, '10.0.0.1/32'::inet as full_mask, '10.0.0.1/32'::cidr as cidr_full,
  '10.0.0.1'::inet::text as as_text, text('10.0.0.1/24'::inet) as text_fn, host('10.0.0.1/24'::inet) as host,
  '10.0.0.1'::inet || ' (src)' as joined, concat('10.0.0.1'::inet, ' (src)') as concatenated,
  '10.1.2/24'::inet as short_form, '010.000.000.001'::inet as leading_zeros, '10.0.0.0/8'::cidr::inet as cidr_as_inet;

-- name: inet_ipv6_output_compressed
select v, v::text as with_mask, family(v), masklen(v)
from (values ('2001:DB8:0:0:0:0:0:1'::inet), ('::'), ('::1'), ('1:0:0:2:0:0:0:3'), ('1::2:0:0:3'), ('::ffff:1.2.3.4'),
  ('0:0:0:0:0:ffff:102:304'), ('::1.2.3.4'), ('::0.0.0.2'), ('::1:0:0:0:0'), ('fe80::1/64'), ('2001:db8::/32')) t(v)
order by v;

-- name: inet_ipv6_network_functions
select network(v), broadcast(v), netmask(v), hostmask(v), host(v), set_masklen(v, 48)
from (values ('2001:db8:abcd:12::1/64'::inet), ('fe80::1/10')) t(v)
order by 1;

-- name: inet_order_family_network_masklen
select v, row_number() over (order by v) as position
from (values ('10.0.0.1'::inet), ('9.0.0.0/8'), ('::1'), ('10.0.0.0/8'), ('10.0.0.0/16'), ('10.0.0.1/8'),
  ('10.1.0.0/8'), ('192.168.1.10/24'), ('0.0.0.0/0'), ('::/0'), ('10.0.0.1/32')) t(v)
order by v, position;

-- name: inet_comparisons_and_extremes
select min(v) as lowest, max(v) as highest, count(*) filter (where v > '10.0.0.0/16') as above,
  count(*) filter (where v = '10.0.0.1/32'::cidr) as equal_to_cidr,
  count(*) filter (where v between '10.0.0.0/8' and '10.255.255.255') as in_ten,
  count(*) filter (where v in ('::1', '9.0.0.0/8')) as listed
from (values ('10.0.0.1'::inet), ('9.0.0.0/8'), ('::1'), ('10.0.0.0/8'), ('10.0.0.0/16'), ('10.1.0.0/8')) t(v);

-- name: inet_containment_operators
select a, b, a << b as sub, a <<= b as sub_eq, a >> b as sup, a >>= b as sup_eq, a && b as overlaps,
  inet_same_family(a, b) as same_family
from (values ('10.1.2.3'::inet, '10.0.0.0/8'::inet), ('10.0.0.0/8', '10.0.0.0/8'), ('10.0.0.0/8', '10.1.0.0/16'),
  ('10.0.0.0/16', '10.1.0.0/16'), ('::1', '10.0.0.0/8'), ('2001:db8::1', '2001:db8::/32'), ('0.0.0.0/0', '8.8.8.8')) t(a, b)
order by a, b;

-- name: inet_set_masklen_inet_and_cidr
select set_masklen('10.1.2.3/8'::inet, 16) as widened, set_masklen('10.1.2.3'::inet, -1) as whole,
  set_masklen('10.1.0.0/16'::cidr, 8) as cidr_narrowed, set_masklen('10.0.0.0/8'::cidr, 24) as cidr_widened,
  '10.1.2.3/8'::inet::cidr as inet_to_cidr, network('10.1.2.3/8') as network_of_literal;

-- name: inet_cte_column_ordered
with ips as (
  select distinct source_ip_address::inet as ip from aws_cloudtrail_trail_event where source_ip_address ~ '^[0-9.]+$'
)
select ip, masklen(ip), ip < '150.0.0.0' as low from ips order by ip;

-- name: inet_literals_take_the_type_of_their_column
select coalesce(null::inet, '10.0.0.1/32') as coalesced, case when true then '10.0.0.2/32' else '::1'::inet end as chosen,
  (select string_agg(host(x), ',' order by x) from (select '10.0.0.9'::inet as x union all select '10.0.0.10/32'
    union all select '010.0.0.8') u) as from_union;

-- name: inet_group_join_and_window
select v, count(*) as spellings, rank() over (order by v desc) as ranked,
  bool_or(exists (select 1 from (values ('10.0.0.1/32'::cidr)) c(w) where c.w = t.v)) as equals_a_cidr
from (values ('10.0.0.1'::inet), ('10.0.0.1/32'), ('010.0.0.1'), ('::1'), ('1.0.0.0/8'), ('::/0')) t(v)
group by v
order by v;

-- name: inet_distinct_on_family_and_json
select distinct on (family(v)) v, jsonb_build_object('ip', v, 'network', network(v)) as doc
from (values ('10.0.0.1/8'::inet), ('::1'), ('1.0.0.0/8'), ('::/0')) t(v)
order by family(v), v;

-- name: inet_from_event_json
select e.event_name, (e.cloudtrail_event ->> 'source_ip_address')::inet as ip
from aws_cloudtrail_trail_event e
where e.cloudtrail_event ->> 'source_ip_address' like '1%'
order by ip, e.event_name;

-- name: inet_union_typed_by_a_later_branch
select max(x) as highest_v4, min(x), count(distinct x)
from (select '10.0.0.10/32' as x union all select '10.0.0.9'::inet union all select '10.0.0.10') s;

-- name: inet_event_source_cast_only_for_addresses
select case when source_ip_address ~ '^[0-9.]+$' then source_ip_address::inet end as ip, event_name
from aws_cloudtrail_trail_event
where case when source_ip_address ~ '^[0-9.]+$' then source_ip_address::inet end <<= '0.0.0.0/0'
  or source_ip_address like '%.amazonaws.com'
order by ip nulls first, event_name;

-- name: idiom_trust_cross_account_principals
select r.name, p as principal, split_part(p, ':', 5) as trusted_account,
  split_part(p, ':', 5) <> r.account_id as cross_account
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p
where s ->> 'Effect' = 'Allow'
order by r.name, principal;

-- name: idiom_trust_external_id_and_mfa
select r.name,
  coalesce(s -> 'Condition' -> 'StringEquals' ? 'sts:externalid', false) as has_external_id,
  s #>> '{Condition,StringEquals,sts:externalid,0}' as external_id,
  s -> 'Condition' -> 'Bool' -> 'aws:multifactorauthpresent' @> '["true"]' as mfa_required
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s
order by r.name;

-- name: idiom_trust_oidc_subject_wildcards
select r.name, sub, sub like '%*%' as wildcard, position('*' in sub) as star_at
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s #> '{Condition,StringLike,token.actions.githubusercontent.com:sub}') sub
order by sub;

-- name: idiom_trust_public_principal_any
select name from aws_iam_role
where '*' = any(array(select jsonb_array_elements_text(s -> 'Principal' -> 'AWS')
  from jsonb_array_elements(assume_role_policy_std -> 'Statement') s))
order by name;

-- name: idiom_policy_all_of_actions
select name, s -> 'Action' ?& array['kms:decrypt', 'kms:encrypt'] as both_kms, s -> 'Action' ?| array['iam:passrole'] as passrole
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
order by name, both_kms, passrole;

-- name: idiom_policy_path_exists_admin
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Action[*] == "*")') as admin,
  jsonb_path_exists(policy_std, '$.Statement[*].Condition') as conditioned
from aws_iam_policy order by name;

-- name: idiom_policy_first_action_paths
select name, policy_std #>> '{Statement,0,Action,0}' as first_action, policy_std #> '{Statement,0,Resource}' as first_resources,
  policy_std #>> '{Statement,5,Effect}' as sixth_effect, policy_std #>> '{}' is not null as whole
from aws_iam_policy order by name;

-- name: idiom_coalesce_nullif_jsonb
select name, coalesce(tags -> 'team', '"none"'::jsonb) as team, nullif(tags, '{}'::jsonb) as tags,
  nullif(tags ->> 'empty', '') as empty_tag, coalesce(attached_policy_arns, '[]') as arns
from aws_iam_user order by name;

-- name: idiom_to_char_formats
select name, to_char(create_date, 'YYYY-MM-DD HH24:MI:SS') as iso, to_char(create_date, 'Mon DD, YYYY') as short,
  to_char(create_date, 'FMMonth FMDD') as long_month, to_char(create_date, 'Day') as padded_day,
  to_char(create_date, 'YYYY"Q"Q') as quarter, to_char(create_date, 'HH12:MI AM') as clock
from aws_iam_user order by name;

-- name: idiom_to_char_iso_week_and_doy
select name, to_char(create_date, 'IYYY-"W"IW') as iso_week, to_char(create_date, 'DDD') as doy,
  to_char(create_date, 'dy') as dy, to_char(create_date, 'MON') as mon_upper, to_char(create_date, 'WW') as week_of_year
from aws_iam_user order by name;

-- name: idiom_date_part_and_age
select name, date_part('day', now() - create_date) > 365 as older_than_a_year,
  date_part('year', age(now(), create_date)) >= 1 as years_old, date_part('dow', create_date) as dow,
  date_part('isodow', create_date) as isodow, extract(doy from create_date) as doy, extract(quarter from create_date) as q
from aws_iam_user order by name;

-- name: idiom_age_of_fixed_times
select name, age(timestamptz '2025-06-15 00:00:00+00', create_date) as age,
  age(coalesce(password_last_used, create_date), create_date) as active_span
from aws_iam_user order by name;

-- name: idiom_extract_epoch_days
select name, extract(epoch from create_date)::bigint as created_epoch,
  round(extract(epoch from (coalesce(password_last_used, create_date) - create_date)) / 86400) as days_active,
  floor(extract(epoch from timestamptz '2025-06-15T00:00:00Z' - create_date) / 3600) as hours
from aws_iam_user order by name;

-- name: idiom_now_minus_interval_filters
select count(*) filter (where create_date < now() - interval '90 days') as older_90,
  count(*) filter (where password_last_used > now() - '10 years'::interval) as used_10y,
  count(*) filter (where create_date < current_date - 30) as before_30_days,
  count(*) filter (where create_date between now() - interval '100 years' and now()) as in_century
from aws_iam_user;

-- name: idiom_array_agg_ordered_desc
select account_id, array_agg(name order by create_date desc) as newest_first,
  array_agg(password_last_used order by password_last_used desc) as used_desc,
  string_agg(name, ', ' order by password_last_used nulls first, name) as by_use
from aws_iam_user group by account_id order by account_id;

-- name: idiom_string_agg_distinct_and_array_to_string
select array_to_string(array_agg(distinct status order by status), '/') as statuses,
  string_agg(distinct access_key_last_used_service, ',' order by access_key_last_used_service) as services,
  array_to_string(array_agg(access_key_last_used_region order by access_key_id), ',', '?') as regions
from aws_iam_access_key;

-- name: idiom_distinct_on_latest_event_per_user
select distinct on (username) username, event_name, event_time
from aws_cloudtrail_trail_event
order by username, event_time desc;

-- name: idiom_distinct_on_nulls_desc
select distinct on (account_id) account_id, name, password_last_used
from aws_iam_user
order by account_id, password_last_used desc;

-- name: idiom_window_rank_within_account
select account_id, name, row_number() over (partition by account_id order by create_date) as n,
  dense_rank() over (order by account_id) as acct, count(*) over () as total,
  first_value(name) over (partition by account_id order by create_date desc) as newest
from aws_iam_user order by account_id, n;

-- name: idiom_window_order_by_nullable_desc
select name, row_number() over (order by password_last_used desc) as rn,
  rank() over (order by password_last_used) as rk,
  lag(name) over (order by password_last_used desc, name) as previous
from aws_iam_user order by rn;

-- name: idiom_window_lag_gap_between_events
select event_id, event_time, event_time - lag(event_time) over (order by event_time) as gap,
  lead(event_name, 1, 'none') over (order by event_time) as next_event,
  sum(case when read_only then 0 else 1 end) over (order by event_time rows between unbounded preceding and current row) as writes_so_far
from aws_cloudtrail_trail_event order by event_time;

-- name: idiom_window_percent_rank_ntile
select name, attachment_count, percent_rank() over (order by attachment_count) as pr,
  cume_dist() over (order by attachment_count) as cd, ntile(3) over (order by attachment_count, name) as bucket
from aws_iam_policy order by attachment_count, name;

-- name: idiom_filter_where_summary
select account_id, count(*) as users, count(*) filter (where mfa_enabled) as with_mfa,
  count(*) filter (where not mfa_enabled and login_profile is not null) as console_without_mfa,
  bool_and(mfa_enabled) as all_mfa, bool_or(password_last_used is null) as some_never_used,
  every(create_date < now()) as all_past
from aws_iam_user group by account_id order by account_id;

-- name: idiom_generate_series_days_with_events
select d::date as day, count(e.event_id) as events
from generate_series(timestamptz '2025-06-10', timestamptz '2025-06-15', interval '1 day') d
  left join aws_cloudtrail_trail_event e on date_trunc('day', e.event_time) = d
group by d order by d;

-- name: idiom_generate_series_ints_and_months
select n, (date '2025-01-31' + n * interval '1 month')::date as month_end_shift, n % 3 as m
from generate_series(0, 4) n order by n;

-- name: idiom_regexp_replace_flags
select name, regexp_replace(arn, '^arn:aws:iam::([0-9]+):(user|role)/.*$', '\1/\2') as acct_kind,
  regexp_replace(name, '[aeiou]', '*', 'g') as starred, regexp_replace(name, 'E', '3', 'gi') as leet,
  regexp_replace(name, 'e', 'E') as first_only
from aws_iam_user order by name;

-- name: idiom_split_part_negative_and_paths
select name, split_part(arn, '/', -1) as last_segment, split_part(arn, ':', 6) as resource,
  split_part(path, '/', 2) as first_path_part, split_part(arn, '/', 9) as missing
from aws_iam_role order by name;

-- name: idiom_format_specifiers
select format('%s (%s)', u.name, u.account_id) as label, format('%I', u.name) as ident, format('%L', r.description) as lit,
  format('%-12s|', u.name) as padded, format('%2$s:%1$s', u.name, u.path) as swapped, format('%s', u.mfa_enabled) as flag
from aws_iam_user u left join aws_iam_role r on r.account_id = u.account_id and r.path = u.path
order by 1;

-- name: idiom_jsonb_pretty_tags_and_trust
select name, jsonb_pretty(tags) as tags, jsonb_pretty(assume_role_policy_std -> 'Statement' -> 0 -> 'Principal') as principal
from aws_iam_role order by name;

-- name: idiom_jsonb_text_output_key_order
select name, tags::text as tags_text, (login_profile)::text as profile, mfa_devices::text as devices
from aws_iam_user order by name;

-- name: idiom_jsonb_typeof_everything
select name, jsonb_typeof(tags) as tags, jsonb_typeof(tags -> 'team') as team, jsonb_typeof(attached_policy_arns) as arns,
  jsonb_typeof(login_profile -> 'PasswordResetRequired') as reset, jsonb_typeof(mfa_devices -> 0) as first_device,
  jsonb_typeof('1.5'::jsonb) as num, jsonb_typeof('null'::jsonb) as nul
from aws_iam_user order by name;

-- name: idiom_case_on_text_arrays
with g as (
  select name, array_agg(gr ->> 'GroupName' order by gr ->> 'GroupName') as groups
  from aws_iam_user left join lateral jsonb_array_elements(groups) gr on true
  group by name
)
select name, groups, case when 'admins' = any(groups) then 'admin' when groups = array[null]::text[] then 'none'
  when cardinality(groups) > 1 then 'many' else groups[1] end as kind, array_length(groups, 1) as n
from g order by name;

-- name: idiom_any_all_arrays
select name, name = any(array['alice', 'bob']) as listed, name <> all(array['alice', 'bob']) as unlisted,
  'platform' = any(string_to_array(coalesce(tags ->> 'team', ''), ',')) as platform,
  name like any(array['%-%', '%.%']) as punctuated
from aws_iam_user order by name;

-- name: idiom_unnest_text_array_column
with parts as (select name, string_to_array(trim(both '/' from path), '/') as segments from aws_iam_role)
select name, seg, array_position(segments, seg) as pos
from parts, unnest(segments) seg
where seg <> ''
order by name, pos;

-- name: idiom_unnest_with_ordinality_agg
with a as (select array_agg(name order by name) as names from aws_iam_group)
select n, i from a, unnest(a.names) with ordinality as t(n, i) order by i;

-- name: idiom_numeric_rounding
select round(2.5) as r1, round(-2.5) as r2, round(0.125, 2) as r3, round(2.5::float) as rf, round(3.5::float8) as rf2,
  round(1234.5678, -2) as r4, trunc(-2.7) as t1, ceil(-2.5) as c1, floor(-2.5) as f1, round(7 / 2.0, 3) as r5;

-- name: idiom_integer_division_and_modulo
select 7 / 2 as d1, -7 / 2 as d2, 7 % -3 as m1, -7 % 3 as m2, div(-7, 2) as dv, mod(-7, 2) as md,
  count(*) / 4 as quarter_count, count(*) * 100 / 7 as pct_int
from aws_iam_user;

-- name: idiom_numeric_division_scale
select account_id, 100.0 * count(*) filter (where mfa_enabled) / count(*) as pct_mfa,
  round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) as pct_mfa_1,
  avg(jsonb_array_length(mfa_devices)) as avg_devices, sum(jsonb_array_length(mfa_devices)) as total_devices,
  count(*)::numeric / 3 as third
from aws_iam_user group by account_id order by account_id;

-- name: idiom_avg_bigint_and_float
select avg(max_session_duration) as avg_seconds, round(avg(max_session_duration) / 3600, 2) as avg_hours,
  sum(max_session_duration) / count(*) as int_avg, avg(max_session_duration::float) as favg
from aws_iam_role;

-- name: idiom_text_ordering_collation
select v from (values ('B'), ('a'), ('_x'), ('Z'), ('é'), ('e'), ('10'), ('9'), ('a b'), ('ab'), (''), ('A')) t(v)
order by v;

-- name: idiom_text_comparison_and_minmax
select min(name) as first_name, max(name) as last_name, 'a' < 'B' as lower_first, 'Z' < 'a' as upper_first,
  max(lower(name)) as last_lower, min(upper(name)) as first_upper
from aws_iam_user;

-- name: idiom_null_ordering_defaults
select name, password_last_used from aws_iam_user order by password_last_used desc, name;

-- name: idiom_null_ordering_explicit
select name, description from aws_iam_role order by description nulls first, name desc;

-- name: idiom_boolean_output_texts
select name, mfa_enabled::text as as_text, concat('mfa: ', mfa_enabled) as concat_bool, 'x' || mfa_enabled as piped,
  format('%s', mfa_enabled) as formatted, mfa_enabled::int as as_int, case mfa_enabled when true then 'yes' else 'no' end as yn
from aws_iam_user order by name;

-- name: idiom_boolean_aggregates_to_text
select account_id, string_agg(mfa_enabled::text, ',' order by name) as flags, array_agg(mfa_enabled order by name) as flag_array,
  jsonb_agg(mfa_enabled order by name) as flag_json, concat_ws('|', bool_and(mfa_enabled), bool_or(mfa_enabled)) as summary
from aws_iam_user group by account_id order by account_id;

-- name: idiom_jsonb_each_text_tags
select u.name, t.key, t.value, length(t.value) as len
from aws_iam_user u, jsonb_each_text(u.tags) t
order by u.name, t.key;

-- name: idiom_jsonb_object_keys_order
select name, array_agg(k) as keys_in_jsonb_order
from aws_iam_user, jsonb_object_keys(tags) k group by name order by name;

-- name: idiom_attached_policy_contains_and_exists
select name, attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]' as admin,
  attached_policy_arns ? 'arn:aws:iam::aws:policy/ReadOnlyAccess' as read_only,
  tags ?| array['team', 'owner'] as owned, tags ?& array['team', 'owner'] as fully_owned
from aws_iam_user order by name;

-- name: idiom_lateral_subquery_counts
select u.name, k.keys, k.active
from aws_iam_user u
  left join lateral (select count(*) as keys, count(*) filter (where status = 'Active') as active
    from aws_iam_access_key a where a.user_name = u.name and a.account_id = u.account_id) k on true
order by u.name;

-- name: idiom_exists_over_actions
select p.name from aws_iam_policy p
where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
  where s ->> 'Effect' = 'Allow' and (a = '*' or a like '%:*'))
order by p.name;

-- name: idiom_jsonb_agg_build_object
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled, 'created', create_date) order by name) as users,
  jsonb_object_agg(name, coalesce(tags -> 'team', 'null')) as teams
from aws_iam_user group by account_id order by account_id;

-- name: idiom_jsonb_negative_index_and_length
select name, attached_policy_arns ->> -1 as last_arn, attached_policy_arns -> 0 as first_arn,
  jsonb_array_length(coalesce(attached_policy_arns, '[]')) as n, mfa_devices -> -1 ->> 'SerialNumber' as last_device
from aws_iam_user order by name;

-- name: idiom_string_functions_unicode
select name, length(name) as chars, octet_length(name) as bytes, upper(name) as up, initcap(replace(name, '-', ' ')) as title,
  left(name, 3) as l3, right(name, -2) as rest, lpad(name, 14, '.') as lp, rpad(name, 4) as rp, reverse(name) as rev
from aws_iam_user order by name;

-- name: idiom_substring_regex_and_translate
select name, substring(arn from ':([0-9]{12}):') as account, substring(arn from 5 for 3) as service,
  translate(name, 'ae-', 'AE_') as translated, btrim(path, '/') as trimmed, ltrim(name, 'a') as lt,
  strpos(arn, '/') as slash_at, md5(name) as digest
from aws_iam_user order by name;

-- name: idiom_greatest_least_with_nulls
select name, greatest(create_date, password_last_used) as latest, least(create_date, password_last_used) as earliest,
  greatest(jsonb_array_length(mfa_devices), 1, null) as g, coalesce(password_last_used::text, login_profile ->> 'CreateDate') as last_seen
from aws_iam_user order by name;

-- name: idiom_date_trunc_and_casts
select name, date_trunc('month', create_date) as month, date_trunc('week', create_date)::date as week_start,
  create_date::date as day, create_date::time as at_time, to_char(date_trunc('quarter', create_date), 'YYYY-MM') as quarter
from aws_iam_user order by name;

-- name: idiom_interval_arithmetic_output
select name, create_date + interval '1 year 2 months' as anniversary, create_date - interval '36 hours' as before,
  justify_days(interval '65 days') as justified, interval '90 days' * 2 as doubled,
  (role_last_used_date - create_date) > interval '365 days' as used_after_a_year
from aws_iam_role order by name;

-- name: idiom_events_cloudtrail_json_paths
select event_name, cloudtrail_event ->> 'event_source' as source, user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer,
  user_identity #>> '{sessionContext,attributes,mfaAuthenticated}' as mfa, coalesce(user_identity ->> 'userName', user_identity ->> 'invokedBy') as who,
  jsonb_typeof(request_parameters -> 'durationSeconds') as duration_type
from aws_cloudtrail_trail_event order by event_time;

-- name: idiom_events_resources_unnest
select e.event_id, r ->> 'type' as type, r ->> 'ARN' as arn, coalesce(r ->> 'accountId', e.recipient_account_id) as account
from aws_cloudtrail_trail_event e, jsonb_array_elements(coalesce(e.resources, '[]'::jsonb)) r
order by e.event_id, arn;

-- name: idiom_events_error_rate_per_user
select username, count(*) as calls, count(*) filter (where error_code is not null) as errors,
  round(count(*) filter (where error_code is not null)::numeric / count(*), 3) as error_rate,
  string_agg(distinct error_code, ',') as codes
from aws_cloudtrail_trail_event group by username order by errors desc, username nulls last;

-- name: idiom_events_request_policy_document_as_json
select event_name, (request_parameters ->> 'policyDocument')::jsonb -> 'Statement' -> 0 ->> 'Action' as action,
  jsonb_typeof((request_parameters ->> 'policyDocument')::jsonb -> 'Statement') as statement_type
from aws_cloudtrail_trail_event where request_parameters ? 'policyDocument';

-- name: idiom_events_hour_histogram
select extract(hour from event_time) as hour, count(*) as events, to_char(min(event_time), 'HH24:MI') as first_at
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: idiom_events_additional_data_numbers
select event_id, (additional_event_data ->> 'bytesTransferredOut')::numeric as bytes,
  additional_event_data -> 'bytesTransferredOut' as raw_bytes, additional_event_data ->> 'MFAUsed' = 'Yes' as mfa
from aws_cloudtrail_trail_event where additional_event_data is not null order by event_id;

-- name: idiom_access_key_age_buckets
select access_key_id, case when date_part('day', timestamptz '2025-06-15' - create_date) > 365 then 'old'
  when date_part('day', timestamptz '2025-06-15' - create_date) > 90 then 'aging' else 'fresh' end as age_bucket,
  (timestamptz '2025-06-15' - create_date)::text as age_text, date_part('days', timestamptz '2025-06-15' - access_key_last_used_date) as idle_days
from aws_iam_access_key order by access_key_id;

-- name: idiom_credential_report_nulls_and_booleans
select user_name, password_enabled, mfa_active, coalesce(password_last_used::text, 'never') as pw_used,
  access_key_1_active or access_key_2_active as any_key, (password_enabled and not mfa_active) as risky
from aws_iam_credential_report order by user_name;

-- name: idiom_inline_policies_std_statements
select u.name, p ->> 'PolicyName' as policy, s ->> 'Effect' as effect, jsonb_array_length(s -> 'Action') as actions
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) p, jsonb_array_elements(p -> 'PolicyDocument' -> 'Statement') s
order by u.name, policy, effect;

-- name: idiom_password_policy_ctx_grouping
select _ctx ->> 'connection_name' as connection, minimum_password_length, coalesce(max_password_age, 0) as max_age,
  case when minimum_password_length >= 14 and password_reuse_prevention >= 24 then 'ok' else 'alarm' end as status
from aws_iam_account_password_policy order by connection;

-- name: idiom_integer_division_through_nullif_and_coalesce
select account_id, 100 * count(*) filter (where mfa_enabled) / nullif(count(*), 0) as pct_mfa,
  count(*) filter (where mfa_enabled) * 100 / nullif(count(*), 0) || '%' as pct_text,
  100 * count(*) / greatest(count(*), 1) as whole, count(*) / coalesce(max(jsonb_array_length(mfa_devices)), 1) as per_device,
  (case when count(*) > 1 then count(*) else null end) / 2 as halves
from aws_iam_user group by account_id order by account_id;

-- name: idiom_integer_division_of_branches_and_chains
select name, coalesce(attachment_count, 0) / 2 as c, nullif(attachment_count, 1) / 2 as n, least(attachment_count, 5) / 2 as l,
  abs(-attachment_count) / 2 as a, attachment_count / 2 / 2 as chained, (case when is_attached then 3 else 1 end) / 2 as k,
  (case when is_attached then 3 else 1.0 end) / 2 as numeric_k
from aws_iam_policy order by name;

-- name: idiom_interval_literals_with_a_clock
select event_id, event_time - interval '1 day 12:00:00' as window_start,
  event_time > timestamptz '2025-06-14 10:00:00+00' - interval '0 days 01:30' as in_last_90_minutes,
  (interval '1 day 02:03:04')::text as clock_text, interval '-1 day 02:00:00' as signed_fields
from aws_cloudtrail_trail_event order by event_time;

-- name: idiom_to_char_offsets_and_zones
select name, to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SSOF') as iso_offset,
  to_char(create_date, 'YYYY-MM-DD HH24:MI:SS TZH:TZM') as hours_minutes, to_char(create_date, 'HH24:MI TZ') as zoned,
  to_char(create_date::timestamp, 'HH24:MI TZ') as unzoned, to_char(create_date at time zone 'UTC', 'HH24:MI tz|OF') as at_utc
from aws_iam_user order by name;

-- name: idiom_column_names_of_arrays_case_and_collate
select array[name, path]::text, array(select g ->> 'GroupName' from jsonb_array_elements(groups) g)::text,
  case when mfa_enabled then 'mfa' else name end, case when mfa_enabled then 1 else 0 end,
  case when mfa_enabled then create_date end, name collate "C"
from aws_iam_user order by name collate "C";

-- name: idiom_jsonb_agg_distinct_in_jsonb_order
select jsonb_agg(distinct s -> 'Resource') as resources, jsonb_agg(distinct s -> 'Effect') as effects,
  jsonb_agg(distinct p.tags -> 'owner') as owners
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s;

-- name: idiom_cte_jsonb_columns_order_as_jsonb
with attached as (select name, attached_policy_arns as arns, tags -> 'team' as team from aws_iam_user),
  resources as (select s -> 'Resource' as r from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s)
select 'user' as kind, name, arns as value from attached
union all
select 'resource', null, r from (select r from resources group by r) g
order by kind, value, name;

-- name: idiom_values_list_of_jsonb_sorted
select x, jsonb_typeof(x) as type
from (values ('"b"'::jsonb), ('1'), ('[1]'), ('{"a": 1}'), ('true'), ('null'), ('"a"'), ('10'), ('[0, 0]'), ('{}'),
  ('{"b": 1, "c": 2}'), ('"B"')) t(x)
order by x;

-- name: stddev_variance_of_integers
-- Statistics, casts of every kind, string, array, date, interval and window functions, rows as text, interval
-- qualifiers, to_date with month names and jsonb aggregates over windows.
select account_id, round(stddev(max_session_duration), 2) as sd, round(variance(max_session_duration), 2) as var,
  round(stddev_pop(max_session_duration), 3) as sd_pop, round(var_samp(max_session_duration)::numeric, 1) as var_samp
from aws_iam_role group by account_id order by account_id;

-- name: stddev_of_double_text
select stddev(max_session_duration::float8)::text as sd_text, variance(max_session_duration::float8) as var_double
from aws_iam_role;


-- name: jsonb_literal_decimal_text
select '1.50'::jsonb as j, '1.50'::jsonb::text as t, '[1.0, 2.50]'::jsonb -> 1 as second, '{"a": 1.50}'::jsonb -> 'a' as a_value;

-- name: jsonb_literal_decimal_in_object
select jsonb_build_object('price', 1.50, 'qty', 2) as o, jsonb_build_object('price', 1.50)::text as o_text;

-- name: upper_lower_unicode
select name, upper(name) as up, lower(upper(name)) as round_trip, initcap(replace(name, '-', ' ')) as title_case
from aws_iam_user order by name;

-- name: upper_sharp_s
select upper('straße') as up, lower('STRASSE') as low, length(upper('ß')) as len;

-- name: row_value_text
select name, row(name, mfa_enabled)::text as r, (name, path)::text as pair from aws_iam_user order by name;

-- name: row_value_with_nulls_and_quotes
select row(name, description)::text as r from aws_iam_policy order by name;

-- name: interval_qualifiers
select interval '2' day as d, interval '3' hour as h, interval '1-2' year to month as ym, interval '10:30' hour to minute as hm;

-- name: interval_qualifier_in_arithmetic
select name, create_date + interval '7' day as week_later, create_date - interval '90' minute as earlier
from aws_iam_user order by name;

-- name: jsonb_each_text_tag_pairs
select u.name, t.key, t.value from aws_iam_user u, jsonb_each_text(u.tags) t order by u.name, t.key;

-- name: jsonb_each_values_typed
select u.name, e.key, jsonb_typeof(e.value) as type, e.value from aws_iam_user u, jsonb_each(u.tags) e order by 1, 2;

-- name: jsonb_each_condition_values
select p.name, c.key as operator, kv.key as cond_key, kv.value as cond_values
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c, jsonb_each(c.value) kv
order by p.name, operator, cond_key;


-- name: json_build_object_values
select json_build_object('name', name, 'mfa', mfa_enabled) -> 'name' as n, json_build_object('n', 1) ->> 'n' as one
from aws_iam_user order by name;


-- name: regexp_replace_global_flags
select name, regexp_replace(name, '[aeiou]', '*', 'g') as masked, regexp_replace(name, '^(.)(.*)$', '\2\1') as rotated,
  regexp_replace(upper(name), 'E', 'e', 'gi') as ci
from aws_iam_user order by name;

-- name: regexp_split_to_array_paths
select name, regexp_split_to_array(trim(both '/' from path), '/') as parts, array_length(regexp_split_to_array(path, '/'), 1) as n
from aws_iam_user order by name;

-- name: regexp_count_and_like_escape
select name, regexp_count(name, '[a-z]') as letters, name like '%\_%' as has_underscore, name similar to '[a-z]+(-[a-z]+)*' as kebab
from aws_iam_user order by name;

-- name: casts_every_kind
select '42'::int + 1 as i, '42'::bigint * 2 as b, '3.14'::numeric(5, 2) as n, '2.5'::float8 / 2 as f,
  'yes'::boolean as yes, 'off'::bool as off, '2025-01-02'::date as d, '2025-01-02 03:04:05+00'::timestamptz as ts,
  '1 day'::interval as iv, 42::text as t, 3.7::int as rounded, (-3.5)::int as neg_rounded, 2.5::int as half;

-- name: casts_cast_syntax
select cast(attachment_count as text) as t, cast(attachment_count as numeric(6, 2)) as n,
  cast(is_attached as int) as bit, cast(create_date as date) as d
from aws_iam_policy order by name;

-- name: casts_date_from_text_formats
select '2025-01-02'::date as iso, ' 2025-01-02 '::date as padded, '2025-01-02T10:00:00Z'::timestamptz as iso_z,
  '2025-01-02 10:00:00-05'::timestamptz as offset_ts;

-- name: bool_casts_from_int_and_text
select 1::boolean as one, 0::bool as zero, 'TRUE'::boolean as upper_true, ' f '::boolean as padded, true::int as t_int;

-- name: numeric_text_of_arithmetic
select 1.5 + 2.25 as s, (1.5 + 2.25)::text as st, 1.5 * 2.25 as p, (1.5 * 2.25)::text as pt, 10.00 - 0.5 as d, -1.50 as neg;

-- name: numeric_functions
select mod(17, 5) as m, 17 % 5 as pct, power(2, 10) as pw, sqrt(16) as sq, abs(-2.5) as a, sign(-3) as sg,
  ceil(2.1) as c, floor(-2.1) as fl, round(2.567, 1) as r, trunc(2.567, 2) as tr, gcd(12, 18) as g, lcm(4, 6) as l;

-- name: numeric_log_exp
select round(ln(10)::numeric, 6) as ln10, round(log(1000)::numeric, 6) as log1000, round(exp(1)::numeric, 8) as e,
  log(2, 8) as log2_8, cbrt(27) as cube_root, pi() as pi_value;


-- name: string_functions
select name, left(name, 3) as l3, right(name, 3) as r3, left(name, -2) as drop2, right(name, -2) as skip2,
  reverse(name) as rev, repeat('ab', 2) as rep, lpad(name, 12, '.') as lp, rpad(name, 4) as rp,
  position('e' in name) as pos_e, strpos(name, 'i') as pos_i, translate(name, 'aei', 'AEI') as tr
from aws_iam_user order by name;

-- name: string_overlay_and_btrim
select overlay(name placing 'XX' from 2 for 2) as ov, btrim('  x  ') as bt, ltrim('xxhixx', 'x') as lt, rtrim('xxhixx', 'x') as rt,
  trim(leading '/' from path) as no_lead, chr(65) as ch, ascii(name) as code
from aws_iam_user order by name;

-- name: string_starts_with_and_length
select name, starts_with(name, 'ci') as ci, length(name) as len, char_length(name) as chars, octet_length(name) as bytes,
  bit_length(name) as bits, md5(name) as digest
from aws_iam_user order by name;

-- name: string_format_padding
select format('%-10s|', name) as left_aligned, format('%10s|', name) as right_aligned, format('%s=%s', 'k', null) as with_null
from aws_iam_user order by name;

-- name: string_concat_operators
select name || '@' || coalesce(tags ->> 'team', '?') as who, concat(name, 1, true, null, 2.50) as c,
  name || 1 || 2.50 as num_pipe, 'x' || null as null_pipe
from aws_iam_user order by name;

-- name: array_append_remove_replace
select name, array_length(array[name, path, arn], 1) as n, array_append(array[name], path) as app,
  array_prepend('x', array[name]) as pre, array_cat(array[1, 2], array[3]) as cat, array_remove(array['a', 'b', 'a'], 'a') as rem,
  array_replace(array[1, 2, 1], 1, 9) as repl, array_position(array['a', 'b', 'c'], 'b') as pos
from aws_iam_user order by name;

-- name: array_agg_and_unnest_roundtrip
with a as (select array_agg(name order by name) as names from aws_iam_user)
select n, i from a, unnest(a.names) with ordinality as t(n, i) order by i;

-- name: array_to_string_null_string
select array_to_string(array['a', null, 'c'], ',') as skip_null, array_to_string(array['a', null, 'c'], ',', '*') as star_null,
  array_to_string(array[1, 2, 3], '-') as ints;

-- name: array_contains_overlap_operators
select name, array[name] <@ array['alice', 'bob'] as in_list, array['alice', 'x'] && array[name] as overlaps,
  array[name, 'x'] @> array['x'] as has_x
from aws_iam_user order by name;

-- name: array_any_all_comparisons
select name, name = any(array['alice', 'bob']) as any_match, length(name) > all(array[3, 4]) as longer,
  name <> all(array['alice']) as not_alice
from aws_iam_user order by name;

-- name: array_slices
select (array['a', 'b', 'c', 'd'])[2:3] as mid, (array['a', 'b', 'c', 'd'])[:2] as head, (array['a', 'b', 'c', 'd'])[3:] as tail,
  (string_to_array('x/y/z', '/'))[2] as second;

-- name: array_upper_lower_bounds
select array_upper(array[1, 2, 3], 1) as up, array_lower(array[1, 2, 3], 1) as low, cardinality(array[]::text[]) as empty_card,
  array_length(array[]::text[], 1) as empty_len;

-- name: date_arithmetic_mixture
select name, create_date::date + 30 as plus_30, create_date::date - date '2017-01-01' as days_since_2017,
  age(timestamptz '2025-06-15', create_date) as age_two, make_date(2025, 2, 28) + 1 as leap_check,
  date_part('dow', create_date) as dow, date_part('doy', create_date) as doy, extract(isodow from create_date) as isodow
from aws_iam_user order by name;

-- name: date_trunc_week_quarter
select name, date_trunc('week', create_date) as wk, date_trunc('quarter', create_date) as q, extract(quarter from create_date) as qn,
  extract(week from create_date) as week_no, extract(isoyear from create_date) as iso_year
from aws_iam_user order by name;

-- name: interval_arithmetic
select interval '1 day' * 3 as three_days, interval '1 hour' / 2 as half_hour, interval '90 minutes' + interval '1 day' as mixed,
  -interval '2 days' as neg, interval '1 month' - interval '1 day' as month_minus_day, interval '36 hours' = interval '1 day 12 hours' as eq;

-- name: justify_functions
select justify_days(interval '35 days') as jd, justify_hours(interval '27 hours') as jh,
  justify_interval(interval '1 month -1 hour') as ji;

-- name: extract_from_interval
select extract(day from interval '3 days 4 hours') as d, extract(hour from interval '3 days 4 hours') as h,
  extract(epoch from interval '1 day') as e, date_part('minute', interval '90 minutes') as m;

-- name: to_char_assortment
select name, to_char(create_date, 'FMMonth DD, YYYY') as long_date, to_char(create_date, 'Dy DD Mon YY HH12:MI AM') as short,
  to_char(create_date, 'YYYY"Q"Q') as quarter, to_char(create_date, 'IYYY-IW') as iso_week
from aws_iam_user order by name;

-- name: to_date_and_to_timestamp
select to_date('05 Jan 2025', 'DD Mon YYYY') as d, to_timestamp('2025-01-05 10:20', 'YYYY-MM-DD HH24:MI') as ts,
  to_timestamp(1700000000) as from_epoch;

-- name: now_comparisons_in_case
select name, case when create_date > now() - interval '1 year' then 'new'
  when create_date > now() - interval '5 years' then 'mid' else 'old' end as bucket,
  now() - create_date > '1000 days'::interval as over_1000_days
from aws_iam_user order by name;

-- name: current_date_arithmetic
select count(*) filter (where create_date::date > current_date - 365 * 3) as last_3_years,
  count(*) filter (where create_date < current_date - interval '6 years') as older_than_6
from aws_iam_user;

-- name: generate_series_dates_left_join
select d::date as day, count(e.event_id) as events
from generate_series(timestamptz '2025-06-13', timestamptz '2025-06-15', interval '1 day') d
  left join aws_cloudtrail_trail_event e on e.event_time >= d and e.event_time < d + interval '1 day'
group by d order by d;

-- name: generate_series_integers_and_step
select i, i * i as sq, i % 3 as mod3 from generate_series(10, 1, -3) i order by i desc;

-- name: window_functions_assortment
select name, create_date, row_number() over w as rn, rank() over (order by mfa_enabled) as mfa_rank,
  lead(name) over w as next_user, first_value(name) over w as first_user,
  last_value(name) over (order by create_date rows between unbounded preceding and unbounded following) as last_user,
  ntile(3) over w as tercile, percent_rank() over w as pr
from aws_iam_user window w as (order by create_date) order by create_date;

-- name: window_running_sum_partitioned
select account_id, name, attachment_count, sum(attachment_count) over (partition by account_id order by name) as running,
  avg(attachment_count) over (partition by account_id) as avg_in_account, count(*) over () as total
from aws_iam_policy order by account_id, name;

-- name: window_range_last_hour_count
select event_id, event_time, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: window_nth_value_and_cume_dist
select name, nth_value(name, 2) over (order by name rows between unbounded preceding and unbounded following) as second,
  cume_dist() over (order by length(name)) as cd, dense_rank() over (order by length(name)) as dr
from aws_iam_user order by name;

-- name: filter_clauses_mixture
select account_id, count(*) filter (where mfa_enabled) as mfa, count(*) filter (where not mfa_enabled and login_profile is not null) as console_no_mfa,
  array_agg(name order by name) filter (where path = '/service/') as services,
  string_agg(name, '|' order by name desc) filter (where tags ? 'team') as teamed, bool_and(mfa_enabled) as all_mfa
from aws_iam_user group by account_id order by account_id;

-- name: distinct_on_latest_event_per_user
select distinct on (username) username, event_name, event_time
from aws_cloudtrail_trail_event order by username, event_time desc, event_id;

-- name: jsonb_path_functions
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') as has_deny,
  jsonb_path_query_array(policy_std, '$.Statement[*].Effect') as effects,
  jsonb_path_query_first(policy_std, '$.Statement[0].Action[0]') as first_action
from aws_iam_policy order by name;

-- name: jsonb_path_query_in_from
select p.name, a from aws_iam_policy p, jsonb_path_query(p.policy_std, '$.Statement[*].Action[*]') a
order by p.name, a;

-- name: jsonb_operators_mixture
select name, tags ?& array['team', 'owner'] as both_keys, tags - 'team' as without_team, tags || '{"x": 1}' as added,
  tags #> '{team}' as team_path, tags @> '{"team": "platform"}' as platform, '{"team": "platform"}' <@ tags as contained
from aws_iam_user order by name;

-- name: jsonb_delete_array_of_keys
select name, tags - array['team', 'owner'] as trimmed, jsonb_strip_nulls('{"a": null, "b": 1}'::jsonb) as stripped
from aws_iam_user order by name;

-- name: jsonb_build_array_and_agg_ordering
select jsonb_build_array(name, mfa_enabled, 1, null) as arr, jsonb_agg(name) over (order by name) as names_so_far
from aws_iam_user order by name;

-- name: jsonb_object_agg_tags_flattened
select u.account_id, jsonb_object_agg(u.name, coalesce(jsonb_array_length(u.attached_policy_arns), 0)) as counts
from aws_iam_user u group by u.account_id order by u.account_id;

-- name: jsonb_array_elements_text_count_distinct
select count(distinct a) as distinct_actions, count(a) as actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a;

-- name: jsonb_typeof_and_text_of_nested
select name, jsonb_typeof(policy_std -> 'Statement' -> 0 -> 'Condition') as cond_type,
  (policy_std -> 'Statement' -> 0 -> 'Resource')::text as resource_text, policy_std #>> '{Statement,0,Effect}' as eff
from aws_iam_policy order by name;

-- name: to_jsonb_scalars
select to_jsonb(name) as n, to_jsonb(attachment_count) as c, to_jsonb(is_attached) as b, to_jsonb(create_date) as ts
from aws_iam_policy order by name;

-- name: coalesce_nullif_greatest
select name, coalesce(nullif(description, ''), '(blank)') as d, greatest(attachment_count, 1) as g, least(attachment_count, 1) as l,
  nullif(attachment_count, 0) as nz
from aws_iam_policy order by name;

-- name: case_simple_form
select name, case path when '/' then 'root' when '/service/' then 'svc' else 'other' end as kind,
  case when mfa_enabled then 1 end as flag
from aws_iam_user order by name;

-- name: exists_and_not_exists
select u.name, exists (select 1 from aws_iam_access_key k where k.user_name = u.name) as has_keys,
  not exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.status = 'Active') as no_active
from aws_iam_user u order by u.name;

-- name: in_subquery_and_scalar_subquery
select name, (select count(*) from aws_iam_access_key k where k.user_name = u.name) as keys
from aws_iam_user u where name in (select user_name from aws_iam_credential_report where password_enabled) order by name;

-- name: union_intersect_except
select name from aws_iam_user where mfa_enabled union select user_name from aws_iam_access_key
except select 'bob' intersect select 'bob' order by 1;

-- name: recursive_cte_counting
with recursive n(i) as (select 1 union all select i + 1 from n where i < 5)
select i, repeat('*', i) as bar from n order by i;

-- name: lateral_subquery_top_key
select u.name, k.access_key_id, k.create_date
from aws_iam_user u left join lateral (
  select access_key_id, create_date from aws_iam_access_key k where k.user_name = u.name order by create_date desc limit 1
) k on true order by u.name;

-- name: group_by_cube_grouping
select account_id, mfa_enabled, count(*) as n, grouping(account_id, mfa_enabled) as g
from aws_iam_user group by cube (account_id, mfa_enabled) order by account_id nulls last, mfa_enabled nulls last;

-- name: having_and_order_by_aggregate
select path, count(*) as n from aws_iam_user group by path having count(*) > 1 or path = '/staff/' order by count(*) desc, path;

-- name: values_join
select v.team, count(u.name) as users
from (values ('platform'), ('finance'), ('security')) v(team) left join aws_iam_user u on u.tags ->> 'team' = v.team
group by v.team order by v.team;

-- name: bool_aggregates_and_every
select account_id, bool_or(is_attached) as any_attached, every(is_aws_managed) as all_managed, bool_and(attachment_count > 0) as all_used
from aws_iam_policy group by account_id order by account_id;

-- name: min_max_text_and_timestamps
select min(name) as first_name, max(name) as last_name, min(create_date) as oldest, max(create_date)::date as newest_day
from aws_iam_user;

-- name: count_distinct_multiple
select count(distinct path) as paths, count(distinct (path, mfa_enabled)) as path_mfa, count(distinct account_id) as accounts
from aws_iam_user;

-- name: limit_offset_ordering
select name from aws_iam_user order by name desc limit 2 offset 1;

-- name: order_by_nulls_and_expressions
select name, password_last_used from aws_iam_user order by password_last_used desc nulls last, name;

-- name: like_ilike_patterns
select name, name like 'ci%' as l, name ilike 'CI%' as il, name not like '%-%' as no_dash, name ~~* '%LEGACY' as op_ilike
from aws_iam_user order by name;

-- name: regex_operators_case
select name, name ~ '^[a-z]+$' as plain, name ~* '^C' as starts_c, name !~ 'e' as no_e, name !~* 'E' as no_e_ci
from aws_iam_user order by name;

-- name: regexp_match_arns
select arn, (regexp_match(arn, 'arn:aws:iam::(\d{12}):(user|role)/(.*)'))[1] as account,
  (regexp_match(arn, 'arn:aws:iam::(\d{12}):(user|role)/(.*)'))[3] as rest
from aws_iam_user order by arn;

-- name: substring_regex_and_positional
select name, substring(arn from ':(user|role)/') as kind, substring(name, 2, 3) as mid, substring(name from 3) as tail,
  substring(name for 2) as head
from aws_iam_user order by name;

-- name: split_part_negative_fields
select arn, split_part(arn, '/', -1) as last, split_part(arn, ':', -2) as account_field, split_part('a,b', ',', 5) as beyond
from aws_iam_role order by arn;

-- name: string_to_array_and_unnest
select name, x from aws_iam_user, unnest(string_to_array(name, '-')) x order by name, x;

-- name: text_comparisons_collation_free
select name from aws_iam_user where name between 'a' and 'd' order by name;

-- name: boolean_is_distinct
select name, mfa_enabled is true as t, mfa_enabled is not false as nf, login_profile is null as no_profile,
  password_last_used is distinct from null as used
from aws_iam_user order by name;

-- name: nested_ctes_with_aggregates
with keys as (select user_name, count(*) as n, max(create_date) as newest from aws_iam_access_key group by user_name),
  users as (select u.name, coalesce(k.n, 0) as n, k.newest from aws_iam_user u left join keys k on k.user_name = u.name)
select name, n, newest, case when n = 0 then 'none' when n = 1 then 'one' else 'many' end as keyset from users order by n desc, name;

-- name: event_time_bucket_15_minutes
select to_timestamp(floor(extract(epoch from event_time) / 900) * 900) as bucket, count(*) as events
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: date_bin_half_hours_from_origin
select date_bin('30 minutes', event_time, timestamptz '2001-01-01 00:10:00+00') as bucket, count(*) as events
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: make_interval_and_timestamp
select make_interval(days => 10) as ten_days, make_timestamptz(2025, 6, 15, 8, 30, 0) as ts,
  make_interval(hours => 2, mins => 30) as hm, make_timestamp(2025, 1, 2, 3, 4, 5.5) as local_ts;

-- name: timezone_conversions
select name, create_date at time zone 'America/New_York' as ny, (create_date at time zone 'UTC')::date as utc_day,
  timezone('Asia/Tokyo', create_date) as tokyo
from aws_iam_user order by name;

-- name: epoch_casts
select name, extract(epoch from create_date) as epoch_numeric, date_part('epoch', create_date) as epoch_double,
  floor(extract(epoch from create_date))::bigint as epoch_int
from aws_iam_user order by name;

-- name: double_output_text
select 0.1::float8 + 0.2::float8 as sum_f, (0.1::float8 + 0.2::float8)::text as sum_text, 1e20::float8 as big,
  1 / 3::float8 as third, (2::float8 ^ 0.5)::text as root2;


-- name: numeric_division_rounded
select name, round(attachment_count / 3.0, 3) as ratio, attachment_count::numeric / 4 as quarter_value
from aws_iam_policy order by name;

-- name: interval_qualifier_spans
select interval '1-2' year to month as ym, interval '10:30' hour to minute as hm, interval '10:30' minute to second as ms,
  interval '1 10:30:15.5' day to second as ds, interval '1 10:30:15' day to hour as dh, interval '2.5' day as d,
  (interval '-1-2' year to month)::text as ym_text, interval '1-2' as ym_plain, '1 10:30'::interval as dt_plain;

-- name: interval_qualifier_with_timestamps
select name, create_date + interval '1-6' year to month as plus_18_months, create_date - interval '1 12:00' day to minute as minus_36h,
  now() - create_date > interval '3-0' year to month as older_than_3y
from aws_iam_user order by name;

-- name: row_text_in_concat_and_format
select concat(row(name, 1), '|') as c, format('%s', row(path)) as f, row(name) || '!' as p,
  row(1, 'a b', null, '', 'x"y', 'back\slash', 2.50, array['a', 'b c'], '{"k": [1, 2]}'::jsonb, row(1, 'p q'), true)::text as r
from aws_iam_user order by name;

-- name: row_text_with_times_and_intervals
select row(create_date, interval '1 day', date '2025-01-01', mfa_enabled)::text as r from aws_iam_user order by name;

-- name: upper_in_initcap_and_comparisons
select name, upper(tags ->> 'équipe') as team, upper('groß') = 'GROß' as kept, initcap('straße nord') as title
from aws_iam_user order by name;

-- name: to_date_month_names
select to_date('March 7, 2024', 'Month DD, YYYY') as d, to_timestamp('07/03/2024 09:15 PM', 'DD/MM/YYYY HH12:MI PM') as ts,
  to_timestamp('2024-06-01 08:30:15', 'yyyy-mm-dd hh24:mi:ss') as lower_ts, to_date('Tue 04 JUN 2024', 'Dy DD MON YYYY') as dy;

-- name: jsonb_array_length_of_arrays_only
select name, jsonb_array_length(attached_policy_arns) as attached, jsonb_array_length(tags -> 'missing') as missing,
  case when jsonb_typeof(tags) = 'array' then jsonb_array_length(tags) end as guarded
from aws_iam_user order by name;

-- name: jsonb_agg_over_windows
select account_id, name, jsonb_agg(name) over (partition by account_id order by name) as so_far,
  jsonb_agg(create_date) over (partition by account_id) as all_dates, json_agg(mfa_enabled) over (order by name rows 1 preceding) as pair
from aws_iam_user order by account_id, name;

-- name: math_functions_inside_their_domain
select sqrt(2)::text as sq_text, ln(2) || '' as ln_text, (2 ^ 10)::text as pow_text, concat(sqrt(9), '|') as c,
  power(2, 3) as p_int, power(2.0, 3) as p_num, 2 ^ 3 as caret, sqrt(16.0) as sq_num, ln(10.0) as ln_num, log(1000.0) as log_num;

-- name: math_functions_of_columns
select name, sqrt(attachment_count)::text as s, round(ln(attachment_count + 1)::numeric, 3)::text as l,
  power(attachment_count, 2) || 'x' as p, jsonb_build_object('r', sqrt(4)) as j, sqrt(attachment_count) / 2 as half,
  log(2, attachment_count + 1) as log2
from aws_iam_policy order by name;

-- name: jsonb_each_with_ordinality
select name, e.key, e.value, e.n from aws_iam_user, jsonb_each(tags) with ordinality e(key, value, n) order by name, n;

-- name: jsonb_each_text_with_ordinality_lateral
select u.name, t.k, t.i from aws_iam_user u left join lateral jsonb_each_text(u.tags) with ordinality t(k, v, i) on true
order by u.name, t.i;

-- name: jsonb_each_condition_operators_with_ordinality
select p.name, c.key as op, c.ordinality from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
  cross join lateral jsonb_each(s -> 'Condition') with ordinality c order by p.name, c.ordinality, op;

-- name: integer_division_negative_operands
select -7 / 2 as a, 7 / -2 as b, -7 % 3 as c, 7 % -3 as d, (-attachment_count - 1) / 2 as e, div(-7, 2) as f, mod(-7, 2) as g
from aws_iam_policy order by name;

-- name: rounding_halves_numeric_and_double
select round(-2.5) as rn, round(2.5) as rp, round(-2.5::float8) as rdn, round(2.5::float8) as rdp, round(0.5::float8) as half,
  trunc(-2.7) as tn, ceil(-2.5) as cn, floor(-2.5) as fn, round(-0.45, 1) as r1, trunc(2.5::float8) as td;

-- name: date_function_and_casts
select name, date(create_date) as d, create_date::timestamp as local_ts, create_date::date::text as d_text,
  create_date > timestamp '2020-01-01' as after_2020, (create_date at time zone 'UTC')::text as ts_text
from aws_iam_user order by name;

-- name: age_one_argument_and_extract
select name, extract(year from age(create_date)) as years, extract(month from age(timestamptz '2025-06-15', create_date)) as months,
  age(create_date) > interval '1 year' as over_a_year
from aws_iam_user order by name;

-- name: jsonb_set_and_concat_build
select name, jsonb_set(coalesce(tags, '{}'), '{team}', '"x"') as set_team, coalesce(tags, '{}') || jsonb_build_object('user', name) as with_user,
  jsonb_build_object('n', name) ->> 'n' as back
from aws_iam_user order by name;

-- name: jsonb_text_equality_and_nulls
select name, (tags -> 'team')::text = '"platform"' as quoted_eq, tags ->> 'team' is null as no_team,
  jsonb_typeof(tags -> 'team') is distinct from 'string' as not_string, tags::text::jsonb = tags as round_trip
from aws_iam_user order by name;

-- name: series_over_array_positions
select p.name, i, p.policy_std -> 'Statement' -> (i - 1) ->> 'Effect' as effect
from aws_iam_policy p, generate_series(1, jsonb_array_length(p.policy_std -> 'Statement')) i order by p.name, i;

-- name: array_subquery_ordered_and_any
select u.name, array(select g ->> 'GroupName' from jsonb_array_elements(u.groups) g order by 1 desc) as groups_desc,
  'admins' = any(array(select g ->> 'GroupName' from jsonb_array_elements(u.groups) g)) as is_admin
from aws_iam_user u order by u.name;

-- name: unnest_with_ordinality_literal_array
select t.v, t.n from unnest(array['c', 'a', 'b']) with ordinality as t(v, n) order by t.n;

-- name: count_distinct_with_filter_and_nullif
select count(distinct path) filter (where mfa_enabled) as mfa_paths, count(nullif(path, '/')) as not_root,
  sum(length(name)) as letters, avg(length(name))::numeric(10, 3) as avg_len
from aws_iam_user;

-- name: extract_epoch_integer_and_now_text
select extract(epoch from timestamptz '2025-01-01 00:00:00+00')::int as epoch_int, to_char(timestamptz '2025-06-15' - interval '1 day', 'YYYY-MM-DD') as yesterday,
  (interval '1 day 2 hours')::text as iv_text, interval '36 hours' as hours_iv;

-- name: null_casts_and_case_types
select cast(null as int) as ni, null::text as nt, nullif('', '') as empty_null, case when false then 1 end as no_branch,
  coalesce(null::int, 0) + 1 as coalesced;

-- name: position_and_like_underscore
select name, position('-' in name) > 0 as has_dash, name like '___' as three_letters, name like '%\%%' as has_percent,
  strpos(arn, ':user/') as user_pos
from aws_iam_user order by name;

-- name: to_hex_lpad_and_bit_ops
select name, lpad(to_hex(length(name)), 4, '0') as hex_len, length(name) & 3 as and3, length(name) | 8 as or8, length(name) # 1 as xor1,
  1 << length(name) as shifted
from aws_iam_user order by name;

-- name: greatest_least_of_timestamps_and_text
select name, greatest(create_date, password_last_used) as latest, least(name, path) as smaller, greatest('a', name, 'm') as g
from aws_iam_user order by name;

-- name: special_time_literals_in_comparisons
select event_id, event_time > 'yesterday' as since_yesterday, event_time < 'tomorrow' as before_tomorrow,
  event_time between 'epoch' and 'now' as in_range, event_time::date = 'today' as today
from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: special_time_literal_casts
select 'now'::timestamptz = now() as is_now, 'today'::date = current_date as is_today, timestamptz 'epoch' as epoch,
  'yesterday'::timestamptz as yesterday, ' Tomorrow '::date - current_date as one, 'today'::timestamp as local_midnight;

-- name: special_time_literal_in_age_window
select name, now() - create_date > 'now'::timestamptz - 'epoch'::timestamptz as impossible,
  count(*) filter (where create_date > 'today'::timestamptz - interval '5 years') over () as recent_users
from aws_iam_user order by name;

-- name: snapshot_time_in_window_partition_and_order
select name, rank() over (partition by create_date > now() - interval '3 years' order by now() - create_date desc, name)
  as by_age, first_value(name) over (order by current_date - create_date::date, name) as newest
from aws_iam_user order by name;

-- name: chr_of_computed_codes
select name, chr(65 + length(name) % 26) as letter, chr(case when mfa_enabled then 90 end) as z
from aws_iam_user order by name;

-- name: distinct_on_matched_by_alias_position_and_repeat
select distinct on (1, u.account_id) lower(u.name) as who, account_id, create_date
from aws_iam_user u order by who, account_id desc, lower(name), create_date, who;

-- name: union_of_types_postgres_matches
select name, attachment_count as n, create_date as at from aws_iam_policy
union select name, 1, '2024-01-01'::date from aws_iam_user
union all select null, 2.5, null
except select 'x'::varchar, max_session_duration, create_date from aws_iam_role r
order by 1 nulls first, 2;

-- name: checked_math_in_window_partition_and_order
select name, rank() over (order by ln(attachment_count + 1), name) as by_log,
  row_number() over (partition by sqrt(attachment_count) order by name) as in_root,
  row_number() over (partition by chr(65 + attachment_count::int) order by name) as in_letter
from aws_iam_policy order by name;

-- name: failing_macros_in_window_partition_and_order
select name, row_number() over (partition by jsonb_array_length(policy_std -> 'Statement') order by name) as by_statements,
  rank() over (order by attachment_count / 2, name) as by_half,
  row_number() over (order by split_part(name, '-', 1), substr(name, 1, 3), name) as by_prefix
from aws_iam_policy order by name;

-- name: jsonb_casts_and_keys_in_window_order
select name, row_number() over (partition by (tags ->> 'n')::int order by name) as by_tag,
  row_number() over (order by ('{"n": 3}'::jsonb -> 'n')::int, name) as by_number,
  row_number() over (order by (select count(*) from jsonb_object_keys(tags)), name) as by_keys
from aws_iam_user order by name;

-- name: union_string_literals_read_as_the_other_branch_type
select '2' as n, 'x' as t union all select attachment_count, name from aws_iam_policy
union all select 10, 'y'
order by n, t;

-- name: union_string_literals_stay_text_or_take_a_type
select x, y, z from (select 'a' as x, '5' as y, '1 day' as z union select 'b', 7, interval '2 hours'
  union select 'c', '6', '3 days') s
order by x;

-- name: stddev_variance_text_has_postgres_decimals
select account_id, stddev(max_session_duration)::text as sd, variance(max_session_duration)::text as var,
  'pop ' || stddev_pop(max_session_duration) as sd_pop, var_pop(max_session_duration)::text as var_pop,
  stddev_samp(length(name) * 1000003)::text as sd_big, var_samp(max_session_duration)::text as var_samp
from aws_iam_role group by account_id order by account_id;

-- name: stddev_text_of_policy_counts
select is_aws_managed, stddev(attachment_count)::text as sd, variance(attachment_count)::text as var
from aws_iam_policy group by is_aws_managed order by is_aws_managed;

-- name: stddev_text_of_one_value_is_null_or_zero
select name, stddev(max_session_duration)::text as sd, var_pop(max_session_duration)::text as var_pop,
  'x' || coalesce(variance(max_session_duration)::text, 'none') as var
from aws_iam_role group by name order by name;

-- name: jsonb_text_of_numeric_with_precision_and_negative_zero
select to_jsonb(1.50::numeric(10, 3))::text as a, jsonb_build_object('n', attachment_count::numeric(6, 2))::text as b,
  jsonb_build_array(max_session_duration::numeric(12, 1), 2.50)::text as c, '[-0.0, 0e5, -0]'::jsonb::text as d,
  '-0.00'::jsonb::text as e
from aws_iam_policy, aws_iam_role where aws_iam_role.name = 'ec2-app' order by aws_iam_policy.name;


-- name: probe_lateral_elements_effect_count
select p.name, count(*) filter (where s ->> 'Effect' = 'Deny') as denies, count(*) as total
from aws_iam_policy p cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') s group by p.name order by p.name;

-- name: probe_jsonb_each_tags_lateral
select u.name, t.key, t.value from aws_iam_user u left join lateral jsonb_each_text(u.tags) t on true order by u.name, t.key nulls first;

-- name: probe_hash_path_arrow
select name, policy_std #>> '{Statement,0,Effect}' as first_effect, policy_std #> '{Statement,0,Action}' as first_actions from aws_iam_policy order by name;

-- name: probe_contains_action
select name from aws_iam_policy where policy_std -> 'Statement' @> '[{"Effect":"Allow","Action":["*"]}]' order by name;

-- name: probe_exists_any_keys
select name, tags ?| array['team','env'] as has_any, tags ?& array['team','env'] as has_all from aws_iam_user order by name;

-- name: probe_date_trunc_month_count
select date_trunc('month', create_date) as month, count(*) from aws_iam_user group by 1 order by 1;

-- name: probe_age_of_users
select name, age(now(), create_date) > interval '1 year' as older, extract(year from age(now(), create_date))::int as years from aws_iam_user order by name;

-- name: probe_extract_fields
select name, extract(dow from create_date) as dow, extract(doy from create_date) as doy, extract(epoch from create_date)::bigint as ep, extract(quarter from create_date) q from aws_iam_user order by name;

-- name: probe_to_char_formats
select name, to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SS') a, to_char(create_date, 'Mon DD, YYYY') b, to_char(create_date, 'Day') c from aws_iam_user order by name;

-- name: probe_interval_arith
select name, create_date + interval '90 days' as due, now() - create_date > '90 days'::interval as stale, (now() - create_date)::text like '%days%' as txt from aws_iam_user order by name;

-- name: probe_regexp_matches_arn
select name, regexp_matches(arn, 'arn:aws:iam::(\d+):user/(.*)') as m from aws_iam_user order by name;

-- name: probe_string_agg_ordered
select account_id, string_agg(name, ', ' order by name desc) as names from aws_iam_user group by account_id order by account_id;

-- name: probe_filter_multiple
select account_id, count(*) filter (where mfa_enabled) as mfa, count(*) filter (where not mfa_enabled) as no_mfa, count(*) filter (where password_last_used is null) as never from aws_iam_user group by account_id order by account_id;

-- name: probe_grouping_sets
select account_id, mfa_enabled, count(*) from aws_iam_user group by grouping sets ((account_id), (mfa_enabled), ()) order by 1 nulls last, 2 nulls last;

-- name: probe_rollup
select account_id, path, count(*) from aws_iam_user group by rollup (account_id, path) order by 1 nulls last, 2 nulls last;

-- name: probe_cte_window_rank
with u as (select name, account_id, create_date, rank() over (partition by account_id order by create_date) as r from aws_iam_user) select name, account_id, r from u where r <= 2 order by account_id, r, name;

-- name: probe_coalesce_typing
select name, coalesce(password_last_used, create_date) as last_seen, coalesce(tags ->> 'team', 'none') as team, coalesce(null, 1, 2.5) as n from aws_iam_user order by name;

-- name: probe_jsonb_int_casts
select name, (tags ->> 'n')::int as n, jsonb_array_length(mfa_devices)::text as devices from aws_iam_user order by name;

-- name: probe_jsonb_text_cast
select name, (policy_std -> 'Version')::text as v, (policy_std -> 'Statement' -> 0 ->> 'Effect')::text as e from aws_iam_policy order by name;

-- name: probe_is_distinct
select name, password_last_used is distinct from null as used, tags -> 'team' is not distinct from '"platform"' as platform from aws_iam_user order by name;

-- name: probe_any_array
select name from aws_iam_user where name = any(array['alice', 'bob']) order by name;

-- name: probe_array_agg_ordered
select account_id, array_agg(name order by name) as names, array_length(array_agg(name), 1) as n from aws_iam_user group by account_id order by account_id;

-- name: probe_unnest_ordinality
select name, a.action, a.n from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, unnest(array(select jsonb_array_elements_text(s -> 'Action'))) with ordinality as a(action, n) order by name, n, action;

-- name: probe_nulls_ordering
select name, password_last_used from aws_iam_user order by password_last_used desc nulls last, name;

-- name: probe_nulls_default_desc
select name, password_last_used from aws_iam_user order by password_last_used desc, name;

-- name: probe_elements_text_ordinality
select name, e.value, e.ordinality from aws_iam_policy, jsonb_array_elements_text(policy_std -> 'Statement' -> 0 -> 'Action') with ordinality e order by name, ordinality;

-- name: probe_event_user_identity
select event_name, user_identity ->> 'type' as t, user_identity ->> 'arn' as arn, additional_event_data ->> 'MFAUsed' as mfa from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: probe_events_per_hour
select date_trunc('hour', event_time) as h, count(*), string_agg(distinct event_name, ',') from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_jsonb_object_keys_count
select name, (select count(*) from jsonb_object_keys(tags)) as n_keys, (select string_agg(k, ',' order by k) from jsonb_object_keys(tags) k) as keys from aws_iam_user order by name;

-- name: probe_access_key_age
select user_name, access_key_id, status, date_part('day', now() - create_date)::int as age_days, now() - create_date > interval '90 days' as old from aws_iam_access_key order by user_name, access_key_id;

-- name: probe_cred_report
select user_name, password_enabled, access_key_1_active, mfa_active, coalesce(password_last_used, access_key_1_last_used_date) as last from aws_iam_credential_report order by user_name;

-- name: probe_password_policy
select account_id, minimum_password_length >= 14 as ok_len, coalesce(password_reuse_prevention, 0) as reuse, max_password_age from aws_iam_account_password_policy order by account_id;

-- name: probe_role_trust_principals
select r.name, p.key as kind, jsonb_array_elements_text(case jsonb_typeof(p.value) when 'array' then p.value else jsonb_build_array(p.value) end) as principal from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Principal') p order by 1, 2, 3;

-- name: probe_jsonb_agg_build
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled) order by name) as users from aws_iam_user group by account_id order by account_id;

-- name: probe_lag_lead
select event_id, event_name, lag(event_name) over (order by event_time, event_id) as prev, event_time - lag(event_time) over (order by event_time, event_id) as gap from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: probe_percent_of_total
select account_id, count(*), round(100.0 * count(*) / sum(count(*)) over (), 2) as pct from aws_iam_user group by account_id order by account_id;

-- name: probe_cumulative
select name, create_date, count(*) over (order by create_date rows between unbounded preceding and current row) as running from aws_iam_user order by create_date, name;

-- name: probe_split_part_arn
select name, split_part(arn, ':', 5) as acct, split_part(arn, '/', -1) as last, array_to_string(string_to_array(path, '/'), '|') as p from aws_iam_user order by name;

-- name: probe_jsonb_typeof_and_length
select name, jsonb_typeof(policy -> 'Statement') as t, case when jsonb_typeof(policy -> 'Statement') = 'array' then jsonb_array_length(policy -> 'Statement') else 1 end as n from aws_iam_policy order by name;

-- name: probe_exists_subquery
select u.name from aws_iam_user u where exists (select 1 from jsonb_array_elements(u.groups) g where g ->> 'GroupName' like '%admin%') order by u.name;

-- name: probe_distinct_on_latest_event
select distinct on (username) username, event_name, event_time from aws_cloudtrail_trail_event order by username, event_time desc;

-- name: probe_case_mixed_numbers
select name, case when attachment_count > 1 then attachment_count * 1.5 else 0 end as score from aws_iam_policy order by name;

-- name: probe_greatest_dates
select name, greatest(create_date, password_last_used, '2020-01-01'::timestamptz) as g, least(create_date, password_last_used) as l from aws_iam_user order by name;

-- name: probe_interval_justify
select name, justify_interval(now() - create_date) > interval '1 mon' as x, date_part('epoch', now() - create_date)::bigint / 86400 as days from aws_iam_user order by name;

-- name: probe_jsonb_path_exists
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') as has_deny from aws_iam_policy order by name;

-- name: probe_array_contains
select name, array['iam:passrole'] <@ array(select jsonb_array_elements_text(s -> 'Action')) as passrole from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s order by 1, 2;

-- name: probe_count_distinct_grouping
select grouping(account_id) as g, account_id, count(distinct path) from aws_iam_user group by cube (account_id) order by g, account_id;

-- name: probe_to_char_timestamps_tz
select event_id, to_char(event_time, 'YYYY-MM-DD HH24:MI:SS TZ') a, to_char(event_time at time zone 'America/New_York', 'HH12:MI AM') b from aws_cloudtrail_trail_event order by event_id;

-- name: probe_tags_jsonb_each_filter
select u.name, count(*) filter (where t.value = '"platform"') as platform_tags from aws_iam_user u, jsonb_each(u.tags) t group by u.name order by u.name;

-- name: probe_json_field_cast_bool
select event_id, (response_elements ->> 'ConsoleLogin') = 'Success' as ok, (additional_event_data -> 'MFAUsed')::text as m from aws_cloudtrail_trail_event order by event_id;

-- name: jsonb_object_agg_values_as_json_writes_them
select jsonb_object_agg(name, create_date) as created, jsonb_object_agg(name, mfa_enabled order by name) as mfa,
  jsonb_object_agg(name, extract(epoch from create_date))::text as epochs from aws_iam_user;

-- name: jsonb_object_agg_with_filter_and_over_a_window
select u.account_id, jsonb_object_agg(u.name, u.password_last_used) filter (where u.mfa_enabled) as used,
  jsonb_object_agg(u.name, u.create_date::date) as days, json_object_agg(u.name, 1) filter (where not u.mfa_enabled) -> 'bob' as bob
from aws_iam_user u group by u.account_id order by u.account_id;

-- name: jsonb_object_agg_of_timestamps_over_a_window
select name, jsonb_object_agg(name, create_date) over (partition by account_id) as created
from aws_iam_user order by name;

-- name: probe_steampipe_r01
select name, jsonb_array_elements(policy_std -> 'Statement') ->> 'Effect' as e from aws_iam_policy order by name, e;

-- name: probe_steampipe_r02
select p.name, s.ordinality, s.value ->> 'Sid' as sid from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality s order by 1, 2;

-- name: probe_steampipe_r03
select name, tags - 'team' as rest, tags || '{"x": 1}' as more from aws_iam_user order by name;

-- name: probe_steampipe_r04
select name, policy_std -> 'Statement' -> -1 ->> 'Effect' as last_effect from aws_iam_policy order by name;

-- name: probe_steampipe_r05
select date_trunc('week', event_time) w, date_trunc('day', event_time, 'UTC') d, count(*) from aws_cloudtrail_trail_event group by 1, 2 order by 1, 2;

-- name: probe_steampipe_r06
select name, to_char(create_date, 'FMMonth FMDD, YYYY HH12:MI:SS AM') a, to_char(create_date, 'IYYY-IW') b, to_char(create_date, 'YY Q WW') c from aws_iam_user order by name;

-- name: probe_steampipe_r07
select name, age(create_date) as a, age(timestamptz '2025-01-01', create_date) as b from aws_iam_user order by name;

-- name: probe_steampipe_r08
select name, extract(epoch from (now() - create_date)) > 86400 as over_a_day, extract(day from now() - create_date) >= 0 as d from aws_iam_user order by name;

-- name: probe_steampipe_r09
select name, (regexp_matches(arn, ':(\d{12}):'))[1] as acct from aws_iam_user order by name;

-- name: probe_steampipe_r10
select name, m from aws_iam_policy, regexp_matches(name, '([a-z]+)', 'g') as m order by name, m;

-- name: probe_steampipe_r11
select account_id, string_agg(distinct path, ';' order by path) as paths, string_agg(name, ',' order by create_date desc nulls last, name) as newest from aws_iam_user group by account_id order by account_id;

-- name: probe_steampipe_r12
select account_id, count(*) filter (where s ->> 'Effect' = 'Allow' and s -> 'Resource' ? '*') as star from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s group by account_id order by account_id;

-- name: probe_steampipe_r13
select coalesce(account_id, 'all') as acct, coalesce(user_type, 'any') as ut, count(*) as n from aws_cloudtrail_trail_event group by grouping sets ((account_id, user_type), (account_id), ()) order by 1, 2;

-- name: probe_steampipe_r14
with s as (select username, event_time, row_number() over (partition by username order by event_time desc) as rn, count(*) over (partition by username) as total from aws_cloudtrail_trail_event) select username, event_time, total from s where rn = 1 order by username nulls first;

-- name: probe_steampipe_r15
select name, coalesce(password_last_used::text, 'never') as used, coalesce(tags -> 'team', '"none"') as team from aws_iam_user order by name;

-- name: probe_steampipe_r16
select name, (assume_role_policy_std -> 'Statement' -> 0 -> 'Condition' -> 'StringEquals' ->> 'sts:externalid') as ext, jsonb_array_length(assume_role_policy_std -> 'Statement')::int + 1 as n from aws_iam_role order by name;

-- name: probe_steampipe_r17
select name, tags ->> 'cost' is distinct from '1' as d, (tags -> 'cost') is distinct from '1'::jsonb as dj from aws_iam_user order by name;

-- name: probe_steampipe_r18
select name from aws_iam_policy where 'iam:passrole' = any(array(select jsonb_array_elements_text(s -> 'Action') from jsonb_array_elements(policy_std -> 'Statement') s)) order by name;

-- name: probe_steampipe_r19
select u.name, g.value ->> 'GroupName' as g, g.n from aws_iam_user u cross join lateral jsonb_array_elements(u.groups) with ordinality as g(value, n) order by 1, 3;

-- name: probe_steampipe_r20
select x, n from unnest(array['b', 'a', null]) with ordinality as t(x, n) order by x nulls first;

-- name: probe_steampipe_r21
select name, password_last_used from aws_iam_user order by password_last_used nulls first, name;

-- name: probe_steampipe_r22
select name, password_last_used from aws_iam_user order by password_last_used asc, name desc;

-- name: probe_steampipe_r23
select array_agg(distinct account_id) as accts, array_agg(name order by name) filter (where mfa_enabled) as mfa from aws_iam_user;

-- name: probe_steampipe_r24
select name, create_date::date as d, create_date::time as t, to_char(create_date, 'HH24') = '00' as midnight from aws_iam_user order by name;

-- name: probe_steampipe_r25
select name, now() - create_date as since, (now() - create_date) > interval '1000 days' as older, justify_days(interval '45 days') as j from aws_iam_user order by name;

-- name: probe_steampipe_r26
select date_part('hour', event_time) as h, extract(minute from event_time) as m, event_time::date - '2025-06-01'::date as days from aws_cloudtrail_trail_event order by event_id;

-- name: probe_steampipe_r27
select name, jsonb_path_query_first(policy_std, '$.Statement[0].Action[0]') as first, jsonb_path_query_array(policy_std, '$.Statement[*].Effect') as effects from aws_iam_policy order by name;

-- name: probe_steampipe_r28
select event_name, count(*) as n, min(event_time) first_seen, max(event_time) - min(event_time) as span from aws_cloudtrail_trail_event group by event_name having count(*) >= 1 order by n desc, event_name;

-- name: probe_steampipe_r29
select name, split_part(name, '-', 1) as prefix, left(name, 3) l, right(name, 3) r, initcap(replace(name, '-', ' ')) ic, reverse(name) rv from aws_iam_user order by name;

-- name: probe_steampipe_r30
select name, lower(tags ->> 'team') = 'platform' is true as platform, (tags ->> 'team') is null as no_team from aws_iam_user order by name;

-- name: probe_steampipe_r31
select user_name, (extract(epoch from now() - access_key_1_last_rotated) / 86400)::int as rot_days from aws_iam_credential_report order by user_name;

-- name: probe_steampipe_r32
select name, case when password_last_used > now() - interval '90 days' then 'active' when password_last_used is null then 'never' else 'stale' end as state from aws_iam_user order by name;

-- name: probe_steampipe_r33
select r.name, count(distinct a) as n from aws_iam_role r left join lateral jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s on true left join lateral jsonb_array_elements_text(s -> 'Action') a on true group by r.name order by r.name;

-- name: probe_steampipe_r34
select t.name, t.is_multi_region_trail, t.log_file_validation_enabled, coalesce(t.kms_key_id, 'none') as k, t.event_selectors -> 0 ->> 'ReadWriteType' as rw from aws_cloudtrail_trail t order by t.name;

-- name: probe_steampipe_r35
select name, jsonb_strip_nulls(login_profile) as lp, login_profile ->> 'CreateDate' as lpc from aws_iam_user order by name;

-- name: probe_steampipe_r36
select name, ntile(2) over (order by create_date) as half, percent_rank() over (order by create_date) as pr, cume_dist() over (order by create_date) cd from aws_iam_user order by name;

-- name: probe_steampipe_r37
select name, first_value(name) over w as first, last_value(name) over w as last, nth_value(name, 2) over w as second from aws_iam_user window w as (partition by account_id order by create_date rows between unbounded preceding and unbounded following) order by name;

-- name: probe_steampipe_r38
select name, sum(attachment_count) over (order by name rows 1 preceding) as s2, avg(attachment_count) over (partition by is_aws_managed) > 0 as pos from aws_iam_policy order by name;

-- name: probe_steampipe_r39
select account_id, bool_and(mfa_enabled) as all_mfa, bool_or(mfa_enabled) any_mfa, every(password_last_used is not null) as all_used from aws_iam_user group by account_id order by account_id;

-- name: probe_steampipe_r40
select name, array_position(array['alice', 'bob'], name) as pos, cardinality(array(select jsonb_object_keys(tags))) as nk from aws_iam_user order by name;

-- name: probe_steampipe_r41
select name, create_date at time zone 'UTC' as utc, (create_date at time zone 'Asia/Tokyo')::date as tokyo_day from aws_iam_user order by name;

-- name: probe_steampipe_r42
select name, tags @> '{"team": "platform"}' as platform, tags <@ '{"team": "platform", "env": "prod"}' as sub from aws_iam_user order by name;

-- name: probe_steampipe_r44
select name, position('/' in path) as p, substring(arn from 'user/(.*)$') as u, arn ~* 'STAFF' as staff, arn !~ 'svc' as not_svc from aws_iam_user order by name;

-- name: probe_steampipe_r45
select name, length(name) as l, octet_length(name) as o, char_length(name) as c, md5(name) as h from aws_iam_user order by name;

-- name: probe_steampipe_s01
select name, extract(epoch from create_date) as ep, extract(epoch from interval '1 day 2 hours') as iv, date_part('epoch', create_date) as dp from aws_iam_user order by name;

-- name: probe_steampipe_s02
select account_id, count(*)::float / 3 as f, count(*) * 100 / 7 as i, round(avg(max_session_duration), 2) as r, round(avg(max_session_duration)) as r0 from aws_iam_role group by account_id order by account_id;

-- name: probe_steampipe_s03
select percentile_cont(0.5) within group (order by max_session_duration) as med, percentile_disc(0.5) within group (order by max_session_duration) as d, mode() within group (order by account_id) as m from aws_iam_role;

-- name: probe_steampipe_s04
select g::date as day from generate_series(timestamptz '2025-06-10', timestamptz '2025-06-14', interval '1 day') g order by 1;

-- name: probe_steampipe_s05
select d, count(e.event_id) from generate_series('2025-06-12'::date, '2025-06-15'::date, '1 day') d left join aws_cloudtrail_trail_event e on e.event_time::date = d group by d order by d;

-- name: probe_steampipe_s06
select name, array_to_string(array(select jsonb_array_elements_text(s -> 'Action') order by 1), ',') as acts from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s order by 1, 2;

-- name: probe_steampipe_s07
select u, count(*) from aws_iam_user, unnest(string_to_array(trim(both '/' from path), '/')) u group by u order by u;

-- name: probe_steampipe_s09
select u.name, last.event_name from aws_iam_user u left join lateral (select event_name from aws_cloudtrail_trail_event e where e.username = u.name order by event_time desc limit 1) last on true order by u.name;

-- name: probe_steampipe_s10
select name from aws_iam_user where name not in (select username from aws_cloudtrail_trail_event where username is not null) order by name;

-- name: probe_steampipe_s11
select name from aws_iam_user where name not in (select username from aws_cloudtrail_trail_event) order by name;

-- name: probe_steampipe_s12
select name from aws_iam_policy where name like any (array['%Admin%', 'ci-%']) order by name;

-- name: probe_steampipe_s13
select name, greatest(password_last_used, create_date) g, least(1, null, 3) l from aws_iam_user order by name;

-- name: probe_steampipe_s14
select distinct tags from aws_iam_user order by tags;

-- name: probe_steampipe_s15
select name from aws_iam_user order by name collate "C";

-- name: probe_steampipe_s16
select name, substr(name, 2), substr(name, -1, 3), substring(name, 2, 3), format('%s has %s', name, coalesce(path, '-')) f, format('%-10s|', name) p from aws_iam_user order by name;

-- name: probe_steampipe_s17
select to_timestamp(1718000000) as t, to_timestamp(1718000000.5)::text as t2, to_date('2025-06-15', 'YYYY-MM-DD') as d, '2025-06-15'::date + 30 as plus;

-- name: probe_steampipe_s18
select name, now()::date - create_date::date as days, (now()::date - create_date::date) / 7 as weeks from aws_iam_user order by name;

-- name: probe_steampipe_s19
select interval '1 day' * 1.5 as a, interval '1 hour' * 2 + interval '30 min' as b, interval '90 days' / 2 as c, -interval '1 day' as d, interval '1 year' - interval '1 day' as e;

-- name: probe_steampipe_s20
select name, make_interval(days => 90) as mi, create_date + make_interval(days => 90) as due from aws_iam_user order by name;

-- name: probe_steampipe_s21
select count(*) filter (where event_time > now() - interval '30 days') as recent, count(distinct username) filter (where read_only) as readers from aws_cloudtrail_trail_event;

-- name: probe_steampipe_s22
select e.event_name, e.request_parameters ->> 'userName' as target, e.user_identity ->> 'arn' as actor, e.error_code is not null as failed from aws_cloudtrail_trail_event e where e.event_source = 'iam.amazonaws.com' order by e.event_time, e.event_id;

-- name: probe_steampipe_s23
select name, jsonb_array_length(coalesce(mfa_devices, '[]')) as n, mfa_devices -> 0 ->> 'SerialNumber' as sn from aws_iam_user order by name;

-- name: probe_steampipe_s24
select name, (select count(*) from jsonb_array_elements(policy_std -> 'Statement') s where s ->> 'Effect' = 'Allow') as allows from aws_iam_policy order by name;

-- name: probe_steampipe_s25
select account_id, jsonb_agg(distinct path) as paths, json_agg(name order by name) as names from aws_iam_user group by account_id order by account_id;

-- name: probe_steampipe_s26
select name, row_number() over () is not null as x, dense_rank() over (order by account_id) as dr from aws_iam_user order by name;

-- name: probe_steampipe_s27
select to_char(event_time, 'YYYY-MM-DD') as day, event_name, count(*) from aws_cloudtrail_trail_event group by rollup (1, 2) order by 1 nulls last, 2 nulls last;

-- name: probe_steampipe_s28
select name, password_last_used is null and create_date < now() - interval '1 year' as unused, coalesce(date_part('day', now() - password_last_used), -1) as d from aws_iam_user order by name;

-- name: probe_steampipe_s29
select event_name, user_agent, split_part(user_agent, '/', 1) as client, source_ip_address::inet <<= '203.0.113.0/24'::inet as in_net from aws_cloudtrail_trail_event where source_ip_address ~ '^\d' order by event_id;

-- name: probe_steampipe_s30
select name, case jsonb_typeof(tags -> 'cost') when 'number' then (tags ->> 'cost')::numeric * 2 end as doubled from aws_iam_user order by name;

-- name: probe_steampipe_s31
select name, concat_ws('/', account_id, path, name) as full, concat(name, null, '!') as c from aws_iam_user order by name;

-- name: probe_steampipe_s32
select name, attachment_count, sum(attachment_count) over () as total, attachment_count::float / nullif(sum(attachment_count) over (), 0) as share from aws_iam_policy order by name;

-- name: probe_steampipe_s33
select array_agg(name order by name) filter (where name ~ '^[a-c]') as abc, array_length(array_agg(name), 1) as n, (array_agg(name order by name))[2] as second from aws_iam_user;

-- name: probe_steampipe_s34
select name, tags ->> 'team' as team from aws_iam_user where tags ->> 'team' in ('platform', 'finance') and (tags ? 'team') order by team desc, name;

-- name: probe_steampipe_s35
select name, jsonb_build_object('n', name, 'd', create_date, 'm', mfa_enabled, 'x', null) as o from aws_iam_user order by name;

-- name: probe_steampipe_s36
select name, to_jsonb(create_date) as j, to_jsonb(name) as n, to_jsonb(array[1, 2]) as a from aws_iam_user order by name;

-- name: probe_steampipe_s37
select name, (jsonb_build_object('d', create_date) ->> 'd') as d_text from aws_iam_user order by name;

-- name: probe_steampipe_s38
select count(*) as n, count(password_last_used) as used, count(distinct account_id) as accts, sum(case when mfa_enabled then 1 else 0 end) as mfa from aws_iam_user;

-- name: probe_steampipe_s39
select name, date_trunc('month', create_date)::date as m, extract(isodow from create_date) as idow, extract(week from create_date) as wk from aws_iam_user order by name;

-- name: probe_steampipe_s40
select name, create_date, lead(create_date) over (order by create_date) - create_date as gap_to_next from aws_iam_user order by create_date;

-- name: json_build_object_text_has_json_spacing
select name, json_build_object('name', name, 'created', create_date, 'mfa', mfa_enabled, 'tags', tags, 'none', null,
  'n', 1.50, 'f', 0.1::float8, 'd', create_date::date)::text as o,
  'user: ' || json_build_object('n', name, 'inner', json_build_object('p', path, 'q', 'b"c')) as nested,
  concat(json_build_object('b', 1, 'a', 2, 'b', 3), '!') as repeated, format('%s', json_build_object(1, true)) as number_key,
  json_build_object()::text as empty, jsonb_build_object(length(name), mfa_enabled) as jsonb_number_key
from aws_iam_user order by name;

-- name: json_build_object_text_of_arrays_intervals_and_escapes
select json_build_object('s', E'tab\there', 'u', 'é', 'sl', 'a/b', 'i', interval '1 day 2 hours', 'arr', array[1, 2],
  'p', policy_std -> 'Statement' -> 0 -> 'Effect')::text as o
from aws_iam_policy order by name;

-- name: probe_steampipe_t01
select name, tags ? 'team' as has, tags -> 'team' ? 'platform' as str_exists, '["a","b"]'::jsonb ? 'a' as arr from aws_iam_user order by name;

-- name: probe_steampipe_t02
select name, policy_std #- '{Statement,0}' as rest from aws_iam_policy order by name;

-- name: probe_steampipe_t03
select name, jsonb_set(tags, '{owner}', to_jsonb(name)) as t, jsonb_insert('[1,2]', '{1}', '9') as ins from aws_iam_user order by name;

-- name: probe_steampipe_t04
select name, regexp_replace(arn, '^arn:aws:iam::\d+:', '') as rest, regexp_replace(name, '[aeiou]', '*', 'g') as masked from aws_iam_user order by name;

-- name: probe_steampipe_t05
select name, regexp_split_to_array(path, '/') as parts, array_length(regexp_split_to_array(trim(both '/' from path), '/'), 1) as depth from aws_iam_user order by name;

-- name: probe_steampipe_t06
select name, name ilike '%A%' as a, name ~~* 'B%' as b, name similar to '(a|b)%' as sim from aws_iam_user order by name;

-- name: probe_steampipe_t07
select name, date_trunc('quarter', create_date) as q, date_trunc('year', create_date)::date as y, extract(century from create_date) as c from aws_iam_user order by name;

-- name: probe_steampipe_t08
select name, to_char(create_date, 'Dy, DD Mon YYYY HH24:MI:SS') as rfc, to_char(create_date, 'MS US') as frac, to_char(create_date, 'J') jd from aws_iam_user order by name;

-- name: probe_steampipe_t09
select name, interval '1 month' * 13 as m, (now() - create_date) / 365 as yearish, age(create_date, create_date - interval '400 days') as a from aws_iam_user order by name;

-- name: probe_steampipe_t10
select name, password_last_used - create_date as lag, (password_last_used - create_date) < interval '0' as neg from aws_iam_user order by name;

-- name: probe_steampipe_t11
select name, create_date::date - interval '1 day' as prev, create_date::date + time '12:00' as noon, date '2025-01-31' + interval '1 month' as feb from aws_iam_user order by name;

-- name: probe_steampipe_t12
select account_id, array_agg(name order by name) && array['alice', 'zed'] as overlap, array_agg(distinct path) @> array['/'] as has_root from aws_iam_user group by account_id order by account_id;

-- name: probe_steampipe_t13
select name, coalesce(nullif(path, '/'), '(root)') as p, nullif(attachment_count, 0) as n from aws_iam_policy order by name;

-- name: probe_steampipe_t14
select name from aws_iam_user where create_date between '2019-01-01' and '2021-12-31' order by name;

-- name: probe_steampipe_t15
select name, create_date > '2020-01-01'::date as after, create_date::date = '2020-02-29' as leap from aws_iam_user order by name;

-- name: probe_steampipe_t16
select name, upper(left(name, 1)) || lower(substr(name, 2)) as cap, lpad(name, 12, '.') as padded, rpad(name, 3) as cut from aws_iam_user order by name;

-- name: probe_steampipe_t17
select name, translate(name, 'ae', 'AE') as t, repeat('-', length(name)) as r, strpos(name, 'e') as pos, starts_with(name, 'a') as sw from aws_iam_user order by name;

-- name: probe_steampipe_t18
select string_agg(name, E'\n' order by name) as lines from aws_iam_user;

-- name: probe_steampipe_t19
select count(*) filter (where tags = '{}'::jsonb) as empty_tags, count(*) filter (where tags is null) as null_tags, count(*) filter (where jsonb_typeof(tags) = 'object') as obj from aws_iam_user;

-- name: probe_steampipe_t20
select name, (select max(v::int) from jsonb_each_text(tags) as t(k, v) where v ~ '^\d+$') as maxnum from aws_iam_user order by name;

-- name: probe_steampipe_t21
select name, jsonb_array_length(policy_std -> 'Statement') as n, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*]') as acts from aws_iam_policy order by name;

-- name: probe_steampipe_t22
select k, count(*) from aws_iam_user, jsonb_object_keys(tags) k group by k order by count(*) desc, k;

-- name: probe_steampipe_t23
select name, case when mfa_enabled then 'yes' end as m, case mfa_enabled when true then 1 when false then 0 end as n from aws_iam_user order by name;

-- name: probe_steampipe_t24
select account_id, count(*) as n, count(*) filter (where mfa_enabled)::float / count(*) as ratio, round(100.0 * count(*) filter (where mfa_enabled) / count(*)) as pct from aws_iam_user group by account_id order by account_id;

-- name: probe_steampipe_t25
select event_name, count(*) over (partition by event_name) as n, row_number() over (partition by event_name order by event_time) as i from aws_cloudtrail_trail_event order by event_name, i;

-- name: probe_steampipe_t26
select username, event_time, sum(case when error_code is not null then 1 else 0 end) over (partition by username order by event_time range between interval '1 day' preceding and current row) as errs from aws_cloudtrail_trail_event order by username nulls last, event_time;

-- name: probe_steampipe_t27
select name, least(create_date, now() - interval '5 years') as l, greatest(password_last_used, create_date) - create_date as used_after from aws_iam_user order by name;

-- name: probe_steampipe_t28
select distinct jsonb_array_elements_text(s -> 'Action') as action from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s order by action;

-- name: probe_steampipe_t29
select name, exists (select 1 from jsonb_array_elements(policy_std -> 'Statement') s where s -> 'Action' ?| array['s3:*', '*']) as broad from aws_iam_policy order by name;

-- name: probe_steampipe_t30
select name, ltrim(path, '/') as p, btrim('  x  ') as b, trim(leading '0' from '00120') as t from aws_iam_user order by name;

-- name: union_string_literal_takes_a_derived_column_type
select x, y, z from (select 'a' as x, '5' as y, '1 day' as z union select 'b', 7, interval '2 hours') s
union select 'c', '6', '3 days'
order by x;

-- name: union_string_literal_takes_a_cte_column_type
with c as (select name, attachment_count as n from aws_iam_policy), d(a) as (select '5')
select name, n, (select a from d) as a from c union all select 'total', '9', 'x'
union all select t.name, '1', t.a from (select name, a from aws_iam_user, d) t
order by 1, 2, 3;

-- name: union_string_literal_with_a_recursive_cte
with recursive r(i) as (select 1 union all select i + 1 from r where i < 3)
select i from r union select '10'
order by 1;

-- name: union_string_literal_takes_a_subquery_timestamp
select t.n from (select name, create_date as n from aws_iam_user) t union select '2024-01-01' order by 1;

-- name: probe_steampipe_w01
select u.name, g from aws_iam_user u left join lateral jsonb_array_elements(u.mfa_devices) g on true order by u.name;

-- name: probe_steampipe_w02
select u.name, count(g) from aws_iam_user u left join lateral jsonb_array_elements(u.groups) g on true group by u.name order by u.name;

-- name: probe_steampipe_w03
select count(distinct (account_id, path)) as pairs, count(distinct account_id || path) as joined from aws_iam_user;

-- name: probe_steampipe_w04
select * from (values ('a', 1), ('b', null), (null, 3)) v(k, n) order by k nulls first;

-- name: probe_steampipe_w05
select name, (account_id, path) = ('111122223333', '/') as root1 from aws_iam_user order by name;

-- name: probe_steampipe_w06
select jsonb_agg(tags) as all_tags, jsonb_agg(tags) filter (where tags is not null and tags <> '{}') as non_empty from aws_iam_user;

-- name: probe_steampipe_w07
select array_agg(tags -> 'team' order by name) as teams from aws_iam_user;

-- name: probe_steampipe_w08
select string_agg(distinct event_source, ', ' order by event_source) from aws_cloudtrail_trail_event;

-- name: probe_steampipe_w09
select event_id, coalesce(request_parameters ->> 'userName', user_identity ->> 'userName', 'n/a') as who from aws_cloudtrail_trail_event order by event_id;

-- name: probe_steampipe_w10
select g as d from generate_series(timestamptz '2025-06-01', timestamptz '2025-06-01' + interval '3 hours', interval '90 minutes') g;

-- name: probe_steampipe_w11
select name, row_number() over (order by password_last_used desc) as r1, row_number() over (order by password_last_used desc nulls last, name) as r2 from aws_iam_user order by name;

-- name: probe_steampipe_w12
select name, create_date, interval '1 day' * extract(day from now() - create_date) as days_iv from aws_iam_user order by name;

-- name: probe_steampipe_w13
select name, to_char(create_date, 'YYYY"Q"Q') as yq, to_char(create_date, 'DDD') as doy, to_char(create_date, 'TZ') as tz from aws_iam_user order by name;

-- name: probe_steampipe_w14
select p.name, jsonb_array_elements(p.policy_std -> 'Statement') -> 'Condition' is null as no_cond from aws_iam_policy p order by 1, 2;

-- name: probe_steampipe_w15
select name, policy_std -> 'Statement' -> 0 -> 'Action' ->> 0 as first_action, policy_std -> 'Statement' -> 0 -> 'Action' ->> -1 as last_action from aws_iam_policy order by name;

-- name: probe_steampipe_w16
select name, tags ->> 'team' || '-' || coalesce(tags ->> 'env', 'none') as label from aws_iam_user order by name;

-- name: probe_steampipe_w17
select account_id, max(create_date) - min(create_date) as spread, avg(create_date - '2015-01-01'::timestamptz) > interval '1000 days' as late from aws_iam_user group by account_id order by account_id;

-- name: probe_steampipe_w18
select name, mfa_enabled::int as m, mfa_enabled::text as t, (not mfa_enabled)::int + 1 as n from aws_iam_user order by name;

-- name: probe_steampipe_w19
select name, length(arn) - length(replace(arn, ':', '')) as colons, array_length(string_to_array(arn, ':'), 1) as parts from aws_iam_user order by name;

-- name: probe_steampipe_w20
select event_id, event_time::date as d, to_char(event_time, 'HH24:MI') as t, date_part('dow', event_time) as dow, extract(hour from event_time) between 9 and 17 as business from aws_cloudtrail_trail_event order by event_id;

-- name: probe_steampipe_w21
select name, case when tags ? 'team' then tags ->> 'team' else null end as team, tags -> 'team' = '"platform"'::jsonb as p from aws_iam_user order by name;

-- name: probe_steampipe_w22
select count(*) from aws_iam_policy p where not exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Deny');

-- name: probe_steampipe_w23
select name, (select string_agg(value, ',' order by value) from jsonb_array_elements_text(policy_std -> 'Statement' -> 0 -> 'Resource')) as res from aws_iam_policy order by name;

-- name: probe_steampipe_w24
select name, jsonb_pretty(tags) as pretty from aws_iam_user where tags <> '{}' order by name;

-- name: probe_steampipe_w25
select name, create_date, date_bin('1 day', create_date, timestamptz '2000-01-01') as bin from aws_iam_user order by name;

-- name: jsonb_literal_members_keep_their_number_text
select ('{"a": 1.50}'::jsonb ->> 'a') as a, ('{"a": 1.50}'::jsonb -> 'a')::text as b, ('[1.50]'::jsonb ->> 0) as c,
  ('[1.50, 2.0]'::jsonb -> -1)::text as d, '{"a": {"b": [1, 2.50, {"c": "x"}]}}'::jsonb #>> '{a,b,1}' as e,
  ('{"a": {"b": [1, 2.50]}}'::jsonb #> '{a,b}')::text as f, '{"a": 1}'::jsonb -> 'zz' as g, '{"a": null}'::jsonb ->> 'a' as h,
  '{"a": null}'::jsonb -> 'a' as i, ('{"k": 1e2}'::jsonb -> 'k')::text as j, '{"a": "b\"c"}'::jsonb ->> 'a' as k;

-- name: jsonb_literal_members_of_scalars_and_wrong_shapes
select '5'::jsonb -> 0 as a, '5'::jsonb ->> 0 as b, '{"a": 1}'::jsonb -> 0 as c, '[1,2]'::jsonb ->> 'a' as d,
  '"x"'::jsonb ->> 0 as e, '[1,2]'::jsonb ->> 5 as f, '{"a": [1.0]}'::jsonb -> 'a' @> '[1]' as g,
  '{"x": 1.50}'::jsonb -> 'x' = to_jsonb(1.5) as h;

-- name: jsonb_literal_elements_keep_their_number_text
select x::text as element, t from jsonb_array_elements('[1.50, 2.500, 1e2, 1.0e-3, null, "s", [1.0]]'::jsonb)
  with ordinality as e(x, n)
  join jsonb_array_elements_text('[1.50, 2.500, 1e2, 1.0e-3, null, "s", [1.0]]') with ordinality as f(t, m) on m = n
order by n;

-- name: jsonb_literal_elements_text_in_select_list_and_lateral
select name, e, jsonb_array_elements_text('[1.50, "a\"b", null, {"b": 1, "a": 2.0}]') as t
from aws_iam_user, jsonb_array_elements_text('["x", 0.10]') e where name = 'alice' order by e, t nulls first;

-- name: union_string_literal_takes_count_and_boolean_types
select '7' as n, 'true' as b from aws_iam_role where false
union select count(*), bool_and(mfa_enabled) from aws_iam_user
union select count(*), max(name) = 'alice' from aws_iam_policy
union select 12, name like 'a%' or exists (select 1) from aws_iam_user where name = 'bob'
order by 1, 2;

-- name: probe_role_avg
select avg(max_session_duration) as a from aws_iam_role;

-- name: probe_policy_avg
select account_id, avg(attachment_count) from aws_iam_policy group by account_id order by account_id;

-- name: probe_policy_numeric_count_sum
select sum(attachment_count)::numeric / count(*) as r from aws_iam_policy;

-- name: probe_user_filter_count
select 100.0 * count(*) filter (where mfa_enabled) / count(*) as pct from aws_iam_user;

-- name: probe_user_filter_round_count
select round(100.0 * count(*) filter (where mfa_enabled) / count(*), 2) as pct from aws_iam_user;

-- name: probe_literal_path_text_path
select '{"a": {"b": [1.50]}}'::jsonb #>> '{a,b,0}';

-- name: probe_user_union
select 'x' as v union all select name || '' from aws_iam_user;

-- name: probe_user_case
select case when mfa_enabled then 'yes' else upper(name) end from aws_iam_user;

-- name: probe_policy_window_avg
select name, avg(attachment_count) over (partition by account_id) as a from aws_iam_policy order by name;

-- name: probe_role_filter_avg_join
select account_id, avg(attachment_count) filter (where is_attached) a, avg(max_session_duration / 60) b from aws_iam_role r join aws_iam_policy p using (account_id) group by account_id order by a desc, account_id;

-- name: probe_policy_avg_text_cast
select avg(attachment_count)::text || ' avg' from aws_iam_policy;

-- name: probe_user_filter_count_2
select account_id, 100.0 * count(*) filter (where mfa_enabled) / count(*) as pct from aws_iam_user group by account_id order by pct desc;

-- name: probe_role_numeric
select name, max_session_duration::numeric / 3600 as hours from aws_iam_role order by hours, name;

-- name: probe_literal
select -7.0 / 3, 2 / 3.00, 1e3 / 7, 0.0 / 5;

-- name: probe_policy_avg_2
select avg(attachment_count) from aws_iam_policy where false;

-- name: probe_literal_elements
select e ->> 'x' from jsonb_array_elements('[{"x": 1e-7}, {"x": 1E+2}, {"x": 2.5e1}, {"x": 1e21}, {"x": 12}]'::jsonb) e;

-- name: probe_literal_each_text_each
select value from jsonb_each_text('{"a": 1e-7, "b": 1E+2, "c": 3.25e2}'::jsonb) order by key;

-- name: probe_literal_path_text_path_2
select '{"a": {"b": [1e-3]}}'::jsonb #>> '{a,b,0}', '{"a": 5e-1}'::jsonb ->> 'a';

-- name: probe_literal_elements_text_elements
select jsonb_array_elements_text('[1e2, 1.5e-8, 3]'::jsonb);

-- name: probe_literal_2
select x ->> 0 from (select '[1e-7]'::jsonb as x) s;

-- name: probe_user_union_2
select '5' as v union select length(name) from aws_iam_user order by v;

-- name: probe_user_case_2
select name, case when mfa_enabled then '10' else length(name) end as n from aws_iam_user order by n, name;

-- name: probe_policy_coalesce
select coalesce(attachment_count + 1, '0') as c from aws_iam_policy order by c;

-- name: probe_user_union_3
select 'x' as v union all select upper(name) from aws_iam_user order by v;

-- name: probe_user_split_part_case
select case when mfa_enabled then 'none' else split_part(arn, ':', 5) end as a from aws_iam_user order by a;

-- name: probe_user_date_trunc_union
select '2024-01-01' as d union select date_trunc('day', create_date) from aws_iam_user order by d;

-- name: probe_user_interval_case
select case when mfa_enabled then '2020-01-01' else create_date + interval '1 day' end as d from aws_iam_user order by d;

-- name: probe_user_union_4
select 'n/a' as k union select name || '-' || account_id from aws_iam_user order by k;

-- name: probe_policy_union_text_cast
select v from (select '10' as v union all select (attachment_count * 2)::text from aws_iam_policy) s order by v;

-- name: probe_policy_greatest
select greatest('3', attachment_count) as g from aws_iam_policy order by g;

-- name: probe_policy
select nullif(attachment_count, '1') as g from aws_iam_policy order by g nulls first;

-- name: probe_policy_case
select case when is_attached then 'true' else attachment_count > 1 end as b from aws_iam_policy order by b;

-- name: probe_user_union_count
select '7' as v union select count(*) + 1 from aws_iam_user order by v;

-- name: probe_policy_case_2
select case attachment_count when '1' then 'one' else 'many' end from aws_iam_policy order by 1;

-- name: probe_user_union_5
select 'x' || 1 as v union select lower(name) from aws_iam_user order by v;

-- name: probe_user_case_3
select case when mfa_enabled then 'a' else null end || name as v from aws_iam_user order by v;

-- name: probe_policy_2
select name, jsonb_array_length(policy_std -> 'Statement') as n from aws_iam_policy order by n desc, name;

-- name: probe_policy_elements
select p.name, s ->> 'Sid' as sid from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Sid' is not null order by 1, 2;

-- name: probe_policy_elements_text_elements_like
select distinct a from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where a like '%:*' order by a;

-- name: probe_policy_contains
select name from aws_iam_policy where policy_std -> 'Statement' @> '[{"Effect": "Deny"}]' order by name;

-- name: probe_policy_elements_exists_any
select name, s -> 'Resource' as res from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s where s -> 'Resource' ?| array['*'] order by name;

-- name: probe_role_elements_each
select r.name, p ->> 'AWS' as aws from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Principal') as pr(k, p) where k = 'AWS' order by 1, 2;

-- name: probe_policy_jsonpath_path_text_path
select name, jsonb_path_query(policy_std, '$.Statement[*].Effect') #>> '{}' as effect from aws_iam_policy order by name, effect;

-- name: probe_policy_jsonpath_exists
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && @.Resource[*] == "*")') as broad from aws_iam_policy order by name;

-- name: probe_user_coalesce
select name, coalesce(tags ->> 'owner', tags ->> 'Owner', 'unknown') as owner from aws_iam_user order by name;

-- name: probe_role_coalesce
select name, coalesce(tags, '{}'::jsonb) ->> 'team' as team from aws_iam_role order by name;

-- name: probe_policy_elements_filter_cte
with stmts as (select p.name, s from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s)
select name, count(*) filter (where s ->> 'Effect' = 'Allow') as allows, count(*) filter (where s ->> 'Effect' = 'Deny') as denies from stmts group by name order by name;

-- name: probe_user_string_agg
select account_id, string_agg(name, ', ' order by name) as users from aws_iam_user group by account_id order by account_id;

-- name: probe_role_array_agg
select account_id, array_agg(name order by create_date desc) as roles from aws_iam_role group by account_id order by 1;

-- name: probe_user_window_row_number
select name, create_date, row_number() over (partition by account_id order by create_date) as rn from aws_iam_user order by account_id, rn;

-- name: probe_policy_window_rank
select name, rank() over (order by attachment_count desc) as r, dense_rank() over (order by attachment_count desc) as dr from aws_iam_policy order by r, name;

-- name: probe_user_window_lag
select name, lag(name) over (order by create_date) as prev, lead(create_date) over (order by create_date) as next_created from aws_iam_user order by create_date, name;

-- name: probe_user_date_trunc_count
select date_trunc('month', create_date) as month, count(*) from aws_iam_user group by 1 order by 1;

-- name: probe_user_age_interval
select name, age(now(), create_date) > interval '365 days' as old from aws_iam_user order by name;

-- name: probe_user_extract
select name, extract(day from now() - password_last_used) as days_since from aws_iam_user where password_last_used is not null order by name;

-- name: probe_role_to_char
select name, to_char(create_date, 'YYYY-MM-DD') as created from aws_iam_role order by created, name;

-- name: probe_user_to_char
select name, to_char(create_date, 'Mon DD, YYYY HH24:MI') as created from aws_iam_user order by name;

-- name: probe_credential_report_date_part
select user_name, date_part('day', now() - access_key_1_last_rotated)::int as key_age from aws_iam_credential_report where access_key_1_active order by user_name;

-- name: probe_role_split_part
select name, split_part(arn, ':', 5) as account, split_part(arn, '/', 2) as tail from aws_iam_role order by name;

-- name: probe_policy_regexp
select name, regexp_replace(arn, '^arn:aws:iam::\d+:', '') as short from aws_iam_policy order by name;

-- name: probe_user_substring
select name, substring(arn from 'arn:aws:iam::(\d+):') as acct from aws_iam_user order by name;

-- name: probe_role_regex_match
select name from aws_iam_role where name ~* '^(aws|admin)' order by name;

-- name: probe_trail_event_count
select event_name, count(*) from aws_cloudtrail_trail_event group by event_name order by count(*) desc, event_name;

-- name: probe_trail_event_distinct_on
select distinct on (username) username, event_name, event_time from aws_cloudtrail_trail_event where username is not null order by username, event_time desc;

-- name: probe_trail_event_count_2
select username, count(distinct event_name) as kinds from aws_cloudtrail_trail_event group by username order by kinds desc, username nulls last;

-- name: probe_trail_event
select event_source, min(event_time) as first, max(event_time) as last from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_trail_event_count_3
select user_identity ->> 'type' as identity_type, count(*) from aws_cloudtrail_trail_event group by 1 order by 1 nulls first;

-- name: probe_trail_event_2
select event_name, user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName' as issuer from aws_cloudtrail_trail_event where user_identity -> 'sessionContext' is not null order by 1, 2;

-- name: probe_trail_event_3
select event_name, request_parameters ->> 'userName' as target from aws_cloudtrail_trail_event where request_parameters ? 'userName' order by 1, 2;

-- name: probe_trail_event_regex_match_count
select source_ip_address, count(*) from aws_cloudtrail_trail_event where source_ip_address !~ '[a-z]' group by 1 order by 2 desc, 1;

-- name: probe_trail_event_count_4
select error_code, count(*) from aws_cloudtrail_trail_event where error_code is not null group by error_code order by 1;

-- name: probe_trail
select name, is_multi_region_trail and log_file_validation_enabled as good from aws_cloudtrail_trail order by name;

-- name: probe_trail_coalesce
select name, coalesce(kms_key_id, 'none') as kms from aws_cloudtrail_trail order by name;

-- name: probe_trail_case_text_cast
select name, case when is_logging then 'ok' else 'alarm' end as status, name || ' logging: ' || is_logging::text as reason from aws_cloudtrail_trail order by name;

-- name: probe_trail_elements
select t.name, s ->> 'ReadWriteType' as rw, s ->> 'IncludeManagementEvents' as mgmt from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) s order by 1;

-- name: probe_access_key
select user_name, status, create_date from aws_iam_access_key order by create_date;

-- name: probe_access_key_filter_count
select user_name, count(*) filter (where status = 'Active') as active, count(*) as total from aws_iam_access_key group by user_name order by user_name;

-- name: probe_access_key_join
select k.user_name, k.access_key_id, u.mfa_enabled from aws_iam_access_key k join aws_iam_user u on u.name = k.user_name and u.account_id = k.account_id order by 1, 2;

-- name: probe_user_join
select u.name from aws_iam_user u left join aws_iam_access_key k on k.user_name = u.name where k.access_key_id is null order by 1;

-- name: probe_user_exists
select name from aws_iam_user u where not exists (select 1 from aws_iam_access_key k where k.user_name = u.name) order by name;

-- name: probe_user_elements
select u.name, g from aws_iam_user u, jsonb_array_elements(u.groups) g order by 1;

-- name: probe_user_elements_lateral_join
select u.name, g ->> 'GroupName' as group_name from aws_iam_user u cross join lateral jsonb_array_elements(u.groups) g order by 1, 2;

-- name: probe_role
select name, jsonb_array_length(attached_policy_arns) as n from aws_iam_role where jsonb_array_length(attached_policy_arns) > 0 order by n desc, name;

-- name: probe_role_2
select name from aws_iam_role where attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess' order by name;

-- name: probe_role_elements_text_elements_like
select r.name, a from aws_iam_role r, jsonb_array_elements_text(r.attached_policy_arns) a where a like '%Admin%' order by 1, 2;

-- name: probe_credential_report
select user_name, mfa_active, password_enabled, password_last_used from aws_iam_credential_report where password_enabled and not mfa_active order by user_name;

-- name: probe_credential_report_greatest
select user_name, greatest(access_key_1_last_used_date, access_key_2_last_used_date) as last_key_use from aws_iam_credential_report order by user_name;

-- name: probe_credential_report_coalesce
select user_name, coalesce(password_last_used, user_creation_time) as last_activity from aws_iam_credential_report order by last_activity nulls first, user_name;

-- name: probe_credential_report_filter_count
select count(*) filter (where mfa_active) * 100 / count(*) as pct_mfa from aws_iam_credential_report;

-- name: probe_credential_report_filter_round_count
select round(100.0 * count(*) filter (where mfa_active) / count(*), 1) as pct_mfa from aws_iam_credential_report;

-- name: probe_role_avg_round
select account_id, round(avg(max_session_duration) / 3600.0, 2) as avg_hours from aws_iam_role group by account_id order by 1;

-- name: probe_literal_series_interval
select g::date as day from generate_series(date '2024-01-01', date '2024-01-05', interval '1 day') g order by 1;

-- name: probe_literal_series
select n, n * 2 as double from generate_series(1, 5) n order by n;

-- name: probe_user_series_interval_count
select d::date, count(u.name) from generate_series(timestamptz '2019-01-01', timestamptz '2021-01-01', interval '6 months') d left join aws_iam_user u on u.create_date < d group by d order by d;

-- name: probe_role_interval
select name, create_date + interval '90 days' as rotate_by from aws_iam_role order by name;

-- name: probe_role_interval_2
select name, (now() - create_date) > interval '1 year' as stale from aws_iam_role order by name;

-- name: probe_policy_date_trunc
select name, date_trunc('year', create_date)::date as yr from aws_iam_policy order by name;

-- name: probe_policy_extract_count
select extract(year from create_date) as y, count(*) from aws_iam_policy group by y order by y;

-- name: probe_user_text_cast
select name, create_date::text from aws_iam_user order by name;

-- name: probe_role_text_cast
select name, max_session_duration::text || 's' as d from aws_iam_role order by name;

-- name: probe_literal_numeric
select '42'::int + 1 as a, '2024-02-29'::date + 1 as b, '3.5'::numeric * 2 as c;

-- name: probe_group
select name, create_date::date as d from aws_iam_group order by name;

-- name: probe_group_2
select name, jsonb_array_length(users) as members from aws_iam_group order by members desc, name;

-- name: probe_group_elements
select g.name, u ->> 'UserName' as member from aws_iam_group g, jsonb_array_elements(g.users) u order by 1, 2;

-- name: probe_group_3
select name from aws_iam_group where jsonb_array_length(users) = 0 order by name;

-- name: probe_password_policy_2
select account_id, minimum_password_length >= 14 as strong, password_reuse_prevention from aws_iam_account_password_policy order by 1;

-- name: probe_password_policy_coalesce_case
select account_id, coalesce(max_password_age, 0) as max_age, case when max_password_age <= 90 then 'ok' else 'alarm' end as status from aws_iam_account_password_policy order by 1;

-- name: probe_policy_elements_keys
select p.name, k as condition_operator from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_object_keys(s -> 'Condition') k order by 1, 2;

-- name: probe_policy_3
select name, policy_std -> 'Statement' -> 0 ->> 'Effect' as first_effect from aws_iam_policy order by name;

-- name: probe_policy_path_text_path
select name, policy_std #>> '{Statement,0,Action,0}' as first_action from aws_iam_policy order by name;

-- name: probe_policy_path
select name, policy_std #> '{Statement,0,Resource}' as res from aws_iam_policy order by name;

-- name: probe_policy_4
select name, jsonb_typeof(policy -> 'Statement') as t from aws_iam_policy order by name;

-- name: probe_user
select name, jsonb_pretty(tags) from aws_iam_user where tags <> '{}' order by name;

-- name: probe_user_contains
select name, tags from aws_iam_user where tags @> '{"env": "prod"}' order by name;

-- name: probe_user_each_text_each
select name, k, v from aws_iam_user, jsonb_each_text(tags) as t(k, v) order by 1, 2;

-- name: probe_role_each_count
select key, count(*) from aws_iam_role, jsonb_each(tags) group by key order by 2 desc, 1;

-- name: probe_role_exists_all
select name, tags ?& array['env', 'team'] as both_tags from aws_iam_role order by name;

-- name: probe_policy_keys_count
select name, (select count(*) from jsonb_object_keys(tags)) as ntags from aws_iam_policy order by name;

-- name: probe_user_build
select name, jsonb_build_object('name', name, 'mfa', mfa_enabled) as obj from aws_iam_user order by name;

-- name: probe_group_jsonb_agg
select account_id, jsonb_agg(name order by name) as names from aws_iam_group group by account_id order by 1;

-- name: probe_role_object_agg
select account_id, jsonb_object_agg(name, max_session_duration) as durations from aws_iam_role group by account_id order by 1;

-- name: probe_user_2
select name, to_jsonb(mfa_enabled) as m from aws_iam_user order by name;

-- name: probe_policy_elements_text_elements_string_agg
select name, string_agg(a, ',' order by a) as actions from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by name order by name;

-- name: probe_policy_elements_array_agg
select name, array_agg(distinct s ->> 'Effect') as effects from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s group by name order by name;

-- name: probe_role_3
select name, array_length(string_to_array(path, '/'), 1) as depth from aws_iam_role order by name;

-- name: probe_policy_5
select name, (string_to_array(arn, ':'))[5] as acct from aws_iam_policy order by name;

-- name: probe_user_3
select name, upper(left(name, 1)) || lower(substr(name, 2)) as pretty from aws_iam_user order by name;

-- name: probe_role_4
select name, length(name) as len, position('-' in name) as dash from aws_iam_role order by name;

-- name: probe_group_4
select name, replace(arn, 'arn:aws:iam::', '') as rest from aws_iam_group order by name;

-- name: probe_role_regexp
select name, regexp_matches(name, '([a-z]+)-([a-z]+)') as parts from aws_iam_role order by name;

-- name: probe_role_regexp_2
select name, (regexp_match(arn, ':role/(.*)$'))[1] as role_path from aws_iam_role order by name;

-- name: probe_user_regexp
select name, regexp_split_to_array(name, '[-_]') as words from aws_iam_user order by name;

-- name: probe_role_5
select name, trim(both '/' from path) as p, btrim(path, '/') as p2 from aws_iam_role order by name;

-- name: probe_role_text_cast_2
select name, lpad(max_session_duration::text, 8, '0') as padded from aws_iam_role order by name;

-- name: probe_role_6
select initcap(replace(name, '-', ' ')) as title_name from aws_iam_role order by 1;

-- name: probe_user_4
select name, md5(arn) = md5(arn) as same, starts_with(name, 'a') as a from aws_iam_user order by name;

-- name: probe_user_case_4
select name, case when mfa_enabled then 'ok' when password_last_used is null then 'skip' else 'alarm' end as status from aws_iam_user order by name;

-- name: probe_policy_elements_text_elements_cte
with admins as (select distinct p.arn from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Allow' and s -> 'Action' ? '*') select r.name from aws_iam_role r, jsonb_array_elements_text(r.attached_policy_arns) a join admins on admins.arn = a order by 1;

-- name: probe_trail_event_cte_join
with recent as (select username, max(event_time) as last_seen from aws_cloudtrail_trail_event group by username) select u.name, r.last_seen from aws_iam_user u left join recent r on r.username = u.name order by u.name;

-- name: probe_user_5
select name from aws_iam_user where name in (select user_name from aws_iam_access_key where status = 'Active') order by name;

-- name: probe_access_key_count
select u.name, (select count(*) from aws_iam_access_key k where k.user_name = u.name) as keys from aws_iam_user u order by 1;

-- name: probe_role_window_count
select name, count(*) over () as total, count(*) over (partition by account_id) as in_account from aws_iam_role order by name;

-- name: probe_policy_window_sum
select name, sum(attachment_count) over (order by name rows between unbounded preceding and current row) as running from aws_iam_policy order by name;

-- name: probe_user_window
select name, ntile(2) over (order by create_date) as half from aws_iam_user order by name;

-- name: probe_role_window
select name, first_value(name) over (partition by account_id order by create_date) as oldest from aws_iam_role order by name;

-- name: probe_user_window_rank
select name, percent_rank() over (order by create_date) as pr from aws_iam_user order by name;

-- name: probe_role_window_row_number
select * from (select name, row_number() over (partition by account_id order by create_date desc) rn from aws_iam_role) t where rn = 1 order by name;

-- name: probe_role_count
select account_id, count(*) as n, max(create_date) - min(create_date) as span from aws_iam_role group by account_id order by 1;

-- name: probe_user_6
select account_id, bool_or(mfa_enabled) as any_mfa, bool_and(mfa_enabled) as all_mfa, every(mfa_enabled) as every_mfa from aws_iam_user group by 1 order by 1;

-- name: probe_user_filter_interval_count
select count(*) filter (where password_last_used < now() - interval '90 days') as stale, count(*) filter (where password_last_used is null) as never from aws_iam_user;

-- name: probe_user_interval
select name from aws_iam_user where create_date between now() - interval '10 years' and now() order by name;

-- name: probe_role_age_date_part
select name, date_part('year', age(now(), create_date)) as years from aws_iam_role order by name;

-- name: probe_policy_interval
select name, justify_days(now() - create_date) > interval '30 days' as older from aws_iam_policy order by name;

-- name: probe_user_to_char_2
select name, to_char(create_date, 'Day') as weekday, to_char(create_date, 'DDD') as doy from aws_iam_user order by name;

-- name: probe_user_extract_2
select name, extract(epoch from create_date)::bigint as epoch from aws_iam_user order by name;

-- name: probe_user_extract_3
select name, to_timestamp(extract(epoch from create_date)) = create_date as roundtrip from aws_iam_user order by name;

-- name: probe_role_7
select name, create_date at time zone 'UTC' as utc from aws_iam_role order by name;

-- name: probe_trail_event_date_trunc_count
select date_trunc('week', event_time) as week, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_trail_event_filter_count
select event_time::date as day, count(*) filter (where error_code is not null) as errors from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_trail_event_window_lag
select event_name, event_time, event_time - lag(event_time) over (order by event_time) as gap from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: probe_trail_event_4
select username, event_name from aws_cloudtrail_trail_event where event_name in ('ConsoleLogin', 'CreateAccessKey', 'AttachUserPolicy') order by event_time;

-- name: probe_trail_event_5
select event_name, response_elements -> 'accessKey' ->> 'accessKeyId' as key from aws_cloudtrail_trail_event where event_name = 'CreateAccessKey' order by 1, 2;

-- name: probe_trail_event_6
select event_name, additional_event_data ->> 'MFAUsed' as mfa from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' order by 1, 2;

-- name: probe_trail_event_elements_count
select r ->> 'ARN' as arn, count(*) from aws_cloudtrail_trail_event, jsonb_array_elements(resources) r group by 1 order by 1;

-- name: probe_trail_event_7
select event_name, tls_details ->> 'tlsVersion' as tls from aws_cloudtrail_trail_event where tls_details is not null order by 1, 2;

-- name: probe_trail_event_filter_count_2
select user_identity ->> 'arn' as who, count(*) filter (where read_only) as reads, count(*) filter (where not read_only) as writes from aws_cloudtrail_trail_event group by 1 order by 1 nulls last;

-- name: probe_role_contains
select name from aws_iam_role where assume_role_policy_std -> 'Statement' @> '[{"Principal": {"Service": ["ec2.amazonaws.com"]}}]' order by name;

-- name: probe_role_elements_text_elements
select r.name, svc from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc order by 1, 2;

-- name: probe_role_elements
select r.name from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s where s -> 'Principal' -> 'AWS' ? '*' order by 1;

-- name: probe_role_elements_2
select name, s -> 'Condition' is not null as conditioned from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s order by 1, 2;

-- name: probe_role_jsonpath
select name, jsonb_path_query_array(assume_role_policy_std, '$.Statement[*].Action[*]') as actions from aws_iam_role order by name;

-- name: probe_policy_jsonpath
select name, jsonb_path_query_first(policy_std, '$.Statement[*].Resource[*]') as first_res from aws_iam_policy order by name;

-- name: probe_user_elements_2
select u.name, i ->> 'PolicyName' as inline from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) i order by 1, 2;

-- name: probe_user_elements_text_elements
select u.name, a from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) i, jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a order by 1, 2;

-- name: probe_policy_6
select name, policy_std -> 'Statement' -> -1 ->> 'Effect' as last_effect from aws_iam_policy order by name;

-- name: probe_policy_elements_2
select name, jsonb_array_elements(policy_std -> 'Statement') ->> 'Effect' as effect from aws_iam_policy order by 1, 2;

-- name: probe_policy_7
select name, policy_std - 'Version' as no_version from aws_iam_policy order by name limit 3;

-- name: probe_role_8
select name, tags || '{"checked": true}'::jsonb as t from aws_iam_role order by name;

-- name: probe_role_9
select name, nullif(description, '') as d from aws_iam_role order by name;

-- name: probe_user_coalesce_2
select name, coalesce(nullif(permissions_boundary_arn, ''), 'none') as boundary from aws_iam_user order by name;

-- name: probe_policy_coalesce_2
select name, length(coalesce(description, '')) as dlen from aws_iam_policy order by dlen desc, name;

-- name: probe_policy_case_like
select name, case when description ilike '%admin%' then 'admin' else 'other' end as kind from aws_iam_policy order by name;

-- name: probe_policy_like
select name from aws_iam_policy where name like any (array['%Admin%', '%Full%']) order by name;

-- name: probe_policy_like_2
select name from aws_iam_policy where not (name ilike all (array['%a%', '%e%'])) order by name;

-- name: probe_policy_window_sum_2
select name, attachment_count, attachment_count::float / nullif(sum(attachment_count) over (), 0) as share from aws_iam_policy order by name;

-- name: probe_policy_window_round_numeric
select name, round((attachment_count::numeric / nullif(sum(attachment_count) over (), 0)) * 100, 2) as pct from aws_iam_policy order by name;

-- name: probe_user_avg
select account_id, avg(length(name)) as avg_len from aws_iam_user group by account_id order by 1;

-- name: probe_role_avg_2
select avg(max_session_duration) / 60 as minutes from aws_iam_role;

-- name: probe_role_10
select max_session_duration / 3600.0 as hours from aws_iam_role order by hours;

-- name: probe_policy_numeric_count_sum_2
select account_id, sum(attachment_count)::numeric / nullif(count(*), 0) as per_policy from aws_iam_policy group by 1 order by 1;

-- name: probe_user_filter_union_count
select 'total' as label, count(*)::text as value from aws_iam_user union all select 'mfa', count(*) filter (where mfa_enabled)::text from aws_iam_user;

-- name: probe_user_union_6
select 'n/a' as name union select name from aws_iam_user order by name;

-- name: probe_user_union_7
select name, 'user' as kind from aws_iam_user union all select name, 'role' from aws_iam_role order by kind, name;

-- name: probe_policy_union
select 'none' as arn union select arn from aws_iam_policy where false;

-- name: probe_user_union_count_2
select 0 as n union select count(*) from aws_iam_user order by n;

-- name: probe_user_union_8
select null as d union all select create_date from aws_iam_user order by d nulls first;

-- name: probe_user_union_9
select '2020-01-01'::date as d union select create_date::date from aws_iam_user order by d;

-- name: probe_user_intersect
select lower(name) as n from aws_iam_user intersect select lower(name) from aws_iam_role order by n;

-- name: probe_user_except
select name from aws_iam_user except select user_name from aws_iam_access_key order by name;

-- name: probe_role_elements_text_elements_exists
select name, exists (select 1 from jsonb_array_elements_text(attached_policy_arns) a where a ~ 'ReadOnly') as ro from aws_iam_role order by name;

-- name: probe_role_elements_text_elements_string_agg
select name, (select string_agg(x, '|') from jsonb_array_elements_text(attached_policy_arns) x) as arns from aws_iam_role order by name;

-- name: probe_role_elements_lateral_count
select r.name, lp.n from aws_iam_role r left join lateral (select count(*) as n from jsonb_array_elements(r.assume_role_policy_std -> 'Statement')) lp on true order by 1;

-- name: probe_user_elements_lateral_count
select g, count(*) from aws_iam_user, jsonb_array_elements(groups) e, lateral (select e ->> 'GroupName' as g) x group by g order by 1;

-- name: probe_role_format
select format('%s (%s)', name, account_id) as label from aws_iam_role order by 1;

-- name: probe_user_7
select concat_ws('/', account_id, path, name) as id from aws_iam_user order by 1;

-- name: probe_policy_avg_numeric
select account_id, avg(attachment_count) as avg_att, avg(attachment_count)::numeric(10,2) as two from aws_iam_policy group by 1 order by avg_att desc;

-- name: probe_role_avg_round_2
select round(avg(max_session_duration)) as r, trunc(avg(max_session_duration) / 7, 3) as t from aws_iam_role;

-- name: probe_user_filter_numeric_count
select account_id, count(*) filter (where mfa_enabled)::numeric / count(*) * 100 as pct from aws_iam_user group by 1 order by 1;

-- name: probe_user_filter_round_count_2
select 'MFA: ' || round(100.0 * count(*) filter (where mfa_enabled) / count(*), 2) || '%' as summary from aws_iam_user;

-- name: probe_aws_avg_filter_avg
select avg(attachment_count) filter (where is_aws_managed) as aws_avg, avg(attachment_count) filter (where not is_aws_managed) as own_avg from aws_iam_policy;

-- name: probe_role_11
select name, max_session_duration / 3600 as hours_int, max_session_duration % 3600 as rest from aws_iam_role order by name;

-- name: probe_policy_sum
select sum(attachment_count) as total, sum(attachment_count) / 2 as half, sum(attachment_count)::float / 3 as third from aws_iam_policy;

-- name: probe_policy_8
select min(create_date), max(create_date), max(create_date) - min(create_date) as span from aws_iam_policy;

-- name: probe_user_date_part_interval
select name, now() - create_date > interval '5 years' as older_than_5y, date_part('epoch', now() - create_date) > 0 as positive from aws_iam_user order by name;

-- name: probe_group_interval
select name, create_date - interval '1 month' as before, create_date + interval '1 year 2 months' as after from aws_iam_group order by name;

-- name: probe_group_age_interval
select name, age(create_date::date) > interval '0' as aged from aws_iam_group order by name;

-- name: probe_user_to_char_3
select name, to_char(create_date, 'YYYY"Q"Q') as quarter from aws_iam_user order by name;

-- name: probe_role_to_char_2
select name, to_char(create_date, 'FMMonth FMDD, YYYY') as nice from aws_iam_role order by name;

-- name: probe_user_to_char_4
select name, to_char(create_date, 'IYYY-IW') as iso_week from aws_iam_user order by name;

-- name: probe_literal_to_char_extract_text_cast
select to_char(now(), 'YYYY') = extract(year from now())::text as same_year;

-- name: probe_trail_event_date_trunc_count_2
select date_trunc('day', event_time) as day, event_source, count(*) from aws_cloudtrail_trail_event group by 1, 2 order by 1, 2;

-- name: probe_user_extract_4
select name, extract(dow from create_date) as dow, extract(isodow from create_date) as isodow, extract(quarter from create_date) as q from aws_iam_user order by name;

-- name: probe_role_date_part
select name, date_part('hour', create_date) as h from aws_iam_role order by name;

-- name: probe_literal_interval
select make_date(2024, 2, 29) as d, make_interval(days => 10) as i, make_timestamptz(2024, 1, 1, 0, 0, 0) as t;

-- name: probe_literal_series_2
select generate_series(1, 3) as n, 'x' as label;

-- name: probe_literal_date_trunc_series_interval
select m::date as month_start from generate_series(date_trunc('month', timestamptz '2024-01-15'), timestamptz '2024-04-01', interval '1 month') m order by 1;

-- name: probe_role_distinct_on
select distinct on (account_id) account_id, name, max_session_duration from aws_iam_role order by account_id, max_session_duration desc, name;

-- name: probe_trail_event_distinct_on_2
select distinct on (event_source) event_source, event_name from aws_cloudtrail_trail_event order by event_source, event_time;

-- name: probe_group_build
select name, '{"a":1}'::jsonb || jsonb_build_object('n', name) as merged from aws_iam_group order by name;

-- name: probe_user_build_2
select name, jsonb_build_array(name, mfa_enabled, create_date) as arr from aws_iam_user order by name;

-- name: probe_group_build_2
select name, jsonb_strip_nulls(jsonb_build_object('a', null, 'b', name)) as s from aws_iam_group order by name;

-- name: probe_role_12
select name, (tags -> 'env') = '"prod"'::jsonb as is_prod from aws_iam_role order by name;

-- name: probe_user_8
select name, tags ->> 'env' = any(array['prod', 'production']) as prodish from aws_iam_user order by name;

-- name: probe_policy_elements_exists
select p.name from aws_iam_policy p where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Allow' and s -> 'NotAction' is not null) order by 1;

-- name: probe_policy_elements_filter_lateral
select p.name, count(*) as stmts, count(*) filter (where s -> 'Condition' is null) as unconditioned from aws_iam_policy p cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') s group by p.name having count(*) > 1 order by 1;

-- name: probe_policy_elements_text_elements
select name, jsonb_array_elements_text(policy_std -> 'Statement' -> 0 -> 'Action') as a from aws_iam_policy where name = (select min(name) from aws_iam_policy) order by a;

-- name: probe_policy_elements_text_elements_count
select a, count(distinct p.arn) as policies from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by a order by 2 desc, 1 limit 10;

-- name: probe_policy_elements_text_elements_split_part
select split_part(a, ':', 1) as service, count(*) from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by 1 order by 2 desc, 1;

-- name: probe_policy_elements_cte
select e.value ->> 'Effect' as effect, e.ordinality from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality e where p.name = (select min(name) from aws_iam_policy) order by 2;

-- name: probe_policy_text_cast
select name, (policy_std -> 'Statement' -> 0 -> 'Action')::text as actions_text from aws_iam_policy order by name;

-- name: probe_policy_9
select name, policy_std ->> 'Version' as v, (policy_std ->> 'Version')::date as vdate from aws_iam_policy order by name;

-- name: probe_user_text_cast_2
select name, attached_policy_arns::text as t from aws_iam_user order by name;

-- name: probe_role_numeric_2
select name, cast(max_session_duration as text) || ' seconds' as d, max_session_duration::numeric / 60 as minutes from aws_iam_role order by name;

-- name: probe_trail_event_string_agg
select account_id, string_agg(distinct event_source, ',' order by event_source) as sources from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_group_array_agg
select array_to_string(array_agg(name order by name), ';') as all_names from aws_iam_group;

-- name: probe_user_9
select name, array_position(array['a','b','c'], left(name, 1)) as pos from aws_iam_user order by name;

-- name: probe_literal_series_3
select unnest(array['x', 'y']) as v, generate_series(1, 2) as n;

-- name: probe_role_regexp_3
select name, cardinality(regexp_split_to_array(arn, ':')) as parts from aws_iam_role order by name;

-- name: probe_role_regexp_count
select name, regexp_count(arn, '/') as slashes, regexp_replace(name, '[aeiou]', '', 'g') as consonants from aws_iam_role order by name;

-- name: probe_user_substring_2
select name, substring(name, 1, 3) as pre, right(name, 3) as suf, reverse(name) as rev from aws_iam_user order by name;

-- name: probe_group_5
select name, name::varchar(5) as short, char_length(name) as n from aws_iam_group order by name;

-- name: probe_credential_report_interval
select user_name, (access_key_1_active or access_key_2_active) as any_key, access_key_1_last_rotated < now() - interval '90 days' as k1_old from aws_iam_credential_report order by user_name;

-- name: probe_credential_report_extract
select user_name, extract(days from now() - password_last_changed)::int as days from aws_iam_credential_report where password_last_changed is not null order by user_name;

-- name: probe_role_avg_sum
select account_id, sum(max_session_duration) as total, avg(max_session_duration) as mean from aws_iam_role group by 1 order by mean desc;

-- name: probe_policy_filter_sum
select sum(attachment_count) filter (where is_attached) as attached_total from aws_iam_policy;

-- name: probe_policy_10
select name, attachment_count * 1.0 / nullif(permissions_boundary_usage_count, 0) as ratio from aws_iam_policy order by name;

-- name: probe_policy_coalesce_avg
select coalesce(avg(attachment_count), 0) as a from aws_iam_policy where false;

-- name: probe_user_extract_avg_round
select account_id, round(avg(extract(epoch from now() - create_date) / 86400)) as avg_days from aws_iam_user group by 1 order by 1;

-- name: probe_literal_3
select abs(-7.0 / 3) as a, -(1.0 / 3) as n;

-- name: probe_literal_series_avg
select avg(x) from generate_series(1, 10) x;

-- name: probe_literal_series_avg_numeric
select avg(x), sum(x) / count(*)::numeric from generate_series(1, 3) x;

-- name: probe_literal_series_4
select i, i / 4.0 as q from generate_series(0, 8, 3) i order by i;

-- name: probe_role_interval_3
select name, ((now() - create_date) < interval '400 days')::int as recent from aws_iam_role order by name;

-- name: probe_user_case_count_sum
select sum(case when mfa_enabled then 1 else 0 end) as with_mfa, sum(case when mfa_enabled then 1 else 0 end)::float / count(*) as frac from aws_iam_user;

-- name: probe_user_case_count_sum_2
select 100 * sum(case when mfa_enabled then 1 else 0 end) / count(*) as pct_int from aws_iam_user;

-- name: probe_user_filter_numeric_count_2
select (count(*) filter (where mfa_enabled) * 100.0 / count(*))::numeric(5,1) as pct from aws_iam_user;

-- name: probe_user_window_numeric_count
select account_id, count(*)::numeric / sum(count(*)) over () as share from aws_iam_user group by 1 order by 1;

-- name: probe_role_13
select percentile_cont(0.5) within group (order by max_session_duration) as median from aws_iam_role;

-- name: probe_trail_event_8
select mode() within group (order by event_source) as common from aws_cloudtrail_trail_event;

-- name: probe_trail_event_each
select e.key, e.value from aws_cloudtrail_trail_event t, jsonb_each(t.request_parameters) e where t.event_name = 'CreateUser' order by 1;

-- name: probe_trail_event_9
select event_name, jsonb_typeof(request_parameters) as t from aws_cloudtrail_trail_event order by event_time, event_name limit 5;

-- name: probe_trail_event_filter_count_3
select count(*) filter (where request_parameters is null) as no_params, count(*) filter (where request_parameters = 'null'::jsonb) as json_null from aws_cloudtrail_trail_event;

-- name: probe_trail_event_coalesce
select event_name, coalesce(request_parameters ->> 'roleName', request_parameters ->> 'userName', '-') as target from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: probe_literal_4
select ('{"a": 1.50, "b": [1, 2.0]}'::jsonb -> 'b') as b, '{"a": 1.50}'::jsonb as doc;

-- name: probe_literal_numeric_2
select '{"n": 100}'::jsonb ->> 'n' as n, ('{"n": 100}'::jsonb ->> 'n')::int + 1 as n1, ('{"n": 2.5}'::jsonb -> 'n')::numeric * 2 as n2;

-- name: probe_literal_contains
select jsonb_array_length('[1,2,3]'::jsonb) as n, jsonb_typeof('1.0'::jsonb) as t, '[1,2]'::jsonb @> '[2]' as c;

-- name: probe_role_14
select name, tags ->> 'cost' as c from aws_iam_role order by name;

-- name: probe_role_15
select name, max_session_duration between 3600 and 7200 as normal from aws_iam_role order by name;

-- name: probe_role_greatest
select name, greatest(max_session_duration, 7200) / 3600 as hours from aws_iam_role order by name;

-- name: probe_role_interval_4
select name, least(create_date, now() - interval '1 day') as d from aws_iam_role order by name;

-- name: probe_user_10
select name, create_date::date - '2020-01-01'::date as days_after from aws_iam_user order by name;

-- name: probe_user_union_count_3
select 'x' as src, count(*) as n from aws_iam_user union all select 'y', count(*) + 0 from aws_iam_role order by 1;

-- name: probe_user_case_count
select case when count(*) > 0 then 'alarm' else 'ok' end as status, count(*) || ' users without MFA' as reason from aws_iam_user where not mfa_enabled;

-- name: probe_user_union_count_4
select '1' as v union select count(*) from aws_iam_user union select 3 order by v;

-- name: probe_user_case_join
select name, case when mfa_enabled then '1' else attachment_count end from aws_iam_user u join (select 0 as attachment_count) z on true order by name;

-- name: probe_literal_union_interval
select now() - interval '1 day' as t union select '2020-01-01' order by t;

-- name: jsonpath_like_regex_action_prefix
select name from aws_iam_policy where policy_std @? '$.Statement[*] ? (@.Action[*] like_regex "^iam:")' order by name;

-- name: jsonpath_like_regex_flag_i
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^S3:GET" flag "i")') as a from aws_iam_policy order by name;

-- name: jsonpath_like_regex_dot_newline
select jsonb_path_exists('["a\nb"]', '$[*] ? (@ like_regex "a.b")') as dot_newline, jsonb_path_exists('["a\nb"]', '$[*] ? (@ like_regex "a.b" flag "s")') as dotall;

-- name: jsonpath_like_regex_multiline
select jsonb_path_exists('["x\nab"]', '$[*] ? (@ like_regex "^ab")') as anchored, jsonb_path_exists('["x\nab"]', '$[*] ? (@ like_regex "^ab" flag "m")') as multiline;

-- name: jsonpath_like_regex_flag_q
select jsonb_path_query('["a.b", "axb", 1]', '$[*] ? (@ like_regex "a.b" flag "q")') as q;

-- name: jsonpath_like_regex_match_number
select jsonb_path_match('{"a": "abc"}', '$.a like_regex "b"') as m, jsonb_path_match('{"a": 5}', '$.a like_regex "5"') as num;

-- name: jsonpath_like_regex_service_suffix
select r.name from aws_iam_role r where jsonb_path_exists(r.assume_role_policy_std, '$.Statement[*].Principal.Service[*] ? (@ like_regex "\\.amazonaws\\.com$")') order by 1;

-- name: jsonpath_like_regex_dollar_before_newline
select jsonb_path_exists('["ab\n"]', '$[*] ? (@ like_regex "b$")') as dollar_before_newline;

-- name: probe_user_case_extract_literal
select name, case when mfa_enabled then '0' else extract(epoch from now() - create_date) end as v from aws_iam_user order by name;

-- name: probe_user_case_literal
select name, case when password_last_used is null then '2000-01-01' else password_last_used end as last from aws_iam_user order by last, name;

-- name: probe_user_coalesce_literal
select name, coalesce(password_last_used, '1970-01-01') as last from aws_iam_user order by last, name;

-- name: probe_user_coalesce_literal_2
select name, coalesce(password_last_used::text, 'never') as last from aws_iam_user order by name;

-- name: probe_role_case_literal
select name, case when max_session_duration > 3600 then 'long' else max_session_duration::text end as d from aws_iam_role order by name;

-- name: probe_policy_case_literal
select name, case attachment_count when 0 then 'unused' else 'used ' || attachment_count end as s from aws_iam_policy order by name;

-- name: probe_role_coalesce_json_literal
select name, coalesce(tags -> 'env', '"none"') as env from aws_iam_role order by name;

-- name: probe_user_coalesce_jsonb_json
select name, coalesce(tags -> 'env', to_jsonb('none'::text)) as env from aws_iam_user order by name;

-- name: probe_policy_coalesce_json_literal
select name, coalesce(policy_std -> 'Statement' -> 0 -> 'Condition', '{}') as c from aws_iam_policy order by name;

-- name: probe_policy_union_literal
select 'x' as k, 1.5 as v union all select name, attachment_count from aws_iam_policy order by k;

-- name: probe_user_coalesce_union_literal
select name, 'n/a' as reason from aws_iam_user union select name, coalesce(description, 'none') from aws_iam_role order by name;

-- name: probe_user_case_union_literal
select name, case when mfa_enabled then 'ok' end as s from aws_iam_user union select name, null from aws_iam_role order by 1, 2;

-- name: probe_user_greatest_literal
select greatest(create_date, '2020-01-01') as g from aws_iam_user order by g;

-- name: probe_user_literal
select name from aws_iam_user where create_date > '2019-06-01' order by name;

-- name: probe_user_literal_2
select name from aws_iam_user where create_date::date = '2020-02-29' order by name;

-- name: probe_user_literal_3
select name, create_date > '2019-06-01'::timestamptz and mfa_enabled as ok from aws_iam_user order by name;

-- name: probe_trail_event_filter_interval_count
select count(*) filter (where event_time > now() - '30 days'::interval) as recent from aws_cloudtrail_trail_event;

-- name: probe_trail_event_date_trunc_interval_count
select date_trunc('hour', event_time) + interval '30 minutes' as half, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_trail_event_filter_literal
select username, max(event_time) filter (where event_name = 'ConsoleLogin') as last_login from aws_cloudtrail_trail_event group by 1 order by 1 nulls last;

-- name: probe_trail_event_to_char_literal
select event_name, to_char(event_time, 'HH24:MI:SS') as t, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as iso from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: probe_trail_event_extract_count
select extract(hour from event_time) as h, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_trail_event_age_interval_literal
select event_name, age(now(), event_time) < interval '100 years' as recentish from aws_cloudtrail_trail_event order by event_time, event_name limit 3;

-- name: probe_role_literal
select name, (now() - create_date)::text like '%days%' as has_days from aws_iam_role order by name;

-- name: probe_role_date_part_literal
select name, date_part('day', now() - create_date)::int / 365 as years from aws_iam_role order by name;

-- name: probe_user_extract_floor
select name, floor(extract(epoch from now() - create_date) / 86400) as days from aws_iam_user order by name;

-- name: probe_role_ceil
select name, ceil(max_session_duration / 3600.0) as h from aws_iam_role order by name;

-- name: probe_role_avg_sum_count
select sum(max_session_duration) / count(*) as mean_int, avg(max_session_duration)::int as mean_round from aws_iam_role;

-- name: probe_policy_sum_window_count
select account_id, count(*) as n, round(100.0 * count(*) / sum(count(*)) over (), 2) as pct from aws_iam_policy group by 1 order by 1;

-- name: probe_role_sum_window_count
select account_id, count(*) * 100 / sum(count(*)) over () as pct from aws_iam_role group by 1 order by 1;

-- name: probe_user_window_count
select name, row_number() over w as rn, count(*) over w as c from aws_iam_user window w as (partition by account_id order by name) order by name;

-- name: probe_policy_sum_window
select name, sum(attachment_count) over (partition by account_id) as acct_total from aws_iam_policy order by name;

-- name: probe_policy_avg_window
select name, avg(attachment_count) over (partition by is_aws_managed) as mean from aws_iam_policy order by name;

-- name: probe_policy_avg_window_2
select name, attachment_count - avg(attachment_count) over () as diff from aws_iam_policy order by name;

-- name: probe_role_sum_window_numeric
select name, max_session_duration::numeric / sum(max_session_duration) over () as share from aws_iam_role order by name;

-- name: probe_role_subquery_count
select account_id, count(*)::float / (select count(*) from aws_iam_role) as frac from aws_iam_role group by 1 order by 1;

-- name: probe_user_subquery_numeric_count
select (select count(*) from aws_iam_user)::numeric / (select count(*) from aws_iam_role) as ratio;

-- name: probe_role_subquery_avg
select (select avg(max_session_duration) from aws_iam_role) as a;

-- name: probe_role_subquery_cte_avg
with s as (select avg(max_session_duration) as a from aws_iam_role) select a from s;

-- name: probe_role_union_avg
select avg(max_session_duration) as a from aws_iam_role union all select avg(attachment_count) from aws_iam_policy;

-- name: probe_user_case_extract_literal_2
select name, case when mfa_enabled then '0' else extract(epoch from create_date) end as v from aws_iam_user order by name;

-- name: probe_user_case_literal_2
select name, case when mfa_enabled then '5' else length(name) end as v from aws_iam_user order by v, name;

-- name: probe_user_case_literal_3
select name, case when mfa_enabled then '2000-01-01' else create_date end as v from aws_iam_user order by v, name;

-- name: probe_user_case_interval_literal
select name, case when mfa_enabled then '1 day' else now() - create_date end > interval '2 days' as v from aws_iam_user order by name;

-- name: probe_user_subquery_count
select (select count(*) from aws_iam_user) / (select count(*) from aws_iam_role) as r;

-- name: probe_user_subquery_numeric_count_2
select (select count(*) from aws_iam_user)::numeric / (select count(*) from aws_iam_role) as ratio;

-- name: probe_role_subquery_avg_2
select (select avg(max_session_duration) from aws_iam_role) as a;

-- name: probe_access_key_subquery_count
select name, (select count(*) from aws_iam_access_key k where k.user_name = u.name) * 100 / (select count(*) from aws_iam_access_key) as pct from aws_iam_user u order by name;

-- name: probe_user_case_to_char_literal
select name, case when mfa_enabled then 'yes' when password_last_used is null then 'never' else to_char(password_last_used, 'YYYY') end as v from aws_iam_user order by name;

-- name: probe_user_coalesce_literal_3
select name, coalesce(password_last_used, create_date, '2000-01-01') as v from aws_iam_user order by v;

-- name: probe_user_case_literal_4
select name, case when mfa_enabled then null else '3' end::int + 1 as v from aws_iam_user order by name;

-- name: probe_user_subquery
select (select max(create_date) from aws_iam_user) - (select min(create_date) from aws_iam_user) as span;

-- name: probe_user_subquery_extract
select (select extract(epoch from max(create_date)) from aws_iam_user) as e;

-- name: probe_user_subquery_count_2
select name, (select count(*) from aws_iam_user) - 1 as others from aws_iam_group order by name;

-- name: case_numeric_branches_keep_their_decimals_as_text
select name, (case when mfa_enabled then 1 else 2.50 end)::text as weight, 'avg ' || coalesce((select avg(attachment_count) from aws_iam_policy where is_aws_managed and not is_aws_managed), 0) as fallback
from aws_iam_user order by name;

-- name: probe_user_case_5
select name, case when tags = '{}' then '{"none": true}' else tags end as t from aws_iam_user order by name;

-- name: probe_role_coalesce_2
select name, coalesce(tags, '{}') as t from aws_iam_role order by name;

-- name: probe_user_union_10
select '{}'::jsonb as t union all select tags from aws_iam_user order by 1;

-- name: probe_user_union_11
select '[]' as arns union select attached_policy_arns from aws_iam_user order by 1;

-- name: probe_user_case_6
select name, case when mfa_enabled then '[]' else mfa_devices end as devices from aws_iam_user order by name;

-- name: probe_policy_case_3
select name, case when attachment_count > 0 then 'attached' else path end as where_ from aws_iam_policy order by name;

-- name: probe_user_union_12
select 'none' as p union select permissions_boundary_arn from aws_iam_user order by p nulls first;

-- name: probe_user_case_7
select name, case when mfa_enabled then 'true' else password_last_used is null end as v from aws_iam_user order by name;

-- name: probe_user_union_13
select 'f' as b union select mfa_enabled from aws_iam_user order by b;

-- name: probe_user_case_8
select name, case when mfa_enabled then '1 day' else age(create_date) end as v from aws_iam_user order by name;

-- name: probe_policy_case_4
select name, case when is_attached then 'yes' else split_part(arn, ':', 5) end as v from aws_iam_policy order by name;

-- name: probe_role_coalesce_3
select coalesce(description, name || ' (no description)') as d from aws_iam_role order by d;

-- name: probe_user_concat
select name, concat(name, ':', mfa_enabled, ':', create_date::date) as c from aws_iam_user order by name;

-- name: probe_user_11
select name, name || ':' || mfa_enabled as c, mfa_enabled::text as t from aws_iam_user order by name;

-- name: probe_role_format_2
select name, format('%s has %s policies', name, jsonb_array_length(attached_policy_arns)) as f from aws_iam_role order by name;

-- name: probe_policy_elements_text_elements_string_agg_2
select string_agg(distinct split_part(a, ':', 1), ', ') as services from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a;

-- name: probe_role_elements_text_elements_array_subquery
select name, array_to_string(array(select jsonb_array_elements_text(attached_policy_arns) order by 1), ',') as arns from aws_iam_role order by name;

-- name: probe_user_keys_array_agg
select name, (select array_agg(x order by x) from jsonb_object_keys(tags) x) as keys from aws_iam_user order by name;

-- name: probe_user_elements_text_elements_array_subquery
select name, 'arn:aws:iam::aws:policy/AdministratorAccess' = any(array(select jsonb_array_elements_text(attached_policy_arns))) as admin from aws_iam_user order by name;

-- name: probe_group_coalesce
select name, jsonb_array_length(coalesce(attached_policy_arns, '[]')) as n from aws_iam_group order by name;

-- name: probe_group_build_3
select name, jsonb_build_object('arn', arn, 'created', create_date) ->> 'created' as c from aws_iam_group order by name;

-- name: probe_group_to_jsonb
select name, to_jsonb(create_date) as j from aws_iam_group order by name;

-- name: probe_group_row_to_json
select name, row_to_json(g)::jsonb ->> 'name' as n from (select name, arn from aws_iam_group) g order by name;

-- name: probe_role_regexp_4
select name, regexp_replace(name, '(\w+)-(\w+)', '\2_\1') as swapped from aws_iam_role order by name;

-- name: probe_role_similar
select name, name ~ '^[a-z0-9-]+$' as slug, name similar to '[a-z]%' as sim from aws_iam_role order by name;

-- name: probe_user_12
select name, left(arn, strpos(arn, '/') - 1) as prefix from aws_iam_user order by name;

-- name: probe_user_window_overlay
select name, overlay(name placing '***' from 2 for 3) as masked from aws_iam_user order by name;

-- name: probe_group_translate
select name, translate(name, 'aeiou', 'AEIOU') as t, repeat('*', length(name)) as stars from aws_iam_group order by name;

-- name: probe_group_sha256
select name, encode(sha256(name::bytea), 'hex') = encode(sha256(name::bytea), 'hex') as ok from aws_iam_group order by name;

-- name: probe_group_to_char
select name, to_char(create_date, 'YYYY-MM-DD HH24:MI:SS TZ') as t from aws_iam_group order by name;

-- name: probe_group_6
select name, create_date::timestamp as naive, create_date::date::timestamptz as midnight from aws_iam_group order by name;

-- name: probe_policy_date_trunc_count
select date_trunc('quarter', create_date) as q, count(*) from aws_iam_policy group by 1 order by 1;

-- name: probe_group_interval_2
select name, justify_interval(now() - create_date) > interval '1 mon' as older from aws_iam_group order by name;

-- name: probe_role_interval_5
select name, extract(epoch from max_session_duration * interval '1 second') / 3600 as h from aws_iam_role order by name;

-- name: probe_role_interval_6
select name, make_interval(secs => max_session_duration) as d from aws_iam_role order by name;

-- name: probe_role_interval_7
select name, max_session_duration * interval '1 second' as d from aws_iam_role order by name;

-- name: probe_role_interval_8
select name, (max_session_duration || ' seconds')::interval as d from aws_iam_role order by name;

-- name: probe_credential_report_case_coalesce_to_char
select user_arn as resource, case when password_enabled and password_last_used is null and password_last_changed < now() - interval '90 days' then 'alarm' else 'ok' end as status, user_name || ' password last used ' || coalesce(to_char(password_last_used, 'DD-Mon-YYYY'), 'never') || '.' as reason from aws_iam_credential_report order by 1;

-- name: probe_credential_report_case_coalesce_interval
select user_arn, case when access_key_1_active and access_key_1_last_rotated < now() - interval '90 days' then 'alarm' else 'ok' end as status, user_name || ' key 1 rotated ' || coalesce(extract(day from now() - access_key_1_last_rotated)::text, 'n/a') || ' days ago.' as reason from aws_iam_credential_report order by 1;

-- name: probe_password_policy_case_join
select arn as resource, case when max_password_age is null or max_password_age > 90 then 'alarm' else 'ok' end as status from aws_iam_account_password_policy p join (select distinct account_id, 'arn:aws:::' || account_id as arn from aws_iam_user) a using (account_id) order by 1;

-- name: probe_user_case_9
select u.arn, case when u.mfa_enabled then 'ok' else 'alarm' end as status, u.name || case when u.mfa_enabled then ' has MFA enabled.' else ' has MFA disabled.' end as reason from aws_iam_user u order by 1;

-- name: probe_trail_case_coalesce
select t.arn, case when t.is_multi_region_trail and t.is_logging then 'ok' else 'alarm' end as status, t.title || ' multi-region: ' || t.is_multi_region_trail || ', logging: ' || coalesce(t.is_logging, false) || '.' as reason from aws_cloudtrail_trail t order by 1;

-- name: probe_trail_coalesce_filter_cte
with trail_status as (select account_id, count(*) filter (where is_multi_region_trail and is_logging) as good from aws_cloudtrail_trail group by account_id) select u.account_id, coalesce(t.good, 0) as good from (select distinct account_id from aws_iam_user) u left join trail_status t using (account_id) order by 1;

-- name: probe_policy_elements_text_elements_filter
select p.arn, count(*) filter (where s ->> 'Effect' = 'Allow' and a = '*') as star_actions from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where not p.is_aws_managed group by p.arn order by 1;

-- name: probe_role_case_coalesce_interval
select r.arn, case when r.role_last_used_date is null or r.role_last_used_date < now() - interval '90 days' then 'alarm' else 'ok' end as status, r.name || ' last used ' || coalesce(r.role_last_used_date::date::text, 'never') as reason from aws_iam_role r where r.path not like '/aws-service-role/%' order by 1;

-- name: probe_access_key_2
select k.access_key_id, k.user_name, date_part('day', now() - k.create_date) as age_days, k.status from aws_iam_access_key k order by age_days desc, 1;

-- name: probe_access_key_count_2
select user_name, count(*) as keys, max(create_date) as newest from aws_iam_access_key where status = 'Active' group by user_name having count(*) > 1 order by 1;

-- name: probe_role_elements_3
select r.name, s -> 'Condition' -> 'StringEquals' ->> 'sts:externalid' as external_id from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s where s -> 'Principal' ? 'AWS' order by 1;

-- name: probe_role_elements_keys
select r.name, jsonb_object_keys(s -> 'Condition') as op from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s where s ? 'Condition' order by 1, 2;

-- name: probe_role_elements_text_elements_2
select r.name, principal from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'AWS') principal where split_part(principal, ':', 5) <> r.account_id order by 1, 2;

-- name: probe_role_elements_4
select r.name, s -> 'Principal' ->> 'Federated' as idp from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s where s -> 'Principal' ? 'Federated' order by 1;

-- name: probe_trail_event_10
select event_name, user_identity ->> 'principalId' as pid, user_identity ->> 'accountId' as acct from aws_cloudtrail_trail_event where user_identity ->> 'type' = 'Root' order by event_time;

-- name: probe_trail_event_coalesce_2
select event_time, event_name, coalesce(error_code, 'success') as outcome from aws_cloudtrail_trail_event where event_name like 'Console%' order by event_time;

-- name: probe_trail_event_filter_date_trunc_count
select date_trunc('day', event_time)::date as day, count(*) filter (where error_code = 'AccessDenied') as denied, count(*) as total from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: probe_aws_region_array_agg_count
select username, array_agg(distinct aws_region) as regions, count(distinct source_ip_address) as ips from aws_cloudtrail_trail_event where username is not null group by 1 order by 1;

-- name: probe_trail_event_window_count
select event_source, event_name, count(*) as n, rank() over (partition by event_source order by count(*) desc) as r from aws_cloudtrail_trail_event group by 1, 2 order by 1, r, 2;

-- name: probe_trail_event_window
select username, event_name, event_time, row_number() over (partition by username order by event_time) as seq from aws_cloudtrail_trail_event where username is not null order by username, seq;

-- name: probe_group_elements_lateral_join
select g.name, count(u.*) as members from aws_iam_group g left join lateral jsonb_array_elements(g.users) u on true group by g.name order by 1;

-- name: probe_group_elements_text_elements_lateral
select g.name, a as policy from aws_iam_group g cross join lateral jsonb_array_elements_text(g.attached_policy_arns) a order by 1, 2;

-- name: probe_user_contains_build_array_subquery
select u.name, gp.name as grp from aws_iam_user u join aws_iam_group gp on gp.users @> jsonb_build_array(jsonb_build_object('UserName', u.name)) order by 1, 2;

-- name: probe_user_coalesce_3
select name, jsonb_array_length(inline_policies) as inline_count, coalesce(jsonb_array_length(attached_policy_arns), 0) as managed_count from aws_iam_user order by name;

-- name: probe_user_13
select name from aws_iam_user where jsonb_array_length(inline_policies) > 0 or jsonb_array_length(attached_policy_arns) > 0 order by name;

-- name: probe_policy_elements_3
select p.name, v ->> 'VersionId' as version, (v ->> 'IsDefaultVersion')::bool as is_default from aws_iam_policy p, jsonb_array_elements(p.policy_versions) v order by 1, 2;

-- name: probe_policy_11
select name, policy_versions -> 0 ->> 'CreateDate' as first_version_date from aws_iam_policy order by name;

-- name: probe_policy_12
select name, (policy_versions -> 0 ->> 'CreateDate')::timestamptz as first_version from aws_iam_policy where policy_versions -> 0 ? 'CreateDate' order by name;

-- name: probe_aws_managed_filter_count
select account_id, count(*) filter (where is_aws_managed) as aws_managed, count(*) filter (where not is_aws_managed) as customer, round(count(*) filter (where is_attached) * 100.0 / count(*)) as pct_attached from aws_iam_policy group by 1 order by 1;

-- name: probe_policy_to_char
select account_id, to_char(min(create_date), 'YYYY-MM') as first_month, to_char(max(create_date), 'YYYY-MM') as last_month from aws_iam_policy group by 1 order by 1;

-- name: cte_count_integer_division
with c as (select account_id, count(*) as n from aws_iam_user group by 1) select account_id, n / 2 as half, n * 100 / (select sum(n) from c) as pct from c order by 1;

-- name: subquery_count_integer_division
select account_id, n / 3 as third from (select account_id, count(*) as n from aws_iam_role group by 1) s order by 1;

-- name: jsonb_array_length_integer_division
select name, jsonb_array_length(attached_policy_arns) / 2 as half from aws_iam_role order by name;

-- name: length_strpos_integer_division
select name, length(name) / 3 as l, char_length(name) % 3 as m, strpos(name, '-') / 2 as p from aws_iam_user order by name;

-- name: row_number_integer_division
select name, row_number() over (order by name) / 2 as pair from aws_iam_user order by name;

-- name: date_difference_years_integer_division
select name, (create_date::date - date '2015-01-01') / 365 as years from aws_iam_user order by name;

-- name: extract_int_integer_division
select name, extract(year from create_date)::int / 10 * 10 as decade from aws_iam_role order by name;

-- name: date_part_int_integer_division
select name, date_part('year', create_date)::int / 100 as century from aws_iam_role order by name;

-- name: count_integer_division
select count(*) / 2 as half, count(distinct account_id) / 2 as accts from aws_iam_policy;

-- name: series_integer_division
select i / 2 as h, i % 2 as odd from generate_series(1, 5) i order by i;

-- name: max_of_subquery_count_integer_division
select max(n) / 2 as m from (select count(*) as n from aws_iam_policy group by account_id) s;

-- name: array_length_integer_division
select array_length(string_to_array(arn, '/'), 1) / 2 as a, cardinality(string_to_array(arn, ':')) / 2 as c from aws_iam_role order by arn;

-- name: chained_integer_and_numeric_division
select name, max_session_duration / 60 / 60 as hours, max_session_duration / 3600.0 / 24 as days from aws_iam_role order by name;

-- name: integer_division_as_text
select name, (max_session_duration / 3600)::text || 'h' as h from aws_iam_role order by name;

-- name: cte_counts_percentage_integer_and_numeric
with c as (select count(*) as total, count(*) filter (where mfa_enabled) as mfa from aws_iam_user) select mfa * 100 / total as pct_int, mfa * 100.0 / total as pct from c;

-- name: cte_counts_rounded_percentage
with c as (select count(*) as total, count(*) filter (where mfa_enabled) as mfa from aws_iam_user) select round(mfa::numeric / total * 100, 1) as pct from c;

-- name: ntile_integer_division
select ntile(3) over (order by name) / 2 as t from aws_iam_policy order by name;

-- name: position_octet_length_integer_division
select name, position('a' in name) / 2 as p, octet_length(name) / 2 as o from aws_iam_group order by name;

-- name: subquery_jsonb_array_length_integer_division
select s.n / 2 as half from (select jsonb_array_length(policy_std -> 'Statement') as n from aws_iam_policy) s order by 1;

-- name: scalar_subquery_bigint_integer_division
select (select max_session_duration from aws_iam_role order by name limit 1) / 7 as w;

-- name: sum_of_case_integer_division
select account_id, sum(case when mfa_enabled then 1 else 0 end) / count(*) as ratio_int from aws_iam_user group by 1 order by 1;

-- name: sum_of_literal_and_length_divided
select sum(1) / 2 as s, sum(length(name)) / 3 as l from aws_iam_user;

-- name: avg_and_sum_over_count_of_lengths
select avg(length(name)) as a, sum(length(name)) / count(*) as b from aws_iam_user;

-- name: epoch_days_years_division
select extract(epoch from (now() - create_date)) / 86400 / 365 as years from aws_iam_user order by 1;

-- name: date_minus_date_weeks
select name, (now()::date - create_date::date) / 7 as weeks from aws_iam_role order by name;

-- name: cte_timestamp_column_trunc_and_interval
with u as (select name, create_date as created from aws_iam_user) select name, date_trunc('year', created) as y, created + interval '1 day' as next_day from u order by name;

-- name: cte_jsonb_statement_column
with s as (select p.name, stmt from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') stmt) select name, stmt ->> 'Effect' as e, jsonb_typeof(stmt -> 'Action') as t from s order by 1, 2, 3;

-- name: cte_timestamp_to_char
with k as (select user_name, create_date from aws_iam_access_key) select user_name, to_char(create_date, 'YYYY-MM') as m from k order by 1, 2;

-- name: subquery_interval_column_compared
select x.name, x.age > interval '365 days' as old from (select name, now() - create_date as age from aws_iam_role) x order by 1;

-- name: elements_text_with_ordinality_default_names
select name, e.value, e.ordinality from aws_iam_role, jsonb_array_elements_text(attached_policy_arns) with ordinality as e order by 1, 3;

-- name: object_keys_with_ordinality_named
select name, t.k, t.n from aws_iam_user, jsonb_object_keys(tags) with ordinality as t(k, n) order by 1, 3;

-- name: distinct_on_expression_split_part
select distinct on (split_part(arn, ':', 5)) split_part(arn, ':', 5) as acct, name from aws_iam_role order by split_part(arn, ':', 5), name;

-- name: window_rows_frame_sum
select name, sum(attachment_count) over (order by name rows between 1 preceding and 1 following) as window_sum from aws_iam_policy order by name;

-- name: window_range_frame_count
select name, count(*) over (partition by is_aws_managed order by create_date range between unbounded preceding and current row) as c from aws_iam_policy order by name;

-- name: window_last_value_full_frame
select name, last_value(name) over (order by create_date rows between unbounded preceding and unbounded following) as newest from aws_iam_user order by name;

-- name: window_cume_dist_durations
select name, cume_dist() over (order by max_session_duration) as cd from aws_iam_role order by name;

-- name: jsonb_agg_of_objects_ordered
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled) order by name) as users from aws_iam_user group by 1 order by 1;

-- name: string_agg_with_filter
select account_id, string_agg(name, ',') filter (where not mfa_enabled) as no_mfa from aws_iam_user group by 1 order by 1;

-- name: array_agg_filter_over_lateral_left_join
select name, array_agg(a order by a) filter (where a like '%Read%') as readers from aws_iam_role left join lateral jsonb_array_elements_text(attached_policy_arns) a on true group by name order by name;

-- name: select_list_series_up_to_statement_count
select generate_series(1, jsonb_array_length(policy_std -> 'Statement')) as idx, name from aws_iam_policy order by name, idx;

-- name: series_of_days_left_join_events
select d::date as day, count(e.event_id) as n from generate_series(timestamptz '2024-01-01', timestamptz '2024-01-07', '1 day') d left join aws_cloudtrail_trail_event e on date_trunc('day', e.event_time) = d group by d order by d;

-- name: coalesce_jsonb_array_length_and_key_exists
select name, coalesce(jsonb_array_length(tags -> 'list'), 0) as n, tags ? 'env' as has_env from aws_iam_role order by name;

-- name: is_distinct_from_jsonb_text
select name, (tags ->> 'env') is distinct from 'prod' as not_prod from aws_iam_role order by name;

-- name: regexp_matches_account_digits
select name, regexp_matches(arn, '(\d{12})') as acct from aws_iam_group order by name;

-- name: regexp_split_to_table_with_ordinality
select name, s.part, s.n from aws_iam_role, regexp_split_to_table(name, '-') with ordinality as s(part, n) order by 1, 3;

-- name: substring_regex_prefix_upper
select name, upper(substring(name from '^[a-z]+')) as prefix from aws_iam_user order by name;

-- name: at_time_zone_new_york
select name, create_date::timestamptz at time zone 'America/New_York' as ny from aws_iam_group order by name;

-- name: epoch_bigint_modulo_day
select name, extract(epoch from create_date)::bigint % 86400 as secs_of_day from aws_iam_group order by name;

-- name: to_char_rfc_like
select name, to_char(create_date, 'Dy, DD Mon YYYY HH12:MI AM') as rfc from aws_iam_group order by name;

-- name: regexp_match_in_from_first_word
select name, m[1] as first_word from aws_iam_role, regexp_match(name, '^([a-zA-Z]+)') as m order by name;

-- name: regexp_match_in_from_no_match_is_null
select name, m from aws_iam_user, regexp_match(name, '([0-9]+)') as m order by name;

-- name: regexp_match_in_lateral_role_name
select r.name, m[1] as svc from aws_iam_role r cross join lateral regexp_match(r.arn, ':role/([^/]+)$') m order by 1;

-- name: regexp_match_in_from_second_group
select name, parts[2] as second from aws_iam_user, regexp_match(arn, '^arn:([^:]+):([^:]+)') as parts order by name;

-- name: date_part_is_double_precision
select name, date_part('day', now() - create_date) / 7 as weeks, date_part('year', create_date) + 0.5 as y,
  date_part('day', interval '3 days 4 hours') as d from aws_iam_user order by name;

-- name: date_minus_date_is_integer
select name, (create_date::date - date '2020-01-01') / 7 as weeks, (current_date - create_date::date) * 2 as twice
from aws_iam_user order by name;

-- name: greatest_least_numeric_keep_own_decimals
select name, greatest(attachment_count, 1.5) as g, least(attachment_count, 0.50) as l, greatest(2, 2.0) as t
from aws_iam_policy order by name;

-- name: union_all_numbers_keep_own_decimals
select name, 1.5 as v from aws_iam_user union all select name, attachment_count from aws_iam_policy
union all select name, max_session_duration / 3600.0 from aws_iam_role order by 2, 1;

-- name: cte_and_subquery_division_selected_outside
with t as (select account_id, avg(max_session_duration) as a from aws_iam_role group by account_id)
select u.name, s.r, t.a from aws_iam_user u join t on t.account_id = u.account_id
  join (select name, length(name) / 3.0 as r from aws_iam_user) s on s.name = u.name
order by u.name;

-- name: values_list_numbers_selected_as_they_are
select u.name, v.weight from aws_iam_user u join (values ('alice', 1.5), ('bob', 2), ('ci-deploy', -0.25)) v(who, weight)
  on v.who = u.name order by u.name;

-- name: cte_division_as_text
with t as (select attachment_count * 1.0 / 3 as r from aws_iam_policy)
select r::text as r_text, (r * 2)::text as doubled, r || '%' as pct from t order by 1;

-- name: subquery_avg_minutes_as_text
select s.account_id, s.m::text || ' min' as m
from (select account_id, avg(max_session_duration) / 60 as m from aws_iam_role group by account_id) s order by 1;

-- name: values_numbers_arithmetic_as_text
select n, (x * 2)::text as doubled, (x + 1)::text as plus_one from (values (1, 1.5), (2, 2), (3, 0.25), (4, -3)) v(n, x)
order by n;

-- name: subquery_text_read_as_numeric
select s.name, (s.cost::numeric * 2)::text as double_cost
from (select name, tags ->> 'cost.center' as cost from aws_iam_user) s where s.cost ~ '^[0-9.]+$' order by 1;

-- name: cte_date_part_as_text
with t as (select name, date_part('year', create_date) as y from aws_iam_user) select name, y::text, (y + 1)::text
from t order by name;

-- name: pg_typeof_user_columns
select pg_typeof(name) as name_type, pg_typeof(tags) as tags_type, pg_typeof(create_date) as created_type,
  pg_typeof(mfa_enabled) as mfa_type, pg_typeof(tags ->> 'team') as team_type, pg_typeof(akas) as akas_type
from aws_iam_user limit 1;

-- name: pg_typeof_computed_values
select pg_typeof(max_session_duration) as duration, pg_typeof(max_session_duration / 3600.0) as hours,
  pg_typeof(count(*)) as counted, pg_typeof(date_part('day', now() - max(create_date))) as days,
  pg_typeof(now() - max(create_date)) as age, pg_typeof(1) as one, pg_typeof('x') as quoted, pg_typeof(null) as nothing
from aws_iam_role group by max_session_duration order by 1 limit 1;

-- name: pg_typeof_statement_elements
select distinct pg_typeof(s) as statement_type, pg_typeof(a) as action_type
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a;

-- name: pg_typeof_as_text_filter
select count(*) from aws_cloudtrail_trail_event where pg_typeof(event_time)::text = 'timestamp with time zone';

-- name: to_char_role_session_hours
select name, to_char(max_session_duration, 'FM999,999') as secs, to_char(max_session_duration / 3600.0, 'FM990.0') as hours,
  to_char(max_session_duration / 60, '9,999" min"') as minutes
from aws_iam_role order by name;

-- name: to_char_policy_counts
select to_char(count(*), '0000') as n, to_char(avg(attachment_count), 'FM990.00') as mean,
  to_char(sum(attachment_count), '9,999') as total, to_char(-sum(attachment_count), 'S999') as negated
from aws_iam_policy;

-- name: to_char_mfa_percent
select to_char(100.0 * count(*) filter (where mfa_enabled) / count(*), 'FM990.0') || '%' as mfa_share
from aws_iam_user;

-- name: to_char_days_since_creation
select name, to_char(date_part('day', now() - create_date), 'FM99999') as days, to_char(create_date, 'YYYY-MM-DD') as created,
  to_char(create_date, 'YYYY-MM-DD HH24:MI:SS') as created_at, to_char(create_date, 'Mon DD') as created_on
from aws_iam_user order by name;

-- name: extract_julian_of_creation
select name, extract(julian from create_date)::text as julian, extract(julian from create_date::date) as julian_day,
  round(extract(julian from create_date), 3) as rounded
from aws_iam_user order by name;


-- name: users_iam_user_01
select u.name, g ->> 'GroupName' as group_name from aws_iam_user u, jsonb_array_elements(u.groups) g order by 1, 2;

-- name: users_iam_user_02
select name, jsonb_array_length(coalesce(mfa_devices, '[]'::jsonb)) as mfa_count from aws_iam_user order by name;

-- name: users_iam_user_03
select u.name, d ->> 'SerialNumber' as serial, (d ->> 'EnableDate')::timestamptz as enabled from aws_iam_user u cross join lateral jsonb_array_elements(u.mfa_devices) d order by 1;

-- name: users_iam_user_04
select name, k, v from aws_iam_user, jsonb_each_text(tags) as t(k, v) order by name, k;

-- name: users_iam_user_05
select name from aws_iam_user where tags ? 'team' order by name;

-- name: users_iam_user_06
select name from aws_iam_user where tags ?| array['team', 'owner'] order by name;

-- name: users_iam_user_07
select name from aws_iam_user where tags ?& array['team', 'cost.center'] order by name;

-- name: users_iam_user_08
select name, tags @> '{"team": "platform"}' as is_platform from aws_iam_user order by name;

-- name: users_iam_user_09
select name, attached_policy_arns from aws_iam_user where attached_policy_arns @> '["arn:aws:iam::aws:policy/AdministratorAccess"]' order by name;

-- name: users_iam_role_01
select name, jsonb_array_length(attached_policy_arns) as n from aws_iam_role where attached_policy_arns is not null order by n desc, name;

-- name: users_iam_role_02
select r.name, p as policy_arn from aws_iam_role r, jsonb_array_elements_text(r.attached_policy_arns) p order by 1, 2;

-- name: users_iam_role_03
select r.name, i ->> 'PolicyName' as inline_name from aws_iam_role r, jsonb_array_elements(r.inline_policies_std) i order by 1, 2;

-- name: users_iam_user_10
select name, date_part('day', now() - create_date)::int as age_days from aws_iam_user order by age_days desc, name;

-- name: users_iam_user_11
select name, create_date, now() - create_date > interval '365 days' as older_than_year from aws_iam_user order by name;

-- name: users_iam_role_04
select name, extract(day from now() - role_last_used_date) as idle_days from aws_iam_role order by name;

-- name: users_iam_role_05
select name, date_trunc('month', create_date) as month from aws_iam_role order by month, name;

-- name: users_iam_user_12
select to_char(date_trunc('month', create_date), 'YYYY-MM') as month, count(*) from aws_iam_user group by 1 order by 1;

-- name: users_iam_user_13
select name, age(now(), create_date) > interval '1 year' as old from aws_iam_user order by name;

-- name: users_credential_report_01
select user_name, access_key_1_active, access_key_1_last_rotated, date_part('day', now() - access_key_1_last_rotated) as rotated_days_ago from aws_iam_credential_report order by user_name;

-- name: users_credential_report_02
select user_name, case when password_enabled and not mfa_active then 'alarm' else 'ok' end as status from aws_iam_credential_report order by user_name;

-- name: users_credential_report_03
select user_name, greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity from aws_iam_credential_report order by user_name;

-- name: users_credential_report_04
select user_name, coalesce(password_last_used, user_creation_time) < now() - interval '90 days' as stale from aws_iam_credential_report order by user_name;

-- name: users_iam_access_key_01
select user_name, status, create_date, row_number() over (partition by user_name order by create_date desc) as rn from aws_iam_access_key order by user_name, rn;

-- name: users_iam_access_key_02
select user_name, count(*) filter (where status = 'Active') as active_keys, count(*) as keys from aws_iam_access_key group by user_name order by user_name;

-- name: users_iam_access_key_03
select user_name, access_key_id, lag(create_date) over (partition by user_name order by create_date) as previous_key_created from aws_iam_access_key order by user_name, create_date;

-- name: users_iam_access_key_04
select user_name, max(access_key_last_used_date) as last_used, bool_or(status = 'Active') as any_active from aws_iam_access_key group by user_name order by 1;

-- name: users_trail_event_01
select event_name, count(*) as n, min(event_time) as first_seen, max(event_time) as last_seen from aws_cloudtrail_trail_event group by event_name order by n desc, event_name;

-- name: users_trail_event_02
select event_source, event_name, username from aws_cloudtrail_trail_event where event_source = 'iam.amazonaws.com' and not read_only order by event_time;

-- name: users_trail_event_03
select user_identity ->> 'type' as identity_type, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: users_trail_event_04
select event_name, user_identity ->> 'arn' as actor, additional_event_data ->> 'MFAUsed' as mfa from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' order by event_time;

-- name: users_trail_event_05
select event_name, response_elements ->> 'ConsoleLogin' as result from aws_cloudtrail_trail_event where response_elements ? 'ConsoleLogin' order by 1;

-- name: users_trail_event_06
select event_name, error_code, count(*) from aws_cloudtrail_trail_event where error_code is not null group by 1, 2 order by 1, 2;

-- name: users_trail_event_07
select date_trunc('hour', event_time) as hour, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: users_trail_event_08
select event_name, source_ip_address, split_part(user_agent, '/', 1) as agent from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: users_trail_event_09
select event_name, request_parameters ->> 'userName' as target_user from aws_cloudtrail_trail_event where request_parameters is not null order by event_time;

-- name: users_trail_event_10
select event_name, jsonb_object_keys(request_parameters) as param from aws_cloudtrail_trail_event where jsonb_typeof(request_parameters) = 'object' order by 1, 2;

-- name: users_trail_event_11
select event_name, event_time at time zone 'UTC' as utc_time from aws_cloudtrail_trail_event order by event_time limit 3;

-- name: users_trail_event_12
select event_name, to_char(event_time, 'YYYY-MM-DD HH24:MI') as at, extract(dow from event_time) as dow from aws_cloudtrail_trail_event order by event_time;

-- name: users_trail_event_13
select username, string_agg(distinct event_name, ', ') as events from aws_cloudtrail_trail_event group by username order by username;

-- name: users_trail_event_14
select username, array_agg(event_name order by event_time) as events from aws_cloudtrail_trail_event group by username order by username;

-- name: users_trail_event_15
select username, jsonb_agg(event_name order by event_time) as events from aws_cloudtrail_trail_event group by username order by username;

-- name: users_trail_event_16
select event_name, event_time, lead(event_name) over (order by event_time) as next_event from aws_cloudtrail_trail_event order by event_time;

-- name: users_trail_event_17
select username, event_time, event_time - lag(event_time) over (partition by username order by event_time) as gap from aws_cloudtrail_trail_event order by username, event_time;

-- name: users_trail_event_18
select event_name, rank() over (order by count(*) desc) as rnk, count(*) from aws_cloudtrail_trail_event group by event_name order by rnk, event_name;

-- name: users_iam_policy_01
select p.name, s ->> 'Effect' as effect, a as action from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where a like '%*%' order by 1, 2, 3;

-- name: users_iam_policy_02
select p.name, count(*) as wildcard_actions from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where a like '%*' group by p.name order by 2 desc, 1;

-- name: users_iam_policy_03
select p.name from aws_iam_policy p where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Allow' and s -> 'Resource' ? '*') order by 1;

-- name: users_iam_policy_04
select p.name, split_part(a, ':', 1) as service, count(*) from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by 1, 2 order by 1, 2;

-- name: users_iam_policy_05
select distinct split_part(a, ':', 1) as service from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a order by 1;

-- name: users_iam_policy_06
select name, policy_std -> 'Statement' -> 0 -> 'Condition' as first_condition from aws_iam_policy order by name;

-- name: users_iam_policy_07
select name, jsonb_pretty(policy_std -> 'Statement' -> 0) from aws_iam_policy where not is_aws_managed order by name limit 1;

-- name: users_iam_policy_08
select name, length(policy::text) as policy_size from aws_iam_policy order by policy_size desc, name;

-- name: users_iam_policy_09
select name, is_aws_managed, attachment_count, case when attachment_count = 0 then 'unused' when attachment_count < 3 then 'few' else 'many' end as usage from aws_iam_policy order by name;

-- name: users_iam_role_06
select r.name, s -> 'Principal' ->> 'Service' as service from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s where s -> 'Principal' ? 'Service' order by 1;

-- name: users_iam_role_07
select r.name, jsonb_array_elements_text(s -> 'Principal' -> 'AWS') as principal from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s order by 1, 2;

-- name: users_iam_role_08
select name, max_session_duration / 3600 as hours, max_session_duration % 3600 as rest from aws_iam_role order by name;

-- name: users_iam_role_09
select name, round(max_session_duration / 3600.0, 1) as hours from aws_iam_role order by name;

-- name: users_iam_role_10
select name, coalesce(role_last_used_region, 'never') as region, coalesce(to_char(role_last_used_date, 'YYYY-MM-DD'), 'never') as last_used from aws_iam_role order by name;

-- name: users_iam_user_14
select name, permissions_boundary_arn is not null and permissions_boundary_arn <> '' as has_boundary from aws_iam_user order by name;

-- name: users_iam_role_11
select name, path, regexp_replace(arn, '^arn:aws:iam::[0-9]+:', '') as resource from aws_iam_role order by name;

-- name: users_iam_role_12
select name, substring(arn from ':role/(.*)$') as role_path_name from aws_iam_role order by name;

-- name: users_iam_group_01
select name, upper(left(name, 1)) || lower(substr(name, 2)) as pretty, length(name), reverse(name) from aws_iam_group order by name;

-- name: users_iam_role_13
select name, initcap(replace(name, '-', ' ')) as title_case from aws_iam_role order by name;

-- name: users_iam_role_14
select name, position('-' in name) as dash_at, strpos(name, 'a') as a_at from aws_iam_role order by name;

-- name: users_iam_group_02
select lpad(name, 12, '.') as padded, rpad(account_id, 15, '*') as acct from aws_iam_group order by name;

-- name: users_iam_role_15
select name, name ~* '^(admin|ops)' as privileged_name from aws_iam_role order by name;

-- name: users_iam_user_15
select account_id, count(*) as users, count(*) filter (where mfa_enabled) as with_mfa, round(100.0 * count(*) filter (where mfa_enabled) / count(*), 1) as pct from aws_iam_user group by account_id order by 1;

-- name: users_iam_user_16
select account_id, count(*) filter (where mfa_enabled)::numeric / count(*) as ratio from aws_iam_user group by account_id order by 1;

-- name: users_iam_role_16
select account_id, avg(max_session_duration) as avg_duration, stddev(max_session_duration)::text as sd from aws_iam_role group by account_id order by 1;

-- name: users_iam_role_17
select account_id, percentile_cont(0.5) within group (order by max_session_duration) as median from aws_iam_role group by account_id order by 1;

-- name: users_iam_group_03
select g.name as group_name, u ->> 'UserName' as member from aws_iam_group g, jsonb_array_elements(g.users) u order by 1, 2;

-- name: users_iam_group_04
select g.name, jsonb_array_length(g.users) as members from aws_iam_group g order by members desc, g.name;

-- name: users_iam_user_17
select u.name, count(g) as group_count from aws_iam_user u left join lateral jsonb_array_elements(u.groups) g on true group by u.name order by u.name;

-- name: users_iam_user_18
select u.name, k.access_key_id, k.status from aws_iam_user u join aws_iam_access_key k on k.user_name = u.name and k.account_id = u.account_id order by 1, 2;

-- name: users_iam_user_19
select u.name from aws_iam_user u where not exists (select 1 from aws_iam_access_key k where k.user_name = u.name) order by 1;

-- name: users_iam_user_20
select u.name, cr.password_enabled, cr.mfa_active from aws_iam_user u left join aws_iam_credential_report cr on cr.user_arn = u.arn order by 1;

-- name: users_trail_01
select t.name, t.is_multi_region_trail, t.log_file_validation_enabled, t.kms_key_id is null as unencrypted from aws_cloudtrail_trail t order by 1;

-- name: users_trail_02
select name, s ->> 'ReadWriteType' as rw, (s ->> 'IncludeManagementEvents')::bool as mgmt from aws_cloudtrail_trail, jsonb_array_elements(event_selectors) s order by 1;

-- name: users_trail_03
select name, now() - latest_delivery_time < interval '1 day' as delivering from aws_cloudtrail_trail order by 1;

-- name: users_password_policy_01
select account_id, minimum_password_length >= 14 as long_enough, password_reuse_prevention >= 24 as reuse_ok, coalesce(max_password_age, 0) <= 90 as age_ok from aws_iam_account_password_policy order by 1;

-- name: users_password_policy_02
select account_id, minimum_password_length, require_symbols and require_numbers and require_uppercase_characters and require_lowercase_characters as complex from aws_iam_account_password_policy order by 1;

-- name: users_iam_user_21
with admins as (select distinct u.name from aws_iam_user u, jsonb_array_elements_text(u.attached_policy_arns) a where a like '%AdministratorAccess') select name from admins order by 1;

-- name: users_trail_event_19
with counts as (select username, count(*) as n from aws_cloudtrail_trail_event group by username) select username, n, n * 100.0 / sum(n) over () as pct from counts order by username;

-- name: users_trail_event_20
with counts as (select username, count(*) as n from aws_cloudtrail_trail_event group by username) select username, n, round(n * 100.0 / sum(n) over (), 2) as pct from counts order by username;

-- name: users_trail_event_21
with ev as (select event_name, event_time from aws_cloudtrail_trail_event) select event_name, min(event_time), max(event_time) - min(event_time) as span from ev group by 1 order by 1;

-- name: users_iam_access_key_05
select name, (select count(*) from aws_iam_access_key k where k.user_name = u.name) as keys from aws_iam_user u order by name;

-- name: users_iam_user_22
select name, tags ->> 'team' as team, coalesce(tags ->> 'team', 'unassigned') as team_or_default from aws_iam_user order by name;

-- name: users_iam_user_23
select coalesce(tags ->> 'team', 'none') as team, count(*) from aws_iam_user group by 1 order by 1;

-- name: users_iam_user_24
select name, jsonb_strip_nulls(jsonb_build_object('team', tags ->> 'team', 'path', path)) as summary from aws_iam_user order by name;

-- name: users_iam_user_25
select name, tags - 'team' as other_tags from aws_iam_user where tags is not null order by name;

-- name: users_iam_user_26
select name, tags || '{"reviewed": true}'::jsonb as tagged from aws_iam_user where tags is not null order by name;

-- name: users_iam_user_27
select jsonb_object_agg(name, mfa_enabled) as mfa_by_user from aws_iam_user;

-- name: users_iam_user_28
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled) order by name) as users from aws_iam_user group by 1 order by 1;

-- name: users_iam_user_29
select name, array_to_string(array(select jsonb_array_elements_text(akas)), ',') as arns from aws_iam_user order by name;

-- name: users_iam_role_18
select name, string_to_array(path, '/') as parts, array_length(string_to_array(path, '/'), 1) as depth from aws_iam_role order by name;

-- name: users_iam_user_30
select name, 'user' as kind from aws_iam_user union select name, 'role' from aws_iam_role order by 2, 1;

-- name: users_iam_user_31
select name from aws_iam_user intersect select user_name from aws_iam_access_key order by 1;

-- name: users_iam_user_32
select name from aws_iam_user except select user_name from aws_iam_access_key order by 1;

-- name: users_trail_event_22
select count(*) as events, count(distinct username) as users, count(distinct event_source) as sources from aws_cloudtrail_trail_event;

-- name: users_trail_event_23
select event_name from aws_cloudtrail_trail_event where event_time > now() - interval '30 days' order by event_time;

-- name: users_trail_event_24
select event_name, event_time::date as day from aws_cloudtrail_trail_event where event_time::date between date '2025-01-01' and current_date order by event_time;

-- name: users_trail_event_25
select event_name from aws_cloudtrail_trail_event where event_name like any (array['Create%', 'Delete%', 'Put%']) order by 1;

-- name: users_trail_event_26
select event_name, username from aws_cloudtrail_trail_event where event_name in ('CreateAccessKey', 'CreateUser', 'AttachUserPolicy') order by event_time;

-- name: users_iam_user_33
select name, ntile(2) over (order by create_date) as half, percent_rank() over (order by create_date) as pr from aws_iam_user order by name;

-- name: users_iam_user_34
select name, first_value(name) over (partition by account_id order by create_date) as oldest_in_account from aws_iam_user order by name;

-- name: users_iam_user_35
select name, count(*) over (partition by account_id) as in_account, dense_rank() over (order by account_id) as acct_no from aws_iam_user order by name;

-- name: users_iam_policy_10
select name, sum(attachment_count) over (order by name rows between unbounded preceding and current row) as running from aws_iam_policy order by name;

-- name: users_iam_user_36
select name, create_date, create_date + interval '90 days' as review_due, (create_date + interval '90 days')::date - current_date as days_left from aws_iam_user order by name;

-- name: users_iam_role_19
select name, justify_days(now() - create_date) as age from aws_iam_role order by name limit 2;

-- name: users_series_01
select generate_series(date_trunc('day', now()) - interval '3 days', date_trunc('day', now()), interval '1 day')::date as day;

-- name: users_series_02
select d::date as day, count(e.event_id) as events from generate_series(timestamptz '2025-06-10', timestamptz '2025-06-16', interval '1 day') d left join aws_cloudtrail_trail_event e on e.event_time::date = d::date group by 1 order by 1;

-- name: users_iam_group_05
select md5(name) as h, encode(sha256(name::bytea), 'hex') as sha from aws_iam_group order by name;

-- name: users_iam_user_37
select name, mfa_enabled::int as mfa_int, mfa_enabled::text as mfa_text from aws_iam_user order by name;

-- name: users_iam_role_20
select name, nullif(description, '') as description from aws_iam_role order by name;

-- name: users_iam_group_06
select format('%s (%s)', name, account_id) as label, format('%I', name) as ident from aws_iam_group order by 1;

-- name: users_iam_group_07
select name, concat_ws(' / ', path, name, account_id) as full_name from aws_iam_group order by 1;

-- name: users_credential_report_05
select user_name, password_next_rotation is null as no_rotation, password_status from aws_iam_credential_report order by 1;

-- name: trail_event_access_key_create_date_java_format
select event_name, (response_elements -> 'accessKey' ->> 'createDate')::timestamptz as key_created,
  now() - (response_elements -> 'accessKey' ->> 'createDate')::timestamp > interval '1 day' as old
from aws_cloudtrail_trail_event where response_elements ? 'accessKey' order by 1;

-- name: users_grouping_cube_mfa
select account_id, mfa_enabled, count(*), grouping(account_id, mfa_enabled) as g from aws_iam_user
group by cube (account_id, mfa_enabled) order by 4, 1, 2;

-- name: users_sum_window_range_year
select name, create_date, sum(1) over (order by create_date range between interval '365 days' preceding and current row) as in_year
from aws_iam_user order by create_date;

-- name: users_more_iam_user_01
select account_id, count(*) from aws_iam_user group by rollup (account_id) order by 1 nulls last;

-- name: users_more_iam_user_02
select account_id, mfa_enabled, count(*) from aws_iam_user group by grouping sets ((account_id), (mfa_enabled), ()) order by 1, 2;

-- name: users_more_iam_user_03
select account_id, count(*) from aws_iam_user group by account_id having count(*) filter (where mfa_enabled) < count(*) order by 1;

-- name: users_more_iam_user_04
select distinct on (account_id) account_id, name, create_date from aws_iam_user order by account_id, create_date desc;

-- name: users_more_iam_user_05
select u.name, latest.event_name from aws_iam_user u left join lateral (select e.event_name from aws_cloudtrail_trail_event e where e.username = u.name order by e.event_time desc limit 1) latest on true order by 1;

-- name: users_more_iam_user_06
select name, now() - create_date as age from aws_iam_user order by name;

-- name: users_more_iam_user_07
select name, (now() - create_date)::text as age_text from aws_iam_user order by name;

-- name: users_more_iam_user_08
select name, extract(epoch from now() - create_date) / 86400 as days from aws_iam_user order by name;

-- name: users_more_iam_user_09
select name, floor(extract(epoch from now() - create_date) / 86400) as days from aws_iam_user order by name;

-- name: users_more_iam_user_10
select name, create_date::date as day, to_char(create_date, 'Dy, DD Mon YYYY') as pretty from aws_iam_user order by name;

-- name: users_more_iam_user_11
select name, date_part('year', age(now(), create_date)) as years from aws_iam_user order by name;

-- name: users_more_trail_event_01
select event_name, event_time, event_time >= date_trunc('week', now()) as this_week from aws_cloudtrail_trail_event order by event_time;

-- name: users_more_iam_role_01
select name, interval '1 day' * max_session_duration / 86400 as duration from aws_iam_role order by name;

-- name: users_more_iam_role_02
select name, make_interval(secs => max_session_duration) as duration from aws_iam_role order by name;

-- name: users_more_iam_user_12
select name, to_timestamp(extract(epoch from create_date)) = create_date as roundtrip from aws_iam_user order by name;

-- name: users_more_iam_policy_01
select jsonb_path_query_array(policy_std, '$.Statement[*].Effect') as effects from aws_iam_policy order by 1;

-- name: users_more_iam_policy_02
select name from aws_iam_policy where policy_std @? '$.Statement[*] ? (@.Effect == "Deny")' order by 1;

-- name: users_more_iam_policy_03
select name, jsonb_path_query_first(policy_std, '$.Statement[0].Action[0]') as first_action from aws_iam_policy order by 1;

-- name: users_more_iam_policy_04
select name, policy_std #> '{Statement,0,Resource}' as resources, policy_std #>> '{Statement,0,Effect}' as effect from aws_iam_policy order by 1;

-- name: users_more_iam_policy_05
select name, jsonb_typeof(policy_std -> 'Statement' -> 0 -> 'Condition') as cond_type from aws_iam_policy order by 1;

-- name: users_more_iam_role_03
select name, (regexp_match(arn, 'arn:aws:iam::(\d+):'))[1] as acct from aws_iam_role order by 1;

-- name: users_more_iam_role_04
select name, regexp_matches(name, '[a-z]+', 'g') as parts from aws_iam_role order by 1, 2;

-- name: users_more_iam_role_05
select name, regexp_split_to_array(name, '-') as words from aws_iam_role order by 1;

-- name: users_more_iam_role_06
select name, array_to_string(regexp_split_to_array(name, '-'), ' ') as spaced from aws_iam_role order by 1;

-- name: users_more_iam_role_07
select word, count(*) from aws_iam_role, regexp_split_to_table(name, '-') word group by word order by 2 desc, 1;

-- name: users_more_iam_group_01
select name, translate(name, 'ae', 'AE') as t, repeat('*', length(name)) as stars from aws_iam_group order by 1;

-- name: users_more_iam_group_02
select name, btrim('  ' || name || '  ') as trimmed, ltrim(name, 'ad') as l, rtrim(name, 's') as r from aws_iam_group order by 1;

-- name: users_more_iam_role_08
select name, split_part(arn, '/', -1) as last_part from aws_iam_role order by 1;

-- name: users_more_iam_role_09
select name, starts_with(name, 'git') as git, right(name, 4) as tail, left(name, -2) as head from aws_iam_role order by 1;

-- name: users_more_iam_user_13
select string_agg(name, ', ' order by name desc) as names from aws_iam_user;

-- name: users_more_iam_user_14
select account_id, string_agg(name, ',' order by name) filter (where mfa_enabled) as mfa_users from aws_iam_user group by 1 order by 1;

-- name: users_more_iam_policy_06
select name, avg(attachment_count) over (order by name rows between 1 preceding and 1 following) as moving from aws_iam_policy order by name;

-- name: users_more_iam_user_15
select name, last_value(name) over (order by create_date rows between unbounded preceding and unbounded following) as newest from aws_iam_user order by name;

-- name: users_more_iam_group_03
select name, nth_value(name, 2) over (order by name) as second from aws_iam_group order by 1;

-- name: users_more_iam_policy_07
select name, cume_dist() over (order by attachment_count) as cd from aws_iam_policy order by 1;

-- name: users_more_trail_event_02
select username, count(*) over w as n, min(event_time) over w as first from aws_cloudtrail_trail_event window w as (partition by username) order by username, event_time;

-- name: users_more_iam_policy_08
select percentile_disc(0.5) within group (order by attachment_count) as median, mode() within group (order by is_aws_managed) as typical from aws_iam_policy;

-- name: users_more_trail_event_03
select count(*) filter (where read_only) as reads, count(*) filter (where not read_only) as writes, round(avg(case when read_only then 1 else 0 end), 2) as read_share from aws_cloudtrail_trail_event;

-- name: users_more_trail_event_04
select event_name, coalesce(error_code, 'OK') as outcome, case when error_code like '%Denied%' then 'denied' when error_code is null then 'success' else 'error' end as category from aws_cloudtrail_trail_event order by event_time;

-- name: users_more_trail_event_05
select username, bool_and(read_only) as only_reads, every(error_code is null) as no_errors from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: users_more_trail_event_06
select event_name, user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'userName' as role_name from aws_cloudtrail_trail_event order by event_time;

-- name: users_more_trail_event_07
select event_name, user_identity ->> 'accessKeyId' as key, left(user_identity ->> 'accessKeyId', 4) = 'ASIA' as temporary from aws_cloudtrail_trail_event order by event_time;

-- name: users_more_trail_event_08
select tls_details ->> 'tlsVersion' as tls, count(*) from aws_cloudtrail_trail_event group by 1 order by 1 nulls first;

-- name: users_more_trail_event_09
select distinct jsonb_object_keys(user_identity) as k from aws_cloudtrail_trail_event order by 1;

-- name: users_more_trail_event_10
select event_name, r ->> 'ARN' as resource_arn from aws_cloudtrail_trail_event, jsonb_array_elements(resources) r order by 1, 2;

-- name: users_more_trail_event_11
select e.event_name, u.name as iam_user, u.mfa_enabled from aws_cloudtrail_trail_event e join aws_iam_user u on u.arn = e.user_identity ->> 'arn' order by 1, 2;

-- name: users_more_trail_event_12
select u.name, (select max(e.event_time) from aws_cloudtrail_trail_event e where e.username = u.name) as last_event from aws_iam_user u order by 1;

-- name: users_more_iam_user_16
select name, case when password_last_used is null then 'never' when password_last_used > now() - interval '30 days' then 'recent' else 'stale' end as login from aws_iam_user order by 1;

-- name: users_more_credential_report_01
select user_name, user_creation_time, extract(year from user_creation_time)::int as year, extract(quarter from user_creation_time) as q from aws_iam_credential_report order by 1;

-- name: users_more_credential_report_02
select user_name, access_key_1_last_used_service, coalesce(access_key_1_last_used_region, '-') as region from aws_iam_credential_report order by 1;

-- name: users_more_credential_report_03
select user_name, greatest(access_key_1_last_rotated, access_key_2_last_rotated) as newest_rotation, least(access_key_1_last_rotated, access_key_2_last_rotated) as oldest from aws_iam_credential_report order by 1;

-- name: users_more_credential_report_04
select user_name, password_last_changed is distinct from password_last_used as differs from aws_iam_credential_report order by 1;

-- name: users_more_iam_user_17
select name, arn like '%:user/staff/%' as staff from aws_iam_user order by 1;

-- name: users_more_iam_user_18
select name, path <> '/' as nested_path, array_length(string_to_array(trim(both '/' from path), '/'), 1) as depth from aws_iam_user order by 1;

-- name: users_more_iam_user_19
select name, tags ->> 'cost.center' as cc, (tags ->> 'cost.center')::int + 1 as next_cc from aws_iam_user where tags ? 'cost.center' order by 1;

-- name: users_more_iam_user_20
select name, jsonb_array_length(tags_src) as tag_count, tags_src -> 0 ->> 'Key' as first_key from aws_iam_user where tags_src is not null order by 1;

-- name: users_more_iam_user_21
select t ->> 'Key' as k, count(*) from aws_iam_user, jsonb_array_elements(tags_src) t group by 1 order by 2 desc, 1;

-- name: users_more_iam_user_22
select name, login_profile ->> 'CreateDate' as login_created, (login_profile ->> 'PasswordResetRequired')::boolean as reset from aws_iam_user order by 1;

-- name: users_more_iam_user_23
select name, inline_policies_std is not null as has_inline, coalesce(jsonb_array_length(inline_policies_std), 0) as n_inline from aws_iam_user order by 1;

-- name: users_more_iam_user_24
select u.name, ip ->> 'PolicyName' as policy, s ->> 'Effect' as effect from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) ip, jsonb_array_elements(ip -> 'PolicyDocument' -> 'Statement') s order by 1, 2, 3;

-- name: users_more_iam_role_10
select name, description, max_session_duration between 3600 and 14400 as normal from aws_iam_role order by 1;

-- name: users_more_iam_role_11
select name, role_last_used_date is null or role_last_used_date < now() - interval '90 days' as unused from aws_iam_role order by 1;

-- name: users_more_iam_policy_09
select p.name, p.policy_std -> 'Statement' @> '[{"Effect": "Allow", "Action": ["*"]}]' as admin from aws_iam_policy p order by 1;

-- name: users_more_iam_policy_10
select name, jsonb_array_length(policy_std -> 'Statement') as statements, jsonb_array_length(policy_versions) as versions from aws_iam_policy order by 1;

-- name: users_more_iam_policy_11
select name, default_version_id, substr(default_version_id, 2)::int as version_number from aws_iam_policy order by 1;

-- name: users_more_iam_policy_12
select name, update_date - create_date as lifetime, update_date > create_date as updated from aws_iam_policy order by 1;

-- name: users_more_iam_policy_13
select account_id, sum(attachment_count) as total, sum(attachment_count) filter (where is_aws_managed) as managed from aws_iam_policy group by 1 order by 1;

-- name: users_more_iam_policy_14
select account_id, count(*) as policies, avg(attachment_count)::numeric(10,2) as avg_att from aws_iam_policy group by 1 order by 1;

-- name: users_more_trail_01
select name, home_region, s3_bucket_name || '/' || coalesce(s3_key_prefix, '') as location from aws_cloudtrail_trail order by 1;

-- name: users_more_trail_02
select name, is_logging, coalesce(stop_logging_time > start_logging_time, false) as stopped from aws_cloudtrail_trail order by 1;

-- name: users_more_trail_03
select name, jsonb_array_length(advanced_event_selectors) as adv, event_selectors -> 0 -> 'DataResources' as data_resources from aws_cloudtrail_trail order by 1;

-- name: users_more_password_policy_01
select account_id, max_password_age, case when max_password_age is null then 'never expires' else max_password_age || ' days' end as expiry from aws_iam_account_password_policy order by 1;

-- name: users_more_iam_user_25
select 'user' as type, count(*) from aws_iam_user union all select 'role', count(*) from aws_iam_role union all select 'policy', count(*) from aws_iam_policy order by 1;

-- name: users_more_iam_user_26
select array_agg(distinct account_id) as accounts from aws_iam_user;

-- name: users_more_series_01
select unnest(array['a', 'b']) as letter, generate_series(1, 2) as n;

-- name: users_more_iam_group_04
select name, array_position(array['admins', 'deployers'], name) as pos from aws_iam_group order by 1;

-- name: users_more_iam_group_05
select name, name = any(array['admins', 'ops']) as special from aws_iam_group order by 1;

-- name: users_more_iam_user_27
select count(*) from aws_iam_user where create_date between '2020-01-01' and '2024-12-31';

-- name: users_more_iam_user_28
select count(*) from aws_iam_user where create_date > '2023-01-01'::date;

-- name: users_more_iam_user_29
select name, create_date at time zone 'America/New_York' as ny from aws_iam_user order by 1 limit 2;

-- name: users_more_iam_user_30
select name, date_part('hour', create_date at time zone 'Asia/Tokyo') as tokyo_hour from aws_iam_user order by 1;

-- name: users_more_iam_user_31
select name, to_char(create_date at time zone 'Europe/Paris', 'HH24:MI') as paris from aws_iam_user order by 1;

-- name: union_numeric_scales_attachments
select name, 1.5 as n from aws_iam_user union select name, attachment_count from aws_iam_policy order by 1, 2;

-- name: intersect_except_numeric_scales
select 1.50 as v intersect select 1.5 union select attachment_count * 1.0 from aws_iam_policy except select 0 order by 1;

-- name: cte_division_star_grouped_max_as_text
with q as (select name, attachment_count * 1.0 / 3 as r from aws_iam_policy)
select (select max(r)::text from q) as top, r::text as r_text, count(*) from q group by r order by r;

-- name: subquery_star_average_as_text
select s.*, s.a::text as a_text from (select account_id, avg(attachment_count) as a from aws_iam_policy group by 1) s
order by 1;

-- name: users_third_iam_policy_01
select name, jsonb_array_length(policy_std -> 'Statement') filter_count from aws_iam_policy order by 1;

-- name: users_third_iam_policy_02
select p.name, count(*) filter (where s ->> 'Effect' = 'Deny') as denies, count(*) filter (where s ->> 'Effect' = 'Allow') as allows from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s group by 1 order by 1;

-- name: users_third_iam_policy_03
select name, s ->> 'Sid' as sid, coalesce(s -> 'NotAction', s -> 'Action') as actions from aws_iam_policy, jsonb_array_elements(policy -> 'Statement') s where jsonb_typeof(policy -> 'Statement') = 'array' order by 1, 2;

-- name: users_third_iam_policy_04
select name, case jsonb_typeof(policy -> 'Statement') when 'array' then jsonb_array_length(policy -> 'Statement') else 1 end as n from aws_iam_policy order by 1;

-- name: users_third_iam_policy_05
select name, policy -> 'Statement' ->> 'Effect' as single_effect from aws_iam_policy order by 1;

-- name: users_third_iam_role_01
select r.name, jsonb_array_length(r.assume_role_policy_std -> 'Statement') as n, r.assume_role_policy_std -> 'Statement' -> 0 -> 'Condition' is not null as conditional from aws_iam_role r order by 1;

-- name: users_third_iam_role_02
select r.name, c.key as operator, c.value as condition from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c order by 1, 2;

-- name: users_third_iam_role_03
select r.name, k.key as cond_key, v as cond_value from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c, jsonb_each(c.value) k, jsonb_array_elements_text(k.value) v order by 1, 2, 3;

-- name: users_third_iam_role_04
select name, assume_role_policy_std @> '{"Statement": [{"Principal": {"Service": ["ec2.amazonaws.com"]}}]}' as ec2_trust from aws_iam_role order by 1;

-- name: users_third_iam_role_05
select name, assume_role_policy_document::jsonb -> 'Statement' -> 0 ->> 'Effect' as eff from aws_iam_role order by 1;

-- name: users_third_trail_event_01
select e.event_name, e.user_identity ->> 'type' as t, e.user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa from aws_cloudtrail_trail_event e order by e.event_time;

-- name: users_third_trail_event_02
select event_name, cloudtrail_event ->> 'eventID' as id, cloudtrail_event -> 'userIdentity' ->> 'type' as t from aws_cloudtrail_trail_event order by event_time;

-- name: users_third_trail_event_03
select event_name, jsonb_typeof(request_parameters) as rp, jsonb_typeof(response_elements) as re from aws_cloudtrail_trail_event order by event_time;

-- name: users_third_trail_event_04
select count(*) filter (where user_identity ->> 'type' = 'Root') as root_events, count(*) filter (where user_identity ->> 'type' = 'AssumedRole') as role_events from aws_cloudtrail_trail_event;

-- name: users_third_trail_event_05
select event_name, event_time, extract(hour from event_time) not between 8 and 18 as off_hours from aws_cloudtrail_trail_event order by event_time;

-- name: users_third_trail_event_06
select aws_region, count(*), array_agg(distinct event_name order by event_name) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: users_third_trail_event_07
select event_source, count(*), round(100.0 * count(*) / sum(count(*)) over (), 1) as share from aws_cloudtrail_trail_event group by 1 order by 2 desc, 1;

-- name: users_third_trail_event_08
select username, min(event_time) as first_seen, max(event_time) as last_seen, max(event_time) - min(event_time) as active_span from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: users_third_trail_event_09
select date(event_time) as day, count(*) from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: users_third_trail_event_10
select event_time::date as day, to_char(event_time, 'Day') as dow, count(*) from aws_cloudtrail_trail_event group by 1, 2 order by 1;

-- name: users_third_trail_event_11
select event_name, source_ip_address, source_ip_address like '10.%' or source_ip_address like '192.168.%' as private from aws_cloudtrail_trail_event order by event_time;

-- name: users_third_trail_event_12
select event_name, case when source_ip_address ~ '^[0-9.]+$' then 'ip' else 'service' end as source_kind from aws_cloudtrail_trail_event order by event_time;

-- name: users_third_trail_event_13
select event_name, user_agent ilike '%console%' as console, user_agent ~* 'boto|aws-cli' as sdk from aws_cloudtrail_trail_event order by event_time;

-- name: users_third_iam_user_01
select u.name, count(e.event_id) as events from aws_iam_user u left join aws_cloudtrail_trail_event e on e.username = u.name group by u.name order by 2 desc, 1;

-- name: users_third_iam_user_02
select u.name from aws_iam_user u where u.name not in (select username from aws_cloudtrail_trail_event where username is not null) order by 1;

-- name: users_third_iam_user_03
select name, create_date, lag(name) over (order by create_date) as created_before, create_date - lag(create_date) over (order by create_date) as gap from aws_iam_user order by create_date;

-- name: users_third_iam_user_04
select name, round(extract(epoch from (now() - create_date)) / 86400.0) as days from aws_iam_user order by 1;

-- name: users_third_iam_user_05
select name, (extract(epoch from now() - create_date) / 3600)::int as hours from aws_iam_user order by 1;

-- name: users_third_iam_user_06
select name, date_part('epoch', create_date)::bigint as epoch from aws_iam_user order by 1;

-- name: users_third_iam_user_07
select name, to_timestamp(date_part('epoch', create_date)) as back from aws_iam_user order by 1;

-- name: users_third_iam_user_08
select name, create_date + make_interval(days => 90) as expires from aws_iam_user order by 1;

-- name: users_third_iam_user_09
select name, date_trunc('quarter', create_date) as q, extract(quarter from create_date) as qn from aws_iam_user order by 1;

-- name: users_third_iam_user_10
select name, extract(isodow from create_date) as isodow, extract(doy from create_date) as doy, extract(week from create_date) as week from aws_iam_user order by 1;

-- name: users_third_iam_user_11
select name, to_char(create_date, 'IYYY-IW') as isoweek from aws_iam_user order by 1;

-- name: users_third_credential_report_01
select user_name, now() - access_key_1_last_rotated as key_age, justify_interval(now() - access_key_1_last_rotated) as pretty from aws_iam_credential_report where access_key_1_active order by 1;

-- name: users_third_credential_report_02
select user_name, case when access_key_1_active and access_key_1_last_rotated < now() - interval '90 days' then 'alarm' when access_key_1_active then 'ok' else 'skip' end as status from aws_iam_credential_report order by 1;

-- name: users_third_credential_report_03
select user_name, access_key_1_last_used_date is null and access_key_1_active as unused_active from aws_iam_credential_report order by 1;

-- name: users_third_credential_report_04
select user_name, cert_1_active or cert_2_active as has_cert from aws_iam_credential_report order by 1;

-- name: users_third_iam_access_key_01
select k.user_name, k.access_key_id, substr(k.access_key_id, 1, 4) as prefix, right(k.access_key_id, 4) as suffix from aws_iam_access_key k order by 1, 2;

-- name: users_third_iam_access_key_02
select user_name, count(*) > 1 as multiple_keys from aws_iam_access_key group by 1 order by 1;

-- name: users_third_iam_access_key_03
select status, count(*), min(create_date), max(create_date) from aws_iam_access_key group by 1 order by 1;

-- name: users_third_iam_access_key_04
select access_key_last_used_service, count(*) from aws_iam_access_key group by 1 order by 1 nulls first;

-- name: users_third_trail_01
select name, s3_bucket_name, is_multi_region_trail and log_file_validation_enabled and is_logging as compliant from aws_cloudtrail_trail order by 1;

-- name: users_third_trail_02
select name, jsonb_array_length(coalesce(event_selectors, '[]')) as selectors, insight_selectors from aws_cloudtrail_trail order by 1;

-- name: users_third_trail_03
select name, tags, tags_src from aws_cloudtrail_trail order by 1;

-- name: users_third_trail_04
select t.name, e.event_name from aws_cloudtrail_trail t join aws_cloudtrail_trail_event e on e.request_parameters ->> 'name' = t.name order by 1, 2;

-- name: users_third_password_policy_01
select account_id, minimum_password_length, minimum_password_length::text || ' chars' as label from aws_iam_account_password_policy order by 1;

-- name: users_third_password_policy_02
select account_id, to_jsonb(p) - '_ctx' - 'snapshot_id' - 'partition' - 'region' as policy from aws_iam_account_password_policy p order by 1;

-- name: users_third_iam_user_12
select jsonb_build_object('users', (select count(*) from aws_iam_user), 'roles', (select count(*) from aws_iam_role)) as summary;

-- name: users_third_iam_user_13
select json_build_object('user', name, 'mfa', mfa_enabled) from aws_iam_user order by name limit 2;

-- name: users_third_iam_group_01
select name, row_to_json(u)::jsonb ->> 'name' as n from (select name, path from aws_iam_group) u order by 1;

-- name: users_third_iam_group_02
select array_to_json(array_agg(name order by name)) as names from aws_iam_group;

-- name: users_third_iam_user_14
select name, akas ->> 0 as arn, akas -> 0 = to_jsonb(arn) as same from aws_iam_user order by 1;

-- name: users_third_iam_group_03
select name, _ctx ->> 'connection_name' as conn from aws_iam_group order by 1;

-- name: users_third_iam_group_04
select title, akas from aws_iam_group order by 1;

-- name: users_reason_numbers_01
select name || ' has ' || attachment_count || ' attachments (' || round(attachment_count * 100.0 / 6, 1) || '%)' as reason from aws_iam_policy order by 1;

-- name: users_reason_numbers_02
select concat(name, ': ', max_session_duration / 3600.0, 'h') as reason from aws_iam_role order by 1;

-- name: users_reason_numbers_03
select format('%s: %s days', name, date_part('day', now() - create_date)) as reason from aws_iam_user order by 1;

-- name: users_reason_numbers_04
select 'avg ' || avg(max_session_duration) as a, 'sum ' || sum(max_session_duration) as s from aws_iam_role;

-- name: users_reason_numbers_05
select string_agg(name || '=' || attachment_count * 1.5, ', ' order by name) as s from aws_iam_policy;

-- name: users_reason_numbers_06
with t as (select name, attachment_count / 4.0 as q from aws_iam_policy) select name || ':' || q from t order by 1;

-- name: users_reason_numbers_07
with t as (select name, attachment_count / 4.0 as q from aws_iam_policy) select string_agg(q::text, ',' order by name) from t;

-- name: users_reason_numbers_08
select name, coalesce(attachment_count / nullif(permissions_boundary_usage_count, 0)::numeric, 0) as ratio from aws_iam_policy order by 1;

-- name: users_reason_numbers_09
select name, attachment_count::numeric / 3 > 0.5 as over_half from aws_iam_policy order by 1;

-- name: users_reason_numbers_10
select account_id, round(avg(max_session_duration) / 3600, 2) || ' h' as avg_hours from aws_iam_role group by 1 order by 1;

-- name: users_reason_numbers_11
select name, (tags ->> 'cost.center')::numeric / 4 as quarter from aws_iam_user where tags ? 'cost.center' order by 1;

-- name: users_reason_numbers_12
select jsonb_build_object('name', name, 'ratio', attachment_count / 3.0) from aws_iam_policy order by name limit 2;

-- name: users_reason_numbers_13
select name, to_jsonb(max_session_duration / 3600.0) as hours from aws_iam_role order by 1;


-- name: steampipe_users_iam_trail_01
select u.name, g ->> 'GroupName' as group_name from aws_iam_user u cross join lateral jsonb_array_elements(u.groups) g order by 1, 2;

-- name: steampipe_users_iam_trail_02
select name, jsonb_array_length(coalesce(attached_policy_arns, '[]')) as n_attached, jsonb_array_length(coalesce(groups, '[]')) as n_groups from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_03
select name, date_part('day', now() - create_date)::int as age_days from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_04
select name, extract(epoch from (now() - create_date)) / 86400 > 90 as older_than_90 from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_05
select name, coalesce(to_char(password_last_used, 'YYYY-MM-DD'), 'never') as last_login from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_06
select user_name, access_key_id, status, date_trunc('day', create_date) as created_day from aws_iam_access_key order by user_name, access_key_id;

-- name: steampipe_users_iam_trail_07
select user_name, case when status = 'Active' and create_date < now() - interval '90 days' then 'alarm' else 'ok' end as status from aws_iam_access_key order by user_name, access_key_id;

-- name: steampipe_users_iam_trail_08
select user_name, count(*) filter (where status = 'Active') as active, count(*) as total from aws_iam_access_key group by user_name order by user_name;

-- name: steampipe_users_iam_trail_09
select string_agg(user_name, ', ' order by user_name desc) as users from aws_iam_credential_report where not mfa_active;

-- name: steampipe_users_iam_trail_10
select array_agg(name order by create_date, name) as users from aws_iam_user;

-- name: steampipe_users_iam_trail_11
select user_name, password_enabled, nullif(password_last_used, null) is null as never_used from aws_iam_credential_report order by user_name;

-- name: steampipe_users_iam_trail_12
select user_name, greatest(access_key_1_last_used_date, access_key_2_last_used_date, password_last_used) as last_activity from aws_iam_credential_report order by user_name;

-- name: steampipe_users_iam_trail_13
select user_name, age(now(), user_creation_time) > interval '1 year' as over_a_year from aws_iam_credential_report order by user_name;

-- name: steampipe_users_iam_trail_14
select r.name, s ->> 'Effect' as effect, p as principal from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'AWS') p order by 1, 3;

-- name: steampipe_users_iam_trail_15
select r.name, jsonb_object_keys(s -> 'Principal') as principal_kind from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s order by 1, 2;

-- name: steampipe_users_iam_trail_16
select name, max_session_duration / 3600 as hours, max_session_duration / 3600.0 as exact_hours from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_17
select name, role_last_used_date is null as unused, coalesce(role_last_used_region, 'n/a') as region from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_18
select name, regexp_replace(arn, '^arn:aws:iam::\d+:', '') as short_arn from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_19
select name, substring(arn from 'arn:aws:iam::(\d+):') as account from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_20
select name, split_part(arn, ':', 5) as account, split_part(arn, '/', -1) as last_part from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_21
select name, row_number() over (partition by account_id order by create_date desc, name) as newest_rank from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_22
select name, create_date, lag(name) over (order by create_date, name) as previous from aws_iam_user order by create_date, name;

-- name: steampipe_users_iam_trail_23
select name, attachment_count, rank() over (order by attachment_count desc) as r, dense_rank() over (order by attachment_count desc) as dr from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_24
select name, sum(attachment_count) over (order by name rows between 1 preceding and current row) as running from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_25
select name, attachment_count, round(100.0 * attachment_count / sum(attachment_count) over (), 2) as pct from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_26
select p.name, count(*) as statements, count(*) filter (where s ->> 'Effect' = 'Deny') as denies from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s group by p.name order by p.name;

-- name: steampipe_users_iam_trail_27
select p.name, a as action from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where a like '%*%' order by 1, 2;

-- name: steampipe_users_iam_trail_28
select p.name, string_agg(distinct split_part(a, ':', 1), ',' order by split_part(a, ':', 1)) as services from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by p.name order by p.name;

-- name: steampipe_users_iam_trail_29
select name, policy_std -> 'Statement' -> 0 ->> 'Effect' as first_effect, policy_std #>> '{Statement,0,Sid}' as first_sid from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_30
select name, jsonb_pretty(policy_std -> 'Statement' -> 0 -> 'Action') is not null as has_action from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_31
select name, case when is_aws_managed then 'AWS' when attachment_count > 0 then 'customer attached' else 'customer unattached' end as kind from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_32
select name, tags ->> 'team' as team, tags ? 'owner' as has_owner from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_33
select k, count(*) as n from aws_iam_user, jsonb_object_keys(coalesce(tags, '{}')) k group by k order by k;

-- name: steampipe_users_iam_trail_34
select name, (select count(*) from jsonb_each_text(coalesce(tags, '{}'))) as n_tags from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_35
select name, t ->> 'Key' as key, t ->> 'Value' as value from aws_iam_user, jsonb_array_elements(coalesce(tags_src, '[]')) t order by 1, 2;

-- name: steampipe_users_iam_trail_36
select u.name, count(distinct g.name) as groups from aws_iam_user u left join aws_iam_group g on g.users @> jsonb_build_array(jsonb_build_object('UserName', u.name)) group by u.name order by u.name;

-- name: steampipe_users_iam_trail_37
select g.name, jsonb_array_length(coalesce(g.users, '[]')) as members, jsonb_array_length(coalesce(g.attached_policy_arns, '[]')) as policies from aws_iam_group g order by g.name;

-- name: steampipe_users_iam_trail_38
select event_name, count(*) as n from aws_cloudtrail_trail_event group by event_name order by n desc, event_name;

-- name: steampipe_users_iam_trail_39
select event_source, event_name, user_identity ->> 'type' as identity_type from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_40
select coalesce(username, user_identity ->> 'arn', 'unknown') as who, count(*) as n from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: steampipe_users_iam_trail_41
select event_name, error_code is not null as failed, source_ip_address from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_42
select date_trunc('hour', event_time) as hour, count(*) as n from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: steampipe_users_iam_trail_43
select event_name, to_char(event_time, 'YYYY-MM-DD HH24:MI') as at from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_44
select event_name, response_elements ->> 'ConsoleLogin' as login_result from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' order by event_time;

-- name: steampipe_users_iam_trail_45
select event_name, additional_event_data ->> 'MFAUsed' as mfa_used from aws_cloudtrail_trail_event where additional_event_data is not null order by event_time, event_id;

-- name: steampipe_users_iam_trail_46
select event_name, user_agent ~* 'console' as from_console, regexp_match(user_agent, '^([a-zA-Z-]+)') as agent from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_47
select event_name, jsonb_typeof(request_parameters) as params_type, request_parameters ->> 'userName' as target_user from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_48
select event_name, read_only, lead(event_name) over (order by event_time, event_id) as next_event from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_49
select user_type, count(*) as n, min(event_time) as first_seen, max(event_time) as last_seen from aws_cloudtrail_trail_event group by user_type order by user_type;

-- name: steampipe_users_iam_trail_50
select event_name, r ->> 'ARN' as resource_arn from aws_cloudtrail_trail_event, jsonb_array_elements(coalesce(resources, '[]')) r order by 1, 2;

-- name: steampipe_users_iam_trail_51
select aws_region, count(distinct event_name) as distinct_events from aws_cloudtrail_trail_event group by aws_region order by aws_region;

-- name: steampipe_users_iam_trail_52
select name, is_logging, is_multi_region_trail and log_file_validation_enabled as hardened, coalesce(kms_key_id, 'none') as kms from aws_cloudtrail_trail order by name;

-- name: steampipe_users_iam_trail_53
select name, case when latest_delivery_time > now() - interval '1 day' then 'recent' else 'stale' end as delivery from aws_cloudtrail_trail order by name;

-- name: steampipe_users_iam_trail_54
select account_id, minimum_password_length, coalesce(max_password_age, 0) as max_age, require_symbols and require_numbers as complex from aws_iam_account_password_policy order by account_id;

-- name: steampipe_users_iam_trail_55
select u.name, k.access_key_id, k.status from aws_iam_user u left join aws_iam_access_key k on k.user_name = u.name order by u.name, k.access_key_id nulls first;

-- name: steampipe_users_iam_trail_56
select u.name from aws_iam_user u where not exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.status = 'Active') order by u.name;

-- name: steampipe_users_iam_trail_57
select name from aws_iam_user where name = any (select user_name from aws_iam_credential_report where password_enabled) order by name;

-- name: steampipe_users_iam_trail_58
with keys as (select user_name, count(*) as n from aws_iam_access_key group by user_name) select u.name, coalesce(k.n, 0) as keys from aws_iam_user u left join keys k on k.user_name = u.name order by u.name;

-- name: steampipe_users_iam_trail_59
select name, length(name) as len, upper(left(name, 1)) || substr(name, 2) as title_case, reverse(name) as backwards from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_60
select name, position('-' in name) as dash_at, initcap(replace(name, '-', ' ')) as words from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_61
select name, regexp_split_to_array(path, '/') as parts, array_length(regexp_split_to_array(path, '/'), 1) as depth from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_62
select name, arn like 'arn:aws:iam::%:role/aws-service-role/%' as service_linked from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_63
select jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled) order by name) as users from aws_iam_user;

-- name: steampipe_users_iam_trail_64
select jsonb_object_agg(name, attachment_count) as counts from aws_iam_policy;

-- name: steampipe_users_iam_trail_65
select name, to_jsonb(create_date) as created, create_date::date as day from aws_iam_group order by name;

-- name: steampipe_users_iam_trail_66
select name, (now() - create_date) > interval '365 days' as old, extract(year from create_date) as year from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_67
select name, update_date - create_date as lifetime from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_68
select count(*) filter (where mfa_enabled) as with_mfa, count(*) filter (where not mfa_enabled) as without_mfa, round(avg(case when mfa_enabled then 1 else 0 end) * 100, 1) as pct from aws_iam_user;

-- name: steampipe_users_iam_trail_69
select name, nullif(description, '') as description, coalesce(nullif(description, ''), '(none)') as shown from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_70
select account_id, sum(attachment_count) as attachments, avg(attachment_count) as avg_attachments, max(attachment_count) as most from aws_iam_policy group by account_id order by account_id;

-- name: steampipe_users_iam_trail_71
select account_id, avg(max_session_duration) / 3600 as avg_hours from aws_iam_role group by account_id order by account_id;

-- name: steampipe_users_iam_trail_72
select name, now() - create_date as age from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_73
select name, current_date - create_date::date as days from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_74
select name, justify_interval(now() - create_date) as age from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_75
select name, create_date + interval '90 days' as rotate_by from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_76
select user_name, extract(day from now() - create_date) as days from aws_iam_access_key order by user_name, access_key_id;

-- name: steampipe_users_iam_trail_77
select user_name, floor(extract(epoch from now() - create_date) / 86400) as days from aws_iam_access_key order by user_name, access_key_id;

-- name: steampipe_users_iam_trail_78
select name, string_agg(a, ',' order by a) filter (where a like 'iam:%') as iam_actions from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by name order by name;

-- name: steampipe_users_iam_trail_79
with stmts as (select p.name, s from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as t(s, n)) select name, count(*) as n from stmts group by name order by name;

-- name: steampipe_users_iam_trail_80
select p.name, t.n, t.s ->> 'Effect' as effect from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as t(s, n) order by 1, 2;

-- name: steampipe_users_iam_trail_81
select name, sum(attachment_count) over (partition by is_aws_managed) as per_kind, avg(attachment_count) over (partition by is_aws_managed) as avg_kind from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_82
select event_name, percent_rank() over (order by event_time) as pr, cume_dist() over (order by event_time) as cd from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_83
select name, ntile(2) over (order by name) as half, first_value(name) over (order by name) as first from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_84
select count(*) * 100.0 / (select count(*) from aws_iam_user) as pct_mfa from aws_iam_user where mfa_enabled;

-- name: steampipe_users_iam_trail_85
select round(count(*) filter (where mfa_enabled)::numeric / count(*) * 100, 2) as pct from aws_iam_user;

-- name: steampipe_users_iam_trail_86
select name, coalesce(jsonb_array_length(mfa_devices), 0) as devices, mfa_devices -> 0 ->> 'SerialNumber' as serial from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_87
select name, login_profile ->> 'CreateDate' as password_set, (login_profile ->> 'CreateDate')::timestamptz < now() - interval '1 year' as old from aws_iam_user where login_profile is not null order by name;

-- name: steampipe_users_iam_trail_88
select event_name, (user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated')::boolean as mfa from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_89
select event_name, user_identity ->> 'accountId' = recipient_account_id as same_account from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_90
select split_part(event_source, '.', 1) as service, count(*) as n, string_agg(distinct event_name, ',') as events from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: steampipe_users_iam_trail_91
select event_name, extract(dow from event_time) as dow, to_char(event_time, 'Dy') as day from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_92
select event_name, event_time at time zone 'America/New_York' as local_time from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_93
select event_name, timestamp - event_time as lag from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_94
select name, max_session_duration, max_session_duration * interval '1 second' as session from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_95
select name, case when max_session_duration > 3600 then max_session_duration / 60.0 end as minutes from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_96
select name, attachment_count::float / nullif(permissions_boundary_usage_count + attachment_count, 0) as share from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_97
select name, to_char(create_date, 'Mon DD, YYYY') as created, to_char(attachment_count, 'FM999') as n from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_98
select jsonb_build_object('users', count(*), 'mfa', count(*) filter (where mfa_enabled), 'ratio', avg(case when mfa_enabled then 1.0 else 0 end)) as summary from aws_iam_user;

-- name: steampipe_users_iam_trail_99
select name, array_to_string(array(select jsonb_array_elements_text(attached_policy_arns)), ';') as arns from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_100
select name, (select string_agg(g ->> 'GroupName', ',' order by g ->> 'GroupName') from jsonb_array_elements(groups) g) as group_names from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_101
with per as (select user_name, count(*) as n from aws_iam_access_key group by user_name) select avg(n) as avg_keys, sum(n) as keys from per;

-- name: steampipe_users_iam_trail_102
with per as (select user_name, length(user_name) as n from aws_iam_access_key) select user_name, avg(n) over (order by user_name, n) as v from per order by user_name, v;

-- name: steampipe_users_iam_trail_103
select avg(c) as v from (select event_name, count(*) as c from aws_cloudtrail_trail_event group by 1) s;

-- name: steampipe_users_iam_trail_104
select avg(c) filter (where c > 0) as v from (select event_name, count(*) as c from aws_cloudtrail_trail_event group by 1) s;

-- name: steampipe_users_iam_trail_105
select name, coalesce(sum(attachment_count) over (order by name), 0) / 2.0 as half_running from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_106
with t as (select name, attachment_count / 2.0 as h from aws_iam_policy) select sum(h) as total, avg(h) as mean, max(h) as top from t;

-- name: steampipe_users_iam_trail_107
with per as (select user_name, count(*) as n from aws_iam_access_key group by user_name) select avg(n) as avg_keys, sum(n) as keys from per;

-- name: steampipe_users_iam_trail_108
select event_name, count(*) * 100.0 / sum(count(*)) over () as pct from aws_cloudtrail_trail_event group by event_name order by event_name;

-- name: steampipe_users_iam_trail_109
select name, max_session_duration / 3600.0 as h, sum(max_session_duration / 3600.0) over (order by name) as running_h from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_110
select account_id, sum(case when mfa_enabled then 1 else 0 end) as mfa, avg(case when mfa_enabled then 1.0 else 0.0 end) as ratio from aws_iam_user group by rollup (account_id) order by account_id nulls last;

-- name: steampipe_users_iam_trail_111
select is_aws_managed, sum(attachment_count / 4.0) as q from aws_iam_policy group by cube (is_aws_managed) order by is_aws_managed nulls last;

-- name: steampipe_users_iam_trail_112
select s.k, sum(s.v) as total from (select name as k, attachment_count / 3.0 as v from aws_iam_policy union all select 'extra', 1.5) s group by s.k order by s.k;

-- name: steampipe_users_iam_trail_113
select coalesce(user_name, 'all') as who, count(*) as n from aws_iam_access_key group by grouping sets ((user_name), ()) order by who;

-- name: steampipe_users_iam_trail_114
select name, tags -> 'team' as team_json, jsonb_build_object('n', max_session_duration / 7.0) as obj from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_115
select name, (select avg(v) from (values (1.5), (2), (3.25)) t(v)) as mean from aws_iam_group order by name;

-- name: steampipe_users_iam_trail_116
select name, round(max_session_duration::numeric / 3600, 3) as hours from aws_iam_role order by name;

-- name: steampipe_users_iam_trail_117
select name, trunc(extract(epoch from now() - create_date) / 86400) as days from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_118
select name, 'ratio ' || round(attachment_count / 3.0, 2) || '%' as reason from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_119
select string_agg(name || ':' || (max_session_duration / 3600.0)::text, ', ' order by name) as hours from aws_iam_role;

-- name: steampipe_users_iam_trail_120
select name, jsonb_build_object('days', extract(day from now() - create_date)) ->> 'days' is not null as ok from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_121
select event_name, jsonb_array_length(coalesce(resources, '[]'::jsonb)) as n, resources -> 0 ->> 'type' as first_type from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_122
select event_name, regexp_replace(user_identity ->> 'arn', '^arn:aws:sts::\d+:assumed-role/([^/]+)/.*$', '\1') as role from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: steampipe_users_iam_trail_123
select name, left(policy_std::text, 20) as head from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_124
select name, policy_std -> 'Statement' @> '[{"Effect": "Deny"}]' as has_deny from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_125
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Effect') as effects from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_126
select name, exists (select 1 from jsonb_array_elements(policy_std -> 'Statement') s where s -> 'Resource' ? '*') as any_star from aws_iam_policy order by name;

-- name: steampipe_users_iam_trail_127
select u.name, count(k.*) as keys from aws_iam_user u left join aws_iam_access_key k on k.user_name = u.name group by u.name order by u.name;

-- name: steampipe_users_iam_trail_128
select name, create_date::date - '2020-01-01'::date as days_since_2020 from aws_iam_user order by name;

-- name: steampipe_users_iam_trail_129
select date_part('year', create_date) as y, count(*) as n from aws_iam_role group by 1 order by 1;

-- name: steampipe_users_iam_trail_130
select distinct on (user_name) user_name, access_key_id, create_date from aws_iam_access_key order by user_name, create_date desc;

-- name: steampipe_users_iam_trail_131
select name, case when tags is null or tags = '{}'::jsonb then 'untagged' else 'tagged' end as tagging from aws_iam_role order by name;

-- name: avg_distinct_attachment_count
select sum(distinct attachment_count) as s, avg(distinct attachment_count) as a from aws_iam_policy;

-- name: avg_distinct_filter_session_duration
select avg(distinct max_session_duration) as a, avg(distinct max_session_duration) filter (where name like '%a%') as b from aws_iam_role;

-- name: avg_distinct_of_numeric_per_account
select account_id, avg(distinct attachment_count * 1.5) as a, sum(distinct attachment_count * 1.5) as s from aws_iam_policy group by 1 order by 1;

-- name: avg_distinct_as_text
select avg(distinct length(name))::text || '%' as a from aws_iam_user;

-- name: rollup_comparison_key
select attachment_count > 1 as k, count(*) as n from aws_iam_policy group by rollup (attachment_count > 1) order by 1 nulls first, 2;

-- name: cube_two_expressions
select mfa_enabled, password_last_used is null as never, count(*) as n from aws_iam_user group by cube (mfa_enabled, password_last_used is null) order by 1, 2, 3;

-- name: grouping_sets_expression
select max_session_duration > 3600 as long, count(*) as n from aws_iam_role group by grouping sets (max_session_duration > 3600, ()) order by 1, 2;

-- name: rollup_expression_grouping
select account_id, is_aws_managed and is_attached as used, grouping(account_id, is_aws_managed and is_attached) as g, count(*) as n from aws_iam_policy group by rollup (account_id, is_aws_managed and is_attached) order by 1, 2, 3;

-- name: aggregates_over_union_of_counts
select sum(n) as s, avg(n) as a, min(n) as mi, max(n) as ma from (select attachment_count as n from aws_iam_policy union select max_session_duration / 3600 from aws_iam_role) s;

-- name: aggregates_over_except_of_quotients
with u as (select attachment_count / 4.0 as r from aws_iam_policy except select 0.5) select max(r) as m, sum(r) as s, avg(r) as a, count(*) as c from u;

-- name: unnest_numeric_literals_times_count
select name, unnest(array[0.5, 1.25]) * attachment_count as w from aws_iam_policy order by name, w;

-- name: unnest_numeric_literals_in_from
select x, x::text as t from unnest(array[1.5, 2.25, 3]) x order by x;

-- name: unnest_numeric_literals_aggregated
select sum(x) as s, avg(x) as a, max(x) as m from unnest(array[1.5, 2.25, 3]) as t(x);

-- name: org_account_status_reason
select arn as resource, case when status = 'ACTIVE' then 'ok' else 'alarm' end as status, name || ' is ' || lower(status) || '.' as reason from aws_organizations_account order by name;

-- name: org_account_age_days
select name, date_part('day', now() - joined_timestamp) as days_in_org, extract(epoch from joined_timestamp) as joined_epoch from aws_organizations_account order by name;

-- name: org_account_joined_age
select name, age(now(), joined_timestamp) > interval '3 years' as old_member, to_char(joined_timestamp, 'YYYY-MM-DD HH24:MI') as joined from aws_organizations_account order by joined_timestamp;

-- name: org_account_tags_each
select a.name, t.key, t.value from aws_organizations_account a, jsonb_each_text(a.tags) t order by a.name, t.key;

-- name: org_account_missing_owner_tag
select name, not (tags ? 'owner') as missing_owner, tags ?| array['env', 'Environment'] as has_env from aws_organizations_account order by name;

-- name: org_account_email_domain
select split_part(email, '@', 2) as domain, count(*) as accounts, string_agg(name, ', ' order by name) as names from aws_organizations_account group by 1 order by 1;

-- name: org_account_parent_ou
select a.name, coalesce(o.name, 'root') as parent, o.path from aws_organizations_account a left join aws_organizations_organizational_unit o on o.id = a.parent_id order by a.name;

-- name: org_ou_depth
select name, array_length(string_to_array(path, '.'), 1) as depth, split_part(path, '.', 1) as root_label from aws_organizations_organizational_unit order by path;

-- name: org_ou_child_counts
select o.name, count(a.id) as accounts, count(a.id) filter (where a.status = 'SUSPENDED') as suspended from aws_organizations_organizational_unit o left join aws_organizations_account a on a.parent_id = o.id group by o.name order by o.name;

-- name: org_root_policy_types
select r.id, pt ->> 'Type' as policy_type, pt ->> 'Status' as status from aws_organizations_root r, jsonb_array_elements(r.policy_types) pt order by 2;

-- name: org_root_scp_enabled
select id, policy_types @> '[{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]' as scp_enabled, jsonb_array_length(policy_types) as n from aws_organizations_root;

-- name: org_scp_statements
select p.name, s ->> 'Sid' as sid, s ->> 'Effect' as effect, coalesce(s -> 'Action', s -> 'NotAction') as actions from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s where p.type = 'SERVICE_CONTROL_POLICY' order by p.name, sid nulls first;

-- name: org_scp_deny_regions
select p.name, jsonb_array_elements_text(s -> 'Condition' -> 'StringNotEquals' -> 'aws:RequestedRegion') as allowed_region from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s where s ->> 'Effect' = 'Deny' order by 1, 2;

-- name: org_policy_kinds
select type, count(*) as n, bool_or(aws_managed) as any_aws_managed, array_agg(name order by name) as names from aws_organizations_policy group by type order by type;

-- name: org_policy_description_blank
select name, nullif(description, '') is null as no_description, length(coalesce(description, '')) as len from aws_organizations_policy order by name;

-- name: org_tag_policy_values
select name, jsonb_array_elements_text(content #> '{tags,env,tag_value,@@assign}') as allowed from aws_organizations_policy where type = 'TAG_POLICY' order by 2;

-- name: org_account_json_object
select json_build_object('id', id, 'name', name, 'status', status)::text as doc from aws_organizations_account order by id;

-- name: org_account_jsonb_agg_by_status
select status, jsonb_agg(jsonb_build_object('name', name, 'method', joined_method) order by name) as accounts from aws_organizations_account group by status order by status;

-- name: org_account_format
select format('%s (%s) joined %s by %s', name, id, joined_timestamp::date, lower(joined_method)) as line from aws_organizations_account order by id;

-- name: org_account_rank_by_join
select name, rank() over (order by joined_timestamp) as seniority, lag(name) over (order by joined_timestamp) as previous from aws_organizations_account order by seniority;

-- name: org_account_cost_center_numeric
select name, (tags ->> 'CostCenter')::numeric * 2 as doubled from aws_organizations_account where tags ? 'CostCenter';

-- name: org_accounts_per_year
select date_part('year', joined_timestamp)::int as year, count(*) as joined from aws_organizations_account group by 1 order by 1;

-- name: org_member_accounts_not_in_iam
select a.id, a.name from aws_organizations_account a where not exists (select 1 from aws_iam_user u where u.account_id = a.id) order by a.id;

-- name: iam_user_mfa_reason
select arn as resource, case when mfa_enabled then 'ok' else 'alarm' end as status, case when mfa_enabled then name || ' MFA enabled.' else name || ' MFA not enabled.' end as reason, account_id from aws_iam_user order by name;

-- name: iam_user_console_no_mfa_credential_report
select user_name, password_enabled, mfa_active from (select user_name as user_name, password_enabled, mfa_active from aws_iam_credential_report) r where password_enabled and not mfa_active order by 1;

-- name: iam_user_unused_90_days
select name, coalesce(date_part('day', now() - password_last_used)::int, -1) as days_unused from aws_iam_user where password_last_used is null or password_last_used < now() - interval '90 days' order by name;

-- name: iam_access_key_age_buckets
select user_name, access_key_id, case when create_date > now() - interval '90 days' then '< 90 days' when create_date > now() - interval '1 year' then '90 days - 1 year' else '> 1 year' end as age_bucket from aws_iam_access_key order by user_name, access_key_id;

-- name: iam_access_key_rotation_days
select user_name, extract(day from now() - create_date) as key_age_days, to_char(create_date, 'Mon DD, YYYY') as created from aws_iam_access_key order by create_date;

-- name: iam_access_key_status_counts
select status, count(*) as n, count(*) filter (where access_key_last_used_date is null) as never_used from aws_iam_access_key group by status order by status;

-- name: iam_access_key_last_used_epoch
select access_key_id, extract(epoch from (now() - access_key_last_used_date)) / 86400 as idle_days from aws_iam_access_key where access_key_last_used_date is not null order by 1;

-- name: iam_user_groups_count
select name, jsonb_array_length(groups) as group_count, (select string_agg(g ->> 'GroupName', ',' order by g ->> 'GroupName') from jsonb_array_elements(groups) g) as group_names from aws_iam_user order by name;

-- name: iam_user_attached_policy_names
select u.name, regexp_replace(p, '^arn:aws:iam::(aws|\d{12}):policy/', '') as policy from aws_iam_user u, jsonb_array_elements_text(u.attached_policy_arns) p order by 1, 2;

-- name: iam_user_admin_attached
select name, attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess' as is_admin from aws_iam_user order by name;

-- name: iam_user_inline_policy_actions
select u.name, i ->> 'PolicyName' as policy, a as action from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) i, jsonb_array_elements(i -> 'PolicyDocument' -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a order by 1, 2, 3;

-- name: iam_user_tags_keys
select name, array_to_string(array(select jsonb_object_keys(tags) order by 1), '|') as tag_keys from aws_iam_user where tags is not null order by name;

-- name: iam_user_path_depth
select name, path, length(path) - length(replace(path, '/', '')) - 1 as depth from aws_iam_user order by name;

-- name: iam_user_create_month
select to_char(create_date, 'YYYY-MM') as month, count(*) as created, min(name) as first_name from aws_iam_user group by 1 order by 1;

-- name: iam_user_name_regex
select name, (regexp_matches(arn, ':user/(.*)$'))[1] as path_and_name, name ~ '^svc-' as service_user from aws_iam_user order by name;

-- name: iam_user_distinct_on_account
select distinct on (account_id) account_id, name, create_date from aws_iam_user order by account_id, create_date;

-- name: iam_user_login_profile
select name, login_profile ->> 'CreateDate' as profile_created, (login_profile ->> 'PasswordResetRequired')::boolean as reset_required from aws_iam_user order by name;

-- name: iam_user_mfa_device_serials
select u.name, d ->> 'SerialNumber' as serial, (d ->> 'EnableDate')::timestamptz as enabled_at from aws_iam_user u cross join lateral jsonb_array_elements(u.mfa_devices) d order by 1, 2;

-- name: iam_role_trust_principals
select r.name, p.key as principal_type, v as principal from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Principal') p, jsonb_array_elements_text(p.value) v order by 1, 2, 3;

-- name: iam_role_cross_account_trust
select distinct r.name, split_part(v, ':', 5) as trusted_account from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Principal' -> 'AWS') v where split_part(v, ':', 5) <> r.account_id order by 1, 2;

-- name: iam_role_public_trust
select name, assume_role_policy_std -> 'Statement' @> '[{"Principal": {"AWS": ["*"]}}]' as public from aws_iam_role order by name;

-- name: iam_role_external_id_condition
select r.name, s -> 'Condition' -> 'StringEquals' ->> 'sts:externalid' as external_id from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s where s -> 'Condition' is not null order by 1;

-- name: iam_role_session_duration_hours
select name, max_session_duration / 3600 as hours, max_session_duration / 3600.0 as exact_hours, round(max_session_duration / 3600.0, 1) as rounded from aws_iam_role order by name;

-- name: iam_role_last_used
select name, coalesce(role_last_used_region, 'never') as region, date_trunc('day', role_last_used_date) as last_used_day from aws_iam_role order by name;

-- name: iam_role_service_linked
select name, path like '/aws-service-role/%' as service_linked, starts_with(name, 'AWSServiceRole') as by_name from aws_iam_role order by name;

-- name: iam_role_oidc_subjects
select r.name, c.key as operator, k.key as condition_key, k.value as vals from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c, jsonb_each(c.value) k where s -> 'Principal' ? 'Federated' order by 1, 2, 3;

-- name: iam_role_instance_profiles
select name, jsonb_array_length(coalesce(instance_profile_arns, '[]'::jsonb)) as profiles from aws_iam_role order by name;

-- name: iam_role_window_by_account
select account_id, name, count(*) over (partition by account_id) as roles_in_account, row_number() over (partition by account_id order by name) as n from aws_iam_role order by account_id, name;

-- name: iam_group_users
select g.name, count(u) as members, string_agg(u ->> 'UserName', ',' order by u ->> 'UserName') as users from aws_iam_group g left join lateral jsonb_array_elements(g.users) u on true group by g.name order by g.name;

-- name: iam_group_no_users
select name, coalesce(jsonb_array_length(users), 0) = 0 as empty from aws_iam_group order by name;

-- name: iam_policy_star_actions
select p.name, count(*) filter (where a like '%*%') as wildcard_actions, count(*) as actions from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by p.name order by p.name;

-- name: iam_policy_service_prefixes
select distinct split_part(a, ':', 1) as service from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a order by 1;

-- name: iam_policy_actions_by_service
select split_part(a, ':', 1) as service, count(distinct p.arn) as policies, array_agg(distinct a) as actions from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a group by 1 order by 1;

-- name: iam_policy_resource_star_allow
select name, exists (select 1 from jsonb_array_elements(policy_std -> 'Statement') s where s ->> 'Effect' = 'Allow' and s -> 'Resource' ? '*') as allows_star_resource from aws_iam_policy order by name;

-- name: iam_policy_version_age
select name, default_version_id, (regexp_replace(default_version_id, '^v', ''))::int as version_number, update_date - create_date as lifetime from aws_iam_policy order by name;

-- name: iam_policy_attachment_share
select name, attachment_count, round(100.0 * attachment_count / sum(attachment_count) over (), 2) as pct from aws_iam_policy order by name;

-- name: iam_policy_cumulative_attachments
select name, sum(attachment_count) over (order by name rows between unbounded preceding and current row) as running from aws_iam_policy order by name;

-- name: iam_policy_std_statement_count
select name, jsonb_array_length(policy_std -> 'Statement') as statements, jsonb_typeof(policy -> 'Statement') as raw_kind from aws_iam_policy order by name;

-- name: iam_policy_conditions_flat
select p.name, c.key as operator, jsonb_object_keys(c.value) as cond_key from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c order by 1, 2, 3;

-- name: iam_policy_to_jsonb_summary
select jsonb_build_object('policy', name, 'attached', is_attached, 'count', attachment_count) as summary from aws_iam_policy order by name;

-- name: iam_password_policy_score
select account_id, (case when minimum_password_length >= 14 then 1 else 0 end + case when require_symbols then 1 else 0 end + case when require_numbers then 1 else 0 end + case when password_reuse_prevention >= 24 then 1 else 0 end) as score, coalesce(max_password_age, 0) as max_age from aws_iam_account_password_policy order by account_id;

-- name: iam_password_policy_reasons
select account_id, concat_ws('; ', case when minimum_password_length < 14 then 'length ' || minimum_password_length end, case when not require_symbols then 'no symbols' end, case when not coalesce(expire_passwords, false) then 'no expiry' end) as reasons from aws_iam_account_password_policy order by account_id;

-- name: iam_credential_report_key_rotation
select user_name, access_key_1_active, date_part('day', now() - access_key_1_last_rotated)::int as key1_days, greatest(access_key_1_last_used_date, access_key_2_last_used_date) as last_key_use from aws_iam_credential_report order by user_name;

-- name: iam_credential_report_root
select user_name, password_enabled, mfa_active, access_key_1_active or access_key_2_active as root_keys from aws_iam_credential_report where user_name = '<root_account>' order by account_id;

-- name: iam_credential_report_unused_credentials
select user_name, case when password_enabled and coalesce(password_last_used, user_creation_time) < now() - interval '45 days' then 'stale password' when access_key_1_active and coalesce(access_key_1_last_used_date, access_key_1_last_rotated) < now() - interval '45 days' then 'stale key' else 'ok' end as state from aws_iam_credential_report order by user_name;

-- name: trail_event_errors_by_user
select username, count(*) as errors, string_agg(distinct error_code, ',') as codes from aws_cloudtrail_trail_event where error_code is not null group by username order by username;

-- name: trail_event_hourly
select date_trunc('hour', event_time) as hour, count(*) as events from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: trail_event_user_identity
select event_name, user_identity ->> 'type' as identity_type, coalesce(user_identity ->> 'userName', user_identity #>> '{sessionContext,sessionIssuer,userName}', user_identity ->> 'invokedBy') as actor from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: trail_event_console_login_mfa
select username, additional_event_data ->> 'MFAUsed' as mfa_used, response_elements ->> 'ConsoleLogin' as result from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' order by event_time;

-- name: trail_event_root_activity
select event_name, event_time, source_ip_address from aws_cloudtrail_trail_event where user_identity ->> 'type' = 'Root' and event_time > now() - interval '5 years' order by event_time;

-- name: trail_event_assumed_role_session
select event_name, split_part(user_identity ->> 'arn', '/', 2) as role_name, split_part(user_identity ->> 'arn', '/', 3) as session from aws_cloudtrail_trail_event where user_identity ->> 'type' = 'AssumedRole' order by event_time;

-- name: trail_event_request_keys
select event_name, array_to_string(array(select jsonb_object_keys(request_parameters) order by 1), ',') as keys from aws_cloudtrail_trail_event where jsonb_typeof(request_parameters) = 'object' order by event_time, event_id;

-- name: trail_event_policy_document_embedded
select event_name, (request_parameters ->> 'policyDocument')::jsonb -> 'Statement' -> 0 ->> 'Effect' as effect from aws_cloudtrail_trail_event where request_parameters ? 'policyDocument';

-- name: trail_event_source_counts
select replace(event_source, '.amazonaws.com', '') as service, count(*) as events, min(event_time) as first_seen, max(event_time) as last_seen from aws_cloudtrail_trail_event group by 1 order by 2 desc, 1;

-- name: trail_event_gaps
select event_id, event_time - lag(event_time) over (order by event_time) as gap from aws_cloudtrail_trail_event order by event_time;

-- name: trail_event_dow
select to_char(event_time, 'Dy') as dow, extract(isodow from event_time) as isodow, count(*) as n from aws_cloudtrail_trail_event group by 1, 2 order by 2;

-- name: trail_event_days_series
select d::date as day, count(e.event_id) as events from generate_series('2025-06-10'::date, '2025-06-14'::date, interval '1 day') d left join aws_cloudtrail_trail_event e on e.event_time::date = d::date group by 1 order by 1;

-- name: trail_event_ip_kind
select event_id, source_ip_address, source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$' as is_ipv4, case when source_ip_address like '%.amazonaws.com' then 'aws service' else 'external' end as origin from aws_cloudtrail_trail_event order by event_id;

-- name: trail_event_role_arn_param
select event_name, request_parameters ->> 'roleArn' as role_arn, (request_parameters ->> 'durationSeconds')::int / 60 as minutes from aws_cloudtrail_trail_event where request_parameters ? 'roleArn' order by event_time;

-- name: trail_event_latest_per_user
select distinct on (username) username, event_name, event_time from aws_cloudtrail_trail_event where username is not null order by username, event_time desc;

-- name: trail_settings_reasons
select name, case when not is_logging then 'alarm' when not log_file_validation_enabled then 'alarm' else 'ok' end as status, concat(name, case when is_multi_region_trail then ' multi-region' else ' single-region' end, case when kms_key_id is null then ', not encrypted' else ', encrypted' end) as reason from aws_cloudtrail_trail order by name;

-- name: trail_event_selectors
select t.name, es ->> 'ReadWriteType' as rw, (es ->> 'IncludeManagementEvents')::bool as mgmt from aws_cloudtrail_trail t, jsonb_array_elements(t.event_selectors) es order by 1;

-- name: trail_cloudwatch_delivery_age
select name, log_group_arn is not null as to_cloudwatch, latest_cloudwatch_logs_delivery_time > now() - interval '1 day' as recent_delivery from aws_cloudtrail_trail order by name;

-- name: users_and_roles_union
select 'user' as kind, name, create_date from aws_iam_user union all select 'role', name, create_date from aws_iam_role order by create_date desc, name limit 5;

-- name: users_per_account_json
select account_id, jsonb_agg(name order by name) as users, count(*) filter (where mfa_enabled) * 100 / count(*) as mfa_pct from aws_iam_user group by account_id order by account_id;

-- name: text_array_cast_of_text
select name, ('{' || name || ',x}')::text[] as arr, array_length(('{' || name || ',x}')::text[], 1) as n from aws_iam_group order by name;

-- name: text_array_cast_nulls
select (('{"a b",NULL,' || name || '}')::text[])[2] is null as second_null, (('{"a b",NULL,' || name || '}')::text[])[1] as first from aws_iam_group order by 2, 1;

-- name: int_array_cast_of_text
select ('{' || max_session_duration || ',1}')::int[] as a from aws_iam_role order by name;

-- name: insights_style_regexp_matches_global
select name, m[1] as service from aws_iam_policy, regexp_matches(policy::text, '"([a-z0-9-]+):', 'g') as m order by 1, 2;

-- name: insights_style_regexp_matches_select_list
select name, regexp_matches(arn, 'arn:aws:iam::(\d+):(\w+)/') as parts from aws_iam_role order by name;

-- name: insights_style_to_char_date
select name, to_char(create_date::date, 'DD Mon YYYY') as d, to_char(create_date, 'FMMonth DDth') as m from aws_iam_user order by name;

-- name: insights_style_age_years_months
select name, date_part('year', age(now(), create_date)) * 12 + date_part('month', age(now(), create_date)) as months_old from aws_iam_user order by name;

-- name: insights_style_age_text
select name, age(timestamptz '2025-06-15 00:00:00+00', create_date)::text as age_text from aws_iam_role order by name;

-- name: insights_style_extract_epoch_interval
select name, extract(epoch from (timestamptz '2025-06-15 00:00:00+00' - create_date)) / 3600 as hours from aws_iam_role order by name;

-- name: insights_style_text_array_cast
select name, ('{' || name || ',x}')::text[] as arr, array_length(('{' || name || ',x}')::text[], 1) as n from aws_iam_group order by name;

-- name: insights_style_any_array
select name from aws_iam_user where name = any(array['alice', 'bob', 'nobody']) order by name;

-- name: insights_style_array_overlap
select name, array['sts:assumerole', 'iam:passrole'] && array(select jsonb_array_elements_text(s -> 'Action') from jsonb_array_elements(policy_std -> 'Statement') s) as risky from aws_iam_policy order by name;

-- name: insights_style_jsonb_object_agg
select account_id, jsonb_object_agg(name, mfa_enabled) as mfa from aws_iam_user group by account_id order by account_id;

-- name: insights_style_jsonb_strip_nulls
select event_id, jsonb_strip_nulls(jsonb_build_object('code', error_code, 'user', username)) as doc from aws_cloudtrail_trail_event order by event_id;

-- name: insights_style_format_identifiers
select format('%I.%L', name, account_id) as q, format('%-10s|', left(name, 8)) as padded from aws_iam_user order by name;

-- name: insights_style_initcap_lpad
select initcap(replace(name, '-', ' ')) as title, lpad(max_session_duration::text, 6, '0') as dur from aws_iam_role order by name;

-- name: insights_style_percentile
select percentile_cont(0.5) within group (order by max_session_duration) as median, percentile_disc(0.9) within group (order by max_session_duration) as p90 from aws_iam_role;

-- name: insights_style_window_frame_avg
select name, avg(max_session_duration) over (order by name rows between 1 preceding and 1 following) as moving from aws_iam_role order by name;

-- name: insights_style_first_last_value
select name, first_value(name) over w as first, last_value(name) over (w rows between unbounded preceding and unbounded following) as last from aws_iam_user window w as (partition by account_id order by create_date) order by name;

-- name: insights_style_date_trunc_month_series
select m::date as month, count(u.name) as users from generate_series(date_trunc('month', timestamptz '2021-01-01'), timestamptz '2021-06-01', interval '1 month') m left join aws_iam_user u on date_trunc('month', u.create_date) = m group by m order by m;

-- name: insights_style_justify_interval
select name, justify_interval(timestamptz '2025-06-15 00:00:00+00' - create_date) as j from aws_iam_user order by name;

-- name: insights_style_interval_compare
select event_id, now() - event_time > interval '30 days' as old, (now() - event_time) < '1 year'::interval as recent from aws_cloudtrail_trail_event order by event_id;

-- name: insights_style_greatest_timestamps
select name, greatest(create_date, password_last_used) as last_activity, least(create_date, password_last_used) as first from aws_iam_user order by name;

-- name: insights_style_date_minus_int
select name, create_date::date - 30 as month_before, (create_date::date + 7)::text as week_after from aws_iam_user order by name;

-- name: insights_style_string_agg_distinct_order
select account_id, string_agg(distinct split_part(event_source, '.', 1), ', ') as services from aws_cloudtrail_trail_event group by account_id order by 1;

-- name: insights_style_array_agg_filter
select account_id, array_agg(name order by name) filter (where not mfa_enabled) as no_mfa from aws_iam_user group by account_id order by 1;

-- name: insights_style_array_to_string_nulls
select array_to_string(array_agg(error_code order by event_id), ',', '-') as codes from aws_cloudtrail_trail_event;

-- name: insights_style_case_numeric_mix
select name, case when attachment_count = 0 then 0 when attachment_count = 1 then 0.5 else attachment_count * 1.25 end as weight from aws_iam_policy order by name;

-- name: insights_style_coalesce_nullif_div
select name, attachment_count / nullif(permissions_boundary_usage_count, 0) as ratio, coalesce(attachment_count::numeric / nullif(attachment_count + 1, 0), 0) as share from aws_iam_policy order by name;

-- name: insights_style_cast_int_json
select name, (tags ->> 'cost')::numeric as cost, jsonb_typeof(tags -> 'cost') as kind from aws_iam_user where tags ? 'cost' order by name;

-- name: insights_style_jsonb_path_ops
select name, policy_std #> '{Statement,0,Action}' as first_actions, policy_std #>> '{Statement,0,Effect}' as effect from aws_iam_policy order by name;

-- name: insights_style_jsonb_contained
select name, '{"Effect": "Allow"}'::jsonb <@ (policy_std -> 'Statement' -> 0) as first_allows from aws_iam_policy order by name;

-- name: insights_style_exists_any_keys
select name, policy_std -> 'Statement' -> 0 ?& array['Effect', 'Action'] as complete from aws_iam_policy order by name;

-- name: insights_style_lateral_subquery_limit
select u.name, k.access_key_id from aws_iam_user u left join lateral (select access_key_id from aws_iam_access_key k where k.user_name = u.name order by create_date desc limit 1) k on true order by u.name;

-- name: insights_style_with_recursive_ou
with recursive tree as (select id, name, 1 as depth from aws_organizations_organizational_unit where parent_id like 'r-%' union all select o.id, o.name, t.depth + 1 from aws_organizations_organizational_unit o join tree t on o.parent_id = t.id) select name, depth from tree order by depth, name;

-- name: insights_style_count_distinct_multiple
select count(distinct account_id) as accounts, count(distinct event_source) as sources, count(distinct (account_id, event_source)) as pairs from aws_cloudtrail_trail_event;

-- name: insights_style_having_filter
select username, count(*) as n from aws_cloudtrail_trail_event group by username having count(*) filter (where read_only is false) >= 1 order by username nulls first;

-- name: insights_style_row_to_json_users
select row_to_json(u)::text as j from (select name, mfa_enabled from aws_iam_user) u order by 1;

-- name: insights_style_to_jsonb_row
select to_jsonb(r) - 'create_date' as j from (select name, max_session_duration, create_date from aws_iam_role) r order by r.name;

-- name: insights_style_jsonb_set_tag
select name, jsonb_set(coalesce(tags, '{}'), '{reviewed}', 'true') as tags2 from aws_iam_role order by name;

-- name: insights_style_timestamp_at_time_zone
select event_id, event_time at time zone 'America/New_York' as ny, (event_time at time zone 'UTC')::date as day from aws_cloudtrail_trail_event order by event_id;

-- name: insights_style_epoch_to_timestamp
select event_id, to_timestamp(extract(epoch from event_time)::bigint) = event_time as same from aws_cloudtrail_trail_event order by event_id;

-- name: insights_style_substring_regex
select name, substring(arn from ':role/(.*)$') as path_name, substring(name, 1, 3) as prefix from aws_iam_role order by name;

-- name: insights_style_position_strpos
select name, position('-' in name) as dash, strpos(name, 'a') as a_at, reverse(name) as rev from aws_iam_user order by name;

-- name: insights_style_md5_left
select name, left(md5(arn), 8) as h from aws_iam_user order by name;

-- name: insights_style_ntile_quartiles
select name, ntile(4) over (order by create_date) as quartile, percent_rank() over (order by create_date) as pr from aws_iam_user order by name;

-- name: insights_style_bool_agg
select account_id, bool_and(mfa_enabled) as all_mfa, every(password_last_used is not null) as all_used from aws_iam_user group by account_id order by 1;

-- name: insights_style_sum_case_percent
select round(100.0 * sum(case when mfa_enabled then 1 else 0 end) / count(*), 1) as pct_mfa, sum(case when mfa_enabled then 1 else 0 end)::float / count(*) as frac from aws_iam_user;

-- name: insights_style_avg_interval
select avg(now() - create_date) > interval '1 year' as old_on_average, max(now() - create_date) - min(now() - create_date) as spread from aws_iam_user;

-- name: insights_style_in_subquery_json
select name from aws_iam_user where name in (select jsonb_array_elements(g.users) ->> 'UserName' from aws_iam_group g) order by name;

-- name: insights_style_values_join
select v.label, count(r.name) as n from (values ('short', 0, 3601), ('long', 3601, 100000)) v(label, lo, hi) left join aws_iam_role r on r.max_session_duration >= v.lo and r.max_session_duration < v.hi group by v.label order by v.label;

-- name: insights_style_scalar_subquery_pct
select name, attachment_count, attachment_count * 100 / (select sum(attachment_count) from aws_iam_policy) as pct from aws_iam_policy order by name;

-- name: insights_style_date_part_doy_week
select event_id, date_part('doy', event_time) as doy, date_part('week', event_time) as week, extract(quarter from event_time) as q from aws_cloudtrail_trail_event order by event_id;

-- name: int_round_family
select name, ceil(max_session_duration) as c, floor(max_session_duration) as f, round(max_session_duration) as r, trunc(max_session_duration) as t, sign(max_session_duration) as s from aws_iam_role order by name;

-- name: int_round_text
select name, round(max_session_duration)::text || 's' as t, sign(max_session_duration - 7200)::text as st from aws_iam_role order by name;

-- name: int_ceil_of_count
select ceil(count(*) / 2) as half, round(count(*)) as r from aws_iam_user;

-- name: int_round_arith
select name, round(max_session_duration) / 7 as r7, sign(max_session_duration - 3600) * 2 as s2, trunc(max_session_duration)::text as t, floor(max_session_duration / 7) as f from aws_iam_role order by name;

-- name: int_round_json
select jsonb_build_object('r', round(count(*)), 's', sign(count(*))) as j from aws_iam_user;

-- name: types_style_count_int_cast
select count(*)::int as n, sum(attachment_count)::int as s, sum(jsonb_array_length(policy_std -> 'Statement')) as stmts from aws_iam_policy;

-- name: types_style_extract_int
select name, extract(year from create_date)::int as y, extract(epoch from create_date)::bigint as e from aws_iam_user order by name;

-- name: types_style_now_date
select (now() - interval '1 day')::date < now()::date as ok, current_date - '2025-01-01'::date >= 0 as after;

-- name: types_style_interval_mult
select name, interval '1 hour' * max_session_duration / 3600 as dur, make_interval(secs => max_session_duration) as mi from aws_iam_role order by name;

-- name: types_style_date_part_epoch_interval
select name, date_part('epoch', make_interval(secs => max_session_duration)) / 60 as minutes from aws_iam_role order by name;

-- name: types_style_round_avg
select round(avg(max_session_duration)) as r0, round(avg(max_session_duration), 2) as r2, avg(max_session_duration)::int as i from aws_iam_role;

-- name: types_style_max_text
select max(name) as mx, min(event_time) as first, max(read_only::int) as any_ro from aws_cloudtrail_trail_event e join aws_iam_user u on u.name = e.username;

-- name: types_style_cardinality
select name, cardinality(string_to_array(path, '/')) as parts, array_length(string_to_array(arn, ':'), 1) as arn_parts from aws_iam_role order by name;

-- name: types_style_stddev
select stddev(max_session_duration) as sd, variance(attachment_count) as v from aws_iam_role, aws_iam_policy;

-- name: types_style_float_math
select name, sqrt(max_session_duration) as s, power(2, 3) as p, ln(max_session_duration) as l from aws_iam_role order by name;

-- name: types_style_abs_sign_mod
select name, abs(max_session_duration - 7200) as a, sign(max_session_duration - 7200) as sg, max_session_duration % 7 as m from aws_iam_role order by name;

-- name: types_style_ceil_floor
select ceil(avg(max_session_duration) / 3600) as c, floor(avg(max_session_duration) / 3600) as f from aws_iam_role;

-- name: types_style_json_numbers
select jsonb_build_object('avg', avg(max_session_duration), 'n', count(*)) ->> 'n' as n from aws_iam_role;

-- name: types_style_to_char_number
select name, to_char(max_session_duration, 'FM999,999') as d, to_char(max_session_duration / 3600.0, 'FM990.00') as h from aws_iam_role order by name;

-- name: types_style_timestamp_diff_days
select name, (now()::date - create_date::date) / 365 as years, date_part('days', now() - create_date)::int % 365 as rem from aws_iam_user order by name;

-- name: types_style_generate_series_int
select i, i * i as sq from generate_series(1, 5) i where i % 2 = 1 order by i;

-- name: types_style_unnest_text_array
select unnest(array['a', 'b', null]) as v, unnest(array[1, 2]) as n;

-- name: types_style_string_to_array_unnest
select name, unnest(string_to_array(trim(both '/' from path), '/')) as seg from aws_iam_role where path <> '/' order by name;

-- name: types_style_coalesce_types
select name, coalesce(role_last_used_date, create_date) as last, coalesce(description, '') = '' as no_desc from aws_iam_role order by name;

-- name: types_style_timestamp_literal_compare
select count(*) filter (where event_time between '2025-06-14' and '2025-06-14 23:59:59') as day_events, count(*) filter (where event_time >= '2025-06-14T09:00:00Z') as after9 from aws_cloudtrail_trail_event;

-- name: types_style_bool_text
select name, mfa_enabled::text as t, mfa_enabled::int as i, (not mfa_enabled)::text || '!' as x from aws_iam_user order by name;

-- name: types_style_json_text_compare
select name, tags ->> 'team' = 'platform' as platform, (tags -> 'team')::text as raw from aws_iam_user order by name;

-- name: types_style_jsonb_array_elements_ordinality
select p.name, e.n, e.s ->> 'Effect' as effect from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as e(s, n) order by 1, 2;

-- name: types_style_split_part_negative
select name, split_part(arn, '/', -1) as last_part from aws_iam_role order by name;

-- name: types_style_left_right
select name, right(arn, 12) as tail, left(arn, -30) as head from aws_iam_role order by name;

-- name: types_style_regexp_replace_flags
select name, regexp_replace(name, '[aeiou]', '_', 'g') as masked, regexp_replace(upper(name), 'S', 's') as first_s from aws_iam_user order by name;

-- name: types_style_translate_repeat
select name, translate(name, '-_', '  ') as spaced, repeat('*', length(name)) as stars from aws_iam_user order by name;

-- name: types_style_nulls_ordering
select name, password_last_used from aws_iam_user order by password_last_used desc nulls last, name;

-- name: types_style_limit_offset
select name from aws_iam_policy order by name limit 2 offset 1;

-- name: mods_style_age_single_arg
select name, age(create_date) > interval '1 year' as over_year, extract(year from age(now(), create_date)) as years from aws_iam_user order by name;

-- name: mods_style_sql_standard_interval
select count(*) as n from aws_cloudtrail_trail_event where event_time > now() - interval '400' day;

-- name: mods_style_current_timestamp
select name, current_timestamp - create_date > interval '30 days' as old, current_date - create_date::date as days from aws_iam_role order by name;

-- name: mods_style_epoch_now_bigint
select (date_part('epoch', now())::bigint - date_part('epoch', create_date)::bigint) / 86400 as days from aws_iam_user order by name;

-- name: mods_style_window_range_interval
select event_id, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: mods_style_string_agg_distinct_ordered
select string_agg(distinct user_type, ',' order by user_type) as types from aws_cloudtrail_trail_event;

-- name: mods_style_array_agg_distinct_ordered
select array_agg(distinct aws_region order by aws_region) as regions, jsonb_agg(distinct event_category) as cats from aws_cloudtrail_trail_event;

-- name: mods_style_regexp_matches_gi
select event_id, m[1] as word from aws_cloudtrail_trail_event, regexp_matches(event_name, '(log|trail|key)', 'gi') m order by event_id, word;

-- name: mods_style_json_agg_text
select jsonb_agg(name order by name)::text as names from aws_iam_group;

-- name: mods_style_concat_ws_nulls
select event_id, concat_ws('/', aws_region, error_code, username) as k, concat(error_code, '-', username) as c from aws_cloudtrail_trail_event order by event_id;

-- name: mods_style_coalesce_jsonb_empty
select name, jsonb_array_length(coalesce(attached_policy_arns, '[]'::jsonb)) as n, coalesce(tags, '{}') as t from aws_iam_role order by name;

-- name: mods_style_case_jsonb_typeof
select name, case jsonb_typeof(policy -> 'Statement') when 'array' then jsonb_array_length(policy -> 'Statement') else 1 end as n from aws_iam_policy order by name;

-- name: mods_style_arrow_index
select name, policy_std -> 'Statement' -> 0 ->> 'Effect' as first_effect, policy_std -> 'Statement' ->> -1 is not null as has_last from aws_iam_policy order by name;

-- name: mods_style_text_to_jsonb
select name, assume_role_policy_document::jsonb -> 'Statement' -> 0 ->> 'Effect' as eff from aws_iam_role order by name;

-- name: mods_style_trim_chars
select name, btrim(path, '/') as p, ltrim(name, 'a') as l, rtrim(arn, '0123456789') as r from aws_iam_user order by name;

-- name: mods_style_like_any_lower
select name from aws_iam_role where lower(name) like any (array['%admin%', '%audit%', 'github%']) order by name;

-- name: mods_style_not_exists_actions
select name from aws_iam_policy p where not exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where a like 'iam:%') order by name;

-- name: mods_style_array_functions
select array_remove(array['a', 'b', 'a'], 'a') as r, array_cat(array[1, 2], array[3]) as c, array_append(array['x'], 'y') as ap, array_position(array['a', 'b'], 'b') as pos;

-- name: mods_style_unnest_ordinality
select t.v, t.i from unnest(array['x', 'y', 'z']) with ordinality as t(v, i) order by t.i desc;

-- name: mods_style_series_days_now
select count(*) as days from generate_series(now() - interval '7 days', now(), interval '1 day') d;

-- name: mods_style_date_trunc_week
select date_trunc('week', event_time) as wk, to_char(event_time, 'IYYY-IW') as iso, count(*) as n from aws_cloudtrail_trail_event group by 1, 2 order by 1;

-- name: mods_style_is_not_true
select name from aws_iam_role where (tags ->> 'public')::boolean is not true order by name;

-- name: mods_style_distinct_on_expression
select distinct on (split_part(event_source, '.', 1)) split_part(event_source, '.', 1) as svc, event_name from aws_cloudtrail_trail_event order by split_part(event_source, '.', 1), event_time desc;

-- name: mods_style_group_having_ratio
select account_id, sum(case when mfa_enabled then 1 else 0 end)::numeric / nullif(count(*), 0) as ratio from aws_iam_user group by 1 having count(*) > 1 order by 1;

-- name: mods_style_correlated_exists_principal
select r.name from aws_iam_role r where exists (select 1 from jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s where s -> 'Principal' -> 'Service' ? 'ec2.amazonaws.com') order by 1;

-- name: mods_style_count_over_empty
select name, count(*) over () as total, round(100.0 * row_number() over (order by name) / count(*) over (), 1) as pct from aws_iam_group order by name;

-- name: mods_style_interval_text
select name, (make_interval(secs => max_session_duration))::text as t, max_session_duration * interval '1 second' as i from aws_iam_role order by name;

-- name: mods_style_to_char_interval_hours
select name, extract(hour from make_interval(secs => max_session_duration)) as h from aws_iam_role order by name;

-- name: mods_style_json_build_array
select jsonb_build_array(name, mfa_enabled, null, 1.50) as a from aws_iam_user order by name;

-- name: mods_style_jsonb_concat
select name, coalesce(tags, '{}') || jsonb_build_object('account', account_id) as t from aws_iam_user order by name;

-- name: mods_style_jsonb_minus_key
select name, tags - 'team' as t, tags - array['team', 'cost'] as t2 from aws_iam_user where tags is not null order by name;

-- name: mods_style_nested_cte_window
with ev as (select username, event_time, row_number() over (partition by username order by event_time desc) as rn from aws_cloudtrail_trail_event where username is not null) select username, event_time from ev where rn = 1 order by username;

-- name: mods_style_lateral_values_unpivot
select u.name, k.kind, k.ts from aws_iam_user u, lateral (values ('created', u.create_date), ('last_login', u.password_last_used)) k(kind, ts) where k.ts is not null order by 1, 2;

-- name: mods_style_interval_extract_epoch_avg
select round(avg(extract(epoch from now() - create_date)) / 86400) as avg_days from aws_iam_user;

-- name: mods_style_timestamp_to_text
select name, create_date::text as t, create_date::date::text as d from aws_iam_user order by name;

-- name: mods_style_mods_trail_multi_region
select t.arn as resource, case when t.is_multi_region_trail and t.is_logging then 'ok' else 'alarm' end as status, t.name || case when t.is_multi_region_trail then ' is' else ' is not' end || ' multi-region.' as reason, t.region from aws_cloudtrail_trail t where t.region = t.home_region order by 1;

-- name: mods_style_mods_access_key_rotated
select 'arn:' || k.partition || ':iam::' || k.account_id || ':user/' || k.user_name || '/accesskey/' || k.access_key_id as resource, case when k.create_date <= (current_date - interval '90' day) then 'alarm' else 'ok' end as status from aws_iam_access_key k order by 1;

-- name: mods_style_mods_password_policy_exists
select 'arn:aws:::' || a.account_id as resource, case when p.account_id is null then 'alarm' else 'ok' end as status from (select distinct account_id from aws_iam_user) a left join aws_iam_account_password_policy p on p.account_id = a.account_id order by 1;

-- name: users_style_jsonb_path_query
select name, jsonb_path_query(policy_std, '$.Statement[*] ? (@.Effect == "Deny").Action[*]') #>> '{}' as denied from aws_iam_policy order by 1, 2;

-- name: users_style_jsonb_path_exists_filter
select name from aws_iam_policy where jsonb_path_exists(policy_std, '$.Statement[*].Condition') order by name;

-- name: users_style_inet_contains
select event_id, source_ip_address::inet << '203.0.113.0/24'::inet as in_doc_range from aws_cloudtrail_trail_event where source_ip_address ~ '^\d' order by event_id;

-- name: users_style_timezone_fn
select event_id, timezone('Europe/Berlin', event_time) as berlin from aws_cloudtrail_trail_event order by event_id;

-- name: users_style_to_timestamp_text
select to_timestamp('2025-06-14 08:00', 'YYYY-MM-DD HH24:MI') = min(event_time) as same from aws_cloudtrail_trail_event;

-- name: users_style_json_each_nested_values
select t.name, s.key, jsonb_typeof(s.value) as kind from aws_cloudtrail_trail t, jsonb_each(coalesce(t.advanced_event_selectors -> 0, '{}')) s order by 1, 2;

-- name: users_style_mfa_percentage_text
select account_id, (count(*) filter (where mfa_enabled))::text || '/' || count(*) as ratio, round((count(*) filter (where mfa_enabled))::numeric * 100 / count(*), 2) || '%' as pct from aws_iam_user group by account_id order by 1;

-- name: users_style_window_lead_interval
select event_id, lead(event_time) over (partition by account_id order by event_time) - event_time as until_next from aws_cloudtrail_trail_event order by account_id, event_time;

-- name: users_style_dense_rank_services
select event_source, dense_rank() over (order by count(*) desc) as r, count(*) as n from aws_cloudtrail_trail_event group by event_source order by r, event_source;

-- name: users_style_grouping_sets_labels
select coalesce(account_id, 'all') as account, coalesce(user_type, 'all') as type, count(*) from aws_cloudtrail_trail_event group by grouping sets ((account_id, user_type), (account_id), ()) order by 1, 2;

-- name: users_style_cube_grouping_fn
select account_id, read_only, grouping(account_id, read_only) as g, count(*) from aws_cloudtrail_trail_event group by cube (account_id, read_only) order by g, 1, 2;

-- name: users_style_array_agg_subscript
select account_id, (array_agg(name order by create_date))[1] as oldest, (array_agg(name order by create_date desc))[1] as newest from aws_iam_user group by account_id order by 1;

-- name: users_style_string_to_array_any
select name from aws_iam_role where 'aws-service-role' = any(string_to_array(path, '/')) order by name;

-- name: users_style_jsonb_array_elements_text_in
select distinct a from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a where a in ('*', 's3:*', 'iam:*') order by a;

-- name: users_style_case_in_where
select name from aws_iam_user where case when mfa_enabled then password_last_used is not null else true end order by name;

-- name: users_style_between_symmetric
select name from aws_iam_role where max_session_duration between symmetric 7200 and 3600 order by name;

-- name: users_style_is_distinct_from
select event_id from aws_cloudtrail_trail_event where error_code is distinct from 'AccessDenied' order by event_id;

-- name: users_style_nullif_empty_string
select name, nullif(description, '') as d, length(nullif(description, '')) as l from aws_iam_role order by name;

-- name: users_style_sum_bool_int
select sum(mfa_enabled::int) as with_mfa, sum((not mfa_enabled)::int) as without from aws_iam_user;

-- name: users_style_avg_bool_int
select avg(mfa_enabled::int) as frac from aws_iam_user;

-- name: users_style_format_numbers
select format('%s users, %s%% with MFA', count(*), round(100.0 * count(*) filter (where mfa_enabled) / count(*))) as line from aws_iam_user;

-- name: users_style_interval_division
select name, make_interval(secs => max_session_duration) / 2 as half from aws_iam_role order by name;

-- name: users_style_extract_from_date
select name, extract(dow from create_date::date) as dow, extract(doy from create_date) as doy from aws_iam_user order by name;

-- name: users_style_to_char_tz
select event_id, to_char(event_time, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as iso from aws_cloudtrail_trail_event order by event_id;

-- name: users_style_json_object_keys_count
select name, (select count(*) from jsonb_object_keys(tags)) as n from aws_iam_user where tags is not null order by name;

-- name: users_style_exists_access_key_active
select u.name, exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.status = 'Active') as has_active from aws_iam_user u order by 1;

-- name: users_style_full_outer_join
select coalesce(u.name, c.user_name) as name, u.name is null as only_in_report from aws_iam_user u full outer join aws_iam_credential_report c on c.user_name = u.name and c.account_id = u.account_id order by 1;

-- name: users_style_except_names
select name from aws_iam_user except select user_name from aws_iam_credential_report order by 1;

-- name: users_style_intersect_count
select count(*) from (select user_name from aws_iam_access_key intersect select name from aws_iam_user) s;

-- name: set_source_numeric_times_two
select x * 2 as v from (select 1.5 as x union select 2) s order by 1;

-- name: set_source_avg_grouped
select k, avg(x) as v from (select 'a' as k, 1.5 as x union select 'a', 2 union select 'b', 0.25) s group by k order by k;

-- name: set_source_sum_filter
select sum(x) filter (where x > 1) as v from (select 1.5 as x union select 2 union select 0.5) s;

-- name: set_source_coalesce_avg
select coalesce(avg(x), 0) as v from (select 1.5 as x union select 2) s;

-- name: set_source_avg_window
select avg(x) over (order by x) as v from (select 1.5 as x union select 2 union select 3) s order by 1;

-- name: set_source_distinct_mixed
select distinct x as v from (select 1.5 as x union all select 2 union select 1.50) s order by 1;

-- name: set_source_where
select x as v from (select 1.5 as x union select 2) s where x > 1.6;

-- name: set_sources_added
select s.x + t.x as v from (select 1.5 as x union select 2) s, (select 0.25 as x intersect select 0.25) t order by 1;

-- name: set_source_avg_of_quotients
select avg(x) as v from (select max_session_duration / 3600.0 as x from aws_iam_role union select 1) s;

-- name: set_source_int_first_numeric_later
select sum(x) as v from (select 1 as x union select 2.5 union select null) s;

-- name: set_source_min_max_mixed_types
select min(x) as v, max(y) as w from (select 1.5 as x, 2 as y union select 2, 3.25) s;

-- name: set_source_int_then_numeric_selected
select x from (select 1 as x union select 2.5) s order by 1;

-- name: union_all_int_then_numeric_doubled
select x * 2 as d from (select 1 as x union all select 2.5) s order by 1;

-- name: cte_set_int_then_numeric_halved
with t as (select 1 as x union select 2.5) select x / 2 as h from t order by 1;

-- name: union_all_int_then_numeric_halved
with t as (select 1 as x union all select 2.5) select x / 2 as h from t order by 1;

-- name: set_source_ints_halved
select k, x / 2 as h from (select 'a' as k, 1 as x union select 'b', 3) s order by k;

-- name: set_source_int_and_null_halved
select x / 2 as h from (select 3 as x union select null) s order by 1;

-- name: set_source_int_and_double_halved
select x / 2 as h from (select 3 as x union select 2.0::float) s order by 1;

-- name: union_all_count_and_numeric_summed
select sum(n) as s from (select attachment_count as n from aws_iam_policy union all select 1.5) s;

-- name: set_source_sum_over_count
select count(*) as c, sum(x) / count(*) as a from (select max_session_duration as x from aws_iam_role union select 0.5) s;

-- name: set_source_pg_typeof
select x, pg_typeof(x) as t from (select 1 as x union select 2.5) s order by 1;

-- name: set_source_lengths_quartered
select x / 4 as q from (select length(name) as x from aws_iam_user union select 10) s order by 1;

-- name: subquery_length_quartered
select x / 4 as q from (select length(name) as x from aws_iam_user) s order by 1;

-- name: subquery_length_selected
select x as q from (select length(name) as x from aws_iam_user) s order by 1;

-- name: cte_array_length_plus_one
with t as (select jsonb_array_length(groups) as n from aws_iam_user) select n, n + 1 as m from t order by 1;

-- name: int4_divided_is_int4
select name, length(name) / 4 as q, strpos(name, 'a') / 2 as r from aws_iam_user order by name;


-- name: dash_users_count_card
select count(*) as value, 'Users' as label, case count(*) when 0 then 'ok' else 'info' end as type from aws_iam_user;

-- name: dash_no_mfa_card
select count(*) as value, 'MFA Not Enabled' as label, case count(*) when 0 then 'ok' else 'alert' end as "type" from aws_iam_user where not mfa_enabled;

-- name: dash_users_by_month
with users as (select title, create_date, to_char(create_date, 'YYYY-MM') as creation_month from aws_iam_user), months as (select to_char(d, 'YYYY-MM') as month from generate_series(date_trunc('month', (select min(create_date) from users)), date_trunc('month', now()), interval '1 month') as d), users_by_month as (select creation_month, count(*) from users group by creation_month) select months.month, users_by_month.count from months left join users_by_month on months.month = users_by_month.creation_month order by months.month limit 12;

-- name: dash_users_by_account
select a.title as "account", count(i.*) as "total" from aws_iam_user as i, aws_organizations_account as a where a.id = i.account_id group by a.title order by count(i.*) desc, 1;

-- name: dash_access_key_age_chart
with keys as (select title, create_date, to_char(create_date, 'YYYY-MM') as creation_month from aws_iam_access_key) select creation_month as "Month", count(*) as "Keys" from keys group by creation_month order by 1;

-- name: dash_role_trust_pie
select case when assume_role_policy_std -> 'Statement' @> '[{"Principal": {"Service": []}}]' then 'service' else 'other' end as trust, count(*) from aws_iam_role group by 1 order by 1;

-- name: dash_password_age_buckets
select case when password_last_used is null then 'never' when now() - password_last_used <= interval '30 days' then '< 30 days' when now() - password_last_used <= interval '90 days' then '30-90 days' else '> 90 days' end as last_login, count(*) as users from aws_iam_user group by 1 order by 1;

-- name: dash_key_count_per_user
with user_keys as (select user_name, count(*) as key_count from aws_iam_access_key group by user_name) select u.name, coalesce(k.key_count, 0) as keys, coalesce(k.key_count, 0) > 1 as multiple from aws_iam_user u left join user_keys k on k.user_name = u.name order by 1;

-- name: dash_policy_detail_json
select name as "Name", is_aws_managed as "AWS Managed", jsonb_pretty(policy_std) as "Policy" from aws_iam_policy where name = 'backup-kms';

-- name: dash_role_relationship
select r.name as role, p ->> 0 as first_policy, jsonb_array_length(r.attached_policy_arns) as attached from aws_iam_role r, lateral (select r.attached_policy_arns as p) x order by 1;

-- name: dash_trail_events_per_day
select to_char(event_time, 'YYYY-MM-DD') as day, count(*) filter (where error_code is null) as ok, count(*) filter (where error_code is not null) as failed from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: dash_org_accounts_table
select name as "Name", id as "ID", status as "Status", joined_method as "Joined Method", joined_timestamp as "Joined", arn as "ARN" from aws_organizations_account order by name;

-- name: dash_org_suspended_card
select count(*) filter (where status = 'SUSPENDED') as value, 'Suspended' as label, case when count(*) filter (where status = 'SUSPENDED') > 0 then 'alert' else 'ok' end as type from aws_organizations_account;

-- name: dash_group_policy_counts
select g.name, jsonb_array_length(g.attached_policy_arns) + coalesce(jsonb_array_length(g.inline_policies), 0) as policies from aws_iam_group g order by 1;

-- name: dash_user_inline_policies_flat
select u.name, p ->> 'PolicyName' as policy, jsonb_array_length(p -> 'PolicyDocument' -> 'Statement') as statements from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) p order by 1, 2;

-- name: dash_event_top_users
select coalesce(username, user_identity ->> 'invokedBy', 'unknown') as actor, count(*) as events, max(event_time) as last_seen from aws_cloudtrail_trail_event group by 1 order by events desc, actor limit 5;

-- name: time_and_set_probe_1
select avg(now() - create_date) as a, sum(make_interval(secs => max_session_duration)) as s from aws_iam_role;

-- name: time_and_set_probe_2
select justify_hours(make_interval(secs => max_session_duration * 10)) as j from aws_iam_role order by name;

-- name: time_and_set_probe_3
select date_part('epoch', age(timestamptz '2025-06-15 00:00:00+00', create_date)) as e from aws_iam_user order by name;

-- name: time_and_set_probe_4
select to_char(event_time, 'HH12:MI AM') as t, to_char(event_time, 'Day, DD Month YYYY') as d from aws_cloudtrail_trail_event order by event_id;

-- name: time_and_set_probe_5
select event_id, event_time::time as tod, event_time::date as d, (event_time + interval '1 month')::date as next_month from aws_cloudtrail_trail_event order by event_id;

-- name: time_and_set_probe_6
select max(age(timestamptz '2025-06-15 00:00:00+00', create_date)) as oldest from aws_iam_user;

-- name: time_and_set_probe_7
select name, extract(epoch from make_interval(secs => max_session_duration))::int / 3600 as h from aws_iam_role order by name;

-- name: time_and_set_probe_8
select x, x * 1.5 as y from (select max_session_duration / 3600 as x from aws_iam_role union select 2) s order by 1;

-- name: time_and_set_probe_9
select percentile_cont(0.5) within group (order by x) as m from (select max_session_duration / 3600.0 as x from aws_iam_role union select 0.5) s;

-- name: time_and_set_probe_10
select count(*) filter (where x > 1) as big, avg(x) filter (where x > 1) as a from (select max_session_duration / 3600.0 as x from aws_iam_role intersect select 12) s;

-- name: div_of_integers_and_columns
select -7 / 2 as a, 7 / -2 as b, -7 % 3 as c, 7 % -3 as d, (-attachment_count - 1) / 2 as e, div(-7, 2) as f, mod(-7, 2) as g, div(attachment_count, 2) as h from aws_iam_policy order by name;

-- name: bit_length_and_div_of_lengths
select name, bit_length(name) as bits, div(length(name), 3) as d from aws_iam_user order by name;

-- name: smallint_casts
select '-3'::smallint as d, ('{"n": 7}'::jsonb -> 'n')::smallint as g, attachment_count::smallint as s, attachment_count::smallint + 1 as t from aws_iam_policy order by name;

-- name: set_cte_joined_to_itself
with u as (select attachment_count / 2.0 as x, name from aws_iam_policy union select 0.5, 'z') select a.name, a.x, b.x as y from u a join u b on a.name = b.name order by 1;

-- name: except_source_joined
select p.name, s.x from aws_iam_policy p join (select attachment_count * 1.5 as x, name from aws_iam_policy except select 0, 'none') s on s.name = p.name order by 1;

-- name: nested_union_and_union_all_source_aggregated
select avg(h) as a, sum(h) as s from (select max_session_duration / 3600.0 as h from aws_iam_role union select 1 union all select 2.50) s;

-- name: set_source_count_distinct_equal_numerics
select count(distinct x) as n, max(x) as m from (select 1.5 as x union select 1.50 union select 2) s;

-- name: set_source_ordered_limited
select x from (select 1.5 as x union select 2 order by 1 desc limit 1) s;

-- name: numeric_math_functions_as_text
select name, sqrt(attachment_count * 1.0)::text as s, concat(ln(attachment_count + 0.5), '/', exp(attachment_count / 10.0)) as c, power(attachment_count, 1.5)::text || '!' as p, log(2.0, attachment_count + 1.0)::text as l from aws_iam_policy order by name;

-- name: numeric_math_functions_of_literals
select sqrt(2.0)::text as a, power(2.0, 3)::text as b, log10(100.0)::text as c, power(1.5, 0.00000012 / 1e28)::text as d, power(99999999.5, 0.5)::text as e;

-- name: int_typed_functions_and_sum_arithmetic
select name, regexp_count(name, '[aeiou]') as vowels, regexp_count(name, '[aeiou]') / 2 as half, gcd(length(name), 6) as g, lcm(length(name), 4) as l, sum(1) over () / 4 as quarter, sum(length(name)) over () % 5 as m from aws_iam_user order by name;

-- name: network_and_varchar_columns
select event_id, source_ip_address::inet as ip, network(set_masklen(source_ip_address::inet, 16)) as net, event_name::varchar as e, event_name::varchar(6) as e6 from aws_cloudtrail_trail_event where source_ip_address ~ '^[0-9.]+$' order by event_id;

-- name: pg_size_pretty_units
select x, pg_size_pretty(x) as p from (values (0::bigint), (2048), (10239), (10240), (100000), (20971519), (20971520), (5000000000), (-10240), (-100000), (1125899906842624), (9223372036854775807)) t(x) order by x;

-- name: pg_size_pretty_of_columns_and_sums
select name, pg_size_pretty(attachment_count * 1048576 + 7) as one, pg_size_pretty(sum(attachment_count * 123456789) over ()) as total from aws_iam_policy order by name;

-- name: json_and_jsonb_scalar_elements
select name, to_json(name) -> 0 as j0, to_json(name) -> -1 as j1, to_json(name) ->> 0 as jt, to_jsonb(name) -> 0 as b0, to_jsonb(name) ->> -1 as bt, json_build_array(name) -> 0 as a0 from aws_iam_user order by name;

-- name: aggregated_json_elements
select account_id, jsonb_agg(name order by name) -> 0 as a, json_agg(name order by name) -> -1 as b, (jsonb_agg(name order by name) -> 0)::text as c from aws_iam_user group by account_id order by 1;

-- name: integer_windows_and_branches
select name, max(length(name)) over () as longest, lag(length(name)) over (order by name) as previous, first_value(length(name)) over (order by name) as first, abs(length(name) - 10) as dist, greatest(length(name), 3) as g, nullif(length(name), 5) as n, coalesce(length(name), 0) as c, min(length(name)) over (partition by account_id) / 2 as half from aws_iam_user order by name;

-- name: cast_to_a_type_sqlglot_keeps_by_name
select name, length(name)::oid as o from aws_iam_user order by name;

-- name: numeric_math_in_sources_and_aggregates_1
with t as (select name, sqrt(attachment_count * 1.0) as s from aws_iam_policy) select name, s, s * 2 as d from t order by name;

-- name: numeric_math_in_sources_and_aggregates_2
select s, count(*) from (select sqrt(attachment_count + 0.0) as s from aws_iam_policy) q group by s order by s;

-- name: numeric_math_in_sources_and_aggregates_3
select max(sqrt(attachment_count + 0.0)) as m, min(ln(attachment_count + 1.0)) as n from aws_iam_policy;

-- name: numeric_math_in_sources_and_aggregates_4
select name, exp(attachment_count / 3.0)::text as e, coalesce(sqrt(nullif(attachment_count, 0) * 1.0), 0) as c from aws_iam_policy order by name;

-- name: numeric_math_in_sources_and_aggregates_5
select sum(sqrt(attachment_count + 0.0)) as s, avg(sqrt(attachment_count + 0.0)) as a from aws_iam_policy;

-- name: each_record_fields_in_the_select_list_1
select name, (jsonb_each(tags)).key, (jsonb_each(tags)).value from aws_iam_user order by name, 2;

-- name: each_record_fields_in_the_select_list_2
select name, (jsonb_each_text(tags)).value as v, (jsonb_each_text(tags)).key as k from aws_iam_user order by name, k;

-- name: each_record_fields_in_the_select_list_3
select (json_each(tags::json)).key from aws_iam_user order by 1;

-- name: each_record_fields_in_the_select_list_4
select name from aws_iam_user where 'team' in (select (jsonb_each(tags)).key) order by name;

-- name: each_record_fields_in_the_select_list_5
select count(*) from (select (jsonb_each(policy_std)).key from aws_iam_policy) s;

-- name: r20_path_ops_condition_value
select name, policy_std #> '{Statement,0,Condition}' as cond, policy_std #>> '{Statement,0,Effect}' as effect
from aws_iam_policy order by name;

-- name: r20_path_ops_nested_index_text
select name, assume_role_policy_std #>> '{Statement,0,Principal,Service}' as service,
  assume_role_policy_std #> '{Statement,0,Action}' -> 0 as first_action
from aws_iam_role order by name;

-- name: r20_path_ops_missing_path_is_null
select name, policy_std #> '{Statement,9}' is null as missing, policy_std #>> '{Version}' as version
from aws_iam_policy order by name;

-- name: r20_event_request_path_text
select event_name, request_parameters #>> '{bucketName}' as bucket, request_parameters #>> '{roleArn}' as role_arn
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_event_user_identity_session_issuer
select event_name, user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer,
  user_identity #>> '{type}' as identity_type
from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: r20_contains_statement_deny_star
select name from aws_iam_policy
where policy_std @> '{"Statement": [{"Effect": "Deny"}]}' order by name;

-- name: r20_contains_tag_pair
select name from aws_iam_user where tags @> '{"team": "platform"}' order by name;

-- name: r20_contained_by_tags
select name, tags <@ '{"team": "platform", "nhi": "true", "rotation": "t"}' as subset
from aws_iam_user where tags is not null order by name;

-- name: r20_exists_any_tag_keys
select name, tags ?| array['owner', 'nhi'] as has_owner_or_nhi, tags ?& array['team', 'owner'] as has_both
from aws_iam_user order by name;

-- name: r20_exists_all_statement_keys
select p.name, count(*) filter (where s ?& array['Effect', 'Action', 'Resource']) as complete
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
group by p.name order by p.name;

-- name: r20_path_query_actions
select name, jsonb_path_query(policy_std, '$.Statement[*].Action[*]') as action
from aws_iam_policy order by name, action;

-- name: r20_path_query_filter_effect
select name, jsonb_path_query(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') ->> 'Effect' as effect
from aws_iam_policy order by name;

-- name: r20_path_exists_wildcard_resource
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Resource[*] == "*")') as any_star
from aws_iam_policy order by name;

-- name: r20_path_exists_in_where
select name from aws_iam_role
where jsonb_path_exists(assume_role_policy_std, '$.Statement[*].Principal.Federated') order by name;

-- name: r20_lateral_left_join_elements
select u.name, g ->> 'GroupName' as group_name
from aws_iam_user u left join lateral jsonb_array_elements(u.groups) g on true
order by u.name, group_name;

-- name: r20_lateral_subquery_counting_elements
select u.name, c.n
from aws_iam_user u cross join lateral (select count(*) as n from jsonb_array_elements(u.attached_policy_arns)) c
order by u.name;

-- name: r20_lateral_subquery_first_action
select p.name, f.action
from aws_iam_policy p left join lateral (
  select a as action from jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
  order by a limit 1) f on true
order by p.name;

-- name: r20_filter_where_counts_per_account
select account_id, count(*) filter (where mfa_enabled) as with_mfa, count(*) filter (where not mfa_enabled) as without,
  count(*) filter (where password_last_used is null) as never_logged_in
from aws_iam_user group by account_id order by account_id;

-- name: r20_filter_where_aggregates_mixed
select account_id, string_agg(name, ',' order by name) filter (where mfa_enabled) as mfa_users,
  max(create_date) filter (where not mfa_enabled) as newest_without_mfa,
  array_agg(name order by name) filter (where tags ? 'team') as tagged
from aws_iam_user group by account_id order by account_id;

-- name: r20_window_rows_running_count
select event_time, event_name, count(*) over (order by event_time rows between unbounded preceding and current row) as n
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_window_rows_moving_sum
select name, max_session_duration, sum(max_session_duration) over (order by name rows between 1 preceding and 1 following) as s
from aws_iam_role order by name;

-- name: r20_window_range_interval
select event_time, event_name,
  count(*) over (order by event_time range between interval '1 hour' preceding and current row) as last_hour
from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: r20_window_first_last_value_frame
select name, create_date,
  first_value(name) over w as first_name, last_value(name) over w as last_name
from aws_iam_user window w as (partition by account_id order by create_date rows between unbounded preceding and unbounded following)
order by name;

-- name: r20_window_lag_lead_gaps
select event_time, event_name, event_time - lag(event_time) over (order by event_time) as since_previous,
  lead(event_name, 1, 'none') over (order by event_time) as next_event
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_window_rank_dense_rank
select name, attachment_count, rank() over (order by attachment_count desc) as r, dense_rank() over (order by attachment_count desc) as dr,
  percent_rank() over (order by attachment_count) as pr
from aws_iam_policy order by name;

-- name: r20_series_days_between_events
select d::date as day, count(e.event_id) as events
from generate_series(timestamptz '2025-06-10', timestamptz '2025-06-14', interval '1 day') d
  left join aws_cloudtrail_trail_event e on date_trunc('day', e.event_time) = d
group by d order by d;

-- name: r20_series_hours_text
select to_char(h, 'YYYY-MM-DD HH24:MI') as hour
from generate_series(timestamptz '2025-06-14 08:00+00', timestamptz '2025-06-14 11:00+00', interval '1 hour') h order by h;

-- name: r20_series_months_printed
select m from generate_series(timestamp '2024-11-30', timestamp '2025-03-01', interval '1 month') m order by m;

-- name: r20_date_trunc_week_month
select name, date_trunc('week', create_date) as week, date_trunc('month', create_date) as month, date_trunc('year', create_date)::date as year
from aws_iam_user order by name;

-- name: r20_age_printed
select name, age(timestamptz '2025-06-14 00:00+00', create_date) as account_age from aws_iam_user order by name;

-- name: r20_age_parts
select name, extract(year from age(timestamptz '2025-06-14 00:00+00', create_date)) as years,
  date_part('month', age(timestamptz '2025-06-14 00:00+00', create_date)) as months
from aws_iam_user order by name;

-- name: r20_interval_arithmetic_printing
select name, create_date + interval '90 days' as rotate_by, create_date - interval '1 year 2 months' as earlier,
  interval '1 day' * max_session_duration / 86400 as scaled
from aws_iam_role order by name;

-- name: r20_interval_comparisons
select name, (timestamptz '2025-06-14 00:00+00' - password_last_used) > interval '90 days' as stale,
  timestamptz '2025-06-14 00:00+00' - password_last_used as idle
from aws_iam_user order by name;

-- name: r20_interval_justify
select justify_days(interval '45 days') as a, justify_hours(interval '50 hours') as b, justify_interval(interval '1 month -1 hour') as c;

-- name: r20_regexp_matches_global
select name, regexp_matches(arn, '[0-9]{4}', 'g') as m from aws_iam_user order by name, m;

-- name: r20_regexp_matches_groups
select event_name, (regexp_matches(event_source, '^([a-z0-9]+)\.(amazonaws)\.com$'))[1] as service
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_regexp_replace_flags
select name, regexp_replace(name, '[aeiou]', '*', 'g') as all_vowels, regexp_replace(name, 'A', 'x', 'i') as first_a,
  regexp_replace(name, 'E', '_', 'gi') as all_e
from aws_iam_user order by name;

-- name: r20_regexp_replace_backrefs
select arn, regexp_replace(arn, '^arn:aws:iam::(\d+):(\w+)/(.*)$', '\2 \3 in \1') as described
from aws_iam_role order by arn;

-- name: r20_split_part_negative
select arn, split_part(arn, '/', -1) as last, split_part(arn, ':', -2) as account, split_part(arn, '/', -9) as none
from aws_iam_role order by arn;

-- name: r20_split_part_event_source
select event_source, split_part(event_source, '.', 1) as service, split_part(event_source, '.', -1) as tld
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_array_position_actions
select name, array_position(array['bob', 'alice', 'ci-deploy'], name) as pos,
  array_position(array['x', 'y', 'x'], 'x', 2) as from_second
from aws_iam_user order by name;

-- name: r20_any_all_arrays
select name, name = any(array['alice', 'bob']) as listed, length(name) > all(array[3, 4]) as long_name,
  name <> all('{alice,bob}'::text[]) as unlisted
from aws_iam_user order by name;

-- name: r20_any_with_null_element
select name, name = any(array['alice', null]) as maybe, name <> all(array['zz', null]) as maybe_not
from aws_iam_user order by name;

-- name: r20_distinct_on_latest_event_per_user
select distinct on (username) username, event_name, event_time
from aws_cloudtrail_trail_event where username is not null
order by username, event_time desc;

-- name: r20_distinct_on_newest_key_per_user
select distinct on (user_name) user_name, access_key_id, create_date
from aws_iam_access_key order by user_name, create_date desc, access_key_id;

-- name: r20_coalesce_mixed_types
select name, coalesce(password_last_used, create_date) as last_seen, coalesce(tags ->> 'team', 'none') as team,
  coalesce(jsonb_array_length(groups), 0) + 0.5 as g
from aws_iam_user order by name;

-- name: r20_to_recordset_tags
select u.name, t."Key" as k, t."Value" as v
from aws_iam_user u, jsonb_to_recordset(u.tags_src) as t("Key" text, "Value" text)
order by u.name, k;

-- name: r20_to_recordset_statements
select p.name, s."Effect" as effect, s."Sid" as sid, s."Action" as action
from aws_iam_policy p, jsonb_to_recordset(p.policy_std -> 'Statement') as s("Effect" text, "Sid" text, "Action" jsonb)
order by p.name, effect, sid, action;

-- name: r20_to_recordset_resources
select e.event_name, r."ARN" as arn, r."type" as resource_type
from aws_cloudtrail_trail_event e cross join lateral jsonb_to_recordset(e.resources) as r("ARN" text, "type" text)
order by e.event_name, arn;

-- name: r20_to_recordset_literal_typed
select * from jsonb_to_recordset('[{"a": 1, "b": "x", "c": true}, {"a": 2, "c": false}, {"b": "z"}]') as t(a int, b text, c boolean) order by a;

-- name: r20_to_recordset_aggregated
select t.k, count(*) as users
from aws_iam_user u, jsonb_to_recordset(u.tags_src) as t(k text)
group by t.k order by t.k nulls first;

-- name: r20_to_char_dates
select name, to_char(create_date, 'YYYY-MM-DD') as d, to_char(create_date, 'Mon DD, YYYY HH12:MI AM') as human,
  to_char(create_date, 'IYYY-"W"IW') as iso_week, to_char(create_date, 'Q') as quarter
from aws_iam_user order by name;

-- name: r20_to_char_numbers
select name, to_char(max_session_duration, 'FM999,999') as secs, to_char(max_session_duration / 3600.0, 'FM990.00') as hours,
  to_char(max_session_duration, '000000') as padded
from aws_iam_role order by name;

-- name: r20_to_char_day_names
select event_name, to_char(event_time, 'Day') as day, to_char(event_time, 'FMDay') as fm_day, to_char(event_time, 'DY') as dy
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_format_reason_strings
select name, format('%s has %s attachment(s)', name, attachment_count) as reason,
  format('%L', description) as quoted, format('%-12s|', name) as padded
from aws_iam_policy order by name;

-- name: r20_format_positional_and_identifier
select format('%2$s/%1$s', name, path) as p, format('%I', name) as ident from aws_iam_group order by name;

-- name: r20_is_distinct_from_columns
select u.name, u.password_last_used is distinct from u.create_date as differs,
  r.description is not distinct from null as no_description, r.role_last_used_date is not distinct from u.password_last_used as same_use
from aws_iam_user u left join aws_iam_role r on r.name = u.name order by u.name;

-- name: r20_is_distinct_from_in_where
select name from aws_iam_role where role_last_used_region is distinct from 'eu-west-1' order by name;

-- name: r20_grouping_sets_account_mfa
select account_id, mfa_enabled, count(*) as users
from aws_iam_user group by grouping sets ((account_id, mfa_enabled), (account_id), ())
order by account_id nulls last, mfa_enabled nulls last;

-- name: r20_rollup_events
select event_source, event_name, count(*) as n, grouping(event_source, event_name) as g
from aws_cloudtrail_trail_event group by rollup (event_source, event_name)
order by event_source nulls last, event_name nulls last;

-- name: r20_cube_trail_flags
select is_multi_region_trail, is_logging, count(*) as trails
from aws_cloudtrail_trail group by cube (is_multi_region_trail, is_logging)
order by 1 nulls first, 2 nulls first;

-- name: r20_recursive_ou_tree
with recursive tree as (
  select id, name, parent_id, 1 as depth, name::text as path from aws_organizations_organizational_unit
  where parent_id like 'r-%'
  union all
  select o.id, o.name, o.parent_id, t.depth + 1, t.path || '/' || o.name
  from aws_organizations_organizational_unit o join tree t on o.parent_id = t.id
)
select name, depth, path from tree order by path;

-- name: r20_recursive_accounts_under_root
with recursive parents as (
  select a.id as account, a.parent_id as node, 0 as hops from aws_organizations_account a
  union all
  select p.account, o.parent_id, p.hops + 1 from parents p join aws_organizations_organizational_unit o on o.id = p.node
)
select account, max(hops) as depth from parents group by account order by account;

-- name: r20_recursive_counter_series
with recursive n(i) as (select 1 union all select i * 2 from n where i < 100) select i, i::text || 'x' as t from n order by i;

-- name: r20_case_typing_numeric_and_int
select name, case when attachment_count > 1 then 1.5 else attachment_count end as c,
  case when is_attached then 'yes' end as attached
from aws_iam_policy order by name;

-- name: r20_case_typing_timestamps
select name, case when password_last_used is null then create_date else password_last_used end as last,
  case when mfa_enabled then null else '2020-01-01'::date end as d
from aws_iam_user order by name;

-- name: r20_case_typing_bool_text
select name, case when mfa_enabled then true when name like 'a%' then null else false end as b,
  case length(name) when 3 then 'three' when 5 then 'five' else 'other' end as l
from aws_iam_user order by name;

-- name: r20_null_ordering_default_desc
select name, password_last_used from aws_iam_user order by password_last_used desc, name;

-- name: r20_null_ordering_explicit
select name, role_last_used_date from aws_iam_role order by role_last_used_date asc nulls first, name;

-- name: r20_null_ordering_in_window
select name, row_number() over (order by password_last_used nulls first, name) as rn,
  row_number() over (order by password_last_used desc nulls last, name) as rn_desc
from aws_iam_user order by name;

-- name: r20_null_ordering_in_agg
select account_id, array_agg(password_last_used order by password_last_used) as asc_nulls_last,
  string_agg(coalesce(password_last_used::text, '-'), ',' order by password_last_used desc) as desc_nulls_first
from aws_iam_user group by account_id order by account_id;

-- name: r20_text_vs_varchar_compare
select name, name::varchar = 'alice' as is_alice, name::varchar(3) as short, name < 'c'::varchar as early
from aws_iam_user order by name;

-- name: r20_varchar_concat_type
select name || '-'::varchar as a, (name::varchar || 'x') as b, upper(name::varchar) as c from aws_iam_group order by name;

-- name: r20_collation_ordering_mixed_case
select name from (values ('bob'), ('Alice'), ('alice'), ('_svc'), ('Zed'), ('émile'), ('10'), ('9')) v(name) order by name;

-- name: r20_collation_c_order
select name from aws_iam_user order by name collate "C";

-- name: r20_collation_min_max
select min(name) as first, max(name) as last, min(name collate "C") as first_c from aws_iam_user;

-- name: r20_collation_compare_upper_lower
select name, name < 'B' as before_b, lower(name) < 'b' as lower_before_b from aws_iam_role order by name;

-- name: r20_coalesce_numeric_int_mix
select name, coalesce(nullif(attachment_count, 0), 0.5) as c, coalesce(null, attachment_count, 2.25) as d
from aws_iam_policy order by name;

-- name: r20_coalesce_json_text
select name, coalesce(tags -> 'team', '"unset"') as team, coalesce(tags ->> 'owner', name) as owner
from aws_iam_user order by name;

-- name: r20_greatest_least_timestamps
select name, greatest(create_date, password_last_used) as latest, least(create_date, password_last_used) as earliest
from aws_iam_user order by name;

-- name: r20_org_policy_content_paths
select name, type, content #> '{Statement,0,Effect}' as first_effect, jsonb_typeof(content -> 'Statement') as kind
from aws_organizations_policy order by name;

-- name: r20_org_tag_policy_values
select name, jsonb_array_elements_text(content #> '{tags,env,tag_value,@@assign}') as allowed
from aws_organizations_policy where type = 'TAG_POLICY' order by allowed;

-- name: r20_org_scp_deny_actions
select p.name, a as action
from aws_organizations_policy p, jsonb_array_elements(p.content -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Deny' order by p.name, a;

-- name: r20_org_accounts_joined_by_year
select date_part('year', joined_timestamp) as year, count(*) as accounts, string_agg(name, ', ' order by name) as names
from aws_organizations_account group by 1 order by 1;

-- name: r20_org_accounts_tags
select name, tags ->> 'env' as env, status from aws_organizations_account order by env nulls last, name;

-- name: r20_s3_events_bucket_and_key
select event_name, request_parameters ->> 'bucketName' as bucket, split_part(request_parameters ->> 'key', '/', 1) as prefix,
  resources -> 0 ->> 'ARN' as object_arn
from aws_cloudtrail_trail_event where event_source = 's3.amazonaws.com';

-- name: r20_s3_policy_notresource
select name, jsonb_array_elements_text(s -> 'NotResource') as excluded
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
where s ? 'NotResource' order by name, excluded;

-- name: r20_kms_actions_wildcards
select name, a as action, a like 'kms:%*' as wildcard
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where a like 'kms:%' order by name, a;

-- name: r20_kms_condition_mfa_age
select name, (s #>> '{Condition,NumericLessThan,aws:multifactorauthage,0}')::int as max_age,
  s #> '{Condition,Bool}' as bool_conditions
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
where s -> 'Condition' is not null order by name;

-- name: r20_ec2_assume_from_service_events
select event_name, request_parameters ->> 'roleSessionName' as session, (request_parameters ->> 'durationSeconds')::int / 60 as minutes,
  source_ip_address
from aws_cloudtrail_trail_event where event_name like 'AssumeRole%' order by event_time;

-- name: r20_ec2_instance_profiles
select name, jsonb_array_length(instance_profile_arns) as profiles, instance_profile_arns ->> 0 as first
from aws_iam_role order by name;

-- name: r20_credential_report_key_age_days
select user_name, date_part('day', timestamptz '2025-06-14 00:00+00' - access_key_1_last_rotated) as key1_days,
  access_key_1_active and access_key_2_active as both_active
from aws_iam_credential_report order by user_name;

-- name: r20_credential_report_never_used
select user_name, coalesce(password_last_used::text, 'never') as pw, password_enabled, mfa_active
from aws_iam_credential_report order by user_name;

-- name: r20_password_policy_text
select account_id, format('min %s, reuse %s, max age %s', minimum_password_length, coalesce(password_reuse_prevention::text, '-'), coalesce(max_password_age::text, 'none')) as summary
from aws_iam_account_password_policy order by account_id;

-- name: r20_access_keys_per_status
select status, count(*) as keys, min(create_date) as oldest, max(access_key_last_used_date) as latest_use
from aws_iam_access_key group by status order by status;

-- name: r20_trail_selectors_paths
select name, event_selectors #>> '{0,ReadWriteType}' as rw, jsonb_array_length(coalesce(advanced_event_selectors, '[]')) as advanced
from aws_cloudtrail_trail order by name;

-- name: r20_trail_delivery_age
select name, latest_delivery_time, age(timestamptz '2025-06-14 00:00+00', latest_delivery_time) as since
from aws_cloudtrail_trail order by name;

-- name: r20_role_trust_principals_lateral
select r.name, p.key as principal_kind, p.value as principal
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Principal') p
order by r.name, p.key;

-- name: r20_event_error_rate_by_source
select event_source, count(*) as total, count(error_code) as errors,
  round(100.0 * count(error_code) / count(*), 1) as pct
from aws_cloudtrail_trail_event group by event_source order by event_source;

-- name: r20_event_hour_buckets_filter
select date_trunc('hour', event_time) as hour, count(*) filter (where read_only) as reads, count(*) filter (where not read_only) as writes
from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: r20_real_times_integer_types
select name, max_session_duration::real * 2 as a, max_session_duration::real / 3 as b, max_session_duration::float4 + 0.5 as c,
  max_session_duration::real * 2::real as d, -max_session_duration::real as e
from aws_iam_role order by name;

-- name: r20_real_arithmetic_precision
select 0.1::real * 3 as a, 0.1::real + 0.2::real as b, 1::real / 3 as c, 1.5::real - '0.5' as d;

-- name: r20_real_in_aggregates
select sum(max_session_duration::real) as s, avg(max_session_duration::real) as a, max(max_session_duration::real) * 2 as m
from aws_iam_role;

-- name: r20_varchar_array_casts
select '{a,b}'::varchar[] as a, ('{x}'::varchar[])[1] as first, array_length('{a,b,c}'::varchar[], 1) as n;

-- name: r20_oid_casts
select name, length(name)::oid as o, attachment_count::oid as a from aws_iam_policy order by name;

-- name: r20_epoch_division_in_lateral
select u.name, d.days, d.days > 365 as over_a_year
from aws_iam_user u cross join lateral (select extract(epoch from timestamptz '2025-06-14 00:00+00' - u.create_date) / 86400 as days) d
order by u.name;

-- name: r20_epoch_division_minutes_cte
with e as (select event_name, extract(epoch from event_time - timestamptz '2025-06-14 00:00+00') / 60 as minutes from aws_cloudtrail_trail_event)
select event_name, minutes, round(minutes) as whole from e order by minutes, event_name;

-- name: r20_epoch_division_grouped
select account_id, max(extract(epoch from create_date)) / 3600 as hours, sum(extract(epoch from create_date)) / count(*) as mean
from aws_iam_user group by account_id order by account_id;

-- name: r20_path_query_array_and_first
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Effect') as effects,
  jsonb_path_query_first(policy_std, '$.Statement[*].Resource') as first_resource
from aws_iam_policy order by name;

-- name: r20_path_query_like_regex
select name, jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^iam:")') as iam_actions,
  jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ starts with "lambda")') as lambda_actions
from aws_iam_policy order by name;

-- name: r20_path_query_size_and_type
select name, jsonb_path_query(policy_std, '$.Statement.size()') as statements,
  jsonb_path_query_first(policy_std, '$.Statement[0].Action.type()') as action_type
from aws_iam_policy where policy_std is not null order by name;

-- name: r20_path_query_event_resources
select event_name, jsonb_path_query(resources, '$[*] ? (@.type == "AWS::IAM::Role").ARN') #>> '{}' as role_arn
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_path_ops_text_array_literal
select u.name, u.tags #>> '{team}' as team, p.policy_std #> '{Statement,0,Action}' as actions
from aws_iam_user u left join aws_iam_policy p on p.name = u.name order by u.name;

-- name: r20_exists_any_on_action_arrays
select p.name, count(*) filter (where s -> 'Action' ?| '{iam:passrole,lambda:*}') as passrole_or_lambda,
  bool_or(s -> 'Action' ? '*') as star
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s group by p.name order by p.name;

-- name: r20_contains_array_of_principals
select name from aws_iam_role
where assume_role_policy_std @> '{"Statement": [{"Principal": {"Service": ["ec2.amazonaws.com"]}}]}' order by name;

-- name: r20_contains_scalar_in_array
select name, attached_policy_arns @> '"arn:aws:iam::aws:policy/AdministratorAccess"' as admin
from aws_iam_user order by name;

-- name: r20_window_ntile_and_cume_dist
select name, create_date, ntile(3) over (order by create_date) as tercile, cume_dist() over (order by create_date) as cd
from aws_iam_user order by name;

-- name: r20_window_range_numeric_offset
select name, max_session_duration, count(*) over (order by max_session_duration range between 3600 preceding and 3600 following) as near
from aws_iam_role order by name;

-- name: r20_window_partition_frame_avg
select account_id, name, attachment_count,
  avg(attachment_count) over (partition by account_id order by name rows between unbounded preceding and current row) as running_avg
from aws_iam_policy order by account_id, name;

-- name: r20_window_nth_value_frame
select name, nth_value(name, 2) over (order by create_date rows between unbounded preceding and unbounded following) as second_oldest
from aws_iam_user order by name;

-- name: r20_window_string_agg_running
select event_time, string_agg(event_name, '>') over (order by event_time rows between 2 preceding and current row) as path
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_series_date_steps
select d, d + interval '1 day' as next_day, extract(dow from d) as dow
from generate_series(date '2025-02-26', date '2025-03-02', interval '1 day') d order by d;

-- name: r20_series_weeks_with_events
select w as week_start, count(e.event_id) as events
from generate_series(date_trunc('week', timestamptz '2025-06-01 00:00+00'), timestamptz '2025-06-14 00:00+00', interval '1 week') w
  left join aws_cloudtrail_trail_event e on e.event_time >= w and e.event_time < w + interval '1 week'
group by w order by w;

-- name: r20_series_integer_with_step_negative
select i, i % 3 as m from generate_series(10, -2, -4) i order by i;

-- name: r20_date_trunc_with_interval_math
select name, date_trunc('day', create_date) + interval '23 hours 59 minutes' as end_of_day,
  date_trunc('month', create_date) + interval '1 month' - interval '1 day' as month_end
from aws_iam_user order by name;

-- name: r20_interval_sum_avg
select account_id, sum(timestamptz '2025-06-14 00:00+00' - create_date) as total_age, avg(timestamptz '2025-06-14 00:00+00' - create_date) as mean_age
from aws_iam_user group by account_id order by account_id;

-- name: r20_interval_negative_and_mixed
select interval '1 day' - interval '25 hours' as a, interval '-1 month 3 days' as b, interval '36 hours' * 2 as c,
  interval '1 year' / 5 as d;

-- name: r20_make_interval_from_columns
select name, make_interval(secs => max_session_duration) as session, make_interval(hours => (max_session_duration / 3600)::int) as hours
from aws_iam_role order by name;

-- name: r20_age_between_events
select e1.event_name, e2.event_name as next, age(e2.event_time, e1.event_time) as gap
from aws_cloudtrail_trail_event e1 join aws_cloudtrail_trail_event e2 on e2.event_time > e1.event_time
  and e2.event_time < e1.event_time + interval '2 hours'
order by e1.event_time, e2.event_time;

-- name: r20_regexp_matches_multiple_groups
select name, m[1] as service, m[2] as action
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a,
  regexp_matches(a, '^([a-z0-9]+):(.*)$') m
order by name, service, action;

-- name: r20_regexp_matches_no_match_rows
select name, (select count(*) from regexp_matches(name, '\d', 'g')) as digits from aws_iam_user order by name;

-- name: r20_regexp_replace_case_insensitive_global
select event_source, regexp_replace(event_source, 'AMAZONAWS\.COM$', 'aws', 'i') as short,
  regexp_replace(user_agent, '[0-9]+', '#', 'g') as agent_shape
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_regexp_substr_and_like
select name, substring(arn from ':(\d{12}):') as account, arn ~* 'ROLE/' as is_role, arn !~ 'aws-service-role' as custom
from aws_iam_role order by name;

-- name: r20_split_part_on_tags
select name, split_part(tags ->> 'owner', '@', 2) as domain, split_part(coalesce(tags ->> 'team', ''), '-', -1) as team_tail
from aws_iam_user order by name;

-- name: r20_array_position_in_jsonb_order
select name, array_position(array['Allow', 'Deny'], s ->> 'Effect') as effect_rank
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s order by name, effect_rank;

-- name: r20_array_positions_and_remove
select array_positions(array[name, 'x', name], name) as p, array_remove(array[name, 'x'], 'x') as r from aws_iam_group order by name;

-- name: r20_any_with_subquery
select name from aws_iam_user where name = any(select username from aws_cloudtrail_trail_event where error_code is null) order by name;

-- name: r20_all_with_subquery
select name, create_date from aws_iam_user
where create_date < all(select create_date from aws_iam_role) order by name;

-- name: r20_any_text_array_from_split
select name from aws_iam_user where 'team' = any(string_to_array('owner,team,nhi', ',')) and tags ? 'team' order by name;

-- name: r20_distinct_on_expression
select distinct on (split_part(event_source, '.', 1)) split_part(event_source, '.', 1) as service, event_name, event_time
from aws_cloudtrail_trail_event order by split_part(event_source, '.', 1), event_time desc;

-- name: r20_distinct_on_with_nulls
select distinct on (role_last_used_region) role_last_used_region, name
from aws_iam_role order by role_last_used_region nulls first, name;

-- name: r20_format_with_nulls_and_widths
select format('[%s]', null) as a, format('[%5s]', 'ab') as b, format('%s-%s', name, null) as c, format('%%') as d
from aws_iam_group order by name;

-- name: r20_to_char_with_fm_and_th
select name, to_char(create_date, 'FMDDth "of" FMMonth YYYY') as long_date, to_char(create_date, 'HH24:MI:SS') as t
from aws_iam_user order by name;

-- name: r20_case_int_bigint_typing
select name, case when mfa_enabled then count(*) over () else length(name) end as n,
  case when mfa_enabled then 1 else 2.0 end as x
from aws_iam_user order by name;

-- name: r20_case_searched_in_order_by
select user_name, status from aws_iam_access_key
order by case status when 'Active' then 0 else 1 end, user_name nulls last, access_key_id;

-- name: r20_grouping_sets_with_expression
select date_trunc('day', event_time)::date as day, read_only, count(*) as n
from aws_cloudtrail_trail_event group by grouping sets ((1, 2), (1)) order by day, read_only nulls last;

-- name: r20_recursive_split_path
with recursive parts(rest, part, n) as (
  select path, null::text, 0 from aws_organizations_organizational_unit where name = 'prod'
  union all
  select substr(rest, strpos(rest || '.', '.') + 1), split_part(rest, '.', 1), n + 1 from parts where rest <> ''
)
select n, part from parts where n > 0 order by n;

-- name: r20_text_varchar_union_types
select name as v from aws_iam_role union all select name::varchar from aws_iam_group order by v;

-- name: r20_collation_order_by_lower_upper
select name from aws_iam_user order by lower(name) desc, name;

-- name: r20_null_ordering_multiple_keys
select name, password_last_used, mfa_enabled from aws_iam_user order by mfa_enabled desc nulls last, password_last_used nulls first, name;

-- name: r20_coalesce_interval_and_text
select name, coalesce(timestamptz '2025-06-14 00:00+00' - password_last_used, interval '0') as idle,
  coalesce(to_char(password_last_used, 'YYYY'), 'never') as year
from aws_iam_user order by name;

-- name: r20_is_distinct_from_jsonb
select name, tags is distinct from '{}'::jsonb as has_tags, tags -> 'team' is not distinct from '"platform"' as platform
from aws_iam_user order by name;

-- name: r20_gap_float4_mul_int
select name, max_session_duration::float4 * 2 as f, 1.5::real * length(name) as g from aws_iam_role order by name;

-- name: r20_gap_varchar_array
select '{a}'::varchar[] as a, '{a,b}'::varchar[] as b;

-- name: r20_gap_oid
select name, length(name)::oid as o from aws_iam_user order by name;

-- name: r20_gap_epoch_div
select name, extract(epoch from create_date) / 86400 as d from aws_iam_user order by name;

-- name: r20_gap_epoch_div2
select name, extract(epoch from (timestamptz '2024-06-01' - create_date)) / 3600 as h from aws_iam_user order by name;

-- name: r20_gap_epoch_div3
select name, extract(epoch from create_date)::int / 60 as m, date_part('epoch', create_date) / 60 as dp from aws_iam_user order by name;


-- name: r20_path_ops_array_constructor_path
select u.name, u.tags #>> array['team'] as team, p.policy_std #> array['Statement', '0', 'Action'] as actions,
  p.policy_std #>> '{Statement,0,Effect}'::text[] as effect
from aws_iam_user u left join aws_iam_policy p on p.name = u.name order by u.name;

-- name: r20_path_ops_array_path_on_events
select event_name, request_parameters #>> array['roleArn'] as role_arn, user_identity #> array['sessionContext', 'attributes'] as attributes
from aws_cloudtrail_trail_event order by event_time;

-- name: r20_varchar_first_union_types
select name::varchar as v from aws_iam_group union all select name from aws_iam_role order by v;

-- name: r20_varchar_first_union_distinct
select name::varchar(20) as v from aws_iam_user union select name::varchar from aws_iam_role union select 'zzz' order by 1 desc;

-- name: r20_varchar_first_except
select name::varchar as n, length(name) as l from aws_iam_user except select name, 5 from aws_iam_role;

-- name: r21_gap_array_varchar
select array['a'::varchar, name::varchar] as a from aws_iam_user order by name;

-- name: r21_gap_array_agg_varchar
select account_id, array_agg(name::varchar order by name) as a from aws_iam_user group by account_id order by account_id;

-- name: r21_gap_null_union_varchar
select null as v union select name::varchar from aws_iam_user order by v;

-- name: r21_gap_null_null_union_all_varchar
select null as v union all select null union all select name::varchar from aws_iam_role order by v;


-- name: r21_interval_justify_days
select justify_days(interval '35 days') as a, justify_days(interval '-35 days') as b, justify_days(interval '1 mon -40 days') as c;

-- name: r21_interval_justify_hours
select justify_hours(interval '27 hours') as a, justify_hours(interval '-27 hours') as b, justify_hours(interval '1 day -30 hours') as c;

-- name: r21_interval_justify_interval
select justify_interval(interval '1 mon -1 hour') as a, justify_interval(interval '-1 mon 50 days 30 hours') as b;

-- name: r21_interval_negative_parts
select interval '-1 year 2 mons -3 days 04:05:06' as a, interval '-00:00:01' as b, interval '1 day -1 second' as c;

-- name: r21_interval_fraction_seconds
select interval '1.5 seconds' as a, interval '0.000001 seconds' as b, interval '-1.25 minutes' as c;

-- name: r21_interval_large_hours
select interval '100 hours' as a, interval '36 hours 30 minutes' as b, interval '-48 hours' as c;

-- name: r21_interval_multiply
select interval '1 day' * 1.5 as a, interval '1 hour' * 2.5 as b, interval '1 mon' / 2 as c;

-- name: r21_age_month_end
select age(timestamp '2024-03-31', timestamp '2024-02-29') as a, age(timestamp '2024-03-01', timestamp '2024-01-31') as b,
  age(timestamp '2024-01-31', timestamp '2024-03-01') as c;

-- name: r21_age_leap
select age(date '2025-02-28', date '2024-02-29') as a, age(timestamp '2024-12-31 23:00', timestamp '2024-01-01 01:00') as b;

-- name: r21_age_of_users
select name, age(timestamptz '2025-01-31 00:00:00+00', create_date) as a from aws_iam_user order by name;

-- name: r21_interval_from_subtraction
select name, timestamptz '2025-03-01 00:00:00+00' - create_date as d from aws_iam_user order by name;

-- name: r21_interval_extract
select extract(day from interval '40 days 5 hours') as d, extract(hour from interval '-27 hours') as h,
  extract(epoch from interval '1 mon') as e, extract(month from interval '14 mons') as m;

-- name: r21_interval_compare
select interval '30 days' = interval '1 mon' as a, interval '24 hours' = interval '1 day' as b,
  interval '1 mon' > interval '29 days' as c;

-- name: r21_timestamptz_print
select timestamptz '2024-06-01 12:34:56.789+02' as a, timestamptz '2024-01-01 00:00:00-05:30' as b,
  timestamptz '2024-01-01 00:00:00.5+00' as c;

-- name: r21_at_time_zone_named
select timestamptz '2024-06-01 12:00:00+00' at time zone 'America/New_York' as a,
  timestamptz '2024-01-01 12:00:00+00' at time zone 'Europe/Paris' as b,
  timestamptz '2024-01-01 12:00:00+00' at time zone 'UTC' as c;

-- name: r21_at_time_zone_timestamp
select timestamp '2024-06-01 12:00:00' at time zone 'Asia/Tokyo' as a, timestamp '2024-06-01 12:00:00' at time zone 'UTC' as b;

-- name: r21_at_time_zone_users
select name, create_date at time zone 'UTC' as utc, (create_date at time zone 'America/Los_Angeles')::date as la_day
from aws_iam_user order by name;

-- name: r21_timestamptz_trunc
select date_trunc('month', timestamptz '2024-06-15 10:00:00+00') as m, date_trunc('week', timestamptz '2024-06-15 10:00:00+00') as w,
  date_trunc('hour', timestamptz '2024-06-15 10:59:59+00') as h;

-- name: r21_date_arith
select date '2024-02-28' + 1 as a, date '2024-03-01' - 1 as b, date '2024-03-01' - date '2024-02-01' as c,
  date '2024-01-31' + interval '1 month' as d;

-- name: r21_date_plus_time
select date '2024-01-01' + time '10:30' as a, date '2024-01-01' - interval '1 hour' as b;

-- name: r21_date_of_users
select name, create_date::date as d, create_date::date - date '2020-01-01' as days from aws_iam_user order by name;

-- name: r21_date_extract
select extract(dow from date '2024-06-02') as dow, extract(isodow from date '2024-06-02') as isodow,
  extract(doy from date '2024-12-31') as doy, extract(week from date '2024-12-31') as week, extract(quarter from date '2024-05-01') as q;

-- name: r21_make_date
select make_date(2024, 2, 29) as a, make_date(2023, 12, 31) as b;

-- name: r21_make_interval
select make_interval(years => 1, months => 2, days => 3) as a, make_interval(hours => 25) as b,
  make_interval(mins => 90, secs => 30.5) as c, make_interval(weeks => 2) as d;

-- name: r21_make_interval_neg
select make_interval(days => -3, hours => 4) as a, make_interval(0, 0, 0, 0, 0, 0, 0) as b;

-- name: r21_to_timestamp_epoch
select to_timestamp(0) as a, to_timestamp(1718000000) as b, to_timestamp(1718000000.5) as c;

-- name: r21_to_timestamp_format
select to_timestamp('2024-06-01 10:20:30', 'YYYY-MM-DD HH24:MI:SS') as a, to_timestamp('01/06/2024', 'DD/MM/YYYY') as b;

-- name: r21_numeric_round
select round(2.5) as a, round(-2.5) as b, round(2.345, 2) as c, round(-2.345, 2) as d, round(1234.5, -2) as e;

-- name: r21_numeric_trunc
select trunc(2.789, 1) as a, trunc(-2.789) as b, trunc(1234.5, -2) as c;

-- name: r21_numeric_div_scale
select 1 / 3.0 as a, 10.0 / 4 as b, 2.00 / 3 as c, 1.0 / 7 as d;

-- name: r21_numeric_div_large
select 100000.0 / 3 as a, 0.001 / 3 as b, 123456789.123 / 7 as c;

-- name: r21_numeric_mul_scale
select 1.50 * 2.25 as a, 0.1 + 0.20 as b, 1.000 - 0.5 as c;

-- name: r21_numeric_int_div
select 7 / 2 as a, -7 / 2 as b, 7 % 3 as c, -7 % 3 as d, div(7.5, 2) as e, mod(7.5, 2) as f;

-- name: r21_numeric_ceil_floor
select ceil(2.1) as a, floor(-2.1) as b, ceiling(2.0) as c, sign(-3.5) as d, abs(-1.50) as e;

-- name: r21_numeric_policy_avg
select round(avg(attachment_count), 3) as a, round(sum(attachment_count)::numeric / count(*), 4) as b from aws_iam_policy;

-- name: r21_to_char_currency
select to_char(1234.5, 'FM$999,999.00') as a, to_char(0.5, 'FM$0.00') as b, to_char(-1234.567, '999G999D99') as c;

-- name: r21_to_char_numbers
select to_char(42, '00000') as a, to_char(3.14159, '9.999') as b, to_char(1234567, 'FM9,999,999') as c, to_char(-5, 'S999') as d;

-- name: r21_to_char_policy_counts
select name, to_char(attachment_count, 'FM999') || ' attachments' as t from aws_iam_policy order by name;

-- name: r21_to_char_timestamp
select to_char(timestamptz '2024-06-01 09:05:03+00', 'YYYY-MM-DD"T"HH24:MI:SS') as a,
  to_char(timestamptz '2024-06-01 21:05:03+00', 'HH12:MI AM Dy Mon DD') as b;

-- name: r21_bool_and_or
select bool_and(mfa_enabled) as all_mfa, bool_or(mfa_enabled) as any_mfa, every(mfa_enabled) as every_mfa from aws_iam_user;

-- name: r21_bool_and_grouped
select account_id, bool_and(mfa_enabled) as a, bool_or(not mfa_enabled) as b from aws_iam_user group by account_id order by account_id;

-- name: r21_bool_and_empty
select bool_and(mfa_enabled) as a, bool_or(mfa_enabled) as b, every(mfa_enabled) as c from aws_iam_user where false;

-- name: r21_bool_and_filter
select bool_and(is_attached) filter (where attachment_count > 0) as a, bool_or(is_aws_managed) as b from aws_iam_policy;

-- name: r21_count_distinct_jsonb
select count(distinct u.tags) as t, count(distinct p.policy_std -> 'Statement') as s from aws_iam_user u, aws_iam_policy p;

-- name: r21_count_distinct_jsonb_members
select count(distinct s -> 'Effect') as effects, count(distinct s -> 'Action') as actions
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s;

-- name: r21_percentile_cont
select percentile_cont(0.5) within group (order by attachment_count) as median,
  percentile_cont(0.25) within group (order by attachment_count) as q1 from aws_iam_policy;

-- name: r21_percentile_disc
select percentile_disc(0.5) within group (order by name) as n, percentile_disc(0.9) within group (order by max_session_duration) as m from aws_iam_role;

-- name: r21_mode
select mode() within group (order by event_name) as m from aws_cloudtrail_trail_event;

-- name: r21_mode_grouped
select account_id, mode() within group (order by mfa_enabled) as m from aws_iam_user group by account_id order by account_id;

-- name: r21_array_agg_order_desc
select account_id, array_agg(name order by name desc) as a from aws_iam_user group by account_id order by account_id;

-- name: r21_array_agg_order_nulls
select array_agg(description order by description nulls first) as a from aws_iam_role;

-- name: r21_array_agg_order_two_keys
select array_agg(name order by account_id, create_date desc) as a from aws_iam_user;

-- name: r21_array_agg_filter_order
select array_agg(name order by name) filter (where mfa_enabled) as a from aws_iam_user;

-- name: r21_string_to_array_nulls
select string_to_array('a,,b', ',') as a, string_to_array('a,x,b', ',', 'x') as b, string_to_array('', ',') as c;

-- name: r21_string_to_array_null_delim
select string_to_array('abc', null) as a, string_to_array(null, ',') as b;

-- name: r21_array_to_string_nulls
select array_to_string(array['a', null, 'b'], ',') as a, array_to_string(array['a', null, 'b'], ',', '*') as b;

-- name: r21_array_to_string_users
select account_id, array_to_string(array_agg(name order by name), '; ') as names from aws_iam_user group by account_id order by account_id;

-- name: r21_unnest_two_arrays
select * from unnest(array[1, 2, 3], array['a', 'b']) as t(n, s);

-- name: r21_unnest_three_arrays
select a, b, c from unnest(array['x'], array[1, 2], array[true, false, null]) as t(a, b, c);

-- name: r21_unnest_ordinality
select v, n from unnest(array['c', 'a', 'b']) with ordinality as t(v, n) order by n;

-- name: r21_lateral_limit
select u.name, e.event_name from aws_iam_user u
  cross join lateral (select event_name from aws_cloudtrail_trail_event e where e.username = u.name order by event_time desc limit 1) e
order by u.name;

-- name: r21_lateral_limit_left
select u.name, e.n from aws_iam_user u
  left join lateral (select count(*) as n from aws_cloudtrail_trail_event e where e.username = u.name) e on true
order by u.name;

-- name: r21_lateral_limit_two
select r.name, p.name as policy from aws_iam_role r
  cross join lateral (select name from aws_iam_policy order by name limit 2) p
order by r.name, policy;

-- name: r21_exists_null
select name from aws_iam_user u where exists (select null) order by name;

-- name: r21_not_in_null
select name from aws_iam_user where name not in ('alice', null) order by name;

-- name: r21_not_in_subquery_null
select name from aws_iam_user where name not in (select description from aws_iam_role) order by name;

-- name: r21_in_null
select name, name in ('alice', null) as i from aws_iam_user order by name;

-- name: r21_not_exists
select r.name from aws_iam_role r where not exists (select 1 from aws_iam_user u where u.name = r.name) order by r.name;

-- name: r21_window_ranks
select name, attachment_count, row_number() over (order by attachment_count, name) as rn,
  rank() over (order by attachment_count) as r, dense_rank() over (order by attachment_count) as dr
from aws_iam_policy order by name;

-- name: r21_window_ntile
select name, ntile(3) over (order by name) as t from aws_iam_policy order by name;

-- name: r21_window_lag_lead_default
select name, lag(name, 1, 'none') over (order by name) as prev, lead(name, 2, '-') over (order by name) as next2
from aws_iam_user order by name;

-- name: r21_window_lag_int_default
select name, attachment_count - lag(attachment_count, 1, 0) over (order by name) as diff from aws_iam_policy order by name;

-- name: r21_window_percent_rank
select name, percent_rank() over (order by attachment_count) as p, cume_dist() over (order by attachment_count) as c
from aws_iam_policy order by name;

-- name: r21_window_first_last
select name, first_value(name) over w as f, last_value(name) over w as l from aws_iam_user
window w as (order by name rows between unbounded preceding and unbounded following) order by name;

-- name: r21_split_part
select split_part('a-b-c', '-', 2) as a, split_part('a-b-c', '-', 5) as b, split_part('a-b-c', '-', -1) as c,
  split_part('abc', '', 1) as d;

-- name: r21_split_part_arn
select name, split_part(arn, ':', 5) as account, split_part(arn, '/', -1) as last from aws_iam_role order by name;

-- name: r21_left_right_negative
select left('abcdef', -2) as a, right('abcdef', -2) as b, left('abc', 10) as c, right('abc', 0) as d;

-- name: r21_left_right_names
select name, left(name, -1) as l, right(name, -1) as r from aws_iam_user order by name;

-- name: r21_position_strpos
select position('b' in 'abcb') as a, strpos('abcb', 'cb') as b, position('' in 'abc') as c, strpos('abc', 'z') as d;

-- name: r21_strpos_names
select name, strpos(name, 'a') as p, position('-' in name) as q from aws_iam_role order by name;

-- name: r21_initcap
select initcap('hello wORLD-foo_bar') as a, initcap('3rd place') as b, initcap('o''neil') as c;

-- name: r21_initcap_names
select name, initcap(replace(name, '-', ' ')) as t from aws_iam_role order by name;

-- name: r21_translate
select translate('12345', '143', 'ax') as a, translate('hello', 'l', '') as b, translate('abc', '', 'x') as c;

-- name: r21_md5
select md5('') as a, md5('abc') as b, md5(name) as c from aws_iam_user order by name;

-- name: r21_encode_decode
select encode('abc'::bytea, 'hex') as a, encode('abc'::bytea, 'base64') as b, convert_from(decode('616263', 'hex'), 'UTF8') as c;

-- name: r21_decode_base64
select convert_from(decode('aGVsbG8=', 'base64'), 'UTF8') as a, decode('ff00', 'hex') as b;

-- name: r21_null_union_literal_varchar
select 'zzz' as v union select name::varchar from aws_iam_user order by v;

-- name: r21_varchar_union_text_first
select name as v from aws_iam_user union select name::varchar from aws_iam_role order by v;

-- name: r21_null_null_union_varchar
select null as v union select null union select name::varchar from aws_iam_role order by v;

-- name: r21_null_union_varchar_paren
select null as v union (select name::varchar from aws_iam_role union select null) order by v;

-- name: r21_array_varchar_later
select array[null, 'x'::varchar] as a, array[name, 'y'::varchar] as b from aws_iam_user order by name;

-- name: r21_array_agg_varchar_filter
select array_agg(distinct name::varchar) filter (where mfa_enabled) as a from aws_iam_user;

-- name: r21_interval_sum
select sum(interval '1 day') as a, avg(interval '1 hour') as b from aws_iam_user;

-- name: r21_interval_between_events
select username, max(event_time) - min(event_time) as span from aws_cloudtrail_trail_event group by username order by username;

-- name: r21_interval_text
select (interval '1 day 2 hours')::text as a, interval '3 days' || '' as b;

-- name: r21_date_series
select d::date as d from generate_series(date '2024-02-27', date '2024-03-02', interval '1 day') d order by d;

-- name: r21_timestamptz_minus_interval
select timestamptz '2024-03-31 00:00:00+00' - interval '1 month' as a, timestamptz '2024-01-31 00:00:00+00' + interval '1 month' as b;

-- name: r21_date_part_timestamptz
select date_part('year', timestamptz '2024-06-01 00:00:00+00') as y, date_part('epoch', timestamptz '2024-06-01 00:00:00+00') as e;

-- name: r21_greatest_least_dates
select greatest(date '2024-01-01', date '2023-12-31') as a, least(timestamptz '2024-01-01 00:00:00+00', timestamptz '2023-01-01 00:00:00+00') as b;

-- name: r21_numeric_cast_round
select 2.5::int as a, (-2.5)::int as b, 3.49::int as c, '7.777'::numeric(5, 2) as d;

-- name: r21_numeric_power
select power(2, 10) as a, 2 ^ 0.5 as b, sqrt(16) as c, exp(0) as d;

-- name: r21_count_distinct_jsonb_tags
select account_id, count(distinct tags) as t from aws_iam_user group by account_id order by account_id;

-- name: r21_rank_partition
select account_id, name, rank() over (partition by account_id order by create_date) as r from aws_iam_user order by account_id, name;

-- name: r21_string_functions_mix
select repeat('ab', 3) as a, lpad('7', 3, '0') as b, rpad('x', 4, 'yz') as c, reverse('abc') as d;

-- name: r21_exists_correlated_count
select p.name, exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Deny') as has_deny
from aws_iam_policy p order by p.name;

-- name: r21_to_char_interval_like
select name, to_char(create_date, 'YYYY"Q"Q') as q from aws_iam_user order by name;

-- name: r21_make_date_later
select make_date(2024, 12, 31) as a, make_date(1, 1, 1) as b;

-- name: r21_lag_text_default_unknown
select name, lag(name, 1, 'first') over (order by name) as p, lead(attachment_count, 1, 0) over (order by name) as n
from aws_iam_policy order by name;

-- name: r21_bool_and_of_predicates
select bool_and(attachment_count > 0) as a, bool_or(name like '%admin%') as b, every(is_attached or is_aws_managed) as c from aws_iam_policy;

-- name: r21_path_exists_vars
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == $e)', '{"e": "Deny"}') as d from aws_iam_policy order by name;

-- name: r21_path_query_vars_built
select name, jsonb_path_query(policy_std, '$.Statement[*] ? (@.Effect == $e).Effect', jsonb_build_object('e', 'Allow')) as a
from aws_iam_policy order by name, a;

-- name: r21_path_query_vars_from
select p.name, a from aws_iam_policy p,
  jsonb_path_query(p.policy_std, '$.Statement[*].Action[*] ? (@ starts with $prefix)', '{"prefix": "iam:"}') a order by p.name, a;

-- name: r21_path_vars_per_row
select u.name, jsonb_path_query_array(u.tags, '$.* ? (@ == $v)', jsonb_build_object('v', u.name)) as same,
  jsonb_path_query_first('{"a": [1, 2, 3]}', '$.a[*] ? (@ > $n)', jsonb_build_object('n', 1)) as first
from aws_iam_user u order by u.name;

-- name: r21_path_match_vars
select jsonb_path_match('{"a": 5}', '$.a > $min', '{"min": 3}') as a, jsonb_path_match('{"a": 5}', '$x.b == 1', '{"x": {"b": 1}}') as b,
  jsonb_path_exists('[1, 2]', '$[*] ? (@ == $x[1])', '{"x": [9, 2]}') as c;

-- name: r21_path_vars_null
select jsonb_path_exists('{"a": 1}', '$.a', null) as a, jsonb_path_query_array('{"a": 1}', '$.a ? (@ == $v)', '{"v": null}') as b;

-- name: r21_path_starts_with_var_not_string
select jsonb_path_query_array('["ab", "b", 1]', '$[*] ? (@ starts with $p)', '{"p": "a"}') as a,
  jsonb_path_exists('["ab"]', '$[*] ? (@ starts with $p)', '{"p": 1}') as b,
  jsonb_path_exists('["ab"]', '$[*] ? ((@ starts with $p) is unknown)', '{"p": 1}') as c;

-- name: r21_path_operators_variables_null
select '{"a": 1}'::jsonb @@ '$.a == $x' as a, '{"a": 1}'::jsonb @? '$.a ? (@ == $x)' as b, '{"a": null}'::jsonb @? '$.a ? (@ == $x)' as c,
  '{"a": 1}'::jsonb @? '$x' as d;

-- name: r21_path_operators_variables_rows
select name, tags @? '$.* ? (@ == $v)' as has_null_var, tags @@ '$x == null' as x_null from aws_iam_user order by name;

-- name: r23_win_rows_frame_sum
select name, attachment_count, sum(attachment_count) over (order by name rows between 1 preceding and 1 following) as s
from aws_iam_policy order by name;

-- name: r23_win_rows_unbounded_following
select name, count(*) over (order by name rows between current row and unbounded following) as rest
from aws_iam_user order by name;

-- name: r23_win_range_offset_int
select name, attachment_count, count(*) over (order by attachment_count range between 1 preceding and current row) as c
from aws_iam_policy order by name;

-- name: r23_win_range_interval
select event_name, event_time, count(*) over (order by event_time range between interval '1 hour' preceding and current row) as c
from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: r23_win_first_last_value_frame
select name, first_value(name) over w as f, last_value(name) over w as l
from aws_iam_user window w as (order by create_date rows between 1 preceding and 1 following) order by create_date;

-- name: r23_win_nth_value
select event_name, nth_value(event_name, 2) over (partition by event_source order by event_time rows between unbounded preceding and unbounded following) as second
from aws_cloudtrail_trail_event order by event_source, event_time;

-- name: r23_win_avg_numeric_frame
select name, round(avg(attachment_count) over (order by name rows 2 preceding), 2) as a
from aws_iam_policy order by name;

-- name: r23_win_filter_in_window
select event_name, count(*) filter (where read_only) over (order by event_time) as reads_so_far
from aws_cloudtrail_trail_event order by event_time;

-- name: r23_win_ntile_percent_rank
select name, ntile(3) over (order by create_date) as t, round(percent_rank() over (order by create_date)::numeric, 3) as pr,
  round(cume_dist() over (order by create_date)::numeric, 3) as cd
from aws_iam_user order by create_date;

-- name: r23_win_rank_dense_rank_ties
select name, attachment_count, rank() over (order by attachment_count desc) as r, dense_rank() over (order by attachment_count desc) as dr
from aws_iam_policy order by attachment_count desc, name;

-- name: r23_win_lag_by_partition
select username, event_name, lag(event_time) over (partition by username order by event_time) as prev
from aws_cloudtrail_trail_event where username is not null order by username, event_time;

-- name: r23_win_time_between_events
select username, event_time - lag(event_time) over (partition by username order by event_time) as gap
from aws_cloudtrail_trail_event where username is not null order by username, event_time;

-- name: r23_filter_multiple
select count(*) filter (where error_code is not null) as errors, count(*) filter (where read_only) as reads,
  count(distinct username) filter (where user_type = 'IAMUser') as iam_users
from aws_cloudtrail_trail_event;

-- name: r23_filter_group_by
select event_source, count(*) filter (where not read_only) as writes, array_agg(event_name order by event_name) filter (where error_code is null) as ok
from aws_cloudtrail_trail_event group by event_source order by event_source;

-- name: r23_filter_string_agg
select account_id, string_agg(name, ', ' order by name) filter (where mfa_enabled) as with_mfa
from aws_iam_user group by account_id order by account_id;

-- name: r23_filter_sum_empty
select sum(attachment_count) filter (where attachment_count > 100) as s, avg(attachment_count) filter (where false) as a from aws_iam_policy;

-- name: r23_rollup_grouping
select event_source, read_only, count(*) as n, grouping(event_source, read_only) as g
from aws_cloudtrail_trail_event group by rollup (event_source, read_only) order by event_source nulls last, read_only nulls last;

-- name: r23_cube_grouping
select user_type, error_code is not null as failed, count(*) as n, grouping(user_type) as gu, grouping(error_code is not null) as gf
from aws_cloudtrail_trail_event group by cube (user_type, error_code is not null) order by 1 nulls first, 2 nulls first;

-- name: r23_grouping_sets
select account_id, path, count(*) as n from aws_iam_user group by grouping sets ((account_id), (path), ()) order by account_id nulls last, path nulls last;

-- name: r23_grouping_sets_label
select case when grouping(event_source) = 1 then 'all' else event_source end as source, count(*) as n
from aws_cloudtrail_trail_event group by grouping sets ((event_source), ()) order by n, source;

-- name: r23_rollup_mixed
select account_id, is_aws_managed, sum(attachment_count) as s from aws_iam_policy group by account_id, rollup (is_aws_managed)
order by account_id, is_aws_managed nulls first;

-- name: r23_distinct_on_latest_event
select distinct on (username) username, event_name, event_time from aws_cloudtrail_trail_event
where username is not null order by username, event_time desc;

-- name: r23_distinct_on_expr
select distinct on (split_part(event_source, '.', 1)) split_part(event_source, '.', 1) as svc, event_name
from aws_cloudtrail_trail_event order by split_part(event_source, '.', 1), event_time;

-- name: r23_distinct_on_nulls
select distinct on (error_code) error_code, event_name from aws_cloudtrail_trail_event order by error_code nulls first, event_name;

-- name: r23_lateral_elements_ordinality
select p.name, s.ord, s.st ->> 'Effect' as effect from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s(st, ord) order by p.name, s.ord;

-- name: r23_lateral_elements_text_ordinality
select p.name, a.action, a.i from aws_iam_policy p
  cross join lateral jsonb_array_elements(p.policy_std -> 'Statement') st
  cross join lateral jsonb_array_elements_text(st -> 'Action') with ordinality a(action, i)
order by p.name, a.i, a.action;

-- name: r23_lateral_each_tags
select u.name, t.key, t.value from aws_iam_user u, jsonb_each(u.tags) t order by u.name, t.key;

-- name: r23_lateral_each_text_filter
select u.name, t.key from aws_iam_user u cross join lateral jsonb_each_text(u.tags) as t(key, value) where t.value = '' or t.value ~ '^\d+$' order by 1, 2;

-- name: r23_lateral_to_recordset_groups
select u.name, g."GroupName" as group_name from aws_iam_user u,
  jsonb_to_recordset(u.groups) as g("GroupName" text, "Arn" text) order by u.name, group_name;

-- name: r23_lateral_to_recordset_tags
select r.name, x.k, x.v from aws_iam_role r, jsonb_to_recordset(r.tags_src) as t("Key" text, "Value" text), lateral (select t."Key" as k, t."Value" as v) x
order by r.name, x.k;

-- name: r23_lateral_subquery_count
select u.name, x.n from aws_iam_user u, lateral (select count(*) as n from aws_cloudtrail_trail_event e where e.username = u.name) x order by u.name;

-- name: r23_lateral_left_join_true
select u.name, e.event_name from aws_iam_user u left join lateral (
  select event_name from aws_cloudtrail_trail_event e where e.username = u.name order by event_time desc limit 1) e on true
order by u.name;

-- name: r23_jsonb_contains_array
select name from aws_iam_policy where policy_std -> 'Statement' @> '[{"Effect": "Deny"}]' order by name;

-- name: r23_jsonb_contained_by
select name, tags <@ '{"team": "platform", "nhi": "true", "rotation": "t"}'::jsonb as sub from aws_iam_user order by name;

-- name: r23_jsonb_key_exists_any_all
select name, tags ?| array['owner', 'nhi'] as any_k, tags ?& array['team', 'nhi'] as all_k, tags ? 'empty' as e from aws_iam_user order by name;

-- name: r23_jsonb_path_ops
select name, policy_std #> '{Statement,0,Effect}' as e, policy_std #>> '{Statement,0,Action,0}' as a from aws_iam_policy order by name;

-- name: r23_jsonb_minus_key
select name, tags - 'team' as rest from aws_iam_user where tags ? 'team' order by name;

-- name: r23_jsonb_minus_keys_array
select name, tags - array['team', 'owner'] as rest from aws_iam_user order by name;

-- name: r23_jsonb_minus_index
select name, (policy_std -> 'Statement') - 0 as rest from aws_iam_policy order by name;

-- name: r23_jsonb_delete_path
select name, policy_std #- '{Statement,0,Condition}' as d from aws_iam_policy where name = 'backup-kms';

-- name: r23_jsonb_concat
select name, tags || '{"scanned": true}'::jsonb as t from aws_iam_user order by name;

-- name: r23_jsonb_concat_arrays
select name, (policy_std -> 'Statement' -> 0 -> 'Action') || '["extra"]'::jsonb as a from aws_iam_policy order by name;

-- name: r23_jsonb_concat_scalar
select '[1, 2]'::jsonb || '3'::jsonb as a, '{"a": 1}'::jsonb || '[2]'::jsonb as b, '"x"'::jsonb || '"y"'::jsonb as c;

-- name: r23_path_query_filter_like_regex
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^iam:.*role$" flag "i")') as a from aws_iam_policy order by name;

-- name: r23_path_exists_effect_deny
select name from aws_iam_policy where jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') order by name;

-- name: r23_path_query_vars_array
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Action[*] ? (@ == $a || @ == $b)', '{"a": "*", "b": "iam:passrole"}') as x from aws_iam_policy order by name;

-- name: r23_path_query_size
select name, jsonb_path_query_first(policy_std, '$.Statement.size()') as n from aws_iam_policy order by name;

-- name: r23_path_exists_strict_lax
select jsonb_path_exists('{"a": [1, 2]}', 'lax $.a.b') as l, jsonb_path_exists('{"a": {"b": 1}}', 'lax $.a.b') as s, jsonb_path_exists('{"a": [{"b": 1}]}', '$.a.b') as u;

-- name: r23_regexp_matches_global
select name, m from aws_iam_policy, regexp_matches(arn, '[0-9]{4}', 'g') as m order by name, m;

-- name: r23_regexp_matches_flags_i
select event_name, regexp_matches(user_agent, '(AWS|aws)-(cli|sdk)', 'i') as m from aws_cloudtrail_trail_event order by event_time;

-- name: r23_regexp_matches_groups
select arn, (regexp_matches(arn, 'arn:aws:iam::(\d+):(\w+)/(.*)'))[3] as res from aws_iam_role order by arn;

-- name: r23_regexp_split_to_table
select name, part from aws_iam_role, regexp_split_to_table(path, '/') as part where part <> '' order by name, part;

-- name: r23_regexp_split_to_table_ordinality
select event_name, p, i from aws_cloudtrail_trail_event, regexp_split_to_table(event_source, '\.') with ordinality as x(p, i) order by event_time, i;

-- name: r23_regexp_split_to_array
select name, regexp_split_to_array(name, '[-.]') as parts, array_length(regexp_split_to_array(name, '[-.]'), 1) as n from aws_iam_user order by name;

-- name: r23_string_to_array_join
select arn, array_to_string(string_to_array(arn, ':'), '|') as piped from aws_iam_group order by arn;

-- name: r23_string_to_array_null_str
select string_to_array('a,,b', ',', '') as a, array_to_string(array['x', null, 'z'], '-', '*') as b, array_to_string(array['x', null, 'z'], '-') as c;

-- name: r23_unnest_ordinality
select u.name, x.part, x.i from aws_iam_user u, unnest(string_to_array(u.path, '/')) with ordinality as x(part, i) order by u.name, x.i;

-- name: r23_unnest_two_arrays
select * from unnest(array[1, 2, 3], array['a', 'b']) as t(n, s) order by n;

-- name: r23_array_slice
select name, (string_to_array(arn, ':'))[5:6] as s, (string_to_array(arn, ':'))[:2] as head, (string_to_array(arn, ':'))[6:] as tail from aws_iam_user order by name;

-- name: r23_array_slice_out_of_range
select (array[1, 2, 3])[0:2] as a, (array[1, 2, 3])[3:10] as b, (array[1, 2, 3])[2:1] as c;

-- name: r23_any_array_text
select name from aws_iam_user where name = any(array['alice', 'bob', 'nobody']) order by name;

-- name: r23_all_array
select name from aws_iam_policy where attachment_count > all(array[0, 1]) order by name;

-- name: r23_any_with_null
select 1 = any(array[2, null]) as a, 2 = any(array[2, null]) as b, 1 <> all(array[2, null]) as c, 1 = all(array[]::int[]) as d;

-- name: r23_any_string_to_array
select event_name from aws_cloudtrail_trail_event where event_name = any(string_to_array('ConsoleLogin,DeleteTrail', ',')) order by event_time;

-- name: r23_like_any_array
select name from aws_iam_role where name ilike any(array['%OIDC%', 'aws%']) order by name;

-- name: r23_interval_arithmetic
select name, create_date + interval '90 days' as due, create_date - interval '1 month 2 hours' as before from aws_iam_user order by name;

-- name: r23_interval_multiply
select interval '1 day' * 3 as a, interval '90 minutes' / 2 as b, 2 * interval '1 hour 30 minutes' as c;

-- name: r23_age_two_args
select name, age(password_last_used, create_date) as a from aws_iam_user where password_last_used is not null order by name;

-- name: r23_age_extract_years
select name, extract(year from age(timestamp '2026-01-01', create_date::timestamp)) as years from aws_iam_user order by name;

-- name: r23_justify
select justify_days(interval '65 days') as a, justify_hours(interval '50 hours') as b, justify_interval(interval '1 mon -1 day') as c;

-- name: r23_date_trunc_tz
select event_name, date_trunc('day', event_time, 'America/New_York') as d from aws_cloudtrail_trail_event order by event_time;

-- name: r23_date_trunc_week_quarter
select name, date_trunc('week', create_date) as w, date_trunc('quarter', create_date) as q from aws_iam_user order by name;

-- name: r23_extract_at_time_zone
select event_name, extract(hour from event_time at time zone 'Asia/Tokyo') as h, extract(dow from event_time at time zone 'UTC') as dow
from aws_cloudtrail_trail_event order by event_time;

-- name: r23_extract_epoch
select name, extract(epoch from create_date) as e, extract(epoch from interval '1 day 2 hours') as ie from aws_iam_user order by name;

-- name: r23_extract_isodow_doy_week
select name, extract(isodow from create_date) as d, extract(doy from create_date) as doy, extract(week from create_date) as w,
  extract(isoyear from create_date) as iy from aws_iam_user order by name;

-- name: r23_at_time_zone_text
select event_name, (event_time at time zone 'Europe/Paris')::text as local from aws_cloudtrail_trail_event order by event_time;

-- name: r23_to_char_formats
select name, to_char(create_date, 'YYYY-MM-DD"T"HH24:MI:SS') as a, to_char(create_date, 'Dy, DD Mon YYYY') as b,
  to_char(create_date, 'HH12:MI AM') as c from aws_iam_user order by name;

-- name: r23_to_char_fm
select name, to_char(create_date, 'FMMonth FMDD, YYYY') as a, to_char(create_date, 'Q') as q, to_char(create_date, 'IW') as iw from aws_iam_user order by name;

-- name: r23_to_char_numbers
select name, to_char(max_session_duration, 'FM999,999') as a, to_char(max_session_duration / 3600.0, '990.00') as h from aws_iam_role order by name;

-- name: r23_generate_series_timestamps
select d from generate_series(timestamptz '2025-06-10', timestamptz '2025-06-14', interval '1 day') as d order by d;

-- name: r23_generate_series_events_per_day
select d::date as day, count(e.event_id) as n from generate_series(timestamptz '2025-06-11', timestamptz '2025-06-14', interval '1 day') d
  left join aws_cloudtrail_trail_event e on date_trunc('day', e.event_time) = d group by d order by d;

-- name: r23_generate_series_hours_desc
select h from generate_series(timestamp '2025-06-14 10:00', timestamp '2025-06-14 07:00', interval '-1 hour') h;

-- name: r23_nulls_first_last
select name, password_last_used from aws_iam_user order by password_last_used desc nulls last, name;

-- name: r23_nulls_first_asc
select name, role_last_used_date from aws_iam_role order by role_last_used_date nulls first, name;

-- name: r23_collation_mixed_case
select name from aws_iam_role order by name;

-- name: r23_collation_mixed_case_desc
select event_name from aws_cloudtrail_trail_event order by lower(event_name) desc, event_name;

-- name: r23_collation_unicode
select name from aws_iam_user union all select name from aws_iam_group order by 1;

-- name: r23_collation_min_max
select min(name) as lo, max(name) as hi, min(event_name) as e from aws_iam_role, aws_cloudtrail_trail_event;

-- name: r23_integer_division
select name, max_session_duration / 3600 as hours, max_session_duration % 3600 as rem, (-7) / 2 as neg, -7 % 3 as negmod from aws_iam_role order by name;

-- name: r23_numeric_rounding
select round(2.5) as a, round(-2.5) as b, round(0.125, 2) as c, round(1234.5678, -2) as d, trunc(-1.99) as e, round(2.5::float) as f;

-- name: r23_numeric_division_scale
select 1 / 3.0 as a, 10::numeric / 4 as b, 7.0 / 2 as c, 2::numeric / 3 as d;

-- name: r23_avg_integer_scale
select avg(max_session_duration) as a, sum(max_session_duration)::numeric / count(*) as b from aws_iam_role;

-- name: r23_inet_cast_contains
select event_name, source_ip_address::inet << '10.0.0.0/8'::cidr as private from aws_cloudtrail_trail_event
where source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$' order by event_time;

-- name: r23_inet_host_masklen
select host('10.1.2.3/24'::inet) as h, masklen('10.1.2.3/24'::inet) as m, network('10.1.2.3/24'::inet) as n, '192.168.0.0/16'::cidr as c;

-- name: r23_inet_family_text
select family('::1'::inet) as f6, family('1.2.3.4'::inet) as f4, text('10.0.0.1'::inet) as t, text('10.1.0.0/16'::cidr) as c;

-- name: r23_recursive_path_parts
with recursive parts(name, rest, part, depth) as (
  select name, substr(path, 2), null::text, 0 from aws_iam_role
  union all
  select name, substr(rest, strpos(rest, '/') + 1), split_part(rest, '/', 1), depth + 1 from parts where rest <> ''
)
select name, part, depth from parts where part is not null order by name, depth;

-- name: r23_recursive_ou_tree
with recursive tree as (
  select id, name, parent_id, 1 as level from aws_organizations_organizational_unit where parent_id like 'r-%'
  union all
  select o.id, o.name, o.parent_id, t.level + 1 from aws_organizations_organizational_unit o join tree t on o.parent_id = t.id
)
select name, level from tree order by level, name;

-- name: r23_recursive_series
with recursive n(i) as (select 1 union all select i * 2 from n where i < 100) select i from n order by i;

-- name: r23_exists_correlated
select u.name from aws_iam_user u where exists (select 1 from aws_iam_access_key k where k.user_name = u.name and k.status = 'Active') order by u.name;

-- name: r23_not_in_with_null
select name from aws_iam_user where name not in (select username from aws_cloudtrail_trail_event) order by name;

-- name: r23_not_in_without_null
select name from aws_iam_user where name not in (select username from aws_cloudtrail_trail_event where username is not null) order by name;

-- name: r23_in_null_list
select name, name in ('alice', null) as a, name not in ('alice', null) as b from aws_iam_user order by name;

-- name: r23_not_exists
select r.name from aws_iam_role r where not exists (select 1 from aws_cloudtrail_trail_event e where e.username = r.name) order by r.name;

-- name: r23_case_mixed_types
select name, case when attachment_count = 0 then 0 when attachment_count = 1 then 1.5 else attachment_count end as v from aws_iam_policy order by name;

-- name: r23_case_null_branches
select name, case when mfa_enabled then null else 'no mfa' end as a, case when false then 1 end as b from aws_iam_user order by name;

-- name: r23_case_bigint_numeric
select name, case when max_session_duration > 3600 then max_session_duration / 3600.0 else max_session_duration end as v from aws_iam_role order by name;

-- name: r23_win_groups_frame
select name, attachment_count, sum(attachment_count) over (order by attachment_count groups between 1 preceding and current row) as s
from aws_iam_policy order by attachment_count, name;

-- name: r23_win_exclude_current_row
select name, attachment_count, sum(attachment_count) over (order by name rows between unbounded preceding and unbounded following exclude current row) as others
from aws_iam_policy order by name;

-- name: r23_win_exclude_ties
select name, attachment_count, count(*) over (order by attachment_count range between unbounded preceding and current row exclude ties) as c
from aws_iam_policy order by attachment_count, name;

-- name: r23_win_exclude_group
select name, attachment_count, count(*) over (order by attachment_count groups between current row and 1 following exclude group) as c
from aws_iam_policy order by attachment_count, name;

-- name: r23_win_exclude_first_last_value
select name, attachment_count, first_value(name) over w as f, last_value(name) over w as l, nth_value(name, 2) over w as n2
from aws_iam_policy window w as (order by attachment_count, name rows between unbounded preceding and unbounded following exclude current row)
order by attachment_count, name;

-- name: r23_win_exclude_group_first_value_ties
select name, attachment_count, first_value(name) over w as f, last_value(name) over w as l
from aws_iam_policy window w as (order by attachment_count range between unbounded preceding and unbounded following exclude group)
order by attachment_count, name;

-- name: r23_win_exclude_no_order
select name, count(*) over (rows between unbounded preceding and unbounded following exclude current row) as a, count(*) over (rows between unbounded preceding and unbounded following exclude group) as b
from aws_iam_user order by name;

-- name: r23_win_exclude_string_agg
select name, string_agg(name, ',') over (order by name rows between 1 preceding and 1 following exclude current row) as neighbours
from aws_iam_user order by name;

-- name: r23_win_exclude_array_agg
select name, array_agg(attachment_count) over (order by attachment_count groups between 1 preceding and 1 following exclude ties) as a
from aws_iam_policy order by attachment_count, name;

-- name: r23_win_groups_following_offset
select event_name, read_only, count(*) over (order by read_only groups between current row and 1 following) as c
from aws_cloudtrail_trail_event order by read_only, event_name;

-- name: r23_win_groups_avg
select name, max_session_duration, avg(max_session_duration) over (order by max_session_duration groups 1 preceding) as a
from aws_iam_role order by max_session_duration, name;

-- name: r23_win_groups_desc_nulls
select name, role_last_used_date, count(*) over (order by role_last_used_date desc nulls last groups between unbounded preceding and 1 preceding) as before
from aws_iam_role order by role_last_used_date desc nulls last, name;

-- name: r23_win_exclude_min_max_bool
select name, min(attachment_count) over w as lo, max(attachment_count) over w as hi, bool_or(is_attached) over w as any_attached
from aws_iam_policy window w as (order by name rows between 2 preceding and 2 following exclude current row) order by name;

-- name: r23_win_exclude_filter
select name, count(*) filter (where mfa_enabled) over (order by name rows between unbounded preceding and unbounded following exclude current row) as others_mfa
from aws_iam_user order by name;

-- name: r23_win_exclude_no_others
select name, sum(attachment_count) over (order by name rows between unbounded preceding and current row exclude no others) as s from aws_iam_policy order by name;

-- name: r23_win_groups_row_number_ignored
select name, row_number() over (order by attachment_count groups between 1 preceding and current row) as rn, rank() over (order by attachment_count rows 1 preceding exclude current row) as r
from aws_iam_policy order by attachment_count, name;

-- name: r23_win_exclude_lag_lead
select name, lag(name) over w as p, lead(name) over w as n from aws_iam_user window w as (order by name rows between 1 preceding and 1 following exclude current row) order by name;

-- name: r23_win_range_exclude_interval
select event_name, count(*) over (order by event_time range between interval '2 hours' preceding and interval '2 hours' following exclude current row) as near
from aws_cloudtrail_trail_event order by event_time;

-- name: r23_win_range_text_interval_literal
select event_name, count(*) over (order by event_time range between '1 day' preceding and current row) as c
from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: r23_win_range_following_interval_desc
select event_name, count(*) over (order by event_time desc range between current row and interval '30 minutes' following) as c
from aws_cloudtrail_trail_event order by event_time desc, event_name;

-- name: r23_win_range_numeric_offset
select name, max_session_duration, count(*) over (order by max_session_duration range between 3600 preceding and 3600 following) as c
from aws_iam_role order by max_session_duration, name;

-- name: r23_win_named_window_frame_override
select name, sum(attachment_count) over (w rows between unbounded preceding and current row) as running
from aws_iam_policy window w as (order by name) order by name;

-- name: r23_win_count_partitions_grouping_sets
select event_source, read_only, count(*) as n, sum(count(*)) over (partition by grouping(event_source, read_only)) as level_total
from aws_cloudtrail_trail_event group by grouping sets ((event_source), (read_only)) order by event_source nulls last, read_only nulls last;

-- name: r23_win_percent_of_total
select event_source, count(*) as n, round(100.0 * count(*) / sum(count(*)) over (), 1) as pct
from aws_cloudtrail_trail_event group by event_source order by event_source;

-- name: r23_win_row_number_top_per_group
select * from (select username, event_name, event_time, row_number() over (partition by username order by event_time desc) as rn
  from aws_cloudtrail_trail_event where username is not null) x where rn <= 1 order by username;

-- name: r23_rollup_two_levels_string_agg
select account_id, path, string_agg(name, ',' order by name) as names, grouping(account_id, path) as g
from aws_iam_user group by rollup (account_id, path) order by account_id nulls last, path nulls last;

-- name: r23_cube_three
select read_only, error_code is null as ok, user_type = 'IAMUser' as iam, count(*) as n
from aws_cloudtrail_trail_event group by cube (1, 2, 3) order by 1 nulls first, 2 nulls first, 3 nulls first;

-- name: r23_grouping_sets_having
select event_source, count(*) as n from aws_cloudtrail_trail_event group by grouping sets ((event_source), ()) having count(*) > 1 order by n, event_source nulls last;

-- name: r23_grouping_sets_duplicates
select read_only, count(*) as n from aws_cloudtrail_trail_event group by grouping sets ((read_only), (read_only), ()) order by read_only nulls last, n;

-- name: r23_rollup_date_trunc
select date_trunc('month', event_time) as m, event_source, count(*) as n from aws_cloudtrail_trail_event
group by rollup (date_trunc('month', event_time), event_source) order by m nulls last, event_source nulls last;

-- name: r23_distinct_on_with_window
select distinct on (user_type) user_type, event_name, count(*) over (partition by user_type) as n
from aws_cloudtrail_trail_event order by user_type, event_time desc;

-- name: r23_distinct_on_jsonb_value
select distinct on (tags -> 'team') tags -> 'team' as team, name from aws_iam_user order by tags -> 'team', name;

-- name: r23_distinct_on_multiple
select distinct on (account_id, is_aws_managed) account_id, is_aws_managed, name from aws_iam_policy order by account_id, is_aws_managed, create_date desc;

-- name: r23_lateral_each_condition_values
select p.name, c.key as operator, k.key as cond_key, v as val from aws_iam_policy p,
  jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_each(s -> 'Condition') c, jsonb_each(c.value) k, jsonb_array_elements_text(k.value) v
order by 1, 2, 3, 4;

-- name: r23_lateral_principal_services
select r.name, svc from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'Service') svc order by r.name, svc;

-- name: r23_lateral_principal_aws_star
select r.name, s ->> 'Effect' as effect from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s
where s -> 'Principal' -> 'AWS' ? '*' order by r.name;

-- name: r23_lateral_object_keys_count
select r.name, count(k) as n from aws_iam_role r left join lateral jsonb_object_keys(r.tags) k on true group by r.name order by r.name;

-- name: r23_lateral_to_recordset_mfa
select u.name, m.* from aws_iam_user u, jsonb_to_recordset(u.mfa_devices) as m("SerialNumber" text, "EnableDate" timestamptz) order by u.name, 2;

-- name: r23_lateral_to_record_login_profile
select u.name, lp.* from aws_iam_user u, jsonb_to_record(u.login_profile) as lp("CreateDate" timestamptz, "PasswordResetRequired" boolean) order by u.name;

-- name: r23_lateral_selectors
select t.name, sel ->> 'ReadWriteType' as rw, (sel ->> 'IncludeManagementEvents')::boolean as mgmt from aws_cloudtrail_trail t,
  jsonb_array_elements(t.event_selectors) sel order by t.name;

-- name: r23_lateral_advanced_selectors_fields
select t.name, f ->> 'Field' as field, e as eq from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) sel,
  jsonb_array_elements(sel -> 'FieldSelectors') f, jsonb_array_elements_text(f -> 'Equals') e order by 1, 2, 3;

-- name: r23_jsonb_contains_nested_principal
select name from aws_iam_role where assume_role_policy_std @> '{"Statement": [{"Principal": {"Federated": ["token.actions.githubusercontent.com"]}}]}' order by name;

-- name: r23_jsonb_contains_scalar_array
select '["a", "b"]'::jsonb @> '"a"'::jsonb as a, '"a"'::jsonb @> '["a"]'::jsonb as b, '[1, [2, 3]]'::jsonb @> '[[3]]'::jsonb as c, '{"a": {"b": 1}}'::jsonb @> '{"b": 1}' as d;

-- name: r23_jsonb_exists_array_elements
select '["a", "b"]'::jsonb ? 'a' as a, '[1, "1"]'::jsonb ? '1' as b, '"a"'::jsonb ? 'a' as c, '{"a": null}'::jsonb ? 'a' as d;

-- name: r23_jsonb_path_extract_array_path
select name, policy_std #> array['Statement', '0', 'Action'] as a, policy_std #>> array['Version'] as v from aws_iam_policy order by name;

-- name: r23_jsonb_path_extract_negative_index
select '[1, 2, 3]'::jsonb #> '{-1}' as a, '{"a": [1, 2]}'::jsonb #>> '{a,-2}' as b, '{"a": 1}'::jsonb #> '{}' as c, '{"a": 1}'::jsonb #> '{a,b}' as d;

-- name: r23_jsonb_delete_path_array
select '{"a": [1, 2, 3]}'::jsonb #- '{a,1}' as a, '{"a": [1, 2, 3]}'::jsonb #- '{a,-1}' as b, '[1, 2]'::jsonb #- '{5}' as c, '{"a": {"b": 1}}'::jsonb #- '{a,b}' as d;

-- name: r23_jsonb_minus_on_array_strings
select '["a", "b", "a"]'::jsonb - 'a' as a, '[1, 2, 3]'::jsonb - -1 as b, '[1, 2, 3]'::jsonb - 10 as c, '{"a": 1, "b": 2}'::jsonb - '{a,c}'::text[] as d;

-- name: r23_jsonb_concat_nested_replace
select '{"a": {"x": 1}}'::jsonb || '{"a": {"y": 2}}'::jsonb as a, '[]'::jsonb || '{}'::jsonb as b, '{"a": 1}'::jsonb || '{"a": null}'::jsonb as c;

-- name: r23_jsonb_concat_tag_rows
select name, coalesce(tags, '{}') || jsonb_build_object('name', name, 'mfa', mfa_enabled) as doc from aws_iam_user order by name;

-- name: r23_jsonb_ops_typed_where
select name from aws_iam_user where (tags - 'team') ?| array['nhi', 'owner'] order by name;

-- name: r23_path_query_nested_filter
select name, jsonb_path_query_array(policy_std, '$.Statement[*] ? (@.Effect == "Allow" && exists(@.Condition)).Sid') as sids from aws_iam_policy order by name;

-- name: r23_path_query_last_index
select name, jsonb_path_query_first(policy_std, '$.Statement[last].Effect') as e, jsonb_path_query_first(policy_std, '$.Statement[last - 1].Effect') as e2 from aws_iam_policy order by name;

-- name: r23_path_exists_starts_with
select name, jsonb_path_exists(policy_std, '$.Statement[*].Resource[*] ? (@ starts with "arn:aws:s3")') as s3 from aws_iam_policy order by name;

-- name: r23_path_match_comparison
select name, jsonb_path_match(tags, '$.team == "platform"') as p, tags @@ '$."cost.center" == "42"' as cc from aws_iam_user where tags is not null order by name;

-- name: r23_path_exists_operator_lax_array
select name, tags @? '$.* ? (@ like_regex "^plat")' as a, assume_role_policy_std @? '$.Statement.Principal.Service' as svc from aws_iam_role order by name;

-- name: r23_path_query_type_size
select jsonb_path_query_array('[1, "a", null, true, [1], {"a": 1}]', '$[*].type()') as t, jsonb_path_query_first('{"a": [1, 2, 3]}', '$.a.size()') as n;

-- name: r23_path_vars_number_compare
select name, jsonb_path_exists(jsonb_build_object('n', attachment_count), '$.n ? (@ >= $min)', jsonb_build_object('min', 1)) as used from aws_iam_policy order by name;

-- name: r23_regexp_matches_all_rows_g
select event_name, array_length(m, 1) as groups, m from aws_cloudtrail_trail_event, regexp_matches(user_agent, '(\w+)/(\d+)', 'g') m order by event_time, m;

-- name: r23_regexp_matches_no_match_rows
select name, regexp_matches(name, '^(\w+)-(\w+)$') as m from aws_iam_user order by name;

-- name: r23_regexp_matches_ix_flags
select regexp_matches('ConsoleLogin', 'console(log)in', 'i') as a, regexp_matches('a1b2c3', '\d', 'g') as b;

-- name: r23_regexp_match_first
select name, regexp_match(arn, 'user/(.+)$') as m, (regexp_match(arn, 'iam::(\d+)'))[1] as acct from aws_iam_user order by name;

-- name: r23_regexp_replace_flags_g_i
select name, regexp_replace(name, '[AEIOU]', '_', 'gi') as v, regexp_replace(name, '([a-z])([a-z]*)', '\2\1') as w from aws_iam_user order by name;

-- name: r23_regexp_split_to_table_empty
select x, length(x) as n from regexp_split_to_table('a,,b,', ',') as x;

-- name: r23_regexp_split_empty_pattern
select x from regexp_split_to_table('abc', '') x;

-- name: r23_regexp_count_like
select name, regexp_count(arn, ':') as colons, regexp_like(name, '^[a-z]+$') as plain from aws_iam_user order by name;

-- name: r23_string_to_array_null_sep
select string_to_array('abc', null) as a, string_to_array('a b  c', ' ') as b, string_to_array('', ',') as c, string_to_array(null, ',') as d;

-- name: r23_array_to_string_from_agg
select user_type, array_to_string(array_agg(distinct event_source order by event_source), '; ') as sources from aws_cloudtrail_trail_event group by user_type order by user_type;

-- name: r23_unnest_ordinality_jsonb_keys
select name, k, i from aws_iam_user, unnest(array(select jsonb_object_keys(tags) order by 1)) with ordinality as x(k, i) order by name, i;

-- name: r23_unnest_array_agg_roundtrip
select x from unnest((select array_agg(name order by name desc) from aws_iam_group)) as x;

-- name: r23_array_slice_from_agg
select (array_agg(event_name order by event_time))[1:3] as first3, (array_agg(event_name order by event_time desc))[1] as last from aws_cloudtrail_trail_event;

-- name: r23_array_functions
select array_length(array[1, 2, 3], 1) as l, cardinality(array['a', 'b']) as c, array_position(array['a', 'b', 'c'], 'b') as p,
  array_remove(array[1, 2, 1], 1) as r, array_append(array[1], 2) as a, array_prepend(0, array[1]) as pre, array_cat(array[1], array[2, 3]) as cat;

-- name: r23_array_upper_lower_dims
select array_lower(array[1, 2], 1) as lo, array_upper(array[1, 2], 1) as hi, array_ndims(array[1, 2]) as nd, array_dims(array['a', 'b', 'c']) as d;

-- name: r23_array_contains_overlap
select name from aws_iam_user where string_to_array(path, '/') @> array['service'] or array['bob'] && array[name] order by name;

-- name: r23_any_subquery_array
select name from aws_iam_policy where arn = any(select jsonb_array_elements_text(attached_policy_arns) from aws_iam_role) order by name;

-- name: r23_all_subquery_empty
select name from aws_iam_user where create_date > all(select create_date from aws_iam_user where false) order by name;

-- name: r23_any_null_array
select 'a' = any(null::text[]) as a, 'a' = all(array[]::text[]) as b, null = any(array['a']) as c;

-- name: r23_interval_compare_justify
select interval '30 days' = interval '1 month' as a, interval '24 hours' = interval '1 day' as b, interval '1 year' > interval '360 days' as c;

-- name: r23_interval_text_output
select name, (now() - create_date) > interval '1 year' as old, (interval '1 day 02:03:04')::text as t from aws_iam_user order by name;

-- name: r23_interval_extract_parts
select extract(day from interval '3 days 4 hours') as d, extract(hour from interval '3 days 4 hours') as h, extract(month from interval '14 months') as m,
  date_part('minute', interval '1 hour 30 minutes') as mi;

-- name: r23_age_of_dates_months
select age(date '2025-03-31', date '2025-02-28') as a, age(timestamp '2024-02-29', timestamp '2023-02-28') as b, age(timestamp '2025-01-01', timestamp '2025-06-15') as c;

-- name: r23_age_in_where
select name from aws_iam_user where age(timestamptz '2025-06-15 00:00+00', create_date) > interval '5 years' order by name;

-- name: r23_date_add_interval_month_end
select date '2025-01-31' + interval '1 month' as a, timestamp '2024-02-29' + interval '1 year' as b, date '2025-03-31' - interval '1 month' as c;

-- name: r23_date_minus_date
select date '2025-06-15' - date '2025-01-01' as days, (date '2025-06-15' - 30) as d, create_date::date - date '2017-01-01' as since from aws_iam_user order by name;

-- name: r23_date_trunc_tz_variants
select date_trunc('hour', timestamptz '2025-06-14 08:45:00+00', 'Asia/Kolkata') as a, date_trunc('month', timestamptz '2025-06-01 02:00+00', 'America/Los_Angeles') as b;

-- name: r23_extract_tz_offset
select extract(timezone from timestamptz '2025-06-14 08:00+00') as tz, extract(epoch from timestamp '2025-06-14 08:00') as e;

-- name: r23_at_time_zone_roundtrip
select event_name, (event_time at time zone 'America/New_York') at time zone 'America/New_York' = event_time as same, event_time at time zone 'UTC' as utc
from aws_cloudtrail_trail_event order by event_time;

-- name: r23_timezone_function
select timezone('Asia/Tokyo', timestamptz '2025-06-14 20:00+00') as a, timezone('UTC', timestamp '2025-06-14 20:00') as b;

-- name: r23_date_part_at_tz_group
select extract(hour from event_time at time zone 'America/Los_Angeles') as local_hour, count(*) as n from aws_cloudtrail_trail_event group by 1 order by 1;

-- name: r23_to_char_more_formats
select to_char(timestamptz '2025-06-14 08:05:09+00', 'YYYY-MM-DD HH24:MI:SS.MS') as a, to_char(timestamptz '2025-06-14 18:05:09+00', 'Day DD Month YYYY') as b,
  to_char(timestamptz '2025-06-14 18:05:09+00', 'DDD WW J') as c, to_char(date '2025-06-14', 'YY-MON-dd') as d;

-- name: r23_to_char_numeric_formats
select to_char(1234.5, '9999.99') as a, to_char(-12.3, 'S999.9') as b, to_char(0.5, '0.99') as c, to_char(1234567, '9,999,999') as d, to_char(42, '000') as e;

-- name: r23_generate_series_months
select m::date as month from generate_series(date '2025-01-31', date '2025-06-30', interval '1 month') m;

-- name: r23_generate_series_timestamptz_hours_count
select count(*) as n, min(h) as lo, max(h) as hi from generate_series(timestamptz '2025-06-14 00:00+00', timestamptz '2025-06-14 23:00+00', '1 hour') h;

-- name: r23_generate_series_lateral_per_user
select u.name, count(*) as years from aws_iam_user u, generate_series(u.create_date, timestamptz '2025-06-15', interval '1 year') g group by u.name order by u.name;

-- name: r23_generate_series_int_step
select g from generate_series(10, 1, -3) g;

-- name: r23_nulls_order_desc_default
select name, role_last_used_date from aws_iam_role order by role_last_used_date desc, name;

-- name: r23_nulls_order_in_agg
select string_agg(coalesce(error_code, '-'), ',' order by error_code nulls first, event_time) as a, array_agg(error_code order by error_code desc nulls last) as b from aws_cloudtrail_trail_event;

-- name: r23_nulls_order_in_window
select event_name, row_number() over (order by error_code nulls first, event_time) as rn from aws_cloudtrail_trail_event order by rn;

-- name: r23_collation_tags_keys
select k from aws_iam_user, jsonb_object_keys(tags) k order by k;

-- name: r23_collation_mixed_punct
select x from (values ('a-b'), ('a_b'), ('aB'), ('Ab'), ('a b'), ('a.b'), ('AB'), ('ab')) v(x) order by x;

-- name: r23_collation_c_explicit
select name from aws_iam_role order by name collate "C";

-- name: r23_collation_greatest_least
select greatest('Zeta', 'alpha', 'Beta') as g, least('Zeta', 'alpha', 'Beta') as l;

-- name: r23_collation_compare
select 'a' < 'B' as a, 'Z' < 'a' as b, 'ä' < 'b' as c;

-- name: r23_integer_division_negative_mod
select 7 / -2 as a, -7 / -2 as b, 7 % -3 as c, mod(-7, 3) as d, div(-7, 2) as e, 7::numeric / 2 as f;

-- name: r23_integer_division_agg
select sum(attachment_count) / count(*) as a, sum(attachment_count)::numeric / count(*) as b, count(*) / 4 as c from aws_iam_policy;

-- name: r23_numeric_round_half
select round(0.5) as a, round(1.5) as b, round(-0.5) as c, round(2.675, 2) as d, round(2.675::float8) as e, round(15, -1) as f;

-- name: r23_numeric_trunc_ceil_floor
select trunc(12.345, 1) as a, ceil(-1.2) as b, floor(-1.2) as c, ceiling(1.2) as d, trunc(-12.345, -1) as e, sign(-3.2) as f;

-- name: r23_numeric_scale_sum
select sum(0.1 * attachment_count) as s, avg(1.50 * attachment_count) as a, max(attachment_count * 1.25) as m from aws_iam_policy;

-- name: r23_numeric_cast_scale
select 3.14159::numeric(5, 2) as a, 2.5::numeric(3, 0) as b, (-2.5)::numeric(3, 0) as c, 123.456::numeric(10, 4) as d;

-- name: r23_float_to_int_cast_rounding
select 2.5::int as a, 3.5::int as b, (-2.5)::int as c, 2.5::float8::int as d, 3.5::float8::int as e;

-- name: r23_inet_cidr_contains_rows
select event_name, source_ip_address from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9.]+$' and source_ip_address::inet <<= any(array['203.0.113.0/24'::cidr, '198.51.100.0/24'::cidr]) order by event_time;

-- name: r23_inet_network_group
select network(set_masklen(source_ip_address::inet, 16)) as net, count(*) as n from aws_cloudtrail_trail_event
where source_ip_address ~ '^[0-9.]+$' group by 1 order by 1;

-- name: r23_inet_order
select source_ip_address::inet as ip from aws_cloudtrail_trail_event where source_ip_address ~ '^[0-9.]+$' order by 1;

-- name: r23_inet_condition_cidrs
select p.name, c::cidr as net, masklen(c::cidr) as bits from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Condition' -> 'IpAddress' -> 'aws:sourceip') c order by 1, 2;

-- name: r23_inet_ipv6
select '2001:db8::1'::inet as a, '2001:DB8:0:0:0:0:0:1/128'::inet as b, '::ffff:10.0.0.1'::inet as c, '2001:db8::/32'::cidr >> '2001:db8::1'::inet as d;

-- name: r23_recursive_dates
with recursive d(day) as (select date '2025-06-10' union all select day + 1 from d where day < date '2025-06-14')
select d.day, count(e.event_id) as n from d left join aws_cloudtrail_trail_event e on e.event_time::date = d.day group by d.day order by d.day;

-- name: r23_recursive_string_build
with recursive r(i, s) as (select 1, 'a'::text union all select i + 1, s || chr(97 + i) from r where i < 5) select i, s from r order by i;

-- name: r23_recursive_group_members
with recursive m as (
  select g.name as grp, u ->> 'UserName' as member, 1 as depth from aws_iam_group g, jsonb_array_elements(g.users) u
  union all
  select m.grp, m.member, m.depth + 1 from m where m.depth < 2
) select grp, member, max(depth) as d from m group by grp, member order by grp, member;

-- name: r23_exists_jsonb_elements
select name from aws_iam_policy p where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s where s ->> 'Effect' = 'Deny') order by name;

-- name: r23_not_in_nullable_list_values
select event_name from aws_cloudtrail_trail_event where error_code not in ('AccessDenied') order by event_time;

-- name: r23_in_subquery_with_nulls_count
select count(*) filter (where username in (select name from aws_iam_user)) as known, count(*) filter (where username not in (select name from aws_iam_user)) as unknown,
  count(*) filter (where (username not in (select name from aws_iam_user)) is null) as undecided from aws_cloudtrail_trail_event;

-- name: r23_not_in_subquery_null_row
select name from aws_iam_role where name not in (select description from aws_iam_role) order by name;

-- name: r23_exists_vs_in_null
select u.name, exists (select 1 from aws_cloudtrail_trail_event e where e.username = u.name) as ex, u.name in (select username from aws_cloudtrail_trail_event) as inn
from aws_iam_user u order by u.name;

-- name: r23_case_int_float
select name, case when attachment_count > 1 then attachment_count else 0.5::float end as v from aws_iam_policy order by name;

-- name: r23_case_text_unknown
select name, case when mfa_enabled then 'yes' when not mfa_enabled then 'no' end as mfa, case mfa_enabled when true then 1 else 0 end as n from aws_iam_user order by name;

-- name: r23_case_timestamp_null
select name, case when password_last_used is null then create_date else password_last_used end as last from aws_iam_user order by name;

-- name: r23_case_jsonb_text
select name, case when tags ? 'team' then tags -> 'team' else '"none"'::jsonb end as team from aws_iam_user order by name;

-- name: r23_case_numeric_scale
select name, case when is_aws_managed then 1.0 else 2.50 end as v from aws_iam_policy order by name;

-- name: r23_coalesce_nullif_mixed
select name, coalesce(nullif(description, ''), '(none)') as d, nullif(max_session_duration, 3600) as m from aws_iam_role order by name;

-- name: r23_regexp_space_class_vertical_tab
select x, x ~ '\s' as sp, x ~ '^\S+$' as nsp, regexp_replace(x, '[\s,]+', '_', 'g') as r, regexp_split_to_array(x, '\s+') as parts
from unnest(array['a' || chr(11) || 'b', 'a b', 'a,' || chr(12) || 'b', 'ab']) x order by x;

-- name: r23_regexp_space_class_user_agent
select event_name, regexp_replace(user_agent, '\s*\(.*\)\s*$', '') as agent, user_agent ~ '\S/\S' as versioned from aws_cloudtrail_trail_event order by event_time;

-- name: r23_date_trunc_tz_half_hour_rows
select event_name, date_trunc('hour', event_time, 'Asia/Kolkata') as h, date_trunc('minute', event_time, 'Asia/Kathmandu') as m
from aws_cloudtrail_trail_event order by event_time;

-- name: r23_win_nth_value_row_position
select name, nth_value(name, attachment_count::int + 1) over (order by name rows between unbounded preceding and unbounded following) as pick
from aws_iam_policy order by name;

-- name: r23_lateral_to_record_login_profile_where
select u.name from aws_iam_user u, jsonb_to_record(u.login_profile) as lp("PasswordResetRequired" boolean) where lp."PasswordResetRequired" order by u.name;

-- name: bc_date_literal_as_text
select '0044-03-15 BC'::date::text as ides, (date '0001-12-31 bc' + 1)::text as first_ad,
  '0044-03-15 10:00:00 BC'::timestamp::text as ts, '0044-03-15 BC'::timestamptz::text as tstz;

-- name: quoted_reserved_words_as_names
select name as "offset", create_date::date::text as day from aws_iam_user as "limit" order by "offset";

-- name: r24_policy_allow_star_actions_agg
select p.name, string_agg(distinct a, ', ' order by a) as actions
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
where s ->> 'Effect' = 'Allow' and a like '%*%'
group by p.name
order by p.name;

-- name: r24_policy_statement_count_filter
select name,
  count(*) filter (where s ->> 'Effect' = 'Allow') as allows,
  count(*) filter (where s ->> 'Effect' = 'Deny') as denies,
  count(*) filter (where s ? 'Condition') as conditioned
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
group by name
order by name;

-- name: r24_policy_actions_any_of
select name from aws_iam_policy p
where exists (select 1 from jsonb_array_elements(p.policy_std -> 'Statement') s
  where s -> 'Action' ?| array['iam:createuser', 'iam:*', '*', 's3:*'])
order by name;

-- name: r24_policy_actions_all_of
select name, s -> 'Action' ?& array['kms:decrypt', 'kms:encrypt'] as both_kms
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
order by name, both_kms;

-- name: r24_policy_path_query_actions
select name, jsonb_path_query(policy_std, '$.Statement[*].Action[*]') #>> '{}' as action
from aws_iam_policy
order by name, action;

-- name: r24_policy_path_exists_deny
select name, jsonb_path_exists(policy_std, '$.Statement[*] ? (@.Effect == "Deny")') as has_deny
from aws_iam_policy order by name;

-- name: r24_policy_path_query_array_resources
select name, jsonb_path_query_array(policy_std, '$.Statement[*].Resource[*]') as resources
from aws_iam_policy order by name;

-- name: r24_policy_path_first_effect
select name, jsonb_path_query_first(policy_std, '$.Statement[0].Effect') ->> 0 as first_effect_text,
  jsonb_path_query_first(policy_std, '$.Statement[0].Effect') as first_effect
from aws_iam_policy order by name;

-- name: r24_policy_condition_text_path
select name, s #>> '{Condition,Bool,aws:securetransport,0}' as secure_transport
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
where s #> '{Condition,Bool}' is not null
order by name;

-- name: r24_policy_version_year
select name, policy ->> 'Version' as version, left(policy ->> 'Version', 4)::int as version_year
from aws_iam_policy order by name;

-- name: r24_policy_contains_effect_deny
select name from aws_iam_policy where policy_std @> '{"Statement": [{"Effect": "Deny"}]}' order by name;

-- name: r24_policy_resource_arn_services
select distinct split_part(r, ':', 3) as service
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Resource') r
where r like 'arn:%'
order by service;

-- name: r24_policy_action_service_counts
select split_part(a, ':', 1) as service, count(*) as n, count(distinct p.arn) as policies
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
group by 1
order by n desc, service;

-- name: r24_policy_regexp_action_verbs
select distinct (regexp_match(a, '^[a-z0-9-]+:([a-z]+)'))[1] as verb
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a
order by verb nulls first;

-- name: r24_policy_regexp_replace_service
select name, regexp_replace(arn, '^arn:aws:iam::(\d+|aws):policy/', '') as short_name
from aws_iam_policy order by short_name;

-- name: r24_policy_regexp_count_colons
select name, regexp_count(arn, ':') as colons, length(arn) - length(replace(arn, '/', '')) as slashes
from aws_iam_policy order by name;

-- name: r24_policy_array_agg_ordered_desc
select account_id, array_agg(name order by create_date desc, name) as newest_first
from aws_iam_policy group by account_id order by account_id;

-- name: r24_policy_age_days_rounded
select name, round(extract(epoch from (update_date - create_date)) / 86400, 1) as days_between
from aws_iam_policy order by name;

-- name: r24_policy_update_to_char
select name, to_char(update_date, 'YYYY-MM-DD HH24:MI') as updated, to_char(create_date, 'Mon DD, YYYY') as created
from aws_iam_policy order by name;

-- name: r24_policy_attachment_division
select name, attachment_count, attachment_count / 2 as half_int, attachment_count / 2.0 as half_num,
  attachment_count::float / 3 as third
from aws_iam_policy order by name;

-- name: r24_policy_attachment_window_rank
select name, attachment_count,
  rank() over (order by attachment_count desc) as rnk,
  dense_rank() over (order by attachment_count desc) as drnk,
  percent_rank() over (order by attachment_count) as prnk
from aws_iam_policy order by attachment_count desc, name;

-- name: r24_policy_running_total
select name, attachment_count,
  sum(attachment_count) over (partition by is_aws_managed order by name rows between unbounded preceding and current row) as running
from aws_iam_policy order by is_aws_managed, name;

-- name: r24_policy_distinct_on_newest_per_account
select distinct on (account_id) account_id, name, update_date
from aws_iam_policy order by account_id, update_date desc nulls last, name;

-- name: r24_policy_nulls_first_description
select name, description from aws_iam_policy order by description nulls first, name;

-- name: r24_policy_nulls_last_desc
select name, description from aws_iam_policy order by description desc nulls last, name;

-- name: r24_policy_case_severity
select name,
  case when policy_std @> '{"Statement": [{"Effect": "Allow", "Action": ["*"]}]}' then 'critical'
       when is_aws_managed then 'info'
       else 'low' end as severity
from aws_iam_policy order by name;

-- name: r24_policy_statement_ordinality
select p.name, s.ordinality, s.value ->> 'Effect' as effect
from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') with ordinality as s
order by p.name, s.ordinality;

-- name: r24_policy_sid_coalesce
select name, coalesce(s ->> 'Sid', '(no sid)') as sid, jsonb_typeof(s -> 'Resource') as resource_type
from aws_iam_policy, jsonb_array_elements(policy -> 'Statement') s
where jsonb_typeof(policy -> 'Statement') = 'array'
order by name, sid;

-- name: r24_policy_keys_per_statement
select name, string_agg(k, ',' order by k) as keys
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_object_keys(s) k
group by name, s
order by name, keys;

-- name: r24_policy_not_resource
select name, s -> 'NotResource' as not_resource
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
where s ? 'NotResource' order by name;

-- name: r24_user_mfa_summary_cte
with u as (
  select account_id, name, mfa_enabled, login_profile is not null as console
  from aws_iam_user
)
select account_id, count(*) as users,
  count(*) filter (where console and not mfa_enabled) as console_without_mfa,
  round(100.0 * count(*) filter (where mfa_enabled) / count(*), 2) as pct_mfa
from u group by account_id order by account_id;

-- name: r24_user_groups_lateral
select u.name, g ->> 'GroupName' as group_name
from aws_iam_user u cross join lateral jsonb_array_elements(u.groups) g
order by u.name, group_name;

-- name: r24_user_group_count_left_join_lateral
select u.name, coalesce(jsonb_array_length(u.groups), 0) as group_count, gs.first_group
from aws_iam_user u
  left join lateral (select g ->> 'GroupName' as first_group from jsonb_array_elements(u.groups) g
                     order by g ->> 'GroupName' limit 1) gs on true
order by u.name;

-- name: r24_user_tags_each_text
select u.name, t.key, t.value
from aws_iam_user u, jsonb_each_text(u.tags) t
order by u.name, t.key;

-- name: r24_user_tag_keys_any
select name from aws_iam_user where tags ?| array['team', 'owner'] order by name;

-- name: r24_user_tag_contains
select name, tags ->> 'team' as team from aws_iam_user where tags @> '{"team": "platform"}' order by name;

-- name: r24_user_missing_tag
select name from aws_iam_user where not coalesce(tags ? 'team', false) order by name;

-- name: r24_user_password_age
select name, date_part('day', now() - password_last_used) > 90 as stale,
  extract(year from create_date) as created_year
from aws_iam_user order by name;

-- name: r24_user_age_interval_text
select name, age(timestamp '2025-06-15 00:00:00', create_date::timestamp) as age_at_snapshot
from aws_iam_user order by name;

-- name: r24_user_date_trunc_month_counts
select date_trunc('year', create_date) as year, count(*) as created
from aws_iam_user group by 1 order by 1;

-- name: r24_user_created_weekday
select name, to_char(create_date, 'Dy') as weekday, extract(dow from create_date) as dow, extract(isodow from create_date) as isodow
from aws_iam_user order by name;

-- name: r24_user_mfa_serials_agg
select name, string_agg(d ->> 'SerialNumber', ';' order by d ->> 'EnableDate') as serials
from aws_iam_user, jsonb_array_elements(mfa_devices) d
group by name order by name;

-- name: r24_user_name_patterns
select name, name ~ '^[a-z]+$' as simple, name ~* 'DEPLOY' as deploy, name !~ '-' as no_dash,
  initcap(replace(name, '-', ' ')) as display
from aws_iam_user order by name;

-- name: r24_user_regexp_split
select name, regexp_split_to_array(name, '[-.]') as parts, array_length(regexp_split_to_array(name, '[-.]'), 1) as n
from aws_iam_user order by name;

-- name: r24_user_arn_parts
select name, split_part(arn, ':', 5) as account, split_part(split_part(arn, ':', 6), '/', 1) as kind,
  substring(arn from 'user/(.*)$') as user_path
from aws_iam_user order by name;

-- name: r24_user_row_number_per_account
select account_id, name, row_number() over (partition by account_id order by create_date) as nth,
  count(*) over (partition by account_id) as of_total
from aws_iam_user order by account_id, nth;

-- name: r24_user_lag_created_gap
select name, create_date,
  create_date - lag(create_date) over (order by create_date) as gap
from aws_iam_user order by create_date;

-- name: r24_user_first_last_value
select distinct account_id,
  first_value(name) over w as oldest,
  last_value(name) over w as newest
from aws_iam_user
window w as (partition by account_id order by create_date rows between unbounded preceding and unbounded following)
order by account_id;

-- name: r24_user_attached_policy_arrays
select name, jsonb_array_length(attached_policy_arns) as n,
  attached_policy_arns ? 'arn:aws:iam::aws:policy/AdministratorAccess' as admin
from aws_iam_user order by name;

-- name: r24_user_inline_policy_names
select u.name, p ->> 'PolicyName' as policy_name
from aws_iam_user u, jsonb_array_elements(u.inline_policies_std) p
order by u.name, policy_name;

-- name: r24_user_login_profile_fields
select name, login_profile ->> 'PasswordResetRequired' as reset_required,
  (login_profile ->> 'CreateDate')::timestamptz - create_date as console_after
from aws_iam_user where login_profile is not null order by name;

-- name: r24_role_trust_principals
select r.name, p.key as principal_type, jsonb_array_elements_text(p.value) as principal
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s, jsonb_each(s -> 'Principal') p
order by r.name, principal_type, principal;

-- name: r24_role_trust_star_principal
select name from aws_iam_role
where assume_role_policy_std -> 'Statement' @> '[{"Principal": {"AWS": ["*"]}}]' order by name;

-- name: r24_role_trust_conditions_keys
select r.name, c.key as operator, k.key as condition_key
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_each(s -> 'Condition') c, jsonb_each(c.value) k
order by r.name, operator, condition_key;

-- name: r24_role_federated_oidc
select name, s -> 'Principal' ->> 'Federated' as federated, s #>> '{Action}' as action_text
from aws_iam_role, jsonb_array_elements(assume_role_policy_std -> 'Statement') s
where s -> 'Principal' ? 'Federated' order by name;

-- name: r24_role_service_principals_path
select name, jsonb_path_query_array(assume_role_policy_std, '$.Statement[*].Principal.Service[*]') as services
from aws_iam_role order by name;

-- name: r24_role_last_used_buckets
select name,
  case when role_last_used_date is null then 'never'
       when role_last_used_date > now() - interval '90 days' then 'recent'
       else 'stale' end as usage
from aws_iam_role order by name;

-- name: r24_role_session_hours
select name, max_session_duration / 3600 as hours, max_session_duration / 3600.0 as hours_exact,
  (max_session_duration * interval '1 second')::text as as_interval
from aws_iam_role order by name;

-- name: r24_role_make_interval
select name, make_interval(secs => max_session_duration) as session
from aws_iam_role order by name;

-- name: r24_role_instance_profiles
select name, jsonb_array_length(instance_profile_arns) as profiles,
  instance_profile_arns ->> 0 as first_profile
from aws_iam_role order by name;

-- name: r24_role_tags_object_agg
select account_id, jsonb_object_agg(name, coalesce(tags, '{}'::jsonb) order by name) as tags_by_role
from aws_iam_role group by account_id order by account_id;

-- name: r24_role_description_length
select name, length(description) as len, upper(left(description, 3)) as abbr, reverse(name) as backwards
from aws_iam_role order by len nulls last, name;

-- name: r24_role_path_service_role
select name, path, path like '/aws-service-role/%' as service_linked, position('/' in substr(path, 2)) as second_slash
from aws_iam_role order by name;

-- name: r24_role_used_region_counts
select coalesce(role_last_used_region, 'none') as region, count(*) as roles, array_agg(name order by name) as names
from aws_iam_role group by 1 order by 1;

-- name: r24_group_users_count
select g.name, jsonb_array_length(g.users) as members,
  (select string_agg(u ->> 'UserName', ',' order by u ->> 'UserName') from jsonb_array_elements(g.users) u) as member_names
from aws_iam_group g order by g.name;

-- name: r24_group_policies_union
select name, 'attached' as kind, a as policy from aws_iam_group, jsonb_array_elements_text(attached_policy_arns) a
union all
select name, 'inline', p ->> 'PolicyName' from aws_iam_group, jsonb_array_elements(inline_policies_std) p
order by name, kind, policy;

-- name: r24_group_empty
select name from aws_iam_group where users is null or jsonb_array_length(users) = 0 order by name;

-- name: r24_access_key_age_buckets
select user_name, access_key_id, status,
  width_bucket(extract(epoch from now() - create_date) / 86400, 0, 3650, 10) as age_bucket
from aws_iam_access_key order by user_name, access_key_id;

-- name: r24_access_key_per_user_active
select user_name, count(*) as keys, count(*) filter (where status = 'Active') as active,
  bool_and(status = 'Active') as all_active, bool_or(access_key_last_used_date is null) as any_unused
from aws_iam_access_key group by user_name order by user_name;

-- name: r24_access_key_last_used_service
select user_name, coalesce(access_key_last_used_service, 'N/A') as service,
  to_char(access_key_last_used_date, 'YYYY-MM-DD') as last_used
from aws_iam_access_key order by user_name, access_key_id;

-- name: r24_access_key_mask
select user_name, left(access_key_id, 4) || repeat('*', length(access_key_id) - 8) || right(access_key_id, 4) as masked
from aws_iam_access_key order by user_name, access_key_id;

-- name: r24_access_key_days_since_create
select user_name, access_key_id, (date '2025-06-15' - create_date::date) as days_old
from aws_iam_access_key order by days_old desc, access_key_id;
-- name: r24_event_hourly_series
select h as hour, count(e.event_id) as events
from generate_series(timestamptz '2025-06-14 06:00:00+00', timestamptz '2025-06-14 12:00:00+00', interval '2 hours') h
  left join aws_cloudtrail_trail_event e on e.event_time >= h and e.event_time < h + interval '2 hours'
group by h order by h;

-- name: r24_event_daily_series_dates
select d::date as day, count(e.event_id) as events
from generate_series('2025-06-12'::date, '2025-06-15'::date, '1 day') d
  left join aws_cloudtrail_trail_event e on e.event_time::date = d::date
group by d order by d;

-- name: r24_event_errors_ratio
select event_source, count(*) as total, count(error_code) as errors,
  round(count(error_code)::numeric / count(*), 3) as error_ratio
from aws_cloudtrail_trail_event group by event_source order by event_source;

-- name: r24_event_identity_type
select event_name, user_identity ->> 'type' as identity_type, user_identity #>> '{sessionContext,sessionIssuer,userName}' as issuer
from aws_cloudtrail_trail_event order by event_time, event_name;

-- name: r24_event_console_mfa
select username, additional_event_data ->> 'MFAUsed' as mfa, response_elements ->> 'ConsoleLogin' as result
from aws_cloudtrail_trail_event where event_name = 'ConsoleLogin' order by event_time;

-- name: r24_event_root_activity
select event_name, event_time, source_ip_address from aws_cloudtrail_trail_event
where user_identity ->> 'type' = 'Root' or username = 'root' order by event_time;

-- name: r24_event_ip_private
select distinct source_ip_address,
  source_ip_address ~ '^(10\.|192\.168\.|172\.(1[6-9]|2[0-9]|3[01])\.)' as private,
  source_ip_address ~ '^\d+\.\d+\.\d+\.\d+$' as is_ipv4
from aws_cloudtrail_trail_event order by source_ip_address;

-- name: r24_event_time_parts
select event_id, to_char(event_time, 'HH24:MI:SS') as t, extract(hour from event_time) as h,
  date_part('minute', event_time) as m, to_char(event_time, 'IYYY-IW') as iso_week
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_gap_window
select event_id, event_time,
  event_time - lag(event_time) over (order by event_time, event_id) as since_previous,
  lead(event_name, 1, '(last)') over (order by event_time, event_id) as next_event
from aws_cloudtrail_trail_event order by event_time, event_id;

-- name: r24_event_per_user_distinct_on
select distinct on (coalesce(username, '?')) coalesce(username, '?') as who, event_name, event_time
from aws_cloudtrail_trail_event order by coalesce(username, '?'), event_time desc;

-- name: r24_event_ntile
select event_id, ntile(3) over (order by event_time, event_id) as tercile,
  cume_dist() over (order by event_time) as cd
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_range_window_interval
select event_id, count(*) over (order by event_time range between interval '1 day' preceding and current row) as last_day
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_request_params_keys
select event_name, k
from aws_cloudtrail_trail_event, jsonb_object_keys(request_parameters) k
order by event_name, k;

-- name: r24_event_resources_arns
select event_name, r ->> 'ARN' as arn, r ->> 'type' as type
from aws_cloudtrail_trail_event, jsonb_array_elements(resources) r order by event_name, arn;

-- name: r24_event_user_agent_class
select event_id,
  case when user_agent ilike '%mozilla%' then 'browser'
       when user_agent ~* 'aws-cli|boto' then 'cli'
       when user_agent like '%.amazonaws.com' then 'service'
       else coalesce(user_agent, 'unknown') end as agent
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_region_array
select array_agg(distinct aws_region order by aws_region) as regions, count(distinct aws_region) as n
from aws_cloudtrail_trail_event;

-- name: r24_event_json_agg_ordered
select username, jsonb_agg(event_name order by event_time) as sequence
from aws_cloudtrail_trail_event where username is not null group by username order by username;

-- name: r24_event_build_object
select jsonb_build_object('id', event_id, 'who', username, 'ok', error_code is null, 'when', event_time) as doc
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_strip_nulls
select event_id, jsonb_strip_nulls(jsonb_build_object('code', error_code, 'name', event_name)) as doc
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_minus_key
select event_id, user_identity - 'principalId' - 'arn' as identity_without_ids
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_delete_path
select event_id, additional_event_data #- '{MobileVersion}' as slim
from aws_cloudtrail_trail_event where additional_event_data is not null order by event_id;

-- name: r24_event_jsonb_set_flag
select event_id, jsonb_set(coalesce(response_elements, '{}'), '{reviewed}', 'true') as marked
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_read_only_share
select read_only, count(*) as n, round(count(*) * 100.0 / sum(count(*)) over (), 1) as pct
from aws_cloudtrail_trail_event group by read_only order by read_only nulls last;

-- name: r24_event_regexp_matches_global
select event_id, m[1] as octet
from aws_cloudtrail_trail_event, regexp_matches(source_ip_address, '(\d+)', 'g') as m
where event_id in ('e-0001', 'e-0003') order by event_id, octet;

-- name: r24_event_regexp_substr_instr
select event_id, regexp_substr(source_ip_address, '\d+$') as last_octet,
  regexp_instr(source_ip_address, '\.') as first_dot, regexp_like(event_name, '^(Create|Put)') as write_like
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_split_part_negative
select event_id, split_part(event_source, '.', -2) as domain, split_part(event_source, '.', 1) as service
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_string_to_array
select event_id, string_to_array(source_ip_address, '.') as parts,
  cardinality(string_to_array(source_ip_address, '.')) as n
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_error_code_null_handling
select coalesce(error_code, 'none') as code, count(*) as n, string_agg(event_name, '|' order by event_name) as events
from aws_cloudtrail_trail_event group by error_code order by error_code nulls first;

-- name: r24_event_epoch_ms
select event_id, extract(epoch from event_time)::bigint as epoch_s, (extract(epoch from event_time) * 1000)::bigint as epoch_ms
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_age_at_snapshot
select event_id, age(timestamptz '2025-06-15 00:00:00+00', event_time) as ago
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_justify
select justify_hours(interval '50 hours') as jh, justify_days(interval '45 days') as jd,
  justify_interval(interval '1 month -1 hour') as ji;

-- name: r24_event_interval_math
select interval '1 day' * 1.5 as a, interval '3 hours' / 4 as b, interval '1 month' - interval '1 day' as c,
  timestamptz '2025-01-31 00:00:00+00' + interval '1 month' as d, date '2024-02-29' + interval '1 year' as e;

-- name: r24_event_date_arith
select date '2025-06-15' - date '2025-01-01' as days, date '2025-06-15' - 30 as minus30,
  date '2025-06-15' + time '10:30' as at_time;

-- name: r24_numeric_rounding
select round(2.5) as a, round(-2.5) as b, round(2.345, 2) as c, round(-0.5) as d, trunc(-2.7) as e,
  ceil(-2.1) as f, floor(-2.1) as g, round(1234.5678, -2) as h;

-- name: r24_numeric_division
select 7 / 2 as a, -7 / 2 as b, 7 % -3 as c, -7 % 3 as d, 7.0 / 2 as e, 1 / 3.0 as f, 10::numeric / 4 as g,
  div(-7, 2) as h, mod(-7, 2) as i;

-- name: r24_numeric_casts
select 1.5::int as a, (-1.5)::int as b, 2.5::bigint as c, '3.14159'::numeric(5, 2) as d, 10::float / 4 as e,
  (1::numeric / 3)::numeric(10, 4) as f, 123.456::real as g;

-- name: r24_numeric_to_char
select to_char(1234.5, '9,999.99') as a, to_char(0.5, 'FM990.00') as b, to_char(42, '000') as c,
  to_char(-3.14159, 'S9.999') as d;

-- name: r24_numeric_power_sqrt
select power(2, 10) as a, sqrt(2::numeric) as b, 2 ^ 0.5 as c, cbrt(27) as d, abs(-3.5) as e, sign(-2) as f;

-- name: r24_numeric_avg_types
select avg(attachment_count) as a, avg(attachment_count::float) as b, sum(attachment_count) as c,
  stddev_samp(attachment_count) as d, variance(attachment_count) as e
from aws_iam_policy;

-- name: r24_numeric_percentile
select percentile_cont(0.5) within group (order by attachment_count) as median,
  percentile_disc(0.5) within group (order by attachment_count) as median_disc,
  mode() within group (order by is_aws_managed) as common
from aws_iam_policy;

-- name: r24_text_array_ops
select array['a', 'b'] && array['b', 'c'] as overlap, array['a', 'b', 'c'] @> array['c'] as contains,
  array['a'] <@ array['a', 'b'] as within, array_position(array['x', 'y', 'z'], 'y') as pos,
  array_remove(array['a', 'b', 'a'], 'a') as removed, array_cat(array['a'], array['b']) as cat;

-- name: r24_text_array_to_string_nulls
select array_to_string(array['a', null, 'c'], ',') as skip_null, array_to_string(array['a', null, 'c'], ',', '*') as star,
  array_length(array[]::text[], 1) as empty_len, cardinality(array[]::text[]) as empty_card;

-- name: r24_text_unnest_ordinality
select u.v, u.n from unnest(array['iam', 'sts', 's3']) with ordinality as u(v, n) order by u.n desc;

-- name: r24_text_any_array
select name from aws_iam_user where name = any(array['alice', 'bob', 'zed']) order by name;

-- name: r24_text_all_array
select name from aws_iam_user where name <> all(array['alice', 'bob']) order by name;

-- name: r24_text_like_any
select name from aws_iam_role where name like any(array['%oidc%', 'AWS%']) order by name;

-- name: r24_text_functions_mix
select name, lpad(name, 12, '.') as padded, rpad(left(name, 3), 6, 'xy') as rp, btrim('--' || name || '--', '-') as bt,
  translate(name, 'ae', '43') as leet, overlay(name placing '**' from 2 for 2) as ov
from aws_iam_user order by name;

-- name: r24_text_format
select format('%s has %s groups (%L)', name, coalesce(jsonb_array_length(groups), 0), path) as line
from aws_iam_user order by name;

-- name: r24_text_md5_length
select name, md5(name) as h, octet_length(name) as bytes, char_length(name) as chars
from aws_iam_user order by name;

-- name: r24_text_concat_ws_nulls
select name, concat_ws('/', account_id, path, null, name) as joined, concat(name, null, '!') as c
from aws_iam_user order by name;

-- name: r24_text_starts_with_position
select name, starts_with(name, 'svc') as svc, strpos(name, '-') as dash_at, position('e' in name) as e_at
from aws_iam_user order by name;

-- name: r24_text_case_conversions
select name, upper(name) as up, lower('ÉMILE') as low, initcap('hello wORLD') as ic
from aws_iam_user order by name;

-- name: r24_password_policy_score
select account_id,
  (require_lowercase_characters::int + require_uppercase_characters::int + require_numbers::int + require_symbols::int) as classes,
  minimum_password_length >= 14 as long_enough, coalesce(max_password_age, 0) as max_age
from aws_iam_account_password_policy order by account_id;

-- name: r24_password_policy_failures_array
select account_id, array_remove(array[
  case when not require_symbols then 'symbols' end,
  case when not require_numbers then 'numbers' end,
  case when minimum_password_length < 14 then 'length' end], null) as failures
from aws_iam_account_password_policy order by account_id;

-- name: r24_cred_report_rotation
select user_name, access_key_1_active, date_part('day', generated_time - access_key_1_last_rotated) as key1_age_days
from aws_iam_credential_report order by user_name;

-- name: r24_cred_report_root_console
select user_name, password_enabled, mfa_active, password_last_used is null as never_used_password
from aws_iam_credential_report where user_name = '<root_account>' or user_arn like '%:root';

-- name: r24_cred_report_greatest_last_activity
select user_name, greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_activity,
  least(user_creation_time, password_last_changed) as earliest
from aws_iam_credential_report order by user_name;

-- name: r24_cred_report_inactive_90
select user_name from aws_iam_credential_report
where coalesce(greatest(password_last_used, access_key_1_last_used_date), user_creation_time) < generated_time - interval '90 days'
order by user_name;

-- name: r24_trail_selectors
select name, is_multi_region_trail, coalesce(jsonb_array_length(event_selectors), 0) as selectors,
  event_selectors -> 0 ->> 'ReadWriteType' as rw
from aws_cloudtrail_trail order by name;

-- name: r24_trail_logging_status
select name, is_logging, log_file_validation_enabled, kms_key_id is not null as encrypted,
  case when is_logging and log_file_validation_enabled and kms_key_id is not null then 'ok' else 'alarm' end as status
from aws_cloudtrail_trail order by name;

-- name: r24_trail_delivery_lag
select name, latest_delivery_time, now() - latest_delivery_time > interval '1 day' as stale
from aws_cloudtrail_trail order by name;

-- name: r24_trail_advanced_selectors_fields
select t.name, f ->> 'Field' as field, f -> 'Equals' as equals
from aws_cloudtrail_trail t, jsonb_array_elements(t.advanced_event_selectors) s, jsonb_array_elements(s -> 'FieldSelectors') f
order by t.name, field;

-- name: r24_org_accounts_joined
select name, status, joined_method, to_char(joined_timestamp, 'YYYY-MM') as joined, email ilike '%@example.com' as example
from aws_organizations_account order by name;

-- name: r24_org_policy_content
select name, type, content -> 'Statement' -> 0 ->> 'Effect' as first_effect, aws_managed
from aws_organizations_policy order by name;

-- name: r24_org_ou_path_depth
select name, path, array_length(string_to_array(trim(both '/' from path), '/'), 1) as depth
from aws_organizations_organizational_unit order by name;

-- name: r24_cross_user_key_join
select u.name, count(k.access_key_id) as keys, max(k.create_date) as newest_key
from aws_iam_user u left join aws_iam_access_key k on k.user_name = u.name and k.account_id = u.account_id
group by u.name order by u.name;

-- name: r24_cross_policy_attached_to_users
select p.name as policy, array_agg(u.name order by u.name) as users
from aws_iam_policy p join aws_iam_user u on u.attached_policy_arns ? p.arn
group by p.name order by p.name;

-- name: r24_cross_roles_and_users_union
select 'user' as kind, name, create_date from aws_iam_user
union all
select 'role', name, create_date from aws_iam_role
order by create_date desc, name limit 5;

-- name: r24_cross_exists_not_exists
select u.name from aws_iam_user u
where not exists (select 1 from aws_iam_access_key k where k.user_name = u.name)
order by u.name;

-- name: r24_cross_scalar_subquery
select name, (select count(*) from aws_cloudtrail_trail_event e where e.username = u.name) as events
from aws_iam_user u order by name;

-- name: r24_cross_recursive_cte
with recursive n(i, label) as (
  select 1, 'x'
  union all
  select i + 1, label || 'x' from n where i < 5
)
select i, label, length(label) from n order by i;

-- name: r24_cross_grouping_sets
select account_id, mfa_enabled, count(*) as n
from aws_iam_user group by grouping sets ((account_id), (mfa_enabled), ())
order by account_id nulls last, mfa_enabled nulls last;

-- name: r24_cross_rollup
select account_id, path, count(*) as n, grouping(account_id, path) as g
from aws_iam_user group by rollup (account_id, path) order by account_id nulls last, path nulls last;
-- name: r24_time_trunc_units
select event_id, date_trunc('week', event_time) as wk, date_trunc('quarter', event_time) as q,
  date_trunc('hour', event_time) as h
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_time_extract_misc
select event_id, extract(doy from event_time) as doy, extract(week from event_time) as wk,
  extract(quarter from event_time) as q, date_part('isoyear', event_time) as iy, extract(julian from event_time::date) as jd
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_time_interval_epoch
select extract(epoch from interval '1 month') as month_s, extract(epoch from interval '1 year 2 days') as y,
  date_part('day', interval '40 hours') as d, extract(hour from interval '40 hours') as h;

-- name: r24_time_interval_compare
select interval '1 month' = interval '30 days' as a, interval '25 hours' > interval '1 day' as b,
  interval '1 day' = interval '24 hours' as c;

-- name: r24_time_interval_sum_avg
select sum(role_last_used_date - create_date) as total, avg(role_last_used_date - create_date) as mean,
  max(role_last_used_date - create_date) as longest
from aws_iam_role;

-- name: r24_time_age_months
select name, age(timestamptz '2025-06-15 00:00:00+00', create_date) as a,
  extract(year from age(timestamptz '2025-06-15 00:00:00+00', create_date)) as years
from aws_iam_role order by name;

-- name: r24_time_date_plus_month
select date '2025-01-31' + interval '1 month' as a, timestamp '2024-02-29 12:00' - interval '1 year' as b,
  date '2025-03-31' - interval '1 month' as c;

-- name: r24_time_to_timestamp_epoch
select to_timestamp(1718438400) as a, to_timestamp(0) as b, to_timestamp(1.5) as c;

-- name: r24_time_to_date_format
select to_date('2025-06-15', 'YYYY-MM-DD') as a, to_date('15/06/2025', 'DD/MM/YYYY') as b,
  to_timestamp('2025-06-15 10:30', 'YYYY-MM-DD HH24:MI') as c;

-- name: r24_time_at_time_zone
select event_id, event_time at time zone 'America/New_York' as ny, (event_time at time zone 'Asia/Tokyo')::date as tokyo_day
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_time_make_timestamp
select make_timestamp(2025, 6, 15, 10, 30, 15.5) as a, make_date(2025, 2, 28) + 1 as b,
  make_timestamptz(2025, 6, 15, 0, 0, 0, 'UTC') as c;

-- name: r24_time_to_char_padded_names
select event_id, to_char(event_time, 'Day') as day_padded, to_char(event_time, 'FMDay') as day_fm,
  to_char(event_time, 'Month') as month_padded, to_char(event_time, 'DDth') as ordinal
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_time_current_date_math
select name, current_date - create_date::date as days, (now() - interval '30 days')::date < create_date::date as new
from aws_iam_user order by name;

-- name: r24_time_interval_text_forms
select interval '1 year 2 months 3 days 04:05:06' as a, interval '-1 day +02:00' as b, interval '90 minutes' as c,
  interval '0.5 days' as d, interval '36 hours' as e;

-- name: r24_time_interval_multiply_divide
select interval '1 day' * 2.5 as a, interval '1 month' / 2 as b, interval '10 seconds' * 0.1 as c;

-- name: r24_series_int_steps
select g from generate_series(10, 1, -3) g order by g;

-- name: r24_series_lateral_outer
select name, g from aws_iam_group, generate_series(1, jsonb_array_length(coalesce(users, '[]'))) g order by name, g;

-- name: r24_series_numeric
select x from generate_series(0.5, 2.0, 0.5) x order by x;

-- name: r24_values_list
select v.n, v.label, v.n * 2 as twice from (values (1, 'one'), (2, 'two'), (3, null)) v(n, label) order by v.n;

-- name: r24_values_join_mapping
select u.name, m.tier
from aws_iam_user u join (values ('alice', 'gold'), ('bob', 'silver')) as m(name, tier) on m.name = u.name
order by u.name;

-- name: r24_array_subquery_constructor
select name, array(select jsonb_array_elements_text(attached_policy_arns) order by 1) as policies
from aws_iam_role order by name;

-- name: r24_exists_in_select
select name, exists(select 1 from aws_iam_access_key k where k.user_name = u.name and k.status = 'Active') as has_active
from aws_iam_user u order by name;

-- name: r24_in_subquery
select name from aws_iam_user where name in (select user_name from aws_iam_access_key where status = 'Inactive') order by name;

-- name: r24_union_distinct_order
select account_id from aws_iam_user union select account_id from aws_iam_role order by 1 desc;

-- name: r24_limit_offset_window
select name, count(*) over () as total from aws_iam_user order by name limit 2 offset 1;

-- name: r24_agg_order_nulls_first
select string_agg(coalesce(description, '-'), ' | ' order by description desc nulls first) as descs,
  array_agg(description order by description nulls first) as raw
from aws_iam_role;

-- name: r24_agg_distinct_filter
select count(distinct account_id) filter (where mfa_enabled) as mfa_accounts, array_agg(distinct path) as paths,
  count(distinct (account_id, path)) as pairs
from aws_iam_user;

-- name: r24_agg_jsonb_agg_nulls
select jsonb_agg(description) as descs, jsonb_agg(description) filter (where description is not null) as present
from aws_iam_role;

-- name: r24_agg_having
select account_id, count(*) as roles from aws_iam_role group by account_id having count(*) > 1 and bool_or(description is null)
order by account_id;

-- name: r24_agg_sum_bool_int
select sum(mfa_enabled::int) as mfa, sum(case when login_profile is null then 1 else 0 end) as no_console,
  avg(mfa_enabled::int) as share
from aws_iam_user;

-- name: r24_json_negative_index
select name, attached_policy_arns -> -1 as last_policy, attached_policy_arns ->> -1 as last_text,
  attached_policy_arns -> -9 as far_before
from aws_iam_user order by name;

-- name: r24_numeric_non_finite_arithmetic
select 'Infinity'::numeric + 1 as a, 'Infinity'::numeric - 'Infinity'::numeric as b, 'Infinity'::numeric * 0 as c,
  5::numeric / 'Infinity'::numeric as d, 5.50 % 'Infinity'::numeric as e, abs('-Infinity'::numeric) as f,
  'NaN'::numeric = 'NaN'::numeric as g;

-- name: r24_json_array_path_index
select name, policy_std #>> '{Statement,0,Action,0}' as first_action, policy_std #> '{Statement,-1,Effect}' as last_effect
from aws_iam_policy order by name;

-- name: r24_json_text_of_objects
select name, (s -> 'Condition')::text as cond_text, s -> 'Action' as actions
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s
where s ? 'Condition' order by name;

-- name: r24_json_elements_text_numbers
select x from jsonb_array_elements_text('[1, 1.0, 1.50, "a", null, true, {"b": 2}]') x;

-- name: r24_json_object_keys_order
select k from jsonb_object_keys('{"bbb": 1, "a": 2, "cc": 3, "aa": 4}') k;

-- name: r24_json_build_array_types
select jsonb_build_array(1, 1.50, 'x', null, true, date '2025-06-15', timestamptz '2025-06-15 10:00:00+00') as a,
  to_jsonb(array['a', 'b']) as b, to_jsonb(1.10) as c;

-- name: r24_json_compare_order
select tags from aws_iam_user order by tags nulls first, name;

-- name: r24_json_equality_values
select '{"a": 1, "b": [1, 2]}'::jsonb = '{"b": [1, 2], "a": 1.0}'::jsonb as eq,
  '[1, 2]'::jsonb @> '[2]' as cont, '{"a": {"b": 1}}'::jsonb @> '{"a": {}}' as nested;

-- name: r24_json_typeof_each
select key, jsonb_typeof(value) as t, value from jsonb_each('{"n": 1, "s": "x", "b": false, "z": null, "a": [], "o": {}}')
order by key;

-- name: r24_json_exists_key_array
select '["a", "b"]'::jsonb ? 'a' as in_array, '{"a": null}'::jsonb ? 'a' as null_key, '"a"'::jsonb ? 'a' as scalar;

-- name: r24_json_path_filters
select name, jsonb_path_query_array(policy_std, '$.Statement[*] ? (@.Action[*] starts with "iam:").Sid') as iam_sids,
  jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^kms:")') as kms
from aws_iam_policy order by name;

-- name: r24_json_path_size
select name, jsonb_path_query_first(policy_std, '$.Statement.size()') as n_statements
from aws_iam_policy order by name;

-- name: r24_regexp_replace_flags
select name, regexp_replace(name, '[aeiou]', '_', 'g') as all_vowels, regexp_replace(name, '[aeiou]', '_') as first_vowel,
  regexp_replace(name, '^(\w)(\w*)', '\2\1') as swapped, regexp_replace(upper(name), 'e', 'x', 'gi') as ci
from aws_iam_user order by name;

-- name: r24_regexp_match_null
select name, regexp_match(name, '(\d+)') as digits, (regexp_match(name, '^([a-z]+)-'))[1] as prefix
from aws_iam_user order by name;

-- name: r24_substring_forms
select name, substring(name from 2 for 3) as a, substring(name, 3) as b, substring(name from '[a-z]+$') as c,
  left(name, -2) as d, right(name, -2) as e
from aws_iam_user order by name;

-- name: r24_similar_to
select name, name similar to '(alice|bob)%' as s, name not similar to '%[0-9]%' as no_digit
from aws_iam_user order by name;

-- name: r24_trim_forms
select trim(leading '0' from '000120') as a, trim(trailing 'x' from 'abcxx') as b, ltrim('  x ') as c,
  rtrim('x  ') || '|' as d, btrim('xyhixy', 'xy') as e;

-- name: r24_ascii_chr_repeat
select ascii('A') as a, chr(65) as b, repeat('ab', 3) as c, reverse('abc') as d, to_hex(255) as e;

-- name: r24_bool_text_casts
select true::text as a, 't'::boolean as b, 'yes'::boolean as c, 'off'::boolean as d, true::int as e, 1::boolean as f,
  (mfa_enabled)::text as g
from aws_iam_user order by name limit 2;

-- name: r24_count_text_concat
select count(*)::text || ' users' as label, count(*) || '' as c, 'n=' || count(*) as d from aws_iam_user;

-- name: r24_numeric_literals
select 1e3 as a, 1.5e-3 as b, .5 as c, 5. as d, 0.1 + 0.2 = 0.3 as e, 0.1::float + 0.2::float = 0.3::float as f;

-- name: r24_numeric_special
select 'NaN'::float as a, 'Infinity'::float as b, '-Infinity'::numeric as c, 1e20::float as d, 1e-5::float as e;

-- name: r24_numeric_big
select 100000000000000000000::numeric * 3 as a, 2 ^ 62 as b, 9223372036854775807 as c, 12345678901234567890 as d;

-- name: r24_bit_ops
select 5 & 3 as a, 5 | 3 as b, 5 # 3 as c, ~5 as d, 1 << 4 as e, 256 >> 2 as f;

-- name: r24_abs_operators
select @ -5 as a, |/ 25 as b, ||/ 27 as c;

-- name: r24_nullif_coalesce_types
select nullif(attachment_count, 0) as a, coalesce(nullif(description, ''), 'none') as b,
  greatest(attachment_count, 1, null) as c, least(null::int, 2) as d
from aws_iam_policy order by name;

-- name: r24_round_on_double
select name, round((max_session_duration / 7.0)::numeric, 3) as a, round(max_session_duration::float / 7) as b,
  trunc(max_session_duration / 7.0, 1) as c
from aws_iam_role order by name;

-- name: r24_sum_window_ties_default_frame
select name, attachment_count, sum(attachment_count) over (order by attachment_count) as s,
  count(*) over (order by attachment_count) as c
from aws_iam_policy order by attachment_count, name;

-- name: r24_lag_partition_default
select account_id, name, lag(name, 1, '(first)') over (partition by account_id order by name) as prev
from aws_iam_user order by account_id, name;

-- name: r24_window_named_multi
select name, account_id, rank() over w, sum(max_session_duration) over w as s
from aws_iam_role window w as (partition by account_id order by max_session_duration desc)
order by account_id, name;

-- name: r24_distinct_on_nulls
select distinct on (description) description, name from aws_iam_role order by description nulls first, name;

-- name: r24_order_by_boolean
select name, mfa_enabled from aws_iam_user order by mfa_enabled desc, name;

-- name: r24_string_agg_null_values
select string_agg(description, ', ') as descs, string_agg(null, ',') as nothing, count(description) as n
from aws_iam_role;

-- name: r24_text_compare_case
select 'B' < 'a' as upper_first, 'abc' < 'abd' as c, 'Z' > 'é' as accent from aws_iam_user limit 1;

-- name: r24_cte_materialized_chain
with keys as (
  select user_name, count(*) as n from aws_iam_access_key group by user_name
), users as (
  select u.name, coalesce(k.n, 0) as keys from aws_iam_user u left join keys k on k.user_name = u.name
)
select keys, count(*) as users, string_agg(name, ',' order by name) as names from users group by keys order by keys;

-- name: r24_policy_wildcard_resource_cte
with statements as (
  select p.arn, s from aws_iam_policy p, jsonb_array_elements(p.policy_std -> 'Statement') s
), wildcard as (
  select arn, count(*) as n from statements where s -> 'Resource' ? '*' and s ->> 'Effect' = 'Allow' group by arn
)
select p.name, coalesce(w.n, 0) as wildcard_statements
from aws_iam_policy p left join wildcard w on w.arn = p.arn order by p.name;

-- name: r24_role_cross_account_trust
select r.name, a as principal, split_part(a, ':', 5) as trusted_account, split_part(a, ':', 5) <> r.account_id as cross_account
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_array_elements_text(s -> 'Principal' -> 'AWS') a
order by r.name, principal;

-- name: r24_role_trust_condition_values
select r.name, c.key as op, kv.key as k, v as value
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s,
  jsonb_each(s -> 'Condition') c, jsonb_each(c.value) kv, jsonb_array_elements_text(kv.value) v
order by r.name, op, k, value;

-- name: r24_event_assumed_role_session
select event_name, user_identity ->> 'arn' as arn, split_part(user_identity ->> 'arn', '/', 2) as role_name,
  user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated' as mfa
from aws_cloudtrail_trail_event where user_identity ->> 'type' = 'AssumedRole' order by event_time;

-- name: r24_event_request_param_values
select event_name, request_parameters ->> 'userName' as target_user, request_parameters ->> 'policyName' as policy,
  request_parameters ->> 'roleArn' as role_arn
from aws_cloudtrail_trail_event where request_parameters is not null order by event_name;
-- name: r24_action_string_or_array_normalise
select name, a as action
from aws_iam_policy,
  jsonb_array_elements(case jsonb_typeof(policy -> 'Statement') when 'array' then policy -> 'Statement' else jsonb_build_array(policy -> 'Statement') end) s,
  jsonb_array_elements_text(case jsonb_typeof(s -> 'Action') when 'array' then s -> 'Action' else jsonb_build_array(s -> 'Action') end) a
order by name, action;

-- name: r24_perimeter_public_principal
select r.name,
  bool_or(coalesce(s -> 'Principal' -> 'AWS', '[]') ?| array['*']) as public_aws,
  count(*) filter (where s -> 'Principal' ? 'Service') as service_statements
from aws_iam_role r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') s
group by r.name order by r.name;

-- name: r24_json_number_texts
select '{"a": 1.10, "b": 1e2, "c": -0.0, "d": 12345678901234567890}'::jsonb ->> 'a' as a,
  '{"a": 1.10, "b": 1e2, "c": -0.0}'::jsonb ->> 'b' as b, '{"c": -0.0}'::jsonb -> 'c' as c,
  '{"d": 12345678901234567890}'::jsonb::text as d;

-- name: r24_json_each_text_nested
select key, value from jsonb_each_text('{"o": {"x": [1, 2]}, "n": 1.50, "s": "q\"t", "z": null}') order by key;

-- name: r24_json_pretty
select jsonb_pretty('{"b": [1, {"c": null}], "a": "x"}') as p;

-- name: r24_to_jsonb_times
select to_jsonb(timestamptz '2025-06-15 10:00:00.5+00') as a, to_jsonb(date '2025-06-15') as b,
  to_jsonb(interval '1 day') as c, to_jsonb(1.50) as d, to_jsonb('x'::text) as e;

-- name: r24_path_type_and_last
select name, jsonb_path_query_first(policy_std, '$.Statement[last].Effect') as last_effect,
  jsonb_path_query_first(policy_std, '$.Statement.type()') as t
from aws_iam_policy order by name;

-- name: r24_path_like_regex_flag_i
select name, jsonb_path_exists(policy_std, '$.Statement[*].Action[*] ? (@ like_regex "^IAM:" flag "i")') as iam
from aws_iam_policy order by name;

-- name: r24_path_exists_filter
select name, jsonb_path_query_array(policy_std, '$.Statement[*] ? (exists(@.Condition)).Effect') as conditioned
from aws_iam_policy order by name;

-- name: r24_srf_in_select_zip
select name, jsonb_array_elements_text(akas) as aka, generate_series(1, 2) as n from aws_iam_group order by name, n;

-- name: r24_regexp_split_to_table
select name, part from aws_iam_user, regexp_split_to_table(name, '[-.]') as part order by name, part;

-- name: r24_string_to_table
select t from string_to_table('iam,sts,,s3', ',') as t;

-- name: r24_unnest_select_list
select name, unnest(array['read', 'write']) as mode from aws_iam_group order by name, mode;

-- name: r24_varchar_cut_cast
select name, name::varchar(3) as short, cast(name as varchar(50)) as full_name from aws_iam_user order by name;

-- name: r24_format_positional_width
select format('%-12s|%5s|', name, coalesce(jsonb_array_length(groups), 0)) as row_text,
  format('%2$s/%1$s', name, path) as swapped
from aws_iam_user order by name;

-- name: r24_quote_functions
select quote_literal(name) as ql, quote_nullable(null::text) as qn, quote_ident(name) as qi from aws_iam_user order by name;

-- name: r24_sha_md5_encode
select name, encode(sha256(name::bytea), 'hex') as sha, encode(name::bytea, 'base64') as b64,
  convert_from(decode('aGVsbG8=', 'base64'), 'UTF8') as decoded
from aws_iam_user order by name;

-- name: r24_pg_typeof
select pg_typeof(1) as a, pg_typeof(1.5) as b, pg_typeof('x'::text) as c, pg_typeof(now()) as d,
  pg_typeof('{}'::jsonb) as e;

-- name: r24_untyped_interval_literal
select name, create_date + '1 day' as next_day, create_date > now() - '3650 days'::interval as in_decade,
  create_date::date between '2019-01-01' and '2021-12-31' as window
from aws_iam_user order by name;

-- name: r24_epoch_days_integer
select name, extract(epoch from now() - create_date)::int / 86400 > 365 as old_enough,
  floor(extract(epoch from (timestamptz '2025-06-15 00:00:00+00' - create_date)) / 86400)::int as days
from aws_iam_user order by name;

-- name: r24_date_part_of_age
select name, date_part('year', age(timestamptz '2025-06-15 00:00:00+00', create_date)) as y,
  date_part('month', age(timestamptz '2025-06-15 00:00:00+00', create_date)) as m
from aws_iam_user order by name;

-- name: r24_interval_literals_units
select interval '1' day as a, '1 week'::interval as b, interval '2' hour as c, '1.5 hours'::interval as d,
  interval '1 mon' as e, '3 days 4 hours'::interval * 2 as f;

-- name: r24_isfinite_infinity
select isfinite(date '2025-06-15') as a, isfinite('infinity'::timestamptz) as b, 'infinity'::timestamptz > now() as c;

-- name: r24_age_single_arg
select name, age(create_date) > interval '1 year' as older_than_year from aws_iam_user order by name;

-- name: r24_connection_ctx
select _ctx ->> 'connection_name' as conn, count(*) as users from aws_iam_user group by 1 order by 1;

-- name: r24_akas_title
select title, akas ->> 0 as aka, jsonb_array_length(akas) as n from aws_iam_role order by title;

-- name: r24_window_filter_agg
select name, count(*) filter (where mfa_enabled) over (partition by account_id) as mfa_in_account,
  sum(case when mfa_enabled then 1 else 0 end) over (order by name rows between 1 preceding and 1 following) as neighbours
from aws_iam_user order by name;

-- name: r24_string_agg_distinct_services
select string_agg(distinct split_part(a, ':', 1), ',' order by split_part(a, ':', 1)) as services
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s, jsonb_array_elements_text(s -> 'Action') a;

-- name: r24_array_agg_text_cast
select account_id, array_agg(name order by name)::text as names, array_to_string(array_agg(name order by name desc), ';') as rev
from aws_iam_user group by account_id order by account_id;

-- name: r24_nested_cte_window_top_n
with ranked as (
  select account_id, name, max_session_duration,
    row_number() over (partition by account_id order by max_session_duration desc, name) as rn
  from aws_iam_role
)
select account_id, name, max_session_duration from ranked where rn <= 2 order by account_id, rn;

-- name: r24_mixed_numeric_sums
select sum(max_session_duration) / count(*) as int_avg, sum(max_session_duration)::numeric / count(*) as num_avg,
  round(avg(max_session_duration) / 3600, 2) as hours
from aws_iam_role;

-- name: r24_case_returns_numeric_scales
select name, case when attachment_count > 1 then 1.5 when attachment_count = 1 then 2 else 0.25 end as weight
from aws_iam_policy order by name;

-- name: r24_coalesce_numeric_int
select name, coalesce(permissions_boundary_usage_count, 0) + 0.5 as n, coalesce(attachment_count, 1.0) as m
from aws_iam_policy order by name;

-- name: r24_event_cloudtrail_event_field
select event_id, cloudtrail_event ->> 'eventName' as name, cloudtrail_event -> 'userIdentity' ->> 'type' as type
from aws_cloudtrail_trail_event order by event_id;

-- name: r24_event_count_by_day_hour_grid
select to_char(event_time, 'YYYY-MM-DD') as day, extract(hour from event_time)::int as hour, count(*) as n
from aws_cloudtrail_trail_event group by 1, 2 order by 1, 2;
-- name: r24_scale_numeric_division
select 1 / 3::numeric as a, 10 / 4.0 as b, 2.50 * 1.5 as c, 100.0 / 7 as d, 1::numeric / 1000000 as e;

-- name: r24_scale_avg_sum_numeric
select avg(attachment_count::numeric) as a, sum(attachment_count * 1.50) as b, avg(1.25) as c from aws_iam_policy;

-- name: r24_scale_round_trunc_numeric
select round(10 / 3.0, 4) as a, trunc(10 / 3.0, 2) as b, round(5.5) as c, round(-5.5) as d, round(0.125, 2) as e;

-- name: r24_scale_percent_strings
select name, round(100.0 * attachment_count / nullif(sum(attachment_count) over (), 0), 1) || '%' as share
from aws_iam_policy order by name;

-- name: r24_to_char_more_patterns
select to_char(timestamptz '2025-06-05 14:07:09.123+00', 'YYYY-MM-DD"T"HH24:MI:SS.MS') as a,
  to_char(timestamptz '2025-06-05 14:07:09+00', 'HH12:MI AM') as b,
  to_char(timestamptz '2025-06-05 14:07:09+00', 'FMMonth FMDD, YYYY') as c,
  to_char(timestamptz '2025-06-05 14:07:09+00', 'Q') as d,
  to_char(timestamptz '2025-06-05 14:07:09+00', 'YY-MON-DD') as e;

-- name: r24_to_char_numbers_more
select to_char(1234567.891, 'FM9,999,999.00') as a, to_char(0.05, '0.99') as b, to_char(-12, '999') as c,
  to_char(12, 'FM00000') as d, to_char(3.5, '9') as e;

-- name: r24_greatest_dates
select name, greatest(create_date, role_last_used_date) as latest, least(create_date, role_last_used_date) as earliest
from aws_iam_role order by name;

-- name: r24_case_in_order_by
select name from aws_iam_role
order by case when role_last_used_date is null then 0 else 1 end, role_last_used_date desc, name;

-- name: r24_interval_justify_output
select name, justify_interval(role_last_used_date - create_date) as used_after
from aws_iam_role where role_last_used_date is not null order by name;

-- name: r24_date_series_missing_days
select d::date as day
from generate_series(date '2025-06-12', date '2025-06-15', interval '1 day') d
where not exists (select 1 from aws_cloudtrail_trail_event e where e.event_time::date = d::date)
order by day;

-- name: r24_lateral_top_statement
select p.name, top.effect, top.n_actions
from aws_iam_policy p
  cross join lateral (
    select s ->> 'Effect' as effect, jsonb_array_length(s -> 'Action') as n_actions
    from jsonb_array_elements(p.policy_std -> 'Statement') s
    order by jsonb_array_length(s -> 'Action') desc nulls last limit 1
  ) top
order by p.name;

-- name: r24_jsonb_agg_objects_ordered
select account_id, jsonb_agg(jsonb_build_object('name', name, 'mfa', mfa_enabled) order by name) as users
from aws_iam_user group by account_id order by account_id;

-- name: r24_jsonb_object_agg_counts
select jsonb_object_agg(event_name, n) as counts
from (select event_name, count(*) as n from aws_cloudtrail_trail_event group by event_name) c;

-- name: r24_json_agg_distinct_sources
select json_agg(distinct event_source order by event_source)::text as sources from aws_cloudtrail_trail_event;

-- name: r24_array_ops_on_aggregates
select array_length(array_agg(name), 1) as n, (array_agg(name order by name))[1] as first,
  (array_agg(name order by name))[2:3] as slice, array_agg(name order by name) @> array['bob'] as has_bob
from aws_iam_user;

-- name: r24_any_over_jsonb_text_array
select name from aws_iam_user
where 'admins' = any(array(select g ->> 'GroupName' from jsonb_array_elements(groups) g)) order by name;

-- name: r24_count_distinct_jsonb
select count(distinct policy_std -> 'Statement' -> 0 -> 'Effect') as effects, count(distinct tags) as tag_sets
from aws_iam_policy;

-- name: r24_group_by_jsonb_value
select s -> 'Effect' as effect, count(*) as n
from aws_iam_policy, jsonb_array_elements(policy_std -> 'Statement') s group by s -> 'Effect' order by n desc, effect;

-- name: r24_text_search_ilike_escape
select name from aws_iam_policy where name ilike '%\_%' escape '\' or name like 'backup%' order by name;

-- name: r24_not_like_null
select name, description not like '%role%' as not_role from aws_iam_role order by name;

-- name: r24_boolean_aggregates_windows
select name, bool_and(mfa_enabled) over (partition by account_id) as all_mfa, every(mfa_enabled) over () as everyone
from aws_iam_user order by name;

-- name: r24_min_max_text_timestamps
select min(name) as first_name, max(name) as last_name, min(create_date) as oldest, max(password_last_used) as latest_login
from aws_iam_user;

-- name: r24_interval_to_text_concat
select name, 'session: ' || (max_session_duration * interval '1 second') as s from aws_iam_role order by name;

-- name: r24_extract_from_interval_subtraction
select name, extract(day from (timestamptz '2025-06-15 00:00:00+00' - create_date)) as days
from aws_iam_role order by name;

-- name: r24_nullif_division_guard
select account_id, count(*) filter (where mfa_enabled) / nullif(count(*), 0)::float as share,
  count(*) filter (where mfa_enabled) * 100 / nullif(count(*), 0) as pct_int
from aws_iam_user group by account_id order by account_id;

-- name: r24_numeric_nan_over_zero
select 'NaN'::numeric / 0 as a, 'NaN'::float / 0 as b, 'NaN'::numeric % 0 as c, 5 / 'NaN'::numeric as d;

-- name: date_input_styles_postgres_reads
select 'Jun 15 2025'::date as month_day_year, 'June 15, 2025'::date as long_month, '15-Jun-2025'::date as day_mon_year,
  '2025.06.15'::date as dotted, '20250615'::date as compact, 'J2460000'::date as julian, date '06/15/2025' as slashed,
  'Sunday, June 15, 2025'::date as with_weekday, '2025-166'::date as day_of_year, '6/15/25'::date as two_digit_year,
  '25 Jun 15'::date as day_first;

-- name: timestamp_input_styles_postgres_reads
select 'Jun 15 2025 10:00 PM'::timestamptz as meridiem, 'June 15, 2025 10:00:00 UTC'::timestamptz as named_utc,
  '15-Jun-2025 10:00 -05:30'::timestamptz as offset_after, timestamp '20250615 12:30 AM' as without_zone,
  'Jun 15 2025 10:00 -05'::timestamp as zone_ignored, 'Jun 15 2025 23:00 +02'::date as date_of_time;

-- name: timestamp_fraction_rounded_to_microseconds
select '2025-06-15 10:00:00.9999995+00'::timestamptz as carries_second,
  timestamp '2025-06-15 23:59:59.9999995' as carries_day, '2025-06-15 10:00:00.1234565'::timestamptz as half_even,
  '2025-06-15 10:00:00.123456789'::timestamp as nine_digits, '2025-06-15 23:59:59.9999995'::date as date_keeps_day;

-- name: time_text_in_other_styles_cast
select t, (t::jsonb ->> 'at')::timestamptz as at, (t::jsonb ->> 'at')::date as day
from (values ('{"at": "Jun 14, 2025 9:00:00 AM"}'), ('{"at": "2025-06-15 10:00:00.9999995+00"}'),
  ('{"at": "20250615"}'), ('{"at": "June 15, 2025"}'), ('{"at": "2025-06-15T10:11:12Z"}'), ('{}')) as v(t)
order by t;

-- name: time_literal_other_style_compared
select name, create_date > 'Jan 1 2020' as after_2020,
  create_date between 'January 1, 2015' and '12/31/2030 11:59 PM' as in_range
from aws_iam_user
order by name;

-- name: bc_year_fields
select extract(year from d) as year, extract(decade from d) as decade,
  extract(century from d) as century, extract(millennium from d) as millennium, extract(isoyear from d) as isoyear,
  date_part('year', d::timestamptz) as tz_year, date_part('decade', d::timestamp) as ts_decade
from (values ('0001-06-01 BC'::date), ('0009-12-31 BC'::date), ('0010-01-01 BC'::date), ('0011-01-01 BC'::date),
  ('0044-03-15 BC'::date), ('0101-01-01 BC'::date), ('1001-01-01 BC'::date), ('2025-06-15'::date)) as v(d)
order by d;

-- name: bc_time_text_in_concat_and_format
select concat('0044-03-15 BC'::date, '!') as day, concat_ws('/', 'at', '0044-03-15 10:00:00 BC'::timestamptz) as moment,
  format('%s|%L', '0044-03-15 BC'::date, timestamp '0044-03-15 10:00:00 BC') as formatted,
  'Jun 15 44 BC'::date::text as month_name_bc;

-- name: to_char_translation_mode_prefix
select name, to_char(create_date, 'TMMonth') as month, to_char(create_date, 'TMDay, TMDD TMMon YYYY') as day,
  to_char(create_date, 'tmmonth|TMMONTH|TMdy') as cased
from aws_iam_user
order by name;

-- name: order_by_alias_bare_and_input_column_in_expression
select lower(name) as name, account_id as path, path as p from aws_iam_user
order by upper(name), length(path), name, p;

-- name: text_to_date_and_timestamp_of_iso_times
select t, (t::jsonb ->> 'at')::date as day, (t::jsonb ->> 'at')::timestamp as at
from (values ('{"at": "2025-06-15 10:00:00"}'), ('{"at": "2025-06-15T10:00:00Z"}'), ('{"at": "2025-06-15 10:00:00+05"}'))
  as v(t)
order by t;

-- name: to_char_of_bc_dates_and_eras
select to_char(make_date(-44, 3, 15), 'Y,YYY-MM-DD BC') as ides, to_char(date '0044-03-15 BC', 'FMYYY b.c.') as era,
  to_char(timestamptz '0044-03-15 10:00:00+00 BC', 'Y,YYY-MM-DD HH24:MI A.D.') as moment,
  to_char(timestamp '0101-01-01 00:00:00 BC', 'YYY Y ad') as century;

-- name: to_char_year_patterns_across_eras
select y, to_char(make_date(y, 6, 1), 'YYY FMYYY Y IYY IY I Y,YYY bc B.C. FMYYYth') as t
from (values (-101), (-100), (-99), (-1), (1), (99), (100), (101), (1999), (2000), (2001), (2024), (10000), (12345)) v(y)
order by y;

-- name: to_char_year_patterns_of_creation_dates
select name, to_char(create_date, 'Y,YYY IYYY-IW YYY Y AD') as year_text, to_char(create_date, 'FMIYYY iy i bc') as iso
from aws_iam_user
order by name;

-- name: time_input_zone_abbreviations_24h_and_iso_basic
select '2025-06-15 10:00 PST'::timestamptz as pacific, 'Jun 15 2025 10:00 pm EDT'::timestamptz as eastern,
  '2025-06-15T10:00:00CEST'::timestamptz as central_europe, '2025-06-15 10:00 PST'::timestamp as zone_ignored,
  'Jun 15 2025 24:00'::timestamp as end_of_day, '20250615T100000'::timestamp as basic,
  '20250615T1000Z'::timestamptz as basic_utc, '20250615 103000.5 PST'::timestamptz as basic_fraction,
  '20250615T100000-0230'::timestamptz as basic_offset, '24:00'::time::text as midnight;

-- name: time_input_styles_of_text_values
select t, t::timestamptz as at, t::timestamp as wall, t::date as day
from (values ('2025-06-15 10:00 PST'), ('20250615T100000'), ('Jun 15 2025 24:00 nzst'), ('2025-06-15 10:00:00 aest'))
  as v(t)
order by t;

-- name: values_list_later_rows_read_as_the_first_rows_time
select d::text as day, extract(year from d) as year, to_char(d, 'Y,YYY BC') as era
from (values (date '2024-01-01'), ('0044-03-15 BC'), ('Jun 15 2025'), ('20250101')) t(d)
order by d;

-- name: values_list_of_timestamptz_with_other_styles
select at::text as moment, at < now() as past
from (values ('0044-03-15 10:00:00 BC'), (timestamptz '2024-01-01 10:00+00'), ('Jun 15 2025 10:00 PST'),
  ('yesterday')) t(at)
order by at;

-- name: values_list_of_text_is_text
select x, x::numeric::text as exact, x::numeric * 2 as doubled, x || '%' as percent, length(x) as n,
  upper(x) = x as no_letters
from (values ('1.50'), ('2'), ('-0.0'), (null)) as v(x)
order by x nulls first;

-- name: fetch_with_ties_by_ordinal
select name, attachment_count from aws_iam_policy order by 2 desc fetch first 2 rows with ties;

-- name: fetch_with_ties_by_alias_and_aggregate
select account_id, count(*) as users from aws_iam_user group by account_id order by users desc, account_id fetch next 1 row with ties;

-- name: fetch_with_ties_default_count
select name, path from aws_iam_role order by path fetch first row with ties;

-- name: fetch_with_ties_nulls
select name, role_last_used_date as path from aws_iam_role order by path desc fetch first 1 rows with ties;

-- name: to_char_four_digit_years_and_centuries_of_bc_times
select y, to_char(make_date(y, 3, 15), 'YYYY-MM-DD') as day, to_char(make_date(y, 3, 15), 'FMYYYY') as fill,
  to_char(make_date(y, 3, 15), 'YY IYYY FMIYYY CC FMCC YYYYth') as other,
  to_char(make_date(y, 3, 15)::timestamp, 'YYYY-MM-DD HH24 CC') as wall,
  to_char(make_date(y, 3, 15)::timestamptz, 'YYYY-MM-DD HH24 CC BC') as moment
from (values (-4713), (-1000), (-101), (-100), (-44), (-1), (1), (44), (99), (100), (2024), (10000), (12345)) v(y)
order by y;

-- name: to_char_year_of_bc_literals
select to_char(date '0044-03-15 BC', 'YYYY') as y, to_char(date '0044-03-15 BC', 'YYYY-MM-DD') as d,
  to_char(date '0044-03-15 BC', 'FMYYYY') as fm, to_char(timestamptz '0044-03-15 10:00:00+00 BC', 'YYYY-MM-DD CC') as tz,
  to_char(timestamp '0001-12-31 23:00:00 BC', 'YYYY IYYY YY CC') as first_bc;

-- name: fetch_with_ties_after_offset
select * from (
  select name, attachment_count from aws_iam_policy order by attachment_count desc offset 2 fetch first 1 rows with ties
) as second_tier
order by name;

-- name: fetch_with_ties_after_offset_on_a_tied_key
select account_id, count(*) as policies from aws_iam_policy group by account_id order by policies offset 1 rows fetch next 1 row with ties;

-- name: fetch_with_ties_of_distinct_values
select distinct path from aws_iam_role order by path fetch first 2 rows with ties;

-- name: fetch_with_ties_of_distinct_rows_by_ordinal_and_expression
select distinct account_id, lower(path) as p from aws_iam_user order by 1 desc, lower(path) fetch first 1 rows with ties;

-- name: fetch_with_ties_of_a_union
select * from (
  select name, 'role' as kind from aws_iam_role union select name, 'user' from aws_iam_user order by kind fetch first 1 rows with ties
) as firsts
order by name;

-- name: fetch_with_ties_of_an_except_by_name
select account_id, path from aws_iam_role except select account_id, path from aws_iam_user order by path desc fetch first 1 rows with ties;

-- name: fetch_with_ties_of_a_union_all_after_offset
select account_id from aws_iam_role union all select account_id from aws_iam_user order by 1 offset 2 fetch first 3 rows with ties;

-- name: time_input_zone_abbreviations_defined_by_a_zone
select '2025-06-15 10:00 SGT'::timestamptz as singapore, '1980-06-15 10:00 SGT'::timestamptz as singapore_1980,
  '2025-06-15 10:00 MSK'::timestamptz as moscow, '2012-06-15 10:00 MSK'::timestamptz as moscow_2012,
  '2010-06-15 10:00 MSK'::timestamptz as moscow_summer_2010, 'Jun 15 2025 10:00 msk'::timestamptz as moscow_words,
  '2025-01-15 10:00 VLAT'::timestamptz as vladivostok, '2025-06-15 10:00 YEKT'::timestamptz as yekaterinburg,
  '2025-06-15 10:00 NPT'::timestamptz as nepal, '2025-06-15 10:00 CHAST'::timestamptz as chatham;

-- name: time_input_posix_zones_count_hours_west
select '2025-06-15 10:00 PST+1'::timestamptz as pst_plus_1, '2025-06-15 10:00 UTC+3'::timestamptz as utc_plus_3,
  '2025-06-15 10:00 UTC-3'::timestamptz as utc_minus_3, '2025-06-15 10:00 EST+2'::timestamptz as est_plus_2,
  '2025-06-15 10:00 PST-1:30'::timestamptz as half_hour, '2025-06-15T10:00:00UTC+3'::timestamptz as iso_t,
  'Jun 15 2025 10:00 utc+3'::timestamptz as words, '2025-06-15 10:00 UTC+3'::timestamp as zone_ignored;

-- name: time_input_zones_of_text_values
select t, t::timestamptz as at
from (values ('2025-06-15 10:00 SGT'), ('2010-06-15 10:00 MSK'), ('2025-06-15 10:00 UTC+3'), ('2025-06-15 10:00 PST+1'),
  ('2025-06-15 10:00 NPT')) as v(t)
order by t;

-- name: at_time_zone_abbreviations_and_posix_zones
select timestamptz '2025-06-15 10:00+00' at time zone 'PST' as pst, timestamptz '2025-06-15 10:00+00' at time zone 'CET' as cet,
  timestamptz '2025-06-15 10:00+00' at time zone 'UTC+3' as posix, timestamptz '2025-06-15 10:00+00' at time zone 'PST+1' as pst_1,
  timestamptz '2025-06-15 10:00+00' at time zone '+3' as bare, timestamptz '2025-06-15 10:00+00' at time zone 'npt' as nepal,
  timestamp '2025-06-15 10:00' at time zone 'UTC+3' as from_wall, timestamp '2025-06-15 10:00' at time zone 'CET' as from_cet,
  timestamptz '2025-06-15 10:00+00' at time zone 'America/New_York' as named;

-- name: at_time_zone_abbreviations_defined_by_a_zone
select t, t at time zone 'MSK' as moscow, t at time zone 'SGT' as singapore, t at time zone 'msd' as moscow_summer
from (values (timestamptz '2025-06-15 10:00+00'), ('2012-06-15 10:00+00'), ('2010-06-15 10:00+00'), ('1980-06-15 10:00+00'),
  ('1991-03-31 01:00+00')) as v(t)
order by t;

-- name: at_time_zone_of_event_times
select event_name, event_time at time zone 'PST' as pacific, event_time at time zone 'MSK' as moscow,
  to_char(event_time at time zone 'UTC+5', 'YYYY-MM-DD HH24:MI') as west_5
from aws_cloudtrail_trail_event
order by event_time, event_name;

-- name: interval_sum_and_avg_of_gaps
select event_source, avg(gap) as average_gap, sum(gap) as total_gap, count(*) as gaps
from (
  select event_source, event_time - lag(event_time) over (partition by event_source order by event_time, event_id) as gap
  from aws_cloudtrail_trail_event
) as gaps
where gap is not null
group by event_source;

-- name: interval_avg_of_mixed_parts
select avg(i) as average, sum(i) as total, avg(i) filter (where i > interval '1 day') as long_average
from (values (interval '1 month 3 days 10:00:00'), (interval '2 days 00:00:00.000001'), (interval '-1 mon 07:30'),
  (interval '14 days 25:00:00')) as v(i);

-- name: interval_avg_over_window
select name, avg(now() - create_date) over (partition by account_id) as account_average,
  sum(interval '1 hour') over (order by name) as hours
from aws_iam_user
order by name;

-- name: interval_avg_and_sum_distinct
select avg(distinct i)::text as average, sum(distinct i)::text as total, count(distinct i) as n,
  avg(distinct i) filter (where i > interval '1 day') as long_average
from (values (interval '1 month 3 days 10:00:00'), (interval '1 month 3 days 10:00:00'), (interval '2 days 00:00:00.000001'),
  (interval '-1 mon 07:30'), (interval '14 days 25:00:00'), (interval '2 mons'), (null)) as v(i);

-- name: interval_avg_distinct_months_justified
select account_id, avg(distinct interval '1 month' * length(name))::text as months,
  sum(distinct date_trunc('day', create_date) - timestamptz '2010-01-01 00:00:00+00')::text as days_since
from aws_iam_user
group by account_id
order by account_id;

-- name: interval_text_of_null
select name, (password_last_used - create_date)::text as used_after, sum(distinct interval '1 day') filter (where false)::text as none
from aws_iam_user
group by name, password_last_used, create_date
order by name;

-- name: fetch_with_ties_of_a_union_with_one_name_twice
select r.name, u.name from aws_iam_role r join aws_iam_user u using (account_id)
union select 'zz-role', 'zz-user'
order by 1 desc, 2 fetch first 2 rows with ties;

-- name: fetch_with_ties_of_distinct_rows_with_unnamed_columns
select distinct account_id, count(*), max(name) as account_id, 1
from aws_iam_user
group by account_id
order by 2 desc, 1
fetch first 1 rows with ties;

-- name: fetch_with_ties_of_an_intersect_of_repeated_columns
select account_id, account_id, upper(path) from aws_iam_role
intersect select account_id, account_id, upper(path) from aws_iam_user
order by 3, 1 fetch first 1 rows with ties;

-- name: generate_subscripts_of_role_arn_parts
select name, account_id, i, (string_to_array(arn, '/'))[i] as part
from aws_iam_role,
  generate_subscripts(string_to_array(arn, '/'), 1) as i
order by name, account_id, i;

-- name: generate_subscripts_reversed_in_select_list_and_unnamed
select generate_subscripts(array['a', 'b', 'c'], 1, true) as down, generate_subscripts(array['x', 'y', 'z'], 1)
order by 1;

-- name: generate_subscripts_of_empty_null_and_other_dimensions
select (select count(*) from generate_subscripts('{}'::text[], 1)) as of_empty,
  (select count(*) from generate_subscripts(null::int[], 1)) as of_null,
  (select count(*) from generate_subscripts(array[1, 2], 2)) as second_dimension,
  (select string_agg(g::text, ',') from generate_subscripts(array[5, 6], 1) as g) as named;

-- name: star_over_a_subquery_with_one_name_twice
select * from (select name, name, lower(name) as name from aws_iam_user) as t
order by 1, 3;

-- name: star_over_a_cte_of_unnamed_aggregates
with counts as (select account_id, count(*), count(distinct path), max(name), max(path) as max from aws_iam_role group by account_id)
select *, counts.account_id from counts
order by account_id;

-- name: star_of_one_source_with_repeated_names_beside_a_table
select g.name, t.* from (select count(*), count(distinct path), 1, 2 from aws_iam_role) as t, aws_iam_group as g
order by g.name, g.account_id;

-- name: star_over_a_union_with_one_name_twice_ranked_with_ties
select * from (
  select r.name, u.name from aws_iam_role r join aws_iam_user u on r.account_id = u.account_id
  union select 'zz-role', 'zz-user'
  order by 1 desc, 2 fetch first 3 rows with ties
) as t
order by 1, 2;

-- name: s29_regexp_functions_from_a_start_position
select name, regexp_count(arn, ':', 5) as colons_after_service, regexp_count(name, 'a', 1, 'i') as a_any_case,
  regexp_substr(arn, '[^:/]+', 1, 5) as fifth_part, regexp_substr(arn, '[^:/]+', 14, 2) as second_from_14,
  regexp_substr(arn, '(\d)(\d)', 1, 2, '', 2) as second_pair_digit, regexp_instr(arn, '/', 5) as slash_at,
  regexp_instr(arn, ':', 6, 1, 1) as after_colon, regexp_count(name, 'x*', length(name) + 1) as empty_rest,
  regexp_count(name, 'a', length(name) + 5) as past_end, regexp_substr(name, '.', length(name) + 5) as none_past_end,
  regexp_instr(name, 'a', length(name) + 5) as zero_past_end
from aws_iam_user
order by name;

-- name: s29_substring_with_null_or_nonpositive_start
select name, substr(name, null) as a, substr(name, 2, null) as b, substring(name from null for 2) as c,
  substring(name from 0 for 2) as d, substring(name from -3 for 5) as e, substr(name, case when name < 'm' then 2 end) as f,
  regexp_count(name, 'e', case when name < 'm' then 1 end) as g, regexp_instr(case when name > 'm' then name end, 'e', 2) as h
from aws_iam_user
order by name;

-- name: s29_star_over_repeated_names_beside_a_function
select * from (select u.name, g.name from aws_iam_user u join aws_iam_group g on g.account_id = u.account_id) t
  cross join lateral jsonb_each_text('{"k": "v"}') x
order by 1, 2;

-- name: s29_qualified_star_over_repeated_names_beside_unnest
select t.*, n.* from (select u.name, r.name from aws_iam_user u, aws_iam_role r) t, unnest(array[1, 2]) n
order by 1, 2, 3;

-- name: s29_star_over_repeated_names_joined_using
select * from (select u.name, g.name, u.account_id from aws_iam_user u join aws_iam_group g using (account_id)) t
  join (select account_id, count(*) as roles from aws_iam_role group by account_id) r using (account_id)
order by 2, 3;

-- name: s29_overlaps_periods_and_intervals
select name, (create_date, now()) overlaps (timestamptz '2018-01-01 00:00:00+00', interval '1 year') as existed_in_2018,
  (create_date, create_date) overlaps (create_date, interval '1 day') as instant_in_first_day,
  (create_date, null::timestamptz) overlaps (timestamptz '2000-01-01 00:00:00+00', timestamptz '2001-01-01 00:00:00+00') as undecided,
  (date '2020-03-01', date '2020-01-01') overlaps (date '2020-02-01', date '2020-02-02') as reversed,
  make_interval(secs => length(name) * 1000) as long_secs
from aws_iam_user
order by name;

-- name: r33_date_function_minus_date_function
select access_key_id, date(now()) - date(create_date) as age_days, date(create_date) + 7 as week_later, date(create_date)::text as created
from aws_iam_access_key
order by access_key_id;

-- name: r33_date_plus_days_minus_date
select name, create_date::date + 90 as due, (create_date::date + 90) - current_date as days_left, (7 + create_date::date) - create_date::date as seven
from aws_iam_user
order by account_id, name;

-- name: r34_integer_division_by_nullif_of_sum
select account_id, count(*) * 100 / nullif(sum(case when mfa_enabled then 1 else 0 end), 0) as pct_int,
  coalesce(sum(length(name)), 0) / count(*) as avg_len, abs(-sum(length(name))) as total
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_jsonb_agg_of_division_text
select account_id, jsonb_agg(length(name) / 3.0 order by name)::text as thirds, json_agg(length(name)::numeric / 7 order by name desc)::text as sevenths,
  jsonb_build_object(lower(account_id) || '_n', count(*)) as computed_key
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_picked_values_and_bit_aggregates_types
select account_id, percentile_disc(0.5) within group (order by length(name)) as median_len, mode() within group (order by extract(year from create_date)) as usual_year,
  bit_and(length(name)) as b_and, bit_or(length(name)) as b_or
from aws_iam_user
group by account_id
order by account_id;

-- name: r34_width_bucket_thresholds_and_corr_of_constant
select account_id, width_bucket(count(*), array[1, 2, 5]) as band, corr(1, length(name)) as c_const, regr_slope(length(name), 1) as s_const,
  corr(length(name), length(arn)) is not null as c_known
from aws_iam_role
group by account_id
order by account_id;

-- name: r34_to_jsonb_interval_and_jsonb_minus_index
select name, to_jsonb(create_date - timestamptz '2010-01-01 00:00:00+00') as since_2010, jsonb_build_object('max', interval '1 hour' * max_session_duration / 3600) as max_session,
  jsonb_build_array('a', 'b', name) - 0 as without_first, jsonb_build_array('a', 'b', name) - (-1) as without_last
from aws_iam_role
order by name;

-- name: r34_numeric_casts_of_integers_in_text
select name, concat('len ', length(name)::numeric, ', per 7 ', length(name)::numeric / 7) as c, format('%s|%s', length(arn)::numeric, count(*) over ()) as f,
  'ratio ' || (count(*) over ())::numeric / length(name) as r
from aws_iam_group
order by name;

-- name: r34_percentile_disc_fractions_of_integers
select account_id, percentile_disc(array[0.25, 0.5, 0.75]) within group (order by length(name)) as quartiles
from aws_iam_role
group by account_id
order by account_id;

-- name: r35_var_samp_filter_type
select account_id, var_samp(length(name)) filter (where path = '/') as vs, var_pop(length(name)) filter (where path <> '/') as vp,
  stddev(length(name)) filter (where length(name) > 3) as sd
from aws_iam_role
group by account_id
order by account_id;

-- name: r35_union_values_int4_type
select * from (values ('user', 1), ('role', 2)) as v(kind, n)
union
select 'policy', count(*)::int from aws_iam_policy
order by kind;

-- name: r35_union_values_literal_branch_type
select * from (values ('user', 1), ('role', 2)) as v(kind, n)
union all
select 'group', 3
order by kind;

-- name: r37_is_json_kinds_over_columns
select name, tags is json object as tags_object, inline_policies is json array as inline_array,
  name is json as name_is_json, ('{"n": "' || name || '"}') is json object with unique keys as built_object,
  ('[' || name || ']') is not json as broken
from aws_iam_user
order by name;

-- name: r37_is_json_texts_and_unique_keys
select t, t is json, t is json value with unique keys, t is json object, t is json array, t is json scalar,
  t::json is json object with unique keys as json_unique, t is not json array without unique keys as not_array
from (values ('{"a": 1, "b": {"a": 2}}'), ('{"a": 1, "b": {"c": 2, "c": 3}}'), ('[]'), ('"s"'), ('-1.5E+3'), ('false')) as v(t)
order by t;

-- name: r37_json_array_of_user_columns
select name, json_array(name, path, tags ->> 'team') as absent, json_array(name, tags ->> 'team' null on null) as kept,
  json_array(name, tags ->> 'team')::text as absent_text, json_array_length(json_array(tags ->> 'team', tags ->> 'x')) as n
from aws_iam_user
order by name;

-- name: r37_json_array_in_json_build_object
select json_build_object('name', name, 'parts', json_array(path, tags ->> 'team'))::text as doc,
  jsonb_build_object('parts', json_array(name, null, 1))::text as jdoc
from aws_iam_user
order by name;

-- name: r37_parse_ident_of_names
select name, parse_ident(regexp_replace(name, '[^A-Za-z0-9_]', '_', 'g')) as ident,
  parse_ident('"' || name || '".a' || account_id || ' rest', false) as quoted
from aws_iam_role
order by name, arn;
