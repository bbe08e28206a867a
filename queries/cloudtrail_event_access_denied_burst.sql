/*
title: No bursts of access-denied errors
description: >-
  No principal received max_denied or more access-denied errors (AccessDenied, UnauthorizedOperation...)
  within any window_minutes minutes, in the lookback_days days before the data was taken. Denials of AWS's own
  calls (sessions of service-linked roles), of calls a service made for the caller (invokedBy) and of read-only
  calls a console page made to fill itself are not counted.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  A burst of denied calls is what enumeration with stolen credentials looks like: the caller tries what the
  credentials might allow. It also shows workloads broken by a policy change.
remediation: >-
  Look at the denied calls of the principal (event names, source IPs, user agents); if they are not a known
  deployment or policy change, treat its credentials as compromised: deactivate its keys or revoke its sessions.
tables: [iamsql_account, cloudtrail_event_actor]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 10
  max_denied: 10
*/
with denied as (
  select account_id, partition, caller, event_time, event_name, source_ip_address,
    count(*) over (partition by account_id, caller order by event_time
                   range between current row and :window_minutes * interval '1 minute' following) as in_window,
    -- each call and address numbered in name order, so that the reason names the first five of each
    dense_rank() over (partition by account_id, caller order by event_name nulls last) as event_name_rank,
    dense_rank() over (partition by account_id, caller order by source_ip_address nulls last) as ip_rank
  from (
    -- the principal a call counts against (caller_arn: also another account's caller, named by its account, an
    -- IAM Identity Center user and a SAML or web identity federation's provider and subject), else the identity type
    select e.*, coalesce(e.caller_arn, e.user_type, 'unknown') as caller
    from cloudtrail_event_actor as e
  ) as c
  where access_denied
    -- AWS's own calls (a session of a service-linked role: only its service holds its credentials) and calls a
    -- service made for the caller (invokedBy) are the service's denials, not someone trying stolen credentials
    and not aws_caller and invoked_by is null
    -- a console page asks for what it displays with the user's permissions: its read calls denied are widgets the
    -- user may not see (the console home's Cost Explorer cards), not someone trying what the credentials allow
    and not (agent_kind = 'console' and coalesce(read_only, false))
    and event_time > now() - :lookback_days * interval '1 day' and event_time <= now()
),
per_principal as (
  select a.account_id, a.partition, a.caller,
    coalesce(d.denied, 0) as denied, coalesce(d.peak, 0) as peak, d.peak_start, d.event_names, d.event_name_count,
    d.ips, d.ip_count
  from (select distinct account_id, partition, caller_arn as caller from cloudtrail_event_actor
        where caller_arn is not null and event_time > now() - :lookback_days * interval '1 day' and event_time <= now()
        union
        select account_id, partition, caller from denied) as a
    left join (
      select account_id, caller, count(*) as denied, max(in_window) as peak,
        min(event_time) filter (where in_window >= :max_denied) as peak_start,
        string_agg(distinct event_name, ', ' order by event_name) filter (where event_name_rank <= 5) as event_names,
        count(distinct event_name) as event_name_count,
        string_agg(distinct source_ip_address, ', ' order by source_ip_address) filter (where ip_rank <= 5) as ips,
        count(distinct source_ip_address) as ip_count
      from denied group by account_id, caller
    ) as d on d.account_id = a.account_id and d.caller = a.caller
)
select
  case when p.caller like 'arn:%' then p.caller else 'arn:' || p.partition || ':::' || p.account_id || '#' || p.caller end
    as resource,
  case when p.peak >= :max_denied then 'alarm' else 'ok' end as status,
  case
    when p.peak >= :max_denied then
      p.name || ' received ' || p.peak || ' access-denied errors within '
        || :window_minutes || case when :window_minutes = 1 then ' minute' else ' minutes' end
        || ' starting ' || to_char(p.peak_start, 'YYYY-MM-DD HH24:MI') || ' UTC ('
        || p.denied || ' in all, on ' || p.event_names
        || case when p.event_name_count > 5 then ' and ' || (p.event_name_count - 5) || ' more' else '' end
        || ', from ' || coalesce(p.ips, 'unknown addresses')
        || case when p.ip_count > 5 then ' and ' || (p.ip_count - 5) || ' more' else '' end
        || case when p.caller = 'anonymous' then '); see what these addresses are probing for.'
             else '); check whether its credentials are being misused.' end
    else
      p.name || ' received at most ' || p.peak || ' access-denied error(s) within '
        || :window_minutes || case when :window_minutes = 1 then ' minute' else ' minutes' end
        || ' (threshold ' || :max_denied || ').'
  end as reason,
  p.account_id,
  'global' as region
from (
  -- the account's own principals by their name (a federated caller of its identity provider: the provider's name
  -- and the subject, which may hold ':' and '/'), a caller of another account or outside IAM by its whole ARN
  select q.*, case
      when split_part(q.caller, ':', 5) = q.account_id and q.caller like '%#%'
        then regexp_replace(q.caller, '^arn:[^:]*:[^:]*:[^:]*:[^:]*:', '')
      when split_part(q.caller, ':', 5) = q.account_id then regexp_replace(q.caller, '^.*[:/]', '')
    else q.caller end as name
  from per_principal as q
) as p
union all
select 'arn:' || a.partition || ':::' || a.account_id, 'skip',
  'No CloudTrail events of account ' || a.account_id || ' with a known caller fall in the ' || :lookback_days
    || case when :lookback_days = 1 then ' day' else ' days' end
    || ' before the data was taken, so access-denied bursts cannot be judged.',
  a.account_id, 'global'
from iamsql_account as a
where not exists (select 1 from per_principal as p where p.account_id = a.account_id)
