/*
title: No snapshot or machine image shared with everyone or an outside account
description: >-
  CloudTrail shows no successful call, in the lookback_days days before the data was taken, that lets everyone or
  an account other than the resource's own, those in trusted_accounts and the members of the account's
  organization (organizations list-accounts loaded) copy an EBS snapshot (ModifySnapshotAttribute adding a
  createVolumePermission), launch or copy an AMI (ModifyImageAttribute adding a launchPermission) or restore an RDS
  DB snapshot or DB cluster snapshot (ModifyDBSnapshotAttribute, ModifyDBClusterSnapshotAttribute adding values of
  the restore attribute). The group all (EC2) and the value all (RDS) make the snapshot or image public. An
  organization or OU an AMI is shared with is not judged (as RAM's). Calls made by AWS itself are not counted; a
  role acting through CloudFormation is. One row per snapshot or image: the outside accounts its calls added,
  the latest call, and a later call that removed them.
severity: high
resource_type: AWS::EC2::Snapshot, AWS::EC2::Image, AWS::RDS::DBSnapshot, AWS::RDS::DBClusterSnapshot
rationale: >-
  A snapshot or image shared with another account is a whole copy of a disk or database handed over: the
  recipient restores it in their own account, out of reach of this account's IAM, logs and keys (unless the
  snapshot is encrypted with a key they may use). Stratus Red Team's ec2-share-ebs-snapshot, ec2-share-ami and
  rds-share-snapshot do exactly this (ATT&CK T1537, transfer data to a cloud account).
remediation: >-
  Confirm the account is a known partner or account of yours; remove the permission (ModifySnapshotAttribute,
  ModifyImageAttribute or Modify(DB|DBCluster)SnapshotAttribute with remove / valuesToRemove) if nobody planned
  it, turn on EBS snapshot and AMI block public access, and list sibling accounts in trusted_accounts or load the
  organization.
tables: [iamsql_organization_member, cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  trusted_accounts: ''
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name, e.aws_caller,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.region, 'global') as event_region,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    case e.event_name
      when 'ModifySnapshotAttribute' then 'EBS snapshot ' || (e.request_parameters ->> 'snapshotId')
      when 'ModifyImageAttribute' then 'AMI ' || (e.request_parameters ->> 'imageId')
      when 'ModifyDBSnapshotAttribute' then 'DB snapshot ' || (e.request_parameters ->> 'dBSnapshotIdentifier')
      else 'DB cluster snapshot ' || (e.request_parameters ->> 'dBClusterSnapshotIdentifier')
    end as label,
    -- the resource's ARN: EBS snapshots and AMIs have no account in theirs; an RDS identifier may be an ARN
    case e.event_name
      when 'ModifySnapshotAttribute' then 'arn:' || e.partition || ':ec2:' || e.region || '::snapshot/'
        || (e.request_parameters ->> 'snapshotId')
      when 'ModifyImageAttribute' then 'arn:' || e.partition || ':ec2:' || e.region || '::image/'
        || (e.request_parameters ->> 'imageId')
      when 'ModifyDBSnapshotAttribute' then
        case when (e.request_parameters ->> 'dBSnapshotIdentifier') like 'arn:%'
          then e.request_parameters ->> 'dBSnapshotIdentifier'
          else 'arn:' || e.partition || ':rds:' || e.region || ':' || e.account_id || ':snapshot:'
            || (e.request_parameters ->> 'dBSnapshotIdentifier') end
      else
        case when (e.request_parameters ->> 'dBClusterSnapshotIdentifier') like 'arn:%'
          then e.request_parameters ->> 'dBClusterSnapshotIdentifier'
          else 'arn:' || e.partition || ':rds:' || e.region || ':' || e.account_id || ':cluster-snapshot:'
            || (e.request_parameters ->> 'dBClusterSnapshotIdentifier') end
    end as resource,
    e.request_parameters as params
  from cloudtrail_event_actor as e
  where e.error_code is null and not e.aws_caller
    and ((e.event_source = 'ec2.amazonaws.com' and e.event_name in ('ModifySnapshotAttribute', 'ModifyImageAttribute'))
      or (e.event_source = 'rds.amazonaws.com'
          and e.event_name in ('ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute')
          and lower(e.request_parameters ->> 'attributeName') = 'restore'))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
-- one row per account (or `all`) a call adds or removes: EC2's `add`/`remove` items (userId, group), RDS's
-- valuesToAdd/valuesToRemove
change as (
  select c.*, 'add' as op, coalesce(i ->> 'userId', lower(i ->> 'group')) as grantee
  from call as c,
    jsonb_array_elements(coalesce(c.params -> 'createVolumePermission' -> 'add' -> 'items',
                                  c.params -> 'launchPermission' -> 'add' -> 'items', '[]'::jsonb)) as i
  union all
  select c.*, 'remove', coalesce(i ->> 'userId', lower(i ->> 'group'))
  from call as c,
    jsonb_array_elements(coalesce(c.params -> 'createVolumePermission' -> 'remove' -> 'items',
                                  c.params -> 'launchPermission' -> 'remove' -> 'items', '[]'::jsonb)) as i
  union all
  select c.*, 'add', lower(v)
  from call as c, jsonb_array_elements_text(coalesce(c.params -> 'valuesToAdd', '[]'::jsonb)) as v
  union all
  select c.*, 'remove', lower(v)
  from call as c, jsonb_array_elements_text(coalesce(c.params -> 'valuesToRemove', '[]'::jsonb)) as v
),
member as (
  -- organization members as the loaded list-accounts outputs give them (arn: .../account/<org id>/<account>)
  select distinct id as account_id, split_part(arn, '/', 2) as organization_id
  from iamsql_organization_member
),
outside as (
  select g.*
  from change as g
    left join member as o on o.account_id = g.account_id
    left join member as m on m.account_id = g.grantee and m.organization_id = o.organization_id
  where g.op = 'add'
    and (g.grantee = 'all'
      or (g.grantee ~ '^[0-9]{12}$' and g.grantee <> g.account_id and m.account_id is null
          and (',' || replace(:trusted_accounts, ' ', '') || ',') not like ('%,' || g.grantee || ',%')))
),
-- the first later call on the resource removing the grantee
judged as (
  select o.*,
    (select min(r.event_time) from change as r
     where r.account_id = o.account_id and r.resource = o.resource and r.grantee = o.grantee and r.op = 'remove'
       and r.event_time >= o.event_time) as removed_at
  from outside as o
),
per_resource as (
  select j.account_id, j.resource, min(j.event_region) as event_region,
    string_agg(distinct case when j.grantee = 'all' then 'everyone (all)' else 'account ' || j.grantee end
      || coalesce(' (removed at ' || to_char(j.removed_at, 'YYYY-MM-DD HH24:MI:SS') || ' UTC)', ''), ', ') as grantees,
    bool_or(j.grantee = 'all') as public, count(distinct j.event_id) as calls, bool_and(j.removed_at is not null) as undone
  from judged as j
  group by j.account_id, j.resource
),
latest as (
  select j.*, row_number() over (partition by j.account_id, j.resource order by j.event_time desc, j.event_id) as rn
  from judged as j
)
select
  p.resource,
  'alarm' as status,
  l.caller || ' shared ' || l.label || ' with ' || p.grantees
    || case when p.public then ', making it public,' else ' (outside the account''s organization as loaded and trusted_accounts)' end
    || ' with ' || l.event_name || ' at ' || to_char(l.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || l.ip
    || ' (' || l.agent || ')'
    || case when p.calls > 1 then '; ' || p.calls || ' such calls in the window' else '' end
    || case when p.undone then '; each was removed later, but a copy made meanwhile stays with them'
      else '; still shared at the end of the window' end
    || case when p.public then '; confirm it is meant to be public.'
      else '; confirm the account is a known partner or account of yours.' end as reason,
  p.account_id,
  p.event_region as region
from per_resource as p
  join latest as l on l.account_id = p.account_id and l.resource = p.resource and l.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' shares a snapshot or machine image with everyone or an outside account.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so snapshot and image sharing cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from per_resource as p where p.account_id = w.account_id)
