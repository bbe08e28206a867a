/*
title: No one switched off Config, GuardDuty or other security logging
description: >-
  CloudTrail shows no call, in the lookback_days days before the data was taken, that stops or deletes a
  security monitor other than CloudTrail (trails are cloudtrail_event_trail_tampering's): AWS Config StopConfigurationRecorder,
  DeleteConfigurationRecorder, DeleteDeliveryChannel; GuardDuty DeleteDetector, UpdateDetector with enable
  false, DisassociateFromMasterAccount, DisassociateFromAdministratorAccount, StopMonitoringMembers,
  DeleteMembers, CreateIPSet and UpdateIPSet (trusted addresses are never reported); Security Hub
  DisableSecurityHub; IAM Access Analyzer DeleteAnalyzer; VPC DeleteFlowLogs; Route 53 Resolver
  DeleteResolverQueryLogConfig and DisassociateResolverQueryLogConfig. Successful calls and access-denied
  attempts alarm, as for trails: attackers try to blind monitoring first.
severity: high
resource_type: AWS::::Account
rationale: >-
  Switching off detection is what an attacker does before the noisy part; each of these calls removes a
  source the responders will need (Stratus vpc-remove-flow-logs, dns-delete-logs).
remediation: >-
  Confirm each change with its author; turn the monitor back on, investigate the caller's other activity and
  deny these actions to everyone but the security administrators (SCP).
tables: [iamsql_account, cloudtrail_event_actor, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with hit as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    'arn:' || e.partition || ':' || replace(replace(e.event_source, '.amazonaws.com', ''), 'route53resolver', 'route53resolver')
      || ':' || coalesce(e.region, '') || ':' || e.account_id || ':'
      || coalesce(t.request_parameters ->> 'configurationRecorderName', t.request_parameters ->> 'deliveryChannelName',
                  'detector/' || (t.request_parameters ->> 'detectorId'), 'analyzer/' || (t.request_parameters ->> 'analyzerName'),
                  'vpc-flow-log/' || (t.request_parameters -> 'DeleteFlowLogsRequest' -> 'FlowLogId' ->> 'content'),
                  'resolver-query-log-config/' || (t.request_parameters ->> 'resolverQueryLogConfigId'), e.event_name) as resource,
    ' (' || replace(e.event_source, '.amazonaws.com', '') || coalesce(' ' || nullif(
        coalesce(t.request_parameters ->> 'configurationRecorderName', t.request_parameters ->> 'deliveryChannelName',
                 t.request_parameters ->> 'detectorId', t.request_parameters ->> 'analyzerName',
                 t.request_parameters -> 'DeleteFlowLogsRequest' -> 'FlowLogId' ->> 'content',
                 t.request_parameters ->> 'resolverQueryLogConfigId'), ''), '') || ')' as detail,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
    join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
  where (e.error_code is null or e.access_denied)
    and ((e.event_source = 'config.amazonaws.com'
          and e.event_name in ('StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel'))
      or (e.event_source = 'guardduty.amazonaws.com'
          and (e.event_name in ('DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount',
                                'StopMonitoringMembers', 'DeleteMembers', 'CreateIPSet', 'UpdateIPSet')
               or (e.event_name = 'UpdateDetector' and t.request_parameters ->> 'enable' = 'false')))
      or (e.event_source = 'securityhub.amazonaws.com' and e.event_name = 'DisableSecurityHub')
      or (e.event_source = 'access-analyzer.amazonaws.com' and e.event_name = 'DeleteAnalyzer')
      or (e.event_source = 'ec2.amazonaws.com' and e.event_name = 'DeleteFlowLogs')
      or (e.event_source = 'route53resolver.amazonaws.com'
          and e.event_name in ('DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig')))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.resource order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.resource) as calls,
    min(h.event_time) over (partition by h.account_id, h.resource) as first_time
  from hit as h
),
events as (
  select account_id, count(*) as events, min(event_time) as first_time, max(event_time) as last_time
  from cloudtrail_event_actor
  where event_time > now() - :lookback_days * interval '1 day' and event_time <= now()
  group by account_id
)
select
  r.resource,
  'alarm' as status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || r.detail || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || '; confirm it was authorized and turn the monitor back on.' as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select
  'arn:' || a.partition || ':::' || a.account_id,
  case when coalesce(ev.events, 0) = 0 then 'skip' else 'ok' end,
  case
    when coalesce(ev.events, 0) = 0 then
      'No CloudTrail events of account ' || a.account_id || ' fall in the ' || :lookback_days
        || ' days before the data was taken, so security monitors being switched off cannot be judged.'
    else 'None of the ' || ev.events || ' CloudTrail events from ' || to_char(ev.first_time, 'YYYY-MM-DD HH24:MI')
      || ' to ' || to_char(ev.last_time, 'YYYY-MM-DD HH24:MI')
      || ' UTC stops or deletes Config, GuardDuty, Security Hub, Access Analyzer, flow logs or DNS query logs.'
  end,
  a.account_id,
  'global'
from iamsql_account as a
  left join events as ev on ev.account_id = a.account_id
where not exists (select 1 from ranked as r where r.account_id = a.account_id)
