/*
How each IAM user signs in to the console as of the data: whether it has a console password and an MFA device.
The credential report is up to four hours older than its GeneratedTime and only as new as its generation; the
user's get-login-profile and list-mfa-devices, read live, win where they are loaded: a login profile read (or
NoSuchEntity: no password, `login_profile_loaded` with `login_profile` NULL) over the report's password_enabled, the
listed devices (an empty list included) over its mfa_active. A user the report does not list (created after it) is
here when its get-login-profile is loaded: its password and devices are those outputs alone, its ARN the one a
listing (list-users, get-account-authorization-details, get-user) names, else that of a user of its name at the path
/ (get-login-profile gives no path). The root user is not here.

Columns: user_arn, user_name, account_id, partition, region, user_creation_time (the report's, else the listing's
CreateDate), password_enabled (get-login-profile where loaded, else the report's), report_password_enabled (NULL for
a user the report does not list), mfa_active (list-mfa-devices where loaded, else the report's; NULL when neither
says), report_mfa_active, password_last_used (the report's; for a user the report does not list, the listing's
PasswordLastUsed), keys_known (whether the data shows which access keys the user has: the report's slots, or for a
user the report does not list its list-access-keys, with a key or listed with none).
*/
select r.user_arn, r.user_name, r.account_id, r.partition, r.region, r.user_creation_time,
  case when u.login_profile_loaded then u.login_profile is not null else r.password_enabled end as password_enabled,
  r.password_enabled as report_password_enabled,
  coalesce(jsonb_array_length(u.mfa_devices) > 0, r.mfa_active) as mfa_active,
  r.mfa_active as report_mfa_active,
  r.password_last_used, true as keys_known
from aws_iam_credential_report as r
  left join aws_iam_user as u on u.account_id = r.account_id and u.name = r.user_name
where r.user_name <> '<root_account>'
union all
select coalesce(u.arn, 'arn:' || u.partition || ':iam::' || u.account_id || ':user/' || u.name), u.name, u.account_id,
  u.partition, 'global', u.create_date, u.login_profile is not null, null,
  jsonb_array_length(u.mfa_devices) > 0, null, u.password_last_used,
  exists (select 1 from aws_iam_access_key as k
      where k.account_id = u.account_id and k.user_name = u.name and k.create_date is not null)
    or exists (select 1 from iamsql_listed as l
      where l.table_name = 'aws_iam_access_key' and l.account_id = u.account_id and l.key = u.name)
from aws_iam_user as u
where u.login_profile_loaded
  and not exists (select 1 from aws_iam_credential_report as r where r.account_id = u.account_id and r.user_name = u.name)
