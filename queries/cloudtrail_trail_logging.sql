/*
title: CloudTrail trails are logging
description: >-
  Every trail is logging (get-trail-status IsLogging), so it records the events it is set up for.
  An organization trail seen from a member account is named as the organization's; it is info there when the
  management account's data is loaded, where it is judged.
severity: high
resource_type: AWS::CloudTrail::Trail
rationale: A stopped trail records nothing; stopping logging is a common first step of an attacker covering tracks.
remediation: Start logging on the trail (aws cloudtrail start-logging --name <trail>) and find out who stopped it.
tables: [cloudtrail_trail_home]
requires: [aws_cloudtrail_trail]
*/
select
  arn as resource,
  case
    when judged_account_id <> account_id then 'info'
    when is_logging is null then 'skip'
    when is_logging then 'ok'
    else 'alarm'
  end as status,
  reason_prefix || case
    when is_logging is null then 'The status of trail ' || name || ' was not collected (get-trail-status).'
    when is_logging then 'Trail ' || name || ' is logging.'
    else 'Trail ' || name || ' is not logging'
      || coalesce(' since ' || to_char(stop_logging_time, 'YYYY-MM-DD HH24:MI') || ' UTC', '') || '; start logging.'
  end as reason,
  account_id,
  coalesce(home_region, region) as region
from cloudtrail_trail_home
