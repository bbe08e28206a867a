/*
title: No EC2 instance's user data replaced outside its deployments
description: >-
  CloudTrail shows no ModifyInstanceAttribute call, in the lookback_days days before the data was taken, that sets
  an instance's user data (`userData`, or `attribute` userData), unless the same principal with the same tool
  launched the instance or set its user data earlier in the window (its deployments) or is named in
  allowed_callers (comma-separated names of the users and roles of deployment pipelines, matched against the user,
  or the role of a session, behind the call). Successful calls and access-denied attempts alarm; other failures
  (an instance not stopped: IncorrectInstanceState) changed nothing. AWS's own calls and calls a service made for
  the caller (invokedBy, a CloudFormation stack) are not counted. One row per instance, its latest change; the
  reason says whether the instance was started after it (when the new script runs) and names the instance's
  profile when the instances are loaded.
severity: high
resource_type: AWS::EC2::Instance
rationale: >-
  An instance runs its user data as root when it boots, with its instance profile role's credentials at hand:
  stopping an instance, replacing its user data and starting it again runs the caller's code as that role (the
  ec2:ModifyInstanceAttribute escalation path, Stratus ec2-user-data), a way into an identity the caller could
  not assume, and a persistence that outlives the caller's own credentials.
remediation: >-
  Confirm the change with the instance's owner; if nobody planned it, stop the instance, restore its user data
  from its launch template or pipeline, review what the instance role did since the start, and keep
  ec2:ModifyInstanceAttribute to the deployment roles.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, aws_ec2_instance]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  allowed_callers: ''
*/
with call as (
  -- launches, user data changes and starts of instances, with the caller and its tool
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code, e.access_denied,
    e.actor_arn, e.invoked_by, e.aws_caller,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.region, 'global') as event_region,
    -- the tool without its version or run id: Terraform/1.5.0 and Terraform/1.6.2 are one deployer
    lower(regexp_replace(coalesce(nullif(e.agent, ''), 'none'), '[/_ ].*$', '')) as tool,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.request_parameters ->> 'instanceId' as instance_id,
    -- the instances a launch made or a start names, as JSON text to look an instance id up in
    case when e.event_name = 'RunInstances' then (e.response_elements -> 'instancesSet')::text
      else (e.request_parameters -> 'instancesSet')::text end as instances
  from cloudtrail_event_actor as e
  where e.event_source = 'ec2.amazonaws.com'
    and ((e.event_name = 'ModifyInstanceAttribute'
          and ((e.request_parameters -> 'userData') is not null
               or lower(e.request_parameters ->> 'attribute') = 'userdata'))
         or (e.event_name in ('RunInstances', 'StartInstances') and e.error_code is null))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
change as (
  select c.*,
    (select min(s.event_time) from call as s
     where s.account_id = c.account_id and s.event_name = 'StartInstances' and s.event_time >= c.event_time
       and s.instances like '%"' || c.instance_id || '"%') as started
  from call as c
  where c.event_name = 'ModifyInstanceAttribute' and c.instance_id is not null
    and (c.error_code is null or c.access_denied) and not c.aws_caller and c.invoked_by is null
    and (',' || replace(:allowed_callers, ' ', '') || ',')
      not like ('%,' || regexp_replace(coalesce(c.actor_arn, '?'), '^.*/', '') || ',%')
    -- not the caller's deployment: the same principal with the same tool launched the instance or set its user data
    and not exists (
      select 1 from call as p
      where p.account_id = c.account_id and p.actor_arn = c.actor_arn and p.tool = c.tool
        and p.error_code is null and p.event_time < c.event_time
        and ((p.event_name = 'RunInstances' and p.instances like '%"' || c.instance_id || '"%')
             or (p.event_name = 'ModifyInstanceAttribute' and p.instance_id = c.instance_id)))
),
ranked as (
  select c.*,
    'arn:' || c.partition || ':ec2:' || c.event_region || ':' || c.account_id || ':instance/' || c.instance_id as arn,
    row_number() over (partition by c.account_id, c.event_region, c.instance_id
                       order by c.event_time desc, c.event_id) as rn,
    count(*) over (partition by c.account_id, c.event_region, c.instance_id) as calls,
    min(c.event_time) over (partition by c.account_id, c.event_region, c.instance_id) as first_time
  from change as c
)
select
  r.arn as resource,
  'alarm' as status,
  r.caller || case when r.error_code is null then ' replaced' else ' tried to replace' end
    || ' the user data of instance ' || r.instance_id || ' at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS')
    || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || case when r.error_code is not null then ''
      when r.started is not null then '; the instance was started at ' || to_char(r.started, 'YYYY-MM-DD HH24:MI:SS')
        || ' UTC, running the new script as root'
      else '; no start of the instance follows in the data (the script runs at its next boot)' end
    || coalesce('; its instance profile is ' || (select min(i.iam_instance_profile_arn) from aws_ec2_instance as i
                                                 where i.account_id = r.account_id and i.instance_id = r.instance_id),
                '')
    || ': confirm the change with the instance''s owner and review what its role did since.' as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' replaces the user data of an EC2 instance outside its deployments.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so user data changes cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
