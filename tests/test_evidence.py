"""Evidence runs from files: config (keys, types, precedence, documented), the dated folder and its manifest,
verify (tamper, add, remove, manifest edits), retention, exit codes and the CLI's one-line errors."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import duckdb
import pytest

from iamsql import scheduled as evidence
from iamsql.common.resources import SAMPLE_DIR
from iamsql.controls.catalog import control_pack_hash
from tests.test_exceptions import group_lists

REPO = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"  # the AWS CLI documentation examples' account
CONTROLS = ["iam_user_in_group", "iam_user_console_mfa"]


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def basic_toml(tmp_path: Path, extra: str = "") -> Path:
    return write_config(tmp_path / "iamsql.toml", f"""
db = "audit.duckdb"
evidence_dir = "evidence"
controls = {json.dumps(CONTROLS)}
outputs = ["json"]
fail_on = "none"
{extra}
[sources]
paths = [{json.dumps(str(SAMPLE_DIR / "aws_cli_examples"))}, {json.dumps(str(group_lists(tmp_path)))}]
""")


def cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """Run the console entry point in this process; returns (exit code, stdout, stderr)."""
    from iamsql.cli import main

    monkeypatch.setattr("sys.argv", ["iamsql", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out = capsys.readouterr()
    return exit_info.value.code or 0, out.out, out.err


# ------------------------------------------------------------------------------------------------- config


@pytest.mark.parametrize(("text", "message"), [
    ("colour = 'blue'", "unknown key 'colour'"),
    ("[retention]\nkeep = 3", "unknown key 'retention.keep'"),
    ("[retention]\nkeep_runs = 'ten'", "'retention.keep_runs' must be a whole number"),
    ("fail_on = 3", "'fail_on' must be text"),
    ("outputs = 'pdf'", "'outputs' has 'pdf'"),
    ("frameworks = ['nist-csf-9']", "unknown framework 'nist-csf-9'"),
    ("db = ", "not valid TOML"),
    ("retention = 5", "[retention] must be a table"),
])
def test_bad_config_names_the_key(tmp_path, text, message):
    path = write_config(tmp_path / "bad.toml", f"evidence_dir = 'e'\n{text}\n")
    with pytest.raises(evidence.ConfigError) as info:
        evidence.load_config(path, env={})
    assert message in str(info.value) and str(path) in str(info.value) and "\n" not in str(info.value)


def test_missing_required_and_contradictory_settings(tmp_path):
    with pytest.raises(evidence.ConfigError, match="'evidence_dir' is required .*--evidence-dir, IAMSQL_EVIDENCE_DIR"):
        evidence.load_config(write_config(tmp_path / "a.toml", "db = 'x.duckdb'\n"), env={})
    with pytest.raises(evidence.ConfigError, match="--source loads files, --role-arn are for collecting"):
        evidence.load_config(None, {"evidence_dir": "e", "sources.paths": ["x"], "role_arns": ["arn:aws:iam::1:role/r"]}, env={})
    # each setting named as it was given: the example config's collection settings, then --source on the command line
    config = write_config(tmp_path / "b.toml", "evidence_dir = 'e'\nrole_arns = ['arn:aws:iam::1:role/r']\n"
                                                "[sources]\nregions = ['us-east-1']\n")
    with pytest.raises(evidence.ConfigError) as info:
        evidence.load_config(config, {"sources.paths": ["x"]}, env={"IAMSQL_PROFILE": "audit"})
    assert str(info.value) == (f"config {config}: --source loads files, 'sources.regions', IAMSQL_PROFILE, 'role_arns' "
                               "are for collecting from AWS: give one or the other")
    with pytest.raises(evidence.ConfigError, match="environment variable IAMSQL_KEEP_RUNS: 'retention.keep_runs' must be a whole number"):
        evidence.load_config(None, {"evidence_dir": "e"}, env={"IAMSQL_KEEP_RUNS": "many"})


@pytest.mark.parametrize("keep", [-1, 0])
def test_keep_runs_below_one_is_refused_with_one_message(tmp_path, monkeypatch, capsys, keep):
    """The current run is always kept: 0 and -1 are refused alike, from the file, the environment and the flag."""
    said = "'retention.keep_runs' must be a whole number of 1 or more, not"
    path = write_config(tmp_path / "k.toml", f"evidence_dir = 'e'\n[retention]\nkeep_runs = {keep}\n")
    with pytest.raises(evidence.ConfigError, match=f"{said} {keep}$"):
        evidence.load_config(path, env={})
    with pytest.raises(evidence.ConfigError, match=f"IAMSQL_KEEP_RUNS: {said} {keep}$"):
        evidence.load_config(None, {"evidence_dir": "e"}, env={"IAMSQL_KEEP_RUNS": str(keep)})
    code, out, err = cli(monkeypatch, capsys, "evidence", "run", "--evidence-dir", str(tmp_path / "e"),
                         "--keep-runs", str(keep))
    assert code == 254 and out == "" and err == f"error: option --keep-runs: {said} {keep}\n"
    assert not (tmp_path / "e").exists()


def test_precedence_file_then_environment_then_flags(tmp_path):
    path = basic_toml(tmp_path, "[retention]\nkeep_runs = 5\n[params]\nmax_age_days = 30")
    config = evidence.load_config(path, {}, env={"IAMSQL_FAIL_ON": "medium", "IAMSQL_OUTPUTS": "json, md"})
    assert config["fail_on"] == "medium" and config["outputs"] == ["json", "md"]
    assert config["retention.keep_runs"] == 5 and config["params"] == {"max_age_days": 30}
    assert config["db"] == tmp_path / "audit.duckdb"  # relative to the config file, not the working folder
    assert config.origin["fail_on"] == "env" and config.origin["retention.keep_runs"] == "file"
    config = evidence.load_config(path, {"fail_on": "high", "params": ["iam_user_in_group.x=1"]},
                                  env={"IAMSQL_FAIL_ON": "medium"})
    assert config["fail_on"] == "high" and config.origin["fail_on"] == "flag"
    assert config["params"] == {"iam_user_in_group.x": "1"}


def test_every_option_is_documented_with_flag_and_variable():
    guide = (REPO / "docs" / "scheduling.md").read_text(encoding="utf-8")
    for option in evidence.OPTIONS:
        row = next((line for line in guide.splitlines() if line.startswith(f"| `{option.key}`")), None)
        assert row is not None, f"docs/scheduling.md has no table row for {option.key}"
        assert f"`{option.flag}`" in row and f"`{option.env}`" in row, row


def test_cli_bad_config_is_one_line(tmp_path, monkeypatch, capsys):
    path = write_config(tmp_path / "bad.toml", "evidence_dir = 'e'\n[sources]\npathz = ['x']\n")
    code, out, err = cli(monkeypatch, capsys, "evidence", "run", "--config", str(path))
    assert code == 254 and out == ""
    assert err.startswith("error: config ") and "unknown key 'sources.pathz'" in err and err.count("\n") == 1


def test_a_source_holding_the_evidence_folder_is_refused_before_anything_is_written(tmp_path, monkeypatch, capsys):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "list-users.json").write_bytes((SAMPLE_DIR / "aws_cli_examples" / "list-users_1.json").read_bytes())
    monkeypatch.chdir(tmp_path)
    for source, folder in (("exports", "exports/evidence"), ("exports", "exports"), ("", "evidence")):
        code, out, err = cli(monkeypatch, capsys, "evidence", "run", "--db", "audit.duckdb", "--evidence-dir",
                             folder, "--source", source, "--fail-on", "none")
        assert code == 254 and out == "" and err.count("\n") == 1, err
        assert err.startswith("error: sources.paths: ") and "holds the evidence folder" in err
    assert sorted(p.name for p in exports.iterdir()) == ["list-users.json"] and not (tmp_path / "evidence").exists()


# ------------------------------------------------------------------------------------------------- a run


@pytest.fixture
def one_run(tmp_path):
    config = evidence.load_config(basic_toml(tmp_path), env={})
    return config, evidence.run(config)


def test_run_reports_ocsf_as_prowler_and_names_sources_inside_the_folder(tmp_path):
    """results.ocsf.json is one JSON array (Prowler's json-ocsf), results.ocsf.jsonl the same events one per
    line; the JSON report names each source below the run folder's raw/, never by the analyst's path."""
    config = evidence.load_config(basic_toml(tmp_path), {"outputs": ["iamsql-json", "ocsf", "ocsf-jsonl"]}, env={})
    folder = evidence.run(config).folder
    events = json.loads((folder / "results.ocsf.json").read_text(encoding="utf-8"))
    lines = (folder / "results.ocsf.jsonl").read_text(encoding="utf-8").splitlines()
    assert isinstance(events, list) and events and [json.loads(line) for line in lines] == events
    report = json.loads((folder / "results.iamsql.json").read_text(encoding="utf-8"))
    sources = [e for e in report["evidence"] if e["entry"] == "source"]
    assert sources and all(e["where"].startswith("raw/") and e["sha256"] for e in sources)
    assert str(tmp_path) not in json.dumps(report)


def test_evidence_list_writes_times_as_query_does(one_run, tmp_path, monkeypatch, capsys):
    code, out, err = cli(monkeypatch, capsys, "evidence", "list", "--db", str(tmp_path / "audit.duckdb"), "-o", "csv")
    assert code == 0 and err == ""
    row = out.splitlines()[1].split(",")
    assert row[0] == str(one_run[1].run_id) and row[3] == "complete"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", cell) for cell in row[1:3]), row


def test_run_folder_and_manifest(one_run, tmp_path):
    config, outcome = one_run
    assert outcome.folder.parent == tmp_path / "evidence" / ACCOUNT
    assert re.fullmatch(r"\d{8}T\d{6}Z", outcome.folder.name)
    assert not list((tmp_path / "evidence").glob(".incomplete-*"))
    manifest = json.loads((outcome.folder / "manifest.json").read_text())
    on_disk = {p.relative_to(outcome.folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
               for p in outcome.folder.rglob("*") if p.is_file() and p.name not in ("manifest.json", "manifest.sha256")}
    assert {k: v["sha256"] for k, v in manifest["files"].items()} == on_disk
    assert "results.json" in on_disk and any(k.startswith("raw/01-aws_cli_examples/") for k in on_disk)
    sidecar = (outcome.folder / "manifest.sha256").read_text()
    assert sidecar == hashlib.sha256((outcome.folder / "manifest.json").read_bytes()).hexdigest() + "  manifest.json\n"
    assert manifest["control_pack_hash"] == control_pack_hash()
    assert manifest["tool"]["name"] == "iamsql" and manifest["run_id"] == outcome.run_id
    assert [a["account_id"] for a in manifest["accounts"]] == [ACCOUNT] and manifest["data_as_of"]
    # the sample's list-access-keys lists one user's keys: the access-key table is partial, and says so
    gaps = [(g["api"], g["table"], g["whole"]) for g in manifest["collection_gaps"]]
    assert gaps == [("iam:list-access-keys", "aws_iam_access_key", ["Bob"])]
    assert manifest["sources"][0]["original"] == str(SAMPLE_DIR / "aws_cli_examples")
    assert manifest["summary"]["controls"] == len(CONTROLS) and manifest["exit_code"] == outcome.exit_code == 0
    assert manifest["config"]["settings"]["fail_on"] == "none"
    line = outcome.line()
    assert line.startswith(f"evidence run {outcome.run_id}: 1 account(s), 2 control(s) run, ") and str(outcome.folder) in line


def test_database_names_the_loaded_files_in_the_run_folder(tmp_path):
    """The run loads its copies from a hidden folder that it renames at the end: each snapshot's sources and each
    event's source_file name the file in the run folder, not in the hidden one that no longer exists."""
    trail = SAMPLE_DIR / "cloudtrail" / "invictus_ir" / "218007301253_CloudTrail_us-east-1_20230710T1150Z_1vnLavRRp0ek1mP4.json"
    config = evidence.load_config(None, {
        "db": str(tmp_path / "audit.duckdb"), "evidence_dir": str(tmp_path / "evidence"), "controls": CONTROLS,
        "outputs": ["json"], "fail_on": "none", "sources.paths": [str(SAMPLE_DIR / "aws_cli_examples"), str(trail)],
    }, env={})
    folder = evidence.run(config).folder
    with duckdb.connect(str(tmp_path / "audit.duckdb"), read_only=True) as con:
        paths = [p for (p,) in con.execute(
            "select e ->> 'path' from iamsql_snapshot, unnest(sources::json[]) as t(e) where e ->> 'path' is not null"
        ).fetchall()]
        events = con.execute("select distinct source_file from aws_cloudtrail_trail_event").fetchall()
    assert events == [(str(folder / "raw" / f"02-{trail.name}"),)]
    assert paths and all(Path(p).is_relative_to(folder / "raw") and Path(p).is_file() for p in paths), paths


def test_exit_codes_follow_fail_on_and_exceptions(tmp_path, monkeypatch, capsys):
    path = basic_toml(tmp_path)
    code, out, err = cli(monkeypatch, capsys, "evidence", "run", "-c", str(path), "--fail-on", "low")
    assert code == 1 and out.count("\n") == 1 and "0 excepted" in out  # iam_user_in_group alarms are medium
    code, out, _ = cli(monkeypatch, capsys, "evidence", "run", "-c", str(path), "--fail-on", "high")
    assert code == 0 and "new since run" in out
    exceptions = tmp_path / "exceptions.yaml"
    exceptions.write_text("exceptions:\n  - control: 'iam_user_*'\n    account: '*'\n    reason: lab users\n"
                          "    approver: a@example.com\n    ticket: T-1\n    expires: 2999-01-01\n")
    code, out, _ = cli(monkeypatch, capsys, "evidence", "run", "-c", str(path), "--fail-on", "low",
                       "--exceptions", str(exceptions), "--quiet")
    assert code == 0 and out == ""  # every alarm is excepted, and --quiet prints nothing


def test_quiet_hides_the_summary_but_not_the_load_warnings(tmp_path, monkeypatch, capsys):
    """As load --quiet: a table only partly loaded is a warning on stderr, with --quiet too."""
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "list-users.json").write_text(json.dumps({
        "Users": [{"Path": "/", "UserName": "bob", "UserId": "AIDAEXAMPLEBOB000001",
                   "Arn": f"arn:aws:iam::{ACCOUNT}:user/bob", "CreateDate": "2024-01-02T03:04:05Z"}],
        "IsTruncated": True, "Marker": "next-page"}))
    args = ["evidence", "run", "--db", str(tmp_path / "audit.duckdb"), "--source", str(exports),
            "--control", "iam_user_in_group", "--fail-on", "none"]
    code, loud, loud_err = cli(monkeypatch, capsys, *args, "--evidence-dir", str(tmp_path / "loud"))
    assert code == 0 and loud.startswith("evidence run 1: ")
    code, out, err = cli(monkeypatch, capsys, *args, "--evidence-dir", str(tmp_path / "quiet"), "--quiet")
    assert code == 0 and out == ""
    # the file as the run's sources name it, not its copy under raw/
    warning = f"warning: account {ACCOUNT}: only part of aws_iam_user is loaded ({exports / 'list-users.json'}: "
    lines = err.splitlines()
    assert any(line.startswith(warning) for line in lines) and all(line.startswith("warning: ") for line in lines)
    assert warning in loud_err and "gathering data" in loud_err and "gathering data" not in err


BROKEN_CONTROL = """/*
title: A control whose SQL names a column that does not exist
description: Errors on every account.
severity: high
resource_type: AWS::IAM::User
rationale: A test control.
remediation: None.
tables: [aws_iam_user]
*/
select arn as resource, 'ok' as status, no_such_column as reason, account_id, region from aws_iam_user
"""


def test_a_control_error_exits_2_and_a_failed_run_254(tmp_path, monkeypatch, capsys):
    # as check: 2 says a control errored (the run and its evidence are written), 254 that the run itself failed
    queries = tmp_path / "controls"
    queries.mkdir()
    (queries / "broken_control.sql").write_text(BROKEN_CONTROL)
    path = basic_toml(tmp_path)
    code, out, err = cli(monkeypatch, capsys, "evidence", "run", "-c", str(path), "--queries", str(queries),
                         "--control", "broken_control")
    assert code == 2, err
    assert out.startswith("evidence run 1: ") and "1 error(s)" in out
    (folder,) = (tmp_path / "evidence").glob("*/*")
    assert json.loads((folder / "manifest.json").read_text())["exit_code"] == 2
    code, out, err = cli(monkeypatch, capsys, "evidence", "run", "-c", str(path), "--queries", str(queries),
                         "--control", "no_such_control", "--quiet")
    assert code == 254 and out == "" and err.startswith("error: unknown control") and err.count("\n") == 1, err


def test_verify_names_changed_added_and_removed_files(one_run, monkeypatch, capsys):
    _, outcome = one_run
    folder = outcome.folder
    code, out, _ = cli(monkeypatch, capsys, "evidence", "verify", str(folder))
    assert code == 0 and out.startswith("ok ")

    raw = sorted((folder / "raw").rglob("*.json"))[0]
    data = bytearray(raw.read_bytes())
    data[10] ^= 0x01  # one byte
    raw.write_bytes(bytes(data))
    (folder / "notes.txt").write_text("added later")
    (folder / "results.json").unlink()
    code, out, _ = cli(monkeypatch, capsys, "evidence", "verify", str(folder))
    relative = raw.relative_to(folder).as_posix()
    assert code == 1 and out.startswith("FAILED ")
    assert f"  changed  {relative}" in out and "  added    notes.txt" in out and "  removed  results.json" in out
    assert "manifest" not in out  # the manifest itself is intact
    code, out, err = cli(monkeypatch, capsys, "evidence", "verify", str(folder.parent / "no-such-run"))
    assert code == 2 and out == "" and err.count("\n") == 1 and "no-such-run does not exist" in err


def test_verify_detects_an_edited_manifest_and_checks_every_run(tmp_path, monkeypatch, capsys):
    config = evidence.load_config(basic_toml(tmp_path), env={})
    first, second = evidence.run(config), evidence.run(config)
    manifest = first.folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"exit_code": 0', '"exit_code": 1'))
    results = evidence.verify(tmp_path / "evidence")  # the evidence folder: every run under it
    assert [r.folder for r in results] == [first.folder, second.folder]
    assert not results[0].ok and "manifest.json does not match manifest.sha256" in results[0].manifest_problem
    # the second run's own files are intact, but its link to the first run's manifest no longer holds
    assert results[1].manifest_ok and not (results[1].changed or results[1].added or results[1].removed)
    assert results[1].problems == [f"broken link: {first.folder.name}/manifest.json is not the manifest this run "
                                   "linked to (it was rewritten)"]
    with pytest.raises(evidence.EvidenceError, match="holds no manifest.json"):
        evidence.verify(tmp_path)


def test_retention_keeps_the_newest_runs_and_never_the_current(tmp_path):
    config = evidence.load_config(basic_toml(tmp_path, "[retention]\nkeep_runs = 2"), env={})
    runs = [evidence.run(config) for _ in range(3)]
    left = evidence.run_folders(tmp_path / "evidence" / ACCOUNT)
    assert left == [runs[1].folder, runs[2].folder] and runs[2].pruned == [runs[0].folder]
    old = tmp_path / "evidence" / ACCOUNT / "20000101T000000Z"
    old.mkdir()
    (old / "manifest.json").write_text("{}")
    by_age = evidence.prune(old.parent, keep_runs=None, keep_days=30, current=runs[2].folder)
    assert by_age == [old] and evidence.run_folders(old.parent) == [runs[1].folder, runs[2].folder]
    assert evidence.prune(old.parent, keep_runs=1, keep_days=None, current=runs[2].folder) == [runs[1].folder]


def test_shipped_examples_are_valid():
    from iamsql.history.waivers import read_exceptions

    config = evidence.load_config(REPO / "examples" / "iamsql.toml", env={})
    assert config.collecting and config["role_arns"] and config["retention.keep_runs"] == 60
    assert config["exceptions"] == REPO / "examples" / "exceptions.yaml"
    parsed = read_exceptions(config["exceptions"])
    assert len(parsed.exceptions) == 2 and [a.ref for a in parsed.attestations] == ["nist-csf-2.0:GV.OC-01"]
    # judged on the day its dates were last set, never the wall clock: every entry in force, none expiring soon
    from datetime import date, timedelta

    from iamsql.history.waivers import Applied

    day = date(2026, 12, 5)
    entries = (*parsed.exceptions, *parsed.attestations)
    matched = dict.fromkeys((e.exception_id for e in parsed.exceptions), 1)
    applied = Applied(0, day, {}, matched, parsed.exceptions, parsed.attestations)
    assert [applied.state(item) for item in entries] == ["active"] * 3
    assert min(item.expires for item in entries) >= day + timedelta(days=270)
