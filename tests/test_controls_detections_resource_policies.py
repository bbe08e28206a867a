"""cloudtrail_event_resource_policy_opened and cloudtrail_event_snapshot_shared_outside on hand-written events in
the shapes the Secrets Manager, KMS, SNS, SQS, ECR, EC2 and RDS API references document (the policy as JSON text
in the request, as CloudTrail records it), each with near misses that must not alarm, and on Panther's labelled
events of its rules for public resources and snapshots (each loaded on its own)."""

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from iamsql import controls
from iamsql.load import load_paths
from iamsql.store import db

from .cloudtrail_events import event, events_findings

AS_OF = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
T0 = AS_OF - timedelta(days=1)
POLICY = "cloudtrail_event_resource_policy_opened"
SNAPSHOT = "cloudtrail_event_snapshot_shared_outside"
OUTSIDER = "999900001111"
PANTHER = Path(__file__).parent / "data" / "panther_analysis" / "cloudtrail_rule_tests_with_meta.jsonl"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, action, condition: dict | None = None) -> dict:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*",
            **({"Condition": condition} if condition else {})}


def secret_policy(account: str, minute: float, document: str, *, name: str = "db-password", **caller) -> dict:
    arn = f"arn:aws:secretsmanager:us-east-1:{account}:secret:{name}-AbCdEf"
    return event(account, at(minute), "PutResourcePolicy", source="secretsmanager.amazonaws.com",
                 request={"secretId": name, "resourcePolicy": document, "blockPublicPolicy": False},
                 response=None if caller.get("error") else {"arn": arn, "name": name}, **(caller or {"user": "ops"}))


def key_policy(account: str, minute: float, document: str, key: str = "1234abcd-12ab-34cd-56ef-1234567890ab") -> dict:
    return event(account, at(minute), "PutKeyPolicy", source="kms.amazonaws.com", user="ops",
                 request={"keyId": key, "policyName": "default", "policy": document,
                          "bypassPolicyLockoutSafetyCheck": False})


def topic_attribute(account: str, minute: float, name: str, value: str) -> dict:
    return event(account, at(minute), "SetTopicAttributes", source="sns.amazonaws.com", user="ops",
                 request={"topicArn": f"arn:aws:sns:us-east-1:{account}:alerts", "attributeName": name,
                          "attributeValue": value})


def queue_policy(account: str, minute: float, document: str) -> dict:
    return event(account, at(minute), "SetQueueAttributes", source="sqs.amazonaws.com", user="ops",
                 request={"queueUrl": f"https://sqs.us-east-1.amazonaws.com/{account}/orders",
                          "attributes": {"Policy": document}})


def run(tmp_path, control: str, events: dict[str, list[dict]], *, members: dict[str, str] | None = None,
        **params) -> dict[str, list[tuple[str, str, str]]]:
    return events_findings(tmp_path, control, events, AS_OF, members=members, **params)


def quiet(found: dict, account: str) -> None:
    assert [(r, s) for r, s, _ in found[account]] == [(f"arn:aws:::{account}", "ok")], found[account]


# --------------------------------------------------------------------------------------------------------------
# resource_policy_opened
# --------------------------------------------------------------------------------------------------------------


def test_policies_opened_to_everyone_or_an_outside_account_alarm(tmp_path):
    secret, key, queue, topic, created, repo = (f"88100000000{n}" for n in range(1, 7))
    found = run(tmp_path, POLICY, {
        secret: [secret_policy(secret, 0, policy(allow("*", "secretsmanager:GetSecretValue")))],
        # the account's own root beside another account allowed to decrypt and to rewrite the key policy
        key: [key_policy(key, 0, policy(allow({"AWS": f"arn:aws:iam::{key}:root"}, "kms:*"),
                                        allow({"AWS": f"arn:aws:iam::{OUTSIDER}:root"},
                                              ["kms:Decrypt", "kms:PutKeyPolicy"])))],
        # one statement kept to the organization, another letting anyone send (Panther's "mixed conditions")
        queue: [queue_policy(queue, 0, policy(
            allow("*", "sqs:*", {"StringEquals": {"aws:PrincipalOrgID": "o-test123456"}}),
            allow("*", "sqs:SendMessage")))],
        # a condition on the caller's address restricts how, not who: anyone calling from that network
        topic: [topic_attribute(topic, 0, "Policy", policy(
            allow({"AWS": "*"}, "sns:Subscribe", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})))],
        # a key created with a policy naming another account's role
        created: [event(created, at(0), "CreateKey", source="kms.amazonaws.com", role="deployer",
                        request={"policy": policy(allow({"AWS": f"arn:aws:iam::{OUTSIDER}:role/reader"},
                                                        "kms:Decrypt")), "keyUsage": "ENCRYPT_DECRYPT"},
                        response={"keyMetadata": {"arn": f"arn:aws:kms:us-east-1:{created}:key/k-1",
                                                  "keyId": "k-1"}})],
        repo: [event(repo, at(0), "SetRepositoryPolicy", source="ecr.amazonaws.com", user="ops",
                     request={"repositoryName": "app", "policyText": policy(
                         allow({"AWS": OUTSIDER}, ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]))})],
    })
    [(resource, status, reason)] = found[secret]
    assert (resource, status) == (f"arn:aws:secretsmanager:us-east-1:{secret}:secret:db-password-AbCdEf", "alarm")
    assert reason.startswith(f"arn:aws:iam::{secret}:user/ops called PutResourcePolicy on {resource} at "
                             f"{at(0):%Y-%m-%d %H:%M:%S} UTC from 198.51.100.7 (aws-cli/2.15.0); its policy admits "
                             "everyone (*) with no condition its callers must meet to secretsmanager:GetSecretValue;"), reason
    [(resource, status, reason)] = found[key]
    assert (resource, status) == (f"arn:aws:kms:us-east-1:{key}:key/1234abcd-12ab-34cd-56ef-1234567890ab", "alarm")
    assert f"admits account {OUTSIDER} with no condition its callers must meet to kms:Decrypt, kms:PutKeyPolicy;" in reason, reason
    [(resource, status, reason)] = found[queue]
    assert (resource, status) == (f"arn:aws:sqs:us-east-1:{queue}:orders", "alarm")
    assert "everyone (*) with no condition its callers must meet to sqs:SendMessage;" in reason, reason
    assert "sqs:ReceiveMessage" not in reason, reason
    [(resource, status, reason)] = found[topic]
    assert (resource, status) == (f"arn:aws:sns:us-east-1:{topic}:alerts", "alarm")
    assert "when conditions that do not name the caller hold (aws:sourceip) to sns:Subscribe" in reason, reason
    [(resource, status, reason)] = found[created]
    assert (resource, status) == (f"arn:aws:kms:us-east-1:{created}:key/k-1", "alarm")
    assert f"account {OUTSIDER} (arn:aws:iam::{OUTSIDER}:role/reader) with no condition" in reason, reason
    [(resource, status, reason)] = found[repo]
    assert (resource, status) == (f"arn:aws:ecr:us-east-1:{repo}:repository/app", "alarm")
    assert "ecr:BatchGetImage, ecr:GetDownloadUrlForLayer" in reason, reason


def test_policies_kept_to_the_account_its_organization_or_aws_services_do_not_alarm(tmp_path):
    (aws_managed, topic_default, org_secret, service, own, attribute, refused, member, trusted, outside_caller,
     unreadable) = (f"8820000000{n:02d}" for n in range(1, 12))
    found = run(tmp_path, POLICY, {
        # the policy of an AWS managed key: everyone, through one service, of the key's own account only
        aws_managed: [key_policy(aws_managed, 0, policy(allow({"AWS": "*"}, ["kms:Decrypt", "kms:GenerateDataKey*"], {
            "StringEquals": {"kms:CallerAccount": aws_managed, "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}})))],
        # the default topic policy: everyone, as long as the topic's owner is the source
        topic_default: [topic_attribute(topic_default, 0, "Policy", policy(
            allow({"AWS": "*"}, ["sns:Publish", "sns:Subscribe", "sns:SetTopicAttributes"],
                  {"StringEquals": {"AWS:SourceOwner": topic_default}})))],
        org_secret: [secret_policy(org_secret, 0, policy(allow("*", "secretsmanager:GetSecretValue", {
            "StringEquals": {"aws:PrincipalOrgID": "o-test123456", "aws:SourceVpc": "vpc-12345678"}})))],
        service: [queue_policy(service, 0, policy(allow({"Service": "s3.amazonaws.com"}, "sqs:SendMessage", {
            "ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads"}})))],
        own: [secret_policy(own, 0, policy(allow({"AWS": f"arn:aws:iam::{own}:role/app"}, "secretsmanager:*")))],
        attribute: [topic_attribute(attribute, 0, "DisplayName", "alerts")],
        refused: [secret_policy(refused, 0, policy(allow("*", "secretsmanager:GetSecretValue")), user="intern",
                                error="AccessDeniedException")],
        member: [secret_policy(member, 0, policy(allow({"AWS": "882000000099"}, "secretsmanager:GetSecretValue")))],
        trusted: [secret_policy(trusted, 0, policy(allow({"AWS": OUTSIDER}, "secretsmanager:GetSecretValue")))],
        # everyone, but only callers of the key's own account (kms:CallerAccount), without the service condition
        outside_caller: [key_policy(outside_caller, 0, policy(allow("*", "kms:Decrypt", {
            "StringEquals": {"kms:CallerAccount": outside_caller}})))],
        unreadable: [secret_policy(unreadable, 0, "{not json")],
    }, members={member: "o-abc", "882000000099": "o-abc"}, trusted_accounts=f"{OUTSIDER}, 123456789012")
    for account in (aws_managed, topic_default, org_secret, service, own, attribute, refused, member, trusted,
                    outside_caller):
        quiet(found, account)
    # the secret is a skip; the account's other calls were judged (its ok row), as role_trust_opened does
    [(_, status, reason), (account_row, ok, _)] = sorted(found[unreadable], key=lambda r: r[1], reverse=True)
    assert status == "skip" and "with a policy the policy engine cannot read" in reason, found[unreadable]
    assert (account_row, ok) == (f"arn:aws:::{unreadable}", "ok")


def test_a_key_policy_naming_another_callers_account_alarms_and_trusted_accounts_is_what_clears_it(tmp_path):
    """kms:CallerAccount naming another account lets every principal of it in, as naming the account does."""
    account = "883000000001"
    document = policy(allow("*", "kms:Decrypt", {"StringEquals": {"kms:CallerAccount": OUTSIDER}}))
    found = run(tmp_path, POLICY, {account: [key_policy(account, 0, document)]})
    [(_, status, reason)] = found[account]
    assert status == "alarm" and f"account {OUTSIDER} with no condition its callers must meet to kms:Decrypt" in reason, reason
    again = run(tmp_path / "trusted", POLICY, {account: [key_policy(account, 0, document)]},
                trusted_accounts=OUTSIDER)
    quiet(again, account)


def panther_verdicts(tmp_path, rule_id: str, control_id: str) -> dict[str, tuple[list[str], bool, list[dict]]]:
    """Panther's test events of one rule, each loaded on its own: test name -> (statuses, Panther's verdict, rows)."""
    cases = [json.loads(line) for line in PANTHER.read_text().splitlines() if f'"{rule_id}"' in line]
    verdicts = {}
    for n, case in enumerate(cases):
        path = tmp_path / f"{rule_id}-{n}.json"
        path.write_text(json.dumps({"Records": [case["event"]]}))
        con = db.connect(tmp_path / f"{rule_id}-{n}.duckdb")
        load_paths(con, [path])
        rows = controls.results(con, controls.run_checks(con, controls=[control_id]))
        con.close()
        verdicts[case["_test_name"]] = ([r["status"] for r in rows], case["_expected_result"], rows)
    return verdicts


def test_resource_policies_as_panther_labels_them(tmp_path):
    """Panther's "resource made public" events of the services judged here that name their account and time: the
    public ECR repository alarms, the Secrets Manager and KMS policies kept to the organization's deployment roles
    do not. Its hand-edited events without an account or a time cannot be judged (a skip, as for every detection);
    its S3 events are cloudtrail_event_bucket_opened's."""
    verdicts = panther_verdicts(tmp_path, "AWS.CloudTrail.ResourceMadePublic", POLICY)
    statuses = {name: found for name, (found, _, _) in verdicts.items()}
    assert statuses["ECR Made Public"] == ["alarm"], verdicts["ECR Made Public"]
    assert statuses["Secrets Manager Restricted Access (Should Not Alert)"] == ["ok"]
    assert statuses["KMS Key Restricted Access (Should Not Alert)"] == ["ok"]
    [alarm] = verdicts["ECR Made Public"][2]
    assert alarm["resource"] == "arn:aws:ecr:eu-west-1:112233445566:repository/community"
    assert "everyone (*) with no condition its callers must meet to ecr:BatchGetImage, ecr:GetDownloadUrlForLayer;" in alarm["reason"]
    for name, (found, expected, rows) in verdicts.items():
        assert ("alarm" in found) <= expected, (name, rows)  # no alarm Panther does not expect


# --------------------------------------------------------------------------------------------------------------
# snapshot_shared_outside
# --------------------------------------------------------------------------------------------------------------


def share_snapshot(account: str, minute: float, op: str, item: dict, **caller) -> dict:
    return event(account, at(minute), "ModifySnapshotAttribute", source="ec2.amazonaws.com",
                 request={"snapshotId": "snap-0a1b2c3d", "attributeType": "CREATE_VOLUME_PERMISSION",
                          "createVolumePermission": {op: {"items": [item]}}}, **(caller or {"user": "ops"}))


def share_db_snapshot(account: str, minute: float, key: str, values: list[str], *, cluster: bool = False) -> dict:
    name = "ModifyDBClusterSnapshotAttribute" if cluster else "ModifyDBSnapshotAttribute"
    identifier = "dBClusterSnapshotIdentifier" if cluster else "dBSnapshotIdentifier"
    return event(account, at(minute), name, source="rds.amazonaws.com", user="ops",
                 request={identifier: "nightly", "attributeName": "restore", key: values})


def test_snapshots_and_images_shared_outside_alarm_and_inside_do_not(tmp_path):
    ebs, public_ami, rds, cluster, member, trusted, refused, own, taken_back = (f"8840000000{n:02d}" for n in range(1, 10))
    found = run(tmp_path, SNAPSHOT, {
        ebs: [share_snapshot(ebs, 0, "add", {"userId": OUTSIDER})],
        public_ami: [event(public_ami, at(0), "ModifyImageAttribute", source="ec2.amazonaws.com", role="builder",
                           request={"imageId": "ami-0abc", "attributeType": "launchPermission",
                                    "launchPermission": {"add": {"items": [{"group": "all"}]}}})],
        rds: [share_db_snapshot(rds, 0, "valuesToAdd", [OUTSIDER, rds])],
        cluster: [share_db_snapshot(cluster, 0, "valuesToAdd", ["all"], cluster=True)],
        member: [share_snapshot(member, 0, "add", {"userId": "884000000099"})],
        trusted: [share_snapshot(trusted, 0, "add", {"userId": OUTSIDER})],
        refused: [share_snapshot(refused, 0, "add", {"group": "all"}, user="intern", error="UnauthorizedOperation")],
        # the account's own id, a removal, an AMI shared with an organization (RAM's rules: the owner's own)
        own: [share_snapshot(own, 0, "add", {"userId": own}), share_snapshot(own, 1, "remove", {"userId": OUTSIDER}),
              event(own, at(2), "ModifyImageAttribute", source="ec2.amazonaws.com", user="ops",
                    request={"imageId": "ami-0abc", "launchPermission": {"add": {"items": [
                        {"organizationArn": "arn:aws:organizations::884000000008:organization/o-abc"}]}}})],
        taken_back: [share_snapshot(taken_back, 0, "add", {"userId": OUTSIDER}),
                     share_snapshot(taken_back, 5, "remove", {"userId": OUTSIDER})],
    }, members={member: "o-abc", "884000000099": "o-abc"}, trusted_accounts="123456789012")
    [(resource, status, reason)] = found[ebs]
    assert (resource, status) == ("arn:aws:ec2:us-east-1::snapshot/snap-0a1b2c3d", "alarm")
    assert reason.startswith(f"arn:aws:iam::{ebs}:user/ops shared EBS snapshot snap-0a1b2c3d with account {OUTSIDER} "
                             f"(outside the account's organization as loaded and trusted_accounts) with "
                             f"ModifySnapshotAttribute at {at(0):%Y-%m-%d %H:%M:%S} UTC"), reason
    assert reason.endswith("still shared at the end of the window; confirm the account is a known partner or "
                           "account of yours."), reason
    [(resource, status, reason)] = found[public_ami]
    assert (resource, status) == ("arn:aws:ec2:us-east-1::image/ami-0abc", "alarm")
    assert "with everyone (all), making it public," in reason and reason.endswith("meant to be public."), reason
    [(resource, status, reason)] = found[rds]
    assert (resource, status) == (f"arn:aws:rds:us-east-1:{rds}:snapshot:nightly", "alarm")
    assert f"with account {OUTSIDER} (outside" in reason and f"account {rds}" not in reason, reason
    [(resource, status, _)] = found[cluster]
    assert (resource, status) == (f"arn:aws:rds:us-east-1:{cluster}:cluster-snapshot:nightly", "alarm")
    [(_, status, reason)] = found[taken_back]
    assert status == "alarm" and f"(removed at {at(5):%Y-%m-%d %H:%M:%S} UTC)" in reason, reason
    assert "each was removed later, but a copy made meanwhile stays with them" in reason, reason
    for account in (member, refused, own):
        quiet(found, account)
    assert [s for _, s, _ in found[trusted]] == ["alarm"]
    again = run(tmp_path / "trusted", SNAPSHOT, {trusted: [share_snapshot(trusted, 0, "add", {"userId": OUTSIDER})]},
                trusted_accounts=f"123456789012,{OUTSIDER}")
    quiet(again, trusted)


def test_snapshots_shared_as_panther_labels_them(tmp_path):
    """Panther's labelled events of its public snapshot, public AMI and RDS snapshot rules: 12 of 12 agree (its
    AMI rule does not alarm on an AMI given to one account, which this detection names: that test event names
    the user `bob`, no account id, so it does not alarm here either)."""
    agree = 0
    for rule in ("AWS.CloudTrail.SnapshotMadePublic", "AWS.CloudTrail.AMIModifiedForPublicAccess",
                 "AWS.RDS.SnapshotShared"):
        for name, (found, expected, rows) in panther_verdicts(tmp_path, rule, SNAPSHOT).items():
            assert found == (["alarm"] if expected else ["ok"]), (rule, name, rows)
            agree += 1
    assert agree == 12


def test_a_trust_for_roles_of_any_account_of_the_organization_is_not_opened(tmp_path):
    """The trust analysis both detections share: ``*`` under aws:PrincipalOrgID and an aws:PrincipalArn pattern of
    any account (Panther's deployment-role statements) admits only the organization's roles of that name, so the
    caller is named; without the organization condition anyone's role of that name is admitted. An `sts` ARN of a
    role (no principal) and a role-session pattern ending in a wildcard are read without error."""
    kept, opened = "885000000001", "885000000002"
    patterns = ["arn:aws:iam::*:role/ExampleDeploymentRole*", "arn:aws:sts::*:role/ExampleCodeBuild-*",
                "arn:aws:sts::*:assumed-role/ExampleDeploymentRole*"]
    by_arn = {"ForAnyValue:StringLike": {"aws:PrincipalArn": patterns}}

    def create_role(account: str, condition: dict) -> dict:
        trust = policy({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
                        "Condition": condition})
        return event(account, at(0), "CreateRole", user="ops",
                     request={"roleName": "deploy-target", "assumeRolePolicyDocument": trust})

    found = run(tmp_path, "cloudtrail_event_role_trust_opened", {
        kept: [create_role(kept, {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}, **by_arn})],
        opened: [create_role(opened, by_arn)],
    })
    quiet(found, kept)
    [(resource, status, reason)] = found[opened]
    assert (resource, status) == (f"arn:aws:iam::{opened}:role/deploy-target", "alarm"), reason
