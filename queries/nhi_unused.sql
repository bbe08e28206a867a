/*
title: Non-human identities are in use
description: >-
  Every IAM user and role classified as a non-human identity (iam_principal) was used within max_unused_days
  days before the data was taken, by any evidence: role last use, access-key or password last use in the
  credential report, a key's last use from get-access-key-last-used, or a CloudTrail call (a refused console
  sign-in is no use). Identities created within max_unused_days days are not judged yet;
  service-linked roles are reported as info (AWS deletes them with their service). Without any evidence source
  for an identity (a role loaded from list-roles, a user missing from the credential report) and no CloudTrail
  call, its use is unknown and it is skipped, not judged. Principals seen only in CloudTrail are not judged.
  The credential report shows a user's use up to its GeneratedTime only: a user is unused when it already was
  for more than max_unused_days days when the report was generated; a user whose gap crossed the limit only after
  the report, a report generated before the period began, or a user with an access key created after the report
  (the report cannot hold it) and no use of it loaded is skipped. AWS reports a role's last use for the trailing 400
  days only, so with max_unused_days longer than that a role with no use in the period is skipped, not judged.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  Workload identities outlive the workloads they were made for; an unused one keeps its rights and its keys
  with no owner watching them (improper offboarding).
remediation: Confirm with the owner that the workload is gone, then deactivate its keys, and delete the user or role.
tables: [iam_principal, iam_principal_data, aws_iam_role, aws_iam_credential_report, aws_iam_access_key, cloudtrail_event_actor]
requires: [aws_iam_role]
parameters:
  max_unused_days: 90
*/
with last_event as (
  -- a refused console sign-in names the identity but is no use of it
  select actor_arn, max(event_time) as last_call
  from cloudtrail_event_actor
  where actor_arn is not null and event_time <= now() and not sign_in_failed
  group by actor_arn
),
key_use as (
  -- get-access-key-last-used (live): a key's use the credential report may not show yet, or not hold at all
  select account_id, user_name, max(access_key_last_used_date) as last_used
  from aws_iam_access_key
  group by account_id, user_name
),
key_after_report as (
  -- keys created after the credential report was generated: the report cannot show their use
  select k.account_id, k.user_name, string_agg(k.access_key_id, ', ' order by k.access_key_id) as keys
  from aws_iam_access_key as k
    join aws_iam_credential_report as c on c.account_id = k.account_id and c.user_name = k.user_name
  where k.create_date > c.generated_time
  group by k.account_id, k.user_name
),
evidence as (
  select p.principal_arn, p.principal_type, p.name, p.nhi_rule, p.nhi_reason, p.account_id,
    p.create_date,
    greatest(r.role_last_used_date, c.password_last_used, c.access_key_1_last_used_date, c.access_key_2_last_used_date,
             e.last_call, k.last_used) as last_used,
    coalesce(d.last_used_known, false) or c.user_arn is not null as use_known,
    c.generated_time as report_time, date_part('day', now() - c.generated_time)::int as report_age, n.keys as new_keys
  from iam_principal as p
    left join iam_principal_data as d on d.arn = p.principal_arn and d.name = p.name and d.principal_type = p.principal_type and d.account_id = p.account_id
    left join aws_iam_role as r on r.arn = p.principal_arn
    left join aws_iam_credential_report as c on c.user_arn = p.principal_arn
    left join last_event as e on e.actor_arn = p.principal_arn
    left join key_after_report as n on p.principal_type = 'user' and n.user_name = p.name and n.account_id = p.account_id
    left join key_use as k on p.principal_type = 'user' and k.user_name = p.name and k.account_id = p.account_id
  where p.is_nhi and p.principal_type in ('user', 'role') and (d.arn is not null or c.user_arn is not null)
)
select
  principal_arn as resource,
  case
    when nhi_rule = 'service_linked_role' then 'info'
    when last_used >= now() - :max_unused_days * interval '1 day' then 'ok'
    when create_date >= now() - :max_unused_days * interval '1 day' then 'ok'
    when last_used is null and not use_known then 'skip'
    -- AWS reports a role's last use for the trailing 400 days only: no use in them says nothing of a longer period
    when principal_type = 'role' and :max_unused_days > 400 then 'skip'
    when new_keys is not null then 'skip'
    -- the report shows use up to its own time: unused for the whole limit by then is unused
    when report_time < now() - :max_unused_days * interval '1 day' then 'skip'
    when coalesce(last_used, create_date) >= report_time - :max_unused_days * interval '1 day' then 'skip'
    else 'alarm'
  end as status,
  case
    when nhi_rule = 'service_linked_role' then
      'The service-linked role ' || name || ' is not judged: AWS removes it with the service that uses it.'
    when last_used >= now() - :max_unused_days * interval '1 day' then
      'The non-human ' || principal_type || ' ' || name || ' was last used '
        || date_part('day', now() - last_used)::int
        || case when date_part('day', now() - last_used)::int = 1 then ' day' else ' days' end
        || ' before the data was taken.'
    when create_date >= now() - :max_unused_days * interval '1 day' then
      'The non-human ' || principal_type || ' ' || name || ' was created '
        || date_part('day', now() - create_date)::int
        || case when date_part('day', now() - create_date)::int = 1 then ' day' else ' days' end
        || ' before the data was taken and is within the '
        || :max_unused_days || '-day grace period.'
    when last_used is null and not use_known then
      'The non-human ' || principal_type || ' ' || name || ' has no last-used information loaded (no credential report '
        || 'row, no role last-used data, no CloudTrail call); load get-account-authorization-details and the credential '
        || 'report to evaluate it.'
    when principal_type = 'role' and :max_unused_days > 400 then
      'The non-human role ' || name || ' has no recorded use in the 400 days before the data was taken, the longest AWS'
        || ' tracks role use' || coalesce(' (its last loaded call was on ' || to_char(last_used, 'YYYY-MM-DD') || ')', '')
        || ', so whether it was used in the ' || :max_unused_days || ' days before is not known.'
    when new_keys is not null then
      'The non-human user ' || name || ' has access key(s) ' || new_keys || ' created after the credential report '
        || 'was generated on ' || to_char(report_time, 'YYYY-MM-DD') || ', which therefore cannot show their use; '
        || 'load a current report.'
    when report_time < now() - :max_unused_days * interval '1 day' then
      'The non-human user ' || name || ': the credential report was generated on ' || to_char(report_time, 'YYYY-MM-DD')
        || ', more than ' || :max_unused_days || case when :max_unused_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so it cannot show use in that period; load a current report.'
    when coalesce(last_used, create_date) >= report_time - :max_unused_days * interval '1 day' then
      'The non-human user ' || name || ' shows no use in the ' || :max_unused_days
        || case when :max_unused_days = 1 then ' day' else ' days' end || ' before the data was taken, but the '
        || 'credential report was generated on ' || to_char(report_time, 'YYYY-MM-DD') || ', ' || report_age
        || case when report_age = 1 then ' day' else ' days' end || ' before the data was taken, when it was not '
        || 'yet unused that long; the report cannot show use since; load a current report.'
    when last_used is not null then
      'The non-human ' || principal_type || ' ' || name || ' (' || nhi_reason || ') was last used '
        || date_part('day', now() - last_used)::int
        || case when date_part('day', now() - last_used)::int = 1 then ' day' else ' days' end
        || ' before the data was taken (limit ' || :max_unused_days
        || '); confirm the workload is gone and remove it.'
    else
      'The non-human ' || principal_type || ' ' || name || ' (' || nhi_reason || ') has no recorded use'
        || case
             -- AWS reports a role's last use for the trailing 400 days only
             when principal_type = 'role' and (create_date is null or create_date < now() - interval '400 days')
               then ' in the 400 days before the data was taken (AWS tracks role use that long)'
             else coalesce(' since it was created on ' || to_char(create_date, 'YYYY-MM-DD'), '')
           end
        -- the credential report records password use since 2014-10-20 and access-key use since 2015-04-22
        || case when principal_type = 'user' and create_date < '2015-04-22 00:00:00+00'::timestamptz
             then ' (or not since AWS began tracking password use in October 2014 and access-key use in April 2015)'
             else '' end
        || '; confirm the workload is gone and remove it.'
  end as reason,
  account_id,
  'global' as region
from evidence
