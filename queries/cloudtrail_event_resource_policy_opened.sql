/*
title: No secret, KMS key, topic, queue or repository policy opened to everyone or an outside account
description: >-
  CloudTrail shows no successful call, in the lookback_days days before the data was taken, that sets a resource
  policy the policy engine says admits everyone or an outside account: Secrets Manager PutResourcePolicy, KMS
  PutKeyPolicy and CreateKey with a policy, SNS SetTopicAttributes (Policy) and CreateTopic, SQS
  SetQueueAttributes and CreateQueue with a Policy attribute, ECR SetRepositoryPolicy. The new policy (from the
  request) is asked of the engine's trust analysis (iam_event_resource_policy_access), for each AWS principal it
  names, whether it lets a caller of another account read or change what the resource holds or take it over
  (secrets: GetSecretValue, PutSecretValue, PutResourcePolicy, DeleteSecret; keys: Decrypt, Encrypt,
  GenerateDataKey, ReEncryptFrom, CreateGrant, PutKeyPolicy, ScheduleKeyDeletion; topics: Subscribe, Publish,
  SetTopicAttributes; queues: ReceiveMessage, SendMessage, SetQueueAttributes; repositories: BatchGetImage,
  GetDownloadUrlForLayer, PutImage, SetRepositoryPolicy), with KMS's kms:CallerAccount the caller's account. It
  alarms on everyone (the wildcard principal) unless a condition names who the caller is (aws:PrincipalOrgID,
  aws:PrincipalArn, aws:SourceAccount, aws:SourceOwner...), and on an AWS account other than the resource's own
  that is neither in trusted_accounts nor, when the organization is loaded, a member of its organization. Service
  principals are AWS's and not judged. A policy the engine cannot read is a skip for that resource. Failed calls
  changed nothing; calls AWS makes itself are not counted, a role acting through CloudFormation is. One row per
  resource, naming whom its policies admit to which actions and under which conditions.
severity: high
resource_type: AWS::SecretsManager::Secret, AWS::KMS::Key, AWS::SNS::Topic, AWS::SQS::Queue, AWS::ECR::Repository
rationale: >-
  A resource policy opened to a stranger's account or to everyone hands over what the resource holds (a secret's
  value, what a key decrypts, a queue's messages, a repository's images) with no IAM identity of the account
  showing it, and outlives every credential rotation: ATT&CK T1098 (account manipulation) and T1537 (transfer
  data to a cloud account), GuardDuty's Policy findings, the way a key is taken hostage (an outside account
  allowed kms:PutKeyPolicy or ScheduleKeyDeletion).
remediation: >-
  Compare the policy with the intended one; remove the outside account or the wildcard statement if nobody
  planned it, turn on Secrets Manager's BlockPublicPolicy, and look at the resource's use by that account since
  the change (GetSecretValue, Decrypt, ReceiveMessage, BatchGetImage calls of its principals).
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, iam_event_resource_policy_access]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  trusted_accounts: ''
*/
with change as (
  select e.event_id, e.account_id, e.event_time, e.event_name, e.region,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
  where e.error_code is null and not e.aws_caller
    and e.event_source in ('secretsmanager.amazonaws.com', 'kms.amazonaws.com', 'sns.amazonaws.com',
                           'sqs.amazonaws.com', 'ecr.amazonaws.com')
    and e.event_name in ('PutResourcePolicy', 'PutKeyPolicy', 'CreateKey', 'SetTopicAttributes', 'CreateTopic',
                         'SetQueueAttributes', 'CreateQueue', 'SetRepositoryPolicy')
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
opening as (
  select c.*, a.resource_arn, a.decision, a.action,
    case
      when a.decision = 'Error' then 'a policy the policy engine cannot read'
      when a.trusted_kind = 'anyone' then 'everyone (' || a.trusted || ')'
      when a.trusted_kind = 'account' then 'account ' || a.trusted_account
      else 'account ' || a.trusted_account || ' (' || a.trusted || ')'
    end
      || case
           when a.decision = 'Error' then ''
           when a.decision = 'Allowed' then ' with no condition its callers must meet'
           when a.names_caller then ' when conditions naming the caller hold (' || a.condition_keys || ')'
           else ' when conditions that do not name the caller hold (' || coalesce(a.condition_keys, 'none') || ')'
         end as admitted
  from change as c
    join iam_event_resource_policy_access as a on a.event_id = c.event_id and a.account_id = c.account_id
  where a.decision = 'Error'
    or (a.decision in ('Allowed', 'AllowedIf') and (
      (a.trusted_kind = 'anyone' and not a.names_caller)
      or (a.trusted_kind in ('account', 'principal') and a.external and a.trusted_account is not null
          and a.same_organization is not true
          and (',' || replace(:trusted_accounts, ' ', '') || ',') not like ('%,' || a.trusted_account || ',%'))))
),
-- each admission with the actions it is given, over the resource's changes in the window
per_admission as (
  select account_id, resource_arn, admitted || ' to ' || string_agg(distinct action, ', ' order by action) as granted
  from opening
  where decision <> 'Error'
  group by account_id, resource_arn, admitted
),
per_resource as (
  select o.account_id, o.resource_arn, count(distinct o.event_id) as changes,
    bool_and(o.decision = 'Error') as unreadable
  from opening as o
  group by o.account_id, o.resource_arn
),
granted as (
  select account_id, resource_arn, string_agg(granted, '; ' order by granted) as granted
  from per_admission
  group by account_id, resource_arn
),
latest as (
  select o.*, row_number() over (partition by o.account_id, o.resource_arn order by o.event_time desc, o.event_id) as rn
  from opening as o
)
select
  p.resource_arn as resource,
  case when p.unreadable then 'skip' else 'alarm' end as status,
  l.caller || ' called ' || l.event_name || ' on ' || p.resource_arn || ' at '
    || to_char(l.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || l.ip || ' (' || l.agent
    || case when p.unreadable then ') with a policy the policy engine cannot read, so whom it admits cannot be judged.'
       else '); its policy admits ' || g.granted
         || case when p.changes > 1 then ' (' || p.changes || ' such changes)' else '' end
         || '; confirm this access was intended.' end as reason,
  p.account_id,
  coalesce(l.region, 'global') as region
from per_resource as p
  join latest as l on l.account_id = p.account_id and l.resource_arn = p.resource_arn and l.rn = 1
  left join granted as g on g.account_id = p.account_id and g.resource_arn = p.resource_arn
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' opens a secret, KMS key, topic, queue or repository policy to everyone or an outside account.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so resource policy changes cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from per_resource as p where p.account_id = w.account_id and not p.unreadable)
