/*
title: CloudTrail logs are encrypted with a KMS key
description: >-
  Every trail encrypts its log files with a customer-managed KMS key (SSE-KMS). describe-trails gives KmsKeyId
  only for a trail that has one; a trail known only from other outputs (get-trail-status, selectors), without the
  S3BucketName every described trail has, is skipped: its key is not known.
  An organization trail seen from a member account is named as the organization's; it is info there when the
  management account's data is loaded, where it is judged.
severity: medium
resource_type: AWS::CloudTrail::Trail
rationale: >-
  With SSE-KMS, reading the logs needs kms:Decrypt on the key as well as S3 access, which separates who may
  read audit logs from who may read the bucket.
remediation: Create a KMS key whose policy lets CloudTrail encrypt, and set it on the trail (update-trail --kms-key-id).
tables: [cloudtrail_trail_home]
requires: [aws_cloudtrail_trail]
*/
select
  arn as resource,
  case
    when judged_account_id <> account_id then 'info'
    when kms_key_id is not null then 'ok'
    when s3_bucket_name is null then 'skip'
    else 'alarm'
  end as status,
  reason_prefix || case
    when kms_key_id is not null then 'Trail ' || name || ' encrypts its logs with KMS key ' || kms_key_id || '.'
    when s3_bucket_name is null then 'The configuration of trail ' || name || ' (describe-trails) is not loaded, '
      || 'so whether it encrypts its logs with a KMS key is not known.'
    else 'Trail ' || name || ' does not encrypt its logs with a KMS key; set a customer-managed key on it.'
  end as reason,
  account_id,
  coalesce(home_region, region) as region
from cloudtrail_trail_home
