/*
title: No IAM Identity Center permission set armed with or assigned administrator access
description: >-
  CloudTrail of the IAM Identity Center account shows no call, in the lookback_days days before the data was
  taken, that gives a permission set administrator power or hands such a set out: AttachManagedPolicyToPermissionSet
  of a managed policy named in admin_policies (comma-separated policy names), PutInlinePolicyToPermissionSet whose
  inline policy allows the action "*" (one the event does not show is a skip for that permission set), and
  CreateAccountAssignment of a permission set that a call of the loaded
  events (at any time before the assignment) armed that way, naming the user or group and the account it gets.
  Successful calls and access-denied attempts alarm; other failures changed nothing. A permission set's name comes
  from its CreatePermissionSet call when the events hold it. Customer managed policy references are not judged
  (their documents are in each member account). The IAM side of an assignment (IAM Identity Center's
  service-linked role creating the AWSReservedSSO_ role in the member account and attaching the set's policies) is
  AWS's own and is not judged by the IAM detections: this control judges the decision where it is made (the
  permission sets as loaded are sso_permission_set_admin's).
severity: high
resource_type: AWS::SSO::PermissionSet
rationale: >-
  In an organization run through IAM Identity Center, an intruder in the Identity Center account needs no IAM
  change in the other accounts: attaching AdministratorAccess to a permission set and assigning it to a user or
  group they control gives administrator sessions in every account the set is assigned to.
remediation: >-
  Confirm the change with the identity administrators; remove the assignment (DeleteAccountAssignment) or the
  policy, review the sessions of the user or group it gave access to, and limit sso:* administration to a few
  principals.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  admin_policies: AdministratorAccess,IAMFullAccess,PowerUserAccess,AdministratorAccess-Amplify,AdministratorAccess-AWSElasticBeanstalk,AWSOrganizationsFullAccess
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.request_parameters ->> 'permissionSetArn' as permission_set,
    regexp_replace(coalesce(e.request_parameters ->> 'managedPolicyArn', ''), '^.*/', '') as policy_name,
    e.request_parameters ->> 'inlinePolicy' as inline_policy,
    e.request_parameters ->> 'targetId' as target_account,
    e.request_parameters ->> 'principalType' as principal_type,
    e.request_parameters ->> 'principalId' as principal_id,
    e.response_elements -> 'permissionSet' ->> 'permissionSetArn' as created_set,
    e.response_elements -> 'permissionSet' ->> 'name' as created_name
  from cloudtrail_event_actor as e
  where e.event_source = 'sso.amazonaws.com'
    and e.event_name in ('AttachManagedPolicyToPermissionSet', 'PutInlinePolicyToPermissionSet',
                         'CreateAccountAssignment', 'CreatePermissionSet')
    and (e.error_code is null or e.access_denied) and e.event_time <= now()
    -- AWS's own calls (an AWS service, a session of a service-linked role), as in the other change detections; a
    -- call a service made for a person or workload (invokedBy, such as CloudFormation) is theirs and counts
    and not e.aws_caller
),
set_name as (
  select created_set as permission_set, max(created_name) as name
  from call
  where event_name = 'CreatePermissionSet' and error_code is null and created_set is not null
  group by created_set
),
armed as (
  -- calls that give a permission set administrator power, and what they gave
  select event_id, account_id, permission_set, event_time, error_code,
    case when event_name = 'AttachManagedPolicyToPermissionSet' then 'managed policy ' || policy_name
      else 'an inline policy allowing every action' end as power
  from call
  where permission_set is not null
    and ((event_name = 'AttachManagedPolicyToPermissionSet'
          and (',' || replace(:admin_policies, ' ', '') || ',') like ('%,' || policy_name || ',%'))
      or (event_name = 'PutInlinePolicyToPermissionSet'
          and inline_policy ~ '"Action"\s*:\s*(\[[^\]]*)?"\*"'))
),
hit as (
  select 'alarm' as status, c.event_id, c.account_id, c.partition, c.event_time, c.event_name, c.error_code, c.caller,
    c.ip, c.agent, c.permission_set as resource,
    ' on permission set ' || coalesce(n.name || ' (' || regexp_replace(c.permission_set, '^.*/', '') || ')',
                                      regexp_replace(c.permission_set, '^.*/', ''))
      || ', giving it ' || a.power as detail
  from call as c
    join armed as a on a.event_id = c.event_id
    left join set_name as n on n.permission_set = c.permission_set
  where c.event_time > now() - :lookback_days * interval '1 day'
  union all
  -- an inline policy the event does not show cannot be judged: a skip for that permission set, never an ok
  select 'skip', c.event_id, c.account_id, c.partition, c.event_time, c.event_name, c.error_code, c.caller, c.ip,
    c.agent, c.permission_set,
    ' on permission set ' || coalesce(n.name || ' (' || regexp_replace(c.permission_set, '^.*/', '') || ')',
                                      regexp_replace(c.permission_set, '^.*/', ''))
      || ', whose inline policy the event does not show (' || coalesce(left(c.inline_policy, 40), 'none') || ')'
  from call as c
    left join set_name as n on n.permission_set = c.permission_set
  where c.event_name = 'PutInlinePolicyToPermissionSet' and c.permission_set is not null
    and coalesce(ltrim(c.inline_policy), '') not like '{%'
    and c.event_time > now() - :lookback_days * interval '1 day'
  union all
  select 'alarm', c.event_id, c.account_id, c.partition, c.event_time, c.event_name, c.error_code, c.caller, c.ip,
    c.agent, c.permission_set || '#' || coalesce(c.target_account, 'unknown') as resource,
    ' giving ' || lower(coalesce(c.principal_type, 'principal')) || ' ' || coalesce(c.principal_id, 'unknown')
      || ' permission set ' || coalesce(n.name || ' (' || regexp_replace(c.permission_set, '^.*/', '') || ')',
                                        regexp_replace(c.permission_set, '^.*/', ''))
      || ' in account ' || coalesce(c.target_account, 'unknown') || ' (the set was given '
      || string_agg(distinct a.power, ', ') || ')' as detail
  from call as c
    join armed as a on a.permission_set = c.permission_set and a.account_id = c.account_id
      and a.error_code is null and a.event_time <= c.event_time
    left join set_name as n on n.permission_set = c.permission_set
  where c.event_name = 'CreateAccountAssignment' and c.event_time > now() - :lookback_days * interval '1 day'
  group by c.event_id, c.account_id, c.partition, c.event_time, c.event_name, c.error_code, c.caller, c.ip, c.agent,
    c.permission_set, c.target_account, c.principal_type, c.principal_id, n.name
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.resource order by h.status, h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.resource, h.status) as calls,
    min(h.event_time) over (partition by h.account_id, h.resource, h.status) as first_time
  from hit as h
)
select
  r.resource,
  r.status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || r.detail || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || case when r.status = 'skip' then '; read the inline policy in IAM Identity Center to judge it.'
      else '; confirm it with the identity administrators.' end as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' gives an IAM Identity Center permission set administrator power or assigns such a set.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so IAM Identity Center permission sets cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
