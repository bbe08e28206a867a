/*
title: AWS Organizations changes are monitored
description: >-
  A multi-region trail that is logging and records every management event (read and write) sends the account's events to a CloudWatch Logs log group with a metric
  filter that matches at least AWS Organizations changes (compared by the events the filter pattern matches, not by its text), a
  CloudWatch alarm watches the filter's metric and notifies an SNS topic, and the topic has a confirmed
  subscription.
severity: medium
resource_type: AWS::::Account
rationale: >-
  Changes to accounts, organizational units and policies of the organization change the guardrails of every account. A filter and an alarm that notify nobody do not monitor anything.
remediation: >-
  On the log group of the multi-region trail, create a metric filter with the pattern
  { ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }
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
where pattern = 'organizations_changes'
