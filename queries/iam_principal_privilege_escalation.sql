/*
title: Principals without privilege-escalation paths
description: >-
  No IAM user or role can take a known privilege-escalation path or assume a role that is an administrator, as
  the policy engine judges it (iam_principal_access): every request of a path (queries/access.yaml) allowed by
  the principal's identity policies (inline, attached, its groups'), within its permissions boundary and not
  denied; iam:PassRole is asked with iam:PassedToService set to the service the path passes the role to, on any
  role or on a role with administrator power whose trust admits that service; for roles it could assume, its
  identity policies and the role's trust policy must both allow sts:AssumeRole, following chains of up to three
  roles to a role that is an administrator or has a path of its own; a path whose statements name a particular user or
  role counts when it lets the principal act as that user or role (an access key, a password, a trust policy,
  assuming it) and that one is an administrator or has a path of its own, or the path also gives it a policy; a path
  through a user or role it creates counts under any name its statements let it create, the user or role created
  without a permissions boundary; one through an existing resource that runs code with a role (a Lambda function, an EC2
  instance through Systems Manager, a CodeBuild project, a SageMaker notebook, a Glue development endpoint) its
  statements name counts when the resource's role is an administrator or has a path of its own. A path that holds
  only under conditions still counts.
  A path counts when the documents that open it are all known: one that a document not loaded could deny (a
  managed policy, a group's policies, a boundary) is as unknown as one whose answer depends on it. Each principal
  is judged on its own: an account whose users, roles or managed policies are loaded in part (get-account-
  authorization-details --filter User) is not skipped as a whole. A principal with no path in what is loaded is
  skipped, naming what is unknown, when its answers depend on a document that is not loaded, its only path goes
  through a named resource whose role is not loaded, or the account's users, roles or managed policies are
  loaded in part (a path through one not loaded may exist), and so is a user that only list-mfa-devices or
  list-user-tags names (they give no path, so no ARN).
severity: high
resource_type: AWS::IAM::Principal
rationale: >-
  A principal that can, for example, attach a policy to itself, pass a privileged role to a new Lambda function
  or assume an administrator role is effectively an administrator, whatever its policies look like at first sight.
remediation: >-
  Remove or scope the actions of the listed paths (give iam:PassRole, iam:Attach*, iam:Put*, iam:CreatePolicyVersion
  and the compute-create actions specific resource ARNs), narrow the trust of the administrator roles, add an
  explicit Deny, or set a permissions boundary.
tables: [iam_principal_access, aws_iam_user, aws_iam_role, iamsql_partial, iam_user_without_arn]
requires: []
*/
with principal as (
  select arn as principal_arn, 'user' as principal_type, name, path, account_id from aws_iam_user where arn is not null
  union all
  select arn, 'role', name, path, account_id from aws_iam_role where arn is not null
),
path as (
  select principal_arn, account_id,
    case
      when question in ('assume_admin_role', 'assume_escalating_role') then 'AssumeRole ' || detail
      when detail is not null then substr(question, 12) || ' ' || detail
      else substr(question, 12)
    end as path_name,
    -- proven: opened by documents that are all known; one beside a document not loaded holds only if that
    -- document holds no Deny of it, so it is as unknown as the rest
    decision in ('Allowed', 'AllowedIf') and missing is null as proven,
    decision in ('Allowed', 'AllowedIf') and missing is not null as unless_denied,
    decision = 'Unknown' or (decision in ('Allowed', 'AllowedIf') and missing is not null) as unknown,
    granted_by, missing
  from iam_principal_access
  where question like 'escalation:%' or question in ('assume_admin_role', 'assume_escalating_role')
),
summary as (
  select principal_arn, account_id,
    count(*) filter (where proven) as paths,
    count(*) filter (where unknown) as unknown_paths,
    string_agg(path_name, ', ' order by path_name) filter (where proven) as all_paths,
    string_agg(distinct granted_by, '; ') filter (where proven) as granted_by,
    min(missing) filter (where unknown) as missing,
    -- paths the loaded documents open, and the documents not loaded that could deny them
    count(*) filter (where unless_denied) as unless_paths,
    string_agg(distinct granted_by, '; ') filter (where unless_denied) as granted_unless,
    min(missing) filter (where unless_denied) as deny_unknown
  from path
  group by principal_arn, account_id
),
partial_iam as (
  -- the account's tables a path may go through that are loaded in part: an unloaded one may open a path
  select account_id, string_agg(table_name, ', ' order by table_name) as tables
  from iamsql_partial
  where table_name in ('aws_iam_user', 'aws_iam_role', 'aws_iam_policy')
  group by account_id
),
first_paths as (
  select principal_arn, account_id, string_agg(path_name, ', ' order by path_name) as first_paths
  from (select principal_arn, account_id, path_name,
          row_number() over (partition by principal_arn, account_id order by path_name) as n
        from path where proven) as numbered
  where n <= 5
  group by principal_arn, account_id
)
select
  p.principal_arn as resource,
  case
    when coalesce(s.paths, 0) = 0 and (coalesce(s.unknown_paths, 0) > 0 or t.tables is not null) then 'skip'
    when coalesce(s.paths, 0) = 0 then 'ok'
    when p.path like '/aws-service-role/%' then 'info'
    else 'alarm'
  end as status,
  case
    when coalesce(s.paths, 0) = 0 and coalesce(s.unknown_paths, 0) > 0 then
      'The ' || p.principal_type || ' ' || p.name || ' cannot be judged: '
        || case when s.unless_paths > 0 then 'its loaded policies open ' || s.unless_paths
            || ' privilege-escalation path(s)' || coalesce(' through ' || s.granted_unless, '') || ', but a Deny in '
            || s.deny_unknown || ' could close them'
          else 'the answer depends on ' || s.missing end
        || case when coalesce(s.deny_unknown, s.missing) like '%(not loaded)%'
          then '; load get-account-authorization-details to evaluate it.' else '.' end
    when coalesce(s.paths, 0) = 0 and t.tables is not null then
      'The ' || p.principal_type || ' ' || p.name || ' has no privilege-escalation path in the loaded data, but only '
        || 'part of ' || t.tables || ' is loaded for its account: a path through a user, role or policy that is not '
        || 'loaded may exist; load get-account-authorization-details to evaluate it.'
    when coalesce(s.paths, 0) = 0 then
      'The ' || p.principal_type || ' ' || p.name || ' has no known privilege-escalation path.'
    when p.path like '/aws-service-role/%' then
      'The service-linked role ' || p.name || ' could escalate through ' || s.paths
        || ' path(s) (' || f.first_paths || '), but AWS manages its permissions and only the service can use it.'
    else
      'The ' || p.principal_type || ' ' || p.name || ' can escalate privileges through ' || s.paths || ' path(s): '
        || f.first_paths || case when s.paths > 5 then ' and ' || (s.paths - 5) || ' more' else '' end
        || coalesce('; granted by ' || s.granted_by, '') || '.'
  end as reason,
  coalesce(s.paths, 0) as escalation_paths,
  s.all_paths as escalation_path_names,
  p.account_id,
  'global' as region
from principal as p
  left join summary as s on s.principal_arn = p.principal_arn and s.account_id = p.account_id
  left join first_paths as f on f.principal_arn = p.principal_arn and f.account_id = p.account_id
  left join partial_iam as t on t.account_id = p.account_id
union all
-- a user that only list-mfa-devices or list-user-tags names has no ARN: a skip naming it (iam_user_without_arn)
select w.resource, 'skip', 'The user ' || w.name || w.reason, null, null, w.account_id, 'global'
from iam_user_without_arn as w
