/*
title: CloudTrail trails are logging
description: Every trail is logging (get-trail-status IsLogging), so it records the events it is set up for.
severity: high
resource_type: AWS::CloudTrail::Trail
rationale: A stopped trail records nothing; stopping logging is a common first step of an attacker covering tracks.
remediation: Start logging on the trail (aws cloudtrail start-logging --name <trail>) and find out who stopped it.
tables: [cloudtrail_trail_coverage, aws_cloudtrail_trail]
requires: [aws_cloudtrail_trail]
*/
select
  t.arn as resource,
  case when t.is_logging is null then 'skip' when t.is_logging then 'ok' else 'alarm' end as status,
  case
    when t.is_logging is null then 'The status of trail ' || t.name || ' was not collected (get-trail-status).'
    when t.is_logging then 'Trail ' || t.name || ' is logging.'
    else 'Trail ' || t.name || ' is not logging'
      || coalesce(' since ' || to_char(c.stop_logging_time, 'YYYY-MM-DD HH24:MI') || ' UTC', '') || '; start logging.'
  end as reason,
  t.account_id,
  t.region
from cloudtrail_trail_coverage as t
  join aws_cloudtrail_trail as c on c.arn = t.arn and c.account_id = t.account_id
  and (c.home_region is null or c.region is null or c.region = c.home_region)
