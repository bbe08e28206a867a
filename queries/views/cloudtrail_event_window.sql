/*
Each account's CloudTrail events (those of cloudtrail_event_count) in any look-back window that ends when the data
was taken: the `ok` or `skip` row a detection gives an account in which it found nothing, in one place. A window of
`lookback_days` days holds the events whose time is after its start, `now() - :lookback_days * interval '1 day'`;
each account has exactly one row for that start, found with

  where coalesce(w.earlier_time <= <start>, true) and coalesce(w.first_time > <start>, true)

One row per account (iamsql_account) and per time its events have (the window whose first event has that time),
and one more for a window that holds none of them (first_time NULL, earlier_time the newest event's time; an
account without events has only that one, earlier_time NULL too).

Columns: account_id, resource (the account, `arn:<partition>:::<account>`), earlier_time (the newest event time
before the window's first), first_time, last_time, events (how many in the window), status (`ok` when it holds
events, else `skip`: nothing to judge), span (`from <first> to <last> UTC`, times to the minute, or `at <time> UTC`
when they are one minute: the time the loaded events cover, which a reason names instead of the whole look-back;
NULL when the window is empty), summary
(`None of the <events> CloudTrail events <span>`, for the detection to end with what it looked for; for an empty
window `None of the loaded CloudTrail events of account <account> (the newest from <earlier> UTC)`, the newest
left out when the account has none, for the detection to end with `falls in the <lookback_days> days ...`).
*/
with account_time as (
  -- one ordering of each account's times for both: the time before (the next in this order), and the events from
  -- this time on
  select c.account_id, c.event_time, date_trunc('minute', c.event_time) as first_minute,
    lead(c.event_time) over (partition by c.account_id order by c.event_time desc) as earlier_time,
    sum(c.events) over (partition by c.account_id order by c.event_time desc
                        rows between unbounded preceding and current row) as since
  from cloudtrail_event_count as c
),
account_last as (
  -- each account's newest event time, its minute and its text, made once per account instead of once per time
  select account_id, max(event_time) as last_time, date_trunc('minute', max(event_time)) as last_minute,
    to_char(max(event_time), 'YYYY-MM-DD HH24:MI') as last_text
  from cloudtrail_event_count
  group by account_id
),
minute_text as materialized (
  -- the text of each minute a window can begin in, made once per minute (a busy account has many times a minute)
  select first_minute, to_char(first_minute, 'YYYY-MM-DD HH24:MI') as first_text
  from (select distinct first_minute from account_time) as m
),
spanned as (
  select t.account_id, t.earlier_time, t.event_time as first_time, l.last_time, t.since as events,
    case when t.first_minute = l.last_minute then 'at ' else 'from ' || m.first_text || ' to ' end
    || l.last_text || ' UTC' as span
  from account_time as t
    join account_last as l on l.account_id = t.account_id
    join minute_text as m on m.first_minute = t.first_minute
  union all
  select a.account_id, max(l.last_time), null, null, 0, null
  from iamsql_account as a
    left join account_last as l on l.account_id = a.account_id
  group by a.account_id
)
select w.account_id, 'arn:' || a.partition || ':::' || a.account_id as resource,
  w.earlier_time, w.first_time, w.last_time, w.events,
  case when w.events > 0 then 'ok' else 'skip' end as status,
  w.span,
  case when w.events > 0 then 'None of the ' || w.events || ' CloudTrail events ' || w.span
    else 'None of the loaded CloudTrail events of account ' || w.account_id
      || coalesce(' (the newest from ' || to_char(w.earlier_time, 'YYYY-MM-DD HH24:MI') || ' UTC)', '')
  end as summary
from spanned as w
  join iamsql_account as a on a.account_id = w.account_id
