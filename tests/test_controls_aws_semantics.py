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
            request={"name": trail_arn, "s3BucketName": "elsewhere"},
        ),
        event(account, day, "ListUsers", user="alice", read_only=True),
    ]
    found = run(tmp_path, {account: {"aws_cloudtrail_trail_event": events}}, ["cloudtrail_event_trail_tampering"])
    rows = [r for (control_id, _), r in found.items() if control_id == "cloudtrail_event_trail_tampering"]
    assert [r["resource"] for r in rows] == [trail_arn], [(r["resource"], r["reason"]) for r in rows]
    assert "StopLogging" in rows[0]["reason"] and "UpdateTrail" in rows[0]["reason"]


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
