/*
The ARN of each IAM user, group and role name of an account, for the CloudTrail event controls that find a
principal by the name a request gives (`userName`, `roleName`, `groupName`) and must report it under the ARN it
has everywhere else: a name alone loses the IAM path (`user/ci/build/gitbot` has path `/ci/build/`).

One row per account, principal type and name (IAM names are unique within an account, whatever their case):
- from the loaded IAM data (`aws_iam_user`, `aws_iam_group`, `aws_iam_role`): arn_source `iam_data`;
- else from the account's CloudTrail events, the newest that shows the ARN: a caller's own ARN (an IAM user's
  `userIdentity.arn`, the role behind a session), the response of a successful CreateUser, CreateGroup, CreateRole
  or CreateServiceLinkedRole, and the `resources` of a successful IAM or STS call (AssumeRole names its role):
  arn_source `cloudtrail`.

Columns: account_id, principal_type ('user' | 'group' | 'role'), name_key (the name in lower case, to match a
request's name by), name, arn, arn_source. A control whose principal is in neither builds the ARN from the name in
the partition of the event's account and says so (arn_source `name`).
*/
with loaded as (
  select account_id, 'user' as principal_type, name, arn from aws_iam_user where arn is not null and name is not null
  union all
  select account_id, 'group', name, arn from aws_iam_group where arn is not null and name is not null
  union all
  select account_id, 'role', name, arn from aws_iam_role where arn is not null and name is not null
),
caller as (
  select account_id, max(event_time) as event_time, actor_arn as arn
  from cloudtrail_event_actor
  where actor_type in ('user', 'role') and actor_arn is not null
  group by account_id, actor_arn
),
created as (
  select account_id, event_time,
    coalesce(response_elements -> 'user' ->> 'arn', response_elements -> 'group' ->> 'arn',
             response_elements -> 'role' ->> 'arn') as arn
  from aws_cloudtrail_trail_event
  where event_source = 'iam.amazonaws.com' and error_code is null
    and event_name in ('CreateUser', 'CreateGroup', 'CreateRole', 'CreateServiceLinkedRole')
),
named as (
  select t.account_id, t.event_time, r ->> 'ARN' as arn
  from aws_cloudtrail_trail_event as t,
    jsonb_array_elements(case when jsonb_typeof(t.resources) = 'array' then t.resources end) as r
  where t.event_source in ('iam.amazonaws.com', 'sts.amazonaws.com') and t.error_code is null and t.resources is not null
),
seen as (
  select account_id, event_time, arn,
    split_part(split_part(arn, ':', 6), '/', 1) as principal_type,
    regexp_replace(arn, '^.*/', '') as name
  from (
    -- each ARN once, with its newest time (all the choice below needs); min(arn) is the group's ARN read after
    -- grouping, so the filter below runs once per ARN instead of once per event
    select account_id, max(event_time) as event_time, min(arn) as arn
    from (
      select account_id, event_time, arn from caller
      union all
      select account_id, event_time, arn from created
      union all
      select account_id, event_time, arn from named
    ) as s
    group by account_id, s.arn
  ) as g
  -- the account's own principals only, as IAM writes their ARNs
  where arn ~ '^arn:[^:]+:iam::[0-9]{12}:(user|group|role)/' and split_part(arn, ':', 5) = account_id
),
candidate as (
  select account_id, principal_type, name, arn, 'iam_data' as arn_source, 1 as rank, null::timestamptz as event_time
  from loaded
  union all
  select account_id, principal_type, name, arn, 'cloudtrail', 2, event_time
  from seen
)
select distinct on (account_id, principal_type, lower(name))
  account_id, principal_type, lower(name) as name_key, name, arn, arn_source
from candidate
order by account_id, principal_type, lower(name), rank, event_time desc nulls last, arn
