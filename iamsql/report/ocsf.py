"""OCSF Compliance Finding (class 2003, schema 1.1.0) as JSON lines, one event per finding, for Security Lake
and SIEMs. Our statuses map to the compliance object's status_id: ok -> Pass, alarm -> Fail, error and skip ->
Warning (no result: the check failed or its data is missing), info -> Other; ``status_code`` keeps ours."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from .jsonout import dumps
from .model import Report

OCSF_VERSION = "1.1.0"
CLASS_UID = 2003
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
COMPLIANCE_STATUS = {"ok": (1, "Pass"), "alarm": (3, "Fail"), "error": (2, "Warning"), "skip": (2, "Warning"),
                     "info": (99, "Info")}
SEVERITY = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
            "critical": (5, "Critical")}


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def event(finding: dict, report: Report, control: dict) -> dict:
    """One OCSF Compliance Finding for one finding row."""
    run = report.run
    compliance_id, compliance_status = COMPLIANCE_STATUS[finding["status"]]
    severity_id, severity = SEVERITY.get(finding["severity"], (0, "Unknown"))
    standards = list(dict.fromkeys(ref.split(":", 1)[0] for ref in finding["requirements"]))
    when = epoch_ms(run["finished_at"] or run["started_at"])
    resource = {"uid": finding["resource"], "type": control["resource_type"] or None,
                "region": finding["region"], "cloud_partition": _partition(finding["resource"])}
    cloud = {"provider": "AWS", "region": finding["region"],
             "account": {"uid": finding["account_id"], "type": "AWS Account", "type_id": 10}}
    return {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Compliance Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Compliance Finding: Create",
        "time": when,
        "severity_id": severity_id,
        "severity": severity,
        # An excepted alarm (report/changes.py) is Suppressed, with its exception as the detail.
        **({"status_id": 3, "status": "Suppressed",
            "status_detail": f"excepted by {finding['exception_id']}: {finding['exception_reason']}"}
           if finding.get("excepted") else {"status_id": 1, "status": "New"}),
        "message": finding["reason"],
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "iamsql", "vendor_name": "iamsql", "version": run["tool_version"]},
            "uid": f"{run['run_id']}:{finding['finding_id']}",
            "processed_time": when,
        },
        "finding_info": {
            "uid": finding["finding_id"],
            "title": finding["control_title"] or finding["control_id"],
            "desc": control["description"],
            "types": ["Compliance"],
            "created_time": when,
            **{f"{key}_time": epoch_ms(finding[key]) for key in ("first_seen", "last_seen") if finding.get(key)},
        },
        "compliance": {
            "control": finding["control_id"],
            "requirements": finding["requirements"],
            "standards": standards,
            "status": compliance_status,
            "status_id": compliance_id,
            "status_code": finding["status"],
            "status_detail": finding["reason"],
        },
        "remediation": {"desc": finding["remediation"]} if finding["remediation"] else None,
        "resources": [{k: v for k, v in resource.items() if v is not None}],
        "cloud": {k: v for k, v in cloud.items() if v is not None},
        "unmapped": {"run_id": run["run_id"], "control_pack_hash": run["control_pack_hash"],
                     "evaluated_at": finding["evaluated_at"], **({"dimensions": finding["dimensions"]}
                                                                 if finding["dimensions"] else {})},
    }


def _partition(resource: str) -> str | None:
    parts = resource.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else None


def write_ocsf(report: Report, out: TextIO) -> None:
    controls = {c["control_id"]: c for c in report.controls}
    for finding in report.findings():
        record = event(finding, report, controls[finding["control_id"]])
        out.write(dumps({k: v for k, v in record.items() if v is not None}) + "\n")
