/*
title: The root user was not used
description: >-
  CloudTrail shows no call made by the root user in the lookback_days days before the data was taken (calls
  AWS services make on the root user's behalf, invokedBy, and events AWS services record themselves,
  eventType AwsServiceEvent, are not counted: they are not the root user's own calls; calls the console's
  sign-in service passes on, invokedBy signin.amazonaws.com, are the root user's own actions in the console, such
  as creating a root access key on its security credentials page, and count). A failed sign-in
  (ConsoleLogin or another signin.amazonaws.com event whose response is Failure) is not a use of the root user:
  nobody got in; such attempts are named in the reason but do not alarm. A call of another account's root user
  recorded here (a bucket or key of this account reached across accounts: recipientAccountId is this account,
  userIdentity.accountId the caller's) is that account's root, not this one's, and is not counted. Root access
  keys created (CreateAccessKey by the root user without a userName) are named in the reason, with the tools
  (user agents) used.
severity: high
resource_type: AWS::IAM::User
rationale: >-
  The root user cannot be limited by IAM policies; everyday use exposes credentials that can close the
  account. Root use should be rare, planned and explained.
remediation: >-
  Find out who used the root user and why (source IP, user agent, event names); use IAM roles or Identity
  Center for the task instead, and rotate the root password and MFA if the use was not planned.
tables: [iamsql_account, cloudtrail_event_actor, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with
-- calls by the root user itself, not by an AWS service acting for it; the raw request is read only for the root
-- user's CreateAccessKey calls (the join's filters are the same row's own columns, so the scan skips the others)
root_event as (
  select e.account_id, e.event_time, e.event_name, e.source_ip_address, coalesce(e.agent, 'no user agent') as agent,
    e.event_name = 'CreateAccessKey' and e.error_code is null and t.request_parameters ->> 'userName' is null as root_key,
    e.sign_in_failed
  from iamsql_account as a
    join cloudtrail_event_actor as e on e.account_id = a.account_id
    left join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
      and t.event_name = 'CreateAccessKey' and t.user_type = 'Root'
  where e.user_type = 'Root' and (e.invoked_by is null or e.invoked_by = 'signin.amazonaws.com')
    -- this account's root user: a cross-account call of another account's root is recorded here too
    and coalesce(e.identity_account_id, e.account_id) = e.account_id
    and e.event_type is distinct from 'AwsServiceEvent'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
root_call as (
  -- each call, address and agent numbered in name order, so that the reason names the first five of each
  select *,
    dense_rank() over (partition by account_id order by event_name nulls last) as event_name_rank,
    dense_rank() over (partition by account_id order by source_ip_address nulls last) as ip_rank,
    dense_rank() over (partition by account_id order by agent nulls last) as agent_rank
  from root_event where not sign_in_failed
),
failed as (
  select account_id, count(*) as failed_sign_ins, max(event_time) as last_failed
  from root_event where sign_in_failed
  group by account_id
),
summary as (
  select c.account_id, c.events, coalesce(r.root_calls, 0) as root_calls, r.root_events, r.root_event_count, r.root_ips,
    r.root_ip_count, r.last_root_call, coalesce(r.root_keys, 0) as root_keys, r.root_agents, r.root_agent_count, coalesce(f.failed_sign_ins, 0) as failed_sign_ins, f.last_failed,
    c.summary as events_summary, c.span as events_span
  -- the account's events of the window, counted once for every detection
  from cloudtrail_event_window as c
    left join failed as f on f.account_id = c.account_id
    left join (
      select account_id, count(*) as root_calls,
        string_agg(distinct event_name, ', ' order by event_name) filter (where event_name_rank <= 5) as root_events,
        count(distinct event_name) as root_event_count,
        string_agg(distinct source_ip_address, ', ' order by source_ip_address) filter (where ip_rank <= 5) as root_ips,
        count(distinct source_ip_address) as root_ip_count,
        max(event_time) as last_root_call,
        count(*) filter (where root_key) as root_keys,
        string_agg(distinct agent, ', ' order by agent) filter (where agent_rank <= 5) as root_agents,
        count(distinct agent) as root_agent_count
      from root_call
      group by account_id
    ) as r on r.account_id = c.account_id
  where coalesce(c.earlier_time <= now() - :lookback_days * interval '1 day', true)
    and coalesce(c.first_time > now() - :lookback_days * interval '1 day', true)
)
select
  'arn:' || a.partition || ':iam::' || a.account_id || ':root' as resource,
  case when coalesce(s.events, 0) = 0 then 'skip' when s.root_calls > 0 then 'alarm' else 'ok' end as status,
  case
    when coalesce(s.events, 0) = 0 then
      s.events_summary || ' falls in the ' || :lookback_days
        || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so root use cannot be judged.'
    when s.root_calls > 0 then
      'The root user made ' || s.root_calls || ' call(s) in the loaded events ' || s.events_span || ' ('
        || s.root_events
        || case when s.root_event_count > 5 then ' and ' || (s.root_event_count - 5) || ' more' else '' end
        || '), last on ' || to_char(s.last_root_call, 'YYYY-MM-DD HH24:MI') || ' UTC from '
        || coalesce(s.root_ips, 'an unknown address')
        || case when s.root_ip_count > 5 then ' and ' || (s.root_ip_count - 5) || ' more' else '' end
        || ' (' || s.root_agents
        || case when s.root_agent_count > 5 then ' and ' || (s.root_agent_count - 5) || ' more' else '' end || ')'
        || case when s.root_keys > 0 then ', and created ' || s.root_keys || ' root access key(s): delete them' else '' end
        || case when s.failed_sign_ins > 0 then ', besides ' || s.failed_sign_ins || ' failed root sign-in(s)' else '' end
        || '; confirm who used it and why.'
    else
      s.events_summary || ' was made by the root user'
        || case when s.failed_sign_ins > 0 then ' (' || s.failed_sign_ins || ' failed root sign-in(s), last on '
          || to_char(s.last_failed, 'YYYY-MM-DD HH24:MI') || ' UTC: nobody got in)' else '' end
        || '.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join summary as s on s.account_id = a.account_id
