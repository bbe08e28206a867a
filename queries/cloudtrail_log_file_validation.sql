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
tables: [cloudtrail_trail_home]
requires: [aws_cloudtrail_trail]
*/
select
  arn as resource,
  case
    when judged_account_id <> account_id then 'info'
    when log_file_validation_enabled is null then 'skip'
    when log_file_validation_enabled then 'ok'
    else 'alarm'
  end as status,
  reason_prefix || case
    when log_file_validation_enabled is null then 'Whether trail ' || name || ' validates log files is not known.'
    when log_file_validation_enabled then 'Trail ' || name || ' has log file validation enabled.'
    else 'Trail ' || name || ' does not validate its log files; enable log file validation.'
  end as reason,
  account_id,
  coalesce(home_region, region) as region
from cloudtrail_trail_home
