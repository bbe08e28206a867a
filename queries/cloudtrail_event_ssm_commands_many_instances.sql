/*
title: No caller running commands on many instances through Systems Manager at once
description: >-
  No caller sent commands to, or opened Session Manager sessions on, min_instances or more distinct managed nodes
  within any window_minutes minutes, in the lookback_days days before the data was taken: SSM SendCommand (each
  id of its instanceIds, and of a target whose key is InstanceIds) and StartSession (its target). A SendCommand
  that selects nodes by tag or resource group names no node in the event: it is not counted, and the reason names
  such calls of a burst. Access-denied attempts count (someone tried); other failures (no such node) do not. Calls
  made by AWS itself (AWS services, service-linked roles) or by a service on the caller's behalf (invokedBy: State
  Manager, Maintenance Windows) are not counted, nor those of allowed_callers (comma-separated names of the users
  and roles of known operators and patching pipelines: the user, or the role of a session, behind the call). One
  row per caller: its busiest window, naming the calls, the documents run, the nodes, addresses and tools.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  Systems Manager runs whatever it is sent as root or SYSTEM on every node named, with no SSH key or open port:
  one identity reaching many instances in minutes is how a stolen key becomes code execution across a fleet, and
  each instance's role credentials with it (Stratus ssm-send-command, ssm-start-session; ATT&CK T1651, cloud
  administration command).
remediation: >-
  Confirm the caller is a known operator or pipeline (then name it in allowed_callers or raise min_instances);
  otherwise treat its credentials as compromised, read the command output and session logs of each node, and scope
  ssm:SendCommand and ssm:StartSession to the documents and nodes each identity needs.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 10
  min_instances: 3
  allowed_callers: ''
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.caller_arn, e.identity_arn, e.user_type, 'unknown') as caller,
    coalesce(e.identity_arn, e.caller_arn, e.user_type, 'an unknown caller') as caller_name,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.source_ip_address, 'unknown') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.request_parameters as params
  from cloudtrail_event_actor as e
  where e.event_source = 'ssm.amazonaws.com' and e.event_name in ('SendCommand', 'StartSession')
    and (e.error_code is null or e.access_denied)
    and not e.aws_caller and e.invoked_by is null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
    and (',' || replace(:allowed_callers, ' ', '') || ',')
      not like ('%,' || regexp_replace(coalesce(e.caller_arn, ''), '^.*/', '') || ',%')
),
-- one row per node a call names; a SendCommand selecting nodes by tag or resource group names none (by_tag)
node as (
  select c.*, n as instance, false as by_tag
  from call as c, jsonb_array_elements_text(case when jsonb_typeof(c.params -> 'instanceIds') = 'array'
                                                 then c.params -> 'instanceIds' else '[]'::jsonb end) as n
  where c.event_name = 'SendCommand'
  union all
  select c.*, n, false
  from call as c, jsonb_array_elements(case when jsonb_typeof(c.params -> 'targets') = 'array'
                                            then c.params -> 'targets' else '[]'::jsonb end) as t,
    jsonb_array_elements_text(case when jsonb_typeof(t -> 'values') = 'array' then t -> 'values' else '[]'::jsonb end) as n
  where c.event_name = 'SendCommand' and t ->> 'key' = 'InstanceIds'
  union all
  select c.*, null, true
  from call as c, jsonb_array_elements(case when jsonb_typeof(c.params -> 'targets') = 'array'
                                            then c.params -> 'targets' else '[]'::jsonb end) as t
  where c.event_name = 'SendCommand' and t ->> 'key' is distinct from 'InstanceIds'
  union all
  select c.*, c.params ->> 'target', false
  from call as c
  where c.event_name = 'StartSession' and c.params ->> 'target' is not null
),
reached as (
  select n.*, n.event_region || ' ' || n.instance as node_key, date_trunc('minute', n.event_time) as minute
  from node as n
),
start as (
  select distinct account_id, caller, minute from reached where not by_tag
),
window_ as (
  select s.account_id, s.caller, s.minute as started, count(distinct r.node_key) as instances
  from start as s
    join reached as r on r.account_id = s.account_id and r.caller = s.caller and not r.by_tag
      and r.minute >= s.minute and r.minute < s.minute + :window_minutes * interval '1 minute'
  group by s.account_id, s.caller, s.minute
),
busiest as (
  select w.*, row_number() over (partition by w.account_id, w.caller order by w.instances desc, w.started) as rn
  from window_ as w
  where w.instances >= :min_instances
),
-- the calls of each caller's busiest window (by-tag ones included, for the reason)
burst_call as (
  select b.account_id, b.caller, b.started, b.instances, r.event_id, r.event_name, r.error_code, r.instance,
    r.by_tag, r.ip, r.agent, r.caller_name, r.partition, r.params ->> 'documentName' as document
  from busiest as b
    join reached as r on r.account_id = b.account_id and r.caller = b.caller and r.minute >= b.started
      and r.minute < b.started + :window_minutes * interval '1 minute'
  where b.rn = 1
),
burst as (
  select b.account_id, b.caller, b.started, b.instances, min(b.caller_name) as caller_name, min(b.partition) as partition,
    count(distinct b.event_id) as calls,
    count(distinct b.event_id) filter (where b.error_code is not null) as denied,
    count(distinct b.event_id) filter (where b.by_tag) as by_tag_calls,
    string_agg(distinct b.ip, ', ' order by b.ip) as ips,
    string_agg(distinct b.agent, ', ' order by b.agent) as agents,
    string_agg(distinct b.document, ', ' order by b.document) as documents
  from burst_call as b
  group by b.account_id, b.caller, b.started, b.instances
),
detail as (
  select u.*,
    (select string_agg(x.event_name || ' x' || x.calls, ', ' order by x.event_name) from (
        select c.event_name, count(distinct c.event_id) as calls from burst_call as c
        where c.account_id = u.account_id and c.caller = u.caller
        group by c.event_name) as x) as call_counts,
    (select string_agg(x.instance, ', ' order by x.instance) from (
        select distinct c.instance from burst_call as c
        where c.account_id = u.account_id and c.caller = u.caller and c.instance is not null
        order by c.instance limit 5) as x) as examples
  from burst as u
)
select
  case when d.caller like 'arn:%' then d.caller else 'arn:' || d.partition || ':::' || d.account_id || '#' || d.caller end
    as resource,
  'alarm' as status,
  d.caller_name || ' sent commands to or opened sessions on ' || d.instances || ' instances within '
    || :window_minutes || case when :window_minutes = 1 then ' minute' else ' minutes' end || ' from '
    || to_char(d.started, 'YYYY-MM-DD HH24:MI') || ' UTC (' || d.call_counts
    || coalesce('; documents ' || d.documents, '') || '; ' || d.examples
    || case when d.instances > 5 then ' and ' || (d.instances - 5) || ' more' else '' end || ') from ' || d.ips
    || ' (' || d.agents || ')'
    || case when d.by_tag_calls > 0 then '; ' || d.by_tag_calls || ' SendCommand calls also chose nodes by tag or '
      || 'resource group' else '' end
    || case when d.denied > 0 then '; ' || d.denied || ' of the ' || d.calls || ' calls were denied' else '' end
    || '; confirm it is a known operator or pipeline.' as reason,
  d.account_id,
  'global' as region
from detail as d
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' sends commands to or opens sessions on ' || :min_instances
      || ' or more instances within ' || :window_minutes
      || case when :window_minutes = 1 then ' minute' else ' minutes' end || ' by one caller.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so commands sent to instances cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from detail as d where d.account_id = w.account_id)
