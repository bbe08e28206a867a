/*
Steampipe's `aws_account` table: one row per loaded account, so Steampipe queries that start from the account
(`from aws_account as a left join aws_iam_account_password_policy ...`) run unchanged.

Columns, as the Steampipe AWS plugin has them: account_aliases (the list of `iam list-account-aliases` of the
account's latest load that had one, NULL when none was loaded), account_id, arn (`arn:<partition>:::<account>`),
organization_arn, organization_available_policy_types, organization_feature_set, organization_id,
organization_master_account_arn, organization_master_account_email, organization_master_account_id (NULL: the
Organizations API is not read), partition, region (`global`), title (the first alias, else the account id),
akas ([arn]), _ctx (`{"connection_name": <account>}`, as on every table).
*/
with aliases as (
  select distinct on (s.account_id) s.account_id, src -> 'account_aliases' as account_aliases
  from iamsql_snapshot as s, jsonb_array_elements(s.sources) as src
  where src ->> 'format' = 'iam:list-account-aliases'
  order by s.account_id, s.snapshot_id desc
)
select
  al.account_aliases,
  a.account_id,
  'arn:' || a.partition || ':::' || a.account_id as arn,
  null::text as organization_arn,
  null::jsonb as organization_available_policy_types,
  null::text as organization_feature_set,
  null::text as organization_id,
  null::text as organization_master_account_arn,
  null::text as organization_master_account_email,
  null::text as organization_master_account_id,
  a.partition,
  'global' as region,
  coalesce(al.account_aliases ->> 0, a.account_id) as title,
  jsonb_build_array('arn:' || a.partition || ':::' || a.account_id) as akas,
  jsonb_build_object('connection_name', a.account_id) as _ctx
from iamsql_account as a
  left join aliases as al on al.account_id = a.account_id
