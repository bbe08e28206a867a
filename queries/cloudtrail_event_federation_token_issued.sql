/*
title: No federation token issued to a long-term user
description: >-
  CloudTrail shows no successful GetFederationToken call, in the lookback_days days before the data was taken,
  by an IAM user not named in allowed_callers (comma-separated user names of known identity brokers). Failed
  calls are not counted: they issue no token.
severity: high
resource_type: AWS::STS::FederatedUser
rationale: >-
  A federation token made from a stolen access key outlives the key: deleting or deactivating the key does
  not revoke it (Stratus sts-federation-token), and its session name hides who is behind it. Few workloads
  still use GetFederationToken; Identity Center and roles replaced it.
remediation: >-
  If the caller is not a known broker, deny sts:GetFederationToken to it (a deny policy also cuts existing
  federation sessions' calls), rotate its access keys and review the federated user's calls.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  allowed_callers: ''
*/
with hit as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    'arn:' || e.partition || ':sts::' || e.account_id || ':federated-user/' || coalesce(e.request_parameters ->> 'name', 'unknown') as resource,
    ' for federated user ' || coalesce(e.request_parameters ->> 'name', 'unknown')
      || case when e.request_parameters ->> 'policy' ~ '"Action"\s*:\s*(\[[^\]]*)?"\*"' then ' with a session policy allowing every action'
        when e.request_parameters ->> 'policy' is null then ' without a session policy' else ' with a session policy' end as detail,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'sts.amazonaws.com' and e.event_name = 'GetFederationToken' and e.error_code is null
    and (',' || replace(:allowed_callers, ' ', '') || ',') not like ('%,' || coalesce(e.identity_user_name, '?') || ',%')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.resource order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.resource) as calls,
    min(h.event_time) over (partition by h.account_id, h.resource) as first_time
  from hit as h
)
select
  r.resource,
  'alarm' as status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || r.detail || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || '; confirm the caller is an identity broker and revoke the token otherwise.' as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' issues a federation token to a user outside allowed_callers.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so federation tokens cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
