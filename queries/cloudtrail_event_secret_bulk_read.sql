/*
title: No bulk reading of secrets by one caller
description: >-
  No caller read min_secrets or more distinct secrets within any window_minutes minutes, in the lookback_days days
  before the data was taken: Secrets Manager GetSecretValue and BatchGetSecretValue (each secret id of its list),
  Systems Manager GetParameter, GetParameters and GetParametersByPath with withDecryption (each parameter name, or
  the path), and EC2 GetPasswordData (each instance). A BatchGetSecretValue that selects secrets by filters returns
  every secret the filters match, which the event does not list: one such call is a bulk read on its own. Access-denied
  attempts count (the intent is the same with credentials that lack the right); other failures (no such secret) do
  not. Calls made by AWS services, or by a service on the caller's behalf (invokedBy), are not counted. A caller of
  another account that the event names only by its account (a secret shared by its resource policy) is that account.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  An identity that reads many secrets, decrypted parameters or instance passwords in minutes is harvesting
  credentials: the step after a workload's or a person's keys are stolen, and how one leaked identity becomes many.
  A workload reads the few secrets it needs, and mostly from its own runtime.
remediation: >-
  Confirm the caller is a known secrets-synchronisation or deployment tool (then raise min_secrets or record an
  exception for it); otherwise treat its credentials as compromised and rotate every secret it read. Scope
  secretsmanager:GetSecretValue, ssm:GetParameter* and kms:Decrypt to the resources each identity needs.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  window_minutes: 10
  min_secrets: 10
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.error_code,
    -- a caller of another account reading a secret its resource policy shares (AWSAccount) is that account
    coalesce(e.caller_arn, e.identity_arn, e.user_type, 'unknown') as caller,
    coalesce(e.identity_arn, e.caller_arn, e.user_type, 'an unknown caller') as caller_name,
    coalesce(e.source_ip_address, 'unknown') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.request_parameters as params
  from cloudtrail_event_actor as e
  where e.event_source = any(array['secretsmanager.amazonaws.com', 'ssm.amazonaws.com', 'ec2.amazonaws.com'])
    and e.event_name = any(array['GetSecretValue', 'BatchGetSecretValue', 'GetParameter', 'GetParameters',
                                 'GetParametersByPath', 'GetPasswordData'])
    and (e.error_code is null or e.access_denied)
    and e.agent_kind is distinct from 'aws_service'
    and e.user_type is distinct from 'AWSService'
    and e.invoked_by is null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
decrypting as (
  select * from call
  where event_name not in ('GetParameter', 'GetParameters', 'GetParametersByPath')
    or lower(params ->> 'withDecryption') = 'true'
),
-- one row per secret a call reads: the name it gives, or what stands for several (a path, a batch's filters)
secret as (
  select c.*, c.params ->> 'secretId' as name, false as by_filter
  from decrypting as c where c.event_name = 'GetSecretValue'
  union all
  select c.*, n as name, false
  from decrypting as c, jsonb_array_elements_text(c.params -> 'secretIdList') as n
  where c.event_name = 'BatchGetSecretValue'
  union all
  select c.*, 'the secrets matching ' || (c.params -> 'filters')::text, true
  from decrypting as c where c.event_name = 'BatchGetSecretValue' and c.params -> 'filters' is not null
  union all
  select c.*, c.params ->> 'name', false
  from decrypting as c where c.event_name = 'GetParameter'
  union all
  select c.*, n, false
  from decrypting as c, jsonb_array_elements_text(c.params -> 'names') as n
  where c.event_name = 'GetParameters'
  union all
  select c.*, 'the parameters under ' || (c.params ->> 'path'), false
  from decrypting as c where c.event_name = 'GetParametersByPath'
  union all
  select c.*, 'the password of ' || (c.params ->> 'instanceId'), false
  from decrypting as c where c.event_name = 'GetPasswordData'
),
read_secret as (
  select s.*, date_trunc('minute', s.event_time) as minute
  from secret as s
  where s.name is not null
),
start as (
  select distinct account_id, caller, minute from read_secret
),
window_ as (
  select s.account_id, s.caller, s.minute as started, count(distinct r.name) filter (where not r.by_filter) as secrets,
    bool_or(r.by_filter) as by_filter, count(distinct r.event_id) as calls
  from start as s
    join read_secret as r on r.account_id = s.account_id and r.caller = s.caller
      and r.minute >= s.minute and r.minute < s.minute + :window_minutes * interval '1 minute'
  group by s.account_id, s.caller, s.minute
),
bulk as (
  select w.*,
    row_number() over (partition by w.account_id, w.caller order by w.secrets desc, w.started) as rn
  from window_ as w
  where w.secrets >= :min_secrets or w.by_filter
),
-- the reads of each caller's busiest window, each address and agent numbered in name order, so that the reason names
-- the first five of each
burst_read as (
  select b.account_id, b.caller, b.started, r.event_id, r.event_name, r.name, r.error_code, r.ip, r.agent,
    r.caller_name, r.partition,
    dense_rank() over (partition by b.account_id, b.caller order by r.ip nulls last) as ip_rank,
    dense_rank() over (partition by b.account_id, b.caller order by r.agent nulls last) as agent_rank
  from bulk as b
    join read_secret as r on r.account_id = b.account_id and r.caller = b.caller and r.minute >= b.started
      and r.minute < b.started + :window_minutes * interval '1 minute'
  where b.rn = 1
),
burst as (
  select b.account_id, b.caller, b.started, b.secrets, b.by_filter, b.calls as total_calls,
    min(r.caller_name) as caller_name,
    count(distinct r.event_id) filter (where r.error_code is not null) as denied,
    string_agg(distinct r.ip, ', ' order by r.ip) filter (where r.ip_rank <= 5) as ips,
    count(distinct r.ip) as ip_count,
    string_agg(distinct r.agent, ', ' order by r.agent) filter (where r.agent_rank <= 5) as agents,
    count(distinct r.agent) as agent_count,
    -- what the reason's examples are taken from: the secrets and what stands for several (a path, a filter)
    count(distinct r.name) as name_count,
    min(r.partition) as partition
  from bulk as b
    join burst_read as r on r.account_id = b.account_id and r.caller = b.caller
  where b.rn = 1
  group by b.account_id, b.caller, b.started, b.secrets, b.by_filter, b.calls
),
detail as (
  select u.*,
    (select string_agg(x.event_name || ' x' || x.calls, ', ' order by x.event_name) from (
        select c.event_name, count(distinct c.event_id) as calls from burst_read as c
        where c.account_id = u.account_id and c.caller = u.caller
        group by c.event_name) as x) as calls,
    (select string_agg(x.name, ', ' order by x.name) from (
        select distinct c.name from burst_read as c
        where c.account_id = u.account_id and c.caller = u.caller
        order by c.name limit 5) as x) as examples
  from burst as u
)
select
  case when d.caller like 'arn:%' then d.caller else 'arn:' || d.partition || ':::' || d.account_id || '#' || d.caller end
    as resource,
  'alarm' as status,
  d.caller_name || ' asked for '
    || concat_ws(' and ', case when d.secrets > 0 then d.secrets || ' distinct secrets' end,
                 case when d.by_filter then 'every secret matching a filter' end)
    || ' within ' || :window_minutes || case when :window_minutes = 1 then ' minute' else ' minutes' end
    || ' from ' || to_char(d.started, 'YYYY-MM-DD HH24:MI') || ' UTC ('
    || d.calls || '; ' || d.examples || case when d.name_count > 5 then ' and ' || (d.name_count - 5) || ' more' else '' end
    || ') from ' || d.ips
    || case when d.ip_count > 5 then ' and ' || (d.ip_count - 5) || ' more' else '' end
    || ' (' || d.agents
    || case when d.agent_count > 5 then ' and ' || (d.agent_count - 5) || ' more' else '' end || ')'
    || case when d.denied > 0 then '; ' || d.denied || ' of the ' || d.total_calls || ' calls were denied' else '' end
    || '; confirm it is a known secrets tool.' as reason,
  d.account_id,
  'global' as region
from detail as d
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' is part of a read of ' || :min_secrets
      || ' or more secrets within ' || :window_minutes
      || case when :window_minutes = 1 then ' minute' else ' minutes' end || ' by one caller.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so bulk reads of secrets cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from detail as d where d.account_id = w.account_id)
