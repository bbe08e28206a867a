"""Controls against what AWS documents, one scenario per documented rule a control got wrong before.

Each test builds the smallest account that shows the rule, the way tests/test_controls_iam.py and
tests/test_controls_cloudtrail.py build theirs, and names the AWS statement it checks.
"""

from datetime import datetime, timedelta, timezone

import pytest

from iamsql import controls
from iamsql.store import db

from .cloudtrail_events import load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


def run_rows(tmp_path, accounts: dict, control_ids: list[str], params=None, name="semantics") -> list[dict]:
    """The result rows of the controls on a new database holding ``accounts`` (no errors, no repeated resource)."""
    con = db.connect(tmp_path / f"{name}.duckdb")
    load_accounts(con, accounts, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=control_ids, params=params))
    con.close()
    assert [r for r in rows if r["status"] == "error"] == []
    keys = [(r["control_id"], r["account_id"], r["resource"]) for r in rows]
    assert len(keys) == len(set(keys)), keys
    return rows


def run(tmp_path, accounts: dict, control_ids: list[str], params=None, name="semantics") -> dict[tuple[str, str], dict]:
    """(control_id, resource) -> result row of the controls on a new database holding ``accounts``."""
    return {(r["control_id"], r["resource"]): r for r in run_rows(tmp_path, accounts, control_ids, params, name)}


# --------------------------------------------------------------------------------------------------------------
# CloudTrail: a trail that excludes management event sources does not record every management event.
# EventSelector.ExcludeManagementEventSources (CloudTrail API reference): "An optional list of service event
# sources from which you do not want management events to be logged on your trail ... kms.amazonaws.com or
# rdsdata.amazonaws.com". AWS Config's multi-region-cloudtrail-enabled: "The rule is NON_COMPLIANT if the
# ExcludeManagementEventSources field is not empty or if AWS CloudTrail is configured to exclude management
# events such as AWS KMS events or Amazon RDS Data API events." A trail logs an event that matches any of its
# selectors, so an exclusion only matters when no other selector brings the events back.
# --------------------------------------------------------------------------------------------------------------

X1, X2, X3, X4 = "810000000001", "810000000002", "810000000003", "810000000004"


def trail(account, name, **values):
    return {
        "name": name,
        "arn": f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}",
        "home_region": "us-east-1",
        "region": "us-east-1",
        "account_id": account,
        "partition": "aws",
        "is_multi_region_trail": True,
        "is_logging": True,
        "log_file_validation_enabled": True,
        "has_custom_event_selectors": True,
        **values,
    }


NO_KMS = [
    {"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}
]
NO_KMS_ADVANCED = [
    {
        "Name": "management without KMS",
        "FieldSelectors": [
            {"Field": "eventCategory", "Equals": ["Management"]},
            {"Field": "eventSource", "NotEquals": ["kms.amazonaws.com", "rdsdata.amazonaws.com"]},
        ],
    }
]
# a second selector with no exclusion brings the KMS events back: the trail records them all
BACK = [*NO_KMS, {"ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": []}]
# the exclusion applies to the write events only: reads are complete, KMS writes are missing
WRITES_WITHOUT_KMS = [
    {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True},
    {
        "ReadWriteType": "WriteOnly",
        "IncludeManagementEvents": True,
        "ExcludeManagementEventSources": ["kms.amazonaws.com"],
    },
]
EXCLUSION_TRAILS = {
    X1: {"aws_cloudtrail_trail": [trail(X1, "no-kms", event_selectors=NO_KMS)]},
    X2: {"aws_cloudtrail_trail": [trail(X2, "no-kms-advanced", advanced_event_selectors=NO_KMS_ADVANCED)]},
    X3: {"aws_cloudtrail_trail": [trail(X3, "kms-back", event_selectors=BACK)]},
    X4: {"aws_cloudtrail_trail": [trail(X4, "writes-no-kms", event_selectors=WRITES_WITHOUT_KMS)]},
}


def test_trail_excluding_management_event_sources_does_not_record_all_management_events(tmp_path):
    ids = ["cloudtrail_management_events_read_write", "cloudtrail_multi_region_trail_enabled"]
    found = run(tmp_path, EXCLUSION_TRAILS, ids)
    for account, name, status in [
        (X1, "no-kms", "alarm"),
        (X2, "no-kms-advanced", "alarm"),
        (X3, "kms-back", "ok"),
        (X4, "writes-no-kms", "alarm"),
    ]:
        row = found[("cloudtrail_management_events_read_write", f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}")]
        assert row["status"] == status, row["reason"]
        account_row = found[("cloudtrail_multi_region_trail_enabled", f"arn:aws:::{account}")]
        assert account_row["status"] == status, account_row["reason"]
        if status == "alarm":
            assert "kms.amazonaws.com" in row["reason"], row["reason"]
            assert "kms.amazonaws.com" in account_row["reason"], account_row["reason"]
    assert (
        "records no management events"
        not in found[("cloudtrail_management_events_read_write", f"arn:aws:cloudtrail:us-east-1:{X1}:trail/no-kms")][
            "reason"
        ]
    )


# --------------------------------------------------------------------------------------------------------------
# IAM Access Analyzer: an analyzer that is not ACTIVE analyzes nothing. AnalyzerSummary.status is ACTIVE,
# CREATING, DISABLED or FAILED; statusReason explains a FAILED one (e.g. AWS_SERVICE_ACCESS_DISABLED,
# ORGANIZATION_DELETED). Its lack of findings says nothing about the account's resources.
# --------------------------------------------------------------------------------------------------------------


def test_an_analyzer_that_is_not_active_does_not_vouch_for_no_findings(tmp_path):
    from .test_controls_identity import ACCOUNT, ANALYZER_ARN, analyzer, check

    outputs = {
        "us-east-1/list-analyzers.json": {
            "analyzers": [
                analyzer("us-east-1", "external"),
                analyzer("us-east-1", "broken", status="FAILED"),
                analyzer("us-east-1", "off", "ORGANIZATION", status="DISABLED"),
            ]
        },
        "us-east-1/list-findings/external.json": {"AnalyzerArn": ANALYZER_ARN, "findings": []},
    }
    found = check(tmp_path, outputs, "accessanalyzer_no_active_external_findings")
    analyzer_arn = f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/"
    assert found[analyzer_arn + "external"][0] == "ok", found
    for name, status in [("broken", "FAILED"), ("off", "DISABLED")]:
        assert found[analyzer_arn + name][0] == "skip", found[analyzer_arn + name]
        assert status in found[analyzer_arn + name][1]


# --------------------------------------------------------------------------------------------------------------
# Service-specific credentials belong to a user whose ARN carries its path: "arn:aws:iam::123456789012:user/
# division_abc/subdivision_xyz/Bob" (IAM User Guide, "IAM identifiers"). The resource of a credential is its
# user's ARN plus the credential id, like the access-key resources, so it must not drop the path.
# --------------------------------------------------------------------------------------------------------------


def test_service_specific_credential_resource_keeps_the_user_path(tmp_path):
    account = "820000000001"
    path_arn = f"arn:aws:iam::{account}:user/ci/build/gitbot"
    accounts = {
        account: {
            "aws_iam_user": [
                {
                    "name": "gitbot",
                    "arn": path_arn,
                    "path": "/ci/build/",
                    "create_date": "2020-01-01T00:00:00Z",
                    "account_id": account,
                    "partition": "aws",
                    "region": "global",
                }
            ],
            "aws_iam_service_specific_credential": [
                {
                    "service_name": "codecommit.amazonaws.com",
                    "service_specific_credential_id": "ACCAOLD",
                    "user_name": "gitbot",
                    "status": "Active",
                    "create_date": "2023-01-01T00:00:00Z",
                    "account_id": account,
                    "partition": "aws",
                    "region": "global",
                },
                # a user that is not in the loaded IAM data keeps the path-less form
                {
                    "service_name": "codecommit.amazonaws.com",
                    "service_specific_credential_id": "ACCAGONE",
                    "user_name": "ghost",
                    "status": "Active",
                    "create_date": "2024-05-20T00:00:00Z",
                    "account_id": account,
                    "partition": "aws",
                    "region": "global",
                },
            ],
        }
    }
    found = run(tmp_path, accounts, ["iam_service_specific_credential_rotated"])
    assert found[("iam_service_specific_credential_rotated", path_arn + "#ACCAOLD")]["status"] == "alarm"
    assert (
        found[("iam_service_specific_credential_rotated", f"arn:aws:iam::{account}:user/ghost#ACCAGONE")]["status"]
        == "ok"
    )

    # without any user listing the control still runs on the credentials alone
    del accounts[account]["aws_iam_user"]
    found = run(tmp_path, accounts, ["iam_service_specific_credential_rotated"], name="no-users")
    assert (
        found[("iam_service_specific_credential_rotated", f"arn:aws:iam::{account}:user/gitbot#ACCAOLD")]["status"]
        == "alarm"
    )


# --------------------------------------------------------------------------------------------------------------
# S3 object-level logging needs a trail that is logging: GetTrailStatus IsLogging "Whether the CloudTrail trail
# is currently logging Amazon Web Services API calls". A trail whose status was not collected may be stopped, so
# it cannot make the account pass (unknown is not ok); a stopped trail records nothing and the reason says so.
# --------------------------------------------------------------------------------------------------------------

S1, S2, S3_ = "830000000001", "830000000002", "830000000003"
S3_ALL = [
    {
        "ReadWriteType": "All",
        "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
    }
]


@pytest.mark.parametrize("control_id", ["cloudtrail_s3_data_events_read", "cloudtrail_s3_data_events_write"])
def test_s3_object_logging_needs_a_trail_known_to_be_logging(tmp_path, control_id):
    accounts = {
        S1: {"aws_cloudtrail_trail": [trail(S1, "status-unknown", is_logging=None, event_selectors=S3_ALL)]},
        S2: {"aws_cloudtrail_trail": [trail(S2, "stopped", is_logging=False, event_selectors=S3_ALL)]},
        S3_: {"aws_cloudtrail_trail": [trail(S3_, "logging", event_selectors=S3_ALL)]},
    }
    found = run(tmp_path, accounts, [control_id])
    unknown, stopped, logging = (found[(control_id, f"arn:aws:::{a}")] for a in (S1, S2, S3_))
    assert unknown["status"] == "skip", unknown["reason"]
    assert "get-trail-status" in unknown["reason"]
    assert stopped["status"] == "alarm" and "not logging" in stopped["reason"], stopped["reason"]
    assert logging["status"] == "ok", logging["reason"]


# --------------------------------------------------------------------------------------------------------------
# A root user without a password and without access keys (its credentials removed, e.g. through AWS
# Organizations centralized root access) cannot sign in, so it needs no MFA device of any kind:
# iam_root_mfa_enabled already passes it (GetAccountSummary AccountPasswordPresent = 0); the hardware-MFA
# control must not demand a hardware key for a user that cannot sign in.
# --------------------------------------------------------------------------------------------------------------


def test_root_without_credentials_needs_no_hardware_mfa(tmp_path):
    from .test_controls_iam import report_row

    gone, kept = "840000000001", "840000000002"
    accounts = {
        gone: {
            "aws_iam_credential_report": [report_row(gone, "<root_account>", password_enabled=True)],
            "aws_iam_account_summary": [
                {"account_password_present": False, "account_id": gone, "partition": "aws", "region": "global"}
            ],
            "aws_iam_virtual_mfa_device": [],
        },
        # the password is there (or not known to be gone): no MFA is an alarm
        kept: {
            "aws_iam_credential_report": [report_row(kept, "<root_account>", password_enabled=True)],
            "aws_iam_virtual_mfa_device": [],
        },
    }
    ids = ["iam_root_hardware_mfa_enabled", "iam_root_mfa_enabled"]
    found = run(tmp_path, accounts, ids)
    for control_id in ids:
        assert found[(control_id, f"arn:aws:iam::{gone}:root")]["status"] == "ok", found[
            (control_id, f"arn:aws:iam::{gone}:root")
        ]
        assert found[(control_id, f"arn:aws:iam::{kept}:root")]["status"] == "alarm"


# --------------------------------------------------------------------------------------------------------------
# StopLogging, UpdateTrail, DeleteTrail... take the trail as `name`, which CloudTrail accepts either as the trail
# name or as its ARN (CloudTrail API reference, StopLogging: "Name: ... the name or the CloudTrail ARN of the
# trail"). Two calls on the same trail, one by name and one by ARN, are changes to one resource: one row.
# --------------------------------------------------------------------------------------------------------------


def test_trail_tampering_names_a_trail_once_whether_called_by_name_or_arn(tmp_path):
    from .cloudtrail_events import event

    account = "850000000001"
    day = AS_OF - timedelta(days=3)
    trail_arn = f"arn:aws:cloudtrail:us-east-1:{account}:trail/org-trail"
    events = [
        event(
            account, day, "StopLogging", source="cloudtrail.amazonaws.com", user="eve", request={"name": "org-trail"}
        ),
        event(
            account,
            day + timedelta(hours=1),
            "UpdateTrail",
            source="cloudtrail.amazonaws.com",
            user="eve",
            request={"name": trail_arn, "isMultiRegionTrail": False},
        ),
        event(account, day, "ListUsers", user="alice", read_only=True),
    ]
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": events}}, ["cloudtrail_event_trail_tampering"])
    rows = [r for (control_id, _), r in found.items() if control_id == "cloudtrail_event_trail_tampering"]
    assert [r["resource"] for r in rows] == [trail_arn], [(r["resource"], r["reason"]) for r in rows]
    assert "StopLogging" in rows[0]["reason"]
    assert "UpdateTrail: made a single-Region trail" in rows[0]["reason"]


# --------------------------------------------------------------------------------------------------------------
# IAM Identity Center provisions a role per permission set in each assigned account, under the path
# /aws-reserved/sso.amazonaws.com/ (name AWSReservedSSO_<permission set>_<suffix>); workforce users sign in to
# Identity Center and get sessions of these roles (IAM Identity Center User Guide, "Using IAM roles" /
# permission sets). They are people's roles, even when the person runs only the CLI or Terraform, and even when
# the role is seen only in CloudTrail (its SAML trust, which marks it as human, not loaded).
# --------------------------------------------------------------------------------------------------------------


def test_identity_center_roles_are_human_even_when_seen_only_in_cloudtrail(tmp_path):
    from .cloudtrail_events import event

    account = "860000000001"
    sso_role = "aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef"
    events = [
        event(
            account,
            AS_OF - timedelta(hours=i + 1),
            "DescribeInstances",
            source="ec2.amazonaws.com",
            role=sso_role,
            ip=f"198.51.100.{i + 1}",
            agent=f"aws-cli/2.15.{i} Python/3.11.6 Linux/6.1",
            read_only=True,
        )
        for i in range(8)
    ]
    con = db.connect(tmp_path / "sso.duckdb")
    load_accounts(con, {account: {"aws_cloudtrail_trail_event": events}}, AS_OF)
    controls.create_views(con)
    row = con.execute("select is_nhi, nhi_rule from iam_principal where principal_type = 'role'").fetchall()
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_event_nhi_reuse_many_sources"]))
    con.close()
    assert row == [(False, "path_identity_center")]
    # no non-human identity acted, so the role is not judged as a reused workload credential
    assert [(r["resource"], r["status"]) for r in rows] == [(f"arn:aws:::{account}", "skip")], rows


# --------------------------------------------------------------------------------------------------------------
# A cross-account AssumeRole is one action that CloudTrail delivers to both accounts: the caller's and the role
# owner's (CloudTrail record contents, sharedEventID: "events from the same AWS action that is sent to
# different AWS accounts"; each copy's recipientAccountId is the account that received it). In the caller's
# copy, the role belongs to the other account and the "outside" caller is the audited account itself: it is
# outbound use, not a role of this account assumed from outside.
# --------------------------------------------------------------------------------------------------------------


def test_cross_account_role_use_judges_only_the_audited_accounts_roles(tmp_path):
    from .cloudtrail_events import event

    caller, owner = "870000000001", "870000000002"
    owner_role = f"arn:aws:iam::{owner}:role/shared-reader"

    def assume(recipient):
        row = event(
            recipient,
            AS_OF - timedelta(days=2),
            "AssumeRole",
            source="sts.amazonaws.com",
            user="dev",
            read_only=True,
            request={"roleArn": owner_role, "roleSessionName": "s"},
        )
        row["user_identity"]["accountId"] = caller
        row["user_identity"]["arn"] = f"arn:aws:iam::{caller}:user/dev"
        return row

    accounts = {
        caller: {"aws_cloudtrail_trail_event": [assume(caller)]},
        owner: {"aws_cloudtrail_trail_event": [assume(owner)]},
    }
    by_account = {}
    for row in run_rows(tmp_path, accounts, ["cloudtrail_event_cross_account_role_use"]):
        by_account.setdefault(row["account_id"], []).append((row["resource"], row["status"]))
    assert by_account[owner] == [(owner_role, "alarm")]
    # the caller's copy: the role is not this account's; nothing of this account was assumed from outside
    assert by_account[caller] == [(f"arn:aws:::{caller}", "ok")], by_account[caller]


# --------------------------------------------------------------------------------------------------------------
# "N days" limits are limits in time, not in whole days. CIS AWS Foundations: "Ensure credentials unused for 45
# days or more are disabled" and "Ensure access keys are rotated every 90 days or less"; a key last rotated 90 days
# and 5 hours before the data was taken is older than 90 days, although its age in whole days is 90.
# --------------------------------------------------------------------------------------------------------------


def test_day_limits_are_compared_to_the_second(tmp_path):
    account = "830000000001"
    base = {"account_id": account, "partition": "aws", "region": "global"}

    def ago(days: float, hours: float = 0) -> str:
        return (AS_OF - timedelta(days=days, hours=hours)).isoformat()

    def report_row(user: str, **values) -> dict:
        return {"user_name": user, "user_arn": f"arn:aws:iam::{account}:user/{user}", "user_creation_time": ago(400),
                "generated_time": AS_OF.isoformat(), "password_enabled": False, "mfa_active": True,
                "access_key_1_active": False, "access_key_2_active": False, **base, **values}

    def role(name: str, created: str, last_used: str | None) -> dict:
        return {"name": name, "arn": f"arn:aws:iam::{account}:role/{name}", "path": "/", "create_date": created,
                "role_last_used_date": last_used, "attached_policy_arns": [], **base}

    def credential(key: str, created: str) -> dict:
        return {"service_name": "codecommit.amazonaws.com", "service_specific_credential_id": key, "user_name": "git",
                "status": "Active", "create_date": created, **base}

    accounts = {account: {
        "aws_iam_credential_report": [
            # just past the limits: 90 days 5 hours since rotation, 45 days 5 hours since last use
            report_row("late", password_enabled=True, password_last_used=ago(45, 5), access_key_1_active=True,
                       access_key_1_last_rotated=ago(90, 5), access_key_1_last_used_date=ago(45, 5)),
            # just inside them: the same whole days, 5 hours short
            report_row("early", password_enabled=True, password_last_used=ago(45, -5), access_key_1_active=True,
                       access_key_1_last_rotated=ago(90, -5), access_key_1_last_used_date=ago(45, -5)),
            # a new user who has not signed in or used the key: the grace period ends 45 days after it was set
            report_row("fresh", user_creation_time=ago(45, 5), password_enabled=True, password_last_changed=ago(45, 5),
                       access_key_1_active=True, access_key_1_last_rotated=ago(45, 5)),
        ],
        "aws_iam_role": [role("late-role", ago(300), ago(90, 5)), role("early-role", ago(300), ago(90, -5)),
                         role("fresh-role", ago(90, 5), None)],
        "aws_iam_service_specific_credential": [credential("ACCALATE", ago(90, 5)), credential("ACCAEARLY", ago(90, -5))],
    }}
    checks = ["iam_access_key_rotated", "iam_user_unused_access_key", "iam_user_unused_password", "iam_role_unused",
              "iam_service_specific_credential_rotated"]
    found = run(tmp_path, accounts, checks)

    def result(control_id: str, resource: str) -> tuple[str, str]:
        row = found[(control_id, f"arn:aws:iam::{account}:{resource}")]
        return row["status"], row["reason"]

    late_key = result("iam_access_key_rotated", "user/late#access_key_1")
    assert late_key == ("alarm", "Access key 1 of late is over 90 days old (more than 90); rotate it."), late_key
    assert result("iam_access_key_rotated", "user/early#access_key_1") == ("ok", "Access key 1 of early is 89 days old.")
    unused_key = result("iam_user_unused_access_key", "user/late#access_key_1")
    assert unused_key[0] == "alarm" and "last used over 45 days before" in unused_key[1], unused_key
    assert result("iam_user_unused_access_key", "user/early#access_key_1")[0] == "ok"
    assert result("iam_user_unused_access_key", "user/fresh#access_key_1")[0] == "alarm"
    password = result("iam_user_unused_password", "user/late")
    assert password[0] == "alarm" and "over 45 days before" in password[1], password
    assert result("iam_user_unused_password", "user/early")[0] == "ok"
    assert result("iam_user_unused_password", "user/fresh")[0] == "alarm"
    assert result("iam_role_unused", "role/late-role")[0] == "alarm"
    assert result("iam_role_unused", "role/early-role")[0] == "ok"
    assert result("iam_role_unused", "role/fresh-role")[0] == "alarm"
    assert result("iam_service_specific_credential_rotated", "user/git#ACCALATE")[0] == "alarm"
    assert result("iam_service_specific_credential_rotated", "user/git#ACCAEARLY")[0] == "ok"


# --------------------------------------------------------------------------------------------------------------
# A credential report shows use up to its GeneratedTime only ("IAM first checks whether a report for the AWS
# account has been generated within the past four hours. If so, the most recent report is downloaded"; IAM User
# Guide, "Getting credential reports"). A report generated before the whole look-back period began, loaded with
# newer IAM data, cannot show that root was not used in that period.
# --------------------------------------------------------------------------------------------------------------


def test_root_use_is_not_judged_from_a_report_older_than_the_period(tmp_path):
    stale, current = "830000000002", "830000000003"

    def root_row(account: str, generated: datetime) -> dict:
        return {"user_name": "<root_account>", "user_arn": f"arn:aws:iam::{account}:root",
                "user_creation_time": "2015-01-01T00:00:00Z", "generated_time": generated.isoformat(),
                "password_last_used": (generated - timedelta(days=65)).isoformat(), "mfa_active": True,
                "access_key_1_active": False, "access_key_2_active": False, "account_id": account,
                "partition": "aws", "region": "global"}

    accounts = {stale: {"aws_iam_credential_report": [root_row(stale, AS_OF - timedelta(days=400))]},
                current: {"aws_iam_credential_report": [root_row(current, AS_OF - timedelta(hours=3))]}}
    found = run(tmp_path, accounts, ["iam_root_not_used_recently"])
    old = found[("iam_root_not_used_recently", f"arn:aws:iam::{stale}:root")]
    assert old["status"] == "skip", old
    assert old["reason"] == ("The credential report was generated on 2023-04-28, more than 90 days before the data was "
                             "taken, so it cannot show root use in that period; load a current report.")
    # a report of the last hours judges: root used 65 days before it is within the 90 days
    assert found[("iam_root_not_used_recently", f"arn:aws:iam::{current}:root")]["status"] == "alarm"


def test_credential_use_is_not_judged_from_a_report_older_than_the_period(tmp_path):
    stale, current = "830000000006", "830000000007"

    def user_row(account: str, generated: datetime) -> dict:
        # a console user and an access key, last used 65 days before the report; no password: a workload
        used = (generated - timedelta(days=65)).isoformat()
        return [{"user_name": name, "user_arn": f"arn:aws:iam::{account}:user/{name}",
                 "user_creation_time": "2020-01-01T00:00:00Z", "generated_time": generated.isoformat(),
                 "password_enabled": name == "person", "password_last_used": used if name == "person" else None,
                 "password_last_changed": "2020-01-01T00:00:00Z" if name == "person" else None, "mfa_active": True,
                 "access_key_1_active": name == "robot", "access_key_1_last_rotated": "2020-01-01T00:00:00Z",
                 "access_key_1_last_used_date": used if name == "robot" else None, "access_key_2_active": False,
                 "account_id": account, "partition": "aws", "region": "global"} for name in ("person", "robot")]

    accounts = {stale: {"aws_iam_credential_report": user_row(stale, AS_OF - timedelta(days=400))},
                current: {"aws_iam_credential_report": user_row(current, AS_OF - timedelta(hours=3))}}
    checks = ["iam_user_unused_password", "iam_user_unused_access_key", "nhi_long_term_key_in_use"]
    found = run(tmp_path, accounts, checks)
    person, robot = "user/person", "user/robot"
    for control_id, resource, current_status in [("iam_user_unused_password", person, "alarm"),
                                                 ("iam_user_unused_access_key", robot + "#access_key_1", "alarm"),
                                                 ("nhi_long_term_key_in_use", robot, "alarm")]:
        old = found[(control_id, f"arn:aws:iam::{stale}:{resource}")]
        assert old["status"] == "skip" and "was generated on 2023-04-28" in old["reason"], old
        new = found[(control_id, f"arn:aws:iam::{current}:{resource}")]
        assert new["status"] == current_status, new


# --------------------------------------------------------------------------------------------------------------
# The credential report's password_enabled is false for a user without a console password ("N/A" in
# password_last_used); an administrator without one has no console password to protect with MFA, and the
# reason says so instead of claiming MFA on a password that does not exist.
# --------------------------------------------------------------------------------------------------------------


def test_administrator_without_console_password_is_not_said_to_have_one(tmp_path):
    from .test_controls_iam import iam_user, policy, report_row

    account = "830000000004"
    admin = policy(account, "AdministratorAccess", [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                   aws_managed=True)
    accounts = {account: {
        "aws_iam_user": [iam_user(account, "keyless", attached=[admin["arn"]]),
                         iam_user(account, "console", attached=[admin["arn"]])],
        "aws_iam_policy": [admin],
        "aws_iam_credential_report": [report_row(account, "keyless", generated_time=AS_OF.isoformat()),
                                      report_row(account, "console", password_enabled=True, mfa_active=True,
                                                 generated_time=AS_OF.isoformat())],
    }}
    found = run(tmp_path, accounts, ["iam_admin_user_mfa"])
    keyless = found[("iam_admin_user_mfa", f"arn:aws:iam::{account}:user/keyless")]
    assert (keyless["status"], keyless["reason"]) == (
        "ok", "keyless is a full administrator with no console password and no active access key."), keyless
    console = found[("iam_admin_user_mfa", f"arn:aws:iam::{account}:user/console")]
    assert console["status"] == "ok" and "with MFA on its console password" in console["reason"], console


# --------------------------------------------------------------------------------------------------------------
# A reason names the resource it judges: an account whose logging multi-region trail records only write
# management events (ReadWriteType WriteOnly, CloudTrail API reference "EventSelector") is told which trail.
# --------------------------------------------------------------------------------------------------------------


def test_multi_region_trail_missing_read_events_is_named(tmp_path):
    account = "830000000005"
    writes_only = [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]
    accounts = {account: {"aws_cloudtrail_trail": [trail(account, "writes", event_selectors=writes_only),
                                                   trail(account, "regional", is_multi_region_trail=False)]}}
    row = run(tmp_path, accounts, ["cloudtrail_multi_region_trail_enabled"])[
        ("cloudtrail_multi_region_trail_enabled", f"arn:aws:::{account}")]
    assert (row["status"], row["reason"]) == (
        "alarm", f"The logging multi-region trail(s) writes of account {account} do not record both read and write "
                 "management events; set their event selectors to all management events."), row


# --------------------------------------------------------------------------------------------------------------
# An advanced event selector records the events that match every one of its field selectors (CloudTrail API
# reference, "AdvancedFieldSelector": eventName "can use any operator. You can use it to filter in or filter out
# any data event"; readOnly true logs only read events, false only write events). An S3 object selector that
# also filters on eventName (the AWS CLI's put-event-selectors example: PutObject and DeleteObject only) or on
# userIdentity.arn does not record every object-level event of its kind; one on readOnly [true, false] records
# both kinds.
# --------------------------------------------------------------------------------------------------------------


def cli_example_s3_selector() -> dict:
    """The AWS CLI example's S3 object selector (tests/data/aws_cli_examples, from the aws-cli examples)."""
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data/aws_cli_examples/json/cloudtrail/put-event-selectors_1.json"
    selectors = json.loads(path.read_text())["AdvancedEventSelectors"]
    return next(s for s in selectors if any(f.get("Equals") == ["AWS::S3::Object"] for f in s["FieldSelectors"]))


def test_s3_object_selector_filtered_by_other_fields_does_not_record_every_object_event(tmp_path):
    example = cli_example_s3_selector()
    category_and_type = [f for f in example["FieldSelectors"] if f["Field"] in ("eventCategory", "resources.type")]
    event_names = [f for f in example["FieldSelectors"] if f["Field"] == "eventName"]
    assert event_names and category_and_type  # the example's shape as the test reads it
    s3_selector = {"Name": "S3 objects", "FieldSelectors": category_and_type}
    management = {"Name": "management", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]}
    e1, e2, e3, e4 = "870000000001", "870000000002", "870000000003", "870000000004"
    selectors = {
        # the example's selector without its bucket filter: PutObject and DeleteObject of every bucket only
        e1: [management, {**s3_selector, "FieldSelectors": [*category_and_type, *event_names]}],
        e2: [management, {**s3_selector, "FieldSelectors": [
            *category_and_type, {"Field": "userIdentity.arn", "NotStartsWith": ["arn:aws:sts::870000000002:assumed-role/etl/"]}]}],
        e3: [management, {**s3_selector, "FieldSelectors": [
            *category_and_type, {"Field": "readOnly", "Equals": ["true", "false"]}]}],
        e4: [management, s3_selector],
    }
    accounts = {a: {"aws_cloudtrail_trail": [trail(a, "main", advanced_event_selectors=s)]} for a, s in selectors.items()}
    ids = ["cloudtrail_s3_data_events_read", "cloudtrail_s3_data_events_write"]
    found = run(tmp_path, accounts, ids)
    for control_id, kind in zip(ids, ("read", "write")):
        for account, status, field in [(e1, "alarm", "eventName"), (e2, "alarm", "userIdentity.arn"),
                                       (e3, "ok", None), (e4, "ok", None)]:
            row = found[(control_id, f"arn:aws:::{account}")]
            assert row["status"] == status, (account, row["reason"])
            if field:
                assert row["reason"] == (
                    f"The S3 object-level data event selector of trail main ({field}) filters on these fields, so it "
                    f"records only the {kind} events they let through, not every {kind} event of all buckets; remove "
                    f"the filter or add a selector for all {kind} events."), row["reason"]
    # the management events of all four trails are whole: readOnly [true, false] reads as both kinds there too
    found = run(tmp_path, {e3: {"aws_cloudtrail_trail": [trail(e3, "main", advanced_event_selectors=[
        {"Name": "m", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]},
                                         {"Field": "readOnly", "Equals": ["true", "false"]}]}])]}},
                ["cloudtrail_management_events_read_write"], name="both-kinds")
    row = found[("cloudtrail_management_events_read_write", f"arn:aws:cloudtrail:us-east-1:{e3}:trail/main")]
    assert row["status"] == "ok", row["reason"]


# --------------------------------------------------------------------------------------------------------------
# ListMFADevices is live, the credential report up to four hours old at its generation: an administrator whose MFA
# device was removed after the report has a console password without MFA, one whose key was deactivated since
# has no active key, and one whose password was removed since (GetLoginProfile: NoSuchEntity) has no password (IAM User Guide, "Getting credential reports": IAM reuses a report generated in the last four
# hours).
# --------------------------------------------------------------------------------------------------------------


def test_administrator_mfa_follows_the_listed_devices(tmp_path):
    from .test_controls_iam import iam_user, policy, report_row

    account = "830000000006"
    admin = policy(account, "AdministratorAccess", [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                   aws_managed=True)
    accounts = {account: {
        "aws_iam_user": [{**iam_user(account, "removed", attached=[admin["arn"]]), "mfa_devices": []},
                         iam_user(account, "unlisted", attached=[admin["arn"]]),
                         iam_user(account, "deactivated", attached=[admin["arn"]]),
                         # get-login-profile (live) answered NoSuchEntity: the password was removed since the report
                         {**iam_user(account, "passwordless", attached=[admin["arn"]]), "login_profile_loaded": True}],
        "aws_iam_policy": [admin],
        "aws_iam_credential_report": [report_row(account, name, password_enabled=True, mfa_active=True)
                                      for name in ("removed", "unlisted")] + [
            report_row(account, "passwordless", password_enabled=True, mfa_active=False)] + [
            report_row(account, "deactivated", password_enabled=True, mfa_active=True, access_key_1_active=True,
                       access_key_1_last_rotated="2023-01-01T00:00:00Z")],
        # list-access-keys (live): the key the report shows active was deactivated since
        "aws_iam_access_key": [{"access_key_id": "AKIADEACTIVATED00001", "user_name": "deactivated",
                                "status": "Inactive", "create_date": "2023-01-01T00:00:00Z", "account_id": account,
                                "partition": "aws", "region": "global"}],
    }}
    found = run(tmp_path, accounts, ["iam_admin_user_mfa"])
    deactivated = found[("iam_admin_user_mfa", f"arn:aws:iam::{account}:user/deactivated")]
    assert deactivated["status"] == "ok", deactivated
    removed = found[("iam_admin_user_mfa", f"arn:aws:iam::{account}:user/removed")]
    assert removed["status"] == "alarm" and "a console password without MFA" in removed["reason"], removed
    assert found[("iam_admin_user_mfa", f"arn:aws:iam::{account}:user/unlisted")]["status"] == "ok"
    passwordless = found[("iam_admin_user_mfa", f"arn:aws:iam::{account}:user/passwordless")]
    assert (passwordless["status"], passwordless["reason"]) == (
        "ok", "passwordless is a full administrator with no console password and no active access key."), passwordless


# --------------------------------------------------------------------------------------------------------------
# IAM Identity Center creates a role per permission set assigned to an account (path /aws-reserved/sso.amazonaws.com/,
# name AWSReservedSSO_<set>_<suffix>), attaches the set's policies to it and protects it: IAM refuses to change it
# ("Cannot perform the operation on the protected role ... this role is only modifiable by AWS"); the role goes
# when the permission set is removed from the account, and its inline policy is the set's (IAM Identity Center
# User Guide, "IAM roles created by IAM Identity Center").
# --------------------------------------------------------------------------------------------------------------


def test_identity_center_roles_are_changed_through_their_permission_set(tmp_path):
    from .test_controls_iam import role

    account = "830000000007"
    trust = {"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{account}:saml-provider/AWSSSO_0123_DO_NOT_DELETE"},
             "Action": "sts:AssumeRoleWithSAML"}
    inline = [{"PolicyName": "AwsSSOInlinePolicy", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]
    sso = role(account, "AWSReservedSSO_DataRead_0123456789abcdef", dict(trust),
               path="/aws-reserved/sso.amazonaws.com/eu-west-1/", created="2022-01-01T00:00:00Z", inline=inline)
    sso["arn"] = f"arn:aws:iam::{account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/{sso['name']}"
    plain = role(account, "etl", {"Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"}},
                 created="2022-01-01T00:00:00Z", inline=inline)
    found = run(tmp_path, {account: {"aws_iam_role": [sso, plain], "aws_iam_group": []}},
                ["iam_role_unused", "iam_group_role_no_inline_policies"])
    unused = found[("iam_role_unused", sso["arn"])]
    assert unused["status"] == "alarm", unused
    assert unused["reason"].endswith("remove the permission set from the account there (IAM cannot delete the role)."), unused
    assert found[("iam_role_unused", plain["arn"])]["reason"].endswith("remove it if it is no longer needed.")
    inline_row = found[("iam_group_role_no_inline_policies", sso["arn"])]
    assert inline_row["status"] == "info" and "IAM Identity Center permission set" in inline_row["reason"], inline_row
    assert found[("iam_group_role_no_inline_policies", plain["arn"])]["status"] == "alarm"


# --------------------------------------------------------------------------------------------------------------
# CIS 1.9 asks for MFA on every IAM user that has a console password; a user without one (password_enabled false
# in the credential report, NoSuchEntity from GetLoginProfile) meets it. Prowler's
# iam_user_mfa_enabled_console_access and Steampipe's iam_user_console_access_mfa_enabled pass such a user, so an
# account whose users all work without a console password meets the requirement instead of leaving it unassessed.
# --------------------------------------------------------------------------------------------------------------


def test_a_user_without_a_console_password_meets_the_console_mfa_control(tmp_path):
    from .test_controls_iam import report_row

    account = "830000000015"
    accounts = {account: {"aws_iam_credential_report": [
        report_row(account, "robot", access_key_1_active=True, access_key_1_last_rotated=AS_OF.isoformat()),
        report_row(account, "person", password_enabled=True, mfa_active=True)]}}
    found = run(tmp_path, accounts, ["iam_user_console_mfa"])
    robot = found[("iam_user_console_mfa", f"arn:aws:iam::{account}:user/robot")]
    assert (robot["status"], robot["reason"]) == (
        "ok", "robot has no console password, so no console sign-in to protect with MFA."), robot
    assert found[("iam_user_console_mfa", f"arn:aws:iam::{account}:user/person")]["status"] == "ok"
