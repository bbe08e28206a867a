/*
title: CloudTrail trails record read and write management events
description: >-
  Every trail records management events of both kinds, read (Get/List/Describe) and write, through basic
  event selectors (ReadWriteType All) or advanced event selectors (eventCategory Management, no readOnly filter),
  from every event source: a selector that excludes sources (ExcludeManagementEventSources, or an advanced
  eventSource filter such as NotEquals kms.amazonaws.com) misses those services' events, as AWS Config's
  multi-region-cloudtrail-enabled rule also judges.
  An organization trail seen from a member account is named as the organization's; it is info there when the
  management account's data is loaded, where it is judged.
severity: medium
resource_type: AWS::CloudTrail::Trail
rationale: A trail that keeps only write events misses the reconnaissance (List*, Get*, Describe*) that precedes most attacks.
remediation: Set the trail's event selectors to all management events, read and write (put-event-selectors).
tables: [cloudtrail_trail_coverage, cloudtrail_trail_home]
requires: [aws_cloudtrail_trail]
*/
select
  c.arn as resource,
  case
    when t.judged_account_id <> t.account_id then 'info'
    when not c.selectors_known then 'skip'
    when c.management_read and c.management_write then 'ok'
    else 'alarm'
  end as status,
  t.reason_prefix || case
    when not c.selectors_known then 'The event selectors of trail ' || c.name || ' were not collected (get-event-selectors).'
    when c.management_read and c.management_write then 'Trail ' || c.name || ' records read and write management events.'
    when c.management_excluded is not null then 'Trail ' || c.name || ' excludes the management events of '
      || c.management_excluded || ', so it does not record every '
      || case when c.management_read then 'write' when c.management_write then 'read' else 'read and write' end
      || ' management event; remove the exclusion.'
    when c.management_write then 'Trail ' || c.name || ' records only write management events; include read events.'
    when c.management_read then 'Trail ' || c.name || ' records only read management events; include write events.'
    else 'Trail ' || c.name || ' records no management events; select all management events.'
  end as reason,
  c.account_id,
  c.region
from cloudtrail_trail_coverage as c
  join cloudtrail_trail_home as t on t.arn = c.arn and t.account_id = c.account_id
