/*
title: A role for security auditing exists
description: >-
  At least one IAM role in the account has the AWS-managed SecurityAudit policy
  (arn:<partition>:iam::aws:policy/SecurityAudit) attached, so auditors and security tools read the
  configuration through a dedicated role. Roles loaded without their attached policies (from list-roles) make
  the answer unknown (skip) unless another role already has the policy.
severity: low
resource_type: AWS::::Account
rationale: >-
  A dedicated read-only audit role gives reviewers and tools what they need without administrator rights or
  shared users, and its use is traceable in CloudTrail.
remediation: Create a role trusted by your security team or tooling account and attach arn:aws:iam::aws:policy/SecurityAudit.
tables: [iamsql_account, aws_iam_role, iam_principal_data]
requires: [aws_iam_role]
*/
with auditor as (
  select r.account_id, string_agg(r.name, ', ' order by r.name) as roles
  from aws_iam_role as r, jsonb_array_elements_text(r.attached_policy_arns) as p
  where p like 'arn:%:iam::aws:policy/SecurityAudit'
  group by r.account_id
), unknown as (
  select account_id, count(*) as roles
  from iam_principal_data
  where principal_type = 'role' and not attached_known
  group by account_id
)
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case when s.roles is not null then 'ok' when u.roles is not null then 'skip' else 'alarm' end as status,
  case
    when s.roles is not null then 'SecurityAudit is attached to role(s) ' || s.roles || '.'
    when u.roles is not null then u.roles || ' role(s) of account ' || a.account_id
      || ' were loaded without their attached policies (from list-roles); load get-account-authorization-details to evaluate this.'
    else 'No role in account ' || a.account_id || ' has the SecurityAudit policy; create a security audit role.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join auditor as s on s.account_id = a.account_id
  left join unknown as u on u.account_id = a.account_id
