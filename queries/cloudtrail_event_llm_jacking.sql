/*
title: No identity enabling and invoking Bedrock models (LLM-jacking)
description: >-
  No caller made min_share or more of the 12 Amazon Bedrock actions that taking over the account's language
  models goes through (listed below: listing models and their agreement offers, asking whether a model is
  available, submitting the model-access use case, accepting a model's agreement, taking its entitlement, reading
  or changing the invocation logging, invoking models) within any window_minutes minutes, in the lookback_days
  days before the data was taken. Converse and ConverseStream count as InvokeModel and
  InvokeModelWithResponseStream, the IAM actions that allow them. A call counts whether it succeeded or not: a
  denied invocation is an attempt. Calls made by AWS services, by a session of a service-linked role or by a
  service for the caller (invokedBy) are not counted, nor those of allowed_callers (comma-separated names of the
  users and roles of administrators who enable model access, matched against the user, or the role of a session,
  behind the call).
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  LLM-jacking: with stolen credentials, attackers check which models the account can use, enable access to more of
  them (use case, agreement, entitlement), look at whether invocations are logged, then invoke the models for
  themselves or resell the access, at the account's cost. An application invokes the models it was built for; one
  identity doing most of these steps within a day is setting up model access, which should be a planned change.
remediation: >-
  Confirm the caller is an administrator enabling model access as planned (then name it in allowed_callers, or
  record an exception for it); otherwise treat its credentials as compromised, remove the model access it enabled,
  and check the Bedrock invocation logs and the bill for the calls it made. Scope bedrock:InvokeModel and the
  model-access actions (aws-marketplace:Subscribe) to the identities that need them.
tables: [cloudtrail_event_call, cloudtrail_event_window]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 1440
  min_share: 0.4
  allowed_callers: ''
*/
with action_list as (
  -- the IAM actions of the calls, as bedrock:<action>
  select l.action
  from (values
    ('bedrock:CreateFoundationModelAgreement'), ('bedrock:GetFoundationModelAvailability'),
    ('bedrock:GetModelInvocationLoggingConfiguration'), ('bedrock:GetUseCaseForModelAccess'), ('bedrock:InvokeModel'),
    ('bedrock:InvokeModelWithResponseStream'), ('bedrock:ListFoundationModelAgreementOffers'),
    ('bedrock:ListFoundationModels'), ('bedrock:ListProvisionedModelThroughputs'), ('bedrock:PutFoundationModelEntitlement'),
    ('bedrock:PutModelInvocationLoggingConfiguration'), ('bedrock:PutUseCaseForModelAccess')) as l(action)
),
listed_call as (
  select c.*
  from cloudtrail_event_call as c
    join action_list as l on l.action = c.action
  where c.event_time > now() - :lookback_days * interval '1 day'
),
needed as (
  select greatest(1, ceil(round(:min_share * count(*), 6)))::integer as actions, count(*) as listed
  from action_list
),
-- callers that can reach the share at all: a window holds at most the caller's actions of the whole lookback; the
-- allowed callers (the user or role behind the call, by name) left out here, once per caller rather than per call
possible_caller as (
  select c.account_id, c.caller
  from listed_call as c
  group by c.account_id, c.caller
  having count(distinct c.action) >= (select actions from needed)
    and (',' || replace(:allowed_callers, ' ', '') || ',') not like ('%,' || regexp_replace(c.caller, '^.*/', '') || ',%')
),
-- A window [s, s + window) holds an action when one of its calls falls in it: s within window - 1 minutes before
-- the call. The calls of an action less than a window apart make one run of such starts (an island), so the busiest
-- window is where most islands of different actions overlap: a sweep over their edges, however many calls there are.
-- An island opens at a minute whose previous call of the action is a window or more before, and closes after a
-- minute whose next call is a window or more after.
action_minute as (
  select m.*,
    lag(m.minute) over (partition by m.account_id, m.caller, m.action order by m.minute)
      >= m.minute - :window_minutes * interval '1 minute' as joins_previous,
    lead(m.minute) over (partition by m.account_id, m.caller, m.action order by m.minute)
      <= m.minute + :window_minutes * interval '1 minute' as joins_next
  from (select distinct c.account_id, c.caller, c.action, c.minute
        from listed_call as c
          join possible_caller as p on p.account_id = c.account_id and p.caller = c.caller) as m
),
edge as (
  select account_id, caller, at, sum(delta) as delta
  from (select account_id, caller, minute - (:window_minutes - 1) * interval '1 minute' as at, 1 as delta
        from action_minute where joins_previous is not true
        union all
        select account_id, caller, minute + interval '1 minute', -1 from action_minute where joins_next is not true) as e
  group by account_id, caller, at
),
window_ as (
  select account_id, caller, at as started,
    sum(delta) over (partition by account_id, caller order by at rows unbounded preceding) as actions
  from edge
),
burst as (
  select w.*, row_number() over (partition by w.account_id, w.caller order by w.actions desc, w.started) as rn
  from window_ as w
  where w.actions >= (select actions from needed)
),
burst_call as (
  select b.account_id, b.caller, b.started, b.actions, c.action, c.event_time, c.error_code, c.ip, c.agent, c.region, c.partition,
    -- each address and agent numbered in name order, so that the reason names the first five of each
    dense_rank() over (partition by b.account_id, b.caller order by c.ip nulls last) as ip_rank,
    dense_rank() over (partition by b.account_id, b.caller order by c.agent nulls last) as agent_rank
  from burst as b
    join listed_call as c on c.account_id = b.account_id and c.caller = b.caller and c.minute >= b.started
      and c.minute < b.started + :window_minutes * interval '1 minute'
  where b.rn = 1
),
burst_summary as (
  select u.account_id, u.caller, u.started, u.actions, min(u.partition) as partition,
    min(u.event_time) as first_call, max(u.event_time) as last_call, count(*) as calls,
    count(*) filter (where u.error_code is not null) as failed,
    string_agg(distinct u.ip, ', ' order by u.ip) filter (where u.ip_rank <= 5) as ips,
    count(distinct u.ip) as ip_count, string_agg(distinct u.region, ', ' order by u.region) as regions,
    string_agg(distinct u.agent, ', ' order by u.agent) filter (where u.agent_rank <= 5) as agents,
    count(distinct u.agent) as agent_count
  from burst_call as u
  group by u.account_id, u.caller, u.started, u.actions
),
detail as (
  select s.*,
    (select string_agg(x.action || ' x' || x.calls || case when x.failed > 0 then ' (' || x.failed || ' failed)' else '' end,
                       ', ' order by x.action) from (
        select c.action, count(*) as calls, count(*) filter (where c.error_code is not null) as failed
        from burst_call as c
        where c.account_id = s.account_id and c.caller = s.caller
        group by c.action) as x) as called
  from burst_summary as s
)
select
  case when d.caller like 'arn:%' then d.caller else 'arn:' || d.partition || ':iam::' || d.account_id || ':' || lower(d.caller) end
    as resource,
  'alarm' as status,
  d.caller || ' called ' || d.actions || ' of the ' || (select listed from needed)
    || ' Bedrock model-access actions '
    || case when date_trunc('second', d.first_call) = date_trunc('second', d.last_call) then 'at '
      else 'between ' || to_char(d.first_call, 'YYYY-MM-DD HH24:MI:SS') || ' and ' end
    || to_char(d.last_call, 'YYYY-MM-DD HH24:MI:SS') || ' UTC (' || d.called || ') in ' || d.regions || ' from ' || d.ips
    || case when d.ip_count > 5 then ' and ' || (d.ip_count - 5) || ' more' else '' end
    || ' (' || d.agents || case when d.agent_count > 5 then ' and ' || (d.agent_count - 5) || ' more' else '' end || ')'
    || case when d.failed > 0 then '; ' || d.failed || ' of the ' || d.calls || ' calls failed' else '' end
    || '; confirm it is planned model access.' as reason,
  d.account_id,
  'global' as region
from detail as d
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' is part of ' || (select actions from needed)
      || ' or more of the ' || (select listed from needed) || ' Bedrock model-access actions called within '
      || :window_minutes || case when :window_minutes = 1 then ' minute' else ' minutes' end || ' by one caller.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so Bedrock model-access activity cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from detail as d where d.account_id = w.account_id)
