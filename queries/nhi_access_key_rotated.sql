/*
title: Non-human identities rotate their access keys often
description: >-
  Every active access key of an IAM user classified as a non-human identity (iam_principal) was created or
  rotated within max_age_days days before the data was taken: a stricter limit than for people, because
  workload keys are copied into configuration, pipelines and images.
severity: high
resource_type: AWS::IAM::AccessKey
rationale: >-
  A workload's long-lived key is the secret most often leaked (repositories, CI logs, container images) and
  the one least often noticed; a short life bounds the damage of a leak.
remediation: >-
  Move the workload to a role (instance profile, task role, OIDC federation) so it has no long-lived key;
  until then create a new key, deploy it, then deactivate and delete the old one.
tables: [iam_principal, aws_iam_credential_report]
parameters:
  max_age_days: 30
*/
with report_key as (
  select user_arn, user_name, account_id, 1 as slot, access_key_1_last_rotated as rotated
  from aws_iam_credential_report where access_key_1_active and user_name <> '<root_account>'
  union all
  select user_arn, user_name, account_id, 2, access_key_2_last_rotated
  from aws_iam_credential_report where access_key_2_active and user_name <> '<root_account>'
)
select
  k.user_arn || '#access_key_' || k.slot as resource,
  case
    when k.rotated is null then 'alarm'
    when k.rotated >= now() - :max_age_days * interval '1 day' then 'ok'
    else 'alarm'
  end as status,
  case
    when k.rotated is null then
      'Access key ' || k.slot || ' of the non-human user ' || k.user_name || ' has no rotation date; rotate it.'
    when k.rotated >= now() - :max_age_days * interval '1 day' then
      'Access key ' || k.slot || ' of the non-human user ' || k.user_name || ' was rotated '
        || date_part('day', now() - k.rotated)::int
        || case when date_part('day', now() - k.rotated)::int = 1 then ' day' else ' days' end
        || ' before the data was taken (limit ' || :max_age_days || ').'
    else
      'Access key ' || k.slot || ' of the non-human user ' || k.user_name || ' (' || p.nhi_reason || ') is '
        || date_part('day', now() - k.rotated)::int
        || case when date_part('day', now() - k.rotated)::int = 1 then ' day' else ' days' end
        || ' old (limit ' || :max_age_days
        || '); rotate it, or better, move the workload to a role.'
  end as reason,
  k.account_id,
  'global' as region
from report_key as k
  join iam_principal as p on p.principal_arn = k.user_arn and p.account_id = k.account_id
where p.is_nhi
