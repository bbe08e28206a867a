/*
title: No KMS key disabled or scheduled for deletion
description: >-
  CloudTrail shows no DisableKey or ScheduleKeyDeletion call, in the lookback_days days before the data was taken,
  on a KMS key the caller did not create itself earlier in the window (a key a principal creates and then
  removes is its own tear-down, reported as info). Successful calls and access-denied attempts alarm; other
  failures (no such key, a key already pending deletion) changed nothing. AWS's own calls are not counted; a role
  acting through CloudFormation is. One row per key, its latest such call; the reason gives the deletion date and
  whether a later EnableKey or CancelKeyDeletion took the change back.
severity: high
resource_type: AWS::KMS::Key
rationale: >-
  A disabled key decrypts nothing: the secrets, parameters, volumes, snapshots and objects it protects cannot be
  read until it is enabled again, and once a scheduled deletion runs they are lost for good (ATT&CK T1485, T1486:
  ransom through the key rather than the data). It is also how an intruder with a key administrator's identity
  cuts an account off its own data.
remediation: >-
  Confirm the change with the key's owner; if nobody planned it, cancel the deletion (CancelKeyDeletion) and
  enable the key before its deletion date, then review the caller's credentials and keep kms:DisableKey and
  kms:ScheduleKeyDeletion to the key administrators (key policy).
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with call as (
  -- key creations, disables, deletions and what takes them back, each with the key's ARN
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code, e.access_denied,
    e.actor_arn, e.aws_caller,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    -- keyId is a key id or a key ARN; CreateKey answers with the new key's ARN
    case when e.event_name = 'CreateKey' then e.response_elements -> 'keyMetadata' ->> 'arn'
      when e.request_parameters ->> 'keyId' like 'arn:%' then e.request_parameters ->> 'keyId'
      else 'arn:' || e.partition || ':kms:' || coalesce(e.region, 'global') || ':' || e.account_id || ':key/'
        || (e.request_parameters ->> 'keyId') end as key_arn,
    e.request_parameters ->> 'pendingWindowInDays' as pending_days,
    e.response_elements ->> 'deletionDate' as deletion_date
  from cloudtrail_event_actor as e
  where e.event_source = 'kms.amazonaws.com'
    and e.event_name in ('CreateKey', 'DisableKey', 'ScheduleKeyDeletion', 'EnableKey', 'CancelKeyDeletion')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
change as (
  select c.*,
    -- the caller's own key: the same principal created it earlier in the window
    (select max(k.event_time) from call as k
     where k.event_name = 'CreateKey' and k.error_code is null and k.account_id = c.account_id
       and k.key_arn = c.key_arn and k.actor_arn = c.actor_arn and k.event_time <= c.event_time) is not null as own_key,
    (select min(to_char(u.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC by ' || u.caller)
     from call as u
     where u.error_code is null and u.account_id = c.account_id and u.key_arn = c.key_arn
       and u.event_time >= c.event_time and u.event_id <> c.event_id
       and u.event_name = case when c.event_name = 'DisableKey' then 'EnableKey' else 'CancelKeyDeletion' end)
      as undone
  from call as c
  where c.event_name in ('DisableKey', 'ScheduleKeyDeletion') and c.key_arn is not null
    and (c.error_code is null or c.access_denied) and not c.aws_caller
),
ranked as (
  select c.*,
    row_number() over (partition by c.account_id, c.key_arn order by c.event_time desc, c.event_id) as rn,
    count(*) over (partition by c.account_id, c.key_arn) as calls,
    min(c.event_time) over (partition by c.account_id, c.key_arn) as first_time
  from change as c
)
select
  r.key_arn as resource,
  case when r.own_key and r.error_code is null then 'info' else 'alarm' end as status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || ' on key '
    || regexp_replace(r.key_arn, '^.*/', '') || ' at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS')
    || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.event_name = 'ScheduleKeyDeletion' and r.error_code is null
      then ', deleting it after ' || coalesce(r.pending_days, '30') || ' days'
        || coalesce(' (' || r.deletion_date || ')', '') else '' end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || coalesce('; taken back (' || case when r.event_name = 'DisableKey' then 'EnableKey' else 'CancelKeyDeletion' end
      || ') at ' || r.undone, '')
    || case when r.own_key and r.error_code is null then '; the caller created the key earlier in the window: its own tear-down.'
      else '; what the key encrypts cannot be decrypted while it is disabled, and is lost once it is deleted: confirm '
        || 'the change with the key''s owner.' end as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' disables a KMS key or schedules its deletion.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so KMS key changes cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
