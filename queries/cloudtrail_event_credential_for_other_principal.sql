/*
title: No credentials created or reset for another principal
description: >-
  CloudTrail shows no call, in the lookback_days days before the data was taken, that creates or resets a
  credential of an IAM user other than the caller: CreateAccessKey, CreateLoginProfile, UpdateLoginProfile,
  CreateServiceSpecificCredential, ResetServiceSpecificCredential, UploadSSHPublicKey, UploadSigningCertificate,
  EnableMFADevice (an MFA device registered to the user: whoever holds it passes the user's MFA) naming a
  userName that is not the calling IAM user (any userName when the caller is a role session, a
  federated user or the root user). Successful calls and access-denied attempts alarm: a denied attempt shows
  someone trying to take over another identity, the same intent with stolen credentials that lack the right.
  Other failures (no such user, key limit reached) are not counted: the call neither changed nor probed access.
  When the caller (the IAM user, or the role behind a session) is in the loaded IAM data, the reason gives the
  policy engine's verdict on it (iam_principal_access): an IAM administrator, or not one, so a call that
  succeeded used a narrower right, one gained since, or an escalation. The user is reported under its ARN from
  the loaded IAM data, else from another event of the account (cloudtrail_principal_arn), else built from its
  name, which the reason and the arn_source dimension then say (an IAM path would be missing).
severity: high
resource_type: AWS::IAM::User
rationale: >-
  A new access key or password for someone else is the classic IAM backdoor: the attacker keeps access after
  the credentials they came in with are revoked, and works under an identity that is not theirs. An MFA device
  of theirs enabled on someone else's user makes that user's MFA theirs too (a removed device replaced this way
  is not cloudtrail_event_mfa_device_removed's alarm).
remediation: >-
  Confirm the change with the caller; if it was not planned, delete the new key, login profile or credential,
  investigate the caller's other activity and rotate its own credentials. Let only identity administrators
  manage other users' credentials (scope iam:CreateAccessKey and iam:*LoginProfile to ${aws:username}).
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, iam_principal_access, cloudtrail_principal_arn]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with credential_call as materialized (
  -- each call's userName read from its request once: DuckDB would otherwise parse the request again for each of
  -- the filters below that use it; the filters are the event's own columns, so the scan reads these events' JSON only
  select t.event_id, t.account_id, t.request_parameters ->> 'userName' as target
  from aws_cloudtrail_trail_event as t
  where t.event_source = 'iam.amazonaws.com' and t.event_name in ('CreateAccessKey', 'CreateLoginProfile',
    'UpdateLoginProfile', 'CreateServiceSpecificCredential', 'ResetServiceSpecificCredential', 'UploadSSHPublicKey',
    'UploadSigningCertificate', 'EnableMFADevice')
),
hit as (
  select e.account_id, e.partition, e.event_time, e.event_name, e.error_code, e.actor_arn,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    t.target,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
    join credential_call as t on t.event_id = e.event_id and t.account_id = e.account_id
  where e.event_source = 'iam.amazonaws.com'
    and e.event_name in ('CreateAccessKey', 'CreateLoginProfile', 'UpdateLoginProfile', 'CreateServiceSpecificCredential',
                         'ResetServiceSpecificCredential', 'UploadSSHPublicKey', 'UploadSigningCertificate',
                         'EnableMFADevice')
    and (e.error_code is null or e.access_denied)
    and t.target is not null
    -- AWS's own calls (an AWS service, a session of a service-linked role), as in the other change detections; a
    -- call a service made for a person or workload (invokedBy, such as CloudFormation) is theirs and counts
    and not e.aws_caller
    -- IAM does not distinguish names by case: userName Alice is the calling user alice
    and (e.user_type is distinct from 'IAMUser' or lower(t.target) is distinct from lower(e.identity_user_name))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
verdict as (
  select principal_arn, account_id,
    case when bool_or(decision in ('Allowed', 'AllowedIf')) then true
      when bool_or(decision = 'Unknown') then null else false end as is_admin,
    min(granted_by) filter (where question in ('full_admin', 'iam_admin') and decision in ('Allowed', 'AllowedIf'))
      as granted_by
  from iam_principal_access
  where question in ('full_admin', 'iam_admin')
  group by principal_arn, account_id
),
-- the user's ARN with its path: loaded IAM data, else another event of the account, else built from the name
named as (
  select h.*, coalesce(p.arn, 'arn:' || h.partition || ':iam::' || h.account_id || ':user/' || h.target) as arn,
    coalesce(p.arn_source, 'name') as arn_source
  from hit as h
    left join cloudtrail_principal_arn as p on p.account_id = h.account_id and p.principal_type = 'user'
      and p.name_key = lower(h.target)
),
ranked as (
  select h.*, v.is_admin, v.granted_by,
    row_number() over (partition by h.account_id, h.arn order by h.event_time desc, h.event_name) as rn,
    count(*) over (partition by h.account_id, h.arn) as calls,
    min(h.event_time) over (partition by h.account_id, h.arn) as first_time
  from named as h
    left join verdict as v on v.principal_arn = h.actor_arn and v.account_id = h.account_id
)
select
  r.arn as resource,
  'alarm' as status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || ' for user '
    || r.target || ' on ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.is_admin then '; the loaded IAM data makes the caller an IAM administrator (through '
              || r.granted_by || ')'
            when not r.is_admin and r.error_code is null then '; the loaded IAM data does not make the caller an '
              || 'IAM administrator, yet the call succeeded: a narrower right, one gained since, or an escalation'
            when not r.is_admin then '; the loaded IAM data does not make the caller an IAM administrator'
            else '' end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls for this user since '
      || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC' else '' end
    || '; confirm who asked for a credential of ' || r.target || ' and remove it if nobody did.'
    || case when r.arn_source = 'name' then ' The user''s ARN is built from its name: no IAM data or other '
      || 'event of the account gives it, so an IAM path would be missing.' else '' end as reason,
  r.account_id,
  'global' as region,
  r.arn_source
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' creates or resets a credential of another principal.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so credentials created for other principals cannot be judged.' end,
  w.account_id,
  'global',
  null
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
