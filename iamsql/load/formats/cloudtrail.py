"""CloudTrail events: recognise the files AWS produces and bulk-load them into ``history.aws_cloudtrail_trail_event``.

Formats (``sniff`` returns the name; the first part says how values are laid out in the file, the rest what
each value is):

| format | file content |
|---|---|
| ``cloudtrail-records`` | S3 delivery ``{"Records":[event, ...]}`` (``.json``/``.json.gz``, pretty or one line) |
| ``cloudtrail-array`` | ``[event, ...]`` |
| ``cloudtrail-lines`` | one event per line (NDJSON), or events written one after another |
| ``cloudtrail-lookup-events`` | ``aws cloudtrail lookup-events``: ``{"Events":[{"EventId", ..., "CloudTrailEvent": "<json>"}]}`` |
| ``cloudtrail-lookup-array`` / ``cloudtrail-lookup-lines`` | boto3 ``lookup_events`` items as an array / one per line |
| ``cloudtrail-lookup-pages`` | a JSON array of ``lookup-events`` pages (every page of a boto3 paginator saved at once) |
| ``cloudtrail-lookup-strings`` | ``lookup-events --query 'Events[].CloudTrailEvent'``: a JSON array of events as JSON text |
| ``cloudtrail-eventbridge`` / ``cloudtrail-eventbridge-array`` | EventBridge envelopes (``detail-type: ... via CloudTrail``, event in ``detail``), one or more per file / as an array |
| ``cloudtrail-cwlogs-events`` | CloudWatch Logs ``filter-log-events`` / ``get-log-events``: ``{"events":[{"timestamp", "message": "<json>", ...}]}`` |
| ``cloudtrail-cwlogs-array`` / ``cloudtrail-cwlogs-lines`` | those log events as an array (``--query events``) / one per line |
| ``cloudtrail-cwlogs-export`` | a CloudWatch Logs export task's objects: one ``<ISO time> <message>`` per line (``000000.gz``) |
| ``cloudtrail-cwlogs-subscription`` | what a CloudWatch Logs subscription filter sends (Firehose's S3 objects): ``{"messageType": "DATA_MESSAGE", "logEvents": [{"message": "<json>", ...}], ...}`` records one after another, control messages passed over |

A CloudWatch Logs message is a CloudTrail event (a trail delivering to CloudWatch Logs), or an EventBridge envelope
of one (a rule whose target is a log group), whose ``detail`` is the event.

Everything runs inside DuckDB: ``read_json`` (files holding a list of events) and ``read_json_objects`` (the
other layouts) read many files per call (gzip included), each event is parsed once with ``json_transform``
against an explicit structure (never a sampled schema, which drops keys that the sample lacked), and the whole
record is kept as ``cloudtrail_event`` (minified, every key kept).

Column rules beyond Steampipe's names:
- ``event_id`` is ``eventID``; an event without one gets ``iamsql-<md5 of the minified record>``, so loading
  the same event again is still recognised as a duplicate.
- ``event_time`` (and ``timestamp``/``timestamp_ms``) is ``eventTime`` read as UTC; a missing or unreadable
  time is NULL. A Logstash export of events read by its cloudtrail codec has ``@timestamp`` (and ``@version``)
  instead: the codec moves ``eventTime`` there, so that is the event's time.
- Keys are matched as AWS writes them (``eventName``, ``userIdentity.sessionContext``...). Lower-cased keys
  found in hand-edited test fixtures are not AWS output: they stay in ``cloudtrail_event`` but fill no column.
- ``account_id`` is ``recipientAccountId``, else ``userIdentity.accountId`` (an empty one names no account);
  ``partition`` comes from the identity's ARN, else the region (``normalize.region_partition``: ``cn-*`` ->
  ``aws-cn``, ``us-isob-*`` -> ``aws-iso-b``, ...), else ``aws``.
- ``source_file`` (added after Steampipe's columns) names the file the event was read from.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import re
import shutil
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb

from iamsql.common.paths import duckdb_literal, sql_string
from iamsql.errors import NOTHING_LOADED, BrokenFileError, InputError
from iamsql.load.normalize import region_partition_sql
from iamsql.store.schema import columns

TABLE = "aws_cloudtrail_trail_event"

# format -> (how values are laid out in the file, what each value is)
FORMATS: dict[str, tuple[str, str]] = {
    "cloudtrail-records": ("records", "event"),
    "cloudtrail-array": ("array", "event"),
    "cloudtrail-lines": ("values", "event"),
    "cloudtrail-lookup-events": ("events", "lookup"),
    "cloudtrail-lookup-array": ("array", "lookup"),
    "cloudtrail-lookup-lines": ("values", "lookup"),
    "cloudtrail-lookup-pages": ("pages", "lookup"),
    "cloudtrail-lookup-strings": ("array", "text"),
    "cloudtrail-eventbridge": ("values", "eventbridge"),
    "cloudtrail-eventbridge-array": ("array", "eventbridge"),
    "cloudtrail-cwlogs-events": ("log-events", "logged"),
    "cloudtrail-cwlogs-array": ("log-array", "logged"),
    "cloudtrail-cwlogs-lines": ("log-values", "logged"),
    "cloudtrail-cwlogs-export": ("log-export", "logged"),
    "cloudtrail-cwlogs-subscription": ("log-subscription", "logged"),
}

# Decompressed JSON per DuckDB read call (progress steps). Each call pays a start and a drain in which a
# core idles: 1 GiB loaded 1,000,000 events in 10.3 s against 17.0 s with 256 MiB, at the same peak memory.
BATCH_BYTES = 1024 << 20
MIN_OBJECT_BYTES = 16 << 20  # DuckDB's default largest JSON value; raised per batch to its largest file
MAX_OBJECT_BYTES = 1 << 30

_READ = "read_json_objects({files}, format='%s', filename=true, maximum_object_size={max}, compression='{compression}')"
# A wrapper's list is read as JSON[] by read_json (each item kept as minified JSON text): each file is parsed once,
# where read_json_objects + json_extract parsed it twice for about 15 % more CPU per event. A JSON null item comes
# out as SQL NULL and is turned back into JSON null (a rejected record, as any other item that is no object).
_READ_LIST = (
    "select filename, coalesce(item, 'null') as raw from (select filename, unnest(\"%s\") as item "
    "from read_json({files}, format='%s', records=true, columns={{'%s': 'JSON[]'}}, filename=true, "
    "maximum_object_size={max}, compression='{compression}'))"
)
# Files that are not CloudWatch Logs outputs name no log group, stream or log event time.
_NO_LOG = ", null::varchar as log_group, null::varchar as log_stream, null::bigint as log_ms"
# A CloudWatch Logs log event (filter-log-events, get-log-events): its stream (filter-log-events names it) and time.
_LOG_EVENT = ("json({event}->>'message') as raw, null::varchar as log_group, {event}->>'logStreamName' as log_stream, "
              "try_cast({event}->>'timestamp' as bigint) as log_ms")
_READERS = {
    "records": f"select *{_NO_LOG} from (" + _READ_LIST % ("Records", "unstructured", "Records") + ")",
    "events": f"select *{_NO_LOG} from (" + _READ_LIST % ("Events", "unstructured", "Events") + ")",
    "pages": f"select *{_NO_LOG} from (" + _READ_LIST % ("Events", "array", "Events") + ")",
    "array": f"select filename, json(json) as raw{_NO_LOG} from " + _READ % "array",
    "values": f"select filename, json(json) as raw{_NO_LOG} from " + _READ % "unstructured",
    # CloudWatch Logs: raw is the log event's message, parsed (a message that is not JSON stops the load).
    "log-events": f"select filename, {_LOG_EVENT.format(event='raw')} from ("
    + _READ_LIST % ("events", "unstructured", "events") + ")",
    "log-array": f"select filename, {_LOG_EVENT.format(event='json')} from " + _READ % "array",
    "log-values": f"select filename, {_LOG_EVENT.format(event='json')} from " + _READ % "unstructured",
    # A subscription's records (gzip members or JSON values one after another): the log events of its data messages,
    # each record naming the log group and stream of its events.
    "log-subscription": "select filename, json(item->>'message') as raw, \"logGroup\" as log_group, "
    "\"logStream\" as log_stream, try_cast(item->>'timestamp' as bigint) as log_ms from (select filename, "
    "\"logGroup\", \"logStream\", unnest(\"logEvents\") as item from read_json({files}, format='unstructured', "
    "records=true, columns={{'messageType': 'VARCHAR', 'logGroup': 'VARCHAR', 'logStream': 'VARCHAR', "
    "'logEvents': 'JSON[]'}}, filename=true, maximum_object_size={max}, compression='{compression}') "
    "where \"messageType\" = 'DATA_MESSAGE')",
    # An export task writes "<ISO time of the log event> <message>" lines. JSON text holds no raw control character,
    # so \x01 never splits a line; every line is one column, read without quoting.
    "log-export": "select filename, json(substr(line, strpos(line, ' ') + 1)) as raw, null::varchar as log_group, "
    "null::varchar as log_stream, epoch_ms(try_cast(substr(line, 1, strpos(line, ' ') - 1) as timestamptz)) as log_ms "
    "from read_csv({files}, "
    "columns={{'line': 'VARCHAR'}}, header=false, delim='\x01', quote='', escape='', auto_detect=false, "
    "filename=true, max_line_size={max}, compression='{compression}') where trim(line) <> ''",
}
# Each reader yields (filename, raw, log_group, log_stream, log_ms): one minified JSON value per event-bearing item,
# and where it is a CloudWatch Logs log event, what the log says of it.
_PAYLOADS = {
    "event": "raw",
    "lookup": "json(raw->>'CloudTrailEvent')",
    "text": "json(raw->>'$')",
    "eventbridge": "case when raw->>'detail-type' like '% via CloudTrail' then raw->'detail' end",
    "logged": "case when raw->>'detail-type' like '% via CloudTrail' then raw->'detail' else raw end",
}

# The parts of a record that columns come from, each event parsed once (userIdentity's members included: a second
# json_transform of userIdentity cost about a tenth of the insert).
_SCALARS = [
    "eventID",
    "eventTime",
    "eventName",
    "eventSource",
    "eventType",
    "eventVersion",
    "eventCategory",
    "awsRegion",
    "recipientAccountId",
    "sourceIPAddress",
    "userAgent",
    "errorCode",
    "errorMessage",
    "readOnly",
    "requestID",
    "sharedEventID",
    "vpcEndpointId",
    "@timestamp",  # Logstash's: the event time, where its cloudtrail codec moved eventTime (below)
    "@version",
]
_OBJECTS = ["additionalEventData", "requestParameters", "responseElements", "resources", "tlsDetails"]
# userIdentity's string members, in the order of Steampipe's Go struct (and of the user_identity column)
_IDENTITY_STRINGS = ("type", "userName", "principalId", "arn", "accountId", "accessKeyId", "identityProvider",
                     "invokedBy")
_IDENTITY_OBJECTS = ("sessionContext", "webIdFederationData")
_EVENT_STRUCTURE = json.dumps(
    {
        **{k: "VARCHAR" for k in _SCALARS},
        **{k: "JSON" for k in _OBJECTS},
        "userIdentity": {**{k: "VARCHAR" for k in _IDENTITY_STRINGS}, **{k: "JSON" for k in _IDENTITY_OBJECTS}},
    }
)

UNKNOWN_ACCOUNT = "unknown"  # snapshot account for events that name no account at all
# An empty accountId ("", as in "Unknown" identities of failed sign-ins) names no account.
_ACCOUNT_SQL = "coalesce(nullif(s.recipientAccountId, ''), nullif(u.accountId, ''))"

# user_identity as Steampipe prints the Go struct it reads userIdentity into: its eight string members ("" when the
# record leaves one out), sessionContext and webIdFederationData as written (null when absent), no other member
# (onBehalfOf, credentialId, inScopeOf, ...: cloudtrail_event -> 'userIdentity' keeps the record's). to_json of a
# struct writes the same text as json_object of the same pairs, in less than half its CPU.
_USER_IDENTITY_SQL = "case when is_object then to_json(struct_pack({})) end".format(", ".join(
    [f'"{name}" := coalesce(u.{name}, \'\')' for name in _IDENTITY_STRINGS]
    + [f'"{name}" := u.{name}' for name in _IDENTITY_OBJECTS]))

# The event's time: eventTime, else, in a Logstash event (@version) without one, @timestamp, to which Logstash's
# cloudtrail codec moves eventTime (a pipeline that keeps eventTime has its own read time in @timestamp).
_TIME_SQL = """coalesce(s.eventTime, case when s."@version" is not null then s."@timestamp" end)"""

# The two texts of userIdentity.sessionContext that have columns, read in one parse of it (as the list session).
_SESSION_SQL = "json_extract_string(s.userIdentity.sessionContext, ['$.sessionIssuer.arn', '$.attributes.mfaAuthenticated'])"

# Column expressions over s (the event struct), u (userIdentity fields), e (the record), t (event time), session.
_COLUMN_SQL = {
    "filter": "null",
    "log_group_name": "log_group",
    "log_stream_name": "log_stream",
    # Steampipe's timestamp is the CloudWatch Logs log event's; an event read from elsewhere has its eventTime
    "timestamp": "coalesce(to_timestamp(log_ms / 1000), t)",
    "timestamp_ms": "coalesce(log_ms, epoch_ms(t))",
    # Steampipe reads access_key_id, user_type, username and user_identifier from the Go strings of its userIdentity
    # struct: '' where the identity has no such member (an AWS service, the root user's userName), and
    # user_identifier is the identity's arn alone (a Go string is never nil, so its fallbacks are never reached).
    "access_key_id": "coalesce(u.accessKeyId, '')",
    "aws_region": "s.awsRegion",
    "error_code": "s.errorCode",
    "error_message": "s.errorMessage",
    "event_category": "s.eventCategory",
    "event_id": "case when is_object then coalesce(s.eventID, 'iamsql-' || md5(e)) end",  # NULL: rejected
    "event_name": "s.eventName",
    "event_source": "s.eventSource",
    "event_time": "t",
    "event_type": "s.eventType",
    "event_version": "s.eventVersion",
    "read_only": "try_cast(s.readOnly as boolean)",
    "recipient_account_id": "s.recipientAccountId",
    "request_id": "s.requestID",
    "shared_event_id": "s.sharedEventID",
    "source_ip_address": "s.sourceIPAddress",
    "user_agent": "s.userAgent",
    "user_type": "coalesce(u.type, '')",
    "username": "coalesce(u.userName, '')",
    "user_identifier": "coalesce(u.arn, '')",
    "vpc_endpoint_id": "s.vpcEndpointId",
    "additional_event_data": "s.additionalEventData",
    "cloudtrail_event": "e",
    "request_parameters": "s.requestParameters",
    "response_elements": "s.responseElements",
    "resources": "s.resources",
    "tls_details": "s.tlsDetails",
    "user_identity": _USER_IDENTITY_SQL,
    "region": "s.awsRegion",
    "account_id": _ACCOUNT_SQL,
    "source_file": "source_file",
    "event_time_raw": "case when t is null and s.eventTime is not null then s.eventTime end",
    "identity_account_id": "nullif(u.accountId, '')",
    "identity_invoked_by": "nullif(u.invokedBy, '')",
    "session_issuer_arn": "session[1]",
    "session_mfa_authenticated": "session[2]",
    "sp_connection_name": _ACCOUNT_SQL,
    "sp_ctx": f"json_object('connection_name', {_ACCOUNT_SQL})",
    "_ctx": f"json_object('connection_name', {_ACCOUNT_SQL})",
}


@dataclass
class Batch:
    """Files read by one DuckDB call: same format, same compression (told to DuckDB, which would otherwise go by
    the file name), and the largest JSON value DuckDB must accept."""

    format: str
    gzip: bool
    paths: list[Path] = field(default_factory=list)
    max_object: int = MIN_OBJECT_BYTES
    originals: dict[Path, Path] = field(default_factory=dict)  # a UTF-8 copy read instead of a UTF-16 file -> that file

    def original(self, path: Path) -> Path:
        return self.originals.get(path, path)


def _reader_sql(batch: Batch) -> str:
    """SELECT of (filename, raw, log_group, log_stream, log_ms) per event-bearing item of the files of a batch."""
    # Literal names: DuckDB would expand [, * and ? (ct[1].json must not read ct1.json).
    files_sql = "[" + ", ".join(sql_string(duckdb_literal(p)) for p in batch.paths) + "]"
    return _READERS[FORMATS[batch.format][0]].format(
        files=files_sql, max=batch.max_object, compression="gzip" if batch.gzip else "none"
    )


@cache
def _partition_sql() -> str:
    """The partition column: the identity's ARN's, else its session issuer's, else its region's (botocore's
    partition patterns, read when events are first loaded), else aws."""
    arn = "coalesce(u.arn, u.sessionContext -> 'sessionIssuer' ->> 'arn')"
    return (f"coalesce(nullif(regexp_extract({arn}, '^arn:([^:]+):', 1), ''), "
            f"{region_partition_sql('s.awsRegion', sql_string('aws'))})")


def _extract_sql(batch: Batch) -> str:
    """SELECT of the table's columns (all but snapshot_id) for the files of a batch."""
    payload = FORMATS[batch.format][1]
    reader = _reader_sql(batch)
    source = "filename"
    if batch.originals:  # a copy's rows name the file the user gave
        names = ", ".join(f"{sql_string(str(copy))}: {sql_string(str(original))}"
                          for copy, original in batch.originals.items())
        source = f"coalesce(map {{{names}}}[filename], filename)"
    expressions = {**_COLUMN_SQL, "partition": _partition_sql()}
    cols = ", ".join(f'{expressions[name]} as "{name}"' for name, _ in columns(TABLE) if name != "snapshot_id")
    # Values that are not JSON objects are kept as rows with a NULL event_id (and counted, then removed, by
    # _settle) instead of being dropped without a word.
    return (
        f"select {cols} from ("
        f" select source_file, e, s, is_object, log_group, log_stream, log_ms,"
        f" s.userIdentity as u, try_cast({_TIME_SQL} as timestamptz) as t, {_SESSION_SQL} as session from ("
        f"  select source_file, e, is_object, log_group, log_stream, log_ms,"
        f"  case when is_object then json_transform(e, '{_EVENT_STRUCTURE}') end as s from ("
        f"   select source_file, e, coalesce(left(e, 1) = '{{', false) as is_object, log_group, log_stream, log_ms from ("
        f"    select {source} as source_file, {_PAYLOADS[payload]} as e, log_group, log_stream, log_ms"
        f" from ({reader})))))"
    )


# ---- recognising files ---------------------------------------------------------------------------------------

_EVENT_KEYS = {
    "eventVersion",
    "eventSource",
    "eventName",
    "eventTime",
    "eventID",
    "userIdentity",
    "awsRegion",
    "recipientAccountId",
    "eventType",
    "sourceIPAddress",
}
_WRAPPED = re.compile(r'\{\s*"(Records|Events)"\s*:\s*\[')
_EMPTY, _CUT = object(), object()  # first item of a list: the list is empty / the head ends inside the item


def _is_foreign_record(item: object) -> bool:
    """A ``Records`` entry from S3/SQS/SNS/DynamoDB/Kinesis notifications, which share the wrapper. An entry that is
    no object at all is CloudTrail's to reject (counted with its reason), not a reason to skip the file."""
    if not isinstance(item, dict):
        return False
    source = item.get("eventSource", item.get("EventSource"))
    return isinstance(source, str) and source.startswith("aws:")


def _item_kind(item: object) -> str | None:
    """'event', 'lookup' (lookup-events item) or 'eventbridge' (envelope) for one JSON value, else None."""
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("CloudTrailEvent"), str):
        return "lookup"
    if str(item.get("detail-type", "")).endswith("via CloudTrail") and isinstance(item.get("detail"), dict):
        return "eventbridge"
    if isinstance(item.get("message"), str) and "timestamp" in item:  # a CloudWatch Logs log event
        return "cwlogs" if _message_kind(item["message"]) else None
    # Insight events (CloudTrail-Insight/) carry their event source and name inside insightDetails.
    named = "eventSource" in item or "eventName" in item or "insightDetails" in item
    if named and len(_EVENT_KEYS & item.keys()) >= 3 and not _is_foreign_record(item):
        return "event"
    return None


_LINES = {
    "event": "cloudtrail-lines",
    "lookup": "cloudtrail-lookup-lines",
    "eventbridge": "cloudtrail-eventbridge",
    "cwlogs": "cloudtrail-cwlogs-lines",
}
_ARRAYS = {
    "event": "cloudtrail-array",
    "lookup": "cloudtrail-lookup-array",
    "eventbridge": "cloudtrail-eventbridge-array",
    "cwlogs": "cloudtrail-cwlogs-array",
}
_LOGGED = ("event", "eventbridge")  # what a CloudWatch Logs message may hold
_LOG_EVENTS = re.compile(r'\{\s*"events"\s*:\s*\[')  # filter-log-events / get-log-events
_LOG_TOKENS = ('"searchedLogStreams"', '"nextForwardToken"')  # keys only those two outputs have
_MESSAGE = re.compile(r'"message"\s*:\s*"(?=\{)')
_EXPORT_LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z (?=\{)")


def _message_kind(message: str) -> bool:
    """Whether a CloudWatch Logs message holds a CloudTrail event (or its EventBridge envelope)."""
    try:
        return _item_kind(json.loads(message)) in _LOGGED
    except (ValueError, RecursionError):
        return False


def _first_item(text: str, pos: int) -> object:
    """The first value of a JSON list whose items start at ``pos``, or _EMPTY / _CUT."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    if text.startswith("]", pos):
        return _EMPTY
    try:
        return json.JSONDecoder().raw_decode(text, pos)[0]
    except (ValueError, RecursionError):  # cut by the head, or deeper than Python reads: judged by its keys
        return _CUT


def _opening_kind(text: str) -> str | None:
    """``_item_kind`` of a first value that does not end within the head (or is too deep to parse), judged by the
    keys it opens with."""
    if re.search(r'"detail-type"\s*:\s*"[^"]*via CloudTrail"', text):
        return "eventbridge"
    if '"CloudTrailEvent"' in text:
        return "lookup"
    opening = dict.fromkeys(re.findall(r'"(\w+)"\s*:', text))
    if _item_kind(opening) == "event":
        return "event"
    message = _MESSAGE.search(text)  # a log event whose message is longer than the head: the message's opening
    if message and _opening_kind(text[message.end():].replace('\\"', '"')) in _LOGGED:
        return "cwlogs"
    return None


def _text_kind(item: object, text: str) -> str | None:
    """``_item_kind`` of the event a JSON string holds (the first item of an array of CloudTrailEvent strings)."""
    if item is _CUT:  # a string longer than the head: judged by the keys it opens with, escaped quotes and all
        return _opening_kind(text.replace('\\"', '"'))
    try:
        return _item_kind(json.loads(item))
    except (ValueError, RecursionError):
        return None


def is_digest(document: object) -> bool:
    """A CloudTrail digest file (``CloudTrail-Digest/``): the hashes of an hour's log files, no events."""
    return isinstance(document, dict) and {"digestStartTime", "digestEndTime", "logFiles"} <= document.keys()


def _is_delivery_notice(document: object) -> bool:
    """CloudTrail's notice that it delivered log files (``{"s3Bucket", "s3ObjectKey": [...]}``), alone (SQS raw
    message delivery) or as the ``Message`` text of the SNS notification that carries it: S3 keys, no events."""
    if isinstance(document, dict) and document.get("Type") == "Notification" and isinstance(document.get("Message"), str):
        try:
            document = json.loads(document["Message"])
        except (ValueError, RecursionError):
            return False
    return isinstance(document, dict) and isinstance(document.get("s3Bucket"), str) and isinstance(
        document.get("s3ObjectKey"), list)


def not_events(document: object) -> str | None:
    """Why a JSON document that AWS writes beside or instead of CloudTrail logs is not loaded, or None: the skip
    reason (an error when the file is named), naming the format and, where there is one, what to load instead."""
    if not isinstance(document, dict):
        return None
    if is_digest(document):
        return "CloudTrail digest file (hashes of log files, no events)"
    if _is_delivery_notice(document):
        return ("CloudTrail log delivery notification (the S3 keys of log files delivered, no events); "
                "load those log files from the bucket instead")
    if document.get("messageType") == "CONTROL_MESSAGE":
        return "CloudWatch Logs subscription control message (no log events)"
    if "QueryResultRows" in document and "QueryStatus" in document:
        return ("CloudTrail Lake get-query-results output (the query's columns as text, not whole events): not loaded; "
                "load the trail's S3 log files, a CloudWatch Logs export of the trail or lookup-events output instead")
    if isinstance(document.get("configurationItems"), list) and "fileVersion" in document:
        return "AWS Config snapshot or history file (configuration items, not CloudTrail events)"
    findings = document.get("Findings")
    if isinstance(findings, list) and findings and isinstance(findings[0], dict) and "SchemaVersion" in findings[0]:
        return "GuardDuty or Security Hub findings (not CloudTrail events)"
    if {"schemaVersion", "service", "type"} <= document.keys() and isinstance(document["service"], dict):
        return "GuardDuty finding (not CloudTrail events)"
    return None


# The CloudTrail console's Event history, "Download events" as CSV: a header of the console's column names.
CONSOLE_CSV_COLUMNS = {"event time", "event name"}


def not_event_text(text: str) -> str | None:
    """Why a text file (not JSON) that the CloudTrail console writes is not loaded, or None."""
    header = {name.strip().strip('"').lower() for name in text.lstrip("\ufeff").split("\n", 1)[0].split(",")}
    if CONSOLE_CSV_COLUMNS <= header:
        return ("CloudTrail console event-history CSV (the console's columns, not whole events): not loaded; "
                "download the events as JSON instead, or save aws cloudtrail lookup-events output")
    return None


def sniff(path: Path, head: bytes) -> str | None:
    """The CloudTrail format of a file from the first bytes of its (decompressed) content, or None.

    ``head`` may end anywhere: a first event (or list item) longer than the head is judged by the keys it opens
    with, an S3 delivery file by its ``Records`` wrapper alone."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    wrapped = _WRAPPED.match(text)
    if wrapped:
        item = _first_item(text, wrapped.end())
        if wrapped.group(1) == "Records":
            return "cloudtrail-records" if item in (_EMPTY, _CUT) or not _is_foreign_record(item) else None
        if item is _CUT:
            return "cloudtrail-lookup-events" if '"CloudTrailEvent"' in text else None
        # An empty list is what lookup-events prints for a time window without events.
        return "cloudtrail-lookup-events" if item is _EMPTY or _item_kind(item) == "lookup" else None
    if text.startswith("["):
        first = text[1:].lstrip(" \t\r\n")
        if _WRAPPED.match(first):  # pages of lookup-events, each {"Events": [...]}
            return "cloudtrail-lookup-pages" if sniff(path, first.encode()) == "cloudtrail-lookup-events" else None
        item = _first_item(text, 1)
        if isinstance(item, str) or (item is _CUT and text[1:].lstrip(" \t\r\n").startswith('"')):
            return "cloudtrail-lookup-strings" if _text_kind(item, text) == "event" else None
        return _ARRAYS.get(_opening_kind(text) if item is _CUT else _item_kind(item))
    if not text.startswith("{"):
        return _export_format(text)
    log_events = _LOG_EVENTS.match(text)
    if log_events:
        item = _first_item(text, log_events.end())
        if item is _EMPTY:  # no matching log event: recognised by the keys only these outputs have
            return "cloudtrail-cwlogs-events" if any(key in text for key in _LOG_TOKENS) else None
        kind = _opening_kind(text[log_events.end():]) if item is _CUT else _item_kind(item)
        return "cloudtrail-cwlogs-events" if kind == "cwlogs" else None
    try:
        document = json.JSONDecoder().raw_decode(text)[0]
    except (ValueError, RecursionError):  # longer than the head, or too deep for Python: judge by its opening keys
        return _LINES.get(_opening_kind(text))
    if document.get("messageType") in SUBSCRIPTION_MESSAGES:
        return _subscription_format(text)
    if isinstance(document.get("Records"), list):  # a Records wrapper whose key is not the first one
        return (
            "cloudtrail-records" if not document["Records"] or not _is_foreign_record(document["Records"][0]) else None
        )
    events = document.get("events")
    if isinstance(events, list) and (events or any(key in text for key in _LOG_TOKENS)):  # "events" not first
        return "cloudtrail-cwlogs-events" if not events or _item_kind(events[0]) == "cwlogs" else None
    return _LINES.get(_item_kind(document))


SUBSCRIPTION_MESSAGES = ("DATA_MESSAGE", "CONTROL_MESSAGE")


def _subscription_format(text: str) -> str | None:
    """``cloudtrail-cwlogs-subscription`` when the first data message of a subscription's records holds CloudTrail
    events (control messages, which CloudWatch Logs sends to check the destination, come before it)."""
    decoder, pos = json.JSONDecoder(), 0
    while pos < len(text):
        try:
            record, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):  # a record longer than the head: judged by its first message's opening
            return "cloudtrail-cwlogs-subscription" if _opening_kind(text[pos:]) == "cwlogs" else None
        if not isinstance(record, dict) or record.get("messageType") not in SUBSCRIPTION_MESSAGES:
            return None
        events = record.get("logEvents")
        if record["messageType"] == "DATA_MESSAGE" and isinstance(events, list) and events:
            kind = _item_kind(events[0]) if isinstance(events[0], dict) else None
            return "cloudtrail-cwlogs-subscription" if kind == "cwlogs" else None
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
    return None


def _export_format(text: str) -> str | None:
    """``cloudtrail-cwlogs-export`` when the first line is ``<ISO time> <CloudTrail event or envelope>``."""
    stamp = _EXPORT_LINE.match(text)
    if not stamp:
        return None
    line = text[stamp.end():].split("\n", 1)[0]
    try:
        kind = _item_kind(json.JSONDecoder().raw_decode(line)[0])
    except (ValueError, RecursionError):  # a line longer than the head
        kind = _opening_kind(line)
    return "cloudtrail-cwlogs-export" if kind in _LOGGED else None


# ---- loading -------------------------------------------------------------------------------------------------

# Rows whose account was not known before reading wait with this snapshot id (stored snapshots are >= 1).
_UNASSIGNED = -1
_DELIVERY_NAME = re.compile(r"(\d{12})_CloudTrail_")
_MAP = "_iamsql_ct_snapshot"  # temporary: account -> snapshot id for this load
_VERSIONS = "_iamsql_ct_versions"  # temporary: (event id, content hash, rows new, rows stored) of ids seen twice
# Settings while loading: a memory ceiling (DuckDB spills beyond it) and unordered, parallel inserts.
_SETTINGS = {"memory_limit": "1GB", "preserve_insertion_order": "false"}


def _gzip_and_json_bytes(path: Path) -> tuple[bool, int]:
    """Whether the file is gzip (by its magic bytes), and the size of its JSON text (gzip records it, mod 4 GiB,
    in its last four bytes)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        if f.read(2) != b"\x1f\x8b" or size < 18:
            return False, size
        f.seek(-4, 2)
        return True, max(size, int.from_bytes(f.read(4), "little"))


def _open_bytes(path: Path):
    """The file's bytes, gunzipped when it starts with the gzip magic number."""
    with path.open("rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")


def _utf8_copies(utf16: set[Path], folder: Path) -> dict[Path, Path]:
    """UTF-8 copies, in ``folder``, of the UTF-16 files (what Windows PowerShell 5.1's ``>`` and ``Out-File``
    write), for DuckDB reads UTF-8 only: ``{copy: original}``."""
    copies = {}
    for number, path in enumerate(sorted(utf16)):
        copy = folder / f"{number}.json"
        try:
            with _open_bytes(path) as raw, io.TextIOWrapper(raw, encoding="utf-16", newline="") as text, \
                    copy.open("w", encoding="utf-8", newline="") as out:
                shutil.copyfileobj(text, out, 1 << 20)
        except UnicodeDecodeError as exc:
            raise BrokenFileError(path, f"not UTF-16 text after its byte order mark ({exc.reason})") from None
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise BrokenFileError(path, f"truncated or corrupt gzip file ({exc})") from None
        copies[copy] = path
    return copies


def _batches(files: list[tuple[Path, str]], originals: dict[Path, Path] | None = None) -> list[Batch]:
    """Files grouped by format and compression, in path order, cut at about BATCH_BYTES of JSON; ``originals``
    names the file each UTF-8 copy stands for."""
    sized = []
    for path, fmt in sorted(files, key=lambda item: (item[1], str(item[0]))):
        if fmt not in FORMATS:
            raise InputError(f"{path}: unknown CloudTrail format {fmt!r}")
        sized.append((path, fmt, *_gzip_and_json_bytes(path)))
    batches: list[Batch] = []
    for fmt, gz in sorted({(fmt, gz) for _, fmt, gz, _ in sized}):
        batch, total = Batch(fmt, gz), 0
        for path, size in [(p, size) for p, f, g, size in sized if (f, g) == (fmt, gz)]:
            if batch.paths and total + size > BATCH_BYTES:
                batches.append(batch)
                batch, total = Batch(fmt, gz), 0
            batch.paths.append(path)
            if originals and path in originals:
                batch.originals[path] = originals[path]
            total += size
            # A Records/Events file is one JSON value; in the other layouts a value is one event (< 1 MiB).
            if FORMATS[fmt][0] in ("records", "events", "pages", "log-events", "log-subscription"):
                batch.max_object = min(max(batch.max_object, size + (1 << 20)), MAX_OBJECT_BYTES)
        batches.append(batch)
    return batches


# DuckDB's read_json error for text that is not JSON: the (1-based) byte where reading stopped, and why.
_DUCKDB_MALFORMED = re.compile(r"Malformed JSON at byte (\d+) in record/value \d+: (.+?)\.?$")


def _reason(exc: duckdb.Error, path: Path, gz: bool) -> str:
    """DuckDB's message in one line, without its error class or the file name (which goes first); malformed JSON
    in iamsql's words, with where in the (uncompressed, for ``gz``) text it went wrong."""
    message = re.sub(r"^[\w ]*Error: ", "", str(exc).strip().splitlines()[0])
    message = re.sub(r' in file "[^"]*",?', "", message).replace(f": {path}", "").replace(str(path), "the file")
    if isinstance(exc, duckdb.IOException) and "gzip" in message.lower():
        message = f"truncated or corrupt gzip ({message})"
    malformed = _DUCKDB_MALFORMED.search(message)
    if malformed:
        at, why = int(malformed.group(1)), malformed.group(2)
        text = "its uncompressed text" if gz else "the file"
        message = (f"malformed JSON: cut short, {text} ends after {at - 1:,} bytes in the middle of a value"
                   if why == "unexpected end of data" else f"malformed JSON at byte {at:,} of {text} ({why})")
        message += NOTHING_LOADED
    return message.strip()


def _bad_file(batch: Batch, exc: duckdb.Error) -> InputError:
    """Name the file that made a many-file read fail, and why. The load's transaction is aborted by then, so the
    files are read again, one at a time, on a separate in-memory connection."""
    probe = duckdb.connect()
    try:
        for path in batch.paths:
            try:
                one = Batch(batch.format, batch.gzip, [path], batch.max_object)
                # Every column is computed (a count alone would skip parsing a lookup item's CloudTrailEvent).
                probe.execute(f"select max(hash(columns(*))) from ({_extract_sql(one)})").fetchall()
            except duckdb.Error as file_exc:
                reason = _reason(file_exc, path, batch.gzip)
                if FORMATS[batch.format][1] in ("lookup", "text") and "of input" in reason:
                    reason = f"a CloudTrailEvent string is not JSON ({reason})"
                elif FORMATS[batch.format][1] == "logged" and "of input" in reason:
                    reason = f"a CloudWatch Logs message is not JSON ({reason})"
                return BrokenFileError(batch.original(path), reason)
    finally:
        probe.close()
    return InputError(f"cannot read CloudTrail files in {batch.original(batch.paths[0]).parent}: {str(exc).strip().splitlines()[0]}")


def delivery_account(path: Path) -> str | None:
    """The account an S3 delivery file belongs to, from its name (``<account>_CloudTrail_<region>_...``)."""
    match = _DELIVERY_NAME.match(path.name)
    return match.group(1) if match else None


def load_events(
    con: duckdb.DuckDBPyConnection,
    files: list[tuple[Path, str]],
    snapshot_for_account: Callable[[str], int],
    progress: Callable[[Path], None] | None = None,
    utf16: set[Path] | None = None,
) -> dict:
    """Insert the events of ``files`` (path, format from ``sniff``) into ``history.aws_cloudtrail_trail_event``.

    Runs in the caller's transaction and does not commit; call it once per transaction, with snapshots that
    are new to this load. Events already stored, or seen earlier in this load, are skipped by ``event_id``
    (the first in path order wins). ``snapshot_for_account(account)`` is called once per account (the
    ``account_id`` of its events, else ``UNKNOWN_ACCOUNT``; S3 delivery files are attributed to the account in
    their name before they are read) and tags that account's new rows; each such snapshot is recorded in
    ``iamsql_snapshot_table`` with the rows it added (possibly 0). ``progress(path)`` is called once per file,
    when the batch holding it is stored. ``utf16``: the files whose text is UTF-16 with a byte order mark (the
    others are UTF-8); they are read through UTF-8 copies in a temporary folder.

    Returns ``{"files": {path: {"events": n, "accounts": [...]}}, "events": n, "inserted": n,
    "duplicates": n, "newest_event_time": {account: datetime | None}, "snapshots": {account: id},
    "misnamed": {account: [path]}}``: ``misnamed`` are the accounts delivery file names gave whose files' events
    were all of other accounts; their snapshots are not in ``snapshots`` and hold nothing.
    """
    table = f"history.{TABLE}"
    names = [name for name, _ in columns(TABLE) if name != "snapshot_id"]
    target = ", ".join(f'"{name}"' for name in names)
    saved = {name: con.execute(f"select current_setting('{name}')").fetchone()[0] for name in _SETTINGS}
    for name, value in _SETTINGS.items():
        con.execute(f"set {name} = '{value}'")
    try:
        con.execute(f"create or replace temp table {_MAP} (account varchar primary key, snapshot_id bigint)")
        snapshots: dict[str, int] = {}
        _add_snapshots(con, snapshots, {delivery_account(path) for path, _ in files} - {None}, snapshot_for_account)
        with tempfile.TemporaryDirectory(prefix="iamsql-utf8-") as folder:
            _insert(con, table, target, files, snapshots, progress, _utf8_copies(utf16 or set(), Path(folder)))
        stats = _settle(
            con,
            table,
            [path for path, _ in files],
            snapshots,
            snapshot_for_account,
            {str(path): fmt for path, fmt in files},
        )
        con.execute(f"drop table {_MAP}")
        return stats
    finally:
        for name, value in saved.items():
            try:
                con.execute(f"set {name} = '{value}'")
            except duckdb.Error:  # the transaction is aborted; the caller rolls it back
                pass


def _insert(con, table: str, target: str, files: list[tuple[Path, str]], snapshots: dict[str, int], progress,
            originals: dict[Path, Path]) -> None:
    """Insert the events of every file, one DuckDB read per batch; a file with a UTF-8 copy (``{copy: file}``) is
    read through its copy."""
    copy_of = {original: copy for copy, original in originals.items()}
    for batch in _batches([(copy_of.get(path, path), fmt) for path, fmt in files], originals):
        con.execute(f"set memory_limit = '{max(1 << 30, 6 * batch.max_object)}B'")
        try:
            con.execute(
                f"insert into {table} ({target}, snapshot_id) select *, {_snapshot_sql(snapshots)} "
                f"from ({_extract_sql(batch)})"
            )
        except duckdb.Error as exc:
            raise _bad_file(batch, exc) from None
        if progress:
            for path in batch.paths:
                progress(batch.original(path))


def _snapshot_sql(snapshots: dict[str, int]) -> str:
    """The row's snapshot id from its account, as a constant map lookup (a join here halves insert speed)."""
    if not snapshots:
        return str(_UNASSIGNED)
    entries = ", ".join(f"'{account}': {sid}" for account, sid in snapshots.items())
    return f"coalesce(map {{{entries}}}[coalesce(account_id, '{UNKNOWN_ACCOUNT}')], {_UNASSIGNED})"


def _add_snapshots(con, snapshots: dict[str, int], accounts, snapshot_for_account: Callable[[str], int]) -> None:
    """Ask for a snapshot for each account not yet mapped, and map it."""
    for account in sorted(set(accounts) - snapshots.keys()):
        snapshots[account] = snapshot_for_account(account)
        con.execute(f"insert into {_MAP} values (?, ?)", [account, snapshots[account]])


# what a record that is no object is, in the words of every other message ('a number', not DuckDB's UBIGINT)
_REJECT_REASON = (
    "case when cloudtrail_event is null then 'no CloudTrail event in the record' "
    "else 'not a JSON object (' || case json_type(cloudtrail_event) when 'NULL' then 'null' when 'ARRAY' then 'a list' "
    "when 'VARCHAR' then 'text' when 'BOOLEAN' then 'true or false' else 'a number' end || ')' end"
)


def _settle(con, table: str, paths: list[Path], snapshots: dict[str, int], snapshot_for_account, layouts=None) -> dict:
    """Count this load's rows, remove and count rejected records, quarantine conflicting versions of an event,
    drop duplicates, and give the rows no snapshot yet theirs."""
    account = f"coalesce(account_id, '{UNKNOWN_ACCOUNT}')"
    ids = ", ".join(str(i) for i in [_UNASSIGNED, *snapshots.values()])
    mine = f"snapshot_id in ({ids})"
    rejected: dict[str, dict[str, int]] = defaultdict(dict)
    for source_file, reason, count in con.execute(
        f"select source_file, {_REJECT_REASON}, count(*) from {table} where {mine} and event_id is null "
        "group by all order by all"
    ).fetchall():
        rejected[source_file][reason] = count
    if rejected:
        con.execute(f"delete from {table} where {mine} and event_id is null")
    per_file = {
        source_file: {"events": count, "accounts": sorted(accounts), "time_unparsed": unparsed}
        for source_file, count, accounts, unparsed in con.execute(
            f"select source_file, count(*), list(distinct {account}), count(event_time_raw) from {table} "
            f"where {mine} group by all"
        ).fetchall()
    }
    newest = dict(
        con.execute(f"select {account}, max(event_time) from {table} where {mine} group by all order by 1").fetchall()
    )
    events = sum(f["events"] for f in per_file.values())
    # Each version (event id, content) of the event ids seen more than once (stored or in this load; the usual load
    # has few), with its rows in this load and stored before. The content is the MD5 of the record, so telling
    # identical duplicates from conflicting versions holds a 16-byte hash per version, never the records
    # themselves (a reload of 200,000 events went over 1 GiB so).
    con.execute(
        f"create or replace temp table {_VERSIONS} as select event_id, md5_number(cloudtrail_event) as content, "
        f"count(*) filter (where {mine}) as new_rows, count(*) filter (where not {mine}) as stored_rows from {table} "
        f"where event_id in (select event_id from {table} where event_id in (select event_id from {table} "
        f"where {mine}) group by event_id having count(*) > 1) group by all"
    )
    # Versions this load brings that were not stored before: every other row of this load is an identical duplicate
    # (of a row stored before, or of an earlier one of this load). A record without content equals none.
    dup_rows, new_pairs = con.execute(
        f"select coalesce(sum(new_rows), 0), count(*) filter (where new_rows > 0 and (stored_rows = 0 or content is null)) "
        f"from {_VERSIONS}"
    ).fetchone()
    identical = dup_rows - new_pairs
    conflicts = _quarantine(con, table, mine, layouts or {})
    con.execute(
        f"delete from {table} where {mine} and event_id in (select event_id from {_VERSIONS} where stored_rows > 0)"
    )
    con.execute(f"drop table {_VERSIONS}")
    if con.execute(f"select count(*) > count(distinct event_id) from {table} where {mine}").fetchone()[0]:
        con.execute(
            f"delete from {table} where {mine} and rowid not in "
            f"(select arg_min(rowid, (source_file, rowid)) from {table} where {mine} group by event_id)"
        )
    misnamed = _misnamed(paths, per_file, newest)
    for named in misnamed:  # no row carries its snapshot: this load leaves the account out
        del snapshots[named]
        con.execute(f"delete from {_MAP} where account = ?", [named])
    _add_snapshots(con, snapshots, newest, snapshot_for_account)
    # Only rows whose account was not known from a file name are updated: updating many rows is slow to commit.
    con.execute(
        f"update {table} t set snapshot_id = m.snapshot_id from {_MAP} m "
        f"where t.snapshot_id = {_UNASSIGNED} and coalesce(t.account_id, '{UNKNOWN_ACCOUNT}') = m.account"
    )
    con.execute(
        f"update iamsql_event_conflict c set snapshot_id = m.snapshot_id from {_MAP} m "
        f"where c.snapshot_id = {_UNASSIGNED} and coalesce(nullif(c.event->>'recipientAccountId', ''), "
        f"nullif(c.event->'userIdentity'->>'accountId', ''), '{UNKNOWN_ACCOUNT}') = m.account"
    )
    inserted = dict(
        con.execute(
            f"select m.snapshot_id, count(t.snapshot_id) from {_MAP} m left join {table} t using (snapshot_id) group by all"
        ).fetchall()
    )
    if inserted:  # none when the files held no events and named no account (an empty {"Records": []})
        con.executemany(
            "insert into iamsql_snapshot_table values (?, ?, ?)",
            [(sid, TABLE, count) for sid, count in inserted.items()],
        )
    total_inserted = sum(inserted.values())
    files = {}
    for p in paths:
        entry = dict(per_file.get(str(p), {"events": 0, "accounts": [], "time_unparsed": 0}))
        entry["rejected"] = rejected.get(str(p), {})
        files[str(p)] = entry
    return {
        "files": files,
        "events": events,
        "inserted": total_inserted,
        "duplicates": events - total_inserted,
        "identical_duplicates": identical,
        "conflicting_event_ids": conflicts["event_ids"],
        "conflicting_versions": conflicts["versions"],
        "rejected": sum(n for reasons in rejected.values() for n in reasons.values()),
        "time_unparsed": sum(f["time_unparsed"] for f in per_file.values()),
        "newest_event_time": newest,
        "snapshots": snapshots,
        "misnamed": misnamed,
    }


def _misnamed(paths: list[Path], per_file: dict, newest: dict) -> dict[str, list[str]]:
    """The accounts that S3 delivery file names gave (``<account>_CloudTrail_...``) whose every such file held
    events, none of them of that account (an anonymised data set; AWS names a file after the account of the trail
    that delivered it, but an organization trail's events are still of the accounts they happened in), with those
    files. An account with an empty delivery file of its own is not one: its trail delivered nothing."""
    named: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        if account := delivery_account(path):
            named[account].append(str(path))
    return {account: files for account, files in sorted(named.items())
            if account not in newest and all(f in per_file for f in files)}


def _quarantine(con, table: str, mine: str, layouts: dict[str, str]) -> dict[str, int]:
    """Every version of each event id that this load brings with a content different from another version (in
    this load or stored before) goes to ``iamsql_event_conflict``, with its file and position; the version that
    stays in the table (the stored one, else the first by file) is marked ``kept``."""
    conflicting = [
        event_id
        for (event_id,) in con.execute(
            f"select event_id from {_VERSIONS} group by event_id having count(content) > 1 order by 1"
        ).fetchall()
    ]
    if not conflicting:
        return {"event_ids": 0, "versions": 0}
    con.execute("create or replace temp table _iamsql_conflict_ids (event_id varchar)")
    con.executemany("insert into _iamsql_conflict_ids values (?)", [[i] for i in conflicting])
    rows = con.execute(
        f"select t.snapshot_id, t.event_id, t.source_file, t.cloudtrail_event::varchar, t.rowid, "
        f"not (t.{mine}) as stored from {table} t join _iamsql_conflict_ids using (event_id) "
        f"order by t.event_id, stored desc, t.source_file, t.rowid"
    ).fetchall()
    con.execute("drop table _iamsql_conflict_ids")
    positions = _positions({source for _s, _i, source, _e, _r, stored in rows if not stored}, layouts, set(conflicting))
    already = {
        (i, f, e)
        for i, f, e in con.execute("select event_id, source_file, event::varchar from iamsql_event_conflict").fetchall()
    }
    records, first = [], set()
    versions = 0
    for snapshot_id, event_id, source, event, _rowid, stored in rows:
        kept = event_id not in first
        first.add(event_id)
        if not stored:
            versions += 1
        if (event_id, source, event) in already:
            continue
        position = None
        if not stored:
            candidates = positions.get((source, event_id), [])
            position = next((pos for pos, content in candidates if content == json.loads(event)), None)
        records.append([snapshot_id, event_id, source, position, kept, event])
    if records:  # none when every version was quarantined by an earlier load of the same files
        con.executemany("insert into iamsql_event_conflict values (?, ?, ?, ?, ?, ?)", records)
    return {"event_ids": len(conflicting), "versions": versions}


def _json_values(text: str) -> list:
    """The JSON values of a text that holds them one after another."""
    values, decoder, pos = [], json.JSONDecoder(), 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            return values
        value, pos = decoder.raw_decode(text, pos)
        values.append(value)


def _positions(sources: set[str], layouts: dict[str, str], wanted: set[str]) -> dict[tuple[str, str], list]:
    """(file, event id) -> [(1-based position of the record in the file, the event)] for the wanted ids, read
    again in Python (only files holding a conflicting event)."""
    found: dict[tuple[str, str], list] = defaultdict(list)
    for source in sorted(sources):
        fmt = layouts.get(source)
        if fmt is None:
            continue
        layout, payload = FORMATS[fmt]
        try:
            data = Path(source).read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            text = data.decode("utf-16" if utf16 else "utf-8-sig")
            if layout in ("records", "events", "log-events"):
                key = {"records": "Records", "events": "Events", "log-events": "events"}[layout]
                items = json.loads(text).get(key) or []
            elif layout in ("array", "log-array"):
                items = json.loads(text)
            elif layout == "log-subscription":
                items = [item for record in _json_values(text) if record.get("messageType") == "DATA_MESSAGE"
                         for item in record.get("logEvents") or []]
            elif layout == "log-export":
                items = [line.split(" ", 1)[-1] for line in text.splitlines() if line.strip()]
            elif layout == "pages":
                items = [item for page in json.loads(text) for item in page.get("Events") or []]
            else:
                items = _json_values(text)
        except (OSError, ValueError, RecursionError, AttributeError, EOFError):
            continue
        for index, item in enumerate(items, 1):
            event = item
            if payload == "lookup" and isinstance(item, dict):
                try:
                    event = json.loads(item.get("CloudTrailEvent") or "null")
                except ValueError:
                    continue
            elif payload == "text" and isinstance(item, str):
                try:
                    event = json.loads(item)
                except ValueError:
                    continue
            elif payload == "eventbridge" and isinstance(item, dict):
                event = item.get("detail")
            elif payload == "logged":
                try:
                    event = json.loads(item if isinstance(item, str) else (item or {}).get("message") or "null")
                except (ValueError, AttributeError):
                    continue
                if isinstance(event, dict) and str(event.get("detail-type", "")).endswith("via CloudTrail"):
                    event = event.get("detail")
            if isinstance(event, dict) and event.get("eventID") in wanted:
                found[(source, event["eventID"])].append((index, event))
    return found
