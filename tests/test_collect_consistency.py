"""``iamsql collect`` against the same account exported with the AWS CLI commands it stands for, then ``iamsql
load``-ed: the IAM tables must hold the same rows, column by column (moto's HTTP server, real boto3 code path).
The CLI exports are boto3's answers written as ``aws ... --output json`` prints them."""

import base64
import json
import time
from datetime import datetime
from pathlib import Path

import duckdb

from iamsql.collect.run import collect
from iamsql.load import load_paths
from iamsql.store import db

ACCOUNT = "123456789012"
TABLES = ("aws_iam_user", "aws_iam_role", "aws_iam_group", "aws_iam_policy", "aws_iam_policy_attachment",
          "aws_iam_access_key", "aws_iam_virtual_mfa_device", "aws_iam_instance_profile", "aws_iam_credential_report",
          "aws_iam_account_password_policy", "aws_iam_account_summary")


def _document(*actions: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions),
                                                               "Resource": "*"}]})


TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                           "Principal": {"AWS": "arn:aws:iam::210987654321:root"}}]})


def build_account(iam) -> dict:
    """Paths, tags, boundaries, groups, inline and managed policies, keys active and inactive, console passwords,
    a virtual MFA device, roles with long sessions and descriptions, a service-linked role, instance profiles, and
    a policy whose default version is neither its first nor its last."""
    boundary = iam.create_policy(PolicyName="Boundary", Path="/boundaries/", PolicyDocument=_document("s3:*"))
    boundary = boundary["Policy"]["Arn"]
    versions = iam.create_policy(PolicyName="Versions", PolicyDocument=_document("ec2:DescribeInstances"))
    versions = versions["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=versions, PolicyDocument=_document("ec2:StartInstances"), SetAsDefault=True)
    iam.create_policy_version(PolicyArn=versions, PolicyDocument=_document("ec2:RunInstances"), SetAsDefault=False)
    iam.create_group(GroupName="ops", Path="/ops/")
    iam.put_group_policy(GroupName="ops", PolicyName="read-iam", PolicyDocument=_document("iam:Get*"))
    iam.attach_group_policy(GroupName="ops", PolicyArn=versions)
    iam.create_user(UserName="dave", Path="/eng/", Tags=[{"Key": "team", "Value": "eng"}], PermissionsBoundary=boundary)
    iam.create_user(UserName="erin")
    iam.create_user(UserName="svc-ci", Path="/svc/")
    iam.add_user_to_group(GroupName="ops", UserName="dave")
    iam.put_user_policy(UserName="dave", PolicyName="own", PolicyDocument=_document("s3:GetObject"))
    iam.attach_user_policy(UserName="erin", PolicyArn=versions)
    iam.create_login_profile(UserName="dave", Password="Correct-Horse-1")
    iam.create_login_profile(UserName="erin", Password="Correct-Horse-2")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="dave")["VirtualMFADevice"]["SerialNumber"]
    iam.enable_mfa_device(UserName="dave", SerialNumber=serial, AuthenticationCode1="123456",
                          AuthenticationCode2="654321")
    iam.create_access_key(UserName="dave")
    inactive = iam.create_access_key(UserName="svc-ci")["AccessKey"]["AccessKeyId"]
    iam.create_access_key(UserName="svc-ci")
    iam.update_access_key(UserName="svc-ci", AccessKeyId=inactive, Status="Inactive")
    iam.create_role(RoleName="partner", Path="/partners/", AssumeRolePolicyDocument=TRUST, MaxSessionDuration=43200,
                    Description="read-only access for the partner", Tags=[{"Key": "owner", "Value": "sec"}],
                    PermissionsBoundary=boundary)
    iam.put_role_policy(RoleName="partner", PolicyName="inline", PolicyDocument=_document("dynamodb:Query"))
    iam.attach_role_policy(RoleName="partner", PolicyArn=versions)
    iam.create_instance_profile(InstanceProfileName="partner", Path="/partners/", Tags=[{"Key": "owner", "Value": "sec"}])
    iam.tag_policy(PolicyArn=versions, Tags=[{"Key": "owner", "Value": "sec"}])
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "holder", "Value": "dave"}])
    iam.add_role_to_instance_profile(InstanceProfileName="partner", RoleName="partner")
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    iam.update_account_password_policy(MinimumPasswordLength=16)
    return {"versions": versions}


def _cli(value):
    if isinstance(value, dict):
        return {k: _cli(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [_cli(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def export_with_the_cli_commands(session, folder: Path) -> None:
    """What a user runs by hand: one file per command (per user or key where the command is)."""
    iam = session.client("iam")

    def write(name: str, answer: dict) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_cli(answer), indent=4))

    write("get-caller-identity.json", session.client("sts").get_caller_identity())
    write("get-account-authorization-details.json",
          iam.get_paginator("get_account_authorization_details").paginate().build_full_result())
    write("list-roles.json", iam.get_paginator("list_roles").paginate().build_full_result())
    while iam.generate_credential_report()["State"] != "COMPLETE":
        time.sleep(0.5)
    write("get-credential-report.json", iam.get_credential_report())
    write("list-virtual-mfa-devices.json", iam.list_virtual_mfa_devices())
    write("get-account-password-policy.json", iam.get_account_password_policy())
    write("get-account-summary.json", iam.get_account_summary())
    write("list-instance-profiles.json", iam.list_instance_profiles())
    # the list-*-tags outputs name no entity: the request's parameter is added, as docs/loading.md says
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        write(f"policy-tags/{policy['PolicyName']}.json",
              {"PolicyArn": policy["Arn"], **iam.list_policy_tags(PolicyArn=policy["Arn"])})
    for profile in iam.list_instance_profiles()["InstanceProfiles"]:
        name = profile["InstanceProfileName"]
        write(f"profile-tags/{name}.json",
              {"InstanceProfileName": name, **iam.list_instance_profile_tags(InstanceProfileName=name)})
    for device in iam.list_virtual_mfa_devices()["VirtualMFADevices"]:
        serial = device["SerialNumber"]
        write(f"mfa-tags/{serial.rsplit('/', 1)[-1]}.json",
              {"SerialNumber": serial, **iam.list_mfa_device_tags(SerialNumber=serial)})
    for user in iam.list_users()["Users"]:
        name = user["UserName"]
        keys = iam.list_access_keys(UserName=name)
        write(f"list-access-keys-{name}.json", keys)
        for key in keys["AccessKeyMetadata"]:  # the CLI's output names no key: the file name does
            write(f"keys/{key['AccessKeyId']}.json", iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"]))
        write(f"list-mfa-devices-{name}.json", iam.list_mfa_devices(UserName=name))
        try:
            write(f"get-login-profile-{name}.json", iam.get_login_profile(UserName=name))
        except iam.exceptions.NoSuchEntityException:
            pass


def contents(path: Path, table: str) -> list[tuple]:
    """The table as a query sees it: collect asks GetAccessKeyLastUsed only for keys the credential report has no
    slot for, and the view fills the others from the report, so the stored rows may differ where the answers do not."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute(f"describe history.{table}").fetchall() if r[0] != "snapshot_id"]
        rows = con.execute(f"select {', '.join(f'{n!r}, {chr(34)}{n}{chr(34)}::varchar' for n in names)} "
                           f"from main.{table}").fetchall()
        return sorted((dict(zip(row[0::2], row[1::2])) for row in rows), key=lambda r: json.dumps(r, sort_keys=True))
    finally:
        con.close()


def test_collect_fills_the_iam_tables_as_a_load_of_the_cli_exports(aws_session, tmp_path):
    facts = build_account(aws_session.client("iam"))
    con = db.connect(tmp_path / "collected.duckdb")
    result = collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1"])
    con.close()
    assert not result.gaps
    export_with_the_cli_commands(aws_session, tmp_path / "exports")
    con = db.connect(tmp_path / "loaded.duckdb")
    load_paths(con, [tmp_path / "exports"])
    con.close()

    for table in TABLES:
        collected, loaded = contents(tmp_path / "collected.duckdb", table), contents(tmp_path / "loaded.duckdb", table)
        assert collected, table
        if table == "aws_iam_credential_report":  # two reports, made a moment apart
            collected = [{k: v for k, v in r.items() if k != "generated_time"} for r in collected]
            loaded = [{k: v for k, v in r.items() if k != "generated_time"} for r in loaded]
        assert collected == loaded, table

    con = duckdb.connect(str(tmp_path / "collected.duckdb"), read_only=True)
    roles = dict(con.execute("select name, (max_session_duration, description, path) from aws_iam_role").fetchall())
    assert roles["partner"] == (43200, "read-only access for the partner", "/partners/")
    assert roles["AWSServiceRoleForAutoScaling"][2] == "/aws-service-role/autoscaling.amazonaws.com/"
    users = dict(con.execute("select name, login_profile ->> 'UserName' from aws_iam_user").fetchall())
    assert users == {"dave": "dave", "erin": "erin", "svc-ci": None}  # svc-ci has no console password
    policy = con.execute("select default_version_id, policy_std -> 'Statement' -> 0 ->> 'Action' from aws_iam_policy "
                         "where arn = ?", [facts["versions"]]).fetchone()
    assert policy == ("v2", '["ec2:startinstances"]')
    tagged = [con.execute(f"select tags ->> '{key}' from {table} where tags is not null").fetchall()
              for table, key in (("aws_iam_instance_profile", "owner"), ("aws_iam_policy", "owner"),
                                 ("aws_iam_virtual_mfa_device", "holder"))]
    assert tagged == [[("sec",)], [("sec",)], [("dave",)]]  # list-*-tags, compared with the exports' above
    con.close()
