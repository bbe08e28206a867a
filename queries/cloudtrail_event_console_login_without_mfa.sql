/*
title: Console sign-ins use MFA
description: >-
  Every successful console sign-in of an IAM user or the root user in the lookback_days days before the data
  was taken used MFA (ConsoleLogin additionalEventData.MFAUsed = Yes). Federated sign-ins (roles assumed
  through SAML or Identity Center) are not judged: their MFA happens at the identity provider.
severity: high
resource_type: AWS::IAM::User
rationale: A password alone is phished, guessed or reused; a console session without MFA is the easiest account takeover.
remediation: >-
  Require MFA for the user (assign a device and a policy that denies actions without aws:MultiFactorAuthPresent),
  or remove its console password if it does not need the console.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with login as (
  select e.account_id, coalesce(e.actor_arn, e.identity_arn) as principal_arn, e.event_time,
    e.source_ip_address,
    e.additional_event_data ->> 'MFAUsed' as mfa_used
  from cloudtrail_event_actor as e
  where e.event_name = 'ConsoleLogin' and e.user_type in ('IAMUser', 'Root')
    and e.response_elements ->> 'ConsoleLogin' = 'Success'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
per_principal as (
  select account_id, principal_arn, count(*) as logins,
    count(*) filter (where mfa_used is distinct from 'Yes') as without_mfa,
    max(event_time) filter (where mfa_used is distinct from 'Yes') as last_without_mfa,
    string_agg(distinct source_ip_address, ', ' order by source_ip_address)
      filter (where mfa_used is distinct from 'Yes' and ip_rank <= 5) as ips,
    count(distinct source_ip_address) filter (where mfa_used is distinct from 'Yes') as ip_count
  from (
    -- each address of a sign-in without MFA numbered in name order, so that the reason names the first five
    select *,
      dense_rank() over (partition by account_id, principal_arn
        order by case when mfa_used is distinct from 'Yes' then source_ip_address end nulls last) as ip_rank
    from login
  ) as l
  where principal_arn is not null
  group by account_id, principal_arn
),
-- each account's events of the look-back, the time they span named in every reason
looked_at as (
  select w.account_id, w.resource, w.status, w.span, w.summary from cloudtrail_event_window as w
  where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
    and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
)
select
  p.principal_arn as resource,
  case when p.without_mfa > 0 then 'alarm' else 'ok' end as status,
  case
    when p.without_mfa > 0 then
      regexp_replace(p.principal_arn, '^.*[:/]', '') || ' signed in to the console without MFA ' || p.without_mfa
        || ' time(s) out of ' || p.logins || ' in the loaded events ' || w.span || ', last on '
        || to_char(p.last_without_mfa, 'YYYY-MM-DD HH24:MI') || ' UTC from ' || coalesce(p.ips, 'an unknown address')
        || case when p.ip_count > 5 then ' and ' || (p.ip_count - 5) || ' more' else '' end
        || '; require MFA for it.'
    else
      regexp_replace(p.principal_arn, '^.*[:/]', '') || ' used MFA for all ' || p.logins
        || ' console sign-in(s) in the loaded events ' || w.span || '.'
  end as reason,
  p.account_id,
  'global' as region
from per_principal as p
  join looked_at as w on w.account_id = p.account_id
union all
select
  w.resource,
  w.status,
  case
    when w.status = 'skip' then
      w.summary || ' falls in the ' || :lookback_days
        || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so console sign-ins cannot be judged.'
    else w.summary || ' is a successful IAM-user or root console sign-in.'
  end,
  w.account_id,
  'global'
from looked_at as w
where not exists (select 1 from per_principal as p where p.account_id = w.account_id)
