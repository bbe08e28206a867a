/*
The CloudTrail events of each account (those of cloudtrail_event_actor) counted per event time, up to the time the
data was taken: the detections count the events of their look-back window from it (`sum(events)` of the rows whose
event_time is in the window), for the account's `ok` or `skip` row, instead of each scanning every event again.
CloudTrail gives event times in whole seconds and a busy account records many events a second, so it has far
fewer rows than there are events; grouping by the time itself keeps any window's count exact.

Columns: account_id, event_time, events (how many of the account's events have that time).
*/
select account_id, event_time, count(*) as events
from cloudtrail_event_actor
where event_time <= now()
group by account_id, event_time
