/*
Every IAM principal of every loaded account (root, users, roles) classified as human or non-human identity
(NHI). Each principal gets the verdict of the first rule of `iam_principal_rule` (lowest priority) that
matches it; `nhi_rule` names that rule and `nhi_reason` says what matched. docs/nhi.md describes the rules.

Columns: principal_arn, principal_type ('root' | 'user' | 'role'), name, path, create_date, account_id,
partition, is_nhi, nhi_rule, nhi_reason. Users and roles seen in CloudTrail but absent from the loaded IAM data
are listed too (name and path from their ARN, create_date NULL).

Evidence used (only what is loaded counts; a missing source simply matches no rule):
- trust policies (roles): a `Service` principal, an OIDC / web-identity provider or
  `sts:AssumeRoleWithWebIdentity` (NHI); a SAML provider or `sts:AssumeRoleWithSAML` (human workforce);
- service-linked roles (path `/aws-service-role/`);
- the tag named by the `identity_tag` rule (`iamsql:identity-type` = `nhi` | `human`), name, tag and path rules;
- CloudTrail, the 90 days before the data was taken: calls only from SDKs, the CLI or infrastructure tools and
  no console sign-in or browser call (workload usage; a refused sign-in is no use);
- access keys and passwords: an IAM user with an active access key (iam_user_access_key: the user's
  list-access-keys where loaded, else the credential report) and no console password (iam_user_sign_in: the
  user's get-login-profile where loaded, else the report; a user the report does not list, its get-login-profile).
*/
with
report as (
  select user_arn, user_name, user_creation_time, account_id, partition
  from aws_iam_credential_report
  where user_name <> '<root_account>'
),
principal as (
  select 'arn:' || a.partition || ':iam::' || a.account_id || ':root' as principal_arn, 'root' as principal_type,
    '<root_account>' as name, null as path, null::timestamptz as create_date, null::jsonb as tags,
    a.account_id, a.partition
  from iamsql_account as a
  union all
  select coalesce(u.arn, r.user_arn), 'user', coalesce(u.name, r.user_name), u.path,
    coalesce(u.create_date, r.user_creation_time), u.tags, coalesce(u.account_id, r.account_id),
    coalesce(u.partition, r.partition)
  from aws_iam_user as u
    full join report as r on r.user_arn = u.arn
  union all
  select arn, 'role', name, path, create_date, tags, account_id, partition
  from aws_iam_role
  union all
  -- principals known only from CloudTrail (their IAM data is not loaded, or they were deleted)
  select actor_arn, actor_type, regexp_replace(split_part(actor_arn, ':', 6), '^.*/', ''),
    '/' || regexp_replace(split_part(actor_arn, ':', 6), '^[^/]+/((.*/)?)[^/]*$', '\1'), null, null,
    account_id, partition
  -- each caller once (a few thousand rows), then looked up in the IAM data, not each of its events
  from (select actor_arn, actor_type, min(account_id) as account_id, min(partition) as partition
        from cloudtrail_event_actor
        where actor_type in ('user', 'role')
        group by actor_arn, actor_type) as e
  where not exists (select 1 from aws_iam_user as u where u.arn = e.actor_arn)
    and not exists (select 1 from aws_iam_role as r where r.arn = e.actor_arn)
    and not exists (select 1 from aws_iam_credential_report as c where c.user_arn = e.actor_arn)
),
trust_statement as (
  select r.arn as principal_arn, s
  from aws_iam_role as r, jsonb_array_elements(r.assume_role_policy_std -> 'Statement') as s
  where s ->> 'Effect' = 'Allow'
),
trust as (
  select principal_arn, 'service_trust' as kind, v as trusted
  from trust_statement, jsonb_array_elements_text(coalesce(s -> 'Principal' -> 'Service', '[]'::jsonb)) as v
  union all
  select principal_arn,
    case when v like '%:saml-provider/%' or s -> 'Action' ? 'sts:assumerolewithsaml' then 'saml_trust' else 'oidc_trust' end,
    v
  from trust_statement, jsonb_array_elements_text(coalesce(s -> 'Principal' -> 'Federated', '[]'::jsonb)) as v
),
-- calls per principal and tool first (a few rows per principal instead of one per event), then per principal
usage_by_agent as (
  select actor_arn, agent_kind, agent, event_name = 'ConsoleLogin' as console_login, count(*) as calls,
    min(event_time) as first_time, max(event_time) as last_time
  from cloudtrail_event_actor
  -- a refused console sign-in is no use of the identity it names
  where actor_arn is not null and event_time > now() - interval '90 days' and event_time <= now()
    and not sign_in_failed
  group by actor_arn, agent_kind, agent, event_name = 'ConsoleLogin'
),
usage as (
  select actor_arn as principal_arn,
    sum(calls)::bigint as calls,
    coalesce(sum(calls) filter (where agent_kind = 'programmatic'), 0)::bigint as programmatic_calls,
    coalesce(sum(calls) filter (where agent_kind = 'console' or console_login), 0)::bigint as console_calls,
    string_agg(distinct tool, ', ' order by tool) filter (where tool_rank <= 5) as agents,
    count(distinct tool) as agent_count,
    min(first_time) as first_time, max(last_time) as last_time
  from (
    -- the programmatic calls' tools (the user agent's product), numbered in name order, so that the reason names
    -- the first five
    select u.*, dense_rank() over (partition by u.actor_arn order by u.tool nulls last) as tool_rank
    from (select b.*, case when b.agent_kind = 'programmatic' then regexp_replace(b.agent, '/.*$', '') end as tool
          from usage_by_agent as b) as u
  ) as u
  group by actor_arn
),
-- one row per (principal, matching rule) with what matched
evidence as (
  select p.principal_arn, rule.rule_id, null as identity_type, 'the root user is the account owner, a person' as reason
  from principal as p, iam_principal_rule as rule
  where rule.kind = 'root' and p.principal_type = 'root'
  union all
  select p.principal_arn, rule.rule_id, lower(p.tags ->> rule.pattern),
    'tagged ' || rule.pattern || '=' || (p.tags ->> rule.pattern)
  from principal as p, iam_principal_rule as rule
  where rule.kind = 'identity_tag' and lower(p.tags ->> rule.pattern) in ('nhi', 'human')
  union all
  select p.principal_arn, rule.rule_id, null, 'a service-linked role, used only by an AWS service'
  from principal as p, iam_principal_rule as rule
  where rule.kind = 'service_linked_role' and p.principal_type = 'role' and p.path like '/aws-service-role/%'
  union all
  select t.principal_arn, rule.rule_id, null,
    case t.kind
      when 'saml_trust' then 'trusted by the SAML identity provider ' || t.trusted || ' (workforce federation)'
      when 'service_trust' then 'trusted by the AWS service ' || t.trusted
      else 'trusted by the web-identity (OIDC) provider ' || t.trusted
    end
  from (select principal_arn, kind, string_agg(distinct trusted, ', ') as trusted from trust group by principal_arn, kind) as t,
    iam_principal_rule as rule
  where rule.kind = t.kind
  union all
  select p.principal_arn, rule.rule_id, null,
    case rule.kind
      when 'name' then 'its name matches ' || rule.pattern
      when 'tag' then 'tagged ' || rule.pattern
      else 'its path starts with ' || rule.pattern
    end
  from principal as p, iam_principal_rule as rule
  where rule.applies_to in ('any', p.principal_type) and p.principal_type <> 'root'
    and case rule.kind
      when 'name' then lower(p.name) like lower(rule.pattern)
      when 'tag' then lower(p.tags ->> split_part(rule.pattern, '=', 1))
        like lower(substr(rule.pattern, strpos(rule.pattern, '=') + 1))
      when 'path' then starts_with(p.path, rule.pattern)
      else false
    end
  union all
  select u.principal_arn, rule.rule_id, null,
    'CloudTrail shows ' || u.calls || case when u.calls = 1 then ' call ' else ' calls ' end
      || case when date_trunc('minute', u.first_time) = date_trunc('minute', u.last_time) then 'at '
        else 'from ' || to_char(u.first_time, 'YYYY-MM-DD HH24:MI') || ' to ' end
      || to_char(u.last_time, 'YYYY-MM-DD HH24:MI') || ' UTC, made with ' || u.agents
      || case when u.agent_count > 5 then ' and ' || (u.agent_count - 5) || ' more' else '' end || ', and no console use'
  from usage as u, iam_principal_rule as rule
  where rule.kind = 'workload_usage' and u.console_calls = 0 and u.programmatic_calls > 0
  union all
  -- the user's active keys as of the data (list-access-keys where loaded, newer than the report); its password as
  -- the report or get-login-profile says (for a user created after the report, its get-login-profile)
  select p.principal_arn, rule.rule_id, null, 'has an active access key and no console password'
  from principal as p
    join iam_principal_rule as rule on rule.kind = 'keys_without_password'
    join iam_user_sign_in as s on s.account_id = p.account_id and s.user_arn = p.principal_arn
  where p.principal_type = 'user' and not coalesce(s.password_enabled, false)
    and exists (select 1 from iam_user_access_key as k where k.account_id = p.account_id and k.user_name = p.name)
  union all
  select p.principal_arn, rule.rule_id, null, 'no sign of a workload (no service or OIDC trust, no workload-only use)'
  from principal as p, iam_principal_rule as rule
  where rule.kind = 'default'
),
ranked as (
  select e.principal_arn, e.rule_id, coalesce(e.identity_type, rule.identity_type) as identity_type, e.reason,
    row_number() over (partition by e.principal_arn order by rule.priority, rule.rule_id) as rank
  from evidence as e
    join principal as p on p.principal_arn = e.principal_arn
    join iam_principal_rule as rule on rule.rule_id = e.rule_id and rule.applies_to in ('any', p.principal_type)
)
select p.principal_arn, p.principal_type, p.name, p.path, p.create_date, p.account_id, p.partition,
  ranked.identity_type = 'nhi' as is_nhi, ranked.rule_id as nhi_rule, ranked.reason as nhi_reason
from principal as p
  join ranked on ranked.principal_arn = p.principal_arn and ranked.rank = 1
