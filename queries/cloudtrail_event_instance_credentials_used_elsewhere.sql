/*
title: No EC2 instance credentials used from where people call AWS
description: >-
  CloudTrail shows no call, in the lookback_days days before the data was taken, made with the role credentials
  of an EC2 instance (a role session named after the instance, i-..., as the instance profile's sessions are)
  from a source address that IAM users or the root user called from in the same window (with long-term keys,
  console or session tokens). An instance's credentials are delivered to the instance; the same address as a
  person's calls means they were copied off it and used from the person's machine. Calls made by an AWS service
  for the session (invokedBy) and addresses that are AWS service names are not counted. A call through a VPC
  endpoint (vpcEndpointId) gives a private address of that endpoint's VPC: it matches a person's call only through
  the same endpoint (the same private address in another VPC is another machine).
severity: high
resource_type: AWS::IAM::Role
rationale: >-
  Stealing the role credentials of an instance through its metadata service (server-side request forgery, a
  shell on the instance, SSM SendCommand) and using them elsewhere is how an attacker moves from an instance to
  the account (Stratus ec2-steal-instance-credentials; GuardDuty's InstanceCredentialExfiltration findings).
  From events alone the instance's own addresses are unknown, but a person's address is not one of them.
remediation: >-
  Revoke the role's sessions (a deny policy with an aws:TokenIssueTime condition), find how the credentials left
  the instance (SSM commands, metadata access, IMDSv1) and require IMDSv2 on it.
tables: [cloudtrail_event_actor, cloudtrail_event_window]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with instance_call as (
  select e.account_id, e.event_id, e.event_time, e.event_name, e.identity_arn, e.actor_arn, e.session_name,
    e.source_ip_address, e.vpc_endpoint_id, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.user_type = 'AssumedRole' and e.session_name ~ '^i-[0-9a-fA-F]{8}([0-9a-fA-F]{9})?$'
    and e.invoked_by is null and not e.aws_caller and e.agent_kind <> 'aws_service'
    and e.source_ip_address is not null and e.source_ip_address not like '%amazonaws.com'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
person as (
  select account_id, source_ip_address, vpc_endpoint_id, min(identity_arn) as who, count(distinct identity_arn) as people
  from cloudtrail_event_actor
  where user_type in ('IAMUser', 'Root') and invoked_by is null and agent_kind <> 'aws_service'
    and source_ip_address is not null
    and event_time > now() - :lookback_days * interval '1 day' and event_time <= now()
  group by account_id, source_ip_address, vpc_endpoint_id
),
hit as (
  select i.*, p.who, p.people
  from instance_call as i
    join person as p on p.account_id = i.account_id and p.source_ip_address = i.source_ip_address
      and p.vpc_endpoint_id is not distinct from i.vpc_endpoint_id
),
-- the session's other addresses (the instance's own, as far as the events show)
own as (
  select i.account_id, i.identity_arn, count(distinct i.source_ip_address) as addresses
  from instance_call as i
  where not exists (select 1 from person as p
                    where p.account_id = i.account_id and p.source_ip_address = i.source_ip_address
                      and p.vpc_endpoint_id is not distinct from i.vpc_endpoint_id)
  group by i.account_id, i.identity_arn
),
-- the session's calls from people's addresses, and from how many of them
hit_total as (
  select account_id, identity_arn, count(*) as calls,
    count(distinct source_ip_address || coalesce('@' || vpc_endpoint_id, '')) as addresses
  from hit
  group by account_id, identity_arn
),
-- the last call names its address: the calls and first time counted are that address's
ranked as (
  select h.*,
    row_number() over (partition by h.account_id, h.identity_arn order by h.event_time desc, h.event_id) as rn,
    count(*) over (partition by h.account_id, h.identity_arn, h.source_ip_address, h.vpc_endpoint_id) as calls,
    min(h.event_time) over (partition by h.account_id, h.identity_arn, h.source_ip_address, h.vpc_endpoint_id)
      as first_time
  from hit as h
)
select
  r.identity_arn as resource,
  'alarm' as status,
  'The role credentials of EC2 instance ' || r.session_name || ' (role ' || regexp_replace(r.actor_arn, '^.*/', '')
    || ') made ' || r.calls || ' call(s) from ' || r.source_ip_address
    || case when date_trunc('second', r.first_time) = date_trunc('second', r.event_time) then ' at '
      else ' between ' || to_char(r.first_time, 'YYYY-MM-DD HH24:MI:SS') || ' and ' end
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC (last ' || r.event_name || ', ' || r.agent || '), an address ' || r.who
    || case when r.people > 1 then ' and ' || (r.people - 1) || ' other IAM caller(s)' else '' end
    || ' also called from'
    || case when t.addresses > 1 then '; it made ' || (t.calls - r.calls) || ' more call(s) from '
      || (t.addresses - 1) || ' other address(es) IAM callers used' else '' end
    || case when o.addresses is not null then '; the session was also used from ' || o.addresses
      || ' other address(es), the instance''s own' else '' end
    || ': the credentials were used off the instance; revoke the role''s sessions.' as reason,
  r.account_id,
  'global' as region
from ranked as r
  join hit_total as t on t.account_id = r.account_id and t.identity_arn = r.identity_arn
  left join own as o on o.account_id = r.account_id and o.identity_arn = r.identity_arn
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' uses the credentials of an EC2 instance from an address IAM users or root called from.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so the use of instance credentials cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
