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
