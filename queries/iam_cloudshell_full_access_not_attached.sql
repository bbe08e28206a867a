/*
title: AWSCloudShellFullAccess is not attached
description: >-
  The AWS-managed policy AWSCloudShellFullAccess (arn:<partition>:iam::aws:policy/AWSCloudShellFullAccess, in
  any partition) is attached to no IAM user, group or role, as the policy's attachment listing
  (aws_iam_policy_attachment, from get-account-authorization-details, or the policy's own list-entities-for-policy,
  the benchmark's audit command) says. One row per account naming who holds it.
severity: medium
resource_type: AWS::::Account
rationale: >-
  AWSCloudShellFullAccess gives a shell with file upload and download and unrestricted outbound internet
  access: an easy path to move data out of the account.
remediation: >-
  Detach AWSCloudShellFullAccess from every user, group and role; grant a narrower CloudShell policy (or deny
  cloudshell:GetFileUploadUrls and cloudshell:GetFileDownloadUrls) where people need CloudShell.
tables: [iamsql_account, aws_iam_policy_attachment]
rows:
  aws_iam_policy_attachment: arn:{partition}:iam::aws:policy/AWSCloudShellFullAccess
*/
with cloudshell as (
  select * from aws_iam_policy_attachment
  where policy_arn like 'arn:%:iam::aws:policy/AWSCloudShellFullAccess'
), holder as (
  select account_id, string_agg(kind || ' ' || name, ', ' order by kind || ' ' || name) as holders
  from (
    select p.account_id, 'user' as kind, e ->> 'UserName' as name
    from cloudshell as p, jsonb_array_elements(coalesce(p.policy_users, '[]'::jsonb)) as e
    union all
    select p.account_id, 'group', e ->> 'GroupName'
    from cloudshell as p, jsonb_array_elements(coalesce(p.policy_groups, '[]'::jsonb)) as e
    union all
    select p.account_id, 'role', e ->> 'RoleName'
    from cloudshell as p, jsonb_array_elements(coalesce(p.policy_roles, '[]'::jsonb)) as e
  ) as h
  group by account_id
)
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case when h.holders is not null then 'alarm' else 'ok' end as status,
  case
    when h.holders is not null then 'AWSCloudShellFullAccess is attached to ' || h.holders || '; detach it.'
    else 'AWSCloudShellFullAccess is attached to no user, group or role of account ' || a.account_id || '.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join holder as h on h.account_id = a.account_id
