/*
title: Server access logging is on for the S3 bucket CloudTrail writes to
description: >-
  Every bucket a trail of the account delivers its log files to records S3 server access logs to a target
  bucket (get-bucket-logging shows a LoggingEnabled target).
  Only the trail buckets' outputs are needed (not list-buckets): a trail bucket whose outputs are not loaded is
  skipped.
severity: medium
resource_type: AWS::S3::Bucket
rationale: >-
  Access logs of the trail bucket show who read, changed or deleted the audit record itself, which the trail
  does not record unless it logs S3 data events for that bucket.
remediation: >-
  Turn on server access logging for the bucket (put-bucket-logging) with a target bucket of its own, in the same
  region, that only the logging service may write to.
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
    when b.name is null or b.logging is null then 'skip'
    when b.logging ->> 'TargetBucket' is not null then 'ok'
    else 'alarm'
  end as status,
  case
    when b.name is null then
      'Bucket ' || t.bucket || ' of trail ' || t.trails || ' is not in this account''s data (another account''s '
        || 'bucket, or not listed); judge it where it belongs.'
    when b.logging is null then 'The logging of bucket ' || t.bucket || ' was not collected (get-bucket-logging).'
    when b.logging ->> 'TargetBucket' is not null then
      'Bucket ' || t.bucket || ' of trail ' || t.trails || ' logs its server access to bucket '
        || (b.logging ->> 'TargetBucket') || '.'
    else 'Bucket ' || t.bucket || ' of trail ' || t.trails || ' has no server access logging.'
  end as reason,
  t.account_id,
  coalesce(b.region, 'global') as region,
  t.trails
from trail_bucket as t
  left join aws_s3_bucket as b on b.name = t.bucket
