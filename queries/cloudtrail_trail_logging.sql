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
tables: [cloudtrail_trail_coverage, aws_cloudtrail_trail, iamsql_organization_trail]
requires: [aws_cloudtrail_trail]
*/
with judged as (
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
    t.region,
    t.name,
    t.is_organization_trail
  from cloudtrail_trail_coverage as t
    join aws_cloudtrail_trail as c on c.arn = t.arn and c.account_id = t.account_id
    and (c.home_region is null or c.region is null or c.region = c.home_region)
)
select
  j.resource,
  case when o.arn is not null then 'info' else j.status end as status,
  case
    when not j.is_organization_trail or split_part(j.resource, ':', 5) = j.account_id then j.reason
    when o.arn is not null then 'Organization trail ' || j.name || ' is managed in the management account '
      || split_part(j.resource, ':', 5) || ', whose data is loaded: it is judged there. ' || j.reason
    else 'Organization trail ' || j.name || ', managed in the management account ' || split_part(j.resource, ':', 5)
      || ': ' || j.reason
  end as reason,
  j.account_id,
  j.region
from judged as j
  left join iamsql_organization_trail as o on o.arn = j.resource and o.account_id <> j.account_id
