"""The userIdentity members the loader writes as columns beside ``user_identity`` (``identity_account_id``,
``identity_invoked_by``, ``session_issuer_arn``, ``session_mfa_authenticated``), so that ``cloudtrail_event_actor``
reads no event's identity JSON: their values, the view's answers against a parse of ``user_identity``, and a
database stored before the columns, which gets them from each event's ``user_identity``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from iamsql.controls import create_views
from iamsql.load import load_paths
from iamsql.sql import query
from iamsql.store import db
from iamsql.store.schema import columns
from tests.test_evidence import cli

from .cloudtrail_events import identity_columns

ACCOUNT = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/deploy"
IDENTITIES = [
    {"type": "IAMUser", "arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "userName": "alice", "accountId": ACCOUNT,
     "accessKeyId": "AKIAEXAMPLE", "invokedBy": "cloudformation.amazonaws.com"},
    {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/s1", "accountId": ACCOUNT,
     "sessionContext": {"sessionIssuer": {"type": "Role", "arn": ROLE_ARN, "userName": "deploy"},
                        "attributes": {"mfaAuthenticated": "true", "creationDate": "2025-01-01T00:00:00Z"}}},
    {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/deploy/s2", "accountId": "",
     "sessionContext": {"attributes": {"mfaAuthenticated": True}}},
    # no event AWS writes has an issuer ARN that is an object: the view still answers as Postgres's ->> does
    {"type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/odd/s3",
     "sessionContext": {"sessionIssuer": {"arn": {"b": [1, 2], "a": "x"}}}},
    {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"},
    {"type": "AWSAccount", "accountId": "777788889999", "invokedBy": ""},
    {"type": "Root", "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT,
     "sessionContext": {"attributes": {"mfaAuthenticated": "false"}}},
]
NEW_COLUMNS = ["identity_account_id", "identity_invoked_by", "session_issuer_arn", "session_mfa_authenticated"]
# The view's identity fields and the Steampipe SQL that read them from user_identity before the columns existed.
VIEW_FIELDS = {
    "identity_arn": "nullif(t.user_identity ->> 'arn', '')",
    "identity_user_name": "nullif(t.user_identity ->> 'userName', '')",
    "identity_account_id": "nullif(t.user_identity ->> 'accountId', '')",
    "invoked_by": "nullif(t.user_identity ->> 'invokedBy', '')",
    "actor_arn": "case when t.user_type in ('IAMUser', 'Root') then t.user_identity ->> 'arn' "
                 "else t.user_identity -> 'sessionContext' -> 'sessionIssuer' ->> 'arn' end",
    "mfa_authenticated": "coalesce(t.user_identity -> 'sessionContext' -> 'attributes' ->> 'mfaAuthenticated', "
                         "'false') = 'true'",
}


def write_trail(folder) -> None:
    records = [{"eventVersion": "1.08", "eventID": f"e{n}", "eventTime": "2025-01-02T03:04:05Z",
                "eventSource": "iam.amazonaws.com", "eventName": "GetUser", "awsRegion": "us-east-1",
                "recipientAccountId": ACCOUNT, "userIdentity": identity, "eventType": "AwsApiCall"}
               for n, identity in enumerate(IDENTITIES)]
    (folder / f"{ACCOUNT}_CloudTrail_us-east-1_20250102T0300Z_a.json").write_text(json.dumps({"Records": records}))


def load_new(path, tmp_path):
    con = db.connect(path)
    trail = tmp_path / "trail"
    trail.mkdir(exist_ok=True)
    write_trail(trail)
    load_paths(con, [str(trail)])
    return con


def stored(con) -> list[tuple]:
    listed = ", ".join(NEW_COLUMNS)
    return con.execute(f"select {listed} from aws_cloudtrail_trail_event order by event_id").fetchall()


@pytest.fixture
def loaded(tmp_path):
    con = load_new(tmp_path / "events.duckdb", tmp_path)
    yield con
    con.close()


def test_the_loader_writes_the_identity_members_as_columns(loaded):
    expected = [tuple(identity_columns(identity)[name] for name in NEW_COLUMNS) for identity in IDENTITIES]
    assert stored(loaded) == expected
    assert expected[3][2] == '{"b":[1,2],"a":"x"}' and expected[2][3] == "true" and expected[5][1] is None


def test_the_actor_view_answers_as_a_parse_of_user_identity_does(loaded):
    create_views(loaded)
    fields = list(VIEW_FIELDS)
    parsed = query.run_query(loaded, "select t.event_id, " + ", ".join(VIEW_FIELDS.values())
                             + " from aws_cloudtrail_trail_event as t order by 1")[1]
    viewed = loaded.execute(f"select event_id, {', '.join(fields)} from cloudtrail_event_actor order by 1").fetchall()
    assert [tuple(row) for row in viewed] == [tuple(row) for row in parsed]
    assert viewed[3][fields.index("actor_arn") + 1] == '{"a": "x", "b": [1, 2]}'  # Postgres's jsonb text


def test_a_database_stored_before_the_columns_gets_them_from_user_identity(tmp_path, loaded):
    path = tmp_path / "older.duckdb"
    con = load_new(path, tmp_path)
    for name in NEW_COLUMNS:
        con.execute(f"alter table history.aws_cloudtrail_trail_event drop column {name}")
    con.execute("update iamsql_schema set fingerprint = 'older'")
    con.close()
    con = db.connect(path)
    try:
        assert stored(con) == stored(loaded)
    finally:
        con.close()


def older_database(path, tmp_path) -> None:
    """A database as an iamsql before the columns made it: its events table and their view without them."""
    con = load_new(path, tmp_path)
    for name in NEW_COLUMNS:
        con.execute(f"alter table history.aws_cloudtrail_trail_event drop column {name}")
    listed = ", ".join(f'"{name}"' for name, _ in columns("aws_cloudtrail_trail_event") if name not in NEW_COLUMNS)
    con.execute(f"create or replace view main.aws_cloudtrail_trail_event as select {listed} "
                "from history.aws_cloudtrail_trail_event where snapshot_id in "
                "(select snapshot_id from iamsql_latest where table_name = 'aws_cloudtrail_trail_event')")
    con.execute("update iamsql_schema set fingerprint = 'older'")
    con.close()


def test_a_database_stored_before_the_columns_that_cannot_be_written_answers_the_actor_view(tmp_path, loaded,
                                                                                              monkeypatch, capsys):
    """Opened read-only while another process reads it (so not brought up to date), the older database still
    answers the actor view and the identity columns: from each event's user_identity, as its upgrade would."""
    path = tmp_path / "older.duckdb"
    older_database(path, tmp_path)
    create_views(loaded)
    fields = ", ".join(VIEW_FIELDS)
    expected = loaded.execute(f"select event_id, {fields} from cloudtrail_event_actor order by 1").fetchall()
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], "
                               "read_only=True); print('open', flush=True); sys.stdin.read()", str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline() == "open\n"
        code, out, err = cli(monkeypatch, capsys, "query", "--db", str(path), "-o", "json",
                             f"select event_id, {fields} from cloudtrail_event_actor order by 1")
        assert (code, err) == (0, ""), err
        con = db.connect(path, read_only=True)
        try:
            assert stored(con) == stored(loaded)
        finally:
            con.close()
    finally:
        reader.communicate("")
    rows = json.loads(out)["rows"]
    assert [tuple(row.values()) for row in rows] == [tuple(row) for row in expected] and len(rows) == len(IDENTITIES)
