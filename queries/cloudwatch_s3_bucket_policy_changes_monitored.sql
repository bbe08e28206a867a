/*
title: S3 bucket policy changes are monitored
description: >-
  A multi-region trail that is logging and records every management event (read and write) sends the account's events to a CloudWatch Logs log group with a metric
  filter that matches at least S3 bucket policy changes (compared by the events the filter pattern matches, not by its text), a
  CloudWatch alarm watches the filter's metric and notifies an SNS topic, and the topic has a confirmed
  subscription.
severity: medium
resource_type: AWS::::Account
rationale: >-
  A changed bucket policy, ACL, CORS, lifecycle or replication rule can expose or remove data. A filter and an alarm that notify nobody do not monitor anything.
remediation: >-
  On the log group of the multi-region trail, create a metric filter with the pattern
  { ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }
  (or a broader one), a CloudWatch alarm on its metric (threshold 1) whose action is an SNS topic, and subscribe a
  monitored address or endpoint to the topic and confirm the subscription.
tables: [iamsql_account, log_metric_alarm_coverage, aws_cloudtrail_trail, aws_cloudwatch_log_metric_filter, aws_cloudwatch_alarm, aws_sns_topic_subscription]
*/
select
  'arn:' || partition || ':::' || account_id as resource,
  status,
  reason,
  account_id,
  'global' as region,
  trail,
  metric_filter,
  alarm,
  topic
from log_metric_alarm_coverage
where pattern = 's3_bucket_policy_changes'
