/*
The calls people and workloads made, each as the IAM action it asks for and the principal behind it, up to the
time the data was taken: what the detections that count how many of their listed actions one caller made within a
time window read (cloudtrail_event_privilege_escalation_activity, cloudtrail_event_llm_jacking). Calls AWS made
are left out: those of AWS services and of sessions of service-linked roles (aws_caller), those a service made for
the caller (invokedBy, such as CloudFormation running a stack) and those whose user agent is an AWS service
(agent_kind aws_service; the console's back end calling with a person's session is the person's, agent_kind console).

- caller: the IAM principal behind the call, or the account of a caller named only by its account (caller_arn of
  cloudtrail_event_actor), else the caller's own ARN, else its identity type, else 'unknown'.
- action: `<service prefix>:<event name>`, the IAM action that allows the call: Lambda's event names lose their API
  version (UpdateFunctionCode20150331v2 is lambda:UpdateFunctionCode), and Bedrock's Converse and ConverseStream
  are bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream, the actions that allow them.
- minute: the call's event time, to the minute.
- ip, agent: the source address ('unknown' when the event has none) and the calling tool ('no user agent').
- account_id, partition, region, event_time, error_code: the event's.

The action is made once per distinct event source and name (a few hundred in a million calls) and joined back,
not spelled out for every call; the CTE is `MATERIALIZED` so that DuckDB keeps it on the distinct pairs.
*/
with named as materialized (
  select event_source, event_name,
    split_part(event_source, '.', 1) || ':' || case
      when event_source = 'lambda.amazonaws.com' then regexp_replace(event_name, '20[0-9]{6}(v[0-9]+)?$', '')
      when event_source = 'bedrock.amazonaws.com' and event_name = 'Converse' then 'InvokeModel'
      when event_source = 'bedrock.amazonaws.com' and event_name = 'ConverseStream' then 'InvokeModelWithResponseStream'
      else event_name
    end as action
  from (select distinct event_source, event_name from cloudtrail_event_actor) as d
)
select e.account_id, e.partition,
  coalesce(e.caller_arn, e.identity_arn, e.user_type, 'unknown') as caller,
  n.action,
  date_trunc('minute', e.event_time) as minute, e.event_time, e.error_code, e.region,
  coalesce(e.source_ip_address, 'unknown') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
from cloudtrail_event_actor as e
  join named as n on n.event_source is not distinct from e.event_source and n.event_name is not distinct from e.event_name
where e.agent_kind is distinct from 'aws_service'
  and not e.aws_caller and e.invoked_by is null
  and e.event_time <= now()
