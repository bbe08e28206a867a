"""Builders of Steampipe-shaped rows for control tests: CloudTrail events (``aws_cloudtrail_trail_event``) shaped
the way the CloudTrail loader fills them, and a loader of crafted accounts into a real DuckDB file."""

from __future__ import annotations

import itertools
import json
from datetime import datetime

from iamsql import controls
from iamsql.store import db

_ids = itertools.count(1)


def event(account: str, when: datetime, name: str, *, source: str = "iam.amazonaws.com", user: str | None = None,
          role: str | None = None, root: bool = False, key: str | None = None, ip: str = "198.51.100.7",
          agent: str = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64 prompt/off command/iam.list-users",
          error: str | None = None, read_only: bool | None = False, request: dict | None = None,
          response: dict | None = None, additional: dict | None = None, invoked_by: str | None = None,
          region: str = "us-east-1") -> dict:
    """One event by an IAM user (``user`` name), a role session (``role`` name) or the root user."""
    if root:
        identity = {"type": "Root", "arn": f"arn:aws:iam::{account}:root", "accountId": account}
    elif role:
        identity = {"type": "AssumedRole", "arn": f"arn:aws:sts::{account}:assumed-role/{role}/session-1",
                    "accountId": account, "sessionContext": {"sessionIssuer": {
                        "type": "Role", "arn": f"arn:aws:iam::{account}:role/{role}", "userName": role}}}
    else:
        identity = {"type": "IAMUser", "arn": f"arn:aws:iam::{account}:user/{user}", "userName": user,
                    "accountId": account}
    if key:
        identity["accessKeyId"] = key
    if invoked_by:
        identity["invokedBy"] = invoked_by
    return {
        "event_id": f"evt-{next(_ids)}", "event_time": when.isoformat(), "timestamp": when.isoformat(),
        "event_name": name, "event_source": source, "event_type": "AwsApiCall", "aws_region": region,
        "user_type": identity["type"], "user_identity": identity, "access_key_id": key,
        "username": user or role, "user_identifier": identity["arn"], "source_ip_address": ip, "user_agent": agent,
        "error_code": error, "read_only": read_only, "request_parameters": request, "response_elements": response,
        "additional_event_data": additional, "recipient_account_id": account, "account_id": account,
        "region": region, "partition": "aws",
    }


def console_login(account: str, when: datetime, user: str, *, mfa: bool, ip: str = "203.0.113.9") -> dict:
    return event(account, when, "ConsoleLogin", source="signin.amazonaws.com", user=user, ip=ip,
                 agent="Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0", read_only=False,
                 response={"ConsoleLogin": "Success"}, additional={"MFAUsed": "Yes" if mfa else "No"})


def in_console(row: dict) -> dict:
    """The call as CloudTrail records one the console's back end made with the person's session (the IAM and EC2
    consoles): user agent `AWS Internal`, the console's address, `sessionCredentialFromConsole` "true"."""
    row = row | {"user_agent": "AWS Internal", "source_ip_address": "10.8.8.10"}
    return row | {"cloudtrail_event": as_loaded(row)["cloudtrail_event"] | {"sessionCredentialFromConsole": "true"}}


# Steampipe's user_identity: the Go struct its userIdentity is read into (the loader's, iamsql.load.formats.cloudtrail)
IDENTITY_STRINGS = ("type", "userName", "principalId", "arn", "accountId", "accessKeyId", "identityProvider", "invokedBy")
RECORD_KEYS = {"event_id": "eventID", "event_name": "eventName", "event_source": "eventSource",
               "event_type": "eventType", "aws_region": "awsRegion", "source_ip_address": "sourceIPAddress",
               "user_agent": "userAgent", "error_code": "errorCode", "read_only": "readOnly",
               "request_parameters": "requestParameters", "response_elements": "responseElements",
               "additional_event_data": "additionalEventData", "recipient_account_id": "recipientAccountId"}


def _text(value: object) -> str | None:
    """A JSON value's text as DuckDB's ``json_extract_string`` gives it (a string itself, ``true`` for true)."""
    return value if value is None or isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def identity_columns(identity: dict) -> dict:
    """The columns the loader fills from a record's userIdentity: Steampipe's four strings ('' where absent) and
    iamsql's identity columns (NULL where absent; accountId and invokedBy also where '')."""
    context = identity.get("sessionContext") if isinstance(identity.get("sessionContext"), dict) else {}
    issuer, attributes = context.get("sessionIssuer"), context.get("attributes")
    return {
        "user_type": _text(identity.get("type")) or "",
        "username": _text(identity.get("userName")) or "",
        "user_identifier": _text(identity.get("arn")) or "",
        "access_key_id": _text(identity.get("accessKeyId")) or "",
        "identity_account_id": _text(identity.get("accountId")) or None,
        "identity_invoked_by": _text(identity.get("invokedBy")) or None,
        "session_issuer_arn": _text(issuer.get("arn")) if isinstance(issuer, dict) else None,
        "session_mfa_authenticated": _text(attributes.get("mfaAuthenticated")) if isinstance(attributes, dict) else None,
    }


def as_loaded(row: dict) -> dict:
    """An event row whose ``user_identity`` is the record's userIdentity as written, as the loader stores it: the
    record in ``cloudtrail_event`` (unless given), ``user_identity`` as Steampipe's Go struct and the columns read
    from the identity (``identity_columns``)."""
    identity = row.get("user_identity")
    if not isinstance(identity, dict):
        return row
    record = {key: row[column] for column, key in RECORD_KEYS.items() if row.get(column) is not None}
    record |= {"eventTime": row.get("event_time"), "userIdentity": identity}
    go_struct = {name: identity.get(name) or "" for name in IDENTITY_STRINGS}
    go_struct |= {name: identity.get(name) for name in ("sessionContext", "webIdFederationData")}
    return {**row, **identity_columns(identity), "cloudtrail_event": row.get("cloudtrail_event") or record,
            "user_identity": go_struct}


def load_accounts(con, accounts: dict[str, dict[str, list[dict]]], as_of: datetime) -> None:
    """One snapshot per account holding the given rows per table, as ``iamsql load`` would write them."""
    for account, tables in accounts.items():
        with db.transaction(con):
            snapshot_id = db.new_snapshot(con, account_id=account, kind="load", sources=[], as_of=as_of)
            for table, rows in tables.items():
                if table == "aws_cloudtrail_trail_event":
                    rows = [as_loaded(row) for row in rows]
                db.insert_rows(con, table, snapshot_id, rows)


def findings_by_account(con, control_id: str, params: dict) -> dict[str, list[tuple[str, str, str]]]:
    """account -> [(resource, status, reason)] of one control run on ``con``, which it closes; no row may be an error."""
    rows = controls.results(con, controls.run_checks(con, controls=[control_id], params=params or None))
    con.close()
    assert [r for r in rows if r["status"] == "error"] == []
    found: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        found.setdefault(r["account_id"], []).append((r["resource"], r["status"], r["reason"]))
    return found


def events_findings(tmp_path, control_id: str, events: dict[str, list[dict]], as_of: datetime, *,
                    members: dict[str, str] | None = None, **params) -> dict[str, list[tuple[str, str, str]]]:
    """``control_id``'s findings over each account's events (account -> [(resource, status, reason)]); ``members``:
    account -> organization id of a loaded list-accounts."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    con = db.connect(tmp_path / "events.duckdb")
    load_accounts(con, {a: {"aws_cloudtrail_trail_event": e} for a, e in events.items()}, as_of)
    if members:
        with db.transaction(con):
            snapshot_id = db.new_snapshot(con, account_id="100000000000", kind="load", sources=[], as_of=as_of)
            db.insert_rows(con, "aws_organizations_account", snapshot_id, [
                {"id": a, "arn": f"arn:aws:organizations::100000000000:account/{org}/{a}", "name": a,
                 "status": "ACTIVE", "account_id": "100000000000", "region": "global", "partition": "aws"}
                for a, org in members.items()])
    return findings_by_account(con, control_id, params)
