/*
title: No IAM Identity Center user created and given access at once
description: >-
  CloudTrail shows no IAM Identity Center user, in the lookback_days days before the data was taken, created in
  the identity store (identitystore CreateUser, a call of a person or a workload) and, within window_minutes
  minutes, given access by the same caller: an account assignment naming the user (sso CreateAccountAssignment,
  principalType USER) or a group membership (identitystore CreateGroupMembership). Alarm when users of the
  account's identity store are provisioned by an external identity provider (SCIM calls,
  identitystore-scim.amazonaws.com, in the window): a user made by hand bypasses the provider, and leaving the
  company there never removes it; info otherwise (Identity Center's own directory, where people are onboarded by
  hand). Users the provider creates through SCIM and AWS's own calls are not counted; only successful calls count.
severity: high
resource_type: AWS::IdentityStore::User
rationale: >-
  A user created in the identity store and given an account assignment at once is a way back in that no IAM
  user or role shows (ATT&CK T1136.003, T1098.003): it signs in through the AWS access portal, with the
  permission set's role in every assigned account, and survives the revocation of the credentials used to make
  it.
remediation: >-
  Confirm the new user with its creator; if nobody asked for it, delete its account assignments and group
  memberships, then the user, and investigate the creator's credentials. Where an identity provider owns the
  users, deny identitystore:CreateUser outside the provisioning path.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 60
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.event_source,
    coalesce(e.caller_arn, e.identity_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.identity_arn, e.caller_arn, e.user_type, 'an unknown caller') as caller_name,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.request_parameters as params, e.response_elements as response
  from cloudtrail_event_actor as e
  where e.error_code is null and not e.aws_caller
    and ((e.event_source = 'identitystore.amazonaws.com' and e.event_name in ('CreateUser', 'CreateGroupMembership'))
         or (e.event_source = 'sso.amazonaws.com' and e.event_name = 'CreateAccountAssignment'))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
created as (
  select c.event_id, c.account_id, c.partition, c.event_time, c.caller, c.caller_name, c.ip, c.agent,
    c.response ->> 'userId' as user_id,
    -- CloudTrail hides the user's attributes (HIDDEN_DUE_TO_SECURITY_REASONS) in some records
    nullif(c.params ->> 'userName', 'HIDDEN_DUE_TO_SECURITY_REASONS') as user_name
  from call as c
  where c.event_name = 'CreateUser' and c.response ->> 'userId' is not null
),
-- each access given to a user: an account assignment (a permission set in an account) or a group membership
access as (
  select c.account_id, c.event_id, c.event_time, c.caller, c.params ->> 'principalId' as user_id,
    'permission set ' || coalesce(regexp_replace(c.params ->> 'permissionSetArn', '^.*/', ''), 'unknown')
      || ' in account ' || coalesce(c.params ->> 'targetId', 'unknown') as step
  from call as c
  where c.event_name = 'CreateAccountAssignment' and upper(c.params ->> 'principalType') = 'USER'
  union all
  select c.account_id, c.event_id, c.event_time, c.caller, c.params -> 'memberId' ->> 'userId',
    'membership of group ' || coalesce(c.params ->> 'groupId', 'unknown')
  from call as c
  where c.event_name = 'CreateGroupMembership'
),
granted as (
  select u.account_id, u.partition, u.user_id, u.user_name, u.event_time as created_at, u.caller, u.caller_name,
    u.ip, u.agent,
    string_agg(a.step || ' at ' || to_char(a.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC', '; '
               order by a.event_time) as steps,
    count(*) as step_count
  from created as u
    join access as a on a.account_id = u.account_id and a.user_id = u.user_id and a.caller = u.caller
      and a.event_time >= u.event_time and a.event_time <= u.event_time + :window_minutes * interval '1 minute'
  group by u.account_id, u.partition, u.user_id, u.user_name, u.event_time, u.caller, u.caller_name, u.ip, u.agent
),
-- accounts whose identity store an external identity provider provisions: SCIM calls in the window
scim as (
  select e.account_id, count(*) as calls, max(e.event_time) as last_time
  from aws_cloudtrail_trail_event as e
  where e.event_source = 'identitystore-scim.amazonaws.com'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
  group by e.account_id
)
select
  'arn:' || g.partition || ':identitystore:::user/' || g.user_id as resource,
  case when s.account_id is not null then 'alarm' else 'info' end as status,
  g.caller_name || ' created IAM Identity Center user ' || coalesce(g.user_name || ' (' || g.user_id || ')', g.user_id)
    || ' at ' || to_char(g.created_at, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || g.ip || ' (' || g.agent || ')'
    || ' and within ' || :window_minutes || ' minutes gave it ' || g.steps
    || case when s.account_id is not null then
        '; an external identity provider provisions this account''s identity store (' || s.calls
        || ' SCIM call(s) in the window, last ' || to_char(s.last_time, 'YYYY-MM-DD HH24:MI') || ' UTC), which this'
        || ' user bypasses: confirm it with its creator.'
      else '; no SCIM provisioning in the window (Identity Center''s own directory): confirm the user was onboarded.'
    end as reason,
  g.account_id,
  'global' as region
from granted as g
  left join scim as s on s.account_id = g.account_id
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' creates an IAM Identity Center user and gives it access.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so Identity Center users cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from granted as g where g.account_id = w.account_id)
