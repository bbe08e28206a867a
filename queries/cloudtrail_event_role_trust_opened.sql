/*
title: No role trust opened to an outside account, everyone or an unconditioned federated provider
description: >-
  CloudTrail shows no successful UpdateAssumeRolePolicy or CreateRole, in the lookback_days days before the
  data was taken, whose new trust policy (from the request) the policy engine's trust analysis
  (iam_event_trust_access) judges to admit: an AWS account other than the role's own (named, or every principal
  of it admitted by "*" under a condition such as aws:PrincipalAccount; the reason says when only its role
  sessions are, as with aws:PrincipalArn arn:aws:iam::<account>:role/*) that is neither listed in
  trusted_accounts (comma-separated account ids) nor, when the organization is loaded, a member of the role's
  organization; everyone (the wildcard principal) unless a condition names who the caller is
  (aws:PrincipalOrgID, PrincipalArn, SourceAccount...); or a federated provider unless a condition names the
  caller (an OIDC :sub with its owner spelled out, a SAML subject, a Cognito :aud). Each alarm says which
  conditions the admission then depends on. Failed calls are not counted: the trust did not change, and denied
  IAM calls are counted by cloudtrail_event_access_denied_burst. Trusts AWS writes itself (an AWS service or a
  service-linked role, such as IAM Identity Center's AWSServiceRoleForSSO creating a permission set's
  AWSReservedSSO_ role, trusting the account's AWSSSO_ SAML provider) are not counted. A trust document the engine cannot read is a skip for that
  role. The role is reported under its ARN: the one a CreateRole event gives (its response, else its request's
  path), else the loaded IAM data's, else one another event of the account shows (cloudtrail_principal_arn), else
  built from its name, which the reason and the arn_source dimension then say (an IAM path would be missing).
severity: high
resource_type: AWS::IAM::Role
rationale: >-
  Adding one's own account to a role's trust policy is the quietest persistence in AWS: no new user, no new
  key, and the backdoor survives every credential rotation in the victim account.
remediation: >-
  Compare the trust policy with the intended one; remove the foreign account, the wildcard or the federated
  statement if nobody planned it, and look at AssumeRole calls on the role since the change.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event, iam_event_trust_access, cloudtrail_principal_arn]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  trusted_accounts: ''
*/
with change as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent,
    e.response_elements -> 'role' ->> 'arn' as created_arn
  from cloudtrail_event_actor as e
  where e.event_source = 'iam.amazonaws.com' and e.event_name in ('UpdateAssumeRolePolicy', 'CreateRole')
    and e.error_code is null and not e.aws_caller
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
opening as (
  select c.*, a.role_name, lower(a.role_name) as name_key, a.decision,
    -- CreateRole gives the role's ARN: in its response, else from the path of its request (the engine's role_arn)
    case when c.event_name = 'CreateRole' then coalesce(c.created_arn, a.role_arn) end as event_arn,
    case
      when a.decision = 'Error' then 'a trust policy the policy engine cannot read'
      when a.trusted_kind = 'anyone' then 'everyone (' || a.trusted || ')'
      when a.trusted_kind in ('oidc', 'saml') then 'federated provider ' || a.trusted
      when a.trusted_kind = 'account' and a.roles_only then 'role sessions of account ' || a.trusted_account
      when a.trusted_kind = 'account' then 'account ' || a.trusted_account
      else 'account ' || a.trusted_account || ' (' || a.trusted || ')'
    end
      || case
           when a.decision = 'Error' then ''
           when a.decision = 'Allowed' then ' with no condition its callers must meet'
           when a.names_caller then ' when conditions naming the caller hold (' || a.condition_keys || ')'
           when a.requires_external_id then ' with an ExternalId condition'
           else ' when conditions that do not name the caller hold (' || coalesce(a.condition_keys, 'none') || ')'
         end as admitted
  from change as c
    join iam_event_trust_access as a on a.event_id = c.event_id and a.account_id = c.account_id
  where a.decision = 'Error'
    or (a.decision in ('Allowed', 'AllowedIf') and (
      (a.trusted_kind = 'anyone' and not a.names_caller)
      or (a.trusted_kind in ('oidc', 'saml') and not a.names_caller)
      or (a.trusted_kind in ('account', 'principal') and a.external and a.trusted_account is not null
          and a.same_organization is not true
          and (',' || replace(:trusted_accounts, ' ', '') || ',') not like ('%,' || a.trusted_account || ',%'))))
),
per_role as (
  select account_id, name_key, min(partition) as partition, max(event_time) as last_time,
    string_agg(distinct admitted, ', ' order by admitted) as admitted, count(distinct event_id) as changes,
    bool_and(decision = 'Error') as unreadable
  from opening
  group by account_id, name_key
),
latest as (
  select o.*, row_number() over (partition by o.account_id, o.name_key order by o.event_time desc, o.event_id) as rn
  from opening as o
),
-- the newest ARN a CreateRole among the role's changes gives
created as (
  select o.account_id, o.name_key, o.event_arn,
    row_number() over (partition by o.account_id, o.name_key order by o.event_time desc, o.event_id) as rn
  from opening as o
  where o.event_arn is not null
),
-- the role's ARN with its path: the event's, else loaded IAM data, else another event of the account, else built
named as (
  select p.*, l.role_name, l.caller, l.event_name, l.event_time, l.ip, l.agent,
    coalesce(c.event_arn, n.arn, 'arn:' || p.partition || ':iam::' || p.account_id || ':role/' || l.role_name) as arn,
    case when c.event_arn is not null then 'event' else coalesce(n.arn_source, 'name') end as arn_source
  from per_role as p
    join latest as l on l.account_id = p.account_id and l.name_key = p.name_key and l.rn = 1
    left join created as c on c.account_id = p.account_id and c.name_key = p.name_key and c.rn = 1
    left join cloudtrail_principal_arn as n on n.account_id = p.account_id and n.principal_type = 'role'
      and n.name_key = p.name_key
)
select
  p.arn as resource,
  case when p.unreadable then 'skip' else 'alarm' end as status,
  p.caller || ' called ' || p.event_name || ' on role ' || p.role_name || ' at '
    || to_char(p.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || p.ip || ' (' || p.agent
    || case when p.unreadable then ') with ' || p.admitted || ', so whom it admits cannot be judged.'
       else '); its trust policy now admits ' || p.admitted
         || case when p.changes > 1 then ' (' || p.changes || ' such changes)' else '' end
         || '; confirm this trust was intended.' end
    || case when p.arn_source = 'name' then ' The role''s ARN is built from its name: no IAM data or other '
      || 'event of the account gives it, so an IAM path would be missing.' else '' end as reason,
  p.account_id,
  'global' as region,
  p.arn_source
from named as p
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' opens a role trust to an outside account, everyone or an unconditioned federated provider.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so role trust changes cannot be judged.' end,
  w.account_id,
  'global',
  null
from cloudtrail_event_window as w
where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
  and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
  and not exists (select 1 from per_role as p where p.account_id = w.account_id and not p.unreadable)
