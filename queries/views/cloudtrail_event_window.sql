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
  select c.account_id, c.event_time, c.events,
    lag(c.event_time) over (partition by c.account_id order by c.event_time) as earlier_time,
    sum(c.events) over (partition by c.account_id order by c.event_time desc
                        rows between unbounded preceding and current row) as since,
    max(c.event_time) over (partition by c.account_id) as last_time
  from cloudtrail_event_count as c
),
window_ as (
  select account_id, earlier_time, event_time as first_time, last_time, since as events
  from account_time
  union all
  select a.account_id, max(t.event_time), null, null, 0
  from iamsql_account as a
    left join cloudtrail_event_count as t on t.account_id = a.account_id
  group by a.account_id
),
spanned as (
  select w.account_id, w.earlier_time, w.first_time, w.last_time, w.events,
    case when date_trunc('minute', w.first_time) = date_trunc('minute', w.last_time) then 'at '
      else 'from ' || to_char(w.first_time, 'YYYY-MM-DD HH24:MI') || ' to ' end
    || to_char(w.last_time, 'YYYY-MM-DD HH24:MI') || ' UTC' as span
  from window_ as w
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
