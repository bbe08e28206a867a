"""Steampipe's aws_cloudtrail_lookup_event over loaded events: real LookupEvents output and trail log files (public
data), queried as Steampipe users query the table, compared with what LookupEvents itself returned."""

import json
from datetime import datetime, timezone

import pytest

from iamsql.controls import create_views
from iamsql.load import load_paths
from iamsql.sql import query
from iamsql.store import db
from iamsql.store.schema import DERIVED_TABLES

LOOKUP_FILES = ["plaso_test_data/aws_cloudtrail_lookup_events.jsonl",
                "aws_cli_examples/json/cloudtrail/lookup-events_1.json"]
TRAIL_FILES = ["cado_cloudgrep_tests/cloudtrail.json", "cado_cloudgrep_tests/cloudtrail_singleline.json",
               "maheribra_aws_attack_chain_ir/03-incident-response/evidence/cloudtrail-1050-getobject.json"]
# The AWS CLI documentation's example, whose EventTime (2021) was edited apart from its record's eventTime (2016),
# which the table gives as every LookupEvents item's EventTime is
EDITED_EXAMPLE = "654ccbc0-ba0d-486a-9076-dbf7274677a7"
# LookupEvents' Event members and the table's columns that hold them
MEMBERS = {"EventName": "event_name", "EventSource": "event_source", "ReadOnly": "read_only",
           "AccessKeyId": "access_key_id", "EventTime": "event_time", "Username": "username"}


def lookup_items(public_data) -> list[dict]:
    items = []
    for name in LOOKUP_FILES:
        text = (public_data / name).read_text(encoding="utf-8")
        items += json.loads(text)["Events"] if text.lstrip().startswith("{\n") else [
            json.loads(line) for line in text.splitlines() if line.strip()]
    return items


def trail_records(public_data) -> list[dict]:
    return [record for name in TRAIL_FILES
            for record in json.loads((public_data / name).read_text(encoding="utf-8"))["Records"]]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


@pytest.fixture(scope="module")
def con(public_data, tmp_path_factory):
    connection = db.connect(tmp_path_factory.mktemp("lookup") / "events.duckdb")
    load_paths(connection, [public_data / name for name in LOOKUP_FILES + TRAIL_FILES], account_id="123456789012")
    yield connection
    connection.close()


def rows(con, sql: str) -> list[tuple]:
    return query.run_query(con, sql)[1]


def test_the_view_has_the_declared_columns(con):
    create_views(con)
    described = [(name, kind) for name, kind, *_ in con.execute("describe aws_cloudtrail_lookup_event").fetchall()]
    assert described == [(name, "TIMESTAMP WITH TIME ZONE" if kind == "TIMESTAMPTZ" else kind)
                         for name, kind in DERIVED_TABLES["aws_cloudtrail_lookup_event"]]


def test_lookup_events_rows_are_what_lookup_events_returned(con, public_data):
    """Each member as LookupEvents gave it; a Username it left out (an AWS service's event) is NULL."""
    items = lookup_items(public_data)
    assert len(items) >= 7
    assert any("Username" not in item for item in items)
    for item in items:
        present = [member for member in MEMBERS if member in item or member == "Username"]
        if item["EventId"] == EDITED_EXAMPLE:
            present.remove("EventTime")
        found = rows(con, f"select {', '.join(MEMBERS[m] for m in present)}, title from aws_cloudtrail_lookup_event "
                          f"where event_id = '{item['EventId']}'")
        expected = tuple(utc(item[m]) if m == "EventTime" else item.get(m) or None for m in present)
        assert found == [(*expected, item["EventName"])], item["EventId"]


def test_trail_files_give_their_management_events_only(con, public_data):
    records = trail_records(public_data)
    management = sorted(r["eventID"] for r in records if r.get("eventCategory") == "Management")
    data = [r["eventID"] for r in records if r.get("eventCategory") == "Data"]
    assert management and data
    ids = ", ".join(f"'{r['eventID']}'" for r in records)
    assert rows(con, f"select event_id from aws_cloudtrail_lookup_event where event_id in ({ids}) order by 1") == [
        (event_id,) for event_id in management]
    stored = rows(con, f"select count(*) from aws_cloudtrail_trail_event where event_id in ({ids})")
    assert stored == [(len(records),)]


def test_start_and_end_time_select_the_window_lookup_events_would_return(con, public_data):
    times = sorted({utc(item["EventTime"]) for item in lookup_items(public_data)})
    start, end = times[1], times[-2]
    events = {item["EventId"]: utc(item["EventTime"]) for item in lookup_items(public_data)}
    ids = ", ".join(f"'{event_id}'" for event_id in events)

    def window(condition: str) -> list[tuple]:
        return rows(con, f"select event_id, start_time, end_time from aws_cloudtrail_lookup_event as e "
                         f"where event_id in ({ids}) and {condition} order by event_id")

    after = sorted(event_id for event_id, time in events.items() if time >= start)
    assert 1 < len(after) < len(events)
    for condition in (f"start_time >= '{start.isoformat()}'", f"'{start.isoformat()}' <= e.start_time",
                      f"start_time = '{start.isoformat()}'"):
        assert window(condition) == [(event_id, start, None) for event_id in after], condition
    assert [r[0] for r in window(f"start_time > '{start.isoformat()}'")] == sorted(
        event_id for event_id, time in events.items() if time > start)
    between = sorted(event_id for event_id, time in events.items() if start <= time <= end)
    assert window(f"start_time >= '{start.isoformat()}' and end_time <= '{end.isoformat()}'") == [
        (event_id, start, end) for event_id in between]
    assert len(between) < len(after)


def test_steampipe_users_query_runs(con, public_data):
    """The query shape of Steampipe's own examples: a look-back from now() and an event name."""
    logins = sorted(item["EventId"] for item in lookup_items(public_data) if item["EventName"] == "ConsoleLogin")
    assert logins
    found = rows(con, "select event_id, username from aws_cloudtrail_lookup_event "
                      "where start_time >= now() - interval '30 years' and event_name = 'ConsoleLogin' order by 1")
    assert found == [(event_id, next(i["Username"] for i in lookup_items(public_data) if i["EventId"] == event_id))
                     for event_id in logins]
    assert rows(con, "select count(*) from aws_cloudtrail_lookup_event "
                     "where start_time >= now() - interval '1 day' and event_name = 'ConsoleLogin'") == [(0,)]


@pytest.mark.parametrize("condition", ["start_time < now()", "end_time >= '2022-01-01T00:00:00Z'",
                                       "resource_name = 'i-01234567890123456'", "resource_type = 'AWS::EC2::Instance'"])
def test_conditions_lookup_events_has_no_parameter_for_are_refused(con, condition):
    with pytest.raises(query.QueryError) as raised:
        rows(con, f"select event_id from aws_cloudtrail_lookup_event where {condition}")
    message = str(raised.value)
    assert "\n" not in message and "unsupported" in message and condition.split()[0] in message
