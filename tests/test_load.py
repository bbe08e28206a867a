"""``load_paths`` over the public data set: formats, counts that match the files, merging, accounts, snapshots."""

import base64
import csv
import gzip
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.common.resources import SAMPLE_DIR
from iamsql.errors import InputError
from iamsql.load import AS_OF_FORMAT, load_paths
from iamsql.load.formats import iam as iam_formats
from iamsql.store import db
from tests.conftest import PUBLIC_DATA_SETS

MALFORMED = ("cado_cloudgrep_tests/bad_cloudtrail.json",
             "aws_cloudtrail_processing_library/src/test/resources/SerializerTestFileBadJsonFormat.json")
# Folders whose account-less files (password policy, summary...) sit beside files of several accounts.
# (The CloudMapper demo needs none: its sts-get-caller-identity.json names the account; test_load_identity.py.)
NEEDS_ACCOUNT_ID = {"aws_cli_examples": "123456789012", "cloud_custodian_placebo": "644160558196"}


@pytest.fixture
def con(db_path):
    connection = db.connect(db_path)
    yield connection
    connection.close()


def count(con, sql: str) -> int:
    return con.execute(sql).fetchone()[0]


def gaad_files(public_data: Path) -> list[Path]:
    return sorted(p for name in PUBLIC_DATA_SETS for p in (public_data / name).rglob("*.json")
                  if b"UserDetailList" in p.read_bytes()[:4096] or b'"UserDetailList"' in p.read_bytes())


# ---- get-account-authorization-details ----------------------------------------------------------------------------


def test_every_gaad_file_loads_with_counts_matching_the_file(public_data, tmp_path):
    files = gaad_files(public_data)
    assert len(files) >= 6
    for number, path in enumerate(files):
        con = db.connect(tmp_path / f"gaad{number}.duckdb")
        doc = json.loads(path.read_text())
        load_paths(con, [path])
        accounts = {e["Arn"].split(":")[4] for key in ("UserDetailList", "GroupDetailList", "RoleDetailList")
                    for e in doc[key]}
        accounts = {a for a in accounts if a.isdigit() and len(a) == 12}
        assert count(con, "select count(*) from aws_iam_user") == len(doc["UserDetailList"]), path
        assert count(con, "select count(*) from aws_iam_group") == len(doc["GroupDetailList"]), path
        assert count(con, "select count(*) from aws_iam_role") == len(doc["RoleDetailList"]), path
        # AWS managed policies carry no account: they are listed in each account the file shows.
        expected_policies = sum(1 if p["Arn"].split(":")[4] in accounts else len(accounts) for p in doc["Policies"])
        assert count(con, "select count(*) from aws_iam_policy") == expected_policies, path
        inline = sum(len(u.get("UserPolicyList") or []) for u in doc["UserDetailList"])
        assert count(con, "select coalesce(sum(json_array_length(inline_policies_std)), 0) from aws_iam_user") == inline
        con.close()


def test_gaad_columns_are_steampipe_shaped(con, public_data):
    path = public_data / "cloudsplaining" / "example.json"
    doc = json.loads(path.read_text())
    load_paths(con, [path])
    role = doc["RoleDetailList"][0]
    row = con.execute("select assume_role_policy_std, role_last_used_date, region, partition, account_id, akas, title "
                      "from aws_iam_role where arn = ?", [role["Arn"]]).fetchone()
    std = json.loads(row[0])
    assert isinstance(std["Statement"], list)
    assert row[2:5] == ("global", "aws", role["Arn"].split(":")[4])
    assert json.loads(row[5]) == [role["Arn"]] and row[6] == role["RoleName"]
    assert (row[1] is not None) == bool((role.get("RoleLastUsed") or {}).get("LastUsedDate"))
    actions = [a for (a,) in con.execute(
        "select unnest(json_extract_string(s, '$.Action[*]')) from aws_iam_policy, "
        "unnest(json_extract(policy_std, '$.Statement[*]')) as t(s)").fetchall()]
    assert actions and all(a == a.lower() for a in actions)
    # Group membership is filled on both sides from the users' GroupList.
    user = next(u for u in doc["UserDetailList"] if u["GroupList"])
    groups = json.loads(con.execute("select groups from aws_iam_user where arn = ?", [user["Arn"]]).fetchone()[0])
    assert sorted(g["GroupName"] for g in groups) == sorted(user["GroupList"])
    members = json.loads(con.execute("select users from aws_iam_group where name = ? and account_id = ?",
                                     [user["GroupList"][0], user["Arn"].split(":")[4]]).fetchone()[0])
    assert user["UserName"] in [m["UserName"] for m in members]
    # Attachments agree with what the principals say.
    attached = sum(len(e["AttachedManagedPolicies"]) for k in ("UserDetailList", "GroupDetailList", "RoleDetailList")
                   for e in doc[k])
    assert count(con, "select sum(coalesce(json_array_length(policy_users), 0) + coalesce(json_array_length(policy_groups), 0)"
                      " + coalesce(json_array_length(policy_roles), 0)) from aws_iam_policy_attachment") == attached


def test_gaad_pages_are_merged(tmp_path, public_data):
    doc = json.loads((public_data / "cloudsplaining" / "example.json").read_text())
    half = len(doc["UserDetailList"]) // 2
    first = {"UserDetailList": doc["UserDetailList"][:half], "GroupDetailList": [], "RoleDetailList": doc["RoleDetailList"],
             "Policies": [], "IsTruncated": True, "Marker": "page2"}
    second = {"UserDetailList": doc["UserDetailList"][half:], "GroupDetailList": doc["GroupDetailList"],
              "RoleDetailList": [], "Policies": doc["Policies"], "IsTruncated": False}
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "page1.json").write_text(json.dumps(first))
    (pages / "page2.json").write_text(json.dumps(second))
    whole = db.connect(tmp_path / "whole.duckdb")
    load_paths(whole, [public_data / "cloudsplaining" / "example.json"])
    paged = db.connect(tmp_path / "paged.duckdb")
    summary = load_paths(paged, [pages])
    assert not summary.warnings
    for table in ("aws_iam_user", "aws_iam_group"):
        columns = "name, groups, attached_policy_arns" if table == "aws_iam_user" else "name, users, attached_policy_arns"
        sql = f"select account_id, {columns} from {table} order by all"
        assert paged.execute(sql).fetchall() == whole.execute(sql).fetchall()
    # Only the first page: the load says the last page is missing.
    lone = db.connect(tmp_path / "lone.duckdb")
    assert any("IsTruncated" in w for w in load_paths(lone, [pages / "page1.json"]).warnings)


# ---- credential reports -----------------------------------------------------------------------------------------------


def _report_records(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    return [{k.lower(): v for k, v in r.items()} for r in reader]


def test_credential_report_csvs_load_with_sentinels(public_data, tmp_path):
    files = sorted((public_data / "cloud_custodian_placebo" / "credential_reports_csv").glob("*.csv"))
    files.append(public_data / "cloudmapper_demo" / "credential_report_extracted.csv")
    for number, path in enumerate(files):
        con = db.connect(tmp_path / f"cr{number}.duckdb")
        # a user listed twice (one of c7n's edited reports) is kept once, as its later line says
        records = list({r["arn"]: r for r in _report_records(path.read_text())}.values())
        load_paths(con, [path])
        rows = con.execute("select user_name, user_arn, password_enabled, password_status, password_last_used, "
                           "access_key_1_last_used_date from aws_iam_credential_report").fetchall()
        assert len(rows) == len(records), path
        expected_status = {"no_information": "never_used", "N/A": "not_set"}
        for record, row in zip(sorted(records, key=lambda r: (r["user"], r["password_last_used"])),
                               sorted(rows, key=lambda r: (r[0], str(r[4])))):
            assert row[0] == record["user"]
            assert row[3] == expected_status.get(record["password_last_used"], "used")
            assert row[2] == (record["password_enabled"] in ("true", "not_supported"))
            assert (row[4] is None) == (record["password_last_used"] in ("N/A", "no_information"))
            assert (row[5] is None) == (record["access_key_1_last_used_date"] == "N/A")
            if row[0] == "<root_account>":
                assert row[1].endswith(":root")
        con.close()


def test_credential_report_base64_and_plain_content_give_the_same_rows(public_data, tmp_path):
    text = (public_data / "cloudmapper_demo" / "credential_report_extracted.csv").read_text()
    variants = {
        "cli.json": {"Content": base64.b64encode(text.encode()).decode(), "ReportFormat": "text/csv",
                     "GeneratedTime": "2021-03-04T05:06:07Z"},
        "boto3.json": {"Content": text, "ReportFormat": "text/csv", "GeneratedTime": "2021-03-04T05:06:07+00:00"},
    }
    results = []
    for name, doc in variants.items():
        (tmp_path / name).write_text(json.dumps(doc))
        con = db.connect(tmp_path / f"{name}.duckdb")
        load_paths(con, [tmp_path / name])
        results.append(con.execute("select * exclude (snapshot_id) from aws_iam_credential_report order by user_name").fetchall())
        as_of = con.execute("select as_of from iamsql_snapshot").fetchone()[0]
        assert as_of.isoformat().startswith("2021-03-04T05:06:07")
    assert results[0] == results[1] and len(results[0]) == len(_report_records(text))


def test_bad_credential_report_cell_is_a_one_line_error(tmp_path, con):
    bad = tmp_path / "report.csv"
    lines = (SAMPLE_DIR / "cloud_custodian" / "credential-report.csv").read_text().splitlines()
    bad.write_text("\n".join([lines[0], lines[1].replace(",true,", ",maybe,", 1)]) + "\n")
    with pytest.raises(InputError, match=r"report\.csv: .*line 2: column mfa_active") as info:
        load_paths(con, [bad])
    assert "\n" not in str(info.value)


# ---- other outputs, merged ------------------------------------------------------------------------------------------


def test_cli_examples_merge_into_coherent_rows(public_data, con):
    with pytest.raises(InputError, match="pass --account-id"):
        load_paths(con, [public_data / "aws_cli_examples"])
    assert count(con, "select count(*) from iamsql_snapshot") == 0
    load_paths(con, [public_data / "aws_cli_examples"], account_id="123456789012")
    iam = public_data / "aws_cli_examples" / "json" / "iam"
    devices = json.loads((iam / "list-mfa-devices_1.json").read_text())["MFADevices"]
    bob = con.execute("select mfa_enabled, mfa_devices, arn from aws_iam_user where name = 'Bob'").fetchone()
    assert bob[0] is True and len(json.loads(bob[1])) == len(devices) and bob[2].endswith(":user/Bob")
    keys = json.loads((iam / "list-access-keys_1.json").read_text())["AccessKeyMetadata"]
    assert count(con, "select count(*) from aws_iam_access_key") == len(keys)
    assert count(con, "select count(*) from aws_iam_access_key where akas is not null") == len(keys)
    policy = json.loads((iam / "get-account-password-policy_1.json").read_text())["PasswordPolicy"]
    assert con.execute("select minimum_password_length, account_id from aws_iam_account_password_policy").fetchone() == \
        (policy["MinimumPasswordLength"], "123456789012")
    summary = json.loads((iam / "get-account-summary_1.json").read_text())["SummaryMap"]
    assert con.execute("select users, account_mfa_enabled, mfa_devices_in_use from aws_iam_account_summary").fetchone() == \
        (summary["Users"], bool(summary["AccountMFAEnabled"]), summary["MFADevicesInUse"])
    trails = json.loads((public_data / "aws_cli_examples/json/cloudtrail/describe-trails_1.json").read_text())["trailList"]
    selectors = json.loads((public_data / "aws_cli_examples/json/cloudtrail/get-event-selectors_1.json").read_text())
    # A trail row per ARN that any trail output names (describe-trails, event selectors, tags).
    named = {t["TrailARN"] for t in trails}
    for path in (public_data / "aws_cli_examples/json/cloudtrail").glob("*.json"):
        doc = json.loads(path.read_text())
        if "EventSelectors" in doc or "AdvancedEventSelectors" in doc:
            named.add(doc["TrailARN"])
        named |= {r["ResourceId"] for r in doc.get("ResourceTagList", [])}
    assert sorted(r[0] for r in con.execute("select arn from aws_cloudtrail_trail").fetchall()) == sorted(named)
    stored = con.execute("select event_selectors, region, home_region from aws_cloudtrail_trail where arn = ?",
                         [selectors["TrailARN"]]).fetchone()
    assert json.loads(stored[0]) == selectors["EventSelectors"] and stored[1] == stored[2]


def test_a_trail_status_beside_several_trails_is_not_loaded_for_any(public_data, con, tmp_path):
    """AWS's get-trail-status answers for the one trail its request named, and its output does not name it: beside
    several trails it describes none that can be told. It was counted as loaded (and its times made the snapshot's
    as-of) while a warning said it was not; it is skipped in a folder and refused when named, saying how to name it."""
    examples = public_data / "aws_cli_examples/json/cloudtrail"
    folder = tmp_path / "cloudtrail"
    folder.mkdir()
    for name in ("describe-trails_1.json", "get-trail-status_1.json"):
        shutil.copy(examples / name, folder / name)
    status = folder / "get-trail-status_1.json"
    with pytest.raises(InputError, match="the files give no time of their own"):  # not the status's times
        load_paths(con, [folder])
    summary = load_paths(con, [folder], as_of="2016-01-29")
    assert [f.path for f in summary.files] == [folder / "describe-trails_1.json"]
    (reason,) = [reason for path, reason in summary.skipped if path == str(status)]
    assert reason.startswith("cloudtrail:get-trail-status output names no cloudtrail trail and 2 are loaded from its "
                             "folder: Trail1, Trail2; it describes one cloudtrail trail: name the file after it")
    assert con.execute("select count(*) from aws_cloudtrail_trail where is_logging is not null").fetchone() == (0,)
    with pytest.raises(InputError, match=r"get-trail-status_1.json: cloudtrail:get-trail-status output names no "
                                         r"cloudtrail trail and 2 are loaded .*; nothing was loaded, none of the 2"):
        load_paths(con, [folder / "describe-trails_1.json", status])
    status.rename(folder / "Trail2.json")  # named after its trail: the status is Trail2's
    load_paths(con, [folder])
    assert con.execute("select name from aws_cloudtrail_trail where is_logging").fetchall() == [("Trail2",)]


def test_a_credential_report_output_without_its_content_is_not_counted_as_loaded(public_data, con, tmp_path):
    """AWS's get-credential-report example leaves out Content, the report itself: it was counted as a loaded file
    (alone, an empty snapshot as of its GeneratedTime, exit 0) with a warning; it is skipped in a folder and refused
    when named."""
    empty = public_data / "aws_cli_examples/json/iam/get-credential-report_1.json"
    assert "Content" not in json.loads(empty.read_text())
    reason = ("get-credential-report output without its Content (the report itself): nothing to load; save the whole "
              "output of 'aws iam get-credential-report'")
    with pytest.raises(InputError) as refused:
        load_paths(con, [empty], account_id="123456789012")
    assert str(refused.value) == f"{empty}: {reason}"
    assert count(con, "select count(*) from iamsql_snapshot") == 0
    folder = tmp_path / "iam"
    folder.mkdir()
    shutil.copy(empty, folder / empty.name)
    shutil.copy(public_data / "aws_cli_examples/json/iam/list-users_1.json", folder / "list-users_1.json")
    summary = load_paths(con, [folder], account_id="123456789012")
    assert [f.path.name for f in summary.files] == ["list-users_1.json"]
    assert summary.skipped == [(str(folder / empty.name), reason)]


SHADOW_ACCOUNT = "111122223333"


def _trail(name: str, home: str, multi_region: bool) -> dict:
    return {"Name": name, "S3BucketName": "audit-logs", "IncludeGlobalServiceEvents": multi_region,
            "IsMultiRegionTrail": multi_region, "HomeRegion": home, "LogFileValidationEnabled": True,
            "TrailARN": f"arn:aws:cloudtrail:{home}:{SHADOW_ACCOUNT}:trail/{name}", "HasCustomEventSelectors": False,
            "HasInsightSelectors": False, "IsOrganizationTrail": False}


@pytest.mark.parametrize("include_shadows", [True, False])
def test_a_multi_region_trail_has_a_row_per_region_listing_it(tmp_path, con, include_shadows):
    """As Steampipe's aws_cloudtrail_trail: describe-trails in a region lists the multi-region trails of other regions
    too (shadow trails, the AWS CLI's default; --no-include-shadow-trails leaves them out), and each is a row with
    that region and the trail's home_region, holding the status asked in the home region. The listing's region is
    its folder's (as collect writes them) or an added top-level Region."""
    main, local = _trail("main", "us-east-1", True), _trail("local", "eu-west-1", False)
    home = tmp_path / SHADOW_ACCOUNT / "us-east-1" / "cloudtrail"
    home.mkdir(parents=True)
    (home / "describe-trails.json").write_text(json.dumps({"trailList": [main]}))
    (home / "get-trail-status.json").write_text(json.dumps({"TrailARN": main["TrailARN"], "IsLogging": True}))
    (tmp_path / "eu-west-1.json").write_text(json.dumps(
        {"trailList": ([main] if include_shadows else []) + [local], "Region": "eu-west-1"}))
    load_paths(con, [tmp_path], as_of="2024-03-01T12:00:00Z")
    rows = con.execute("select name, region, home_region, is_logging from aws_cloudtrail_trail order by 1, 2").fetchall()
    shadows = [("main", "eu-west-1", "us-east-1", True)] if include_shadows else []
    assert rows == [("local", "eu-west-1", "eu-west-1", None), *shadows, ("main", "us-east-1", "us-east-1", True)]
    # the controls judge each trail once: its home-region row
    results = controls.results(con, controls.run_checks(con, controls=["cloudtrail_log_file_validation"]))
    assert sorted((r["resource"], r["status"]) for r in results) == [
        (local["TrailARN"], "ok"), (main["TrailARN"], "ok")]


def test_a_trail_listed_without_its_home_region_has_the_one_its_arn_names(tmp_path, con):
    """An output without HomeRegion (written by hand, or cut by --query) still names the trail's home region in its
    ARN: the home row and a shadow row in the listing's region, as with HomeRegion."""
    main = {key: value for key, value in _trail("main", "us-east-1", True).items() if key != "HomeRegion"}
    (tmp_path / "eu-west-1.json").write_text(json.dumps({"trailList": [main], "Region": "eu-west-1"}))
    (tmp_path / "us-east-1.json").write_text(json.dumps({"trailList": [main], "Region": "us-east-1"}))
    load_paths(con, [tmp_path], as_of="2024-03-01T12:00:00Z")
    assert con.execute("select region, home_region from aws_cloudtrail_trail order by 1").fetchall() == [
        ("eu-west-1", "us-east-1"), ("us-east-1", "us-east-1")]


def test_access_key_last_used_named_by_key_or_file_name(tmp_path, con):
    folder = tmp_path / "keys"
    folder.mkdir()
    (folder / "list-access-keys.json").write_text(json.dumps({"AccessKeyMetadata": [
        {"UserName": "bob", "Status": "Active", "CreateDate": "2020-01-01T00:00:00Z", "AccessKeyId": "AKIAAAAAAAAAAAAAAAA1"},
        {"UserName": "bob", "Status": "Active", "CreateDate": "2020-01-01T00:00:00Z", "AccessKeyId": "AKIAAAAAAAAAAAAAAAA2"}]}))
    (folder / "list-users.json").write_text(json.dumps({"Users": [
        {"UserName": "bob", "UserId": "AIDA1", "Path": "/", "Arn": "arn:aws:iam::111122223333:user/bob",
         "CreateDate": "2019-01-01T00:00:00Z"}]}))
    used = {"Region": "eu-west-1", "ServiceName": "s3", "LastUsedDate": "2024-05-06T07:08:09Z"}
    (folder / "k1.json").write_text(json.dumps({"UserName": "bob", "AccessKeyId": "AKIAAAAAAAAAAAAAAAA1", "AccessKeyLastUsed": used}))
    (folder / "AKIAAAAAAAAAAAAAAAA2.json").write_text(json.dumps(
        {"UserName": "bob", "AccessKeyLastUsed": {"Region": "N/A", "ServiceName": "N/A"}}))
    load_paths(con, [folder])
    rows = con.execute("select access_key_id, access_key_last_used_service, access_key_last_used_region, account_id, "
                       "akas->>0 from aws_iam_access_key order by 1").fetchall()
    assert rows == [
        ("AKIAAAAAAAAAAAAAAAA1", "s3", "eu-west-1", "111122223333", "arn:aws:iam::111122223333:user/bob/accesskey/AKIAAAAAAAAAAAAAAAA1"),
        # never used: "N/A" as GetAccessKeyLastUsed answers, which Steampipe shows as it is
        ("AKIAAAAAAAAAAAAAAAA2", "N/A", "N/A", "111122223333", "arn:aws:iam::111122223333:user/bob/accesskey/AKIAAAAAAAAAAAAAAAA2"),
    ]


def test_access_keys_listed_by_the_root_user_are_not_iam_users_keys(tmp_path, con):
    """ListAccessKeys without UserName lists the caller's keys; run as the root user, the root user's. AWS names
    the IAM user in each key it lists for a user, so keys that name none are root's, which are not IAM users' keys:
    Steampipe's aws_iam_access_key lists the keys of each IAM user (ListUsers, then ListAccessKeys per user) and
    never the root user's. Such a file is skipped saying so (an error when named); the IAM users' keys beside it load."""
    folder = tmp_path / "root"
    folder.mkdir()
    (folder / "list-access-keys.json").write_text(json.dumps({"AccessKeyMetadata": [
        {"Status": "Inactive", "CreateDate": "2019-05-01T00:00:00Z", "AccessKeyId": "AKIAROOT000000000001"}]}))
    (folder / "list-access-keys-bob.json").write_text(json.dumps({"AccessKeyMetadata": [
        {"UserName": "bob", "Status": "Active", "CreateDate": "2020-05-01T00:00:00Z",
         "AccessKeyId": "AKIABOB0000000000001"}]}))
    summary = load_paths(con, [folder], account_id="111122223333", as_of="2024-03-01T12:00:00Z")
    assert con.execute("select access_key_id, user_name from aws_iam_access_key").fetchall() == [
        ("AKIABOB0000000000001", "bob")]
    assert [(Path(path).name, reason) for path, reason in summary.skipped] == [
        ("list-access-keys.json", iam_formats.ROOT_KEYS)]
    with pytest.raises(InputError, match="list-access-keys run as the root user"):
        load_paths(con, [folder / "list-access-keys.json"], account_id="111122223333")


REPORT_HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                 "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                 "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                 "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                 "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
                 "cert_2_active,cert_2_last_rotated")


@pytest.mark.parametrize("column, value", [("password_enabled", "maybe"), ("password_enabled", "yes"),
                                           ("mfa_active", "maybe")])
def test_a_credential_report_boolean_that_is_no_boolean_is_refused(tmp_path, con, column, value):
    """Every boolean column refuses a value that is neither true/false nor a sentinel (password_enabled read it as
    false, hiding the user's password from the console controls); nothing stored is lost."""
    first = tmp_path / "first.csv"
    first.write_text(REPORT_HEADER + "\nann,arn:aws:iam::111122223333:user/ann,2024-01-01T00:00:00+00:00,true,"
                     "N/A,2024-01-02T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,"
                     "false,N/A\n")
    load_paths(con, [first])
    header = REPORT_HEADER.split(",")
    cells = first.read_text().splitlines()[1].split(",")
    cells[header.index(column)] = value
    broken = tmp_path / "broken.csv"
    broken.write_text(REPORT_HEADER + "\n" + ",".join(cells) + "\n")
    with pytest.raises(InputError) as caught:
        load_paths(con, [broken])
    assert str(caught.value) == (f"{broken}: bad credential report CSV: line 2: column {column}: "
                                 f"not a boolean: {value!r}")
    assert con.execute("select user_name, password_enabled from aws_iam_credential_report").fetchall() == [
        ("ann", True)]


def test_root_password_enabled_not_supported_is_true_and_false_or_blank_is_false(tmp_path, con):
    """Steampipe's reading: the root row's not_supported is true; false and an empty cell are false."""
    lines = [REPORT_HEADER]
    for user, enabled in (("<root_account>", "not_supported"), ("ann", "false"), ("ben", ""), ("cy", "TRUE")):
        arn = "arn:aws:iam::111122223333:" + ("root" if user == "<root_account>" else f"user/{user}")
        lines.append(f"{user},{arn},2024-01-01T00:00:00+00:00,{enabled},N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,"
                     "false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    report = tmp_path / "report.csv"
    report.write_text("\n".join(lines) + "\n")
    load_paths(con, [report])
    assert con.execute("select user_name, password_enabled from aws_iam_credential_report order by 1").fetchall() == [
        ("<root_account>", True), ("ann", False), ("ben", False), ("cy", True)]


def test_access_key_last_use_comes_from_the_credential_report_slot_created_in_the_same_second(tmp_path, con):
    """Without a GetAccessKeyLastUsed output (collect skips the call when the report holds the answer), a key's
    last use is its report slot's: the slot last rotated in the second the key was created; a second shared by
    two slots names neither key."""
    folder = tmp_path / "keys"
    folder.mkdir()
    arn = "arn:aws:iam::111122223333:user/"
    (folder / "list-access-keys.json").write_text(json.dumps({"AccessKeyMetadata": [
        {"UserName": "ann", "Status": "Active", "CreateDate": "2024-02-01T10:00:00Z", "AccessKeyId": "AKIAANN0000000000001"},
        {"UserName": "ann", "Status": "Inactive", "CreateDate": "2024-03-01T10:00:00Z", "AccessKeyId": "AKIAANN0000000000002"},
        {"UserName": "ben", "Status": "Active", "CreateDate": "2024-04-01T10:00:00Z", "AccessKeyId": "AKIABEN0000000000001"},
        {"UserName": "ben", "Status": "Active", "CreateDate": "2024-04-01T10:00:00Z", "AccessKeyId": "AKIABEN0000000000002"}]}))
    report = "\n".join([
        REPORT_HEADER,
        f"ann,{arn}ann,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-02-01T10:00:00+00:00,"
        "2024-06-01T08:00:00+00:00,eu-west-1,s3,false,2024-03-01T10:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A",
        f"ben,{arn}ben,2024-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2024-04-01T10:00:00+00:00,"
        "2024-06-02T08:00:00+00:00,us-east-1,iam,true,2024-04-01T10:00:00+00:00,2024-06-03T08:00:00+00:00,"
        "us-east-1,sts,false,N/A,false,N/A",
    ]) + "\n"
    (folder / "credential-report.csv").write_text(report)
    load_paths(con, [folder])
    rows = con.execute("select access_key_id, access_key_last_used_date, access_key_last_used_service, "
                       "access_key_last_used_region from aws_iam_access_key order by 1").fetchall()
    assert [(key, str(used) if used else None, service, region) for key, used, service, region in rows] == [
        ("AKIAANN0000000000001", "2024-06-01 08:00:00+00:00", "s3", "eu-west-1"),
        ("AKIAANN0000000000002", None, "N/A", "N/A"),  # its slot says never used: GetAccessKeyLastUsed's "N/A"
        ("AKIABEN0000000000001", None, None, None),  # both of ben's slots were rotated in that second: not known
        ("AKIABEN0000000000002", None, None, None),
    ]


def test_account_less_file_needs_an_account(tmp_path, con, public_data):
    policy = tmp_path / "policy.json"
    shutil.copy(public_data / "aws_cli_examples/json/iam/get-account-password-policy_1.json", policy)
    with pytest.raises(InputError, match=r"policy\.json: .*pass --account-id"):
        load_paths(con, [policy])
    load_paths(con, [policy], account_id="999988887777", as_of="2024-01-01")  # a password policy has no time
    assert con.execute("select account_id from aws_iam_account_password_policy").fetchall() == [("999988887777",)]
    with pytest.raises(InputError, match="12-digit"):
        load_paths(con, [policy], account_id="12")


def test_recorded_no_such_entity_means_no_password_policy(tmp_path, con, public_data):
    first = tmp_path / "before"
    first.mkdir()
    shutil.copy(public_data / "aws_cli_examples/json/iam/get-account-password-policy_1.json", first)
    load_paths(con, [first], account_id="644160558196", as_of="2024-01-01")
    assert count(con, "select count(*) from aws_iam_account_password_policy") == 1
    missing = public_data / "cloud_custodian_placebo/raw_placebo/test_account_missing_password_policy"
    summary = load_paths(con, [missing])
    assert summary.rows["aws_iam_account_password_policy"] == 0
    assert count(con, "select count(*) from aws_iam_account_password_policy") == 0
    assert count(con, "select count(*) from history.aws_iam_account_password_policy") == 1


@pytest.mark.parametrize("folder", ["raw_placebo/test_account_root_mfa", "api_response_json/test_account_root_mfa"])
def test_account_aliases_fill_aws_account(con, public_data, folder):
    """A placebo recording's ListAccountAliases (format placebo:iam:list-account-aliases) gives aws_account its
    aliases and title, as the CLI's list-account-aliases output does (the view read only the CLI's)."""
    path = public_data / "cloud_custodian_placebo" / folder
    recorded = json.loads((path / "iam.ListAccountAliases_1.json").read_text())
    aliases = recorded.get("data", recorded)["AccountAliases"]
    load_paths(con, [path])
    controls.create_views(con, access=False)
    rows = con.execute("select account_id, account_aliases, title from aws_account").fetchall()
    assert rows == [("644160558196", json.dumps(aliases, separators=(",", ":")), aliases[0])], rows


# ---- snapshots and history -------------------------------------------------------------------------------------------


def test_snapshots_record_sources_and_keep_history(con):
    first = load_paths(con, [SAMPLE_DIR])
    users = count(con, "select count(*) from aws_iam_user")
    assert users > 0 and count(con, "select count(*) from aws_cloudtrail_trail_event") > 0
    load_paths(con, [SAMPLE_DIR])
    assert count(con, "select count(*) from aws_iam_user") == users
    # aws_iam_user also shows the users of accounts known only from their credential report (not stored twice)
    listed = count(con, "select count(*) from aws_iam_user where account_id in "
                        "(select account_id from iamsql_latest where table_name = 'aws_iam_user')")
    assert 0 < listed < users
    assert count(con, "select count(*) from history.aws_iam_user") == 2 * listed
    # Events are deduplicated by event_id across loads.
    assert count(con, "select count(*) from history.aws_cloudtrail_trail_event") == \
        count(con, "select count(distinct event_id) from history.aws_cloudtrail_trail_event")
    sources = json.loads(con.execute("select sources from iamsql_snapshot where snapshot_id = ?",
                                     [first.snapshots[0]["snapshot_id"]]).fetchone()[0])
    for source in (s for s in sources if s["format"] != AS_OF_FORMAT):
        assert source["sha256"] == hashlib.sha256(Path(source["path"]).read_bytes()).hexdigest()
    gaad = next(s for s in sources if s["format"] == "iam:get-account-authorization-details")
    assert gaad["path"].endswith("get-account-authorization-details.json")
    assert {s["account_id"] for s in first.snapshots} == {r[0] for r in con.execute("select distinct account_id from iamsql_snapshot").fetchall()}


# ---- bad input ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", MALFORMED)
def test_malformed_file_fails_whole_folder_load(tmp_path, con, public_data, relative):
    copy = tmp_path / "copy"
    shutil.copytree((public_data / relative).parent, copy)
    load_paths(con, [SAMPLE_DIR / "cloudsplaining"])
    before = count(con, "select count(*) from history.aws_iam_user"), count(con, "select count(*) from iamsql_snapshot")
    with pytest.raises(InputError, match=Path(relative).name) as info:
        load_paths(con, [copy, SAMPLE_DIR / "cloud_custodian"])
    assert "\n" not in str(info.value)
    assert (count(con, "select count(*) from history.aws_iam_user"), count(con, "select count(*) from iamsql_snapshot")) == before
    assert count(con, "select count(*) from history.aws_cloudtrail_trail_event") == 0


def test_truncated_gzip_is_an_error(tmp_path, con):
    original = next((SAMPLE_DIR / "cloudtrail").rglob("*.json.gz")).read_bytes()
    for name, data in (("head.json.gz", original[: len(original) // 2]), ("tiny.json.gz", original[:40])):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=name):
            load_paths(con, [tmp_path / name])
    assert count(con, "select count(*) from iamsql_snapshot") == 0


def test_gzip_iam_file_loads(tmp_path, con, public_data):
    source = public_data / "cloudsplaining" / "example_authz_v2.json"
    (tmp_path / "gaad.json.gz").write_bytes(gzip.compress(source.read_bytes()))
    load_paths(con, [tmp_path / "gaad.json.gz"])
    assert count(con, "select count(*) from aws_iam_user") == len(json.loads(source.read_text())["UserDetailList"])


def test_unrecognised_files_skipped_in_folder_error_when_named(tmp_path, con, public_data):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "README.md").write_text("# notes\n")
    (folder / "tool.py").write_text("print('x')\n")
    shutil.copy(public_data / "cloudmapper_demo/account-data/demo/us-east-1/ec2-describe-vpcs.json", folder)
    shutil.copy(public_data / "aws_cli_examples/json/iam/list-users_1.json", folder)
    summary = load_paths(con, [folder])
    assert sorted(Path(p).name for p, _ in summary.skipped) == ["README.md", "ec2-describe-vpcs.json", "tool.py"]
    assert summary.rows == {"aws_iam_user": 2}
    with pytest.raises(InputError, match="ec2-describe-vpcs.json: not a recognised"):
        load_paths(con, [folder / "ec2-describe-vpcs.json"])
    with pytest.raises(InputError, match="no such file"):
        load_paths(con, [folder / "absent.json"])


def test_generate_credential_report_output_is_skipped_as_what_it_is(tmp_path, con):
    """iamsql collect keeps generate-credential-report.json as evidence: it holds only the report's state."""
    folder = tmp_path / "iam"
    folder.mkdir()
    (folder / "generate-credential-report.json").write_text('{"State": "COMPLETE"}')
    shutil.copy(SAMPLE_DIR / "aws_cli_examples" / "list-users_1.json", folder)
    summary = load_paths(con, [folder])
    assert [reason for _, reason in summary.skipped] == [
        "generate-credential-report output (only the report's state; get-credential-report holds the report)"
    ]
    with pytest.raises(InputError, match="generate-credential-report.json: generate-credential-report output"):
        load_paths(con, [folder / "generate-credential-report.json"])


# ---- the whole public data set ----------------------------------------------------------------------------------------


def test_every_clean_subfolder_loads(public_data, tmp_path):
    """Every top-level folder without a malformed file loads; each of its files is either loaded or skipped."""
    bad_roots = {Path(m).parts[0] for m in MALFORMED}
    folders = sorted(public_data / name for name in PUBLIC_DATA_SETS if name not in bad_roots)
    assert len(folders) >= 8
    for folder in folders:
        con = db.connect(tmp_path / f"{folder.name}.duckdb")
        summary = load_paths(con, [folder], account_id=NEEDS_ACCOUNT_ID.get(folder.name))
        assert len(summary.files) + len(summary.skipped) == sum(1 for p in folder.rglob("*") if p.is_file()), folder
        assert summary.snapshots, folder
        # a get-trail-status that names no trail beside several (AWS's example, c7n's recordings) is recognised and
        # skipped as no trail's: test_a_trail_status_beside_several_trails_is_not_loaded_for_any
        skipped = {Path(p).name for p, reason in summary.skipped if "it describes one cloudtrail trail" not in reason}
        for supported in ("list-users_", "list-roles_", "list-policies_", "get-account-summary", "describe-trails",
                          "get-event-selectors", "get-trail-status", "list-saml-providers", ".ListUsers_", ".ListRoles_",
                          ".DescribeTrails_", ".GetTrailStatus_", ".ListAccessKeys_", ".ListInstanceProfiles_"):
            assert not any(supported in name for name in skipped), (folder, supported)
        con.close()


def test_whole_data_set_fails_on_a_malformed_file_and_loads_without_them(public_data, tmp_path, con):
    with pytest.raises(InputError, match="|".join(Path(m).name for m in MALFORMED)):
        load_paths(con, [public_data], account_id="644160558196")
    assert count(con, "select count(*) from iamsql_snapshot") == 0
    copy = tmp_path / "data"
    shutil.copytree(public_data, copy, ignore=lambda d, names: [n for n in names if any(
        (Path(d) / n).as_posix().endswith(m) for m in MALFORMED)])
    summary = load_paths(con, [copy], account_id="644160558196")
    assert summary.rows["aws_iam_user"] > 0 and summary.rows["aws_cloudtrail_trail_event"] > 4000
