/*
title: Workload roles cannot be assumed by whole accounts
description: >-
  No role classified as a non-human identity (iam_principal) also trusts, without any condition, an entire
  AWS account (`arn:...:root` or an account id) or every principal (`*`) to assume it.
severity: high
resource_type: AWS::IAM::Role
rationale: >-
  Trusting an account lets every user and role there that has sts:AssumeRole become the workload, so people
  (and any compromised identity) can act as the workload: human use and reuse of an NHI with no trace of
  who it really was.
remediation: >-
  Trust only the principals that need the role (specific role ARNs), or add conditions (aws:PrincipalArn,
  aws:PrincipalOrgID, sts:ExternalId, aws:SourceIdentity) to the statement.
tables: [iam_principal, aws_iam_role]
*/
with broad as (
  select r.arn, string_agg(distinct a, ', ') as trusted
  from aws_iam_role as r,
    jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s,
    jsonb_array_elements_text(coalesce(s -> 'Principal' -> 'AWS', '[]'::jsonb)) as a
  where s ->> 'Effect' = 'Allow' and not (s ? 'Condition')
    and (a = '*' or a ~ '^[0-9]{12}$' or a ~ '^arn:[^:]+:iam::[0-9]{12}:root$')
  group by r.arn
)
select
  p.principal_arn as resource,
  case when b.arn is null then 'ok' else 'alarm' end as status,
  case
    when b.arn is null then 'The workload role ' || p.name || ' trusts no whole account without a condition.'
    else 'The workload role ' || p.name || ' (' || p.nhi_reason || ') can be assumed by any principal of '
      || b.trusted || ' without a condition; trust specific role ARNs or add conditions.'
  end as reason,
  p.account_id,
  'global' as region
from iam_principal as p
  join aws_iam_role as r on r.arn = p.principal_arn and r.account_id = p.account_id
  left join broad as b on b.arn = p.principal_arn
where p.is_nhi and p.principal_type = 'role' and p.nhi_rule <> 'service_linked_role'
