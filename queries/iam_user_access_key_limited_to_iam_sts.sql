/*
title: Users' access keys reach only IAM and STS
description: >-
  Every IAM user with an active access key (iam_user_access_key: the user's list-access-keys where loaded, so a key
  deactivated or deleted since the credential report is not counted and one created after it is) has policies that grant no service other than IAM
  and STS, as IAM's service last-accessed data lists the services a principal's policies allow
  (aws_iam_access_advisor: get-service-last-accessed-details of the user), so the key serves only to obtain
  temporary credentials (sts:AssumeRole, sts:GetSessionToken with MFA) and to manage the user itself. A user with an
  active key whose policies grant another service alarms, naming the services and those used within the tracking
  period (last-accessed data does not tell a key's use from the console's). Users without an active key pass; a user
  with one but without last-accessed data is skipped; one whose last-accessed data lists no service (its policies
  grant none) passes.
severity: high
resource_type: AWS::IAM::User
rationale: >-
  A long-term access key that can call AWS services directly keeps working from wherever it was copied until
  someone deletes it. When it can only be exchanged for temporary credentials (a role to assume, a session token
  that needs MFA), the role's trust and session limits apply to each use and a leaked key alone reaches no data.
remediation: >-
  Move the user's permissions to a role it assumes (or, for a workload, give the workload a role of its own: an
  instance profile, a task role, IAM Roles Anywhere, OIDC federation), leave the user sts:AssumeRole on that role,
  and delete the key if nothing needs it.
tables: [aws_iam_credential_report, iam_user_access_key, aws_iam_access_advisor, iamsql_listed]
requires: [aws_iam_credential_report]
*/
with services as (
  select principal_arn, account_id,
    string_agg(service_namespace, ', ' order by service_namespace)
      filter (where service_namespace not in ('iam', 'sts')) as granted,
    string_agg(service_namespace, ', ' order by service_namespace)
      filter (where service_namespace not in ('iam', 'sts') and last_authenticated is not null) as used
  from aws_iam_access_advisor
  group by principal_arn, account_id
), measured as (
  -- the principals whose last-accessed data is loaded, also those it lists no service for
  select account_id, key as principal_arn from iamsql_listed where table_name = 'aws_iam_access_advisor'
  union
  select account_id, principal_arn from services
), active as (
  select user_arn, account_id, string_agg('access key ' || label, ' and ' order by label) as keys
  from iam_user_access_key
  group by user_arn, account_id
), keyed as (
  -- the report's users and users created after it with an active key listed
  select c.user_arn, c.user_name, c.account_id, coalesce(a.keys, '') as keys
  from (select user_arn, user_name, account_id from aws_iam_credential_report where user_name <> '<root_account>'
        union
        select user_arn, user_name, account_id from iam_user_access_key) as c
    left join active as a on a.user_arn = c.user_arn and a.account_id = c.account_id
)
select
  k.user_arn as resource,
  case
    when k.keys = '' then 'ok'
    when m.principal_arn is null then 'skip'
    when s.granted is not null then 'alarm'
    else 'ok'
  end as status,
  'User ' || k.user_name || case
    when k.keys = '' then ' has no active access key.'
    when m.principal_arn is null then ' has an active access key (' || k.keys || ') but no last-accessed data loaded; '
      || 'collect --identity (or get-service-last-accessed-details) gives it.'
    when s.granted is not null then ' has an active access key (' || k.keys || ') and its policies grant services '
      || 'besides IAM and STS: ' || s.granted || coalesce('; accessed in the tracking period: ' || s.used, '')
      || '. Move those permissions to a role the user assumes.'
    when s.principal_arn is null then ' has an active access key (' || k.keys || ') whose policies grant no service.'
    else ' has an active access key (' || k.keys || ') whose policies grant only IAM and STS.'
  end as reason,
  k.account_id,
  'global' as region
from keyed as k
  left join measured as m on m.principal_arn = k.user_arn and m.account_id = k.account_id
  left join services as s on s.principal_arn = k.user_arn and s.account_id = k.account_id
