/*
title: No access key checked from an address it had not been used from
description: >-
  CloudTrail shows no long-term access key (an IAM user's or the root user's, AKIA...) whose first call from a
  source address was sts:GetCallerIdentity, in the lookback_days days before the data was taken, when the key had
  been used from other addresses earlier in the window, or had made no call at all in the window before it (a
  dormant key) and was not created in the window; a dormant key counts only more than baseline_hours hours after
  the window's first event (before that, every key's first call is its first in the data). The key's other calls
  at the same second count as its first ones too. Calls made through an AWS service (invokedBy), AWS's own
  calls, failed console sign-ins and service-name addresses (ec2.amazonaws.com, AWS Internal) are not counted as
  the key's addresses. A key created in the window (CreateAccessKey's response names it) and first checked by its
  owner is set-up, not an alarm (a key created for another user is cloudtrail_event_credential_for_other_principal's
  alarm). One row per key (the caller's ARN and the access key id) naming the latest new address, the tool, the
  key's addresses before and what the key did next from there. A key checked this way from habit_addresses or more
  new addresses in the window checks itself at every new address, as a pipeline on runners whose address changes
  does: info, not an alarm.
severity: high
resource_type: AWS::IAM::AccessKey
rationale: >-
  "Whose key is this and what can it do" is the first question of whoever finds a key: sts:GetCallerIdentity needs
  no permission and cannot be denied, so attackers and their tools (Pacu, secret scanners, hand-run CLIs) ask it
  first with a key they took from code, a laptop or a CI log. A key its owner uses from known places, suddenly
  asking it from a new address, is a key in someone else's hands.
remediation: >-
  Confirm with the key's owner that the address is theirs (a new office, VPN or build runner); if not, deactivate
  the key, review its calls from the new address, and create a new key where the owner keeps it.
tables: [cloudtrail_event_actor, cloudtrail_event_window]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  baseline_hours: 24
  habit_addresses: 5
*/
with key_call as (
  -- calls signed with a long-term access key (temporary credentials are ASIA...), from an address the key's holder
  -- called from: not a service's name, not a call a service made for the key's owner
  select e.event_id, e.account_id, e.event_time, e.event_name, e.event_source, e.error_code, e.access_key_id,
    coalesce(e.caller_arn, e.identity_arn, e.actor_arn) as caller, e.source_ip_address as ip,
    coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.access_key_id like 'AKIA%' and e.user_type in ('IAMUser', 'Root')
    and e.source_ip_address is not null and e.source_ip_address not like '%amazonaws.com'
    and e.source_ip_address <> 'AWS Internal'
    and not e.aws_caller and e.invoked_by is null and not e.sign_in_failed
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
-- the account's events in the look-back window: the baseline of the key's addresses starts at the first of them
lookback as (
  select w.*
  from cloudtrail_event_window as w
  where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
    and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
),
address as (
  select account_id, access_key_id, ip, min(event_time) as first_seen
  from key_call
  group by account_id, access_key_id, ip
),
-- keys the window shows created (CreateAccessKey's response): a new key's first check is its owner's set-up
created as (
  select distinct e.account_id, e.response_elements -> 'accessKey' ->> 'accessKeyId' as access_key_id
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com' and e.event_name = 'CreateAccessKey' and e.error_code is null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
check_call as (
  select c.*, w.first_time as window_start,
    (select count(distinct o.ip) from address as o
     where o.account_id = c.account_id and o.access_key_id = c.access_key_id and o.first_seen < c.event_time)
      as known_addresses
  from key_call as c
    join address as a on a.account_id = c.account_id and a.access_key_id = c.access_key_id and a.ip = c.ip
      and a.first_seen = c.event_time
    join lookback as w on w.account_id = c.account_id
  where c.event_source = 'sts.amazonaws.com' and c.event_name = 'GetCallerIdentity' and c.error_code is null
),
-- a key seen elsewhere before; or a dormant key: silent through the baseline and not created in the window
hit as (
  select c.*
  from check_call as c
  where c.known_addresses > 0
    or (c.event_time > c.window_start + :baseline_hours * interval '1 hour'
        and not exists (select 1 from created as k
                        where k.account_id = c.account_id and k.access_key_id = c.access_key_id))
),
per_key as (
  select account_id, access_key_id, min(caller) as caller, count(distinct ip) as new_addresses,
    min(event_time) as first_check, max(event_time) as last_check
  from hit
  group by account_id, access_key_id
),
-- the latest new address of each key: its check, the addresses before it and the key's calls from it after
latest as (
  select h.*,
    row_number() over (partition by h.account_id, h.access_key_id order by h.event_time desc, h.ip) as rn
  from hit as h
),
before as (
  select l.account_id, l.access_key_id,
    string_agg(o.ip, ', ' order by o.ip) filter (where o.rank_ <= 3) as ips
  from latest as l
    join (select a.*, row_number() over (partition by a.account_id, a.access_key_id order by a.first_seen, a.ip) as rank_
          from address as a) as o
      on o.account_id = l.account_id and o.access_key_id = l.access_key_id and o.first_seen < l.event_time
  where l.rn = 1
  group by l.account_id, l.access_key_id
),
next_call as (
  select l.account_id, l.access_key_id, c.event_name, count(*) as calls,
    row_number() over (partition by l.account_id, l.access_key_id order by count(*) desc, c.event_name) as rank_
  from latest as l
    join key_call as c on c.account_id = l.account_id and c.access_key_id = l.access_key_id and c.ip = l.ip
      and c.event_time >= l.event_time and c.event_id <> l.event_id
  where l.rn = 1
  group by l.account_id, l.access_key_id, c.event_name
),
next_per_key as (
  select account_id, access_key_id, sum(calls) as calls,
    string_agg(event_name || case when calls > 1 then ' x' || calls else '' end, ', ' order by rank_)
      filter (where rank_ <= 5) as names,
    count(*) as name_count
  from next_call
  group by account_id, access_key_id
)
select
  coalesce(l.caller, 'unknown') || '#' || l.access_key_id as resource,
  case when k.new_addresses >= :habit_addresses then 'info' else 'alarm' end as status,
  coalesce(l.caller, 'an unknown caller') || ' (access key ' || l.access_key_id || ') called GetCallerIdentity as its '
    || 'first call from ' || l.ip || ' (' || l.agent || ') at ' || to_char(l.event_time, 'YYYY-MM-DD HH24:MI:SS')
    || ' UTC: '
    || case when l.known_addresses > 0 then 'the key had been used from ' || l.known_addresses
          || case when l.known_addresses = 1 then ' other address (' else ' other addresses (' end || b.ips
          || case when l.known_addresses > 3 then ' and ' || (l.known_addresses - 3) || ' more' else '' end
          || ') since the window''s start'
        else 'the key''s first call in the window, more than ' || :baseline_hours
          || case when :baseline_hours = 1 then ' hour' else ' hours' end
          || ' after its start, and no CreateAccessKey for it in the window (a dormant key)' end
    || coalesce('; from there it then made ' || n.calls || ' other call(s): ' || n.names
      || case when n.name_count > 5 then ' and ' || (n.name_count - 5) || ' more' else '' end, '')
    || case when k.new_addresses > 1 then '; ' || k.new_addresses || ' new addresses checked this way since '
      || to_char(k.first_check, 'YYYY-MM-DD HH24:MI:SS') || ' UTC' else '' end
    || case when k.new_addresses >= :habit_addresses then '; the key checks itself first at every new address, as a '
        || 'pipeline on runners whose address changes does: confirm the key is a pipeline''s.'
      else '; confirm the address is the owner''s, else deactivate the key.' end as reason,
  l.account_id,
  'global' as region
from latest as l
  join per_key as k on k.account_id = l.account_id and k.access_key_id = l.access_key_id
  left join before as b on b.account_id = l.account_id and b.access_key_id = l.access_key_id
  left join next_per_key as n on n.account_id = l.account_id and n.access_key_id = l.access_key_id
where l.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' is a long-term key''s first call from a new address made with '
      || 'GetCallerIdentity.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so keys checked from new addresses cannot be judged.' end,
  w.account_id,
  'global'
from lookback as w
where not exists (select 1 from latest as l where l.account_id = w.account_id)
