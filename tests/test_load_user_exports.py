"""``iamsql load`` on files as people save what AWS gives them: CloudTrail events written by Windows PowerShell
(UTF-16 or UTF-8 with a BOM), ``--query`` lists that may be filtered, ``list-entities-for-policy`` outputs, and
credential reports saved again by a spreadsheet. Inputs are derived from the hand-written AWS shapes in
tests/data/real_shapes (see its README.md) and from small outputs written here in the shapes the AWS CLI
documents; each variant must load the rows its original loads, or be refused with one line that changes
nothing."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from iamsql import controls
from iamsql.controls.engines.duckdb import run_accounts
from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

SHAPES = Path(__file__).parent / "data" / "real_shapes"
ACCOUNT = "111122223333"
RECORDS = json.loads((SHAPES / "cloudtrail" / "records.json").read_text())["Records"]


def load(tmp_path: Path, *paths, name: str = "exports.duckdb", **options):
    """A fresh database with ``paths`` loaded; returns (connection, load summary)."""
    con = db.connect(tmp_path / name)
    return con, load_paths(con, [str(p) for p in paths], **options)


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def state(con) -> list:
    """Everything a refused load must leave as it was: snapshots and the rows of every history table."""
    counts = [rows(con, f"select count(*) from history.{t}")[0][0] for (t,) in rows(
        con, "select table_name from information_schema.tables where table_schema = 'history' order by 1")]
    return [rows(con, "select snapshot_id, account_id from iamsql_snapshot order by 1"), counts]


# ---- CloudTrail events saved by Windows PowerShell -----------------------------------------------------------------

LOOKUP = (SHAPES / "cloudtrail" / "lookup-events.json").read_text()
EVENT_FILES = {
    # Windows PowerShell 5.1: `aws cloudtrail lookup-events > events.json` and Out-File write UTF-16LE with a BOM,
    # CRLF line ends; Out-File -Encoding BigEndianUnicode writes UTF-16BE; -Encoding utf8 UTF-8 with a BOM.
    "lookup-events, UTF-16LE": (LOOKUP, "utf-16-le", codecs.BOM_UTF16_LE),
    "lookup-events, UTF-16BE": (LOOKUP, "utf-16-be", codecs.BOM_UTF16_BE),
    "lookup-events, UTF-8 BOM": (LOOKUP, "utf-8", codecs.BOM_UTF8),
    "S3 log file, UTF-16LE": (json.dumps({"Records": RECORDS}, indent=2, ensure_ascii=False), "utf-16-le",
                              codecs.BOM_UTF16_LE),
    "one event per line, UTF-16LE": ("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), "utf-16-le",
                                     codecs.BOM_UTF16_LE),
}


@pytest.mark.parametrize("variant", EVENT_FILES)
def test_cloudtrail_events_saved_by_powershell_load_as_their_utf8_original(tmp_path, variant):
    text, encoding, bom = EVENT_FILES[variant]
    original, saved = tmp_path / "utf8" / "events.json", tmp_path / "saved" / "events.json"
    original.parent.mkdir()
    saved.parent.mkdir()
    original.write_text(text, encoding="utf-8")
    saved.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    query = "select * exclude (snapshot_id, source_file) from aws_cloudtrail_trail_event order by event_id"
    want_con, _ = load(tmp_path, original, name="utf8.duckdb")
    con, summary = load(tmp_path, saved)
    assert rows(con, query) == rows(want_con, query) != []
    assert rows(con, "select distinct source_file from aws_cloudtrail_trail_event") == [(str(saved),)]
    assert summary.events["files"][str(saved)]["events"] == len(rows(con, query))


@pytest.mark.parametrize("tail, reason", [
    (b"\x00\xd8\x7d\x00", "illegal UTF-16 surrogate"),  # a lone high surrogate before "}"
    (b"\x7d", "truncated data"),  # an odd number of bytes
])
def test_broken_utf16_event_file_is_one_line_and_changes_nothing(tmp_path, tail, reason):
    con = db.connect(tmp_path / "exports.duckdb")
    load_paths(con, [str(SHAPES / "cloudtrail" / "lookup-events.json")])
    before = state(con)
    path = tmp_path / "events.json"
    path.write_bytes(codecs.BOM_UTF16_LE + json.dumps({"Records": RECORDS[:1]})[:-1].encode("utf-16-le") + tail)
    with pytest.raises(InputError) as caught:
        load_paths(con, [str(path)])
    assert str(caught.value) == f"{path}: not UTF-16 text after its byte order mark ({reason})"
    assert state(con) == before


# ---- lists that may be filtered ------------------------------------------------------------------------------------

USERS = json.loads((SHAPES / "cli" / "list-users.json").read_text())["Users"]
ROLES = json.loads((SHAPES / "cli" / "list-roles.json").read_text())["Roles"]


def _accounts(con) -> dict:
    return {a.account_id: a for a in run_accounts(con)}


def test_a_queried_list_loads_its_rows_but_not_the_whole_table(tmp_path):
    """`aws iam list-users --query 'Users[?PasswordLastUsed]'` prints the list alone, as `--query Users` does:
    the file cannot say it holds every user, so the table is known only in part."""
    path = tmp_path / "users-with-password.json"
    path.write_text(json.dumps([u for u in USERS if "PasswordLastUsed" in u], indent=2))
    con, summary = load(tmp_path, path)
    assert rows(con, "select name from aws_iam_user") == [("alice",)]
    partial, gaps = rows(con, "select partial, gaps from iamsql_snapshot")[0]
    assert partial is True
    assert [(g["api"], g["table"], g["account_id"]) for g in json.loads(gaps)] == [
        ("iam:list-users", "aws_iam_user", ACCOUNT)]
    account = _accounts(con)[ACCOUNT]
    assert "aws_iam_user" not in account.covered and "users-with-password.json" in account.partial["aws_iam_user"]
    assert any("aws_iam_user" in w and "part" in w for w in summary.warnings)


def test_a_control_that_needs_the_whole_list_skips_on_a_queried_list(tmp_path):
    path = tmp_path / "roles.json"
    path.write_text(json.dumps(ROLES[:1]))
    con, _ = load(tmp_path, path)
    [row] = controls.results(con, controls.run_checks(con, controls=["iam_support_role_exists"]))
    assert row["status"] == "skip"
    assert row["reason"].startswith(f"Only part of aws_iam_role is loaded for account {ACCOUNT}")
    assert "roles.json" in row["reason"]


def test_a_whole_listing_in_the_same_load_completes_the_table(tmp_path):
    queried = tmp_path / "export" / "queried-users.json"
    queried.parent.mkdir()
    queried.write_text(json.dumps(USERS[:1]))
    (tmp_path / "export" / "list-users.json").write_text((SHAPES / "cli" / "list-users.json").read_text())
    con, summary = load(tmp_path, tmp_path / "export")
    assert rows(con, "select partial, gaps from iamsql_snapshot") == [(False, "[]")]
    assert "aws_iam_user" in _accounts(con)[ACCOUNT].covered and not _accounts(con)[ACCOUNT].partial


# ---- outputs of one resource --------------------------------------------------------------------------------------

ALICE_USER = {"Path": "/", "UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001",
              "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice", "CreateDate": "2023-05-01T10:00:00+00:00"}
ONE_RESOURCE = {
    # `aws iam get-user --user-name alice`, `get-role`, `get-group`, `get-policy`, `get-login-profile`,
    # `list-mfa-devices --user-name alice`, `get-policy-version` with PolicyArn added: each tells of one resource
    "get-user": ({"User": ALICE_USER}, ["aws_iam_user"]),
    "get-role": ({"Role": {**ROLES[0]}}, ["aws_iam_role"]),
    "get-group": ({"Group": {"Path": "/", "GroupName": "ops", "GroupId": "AGPAEXAMPLEOPS000001",
                             "Arn": f"arn:aws:iam::{ACCOUNT}:group/ops", "CreateDate": "2023-05-01T10:00:00+00:00"},
                   "Users": [ALICE_USER], "IsTruncated": False}, ["aws_iam_group", "aws_iam_user"]),
    "get-policy": ({"Policy": {"PolicyName": "deploy", "PolicyId": "ANPAEXAMPLEDEPLOY001",
                               "Arn": f"arn:aws:iam::{ACCOUNT}:policy/deploy", "Path": "/", "DefaultVersionId": "v1",
                               "AttachmentCount": 0, "IsAttachable": True,
                               "CreateDate": "2023-05-01T10:00:00+00:00"}},
                   ["aws_iam_policy", "aws_iam_policy_attachment"]),
    "get-login-profile": ({"LoginProfile": {"UserName": "alice", "CreateDate": "2023-05-02T10:00:00+00:00",
                                            "PasswordResetRequired": False}}, ["aws_iam_user"]),
    "list-mfa-devices": ({"UserName": "alice", "MFADevices": [], "IsTruncated": False}, ["aws_iam_user"]),
    "get-policy-version": ({"PolicyArn": f"arn:aws:iam::{ACCOUNT}:policy/deploy", "PolicyVersion": {
        "Document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                             "Resource": "*"}]},
        "VersionId": "v1", "IsDefaultVersion": True, "CreateDate": "2023-05-01T10:00:00+00:00"}}, ["aws_iam_policy"]),
}


@pytest.mark.parametrize("command", ONE_RESOURCE)
def test_an_output_of_one_resource_is_part_of_its_table(tmp_path, command):
    """One user's `get-user` does not say the account has no other user: its tables are known in part."""
    output, tables = ONE_RESOURCE[command]
    path = tmp_path / f"{command}.json"
    path.write_text(json.dumps(output, indent=4))
    con, summary = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-03-03")
    account = _accounts(con)[ACCOUNT]
    assert sorted(account.partial) == tables and not account.covered & set(tables)
    assert all(f"{command}.json" in account.partial[t] for t in tables)
    assert rows(con, "select partial from iamsql_snapshot") == [(True,)]
    assert any(f"only part of {tables[0]}" in w for w in summary.warnings)


def test_a_control_that_needs_every_role_skips_on_one_role(tmp_path):
    path = tmp_path / "get-role.json"
    path.write_text(json.dumps({"Role": ROLES[0]}))
    con, _ = load(tmp_path, path)
    [row] = controls.results(con, controls.run_checks(con, controls=["iam_support_role_exists"]))
    assert row["status"] == "skip" and row["reason"].startswith(f"Only part of aws_iam_role is loaded for account {ACCOUNT}")


def test_one_user_s_output_beside_the_whole_listing_keeps_the_table_whole(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "list-users.json").write_text((SHAPES / "cli" / "list-users.json").read_text())
    (folder / "get-login-profile.json").write_text(json.dumps(ONE_RESOURCE["get-login-profile"][0]))
    con, _ = load(tmp_path, folder)
    assert rows(con, "select partial, gaps from iamsql_snapshot") == [(False, "[]")]
    assert "aws_iam_user" in _accounts(con)[ACCOUNT].covered
    assert rows(con, "select login_profile ->> 'CreateDate' from aws_iam_user where name = 'alice'") != [(None,)]


def test_a_user_without_a_console_password_is_loaded_from_get_login_profiles_no_such_entity(tmp_path):
    """GetLoginProfile's NoSuchEntity saved with the user's name (as `collect` writes it) says the user has no console
    password: login_profile NULL as Steampipe's, and known to be so (login_profile_loaded); alice, whose profile is
    loaded, keeps it. The answer is read as GetLoginProfile's by its message (AWS's words) or by its file's folder
    (for a user the listing does not hold yet, the answer alone makes the row)."""
    folder = tmp_path / "export"
    (folder / "get-login-profile").mkdir(parents=True)
    (folder / "list-users.json").write_text((SHAPES / "cli" / "list-users.json").read_text())
    (folder / "get-login-profile.json").write_text(json.dumps(ONE_RESOURCE["get-login-profile"][0]))
    (folder / "no-profile.json").write_text(json.dumps({"UserName": "ci-bot", "Error": {
        "Code": "NoSuchEntity", "Message": "Login Profile for User ci-bot cannot be found."}}))
    (folder / "get-login-profile" / "dave.json").write_text(json.dumps({"UserName": "dave", "Error": {
        "Code": "NoSuchEntity", "Message": "The request was rejected because it referenced an entity that does not exist."}}))
    con, summary = load(tmp_path, folder)
    assert summary.skipped == [] and summary.warnings == []
    assert rows(con, "select name, login_profile is null, login_profile_loaded from aws_iam_user order by name") == [
        ("alice", False, True), ("ci-bot", True, True), ("dave", True, True)]
    con, _ = load(tmp_path, folder / "list-users.json", folder / "get-login-profile.json", name="listing.duckdb")
    assert rows(con, "select name, login_profile_loaded from aws_iam_user order by name") == [
        ("alice", True), ("ci-bot", None)]


def test_a_no_such_entity_answer_that_names_no_call_is_skipped_saying_so(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "bob.json"
    path.write_text(json.dumps({"UserName": "bob", "Error": {"Code": "NoSuchEntity", "Message": "not found"}}))
    _, summary = load(tmp_path, folder)
    assert [(Path(p).name, reason) for p, reason in summary.skipped] == [(
        "bob.json", "a NoSuchEntity answer about a user that does not say which call it answers; save "
                    "GetLoginProfile's as get-login-profile/<user>.json")]
    with pytest.raises(InputError, match="bob.json: a NoSuchEntity answer about a user"):
        load(tmp_path, path, name="named.duckdb")


# ---- list-entities-for-policy --------------------------------------------------------------------------------------

CLOUDSHELL = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
ALICE = {"UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001"}
OPS = {"GroupName": "ops", "GroupId": "AGPAEXAMPLEOPS000001"}
DEPLOY = {"RoleName": "deploy", "RoleId": "AROAEXAMPLEDEPLOY001"}


def _entities(policy: str, users=(), groups=(), roles=(), **page) -> str:
    """`aws iam list-entities-for-policy --policy-arn <policy>` with the policy added as `PolicyArn` (the AWS
    CLI's output does not name it)."""
    return json.dumps({"PolicyArn": policy, "PolicyGroups": list(groups), "PolicyUsers": list(users),
                       "PolicyRoles": list(roles), "IsTruncated": False, **page}, indent=4)


def _attachments(con) -> list[tuple]:
    return rows(con, "select policy_arn, is_attached, policy_users, policy_groups, policy_roles "
                     "from aws_iam_policy_attachment order by policy_arn")


def test_list_entities_for_policy_fills_the_policy_s_attachments(tmp_path):
    path = tmp_path / "list-entities-for-policy.json"
    path.write_text(_entities(CLOUDSHELL, users=[ALICE], groups=[OPS], roles=[DEPLOY]))
    con, _ = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-03-03")
    assert _attachments(con) == [(CLOUDSHELL, True, json.dumps([ALICE]), json.dumps([OPS]), json.dumps([DEPLOY]))]
    assert rows(con, "select account_id, partition from aws_iam_policy_attachment") == [(ACCOUNT, "aws")]


def test_list_entities_for_policy_pages_in_several_files_add_up(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    bob = {"UserName": "bob", "UserId": "AIDAEXAMPLEBOB000001"}
    (folder / "page-1.json").write_text(_entities(CLOUDSHELL, users=[ALICE], IsTruncated=True, Marker="AAEXAMPLE"))
    (folder / "page-2.json").write_text(_entities(CLOUDSHELL, users=[bob], roles=[DEPLOY]))
    con, summary = load(tmp_path, folder, account_id=ACCOUNT, as_of="2024-03-03")
    assert _attachments(con) == [(CLOUDSHELL, True, json.dumps([ALICE, bob]), "[]", json.dumps([DEPLOY]))]


def test_a_policy_attached_to_nobody(tmp_path):
    path = tmp_path / "list-entities-for-policy.json"
    path.write_text(_entities(CLOUDSHELL))
    con, _ = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-03-03")
    # ListEntitiesForPolicy's empty lists are [], as Steampipe gives them
    assert _attachments(con) == [(CLOUDSHELL, False, "[]", "[]", "[]")]


def test_list_entities_for_policy_alone_is_part_of_the_attachments(tmp_path):
    """One policy's entities do not say which other policies are attached: the CloudShell control cannot say
    'attached to nobody' from another policy's output."""
    path = tmp_path / "support.json"
    path.write_text(_entities("arn:aws:iam::aws:policy/AWSSupportAccess", roles=[DEPLOY]))
    con, _ = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-03-03")
    [row] = controls.results(con, controls.run_checks(con, controls=["iam_cloudshell_full_access_not_attached"]))
    assert row["status"] == "skip" and "aws_iam_policy_attachment" in row["reason"] and "support.json" in row["reason"]


def test_gaad_attachments_win_and_other_policies_are_added(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "gaad-page-1.json").write_text((SHAPES / "gaad-page-1.json").read_text())
    (folder / "gaad-page-2.json").write_text((SHAPES / "gaad-page-2.json").read_text())
    con, _ = load(tmp_path, folder, name="gaad.duckdb")
    from_gaad = _attachments(con)
    known = from_gaad[0][0]
    (folder / "entities-known.json").write_text(_entities(known, users=[{"UserName": "x", "UserId": "AIDAX"}]))
    (folder / "entities-cloudshell.json").write_text(_entities(CLOUDSHELL, roles=[DEPLOY]))
    con, _ = load(tmp_path, folder)
    assert _attachments(con) == sorted(from_gaad + [(CLOUDSHELL, True, "[]", "[]", json.dumps([DEPLOY]))])
    assert rows(con, "select partial from iamsql_snapshot") == [(False,)]


# ---- credential reports saved again by a spreadsheet ---------------------------------------------------------------

REPORT_ROWS = list(csv.reader(io.StringIO((SHAPES / "credential-report.csv").read_text())))
ISO_TIME = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):\d\d\+00:00")
TIME_COLUMNS = [name for name in REPORT_ROWS[0] if name.endswith(("_time", "_changed", "_used", "_rotation",
                                                                  "_rotated", "_used_date"))]


def _resaved(words: dict[str, str] | None = None, time=None) -> list[list[str]]:
    """The report's cells as a spreadsheet writes them back: booleans in its words, times in its format (to the
    minute: Excel's default date and time format shows no seconds, and a CSV keeps what is shown)."""
    resaved = [REPORT_ROWS[0]]
    for line in REPORT_ROWS[1:]:
        cells = [(words or {}).get(cell, cell) for cell in line]
        resaved.append([time(*ISO_TIME.fullmatch(c).groups()) if time and ISO_TIME.fullmatch(c) else c for c in cells])
    return resaved


def _csv(cells: list[list[str]], delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> str:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, quoting=quoting, lineterminator="\r\n").writerows(cells)
    return text.getvalue()


GERMAN = {"true": "WAHR", "false": "FALSCH"}
SPREADSHEET_REPORTS = {
    # Excel, German locale, "CSV (Trennzeichen-getrennt)": ; between cells, Windows-1252, Excel's booleans
    "Excel de-DE CSV": (_csv(_resaved(GERMAN), ";").encode("cp1252"), False),
    "Excel de-DE CSV, times re-formatted": (
        _csv(_resaved(GERMAN, lambda y, m, d, hh, mm: f"{d}.{m}.{y} {hh}:{mm}"), ";").encode("cp1252"), True),
    "Excel fr-FR CSV UTF-8": (codecs.BOM_UTF8 + _csv(_resaved({"true": "VRAI", "false": "FAUX"}), ";").encode(), False),
    # Excel, US English, "CSV UTF-8": BOM, TRUE/FALSE, m/d/yyyy h:mm (a day after the 12th tells the order)
    "Excel en-US CSV UTF-8, times re-formatted": (codecs.BOM_UTF8 + _csv(_resaved(
        {"true": "TRUE", "false": "FALSE"}, lambda y, m, d, hh, mm: f"{int(m)}/{int(d)}/{y} {int(hh)}:{mm}")).encode(),
        True),
    "Excel en-GB CSV, times re-formatted": (_csv(_resaved(
        {"true": "TRUE", "false": "FALSE"}, lambda y, m, d, hh, mm: f"{d}/{m}/{y} {hh}:{mm}")).encode("cp1252"), True),
    # LibreOffice Calc with "Quote all text cells"
    "every cell quoted": (_csv(REPORT_ROWS, quoting=csv.QUOTE_ALL).encode(), False),
    # Excel's "Unicode Text (*.txt)": UTF-16LE with a BOM, tab between cells
    "Excel Unicode Text": (codecs.BOM_UTF16_LE + _csv(REPORT_ROWS, "\t").encode("utf-16-le"), False),
}
REPORT_QUERY = "select * exclude (snapshot_id) from aws_iam_credential_report order by user_name"


def _to_the_minute(con) -> list[tuple]:
    times = ", ".join(f"date_trunc('minute', {c}) as {c}" for c in TIME_COLUMNS)
    return rows(con, f"select * exclude (snapshot_id) replace ({times}) from aws_iam_credential_report order by user_name")


@pytest.mark.parametrize("variant", SPREADSHEET_REPORTS)
def test_credential_report_saved_again_by_a_spreadsheet_loads_as_the_original(tmp_path, variant):
    data, minutes = SPREADSHEET_REPORTS[variant]
    path = tmp_path / "saved" / "credential-report.csv"
    path.parent.mkdir()
    path.write_bytes(data)
    want, _ = load(tmp_path, SHAPES / "credential-report.csv", name="original.duckdb")
    con, summary = load(tmp_path, path)
    if minutes:
        assert _to_the_minute(con) == _to_the_minute(want) != []
        assert any("to the minute" in w for w in summary.warnings)
    else:
        assert rows(con, REPORT_QUERY) == rows(want, REPORT_QUERY) != []


@pytest.mark.parametrize("time, reason", [
    # every day is the 12th or before: 03/04/2024 is 3 April or 4 March
    (lambda y, m, d, hh, mm: f"{m}/{m}/{y} {hh}:{mm}", "could be day/month/year or month/day/year"),
    (lambda y, m, d, hh, mm: f"{d}/{m}/{y} {hh}:{mm}" if d > "12" else f"{m}/{d}/{y} {hh}:{mm}" if m > "12"
     else f"{d}/{m}/{y} {hh}:{mm}", None),
])
def test_credential_report_times_whose_day_and_month_cannot_be_told_apart_are_refused(tmp_path, time, reason):
    con = db.connect(tmp_path / "exports.duckdb")
    load_paths(con, [str(SHAPES / "credential-report.csv")])
    before = state(con)
    path = tmp_path / "credential-report.csv"
    cells = _resaved(time=time)
    if reason is None:  # one time day first (30/01/2024), another month first (13 as the day: 01/13/...)
        cells[3][REPORT_ROWS[0].index("password_next_rotation")] = "1/13/2024 12:00"
        reason = "some day first (30/01/2024 12:00) and some month first (1/13/2024 12:00)"
    path.write_text(_csv(cells))
    with pytest.raises(InputError) as caught:
        load_paths(con, [str(path)])
    assert str(caught.value).startswith(f"{path}: bad credential report CSV: ")
    assert reason in str(caught.value) and "\n" not in str(caught.value)
    assert state(con) == before


# ---- CloudTrail events through a CloudWatch Logs subscription ----------------------------------------------------


def _subscription(events: list[dict], first_id: int) -> dict:
    """What a CloudWatch Logs subscription filter sends (to Firehose, Lambda, Kinesis), gzip-compressed: the trail's
    log group's events, each message one CloudTrail event."""
    return {"messageType": "DATA_MESSAGE", "owner": ACCOUNT, "logGroup": f"aws-cloudtrail-logs-{ACCOUNT}-1a2b3c4d",
            "logStream": f"{ACCOUNT}_CloudTrail_us-east-1", "subscriptionFilters": ["cloudtrail-to-firehose"],
            "logEvents": [{"id": str(37_000_000_000_000 + first_id + i), "timestamp": 1_709_373_600_000 + i,
                           "message": json.dumps(event)} for i, event in enumerate(events)]}


CONTROL = {"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "",
           "subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": 1_709_373_500_000,
                                                     "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}
SUBSCRIPTION_FILES = {
    # one record, as a Lambda subscriber or a test saves it
    "one record": gzip.compress(json.dumps(_subscription(RECORDS, 0)).encode()),
    # Firehose to S3 without decompression: each record's gzip member, one after another, no extension
    "Firehose object, gzip members": gzip.compress(json.dumps(CONTROL).encode()) + b"".join(
        gzip.compress(json.dumps(_subscription(RECORDS[i:i + 4], i)).encode()) for i in range(0, len(RECORDS), 4)),
    # Firehose decompressing the records, not extracting the messages: the records one after another
    "Firehose object, decompressed records": gzip.compress("".join(
        json.dumps(_subscription(RECORDS[i:i + 3], i)) for i in range(0, len(RECORDS), 3)).encode()),
}


@pytest.mark.parametrize("variant", SUBSCRIPTION_FILES)
def test_cloudtrail_events_from_a_cloudwatch_logs_subscription(tmp_path, variant):
    path = tmp_path / "firehose" / "2024" / "03" / "02" / "10" / "cloudtrail-stream-1-2024-03-02-10-00-00-0a1b2c3d"
    path.parent.mkdir(parents=True)
    path.write_bytes(SUBSCRIPTION_FILES[variant])
    con, summary = load(tmp_path, path)
    stored = {r[0]: json.loads(r[1]) for r in rows(con, "select event_id, cloudtrail_event from aws_cloudtrail_trail_event")}
    assert stored == {r["eventID"]: r for r in RECORDS}
    assert summary.files[0].format == "cloudtrail-cwlogs-subscription" and not summary.skipped


def test_a_subscription_control_message_alone_is_skipped_with_what_it_is(tmp_path):
    path = tmp_path / "firehose" / "control.gz"
    path.parent.mkdir()
    path.write_bytes(gzip.compress(json.dumps(CONTROL).encode()))
    con, summary = load(tmp_path, path.parent, account_id=ACCOUNT)
    assert summary.skipped == [(str(path), "CloudWatch Logs subscription control message (no log events)")]


def test_a_conflicting_event_in_a_subscription_file_is_named_by_its_place(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "a-trail.json").write_text(json.dumps({"Records": RECORDS[:2]}))
    changed = {**RECORDS[1], "sourceIPAddress": "198.51.100.7"}
    (folder / "b-firehose").write_bytes(gzip.compress(json.dumps(CONTROL).encode()) + gzip.compress(
        json.dumps(_subscription([RECORDS[0], changed], 0)).encode()))
    con, summary = load(tmp_path, folder)
    assert rows(con, "select source_file, position, kept from iamsql_event_conflict order by all") == [
        (str(folder / "a-trail.json"), 2, True), (str(folder / "b-firehose"), 2, False)]


# ---- get-account-authorization-details cut down by --query ----------------------------------------------------------

GAAD = [SHAPES / "gaad-page-1.json", SHAPES / "gaad-page-2.json"]


def _gaad_list(key: str) -> list[dict]:
    return [item for page in GAAD for item in json.loads(page.read_text()).get(key) or []]


@pytest.mark.parametrize("key, table, derived", [
    ("UserDetailList", "aws_iam_user", "groups"), ("RoleDetailList", "aws_iam_role", None),
    ("GroupDetailList", "aws_iam_group", "users")])
def test_a_queried_authorization_details_list_loads_as_those_details(tmp_path, key, table, derived):
    """`aws iam get-account-authorization-details --query UserDetailList`: the details with their policies, not
    taken for another output whose items share a member (AttachedManagedPolicies). A user's groups and a group's
    users are filled in from the other list when both are loaded, so they are left out of the comparison."""
    path = tmp_path / "queried" / f"{key}.json"
    path.parent.mkdir()
    path.write_text(json.dumps(_gaad_list(key), indent=2))
    excluded = ", ".join(["snapshot_id", *([derived] if derived else [])])
    query = f"select * exclude ({excluded}) from {table} order by arn"
    want, _ = load(tmp_path, *GAAD, name="gaad.duckdb")
    con, summary = load(tmp_path, path, as_of="2024-03-03")
    assert rows(con, query) == rows(want, query) != []
    assert [f.format for f in summary.files] == ["iam:get-account-authorization-details"]
    assert "only part of" in " ".join(summary.warnings)


def test_authorization_details_without_policies_are_part_of_the_attachments(tmp_path):
    """`--filter User` lists no managed policy: who holds the policies it does not name is not known."""
    path = tmp_path / "users.json"
    path.write_text(json.dumps({"UserDetailList": _gaad_list("UserDetailList"), "IsTruncated": False}))
    con, _ = load(tmp_path, path)
    [row] = controls.results(con, controls.run_checks(con, controls=["iam_cloudshell_full_access_not_attached"]))
    assert row["status"] == "skip" and "aws_iam_policy_attachment" in row["reason"]


def test_a_credential_report_kept_as_an_excel_workbook_says_to_save_it_as_csv(tmp_path):
    workbook = openpyxl.Workbook()
    for line in REPORT_ROWS:
        workbook.active.append(line)
    path = tmp_path / "credential-report.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as caught:
        load(tmp_path, path)
    assert str(caught.value) == f"{path}: Excel workbook (save its sheet as CSV to load it)"


def test_key_last_used_that_names_no_key_is_skipped_saying_what_to_add(public_data, tmp_path, monkeypatch, capsys):
    """The AWS CLI's get-access-key-last-used example names the user, not the key: nothing can hold its answer. It
    is skipped (an error when named) saying what to add; it loaded as a file with a warning, so named alone it
    stored an empty snapshot and exited 0."""
    from tests.test_evidence import cli

    example = public_data / "aws_cli_examples/json/iam/get-access-key-last-used_1.json"
    code, _out, err = cli(monkeypatch, capsys, "load", str(example), "--db", str(tmp_path / "t.duckdb"),
                          "--account-id", ACCOUNT, "--as-of", "2024-03-03", "--quiet")
    assert (code, err) == (2, f"error: {example}: get-access-key-last-used output names no access key (add "
                              "AccessKeyId, or name the file after the key)\n")
    assert not (tmp_path / "t.duckdb").exists()
