/*
title: Roles assumed from outside the account keep sessions short
description: >-
  A role whose maximum session duration (MaxSessionDuration, 3,600 to 43,200 seconds) is above
  max_session_seconds alarms when callers it cannot control may get sessions that long: a principal of another
  account or anyone (iam_role_trust_access.external) that may be an IAM user (a trust naming an account admits its
  users), or a SAML or OIDC federated identity (AssumeRoleWithSAML and AssumeRoleWithWebIdentity accept a
  DurationSeconds up to the maximum). Callers that can only be role sessions (iam_role_trust_access.roles_only: a
  role named in Principal, or "*" or an account whose conditions admit only roles, such as aws:PrincipalArn
  arn:aws:iam::444455556666:role/deploy) pass: role chaining caps their sessions at one hour, whatever the
  maximum. Roles only assumable from their own account or by services pass.
severity: low
resource_type: AWS::IAM::Role
rationale: >-
  Temporary credentials cannot be revoked one by one; stolen session credentials of a federated or third-party
  caller stay valid until they expire, up to twelve hours.
remediation: Lower the role's maximum session duration (aws iam update-role --max-session-duration 3600) unless the callers need long sessions.
tables: [aws_iam_role, iam_role_trust_access]
parameters:
  max_session_seconds: 3600
*/
with outside as (
  select role_arn, account_id,
    string_agg(distinct trusted, ', ') filter (where decision in ('Allowed', 'AllowedIf') and not roles_only)
      as trusted,
    string_agg(distinct trusted, ', ') filter (where decision in ('Allowed', 'AllowedIf') and roles_only)
      as chained,
    bool_or(decision = 'Unknown' and not roles_only) as unknown
  from iam_role_trust_access
  where decision in ('Allowed', 'AllowedIf', 'Unknown')
    and (external or trusted_kind in ('saml', 'oidc'))
  group by role_arn, account_id
)
select
  r.arn as resource,
  case
    when r.assume_role_policy_std is null then 'skip'
    when r.max_session_duration is null and o.trusted is not null then 'skip'
    when r.max_session_duration > :max_session_seconds and o.trusted is not null then 'alarm'
    when o.unknown and coalesce(r.max_session_duration > :max_session_seconds, true) then 'skip'
    else 'ok'
  end as status,
  'Role ' || r.name || case
    when r.assume_role_policy_std is null then
      ' was loaded without its trust policy; load get-account-authorization-details or list-roles to evaluate it.'
    when r.max_session_duration is null and o.trusted is not null then
      ' may be assumed by ' || o.trusted || ' but its maximum session duration was not loaded.'
    when r.max_session_duration > :max_session_seconds and o.trusted is not null then
      ' gives sessions of up to ' || r.max_session_duration || ' seconds to ' || o.trusted
      || ' (limit ' || :max_session_seconds || '); shorten it.'
    when o.trusted is not null then
      ' may be assumed by ' || o.trusted || ' for at most ' || r.max_session_duration || ' seconds.'
    when o.unknown and coalesce(r.max_session_duration > :max_session_seconds, true) then
      ' has a trust policy the engine cannot read.'
    when o.unknown then
      ' has a trust policy the engine cannot read, and sessions of at most ' || r.max_session_duration || ' seconds.'
    when o.chained is not null then
      ' may be assumed from outside the account only by role sessions (through ' || o.chained
      || '); role chaining caps their sessions at one hour.'
    else ' may not be assumed by another account or a federated identity.'
  end as reason,
  r.account_id,
  'global' as region
from aws_iam_role as r
  left join outside as o on o.role_arn = r.arn and o.account_id = r.account_id
