/*
The identity policies that the policy-content controls (iam_policy_no_*) judge, one row per result resource:
every managed policy (`resource` = its ARN) and, per user, group or role, its inline policies together
(`resource` = the principal's ARN). Each control joins its own verdict per `resource` (from
`iam_policy_statement`) onto this view.

Columns: resource, policy_kind ('customer_managed' | 'aws_managed' | 'inline'), policy_names, attached,
editable (customer-managed and inline policies: AWS-managed ones cannot be changed), document_known (false for a
managed policy loaded without its document, e.g. from list-policies: judge it as unknown, never as passing),
unreadable (inline: the names of those whose document is not JSON, kept as text; NULL when there are none),
label (how a reason names it: "Policy X" or "Inline policy X of <principal ARN>"), account_id, partition.
*/
with managed as (
  select
    p.arn as resource,
    case when p.is_aws_managed then 'aws_managed' else 'customer_managed' end as policy_kind,
    coalesce(p.name, regexp_replace(p.arn, '^.*/', '')) as policy_names,
    coalesce(p.is_attached, p.attachment_count > 0, false) as attached,
    p.policy_std is not null as document_known,
    null as unreadable,
    p.account_id,
    p.partition
  from aws_iam_policy as p
), inline_name as (
  -- every inline policy, also one whose document is not JSON (kept as text, NULL here), which has no statement
  select distinct o.arn as resource, coalesce(i ->> 'PolicyName', '(unnamed)') as policy_name,
    jsonb_typeof(i -> 'PolicyDocument') is distinct from 'object' as unreadable, o.account_id, o.partition
  from (
    select arn, inline_policies_std, account_id, partition from aws_iam_user
    union all
    select arn, inline_policies_std, account_id, partition from aws_iam_group
    union all
    select arn, inline_policies_std, account_id, partition from aws_iam_role
  ) as o, jsonb_array_elements(o.inline_policies_std) as i
), inline as (
  select resource, 'inline' as policy_kind, string_agg(policy_name, ', ' order by policy_name) as policy_names,
    true as attached, true as document_known,
    string_agg(policy_name, ', ' order by policy_name) filter (where unreadable) as unreadable, account_id, partition
  from inline_name
  group by resource, account_id, partition
)
select resource, policy_kind, policy_names, attached, policy_kind <> 'aws_managed' as editable, document_known, unreadable,
  case when policy_kind = 'inline' then 'Inline policy ' || policy_names || ' of ' || resource
    else 'Policy ' || policy_names end as label,
  account_id, partition
from (select * from managed union all select * from inline) as policies
