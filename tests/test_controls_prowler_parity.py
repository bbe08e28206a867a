"""Controls added for parity with Prowler's IAM and CloudTrail checks (docs/vs-prowler.md), over AWS CLI outputs
written to files and loaded as users load them (get-account-authorization-details, list-policies, describe-trails,
get-insight-selectors, get-bucket-versioning, the credential report, get-service-last-accessed-details) and over an
account collected from moto's server. Each test has a resource that must alarm beside one that must pass, and the
case the data cannot decide (skip)."""

import json
from pathlib import Path

import pytest
from moto.cloudtrail.models import Trail

from iamsql import controls
from iamsql.collect.run import collect
from iamsql.load import load_paths
from iamsql.store import db
from tests.fixtures.moto import populate_account

# the IAM controls whose ok, alarm and skip cases are here (test_controls_iam checks every IAM control has some)
IAM_CONTROLS = ("iam_policy_no_full_access_to_cloudtrail", "iam_policy_no_full_access_to_kms",
                "iam_policy_no_marketplace_subscribe_star", "iam_user_access_key_limited_to_iam_sts")
# the CloudTrail controls whose ok, alarm and skip cases are here (test_controls_cloudtrail checks the same)
CLOUDTRAIL_CONTROLS = ("cloudtrail_insights_enabled", "cloudtrail_bucket_mfa_delete")
AS_OF = "2024-03-01T12:00:00Z"
ACCOUNT = "111122223333"
CREATED = "2023-01-01T00:00:00Z"


def arn(kind: str, name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:{kind}/{name}"


def run_loaded(tmp_path: Path, files: dict[str, object], control_ids: list[str]) -> dict[tuple[str, str], dict]:
    """Write ``files`` (name -> text or JSON document) to a folder, load it as account ``ACCOUNT`` as of ``AS_OF``,
    run the controls: (control, resource) -> result row (no errors, one row per resource)."""
    folder = tmp_path / "export"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_text(content if isinstance(content, str) else json.dumps(content))
    con = db.connect(tmp_path / "loaded.duckdb")
    load_paths(con, [str(folder)], account_id=ACCOUNT, as_of=AS_OF)
    rows = controls.results(con, controls.run_checks(con, controls=control_ids))
    con.close()
    assert [r["reason"] for r in rows if r["status"] == "error"] == []
    results = {(r["control_id"], r["resource"]): r for r in rows}
    assert len(results) == len(rows)
    return results


def status(results: dict, control: str, resource: str, expected: str) -> str:
    row = results[(control, resource)]
    assert row["status"] == expected, row["reason"]
    return row["reason"]


# --------------------------------------------------------------------------------------------------------------
# Full access to CloudTrail or KMS, and aws-marketplace:Subscribe on every product: the policy engine's answers
# for each customer-managed policy and each principal's inline policies.
# --------------------------------------------------------------------------------------------------------------


def document(*statements) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def managed(name: str, *statements) -> dict:
    """A customer-managed policy as get-account-authorization-details lists it, attached once."""
    return {"PolicyName": name, "PolicyId": "ANPA" + name.upper().replace("-", "")[:16].ljust(16, "X"),
            "Arn": arn("policy", name), "Path": "/", "DefaultVersionId": "v1", "AttachmentCount": 1,
            "PermissionsBoundaryUsageCount": 0, "IsAttachable": True, "CreateDate": CREATED, "UpdateDate": CREATED,
            "PolicyVersionList": [{"Document": document(*statements), "VersionId": "v1", "IsDefaultVersion": True,
                                   "CreateDate": CREATED}]}


POLICIES = {
    "admin": [allow("*")],
    "cloudtrail-star": [allow("cloudtrail:*")],
    "everything-but-iam": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}],
    "cloudtrail-read": [allow(["cloudtrail:LookupEvents", "cloudtrail:Describe*", "cloudtrail:Get*", "cloudtrail:List*"])],
    "cloudtrail-own-trails": [allow("cloudtrail:*", f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/team-*")],
    "cloudtrail-star-stop-denied": [allow("cloudtrail:*"), {"Effect": "Deny", "Action": "cloudtrail:StopLogging",
                                                             "Resource": "*"}],
    "cloudtrail-prefix": [allow(["cloudtrail:I*", "cloudtrail:LookupEvents"])],
    "cloudtrail-star-in-one-region": [allow("cloudtrail:*", Condition={
        "StringEquals": {"aws:RequestedRegion": "eu-west-1"}})],
    "kms-star": [allow("kms:*")],
    "kms-key-use": [allow(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"])],
    "kms-named-key": [allow("kms:*", f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab")],
    "marketplace-star": [allow("aws-marketplace:*")],
    "marketplace-subscribe": [allow(["aws-marketplace:Subscribe", "aws-marketplace:ViewSubscriptions"])],
    "marketplace-approved-products": [allow("aws-marketplace:Subscribe", Condition={
        "ForAllValues:StringEquals": {"aws-marketplace:ProductId": ["prod-abcdefghijk12"]}})],
    "marketplace-view": [allow(["aws-marketplace:ViewSubscriptions", "aws-marketplace:Get*"])],
}


@pytest.fixture(scope="module")
def policy_results(tmp_path_factory):
    gaad = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [{
            "Path": "/", "RoleName": "trail-admin", "RoleId": "AROAEXAMPLETRAILADMIN", "Arn": arn("role", "trail-admin"),
            "CreateDate": CREATED, "MaxSessionDuration": 3600, "InstanceProfileList": [], "Tags": [],
            "RoleLastUsed": {},
            "AssumeRolePolicyDocument": document({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                                                  "Action": "sts:AssumeRole"}),
            "RolePolicyList": [{"PolicyName": "trails", "PolicyDocument": document(allow("cloudtrail:*"))}],
            "AttachedManagedPolicies": [{"PolicyName": "kms-star", "PolicyArn": arn("policy", "kms-star")}]}],
        "Policies": [managed(name, *statements) for name, statements in POLICIES.items()],
    }
    # a policy listed without its document (list-policies): nothing to judge
    listed = {"Policies": [{"PolicyName": "listed-only", "PolicyId": "ANPAEXAMPLELISTEDONLY", "Arn": arn("policy", "listed-only"),
                            "Path": "/", "DefaultVersionId": "v3", "AttachmentCount": 2, "IsAttachable": True,
                            "CreateDate": CREATED, "UpdateDate": CREATED}]}
    return run_loaded(tmp_path_factory.mktemp("policies"), {"gaad.json": gaad, "list-policies.json": listed},
                      ["iam_policy_no_full_access_to_cloudtrail", "iam_policy_no_full_access_to_kms",
                       "iam_policy_no_marketplace_subscribe_star"])


@pytest.mark.parametrize("name, expected, says", [
    ("cloudtrail-star", "alarm", "every CloudTrail action"), ("admin", "alarm", "without conditions"),
    ("everything-but-iam", "alarm", "every CloudTrail action"), ("cloudtrail-read", "ok", "does not allow"),
    ("cloudtrail-own-trails", "ok", "does not allow"), ("cloudtrail-star-stop-denied", "ok", "does not allow"),
    ("cloudtrail-prefix", "ok", "does not allow"), ("cloudtrail-star-in-one-region", "ok", "aws:requestedregion"),
    ("kms-star", "ok", "does not allow"), ("listed-only", "skip", "without its policy document")])
def test_full_access_to_cloudtrail(policy_results, name, expected, says):
    reason = status(policy_results, "iam_policy_no_full_access_to_cloudtrail", arn("policy", name), expected)
    assert says in reason.lower() if says.islower() else says in reason


def test_inline_full_access_to_cloudtrail_is_judged_per_principal(policy_results):
    reason = status(policy_results, "iam_policy_no_full_access_to_cloudtrail", arn("role", "trail-admin"), "alarm")
    assert reason.startswith(f"Inline policy trails of {arn('role', 'trail-admin')}")
    # the attached kms-star is judged once, as its own policy, not again under the role
    status(policy_results, "iam_policy_no_full_access_to_kms", arn("role", "trail-admin"), "ok")


@pytest.mark.parametrize("name, expected", [
    ("kms-star", "alarm"), ("admin", "alarm"), ("everything-but-iam", "alarm"), ("kms-key-use", "ok"),
    ("kms-named-key", "ok"), ("cloudtrail-star", "ok"), ("listed-only", "skip")])
def test_full_access_to_kms(policy_results, name, expected):
    status(policy_results, "iam_policy_no_full_access_to_kms", arn("policy", name), expected)


@pytest.mark.parametrize("name, expected, says", [
    ("marketplace-star", "alarm", "without conditions"), ("marketplace-subscribe", "alarm", "without conditions"),
    ("admin", "alarm", "without conditions"), ("marketplace-approved-products", "ok", "aws-marketplace:productid"),
    ("marketplace-view", "ok", "does not allow"), ("kms-star", "ok", "does not allow"),
    ("listed-only", "skip", "without its policy document")])
def test_marketplace_subscribe_on_every_product(policy_results, name, expected, says):
    reason = status(policy_results, "iam_policy_no_marketplace_subscribe_star", arn("policy", name), expected)
    assert says in reason.lower()


# --------------------------------------------------------------------------------------------------------------
# CloudTrail Insights (Prowler's cloudtrail_insights_exist): describe-trails' HasInsightSelectors, with the types
# from get-insight-selectors, which collect asks only for a trail that has them (AWS answers
# InsightNotEnabledException otherwise).
# --------------------------------------------------------------------------------------------------------------


def trail(name: str, *, insights: bool | None) -> dict:
    entry = {"Name": name, "S3BucketName": "audit-logs", "IncludeGlobalServiceEvents": True, "IsMultiRegionTrail": True,
             "HomeRegion": "us-east-1", "TrailARN": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}",
             "LogFileValidationEnabled": True, "HasCustomEventSelectors": False, "IsOrganizationTrail": False}
    if insights is not None:
        entry["HasInsightSelectors"] = insights
    return entry


def trail_arn(name: str) -> str:
    return f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}"


def test_insights_enabled_per_trail(tmp_path):
    results = run_loaded(tmp_path, {
        "describe-trails.json": {"trailList": [trail("watched", insights=True), trail("plain", insights=False),
                                               trail("unknown", insights=None)]},
        "get-insight-selectors.json": {"TrailARN": trail_arn("watched"), "InsightSelectors": [
            {"InsightType": "ApiErrorRateInsight"}, {"InsightType": "ApiCallRateInsight"}]},
    }, ["cloudtrail_insights_enabled"])
    reason = status(results, "cloudtrail_insights_enabled", trail_arn("watched"), "ok")
    assert "(ApiCallRateInsight and ApiErrorRateInsight)" in reason
    assert "no CloudTrail Insights" in status(results, "cloudtrail_insights_enabled", trail_arn("plain"), "alarm")
    # a describe-trails entry without HasInsightSelectors (an output from before Insights, CloudMapper's demo) is
    # loaded: the reason says the member is missing, not the entry
    unknown = status(results, "cloudtrail_insights_enabled", trail_arn("unknown"), "skip")
    assert "not known" in unknown and "HasInsightSelectors" in unknown and "entry was not loaded" not in unknown


def test_insights_selectors_without_their_listing_still_count(tmp_path):
    """A trail whose listing does not say HasInsightSelectors has Insights when get-insight-selectors lists some:
    AWS returns selectors only when they are set."""
    results = run_loaded(tmp_path, {
        "describe-trails.json": {"trailList": [{"Name": name, "TrailARN": trail_arn(name), "HomeRegion": "us-east-1"}
                                               for name in ("watched", "quiet")]},
        "get-insight-selectors.json": {"TrailARN": trail_arn("watched"), "InsightSelectors": [
            {"InsightType": "ApiCallRateInsight"}]},
        "get-trail-status.json": {"IsLogging": True, "TrailARN": trail_arn("quiet")},
    }, ["cloudtrail_insights_enabled"])
    assert "(ApiCallRateInsight)" in status(results, "cloudtrail_insights_enabled", trail_arn("watched"), "ok")
    status(results, "cloudtrail_insights_enabled", trail_arn("quiet"), "skip")


# --------------------------------------------------------------------------------------------------------------
# Long-term access keys that reach more than IAM and STS (Prowler's iam_user_with_temporary_credentials): the
# credential report's active keys and the services IAM's last-accessed data lists as granted.
# --------------------------------------------------------------------------------------------------------------

REPORT_HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,"
    "mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
    "access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,"
    "access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated")


def report_line(name: str, key1: str, key2: str = "false") -> str:
    """A user without a password; each key slot active or not as given, created 2023, never used."""
    keys = ",".join(f"{active},{'2023-01-02T00:00:00+00:00' if active == 'true' else 'N/A'},N/A,N/A,N/A"
                    for active in (key1, key2))
    return f"{name},{arn('user', name)},2023-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,{keys},false,N/A,false,N/A"


def last_accessed(name: str, *services: tuple[str, str | None]) -> dict:
    """get-service-last-accessed-details of the user (the principal added as Arn): (namespace, last use or None)."""
    return {"JobStatus": "COMPLETED", "JobType": "SERVICE_LEVEL", "JobCreationDate": "2024-03-01T10:00:00Z",
            "JobCompletionDate": "2024-03-01T10:01:00Z", "IsTruncated": False, "Arn": arn("user", name),
            "ServicesLastAccessed": [
                {"ServiceName": namespace.upper(), "ServiceNamespace": namespace, "TotalAuthenticatedEntities": 0,
                 **({"LastAuthenticated": used, "LastAuthenticatedRegion": "us-east-1",
                     "LastAuthenticatedEntity": arn("user", name), "TotalAuthenticatedEntities": 1} if used else {})}
                for namespace, used in services]}


def test_access_keys_that_reach_more_than_iam_and_sts(tmp_path):
    root = (f"<root_account>,arn:aws:iam::{ACCOUNT}:root,2016-02-10T08:00:00+00:00,not_supported,no_information,"
            "not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A")
    report = "\n".join([REPORT_HEADER, root, report_line("assumer", "true"), report_line("deployer", "false", "true"),
                        report_line("console-only", "false"), report_line("unmeasured", "true"),
                        report_line("bare", "true")]) + "\n"
    results = run_loaded(tmp_path, {
        "credential-report.csv": report,
        "assumer-last-accessed.json": last_accessed("assumer", ("iam", None), ("sts", "2024-02-28T09:00:00Z")),
        "deployer-last-accessed.json": last_accessed("deployer", ("ec2", None), ("s3", "2024-02-20T09:00:00Z"),
                                                     ("sts", None)),
        "console-only-last-accessed.json": last_accessed("console-only", ("s3", "2024-02-20T09:00:00Z")),
        "bare-last-accessed.json": last_accessed("bare"),
    }, ["iam_user_access_key_limited_to_iam_sts"])
    control = "iam_user_access_key_limited_to_iam_sts"
    assert "grant only IAM and STS" in status(results, control, arn("user", "assumer"), "ok")
    reason = status(results, control, arn("user", "deployer"), "alarm")
    assert "(access key 2)" in reason and "besides IAM and STS: ec2, s3;" in reason
    assert "accessed in the tracking period: s3." in reason
    assert "no active access key" in status(results, control, arn("user", "console-only"), "ok")
    assert "no last-accessed data" in status(results, control, arn("user", "unmeasured"), "skip")
    # a completed job listing no service: the user's policies grant none, which is data, not a gap
    assert "grant no service" in status(results, control, arn("user", "bare"), "ok")
    assert not any(resource.endswith(":root") for _, resource in results)


# --------------------------------------------------------------------------------------------------------------
# MFA delete on the trail bucket (Prowler's cloudtrail_bucket_requires_mfa_delete): get-bucket-versioning of each
# bucket a trail delivers to, saved with its Bucket key as docs/loading.md asks.
# --------------------------------------------------------------------------------------------------------------


def test_mfa_delete_on_trail_buckets(tmp_path):
    trails = []
    for name, bucket in (("guarded", "logs-guarded"), ("versioned", "logs-versioned"), ("plain", "logs-plain"),
                         ("uncollected", "logs-uncollected"), ("central", "central-logs")):
        trails.append({**trail(name, insights=False), "S3BucketName": bucket})
    buckets = {"Buckets": [{"Name": b, "CreationDate": CREATED}
                           for b in ("logs-guarded", "logs-versioned", "logs-plain", "logs-uncollected")],
               "Owner": {"ID": "abc"}}
    files = {"describe-trails.json": {"trailList": trails}, "list-buckets.json": buckets}
    for bucket, versioning in (("logs-guarded", {"Status": "Enabled", "MFADelete": "Enabled"}),
                               ("logs-versioned", {"Status": "Enabled", "MFADelete": "Disabled"}),
                               ("logs-plain", {"Status": None})):
        files[f"get-bucket-versioning-{bucket}.json"] = {"Bucket": bucket, **versioning}
    results = run_loaded(tmp_path, files, ["cloudtrail_bucket_mfa_delete"])
    control = "cloudtrail_bucket_mfa_delete"
    assert "has MFA delete enabled" in status(results, control, "arn:aws:s3:::logs-guarded", "ok")
    assert "versioned without MFA delete" in status(results, control, "arn:aws:s3:::logs-versioned", "alarm")
    assert "not versioned" in status(results, control, "arn:aws:s3:::logs-plain", "alarm")
    assert "was not collected" in status(results, control, "arn:aws:s3:::logs-uncollected", "skip")
    assert "not in this account's data" in status(results, control, "arn:aws:s3:::central-logs", "skip")


def test_insights_and_mfa_delete_from_a_collected_account(aws_session, tmp_path, monkeypatch):
    """Collected from moto's server with real boto3: the trail main with Insights, the regional trail without, and
    their bucket versioned without MFA delete (get-bucket-versioning answers MFADelete Disabled)."""
    describe = Trail.description

    def as_aws_describes(self, include_region: bool = False) -> dict:  # moto always says HasInsightSelectors false
        return {**describe(self, include_region), "HasInsightSelectors": bool(self.insight_selectors)}

    monkeypatch.setattr(Trail, "description", as_aws_describes)
    account = aws_session.client("sts").get_caller_identity()["Account"]
    trails = populate_account(aws_session, account)["trails"]
    aws_session.client("cloudtrail").put_insight_selectors(TrailName="main", InsightSelectors=[
        {"InsightType": "ApiCallRateInsight"}, {"InsightType": "ApiErrorRateInsight"}])
    aws_session.client("s3").put_bucket_versioning(Bucket=f"trail-logs-{account}",
                                                   VersioningConfiguration={"Status": "Enabled"})
    con = db.connect(tmp_path / "collected.duckdb")
    collect(con, evidence_dir=tmp_path / "evidence", regions=["us-east-1", "eu-west-1"])
    rows = controls.results(con, controls.run_checks(con, controls=["cloudtrail_insights_enabled",
                                                                    "cloudtrail_bucket_mfa_delete"]))
    con.close()
    results = {(r["control_id"], r["resource"]): r for r in rows}
    (main,) = [t for t in trails if t.endswith("/main")]
    (regional,) = [t for t in trails if t.endswith("/eu-only")]
    assert "(ApiCallRateInsight and ApiErrorRateInsight)" in status(results, "cloudtrail_insights_enabled", main, "ok")
    status(results, "cloudtrail_insights_enabled", regional, "alarm")
    reason = status(results, "cloudtrail_bucket_mfa_delete", f"arn:aws:s3:::trail-logs-{account}", "alarm")
    assert "versioned without MFA delete" in reason and "eu-only, main" in reason
