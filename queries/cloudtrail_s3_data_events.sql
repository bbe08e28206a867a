/*
title: CloudTrail records S3 object-level events
description: >-
  At least one logging trail of the account records S3 object-level data events (read and write) for all
  buckets, through basic or advanced event selectors.
severity: low
resource_type: AWS::::Account
rationale: >-
  Management events do not show who read or changed objects; without data events, data theft from S3 leaves
  no trace in CloudTrail.
remediation: >-
  Add a data-event selector for AWS::S3::Object on all buckets (read and write) to a multi-region trail, or to
  the buckets that hold sensitive data if the cost is a concern.
tables: [iamsql_account, cloudtrail_trail_coverage]
requires: [aws_cloudtrail_trail]
*/
with trail as (
  select account_id,
    count(*) as trails,
    count(*) filter (where not selectors_known) as unknown,
    string_agg(name, ', ' order by name) filter (where s3_data_read and s3_data_write and is_logging is not false) as both_ways,
    string_agg(name, ', ' order by name) filter (where (s3_data_read or s3_data_write) and is_logging is not false) as one_way
  from cloudtrail_trail_coverage
  group by account_id
)
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case
    when t.both_ways is not null then 'ok'
    when t.unknown > 0 and t.one_way is null then 'skip'
    else 'alarm'
  end as status,
  case
    when t.both_ways is not null then 'Trail ' || t.both_ways || ' records S3 object-level read and write events for all buckets.'
    when t.unknown > 0 and t.one_way is null then
      'The event selectors of ' || t.unknown || ' trail(s) were not collected (get-event-selectors), so S3 data events are unknown.'
    when t.one_way is not null then
      'Trail ' || t.one_way || ' records S3 object-level events in one direction only; record both read and write.'
    when coalesce(t.trails, 0) = 0 then 'Account ' || a.account_id || ' has no CloudTrail trail, so no S3 data events are recorded.'
    else 'No trail of account ' || a.account_id || ' records S3 object-level events for all buckets; add a data-event selector.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join trail as t on t.account_id = a.account_id
