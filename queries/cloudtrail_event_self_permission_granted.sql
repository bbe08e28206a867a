/*
title: No user or role granting permissions to itself
description: >-
  CloudTrail shows no principal, in the lookback_days days before the data was taken, attaching or putting a
  policy on itself: an IAM user (or a federated session of it) calling AttachUserPolicy or PutUserPolicy on its own
  user, AddUserToGroup to put its own user in a group, or AttachGroupPolicy or PutGroupPolicy on a group it belongs
  to; a role session calling AttachRolePolicy or PutRolePolicy on its own role. Whether the request names the caller
  is decided from the event (the caller's userIdentity against the request's userName, roleName, groupName, names
  compared as IAM does, without case); a group is the caller's when the loaded IAM data lists the user in it or an
  earlier AddUserToGroup of the window put it there. A restriction is no grant: an inline policy without an Allow
  statement, or AWS's deny-only managed policies (AWSDenyAll, AWSCompromisedKeyQuarantine and its versions, which AWS
  puts on a user whose key leaked, recorded as that user's own call). Successful calls and access-denied attempts alarm; other
  failures changed nothing. Calls AWS makes itself (AWS services, service-linked roles) are not counted, nor those
  CloudFormation makes as a stack's service role on that same role (userIdentity.invokedBy
  cloudformation.amazonaws.com): CloudFormation applies the template of whoever created or updated the stack with the
  role's credentials, on that person's behalf, so the grant is theirs, not the role's (a user's own session that
  CloudFormation uses, a stack without a service role, is still the user's). One row per caller, naming each such
  call with its policy or group.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  A principal allowed to change its own permissions can give itself any of them: iam:AttachUserPolicy,
  iam:PutUserPolicy, iam:AttachGroupPolicy, iam:PutGroupPolicy, iam:AddUserToGroup, iam:AttachRolePolicy and
  iam:PutRolePolicy on oneself are published privilege escalation paths (ATT&CK T1098). Administrators grant
  permissions to others; an identity granting them to itself is escalating, or trying to.
remediation: >-
  Confirm the change with the owner of the identity; remove the policy or membership if nobody asked for it,
  review what the principal did after it, and deny the policy and membership actions on each principal's own user,
  group and role (a permissions boundary, an SCP).
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, aws_iam_user]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code, e.actor_arn, e.invoked_by,
    coalesce(e.identity_arn, e.actor_arn) as caller,
    case when e.actor_arn like 'arn:%:iam::%:user/%' then 'user' when e.actor_arn like 'arn:%:iam::%:role/%' then 'role'
      end as caller_kind,
    lower(regexp_replace(e.actor_arn, '^.*/', '')) as caller_key,
    lower(e.request_parameters ->> 'userName') as user_key,
    lower(e.request_parameters ->> 'roleName') as role_key,
    e.request_parameters ->> 'groupName' as group_name,
    coalesce(e.request_parameters ->> 'policyArn', e.request_parameters ->> 'policyName') as policy,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com'
    and e.event_name in ('AttachUserPolicy', 'PutUserPolicy', 'AddUserToGroup', 'AttachGroupPolicy', 'PutGroupPolicy',
                         'AttachRolePolicy', 'PutRolePolicy')
    and (e.error_code is null or e.access_denied) and not e.aws_caller
    and e.actor_arn is not null
    -- a restriction is no grant: an inline document without an Allow statement, AWS's deny-only managed policies
    -- (the quarantine AWS puts on a user whose key leaked is recorded as that user's own call)
    and coalesce(e.request_parameters ->> 'policyDocument' ~ '"Effect"\s*:\s*"Allow"', true)
    and coalesce(e.request_parameters ->> 'policyArn' !~ '^arn:[^:]+:iam::aws:policy/(AWSDenyAll|AWSCompromisedKeyQuarantine(V[0-9]+)?)$',
                 true)
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
-- the groups each user is in: the loaded IAM data's, and those a successful AddUserToGroup of the window added
member as (
  select u.account_id, lower(u.name) as user_key, lower(g ->> 'GroupName') as group_key, 'the loaded IAM data' as known_from,
    null::timestamptz as since
  from aws_iam_user as u, jsonb_array_elements(case when jsonb_typeof(u.groups) = 'array' then u.groups else '[]'::jsonb end) as g
  union all
  select c.account_id, c.user_key, lower(c.group_name), 'AddUserToGroup at ' || to_char(c.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC',
    c.event_time
  from call as c
  where c.event_name = 'AddUserToGroup' and c.error_code is null and c.user_key is not null
),
own as (
  select c.*,
    case
      when c.event_name in ('AttachUserPolicy', 'PutUserPolicy') then 'its own user'
      when c.event_name = 'AddUserToGroup' then 'its own user into group ' || c.group_name
      when c.event_name in ('AttachRolePolicy', 'PutRolePolicy') then 'its own role'
      else 'group ' || c.group_name || ', which it is in (' || (
        select min(m.known_from) from member as m
        where m.account_id = c.account_id and m.user_key = c.caller_key and m.group_key = lower(c.group_name)
          and (m.since is null or m.since < c.event_time)) || ')'
    end as target
  from call as c
  where (c.caller_kind = 'user' and c.event_name in ('AttachUserPolicy', 'PutUserPolicy', 'AddUserToGroup')
         and c.user_key = c.caller_key)
     -- CloudFormation running a stack as its service role applies the stack operator's template, not the role's choice
     or (c.caller_kind = 'role' and c.event_name in ('AttachRolePolicy', 'PutRolePolicy') and c.role_key = c.caller_key
         and c.invoked_by is distinct from 'cloudformation.amazonaws.com')
     or (c.caller_kind = 'user' and c.event_name in ('AttachGroupPolicy', 'PutGroupPolicy')
         and exists (select 1 from member as m
                     where m.account_id = c.account_id and m.user_key = c.caller_key
                       and m.group_key = lower(c.group_name) and (m.since is null or m.since < c.event_time)))
),
step as (
  select o.*,
    o.event_name || ' on ' || o.target || coalesce(' (' || o.policy || ')', '') || ' at '
      || to_char(o.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || o.ip || ' (' || o.agent || ')'
      || case when o.error_code is null then '' else ', denied with ' || o.error_code end as said,
    row_number() over (partition by o.account_id, o.actor_arn order by o.event_time, o.event_id) as position
  from own as o
),
caller as (
  select s.account_id, s.actor_arn, min(s.caller) as caller, count(*) as calls,
    count(*) filter (where s.error_code is not null) as denied,
    string_agg(s.said, '; ' order by s.position) filter (where s.position <= 5) as steps
  from step as s
  group by s.account_id, s.actor_arn
)
select
  c.actor_arn as resource,
  'alarm' as status,
  c.caller || ' granted itself permissions: ' || c.steps
    || case when c.calls > 5 then '; and ' || (c.calls - 5) || ' more such calls' else '' end
    || case when c.denied = c.calls then '; every attempt was denied: someone tried to escalate with these credentials'
      when c.denied > 0 then '; ' || c.denied || ' of the ' || c.calls || ' calls were denied' else '' end
    || '; confirm the change with the identity''s owner and undo it if nobody asked for it.' as reason,
  c.account_id,
  'global' as region
from caller as c
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' grants a user or role permissions on itself.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so permissions granted to oneself cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from caller as c where c.account_id = w.account_id)
