/*
title: CloudTrail records S3 object-level read events
description: >-
  At least one logging multi-region trail of the account records S3 object-level data events of the read kind
  for all buckets (a single-region trail records them only for the buckets of its region):
  a basic event selector on AWS::S3::Object for all buckets with ReadWriteType All or ReadOnly, or an advanced
  event selector on eventCategory Data and resources.type AWS::S3::Object with no other filter (a resources.ARN, eventName or userIdentity.arn field records only the
  events it lets through) whose
  readOnly field, if any, is true (cloudtrail_trail_coverage). A trail whose logging status was not collected
  (get-trail-status) makes the result skip, not ok.
severity: low
resource_type: AWS::::Account
rationale: >-
  Management events do not show who read objects; without object-level read events,
  data theft from S3 leaves no trace in CloudTrail.
remediation: >-
  Add a data-event selector for AWS::S3::Object on all buckets (ReadOnly or All) to a multi-region trail, or to
  the buckets that hold sensitive data if the cost is a concern.
tables: [iamsql_account, cloudtrail_trail_coverage]
requires: [aws_cloudtrail_trail]
*/
with trail as (
  select account_id,
    count(*) as trails,
    count(*) filter (where not selectors_known) as unknown,
    string_agg(label, ', ' order by name)
      filter (where s3_data_read and is_logging and is_multi_region_trail) as recording,
    -- a trail whose status was not collected may be stopped: it cannot make the account pass
    string_agg(label, ', ' order by name)
      filter (where s3_data_read and is_logging is null and is_multi_region_trail) as status_unknown,
    string_agg(label, ', ' order by name)
      filter (where s3_data_read and is_logging = false and is_multi_region_trail) as stopped,
    -- a trail without its describe-trails entry may be multi-region: it cannot make the account fail
    string_agg(label, ', ' order by name)
      filter (where s3_data_read and is_logging is not false and is_multi_region_trail is null) as scope_unknown,
    string_agg(label || case when is_logging = false then ' (not logging)' else '' end, ', ' order by name)
      filter (where s3_data_read and not is_multi_region_trail) as regional,
    string_agg(label || ' (' || s3_data_read_filter || ')', ', ' order by name)
      filter (where s3_data_read_filter is not null) as filtered
  from cloudtrail_trail_coverage
  group by account_id
)
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case
    when t.recording is not null then 'ok'
    when t.unknown > 0 or t.status_unknown is not null or t.scope_unknown is not null then 'skip'
    else 'alarm'
  end as status,
  case
    when t.recording is not null then 'Trail ' || t.recording || ' records S3 object-level read events for all buckets.'
    when t.unknown > 0 then
      'The event selectors of ' || t.unknown || ' trail(s) were not collected (get-event-selectors), so S3 read events are unknown.'
    when t.scope_unknown is not null then
      'Trail ' || t.scope_unknown || ' records S3 object-level read events for all buckets, but its configuration '
        || 'was not collected (describe-trails), so whether it is multi-region is unknown.'
    when t.status_unknown is not null then
      'Trail ' || t.status_unknown || ' records S3 object-level read events for all buckets, but its status was not '
        || 'collected (get-trail-status), so whether it is logging is unknown.'
    when coalesce(t.trails, 0) = 0 then 'Account ' || a.account_id || ' has no CloudTrail trail, so no S3 object-level read events are recorded.'
    when t.stopped is not null then
      'Trail ' || t.stopped || ' would record S3 object-level read events for all buckets but is not logging; start logging.'
    when t.regional is not null then
      'Trail ' || t.regional || ' records S3 object-level read events only for the buckets of its region; make it '
        || 'multi-region' || case when t.regional like '%(not logging)%' then ' and start logging' else '' end || '.'
    when t.filtered is not null then
      'The S3 object-level data event selector of trail ' || t.filtered || ' filters on these fields, so it '
        || 'records only the read events they let through, not every read event of all buckets; remove the filter '
        || 'or add a selector for all read events.'
    else 'No trail of account ' || a.account_id || ' records S3 object-level read events for all buckets; add a data-event selector.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join trail as t on t.account_id = a.account_id
