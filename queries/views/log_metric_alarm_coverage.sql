/*
Whether the events of each monitored pattern reach a person, per account: a multi-region trail that is logging
and records every management event, read and write (cloudtrail_trail_coverage), sends its events to a CloudWatch
Logs log group, a metric filter on that log group matches at least the pattern's
events, a metric alarm watches the filter's metric, the alarm notifies an SNS topic, and the topic has a confirmed
subscription (one whose SubscriptionArn is an ARN, not PendingConfirmation or Deleted). One row per loaded account
and pattern.

Columns: account_id, partition, pattern, label, status (ok, alarm, skip), reason, trail, metric_filter, alarm,
topic. The best chain of the account is reported (ok, then unknown, then the one that gets furthest).

A metric filter matches at least a pattern's events when each alternative of the pattern (its
filter_pattern_alternatives, the pattern in disjunctive normal form) holds every condition of some alternative of
the filter: broader filters count, narrower ones do not, and the wording of the pattern does not matter. The
patterns (their alternatives below were read from these texts by iamsql.loaders.filter_pattern):
- unauthorized_api_calls: `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`; or, the benchmark's two exclusions (noise from the log delivery service and HeadBucket) meant for both error codes, as Prowler and Steampipe read it, `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`
- console_signin_without_mfa: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`; or `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`
- root_usage: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`
- iam_policy_changes: `{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }`; or `{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }`
- cloudtrail_changes: `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`
- console_authentication_failures: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`
- kms_key_disable_or_deletion: `{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }`
- s3_bucket_policy_changes: `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`
- config_changes: `{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }`
- security_group_changes: `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }`
- nacl_changes: `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`
- network_gateway_changes: `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`
- route_table_changes: `{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }`
- vpc_changes: `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`
- organizations_changes: `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }`

Each pattern whose event names only one service emits also counts with that service's event source required in
every alternative (`$.eventSource = cloudtrail.amazonaws.com` for cloudtrail_changes, `signin.amazonaws.com` for
the two console patterns, `ec2.amazonaws.com` for security_group_changes, nacl_changes, network_gateway_changes and
vpc_changes): such a filter matches the same events.

Unknown is skip: the trail's logging status or event selectors not collected, a log group or SNS topic in another
account (its filters or subscriptions are not in this account's data).
*/
with pattern_variant (pattern, label, variant, alternatives) as (
  values
    ('unauthorized_api_calls', 'unauthorized API calls', 1, '[["$.errorCode = *UnauthorizedOperation"], ["$.errorCode = AccessDenied*", "$.eventName != HeadBucket", "$.sourceIPAddress != delivery.logs.amazonaws.com"]]'),
    ('unauthorized_api_calls', 'unauthorized API calls', 2, '[["$.errorCode = *UnauthorizedOperation", "$.eventName != HeadBucket", "$.sourceIPAddress != delivery.logs.amazonaws.com"], ["$.errorCode = AccessDenied*", "$.eventName != HeadBucket", "$.sourceIPAddress != delivery.logs.amazonaws.com"]]'),
    ('console_signin_without_mfa', 'console sign-in without MFA', 1, '[["$.additionalEventData.MFAUsed != Yes", "$.eventName = ConsoleLogin"]]'),
    ('console_signin_without_mfa', 'console sign-in without MFA', 2, '[["$.additionalEventData.MFAUsed != Yes", "$.eventName = ConsoleLogin", "$.responseElements.ConsoleLogin = Success", "$.userIdentity.type = IAMUser"]]'),
    ('console_signin_without_mfa', 'console sign-in without MFA', 3, '[["$.additionalEventData.MFAUsed != Yes", "$.eventName = ConsoleLogin", "$.eventSource = signin.amazonaws.com"]]'),
    ('console_signin_without_mfa', 'console sign-in without MFA', 4, '[["$.additionalEventData.MFAUsed != Yes", "$.eventName = ConsoleLogin", "$.eventSource = signin.amazonaws.com", "$.responseElements.ConsoleLogin = Success", "$.userIdentity.type = IAMUser"]]'),
    ('root_usage', 'use of the root user', 1, '[["$.eventType != AwsServiceEvent", "$.userIdentity.invokedBy NOT EXISTS", "$.userIdentity.type = Root"]]'),
    ('iam_policy_changes', 'IAM policy changes', 1, '[["$.eventName = AttachGroupPolicy"], ["$.eventName = AttachRolePolicy"], ["$.eventName = AttachUserPolicy"], ["$.eventName = CreatePolicy"], ["$.eventName = CreatePolicyVersion"], ["$.eventName = DeleteGroupPolicy"], ["$.eventName = DeletePolicy"], ["$.eventName = DeletePolicyVersion"], ["$.eventName = DeleteRolePolicy"], ["$.eventName = DeleteUserPolicy"], ["$.eventName = DetachGroupPolicy"], ["$.eventName = DetachRolePolicy"], ["$.eventName = DetachUserPolicy"], ["$.eventName = PutGroupPolicy"], ["$.eventName = PutRolePolicy"], ["$.eventName = PutUserPolicy"]]'),
    ('iam_policy_changes', 'IAM policy changes', 2, '[["$.eventName = AttachGroupPolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = AttachRolePolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = AttachUserPolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = CreatePolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = CreatePolicyVersion", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DeleteGroupPolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DeletePolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DeletePolicyVersion", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DeleteRolePolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DeleteUserPolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DetachGroupPolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DetachRolePolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = DetachUserPolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = PutGroupPolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = PutRolePolicy", "$.eventSource = iam.amazonaws.com"], ["$.eventName = PutUserPolicy", "$.eventSource = iam.amazonaws.com"]]'),
    ('cloudtrail_changes', 'CloudTrail configuration changes', 1, '[["$.eventName = CreateTrail"], ["$.eventName = DeleteTrail"], ["$.eventName = StartLogging"], ["$.eventName = StopLogging"], ["$.eventName = UpdateTrail"]]'),
    ('cloudtrail_changes', 'CloudTrail configuration changes', 2, '[["$.eventName = CreateTrail", "$.eventSource = cloudtrail.amazonaws.com"], ["$.eventName = DeleteTrail", "$.eventSource = cloudtrail.amazonaws.com"], ["$.eventName = StartLogging", "$.eventSource = cloudtrail.amazonaws.com"], ["$.eventName = StopLogging", "$.eventSource = cloudtrail.amazonaws.com"], ["$.eventName = UpdateTrail", "$.eventSource = cloudtrail.amazonaws.com"]]'),
    ('console_authentication_failures', 'console authentication failures', 1, '[["$.errorMessage = Failed authentication", "$.eventName = ConsoleLogin"]]'),
    ('console_authentication_failures', 'console authentication failures', 2, '[["$.errorMessage = Failed authentication", "$.eventName = ConsoleLogin", "$.eventSource = signin.amazonaws.com"]]'),
    ('kms_key_disable_or_deletion', 'disabling or scheduled deletion of KMS keys', 1, '[["$.eventName = DisableKey", "$.eventSource = kms.amazonaws.com"], ["$.eventName = ScheduleKeyDeletion", "$.eventSource = kms.amazonaws.com"]]'),
    ('s3_bucket_policy_changes', 'S3 bucket policy changes', 1, '[["$.eventName = DeleteBucketCors", "$.eventSource = s3.amazonaws.com"], ["$.eventName = DeleteBucketLifecycle", "$.eventSource = s3.amazonaws.com"], ["$.eventName = DeleteBucketPolicy", "$.eventSource = s3.amazonaws.com"], ["$.eventName = DeleteBucketReplication", "$.eventSource = s3.amazonaws.com"], ["$.eventName = PutBucketAcl", "$.eventSource = s3.amazonaws.com"], ["$.eventName = PutBucketCors", "$.eventSource = s3.amazonaws.com"], ["$.eventName = PutBucketLifecycle", "$.eventSource = s3.amazonaws.com"], ["$.eventName = PutBucketPolicy", "$.eventSource = s3.amazonaws.com"], ["$.eventName = PutBucketReplication", "$.eventSource = s3.amazonaws.com"]]'),
    ('config_changes', 'AWS Config configuration changes', 1, '[["$.eventName = DeleteDeliveryChannel", "$.eventSource = config.amazonaws.com"], ["$.eventName = PutConfigurationRecorder", "$.eventSource = config.amazonaws.com"], ["$.eventName = PutDeliveryChannel", "$.eventSource = config.amazonaws.com"], ["$.eventName = StopConfigurationRecorder", "$.eventSource = config.amazonaws.com"]]'),
    ('security_group_changes', 'security group changes', 1, '[["$.eventName = AuthorizeSecurityGroupEgress"], ["$.eventName = AuthorizeSecurityGroupIngress"], ["$.eventName = CreateSecurityGroup"], ["$.eventName = DeleteSecurityGroup"], ["$.eventName = RevokeSecurityGroupEgress"], ["$.eventName = RevokeSecurityGroupIngress"]]'),
    ('security_group_changes', 'security group changes', 2, '[["$.eventName = AuthorizeSecurityGroupEgress", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = AuthorizeSecurityGroupIngress", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = CreateSecurityGroup", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteSecurityGroup", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = RevokeSecurityGroupEgress", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = RevokeSecurityGroupIngress", "$.eventSource = ec2.amazonaws.com"]]'),
    ('nacl_changes', 'network ACL changes', 1, '[["$.eventName = CreateNetworkAcl"], ["$.eventName = CreateNetworkAclEntry"], ["$.eventName = DeleteNetworkAcl"], ["$.eventName = DeleteNetworkAclEntry"], ["$.eventName = ReplaceNetworkAclAssociation"], ["$.eventName = ReplaceNetworkAclEntry"]]'),
    ('nacl_changes', 'network ACL changes', 2, '[["$.eventName = CreateNetworkAcl", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = CreateNetworkAclEntry", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteNetworkAcl", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteNetworkAclEntry", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = ReplaceNetworkAclAssociation", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = ReplaceNetworkAclEntry", "$.eventSource = ec2.amazonaws.com"]]'),
    ('network_gateway_changes', 'network gateway changes', 1, '[["$.eventName = AttachInternetGateway"], ["$.eventName = CreateCustomerGateway"], ["$.eventName = CreateInternetGateway"], ["$.eventName = DeleteCustomerGateway"], ["$.eventName = DeleteInternetGateway"], ["$.eventName = DetachInternetGateway"]]'),
    ('network_gateway_changes', 'network gateway changes', 2, '[["$.eventName = AttachInternetGateway", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = CreateCustomerGateway", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = CreateInternetGateway", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteCustomerGateway", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteInternetGateway", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DetachInternetGateway", "$.eventSource = ec2.amazonaws.com"]]'),
    ('route_table_changes', 'route table changes', 1, '[["$.eventName = CreateRoute", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = CreateRouteTable", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteRoute", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteRouteTable", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DisassociateRouteTable", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = ReplaceRoute", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = ReplaceRouteTableAssociation", "$.eventSource = ec2.amazonaws.com"]]'),
    ('vpc_changes', 'VPC changes', 1, '[["$.eventName = AcceptVpcPeeringConnection"], ["$.eventName = AttachClassicLinkVpc"], ["$.eventName = CreateVpc"], ["$.eventName = CreateVpcPeeringConnection"], ["$.eventName = DeleteVpc"], ["$.eventName = DeleteVpcPeeringConnection"], ["$.eventName = DetachClassicLinkVpc"], ["$.eventName = DisableVpcClassicLink"], ["$.eventName = EnableVpcClassicLink"], ["$.eventName = ModifyVpcAttribute"], ["$.eventName = RejectVpcPeeringConnection"]]'),
    ('vpc_changes', 'VPC changes', 2, '[["$.eventName = AcceptVpcPeeringConnection", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = AttachClassicLinkVpc", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = CreateVpc", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = CreateVpcPeeringConnection", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteVpc", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DeleteVpcPeeringConnection", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DetachClassicLinkVpc", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = DisableVpcClassicLink", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = EnableVpcClassicLink", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = ModifyVpcAttribute", "$.eventSource = ec2.amazonaws.com"], ["$.eventName = RejectVpcPeeringConnection", "$.eventSource = ec2.amazonaws.com"]]'),
    ('organizations_changes', 'AWS Organizations changes', 1, '[["$.eventName = AcceptHandshake", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = AttachPolicy", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = CreateAccount", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = CreateOrganizationalUnit", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = CreatePolicy", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = DeclineHandshake", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = DeleteOrganization", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = DeleteOrganizationalUnit", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = DeletePolicy", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = DetachPolicy", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = DisablePolicyType", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = EnablePolicyType", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = InviteAccountToOrganization", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = LeaveOrganization", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = MoveAccount", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = RemoveAccountFromOrganization", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = UpdateOrganizationalUnit", "$.eventSource = organizations.amazonaws.com"], ["$.eventName = UpdatePolicy", "$.eventSource = organizations.amazonaws.com"]]')
),
pattern as (
  select distinct pattern, label from pattern_variant
),
required as (
  select v.pattern, v.variant, a as conditions
  from pattern_variant as v, jsonb_array_elements(v.alternatives::jsonb) as a
),
filter_alternative as (
  select f.region, f.log_group_name, f.name, f.metric_transformation_name, f.metric_transformation_namespace,
    fa as conditions
  from aws_cloudwatch_log_metric_filter as f, jsonb_array_elements(f.filter_pattern_alternatives) as fa
  where jsonb_typeof(f.filter_pattern_alternatives) = 'array'
),
required_count as (
  select pattern, variant, count(*) as alternatives from required group by pattern, variant
),
implied as (
  select r.pattern, r.variant, fa.region, fa.log_group_name, fa.name, fa.metric_transformation_name,
    fa.metric_transformation_namespace, count(distinct r.conditions::text) as alternatives
  from required as r
    join filter_alternative as fa on r.conditions @> fa.conditions
  group by r.pattern, r.variant, fa.region, fa.log_group_name, fa.name, fa.metric_transformation_name,
    fa.metric_transformation_namespace
),
filter_cover as (
  select distinct i.pattern, i.region, i.log_group_name, i.name, i.metric_transformation_name,
    i.metric_transformation_namespace
  from implied as i
    join required_count as c on c.pattern = i.pattern and c.variant = i.variant and c.alternatives = i.alternatives
),
trail as (
  -- a metric filter sees only what the trail records: every management event, read and write, is needed
  select t.account_id, t.name, t.is_logging, coalesce(c.selectors_known, false) as selectors_known,
    coalesce(c.management_read and c.management_write, false) as all_management,
    split_part(t.log_group_arn, ':', 4) as log_region,
    split_part(t.log_group_arn, ':', 5) as log_account,
    split_part(t.log_group_arn, ':', 7) as log_group
  from cloudtrail_trail_home as t
    left join cloudtrail_trail_coverage as c on c.arn = t.arn and c.account_id = t.account_id
  where t.is_multi_region_trail and t.log_group_arn is not null
),
alarm_topic as (
  select al.arn, x as topic
  from aws_cloudwatch_alarm as al, jsonb_array_elements_text(al.alarm_actions) as x
  where x like 'arn:%:sns:%' and al.actions_enabled is not false
),
topic_confirmed as (
  -- a confirmed subscription has an ARN: list-subscriptions gives PendingConfirmation until the endpoint confirms
  -- and Deleted for one being removed, in place of the ARN
  select topic_arn, count(*) as confirmed
  from aws_sns_topic_subscription
  where pending_confirmation is false and subscription_arn like 'arn:%'
  group by topic_arn
),
chain as (
  select t.account_id, p.pattern, t.name as trail, t.is_logging, t.selectors_known, t.all_management, t.log_account,
    t.log_group,
    fc.name as metric_filter, al.name as alarm, al.actions_enabled, at.topic, coalesce(tc.confirmed, 0) as confirmed
  from trail as t
    cross join pattern as p
    left join filter_cover as fc
      on fc.pattern = p.pattern and fc.region = t.log_region and fc.log_group_name = t.log_group
    left join aws_cloudwatch_alarm as al
      on al.metric_name = fc.metric_transformation_name and al.namespace = fc.metric_transformation_namespace
        and al.region = fc.region
    left join alarm_topic as at on at.arn = al.arn
    left join topic_confirmed as tc on tc.topic_arn = at.topic
),
judged as (
  select c.*,
    case
      when c.log_account <> c.account_id then 'skip'
      when c.is_logging is false then 'alarm'
      when c.selectors_known and not c.all_management then 'alarm'
      when c.metric_filter is null or c.alarm is null or c.topic is null then
        case when c.is_logging is null or not c.selectors_known then 'skip' else 'alarm' end
      when split_part(c.topic, ':', 5) <> c.account_id then 'skip'
      when c.confirmed = 0 then case when c.is_logging is null or not c.selectors_known then 'skip' else 'alarm' end
      when c.is_logging is null or not c.selectors_known then 'skip'
      else 'ok'
    end as status,
    (case when c.metric_filter is not null then 1 else 0 end + case when c.alarm is not null then 1 else 0 end
      + case when c.topic is not null then 1 else 0 end + case when c.confirmed > 0 then 1 else 0 end) as depth
  from chain as c
),
best as (
  select distinct on (account_id, pattern) *
  from judged
  order by account_id, pattern, case status when 'ok' then 0 when 'skip' then 1 else 2 end, depth desc, trail,
    metric_filter, alarm, topic
)
select a.account_id, a.partition, p.pattern, p.label,
  coalesce(b.status, 'alarm') as status,
  case
    when b.trail is null then
      'No multi-region trail of account ' || a.account_id || ' sends its events to CloudWatch Logs, so '
        || p.label || ' cannot be monitored there.'
    when b.log_account <> b.account_id then
      'Trail ' || b.trail || ' sends its events to log group ' || b.log_group || ' of account ' || b.log_account
        || ', whose metric filters are not in this account''s data; judge the monitoring there.'
    when b.is_logging is false then
      'Trail ' || b.trail || ' is not logging, so its log group receives no ' || p.label || '.'
    when b.selectors_known and not b.all_management then
      'Trail ' || b.trail || ' does not record every management event (read and write), so its log group can miss '
        || p.label || '; select all management events on it.'
    when b.metric_filter is null then
      'No metric filter on log group ' || b.log_group || ' of trail ' || b.trail || ' matches ' || p.label
        || '; add one with the pattern of the requirement.'
    when b.alarm is null then
      'Metric filter ' || b.metric_filter || ' matches ' || p.label
        || ' but no CloudWatch alarm watches its metric; create one.'
    when b.topic is null then
      'Alarm ' || b.alarm || ' watches metric filter ' || b.metric_filter || ' but '
        || case when b.actions_enabled is false then 'its actions are disabled'
                else 'notifies no SNS topic' end || '; nobody is told.'
    when split_part(b.topic, ':', 5) <> b.account_id then
      'Alarm ' || b.alarm || ' notifies SNS topic ' || b.topic
        || ' of another account, whose subscriptions are not in this account''s data.'
    when b.confirmed = 0 then
      'Alarm ' || b.alarm || ' notifies SNS topic ' || b.topic || ', which has no confirmed subscription; nobody is told.'
    when b.is_logging is null then
      'The status of trail ' || b.trail || ' was not collected (get-trail-status), so whether it logs is unknown.'
    when not b.selectors_known then
      'The event selectors of trail ' || b.trail || ' were not collected (get-event-selectors), so whether its log '
        || 'group receives ' || p.label || ' is unknown.'
    else
      'Metric filter ' || b.metric_filter || ' on log group ' || b.log_group || ' matches ' || p.label
        || '; alarm ' || b.alarm || ' notifies ' || b.topic || ' (' || b.confirmed || ' confirmed subscription(s)).'
  end as reason,
  b.trail, b.metric_filter, b.alarm, b.topic
from iamsql_account as a
  cross join pattern as p
  left join best as b on b.account_id = a.account_id and b.pattern = p.pattern
