"""The formats other tools read, from a real run (``iamsql load --sample``, ``iamsql check --export``): OCSF
validated object by object against Prowler's OCSF models (py-ocsf-models), SARIF against the OASIS SARIF 2.1.0
schema, ASFF against botocore's Security Hub model and imported into moto's Security Hub, JUnit XML parsed back,
and the HTML page checked for escaping with the hostile-values corpus."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import botocore.session
import duckdb
import jsonschema
import py_ocsf_models
import pytest
from botocore.validate import validate_parameters
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.detection_finding import DetectionFinding
from py_ocsf_models.objects.cloud import Cloud
from pydantic import BaseModel

from iamsql.common.escaping import neutralise
from iamsql.frameworks import percent, requirements_for_control
from iamsql.report import write_report
from iamsql.store import db as dbmod

DATA = Path(__file__).parent / "data"
HOSTILE = json.loads((DATA / "hostile_values.json").read_text(encoding="utf-8"))
EXPORTS = ("run.csv", "run.json", "run.iamsql.json", "run.ocsf.json", "run.ocsf.jsonl", "run.asff.json", "run.md",
           "run.sarif", "run.xml", "run.html")


def iamsql(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> tuple[Path, dict[str, Path], list[dict]]:
    """The bundled sample loaded and checked, the run exported in every text format by ``check --export``; the
    stored result rows of the run."""
    folder = tmp_path_factory.mktemp("formats")
    database = folder / "sample.duckdb"
    assert iamsql("load", "--sample", "-q", "--db", str(database)).returncode == 0
    exports = [arg for name in EXPORTS for arg in ("--export", str(folder / name))]
    result = iamsql("check", "--fail-on", "none", "--format", "csv", "--db", str(database), *exports)
    assert result.returncode == 0, result.stderr
    for name in EXPORTS:
        assert f"wrote {folder / name}" in result.stderr
    con = duckdb.connect(str(database), read_only=True)
    cursor = con.execute("select * from iamsql_result where run_id = (select max(run_id) from iamsql_run)")
    rows = [dict(zip([d[0] for d in cursor.description], r)) for r in cursor.fetchall()]
    con.close()
    return database, {name.split(".", 1)[1]: folder / name for name in EXPORTS}, rows


def unknown_keys(value, model: BaseModel, where: str = "") -> list[str]:
    """Keys of ``value`` that the validated ``model`` has no field for (pydantic ignores them), at any depth."""
    found = []
    for key, item in value.items():
        if key not in type(model).model_fields:
            found.append(f"{where}{key}")
            continue
        child = getattr(model, key)
        if isinstance(item, dict) and isinstance(child, BaseModel):
            found += unknown_keys(item, child, f"{where}{key}.")
        elif isinstance(item, list) and item and isinstance(item[0], dict):
            for n, (one, model_one) in enumerate(zip(item, child)):
                if isinstance(model_one, BaseModel):
                    found += unknown_keys(one, model_one, f"{where}{key}[{n}].")
    return found


def validated(event: dict) -> BaseModel:
    """The event parsed by Prowler's OCSF model of its class, with nothing the model does not know (the cloud
    profile's ``cloud`` is checked by its own model: the Compliance Finding model leaves profiles out)."""
    model_class = {2003: ComplianceFinding, 2004: DetectionFinding}[event["class_uid"]]
    model = model_class.model_validate(event)
    extra = unknown_keys(event, model)
    if "cloud" in extra:
        assert "cloud" in event["metadata"]["profiles"]
        assert not unknown_keys(event["cloud"], Cloud.model_validate(event["cloud"]))
        extra.remove("cloud")
    assert not extra, extra
    return model


def test_ocsf_validates_against_prowler_models(sample):
    _, files, rows = sample
    events = json.loads(files["ocsf.json"].read_text(encoding="utf-8"))
    assert isinstance(events, list) and len(events) == len(rows)
    lines = [json.loads(line) for line in files["ocsf.jsonl"].read_text(encoding="utf-8").splitlines()]
    assert lines == events
    code = {"ok": "PASS", "alarm": "FAIL", "info": "MANUAL", "skip": "MANUAL", "error": "MANUAL"}
    # the resource, region and account are the row's; status_code and status_detail its status and reason
    assert Counter((e["finding_info"]["uid"], e["metadata"]["event_code"], e["resources"][0]["uid"],
                    e["resources"][0]["region"], e["cloud"]["account"]["uid"], e["status_code"], e["status_detail"],
                    e["unmapped"]["iamsql_status"]) for e in events) == Counter(
        (r["finding_id"], r["control_id"], r["resource"], r["region"], r["account_id"], code[r["status"]], r["reason"],
         r["status"]) for r in rows)
    severity = {r["control_id"]: r["severity"] for r in rows}
    for event in events:
        model = validated(event)
        control_id = event["metadata"]["event_code"]
        assert model.metadata.version == py_ocsf_models.OCSF_VERSION
        assert event["severity"].lower().startswith(severity[control_id])
        if control_id.startswith("cloudtrail_event_"):
            assert event["class_uid"] == 2004 and "compliance" not in event
            assert event["unmapped"].get("compliance", []) == requirements_for_control(control_id)
        else:
            assert event["class_uid"] == 2003
            assert event["compliance"].get("requirements", []) == requirements_for_control(control_id)
    classes = Counter(e["class_uid"] for e in events)
    assert classes[2003] and classes[2004]
    types = {e["resources"][0]["uid"].split(":")[5].split("/")[0]: e["resources"][0]["type"]
             for e in events if e["resources"][0]["uid"].count(":") >= 5 and "type" in e["resources"][0]}
    assert types["role"] == "AWS::IAM::Role" and types["user"] == "AWS::IAM::User"
    assert types["trail"] == "AWS::CloudTrail::Trail"


def test_asff_validates_and_imports_into_security_hub(sample, aws_session):
    """Every finding passes botocore's validation of BatchImportFindings (required members, types, enums, lengths),
    is accepted by Security Hub (moto's server) in batches of 100, and carries the run's status as Powerpipe maps it."""
    _, files, rows = sample
    findings = json.loads(files["asff.json"].read_text(encoding="utf-8"))
    assert len(findings) == len(rows) and len({f["Id"] for f in findings}) == len(findings)
    model = botocore.session.get_session().get_service_model("securityhub")
    shape = model.operation_model("BatchImportFindings").input_shape
    client = aws_session.client("securityhub")
    for start in range(0, len(findings), 100):
        batch = findings[start:start + 100]
        validate_parameters({"Findings": batch}, shape)  # raises ParamValidationError on any fault
        answer = client.batch_import_findings(Findings=batch)
        assert answer["FailedCount"] == 0 and answer["SuccessCount"] == len(batch)
    stored = [f for page in client.get_paginator("get_findings").paginate() for f in page["Findings"]]
    assert sorted(f["Id"] for f in stored) == sorted(f["Id"] for f in findings)
    expected = {"ok": "PASSED", "alarm": "FAILED", "error": "WARNING", "skip": "NOT_AVAILABLE", "info": "NOT_AVAILABLE"}
    by_id = {f["Id"]: f for f in findings}
    for row in rows:
        found = by_id[row["finding_id"]]
        assert (found["GeneratorId"], found["Resources"][0]["Id"]) == (f"iamsql/{row['control_id']}", row["resource"])
        assert found["Compliance"]["Status"] == expected[row["status"]]
        assert found["Description"] == row["reason"][:1023] + ("…" if len(row["reason"]) > 1024 else row["reason"][1023:])
        assert found["AwsAccountId"] == row["account_id"]
    types = Counter(f["Resources"][0]["Type"] for f in findings)
    assert types["AwsIamRole"] and types["AwsIamUser"] and types["AwsAccount"]


def test_sarif_validates_against_the_schema(sample):
    _, files, rows = sample
    document = json.loads(files["sarif"].read_text(encoding="utf-8"))
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({r["control_id"] for r in rows})
    alarms = [r for r in rows if r["status"] == "alarm"]
    assert len(run["results"]) == len(alarms)
    level = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
    assert Counter((r["partialFingerprints"]["iamsqlFindingId/v1"], r["ruleId"], r["level"], r["message"]["text"],
                    r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in run["results"]) == Counter(
        (r["finding_id"], r["control_id"], level[r["severity"]], r["reason"], r["resource"]) for r in alarms)
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    severity = {r["control_id"]: r["severity"] for r in rows}
    assert all(rule["defaultConfiguration"]["level"] == level[severity[rule["id"]]] for rule in rules)


def test_junit_parses_back(sample):
    _, files, rows = sample
    root = ET.parse(files["xml"]).getroot()
    assert root.tag == "testsuites" and int(root.get("tests")) == len(rows)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {r["control_id"] for r in rows}
    for control_id, suite in suites.items():
        mine = [r for r in rows if r["control_id"] == control_id]
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests")) == len(mine)
        assert Counter(c.get("name") for c in cases) == Counter(r["resource"] for r in mine)
        failing = [c for c in cases if c.find("failure") is not None]
        assert len(failing) == int(suite.get("failures")) == sum(r["status"] in ("alarm", "error") for r in mine)
        skipped = [c for c in cases if c.find("skipped") is not None]
        assert len(skipped) == int(suite.get("skipped")) == sum(r["status"] == "skip" for r in mine)


class Page(HTMLParser):
    """The tags, attributes and text of an HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs

    def handle_data(self, data):
        self.text.append(data)


ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "ul", "li", "p", "table", "tr", "th",
                "td", "br"}


def test_html_is_self_contained_with_the_framework_summary(sample):
    database, files, rows = sample
    page = Page()
    page.feed(files["html"].read_text(encoding="utf-8"))
    assert page.tags <= ALLOWED_TAGS
    assert not [a for a in page.attributes if a[0] in ("src", "href") or a[0].startswith("on")]
    text = "\n".join(page.text)
    assert "% compliant" in text and "% coverage" in text
    con = dbmod.connect(database, read_only=True)
    summary = json.loads(write_report(con, database.parent / "figures.iamsql.json").read_text(encoding="utf-8"))
    con.close()
    for section in summary["frameworks"]:
        assert section["id"] in page.text
        if section["coverage_pct"] is not None:
            assert percent(section["coverage_pct"]) in page.text
    assert sum(1 for chunk in page.text if chunk in ("ok", "alarm", "skip", "info", "error")) == len(rows)


def test_html_escapes_hostile_values(sample, tmp_path):
    """Every hostile value as a resource and a reason: it comes back as the same text (formula-like values with
    their apostrophe) and adds no element or attribute."""
    database = tmp_path / "hostile.duckdb"
    shutil.copy(sample[0], database)
    con = duckdb.connect(str(database))
    run_id = con.execute("select max(run_id) from iamsql_run").fetchone()[0]
    control_id = con.execute("select control_id from iamsql_result where run_id = ? group by all "
                             "order by count(*) desc, control_id limit 1", [run_id]).fetchone()[0]
    con.execute("delete from iamsql_result where run_id = ? and control_id <> ?", [run_id, control_id])
    ids = [r[0] for r in con.execute("select rowid from iamsql_result where run_id = ? order by rowid",
                                     [run_id]).fetchall()]
    assert len(ids) >= len(HOSTILE)
    for row, value in zip(ids, HOSTILE):
        con.execute("update iamsql_result set resource = $v, reason = $v where rowid = $row", {"v": value, "row": row})
    con.close()
    con = dbmod.connect(database, read_only=True)
    out = write_report(con, tmp_path / "hostile.html")
    con.close()
    page = Page()
    page.feed(out.read_bytes().decode("utf-8"))  # as written: read_text would turn CR into LF
    assert page.tags <= ALLOWED_TAGS and {name for name, _ in page.attributes} <= {"lang", "charset", "http-equiv",
                                                                                   "content", "class"}
    for value in HOSTILE:
        expected = "'" + value if value.lstrip(" ") != neutralise(value.lstrip(" ")) else value
        assert page.text.count(expected) == 2, value  # the resource cell and the reason cell


def test_export_names_the_format_or_fails_first(sample, tmp_path):
    database = sample[0]
    runs = duckdb.connect(str(database), read_only=True).execute("select count(*) from iamsql_run").fetchone()[0]
    for name, message in (("findings.txt", "cannot tell the format from 'findings.txt'"),
                          ("findings", "cannot tell the format without an extension"),
                          ("-", "--export - is not possible"),
                          ("missing/findings.sarif", "missing does not exist")):
        result = iamsql("check", "--db", str(database), "--export", str(tmp_path / name) if name != "-" else name)
        assert result.returncode != 0 and result.stderr.startswith("error: ") and message in result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "--format" not in result.stderr  # check's --format is its own output, not the export's
    con = duckdb.connect(str(database), read_only=True)
    assert con.execute("select count(*) from iamsql_run").fetchone()[0] == runs  # refused before running
    con.close()


def test_report_warns_when_format_contradicts_the_extension(sample, tmp_path):
    database = sample[0]
    cases = (("audit.xlsx", "csv", "warning: --format csv writes csv to {out}, whose extension says xlsx\n"),
             ("audit.json", "csv", "warning: --format csv writes csv to {out}, whose extension says json\n"),
             ("audit.csv", "csv", ""),
             ("audit.json", "ocsf", ""),  # .ocsf.json ends in .json: not a contradiction
             ("audit.csv", "findings-csv", ""),
             ("audit.txt", "md", ""))  # an extension iamsql does not know says nothing
    for name, fmt, warning in cases:
        out = tmp_path / name
        result = iamsql("report", "--db", str(database), "--out", str(out), "--format", fmt, "--quiet")
        assert result.returncode == 0, result.stderr
        assert result.stderr == warning.format(out=out), (name, fmt)
        assert result.stdout == f"{out}\n" and out.stat().st_size > 0
    unknown = iamsql("report", "--db", str(database), "--out", str(tmp_path / "a.xlsx"), "--format", "pdf")
    assert unknown.returncode == 2 and unknown.stderr.count("\n") == 1 and unknown.stderr.startswith("error: ")
