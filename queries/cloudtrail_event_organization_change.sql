/*
title: No one left or weakened the organization
description: >-
  CloudTrail shows no call to AWS Organizations, in the lookback_days days before the data was taken, that
  takes an account out of its organization or weakens the organization's guardrails: LeaveOrganization,
  RemoveAccountFromOrganization, DeleteOrganization, AcceptHandshake (joining another organization),
  DetachPolicy, DeletePolicy, UpdatePolicy, DisablePolicyType, DisableAWSServiceAccess,
  DeregisterDelegatedAdministrator. Successful calls and access-denied attempts alarm: the Stratus
  organizations-leave detonation is itself denied, and an attempt to leave is the signal whether or not an SCP
  stopped it. Calls AWS makes itself (an AWS service, a session of a service-linked role) are not counted;
  calls a service made for a caller (invokedBy) are.
severity: high
resource_type: AWS::Organizations::Account
rationale: >-
  An account that leaves its organization sheds its service control policies, its organization trail and its
  delegated security services in one call; detaching or loosening an SCP does the same more quietly.
remediation: >-
  Confirm the change with the organization's administrators; deny organizations:LeaveOrganization with an SCP,
  re-attach the policies and investigate the caller.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with hit as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    case
      when e.request_parameters ->> 'accountId' is not null then 'arn:' || e.partition || ':::' || (e.request_parameters ->> 'accountId')
      when e.request_parameters ->> 'policyId' is not null then 'arn:' || e.partition || ':organizations::' || e.account_id || ':policy/' || (e.request_parameters ->> 'policyId')
      else 'arn:' || e.partition || ':::' || e.account_id
    end as resource,
    coalesce(' on account ' || (e.request_parameters ->> 'accountId'), '')
      || coalesce(' on policy ' || (e.request_parameters ->> 'policyId'), '')
      || coalesce(' from target ' || (e.request_parameters ->> 'targetId'), '')
      || coalesce(' (' || (e.request_parameters ->> 'policyType') || ')', '')
      || coalesce(' (' || (e.request_parameters ->> 'servicePrincipal') || ')', '') as detail,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.event_source = 'organizations.amazonaws.com' and (e.error_code is null or e.access_denied)
    -- AWS's own calls (an AWS service, a session of a service-linked role), as in the other change detections; a
    -- person's or workload's call a service made for it (invokedBy, such as CloudFormation) is theirs and counts
    and not e.aws_caller
    and e.event_name in ('LeaveOrganization', 'RemoveAccountFromOrganization', 'DeleteOrganization', 'AcceptHandshake',
                         'DetachPolicy', 'DeletePolicy', 'UpdatePolicy', 'DisablePolicyType', 'DisableAWSServiceAccess',
                         'DeregisterDelegatedAdministrator')
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
    || '; confirm it with the organization administrators.' as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' leaves the organization or weakens its policies.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so organization changes cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
