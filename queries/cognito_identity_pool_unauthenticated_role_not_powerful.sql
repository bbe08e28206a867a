/*
title: Identity pools do not hand a powerful role to unauthenticated identities
description: >-
  No Amazon Cognito identity pool that admits unauthenticated identities (allow_unauthenticated_identities) has an
  unauthenticated role with administrator power (full_admin, iam_admin) or an open privilege-escalation path, as
  the policy engine judges the role (iam_principal_access, conditions counted as holding) and whose trust policy
  admits the pool's unauthenticated identities (iam_principal_access question identity_pool_guest, detail the pool:
  the trust asked for sts:AssumeRoleWithWebIdentity by cognito-identity.amazonaws.com with the pool's id as
  cognito-identity.amazonaws.com:aud and unauthenticated as its amr, so a trust of another pool or of authenticated
  identities only does not admit them). Guests get the role whole through the basic flow, which only a pool with
  allow_classic_flow offers; in the enhanced flow Cognito scopes their credentials down with the session policy
  AmazonCognitoUnAuthedIdentitiesSessionPolicy, so a pool without the basic flow is judged by the power they keep
  (iam_principal_access question identity_pool_guest_enhanced, detail the pool). A pool whose basic flow setting is
  not loaded is judged by the role's whole power. A pool whose roles or unauthenticated setting are not loaded, whose
  unauthenticated role is not in the loaded IAM data, or whose role's answer or trust the engine cannot judge from
  what is loaded, is skipped; so is one whose role the loaded policies make powerful beside a document that is not
  loaded (a Deny there would win), and one whose guests get the role whole while the account's users, roles or
  managed policies are loaded in part (a path through one not loaded may exist). Each pool is judged on its own:
  an account whose roles are loaded in part is not skipped as a whole.
severity: critical
resource_type: AWS::Cognito::IdentityPool
rationale: >-
  GetId and GetCredentialsForIdentity are public calls: anyone who knows the pool id, which web and mobile apps
  ship in their code, gets the unauthenticated role's credentials without signing in. A powerful unauthenticated
  role gives that power to the whole internet.
remediation: >-
  Turn off unauthenticated identities for the pool, or give it an unauthenticated role with only what a guest of
  the app needs (and a trust policy with the cognito-identity.amazonaws.com:aud of this pool and amr
  unauthenticated).
tables: [aws_cognito_identity_pool, iam_principal_access, iamsql_partial]
requires: [aws_cognito_identity_pool]
*/
with judged_answer as (
  -- proven: allowed by documents that are all known; an allow beside a document not loaded (a managed policy, a
  -- boundary: its Deny would win) is as unknown as an answer that depends on one
  select principal_arn, account_id, question, title, detail, missing,
    decision in ('Allowed', 'AllowedIf') and missing is null as proven,
    decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null) as unknown
  from iam_principal_access
  where question in ('full_admin', 'iam_admin', 'identity_pool_guest', 'identity_pool_guest_enhanced')
    or question like 'escalation:%'
), answer as (
  select principal_arn, account_id,
    bool_or(proven) as powerful,
    bool_or(unknown) as unknown,
    string_agg(distinct case when question like 'escalation:%' then split_part(question, ':', 2) else title end, '; ')
      filter (where proven) as powers,
    min(missing) filter (where unknown) as missing
  from judged_answer
  where question in ('full_admin', 'iam_admin') or question like 'escalation:%'
  group by principal_arn, account_id
), partial_iam as (
  -- the account's tables an escalation path may go through that are loaded in part: one through a user, role or
  -- policy not loaded may exist
  select account_id, string_agg(table_name, ', ' order by table_name) as tables
  from iamsql_partial
  where table_name in ('aws_iam_user', 'aws_iam_role', 'aws_iam_policy')
  group by account_id
), known as (
  select distinct principal_arn, account_id from iam_principal_access
), guest as (
  select principal_arn, account_id, detail as pool_arn, proven as admitted, unknown
  from judged_answer
  where question = 'identity_pool_guest'
), enhanced as (
  select principal_arn, account_id, detail as pool_arn,
    bool_or(proven) as powerful,
    bool_or(unknown) as unknown,
    string_agg(distinct title, '; ') filter (where proven) as powers,
    min(missing) filter (where unknown) as missing
  from judged_answer
  where question = 'identity_pool_guest_enhanced'
  group by principal_arn, account_id, detail
), pool as (
  select p.*, p.roles ->> 'unauthenticated' as guest_role, coalesce(p.akas ->> 0, p.identity_pool_id) as pool_arn,
    coalesce(p.allow_classic_flow, true) as basic_flow
  from aws_cognito_identity_pool as p
), judged as (
  -- what a guest gets: the role whole through the basic flow, else what the enhanced flow's session policy leaves
  select p.*, k.principal_arn as known_role, t.admitted, t.unknown as trust_unknown,
    coalesce(a.powerful, false) or coalesce(a.unknown, false) as role_may_be_powerful,
    case when p.basic_flow then coalesce(a.powerful, false) else coalesce(e.powerful, false) end as powerful,
    case when p.basic_flow then coalesce(a.unknown, false) else coalesce(e.unknown, false) end as unknown,
    case when p.basic_flow then a.powers else e.powers end as powers,
    case when p.basic_flow then a.missing else e.missing end as missing,
    t2.tables as partial_tables
  from pool as p
    left join known as k on k.principal_arn = p.guest_role and k.account_id = p.account_id
    left join answer as a on a.principal_arn = p.guest_role and a.account_id = p.account_id
    left join guest as t on t.principal_arn = p.guest_role and t.account_id = p.account_id and t.pool_arn = p.pool_arn
    left join enhanced as e on e.principal_arn = p.guest_role and e.account_id = p.account_id
      and e.pool_arn = p.pool_arn
    left join partial_iam as t2 on t2.account_id = p.account_id
)
select
  p.pool_arn as resource,
  case
    when p.allow_unauthenticated_identities is null then 'skip'
    when not p.allow_unauthenticated_identities then 'ok'
    when p.roles is null then 'skip'
    when p.guest_role is null then 'ok'
    when p.known_role is null then 'skip'
    when p.powerful and coalesce(p.admitted, false) then 'alarm'
    when p.powerful and coalesce(p.trust_unknown, false) then 'skip'
    when p.powerful then 'ok'
    when p.unknown or (p.basic_flow and p.partial_tables is not null) then 'skip'
    else 'ok'
  end as status,
  'Identity pool ' || coalesce(p.identity_pool_name, p.identity_pool_id) || case
    when p.allow_unauthenticated_identities is null then
      ' was loaded without its settings; load describe-identity-pool to judge it.'
    when not p.allow_unauthenticated_identities then ' does not admit unauthenticated identities.'
    when p.roles is null then
      ' admits unauthenticated identities, but its roles are not loaded; load get-identity-pool-roles to judge it.'
    when p.guest_role is null then ' admits unauthenticated identities but gives them no role.'
    when p.known_role is null then
      ' gives unauthenticated identities the role ' || p.guest_role || ', which is not in the loaded IAM data.'
    when p.powerful and coalesce(p.admitted, false) then
      ' gives anyone, without signing in, the role ' || p.guest_role || ', which has ' || p.powers
      || case when p.basic_flow then '' else ' even within the enhanced flow''s session policy' end
      || '; turn off unauthenticated identities or give guests a role with only what they need.'
    when p.powerful and coalesce(p.trust_unknown, false) then
      ' gives unauthenticated identities the powerful role ' || p.guest_role
      || ', whose trust policy the engine cannot read.'
    when p.powerful then
      ' gives unauthenticated identities the role ' || p.guest_role || ', which has ' || p.powers
      || ', but its trust policy does not admit the unauthenticated identities of this pool, so they cannot assume it.'
    when p.unknown then
      ' gives unauthenticated identities the role ' || p.guest_role || ', whose power depends on ' || p.missing
      || ' (a Deny there could take away what the loaded policies allow); load get-account-authorization-details to '
      || 'judge it.'
    when p.basic_flow and p.partial_tables is not null then
      ' gives unauthenticated identities the role ' || p.guest_role || ', which has no administrator power or '
      || 'privilege-escalation path in the loaded data, but only part of ' || p.partial_tables || ' is loaded for its '
      || 'account: a path through a user, role or policy that is not loaded may exist; load '
      || 'get-account-authorization-details to judge it.'
    when p.role_may_be_powerful then
      ' gives unauthenticated identities the role ' || p.guest_role || ', but does not offer them the basic flow, and '
      || 'the session policy Cognito gives them in the enhanced flow (AmazonCognitoUnAuthedIdentitiesSessionPolicy) '
      || 'leaves no administrator power or privilege-escalation path, whatever the role allows.'
    else ' gives unauthenticated identities the role ' || p.guest_role || ', which has no administrator power '
      || 'and no privilege-escalation path.'
  end as reason,
  p.account_id,
  p.region,
  p.guest_role as unauthenticated_role
from judged as p
