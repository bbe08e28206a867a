/*
title: CloudTrail log file validation is enabled
description: >-
  Every trail has log file integrity validation enabled, so changes to delivered log files can be detected.
  An organization trail seen from a member account is named as the organization's; it is info there when the
  management account's data is loaded, where it is judged.
severity: medium
resource_type: AWS::CloudTrail::Trail
rationale: >-
  Digest files signed by CloudTrail prove that log files were not changed or deleted after delivery, which
  auditors and investigators rely on.
remediation: Enable log file validation (aws cloudtrail update-trail --name <trail> --enable-log-file-validation).
tables: [aws_cloudtrail_trail, iamsql_organization_trail]
*/
with judged as (
  select
    arn as resource,
    case when log_file_validation_enabled is null then 'skip' when log_file_validation_enabled then 'ok' else 'alarm' end
      as status,
    case
      when log_file_validation_enabled is null then 'Whether trail ' || name || ' validates log files is not known.'
      when log_file_validation_enabled then 'Trail ' || name || ' has log file validation enabled.'
      else 'Trail ' || name || ' does not validate its log files; enable log file validation.'
    end as reason,
    account_id,
    coalesce(home_region, region) as region,
    name,
    is_organization_trail
  from aws_cloudtrail_trail
  where home_region is null or region is null or region = home_region
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
