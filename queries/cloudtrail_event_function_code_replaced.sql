/*
title: No Lambda function's code replaced by a person outside its deployments
description: >-
  CloudTrail shows no successful call, in the lookback_days days before the data was taken, by a person (an IAM
  user, the root user, a federated user or an IAM Identity Center session) that
  replaces what a Lambda function runs: UpdateFunctionCode, or UpdateFunctionConfiguration adding layers (a
  layer's extension runs beside the handler), unless the same principal with the same tool had already created
  or updated that function earlier in the window (its usual deployments). Role sessions of pipelines, calls made
  through CloudFormation and AWS's own calls are not judged. One row per function: its latest such change.
severity: medium
resource_type: AWS::Lambda::Function
rationale: >-
  A function runs with its execution role's permissions on every invocation: replacing its code or adding a layer
  makes that non-human identity run the caller's code, a persistence that survives the caller's own credentials
  being revoked, and a way to read the data and the role credentials the function handles (Stratus
  lambda-overwrite-code, lambda-layer-extension).
remediation: >-
  Confirm the change with the function's owner; redeploy the function from its pipeline if nobody planned it,
  review what the execution role did since, and keep lambda:UpdateFunctionCode and
  lambda:UpdateFunctionConfiguration to the deployment roles.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
*/
with call as (
  -- successful deployments of functions: creations, code updates, layers set
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.user_type, e.actor_arn, e.invoked_by,
    e.aws_caller,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.region, 'global') as event_region,
    -- the tool without its version or run id: Terraform/1.5.0 and Terraform/1.6.2 are one deployer
    lower(regexp_replace(coalesce(nullif(e.agent, ''), 'none'), '[/_ ].*$', '')) as tool,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    -- functionName is a name, a partial ARN (<account>:function:<name>) or an ARN, with or without a qualifier
    coalesce(e.response_elements ->> 'functionName',
      regexp_replace(e.request_parameters ->> 'functionName', '^(.*:)?function:([^:]+)(:.*)?$', '\2')) as function_name,
    e.request_parameters as params,
    e.response_elements ->> 'role' as function_role
  from cloudtrail_event_actor as e
  where e.event_source = 'lambda.amazonaws.com' and e.error_code is null
    and (e.event_name like 'CreateFunction%' or e.event_name like 'UpdateFunctionCode%'
         or (e.event_name like 'UpdateFunctionConfiguration%'
             and jsonb_typeof(e.request_parameters -> 'layers') = 'array'
             and jsonb_array_length(e.request_parameters -> 'layers') > 0))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
change as (
  select c.*,
    case when c.event_name like 'UpdateFunctionCode%' then
        'replaced the code of function ' || c.function_name
          || case when c.params ->> 's3Bucket' is not null
               then ' with s3://' || (c.params ->> 's3Bucket') || '/' || coalesce(c.params ->> 's3Key', '')
             when c.params ->> 'imageUri' is not null then ' with image ' || (c.params ->> 'imageUri')
             else ' with an uploaded archive' end
      else 'added layers ' || (c.params -> 'layers')::text || ' to function ' || c.function_name
    end as what,
    (select p.caller || ' (' || p.event_name || ' at ' || to_char(p.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC, '
            || p.agent || ')'
     from call as p
     where p.account_id = c.account_id and p.event_region = c.event_region and p.function_name = c.function_name
       and p.event_time < c.event_time
     order by p.event_time desc, p.event_id
     limit 1) as previous
  from call as c
  where c.event_name not like 'CreateFunction%' and c.function_name is not null
    and not c.aws_caller and c.invoked_by is null
    and (c.user_type in ('IAMUser', 'Root', 'FederatedUser')
         or (c.user_type = 'AssumedRole' and c.actor_arn like '%:role/aws-reserved/sso.amazonaws.com/%'))
    -- not the function's usual deployer: the same principal with the same tool deployed it before
    and not exists (
      select 1 from call as p
      where p.account_id = c.account_id and p.event_region = c.event_region and p.function_name = c.function_name
        and p.event_time < c.event_time and p.actor_arn is not distinct from c.actor_arn and p.tool = c.tool)
),
ranked as (
  select c.*,
    'arn:' || c.partition || ':lambda:' || c.event_region || ':' || c.account_id || ':function:' || c.function_name
      as resource,
    row_number() over (partition by c.account_id, c.event_region, c.function_name order by c.event_time desc, c.event_id)
      as rn,
    count(*) over (partition by c.account_id, c.event_region, c.function_name) as changes
  from change as c
)
select
  r.resource,
  'alarm' as status,
  r.caller || ' ' || r.what || ' at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip
    || ' (' || r.agent || ')' || coalesce('; the function runs as ' || r.function_role, '')
    || case when r.changes > 1 then '; ' || r.changes || ' such changes in the window' else '' end
    || coalesce('; the deployment before it: ' || r.previous, '; no earlier deployment of the function in the window')
    || '; confirm the change with the function''s owner and redeploy it from its pipeline if nobody planned it.'
    as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' replaces a Lambda function''s code outside its usual deployments.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so Lambda code changes cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
