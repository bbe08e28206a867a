/*
title: No one tampered with CloudTrail
description: >-
  CloudTrail shows no call, in the lookback_days days before the data was taken, that stops or narrows what
  a trail or event data store records: StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors,
  PutInsightSelectors, DeleteEventDataStore, UpdateEventDataStore, StopEventDataStoreIngestion. A
  PutEventSelectors call replaces the trail's selectors: it counts when the new ones leave management events out
  (none, only read or only write events, an excluded event source) or drop the data events of the trail's
  previous selectors in the window (which recorded every management event too); one that records every
  management event and drops no data event narrows nothing (a trail's set-up, logging restored). An UpdateTrail
  call counts when its request parameters narrow the trail: IsMultiRegionTrail, IncludeGlobalServiceEvents,
  IsOrganizationTrail or EnableLogFileValidation false, KmsKeyId or CloudWatchLogsLogGroupArn empty (encryption or
  CloudWatch Logs delivery removed), an S3 bucket, a key prefix or a log group other than the trail's earlier one in
  the window (a bucket named with no earlier one in the window is not judged: the event does not say where the logs
  went before, and configuration tools name the trail's bucket in every update). An UpdateEventDataStore call
  counts when it turns termination protection off, makes the store single-Region or not the organization's, sets a
  retention under min_retention_days days or shorter than the store's earlier one in the window, or sets selectors
  that record fewer management events or drop the data events of the store's earlier selectors in the window
  (without earlier ones, only management selectors that leave read, write or some sources' events out count). A
  PutInsightSelectors call counts when it turns Insights off (an empty list) or drops an Insights type of the
  trail's previous call in the window. Calls that only add logging do not count; the reason names what each call
  narrowed. Denied attempts (an access-denied errorCode)
  are reported too; calls that failed for another reason, such as TrailNotFoundException for a trail that does
  not exist, changed nothing and are not counted. Calls AWS makes itself (an AWS service, a session of a
  service-linked role) are not counted; calls a service made for a caller (invokedBy) are.
severity: high
resource_type: AWS::CloudTrail::Trail
rationale: Attackers stop or narrow logging right after they get in, so that what they do next leaves no trace.
remediation: >-
  Confirm each change with its author; restore logging and selectors, investigate the caller's other
  activity, and deny these actions to everyone but the logging administrators (SCP or permissions boundary).
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  min_retention_days: 90
*/
with call as (
  select e.event_id, e.account_id, e.event_time, e.event_name, e.error_code,
    coalesce(e.actor_arn, e.user_type, 'an unknown caller') as caller,
    -- UpdateEventDataStore names the store in eventDataStore; its name, when given, is the store's new name
    coalesce(e.request_parameters ->> 'eventDataStore', e.request_parameters ->> 'name',
      e.request_parameters ->> 'trailName', e.request_parameters ->> 'trailARN') as target,
    e.request_parameters as params,
    e.response_elements ->> 'eventDataStoreArn' as store_arn,
    e.partition, e.region
  from cloudtrail_event_actor as e
  where e.event_source = 'cloudtrail.amazonaws.com' and (e.error_code is null or e.access_denied)
    -- AWS's own calls (an AWS service, a session of a service-linked role), as in the other change detections; a
    -- person's or workload's call a service made for it (invokedBy, such as CloudFormation) is theirs and counts
    and not e.aws_caller
    and e.event_name in ('StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors', 'PutInsightSelectors',
                         'DeleteEventDataStore', 'UpdateEventDataStore', 'StopEventDataStoreIngestion', 'CreateTrail',
                         'CreateEventDataStore')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
named as (
  -- the trail is given by name or by ARN (StopLogging, UpdateTrail... accept both), an event data store by ARN or
  -- by its id (the ARN's last part; CreateEventDataStore's response gives the ARN): one resource either way
  select *,
    case
      when event_name like '%EventDataStore%' then coalesce(store_arn, case when target like 'arn:%' then target end,
        'arn:' || partition || ':cloudtrail:' || coalesce(region, '') || ':' || account_id || ':eventdatastore/'
          || coalesce(target, 'unnamed'))
      when target like 'arn:%' then target
      else 'arn:' || partition || ':cloudtrail:' || coalesce(region, '') || ':' || account_id || ':trail/'
        || coalesce(target, 'unnamed')
    end as resource
  from call
),
basic_selector as (
  -- eventSelectors: IncludeManagementEvents (default true), ReadWriteType (default All),
  -- ExcludeManagementEventSources, DataResources
  select n.event_id,
    coalesce(s ->> 'includeManagementEvents', 'true') = 'true'
      and coalesce(jsonb_array_length(s -> 'excludeManagementEventSources'), 0) = 0 as all_sources,
    coalesce(s ->> 'includeManagementEvents', 'true') = 'true' and coalesce(s ->> 'readWriteType', 'All') in ('All', 'ReadOnly')
      as management_read,
    coalesce(s ->> 'includeManagementEvents', 'true') = 'true' and coalesce(s ->> 'readWriteType', 'All') in ('All', 'WriteOnly')
      as management_write,
    coalesce(jsonb_array_length(s -> 'dataResources'), 0) > 0 as data_events
  from named as n, jsonb_array_elements(n.params -> 'eventSelectors') as s
  where n.event_name = 'PutEventSelectors' and jsonb_typeof(n.params -> 'eventSelectors') = 'array'
),
advanced_selector as (
  -- advancedEventSelectors: a selector whose eventCategory is Management records every management event unless a
  -- readOnly field keeps one kind or an eventSource field picks sources; any other category is data events
  select n.event_id,
    coalesce(bool_or(f ->> 'field' = 'eventCategory' and (f -> 'equals')::text like '%"Management"%'), false) as management,
    coalesce(bool_or(f ->> 'field' = 'eventSource'), false) as some_sources,
    coalesce(bool_or(f ->> 'field' = 'readOnly' and (f -> 'equals')::text like '%"true"%'), false) as read_only,
    coalesce(bool_or(f ->> 'field' = 'readOnly' and (f -> 'equals')::text like '%"false"%'), false) as write_only,
    coalesce(bool_or(f ->> 'field' = 'eventCategory' and (f -> 'equals')::text not like '%"Management"%'), false)
      as data_events
  from named as n, jsonb_array_elements(n.params -> 'advancedEventSelectors') as s,
    jsonb_array_elements(s -> 'fieldSelectors') as f
  where n.event_name in ('PutEventSelectors', 'CreateEventDataStore', 'UpdateEventDataStore')
    and jsonb_typeof(n.params -> 'advancedEventSelectors') = 'array'
    and jsonb_typeof(s -> 'fieldSelectors') = 'array'
  group by n.event_id, s::text
),
selector_set as (
  select event_id, bool_or(management_read) as management_read, bool_or(management_write) as management_write,
    bool_or(management_read and management_write and all_sources) as every_source, bool_or(data_events) as data_events
  from (
    select event_id, all_sources, management_read, management_write, data_events from basic_selector
    union all
    select event_id, not some_sources, management and not write_only, management and not read_only, data_events
    from advanced_selector
  ) as s
  group by event_id
),
previous_selector as (
  -- each successful PutEventSelectors call, and whether the trail's previous one recorded data events besides
  -- every management event
  select n.event_id,
    lag(s.data_events and s.every_source)
      over (partition by n.account_id, n.resource order by n.event_time, n.event_id) as previous_full_with_data
  from named as n join selector_set as s on s.event_id = n.event_id
  where n.event_name = 'PutEventSelectors' and n.error_code is null
),
selector_change as (
  -- what a PutEventSelectors call left out; NULL when it narrows nothing
  select n.event_id,
    case
      when s.event_id is null then 'new selectors the event does not show'
      when not s.management_read and not s.management_write then 'no management events recorded'
      when not s.management_read then 'read management events no longer recorded'
      when not s.management_write then 'write management events no longer recorded'
      when not s.every_source then 'management events of some event sources no longer recorded'
      when not s.data_events and p.previous_full_with_data then 'the data events of the previous selectors no longer recorded'
    end as narrowed
  from named as n
    left join selector_set as s on s.event_id = n.event_id
    left join previous_selector as p on p.event_id = n.event_id
  where n.event_name = 'PutEventSelectors'
),
trail_setting as (
  -- where each CreateTrail or UpdateTrail call sends the logs, one row per destination; NULL: the call leaves it as
  -- it was (a CreateTrail without a prefix or a log group sets none: '')
  select event_id, resource, event_time, error_code, 'bucket' as kind, params ->> 's3BucketName' as value
  from named where event_name in ('CreateTrail', 'UpdateTrail') and jsonb_typeof(params) = 'object'
  union all
  select event_id, resource, event_time, error_code, 'prefix',
    case when event_name = 'CreateTrail' then coalesce(params ->> 's3KeyPrefix', '') else params ->> 's3KeyPrefix' end
  from named where event_name in ('CreateTrail', 'UpdateTrail') and jsonb_typeof(params) = 'object'
  union all
  select event_id, resource, event_time, error_code, 'log_group',
    case when event_name = 'CreateTrail' then coalesce(params ->> 'cloudWatchLogsLogGroupArn', '')
      else params ->> 'cloudWatchLogsLogGroupArn' end
  from named where event_name in ('CreateTrail', 'UpdateTrail') and jsonb_typeof(params) = 'object'
),
setting_before as (
  -- for each UpdateTrail call, each destination as the trail's latest earlier successful call in the window set it
  select u.event_id, p.kind, p.value,
    row_number() over (partition by u.event_id, p.kind order by p.event_time desc, p.event_id desc) as latest
  from named as u
    join trail_setting as p on p.resource = u.resource and p.error_code is null and p.value is not null
      and (p.event_time < u.event_time or (p.event_time = u.event_time and p.event_id < u.event_id))
  where u.event_name = 'UpdateTrail'
),
trail_destination as (
  select n.event_id,
    max(case when s.kind = 'bucket' then s.value end) as bucket,
    max(case when s.kind = 'prefix' then s.value end) as prefix,
    max(case when s.kind = 'log_group' then s.value end) as log_group,
    max(case when b.kind = 'bucket' then b.value end) as bucket_before,
    max(case when b.kind = 'prefix' then b.value end) as prefix_before,
    max(case when b.kind = 'log_group' then b.value end) as log_group_before
  from named as n
    join trail_setting as s on s.event_id = n.event_id
    left join setting_before as b on b.event_id = n.event_id and b.kind = s.kind and b.latest = 1
  where n.event_name = 'UpdateTrail'
  group by n.event_id
),
trail_change as (
  -- what an UpdateTrail call narrowed (its request parameters, CloudTrail API reference); NULL when nothing
  select n.event_id,
    case when b.event_id is null then 'changes the event does not show'
    else nullif(concat_ws('; ',
      case when n.params ->> 'isMultiRegionTrail' = 'false' then 'made a single-Region trail' end,
      case when n.params ->> 'includeGlobalServiceEvents' = 'false' then 'global service events no longer recorded' end,
      case when n.params ->> 'isOrganizationTrail' = 'false' then 'no longer an organization trail' end,
      case when n.params ->> 'enableLogFileValidation' = 'false' then 'log file validation turned off' end,
      case when n.params ->> 'kmsKeyId' = '' then 'KMS encryption removed' end,
      case when b.bucket <> b.bucket_before then 'logs moved from bucket ' || b.bucket_before || ' to ' || b.bucket end,
      case when b.prefix <> b.prefix_before
        then 'log prefix changed from ' || coalesce(nullif(b.prefix_before, ''), 'none') || ' to '
          || coalesce(nullif(b.prefix, ''), 'none') end,
      case when b.log_group = '' then 'CloudWatch Logs delivery removed'
        when b.log_group <> b.log_group_before and b.log_group_before <> ''
        then 'CloudWatch Logs moved from log group ' || split_part(b.log_group_before, ':', 7) || ' to '
          || split_part(b.log_group, ':', 7) end
    ), '')
    end as narrowed
  from named as n left join trail_destination as b on b.event_id = n.event_id
  where n.event_name = 'UpdateTrail'
),
insight_type as (
  select n.event_id, s ->> 'insightType' as insight_type
  from named as n, jsonb_array_elements(n.params -> 'insightSelectors') as s
  where n.event_name = 'PutInsightSelectors' and jsonb_typeof(n.params -> 'insightSelectors') = 'array'
),
insight_before as (
  -- each PutInsightSelectors call and the trail's latest earlier successful one in the window
  select n.event_id, p.event_id as previous_id,
    row_number() over (partition by n.event_id order by p.event_time desc, p.event_id desc) as latest
  from named as n
    join named as p on p.event_name = 'PutInsightSelectors' and p.resource = n.resource and p.error_code is null
      and (p.event_time < n.event_time or (p.event_time = n.event_time and p.event_id < n.event_id))
  where n.event_name = 'PutInsightSelectors'
),
insight_dropped as (
  -- the Insights types of that earlier call this one leaves out
  select b.event_id, string_agg(distinct p.insight_type, ', ') as types
  from insight_before as b
    join insight_type as p on p.event_id = b.previous_id
    left join insight_type as c on c.event_id = b.event_id and c.insight_type = p.insight_type
  where b.latest = 1 and c.event_id is null
  group by b.event_id
),
insight_change as (
  -- what a PutInsightSelectors call left out: an empty list turns Insights off (CloudTrail API reference)
  select n.event_id,
    case
      when jsonb_typeof(n.params -> 'insightSelectors') is distinct from 'array'
        then 'new Insights selectors the event does not show'
      when jsonb_array_length(n.params -> 'insightSelectors') = 0 then 'Insights turned off'
      else d.types || ' Insights no longer recorded'
    end as narrowed
  from named as n left join insight_dropped as d on d.event_id = n.event_id
  where n.event_name = 'PutInsightSelectors'
),
store_setting as (
  -- each CreateEventDataStore and UpdateEventDataStore call: the retention (days) and selectors it sets; NULL: the
  -- call leaves them as they were
  select n.event_id, n.event_name, n.resource, n.event_time, n.error_code, n.params,
    case when n.params ->> 'retentionPeriod' ~ '^[0-9]+$' then (n.params ->> 'retentionPeriod')::int end as retention,
    s.event_id is not null as has_selectors, s.management_read, s.management_write, s.every_source, s.data_events
  from named as n left join selector_set as s on s.event_id = n.event_id
  where n.event_name in ('CreateEventDataStore', 'UpdateEventDataStore')
),
store_before as (
  -- for each UpdateEventDataStore call, the store's retention and selectors as its latest earlier successful call in
  -- the window set them
  select u.event_id,
    (select p.retention from store_setting as p
     where p.resource = u.resource and p.error_code is null and p.retention is not null
       and (p.event_time < u.event_time or (p.event_time = u.event_time and p.event_id < u.event_id))
     order by p.event_time desc, p.event_id desc limit 1) as retention_before,
    (select p.event_id from store_setting as p
     where p.resource = u.resource and p.error_code is null and p.has_selectors
       and (p.event_time < u.event_time or (p.event_time = u.event_time and p.event_id < u.event_id))
     order by p.event_time desc, p.event_id desc limit 1) as selectors_before
  from store_setting as u
  where u.event_name = 'UpdateEventDataStore'
),
store_change as (
  -- what an UpdateEventDataStore call narrowed, by its request parameters (CloudTrail API reference: it changes only
  -- the settings it is given): the state it leaves (termination protection off, one Region, not the organization's;
  -- a retention under min_retention_days, or shorter than the store's earlier one in the window), or selectors that
  -- record less than the store's earlier ones (without earlier ones, management events left partly out: a store of
  -- data events only is a design, not a change); NULL when nothing
  select u.event_id,
    nullif(concat_ws('; ',
      case when u.params ->> 'terminationProtectionEnabled' = 'false' then 'termination protection turned off' end,
      case when u.params ->> 'multiRegionEnabled' = 'false' then 'made a single-Region event data store' end,
      case when u.params ->> 'organizationEnabled' = 'false' then 'no longer an organization event data store' end,
      case when u.retention < b.retention_before
          then 'retention shortened from ' || b.retention_before || ' to ' || u.retention || ' days'
        when u.retention < :min_retention_days and b.retention_before is null
          then 'retention set to ' || u.retention || ' days (under ' || :min_retention_days || ')' end,
      case
        when not u.has_selectors then null
        when p.event_id is null then
          case
            when not (u.management_read or u.management_write) then null
            when not u.management_read then 'read management events no longer recorded'
            when not u.management_write then 'write management events no longer recorded'
            when not u.every_source then 'management events of some event sources no longer recorded'
          end
        when p.management_read and not u.management_read then 'read management events no longer recorded'
        when p.management_write and not u.management_write then 'write management events no longer recorded'
        when p.every_source and not u.every_source and (u.management_read or u.management_write)
          then 'management events of some event sources no longer recorded'
        when p.data_events and not u.data_events then 'the data events of the previous selectors no longer recorded'
      end
    ), '') as narrowed
  from store_setting as u
    join store_before as b on b.event_id = u.event_id
    left join store_setting as p on p.event_id = b.selectors_before
),
change as (
  select event_id, narrowed from store_change
  union all
  select event_id, narrowed from selector_change
  union all
  select event_id, narrowed from trail_change
  union all
  select event_id, narrowed from insight_change
),
event as (
  select n.*, c.narrowed, n.event_name || coalesce(': ' || c.narrowed, '') as change_name,
    regexp_replace(n.caller, '^.*[:/]', '') as caller_name
  from named as n left join change as c on c.event_id = n.event_id
  where n.event_name not in ('CreateTrail', 'CreateEventDataStore')
    and (n.event_name not in ('PutEventSelectors', 'UpdateTrail', 'PutInsightSelectors', 'UpdateEventDataStore')
         or c.narrowed is not null)
),
ranked_event as (
  -- each change and caller numbered in name order, so that the reason names the first five of each
  select *,
    dense_rank() over (partition by account_id, resource order by change_name nulls last) as change_rank,
    dense_rank() over (partition by account_id, resource order by caller_name nulls last) as caller_rank
  from event
),
per_target as (
  select account_id, resource, min(regexp_replace(coalesce(target, 'unnamed'), '^.*/', '')) as target,
    min(partition) as partition, min(region) as region,
    count(*) filter (where error_code is null) as changes,
    count(*) filter (where error_code is not null) as attempts,
    string_agg(distinct change_name, ', ' order by change_name) filter (where change_rank <= 5) as event_names,
    count(distinct change_name) as event_name_count,
    string_agg(distinct caller_name, ', ' order by caller_name) filter (where caller_rank <= 5) as callers,
    count(distinct caller_name) as caller_count,
    max(event_time) as last_time
  from ranked_event
  group by account_id, resource
)
select
  p.resource,
  'alarm' as status,
  case when p.changes > 0 then p.changes || ' change(s)' else '' end
    || case when p.changes > 0 and p.attempts > 0 then ' and ' else '' end
    || case when p.attempts > 0 then p.attempts || ' denied attempt(s)' else '' end
    || ' (' || p.event_names
    || case when p.event_name_count > 5 then ' and ' || (p.event_name_count - 5) || ' more' else '' end || ') to '
    || case when p.resource like '%:eventdatastore/%' then 'event data store ' else 'trail ' end
    || regexp_replace(p.target, '^.*/', '') || ' by ' || p.callers
    || case when p.caller_count > 5 then ' and ' || (p.caller_count - 5) || ' more' else '' end
    || ', last on ' || to_char(p.last_time, 'YYYY-MM-DD HH24:MI') || ' UTC; '
    || case when p.changes > 0 then 'confirm they were authorized and restore what was changed.'
       else 'find out why this caller tried to change logging.' end
    as reason,
  p.account_id,
  coalesce(nullif(split_part(p.resource, ':', 4), ''), p.region) as region
from per_target as p
union all
select
  w.resource,
  w.status,
  case
    when w.status = 'skip' then
      w.summary || ' falls in the ' || :lookback_days
        || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so trail tampering cannot be judged.'
    else w.summary || ' stops or changes a trail.'
  end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from per_target as p where p.account_id = w.account_id)
