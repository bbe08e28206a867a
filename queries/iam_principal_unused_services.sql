/*
title: Users and roles use the services they are granted
description: >-
  From IAM's service last-accessed data (aws_iam_access_advisor: get-service-last-accessed-details, one job per
  principal), each IAM user and role has accessed, within max_unused_days days before the data was taken, every
  service its policies grant it. A service with no recorded access (IAM keeps at least 400 days; attempts that
  were denied count as access) or whose last access is older alarms, listing the services (a principal older
  than 400 days may have used a service before the tracking period, so it is not called never accessed). Principals created
  within max_unused_days are not judged for never-accessed services, nor are those whose creation date is not
  loaded (known only from CloudTrail: skipped); service-linked roles are info (AWS owns
  them). A principal whose last-accessed data was loaded and lists no service (its policies grant none) has
  nothing unused and passes; one without last-accessed data is skipped.
severity: medium
resource_type: AWS::IAM::Principal
rationale: >-
  Permissions a principal never uses are pure risk: if its credentials leak, or its workload is compromised,
  they are what the attacker gets beyond the job. Last-accessed data shows which grants can go.
remediation: >-
  Remove the unused services from the principal's policies (IAM Access Analyzer policy generation or the
  last-accessed tab of the IAM console list what is used), or delete the principal if it is no longer needed.
tables: [iam_principal, aws_iam_access_advisor, iamsql_listed]
requires: [aws_iam_access_advisor]
parameters:
  max_unused_days: 90
*/
with service_use as (
  select principal_arn, account_id,
    count(*) as granted,
    string_agg(service_namespace, ', ' order by service_namespace)
      filter (where last_authenticated is null and list_rank <= 5) as never_named,
    count(*) filter (where last_authenticated is null) as never_count,
    string_agg(service_namespace || ' (' || date_part('day', now() - last_authenticated)::int
      || case when date_part('day', now() - last_authenticated)::int = 1 then ' day' else ' days' end || ')', ', '
               order by service_namespace)
      filter (where stale and list_rank <= 5) as stale_named,
    count(*) filter (where stale) as stale_count,
    count(*) filter (where last_authenticated is null or stale) as unused
  from (
    -- the services never accessed, and those accessed too long ago, each numbered in name order, so that the
    -- reason names the first five of each
    select a.*, row_number() over (partition by a.principal_arn, a.account_id, a.last_authenticated is null, a.stale
                                   order by a.service_namespace) as list_rank
    from (select v.*, v.last_authenticated < now() - :max_unused_days * interval '1 day' as stale
          from aws_iam_access_advisor as v) as a
  ) as a
  group by principal_arn, account_id
), services as (
  -- the lists the reason names (NULL when empty), the first five of each and how many more
  select u.*,
    u.never_named || case when u.never_count > 5 then ' and ' || (u.never_count - 5) || ' more' else '' end as never,
    u.stale_named || case when u.stale_count > 5 then ' and ' || (u.stale_count - 5) || ' more' else '' end as stale
  from service_use as u
), measured as (
  -- the principals whose last-accessed data is loaded, also those it lists no service for
  select account_id, key as principal_arn from iamsql_listed where table_name = 'aws_iam_access_advisor'
  union
  select account_id, principal_arn from services
), principals as (
  select p.principal_arn, p.principal_type, p.name, p.account_id,
    coalesce(p.path, '/') like '/aws-service-role/%' as service_linked,
    date_part('day', now() - p.create_date)::int as age,
    -- past the grace period to the second (90 days and 5 hours is past 90 days); NULL without a creation date (a
    -- principal known only from CloudTrail), when a service never accessed may be new to it
    p.create_date < now() - :max_unused_days * interval '1 day' as past_grace
  from iam_principal as p
  where p.principal_type in ('user', 'role')
)
select
  p.principal_arn as resource,
  case
    when m.principal_arn is null then 'skip'
    when p.service_linked then 'info'
    when s.stale is not null then 'alarm'
    when s.never is not null and p.past_grace then 'alarm'
    when s.never is not null and p.past_grace is null then 'skip'
    else 'ok'
  end as status,
  initcap(p.principal_type) || ' ' || p.name || case
    when m.principal_arn is null then
      ' has no last-accessed data loaded; collect --identity (or get-service-last-accessed-details) gives it.'
    when p.service_linked then ' is a service-linked role managed by its AWS service; not evaluated.'
    when s.principal_arn is null then
      ' has last-accessed data listing no service: its policies grant none, so none is unused.'
    when s.stale is not null or (s.never is not null and p.past_grace) then
      ' has not used ' || s.unused || ' of its ' || s.granted || ' granted services in ' || :max_unused_days
        || case when :max_unused_days = 1 then ' day' else ' days' end || ': '
        -- IAM reports access for the last 400 days: an older principal may have used the service before that
        || concat_ws('; ', case when coalesce(p.age, 400) >= 400 then 'not accessed in the 400-day tracking period: '
             else 'never accessed: ' end || s.never, 'last accessed too long ago: ' || s.stale)
        || '; remove them from its policies.'
    when s.never is not null and p.past_grace is null then
      ' has not accessed ' || s.never || ' and its creation date is not loaded (it is known only from CloudTrail), '
        || 'so whether it is past the ' || :max_unused_days || '-day grace period is not known.'
    when s.never is not null then
      ' has not accessed ' || s.never || ' yet; it was created ' || p.age
        || case when p.age = 1 then ' day' else ' days' end || ' before the data was taken, within the '
        || :max_unused_days || '-day grace period.'
    else ' used all of its ' || s.granted || ' granted services within ' || :max_unused_days
      || case when :max_unused_days = 1 then ' day' else ' days' end || '.'
  end as reason,
  p.account_id,
  'global' as region
from principals as p
  left join measured as m on m.principal_arn = p.principal_arn and m.account_id = p.account_id
  left join services as s on s.principal_arn = p.principal_arn and s.account_id = p.account_id
where m.principal_arn is not null or p.account_id in (select account_id from measured)
