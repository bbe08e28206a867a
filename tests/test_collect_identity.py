"""``iamsql collect --identity`` against moto's HTTP server (real boto3 code path via AWS_ENDPOINT_URL): IAM
Identity Center and its identity store land in the Steampipe tables; the services moto does not serve (Access
Analyzer, IAM's last-accessed jobs) become one recorded gap each while the rest of the run goes on."""

import json
from types import SimpleNamespace

import boto3
import duckdb
import pytest

from iamsql.collect.run import collect
from iamsql.store import db
from tests.fixtures.moto import moto_environment, populate_account

ACCOUNT = "123456789012"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY_INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                            "Resource": "*"}]}


def build_identity_center(session: boto3.Session) -> dict:
    """One instance with two permission sets (AdministratorAccess attached / a read-only inline policy), a user
    in a group, and the group assigned the admin set (in the calling account: moto provisions only there)."""
    sso = session.client("sso-admin")
    instance = sso.list_instances()["Instances"][0]
    store = instance["IdentityStoreId"]
    ids = session.client("identitystore")
    user = ids.create_user(IdentityStoreId=store, UserName="ana", DisplayName="Ana Lima",
                           Name={"GivenName": "Ana", "FamilyName": "Lima"})["UserId"]
    group = ids.create_group(IdentityStoreId=store, DisplayName="platform-admins")["GroupId"]
    ids.create_group_membership(IdentityStoreId=store, GroupId=group, MemberId={"UserId": user})
    admin = sso.create_permission_set(InstanceArn=instance["InstanceArn"], Name="Admin",
                                      SessionDuration="PT1H")["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=admin,
                                                ManagedPolicyArn=ADMIN)
    reader = sso.create_permission_set(InstanceArn=instance["InstanceArn"],
                                       Name="Reader")["PermissionSet"]["PermissionSetArn"]
    sso.put_inline_policy_to_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=reader,
                                            InlinePolicy=json.dumps(READ_ONLY_INLINE))
    sso.create_account_assignment(InstanceArn=instance["InstanceArn"], TargetId=ACCOUNT, TargetType="AWS_ACCOUNT",
                                  PermissionSetArn=admin, PrincipalType="GROUP", PrincipalId=group)
    # AWS provisions the set to the account with the assignment; moto needs it asked for.
    sso.provision_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=admin, TargetType="AWS_ACCOUNT",
                                 TargetId=ACCOUNT)
    return {"instance": instance, "store": store, "user": user, "group": group, "admin": admin, "reader": reader}


@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("identity")
    with moto_environment(moto_server, tmp):
        session = boto3.Session(region_name="us-east-1")
        populate_account(session, ACCOUNT)
        facts = build_identity_center(session)
        con = db.connect(tmp / "identity.duckdb")
        result = collect(con, evidence_dir=tmp / "evidence", regions=["us-east-1"], identity=True)
        con.close()
    con = duckdb.connect(str(tmp / "identity.duckdb"), read_only=True)
    yield SimpleNamespace(facts=facts, result=result, con=con, evidence=tmp / "evidence")
    con.close()


def test_identity_center_lands_in_the_steampipe_tables(collected):
    con, facts = collected.con, collected.facts
    instances = con.execute("select arn, identity_store_id, region, account_id from aws_ssoadmin_instance").fetchall()
    assert instances == [(facts["instance"]["InstanceArn"], facts["store"], "us-east-1", ACCOUNT)]
    sets = dict(con.execute("select name, instance_arn from aws_ssoadmin_permission_set").fetchall())
    assert sets == {"Admin": facts["instance"]["InstanceArn"], "Reader": facts["instance"]["InstanceArn"]}
    attached = con.execute("select permission_set_arn, managed_policy_arn, name "
                           "from aws_ssoadmin_managed_policy_attachment").fetchall()
    assert attached == [(facts["admin"], ADMIN, "AdministratorAccess")]
    inline = con.execute("select inline_policy_std from aws_ssoadmin_permission_set where name = 'Reader'").fetchone()
    assert json.loads(inline[0])["Statement"][0]["Action"] == ["s3:getobject"]
    assignments = con.execute("select target_account_id, permission_set_arn, principal_type, principal_id, account_id "
                              "from aws_ssoadmin_account_assignment").fetchall()
    assert assignments == [(ACCOUNT, facts["admin"], "GROUP", facts["group"], ACCOUNT)]


def test_identity_store_users_groups_and_memberships(collected):
    con, facts = collected.con, collected.facts
    assert con.execute("select id, name, display_name from aws_identitystore_user").fetchall() == [
        (facts["user"], "ana", "Ana Lima")]
    assert con.execute("select id, name from aws_identitystore_group").fetchall() == [(facts["group"], "platform-admins")]
    assert con.execute("select group_id, member_id from aws_identitystore_group_membership").fetchall() == [
        (facts["group"], facts["user"])]


def test_services_moto_does_not_serve_are_one_gap_each(collected):
    """Access Analyzer and last-accessed jobs are refused by the endpoint: one gap for each, not one per region or
    per principal; the regions were still listed and the IAM data is whole."""
    apis = sorted(g["api"] for g in collected.result.gaps)
    assert apis == ["accessanalyzer:ListAnalyzers", "iam:GetServiceLastAccessedDetails"]
    regions = collected.con.execute("select count(*), count(*) filter (where name = 'us-east-1') "
                                    "from aws_region").fetchone()
    assert regions[0] > 10 and regions[1] == 1
    assert collected.con.execute("select count(*) from aws_iam_user").fetchone()[0] == 3
    manifest = json.loads((collected.evidence / "manifest.json").read_text())
    assert manifest["options"]["identity"] is True


def test_collected_users_have_steampipes_mfa_devices_and_json_times(collected):
    """ListMFADevices is not asked for users the credential report shows without MFA: their mfa_devices is still
    Steampipe's [] (not NULL), and times inside the JSON columns read as Steampipe prints them (``...Z``)."""
    rows = dict(collected.con.execute("select name, mfa_devices from aws_iam_user").fetchall())
    assert json.loads(rows["bob"]) == [] and json.loads(rows["carol"]) == []
    assert [d["SerialNumber"].endswith(":mfa/alice") for d in json.loads(rows["alice"])] == [True]
    times = [t for (t,) in collected.con.execute(
        "select login_profile ->> 'CreateDate' from aws_iam_user where name = 'alice' "
        "union all select mfa_devices -> 0 ->> 'EnableDate' from aws_iam_user where name = 'alice' "
        "union all select groups -> 0 ->> 'CreateDate' from aws_iam_user where name = 'bob' "
        "union all select users -> 0 ->> 'CreateDate' from aws_iam_group "
        "union all select roles -> 0 ->> 'CreateDate' from aws_iam_instance_profile "
        "union all select \"user\" ->> 'CreateDate' from aws_iam_virtual_mfa_device where \"user\" is not null"
    ).fetchall()]
    assert len(times) == 6 and all(t.endswith("Z") and "+" not in t for t in times), times
