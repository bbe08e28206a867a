/*
title: Non-human identities are in use
description: >-
  Every IAM user and role classified as a non-human identity (iam_principal) was used within max_unused_days
  days before the data was taken, by any evidence: role last use, access-key or password last use in the
  credential report, or a CloudTrail call. Identities created within max_unused_days days are not judged yet;
  service-linked roles are reported as info (AWS deletes them with their service). Without any evidence source
  for an identity (a role loaded from list-roles, a user missing from the credential report) and no CloudTrail
  call, its use is unknown and it is skipped, not judged. Principals seen only in CloudTrail are not judged.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  Workload identities outlive the workloads they were made for; an unused one keeps its rights and its keys
  with no owner watching them (improper offboarding).
remediation: Confirm with the owner that the workload is gone, then deactivate its keys, and delete the user or role.
tables: [iam_principal, iam_principal_data, aws_iam_role, aws_iam_credential_report, cloudtrail_event_actor]
requires: [aws_iam_role]
parameters:
  max_unused_days: 90
*/
with last_event as (
  select actor_arn, max(event_time) as last_call
  from cloudtrail_event_actor
  where actor_arn is not null and event_time <= now()
  group by actor_arn
),
evidence as (
  select p.principal_arn, p.principal_type, p.name, p.nhi_rule, p.nhi_reason, p.account_id,
    p.create_date,
    greatest(r.role_last_used_date, c.password_last_used, c.access_key_1_last_used_date, c.access_key_2_last_used_date,
             e.last_call) as last_used,
    coalesce(d.last_used_known, false) or c.user_arn is not null as use_known
  from iam_principal as p
    left join iam_principal_data as d on d.arn = p.principal_arn and d.name = p.name and d.principal_type = p.principal_type and d.account_id = p.account_id
    left join aws_iam_role as r on r.arn = p.principal_arn
    left join aws_iam_credential_report as c on c.user_arn = p.principal_arn
    left join last_event as e on e.actor_arn = p.principal_arn
  where p.is_nhi and p.principal_type in ('user', 'role') and (d.arn is not null or c.user_arn is not null)
)
select
  principal_arn as resource,
  case
    when nhi_rule = 'service_linked_role' then 'info'
    when last_used >= now() - :max_unused_days * interval '1 day' then 'ok'
    when create_date >= now() - :max_unused_days * interval '1 day' then 'ok'
    when last_used is null and not use_known then 'skip'
    else 'alarm'
  end as status,
  case
    when nhi_rule = 'service_linked_role' then
      'The service-linked role ' || name || ' is not judged: AWS removes it with the service that uses it.'
    when last_used >= now() - :max_unused_days * interval '1 day' then
      'The non-human ' || principal_type || ' ' || name || ' was last used '
        || date_part('day', now() - last_used)::int
        || case when date_part('day', now() - last_used)::int = 1 then ' day' else ' days' end
        || ' before the data was taken.'
    when create_date >= now() - :max_unused_days * interval '1 day' then
      'The non-human ' || principal_type || ' ' || name || ' was created '
        || date_part('day', now() - create_date)::int
        || case when date_part('day', now() - create_date)::int = 1 then ' day' else ' days' end
        || ' before the data was taken and is within the '
        || :max_unused_days || '-day grace period.'
    when last_used is null and not use_known then
      'The non-human ' || principal_type || ' ' || name || ' has no last-used information loaded (no credential report '
        || 'row, no role last-used data, no CloudTrail call); load get-account-authorization-details and the credential '
        || 'report to evaluate it.'
    when last_used is not null then
      'The non-human ' || principal_type || ' ' || name || ' (' || nhi_reason || ') was last used '
        || date_part('day', now() - last_used)::int
        || case when date_part('day', now() - last_used)::int = 1 then ' day' else ' days' end
        || ' before the data was taken (limit ' || :max_unused_days
        || '); confirm the workload is gone and remove it.'
    else
      'The non-human ' || principal_type || ' ' || name || ' (' || nhi_reason || ') has no recorded use'
        || case
             -- AWS reports a role's last use for the trailing 400 days only
             when principal_type = 'role' and (create_date is null or create_date < now() - interval '400 days')
               then ' in the 400 days before the data was taken (AWS tracks role use that long)'
             else coalesce(' since it was created on ' || to_char(create_date, 'YYYY-MM-DD'), '')
           end
        -- the credential report records password use since 2014-10-20 and access-key use since 2015-04-22
        || case when principal_type = 'user' and create_date < '2015-04-22 00:00:00+00'::timestamptz
             then ' (or not since AWS began tracking password use in October 2014 and access-key use in April 2015)'
             else '' end
        || '; confirm the workload is gone and remove it.'
  end as reason,
  account_id,
  'global' as region
from evidence
