"""CloudTrail controls: trail configuration over crafted trails, event controls over crafted events, and the
event controls over real public CloudTrail files with expectations computed from the raw files.

Crafted accounts, all as of 2024-06-01 12:00 UTC:
- 711111111111: trail `main` (multi-region, logging, validated, KMS, CloudWatch delivery 2 h ago, all management
  events and S3 data events through basic selectors; also listed as a shadow copy in us-west-2) and trail
  `regional` (single region, stopped, no validation, no KMS, no log group, advanced selectors for write-only
  management events) and trail `stale` (CloudWatch delivery 3 days old, selectors not collected).
- 722222222222: one single-region trail whose selectors were not collected.
- 733333333333: the trail table loaded with no trail at all.
- 744444444444: no trail data loaded (controls skip).
- 700000000005: one logging single-region trail with S3 data events for all buckets, read and write.
- 755555555555 (events and IAM): root sign-in; eve (no admin rights) signs in without MFA, stops logging and
  creates a user; alice signs in with MFA; admin (AdministratorAccess) attaches a policy; scanner gets 12
  AccessDenied in 6 minutes; an access key deleted and then used; a user whose keys are all inactive in the
  credential report signs a call with a long-term key afterwards.
- 766666666666 (events only): ordinary calls, none of the above.
- 777777777777 (events only): every event older than the 90-day look-back.
"""

import gzip
import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from iamsql import controls
from iamsql.load.normalize import policy_std
from iamsql.store import db

from .cloudtrail_events import console_login, event, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T1, T2, T3, T4 = "711111111111", "722222222222", "733333333333", "744444444444"
T5 = "700000000005"
E1, E2, E3 = "755555555555", "766666666666", "777777777777"


def trail(account, name, region="us-east-1", home=None, **values):
    """A trail as describe-trails gives it (every described trail names its S3 bucket)."""
    home = home or region
    arn = f"arn:aws:cloudtrail:{home}:{account}:trail/{name}"
    return {"name": name, "arn": arn, "home_region": home, "region": region, "account_id": account, "partition": "aws",
            "s3_bucket_name": f"trails-{account}", "is_multi_region_trail": False, "is_logging": True, "log_file_validation_enabled": True,
            "has_custom_event_selectors": True, **values}


ALL_EVENTS = [{"ReadWriteType": "All", "IncludeManagementEvents": True,
               "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]
MAIN = dict(is_multi_region_trail=True, kms_key_id="arn:aws:kms:us-east-1:711111111111:key/k",
            log_group_arn="arn:aws:logs:us-east-1:711111111111:log-group:ct:*",
            latest_cloudwatch_logs_delivery_time=(AS_OF - timedelta(hours=2)).isoformat(), event_selectors=ALL_EVENTS,
            latest_cloudwatch_logs_delivery_error="")  # GetTrailStatus's "" is no error
TRAILS = {
    T1: [
        trail(T1, "main", **MAIN),
        trail(T1, "main", region="us-west-2", home="us-east-1", **MAIN),  # shadow copy
        trail(T1, "regional", is_logging=False, log_file_validation_enabled=False,
              stop_logging_time=(AS_OF - timedelta(days=4)).isoformat(),
              advanced_event_selectors=[{"Name": "writes", "FieldSelectors": [
                  {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}]),
        trail(T1, "stale", log_group_arn="arn:aws:logs:us-east-1:711111111111:log-group:old:*",
              latest_cloudwatch_logs_delivery_time=(AS_OF - timedelta(days=3)).isoformat()),
    ],
    T2: [trail(T2, "only", is_logging=None)],
    T3: [],
    T5: [trail(T5, "regional-s3", event_selectors=ALL_EVENTS)],
}

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
EVE_POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:CreateUser", "cloudtrail:*"],
                                                      "Resource": "*"}]}


def iam_user(account, name, attached=(), inline=None):
    """A user in no group (the groups must be known for the engine to judge the user's rights)."""
    return {"name": name, "arn": f"arn:aws:iam::{account}:user/{name}", "attached_policy_arns": list(attached),
            "groups": [],
            "inline_policies_std": inline, "account_id": account, "partition": "aws", "region": "global"}


DAY_3 = AS_OF - timedelta(days=3)
EVENTS = {
    E1: [
        console_login(E1, DAY_3, "eve", mfa=False),
        console_login(E1, DAY_3, "alice", mfa=True),
        {**console_login(E1, DAY_3, "root", mfa=True), **{
            k: v for k, v in event(E1, DAY_3, "ConsoleLogin", source="signin.amazonaws.com", root=True).items()
            if k in ("user_type", "user_identity", "user_identifier", "username")}},
        event(E1, DAY_3 + timedelta(hours=1), "StopLogging", source="cloudtrail.amazonaws.com", user="eve",
              request={"name": f"arn:aws:cloudtrail:us-east-1:{E1}:trail/main-trail"}),
        event(E1, DAY_3 + timedelta(hours=2), "CreateUser", user="eve", request={"userName": "backdoor"}),
        event(E1, DAY_3, "AttachUserPolicy", user="admin", request={"userName": "alice"}),
        event(E1, DAY_3, "ListUsers", user="alice", read_only=True),
        # alice, no IAM administrator, manages her own credentials, naming herself or nobody: self-service
        event(E1, DAY_3, "ChangePassword", user="alice"),
        event(E1, DAY_3, "CreateVirtualMFADevice", user="alice", request={"virtualMFADeviceName": "alice-phone"}),
        event(E1, DAY_3, "EnableMFADevice", user="alice",
              request={"userName": "Alice", "serialNumber": f"arn:aws:iam::{E1}:mfa/alice-phone"}),
        event(E1, DAY_3, "CreateAccessKey", user="alice",
              response={"accessKey": {"accessKeyId": "AKIAALICE00000000001", "status": "Active", "userName": "alice"}}),
        *[event(E1, DAY_3 + timedelta(seconds=30 * i), "GetSecretValue", source="secretsmanager.amazonaws.com",
                user="scanner", error="AccessDenied", read_only=True) for i in range(12)],
        *[event(E1, DAY_3 + timedelta(hours=i), "DescribeInstances", source="ec2.amazonaws.com", user="alice",
                error="Client.UnauthorizedOperation", read_only=True) for i in range(2)],
        event(E1, DAY_3, "DeleteAccessKey", user="admin", request={"accessKeyId": "AKIAOLDKEY0000000001", "userName": "bob"}),
        event(E1, DAY_3 + timedelta(minutes=2), "ListBuckets", source="s3.amazonaws.com", user="bob",
              key="AKIAOLDKEY0000000001", read_only=True),  # within the grace period
        event(E1, DAY_3 + timedelta(hours=1), "ListBuckets", source="s3.amazonaws.com", user="bob",
              key="AKIAOLDKEY0000000001", read_only=True),
        event(E1, AS_OF - timedelta(days=2), "GetCallerIdentity", source="sts.amazonaws.com", user="parked",
              key="AKIAPARKED0000000001", read_only=True),
        # keys made (CreateAccessKey names the key in its response) or reactivated after the credential report
        event(E1, AS_OF - timedelta(days=5), "CreateAccessKey", user="admin", request={"userName": "newcomer"},
              response={"accessKey": {"accessKeyId": "AKIANEWKEY0000000001", "status": "Active", "userName": "newcomer"}}),
        event(E1, AS_OF - timedelta(days=4), "GetCallerIdentity", source="sts.amazonaws.com", user="newcomer",
              key="AKIANEWKEY0000000001", read_only=True),
        event(E1, AS_OF - timedelta(days=5), "UpdateAccessKey", user="admin",
              request={"userName": "revived", "accessKeyId": "AKIAREVIVED000000001", "status": "Active"}),
        event(E1, AS_OF - timedelta(days=4), "GetCallerIdentity", source="sts.amazonaws.com", user="revived",
              key="AKIAREVIVED000000001", read_only=True),
    ],
    E2: [event(E2, DAY_3, "DescribeInstances", source="ec2.amazonaws.com", user="worker", key="AKIAWORKER0000000001",
               read_only=True),
         event(E2, DAY_3, "ConsoleLogin", source="signin.amazonaws.com", user="ghost", response={"ConsoleLogin": "Failure"},
               additional={"MFAUsed": "No"}),
         # an event AWS records itself under the root identity is not a root call (CIS's root-usage filter)
         {**event(E2, DAY_3, "CredentialChallenge", source="signin.amazonaws.com", root=True),
          "event_type": "AwsServiceEvent"}],
    E3: [event(E3, AS_OF - timedelta(days=200), "StopLogging", source="cloudtrail.amazonaws.com", root=True,
               request={"name": "old"})],
}
ACCOUNTS = {
    **{a: {"aws_cloudtrail_trail": rows} for a, rows in TRAILS.items()},
    T4: {"aws_iam_user": [iam_user(T4, "x")]},
    E1: {
        "aws_cloudtrail_trail_event": EVENTS[E1],
        "aws_iam_user": [iam_user(E1, "admin", attached=[ADMIN_ARN]),
                         iam_user(E1, "eve", inline=[{"PolicyName": "eve", "PolicyDocument": policy_std(EVE_POLICY)}]),
                         iam_user(E1, "alice"), iam_user(E1, "scanner"), iam_user(E1, "bob"), iam_user(E1, "parked")],
        "aws_iam_role": [],
        "aws_iam_policy": [{"name": "AdministratorAccess", "arn": ADMIN_ARN, "is_aws_managed": True, "policy": ADMIN,
                            "policy_std": policy_std(ADMIN), "account_id": E1, "partition": "aws", "region": "global"}],
        "aws_iam_credential_report": [{
            "user_name": "parked", "user_arn": f"arn:aws:iam::{E1}:user/parked", "account_id": E1, "partition": "aws",
            "region": "global", "generated_time": (AS_OF - timedelta(days=10)).isoformat(), "password_enabled": False,
            "access_key_1_active": False, "access_key_1_last_rotated": "2023-01-01T00:00:00Z", "access_key_2_active": False},
            # no key at all (N/A) and one inactive key, 10 days before the data was taken
            {"user_name": "newcomer", "user_arn": f"arn:aws:iam::{E1}:user/newcomer", "account_id": E1, "partition": "aws",
             "region": "global", "generated_time": (AS_OF - timedelta(days=10)).isoformat(), "password_enabled": False},
            {"user_name": "revived", "user_arn": f"arn:aws:iam::{E1}:user/revived", "account_id": E1, "partition": "aws",
             "region": "global", "generated_time": (AS_OF - timedelta(days=10)).isoformat(), "password_enabled": False,
             "access_key_1_active": False, "access_key_1_last_rotated": "2023-01-01T00:00:00Z"}],
    },
    E2: {"aws_cloudtrail_trail_event": EVENTS[E2]},
    E3: {"aws_cloudtrail_trail_event": EVENTS[E3]},
}


def acct(account):
    return f"arn:aws:::{account}"


def trail_arn(account, name, region="us-east-1"):
    return f"arn:aws:cloudtrail:{region}:{account}:trail/{name}"


def user(account, name):
    return f"arn:aws:iam::{account}:user/{name}"


EXPECTED = [
    ("cloudtrail_multi_region_trail_enabled", acct(T1), "ok"),
    ("cloudtrail_multi_region_trail_enabled", acct(T2), "alarm"),
    ("cloudtrail_multi_region_trail_enabled", acct(T3), "alarm"),
    ("cloudtrail_multi_region_trail_enabled", acct(T4), "skip"),
    ("cloudtrail_trail_logging", trail_arn(T1, "main"), "ok"),
    ("cloudtrail_trail_logging", trail_arn(T1, "regional"), "alarm"),
    ("cloudtrail_trail_logging", trail_arn(T2, "only"), "skip"),
    ("cloudtrail_log_file_validation", trail_arn(T1, "main"), "ok"),
    ("cloudtrail_log_file_validation", trail_arn(T1, "regional"), "alarm"),
    ("cloudtrail_kms_encryption", trail_arn(T1, "main"), "ok"),
    ("cloudtrail_kms_encryption", trail_arn(T1, "regional"), "alarm"),
    ("cloudtrail_cloudwatch_delivery", trail_arn(T1, "main"), "ok"),
    ("cloudtrail_cloudwatch_delivery", trail_arn(T1, "regional"), "alarm"),
    ("cloudtrail_cloudwatch_delivery", trail_arn(T1, "stale"), "alarm"),
    ("cloudtrail_management_events_read_write", trail_arn(T1, "main"), "ok"),
    ("cloudtrail_management_events_read_write", trail_arn(T1, "regional"), "alarm"),
    ("cloudtrail_management_events_read_write", trail_arn(T1, "stale"), "skip"),
    ("cloudtrail_s3_data_events_write", acct(T1), "ok"),
    ("cloudtrail_s3_data_events_write", acct(T3), "alarm"),
    ("cloudtrail_s3_data_events_write", acct(T2), "skip"),
    ("cloudtrail_s3_data_events_read", acct(T1), "ok"),
    ("cloudtrail_s3_data_events_read", acct(T3), "alarm"),
    ("cloudtrail_s3_data_events_read", acct(T2), "skip"),
    # a single-region trail records S3 object events only for the buckets of its region
    ("cloudtrail_s3_data_events_write", acct(T5), "alarm"),
    ("cloudtrail_s3_data_events_read", acct(T5), "alarm"),
    ("cloudtrail_event_root_activity", f"arn:aws:iam::{E1}:root", "alarm"),
    ("cloudtrail_event_root_activity", f"arn:aws:iam::{E2}:root", "ok"),
    ("cloudtrail_event_root_activity", f"arn:aws:iam::{E3}:root", "skip"),
    ("cloudtrail_event_console_login_without_mfa", user(E1, "eve"), "alarm"),
    ("cloudtrail_event_console_login_without_mfa", user(E1, "alice"), "ok"),
    ("cloudtrail_event_console_login_without_mfa", acct(E2), "ok"),
    ("cloudtrail_event_trail_tampering", trail_arn(E1, "main-trail"), "alarm"),
    ("cloudtrail_event_trail_tampering", acct(E2), "ok"),
    ("cloudtrail_event_trail_tampering", acct(E3), "skip"),
    ("cloudtrail_event_access_denied_burst", user(E1, "scanner"), "alarm"),
    ("cloudtrail_event_access_denied_burst", user(E1, "alice"), "ok"),
    ("cloudtrail_event_iam_change_by_non_admin", user(E1, "eve"), "alarm"),
    ("cloudtrail_event_iam_change_by_non_admin", user(E1, "admin"), "ok"),
    # no IAM change in E2's events: no caller to judge, so its IAM data not being loaded changes nothing
    ("cloudtrail_event_iam_change_by_non_admin", acct(E2), "ok"),
    ("cloudtrail_event_retired_key_used", user(E1, "bob") + "#AKIAOLDKEY0000000001", "alarm"),
    ("cloudtrail_event_retired_key_used", user(E1, "parked") + "#AKIAPARKED0000000001", "alarm"),
    ("cloudtrail_event_retired_key_used", acct(E2), "ok"),
    ("cloudtrail_event_retired_key_used", acct(E3), "skip"),
]
CONTROLS = sorted({c for c, _, _ in EXPECTED})


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    con = db.connect(tmp_path_factory.mktemp("cloudtrail") / "ct.duckdb")
    load_accounts(con, ACCOUNTS, AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=CONTROLS))
    con.close()
    return rows


def test_every_cloudtrail_control_has_an_alarm_and_a_pass_case():
    shipped = {c.id for c in controls.load_controls() if c.id.startswith(("cloudtrail_", "cloudtrail_event_"))}
    from .test_controls_detections import DETECTIONS  # identity detections: test_controls_detections
    from .test_controls_detections_identity import CONTROLS as IDENTITY_DETECTIONS
    from .test_controls_expected import CONTROLS as TESTED_THERE  # the controls of issue 12: test_controls_expected
    elsewhere = {"cloudtrail_event_nhi_human_use", "cloudtrail_event_nhi_reuse_many_sources"} | set(DETECTIONS) | set(TESTED_THERE)  # NHI: test_controls_nhi
    elsewhere |= set(IDENTITY_DETECTIONS)
    from .test_controls_detections_escalation import CONTROLS as ESCALATION_DETECTIONS
    from .test_controls_detections_identity_center import CONTROL as IDENTITY_CENTER_DETECTION
    from .test_controls_detections_sharing import CONTROL as SHARING_DETECTION

    elsewhere |= {IDENTITY_CENTER_DETECTION, SHARING_DETECTION} | set(ESCALATION_DETECTIONS)
    elsewhere |= {"cloudtrail_bucket_not_public", "cloudtrail_bucket_access_logging"}  # test_controls_monitoring
    from .test_controls_prowler_parity import CLOUDTRAIL_CONTROLS as PROWLER_PARITY

    elsewhere |= set(PROWLER_PARITY)
    assert shipped - elsewhere <= set(CONTROLS)
    for control_id in CONTROLS:
        assert {"alarm", "ok"} <= {s for c, _, s in EXPECTED if c == control_id}, control_id


@pytest.mark.parametrize(("control_id", "resource", "status"), EXPECTED,
                         ids=[f"{c}-{r.rsplit('/', 1)[-1].rsplit(':', 1)[-1]}-{s}" for c, r, s in EXPECTED])
def test_expected_status(results, control_id, resource, status):
    found = [r for r in results if r["control_id"] == control_id and r["resource"] == resource]
    assert len(found) == 1, (control_id, [(r["resource"], r["status"]) for r in results if r["control_id"] == control_id])
    assert found[0]["status"] == status, found[0]["reason"]
    assert found[0]["reason"].endswith("."), found[0]["reason"]


def test_no_errors_and_shadow_trails_counted_once(results):
    assert [r for r in results if r["status"] == "error"] == []
    keys = [(r["control_id"], r["account_id"], r["resource"]) for r in results]
    assert len(keys) == len(set(keys))
    assert sum(1 for r in results if r["control_id"] == "cloudtrail_kms_encryption" and r["account_id"] == T1) == 3


def test_reasons_say_what_happened(results):
    by_key = {(r["control_id"], r["resource"]): r["reason"] for r in results}
    assert "Multi-region trail main is logging" in by_key[("cloudtrail_multi_region_trail_enabled", acct(T1))]
    assert "has no CloudTrail trail" in by_key[("cloudtrail_multi_region_trail_enabled", acct(T3))]
    assert "only for the buckets of its region" in by_key[("cloudtrail_s3_data_events_write", acct(T5))]
    assert "only write management events" in by_key[("cloudtrail_management_events_read_write", trail_arn(T1, "regional"))]
    assert "ConsoleLogin" in by_key[("cloudtrail_event_root_activity", f"arn:aws:iam::{E1}:root")]
    assert "StopLogging" in by_key[("cloudtrail_event_trail_tampering", trail_arn(E1, "main-trail"))]
    assert "12 access-denied errors within 10 minutes" in by_key[("cloudtrail_event_access_denied_burst", user(E1, "scanner"))]
    assert "CreateUser" in by_key[("cloudtrail_event_iam_change_by_non_admin", user(E1, "eve"))]
    assert "was deleted on" in by_key[("cloudtrail_event_retired_key_used", user(E1, "bob") + "#AKIAOLDKEY0000000001")]
    assert "signed 1 call(s)" in by_key[("cloudtrail_event_retired_key_used", user(E1, "bob") + "#AKIAOLDKEY0000000001")]
    assert "inactive in the credential report" in by_key[("cloudtrail_event_retired_key_used", user(E1, "parked") + "#AKIAPARKED0000000001")]


def test_a_user_managing_its_own_credentials_is_no_iam_change(results):
    """alice's password, MFA device and access key calls on herself are self-service; eve's CreateUser still counts."""
    rows = {r["resource"]: r for r in results if r["control_id"] == "cloudtrail_event_iam_change_by_non_admin"}
    assert user(E1, "alice") not in rows, rows[user(E1, "alice")]["reason"]
    assert rows[user(E1, "eve")]["status"] == "alarm" and "(CreateUser)" in rows[user(E1, "eve")]["reason"]


def test_key_created_or_activated_after_the_credential_report_is_not_retired(results):
    # The report is up to 4 hours old when downloaded, and this one 10 days: a key created (CreateAccessKey) or set
    # Active (UpdateAccessKey) after it and then used is a live key, not a retired one.
    resources = {r["resource"] for r in results if r["control_id"] == "cloudtrail_event_retired_key_used"}
    assert user(E1, "parked") + "#AKIAPARKED0000000001" in resources
    assert user(E1, "newcomer") + "#AKIANEWKEY0000000001" not in resources
    assert user(E1, "revived") + "#AKIAREVIVED000000001" not in resources


# ------------------------------------------------------------------------------------------------ real data

REAL_FILES = [
    "invictus_ir_aws_dataset",
    "maheribra_aws_attack_chain_ir",
    *(f"stratus_red_team_detonation_logs/docs/detonation-logs/aws.{name}.json" for name in (
        "defense-evasion.cloudtrail-delete", "defense-evasion.cloudtrail-stop", "defense-evasion.cloudtrail-event-selectors",
        "initial-access.console-login-without-mfa", "credential-access.ec2-get-password-data")),
]
TAMPERING = {"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors",
             "DeleteEventDataStore", "UpdateEventDataStore", "StopEventDataStoreIngestion"}
EVENT_CONTROLS = [c for c in CONTROLS if c.startswith("cloudtrail_event_")] + ["cloudtrail_event_nhi_human_use", "cloudtrail_event_nhi_reuse_many_sources"]


def raw_events(public_data: Path) -> list[dict]:
    events = []
    for name in REAL_FILES:
        path = public_data / name
        for file in sorted(path.rglob("*.json*")) if path.is_dir() else [path]:
            if file.suffix == ".gz":
                data = json.loads(gzip.decompress(file.read_bytes()))
            elif file.suffix == ".json":
                data = json.loads(file.read_text())
            else:
                continue
            records = data["Records"] if isinstance(data, dict) and "Records" in data else data
            if isinstance(records, list):
                events.extend(e for e in records if isinstance(e, dict) and "eventName" in e)
    unique = {e["eventID"]: e for e in events}
    return list(unique.values())


def when(event: dict) -> datetime:
    return datetime.fromisoformat(event["eventTime"].replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def real(public_data, tmp_path_factory):
    from iamsql.load import load_paths

    con = db.connect(tmp_path_factory.mktemp("ct-real") / "real.duckdb")
    load_paths(con, [public_data / name for name in REAL_FILES])
    rows = controls.results(con, controls.run_checks(con, controls=EVENT_CONTROLS))
    con.close()
    events = raw_events(public_data)
    newest: dict[str, datetime] = {}
    for e in events:
        account = e.get("recipientAccountId") or e["userIdentity"].get("accountId")
        newest[account] = max(newest.get(account, when(e)), when(e))
    in_window = [e for e in events if when(e) > newest[e.get("recipientAccountId") or e["userIdentity"]["accountId"]]
                 - timedelta(days=90)]
    return rows, in_window


def alarms(rows, control_id):
    return {(r["account_id"], r["resource"]) for r in rows if r["control_id"] == control_id and r["status"] == "alarm"}


def actor(e: dict) -> str | None:
    identity = e["userIdentity"]
    if identity.get("type") in ("IAMUser", "Root"):
        return identity.get("arn")
    if identity.get("type") == "AssumedRole":
        return identity.get("sessionContext", {}).get("sessionIssuer", {}).get("arn")
    return None


def test_real_event_controls_run_without_error(real):
    rows, events = real
    assert events
    assert [r for r in rows if r["status"] == "error"] == []
    assert {r["control_id"] for r in rows} == set(EVENT_CONTROLS)


def test_real_trail_tampering_matches_the_raw_events(real):
    rows, events = real
    def target(e):
        request = e.get("requestParameters") or {}
        name = next((request[k] for k in ("name", "trailName", "eventDataStore", "trailARN") if request.get(k)), "unnamed")
        return name.rsplit("/", 1)[-1]

    # a change, or an attempt refused for lack of permission; a call on a trail that does not exist
    # (TrailNotFoundException, as the Invictus IR trail's StopLogging runs) changed nothing and was refused nothing
    expected = {(e["recipientAccountId"], target(e))
                for e in events if e["eventName"] in TAMPERING and e["eventSource"] == "cloudtrail.amazonaws.com"
                and ("errorCode" not in e or "AccessDenied" in e["errorCode"])}
    found = {(account, resource.rsplit("/", 1)[-1]) for account, resource in alarms(rows, "cloudtrail_event_trail_tampering")}
    assert expected and found == expected


def test_real_console_sign_in_without_mfa_matches_the_raw_events(real):
    rows, events = real
    expected = {(e["recipientAccountId"], actor(e)) for e in events
                if e["eventName"] == "ConsoleLogin" and e["userIdentity"].get("type") in ("IAMUser", "Root")
                and (e.get("responseElements") or {}).get("ConsoleLogin") == "Success"
                and (e.get("additionalEventData") or {}).get("MFAUsed") != "Yes"}
    assert expected and alarms(rows, "cloudtrail_event_console_login_without_mfa") == expected


def test_real_access_denied_bursts_match_the_raw_events(real):
    rows, events = real
    denied = defaultdict(list)
    for e in events:
        code = e.get("errorCode") or ""
        if actor(e) and any(k in code for k in ("AccessDenied", "UnauthorizedOperation")):
            denied[(e["recipientAccountId"], actor(e))].append(when(e))
    expected = set()
    for key, times in denied.items():
        times.sort()
        if any(sum(1 for u in times if t <= u <= t + timedelta(minutes=10)) >= 10 for t in times):
            expected.add(key)
    assert expected and alarms(rows, "cloudtrail_event_access_denied_burst") == expected


def test_real_root_activity_matches_the_raw_events(real):
    rows, events = real
    expected = {(e["recipientAccountId"], f"arn:aws:iam::{e['recipientAccountId']}:root") for e in events
                if e["userIdentity"].get("type") == "Root"
                and e["userIdentity"].get("invokedBy", "signin.amazonaws.com") == "signin.amazonaws.com"
                and e.get("eventType") != "AwsServiceEvent"
                and (e.get("responseElements") or {}).get(e["eventName"]) != "Failure"}  # a failed sign-in is no use
    assert alarms(rows, "cloudtrail_event_root_activity") == expected
    judged = {r["account_id"] for r in rows if r["control_id"] == "cloudtrail_event_root_activity" and r["status"] in ("ok", "alarm")}
    assert judged == {e["recipientAccountId"] for e in events}
