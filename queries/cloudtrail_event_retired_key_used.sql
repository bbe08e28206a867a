/*
title: Retired access keys are not used
description: >-
  No access key signed a call more than grace_minutes minutes after it was deactivated or deleted
  (UpdateAccessKey to Inactive, DeleteAccessKey, with no reactivation in between), and no IAM user whose
  keys were all inactive in the credential report signed a call with a long-term key after the report was
  generated, unless CloudTrail shows that key created or activated after the report (CreateAccessKey,
  UpdateAccessKey to Active) and before the call. A call made with session credentials the key minted
  (GetSessionToken, GetFederationToken, AssumeRole signed by it) is the key's: revoking a key does not revoke
  them, so they keep the access it gave until they expire (up to 36 hours). Looks at the lookback_days days
  before the data was taken.
  One row per key: after its first retirement that later calls followed. A call signed by a deleted or inactive
  key carries no ARN: the key's user is then the one its retiring event names (the caller itself when the request
  names no user), under its ARN from that event, the loaded IAM data or another event of the account
  (cloudtrail_principal_arn), else built from its name in the partition of the account, which the reason and the
  arn_source dimension then say.
severity: high
resource_type: AWS::IAM::AccessKey
rationale: >-
  A retired key that still shows up in CloudTrail is in someone's hands: a forgotten workload, or an attacker
  who copied it. Calls with a deleted key fail, but the attempt itself is the signal; a federation or session
  token minted before the revocation keeps working (Stratus sts-federation-token).
remediation: >-
  Find where the calls come from (source IP, user agent); if it is not a workload being moved off the key,
  treat the key as leaked, review what the user can do and look for other credentials created around that time.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, aws_iam_credential_report, cloudtrail_principal_arn]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  grace_minutes: 5
*/
with key_call as materialized (
  -- the key calls' request fields read side by side, once each (one parse of the request per call)
  select e.account_id, e.partition, e.event_time, e.event_name, e.user_type, e.identity_user_name, e.identity_arn,
    e.request_parameters ->> 'userName' as request_user_name,
    e.request_parameters ->> 'accessKeyId' as request_key_id,
    e.request_parameters ->> 'status' as request_status,
    e.response_elements -> 'accessKey' ->> 'accessKeyId' as response_key_id
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com' and e.error_code is null
    and e.event_name in ('CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey')
    and e.event_time <= now()
),
lifecycle as (
  select k.account_id, k.partition, k.event_time, k.event_name,
    -- the key's user: the one the request names, else the caller itself
    coalesce(k.request_user_name, k.identity_user_name) as user_name,
    case when k.user_type = 'IAMUser' and lower(coalesce(k.request_user_name, k.identity_user_name))
      = lower(k.identity_user_name) then k.identity_arn end as owner_arn,
    -- CreateAccessKey names the new key in its response only
    coalesce(k.request_key_id, k.response_key_id) as key_id,
    case when k.event_name = 'DeleteAccessKey' then 'deleted'
      when k.request_status = 'Inactive' then 'deactivated' else 'activated' end as change
  from key_call as k
),
-- session credentials a long-term key minted: revoking the key does not revoke them, so their calls are the key's
minted as (
  select e.account_id, e.actor_arn, e.access_key_id as key_id, e.event_name as minted_by,
    e.response_elements -> 'credentials' ->> 'accessKeyId' as session_key_id
  from cloudtrail_event_actor as e
  where e.event_source = 'sts.amazonaws.com' and e.error_code is null and e.access_key_id like 'AKIA%'
    and e.event_name in ('GetSessionToken', 'GetFederationToken', 'AssumeRole')
    and e.response_elements -> 'credentials' ->> 'accessKeyId' is not null
    and e.event_time <= now()
),
use as (
  select u.account_id, u.partition, coalesce(m.actor_arn, u.actor_arn) as actor_arn,
    coalesce(m.key_id, u.access_key_id) as access_key_id, m.minted_by, u.event_time, u.source_ip_address
  from cloudtrail_event_actor as u
    left join minted as m on m.account_id = u.account_id and m.session_key_id = u.access_key_id
  where (u.access_key_id like 'AKIA%' or m.session_key_id is not null)
    and u.event_time > now() - :lookback_days * interval '1 day' and u.event_time <= now()
),
after_use as (
  -- each call a key signed after it was retired (and not activated again in between), each address numbered in name
  -- order per retirement, so that the reason names the first five
  select u.account_id, u.partition as use_partition, u.actor_arn, u.access_key_id, u.minted_by, u.event_time,
    u.source_ip_address,
    r.partition, r.user_name, r.owner_arn, r.change, r.event_time as retired_at,
    dense_rank() over (partition by u.account_id, u.access_key_id, r.partition, r.user_name, r.owner_arn, r.change,
      r.event_time order by u.source_ip_address nulls last) as ip_rank
  from use as u
    join lifecycle as r on r.account_id = u.account_id and r.key_id = u.access_key_id and r.change <> 'activated'
      and u.event_time > r.event_time + :grace_minutes * interval '1 minute'
  where not exists (
    select 1 from lifecycle as back
    where back.account_id = u.account_id and back.key_id = u.access_key_id and back.change = 'activated'
      and back.event_time > r.event_time and back.event_time < u.event_time
  )
),
after_event as (
  select account_id, coalesce(partition, min(use_partition)) as partition, max(actor_arn) as actor_arn,
    user_name, owner_arn, access_key_id, change, retired_at, count(*) as calls, max(event_time) as last_use,
    string_agg(distinct source_ip_address, ', ' order by source_ip_address) filter (where ip_rank <= 5) as ips,
    count(distinct source_ip_address) as ip_count,
    count(minted_by) as session_calls,
    string_agg(distinct minted_by, ', ' order by minted_by) as minted_by
  from after_use
  group by account_id, access_key_id, partition, user_name, owner_arn, change, retired_at
),
-- a key deactivated, then deleted, then used: one row, from the first retirement
first_after_event as (
  select * from (
    select a.*, row_number() over (partition by a.account_id, a.access_key_id order by a.retired_at, a.change) as rn
    from after_event as a
  ) as x
  where rn = 1
),
after_report as (
  select account_id, partition, actor_arn, null as user_name, null as owner_arn, access_key_id,
    'inactive in the credential report' as change,
    generated_time as retired_at, count(*) as calls, max(event_time) as last_use,
    string_agg(distinct source_ip_address, ', ' order by source_ip_address) filter (where ip_rank <= 5) as ips,
    count(distinct source_ip_address) as ip_count, 0 as session_calls, null as minted_by
  from (
    -- each address numbered in name order, so that the reason names the first five
    select u.account_id, u.partition, u.actor_arn, u.access_key_id, u.event_time, u.source_ip_address,
      c.generated_time,
      dense_rank() over (partition by u.account_id, u.partition, u.actor_arn, u.access_key_id, c.generated_time
        order by u.source_ip_address nulls last) as ip_rank
    from use as u
      join aws_iam_credential_report as c on c.user_arn = u.actor_arn and c.account_id = u.account_id
    where u.minted_by is null and not coalesce(c.access_key_1_active, false) and not coalesce(c.access_key_2_active, false)
      and u.event_time > c.generated_time + :grace_minutes * interval '1 minute'
      -- a key created or activated after the report is newer than what the report shows
      and not exists (
        select 1 from lifecycle as since
        where since.account_id = u.account_id and since.key_id = u.access_key_id and since.change = 'activated'
          and since.event_time > c.generated_time and since.event_time < u.event_time
      )
  ) as u
  group by account_id, partition, actor_arn, access_key_id, generated_time
),
finding as (
  select account_id, partition, actor_arn, user_name, owner_arn, access_key_id, change, retired_at, calls, last_use, ips,
    ip_count, session_calls, minted_by
  from first_after_event
  union all
  select account_id, partition, actor_arn, user_name, owner_arn, access_key_id, change, retired_at, calls, last_use, ips,
    ip_count, session_calls, minted_by
  from after_report
  where not exists (select 1 from after_event as e where e.access_key_id = after_report.access_key_id)
),
-- the key's user with its path: the calls' or the retiring event's ARN, else loaded IAM data, else another event
-- of the account, else built from the name in the account's partition
named as (
  select f.*,
    coalesce(f.actor_arn, f.owner_arn, p.arn,
      'arn:' || f.partition || ':iam::' || f.account_id || ':user/' || coalesce(f.user_name, 'unknown')) as arn,
    case when coalesce(f.actor_arn, f.owner_arn) is not null then 'event' else coalesce(p.arn_source, 'name') end
      as arn_source
  from finding as f
    left join cloudtrail_principal_arn as p on p.account_id = f.account_id and p.principal_type = 'user'
      and p.name_key = lower(f.user_name)
)
select
  f.arn || '#' || f.access_key_id as resource,
  'alarm' as status,
  'Access key ' || f.access_key_id || ' of '
    || case when f.arn_source = 'name' and f.user_name is null then 'an unknown user' else regexp_replace(f.arn, '^.*/', '') end
    || ' was ' || f.change || ' on ' || to_char(f.retired_at, 'YYYY-MM-DD HH24:MI') || ' UTC but signed ' || f.calls
    || ' call(s) after that'
    || case when f.session_calls > 0 then ' (' || f.session_calls || ' with session credentials it had minted by '
      || f.minted_by || ', which outlive the key)' else '' end
    || ', last on ' || to_char(f.last_use, 'YYYY-MM-DD HH24:MI') || ' UTC from '
    || coalesce(f.ips, 'an unknown address')
    || case when f.ip_count > 5 then ' and ' || (f.ip_count - 5) || ' more' else '' end
    || case when f.session_calls > 0 then '; find who still holds it and deny the sessions (a policy denying '
      || 'everything to tokens issued before the revocation, aws:TokenIssueTime).'
      else '; find who still holds it.' end
    || case when f.arn_source = 'name' and f.user_name is not null then ' The user''s ARN is built from its name: '
      || 'no IAM data or other event of the account gives it, so an IAM path would be missing.'
      when f.arn_source = 'name' then ' No event names the key''s user.' else '' end as reason,
  f.account_id,
  'global' as region,
  f.arn_source
from named as f
union all
select w.resource,
  w.status,
  case when w.status = 'skip' then
      w.summary || ' falls in the ' || :lookback_days
        || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so use of retired keys cannot be judged.'
    else w.summary || ' was signed by a key after it was deactivated or deleted.' end,
  w.account_id, 'global', null
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from finding as f where f.account_id = w.account_id)
