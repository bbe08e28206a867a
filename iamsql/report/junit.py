"""JUnit XML for CI test views: one ``testsuite`` per control, one ``testcase`` per result row (the resource is
the test's name); an alarm or an error is a ``failure`` (its ``type`` says which), a skip is ``skipped``, ok and
info pass. Text goes through ``xml_safe``, so a control character in AWS data cannot break the file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from iamsql.report.model import Report
from iamsql.report.text import xml_safe

FAILING = ("alarm", "error")


def testcase(finding: dict) -> ET.Element:
    """One result row as a test case."""
    case = ET.Element("testcase", {"classname": xml_safe(finding["control_id"]), "name": xml_safe(finding["resource"])})
    reason = xml_safe(finding["reason"] or "")
    if finding["status"] in FAILING:
        failure = ET.SubElement(case, "failure", {"type": finding["status"], "message": reason})
        failure.text = (f"{finding['status']} ({finding['severity']}): {reason}\naccount {finding['account_id']}, "
                        f"region {finding['region']}")
    elif finding["status"] == "skip":
        ET.SubElement(case, "skipped", {"message": reason})
    elif reason:
        ET.SubElement(case, "system-out").text = reason
    return case


def write_junit(report: Report, out: TextIO) -> None:
    root = ET.Element("testsuites", {"name": "iamsql", "tests": "0", "failures": "0", "errors": "0", "skipped": "0"})
    titles = {c["control_id"]: c["title"] for c in report.controls}
    totals = dict.fromkeys(("tests", "failures", "skipped"), 0)
    for control_id, rows in groupby(report.findings(), key=lambda f: f["control_id"]):
        suite = ET.SubElement(root, "testsuite", {"name": xml_safe(control_id)})
        if titles.get(control_id):
            ET.SubElement(ET.SubElement(suite, "properties"), "property",
                          {"name": "title", "value": xml_safe(titles[control_id])})
        counts = dict.fromkeys(totals, 0)
        for finding in rows:
            suite.append(testcase(finding))
            counts["tests"] += 1
            counts["failures"] += finding["status"] in FAILING
            counts["skipped"] += finding["status"] == "skip"
        suite.attrib.update({key: str(n) for key, n in counts.items()} | {"errors": "0"})
        totals = {key: totals[key] + counts[key] for key in totals}
    root.attrib.update({key: str(n) for key, n in totals.items()})
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode") + "\n")
