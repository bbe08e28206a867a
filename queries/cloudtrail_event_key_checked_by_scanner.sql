/*
title: No access key checked by a secret scanner
description: >-
  No sts:GetCallerIdentity call, in the lookback_days days before the data was taken, was made by a tool of
  scanner_agents (comma-separated tool names, the user agent's first word without its version; default
  TruffleHog, which calls GetCallerIdentity to verify each AWS key it finds in code, files or logs). One row per
  credential (the caller's ARN and access key id) naming the calls, the addresses and the key's other calls in
  the window (a key used for more than the check). Other calls with such a user agent are not counted: the
  scanner verifies a key with GetCallerIdentity only. Skip when no CloudTrail event falls in the window.
severity: high
resource_type: AWS::IAM::AccessKey
rationale: >-
  A secret scanner verifying a key means the key sits somewhere the scanner read it, in a repository, an image
  or a paste: leaked, whoever ran the scan (a researcher, a bug-bounty hunter or an attacker checking what the
  key reaches).
remediation: >-
  Deactivate and rotate the key, find where it leaked (the scanner's finding, the repositories and images that
  held it), and review the key's other calls.
tables: [cloudtrail_event_actor, cloudtrail_event_window]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  scanner_agents: TruffleHog
*/
with check_call as (
  select e.account_id, e.partition, e.event_id, e.event_time,
    coalesce(e.caller_arn, e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    e.access_key_id, coalesce(e.source_ip_address, 'an unknown address') as ip,
    coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'sts.amazonaws.com' and e.event_name = 'GetCallerIdentity'
    and (',' || lower(replace(:scanner_agents, ' ', '')) || ',')
      like ('%,' || lower(split_part(coalesce(nullif(e.agent, ''), '?'), '/', 1)) || ',%')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
per_key as (
  select account_id, caller, access_key_id, min(partition) as partition, count(*) as checks,
    min(event_time) as first_time, max(event_time) as last_time,
    string_agg(distinct ip, ', ' order by ip) as ips, string_agg(distinct agent, ', ' order by agent) as agents
  from check_call
  group by account_id, caller, access_key_id
),
other_call as (
  -- the key's calls other than the scanner's checks: whoever holds it using it
  select k.account_id, k.caller, k.access_key_id, e.event_name, count(*) as calls,
    row_number() over (partition by k.account_id, k.caller, k.access_key_id order by count(*) desc, e.event_name) as rank_
  from per_key as k
    join cloudtrail_event_actor as e on e.account_id = k.account_id and e.access_key_id = k.access_key_id
  where not exists (select 1 from check_call as c where c.event_id = e.event_id and c.account_id = e.account_id)
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
  group by k.account_id, k.caller, k.access_key_id, e.event_name
),
other_per_key as (
  select account_id, caller, access_key_id, sum(calls) as calls,
    string_agg(event_name || case when calls > 1 then ' x' || calls else '' end, ', ' order by rank_)
      filter (where rank_ <= 5) as names,
    count(*) as name_count
  from other_call
  group by account_id, caller, access_key_id
)
select
  k.caller || coalesce('#' || k.access_key_id, '') as resource,
  'alarm' as status,
  k.caller || coalesce(' (access key ' || k.access_key_id || ')', '') || ' was checked by ' || k.agents
    || ' with GetCallerIdentity ' || k.checks || case when k.checks = 1 then ' time' else ' times' end
    || case when k.last_time > k.first_time then ' from ' || to_char(k.first_time, 'YYYY-MM-DD HH24:MI:SS')
        || ' to ' || to_char(k.last_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC'
      else ' at ' || to_char(k.first_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC' end
    || ' from ' || k.ips
    || coalesce('; the key also made ' || o.calls || ' other call(s) in the window: ' || o.names
      || case when o.name_count > 5 then ' and ' || (o.name_count - 5) || ' more' else '' end, '')
    || '; the key has leaked: deactivate and rotate it.' as reason,
  k.account_id,
  'global' as region
from per_key as k
  left join other_per_key as o on o.account_id = k.account_id and o.caller = k.caller
    and o.access_key_id is not distinct from k.access_key_id
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' is a GetCallerIdentity check by ' || :scanner_agents || '.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so secret scanners'' key checks cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from per_key as k where k.account_id = w.account_id)
