/*
title: Secrets Manager secrets rotate as their schedule says
description: >-
  Every Secrets Manager secret with automatic rotation turned on was last rotated (LastRotatedDate; a secret never
  rotated: since its CreatedDate) no longer before the data was taken than its own rotation period and the rotation
  window that follows it. The period is the rotation rules' ScheduleExpression when it is a rate (rate(10 days),
  rate(4 hours)), else their AutomaticallyAfterDays, which DescribeSecret and ListSecrets compute from the schedule
  after every rotation; a cron expression alone is skipped, since its period is not one number. The window is the
  rules' Duration (3h), else one hour for a schedule in hours and the rest of the UTC day (a day at most) for one in
  days (Secrets Manager API Reference, RotationRulesType). A
  secret that does not rotate automatically has no schedule to keep (a rotation turned off is judged by the rotation
  control on a fixed limit), one scheduled for deletion is not judged, and one loaded only through its resource
  policy (get-resource-policy) is skipped.
severity: medium
resource_type: AWS::SecretsManager::Secret
rationale: >-
  A rotation that is turned on but did not run when its schedule said is failing (its rotation function errs, lacks
  permissions or cannot reach the database): the secret keeps a value older than its owners believe.
remediation: >-
  Read the rotation function's CloudWatch logs for the failed rotation, fix it, and rotate the secret now (aws
  secretsmanager rotate-secret --secret-id <secret>).
tables: [aws_secretsmanager_secret]
*/
with secret as (
  select
    arn, name, account_id, region, deleted_date, rotation_enabled,
    coalesce(last_rotated_date, created_date) as rotated, last_rotated_date is not null as last_rotated,
    created_date is null and last_changed_date is null and rotation_enabled is null as policy_only,
    (rotation_rules ->> 'AutomaticallyAfterDays')::int as after_days,
    rotation_rules ->> 'ScheduleExpression' as expression,
    rotation_rules ->> 'Duration' as duration
  from aws_secretsmanager_secret
), scheduled as (
  select *,
    case
      when expression ~ '^rate\([0-9]+ (days?|hours?)\)$' then
        split_part(split_part(expression, '(', 2), ' ', 1)::int
          * case when expression like '%day%' then 24 else 1 end
      when after_days is not null then after_days * 24
    end as period_hours,
    case
      when duration ~ '^[0-9]+h$' then replace(duration, 'h', '')::int
      when expression ~ '^rate\([0-9]+ hours?\)$' then 1
      else 24
    end as window_hours
  from secret
), judged as (
  select *,
    rotated + (period_hours + window_hours) * interval '1 hour' < now() as overdue,
    date_part('day', now() - rotated)::int as days,
    case when period_hours % 24 = 0 then period_hours / 24 || case when period_hours = 24 then ' day' else ' days' end
      else period_hours || case when period_hours = 1 then ' hour' else ' hours' end end as period
  from scheduled
)
select
  arn as resource,
  case
    when policy_only or deleted_date is not null or rotation_enabled is not true then 'skip'
    when period_hours is null or rotated is null then 'skip'
    when overdue then 'alarm'
    else 'ok'
  end as status,
  'Secret ' || name || case
    when policy_only then ': only its resource policy (get-resource-policy) is loaded, not its listing '
      || '(list-secrets or describe-secret), so its rotation schedule is not known.'
    when deleted_date is not null then ' is scheduled for deletion on ' || to_char(deleted_date, 'YYYY-MM-DD')
      || ' and is not judged.'
    when rotation_enabled is not true then ' does not rotate automatically, so it has no rotation schedule to keep.'
    when period_hours is null and expression is not null then ' rotates on the schedule ' || expression
      || ', whose period is not one number of days or hours, so when it was due is not judged.'
    when period_hours is null then ' rotates automatically, but its rotation rules are not loaded.'
    when rotated is null then ' rotates automatically, but when it last rotated is not loaded.'
    when overdue then ' rotates every ' || period || ', but was ' || case when last_rotated then 'last rotated '
      else 'created and never rotated, ' end || days || case when days = 1 then ' day' else ' days' end
      || ' before the data was taken: its rotation is failing.'
    else ' rotates every ' || period || ' and was ' || case when last_rotated then 'last rotated ' else 'created ' end
      || days || case when days = 1 then ' day' else ' days' end || ' before the data was taken, within its schedule.'
  end as reason,
  account_id,
  region
from judged
