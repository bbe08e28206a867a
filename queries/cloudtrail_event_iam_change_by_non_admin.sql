/*
title: IAM changes are made by IAM administrators
description: >-
  Every successful IAM write call (create, delete, attach, put, update...) in the lookback_days days before
  the data was taken was made by the root user or by a principal whose policies grant all IAM actions
  (iam_principal_access: every action, or every IAM action, as the policy engine judges the principal's
  policies, groups, boundary and Deny statements). Changes by anyone else mean a delegated or escalated path that needs review.
  A caller whose rights cannot be judged (a policy attached to it is not loaded, also beside loaded policies
  granting all IAM actions: a Deny in it would win) is a skip naming the document, not an alarm; each caller is
  judged on its own, so an account whose users, roles or managed policies are loaded in part is not skipped as a
  whole, and a caller not in the loaded IAM data is a skip when its account's users (or roles) are loaded in part
  or not at all, info (deleted since?) when they are whole.
  Changes AWS makes itself through a service-linked role (IAM Identity Center's AWSServiceRoleForSSO creating
  permission-set roles, scoped by AWS to that task) are not counted, nor an IAM user managing its own credentials
  (ChangePassword; its own access keys, MFA devices, SSH keys, signing certificates, service-specific credentials
  and password, the request naming no other user, in any case: IAM does not distinguish names by case), the
  self-service AWS documents for every user.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  IAM changes by principals that are not meant to administer IAM are how privilege escalation shows in the
  logs: a role that may only pass or attach specific policies, or a key that gained new rights.
remediation: >-
  Review each change the principal made; if it was not intended, revert it and remove the IAM permissions
  that allowed it. If the delegation is intended, document it and scope it with a permissions boundary.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, iam_principal_access, aws_iam_user, aws_iam_role,
         iamsql_partial]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with change as (
  select e.account_id, e.actor_arn, e.actor_type, count(*) as changes,
    string_agg(distinct e.event_name, ', ') as event_names, max(e.event_time) as last_change
  from cloudtrail_event_actor as e
    -- the request of a user's credential call, to tell its own credentials from another user's (the join's filters
    -- are the same event's own columns, so the scan reads these events' JSON only)
    left join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
      and t.event_source = 'iam.amazonaws.com' and t.user_type = 'IAMUser'
      and t.event_name in ('ChangePassword', 'CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey',
        'CreateVirtualMFADevice', 'EnableMFADevice', 'ResyncMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice',
        'UploadSSHPublicKey', 'UpdateSSHPublicKey', 'DeleteSSHPublicKey', 'UploadSigningCertificate',
        'UpdateSigningCertificate', 'DeleteSigningCertificate', 'CreateServiceSpecificCredential',
        'UpdateServiceSpecificCredential', 'ResetServiceSpecificCredential', 'DeleteServiceSpecificCredential',
        'UpdateLoginProfile')
  where e.event_source = 'iam.amazonaws.com' and e.error_code is null and e.actor_arn is not null and not e.aws_caller
    and (e.read_only = false or (e.read_only is null and e.event_name !~ '^(Get|List|Generate|Simulate)'))
    -- an IAM user's own credentials: the request names no user, or the caller
    and not (t.event_id is not null and lower(coalesce(t.request_parameters ->> 'userName', e.identity_user_name))
                                          is not distinct from lower(e.identity_user_name))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
  group by e.account_id, e.actor_arn, e.actor_type
),
power as (
  -- proven: allowed by documents that are all known; an allow beside a document not loaded (a managed policy, a
  -- group's policies, a boundary: its Deny would win) is as unknown as an answer that depends on one
  select principal_arn, account_id,
    bool_or(decision in ('Allowed', 'AllowedIf') and missing is null) as admin,
    min(granted_by) filter (where decision in ('Allowed', 'AllowedIf') and missing is null) as granted_by,
    bool_or(decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null)) as unknown,
    min(missing) filter (where decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null))
      as missing,
    min(granted_by) filter (where decision in ('Allowed', 'AllowedIf') and missing is not null) as granted_unless
  from iam_principal_access
  where question in ('full_admin', 'iam_admin')
  group by principal_arn, account_id
),
judged as (
  select c.*,
    c.actor_type = 'root' as is_root,
    coalesce(a.admin, false) as is_admin,
    a.principal_arn is not null as judged,
    coalesce(a.unknown, false) and not coalesce(a.admin, false) as unknown,
    a.granted_by, a.missing, a.granted_unless,
    exists (select 1 from aws_iam_user as u where u.arn = c.actor_arn)
      or exists (select 1 from aws_iam_role as r where r.arn = c.actor_arn) as known,
    -- a caller not in the loaded IAM data may not be loaded rather than deleted: its account's users (or roles) are
    -- loaded in part, or no user or role of the account is loaded
    p.table_name || ' (' || p.reason || ')' as partial_table, l.account_id is null as none_loaded
  from change as c
    left join power as a on a.principal_arn = c.actor_arn and a.account_id = c.account_id
    left join iamsql_partial as p on p.account_id = c.account_id and p.table_name = 'aws_iam_' || c.actor_type
    left join (select account_id from aws_iam_user union select account_id from aws_iam_role) as l
      on l.account_id = c.account_id
)
select
  j.actor_arn as resource,
  case
    when j.is_root or j.is_admin then 'ok'
    when not j.known and j.partial_table is null and not j.none_loaded then 'info'
    when not j.known or not j.judged or j.unknown then 'skip'
    else 'alarm'
  end as status,
  case
    when j.is_root then 'The root user made ' || j.changes || ' IAM change(s) (' || j.event_names || ').'
    when j.is_admin then regexp_replace(j.actor_arn, '^.*/', '') || ' is an IAM administrator (through ' || j.granted_by
      || ') and made ' || j.changes || ' IAM change(s).'
    when not j.known and j.partial_table is null and not j.none_loaded then regexp_replace(j.actor_arn, '^.*/', '') || ' made ' || j.changes
      || ' IAM change(s) (' || j.event_names || ') but is not in the loaded IAM data (deleted since?), so its rights '
      || 'cannot be judged.'
    when not j.known then regexp_replace(j.actor_arn, '^.*/', '') || ' made ' || j.changes || ' IAM change(s) ('
      || j.event_names || ') but is not in the loaded IAM data: ' || coalesce('only part of ' || j.partial_table
      || ' is loaded', 'no IAM user or role') || ' for account ' || j.account_id
      || case when j.partial_table is null then ' is loaded' else '' end
      || '; load get-account-authorization-details to judge it.'
    when not j.judged then regexp_replace(j.actor_arn, '^.*/', '') || ' made ' || j.changes || ' IAM change(s) ('
      || j.event_names || ') but is not in the loaded IAM data with its policies; load '
      || 'get-account-authorization-details to judge it.'
    when j.unknown then regexp_replace(j.actor_arn, '^.*/', '') || ' made ' || j.changes || ' IAM change(s) ('
      || j.event_names || ') but whether it is an IAM administrator cannot be judged: ' || coalesce('its loaded '
      || 'policies grant all IAM actions through ' || j.granted_unless || ', but a Deny in ' || j.missing
      || ' could take that away', 'the answer depends on ' || j.missing) || '.'
    else regexp_replace(j.actor_arn, '^.*/', '') || ' is not an IAM administrator but made ' || j.changes
      || ' IAM change(s) (' || j.event_names || '), last on ' || to_char(j.last_change, 'YYYY-MM-DD HH24:MI')
      || ' UTC; review them and the permissions that allowed them.'
  end as reason,
  j.account_id,
  'global' as region
from judged as j
union all
select w.resource, w.status,
  case when w.status = 'ok'
    then 'No IAM change was made in the ' || :lookback_days || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so IAM changes cannot be judged.' end,
  w.account_id, 'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from judged as j where j.account_id = w.account_id)
