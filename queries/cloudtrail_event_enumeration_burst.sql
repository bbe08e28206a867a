/*
title: No burst of enumeration across services
description: >-
  No caller made read calls (List*, Get*, Describe*, or calls CloudTrail marks read-only) to min_services or more
  AWS services and min_calls or more calls in all within any window_minutes minutes, in the lookback_days days
  before the data was taken. Calls made by AWS services (also by a session of a service-linked role, whatever its
  user agent, or for the caller, invokedBy), and console sessions (a browser loads several services per page), are
  not counted. Failed calls count: a denied List is still reconnaissance.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  Fresh stolen credentials are first used to find out what they can reach: tools such as Pacu, ScoutSuite or
  enumerate-iam call List and Describe on dozens of services within minutes, which workloads almost never do.
remediation: >-
  Confirm the caller is a known inventory or security tool (then raise the thresholds for it or record an
  exception); otherwise treat its credentials as compromised and look at what it did next.
tables: [cloudtrail_event_actor, cloudtrail_event_window]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 10
  min_services: 8
  min_calls: 30
*/
with read_call as (
  select e.account_id, e.partition,
    coalesce(e.caller_arn, e.user_type, 'unknown') as caller, e.event_source,
    date_trunc('minute', e.event_time) as minute, e.event_time, e.source_ip_address, e.agent
  from cloudtrail_event_actor as e
  where (e.read_only or e.event_name ~ '^(List|Get|Describe)')
    and e.agent_kind not in ('aws_service', 'console')
    -- AWS's own calls (a service, a session of a service-linked role: only its service can assume it) and calls a
    -- service made for the caller (invokedBy), whatever their user agent: Resource Explorer's service-linked role
    -- lists dozens of services within minutes, and also calls with an AWS SDK's user agent
    and not e.aws_caller and e.invoked_by is null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
per_minute as (
  select account_id, caller, minute, event_source, count(*) as calls
  from read_call
  group by account_id, caller, minute, event_source
),
-- callers that can make a burst at all: a window holds at most the caller's services and calls of the whole lookback
possible_caller as (
  select account_id, caller
  from per_minute
  group by account_id, caller
  having count(distinct event_source) >= :min_services and sum(calls) >= :min_calls
),
start as (
  select distinct p.account_id, p.caller, p.minute
  from per_minute as p
    join possible_caller as c on c.account_id = p.account_id and c.caller = p.caller
),
window_ as (
  select s.account_id, s.caller, s.minute as started, count(distinct p.event_source) as services, sum(p.calls) as calls
  from start as s
    join per_minute as p on p.account_id = s.account_id and p.caller = s.caller
      and p.minute >= s.minute and p.minute < s.minute + :window_minutes * interval '1 minute'
  group by s.account_id, s.caller, s.minute
),
burst as (
  select w.*, row_number() over (partition by w.account_id, w.caller order by w.services desc, w.calls desc, w.started) as rn
  from window_ as w
  where w.services >= :min_services and w.calls >= :min_calls
),
burst_call as (
  -- the calls of each caller's biggest burst, each service, address and agent numbered in name order, so that the
  -- reason names the first five of each
  select b.account_id, b.caller, b.started, b.services, b.calls, r.partition, r.source, r.ip, r.agent,
    dense_rank() over (partition by b.account_id, b.caller order by r.source nulls last) as source_rank,
    dense_rank() over (partition by b.account_id, b.caller order by r.ip nulls last) as ip_rank,
    dense_rank() over (partition by b.account_id, b.caller order by r.agent nulls last) as agent_rank
  from burst as b
    join (select account_id, caller, minute, partition,
            regexp_replace(event_source, '\.amazonaws\.com$', '') as source,
            coalesce(source_ip_address, 'unknown') as ip, coalesce(agent, 'no user agent') as agent
          from read_call) as r
      on r.account_id = b.account_id and r.caller = b.caller and r.minute >= b.started
        and r.minute < b.started + :window_minutes * interval '1 minute'
  where b.rn = 1
),
detail as (
  select account_id, caller, started, services, calls, min(partition) as partition,
    string_agg(distinct source, ', ' order by source) filter (where source_rank <= 5) as sources,
    count(distinct source) as source_count,
    string_agg(distinct ip, ', ' order by ip) filter (where ip_rank <= 5) as ips,
    count(distinct ip) as ip_count,
    string_agg(distinct agent, ', ' order by agent) filter (where agent_rank <= 5) as agents,
    count(distinct agent) as agent_count
  from burst_call
  group by account_id, caller, started, services, calls
)
select
  case when d.caller like 'arn:%' then d.caller else 'arn:' || d.partition || ':::' || d.account_id || '#' || d.caller end
    as resource,
  'alarm' as status,
  d.caller || ' made ' || d.calls || ' read calls to ' || d.services || ' services within ' || :window_minutes
    || case when :window_minutes = 1 then ' minute' else ' minutes' end
    || ' from ' || to_char(d.started, 'YYYY-MM-DD HH24:MI') || ' UTC (' || d.sources
    || case when d.source_count > 5 then ' and ' || (d.source_count - 5) || ' more' else '' end
    || ') from ' || d.ips
    || case when d.ip_count > 5 then ' and ' || (d.ip_count - 5) || ' more' else '' end
    || ' (' || d.agents
    || case when d.agent_count > 5 then ' and ' || (d.agent_count - 5) || ' more' else '' end
    || '); confirm it is a known inventory tool.' as reason,
  d.account_id,
  'global' as region
from detail as d
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' is part of a burst of read calls to '
      || :min_services || ' or more services within ' || :window_minutes
      || case when :window_minutes = 1 then ' minute' else ' minutes' end || ' by one caller.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so enumeration bursts cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from detail as d where d.account_id = w.account_id)
