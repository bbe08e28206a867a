/*
title: No burst of failed console sign-ins from one address
description: >-
  CloudTrail shows no source address, in the lookback_days days before the data was taken, with min_failures or
  more failed AWS Management Console sign-ins (ConsoleLogin answered {"ConsoleLogin": "Failure"}) within any
  window_minutes minutes, whatever the user names tried: one user tried many times is password guessing, many
  users tried once each is password spraying. The reason names the user names tried (CloudTrail records a user
  name that is not an IAM user of the account as HIDDEN_DUE_TO_SECURITY_REASONS: those are counted, not named)
  and a successful sign-in from the same address during the burst or within window_minutes after it, which is
  the sign that a guess worked.
severity: medium
resource_type: AWS::::Account
rationale: >-
  Guessing and spraying passwords against the console is how a stolen user list becomes a session (ATT&CK
  T1110.001, T1110.003); a few failures are typing, a burst from one address is a tool.
remediation: >-
  Block the address where you can, check the users it tried have MFA and a strong password (reset the password of a
  user it then signed in as, and review that session), and require MFA for every console user.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 10
  min_failures: 10
*/
with sign_in as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.response_elements ->> 'ConsoleLogin' as result,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    case when e.user_type = 'Root' then 'root' else coalesce(e.identity_user_name, 'HIDDEN_DUE_TO_SECURITY_REASONS') end
      as user_name
  from cloudtrail_event_actor as e
  where e.event_source = 'signin.amazonaws.com' and e.event_name = 'ConsoleLogin'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
failure as (
  select f.*,
    count(*) over (partition by f.account_id, f.ip order by f.event_time
                   range between current row and :window_minutes * interval '1 minute' following) as in_window
  from sign_in as f
  where f.result = 'Failure'
),
burst as (
  -- per address, the first window holding min_failures failures
  select account_id, ip, min(event_time) as burst_start
  from failure
  where in_window >= :min_failures
  group by account_id, ip
),
burst_failure as (
  select b.account_id, b.ip, b.burst_start, f.partition, f.event_time, f.user_name, f.agent,
    -- each user name (a hidden one last: it is counted, not named) and agent numbered in name order, so that the
    -- reason names the first five of each
    dense_rank() over (partition by b.account_id, b.ip
      order by case when f.user_name <> 'HIDDEN_DUE_TO_SECURITY_REASONS' then f.user_name end nulls last) as user_rank,
    dense_rank() over (partition by b.account_id, b.ip order by f.agent nulls last) as agent_rank
  from burst as b
    join failure as f on f.account_id = b.account_id and f.ip = b.ip and f.event_time >= b.burst_start
      and f.event_time <= b.burst_start + :window_minutes * interval '1 minute'
),
summary as (
  select account_id, ip, burst_start, min(partition) as partition, count(*) as failures, max(event_time) as burst_end,
    count(distinct user_name) filter (where user_name <> 'HIDDEN_DUE_TO_SECURITY_REASONS') as users,
    count(*) filter (where user_name = 'HIDDEN_DUE_TO_SECURITY_REASONS') as unknown_names,
    string_agg(distinct user_name, ', ' order by user_name)
      filter (where user_name <> 'HIDDEN_DUE_TO_SECURITY_REASONS' and user_rank <= 5) as user_names,
    string_agg(distinct agent, ', ' order by agent) filter (where agent_rank <= 5) as agents,
    count(distinct agent) as agent_count
  from burst_failure
  group by account_id, ip, burst_start
),
success as (
  select g.account_id, g.ip, min(g.event_time) as first_success, count(*) as sign_ins,
    string_agg(distinct g.user_name, ', ' order by g.user_name) filter (where g.user_rank <= 5) as signed_in_as,
    count(distinct g.user_name) as signed_in_users
  from (
    -- each user signed in as numbered in name order, so that the reason names the first five
    select g.*, dense_rank() over (partition by g.account_id, g.ip order by g.user_name nulls last) as user_rank
    from summary as s
      join sign_in as g on g.account_id = s.account_id and g.ip = s.ip and g.result = 'Success'
        and g.event_time >= s.burst_start and g.event_time <= s.burst_end + :window_minutes * interval '1 minute'
  ) as g
  group by g.account_id, g.ip
)
select
  'arn:' || s.partition || ':::' || s.account_id || '#' || s.ip as resource,
  'alarm' as status,
  s.failures || ' failed console sign-ins from ' || s.ip || ' (' || s.agents
    || case when s.agent_count > 5 then ' and ' || (s.agent_count - 5) || ' more' else '' end
    || ') within ' || :window_minutes
    || case when :window_minutes = 1 then ' minute' else ' minutes' end
    || ' from ' || to_char(s.burst_start, 'YYYY-MM-DD HH24:MI:SS') || ' UTC, for '
    || concat_ws(' and ', case when s.users > 0 then s.users || ' user name(s) (' || s.user_names
                   || case when s.users > 5 then ' and ' || (s.users - 5) || ' more' else '' end || ')' end,
                 case when s.unknown_names > 0 then s.unknown_names || ' attempt(s) with a user name that is not an IAM '
                   || 'user of the account' end)
    || case when g.first_success is not null then '; then signed in as ' || g.signed_in_as
      || case when g.signed_in_users > 5 then ' and ' || (g.signed_in_users - 5) || ' more' else '' end
      || ' from the same address' || case when g.sign_ins > 1 then ', first at ' else ' at ' end
      || to_char(g.first_success, 'YYYY-MM-DD HH24:MI:SS') || ' UTC: '
      || case when g.signed_in_users > 1 then 'reset those passwords and review the sessions'
        else 'reset that password and review the session' end
      else '; no successful sign-in from the address followed' end
    || '.' as reason,
  s.account_id,
  'global' as region
from summary as s
  left join success as g on g.account_id = s.account_id and g.ip = s.ip
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' shows ' || :min_failures
      || ' or more failed console sign-ins from one address within ' || :window_minutes
      || case when :window_minutes = 1 then ' minute' else ' minutes' end || '.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so failed console sign-ins cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from summary as s where s.account_id = w.account_id)
