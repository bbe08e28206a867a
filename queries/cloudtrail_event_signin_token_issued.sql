/*
title: No console sign-in token made from programmatic credentials
description: >-
  CloudTrail shows no successful GetSigninToken call (signin.amazonaws.com, the federation endpoint that turns
  temporary credentials into a console sign-in URL), in the lookback_days days before the data was taken, by a
  federated user (a GetFederationToken session of an IAM user's access key) or a role session, other than IAM
  Identity Center's own portal sign-ins (an AWSReservedSSO_ role session whose user agent is a browser or the
  portal's Jersey client) and sessions of allowed_callers (comma-separated user or role names of known identity
  brokers, matched against the session issuer). The reason names the long-term user or role behind the session,
  the GetFederationToken or AssumeRole call that minted the credentials (matched by their access key id) and a
  console sign-in of the same session within the sign-in token's 15 minutes. Failed calls issue no token.
severity: high
resource_type: AWS::STS::FederatedUser
rationale: >-
  GetFederationToken followed by GetSigninToken turns a stolen access key into a console session without the
  user's password or MFA (tools such as aws_consoler do it in one step), under a federated user name the caller
  chooses; the session outlives the key's deactivation. Browsers sign in with passwords, SAML or Identity Center,
  not with this endpoint.
remediation: >-
  If the session issuer is not a known identity broker, deactivate its access keys, deny it
  sts:GetFederationToken (a deny policy also cuts the federated sessions' calls) or revoke the role's sessions,
  and review what the console session did.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  allowed_callers: ''
*/
-- read by three steps, each for a few events: NOT MATERIALIZED lets each one's filters reach the actor table's scan,
-- where DuckDB would otherwise first copy every column of every event of the window (as PostgreSQL does by default)
with window_event as not materialized (
  select e.*
  from cloudtrail_event_actor as e
  where e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
token as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.user_type, e.access_key_id, e.identity_arn,
    coalesce(e.identity_arn, e.user_type, 'an unknown caller') as caller,
    -- the long-term user or the role behind the session (the role from the session's ARN when the event has no
    -- sessionContext)
    coalesce(e.actor_arn, case when e.user_type = 'AssumedRole' then 'role ' || split_part(e.identity_arn, '/', 2) end)
      as issuer,
    coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    coalesce(e.source_ip_address, 'an unknown address') as ip
  from window_event as e
  where e.event_source = 'signin.amazonaws.com' and e.event_name = 'GetSigninToken' and e.error_code is null
    and e.response_elements ->> 'GetSigninToken' is distinct from 'Failure'
    and not e.aws_caller and e.invoked_by is null
    -- IAM Identity Center's portal signs its users in to an account this way, as an AWSReservedSSO_ role session
    and not (coalesce(e.identity_arn, '') like '%:assumed-role/AWSReservedSSO\_%'
             and (e.agent_kind = 'console' or coalesce(e.user_agent, '') like 'Jersey/%'))
    and (',' || replace(:allowed_callers, ' ', '') || ',')
      not like ('%,' || coalesce(regexp_replace(e.actor_arn, '^.*/', ''),
                                 case when e.user_type = 'AssumedRole' then split_part(e.identity_arn, '/', 2) end, '?')
                || ',%')
),
minted as (
  -- the calls that minted temporary credentials, by the access key id of their response
  select e.event_id, e.account_id, e.event_time, e.event_name,
    coalesce(e.identity_arn, e.actor_arn, 'an unknown caller') as minter,
    coalesce(e.source_ip_address, 'an unknown address') as ip,
    e.response_elements -> 'credentials' ->> 'accessKeyId' as key_id
  from window_event as e
  where e.event_source = 'sts.amazonaws.com' and e.event_name in ('GetFederationToken', 'AssumeRole')
    and e.error_code is null
),
login as (
  select e.account_id, e.identity_arn, e.event_time, coalesce(e.source_ip_address, 'an unknown address') as ip
  from window_event as e
  where e.event_name = 'ConsoleLogin' and e.event_source = 'signin.amazonaws.com'
    and e.response_elements ->> 'ConsoleLogin' = 'Success'
),
hit as (
  select k.*,
    (select m.event_name || ' by ' || m.minter || ' at ' || to_char(m.event_time, 'YYYY-MM-DD HH24:MI:SS')
       || ' UTC from ' || m.ip
     from minted as m
     where m.key_id = k.access_key_id and m.event_time <= k.event_time
     order by m.event_time desc limit 1) as minted_by,
    (select 'signed in to the console at ' || to_char(l.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || l.ip
     from login as l
     where l.account_id = k.account_id and l.identity_arn = k.identity_arn and l.event_time >= k.event_time
       and l.event_time <= k.event_time + interval '15 minutes'
     order by l.event_time limit 1) as signed_in
  from token as k
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.caller order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.caller) as calls
  from hit as h
)
select
  r.caller as resource,
  'alarm' as status,
  r.caller || ' called GetSigninToken at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip
    || ' (' || r.agent || '): a console sign-in URL made from '
    || case when r.user_type = 'FederatedUser' then 'a federation token of '
        || coalesce(r.issuer, 'an unknown user') || '''s access key'
      when r.user_type = 'AssumedRole' then 'a session of ' || coalesce(r.issuer, 'an unknown role')
      else 'credentials of ' || coalesce(r.issuer, r.caller) end
    || coalesce(' (credentials ' || r.access_key_id || ' minted by ' || r.minted_by || ')', '')
    || coalesce('; the session ' || r.signed_in, '')
    || case when r.calls > 1 then '; ' || r.calls || ' such calls in all' else '' end
    || '; confirm the caller is an identity broker, else disable the key behind it and review the console session.'
    as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' makes a console sign-in token from a federation token or role session outside allowed_callers and'
      || ' IAM Identity Center''s portal.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so console sign-in tokens cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
