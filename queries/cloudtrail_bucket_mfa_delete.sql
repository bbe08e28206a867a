/*
title: MFA delete is on for the S3 bucket CloudTrail writes to
description: >-
  Every bucket a trail of the account delivers its log files to has versioning with MFA delete enabled
  (get-bucket-versioning shows MFADelete Enabled), so deleting a version of a log file or suspending versioning
  needs the bucket owner's root credentials and an MFA code. A bucket whose versioning was not collected, or that is
  not in the account's data (a central logging account's bucket), is skipped.
  Only the trail buckets' outputs are needed (not list-buckets): a trail bucket whose outputs are not loaded is
  skipped.
severity: medium
resource_type: AWS::S3::Bucket
rationale: >-
  An identity that may write to or delete from the trail bucket could otherwise remove the record of what it did;
  with versioning and MFA delete, older versions of the log files stay unless the root user deletes them with MFA.
remediation: >-
  As the bucket owner's root user with its MFA device, enable versioning with MFA delete (aws s3api
  put-bucket-versioning --bucket <bucket> --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa
  '<device serial> <code>'); S3 Object Lock on the bucket is an alternative that does not need the root user.
tables: [cloudtrail_trail_home, aws_s3_bucket]
requires: [aws_cloudtrail_trail]
*/
with trail_bucket as (
  select account_id, max(partition) as partition, s3_bucket_name as bucket, string_agg(name, ', ' order by name) as trails
  from cloudtrail_trail_home
  where s3_bucket_name is not null
  group by account_id, s3_bucket_name
)
select
  coalesce(b.arn, 'arn:' || coalesce(t.partition, 'aws') || ':s3:::' || t.bucket) as resource,
  case
    when b.name is null or b.versioning_mfa_delete is null then 'skip'
    when b.versioning_mfa_delete then 'ok'
    else 'alarm'
  end as status,
  case
    when b.name is null then
      'Bucket ' || t.bucket || ' of trail ' || t.trails || ' is not in this account''s data (another account''s '
        || 'bucket, or not listed); judge it where it belongs.'
    when b.versioning_mfa_delete is null then
      'The versioning of bucket ' || t.bucket || ' was not collected (get-bucket-versioning).'
    when b.versioning_mfa_delete then 'Bucket ' || t.bucket || ' of trail ' || t.trails || ' has MFA delete enabled.'
    when b.versioning_enabled then 'Bucket ' || t.bucket || ' of trail ' || t.trails
      || ' is versioned without MFA delete; enable MFA delete.'
    else 'Bucket ' || t.bucket || ' of trail ' || t.trails || ' is not versioned and has no MFA delete; enable both.'
  end as reason,
  t.account_id,
  coalesce(b.region, 'global') as region,
  t.trails
from trail_bucket as t
  left join aws_s3_bucket as b on b.name = t.bucket
