"""The identity controls over AWS CLI outputs (``--output json`` shapes, written here per case) loaded by the real
loader: Access Analyzer in every enabled region, active external-access findings, Identity Center administrator
permission sets and who holds them, and services granted but not used (last-accessed data). Each control has an
alarm case and a clean twin that differs only in what the control looks at. Data as of 2026-06-01 12:00 UTC."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from iamsql import controls
from iamsql.controls import create_views
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.gaad import gaad_role

ACCOUNT = "111122223333"
AS_OF = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
INSTANCE = "arn:aws:sso:::instance/ssoins-1111aaaa2222bbbb"
STORE = "d-9067a1b2c3"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


def days_ago(days: float) -> str:
    return (AS_OF - timedelta(days=days)).isoformat().replace("+00:00", "Z")


def check(tmp_path: Path, files: dict[str, dict], control: str) -> dict[str, tuple[str, str]]:
    """Write the outputs, load them as one account as of AS_OF, run one control: {resource: (status, reason)}."""
    folder = tmp_path / "outputs"
    for name, document in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(document))
    con = db.connect(tmp_path / "identity.duckdb")
    load_paths(con, [folder], account_id=ACCOUNT, as_of=AS_OF.isoformat())
    rows = controls.results(con, controls.run_checks(con, controls=[control]))
    con.close()
    assert all(r["account_id"] == ACCOUNT for r in rows)
    return {r["resource"]: (r["status"], r["reason"]) for r in rows}


# ---- Access Analyzer in every enabled region -------------------------------------------------------------------


def regions() -> dict:
    return {"Regions": [
        {"Endpoint": "ec2.us-east-1.amazonaws.com", "RegionName": "us-east-1", "OptInStatus": "opt-in-not-required"},
        {"Endpoint": "ec2.eu-west-1.amazonaws.com", "RegionName": "eu-west-1", "OptInStatus": "opt-in-not-required"},
        {"Endpoint": "ec2.eu-south-1.amazonaws.com", "RegionName": "eu-south-1", "OptInStatus": "opted-in"},
        {"Endpoint": "ec2.ap-east-1.amazonaws.com", "RegionName": "ap-east-1", "OptInStatus": "not-opted-in"}]}


def analyzer(region: str, name: str, kind: str = "ACCOUNT", status: str = "ACTIVE", account: str = ACCOUNT) -> dict:
    return {"arn": f"arn:aws:access-analyzer:{region}:{account}:analyzer/{name}", "name": name, "type": kind,
            "createdAt": "2025-02-01T10:00:00Z", "status": status, "tags": {}}


def analyzer_outputs(eu_west_1: list[dict]) -> dict[str, dict]:
    return {"describe-regions.json": regions(),
            "us-east-1/list-analyzers.json": {"analyzers": [analyzer("us-east-1", "external")]},
            "eu-west-1/list-analyzers.json": {"analyzers": eu_west_1},
            "eu-south-1/list-analyzers.json": {"analyzers": [analyzer("eu-south-1", "org", "ORGANIZATION")]}}


def region_resource(region: str) -> str:
    return f"arn:aws::{region}:{ACCOUNT}"


def test_a_region_with_only_an_unused_access_analyzer_alarms(tmp_path):
    found = check(tmp_path, analyzer_outputs([analyzer("eu-west-1", "unused", "ACCOUNT_UNUSED_ACCESS")]),
                  "accessanalyzer_enabled_all_regions")
    assert {r: s for r, (s, _) in found.items()} == {
        region_resource("us-east-1"): "ok", region_resource("eu-west-1"): "alarm", region_resource("eu-south-1"): "ok"}
    assert "only unused (ACCOUNT_UNUSED_ACCESS, ACTIVE)" in found[region_resource("eu-west-1")][1]


def test_every_enabled_region_with_an_external_access_analyzer_is_ok(tmp_path):
    found = check(tmp_path, analyzer_outputs([analyzer("eu-west-1", "external")]), "accessanalyzer_enabled_all_regions")
    assert sorted(s for s, _ in found.values()) == ["ok", "ok", "ok"]  # ap-east-1 is not enabled: no row


def test_a_disabled_analyzer_does_not_count(tmp_path):
    found = check(tmp_path, analyzer_outputs([analyzer("eu-west-1", "external", status="DISABLED")]),
                  "accessanalyzer_enabled_all_regions")
    assert found[region_resource("eu-west-1")][0] == "alarm"


def test_regions_without_analyzers_loaded_are_skipped(tmp_path):
    found = check(tmp_path, {"describe-regions.json": regions()}, "accessanalyzer_enabled_all_regions")
    assert [s for s, _ in found.values()] == ["skip"]


# An analyzer with the organization as zone of trust, created in the management or delegated administrator account,
# analyzes the resources of every account of the organization in its region (IAM User Guide, "IAM Access Analyzer
# findings": all resources and principals of the organization are in the zone of trust); a member's own
# list-analyzers does not list it. Here the management account holds it and lists the accounts.
MEMBER, OUTSIDER = "444455556666", "777788889999"


def test_a_members_region_is_covered_by_its_organizations_analyzer(tmp_path):
    members = [ACCOUNT, MEMBER]
    accounts = {"Accounts": [{"Id": a, "Arn": f"arn:aws:organizations::{ACCOUNT}:account/o-exampleorgid/{a}",
                              "Email": f"{a}@example.com", "Name": a, "Status": "ACTIVE", "JoinedMethod": "INVITED",
                              "JoinedTimestamp": "2020-01-01T00:00:00Z"} for a in members]}
    outputs = {
        ACCOUNT: {"describe-regions.json": regions(), "list-accounts.json": accounts,
                  "us-east-1/list-analyzers.json": {"analyzers": [analyzer("us-east-1", "external")]},
                  "eu-west-1/list-analyzers.json": {"analyzers": [analyzer("eu-west-1", "org", "ORGANIZATION")]},
                  "eu-south-1/list-analyzers.json": {"analyzers": [
                      analyzer("eu-south-1", "org-off", "ORGANIZATION", status="DISABLED"),
                      analyzer("eu-south-1", "external")]}},
        **{account: {"describe-regions.json": regions(),
                     "us-east-1/list-analyzers.json": {"analyzers": [analyzer("us-east-1", "own", account=account)]},
                     "eu-west-1/list-analyzers.json": {"analyzers": []},
                     "eu-south-1/list-analyzers.json": {"analyzers": []}} for account in (MEMBER, OUTSIDER)}}
    con = db.connect(tmp_path / "organization.duckdb")
    for account, files in outputs.items():
        folder = tmp_path / account
        for name, document in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(json.dumps(document))
        load_paths(con, [folder], account_id=account, as_of=AS_OF.isoformat())
    rows = controls.results(con, controls.run_checks(con, controls=["accessanalyzer_enabled_all_regions"]))
    con.close()
    found = {(r["account_id"], r["region"]): (r["status"], r["reason"]) for r in rows}
    assert {key: status for key, (status, _) in found.items()} == {
        (ACCOUNT, "us-east-1"): "ok", (ACCOUNT, "eu-west-1"): "ok", (ACCOUNT, "eu-south-1"): "ok",
        (MEMBER, "us-east-1"): "ok", (MEMBER, "eu-west-1"): "ok", (MEMBER, "eu-south-1"): "alarm",
        (OUTSIDER, "us-east-1"): "ok", (OUTSIDER, "eu-west-1"): "alarm", (OUTSIDER, "eu-south-1"): "alarm"}
    assert found[(MEMBER, "eu-west-1")][1] == (
        f"Region eu-west-1 is analyzed by the organization's active analyzer(s) org (ORGANIZATION, account {ACCOUNT}), "
        "which cover every member account's resources there.")


# ---- active external-access findings ---------------------------------------------------------------------------

ANALYZER_ARN = f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/external"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/vendor-audit"
BUCKET = "arn:aws:s3:::reports-111122223333"


def finding(finding_id: str, resource: str, kind: str, status: str, principal: dict, actions: list[str]) -> dict:
    return {"id": finding_id, "principal": principal, "action": actions, "resource": resource, "isPublic": False,
            "resourceType": kind, "condition": {}, "createdAt": days_ago(30), "analyzedAt": days_ago(1),
            "updatedAt": days_ago(1), "status": status, "resourceOwnerAccount": ACCOUNT}


def finding_outputs(role_status: str) -> dict[str, dict]:
    return {
        "us-east-1/list-analyzers.json": {"analyzers": [analyzer("us-east-1", "external"),
                                                        analyzer("us-east-1", "spare")]},
        "us-east-1/list-findings/external.json": {"AnalyzerArn": ANALYZER_ARN, "findings": [
            finding("f-role", ROLE, "AWS::IAM::Role", role_status, {"AWS": "999988887777"}, ["sts:AssumeRole"]),
            finding("f-bucket-1", BUCKET, "AWS::S3::Bucket", "RESOLVED", {"AWS": "*"}, ["s3:GetObject"]),
            finding("f-bucket-2", BUCKET, "AWS::S3::Bucket", "ARCHIVED", {"AWS": "444455556666"}, ["s3:GetObject"])]}}


def test_an_active_finding_alarms_on_its_resource(tmp_path):
    found = check(tmp_path, finding_outputs("ACTIVE"), "accessanalyzer_no_active_external_findings")
    assert found[ROLE][0] == "alarm"
    assert "999988887777" in found[ROLE][1] and "sts:AssumeRole" in found[ROLE][1]
    assert found[BUCKET][0] == "ok"
    assert set(found) == {ROLE, BUCKET, f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/spare"}


def test_an_analyzer_whose_findings_were_not_loaded_is_unknown(tmp_path):
    """ListFindings is asked per analyzer (its analyzerArn); where it was refused or not collected, the analyzer's
    findings are unknown, not none: only an analyzer whose list-findings is loaded, empty, vouches for no finding."""
    outputs = finding_outputs("ACTIVE")
    outputs["us-east-1/list-findings/listed-empty.json"] = {
        "AnalyzerArn": f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/listed-empty", "findings": []}
    outputs["us-east-1/list-analyzers.json"]["analyzers"].append(analyzer("us-east-1", "listed-empty"))
    found = check(tmp_path, outputs, "accessanalyzer_no_active_external_findings")
    spare = found[f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/spare"]
    assert spare[0] == "skip" and "list-findings was not loaded" in spare[1], spare
    listed = found[f"arn:aws:access-analyzer:us-east-1:{ACCOUNT}:analyzer/listed-empty"]
    assert listed == ("ok", "Analyzer listed-empty reports no external-access finding."), listed


def test_archived_findings_are_ok(tmp_path):
    found = check(tmp_path, finding_outputs("ARCHIVED"), "accessanalyzer_no_active_external_findings")
    assert found[ROLE][0] == "ok" and "2 resolved or archived" in found[BUCKET][1]


# ---- Identity Center administrator permission sets -------------------------------------------------------------

ADMIN_SET = "arn:aws:sso:::permissionSet/ssoins-1111aaaa2222bbbb/ps-admin0000000001"
READER_SET = "arn:aws:sso:::permissionSet/ssoins-1111aaaa2222bbbb/ps-reader000000001"
WILD_SET = "arn:aws:sso:::permissionSet/ssoins-1111aaaa2222bbbb/ps-wild0000000001"
UNREAD_SET = "arn:aws:sso:::permissionSet/ssoins-1111aaaa2222bbbb/ps-unread00000001"
# ADMIN_SET is assigned in ACCOUNT (the Identity Center account) and in MEMBER: one verdict for each account
ADMIN_HERE, ADMIN_THERE = f"{ADMIN_SET}#{ACCOUNT}", f"{ADMIN_SET}#{MEMBER}"
GROUP_ID = "906754e2-f0a1-70b4-4a4c-123456789abc"
USER_ID = "906754e2-f0a1-70b4-4a4c-abcdef012345"


def inline(actions, resources="*") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions,
                                                               "Resource": resources}]})


def sso_outputs(admin_policy: str, wild_inline: str) -> dict[str, dict]:
    def described(arn, name):
        return {"PermissionSet": {"Name": name, "PermissionSetArn": arn, "CreatedDate": days_ago(300),
                                  "SessionDuration": "PT8H"}}

    files = {
        "sso-admin/list-instances.json": {"Instances": [{"InstanceArn": INSTANCE, "IdentityStoreId": STORE,
                                                         "OwnerAccountId": ACCOUNT, "Status": "ACTIVE"}]},
        "sso-admin/list-permission-sets.json": {"PermissionSets": [ADMIN_SET, READER_SET, WILD_SET, UNREAD_SET]},
        "sso-admin/list-managed-policies-in-permission-set/admin.json": {
            "PermissionSetArn": ADMIN_SET, "AttachedManagedPolicies": [
                {"Name": admin_policy.rsplit("/", 1)[-1], "Arn": admin_policy}]},
        "sso-admin/get-inline-policy-for-permission-set/admin.json": {"PermissionSetArn": ADMIN_SET,
                                                                      "InlinePolicy": ""},
        "sso-admin/get-inline-policy-for-permission-set/reader.json": {
            "PermissionSetArn": READER_SET, "InlinePolicy": inline(["s3:GetObject", "s3:ListBucket"])},
        "sso-admin/get-inline-policy-for-permission-set/wild.json": {"PermissionSetArn": WILD_SET,
                                                                     "InlinePolicy": wild_inline},
        "sso-admin/list-account-assignments/admin.json": {"AccountAssignments": [
            {"AccountId": ACCOUNT, "PermissionSetArn": ADMIN_SET, "PrincipalType": "GROUP", "PrincipalId": GROUP_ID},
            {"AccountId": "444455556666", "PermissionSetArn": ADMIN_SET, "PrincipalType": "USER",
             "PrincipalId": USER_ID}]},
        "identitystore/list-users.json": {"Users": [{"UserName": "ana@example.com", "UserId": USER_ID,
                                                     "IdentityStoreId": STORE, "DisplayName": "Ana Lima"}]},
        "identitystore/list-groups.json": {"Groups": [{"GroupId": GROUP_ID, "DisplayName": "platform-admins",
                                                       "IdentityStoreId": STORE}]},
    }
    for arn, name in ((ADMIN_SET, "Admin"), (READER_SET, "Reader"), (WILD_SET, "Wild"), (UNREAD_SET, "Unread")):
        files[f"sso-admin/describe-permission-set/{name}.json"] = described(arn, name)
        files[f"sso-admin/list-customer-managed-policy-references-in-permission-set/{name}.json"] = {
            "PermissionSetArn": arn, "CustomerManagedPolicyReferences": []}
        files.setdefault(f"sso-admin/list-managed-policies-in-permission-set/{name.lower()}.json", {
            "PermissionSetArn": arn, "AttachedManagedPolicies": []})
        files[f"sso-admin/get-permissions-boundary-for-permission-set/{name}.json"] = {
            "PermissionSetArn": arn, "PermissionsBoundary": {}}
    return files


def test_administrator_permission_sets_alarm_with_their_holders(tmp_path):
    found = check(tmp_path, sso_outputs(ADMIN_POLICY, inline("*")), "sso_permission_set_admin")
    status, reason = found[ADMIN_HERE]
    assert status == "alarm" and "AdministratorAccess" in reason
    assert reason.endswith(f"held by group platform-admins in {ACCOUNT}."), reason
    status, reason = found[ADMIN_THERE]
    assert status == "alarm" and reason.endswith(f"held by user ana@example.com in {MEMBER}."), reason
    assert found[WILD_SET][0] == "alarm" and "its inline policy" in found[WILD_SET][1]
    assert found[WILD_SET][1].endswith("assigned to no one.")
    assert found[READER_SET][0] == "ok"
    assert found[UNREAD_SET][0] == "skip" and "get-inline-policy-for-permission-set" in found[UNREAD_SET][1]


def aws_managed_policies(documents: dict[str, dict]) -> dict:
    """get-account-authorization-details of an account where the permission sets are provisioned: the AWS managed
    policies attached there, with their documents."""
    return {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [
        {"PolicyName": name, "PolicyId": f"ANPA{name.upper()[:12]:0<12}", "Arn": f"arn:aws:iam::aws:policy/{name}",
         "Path": "/", "DefaultVersionId": "v3", "AttachmentCount": 1, "IsAttachable": True,
         "CreateDate": days_ago(900), "UpdateDate": days_ago(60),
         "PolicyVersionList": [{"Document": document, "VersionId": "v3", "IsDefaultVersion": True,
                                "CreateDate": days_ago(60)}]}
        for name, document in documents.items()]}


def test_scoped_permission_sets_are_ok(tmp_path):
    files = sso_outputs("arn:aws:iam::aws:policy/ReadOnlyAccess", inline("ec2:Describe*"))
    files["get-account-authorization-details.json"] = aws_managed_policies(
        {"ReadOnlyAccess": json.loads(inline(["ec2:Describe*", "s3:Get*", "iam:List*"]))})
    found = check(tmp_path, files, "sso_permission_set_admin")
    assert (found[ADMIN_HERE][0], found[WILD_SET][0], found[READER_SET][0]) == ("ok", "ok", "ok")


def test_an_aws_managed_policy_not_loaded_leaves_its_permission_set_unjudged(tmp_path):
    """An attached AWS managed policy whose document no loaded account holds may grant anything: the permission
    set is skipped, naming the policy, never passed; once a loaded account holds the document it is judged by it."""
    files = sso_outputs("arn:aws:iam::aws:policy/PowerUserAccess", inline("ec2:Describe*"))
    found = check(tmp_path / "unloaded", files, "sso_permission_set_admin")
    assert found[ADMIN_HERE][0] == "skip" and "PowerUserAccess" in found[ADMIN_HERE][1]
    assert "collect --identity" in found[ADMIN_HERE][1]  # the way to fetch it
    assert found[READER_SET][0] == "ok"
    files["get-account-authorization-details.json"] = aws_managed_policies(
        {"PowerUserAccess": json.loads(inline("*"))})
    found = check(tmp_path / "loaded", files, "sso_permission_set_admin")
    assert found[ADMIN_HERE][0] == "alarm" and "the managed policy PowerUserAccess" in found[ADMIN_HERE][1]


def test_a_permission_set_whose_managed_policies_were_not_listed_is_skipped(tmp_path):
    """No list-managed-policies-in-permission-set of a permission set is not a set with no managed policy: it is
    skipped naming the output, never passed; the same set listed with none is judged."""
    files = sso_outputs(ADMIN_POLICY, inline("ec2:Describe*"))
    del files["sso-admin/list-managed-policies-in-permission-set/reader.json"]
    found = check(tmp_path / "unlisted", files, "sso_permission_set_admin")
    assert found[READER_SET][0] == "skip" and "list-managed-policies-in-permission-set" in found[READER_SET][1]
    assert found[ADMIN_HERE][0] == "alarm" and found[WILD_SET][0] == "ok"
    found = check(tmp_path / "listed", sso_outputs(ADMIN_POLICY, inline("ec2:Describe*")), "sso_permission_set_admin")
    assert found[READER_SET][0] == "ok"


def bounded(files: dict[str, dict], boundary: dict) -> dict[str, dict]:
    """``files`` with the admin permission set's get-permissions-boundary-for-permission-set giving ``boundary``."""
    return {**files, "sso-admin/get-permissions-boundary-for-permission-set/Admin.json": {
        "PermissionSetArn": ADMIN_SET, "PermissionsBoundary": boundary}}


def test_a_permissions_boundary_limits_what_the_permission_sets_policies_grant(tmp_path):
    """The boundary (an AWS managed policy here) bounds the role each assignment provisions: AdministratorAccess
    under a ReadOnlyAccess boundary is no administrator, under an AdministratorAccess boundary it is."""
    files = sso_outputs(ADMIN_POLICY, inline("ec2:Describe*"))
    files["get-account-authorization-details.json"] = aws_managed_policies({
        "AdministratorAccess": json.loads(inline("*")),
        "ReadOnlyAccess": json.loads(inline(["ec2:Describe*", "s3:Get*", "iam:List*"]))})
    read_only = {"ManagedPolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}
    found = check(tmp_path / "read-only", bounded(files, read_only), "sso_permission_set_admin")
    assert found[ADMIN_HERE][0] == "ok" and "permissions boundary ReadOnlyAccess" in found[ADMIN_HERE][1]
    found = check(tmp_path / "admin", bounded(files, {"ManagedPolicyArn": ADMIN_POLICY}), "sso_permission_set_admin")
    assert found[ADMIN_HERE][0] == "alarm" and "AdministratorAccess" in found[ADMIN_HERE][1]


def test_a_permissions_boundary_not_loaded_or_not_judged_leaves_an_administrator_set_unjudged(tmp_path):
    """Without the admin set's boundary, or with a boundary whose document is not loaded for every account the set
    is assigned in, its AdministratorAccess may be bounded: skipped saying so, never alarmed or passed. A set whose
    policies grant no administrator access needs no boundary to pass."""
    files = sso_outputs(ADMIN_POLICY, inline("ec2:Describe*"))
    del files["sso-admin/get-permissions-boundary-for-permission-set/Admin.json"]
    del files["sso-admin/get-permissions-boundary-for-permission-set/Reader.json"]
    found = check(tmp_path / "unloaded", files, "sso_permission_set_admin")
    assert found[ADMIN_HERE][0] == "skip" and "get-permissions-boundary-for-permission-set" in found[ADMIN_HERE][1]
    assert found[READER_SET][0] == "ok"
    customer = {"CustomerManagedPolicyReference": {"Name": "boundary", "Path": "/sso/"}}
    found = check(tmp_path / "customer", bounded(files, customer), "sso_permission_set_admin")
    assert found[ADMIN_HERE][0] == "skip" and f"/sso/boundary in {ACCOUNT}" in found[ADMIN_HERE][1]


def test_an_answer_without_a_boundary_is_a_permission_set_without_one(tmp_path):
    """A permission set with no boundary: AWS's answer has no ``PermissionsBoundary`` member, or is a
    ResourceNotFoundException (``collect`` keeps it as an answer, with the set's ARN): the administrator set alarms.
    The same answer in a file that names no call, with a message that names none either, places nothing: skip."""
    files = sso_outputs(ADMIN_POLICY, inline("ec2:Describe*"))
    path = "sso-admin/get-permissions-boundary-for-permission-set/Admin.json"
    not_found = {"Code": "ResourceNotFoundException", "Message": "Could not find the resource."}
    for name, answer in (("empty", {"InstanceArn": INSTANCE, "PermissionSetArn": ADMIN_SET}),
                         ("not-found", {"InstanceArn": INSTANCE, "PermissionSetArn": ADMIN_SET, "Error": not_found})):
        found = check(tmp_path / name, {**files, path: answer}, "sso_permission_set_admin")
        assert found[ADMIN_HERE][0] == "alarm" and "AdministratorAccess" in found[ADMIN_HERE][1], name
    del files[path]
    unnamed = {**files, "sso-admin/answers/Admin.json": {"PermissionSetArn": ADMIN_SET, "Error": not_found}}
    found = check(tmp_path / "unnamed", unnamed, "sso_permission_set_admin")
    assert found[ADMIN_HERE][0] == "skip" and "get-permissions-boundary-for-permission-set" in found[ADMIN_HERE][1]


# ---- services granted but not used ------------------------------------------------------------------------------


def user(name: str, created: str) -> dict:
    return {"UserName": name, "UserId": f"AIDA{name.upper().replace('-', '')[:12]:0<12}", "Path": "/",
            "Arn": f"arn:aws:iam::{ACCOUNT}:user/{name}", "CreateDate": created, "GroupList": [],
            "AttachedManagedPolicies": [], "UserPolicyList": [], "Tags": []}


def role(name: str, created: str, path: str = "/") -> dict:
    return gaad_role(ACCOUNT, name, [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                                      "Action": "sts:AssumeRole"}], path=path, created=created)


def last_accessed(arn: str, services: dict[str, str | None]) -> dict:
    """get-service-last-accessed-details of one principal, its ARN added as collect writes it."""
    return {"Arn": arn, "JobStatus": "COMPLETED", "JobType": "ACTION_LEVEL", "JobCreationDate": days_ago(1),
            "JobCompletionDate": days_ago(1), "IsTruncated": False, "ServicesLastAccessed": [
                {"ServiceName": namespace.upper(), "ServiceNamespace": namespace, "TotalAuthenticatedEntities": 0 if when is None else 1,
                 **({"LastAuthenticated": when, "LastAuthenticatedEntity": arn, "LastAuthenticatedRegion": "us-east-1"}
                    if when else {})}
                for namespace, when in services.items()]}


def advisor_outputs(ci_services: dict[str, str | None]) -> dict[str, dict]:
    ci = f"arn:aws:iam::{ACCOUNT}:user/app-ci"
    fresh = f"arn:aws:iam::{ACCOUNT}:role/new-fn"
    linked = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/AWSServiceRoleForSupport"
    return {
        "get-account-authorization-details.json": {
            "UserDetailList": [user("app-ci", "2023-01-10T09:00:00Z"), user("no-data", "2023-01-10T09:00:00Z")],
            "RoleDetailList": [role("new-fn", days_ago(10)),
                               role("AWSServiceRoleForSupport", "2022-01-01T00:00:00Z", "/aws-service-role/")],
            "GroupDetailList": [], "Policies": []},
        "last-accessed/app-ci.json": last_accessed(ci, ci_services),
        "last-accessed/new-fn.json": last_accessed(fresh, {"lambda": None, "logs": days_ago(2)}),
        "last-accessed/support.json": last_accessed(linked, {"support": None}),
    }


def test_services_never_or_long_ago_accessed_alarm(tmp_path):
    found = check(tmp_path, advisor_outputs({"s3": days_ago(5), "dynamodb": None, "ec2": days_ago(200)}),
                  "iam_principal_unused_services")
    status, reason = found[f"arn:aws:iam::{ACCOUNT}:user/app-ci"]
    assert status == "alarm"
    assert "2 of its 3 granted services" in reason and "ec2 (200 days)" in reason
    # LastAuthenticated is "null if no IAM entities attempted to access the service within the tracking period"
    # (IAM API reference, ServiceLastAccessed), 400 days: app-ci is older, so it may have used dynamodb before
    assert "not accessed in the 400-day tracking period: dynamodb" in reason and "never" not in reason, reason
    assert "s3" not in reason
    new_status, new_reason = found[f"arn:aws:iam::{ACCOUNT}:role/new-fn"]
    assert new_status == "ok" and "grace period" in new_reason  # created 10 days ago: lambda not judged yet
    assert found[f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/AWSServiceRoleForSupport"][0] == "info"
    assert found[f"arn:aws:iam::{ACCOUNT}:user/no-data"][0] == "skip"


def test_many_unused_services_name_the_first_five_of_each_list_and_count_the_rest(tmp_path):
    """A principal granted every service listed each one it did not use, hundreds for an administrator; the reason
    names the first five of each list in order and counts the others."""
    unused = {f"svc{n}": None for n in range(7, 0, -1)} | {f"old{n}": days_ago(200 + n) for n in range(7, 0, -1)}
    found = check(tmp_path, advisor_outputs({"s3": days_ago(5), **unused}), "iam_principal_unused_services")
    status, reason = found[f"arn:aws:iam::{ACCOUNT}:user/app-ci"]
    assert status == "alarm", reason
    assert ("has not used 14 of its 15 granted services in 90 days: not accessed in the 400-day tracking period: "
            "svc1, svc2, svc3, svc4, svc5 and 2 more; last accessed too long ago: old1 (201 days), old2 (202 days), "
            "old3 (203 days), old4 (204 days), old5 (205 days) and 2 more; remove") in reason, reason


def test_services_of_a_principal_younger_than_the_tracking_period_were_never_accessed(tmp_path):
    files = advisor_outputs({"s3": days_ago(5)})
    files["get-account-authorization-details.json"]["UserDetailList"] = [user("young-ci", days_ago(200))]
    young = f"arn:aws:iam::{ACCOUNT}:user/young-ci"
    files["last-accessed/young-ci.json"] = last_accessed(young, {"s3": days_ago(5), "dynamodb": None})
    status, reason = check(tmp_path, files, "iam_principal_unused_services")[young]
    assert status == "alarm" and "never accessed: dynamodb" in reason and "tracking period" not in reason, reason


def test_a_service_last_accessed_hours_past_the_limit_is_unused(tmp_path):
    # 90 days and 6 hours is more than 90 days, though its whole days are 90; 6 hours short of 90 days is within
    found = check(tmp_path, advisor_outputs({"s3": days_ago(89.75), "ec2": days_ago(90.25)}),
                  "iam_principal_unused_services")
    status, reason = found[f"arn:aws:iam::{ACCOUNT}:user/app-ci"]
    assert status == "alarm" and "1 of its 2 granted services" in reason and "ec2 (90 days)" in reason, reason
    assert "s3" not in reason


def test_services_all_used_recently_are_ok(tmp_path):
    found = check(tmp_path, advisor_outputs({"s3": days_ago(5), "dynamodb": days_ago(60), "ec2": days_ago(89)}),
                  "iam_principal_unused_services")
    status, reason = found[f"arn:aws:iam::{ACCOUNT}:user/app-ci"]
    assert status == "ok" and "all of its 3 granted services" in reason


def test_a_principal_whose_last_accessed_data_lists_no_service_has_nothing_unused(tmp_path):
    """GetServiceLastAccessedDetails lists the services the principal's policies allow: a completed job listing none
    is data (nothing granted, so nothing unused), unlike a principal whose job was not loaded. Also when it is the
    account's only last-accessed output, which loads no row of aws_iam_access_advisor."""
    bare = f"arn:aws:iam::{ACCOUNT}:user/bare"
    files = advisor_outputs({"s3": days_ago(5)})
    files["get-account-authorization-details.json"]["UserDetailList"].append(user("bare", "2023-01-10T09:00:00Z"))
    files["last-accessed/bare.json"] = last_accessed(bare, {})
    alone = {"get-account-authorization-details.json": files["get-account-authorization-details.json"],
             "last-accessed/bare.json": files["last-accessed/bare.json"]}
    for name, outputs in (("with-others", files), ("alone", alone)):
        found = check(tmp_path / name, outputs, "iam_principal_unused_services")
        assert found[bare] == ("ok", "User bare has last-accessed data listing no service: its policies grant none, "
                                     "so none is unused."), (name, found[bare])
        assert found[f"arn:aws:iam::{ACCOUNT}:user/no-data"][0] == "skip", name


# ---- the NHI inventory names who holds each Identity Center role --------------------------------------------------


def test_inventory_names_the_identity_center_holders_of_a_provisioned_role(tmp_path):
    """The role Identity Center provisions for a permission set (AWSReservedSSO_<set>_<suffix>) is listed with the
    group or user each assignment in its account gives it to; a lookalike role for another set is not."""
    files = sso_outputs(ADMIN_POLICY, inline("*"))
    sso_path = "/aws-reserved/sso.amazonaws.com/"
    files["iam/get-account-authorization-details.json"] = {
        "UserDetailList": [], "GroupDetailList": [], "Policies": [],
        "RoleDetailList": [role("AWSReservedSSO_Admin_0123456789abcdef", days_ago(200), sso_path),
                           role("AWSReservedSSO_Administrators_0123456789abcdef", days_ago(200), sso_path)]}
    folder = tmp_path / "outputs"
    for name, document in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(json.dumps(document))
    path = tmp_path / "inventory.duckdb"
    con = db.connect(path)
    load_paths(con, [folder], account_id=ACCOUNT, as_of=AS_OF.isoformat())
    con.close()
    con = db.connect(path)
    create_views(con)  # helper views and the policy engine's tables over the loaded data
    rows = con.execute("select name, use_kind, used_by, detail from iam_nhi_inventory "
                       "where use_kind like 'identity_center%' order by name, used_by").fetchall()
    con.close()
    # the assignment to ana is in another account (444455556666), where no role of this data lives
    assert rows == [("AWSReservedSSO_Admin_0123456789abcdef", "identity_center_group", "platform-admins",
                     "permission set Admin")]
