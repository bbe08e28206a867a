/*
title: IAM Access Analyzer is enabled in every enabled region
description: >-
  Each region enabled for the account (aws_region: opt-in not required, or opted in) has an ACTIVE IAM Access
  Analyzer analyzer of external access (type ACCOUNT or ORGANIZATION). Unused-access and internal-access
  analyzers do not count: they do not report resources shared outside the zone of trust. Access Analyzer is
  regional, so a region without an analyzer has no external-access findings at all. An ACTIVE analyzer of type
  ORGANIZATION in another loaded account (the management or delegated administrator account) counts for the
  region of every member account of its organization (the management account's list-accounts names them):
  it analyzes their resources there, though a member's own list-analyzers does not show it. Skipped when the regions or
  the analyzers of the account were not loaded, or the analyzers of only some enabled regions (collect
  --identity lists both).
severity: medium
resource_type: AWS::::Region
rationale: >-
  Access Analyzer reports resources (buckets, roles, keys, queues, secrets...) that principals outside the
  account or organization can reach; without an analyzer in a region, such a grant there goes unnoticed.
remediation: >-
  Create an analyzer of type ACCOUNT (or ORGANIZATION from the management or delegated administrator account)
  in every enabled region: aws accessanalyzer create-analyzer --analyzer-name external --type ACCOUNT --region R.
tables: [aws_region, aws_accessanalyzer_analyzer, iamsql_organization_analyzer, iamsql_organization_member]
requires: [aws_region, aws_accessanalyzer_analyzer]
*/
with analyzers as (
  select account_id, region, string_agg(name || ' (' || type || ')', ', ' order by name) as names
  from aws_accessanalyzer_analyzer
  where status = 'ACTIVE' and type in ('ACCOUNT', 'ORGANIZATION')
  group by account_id, region
), organization_analyzer as (
  -- an ACTIVE organization analyzer of another account of the same organization analyzes this account's region
  select distinct me.id as account_id, o.region, o.name || ' (ORGANIZATION, account ' || o.account_id || ')' as name
  from iamsql_organization_analyzer as o
    join iamsql_organization_member as owner on owner.id = o.account_id
    join iamsql_organization_member as me on split_part(me.arn, '/', 2) = split_part(owner.arn, '/', 2)
  where o.status = 'ACTIVE' and me.id <> o.account_id
), organization_analyzers as (
  select account_id, region, string_agg(name, ', ' order by name) as names
  from organization_analyzer
  group by account_id, region
), inactive as (
  select account_id, region, string_agg(name || ' (' || type || ', ' || status || ')', ', ' order by name) as names
  from aws_accessanalyzer_analyzer
  where not (status = 'ACTIVE' and type in ('ACCOUNT', 'ORGANIZATION'))
  group by account_id, region
)
select
  'arn:' || coalesce(r.partition, 'aws') || '::' || r.name || ':' || r.account_id as resource,
  case when a.names is not null or o.names is not null then 'ok' else 'alarm' end as status,
  case
    when a.names is not null then 'Region ' || r.name || ' has the active external-access analyzer(s) ' || a.names || '.'
    when o.names is not null then 'Region ' || r.name || ' is analyzed by the organization''s active analyzer(s) '
      || o.names || ', which cover every member account''s resources there.'
    else 'Region ' || r.name || ' is enabled but has no active external-access analyzer'
      || coalesce(' (only ' || i.names || ')', '') || '; create one of type ACCOUNT or ORGANIZATION.'
  end as reason,
  r.account_id,
  r.name as region
from aws_region as r
  left join analyzers as a on a.account_id = r.account_id and a.region = r.name
  left join organization_analyzers as o on o.account_id = r.account_id and o.region = r.name
  left join inactive as i on i.account_id = r.account_id and i.region = r.name
where r.opt_in_status is null or r.opt_in_status in ('opt-in-not-required', 'opted-in')
