"""AWS Security Finding Format (ASFF) for AWS Security Hub: one JSON array of findings, each ready for
``aws securityhub batch-import-findings`` (at most 100 per call) as Powerpipe's ``--export asff`` writes them.

Statuses as Powerpipe maps them: ``Compliance.Status`` PASSED (ok), FAILED (alarm), WARNING (error) and
NOT_AVAILABLE (skip, info). An excepted alarm has ``Workflow.Status`` SUPPRESSED, a passed result RESOLVED, the
rest NEW. ``Id`` is the finding's stable id (control, resource and account), so a later run's import updates the
same Security Hub finding. ``ProductArn`` is the account's own custom-integration product
(``arn:<partition>:securityhub:<region>:<account>:product/<account>/default``); a global result (IAM,
``region`` ``global``) is filed under us-east-1, where AWS records IAM's own events. Texts are cut to the lengths
the API accepts (Title 256, Description 1024, remediation 512 characters)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import TextIO

from iamsql.report.jsonout import dumps, write_lines
from iamsql.report.model import Report
from iamsql.report.ocsf import is_detection, partition, resource_type

SCHEMA_VERSION = "2018-10-08"
GLOBAL_REGION = "us-east-1"
COMPLIANCE_STATUS = {"ok": "PASSED", "alarm": "FAILED", "error": "WARNING", "skip": "NOT_AVAILABLE",
                     "info": "NOT_AVAILABLE"}
SEVERITY_LABEL = {"info": "INFORMATIONAL", "low": "LOW", "medium": "MEDIUM", "high": "HIGH", "critical": "CRITICAL"}
# AWS's resource types (AWS::IAM::User) -> ASFF's (AwsIamUser); anything else is "Other"
ASFF_TYPES = {
    "AWS::::Account": "AwsAccount",
    "AWS::IAM::User": "AwsIamUser",
    "AWS::IAM::Role": "AwsIamRole",
    "AWS::IAM::Group": "AwsIamGroup",
    "AWS::IAM::ManagedPolicy": "AwsIamPolicy",
    "AWS::IAM::Policy": "AwsIamPolicy",
    "AWS::IAM::AccessKey": "AwsIamAccessKey",
    "AWS::CloudTrail::Trail": "AwsCloudTrailTrail",
    "AWS::S3::Bucket": "AwsS3Bucket",
    "AWS::Lambda::Function": "AwsLambdaFunction",
    "AWS::EC2::Instance": "AwsEc2Instance",
    "AWS::ECS::TaskDefinition": "AwsEcsTaskDefinition",
}
CONFIGURATION_TYPE = "Software and Configuration Checks/Industry and Regulatory Standards"
DETECTION_TYPE = "Unusual Behaviors/User"
TITLE_LIMIT, DESCRIPTION_LIMIT, REMEDIATION_LIMIT, REQUIREMENTS_LIMIT = 256, 1024, 512, 32


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _time(value: datetime) -> str:
    """ISO 8601 in UTC with a Z, as the API's examples write times."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def finding(row: dict, when: str, run: dict, description: str | None, default_type: str | None) -> dict:
    """One ASFF finding for one finding row of the report."""
    status = row["status"]
    account = row["account_id"] or ""
    region = row["region"] if row["region"] and row["region"] != "global" else GLOBAL_REGION
    part = partition(row["resource"]) or "aws"
    excepted = bool(row.get("excepted"))
    record = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": row["finding_id"],
        "ProductArn": f"arn:{part}:securityhub:{region}:{account}:product/{account}/default",
        "GeneratorId": f"iamsql/{row['control_id']}",
        "AwsAccountId": account,
        "Types": [DETECTION_TYPE if is_detection(row["control_id"]) else CONFIGURATION_TYPE],
        "CreatedAt": when,
        "UpdatedAt": when,
        "Severity": {"Label": SEVERITY_LABEL.get(row["severity"], "INFORMATIONAL")},
        "Title": _cut(row["control_title"] or row["control_id"], TITLE_LIMIT),
        "Description": _cut(row["reason"] or description or row["control_id"], DESCRIPTION_LIMIT),
        "Resources": [{
            "Type": ASFF_TYPES.get(resource_type(row["resource"], default_type) or "", "Other"),
            "Id": row["resource"],
            "Partition": part,
            "Region": region,
        }],
        "Compliance": {"Status": COMPLIANCE_STATUS[status]},
        "Workflow": {"Status": "SUPPRESSED" if excepted else "RESOLVED" if status == "ok" else "NEW"},
        "RecordState": "ACTIVE",
        "ProductFields": {
            "ProviderName": "iamsql",
            "ProviderVersion": str(run["tool_version"]),
            "iamsql/control_id": row["control_id"],
            "iamsql/status": status,
            "iamsql/run_id": str(run["run_id"]),
        },
    }
    if row["requirements"]:
        record["Compliance"]["RelatedRequirements"] = list(row["requirements"])[:REQUIREMENTS_LIMIT]
    if row["remediation"]:
        record["Remediation"] = {"Recommendation": {"Text": _cut(row["remediation"], REMEDIATION_LIMIT)}}
    for key, member in (("first_seen", "FirstObservedAt"), ("last_seen", "LastObservedAt")):
        if row.get(key):
            record[member] = _time(row[key])
    if excepted and row.get("exception_reason"):
        record["Note"] = {"Text": _cut(row["exception_reason"], REMEDIATION_LIMIT), "UpdatedBy": "iamsql",
                          "UpdatedAt": when}
    return record


def findings(report: Report) -> Iterator[dict]:
    """Every finding of the report in ASFF, in the report's order."""
    run = report.run
    when = _time(run["finished_at"] or run["started_at"])
    controls = {c["control_id"]: c for c in report.controls}
    for row in report.findings():
        control = controls.get(row["control_id"], {})
        yield finding(row, when, run, control.get("description"), control.get("resource_type"))


def write_asff(report: Report, out: TextIO) -> None:
    """``.asff.json``: one JSON array, a finding per line inside it (streams; ``json.load`` reads it whole)."""
    written = write_lines(out, map(dumps, findings(report)), ",\n", "[\n")
    out.write("\n]\n" if written else "[]\n")
