/*
title: No identity created and armed at once
description: >-
  CloudTrail shows no identity, in the lookback_days days before the data was taken, that was created and,
  within window_minutes minutes, armed by the same caller: a new IAM user that received both a permission
  (AttachUserPolicy, PutUserPolicy or AddUserToGroup) and a credential (CreateAccessKey or
  CreateLoginProfile), or a new role that received a powerful policy (AttachRolePolicy or PutRolePolicy). The
  granted document is judged by the policy engine (the inline document in the request, the loaded
  aws_iam_policy document of an attached managed policy; each distinct document of an account once, in
  iam_event_policy_answer, and each grant event, in iam_event_policy_grant, gets its verdict): a policy that
  grants every action, every IAM action or opens a privilege escalation path arms the identity; when every
  policy it received is judged harmless (a group a user joined counts as one policy: its policies in the loaded
  IAM data, judged together), the identity is reported as info; when a policy's only power is an escalation path
  through a resource it names whose table is not loaded, as skip (and the account gets no ok row). A policy or group whose document is not known is
  judged by its name: a managed policy named in admin_policies arms a role, any policy or group arms a user. Only successful calls count: a denied step leaves nothing armed. Identities AWS
  creates itself (an AWS service or a service-linked role, such as IAM Identity Center's AWSServiceRoleForSSO
  provisioning a permission set's AWSReservedSSO_ role) are not counted, nor its provisioning into its own
  account, which runs as the caller with invokedBy sso.amazonaws.com on the AWSReservedSSO_ role. The identity is
  reported under the ARN its CreateUser or CreateRole event gives (the response, else the request's path and
  name), so with its IAM path.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  Create, grant, hand out a credential, all within minutes from one caller, is the shape of a backdoor identity
  (Stratus iam-create-admin-user, iam-create-backdoor-role); provisioning normally goes through reviewed
  infrastructure code and rarely gives a fresh user a console password or key at once.
remediation: >-
  Confirm the new identity with its creator; if nobody asked for it, delete its keys, login profile and
  policies, then the identity, and investigate the creator's credentials.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, iam_event_policy_grant, iam_event_policy_answer]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 60
  admin_policies: AdministratorAccess,IAMFullAccess,PowerUserAccess
*/
with request as (
  -- the request's and response's fields side by side, outside any CASE or COALESCE: the DuckDB translation then
  -- parses each event's request once and its response once
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    e.request_parameters ->> 'userName' as user_name,
    e.request_parameters ->> 'roleName' as role_name,
    e.request_parameters ->> 'path' as path,
    e.request_parameters ->> 'policyArn' as policy_arn,
    e.request_parameters ->> 'groupName' as group_name,
    e.response_elements -> 'user' ->> 'arn' as user_arn,
    e.response_elements -> 'role' ->> 'arn' as role_arn,
    e.invoked_by,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com' and e.error_code is null and not e.aws_caller
    and e.event_name in ('CreateUser', 'CreateRole', 'AttachUserPolicy', 'PutUserPolicy', 'AddUserToGroup', 'CreateAccessKey',
                         'CreateLoginProfile', 'AttachRolePolicy', 'PutRolePolicy')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
iam_call as (
  select event_id, account_id, partition, event_time, event_name, caller,
    case when event_name like '%Role%' then 'role' else 'user' end as kind,
    coalesce(user_name, role_name) as name,
    -- the new identity's ARN: the create event's response, else its request's path (the default one is /)
    coalesce(user_arn, role_arn,
      'arn:' || partition || ':iam::' || account_id || ':'
        || case when event_name like '%Role%' then 'role' else 'user' end
        || coalesce(path, '/') || coalesce(user_name, role_name)) as created_arn,
    policy_arn, group_name, ip, agent
  from request
  -- Identity Center provisioning a permission set into its own (management) account: the calls run as the caller,
  -- made by sso.amazonaws.com on the set's AWSReservedSSO_ role
  where not (coalesce(invoked_by, '') = 'sso.amazonaws.com' and left(coalesce(role_name, ''), 15) = 'AWSReservedSSO_')
),
judged_document as (
  select account_id, document_id,
    case
      when bool_or(question = 'full_admin' and decision in ('Allowed', 'AllowedIf')) then 'full administrator'
      when bool_or(question = 'iam_admin' and decision in ('Allowed', 'AllowedIf')) then 'IAM administrator'
      when bool_or(question like 'escalation:%' and decision in ('Allowed', 'AllowedIf')) then 'escalation path '
        || string_agg(distinct replace(question, 'escalation:', ''), ', ' order by replace(question, 'escalation:', ''))
             filter (where question like 'escalation:%' and decision in ('Allowed', 'AllowedIf'))
    end as power,
    -- a path through a resource the document names whose table is not loaded: its role decides
    string_agg(distinct replace(question, 'escalation:', ''), ', ' order by replace(question, 'escalation:', ''))
      filter (where question like 'escalation:%' and decision = 'Unknown') as unknown_paths
  from iam_event_policy_answer
  group by account_id, document_id
),
judged as (
  select g.event_id, g.account_id, d.power, d.unknown_paths
  from iam_event_policy_grant as g
    join judged_document as d on d.account_id = g.account_id and d.document_id = g.document_id
),
created as (
  select * from iam_call where event_name in ('CreateUser', 'CreateRole') and name is not null
),
step as (
  select c.account_id, c.kind, c.name, c.event_time as created_at,
    s.event_name, s.event_time,
    case
      when s.event_name in ('CreateAccessKey', 'CreateLoginProfile') then 'credential'
      when j.event_id is not null then case when j.power is not null then 'permission'
                                            when j.unknown_paths is not null then 'unknown' else 'harmless' end
      when c.kind = 'user' then 'permission'
      when s.event_name = 'AttachRolePolicy'
        and (',' || replace(:admin_policies, ' ', '') || ',') like ('%,' || regexp_replace(s.policy_arn, '^.*/', '') || ',%')
        then 'permission'
    end as step_kind,
    case when s.policy_arn is not null then regexp_replace(s.policy_arn, '^.*/', '')
      when s.group_name is not null then 'group ' || s.group_name
      when s.event_name like 'Put%' then 'an inline policy' end
      || case when j.event_id is null then ''
           when j.power is not null then ': ' || j.power
           when j.unknown_paths is not null then ': escalation path ' || j.unknown_paths
             || ' if the role of a resource it names has power (their table is not loaded)'
           else ': judged harmless' end as detail
  from created as c
    -- IAM does not distinguish names by case: CreateUser Backdoor, then AttachUserPolicy backdoor, is one user
    join iam_call as s on s.account_id = c.account_id and s.caller = c.caller and s.kind = c.kind
      and lower(s.name) = lower(c.name)
      and s.event_name not in ('CreateUser', 'CreateRole')
      and s.event_time >= c.event_time - interval '1 minute' and s.event_time <= c.event_time + :window_minutes * interval '1 minute'
    left join judged as j on j.event_id = s.event_id and j.account_id = s.account_id
),
armed as (
  select c.account_id, c.partition, c.kind, c.name, c.created_arn, c.caller, c.event_time, c.ip, c.agent,
    string_agg(distinct st.event_name || coalesce(' (' || st.detail || ')', ''), ', ') as steps,
    max(st.event_time) as last_step,
    case when count(*) filter (where st.step_kind = 'permission') > 0 then 'alarm'
      when count(*) filter (where st.step_kind = 'unknown') > 0 then 'skip' else 'info' end as verdict
  from created as c
    join step as st on st.account_id = c.account_id and st.kind = c.kind and st.name = c.name and st.created_at = c.event_time
  where st.step_kind is not null
  group by c.account_id, c.partition, c.kind, c.name, c.created_arn, c.caller, c.event_time, c.ip, c.agent
  having count(*) filter (where st.step_kind in ('permission', 'harmless', 'unknown')) > 0
     and (c.kind = 'role' or count(*) filter (where st.step_kind = 'credential') > 0)
),
ranked as (
  select a.*, row_number() over (partition by a.account_id, a.kind, a.name
    order by case a.verdict when 'alarm' then 0 when 'skip' then 1 else 2 end, a.event_time desc) as rn
  from armed as a
)
select
  r.created_arn as resource,
  r.verdict as status,
  r.caller || ' created ' || r.kind || ' ' || r.name || ' at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS')
    || ' UTC from ' || r.ip || ' (' || r.agent || ') and by '
    -- the last step's date where it is another day than the creation's
    || case when date_trunc('day', r.last_step) = date_trunc('day', r.event_time) then to_char(r.last_step, 'HH24:MI:SS')
         else to_char(r.last_step, 'YYYY-MM-DD HH24:MI:SS') end || ' UTC gave it '
    || r.steps || case when r.verdict = 'alarm' then '; confirm this identity was meant to exist.'
                       when r.verdict = 'skip' then '; whether that arms it depends on the role of a resource that is '
                         || 'not loaded.'
                       else '; the policy engine finds none of its policies powerful.' end as reason,
  r.account_id,
  'global' as region,
  'event' as arn_source
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' creates a user or role that the same caller armed within ' || :window_minutes
      || case when :window_minutes = 1 then ' minute' else ' minutes' end || '.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so newly created identities cannot be judged.' end,
  w.account_id,
  'global',
  null
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id and r.verdict in ('alarm', 'skip'))
