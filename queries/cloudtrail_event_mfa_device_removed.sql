/*
title: No MFA device removed without a replacement
description: >-
  CloudTrail shows no successful DeactivateMFADevice or DeleteVirtualMFADevice, in the lookback_days days
  before the data was taken, that was not followed within replace_minutes minutes by an EnableMFADevice for
  the same user (a device replaced is not an alarm). Failed calls are not counted: the device is still there.
  The user is reported under its ARN: the caller's own for a user acting on itself, else the loaded IAM data's,
  else one another event of the account shows (cloudtrail_principal_arn), else built from its name, which the
  reason and the arn_source dimension then say (an IAM path would be missing).
severity: high
resource_type: AWS::IAM::User
rationale: >-
  Removing MFA is how an attacker who got a password or a session makes the account usable with the password
  alone, and how a backdoor user is kept easy to sign in to.
remediation: >-
  Confirm the change with the user; enable an MFA device again and, if the user did not ask for the removal,
  reset its password and review its sessions.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, cloudtrail_principal_arn]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  replace_minutes: 60
*/
with hit as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.request_parameters ->> 'userName', e.identity_user_name) as user_name,
    -- a user acting on itself: the event gives its ARN, path included
    case when e.user_type = 'IAMUser' and lower(coalesce(e.request_parameters ->> 'userName', e.identity_user_name))
      = lower(e.identity_user_name) then e.identity_arn end as own_arn,
    case
      when e.user_type = 'Root' and e.request_parameters ->> 'userName' is null
        then coalesce(e.identity_arn, 'arn:' || e.partition || ':iam::' || e.account_id || ':root')
      else coalesce(e.request_parameters ->> 'serialNumber', 'arn:' || e.partition || ':iam::' || e.account_id || ':mfa/unknown')
    end as other_resource,
    ' on ' || coalesce('user ' || (e.request_parameters ->> 'userName'), 'its own identity')
      || coalesce(' (device ' || regexp_replace(e.request_parameters ->> 'serialNumber', '^.*:', '') || ')', '')
      || ' and enabled no device within ' || :replace_minutes
      || case when :replace_minutes = 1 then ' minute' else ' minutes' end as detail,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com' and e.error_code is null
    and e.event_name in ('DeactivateMFADevice', 'DeleteVirtualMFADevice')
    -- AWS's own calls (an AWS service, a session of a service-linked role), as in the other change detections; a
    -- call a service made for a person or workload (invokedBy, such as CloudFormation) is theirs and counts
    and not e.aws_caller
    and not exists (
      select 1 from aws_cloudtrail_trail_event as again
      where again.account_id = e.account_id and again.event_name = 'EnableMFADevice' and again.error_code is null
        -- IAM does not distinguish user names by case
        and lower(coalesce(again.request_parameters ->> 'userName', nullif(again.user_identity ->> 'userName', ''), 'root'))
          = lower(coalesce(e.request_parameters ->> 'userName',
                           regexp_replace(e.request_parameters ->> 'serialNumber', '^.*:mfa/', ''),
                           e.identity_user_name, 'root'))
        and again.event_time >= e.event_time and again.event_time <= e.event_time + :replace_minutes * interval '1 minute')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
-- the user's ARN with its path: the event's, else loaded IAM data, else another event of the account, else built
named as (
  select h.*,
    case when h.user_name is null then h.other_resource
      else coalesce(h.own_arn, p.arn, 'arn:' || h.partition || ':iam::' || h.account_id || ':user/' || h.user_name)
    end as resource,
    case when h.user_name is null then case when h.other_resource like '%:mfa/unknown' then 'name' else 'event' end
      when h.own_arn is not null then 'event' else coalesce(p.arn_source, 'name') end as arn_source
  from hit as h
    left join cloudtrail_principal_arn as p on p.account_id = h.account_id and p.principal_type = 'user'
      and p.name_key = lower(h.user_name)
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.resource order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.resource) as calls,
    min(h.event_time) over (partition by h.account_id, h.resource) as first_time
  from named as h
)
select
  r.resource,
  'alarm' as status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || r.detail || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || '; enable MFA again and confirm the user asked for the removal.'
    || case when r.arn_source = 'name' and r.user_name is not null then ' The user''s ARN is built from its name: '
      || 'no IAM data or other event of the account gives it, so an IAM path would be missing.'
      else '' end as reason,
  r.account_id,
  'global' as region,
  r.arn_source
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' removes an MFA device without enabling another within '
      || :replace_minutes || case when :replace_minutes = 1 then ' minute.' else ' minutes.' end
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so MFA device removals cannot be judged.' end,
  w.account_id,
  'global',
  null
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
