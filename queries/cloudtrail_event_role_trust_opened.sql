/*
title: No role trust opened to an outside account, everyone or an unconditioned federated provider
description: >-
  CloudTrail shows no successful UpdateAssumeRolePolicy or CreateRole, in the lookback_days days before the
  data was taken, whose new trust policy (from the request) the policy engine's trust analysis
  (iam_event_trust_access) judges to admit: an AWS account other than the role's own that is neither listed in
  trusted_accounts (comma-separated account ids) nor, when the organization is loaded, a member of the role's
  organization; everyone (the wildcard principal) unless a condition names who the caller is
  (aws:PrincipalOrgID, PrincipalArn, SourceAccount...); or a federated provider unless a condition names the
  caller (an OIDC :sub with its owner spelled out, a SAML subject, a Cognito :aud). Each alarm says which
  conditions the admission then depends on. Failed calls are not counted: the trust did not change, and denied
  IAM calls are counted by cloudtrail_event_access_denied_burst. A trust document the engine cannot read is a skip for that
  role.
severity: high
resource_type: AWS::IAM::Role
rationale: >-
  Adding one's own account to a role's trust policy is the quietest persistence in AWS: no new user, no new
  key, and the backdoor survives every credential rotation in the victim account.
remediation: >-
  Compare the trust policy with the intended one; remove the foreign account, the wildcard or the federated
  statement if nobody planned it, and look at AssumeRole calls on the role since the change.
tables: [iamsql_account, cloudtrail_event_actor, aws_cloudtrail_trail_event, iam_event_trust_access]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  trusted_accounts: ''
*/
with change as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(e.identity_arn, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
    join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
  where e.event_source = 'iam.amazonaws.com' and e.event_name in ('UpdateAssumeRolePolicy', 'CreateRole')
    and e.error_code is null
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
opening as (
  select c.*, a.role_name, a.decision,
    case
      when a.decision = 'Error' then 'a trust policy the policy engine cannot read'
      when a.trusted_kind = 'anyone' then 'everyone (' || a.trusted || ')'
      when a.trusted_kind in ('oidc', 'saml') then 'federated provider ' || a.trusted
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
  select account_id, role_name, min(partition) as partition, max(event_time) as last_time,
    string_agg(distinct admitted, ', ' order by admitted) as admitted, count(distinct event_id) as changes,
    bool_and(decision = 'Error') as unreadable
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
  case when p.unreadable then 'skip' else 'alarm' end as status,
  l.caller || ' called ' || l.event_name || ' on role ' || p.role_name || ' at '
    || to_char(l.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || l.ip || ' (' || l.agent
    || case when p.unreadable then ') with ' || p.admitted || ', so whom it admits cannot be judged.'
       else '); its trust policy now admits ' || p.admitted
         || case when p.changes > 1 then ' (' || p.changes || ' such changes)' else '' end
         || '; confirm this trust was intended.' end as reason,
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
where not exists (select 1 from per_role as p where p.account_id = a.account_id and not p.unreadable)
