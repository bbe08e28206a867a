/*
title: No Lambda function opened to everyone or another account
description: >-
  CloudTrail shows no successful Lambda AddPermission call, in the lookback_days days before the data was
  taken, that lets everyone (principal `*` without a SourceArn, SourceAccount or PrincipalOrgID condition) or an
  account other than the function's own and those in trusted_accounts call the function (invoke it, call its URL,
  read its code or configuration). AWS service principals are not judged, nor calls made by AWS itself or through
  CloudFormation. One row per function: its latest such grant, the reason saying whether a later
  RemovePermission of the same statement id took it back.
severity: high
resource_type: AWS::Lambda::Function
rationale: >-
  A resource-based policy statement letting anyone invoke a function is a way back in that no IAM identity
  shows: whoever knows the function's ARN (or its URL, with auth type NONE) runs it with its execution role's
  permissions (Stratus lambda-backdoor-function).
remediation: >-
  Confirm the statement with the function's owner; remove it (RemovePermission) if nobody planned it, and scope
  the ones that are needed with a source account, source ARN or organization condition.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  trusted_accounts: ''
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.aws_caller, e.invoked_by,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    -- functionName is a name, a partial ARN (<account>:function:<name>) or an ARN, with or without a qualifier
    regexp_replace(e.request_parameters ->> 'functionName', '^(.*:)?function:([^:]+)(:.*)?$', '\2') as function_name,
    e.request_parameters ->> 'statementId' as statement_id,
    e.request_parameters as params
  from cloudtrail_event_actor as e
  where e.event_source = 'lambda.amazonaws.com' and e.error_code is null
    and (e.event_name like 'AddPermission%' or e.event_name like 'RemovePermission%')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
grant_call as (
  -- who the statement admits: everyone, or the account a principal (an account id or an ARN) names
  select c.*, c.params ->> 'principal' as principal, c.params ->> 'action' as action,
    case when c.params ->> 'principal' = '*' then null
      when c.params ->> 'principal' ~ '^[0-9]{12}$' then c.params ->> 'principal'
      when c.params ->> 'principal' ~ '^arn:[^:]+:[^:]*:[^:]*:[0-9]{12}:' then split_part(c.params ->> 'principal', ':', 5)
    end as principal_account
  from call as c
  where c.event_name like 'AddPermission%' and not c.aws_caller and c.invoked_by is null
    and c.function_name is not null
),
opened as (
  select g.*,
    case when g.principal = '*' then 'everyone (*)' else 'account ' || g.principal_account end as who,
    (select min(r.event_time) from call as r
     where r.event_name like 'RemovePermission%' and r.account_id = g.account_id and r.event_region = g.event_region
       and r.function_name = g.function_name and r.statement_id = g.statement_id and r.event_time >= g.event_time)
      as removed_at
  from grant_call as g
  where (g.principal = '*'
         and g.params ->> 'sourceArn' is null and g.params ->> 'sourceAccount' is null
         and g.params ->> 'principalOrgID' is null)
     or (g.principal_account is not null and g.principal_account <> g.account_id
         and (',' || replace(:trusted_accounts, ' ', '') || ',') not like ('%,' || g.principal_account || ',%'))
),
ranked as (
  select o.*,
    'arn:' || o.partition || ':lambda:' || o.event_region || ':' || o.account_id || ':function:' || o.function_name
      as resource,
    row_number() over (partition by o.account_id, o.event_region, o.function_name order by o.event_time desc, o.event_id)
      as rn,
    count(*) over (partition by o.account_id, o.event_region, o.function_name) as grants
  from opened as o
)
select
  r.resource,
  'alarm' as status,
  r.caller || ' let ' || r.who || ' ' || coalesce(r.action, 'call') || ' function ' || r.function_name
    || coalesce(' (statement ' || r.statement_id || ')', '')
    || coalesce(', function URL auth type ' || (r.params ->> 'functionUrlAuthType'), '')
    || ' with AddPermission at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip
    || ' (' || r.agent || ')'
    || case when r.grants > 1 then '; ' || r.grants || ' such grants in the window' else '' end
    || coalesce('; RemovePermission took the statement back at ' || to_char(r.removed_at, 'YYYY-MM-DD HH24:MI:SS') || ' UTC',
                '; no later RemovePermission of the statement in the window')
    || '; confirm it with the function''s owner and remove it if nobody planned it.' as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' opens a Lambda function to everyone or another account.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so Lambda permission grants cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
