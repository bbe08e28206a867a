"""OCSF 1.5.0 findings as Prowler writes them: ``.ocsf.json`` is one JSON array of events (Prowler's
``json-ocsf``), ``.ocsf.jsonl`` one event per line. A control result is a Compliance Finding (class 2003); a
CloudTrail detection (``cloudtrail_event_*`` controls and Sigma rules) is a Detection Finding (class 2004), its framework
requirements under ``unmapped.compliance`` as Prowler puts them.

Statuses as Prowler maps them: ``status_code`` is ``PASS`` (ok), ``FAIL`` (alarm) or ``MANUAL`` (info, skip and
error: no automatic verdict), ``status_detail`` and ``message`` the reason, ``status`` ``New`` or ``Suppressed``
(an excepted alarm, like Prowler's muted findings); the compliance object's ``status_id`` is Pass, Fail, Warning
(skip and error: the check yielded no result) or Other (info). Severity ``info`` is Informational. The resource
is the row's: its ARN as ``uid``, its type read from the ARN, its region. Times are epoch milliseconds (OCSF's
``timestamp_t``) with ``*_dt`` ISO-8601 twins (the ``datetime`` profile)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TextIO

from iamsql.common.arns import arn_parts
from iamsql.report.jsonout import dumps, write_lines
from iamsql.report.model import Report

OCSF_VERSION = "1.5.0"
CATEGORY_FINDINGS = 2
ACTIVITY_CREATE = 1
COMPLIANCE_FINDING = (2003, "Compliance Finding")
DETECTION_FINDING = (2004, "Detection Finding")
DETECTION_PREFIXES = ("cloudtrail_event_", "sigma_")  # controls that report CloudTrail activity, not configuration
STATUS_CODE = {"ok": "PASS", "alarm": "FAIL", "info": "MANUAL", "skip": "MANUAL", "error": "MANUAL"}
COMPLIANCE_STATUS_ID = {"ok": 1, "alarm": 3, "skip": 2, "error": 2, "info": 99}  # Pass, Fail, Warning, Other
SEVERITY = {"info": (1, "Informational"), "low": (2, "Low"), "medium": (3, "Medium"), "high": (4, "High"),
            "critical": (5, "Critical")}
AWS_ACCOUNT_TYPE = (10, "AWS Account")
ACCOUNT_ARN = re.compile(r"arn:[a-z-]+:::\d{12}\Z")  # an account as iamsql names it: arn:aws:::123456789012

# (service, first part of the ARN's resource) -> resource type, in AWS's CloudFormation / Config naming
ARN_TYPES = {
    ("iam", "user"): "AWS::IAM::User",
    ("iam", "role"): "AWS::IAM::Role",
    ("iam", "group"): "AWS::IAM::Group",
    ("iam", "policy"): "AWS::IAM::ManagedPolicy",
    ("iam", "instance-profile"): "AWS::IAM::InstanceProfile",
    ("iam", "saml-provider"): "AWS::IAM::SAMLProvider",
    ("iam", "oidc-provider"): "AWS::IAM::OIDCProvider",
    ("iam", "server-certificate"): "AWS::IAM::ServerCertificate",
    ("iam", "mfa"): "AWS::IAM::VirtualMFADevice",
    ("iam", "root"): "AWS::::Account",  # the account's root user
    ("cloudtrail", "trail"): "AWS::CloudTrail::Trail",
    ("organizations", "account"): "AWS::Organizations::Account",
    ("organizations", "ou"): "AWS::Organizations::OrganizationalUnit",
    ("organizations", "policy"): "AWS::Organizations::Policy",
}


def resource_type(resource: str, default: str | None) -> str | None:
    """The type of the resource an ARN names (``AWS::IAM::Role``); ``default`` (the control's
    ``resource_type``) for a value that is not an ARN or a kind not in ``ARN_TYPES``."""
    if ACCOUNT_ARN.match(resource):
        return "AWS::::Account"
    parts = arn_parts(resource)
    if parts is None:
        return default or None
    kind = parts["resource"].split("/", 1)[0].split(":", 1)[0]
    return ARN_TYPES.get((parts["service"], kind), default or None)


def partition(resource: str) -> str | None:
    """The partition of an ARN (``aws``, ``aws-cn``, ``aws-us-gov``), None for other values."""
    parts = resource.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else None


def epoch_ms(value: datetime) -> int:
    return int(value.timestamp() * 1000)


def _times(value: datetime) -> tuple[int, str]:
    """A time as OCSF's epoch milliseconds and its ISO-8601 ``*_dt`` twin."""
    return _offset_times(value, value.utcoffset())


@lru_cache(maxsize=4096)  # the run's time, the accounts' data times and most first/last seen times repeat
def _offset_times(value: datetime, offset) -> tuple[int, str]:
    """``_times``, cached by instant and UTC offset (equal instants at other offsets are written differently)."""
    return epoch_ms(value), value.isoformat()


def is_detection(control_id: str) -> bool:
    return control_id.startswith(DETECTION_PREFIXES)


@dataclass(frozen=True)
class _RunFacts:
    """What every event of one run shares: its time and the members that depend only on the run."""

    when: int
    when_dt: str
    run_id: Any
    control_pack_hash: Any
    product: dict


@dataclass(frozen=True)
class _ControlFacts:
    """What every event of one control shares (its texts come from the control, not from the finding row)."""

    control_id: str
    detection: bool
    class_uid: int
    class_name: str
    title: str
    desc: str | None
    resource_type: str | None
    requirements: list | None
    standards: list | None
    remediation: dict | None
    types: list[str]


def _run_facts(run: dict) -> _RunFacts:
    when, when_dt = _times(run["finished_at"] or run["started_at"])
    product = {"uid": "iamsql", "name": "iamsql", "vendor_name": "iamsql", "version": run["tool_version"]}
    return _RunFacts(when, when_dt, run["run_id"], run["control_pack_hash"], product)


def _control_facts(finding: dict, control: dict) -> _ControlFacts:
    """The control's facts, from any one of its findings (its title, requirements and remediation are the
    control's) and its catalog entry."""
    detection = is_detection(finding["control_id"])
    class_uid, class_name = DETECTION_FINDING if detection else COMPLIANCE_FINDING
    standards = list(dict.fromkeys(ref.split(":", 1)[0] for ref in finding["requirements"]))
    return _ControlFacts(
        control_id=finding["control_id"],
        detection=detection,
        class_uid=class_uid,
        class_name=class_name,
        title=finding["control_title"] or finding["control_id"],
        desc=control["description"] or None,
        resource_type=control["resource_type"],
        requirements=finding["requirements"] or None,
        standards=standards or None,
        remediation={"desc": finding["remediation"]} if finding["remediation"] else None,
        types=["Detection" if detection else "Compliance"],
    )


def event(finding: dict, run: _RunFacts, control: _ControlFacts) -> dict:
    """One OCSF finding (Compliance or Detection) for one finding row, without empty members. Members shared by
    the run's or the control's events are the same objects in each (read only)."""
    status = finding["status"]
    severity_id, severity = SEVERITY.get(finding["severity"], (0, "Unknown"))
    when, when_dt = run.when, run.when_dt
    excepted = bool(finding.get("excepted"))
    finding_info = {
        "uid": finding["finding_id"],
        "title": control.title,
        "desc": control.desc,
        "types": control.types,
        "created_time": when,
        "created_time_dt": when_dt,
    }
    for key in ("first_seen", "last_seen"):
        if finding.get(key):
            finding_info[f"{key}_time"], finding_info[f"{key}_time_dt"] = _times(finding[key])
    record = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_FINDINGS,
        "category_name": "Findings",
        "class_uid": control.class_uid,
        "class_name": control.class_name,
        "type_uid": control.class_uid * 100 + ACTIVITY_CREATE,
        "type_name": f"{control.class_name}: Create",
        "time": when,
        "time_dt": when_dt,
        "severity_id": severity_id,
        "severity": severity,
        "status_id": 3 if excepted else 1,
        "status": "Suppressed" if excepted else "New",
        "status_code": STATUS_CODE[status],
        "status_detail": finding["reason"],
        "message": finding["reason"],
        "metadata": {
            "version": OCSF_VERSION,
            "event_code": control.control_id,
            "uid": f"{run.run_id}:{finding['finding_id']}",
            "product": run.product,
            "profiles": ["cloud", "datetime"],
            "processed_time": when_dt,
        },
        "finding_info": finding_info,
        "remediation": control.remediation,
        "resources": [_drop_empty({
            "uid": finding["resource"],
            "type": resource_type(finding["resource"], control.resource_type),
            "region": finding["region"],
            "cloud_partition": partition(finding["resource"]),
            "data": {"details": finding["dimensions"]} if finding["dimensions"] else None,
        })],
        "cloud": _drop_empty({
            "provider": "aws",
            "region": finding["region"],
            "account": {"uid": finding["account_id"], "name": finding["account_id"],
                        "type_id": AWS_ACCOUNT_TYPE[0], "type": AWS_ACCOUNT_TYPE[1]} if finding["account_id"] else None,
        }),
        "unmapped": _drop_empty({
            "iamsql_status": status,
            "run_id": run.run_id,
            "control_pack_hash": run.control_pack_hash,
            "evaluated_at": _times(finding["evaluated_at"])[1] if finding["evaluated_at"] else None,
            "exception": {"id": finding["exception_id"], "reason": finding["exception_reason"]} if excepted else None,
            "compliance": control.requirements if control.detection else None,
        }),
    }
    if not control.detection:
        record["compliance"] = _drop_empty({
            "control": control.control_id,
            "desc": control.desc,
            "requirements": control.requirements,
            "standards": control.standards,
            "status_id": COMPLIANCE_STATUS_ID[status],
        })
    return _drop_empty(record)


def _drop_empty(record: dict) -> dict:
    return {k: v for k, v in record.items() if v is not None}


def events(report: Report) -> Iterator[dict]:
    """Every finding of the report as an OCSF event, in the report's order."""
    controls = {c["control_id"]: c for c in report.controls}
    run = _run_facts(report.run)
    facts: dict[str, _ControlFacts] = {}
    for finding in report.findings():
        control = facts.get(finding["control_id"])
        if control is None:
            control = facts[finding["control_id"]] = _control_facts(finding, controls[finding["control_id"]])
        yield event(finding, run, control)


def write_ocsf(report: Report, out: TextIO) -> None:
    """``.ocsf.json``: one JSON array, an event per line inside it (streams; ``json.load`` reads it whole)."""
    written = write_lines(out, map(dumps, events(report)), ",\n", "[\n")
    out.write("\n]\n" if written else "[]\n")


def write_ocsf_lines(report: Report, out: TextIO) -> None:
    """``.ocsf.jsonl``: one event per line."""
    if write_lines(out, map(dumps, events(report)), "\n"):
        out.write("\n")
