/*
title: Roles assumed from other accounts
description: >-
  Lists each role that CloudTrail shows assumed (a successful sts:AssumeRole, in the lookback_days days before
  the data was taken) by a caller whose account (userIdentity.accountId) differs from the role's account (from
  the roleArn of the request). One row per role naming the calling accounts, the number of calls and the last
  one: info when every calling account is a member of the role account's organization (organizations
  list-accounts loaded), alarm otherwise, including when the organization is not loaded. AWS services assuming
  roles carry no caller account and are not counted. Only the audited account's own roles are judged: CloudTrail
  also delivers a cross-account AssumeRole to the caller's account, where it is outbound use of another
  account's role. Skip when no CloudTrail event falls in the window.
severity: medium
resource_type: AWS::IAM::Role
rationale: >-
  Every session a vendor, a partner or another account opens in yours acts with the role's permissions; knowing
  which outside accounts use which roles, and how often, is how their activity is monitored and how a trust
  that is used by someone unexpected is noticed.
remediation: >-
  Confirm each calling account is a known provider or account of yours; remove it from the role's trust policy
  otherwise, and review what its sessions did (CloudTrail events with the role's session ARNs).
tables: [iamsql_organization_member, cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with assume_call as materialized (
  -- each call's role ARN read from its request once: DuckDB would otherwise parse the request again for each of
  -- the filters and join keys below that use it
  select e.account_id, e.event_id, e.event_time, e.request_parameters ->> 'roleArn' as role_arn
  from aws_cloudtrail_trail_event as e
  where e.event_source = 'sts.amazonaws.com' and e.event_name = 'AssumeRole' and e.error_code is null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
), assume as (
  select c.account_id, c.event_time, c.role_arn,
    split_part(c.role_arn, ':', 5) as role_account,
    a.identity_account_id as caller_account
  from assume_call as c
    -- the caller's account from the actor view (the raw events' identity JSON is not read again); the join's
    -- filters are the same event's own columns
    join cloudtrail_event_actor as a on a.event_id = c.event_id and a.account_id = c.account_id
      and a.event_source = 'sts.amazonaws.com' and a.event_name = 'AssumeRole' and a.error_code is null
  where c.role_arn like 'arn:%:iam::%:role/%'
), member as (
  -- organization members as the loaded list-accounts outputs give them (arn: .../account/<org id>/<account>)
  select distinct id as account_id, split_part(arn, '/', 2) as organization_id
  from iamsql_organization_member
), foreign_use as (
  select s.account_id, s.role_arn, s.caller_account, count(*) as calls, max(s.event_time) as last_time,
    bool_or(m.account_id is not null) as in_organization
  from assume as s
    left join member as o on o.account_id = s.role_account
    left join member as m on m.account_id = s.caller_account and m.organization_id = o.organization_id
  -- roles of the audited account only: CloudTrail also delivers a cross-account AssumeRole to the caller's
  -- account, where the role is the other account's and the caller is this account (outbound use)
  where s.caller_account ~ '^[0-9]{12}$' and s.caller_account <> s.role_account and s.role_account = s.account_id
  group by s.account_id, s.role_arn, s.caller_account
), per_role as (
  select account_id, role_arn,
    string_agg(caller_account || ' (' || calls || ' call(s), last '
      || to_char(last_time, 'YYYY-MM-DD HH24:MI') || ' UTC' || case when in_organization then ', in the organization' else '' end
      || ')', ', ' order by caller_account) filter (where caller_rank <= 5) as callers,
    count(distinct caller_account) as caller_count,
    bool_and(in_organization) as all_in_organization
  from (
    -- each calling account numbered in order, so that the reason names the first five
    select *, dense_rank() over (partition by account_id, role_arn order by caller_account nulls last) as caller_rank
    from foreign_use
  ) as f
  group by account_id, role_arn
)
select
  r.role_arn as resource,
  case when r.all_in_organization then 'info' else 'alarm' end as status,
  'Role ' || split_part(r.role_arn, '/', -1) || ' was assumed from other account(s): ' || r.callers
    || case when r.caller_count > 5 then ' and ' || (r.caller_count - 5) || ' more' else '' end
    || case when r.all_in_organization then '.'
      else '; confirm each is a known provider or account of yours.' end as reason,
  r.account_id,
  'global' as region
from per_role as r
union all
select
  w.resource,
  w.status,
  case
    when w.status = 'skip' then
      w.summary || ' falls in the ' || :lookback_days
        || case when :lookback_days = 1 then ' day' else ' days' end
        || ' before the data was taken, so cross-account role use cannot be judged.'
    else w.summary || ' is a role assumed from another account.'
  end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from per_role as r where r.account_id = w.account_id)
