/*
title: Principals without privilege-escalation paths
description: >-
  No IAM user or role can take a known privilege-escalation path: for every path in
  iam_privilege_escalation_path, at least one of its actions is not allowed to the principal on all resources,
  counting every policy that reaches it (inline, attached managed, and for users their groups' policies).
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  A principal that can, for example, attach a policy to itself or pass a privileged role to a new Lambda
  function is effectively an administrator, whatever its policies look like at first sight.
remediation: >-
  Remove or scope the actions of the listed paths (give iam:PassRole, iam:Attach*, iam:Put*, iam:CreatePolicyVersion
  and the compute-create actions specific resource ARNs), add an explicit Deny, or set a permissions boundary.
tables: [iam_principal_statement, iam_privilege_escalation_path, aws_iam_user, aws_iam_role]
requires: [aws_iam_user, aws_iam_role, aws_iam_policy]
*/
-- Action matching follows IAM: case-insensitive (actions are lower-case in *_std), '*' any run, '?' one
-- character. An Allow counts when it covers every resource (Resource '*', an ARN whose resource part is '*'
-- or 'type/*', or a NotResource); conditions on an Allow are ignored, as the action is still possible when
-- they hold. An unconditional Deny on '*' removes the action. A permissions boundary, when its policy is
-- loaded, must also allow the action.
with principal as (
  select arn as principal_arn, 'user' as principal_type, name, path, account_id, partition from aws_iam_user
  where arn is not null  -- a user known only from get-login-profile has no ARN to name
  union all
  select arn, 'role', name, path, account_id, partition from aws_iam_role where arn is not null
),
statement as (
  select principal_arn, policy_kind, coalesce(policy_name, policy_arn) as policy_name, via_group, effect,
    statement::text as statement_key,
    statement ? 'NotAction' as not_action,
    statement ? 'Condition' as conditional
  from iam_principal_statement
),
-- The same managed-policy statement reaches many principals: resources and action patterns are read once per
-- distinct statement, then joined back to the principals it reaches.
distinct_statement as (
  select statement_key, statement_key::jsonb as statement
  from (select distinct statement_key from statement) as d
),
scope as (
  select d.statement_key,
    bool_or(r = '*' or r ~ '^arn:[^:]*:[^:]*:[^:]*:[^:]*:(\*|[A-Za-z0-9-]+[/:]\*)$') as every_resource
  from distinct_statement as d, jsonb_array_elements_text(coalesce(d.statement -> 'Resource', '["*"]'::jsonb)) as r
  group by d.statement_key
),
pattern as (
  select distinct d.statement_key, p as action_pattern
  from distinct_statement as d
    join scope as sc on sc.statement_key = d.statement_key and sc.every_resource,
    jsonb_array_elements_text(coalesce(d.statement -> 'Action', d.statement -> 'NotAction')) as p
),
action as (
  select distinct action from iam_privilege_escalation_path
),
pattern_match as (
  select distinct p.action_pattern, a.action
  from (select distinct action_pattern from pattern) as p, action as a
  where a.action like replace(replace(lower(p.action_pattern), '*', '%'), '?', '_')
),
-- per statement that covers every resource: the escalation actions its Action (or NotAction) patterns match
statement_action as (
  select distinct p.statement_key, m.action
  from pattern as p join pattern_match as m on m.action_pattern = p.action_pattern
),
-- (principal, action, effect, policy) for every statement that allows or denies the action everywhere
effect as (
  select s.principal_arn, sa.action, s.effect, s.policy_kind, s.policy_name, s.via_group, s.conditional
  from statement as s join statement_action as sa on sa.statement_key = s.statement_key
  where not s.not_action
  union all
  select n.principal_arn, a.action, n.effect, n.policy_kind, n.policy_name, n.via_group, n.conditional
  from (select distinct principal_arn, statement_key, effect, policy_kind, policy_name, via_group, conditional
        from statement
        where not_action and statement_key in (select statement_key from pattern)) as n
    cross join action as a
    left join statement_action as excluded on excluded.statement_key = n.statement_key and excluded.action = a.action
  where excluded.action is null
),
bounded as (
  select distinct principal_arn from statement where policy_kind = 'permissions_boundary'
),
verdict as (
  select e.principal_arn, e.action,
    bool_or(e.effect = 'Allow' and e.policy_kind <> 'permissions_boundary') as identity_allows,
    bool_or(e.effect = 'Allow' and e.policy_kind = 'permissions_boundary') as boundary_allows,
    bool_or(e.effect = 'Deny' and not e.conditional) as denied
  from effect as e
  group by e.principal_arn, e.action
),
allowed as (
  select v.principal_arn, v.action
  from verdict as v left join bounded as b on b.principal_arn = v.principal_arn
  where v.identity_allows and not v.denied and (b.principal_arn is null or v.boundary_allows)
),
open_path as (
  select a.principal_arn, path.path_name,
    row_number() over (partition by a.principal_arn order by path.path_name) as n
  from iam_privilege_escalation_path as path
    join allowed as a on a.action = path.action
    join (select path_name, count(*) as actions from iam_privilege_escalation_path group by path_name) as size
      on size.path_name = path.path_name
  group by a.principal_arn, path.path_name, size.actions
  having count(distinct a.action) = size.actions
),
summary as (
  select o.principal_arn, count(*) as paths,
    string_agg(o.path_name, ', ' order by o.path_name) filter (where o.n <= 5) as first_paths,
    string_agg(o.path_name, ', ' order by o.path_name) as all_paths
  from open_path as o
  group by o.principal_arn
),
granting as (
  select g.principal_arn, string_agg(distinct g.policy, ', ' order by g.policy) as policies
  from (
    select e.principal_arn,
      e.policy_name || coalesce(' (via group ' || regexp_replace(e.via_group, '^.*/', '') || ')', '') as policy
    from effect as e
      join allowed as a on a.principal_arn = e.principal_arn and a.action = e.action
      join (select distinct o.principal_arn, q.action
            from open_path as o join iam_privilege_escalation_path as q on q.path_name = o.path_name) as used
        on used.principal_arn = e.principal_arn and used.action = e.action
    where e.effect = 'Allow' and e.policy_kind <> 'permissions_boundary'
  ) as g
  group by g.principal_arn
)
select
  p.principal_arn as resource,
  case
    when s.paths is null then 'ok'
    when p.path like '/aws-service-role/%' then 'info'
    else 'alarm'
  end as status,
  case
    when s.paths is null then
      'The ' || p.principal_type || ' ' || p.name || ' has no known privilege-escalation path.'
    when p.path like '/aws-service-role/%' then
      'The service-linked role ' || p.name || ' could escalate through ' || s.paths
        || ' path(s) (' || s.first_paths || '), but AWS manages its permissions and only the service can use it.'
    else
      'The ' || p.principal_type || ' ' || p.name || ' can escalate privileges through ' || s.paths || ' path(s): '
        || s.first_paths || case when s.paths > 5 then ' and ' || (s.paths - 5) || ' more' else '' end
        || '; granted by ' || g.policies || '.'
  end as reason,
  coalesce(s.paths, 0) as escalation_paths,
  s.all_paths as escalation_path_names,
  p.account_id,
  'global' as region
from principal as p
  left join summary as s on s.principal_arn = p.principal_arn
  left join granting as g on g.principal_arn = p.principal_arn
