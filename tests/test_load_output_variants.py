"""``iamsql load`` on more of what AWS gives people, as the AWS CLI and the CloudTrail console write it: one
user's ``list-access-keys``, outputs saved with ``--output yaml`` / ``text`` / ``table``, the CloudTrail console's
event-history downloads, pages with their ``NextToken`` / ``Marker`` left in, BOMs and CRLF, gzip and empty files,
the CLI's error formats for an account without a password policy, the CIS audit command for AWSCloudShellFullAccess,
and a load that fails in its middle. Every input is written here in the shape the AWS CLI reference documents
(names and ids are AWS's documentation examples)."""

from __future__ import annotations

import base64
import codecs
import gzip
import json
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.controls.engines.duckdb import run_accounts
from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

ACCOUNT = "111122223333"
ARN = f"arn:aws:iam::{ACCOUNT}:user/"


def load(tmp_path: Path, *paths, name: str = "exports.duckdb", **options):
    """A fresh database (or the one named) with ``paths`` loaded; returns (connection, load summary)."""
    con = db.connect(tmp_path / name)
    return con, load_paths(con, [str(p) for p in paths], **options)


def rows(con, sql: str, *params) -> list[tuple]:
    return con.execute(sql, list(params)).fetchall()


def write(path: Path, document) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document if isinstance(document, str) else json.dumps(document, indent=4))
    return path


def user(name: str, created: str = "2024-01-02T03:04:05+00:00") -> dict:
    return {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper():0<16}"[:20], "Arn": ARN + name,
            "CreateDate": created}


def key(owner: str, key_id: str, status: str = "Active") -> dict:
    return {"UserName": owner, "AccessKeyId": key_id, "Status": status, "CreateDate": "2024-02-03T04:05:06+00:00"}


def partial_tables(con) -> dict[str, str]:
    return dict(rows(con, "select table_name, reason from iamsql_partial"))


def covered(con) -> set[str]:
    [account] = run_accounts(con)
    return account.covered


# ---- list-access-keys lists one user's keys -----------------------------------------------------------------------

def test_one_user_s_access_keys_are_part_of_the_table(tmp_path):
    """`aws iam list-access-keys --user-name alice` (or without --user-name: the caller's keys) lists one user's
    keys: alone it does not say that nobody else has one."""
    path = write(tmp_path / "list-access-keys.json", {"AccessKeyMetadata": [key("alice", "AKIAIOSFODNN7EXAMPLE")]})
    con, summary = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-05-01")
    assert rows(con, "select access_key_id, user_name from aws_iam_access_key") == [("AKIAIOSFODNN7EXAMPLE", "alice")]
    assert partial_tables(con) == {
        "aws_iam_access_key": "list-access-keys.json: list-access-keys lists the keys of alice only"}
    assert "aws_iam_access_key" not in covered(con)
    assert any("only part of aws_iam_access_key" in w for w in summary.warnings)


def _users_and_keys(folder: Path, *, listed: tuple[str, ...]) -> None:
    write(folder / "list-users.json", {"Users": [user("alice"), user("bob")], "IsTruncated": False})
    for name in listed:
        keys = [key(name, f"AKIA{name.upper():0<16}")] if name == "alice" else []
        write(folder / f"list-access-keys-{name}.json", {"AccessKeyMetadata": keys, "IsTruncated": False,
                                                         "UserName": name})


def test_every_listed_user_s_access_keys_make_the_table_whole(tmp_path):
    folder = tmp_path / "export"
    _users_and_keys(folder, listed=("alice", "bob"))  # bob's empty list is named by the added UserName
    con, _ = load(tmp_path, folder)
    assert partial_tables(con) == {}
    assert "aws_iam_access_key" in covered(con)
    assert rows(con, "select user_name from aws_iam_access_key") == [("alice",)]


def test_a_user_whose_keys_are_not_listed_keeps_the_table_partial(tmp_path):
    folder = tmp_path / "export"
    _users_and_keys(folder, listed=("alice",))
    con, _ = load(tmp_path, folder)
    assert list(partial_tables(con)) == ["aws_iam_access_key"]


def test_an_empty_list_names_no_user_unless_one_is_added(tmp_path):
    folder = tmp_path / "export"
    _users_and_keys(folder, listed=("alice",))
    write(folder / "list-access-keys-bob.json", {"AccessKeyMetadata": [], "IsTruncated": False})
    con, _ = load(tmp_path, folder)
    assert partial_tables(con)["aws_iam_access_key"].endswith(
        "list-access-keys lists the keys of one user only, and an empty list does not name the user (add UserName)")


REPORT_HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                 "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                 "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                 "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                 "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
                 "cert_2_active,cert_2_last_rotated")


def _report(*lines: str) -> str:
    return "\n".join([REPORT_HEADER, *lines]) + "\n"


def _report_line(name: str, key_rotated: str | None) -> str:
    slot = f"true,{key_rotated},N/A,N/A,N/A" if key_rotated else "false,N/A,N/A,N/A,N/A"
    return (f"{name},{ARN}{name},2024-01-02T03:04:05+00:00,false,N/A,N/A,N/A,false,{slot},false,N/A,N/A,N/A,N/A,"
            "false,N/A,false,N/A")


def test_users_the_credential_report_shows_without_a_key_need_no_listing(tmp_path):
    """What `iamsql collect` does: list-access-keys only for the users the report shows with a key."""
    folder = tmp_path / "export"
    _users_and_keys(folder, listed=("alice",))
    write(folder / "credential-report.csv", _report(_report_line("alice", "2024-02-03T04:05:06+00:00"),
                                                     _report_line("bob", None)))
    con, _ = load(tmp_path, folder)
    assert partial_tables(con) == {}
    assert "aws_iam_access_key" in covered(con)
    # ... and a user the report shows with a key must be listed
    write(folder / "credential-report.csv", _report(_report_line("alice", "2024-02-03T04:05:06+00:00"),
                                                     _report_line("bob", "2024-02-03T04:05:06+00:00")))
    con, _ = load(tmp_path, folder, name="other.duckdb")
    assert list(partial_tables(con)) == ["aws_iam_access_key"]


def test_a_queried_key_list_says_nothing_whole_of_any_user(tmp_path):
    """`--query 'AccessKeyMetadata[?Status==`Active`]'` may have cut a user's inactive keys."""
    folder = tmp_path / "export"
    write(folder / "list-users.json", {"Users": [user("alice")], "IsTruncated": False})
    write(folder / "keys.json", [key("alice", "AKIAIOSFODNN7EXAMPLE")])
    con, _ = load(tmp_path, folder)
    assert "without its output's wrapper" in partial_tables(con)["aws_iam_access_key"]


def test_every_user_s_keys_saved_one_after_another_in_one_file(tmp_path):
    """`for u in alice bob; do aws iam list-access-keys --user-name $u; done > keys.json`."""
    folder = tmp_path / "export"
    write(folder / "list-users.json", {"Users": [user("alice"), user("bob")], "IsTruncated": False})
    write(folder / "keys.json", json.dumps({"AccessKeyMetadata": [key("alice", "AKIAIOSFODNN7EXAMPLE")]}, indent=4)
          + "\n" + json.dumps({"AccessKeyMetadata": [key("bob", "AKIAI44QH8DHBEXAMPLE", "Inactive")]}, indent=4))
    con, _ = load(tmp_path, folder)
    assert partial_tables(con) == {}
    assert rows(con, "select user_name, status from aws_iam_access_key order by 1") == [
        ("alice", "Active"), ("bob", "Inactive")]


# ---- the AWS CLI's other output formats -----------------------------------------------------------------------------

# `aws iam list-users --output yaml`: YAML 1.2, times quoted; a user named `on` or `no` is text there.
USERS_YAML = """Users:
- Arn: arn:aws:iam::111122223333:user/on
  CreateDate: '2024-01-02T03:04:05+00:00'
  Path: /
  UserId: AIDAEXAMPLEON00000001
  UserName: on
- Arn: arn:aws:iam::111122223333:user/0123
  CreateDate: 2024-01-02T03:04:05+00:00
  Path: /
  UserId: AIDAEXAMPLE0123000001
  UserName: '0123'
IsTruncated: false
"""


def test_yaml_output_loads_as_the_json_output(tmp_path):
    path = write(tmp_path / "list-users.yaml", USERS_YAML)
    con, _ = load(tmp_path, path)
    assert rows(con, "select name, arn, strftime(create_date, '%Y-%m-%dT%H:%M:%S') from aws_iam_user order by 1") == [
        ("0123", ARN + "0123", "2024-01-02T03:04:05"), ("on", ARN + "on", "2024-01-02T03:04:05")]
    assert "aws_iam_user" in covered(con) and partial_tables(con) == {}


def test_yaml_stream_pages_load_together(tmp_path):
    """`--output yaml-stream` writes each page as an item of one YAML list."""
    stream = ("- IsTruncated: true\n  Marker: AAEXAMPLE\n  Users:\n  - Arn: arn:aws:iam::111122223333:user/alice\n"
              "    CreateDate: '2024-01-02T03:04:05+00:00'\n    Path: /\n    UserId: AIDAEXAMPLEALICE0001\n"
              "    UserName: alice\n- IsTruncated: false\n  Users:\n  - Arn: arn:aws:iam::111122223333:user/bob\n"
              "    CreateDate: '2024-01-02T03:04:05+00:00'\n    Path: /\n    UserId: AIDAEXAMPLEBOB000001\n"
              "    UserName: bob\n")
    con, summary = load(tmp_path, write(tmp_path / "users.yaml", stream))
    assert rows(con, "select name from aws_iam_user order by 1") == [("alice",), ("bob",)]
    assert not any("last page is missing" in w for w in summary.warnings)


def test_a_user_with_an_active_key_of_no_rotation_date_must_be_listed(tmp_path):
    """A slot whose key is active with last_rotated N/A (AWS gives N/A only for a key that is not active) holds a
    key: its user is not keyless, and the table is whole only with that user's list-access-keys, whose CreateDate
    is the key's age."""
    folder = tmp_path / "export"
    _users_and_keys(folder, listed=("alice",))
    undated = (f"bob,{ARN}bob,2024-01-02T03:04:05+00:00,false,N/A,N/A,N/A,false,true,N/A,N/A,N/A,N/A,false,N/A,N/A,"
               "N/A,N/A,false,N/A,false,N/A")
    write(folder / "credential-report.csv", _report(_report_line("alice", "2024-02-03T04:05:06+00:00"), undated))
    con, _ = load(tmp_path, folder)
    assert list(partial_tables(con)) == ["aws_iam_access_key"]


def test_yaml_credential_report_and_password_policy(tmp_path):
    report = _report(_report_line("alice", None))
    folder = tmp_path / "export"
    write(folder / "get-credential-report.yaml", f"Content: {base64.b64encode(report.encode()).decode()}\n"
                                                 "GeneratedTime: '2024-05-01T10:00:00+00:00'\nReportFormat: text/csv\n")
    write(folder / "get-account-password-policy.yaml", "PasswordPolicy:\n  AllowUsersToChangePassword: true\n"
                                                       "  ExpirePasswords: false\n  MinimumPasswordLength: 14\n"
                                                       "  RequireLowercaseCharacters: true\n  RequireNumbers: true\n"
                                                       "  RequireSymbols: true\n  RequireUppercaseCharacters: true\n")
    con, _ = load(tmp_path, folder)
    assert rows(con, "select user_name from aws_iam_credential_report") == [("alice",)]
    assert rows(con, "select minimum_password_length, expire_passwords from aws_iam_account_password_policy") == [
        (14, False)]
    assert rows(con, "select strftime(as_of, '%Y-%m-%d %H:%M') from iamsql_snapshot") == [("2024-05-01 10:00",)]


@pytest.mark.parametrize("name, text, words", [
    ("list-users.txt", "USERS\tarn:aws:iam::111122223333:user/alice\t2024-01-02T03:04:05+00:00\t/\t"
                       "AIDAEXAMPLEALICE0001\talice\n", "--output text (USERS"),
    ("list-access-keys.txt", "ACCESSKEYMETADATA\tAKIAIOSFODNN7EXAMPLE\t2024-02-03T04:05:06+00:00\tActive\talice\n",
     "--output text (ACCESSKEYMETADATA"),
    ("list-users-table.txt", "-------------------\n|    ListUsers    |\n+-----------------+\n||     Users     ||\n",
     "--output table"),
])
def test_text_and_table_output_are_refused_saying_which_output_to_use(tmp_path, name, text, words):
    con, _ = load(tmp_path, write(tmp_path / "users.json", {"Users": [user("alice")]}))
    before = rows(con, "select snapshot_id, account_id from iamsql_snapshot")
    with pytest.raises(InputError) as info:
        load_paths(con, [str(write(tmp_path / name, text))])
    message = str(info.value)
    assert words in message and "--output json" in message and "\n" not in message
    assert rows(con, "select snapshot_id, account_id from iamsql_snapshot") == before


def test_a_folder_skips_text_output_and_a_file_that_is_not_yaml(tmp_path):
    folder = tmp_path / "export"
    write(folder / "list-users.json", {"Users": [user("alice")]})
    write(folder / "list-roles.txt", "ROLES\tarn:aws:iam::111122223333:role/deploy\t2024-01-02T03:04:05+00:00\n")
    write(folder / "notes.txt", "Note: exported on Monday: [see below\n")
    _, summary = load(tmp_path, folder)
    reasons = {Path(path).name: reason for path, reason in summary.skipped}
    assert "--output text (ROLES" in reasons["list-roles.txt"]
    assert reasons["notes.txt"].startswith("not AWS CLI YAML output")


# ---- the CloudTrail console's event-history downloads ---------------------------------------------------------------

EVENT = {"eventVersion": "1.08", "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLEALICE0001",
                                                  "arn": ARN + "alice", "accountId": ACCOUNT, "userName": "alice"},
         "eventTime": "2024-03-03T10:00:00Z", "eventSource": "iam.amazonaws.com", "eventName": "CreateAccessKey",
         "awsRegion": "us-east-1", "sourceIPAddress": "192.0.2.10", "userAgent": "aws-cli/2.15.0",
         "requestParameters": {"userName": "alice"}, "responseElements": None,
         "requestID": "11111111-2222-3333-4444-555555555555", "eventID": "66666666-7777-8888-9999-000000000000",
         "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": ACCOUNT,
         "eventCategory": "Management"}


@pytest.mark.parametrize("document", [{"Records": [EVENT]}, [EVENT]], ids=["Records", "array"])
def test_console_event_history_json_download_loads_its_events(tmp_path, document):
    con, _ = load(tmp_path, write(tmp_path / "event_history.json", document))
    assert rows(con, "select event_id, event_name, user_identity->>'userName', account_id "
                     "from aws_cloudtrail_trail_event") == [(EVENT["eventID"], "CreateAccessKey", "alice", ACCOUNT)]


def test_console_event_history_csv_download_is_refused_for_the_json_one(tmp_path):
    csv_text = ('\ufeff"Event ID","Event time","User name","Event name","Resource type","Resource name",'
                '"AWS access key","AWS region","Error code","Source IP address"\r\n'
                '"66666666-7777-8888-9999-000000000000","2024-03-03T10:00:00Z","alice","CreateAccessKey",'
                '"AWS::IAM::AccessKey","AKIAIOSFODNN7EXAMPLE","ASIAEXAMPLEKEY000001","us-east-1","","192.0.2.10"\r\n')
    path = tmp_path / "event_history.csv"
    path.write_bytes(csv_text.encode("utf-8"))
    con = db.connect(tmp_path / "x.duckdb")
    with pytest.raises(InputError, match="event-history CSV .* download the events as JSON"):
        load_paths(con, [str(path)])
    assert rows(con, "select count(*) from iamsql_snapshot") == [(0,)]


# ---- pages, encodings, empty files -----------------------------------------------------------------------------------

def test_pages_with_crlf_and_a_bom_saved_one_after_another(tmp_path):
    """`aws iam list-users --max-items 1` then `--starting-token` appended with `>>` on Windows: a BOM, CRLF."""
    first = json.dumps({"Users": [user("alice")], "NextToken": "eyJNYXJrZXIiOiBudWxsfQ=="}, indent=4)
    second = json.dumps({"Users": [user("bob")]}, indent=4)
    path = tmp_path / "users.json"
    path.write_bytes(codecs.BOM_UTF8 + (first + "\n" + second + "\n").replace("\n", "\r\n").encode())
    con, summary = load(tmp_path, path)
    assert rows(con, "select name from aws_iam_user order by 1") == [("alice",), ("bob",)]
    assert not any("last page is missing" in w for w in summary.warnings)


@pytest.mark.parametrize("page", [{"IsTruncated": True, "Marker": "AAEXAMPLE"}, {"NextToken": "eyJNYXJrZXIiOiAxfQ=="}])
def test_a_single_page_that_says_more_follows_warns(tmp_path, page):
    """`--no-paginate` (IsTruncated and Marker) or `--max-items` (NextToken) saved alone."""
    con, summary = load(tmp_path, write(tmp_path / "users.json", {"Users": [user("alice")], **page}))
    assert rows(con, "select name from aws_iam_user") == [("alice",)]
    assert [w for w in summary.warnings if "last page is missing" in w] == [
        f"account {ACCOUNT}: every list-users output says there is more (IsTruncated, NextToken, NextMarker or the "
        "like); the last page is missing"]


def test_gzip_and_empty_files_in_a_folder(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "list-users.json.gz").write_bytes(gzip.compress(json.dumps({"Users": [user("alice")]}).encode()))
    (folder / "list-roles.json").write_bytes(b"")
    (folder / "list-groups.json.gz").write_bytes(b"")
    (folder / "list-policies.json.gz").write_bytes(gzip.compress(b""))
    con, summary = load(tmp_path, folder)
    assert rows(con, "select name from aws_iam_user") == [("alice",)]
    assert sorted((Path(p).name, r) for p, r in summary.skipped) == [
        ("list-groups.json.gz", "empty file"), ("list-policies.json.gz", "empty file"), ("list-roles.json", "empty file")]


# ---- a load that fails in its middle --------------------------------------------------------------------------------

def test_a_load_failing_in_its_middle_leaves_the_database_as_it_was(tmp_path):
    """The IAM files are parsed, the snapshots made and the first CloudTrail file stored before the second one
    turns out to be cut off: nothing of this load may stay."""
    con, _ = load(tmp_path, write(tmp_path / "before" / "users.json", {"Users": [user("alice")]}))
    before = (rows(con, "select snapshot_id, account_id, as_of from iamsql_snapshot"),
              rows(con, "select snapshot_id, table_name, row_count from iamsql_snapshot_table order by all"),
              rows(con, "select count(*) from history.aws_iam_user"),
              rows(con, "select count(*) from history.aws_cloudtrail_trail_event"))
    folder = tmp_path / "later"
    write(folder / "iam" / "users.json", {"Users": [user("alice"), user("bob")]})
    write(folder / "iam" / "password-policy.json", {"PasswordPolicy": {"MinimumPasswordLength": 14}})
    (folder / "AWSLogs").mkdir()
    (folder / "AWSLogs" / "a.json.gz").write_bytes(gzip.compress(json.dumps({"Records": [EVENT]}).encode()))
    events = [{**EVENT, "eventID": f"{n:08d}-7777-8888-9999-000000000000", "requestParameters": {"pad": "x" * 200}}
              for n in range(2000)]
    whole = gzip.compress(json.dumps({"Records": events}).encode())
    (folder / "AWSLogs" / "b.json.gz").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError) as info:
        load_paths(con, [str(folder)])
    assert "b.json.gz" in str(info.value) and "\n" not in str(info.value)
    after = (rows(con, "select snapshot_id, account_id, as_of from iamsql_snapshot"),
             rows(con, "select snapshot_id, table_name, row_count from iamsql_snapshot_table order by all"),
             rows(con, "select count(*) from history.aws_iam_user"),
             rows(con, "select count(*) from history.aws_cloudtrail_trail_event"))
    assert after == before
    assert rows(con, "select name from aws_iam_user") == [("alice",)]


def test_yaml_lookup_events_are_refused_for_the_json_output(tmp_path):
    text = ("Events:\n- CloudTrailEvent: '{\"eventVersion\": \"1.08\", \"eventID\": \"e-1\"}'\n  EventId: e-1\n"
            "  EventName: CreateAccessKey\n  EventTime: '2024-03-03T10:00:00+00:00'\n  ReadOnly: 'false'\n")
    con = db.connect(tmp_path / "x.duckdb")
    with pytest.raises(InputError, match=r"--output yaml of cloudtrail lookup-events .*--output json"):
        load_paths(con, [str(write(tmp_path / "events.yaml", text))])


# ---- an account without a password policy, as the AWS CLI reports it ----------------------------------------------

NO_POLICY = "The Password Policy with domain name 111122223333 cannot be found."


@pytest.mark.parametrize("name, text", [
    # --cli-error-format enhanced (the default of newer CLI versions), with the details block it may add
    ("password-policy.txt", "\naws: [ERROR]: An error occurred (NoSuchEntity) when calling the "
                            f"GetAccountPasswordPolicy operation: {NO_POLICY}\n\nAdditional error details:\n"
                            "Type: Sender\n"),
    # --cli-error-format json and yaml name no operation: the file name says which command failed
    ("get-account-password-policy.json", json.dumps({"Code": "NoSuchEntity", "Message": NO_POLICY}, indent=4)),
    ("get-account-password-policy.yaml", f"Code: NoSuchEntity\nMessage: {NO_POLICY}\n"),
])
def test_no_password_policy_in_the_cli_s_error_formats(tmp_path, name, text):
    folder = tmp_path / "export"
    write(folder / "list-users.json", {"Users": [user("alice")]})
    write(folder / name, text)
    con, summary = load(tmp_path, folder)
    assert "aws_iam_account_password_policy" in covered(con) and not summary.skipped
    assert rows(con, "select count(*) from aws_iam_account_password_policy") == [(0,)]


def test_a_structured_error_of_another_command_is_skipped(tmp_path):
    folder = tmp_path / "export"
    write(folder / "list-users.json", {"Users": [user("alice")]})
    write(folder / "get-account-summary.json", {"Code": "AccessDenied", "Message": "User: ... is not authorized"})
    write(folder / "policy.json", {"Code": "NoSuchEntity", "Message": NO_POLICY})  # no command in its name
    con, summary = load(tmp_path, folder)
    assert sorted((Path(p).name, r) for p, r in summary.skipped) == [
        ("get-account-summary.json", "recorded error response AccessDenied"),
        ("policy.json", "recorded error response NoSuchEntity")]
    assert "aws_iam_account_password_policy" not in covered(con)


# ---- the CIS audit command for AWSCloudShellFullAccess --------------------------------------------------------------

CLOUDSHELL = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"


def _cloudshell_result(con) -> dict:
    [row] = controls.results(con, controls.run_checks(con, controls=["iam_cloudshell_full_access_not_attached"]))
    return row


@pytest.mark.parametrize("users, status, words", [
    ([{"UserName": "alice", "UserId": "AIDAEXAMPLEALICE0001"}], "alarm", "attached to user alice"),
    ([], "ok", "attached to no user, group or role"),
])
def test_the_policy_s_own_entities_answer_the_cloudshell_control(tmp_path, users, status, words):
    """`aws iam list-entities-for-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess` (the
    benchmark's audit step, the policy added as `PolicyArn`): the one row the control reads is whole, though the
    account's other policies are not listed."""
    path = write(tmp_path / "cloudshell.json", {"PolicyArn": CLOUDSHELL, "PolicyGroups": [], "PolicyUsers": users,
                                                 "PolicyRoles": [], "IsTruncated": False})
    con, _ = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-05-01")
    assert list(partial_tables(con)) == ["aws_iam_policy_attachment"]
    row = _cloudshell_result(con)
    assert row["status"] == status and words in row["reason"]


def test_a_page_that_says_more_follows_leaves_the_cloudshell_control_skipped(tmp_path):
    path = write(tmp_path / "cloudshell.json", {"PolicyArn": CLOUDSHELL, "PolicyGroups": [], "PolicyUsers": [],
                                                 "PolicyRoles": [], "IsTruncated": True, "Marker": "AAEXAMPLE"})
    con, _ = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-05-01")
    row = _cloudshell_result(con)
    assert row["status"] == "skip" and "Only part of aws_iam_policy_attachment" in row["reason"]


def _managed_policy(arn: str, attachments: int) -> dict:
    """A managed policy as list-policies and get-policy give it: how many entities hold it, not which."""
    return {"PolicyName": arn.rsplit("/", 1)[-1], "PolicyId": "ANPAEXAMPLE" + arn.rsplit("/", 1)[-1][:10].upper(),
            "Arn": arn, "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": attachments,
            "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": "2020-12-15T17:27:29Z",
            "UpdateDate": "2020-12-15T17:27:29Z"}


HEALTH = "arn:aws:iam::aws:policy/AWSHealthFullAccess"


@pytest.mark.parametrize("name, document, status", [
    # list-policies counts the policy's holders (AttachmentCount 2) without naming them: not "attached to no one"
    ("list-policies.json", {"Policies": [_managed_policy(CLOUDSHELL, 2), _managed_policy(HEALTH, 0)]}, "skip"),
    # held by none: its row is whole (no user, group or role holds it), the other policies' are not listed
    ("list-policies.json", {"Policies": [_managed_policy(CLOUDSHELL, 0), _managed_policy(HEALTH, 3)]}, "ok"),
    # another policy's get-policy says nothing about AWSCloudShellFullAccess
    ("get-policy.json", {"Policy": _managed_policy(HEALTH, 0)}, "skip"),
])
def test_attachment_counts_answer_the_cloudshell_control_only_for_a_policy_held_by_none(tmp_path, name, document,
                                                                                           status):
    """list-policies and get-policy give AttachmentCount, not who holds a policy: aws_iam_policy_attachment is known
    only in part from them (the rows of policies held by none are whole); the control said AWSCloudShellFullAccess
    was attached to no user, group or role when list-policies counted two, or did not list it at all."""
    path = write(tmp_path / name, document)
    con, _ = load(tmp_path, path, account_id=ACCOUNT, as_of="2024-05-01")
    assert "aws_iam_policy_attachment" in partial_tables(con)
    assert _cloudshell_result(con)["status"] == status


def test_the_cloudshell_row_of_another_partition_does_not_answer(tmp_path):
    """In aws-cn the policy is arn:aws-cn:iam::aws:policy/AWSCloudShellFullAccess: the aws partition's row is not
    the one the account's control reads."""
    folder = tmp_path / "export"
    write(folder / "users.json", [{**user("alice"), "Arn": "arn:aws-cn:iam::111122223333:user/alice"}])
    write(folder / "cloudshell.json", {"PolicyArn": CLOUDSHELL, "PolicyGroups": [], "PolicyUsers": [],
                                       "PolicyRoles": [], "IsTruncated": False})
    con, _ = load(tmp_path, folder, as_of="2024-05-01")
    assert _cloudshell_result(con)["status"] == "skip"
