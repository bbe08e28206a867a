"""``iamsql collect --identity`` against moto's HTTP server (real boto3 code path via AWS_ENDPOINT_URL): IAM
Identity Center and its identity store land in the Steampipe tables; the services moto does not serve (Access
Analyzer, IAM's last-accessed jobs) become one recorded gap each, and the call it does not serve (a permission
set's permissions boundary) one gap per permission set, while the rest of the run goes on."""

import json
from types import SimpleNamespace

import boto3
import duckdb
import pytest
from moto.iam.models import IAMBackend

from iamsql import controls
from iamsql.collect.run import collect
from iamsql.store import db
from tests.fixtures.moto import add_aws_managed_policy, moto_environment, populate_account

ACCOUNT = "123456789012"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
READ_ONLY_INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                            "Resource": "*"}]}


def build_identity_center(session: boto3.Session) -> dict:
    """One instance with three permission sets (AdministratorAccess attached and a read-only customer managed
    policy referenced / a read-only inline policy / ReadOnlyAccess attached), a user in a group, and the group assigned the admin set (in the calling account: moto
    provisions only there). Neither AWS managed policy is attached to an IAM user, group or role."""
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
    session.client("iam").create_policy(PolicyName="sso-reader", Path="/sso/",
                                        PolicyDocument=json.dumps(READ_ONLY_INLINE))
    sso.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=instance["InstanceArn"], PermissionSetArn=admin,
        CustomerManagedPolicyReference={"Name": "sso-reader", "Path": "/sso/"})
    reader = sso.create_permission_set(InstanceArn=instance["InstanceArn"],
                                       Name="Reader")["PermissionSet"]["PermissionSetArn"]
    sso.put_inline_policy_to_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=reader,
                                            InlinePolicy=json.dumps(READ_ONLY_INLINE))
    auditor = sso.create_permission_set(InstanceArn=instance["InstanceArn"],
                                        Name="Auditor")["PermissionSet"]["PermissionSetArn"]
    sso.attach_managed_policy_to_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=auditor,
                                                ManagedPolicyArn=READ_ONLY)
    sso.create_account_assignment(InstanceArn=instance["InstanceArn"], TargetId=ACCOUNT, TargetType="AWS_ACCOUNT",
                                  PermissionSetArn=admin, PrincipalType="GROUP", PrincipalId=group)
    # AWS provisions the set to the account with the assignment; moto needs it asked for.
    sso.provision_permission_set(InstanceArn=instance["InstanceArn"], PermissionSetArn=admin, TargetType="AWS_ACCOUNT",
                                 TargetId=ACCOUNT)
    return {"instance": instance, "store": store, "user": user, "group": group, "admin": admin, "reader": reader,
            "auditor": auditor}


def gaad_as_aws_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's GetAccountAuthorizationDetails returns every AWS managed policy it holds; AWS returns those attached
    to a user, group or role of the account. Make moto answer as AWS does."""
    original = IAMBackend.get_account_authorization_details

    def details(self, policy_filter):
        answer = original(self, policy_filter)
        answer["managed_policies"] = [p for p in answer["managed_policies"]
                                      if ":iam::aws:policy/" not in p.arn or p.attachment_count > 0]
        return answer

    monkeypatch.setattr(IAMBackend, "get_account_authorization_details", details)


@pytest.fixture(scope="module")
def collected(moto_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("identity")
    with moto_environment(moto_server, tmp), pytest.MonkeyPatch.context() as patch:
        gaad_as_aws_answers(patch)
        session = boto3.Session(region_name="us-east-1")
        populate_account(session, ACCOUNT)
        for name in ("AdministratorAccess", "ReadOnlyAccess"):
            add_aws_managed_policy(ACCOUNT, name)
        facts = build_identity_center(session)
        con = db.connect(tmp / "identity.duckdb")
        result = collect(con, evidence_dir=tmp / "evidence", regions=["us-east-1"], identity=True)
        admin = controls.results(con, controls.run_checks(con, controls=["sso_permission_set_admin"]))
        con.close()
    con = duckdb.connect(str(tmp / "identity.duckdb"), read_only=True)
    yield SimpleNamespace(facts=facts, result=result, con=con, evidence=tmp / "evidence", admin=admin)
    con.close()


def test_identity_center_lands_in_the_steampipe_tables(collected):
    con, facts = collected.con, collected.facts
    instances = con.execute("select arn, identity_store_id, region, account_id from aws_ssoadmin_instance").fetchall()
    assert instances == [(facts["instance"]["InstanceArn"], facts["store"], "us-east-1", ACCOUNT)]
    sets = dict(con.execute("select name, instance_arn from aws_ssoadmin_permission_set").fetchall())
    assert sets == dict.fromkeys(("Admin", "Reader", "Auditor"), facts["instance"]["InstanceArn"])
    attached = con.execute("select permission_set_arn, managed_policy_arn, name "
                           "from aws_ssoadmin_managed_policy_attachment order by name").fetchall()
    assert attached == [(facts["admin"], ADMIN, "AdministratorAccess"), (facts["auditor"], READ_ONLY, "ReadOnlyAccess")]
    references = dict(con.execute("select name, customer_managed_policy_references "
                                  "from aws_ssoadmin_permission_set").fetchall())
    assert {name: json.loads(value) for name, value in references.items()} == {
        "Admin": [{"name": "sso-reader", "path": "/sso/"}], "Reader": [], "Auditor": []}
    inline = con.execute("select inline_policy_std from aws_ssoadmin_permission_set where name = 'Reader'").fetchone()
    assert json.loads(inline[0])["Statement"][0]["Action"] == ["s3:getobject"]
    assignments = con.execute("select target_account_id, permission_set_arn, principal_type, principal_id, account_id "
                              "from aws_ssoadmin_account_assignment").fetchall()
    assert assignments == [(ACCOUNT, facts["admin"], "GROUP", facts["group"], ACCOUNT)]


def test_aws_managed_policies_of_permission_sets_are_fetched_so_the_admin_control_answers(collected):
    """The AWS managed policies the permission sets attach are attached to nothing in IAM, so
    GetAccountAuthorizationDetails leaves them out: collect asks GetPolicy and the default GetPolicyVersion of
    each (two requests per policy, once however many sets attach it), and sso_permission_set_admin judges the
    set with ReadOnlyAccess instead of skipping it."""
    con, facts = collected.con, collected.facts
    policies = con.execute("select arn, is_aws_managed, default_version_id, policy_std is not null "
                           "from aws_iam_policy where arn in (?, ?) order by arn", [ADMIN, READ_ONLY]).fetchall()
    assert [(arn, managed, has_document) for arn, managed, _, has_document in policies] == [
        (ADMIN, True, True), (READ_ONLY, True, True)]
    files = json.loads((collected.evidence / "manifest.json").read_text())["files"]
    calls = sorted(f["path"].split("/global/iam/", 1)[1] for f in files if f["api"] in ("iam:GetPolicy",
                                                                                          "iam:GetPolicyVersion"))
    assert calls == ["get-policy-version/AdministratorAccess.json", "get-policy-version/ReadOnlyAccess.json",
                     "get-policy/AdministratorAccess.json", "get-policy/ReadOnlyAccess.json"]
    status = {r["resource"]: r["status"] for r in collected.admin}
    assert status == {f"{facts['admin']}#{ACCOUNT}": "skip", facts["reader"]: "ok", facts["auditor"]: "ok"}


def test_a_permissions_boundary_not_collected_leaves_the_administrator_set_unjudged(collected):
    """moto does not serve GetPermissionsBoundaryForPermissionSet: each permission set's call is a recorded gap, and
    the set whose AdministratorAccess a boundary could limit is skipped saying which output is missing (the others
    grant no administrator access, which no boundary can change)."""
    facts = collected.facts
    gaps = sorted(g["api"] for g in collected.result.gaps if g["api"].startswith("sso-admin:"))
    assert gaps == ["sso-admin:GetPermissionsBoundaryForPermissionSet"] * 3
    reason = {r["resource"]: r["reason"] for r in collected.admin}[f"{facts['admin']}#{ACCOUNT}"]
    assert "AdministratorAccess" in reason and "get-permissions-boundary-for-permission-set" in reason
    assert collected.con.execute("select count(*) from aws_ssoadmin_permission_set "
                                 "where permissions_boundary is not null").fetchone()[0] == 0


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
    apis = sorted(g["api"] for g in collected.result.gaps if not g["api"].startswith("sso-admin:"))
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
