/*
title: No caller trying to assume many roles it is refused
description: >-
  No caller was refused sts:AssumeRole on min_roles or more distinct roles, in this or other accounts, within any
  window_minutes minutes, in the lookback_days days before the data was taken. A refused call records no request
  parameters: its role is the one its error message names (`... is not authorized to perform: sts:AssumeRole on
  resource: <role ARN>`). A role the caller assumed successfully within the window is not counted: a new role
  refused for a few seconds until IAM has spread its trust, then assumed, is a tool waiting for it (Stratus's
  set-up on the invictus trail), not a guess. Calls made by AWS itself (AWS services, service-linked roles) or by a
  service on the caller's behalf (invokedBy) are not counted, nor those of allowed_callers (comma-separated names of
  the users and roles of known multi-account tools: the user, or the role of a session, behind the call). One row per
  caller: its busiest window, naming the roles refused, their accounts and the roles it did assume.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  Guessing role names and asking for each is how an intruder with any credentials maps the roles of an account or
  an organization and finds one whose trust lets it in (ATT&CK T1087.004, cloud account discovery; T1580; Pacu's
  iam__enum_roles, Stratus's role enumeration). A tool that knows its roles is refused rarely, and on the same few.
remediation: >-
  Find out whose credentials made the calls; if the caller is a known multi-account tool whose roles are missing in
  some accounts, name it in allowed_callers. Otherwise treat the credentials as compromised, check what the roles it
  did assume were used for, and review the trust policies of the roles it tried (the reason lists them).
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 10
  min_roles: 5
  allowed_callers: ''
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.error_code,
    e.error_code is not null as refused,
    coalesce(e.caller_arn, e.identity_arn, e.user_type, 'unknown') as caller,
    coalesce(e.identity_arn, e.caller_arn, e.user_type, 'an unknown caller') as caller_name,
    coalesce(e.source_ip_address, 'unknown') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    -- the role asked for: the request's, else (a refused call records no request) the one the error message names
    coalesce(e.request_parameters ->> 'roleArn',
             case when e.error_code is not null and e.error_message ~ 'on resource: arn:[^ ]+:role/'
               -- the ARN runs to the next space; a period right after it ends the sentence (newer messages go on
               -- with "because no identity-based policy allows ...")
               then regexp_replace(regexp_replace(e.error_message, '^.*on resource: (arn:[^ ]+:role/[^ ]+).*$', '\1'),
                                   '[.]$', '') end)
      as role_arn,
    date_trunc('minute', e.event_time) as minute
  from cloudtrail_event_actor as e
  where e.event_source = 'sts.amazonaws.com' and e.event_name = 'AssumeRole'
    and (e.error_code is null or e.access_denied)
    and not e.aws_caller and e.invoked_by is null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
    and (',' || replace(:allowed_callers, ' ', '') || ',')
      not like ('%,' || regexp_replace(coalesce(e.caller_arn, ''), '^.*/', '') || ',%')
),
refusal as (
  select c.* from call as c where c.refused and c.role_arn is not null
),
start as (
  select distinct account_id, caller, minute from refusal
),
-- per window, the distinct roles refused that the caller did not assume in the same window
window_ as (
  select s.account_id, s.caller, s.minute as started, count(distinct r.role_arn) as roles
  from start as s
    join refusal as r on r.account_id = s.account_id and r.caller = s.caller
      and r.minute >= s.minute and r.minute < s.minute + :window_minutes * interval '1 minute'
  where not exists (
    select 1 from call as a
    where not a.refused and a.account_id = r.account_id and a.caller = r.caller and lower(a.role_arn) = lower(r.role_arn)
      and a.minute >= s.minute and a.minute < s.minute + :window_minutes * interval '1 minute')
  group by s.account_id, s.caller, s.minute
),
busiest as (
  select w.*, row_number() over (partition by w.account_id, w.caller order by w.roles desc, w.started) as rn
  from window_ as w
  where w.roles >= :min_roles
),
burst_call as (
  select b.account_id, b.caller, b.started, b.roles, c.event_id, c.refused, c.role_arn, c.ip, c.agent, c.caller_name,
    c.partition, split_part(c.role_arn, ':', 5) as role_account
  from busiest as b
    join call as c on c.account_id = b.account_id and c.caller = b.caller and c.minute >= b.started
      and c.minute < b.started + :window_minutes * interval '1 minute'
  where b.rn = 1
),
burst as (
  select b.account_id, b.caller, b.started, b.roles, min(b.caller_name) as caller_name, min(b.partition) as partition,
    count(distinct b.event_id) filter (where b.refused) as refusals,
    count(distinct b.role_account) filter (where b.refused) as accounts,
    string_agg(distinct b.ip, ', ' order by b.ip) as ips,
    string_agg(distinct b.agent, ', ' order by b.agent) as agents
  from burst_call as b
  group by b.account_id, b.caller, b.started, b.roles
),
detail as (
  select u.*,
    (select string_agg(x.role_arn, ', ' order by x.role_arn) from (
        select distinct c.role_arn from burst_call as c
        where c.account_id = u.account_id and c.caller = u.caller and c.refused and c.role_arn is not null
        order by c.role_arn limit 5) as x) as examples,
    (select string_agg(x.role_arn, ', ' order by x.role_arn) from (
        select distinct c.role_arn from burst_call as c
        where c.account_id = u.account_id and c.caller = u.caller and not c.refused and c.role_arn is not null
        order by c.role_arn limit 5) as x) as assumed
  from burst as u
)
select
  case when d.caller like 'arn:%' then d.caller else 'arn:' || d.partition || ':::' || d.account_id || '#' || d.caller end
    as resource,
  'alarm' as status,
  d.caller_name || ' was refused sts:AssumeRole on ' || d.roles || ' roles in ' || d.accounts
    || case when d.accounts = 1 then ' account' else ' accounts' end || ' within ' || :window_minutes
    || case when :window_minutes = 1 then ' minute' else ' minutes' end || ' from '
    || to_char(d.started, 'YYYY-MM-DD HH24:MI') || ' UTC (' || d.refusals || ' refused calls; ' || d.examples
    || case when d.roles > 5 then ' and ' || (d.roles - 5) || ' more' else '' end || ') from ' || d.ips
    || ' (' || d.agents || ')'
    || coalesce('; it did assume ' || d.assumed, '; it assumed no role in that time')
    || '; find out whose credentials these are.' as reason,
  d.account_id,
  'global' as region
from detail as d
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' shows one caller refused sts:AssumeRole on ' || :min_roles
      || ' or more roles within ' || :window_minutes
      || case when :window_minutes = 1 then ' minute' else ' minutes' end || '.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so attempts to assume roles cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from detail as d where d.account_id = w.account_id)
