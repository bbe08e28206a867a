/*
title: No new identity provider or federated sign-in source
description: >-
  CloudTrail shows, in the lookback_days days before the data was taken, no successful call that adds or
  changes an IAM identity provider (CreateSAMLProvider, UpdateSAMLProvider, CreateOpenIDConnectProvider,
  UpdateOpenIDConnectProviderThumbprint, AddClientIDToOpenIDConnectProvider), and no successful
  AssumeRoleWithSAML or AssumeRoleWithWebIdentity from a provider first seen more than baseline_hours hours after
  the account's first event in the window (providers seen at the start are the known ones). Failed calls are
  not counted: no provider was added and no session issued. Calls by AWS services and by service-linked roles
  (role path /aws-service-role/) are AWS's own: IAM Identity Center's AWSServiceRoleForSSO creates the
  AWSSSO_<id>_DO_NOT_DELETE SAML provider of every account it is enabled for. A customer role acting through a
  service (userIdentity.invokedBy cloudformation.amazonaws.com) still counts.
severity: high
resource_type: AWS::IAM::SAMLProvider
rationale: >-
  A new identity provider, or sessions from an issuer that was never used before, is a new way into the
  account that no IAM user list shows: an attacker who registers their own SAML or OIDC provider can mint
  sessions for any role that trusts it.
remediation: >-
  Confirm the provider and the roles that trust it with the identity team; delete the provider or the trust
  statement if nobody planned it, and review the sessions it issued.
tables: [cloudtrail_event_actor, cloudtrail_event_window, aws_cloudtrail_trail_event]
requires: [aws_cloudtrail_trail_event]
parameters:
  lookback_days: 90
  baseline_hours: 24
*/
with call as (
  select e.event_id, e.account_id, e.partition, e.event_time, e.event_name,
    coalesce(e.identity_arn, e.identity_user_name, e.actor_arn, e.user_type, 'an unknown caller') as caller,
    coalesce(t.request_parameters ->> 'sAMLProviderArn', t.request_parameters ->> 'openIDConnectProviderArn',
             t.response_elements ->> 'sAMLProviderArn', t.response_elements ->> 'openIDConnectProviderArn',
             t.request_parameters ->> 'principalArn', nullif(t.user_identity ->> 'identityProvider', ''),
             t.request_parameters ->> 'url', t.request_parameters ->> 'name', 'unknown') as provider,
    t.request_parameters ->> 'roleArn' as role_arn,
    coalesce(e.source_ip_address, 'an unknown address') as ip, coalesce(nullif(e.agent, ''), 'no user agent') as agent
  from cloudtrail_event_actor as e
    join aws_cloudtrail_trail_event as t on t.event_id = e.event_id and t.account_id = e.account_id
  where e.error_code is null
    and not e.aws_caller
    and ((e.event_source = 'iam.amazonaws.com'
          and e.event_name in ('CreateSAMLProvider', 'UpdateSAMLProvider', 'CreateOpenIDConnectProvider',
                               'UpdateOpenIDConnectProviderThumbprint', 'AddClientIDToOpenIDConnectProvider'))
      or (e.event_source = 'sts.amazonaws.com' and e.event_name in ('AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity')))
    and e.event_time > now() - :lookback_days * interval '1 day' and e.event_time <= now()
),
-- the account's events in the look-back window: the baseline starts at the first of them
lookback as (
  select w.*
  from cloudtrail_event_window as w
  where coalesce(w.earlier_time <= now() - :lookback_days * interval '1 day', true)
    and coalesce(w.first_time > now() - :lookback_days * interval '1 day', true)
),
first_use as (
  select account_id, provider, min(event_time) as first_seen
  from call
  where event_name like 'AssumeRoleWith%'
  group by account_id, provider
),
finding as (
  select c.* from call as c where c.event_name not like 'AssumeRoleWith%'
  union all
  select c.*
  from call as c
    join first_use as f on f.account_id = c.account_id and f.provider = c.provider and f.first_seen = c.event_time
    join lookback as ev on ev.account_id = c.account_id
  where c.event_name like 'AssumeRoleWith%' and f.first_seen > ev.first_time + :baseline_hours * interval '1 hour'
),
ranked as (
  select f.*,
    row_number() over (partition by f.account_id, f.provider order by f.event_time desc, f.event_id) as rn,
    count(*) over (partition by f.account_id, f.provider) as calls
  from finding as f
)
select
  case when r.provider like 'arn:%' then r.provider
    else 'arn:' || r.partition || ':iam::' || r.account_id || ':identity-provider/' || r.provider end as resource,
  'alarm' as status,
  r.caller || ' called ' || r.event_name || ' with provider ' || r.provider || coalesce(' for role ' || r.role_arn, '')
    || case when r.event_name like 'AssumeRoleWith%' then ' (the provider''s first session, more than ' || :baseline_hours
      || case when :baseline_hours = 1 then ' hour' else ' hours' end|| ' into the events examined)' else '' end
    || ' at ' || to_char(r.event_time, 'YYYY-MM-DD HH24:MI:SS') || ' UTC from ' || r.ip || ' (' || r.agent || ')'
    || '; confirm this federation path was planned.' as reason,
  r.account_id,
  'global' as region
from ranked as r
where r.rn = 1
union all
select w.resource, w.status,
  case when w.status = 'ok' then w.summary || ' adds an identity provider or is a federated session from a provider not seen in the first '
      || :baseline_hours || case when :baseline_hours = 1 then ' hour' else ' hours' end|| '.'
    else w.summary || ' falls in the ' || :lookback_days
      || case when :lookback_days = 1 then ' day' else ' days' end
      || ' before the data was taken, so new identity providers cannot be judged.' end,
  w.account_id,
  'global'
from lookback as w
where not exists (select 1 from ranked as r where r.account_id = w.account_id)
