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
tables: [cloudtrail_trail_coverage, iamsql_organization_trail]
requires: [aws_cloudtrail_trail]
*/
with judged as (
  select
    arn as resource,
    case
      when not selectors_known then 'skip'
      when management_read and management_write then 'ok'
      else 'alarm'
    end as status,
    case
      when not selectors_known then 'The event selectors of trail ' || name || ' were not collected (get-event-selectors).'
      when management_read and management_write then 'Trail ' || name || ' records read and write management events.'
      when management_excluded is not null then 'Trail ' || name || ' excludes the management events of '
        || management_excluded || ', so it does not record every '
        || case when management_read then 'write' when management_write then 'read' else 'read and write' end
        || ' management event; remove the exclusion.'
      when management_write then 'Trail ' || name || ' records only write management events; include read events.'
      when management_read then 'Trail ' || name || ' records only read management events; include write events.'
      else 'Trail ' || name || ' records no management events; select all management events.'
    end as reason,
    account_id,
    region,
    name,
    is_organization_trail
  from cloudtrail_trail_coverage
)
select
  j.resource,
  case when o.arn is not null then 'info' else j.status end as status,
  case
    when not j.is_organization_trail or split_part(j.resource, ':', 5) = j.account_id then j.reason
    when o.arn is not null then 'Organization trail ' || j.name || ' is managed in the management account '
      || split_part(j.resource, ':', 5) || ', whose data is loaded: it is judged there. ' || j.reason
    else 'Organization trail ' || j.name || ', managed in the management account ' || split_part(j.resource, ':', 5)
      || ': ' || j.reason
  end as reason,
  j.account_id,
  j.region
from judged as j
  left join iamsql_organization_trail as o on o.arn = j.resource and o.account_id <> j.account_id
