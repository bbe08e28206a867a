/*
The identity policies that the policy-content controls (iam_policy_no_*) judge, one row per result resource:
every managed policy (`resource` = its ARN) and, per user, group or role, its inline policies together
(`resource` = the principal's ARN). Each control joins its own verdict per `resource` (from
`iam_policy_statement` or `iam_policy_access`) onto this view and keeps only its own question: what makes a
policy unjudgeable, and how a reason says so, is written here once.

Columns: resource, policy_kind ('customer_managed' | 'aws_managed' | 'inline'), policy_names, attached,
editable (customer-managed and inline policies: AWS-managed ones cannot be changed), unjudged (why the documents
cannot be judged whole, as the end of a reason after `label`: a managed policy loaded without its document, e.g.
from list-policies, or whose document is not JSON, which then has no statement and no verdict at all; inline
policies some of whose documents are not JSON, kept as text, which the readable ones may still condemn; NULL when
every document was read: judge an unjudged policy as unknown, `skip`, never as passing),
label (how a reason names it: "Policy X" or "Inline policy X of <principal ARN>"), account_id, partition.
*/
with managed as (
  select
    p.arn as resource,
    case when p.is_aws_managed then 'aws_managed' else 'customer_managed' end as policy_kind,
    coalesce(p.name, regexp_replace(p.arn, '^.*/', '')) as policy_names,
    coalesce(p.is_attached, p.attachment_count > 0, false) as attached,
    case
      when p.policy_std is not null then null
      -- the loader keeps a document that is not JSON as its text in `policy`, with no `policy_std`
      when p.policy is not null then ' could not be judged: its document is not JSON.'
      else ' was loaded without its policy document; load get-account-authorization-details to evaluate it.'
    end as unjudged,
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
    true as attached,
    ' could not be judged: the document of '
      || string_agg(policy_name, ', ' order by policy_name) filter (where unreadable) || ' is not JSON.' as unjudged,
    account_id, partition
  from inline_name
  group by resource, account_id, partition
)
select resource, policy_kind, policy_names, attached, policy_kind <> 'aws_managed' as editable, unjudged,
  case when policy_kind = 'inline' then 'Inline policy ' || policy_names || ' of ' || resource
    else 'Policy ' || policy_names end as label,
  account_id, partition
from (select * from managed union all select * from inline) as policies
