/*
title: No user quarantined by AWS for a leaked key
description: No IAM user has one of AWS's compromised-key quarantine policies (AWSCompromisedKeyQuarantine, V2 or V3) attached. AWS attaches them when it finds the user's access key exposed in public, for example in a public code repository. A user that only list-mfa-devices or list-user-tags names (they give no path, so no ARN) is skipped, naming it.
severity: critical
resource_type: AWS::IAM::User
rationale: The quarantine policy means AWS saw the user's secret key in public; it denies only some actions, so the key still works for others and whoever found it may already have used it.
remediation: >-
  Follow the AWS Support case: rotate and delete the exposed key, review CloudTrail for its use since exposure, remove anything the attacker created, and only then detach the quarantine policy.
tables: [aws_iam_user, iam_principal_data, iam_user_without_arn]
*/
with quarantined as (
  select u.arn, string_agg(regexp_replace(p, '^.*/', ''), ', ' order by p) as policies
  from aws_iam_user as u, jsonb_array_elements_text(u.attached_policy_arns) as p
  where p like 'arn:%:iam::aws:policy/AWSCompromisedKeyQuarantine%'
  group by u.arn
)
select
  u.arn as resource,
  case when not d.attached_known then 'skip' when q.arn is null then 'ok' else 'alarm' end as status,
  u.name || case
    when not d.attached_known then ' was loaded without its attached policies (from a user listing); load get-account-authorization-details to evaluate it.'
    when q.arn is null then ' has no compromised-key quarantine policy attached.'
    else ' has ' || q.policies || ' attached: AWS found this user''s access key exposed. Rotate the key and investigate its use.'
  end as reason,
  u.account_id,
  u.region
from aws_iam_user as u
  join iam_principal_data as d on d.arn = u.arn and d.name = u.name and d.principal_type = 'user' and d.account_id = u.account_id
  left join quarantined as q on q.arn = u.arn
union all
-- a user that only list-mfa-devices or list-user-tags names has no ARN: a skip naming it (iam_user_without_arn)
select w.resource, 'skip', w.name || w.reason, w.account_id, 'global'
from iam_user_without_arn as w
