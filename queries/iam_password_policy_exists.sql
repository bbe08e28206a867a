/*
title: Account has a password policy
description: The account sets its own IAM password policy. An account without one uses AWS's default (at least 8 characters, three of four character types, no reuse or expiry rules).
severity: medium
resource_type: AWS::::Account
rationale: Without an explicit policy nobody decided how strong console passwords must be; the default allows short passwords and reuse.
remediation: Set a password policy (aws iam update-account-password-policy) with at least 14 characters and reuse prevention of 24.
tables: [iamsql_account, aws_iam_account_password_policy]
*/
select
  'arn:' || a.partition || ':::' || a.account_id as resource,
  case when p.account_id is null then 'alarm' else 'ok' end as status,
  case
    when p.account_id is null then 'Account ' || a.account_id || ' has no IAM password policy, so AWS''s weak default applies; set one.'
    else 'Account ' || a.account_id || ' has an IAM password policy.'
  end as reason,
  a.account_id,
  'global' as region
from iamsql_account as a
  left join aws_iam_account_password_policy as p on p.account_id = a.account_id
