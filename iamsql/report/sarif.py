"""SARIF 2.1.0 for code-scanning dashboards: one rule per control (title, description, remediation, severity as
the level), one result per alarm with the resource as a logical location. An excepted alarm carries an external
suppression with the exception's reason. ``security-severity`` is GitHub's numeric severity property."""

from __future__ import annotations

import json
from typing import TextIO

from iamsql.report.model import Report
from iamsql.report.ocsf import resource_type

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def rule(control: dict) -> dict:
    """The SARIF rule of one control."""
    severity = control["severity"]
    text = control["title"] or control["control_id"]
    entry = {
        "id": control["control_id"],
        "name": control["control_id"],
        "shortDescription": {"text": text},
        "fullDescription": {"text": control["description"] or text},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": {"severity": severity, "requirements": control["requirements"], "tags": ["security"],
                       **({"security-severity": SECURITY_SEVERITY[severity]} if severity in SECURITY_SEVERITY else {})},
    }
    if control["remediation"]:
        entry["help"] = {"text": control["remediation"]}
    return entry


def result(finding: dict, index: int, control: dict) -> dict:
    """The SARIF result of one alarm row."""
    location = {"fullyQualifiedName": finding["resource"], "name": finding["resource"].rsplit("/", 1)[-1]}
    kind = resource_type(finding["resource"], control["resource_type"])
    if kind:
        location["kind"] = kind
    entry = {
        "ruleId": finding["control_id"],
        "ruleIndex": index,
        "level": LEVEL.get(finding["severity"], "warning"),
        "message": {"text": finding["reason"] or control["title"] or finding["control_id"]},
        "locations": [{"logicalLocations": [location]}],
        "partialFingerprints": {"iamsqlFindingId/v1": finding["finding_id"]},
        "properties": {"account_id": finding["account_id"], "region": finding["region"],
                       "resource": finding["resource"]},
    }
    if finding.get("excepted"):
        entry["suppressions"] = [{"kind": "external", "status": "accepted",
                                  "justification": f"{finding['exception_id']}: {finding['exception_reason']}"}]
    return entry


def write_sarif(report: Report, out: TextIO) -> None:
    run = report.run
    rules = [rule(c) for c in report.controls]
    index = {c["control_id"]: n for n, c in enumerate(report.controls)}
    controls = {c["control_id"]: c for c in report.controls}
    results = [result(f, index[f["control_id"]], controls[f["control_id"]])
               for f in report.findings() if f["status"] == "alarm"]
    moment = run["finished_at"] or run["started_at"]
    document = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {"name": "iamsql", "version": run["tool_version"], "rules": rules}},
            "invocations": [{"executionSuccessful": run["status"] == "complete",
                             "endTimeUtc": moment.isoformat().replace("+00:00", "Z")}],
            "results": results,
            "properties": {"run_id": run["run_id"], "control_pack_hash": run["control_pack_hash"],
                           "as_of": run["as_of"].isoformat() if run["as_of"] else None},
        }],
    }
    out.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")
