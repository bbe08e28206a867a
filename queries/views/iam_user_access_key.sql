/*
The access keys each IAM user has as of the data, from the credential report and, where it is loaded, the user's
list-access-keys (live, where the report is up to four hours older than its GeneratedTime and only as new as its
generation). The report's slots (access_key_1, access_key_2) are the keys of users whose keys are not listed; of a
user whose list-access-keys is loaded (with a key, or listed with none: iamsql_listed), only the slots whose key is
still listed and Active (the key created in the second the slot was last rotated), plus each listed Active key no
slot holds (created after the report). The report gives last_rotated N/A only for a key that is not active: an active
slot with N/A has a creation time the report does not give (not the user's creation); its key is the user's one
listed key created by the report's generation that no dated slot holds, when the user has one such slot and one such
key. The root user's keys are not here.

Columns: user_arn, user_name, account_id, partition, key_number (the report's slot, 1 or 2; NULL for a listed key
no slot holds), access_key_id (the listed key's id; NULL for a slot of a user whose keys are not listed), created
(the slot's last_rotated, else its listed key's CreateDate, else NULL: unknown; the listed CreateDate for a key no
slot holds), last_used (the
later of the report's date and get-access-key-last-used's), last_used_service (the service of that use), generated_time (the report's),
use_known_until (the time up to which the key's use is known: the snapshot time when the key's
get-access-key-last-used is loaded, which is live, or when the report holding the key was generated at most four
hours before it (or at an unknown time), the most a report AWS gives can lag; else the report's GeneratedTime,
after which use is not known; NULL for a key no slot holds without get-access-key-last-used), present_known_until
(the time up to which the key is known to exist as it is: the snapshot time when list-access-keys lists it, else
use_known_until), resource
(`<user ARN>#access_key_<N>`, or `<user ARN>#<access key id>` for a key no slot holds), label (`1`, `2` or the id).
*/
with slot as (
  select user_arn, user_name, account_id, partition, 1 as key_number, access_key_1_active as active,
    access_key_1_last_rotated as rotated, access_key_1_last_used_date as last_used, access_key_1_last_used_service as last_used_service, generated_time
  from aws_iam_credential_report
  where user_name <> '<root_account>' and (access_key_1_active or access_key_1_last_rotated is not null)
  union all
  select user_arn, user_name, account_id, partition, 2, access_key_2_active, access_key_2_last_rotated,
    access_key_2_last_used_date,
    access_key_2_last_used_service, generated_time
  from aws_iam_credential_report
  where user_name <> '<root_account>' and (access_key_2_active or access_key_2_last_rotated is not null)
), listed as (
  -- list-access-keys: every key of its user, with a create date (a get-access-key-last-used output alone has none)
  select * from aws_iam_access_key where create_date is not null and user_name <> '<root_account>'
), listed_user as (
  -- the users whose list-access-keys is loaded: with a key, or listed with none (their report slots' keys are gone)
  select account_id, user_name from listed
  union
  select account_id, key from iamsql_listed where table_name = 'aws_iam_access_key'
), undated as (
  -- an active slot without last_rotated (N/A) and the listed keys that may be its key: created by the report's
  -- generation and held by no dated slot; candidates = 1 when the user has one such slot and one such key
  select s.account_id, s.user_name, s.key_number, l.access_key_id,
    count(*) over (partition by s.account_id, s.user_name) as candidates
  from slot as s
    join listed as l on l.account_id = s.account_id and l.user_name = s.user_name
      and l.create_date <= coalesce(s.generated_time, l.create_date)
  where s.rotated is null and s.active and not exists (
    select 1 from slot as d
    where d.account_id = l.account_id and d.user_name = l.user_name
      and date_trunc('second', d.rotated) = date_trunc('second', l.create_date))
), report as (
  select account_id, max(generated_time) as generated_time from aws_iam_credential_report group by account_id
), keys as (
  select s.user_arn, s.user_name, s.account_id, s.partition, s.key_number, l.access_key_id,
    coalesce(s.rotated, l.create_date) as created,
    greatest(s.last_used, l.access_key_last_used_date) as last_used,
    case when l.access_key_last_used_date > s.last_used or s.last_used is null then l.access_key_last_used_service
      else s.last_used_service end as last_used_service,
    s.generated_time,
    -- get-access-key-last-used gives a service ("N/A" for a key never used) whenever it is loaded; a report can be
    -- up to four hours old when AWS gives it (it generates one at most every four hours)
    case when l.access_key_last_used_service is not null
        or coalesce(s.generated_time >= now() - interval '4 hours', true) then now()
      else s.generated_time end as use_known_until
  from slot as s
    left join listed_user as u on u.account_id = s.account_id and u.user_name = s.user_name
    left join undated as n on n.account_id = s.account_id and n.user_name = s.user_name
      and n.key_number = s.key_number and n.candidates = 1
    left join listed as l on l.account_id = s.account_id and l.user_name = s.user_name
      and (date_trunc('second', l.create_date) = date_trunc('second', s.rotated) or l.access_key_id = n.access_key_id)
  where (u.user_name is null and s.active) or l.status = 'Active'
  union all
  select coalesce(c.user_arn, iu.arn, 'arn:' || l.partition || ':iam::' || l.account_id || ':user/' || l.user_name),
    l.user_name, l.account_id, l.partition, null, l.access_key_id, l.create_date, l.access_key_last_used_date,
    l.access_key_last_used_service, r.generated_time,
    -- a key no slot holds: only get-access-key-last-used knows its use
    case when l.access_key_last_used_service is not null then now() end
  from listed as l
    join report as r on r.account_id = l.account_id
    left join aws_iam_credential_report as c on c.account_id = l.account_id and c.user_name = l.user_name
    left join aws_iam_user as iu on iu.account_id = l.account_id and iu.name = l.user_name
  where l.status = 'Active' and not exists (
    select 1 from slot as s
    where s.account_id = l.account_id and s.user_name = l.user_name
      and date_trunc('second', s.rotated) = date_trunc('second', l.create_date))
    and not exists (
      select 1 from undated as n
      where n.account_id = l.account_id and n.access_key_id = l.access_key_id and n.candidates = 1)
)
select *,
  case when access_key_id is not null then now() else use_known_until end as present_known_until,
  user_arn || '#' || case when key_number is null then access_key_id else 'access_key_' || key_number end as resource,
  case when key_number is null then access_key_id else key_number::varchar end as label
from keys
