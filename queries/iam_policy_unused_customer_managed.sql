/*
title: Customer-managed policies are in use
description: >-
  Every customer-managed policy is attached to a user, group or role (attachment_count above 0) or used as a
  permissions boundary (permissions_boundary_usage_count above 0). A policy whose attachment count was not
  loaded is skipped, and so is one attached to nothing whose boundary use was not loaded (an output without
  PermissionsBoundaryUsageCount, as the AWS CLI's get-policy example): it may be a permissions boundary.
severity: low
resource_type: AWS::IAM::Policy
rationale: >-
  Unused policies clutter reviews and can be attached later without anyone re-reading what they grant; removing
  them keeps the set of policies one has to trust small.
remediation: Delete the policy (aws iam delete-policy, after deleting its non-default versions), or attach it where it is meant to be used.
tables: [aws_iam_policy]
*/
select
  arn as resource,
  case
    when attachment_count is null then 'skip'
    when attachment_count = 0 and permissions_boundary_usage_count is null then 'skip'
    when attachment_count = 0 and permissions_boundary_usage_count = 0 then 'alarm'
    else 'ok'
  end as status,
  'Policy ' || coalesce(name, arn) || case
    when attachment_count is null then ' was loaded without its attachment count.'
    when attachment_count = 0 and permissions_boundary_usage_count is null then
      ' is attached to no user, group or role, but was loaded without its PermissionsBoundaryUsageCount, so whether'
        || ' it is used as a permissions boundary is unknown.'
    when attachment_count = 0 and permissions_boundary_usage_count = 0 then
      ' is attached to no user, group or role and is no permissions boundary; delete it if nothing needs it.'
    when attachment_count = 0 then ' is used as a permissions boundary ' || permissions_boundary_usage_count || ' time(s).'
    else ' is attached ' || attachment_count || ' time(s).'
  end as reason,
  account_id,
  'global' as region
from aws_iam_policy
where not is_aws_managed
