/*
What each CloudTrail trail records, from its basic (`event_selectors`) or advanced (`advanced_event_selectors`)
event selectors. One row per trail (shadow copies of multi-region and organization trails, listed by
describe-trails in every region, are counted once: the row in the trail's home region, cloudtrail_trail_home).

Columns: arn, name, label, account_id, partition, region (the home region), is_multi_region_trail,
is_organization_trail, is_logging, selectors_known, management_read, management_write, management_excluded,
s3_data_read, s3_data_write, s3_data_read_filter, s3_data_write_filter.

- is_multi_region_trail is NULL (unknown) for a trail known only from its status or selectors, without its
  describe-trails entry.
- An organization trail listed by a member without its status (get-trail-status) or selectors takes them from
  the management account's data when that is loaded (iamsql_organization_trail).
- An organization trail in the management account's data also counts for each member account that account's
  list-accounts names and whose own describe-trails does not list it (the trail logs every account of the
  organization); label then names the trail and the account where it lives, else label is the name.
- selectors_known is false when the selectors were not collected (no get-event-selectors output) and
  describe-trails does not say the trail uses the default ones (`HasCustomEventSelectors: false`, which
  means every management event, read and write, and no data events). A trail that says so and whose
  get-event-selectors output lists no selector at all gets the defaults too.
- management_read / management_write: every management event of that kind. A selector that excludes event
  sources (basic `ExcludeManagementEventSources`, or an advanced `eventSource` field, e.g. NotEquals
  kms.amazonaws.com or rdsdata.amazonaws.com) does not count: the trail misses those services' management
  events, unless another selector of the trail brings them back (a trail logs an event that matches any
  selector). management_excluded names the excluded sources when that is why a kind is incomplete.
- A member that is JSON null (an advanced field selector's unused operators, as Steampipe prints them) counts as
  absent.
- s3_data_read / s3_data_write: every S3 object-level event of that kind for all buckets (basic selector value
  `arn:<partition>:s3` or `arn:<partition>:s3:::`, or an advanced selector on `AWS::S3::Object` with no field
  beyond eventCategory, resources.type and readOnly: a `resources.ARN`, `eventName`, `userIdentity.arn` or other
  field records only the events it lets through).
- s3_data_read_filter / s3_data_write_filter: when the kind is not recorded whole, the fields that narrow the
  trail's advanced S3 object selectors of that kind (`eventName, resources.ARN`), else NULL.
*/
with trail as (
  -- an organization trail a member lists without its status or selectors: the management account's data, when
  -- loaded, has them (the same trail)
  select t.arn, t.name, t.account_id, t.partition, t.home_region, t.region, t.is_multi_region_trail,
    t.is_organization_trail,
    coalesce(t.is_logging, o.is_logging) as is_logging,
    coalesce(t.has_custom_event_selectors, o.has_custom_event_selectors) as has_custom_event_selectors,
    case when jsonb_typeof(t.event_selectors) = 'array' or jsonb_typeof(t.advanced_event_selectors) = 'array'
      then t.event_selectors else o.event_selectors end as event_selectors,
    case when jsonb_typeof(t.event_selectors) = 'array' or jsonb_typeof(t.advanced_event_selectors) = 'array'
      then t.advanced_event_selectors else o.advanced_event_selectors end as advanced_event_selectors
  from cloudtrail_trail_home as t
    left join iamsql_organization_trail as o on o.arn = t.arn and o.account_id <> t.account_id
),
-- an organization trail logs every account of the organization: a member (per the management account's
-- list-accounts) whose own describe-trails does not list it is credited with the management account's row
credited as (
  select t.arn, t.name, t.account_id, t.partition, t.home_region, t.region, t.is_multi_region_trail,
    t.is_organization_trail, t.is_logging, t.has_custom_event_selectors, t.event_selectors,
    t.advanced_event_selectors, null as managed_in
  from trail as t
  union all
  select o.arn, o.name, m.id, o.partition, o.home_region, o.region, o.is_multi_region_trail,
    o.is_organization_trail, o.is_logging, o.has_custom_event_selectors, o.event_selectors,
    o.advanced_event_selectors, o.account_id
  from iamsql_organization_trail as o
    join iamsql_organization_member as m on split_part(m.arn, ':', 5) = o.account_id and m.id <> o.account_id
  where not exists (select 1 from trail as own where own.account_id = m.id and own.arn = o.arn)
),
basic as (
  select t.arn,
    coalesce(s ->> 'ReadWriteType', 'All') as rw,
    coalesce(s ->> 'IncludeManagementEvents', 'true') = 'true' as management,
    nullif(replace(regexp_replace(coalesce(nullif(s -> 'ExcludeManagementEventSources', 'null'), '[]'::jsonb)::text, '[\[\]" ]', '', 'g'),
      ',', ', '), '') as excluded,
    exists (
      select 1 from jsonb_array_elements(coalesce(nullif(s -> 'DataResources', 'null'), '[]'::jsonb)) as d,
        jsonb_array_elements_text(coalesce(nullif(d -> 'Values', 'null'), '[]'::jsonb)) as v
      where d ->> 'Type' = 'AWS::S3::Object' and v ~ '^arn:[a-z-]+:s3(:::)?$'
    ) as s3_all
  from credited as t, jsonb_array_elements(t.event_selectors) as s
  where jsonb_typeof(t.event_selectors) = 'array'
),
advanced_field as (
  select t.arn, a ->> 'Name' as selector, f ->> 'Field' as field, f
  from credited as t,
    jsonb_array_elements(t.advanced_event_selectors) as a,
    jsonb_array_elements(coalesce(nullif(a -> 'FieldSelectors', 'null'), '[]'::jsonb)) as f
  where jsonb_typeof(t.advanced_event_selectors) = 'array'
),
advanced as (
  select arn, selector,
    bool_or(field = 'eventCategory' and f -> 'Equals' ? 'Management') as management,
    bool_or(field = 'eventCategory' and f -> 'Equals' ? 'Data') as data,
    bool_or(field = 'resources.type' and f -> 'Equals' ? 'AWS::S3::Object') as s3_object,
    -- a data selector with any field beyond its category, resource type and readOnly (resources.ARN, eventName,
    -- userIdentity.arn...) records only the events that field lets through
    string_agg(distinct case when field not in ('eventCategory', 'resources.type', 'readOnly') then field end, ', ')
      as data_filter,
    -- management selectors take eventSource NotEquals only (kms.amazonaws.com, rdsdata.amazonaws.com); any
    -- eventSource field narrows the selector to fewer sources than all
    string_agg(case when field = 'eventSource' then coalesce(
      nullif(replace(regexp_replace(nullif(f -> 'NotEquals', 'null')::text, '[\[\]" ]', '', 'g'), ',', ', '), ''),
      'event sources other than ' || nullif(replace(regexp_replace(coalesce(nullif(f -> 'Equals', 'null'), nullif(f -> 'StartsWith', 'null'))::text,
        '[\[\]" ]', '', 'g'), ',', ', '), ''),
      'some event sources') end, ', ') as excluded,
    -- readOnly Equals [true, false] lets both kinds through
    coalesce(bool_or(field = 'readOnly' and (f -> 'Equals' ? 'true') and not (f -> 'Equals' ? 'false')), false) as only_read,
    coalesce(bool_or(field = 'readOnly' and (f -> 'Equals' ? 'false') and not (f -> 'Equals' ? 'true')), false) as only_write
  from advanced_field
  group by arn, selector
),
recorded as (
  select arn,
    bool_or(management and rw in ('All', 'ReadOnly') and excluded is null) as management_read,
    bool_or(management and rw in ('All', 'WriteOnly') and excluded is null) as management_write,
    bool_or(management and rw in ('All', 'ReadOnly')) as some_management_read,
    bool_or(management and rw in ('All', 'WriteOnly')) as some_management_write,
    string_agg(excluded, ', ') filter (where management) as excluded,
    bool_or(s3_all and rw in ('All', 'ReadOnly')) as s3_data_read,
    bool_or(s3_all and rw in ('All', 'WriteOnly')) as s3_data_write,
    null as s3_data_read_filter,
    null as s3_data_write_filter
  from basic group by arn
  union all
  select arn,
    bool_or(management and not only_write and excluded is null),
    bool_or(management and not only_read and excluded is null),
    bool_or(management and not only_write),
    bool_or(management and not only_read),
    string_agg(excluded, ', ') filter (where management),
    bool_or(data and s3_object and data_filter is null and not only_write),
    bool_or(data and s3_object and data_filter is null and not only_read),
    string_agg(data_filter, ', ') filter (where data and s3_object and not only_write),
    string_agg(data_filter, ', ') filter (where data and s3_object and not only_read)
  from advanced group by arn
),
per_trail as (
  select arn, bool_or(management_read) as management_read, bool_or(management_write) as management_write,
    bool_or(some_management_read) as some_management_read, bool_or(some_management_write) as some_management_write,
    string_agg(excluded, ', ') as excluded,
    bool_or(s3_data_read) as s3_data_read, bool_or(s3_data_write) as s3_data_write,
    string_agg(s3_data_read_filter, ', ') as s3_data_read_filter,
    string_agg(s3_data_write_filter, ', ') as s3_data_write_filter
  from recorded group by arn
)
select t.arn, t.name,
  t.name || coalesce(' (the organization trail of the management account ' || t.managed_in || ')', '') as label,
  t.account_id, t.partition, coalesce(t.home_region, t.region) as region,
  t.is_multi_region_trail,
  coalesce(t.is_organization_trail, false) as is_organization_trail,
  t.is_logging,
  (s.loaded or t.has_custom_event_selectors = false) is true as selectors_known,
  case when p.arn is not null then coalesce(p.management_read, false)
    when t.has_custom_event_selectors = false then true when s.loaded then false end as management_read,
  case when p.arn is not null then coalesce(p.management_write, false)
    when t.has_custom_event_selectors = false then true when s.loaded then false end as management_write,
  case when (p.some_management_read and not p.management_read) or (p.some_management_write and not p.management_write)
    then p.excluded end as management_excluded,
  case when p.arn is not null then coalesce(p.s3_data_read, false)
    when t.has_custom_event_selectors = false then false when s.loaded then false end as s3_data_read,
  case when p.arn is not null then coalesce(p.s3_data_write, false)
    when t.has_custom_event_selectors = false then false when s.loaded then false end as s3_data_write,
  case when not coalesce(p.s3_data_read, false) then p.s3_data_read_filter end as s3_data_read_filter,
  case when not coalesce(p.s3_data_write, false) then p.s3_data_write_filter end as s3_data_write_filter
from credited as t
  left join per_trail as p on p.arn = t.arn
  cross join lateral (
    select coalesce(jsonb_typeof(t.event_selectors) = 'array' or jsonb_typeof(t.advanced_event_selectors) = 'array', false)
      as loaded
  ) as s
