"""Two detections over hand-written CloudTrail events shaped as the EC2 and KMS API references document the calls,
each with a near miss that must not alarm, and over Panther's labelled events of the same calls:

- An EC2 instance's user data replaced (ModifyInstanceAttribute `userData`, or `attribute` userData): the script
  runs as root at the next boot with the instance role's credentials at hand (Stratus ec2-user-data, whose real log
  tests/test_controls_detections.py runs). Other attributes, a call refused for the instance's state, the
  launcher's own later update with the same tool, CloudFormation and allowed_callers do not alarm.
- A KMS key disabled or scheduled for deletion (T1485, T1486): what it encrypts is unreadable, then lost. A key
  its own creator tears down is `info`; a call that failed for another reason than authorization and AWS's own
  calls are not counted.
"""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import event, findings_by_account, load_accounts

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)
USER_DATA = "cloudtrail_event_instance_user_data_replaced"
KEY = "cloudtrail_event_kms_key_disabled"
# the detections whose alarms and near misses this module tests
CONTROLS = (USER_DATA, KEY)
PANTHER = Path(__file__).parent / "data" / "panther_analysis" / "cloudtrail_rule_tests_with_meta.jsonl"
TERRAFORM = "APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) terraform-provider-aws/5.31.0"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def run(tmp_path, events: dict[str, list[dict]], control_id: str, instances: dict[str, list[dict]] | None = None,
        **params) -> dict[str, list[tuple[str, str, str]]]:
    """account -> [(resource, status, reason)] of one control over the accounts' events (and EC2 ``instances``)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    con = db.connect(tmp_path / "detections.duckdb")
    load_accounts(con, {a: {"aws_cloudtrail_trail_event": e,
                            **({"aws_ec2_instance": instances[a]} if a in (instances or {}) else {})}
                        for a, e in events.items()}, AS_OF)
    return findings_by_account(con, control_id, params)


def panther_verdicts(tmp_path, rule_id: str, control_id: str) -> dict[str, tuple[list[str], bool, list[dict]]]:
    """Panther's test events of one rule, each loaded on its own: test name -> (statuses, Panther's verdict, rows)."""
    cases = [json.loads(line) for line in PANTHER.read_text().splitlines() if f'"{rule_id}"' in line]
    verdicts = {}
    for n, case in enumerate(cases):
        path = tmp_path / f"event-{n}.json"
        path.write_text(json.dumps({"Records": [case["event"]]}))
        con = db.connect(tmp_path / f"event-{n}.duckdb")
        load_paths(con, [path])
        rows = controls.results(con, controls.run_checks(con, controls=[control_id]))
        con.close()
        verdicts[case["_test_name"]] = ([r["status"] for r in rows], case["_expected_result"], rows)
    return verdicts


# --------------------------------------------------------------------------------------------------------------
# instance_user_data_replaced
# --------------------------------------------------------------------------------------------------------------


def instances_call(account: str, minute: float, name: str, instance: str, **caller) -> dict:
    """StopInstances or StartInstances of one instance, as CloudTrail records the instancesSet."""
    caller = caller or {"user": "intruder"}
    return event(account, at(minute), name, source="ec2.amazonaws.com",
                 request={"instancesSet": {"items": [{"instanceId": instance}]}}, **caller)


def modify(account: str, minute: float, instance: str, request: dict | None = None, **caller) -> dict:
    caller = caller or {"user": "intruder"}
    return event(account, at(minute), "ModifyInstanceAttribute", source="ec2.amazonaws.com",
                 request={"instanceId": instance, **(request or {"userData": "<sensitiveDataRemoved>"})}, **caller)


def launch(account: str, minute: float, instance: str, **caller) -> dict:
    return event(account, at(minute), "RunInstances", source="ec2.amazonaws.com",
                 request={"instancesSet": {"items": [{"imageId": "ami-0abcdef1234567890", "minCount": 1, "maxCount": 1}]}},
                 response={"instancesSet": {"items": [{"instanceId": instance, "imageId": "ami-0abcdef1234567890"}]}},
                 **caller)


def instance_arn(account: str, instance: str) -> str:
    return f"arn:aws:ec2:us-east-1:{account}:instance/{instance}"


def test_user_data_replaced_and_the_instance_restarted_alarms(tmp_path):
    swapped, by_value, denied = "881000000001", "881000000002", "881000000003"
    found = run(tmp_path, {
        swapped: [instances_call(swapped, 0, "StopInstances", "i-0aaa1111bbbb2222c"), modify(swapped, 1, "i-0aaa1111bbbb2222c"),
                  instances_call(swapped, 2, "StartInstances", "i-0aaa1111bbbb2222c")],
        # the older form: attribute userData with its value, by a role session; no start in the data
        by_value: [modify(by_value, 5, "i-0ccc3333dddd4444e", {"attribute": "userData", "value": "IyEvYmluL3No"},
                          role="ops")],
        # refused: the attempt alarms
        denied: [modify(denied, 5, "i-0eee5555ffff6666a", role="web", error="Client.UnauthorizedOperation")],
    }, USER_DATA, instances={swapped: [{
        "instance_id": "i-0aaa1111bbbb2222c", "arn": instance_arn(swapped, "i-0aaa1111bbbb2222c"),
        "iam_instance_profile_arn": f"arn:aws:iam::{swapped}:instance-profile/web-admin",
        "account_id": swapped, "region": "us-east-1", "partition": "aws"}]})
    [(resource, status, reason)] = found[swapped]
    assert (resource, status) == (instance_arn(swapped, "i-0aaa1111bbbb2222c"), "alarm")
    assert reason.startswith(f"arn:aws:iam::{swapped}:user/intruder replaced the user data of instance "
                             "i-0aaa1111bbbb2222c at 2024-05-31 12:01:00 UTC from 198.51.100.7 (aws-cli/2.15.0)"), reason
    assert "the instance was started at 2024-05-31 12:02:00 UTC, running the new script as root" in reason
    assert f"its instance profile is arn:aws:iam::{swapped}:instance-profile/web-admin" in reason
    [(resource, status, reason)] = found[by_value]
    assert (resource, status) == (instance_arn(by_value, "i-0ccc3333dddd4444e"), "alarm")
    assert f"arn:aws:sts::{by_value}:assumed-role/ops/session-1 replaced" in reason
    assert "no start of the instance follows in the data" in reason
    [(_, status, reason)] = found[denied]
    assert status == "alarm" and "tried to replace" in reason and "denied with Client.UnauthorizedOperation" in reason


def test_other_attributes_failed_calls_deployments_and_pipelines_do_not_alarm(tmp_path):
    account, other_tool = "882000000001", "882000000002"
    found = run(tmp_path, {
        account: [
            # Terraform's own attribute update (the invictus trail's ModifyInstanceAttribute calls)
            modify(account, 0, "i-0a1", {"disableApiTermination": {"value": False}}, user="bert", agent=TERRAFORM),
            # refused because the instance still runs: nothing changed
            modify(account, 1, "i-0a2", user="intruder", error="IncorrectInstanceState"),
            # the launcher updating its own instance with the same tool (a new Terraform version)
            launch(account, 2, "i-0a3", user="bert", agent=TERRAFORM),
            modify(account, 30, "i-0a3", user="bert", agent=TERRAFORM.replace("1.5.7", "1.6.2")),
            # a stack's update through CloudFormation, and a named pipeline role
            modify(account, 40, "i-0a4", role="stack-role", invoked_by="cloudformation.amazonaws.com"),
            modify(account, 41, "i-0a5", role="deployer"),
        ],
        # the same launcher with another tool is not its deployment
        other_tool: [launch(other_tool, 2, "i-0b1", user="bert", agent=TERRAFORM), modify(other_tool, 30, "i-0b1", user="bert")],
    }, USER_DATA, allowed_callers="deployer")
    assert [(s, r.split(" replaces ")[0].split(" CloudTrail ")[0]) for _, s, r in found[account]] == [("ok", "None of the 6")]
    assert [(res, s) for res, s, _ in found[other_tool]] == [(instance_arn(other_tool, "i-0b1"), "alarm")]


def test_user_data_changes_alarm_as_panther_labels_them(tmp_path):
    """Panther's startup-script rule has one labelled event: a CodeBuild role session's ModifyInstanceAttribute
    userData, which alarms (no launch of the instance by that role in the data)."""
    verdicts = panther_verdicts(tmp_path, "AWS.EC2.Startup.Script.Change", USER_DATA)
    [(found, expected, rows)] = verdicts.values()
    assert (found, expected) == (["alarm"], True), rows
    assert rows[0]["resource"] == "arn:aws:ec2:us-east-2:0123456789:instance/i-012345abcde"


# --------------------------------------------------------------------------------------------------------------
# kms_key_disabled
# --------------------------------------------------------------------------------------------------------------


def key_arn(account: str, key: str) -> str:
    return f"arn:aws:kms:us-east-1:{account}:key/{key}"


def kms(account: str, minute: float, name: str, key: str, request: dict | None = None, response: dict | None = None,
        **caller) -> dict:
    caller = caller or {"user": "intruder"}
    return event(account, at(minute), name, source="kms.amazonaws.com", request={"keyId": key, **(request or {})},
                 response=response, **caller)


def schedule(account: str, minute: float, key: str, days: int = 7, **caller) -> dict:
    return kms(account, minute, "ScheduleKeyDeletion", key, {"pendingWindowInDays": days},
               None if caller.get("error") else {"keyId": key_arn(account, key), "deletionDate": "Jun 7, 2024, 12:00:00 PM",
                                                 "keyState": "PendingDeletion", "pendingWindowInDays": days}, **caller)


def test_a_key_disabled_or_scheduled_for_deletion_alarms(tmp_path):
    deleted, disabled, denied = "883000000001", "883000000002", "883000000003"
    found = run(tmp_path, {
        deleted: [schedule(deleted, 0, "1234abcd-12ab-34cd-56ef-1234567890ab")],
        # disabled by ARN, enabled again ten minutes later: still reported, the reason says so
        disabled: [kms(disabled, 0, "DisableKey", key_arn(disabled, "k-2"), role="ops"),
                   kms(disabled, 10, "EnableKey", "k-2", user="admin")],
        denied: [schedule(denied, 0, "k-3", role="web", error="AccessDeniedException")],
    }, KEY)
    [(resource, status, reason)] = found[deleted]
    assert (resource, status) == (key_arn(deleted, "1234abcd-12ab-34cd-56ef-1234567890ab"), "alarm")
    assert reason.startswith(f"arn:aws:iam::{deleted}:user/intruder called ScheduleKeyDeletion on key "
                             "1234abcd-12ab-34cd-56ef-1234567890ab at 2024-05-31 12:00:00 UTC from 198.51.100.7 "
                             "(aws-cli/2.15.0), deleting it after 7 days (Jun 7, 2024, 12:00:00 PM)"), reason
    [(resource, status, reason)] = found[disabled]
    assert (resource, status) == (key_arn(disabled, "k-2"), "alarm")
    assert (f"taken back (EnableKey) at 2024-05-31 12:10:00 UTC by arn:aws:iam::{disabled}:user/admin") in reason
    [(resource, status, reason)] = found[denied]
    assert (resource, status) == (key_arn(denied, "k-3"), "alarm")
    assert "tried ScheduleKeyDeletion" in reason and "denied with AccessDeniedException" in reason
    assert "deleting it after" not in reason


def test_a_creators_tear_down_is_info_and_failed_or_aws_calls_are_not_counted(tmp_path):
    teardown, quiet = "884000000001", "884000000002"
    created = event(teardown, at(0), "CreateKey", source="kms.amazonaws.com", user="bert", agent=TERRAFORM,
                    request={"keySpec": "SYMMETRIC_DEFAULT"},
                    response={"keyMetadata": {"keyId": "k-4", "arn": key_arn(teardown, "k-4"), "keyState": "Enabled"}})
    by_aws = kms(quiet, 1, "DisableKey", "k-7", role="AWSServiceRoleForKeyManagementServiceMultiRegionKeys")
    by_aws["user_identity"]["sessionContext"]["sessionIssuer"]["arn"] = (
        f"arn:aws:iam::{quiet}:role/aws-service-role/mrk.kms.amazonaws.com/AWSServiceRoleForKeyManagementServiceMultiRegionKeys")
    found = run(tmp_path, {
        teardown: [created, schedule(teardown, 20, "k-4", days=30, user="bert", agent=TERRAFORM),
                   # someone else's deletion of the same key is no tear-down
                   schedule(teardown, 21, "k-5", user="bert")],
        quiet: [kms(quiet, 0, "DisableKey", "k-6", error="NotFoundException"),
                by_aws,
                kms(quiet, 2, "ScheduleKeyDeletion", "k-8", error="KMSInvalidStateException")],
    }, KEY)
    assert sorted((res, s) for res, s, _ in found[teardown]) == [(key_arn(teardown, "k-4"), "info"),
                                                                 (key_arn(teardown, "k-5"), "alarm")]
    [info] = [r for res, s, r in found[teardown] if s == "info"]
    assert "its own tear-down" in info
    assert [s for _, s, _ in found[quiet]] == ["ok"]


def test_key_loss_alarms_as_panther_labels_it(tmp_path):
    """Panther's customer managed key loss rule: DisableKey and ScheduleKeyDeletion (with and without `resources`)
    alarm; a DisableKey that failed (NotFoundException) and a Decrypt do not."""
    verdicts = panther_verdicts(tmp_path, "AWS.KMS.CustomerManagedKeyLoss", KEY)
    assert len(verdicts) == 5
    for name, (found, expected, rows) in verdicts.items():
        assert found == (["alarm"] if expected else ["ok"]), (name, rows)
    [alarm] = verdicts["KMS Key Scheduled For Deletion"][2]
    assert alarm["resource"] == "arn:aws:kms:us-west-2:123456789012:key/1"
