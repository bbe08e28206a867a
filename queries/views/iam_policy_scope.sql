/*
The identity policies that the policy-content controls (iam_policy_no_*) judge, one row per result resource:
every managed policy (`resource` = its ARN) and, per user, group or role, its inline policies together
(`resource` = the principal's ARN). Each control joins its own verdict per `resource` (from
`iam_policy_statement`) onto this view.

Columns: resource, policy_kind ('customer_managed' | 'aws_managed' | 'inline'), policy_names, attached,
editable (customer-managed and inline policies: AWS-managed ones cannot be changed), document_known (false for a
managed policy loaded without its document, e.g. from list-policies: judge it as unknown, never as passing),
label (how a reason names it: "Policy X" or "Inline policy X of <principal ARN>"), account_id, partition.
*/
with managed as (
  select
    p.arn as resource,
    case when p.is_aws_managed then 'aws_managed' else 'customer_managed' end as policy_kind,
    coalesce(p.name, regexp_replace(p.arn, '^.*/', '')) as policy_names,
    coalesce(p.is_attached, p.attachment_count > 0, false) as attached,
    p.policy_std is not null as document_known,
    p.account_id,
    p.partition
  from aws_iam_policy as p
), inline_name as (
  select distinct resource, policy_name, account_id, partition
  from iam_policy_statement
  where policy_kind = 'inline'
), inline as (
  select resource, 'inline' as policy_kind, string_agg(policy_name, ', ' order by policy_name) as policy_names,
    true as attached, true as document_known, account_id, partition
  from inline_name
  group by resource, account_id, partition
)
select resource, policy_kind, policy_names, attached, policy_kind <> 'aws_managed' as editable, document_known,
  case when policy_kind = 'inline' then 'Inline policy ' || policy_names || ' of ' || resource
    else 'Policy ' || policy_names end as label,
  account_id, partition
from (select * from managed union all select * from inline) as policies
