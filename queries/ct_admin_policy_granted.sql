/*
title: No administrator or escalation-enabling policy granted
description: >-
  CloudTrail shows no successful call, in the lookback_days days before the data was taken, that gives a user,
  group or role administrator or IAM power: AttachUserPolicy, AttachRolePolicy or AttachGroupPolicy of a
  managed policy named in admin_policies (comma-separated policy names); PutUserPolicy, PutRolePolicy or
  PutGroupPolicy of an inline policy that allows a broad action (*, *:*, iam:*, sts:*, iam:Put*, iam:Attach*,
  iam:Create*, iam:Update*, or one of the IAM actions that change credentials, policies or trust); or
  CreatePolicyVersion set as the default version with such an action. Failed calls are not counted: nothing
  was granted, and denied IAM calls are counted by ct_access_denied_burst.
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  Attaching AdministratorAccess or an inline "*" policy is how an attacker turns a foothold into control of the
  account, and how a backdoor identity is given the power to come back.
remediation: >-
  Confirm the grant with the caller and the owner of the principal; detach or delete the policy if nobody
  planned it, and investigate what the principal did since.
tables: [iamsql_account, cloudtrail_event_actor, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  admin_policies: AdministratorAccess,IAMFullAccess,PowerUserAccess,AdministratorAccess-Amplify,AdministratorAccess-AWSElasticBeanstalk,AWSOrganizationsFullAccess
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(t.user_identity ->> 'arn', e.actor_arn, e.user_type, 'an unknown caller') as caller,
    case when t.request_parameters ->> 'userName' is not null then 'user/' || (t.request_parameters ->> 'userName')
      when t.request_parameters ->> 'roleName' is not null then 'role/' || (t.request_parameters ->> 'roleName')
      when t.request_parameters ->> 'groupName' is not null then 'group/' || (t.request_parameters ->> 'groupName')
      else regexp_replace(coalesce(t.request_parameters ->> 'policyArn', 'policy/unknown'), '^arn:[^:]*:iam::[^:]*:', '')
    end as target,
    t.request_parameters ->> 'policyArn' as policy_arn,
    t.request_parameters ->> 'policyName' as policy_name,
    case when t.request_parameters ->> 'policyDocument' like '{%' then (t.request_parameters ->> 'policyDocument')::jsonb end as doc,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
    join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
  where e.event_source = 'iam.amazonaws.com' and e.error_code is null
    and (e.event_name in ('AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy', 'PutUserPolicy', 'PutRolePolicy',
                          'PutGroupPolicy')
      or (e.event_name = 'CreatePolicyVersion' and t.request_parameters ->> 'setAsDefault' = 'true'))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
broad as (
  select c.event_id, string_agg(distinct a, ', ') as actions
  from call as c,
    jsonb_array_elements(case when jsonb_typeof(c.doc -> 'Statement') = 'array' then c.doc -> 'Statement'
                              else jsonb_build_array(c.doc -> 'Statement') end) as s,
    jsonb_array_elements_text(case when jsonb_typeof(s -> 'Action') = 'array' then s -> 'Action'
                                   when s -> 'Action' is null then '[]'::jsonb
                                   else jsonb_build_array(s -> 'Action') end) as a
  where c.doc is not null and s ->> 'Effect' = 'Allow'
    and lower(a) ~ '^(\*|\*:\*|iam:\*|sts:\*|iam:(put|attach|create|update)\*|iam:(createaccesskey|createloginprofile|updateloginprofile|attach(user|role|group)policy|put(user|role|group)policy|createpolicyversion|setdefaultpolicyversion|updateassumerolepolicy|addusertogroup))$'
  group by c.event_id
),
grant_ as (
  select c.*,
    case when c.policy_arn is not null and c.event_name like 'Attach%'
      then 'managed policy ' || regexp_replace(c.policy_arn, '^.*/', '')
      else coalesce('inline policy ' || c.policy_name, 'default version of ' || regexp_replace(c.policy_arn, '^.*/', ''))
        || ' allowing ' || b.actions
    end as what
  from call as c
    left join broad as b on b.event_id = c.event_id
  where (c.event_name like 'Attach%'
         and (',' || replace(:admin_policies, ' ', '') || ',') like ('%,' || regexp_replace(c.policy_arn, '^.*/', '') || ',%'))
     or b.actions is not null
),
ranked as (
  select g.*,
    row_number() over (partition by g.account_id, g.target order by g.event_time desc, g.event_id) as rn,
    count(*) over (partition by g.account_id, g.target) as grants
  from grant_ as g
),
events as (
  select account_id, count(*) as events, min(event_time) as first_time, max(event_time) as last_time
  from cloudtrail_event_actor
  where event_time > now() - :lookback_days * interval '1 day' and event_time <= now()
  group by account_id
)
select
  'arn:' || r.partition || ':iam::' || r.account_id || ':' || r.target as resource,
  'alarm' as status,
  r.caller || ' called ' || r.event_name || ' on ' || replace(r.target, '/', ' ') || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || '), granting '
    || r.what || case when r.grants > 1 then ' (' || r.grants || ' such grants in all)' else '' end
    || '; confirm the grant was intended.' as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select
  'arn:' || a.partition || ':::' || a.account_id,
  case when coalesce(ev.events, 0) = 0 then 'skip' else 'ok' end,
  case
    when coalesce(ev.events, 0) = 0 then
      'No CloudTrail events of account ' || a.account_id || ' fall in the ' || :lookback_days
        || ' days before the data was taken, so administrator grants cannot be judged.'
    else 'None of the ' || ev.events || ' CloudTrail events from ' || to_char(ev.first_time, 'YYYY-MM-DD HH24:MI')
      || ' to ' || to_char(ev.last_time, 'YYYY-MM-DD HH24:MI')
      || ' UTC grants an administrator or escalation-enabling policy.'
  end,
  a.account_id,
  'global'
from iamsql_account as a
  left join events as ev on ev.account_id = a.account_id
where not exists (select 1 from ranked as r where r.account_id = a.account_id)
