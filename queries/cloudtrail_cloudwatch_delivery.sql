/*
title: CloudTrail delivers to CloudWatch Logs
description: >-
  Every trail sends its events to a CloudWatch Logs log group and delivered there within
  max_delivery_age_hours hours before the data was taken, without a delivery error.
  An organization trail seen from a member account is named as the organization's; it is info there when the
  management account's data is loaded, where it is judged.
severity: low
resource_type: AWS::CloudTrail::Trail
rationale: >-
  Metric filters and alarms on CloudWatch Logs (root use, console sign-in without MFA, IAM and trail changes)
  need the trail's events in a log group; a delivery that stopped silently ends that monitoring.
remediation: >-
  Set a log group and a role for CloudWatch Logs on the trail (update-trail --cloud-watch-logs-log-group-arn
  --cloud-watch-logs-role-arn) and fix the delivery error, often a role whose trust or permissions changed.
tables: [cloudtrail_trail_home]
requires: [aws_cloudtrail_trail]
parameters:
  max_delivery_age_hours: 24
*/
select
  arn as resource,
  case
    when judged_account_id <> account_id then 'info'
    when log_group_arn is null then 'alarm'
    when latest_cloudwatch_logs_delivery_error <> '' then 'alarm'
    when is_logging is null and latest_cloudwatch_logs_delivery_time is null then 'skip'
    when latest_cloudwatch_logs_delivery_time >= now() - :max_delivery_age_hours * interval '1 hour' then 'ok'
    else 'alarm'
  end as status,
  reason_prefix || case
    when log_group_arn is null then 'Trail ' || name || ' does not send its events to CloudWatch Logs; set a log group.'
    when latest_cloudwatch_logs_delivery_error <> '' then
      'Trail ' || name || ' failed to deliver to CloudWatch Logs: ' || latest_cloudwatch_logs_delivery_error || '.'
    when is_logging is null and latest_cloudwatch_logs_delivery_time is null then
      'The delivery status of trail ' || name || ' was not collected (get-trail-status).'
    when latest_cloudwatch_logs_delivery_time is null then
      'Trail ' || name || ' has a log group but has never delivered to it; check its CloudWatch Logs role.'
    when latest_cloudwatch_logs_delivery_time >= now() - :max_delivery_age_hours * interval '1 hour' then
      'Trail ' || name || ' last delivered to CloudWatch Logs on '
        || to_char(latest_cloudwatch_logs_delivery_time, 'YYYY-MM-DD HH24:MI') || ' UTC.'
    else
      'Trail ' || name || ' last delivered to CloudWatch Logs on '
        || to_char(latest_cloudwatch_logs_delivery_time, 'YYYY-MM-DD HH24:MI') || ' UTC, more than '
        || :max_delivery_age_hours || case when :max_delivery_age_hours = 1 then ' hour' else ' hours' end
        || ' before the data was taken; check the trail and its role.'
  end as reason,
  account_id,
  coalesce(home_region, region) as region
from cloudtrail_trail_home
