/*
title: No IAM Roles Anywhere trust anchor or profile added
description: >-
  CloudTrail shows no successful IAM Roles Anywhere call, in the lookback_days days before the data was taken,
  that adds or widens a way in from outside AWS: CreateTrustAnchor, UpdateTrustAnchor, EnableTrustAnchor,
  CreateProfile, UpdateProfile, EnableProfile. Failed calls are not counted: no trust was added.
severity: high
resource_type: AWS::RolesAnywhere::TrustAnchor
rationale: >-
  A trust anchor holding an attacker's certificate authority, with a profile pointing at a role, gives
  certificate-based access to the role from anywhere, outside every key rotation and every IAM user list
  (Stratus rolesanywhere-create-trust-anchor).
remediation: >-
  Confirm the anchor's certificate authority and the profile's roles with their owners; disable and delete
  them if nobody planned them, and review the sessions the roles issued since.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with hit as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.response_elements -> 'trustAnchor' ->> 'trustAnchorArn', e.response_elements -> 'profile' ->> 'profileArn',
      'arn:' || e.partition || ':rolesanywhere:' || coalesce(e.region, '') || ':' || e.account_id || ':'
        || case when e.event_name like '%Profile' then 'profile/' else 'trust-anchor/' end
        || coalesce(e.request_parameters ->> 'name', e.request_parameters ->> 'trustAnchorId', e.request_parameters ->> 'profileId', 'unknown')) as resource,
    ' (' || coalesce(e.request_parameters ->> 'name', e.request_parameters ->> 'trustAnchorId', e.request_parameters ->> 'profileId', 'unnamed')
      || coalesce(', roles ' || (e.request_parameters -> 'roleArns')::text, '') || ')' as detail,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'rolesanywhere.amazonaws.com' and e.error_code is null
    -- AWS's own calls (an AWS service, a session of a service-linked role), as in the other change detections; a
    -- call a service made for a person or workload (invokedBy, such as CloudFormation) is theirs and counts
    and not e.aws_caller
    and e.event_name in ('CreateTrustAnchor', 'UpdateTrustAnchor', 'EnableTrustAnchor', 'CreateProfile', 'UpdateProfile',
                         'EnableProfile')
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
    || '; confirm who may obtain role sessions through it and remove it if nobody planned it.' as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' adds an IAM Roles Anywhere trust anchor or profile.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so IAM Roles Anywhere changes cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
