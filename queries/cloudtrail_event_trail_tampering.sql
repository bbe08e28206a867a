/*
title: No one tampered with CloudTrail
description: >-
  CloudTrail shows no call, in the lookback_days days before the data was taken, that stops or changes what
  a trail or event data store records: StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors,
  PutInsightSelectors, DeleteEventDataStore, UpdateEventDataStore, StopEventDataStoreIngestion. Denied
  attempts (an access-denied errorCode) are reported too; calls that failed for another reason, such as
  TrailNotFoundException for a trail that does not exist, changed nothing and are not counted.
severity: high
resource_type: AWS::CloudTrail::Trail
rationale: Attackers stop or narrow logging right after they get in, so that what they do next leaves no trace.
remediation: >-
  Confirm each change with its author; restore logging and selectors, investigate the caller's other
  activity, and deny these actions to everyone but the logging administrators (SCP or permissions boundary).
tables: [iamsql_account, cloudtrail_event_actor, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with event as (
  select e.account_id, e.event_time, e.event_name, e.error_code,
    coalesce(e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(t.request_parameters ->> 'name', t.request_parameters ->> 'trailName', t.request_parameters ->> 'eventDataStore',
      t.request_parameters ->> 'trailARN') as target,
    e.partition, e.region
  from cloudtrail_event_actor as e
    join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
  where e.event_source = 'cloudtrail.amazonaws.com' and (e.error_code is null or e.access_denied)
    and e.event_name in ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors',
                         'DeleteEventDataStore', 'UpdateEventDataStore', 'StopEventDataStoreIngestion')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
named as (
  -- the trail is given by name or by ARN (StopLogging, UpdateTrail... accept both): one resource either way
  select *,
    case when target like 'arn:%' then target
      else 'arn:' || partition || ':cloudtrail:' || coalesce(region, '') || ':' || account_id || ':trail/'
        || coalesce(target, 'unnamed')
    end as resource
  from event
),
per_target as (
  select account_id, resource, min(regexp_replace(coalesce(target, 'unnamed'), '^.*/', '')) as target,
    min(partition) as partition, min(region) as region,
    count(*) filter (where error_code is null) as changes,
    count(*) filter (where error_code is not null) as attempts,
    string_agg(distinct event_name, ', ') as event_names,
    string_agg(distinct regexp_replace(caller, '^.*[:/]', ''), ', ') as callers,
    max(event_time) as last_time
  from named
  group by account_id, resource
),
events as (
  select account_id, count(*) as events
  from cloudtrail_event_actor
  where event_time > now() - :lookback_days * interval '1 day' and event_time <= now()
  group by account_id
)
select
  p.resource,
  'alarm' as status,
  case when p.changes > 0 then p.changes || ' change(s)' else '' end
    || case when p.changes > 0 and p.attempts > 0 then ' and ' else '' end
    || case when p.attempts > 0 then p.attempts || ' denied attempt(s)' else '' end
    || ' (' || p.event_names || ') to trail ' || regexp_replace(p.target, '^.*/', '') || ' by ' || p.callers
    || ', last on ' || to_char(p.last_time, 'YYYY-MM-DD HH24:MI') || ' UTC; '
    || case when p.changes > 0 then 'confirm they were authorized and restore what was changed.'
       else 'find out why this caller tried to change logging.' end
    as reason,
  p.account_id,
  coalesce(nullif(split_part(p.resource, ':', 4), ''), p.region) as region
from per_target as p
union all
select
  'arn:' || a.partition || ':::' || a.account_id,
  case when coalesce(ev.events, 0) = 0 then 'skip' else 'ok' end,
  case
    when coalesce(ev.events, 0) = 0 then
      'No CloudTrail events of account ' || a.account_id || ' fall in the ' || :lookback_days
        || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so trail tampering cannot be judged.'
    else 'None of the ' || ev.events || ' CloudTrail events in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken stops or changes a trail.'
  end,
  a.account_id,
  'global'
from iamsql_account as a
  left join events as ev on ev.account_id = a.account_id
where not exists (select 1 from per_target as p where p.account_id = a.account_id)
