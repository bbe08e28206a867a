/*
title: CloudTrail Insights is enabled on every trail
description: >-
  Every trail has CloudTrail Insights selectors (describe-trails HasInsightSelectors; the types, ApiCallRateInsight
  and ApiErrorRateInsight, from get-insight-selectors when it is loaded), so unusual rates of write API calls or
  API errors in the account are recorded as Insights events. A trail whose HasInsightSelectors was not loaded
  (a trail known only from its get-trail-status or get-event-selectors output) is skipped. An organization trail seen from a member account is named as the organization's;
  it is info there when the management account's data is loaded, where it is judged.
severity: low
resource_type: AWS::CloudTrail::Trail
rationale: >-
  Insights compares the account's API call and error rates with their baseline and records a burst (a script
  deleting resources, a credential enumerating the account, a failing deployment) as an event to alert on; without
  it such bursts are in the log only for someone who already looks.
remediation: >-
  Enable Insights on the trail that logs management events (aws cloudtrail put-insight-selectors --trail-name
  <trail> --insight-selectors '[{"InsightType":"ApiCallRateInsight"},{"InsightType":"ApiErrorRateInsight"}]');
  Insights events are charged per 100,000 write management events analyzed.
tables: [cloudtrail_trail_home]
requires: [aws_cloudtrail_trail]
*/
with trail as (
  select *, coalesce(name, arn) as label,
    (select string_agg(s ->> 'InsightType', ' and ' order by s ->> 'InsightType')
       from jsonb_array_elements(insight_selectors) as s) as insight_types
  from cloudtrail_trail_home
)
select
  arn as resource,
  case
    when judged_account_id <> account_id then 'info'
    when not has_insight_selectors then 'alarm'
    when has_insight_selectors or insight_types is not null then 'ok'
    else 'skip'
  end as status,
  reason_prefix || case
    when not has_insight_selectors then
      'Trail ' || label || ' has no CloudTrail Insights selectors; enable Insights to record unusual API call and error rates.'
    when has_insight_selectors or insight_types is not null then 'Trail ' || label || ' has CloudTrail Insights enabled'
      || coalesce(' (' || insight_types || ').', '.')
    else 'Whether trail ' || label || ' has Insights enabled is not known: no loaded output gives it (describe-trails'
      || ' HasInsightSelectors, which outputs from before CloudTrail Insights leave out, or get-insight-selectors).'
  end as reason,
  account_id,
  coalesce(home_region, region) as region
from trail
