/*
title: No role assumed again and again with a user's access key
description: >-
  No IAM user, with its long-term access key, assumed the same role (successful sts:AssumeRole calls, each
  minting new credentials) in min_rounds or more different minutes within any window_minutes minutes, in the
  lookback_days days before the data was taken; sessions minted within one minute are one round (a tool
  configured for several Regions or accounts assumes the role once per client when it starts). One row per user naming each such role, the sessions (name, time, address,
  tool), the user's own identity checks (GetCallerIdentity) and what the sessions did (their calls, with an S3
  object's bucket and key). Calls by AWS services, through a service (invokedBy), by role sessions (role
  chaining) and by the users named in allowed_callers (comma-separated user names) are not counted. Skip when
  no CloudTrail event falls in the window.
severity: medium
resource_type: AWS::IAM::User
rationale: >-
  The AWS CLI and SDKs keep a role's credentials until they near expiry (an hour by default), so a client that
  works normally assumes a role once per session; fresh sessions of the same role minted minutes apart are
  someone assuming it by hand (aws sts assume-role, credentials pasted into the shell) or a tool retrying: the
  pivot of a stolen access key into a role, as in the public attack-chain trail where the key checked its
  identity, assumed the same role four times in six minutes and read a confidential S3 object with it.
remediation: >-
  Confirm with the user's owner that the sessions were theirs (or name a known script in allowed_callers);
  otherwise deactivate the user's access keys, revoke the role's active sessions (an aws:TokenIssueTime deny)
  and review what the sessions did.
tables: [cloudtrail_event_actor, cloudtrail_event_window]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 10
  min_rounds: 3
  allowed_callers: ''
*/
with assume as (
  -- each role session a user's long-term key minted: the new credentials' access key id names the session in
  -- its own later calls (userIdentity.accessKeyId)
  select e.account_id, e.partition, e.event_id, e.event_time, e.caller_arn as caller,
    e.request_parameters ->> 'roleArn' as role_arn,
    coalesce(e.request_parameters ->> 'roleSessionName', '?') as session_name,
    coalesce(e.response_elements -> 'credentials' ->> 'accessKeyId', e.event_id) as session_key,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'sts.amazonaws.com' and e.event_name = 'AssumeRole' and e.error_code is null
    and e.user_type = 'IAMUser' and e.caller_arn is not null
    and not e.aws_caller and e.invoked_by is null
    and (',' || lower(replace(:allowed_callers, ' ', '')) || ',') not like ('%,' || lower(coalesce(e.identity_user_name, '?')) || ',%')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
burst_start as (
  -- a window of window_minutes from each assumption holding sessions of the same role minted in min_rounds
  -- different minutes
  select s.account_id, s.caller, s.role_arn, s.event_time as started,
    count(distinct date_trunc('minute', o.event_time)) as in_burst
  from assume as s
    join assume as o on o.account_id = s.account_id and o.caller = s.caller and o.role_arn = s.role_arn
      and o.event_time >= s.event_time and o.event_time < s.event_time + :window_minutes * interval '1 minute'
  group by s.account_id, s.caller, s.role_arn, s.event_time
  having count(distinct date_trunc('minute', o.event_time)) >= :min_rounds
),
repeated as (
  -- each user and role with a burst: the first burst's start and its number of rounds
  select b.account_id, b.caller, b.role_arn, b.started, b.in_burst
  from (select *, row_number() over (partition by account_id, caller, role_arn order by started) as rn
        from burst_start) as b
  where b.rn = 1
),
session as (
  select a.*, r.started, r.in_burst,
    row_number() over (partition by a.account_id, a.caller, a.role_arn order by a.event_time, a.event_id) as n,
    count(*) over (partition by a.account_id, a.caller, a.role_arn) as sessions
  from assume as a
    join repeated as r on r.account_id = a.account_id and r.caller = a.caller and r.role_arn = a.role_arn
),
session_call as (
  -- what the sessions did: calls made with the minted credentials
  select s.account_id, s.caller, s.role_arn, e.event_name,
    e.event_name || case when e.event_source = 's3.amazonaws.com' and e.request_parameters ->> 'key' is not null
      then ' s3://' || coalesce(e.request_parameters ->> 'bucketName', '?') || '/' || (e.request_parameters ->> 'key')
      else '' end || case when e.error_code is not null then ' (' || e.error_code || ')' else '' end as call
  from session as s
    join cloudtrail_event_actor as e on e.account_id = s.account_id and e.access_key_id = s.session_key
  where e.event_time >= s.event_time
),
call_per_role as (
  select account_id, caller, role_arn,
    string_agg(call || case when calls > 1 then ' x' || calls else '' end, ', ' order by call)
      filter (where call_rank <= 8) as calls, count(*) as call_kinds
  from (
    select account_id, caller, role_arn, call, count(*) as calls,
      row_number() over (partition by account_id, caller, role_arn order by call) as call_rank
    from session_call
    group by account_id, caller, role_arn, call
  ) as c
  group by account_id, caller, role_arn
),
identity_check as (
  -- the user's own "who am I" calls in the lookback: a key being tried
  select e.account_id, e.caller_arn as caller, count(*) as checks,
    string_agg(distinct coalesce(e.source_ip_address, 'an unknown address'), ', ') as ips
  from cloudtrail_event_actor as e
  where e.event_source = 'sts.amazonaws.com' and e.event_name = 'GetCallerIdentity' and e.user_type = 'IAMUser'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
    and exists (select 1 from repeated as r where r.account_id = e.account_id and r.caller = e.caller_arn)
  group by e.account_id, e.caller_arn
),
per_role as (
  select s.account_id, s.caller, s.role_arn, min(s.partition) as partition, max(s.sessions) as sessions,
    min(s.started) as started, max(s.in_burst) as in_burst,
    string_agg(s.session_name || ' ' || to_char(s.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || s.ip
      || ' (' || s.agent || ')', ', ' order by s.n) filter (where s.n <= 6) as listed
  from session as s
  group by s.account_id, s.caller, s.role_arn
),
per_user as (
  select p.account_id, p.caller, min(p.partition) as partition,
    string_agg('role ' || p.role_arn || ': ' || p.sessions || ' sessions, the first ' || least(p.sessions, 6)
      || ' ' || p.listed || case when p.sessions > 6 then ' and ' || (p.sessions - 6) || ' more' else '' end
      || ' (minted in ' || p.in_burst || ' different minutes within ' || :window_minutes || case when :window_minutes = 1 then ' minute' else ' minutes' end
      || ' from ' || to_char(p.started, 'YYYY-MM-DD HH24:MI:SS') || ' UTC); the sessions called '
      || coalesce(c.calls || case when c.call_kinds > 8 then ' and ' || (c.call_kinds - 8) || ' more' else '' end,
                  'nothing in the loaded events'),
      '; ' order by p.role_arn) as roles
  from per_role as p
    left join call_per_role as c on c.account_id = p.account_id and c.caller = p.caller and c.role_arn = p.role_arn
  group by p.account_id, p.caller
)
select
  u.caller as resource,
  'alarm' as status,
  u.caller || ' assumed the same role again and again with its access key: ' || u.roles
    || coalesce('; the user checked its own identity (GetCallerIdentity) ' || i.checks || ' time(s) from ' || i.ips, '')
    || '; confirm the sessions were the user''s own and deactivate its keys otherwise.' as reason,
  u.account_id,
  'global' as region
from per_user as u
  left join identity_check as i on i.account_id = u.account_id and i.caller = u.caller
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' shows an IAM user assuming one role in ' || :min_rounds
      || ' or more different minutes within ' || :window_minutes
      || case when :window_minutes = 1 then ' minute.' else ' minutes.' end
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so repeated role assumptions cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from per_user as u where u.account_id = w.account_id)
