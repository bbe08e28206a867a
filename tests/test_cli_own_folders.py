"""A user's own controls (``--queries DIR``) and framework mappings (``--mappings DIR``) on ``check``, ``report``,
``controls``, ``frameworks`` and ``evidence run``, run as an installed user runs them: ``python -m iamsql`` from a
folder of their own, where no ``queries/`` or ``mappings/`` of the source tree is beside them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from iamsql.common.resources import SAMPLE_DIR
from iamsql.frameworks import DATA_DIR

REPO = Path(__file__).resolve().parent.parent

OWN_CONTROL = """/*
title: Every IAM user is listed
description: One ok row per IAM user, an alarm for a user named admin.
severity: high
resource_type: AWS::IAM::User
rationale: A test control of the user's own.
remediation: None.
tables: [aws_iam_user]
*/
select arn as resource,
       case when name = 'admin' then 'alarm' else 'ok' end as status,
       name || ' is a user.' as reason,
       account_id, region
from aws_iam_user
"""


def iamsql(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IAMSQL_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run([sys.executable, "-P", "-m", "iamsql", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def own(tmp_path_factory) -> Path:
    """A user's folder: the sample loaded, one control of their own and a mapping of it to OWASP NHI1 (no
    catalogs/ folder: the shipped catalog is used)."""
    home = tmp_path_factory.mktemp("user")
    (home / "my-controls").mkdir()
    (home / "my-controls" / "my_user_listed.sql").write_text(OWN_CONTROL, encoding="utf-8")
    (home / "my-mappings").mkdir()
    shipped = (DATA_DIR / "owasp-nhi-2025.yaml").read_text(encoding="utf-8")
    head = shipped[: shipped.index("requirements:")]
    (home / "my-mappings" / "owasp-nhi-2025.yaml").write_text(
        head + "requirements:\n- id: NHI1:2025\n  controls:\n"
        "    my_user_listed: Listing every user shows which identities are still there to offboard.\n",
        encoding="utf-8")
    loaded = iamsql(home, "load", "--sample")
    assert loaded.returncode == 0, loaded.stderr
    return home


def test_check_runs_own_controls_mapped_by_own_mappings(own):
    ran = iamsql(own, "check", "--queries", "my-controls", "--mappings", "my-mappings", "--fail-on", "none",
                 "--format", "jsonl", "--quiet")
    assert ran.returncode == 0, ran.stderr
    rows = [json.loads(line) for line in ran.stdout.splitlines()]
    assert rows and {r["control_id"] for r in rows} == {"my_user_listed"}
    assert all(r["requirements"] == ["owasp-nhi-2025:NHI1:2025"] for r in rows)
    assert "owasp-nhi-2025: " in ran.stderr and "nist-csf-2.0" not in ran.stderr  # only the mapped frameworks

    report = iamsql(own, "report", "--queries", "my-controls", "--mappings", "my-mappings", "--out", "-",
                    "--format", "json", "--quiet")
    assert report.returncode == 0, report.stderr
    document = json.loads(report.stdout)
    assert [g["title"] for g in document["groups"]] == ["OWASP Non-Human Identities Top 10"]

    listed = iamsql(own, "controls", "--queries", "my-controls", "--mappings", "my-mappings", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [(r["control_id"], r["requirements"]) for r in json.loads(listed.stdout)] == [
        ("my_user_listed", "owasp-nhi-2025:NHI1:2025")]

    frameworks = iamsql(own, "frameworks", "--mappings", "my-mappings", "--format", "csv")
    assert frameworks.returncode == 0, frameworks.stderr
    assert "owasp-nhi-2025" in frameworks.stdout and "nist-csf-2.0" not in frameworks.stdout


@pytest.mark.parametrize("fmt", ["table", "md", "jsonl"])
def test_unmapped_controls_print_no_framework_lines(own, fmt):
    """A run of controls no mapping names shows no framework (as Powerpipe's control run shows no benchmark): only
    the line of result counts, without the formula of the figures it does not show."""
    ran = iamsql(own, "check", "--queries", "my-controls", "--fail-on", "none", "--format", fmt, "--quiet")
    assert ran.returncode == 0, ran.stderr
    output = ran.stdout + ran.stderr
    assert "all controls: 1 control run, " in output
    for framework in ("cis-aws-foundations-v5.0.0", "nist-csf-2.0", "nist-sp-800-207", "owasp-nhi-2025", "compliant"):
        assert framework not in output, (framework, output[-2000:])


def test_a_framework_without_a_control_of_the_run_has_no_line(own):
    ran = iamsql(own, "check", "--control", "iam_root_hardware_mfa_enabled", "--fail-on", "none", "--quiet")
    assert ran.returncode == 0, ran.stderr
    framework_lines = [line.split(":")[0] for line in ran.stdout.splitlines() if ": compliant " in line]
    # mapped to CIS, CSF and SP 800-207, not to the OWASP NHI Top 10
    assert framework_lines == ["cis-aws-foundations-v5.0.0", "nist-csf-2.0", "nist-sp-800-207"], ran.stdout[-2000:]


def test_without_the_options_the_shipped_controls_and_mappings_run(own):
    listed = iamsql(own, "controls", "--format", "json")
    ids = {r["control_id"] for r in json.loads(listed.stdout)}
    assert "iam_root_mfa_enabled" in ids and "my_user_listed" not in ids


def test_evidence_run_takes_own_controls_and_mappings(own):
    ran = iamsql(own, "evidence", "run", "--db", "evidence.duckdb", "--evidence-dir", "evidence", "--source",
                 str(SAMPLE_DIR / "cloudsplaining"), "--queries", "my-controls", "--mappings", "my-mappings",
                 "--output", "json", "--fail-on", "none", "--quiet")
    assert ran.returncode == 0, ran.stderr
    (folder,) = [p for p in (own / "evidence").glob("*/*") if p.is_dir()]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (folder / "queries" / "my_user_listed.sql").read_text(encoding="utf-8") == OWN_CONTROL
    assert "queries/my_user_listed.sql" in json.dumps(manifest["files"])
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert [g["title"] for g in results["groups"]] == ["OWASP Non-Human Identities Top 10"]


@pytest.mark.parametrize("command, code", [(["controls"], 2), (["controls", "--print-sql"], 2),
                                           (["check", "--quiet"], 254), (["check", "--dry-run"], 254)])
def test_a_folder_without_a_control_is_bad_input(own, command, code):
    """Listing, printing and running an empty selection fail alike, each with its command's bad-input code."""
    (own / "no-controls").mkdir(exist_ok=True)
    ran = iamsql(own, *command, "--queries", "no-controls")
    assert (ran.returncode, ran.stdout, ran.stderr) == (code, "", "error: no control matches the selection\n")


def test_controls_of_a_framework_none_maps_is_bad_input(own):
    ran = iamsql(own, "controls", "--queries", "my-controls", "--framework", "nist-csf-2.0")
    assert (ran.returncode, ran.stdout, ran.stderr) == (2, "", "error: no control matches the selection\n")


@pytest.mark.parametrize("folder, says", [("nowhere", "is not a folder"), ("my-controls", "holds no mapping file")])
def test_a_bad_mappings_folder_is_one_line(own, folder, says):
    ran = iamsql(own, "check", "--mappings", folder, "--quiet")
    assert ran.returncode == 254 and ran.stdout == ""  # check's bad input, as Powerpipe's
    assert ran.stderr.count("\n") == 1 and ran.stderr.startswith("error:") and says in ran.stderr


def test_report_reads_the_mappings_its_run_used(own):
    ran = iamsql(own, "check", "--queries", "my-controls", "--mappings", "my-mappings", "--fail-on", "none",
                 "--format", "none", "--quiet")
    assert ran.returncode == 0, ran.stderr
    stored = iamsql(own, "report", "--queries", "my-controls", "--out", "-", "--format", "json", "--quiet")
    assert stored.returncode == 0, stored.stderr
    assert [g["title"] for g in json.loads(stored.stdout)["groups"]] == ["OWASP Non-Human Identities Top 10"]
    told = iamsql(own, "report", "--queries", "my-controls", "--mappings", str(DATA_DIR), "--out", "-", "--format",
                  "json", "--quiet")
    assert told.returncode == 0, told.stderr
    assert json.loads(told.stdout)["groups"] == []  # no shipped framework maps the user's control
    (own / "my-mappings").rename(own / "moved-mappings")
    try:
        gone = iamsql(own, "report", "--queries", "my-controls", "--out", "-", "--format", "json", "--quiet")
    finally:
        (own / "moved-mappings").rename(own / "my-mappings")
    assert gone.returncode != 0 and gone.stdout == ""
    assert gone.stderr.count("\n") == 1 and "used the mappings in" in gone.stderr and "--mappings" in gone.stderr


def test_check_evidence_run_and_diff_count_the_controls_run_alike(own):
    """A control that returns no row ran: check's totals, evidence run's line and diff's scope all count it."""
    folder = own / "with-a-silent-control"
    folder.mkdir()
    (folder / "my_user_listed.sql").write_text(OWN_CONTROL, encoding="utf-8")
    silent = OWN_CONTROL.replace("Every IAM user is listed", "No IAM user is listed").replace(
        "from aws_iam_user\n", "from aws_iam_user\nwhere false\n")
    (folder / "my_no_user_listed.sql").write_text(silent, encoding="utf-8")
    database = str(own / "counted.duckdb")
    assert iamsql(own, "load", "--sample", "--quiet", "--db", database).returncode == 0
    for _ in range(2):
        checked = iamsql(own, "check", "--queries", folder.name, "--fail-on", "none", "--quiet", "--db", database)
        assert checked.returncode == 0, checked.stderr
        assert "all controls: 2 controls run, " in checked.stdout, checked.stdout[-1000:]
    diffed = iamsql(own, "diff", "--db", database)
    assert diffed.returncode == 0, diffed.stderr
    assert diffed.stdout.count("2 controls run, every framework") == 2, diffed.stdout[:1000]
    ran = iamsql(own, "evidence", "run", "--db", "counted-evidence.duckdb", "--evidence-dir", "counted-evidence",
                 "--source", str(SAMPLE_DIR / "cloudsplaining"), "--queries", folder.name, "--fail-on", "none")
    assert ran.returncode == 0, ran.stderr
    assert " account(s), 2 control(s) run, " in ran.stdout, ran.stdout


def test_diff_with_fewer_than_two_runs_names_the_command_that_makes_the_next(own):
    """With no run diff said 'the database has 0: run iamsql check again', and after one evidence run it told the
    user to run 'iamsql check', whose ad hoc run is not the baseline of the next evidence run."""
    database = "one-evidence-run.duckdb"
    assert iamsql(own, "load", "--sample", "--quiet", "--db", database).returncode == 0
    none = iamsql(own, "diff", "--db", database)
    assert none.returncode == 2 and none.stdout == ""
    assert none.stderr == ("error: diff needs two check runs; the database has none: run 'iamsql check' or "
                           "'iamsql evidence run' first\n")
    ran = iamsql(own, "evidence", "run", "--db", database, "--evidence-dir", "one-evidence-run", "--name", "nightly",
                 "--source", str(SAMPLE_DIR / "cloudsplaining"), "--queries", "my-controls", "--fail-on", "none",
                 "--quiet")
    assert ran.returncode == 0, ran.stderr
    one = iamsql(own, "diff", "--db", database)
    assert one.returncode == 2 and one.stdout == ""
    assert one.stderr == ("error: diff needs two check runs; the database has 1, evidence run nightly (run 1): "
                          "run 'iamsql evidence run' again with the same configuration\n")
