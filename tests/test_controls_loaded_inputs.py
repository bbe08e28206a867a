"""Controls over inputs loaded the way users load them: credential-report CSVs and AWS CLI JSON outputs written
to files and read by ``iamsql.load.load_paths``, with the values real accounts produce (the report's N/A,
no_information and not_supported sentinels, inactive keys, policies without optional fields). Each test names
the AWS or benchmark rule the verdict follows.
"""

import base64
import json
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.errors import InputError
from iamsql.load import load_paths
from iamsql.raw.folder import COMPLETE, Evidence
from iamsql.store import db

AS_OF = "2024-03-01T12:00:00Z"
ACCOUNT = "111122223333"
HEADER = ("user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
          "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
          "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
          "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated")


def root_line(mfa: str = "true", key: str = "false") -> str:
    """The report's root line: a password it never used since tracking began, MFA as given, access key 1 active
    or not as ``key`` says (created 2020, last used 2023)."""
    key1 = f"{key},2020-01-01T00:00:00+00:00,2023-01-01T00:00:00+00:00,us-east-1,ec2"
    return (f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2016-02-10T08:00:00+00:00,not_supported,no_information,"
            f"not_supported,not_supported,{mfa},{key1},false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")


ROOT = root_line()


def report_line(name: str, created: str, *, password="false", password_used="N/A", key1=("false", "N/A", "N/A"),
                key2=("false", "N/A", "N/A")) -> str:
    """One credential-report line; ``key1``/``key2`` are (active, last_rotated, last_used_date)."""
    changed = created if password == "true" else "N/A"
    keys = [f"{active},{rotated},{used},{'us-east-1' if used != 'N/A' else 'N/A'},{'s3' if used != 'N/A' else 'N/A'}"
            for active, rotated, used in (key1, key2)]
    return (f"{name},arn:aws:iam::{ACCOUNT}:user/{name},{created},{password},{password_used},{changed},N/A,false,"
            f"{keys[0]},{keys[1]},false,N/A,false,N/A")


def run_loaded(tmp_path: Path, files: dict[str, object], control_ids: list[str]) -> dict[str, dict]:
    """Write ``files`` (relative path -> CSV text or JSON document) to a folder, load it as account ``ACCOUNT`` as of
    ``AS_OF`` and run the controls: resource -> result row (no errors, one row per resource)."""
    folder = tmp_path / "export"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content if isinstance(content, str) else json.dumps(content))
    con = db.connect(tmp_path / "loaded.duckdb")
    load_paths(con, [str(folder)], account_id=ACCOUNT, as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=control_ids))
    con.close()
    assert [r["reason"] for r in rows if r["status"] == "error"] == []
    by_resource = {(r["control_id"], r["resource"]): r for r in rows}
    assert len(by_resource) == len(rows)
    return {resource: row for (_, resource), row in by_resource.items()} if len(control_ids) == 1 else by_resource


def user_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


# --------------------------------------------------------------------------------------------------------------
# CIS "Do not create access keys during initial setup for IAM users with a console password": the finding is an
# access key created with the user and never used; the benchmark's remediation deactivates such keys, then
# deletes them, and Prowler's iam_user_no_setup_initial_access_key judges "active access keys that have never
# been used". A set-up key that was made inactive is no usable credential and no finding; an active one is.
# --------------------------------------------------------------------------------------------------------------


def test_inactive_key_from_user_setup_is_no_finding(tmp_path):
    created = "2023-01-01T10:00:00+00:00"
    report = "\n".join([
        HEADER, ROOT,
        report_line("deactivated", created, password="true", password_used="2024-02-25T10:00:00+00:00",
                    key1=("false", "2023-01-01T10:00:03+00:00", "N/A")),
        report_line("still-active", created, password="true", password_used="2024-02-25T10:00:00+00:00",
                    key1=("true", "2023-01-01T10:00:03+00:00", "N/A")),
        report_line("second-slot", created, password="true", password_used="2024-02-25T10:00:00+00:00",
                    key1=("false", "2023-01-01T10:00:02+00:00", "N/A"),
                    key2=("true", "2023-01-01T10:00:04+00:00", "N/A")),
    ]) + "\n"
    results = run_loaded(tmp_path, {"credential-report.csv": report}, ["iam_user_no_access_key_at_setup"])
    assert results[user_arn("deactivated")]["status"] == "ok", results[user_arn("deactivated")]["reason"]
    assert results[user_arn("still-active")]["status"] == "alarm"
    reason = results[user_arn("second-slot")]["reason"]
    assert results[user_arn("second-slot")]["status"] == "alarm"
    assert "access key 2" in reason and "access key 1" not in reason


def test_set_up_key_older_than_key_use_tracking_is_not_called_never_used(tmp_path):
    """The report's access_key_1_last_used_date is N/A for a key never used and for one last used before AWS began
    tracking key use on 2015-04-22 (IAM User Guide, credential report format): a set-up key created before then may
    have been used, so the finding (a key never used) is unknown: skip saying why; the same key created since alarms."""
    report = "\n".join([
        HEADER, ROOT,
        *(report_line(name, f"{created}T10:00:00+00:00", password="true", password_used="2024-02-25T10:00:00+00:00",
                      key1=("true", f"{created}T10:00:03+00:00", "N/A"))
          for name, created in (("veteran", "2013-05-01"), ("newer", "2016-05-01"))),
    ]) + "\n"
    results = run_loaded(tmp_path, {"credential-report.csv": report}, ["iam_user_no_access_key_at_setup"])
    veteran, newer = results[user_arn("veteran")], results[user_arn("newer")]
    assert (veteran["status"], newer["status"]) == ("skip", "alarm"), (veteran, newer)
    assert "2015-04-22" in veteran["reason"] and "access key 1" in veteran["reason"], veteran["reason"]


def test_set_up_key_deactivated_after_the_report_is_no_finding(tmp_path):
    """The benchmark's remediation deactivates the set-up key; done within the hours the credential report lags,
    the user's list-access-keys (live) shows the key inactive while the report still shows it active."""
    created = "2023-01-01T10:00:00+00:00"
    key = ("true", "2023-01-01T10:00:03+00:00", "N/A")
    lines = [report_line(name, created, password="true", password_used="2024-02-25T10:00:00+00:00", key1=key)
             for name in ("remediated", "listed-active")]
    files = {"credential-report.json": report_of(lines, FRESH),
             "remediated.json": listing("remediated", ("AKIAREMEDIATED000001", "Inactive", "2023-01-01T10:00:03Z")),
             "listed-active.json": listing("listed-active", ("AKIALISTEDACTIVE0001", "Active", "2023-01-01T10:00:03Z"))}
    results = run_loaded(tmp_path, files, ["iam_user_no_access_key_at_setup"])
    assert results[user_arn("remediated")]["status"] == "ok", results[user_arn("remediated")]["reason"]
    assert results[user_arn("listed-active")]["status"] == "alarm", results[user_arn("listed-active")]["reason"]


# --------------------------------------------------------------------------------------------------------------
# Root MFA: IAM regenerates the credential report at most every four hours (IAM User Guide, "Getting credential
# reports"), so its mfa_active can be hours old; GetAccountSummary is read live, and its AccountMFAEnabled (1 when
# the root user has MFA) is what the CIS benchmark's command-line audit of root MFA reads. When both are loaded
# and disagree, the summary is the newer answer.
# --------------------------------------------------------------------------------------------------------------


def summary(mfa: int, password: int = 1, keys: int = 0) -> dict:
    return {"SummaryMap": {"Users": 1, "MFADevices": mfa, "MFADevicesInUse": mfa, "AccountMFAEnabled": mfa,
                           "AccountAccessKeysPresent": keys, "AccountPasswordPresent": password,
                           "AccountSigningCertificatesPresent": 0}}


ROOT_MFA = ["iam_root_mfa_enabled", "iam_root_hardware_mfa_enabled"]
NO_VIRTUAL_DEVICES = {"VirtualMFADevices": []}


def root_results(tmp_path, report_mfa: str, summary_doc: dict | None) -> dict:
    files = {"credential-report.csv": "\n".join([HEADER, root_line(report_mfa)]) + "\n",
             "list-virtual-mfa-devices.json": NO_VIRTUAL_DEVICES}
    if summary_doc is not None:
        files["get-account-summary.json"] = summary_doc
    results = run_loaded(tmp_path, files, ROOT_MFA)
    root = f"arn:aws:iam::{ACCOUNT}:root"
    return {control: results[(control, root)] for control in ROOT_MFA}


def test_root_mfa_removed_after_the_report_alarms(tmp_path):
    for control, row in root_results(tmp_path, "true", summary(0)).items():
        assert row["status"] == "alarm", (control, row["reason"])
        assert "account summary" in row["reason"]


def test_root_mfa_enabled_after_the_report_passes(tmp_path):
    results = root_results(tmp_path, "false", summary(1))
    assert results["iam_root_mfa_enabled"]["status"] == "ok", results["iam_root_mfa_enabled"]["reason"]
    assert "account summary" in results["iam_root_mfa_enabled"]["reason"]
    # no virtual device is assigned to root, so its MFA is a hardware key or passkey
    assert results["iam_root_hardware_mfa_enabled"]["status"] == "ok", results["iam_root_hardware_mfa_enabled"]["reason"]


def test_root_mfa_without_a_summary_follows_the_report(tmp_path):
    assert {c: r["status"] for c, r in root_results(tmp_path, "false", None).items()} == {c: "alarm" for c in ROOT_MFA}


def list_accounts(management: str) -> dict:
    """The management account's organizations list-accounts: itself and ``ACCOUNT`` (the same when it is)."""
    return {"Accounts": [{"Id": account, "Arn": f"arn:aws:organizations::{management}:account/o-exampleorgid/{account}",
                          "Email": f"{account}@example.com", "Name": account, "Status": "ACTIVE",
                          "JoinedMethod": "CREATED", "JoinedTimestamp": "2020-01-01T00:00:00Z"}
                         for account in sorted({management, ACCOUNT})]}


def test_root_mfa_of_a_member_account_without_a_summary_alarms_naming_the_organization(tmp_path):
    """Centralized root access (IAM, for an organization's member accounts) removes the root user's password; the
    credential report's root row says password_enabled not_supported either way, so only GetAccountSummary's
    AccountPasswordPresent tells a root user that cannot sign in from one whose password is unprotected. A
    management account's root user always has its credentials: the report decides there, as it does for a member
    whose summary says a password is present. A member's root user keeps the password Organizations gave it unless
    centralized root access removed it: without a summary it alarms, naming the organization and the summary."""
    cases = [("member", "999999999999", None, "alarm"), ("management", ACCOUNT, None, "alarm"),
             ("member-with-password", "999999999999", summary(0, password=1), "alarm"),
             ("member-without-password", "999999999999", summary(0, password=0), "ok")]
    for name, management, summary_doc, expected in cases:
        folder = tmp_path / name
        folder.mkdir()
        files = {"credential-report.csv": "\n".join([HEADER, root_line(mfa="false")]) + "\n",
                 "list-virtual-mfa-devices.json": NO_VIRTUAL_DEVICES,
                 "list-accounts.json": list_accounts(management)}
        if summary_doc is not None:
            files["get-account-summary.json"] = summary_doc
        results = run_loaded(folder, files, ROOT_MFA)
        for control in ROOT_MFA:
            row = results[(control, f"arn:aws:iam::{ACCOUNT}:root")]
            assert row["status"] == expected, (name, control, row["reason"])
            if name == "member":
                assert row["reason"] == (f"The root user has no MFA device; account {ACCOUNT} is a member of "
                                         "organization o-exampleorgid, whose root user keeps its password unless "
                                         "centralized root access removed it (load get-account-summary, "
                                         "AccountPasswordPresent, to show that). Enable MFA or remove the root "
                                         "password."), row["reason"]
            elif name == "management":
                assert "member of organization" not in row["reason"], row["reason"]


# --------------------------------------------------------------------------------------------------------------
# Root access keys: the same four-hour lag. AccountAccessKeysPresent 0 (GetAccountSummary, live) means the root
# user has no access key at all, so a key the older report still shows active was deleted since: no finding. A
# count of 1 with no active key in the report is an inactive key (the summary counts those) or one made after the
# report: a root access key exists, which the benchmark's
# "Ensure no 'root' user account access key exists" and AWS Config's iam-root-access-key-check ("COMPLIANT if
# the user access key does not exist. Otherwise, NON_COMPLIANT") fail.
# --------------------------------------------------------------------------------------------------------------


def root_key_result(tmp_path, report_key: str, summary_doc: dict | None) -> dict:
    files = {"credential-report.csv": "\n".join([HEADER, root_line(key=report_key)]) + "\n"}
    if summary_doc is not None:
        files["get-account-summary.json"] = summary_doc
    return run_loaded(tmp_path, files, ["iam_root_no_access_keys"])[f"arn:aws:iam::{ACCOUNT}:root"]


def test_root_key_deleted_after_the_report_passes(tmp_path):
    row = root_key_result(tmp_path, "true", summary(1, keys=0))
    assert row["status"] == "ok", row["reason"]
    assert "account summary" in row["reason"]


def test_root_key_counted_by_the_summary_but_inactive_in_the_report_alarms(tmp_path):
    row = root_key_result(tmp_path, "false", summary(1, keys=1))
    assert row["status"] == "alarm", row["reason"]
    assert "account summary counts 1 root access key" in row["reason"]


def test_root_key_without_a_summary_follows_the_report(tmp_path):
    assert root_key_result(tmp_path, "true", None)["status"] == "alarm"


# list-access-keys run by the root user without --user-name lists the root user's own keys (ListAccessKeys: the
# user "is determined implicitly based on the access key ID used to sign the request"), keys that name no IAM
# user. They are not IAM users' keys (Steampipe's aws_iam_access_key never holds them): the file is skipped and the
# control reads the credential report and the account summary.
ROOT_KEYS = {"AccessKeyMetadata": [
    {"Status": "Inactive", "CreateDate": "2019-05-01T00:00:00Z", "AccessKeyId": "AKIAROOT000000000001"},
    {"Status": "Active", "CreateDate": "2024-02-29T09:00:00Z", "AccessKeyId": "AKIAROOT000000000002"}]}


# An inactive root key keeps its slot in the credential report: access_key_N_active false with the key's
# last_rotated date (a real report of the test data's placebo recordings shows the root user's key 2 so, created
# 2007), while an empty slot is false with N/A. The benchmark's "Ensure no 'root' user account access key exists"
# asks that every root key be deleted (its note: a key made inactive still shows in the audit's account summary)
# and AWS Config's iam-root-access-key-check is NON_COMPLIANT while a root key exists: an inactive one alarms.
EMPTY_SLOT = "false,N/A,N/A,N/A,N/A"


def root_line_with_slots(key1: str, key2: str) -> str:
    return (f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2006-05-01T00:00:00+00:00,not_supported,no_information,"
            f"not_supported,not_supported,true,{key1},{key2},false,N/A,false,N/A")


@pytest.mark.parametrize("key1, key2, status, reason", [
    (EMPTY_SLOT, "false,2007-10-13T16:49:50+00:00,N/A,N/A,N/A", "alarm",
     "The credential report shows root access key 2 inactive (created or rotated 2007-10-13): an inactive key still "
     "exists and can be made active again; delete it."),
    ("true,2021-06-01T00:00:00+00:00,2024-02-01T00:00:00+00:00,us-east-1,s3",
     "false,2007-10-13T16:49:50+00:00,N/A,N/A,N/A", "alarm",
     "The credential report shows root access key 1 active (created or rotated 2021-06-01) and key 2 inactive "
     "(created or rotated 2007-10-13); delete both."),
    (EMPTY_SLOT, EMPTY_SLOT, "ok", "The root user has no access keys in the credential report (both key slots empty"),
])
def test_root_key_slots_of_the_report_without_a_summary(tmp_path, key1, key2, status, reason):
    report = "\n".join([HEADER, root_line_with_slots(key1, key2)]) + "\n"
    row = run_loaded(tmp_path, {"credential-report.csv": report}, ["iam_root_no_access_keys"])[
        f"arn:aws:iam::{ACCOUNT}:root"]
    assert row["status"] == status and row["reason"].startswith(reason), row["reason"]


def test_root_key_counted_by_the_summary_names_the_reports_inactive_slot(tmp_path):
    report = "\n".join([HEADER, root_line_with_slots(EMPTY_SLOT, "false,2007-10-13T16:49:50+00:00,N/A,N/A,N/A")])
    row = run_loaded(tmp_path, {"credential-report.csv": report + "\n", "get-account-summary.json": summary(1, keys=1)},
                     ["iam_root_no_access_keys"])[f"arn:aws:iam::{ACCOUNT}:root"]
    assert row["status"] == "alarm", row["reason"]
    assert row["reason"] == ("The account summary counts 1 root access key(s) and the credential report shows key 2 "
                             "inactive (created or rotated 2007-10-13); delete them."), row["reason"]


@pytest.mark.parametrize("report_key, status, reason", [
    ("false", "alarm", "The credential report shows root access key 1 inactive (created or rotated 2020-01-01): an "
                       "inactive key still exists"),
    ("true", "alarm", "The credential report shows root access key 1 active (created or rotated 2020-01-01); delete it."),
])
def test_root_keys_listed_by_the_root_user_leave_the_report_to_judge(tmp_path, report_key, status, reason):
    files = {"credential-report.csv": "\n".join([HEADER, root_line(key=report_key)]) + "\n",
             "list-access-keys.json": ROOT_KEYS}
    row = run_loaded(tmp_path, files, ["iam_root_no_access_keys"])[f"arn:aws:iam::{ACCOUNT}:root"]
    assert row["status"] == status and row["reason"].startswith(reason), row["reason"]


def test_root_keys_listed_without_a_report_or_summary_skip(tmp_path):
    with_users = {"list-users.json": {"Users": [], "IsTruncated": False}, "list-access-keys.json": ROOT_KEYS}
    row = run_loaded(tmp_path, with_users, ["iam_root_no_access_keys"])[f"arn:aws:iam::{ACCOUNT}:root"]
    assert row["status"] == "skip", row["reason"]
    assert "cannot be judged" in row["reason"]


def test_no_key_listing_proves_the_root_user_has_none(tmp_path):
    # every IAM user's list-access-keys (the table whole) and an empty list: ListAccessKeys of an IAM user never
    # holds root's keys, and an empty list names no user, so without a report or a summary nothing is proved
    ci_user = {"UserName": "ci", "UserId": "AIDACI0000000000000001", "Arn": user_arn("ci"), "Path": "/",
               "CreateDate": "2020-01-01T00:00:00Z"}
    files = {"list-users.json": {"Users": [ci_user], "IsTruncated": False},
             "list-access-keys-ci.json": {"AccessKeyMetadata": [{**ROOT_KEYS["AccessKeyMetadata"][1], "UserName": "ci"}]},
             "list-access-keys.json": {"AccessKeyMetadata": []}}
    row = run_loaded(tmp_path, files, ["iam_root_no_access_keys"])[f"arn:aws:iam::{ACCOUNT}:root"]
    assert row["status"] == "skip", row["reason"]
    assert "cannot be judged" in row["reason"]


def test_root_keys_judged_by_the_summary_alone(tmp_path):
    for keys, status in ((0, "ok"), (1, "alarm")):
        folder = tmp_path / str(keys)
        folder.mkdir()
        row = run_loaded(folder, {"get-account-summary.json": summary(1, keys=keys)},
                         ["iam_root_no_access_keys"])[f"arn:aws:iam::{ACCOUNT}:root"]
        assert row["status"] == status, row["reason"]
        assert "account summary" in row["reason"]


def test_a_users_own_key_listing_is_not_the_roots(tmp_path):
    files = {"credential-report.csv": "\n".join([HEADER, root_line(key="false"),
                                                  report_line("ci", "2020-01-01T00:00:00+00:00")]) + "\n",
             "get-account-summary.json": summary(1, keys=0),
             "list-access-keys.json": {"AccessKeyMetadata": [{**ROOT_KEYS["AccessKeyMetadata"][1], "UserName": "ci"}]}}
    row = run_loaded(tmp_path, files, ["iam_root_no_access_keys"])[f"arn:aws:iam::{ACCOUNT}:root"]
    assert row["status"] == "ok", row["reason"]


def test_root_without_password_whose_key_was_deleted_after_the_report_needs_no_mfa(tmp_path):
    files = {"credential-report.csv": "\n".join([HEADER, root_line(mfa="false", key="true")]) + "\n",
             "get-account-summary.json": summary(0, password=0, keys=0),
             "list-virtual-mfa-devices.json": NO_VIRTUAL_DEVICES}
    results = run_loaded(tmp_path, files, ROOT_MFA)
    for control in ROOT_MFA:
        row = results[(control, f"arn:aws:iam::{ACCOUNT}:root")]
        assert row["status"] == "ok", (control, row["reason"])
        assert "no password and no access keys" in row["reason"]


def test_root_without_password_keeping_a_virtual_mfa_device_cannot_sign_in(tmp_path):
    """Centralized root access deletes the root password and keys (DeleteLoginProfile, DeleteAccessKey); the MFA
    device is a separate credential and may stay assigned. Nothing signs in with it, so its kind does not matter;
    the same virtual device on a root user that has its password alarms."""
    device = {"VirtualMFADevices": [{"SerialNumber": f"arn:aws:iam::{ACCOUNT}:mfa/root-phone",
                                     "User": {"Arn": f"arn:aws:iam::{ACCOUNT}:root", "UserId": ACCOUNT},
                                     "EnableDate": "2022-01-01T00:00:00Z"}]}
    root = f"arn:aws:iam::{ACCOUNT}:root"
    statuses = {}
    for password in (0, 1):
        files = {"credential-report.csv": "\n".join([HEADER, root_line(mfa="true")]) + "\n",
                 "get-account-summary.json": summary(1, password=password, keys=0),
                 "list-virtual-mfa-devices.json": device}
        (tmp_path / str(password)).mkdir()
        results = run_loaded(tmp_path / str(password), files, ROOT_MFA)
        statuses[password] = {control: results[(control, root)] for control in ROOT_MFA}
    for control in ROOT_MFA:
        assert statuses[0][control]["status"] == "ok", (control, statuses[0][control]["reason"])
    assert "cannot sign in" in statuses[0]["iam_root_hardware_mfa_enabled"]["reason"]
    assert statuses[1]["iam_root_hardware_mfa_enabled"]["status"] == "alarm"
    assert "virtual" in statuses[1]["iam_root_hardware_mfa_enabled"]["reason"]


# --------------------------------------------------------------------------------------------------------------
# Organization trails seen from a member account. CloudTrail: an organization trail "logs events for the
# management account and all member accounts in the organization", and member accounts "can see the trail"
# (DescribeTrails lists it, with the management account's ARN and IsOrganizationTrail true) but cannot change
# it. The member's own collection shows the trail, its status and selectors: that member is covered by a
# multi-region trail. Only the member's data is loaded here; the management account's is not.
# --------------------------------------------------------------------------------------------------------------

MANAGEMENT, MEMBER = "999988887777", "444455556666"
ORG_TRAIL = f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org-trail"
OWN_TRAIL = f"arn:aws:cloudtrail:eu-west-1:{MEMBER}:trail/team-trail"


def trail_entry(arn: str, home: str, *, multi_region: bool, organization: bool) -> dict:
    return {"Name": arn.rsplit("/", 1)[-1], "S3BucketName": "audit-logs", "IncludeGlobalServiceEvents": True,
            "IsMultiRegionTrail": multi_region, "HomeRegion": home, "TrailARN": arn, "LogFileValidationEnabled": True,
            "HasCustomEventSelectors": True, "HasInsightSelectors": False, "IsOrganizationTrail": organization}


def collect_member_trails(root: Path) -> None:
    """The files ``collect`` writes for the member's trails: describe-trails per region (the organization trail in
    both, the member's single-region trail in its region), then status and selectors of each in its home region."""
    evidence = Evidence.create(root, {})
    org = trail_entry(ORG_TRAIL, "us-east-1", multi_region=True, organization=True)
    own = trail_entry(OWN_TRAIL, "eu-west-1", multi_region=False, organization=False)
    for region, listed in (("us-east-1", [org]), ("eu-west-1", [org, own])):
        evidence.write_json({"trailList": listed}, account=MEMBER, region=region, service="cloudtrail",
                            command="describe-trails", api="cloudtrail:DescribeTrails")
    all_management = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [],
                       "ExcludeManagementEventSources": []}]
    for arn, region, entity in ((ORG_TRAIL, "us-east-1", f"{MANAGEMENT}_org-trail"), (OWN_TRAIL, "eu-west-1", "team-trail")):
        evidence.write_json({"IsLogging": True, "LatestDeliveryTime": "2024-03-01T11:00:00Z", "TrailARN": arn},
                            account=MEMBER, region=region, service="cloudtrail", command="get-trail-status",
                            api="cloudtrail:GetTrailStatus", entity=entity)
        evidence.write_json({"TrailARN": arn, "EventSelectors": all_management}, account=MEMBER, region=region,
                            service="cloudtrail", command="get-event-selectors", api="cloudtrail:GetEventSelectors",
                            entity=entity)
    evidence.account(MEMBER)
    evidence.finish(COMPLETE)


def test_member_account_is_covered_by_its_organization_trail(tmp_path):
    collect_member_trails(tmp_path / "evidence")
    con = db.connect(tmp_path / "org.duckdb")
    load_paths(con, [str(tmp_path / "evidence")], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[
        "cloudtrail_multi_region_trail_enabled", "cloudtrail_trail_logging", "cloudtrail_management_events_read_write"]))
    con.close()
    # the management account's data was not loaded: nothing is judged for it
    assert {r["account_id"] for r in rows} == {MEMBER}
    results = {(r["control_id"], r["resource"]): r for r in rows}
    account = results[("cloudtrail_multi_region_trail_enabled", f"arn:aws:::{MEMBER}")]
    assert account["status"] == "ok", account["reason"]
    assert "org-trail" in account["reason"]
    for control in ("cloudtrail_trail_logging", "cloudtrail_management_events_read_write"):
        assert results[(control, ORG_TRAIL)]["status"] == "ok", results[(control, ORG_TRAIL)]["reason"]
        assert results[(control, OWN_TRAIL)]["status"] == "ok"
        # judged on the member's view of it, named as the organization's trail, which the member cannot change
        assert results[(control, ORG_TRAIL)]["reason"].startswith(
            f"Organization trail org-trail, managed in the management account {MANAGEMENT}: ")
        assert not results[(control, OWN_TRAIL)]["reason"].startswith("Organization trail")


def export_trails(folder: Path, account: str, *, with_status: bool = True) -> None:
    """AWS CLI exports of one account in one folder: its credential report, then describe-trails (the organization
    trail), get-trail-status and get-event-selectors of that trail."""
    folder.mkdir(parents=True)
    root = root_line().replace(ACCOUNT, account)
    (folder / "credential-report.csv").write_text("\n".join([HEADER, root]) + "\n")
    org = trail_entry(ORG_TRAIL, "us-east-1", multi_region=True, organization=True)
    (folder / "describe-trails.json").write_text(json.dumps({"trailList": [org]}))
    if with_status:
        (folder / "get-trail-status.json").write_text(json.dumps(
            {"IsLogging": True, "LatestDeliveryTime": "2024-03-01T11:00:00Z", "TrailARN": ORG_TRAIL}))
        (folder / "get-event-selectors.json").write_text(json.dumps({"TrailARN": ORG_TRAIL, "EventSelectors": [
            {"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": []}]}))


def test_exported_organization_trail_counts_for_the_member_and_the_management_account(tmp_path):
    export_trails(tmp_path / "management", MANAGEMENT)
    export_trails(tmp_path / "member", MEMBER)
    con = db.connect(tmp_path / "exports.duckdb")
    load_paths(con, [str(tmp_path / "management"), str(tmp_path / "member")], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_multi_region_trail_enabled"]))
    con.close()
    statuses = {r["account_id"]: (r["status"], r["reason"]) for r in rows}
    assert statuses[MEMBER][0] == "ok", statuses[MEMBER]
    assert statuses[MANAGEMENT][0] == "ok", statuses[MANAGEMENT]


def test_member_without_the_organization_trails_status_is_covered_by_the_management_accounts_data(tmp_path):
    """A member's export lists the organization trail (describe-trails) without its status or selectors; the
    management account's data, where the trail is managed, has them: the member is covered by a logging multi-region
    trail that records every management event, as that data says (it was skipped as unknown)."""
    export_trails(tmp_path / "management", MANAGEMENT)
    export_trails(tmp_path / "member", MEMBER, with_status=False)
    con = db.connect(tmp_path / "exports.duckdb")
    load_paths(con, [str(tmp_path / "management"), str(tmp_path / "member")], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_multi_region_trail_enabled"]))
    con.close()
    statuses = {r["account_id"]: (r["status"], r["reason"]) for r in rows}
    assert statuses[MEMBER] == ("ok", "Multi-region trail org-trail is logging all management events, read and write."), \
        statuses[MEMBER]
    assert statuses[MANAGEMENT][0] == "ok", statuses[MANAGEMENT]

    # the member's data alone cannot tell
    con = db.connect(tmp_path / "member.duckdb")
    load_paths(con, [str(tmp_path / "member")], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_multi_region_trail_enabled"]))
    con.close()
    assert [r["status"] for r in rows] == ["skip"], rows


TRAIL_CONTROLS = ["cloudtrail_trail_logging", "cloudtrail_log_file_validation", "cloudtrail_kms_encryption",
                  "cloudtrail_cloudwatch_delivery", "cloudtrail_management_events_read_write"]


def test_kms_encryption_of_a_trail_describe_trails_did_not_give_is_unknown(tmp_path):
    """describe-trails gives KmsKeyId only for a trail that has one: its absence means no key only for a trail it
    described. A trail known only from get-trail-status (its describe-trails output not loaded) is skipped, not
    called unencrypted; a described trail without KmsKeyId alarms."""
    def trail_arn(name: str) -> str:
        return f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}"
    described = {"trailList": [{"Name": "plain", "TrailARN": trail_arn("plain"), "HomeRegion": "us-east-1",
                                "S3BucketName": "trail-logs", "IsMultiRegionTrail": True,
                                "LogFileValidationEnabled": True, "IsOrganizationTrail": False}]}
    files = {"describe-trails.json": described,
             "get-trail-status.json": {"TrailARN": trail_arn("undescribed"), "IsLogging": True}}
    results = run_loaded(tmp_path, files, ["cloudtrail_kms_encryption"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        trail_arn("plain"): "alarm", trail_arn("undescribed"): "skip"}
    assert results[trail_arn("undescribed")]["reason"] == (
        "The configuration of trail undescribed (describe-trails) is not loaded, so whether it encrypts its logs with "
        "a KMS key is not known.")


def test_an_organization_trail_is_judged_once_when_its_management_account_is_loaded(tmp_path):
    """The member lists the organization trail under the management account's ARN: with both accounts loaded, the
    trail's configuration is judged in the management account (which manages it) and is `info` for the member."""
    export_trails(tmp_path / "management", MANAGEMENT)
    export_trails(tmp_path / "member", MEMBER)
    con = db.connect(tmp_path / "both.duckdb")
    load_paths(con, [str(tmp_path / "management"), str(tmp_path / "member")], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=TRAIL_CONTROLS))
    con.close()
    for control in TRAIL_CONTROLS:
        found = {r["account_id"]: r for r in rows if r["control_id"] == control and r["resource"] == ORG_TRAIL}
        assert found[MANAGEMENT]["status"] in ("ok", "alarm"), found[MANAGEMENT]
        assert not found[MANAGEMENT]["reason"].startswith("Organization trail")
        assert found[MEMBER]["status"] == "info", found[MEMBER]
        assert f"management account {MANAGEMENT}, whose data is loaded: it is judged there" in found[MEMBER]["reason"]
    judged = [(r["control_id"], r["resource"]) for r in rows if r["status"] in ("ok", "alarm")]
    assert len(judged) == len(set(judged)) == len(TRAIL_CONTROLS)


def test_a_member_its_own_trails_do_not_list_is_covered_by_the_organization_trail(tmp_path):
    """The organization trail logs every account of the organization (CloudTrail User Guide, "Creating a trail for
    an organization"); a member whose describe-trails was collected without it, and that the management account's
    list-accounts names, is credited with it, named with the account where it lives. An account that list-accounts
    does not name is not."""
    export_trails(tmp_path / "management", MANAGEMENT)
    (tmp_path / "management" / "list-accounts.json").write_text(json.dumps({"Accounts": [
        {"Id": a, "Arn": f"arn:aws:organizations::{MANAGEMENT}:account/o-exampleorgid/{a}", "Email": f"{a}@example.com",
         "Name": a, "Status": "ACTIVE", "JoinedMethod": "INVITED", "JoinedTimestamp": "2020-01-01T00:00:00Z"}
        for a in (MANAGEMENT, MEMBER)]}))
    for account in (MEMBER, ACCOUNT):
        folder = tmp_path / account
        folder.mkdir()
        (folder / "credential-report.csv").write_text("\n".join([HEADER, root_line().replace(ACCOUNT, account)]) + "\n")
        (folder / "describe-trails.json").write_text(json.dumps({"trailList": []}))
    con = db.connect(tmp_path / "listed-by-management.duckdb")
    load_paths(con, [str(tmp_path / name) for name in ("management", MEMBER, ACCOUNT)], as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=[
        "cloudtrail_multi_region_trail_enabled", "cloudtrail_trail_logging"]))
    con.close()
    found = {(r["control_id"], r["account_id"]): (r["status"], r["reason"]) for r in rows}
    assert found[("cloudtrail_multi_region_trail_enabled", MEMBER)] == (
        "ok", f"Multi-region trail org-trail (the organization trail of the management account {MANAGEMENT}) is "
        "logging all management events, read and write."), found
    assert found[("cloudtrail_multi_region_trail_enabled", MANAGEMENT)][0] == "ok"
    assert found[("cloudtrail_multi_region_trail_enabled", ACCOUNT)][0] == "alarm"
    # the trail's own configuration is judged once, where it lives
    assert [a for c, a in found if c == "cloudtrail_trail_logging"] == [MANAGEMENT]


# --------------------------------------------------------------------------------------------------------------
# Unused roles: RoleLastUsed covers "the trailing 400 days" (IAM API reference, RoleLastUsed). A role created
# 200 days ago with an empty RoleLastUsed was never used; one created 600 days ago may have been used before the
# tracked period. The reason must not claim 400 days of non-use for a role younger than that.
# --------------------------------------------------------------------------------------------------------------


def gaad_role(name: str, created: str) -> dict:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                     "Action": "sts:AssumeRole"}]}
    return {"Path": "/", "RoleName": name, "RoleId": f"AROAEXAMPLE{name.upper()}", "Arn": f"arn:aws:iam::{ACCOUNT}:role/{name}",
            "CreateDate": created, "AssumeRolePolicyDocument": trust, "InstanceProfileList": [], "RolePolicyList": [],
            "AttachedManagedPolicies": [], "Tags": [], "RoleLastUsed": {}}


def test_unused_role_reason_matches_its_age(tmp_path):
    gaad = {"UserDetailList": [], "GroupDetailList": [], "Policies": [], "IsTruncated": False,
            "RoleDetailList": [gaad_role("young", "2023-08-14T12:00:00Z"), gaad_role("old", "2022-07-10T12:00:00Z")]}
    results = run_loaded(tmp_path, {"get-account-authorization-details.json": gaad}, ["iam_role_unused"])
    young, old = (results[f"arn:aws:iam::{ACCOUNT}:role/{n}"] for n in ("young", "old"))
    assert (young["status"], old["status"]) == ("alarm", "alarm")
    assert "since it was created 200 days before the data was taken" in young["reason"]
    assert "400 days" not in young["reason"]
    assert "in the 400 days before the data was taken" in old["reason"]


def test_a_limit_longer_than_role_use_tracking_leaves_a_role_without_recorded_use_unjudged(tmp_path):
    """An empty RoleLastUsed says the role was not used in the trailing 400 days, nothing of the time before (IAM API
    reference, RoleLastUsed: "The role might have been used more than 400 days ago"). With a 730-day limit a role
    created 1,100 days ago and showing no use may have been used 500 days ago: skipped saying so, never called
    unused; those created 200 and 600 days ago are within the grace period; with a 90-day limit all three alarm."""
    gaad = {"UserDetailList": [], "GroupDetailList": [], "Policies": [], "IsTruncated": False,
            "RoleDetailList": [gaad_role("young", "2023-08-14T12:00:00Z"), gaad_role("old", "2022-07-10T12:00:00Z"),
                               gaad_role("veteran", "2021-02-24T12:00:00Z")]}
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "get-account-authorization-details.json").write_text(json.dumps(gaad))
    con = db.connect(tmp_path / "roles.duckdb")
    load_paths(con, [str(folder)], account_id=ACCOUNT, as_of=AS_OF)
    for limit, expected in ((730, {"young": "ok", "old": "ok", "veteran": "skip"}),
                            (90, {"young": "alarm", "old": "alarm", "veteran": "alarm"})):
        params = {f"{control}.max_unused_days": limit for control in ("iam_role_unused", "nhi_unused")}
        rows = controls.results(con, controls.run_checks(con, controls=["iam_role_unused", "nhi_unused"],
                                                         params=params))
        for control in ("iam_role_unused", "nhi_unused"):
            found = {r["resource"].rsplit("/", 1)[-1]: (r["status"], r["reason"]) for r in rows
                     if r["control_id"] == control}
            assert {name: status for name, (status, _) in found.items()} == expected, (control, limit, found)
            if limit == 730:
                assert "400 days" in found["veteran"][1] and "730" in found["veteran"][1], found["veteran"]
    con.close()


# --------------------------------------------------------------------------------------------------------------
# Never-used credentials: the credential report records password use since 2014-10-20 and access-key use since
# 2015-04-22 (IAM User Guide, credential report format), so "or not since tracking began" only applies to a user
# or key older than that; for a newer one "never used" is exact.
# --------------------------------------------------------------------------------------------------------------


def test_never_used_credentials_mention_tracking_only_when_older_than_it(tmp_path):
    report = "\n".join([
        HEADER, ROOT,
        report_line("old-timer", "2013-05-01T00:00:00+00:00", password="true", password_used="no_information",
                    key1=("true", "2014-06-01T00:00:00+00:00", "N/A")),
        report_line("newer", "2021-05-01T00:00:00+00:00", password="true", password_used="no_information",
                    key1=("true", "2021-06-01T00:00:00+00:00", "N/A")),
    ]) + "\n"
    results = run_loaded(tmp_path, {"credential-report.csv": report},
                         ["iam_user_unused_password", "iam_user_unused_access_key"])
    for control, suffix in (("iam_user_unused_password", ""), ("iam_user_unused_access_key", "#access_key_1")):
        old, new = results[(control, user_arn("old-timer") + suffix)], results[(control, user_arn("newer") + suffix)]
        assert (old["status"], new["status"]) == ("alarm", "alarm")
        assert "since AWS began tracking" in old["reason"]
        assert "tracking" not in new["reason"], new["reason"]


# --------------------------------------------------------------------------------------------------------------
# Access Analyzer findings saved with list-findings-v2. ListFindings "is supported only for external access
# analyzers"; ListFindingsV2 also returns the findings of unused-access analyzers (findingType UnusedIAMRole,
# UnusedIAMUserAccessKey, UnusedPermission...), which say nothing about access from outside the zone of trust,
# and its FindingSummaryV2 has no principal or action (IAM Access Analyzer API reference, ListFindings,
# ListFindingsV2, FindingSummaryV2).
# --------------------------------------------------------------------------------------------------------------

EXTERNAL_ANALYZER = f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/external"
UNUSED_ANALYZER = f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/unused"


def finding_v2(finding_id: str, resource: str, resource_type: str, finding_type: str) -> dict:
    return {"id": finding_id, "resource": resource, "resourceType": resource_type, "resourceOwnerAccount": ACCOUNT,
            "status": "ACTIVE", "findingType": finding_type, "analyzedAt": "2024-02-01T00:00:00Z",
            "createdAt": "2024-02-01T00:00:00Z", "updatedAt": "2024-02-01T00:00:00Z"}


def test_findings_v2_count_external_access_only(tmp_path):
    analyzers = {"analyzers": [
        {"arn": EXTERNAL_ANALYZER, "name": "external", "type": "ACCOUNT", "status": "ACTIVE",
         "createdAt": "2023-01-01T00:00:00Z", "tags": {}},
        {"arn": UNUSED_ANALYZER, "name": "unused", "type": "ACCOUNT_UNUSED_ACCESS", "status": "ACTIVE",
         "createdAt": "2023-01-01T00:00:00Z", "tags": {}, "configuration": {"unusedAccess": {"unusedAccessAge": 90}}},
    ]}
    shared = "arn:aws:s3:::partner-exchange"
    idle_role = f"arn:aws:iam::{ACCOUNT}:role/idle"
    results = run_loaded(tmp_path, {
        "list-analyzers.json": analyzers,
        "list-findings-v2-external.json": {"AnalyzerArn": EXTERNAL_ANALYZER, "findings": [
            finding_v2("e1", shared, "AWS::S3::Bucket", "ExternalAccess")]},
        "list-findings-v2-unused.json": {"AnalyzerArn": UNUSED_ANALYZER, "findings": [
            finding_v2("u1", idle_role, "AWS::IAM::Role", "UnusedIAMRole")]},
    }, ["accessanalyzer_no_active_external_findings"])
    assert results[shared]["status"] == "alarm", results[shared]["reason"]
    assert "1 active external-access finding" in results[shared]["reason"]
    assert idle_role not in results, results[idle_role]["reason"]


# --------------------------------------------------------------------------------------------------------------
# S3 data events on a stopped single-region trail. A trail "that applies to one Region" logs the events of that
# Region only, and a trail whose logging is off delivers nothing (CloudTrail User Guide, trails; StopLogging).
# The trail below has the data-event selector: the account fails, and the reason says why, not "add a selector".
# --------------------------------------------------------------------------------------------------------------


def test_stopped_regional_trail_with_s3_data_events_is_named(tmp_path):
    arn = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/objects"
    trail = trail_entry(arn, "eu-west-1", multi_region=False, organization=False)
    selectors = [{"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": [],
                  "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]
    results = run_loaded(tmp_path, {
        "describe-trails.json": {"trailList": [trail]},
        "get-trail-status.json": {"IsLogging": False, "TrailARN": arn, "StopLoggingTime": "2024-02-01T10:00:00Z"},
        "get-event-selectors.json": {"TrailARN": arn, "EventSelectors": selectors},
    }, ["cloudtrail_s3_data_events_read", "cloudtrail_s3_data_events_write"])
    for control in ("cloudtrail_s3_data_events_read", "cloudtrail_s3_data_events_write"):
        row = results[(control, f"arn:aws:::{ACCOUNT}")]
        assert row["status"] == "alarm", row["reason"]
        assert "objects" in row["reason"] and "only for the buckets of its region" in row["reason"], row["reason"]
        assert "not logging" in row["reason"], row["reason"]
        assert "add a data-event selector" not in row["reason"]


def test_unused_non_human_user_older_than_use_tracking_is_not_called_never_used(tmp_path):
    report = "\n".join([
        HEADER, ROOT,
        report_line("legacy-sync", "2013-05-01T00:00:00+00:00", key1=("true", "2013-05-01T00:00:00+00:00", "N/A")),
        report_line("new-sync", "2021-05-01T00:00:00+00:00", key1=("true", "2021-05-01T00:00:00+00:00", "N/A")),
    ]) + "\n"
    users = [{"Path": "/", "UserName": name, "UserId": f"AIDAEXAMPLE{name.upper().replace('-', '')}",
              "Arn": user_arn(name), "CreateDate": created, "GroupList": [], "AttachedManagedPolicies": [],
              "UserPolicyList": [], "Tags": []}
             for name, created in (("legacy-sync", "2013-05-01T00:00:00Z"), ("new-sync", "2021-05-01T00:00:00Z"))]
    gaad = {"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": False}
    results = run_loaded(tmp_path, {"credential-report.csv": report, "get-account-authorization-details.json": gaad},
                         ["nhi_unused"])
    old, new = results[user_arn("legacy-sync")], results[user_arn("new-sync")]
    assert (old["status"], new["status"]) == ("alarm", "alarm")
    assert "since AWS began tracking" in old["reason"], old["reason"]
    assert "since it was created on 2021-05-01" in new["reason"] and "tracking" not in new["reason"], new["reason"]


# --------------------------------------------------------------------------------------------------------------
# The credential report is the data of its GeneratedTime: IAM regenerates it at most every four hours, and a saved
# one can be older than the rest of the load. It shows use up to that time and nothing after it: a credential
# already unused for more than the limit when the report was generated is unused; one whose gap crosses the limit
# only between the report and the data's time may have been used since, so it is skipped, not called unused. A key
# created after the report is not in it at all, so its user's use is unknown.
# --------------------------------------------------------------------------------------------------------------

GENERATED = "2024-01-31T12:00:00Z"  # 30 days before AS_OF
FRESH = "2024-03-01T09:00:00Z"  # three hours before AS_OF: as current as IAM gives a report


def report_of(lines: list[str], generated: str = GENERATED) -> dict:
    """The get-credential-report JSON output of these CSV lines, generated at ``generated``."""
    content = base64.b64encode(("\n".join([HEADER, ROOT, *lines]) + "\n").encode()).decode()
    return {"Content": content, "ReportFormat": "text/csv", "GeneratedTime": generated}


def gaad_user(name: str, created: str = "2020-01-01T00:00:00Z") -> dict:
    return {"Path": "/", "UserName": name, "UserId": f"AIDAEXAMPLE{name.upper().replace('-', '')}",
            "Arn": user_arn(name), "CreateDate": created, "GroupList": [], "AttachedManagedPolicies": [],
            "UserPolicyList": [], "Tags": []}


def key_used(name: str, used: str) -> str:
    return report_line(name, "2020-01-01T00:00:00+00:00", key1=("true", "2020-01-01T00:00:00+00:00", used))


def test_unused_access_keys_are_judged_at_the_reports_time(tmp_path):
    report = report_of([key_used("svc-a", "2023-12-22T12:00:00+00:00"),    # 40 days before the report, 70 before the data
                        key_used("svc-b", "2023-11-22T12:00:00+00:00")])   # 70 days before the report
    results = run_loaded(tmp_path, {"credential-report.json": report}, ["iam_user_unused_access_key"])
    a, b = results[user_arn("svc-a") + "#access_key_1"], results[user_arn("svc-b") + "#access_key_1"]
    assert a["status"] == "skip", a["reason"]
    assert "generated on 2024-01-31, 30 days before the data was taken" in a["reason"], a["reason"]
    assert b["status"] == "alarm", b["reason"]


@pytest.mark.parametrize(("generated", "status"), [(GENERATED, "skip"), ("2024-03-01T09:00:00Z", "ok")])
def test_root_not_used_needs_a_report_as_current_as_the_data(tmp_path, generated, status):
    """The root line shows no use since 2023: a report of three hours before the data says root was not used in the
    90 days; one of 30 days before cannot say so for the 30 days after it."""
    root = f"arn:aws:iam::{ACCOUNT}:root"
    row = run_loaded(tmp_path, {"credential-report.json": report_of([], generated)},
                     ["iam_root_not_used_recently"])[root]
    assert row["status"] == status, row["reason"]
    if status == "skip":
        assert "generated on 2024-01-31" in row["reason"] and "cannot show root use since" in row["reason"], row


def test_unused_access_keys_are_judged_up_to_their_live_last_use(tmp_path):
    """get-access-key-last-used is live: a key it shows unused for 70 days is unused, though the report, 30 days
    old, saw it used 40 days before; a report of the last four hours is as current as AWS gives one."""
    report = report_of([key_used("svc-a", "2023-12-22T12:00:00+00:00"),    # 40 days before the report, 70 before the data
                        key_used("svc-live", "2023-12-22T12:00:00+00:00")])
    files = {"credential-report.json": report,
             "svc-live.json": listing("svc-live", ("AKIASVCLIVE000000001", "Active", "2020-01-01T00:00:00Z")),
             "svc-live-used.json": {"AccessKeyId": "AKIASVCLIVE000000001", "UserName": "svc-live", "AccessKeyLastUsed": {
                 "LastUsedDate": "2023-12-22T12:00:00Z", "ServiceName": "s3", "Region": "us-east-1"}}}
    (tmp_path / "old").mkdir()
    results = run_loaded(tmp_path / "old", files, ["iam_user_unused_access_key"])
    assert results[user_arn("svc-a") + "#access_key_1"]["status"] == "skip"
    live = results[user_arn("svc-live") + "#access_key_1"]
    assert live["status"] == "alarm" and "last used 70 days before the data was taken" in live["reason"], live
    (tmp_path / "fresh").mkdir()
    fresh = run_loaded(tmp_path / "fresh", {"credential-report.json": report_of(
        [key_used("svc-a", "2023-12-22T12:00:00+00:00")], "2024-03-01T09:00:00Z")}, ["iam_user_unused_access_key"])
    assert fresh[user_arn("svc-a") + "#access_key_1"]["status"] == "alarm", fresh


def test_unused_passwords_are_judged_at_the_reports_time(tmp_path):
    lines = [report_line(name, "2020-01-01T00:00:00+00:00", password="true", password_used=used)
             for name, used in (("ann", "2023-12-22T12:00:00+00:00"), ("bob", "2023-11-22T12:00:00+00:00"))]
    results = run_loaded(tmp_path, {"credential-report.json": report_of(lines)}, ["iam_user_unused_password"])
    assert results[user_arn("ann")]["status"] == "skip", results[user_arn("ann")]["reason"]
    assert results[user_arn("bob")]["status"] == "alarm", results[user_arn("bob")]["reason"]


def test_unused_non_human_users_are_judged_at_the_reports_time(tmp_path):
    report = report_of([key_used("svc-b", "2023-11-22T12:00:00+00:00"),    # 70 days before the report, 100 before the data
                        key_used("svc-c", "2023-10-01T12:00:00+00:00"),    # 122 days before the report
                        report_line("svc-new", "2020-01-01T00:00:00+00:00")])  # no key when the report was made
    gaad = {"UserDetailList": [gaad_user(n) for n in ("svc-b", "svc-c", "svc-new")], "GroupDetailList": [],
            "RoleDetailList": [], "Policies": [], "IsTruncated": False}
    new_key = {"AccessKeyMetadata": [{"UserName": "svc-new", "Status": "Active", "CreateDate": "2024-02-15T09:00:00Z",
                                      "AccessKeyId": "AKIASVCNEW0000000001"}]}
    results = run_loaded(tmp_path, {"credential-report.json": report, "get-account-authorization-details.json": gaad,
                                    "list-access-keys.json": new_key}, ["nhi_unused"])
    b, c, new = (results[user_arn(n)] for n in ("svc-b", "svc-c", "svc-new"))
    assert b["status"] == "skip" and "2024-01-31" in b["reason"], b["reason"]
    assert c["status"] == "alarm", c["reason"]
    assert new["status"] == "skip", new["reason"]
    assert "AKIASVCNEW0000000001" in new["reason"] and "after the credential report" in new["reason"], new["reason"]


def test_a_non_human_user_is_not_judged_by_a_report_older_than_the_period(tmp_path):
    report = report_of([key_used("svc-c", "2023-01-01T12:00:00+00:00")], generated="2023-10-01T12:00:00Z")
    gaad = {"UserDetailList": [gaad_user("svc-c")], "GroupDetailList": [], "RoleDetailList": [], "Policies": [],
            "IsTruncated": False}
    row = run_loaded(tmp_path, {"credential-report.json": report, "get-account-authorization-details.json": gaad},
                     ["nhi_unused"])[user_arn("svc-c")]
    assert row["status"] == "skip", row["reason"]
    assert "generated on 2023-10-01, more than 90 days before the data was taken" in row["reason"], row["reason"]


def test_new_credentials_in_an_older_report_keep_their_grace_period(tmp_path):
    lines = [report_line("fresh", "2024-01-20T00:00:00+00:00", password="true", password_used="N/A",
                         key1=("true", "2024-01-20T00:00:00+00:00", "N/A"))]
    results = run_loaded(tmp_path, {"credential-report.json": report_of(lines)},
                         ["iam_user_unused_access_key", "iam_user_unused_password"])
    for control, resource in (("iam_user_unused_access_key", user_arn("fresh") + "#access_key_1"),
                              ("iam_user_unused_password", user_arn("fresh"))):
        row = results[(control, resource)]
        assert row["status"] == "ok" and "grace period" in row["reason"], (control, row["reason"])


# list-access-keys of a user (ListAccessKeys, live) names every key the user has now, with its status and create
# date: a report slot whose key it no longer lists was deleted after the report and is no finding; a key it lists
# that no slot holds was created after the report, which cannot show its use; GetAccessKeyLastUsed (live) can.
def listing(user: str, *keys: tuple[str, str, str]) -> dict:
    """list-access-keys of ``user``: (access key id, status, create date) each."""
    return {"UserName": user, "AccessKeyMetadata": [
        {"UserName": user, "AccessKeyId": key_id, "Status": status, "CreateDate": created}
        for key_id, status, created in keys]}


def test_listed_keys_replace_the_reports_slots(tmp_path):
    report = report_of([key_used("gone", "2023-06-01T12:00:00+00:00"),       # would alarm: deleted since
                        key_used("off", "2023-06-01T12:00:00+00:00"),        # would alarm: deactivated since
                        key_used("kept", "2023-06-01T12:00:00+00:00")])      # still listed, active: alarm
    files = {"credential-report.json": report,
             "gone.json": listing("gone", ("AKIAGONENEW000000001", "Active", "2024-02-20T08:00:00Z")),
             "off.json": listing("off", ("AKIAOFF0000000000001", "Inactive", "2020-01-01T00:00:00Z")),
             "kept.json": listing("kept", ("AKIAKEPT000000000001", "Active", "2020-01-01T00:00:00Z"))}
    results = run_loaded(tmp_path, files, ["iam_user_unused_access_key"])
    assert set(results) == {user_arn("gone") + "#AKIAGONENEW000000001", user_arn("kept") + "#access_key_1"}
    new = results[user_arn("gone") + "#AKIAGONENEW000000001"]
    assert new["status"] == "ok", new["reason"]
    assert "after the credential report (generated on 2024-01-31), within the 45-day grace" in new["reason"]
    assert results[user_arn("kept") + "#access_key_1"]["status"] == "alarm"


def test_a_user_listed_with_no_keys_has_no_key_to_judge(tmp_path):
    """`aws iam list-access-keys --user-name emptied` after the user's keys were deleted prints
    `{"AccessKeyMetadata": []}`: the report's slot (a key unused for months) is gone, and the listing reaches SQL
    (iamsql_listed) although no key row does; a user whose keys are not listed is still judged by the report."""
    report = report_of([key_used("emptied", "2023-06-01T12:00:00+00:00"),
                        key_used("unlisted", "2023-06-01T12:00:00+00:00")])
    files = {"credential-report.json": report, "emptied.json": listing("emptied")}
    results = run_loaded(tmp_path, files, ["iam_user_unused_access_key"])
    assert set(results) == {user_arn("unlisted") + "#access_key_1"}
    assert results[user_arn("unlisted") + "#access_key_1"]["status"] == "alarm"
    con = db.connect(tmp_path / "loaded.duckdb", read_only=True)
    listed = con.execute("select account_id, table_name, key from iamsql_listed").fetchall()
    con.close()
    assert listed == [(ACCOUNT, "aws_iam_access_key", "emptied")]


def test_listed_keys_of_the_latest_snapshots_only(tmp_path):
    """``iamsql_listed`` gives the keys every file of an account's latest snapshot of a table lists (files without
    a ``listed`` entry, a ``listed`` null and other tables' lists left out), not an older snapshot's."""
    con = db.connect(tmp_path / "listed.duckdb")
    files = [{"path": "a.json"}, {"path": "b.json", "listed": {"aws_iam_access_key": ["ann", "bob"]}},
             {"path": "c.json", "listed": None}, {"path": "d.json", "listed": {"aws_iam_access_key": ["bob", "cy"],
                                                                                "aws_iam_user": ["dee"]}}]
    snapshots = [(1, "111111111111", [{"path": "old.json", "listed": {"aws_iam_access_key": ["old"]}}]),
                 (2, "111111111111", files), (3, "222222222222", [{"path": "e.json"}])]
    for snapshot_id, account, sources in snapshots:
        con.execute("insert into iamsql_snapshot (snapshot_id, account_id, kind, loaded_at, tool_version, sources) "
                    "values (?, ?, 'load', now(), 'test', ?)", [snapshot_id, account, json.dumps(sources)])
        for table in ("aws_iam_access_key", "aws_iam_user"):
            con.execute("insert into iamsql_snapshot_table values (?, ?, 1)", [snapshot_id, table])
    db.create_account_view(con)
    assert con.execute("select account_id, table_name, key from iamsql_listed order by all").fetchall() == [
        ("111111111111", "aws_iam_access_key", "ann"), ("111111111111", "aws_iam_access_key", "bob"),
        ("111111111111", "aws_iam_access_key", "cy"), ("111111111111", "aws_iam_user", "dee")]
    con.close()


def test_a_key_created_after_an_old_report_is_judged_by_its_last_use(tmp_path):
    report = report_of([report_line(name, "2020-01-01T00:00:00+00:00") for name in ("quiet", "busy", "unknown")],
                       generated="2023-12-01T12:00:00Z")
    files = {"credential-report.json": report}
    for name, n in (("quiet", 1), ("busy", 2), ("unknown", 3)):
        files[f"{name}.json"] = listing(name, (f"AKIANEWKEY00000000{n:02d}", "Active", "2023-12-15T00:00:00Z"))
    for key_id, used in (("AKIANEWKEY0000000001", "2023-12-20T00:00:00Z"), ("AKIANEWKEY0000000002", "2024-02-25T00:00:00Z")):
        files[f"{key_id}.json"] = {"AccessKeyId": key_id,
                                   "AccessKeyLastUsed": {"LastUsedDate": used, "ServiceName": "s3", "Region": "us-east-1"}}
    results = run_loaded(tmp_path, files, ["iam_user_unused_access_key"])
    quiet, busy, unknown = (results[user_arn(name) + f"#AKIANEWKEY00000000{n:02d}"]
                            for name, n in (("quiet", 1), ("busy", 2), ("unknown", 3)))
    assert (quiet["status"], busy["status"], unknown["status"]) == ("alarm", "ok", "skip")
    assert "last used 72 days" in quiet["reason"], quiet["reason"]
    assert ("created on 2023-12-15, after the credential report (generated on 2023-12-01), which cannot show its use"
            in unknown["reason"]), unknown["reason"]


def test_an_inline_policy_that_is_not_json_is_unknown_and_keeps_the_others(tmp_path):
    """A get-account-authorization-details user with one inline policy whose document is not JSON: it stays, as its
    text, so the policy engine reads it as unknown (the user with only that one skips, as an unloaded document
    would make it), and the readable policy next to it still grants its power, which the control names while it
    skips: a Deny in the unreadable one would win. The whole column was left NULL: both users passed as holding no
    inline policy and no escalation path."""
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

    def user(name: str, policies: list[dict]) -> dict:
        return {"Path": "/", "UserName": name, "UserId": f"AIDA{name.upper():0<17}", "Arn": user_arn(name),
                "CreateDate": "2023-01-01T00:00:00Z", "UserPolicyList": policies, "GroupList": [],
                "AttachedManagedPolicies": [], "Tags": []}

    broken = {"PolicyName": "broken", "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": ["}
    gaad = {"UserDetailList": [user("mixed", [broken, {"PolicyName": "admin", "PolicyDocument": admin}]),
                               user("unreadable", [broken])],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": False}
    results = run_loaded(tmp_path, {"gaad.json": gaad},
                         ["iam_principal_privilege_escalation", "iam_user_no_inline_policies",
                          "iam_policy_no_full_admin", "iam_policy_no_service_wildcard"])
    escalation = "iam_principal_privilege_escalation"
    mixed = results[(escalation, user_arn("mixed"))]
    assert mixed["status"] == "skip", mixed
    assert "inline policy admin of user mixed, but a Deny in inline policy broken of user mixed (loaded, but not " \
        "readable by the policy engine) could close them" in mixed["reason"], mixed["reason"]
    unreadable = results[(escalation, user_arn("unreadable"))]
    assert unreadable["status"] == "skip", unreadable
    assert "inline policy broken of user unreadable (loaded, but not readable by the policy engine)" in unreadable["reason"]
    assert results[("iam_user_no_inline_policies", user_arn("mixed"))]["reason"].startswith(
        "mixed has 2 inline policies (admin, broken)")
    assert results[("iam_user_no_inline_policies", user_arn("unreadable"))]["status"] == "alarm"
    # the policy-content controls: a readable grant alarms; otherwise the unreadable document makes the set unknown
    assert results[("iam_policy_no_full_admin", user_arn("mixed"))]["status"] == "alarm"
    assert results[("iam_policy_no_full_admin", user_arn("unreadable"))]["status"] == "skip"
    wildcard = results[("iam_policy_no_service_wildcard", user_arn("unreadable"))]
    assert wildcard["status"] == "skip", wildcard
    assert wildcard["reason"] == (f"Inline policy broken of {user_arn('unreadable')} could not be judged: the document "
                                  f"of broken is not JSON.")


POLICY_CONTENT_CONTROLS = ["iam_policy_no_full_admin", "iam_policy_no_passrole_star", "iam_policy_no_kms_decrypt_star",
                           "iam_policy_no_service_wildcard", "iam_policy_no_allow_notaction"]


def test_a_managed_policy_whose_document_is_not_json_is_told_from_one_loaded_without_it(tmp_path):
    """A customer-managed policy whose default version's document is not JSON (a documentation placeholder) was
    loaded with its document: every policy-content control skips it saying so, not that it came without its
    document, which is what a policy known only from list-policies is told. The text is kept, so the policy engine
    reads the user holding it as holding an unreadable document."""
    policy_arn = f"arn:aws:iam::{ACCOUNT}:policy/broken"

    def policy(name: str, document: object) -> dict:
        return {"PolicyName": name, "PolicyId": f"ANPA{name.upper():0<17}", "Arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}",
                "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1, "IsAttachable": True,
                "CreateDate": "2023-01-01T00:00:00Z", "UpdateDate": "2023-01-01T00:00:00Z",
                "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True,
                                       "CreateDate": "2023-01-01T00:00:00Z"}]}

    holder = {"Path": "/", "UserName": "holder", "UserId": "AIDAHOLDER0000000001", "Arn": user_arn("holder"),
              "CreateDate": "2023-01-01T00:00:00Z", "UserPolicyList": [], "GroupList": [], "Tags": [],
              "AttachedManagedPolicies": [{"PolicyName": "broken", "PolicyArn": policy_arn}]}
    gaad = {"UserDetailList": [holder], "GroupDetailList": [], "RoleDetailList": [], "IsTruncated": False,
            "Policies": [policy("broken", "<URL-encoded-JSON>")]}
    listed = {"Policies": [{"PolicyName": "listed", "PolicyId": "ANPALISTED0000000001", "Path": "/",
                            "Arn": f"arn:aws:iam::{ACCOUNT}:policy/listed", "DefaultVersionId": "v1",
                            "AttachmentCount": 0, "IsAttachable": True, "CreateDate": "2023-01-01T00:00:00Z"}]}
    results = run_loaded(tmp_path, {"gaad.json": gaad, "list-policies.json": listed},
                         [*POLICY_CONTENT_CONTROLS, "iam_principal_privilege_escalation"])
    for control in POLICY_CONTENT_CONTROLS:
        broken = results[(control, policy_arn)]
        assert (broken["status"], broken["reason"]) == ("skip", "Policy broken could not be judged: its document is not JSON.")
        listed_only = results[(control, f"arn:aws:iam::{ACCOUNT}:policy/listed")]
        assert listed_only["status"] == "skip"
        assert listed_only["reason"] == ("Policy listed was loaded without its policy document; load "
                                         "get-account-authorization-details to evaluate it.")
    escalation = results[("iam_principal_privilege_escalation", user_arn("holder"))]
    assert escalation["status"] == "skip", escalation
    assert "broken" in escalation["reason"] and "not readable by the policy engine" in escalation["reason"]


def test_key_rotation_is_judged_on_the_keys_listed_now(tmp_path):
    """Rotating a key (create a new one, deactivate or delete the old) within the hours the credential report lags
    leaves the old key in the report's slot; list-access-keys (live) shows the keys as they are: the old one is not
    judged, the new one is, by its CreateDate (as AWS Config's access-keys-rotated reads it)."""
    old = ("true", "2020-01-01T00:00:00+00:00", "2024-01-30T00:00:00+00:00")
    report = report_of([report_line(name, "2020-01-01T00:00:00+00:00", key1=old)
                        for name in ("rotated", "gone", "kept", "unlisted")])
    files = {"credential-report.json": report,
             "rotated.json": listing("rotated", ("AKIAROTATEDOLD000001", "Inactive", "2020-01-01T00:00:00Z"),
                                     ("AKIAROTATEDNEW000001", "Active", "2024-02-20T08:00:00Z")),
             "gone.json": listing("gone"),
             "kept.json": listing("kept", ("AKIAKEPT000000000001", "Active", "2020-01-01T00:00:00Z"))}
    ids = ["iam_access_key_rotated", "nhi_access_key_rotated"]
    results = run_loaded(tmp_path, files, ids)
    for control_id in ids:
        rows = {resource: row for (cid, resource), row in results.items() if cid == control_id}
        assert set(rows) == {user_arn("rotated") + "#AKIAROTATEDNEW000001", user_arn("kept") + "#access_key_1",
                             user_arn("unlisted") + "#access_key_1"}, (control_id, sorted(rows))
        new = rows[user_arn("rotated") + "#AKIAROTATEDNEW000001"]
        assert new["status"] == "ok" and "Access key AKIAROTATEDNEW000001 of" in new["reason"], new["reason"]
        assert "10 days" in new["reason"], new["reason"]
        for name in ("kept", "unlisted"):
            assert rows[user_arn(name) + "#access_key_1"]["status"] == "alarm", rows[user_arn(name) + "#access_key_1"]


def test_key_rotation_is_judged_up_to_the_time_the_key_is_known_to_exist(tmp_path):
    """The credential report's access_key_N_last_rotated is "when the user's access key was created or last changed"
    as of the report's GeneratedTime (IAM User Guide, "Getting credential reports"): a key over the limit by then is
    unrotated (alarm), as is one list-access-keys shows active now; a key that crossed the limit only after a report
    generated 30 days before the data may have been rotated since (skip, naming the report's date)."""
    def key(created: str) -> tuple[str, str, str]:
        return "true", created, "2024-01-30T00:00:00+00:00"
    report = report_of([report_line("crossed", "2020-01-01T00:00:00+00:00", key1=key("2023-11-20T00:00:00+00:00")),
                        report_line("over", "2020-01-01T00:00:00+00:00", key1=key("2023-10-01T00:00:00+00:00")),
                        report_line("listed", "2020-01-01T00:00:00+00:00", key1=key("2023-11-20T00:00:00+00:00")),
                        report_line("svc-crossed", "2020-01-01T00:00:00+00:00",
                                    key1=key("2024-01-15T00:00:00+00:00"))])
    files = {"credential-report.json": report,
             "listed.json": listing("listed", ("AKIALISTED0000000001", "Active", "2023-11-20T00:00:00Z"))}
    results = run_loaded(tmp_path, files, ["iam_access_key_rotated", "nhi_access_key_rotated"])
    assert {(control, resource): row["status"] for (control, resource), row in results.items()} == {
        ("iam_access_key_rotated", user_arn("crossed") + "#access_key_1"): "skip",
        ("iam_access_key_rotated", user_arn("over") + "#access_key_1"): "alarm",
        ("iam_access_key_rotated", user_arn("listed") + "#access_key_1"): "alarm",
        ("iam_access_key_rotated", user_arn("svc-crossed") + "#access_key_1"): "ok",
        ("nhi_access_key_rotated", user_arn("crossed") + "#access_key_1"): "alarm",
        ("nhi_access_key_rotated", user_arn("over") + "#access_key_1"): "alarm",
        ("nhi_access_key_rotated", user_arn("listed") + "#access_key_1"): "alarm",
        ("nhi_access_key_rotated", user_arn("svc-crossed") + "#access_key_1"): "skip"}
    assert results[("iam_access_key_rotated", user_arn("crossed") + "#access_key_1")]["reason"] == (
        "Access key 1 of crossed is 102 days old (more than 90), but the credential report was generated on "
        "2024-01-31, when it was 72 days old; it may have been rotated since: load list-access-keys or a current "
        "report.")


def test_a_key_of_unknown_age_is_skipped_saying_so(tmp_path):
    """An active key whose slot has no last_rotated and whose user has no user_creation_time (both N/A): the key's
    age is unknown, so rotation and the grace period of a never-used key cannot be judged (skip, saying why), never
    a row without a reason."""
    files = {"credential-report.json": report_of([report_line("svc-undated", "N/A", key1=("true", "N/A", "N/A"))])}
    ids = ["iam_access_key_rotated", "nhi_access_key_rotated", "iam_user_unused_access_key"]
    results = run_loaded(tmp_path, files, ids)
    for control_id in ids:
        row = results[(control_id, user_arn("svc-undated") + "#access_key_1")]
        assert row["status"] == "skip", (control_id, row["reason"])
        assert "no creation or rotation time" in row["reason"] and "(N/A)" in row["reason"], (control_id, row["reason"])


def test_key_over_the_limit_by_hours_is_called_over_the_limit(tmp_path):
    """A key 30 days and 5 hours old is over a 30-day limit although its age in whole days is 30: the reason says
    "over 30 days", not "30 days old (limit 30)", which reads as within the limit."""
    key = ("true", "2024-01-31T07:00:00+00:00", "2024-02-28T00:00:00+00:00")
    files = {"credential-report.json": report_of([report_line("svc-hours", "2020-01-01T00:00:00+00:00", key1=key)],
                                                 FRESH)}
    row = run_loaded(tmp_path, files, ["nhi_access_key_rotated"])[user_arn("svc-hours") + "#access_key_1"]
    assert row["status"] == "alarm", row["reason"]
    assert "is over 30 days old (limit 30)" in row["reason"], row["reason"]


def mfa_listing(user: str, *serials: str) -> dict:
    """list-mfa-devices of ``user`` (the output names the user, as `collect` adds it)."""
    return {"UserName": user, "MFADevices": [
        {"UserName": user, "SerialNumber": serial, "EnableDate": "2024-02-20T08:00:00Z"} for serial in serials]}


def test_console_mfa_follows_the_users_mfa_devices_listed_now(tmp_path):
    """ListMFADevices is live; the credential report's mfa_active can be up to four hours older than its
    GeneratedTime says and is as new as its generation: a device removed since the report leaves the password alone
    (alarm), a device added since protects it (ok); a user whose devices are not listed is judged by the report."""
    lines = [report_line(name, "2020-01-01T00:00:00+00:00", password="true", password_used="2024-02-01T00:00:00+00:00")
             for name in ("removed", "added", "report-yes", "report-no")]
    lines = [line.replace(",N/A,false,", ",N/A,true,", 1) if line.startswith(("removed,", "report-yes,")) else line
             for line in lines]
    files = {"credential-report.json": report_of(lines),
             "removed.json": mfa_listing("removed"),
             "added.json": mfa_listing("added", f"arn:aws:iam::{ACCOUNT}:mfa/added-phone")}
    results = run_loaded(tmp_path, files, ["iam_user_console_mfa"])
    assert {name: results[user_arn(name)]["status"] for name in ("removed", "added", "report-yes", "report-no")} == {
        "removed": "alarm", "added": "ok", "report-yes": "ok", "report-no": "alarm"}
    assert results[user_arn("removed")]["reason"] == (
        "removed signs in to the console with a password and has no MFA device (list-mfa-devices; the older "
        "credential report still shows one); enable MFA or remove the password.")
    assert results[user_arn("added")]["reason"] == (
        "added has a console password and MFA (list-mfa-devices; the credential report, generated earlier, does not "
        "show it yet).")


def no_login_profile(user: str) -> dict:
    """GetLoginProfile's NoSuchEntity as `collect` saves it (with the user's name), AWS's message."""
    return {"UserName": user, "Error": {"Code": "NoSuchEntity",
                                        "Message": f"Login Profile for User {user} cannot be found."}}


def login_profile(user: str, created: str = "2024-02-25T00:00:00Z") -> dict:
    """GetLoginProfile's answer for a user with a console password set at ``created``."""
    return {"LoginProfile": {"UserName": user, "CreateDate": created, "PasswordResetRequired": False}}


def test_console_mfa_follows_the_users_login_profile_read_now(tmp_path):
    """GetLoginProfile is live: a password removed since the credential report (NoSuchEntity) leaves nothing to
    protect (ok, saying so); a login profile read now keeps the user a console user; a user whose login profile was
    not read is judged by the report."""
    lines = [report_line(name, "2020-01-01T00:00:00+00:00", password="true", password_used="2024-02-01T00:00:00+00:00")
             for name in ("removed", "kept", "unread")]
    files = {"credential-report.json": report_of(lines),
             "removed.json": no_login_profile("removed"),
             "kept.json": login_profile("kept")}
    results = run_loaded(tmp_path, files, ["iam_user_console_mfa"])
    assert {name: results[user_arn(name)]["status"] for name in ("removed", "kept", "unread")} == {
        "removed": "ok", "kept": "alarm", "unread": "alarm"}
    assert results[user_arn("removed")]["reason"] == (
        "removed has no console password (get-login-profile; the older credential report still shows one).")


def test_console_mfa_judges_a_password_created_after_the_credential_report(tmp_path):
    """A login profile read now for a user the older credential report shows without a password: the user signs in
    to the console now, so the password needs MFA (alarm without a device, ok with one listed now)."""
    lines = [report_line(name, "2020-01-01T00:00:00+00:00") for name in ("new-password", "new-password-mfa", "none")]
    files = {"credential-report.json": report_of(lines),
             "new-password.json": login_profile("new-password"),
             "new-password-mfa.json": login_profile("new-password-mfa"),
             "new-password-mfa-devices.json": mfa_listing("new-password-mfa", f"arn:aws:iam::{ACCOUNT}:mfa/phone")}
    results = run_loaded(tmp_path, files, ["iam_user_console_mfa"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("new-password"): "alarm", user_arn("new-password-mfa"): "ok", user_arn("none"): "ok"}
    assert results[user_arn("new-password")]["reason"] == (
        "new-password signs in to the console with a password (get-login-profile; the older credential report does "
        "not show it yet) and has no MFA; enable MFA or remove the password.")


def test_password_controls_follow_the_login_profile_read_now(tmp_path):
    """A password removed since the credential report (get-login-profile: NoSuchEntity) is not judged unused, and its
    user's never-used setup key no longer sits beside a console password; a password created since the report
    (a login profile read now, the report without one) makes its user a console user with that setup key."""
    created, used = "2020-01-01T00:00:00+00:00", "2023-01-01T00:00:00+00:00"
    setup_key = ("true", created, "N/A")
    lines = [report_line("removed", created, password="true", password_used=used, key1=setup_key),
             report_line("kept", created, password="true", password_used=used, key1=setup_key),
             report_line("added", created, key1=setup_key)]
    files = {"credential-report.json": report_of(lines, FRESH), "removed.json": no_login_profile("removed"),
             "kept.json": login_profile("kept", "2020-01-01T00:00:00Z"), "added.json": login_profile("added")}
    results = run_loaded(tmp_path, files, ["iam_user_unused_password", "iam_user_no_access_key_at_setup"])
    assert {(control, resource): row["status"] for (control, resource), row in results.items()} == {
        ("iam_user_unused_password", user_arn("kept")): "alarm",
        ("iam_user_unused_password", user_arn("added")): "ok",  # set 2024-02-25, within the 45-day grace period
        ("iam_user_no_access_key_at_setup", user_arn("kept")): "alarm",
        ("iam_user_no_access_key_at_setup", user_arn("added")): "alarm"}


def test_a_password_set_after_the_credential_report_is_judged_by_what_is_known_of_it(tmp_path):
    """A console password the report (91 days old) does not show, read now by get-login-profile: its use since the
    report is unknown, so it passes within the grace period of its CreateDate or with a sign-in the user listing
    shows within the limit, and is skipped otherwise, never an alarm."""
    lines = [report_line(name, "2020-01-01T00:00:00+00:00") for name in ("old-set", "new-set")]
    listed = {"Users": [{"UserName": "listed-used", "UserId": "AIDALISTEDUSED0000000", "Arn": user_arn("listed-used"),
                         "Path": "/", "CreateDate": "2023-12-10T00:00:00Z", "PasswordLastUsed": "2024-02-28T10:00:00Z"}],
              "IsTruncated": False}
    files = {"credential-report.json": report_of(lines, "2023-12-01T00:00:00Z"), "list-users.json": listed,
             "old-set.json": login_profile("old-set", "2023-12-20T00:00:00Z"),
             "new-set.json": login_profile("new-set"),
             "listed-used-profile.json": login_profile("listed-used", "2023-12-20T00:00:00Z")}
    results = run_loaded(tmp_path, files, ["iam_user_unused_password"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("old-set"): "skip", user_arn("new-set"): "ok", user_arn("listed-used"): "ok"}
    assert results[user_arn("old-set")]["reason"] == (
        "The console password of old-set was set on 2023-12-20, after the credential report was generated "
        "(get-login-profile): the report cannot show its use, and no user listing shows a sign-in within 45 days; "
        "load a current report.")
    assert results[user_arn("new-set")]["reason"] == (
        "The console password of new-set was set on 2024-02-25 (get-login-profile; the credential report, generated "
        "earlier, does not show it), within the 45-day grace period.")
    assert results[user_arn("listed-used")]["reason"] == (
        "listed-used last signed in to the console 2 days before the data was taken (the user listing; the credential "
        "report, generated earlier, shows no password).")


def test_a_password_set_again_after_the_report_is_not_judged_by_the_one_it_replaced(tmp_path):
    """A password deleted and set again after the credential report (get-login-profile's CreateDate later than the
    report's password_last_changed): the report's last use is the old password's, so the new one is judged by its
    CreateDate and the user listing's PasswordLastUsed; a password only changed since it was created (CreateDate
    before password_last_changed) is still the report's."""
    old_use = "2023-06-01T00:00:00+00:00"  # 8 months before the report (2024-01-31): an alarm for the old password
    lines = [report_line(name, "2020-01-01T00:00:00+00:00", password="true", password_used=old_use)
             for name in ("renewed", "renewed-listed", "changed")]
    listed = {"Users": [{"UserName": name, "UserId": f"AIDA{name.upper().replace('-', '')}00000", "Arn": user_arn(name),
                         "Path": "/", "CreateDate": "2020-01-01T00:00:00Z", **used}
                        for name, used in (("renewed", {}), ("changed", {}),
                                           ("renewed-listed", {"PasswordLastUsed": "2024-02-28T10:00:00Z"}))],
              "IsTruncated": False}
    files = {"credential-report.json": report_of(lines), "list-users.json": listed,
             "renewed.json": login_profile("renewed", "2024-02-10T08:00:00Z"),
             "renewed-listed.json": login_profile("renewed-listed", "2023-12-20T00:00:00Z"),
             "changed.json": login_profile("changed", "2019-06-01T00:00:00Z")}
    results = run_loaded(tmp_path, files, ["iam_user_unused_password"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("renewed"): "ok", user_arn("renewed-listed"): "ok", user_arn("changed"): "alarm"}
    assert results[user_arn("renewed")]["reason"] == (
        "The console password of renewed was set on 2024-02-10 (get-login-profile; the credential report, generated "
        "earlier, does not show it), within the 45-day grace period.")
    assert results[user_arn("renewed-listed")]["reason"] == (
        "renewed-listed last signed in to the console 2 days before the data was taken (the user listing; the "
        "credential report, generated earlier, shows only the password this one replaced).")


def test_a_console_user_known_only_from_its_login_profile_is_judged(tmp_path):
    """A user the credential report does not list (created after it) and no user listing names: its
    get-login-profile answer still says it has a console password, so the password controls judge it, under the ARN
    of a user named so at the path /, by what is known of it (its CreateDate; no MFA devices listed: unknown)."""
    files = {"credential-report.json": report_of([report_line("listed", "2020-01-01T00:00:00+00:00")],
                                                 "2023-12-01T00:00:00Z"),
             "recent.json": login_profile("recent"),
             "older.json": login_profile("older", "2023-12-20T00:00:00Z")}
    results = run_loaded(tmp_path, files, ["iam_user_unused_password", "iam_user_console_mfa"])
    assert {(control, resource): row["status"] for (control, resource), row in results.items()} == {
        ("iam_user_unused_password", user_arn("recent")): "ok",
        ("iam_user_unused_password", user_arn("older")): "skip",
        ("iam_user_console_mfa", user_arn("recent")): "skip",
        ("iam_user_console_mfa", user_arn("older")): "skip",
        # the report's user without a console password: nothing to protect with MFA
        ("iam_user_console_mfa", user_arn("listed")): "ok"}
    assert results[("iam_user_unused_password", user_arn("recent"))]["reason"] == (
        "The console password of recent was set on 2024-02-25 (get-login-profile; the credential report, generated "
        "earlier, does not show it), within the 45-day grace period.")


def test_setup_keys_of_a_user_created_after_the_report_are_known_only_from_its_key_listing(tmp_path):
    """A console user the credential report does not list (created after it) has only its list-access-keys to say
    which keys it has: listed with none, it has no set-up key (ok); its keys not listed, they are unknown (skip)."""
    files = {"credential-report.json": report_of([report_line("listed", "2020-01-01T00:00:00+00:00")], FRESH)}
    for name in ("keys-listed", "keys-unlisted"):
        files[f"{name}.json"] = login_profile(name)
    files["keys-listed-keys.json"] = listing("keys-listed")
    results = run_loaded(tmp_path, files, ["iam_user_no_access_key_at_setup"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("keys-listed"): "ok", user_arn("keys-unlisted"): "skip"}
    assert results[user_arn("keys-unlisted")]["reason"] == (
        "keys-unlisted has a console password and was created after the credential report; its access keys are not "
        "loaded (list-access-keys).")


def test_an_administrator_created_after_the_report_is_judged_on_its_listed_keys(tmp_path):
    """An administrator the credential report does not list (created after it): with MFA listed on its console
    password, its list-access-keys listing none passes; its keys not listed, whether it holds a key is unknown."""
    admin = {"PolicyName": "everything", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
    users = [dict(gaad_user(name, "2024-03-01T10:00:00Z"), UserPolicyList=[admin])
             for name in ("keys-listed", "keys-unlisted")]
    files = {"credential-report.json": report_of([report_line("listed", "2020-01-01T00:00:00+00:00")], FRESH),
             "gaad.json": {"UserDetailList": users, "GroupDetailList": [], "RoleDetailList": [], "Policies": []},
             "keys-listed-keys.json": listing("keys-listed")}
    for name in ("keys-listed", "keys-unlisted"):
        files[f"{name}.json"] = login_profile(name, "2024-03-01T10:00:00Z")
        files[f"{name}-devices.json"] = mfa_listing(name, f"arn:aws:iam::{ACCOUNT}:mfa/{name}")
    results = run_loaded(tmp_path, files, ["iam_admin_user_mfa"])
    assert {name: results[user_arn(name)]["status"] for name in ("keys-listed", "keys-unlisted")} == {
        "keys-listed": "ok", "keys-unlisted": "skip"}
    assert results[user_arn("keys-unlisted")]["reason"] == (
        "keys-unlisted is a full administrator with MFA on its console password; created after the credential "
        "report, its access keys (list-access-keys) are not loaded.")


def test_non_human_users_console_password_follows_the_login_profile_read_now(tmp_path):
    """GetLoginProfile is live, the credential report older: a service user's password removed since the report
    (NoSuchEntity) is gone (ok, saying so), one read now is there, also one created after the report (alarm). The
    same answer decides iam_principal's keys_without_password rule: a user with an active key whose password was
    removed is a workload (a non-human user, judged), one whose report password was not read again stays human."""
    key = ("true", "2020-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00")
    created, used = "2020-01-01T00:00:00+00:00", "2024-02-01T00:00:00+00:00"
    lines = [report_line("svc-removed", created, password="true", password_used=used),
             report_line("svc-kept", created, password="true", password_used=used),
             report_line("svc-added", created),
             report_line("keyholder", created, password="true", password_used=used, key1=key),
             report_line("keyholder-unread", created, password="true", password_used=used, key1=key)]
    files = {"credential-report.json": report_of(lines),
             "svc-removed.json": no_login_profile("svc-removed"),
             "svc-kept.json": login_profile("svc-kept"),
             "svc-added.json": login_profile("svc-added"),
             "keyholder.json": no_login_profile("keyholder")}
    results = run_loaded(tmp_path, files, ["nhi_user_has_console_password"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("svc-removed"): "ok", user_arn("svc-kept"): "alarm", user_arn("svc-added"): "alarm",
        user_arn("keyholder"): "ok"}
    assert results[user_arn("svc-removed")]["reason"] == (
        "The non-human user svc-removed has no console password (get-login-profile; the older credential report "
        "still shows one).")
    assert results[user_arn("svc-added")]["reason"] == (
        "The non-human user svc-added (its name matches svc-%) has a console password, never used; delete its login "
        "profile.")


def test_keys_without_password_rule_reads_the_keys_listed_now(tmp_path):
    """iam_principal's keys_without_password rule takes the user's active keys as of the data: list-access-keys
    (ListAccessKeys, live) over the credential report, which IAM regenerates at most every four hours. A key
    deactivated since the report leaves its user without an active key (human by default); a key created since
    makes its user a workload; so does one of a user created after the report (not in it), whose get-login-profile
    says it has no password."""
    lines = [report_line("deactivated", "2020-01-01T00:00:00+00:00", key1=("true", "2020-01-01T00:00:00+00:00", "N/A")),
             report_line("new-key", "2020-01-01T00:00:00+00:00"),
             report_line("report-only", "2020-01-01T00:00:00+00:00", key1=("true", "2020-01-01T00:00:00+00:00", "N/A"))]
    users = {"Users": [{"UserName": name, "UserId": f"AIDA{name.upper().replace('-', '')}0000000000",
                        "Arn": user_arn(name), "Path": "/", "CreateDate": created}
                       for name, created in (("deactivated", "2020-01-01T00:00:00Z"), ("new-key", "2020-01-01T00:00:00Z"),
                                             ("report-only", "2020-01-01T00:00:00Z"),
                                             ("late-user", "2024-02-20T00:00:00Z"))], "IsTruncated": False}
    files = {"credential-report.json": report_of(lines), "list-users.json": users,
             "deactivated.json": listing("deactivated", ("AKIADEACTIVATED00001", "Inactive", "2020-01-01T00:00:00Z")),
             "new-key.json": listing("new-key", ("AKIANEWKEY0000000001", "Active", "2024-02-10T00:00:00Z")),
             "late-user.json": listing("late-user", ("AKIALATEUSER00000001", "Active", "2024-02-20T00:00:01Z")),
             "late-user-profile.json": no_login_profile("late-user")}
    folder = tmp_path / "export"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_text(json.dumps(content))
    con = db.connect(tmp_path / "loaded.duckdb")
    load_paths(con, [str(folder)], account_id=ACCOUNT, as_of=AS_OF)
    controls.create_views(con)
    found = dict(con.execute("select name, nhi_rule from iam_principal where principal_type = 'user'").fetchall())
    con.close()
    assert found == {"deactivated": "default", "new-key": "keys_without_password",
                     "report-only": "keys_without_password", "late-user": "keys_without_password"}


def test_long_term_key_use_is_read_from_the_keys_listed_now(tmp_path):
    """A workload's key rotated after the credential report: the report's slot holds the old key (unused since), the
    listing the new one, whose use get-access-key-last-used shows; a key deactivated since the report signs nothing."""
    report = report_of([key_used("svc-rot", "2023-10-01T12:00:00+00:00"),   # 152 days before the data
                        key_used("svc-off", "2024-01-20T12:00:00+00:00")])  # 41 days before the data
    gaad = {"UserDetailList": [gaad_user(n) for n in ("svc-rot", "svc-off")], "GroupDetailList": [],
            "RoleDetailList": [], "Policies": [], "IsTruncated": False}
    files = {"credential-report.json": report, "get-account-authorization-details.json": gaad,
             "svc-rot.json": listing("svc-rot", ("AKIASVCROTNEW0000001", "Active", "2024-02-10T09:00:00Z")),
             "svc-rot-used.json": {"AccessKeyId": "AKIASVCROTNEW0000001", "AccessKeyLastUsed": {
                 "LastUsedDate": "2024-02-28T10:00:00Z", "ServiceName": "sqs", "Region": "eu-west-1"}},
             "svc-off.json": listing("svc-off", ("AKIASVCOFF000000001", "Inactive", "2020-01-01T00:00:00Z"))}
    results = run_loaded(tmp_path, files, ["nhi_long_term_key_in_use"])
    rotated, off = results[user_arn("svc-rot")], results[user_arn("svc-off")]
    assert rotated["status"] == "alarm", rotated["reason"]
    assert "AKIASVCROTNEW0000001 (last used 2024-02-28 on sqs)" in rotated["reason"], rotated["reason"]
    assert off["status"] == "ok", off["reason"]


def test_long_term_key_not_in_use_needs_its_use_known_up_to_the_data(tmp_path):
    """A key the credential report shows unused in the period may have been used after the report: it is known only
    from get-access-key-last-used (live), or from a report at most four hours old (AWS gives a report up to four
    hours old); a report 30 days old without that output leaves the user unknown."""
    lines = [key_used(name, "2023-10-01T12:00:00+00:00") for name in ("svc-stale", "svc-live")]  # 152 days before
    gaad = {"UserDetailList": [gaad_user(n) for n in ("svc-stale", "svc-live")], "GroupDetailList": [],
            "RoleDetailList": [], "Policies": [], "IsTruncated": False}
    files = {"credential-report.json": report_of(lines), "get-account-authorization-details.json": gaad,
             "svc-live.json": listing("svc-live", ("AKIASVCLIVE000000001", "Active", "2020-01-01T00:00:00Z")),
             "svc-live-used.json": {"AccessKeyId": "AKIASVCLIVE000000001", "UserName": "svc-live", "AccessKeyLastUsed": {
                 "LastUsedDate": "2023-10-01T12:00:00Z", "ServiceName": "s3", "Region": "us-east-1"}}}
    (tmp_path / "old").mkdir()
    results = run_loaded(tmp_path / "old", files, ["nhi_long_term_key_in_use"])
    stale, live = results[user_arn("svc-stale")], results[user_arn("svc-live")]
    assert stale["status"] == "skip", stale["reason"]
    assert "(generated on 2024-01-31, 30 days before the data was taken)" in stale["reason"] and "access key 1" in stale["reason"], stale
    assert live["status"] == "ok", live["reason"]
    (tmp_path / "fresh").mkdir()
    fresh = run_loaded(tmp_path / "fresh", {"credential-report.json": report_of(lines, "2024-03-01T09:00:00Z"),
                                            "get-account-authorization-details.json": gaad},
                       ["nhi_long_term_key_in_use"])
    assert {fresh[user_arn(n)]["status"] for n in ("svc-stale", "svc-live")} == {"ok"}, fresh


def test_unused_non_human_user_counts_the_use_of_a_key_made_after_the_report(tmp_path):
    """The credential report cannot hold a key created after it, but get-access-key-last-used (live) shows its use:
    the workload is in use (it was skipped as unknown); without that output it still is unknown."""
    report = report_of([report_line(name, "2020-01-01T00:00:00+00:00") for name in ("svc-used", "svc-unknown")])
    gaad = {"UserDetailList": [gaad_user(n) for n in ("svc-used", "svc-unknown")], "GroupDetailList": [],
            "RoleDetailList": [], "Policies": [], "IsTruncated": False}
    files = {"credential-report.json": report, "get-account-authorization-details.json": gaad,
             "svc-used.json": listing("svc-used", ("AKIASVCUSED000000001", "Active", "2024-02-10T09:00:00Z")),
             "svc-used-last.json": {"AccessKeyId": "AKIASVCUSED000000001", "UserName": "svc-used", "AccessKeyLastUsed": {
                 "LastUsedDate": "2024-02-28T10:00:00Z", "ServiceName": "sqs", "Region": "eu-west-1"}},
             "svc-unknown.json": listing("svc-unknown", ("AKIASVCUNKNOWN000001", "Active", "2024-02-10T09:00:00Z"))}
    results = run_loaded(tmp_path, files, ["nhi_unused"])
    used, unknown = results[user_arn("svc-used")], results[user_arn("svc-unknown")]
    assert used["status"] == "ok" and "was last used 2 days before the data was taken" in used["reason"], used["reason"]
    assert unknown["status"] == "skip" and "AKIASVCUNKNOWN000001" in unknown["reason"], unknown["reason"]


def test_two_active_keys_are_counted_on_the_keys_listed_now(tmp_path):
    """A rotation finished after the credential report (the old key deactivated) leaves one active key; a second key
    created after the report makes two. Users whose keys are not listed are judged by the report's slots."""
    old = ("true", "2020-01-01T00:00:00+00:00", "2024-01-30T00:00:00+00:00")
    newer = ("true", "2024-01-10T00:00:00+00:00", "2024-01-30T00:00:00+00:00")
    report = report_of([report_line("rotated", "2020-01-01T00:00:00+00:00", key1=old, key2=newer),
                        report_line("unlisted", "2020-01-01T00:00:00+00:00", key1=old, key2=newer),
                        report_line("second", "2020-01-01T00:00:00+00:00", key1=old)])
    files = {"credential-report.json": report,
             "rotated.json": listing("rotated", ("AKIAROTATEDOLD000001", "Inactive", "2020-01-01T00:00:00Z"),
                                     ("AKIAROTATEDNEW000001", "Active", "2024-01-10T00:00:00Z")),
             "second.json": listing("second", ("AKIASECONDOLD0000001", "Active", "2020-01-01T00:00:00Z"),
                                    ("AKIASECONDNEW0000001", "Active", "2024-02-20T08:00:00Z"))}
    results = run_loaded(tmp_path, files, ["iam_user_single_active_access_key"])
    assert {name: results[user_arn(name)]["status"] for name in ("rotated", "unlisted", "second")} == {
        "rotated": "ok", "unlisted": "alarm", "second": "alarm"}
    assert results[user_arn("second")]["reason"] == (
        "second has 2 active access keys (access key 1 and AKIASECONDNEW0000001); retire the one not in use.")


# --------------------------------------------------------------------------------------------------------------
# A user created after the credential report is not in it (IAM regenerates the report at most every four hours,
# and a saved one can be older still); its listing (list-users: CreateDate), get-login-profile, list-mfa-devices,
# list-access-keys and get-access-key-last-used, all read live, say what it has. GetAccessKeyLastUsed answers a
# never-used key with no LastUsedDate and ServiceName "N/A" (API_AccessKeyLastUsed).
# --------------------------------------------------------------------------------------------------------------

LATE = "2024-03-01T10:00:00Z"  # after that report


def user_listing(*users: tuple[str, str]) -> dict:
    """list-users of (name, CreateDate) each."""
    return {"Users": [{"UserName": name, "UserId": f"AIDA{name.upper().replace('-', '')}0000000000",
                       "Arn": user_arn(name), "Path": "/", "CreateDate": created} for name, created in users],
            "IsTruncated": False}


def last_use(user: str, key_id: str, used: str | None) -> dict:
    """get-access-key-last-used of a key, used at ``used`` (on s3) or never (None)."""
    last = ({"LastUsedDate": used, "ServiceName": "s3", "Region": "us-east-1"} if used
            else {"ServiceName": "N/A", "Region": "N/A"})
    return {"UserName": user, "AccessKeyId": key_id, "AccessKeyLastUsed": last}


def test_setup_key_of_a_user_created_after_the_report(tmp_path):
    """CIS "no access keys at initial setup" for a console user the report does not list: a key created with the
    user, that get-access-key-last-used shows never used, is a finding; one used since is not; a user without a
    console password (NoSuchEntity) is not judged; a set-up key whose use is not loaded is unknown."""
    names = ("late-console", "late-used", "late-no-password", "late-unread")
    files = {"credential-report.json": report_of([report_line("old", "2020-01-01T00:00:00+00:00")], FRESH),
             "list-users.json": user_listing(*((name, LATE) for name in names))}
    for n, name in enumerate(names, 1):
        key_id = f"AKIALATE00000000000{n}"
        files[f"{name}-keys.json"] = listing(name, (key_id, "Active", "2024-03-01T10:00:04Z"))
        files[f"{name}-profile.json"] = (no_login_profile(name) if name == "late-no-password" else login_profile(name))
        if name != "late-unread":
            files[f"{name}-used.json"] = last_use(name, key_id, "2024-03-01T11:00:00Z" if name == "late-used" else None)
    results = run_loaded(tmp_path, files, ["iam_user_no_access_key_at_setup"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("late-console"): "alarm", user_arn("late-used"): "ok", user_arn("late-unread"): "skip"}
    assert results[user_arn("late-console")]["reason"] == (
        "late-console has a console password and access key AKIALATE000000000001 created at the same time as the "
        "user and never used; delete it.")
    assert "not in the credential report, and its last use not loaded" in results[user_arn("late-unread")]["reason"]


def test_setup_key_unused_in_an_older_report_may_have_been_used_since(tmp_path):
    """An access key the credential report shows never used (last used N/A) was unused up to the report's
    GeneratedTime only: with a report 30 days older than the data, "never used" is known only from the key's
    get-access-key-last-used (live); without it the key is unknown, with it the key is judged."""
    created = "2023-01-01T10:00:00+00:00"
    setup_key = ("true", "2023-01-01T10:00:03+00:00", "N/A")
    lines = [report_line(name, created, password="true", password_used="2024-01-20T10:00:00+00:00", key1=setup_key)
             for name in ("unread", "never", "since")]
    files = {"credential-report.json": report_of(lines)}
    for n, name in enumerate(("never", "since"), 1):
        key_id = f"AKIASETUP00000000000{n}"
        files[f"{name}-keys.json"] = listing(name, (key_id, "Active", "2023-01-01T10:00:03Z"))
        files[f"{name}-used.json"] = last_use(name, key_id, "2024-02-10T00:00:00Z" if name == "since" else None)
    results = run_loaded(tmp_path, files, ["iam_user_no_access_key_at_setup"])
    assert {name: results[user_arn(name)]["status"] for name in ("unread", "never", "since")} == {
        "unread": "skip", "never": "alarm", "since": "ok"}
    assert ("access key 1 (created with the user; unused up to the credential report of 2024-01-31, which cannot "
            "show use since)") in results[user_arn("unread")]["reason"]


def test_console_mfa_of_a_user_created_after_the_report(tmp_path):
    """A console password read now (get-login-profile) of a user the report does not list needs MFA as every
    console user's does: no device listed is a finding, a device listed is not, devices not listed are unknown."""
    names = ("new-no-mfa", "new-mfa", "new-unlisted")
    files = {"credential-report.json": report_of([], FRESH), "list-users.json": user_listing(*((n, LATE) for n in names)),
             "new-no-mfa-devices.json": mfa_listing("new-no-mfa"),
             "new-mfa-devices.json": mfa_listing("new-mfa", f"arn:aws:iam::{ACCOUNT}:mfa/phone")}
    for name in names:
        files[f"{name}.json"] = login_profile(name)
    results = run_loaded(tmp_path, files, ["iam_user_console_mfa"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("new-no-mfa"): "alarm", user_arn("new-mfa"): "ok", user_arn("new-unlisted"): "skip"}
    assert "list-mfa-devices" in results[user_arn("new-unlisted")]["reason"]


def test_service_specific_credential_without_a_creation_date_is_unknown(tmp_path):
    """ListServiceSpecificCredentials gives each credential's CreateDate; one loaded without it has no known age,
    which is no finding (skip), while one created 200 days before the data is over the 90-day limit."""
    doc = {"ServiceSpecificCredentials": [
        {"UserName": "git", "Status": "Active", "ServiceUserName": "git-at-111122223333",
         "ServiceSpecificCredentialId": "ACCANODATE", "ServiceName": "codecommit.amazonaws.com"},
        {"UserName": "git", "Status": "Active", "ServiceUserName": "git-at-111122223334",
         "ServiceSpecificCredentialId": "ACCAOLD", "ServiceName": "codecommit.amazonaws.com",
         "CreateDate": "2023-08-14T12:00:00Z"}]}
    results = run_loaded(tmp_path, {"list-service-specific-credentials.json": doc},
                         ["iam_service_specific_credential_rotated"])
    unknown, old = results[user_arn("git") + "#ACCANODATE"], results[user_arn("git") + "#ACCAOLD"]
    assert unknown["status"] == "skip", unknown["reason"]
    assert unknown["reason"] == ("The codecommit.amazonaws.com credential ACCANODATE of git has no creation date in the "
                                 "loaded data, so its age is not known.")
    assert old["status"] == "alarm" and "200 days old (more than 90)" in old["reason"], old["reason"]


def test_long_term_key_use_of_a_non_human_user_created_after_the_report(tmp_path):
    """A workload user created after the credential report is not in it; its keys (list-access-keys) and their use
    (get-access-key-last-used, live) are: a key used 2 days before the data is a long-term key in use; a key whose
    use is not loaded is unknown."""
    gaad = {"UserDetailList": [gaad_user(n, "2024-02-20T00:00:00Z") for n in ("svc-late", "svc-late-unread")],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": [], "IsTruncated": False}
    files = {"credential-report.json": report_of([]), "get-account-authorization-details.json": gaad,
             "svc-late.json": listing("svc-late", ("AKIASVCLATE000000001", "Active", "2024-02-20T00:00:05Z")),
             "svc-late-used.json": last_use("svc-late", "AKIASVCLATE000000001", "2024-02-28T10:00:00Z"),
             "svc-late-unread.json": listing("svc-late-unread", ("AKIASVCLATE000000002", "Active", "2024-02-20T00:00:05Z"))}
    results = run_loaded(tmp_path, files, ["nhi_long_term_key_in_use"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("svc-late"): "alarm", user_arn("svc-late-unread"): "skip"}
    assert "AKIASVCLATE000000001 (last used 2024-02-28 on s3)" in results[user_arn("svc-late")]["reason"]
    assert results[user_arn("svc-late-unread")]["reason"] == (
        "The non-human user svc-late-unread, created after the credential report, has access key(s) "
        "AKIASVCLATE000000002 whose use is not loaded: load get-access-key-last-used for each key.")


def test_certificates_and_saml_providers_without_an_expiry_are_unknown(tmp_path):
    """Whether a server certificate (ServerCertificateMetadata.Expiration) or SAML provider (ValidUntil) has expired
    is known only from that date: one loaded without it is skipped, not reported as information; one past it
    alarms, one before it passes."""
    cert = f"arn:aws:iam::{ACCOUNT}:server-certificate/"
    saml = f"arn:aws:iam::{ACCOUNT}:saml-provider/"
    files = {"list-server-certificates.json": {"ServerCertificateMetadataList": [
                 {"Path": "/", "ServerCertificateName": "undated", "ServerCertificateId": "ASCAUNDATED",
                  "Arn": cert + "undated", "UploadDate": "2023-01-01T00:00:00Z"},
                 {"Path": "/", "ServerCertificateName": "expired", "ServerCertificateId": "ASCAEXPIRED",
                  "Arn": cert + "expired", "UploadDate": "2023-01-01T00:00:00Z", "Expiration": "2024-02-01T00:00:00Z"}]},
             "list-saml-providers.json": {"SAMLProviderList": [
                 {"Arn": saml + "Undated", "CreateDate": "2023-01-01T00:00:00Z"},
                 {"Arn": saml + "Okta", "CreateDate": "2023-01-01T00:00:00Z", "ValidUntil": "2124-01-01T00:00:00Z"}]}}
    results = run_loaded(tmp_path, files, ["iam_server_certificate_expired", "iam_saml_provider_valid"])
    assert {resource: row["status"] for (_, resource), row in results.items()} == {
        cert + "undated": "skip", cert + "expired": "alarm", saml + "Undated": "skip", saml + "Okta": "ok"}
    assert results[("iam_saml_provider_valid", saml + "Undated")]["reason"] == (
        "SAML provider Undated has no ValidUntil date in the loaded data, so whether it has expired is not known.")


def test_keys_limited_to_iam_and_sts_are_the_keys_listed_now(tmp_path):
    """The key that makes a user's policies matter is an active one as of the data: list-access-keys (live) shows a
    key deactivated since the credential report (no active key: ok) and one created after it (an active key whose
    policies grant S3: alarm)."""
    def services(name: str) -> dict:
        return {"JobStatus": "COMPLETED", "JobType": "SERVICE_LEVEL", "JobCompletionDate": "2024-03-01T10:01:00Z",
                "IsTruncated": False, "Arn": user_arn(name), "ServicesLastAccessed": [
                    {"ServiceName": "Amazon S3", "ServiceNamespace": "s3", "TotalAuthenticatedEntities": 0}]}
    report = report_of([report_line("deactivated", "2020-01-01T00:00:00+00:00",
                                    key1=("true", "2020-01-01T00:00:00+00:00", "N/A")),
                        report_line("new-key", "2020-01-01T00:00:00+00:00")])
    files = {"credential-report.json": report,
             "deactivated.json": listing("deactivated", ("AKIADEACTIVATED00001", "Inactive", "2020-01-01T00:00:00Z")),
             "new-key.json": listing("new-key", ("AKIANEWKEY0000000001", "Active", "2024-02-10T00:00:00Z")),
             "deactivated-advisor.json": services("deactivated"), "new-key-advisor.json": services("new-key")}
    results = run_loaded(tmp_path, files, ["iam_user_access_key_limited_to_iam_sts"])
    assert {resource: row["status"] for resource, row in results.items()} == {
        user_arn("deactivated"): "ok", user_arn("new-key"): "alarm"}
    assert "(access key AKIANEWKEY0000000001)" in results[user_arn("new-key")]["reason"]


def test_admin_and_service_user_created_after_the_report_are_judged_on_their_login_profile(tmp_path):
    """Users the credential report does not list, with a console password read now (get-login-profile): a full
    administrator with no MFA device listed alarms, one whose devices are not listed is unknown; a non-human user
    (its name matches svc-%) with a password alarms, and get-account-authorization-details, which holds no
    PasswordLastUsed, does not make it "never used"."""
    admin_policy = {"PolicyName": "everything", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
    users = [dict(gaad_user(name, LATE), UserPolicyList=[admin_policy]) for name in ("admin-late", "admin-unlisted")]
    gaad = {"UserDetailList": [*users, gaad_user("svc-late", LATE)], "GroupDetailList": [], "RoleDetailList": [],
            "Policies": [], "IsTruncated": False}
    files = {"credential-report.json": report_of([], FRESH), "get-account-authorization-details.json": gaad,
             "admin-late-devices.json": mfa_listing("admin-late")}
    for name in ("admin-late", "admin-unlisted", "svc-late"):
        files[f"{name}.json"] = login_profile(name)
    results = run_loaded(tmp_path, files, ["iam_admin_user_mfa", "nhi_user_has_console_password"])
    assert {key: row["status"] for key, row in results.items()} == {
        ("iam_admin_user_mfa", user_arn("admin-late")): "alarm",
        ("iam_admin_user_mfa", user_arn("admin-unlisted")): "skip",
        ("iam_admin_user_mfa", user_arn("svc-late")): "ok",
        ("nhi_user_has_console_password", user_arn("svc-late")): "alarm"}
    assert results[("nhi_user_has_console_password", user_arn("svc-late"))]["reason"] == (
        "The non-human user svc-late (its name matches svc-%) has a console password; delete its login profile.")


def test_never_accessed_services_of_a_principal_of_unknown_age_are_unknown(tmp_path):
    """IAM's last-accessed data lists a service never accessed; whether that is a finding depends on the principal's
    age (a principal created within the grace period has not had the time). A role known only from CloudTrail (its
    IAM data not loaded) has no creation date: skip, not alarm; a role list-roles gives, created in 2020, alarms."""
    def services(role: str) -> dict:
        return {"JobStatus": "COMPLETED", "JobType": "SERVICE_LEVEL", "JobCompletionDate": "2024-03-01T10:01:00Z",
                "IsTruncated": False, "Arn": f"arn:aws:iam::{ACCOUNT}:role/{role}", "ServicesLastAccessed": [
                    {"ServiceName": "Amazon S3", "ServiceNamespace": "s3", "TotalAuthenticatedEntities": 0}]}
    roles = {"Roles": [{"Path": "/", "RoleName": "listed", "RoleId": "AROALISTED0000000000",
                        "Arn": f"arn:aws:iam::{ACCOUNT}:role/listed", "CreateDate": "2020-01-01T00:00:00Z",
                        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []}}]}
    record = {"eventVersion": "1.08", "eventTime": "2024-02-25T10:00:00Z", "eventSource": "sts.amazonaws.com",
              "eventName": "GetCallerIdentity", "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
              "userAgent": "aws-cli/2.15.0", "eventID": "0f5a0c1e-0000-4000-8000-000000000001",
              "eventType": "AwsApiCall", "readOnly": True, "recipientAccountId": ACCOUNT, "userIdentity": {
                  "type": "AssumedRole", "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/ghost/session-1",
                  "accountId": ACCOUNT, "sessionContext": {"sessionIssuer": {
                      "type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/ghost", "userName": "ghost"}}}}
    files = {"list-roles.json": roles, "trail.json": {"Records": [record]},
             "listed-advisor.json": services("listed"), "ghost-advisor.json": services("ghost")}
    results = run_loaded(tmp_path, files, ["iam_principal_unused_services"])
    ghost, listed = (results[f"arn:aws:iam::{ACCOUNT}:role/{name}"] for name in ("ghost", "listed"))
    assert ghost["status"] == "skip", ghost["reason"]
    assert "creation date is not loaded" in ghost["reason"], ghost["reason"]
    assert listed["status"] == "alarm", listed["reason"]


# --------------------------------------------------------------------------------------------------------------
# Account password policy (GetAccountPasswordPolicy). AWS's output always gives MinimumPasswordLength (6 to 128,
# 6 when not set) and the four Require* flags; it leaves out MaxPasswordAge and PasswordReusePrevention when they
# are not set (their ranges start at 1; not set means no expiry and no reuse prevention), and ExpirePasswords is
# false when MaxPasswordAge is not present. A NoSuchEntity answer means the account has no custom policy, so AWS's
# default applies: at least 8 characters, three of the four character types, no expiry, no reuse prevention.
# --------------------------------------------------------------------------------------------------------------

ACCOUNT_RESOURCE = f"arn:aws:::{ACCOUNT}"
STRONG_POLICY = {"MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
                 "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
                 "AllowUsersToChangePassword": True, "ExpirePasswords": True, "MaxPasswordAge": 90,
                 "PasswordReusePrevention": 24}
PASSWORD_CONTROLS = ["iam_password_policy_exists", "iam_password_policy_min_length", "iam_password_policy_complexity",
                     "iam_password_policy_expiry", "iam_password_policy_reuse_prevention"]


def password_policy_results(tmp_path: Path, document: dict) -> dict[str, dict]:
    """The password policy controls over ``get-account-password-policy.json`` holding ``document``: control -> row."""
    rows = run_loaded(tmp_path, {"get-account-password-policy.json": document}, PASSWORD_CONTROLS)
    assert {resource for _, resource in rows} == {ACCOUNT_RESOURCE}
    return {control: row for (control, _), row in rows.items()}


def without(*members: str, **values) -> dict:
    """A loaded password policy: the strong policy with ``members`` left out and ``values`` changed."""
    policy = {k: v for k, v in {**STRONG_POLICY, **values}.items() if k not in members}
    return {"PasswordPolicy": policy}


def test_strong_password_policy_at_its_boundaries_is_ok(tmp_path):
    # at least 14 characters, 24 remembered, expiry within 90 days: the limits themselves pass
    results = password_policy_results(tmp_path, without())
    assert {c: r["status"] for c, r in results.items()} == dict.fromkeys(PASSWORD_CONTROLS, "ok"), results


@pytest.mark.parametrize("values, control", [
    ({"MinimumPasswordLength": 13}, "iam_password_policy_min_length"),
    ({"PasswordReusePrevention": 23}, "iam_password_policy_reuse_prevention"),
    ({"MaxPasswordAge": 91}, "iam_password_policy_expiry"),
])
def test_password_policy_just_past_its_limit_alarms(tmp_path, values, control):
    row = password_policy_results(tmp_path, without(**values))[control]
    assert row["status"] == "alarm", row
    assert str(next(iter(values.values()))) in row["reason"], row


def test_password_policy_without_minimum_length_is_unknown(tmp_path):
    # AWS always returns MinimumPasswordLength; an output without it does not say the minimum is 0
    row = password_policy_results(tmp_path, without("MinimumPasswordLength"))["iam_password_policy_min_length"]
    assert row["status"] == "skip", row
    assert "MinimumPasswordLength" in row["reason"], row


def test_password_policy_without_a_character_type_flag_is_unknown_unless_another_is_off(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    unknown = password_policy_results(tmp_path / "a", without("RequireSymbols"))["iam_password_policy_complexity"]
    assert unknown["status"] == "skip", unknown
    assert "RequireSymbols" in unknown["reason"], unknown
    known_off = password_policy_results(tmp_path / "b", without("RequireSymbols", RequireNumbers=False))
    row = known_off["iam_password_policy_complexity"]
    assert row["status"] == "alarm", row
    assert "numbers" in row["reason"] and "symbols" not in row["reason"], row


def test_password_policy_that_expires_passwords_after_an_age_it_does_not_give_is_unknown(tmp_path):
    row = password_policy_results(tmp_path, without("MaxPasswordAge"))["iam_password_policy_expiry"]
    assert row["status"] == "skip", row
    assert row["reason"] and "MaxPasswordAge" in row["reason"], row


def test_password_policy_without_age_or_reuse_members_neither_expires_nor_prevents_reuse(tmp_path):
    # AWS leaves MaxPasswordAge, ExpirePasswords and PasswordReusePrevention out when they are not set
    results = password_policy_results(tmp_path, without("MaxPasswordAge", "ExpirePasswords", "PasswordReusePrevention"))
    assert results["iam_password_policy_expiry"]["status"] == "alarm", results["iam_password_policy_expiry"]
    assert "does not expire" in results["iam_password_policy_expiry"]["reason"]
    reuse = results["iam_password_policy_reuse_prevention"]
    assert reuse["status"] == "alarm" and "does not prevent" in reuse["reason"], reuse


@pytest.mark.parametrize("value", ["x", 90.5, True, [14], {"value": 14}])
def test_password_policy_numbers_that_are_not_whole_numbers_are_unknown(tmp_path, value):
    """A MinimumPasswordLength or MaxPasswordAge that is not a whole number (AWS always writes one) is loaded as
    unknown with a warning naming it, never a failed load or a guess (90.5 read as 90, true as 1): the controls
    that need it skip, saying the value is not given as a whole number."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "get-account-password-policy.json").write_text(json.dumps(without(
        "ExpirePasswords", MinimumPasswordLength=value, MaxPasswordAge=value)))
    con = db.connect(tmp_path / "loaded.duckdb")
    warnings = load_paths(con, [str(folder)], account_id=ACCOUNT, as_of=AS_OF).warnings
    assert sum("is not a whole number" in w for w in warnings) == 2, warnings
    rows = {r["control_id"]: r for r in controls.results(con, controls.run_checks(con, controls=PASSWORD_CONTROLS))}
    con.close()
    for control, says in (("iam_password_policy_min_length", "MinimumPasswordLength as a whole number"),
                          ("iam_password_policy_expiry", "neither ExpirePasswords nor MaxPasswordAge")):
        assert rows[control]["status"] == "skip", rows[control]
        assert says in rows[control]["reason"], rows[control]
    assert rows["iam_password_policy_complexity"]["status"] == "ok", rows["iam_password_policy_complexity"]


@pytest.mark.parametrize("value", ["x", 1.5, True])
def test_password_policy_with_an_unreadable_reuse_count_is_not_loaded(tmp_path, value):
    """AWS leaves PasswordReusePrevention out when reuse is not prevented, so an unreadable one cannot be stored as
    NULL (read as "not prevented"): the output is skipped saying why, and the password controls skip, nothing loaded;
    named on its own, it is an error."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "get-account-password-policy.json").write_text(json.dumps(without(PasswordReusePrevention=value)))
    (folder / "credential-report.json").write_text(json.dumps(report_of([])))  # the account, loaded
    con = db.connect(tmp_path / "loaded.duckdb")
    skipped = load_paths(con, [str(folder)], account_id=ACCOUNT, as_of=AS_OF).skipped
    assert [reason for _, reason in skipped] == [
        f"PasswordReusePrevention is not a whole number ({json.dumps(value)}): how many passwords the policy "
        "remembers is unknown"]
    rows = controls.results(con, controls.run_checks(con, controls=["iam_password_policy_reuse_prevention"]))
    assert [(r["status"], r["reason"]) for r in rows] == [(
        "skip", f"No aws_iam_account_password_policy data is loaded for account {ACCOUNT}; load it to evaluate "
        "this control.")]
    with pytest.raises(InputError, match="PasswordReusePrevention is not a whole number"):
        load_paths(con, [str(folder / "get-account-password-policy.json")], account_id=ACCOUNT, as_of=AS_OF)
    con.close()


def test_password_policy_max_age_not_a_whole_number_under_expire_passwords_is_unknown(tmp_path):
    row = password_policy_results(tmp_path, without(MaxPasswordAge="x"))["iam_password_policy_expiry"]
    assert row["status"] == "skip", row
    assert "expires passwords but does not give MaxPasswordAge as a whole number" in row["reason"], row


@pytest.mark.parametrize("written", [14.0, "14", " 14"])
def test_password_policy_whole_numbers_written_otherwise_are_read(tmp_path, written):
    age = written if isinstance(written, float) else str(written).replace("14", "90")
    results = password_policy_results(tmp_path, without("ExpirePasswords", MinimumPasswordLength=written,
                                                        MaxPasswordAge=age))
    assert results["iam_password_policy_min_length"]["status"] == "ok", results["iam_password_policy_min_length"]
    assert "at least 14 characters" in results["iam_password_policy_min_length"]["reason"]
    expiry = results["iam_password_policy_expiry"]
    assert expiry["status"] == "ok" and "after " in expiry["reason"], expiry


def test_password_policy_with_a_null_max_age_does_not_expire_passwords(tmp_path):
    # JSON null is not a value: MaxPasswordAge not present, so ExpirePasswords is false (AWS's rule)
    row = password_policy_results(tmp_path, without("ExpirePasswords", MaxPasswordAge=None))["iam_password_policy_expiry"]
    assert row["status"] == "alarm" and "does not expire" in row["reason"], row


def test_no_such_password_policy_is_judged_on_aws_default(tmp_path):
    results = password_policy_results(tmp_path, {
        "Code": "NoSuchEntity", "Message": f"The Password Policy with domain name {ACCOUNT} cannot be found."})
    assert {c: r["status"] for c, r in results.items()} == dict.fromkeys(PASSWORD_CONTROLS, "alarm"), results
    assert "default minimum is 8" in results["iam_password_policy_min_length"]["reason"]
    assert "three of" in results["iam_password_policy_complexity"]["reason"]
    assert "never expire" in results["iam_password_policy_expiry"]["reason"]
    assert "may be reused" in results["iam_password_policy_reuse_prevention"]["reason"]


S3_AND_REGION_CONTROLS = ["cloudtrail_multi_region_trail_enabled", "cloudtrail_s3_data_events_read",
                  "cloudtrail_s3_data_events_write"]


@pytest.mark.parametrize(("described", "status"), [(None, "skip"), (False, "alarm"), (True, "ok")])
def test_a_trail_without_its_describe_trails_entry_may_be_multi_region(tmp_path, described, status):
    """A trail known from get-trail-status and get-event-selectors alone (every management event, S3 data events of
    all buckets) may be multi-region: IsMultiRegionTrail is only in describe-trails. Unknown skips; the entry decides."""
    arn = f"arn:aws:cloudtrail:eu-west-1:{ACCOUNT}:trail/team-trail"
    files = {
        "get-trail-status.json": {"IsLogging": True, "LatestDeliveryTime": "2024-03-01T11:00:00Z", "TrailARN": arn},
        "get-event-selectors.json": {"TrailARN": arn, "EventSelectors": [
            {"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": [],
             "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]},
    }
    if described is not None:
        files["describe-trails.json"] = {"trailList": [trail_entry(arn, "eu-west-1", multi_region=described,
                                                                   organization=False)]}
    results = run_loaded(tmp_path, files, S3_AND_REGION_CONTROLS)
    by_control = {r["control_id"]: r for r in results.values()}
    assert {c: r["status"] for c, r in by_control.items()} == dict.fromkeys(S3_AND_REGION_CONTROLS, status)
    if described is None:  # the trail is known, not the account's list of trails
        assert all(r["reason"].startswith(f"Only part of aws_cloudtrail_trail is loaded for account {ACCOUNT}")
                   for r in by_control.values())


# The credential report gives access_key_N_last_rotated N/A only for a key that is not active (IAM User Guide,
# "Getting credential reports"): an active key with N/A there has a creation time the report does not give, which is
# not the user's creation. list-access-keys (ListAccessKeys, live) gives the key's CreateDate; without it the key's
# age is unknown and the rotation, grace-period and set-up-key controls cannot judge it.
UNDATED_KEY = ("true", "N/A", "N/A")


def test_an_active_key_without_a_rotation_date_is_not_as_old_as_its_user(tmp_path):
    """A user created in 2020 (with a console password) whose active key's last_rotated is N/A: taking the user's
    creation would call the key four years old (rotation alarm, past the grace period) and made with the user
    (set-up key alarm); its age is unknown, so each control skips saying why."""
    files = {"credential-report.json": report_of([
        report_line("svc-undated", "2020-01-01T00:00:00+00:00", password="true", key1=UNDATED_KEY)], FRESH)}
    ids = ["iam_access_key_rotated", "nhi_access_key_rotated", "iam_user_unused_access_key",
           "iam_user_no_access_key_at_setup"]
    results = run_loaded(tmp_path, files, ids)
    for control_id in ids[:3]:
        row = results[(control_id, user_arn("svc-undated") + "#access_key_1")]
        assert row["status"] == "skip", (control_id, row["reason"])
        assert "no creation or rotation time" in row["reason"] and "(N/A)" in row["reason"], (control_id, row["reason"])
    setup = results[("iam_user_no_access_key_at_setup", user_arn("svc-undated"))]
    assert setup["status"] == "skip", setup["reason"]
    assert "creation time is unknown" in setup["reason"], setup["reason"]


def test_an_active_key_without_a_rotation_date_takes_its_listed_create_date(tmp_path):
    """Where list-access-keys of the user is loaded, the slot's key is the listed key created by the report that no
    dated slot holds: judged by its CreateDate (100 days: over the 90-day limit; 20 days: rotated) and by the
    report's last use, as the slot's key, not as a key created after the report."""
    files = {"credential-report.json": report_of([
        report_line("old-key", "2020-01-01T00:00:00+00:00", key1=("true", "N/A", "2024-02-29T00:00:00+00:00")),
        report_line("new-key", "2020-01-01T00:00:00+00:00", key1=("true", "N/A", "2024-02-29T00:00:00+00:00"))],
        FRESH),
        "old-key.json": listing("old-key", ("AKIAOLDKEY0000000001", "Active", "2023-11-22T12:00:00Z")),
        "new-key.json": listing("new-key", ("AKIANEWKEY0000000009", "Active", "2024-02-10T12:00:00Z"))}
    results = run_loaded(tmp_path, files, ["iam_access_key_rotated", "iam_user_unused_access_key"])
    old = results[("iam_access_key_rotated", user_arn("old-key") + "#access_key_1")]
    assert old["status"] == "alarm" and "100 days old" in old["reason"], old["reason"]
    new = results[("iam_access_key_rotated", user_arn("new-key") + "#access_key_1")]
    assert new["status"] == "ok" and "20 days old" in new["reason"], new["reason"]
    used = results[("iam_user_unused_access_key", user_arn("old-key") + "#access_key_1")]
    assert used["status"] == "ok" and "last used 1 day before" in used["reason"], used["reason"]


DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(("boundary_uses", "status"), [(None, "skip"), (0, "alarm"), (2, "ok")])
def test_a_policy_attached_nowhere_may_be_a_permissions_boundary(tmp_path, boundary_uses, status):
    """The policy of the AWS CLI's own get-policy example has AttachmentCount 0 and no PermissionsBoundaryUsageCount
    (listed by list-policies, which returns the same Policy objects): it is attached to nothing, but whether it is a
    permissions boundary is not known, so it is not called unused; with the count (as AWS returns it now) it is
    judged."""
    policy = json.loads((DATA / "aws_cli_examples/json/iam/get-policy_1.json").read_text())["Policy"]
    policy["CreateDate"] = policy["UpdateDate"]  # the example's CreateDate has a typo (19:23;32)
    if boundary_uses is not None:
        policy["PermissionsBoundaryUsageCount"] = boundary_uses
    arn = policy["Arn"] = policy["Arn"].replace("123456789012", ACCOUNT)
    row = run_loaded(tmp_path, {"list-policies.json": {"Policies": [policy]}},
                     ["iam_policy_unused_customer_managed"])[arn]
    assert row["status"] == status, row["reason"]
    if boundary_uses is None:
        assert "PermissionsBoundaryUsageCount" in row["reason"], row["reason"]


# --------------------------------------------------------------------------------------------------------------
# IAM Identity Center customer managed policy references: a reference is a policy name and path (Path defaults to
# "/") that must match an IAM policy in each account where the permission set is provisioned; the permission set
# grants there what that account's own policy of that name and path grants.
# --------------------------------------------------------------------------------------------------------------

SSO_INSTANCE = "arn:aws:sso:::instance/ssoins-7223d4c5e6f7a8b9"
OTHER_ACCOUNT = "444455556666"


def permission_set_outputs(name: str, references: list[dict] | None, assigned_in: list[str]) -> dict[str, dict]:
    """The sso-admin outputs of one permission set with no inline and no AWS managed policy and no permissions
    boundary, the customer managed policy ``references`` (None: that listing not saved) and a group assignment in each account of ``assigned_in``."""
    arn = f"arn:aws:sso:::permissionSet/ssoins-7223d4c5e6f7a8b9/ps-{name.lower():0>16}"
    named = {"InstanceArn": SSO_INSTANCE, "PermissionSetArn": arn}
    files = {
        f"sso-admin/describe-permission-set/{name}.json": {"PermissionSet": {
            "Name": name, "PermissionSetArn": arn, "CreatedDate": "2023-05-01T10:00:00Z", "SessionDuration": "PT1H"}},
        f"sso-admin/get-inline-policy-for-permission-set/{name}.json": {**named, "InlinePolicy": ""},
        f"sso-admin/list-managed-policies-in-permission-set/{name}.json": {**named, "AttachedManagedPolicies": []},
        f"sso-admin/get-permissions-boundary-for-permission-set/{name}.json": {**named, "PermissionsBoundary": {}},
        f"sso-admin/list-account-assignments/{name}.json": {"AccountAssignments": [
            {"AccountId": account, "PermissionSetArn": arn, "PrincipalType": "GROUP",
             "PrincipalId": "c4d8b4a8-0001-7000-8000-00000000beef"} for account in assigned_in]},
    }
    if references is not None:
        files[f"sso-admin/list-customer-managed-policy-references-in-permission-set/{name}.json"] = {
            **named, "CustomerManagedPolicyReferences": references}
    return files


def permission_set_listing(files: dict[str, dict]) -> dict[str, dict]:
    """The instance's list-permission-sets naming every permission set the ``files`` describe: without it the
    permission sets described are part of the table only, and the control skips the account."""
    return {"sso-admin/list-permission-sets.json": {"PermissionSets": [
        document["PermissionSet"]["PermissionSetArn"] for name, document in files.items()
        if "/describe-permission-set/" in name]}}


def customer_policy(path: str, name: str, actions, resources="*", account: str = ACCOUNT) -> dict:
    """A get-account-authorization-details customer managed policy of ``account``, attached to nothing there."""
    document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": resources}]}
    return {"PolicyName": name, "PolicyId": f"ANPA{name.upper().replace('-', ''):0<17}", "Path": path,
            "Arn": f"arn:aws:iam::{account}:policy{path}{name}", "DefaultVersionId": "v1", "AttachmentCount": 0,
            "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": "2023-05-01T10:00:00Z",
            "UpdateDate": "2023-05-01T10:00:00Z", "PolicyVersionList": [
                {"Document": document, "VersionId": "v1", "IsDefaultVersion": True,
                 "CreateDate": "2023-05-01T10:00:00Z"}]}


def test_customer_managed_policy_references_are_judged_by_each_assigned_accounts_policy(tmp_path):
    """A permission set whose only administrator rights come from a referenced customer managed policy alarms when
    the policy of that name and path in an account it is assigned in grants everything; where that account's policy
    is not loaded, or no assignment is loaded, the permission set is unjudged (skip, naming the reference), never
    ok, as is one whose references were not listed; a reference to a scoped policy is ok."""
    admin_ref = {"Name": "platform-admin", "Path": "/platform/"}
    files = {"sso-admin/list-instances.json": {"Instances": [
                 {"InstanceArn": SSO_INSTANCE, "IdentityStoreId": "d-90670a1b2c", "OwnerAccountId": ACCOUNT,
                  "Status": "ACTIVE"}]},
             "get-account-authorization-details.json": {
                 "UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [
                     customer_policy("/platform/", "platform-admin", "*"),
                     customer_policy("/", "ec2-reader", ["ec2:Describe*"])]},
             **permission_set_outputs("Platform", [admin_ref], [ACCOUNT]),
             **permission_set_outputs("Reader", [{"Name": "ec2-reader"}], [ACCOUNT]),
             **permission_set_outputs("Remote", [admin_ref], [OTHER_ACCOUNT]),
             **permission_set_outputs("Unassigned", [admin_ref], []),
             **permission_set_outputs("Unlisted", None, [ACCOUNT])}
    files.update(permission_set_listing(files))
    found = {row["reason"].split()[2]: row for row in run_loaded(tmp_path, files, ["sso_permission_set_admin"]).values()}
    assert found["Platform"]["status"] == "alarm", found["Platform"]
    assert ("through the customer managed policy /platform/platform-admin in " + ACCOUNT) in found["Platform"]["reason"]
    assert found["Reader"]["status"] == "ok", found["Reader"]
    assert found["Remote"]["status"] == "skip", found["Remote"]
    assert "/platform/platform-admin in " + OTHER_ACCOUNT in found["Remote"]["reason"], found["Remote"]
    assert found["Unassigned"]["status"] == "skip", found["Unassigned"]
    assert "/platform/platform-admin (no assignment loaded)" in found["Unassigned"]["reason"], found["Unassigned"]
    assert found["Unlisted"]["status"] == "skip", found["Unlisted"]
    assert "list-customer-managed-policy-references-in-permission-set" in found["Unlisted"]["reason"], found["Unlisted"]


def test_a_permission_set_is_judged_in_each_account_by_that_accounts_policies(tmp_path):
    """The policies a permission set's references and its boundary reference name are each assigned account's own
    (IAM Identity Center API Reference, CustomerManagedPolicyReference: an IAM policy that matches the name and path
    in each account where the set is deployed), so each account the set is assigned in gets its own verdict and its
    own holders. Split references ops and is bounded by limit: in ACCOUNT, the Identity Center account, ops grants
    everything and limit allows only ec2:Describe*, so no administrator there. Mixed references ops alone: an
    administrator in ACCOUNT, held by the group assigned there only. In OTHER_ACCOUNT (its policies loaded, ops scoped,
    limit allowing everything) and in an account with nothing loaded, each account being checked with its own data
    alone, the other account's policies are not judged: skip saying so, never ok, never the admin verdict of ACCOUNT."""
    third = "777788889999"
    split = permission_set_outputs("Split", [{"Name": "ops", "Path": "/platform/"}], [ACCOUNT, OTHER_ACCOUNT])
    split_arn = split["sso-admin/describe-permission-set/Split.json"]["PermissionSet"]["PermissionSetArn"]
    split["sso-admin/get-permissions-boundary-for-permission-set/Split.json"]["PermissionsBoundary"] = {
        "CustomerManagedPolicyReference": {"Name": "limit", "Path": "/platform/"}}
    mixed = permission_set_outputs("Mixed", [{"Name": "ops", "Path": "/platform/"}], [ACCOUNT, OTHER_ACCOUNT, third])
    mixed_arn = mixed["sso-admin/describe-permission-set/Mixed.json"]["PermissionSet"]["PermissionSetArn"]
    accounts = {
        ACCOUNT: {"sso-admin/list-instances.json": {"Instances": [
                      {"InstanceArn": SSO_INSTANCE, "IdentityStoreId": "d-90670a1b2c", "OwnerAccountId": ACCOUNT,
                       "Status": "ACTIVE"}]},
                  **split, **mixed, **permission_set_listing({**split, **mixed}),
                  "gaad.json": {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [
                      customer_policy("/platform/", "ops", "*"),
                      customer_policy("/platform/", "limit", ["ec2:Describe*"])]}},
        OTHER_ACCOUNT: {"gaad.json": {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [
            customer_policy("/platform/", "ops", ["ec2:Describe*"], account=OTHER_ACCOUNT),
            customer_policy("/platform/", "limit", "*", account=OTHER_ACCOUNT)]}}}
    con = db.connect(tmp_path / "organization.duckdb")
    for account, files in accounts.items():
        for name, document in files.items():
            (tmp_path / account / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / account / name).write_text(json.dumps(document))
        load_paths(con, [str(tmp_path / account)], account_id=account, as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=["sso_permission_set_admin"]))
    con.close()
    found = {row["resource"]: (row["status"], row["reason"]) for row in rows if "permissionSet" in row["resource"]}
    assert {resource: status for resource, (status, _) in found.items()} == {
        f"{split_arn}#{ACCOUNT}": "ok", f"{split_arn}#{OTHER_ACCOUNT}": "skip",
        f"{mixed_arn}#{ACCOUNT}": "alarm", f"{mixed_arn}#{OTHER_ACCOUNT}": "skip", f"{mixed_arn}#{third}": "skip"}
    assert "permissions boundary /platform/limit in " + ACCOUNT in found[f"{split_arn}#{ACCOUNT}"][1]
    alarm = found[f"{mixed_arn}#{ACCOUNT}"][1]
    assert "/platform/ops in " + ACCOUNT in alarm and "held by group" in alarm and OTHER_ACCOUNT not in alarm
    for account in (OTHER_ACCOUNT, third):
        reason = found[f"{mixed_arn}#{account}"][1]
        assert f"/platform/ops in {account}, a policy of account {account}" in reason, reason
        assert f"Identity Center account {ACCOUNT} does not read" in reason, reason
