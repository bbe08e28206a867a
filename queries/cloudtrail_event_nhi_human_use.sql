/*
title: Non-human identities are not used by people
description: >-
  No non-human identity (iam_principal.is_nhi) signed in to the console or made calls from a browser or the
  AWS console in the lookback_days days before the data was taken. A failed sign-in (ConsoleLogin or another
  signin.amazonaws.com event whose response is Failure) is not a use: nobody got in.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  A person working as a service identity bypasses the MFA and approval that apply to people, gets more
  privilege than they need, and makes their actions indistinguishable from the workload's.
remediation: >-
  Give the person their own identity (Identity Center or a federated role); remove the NHI's console password
  and restrict who may assume the role (trust policy conditions); rotate the credentials that were shared.
tables: [iamsql_account, iam_principal, cloudtrail_event_actor]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with activity as (
  select e.account_id, e.actor_arn,
    count(*) as calls,
    count(*) filter (where e.event_name = 'ConsoleLogin') as console_logins,
    count(*) filter (where e.agent_kind = 'console' and e.event_name <> 'ConsoleLogin') as console_calls,
    max(e.event_time) filter (where e.event_name = 'ConsoleLogin' or e.agent_kind = 'console') as last_human
  from cloudtrail_event_actor as e
  where e.actor_arn is not null and not e.sign_in_failed
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
  group by e.account_id, e.actor_arn
),
-- the addresses of a person's use: each numbered in name order, so that the reason names the first five (numbered
-- over the distinct addresses, not over every call)
human_ip as (
  select d.account_id, d.actor_arn, d.source_ip_address,
    row_number() over (partition by d.account_id, d.actor_arn order by d.source_ip_address) as ip_rank
  from (
    select distinct e.account_id, e.actor_arn, e.source_ip_address
    from cloudtrail_event_actor as e
    where e.actor_arn is not null and not e.sign_in_failed and e.source_ip_address is not null
      and (e.event_name = 'ConsoleLogin' or e.agent_kind = 'console')
      and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
  ) as d
),
human_ips as (
  select account_id, actor_arn,
    string_agg(source_ip_address, ', ' order by source_ip_address) filter (where ip_rank <= 5) as ips,
    count(*) as ip_count
  from human_ip
  group by account_id, actor_arn
),
nhi as (
  select p.principal_arn, p.principal_type, p.name, p.nhi_reason, p.account_id, a.calls, a.console_logins,
    a.console_calls, a.last_human, i.ips, coalesce(i.ip_count, 0) as ip_count
  from iam_principal as p
    join activity as a on a.actor_arn = p.principal_arn and a.account_id = p.account_id
    left join human_ips as i on i.actor_arn = a.actor_arn and i.account_id = a.account_id
  where p.is_nhi
)
select
  n.principal_arn as resource,
  case when n.console_logins + n.console_calls > 0 then 'alarm' else 'ok' end as status,
  case
    when n.console_logins + n.console_calls > 0 then
      'The non-human ' || n.principal_type || ' ' || n.name || ' (' || n.nhi_reason || ') was used by a person: '
        || n.console_logins || ' console sign-in(s) and ' || n.console_calls || ' browser or console call(s), last on '
        || to_char(n.last_human, 'YYYY-MM-DD HH24:MI') || ' UTC from ' || coalesce(n.ips, 'an unknown address')
        || case when n.ip_count > 5 then ' and ' || (n.ip_count - 5) || ' more' else '' end
        || '; give that person an identity of their own.'
    else
      'The non-human ' || n.principal_type || ' ' || n.name || ' made ' || n.calls
        || ' call(s) and none from a browser or the console.'
  end as reason,
  n.account_id,
  'global' as region
from nhi as n
union all
select 'arn:' || a.partition || ':::' || a.account_id, 'skip',
  'No CloudTrail events of a non-human identity of account ' || a.account_id || ' fall in the ' || :lookback_days
    || case when :lookback_days = 1 then ' day' else ' days' end
    || ' before the data was taken, so human use of NHIs cannot be judged.',
  a.account_id, 'global'
from iamsql_account as a
where not exists (select 1 from nhi as n where n.account_id = a.account_id)
