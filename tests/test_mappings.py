"""Mappings of controls to framework requirements: every mapped id is current, every mapped control exists,
every control is mapped; aliases say where withdrawn ids moved; the roll-up rules; one-line errors."""

import json
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from typer.testing import CliRunner

from iamsql import frameworks as fw
from iamsql import scheduled as evidence
from iamsql.cli import app
from iamsql.controls.catalog import QUERIES_DIR
from iamsql.errors import MappingError
from iamsql.frameworks import DATA_DIR
from tests.test_evidence import basic_toml

QUERIES = QUERIES_DIR
runner = CliRunner()


def mapping_files() -> list:
    return sorted(DATA_DIR.glob("*.yaml"))


def control_ids() -> set[str]:
    """The controls as they are on disk now (helper views in queries/views are not controls)."""
    return {p.stem for p in QUERIES.glob("*.sql")}


# ------------------------------------------------------------------------------------------ the mappings


def test_the_required_frameworks_are_shipped_one_file_each():
    frameworks = fw.load_frameworks()
    assert list(frameworks) == sorted(p.stem for p in mapping_files())
    assert {"owasp-nhi-2025", "nist-csf-2.0", "nist-sp-800-207"} <= set(frameworks)
    assert [f for f in frameworks.values() if f.informative] == [frameworks["nist-sp-800-207"]]


@pytest.mark.parametrize("path", mapping_files(), ids=lambda p: p.stem)
def test_every_mapped_id_is_current_in_its_catalog(path):
    mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    catalog = yaml.safe_load((DATA_DIR / "catalogs" / path.name).read_text(encoding="utf-8"))
    current = [str(e["id"]) for e in catalog["entries"] if e["level"] == catalog["requirement_level"]]
    withdrawn = {str(e["id"]) for e in catalog["withdrawn"]} | {e.get("csf11_id") for e in catalog["withdrawn"]}
    mapped = [str(item["id"]) for item in mapping["requirements"]]
    assert mapped, "a mapping maps at least one requirement"
    assert set(mapped) <= set(current)
    assert not set(mapped) & withdrawn
    assert mapped == [rid for rid in current if rid in mapped], "requirements are listed in catalog order"


def test_csf_targets_are_two_digit_csf_2_ids_never_csf_1_1(shared_reference):
    flat = json.loads((shared_reference / "frameworks" / "nist_csf_2.0_core.json").read_text(encoding="utf-8"))
    withdrawn_categories = {e["id"] for e in flat["elements"] if e["level"] == "category" and e["status"] == "withdrawn"}
    mapping = yaml.safe_load((DATA_DIR / "nist-csf-2.0.yaml").read_text(encoding="utf-8"))
    for item in mapping["requirements"]:
        assert re.fullmatch(r"[A-Z]{2}\.[A-Z]{2}-\d\d", item["id"]), item["id"]
        assert item["id"].split("-")[0] not in withdrawn_categories, item["id"]


def test_every_mapped_control_exists():
    missing = fw.mapped_controls() - control_ids()
    assert not missing, f"mapped but no queries/<id>.sql: {sorted(missing)}"


def test_every_control_is_mapped_at_least_once():
    unmapped = control_ids() - fw.mapped_controls()
    assert not unmapped, f"controls no mapping names: {sorted(unmapped)}"


def test_requirements_for_control_agrees_with_the_files():
    expected: dict[str, list[str]] = {}
    for path in mapping_files():
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in mapping["requirements"]:
            for control in item["controls"]:
                expected.setdefault(control, []).append(f"{mapping['framework']}:{item['id']}")
    assert expected
    for control, refs in expected.items():
        assert fw.requirements_for_control(control) == refs
    assert fw.requirements_for_control("no_such_control") == []


def test_requirements_without_controls_are_listed_as_manual():
    for framework in fw.load_frameworks().values():
        statuses = [s for s in fw.requirement_status({}) if s.requirement.framework == framework.id]
        assert len(statuses) == len(framework.requirements)
        assert {s.requirement.id for s in statuses if s.status == "manual"} == {
            r.id for r in framework.requirements if not r.controls
        }


# ----------------------------------------------------------------------------------------------- aliases


def test_every_withdrawn_csf_1_1_id_says_where_it_moved(shared_reference):
    flat = json.loads((shared_reference / "frameworks" / "nist_csf_2.0_core.json").read_text(encoding="utf-8"))
    withdrawn = [e for e in flat["elements"] if e["status"] == "withdrawn"]
    csf = fw.load_frameworks()["nist-csf-2.0"]
    assert withdrawn
    for element in withdrawn:
        for text in {element["id"], element["csf11_id"], element["csf11_id"].lower()}:
            message = fw.resolve_alias(text)
            assert message and "withdrawn" in message, text
            for successor in filter(None, element["successors"].split(";")):
                assert successor in message, (text, successor)
        found, message = fw.search(element["csf11_id"])
        successors = set(filter(None, element["successors"].split(";")))
        expected = {r.id for r in csf.requirements if r.id in successors or successors & {g.id for g in csf.group_path(r)}}
        assert {r.id for r in found} == expected


def test_alias_forms():
    assert "PR.AA-05" in fw.resolve_alias("PR.AC-4")
    assert "PR.AA-05" in fw.resolve_alias("nist-csf-2.0:PR.AC-4")
    assert "DE.CM-01" in fw.resolve_alias("DE.CM-1")
    assert "NHI7:2025" in fw.resolve_alias("NHI7")
    assert "NHI8:2025" in fw.resolve_alias("NHI8:2024")
    assert "800-53" in fw.resolve_alias("AC-4")
    for current in ("PR.AA-05", "nist-csf-2.0:PR.AA-05", "NHI7:2025", "§2.1 tenet 6"):
        assert fw.resolve_alias(current) is None
    assert fw.resolve_alias("nothing like an id") is None


def test_search_by_id_and_words():
    found, message = fw.search("pr.aa-05")
    assert [r.ref for r in found] == ["nist-csf-2.0:PR.AA-05"] and message is None
    found, _ = fw.search("owasp-nhi-2025:NHI10:2025")
    assert [r.title for r in found] == ["Human Use of NHI"]
    found, _ = fw.search("least privilege")
    assert "nist-csf-2.0:PR.AA-05" in {r.ref for r in found}
    # words, not one exact string: "multi factor" finds "multi-factor", "root mfa" finds "MFA ... for the 'root' user"
    found, _ = fw.search("multi factor")
    assert "cis-aws-foundations-v5.0.0:1.9" in {r.ref for r in found}
    found, _ = fw.search("root mfa")
    assert {"cis-aws-foundations-v5.0.0:1.4", "cis-aws-foundations-v5.0.0:1.5"} <= {r.ref for r in found}
    assert "cis-aws-foundations-v5.0.0:1.9" not in {r.ref for r in found}


def test_framework_lookup_errors_are_one_line_and_list_valid_ids():
    with pytest.raises(MappingError) as err:
        fw.get_framework("nist-csf-1.1")
    message = str(err.value)
    assert "\n" not in message and all(f in message for f in fw.load_frameworks())
    with pytest.raises(MappingError, match="PR.AA-05"):
        fw.get_framework("nist-csf-2.0").requirement("PR.AC-4")


# ------------------------------------------------------------------------------------------------ roll-up


@pytest.mark.parametrize(
    ("statuses", "outcome"),
    [
        (["ok"], "passed"),
        (["ok", "info"], "passed"),
        (["info"], "not_assessed"),  # info means "unknown" here: not evidence either way
        (["ok", "alarm"], "failed"),
        (["skip", "error"], "failed"),  # an error cannot show the requirement is met
        (["ok", "skip"], "passed"),
        (["skip"], "not_assessed"),
        ([], "not_assessed"),
        ({"alarm": 2, "excepted": 2}, "excepted"),
        ({"ok": 3, "alarm": 2, "excepted": 2}, "excepted"),
        ({"alarm": 2, "excepted": 1}, "failed"),
        ({"alarm": 1, "error": 1, "excepted": 1}, "failed"),
    ],
)
def test_control_outcome(statuses, outcome):
    assert fw.control_outcome(statuses) == outcome


def test_unknown_result_status_is_an_error():
    with pytest.raises(MappingError, match="'pass'"):
        fw.control_outcome(["ok", "pass"])


def three_control_requirement():
    framework = fw.load_frameworks()["cis-aws-foundations-v5.0.0"]
    target = framework.requirement("1.14")
    assert len(target.controls) == 3
    return framework, target


def test_each_requirement_status():
    framework, target = three_control_requirement()
    one, two, three = target.controls

    def status(results, **kwargs):
        return next(s for s in fw.requirement_status(results, [framework.id], **kwargs) if s.requirement == target)

    assert status({one: ["ok"], two: ["ok", "skip"], three: ["ok"]}).status == "passed"
    assert status({one: ["ok"], two: ["ok"], three: ["alarm", "ok"]}).status == "failed"
    assert status({one: ["ok"], two: ["skip"], three: ["error"]}).status == "failed"
    # 1 ok and 2 skipped controls: partial, never passed
    partial = status({one: ["ok"], two: ["skip"], three: ["skip"]})
    assert partial.status == "partial"
    assert dict(partial.control_outcomes) == {one: "passed", two: "not_assessed", three: "not_assessed"}
    assert status({one: ["ok"]}).status == "partial"  # the others were not run
    assert status({}).status == "not_assessed"
    assert status({one: ["skip"], two: ["info"], three: ["skip", "info"]}).status == "not_assessed"
    assert status({one: {"alarm": 1, "excepted": 1}, two: ["ok"], three: ["ok"]}).status == "excepted"
    assert status({one: {"alarm": 1, "excepted": 1}, two: ["ok"], three: ["skip"]}).status == "partial"
    # over accounts: passed in one account, skipped in another -> partial; failed anywhere -> failed
    everywhere = {c: ["ok"] for c in target.controls}
    assert status({}, by_account={"a": everywhere, "b": everywhere}).status == "passed"
    assert status({}, by_account={"a": everywhere, "b": {one: ["skip"], two: ["ok"], three: ["ok"]}}).status == "partial"
    assert status({}, by_account={"a": everywhere, "b": {one: ["alarm"]}}).status == "failed"
    assert status({}, by_account={"a": {c: ["skip"] for c in target.controls}}).status == "not_assessed"

    manual = next(r for r in fw.load_frameworks()["nist-csf-2.0"].requirements if not r.controls)
    statuses = {s.requirement.ref: s.status for s in fw.requirement_status({}, ["nist-csf-2.0"], attested={manual.ref})}
    assert statuses[manual.ref] == "attested"
    assert {statuses[r.ref] for r in fw.load_frameworks()["nist-csf-2.0"].requirements
            if not r.controls and r != manual} == {"manual"}


def expected_figures(statuses: list[str], informative: bool = False) -> tuple:
    """The documented formula, computed here independently of the library."""
    assessed = sum(statuses.count(s) for s in ("passed", "failed", "partial", "excepted", "attested"))
    compliant = sum(statuses.count(s) for s in ("passed", "excepted", "attested"))
    return (None if informative or not assessed else round(100 * compliant / assessed, 1),
            round(100 * assessed / len(statuses), 1))


@pytest.mark.parametrize("framework_id", sorted(fw.load_frameworks()))
def test_figures_follow_the_formula(framework_id):
    framework = fw.load_frameworks()[framework_id]
    controls = sorted({c for r in framework.requirements for c in r.controls})
    # a mix: every third control alarms, every fourth is skipped, every fifth excepted, the rest pass
    results = {}
    for n, control in enumerate(controls):
        results[control] = (["skip"] if n % 4 == 1 else {"alarm": 1, "excepted": 1} if n % 5 == 2
                            else ["alarm", "ok"] if n % 3 == 0 else ["ok"])
    statuses = fw.requirement_status(results, [framework_id])
    (summary,) = fw.framework_summary(statuses)
    names = [s.status for s in statuses]
    for status in fw.REQUIREMENT_STATUSES:
        assert getattr(summary, status) == names.count(status)
    assert (summary.compliant_pct, summary.coverage_pct) == expected_figures(names, framework.informative)
    assert summary.figures()["compliant_pct"] == summary.compliant_pct


def test_summary_figures_and_informative_frameworks():
    framework = fw.load_frameworks()["nist-csf-2.0"]
    automated = sum(1 for r in framework.requirements if r.controls)
    everything_ok = {c: ["ok"] for c in fw.mapped_controls()}
    (summary,) = fw.framework_summary(fw.requirement_status(everything_ok, ["nist-csf-2.0"]))
    assert (summary.total, summary.passed, summary.failed) == (len(framework.requirements), automated, 0)
    assert summary.manual == len(framework.requirements) - automated and summary.not_assessed == 0
    assert summary.compliant_pct == 100.0
    assert summary.coverage_pct == round(100 * automated / len(framework.requirements), 1)
    (summary,) = fw.framework_summary(fw.requirement_status({}, ["nist-csf-2.0"]))
    assert summary.compliant_pct is None and summary.coverage_pct == 0.0
    (zta,) = fw.framework_summary(fw.requirement_status(everything_ok, ["nist-sp-800-207"]))
    assert zta.informative and zta.compliant_pct is None and zta.coverage_pct > 0
    # only the event-based controls ran (CloudTrail loaded alone): never 100 % compliant with full coverage
    events_only = {c: ["ok"] for c in fw.mapped_controls() if c.startswith("cloudtrail_event_")}
    for summary in fw.framework_summary(fw.requirement_status(events_only)):
        assert summary.passed == 0 or summary.coverage_pct < 100
        assert summary.partial > 0 or summary.informative or summary.framework == "cis-aws-foundations-v5.0.0"


def test_cis_monitoring_requirements_map_to_one_metric_filter_control_each():
    cis = fw.load_frameworks()["cis-aws-foundations-v5.0.0"]
    mapped = [cis.requirement(f"4.{n}").controls for n in range(1, 16)]
    assert all(len(c) == 1 and c[0].startswith("cloudwatch_") and c[0].endswith("_monitored") for c in mapped)
    assert len({c[0] for c in mapped}) == 15
    assert cis.requirement("4.3").controls == ("cloudwatch_root_usage_monitored",)
    assert cis.requirement("4.16").controls == ()  # Security Hub enabled: not monitoring of trail events
    csf = fw.load_frameworks()["nist-csf-2.0"]
    for rid in ("DE.AE-03", "RS.MA-01", "RS.MI-01"):
        assert csf.requirement(rid).controls == ()
    nhi = fw.load_frameworks()["owasp-nhi-2025"]
    assert "iam_server_certificate_expired" not in nhi.requirement("NHI7:2025").controls
    assert "iam_root_no_access_keys" not in nhi.requirement("NHI5:2025").controls


def test_every_mapping_line_says_why():
    for framework in fw.load_frameworks().values():
        for requirement in framework.requirements:
            assert [c for c, _ in requirement.why] == list(requirement.controls)
            for control, why in requirement.why:
                assert why.strip() and "\n" not in why and len(why) <= fw.WHY_MAX, (requirement.ref, control)
                assert requirement.justification(control) == why


# ------------------------------------------------------------------------------------ bad mapping files


@pytest.fixture
def mapping_dir(tmp_path):
    """A private copy of the shipped catalogs with one editable mapping, nist-csf-2.0."""
    shutil.copytree(DATA_DIR / "catalogs", tmp_path / "catalogs")
    return tmp_path


def why(*controls):
    return {c: f"{c} gives evidence." for c in controls}


def write_mapping(directory, requirements, **overrides):
    doc = {"framework": "nist-csf-2.0", "title": "NIST Cybersecurity Framework (CSF) 2.0", "version": "2.0",
           "source": fw.load_frameworks()["nist-csf-2.0"].source, "informative": False,
           "requirements": requirements}
    doc.update(overrides)
    (directory / "nist-csf-2.0.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("requirements", "overrides", "expected"),
    [
        ([{"id": "PR.AC-04", "controls": why("a")}], {}, "PR.AC-04 is not a current requirement.*moved to PR.AA-05"),
        ([{"id": "PR.AC-4", "controls": why("a")}], {}, "PR.AC-4 is not a current requirement.*PR.AA-05"),
        ([{"id": "PR.AA", "controls": why("a")}], {}, "PR.AA is not a current requirement"),
        ([{"id": "PR.AA-05", "controls": why("a")}, {"id": "PR.AA-01", "controls": why("b")}], {}, "out of catalog order"),
        ([{"id": "PR.AA-01", "controls": why("a")}, {"id": "PR.AA-01", "controls": why("b")}], {}, "listed twice"),
        ([{"id": "PR.AA-01", "controls": {}}], {}, "must map each control id to one sentence"),
        ([{"id": "PR.AA-01", "controls": ["a"]}], {}, "must map each control id to one sentence"),
        ([{"id": "PR.AA-01", "controls": {"a": None}}], {}, "a: say in one sentence why"),
        ([{"id": "PR.AA-01", "controls": {"a": "  "}}], {}, "a: say in one sentence why"),
        ([{"id": "PR.AA-01", "controls": {"a": "one\n\ntwo"}}], {}, "one sentence of at most"),
        ([{"id": "PR.AA-01", "controls": {"a": "x" * 301}}], {}, "one sentence of at most"),
        ([{"id": "PR.AA-01", "controls": why("queries/x.sql")}], {}, "is not a control id"),
        ([{"id": "PR.AA-01", "controls": why("a"), "why": "x"}], {}, "unknown key"),
        ([{"id": "PR.AA-01", "controls": why("a")}], {"framework": "csf"}, "'framework' must be 'nist-csf-2.0'"),
        ([{"id": "PR.AA-01", "controls": why("a")}], {"version": "1.1"}, "'version' is '1.1' but its catalog says '2.0'"),
        ([{"id": "PR.AA-01", "controls": why("a")}], {"informative": True}, "'informative' must be false"),
        ([{"id": "PR.AA-01", "controls": why("a")}], {"owner": "me"}, "unknown key"),
        ([], {}, "non-empty list"),
    ],
)
def test_bad_mapping_is_a_one_line_error_naming_the_file(mapping_dir, requirements, overrides, expected):
    write_mapping(mapping_dir, requirements, **overrides)
    with pytest.raises(MappingError, match=expected) as err:
        fw.load_frameworks(mapping_dir)
    assert str(err.value).startswith("mappings/nist-csf-2.0.yaml: ") and "\n" not in str(err.value)


def test_unreadable_mapping_and_missing_catalog(mapping_dir):
    (mapping_dir / "nist-csf-2.0.yaml").write_text("framework: [unclosed\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        fw.load_frameworks(mapping_dir)
    write_mapping(mapping_dir, [{"id": "PR.AA-01", "controls": why("a")}], framework="other")
    (mapping_dir / "nist-csf-2.0.yaml").rename(mapping_dir / "other.yaml")
    with pytest.raises(MappingError, match="no catalog file catalogs/other.yaml"):
        fw.load_frameworks(mapping_dir)


def test_a_control_listed_twice_is_an_error(mapping_dir):
    write_mapping(mapping_dir, [{"id": "PR.AA-01", "controls": why("a")}])
    text = (mapping_dir / "nist-csf-2.0.yaml").read_text(encoding="utf-8")
    (mapping_dir / "nist-csf-2.0.yaml").write_text(text.replace("    a: a gives evidence.\n",
                                                                "    a: a gives evidence.\n    a: again.\n"))
    with pytest.raises(MappingError, match="'a' is listed twice"):
        fw.load_frameworks(mapping_dir)


def test_a_valid_private_mapping_loads(mapping_dir):
    write_mapping(mapping_dir, [{"id": "PR.AA-01", "controls": {"a": "A  shows it.", "b": "B shows it."}, "note": "why"},
                                {"id": "DE.CM-03", "controls": why("a")}])
    framework = fw.load_frameworks(mapping_dir)["nist-csf-2.0"]
    assert framework.requirement("PR.AA-01").why == (("a", "A shows it."), ("b", "B shows it."))
    assert fw.requirements_for_control("a", mapping_dir) == ["nist-csf-2.0:PR.AA-01", "nist-csf-2.0:DE.CM-03"]
    assert framework.requirement("PR.AA-01").note == "why"
    assert [g.id for g in framework.group_path(framework.requirement("DE.CM-03"))] == ["DE", "DE.CM"]


# ---------------------------------------------------------------------------------------------------- CLI


def test_cli_lists_frameworks_and_requirements():
    result = runner.invoke(app, ["frameworks", "--format", "json"])
    assert result.exit_code == 0
    assert [row["framework"] for row in json.loads(result.output)] == list(fw.load_frameworks())
    result = runner.invoke(app, ["frameworks", "nist-csf-2.0", "--format", "json"])
    rows = json.loads(result.output)
    framework = fw.load_frameworks()["nist-csf-2.0"]
    assert [row["requirement"] for row in rows] == [r.ref for r in framework.requirements]
    assert {row["controls"] for row in rows if not framework.requirement(row["requirement"].split(":", 1)[1]).controls} == {"manual"}


def test_cli_search_for_a_withdrawn_id_says_where_it_moved():
    proc = subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", "frameworks", "--search", "PR.AC-4"],
                          capture_output=True, text=True)
    assert proc.returncode == 0
    assert "nist-csf-2.0:PR.AA-05" in proc.stdout
    assert "withdrawn" in proc.stderr and "PR.AA-05" in proc.stderr


def test_cli_unknown_framework_is_one_line_listing_valid_ids():
    proc = subprocess.run([sys.executable, "-c", "from iamsql.cli import main; main()", "frameworks", "csf"],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    assert proc.stderr.count("\n") == 1 and "nist-csf-2.0" in proc.stderr and "owasp-nhi-2025" in proc.stderr


@pytest.fixture
def typo_mappings(tmp_path, monkeypatch):
    """The shipped mappings with ``iam_role_unused`` misspelt under NHI1:2025, in use for the test."""
    mappings = tmp_path / "mappings"
    shutil.copytree(DATA_DIR, mappings)
    shipped = (mappings / "owasp-nhi-2025.yaml").read_text(encoding="utf-8")
    assert "    iam_role_unused: " in shipped
    (mappings / "owasp-nhi-2025.yaml").write_text(shipped.replace("    iam_role_unused: ", "    iam_role_unusd: "),
                                                  encoding="utf-8")
    monkeypatch.setattr(fw, "DATA_DIR", mappings)


TYPO_WARNING = ("mappings/owasp-nhi-2025.yaml: NHI1:2025 names iam_role_unusd, which is no control (did you mean "
                "iam_role_unused?): NHI1:2025 can never pass")


def test_check_names_a_mapped_control_that_is_no_control(cloudsplaining_db, typo_mappings, monkeypatch):
    """A typo in a mapping's control id (``iam_role_unusd``) maps a control that never runs: its requirement can
    never pass, so ``check`` says so on stderr (a mapping may name a control of a ``--queries`` folder, so it is
    a warning, not an error)."""
    args = ["check", "--db", str(cloudsplaining_db), "--framework", "owasp-nhi-2025", "--quiet", "--fail-on", "none",
            "-o", "json"]
    ran = runner.invoke(app, args)
    assert ran.exit_code == 0, ran.output
    assert ran.stderr.splitlines()[0] == f"warning: {TYPO_WARNING}"
    monkeypatch.setattr(fw, "DATA_DIR", DATA_DIR)
    clean = runner.invoke(app, args)
    assert clean.exit_code == 0 and "warning:" not in clean.stderr


def test_evidence_run_names_a_mapped_control_that_is_no_control(tmp_path, typo_mappings):
    """The scheduled run says it too, among the run's warnings (its log for cron)."""
    config = evidence.load_config(basic_toml(tmp_path), {"frameworks": ["owasp-nhi-2025"]}, env={})
    assert TYPO_WARNING in evidence.run(config).warnings
