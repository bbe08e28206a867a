/*
title: No permissions boundary removed from a user or role
description: >-
  CloudTrail shows no DeleteUserPermissionsBoundary or DeleteRolePermissionsBoundary call, in the lookback_days
  days before the data was taken: once its boundary is gone, a user or role may do everything its permissions
  policies grant. Successful calls and access-denied attempts alarm (an attempt shows someone trying to lift the
  limit); other failures (no such user or role) changed nothing. Calls AWS makes itself (AWS services,
  service-linked roles) are not counted. The reason says when the caller lifted its own boundary. The user or role
  is reported under its ARN from the loaded IAM data, else from another event of the account
  (cloudtrail_principal_arn), else built from its name, which the reason and the arn_source dimension then say.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  A permissions boundary is how an account lets builders create and run identities without becoming
  administrators; deleting it is a one-call privilege escalation (iam:DeleteUserPermissionsBoundary,
  iam:DeleteRolePermissionsBoundary in the escalation paths) and rarely part of normal work.
remediation: >-
  Confirm the change with the caller; put the boundary back (PutUserPermissionsBoundary,
  PutRolePermissionsBoundary), review what the principal did without it, and deny the Delete*PermissionsBoundary
  actions to everyone but the identity administrators.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, cloudtrail_principal_arn]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with hit as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    case when e.event_name = 'DeleteUserPermissionsBoundary' then 'user' else 'role' end as target_type,
    coalesce(e.request_parameters ->> 'userName', e.request_parameters ->> 'roleName') as target,
    -- the caller lifting its own limit: an IAM user on itself, a role session on its role
    coalesce((e.user_type = 'IAMUser' and e.event_name = 'DeleteUserPermissionsBoundary'
              and lower(e.request_parameters ->> 'userName') = lower(e.identity_user_name))
          or (e.user_type = 'AssumedRole' and e.event_name = 'DeleteRolePermissionsBoundary'
              and e.actor_arn like '%:role/%'
              and lower(regexp_replace(e.actor_arn, '^.*/', '')) = lower(e.request_parameters ->> 'roleName')),
             false) as own,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com'
    and e.event_name in ('DeleteUserPermissionsBoundary', 'DeleteRolePermissionsBoundary')
    and (e.error_code is null or e.access_denied) and not e.aws_caller
    and coalesce(e.request_parameters ->> 'userName', e.request_parameters ->> 'roleName') is not null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
-- the principal's ARN with its path: loaded IAM data, else another event of the account, else built from the name
named as (
  select h.*,
    coalesce(p.arn, 'arn:' || h.partition || ':iam::' || h.account_id || ':' || h.target_type || '/' || h.target) as arn,
    coalesce(p.arn_source, 'name') as arn_source
  from hit as h
    left join cloudtrail_principal_arn as p on p.account_id = h.account_id and p.principal_type = h.target_type
      and p.name_key = lower(h.target)
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.arn order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.arn) as calls,
    min(h.event_time) over (partition by h.account_id, h.arn) as first_time
  from named as h
)
select
  r.arn as resource,
  'alarm' as status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || ' on '
    || r.target_type || ' ' || r.target || case when r.own then ' (its own boundary)' else '' end || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || '; without its boundary the ' || r.target_type || ' may do all its permissions policies grant: confirm the change '
    || 'and put the boundary back if nobody asked for it.'
    || case when r.arn_source = 'name' then ' The ' || r.target_type || '''s ARN is built from its name: no IAM data or '
      || 'other event of the account gives it, so an IAM path would be missing.' else '' end as reason,
  r.account_id,
  'global' as region,
  r.arn_source
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' removes the permissions boundary of a user or role.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so removed permissions boundaries cannot be judged.' end,
  w.account_id,
  'global',
  null
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
