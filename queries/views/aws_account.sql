/*
Steampipe's `aws_account` table: one row per loaded account, so Steampipe queries that start from the account
(`from aws_account as a left join aws_iam_account_password_policy ...`) run unchanged.

Columns, as the Steampipe AWS plugin has them: account_aliases (the list of `iam list-account-aliases` of the
account's latest load that had one, NULL when none was loaded), account_id, arn (`arn:<partition>:::<account>`),
organization_arn, organization_available_policy_types, organization_feature_set, organization_id,
organization_master_account_arn, organization_master_account_email, organization_master_account_id (from the
account's own `organizations describe-organization` output, else from the one of the organization whose loaded
`list-accounts` lists the account, which alone gives the organization id and management account id; NULL when
neither is loaded), partition, region (`global`), title (the first alias, else the account id), akas ([arn]),
sp_connection_name (the account id), sp_ctx and _ctx (`{"connection_name": <account>}`), as on every table. Organization membership is read from every loaded
account (`iamsql_organization_member`: the latest `aws_organizations_account` rows of all accounts, also while a
check run shows each account only its own rows), since the management account's snapshot holds it.
*/
with aliases as (
  select distinct on (s.account_id) s.account_id, src -> 'account_aliases' as account_aliases
  from iamsql_snapshot as s, jsonb_array_elements(s.sources) as src
  -- the CLI's output or a placebo recording's (format placebo:iam:list-account-aliases)
  where src ->> 'format' like '%iam:list-account-aliases'
  order by s.account_id, s.snapshot_id desc
),
described as (
  select distinct on (s.account_id) s.account_id, s.snapshot_id, src -> 'organization' as org
  from iamsql_snapshot as s, jsonb_array_elements(s.sources) as src
  where src ->> 'format' like '%organizations:describe-organization'
  order by s.account_id, s.snapshot_id desc
),
organization as (
  select distinct on (org ->> 'Id') org ->> 'Id' as id, org
  from described
  order by org ->> 'Id', snapshot_id desc
),
member as (
  select distinct on (m.id) m.id as account_id, split_part(m.arn, '/', 2) as organization_id,
    split_part(m.arn, ':', 5) as management_account_id
  from iamsql_organization_member as m
  order by m.id, m.snapshot_id desc
),
account_org as (
  select a.account_id, coalesce(d.org, o.org) as org, m.organization_id, m.management_account_id
  from iamsql_account as a
    left join described as d on d.account_id = a.account_id
    left join member as m on m.account_id = a.account_id
    left join organization as o on o.id = m.organization_id
)
select
  al.account_aliases,
  a.account_id,
  'arn:' || a.partition || ':::' || a.account_id as arn,
  ao.org ->> 'Arn' as organization_arn,
  ao.org -> 'AvailablePolicyTypes' as organization_available_policy_types,
  ao.org ->> 'FeatureSet' as organization_feature_set,
  coalesce(ao.org ->> 'Id', ao.organization_id) as organization_id,
  ao.org ->> 'MasterAccountArn' as organization_master_account_arn,
  ao.org ->> 'MasterAccountEmail' as organization_master_account_email,
  coalesce(ao.org ->> 'MasterAccountId', ao.management_account_id) as organization_master_account_id,
  a.partition,
  'global' as region,
  coalesce(al.account_aliases ->> 0, a.account_id) as title,
  jsonb_build_array('arn:' || a.partition || ':::' || a.account_id) as akas,
  a.account_id as sp_connection_name,
  jsonb_build_object('connection_name', a.account_id) as sp_ctx,
  jsonb_build_object('connection_name', a.account_id) as _ctx
from iamsql_account as a
  left join aliases as al on al.account_id = a.account_id
  left join account_org as ao on ao.account_id = a.account_id
