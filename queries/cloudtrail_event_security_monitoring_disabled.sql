/*
title: No one switched off Config, GuardDuty or other security logging
description: >-
  CloudTrail shows no call, in the lookback_days days before the data was taken, that stops or deletes a
  security monitor or the delivery of a trail's logs (calls to the CloudTrail API itself are
  cloudtrail_event_trail_tampering's): AWS Config StopConfigurationRecorder, DeleteConfigurationRecorder,
  DeleteDeliveryChannel; GuardDuty DeleteDetector, UpdateDetector with enable false,
  DisassociateFromMasterAccount, DisassociateFromAdministratorAccount, StopMonitoringMembers, DeleteMembers,
  CreateIPSet and UpdateIPSet (trusted addresses are never reported); Security Hub DisableSecurityHub; IAM
  Access Analyzer DeleteAnalyzer; VPC DeleteFlowLogs; Route 53 Resolver DeleteResolverQueryLogConfig and
  DisassociateResolverQueryLogConfig; Amazon Bedrock DeleteModelInvocationLoggingConfiguration; and, on the
  S3 bucket a trail delivers to, PutBucketLifecycle with an enabled rule that expires objects in fewer than
  min_retention_days days, DeleteBucketPolicy, PutBucketPolicy whose new policy no longer allows
  cloudtrail.amazonaws.com s3:PutObject (or denies it), PutBucketLogging turning server access logging off;
  CloudWatch Logs DeleteLogGroup of a trail's log group. A bucket or log group is a trail's when the loaded
  trails (aws_cloudtrail_trail) name it, when a CreateTrail or UpdateTrail call before the change named it,
  or (buckets) when an earlier PutBucketPolicy let cloudtrail.amazonaws.com write to it; the same calls on
  other buckets and log groups are not judged, and the reason says how the bucket was known. Successful calls
  and access-denied attempts alarm, as for trails: attackers try to blind monitoring first; calls that failed
  for another reason changed nothing. Calls AWS makes itself (an AWS service, a session of a service-linked
  role) are not counted; calls a service made for a caller (invokedBy) are.
severity: high
resource_type: AWS::::Account
rationale: >-
  Switching off detection is what an attacker does before the noisy part; each of these calls removes a
  source the responders will need (Stratus vpc-remove-flow-logs, dns-delete-logs, cloudtrail-lifecycle-rule).
remediation: >-
  Confirm each change with its author; turn the monitor back on (restore the trail bucket's lifecycle rules,
  policy and access logging, recreate the log group), investigate the caller's other activity and deny these
  actions to everyone but the security administrators (SCP).
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, aws_cloudtrail_trail]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  min_retention_days: 90
*/
with call as (
  -- the calls judged, and the trail set-up calls that name a trail's bucket and log group (at any time)
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.event_source, e.error_code,
    e.region, coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.request_parameters as params
  from cloudtrail_event_actor as e
  where (e.error_code is null or e.access_denied) and e.event_time <= now()
    -- AWS's own calls (an AWS service, a session of a service-linked role), as in the other change detections; a
    -- person's or workload's call a service made for it (invokedBy, such as CloudFormation) is theirs and counts
    and not e.aws_caller
    -- `= any(array[...])`, not `in (...)`: DuckDB tests a long IN list by a join after the scan has read every
    -- event's columns, an array inside the scan
    and e.event_source = any(array['config.amazonaws.com', 'guardduty.amazonaws.com', 'securityhub.amazonaws.com',
                                   'access-analyzer.amazonaws.com', 'ec2.amazonaws.com', 'route53resolver.amazonaws.com',
                                   'bedrock.amazonaws.com', 's3.amazonaws.com', 'logs.amazonaws.com', 'cloudtrail.amazonaws.com'])
    and e.event_name = any(array['StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel',
                                 'DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount',
                                 'StopMonitoringMembers', 'DeleteMembers', 'CreateIPSet', 'UpdateIPSet', 'UpdateDetector',
                                 'DisableSecurityHub', 'DeleteAnalyzer', 'DeleteFlowLogs', 'DeleteResolverQueryLogConfig',
                                 'DisassociateResolverQueryLogConfig', 'DeleteModelInvocationLoggingConfiguration',
                                 'PutBucketLifecycle', 'DeleteBucketPolicy', 'PutBucketPolicy', 'PutBucketLogging',
                                 'DeleteLogGroup', 'CreateTrail', 'UpdateTrail'])
),
policy_statement as (
  select c.event_id, st
  from call as c,
    jsonb_array_elements(case when jsonb_typeof(c.params -> 'bucketPolicy' -> 'Statement') = 'array'
                           then c.params -> 'bucketPolicy' -> 'Statement'
                           else jsonb_build_array(c.params -> 'bucketPolicy' -> 'Statement') end) as st
  where c.event_name = 'PutBucketPolicy' and jsonb_typeof(c.params -> 'bucketPolicy') = 'object'
),
policy as (
  -- does the new bucket policy let CloudTrail write log files, or deny it?
  select event_id,
    coalesce(bool_or(st ->> 'Effect' = 'Allow' and (st -> 'Principal')::text like '%cloudtrail.amazonaws.com%'
                     and lower((st -> 'Action')::text) ~ '"(s3:putobject|s3:put\*|s3:\*|\*)"'), false) as lets_write,
    coalesce(bool_or(st ->> 'Effect' = 'Deny' and lower((st -> 'Action')::text) ~ '"(s3:putobject|s3:put\*|s3:\*|\*)"'
                     and ((st -> 'Principal')::text like '%cloudtrail.amazonaws.com%'
                          or ((st -> 'Principal')::text in ('"*"', '{"AWS": "*"}', '{"AWS":"*"}') and st -> 'Condition' is null))),
             false) as denies_write
  from policy_statement
  group by event_id
),
trail_bucket as (
  select partition, s3_bucket_name as bucket, 'trail ' || name as known_as, null::timestamptz as since
  from aws_cloudtrail_trail
  where s3_bucket_name is not null
  union all
  select partition, params ->> 's3BucketName', 'trail ' || regexp_replace(coalesce(params ->> 'name', '?'), '^.*/', ''), event_time
  from call
  where event_source = 'cloudtrail.amazonaws.com' and error_code is null and params ->> 's3BucketName' is not null
  union all
  select c.partition, c.params ->> 'bucketName', 'a bucket policy letting CloudTrail write', c.event_time
  from call as c join policy as p on p.event_id = c.event_id
  where c.error_code is null and p.lets_write and not p.denies_write
),
trail_log_group as (
  select account_id, split_part(log_group_arn, ':', 4) as log_region, split_part(log_group_arn, ':', 7) as log_group,
    'trail ' || name as known_as, null::timestamptz as since
  from aws_cloudtrail_trail
  where log_group_arn like 'arn:%:logs:%:log-group:%'
  union all
  select account_id, split_part(params ->> 'cloudWatchLogsLogGroupArn', ':', 4),
    split_part(params ->> 'cloudWatchLogsLogGroupArn', ':', 7),
    'trail ' || regexp_replace(coalesce(params ->> 'name', '?'), '^.*/', ''), event_time
  from call
  where event_source = 'cloudtrail.amazonaws.com' and error_code is null
    and params ->> 'cloudWatchLogsLogGroupArn' like 'arn:%:logs:%:log-group:%'
),
lifecycle_rule as (
  select c.event_id, rl ->> 'ID' as rule_id,
    -- the days as written (a whole number) and as a number to compare (numeric: Spark has no text-to-int cast)
    case when (rl -> 'Expiration' ->> 'Days') ~ '^(0|[1-9][0-9]*)$' then rl -> 'Expiration' ->> 'Days' end as days_text,
    case when (rl -> 'Expiration' ->> 'Days') ~ '^(0|[1-9][0-9]*)$' then (rl -> 'Expiration' ->> 'Days')::numeric end
      as days,
    case when (rl -> 'Expiration' ->> 'Date') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}'
      then date_part('day', left(rl -> 'Expiration' ->> 'Date', 10)::date::timestamptz
                            - date_trunc('day', c.event_time))::int end as days_to_date
  from call as c,
    jsonb_array_elements(case when jsonb_typeof(c.params -> 'LifecycleConfiguration' -> 'Rule') = 'array'
                           then c.params -> 'LifecycleConfiguration' -> 'Rule'
                           else jsonb_build_array(c.params -> 'LifecycleConfiguration' -> 'Rule') end) as rl
  where c.event_name = 'PutBucketLifecycle' and c.event_source = 's3.amazonaws.com' and rl ->> 'Status' = 'Enabled'
),
short_lifecycle as (
  -- the rules in order of their expiry, then their ID (numbered first: Spark orders string_agg by one key only)
  select event_id, string_agg(rule_text, ', ' order by n) as detail
  from (
    select event_id,
      coalesce('rule ' || rule_id || ' ', 'a rule ') || 'expires log files after '
        || case when days_to_date is null or days <= days_to_date then days_text else days_to_date::text end
        || ' day(s)' as rule_text,
      row_number() over (partition by event_id order by least(days, days_to_date), rule_id) as n
    from lifecycle_rule
    where least(days, days_to_date) < :min_retention_days
  ) as short_rule
  group by event_id
),
s3_change as (
  -- a change to a bucket, the reason it stops or shortens the logs
  select c.event_id, c.partition, c.event_time, c.params ->> 'bucketName' as bucket,
    case c.event_name
      when 'PutBucketLifecycle' then l.detail
      when 'DeleteBucketPolicy' then 'without a bucket policy CloudTrail cannot write log files'
      when 'PutBucketPolicy' then case when p.denies_write then 'the new policy denies CloudTrail s3:PutObject'
                                        else 'the new policy no longer lets CloudTrail write log files' end
      when 'PutBucketLogging' then 'server access logging turned off'
    end as effect
  from call as c
    left join short_lifecycle as l on l.event_id = c.event_id
    left join policy as p on p.event_id = c.event_id
  where c.event_source = 's3.amazonaws.com' and c.params ->> 'bucketName' is not null
    and c.event_time > now() - :lookback_days * interval '1 day'
    and ((c.event_name = 'PutBucketLifecycle' and l.event_id is not null)
      or c.event_name = 'DeleteBucketPolicy'
      or (c.event_name = 'PutBucketPolicy' and jsonb_typeof(c.params -> 'bucketPolicy') = 'object'
          and (not coalesce(p.lets_write, false) or p.denies_write))
      or (c.event_name = 'PutBucketLogging' and jsonb_typeof(c.params -> 'BucketLoggingStatus') = 'object'
          and c.params -> 'BucketLoggingStatus' -> 'LoggingEnabled' is null))
),
trail_s3_change as (
  select s.event_id, 'arn:' || s.partition || ':s3:::' || s.bucket as resource,
    ' (s3 ' || s.bucket || ', the log bucket of '
      || coalesce(string_agg(distinct b.known_as, ', ') filter (where b.known_as like 'trail %'), string_agg(distinct b.known_as, ', '))
      || ': ' || s.effect || ')' as detail
  from s3_change as s
    join trail_bucket as b on b.partition = s.partition and b.bucket = s.bucket and (b.since is null or b.since < s.event_time)
  group by s.event_id, s.partition, s.bucket, s.effect
),
trail_log_group_deleted as (
  select c.event_id,
    'arn:' || c.partition || ':logs:' || coalesce(c.region, '') || ':' || c.account_id || ':log-group:'
      || (c.params ->> 'logGroupName') as resource,
    ' (logs ' || (c.params ->> 'logGroupName') || ', the log group of ' || string_agg(distinct g.known_as, ', ') || ')' as detail
  from call as c
    join trail_log_group as g on g.account_id = c.account_id and g.log_region = c.region
      and g.log_group = c.params ->> 'logGroupName' and (g.since is null or g.since < c.event_time)
  where c.event_source = 'logs.amazonaws.com' and c.event_name = 'DeleteLogGroup'
    and c.event_time > now() - :lookback_days * interval '1 day'
  group by c.event_id, c.partition, c.region, c.account_id, c.params ->> 'logGroupName'
),
monitor_call as (
  select c.event_id,
    'arn:' || c.partition || ':' || replace(c.event_source, '.amazonaws.com', '')
      || ':' || coalesce(c.region, '') || ':' || c.account_id || ':'
      || coalesce(c.params ->> 'configurationRecorderName', c.params ->> 'deliveryChannelName',
                  'detector/' || (c.params ->> 'detectorId'), 'analyzer/' || (c.params ->> 'analyzerName'),
                  'vpc-flow-log/' || (c.params -> 'DeleteFlowLogsRequest' -> 'FlowLogId' ->> 'content'),
                  'resolver-query-log-config/' || (c.params ->> 'resolverQueryLogConfigId'),
                  case when c.event_source = 'bedrock.amazonaws.com' then 'model-invocation-logging-configuration' end,
                  c.event_name) as resource,
    ' (' || replace(c.event_source, '.amazonaws.com', '') || coalesce(' ' || nullif(
        coalesce(c.params ->> 'configurationRecorderName', c.params ->> 'deliveryChannelName',
                 c.params ->> 'detectorId', c.params ->> 'analyzerName',
                 c.params -> 'DeleteFlowLogsRequest' -> 'FlowLogId' ->> 'content',
                 c.params ->> 'resolverQueryLogConfigId',
                 case when c.event_source = 'bedrock.amazonaws.com' then 'model invocation logging' end), ''), '') || ')' as detail
  from call as c
  where c.event_time > now() - :lookback_days * interval '1 day'
    and ((c.event_source = 'config.amazonaws.com'
          and c.event_name in ('StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel'))
      or (c.event_source = 'guardduty.amazonaws.com'
          and (c.event_name in ('DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount',
                                'StopMonitoringMembers', 'DeleteMembers', 'CreateIPSet', 'UpdateIPSet')
               or (c.event_name = 'UpdateDetector' and c.params ->> 'enable' = 'false')))
      or (c.event_source = 'securityhub.amazonaws.com' and c.event_name = 'DisableSecurityHub')
      or (c.event_source = 'access-analyzer.amazonaws.com' and c.event_name = 'DeleteAnalyzer')
      or (c.event_source = 'ec2.amazonaws.com' and c.event_name = 'DeleteFlowLogs')
      or (c.event_source = 'route53resolver.amazonaws.com'
          and c.event_name in ('DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'))
      or (c.event_source = 'bedrock.amazonaws.com' and c.event_name = 'DeleteModelInvocationLoggingConfiguration'))
),
hit as (
  select c.event_id, c.account_id, c.event_time, c.event_name, c.error_code, coalesce(c.region, 'global') as event_region,
    c.caller, c.ip, c.agent, m.resource, m.detail
  from call as c
    join (select event_id, resource, detail from monitor_call
          union all select event_id, resource, detail from trail_s3_change
          union all select event_id, resource, detail from trail_log_group_deleted) as m on m.event_id = c.event_id
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
    || '; confirm it was authorized and turn the monitor back on.' as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' stops or deletes Config, GuardDuty, Security Hub, Access Analyzer, flow logs, DNS query logs, Bedrock invocation logs or the delivery of a trail''s logs.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so security monitors being switched off cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
