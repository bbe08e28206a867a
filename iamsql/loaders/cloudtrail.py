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
| ``cloudtrail-eventbridge`` / ``cloudtrail-eventbridge-array`` | EventBridge envelopes (``detail-type: ... via CloudTrail``, event in ``detail``), one or more per file / as an array |

Everything runs inside DuckDB: ``read_json_objects`` reads many files per call (gzip included), each event is
parsed once with ``json_transform`` against an explicit structure (never a sampled schema, which drops keys
that the sample lacked), and the whole record is kept as ``cloudtrail_event`` (minified, every key kept).

Column rules beyond Steampipe's names:
- ``event_id`` is ``eventID``; an event without one gets ``iamsql-<md5 of the minified record>``, so loading
  the same event again is still recognised as a duplicate.
- ``event_time`` (and ``timestamp``/``timestamp_ms``) is ``eventTime`` read as UTC; a missing or unreadable
  time is NULL (Logstash exports carry only ``@timestamp``, which is the export's time, not the event's).
- Keys are matched as AWS writes them (``eventName``, ``userIdentity.sessionContext``...). Lower-cased keys
  found in hand-edited test fixtures are not AWS output: they stay in ``cloudtrail_event`` but fill no column.
- ``account_id`` is ``recipientAccountId``, else ``userIdentity.accountId``; ``partition`` comes from the
  identity's ARN, else the region (``cn-*`` -> ``aws-cn``, ``us-gov-*`` -> ``aws-us-gov``), else ``aws``.
- ``source_file`` (added after Steampipe's columns) names the file the event was read from.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from ..errors import InputError
from ..schema import columns

TABLE = "aws_cloudtrail_trail_event"

# format -> (how values are laid out in the file, what each value is)
FORMATS: dict[str, tuple[str, str]] = {
    "cloudtrail-records": ("records", "event"),
    "cloudtrail-array": ("array", "event"),
    "cloudtrail-lines": ("values", "event"),
    "cloudtrail-lookup-events": ("events", "lookup"),
    "cloudtrail-lookup-array": ("array", "lookup"),
    "cloudtrail-lookup-lines": ("values", "lookup"),
    "cloudtrail-eventbridge": ("values", "eventbridge"),
    "cloudtrail-eventbridge-array": ("array", "eventbridge"),
}

MAX_OBJECT_BYTES = 64 << 20
BATCH_BYTES = 256 << 20  # estimated decompressed JSON per read_json_objects call (bounds the staging memory)
GZIP_RATIO = 10  # CloudTrail JSON compresses about tenfold

_READERS = {
    "records": "select filename, unnest(json_extract(json, '$.Records[*]')) as raw "
    "from read_json_objects({files}, format='unstructured', filename=true, maximum_object_size={max})",
    "events": "select filename, unnest(json_extract(json, '$.Events[*]')) as raw "
    "from read_json_objects({files}, format='unstructured', filename=true, maximum_object_size={max})",
    "array": "select filename, json(json) as raw "
    "from read_json_objects({files}, format='array', filename=true, maximum_object_size={max})",
    "values": "select filename, json(json) as raw "
    "from read_json_objects({files}, format='unstructured', filename=true, maximum_object_size={max})",
}
# Each reader yields (filename, raw): one minified JSON value per event-bearing item.
_PAYLOADS = {
    "event": "raw",
    "lookup": "json(raw->>'CloudTrailEvent')",
    "eventbridge": "raw->'detail'",
}

# The parts of a record that columns come from, each event parsed once; userIdentity is then read again (it is
# small) for the identity columns, because one structure cannot ask for the same key twice.
_SCALARS = ["eventID", "eventTime", "eventName", "eventSource", "eventType", "eventVersion", "eventCategory",
            "awsRegion", "recipientAccountId", "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
            "readOnly", "requestID", "sharedEventID", "vpcEndpointId"]
_OBJECTS = ["additionalEventData", "requestParameters", "responseElements", "resources", "tlsDetails", "userIdentity"]
_EVENT_STRUCTURE = json.dumps({**{k: "VARCHAR" for k in _SCALARS}, **{k: "JSON" for k in _OBJECTS}})
_IDENTITY_STRUCTURE = json.dumps({
    "type": "VARCHAR", "accountId": "VARCHAR", "userName": "VARCHAR", "arn": "VARCHAR", "accessKeyId": "VARCHAR",
    "sessionContext": {"sessionIssuer": {"userName": "VARCHAR", "arn": "VARCHAR", "principalId": "VARCHAR"}},
})

UNKNOWN_ACCOUNT = "unknown"  # snapshot account for events that name no account at all
_ACCOUNT_SQL = "coalesce(s.recipientAccountId, u.accountId)"

# Column expressions over s (the event struct), u (userIdentity fields), e (the record), t (event time).
_COLUMN_SQL = {
    "filter": "null",
    "log_group_name": "null",
    "log_stream_name": "null",
    "timestamp": "t",
    "timestamp_ms": "epoch_ms(t)",
    "access_key_id": "u.accessKeyId",
    "aws_region": "s.awsRegion",
    "error_code": "s.errorCode",
    "error_message": "s.errorMessage",
    "event_category": "s.eventCategory",
    "event_id": "coalesce(s.eventID, 'iamsql-' || md5(e))",
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
    "user_type": "u.type",
    "username": "coalesce(u.userName, u.sessionContext.sessionIssuer.userName)",
    "user_identifier": "coalesce(u.arn, u.sessionContext.sessionIssuer.arn, u.sessionContext.sessionIssuer.principalId)",
    "vpc_endpoint_id": "s.vpcEndpointId",
    "additional_event_data": "s.additionalEventData",
    "cloudtrail_event": "e",
    "request_parameters": "s.requestParameters",
    "response_elements": "s.responseElements",
    "resources": "s.resources",
    "tls_details": "s.tlsDetails",
    "user_identity": "s.userIdentity",
    "partition": "coalesce(nullif(regexp_extract(coalesce(u.arn, u.sessionContext.sessionIssuer.arn), "
    "'^arn:([^:]+):', 1), ''), case when s.awsRegion like 'cn-%' then 'aws-cn' "
    "when s.awsRegion like 'us-gov-%' then 'aws-us-gov' else 'aws' end)",
    "region": "s.awsRegion",
    "account_id": _ACCOUNT_SQL,
    "source_file": "source_file",
    "_ctx": f"json_object('connection_name', {_ACCOUNT_SQL})",
}


def _extract_sql(fmt: str, files_sql: str) -> str:
    """SELECT of the table's columns (all but snapshot_id) for the files of one format."""
    layout, payload = FORMATS[fmt]
    reader = _READERS[layout].format(files=files_sql, max=MAX_OBJECT_BYTES)
    cols = ", ".join(f'{_COLUMN_SQL[name]} as "{name}"' for name, _ in columns(TABLE) if name != "snapshot_id")
    return (
        f"select {cols} from ("
        f" select source_file, e, s, json_transform(s.userIdentity, '{_IDENTITY_STRUCTURE}') as u,"
        f" try_cast(s.eventTime as timestamptz) as t from ("
        f"  select source_file, e, json_transform(e, '{_EVENT_STRUCTURE}') as s from ("
        f"   select filename as source_file, {_PAYLOADS[payload]} as e from ({reader}))"
        f"  where left(e, 1) = '{{'))"
    )


# ---- recognising files ---------------------------------------------------------------------------------------

_EVENT_KEYS = {"eventVersion", "eventSource", "eventName", "eventTime", "eventID", "userIdentity", "awsRegion",
               "recipientAccountId", "eventType", "sourceIPAddress"}
_WRAPPED = re.compile(r'\{\s*"(Records|Events)"\s*:\s*\[')
_EMPTY, _CUT = object(), object()  # first item of a list: the list is empty / the head ends inside the item


def _is_foreign_record(item: object) -> bool:
    """A ``Records`` entry from S3/SQS/SNS/DynamoDB/Kinesis notifications, which share the wrapper."""
    if not isinstance(item, dict):
        return True
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
    if ("eventSource" in item or "eventName" in item) and len(_EVENT_KEYS & item.keys()) >= 3:
        if not _is_foreign_record(item):
            return "event"
    return None


_LINES = {"event": "cloudtrail-lines", "lookup": "cloudtrail-lookup-lines", "eventbridge": "cloudtrail-eventbridge"}
_ARRAYS = {"event": "cloudtrail-array", "lookup": "cloudtrail-lookup-array", "eventbridge": "cloudtrail-eventbridge-array"}


def _first_item(text: str, pos: int) -> object:
    """The first value of a JSON list whose items start at ``pos``, or _EMPTY / _CUT."""
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    if text.startswith("]", pos):
        return _EMPTY
    try:
        return json.JSONDecoder().raw_decode(text, pos)[0]
    except ValueError:
        return _CUT


def sniff(path: Path, head: bytes) -> str | None:
    """The CloudTrail format of a file from the first bytes of its (decompressed) content, or None.

    ``head`` may end anywhere; only the first event (or list item) needs to fit in it, and for S3 delivery
    files not even that."""
    text = head.decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    wrapped = _WRAPPED.match(text)
    if wrapped:
        item = _first_item(text, wrapped.end())
        if wrapped.group(1) == "Records":
            return "cloudtrail-records" if item in (_EMPTY, _CUT) or not _is_foreign_record(item) else None
        if item is _CUT:
            return "cloudtrail-lookup-events" if '"CloudTrailEvent"' in text else None
        return "cloudtrail-lookup-events" if _item_kind(item) == "lookup" else None
    if text.startswith("["):
        return _ARRAYS.get(_item_kind(_first_item(text, 1)))
    if not text.startswith("{"):
        return None
    try:
        document = json.JSONDecoder().raw_decode(text)[0]
    except ValueError:  # the first value is longer than the head: judge by its opening keys
        if re.search(r'"detail-type"\s*:\s*"[^"]*via CloudTrail"', text):
            return "cloudtrail-eventbridge"
        if '"CloudTrailEvent"' in text:
            return "cloudtrail-lookup-lines"
        opening = set(re.findall(r'"(\w+)"\s*:', text))
        return "cloudtrail-lines" if len(_EVENT_KEYS & opening) >= 4 else None
    if isinstance(document.get("Records"), list):  # a Records wrapper whose key is not the first one
        return "cloudtrail-records" if not document["Records"] or not _is_foreign_record(document["Records"][0]) else None
    return _LINES.get(_item_kind(document))


# ---- loading -------------------------------------------------------------------------------------------------

_BATCH = "_iamsql_ct_batch"  # temporary: the events of one batch of files, columns extracted
_SNAPSHOTS = "_iamsql_ct_snapshot"  # temporary: account -> snapshot id for this load
MEMORY_LIMIT = "1GB"  # DuckDB's own limit while loading; it spills to its temp directory beyond it


def _batches(files: list[tuple[Path, str]]) -> list[tuple[str, list[Path]]]:
    """Files grouped by format, then cut into batches of about BATCH_BYTES of JSON each."""
    batches: list[tuple[str, list[Path]]] = []
    for fmt in sorted({fmt for _, fmt in files}):
        batch: list[Path] = []
        size = 0
        for path, _ in sorted(item for item in files if item[1] == fmt):
            if fmt not in FORMATS:
                raise InputError(f"{path}: unknown CloudTrail format {fmt!r}")
            estimate = path.stat().st_size * (GZIP_RATIO if path.name.endswith(".gz") else 1)
            if batch and size + estimate > BATCH_BYTES:
                batches.append((fmt, batch))
                batch, size = [], 0
            batch.append(path)
            size += estimate
        if batch:
            batches.append((fmt, batch))
    return batches


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _reason(exc: duckdb.Error, path: Path) -> str:
    """DuckDB's message in one line, without its error class or the file name (which we put first)."""
    message = str(exc).strip().splitlines()[0]
    message = re.sub(r"^[\w ]*Error: ", "", message)
    message = message.replace(f' in file "{path}"', "").replace(f": {path}", "").replace(str(path), "the file")
    if isinstance(exc, duckdb.IOException) and "gzip" in message.lower():
        message = f"truncated or corrupt gzip ({message})"
    return message.strip()


def _bad_file(fmt: str, paths: list[Path], exc: duckdb.Error) -> InputError:
    """Name the file that made a many-file read fail and why. The load's transaction is aborted by then, so each
    file is read again on a separate in-memory connection."""
    probe = duckdb.connect()
    try:
        for path in paths:
            try:
                probe.execute(f"select count(*) from ({_extract_sql(fmt, _sql_list([path]))})").fetchall()
            except duckdb.Error as file_exc:
                return InputError(f"{path}: {_reason(file_exc, path)}")
    finally:
        probe.close()
    return InputError(f"{paths[0].parent}: cannot read CloudTrail files: {str(exc).splitlines()[0]}")


def load_events(
    con: duckdb.DuckDBPyConnection,
    files: list[tuple[Path, str]],
    snapshot_for_account: Callable[[str], int],
    progress: Callable[[Path], None] | None = None,
) -> dict:
    """Insert the events of ``files`` (path, format from ``sniff``) into ``history.aws_cloudtrail_trail_event``.

    Runs in the caller's transaction. Events already stored, or seen earlier in this load, are skipped by
    ``event_id`` (the first file in path order wins). Each event's row gets ``snapshot_for_account(account)``
    (``account_id``, or ``UNKNOWN_ACCOUNT``), called once per account seen, and each such snapshot is recorded
    in ``iamsql_snapshot_table`` with the number of rows it added (possibly 0). ``progress(path)`` is called
    once per file when its batch is stored.

    Returns ``{"files": {path: {"events": n, "accounts": [...]}}, "events": n, "inserted": n,
    "duplicates": n, "newest_event_time": {account: datetime | None}, "snapshots": {account: id}}``.
    """
    stats: dict = {"files": {}, "events": 0, "inserted": 0, "duplicates": 0, "newest_event_time": {},
                   "snapshots": {}}
    names = [name for name, _ in columns(TABLE)]
    target = ", ".join(f'"{n}"' for n in names)
    source = ", ".join("m.snapshot_id" if n == "snapshot_id" else f'b."{n}"' for n in names)
    account_key = f"coalesce(b.account_id, '{UNKNOWN_ACCOUNT}')"
    previous_limit = con.execute("select current_setting('memory_limit')").fetchone()[0]
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"create or replace temp table {_SNAPSHOTS} (account varchar primary key, snapshot_id bigint)")
    try:
        for fmt, paths in _batches(files):
            try:
                con.execute(f"create or replace temp table {_BATCH} as {_extract_sql(fmt, _sql_list(paths))}")
            except duckdb.Error as exc:
                raise _bad_file(fmt, paths, exc) from None
            per_file = {
                row[0]: {"events": row[1], "accounts": sorted(row[2])}
                for row in con.execute(
                    f"select source_file, count(*), list(distinct {account_key}) from {_BATCH} b group by all"
                ).fetchall()
            }
            for path in paths:
                stats["files"][str(path)] = per_file.get(str(path), {"events": 0, "accounts": []})
            for account, newest in con.execute(
                f"select {account_key}, max(event_time) from {_BATCH} b group by all order by 1"
            ).fetchall():
                if account not in stats["snapshots"]:
                    stats["snapshots"][account] = snapshot_for_account(account)
                    con.execute(f"insert into {_SNAPSHOTS} values (?, ?)", [account, stats["snapshots"][account]])
                seen = [t for t in (stats["newest_event_time"].get(account), newest) if t is not None]
                stats["newest_event_time"][account] = max(seen, default=None)
            first_only = ""
            if con.execute(f"select count(*) > count(distinct event_id) from {_BATCH}").fetchone()[0]:
                first_only = (f"and b.rowid in (select arg_min(rowid, (source_file, rowid)) from {_BATCH} "
                              f"group by event_id)")
            inserted = con.execute(
                f"insert into history.{TABLE} ({target}) select {source} from {_BATCH} b "
                f"join {_SNAPSHOTS} m on m.account = {account_key} "
                f"where not exists (select 1 from history.{TABLE} h where h.event_id = b.event_id) {first_only}"
            ).fetchone()[0]
            batch_events = sum(f["events"] for f in per_file.values())
            stats["events"] += batch_events
            stats["inserted"] += inserted
            stats["duplicates"] += batch_events - inserted
            con.execute(f"drop table {_BATCH}")
            if progress:
                for path in paths:
                    progress(path)
        con.execute(
            f"insert into iamsql_snapshot_table select m.snapshot_id, '{TABLE}', count(h.snapshot_id) "
            f"from {_SNAPSHOTS} m left join history.{TABLE} h using (snapshot_id) group by all"
        )
        con.execute(f"drop table {_SNAPSHOTS}")
    finally:
        try:
            con.execute(f"set memory_limit = '{previous_limit}'")
        except duckdb.Error:  # the transaction is aborted; the caller rolls it back
            pass
    return stats
