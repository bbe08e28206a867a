/*
title: No session token minted from a long-term key in a suspicious way
description: >-
  CloudTrail shows no successful GetSessionToken call, in the lookback_days days before the data was taken, that
  is a threat signal: made by the root user (the permissions of its session tokens cannot be limited, and AWS
  advises against it); made by an IAM user without MFA (no serialNumber in the request) although the user is
  known to have an MFA device (the loaded IAM data lists one, or the user signed in to the console or asked for a
  session token with MFA during the window); or made from a source address the user had not used earlier in the
  window (a failed console sign-in there is no use of it), more than baseline_hours hours after the window's first
  event (before that there is no history to compare with). Other GetSessionToken calls, a user with MFA asking for an MFA session from an address it uses,
  are everyday CLI use and not reported. Failed calls issue no token and are not counted; roles cannot call
  GetSessionToken. The finding is keyed on the user (or root) ARN and names the access key.
severity: high
resource_type: AWS::IAM::User
rationale: >-
  GetSessionToken needs no permission and cannot be denied by a policy. Its temporary credentials stay valid
  for up to 36 hours whatever happens to the access key that asked for them: deleting or deactivating a stolen key
  does not end them, only removing the user's permissions does. A key minting tokens without the user's MFA
  device, or from a new address, is a stolen key made to outlive its revocation.
remediation: >-
  Confirm the call with the user; if nobody made it, deactivate the access key and attach a deny policy with an
  aws:TokenIssueTime condition to the user (the tokens already issued stay valid otherwise), then review the
  calls made with the token's credentials.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, aws_iam_user]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  baseline_hours: 24
*/
with sts as (
  -- the requests read once, side by side outside any CASE: GetSessionToken, and console sign-ins that tell MFA use
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.user_type, e.actor_arn, e.access_key_id,
    coalesce(e.identity_arn, e.actor_arn) as caller,
    e.request_parameters ->> 'serialNumber' as serial_number,
    e.request_parameters ->> 'durationSeconds' as duration,
    e.additional_event_data ->> 'MFAUsed' as mfa_used,
    e.response_elements ->> 'ConsoleLogin' as login,
    e.source_ip_address, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.error_code is null and e.user_type in ('IAMUser', 'Root') and e.actor_arn is not null
    and e.event_name in ('GetSessionToken', 'ConsoleLogin')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
token as (
  select * from sts where event_name = 'GetSessionToken'
),
-- the account's events in the look-back window: the baseline of addresses starts at the first of them
lookback as (
  select w.*
  from cloudtrail_event_window as w
  where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
    and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
),
-- users known to have MFA: the loaded IAM data, else an MFA sign-in or MFA session token of the window
mfa_trail as (
  select account_id, actor_arn, min(event_time) as first_time
  from sts
  where (event_name = 'ConsoleLogin' and mfa_used = 'Yes' and login = 'Success')
    or (event_name = 'GetSessionToken' and serial_number is not null)
  group by account_id, actor_arn
),
mfa_iam as (
  select distinct account_id, arn from aws_iam_user where mfa_enabled
),
-- when each user first used each address in the window (any call, failed ones too; not a failed sign-in: whoever
-- tried the user's password there did not get in, so the address is not shown to be the user's)
seen as (
  select e.account_id, e.actor_arn, e.source_ip_address, min(e.event_time) as first_seen
  from cloudtrail_event_actor as e
  where e.actor_arn in (select actor_arn from token) and e.source_ip_address is not null and not e.sign_in_failed
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
  group by e.account_id, e.actor_arn, e.source_ip_address
),
signal as (
  select t.*,
    t.user_type = 'Root' as by_root,
    t.serial_number is null and t.user_type = 'IAMUser' and (i.arn is not null or m.actor_arn is not null) as without_mfa,
    case when i.arn is not null then 'the loaded IAM data lists an MFA device for the user'
      else 'the user used MFA at ' || to_char(m.first_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC' end as mfa_evidence,
    t.user_type = 'IAMUser' and s.first_seen >= t.event_time
      and t.event_time > ev.first_time + :baseline_hours * interval '1 hour' as new_source,
    (select count(*) from seen as o
     where o.account_id = t.account_id and o.actor_arn = t.actor_arn and o.first_seen < t.event_time) as known_addresses
  from token as t
    join lookback as ev on ev.account_id = t.account_id
    left join mfa_iam as i on i.account_id = t.account_id and i.arn = t.actor_arn
    left join mfa_trail as m on m.account_id = t.account_id and m.actor_arn = t.actor_arn
    left join seen as s on s.account_id = t.account_id and s.actor_arn = t.actor_arn
      and s.source_ip_address = t.source_ip_address
),
hit as (
  select s.*,
    concat_ws('; ',
      case when by_root then 'the root user minted it: the permissions of its session tokens cannot be limited' end,
      case when without_mfa then 'without MFA (no serialNumber in the request), although ' || mfa_evidence
        || ': whoever holds the key may not hold the device' end,
      case when new_source and known_addresses = 0 then 'the user''s first call in the window, more than '
          || :baseline_hours || case when :baseline_hours = 1 then ' hour' else ' hours' end|| ' after its start'
        when new_source then 'from an address the user had not used before in the window (it had used '
          || known_addresses || ' other' || case when known_addresses = 1 then '' else 's' end || ')' end
    ) as why
  from signal as s
  where by_root or without_mfa or new_source
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.actor_arn order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.actor_arn) as calls
  from hit as h
)
select
  r.actor_arn as resource,
  'alarm' as status,
  coalesce(r.caller, r.actor_arn) || ' called GetSessionToken with access key ' || coalesce(r.access_key_id, '(unknown)')
    || ' at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from '
    || coalesce(r.source_ip_address, 'an unknown address') || ' (' || r.agent || '), for a token valid '
    || coalesce(r.duration || ' seconds', '43200 seconds (the default)') || ': ' || r.why
    || case when r.calls > 1 then '; ' || r.calls || ' such calls in all' else '' end
    || '. The token outlives the key: confirm the call, else deny the user''s older tokens (aws:TokenIssueTime).'
    as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' is a GetSessionToken by the root user, without the user''s MFA, or from a new address.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so session tokens cannot be judged.' end,
  w.account_id,
  'global'
from lookback as w
where not exists (select 1 from ranked as r where r.account_id = w.account_id)
