/*
title: No S3 bucket opened to everyone or another account
description: >-
  CloudTrail shows no successful PutBucketPolicy or PutBucketAcl, in the lookback_days days before the data was
  taken, that opens a bucket: a bucket policy statement allowing everyone (principal `*`, or `AWS` `*`) with no
  condition on a key that fixes who may call (aws:SourceArn, aws:SourceAccount, aws:SourceOwner, aws:SourceVpc,
  aws:SourceVpce, aws:SourceIp, aws:SourceOrgID, aws:SourceOrgPaths, aws:PrincipalOrgID, aws:PrincipalOrgPaths,
  aws:PrincipalAccount, aws:PrincipalArn, aws:userid, s3:DataAccessPointAccount, s3:DataAccessPointArn: the keys S3's
  Block Public Access treats as making a policy non-public), or allowing an AWS account other than the bucket's own
  and those in trusted_accounts (an account id or an ARN of it); an ACL granting the AllUsers or AuthenticatedUsers
  group (a grant, a grant header, or the canned ACLs public-read, public-read-write and authenticated-read). The
  policy is read statement by statement from the request. AWS service principals and CloudFront origin access
  identities are not judged, nor the Elastic Load Balancing accounts AWS documents for access log delivery (older
  Regions name an account instead of a service). A refused call changed nothing (S3 refuses a public policy where
  Block Public Access is on). Calls AWS makes itself are not counted; a role acting through CloudFormation is. One
  row per bucket: its latest such change.
severity: high
resource_type: AWS::S3::Bucket
rationale: >-
  A bucket policy or ACL opened to everyone or a stranger's account hands the bucket's data to them with no IAM
  identity of the account showing it: the exfiltration path of Stratus s3-backdoor-bucket-policy (ATT&CK T1537,
  T1098), and how most public data leaks happen.
remediation: >-
  Confirm the change with the bucket's owner; remove the statement or grant if nobody planned it, turn on S3 Block
  Public Access (account and bucket), and scope cross-account statements to the principals that need them.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  trusted_accounts: ''
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.request_parameters ->> 'bucketName' as bucket,
    e.request_parameters as params
  from cloudtrail_event_actor as e
  where e.event_source = 's3.amazonaws.com' and e.event_name in ('PutBucketPolicy', 'PutBucketAcl')
    and e.error_code is null and not e.aws_caller
    and e.request_parameters ->> 'bucketName' is not null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
statement as (
  select c.event_id, st
  from call as c,
    jsonb_array_elements(case when jsonb_typeof(c.params -> 'bucketPolicy' -> 'Statement') = 'array'
                           then c.params -> 'bucketPolicy' -> 'Statement'
                           else jsonb_build_array(c.params -> 'bucketPolicy' -> 'Statement') end) as st
  where c.event_name = 'PutBucketPolicy' and jsonb_typeof(c.params -> 'bucketPolicy') = 'object'
    and st ->> 'Effect' = 'Allow'
),
-- each AWS principal an Allow statement names: `*` as a string Principal, else each value of its AWS member
principal as (
  select b.*,
    case when b.who ~ '^[0-9]{12}$' then b.who when b.who ~ '^arn:[^:]+:iam::[0-9]{12}:' then split_part(b.who, ':', 5)
      end as principal_account
  from (
    select s.event_id, s.st, '*' as who
    from statement as s
    where jsonb_typeof(s.st -> 'Principal') = 'string' and s.st ->> 'Principal' = '*'
    union all
    select s.event_id, s.st, p
    from statement as s,
      jsonb_array_elements_text(case when jsonb_typeof(s.st -> 'Principal' -> 'AWS') = 'array'
                                  then s.st -> 'Principal' -> 'AWS'
                                  else jsonb_build_array(s.st -> 'Principal' -> 'AWS') end) as p
    where jsonb_typeof(s.st -> 'Principal') = 'object' and s.st -> 'Principal' -> 'AWS' is not null
  ) as b
),
opening as (
  select c.event_id,
    case when p.who = '*' then 'everyone (*)' else 'account ' || p.principal_account end as who,
    coalesce((p.st -> 'Action')::text, (p.st -> 'NotAction')::text, 'no action') as actions
  from call as c
    join principal as p on p.event_id = c.event_id
  where (p.who = '*'
         and coalesce(lower((p.st -> 'Condition')::text) !~ ('"(aws:sourcearn|aws:sourceaccount|aws:sourceowner|aws:sourcevpce?'
           || '|aws:sourceip|aws:sourceorgid|aws:sourceorgpaths|aws:principalorgid|aws:principalorgpaths|aws:principalaccount'
           || '|aws:principalarn|aws:userid|s3:dataaccesspointaccount|s3:dataaccesspointarn)"'), true))
     or (p.who <> '*'
         and p.principal_account <> c.account_id
         and (',' || replace(:trusted_accounts, ' ', '') || ',')
           not like ('%,' || p.principal_account || ',%')
         -- the accounts Elastic Load Balancing delivers access logs from, per Region (its documentation)
         and p.principal_account not in (
           '127311923021', '033677994240', '027434742980', '797873946194', '098369216593', '754344448648',
           '582318560864', '600734575887', '383597477331', '718504428378', '114774131450', '783225319266',
           '985666609251', '054676820928', '897822967062', '635631232127', '156460612806', '652711504416',
           '009996457667', '076674570225', '507241528517', '048591011584', '190560391635', '638102146993',
           '037604701340'))
  union all
  -- an ACL: the groups of everyone and of every AWS account, granted in the body or a grant header, or a canned ACL
  select c.event_id,
    case when (c.params -> 'AccessControlPolicy')::text like '%/groups/global/AllUsers%'
           or (c.params -> 'x-amz-acl')::text like '%public-read%'
           or concat_ws(' ', (c.params -> 'x-amz-grant-read')::text, (c.params -> 'x-amz-grant-write')::text,
                        (c.params -> 'x-amz-grant-read-acp')::text, (c.params -> 'x-amz-grant-write-acp')::text,
                        (c.params -> 'x-amz-grant-full-control')::text) like '%/groups/global/AllUsers%'
      then 'everyone (AllUsers)' else 'every AWS account (AuthenticatedUsers)' end,
    'the bucket ACL'
  from call as c
  where c.event_name = 'PutBucketAcl'
    and ((c.params -> 'AccessControlPolicy')::text ~ '/groups/global/(AllUsers|AuthenticatedUsers)'
         or (c.params -> 'x-amz-acl')::text ~ '(public-read|authenticated-read)'
         or concat_ws(' ', (c.params -> 'x-amz-grant-read')::text, (c.params -> 'x-amz-grant-write')::text,
                      (c.params -> 'x-amz-grant-read-acp')::text, (c.params -> 'x-amz-grant-write-acp')::text,
                      (c.params -> 'x-amz-grant-full-control')::text) ~ '/groups/global/(AllUsers|AuthenticatedUsers)')
),
opened as (
  select c.event_id, c.account_id, c.partition, c.event_time, c.event_name, c.caller, c.ip, c.agent, c.bucket,
    string_agg(distinct o.who || ' (' || o.actions || ')', ', ' order by o.who || ' (' || o.actions || ')') as grants
  from call as c
    join opening as o on o.event_id = c.event_id
  group by c.event_id, c.account_id, c.partition, c.event_time, c.event_name, c.caller, c.ip, c.agent, c.bucket
),
ranked as (
  select o.*,
    row_number() over (partition by o.account_id, o.bucket order by o.event_time desc, o.event_id) as rn,
    count(*) over (partition by o.account_id, o.bucket) as changes
  from opened as o
)
select
  'arn:' || r.partition || ':s3:::' || r.bucket as resource,
  'alarm' as status,
  r.caller || ' opened bucket ' || r.bucket || ' to ' || r.grants || ' with ' || r.event_name || ' at '
    || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || case when r.changes > 1 then '; ' || r.changes || ' such changes in the window' else '' end
    || '; confirm it with the bucket''s owner and remove the grant if nobody planned it.' as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' opens an S3 bucket to everyone or another account.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so bucket policies and ACLs cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
