/*
title: No administrator or escalation-enabling policy granted
description: >-
  CloudTrail shows no successful call, in the lookback_days days before the data was taken, that gives a user,
  group or role administrator or IAM power: AttachUserPolicy, AttachRolePolicy or AttachGroupPolicy of a
  managed policy, PutUserPolicy, PutRolePolicy or PutGroupPolicy of an inline policy, CreatePolicyVersion
  set as the default version, SetDefaultPolicyVersion (an older version made the default again) or
  AddUserToGroup (an existing user given a group's power). The granted document is judged by the policy
  engine: the one in the request for an inline policy or a new version, the loaded aws_iam_policy document for
  an attached managed policy, the group's loaded policies together for AddUserToGroup, and for
  SetDefaultPolicyVersion the version's document from the earlier CreatePolicyVersion (or CreatePolicy) event
  that created it, else the loaded policy's when its default version is that one. A user added to a group alarms
  when an earlier event of the trail gave that group a policy that alarms here and no call undid it before the
  user joined (DetachGroupPolicy of that policy, DeleteGroupPolicy or a harmless PutGroupPolicy of that inline
  policy, DeleteGroup), also when the IAM data, taken later, finds the group harmless; a later
  RemoveUserFromGroup is named in the reason. When neither tells the group's power, or a version's document is not known, the grant is a skip (never
  ok), and the account then gets no ok row.
  Each distinct document of an account is judged once (iam_event_policy_answer) and every event that grants it
  (iam_event_policy_grant) gets that verdict. A document that grants every action, every IAM action or opens a
  privilege escalation path of queries/access.yaml alarms; one the engine finds harmless is info (a path through an
  existing resource that runs code with a role is weighed on the loaded resources and their roles, as for a
  principal; one that names a resource whose table is not loaded is a skip). When the
  document is not known (a managed policy that is not loaded, a request without its document), the grant is
  judged by the policy's name alone: one named in admin_policies (comma-separated policy names) alarms. Failed
  calls are not counted: nothing was granted, and denied IAM calls are counted by
  cloudtrail_event_access_denied_burst. Grants AWS makes itself (an AWS service or a service-linked role, such as
  IAM Identity Center's AWSServiceRoleForSSO provisioning a permission set's AWSReservedSSO_ role) are not
  counted: the permission set and its assignment are decided, and logged, in the Identity Center account. In
  that account itself (the management account) Identity Center provisions as the caller: a call whose
  userIdentity has invokedBy sso.amazonaws.com on an AWSReservedSSO_ role is not counted; the same call made by
  hand (no invokedBy) is. A user, group or role is reported under its ARN from the loaded IAM data,
  else from another event of the account (cloudtrail_principal_arn), else built from its name, which the reason
  and the arn_source dimension then say (an IAM path would be missing); a policy under the ARN the request gives.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  Attaching AdministratorAccess or an inline "*" policy is how an attacker turns a foothold into control of the
  account, and how a backdoor identity is given the power to come back.
remediation: >-
  Confirm the grant with the caller and the owner of the principal; detach or delete the policy if nobody
  planned it, and investigate what the principal did since.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, iam_event_policy_grant, iam_event_policy_answer, cloudtrail_principal_arn]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  admin_policies: AdministratorAccess,IAMFullAccess,PowerUserAccess,AdministratorAccess-Amplify,AdministratorAccess-AWSElasticBeanstalk,AWSOrganizationsFullAccess
*/
with request as (
  -- the request's fields side by side, outside any CASE: the DuckDB translation parses each request once
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    e.request_parameters ->> 'userName' as user_name,
    e.request_parameters ->> 'roleName' as role_name,
    e.request_parameters ->> 'groupName' as group_name,
    e.request_parameters ->> 'policyArn' as policy_arn,
    e.request_parameters ->> 'policyName' as inline_name,
    e.request_parameters ->> 'setAsDefault' as set_as_default,
    e.request_parameters ->> 'versionId' as version_id,
    e.invoked_by,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com' and e.error_code is null and not e.aws_caller
    and e.event_name in ('AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy', 'PutUserPolicy', 'PutRolePolicy',
                         'PutGroupPolicy', 'CreatePolicyVersion', 'SetDefaultPolicyVersion', 'AddUserToGroup',
                         'DetachGroupPolicy', 'DeleteGroupPolicy', 'DeleteGroup', 'RemoveUserFromGroup')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
call as (
  select event_id, account_id, partition, event_time, event_name, caller,
    case when user_name is not null then 'user/' || user_name
      when role_name is not null then 'role/' || role_name
      when group_name is not null then 'group/' || group_name
      else regexp_replace(coalesce(policy_arn, 'policy/unknown'), '^arn:[^:]*:iam::[^:]*:', '')
    end as target,
    case when user_name is not null then 'user' when role_name is not null then 'role'
      when group_name is not null then 'group' end as principal_type,
    coalesce(user_name, role_name, group_name) as principal_name,
    policy_arn,
    regexp_replace(coalesce(policy_arn, ''), '^.*/', '') as policy_name,
    inline_name, group_name, version_id, ip, agent
  from request
  where event_name not in ('DetachGroupPolicy', 'DeleteGroupPolicy', 'DeleteGroup', 'RemoveUserFromGroup')
    -- a new policy version grants only when it becomes the default
    and (event_name <> 'CreatePolicyVersion' or set_as_default = 'true')
    -- Identity Center provisioning a permission set into its own (management) account: the call runs as the
    -- caller, made by sso.amazonaws.com on the set's AWSReservedSSO_ role
    and not (coalesce(invoked_by, '') = 'sso.amazonaws.com' and left(coalesce(role_name, ''), 15) = 'AWSReservedSSO_')
),
-- calls that take a group's power or a membership away again
undo as (
  select account_id, event_time, event_name, lower(group_name) as group_key, user_name, policy_arn, inline_name
  from request
  where event_name in ('DetachGroupPolicy', 'DeleteGroupPolicy', 'DeleteGroup', 'RemoveUserFromGroup')
),
judged_document as (
  select account_id, document_id,
    bool_or(question = 'full_admin' and decision in ('Allowed', 'AllowedIf')) as full_admin,
    bool_or(question = 'iam_admin' and decision in ('Allowed', 'AllowedIf')) as iam_admin,
    string_agg(distinct replace(question, 'escalation:', ''), ', ' order by replace(question, 'escalation:', ''))
      filter (where question like 'escalation:%' and decision in ('Allowed', 'AllowedIf')) as paths,
    -- a path through a resource the document names whose table is not loaded: its role decides
    string_agg(distinct replace(question, 'escalation:', ''), ', ' order by replace(question, 'escalation:', ''))
      filter (where question like 'escalation:%' and decision = 'Unknown') as unknown_paths,
    bool_or(decision = 'AllowedIf' and question in ('full_admin', 'iam_admin')) as conditional
  from iam_event_policy_answer
  group by account_id, document_id
),
judged as (
  select g.event_id, g.account_id, d.full_admin, d.iam_admin, d.paths, d.unknown_paths, d.conditional
  from iam_event_policy_grant as g
    join judged_document as d on d.account_id = g.account_id and d.document_id = g.document_id
),
grant_ as (
  select c.*,
    case
      when j.event_id is null then
        case when c.event_name like 'Attach%'
          and (',' || replace(:admin_policies, ' ', '') || ',') like ('%,' || c.policy_name || ',%') then 'alarm'
          -- a group an earlier event armed, else below; a version whose document is not known
          when c.event_name in ('AddUserToGroup', 'SetDefaultPolicyVersion') then 'skip' end
      when j.full_admin or j.iam_admin or j.paths is not null then 'alarm'
      when j.unknown_paths is not null then 'skip'
      else 'info'
    end as verdict,
    case
      when j.event_id is null then
        case when c.event_name = 'AddUserToGroup' then 'membership of group ' || c.group_name
               || ', whose policies are not known: the group is not in the loaded IAM data and no earlier event'
               || ' of the trail armed it'
             when c.event_name = 'SetDefaultPolicyVersion' then 'version ' || coalesce(c.version_id, '(unnamed)')
               || ' of ' || c.policy_name || ' as the default, whose document is not known: neither the loaded'
               || ' IAM data nor an earlier CreatePolicyVersion event of the trail holds it'
             else 'managed policy ' || c.policy_name
               || ' (its document is not loaded, so it is judged by its name: an administrator policy)' end
      else case when c.event_name like 'Attach%' then 'managed policy ' || c.policy_name || ' (its loaded document)'
             when c.event_name like 'Put%' then 'inline policy ' || coalesce(c.inline_name, '(unnamed)')
             when c.event_name = 'AddUserToGroup' then 'membership of group ' || c.group_name
               || ' (its policies in the loaded IAM data)'
             when c.event_name = 'SetDefaultPolicyVersion' then 'version ' || c.version_id || ' of ' || c.policy_name
               || ' as the default'
             else 'a new default version of ' || c.policy_name end
        || case
             when j.full_admin then ', which grants full administrator access (every action on every resource'
               || case when j.conditional then ', when its conditions hold' else '' end || ')'
             when j.iam_admin then ', which grants IAM administrator access (every IAM action that grants anything else'
               || case when j.conditional then ', when its conditions hold' else '' end || ')'
             when j.paths is not null then ', which enables escalation path ' || j.paths
             when j.unknown_paths is not null then ', which enables escalation path ' || j.unknown_paths
               || ' if the role of a resource it names has power: the table of those resources is not loaded'
             else ', which the policy engine finds grants no administrator power and opens no escalation path'
           end
    end as what
  from call as c
    left join judged as j on j.event_id = c.event_id and j.account_id = c.account_id
),
-- the group's power when the user joined it, as the trail tells it in time: its newest powerful grant before the
-- membership that no later call undid before it (the policy detached or deleted, the inline policy replaced by a
-- harmless one, the group deleted). It judges a group the IAM data does not hold, and one the IAM data finds
-- harmless: the snapshot may have been taken after the power was taken away again.
armed_group as (
  select distinct on (m.event_id, m.account_id) m.event_id, m.account_id,
    a.caller || ' armed it at ' || to_char(a.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC with ' || a.event_name
      || ' of ' || a.what as armed_by
  from grant_ as m
    join grant_ as a on a.account_id = m.account_id and a.principal_type = 'group'
      and lower(a.principal_name) = lower(m.group_name) and a.verdict = 'alarm' and a.event_time <= m.event_time
      and a.event_id <> m.event_id
  where m.event_name = 'AddUserToGroup' and m.verdict in ('skip', 'info')
    and not exists (
      select 1 from undo as u
      where u.account_id = a.account_id and u.group_key = lower(a.principal_name)
        and u.event_time >= a.event_time and u.event_time <= m.event_time
        and (u.event_name = 'DeleteGroup'
          or (u.event_name = 'DetachGroupPolicy' and a.event_name = 'AttachGroupPolicy' and u.policy_arn = a.policy_arn)
          or (u.event_name = 'DeleteGroupPolicy' and a.event_name = 'PutGroupPolicy' and u.inline_name = a.inline_name)))
    and not exists (
      select 1 from grant_ as b
      where b.account_id = a.account_id and a.event_name = 'PutGroupPolicy' and b.event_name = 'PutGroupPolicy'
        and lower(b.principal_name) = lower(a.principal_name) and b.inline_name = a.inline_name
        and b.event_time > a.event_time and b.event_time <= m.event_time and coalesce(b.verdict, 'none') <> 'alarm')
  order by m.event_id, m.account_id, a.event_time desc, a.event_id
),
-- a membership the trail shows taken away again: its first RemoveUserFromGroup after it
removed as (
  select m.event_id, m.account_id, min(u.event_time) as removed_at
  from grant_ as m
    join undo as u on u.account_id = m.account_id and u.event_name = 'RemoveUserFromGroup'
      and u.group_key = lower(m.group_name) and lower(u.user_name) = lower(m.principal_name)
      and u.event_time >= m.event_time
  where m.event_name = 'AddUserToGroup'
  group by m.event_id, m.account_id
),
membership as (
  select g.event_id, g.account_id, g.partition, g.event_time, g.event_name, g.caller, g.target, g.principal_type,
    g.principal_name, g.policy_arn, g.policy_name, g.inline_name, g.group_name, g.version_id, g.ip, g.agent,
    case when a.event_id is null then g.verdict else 'alarm' end as verdict,
    case when a.event_id is null then g.what
      else 'membership of group ' || g.group_name || ', which an earlier event made powerful: ' || a.armed_by end
      || coalesce(' (removed from the group at ' || to_char(r.removed_at, 'YYYY-MM-DD HH24:MI:SS') || ' UTC)', '')
      as what
  from grant_ as g
    left join armed_group as a on a.event_id = g.event_id and a.account_id = g.account_id
    left join removed as r on r.event_id = g.event_id and r.account_id = g.account_id
),
-- the principal's ARN with its path: loaded IAM data, else another event of the account, else built from the
-- name; a new policy version's policy: the ARN of the request
named as (
  select g.*,
    case when g.principal_type is null then coalesce(g.policy_arn, 'arn:' || g.partition || ':iam::' || g.account_id || ':' || g.target)
      else coalesce(p.arn, 'arn:' || g.partition || ':iam::' || g.account_id || ':' || g.target) end as arn,
    case when g.principal_type is null then case when g.policy_arn is null then 'name' else 'event' end
      else coalesce(p.arn_source, 'name') end as arn_source
  from membership as g
    left join cloudtrail_principal_arn as p on p.account_id = g.account_id and p.principal_type = g.principal_type
      and p.name_key = lower(g.principal_name)
  where g.verdict is not null
),
-- per principal or policy: its first grant by verdict (alarm first), then the newest, with the number of grants of
-- that verdict (grouped, not windowed: two sorts of every grant cost more than both groupings)
first_grant as (
  select distinct on (account_id, arn) *
  from named
  order by account_id, arn, case verdict when 'alarm' then 0 when 'skip' then 1 else 2 end, event_time desc, event_id
),
grant_count as (
  select account_id, arn, verdict, count(*) as grants
  from named
  group by account_id, arn, verdict
),
ranked as (
  select f.*, c.grants
  from first_grant as f
    join grant_count as c on c.account_id = f.account_id and c.arn is not distinct from f.arn and c.verdict = f.verdict
)
select
  r.arn as resource,
  r.verdict as status,
  r.caller || ' called ' || r.event_name || ' on ' || replace(r.target, '/', ' ') || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || '), granting '
    || r.what || case when r.grants > 1 then ' (' || r.grants || ' such grants in all)' else '' end
    || case when r.verdict = 'alarm' then '; confirm the grant was intended.'
         when r.verdict = 'skip' then '; load the IAM data (get-account-authorization-details) to judge it.'
         else '.' end
    || case when r.arn_source = 'name' then ' The ' || coalesce(r.principal_type, 'policy') || '''s ARN is built from '
      || 'its name: no IAM data or other event of the account gives it, so an IAM path would be '
      || 'missing.' else '' end as reason,
  r.account_id,
  'global' as region,
  r.arn_source
from ranked as r
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' grants an administrator or escalation-enabling policy.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so administrator grants cannot be judged.' end,
  w.account_id,
  'global',
  null
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id and r.verdict in ('alarm', 'skip'))
