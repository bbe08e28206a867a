/*
title: A multi-region CloudTrail trail records all management events
description: >-
  The account has at least one multi-region trail (its own or its organization's) that is logging and
  records management events, read and write, of every event source (a trail excluding KMS or RDS Data API
  management events does not count). Shadow copies of a trail in other regions are counted once.
severity: high
resource_type: AWS::::Account
rationale: >-
  Without a logging multi-region trail, API activity in unused regions, and the history needed to
  investigate an incident, is lost after CloudTrail's 90-day event history.
remediation: >-
  Create a multi-region trail (or an organization trail) that logs all management events, read and write,
  to a protected S3 bucket, and start logging on it.
tables: [iamsql_account, cloudtrail_trail_coverage, aws_cloudtrail_trail]
requires: [aws_cloudtrail_trail]
*/
with trail as (
  select account_id,
    count(*) as trails,
    count(*) filter (where is_multi_region_trail) as multi_region,
    count(*) filter (where is_multi_region_trail and is_logging) as multi_region_logging,
    count(*) filter (where is_multi_region_trail and is_logging and management_read and management_write) as complete,
    count(*) filter (where is_multi_region_trail and is_logging is null) as status_unknown,
    -- a trail without its describe-trails entry may be multi-region: it can make the account pass unless it is
    -- known not to log or not to record every management event
    string_agg(label, ', ' order by name) filter (where is_multi_region_trail is null and is_logging is not false
      and management_read is not false and management_write is not false) as scope_unknown,
    count(*) filter (where is_multi_region_trail and is_logging and not selectors_known) as selectors_unknown,
    string_agg(label, ', ' order by name) filter (where is_multi_region_trail and is_logging
      and management_read and management_write) as complete_names,
    string_agg(label, ', ' order by name) filter (where is_multi_region_trail and is_logging) as logging_names,
    string_agg(label || ' (' || management_excluded || ')', ', ' order by name)
      filter (where is_multi_region_trail and is_logging and management_excluded is not null) as excluding
  from cloudtrail_trail_coverage
  group by account_id
)
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case
    when t.complete > 0 then 'ok'
    when t.scope_unknown is not null then 'skip'
    when coalesce(t.multi_region, 0) = 0 then 'alarm'
    when t.multi_region_logging = 0 and t.status_unknown > 0 then 'skip'
    when t.multi_region_logging > 0 and t.selectors_unknown = t.multi_region_logging then 'skip'
    else 'alarm'
  end as status,
  case
    when t.complete > 0 then
      'Multi-region trail ' || t.complete_names || ' is logging all management events, read and write.'
    when t.scope_unknown is not null then
      'The configuration of trail ' || t.scope_unknown || ' was not collected (describe-trails), so whether it is '
        || 'multi-region is unknown.'
    when coalesce(t.trails, 0) = 0 then
      'Account ' || a.account_id || ' has no CloudTrail trail; create a multi-region trail.'
    when t.multi_region = 0 then
      'Account ' || a.account_id || ' has ' || t.trails || ' trail(s) but none is multi-region; make one multi-region.'
    when t.multi_region_logging = 0 and t.status_unknown > 0 then
      'The trail status was not collected (get-trail-status), so whether the multi-region trail logs is unknown.'
    when t.multi_region_logging = 0 then
      'No multi-region trail of account ' || a.account_id || ' is logging; start logging on it.'
    when t.selectors_unknown = t.multi_region_logging then
      'The event selectors were not collected (get-event-selectors), so what the multi-region trail records is unknown.'
    when t.excluding is not null then
      'The multi-region trail ' || t.excluding || ' excludes the management events of these sources, so no trail of account '
        || a.account_id || ' records every management event; remove the exclusion.'
    else
      'The logging multi-region trail(s) ' || t.logging_names || ' of account ' || a.account_id
        || ' do not record both read and write management events; set their event selectors to all management events.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join trail as t on t.account_id = a.account_id
