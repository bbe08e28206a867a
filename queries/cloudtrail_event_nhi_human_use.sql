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
    max(e.event_time) filter (where e.event_name = 'ConsoleLogin' or e.agent_kind = 'console') as last_human,
    string_agg(distinct e.source_ip_address, ', ' order by e.source_ip_address)
      filter (where (e.event_name = 'ConsoleLogin' or e.agent_kind = 'console') and e.ip_rank <= 5) as ips,
    count(distinct e.source_ip_address) filter (where e.event_name = 'ConsoleLogin' or e.agent_kind = 'console')
      as ip_count
  from (
    -- each address of a person's use numbered in name order, so that the reason names the first five
    select a.*,
      dense_rank() over (partition by a.account_id, a.actor_arn
        order by case when a.event_name = 'ConsoleLogin' or a.agent_kind = 'console' then a.source_ip_address end
        nulls last) as ip_rank
    from cloudtrail_event_actor as a
    where a.actor_arn is not null and not a.sign_in_failed
      and a.event_time > now() - :lookback_days * interval '1 day' and a.event_time <= now()
  ) as e
  group by e.account_id, e.actor_arn
),
nhi as (
  select p.principal_arn, p.principal_type, p.name, p.nhi_reason, p.account_id, a.calls, a.console_logins,
    a.console_calls, a.last_human, a.ips, a.ip_count
  from iam_principal as p join activity as a on a.actor_arn = p.principal_arn and a.account_id = p.account_id
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
