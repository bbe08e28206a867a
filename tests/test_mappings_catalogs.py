"""The framework catalogs shipped in mappings/catalogs are complete and exact: every id, title, text, order
and status is checked against the official sources in the shared reference folder, read at test time."""

import csv
import json
import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from iamsql.frameworks import DATA_DIR, load_frameworks

OSCAL = {"o": "http://csrc.nist.gov/ns/oscal/1.0"}


def catalog(framework_id: str) -> dict:
    return yaml.safe_load((DATA_DIR / "catalogs" / f"{framework_id}.yaml").read_text(encoding="utf-8"))


def squash(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------------------ CSF 2.0


@pytest.fixture(scope="module")
def oscal(shared_reference):
    """id -> (kind, title, statement) for every group and control of NIST's OSCAL CSF 2.0 catalog, in file order."""
    root = ET.parse(shared_reference / "frameworks" / "NIST_CSF_v2.0_catalog.oscal.xml").getroot()

    def part(element, name):
        for p in element.findall("o:part", OSCAL):
            if p.get("name") == name:
                return squash(" ".join(p.itertext()))
        return ""

    items = {}
    for group in root.findall("o:group", OSCAL):
        items[group.get("id")] = ("function", group.find("o:title", OSCAL).text, part(group, "overview"))
        for element in group.iter(f"{{{OSCAL['o']}}}control"):
            items[element.get("id")] = (element.get("class"), element.find("o:title", OSCAL).text, part(element, "statement"))
    return items


@pytest.fixture(scope="module")
def csf_flat(shared_reference):
    return json.loads((shared_reference / "frameworks" / "nist_csf_2.0_core.json").read_text(encoding="utf-8"))


def test_csf_catalog_has_every_oscal_element_with_its_exact_text(oscal):
    data = catalog("nist-csf-2.0")
    ours = {e["id"]: e for e in data["entries"] + data["withdrawn"]}
    assert set(ours) == set(oscal)
    for element_id, (kind, title, statement) in oscal.items():
        entry = ours[element_id]
        assert entry["level"] == kind, element_id
        assert squash(entry.get("text", "")) == statement, element_id
        if kind != "subcategory":
            assert entry["title"] == title, element_id


def test_csf_status_and_withdrawal_notes_follow_nist(csf_flat):
    data = catalog("nist-csf-2.0")
    flat = {e["id"]: e for e in csf_flat["elements"]}
    assert {e["id"] for e in data["entries"]} == {i for i, e in flat.items() if e["status"] == "active"}
    for entry in data["withdrawn"]:
        source = flat[entry["id"]]
        assert source["status"] == "withdrawn"
        assert entry["note"] == source["withdrawn_note"]
        assert entry["successors"] == [s for s in source["successors"].split(";") if s]
        assert entry["csf11_id"] == source["csf11_id"]


def test_csf_requirements_are_the_active_subcategories_in_official_order(csf_flat, oscal, shared_reference):
    framework = load_frameworks()["nist-csf-2.0"]
    assert len(framework.requirements) == csf_flat["metadata"]["counts"]["active_subcategories"]
    assert all(re.fullmatch(r"[A-Z]{2}\.[A-Z]{2}-\d\d", r.id) for r in framework.requirements)
    notes = (shared_reference / "frameworks" / "nist-csf-2.0.md").read_text(encoding="utf-8")
    official = re.findall(r"[A-Z]{2}\.[A-Z]{2}", re.search(r"Official order of categories[^:]*:(.*)", notes)[1])
    categories = [g.id for g in framework.groups if g.level == "category"]
    assert categories == official
    assert len(categories) == csf_flat["metadata"]["counts"]["active_categories"]
    oscal_order = [i for i, (kind, _, _) in oscal.items() if kind == "subcategory"]
    ours = [r.id for r in framework.requirements]
    assert sorted(ours, key=lambda i: (official.index(i.split("-")[0]), oscal_order.index(i))) == ours
    for requirement in framework.requirements:
        path = framework.group_path(requirement)
        assert [g.level for g in path] == ["function", "category"]
        assert requirement.id.startswith(path[1].id + "-") and path[1].id.startswith(path[0].id + ".")


# ------------------------------------------------------------------------------------------------- OWASP


def test_owasp_catalog_matches_the_official_list(shared_reference):
    notes = (shared_reference / "frameworks" / "owasp-nhi-top10-2025.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (NHI\d+:2025) \| ([^|]+?) \| (\w+) \| (\w+) \| (\w+) \| (\w+) \|$", notes, re.M)
    assert len(rows) == 10
    entries = catalog("owasp-nhi-2025")["entries"]
    assert [(e["id"], e["title"], *e["ratings"].values()) for e in entries] == [tuple(r) for r in rows]
    assert [r.id for r in load_frameworks()["owasp-nhi-2025"].requirements] == [r[0] for r in rows]


# -------------------------------------------------------------------------------------------- SP 800-207


def test_sp800_207_catalog_has_exact_tenets_threats_components_and_steps(shared_reference):
    notes = (shared_reference / "frameworks" / "nist-sp-800-207.md").read_text(encoding="utf-8")
    tenet_table = notes.split("## §2.1", 1)[1].split("## §2.2", 1)[0]
    tenets = re.findall(r"^\| (\d) \| (.+?) \|", tenet_table, re.M)
    threats = re.findall(r"^\| 5\.(\d) \| (.+?) \|", notes, re.M)
    steps_line = next(line for line in notes.splitlines() if line.startswith("§7.1 "))
    steps = re.findall(r"§7\.3\.(\d) ([^;]+?)(?:;|\.$)", steps_line)
    components = re.findall(r"^\| (.+?) \| \*\*(PE|PA|PEP)\*\* \|", notes, re.M)
    assert (len(tenets), len(threats), len(steps), len(components)) == (7, 7, 7, 3)
    framework = load_frameworks()["nist-sp-800-207"]
    titles = {r.id: r.title for r in framework.requirements}
    assert {f"§2.1 tenet {n}": t for n, t in tenets}.items() <= titles.items()
    assert {f"§5.{n}": t for n, t in threats}.items() <= titles.items()
    assert {f"§7.3.{n}": t for n, t in steps}.items() <= titles.items()
    for name, abbreviation in components:
        assert titles[f"§3 {abbreviation}"] == f"{name} ({abbreviation})"
    assert framework.informative


# --------------------------------------------------------------------------------------------------- CIS


def test_cis_catalog_is_the_v5_iam_logging_monitoring_list(shared_reference):
    with (shared_reference / "frameworks" / "cis_aws_foundations_iam_logging_monitoring.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["version"] == "5.0.0"]
    framework = load_frameworks()["cis-aws-foundations-v5.0.0"]
    data = catalog("cis-aws-foundations-v5.0.0")
    ours = [e for e in data["entries"] if e["level"] == "recommendation"]
    assert [(e["id"], e["title"], e["profile"], e["assessment"]) for e in ours] == [
        (r["id"], r["title"], r["profile"], r["assessment"]) for r in rows
    ]
    assert [g.title for g in framework.groups] == list(dict.fromkeys(r["section"].split(" ", 1)[1] for r in rows))
    assert framework.version == "5.0.0"
