/*
title: Non-human credentials are not reused from many places
description: >-
  In the lookback_days days before the data was taken, no long-term access key (AKIA..., an IAM user's or the root
  user's) and no role of a
  non-human identity was used from more than max_source_ips source IP addresses or more than max_user_agents
  calling tools (the first word of the user agent, such as aws-cli/2.13.0) (calls made by AWS services on its
  behalf, and the sessions of service-linked roles, which only their service can assume, are not counted).
  A UUID in the tool's name is a run or session id, not another tool (Stratus Red Team names each detonation
  stratus-red-team_<uuid>): tools are counted without it.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  One credential used from many hosts or tools is either shared by several workloads (one compromise opens
  them all, and audits cannot tell them apart) or has leaked and is being used by someone else.
remediation: >-
  Give each workload its own role or key; for a key used from unexpected places, rotate it at once and
  review what it did. Narrow the role's trust and add aws:SourceIp or aws:SourceVpc conditions where possible.
tables: [iamsql_account, iam_principal, cloudtrail_event_actor]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  max_source_ips: 5
  max_user_agents: 5
*/
with event as (
  select e.account_id, e.actor_arn, e.actor_type, e.access_key_id, e.source_ip_address,
    -- one tool however many runs: a UUID (a run or session id) and what follows it are not part of its name; the
    -- regular expression only runs on an agent with a UUID's four dashes, 4 characters apart
    case when e.agent like '%-____-____-____-%' then
      regexp_replace(e.agent, '[-_.]?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}.*$', '')
      else e.agent end as agent
  from cloudtrail_event_actor as e
  where e.actor_arn is not null and e.agent_kind <> 'aws_service'
    -- a service-linked role's sessions are AWS's (only its service can assume it), from its own fleet's addresses
    and not e.aws_caller
    and e.source_ip_address is not null and e.source_ip_address not like '%.amazonaws.com'
    and e.source_ip_address <> 'AWS Internal'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
credential as (
  -- long-term keys, whoever owns them: an IAM user or the root user
  select account_id, actor_arn || '#' || access_key_id as resource, 'access key ' || access_key_id || ' of '
      || case when actor_type = 'root' then 'the root user' else regexp_replace(actor_arn, '^.*/', '') end as what,
    count(*) as calls, count(distinct source_ip_address) as ips, count(distinct agent) as agents
  from event
  where actor_type in ('user', 'root') and access_key_id like 'AKIA%'
  group by account_id, actor_arn, actor_type, access_key_id
  union all
  -- roles of non-human identities, all their sessions together
  select e.account_id, e.actor_arn, 'role ' || p.name || ' (' || p.nhi_reason || ')',
    count(*), count(distinct e.source_ip_address), count(distinct e.agent)
  from event as e join iam_principal as p on p.principal_arn = e.actor_arn and p.account_id = e.account_id
  where e.actor_type = 'role' and p.is_nhi
  group by e.account_id, e.actor_arn, p.name, p.nhi_reason
)
select
  c.resource,
  case when c.ips > :max_source_ips or c.agents > :max_user_agents then 'alarm' else 'ok' end as status,
  case
    when c.ips > :max_source_ips or c.agents > :max_user_agents then
      'The ' || c.what || ' was used from ' || c.ips || ' source IP address(es) and ' || c.agents
        || ' tool(s) in ' || c.calls || ' call(s) (limits ' || :max_source_ips || ' and ' || :max_user_agents
        || '); find out who uses it and give each workload its own credential.'
    else
      'The ' || c.what || ' was used from ' || c.ips || ' source IP address(es) and ' || c.agents
        || ' tool(s) in ' || c.calls || ' call(s).'
  end as reason,
  c.account_id,
  'global' as region
from credential as c
union all
select 'arn:' || a.partition || ':::' || a.account_id, 'skip',
  'No CloudTrail events of a long-term key or non-human role of account ' || a.account_id || ' fall in the '
    || :lookback_days || case when :lookback_days = 1 then ' day' else ' days' end
    || ' before the data was taken, so credential reuse cannot be judged.',
  a.account_id, 'global'
from iamsql_account as a
where not exists (select 1 from credential as c where c.account_id = a.account_id)
