/*
title: No active IAM Access Analyzer external-access findings
description: >-
  Each resource that IAM Access Analyzer reported as reachable from outside the zone of trust (list-findings:
  external access) has no ACTIVE finding left: every finding was resolved by removing the access, or archived
  as intended. One row per resource with findings (alarm while any is active, listing who can reach it and
  with which actions) and one row per external-access analyzer without findings (ok when it is ACTIVE and its
  list-findings is loaded, empty; skip when that listing is not loaded, since its findings are then unknown, or
  when it is CREATING, DISABLED or FAILED, since such an analyzer analyzes nothing). A finding whose analysis
  failed (its error field is set) says nothing about the resource and is skipped.
severity: high
resource_type: AWS::AccessAnalyzer::Finding
rationale: >-
  An active finding is a resource that an account outside the organization, or anyone, can use right now: a
  role it can assume, a bucket it can read, a key it can decrypt with. Each must be removed or explicitly
  accepted (archived).
remediation: >-
  Remove the grant from the resource's policy if the access is not intended; otherwise archive the finding
  (or add an archive rule) so the intended access is recorded as such.
tables: [aws_accessanalyzer_finding, aws_accessanalyzer_analyzer, iamsql_listed]
requires: [aws_accessanalyzer_finding]
*/
with findings as (
  select
    f.account_id, f.region, f.resource, min(f.resource_type) as resource_type,
    count(*) filter (where f.status = 'ACTIVE' and f.error is null) as active,
    count(*) filter (where f.error is not null) as failed,
    count(*) as total,
    -- list-findings-v2 gives no principal or action: the finding id stands for them
    string_agg(coalesce(f.principal::text || ' ' || f.action::text, 'finding ' || f.id), '; ' order by f.id)
      filter (where f.status = 'ACTIVE' and f.error is null) as grants,
    bool_or(f.is_public) filter (where f.status = 'ACTIVE' and f.error is null) as public,
    min(f.error) as error
  from aws_accessanalyzer_finding as f
  group by f.account_id, f.region, f.resource
)
select
  resource,
  case when active > 0 then 'alarm' when failed = total then 'skip' else 'ok' end as status,
  case
    when active > 0 then coalesce(resource_type, 'Resource') || ' ' || resource || ' has ' || active
      || ' active external-access finding(s)' || case when public then ' (public)' else '' end || ': ' || grants
      || '; remove the access or archive the finding if it is intended.'
    when failed = total then 'Access Analyzer could not analyze ' || resource || ' (' || error || ').'
    else coalesce(resource_type, 'Resource') || ' ' || resource || ' has no active external-access finding ('
      || total || ' resolved or archived).'
  end as reason,
  account_id,
  region
from findings
union all
select
  a.arn as resource,
  case when a.status <> 'ACTIVE' or a.status is null or l.key is null then 'skip' else 'ok' end as status,
  'Analyzer ' || a.name || case
    when a.status <> 'ACTIVE' or a.status is null
      then ' is ' || coalesce(a.status, 'in an unknown state') || coalesce(' (' || a.status_reason || ')', '')
        || ', so it analyzes nothing and its lack of findings says nothing; fix or recreate it.'
    when l.key is null then ' has no findings in the data because its list-findings was not loaded (refused, or not '
      || 'collected); load list-findings for it (its AnalyzerArn added) to judge its resources.'
    else ' reports no external-access finding.'
  end as reason,
  a.account_id,
  a.region
from aws_accessanalyzer_analyzer as a
  -- the analyzers whose list-findings is loaded, with findings or none
  left join iamsql_listed as l
    on l.account_id = a.account_id and l.table_name = 'aws_accessanalyzer_finding' and l.key = a.arn
where a.type in ('ACCOUNT', 'ORGANIZATION')
  and not exists (select 1 from aws_accessanalyzer_finding as f where f.access_analyzer_arn = a.arn)
