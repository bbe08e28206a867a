/*
title: No account password policy deleted or weakened
description: >-
  CloudTrail shows no DeleteAccountPasswordPolicy call, and no UpdateAccountPasswordPolicy call whose new policy
  asks for passwords shorter than min_password_length or remembers fewer than min_password_reuse previous
  passwords, in the lookback_days days before the data was taken. UpdateAccountPasswordPolicy replaces the whole
  policy: a setting the request leaves out takes its default (minimum length 6, no reuse prevention), so an
  update that names only the complexity rules also shortens passwords. Successful calls and access-denied
  attempts alarm; other failures changed nothing. Calls AWS makes itself (AWS services, service-linked roles) are
  not counted.
severity: medium
resource_type: AWS::::Account
rationale: >-
  A weaker password policy lets an intruder give the users they take over or create passwords that are easy to
  guess or reuse, and is a way to hide a password spray's success; GuardDuty reports the same change as
  Stealth:IAMUser/PasswordPolicyChange.
remediation: >-
  Confirm the change with the identity administrators; set the policy again (length at least
  min_password_length, reuse prevention at least min_password_reuse) and have users who set a password since
  change it.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  min_password_length: 14
  min_password_reuse: 24
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    -- the settings as written and as numbers (numeric: Spark has no text-to-int cast); left out: the defaults
    case when (e.request_parameters ->> 'minimumPasswordLength') ~ '^[0-9]+$'
      then (e.request_parameters ->> 'minimumPasswordLength')::numeric else 6 end as min_length,
    case when (e.request_parameters ->> 'passwordReusePrevention') ~ '^[0-9]+$'
      then (e.request_parameters ->> 'passwordReusePrevention')::numeric else 0 end as reuse
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com'
    and e.event_name in ('UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy')
    and (e.error_code is null or e.access_denied) and not e.aws_caller
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
hit as (
  select c.*,
    case when c.event_name = 'DeleteAccountPasswordPolicy'
      then ' (IAM users then get AWS''s default password policy)'
      else ' (' || concat_ws('; ',
          case when c.min_length < :min_password_length then 'minimum length ' || c.min_length::bigint || ', under '
            || :min_password_length end,
          case when c.reuse < :min_password_reuse then case when c.reuse = 0 then 'no reuse prevention'
            else 'remembers ' || c.reuse::bigint || ' passwords' end || ', under ' || :min_password_reuse end) || ')'
    end as detail
  from call as c
  where c.event_name = 'DeleteAccountPasswordPolicy'
    or c.min_length < :min_password_length or c.reuse < :min_password_reuse
),
ranked as (
  select h.*,
    row_number() over (partition by h.account_id order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id) as calls,
    min(h.event_time) over (partition by h.account_id) as first_time
  from hit as h
)
select
  'arn:' || r.partition || ':::' || r.account_id as resource,
  'alarm' as status,
  r.caller || case when r.error_code is null then ' called ' else ' tried ' end || r.event_name || r.detail || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.error_code is null then '' else ', denied with ' || r.error_code end
    || case when r.calls > 1 then '; ' || r.calls || ' such calls since ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS')
      || ' UTC' else '' end
    || '; confirm the change and set the password policy again.' as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' deletes the account password policy or sets it under the floors.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so password policy changes cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
