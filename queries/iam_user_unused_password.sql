/*
title: Console passwords in use
description: >-
  Each IAM user's console password was used within max_unused_days days before the data was taken; a password
  not used yet is allowed for max_unused_days days after it was set. The credential report shows sign-ins up to
  its GeneratedTime only: a password is unused when it already was for more than max_unused_days days when the
  report was generated; one whose gap crossed the limit only after the report, or a report generated before the
  period began, cannot be judged and is skipped. A password removed since the report (the user's get-login-profile
  answers NoSuchEntity: iam_user_sign_in) is gone and not judged. A password set after the report (get-login-profile
  shows one the report does not) passes within max_unused_days days of its CreateDate or when the user listing shows
  a sign-in within the limit; otherwise its use is unknown and it is skipped. So is a password deleted and set again
  after the report's password was last set (get-login-profile's CreateDate later than the report's
  password_last_changed): the report's last use is that of the password it replaced.
severity: medium
resource_type: AWS::IAM::User
rationale: A console password nobody uses is an unmonitored way in; removing it shrinks what an attacker can phish or guess. New users get a grace period so they are not flagged before their first sign-in.
remediation: Remove the console password (delete the login profile) of users who no longer sign in; they can get a new one when needed.
tables: [aws_iam_credential_report, iam_user_sign_in]
parameters:
  max_unused_days: 45
*/
with replaced as (
  -- the report's password was deleted and a new one set since it was last set (get-login-profile, read later)
  select r.user_arn
  from aws_iam_credential_report as r
    join aws_iam_user as u on u.account_id = r.account_id and u.name = r.user_name and u.login_profile_loaded
  where r.password_enabled
    and (u.login_profile ->> 'CreateDate')::timestamptz > coalesce(r.password_last_changed, r.generated_time)
), users as (
  select
    user_arn, user_name, account_id, region, password_last_used, user_creation_time, generated_time,
    date_part('day', now() - password_last_used)::int as days_unused,
    date_part('day', now() - coalesce(password_last_changed, user_creation_time))::int as days_since_set,
    -- "within max_unused_days days" to the second: a sign-in 45 days and 5 hours ago is more than 45 days ago
    password_last_used >= now() - :max_unused_days * interval '1 day' as used_recently,
    coalesce(password_last_changed, user_creation_time) >= now() - :max_unused_days * interval '1 day' as new_password,
    -- the report shows sign-ins up to its own time: unused for the whole limit by then is unused
    coalesce(password_last_used, password_last_changed, user_creation_time)
      < coalesce(generated_time, now()) - :max_unused_days * interval '1 day' as unused_at_report,
    date_part('day', now() - generated_time)::int as report_age
  from aws_iam_credential_report
  where user_name <> '<root_account>' and password_enabled
    -- still a console password as of the data (get-login-profile where loaded)
    and user_arn in (select user_arn from iam_user_sign_in where password_enabled)
    and user_arn not in (select user_arn from replaced)
)
select
  user_arn as resource,
  case
    when used_recently then 'ok'
    when password_last_used is null and new_password then 'ok'
    -- a report generated before the period began cannot show sign-ins within it
    when generated_time < now() - :max_unused_days * interval '1 day' then 'skip'
    when unused_at_report then 'alarm'
    else 'skip'
  end as status,
  case
    when used_recently
      then user_name || ' last signed in to the console ' || days_unused
        || case when days_unused = 1 then ' day' else ' days' end || ' before the data was taken.'
    when generated_time < now() - :max_unused_days * interval '1 day'
      then 'The credential report was generated on ' || to_char(generated_time, 'YYYY-MM-DD') || ', more than '
        || :max_unused_days || case when :max_unused_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so it cannot show whether ' || user_name
        || ' signed in since; load a current report.'
    when not unused_at_report and not (password_last_used is null and new_password)
      then user_name || coalesce(' last signed in to the console ' || days_unused
          || case when days_unused = 1 then ' day' else ' days' end, ' has not signed in with the password set '
          || days_since_set || case when days_since_set = 1 then ' day' else ' days' end)
        || ' before the data was taken, but the credential report was generated on '
        || to_char(generated_time, 'YYYY-MM-DD') || ', ' || report_age
        || case when report_age = 1 then ' day' else ' days' end
        || ' before the data was taken, when the password was not yet unused for ' || :max_unused_days
        || case when :max_unused_days = 1 then ' day' else ' days' end
        || '; the report cannot show sign-ins since; load a current report.'
    when password_last_used is not null
      then user_name || ' last signed in to the console '
        || case when days_unused > :max_unused_days then days_unused || case when days_unused = 1 then ' day' else ' days' end
           else 'over ' || :max_unused_days || case when :max_unused_days = 1 then ' day' else ' days' end end
        || ' before the data was taken (more than '
        || :max_unused_days || '); remove the console password if it is no longer needed.'
    when new_password
      then user_name || ' has not signed in yet; the password was set ' || days_since_set
        || case when days_since_set = 1 then ' day' else ' days' end || ' before the data was taken, within the '
        || :max_unused_days || '-day grace period.'
    -- password use is recorded since 2014-10-20: an older user may have signed in before that
    else user_name || ' has never signed in with the console password set ' || days_since_set
      || case when days_since_set = 1 then ' day' else ' days' end|| ' before the data was taken'
      || case when user_creation_time < '2014-10-20 00:00:00+00'::timestamptz
           then ' (or not since AWS began tracking in October 2014)' else '' end || '; remove the password.'
  end as reason,
  account_id,
  region
from users
union all
-- a password the report does not show, set after it or after the one it shows (get-login-profile read later): only
-- its CreateDate and the listing's PasswordLastUsed tell anything of its use; the grace period counts from the start
-- of the day it was set
select
  s.user_arn,
  case
    when u.password_last_used >= now() - :max_unused_days * interval '1 day' then 'ok'
    when left(u.login_profile ->> 'CreateDate', 10)::date::timestamptz >= now() - :max_unused_days * interval '1 day' then 'ok'
    else 'skip'
  end,
  case
    when u.password_last_used >= now() - :max_unused_days * interval '1 day'
      then s.user_name || ' last signed in to the console ' || date_part('day', now() - u.password_last_used)::int
        || case when date_part('day', now() - u.password_last_used)::int = 1 then ' day' else ' days' end
        || ' before the data was taken (the user listing; the credential report, generated earlier, shows '
        || case when s.report_password_enabled then 'only the password this one replaced' else 'no password' end
        || ').'
    when left(u.login_profile ->> 'CreateDate', 10)::date::timestamptz >= now() - :max_unused_days * interval '1 day'
      then 'The console password of ' || s.user_name || ' was set on '
        || left(u.login_profile ->> 'CreateDate', 10)
        || ' (get-login-profile; the credential report, generated earlier, does not show it), within the '
        || :max_unused_days || '-day grace period.'
    else 'The console password of ' || s.user_name || ' was set '
      || coalesce('on ' || left(u.login_profile ->> 'CreateDate', 10) || ', ', '')
      || case when s.report_password_enabled
           then 'after the password the credential report shows (get-login-profile): the report cannot show its use, and no '
           else 'after the credential report was generated (get-login-profile): the report cannot show its use, and no ' end
      || 'user listing shows a sign-in within ' || :max_unused_days
      || case when :max_unused_days = 1 then ' day' else ' days' end || '; load a current report.'
  end,
  s.account_id,
  s.region
from iam_user_sign_in as s
  join aws_iam_user as u on u.account_id = s.account_id and u.name = s.user_name and u.login_profile_loaded
where s.password_enabled
  and (s.report_password_enabled is not true or s.user_arn in (select user_arn from replaced))
