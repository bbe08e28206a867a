/*
title: Root user not used recently
description: >-
  Neither the root password nor a root access key was used within the last recent_days days before the data was
  taken. The credential report shows use up to its GeneratedTime only: a report generated before that period
  began cannot show use within it and is skipped; so is one generated more than four hours (the most a report AWS
  gives can lag) before the data was taken that shows no use in the period, since root may have been used after
  it. Use the report does show within the period alarms, however old the report.
severity: high
resource_type: AWS::IAM::RootUser
rationale: Everyday work as root bypasses every permission boundary and leaves no individual accountability; use of root outside the few tasks that need it is a sign of bad practice or compromise.
remediation: Find out who used root and why (CloudTrail userIdentity.type = Root); do the work with IAM roles instead, and keep root for the tasks that require it.
tables: [iamsql_account, aws_iam_credential_report]
parameters:
  recent_days: 90
*/
with root as (
  select
    account_id, user_arn, generated_time,
    greatest(password_last_used, access_key_1_last_used_date, access_key_2_last_used_date) as last_used
  from aws_iam_credential_report
  where user_name = '<root_account>'
)
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case
    when r.user_arn is null then 'skip'
    when r.last_used >= now() - :recent_days * interval '1 day' then 'alarm'
    -- a report older than the whole period says nothing about root use within it
    when r.generated_time < now() - :recent_days * interval '1 day' then 'skip'
    -- not used up to the report's time; use after it is unknown unless the report is as current as AWS gives
    -- one (generated at most every four hours)
    when r.generated_time < now() - interval '4 hours' then 'skip'
    else 'ok'
  end as status,
  case
    when r.user_arn is null then 'The credential report has no root user row, so root use cannot be judged; load a complete report.'
    when r.last_used >= now() - :recent_days * interval '1 day'
      then 'The root user was used on ' || to_char(r.last_used, 'YYYY-MM-DD') || ', '
        || date_part('day', now() - r.last_used)::int
        || case when date_part('day', now() - r.last_used)::int = 1 then ' day' else ' days' end
        || ' before the data was taken (within ' || :recent_days
        || '); find out who used it and why.'
    when r.generated_time < now() - :recent_days * interval '1 day'
      then 'The credential report was generated on ' || to_char(r.generated_time, 'YYYY-MM-DD') || ', more than '
        || :recent_days || case when :recent_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so it cannot show root use in that period; load a current report.'
    when r.generated_time < now() - interval '4 hours'
      then 'The credential report, generated on ' || to_char(r.generated_time, 'YYYY-MM-DD') || ', '
        || case when r.last_used is null then 'shows no root password or access-key use'
           else 'shows root last used on ' || to_char(r.last_used, 'YYYY-MM-DD') end
        || ', but it was generated more than four hours before the data was taken and cannot show root use since; '
        || 'load a current report.'
    when r.last_used is null then 'The root user has no recorded password or access-key use.'
    else 'The root user was last used on ' || to_char(r.last_used, 'YYYY-MM-DD') || ', more than ' || :recent_days
      || case when :recent_days = 1 then ' day' else ' days' end || ' before the data was taken.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join root as r on r.account_id = a.account_id
