/*
title: Users belong to a group
description: Every IAM user is a member of at least one IAM group.
severity: low
resource_type: AWS::IAM::User
rationale: Users should receive permissions through groups that match their job; a user in no group either has permissions attached directly or none at all and may be a leftover.
remediation: Add the user to the group for their role and move any directly attached permissions there, or delete the user if it is no longer needed.
tables: [aws_iam_user]
*/
select
  arn as resource,
  case when coalesce(jsonb_array_length(groups), 0) = 0 then 'alarm' else 'ok' end as status,
  name || case
    when coalesce(jsonb_array_length(groups), 0) = 0 then ' is not in any IAM group.'
    else ' is in ' || jsonb_array_length(groups) || ' group(s).'
  end as reason,
  account_id,
  region
from aws_iam_user
