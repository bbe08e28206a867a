/*
title: Users belong to a group
description: Every IAM user is a member of at least one IAM group. A user that only list-mfa-devices or list-user-tags names (they give no path, so no ARN) is skipped, naming it.
severity: low
resource_type: AWS::IAM::User
rationale: Users should receive permissions through groups that match their job; a user in no group either has permissions attached directly or none at all and may be a leftover.
remediation: Add the user to the group for their role and move any directly attached permissions there, or delete the user if it is no longer needed.
tables: [aws_iam_user, iam_principal_data, iam_user_without_arn]
*/
select
  u.arn as resource,
  case
    when not d.groups_known then 'skip'
    when coalesce(jsonb_array_length(u.groups), 0) = 0 then 'alarm'
    else 'ok'
  end as status,
  u.name || case
    when not d.groups_known then ' was loaded without its group memberships (from a user listing); load get-account-authorization-details to evaluate it.'
    when coalesce(jsonb_array_length(u.groups), 0) = 0 then ' is not in any IAM group.'
    else ' is in ' || jsonb_array_length(u.groups) || ' group(s).'
  end as reason,
  u.account_id,
  u.region
from aws_iam_user as u
  join iam_principal_data as d on d.arn = u.arn and d.name = u.name and d.principal_type = 'user' and d.account_id = u.account_id
union all
-- a user that only list-mfa-devices or list-user-tags names has no ARN: a skip naming it (iam_user_without_arn)
select w.resource, 'skip', w.name || w.reason, w.account_id, 'global'
from iam_user_without_arn as w
