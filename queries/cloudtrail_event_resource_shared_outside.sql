/*
title: No resources shared through RAM with an outside account
description: >-
  CloudTrail shows no successful AWS RAM CreateResourceShare or AssociateResourceShare call, in the lookback_days
  days before the data was taken, that names as a principal an account other than the share's own, those in
  trusted_accounts and the members of the share's account's organization (organizations list-accounts loaded),
  or an IAM role or user of such an account. An organization or OU principal is the owner's own organization (RAM
  shares only with the caller's organization) and a service principal is AWS's: neither is judged. A share whose
  latest CreateResourceShare or UpdateResourceShare before the call set allowExternalPrincipals false is kept
  inside the organization by RAM and is not judged. Calls made by AWS itself are not counted; a customer's role
  acting through CloudFormation is. One row per share: its principals outside, the resources the call named and
  the later DisassociateResourceShare or DeleteResourceShare that took them back, if any.
severity: high
resource_type: AWS::RAM::ResourceShare
rationale: >-
  A resource share gives another account's principals use of the shared resources (subnets, transit gateways,
  Route 53 Resolver rules, License Manager configurations, private CAs, Glue catalogues...) without any IAM
  identity or resource policy of the account showing it: a way in, or out, that an attacker with RAM rights sets
  up once and keeps.
remediation: >-
  Confirm the account is a known partner or account of yours; remove it from the share
  (DisassociateResourceShare) if nobody planned it, set allowExternalPrincipals false on shares that serve only
  the organization, and list sibling accounts in trusted_accounts or load the organization.
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
    -- the share: the ARN a call names, else the one CreateResourceShare's response gives
    coalesce(e.request_parameters ->> 'resourceShareArn',
             e.response_elements -> 'resourceShare' ->> 'resourceShareArn') as share_arn,
    coalesce(e.request_parameters ->> 'name', e.response_elements -> 'resourceShare' ->> 'name') as share_name,
    lower(e.request_parameters ->> 'allowExternalPrincipals') as allow_external,
    e.request_parameters as params
  from cloudtrail_event_actor as e
  where e.event_source = 'ram.amazonaws.com' and e.error_code is null
    and e.event_name = any(array['CreateResourceShare', 'AssociateResourceShare', 'UpdateResourceShare',
                                 'DisassociateResourceShare', 'DeleteResourceShare'])
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
share_call as (
  select c.*, jsonb_array_length(c.params -> 'resourceArns') as resource_count,
    c.params -> 'resourceArns' ->> 0 as first_resource
  from call as c
  where c.event_name in ('CreateResourceShare', 'AssociateResourceShare') and not c.aws_caller
),
-- one row per principal a call names, with the account it belongs to: an account id, or an IAM role's or user's
-- ARN (`arn:<partition>:iam::<account>:role/...`); organizations, OUs and service principals have none
principal as (
  select s.*, p as principal,
    case when p ~ '^[0-9]{12}$' then p
      when p ~ '^(arn:[^:]+:)?iam::[0-9]{12}:(role|user)/' then regexp_replace(p, '^(arn:[^:]+:)?iam::([0-9]{12}):.*$', '\2')
    end as principal_account
  from share_call as s, jsonb_array_elements_text(s.params -> 'principals') as p
),
member as (
  -- organization members as the loaded list-accounts outputs give them (arn: .../account/<org id>/<account>)
  select distinct id as account_id, split_part(arn, '/', 2) as organization_id
  from iamsql_organization_member
),
foreign_principal as (
  select p.*
  from principal as p
    left join member as o on o.account_id = p.account_id
    left join member as m on m.account_id = p.principal_account and m.organization_id = o.organization_id
  where p.principal_account is not null and p.principal_account <> p.account_id and m.account_id is null
    and (',' || replace(:trusted_accounts, ' ', '') || ',') not like ('%,' || p.principal_account || ',%')
),
-- RAM refuses principals outside the organization to a share whose allowExternalPrincipals is false: the share's
-- latest setting at the call (CreateResourceShare's own, or an UpdateResourceShare since), true by default
setting as (
  select f.event_id, f.principal, s.allow_external,
    row_number() over (partition by f.event_id, f.principal order by s.event_time desc, s.event_id desc) as rn
  from foreign_principal as f
    join call as s on s.account_id = f.account_id and s.share_arn = f.share_arn and s.event_time <= f.event_time
      and s.event_name in ('CreateResourceShare', 'UpdateResourceShare') and s.allow_external is not null
),
outside as (
  select f.*
  from foreign_principal as f
    left join setting as s on s.event_id = f.event_id and s.principal = f.principal and s.rn = 1
  where coalesce(s.allow_external, case when f.event_name = 'CreateResourceShare' then f.allow_external end, 'true')
    <> 'false'
),
per_call as (
  select o.account_id, o.event_region, o.event_id, o.event_time, o.event_name, o.caller, o.ip, o.agent,
    coalesce(o.share_arn, 'arn:' || o.partition || ':ram:' || o.event_region || ':' || o.account_id
      || ':resource-share/' || coalesce(o.share_name, 'unknown')) as resource,
    o.share_arn, o.share_name, o.resource_count, o.first_resource,
    string_agg(o.principal, ', ' order by o.principal) as principals
  from outside as o
  group by o.account_id, o.partition, o.event_region, o.event_id, o.event_time, o.event_name, o.caller, o.ip,
    o.agent, o.share_arn, o.share_name, o.resource_count, o.first_resource
),
ranked as (
  select c.*,
    row_number() over (partition by c.account_id, c.resource order by c.event_time desc, c.event_id) as rn,
    count(*) over (partition by c.account_id, c.resource) as shares,
    (select min(r.event_time) from call as r
     where r.account_id = c.account_id and r.share_arn = c.share_arn and r.event_time >= c.event_time
       and (r.event_name = 'DeleteResourceShare'
            or (r.event_name = 'DisassociateResourceShare' and r.params -> 'principals' is not null))) as taken_back_at
  from per_call as c
)
select
  r.resource,
  'alarm' as status,
  r.caller || ' shared ' || coalesce('resource share ' || r.share_name, 'a resource share')
    || ' with ' || r.principals || ' (outside the account''s organization as loaded and trusted_accounts)'
    || ' with ' || r.event_name || ' at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip
    || ' (' || r.agent || ')'
    || case when coalesce(r.resource_count, 0) = 0 then '; the call named no resource (the share''s others are shared)'
      else '; resources: ' || r.first_resource
        || case when r.resource_count > 1 then ' and ' || (r.resource_count - 1) || ' more' else '' end end
    || case when r.shares > 1 then '; ' || r.shares || ' such calls on the share in the window' else '' end
    || coalesce('; a DisassociateResourceShare or DeleteResourceShare at '
                || to_char(r.taken_back_at, 'YYYY-MM-DD HH24:MI:SS') || ' UTC took principals off it',
                '; no later DisassociateResourceShare or DeleteResourceShare in the window')
    || '; confirm the account is a known partner or account of yours.' as reason,
  r.account_id,
  r.event_region as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' shares resources through RAM with an outside account.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so resource shares cannot be judged.' end,
  w.account_id,
  'global'
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from ranked as r where r.account_id = w.account_id)
