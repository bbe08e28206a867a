"""``iamsql load`` on AWS outputs saved the other ways people save them: boto3 responses written with
``json.dumps(response, default=str)`` (``ResponseMetadata`` kept, times as ``2024-03-02 21:17:44+00:00``, the
credential report's bytes as ``b'...'`` text), ``--query`` outputs that keep only the list, AWS Tools for
PowerShell objects through ``ConvertTo-Json`` (UTF-16, ``/Date(ms)/`` times, ``DateTime.MinValue`` for a time AWS
did not return), and the AWS CLI's output redirected to a file on Windows (Windows-1252). Inputs are derived from the hand-written CLI outputs in
tests/data/saved_variants and tests/data/real_shapes (AWS's documented shapes); the variant must load the rows
the CLI output loads."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.store import db

DATA = Path(__file__).parent / "data"
SAVED = DATA / "saved_variants"
SHAPES = DATA / "real_shapes"
ACCOUNT = "111122223333"
PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/alice"
JOB = json.loads((SAVED / "generate-service-last-accessed-details.json").read_text())["JobId"]
REPORT = (SHAPES / "credential-report.csv").read_text()
GENERATED = "2024-03-03T04:05:06+00:00"

# The CLI outputs, under the names CloudMapper gives the last-accessed pair (the generate output after the
# principal's URL-encoded ARN, the details after the job id), which is how the details find their principal.
CLI_OUTPUTS = {
    "list-users.json": SHAPES / "cli" / "list-users.json",
    "list-roles.json": SHAPES / "cli" / "list-roles.json",
    "get-account-summary.json": SHAPES / "cli" / "get-account-summary.json",
    "list-virtual-mfa-devices.json": SHAPES / "cli" / "list-virtual-mfa-devices.json",
    "describe-trails.json": SHAPES / "cli" / "us-east-1" / "describe-trails.json",
    "get-event-selectors.json": SHAPES / "cli" / "us-east-1" / "get-event-selectors.json",
    **{path.name: path for path in sorted(SAVED.glob("*.json")) if "last-accessed" not in path.name},
    f"{quote(PRINCIPAL, safe='')}.json": SAVED / "generate-service-last-accessed-details.json",
    f"{JOB}.json": SAVED / "get-service-last-accessed-details.json",
}

RESPONSE_METADATA = {
    "RequestId": "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE",
    "HTTPStatusCode": 200,
    "HTTPHeaders": {"x-amzn-requestid": "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE", "content-type": "text/xml",
                    "content-length": "512", "date": "Sun, 03 Mar 2024 04:05:06 GMT"},
    "RetryAttempts": 0,
}
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")


def as_boto3(value):
    """A CLI output's values as boto3 returns them: times as datetime objects."""
    if isinstance(value, dict):
        return {key: as_boto3(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_boto3(item) for item in value]
    if isinstance(value, str) and ISO_TIME.fullmatch(value):
        return datetime.fromisoformat(value)
    return value


def boto3_dump(response: dict) -> str:
    """``json.dumps(client.some_call(), default=str)``: ResponseMetadata kept, datetimes and bytes as str()."""
    return json.dumps({**as_boto3(response), "ResponseMetadata": RESPONSE_METADATA}, default=str, indent=2)


def load(database: Path, *paths, **options):
    con = db.connect(database)
    return con, load_paths(con, [str(p) for p in paths], **options)


def table_rows(con) -> dict[str, list[str]]:
    """Every non-empty table's rows (as text, sorted), without the column naming the file a row came from."""
    tables = [name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' and table_name like 'aws_%'"
    ).fetchall()]
    found = {}
    for table in sorted(tables):
        cursor = con.execute(f"select * from {table}")
        names = [column[0] for column in cursor.description]
        rows = sorted(repr([v for n, v in zip(names, row) if n != "source_file"]) for row in cursor.fetchall())
        if rows:
            found[table] = rows
    return found


def test_boto3_responses_saved_with_json_dumps_load_as_the_cli_outputs(tmp_path):
    cli, dumps = tmp_path / "cli", tmp_path / "boto3"
    cli.mkdir()
    dumps.mkdir()
    for name, source in CLI_OUTPUTS.items():
        shutil.copy(source, cli / name)
        (dumps / name).write_text(boto3_dump(json.loads(source.read_text())))
    report = {"Content": REPORT, "ReportFormat": "text/csv", "GeneratedTime": GENERATED}
    (cli / "get-credential-report.json").write_text(json.dumps(report))
    (dumps / "get-credential-report.json").write_text(boto3_dump({**report, "Content": REPORT.encode()}))
    expected, _ = load(tmp_path / "cli.duckdb", cli)
    got, summary = load(tmp_path / "boto3.duckdb", dumps)
    assert summary.skipped == []
    assert table_rows(got) == table_rows(expected)
    assert {"aws_iam_user", "aws_iam_role", "aws_iam_credential_report", "aws_iam_access_advisor",
            "aws_iam_account_password_policy", "aws_cloudtrail_trail",
            "aws_ssoadmin_instance", "aws_accessanalyzer_analyzer"} <= set(table_rows(got))
    assert got.execute("select principal_arn, service_namespace, last_authenticated from aws_iam_access_advisor "
                       "order by 2").fetchall() == [
        (PRINCIPAL, "iam", datetime.fromisoformat("2024-02-28T18:00:00+00:00")), (PRINCIPAL, "s3", None)]


def test_boto3_get_caller_identity_names_the_account_of_its_folder(tmp_path):
    """The password policy names no account; the caller identity beside it does, ResponseMetadata and all."""
    folder = tmp_path / "export"
    folder.mkdir()
    for name in ("get-caller-identity.json", "get-account-password-policy.json"):
        (folder / name).write_text(boto3_dump(json.loads((SAVED / name).read_text())))
    con, summary = load(tmp_path / "db.duckdb", folder, as_of="2024-03-03")
    assert [s["account_id"] for s in summary.snapshots] == [ACCOUNT]
    assert con.execute("select account_id, minimum_password_length, max_password_age, password_reuse_prevention "
                       "from aws_iam_account_password_policy").fetchall() == [(ACCOUNT, 14, 90, 24)]


def test_credential_report_bytes_saved_as_text_keep_non_ascii_names(tmp_path):
    """``str(b'...')`` escapes every non-ASCII byte (``\\xc3\\xa9``) and line end (``\\n``)."""
    text = REPORT.replace("alice", "alicé")
    (tmp_path / "report.json").write_text(boto3_dump(
        {"Content": text.encode(), "ReportFormat": "text/csv", "GeneratedTime": GENERATED}))
    assert "\\xc3\\xa9" in json.loads((tmp_path / "report.json").read_text())["Content"]
    con, summary = load(tmp_path / "db.duckdb", tmp_path / "report.json")
    assert summary.snapshots[0]["as_of"] == GENERATED
    assert con.execute("select user_name from aws_iam_credential_report order by 1").fetchall() == sorted(
        (line.split(",")[0],) for line in text.splitlines()[1:])


@pytest.mark.parametrize("content, reason", [
    ("b'user,arn\\n", "starts as bytes text (b'...') but is not one"),
    ("b'\\xff\\xfe'", "starts as bytes text (b'...') but is not one"),
    ("b'user,arn\\nalice,arn:aws:iam::111122223333:user/alice\\n'", "credential report lacks column(s)"),
])
def test_broken_bytes_text_is_a_one_line_error(tmp_path, content, reason):
    (tmp_path / "report.json").write_text(json.dumps({"Content": content, "GeneratedTime": GENERATED}))
    with pytest.raises(InputError) as caught:
        load(tmp_path / "db.duckdb", tmp_path / "report.json")
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{tmp_path / 'report.json'}: bad iam:get-credential-report")
    assert reason in message


# ---- --query outputs that keep only the list or the object ----------------------------------------------------------------------

QUERIED = {
    "iam list-users --query Users": (SHAPES / "cli" / "list-users.json", "Users"),
    "iam list-roles --query Roles": (SHAPES / "cli" / "list-roles.json", "Roles"),
    "iam list-policies --query Policies": (SAVED / "list-policies.json", "Policies"),
    "iam list-virtual-mfa-devices --query VirtualMFADevices": (SHAPES / "cli" / "list-virtual-mfa-devices.json",
                                                               "VirtualMFADevices"),
    "iam list-saml-providers --query SAMLProviderList": (SAVED / "list-saml-providers.json", "SAMLProviderList"),
    "iam list-server-certificates --query ServerCertificateMetadataList": (SAVED / "list-server-certificates.json",
                                                                          "ServerCertificateMetadataList"),
    "cloudtrail describe-trails --query trailList": (SHAPES / "cli" / "us-east-1" / "describe-trails.json",
                                                     "trailList"),
    "organizations list-accounts --query Accounts": (DATA / "organizations" / "list-accounts.json", "Accounts"),
    "organizations list-roots --query Roots": (DATA / "organizations" / "list-roots.json", "Roots"),
    "organizations list-policies --query Policies": (DATA / "organizations" / "list-policies-scp.json", "Policies"),
    "sso-admin list-instances --query Instances": (SAVED / "list-instances.json", "Instances"),
    "sso-admin list-permission-sets --query PermissionSets": (SAVED / "list-permission-sets.json", "PermissionSets"),
    "accessanalyzer list-analyzers --query analyzers": (SAVED / "list-analyzers.json", "analyzers"),
}


@pytest.mark.parametrize("command", QUERIED)
def test_a_queried_list_loads_the_whole_output_s_rows_as_part_of_the_table(tmp_path, command):
    """Its rows load as the output's; the table is partial (a --query filter may have cut the list)."""
    source, key = QUERIED[command]
    output = json.loads(source.read_text())
    # The whole output is its last page (a saved example that says more pages follow would be partial itself).
    (tmp_path / "whole.json").write_text(json.dumps({k: v for k, v in output.items() if k not in ("IsTruncated", "Marker")}))
    (tmp_path / "list.json").write_text(json.dumps(output[key], indent=2))
    options = {"as_of": "2024-03-03", "account_id": ACCOUNT}
    expected, whole = load(tmp_path / "whole.duckdb", tmp_path / "whole.json", **options)
    got, summary = load(tmp_path / "list.duckdb", tmp_path / "list.json", **options)
    assert [f.format for f in summary.files] == [f.format for f in whole.files]
    assert table_rows(got) == table_rows(expected) != {}
    assert [s["tables"] for s in summary.snapshots] == [s["tables"] for s in whole.snapshots]
    assert {partial for (partial,) in got.execute("select partial from iamsql_snapshot").fetchall()} == {True}
    # list-analyzers lists one region: whole only with every enabled region's listing (and describe-regions);
    # list-policies counts each policy's holders without naming them: aws_iam_policy_attachment is partial;
    # Organizations' list-policies lists one policy type: whole only with every enabled type's listing.
    part = command.startswith(("accessanalyzer list-analyzers", "iam list-policies", "organizations list-policies"))
    assert {partial for (partial,) in expected.execute("select partial from iamsql_snapshot").fetchall()} == {part}


def test_a_queried_tag_map_keeps_a_tag_named_value(tmp_path):
    analyzer = {**_first(SAVED / "list-analyzers.json", "analyzers"), "tags": {"Value": "high"}}
    (tmp_path / "list.json").write_text(json.dumps([analyzer]))
    con, _ = load(tmp_path / "db.duckdb", tmp_path / "list.json")
    assert con.execute("select tags->>'Value' from aws_accessanalyzer_analyzer").fetchall() == [("high",)]


@pytest.mark.parametrize("items", [  # [] holds no data: test_load_real_shapes
    ["alice", "ci-bot"],
    [{"UserName": "alice", "Arn": f"arn:aws:iam::{ACCOUNT}:user/alice"}],  # --query 'Users[].{UserName,Arn}'
    [*json.loads((SHAPES / "cli" / "list-users.json").read_text())["Users"],
     *json.loads((SHAPES / "cli" / "list-roles.json").read_text())["Roles"]],
])
def test_a_list_that_is_not_one_output_s_items_is_not_loaded(tmp_path, items):
    (tmp_path / "list.json").write_text(json.dumps(items))
    with pytest.raises(InputError, match="not a recognised AWS IAM or CloudTrail output"):
        load(tmp_path / "db.duckdb", tmp_path / "list.json")


def _first(path: Path, key: str) -> dict:
    return json.loads(path.read_text())[key][0]


QUERIED_OBJECTS = {
    "iam get-role --query Role": {"Role": _first(SHAPES / "cli" / "list-roles.json", "Roles")},
    "iam get-user --query User": {"User": _first(SHAPES / "cli" / "list-users.json", "Users")},
    "iam get-policy --query Policy": {"Policy": _first(SAVED / "list-policies.json", "Policies")},
    "iam get-account-password-policy --query PasswordPolicy": json.loads(
        (SAVED / "get-account-password-policy.json").read_text()),
    "iam get-account-summary --query SummaryMap": json.loads((SHAPES / "cli" / "get-account-summary.json").read_text()),
    "organizations describe-organization --query Organization": json.loads(
        (DATA / "organizations" / "describe-organization.json").read_text()),
    "sso-admin describe-permission-set --query PermissionSet": json.loads(
        (SAVED / "describe-permission-set.json").read_text()),
}


@pytest.mark.parametrize("command", QUERIED_OBJECTS)
def test_a_queried_object_loads_as_the_whole_output(tmp_path, command):
    output = QUERIED_OBJECTS[command]
    (tmp_path / "whole.json").write_text(json.dumps(output))
    (tmp_path / "object.json").write_text(json.dumps(next(iter(output.values())), indent=2))
    options = {"as_of": "2024-03-03", "account_id": ACCOUNT}
    expected, whole = load(tmp_path / "whole.duckdb", tmp_path / "whole.json", **options)
    got, summary = load(tmp_path / "object.duckdb", tmp_path / "object.json", **options)
    assert [f.format for f in summary.files] == [f.format for f in whole.files]
    assert [(s["account_id"], s["tables"]) for s in summary.snapshots] == [
        (s["account_id"], s["tables"]) for s in whole.snapshots]
    assert table_rows(got) == table_rows(expected)
    assert summary.files[0].parsed.extra == whole.files[0].parsed.extra


# ---- AWS Tools for PowerShell ------------------------------------------------------------------------------------


def test_aws_tools_for_powershell_users_through_convertto_json(tmp_path):
    """``Get-IAMUserList | ConvertTo-Json > users.json`` in Windows PowerShell 5.1: an array of the SDK's User
    objects, UTF-16 with a BOM and CRLF, DateTime as ``\\/Date(ms)\\/``, and ``PasswordLastUsed`` as
    ``DateTime.MinValue`` for a user who never signed in (the .NET SDK's DateTime is never null)."""
    users = json.loads((SHAPES / "cli" / "list-users.json").read_text())["Users"]
    dotnet = []
    for user in users:
        shaped = {"Arn": user["Arn"], "CreateDate": user["CreateDate"], "PasswordLastUsed": user.get("PasswordLastUsed"),
                  "Path": user["Path"], "PermissionsBoundary": None, "Tags": [], "UserId": user["UserId"],
                  "UserName": user["UserName"]}
        for key in ("CreateDate", "PasswordLastUsed"):
            moment = datetime.fromisoformat(shaped[key]) if shaped[key] else datetime(1, 1, 1)
            milliseconds = round((moment.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds() * 1000)
            shaped[key] = f"/Date({milliseconds})/"
        dotnet.append(shaped)
    text = json.dumps(dotnet, indent=4).replace("/", "\\/").replace("\n", "\r\n")
    (tmp_path / "users.json").write_bytes(text.encode("utf-16"))
    con, summary = load(tmp_path / "db.duckdb", tmp_path / "users.json")
    assert [f.format for f in summary.files] == ["iam:list-users"]
    assert summary.warnings == [f"account {ACCOUNT}: only part of aws_iam_user is loaded (users.json: a list without "
                                "its output's wrapper, as --query prints it, which a filter may have cut); controls "
                                "that need the whole table skip"]
    assert con.execute("select name, create_date, password_last_used from aws_iam_user order by 1").fetchall() == [
        (u["UserName"], datetime.fromisoformat(u["CreateDate"]),
         datetime.fromisoformat(u["PasswordLastUsed"]) if "PasswordLastUsed" in u else None) for u in users]
    assert summary.snapshots[0]["as_of"] == max(
        time for u in users for time in (u["CreateDate"], u.get("PasswordLastUsed")) if time)


def test_aws_tools_for_powershell_enumerations_are_plain_values(tmp_path):
    """``Get-IAMAccessKey | ConvertTo-Json``: the .NET SDK's StatusType is an object, written ``{"Value": ...}``;
    so is a user's PermissionsBoundaryType."""
    keys = [{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "CreateDate": "/Date(1577934245000)/", "Status": {"Value": "Active"},
             "UserName": "alice"},
            {"AccessKeyId": "AKIAI44QH8DHBEXAMPLE", "CreateDate": "/Date(1609459200000)/",
             "Status": {"Value": "Inactive"}, "UserName": "alice"}]
    boundary = {"PermissionsBoundaryArn": f"arn:aws:iam::{ACCOUNT}:policy/Boundary",
                "PermissionsBoundaryType": {"Value": "PermissionsBoundaryPolicy"}}
    user = {**_first(SHAPES / "cli" / "list-users.json", "Users"), "PermissionsBoundary": boundary,
            "Tags": [{"Key": "Value", "Value": "kept"}]}
    (tmp_path / "keys.json").write_text(json.dumps(keys))
    (tmp_path / "users.json").write_text(json.dumps([user]))
    con, _ = load(tmp_path / "db.duckdb", tmp_path / "keys.json", tmp_path / "users.json", account_id=ACCOUNT)
    assert con.execute("select access_key_id, status, create_date from aws_iam_access_key order by 1").fetchall() == [
        ("AKIAI44QH8DHBEXAMPLE", "Inactive", datetime.fromisoformat("2021-01-01T00:00:00+00:00")),
        ("AKIAIOSFODNN7EXAMPLE", "Active", datetime.fromisoformat("2020-01-02T03:04:05+00:00"))]
    assert con.execute("select permissions_boundary_arn, permissions_boundary_type, tags_src::text "
                       "from aws_iam_user").fetchall() == [
        (boundary["PermissionsBoundaryArn"], "PermissionsBoundaryPolicy", json.dumps(user["Tags"]))]


@pytest.mark.parametrize("flattened", [
    {"PermissionsBoundary": "@{PermissionsBoundaryType=Policy; PermissionsBoundaryArn=arn:aws:iam::111122223333:policy/B}"},
    {"Tags": "System.Object[]"},
    {"Tags": ["Amazon.IdentityManagement.Model.Tag"]},
])
def test_objects_powershell_flattened_to_text_are_a_one_line_error(tmp_path, flattened):
    """``aws iam list-users | ConvertFrom-Json | ConvertTo-Json`` in Windows PowerShell: what lies deeper than
    -Depth 2 is written as text, so the file no longer holds the boundary or the tags: an error, not a user
    without them."""
    users = json.loads((SHAPES / "cli" / "list-users.json").read_text())
    users["Users"][0].update(flattened)
    (tmp_path / "users.json").write_bytes(json.dumps(users, indent=4).encode("utf-16"))
    con = db.connect(tmp_path / "db.duckdb")
    load_paths(con, [str(SAVED / "list-policies.json")])
    before = con.execute("select snapshot_id, account_id from iamsql_snapshot").fetchall()
    with pytest.raises(InputError) as caught:
        load_paths(con, [str(tmp_path / "users.json"), str(SAVED / "list-saml-providers.json")])
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{tmp_path / 'users.json'}: holds ")
    assert "ConvertTo-Json -Depth 20" in message
    assert con.execute("select snapshot_id, account_id from iamsql_snapshot").fetchall() == before


def test_text_that_only_looks_flattened_loads(tmp_path):
    users = json.loads((SHAPES / "cli" / "list-users.json").read_text())
    users["Users"][0]["Tags"] = [{"Key": "note", "Value": "see @{Key=x} in the runbook"}]
    (tmp_path / "users.json").write_text(json.dumps(users))
    con, _ = load(tmp_path / "db.duckdb", tmp_path / "users.json")
    assert con.execute("select tags->>'note' from aws_iam_user where name = ?",
                       [users["Users"][0]["UserName"]]).fetchall() == [("see @{Key=x} in the runbook",)]


# ---- Windows-1252 ----------------------------------------------------------------------------------------------


def test_windows_1252_outputs_load_with_a_warning(tmp_path):
    """The AWS CLI on Windows writes output redirected to a file in the system's code page (aws/aws-cli#6900), and
    Excel saves a CSV in it: Windows-1252 on Western-language systems."""
    users = (SHAPES / "cli" / "list-users.json").read_text().replace("alice", "josé")
    (tmp_path / "list-users.json").write_bytes(users.replace("\n", "\r\n").encode("cp1252"))
    (tmp_path / "report.csv").write_bytes(REPORT.replace("alice", "josé").encode("cp1252"))
    con, summary = load(tmp_path / "db.duckdb", tmp_path / "list-users.json", tmp_path / "report.csv")
    names = sorted(u["UserName"] for u in json.loads(users)["Users"])
    assert "josé" in names
    assert con.execute("select name from aws_iam_user order by 1").fetchall() == [(n,) for n in names]
    assert ("josé",) in con.execute("select user_name from aws_iam_credential_report").fetchall()
    assert sorted(w.split(":")[0] for w in summary.warnings if "read as Windows-1252" in w) == [
        str(tmp_path / "list-users.json"), str(tmp_path / "report.csv")]


@pytest.mark.parametrize("data", [b'{"Users": ["\xe9"]}\x00\x01', b'{"Users": ["\x81"]}'])
def test_bytes_that_are_no_windows_1252_text_are_still_not_text(tmp_path, data):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "blob.bin").write_bytes(data)
    (tmp_path / "in" / "report.csv").write_text(REPORT)
    _, summary = load(tmp_path / "db.duckdb", tmp_path / "in")
    assert [(Path(p).name, reason) for p, reason in summary.skipped] == [("blob.bin", "not text")]
    (tmp_path / "blob.json").write_bytes(data)
    with pytest.raises(InputError, match="not UTF-8 text"):
        load(tmp_path / "db2.duckdb", tmp_path / "blob.json")


# ---- one page of a listing ---------------------------------------------------------------------------------------


MORE = "IsTruncated, NextToken, NextMarker or the like"


def test_a_listing_cut_after_its_first_page_gives_a_warning(tmp_path):
    """``--no-paginate`` (one API call) or ``--max-items``: IAM says IsTruncated with a Marker, Organizations and
    the other services a NextToken (Access Analyzer nextToken). The users or accounts after the page are missing."""
    users = json.loads((SHAPES / "cli" / "list-users.json").read_text())
    accounts = json.loads((DATA / "organizations" / "list-accounts.json").read_text())
    analyzers = json.loads((SAVED / "list-analyzers.json").read_text())
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "list-users.json").write_text(json.dumps({**users, "IsTruncated": True, "Marker": "AQ=="}))
    (tmp_path / "cut" / "list-accounts.json").write_text(json.dumps({**accounts, "NextToken": "AAE="}))
    (tmp_path / "cut" / "list-analyzers.json").write_text(json.dumps({**analyzers, "nextToken": "AAE="}))
    _, summary = load(tmp_path / "cut.duckdb", tmp_path / "cut", account_id=ACCOUNT)
    management = accounts["Accounts"][0]["Arn"].split(":")[4]
    assert sorted(w for w in summary.warnings if "the last page is missing" in w) == sorted([
        f"account {ACCOUNT}: every list-users output says there is more ({MORE}); the last page is missing",
        f"account {management}: every list-accounts output says there is more ({MORE}); the last page is missing",
        f"account {ACCOUNT}: every list-analyzers output of us-east-1 says there is more ({MORE}); the last page is "
        "missing"])
    first, last = users["Users"][:1], users["Users"][1:]
    (tmp_path / "whole").mkdir()
    (tmp_path / "whole" / "users-1.json").write_text(json.dumps({"Users": first, "IsTruncated": True, "Marker": "m"}))
    (tmp_path / "whole" / "users-2.json").write_text(json.dumps({"Users": last, "IsTruncated": False}))
    (tmp_path / "whole" / "pages.json").write_text(json.dumps({"Users": first, "IsTruncated": True, "Marker": "m"})
                                                   + json.dumps({"Users": last}))
    _, summary = load(tmp_path / "whole.duckdb", tmp_path / "whole")
    assert not [w for w in summary.warnings if "the last page is missing" in w]


PAGES = [("list-keys-page.json", "aws_kms_key", "Keys"), ("list-functions-page.json", "aws_lambda_function", "Functions"),
         ("list-buckets-page.json", "aws_s3_bucket", "Buckets")]


@pytest.mark.parametrize(("name", "table", "key"), PAGES)
def test_a_page_that_says_more_follow_in_its_services_words_is_part_of_its_table(tmp_path, name, table, key):
    """KMS says ``Truncated`` with a ``NextMarker``, Lambda's list-functions a ``NextMarker`` alone, S3's
    list-buckets a ``ContinuationToken`` (``--no-paginate``, ``--max-buckets``, one API call): the rows after the
    page are missing until its last page is loaded too."""
    page = json.loads((SAVED / name).read_text())
    (tmp_path / "cut").mkdir()
    shutil.copy(SAVED / name, tmp_path / "cut" / name)
    con, summary = load(tmp_path / "cut.duckdb", tmp_path / "cut", account_id=ACCOUNT, as_of="2024-06-01")
    command = name.removesuffix("-page.json")
    assert [w for w in summary.warnings if "the last page is missing" in w] == [
        f"account {ACCOUNT}: every {command} output{'' if table == 'aws_s3_bucket' else ' of us-east-1'} says there "
        f"is more ({MORE}); the last page is missing"]
    assert con.execute(f"select count(*) from {table}").fetchone() == (len(page[key]),)
    assert con.execute("select table_name, reason from iamsql_partial").fetchall() == [
        (table, f"cut/{name}: it says more pages follow ({MORE}) and no later page is loaded")]
    last = {k: v for k, v in page.items() if k not in ("NextMarker", "ContinuationToken", "Truncated")}
    (tmp_path / "cut" / f"last-{name}").write_text(json.dumps({**last, key: page[key][-1:]}))
    con, summary = load(tmp_path / "whole.duckdb", tmp_path / "cut", account_id=ACCOUNT, as_of="2024-06-01")
    assert not [w for w in summary.warnings if "the last page is missing" in w]
    assert con.execute("select count(*) from iamsql_partial").fetchone() == (0,)


def test_a_bucket_listing_cut_by_a_prefix_is_part_of_the_table_until_the_whole_listing_is_loaded(tmp_path):
    """``aws s3api list-buckets --prefix logs-`` lists only the buckets whose names begin with it, and says so by
    repeating ``Prefix``: the other buckets are not known to be missing, nor to be absent."""
    (tmp_path / "cut").mkdir()
    shutil.copy(SAVED / "list-buckets-prefix.json", tmp_path / "cut")
    con, summary = load(tmp_path / "cut.duckdb", tmp_path / "cut", account_id=ACCOUNT)
    assert con.execute("select name, region from aws_s3_bucket").fetchall() == [("logs-amzn-s3-demo-bucket", "eu-west-1")]
    assert con.execute("select table_name, reason from iamsql_partial").fetchall() == [
        ("aws_s3_bucket", "cut/list-buckets-prefix.json: list-buckets --prefix logs- lists only the buckets whose names "
                          "begin with it")]
    whole = {**json.loads((SAVED / "list-buckets-prefix.json").read_text()), "Prefix": None}
    (tmp_path / "cut" / "list-buckets.json").write_text(json.dumps(whole))
    con, summary = load(tmp_path / "whole.duckdb", tmp_path / "cut", account_id=ACCOUNT)
    assert con.execute("select count(*) from iamsql_partial").fetchone() == (0,)


@pytest.mark.parametrize(("folder", "table", "reason"), [
    ("list-groups-for-user", "aws_iam_group", "list-groups-for-user lists the groups of one user only"),
    ("list-instance-profiles-for-role", "aws_iam_instance_profile",
     "list-instance-profiles-for-role lists the instance profiles of one role only"),
    ("list-accounts-for-parent", "aws_organizations_account",
     "list-accounts-for-parent lists the accounts of one root or OU only"),
    ("list-policies-for-target", "aws_organizations_policy",
     "list-policies-for-target lists the policies attached to one root, OU or account only")])
def test_one_owners_share_in_the_shape_of_a_whole_listing_is_part_of_the_table(tmp_path, folder, table, reason):
    """ListGroupsForUser answers as ListGroups does, ListInstanceProfilesForRole as ListInstanceProfiles and
    ListAccountsForParent as ListAccounts, ListPoliciesForTarget as ListPolicies, none naming its user, role, parent
    or target: only the command's name, given to the file or its folder, tells the share from the whole listing. The rows load; the table is part of the
    account's."""
    shutil.copytree(SAVED / folder, tmp_path / "export" / folder)
    con, summary = load(tmp_path / "db.duckdb", tmp_path / "export", as_of=GENERATED)
    assert con.execute(f"select count(*) from {table}").fetchone() == (1,)
    name = next((SAVED / folder).iterdir()).name
    assert con.execute("select table_name, reason from iamsql_partial").fetchall() == [
        (table, f"export/{folder}/{name}: {reason} (its file's name says so)")]
    shutil.copy(SAVED / folder / name, tmp_path / f"{folder}.json")
    con, summary = load(tmp_path / "named.duckdb", tmp_path / f"{folder}.json", as_of=GENERATED)
    assert con.execute("select table_name from iamsql_partial").fetchall() == [(table,)]
    shutil.copy(SAVED / folder / name, tmp_path / "listing.json")
    con, summary = load(tmp_path / "whole.duckdb", tmp_path / "listing.json", as_of=GENERATED)
    # Organizations' list-policies lists the policies of one type (here SCPs): whole for that type only
    assert con.execute("select whole from iamsql_partial").fetchall() == (
        [(["SERVICE_CONTROL_POLICY"],)] if table == "aws_organizations_policy" else [])


def test_get_trail_gives_the_trail_its_row_without_listing_the_accounts_trails(tmp_path):
    """``get-trail`` describes one trail as a describe-trails item does: its home-region row, merged with its status;
    it lists no other trail, so the table is not whole with it alone."""
    trail = json.loads((SAVED / "get-trail.json").read_text())["Trail"]
    (tmp_path / "status.json").write_text(json.dumps({"IsLogging": True, "TrailARN": trail["TrailARN"],
                                                      "StartLoggingTime": "2024-03-01T00:00:00+00:00"}))
    con, summary = load(tmp_path / "db.duckdb", SAVED / "get-trail.json", tmp_path / "status.json")
    assert [f.format for f in summary.files] == ["cloudtrail:get-trail", "cloudtrail:get-trail-status"]
    assert con.execute("select name, region, home_region, is_multi_region_trail, log_file_validation_enabled, "
                       "kms_key_id, is_logging, account_id from aws_cloudtrail_trail").fetchall() == [
        ("management-events", "us-east-1", "us-east-1", True, True, trail["KmsKeyId"], True, ACCOUNT)]
    assert con.execute("select table_name, reason from iamsql_partial").fetchall() == [
        ("aws_cloudtrail_trail", "get-trail.json: get-trail describes one resource, not every one of the account; "
                                 "status.json: get-trail-status describes one resource, not every one of the account")]


def test_a_whole_listing_of_another_region_does_not_give_the_rest_of_a_cut_one(tmp_path):
    """KMS keys are listed per region: eu-west-1's whole list-keys is no later page of us-east-1's, whose keys after
    the first page are still missing, so aws_kms_key stays part of the account's."""
    page = json.loads((SAVED / "list-keys-page.json").read_text())
    other = {"Keys": [{"KeyId": k["KeyId"], "KeyArn": k["KeyArn"].replace("us-east-1", "eu-west-1")}
                      for k in page["Keys"]], "Truncated": False}
    for region, output in [("us-east-1", page), ("eu-west-1", other)]:
        (tmp_path / "kms" / region).mkdir(parents=True)
        (tmp_path / "kms" / region / "list-keys.json").write_text(json.dumps(output))
    con, summary = load(tmp_path / "db.duckdb", tmp_path / "kms", account_id=ACCOUNT, as_of="2024-06-01")
    assert [w for w in summary.warnings if "the last page is missing" in w] == [
        f"account {ACCOUNT}: every list-keys output of us-east-1 says there is more ({MORE}); the last page is missing"]
    assert con.execute("select table_name from iamsql_partial").fetchall() == [("aws_kms_key",)]
    assert con.execute("select region, count(*) from aws_kms_key group by 1 order by 1").fetchall() == [
        ("eu-west-1", 2), ("us-east-1", 2)]
    # an empty last page (as EC2 and KMS may give) names no region: saved outside the region folders, it may be
    # us-east-1's, and the load does not call that listing cut
    (tmp_path / "kms" / "list-keys-last-page.json").write_text(json.dumps({"Keys": [], "Truncated": False}))
    con, summary = load(tmp_path / "db2.duckdb", tmp_path / "kms", account_id=ACCOUNT, as_of="2024-06-01")
    assert not [w for w in summary.warnings if "the last page is missing" in w]
    assert con.execute("select count(*) from iamsql_partial").fetchone() == (0,)


# ---- outputs named after what they are about -----------------------------------------------------------------


def test_trail_status_and_saml_provider_named_after_their_resource(tmp_path):
    """``aws cloudtrail get-trail-status --name <trail>`` and ``aws iam get-saml-provider`` name neither the trail
    nor the provider; saved per resource (``get-trail-status/<trail>.json``) in an account with several, the file's
    name says which."""
    trails = json.loads((SHAPES / "cli" / "us-east-1" / "describe-trails.json").read_text())
    first = trails["trailList"][0]
    second = {**first, "Name": "audit.trail", "TrailARN": first["TrailARN"].rsplit("/", 1)[0] + "/audit.trail",
              "IsOrganizationTrail": False}
    status = json.loads((SHAPES / "cli" / "us-east-1" / "get-trail-status.json").read_text())
    providers = json.loads((SAVED / "list-saml-providers.json").read_text())
    other = {**providers["SAMLProviderList"][0], "Arn": f"arn:aws:iam::{ACCOUNT}:saml-provider/Other"}
    folder = tmp_path / "export"
    (folder / "get-trail-status").mkdir(parents=True)
    (folder / "get-saml-provider").mkdir()
    (folder / "describe-trails.json").write_text(json.dumps({"trailList": [first, second]}))
    (folder / "get-trail-status" / f"{first['Name']}.json").write_text(json.dumps(status))
    (folder / "get-trail-status" / "audit.trail.json").write_text(json.dumps(
        {**status, "IsLogging": False, "StopLoggingTime": "2024-03-01T00:00:00+00:00"}))
    (folder / "list-saml-providers.json").write_text(json.dumps({"SAMLProviderList": [*providers["SAMLProviderList"],
                                                                                      other]}))
    metadata = "<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\"/>"
    (folder / "get-saml-provider" / "Other.json").write_text(json.dumps(
        {"SAMLMetadataDocument": metadata, "CreateDate": other["CreateDate"], "ValidUntil": other["ValidUntil"]}))
    con, summary = load(tmp_path / "db.duckdb", folder)
    assert not [w for w in summary.warnings if "cannot tell" in w]
    assert con.execute("select name, is_logging, stop_logging_time from aws_cloudtrail_trail order by 1").fetchall() == [
        ("audit.trail", False, datetime.fromisoformat("2024-03-01T00:00:00+00:00")), (first["Name"], True, None)]
    assert con.execute("select arn, saml_metadata_document from aws_iam_saml_provider order by 1").fetchall() == [
        (providers["SAMLProviderList"][0]["Arn"], None), (other["Arn"], metadata)]
