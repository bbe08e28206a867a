/*
title: No role trust opened to an outside account, everyone or an unconditioned federated provider
description: >-
  CloudTrail shows no successful UpdateAssumeRolePolicy or CreateRole, in the lookback_days days before the
  data was taken, whose trust policy (parsed from the request) allows an AWS account other than the role's own
  and not listed in trusted_accounts (comma-separated account ids, e.g. the other accounts of the
  organization), the wildcard principal without a condition naming who (aws:PrincipalOrgID, PrincipalArn,
  SourceAccount...), or a federated provider without a condition on the token (an OIDC :sub, SAML:aud or a
  Cognito :aud key). Failed calls are not counted: the trust did not change, and denied IAM calls are counted
  by ct_access_denied_burst.
severity: high
resource_type: AWS::IAM::Role
rationale: >-
  Adding one's own account to a role's trust policy is the quietest persistence in AWS: no new user, no new
  key, and the backdoor survives every credential rotation in the victim account.
remediation: >-
  Compare the trust policy with the intended one; remove the foreign account, the wildcard or the federated
  statement if nobody planned it, and look at AssumeRole calls on the role since the change.
tables: [iamsql_account, cloudtrail_event_actor, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  trusted_accounts: ''
*/
with change as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(t.user_identity ->> 'arn', e.actor_arn, e.user_type, 'an unknown caller') as caller,
    t.request_parameters ->> 'roleName' as role_name,
    coalesce(t.request_parameters ->> 'policyDocument', t.request_parameters ->> 'assumeRolePolicyDocument')::jsonb as doc,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
    join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
  where e.event_source = 'iam.amazonaws.com' and e.event_name in ('UpdateAssumeRolePolicy', 'CreateRole')
    and e.error_code is null
    and coalesce(t.request_parameters ->> 'policyDocument', t.request_parameters ->> 'assumeRolePolicyDocument') like '{%'
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
statement as (
  select c.event_id, s, lower(coalesce((s -> 'Condition')::text, '')) as condition
  from change as c,
    jsonb_array_elements(case when jsonb_typeof(c.doc -> 'Statement') = 'array' then c.doc -> 'Statement'
                              else jsonb_build_array(c.doc -> 'Statement') end) as s
  where s ->> 'Effect' = 'Allow'
),
principal as (
  select st.event_id, 'AWS' as kind, p as value, st.condition
  from statement as st,
    jsonb_array_elements_text(case when jsonb_typeof(st.s -> 'Principal' -> 'AWS') = 'array' then st.s -> 'Principal' -> 'AWS'
                                   when st.s -> 'Principal' -> 'AWS' is null then '[]'::jsonb
                                   else jsonb_build_array(st.s -> 'Principal' -> 'AWS') end) as p
  union all
  select st.event_id, 'AWS', st.s ->> 'Principal', st.condition
  from statement as st
  where jsonb_typeof(st.s -> 'Principal') = 'string'
  union all
  select st.event_id, 'Federated', p, st.condition
  from statement as st,
    jsonb_array_elements_text(case when jsonb_typeof(st.s -> 'Principal' -> 'Federated') = 'array' then st.s -> 'Principal' -> 'Federated'
                                   when st.s -> 'Principal' -> 'Federated' is null then '[]'::jsonb
                                   else jsonb_build_array(st.s -> 'Principal' -> 'Federated') end) as p
),
opening as (
  select c.*, p.kind, p.value,
    case
      when p.kind = 'AWS' and p.value = '*' then 'everyone (*)'
      when p.kind = 'Federated' then 'federated provider ' || p.value
      else 'account ' || regexp_replace(p.value, '^arn:[^:]*:(iam|sts)::([0-9]{12}):.*$', '\2')
    end as admitted
  from change as c join principal as p on p.event_id = c.event_id
  where
    (p.kind = 'AWS' and p.value = '*'
      and p.condition !~ 'aws:(principalorgid|principalorgpaths|principalaccount|principalarn|sourceaccount|sourcearn|sourceorgid|sourceorgpaths)')
    or (p.kind = 'AWS' and p.value <> '*'
      and regexp_replace(p.value, '^arn:[^:]*:(iam|sts)::([0-9]{12}):.*$', '\2') ~ '^[0-9]{12}$'
      and regexp_replace(p.value, '^arn:[^:]*:(iam|sts)::([0-9]{12}):.*$', '\2') <> c.account_id
      and (',' || replace(:trusted_accounts, ' ', '') || ',') not like
        ('%,' || regexp_replace(p.value, '^arn:[^:]*:(iam|sts)::([0-9]{12}):.*$', '\2') || ',%'))
    or (p.kind = 'Federated' and p.condition !~ '(:sub"|saml:aud|saml:sub|cognito-identity\.amazonaws\.com:aud)')
),
per_role as (
  select account_id, role_name, min(partition) as partition, max(event_time) as last_time,
    string_agg(distinct admitted, ', ') as admitted, count(distinct event_id) as changes
  from opening
  group by account_id, role_name
),
latest as (
  select o.*, row_number() over (partition by o.account_id, o.role_name order by o.event_time desc, o.event_id) as rn
  from opening as o
),
events as (
  select account_id, count(*) as events, min(event_time) as first_time, max(event_time) as last_time
  from cloudtrail_event_actor
  where event_time > now() - :lookback_days * interval '1 day' and event_time <= now()
  group by account_id
)
select
  'arn:' || p.partition || ':iam::' || p.account_id || ':role/' || p.role_name as resource,
  'alarm' as status,
  l.caller || ' called ' || l.event_name || ' on role ' || p.role_name || ' at '
    || to_char(l.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || l.ip || ' (' || l.agent
    || '); its trust policy now admits ' || p.admitted
    || case when p.changes > 1 then ' (' || p.changes || ' such changes)' else '' end
    || '; confirm this trust was intended.' as reason,
  p.account_id,
  'global' as region
from per_role as p
  join latest as l on l.account_id = p.account_id and l.role_name = p.role_name and l.rn = 1
union all
select
  'arn:' || a.partition || ':::' || a.account_id,
  case when coalesce(ev.events, 0) = 0 then 'skip' else 'ok' end,
  case
    when coalesce(ev.events, 0) = 0 then
      'No CloudTrail events of account ' || a.account_id || ' fall in the ' || :lookback_days
        || ' days before the data was taken, so role trust changes cannot be judged.'
    else 'None of the ' || ev.events || ' CloudTrail events from ' || to_char(ev.first_time, 'YYYY-MM-DD HH24:MI')
      || ' to ' || to_char(ev.last_time, 'YYYY-MM-DD HH24:MI')
      || ' UTC opens a role trust to an outside account, everyone or an unconditioned federated provider.'
  end,
  a.account_id,
  'global'
from iamsql_account as a
  left join events as ev on ev.account_id = a.account_id
where not exists (select 1 from per_role as p where p.account_id = a.account_id)
