/*
Steampipe's `aws_cloudtrail_lookup_event` table (cloudtrail:LookupEvents) over the loaded CloudTrail events, from
LookupEvents output or trail log files alike: the management events only, as LookupEvents returns them (records
whose eventCategory is `Management`; a record that names no category, as records before event version 1.07 do, is
one unless its managementEvent is false). Data, network activity and Insights events are left out.

Columns, as the Steampipe AWS plugin has them: event_id, event_name, event_source, read_only (text `true`/`false`,
NULL where the record does not say), access_key_id (NULL where the record names none), event_time, username, resources, cloud_trail_event (the whole
record), title (the event name), partition, region, account_id, and the connection columns.
- username, as LookupEvents fills it: an IAM user's user name, an assumed role's session name (the part of its
  ARN after the last `/`), as in the LookupEvents outputs of tests/data. NULL for an AWS service's event, which
  LookupEvents gives without a Username (the same outputs). NULL also for the root user and federated callers
  (FederatedUser, SAMLUser, WebIdentityUser): AWS documents Username only as "a user name or role name of the
  requester", not what it holds for them, so iamsql does not make one up; query user_identity for those.
- resources: always NULL. LookupEvents' resource list is computed by CloudTrail from the request and is not part
  of the record; iamsql does not keep it.
- start_time, end_time, resource_name, resource_type are Steampipe's filter-only columns (the call's parameters):
  NULL here; the SQL dialect turns a condition on start_time / end_time into the time window LookupEvents would
  return, and refuses one on resource_name / resource_type.
*/
select
  e.event_id,
  e.event_name,
  e.event_source,
  e.read_only::text as read_only,
  nullif(e.access_key_id, '') as access_key_id,
  e.event_time,
  null::timestamptz as end_time,
  null::timestamptz as start_time,
  null::text as resource_name,
  null::text as resource_type,
  case e.user_identity ->> 'type'
    when 'IAMUser' then e.user_identity ->> 'userName'
    when 'AssumedRole' then split_part(e.user_identity ->> 'arn', '/', -1)
  end as username,
  null::jsonb as resources,
  e.cloudtrail_event as cloud_trail_event,
  e.event_name as title,
  e.partition,
  e.region,
  e.account_id,
  e.sp_connection_name,
  e.sp_ctx,
  e._ctx
from aws_cloudtrail_trail_event as e
where coalesce(e.event_category = 'Management', (e.cloudtrail_event ->> 'managementEvent')::boolean, true)
